"""English and Korean terms of the course, kept as data.

Each lesson owns one file, ``helpers/data/glossary/NN.tsv``, with three tab-separated columns:
the English term, the Korean term, and a one-line definition (lines starting with ``#`` are
comments). A lesson ends with ``glossary.terms("03")``; ``glossary.search("subnet")`` looks
through every lesson, ``glossary.table()`` lists every term with its lesson, and
``glossary.browser()`` is a searchable table widget (a search box and a lesson filter).

Checks the tests (and lesson authors) use:

* ``problems("05")``: what is wrong with a lesson's file (a line without exactly three columns,
  an empty column, a term listed twice, a Korean column without Hangul);
* ``first_uses("05")``: for each term of the lesson, its first mention in the lesson's text and
  whether the Korean follows it in parentheses, as in "a **subnet** (서브넷)";
  ``first_use_report("05")`` prints the terms that still lack it.
"""
from __future__ import annotations

import csv
import html
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "glossary"
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
HANGUL = re.compile("[\uac00-\ud7a3]")   # precomposed Hangul syllables


@dataclass(frozen=True)
class Term:
    english: str
    korean: str
    definition: str
    lesson: str


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, columns) of every non-comment, non-empty line of a glossary file."""
    found = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE), start=1):
            if not row or not "".join(row).strip() or row[0].startswith("#"):
                continue
            found.append((number, row))
    return found


def load() -> list[Term]:
    entries = []
    for path in sorted(DATA.glob("*.tsv")):
        for number, row in _rows(path):
            if len(row) != 3:
                raise ValueError(f"{path.name} line {number}: each line needs 3 tab-separated columns, got {row!r}")
            entries.append(Term(row[0].strip(), row[1].strip(), row[2].strip(), path.stem))
    return entries


def lessons() -> list[str]:
    """The lesson numbers that have a glossary file, in order."""
    return sorted(path.stem for path in DATA.glob("*.tsv"))


def problems(lesson: str) -> list[str]:
    """What is wrong with a lesson's glossary file, one sentence each (empty when it is fine)."""
    path = DATA / f"{lesson}.tsv"
    if not path.exists():
        return [f"there is no glossary file {path.name}; add one with a line per term: English<TAB>Korean<TAB>meaning."]
    found, seen = [], {}
    for number, row in _rows(path):
        if len(row) != 3:
            found.append(f"{path.name} line {number}: {len(row)} columns instead of 3 (English, Korean, meaning "
                         f"separated by tabs): {row!r}")
            continue
        english, korean, definition = (cell.strip() for cell in row)
        if not english or not korean or not definition:
            found.append(f"{path.name} line {number}: an empty column in {row!r}")
            continue
        key = english.lower()
        if key in seen:
            found.append(f"{path.name} line {number}: {english!r} is listed twice (first on line {seen[key]})")
        seen.setdefault(key, number)
        if not HANGUL.search(korean):
            found.append(f"{path.name} line {number}: the Korean column of {english!r} has no Hangul: {korean!r}")
    return found


# ---------------------------------------------------------------------------- tables

class TermTable:
    def __init__(self, entries: list[Term], title: str = "Terms", *, show_lesson: bool = False):
        self.entries = entries
        self.title = title
        self.show_lesson = show_lesson

    def __repr__(self) -> str:
        if not self.entries:
            return f"{self.title}: (none)"
        width = max(len(t.english) for t in self.entries)
        kwidth = max(len(t.korean) for t in self.entries)
        lines = [self.title]
        for t in self.entries:
            where = f"{t.lesson}  " if self.show_lesson else ""
            lines.append(f"  {where}{t.english:<{width}}  {t.korean:<{kwidth}}  {t.definition}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        lesson_head = "<th>Lesson</th>" if self.show_lesson else ""
        rows = "".join((f"<tr><td>{t.lesson}</td>" if self.show_lesson else "<tr>")
                       + f"<td><b>{html.escape(t.english)}</b></td><td>{html.escape(t.korean)}</td>"
                       f"<td style='text-align:left'>{html.escape(t.definition)}</td></tr>" for t in self.entries)
        return (f"<h4>{html.escape(self.title)}</h4><table>{'<tr>' + lesson_head if lesson_head else '<tr>'}"
                f"<th>English</th><th>한국어</th><th style='text-align:left'>Meaning</th></tr>{rows}</table>")

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):
        return iter(self.entries)


