"""Zone data and the authoritative answer to one question.

    zone = Zone.from_text('''
        $ORIGIN example.com.
        $TTL 300
        @    IN SOA ns1 admin 1 3600 600 86400 60
        @    IN NS  ns1
        ns1  IN A   198.51.100.30
        www  IN A   203.0.113.80
    ''')
    zone.lookup("www.example.com", "A")     # Lookup(kind="answer", aa=True, answers=[...])

A server that holds a zone answers in one of five ways (RFC 1034, section 4.3.2, without
wildcards and DNSSEC):

* ``answer``: the name has records of the asked type (or a CNAME): authoritative (AA flag set);
* ``referral``: the name lies below a *zone cut*, a child zone delegated with NS records: "I don't
  know, ask these servers" (no AA; the NS records in AUTHORITY, their addresses as glue in
  ADDITIONAL). This is how the root sends a resolver to the TLD servers;
* ``nodata``: the name exists but has no records of that type (AA, the zone's SOA in AUTHORITY);
* ``nxdomain``: the name does not exist (AA, SOA in AUTHORITY, status NXDOMAIN);
* ``refused``: the name is not in this zone at all.

Which records of a set go into an answer is an :class:`AnswerPolicy`'s choice: all of them by
default (like a plain zone file), rotated (round robin), or anything a later lesson plugs in
(weighted, failover). The policy sees the question, including who asked and when.
"""
from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Iterable

from helpers.errors import InputError

# Record types the course's zones use; others in a zone file are refused with a clear sentence.
SUPPORTED_TYPES = ("A", "AAAA", "NS", "CNAME", "SOA", "TXT", "MX")
ADDRESS_TYPES = ("A", "AAAA")


class ZoneError(InputError):
    """Zone data that cannot be used; the message names the line or record and the fix."""


def absolute(name: str) -> str:
    """A domain name in canonical form: lower case, ending in a dot ("WWW.Example.com" -> "www.example.com.")."""
    if not isinstance(name, str) or not name.strip():
        raise ZoneError(f"{name!r} is not a domain name; write it like 'www.example.com'.")
    text = name.strip().lower()
    if text == ".":
        return "."
    if ".." in text or " " in text:
        raise ZoneError(f"{name!r} is not a domain name: labels are separated by single dots.")
    text = text.rstrip(".") + "."
    if any(len(label) > 63 for label in text.split(".")[:-1]):
        raise ZoneError(f"{name!r} has a label longer than 63 characters, which DNS does not allow.")
    return text


def parent_names(name: str) -> list[str]:
    """The name and every zone above it, most specific first: www.example.com. -> [www.example.com.,
    example.com., com., .]. Read right to left, that is the path a resolver walks down."""
    name = absolute(name)
    if name == ".":
        return ["."]
    labels = name.rstrip(".").split(".")
    return [".".join(labels[i:]) + "." for i in range(len(labels))] + ["."]


def is_within(name: str, origin: str) -> bool:
    """Is `name` the zone's origin or below it?"""
    return origin == "." or name == origin or name.endswith("." + origin)


@dataclass(frozen=True)
class Record:
    """One resource record, in presentation form: www.example.com. 300 IN A 203.0.113.80."""

    name: str
    rtype: str
    ttl: int
    value: str

    def with_ttl(self, ttl: int) -> "Record":
        return Record(self.name, self.rtype, ttl, self.value)

    def __str__(self) -> str:
        return f"{self.name} {self.ttl} IN {self.rtype} {self.value}"

    def to_rr(self):
        """The record as a dnslib RR, ready to pack into a DNS message."""
        from dnslib import RR

        return RR.fromZone(str(self))[0]

    @classmethod
    def from_rr(cls, rr) -> "Record":
        from dnslib import QTYPE

        return cls(absolute(str(rr.rname)), QTYPE[rr.rtype], int(rr.ttl), str(rr.rdata))


@dataclass(frozen=True)
class Question:
    """What a policy knows about the query it is answering."""

    name: str
    rtype: str
    client: str = ""  # the address that asked (the resolver's, usually)
    time: float = 0.0  # when (seconds; the server's clock)


class AnswerPolicy:
    """Chooses which records of a set to answer with. Subclass and override ``select``.

    ``select`` gets the question and every record of the asked name and type in the zone (in
    zone-file order) and returns the records to answer with (an empty list answers NODATA).
    Policies may keep state (a rotation counter, health-check results), so servers call them
    from one thread at a time.
    """

    name = "policy"

    def select(self, question: Question, records: list[Record]) -> list[Record]:
        raise NotImplementedError


