"""Where lab commands run: the lab mode of this machine and the backend for each mode.

* ``root``: as root, labs are named network namespaces (``ip netns add ...``) on this machine.
* ``rootless``: as an ordinary user, each lab lives in its own sandbox: a process started with
  ``unshare --user --map-root-user --net --mount``, in which the user is root over a private
  network namespace tree and a private ``/run``. Commands enter it with ``nsenter``.
* ``offline``: neither works (no root, user namespaces disabled, no ``ip``): labs replay what an
  author recorded live, so the notebooks show the same results.

Set NETCOURSE_LAB_MODE=offline (or rootless, or root) to choose a mode instead of detecting it.
"""
from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SBIN = ("/usr/local/sbin", "/usr/sbin", "/sbin")
CAP_NET_ADMIN = 12
CAP_SYS_ADMIN = 21
PR_SET_PDEATHSIG = 1

# Tools the labs use: name -> what it is for (and the Debian package that brings it).
TOOLS = {
    "ip": ("namespaces, links, addresses, routes", "iproute2"),
    "unshare": ("the rootless sandbox", "util-linux"),
    "nsenter": ("the rootless sandbox", "util-linux"),
    "nft": ("firewall and NAT rules", "nftables"),
    "tc": ("link rate limits", "iproute2"),
    "tcpdump": ("packet captures", "tcpdump"),
    "ping": ("ICMP echo", "iputils-ping"),
    "traceroute": ("hop-by-hop paths", "traceroute"),
    "curl": ("HTTP requests", "curl"),
    "dig": ("DNS queries", "dnsutils"),
    "haproxy": ("the load-balancer lab", "haproxy"),
    "nginx": ("the CDN edge-cache lab", "nginx"),
}


def find_tool(name: str) -> str | None:
    """The path of a command, looking in the sbin folders too (they are not on every user's PATH)."""
    return shutil.which(name) or shutil.which(name, path=os.pathsep.join(SBIN))


def tool_report() -> str:
    lines = []
    for name, (purpose, package) in TOOLS.items():
        path = find_tool(name)
        mark = "✓" if path else "✗"
        where = path or f"missing (Debian/Ubuntu package: {package})"
        lines.append(f"  {mark} {name:<11} {purpose:<38} {where}")
    return "Tools for live labs:\n" + "\n".join(lines)


@dataclass(frozen=True)
class Mode:
    kind: str  # "root", "rootless" or "offline"
    reason: str = ""

    @property
    def live(self) -> bool:
        return self.kind != "offline"

    def one_line(self) -> str:
        if self.kind == "root":
            return "Lab mode: live, as root (labs are real network namespaces on this machine)."
        if self.kind == "rootless":
            return "Lab mode: live, without root (labs run in a private user-namespace sandbox)."
        return f"Lab mode: offline, replaying recorded experiments ({self.reason})."


def _effective_caps() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("CapEff:"):
                return int(line.split()[1], 16)
    except OSError:
        pass
    return 0


def _has_root_powers() -> bool:
    caps = _effective_caps()
    return bool(caps >> CAP_NET_ADMIN & 1) and bool(caps >> CAP_SYS_ADMIN & 1)


