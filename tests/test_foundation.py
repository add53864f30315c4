"""helpers.setup(), the error display, the curriculum data and the glossary."""
from __future__ import annotations

import random

import matplotlib
import pytest

import helpers
from helpers import glossary
from helpers.curriculum import CONCEPTS, LESSONS, lesson, lesson_map
from helpers.display import Box, Terminal
from helpers.errors import CourseError, InputError, format_error
from tools import notebooks as nbtools

ROOT = nbtools.ROOT


def test_setup_seeds_styles_and_reports_mode(capsys):
    helpers.setup(seed=7)
    first = random.random()
    line = capsys.readouterr().out.strip()
    helpers.setup(seed=7)
    assert random.random() == first
    assert line.startswith("Lab mode: ") and line.count("\n") == 0
    assert matplotlib.rcParams["axes.spines.top"] is False
    import logging
    assert logging.getLogger("scapy.runtime").level == logging.ERROR


def test_setup_quiet_prints_nothing(capsys):
    helpers.setup(quiet=True)
    assert capsys.readouterr().out == ""


def test_mode_line_matches_detected_mode():
    mode = helpers.lab_mode()
    assert mode.kind in ("root", "rootless", "offline")
    assert mode.one_line().startswith("Lab mode: live" if mode.live else "Lab mode: offline")


def test_offline_mode_can_be_forced(monkeypatch):
    from helpers.lab.backends import detect_mode

    monkeypatch.setenv("NETCOURSE_LAB_MODE", "offline")
    try:
        mode = detect_mode(refresh=True)
        assert mode.kind == "offline" and "NETCOURSE_LAB_MODE" in mode.one_line()
    finally:
        monkeypatch.delenv("NETCOURSE_LAB_MODE")
        detect_mode(refresh=True)


def test_course_errors_show_as_one_sentence():
    error = InputError("10.0.0.300 is not an address; an octet is at most 255.")
    assert isinstance(error, ValueError) and isinstance(error, CourseError)
    assert format_error(error) == "⚠ 10.0.0.300 is not an address; an octet is at most 255."


def test_notebook_handler_hides_tracebacks():
    from IPython.core.interactiveshell import InteractiveShell

    from helpers.errors import install_notebook_handler

    shell = InteractiveShell.instance()
    try:
        assert install_notebook_handler()
        assert CourseError in shell.custom_exceptions
        # What a learner sees when a cell makes a mistake: the sentence, and no traceback.
        import contextlib
        import io

        seen = io.StringIO()
        with contextlib.redirect_stdout(seen), contextlib.redirect_stderr(seen):
            result = shell.run_cell("from helpers.addressing import describe\ndescribe('10.0.1.300/24')")
        shown = seen.getvalue()
        assert result.error_in_exec is not None
        assert "300 in '10.0.1.300' is over 255" in shown
        assert "Traceback" not in shown and "File " not in shown and shown.strip().count("\n") <= 1
    finally:
        InteractiveShell.clear_instance()


def test_display_blocks():
    assert repr(Box("hi", "ok")) == "hi" and "#15803d" in Box("hi", "ok")._repr_html_()
    with pytest.raises(ValueError):
        Box("x", "purple")
    term = Terminal("ip neigh", "10.0.0.2 dev eth0\n")
    assert repr(term) == "$ ip neigh\n10.0.0.2 dev eth0"
    assert "&lt;" in Terminal("echo '<b>'", "<b>")._repr_html_()


def test_curriculum_has_every_lesson_and_concept():
    assert [l.number for l in LESSONS] == [f"{n:02d}" for n in range(15)]
    assert len(CONCEPTS) == 110
    assert lesson("03").title.startswith("IP addresses")
    assert "ip.cidr" in {c.id for c in lesson("03").concepts}
    with pytest.raises(InputError, match="no lesson '99'; lessons are numbered '00' to '14'"):
        lesson("99")
    assert "03  IP addresses and subnetting" in repr(lesson_map())


def test_glossary_terms_and_search():
    entries = glossary.load()
    assert entries and all(e.english and e.korean and e.definition for e in entries)
    start = glossary.terms("00")
    assert len(start) >= 3 and "네트워크 네임스페이스" in repr(start)
    assert any(t.english == "ping" for t in glossary.search("ICMP").entries)
    assert any(t.english == "lab" for t in glossary.search("실습").entries)
    assert "<table>" in start._repr_html_()


def test_every_installed_package_is_pinned_exactly():
    """The environment holds exactly what the requirement files pin: nothing unpinned crept in."""
    import re
    from importlib import metadata

    def norm(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    pins = {}
    for name in ("requirements.txt", "requirements-aws.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                package, _, version = line.partition("==")
                assert version, f"{name}: {line!r} is not pinned with =="
                assert norm(package) not in pins, f"{package} is pinned twice"
                pins[norm(package)] = version
    installed = {norm(d.metadata["Name"]): d.version for d in metadata.distributions()}
    installed.pop("netcourse-helpers", None)  # the course itself, installed editable
    for tool in ("pip", "setuptools", "wheel"):  # the venv's own installers
        if tool not in pins:
            installed.pop(tool, None)
    unpinned = sorted(set(installed) - set(pins))
    assert not unpinned, f"installed but not pinned in requirements.txt: {unpinned}"
    wrong = {n: (installed[n], pins[n]) for n in pins if n in installed and installed[n] != pins[n]}
    assert not wrong, f"installed versions differ from the pins (installed, pinned): {wrong}"
    assert not set(pins) - set(installed), f"pinned but not installed: {sorted(set(pins) - set(installed))}"