class AllRecords(AnswerPolicy):
    """Every record, in zone-file order: what a plain zone file does."""

    name = "all records"

    def select(self, question: Question, records: list[Record]) -> list[Record]:
        return list(records)


class RoundRobin(AnswerPolicy):
    """Every record, rotated by one on each query (BIND's "cyclic" order), spreading clients out."""

    name = "round robin"

    def __init__(self):
        self._turns: dict[tuple[str, str], itertools.count] = {}

    def select(self, question: Question, records: list[Record]) -> list[Record]:
        if not records:
            return []
        turn = next(self._turns.setdefault((question.name, question.rtype), itertools.count()))
        shift = turn % len(records)
        return list(records[shift:]) + list(records[:shift])


@dataclass
class Lookup:
    """The authoritative server's answer to one question."""

    kind: str  # "answer", "referral", "nodata", "nxdomain" or "refused"
    question: Question
    answers: list[Record] = field(default_factory=list)
    authority: list[Record] = field(default_factory=list)
    additional: list[Record] = field(default_factory=list)
    zone: str = ""

    @property
    def aa(self) -> bool:
        """Authoritative answer: set when this server owns the name (not for referrals)."""
        return self.kind in ("answer", "nodata", "nxdomain")

    @property
    def rcode(self) -> str:
        return {"nxdomain": "NXDOMAIN", "refused": "REFUSED"}.get(self.kind, "NOERROR")

    def summary(self) -> str:
        if self.kind == "answer":
            return "answer: " + ", ".join(f"{r.rtype} {r.value}" for r in self.answers)
        if self.kind == "referral":
            servers = ", ".join(r.value for r in self.authority)
            return f"referral to {self.authority[0].name} ({servers})" if self.authority else "referral"
        return {"nodata": "no records of that type", "nxdomain": "no such name (NXDOMAIN)",
                "refused": "not my zone (REFUSED)"}[self.kind]


def _parse_records(text: str, origin: str | None) -> list[Record]:
    from dnslib import QTYPE, RR
    from dnslib.dns import DNSError

    try:
        parsed = RR.fromZone(text, origin=origin) if origin else RR.fromZone(text)
    except (DNSError, ValueError, IndexError, KeyError) as error:
        raise ZoneError(f"the zone data could not be read ({error}); write one record per line, "
                        f"like 'www 300 IN A 203.0.113.80'.") from None
    records = []
    for rr in parsed:
        rtype = QTYPE.get(rr.rtype)
        if rtype not in SUPPORTED_TYPES:
            raise ZoneError(f"record type {rtype} ({rr.rname}) is not supported here; use one of "
                            f"{', '.join(SUPPORTED_TYPES)}.")
        records.append(Record.from_rr(rr))
    return records


