"""Routing tables as Linux keeps them: longest-prefix match, metrics, the default route, forward or drop.

    r1 = Router("r1", {"eth0": "10.0.1.1/24", "eth1": "10.0.2.1/24"})   # connected routes appear
    r1.add_route("10.20.0.0/16", via="10.0.2.254")
    r1.add_route("default", via="10.0.1.254")
    r1.route_get("10.20.3.4")        # like `ip route get 10.20.3.4`: via 10.0.2.254 dev eth1
    r1.lookup("10.20.3.4")           # the same, with every candidate route and why the winner won
    r1.forward("10.99.0.1", ttl=1)   # what happens to a packet: forward, deliver, or drop (and why)

    table = RouteTable.parse(ip_route_output)   # real `ip route` output, e.g. from an EC2 instance
    table.explain()                             # every word of every line, explained

The rules are the kernel's: first the *local* table (the router's own addresses and its networks'
broadcast addresses), then the *main* table: of the routes whose prefix contains the destination,
the longest prefix wins; among equally long prefixes, the lowest metric. ``blackhole``,
``unreachable`` and ``prohibit`` routes match like others but drop. No match at all means
"Network is unreachable". All address maths is netaddr's.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from netaddr import AddrFormatError, IPAddress, IPNetwork

from helpers import addressing
from helpers.errors import InputError

__all__ = ["Route", "RouteTable", "Router", "Lookup", "RouteGet", "Outcome", "parse_route_get",
           "address_kind", "FIELD_MEANINGS", "VpcHop", "vpc_path"]

DROP_KINDS = ("blackhole", "unreachable", "prohibit")
KINDS = ("unicast", *DROP_KINDS)
# What `ip route get` (and a forwarded packet's sender) hears for each way of dropping.
DROP_ERRORS = {
    "blackhole": ("Invalid argument", "silently discarded: no ICMP is sent back"),
    "unreachable": ("No route to host", "ICMP destination unreachable (host unreachable) back to the sender"),
    "prohibit": ("Permission denied", "ICMP destination unreachable (administratively prohibited) back to the sender"),
    "no-route": ("Network is unreachable", "ICMP destination unreachable (net unreachable) back to the sender"),
}


def _network(text, where: str) -> IPNetwork:
    if isinstance(text, IPNetwork):
        network = text
    else:
        raw = str(text).strip()
        if raw == "default":
            return IPNetwork("0.0.0.0/0")
        try:
            network = IPNetwork(raw if "/" in raw else f"{raw}/32", flags=0)
        except (AddrFormatError, ValueError, TypeError):
            raise InputError(f"{where}: {text!r} is not a destination like '10.0.2.0/24' or 'default'.") from None
    if network.version != 4:
        raise InputError(f"{where}: this model speaks IPv4; {text!r} is IPv6.")
    if network.ip != network.network:
        raise InputError(f"{where}: {text} has host bits set; its network is {network.cidr} "
                         f"(Linux refuses it with 'Invalid prefix for given prefix length').")
    return network.cidr


def _address(text, where: str) -> IPAddress:
    try:
        return addressing.parse_address(text)
    except InputError as error:
        raise InputError(f"{where}: {error}") from None


def address_kind(address) -> str:
    """'private (RFC 1918)', 'documentation (stands in for public in labs)', 'loopback', ... or 'public'."""
    ip = _address(address, "address_kind")
    if ip.is_ipv4_private_use():
        return "private (RFC 1918)"
    for block in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"):
        if ip in IPNetwork(block):
            return "documentation (stands in for a public address in labs)"
    if ip in IPNetwork("100.64.0.0/10"):
        return "shared (carrier-grade NAT, RFC 6598)"
    if ip.is_loopback():
        return "loopback"
    if ip.is_link_local():
        return "link-local"
    if ip.is_multicast():
        return "multicast"
    if ip.is_global():
        return "public"
    return "reserved"


@dataclass(frozen=True)
class Route:
    """One line of a routing table."""

    destination: IPNetwork
    gateway: IPAddress | None = None
    dev: str | None = None
    kind: str = "unicast"  # unicast, blackhole, unreachable, prohibit
    proto: str | None = None  # who added it: kernel, dhcp, static, boot ...
    scope: str | None = None  # link (on this wire), host (this machine), global (via a gateway)
    src: IPAddress | None = None  # the source address for packets this machine starts
    metric: int = 0
    extra: tuple[tuple[str, str], ...] = ()  # other words ip printed, kept for explain()

    @property
    def is_default(self) -> bool:
        return self.destination.prefixlen == 0

    @property
    def is_connected(self) -> bool:
        """A route to a network this machine has an address on: no gateway needed."""
        return self.kind == "unicast" and self.gateway is None and self.dev is not None

    @property
    def prefixlen(self) -> int:
        return self.destination.prefixlen

    def line(self) -> str:
        """The route as `ip route show` prints it."""
        dest = "default" if self.is_default else (str(self.destination.ip) if self.prefixlen == 32
                                                  else str(self.destination))
        words = [dest] if self.kind == "unicast" else [self.kind, dest]
        if self.gateway is not None:
            words += ["via", str(self.gateway)]
        if self.dev:
            words += ["dev", self.dev]
        if self.proto and self.proto != "boot":
            words += ["proto", self.proto]
        if self.scope and self.scope != "global":
            words += ["scope", self.scope]
        if self.src is not None:
            words += ["src", str(self.src)]
        if self.metric:
            words += ["metric", str(self.metric)]
        for key, value in self.extra:
            words += [key, value] if value else [key]
        return " ".join(words)

    def command(self) -> str:
        """The `ip route add` command that creates this route."""
        words = ["ip", "route", "add"]
        if self.kind != "unicast":
            words.append(self.kind)
        words.append("default" if self.is_default else str(self.destination))
        if self.gateway is not None:
            words += ["via", str(self.gateway)]
        if self.dev:
            words += ["dev", self.dev]
        if self.proto and self.proto not in ("boot", "kernel"):
            words += ["proto", self.proto]
        if self.scope and self.scope not in ("global",) and self.kind == "unicast":
            words += ["scope", self.scope]
        if self.src is not None:
            words += ["src", str(self.src)]
        if self.metric:
            words += ["metric", str(self.metric)]
        return " ".join(words)

    def explain(self) -> list[tuple[str, str]]:
        """(words, meaning) for every part of the line."""
        parts = []
        if self.kind != "unicast":
            parts.append((self.kind, FIELD_MEANINGS[self.kind]))
        if self.is_default:
            parts.append(("default", "the destination 0.0.0.0/0: every address no longer prefix matches"))
        elif self.prefixlen == 32:
            parts.append((str(self.destination.ip), "a host route: exactly this one address (/32)"))
        else:
            parts.append((str(self.destination),
                          f"destination network: the {self.destination.size} addresses "
                          f"{self.destination.network} - {self.destination.broadcast}"))
        if self.gateway is not None:
            parts.append((f"via {self.gateway}", "next hop: hand the packet to this router (its MAC, found "
                                                 "by ARP); the IP destination stays the same"))
        if self.dev:
            parts.append((f"dev {self.dev}", f"leave through the interface {self.dev}"))
        if self.proto:
            parts.append((f"proto {self.proto}", FIELD_MEANINGS.get(f"proto {self.proto}",
                                                                    f"added by '{self.proto}'")))
        if self.scope:
            parts.append((f"scope {self.scope}", FIELD_MEANINGS.get(f"scope {self.scope}", "how far it reaches")))
        if self.src is not None:
            parts.append((f"src {self.src}", "the source address this machine puts on packets it starts on "
                                             "this route"))
        if self.metric:
            parts.append((f"metric {self.metric}", "the cost: among routes to the same prefix, the lowest "
                                                   "metric wins"))
        for key, value in self.extra:
            words = f"{key} {value}".strip()
            parts.append((words, FIELD_MEANINGS.get(key, "an extra attribute of the route")))
        return parts


FIELD_MEANINGS = {
    "blackhole": "drop matching packets silently",
    "unreachable": "drop matching packets and answer 'host unreachable'",
    "prohibit": "drop matching packets and answer 'administratively prohibited'",
    "proto kernel": "added by the kernel itself when an address was put on the interface (a connected route)",
    "proto dhcp": "added by the DHCP client from what the DHCP server offered",
    "proto static": "added by an administrator as a permanent route",
    "proto boot": "added by hand with `ip route add` (the default when no proto is given)",
    "proto ra": "learned from an IPv6 router advertisement",
    "proto bgp": "learned from a BGP routing daemon",
    "proto ospf": "learned from an OSPF routing daemon",
    "scope link": "the destination is on this wire: reach it directly, no router needed",
    "scope host": "the destination is this machine itself",
    "scope global": "the destination is further away, reached through a gateway",
    "linkdown": "the interface's cable is unplugged (no carrier): the route is not used",
    "onlink": "treat the gateway as directly reachable even if no subnet of ours contains it",
    "expires": "the route disappears after this many seconds unless renewed",
    "pref": "router preference (IPv6)",
    "mtu": "the largest packet size on this route",
}

_ROUTE_KEYS = {"via", "dev", "proto", "scope", "src", "metric", "table", "mtu", "expires", "pref",
               "advmss", "realm", "onlink", "linkdown", "tos", "weight", "nexthop"}


def _parse_route_line(line: str) -> Route:
    words = line.split()
    where = f"the route {line.strip()!r}"
    if not words:
        raise InputError("An empty line is not a route.")
    kind = "unicast"
    if words[0] in DROP_KINDS or words[0] in ("unicast", "local", "broadcast", "throw", "multicast", "anycast"):
        kind = words.pop(0)
        if kind not in KINDS:
            raise InputError(f"{where}: '{kind}' routes belong to other tables; this model reads the main table "
                             f"(unicast, blackhole, unreachable, prohibit).")
    if not words:
        raise InputError(f"{where} has no destination.")
    destination = _network(words.pop(0), where)
    values: dict[str, str] = {}
    extra: list[tuple[str, str]] = []
    while words:
        key = words.pop(0)
        if key in ("onlink", "linkdown", "dead", "pervasive", "offload", "trap", "rt_offload"):
            extra.append((key, ""))
            continue
        if not words:
            raise InputError(f"{where}: '{key}' needs a value after it.")
        value = words.pop(0)
        if key in ("via", "dev", "proto", "scope", "src", "metric"):
            values[key] = value
        else:
            extra.append((key, value))
    try:
        metric = int(values.get("metric", 0))
    except ValueError:
        raise InputError(f"{where}: metric {values['metric']!r} is not a number.") from None
    return Route(destination,
                 _address(values["via"], where) if "via" in values else None,
                 values.get("dev"), kind, values.get("proto"), values.get("scope"),
                 _address(values["src"], where) if "src" in values else None, metric, tuple(extra))


# ---------------------------------------------------------------------------- lookups

@dataclass(frozen=True)
class Lookup:
    """Which routes matched a destination, and which one won."""

    destination: IPAddress
    candidates: tuple[Route, ...]  # matching routes, best first
    chosen: Route | None

    @property
    def reason(self) -> str:
        if self.chosen is None:
            return f"no route contains {self.destination}: Network is unreachable"
        best = self.chosen
        same_prefix = [r for r in self.candidates if r.prefixlen == best.prefixlen]
        name = "the default route" if best.is_default else str(best.destination)
        if len(self.candidates) == 1:
            why = f"{name} is the only route containing {self.destination}"
        else:
            why = f"/{best.prefixlen} is the longest prefix containing {self.destination}"
            if len(same_prefix) > 1:
                why += f", and metric {best.metric} is the lowest of the /{best.prefixlen} routes"
        return why

    def __repr__(self) -> str:
        lines = [f"Looking up {self.destination}:"]
        if not self.candidates:
            lines.append("  no route matches")
        for route in self.candidates:
            mark = "→" if route is self.chosen else " "
            lines.append(f" {mark} /{route.prefixlen:<2} {route.line()}")
        lines.append(f"  {self.reason}")
        return "\n".join(lines)


@dataclass(frozen=True)
class RouteGet:
    """The answer of `ip route get DEST`: how this machine would send a packet there."""

    destination: str
    kind: str  # unicast, local, broadcast, blackhole, unreachable, prohibit, no-route
    gateway: str | None = None
    dev: str | None = None
    src: str | None = None

    @property
    def ok(self) -> bool:
        return self.kind in ("unicast", "local", "broadcast")

    def line(self) -> str:
        if not self.ok:
            return f"RTNETLINK answers: {DROP_ERRORS[self.kind][0]}"
        words = [] if self.kind == "unicast" else [self.kind]
        words.append(self.destination)
        if self.gateway:
            words += ["via", self.gateway]
        if self.dev:
            words += ["dev", self.dev]
        if self.src:
            words += ["src", self.src]
        return " ".join(words)

    def key(self) -> tuple:
        """What must agree between the model and the kernel: the kind, next hop and interface."""
        return (self.kind, self.gateway, self.dev if self.kind in ("unicast", "broadcast") else None)

    def __repr__(self) -> str:
        return self.line()


def parse_route_get(text: str, destination: str | None = None) -> RouteGet:
    """The output of `ip route get DEST` (first line, or the RTNETLINK error) as a RouteGet."""
    first = next((l.strip() for l in str(text).splitlines() if l.strip()), "")
    for kind, (message, _) in DROP_ERRORS.items():
        if first == f"RTNETLINK answers: {message}":
            return RouteGet(destination or "?", kind)
    words = first.split()
    if not words:
        raise InputError("That is empty; paste the output of `ip route get ADDRESS`.")
    kind = "unicast"
    if words[0] in ("local", "broadcast", "multicast", "unicast"):
        kind = words.pop(0)
    dest = words.pop(0) if words else (destination or "?")
    values = {}
    while len(words) >= 2:
        key = words.pop(0)
        if key in ("via", "dev", "src"):
            values[key] = words.pop(0)
        elif key in ("uid", "table", "mark", "cache", "from", "iif", "oif", "tos", "realm"):
            words.pop(0)
    return RouteGet(dest, kind, values.get("via"), values.get("dev"), values.get("src"))


@dataclass(frozen=True)
class Outcome:
    """What a router does with one packet."""

    destination: str
    action: str  # "forward", "deliver" or "drop"
    dev: str | None = None
    next_hop: str | None = None
    ttl: int | None = None  # the TTL the packet leaves with
    icmp: str | None = None  # the error sent back to the source, if any
    reason: str = ""

    def __repr__(self) -> str:
        if self.action == "forward":
            return (f"forward {self.destination} out of {self.dev} to next hop {self.next_hop} "
                    f"(TTL {self.ttl}): {self.reason}")
        if self.action == "deliver":
            return f"deliver {self.destination} to this router itself: {self.reason}"
        return f"drop {self.destination}: {self.reason}" + (f"; sends back ICMP {self.icmp}" if self.icmp else "")


# ---------------------------------------------------------------------------- tables

class RouteTable:
    """An ordered set of routes with the kernel's choice rules."""

    def __init__(self, routes=()):
        self.routes: list[Route] = []
        for route in routes:
            self._insert(route)

    @classmethod
    def parse(cls, text: str) -> "RouteTable":
        """A table from `ip route` (or `ip route show`) output, one route per line."""
        if not isinstance(text, str) or not text.strip():
            raise InputError("Paste the output of `ip route` as text: one route per line.")
        lines = [l for l in str(text).splitlines() if l.strip()]
        return cls(_parse_route_line(l) for l in lines)

    def _insert(self, route: Route) -> Route:
        for existing in self.routes:
            if existing.destination == route.destination and existing.metric == route.metric:
                raise InputError(f"There is already a route to {route.destination} with metric {route.metric} "
                                 f"('{existing.line()}'); Linux answers 'File exists'. Delete it first or "
                                 f"use another metric.")
        self.routes.append(route)
        return route

    def add(self, destination, via=None, *, dev=None, metric: int = 0, kind: str = "unicast",
            proto: str | None = None, scope: str | None = None, src=None) -> Route:
        where = f"route to {destination}"
        if kind not in KINDS:
            raise InputError(f"{where}: kind must be one of {', '.join(KINDS)}; got {kind!r}.")
        if isinstance(metric, bool) or not isinstance(metric, int) or not 0 <= metric <= 4294967295:
            raise InputError(f"{where}: metric is a whole number from 0 up (lower wins); got {metric!r}.")
        gateway = _address(via, where) if via is not None else None
        if kind == "unicast" and gateway is None and dev is None:
            raise InputError(f"{where} needs a next hop: via='10.0.1.254' (a router) or dev='eth0' (on the wire).")
        if kind != "unicast" and (gateway is not None or dev is not None):
            raise InputError(f"A {kind} route drops packets, so it takes no 'via' or 'dev'.")
        route = Route(_network(destination, where), gateway, dev, kind, proto, scope,
                      _address(src, where) if src is not None else None, metric)
        return self._insert(route)

    def delete(self, destination, metric: int | None = None) -> Route:
        network = _network(destination, "delete")
        for route in self.routes:
            if route.destination == network and (metric is None or route.metric == metric):
                self.routes.remove(route)
                return route
        raise InputError(f"There is no route to {network} to delete (Linux: 'No such process').")

    def lookup(self, destination) -> Lookup:
        """Longest prefix first, then lowest metric: the route the kernel would use."""
        address = _address(destination, "lookup")
        matching = [r for r in self.routes if address in r.destination]
        matching.sort(key=lambda r: (-r.prefixlen, r.metric))
        return Lookup(address, tuple(matching), matching[0] if matching else None)

    def __iter__(self):
        return iter(self.routes)

    def __len__(self) -> int:
        return len(self.routes)

    def show(self) -> list[str]:
        """Lines in the order `ip route show` prints them: by destination (default first), then metric."""
        ordered = sorted(self.routes, key=lambda r: (int(r.destination.network), r.prefixlen, r.metric))
        return [r.line() for r in ordered]

    def __repr__(self) -> str:
        return "\n".join(self.show()) or "(no routes)"

    def explain(self) -> "Explanation":
        return Explanation(self)


