"""The OSI model as one data table, shared by lessons, drawings and quizzes.

    from helpers import osi
    osi.table()                 # the seven layers: what each does, PDU, addresses, devices, protocols
    osi.layer(3).pdu            # 'packet'
    osi.layer_of("OSPF")        # <L3 network>
    osi.port("ssh")             # (22,)
    osi.service(53)             # ('DNS',)
    osi.port_range(8080)        # 'registered'

Every fact lives in exactly one place: ``LAYERS`` (one row per layer) and, for the application
layer's well-known ports, ``SERVICES`` (which the layer-7 row points at). The facts follow the
course's source notes (Korean workshop notes on the OSI model); where textbooks disagree (ARP sits
between layers 2 and 3; TLS is often called layer 4.5 or 6), the notes' placement is used and the
lesson says so.
"""
from __future__ import annotations

import html
import random
from dataclasses import dataclass

from helpers.errors import InputError

__all__ = ["Layer", "Service", "LAYERS", "SERVICES", "layer", "layer_of", "port", "service",
           "port_range", "table", "ports_table", "TextTable", "port_questions", "layer_questions", "bits_of", "encode",
           "decode", "ENCODINGS"]


@dataclass(frozen=True)
class Service:
    """A well-known application protocol and the port(s) its servers listen on."""

    name: str
    transport: str  # "TCP" or "UDP" as the notes give it (DNS also uses TCP for big answers)
    ports: tuple[int, ...]
    purpose: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.transport} {'/'.join(str(p) for p in self.ports)})"


SERVICES: tuple[Service, ...] = (
    Service("HTTP", "TCP", (80,), "web pages and APIs, in plain text"),
    Service("HTTPS", "TCP", (443,), "HTTP inside TLS: encrypted web traffic"),
    Service("SMTP", "TCP", (25,), "sending e-mail between mail servers"),
    Service("POP3", "TCP", (110,), "fetching e-mail from a mailbox"),
    Service("FTP", "TCP", (20, 21), "file transfer: 21 carries commands, 20 the data"),
    Service("TFTP", "UDP", (69,), "trivial file transfer, e.g. network boot images"),
    Service("Telnet", "TCP", (23,), "remote terminal, unencrypted (also a handy port tester)"),
    Service("SSH", "TCP", (22,), "encrypted remote terminal and file copy"),
    Service("DHCP", "UDP", (67, 68), "hands out addresses: server on 67, client on 68"),
    Service("DNS", "UDP", (53,), "turns names into addresses (TCP 53 for large answers)"),
    Service("SNMP", "UDP", (161, 162), "monitoring network gear: queries on 161, traps on 162"),
)


@dataclass(frozen=True)
class Layer:
    number: int
    name: str  # "network"
    korean: str
    does: str  # what the layer is for, in one sentence
    pdu: str  # the name of its unit of data ("" where the notes give none)
    addresses: str  # what it uses to say "who"
    devices: tuple[str, ...]
    protocols: tuple[str, ...]
    ports: tuple[Service, ...] = ()

    @property
    def title(self) -> str:
        return f"L{self.number} {self.name}"

    def __repr__(self) -> str:
        return f"<{self.title}>"


LAYERS: tuple[Layer, ...] = (
    Layer(1, "physical", "물리 계층",
          "turns bits into signals on a medium (voltage, light, radio) and back",
          "bit", "none: a signal goes to whatever is on the wire",
          ("cable (UTP, fibre, serial)", "connector (RJ45)", "repeater", "hub"),
          ("Ethernet physical layer (10BASE-T, 1000BASE-T ...)", "RS-232", "DSL")),
    Layer(2, "data link", "데이터 링크 계층",
          "moves frames between neighbours on one link or LAN, addressed by MAC",
          "frame", "MAC address (6 bytes, burnt into the network card)",
          ("bridge", "L2 switch", "network card (NIC)"),
          ("Ethernet", "PPP", "HDLC", "Wi-Fi (802.11)")),
    Layer(3, "network", "네트워크 계층",
          "carries packets from the first sender to the final receiver across networks, choosing the path",
          "packet", "IP address (IPv4: 4 bytes)",
          ("router", "L3 switch"),
          ("IPv4", "IPv6", "ARP", "ICMP", "IGMP", "RIP", "EIGRP", "OSPF")),
    Layer(4, "transport", "전송 계층",
          "delivers data between programs, told apart by port number; TCP adds reliability",
          "segment", "port number (2 bytes: 0-65535)",
          ("L4 switch", "L4 load balancer"),
          ("TCP", "UDP")),
    Layer(5, "session", "세션 계층",
          "opens, keeps and closes the conversation (session) between two programs",
          "data", "none of its own",
          (),
          ("NetBIOS", "sockets", "named pipes", "RPC")),
    Layer(6, "presentation", "표현 계층",
          "represents data: encoding, compression, encryption, file formats",
          "data", "none of its own",
          (),
          ("SSL/TLS", "MIME", "redirector")),
    Layer(7, "application", "응용 계층",
          "gives programs and people the interface to the network; creates the original data",
          "data", "none of its own (names and URLs)",
          ("L7 load balancer", "proxy"),
          tuple(s.name for s in SERVICES), SERVICES),
)

