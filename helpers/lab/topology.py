"""Declare a network in a few lines, then bring it up for real.

    lab = Lab("two-hosts")
    s1 = lab.switch("s1")
    h1 = lab.host("h1")
    h2 = lab.host("h2")
    lab.link(h1, s1, ip1="10.0.0.1/24")
    lab.link(h2, s1, ip1="10.0.0.2/24", delay="20ms")
    with lab:                       # builds it; tears it down at the end, even after an error
        print(h1.ping("10.0.0.2"))

Hosts, routers and switches are network namespaces; a switch holds a Linux bridge; a router has
IP forwarding on; links are veth pairs. Every action is a shell command a learner could type,
and ``lab.recipe()`` prints them in order. Names and MAC addresses are fixed by the spec, so a lab
behaves the same on every run; the engine only adds a per-run prefix to namespace names so that
two labs (or two learners) never collide.
"""
from __future__ import annotations

import atexit
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from netaddr import AddrFormatError, IPAddress, IPNetwork, IPSet

from helpers import addressing
from helpers.errors import CourseError
from helpers.lab import results as R
from helpers.lab.backends import TOOLS, Backend, HostBackend, Mode, SandboxBackend, detect_mode, find_tool
from helpers.lab.recording import recording_for
from helpers.lab.state import LabRecord, ensure_reaper, process_start, remove_namespaces

HERE = Path(__file__).resolve().parent
AGENT = HERE / "agent.py"
SCAPY_RUNNER = HERE / "scapy_runner.py"
SERVICES = HERE / "services.py"
WIRE = HERE / "wire.py"
NODE_NAME = re.compile(r"^[a-z][a-z0-9]{0,7}$")
IFNAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$")
RESERVED_NAMES = {"wire", "lo", "all", "default"}
# Address space probes may always target, besides the lab's own networks.
ALWAYS_ALLOWED = IPSet(["127.0.0.0/8"])


class LabError(CourseError):
    """A lab could not be declared, built or used; the message says why and what to do."""


def require_tool(program: str) -> None:
    """A missing program is one sentence naming the package, not an empty result."""
    if "/" in program or find_tool(program):
        return
    package = TOOLS.get(program, ("", program))[1]
    raise LabError(f"the '{program}' command is not installed, so this live lab cannot run it; install the "
                   f"Debian/Ubuntu package {package} (`sudo python3 course.py start` installs every lab tool).")


# ---------------------------------------------------------------------------- parsing helpers

def parse_interface_address(text: str, where: str) -> IPNetwork:
    """'10.0.0.1/24' -> IPNetwork with the host address kept; one clear sentence if it is wrong."""
    if not isinstance(text, str) or "/" not in text:
        raise LabError(f"{where}: {text!r} needs an address with a prefix length, like '10.0.0.1/24'.")
    try:
        network = IPNetwork(text.strip(), flags=0)
    except (AddrFormatError, ValueError, TypeError):
        raise LabError(f"{where}: {text!r} is not an address with a prefix, like '10.0.0.1/24'.") from None
    if network.version != 4:
        raise LabError(f"{where}: labs use IPv4 addresses; {text!r} is IPv6.")
    if network.prefixlen < 31 and network.ip in (network.network, network.broadcast):
        which = "network" if network.ip == network.network else "broadcast"
        raise LabError(f"{where}: {network.ip} is the {which} address of {network.cidr}; pick a host "
                       f"address between {network.network + 1} and {network.broadcast - 1}.")
    return network


def parse_network(text: str, where: str) -> IPNetwork:
    """'10.0.2.0/24' (or a single address) -> the network; host bits set are a mistake worth naming."""
    text = str(text).strip()
    if "/" not in text:
        text += "/32"
    try:
        network = IPNetwork(text, flags=0)
    except (AddrFormatError, ValueError, TypeError):
        raise LabError(f"{where}: {text!r} is not a network like '10.0.2.0/24'.") from None
    if network.version != 4:
        raise LabError(f"{where}: labs use IPv4; {text!r} is IPv6.")
    if network.ip != network.network:
        raise LabError(f"{where}: {text} has host bits set; the network is {network.cidr}.")
    return network.cidr


def parse_address(text: str, where: str) -> IPAddress:
    try:
        return addressing.parse_address(text)
    except CourseError as error:
        raise LabError(f"{where}: {error}") from None


def parse_duration_ms(value, what: str) -> float:
    if value is None:
        return 0.0
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|us)?\s*", str(value))
    if not match:
        raise LabError(f"{what} {value!r} is not a duration; write it like '20ms' or '0.5s'.")
    number, unit = float(match[1]), match[2] or "ms"
    return number * {"ms": 1.0, "s": 1000.0, "us": 0.001}[unit]


def parse_loss(value) -> float:
    if value is None:
        return 0.0
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%?\s*", str(value))
    if not match or float(match[1]) > 100:
        raise LabError(f"loss {value!r} is not a percentage; write it like '10%'.")
    return float(match[1]) / 100.0


def parse_rate(value) -> str | None:
    if value is None:
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(kbit|mbit|gbit|bit)\s*", str(value).lower())
    if not match:
        raise LabError(f"rate {value!r} is not a link speed; write it like '10mbit' or '512kbit'.")
    return f"{match[1]}{match[2]}"


# ---------------------------------------------------------------------------- plan steps

@dataclass(frozen=True)
class NsRef:
    """A namespace name inside a command; rendered with or without the run prefix."""

    node: str


