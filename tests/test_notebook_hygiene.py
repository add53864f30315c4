"""Every committed notebook is fresh, clean and mostly compared by nbval."""
from __future__ import annotations

import getpass
import re

import nbformat
import pytest

from tools import notebooks as nbtools

NOTEBOOKS = nbtools.notebooks()
IDS = [str(p.relative_to(nbtools.ROOT)) for p in NOTEBOOKS]


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def test_there_are_notebooks():
    assert any(p.name == "00-start-here.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_executed_in_order(path):
    nb = nbformat.read(path, as_version=4)
    counts = [c.execution_count for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), (
        f"execution counts {counts} are not 1..n; rebuild with `python3 course.py build {path.name}`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_errors_in_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells, start=1):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"cell {index} has an error output"
            if output.output_type == "stream" and output.name == "stderr":
                assert "Traceback" not in output.text and "Warning" not in output.text, (
                    f"cell {index} printed to stderr: {output.text[:200]}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_absolute_paths_or_user_names(path):
    nb = nbformat.read(path, as_version=4)
    user = getpass.getuser()
    repo = str(nbtools.ROOT)
    for index, cell in enumerate(nb.cells, start=1):
        for text in nbtools.output_texts(cell):
            assert repo not in text, f"cell {index} shows the repository's absolute path"
            match = nbtools.ABSOLUTE_PATH.search(text)
            assert not match, f"cell {index} shows an absolute path: {match.group(0)!r}"
            if user not in ("root", "jovyan"):
                assert not re.search(rf"\b{re.escape(user)}\b", text), f"cell {index} shows the user name {user}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_most_outputs_are_compared(path):
    nb = nbformat.read(path, as_version=4)
    cells = code_cells(nb)
    ignored = [c for c in cells if nbtools.is_output_ignored(c)]
    compared = 1 - len(ignored) / len(cells)
    assert compared >= 0.8, f"only {compared:.0%} of code cells are compared by nbval (needs 80%)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_in_sync_with_source(path):
    problem = nbtools.out_of_sync(path)
    assert problem is None, problem


def test_every_source_has_a_notebook():
    missing = [s for s in nbtools.sources() if not nbtools.notebook_for(s).exists()]
    assert not missing, f"sources without a built notebook: {missing}; run `python3 course.py build`"


def test_ignore_marker_detection():
    cell = nbformat.v4.new_code_cell("# NBVAL_IGNORE_OUTPUT\nprint(1)")
    assert nbtools.is_output_ignored(cell)
    assert not nbtools.is_output_ignored(nbformat.v4.new_code_cell("print(1)"))
    tagged = nbformat.v4.new_code_cell("x", metadata={"tags": ["nbval-skip"]})
    assert nbtools.is_output_ignored(tagged)


def test_absolute_path_pattern():
    assert nbtools.ABSOLUTE_PATH.search("saved to /home/alice/x.pcap")
    assert nbtools.ABSOLUTE_PATH.search("/tmp/netcourse-x/cap.pcap")
    assert not nbtools.ABSOLUTE_PATH.search("ip route add 10.0.0.0/24 dev eth0")
    assert not nbtools.ABSOLUTE_PATH.search("GET /index.html HTTP/1.1")
