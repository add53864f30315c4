"""The bilingual glossary: every lesson has well-formed English/Korean terms (the Korean in Hangul),
shows them at its end, and writes each term with its Korean in parentheses on first use.

`tools/korean_first_use.py` writes the Korean in for a lesson's author; the lists below stay as
ratchets should a lesson ever need an exception (both are empty: no exceptions).
"""
from __future__ import annotations

import re

import nbformat
import pytest

from helpers import glossary
from helpers.curriculum import LESSONS
from tools import notebooks as nbtools

EXISTING = [lesson for lesson in LESSONS if (nbtools.ROOT / lesson.notebook).exists()]

# Rows whose Korean column has no Hangul when this test was written (the authors of those lessons
# should write the Korean reading or a Korean gloss, e.g. "FIN (종료 플래그)"). Nothing may be added.
KOREAN_PENDING: set[tuple[str, str]] = set()

# Lessons verified to write every glossary term with its Korean in parentheses on first use:
# all of them (tools/korean_first_use.py does the writing for a new lesson).
FIRST_USE_VERIFIED: set[str] = {lesson.number for lesson in LESSONS}


# ---------------------------------------------------------------------------- the lessons' files

@pytest.mark.parametrize("lesson", [l.number for l in EXISTING])
def test_every_lesson_has_a_glossary_of_at_least_8_terms(lesson):
    path = glossary.DATA / f"{lesson}.tsv"
    assert path.exists(), f"lesson {lesson} has a notebook but no glossary file {path.name}"
    assert len(glossary.terms(lesson)) >= 8, f"lesson {lesson} lists only {len(glossary.terms(lesson))} terms"


def test_glossary_files_are_well_formed(capsys):
    """The files of lessons whose notebook exists (a lesson still being written may be unfinished)."""
    still_pending, fixed = [], []
    checked = [l.number for l in EXISTING if (glossary.DATA / f"{l.number}.tsv").exists()]
    for lesson in checked:
        for problem in glossary.problems(lesson):
            match = re.search(r"the Korean column of '(.+)' has no Hangul", problem)
            if match and (lesson, match[1]) in KOREAN_PENDING:
                still_pending.append(problem)
                continue
            pytest.fail(problem)
    for lesson, english in sorted(KOREAN_PENDING):
        if lesson in checked and not any(f"'{english}' has no Hangul" in p for p in glossary.problems(lesson)):
            fixed.append(f"{lesson} {english}")
    with capsys.disabled():
        if still_pending:
            print(f"\n{len(still_pending)} glossary rows still need Korean (Hangul):\n  " + "\n  ".join(still_pending))
        if fixed:
            print("fixed since (remove from KOREAN_PENDING): " + ", ".join(fixed))


def last_code_cell(path):
    nb = nbformat.read(path, as_version=4)
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()][-1]


@pytest.mark.parametrize("lesson", EXISTING, ids=[l.number for l in EXISTING])
def test_every_lesson_ends_with_its_own_terms(lesson):
    cell = last_code_cell(nbtools.ROOT / lesson.notebook)
    numbers = re.findall(r"glossary\.terms\(\s*[\"'](\d\d)[\"']\s*\)", cell.source)
    assert numbers == [lesson.number], (
        f"the last code cell of {lesson.notebook} should show glossary.terms(\"{lesson.number}\"), not "
        f"{cell.source.strip()[:80]!r}")
    shown = "".join(nbtools.output_texts(cell))
    assert f"Terms of lesson {lesson.number}" in shown, "the terms cell has no output; rebuild the notebook"


def test_capstone_terms_are_ready():
    english = {t.english for t in glossary.terms("14")}
    for must in ("bastion host", "defence in depth", "three-tier architecture"):
        assert must in english
    assert not glossary.problems("14")


def test_korean_on_first_use(capsys):
    reports = []
    for lesson in EXISTING:
        missing = glossary.missing_korean(lesson.number)
        if lesson.number in FIRST_USE_VERIFIED:
            assert not missing, f"lesson {lesson.number} lost its Korean on first use:\n" + "\n".join(map(str, missing))
        elif missing:
            reports.append(glossary.first_use_report(lesson.number))
    with capsys.disabled():
        if reports:
            print("\nKorean on first use, still to do (helpers.glossary.first_use_report):\n" + "\n".join(reports))


# ---------------------------------------------------------------------------- the checks themselves

@pytest.fixture
def fake_data(tmp_path, monkeypatch):
    monkeypatch.setattr(glossary, "DATA", tmp_path)
    return tmp_path


def test_problems_name_each_mistake(fake_data):
    (fake_data / "98.tsv").write_text(
        "# a comment line is skipped\n"
        "subnet\t서브넷\tA part of a network.\n"
        "router\t라우터\n"
        "Subnet\t서브넷\tListed again in other case.\n"
        "FIN\tFIN\tNo Hangul.\n"
        "hub\t\tEmpty Korean.\n", encoding="utf-8")
    found = glossary.problems("98")
    assert any("line 3: 2 columns instead of 3" in p for p in found)
    assert any("line 4: 'Subnet' is listed twice (first on line 2)" in p for p in found)
    assert any("line 5: the Korean column of 'FIN' has no Hangul" in p for p in found)
    assert any("line 6: an empty column" in p for p in found)
    assert len(found) == 4
    assert "no glossary file 97.tsv" in glossary.problems("97")[0]
    with pytest.raises(ValueError, match="98.tsv line 3"):
        glossary.load()


