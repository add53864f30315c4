"""Layer 2 models: a MAC-learning switch stepped frame by frame, a hub for contrast, and domain counts.

    sw = LearningSwitch(["s1-eth1", "s1-eth2", "s1-eth3"], names={"02:00:00:00:02:01": "h1", ...})
    step = sw.receive(Frame("02:00:00:00:02:01", "02:00:00:00:03:01"), "s1-eth1")
    step.action, step.out_ports        # 'flood', ('s1-eth2', 's1-eth3'): h2 is not known yet
    sw.table()                         # the MAC table, like `bridge fdb show br s1 dynamic`

A switch learns the *source* MAC of every frame against the port it came in on, then looks the
*destination* up: known on another port -> forward to that port only; known on the same port ->
filter (drop, the receiver already heard it); unknown, broadcast or multicast -> flood to every
other port. Entries not refreshed for ``ageing`` seconds are forgotten (Linux: 300 s). A hub
learns nothing and repeats every frame to every other port.

``Network`` counts collision and broadcast domains of a topology of hubs, switches and routers.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from netaddr import EUI, AddrFormatError, mac_unix_expanded

from helpers.errors import InputError

__all__ = ["BROADCAST", "Frame", "Step", "LearningSwitch", "Hub", "Trace", "normalize_mac",
           "parse_fdb", "Network"]

BROADCAST = "ff:ff:ff:ff:ff:ff"


def normalize_mac(text) -> str:
    """'02-00-00-00-02-01' or '0200.0000.0201' -> '02:00:00:00:02:01'; one sentence if it is not a MAC."""
    if isinstance(text, str):
        try:
            return str(EUI(text.strip(), dialect=mac_unix_expanded, version=48))
        except (AddrFormatError, ValueError, TypeError):
            pass
    raise InputError(f"{text!r} is not a MAC address; write six pairs of hex digits like '02:00:00:00:02:01'.")


def is_group(mac: str) -> bool:
    """Broadcast and multicast MACs have the lowest bit of the first byte set."""
    return bool(int(mac[:2], 16) & 1)


@dataclass(frozen=True)
class Frame:
    """An Ethernet frame as a switch sees it: source and destination MAC (and a note for people)."""

    src: str
    dst: str
    note: str = ""

    def __post_init__(self):
        object.__setattr__(self, "src", normalize_mac(self.src))
        object.__setattr__(self, "dst", normalize_mac(self.dst))
        if is_group(self.src):
            raise InputError(f"{self.src} is a group (broadcast or multicast) address; a frame's source "
                             f"MAC is always one card's own unicast address.")


@dataclass(frozen=True)
class Step:
    """What a switch (or hub) did with one frame."""

    number: int
    frame: Frame
    in_port: str
    action: str  # "forward", "flood", "filter" (switch) or "repeat" (hub)
    out_ports: tuple[str, ...]
    learned: str  # "new", "moved", "refreshed" or "" (hub)
    table: tuple[tuple[str, str], ...]  # the MAC table after the frame: (mac, port) sorted by MAC
    reason: str

    @property
    def flooded(self) -> bool:
        return self.action in ("flood", "repeat")


class _Device:
    kind = "device"

    def __init__(self, ports, *, names: dict[str, str] | None = None, name: str = "s1"):
        if isinstance(ports, int) and not isinstance(ports, bool):
            if ports < 2:
                raise InputError(f"A {self.kind} needs at least 2 ports to connect anything; got {ports}.")
            ports = [f"{name}-eth{i}" for i in range(1, ports + 1)]
        ports = [str(p) for p in ports]
        if len(ports) < 2 or len(set(ports)) != len(ports):
            raise InputError(f"Give a {self.kind} at least 2 ports with different names, like "
                             f"['s1-eth1', 's1-eth2'].")
        self.name = name
        self.ports = ports
        self.names = {normalize_mac(mac): who for mac, who in (names or {}).items()}
        self.steps: list[Step] = []

    def _port(self, port) -> str:
        if isinstance(port, int) and not isinstance(port, bool) and 1 <= port <= len(self.ports):
            return self.ports[port - 1]
        if port in self.ports:
            return port
        raise InputError(f"{self.name} has no port {port!r}; its ports are {', '.join(self.ports)}.")

    def label(self, mac: str) -> str:
        who = self.names.get(mac)
        if mac == BROADCAST:
            who = "broadcast"
        return f"{mac} ({who})" if who else mac

    def run(self, frames) -> "Trace":
        """Feed (frame, in_port) pairs in order; returns the steps as a Trace."""
        start = len(self.steps)
        for item in frames:
            if not isinstance(item, (tuple, list)) or len(item) not in (2, 3):
                raise InputError("Give each frame as (Frame(...), in_port) or (Frame(...), in_port, time).")
            self.receive(*item)
        return Trace(self, self.steps[start:])


class LearningSwitch(_Device):
    """A transparent learning bridge, as Linux's bridge behaves with default settings."""

    kind = "switch"

    def __init__(self, ports, *, ageing: float = 300.0, names: dict[str, str] | None = None, name: str = "s1"):
        super().__init__(ports, names=names, name=name)
        if isinstance(ageing, bool) or not isinstance(ageing, (int, float)) or ageing < 0:
            raise InputError(f"ageing is a number of seconds (Linux uses 300); got {ageing!r}.")
        self.ageing = float(ageing)
        self.entries: dict[str, tuple[str, float]] = {}  # mac -> (port, last seen)
        self.clock = 0.0

    def _age(self, now: float) -> None:
        if self.ageing == 0:  # ageing 0: nothing is ever kept (Linux then floods every frame, like a hub)
            self.entries.clear()
            return
        for mac, (_, seen) in list(self.entries.items()):
            if now - seen >= self.ageing:
                del self.entries[mac]

    def receive(self, frame: Frame, port, time: float | None = None) -> Step:
        """One frame arrives on a port: learn its source, then forward, filter or flood it."""
        if not isinstance(frame, Frame):
            raise InputError("receive() needs a Frame(src_mac, dst_mac) as its first argument.")
        in_port = self._port(port)
        if time is not None:
            if time < self.clock:
                raise InputError(f"time goes forward only; {time} is before the last frame at {self.clock}.")
            self.clock = float(time)
        self._age(self.clock)
        before = self.entries.get(frame.src)
        learned = "new" if before is None else ("moved" if before[0] != in_port else "refreshed")
        if self.ageing != 0:
            self.entries[frame.src] = (in_port, self.clock)
        others = tuple(p for p in self.ports if p != in_port)
        known = self.entries.get(frame.dst)
        if frame.dst == BROADCAST:
            action, out, reason = "flood", others, "broadcast: every other port gets a copy"
        elif is_group(frame.dst):
            action, out, reason = "flood", others, "multicast: flooded like a broadcast (no snooping)"
        elif known is None:
            action, out, reason = ("flood", others,
                                   f"{self.label(frame.dst)} is not in the MAC table yet: flood to every other port")
        elif known[0] == in_port:
            action, out, reason = ("filter", (),
                                   f"{self.label(frame.dst)} is on the port the frame came from: drop it")
        else:
            action, out, reason = ("forward", (known[0],),
                                   f"{self.label(frame.dst)} is known on {known[0]}: send it there only")
        step = Step(len(self.steps) + 1, frame, in_port, action, out, learned, self.snapshot(), reason)
        self.steps.append(step)
        return step

    def snapshot(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((mac, port) for mac, (port, _) in self.entries.items()))

    def table(self) -> "MacTable":
        return MacTable(self, self.snapshot())

    def as_dict(self) -> dict[str, str]:
        return dict(self.snapshot())


