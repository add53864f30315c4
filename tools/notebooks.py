"""Notebook tooling for authors: sources in, executed notebooks out.

Every notebook is written as a plain Python file in "percent" format (``# %%`` starts a code cell,
``# %% [markdown]`` a text cell, ``tags=[...]`` after it sets cell tags), kept in a ``source/``
folder next to the notebook it produces:

    notebooks/source/03-ip-addressing-and-subnetting.py  ->  notebooks/03-ip-addressing-and-subnetting.ipynb
    labs/source/lab-02-packet-detective.py               ->  labs/lab-02-packet-detective.ipynb

    python tools/notebooks.py build [PATH ...] [--record]   execute sources into notebooks
    python tools/notebooks.py check                         list notebooks out of sync with sources

Sources are easy to review and diff; the committed notebooks carry outputs for learners and for
nbval. ``build`` executes every cell in order in a fresh kernel from this environment, so the
execution counts run 1..n, and fails on the first error.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIRS = ("notebooks", "labs")
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
IGNORE_MARKERS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP")
IGNORE_TAGS = ("nbval-ignore-output", "nbval-skip")


def sources() -> list[Path]:
    found = []
    for top in NOTEBOOK_DIRS:
        found += sorted((ROOT / top).rglob("source/*.py"))
    return [p for p in found if ".ipynb_checkpoints" not in p.parts]


def notebooks() -> list[Path]:
    found = []
    for top in NOTEBOOK_DIRS:
        found += sorted((ROOT / top).rglob("*.ipynb"))
    return [p for p in found if ".ipynb_checkpoints" not in p.parts and "solutions" not in p.parts]


def notebook_for(source: Path) -> Path:
    return source.parent.parent / (source.stem + ".ipynb")


def source_for(notebook: Path) -> Path:
    return notebook.parent / "source" / (notebook.stem + ".py")


def read_source(source: Path):
    """The notebook a source describes, with stable cell ids and no jupytext metadata."""
    import jupytext

    nb = jupytext.read(source, fmt="py:percent")
    nb.metadata = {"kernelspec": dict(KERNELSPEC),
                   "language_info": {"name": "python"}}
    for index, cell in enumerate(nb.cells, start=1):
        cell.id = f"c{index:03d}"
        tags = cell.metadata.get("tags")
        cell.metadata = {"tags": list(tags)} if tags else {}
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def execute(nb, workdir: Path, *, record: bool = False, timeout: int = 900):
    from nbclient import NotebookClient

    env_before = os.environ.get("NETCOURSE_RECORD")
    if record:
        os.environ["NETCOURSE_RECORD"] = "1"
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(workdir)}},
                                record_timing=False, store_widget_state=True)
        client.execute()
    finally:
        if record and env_before is None:
            os.environ.pop("NETCOURSE_RECORD", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3",
                                    "file_extension": ".py", "mimetype": "text/x-python"}
    return nb


def build(source: Path, *, record: bool = False) -> Path:
    import nbformat

    target = notebook_for(source)
    nb = read_source(source)
    started = time.monotonic()
    execute(nb, target.parent, record=record)
    nbformat.validate(nb)
    nbformat.write(nb, target)
    print(f"built {target.relative_to(ROOT)} in {time.monotonic() - started:.1f} s", flush=True)
    return target


# ---------------------------------------------------------------------------- checks used by tests

def cell_key(cell) -> tuple:
    source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
    return (cell.cell_type, source.strip(), tuple(cell.metadata.get("tags", [])))


def out_of_sync(notebook: Path) -> str | None:
    """Why this notebook does not match its source, or None when it does."""
    import nbformat

    source = source_for(notebook)
    if not source.exists():
        return f"no source file {source.relative_to(ROOT)}"
    expected = [cell_key(c) for c in read_source(source).cells]
    actual = [cell_key(c) for c in nbformat.read(notebook, as_version=4).cells]
    if expected == actual:
        return None
    for index, (want, have) in enumerate(zip(expected, actual), start=1):
        if want != have:
            return f"cell {index} differs from the source; rebuild with `python3 course.py build {source.relative_to(ROOT)}`"
    return f"the notebook has {len(actual)} cells, its source {len(expected)}; rebuild it"


def is_output_ignored(cell) -> bool:
    source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
    first_lines = "\n".join(source.splitlines()[:3])
    if any(marker in first_lines for marker in IGNORE_MARKERS):
        return True
    return any(tag in IGNORE_TAGS for tag in cell.metadata.get("tags", []))


ABSOLUTE_PATH = re.compile(r"(?<![\w.])(/root/|/home/[\w.-]+|/Users/[\w.-]+|/tmp/|/var/tmp/|/work/|[A-Z]:\\\\Users)")


def output_texts(cell) -> list[str]:
    texts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            texts.append(output.get("text", ""))
        for key in ("text/plain", "text/html", "text/markdown"):
            value = output.get("data", {}).get(key)
            if value:
                texts.append(value if isinstance(value, str) else "".join(value))
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    build_cmd = sub.add_parser("build")
    build_cmd.add_argument("paths", nargs="*")
    build_cmd.add_argument("--record", action="store_true")
    sub.add_parser("check")
    args = parser.parse_args(argv)

    if args.command == "check":
        bad = [(nb, out_of_sync(nb)) for nb in notebooks()]
        bad = [(nb, why) for nb, why in bad if why]
        for nb, why in bad:
            print(f"{nb.relative_to(ROOT)}: {why}")
        return 1 if bad else 0

    chosen = []
    for raw in args.paths or [str(s) for s in sources()]:
        path = Path(raw).resolve()
        if path.suffix == ".ipynb":
            path = source_for(path)
        if not path.exists():
            print(f"No notebook source at {raw}; sources live in notebooks/source/ and labs/source/.",
                  file=sys.stderr)
            return 2
        chosen.append(path)
    for source in chosen:
        build(source, record=args.record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