class Explanation:
    """Every route of a table, word by word."""

    def __init__(self, table: RouteTable):
        self.table = table

    def rows(self) -> list[tuple[str, str, str]]:
        rows = []
        for route in self.table.routes:
            for index, (words, meaning) in enumerate(route.explain()):
                rows.append((route.line() if index == 0 else "", words, meaning))
        return rows

    def __repr__(self) -> str:
        out = []
        for route in self.table.routes:
            out.append(route.line())
            width = max(len(w) for w, _ in route.explain())
            out += [f"    {w:<{width}}  {m}" for w, m in route.explain()]
        return "\n".join(out)

    def _repr_html_(self) -> str:
        body = "".join(f"<tr><td style='font-family:monospace;text-align:left'>{html.escape(line)}</td>"
                       f"<td style='font-family:monospace;text-align:left'>{html.escape(words)}</td>"
                       f"<td style='text-align:left'>{html.escape(meaning)}</td></tr>"
                       for line, words, meaning in self.rows())
        return ("<table><tr><th style='text-align:left'>Route</th><th style='text-align:left'>Words</th>"
                f"<th style='text-align:left'>Meaning</th></tr>{body}</table>")


# ---------------------------------------------------------------------------- a router

@dataclass
class _Interface:
    name: str
    address: IPNetwork  # with the host address kept


