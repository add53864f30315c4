"""English and Korean terms of the course, kept as data.

Each lesson owns one file, ``helpers/data/glossary/NN.tsv``, with three tab-separated columns:
the English term, the Korean term, and a one-line definition. A lesson ends with
``glossary.terms("03")``; ``glossary.search("subnet")`` looks through every lesson, and
``glossary.browser()`` is a searchable table widget.
"""
from __future__ import annotations

import csv
import html
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "glossary"


@dataclass(frozen=True)
class Term:
    english: str
    korean: str
    definition: str
    lesson: str


def load() -> list[Term]:
    entries = []
    for path in sorted(DATA.glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle, delimiter="\t"):
                if not row or row[0].startswith("#"):
                    continue
                if len(row) != 3:
                    raise ValueError(f"{path.name}: each line needs 3 tab-separated columns, got {row!r}")
                entries.append(Term(row[0].strip(), row[1].strip(), row[2].strip(), path.stem))
    return entries


class TermTable:
    def __init__(self, entries: list[Term], title: str = "Terms"):
        self.entries = entries
        self.title = title

    def __repr__(self) -> str:
        if not self.entries:
            return f"{self.title}: (none)"
        width = max(len(t.english) for t in self.entries)
        kwidth = max(len(t.korean) for t in self.entries)
        lines = [self.title]
        lines += [f"  {t.english:<{width}}  {t.korean:<{kwidth}}  {t.definition}" for t in self.entries]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td><b>{html.escape(t.english)}</b></td><td>{html.escape(t.korean)}</td>"
                       f"<td style='text-align:left'>{html.escape(t.definition)}</td></tr>" for t in self.entries)
        return (f"<h4>{html.escape(self.title)}</h4><table><tr><th>English</th><th>한국어</th>"
                f"<th style='text-align:left'>Meaning</th></tr>{rows}</table>")

    def __len__(self) -> int:
        return len(self.entries)


def terms(lesson: str) -> TermTable:
    """The terms a lesson introduces, in the order its file lists them."""
    return TermTable([t for t in load() if t.lesson == lesson], title=f"Terms of lesson {lesson}")


def search(text: str) -> TermTable:
    """Terms whose English, Korean or definition contains the text (case ignored)."""
    needle = text.strip().lower()
    found = [t for t in load() if needle in t.english.lower() or needle in t.korean or needle in t.definition.lower()]
    return TermTable(found, title=f"Terms matching {text!r}")


def browser():
    """A search box over the whole glossary."""
    import ipywidgets as widgets

    box = widgets.Text(placeholder="Search in English or 한국어", description="Search:")
    out = widgets.HTML(TermTable(load(), "All terms")._repr_html_())

    def update(change):
        out.value = (search(change["new"]) if change["new"].strip() else TermTable(load(), "All terms"))._repr_html_()

    box.observe(update, names="value")
    return widgets.VBox([box, out])
