"""Record live lab results, and replay them where labs cannot run live.

Every observation a lab makes (a command's output, a ping, a capture ...) goes through
``Recording.observe(kind, node, key, live)``:

* live mode: ``live()`` runs for real; with NETCOURSE_RECORD=1 the result is also kept and written
  to ``helpers/lab/recordings/<lab>.json`` when the lab stops;
* offline mode: the result comes from that file, so the notebook shows what the author's live run
  showed. Asking for something that was never recorded (a learner's own experiment) raises one
  sentence explaining how to run it live.

The n-th identical observation replays the n-th recording; beyond the last one, the last repeats
(re-running a cell shows the same thing again).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable

from helpers.errors import CourseError

RECORDINGS = Path(__file__).resolve().parent / "recordings"


class NotRecorded(CourseError):
    pass


def recording_path(lab_name: str) -> Path:
    return RECORDINGS / f"{lab_name}.json"


def recording_enabled() -> bool:
    return os.environ.get("NETCOURSE_RECORD", "") not in ("", "0", "no", "false")


def _key_text(kind: str, node: str, key: Any) -> str:
    return json.dumps([kind, node, key], sort_keys=True, separators=(",", ":"))


class Recording:
    def __init__(self, lab_name: str, *, replay: bool):
        self.lab_name = lab_name
        self.replay = replay
        self.record = (not replay) and recording_enabled()
        self.entries: list[dict] = []
        self.seen: dict[str, int] = {}
        self.stored: dict[str, list[Any]] = {}
        if replay:
            path = recording_path(lab_name)
            if path.exists():
                for entry in json.loads(path.read_text())["entries"]:
                    self.stored.setdefault(entry["key"], []).append(entry["result"])

    def observe(self, kind: str, node: str, key: Any, live: Callable[[], Any],
                encode: Callable[[Any], Any] = lambda r: r, decode: Callable[[Any], Any] = lambda r: r):
        text = _key_text(kind, node, key)
        occurrence = self.seen.get(text, 0)
        self.seen[text] = occurrence + 1
        if self.replay:
            stored = self.stored.get(text)
            if not stored:
                raise NotRecorded(
                    f"Offline mode has no recording of this {kind} on {node} in lab "
                    f"'{self.lab_name}'; the lesson's own experiments replay, but new ones need a "
                    f"live lab (run the course as root, or where user namespaces are allowed).")
            return decode(stored[min(occurrence, len(stored) - 1)])
        result = live()
        if self.record:
            self.entries.append({"key": text, "result": encode(result)})
        return result

    def save(self) -> Path | None:
        if not self.record or not self.entries:
            return None
        RECORDINGS.mkdir(exist_ok=True)
        path = recording_path(self.lab_name)
        path.write_text(json.dumps({"lab": self.lab_name, "entries": self.entries}, indent=1,
                                   sort_keys=True) + "\n")
        return path


_open: dict[tuple[str, bool], Recording] = {}


def recording_for(lab_name: str, *, replay: bool) -> Recording:
    """One Recording per lab name per process, so a lab rebuilt in the same notebook keeps counting."""
    key = (lab_name, replay)
    if key not in _open:
        _open[key] = Recording(lab_name, replay=replay)
    return _open[key]
