"""Offline mode replays the recordings, and a notebook looks the same as in its live run.

Every notebook that builds live labs is run again by nbval (strict) with NETCOURSE_LAB_MODE=offline:
its outputs must match the committed ones, which came from the live recording run.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from helpers.lab import recording
from helpers.lab import results as R
from tools import notebooks as nbtools


def lab_notebooks() -> list:
    found = []
    for notebook in nbtools.notebooks():
        source = nbtools.source_for(notebook)
        if source.exists() and re.search(r"helpers\.lab|helpers\.experiments|Lab\(", source.read_text()):
            found.append(notebook)
    return found


def test_recordings_decode_to_what_was_stored():
    files = sorted(recording.RECORDINGS.glob("*.json"))
    assert files, "there are no recordings; build lab notebooks with --record"
    for path in files:
        data = json.loads(path.read_text())
        assert data["lab"] == path.stem
        for entry in data["entries"]:
            kind = json.loads(entry["key"])[0]
            if kind == "capture":
                assert all(isinstance(v, str) for v in entry["result"].values())
                continue
            # Compared as JSON, the form recordings are stored in (tuples come back as lists).
            again = json.loads(json.dumps(R.encode(R.decode(entry["result"]))))
            assert again == entry["result"], f"{path.name}: {entry['key']}"


def test_every_recording_belongs_to_a_lab_in_the_course():
    # Lab names are often module constants (EFS_LAB = "13-efs"), so any quoted string counts.
    quoted = set()
    for path in list(nbtools.ROOT.glob("notebooks/source/*.py")) + list(nbtools.ROOT.glob("labs/**/*.py")) \
            + list(nbtools.ROOT.glob("helpers/**/*.py")):
        quoted |= set(re.findall(r"""["']([a-z0-9][a-z0-9-]*)["']""", path.read_text()))
    stale = [p.name for p in recording.RECORDINGS.glob("*.json") if p.stem not in quoted]
    assert not stale, f"recordings of labs no notebook or helper builds any more: {stale}"


@pytest.mark.skipif(not lab_notebooks(), reason="no notebook uses live labs yet")
def test_lab_notebooks_replay_identically_offline():
    notebooks = [str(p.relative_to(nbtools.ROOT)) for p in lab_notebooks()]
    env = dict(os.environ, NETCOURSE_LAB_MODE="offline")
    # Two halves at once: replay is mostly waiting for kernels, and CI has two cores.
    runs = [subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *notebooks[i::2]],
                             cwd=nbtools.ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for i in range(2)]
    try:
        outputs = [run.communicate(timeout=1200)[0] for run in runs]
    finally:
        for run in runs:  # a timeout must not leave a replay (and its kernels) running
            if run.poll() is None:
                run.kill()
                run.wait()
    failed = [out for run, out in zip(runs, outputs) if run.returncode != 0]
    assert not failed, "offline replay differs from the live run:\n" + "\n".join(out[-4000:] for out in failed)
