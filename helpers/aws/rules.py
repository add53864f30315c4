"""Security group and network ACL rules, and how AWS evaluates a packet against them.

Pure functions on plain data, shared by the VPC model, the reachability analyzer and the rule
evaluator widget. What they encode (Amazon VPC user guide):

* A **security group** holds *allow* rules only. Inbound rules name a source (a CIDR block or
  another security group), outbound rules a destination; both name a protocol and, for TCP/UDP,
  a destination port range. A packet passes when *any* rule of *any* group on the network
  interface matches; there is no order and no deny. Security groups are stateful: the reply of an
  allowed connection is allowed whatever the rules say (the analyzer handles that).
* A **network ACL** holds numbered *allow* and *deny* rules per direction, evaluated from the
  lowest number up; the first rule that matches decides, and the final ``*`` rule denies
  everything no numbered rule matched. For TCP/UDP a rule's port range is the packet's
  *destination* port in both directions. ACLs are stateless: a reply is a new packet, usually to
  an ephemeral port of the client, and needs its own allow rule.

Ports in a packet may be a range (lo, hi): the client picks its source port from an ephemeral
range, so a reply's destination port can be anything in it. ``evaluate_acl`` splits such a range
into the pieces each rule decides, so "allowed for 32768-60999 but denied for 1024-32767" is
visible rather than hidden behind one example port.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from netaddr import AddrFormatError, IPAddress, IPNetwork

from helpers.aws.errors import AwsError
from helpers.errors import InputError

__all__ = [
    "PROTOCOL_NUMBERS", "EPHEMERAL_PORTS", "Packet", "SgRule", "AclEntry", "SgVerdict", "AclVerdict",
    "parse_protocol", "parse_ports", "parse_cidr", "evaluate_security_groups", "evaluate_acl",
    "ports_text", "MAX_ACL_RULE_NUMBER",
]

PROTOCOL_NUMBERS = {"tcp": 6, "udp": 17, "icmp": 1, "all": -1}
_NUMBER_TO_NAME = {"6": "tcp", "17": "udp", "1": "icmp", "-1": "all"}
PORT_PROTOCOLS = ("tcp", "udp")
ALL_PORTS = (0, 65535)
MAX_ACL_RULE_NUMBER = 32766  # AWS: rule numbers 1 to 32766; the '*' rule comes after all of them

# Ephemeral (client source) port ranges, from the VPC user guide's network ACL section: Linux
# kernels use 32768-60999, Windows Server 2008 and later 49152-65535, NAT gateways and load
# balancers 1024-65535. A client on the internet may be anything, so AWS's advice for ACLs on
# internet-facing subnets is to allow 1024-65535.
EPHEMERAL_PORTS = {
    "linux": (32768, 60999),
    "windows": (49152, 65535),
    "nat gateway": (1024, 65535),
    "internet": (1024, 65535),
    "on-premises": (1024, 65535),
}


def parse_protocol(value: Any, *, allow_all: bool = True) -> str:
    """'tcp', 'udp', 'icmp' or 'all' from a name or an IANA number (6, 17, 1, -1)."""
    text = str(value).strip().lower() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if text in ("-1", "all", "all traffic", "any"):
        text = "all"
    text = _NUMBER_TO_NAME.get(text, text)
    if text not in PROTOCOL_NUMBERS or (text == "all" and not allow_all):
        choices = "'tcp', 'udp', 'icmp'" + (" or 'all'" if allow_all else "")
        raise InputError(f"Protocol {value!r} is not one this model knows; use {choices}.")
    return text


def parse_ports(value: Any, protocol: str) -> tuple[int, int] | None:
    """A (from, to) port range for TCP/UDP, None for ICMP and 'all' (ports do not apply).

    Accepts 22, '22', '1024-65535', (1024, 65535) or 'all' (0-65535).
    """
    if protocol not in PORT_PROTOCOLS:
        return None
    if value is None or (isinstance(value, str) and value.strip().lower() in ("all", "*", "")):
        return ALL_PORTS
    low = high = None
    if isinstance(value, bool):
        pass
    elif isinstance(value, int):
        low = high = value
    elif isinstance(value, str):
        parts = value.replace(" ", "").split("-")
        if len(parts) in (1, 2) and all(p.isdigit() for p in parts):
            low, high = int(parts[0]), int(parts[-1])
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(
            isinstance(p, int) and not isinstance(p, bool) for p in value):
        low, high = value
    if low is None or not (0 <= low <= high <= 65535):
        raise InputError(f"Port {value!r} is not a port or range; write 22, '1024-65535' or (1024, 65535), "
                         "with numbers 0-65535 and the smaller first.")
    return (low, high)


def parse_cidr(value: Any, what: str = "CIDR block") -> str:
    """A canonical CIDR block ('10.0.1.0/24'); an address alone means that one host (/32)."""
    try:
        if not isinstance(value, str):
            raise TypeError
        network = IPNetwork(value.strip(), flags=0)
        if network.version != 4:
            raise TypeError
    except (AddrFormatError, ValueError, TypeError):
        raise AwsError("InvalidParameterValue",
                       f"{value!r} is not a valid {what}; write it like '10.0.1.0/24' (or '0.0.0.0/0' for anywhere).") from None
    if network.ip != network.network:
        raise AwsError("InvalidParameterValue",
                       f"{value} has host bits set; the {what} starting that block is {network.cidr}.")
    return str(network.cidr)


def ports_text(ports: tuple[int, int] | None) -> str:
    if ports is None:
        return ""
    low, high = ports
    if (low, high) == ALL_PORTS:
        return "all ports"
    return str(low) if low == high else f"{low}-{high}"


def _traffic_text(protocol: str, ports: tuple[int, int] | None) -> str:
    if protocol == "all":
        return "all traffic"
    if protocol == "icmp":
        return "icmp"
    return f"{protocol} {ports_text(ports)}"


# ---------------------------------------------------------------------------- packets

@dataclass(frozen=True)
class Packet:
    """One IPv4 packet as the rules see it: protocol, addresses, ports (ranges allowed)."""

    protocol: str
    src: str
    dst: str
    sport: tuple[int, int] | None = None
    dport: tuple[int, int] | None = None

    def __post_init__(self):
        if self.protocol not in ("tcp", "udp", "icmp"):
            raise InputError(f"A packet's protocol is 'tcp', 'udp' or 'icmp', not {self.protocol!r}.")

    @property
    def has_ports(self) -> bool:
        return self.protocol in PORT_PROTOCOLS

    def reply(self) -> "Packet":
        """The packet that answers this one: addresses and ports swapped."""
        return Packet(self.protocol, self.dst, self.src, self.dport, self.sport)

    def text(self) -> str:
        if not self.has_ports:
            return f"{self.protocol} {self.src} → {self.dst}"
        return (f"{self.protocol} {self.src} port {ports_text(self.sport)} → "
                f"{self.dst} port {ports_text(self.dport)}")


# ---------------------------------------------------------------------------- security groups

@dataclass(frozen=True)
class SgRule:
    """One security group rule. Exactly one of ``cidr`` and ``group`` names the peer."""

    protocol: str
    ports: tuple[int, int] | None
    cidr: str | None = None
    group: str | None = None      # the referenced security group's id
    description: str = ""

    def matches(self, packet: Packet, peer_address: str, peer_groups: frozenset[str]) -> bool:
        if self.protocol != "all" and self.protocol != packet.protocol:
            return False
        if self.protocol in PORT_PROTOCOLS and not _contains(self.ports, packet.dport):
            return False
        if self.cidr is not None:
            return IPAddress(peer_address) in IPNetwork(self.cidr)
        return self.group in peer_groups

    def text(self, inbound: bool, names: dict[str, str] | None = None) -> str:
        peer = self.cidr if self.cidr is not None else _group_label(self.group, names)
        return f"{_traffic_text(self.protocol, self.ports)} {'from' if inbound else 'to'} {peer}"


def _group_label(group_id: str | None, names: dict[str, str] | None) -> str:
    name = (names or {}).get(group_id or "")
    return f"{name} ({group_id})" if name else str(group_id)


def _contains(rule_ports: tuple[int, int] | None, packet_ports: tuple[int, int] | None) -> bool:
    if rule_ports is None or packet_ports is None:
        return True
    return rule_ports[0] <= packet_ports[0] and packet_ports[1] <= rule_ports[1]


@dataclass(frozen=True)
class SgVerdict:
    allowed: bool
    group: str | None = None          # the id of the group whose rule allowed it
    rule: SgRule | None = None
    checked: tuple[str, ...] = ()     # the groups looked at

    def text(self, inbound: bool, names: dict[str, str] | None = None) -> str:
        if self.allowed:
            return f"allowed by {_group_label(self.group, names)}: {self.rule.text(inbound, names)}"
        groups = ", ".join(_group_label(g, names) for g in self.checked) or "no security group"
        return f"no {'inbound' if inbound else 'outbound'} rule of {groups} matches"


def evaluate_security_groups(groups: Sequence[Any], inbound: bool, packet: Packet,
                             peer_groups: Iterable[str] = ()) -> SgVerdict:
    """Does any rule of any of these security groups allow the packet in (or out)?

    ``groups`` are objects with ``id``, ``inbound`` and ``outbound`` rule lists (the model's
    SecurityGroup). ``peer_groups`` are the security groups of the other end (its source for
    inbound, its destination for outbound) when AWS can tell them, for referencing rules.
    """
    peer_address = packet.src if inbound else packet.dst
    peers = frozenset(peer_groups)
    for group in groups:
        for rule in (group.inbound if inbound else group.outbound):
            if rule.matches(packet, peer_address, peers):
                return SgVerdict(True, group.id, rule, tuple(g.id for g in groups))
    return SgVerdict(False, checked=tuple(g.id for g in groups))


# ---------------------------------------------------------------------------- network ACLs

@dataclass(frozen=True)
class AclEntry:
    """One numbered network ACL rule; ``egress`` is True for outbound rules."""

    number: int
    egress: bool
    action: str                       # 'allow' or 'deny'
    protocol: str
    ports: tuple[int, int] | None
    cidr: str

    def matches_peer(self, packet: Packet) -> bool:
        if self.protocol != "all" and self.protocol != packet.protocol:
            return False
        peer = packet.dst if self.egress else packet.src
        return IPAddress(peer) in IPNetwork(self.cidr)

    def text(self) -> str:
        peer = "to" if self.egress else "from"
        return f"rule {self.number}: {self.action} {_traffic_text(self.protocol, self.ports)} {peer} {self.cidr}"


STAR_TEXT = "rule *: deny all traffic"


@dataclass(frozen=True)
class AclVerdict:
    """Which rule decided which part of the packet's destination-port range."""

    allowed: bool
    pieces: tuple[tuple[tuple[int, int] | None, AclEntry | None], ...]  # (ports, rule); None rule = '*'

    @property
    def denied_pieces(self):
        return [(ports, rule) for ports, rule in self.pieces if rule is None or rule.action == "deny"]

    @property
    def allowed_pieces(self):
        return [(ports, rule) for ports, rule in self.pieces if rule is not None and rule.action == "allow"]

    def text(self) -> str:
        parts = []
        several = len(self.pieces) > 1
        for ports, rule in self.pieces:
            said = rule.text() if rule else STAR_TEXT
            parts.append(f"{said} (ports {ports_text(ports)})" if several and ports else said)
        return "; ".join(parts)