class Zone:
    """The records of one zone (one SOA), and how its server answers questions about them."""

    def __init__(self, records: Iterable[Record], *, policy: AnswerPolicy | None = None):
        self.records = list(records)
        soas = [r for r in self.records if r.rtype == "SOA"]
        if len(soas) != 1:
            raise ZoneError(f"a zone needs exactly one SOA record (its start of authority); this one has "
                            f"{len(soas)}.")
        self.soa = soas[0]
        self.origin = self.soa.name
        outside = [r for r in self.records if not is_within(r.name, self.origin)]
        if outside:
            raise ZoneError(f"{outside[0].name} is outside the zone {self.origin}; every record of a zone "
                            f"ends with the zone's name.")
        if not any(r.rtype == "NS" and r.name == self.origin for r in self.records):
            raise ZoneError(f"the zone {self.origin} has no NS record naming its own servers; add one like "
                            f"'{self.origin} IN NS ns1.{self.origin.lstrip('.')}'.")
        self.policy = policy or AllRecords()
        self._lock = threading.Lock()
        self._by_name: dict[str, list[Record]] = {}
        for record in self.records:
            self._by_name.setdefault(record.name, []).append(record)

    @classmethod
    def from_text(cls, text: str, *, origin: str | None = None, policy: AnswerPolicy | None = None) -> "Zone":
        import textwrap

        return cls(_parse_records(textwrap.dedent(text).strip() + "\n", absolute(origin) if origin else None),
                   policy=policy)

    def __repr__(self) -> str:
        return f"<Zone {self.origin}: {len(self.records)} records>"

    def text(self) -> str:
        """The zone in zone-file form, one record per line."""
        return "\n".join(str(r) for r in self.records) + "\n"

    @property
    def negative_ttl(self) -> int:
        """How long resolvers may remember "no such name": the SOA's minimum field, capped by its TTL."""
        minimum = int(self.soa.value.split()[-1])
        return min(self.soa.ttl, minimum)

    def delegations(self) -> list[str]:
        """The child zones this zone delegates (names with NS records below the origin)."""
        return sorted({r.name for r in self.records if r.rtype == "NS" and r.name != self.origin},
                      key=lambda n: n[::-1])

    def _glue(self, targets: Iterable[str]) -> list[Record]:
        glue = []
        for target in targets:
            glue += [r for r in self._by_name.get(absolute(target), []) if r.rtype in ADDRESS_TYPES]
        return glue

    def _negative(self, kind: str, question: Question) -> Lookup:
        return Lookup(kind, question, authority=[self.soa.with_ttl(self.negative_ttl)], zone=self.origin)

    def lookup(self, name: str, rtype: str = "A", *, client: str = "", time: float = 0.0) -> Lookup:
        """The authoritative answer to "name, rtype?" from this zone's data."""
        qname = absolute(name)
        rtype = rtype.upper()
        question = Question(qname, rtype, client, time)
        if not is_within(qname, self.origin):
            return Lookup("refused", question, zone=self.origin)
        # A zone cut between the origin and the name: the child zone's servers know, not us.
        for candidate in reversed(parent_names(qname)):
            if candidate == self.origin or not is_within(candidate, self.origin):
                continue
            cut = [r for r in self._by_name.get(candidate, []) if r.rtype == "NS"]
            if cut:
                return Lookup("referral", question, authority=cut,
                              additional=self._glue(r.value for r in cut), zone=self.origin)
        here = self._by_name.get(qname)
        if here is None:
            # A name with no records but names below it (an "empty non-terminal") exists: NODATA.
            if any(other.endswith("." + qname) for other in self._by_name):
                return self._negative("nodata", question)
            return self._negative("nxdomain", question)
        matching = [r for r in here if rtype == "ANY" or r.rtype == rtype]
        if matching:
            with self._lock:
                # NS and SOA records describe the zone itself; a policy only picks among the others.
                chosen = matching if rtype in ("NS", "SOA", "ANY") else self.policy.select(question, matching)
            if not chosen:
                return self._negative("nodata", question)
            additional = self._glue(r.value for r in chosen if r.rtype in ("NS", "MX")) if rtype != "ANY" else []
            if rtype == "MX":
                additional = self._glue(r.value.split()[-1] for r in chosen)
            return Lookup("answer", question, answers=chosen, additional=additional, zone=self.origin)
        cname = [r for r in here if r.rtype == "CNAME"]
        if cname:
            answers = list(cname)
            target = absolute(cname[0].value)
            seen = {qname}
            # Follow the alias while it stays inside this zone, as an authoritative server does.
            while is_within(target, self.origin) and target not in seen and len(answers) < 8:
                seen.add(target)
                found = self.lookup(target, rtype, client=client, time=time)
                if found.kind != "answer":
                    break
                answers += found.answers
                if found.answers[-1].rtype != "CNAME":
                    break
                target = absolute(found.answers[-1].value)
            return Lookup("answer", question, answers=answers, zone=self.origin)
        return self._negative("nodata", question)


class ZoneSet:
    """The zones one server holds; a question goes to the most specific zone containing it."""

    def __init__(self, zones: Iterable[Zone]):
        self.zones = list(zones)
        origins = [z.origin for z in self.zones]
        if not self.zones:
            raise ZoneError("an authoritative server needs at least one zone.")
        if len(set(origins)) != len(origins):
            raise ZoneError(f"two zones have the same origin ({', '.join(origins)}); merge them into one.")

    def lookup(self, name: str, rtype: str = "A", *, client: str = "", time: float = 0.0) -> Lookup:
        qname = absolute(name)
        owners = [z for z in self.zones if is_within(qname, z.origin)]
        if not owners:
            return Lookup("refused", Question(qname, rtype.upper(), client, time))
        best = max(owners, key=lambda z: 0 if z.origin == "." else z.origin.count("."))
        return best.lookup(qname, rtype, client=client, time=time)
