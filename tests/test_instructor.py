"""Instructor mode: off by default and invisible; on, it shows reference answers and draws plots,
lab pictures and packet walks at projector size; off again, everything is as before."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import helpers  # noqa: E402
from helpers import instructor  # noqa: E402
from helpers.checks import Exercise, MultipleChoice, ip_address  # noqa: E402
from helpers.errors import CourseError  # noqa: E402
from helpers.lab import Lab  # noqa: E402
from helpers.lab.capture import Capture, Seen  # noqa: E402
from helpers.lab.draw import draw_lab  # noqa: E402
from helpers.lab.walk import PacketWalk  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def instructor_off():
    instructor.disable()
    yield
    instructor.disable()
    plt.close("all")


def setup_line(**env) -> str:
    """The line helpers.setup() prints in a fresh interpreter with this environment."""
    environment = {k: v for k, v in os.environ.items() if k != instructor.ENV_VAR}
    environment.update(env, MPLBACKEND="Agg", NETCOURSE_LAB_MODE="offline")
    done = subprocess.run([sys.executable, "-c", "import helpers, matplotlib as m; helpers.setup(); "
                           "print(m.rcParams['font.size'], list(m.rcParams['figure.figsize']))"],
                          cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_off_by_default_setup_prints_only_the_lab_mode():
    lines = setup_line().splitlines()
    assert lines[0] == "Lab mode: offline, replaying recorded experiments (chosen with NETCOURSE_LAB_MODE=offline)."
    font, size = lines[1].split(" ", 1)
    assert float(font) == helpers.PLOT_STYLE["font.size"] and eval(size) == list(helpers.PLOT_STYLE["figure.figsize"])
    assert setup_line(NETCOURSE_INSTRUCTOR="0").splitlines() == lines


def test_environment_switch_turns_it_on_in_setup():
    lines = setup_line(NETCOURSE_INSTRUCTOR="1").splitlines()
    assert lines[0].startswith("Lab mode: offline, replaying recorded experiments")
    assert "Instructor mode: on" in lines[0] and len(lines) == 2  # still one line from setup()
    font, size = lines[1].split(" ", 1)
    assert float(font) == pytest.approx(11 * 1.5)  # the course's 11 pt, 1.5 times
    assert eval(size) == pytest.approx([8 * 1.2, 4 * 1.2])


def test_enable_and_disable_restore_every_plot_setting():
    helpers.setup(quiet=True)
    before = dict(matplotlib.rcParams)
    instructor.enable()
    assert instructor.enabled()
    assert matplotlib.rcParams["font.size"] == pytest.approx(before["font.size"] * 1.5)
    assert matplotlib.rcParams["axes.titlesize"] == pytest.approx(12 * 1.5)
    assert matplotlib.rcParams["lines.linewidth"] == pytest.approx(before["lines.linewidth"] * 1.5)
    instructor.enable(2)  # enabling again scales from the original sizes, not from the enlarged ones
    assert matplotlib.rcParams["font.size"] == pytest.approx(before["font.size"] * 2)
    instructor.disable()
    assert not instructor.enabled()
    changed = {k for k in before if str(before[k]) != str(matplotlib.rcParams[k])}
    assert changed == set()


def test_setup_keeps_instructor_mode_on_after_its_style_reset(capsys):
    helpers.setup(quiet=True)
    instructor.enable()
    helpers.setup()  # a second setup cell resets the style; instructor mode must survive it
    assert "Instructor mode: on" in capsys.readouterr().out
    assert matplotlib.rcParams["font.size"] == pytest.approx(helpers.PLOT_STYLE["font.size"] * 1.5)
    instructor.disable()
    assert matplotlib.rcParams["font.size"] == helpers.PLOT_STYLE["font.size"]


def test_a_bad_scale_is_one_sentence():
    for bad in (0, 10, "big", True):
        with pytest.raises(CourseError, match="projector scale must be a number from 1 to 4"):
            instructor.enable(bad)
    assert not instructor.enabled()


# ---------------------------------------------------------------------------- lab pictures

def two_hop_lab() -> Lab:
    lab = Lab("test-instructor")
    s1, h1, r1, h2 = lab.switch("s1"), lab.host("h1"), lab.router("r1"), lab.host("h2")
    lab.link(h1, s1, ip1="10.0.1.10/24")
    lab.link(r1, s1, ip1="10.0.1.1/24")
    lab.link(r1, h2, ip1="10.0.2.1/24", ip2="10.0.2.10/24")
    return lab


def recorded_ping(lab: Lab) -> Capture:
    from scapy.layers.inet import ICMP, IP
    from scapy.layers.l2 import Ether

    capture = Capture(lab, ["h1:eth0", "h2:eth0"])
    capture.packets = [
        Seen(1, "h1:eth0", 0.0, Ether() / IP(src="10.0.1.10", dst="10.0.2.10", ttl=64) / ICMP(type=8)),
        Seen(2, "h2:eth0", 0.001, Ether() / IP(src="10.0.1.10", dst="10.0.2.10", ttl=63) / ICMP(type=8)),
    ]
    return capture


def picture_sizes(lab: Lab) -> dict[str, tuple[float, float]]:
    """Figure size and the node-name font size of every way a lesson draws a lab."""
    capture = recorded_ping(lab)
    figures = {"draw_lab": draw_lab(lab), "lab.draw": lab.draw(),
               "PacketWalk": PacketWalk(lab, capture).figure(1), "capture.walk": capture.walk().figure(1)}
    sizes = {}
    for name, figure in figures.items():
        node_label = next(t for t in figure.axes[0].texts if t.get_text() == "h1")
        sizes[name] = (figure.get_size_inches()[0], node_label.get_fontsize())
    plt.close("all")
    return sizes


def test_lab_pictures_and_packet_walks_grow_for_the_projector():
    lab = two_hop_lab()
    normal = picture_sizes(lab)
    instructor.enable()
    large = picture_sizes(lab)
    for name in normal:
        assert large[name][0] == pytest.approx(normal[name][0] * 1.5), name
        assert large[name][1] == pytest.approx(normal[name][1] * 1.5), name
    assert draw_lab(lab, scale=1.0).get_size_inches()[0] == pytest.approx(normal["draw_lab"][0])  # an explicit scale wins
    instructor.disable()
    assert picture_sizes(lab) == normal


# ---------------------------------------------------------------------------- reference answers

def test_answers_need_instructor_mode():
    with pytest.raises(instructor.InstructorModeOff, match="instructor mode only"):
        instructor.answer("l00.modes")
    with pytest.raises(instructor.InstructorModeOff):
        instructor.answers("00")


def test_answer_of_a_lesson_exercise_by_name_and_by_object():
    from helpers.exercises import l00

    instructor.enable()
    by_name = instructor.answer("l00.modes")
    assert instructor.answer("00.modes").text() == by_name.text()
    assert instructor.answer(l00.modes).text() == by_name.text()
    text = by_name.text()
    assert text.startswith("l00.modes: Your laptop runs macOS.")
    assert "  Answer: offline" in text.splitlines()
    assert "Why: Offline mode replays" in text
    assert "If a learner answers 'live, as root': Live labs need Linux network namespaces" in text
    assert "<b>Answer:</b> <code>offline</code>" in by_name._repr_html_()


def test_answer_shows_the_mistakes_its_hints_cover():
    instructor.enable()
    question = Exercise("Broadcast of 10.0.1.77/26?", answer="10.0.1.127", normalize=ip_address,
                        hints=[("10.0.1.255", "That is the /24's broadcast."), (lambda a: a.endswith(".64"), "That is the network.")],
                        explain="The block is .64-.127.")
    shown = instructor.answer(question)  # not in helpers/exercises: shown without a name
    assert shown.text().splitlines() == [
        "Broadcast of 10.0.1.77/26?",
        "  Answer: 10.0.1.127",
        "  Why: The block is .64-.127.",
        "  If a learner answers '10.0.1.255': That is the /24's broadcast.",
        "  If a learner answers (a case the hint's test recognises): That is the network.",
    ]
    several = Exercise("Any host of 10.0.0.0/30?", answer="10.0.0.1", normalize=ip_address,
                       accept=lambda a: a in {"10.0.0.1", "10.0.0.2"})
    assert "(other answers are accepted too)" in instructor.answer(several).text()
    choice = MultipleChoice("Pick", ["a", "b"], answer="b")
    assert instructor.answer(choice).text().splitlines()[1] == "  Answer: b"


def test_all_answers_of_a_lesson_in_order():
    from helpers.exercises import all_exercises

    instructor.enable()
    expected = [key for key in all_exercises() if key.startswith("l00.")]
    for spelling in ("00", 0, "l00"):
        assert [a.name for a in instructor.answers(spelling)] == expected
    with pytest.raises(CourseError, match="Lesson 99 has no exercises"):
        instructor.answers(99)
    with pytest.raises(CourseError, match="by its number"):
        instructor.answers("subnetting")


def test_unknown_names_are_one_sentence():
    instructor.enable()
    with pytest.raises(CourseError, match="Lesson 00 has no exercise called 'nope'; its exercises are: modes"):
        instructor.answer("l00.nope")
    with pytest.raises(CourseError, match="There is no exercise 'broadcast'"):
        instructor.answer("broadcast")
    with pytest.raises(CourseError, match="answer\\(\\) takes an exercise"):
        instructor.answer(42)
