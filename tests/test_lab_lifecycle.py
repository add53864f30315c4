"""Labs always clean up: after a crash (reaper, or the cleanup command), in parallel, and for an
ordinary user through the rootless sandbox."""
from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from helpers.lab import state

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.live

LAB_SCRIPT = """
import json, sys, time
from helpers.lab import Lab
lab = Lab(sys.argv[1])
s1, h1, h2 = lab.switch("s1"), lab.host("h1"), lab.host("h2")
lab.link(h1, s1, ip1="10.0.0.1/24")
lab.link(h2, s1, ip1="10.0.0.2/24", delay="5ms")
web = h2.serve_http(80)
h2.nft("table inet guard { chain input { type filter hook input priority 0; tcp dport 81 drop; }; }")
lab.start()
ping = h1.ping("10.0.0.2", count=2, interval=0.1)
http = h1.http("http://10.0.0.2/whoami")
with lab.capture("h1:eth0", filter="icmp") as cap:
    h1.ping("10.0.0.2", count=1)
print(json.dumps({"prefix": lab.prefix, "received": ping.received, "status": http.status,
                  "body": http.body, "captured": len(cap.packets),
                  "guard": "guard" in h2.run("nft list tables").output,
                  "pids": [web.process.pid, lab._wire.pid],
                  "holder": getattr(lab._backend, "pid", None), "workdir": str(lab._tmp)}), flush=True)
if sys.argv[2] == "hang":
    time.sleep(600)
lab.stop()
"""


