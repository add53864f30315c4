"""Every lesson exercise accepts its right answer and gives each listed mistake its own hint."""
from __future__ import annotations

import pytest

from helpers.checks import Exercise, MultipleChoice
from helpers.exercises import all_exercises

EXERCISES = all_exercises()


def test_exercises_exist():
    assert "l00.modes" in EXERCISES


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_right_answer_passes(name):
    exercise = EXERCISES[name]
    result = exercise.check(exercise.answer)
    assert result.ok, f"{name}: its own answer {exercise.answer!r} is not accepted: {result.message}"


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_each_known_mistake_gets_its_hint(name):
    exercise = EXERCISES[name]
    if isinstance(exercise, MultipleChoice):
        mistakes = list(exercise.hints.items())
    else:
        mistakes = [(m, text) for m, text in exercise.hints if not callable(m)]
    for wrong, hint in mistakes:
        result = exercise.check(wrong)
        assert not result.ok, f"{name}: the mistake {wrong!r} is accepted as right"
        assert result.message == hint, f"{name}: {wrong!r} got {result.message!r}, not its hint"


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_nonsense_gets_a_sentence(name):
    exercise = EXERCISES[name]
    for junk in ([1, 2, 3], {"a": 1}, object()):
        result = exercise.check(junk)
        assert not result.ok and result.message.strip().endswith((".", "?", ")")), (name, junk, result.message)
