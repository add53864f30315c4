"""Packet captures at one or more points of a lab, merged into one timeline.

    with lab.capture("h1:eth0", "r1") as cap:     # a node name alone means all its interfaces
        h1.ping("10.0.2.2", count=1)
    print(cap.table())                            # one line per packet, tcpdump-style
    cap.packets[0].packet.show()                  # a scapy packet, to dissect layer by layer

Each point captures inside its node what ``tcpdump -nni IFACE [filter]`` would (``cap.commands``
lists those commands); the capturer is helpers/lab/sniff.py, with the filter compiled by tcpdump
itself, because tcpdump cannot write files inside an unprivileged user namespace. Packets from all
points are merged by time; each remembers where it was seen, which is what the packet walk draws.
"""
from __future__ import annotations

import base64
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.lab.backends import find_tool
from helpers.lab.topology import HERE, Interface, Lab, LabError, Node, Switch

SNIFF = HERE / "sniff.py"

BROADCAST = "ff:ff:ff:ff:ff:ff"


@dataclass
class Seen:
    """One packet as seen at one capture point."""

    number: int
    point: str  # "node:iface"
    time: float  # seconds since the first packet of the capture
    packet: Any  # a scapy packet

    @property
    def node(self) -> str:
        return self.point.split(":", 1)[0]

    @property
    def iface(self) -> str:
        return self.point.split(":", 1)[1]

    def summary(self) -> str:
        return describe(self.packet)


def _points(lab: Lab, points) -> list[Interface]:
    chosen: list[Interface] = []
    for point in points or [n for n in lab.nodes.values() if not isinstance(n, Switch)]:
        if isinstance(point, Interface):
            chosen.append(point)
        elif isinstance(point, Node) or (isinstance(point, str) and ":" not in point):
            node = lab._node(point)
            if not node.interfaces:
                raise LabError(f"{node.name} has no interfaces to capture on.")
            chosen += node.interfaces
        elif isinstance(point, str):
            node_name, iface = point.split(":", 1)
            node = lab._node(node_name)
            declared = [i for i in node.interfaces if i.name == iface]
            # An interface made by hand in a running lab (e.g. `ip link add docker0 type bridge`)
            # is not in the spec; capture on it all the same.
            chosen.append(declared[0] if declared else Interface(node, iface, "", None))
        else:
            raise LabError(f"capture point {point!r} should be a node name, 'node:iface', or an interface.")
    unique = []
    for interface in chosen:
        if interface not in unique:
            unique.append(interface)
    return unique


class Capture:
    def __init__(self, lab: Lab, points, *, filter: str | None = None, settle: float = 0.15):
        self.lab = lab
        self.interfaces = _points(lab, points)
        self.filter = filter
        self.settle = settle
        self.packets: list[Seen] = []
        self._procs: list[tuple[Interface, subprocess.Popen, Path]] = []

    @property
    def commands(self) -> list[str]:
        """What a learner would type to capture at the same points."""
        extra = f" {self.filter}" if self.filter else ""
        return [f"ip netns exec {i.node.name} tcpdump -nni {i.name}{extra}" for i in self.interfaces]

    def __enter__(self) -> "Capture":
        self.lab._require_running()
        if not self.lab.mode.live:
            return self
        program = compile_filter(self.filter) if self.filter else None
        for interface in self.interfaces:
            path = self.lab._tmp / f"cap-{interface.node.name}-{interface.name}-{len(self._procs)}.pcap"
            argv = [sys.executable, "-I", "-S", str(SNIFF), interface.name, str(path)]
            if program:
                argv.append(program)
            process = self.lab._backend.popen(argv, interface.node.ns, stdout=subprocess.PIPE,
                                              stderr=subprocess.PIPE, text=True)
            self._procs.append((interface, process, path))
        for interface, process, _ in self._procs:
            line = process.stdout.readline()  # "listening on eth0" once the capture is open
            if "listening on" not in line:
                error = process.stderr.read().strip() if process.poll() is not None else ""
                self._stop()
                raise LabError(f"the capture on {interface.label} did not start: {error or 'no output'}.")
        return self

    def __exit__(self, *exc) -> None:
        if not self.lab.mode.live:
            self._load_recorded()
            return
        # Let replies in flight arrive; an impaired link delays them.
        delay = max([l.delay_ms + l.jitter_ms for l in self.lab.links] + [0]) / 1000.0
        time.sleep(self.settle + 2 * delay)
        pcaps = self._stop()
        if exc[0] is None:
            self._load(pcaps)

    def _stop(self) -> dict[str, bytes]:
        pcaps = {}
        for interface, process, path in self._procs:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for interface, process, path in self._procs:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stdout.close()
            process.stderr.close()
            pcaps[interface.label] = path.read_bytes() if path.exists() else b""
        self._procs = []
        return pcaps

    def _key(self) -> list:
        return [[i.label for i in self.interfaces], self.filter]

    def _load(self, pcaps: dict[str, bytes]) -> None:
        encoded = {label: base64.b64encode(data).decode() for label, data in pcaps.items()}
        recording = self.lab._recording
        recording.observe("capture", "lab", self._key(), lambda: encoded)
        self.packets = merge(pcaps)

    def _load_recorded(self) -> None:
        encoded = self.lab._recording.observe("capture", "lab", self._key(), lambda: None)
        self.packets = merge({label: base64.b64decode(data) for label, data in encoded.items()})

    # -- views --------------------------------------------------------------------------------
    def at(self, point: str) -> list[Seen]:
        """The packets seen at one point ("h1:eth0")."""
        return [p for p in self.packets if p.point == point]

    def table(self, *, points: bool = True) -> "CaptureTable":
        return CaptureTable(self.packets, show_points=points)

    def __len__(self) -> int:
        return len(self.packets)

    def __iter__(self):
        return iter(self.packets)

    def walk(self, *, protocol: str | None = None, where=None, scale: float | None = None):
        """A packet walk over this capture (see helpers.lab.walk)."""
        from helpers.lab.walk import PacketWalk

        return PacketWalk(self.lab, self, protocol=protocol, where=where, scale=scale)

    def write_pcap(self, path) -> Path:
        from scapy.utils import wrpcap

        path = Path(path)
        wrpcap(str(path), [p.packet for p in self.packets])
        return path


