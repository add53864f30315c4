"""Authors' tool: write each glossary term's Korean in parentheses where a lesson first uses it.

    .venv/bin/python tools/korean_first_use.py            # every lesson that has a notebook
    .venv/bin/python tools/korean_first_use.py 03 05      # only these lessons

It edits the lesson's source (`notebooks/source/NN-*.py`) and copies the changed markdown cells
into the built notebook, so no re-execution is needed (only markdown changes). The first use is
found exactly as `helpers.glossary.first_uses` finds it; terms it cannot place safely (inside a
code span) are printed for the author to write by hand.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpers import glossary  # noqa: E402
from tools import notebooks as nbtools  # noqa: E402


@dataclass
class ProseLine:
    start: int        # offset of this line in the prose text
    line: int         # index of the source line
    prefix: int       # characters of comment marker before the text ("# ")


def prose_of(lines: list[str]) -> tuple[str, list[ProseLine]]:
    """The markdown of a percent-format source as glossary._prose sees it, with a map back to lines."""
    parts, where, offset, in_markdown = [], [], 0, False
    for index, line in enumerate(lines):
        if line.startswith("# %%"):
            if in_markdown:
                parts.append("")
                offset += 1
            in_markdown = "[markdown]" in line
            continue
        if not in_markdown:
            continue
        prefix = 2 if line.startswith("# ") else 1
        text = line[prefix:] if line.startswith("#") else line
        if text.lstrip().startswith("#"):
            continue  # a heading
        where.append(ProseLine(offset, index, prefix))
        parts.append(text)
        offset += len(text) + 1
    return "\n".join(parts), where


def korean_words(term) -> str:
    korean = term.korean.strip()
    spelled = re.fullmatch(r"(.*?)\s*\(([^()]*)\)", korean)
    if spelled and not glossary.HANGUL.search(spelled[1]):  # "CIDR (사이더)": the term is already there
        return spelled[2]
    # The check reads one level of parentheses, so nested ones become a comma.
    return re.sub(r"\s*\(([^()]*)\)", r", \1", korean)


def place(prose: str, term) -> tuple[int, str] | None:
    """Where to insert the Korean for this term's first use, and the text to insert."""
    first = None
    for variant in glossary.term_variants(term.english):
        match = glossary.term_pattern(variant).search(prose)
        if match and (first is None or match.start() < first.start()):
            first = match
    if first is None:
        return None
    line_start = prose.rfind("\n", 0, first.start()) + 1
    if prose[line_start:first.start()].count("`") % 2:  # inside a code span
        closing = re.match(r"`", prose[first.end():])
        if not closing:
            return None
    end = first.end() + len(re.match(r"[*_`]*", prose[first.end():])[0])
    korean = korean_words(term)
    existing = re.match(r"\s*\(([^()]*)\)", prose[end:])
    if existing:  # "(Classless Inter-Domain Routing)" -> "(Classless Inter-Domain Routing; 사이더)"
        return end + existing.end() - 1, f"; {korean}"
    return end, f" ({korean})"


def fix_lesson(lesson: str) -> list[str]:
    notebook = glossary.lesson_notebook(lesson)
    if notebook is None:
        return []
    source = nbtools.source_for(notebook)
    lines = source.read_text().split("\n")
    unplaced = []
    for _ in range(200):
        prose, where = prose_of(lines)
        todo = [u for u in glossary.first_uses(lesson, [prose]) if u.found and not u.with_korean
                and glossary.HANGUL.search(u.term.korean) and u.term.english not in unplaced]
        if not todo:
            break
        term = todo[0].term
        spot = place(prose, term)
        if spot is None:
            unplaced.append(term.english)
            continue
        offset, text = spot
        row = max((p for p in where if p.start <= offset), key=lambda p: p.start)
        column = row.prefix + offset - row.start
        line = lines[row.line]
        lines[row.line] = line[:column] + text + line[column:]
    source.write_text("\n".join(lines))
    sync_markdown(source, notebook)
    return unplaced


def sync_markdown(source: Path, notebook: Path) -> None:
    """Copy the source's markdown cells into the built notebook (outputs untouched)."""
    import nbformat

    fresh = nbtools.read_source(source).cells
    nb = nbformat.read(notebook, as_version=4)
    if [c.cell_type for c in fresh] != [c.cell_type for c in nb.cells]:
        raise SystemExit(f"{notebook.name} has other cells than its source; rebuild it first")
    for new, old in zip(fresh, nb.cells):
        if new.cell_type == "markdown":
            old.source = new.source
    nbformat.write(nb, notebook)


def main(argv: list[str]) -> int:
    from helpers.curriculum import LESSONS

    lessons = argv or [lesson.number for lesson in LESSONS]
    for lesson in lessons:
        unplaced = fix_lesson(lesson)
        if glossary.lesson_notebook(lesson):
            print(glossary.first_use_report(lesson).splitlines()[0])
        if unplaced:
            print("  write by hand (first use is inside code): " + ", ".join(unplaced))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
