"""Every link from the project's Markdown pages to a file of the repository leads somewhere."""
from __future__ import annotations

import re

import pytest

from tools import notebooks as nbtools

PAGES = ["README.md", "CONTRIBUTING.md", "labs/README.md", *sorted(
    str(p.relative_to(nbtools.ROOT)) for p in nbtools.ROOT.glob("docs/*.md"))]
PAGES += sorted(str(p.relative_to(nbtools.ROOT)) for p in nbtools.ROOT.glob("labs/*/README.md"))
LINK = re.compile(r"\]\(([^)\s]+)\)")


def local_links(page: str) -> list[str]:
    text = (nbtools.ROOT / page).read_text()
    return [t for t in LINK.findall(text) if not re.match(r"[a-z]+:|#", t)]


@pytest.mark.parametrize("page", PAGES)
def test_local_links_lead_to_files(page):
    folder = (nbtools.ROOT / page).parent
    broken = [t for t in local_links(page) if not (folder / t.split("#")[0]).exists()]
    assert not broken, f"{page} links to files that do not exist: {broken}"


def test_readme_links_every_lesson_notebook_and_the_instructors_guide():
    links = set(local_links("README.md"))
    lessons = {str(p.relative_to(nbtools.ROOT)) for p in nbtools.ROOT.glob("notebooks/[0-9][0-9]-*.ipynb")}
    assert lessons <= links, f"lessons missing from the README's table: {sorted(lessons - links)}"
    assert "docs/instructors.md" in links
