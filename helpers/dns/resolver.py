"""Iterative resolution, as a recursive resolver does it, with a cache that honours TTLs.

    resolver = Resolver(roots=["198.51.100.10"], transport=udp_transport())
    result = resolver.resolve("www.example.com", "A")
    for step in result.steps:            # asked the root -> referral to com.
        print(step)                      # asked com.     -> referral to example.com.
    result.answers                       # asked example.com. -> answer 203.0.113.80

A resolver starts from the *root hints* (the root servers' addresses, built in), asks the most
specific servers it knows about and follows referrals down the tree until an authoritative server
answers. Every answer, referral and "no such name" is cached for its TTL, so the next question
about the same name (or the same zone) needs fewer queries or none at all. A cached answer's TTL
counts down: it says how many seconds the record may still be used.

The transport is a function ``(server_address, query) -> response or None``: real UDP in a lab
(``udp_transport``), direct calls in the simulator.
"""
from __future__ import annotations

import random
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

from helpers.dns.zone import Record, absolute, is_within, parent_names

Transport = Callable[[str, object], object]
MAX_QUERIES = 30  # per resolution, a guard against referral loops
MAX_CNAME_CHAIN = 8
MAX_TTL = 86400  # resolvers cap what they keep (one day here)


# ---------------------------------------------------------------------------- the cache

@dataclass
class CacheEntry:
    records: list[Record]  # as received, with their original TTLs
    stored: float  # clock time when stored
    ttl: int  # lifetime in seconds
    rcode: str = "NOERROR"  # "NXDOMAIN" for a cached "no such name"
    authority: list[Record] = field(default_factory=list)  # the SOA of a negative answer


@dataclass
class Cached:
    """A cache hit: the records with their remaining TTLs."""

    name: str
    rtype: str
    records: list[Record]
    remaining: int
    rcode: str = "NOERROR"
    authority: list[Record] = field(default_factory=list)

    @property
    def negative(self) -> bool:
        return not self.records