def evaluate_acl(entries: Iterable[AclEntry], egress: bool, packet: Packet) -> AclVerdict:
    """Evaluate one direction of a network ACL, lowest rule number first, then the '*' deny."""
    rules = sorted((e for e in entries if e.egress == egress), key=lambda e: e.number)
    remaining: list[tuple[int, int] | None] = [packet.dport if packet.has_ports else None]
    pieces: list[tuple[tuple[int, int] | None, AclEntry | None]] = []
    for rule in rules:
        if not remaining:
            break
        if not rule.matches_peer(packet):
            continue
        if rule.protocol in PORT_PROTOCOLS and packet.has_ports:
            still = []
            for part in remaining:
                inside, outside = _split_range(part, rule.ports)
                if inside:
                    pieces.append((inside, rule))
                still.extend(outside)
            remaining = still
        else:  # 'all' or ICMP: the rule matches whatever ports remain
            pieces.extend((part, rule) for part in remaining)
            remaining = []
    pieces.extend((part, None) for part in remaining)
    pieces.sort(key=lambda piece: piece[0] or (0, 0))
    allowed = all(rule is not None and rule.action == "allow" for _, rule in pieces)
    return AclVerdict(allowed, tuple(pieces))


def _split_range(part: tuple[int, int], rule_ports: tuple[int, int]):
    """(the part inside rule_ports or None, [the parts outside])."""
    low, high = part
    r_low, r_high = rule_ports
    if high < r_low or low > r_high:
        return None, [part]
    inside = (max(low, r_low), min(high, r_high))
    outside = []
    if low < inside[0]:
        outside.append((low, inside[0] - 1))
    if inside[1] < high:
        outside.append((inside[1] + 1, high))
    return inside, outside