class Hub(_Device):
    """A layer 1 repeater: every frame goes out of every other port; it learns nothing."""

    kind = "hub"

    def receive(self, frame: Frame, port, time: float | None = None) -> Step:
        if not isinstance(frame, Frame):
            raise InputError("receive() needs a Frame(src_mac, dst_mac) as its first argument.")
        in_port = self._port(port)
        out = tuple(p for p in self.ports if p != in_port)
        step = Step(len(self.steps) + 1, frame, in_port, "repeat", out, "", (),
                    "a hub reads no addresses: the signal is repeated to every other port")
        self.steps.append(step)
        return step


class MacTable:
    def __init__(self, device: _Device, rows: tuple[tuple[str, str], ...]):
        self.device = device
        self.rows = rows

    def __repr__(self) -> str:
        if not self.rows:
            return f"MAC table of {self.device.name}: (empty)"
        lines = [f"MAC table of {self.device.name}:"]
        lines += [f"  {self.device.label(mac):<26} port {port}" for mac, port in self.rows]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        body = "".join(f"<tr><td style='font-family:monospace'>{html.escape(self.device.label(m))}</td>"
                       f"<td>{html.escape(p)}</td></tr>" for m, p in self.rows) or "<tr><td colspan=2>(empty)</td></tr>"
        return (f"<b>MAC table of {html.escape(self.device.name)}</b><table><tr><th>MAC</th><th>Port</th></tr>"
                f"{body}</table>")


