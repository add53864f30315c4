"""A DNS hierarchy without a network: the same zones and resolver code as the lab, in memory.

    world = course_hierarchy()            # root, the com. TLD and example.com.'s own server
    resolver = world.resolver()
    first = resolver.resolve("www.example.com")
    print(first.trace())                  # root -> com. -> example.com. (three queries)
    resolver.advance(120)                 # two minutes pass on the resolver's clock
    print(resolver.resolve("www.example.com").trace())   # from the cache, TTL 300 - 120 = 180

The lab (helpers.experiments.l07) runs these very zones on real servers in network namespaces;
this model answers the same questions instantly, with a clock you control, so TTLs and cache
expiry can be explored without waiting.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from helpers.dns.resolver import Cache, Resolution, Resolver
from helpers.dns.server import AuthoritativeServer
from helpers.dns.zone import Zone, absolute, parent_names
from helpers.errors import InputError

# ---------------------------------------------------------------------------- the course's zones
# Addresses are documentation ranges: these servers exist only inside the lab.

ROOT_ADDRESS = "198.51.100.10"
TLD_ADDRESS = "198.51.100.20"
AUTH_ADDRESS = "198.51.100.30"
WEB_ADDRESS = "203.0.113.80"

ROOT_ZONE = f"""\
; The root zone ("."): it knows only who serves each top-level domain.
$TTL 518400
.                    IN SOA  a.root-servers.net. nstld.verisign-grs.com. 2024010101 1800 900 604800 86400
.                    IN NS   a.root-servers.net.
a.root-servers.net.  IN A    {ROOT_ADDRESS}
com.          172800 IN NS   a.gtld-servers.net.
a.gtld-servers.net. 172800 IN A {TLD_ADDRESS}
"""

COM_ZONE = f"""\
; The com. top-level domain: it knows only who serves each domain under com.
$ORIGIN com.
$TTL 172800
@                    IN SOA  a.gtld-servers.net. nstld.verisign-grs.com. 2024010101 1800 900 604800 86400
@                    IN NS   a.gtld-servers.net.
example              IN NS   ns1.example.com.
ns1.example          IN A    {AUTH_ADDRESS}
"""

EXAMPLE_ZONE = f"""\
; example.com.: the domain's own (authoritative) server holds the real records.
$ORIGIN example.com.
$TTL 300
@                    IN SOA  ns1 hostmaster 2024010101 3600 600 86400 60
@                    IN NS   ns1
ns1                  IN A    {AUTH_ADDRESS}
www                  IN A    {WEB_ADDRESS}
www                  IN AAAA 2001:db8::80
shop                 IN CNAME www
blog                 IN A    203.0.113.82
api               3  IN A    203.0.113.81
"""

# The 13 root server names and who runs them (each name is hundreds of anycast machines).
ROOT_SERVERS = [
    ("a.root-servers.net", "Verisign"), ("b.root-servers.net", "University of Southern California (ISI)"),
    ("c.root-servers.net", "Cogent Communications"), ("d.root-servers.net", "University of Maryland"),
    ("e.root-servers.net", "NASA Ames Research Center"), ("f.root-servers.net", "Internet Systems Consortium"),
    ("g.root-servers.net", "US Department of Defense (DISA)"), ("h.root-servers.net", "US Army Research Lab"),
    ("i.root-servers.net", "Netnod"), ("j.root-servers.net", "Verisign"), ("k.root-servers.net", "RIPE NCC"),
    ("l.root-servers.net", "ICANN"), ("m.root-servers.net", "WIDE Project"),
]


@dataclass
class NameServer:
    name: str  # a.root-servers.net.
    address: str
    role: str  # "root", "TLD" or "authoritative"
    zones: list[Zone]
    queries: int = 0

    def __post_init__(self):
        self.server = AuthoritativeServer(self.zones)

    @property
    def label(self) -> str:
        zones = ", ".join(z.origin for z in self.zones)
        return f"{self.name} ({self.role} server of {zones})"


class Hierarchy:
    """Name servers by address; a resolver's queries reach them through an in-memory transport."""

    def __init__(self, servers: list[NameServer]):
        self.servers = {s.address: s for s in servers}
        roots = [s for s in servers if s.role == "root"]
        if not roots:
            raise InputError("a DNS hierarchy needs a root server; add one with role='root'.")
        self.roots = {s.name: s.address for s in roots}

    def transport(self, address: str, query):
        from dnslib import DNSRecord

        server = self.servers.get(address)
        if server is None:
            return None  # nobody there: the query times out
        server.queries += 1
        # Through bytes and back, exactly as on the wire.
        reply = server.server.respond(DNSRecord.parse(query.pack()), client="resolver")
        return DNSRecord.parse(reply.pack())

    def resolver(self) -> "SimResolver":
        return SimResolver(self)

    def name_of(self, address: str) -> str:
        server = self.servers.get(address)
        return server.name if server else address


