"""What lab probes return: small data objects parsed from the real tools' output.

Each result keeps the command a learner would type (``command``) and, where a tool printed
something, its raw output (``output``), so a notebook can show both the data and the terminal.
All results turn into plain dicts and back (``to_dict``/``from_dict``) for recording and replay.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from helpers.display import Terminal


class Result:
    """Shared behaviour: dict round trip and terminal-style display."""

    command: str
    output: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def terminal(self) -> Terminal:
        return Terminal(self.command, self.output)

    def __repr__(self) -> str:
        return repr(self.terminal())

    def _repr_html_(self) -> str:
        return self.terminal()._repr_html_()


@dataclass(repr=False)
class CommandResult(Result):
    """What a command printed inside a node."""

    node: str
    command: str
    output: str
    stderr: str = ""
    returncode: int = 0

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def lines(self) -> list[str]:
        return self.output.splitlines()

    def __str__(self) -> str:
        return self.output

    def terminal(self) -> Terminal:
        text = self.output
        if self.stderr.strip():
            text = (text.rstrip("\n") + "\n" + self.stderr).strip("\n")
        return Terminal(self.command, text, prompt=f"{self.node}$")


# ---------------------------------------------------------------------------- ping

@dataclass
class EchoReply:
    seq: int
    ttl: int
    time_ms: float
    bytes: int
    source: str


@dataclass(repr=False)
class PingResult(Result):
    node: str
    destination: str
    command: str
    output: str
    transmitted: int
    received: int
    errors: int = 0
    replies: list[EchoReply] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # e.g. "From 10.0.1.1 icmp_seq=1 Destination Net Unreachable"

    @property
    def loss_percent(self) -> float:
        if not self.transmitted:
            return 0.0
        return round(100.0 * (self.transmitted - self.received) / self.transmitted, 1)

    @property
    def ok(self) -> bool:
        return self.received > 0

    @property
    def rtts(self) -> list[float]:
        return [r.time_ms for r in self.replies]

    @property
    def rtt_min(self) -> float | None:
        return min(self.rtts) if self.rtts else None

    @property
    def rtt_avg(self) -> float | None:
        return statistics.fmean(self.rtts) if self.rtts else None

    @property
    def rtt_max(self) -> float | None:
        return max(self.rtts) if self.rtts else None

    @property
    def rtt_mdev(self) -> float | None:
        """Mean deviation as ping computes it: sqrt(mean(t^2) - mean(t)^2)."""
        if not self.rtts:
            return None
        mean = statistics.fmean(self.rtts)
        square = statistics.fmean(t * t for t in self.rtts)
        return max(square - mean * mean, 0.0) ** 0.5

    @property
    def ttl(self) -> int | None:
        return self.replies[0].ttl if self.replies else None

    def terminal(self) -> Terminal:
        return Terminal(self.command, self.output, prompt=f"{self.node}$")


_REPLY = re.compile(r"^(\d+) bytes from ([\d.]+): icmp_seq=(\d+) ttl=(\d+) time=([\d.]+) ms")
_STATS = re.compile(r"(\d+) packets transmitted, (\d+) received(?:, \+(\d+) errors)?")
_PROBLEM = re.compile(r"^From ([\d.]+) icmp_seq=\d+ (.+)$")


def parse_ping(node: str, destination: str, command: str, output: str) -> PingResult:
    replies, problems = [], []
    transmitted = received = errors = 0
    for line in output.splitlines():
        if m := _REPLY.match(line):
            replies.append(EchoReply(seq=int(m[3]), ttl=int(m[4]), time_ms=float(m[5]),
                                     bytes=int(m[1]), source=m[2]))
        elif m := _PROBLEM.match(line):
            problems.append(line.strip())
        elif m := _STATS.search(line):
            transmitted, received = int(m[1]), int(m[2])
            errors = int(m[3] or 0)
    return PingResult(node=node, destination=destination, command=command, output=output,
                      transmitted=transmitted, received=received, errors=errors,
                      replies=replies, problems=problems)


# ---------------------------------------------------------------------------- traceroute

@dataclass
class Hop:
    number: int
    address: str | None  # None when the hop stayed silent ("*")
    rtt_ms: float | None
    note: str = ""  # traceroute's !H, !N, !X ... annotations


@dataclass(repr=False)
class TraceResult(Result):
    node: str
    destination: str
    command: str
    output: str
    hops: list[Hop] = field(default_factory=list)

    @property
    def addresses(self) -> list[str | None]:
        return [h.address for h in self.hops]

    @property
    def reached(self) -> bool:
        return bool(self.hops) and self.hops[-1].address == self.destination

    def terminal(self) -> Terminal:
        return Terminal(self.command, self.output, prompt=f"{self.node}$")


_HOP = re.compile(r"^\s*(\d+)\s+(.*)$")


def parse_traceroute(node: str, destination: str, command: str, output: str) -> TraceResult:
    hops = []
    for line in output.splitlines()[1:]:
        m = _HOP.match(line)
        if not m:
            continue
        rest = m[2].strip()
        if rest.startswith("*"):
            hops.append(Hop(int(m[1]), None, None))
            continue
        parts = rest.split()
        address = parts[0]
        rtt = None
        note = ""
        for i, part in enumerate(parts[1:], start=1):
            if part == "ms" and rtt is None:
                try:
                    rtt = float(parts[i - 1])
                except ValueError:
                    pass
            elif part.startswith("!"):
                note = part
        hops.append(Hop(int(m[1]), address, rtt, note))
    return TraceResult(node=node, destination=destination, command=command, output=output, hops=hops)


# ---------------------------------------------------------------------------- sockets

@dataclass(repr=False)
class ConnectResult(Result):
    """A TCP connect, like `telnet HOST PORT`: did something accept the connection?"""

    node: str
    destination: str
    port: int
    command: str
    open: bool
    error: str = ""  # "refused", "timed out", "unreachable" ...
    local: str = ""
    output: str = ""

    # What telnet prints for each outcome (the C library's messages), so the text matches the tool.
    TELNET_ERRORS = {"refused": "Connection refused", "timed out": "Connection timed out",
                     "no route to host": "No route to host", "network is unreachable": "Network is unreachable"}

    def terminal(self) -> Terminal:
        text = f"Trying {self.destination}..."
        if self.open:
            text += f"\nConnected to {self.destination}."
        else:
            reason = self.TELNET_ERRORS.get(self.error, self.error)
            text += f"\ntelnet: Unable to connect to remote host: {reason}"
            if self.error == "timed out":
                # The lab's probe gives up after a second or two; telnet keeps trying for minutes.
                text += "\n# (the lab stopped waiting after a moment; telnet itself would wait about two minutes)"
        return Terminal(self.command, text, prompt=f"{self.node}$")


@dataclass(repr=False)
class UdpResult(Result):
    node: str
    destination: str
    port: int
    command: str
    sent: str
    reply: str | None
    reply_from: str = ""
    output: str = ""
    error: str = ""  # "port unreachable" when the host answered with ICMP instead

    @property
    def answered(self) -> bool:
        return self.reply is not None

    def terminal(self) -> Terminal:
        """What nc prints (the reply, or nothing), then the course's note on what happened after '#'."""
        if self.reply is not None:
            text = f"{self.reply.rstrip()}\n# the reply came from {self.reply_from}"
        elif self.error:
            text = f"# no reply: {self.error} (an ICMP error came back; nc prints nothing)"
        else:
            text = "# no reply, and no error either (UDP does not say why; nc prints nothing)"
        return Terminal(self.command, text, prompt=f"{self.node}$")