@dataclass
class Step:
    argv: list  # strings and NsRef
    ns: str | None = None  # run inside this node's namespace
    stdin: str | None = None
    comment: str | None = None

    def words(self, names: Callable[[str], str]) -> list[str]:
        return [names(a.node) if isinstance(a, NsRef) else str(a) for a in self.argv]

    def render(self, names: Callable[[str], str]) -> str:
        words = self.words(names)
        if self.ns and words[0] == "ip":
            line = shlex.join(["ip", "-n", names(self.ns), *words[1:]])
        elif self.ns:
            line = shlex.join(["ip", "netns", "exec", names(self.ns), *words])
        else:
            line = shlex.join(words)
        if self.stdin is not None:
            line += f" <<'EOF'\n{self.stdin.rstrip()}\nEOF"
        return line


def build_script(steps: list[Step], names: Callable[[str], str]) -> str:
    """A POSIX shell script running the steps, with runs of `ip` commands batched (`ip -batch`)."""
    lines = ["set -e"]
    batch_ns: object = object()
    batch: list[str] = []

    def flush():
        nonlocal batch
        if batch:
            head = "ip -batch -" if batch_ns is None else f"ip -n {shlex.quote(names(batch_ns))} -batch -"
            lines.append(f"{head} <<'NCEOF'\n" + "\n".join(batch) + "\nNCEOF")
        batch = []

    for step in steps:
        words = step.words(names)
        if words[0] == "ip" and step.stdin is None:
            if step.ns != batch_ns:
                flush()
                batch_ns = step.ns
            batch.append(shlex.join(words[1:]))
            continue
        flush()
        batch_ns = object()
        lines.append(step.render(names))
    flush()
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- the spec

@dataclass
class Interface:
    node: "Node"
    name: str
    mac: str
    address: IPNetwork | None
    link: "Link" = None

    @property
    def ip(self) -> str | None:
        return str(self.address.ip) if self.address is not None else None

    @property
    def network(self) -> IPNetwork | None:
        return self.address.cidr if self.address is not None else None

    @property
    def peer(self) -> "Interface":
        return self.link.b if self.link.a is self else self.link.a

    @property
    def label(self) -> str:
        return f"{self.node.name}:{self.name}"

    def __repr__(self) -> str:
        address = f" {self.address}" if self.address is not None else ""
        return f"<{self.label}{address} {self.mac}>"


@dataclass
class Link:
    index: int
    a: Interface
    b: Interface
    delay_ms: float = 0.0
    jitter_ms: float = 0.0
    loss: float = 0.0
    rate: str | None = None

    @property
    def impaired(self) -> bool:
        return bool(self.delay_ms or self.jitter_ms or self.loss)

    @property
    def wire_ends(self) -> tuple[str, str]:
        return f"w{self.index}a", f"w{self.index}b"

    def describe(self) -> str:
        parts = []
        if self.delay_ms:
            parts.append(f"delay {self.delay_ms:g}ms")
        if self.jitter_ms:
            parts.append(f"jitter {self.jitter_ms:g}ms")
        if self.loss:
            parts.append(f"loss {self.loss * 100:g}%")
        if self.rate:
            parts.append(f"rate {self.rate}")
        return ", ".join(parts)


@dataclass
class Service:
    """A background process in a node (a web server, a DNS server, a load balancer ...)."""

    node: "Node"
    name: str
    argv: list[str]
    display: str = ""  # the command as a learner would type it
    stdin_text: str | None = None  # handed to the program on stdin (configuration too big for argv)
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=3)
        if self.process is not None and self.process.stdout:
            self.process.stdout.close()
        self.node.lab._services = [s for s in self.node.lab._services if s is not self]

    def log(self) -> str:
        if self.log_path and self.log_path.exists():
            return self.log_path.read_text(errors="replace")
        return ""

    def __repr__(self) -> str:
        state = "running" if self.alive else "stopped"
        return f"<service {self.name} on {self.node.name}: {state}>"