@dataclass
class Trace:
    """The steps of a run, shown as a table; trace[i] is one step."""

    device: _Device
    steps: list[Step] = field(default_factory=list)

    def __getitem__(self, index) -> Step:
        return self.steps[index]

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self):
        return iter(self.steps)

    def rows(self) -> list[tuple[str, ...]]:
        name = lambda mac: self.device.names.get(mac, "broadcast" if mac == BROADCAST else mac)
        rows = []
        for s in self.steps:
            table = ", ".join(f"{name(m)}@{p}" for m, p in s.table) or "-"
            rows.append((str(s.number), s.in_port, f"{name(s.frame.src)} → {name(s.frame.dst)}", s.action,
                         ", ".join(s.out_ports) or "-", table))
        return rows

    HEAD = ("Step", "In port", "Frame", "Action", "Out ports", "MAC table after")

    def __repr__(self) -> str:
        rows = [self.HEAD, *self.rows()]
        widths = [max(len(r[i]) for r in rows) for i in range(len(self.HEAD))]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='text-align:left'>{h}</th>" for h in self.HEAD)
        body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{html.escape(c)}</td>" for c in r) + "</tr>"
                       for r in self.rows())
        return f"<table><tr>{head}</tr>{body}</table>"


# ---------------------------------------------------------------------------- the real bridge

FDB_LINE = re.compile(r"^(?P<mac>[0-9a-f:]{17}) dev (?P<port>\S+)(?P<rest>.*)$")


def parse_fdb(text: str) -> dict[str, str]:
    """`bridge fdb show br s1 dynamic` output -> {mac: port} of the learned (dynamic) entries."""
    table = {}
    for line in str(text).splitlines():
        match = FDB_LINE.match(line.strip())
        if not match:
            continue
        rest = match["rest"]
        if "permanent" in rest or " static" in rest or "self" in rest.split():
            continue  # the bridge's own addresses and multicast entries are not learned
        table[match["mac"]] = match["port"]
    return table


# ---------------------------------------------------------------------------- domains

class Network:
    """A topology of hosts, hubs, switches and routers, to count collision and broadcast domains.

        net = Network()
        net.add("r1", "router"); net.add("s1", "switch"); net.add("hub1", "hub"); net.add("pc1")
        net.link("r1", "s1"); net.link("s1", "hub1"); net.link("hub1", "pc1")
        net.collision_domains(), net.broadcast_domains()

    Each link is one cable. A hub joins all its cables into one collision domain; a switch or bridge
    keeps each port separate for collisions but joins them into one broadcast domain; a router
    separates both (hosts forward nothing).
    """

    KINDS = ("host", "hub", "switch", "bridge", "router")

    def __init__(self):
        self.devices: dict[str, str] = {}
        self.links: list[tuple[str, str]] = []

    def add(self, name: str, kind: str = "host") -> "Network":
        if kind not in self.KINDS:
            raise InputError(f"{kind!r} is not a device kind; use one of {', '.join(self.KINDS)}.")
        if not isinstance(name, str) or not name.strip():
            raise InputError("Give every device a name, like 'pc1'.")
        if name in self.devices:
            raise InputError(f"There is already a device called {name!r}; pick another name.")
        self.devices[name] = kind
        return self

    def link(self, a: str, b: str) -> "Network":
        for end in (a, b):
            if end not in self.devices:
                raise InputError(f"{end!r} is not in the network yet; add it with net.add({end!r}, kind) first.")
        if a == b:
            raise InputError(f"A cable joins two different devices; both ends are {a!r}.")
        self.links.append((a, b))
        return self

    def _groups(self, joining: tuple[str, ...]) -> list[list[int]]:
        parent = list(range(len(self.links)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for device, kind in self.devices.items():
            if kind not in joining:
                continue
            attached = [i for i, (a, b) in enumerate(self.links) if device in (a, b)]
            for i in attached[1:]:
                parent[find(i)] = find(attached[0])
        groups: dict[int, list[int]] = {}
        for i in range(len(self.links)):
            groups.setdefault(find(i), []).append(i)
        return list(groups.values())

    def _named(self, groups: list[list[int]]) -> list[set[str]]:
        named = []
        for group in groups:
            ends = set()
            for i in group:
                ends.update(self.links[i])
            named.append(ends)
        return named

    def collision_domains(self) -> list[set[str]]:
        """Sets of devices that share one medium (only hubs join cables together)."""
        return self._named(self._groups(("hub",)))

    def broadcast_domains(self) -> list[set[str]]:
        """Sets of devices a broadcast reaches (hubs, switches and bridges pass it on; routers stop it)."""
        return self._named(self._groups(("hub", "switch", "bridge")))