# Names a learner may use for a layer, besides its number and name.
_LAYER_ALIASES = {"data-link": 2, "datalink": 2, "link": 2, "mac": 2, "ip": 3, "internet": 3,
                  "app": 7}

# Other spellings of protocols and devices, mapped to the name used in LAYERS.
_ALIASES = {
    "ip": "IPv4", "ipv4": "IPv4", "ipv6": "IPv6", "tls": "SSL/TLS", "ssl": "SSL/TLS",
    "switch": "L2 switch", "l2 switch": "L2 switch", "l3 switch": "L3 switch", "l4 switch": "L4 switch",
    "nic": "network card (NIC)", "network card": "network card (NIC)", "cable": "cable (UTP, fibre, serial)",
    "connector": "connector (RJ45)", "rj45": "connector (RJ45)", "wifi": "Wi-Fi (802.11)",
    "wi-fi": "Wi-Fi (802.11)", "socket": "sockets", "load balancer": "L4 load balancer",
    "l7 load balancer": "L7 load balancer", "l4 load balancer": "L4 load balancer",
}


def layer(key) -> Layer:
    """A layer by number (1-7), by name ('network', 'data link') or as 'L3'."""
    if isinstance(key, Layer):
        return key
    if isinstance(key, int) and not isinstance(key, bool):
        if 1 <= key <= 7:
            return LAYERS[key - 1]
        raise InputError(f"The OSI model has layers 1 to 7; {key} is not one of them.")
    if isinstance(key, str):
        text = " ".join(key.strip().lower().replace("layer", "").split())
        if len(text) == 2 and text[0] == "l" and text[1].isdigit():
            return layer(int(text[1]))
        if text.isdigit():
            return layer(int(text))
        for row in LAYERS:
            if text in (row.name, row.name.replace(" ", ""), row.name.replace(" ", "-")):
                return row
        if text in _LAYER_ALIASES:
            return LAYERS[_LAYER_ALIASES[text] - 1]
    names = ", ".join(row.name for row in LAYERS)
    raise InputError(f"{key!r} is not an OSI layer; use a number 1-7 or a name ({names}).")


def _canonical(thing: str) -> str:
    key = " ".join(thing.strip().lower().split())
    return _ALIASES.get(key, thing.strip())


def layer_of(thing: str) -> Layer:
    """The layer a protocol, device or PDU name belongs to: layer_of('OSPF') -> L3 network."""
    if not isinstance(thing, str) or not thing.strip():
        raise InputError("Name a protocol, device or PDU as text, like 'TCP', 'router' or 'frame'.")
    wanted = _canonical(thing).lower()
    for row in LAYERS:
        names = [p.lower() for p in row.protocols] + [d.lower() for d in row.devices]
        if wanted in names:
            return row
    for row in LAYERS:
        if row.pdu and row.pdu == wanted and row.number <= 4:  # "data" names layers 5-7 alike
            return row
    raise InputError(f"{thing!r} is not in the course's OSI table; try a name such as 'Ethernet', "
                     f"'IPv4', 'TCP', 'HTTP', 'router' or 'switch'.")


def _service(name: str) -> Service:
    if not isinstance(name, str):
        raise InputError(f"Name a service as text, like 'SSH'; got {name!r}.")
    for entry in SERVICES:
        if entry.name.lower() == name.strip().lower():
            return entry
    known = ", ".join(s.name for s in SERVICES)
    raise InputError(f"{name!r} is not one of the well-known services in this course ({known}).")