class Cache:
    """(name, type) -> records, each kept for its TTL; a negative answer is kept for the SOA minimum."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_ttl: int = MAX_TTL):
        self.clock = clock
        self.max_ttl = max_ttl
        self._entries: dict[tuple[str, str], CacheEntry] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def put(self, name: str, rtype: str, records: Sequence[Record], *, rcode: str = "NOERROR",
            ttl: int | None = None, authority: Sequence[Record] = ()) -> None:
        if ttl is None:
            ttl = min((r.ttl for r in records), default=0)
        ttl = min(int(ttl), self.max_ttl)
        if ttl <= 0:
            return  # TTL 0 means "use once, don't keep"
        with self._lock:
            self._entries[(absolute(name), rtype.upper())] = CacheEntry(list(records), self.clock(), ttl,
                                                                        rcode, list(authority))

    def _remaining(self, entry: CacheEntry, now: float) -> int:
        # Whole seconds left, counting down once per second from the original TTL.
        return entry.ttl - int(now - entry.stored)

    def peek(self, name: str, rtype: str) -> Cached | None:
        """Like get(), without counting a hit or a miss."""
        key = (absolute(name), rtype.upper())
        now = self.clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            remaining = self._remaining(entry, now)
            if remaining <= 0:
                del self._entries[key]  # expired: as if it was never there
                return None
        shift = entry.ttl - remaining
        return Cached(key[0], key[1], [r.with_ttl(max(min(r.ttl, entry.ttl) - shift, 1)) for r in entry.records],
                      remaining, entry.rcode, [r.with_ttl(remaining) for r in entry.authority])

    def get(self, name: str, rtype: str) -> Cached | None:
        found = self.peek(name, rtype)
        with self._lock:
            if found is None:
                self.misses += 1
            else:
                self.hits += 1
        return found

    def flush(self) -> int:
        """Forget everything (like `resolvectl flush-caches`); returns how many entries were dropped."""
        with self._lock:
            count = len(self._entries)
            self._entries.clear()
        return count

    def contents(self) -> list[Cached]:
        """What the cache holds now (expired entries left out), sorted by name then type."""
        with self._lock:
            keys = sorted(self._entries, key=lambda k: (k[0].split(".")[::-1], k[1]))
        return [found for key in keys if (found := self.peek(*key)) is not None]

    def __len__(self) -> int:
        return len(self.contents())

    def stats(self) -> str:
        return f"entries={len(self)} hits={self.hits} misses={self.misses}"


# ---------------------------------------------------------------------------- resolution

@dataclass
class Step:
    """One thing the resolver did: a cache look-up, or one query to one server and what came back."""

    kind: str  # "cache" or "query"
    question: str  # "www.example.com. A"
    outcome: str  # "answer", "referral", "nodata", "nxdomain", "timeout", "error", "hit"
    server: str = ""  # the server's address (queries)
    server_name: str = ""  # its name (a.root-servers.net.)
    zone: str = ""  # the zone the resolver expected that server to know ("." for the root)
    aa: bool = False
    records: list[Record] = field(default_factory=list)  # answers, or the NS records of a referral
    glue: list[Record] = field(default_factory=list)
    depth: int = 0  # > 0 for side resolutions (finding a name server's own address)

    def detail(self) -> str:
        if self.outcome in ("answer", "hit") and self.records:
            return ", ".join(f"{r.rtype} {r.value} (TTL {r.ttl})" for r in self.records)
        if self.outcome == "hit":
            return "a cached negative answer"
        if self.outcome == "referral" and self.records:
            names = []
            for ns in self.records:
                addresses = [g.value for g in self.glue if g.name == absolute(ns.value) and g.rtype == "A"]
                names.append(ns.value + (f" ({', '.join(addresses)})" if addresses else ""))
            return f"go ask the servers of {self.records[0].name}: {', '.join(names)}"
        return {"nodata": "the name exists but has no such records", "nxdomain": "no such name",
                "timeout": "no reply", "error": "an error reply"}.get(self.outcome, self.outcome)

    def __str__(self) -> str:
        indent = "    " * self.depth
        if self.kind == "cache":
            return f"{indent}cache: {self.question} -> {self.detail()}"
        who = f"{self.server_name} ({self.server})" if self.server_name else self.server
        zone = "the root" if self.zone == "." else self.zone
        flag = ", authoritative" if self.aa else ""
        return f"{indent}ask {who}, a server of {zone}: {self.question} -> {self.outcome}{flag}: {self.detail()}"


@dataclass
class Resolution:
    name: str
    rtype: str
    rcode: str  # NOERROR, NXDOMAIN or SERVFAIL
    answers: list[Record] = field(default_factory=list)
    authority: list[Record] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    @property
    def queries(self) -> int:
        """How many queries went out to other servers."""
        return sum(1 for s in self.steps if s.kind == "query")

    @property
    def from_cache(self) -> bool:
        return self.queries == 0 and bool(self.steps)

    @property
    def addresses(self) -> list[str]:
        return [r.value for r in self.answers if r.rtype in ("A", "AAAA")]

    def trace(self) -> str:
        lines = [f"resolving {self.name} {self.rtype}"]
        lines += [f"  {i}. {step}" for i, step in enumerate(self.steps, start=1)]
        final = ", ".join(r.value for r in self.answers) if self.answers else self.rcode
        lines.append(f"  => {final}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.trace()


class ServerFailure(Exception):
    """Resolution gave up (no server answered, a loop, too many queries)."""


class Resolver:
    """A recursive resolver's brain: iterative queries from the root hints, and a cache."""

    def __init__(self, roots: Sequence[str] | dict[str, str], transport: Transport, *,
                 cache: Cache | None = None, max_queries: int = MAX_QUERIES):
        if isinstance(roots, dict):
            self.root_hints = [(absolute(name), address) for name, address in roots.items()]
        else:
            self.root_hints = [("", address) for address in roots]
        if not self.root_hints:
            raise ValueError("a resolver needs at least one root server address (its root hints)")
        self.transport = transport
        self.cache = cache if cache is not None else Cache()
        self.max_queries = max_queries
        self._sent = 0

    # -- public --------------------------------------------------------------------------------
    def resolve(self, name: str, rtype: str = "A") -> Resolution:
        qname, rtype = absolute(name), rtype.upper()
        steps: list[Step] = []
        self._sent = 0
        try:
            return self._resolve(qname, rtype, steps, depth=0)
        except ServerFailure:
            return Resolution(qname, rtype, "SERVFAIL", steps=steps)

    # -- the algorithm -------------------------------------------------------------------------
    def _from_cache(self, qname: str, rtype: str, steps: list[Step], depth: int) -> Resolution | None:
        hit = self.cache.get(qname, rtype)
        if hit is not None:
            steps.append(Step("cache", f"{qname} {rtype}", "hit", records=hit.records, depth=depth))
            return Resolution(qname, rtype, hit.rcode, hit.records, hit.authority, steps)
        if rtype != "CNAME":
            alias = self.cache.peek(qname, "CNAME")
            if alias is not None and alias.records:
                steps.append(Step("cache", f"{qname} CNAME", "hit", records=alias.records, depth=depth))
                rest = self._resolve(absolute(alias.records[0].value), rtype, steps, depth)
                return Resolution(qname, rtype, rest.rcode, alias.records + rest.answers, rest.authority, steps)
        return None

    def _closest_servers(self, qname: str) -> tuple[str, list[tuple[str, str]]]:
        """The deepest zone above qname whose servers' addresses we know (from the cache), or the root."""
        for zone in parent_names(qname):
            ns = self.cache.peek(zone, "NS")
            if ns is None or not ns.records:
                continue
            servers = []
            for record in ns.records:
                glue = self.cache.peek(record.value, "A")
                if glue is not None:
                    servers += [(absolute(record.value), g.value) for g in glue.records]
            if servers:
                return zone, servers
        return ".", list(self.root_hints)

    def _ask(self, server: tuple[str, str], zone: str, qname: str, rtype: str):
        from dnslib import DNSRecord

        if self._sent >= self.max_queries:
            raise ServerFailure("too many queries")
        self._sent += 1
        query = DNSRecord.question(qname, rtype)
        query.header.rd = 0  # iterative: "tell me what you know", not "go and find out"
        return self.transport(server[1], query)

    def _resolve(self, qname: str, rtype: str, steps: list[Step], depth: int) -> Resolution:
        from dnslib import QTYPE, RCODE

        cached = self._from_cache(qname, rtype, steps, depth)
        if cached is not None:
            return cached
        zone, servers = self._closest_servers(qname)
        while True:
            response, server = None, None
            for candidate in servers:
                response = self._ask(candidate, zone, qname, rtype)
                step = Step("query", f"{qname} {rtype}", "timeout", server=candidate[1],
                            server_name=candidate[0], zone=zone, depth=depth)
                steps.append(step)
                if response is None:
                    continue
                server = candidate
                break
            if response is None:
                raise ServerFailure(f"no server of {zone} answered")
            rcode = RCODE.get(response.header.rcode)
            step.aa = bool(response.header.aa)
            answers = [Record.from_rr(rr) for rr in response.rr]
            authority = [Record.from_rr(rr) for rr in response.auth]
            additional = [Record.from_rr(rr) for rr in response.ar if QTYPE.get(rr.rtype) in ("A", "AAAA")]
            soa = [r for r in authority if r.rtype == "SOA"]
            if rcode == "NXDOMAIN":
                step.outcome = "nxdomain"
                ttl = min(soa[0].ttl, int(soa[0].value.split()[-1])) if soa else 0
                self.cache.put(qname, rtype, [], rcode="NXDOMAIN", ttl=ttl, authority=soa)
                return Resolution(qname, rtype, "NXDOMAIN", [], soa, steps)
            if rcode != "NOERROR":
                step.outcome = "error"
                servers = [s for s in servers if s != server]
                if not servers:
                    raise ServerFailure(f"{server[1]} answered {rcode}")
                continue
            if answers:
                return self._take_answer(qname, rtype, answers, additional, step, steps, depth)
            referral = [r for r in authority if r.rtype == "NS"]
            child = referral[0].name if referral else None
            if child and is_within(qname, child) and child != zone and is_within(child, zone):
                step.outcome = "referral"
                step.records, step.glue = referral, additional
                self.cache.put(child, "NS", referral)
                for name in {r.name for r in additional}:
                    self.cache.put(name, "A", [r for r in additional if r.name == name and r.rtype == "A"])
                    self.cache.put(name, "AAAA", [r for r in additional if r.name == name and r.rtype == "AAAA"])
                servers = self._addresses_of(referral, additional, steps, depth)
                if not servers:
                    raise ServerFailure(f"no address for any server of {child}")
                zone = child
                continue
            if response.header.aa:
                step.outcome = "nodata"
                ttl = min(soa[0].ttl, int(soa[0].value.split()[-1])) if soa else 0
                self.cache.put(qname, rtype, [], ttl=ttl, authority=soa)
                return Resolution(qname, rtype, "NOERROR", [], soa, steps)
            step.outcome = "error"  # a "lame" server: neither an answer nor a useful referral
            raise ServerFailure(f"{server[1]} gave no usable answer for {qname}")

    def _take_answer(self, qname, rtype, answers, additional, step, steps, depth) -> Resolution:
        step.outcome = "answer"
        step.records = answers
        groups: dict[tuple[str, str], list[Record]] = {}
        for record in answers:
            groups.setdefault((record.name, record.rtype), []).append(record)
        for (name, kind), records in groups.items():
            self.cache.put(name, kind, records)
        for name in {r.name for r in additional}:
            for kind in ("A", "AAAA"):
                found = [r for r in additional if r.name == name and r.rtype == kind]
                if found:
                    self.cache.put(name, kind, found)
        final = [r for r in answers if r.rtype == rtype or rtype == "ANY"]
        if final or rtype == "CNAME":
            return Resolution(qname, rtype, "NOERROR", answers, [], steps)
        # Only an alias came back: resolve what it points to (the chain's end may be in another zone).
        chain = [r for r in answers if r.rtype == "CNAME"]
        if not chain or depth > MAX_CNAME_CHAIN:
            raise ServerFailure(f"an answer for {qname} without {rtype} records")
        rest = self._resolve(absolute(chain[-1].value), rtype, steps, depth)
        return Resolution(qname, rtype, rest.rcode, answers + rest.answers, rest.authority, steps)

    def _addresses_of(self, referral: list[Record], glue: list[Record], steps: list[Step],
                      depth: int) -> list[tuple[str, str]]:
        servers = []
        for ns in referral:
            target = absolute(ns.value)
            addresses = [g.value for g in glue if g.name == target and g.rtype == "A"]
            if not addresses and depth < 3:
                # No glue: the server's name lives in another zone; resolve it first (a side trip).
                side = self._resolve(target, "A", steps, depth + 1)
                addresses = side.addresses
            servers += [(target, address) for address in addresses]
        return servers


# ---------------------------------------------------------------------------- the network

def udp_transport(timeout: float = 2.0, port: int = 53) -> Transport:
    """Send a query over UDP from a fresh random port with a random ID; None if nothing came back.

    Random ports and IDs are what make a resolver hard to fool with forged replies.
    """
    rng = random.SystemRandom()

    def send(server: str, query):
        from dnslib import DNSRecord
        from dnslib.dns import DNSError

        query.header.id = rng.randint(1, 65535)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind(("0.0.0.0", 0))
            deadline = time.monotonic() + timeout
            try:
                sock.sendto(query.pack(), (server, port))
            except OSError:
                return None
            while (left := deadline - time.monotonic()) > 0:
                sock.settimeout(left)
                try:
                    data, sender = sock.recvfrom(4096)
                except (socket.timeout, OSError):
                    return None
                if sender[0] != server:
                    continue  # not from the server we asked: ignore it
                try:
                    reply = DNSRecord.parse(data)
                except (DNSError, ValueError, IndexError):
                    continue
                if reply.header.id == query.header.id and reply.q == query.q:
                    return reply
        return None

    return send