def terms(lesson: str) -> TermTable:
    """The terms a lesson introduces, in the order its file lists them."""
    return TermTable([t for t in load() if t.lesson == lesson], title=f"Terms of lesson {lesson}")


def filter_terms(text: str = "", lesson: str | None = None, entries: list[Term] | None = None) -> list[Term]:
    """Terms whose English, Korean or definition contains the text (case ignored), of one lesson or all."""
    needle = str(text or "").strip().lower()
    chosen = load() if entries is None else entries
    return [t for t in chosen
            if (lesson in (None, "", "all") or t.lesson == lesson)
            and (not needle or needle in t.english.lower() or needle in t.korean.lower()
                 or needle in t.definition.lower())]


def search(text: str) -> TermTable:
    """Terms whose English, Korean or definition contains the text (case ignored)."""
    return TermTable(filter_terms(text), title=f"Terms matching {text!r}", show_lesson=True)


def table(lesson: str | None = None) -> TermTable:
    """Every term of the course (or of one lesson) with the lesson that introduces it."""
    title = "All terms" if lesson in (None, "", "all") else f"Terms of lesson {lesson}"
    return TermTable(filter_terms("", lesson), title=title, show_lesson=True)


def lesson_choices() -> list[tuple[str, str]]:
    """(label, lesson number) pairs for the browser's lesson filter; 'all' first."""
    try:
        from helpers.curriculum import LESSONS
        titles = {lesson.number: lesson.title for lesson in LESSONS}
    except ImportError:
        titles = {}
    return [("all lessons", "all")] + [(f"{n} · {titles.get(n, 'lesson ' + n)}", n) for n in lessons()]


def browser_html(text: str = "", lesson: str = "all") -> str:
    """What the browser shows for a search text and a lesson filter (the widget only wires this)."""
    found = filter_terms(text, lesson)
    where = "every lesson" if lesson in (None, "", "all") else f"lesson {lesson}"
    what = f"matching {text.strip()!r} " if str(text or "").strip() else ""
    title = f"{len(found)} term{'s' if len(found) != 1 else ''} {what}in {where}"
    return TermTable(found, title, show_lesson=True)._repr_html_()


_BROWSER_CLASS = None


def _browser_class():
    """A VBox that prints as one stable line (nbval compares it; the widget's own repr would not be)."""
    global _BROWSER_CLASS
    if _BROWSER_CLASS is None:
        import ipywidgets as widgets

        class GlossaryBrowser(widgets.VBox):
            def __repr__(self) -> str:
                return "Glossary browser: every lesson's terms, searchable in English or 한국어, filtered by lesson"

        _BROWSER_CLASS = GlossaryBrowser
    return _BROWSER_CLASS


def browser():
    """A searchable table of the whole glossary: a search box (English or 한국어) and a lesson filter."""
    import ipywidgets as widgets

    box = widgets.Text(placeholder="Search in English or 한국어", description="Search:")
    which = widgets.Dropdown(options=lesson_choices(), value="all", description="Lesson:")
    out = widgets.HTML(browser_html("", "all"))

    def update(_change=None):
        out.value = browser_html(box.value, which.value)

    box.observe(update, names="value")
    which.observe(update, names="value")
    view = _browser_class()([widgets.HBox([box, which]), out])
    view.search, view.lesson, view.table = box, which, out  # handles for tests and curious learners
    return view


# ---------------------------------------------------------------------------- Korean on first use

@dataclass(frozen=True)
class FirstUse:
    term: Term
    found: bool              # the term appears in the lesson's text at all
    with_korean: bool        # its first appearance is followed by the Korean in parentheses
    context: str             # the words around the first appearance

    def __str__(self) -> str:
        if not self.found:
            return f"{self.term.english}: never mentioned in the lesson's text"
        mark = "ok" if self.with_korean else f"add ({self.term.korean})"
        return f"{self.term.english}: {mark}  … {self.context} …"