def port(name: str) -> tuple[int, ...]:
    """The well-known port(s) of a service: port('ftp') -> (20, 21)."""
    return _service(name).ports


def _check_port(number) -> int:
    if isinstance(number, bool) or not isinstance(number, int):
        raise InputError(f"A port is a whole number from 0 to 65535; got {number!r}.")
    if not 0 <= number <= 65535:
        raise InputError(f"A port is 2 bytes, so it runs from 0 to 65535; {number} is out of range.")
    return number


def service(number: int) -> tuple[str, ...]:
    """The well-known service(s) on a port: service(53) -> ('DNS',); () if none in the table."""
    _check_port(number)
    return tuple(s.name for s in SERVICES if number in s.ports)


def port_range(number: int) -> str:
    """'well-known' (0-1023), 'registered' (1024-49151) or 'dynamic' (49152-65535, IANA)."""
    _check_port(number)
    if number <= 1023:
        return "well-known"
    if number <= 49151:
        return "registered"
    return "dynamic"


# ---------------------------------------------------------------------------- tables to show

class TextTable:
    """A small table that prints as aligned text and shows as HTML in a notebook."""

    def __init__(self, title: str, head: tuple[str, ...], rows: list[tuple[str, ...]]):
        self.title = title
        self.head = head
        self.rows = rows

    def __repr__(self) -> str:
        widths = [max(len(r[i]) for r in [self.head, *self.rows]) for i in range(len(self.head))]
        line = lambda row: "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()
        return "\n".join([self.title, line(self.head), *(line(r) for r in self.rows)])

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in self.head)
        body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{html.escape(c)}</td>" for c in row)
                       + "</tr>" for row in self.rows)
        return f"<h4>{html.escape(self.title)}</h4><table><tr>{head}</tr>{body}</table>"

    def __len__(self) -> int:
        return len(self.rows)


COLUMNS = {
    "layer": lambda l: f"L{l.number} {l.name}",
    "korean": lambda l: l.korean,
    "does": lambda l: l.does,
    "pdu": lambda l: l.pdu or "-",
    "addresses": lambda l: l.addresses,
    "devices": lambda l: ", ".join(l.devices) or "-",
    "protocols": lambda l: ", ".join(s.label for s in l.ports) if l.ports else ", ".join(l.protocols),
}


def table(*columns: str, top_down: bool = True) -> TextTable:
    """The OSI table; pick columns from: layer, korean, does, pdu, addresses, devices, protocols."""
    chosen = columns or ("layer", "pdu", "addresses", "devices", "protocols")
    unknown = [c for c in chosen if c not in COLUMNS]
    if unknown:
        raise InputError(f"{unknown[0]!r} is not a column of the OSI table; choose from {', '.join(COLUMNS)}.")
    if "layer" not in chosen:
        chosen = ("layer", *chosen)
    rows = [tuple(COLUMNS[c](l) for c in chosen) for l in (reversed(LAYERS) if top_down else LAYERS)]
    return TextTable("The OSI model", tuple(c.upper() if c == "pdu" else c.capitalize() for c in chosen), rows)


def ports_table() -> TextTable:
    rows = [(s.name, s.transport, ", ".join(str(p) for p in s.ports), s.purpose) for s in SERVICES]
    return TextTable("Well-known ports", ("Service", "Transport", "Port", "What for"), rows)


# ---------------------------------------------------------------------------- quiz questions

def port_questions(count: int = 5, *, seed: int = 0):
    """Multiple-choice questions 'which port does X use?', drawn from SERVICES with a seed."""
    from helpers.checks import MultipleChoice

    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= len(SERVICES):
        raise InputError(f"Ask for 1 to {len(SERVICES)} questions; got {count!r}.")
    rng = random.Random(seed)
    questions = []
    for entry in rng.sample(SERVICES, count):
        right = "/".join(str(p) for p in entry.ports)
        others = [s for s in SERVICES if s is not entry]
        wrong = rng.sample(others, 3)
        options = [right] + ["/".join(str(p) for p in s.ports) for s in wrong]
        rng.shuffle(options)
        hints = {"/".join(str(p) for p in s.ports): f"{'/'.join(str(p) for p in s.ports)} belongs to {s.name}: "
                 f"{s.purpose}." for s in wrong}
        questions.append(MultipleChoice(f"Which port does a {entry.name} server listen on?", options, right,
                                        hints=hints, explain=f"{entry.label}: {entry.purpose}."))
    return questions


