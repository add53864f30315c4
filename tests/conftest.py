"""Shared test set-up.

* The host's own network state (addresses, routes, nftables ruleset, namespaces the course did
  not create) is snapshotted before the session and compared after it: a lab that touched the
  host fails the run.
* Tests marked ``live`` need a live lab backend. They skip where none exists, except when
  NETCOURSE_REQUIRE_LIVE=1 (set by CI), where a missing backend is a failure, not a skip.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tools/ is importable from tests

SBIN_PATH = "/usr/local/sbin:/usr/sbin:/sbin:" + os.environ.get("PATH", "")


def _cmd(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=20,
                              env=dict(os.environ, PATH=SBIN_PATH))
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout


def host_network_state() -> dict[str, str]:
    """What labs must never change: the host namespace's links, addresses, routes, firewall and
    forwarding settings, and the list of named namespaces (labs remove theirs)."""
    links = json.loads(_cmd(["ip", "-j", "link", "show"]) or "[]")
    for link in links:  # counters and operational details change on their own
        for key in ("stats", "stats64", "operstate", "linkmode", "flags", "qdisc", "txqlen", "group"):
            link.pop(key, None)
    return {
        "links": json.dumps(links, sort_keys=True),
        "addresses": _cmd(["ip", "-br", "addr", "show"]),
        "routes": _cmd(["ip", "route", "show", "table", "all"]),
        "nftables": _cmd(["nft", "list", "ruleset"]),
        # Without iptables-save's "# Generated ... on <date>" comment lines.
        "iptables": "\n".join(line for line in _cmd(["iptables-save"]).splitlines() if not line.startswith("#"))
                    if os.geteuid() == 0 else "",
        "namespaces": _leftover_namespaces(),  # every lab of the tests removed its own
        "forwarding": "".join(_read(f"/proc/sys/net/{key}") for key in
                              ("ipv4/ip_forward", "ipv4/conf/all/forwarding", "ipv6/conf/all/forwarding")),
    }


def _leftover_namespaces() -> str:
    """Named namespaces, except those of labs still running in other live processes (a notebook
    an author has open, say): only what nobody owns any more counts as left behind."""
    from helpers.lab import state

    running = {r.prefix for r in state.load_records()
               if r.owner_pid != os.getpid() and state.is_alive(r.owner_pid, r.owner_start)}
    return "\n".join(n for n in state.named_namespaces() if n[:8] not in running)


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def pytest_sessionstart(session):
    session.config._host_state_before = host_network_state()


def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "_host_state_before", None)
    if before is None or hasattr(session.config, "workerinput"):
        return
    after = host_network_state()
    changed = [key for key in before if before[key] != after[key]]
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = ("HOST ISOLATION BROKEN: the host namespace's " + ", ".join(changed) +
                   " changed during the tests; labs must only touch their own namespaces.")
        if reporter:
            reporter.write_line(message, red=True, bold=True)
            for key in changed:
                reporter.write_line(f"--- {key} before:\n{before[key]}\n--- after:\n{after[key]}")
        session.exitstatus = 1


def live_mode_or_skip():
    from helpers.lab.backends import detect_mode

    mode = detect_mode()
    if not mode.live:
        if os.environ.get("NETCOURSE_REQUIRE_LIVE") == "1":
            pytest.fail(f"live labs are required here (NETCOURSE_REQUIRE_LIVE=1) but the mode is offline: {mode.reason}")
        pytest.skip(f"no live lab backend here: {mode.reason}")
    return mode


@pytest.fixture
def live():
    """Use in tests that build real labs."""
    return live_mode_or_skip()


def missing(what: str) -> None:
    """Skip a test that lacks something the set-up installs, except in CI (NETCOURSE_REQUIRE_LIVE=1 or
    CI set), where a missing one is a failure, not a skip counted as a pass."""
    if os.environ.get("CI") or os.environ.get("NETCOURSE_REQUIRE_LIVE") == "1":
        pytest.fail(f"this test needs {what} (python3 course.py test installs it as root)")
    pytest.skip(f"this test needs {what}")


def tool_or_skip(program: str | None, name: str) -> None:
    """Go on when the lab program was found, else skip (fail in CI)."""
    if not program:
        missing(name)

