"""A classroom on one server: how many learners can run the same live lab at the same time?

Each learner is a separate unprivileged account (created for the run, deleted afterwards) that
runs the same lab as ordinary users of a shared JupyterHub-style server do: through the rootless
backend (a private user-namespace sandbox per lab). All learners build the lab at the same moment,
check it (ping across a router, HTTP, traceroute, a capture), keep it up until every learner's lab
is up, then tear it down. Each round is a larger class (CLASS_SIZES), until one is too slow.

Prints, per class size, the build time each learner saw (median and slowest, and the median as a
ratio to a class of one learner), the time the whole class needed, whether every lab answered
correctly, the memory per learner (the learner's Python process and its lab's programs) and the
CPU the labs used while all sat idle. "Sustains" is the largest class in which every lab was
correct and the slowest learner's build stayed under BUILD_LIMIT seconds (what a learner still
feels as instant after pressing Shift+Enter).

As root it creates the accounts; as an ordinary user it runs every learner under the current
account instead (rootless too, the same code path, only without separate accounts).

tests/test_multi_learner.py uses the same machinery (learner_accounts, learner_runtime,
run_class) to prove that several learners at once are all correct, do not interfere and leave
nothing behind.
"""
from __future__ import annotations

import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD_LIMIT = 2.0  # seconds: the slowest learner's build must stay under this
CLASS_SIZES = (1, 2, 4, 8, 12, 16, 20, 24, 32, 48)
SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"

# One learner's lab: the two-subnet network of the routing lessons, with a web server that answers
# with the learner's own name. Protocol on stdin/stdout: prints {"ready"...} once built, waits for a
# line ("go"), probes and prints {"results"...}, waits for a line ("stop"), tears down and prints
# {"stopped"...}. The ping count differs per learner, so a capture that saw another learner's
# packets would count wrong.
LEARNER_SCRIPT = r"""
import json, sys, time
from helpers.lab import Lab
learner, count = sys.argv[1], int(sys.argv[2])
def say(**data):
    print(json.dumps(data), flush=True)
lab = Lab("classroom")
s1, h1, r1, h2 = lab.switch("s1"), lab.host("h1"), lab.router("r1"), lab.host("h2")
lab.link(h1, s1, ip1="10.0.1.10/24")
lab.link(r1, s1, ip1="10.0.1.1/24")
lab.link(r1, h2, ip1="10.0.2.1/24", ip2="10.0.2.10/24")
h1.default_route("10.0.1.1")
h2.default_route("10.0.2.1")
h2.serve_http(80, routes={"/learner": {"status": 200, "body": f"learner {learner}\n"}})
try:
    started = time.monotonic()
    lab.start()
    say(ready=True, build=time.monotonic() - started, mode=lab.mode.kind, prefix=lab.prefix,
        workdir=str(lab.workdir), holder=getattr(lab._backend, "pid", None))
    sys.stdin.readline()
    with lab.capture("h2:eth0", filter="icmp") as cap:
        ping = h1.ping("10.0.2.10", count=count, interval=0.1)
    http = h1.http("http://10.0.2.10/learner")
    trace = h1.traceroute("10.0.2.10")
    say(results=True, transmitted=ping.transmitted, received=ping.received,
        ttls=sorted({r.ttl for r in ping.replies}), status=http.status, body=http.body,
        hops=[hop.address for hop in trace.hops], captured=len(cap.packets),
        neighbours=h1.run("ip -br neigh").output)
    sys.stdin.readline()
finally:
    stopping = time.monotonic()
    lab.stop()
    say(stopped=True, stop=time.monotonic() - stopping)
"""


# ---------------------------------------------------------------------------- machinery

def learner_runtime() -> contextlib.AbstractContextManager[tuple[str, str]]:
    """(python, PYTHONPATH) that any account can use: the helpers package, netaddr and scapy copied
    to a world-readable folder, run with the system's Python (the project's .venv may live under
    /root, which other accounts cannot enter)."""

    @contextlib.contextmanager
    def runtime():
        python = shutil.which("python3", path=SYSTEM_PATH)
        if python is None:
            raise RuntimeError("a system python3 is needed to run labs as other accounts")
        folder = Path(tempfile.mkdtemp(prefix="netcourse-class-"))
        try:
            folder.chmod(0o755)
            shutil.copytree(ROOT / "helpers", folder / "helpers",
                            ignore=shutil.ignore_patterns("__pycache__", "recordings"))
            import netaddr
            import scapy

            for module in (netaddr, scapy):
                source = Path(module.__file__).parent
                shutil.copytree(source, folder / source.name, ignore=shutil.ignore_patterns("__pycache__"))
            for path in folder.rglob("*"):
                path.chmod(0o755 if path.is_dir() else 0o644)
            yield python, str(folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    return runtime()


@contextlib.contextmanager
def learner_accounts(count: int):
    """`count` throw-away system accounts (no home, no login shell); deleted afterwards, with any
    process they still run, even when the body fails."""
    names: list[str] = []
    try:
        for _ in range(count):
            name = "ncl" + secrets.token_hex(3)
            subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                           check=True, capture_output=True)
            names.append(name)
        yield names
    finally:
        for name in names:
            uid = pwd.getpwnam(name).pw_uid
            for pid in processes_of(uid):  # only these throw-away accounts' own processes
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            subprocess.run(["userdel", name], capture_output=True)
            shutil.rmtree(f"/tmp/netcourse-{uid}", ignore_errors=True)