def _initials(text: str) -> str:
    return "".join(word[0] for word in re.split(r"[\s\-/]+", text) if word).lower()


def term_variants(english: str) -> list[str]:
    """The ways a glossary term can appear in a lesson's text.

    'ARP (Address Resolution Protocol)' -> ['ARP', 'Address Resolution Protocol'] (an abbreviation
    and its expansion stand for each other); 'network bits / host bits' -> both halves;
    'TTL (DNS)' -> ['TTL'] (a qualifier in parentheses is not another name).
    """
    variants = []
    for part in re.split(r"\s+/\s+", english):
        match = re.fullmatch(r"(.+?)\s*\((.+)\)", part.strip())
        outer, inner = (match[1].strip(), match[2].strip()) if match else (part.strip(), "")
        variants.append(outer)
        if inner and re.search("[A-Za-z]", inner):
            letters = re.sub(r"[^A-Za-z]", "", inner).lower()
            if letters == _initials(outer) or re.sub(r"[^A-Za-z]", "", outer).lower() == _initials(inner):
                variants.append(inner)
    return [v for v in dict.fromkeys(variants) if v]


def term_pattern(variant: str) -> re.Pattern:
    """How a variant of a term is found in text: whole words, any spacing, an optional plural."""
    words = [re.escape(w) for w in re.split(r"[\s\-]+", variant) if w]
    body = r"[\s\-]+".join(words)
    flags = 0 if re.search("[A-Z]", variant) and variant.upper() == variant else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){body}(?:s|es)?(?![\w-])", flags)


# After the term: closing emphasis or code marks, then "(" ... Hangul ... ")".
KOREAN_AFTER = re.compile(r"^[*_`]*\s*\(([^()]*)\)")


def _prose(markdown_cells: list[str]) -> str:
    """The lesson's markdown with headings left out (a title rarely carries the Korean)."""
    lines = []
    for cell in markdown_cells:
        for line in cell.splitlines():
            if not line.lstrip().startswith("#"):
                lines.append(line)
        lines.append("")
    return "\n".join(lines)


def lesson_notebook(lesson: str) -> Path | None:
    found = sorted(NOTEBOOKS.glob(f"{lesson}-*.ipynb"))
    return found[0] if found else None


def notebook_markdown(path: str | Path) -> list[str]:
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    return [cell.source for cell in nb.cells if cell.cell_type == "markdown"]


def first_uses(lesson: str, markdown_cells: list[str] | None = None) -> list[FirstUse]:
    """Each glossary term of the lesson, where it first appears in the lesson's markdown, and
    whether the Korean follows it there in parentheses."""
    if markdown_cells is None:
        path = lesson_notebook(lesson)
        markdown_cells = notebook_markdown(path) if path else []
    text = _prose(markdown_cells)
    results = []
    for term in terms(lesson):
        first = None
        for variant in term_variants(term.english):
            match = term_pattern(variant).search(text)
            if match and (first is None or match.start() < first.start()):
                first = match
        if first is None:
            results.append(FirstUse(term, False, False, ""))
            continue
        after = KOREAN_AFTER.match(text[first.end():])
        with_korean = bool(after and HANGUL.search(after[1]))
        context = " ".join(text[max(0, first.start() - 30):first.end() + 30].split())
        results.append(FirstUse(term, True, with_korean, context))
    return results


def missing_korean(lesson: str, markdown_cells: list[str] | None = None) -> list[FirstUse]:
    """The terms whose first mention in the lesson lacks the Korean in parentheses."""
    return [use for use in first_uses(lesson, markdown_cells) if use.found and not use.with_korean]


def first_use_report(lesson: str) -> str:
    """A to-do list for a lesson's author: terms to write with their Korean on first use."""
    uses = first_uses(lesson)
    todo = [u for u in uses if u.found and not u.with_korean]
    unused = [u for u in uses if not u.found]
    lines = [f"Lesson {lesson}: {len(uses) - len(todo) - len(unused)} of {len(uses)} terms have their Korean on "
             f"first use."]
    lines += [f"  {u}" for u in todo]
    if unused:
        lines.append("  never mentioned: " + ", ".join(u.term.english for u in unused))
    return "\n".join(lines)