def compile_filter(expression: str) -> str:
    """A tcpdump filter ("udp port 53") as BPF numbers, compiled by tcpdump (no privileges needed)."""
    tcpdump = find_tool("tcpdump")
    if not tcpdump:
        raise LabError("capture filters are compiled by tcpdump, which is missing; install the tcpdump "
                       "package or capture without filter=.")
    done = subprocess.run([tcpdump, "-y", "EN10MB", "-ddd", *expression.split()], capture_output=True,
                          text=True, timeout=10)
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "it was not understood"
        raise LabError(f"the capture filter {expression!r} is not valid tcpdump syntax ({reason}); "
                       f"try something like 'icmp' or 'udp port 53'.")
    return ",".join(done.stdout.split())


def merge(pcaps: dict[str, bytes]) -> list[Seen]:
    """Packets from several pcap files, ordered by capture time (ties keep point order)."""
    import io

    import scapy.layers.dns  # noqa: F401 - importing the layers teaches scapy to dissect them
    import scapy.layers.inet  # noqa: F401
    import scapy.layers.l2  # noqa: F401
    from scapy.utils import PcapReader

    seen = []
    for order, (label, data) in enumerate(pcaps.items()):
        if not data:
            continue
        for packet in PcapReader(io.BytesIO(data)):
            seen.append((float(packet.time), order, label, packet))
    seen.sort(key=lambda item: (item[0], item[1]))
    start = seen[0][0] if seen else 0.0
    return [Seen(number, label, round(t - start, 6), packet)
            for number, (t, _, label, packet) in enumerate(seen, start=1)]


class CaptureTable:
    def __init__(self, packets: list[Seen], show_points: bool = True):
        self.packets = packets
        self.show_points = show_points

    def rows(self) -> list[tuple[str, ...]]:
        rows = []
        for seen in self.packets:
            src, dst = addresses(seen.packet)
            row = (str(seen.number), seen.point, src, dst, protocol(seen.packet), describe(seen.packet))
            rows.append(row if self.show_points else row[:1] + row[2:])
        return rows

    def __repr__(self) -> str:
        head = ("No.", "Seen at", "Source", "Destination", "Protocol", "Info")
        if not self.show_points:
            head = head[:1] + head[2:]
        rows = [head] + self.rows()
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
        if len(rows) == 1:
            lines.append("(no packets)")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        head = ("No.", "Seen at", "Source", "Destination", "Protocol", "Info")
        if not self.show_points:
            head = head[:1] + head[2:]
        cells = "".join(f"<th style='text-align:left'>{h}</th>" for h in head)
        body = "".join("<tr>" + "".join(f"<td style='text-align:left;font-family:monospace'>{html.escape(c)}</td>"
                                        for c in row) + "</tr>" for row in self.rows())
        return f"<table><tr>{cells}</tr>{body}</table>"


# ---------------------------------------------------------------------------- packet descriptions
# Deterministic one-liners: no timestamps, no random numbers (TCP sequence numbers are shown
# relative, IP IDs and ICMP identifiers are left out), so a notebook's output repeats exactly.

