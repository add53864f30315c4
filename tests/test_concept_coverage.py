"""Concept coverage: every concept of a lesson that exists is taught, tried and checked.

A concept is covered when the cells tagged ``concept:<ID>`` (in any lesson or lab) include an
explanation (a markdown cell), something to run (a code cell) and a check (a code cell that calls
a check or builds a quiz). Every lesson exists, so every concept must be covered.
"""
from __future__ import annotations

import re
from collections import defaultdict

import nbformat

from helpers.curriculum import CONCEPTS, LESSON_OF, LESSONS
from tools import notebooks as nbtools

CHECK_CALL = re.compile(r"\.check\(|\bquiz\(|\bcheck_[a-z_]+\(|\bmission\.|\bverify\(")


def tagged_cells():
    cells = defaultdict(list)
    unknown = []
    for path in nbtools.notebooks():
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for tag in cell.metadata.get("tags", []):
                if tag.startswith("concept:"):
                    concept = tag.split(":", 1)[1]
                    if concept not in CONCEPTS:
                        unknown.append(f"{path.name}: {tag}")
                    cells[concept].append(cell)
    return cells, unknown


def coverage_problems(cells) -> dict[str, str]:
    problems = {}
    for concept in CONCEPTS:
        tagged = cells.get(concept, [])
        kinds = {c.cell_type for c in tagged}
        if not tagged:
            problems[concept] = "no cell is tagged with it"
        elif "markdown" not in kinds:
            problems[concept] = "no explanation (markdown cell) is tagged"
        elif "code" not in kinds:
            problems[concept] = "nothing to run (code cell) is tagged"
        elif not any(c.cell_type == "code" and CHECK_CALL.search(c.source) for c in tagged):
            problems[concept] = "no check or quiz cell is tagged"
    return problems


def test_tags_name_real_concepts():
    _, unknown = tagged_cells()
    assert not unknown, f"cells tagged with concept IDs that the curriculum does not have: {unknown}"


def test_every_lesson_exists():
    missing = [lesson.notebook for lesson in LESSONS if not (nbtools.ROOT / lesson.notebook).exists()]
    assert not missing, f"lessons of the curriculum without a notebook: {missing}"


def test_every_concept_is_covered():
    problems = coverage_problems(tagged_cells()[0])
    assert not problems, "concepts not covered:\n" + "\n".join(
        f"  {c}: {why} (lesson {LESSON_OF[c].number})" for c, why in sorted(problems.items()))


def test_every_lesson_notebook_name_is_unique():
    names = [lesson.notebook for lesson in LESSONS]
    assert len(names) == len(set(names))
