"""The exercises of each lesson, as data: ``helpers.exercises.l03`` holds lesson 03's checks.

Keeping them here (not inline in notebooks) lets tests/test_exercises.py prove that every right
answer passes and every listed mistake gets its own hint, and lets instructor mode reveal answers.
"""
from __future__ import annotations

import importlib
import pkgutil

from helpers.checks import Exercise, MultipleChoice


def all_exercises() -> dict[str, Exercise | MultipleChoice]:
    """Every exercise of every lesson, keyed 'lNN.name'."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, (Exercise, MultipleChoice)):
                found[f"{info.name}.{name}"] = value
    return found