def processes_of(uid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-u", str(uid)], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


@dataclass
class Learner:
    name: str  # the account (or a label when everyone runs as the current user)
    count: int  # pings this learner sends
    process: subprocess.Popen | None = None
    ready: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)
    stopped: dict = field(default_factory=dict)
    returncode: int | None = None
    stderr: str = ""
    home: str = ""  # a private HOME (scapy keeps a cache there), removed after the run

    def read(self, key: str, timeout: float) -> dict:
        """The next JSON line, which must carry `key`; {} when the process ended or went silent."""
        import select

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            line = self.process.stdout.readline()
            if not line:
                return {}
            data = json.loads(line)
            if key in data:
                return data
        return {}

    def send(self, line: str) -> None:
        with contextlib.suppress(BrokenPipeError, OSError):
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()


def start_learner(learner: Learner, python: str, pythonpath: str, *, as_account: bool) -> None:
    argv = [python, "-c", LEARNER_SCRIPT, learner.name, str(learner.count)]
    learner.home = tempfile.mkdtemp(prefix=f"netcourse-home-{learner.name}-")
    if as_account:
        account = pwd.getpwnam(learner.name)
        os.chown(learner.home, account.pw_uid, account.pw_gid)
    env = {"PYTHONPATH": pythonpath, "PATH": SYSTEM_PATH, "HOME": learner.home, "LC_ALL": "C"}
    if as_account:
        argv = ["runuser", "-u", learner.name, "--", "env", *(f"{k}={v}" for k, v in env.items()), *argv]
    else:
        env["NETCOURSE_LAB_MODE"] = "rootless"
    learner.process = subprocess.Popen(argv, cwd="/tmp", env=env if not as_account else {"PATH": SYSTEM_PATH},
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True, start_new_session=True)


def run_class(learners: list[Learner], python: str, pythonpath: str, *, as_accounts: bool,
              while_all_up=None, timeout: float = 120) -> None:
    """Start every learner at once; when all labs are up, let them probe at once, then call
    `while_all_up()` (all labs still up), then stop them all. Fills in each Learner."""
    try:
        for learner in learners:
            start_learner(learner, python, pythonpath, as_account=as_accounts)
        for learner in learners:
            learner.ready = learner.read("ready", timeout)
        for learner in learners:
            learner.send("go")
        for learner in learners:
            learner.results = learner.read("results", timeout)
        if while_all_up is not None:
            while_all_up()
        for learner in learners:
            learner.send("stop")
        for learner in learners:
            learner.stopped = learner.read("stopped", timeout)
            learner.returncode = learner.process.wait(timeout=timeout)
    finally:
        for learner in learners:
            process = learner.process
            if process is None:
                continue
            if process.poll() is None:  # a learner that hung: end it (and its sandbox) by its group
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
            learner.returncode = process.returncode
            learner.stderr = process.stderr.read()[-3000:]
            for stream in (process.stdin, process.stdout, process.stderr):
                with contextlib.suppress(OSError):
                    stream.close()
            shutil.rmtree(learner.home, ignore_errors=True)


def problems(learner: Learner) -> list[str]:
    """What is wrong with one learner's lab, judged from the outside (empty when all is right)."""
    found = []
    if not learner.ready:
        return [f"{learner.name}: the lab did not come up ({learner.stderr.strip().splitlines()[-1:]})"]
    if learner.ready["mode"] != "rootless":
        found.append(f"{learner.name}: mode {learner.ready['mode']}, not rootless")
    r = learner.results
    if not r:
        return found + [f"{learner.name}: no probe results ({learner.stderr.strip().splitlines()[-1:]})"]
    expected = {"transmitted": learner.count, "received": learner.count, "ttls": [63], "status": 200,
                "body": f"learner {learner.name}\n", "hops": ["10.0.1.1", "10.0.2.10"],
                "captured": 2 * learner.count}  # each echo request and its reply, seen at h2
    for key, value in expected.items():
        if r.get(key) != value:
            found.append(f"{learner.name}: {key} is {r.get(key)!r}, expected {value!r}")
    if not learner.stopped or learner.returncode != 0:
        found.append(f"{learner.name}: did not stop cleanly (exit {learner.returncode})")
    return found