class Node:
    kind = "host"

    def __init__(self, lab: "Lab", name: str, index: int):
        self.lab = lab
        self.name = name
        self.index = index
        self.interfaces: list[Interface] = []
        self.steps: list[Step] = []  # configuration applied after links and addresses
        self.pending: list[Callable[[], Any]] = []  # services to start with the lab
        self._port = 40000  # client ports count up from here, so captures repeat exactly

    def _client_port(self) -> int:
        self._port += 1
        return self._port

    # -- spec ---------------------------------------------------------------------------------
    def __repr__(self) -> str:
        return f"<{self.kind} {self.name}>"

    @property
    def ip(self) -> str | None:
        """The first address of this node (None if it has none)."""
        for interface in self.interfaces:
            if interface.address is not None:
                return interface.ip
        return None

    def interface(self, name: str) -> Interface:
        for interface in self.interfaces:
            if interface.name == name:
                return interface
        names = ", ".join(i.name for i in self.interfaces) or "none yet"
        raise LabError(f"{self.name} has no interface {name!r}; its interfaces are: {names}.")

    def _next_ifname(self) -> str:
        return f"eth{len(self.interfaces)}"

    def _apply(self, step: Step) -> None:
        """Keep a configuration step in the recipe; run it now if the lab is already up."""
        self.steps.append(step)
        if self.lab.running and self.lab.mode.live:
            self.lab._run_steps([step])

    def route(self, destination: str, via: str | None = None, *, dev: str | None = None,
              kind: str | None = None) -> "Node":
        """Add a route: node.route("default", via="10.0.0.254"), node.route("10.0.2.0/24", dev="eth1").

        kind="blackhole" or "unreachable" adds a route that drops (or rejects) instead.
        """
        if destination != "default":
            destination = str(parse_network(destination, f"route on {self.name}"))
        argv: list = ["ip", "route", "add"]
        if kind:
            if kind not in ("blackhole", "unreachable", "prohibit"):
                raise LabError(f"route kind {kind!r} is not one of blackhole, unreachable, prohibit.")
            argv += [kind, destination]
        else:
            argv.append(destination)
            if via is not None:
                gateway = parse_address(via, f"route on {self.name}")
                if not any(i.address is not None and gateway in i.network for i in self.interfaces):
                    nets = ", ".join(str(i.network) for i in self.interfaces if i.address is not None)
                    raise LabError(f"{self.name} cannot reach the gateway {gateway} directly: it is on none "
                                   f"of its networks ({nets or 'no addresses yet'}); use an address on one "
                                   f"of them as 'via'.")
                argv += ["via", str(gateway)]
            if dev is not None:
                self.interface(dev)
                argv += ["dev", dev]
            if via is None and dev is None:
                raise LabError(f"route to {destination} on {self.name} needs via='gateway address' or dev='eth0'.")
        self._apply(Step(["ip", *argv[1:]], ns=self.name))
        return self

    def default_route(self, via: str) -> "Node":
        return self.route("default", via=via)

    def sysctl(self, key: str, value) -> "Node":
        # Only net.* settings belong to a network namespace; others (kernel.*, vm.*) are the host's.
        if not isinstance(key, str) or not key.startswith(("net.ipv4.", "net.ipv6.", "net.core.", "net.netfilter.")):
            raise LabError(f"sysctl {key!r} is not a per-namespace network setting; labs only change net.* keys "
                           f"such as 'net.ipv4.ip_forward'.")
        self._apply(Step(["sysctl", "-qw", f"{key}={value}"], ns=self.name))
        return self

    def nft(self, rules: str) -> "Node":
        """Apply nftables rules in this node: one command ("add rule ...") or a whole ruleset."""
        rules = rules.strip()
        if "\n" in rules or rules.startswith("table ") or rules.startswith("flush "):
            self._apply(Step(["nft", "-f", "-"], ns=self.name, stdin=rules))
        else:
            self._apply(Step(["nft", *shlex.split(rules)], ns=self.name))
        return self

    # -- running things -----------------------------------------------------------------------
    @property
    def ns(self) -> str:
        """The real namespace name (with the run prefix)."""
        return self.lab._real_name(self.name)

    def exec(self, argv: list[str], *, input: str | None = None, timeout: float = 30) -> subprocess.CompletedProcess:
        """Run argv in this node for real (no recording): for helpers that build their own probes.

        Wrap what a notebook shows in observe(), so offline mode can replay it.
        """
        self.lab._require_running()
        require_tool(argv[0])
        try:
            return self.lab._backend.run(argv, self.ns, input=input, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise LabError(f"`{shlex.join(argv)}` on {self.name} did not finish within {timeout:g} s; "
                           f"check the destination and the routes, or raise timeout=.") from None

    _exec = exec  # the name the engine's own probes use

    def observe(self, kind: str, key: Any, live: Callable[[], R.Result]) -> R.Result:
        """The record/replay point: live() runs in live mode (and is recorded with --record);
        offline, the recorded result for (kind, this node, key) comes back instead.
        `key` must be the same on every run (the command as a learner types it, not real names)."""
        self.lab._require_running()
        return self.lab._recording.observe(kind, self.name, key, live, R.encode, R.decode)

    _observe = observe

    def run(self, command: str, *, timeout: float = 30, check: bool = False) -> R.CommandResult:
        """Run a shell command in this node, like `ip netns exec h1 sh -c '...'`."""
        if not isinstance(command, str) or not command.strip():
            raise LabError("run() needs a command as text, like h1.run('ip neigh').")

        def live():
            done = self._exec(["sh", "-c", self.lab._real_names_in(command)], timeout=timeout)
            strip = self.lab._plain_names_in
            return R.CommandResult(self.name, command, strip(done.stdout), strip(done.stderr), done.returncode)

        result = self._observe("run", command, live)
        if check and not result.ok:
            raise LabError(f"`{command}` failed on {self.name}: {(result.stderr or result.output).strip()}")
        return result

    def ping(self, destination, count: int = 3, *, interval: float = 0.2, size: int = 56,
             timeout: float = 1, ttl: int | None = None) -> R.PingResult:
        dst = self.lab._destination(destination)
        argv = ["ping", "-c", str(count), "-i", f"{interval:g}", "-W", f"{timeout:g}"]
        if size != 56:
            argv += ["-s", str(size)]
        if ttl is not None:
            argv += ["-t", str(ttl)]
        argv.append(dst)
        command = shlex.join(argv)

        def live():
            deadline = count * interval + timeout + 5
            done = self._exec(argv, timeout=deadline)
            return R.parse_ping(self.name, dst, command, done.stdout + done.stderr)

        return self._observe("ping", command, live)

    def traceroute(self, destination, *, max_hops: int = 10, wait: float = 0.5) -> R.TraceResult:
        dst = self.lab._destination(destination)
        argv = ["traceroute", "-n", "-q", "1", "-w", f"{wait:g}", "-m", str(max_hops), dst]
        command = shlex.join(argv)

        def live():
            done = self._exec(argv, timeout=max_hops * (wait + 1) + 10)
            return R.parse_traceroute(self.name, dst, command, done.stdout)

        return self._observe("traceroute", command, live)

    def _agent(self, *args: str, timeout: float) -> dict:
        done = self._exec([sys.executable, "-I", "-S", str(AGENT), *args], timeout=timeout + 10)
        try:
            return json.loads(done.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            raise LabError(f"the probe on {self.name} failed: {done.stderr.strip() or 'no output'}") from None

    def tcp_connect(self, destination, port: int, *, timeout: float = 2,
                    source_port: int | None = None) -> R.ConnectResult:
        """Open (and close) a TCP connection, as `telnet HOST PORT` does."""
        dst = self.lab._destination(destination)
        command = f"telnet {dst} {int(port)}"

        source_port = source_port or self._client_port()

        def live():
            args = ["tcp-connect", dst, str(int(port)), "--timeout", str(timeout),
                    "--source-port", str(source_port)]
            out = self._agent(*args, timeout=timeout)
            return R.ConnectResult(self.name, dst, int(port), command, out["open"], out.get("error", ""),
                                   out.get("local", ""))

        return self._observe("tcp", command, live)

    def udp_exchange(self, destination, port: int, message: str = "hello", *, timeout: float = 1,
                     source_port: int | None = None) -> R.UdpResult:
        dst = self.lab._destination(destination)
        command = f"echo {shlex.quote(message)} | nc -u -w {timeout:g} {dst} {int(port)}"

        source_port = source_port or self._client_port()

        def live():
            args = ["udp-send", dst, str(int(port)), message, "--timeout", str(timeout),
                    "--source-port", str(source_port)]
            out = self._agent(*args, timeout=timeout)
            return R.UdpResult(self.name, dst, int(port), command, message, out.get("reply"),
                               out.get("from", ""), error=out.get("error", ""))

        return self._observe("udp", command, live)

    def arp(self, target, *, iface: str | None = None, timeout: float = 1) -> R.ArpResult:
        """Send one ARP request for `target` and return the reply (like `arping -c 1`)."""
        dst = self.lab._destination(target)
        if iface is None:
            iface = next((i.name for i in self.interfaces
                          if i.address is not None and IPAddress(dst) in i.network), None)
            if iface is None:
                raise LabError(f"{dst} is not on any network of {self.name}; ARP only works inside one "
                               f"network (routers answer ARP for their own address only).")
        command = f"arping -c 1 -I {iface} {dst}"

        def live():
            out = self._agent("arp", iface, dst, "--timeout", str(timeout), timeout=timeout)
            return R.ArpResult(self.name, dst, command, out.get("mac"), out.get("request", {}),
                               out.get("reply", {}))

        return self._observe("arp", command, live)

    def http(self, url: str, *, method: str = "GET", headers: dict[str, str] | None = None,
             timeout: float = 3, follow: bool = False) -> R.HttpResult:
        """An HTTP request with curl; method="HEAD" is `curl -I`."""
        if not isinstance(url, str) or not url.startswith("http://"):
            raise LabError(f"{url!r} is not an http:// URL; write it like 'http://10.0.0.2/'.")
        host = re.match(r"http://([^/:]+)", url)[1]
        self.lab._destination(host)
        argv = ["curl", "-sS", "--max-time", f"{timeout:g}"]
        argv += ["-I"] if method.upper() == "HEAD" else ["-i"] + (["-X", method.upper()] if method.upper() != "GET" else [])
        if follow:
            argv.append("-L")
        for key, value in (headers or {}).items():
            argv += ["-H", f"{key}: {value}"]
        argv.append(url)
        command = shlex.join(argv)
        # A fixed client port keeps captures identical from run to run (curl would pick one at random).
        argv[1:1] = ["--local-port", str(self._client_port())]

        def live():
            done = self._exec(argv, timeout=timeout + 5)
            text = done.stdout.replace("\r\n", "\n")
            head, body = text, ""
            if method.upper() != "HEAD":
                parts = re.split(r"\n\n", text)
                # Headers of every response (with -L) come first; the last part is the body.
                head_parts = [p for p in parts if p.startswith("HTTP/")]
                head = "\n\n".join(head_parts)
                body = "\n\n".join(p for p in parts if not p.startswith("HTTP/"))
            return R.parse_http_head(self.name, url, command, head, body, done.stderr.strip())

        return self._observe("http", command, live)

    def dns(self, name: str, rtype: str = "A", *, server: str | None = None,
            options: Iterable[str] = ()) -> R.DnsResult:
        """A DNS query with dig: node.dns("www.example.com", server="10.0.0.53")."""
        options = tuple(options)
        argv = ["dig", "+tries=1", "+time=2"]
        # Without dig's version banner and timing lines, the output is the same on every machine.
        argv += [o for o in ("+nocmd", "+nostats") if o not in options]
        if server is not None:
            argv.append("@" + self.lab._destination(server))
        argv += [*options, name, rtype]
        command = shlex.join(argv)

        def live():
            done = self._exec(argv, timeout=10)
            return R.parse_dig(self.name, name, rtype, server or "", command, done.stdout)

        return self._observe("dns", command, live)

    def scapy(self, code: str, *, timeout: float = 30) -> R.ScapyResult:
        """Run a scapy experiment inside this node; the code sets `result` to what it found.

            r = h1.scapy("ans = sr1(IP(dst='10.0.0.2')/ICMP(), timeout=2, verbose=0)\n"
                         "result = ans[IP].src if ans else None")
        The notebook's own kernel never leaves the host; the packets leave from inside h1.
        """
        import textwrap

        code = textwrap.dedent(code).strip() + "\n"

        def live():
            done = self._exec([sys.executable, str(SCAPY_RUNNER)], input=code, timeout=timeout)
            printed, _, tail = done.stdout.partition("\n__NETCOURSE_RESULT__\n")
            result = json.loads(tail) if tail.strip() else None
            error = "" if done.returncode == 0 else _last_error_line(done.stderr)
            return R.ScapyResult(self.name, code, printed.rstrip("\n"), result, error)

        return self._observe("scapy", code, live)

    # -- services -----------------------------------------------------------------------------
    def start(self, command, *, name: str | None = None, wait_port: int | None = None,
              udp: bool = False, wait_ready_line: bool = False, display: str | None = None,
              stdin_text: str | None = None) -> Service:
        """Start a background program in this node (it stops with the lab).

        wait_port: return once something listens on that port (udp=True for UDP);
        wait_ready_line: return once the program prints "ready" (the course's own servers do);
        stdin_text: handed to the program on its standard input (e.g. a configuration).
        """
        argv = shlex.split(command) if isinstance(command, str) else [str(a) for a in command]
        service = Service(self, name or Path(argv[0]).name, argv, display=display or shlex.join(argv),
                          stdin_text=stdin_text)
        self.lab._declared_services.append(service)

        def launch():
            self.lab._launch(service, wait_port=wait_port, udp=udp, wait_ready_line=wait_ready_line)

        if self.lab.running:
            launch()
        else:
            self.pending.append(launch)
        return service

    def serve_http(self, port: int = 80, *, routes: dict | None = None, name: str | None = None,
                   bind: str = "0.0.0.0") -> Service:
        """A small web server; routes map a path to {"status", "headers", "body"}."""
        config = json.dumps({"name": name or self.name, "routes": routes or None})
        argv = [sys.executable, "-I", "-S", str(SERVICES), "http", "--port", str(port), "--bind", bind,
                "--config", "-"]
        return self.start(argv, name=f"http:{port}", wait_ready_line=True, stdin_text=config,
                          display=f"python3 -m helpers.lab.services http --port {port}")

    def serve_echo(self, port: int = 7, *, udp: bool = False) -> Service:
        kind = "udp-echo" if udp else "tcp-echo"
        argv = [sys.executable, "-I", "-S", str(SERVICES), kind, "--port", str(port)]
        return self.start(argv, name=f"{kind}:{port}", wait_ready_line=True,
                          display=f"python3 -m helpers.lab.services {kind} --port {port}")


class Host(Node):
    kind = "host"


class Router(Node):
    kind = "router"


class Switch(Node):
    kind = "switch"

    def _next_ifname(self) -> str:
        return f"{self.name}-eth{len(self.interfaces) + 1}"

    def mac_table(self) -> R.CommandResult:
        """The bridge's learned MAC addresses (its forwarding database), like `bridge fdb show`."""
        return self.run(f"bridge fdb show br {self.name} dynamic")


# ---------------------------------------------------------------------------- the lab

_running: list["Lab"] = []


def _stop_all_at_exit() -> None:
    for lab in list(_running):
        try:
            lab.stop()
        except Exception:
            pass


atexit.register(_stop_all_at_exit)


def _random_prefix() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "ncl" + "".join(secrets.choice(alphabet) for _ in range(5))


class Lab:
    """A network of hosts, routers and switches; build it with start() or `with lab:`."""

    def __init__(self, name: str, *, ipv6: bool = False, allow: Iterable[str] = (), replay: bool = False):
        """replay=True: this lab always replays its recording, even where live labs work (for
        experiments that need more than the live mode offers, e.g. loop devices without root)."""
        if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", name):
            raise LabError(f"lab name {name!r} should be short lowercase words joined by '-', like 'arp-basics'.")
        self.name = name
        self.ipv6 = ipv6
        self.nodes: dict[str, Node] = {}
        self.links: list[Link] = []
        self.extra_space = IPSet()
        for network in allow:
            self.extra_space.add(parse_network(network, "allow"))
        self.mode: Mode = Mode("offline", "this lab replays its recording") if replay else detect_mode()
        self.running = False
        self.prefix = _random_prefix()
        self.build_seconds: float | None = None
        self._backend: Backend | None = None
        self._record: LabRecord | None = None
        self._services: list[Service] = []
        self._declared_services: list[Service] = []
        self._wire: subprocess.Popen | None = None
        self._tmp: Path | None = None
        self._recording = recording_for(name, replay=not self.mode.live)

    # -- declaring ----------------------------------------------------------------------------
    def _add(self, cls, name: str) -> Node:
        if self.running:
            raise LabError(f"lab '{self.name}' is running; stop it before adding nodes, then start it again.")
        if not isinstance(name, str) or not NODE_NAME.match(name) or name in RESERVED_NAMES:
            raise LabError(f"node name {name!r} should be 1-8 lowercase letters or digits starting with a "
                           f"letter, like 'h1' or 'web'.")
        if name in self.nodes:
            raise LabError(f"lab '{self.name}' already has a node called {name}; pick another name.")
        node = cls(self, name, len(self.nodes) + 1)
        self.nodes[name] = node
        return node

    def host(self, name: str, *, gateway: str | None = None) -> Host:
        node = self._add(Host, name)
        if gateway is not None:
            node.pending_gateway = gateway  # applied once the host has an interface on that network
        return node

    def router(self, name: str) -> Router:
        return self._add(Router, name)

    def switch(self, name: str) -> Switch:
        return self._add(Switch, name)

    def __getitem__(self, name: str) -> Node:
        try:
            return self.nodes[name]
        except KeyError:
            raise LabError(f"lab '{self.name}' has no node {name!r}; it has: {', '.join(self.nodes)}.") from None

    def _node(self, value) -> Node:
        if isinstance(value, Node):
            if value.lab is not self:
                raise LabError(f"{value.name} belongs to lab '{value.lab.name}', not '{self.name}'.")
            return value
        return self[value]

    def link(self, a, b, ip1: str | None = None, ip2: str | None = None, *, delay=None, jitter=None,
             loss=None, rate=None, name1: str | None = None, name2: str | None = None,
             mac1: str | None = None, mac2: str | None = None) -> Link:
        """Connect two nodes with a cable (a veth pair); ip1/ip2 address the a and b ends."""
        if self.running:
            raise LabError(f"lab '{self.name}' is running; stop it before adding links.")
        node_a, node_b = self._node(a), self._node(b)
        if node_a is node_b:
            raise LabError(f"a link needs two different nodes; both ends are {node_a.name}.")
        ends = []
        for node, address, ifname, mac in ((node_a, ip1, name1, mac1), (node_b, ip2, name2, mac2)):
            if address is not None and isinstance(node, Switch):
                raise LabError(f"{node.name} is a switch: its ports carry no IP address; put the address "
                               f"on the host or router end of the link.")
            parsed = parse_interface_address(address, f"link {node_a.name}-{node_b.name}") if address else None
            ifname = ifname or node._next_ifname()
            if not IFNAME.match(ifname):
                raise LabError(f"interface name {ifname!r} must be 1-15 letters, digits, '-', '_' or '.'.")
            if any(i.name == ifname for i in node.interfaces):
                raise LabError(f"{node.name} already has an interface {ifname}; choose another name.")
            mac = mac or f"02:00:00:00:{node.index:02x}:{len(node.interfaces) + 1:02x}"
            interface = Interface(node, ifname, mac.lower(), parsed)
            node.interfaces.append(interface)
            ends.append(interface)
        if ends[0].address is not None and ends[1].address is not None and ends[0].network != ends[1].network:
            raise LabError(f"the two ends of link {node_a.name}-{node_b.name} are on different networks "
                           f"({ends[0].network} and {ends[1].network}); a cable joins one network.")
        link = Link(len(self.links) + 1, ends[0], ends[1], parse_duration_ms(delay, "delay"),
                    parse_duration_ms(jitter, "jitter"), parse_loss(loss), parse_rate(rate))
        for end in ends:
            end.link = link
        self.links.append(link)
        for end in ends:
            gateway = getattr(end.node, "pending_gateway", None)
            if gateway and end.address is not None and IPAddress(gateway) in end.network:
                end.node.route("default", via=gateway)
                end.node.pending_gateway = None
        return link

    @property
    def workdir(self) -> Path:
        """A private folder for this run's files (configs, logs, captures); removed with the lab."""
        self._require_running()
        if self._tmp is None:  # offline: nothing runs, but code that writes configs still works
            self._tmp = Path(tempfile.mkdtemp(prefix=f"netcourse-{self.prefix}-"))
        return self._tmp

    def write_file(self, name: str, text: str) -> Path:
        """Write a file (an haproxy.cfg, a zone file ...) into the lab's folder; returns its path.

        Programs started in nodes can read it. Don't print the path in a notebook: it changes
        from run to run.
        """
        if "/" in name or name.startswith("."):
            raise LabError(f"file name {name!r} should be a plain name like 'haproxy.cfg'.")
        path = self.workdir / name
        path.write_text(text)
        return path

    def allow(self, network: str) -> None:
        """Let probes target a network that no lab interface is on (e.g. a NAT'd public range)."""
        self.extra_space.add(parse_network(network, "allow"))

    # -- the plan -----------------------------------------------------------------------------
    @property
    def _wire_needed(self) -> bool:
        return any(link.impaired for link in self.links)

    def _namespaces(self) -> list[str]:
        return list(self.nodes) + (["wire"] if self._wire_needed else [])

    def plan(self) -> list[Step]:
        """Every command that builds this lab, in order (namespace names without the run prefix)."""
        steps: list[Step] = []
        for ns in self._namespaces():
            steps.append(Step(["ip", "netns", "add", NsRef(ns)]))
        for ns in self._namespaces():
            # No ICMP type is rate-limited, so every probe is answered and results repeat exactly.
            settings = ["net.ipv4.icmp_ratemask=0"]
            if not self.ipv6:
                settings += ["net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]
            if ns != "wire" and isinstance(self.nodes[ns], Router):
                settings.append("net.ipv4.ip_forward=1")
            steps.append(Step(["sysctl", "-qw", *settings], ns=ns))
        for link in self.links:
            if link.impaired:
                wa, wb = link.wire_ends
                steps.append(Step(["ip", "link", "add", link.a.name, "netns", NsRef(link.a.node.name), "type", "veth",
                                   "peer", "name", wa, "netns", NsRef("wire")],
                                  comment=f"{link.a.label} <-> {link.b.label} via the link emulator ({link.describe()}); "
                                          f"with netem: tc qdisc add dev {link.a.name} root netem "
                                          + _netem_args(link)))
                steps.append(Step(["ip", "link", "add", link.b.name, "netns", NsRef(link.b.node.name), "type", "veth",
                                   "peer", "name", wb, "netns", NsRef("wire")]))
            else:
                steps.append(Step(["ip", "link", "add", link.a.name, "netns", NsRef(link.a.node.name), "type", "veth",
                                   "peer", "name", link.b.name, "netns", NsRef(link.b.node.name)]))
        for node in self.nodes.values():
            steps.append(Step(["ip", "link", "set", "lo", "up"], ns=node.name))
            if isinstance(node, Switch):
                # No multicast snooping: the bridge would send IGMP reports at random moments.
                steps.append(Step(["ip", "link", "add", node.name, "type", "bridge", "mcast_snooping", "0"],
                                  ns=node.name))
                steps.append(Step(["ip", "link", "set", node.name, "address",
                                   f"02:00:00:00:{node.index:02x}:00"], ns=node.name))
            for interface in node.interfaces:
                steps.append(Step(["ip", "link", "set", interface.name, "address", interface.mac], ns=node.name))
                if interface.address is not None:
                    steps.append(Step(["ip", "addr", "add", str(interface.address), "dev", interface.name],
                                      ns=node.name))
                if isinstance(node, Switch):
                    steps.append(Step(["ip", "link", "set", interface.name, "master", node.name], ns=node.name))
                steps.append(Step(["ip", "link", "set", interface.name, "up"], ns=node.name))
            if isinstance(node, Switch):
                steps.append(Step(["ip", "link", "set", node.name, "up"], ns=node.name))
        if self._wire_needed:
            for link in self.links:
                if link.impaired:
                    for end in link.wire_ends:
                        steps.append(Step(["ip", "link", "set", end, "up"], ns="wire"))
        for link in self.links:
            if link.rate:
                for end in (link.a, link.b):
                    steps.append(Step(["tc", "qdisc", "add", "dev", end.name, "root", "tbf", "rate", link.rate,
                                       "burst", "32kbit", "latency", "100ms"], ns=end.node.name))
        for node in self.nodes.values():
            steps += node.steps
        return steps

    def recipe(self) -> "Recipe":
        """The lab as the shell commands that build it (runnable as root on any Linux machine)."""
        return Recipe(self)

    # -- names --------------------------------------------------------------------------------
    def _real_name(self, node: str) -> str:
        return f"{self.prefix}-{node}"

    def _real_names_in(self, command: str) -> str:
        """A command as typed ("ip link add v0 type veth peer name eth0 netns c1") with the run's
        real namespace names after `netns` and `ip -n`, so learners type the plain node names."""
        names = "|".join(re.escape(n) for n in sorted(self._namespaces(), key=len, reverse=True))
        if not names:
            return command
        pattern = rf"(\bnetns\s+(?:exec\s+|pids\s+|identify\s+)?|(?<![\w-])-n\s+|--netns[= ]\s*)({names})(?![\w-])"
        return re.sub(pattern, lambda m: m.group(1) + self._real_name(m.group(2)), command)

    def _plain_names_in(self, text: str) -> str:
        """Output with the run prefix taken off namespace names, so it reads (and repeats) plainly."""
        return text.replace(f"{self.prefix}-", "")

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> "Lab":
        """Build the lab: namespaces, links, addresses, routes, rules, then services."""
        if self.running:
            return self
        if not self.nodes:
            raise LabError(f"lab '{self.name}' has no nodes yet; add some with lab.host(...) first.")
        for other in list(_running):
            if other.name == self.name and other is not self:
                other.stop()  # the learner re-ran the cell that builds this lab
        started = time.monotonic()
        self.running = True
        if not self.mode.live:
            self.build_seconds = 0.0
            return self
        try:
            self._bring_up()
        except BaseException:
            self._tear_down()
            raise
        self.build_seconds = time.monotonic() - started
        return self

    def _make_backend(self) -> Backend:
        missing = [tool for tool in ("ip",) if not find_tool(tool)]
        if missing:
            raise LabError("the 'ip' command is missing; install the iproute2 package for live labs.")
        if self.mode.kind == "root":
            return HostBackend()
        try:
            return SandboxBackend()
        except OSError as error:
            raise LabError(f"the rootless lab sandbox could not start ({error}); run "
                           f"`python -m helpers doctor` to see what this machine allows.") from None

    def _bring_up(self) -> None:
        self._backend = self._make_backend()
        self._tmp = Path(tempfile.mkdtemp(prefix=f"netcourse-{self.prefix}-"))
        self._record = LabRecord(
            prefix=self.prefix, lab=self.name, backend=self._backend.kind, owner_pid=os.getpid(),
            owner_start=process_start(os.getpid()) or "",
            namespaces=[self._real_name(ns) for ns in self._namespaces()],
            holder_pid=getattr(self._backend, "pid", None),
            holder_start=process_start(self._backend.pid) if hasattr(self._backend, "pid") else None,
            workdir=str(self._tmp))
        self._record.save()
        if self._backend.kind == "root":
            ensure_reaper()
        _running.append(self)
        self._run_steps(self.plan())
        if self._wire_needed:
            self._start_wire()
        for node in self.nodes.values():
            for launch in node.pending:
                launch()

    def _run_steps(self, steps: list[Step]) -> None:
        script = build_script(steps, self._real_name)
        try:
            done = self._backend.run(["sh", "-c", script], timeout=60)
        except subprocess.TimeoutExpired:
            raise LabError(f"building lab '{self.name}' took more than 60 s and was stopped; the machine may be "
                           f"overloaded, or run `python3 course.py cleanup` and try again.") from None
        if done.returncode != 0:
            message = _kernel_message(done.stderr)
            raise LabError(f"building lab '{self.name}' failed: {message}. Check the topology, or run "
                           f"`python -m helpers.lab cleanup` if an earlier lab was left behind.")

    def _wire_config(self) -> str:
        return json.dumps([{"a": link.wire_ends[0], "b": link.wire_ends[1], "delay_ms": link.delay_ms,
                            "jitter_ms": link.jitter_ms, "loss": link.loss, "seed": link.index}
                           for link in self.links if link.impaired])

    def _start_wire(self) -> None:
        process = self._backend.popen([sys.executable, "-I", "-S", str(WIRE), self._wire_config()],
                                      self._real_name("wire"), stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)
        if process.stdout.readline().strip() != "ready":
            error = process.stderr.read().strip()
            process.kill()
            raise LabError(f"the link emulator did not start: {error or 'no reason given'}.")
        self._wire = process
        self._remember_pid(process.pid)

    def _remember_pid(self, pid: int) -> None:
        if self._record is not None:
            self._record.pids.append(pid)
            self._record.save()

    def _launch(self, service: Service, *, wait_port: int | None, udp: bool, wait_ready_line: bool) -> None:
        if not self.mode.live:
            self._services.append(service)
            return
        require_tool(service.argv[0])
        log = self._tmp / f"{service.node.name}-{service.name.replace(':', '-')}.log"
        service.log_path = log
        stdin = subprocess.PIPE if service.stdin_text is not None else subprocess.DEVNULL
        with open(log, "wb") as log_file:
            process = self._backend.popen(service.argv, service.node.ns, stdout=subprocess.PIPE,
                                          stderr=log_file, stdin=stdin)
        if service.stdin_text is not None:
            process.stdin.write(service.stdin_text.encode())
            process.stdin.close()
        service.process = process
        self._services.append(service)
        self._remember_pid(process.pid)
        if wait_ready_line:
            line = process.stdout.readline().decode(errors="replace").strip()
            if line != "ready":
                service.stop()
                raise LabError(f"{service.name} on {service.node.name} did not start: "
                               f"{service.log().strip()[-300:] or 'no output'}.")
        if wait_port is not None:
            self._wait_port(service, wait_port, udp)

    def _wait_port(self, service: Service, port: int, udp: bool, timeout: float = 10) -> None:
        flag = "-Hlun" if udp else "-Hltn"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not service.alive:
                raise LabError(f"{service.name} on {service.node.name} exited: "
                               f"{service.log().strip()[-300:] or 'no output'}.")
            listening = self._backend.run(["ss", flag, f"sport = :{port}"], service.node.ns).stdout
            if listening.strip():
                return
            time.sleep(0.05)
        raise LabError(f"{service.name} on {service.node.name} is not listening on port {port} after "
                       f"{timeout:g} s; look at service.log().")

    def stop(self) -> None:
        """Tear the lab down: stop its programs, delete its namespaces (and with them its links)."""
        if not self.running:
            return
        self._tear_down()
        self._recording.save()

    def _tear_down(self) -> None:
        self.running = False
        for service in list(self._services):
            service.stop()
        self._services = []
        if self._wire is not None:
            self._wire.kill()
            self._wire.wait()
            for stream in (self._wire.stdout, self._wire.stderr):
                stream.close()
            self._wire = None
        if self._backend is not None:
            if self._backend.kind == "root":
                remove_namespaces(self._record.namespaces if self._record else [])
            self._backend.close()
            self._backend = None
        if self._record is not None:
            self._record.forget()
            self._record = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
        if self in _running:
            _running.remove(self)

    def __enter__(self) -> "Lab":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _require_running(self) -> None:
        if not self.running:
            raise LabError(f"lab '{self.name}' is not running; start it with lab.start() (or `with lab:`).")

    # -- safety -------------------------------------------------------------------------------
    @property
    def address_space(self) -> IPSet:
        space = IPSet(self.extra_space)
        for node in self.nodes.values():
            for interface in node.interfaces:
                if interface.address is not None:
                    space.add(interface.network)
        return space

    def _destination(self, value) -> str:
        """The destination as text, refusing anything outside this lab's own networks."""
        if isinstance(value, Node):
            if value.ip is None:
                raise LabError(f"{value.name} has no IP address to send to.")
            return value.ip
        if isinstance(value, Interface):
            return value.ip
        text = str(value).strip()
        try:
            address = IPAddress(text, flags=0)
        except (AddrFormatError, ValueError, TypeError):
            if re.fullmatch(r"[A-Za-z0-9.-]+", text):
                return text  # a name: it is resolved inside the lab, which has no way out
            raise LabError(f"{value!r} is neither an address like '10.0.0.2' nor a host name.") from None
        if address not in self.address_space and address not in ALWAYS_ALLOWED:
            nets = ", ".join(str(c) for c in self.address_space.iter_cidrs()) or "none yet"
            raise LabError(f"{address} is outside lab '{self.name}' (its networks: {nets}); labs only "
                           f"send traffic inside themselves, so pick an address in the lab.")
        return text

    # -- display ------------------------------------------------------------------------------
    def summary(self) -> str:
        kinds: dict[str, int] = {}
        for node in self.nodes.values():
            kinds[node.kind] = kinds.get(node.kind, 0) + 1
        counts = ", ".join(f"{n} {k}{'es' if k == 'switch' and n > 1 else 's' if n > 1 else ''}"
                           for k, n in kinds.items())
        state = "running" if self.running else "not started"
        lines = [f"Lab '{self.name}': {counts}, {len(self.links)} link{'s' if len(self.links) != 1 else ''} ({state})"]
        for node in self.nodes.values():
            for interface in node.interfaces:
                address = str(interface.address) if interface.address is not None else "-"
                extra = interface.link.describe()
                lines.append(f"  {node.name:<8} {node.kind:<7} {interface.name:<10} {address:<18} "
                             f"{interface.mac}  -> {interface.peer.label}" + (f"  ({extra})" if extra else ""))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()

    # -- capture and drawing live in their own modules ----------------------------------------
    def capture(self, *points, filter: str | None = None):
        """Capture packets at interfaces ("h1:eth0", "s1" for all of s1's ports ...) while a block runs."""
        from helpers.lab.capture import Capture

        return Capture(self, points, filter=filter)

    def draw(self, **kwargs):
        from helpers.lab.draw import draw_lab

        return draw_lab(self, **kwargs)


def _netem_args(link: Link) -> str:
    parts = []
    if link.delay_ms:
        parts.append(f"delay {link.delay_ms:g}ms" + (f" {link.jitter_ms:g}ms" if link.jitter_ms else ""))
    if link.loss:
        parts.append(f"loss {link.loss * 100:g}%")
    return " ".join(parts)


def _last_error_line(stderr: str) -> str:
    lines = [l for l in stderr.strip().splitlines() if l.strip()]
    return lines[-1] if lines else ""


def _kernel_message(stderr: str) -> str:
    lines = [l.strip() for l in stderr.splitlines() if l.strip() and not l.startswith("Command failed")]
    return lines[-1] if lines else "an unknown error"


class Recipe:
    """A lab's build commands; prints as a shell script."""

    def __init__(self, lab: Lab):
        self.lab = lab
        self.steps = lab.plan()

    def lines(self) -> list[str]:
        out = [f"# Lab '{self.lab.name}' as shell commands (run as root; the engine adds a per-run "
               f"prefix to namespace names)"]
        for step in self.steps:
            if step.comment:
                out.append(f"# {step.comment}")
            out.append(step.render(lambda name: name))
        if self.lab._wire_needed:
            out.append("# the link emulator (stands in for netem on kernels without it)")
            out.append(f"ip netns exec wire python3 -m helpers.lab.wire {shlex.quote(self.lab._wire_config())} &")
        for service in self.lab._declared_services:
            out.append(f"ip netns exec {service.node.name} {service.display} &")
        return out

    def __repr__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(repr(self))}</pre>"