class SimResolver:
    """A recursive resolver over a Hierarchy, with a clock that moves only when told to."""

    def __init__(self, hierarchy: Hierarchy):
        self.hierarchy = hierarchy
        self.now = 0.0
        self.cache = Cache(clock=lambda: self.now)
        self.resolver = Resolver(hierarchy.roots, hierarchy.transport, cache=self.cache)

    def resolve(self, name: str, rtype: str = "A") -> Resolution:
        if not isinstance(rtype, str) or rtype.upper() not in ("A", "AAAA", "NS", "CNAME", "MX", "TXT", "SOA"):
            raise InputError(f"record type {rtype!r} is not one this model knows; use 'A' or 'AAAA'.")
        return self.resolver.resolve(name, rtype)

    def advance(self, seconds: float) -> None:
        """Let time pass (cached records count their TTL down)."""
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
            raise InputError(f"advance() needs a number of seconds, 0 or more; got {seconds!r}.")
        self.now += seconds

    def flush(self) -> int:
        return self.cache.flush()

    def cache_table(self) -> "CacheTable":
        return CacheTable(self.cache.contents())


class CacheTable:
    def __init__(self, entries):
        self.entries = entries

    def rows(self) -> list[tuple[str, str, str, str]]:
        rows = []
        for entry in self.entries:
            value = ", ".join(r.value for r in entry.records) or f"(cached {entry.rcode}: no records)"
            rows.append((entry.name, entry.rtype, str(entry.remaining), value))
        return rows

    def __repr__(self) -> str:
        head = ("name", "type", "TTL left", "value")
        rows = [head] + self.rows()
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
        return "\n".join(lines) if self.entries else "(the cache is empty)"


def course_hierarchy() -> Hierarchy:
    """The lab's DNS: one root server, one com. TLD server, example.com.'s authoritative server."""
    return Hierarchy([
        NameServer("a.root-servers.net.", ROOT_ADDRESS, "root", [Zone.from_text(ROOT_ZONE)]),
        NameServer("a.gtld-servers.net.", TLD_ADDRESS, "TLD", [Zone.from_text(COM_ZONE)]),
        NameServer("ns1.example.com.", AUTH_ADDRESS, "authoritative", [Zone.from_text(EXAMPLE_ZONE)]),
    ])


# ---------------------------------------------------------------------------- reading a name

ROLES = {0: "the root", 1: "top-level domain (TLD)", 2: "second-level domain (SLD)"}


def name_parts(name: str) -> list[tuple[str, str]]:
    """A domain name read right to left, as a resolver walks it: (zone, role) from the root down.

    www.google.com -> [(".", "the root"), ("com.", "top-level domain (TLD)"),
                       ("google.com.", "second-level domain (SLD)"), ("www.google.com.", "subdomain")]
    """
    parts = list(reversed(parent_names(absolute(name))))
    return [(zone, ROLES.get(depth, "subdomain")) for depth, zone in enumerate(parts)]


def name_parts_text(name: str) -> str:
    rows = name_parts(name)
    width = max(len(zone) for zone, _ in rows)
    return "\n".join(f"{zone:>{width}}  {role}" for zone, role in rows)


# ---------------------------------------------------------------------------- message flow

@dataclass
class Arrow:
    """One DNS message in a resolution: who sent it to whom, and what it said."""

    number: int
    sender: str
    receiver: str
    text: str
    kind: str  # "query" or "reply"


def message_flow(resolution: Resolution, *, client: str = "client", resolver: str = "resolver",
                 names: dict[str, str] | None = None) -> list[Arrow]:
    """The messages of one resolution, in order, for a sequence diagram: client -> resolver,
    resolver <-> each server it asked, resolver -> client."""
    names = names or {}
    arrows: list[Arrow] = []

    def add(sender, receiver, text, kind):
        arrows.append(Arrow(len(arrows) + 1, sender, receiver, text, kind))

    question = f"{resolution.name} {resolution.rtype}?"
    add(client, resolver, question, "query")
    for step in resolution.steps:
        if step.kind == "cache":
            continue
        server = names.get(step.server, step.server_name or step.server)
        add(resolver, server, step.question + "?", "query")
        if step.outcome == "referral":
            add(server, resolver, f"ask {step.records[0].name} servers", "reply")
        elif step.outcome == "answer":
            add(server, resolver, "answer: " + ", ".join(r.value for r in step.records) + " (aa)", "reply")
        elif step.outcome == "timeout":
            add(server, resolver, "(no reply)", "reply")
        else:
            add(server, resolver, step.outcome, "reply")
    final = ", ".join(resolution.addresses) or resolution.rcode
    cached = " (from cache)" if resolution.from_cache else ""
    add(resolver, client, f"{final}{cached}", "reply")
    return arrows