# ---------------------------------------------------------------------------- measurements

def memory_kib(uids: list[int]) -> int:
    """Resident memory of every process the accounts run (their labs: sandboxes, servers)."""
    total = 0
    for uid in uids:
        for pid in processes_of(uid):
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
    return total


def cpu_used(uids: list[int], seconds: float = 2.0) -> float:
    """CPU the accounts' processes used over `seconds`, in cores (1.0 = one core busy)."""
    def ticks() -> dict[int, int]:
        found = {}
        for uid in uids:
            for pid in processes_of(uid):
                with contextlib.suppress(OSError, IndexError, ValueError):
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    found[pid] = int(fields[11]) + int(fields[12])  # utime + stime
        return found
    first = ticks()
    time.sleep(seconds)
    second = ticks()
    used = sum(second[pid] - first[pid] for pid in second if pid in first)
    return used / os.sysconf("SC_CLK_TCK") / seconds


def one_class(size: int, python: str, pythonpath: str, as_accounts: bool) -> dict:
    context = learner_accounts(size) if as_accounts else contextlib.nullcontext(
        [f"learner{i}" for i in range(1, size + 1)])
    with context as names:
        learners = [Learner(name, count=1 + i % 3) for i, name in enumerate(names)]
        uids = [pwd.getpwnam(n).pw_uid for n in names] if as_accounts else []
        idle = {}

        def measure():  # every lab is up and idle now, as in a class listening to the instructor
            idle["memory"] = memory_kib(uids) if uids else None
            idle["cpu"] = cpu_used(uids) if uids else None

        started = time.monotonic()
        run_class(learners, python, pythonpath, as_accounts=as_accounts, while_all_up=measure)
        wall = time.monotonic() - started
        builds = [l.ready["build"] for l in learners if l.ready]
        trouble = [p for learner in learners for p in problems(learner)]
    return {"size": size, "builds": builds, "wall": wall, "trouble": trouble, **idle}


def main() -> None:
    as_accounts = os.geteuid() == 0 and shutil.which("useradd") is not None
    print(f"Learners run as {'separate unprivileged accounts' if as_accounts else 'the current user'}, "
          f"rootless backend, {os.cpu_count()} cores. Every learner builds a 4-node routed lab at the same "
          f"moment, probes it, keeps it up until the whole class is up, then stops it.\n")
    with learner_runtime() as (python, pythonpath):
        probe = subprocess.run([python, "-m", "helpers", "doctor", "--one-line"], capture_output=True, text=True,
                               env={"PYTHONPATH": pythonpath, "PATH": SYSTEM_PATH, "NETCOURSE_LAB_MODE": "rootless"})
        if "live, without root" not in probe.stdout:
            print(f"No rootless backend here ({probe.stdout.strip() or probe.stderr.strip()}); nothing to measure.")
            return
        print(f"{'learners':>8}{'build median':>14}{'slowest':>10}{'vs alone':>10}{'class done':>12}"
              f"{'all correct':>13}{'memory/learner':>16}{'idle labs CPU':>16}")
        sustained = 0
        alone = None  # the median build of a class of one: the slowdown a class causes is relative to it
        for size in CLASS_SIZES:
            row = one_class(size, python, pythonpath, as_accounts)
            builds = row["builds"] or [float("nan")]
            slowest = max(builds)
            ok = not row["trouble"] and len(row["builds"]) == size
            memory = f"{row['memory'] / size / 1024:.0f} MiB" if row.get("memory") else "-"
            cpu = f"{row['cpu'] * 100:.1f}%" if row.get("cpu") is not None else "-"
            median = statistics.median(builds)
            alone = alone or median
            print(f"{size:>8}{median * 1000:>11.0f} ms{slowest * 1000:>7.0f} ms{median / alone:>9.1f}x"
                  f"{row['wall']:>10.1f} s{'yes' if ok else 'NO':>13}{memory:>16}{cpu:>16}")
            for line in row["trouble"][:5]:
                print(f"          {line}")
            if ok and slowest < BUILD_LIMIT:
                sustained = size
            else:
                break
        print(f"\nSustains {sustained} concurrent learners' labs with every build under {BUILD_LIMIT:g} s "
              f"(largest class tried: {size}).")


if __name__ == "__main__":
    main()