def start_lab_process(name: str, how: str, env=None, python=sys.executable, user=None, pythonpath=None):
    argv = [python, "-c", LAB_SCRIPT, name, how]
    environment = dict(os.environ if env is None else env)
    if pythonpath:
        environment["PYTHONPATH"] = pythonpath
    if user:
        argv = ["runuser", "-u", user, "--", "env", f"PYTHONPATH={pythonpath}", "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                "HOME=/tmp", *argv]
    process = subprocess.Popen(argv, cwd=ROOT if user is None else "/tmp", env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    line = process.stdout.readline()
    if not line:
        process.wait(timeout=30)
        pytest.fail(f"the lab process failed: {process.stderr.read()[-2000:]}")
    return process, json.loads(line)


def namespaces_with(prefix: str) -> list[str]:
    return [n for n in state.named_namespaces() if n.startswith(prefix + "-")]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()


def wait_until(condition, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def reaper_of(pid: int) -> int | None:
    found = subprocess.run(["pgrep", "-f", f"helpers.lab.state reap {pid}$"], capture_output=True, text=True)
    pids = [int(p) for p in found.stdout.split()]
    return pids[0] if pids else None


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    process.stdout.close()
    process.stderr.close()


def assert_all_gone(info: dict) -> None:
    assert info["guard"], "the lab's nft table was not there while it ran"
    assert namespaces_with(info["prefix"]) == []
    host_links = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True).stdout
    assert info["prefix"] not in host_links, "a lab interface was left in the host namespace"
    host_rules = subprocess.run(["nft", "list", "ruleset"], capture_output=True, text=True).stdout
    assert "guard" not in host_rules, "the lab's nft table turned up in the host namespace"
    assert not any(alive(pid) for pid in info["pids"]), "a lab program outlived its lab"
    assert not Path(info["workdir"]).exists(), "the lab's temporary folder was left behind"
    assert not (state.state_dir() / f"{info['prefix']}.json").exists()


def root_only(live):
    if live.kind != "root":
        pytest.skip("named namespaces and the reaper are the root backend's")


def test_reaper_cleans_up_after_a_killed_kernel(live):
    root_only(live)
    process, info = start_lab_process("test-crash-reaper", "hang")
    assert (info["received"], info["status"]) == (2, 200)
    assert len(namespaces_with(info["prefix"])) == 4  # s1, h1, h2 and the link emulator's
    assert reaper_of(process.pid)
    kill(process)
    assert wait_until(lambda: not namespaces_with(info["prefix"])), "the reaper did not remove the lab"
    assert wait_until(lambda: not Path(info["workdir"]).exists())
    assert_all_gone(info)


def test_cleanup_command_removes_what_a_crash_left(live):
    root_only(live)
    process, info = start_lab_process("test-crash-cleanup", "hang")
    reaper = reaper_of(process.pid)
    os.kill(reaper, signal.SIGKILL)  # the worst case: the watcher dies first
    kill(process)
    time.sleep(0.3)
    assert namespaces_with(info["prefix"]), "without a reaper the namespaces should still be there"
    done = subprocess.run([sys.executable, "-m", "helpers.lab", "cleanup"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and info["prefix"] in done.stdout
    assert_all_gone(info)
    again = subprocess.run([sys.executable, "-m", "helpers.lab", "cleanup"], cwd=ROOT, capture_output=True, text=True)
    assert "Nothing to clean up" in again.stdout or info["prefix"] not in again.stdout


def test_rootless_sandbox_dies_with_its_owner(live):
    env = dict(os.environ, NETCOURSE_LAB_MODE="rootless")
    process, info = start_lab_process("test-crash-rootless", "hang", env=env)
    assert (info["received"], info["status"], info["captured"]) == (2, 200, 2)
    assert alive(info["holder"])
    kill(process)
    assert wait_until(lambda: not alive(info["holder"]) and not any(alive(p) for p in info["pids"]))
    subprocess.run([sys.executable, "-m", "helpers.lab", "cleanup"], cwd=ROOT, capture_output=True, env=env)
    assert not Path(info["workdir"]).exists()
    assert not (state.state_dir() / f"{info['prefix']}.json").exists()


def test_the_same_lab_twice_at_once(live):
    first = start_lab_process("test-parallel", "hang")
    second = start_lab_process("test-parallel", "hang")
    try:
        (p1, a), (p2, b) = first, second
        assert a["prefix"] != b["prefix"]
        for info in (a, b):
            assert (info["received"], info["status"], info["captured"]) == (2, 200, 2)
            assert '"server": "h2"' in info["body"]
    finally:
        for process, _ in (first, second):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)
            process.stdout.close()
            process.stderr.close()
        subprocess.run([sys.executable, "-m", "helpers.lab", "cleanup"], cwd=ROOT, capture_output=True)
    for _, info in (first, second):
        assert wait_until(lambda: not namespaces_with(info["prefix"]))


def test_normal_exit_leaves_nothing(live):
    process = subprocess.run([sys.executable, "-c", LAB_SCRIPT, "test-exit", "stop"], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    info = json.loads(process.stdout.splitlines()[0])
    assert_all_gone(info)


# ---------------------------------------------------------------------------- an ordinary user

def runtime_for_another_user() -> tuple[str, str]:
    """A Python interpreter and a PYTHONPATH an unprivileged user can read.

    The project's environment may live under /root, which other users cannot enter, so the
    helpers package and the two libraries the lab process needs are copied to a world-readable
    folder, to be run with the system's Python.
    """
    python = shutil.which("python3", path="/usr/bin:/bin")
    if python is None:
        pytest.fail("a system python3 is needed to run the lab as another user")
    folder = Path(tempfile.mkdtemp(prefix="netcourse-user-"))
    folder.chmod(0o755)
    shutil.copytree(ROOT / "helpers", folder / "helpers", ignore=shutil.ignore_patterns("__pycache__", "recordings"))
    import netaddr
    import scapy

    for module in (netaddr, scapy):
        source = Path(module.__file__).parent
        shutil.copytree(source, folder / source.name, ignore=shutil.ignore_patterns("__pycache__"))
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return python, str(folder)


@pytest.fixture
def throwaway_user():
    if os.geteuid() != 0 or not shutil.which("useradd"):
        pytest.skip("creating a throw-away user needs root")
    name = "ncl" + secrets.token_hex(3)
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True)
    try:
        yield name
    finally:
        uid = pwd.getpwnam(name).pw_uid
        subprocess.run(["pkill", "-9", "-u", str(uid)], capture_output=True)
        subprocess.run(["userdel", name], capture_output=True)
        shutil.rmtree(f"/tmp/netcourse-{uid}", ignore_errors=True)


def test_an_ordinary_user_gets_the_rootless_lab(throwaway_user):
    python, pythonpath = runtime_for_another_user()
    uid = pwd.getpwnam(throwaway_user).pw_uid
    detect = subprocess.run(["runuser", "-u", throwaway_user, "--", "env", f"PYTHONPATH={pythonpath}",
                             "PATH=/usr/sbin:/usr/bin:/sbin:/bin", python, "-m", "helpers", "doctor", "--one-line"],
                            capture_output=True, text=True, cwd="/tmp")
    try:
        assert detect.stdout.startswith("Lab mode: live, without root"), detect.stdout + detect.stderr
        process, info = start_lab_process("test-user", "stop", python=python, user=throwaway_user,
                                          pythonpath=pythonpath)
        process.wait(timeout=30)
        process.stdout.close()
        process.stderr.close()
        assert (info["received"], info["status"], info["captured"]) == (2, 200, 2)
        assert info["prefix"] not in " ".join(state.named_namespaces())  # invisible to the host's ip netns
        leftover = subprocess.run(["pgrep", "-u", str(uid)], capture_output=True, text=True).stdout
        assert leftover.strip() == "", "the user's lab left processes running"
        assert not Path(info["workdir"]).exists()
        assert not list(Path(f"/tmp/netcourse-{uid}").glob("ncl*.json"))
    finally:
        shutil.rmtree(pythonpath, ignore_errors=True)


def test_live_engine_tests_pass_in_the_rootless_sandbox_too(live):
    """The engine's live tests again, through the user-namespace backend (as CI runs as root)."""
    if live.kind != "root":
        pytest.skip("already running rootless")
    env = dict(os.environ, NETCOURSE_LAB_MODE="rootless", NETCOURSE_REQUIRE_LIVE="1")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/test_lab_live.py", "tests/test_lab_replay_walk.py"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:]
    assert "passed" in done.stdout and " failed" not in done.stdout