class Router:
    """A Linux box with interfaces and a main routing table; it answers like `ip route get`."""

    def __init__(self, name: str = "r1", interfaces: dict[str, str] | None = None, *, forwarding: bool = True):
        self.name = name
        self.forwarding = forwarding
        self.interfaces: dict[str, _Interface] = {}
        self.table = RouteTable()
        for dev, address in (interfaces or {}).items():
            self.add_interface(dev, address)

    def add_interface(self, dev: str, address: str) -> None:
        where = f"{self.name} {dev}"
        if dev in self.interfaces:
            raise InputError(f"{self.name} already has an interface {dev}.")
        if not isinstance(address, str) or "/" not in address:
            raise InputError(f"{where}: give the address with its prefix, like '10.0.1.1/24'.")
        try:
            network = IPNetwork(address, flags=0)
        except (AddrFormatError, ValueError, TypeError):
            raise InputError(f"{where}: {address!r} is not an address like '10.0.1.1/24'.") from None
        if network.prefixlen < 31 and network.ip in (network.network, network.broadcast):
            raise InputError(f"{where}: {network.ip} is the network or broadcast address of {network.cidr}; "
                             f"pick a host address inside it.")
        for other in self.interfaces.values():
            if other.address.ip == network.ip:
                raise InputError(f"{where}: {network.ip} is already on {other.name}.")
        self.interfaces[dev] = _Interface(dev, network)
        self.table._insert(Route(network.cidr, None, dev, "unicast", "kernel", "link", network.ip, 0))

    def add_route(self, destination, via=None, *, dev=None, metric: int = 0, kind: str = "unicast") -> Route:
        """Like `ip route add`; the gateway must be on one of the router's networks."""
        if kind == "unicast" and via is not None:
            gateway = _address(via, f"route to {destination}")
            owner = self._connected(gateway, dev)
            if owner is None:
                nets = ", ".join(str(i.address.cidr) for i in self.interfaces.values()) or "none"
                raise InputError(f"{self.name} cannot reach the gateway {gateway} directly: it is on none of its "
                                 f"networks ({nets}); Linux answers 'Nexthop has invalid gateway'.")
            if any(i.address.ip == gateway for i in self.interfaces.values()):
                raise InputError(f"{gateway} is {self.name}'s own address; a gateway is another router.")
            dev = dev or owner
        elif dev is not None and dev not in self.interfaces:
            raise InputError(f"{self.name} has no interface {dev!r}; it has {', '.join(self.interfaces)}.")
        return self.table.add(destination, via, dev=dev, metric=metric, kind=kind)

    def _connected(self, address: IPAddress, dev: str | None = None) -> str | None:
        for interface in self.interfaces.values():
            if address in interface.address.cidr and (dev is None or dev == interface.name):
                return interface.name
        return None

    def _local(self, address: IPAddress) -> RouteGet | None:
        """The local table: own addresses (and all of 127/8) are local; subnet broadcasts are broadcast."""
        text = str(address)
        if address in IPNetwork("127.0.0.0/8"):
            return RouteGet(text, "local", None, "lo", "127.0.0.1")
        for interface in self.interfaces.values():
            if address == interface.address.ip:
                return RouteGet(text, "local", None, "lo", text)
        for interface in self.interfaces.values():
            net = interface.address
            if net.prefixlen < 31 and address == net.broadcast:
                return RouteGet(text, "broadcast", None, interface.name, str(net.ip))
        return None

    def lookup(self, destination) -> Lookup:
        return self.table.lookup(destination)

    def route_get(self, destination) -> RouteGet:
        """What `ip route get DESTINATION` prints on this router."""
        address = _address(destination, "route_get")
        local = self._local(address)
        if local is not None:
            return local
        chosen = self.table.lookup(address).chosen
        text = str(address)
        if chosen is None:
            return RouteGet(text, "no-route")
        if chosen.kind != "unicast":
            return RouteGet(text, chosen.kind)
        src = chosen.src or self._source_for(chosen)
        return RouteGet(text, "unicast", str(chosen.gateway) if chosen.gateway else None, chosen.dev,
                        str(src) if src is not None else None)

    def _source_for(self, route: Route) -> IPAddress | None:
        interface = self.interfaces.get(route.dev)
        return interface.address.ip if interface else None

    def forward(self, destination, *, ttl: int = 64) -> Outcome:
        """A packet arrives for `destination` with this TTL: forward (TTL - 1), deliver, or drop."""
        address = _address(destination, "forward")
        if isinstance(ttl, bool) or not isinstance(ttl, int) or not 0 <= ttl <= 255:
            raise InputError(f"TTL is a whole number from 0 to 255; got {ttl!r}.")
        text = str(address)
        answer = self.route_get(address)
        if answer.kind in ("local", "broadcast"):
            return Outcome(text, "deliver", reason=f"{text} is this router's own "
                                                   f"{'address' if answer.kind == 'local' else 'broadcast address'}")
        if not self.forwarding:
            return Outcome(text, "drop", reason="IP forwarding is off (net.ipv4.ip_forward=0): a host does not relay")
        if answer.kind != "unicast":
            lookup = self.lookup(address)
            why = lookup.reason
            icmp = {"no-route": "destination unreachable (net unreachable)",
                    "unreachable": "destination unreachable (host unreachable)",
                    "prohibit": "destination unreachable (administratively prohibited)"}.get(answer.kind)
            if answer.kind != "no-route":
                why = f"the best route is '{lookup.chosen.line()}'"
            return Outcome(text, "drop", icmp=icmp, reason=why)
        if ttl <= 1:
            return Outcome(text, "drop", icmp="time exceeded (TTL expired in transit)",
                           reason=f"TTL {ttl} would reach 0 at this hop")
        lookup = self.lookup(address)
        next_hop = answer.gateway or text
        return Outcome(text, "forward", answer.dev, next_hop, ttl - 1, reason=lookup.reason)

    def commands(self) -> list[str]:
        """The `ip route add` commands that give a Linux router the same table (connected routes aside)."""
        return [r.command() for r in self.table.routes if r.proto != "kernel"]

    def __repr__(self) -> str:
        return f"Routing table of {self.name}:\n" + "\n".join(f"  {line}" for line in self.table.show())


