"""Instructor mode: reference solutions on demand, and pictures big enough for a projector.

Switch it on for a whole session, so every lesson's ``helpers.setup()`` turns it on::

    NETCOURSE_INSTRUCTOR=1 python3 course.py start

or in one notebook, after its setup cell::

    from helpers import instructor
    instructor.enable()

Then, in any lesson::

    instructor.answer(lesson.broadcast)     # the answer, why, and the mistakes the hints cover
    instructor.answer("l03.broadcast")      # the same, by name ("03.broadcast" works too)
    instructor.answers("03")                # every exercise of lesson 03 with its answer

While it is on, plots use larger fonts and thicker lines (matplotlib rcParams), and lab pictures
and packet walks (``lab.draw()``, ``draw_lab``, ``capture.walk()``, ``PacketWalk``) are drawn at
``scale`` (1.5 by default) unless a cell passes its own ``scale=``. ``disable()`` undoes all of it.
For the notebook text itself, JupyterLab's *View > Appearance > Presentation Mode* and the
browser's zoom do the job (docs/instructors.md has the details and a settings file for larger
fonts by default).

Learners who call ``answer()`` without instructor mode get one sentence saying how to turn it on:
the switch keeps answers out of sight by default, it is not a lock (the exercises are readable
in helpers/exercises/).
"""
from __future__ import annotations

import html
import os
from dataclasses import dataclass
from typing import Any

from helpers.errors import CourseError

__all__ = ["enable", "disable", "enabled", "requested", "answer", "answers", "Answer", "InstructorModeOff",
           "PROJECTOR_SCALE", "ENV_VAR"]

ENV_VAR = "NETCOURSE_INSTRUCTOR"
PROJECTOR_SCALE = 1.5
# The figure grows less than its text does: text gets bigger relative to the picture, while the
# image still fits the width of a notebook cell on a 1280-pixel projector.
FIGURE_GROWTH = 1.2

# matplotlib settings that are sizes; numbers are scaled, words like "large" follow font.size.
_FONT_KEYS = ("font.size", "axes.titlesize", "axes.labelsize", "xtick.labelsize", "ytick.labelsize",
              "legend.fontsize", "legend.title_fontsize", "figure.titlesize")
_LINE_KEYS = ("lines.linewidth", "lines.markersize", "axes.linewidth", "patch.linewidth",
              "grid.linewidth", "xtick.major.width", "ytick.major.width")

_state: dict[str, Any] = {"on": False, "scale": 1.0, "rc_before": {}, "rc_set": {}, "defaults_before": []}


class InstructorModeOff(CourseError):
    """answer() was called while instructor mode is off."""


def requested() -> bool:
    """True when the environment asks for instructor mode (NETCOURSE_INSTRUCTOR=1, yes, true or on)."""
    return os.environ.get(ENV_VAR, "").strip().lower() in {"1", "yes", "true", "on"}


def enabled() -> bool:
    return bool(_state["on"])


def enable(scale: float = PROJECTOR_SCALE) -> None:
    """Turn instructor mode on: answers become available, plots and lab pictures grow by `scale`."""
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 1 <= scale <= 4:
        raise CourseError(f"The projector scale must be a number from 1 to 4, like 1.5; got {scale!r}.")
    _restore_drawing_defaults()
    _restore_rc()
    _scale_rc(float(scale))
    _set_drawing_defaults(float(scale))
    _state.update(on=True, scale=float(scale))


def disable() -> None:
    """Turn instructor mode off and put plot sizes back as they were."""
    _restore_drawing_defaults()
    _restore_rc()
    _state.update(on=False, scale=1.0)


def setup_hook() -> str:
    """Called by helpers.setup() after it set the plot style: (re)applies instructor mode when it is
    requested or already on, and returns the words to add to setup's line ("" when it is off)."""
    if requested() or enabled():
        _state["rc_set"] = {}  # setup() just reset the style, so there is nothing of ours to undo
        enable(_state["scale"] if enabled() else PROJECTOR_SCALE)
        return " Instructor mode: on (answers with helpers.instructor.answer(...), projector-size pictures)."
    return ""


# ---------------------------------------------------------------------------- projector sizes

def _scale_rc(scale: float) -> None:
    import matplotlib

    rc = matplotlib.rcParams
    before, changed = {}, {}
    for key in _FONT_KEYS + _LINE_KEYS:
        value = rc.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            before[key] = value
            changed[key] = value * scale
    width, height = rc["figure.figsize"]
    before["figure.figsize"] = [width, height]
    changed["figure.figsize"] = [width * FIGURE_GROWTH, height * FIGURE_GROWTH]
    rc.update(changed)
    _state["rc_before"], _state["rc_set"] = before, {key: rc[key] for key in changed}


def _restore_rc() -> None:
    import matplotlib

    rc = matplotlib.rcParams
    for key, value in _state["rc_set"].items():
        if _same(rc[key], value):  # leave alone what someone changed since
            rc[key] = _state["rc_before"][key]
    _state["rc_before"], _state["rc_set"] = {}, {}


def _same(a, b) -> bool:
    return list(a) == list(b) if isinstance(a, (list, tuple)) else a == b