@dataclass(repr=False)
class ArpResult(Result):
    node: str
    target: str
    command: str
    mac: str | None
    request: dict = field(default_factory=dict)  # the frame's fields as sent
    reply: dict = field(default_factory=dict)    # and as answered
    output: str = ""

    def terminal(self) -> Terminal:
        if self.mac:
            text = (f"who-has {self.target} tell {self.request.get('sender_ip')} "
                    f"(to {self.request.get('dst_mac')})\n"
                    f"{self.target} is-at {self.mac} (to {self.reply.get('dst_mac')})")
        else:
            text = f"who-has {self.target} tell {self.request.get('sender_ip')}\nno answer"
        return Terminal(self.command, text, prompt=f"{self.node}$")


# ---------------------------------------------------------------------------- HTTP

@dataclass(repr=False)
class HttpResult(Result):
    node: str
    url: str
    command: str
    output: str
    status: int | None
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str = ""
    error: str = ""

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def terminal(self) -> Terminal:
        """What curl printed: the headers, then (curl -i) the body after a blank line."""
        shown = self.error or self.output
        if self.body and not self.error:
            shown += "\n\n" + self.body.rstrip()
        return Terminal(self.command, shown, prompt=f"{self.node}$")

    @classmethod
    def from_dict(cls, data):
        data = dict(data)
        data["headers"] = [tuple(h) for h in data.get("headers", [])]
        return super().from_dict(data)