def _rootless_works() -> tuple[bool, str]:
    unshare = find_tool("unshare")
    ip = find_tool("ip")
    if not unshare or not ip:
        return False, "the 'unshare' and 'ip' commands are needed (packages util-linux, iproute2)"
    # A lab needs veth pairs and per-namespace settings; some containers allow the first but mount
    # /proc/sys read-only, so try both.
    probe = [unshare, "--user", "--map-root-user", "--net", "--mount", "sh", "-c",
             f"{ip} link add probe0 type veth peer name probe1 && "
             "echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6"]
    try:
        result = subprocess.run(probe, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as error:
        return False, f"user namespaces could not be tried ({error})"
    if result.returncode != 0:
        if "Read-only file system" in result.stderr or "Permission denied" in result.stderr:
            return False, "network settings (/proc/sys) are read-only here, as in most containers"
        return False, "this system does not allow user namespaces for ordinary users"
    return True, ""


def _on_binder() -> bool:
    return bool(os.environ.get("BINDER_LAUNCH_HOST") or os.environ.get("BINDER_REPO_URL"))


@lru_cache(maxsize=None)
def _detect(forced: str) -> Mode:
    if not sys.platform.startswith("linux"):
        return Mode("offline", "live labs need Linux; this is " + sys.platform)
    if _on_binder() and forced in ("auto", "offline"):
        return Mode("offline", "Binder gives no privileges for live labs; run the course on Linux "
                               "for them")
    if forced == "offline":
        return Mode("offline", "chosen with NETCOURSE_LAB_MODE=offline")
    sysctl_writable = os.access("/proc/sys/net/ipv4/ip_forward", os.W_OK)
    if forced in ("auto", "root") and find_tool("ip") and _has_root_powers() and sysctl_writable:
        return Mode("root")
    if forced == "root":
        return Mode("offline", "NETCOURSE_LAB_MODE=root but this process is not root")
    works, why = _rootless_works()
    if works:
        return Mode("rootless")
    if not find_tool("ip"):
        return Mode("offline", "the 'ip' command is missing; install iproute2 for live labs")
    return Mode("offline", why)


def detect_mode(refresh: bool = False) -> Mode:
    """The lab mode for this process (cached; refresh=True detects again)."""
    forced = os.environ.get("NETCOURSE_LAB_MODE", "auto").strip().lower() or "auto"
    if forced not in ("auto", "root", "rootless", "offline"):
        forced = "auto"
    if refresh:
        _detect.cache_clear()
    return _detect(forced)


# ---------------------------------------------------------------------------- process helpers

def _die_with_parent() -> None:
    """preexec_fn: the child gets SIGKILL when the process that started it dies (even by kill -9)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:  # not Linux, or no prctl: the reaper and `cleanup` still tidy up
        pass


def _new_group_and_die_with_parent() -> None:
    os.setpgrp()
    _die_with_parent()


class Backend:
    """Runs commands in the lab's world: the host as root, or the rootless sandbox."""

    kind = "base"

    def enter(self) -> list[str]:
        """The argv prefix that puts a command into the lab's world."""
        return []

    def argv(self, argv: list[str], ns: str | None = None) -> list[str]:
        inner = ["ip", "netns", "exec", ns, *argv] if ns else list(argv)
        return self.enter() + inner

    def run(self, argv: list[str], ns: str | None = None, *, input: str | None = None,
            timeout: float = 30) -> subprocess.CompletedProcess:
        return subprocess.run(self.argv(argv, ns), input=input, capture_output=True, text=True,
                              timeout=timeout, env=_lab_env())

    def popen(self, argv: list[str], ns: str | None = None, **kwargs) -> subprocess.Popen:
        """A background process in a node; it dies with this Python process."""
        return subprocess.Popen(self.argv(argv, ns), preexec_fn=_new_group_and_die_with_parent,
                                env=_lab_env(), **kwargs)

    def close(self) -> None:
        pass


def _lab_env() -> dict[str, str]:
    env = dict(os.environ)
    path = env.get("PATH", "")
    missing = [d for d in SBIN if d not in path.split(os.pathsep)]
    env["PATH"] = os.pathsep.join([path, *missing]) if path else os.pathsep.join(SBIN)
    env["LC_ALL"] = "C"  # tool output in one language and one number format, so parsers work
    return env


class HostBackend(Backend):
    """As root: commands run directly; labs are named namespaces visible to `ip netns list`."""

    kind = "root"


SANDBOX_INIT = (
    "mount -t tmpfs -o mode=755 netcourse /run && mkdir -p /run/netns && "
    "ip link set lo up && echo ready && exec sleep infinity"
)


class SandboxBackend(Backend):
    """Without root: one private user+network+mount namespace per lab, entered with nsenter."""

    kind = "rootless"

    def __init__(self):
        unshare = find_tool("unshare")
        self.holder = subprocess.Popen(
            [unshare, "--user", "--map-root-user", "--net", "--mount", "--propagation", "private",
             "sh", "-c", SANDBOX_INIT],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=_new_group_and_die_with_parent, env=_lab_env())
        line = self.holder.stdout.readline()
        if line.strip() != "ready":
            error = self.holder.stderr.read().strip()
            self.holder.kill()
            raise OSError(f"the rootless sandbox did not start: {error or 'no reason given'}")
        self.pid = self.holder.pid

    def enter(self) -> list[str]:
        return [find_tool("nsenter") or "nsenter", "--target", str(self.pid), "--user", "--mount",
                "--net", "--preserve-credentials", "--"]

    def close(self) -> None:
        # Killing the holder frees the sandbox: its namespaces vanish with their last process.
        if self.holder.poll() is None:
            self.holder.kill()
        self.holder.wait(timeout=10)
        for stream in (self.holder.stdout, self.holder.stderr):
            if stream:
                stream.close()