# ---------------------------------------------------------------------------- the VPC view

@dataclass(frozen=True)
class VpcHop:
    source: str
    destination: str
    via: str  # "virtual switch", "virtual router", "internet gateway" or "dropped"
    detail: str

    def __repr__(self) -> str:
        return f"{self.source} → {self.destination}: {self.via} ({self.detail})"


def vpc_path(source, destination, subnets: dict[str, str], table: RouteTable) -> VpcHop:
    """How a packet leaves an instance in a VPC, as the notes put it.

    `subnets` maps subnet names to CIDRs; `table` is the subnet's route table, whose routes name a
    target as dev: "local" (the VPC's own range) or an internet gateway ("igw-..."). Same subnet:
    the virtual switch delivers it; another subnet of the VPC: the virtual router; anything else
    that matches 0.0.0.0/0 to an IGW: the internet gateway.
    """
    src, dst = _address(source, "vpc_path"), _address(destination, "vpc_path")
    networks = {name: _network(cidr, f"subnet {name}") for name, cidr in subnets.items()}
    home = next((name for name, net in networks.items() if src in net), None)
    if home is None:
        raise InputError(f"{src} is in none of the subnets ({', '.join(f'{n} {c}' for n, c in subnets.items())}).")
    if dst in networks[home]:
        return VpcHop(str(src), str(dst), "virtual switch", f"same subnet {home} {networks[home]}: delivered directly")
    chosen = table.lookup(dst).chosen
    if chosen is None:
        return VpcHop(str(src), str(dst), "dropped", "no route in the subnet's route table matches")
    target = chosen.dev or ""
    if target == "local":
        other = next((name for name, net in networks.items() if dst in net), None)
        if other is None:
            return VpcHop(str(src), str(dst), "dropped", f"inside the VPC's range ({chosen.destination}) but in no subnet")
        return VpcHop(str(src), str(dst), "virtual router", f"route {chosen.destination} → local, to subnet {other} "
                                                            f"{networks[other]}")
    if target.startswith("igw"):
        return VpcHop(str(src), str(dst), "internet gateway", f"route {chosen.destination} → {target}")
    return VpcHop(str(src), str(dst), target, f"route {chosen.destination} → {target}")