def parse_http_head(node: str, url: str, command: str, output: str, body: str = "",
                    error: str = "") -> HttpResult:
    """Parse what `curl -sS -i` or `curl -I` printed (the last response, if it followed redirects)."""
    blocks = [b for b in re.split(r"\r?\n\r?\n", output.replace("\r\n", "\n")) if b.startswith("HTTP/")]
    status, reason, headers = None, "", []
    if blocks:
        lines = blocks[-1].splitlines()
        first = lines[0].split(" ", 2)
        status = int(first[1]) if len(first) > 1 and first[1].isdigit() else None
        reason = first[2] if len(first) > 2 else ""
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                headers.append((key.strip(), value.strip()))
    return HttpResult(node=node, url=url, command=command, output=output.replace("\r\n", "\n").strip(),
                      status=status, reason=reason, headers=headers, body=body, error=error)


# ---------------------------------------------------------------------------- DNS

@dataclass
class DnsRecord:
    name: str
    ttl: int
    rtype: str
    value: str


@dataclass(repr=False)
class DnsResult(Result):
    node: str
    name: str
    rtype: str
    server: str
    command: str
    output: str
    status: str = ""
    flags: list[str] = field(default_factory=list)
    answers: list[DnsRecord] = field(default_factory=list)
    authority: list[DnsRecord] = field(default_factory=list)
    additional: list[DnsRecord] = field(default_factory=list)

    @property
    def authoritative(self) -> bool:
        return "aa" in self.flags

    @property
    def addresses(self) -> list[str]:
        return [r.value for r in self.answers if r.rtype in ("A", "AAAA")]

    def terminal(self) -> Terminal:
        return Terminal(self.command, self.output, prompt=f"{self.node}$")

    @classmethod
    def from_dict(cls, data):
        data = dict(data)
        for key in ("answers", "authority", "additional"):
            data[key] = [DnsRecord(**r) for r in data.get(key, [])]
        return super().from_dict(data)


_DIG_HEADER = re.compile(r"status: (\w+)")
_DIG_FLAGS = re.compile(r";; flags: ([a-z ]+);")


def parse_dig(node: str, name: str, rtype: str, server: str, command: str, output: str) -> DnsResult:
    section = None
    sections: dict[str, list[DnsRecord]] = {"ANSWER": [], "AUTHORITY": [], "ADDITIONAL": []}
    status, flags = "", []
    for line in output.splitlines():
        if m := _DIG_HEADER.search(line):
            status = m[1]
        if m := _DIG_FLAGS.search(line):
            flags = m[1].split()
        if line.startswith(";; ") and line.rstrip().endswith("SECTION:"):
            section = line.split()[1]
            continue
        if not line.strip() or line.startswith(";"):
            if not line.strip():
                section = None
            continue
        if section in sections:
            parts = line.split(None, 4)
            if len(parts) == 5 and parts[1].isdigit():
                sections[section].append(DnsRecord(parts[0], int(parts[1]), parts[3], parts[4].strip()))
    return DnsResult(node=node, name=name, rtype=rtype, server=server, command=command, output=output,
                     status=status, flags=flags, answers=sections["ANSWER"],
                     authority=sections["AUTHORITY"], additional=sections["ADDITIONAL"])


@dataclass(repr=False)
class ScapyResult(Result):
    """A scapy experiment run inside a node: what it printed and the `result` it set."""

    node: str
    command: str  # the experiment's code
    output: str
    result: Any = None
    error: str = ""

    def terminal(self) -> Terminal:
        text = self.output if not self.error else (self.output + "\n" + self.error).strip()
        return Terminal(f"scapy experiment on {self.node}", text, prompt=f"{self.node}$")


RESULT_TYPES = {cls.__name__: cls for cls in
                (CommandResult, PingResult, TraceResult, ConnectResult, UdpResult, ArpResult,
                 HttpResult, DnsResult, ScapyResult)}


def encode(result: Result) -> dict[str, Any]:
    return {"type": type(result).__name__, "data": result.to_dict()}


def decode(blob: dict[str, Any]) -> Result:
    cls = RESULT_TYPES[blob["type"]]
    data = dict(blob["data"])
    if cls is PingResult:
        data["replies"] = [EchoReply(**r) for r in data.get("replies", [])]
    if cls is TraceResult:
        data["hops"] = [Hop(**h) for h in data.get("hops", [])]
    return cls.from_dict(data)