def _set_drawing_defaults(scale: float) -> None:
    """Lab pictures and packet walks read helpers.lab.draw.DEFAULT_SCALE when no scale= is given."""
    from helpers.lab import draw

    _state["defaults_before"] = [draw.DEFAULT_SCALE]
    draw.DEFAULT_SCALE = scale


def _restore_drawing_defaults() -> None:
    from helpers.lab import draw

    if _state["defaults_before"]:
        draw.DEFAULT_SCALE = _state["defaults_before"][0]
    _state["defaults_before"] = []


# ---------------------------------------------------------------------------- reference answers

@dataclass
class Answer:
    """One exercise with its reference answer; shows as text and as a green box in a notebook."""

    name: str
    prompt: str
    answer: Any
    explain: str
    mistakes: list[tuple[str, str]]  # (what a learner might answer, the hint they get)
    several_right: bool = False

    def text(self) -> str:
        lines = [f"{self.name}: {self.prompt}" if self.name else self.prompt,
                 f"  Answer: {_shown(self.answer)}" + ("  (other answers are accepted too)" if self.several_right else "")]
        if self.explain:
            lines.append(f"  Why: {self.explain}")
        for wrong, hint in self.mistakes:
            lines.append(f"  If a learner answers {wrong}: {hint}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        rows = "".join(f"<li><b>{html.escape(wrong)}</b>: {html.escape(hint)}</li>" for wrong, hint in self.mistakes)
        title = f"<code>{html.escape(self.name)}</code> " if self.name else ""
        return ('<div class="instructor-answer" style="border-left:4px solid #7c3aed;background:#f5f3ff;'
                'padding:6px 10px;margin:2px 0;color:#3b0764">'
                f"{title}{html.escape(self.prompt)}<br><b>Answer:</b> <code>{html.escape(_shown(self.answer))}</code>"
                + (" (other answers are accepted too)" if self.several_right else "")
                + (f"<br><b>Why:</b> {html.escape(self.explain)}" if self.explain else "")
                + (f"<br>Mistakes the hints cover:<ul style='margin:2px 0'>{rows}</ul>" if rows else "")
                + "</div>")


class Answers(list):
    """Several answers; shows them one after the other."""

    def __repr__(self) -> str:
        return "\n\n".join(a.text() for a in self) if self else "(no exercises)"

    def _repr_html_(self) -> str:
        return "".join(a._repr_html_() for a in self) or "<i>(no exercises)</i>"


def _shown(value: Any) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return ", ".join(str(v) for v in items)
    return str(value)


def _require_on() -> None:
    if not enabled():
        raise InstructorModeOff("Reference answers are shown in instructor mode only: run "
                                "helpers.instructor.enable() first, or start the course with NETCOURSE_INSTRUCTOR=1.")


def _lookup(name: str):
    from helpers.exercises import all_exercises

    found = all_exercises()
    key = name.strip()
    if key[:1].isdigit():
        key = "l" + key
    if key in found:
        return key, found[key]
    lesson = key.split(".", 1)[0]
    known = sorted(k.split(".", 1)[1] for k in found if k.startswith(lesson + "."))
    if known:
        raise CourseError(f"Lesson {lesson[1:]} has no exercise called {name.split('.', 1)[-1]!r}; "
                          f"its exercises are: {', '.join(known)}.")
    raise CourseError(f"There is no exercise {name!r}; name one like 'l03.broadcast' (lesson, dot, exercise).")


def _describe(name: str, exercise) -> Answer:
    from helpers.checks import Exercise, MultipleChoice

    if isinstance(exercise, MultipleChoice):
        return Answer(name, exercise.prompt, exercise.answer, exercise.explain,
                      [(repr(option), hint) for option, hint in exercise.hints.items()])
    if isinstance(exercise, Exercise):
        mistakes = [(repr(matcher) if not callable(matcher) else "(a case the hint's test recognises)", hint)
                    for matcher, hint in exercise.hints]
        return Answer(name, exercise.prompt, exercise.answer, exercise.explain, mistakes,
                      several_right=exercise.accept is not None)
    raise CourseError(f"answer() takes an exercise (like lesson.broadcast) or its name (like 'l03.broadcast'); "
                      f"got {type(exercise).__name__}.")


def answer(exercise) -> Answer:
    """The reference answer of one exercise (the object, or its name like 'l03.broadcast')."""
    _require_on()
    if isinstance(exercise, str):
        return _describe(*_lookup(exercise))
    from helpers.exercises import all_exercises

    name = next((key for key, value in all_exercises().items() if value is exercise), "")
    return _describe(name, exercise)


def answers(lesson: str | int) -> Answers:
    """Every exercise of one lesson ("03", 3 or "l03") with its answer, in the order they are written."""
    _require_on()
    from helpers.exercises import all_exercises

    text = str(lesson).strip().lower().lstrip("l")
    if not text.isdigit():
        raise CourseError(f"Name the lesson by its number, like '03' or 3; got {lesson!r}.")
    prefix = f"l{int(text):02d}."
    found = [(key, value) for key, value in all_exercises().items() if key.startswith(prefix)]
    if not found:
        raise CourseError(f"Lesson {int(text):02d} has no exercises in helpers/exercises/ (yet).")
    return Answers(_describe(key, value) for key, value in found)
