"""Bookkeeping that lets every lab be cleaned up, even after a crash.

Each running lab writes a small JSON file (its name prefix, namespaces, owner process, and for a
rootless lab the sandbox's holder process). Normal teardown deletes the file. If the owner dies
without tearing down (a killed kernel), two things tidy up:

* a reaper process started alongside the first lab of each Python process: it waits for its
  parent to vanish and then removes that parent's labs;
* ``python -m helpers.lab cleanup``: removes the labs of every dead owner (``--all``: every lab).

Only namespaces whose names carry a course prefix (``ncl`` + five characters + ``-``) are ever
touched, so cleanup cannot remove anything the course did not create.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

PREFIX_PATTERN = re.compile(r"^ncl[0-9a-z]{5}-[a-z0-9-]+$")
SBIN_PATH = "/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin"


def state_dir() -> Path:
    if os.geteuid() == 0:
        base = Path("/run/netcourse")
    else:
        runtime = os.environ.get("XDG_RUNTIME_DIR")
        base = Path(runtime) / "netcourse" if runtime else Path(f"/tmp/netcourse-{os.getuid()}")
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    return base


@dataclass
class LabRecord:
    prefix: str
    lab: str
    backend: str  # "root" or "rootless"
    owner_pid: int
    owner_start: str  # the owner's start time, so a reused PID is not mistaken for the owner
    namespaces: list[str] = field(default_factory=list)
    holder_pid: int | None = None
    holder_start: str | None = None
    pids: list[int] = field(default_factory=list)
    workdir: str | None = None  # the lab's temporary folder (configs, logs, captures)

    @property
    def path(self) -> Path:
        return state_dir() / f"{self.prefix}.json"

    def save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=1))
        tmp.replace(self.path)

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)


def process_start(pid: int) -> str | None:
    """The start time of a process (field 22 of /proc/PID/stat), or None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def is_alive(pid: int | None, start: str | None) -> bool:
    return pid is not None and start is not None and process_start(pid) == start


def load_records() -> list[LabRecord]:
    records = []
    for path in sorted(state_dir().glob("ncl*.json")):
        try:
            records.append(LabRecord(**json.loads(path.read_text())))
        except (OSError, ValueError, TypeError):
            path.unlink(missing_ok=True)  # a half-written file from a crash mid-save
    return records


def _run(argv: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, timeout=30,
                          env=dict(os.environ, PATH=SBIN_PATH, LC_ALL="C"))


def _kill(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def named_namespaces() -> list[str]:
    result = _run(["ip", "netns", "list"])
    return [line.split()[0] for line in result.stdout.splitlines() if line.strip()]


def remove_namespaces(names: list[str]) -> None:
    """Kill every process inside the course's namespaces, then delete them (root mode)."""
    names = [n for n in names if PREFIX_PATTERN.match(n)]
    if not names:
        return
    existing = set(named_namespaces())
    names = [n for n in names if n in existing]
    pids: list[int] = []
    for name in names:
        pids += [int(p) for p in _run(["ip", "netns", "pids", name]).stdout.split() if p.isdigit()]
    _kill(pids)
    if names:
        subprocess.run(["ip", "-force", "-batch", "-"], input="".join(f"netns del {n}\n" for n in names),
                       capture_output=True, text=True, env=dict(os.environ, PATH=SBIN_PATH))


def remove_lab(record: LabRecord) -> None:
    _kill(record.pids)
    if record.workdir and Path(record.workdir).name.startswith(f"netcourse-{record.prefix}-"):
        shutil.rmtree(record.workdir, ignore_errors=True)
    if record.backend == "rootless":
        if is_alive(record.holder_pid, record.holder_start):
            _kill([record.holder_pid])
    else:
        remove_namespaces(record.namespaces)
    record.forget()


# Leftovers outside network namespaces that some lessons create (e.g. lesson 13's loop devices):
# "module:function" names, each function removing what dead owners left and returning a list.
CLEANUP_HOOKS = ["helpers.experiments.l13:cleanup_volumes"]


def run_cleanup_hooks() -> list[str]:
    import importlib

    removed = []
    for hook in CLEANUP_HOOKS:
        module, _, function = hook.partition(":")
        try:
            removed += getattr(importlib.import_module(module), function)()
        except Exception as error:  # a hook must never stop the rest of the cleanup
            print(f"cleanup hook {hook} failed: {error}", file=sys.stderr)
    return removed


def cleanup(everything: bool = False, owner_pid: int | None = None) -> list[str]:
    """Remove leftover labs; return the prefixes removed.

    By default only labs whose owner process is gone; ``everything=True`` removes running labs
    too; ``owner_pid`` limits it to one owner (what the reaper uses).
    """
    removed = []
    for record in load_records():
        if owner_pid is not None and record.owner_pid != owner_pid:
            continue
        if everything or not is_alive(record.owner_pid, record.owner_start):
            remove_lab(record)
            removed.append(record.prefix)
    if os.geteuid() == 0 and owner_pid is None:
        # Namespaces with a course prefix but no record: their record was lost mid-crash.
        known = {r.prefix for r in load_records()}
        orphans = [n for n in named_namespaces() if PREFIX_PATTERN.match(n) and n[:8] not in known]
        if orphans:
            remove_namespaces(orphans)
            removed += sorted({n[:8] for n in orphans})
    if owner_pid is None:
        removed += run_cleanup_hooks()
    return removed


# ---------------------------------------------------------------------------- the reaper

_reaper: subprocess.Popen | None = None


def ensure_reaper() -> None:
    """Start, once per process, a watcher that removes this process's labs if it dies."""
    global _reaper
    if _reaper is not None and _reaper.poll() is None:
        return
    _reaper = subprocess.Popen(
        [sys.executable, "-m", "helpers.lab.state", "reap", str(os.getpid())],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, close_fds=True)


def _reap(owner: int) -> None:
    # The parent never writes to our stdin; read() returns when its end closes, i.e. it died.
    try:
        sys.stdin.buffer.read()
    except Exception:
        pass
    time.sleep(0.2)
    cleanup(owner_pid=owner)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "reap":
        _reap(int(sys.argv[2]))