def layer_questions(count: int = 5, *, seed: int = 0):
    """Multiple-choice questions 'which layer does X belong to?' over protocols and devices."""
    from helpers.checks import MultipleChoice

    items = [(p, row) for row in LAYERS for p in row.protocols] + [(d, row) for row in LAYERS for d in row.devices]
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= len(items):
        raise InputError(f"Ask for 1 to {len(items)} questions; got {count!r}.")
    rng = random.Random(seed)
    options = [row.title for row in LAYERS]
    questions = []
    for thing, row in rng.sample(items, count):
        hints = {}
        for other in LAYERS:
            if other is not row:
                hints[other.title] = (f"Layer {other.number} ({other.name}) {other.does}; "
                                      f"think about what {thing} works with.")
        questions.append(MultipleChoice(f"Which layer does {thing} belong to?", options, row.title,
                                        hints=hints, explain=f"{thing} is at layer {row.number}: the "
                                                             f"{row.name} layer {row.does}."))
    return questions


# ---------------------------------------------------------------------------- layer 1: bits to signals

ENCODINGS = ("NRZ-L", "NRZI", "Manchester")


def bits_of(data) -> list[int]:
    """Bits of a text, bytes or '0101' string, most significant bit of each byte first."""
    if isinstance(data, str) and data and set(data) <= {"0", "1"}:
        return [int(c) for c in data]
    if isinstance(data, str):
        data = data.encode()
    if isinstance(data, (bytes, bytearray)) and data:
        return [(byte >> shift) & 1 for byte in data for shift in range(7, -1, -1)]
    if isinstance(data, (list, tuple)) and data and all(b in (0, 1) for b in data):
        return [int(b) for b in data]
    raise InputError(f"Give bits as '0110', a list like [0, 1, 1, 0], or some text; got {data!r}.")


def encode(bits, scheme: str = "Manchester") -> list[int]:
    """Signal levels (+1 high, -1 low), two half-bit levels per bit, for NRZ-L, NRZI or Manchester.

    NRZ-L: 1 is high, 0 is low for the whole bit. NRZI: a 1 flips the level, a 0 keeps it.
    Manchester (IEEE 802.3, 10 Mbit/s Ethernet): every bit has a transition in its middle, low to
    high for 1 and high to low for 0, so the receiver can recover the clock from the signal itself.
    """
    bits = bits_of(bits)
    if scheme == "NRZ-L":
        return [level for b in bits for level in ((1, 1) if b else (-1, -1))]
    if scheme == "NRZI":
        levels, current = [], -1
        for b in bits:
            if b:
                current = -current
            levels += [current, current]
        return levels
    if scheme == "Manchester":
        return [level for b in bits for level in ((-1, 1) if b else (1, -1))]
    raise InputError(f"{scheme!r} is not an encoding here; use one of {', '.join(ENCODINGS)}.")


def decode(levels, scheme: str = "Manchester") -> list[int]:
    """Bits back from half-bit levels (the receiver's side of encode)."""
    levels = list(levels)
    if not levels or len(levels) % 2 or any(l not in (-1, 1) for l in levels):
        raise InputError("Give an even number of levels, each +1 or -1 (two per bit).")
    pairs = list(zip(levels[0::2], levels[1::2]))
    if scheme == "NRZ-L":
        return [1 if first == 1 else 0 for first, _ in pairs]
    if scheme == "NRZI":
        bits, previous = [], -1
        for first, _ in pairs:
            bits.append(1 if first != previous else 0)
            previous = first
        return bits
    if scheme == "Manchester":
        bits = []
        for index, (first, second) in enumerate(pairs):
            if first == second:
                raise InputError(f"Bit {index} has no transition in its middle, so it is not valid Manchester; "
                                 f"the signal was damaged.")
            bits.append(1 if second == 1 else 0)
        return bits
    raise InputError(f"{scheme!r} is not an encoding here; use one of {', '.join(ENCODINGS)}.")