def test_term_variants():
    assert glossary.term_variants("ARP (Address Resolution Protocol)") == ["ARP", "Address Resolution Protocol"]
    assert glossary.term_variants("availability zone (AZ)") == ["availability zone", "AZ"]
    assert glossary.term_variants("TTL (DNS)") == ["TTL"]              # a qualifier is not another name
    assert glossary.term_variants("redirect (301)") == ["redirect"]
    assert glossary.term_variants("echo request / echo reply") == ["echo request", "echo reply"]


def test_first_use_finds_the_first_mention_and_its_korean(fake_data):
    (fake_data / "98.tsv").write_text(
        "subnet\t서브넷\tA part of a network.\n"
        "ARP (Address Resolution Protocol)\tARP (주소 결정 프로토콜)\tFinds a MAC address.\n"
        "round-trip time\t왕복 시간\tThere and back.\n"
        "hub\t허브\tA repeater.\n"
        "switch\t스위치\tLearns MAC addresses.\n", encoding="utf-8")
    cells = [
        "# Subnets and ARP\nA heading does not count as a use.",
        "Every host sits in a **subnet** (서브넷). Later, subnets (서브넷) again.",
        "The Address Resolution Protocol finds MACs; **ARP** (주소 결정 프로토콜) is its short name.",
        "Round trip time (왕복 시간) written with a space still counts. A `switch` learns (it has no Korean here).",
    ]
    uses = {u.term.english: u for u in glossary.first_uses("98", cells)}
    assert uses["subnet"].found and uses["subnet"].with_korean
    # the expansion comes first, without Korean, so the term fails even though ARP later has it
    assert uses["ARP (Address Resolution Protocol)"].found and not uses["ARP (Address Resolution Protocol)"].with_korean
    assert uses["round-trip time"].with_korean
    assert not uses["hub"].found
    assert uses["switch"].found and not uses["switch"].with_korean
    missing = [u.term.english for u in glossary.missing_korean("98", cells)]
    assert missing == ["ARP (Address Resolution Protocol)", "switch"]


def test_first_use_is_case_aware_for_abbreviations(fake_data):
    (fake_data / "98.tsv").write_text("AZ\t가용 영역\tA zone.\nnode\t노드\tA machine.\n", encoding="utf-8")
    cells = ["The **AZ** (가용 영역) is where a subnet lives; a nodejs process is not a node (노드)."]
    uses = {u.term.english: u for u in glossary.first_uses("98", cells)}
    assert uses["AZ"].with_korean
    assert uses["node"].with_korean and "not a node" in uses["node"].context


# ---------------------------------------------------------------------------- tables and the browser

def test_lesson_table_keeps_its_shape_and_search_names_lessons():
    table = glossary.terms("14")
    text = repr(table)
    assert text.splitlines()[0] == "Terms of lesson 14"
    assert re.search(r"^  three-tier architecture\s+3계층 아키텍처\s+Web, application", text, re.M)
    assert "<th>Lesson</th>" not in table._repr_html_()
    found = glossary.search("심층 방어")
    assert ("14", "defence in depth") in [(t.lesson, t.english) for t in found]
    assert all("심층 방어" in t.korean + t.definition for t in found)
    assert "<th>Lesson</th>" in found._repr_html_() and re.search(r"^  14  defence in depth", repr(found), re.M)
    assert len(glossary.table()) == len(glossary.load())
    assert {t.lesson for t in glossary.table("00")} == {"00"}


def test_browser_filters_by_text_and_lesson():
    everything = glossary.browser_html()
    assert f"{len(glossary.load())} terms in every lesson" in everything
    bastions = glossary.filter_terms("bastion")
    assert bastions and all("bastion" in (t.english + t.definition).lower() for t in bastions)
    only_14 = glossary.browser_html("bastion", "14")
    assert f"{len([t for t in bastions if t.lesson == '14'])} term" in only_14 and "in lesson 14" in only_14
    assert "0 terms matching" in glossary.browser_html("no-such-term-anywhere")
    assert glossary.lesson_choices()[0] == ("all lessons", "all")
    labels = dict((n, label) for label, n in glossary.lesson_choices())
    assert labels["14"].startswith("14 · ") and labels["00"].startswith("00 · ")


def test_browser_widget_wires_the_filter():
    view = glossary.browser()
    assert repr(view).startswith("Glossary browser:")
    view.search.value = "심층"
    assert "defence in depth" in view.table.value
    view.lesson.value = "00"
    assert "0 terms matching" in view.table.value
    view.search.value = ""
    assert f"{len(glossary.terms('00'))} terms in lesson 00" in view.table.value


@pytest.mark.parametrize("lesson", [lesson.number for lesson in EXISTING])
def test_every_glossary_term_appears_in_its_lesson(lesson):
    """A lesson's glossary lists terms the lesson really uses: in its text, its code or its outputs."""
    import nbformat

    nb = nbformat.read(glossary.lesson_notebook(lesson), as_version=4)
    text = "\n".join([cell.source for cell in nb.cells] + [t for cell in nb.cells for t in nbtools.output_texts(cell)])
    unused = [term.english for term in glossary.terms(lesson)
              if not any(glossary.term_pattern(v).search(text) for v in glossary.term_variants(term.english))]
    assert not unused, f"lesson {lesson}'s glossary lists terms the lesson never uses: {unused}"