def addresses(packet) -> tuple[str, str]:
    from scapy.layers.inet import IP
    from scapy.layers.l2 import ARP, Ether

    if IP in packet:
        return packet[IP].src, packet[IP].dst
    if Ether in packet:
        dst = packet[Ether].dst
        return packet[Ether].src, "broadcast" if dst == BROADCAST else dst
    return "?", "?"


def protocol(packet) -> str:
    from scapy.layers.dns import DNS
    from scapy.layers.inet import ICMP, IP, TCP, UDP
    from scapy.layers.l2 import ARP

    if ARP in packet:
        return "ARP"
    if DNS in packet:
        return "DNS"
    if TCP in packet:
        if packet[TCP].sport in (80, 8080) or packet[TCP].dport in (80, 8080):
            payload = bytes(packet[TCP].payload)
            if payload.startswith((b"GET ", b"HEAD ", b"POST ", b"HTTP/")):
                return "HTTP"
        return "TCP"
    if ICMP in packet:
        return "ICMP"
    if UDP in packet:
        return "UDP"
    if IP in packet:
        return f"IP proto {packet[IP].proto}"
    return packet.lastlayer().name


_ICMP_NAMES = {0: "echo reply", 8: "echo request", 3: "destination unreachable", 11: "time exceeded"}
_UNREACH = {0: "net unreachable", 1: "host unreachable", 3: "port unreachable", 13: "administratively prohibited"}
_RCODES = {0: "no answer", 2: "SERVFAIL", 3: "NXDOMAIN (no such name)", 5: "REFUSED"}


def tcp_flags(flags) -> str:
    names = [("S", "SYN"), ("F", "FIN"), ("R", "RST"), ("P", "PSH"), ("A", "ACK")]
    text = str(flags)
    return ", ".join(name for letter, name in names if letter in text)


def describe(packet) -> str:
    from scapy.layers.dns import DNS
    from scapy.layers.inet import ICMP, IP, TCP, UDP
    from scapy.layers.l2 import ARP

    if ARP in packet:
        arp = packet[ARP]
        if arp.op == 1:
            return f"who-has {arp.pdst}? tell {arp.psrc}"
        return f"{arp.psrc} is-at {arp.hwsrc}"
    if ICMP in packet:
        icmp = packet[ICMP]
        name = _ICMP_NAMES.get(icmp.type, f"type {icmp.type}")
        if icmp.type in (0, 8):
            return f"{name} seq={icmp.seq} ttl={packet[IP].ttl}"
        if icmp.type == 3:
            return f"{name} ({_UNREACH.get(icmp.code, f'code {icmp.code}')})"
        return f"{name} (ttl={packet[IP].ttl})"
    if DNS in packet:
        dns = packet[DNS]
        question = dns.qd[0].qname.decode().rstrip(".") if dns.qdcount and dns.qd else "?"
        qtype = dns.qd[0].sprintf("%qtype%") if dns.qdcount and dns.qd else ""
        if dns.qr == 0:
            return f"query {qtype} {question}"
        answers = []
        for i in range(dns.ancount):
            rr = dns.an[i]
            answers.append(str(rr.rdata if not isinstance(rr.rdata, bytes) else rr.rdata.decode()))
        flags = " aa" if dns.aa else ""
        if answers:
            return f"response{flags} {qtype} {question} -> {', '.join(answers)}"
        if dns.rcode == 0 and dns.nscount:
            # No answer but name servers in the authority section: a referral one level down.
            servers = [dns.ns[i].rdata for i in range(dns.nscount) if dns.ns[i].type == 2]
            names = [(s.decode() if isinstance(s, bytes) else str(s)).rstrip(".") for s in servers]
            if names:
                return f"response {qtype} {question} -> referral to {', '.join(names)}"
        outcome = _RCODES.get(dns.rcode, f"rcode {dns.rcode}")
        return f"response{flags} {qtype} {question} -> {outcome}"
    if TCP in packet:
        tcp = packet[TCP]
        payload = bytes(tcp.payload)
        text = f"{tcp.sport} → {tcp.dport} [{tcp_flags(tcp.flags)}]"
        if payload.startswith((b"GET ", b"HEAD ", b"POST ", b"HTTP/")):
            text += " " + payload.split(b"\r\n", 1)[0].decode(errors="replace")
        elif payload:
            text += f" {len(payload)} bytes"
        return text
    if UDP in packet:
        udp = packet[UDP]
        return f"{udp.sport} → {udp.dport} {len(bytes(udp.payload))} bytes"
    return packet.summary()
