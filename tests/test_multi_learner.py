"""Many learners on one server (a shared JupyterHub-style machine): several unprivileged accounts
run the same live lab at the same time through the rootless backend. Every lab is correct, each
learner sees only their own network, the host sees none of them, and nothing is left behind.

The machinery (accounts, a runtime they can read, the learner's lab script) is shared with the
benchmark bench/bench_classroom.py, which measures how many such learners one machine sustains.
"""
from __future__ import annotations

import os
import pwd
import shutil
import time
from pathlib import Path

import pytest

from bench.bench_classroom import Learner, learner_accounts, learner_runtime, processes_of, run_class
from helpers.lab import state

pytestmark = pytest.mark.live
LEARNERS = 4


def namespace_of(pid: int, kind: str) -> str:
    return os.readlink(f"/proc/{pid}/ns/{kind}")  # like "net:[4026532291]"


def owner_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise AssertionError(f"no Uid line for {pid}")


def test_several_learners_run_the_same_lab_at_the_same_time(live):
    if os.geteuid() != 0 or not shutil.which("useradd"):
        pytest.skip("creating learner accounts needs root (CI runs as root)")
    seen: dict = {}
    with learner_runtime() as (python, pythonpath), learner_accounts(LEARNERS) as names:
        uids = {name: pwd.getpwnam(name).pw_uid for name in names}
        # Each learner pings a different number of times: a capture that also saw another
        # learner's packets would count wrong, a web server of another learner would say its name.
        learners = [Learner(name, count=i + 1) for i, name in enumerate(names)]

        def while_all_up():  # every learner's lab is up at this moment
            seen["host namespaces"] = sorted(state.named_namespaces())
            seen["sandboxes"] = {l.name: l.ready["holder"] for l in learners if l.ready}
            seen["net"] = {name: namespace_of(pid, "net") for name, pid in seen["sandboxes"].items()}
            seen["user"] = {name: namespace_of(pid, "user") for name, pid in seen["sandboxes"].items()}
            seen["owners"] = {name: owner_of(pid) for name, pid in seen["sandboxes"].items()}

        started = time.monotonic()
        run_class(learners, python, pythonpath, as_accounts=True, while_all_up=while_all_up, timeout=90)
        elapsed = time.monotonic() - started
        for learner in learners:
            assert learner.ready, f"{learner.name}'s lab did not come up: {learner.stderr}"
            assert learner.ready["mode"] == "rootless", learner.ready
            assert learner.results, f"{learner.name}'s probes gave no result: {learner.stderr}"
            r = learner.results
            assert (r["transmitted"], r["received"]) == (learner.count, learner.count), (learner.name, r)
            assert r["ttls"] == [63], r  # the replies crossed the learner's own router once
            assert r["hops"] == ["10.0.1.1", "10.0.2.10"], r
            assert (r["status"], r["body"]) == (200, f"learner {learner.name}\n"), r
            assert r["captured"] == 2 * learner.count, r  # its own requests and replies, nobody else's
            assert learner.stopped and learner.returncode == 0, learner.stderr

        # Isolation while all labs were up: one sandbox per learner, owned by that learner,
        # each with its own network and user namespace, none of them visible to the host.
        assert set(seen["sandboxes"]) == set(names)
        assert seen["owners"] == uids
        assert len(set(seen["net"].values())) == LEARNERS
        assert len(set(seen["user"].values())) == LEARNERS
        assert namespace_of(os.getpid(), "net") not in seen["net"].values()
        prefixes = {learner.ready["prefix"] for learner in learners}
        assert not [ns for ns in seen["host namespaces"] if ns.split("-", 1)[0] in prefixes]

        # Nothing left behind, checked before the accounts are deleted.
        for learner in learners:
            uid = uids[learner.name]
            assert processes_of(uid) == [], f"{learner.name}'s lab left processes running"
            assert not Path(learner.ready["workdir"]).exists()
            assert not list(Path(f"/tmp/netcourse-{uid}").glob("*.json")), "a lab record was left behind"
    for name in names:
        with pytest.raises(KeyError):
            pwd.getpwnam(name)
    assert not [ns for ns in state.named_namespaces() if ns.split("-", 1)[0] in prefixes]
    print(f"{LEARNERS} learners built, probed and removed their labs at the same time in {elapsed:.1f} s")
