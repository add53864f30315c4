"""Amazon Route 53 as a model: hosted zones, records and routing policies, answering as Route 53 does.

    zone = HostedZone("example.com")                       # NS and SOA records come with it
    zone.simple("www", "A", "203.0.113.10", "203.0.113.20")  # one record, two values
    zone.weighted("app", "A", "203.0.113.10", weight=3, set_id="blue")
    zone.weighted("app", "A", "203.0.113.20", weight=1, set_id="green")
    zone.answer("app.example.com")                         # one answer, with the reason
    zone.simulate("app.example.com", 1000)                 # many answers, counted
    zone.expected_shares("app.example.com")                # what the weights promise

What the model covers, each from the Route 53 Developer Guide:

* hosted zones (public or private) with the four name servers and the SOA record Route 53 creates;
  records of types A, AAAA and CNAME (not at the zone apex, and alone at their name), and alias
  records that point at another record of the zone or at an AWS resource (a load balancer, a
  CloudFront distribution, an S3 website), allowed at the apex, answered with the target's
  addresses and TTL;
* routing policies: **simple** (one record; several values come back in random order and the
  client uses one), **weighted** (weights 0-255, share = weight / sum; weight 0 is never chosen
  unless every weight is 0, or every record with a weight above 0 is unhealthy), **latency** (the
  region with the lowest latency from the resolver's location), **failover** (primary while
  healthy, else secondary);
* health checks: checks every 10 or 30 seconds from many checkers, a failure threshold of 1-10
  consecutive results, healthy while more than 18% of the checkers say so, and the rule that when
  every record of a group is unhealthy, Route 53 answers as if all were healthy;
* the validation errors the console would give (mixed policies, duplicate set IDs, weight 256 ...).

Random choices (simple and weighted answers) come from a ``random.Random`` the caller passes or a
seeded one, so results repeat exactly. Latency figures are illustrative round-trip times, not AWS
measurements (Route 53 uses its own, and they change over time).
"""
from __future__ import annotations

import hashlib
import random
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Iterable, Sequence

from netaddr import AddrFormatError, IPAddress

from helpers.dns.zone import ZoneError, absolute
from helpers.errors import InputError
from helpers.sim.loadbalancer import Table, percent

__all__ = [
    "REGIONS", "LATENCY_MS", "LOCATIONS", "HealthCheck", "Outage", "AwsResource", "Alias", "RecordSet",
    "HostedZone", "Answer", "Tally", "Timeline", "latency_table", "aggregate_health", "through_resolvers",
    "SEED",
]

SEED = 53
RECORD_TYPES = ("A", "AAAA", "CNAME")
POLICIES = ("simple", "weighted", "latency", "failover")
MAX_WEIGHT = 255
MAX_WEIGHTED_RECORDS = 100
HEALTHY_SHARE = 0.18  # healthy while MORE than 18% of the checkers report healthy
ALIAS_RESOURCE_TTL = 60  # Route 53 answers alias records for ELB and CloudFront with TTL 60

# AWS regions used in the course's examples.
REGIONS = {
    "us-east-1": "US East (N. Virginia)",
    "us-west-2": "US West (Oregon)",
    "sa-east-1": "South America (São Paulo)",
    "eu-west-2": "Europe (London)",
    "eu-central-1": "Europe (Frankfurt)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-northeast-2": "Asia Pacific (Seoul)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
}

# Round-trip times (ms) from where a resolver sits to each region: illustrative figures of the
# right size (light in fibre covers about 100 km per millisecond of round trip).
_REGION_ORDER = ("us-east-1", "us-west-2", "sa-east-1", "eu-west-2", "eu-central-1", "ap-northeast-1",
                 "ap-northeast-2", "ap-southeast-2")
_RTTS = {
    "Seoul": (190, 130, 300, 250, 240, 35, 5, 140),
    "Tokyo": (160, 100, 260, 220, 230, 5, 35, 110),
    "Sydney": (200, 140, 310, 270, 280, 110, 140, 5),
    "Frankfurt": (90, 150, 200, 15, 5, 230, 240, 280),
    "London": (75, 140, 190, 5, 15, 220, 250, 270),
    "New York": (8, 70, 120, 75, 90, 160, 190, 200),
    "San Francisco": (65, 20, 180, 140, 150, 105, 130, 140),
    "São Paulo": (120, 180, 5, 190, 200, 260, 300, 310),
}
LATENCY_MS: dict[str, dict[str, int]] = {place: dict(zip(_REGION_ORDER, rtts)) for place, rtts in _RTTS.items()}
LOCATIONS = tuple(LATENCY_MS)


def _choose_from(options: Sequence[str], value, what: str) -> str:
    if value in options:
        return value
    listed = ", ".join(repr(o) for o in options)
    raise InputError(f"{value!r} is not a known {what}; use one of {listed}.")


# ---------------------------------------------------------------------------- health checks

@dataclass(frozen=True)
class Outage:
    """The endpoint fails its health checks from `start` to `end` (None: until further notice),
    as seen by a share of the health checkers (1.0: all of them; 0.5: a network problem that only
    cuts it off from half the checking locations)."""

    start: float
    end: float | None = None
    seen_by: float = 1.0

    def active(self, t: float) -> bool:
        return self.start <= t and (self.end is None or t < self.end)


@dataclass
class HealthCheck:
    """A Route 53 health check of one endpoint, with the endpoint's outages for the simulation.

    Every `interval` seconds (10 or 30) each checker sends a request; a checker changes its view
    after `failure_threshold` consecutive results that disagree with it (1-10, the same number in
    both directions). Route 53 calls the endpoint healthy while more than 18% of the checkers do.
    A new health check counts as healthy until it has data.
    """

    name: str
    endpoint: str
    port: int = 80
    protocol: str = "HTTP"
    path: str = "/health"
    interval: int = 30
    failure_threshold: int = 3
    checkers: int = 16
    outages: list[Outage] = field(default_factory=list)

    def __post_init__(self):
        if self.interval not in (10, 30):
            raise InputError(f"a health check's interval is 10 or 30 seconds (fast or standard), "
                             f"not {self.interval!r}.")
        if isinstance(self.failure_threshold, bool) or not isinstance(self.failure_threshold, int) \
                or not 1 <= self.failure_threshold <= 10:
            raise InputError(f"the failure threshold is a whole number from 1 to 10 (AWS's default is 3); "
                             f"got {self.failure_threshold!r}.")
        if self.protocol not in ("HTTP", "HTTPS", "TCP"):
            raise InputError(f"a health check's protocol is HTTP, HTTPS or TCP, not {self.protocol!r}.")
        _ip(self.endpoint, "A", f"the endpoint of health check {self.name!r}")

    def down(self, start: float, end: float | None = None, *, seen_by: float = 1.0) -> "HealthCheck":
        """Make the endpoint fail from start to end (seconds); returns the check for chaining."""
        if end is not None and end <= start:
            raise InputError(f"an outage must end after it starts ({start} -> {end}).")
        if not 0 < seen_by <= 1:
            raise InputError(f"seen_by is the share of checkers that see the outage, from 0 to 1; got {seen_by!r}.")
        self.outages.append(Outage(float(start), None if end is None else float(end), float(seen_by)))
        return self

    def failing_share(self, t: float) -> float:
        """The share of checkers whose requests fail at time t."""
        return max((o.seen_by for o in self.outages if o.active(t)), default=0.0)

    def rounds(self, until: float) -> list["CheckRound"]:
        """Every round of checks from t=0 to `until`: what the checkers reported and Route 53's verdict."""
        views = [True] * self.checkers  # each checker's current opinion
        streaks = [0] * self.checkers  # consecutive results disagreeing with that opinion
        out = []
        k = 0
        while k * self.interval <= until:
            t = k * self.interval
            failing = self.failing_share(t)
            for i in range(self.checkers):
                passed = i / self.checkers >= failing  # the first `failing` share of checkers fail
                if passed == views[i]:
                    streaks[i] = 0
                else:
                    streaks[i] += 1
                    if streaks[i] >= self.failure_threshold:
                        views[i], streaks[i] = passed, 0
            healthy_share = sum(views) / self.checkers
            out.append(CheckRound(t, 1 - failing, healthy_share, aggregate_health(healthy_share)))
            k += 1
        return out

    def status_at(self, t: float) -> bool:
        """Route 53's verdict at time t (True: healthy)."""
        rounds = self.rounds(t)
        return rounds[-1].healthy if rounds else True

    def describe(self) -> str:
        target = f"{self.protocol} {self.endpoint}:{self.port}" + (self.path if self.protocol != "TCP" else "")
        return (f"health check {self.name}: {target} every {self.interval} s, "
                f"{self.failure_threshold} results in a row change its status")

    def to_config(self) -> dict:
        return {"name": self.name, "endpoint": self.endpoint, "port": self.port, "protocol": self.protocol,
                "path": self.path, "interval": self.interval, "failure_threshold": self.failure_threshold}


@dataclass(frozen=True)
class CheckRound:
    time: float
    passing_share: float  # share of checkers whose request succeeded this round
    healthy_share: float  # share of checkers that consider the endpoint healthy
    healthy: bool  # Route 53's verdict


def aggregate_health(healthy_share: float) -> bool:
    """Route 53's rule: healthy if MORE than 18% of the health checkers report healthy."""
    if not 0 <= healthy_share <= 1:
        raise InputError(f"give the share of checkers as a number from 0 to 1; got {healthy_share!r}.")
    return healthy_share > HEALTHY_SHARE + 1e-12


# ---------------------------------------------------------------------------- records

@dataclass(frozen=True)
class AwsResource:
    """An AWS resource an alias record can point to; Route 53 answers with its current addresses."""

    kind: str  # "load balancer", "CloudFront distribution", "S3 website"
    dns_name: str
    addresses: tuple[str, ...]
    healthy: bool = True  # a load balancer is healthy while any of its targets is

    def __post_init__(self):
        kinds = ("load balancer", "CloudFront distribution", "S3 website")
        _choose_from(kinds, self.kind, "alias target kind")
        if not self.addresses:
            raise InputError(f"the {self.kind} {self.dns_name} needs at least one address.")
        object.__setattr__(self, "addresses", tuple(self.addresses))


@dataclass(frozen=True)
class Alias:
    """Route traffic to another record of the zone (by name) or to an AWS resource."""

    target: str | AwsResource
    evaluate_target_health: bool = False

    def describe(self) -> str:
        target = self.target.dns_name if isinstance(self.target, AwsResource) else self.target
        kind = f" ({self.target.kind})" if isinstance(self.target, AwsResource) else ""
        return f"alias to {target}{kind}"


@dataclass
class RecordSet:
    """One record as the Route 53 console shows it: name, type, routing policy and what it says."""

    name: str
    type: str
    values: tuple[str, ...] = ()
    ttl: int = 300
    policy: str = "simple"
    set_id: str | None = None
    weight: int | None = None
    region: str | None = None
    failover: str | None = None  # "PRIMARY" or "SECONDARY"
    health_check: HealthCheck | None = None
    alias: Alias | None = None

    @property
    def label(self) -> str:
        """How the course names a record in tables: its set ID, or its name for simple records."""
        return self.set_id or self.name

    @property
    def differentiator(self) -> str:
        if self.policy == "weighted":
            return f"weight {self.weight}"
        if self.policy == "latency":
            return self.region
        if self.policy == "failover":
            return self.failover.lower()
        return "-"

    def target_text(self) -> str:
        return self.alias.describe() if self.alias else ", ".join(self.values)


def _ip(value: str, rtype: str, where: str) -> str:
    version = 4 if rtype == "A" else 6
    try:
        address = IPAddress(str(value).strip(), flags=0)
    except (AddrFormatError, ValueError, TypeError):
        address = None
    if address is None or address.version != version:
        example = "203.0.113.10" if version == 4 else "2001:db8::10"
        kind = "an IPv4" if version == 4 else "an IPv6"
        raise InputError(f"{where}: {value!r} is not {kind} address; an {rtype} record holds one like {example}.")
    return str(address)


# ---------------------------------------------------------------------------- answers

@dataclass
class Answer:
    """Route 53's answer to one query: the records (as dig shows them) and why these."""

    name: str
    type: str
    rcode: str = "NOERROR"  # NOERROR, NXDOMAIN
    records: list[tuple[str, int, str, str]] = field(default_factory=list)  # (name, ttl, type, value)
    chosen: list[str] = field(default_factory=list)  # labels of the records that answered
    why: str = ""

    @property
    def values(self) -> list[str]:
        return [value for _, _, rtype, value in self.records if rtype == self.type]

    @property
    def first(self) -> str | None:
        """The value a client uses: the first one of the answer."""
        values = self.values
        return values[0] if values else None

    @property
    def ttl(self) -> int | None:
        return self.records[-1][1] if self.records else None

    def lines(self) -> list[str]:
        if not self.records:
            return [f";; {self.name} {self.type}: {self.rcode if self.rcode != 'NOERROR' else 'no records'}"]
        width = max(len(r[0]) for r in self.records)
        return [f"{n:<{width}}  {ttl:<6} IN  {t:<5} {v}" for n, ttl, t, v in self.records]

    def __repr__(self) -> str:
        return "\n".join(self.lines() + ([f"; {self.why}"] if self.why else []))


@dataclass
class Tally:
    """Many answers to one question, counted by the value clients used (the first one)."""

    name: str
    counts: Counter
    labels: dict[str, str]  # value -> record label
    expected: dict[str, Fraction] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, value: str) -> float:
        return self.counts.get(value, 0) / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, int]:
        order = list(self.expected) + [v for v in self.counts if v not in self.expected]
        return {value: self.counts.get(value, 0) for value in order}

    def table(self) -> Table:
        rows = []
        for value, count in self.as_dict().items():
            expected = self.expected.get(value)
            rows.append([value, self.labels.get(value, "-"), count, percent(count / self.total if self.total else 0, 1),
                         percent(expected, 1) if expected is not None else "-"])
        return Table(["answer", "record", "count", "share", "expected"], rows,
                     title=f"{self.total} answers for {self.name}")

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


@dataclass
class Timeline:
    """What Route 53 answered over time while health checks changed their minds."""

    name: str
    ttl: int
    rows: list[tuple[float, dict[str, bool], dict[str, bool], str, str]]  # t, endpoint up, health, value, label

    def changes(self) -> list[tuple[float, str, str]]:
        """(time, old label, new label) whenever the answer changed."""
        out, last = [], None
        for t, _, _, _, label in self.rows:
            if last is not None and label != last:
                out.append((t, last, label))
            last = label
        return out

    def first_change(self) -> float | None:
        changes = self.changes()
        return changes[0][0] if changes else None

    def summary(self) -> str:
        """When the answer changed, and when the last resolver holding the old answer lets go of it."""
        changes = self.changes()
        if not changes:
            return f"{self.name}: the answer never changed."
        lines = []
        for t, old, new in changes:
            lines.append(f"at {t:g} s Route 53 switched from {old} to {new}; a resolver that cached {old} just "
                         f"before keeps it until {t + self.ttl:g} s (TTL {self.ttl} s)")
        return "\n".join(lines)

    def table(self, every: int = 1) -> Table:
        checks = list(self.rows[0][1]) if self.rows else []
        headers = ["t (s)"] + [f"{c} endpoint" for c in checks] + [f"{c} health check" for c in checks] + ["answer"]
        rows = []
        for index, (t, up, health, value, label) in enumerate(self.rows):
            if index % every and index != len(self.rows) - 1:
                continue
            rows.append([f"{t:g}"] + ["up" if up[c] else "DOWN" for c in checks]
                        + ["healthy" if health[c] else "unhealthy" for c in checks] + [f"{label} ({value})"])
        return Table(headers, rows, title=f"{self.name}: Route 53's answer over time (TTL {self.ttl} s)")

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


# ---------------------------------------------------------------------------- the hosted zone

class HostedZone:
    """A hosted zone: the records of one domain in Route 53, and the answers they give."""

    def __init__(self, domain: str, *, private: bool = False, vpcs: Sequence[str] = ()):
        self.domain = absolute(domain)
        if self.domain == ".":
            raise InputError("a hosted zone is for a domain like 'example.com', not the root.")
        self.private = private
        if private and not vpcs:
            raise InputError("a private hosted zone answers inside VPCs only; name at least one, "
                             "like vpcs=['vpc-0a1b2c3d'].")
        self.vpcs = tuple(vpcs)
        self.records: list[RecordSet] = []
        self.name_servers = self._assign_name_servers()
        self.records.append(RecordSet(self.domain, "NS", tuple(self.name_servers), ttl=172800))
        soa = (f"{self.name_servers[0]} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400")
        self.records.append(RecordSet(self.domain, "SOA", (soa,), ttl=900))

    def _assign_name_servers(self) -> list[str]:
        """Four name servers under four different top-level domains, as Route 53 assigns them (the
        numbers here come from the zone's name, so they repeat)."""
        digest = hashlib.sha256(self.domain.encode()).digest()
        base = int.from_bytes(digest[:2], "big") % 512
        return [f"ns-{base + 512 * i}.awsdns-{(digest[2 + i] % 64):02d}.{tld}."
                for i, tld in enumerate(("org", "co.uk", "com", "net"))]

    def __repr__(self) -> str:
        kind = "private" if self.private else "public"
        return f"<{kind} hosted zone {self.domain}: {len(self.records)} records>"

    # -- names --------------------------------------------------------------------------------
    def fqdn(self, name: str) -> str:
        """'www' -> 'www.example.com.'; '@' or '' -> the apex; full names are checked to be inside."""
        text = str(name).strip()
        if text in ("@", ""):
            return self.domain
        full = absolute(text)
        if full == self.domain or full.endswith("." + self.domain):
            return full
        if not text.endswith("."):
            return absolute(f"{text}.{self.domain}")
        raise InputError(f"{full} is not in the hosted zone {self.domain}; records of this zone end with "
                         f"{self.domain.rstrip('.')}.")

    def group(self, name: str, rtype: str) -> list[RecordSet]:
        full = self.fqdn(name)
        return [r for r in self.records if r.name == full and r.type == rtype]

    # -- adding records -----------------------------------------------------------------------
    def add(self, name: str, rtype: str, values: Iterable[str] | str = (), *, ttl: int = 300,
            weight: int | None = None, region: str | None = None, failover: str | None = None,
            set_id: str | None = None, health_check: HealthCheck | None = None,
            alias: Alias | str | AwsResource | None = None) -> RecordSet:
        """Create a record; the routing policy follows from the arguments given (weight, region or
        failover), as in the Route 53 console. Raises one clear sentence for what Route 53 refuses."""
        full = self.fqdn(name)
        rtype = str(rtype).upper()
        if rtype not in RECORD_TYPES:
            raise InputError(f"this model creates records of types {', '.join(RECORD_TYPES)}; "
                             f"{rtype!r} is not one of them.")
        policy = "simple"
        given = [p for p, v in (("weighted", weight), ("latency", region), ("failover", failover)) if v is not None]
        if len(given) > 1:
            raise InputError(f"a record has one routing policy; you gave {' and '.join(given)} settings at once.")
        if given:
            policy = given[0]
        if isinstance(alias, (str, AwsResource)):
            alias = Alias(alias)
        if isinstance(values, str):
            values = [values]
        values = tuple(values)
        if alias is not None and values:
            raise InputError("an alias record routes to its target; give alias=... or values, not both.")
        if alias is None and not values:
            raise InputError(f"the record {full} {rtype} needs a value, like '203.0.113.10'.")
        if alias is not None and rtype == "CNAME":
            raise InputError("alias records are of type A or AAAA; an alias replaces a CNAME, it is not one.")
        if isinstance(ttl, bool) or not isinstance(ttl, int) or not 0 <= ttl <= 2147483647:
            raise InputError(f"a TTL is a whole number of seconds (0 or more), like 300; got {ttl!r}.")
        if rtype in ("A", "AAAA"):
            values = tuple(_ip(v, rtype, f"{full} {rtype}") for v in values)
        if rtype == "CNAME":
            if full == self.domain:
                raise InputError(f"a CNAME cannot sit at the zone apex ({full}): the apex must keep its NS and "
                                 f"SOA records; use an alias record there instead.")
            if len(values) != 1:
                raise InputError("a CNAME record holds exactly one name (the canonical name it stands for).")
            target = str(values[0]).strip()
            # 'www' is relative to the zone (as in a zone file); a name with dots is a full name.
            values = (absolute(target) if "." in target.rstrip(".") or target.endswith(".")
                      else absolute(f"{target}.{self.domain}"),)
        others = [r for r in self.records if r.name == full]
        if rtype == "CNAME" and any(r.type != "CNAME" for r in others):
            raise InputError(f"{full} already has {others[0].type} records; a CNAME must be the only record at "
                             f"its name.")
        if rtype != "CNAME" and any(r.type == "CNAME" for r in others):
            raise InputError(f"{full} is a CNAME; no other record may share its name.")
        group = [r for r in others if r.type == rtype]
        if group and any(r.policy != policy for r in group):
            raise InputError(f"{full} {rtype} already has {group[0].policy} records; all records with the same "
                             f"name and type share one routing policy.")
        if policy == "simple":
            if group:
                raise InputError(f"{full} {rtype} already exists; a simple record is one record: put several "
                                 f"values in it (edit it) instead of adding a second one.")
            if set_id is not None or health_check is not None:
                raise InputError("simple records have no record ID and no health check; use weighted or "
                                 "failover routing to check health.")
        else:
            if not set_id or not isinstance(set_id, str):
                raise InputError(f"{policy} records need a record ID (set_id) that tells them apart, like "
                                 f"set_id='blue'.")
            if any(r.set_id == set_id for r in group):
                raise InputError(f"{full} {rtype} already has a record with ID {set_id!r}; pick another ID.")
        if policy == "weighted":
            if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= MAX_WEIGHT:
                raise InputError(f"a weight is a whole number from 0 to {MAX_WEIGHT}; got {weight!r}.")
            if len(values) > 1:
                raise InputError("a weighted record holds one value; add one weighted record per value instead.")
            if len(group) >= MAX_WEIGHTED_RECORDS:
                raise InputError(f"a name and type can have at most {MAX_WEIGHTED_RECORDS} weighted records.")
        if policy == "latency":
            region = _choose_from(tuple(REGIONS), region, "AWS region")
            if any(r.region == region for r in group):
                raise InputError(f"{full} {rtype} already has a latency record for {region}; one per region.")
        if policy == "failover":
            role = str(failover).upper()
            if role not in ("PRIMARY", "SECONDARY"):
                raise InputError(f"failover is 'PRIMARY' or 'SECONDARY', not {failover!r}.")
            if any(r.failover == role for r in group):
                raise InputError(f"{full} {rtype} already has a {role.lower()} record; a failover pair has one "
                                 f"primary and one secondary.")
            failover = role
        record = RecordSet(full, rtype, values, ttl, policy, set_id, weight, region, failover, health_check, alias)
        if alias is not None:
            self._alias_target(record)  # refuse unknown targets now, not at query time
        self.records.append(record)
        return record

    def simple(self, name: str, rtype: str, *values: str, ttl: int = 300) -> RecordSet:
        return self.add(name, rtype, values, ttl=ttl)

    def cname(self, name: str, target: str, *, ttl: int = 300) -> RecordSet:
        return self.add(name, "CNAME", [target], ttl=ttl)

    def weighted(self, name: str, rtype: str, value: str | None = None, *, weight: int, set_id: str,
                 ttl: int = 60, health_check: HealthCheck | None = None, alias=None) -> RecordSet:
        return self.add(name, rtype, [value] if value else (), ttl=ttl, weight=weight, set_id=set_id,
                        health_check=health_check, alias=alias)

    def latency(self, name: str, rtype: str, value: str | None = None, *, region: str, set_id: str,
                ttl: int = 60, health_check: HealthCheck | None = None, alias=None) -> RecordSet:
        return self.add(name, rtype, [value] if value else (), ttl=ttl, region=region, set_id=set_id,
                        health_check=health_check, alias=alias)

    def failover_record(self, name: str, rtype: str, value: str | None = None, *, role: str, set_id: str,
                        ttl: int = 60, health_check: HealthCheck | None = None, alias=None) -> RecordSet:
        return self.add(name, rtype, [value] if value else (), ttl=ttl, failover=role, set_id=set_id,
                        health_check=health_check, alias=alias)

    def alias(self, name: str, rtype: str, target: str | AwsResource, *, evaluate_target_health: bool = False,
              **routing) -> RecordSet:
        return self.add(name, rtype, alias=Alias(target, evaluate_target_health), **routing)

    def set_weight(self, name: str, rtype: str, set_id: str, weight: int) -> RecordSet:
        """Change one weighted record's weight (what you do to shift traffic step by step)."""
        record = self._record(name, rtype, set_id)
        if record.policy != "weighted":
            raise InputError(f"{record.label} is a {record.policy} record; only weighted records have weights.")
        if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= MAX_WEIGHT:
            raise InputError(f"a weight is a whole number from 0 to {MAX_WEIGHT}; got {weight!r}.")
        record.weight = weight
        return record

    def remove(self, name: str, rtype: str, set_id: str | None = None) -> None:
        record = self._record(name, rtype, set_id)
        if record.type in ("NS", "SOA") and record.name == self.domain:
            raise InputError("the zone's own NS and SOA records stay as long as the hosted zone exists.")
        self.records.remove(record)

    def _record(self, name: str, rtype: str, set_id: str | None) -> RecordSet:
        group = self.group(name, str(rtype).upper())
        for record in group:
            if record.set_id == set_id or (set_id is None and len(group) == 1):
                return record
        ids = ", ".join(repr(r.set_id) for r in group) or "none"
        raise InputError(f"there is no {rtype} record {self.fqdn(name)} with ID {set_id!r} (IDs: {ids}).")

    # -- showing ------------------------------------------------------------------------------
    def table(self) -> Table:
        """The records the way the Route 53 console lists them."""
        rows = []
        for r in self.records:
            check = r.health_check.name if r.health_check else ("evaluate target health" if r.alias and
                                                                r.alias.evaluate_target_health else "-")
            rows.append([r.name, r.type, r.policy, r.differentiator, r.set_id or "-", r.target_text(),
                         "alias" if r.alias else r.ttl, check])
        return Table(["record name", "type", "routing", "differentiator", "record ID", "value / route traffic to",
                      "TTL", "health check"], rows, title=f"Hosted zone {self.domain}", wrap=40)

    def zone_text(self) -> str:
        """The zone as a zone file: every value a query might get (which one is Route 53's choice)."""
        lines = [f"$ORIGIN {self.domain}"]
        for r in self.records:
            values = r.values if not r.alias else self._alias_target(r)[0]
            note = f" ; {r.policy} {r.set_id} ({r.differentiator})" if r.policy != "simple" else ""
            if r.alias:
                note += f" ; {r.alias.describe()}"
            for value in values:
                lines.append(f"{r.name} {r.ttl if not r.alias else self._alias_target(r)[1]} IN {r.type} {value}{note}")
        return "\n".join(lines) + "\n"

    # -- answering ----------------------------------------------------------------------------
    def _alias_target(self, record: RecordSet, depth: int = 0) -> tuple[list[str], int, bool]:
        """(addresses, ttl, healthy) of an alias record's target."""
        target = record.alias.target
        if isinstance(target, AwsResource):
            return list(target.addresses), ALIAS_RESOURCE_TTL, target.healthy
        full = self.fqdn(target)
        group = [r for r in self.records if r.name == full and r.type == record.type]
        if not group:
            raise InputError(f"the alias target {full} has no {record.type} record in this zone; create it first "
                             f"(an alias to a record must point inside the same hosted zone).")
        if depth > 4:
            raise InputError(f"the alias {record.name} leads through too many aliases.")
        values, ttls = [], []
        for member in group:
            if member.alias:
                sub, ttl, _ = self._alias_target(member, depth + 1)
                values += sub
                ttls.append(ttl)
            else:
                values += list(member.values)
                ttls.append(member.ttl)
        return list(dict.fromkeys(values)), min(ttls), True

    def _healthy(self, record: RecordSet, time: float, health) -> bool:
        if record.health_check is not None:
            return bool(health(record.health_check, time))
        if record.alias is not None and record.alias.evaluate_target_health:
            return self._alias_target(record)[2]
        return True  # no health check: always healthy

    def answer(self, name: str, rtype: str = "A", *, location: str | None = None, time: float = 0.0,
               rng: random.Random | None = None,
               health: Callable[[HealthCheck, float], bool] | None = None) -> Answer:
        """Route 53's answer to one query for (name, type).

        location: where the querying resolver is (a key of LATENCY_MS), for latency records;
        time: seconds on the health checks' clock; rng: the random source for simple and weighted
        answers; health: (check, time) -> healthy, to use real health checks instead of the model's.
        """
        rtype = str(rtype).upper()
        full = self.fqdn(name)
        rng = rng if rng is not None else random.Random(SEED)
        health = health or (lambda check, t: check.status_at(t))
        at_name = [r for r in self.records if r.name == full]
        if not at_name:
            below = any(r.name.endswith("." + full) for r in self.records)
            return Answer(full, rtype, "NOERROR" if below else "NXDOMAIN",
                          why="the name has no records" + (" (but names below it do)" if below else ""))
        group = [r for r in at_name if r.type == rtype]
        if not group:
            cname = [r for r in at_name if r.type == "CNAME"]
            if cname:
                target = cname[0].values[0]
                head = (full, cname[0].ttl, "CNAME", target)
                if target == self.domain or target.endswith("." + self.domain):
                    rest = self.answer(target, rtype, location=location, time=time, rng=rng, health=health)
                    return Answer(full, rtype, rest.rcode, [head] + rest.records, rest.chosen,
                                  f"{full} is an alias name (CNAME) of {target}; " + rest.why)
                return Answer(full, rtype, "NOERROR", [head],
                              why=f"CNAME to {target}, outside this zone: the resolver asks for it next")
            return Answer(full, rtype, "NOERROR", why=f"{full} has no {rtype} record (NODATA)")
        policy = group[0].policy
        if policy == "simple":
            chosen, why = group[0], ""
        elif policy == "weighted":
            chosen, why = self._pick_weighted(group, time, rng, health)
        elif policy == "latency":
            chosen, why = self._pick_latency(group, location, time, health)
        else:
            chosen, why = self._pick_failover(group, time, health)
        if chosen.alias is not None:
            values, ttl, _ = self._alias_target(chosen)
            why = (why + "; " if why else "") + f"{chosen.alias.describe()} answers with its addresses"
        else:
            values, ttl = list(chosen.values), chosen.ttl
        if len(values) > 1:
            values = rng.sample(values, len(values))
            if policy == "simple":
                why = f"simple: all {len(values)} values in random order; the client uses one (usually the first)"
        elif policy == "simple":
            why = "simple: the record's only value"
        records = [(full, ttl, rtype, v) for v in values]
        return Answer(full, rtype, "NOERROR", records, [chosen.label], why)

    def _pick_weighted(self, group, time, rng, health) -> tuple[RecordSet, str]:
        pool, note = self._weighted_pool(group, time, health)
        total = sum(r.weight for r in pool)
        if total == 0:  # every candidate has weight 0: all equally likely
            chosen = pool[int(rng.random() * len(pool))]
            return chosen, f"weighted: every candidate has weight 0, so each is equally likely{note}"
        point = rng.random() * total
        running = 0
        for record in pool:
            running += record.weight
            if point < running:
                return record, f"weighted: {record.label} (weight {record.weight} of {total}){note}"
        return pool[-1], f"weighted: {pool[-1].label} (weight {pool[-1].weight} of {total}){note}"

    def _weighted_pool(self, group, time, health) -> tuple[list[RecordSet], str]:
        """The records a weighted answer is drawn from (AWS: nonzero weights first, zero weights only
        when every nonzero record is unhealthy; all unhealthy counts as all healthy)."""
        healthy = [r for r in group if self._healthy(r, time, health)]
        note = ""
        if not healthy:
            healthy, note = list(group), "; every record is unhealthy, so Route 53 treats them all as healthy"
        nonzero = [r for r in healthy if r.weight > 0]
        if nonzero:
            return nonzero, note
        if any(r.weight > 0 for r in group) and not note:
            note = "; every record with a weight above 0 is unhealthy, so the weight-0 records answer"
        return healthy, note

    def _pick_latency(self, group, location, time, health) -> tuple[RecordSet, str]:
        if location is None:
            raise InputError("latency routing answers by where the resolver is; pass location=, one of "
                             + ", ".join(repr(p) for p in LOCATIONS) + ".")
        location = _choose_from(LOCATIONS, location, "resolver location")
        ranked = sorted(group, key=lambda r: (LATENCY_MS[location][r.region], r.region))
        healthy = [r for r in ranked if self._healthy(r, time, health)]
        chosen = (healthy or ranked)[0]
        why = f"latency: from {location}, {chosen.region} is {LATENCY_MS[location][chosen.region]} ms away"
        if healthy and chosen is not ranked[0]:
            why += f" ({ranked[0].region} would be closer but is unhealthy)"
        elif not healthy:
            why += " (every record is unhealthy, so all count as healthy)"
        return chosen, why

    def _pick_failover(self, group, time, health) -> tuple[RecordSet, str]:
        primary = next((r for r in group if r.failover == "PRIMARY"), None)
        secondary = next((r for r in group if r.failover == "SECONDARY"), None)
        if primary is None or secondary is None:
            missing = "primary" if primary is None else "secondary"
            only = (primary or secondary)
            return only, f"failover: there is no {missing} record yet, so {only.label} answers"
        if self._healthy(primary, time, health):
            return primary, "failover: the primary is healthy"
        if self._healthy(secondary, time, health):
            return secondary, "failover: the primary is unhealthy, so the secondary answers"
        return primary, "failover: both are unhealthy, so Route 53 treats both as healthy and answers the primary"

    # -- many answers -------------------------------------------------------------------------
    def simulate(self, name: str, n: int = 1000, rtype: str = "A", *, location: str | None = None,
                 time: float = 0.0, seed: int = SEED) -> Tally:
        """n queries, counted by the value a client uses (the first of each answer)."""
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 1_000_000:
            raise InputError(f"n is how many queries to simulate: a whole number from 1 to 1000000; got {n!r}.")
        rng = random.Random(seed)
        counts: Counter = Counter()
        labels = {}
        for record in self.group(name, str(rtype).upper()):
            for value in (self._alias_target(record)[0] if record.alias else record.values):
                labels[value] = record.label
        for _ in range(n):
            answer = self.answer(name, rtype, location=location, time=time, rng=rng)
            if answer.first is None:
                raise InputError(f"{self.fqdn(name)} has no {rtype} answer to count ({answer.why}).")
            counts[answer.first] += 1
            labels.setdefault(answer.first, answer.chosen[0] if answer.chosen else "-")
        expected = self.expected_shares(name, rtype, location=location, time=time)
        return Tally(self.fqdn(name), counts, labels, expected)

    def expected_shares(self, name: str, rtype: str = "A", *, location: str | None = None,
                        time: float = 0.0) -> dict[str, Fraction]:
        """The share of answers each value should get as the first value, worked out exactly."""
        rtype = str(rtype).upper()
        group = self.group(name, rtype)
        if not group:
            return {}
        health = lambda check, t: check.status_at(t)  # noqa: E731
        policy = group[0].policy
        if policy == "weighted":
            pool, _ = self._weighted_pool(group, time, health)
            total = sum(r.weight for r in pool)
            shares: dict[str, Fraction] = {}
            for record in group:
                share = Fraction(0)
                if record in pool:
                    share = Fraction(record.weight, total) if total else Fraction(1, len(pool))
                values = self._alias_target(record)[0] if record.alias else list(record.values)
                for value in values:
                    shares[value] = shares.get(value, Fraction(0)) + share / len(values)
            return shares
        if policy == "simple":
            values = self._alias_target(group[0])[0] if group[0].alias else list(group[0].values)
            return {v: Fraction(1, len(values)) for v in values}
        if policy == "latency":
            chosen, _ = self._pick_latency(group, location, time, health)
        else:
            chosen, _ = self._pick_failover(group, time, health)
        out = {}
        for record in group:
            values = self._alias_target(record)[0] if record.alias else list(record.values)
            for value in values:
                out[value] = Fraction(1, len(values)) if record is chosen else Fraction(0)
        return out

    def timeline(self, name: str, rtype: str = "A", *, until: float, step: float = 10,
                 location: str | None = None, seed: int = SEED) -> Timeline:
        """Route 53's answer every `step` seconds from 0 to `until`, with each health check's view."""
        if until <= 0 or step <= 0:
            raise InputError("until and step are positive numbers of seconds, like until=300, step=10.")
        group = self.group(name, str(rtype).upper())
        if not group:
            raise InputError(f"{self.fqdn(name)} has no {rtype} records to follow over time.")
        checks = {r.health_check.name: r.health_check for r in group if r.health_check}
        rng = random.Random(seed)
        rows = []
        t = 0.0
        while t <= until + 1e-9:
            up = {n: c.failing_share(t) == 0 for n, c in checks.items()}
            status = {n: c.status_at(t) for n, c in checks.items()}
            answer = self.answer(name, rtype, location=location, time=t, rng=rng)
            rows.append((round(t, 6), up, status, answer.first, answer.chosen[0] if answer.chosen else "-"))
            t += step
        return Timeline(self.fqdn(name), group[0].ttl if not group[0].alias else ALIAS_RESOURCE_TTL, rows)

    # -- the live server's configuration ------------------------------------------------------
    def to_config(self) -> dict:
        """The zone as JSON-able data (helpers.dnspolicy rebuilds it inside a lab node)."""
        records = []
        for r in self.records:
            if r.type in ("NS", "SOA"):
                continue
            if r.alias is not None:
                raise InputError("the live policy server serves plain records; give alias records' addresses "
                                 "as values instead.")
            records.append({"name": r.name, "type": r.type, "values": list(r.values), "ttl": r.ttl,
                            "weight": r.weight, "region": r.region, "failover": r.failover, "set_id": r.set_id,
                            "health_check": r.health_check.name if r.health_check else None})
        checks = {r.health_check.name: r.health_check.to_config() for r in self.records if r.health_check}
        return {"zone": self.domain, "records": records, "health_checks": list(checks.values())}

    @classmethod
    def from_config(cls, config: dict) -> "HostedZone":
        zone = cls(config["zone"])
        checks = {c["name"]: HealthCheck(**c) for c in config.get("health_checks", [])}
        for r in config.get("records", []):
            zone.add(r["name"], r["type"], r["values"], ttl=r["ttl"], weight=r.get("weight"),
                     region=r.get("region"), failover=r.get("failover"), set_id=r.get("set_id"),
                     health_check=checks.get(r["health_check"]) if r.get("health_check") else None)
        return zone


# ---------------------------------------------------------------------------- more views

def latency_table(locations: Sequence[str] = LOCATIONS, regions: Sequence[str] | None = None) -> Table:
    """Round-trip times (ms) from resolver locations to regions; the lowest of each row marked *."""
    regions = list(regions or _REGION_ORDER)
    for region in regions:
        _choose_from(tuple(REGIONS), region, "AWS region")
    rows = []
    for place in locations:
        _choose_from(LOCATIONS, place, "resolver location")
        best = min(regions, key=lambda r: LATENCY_MS[place][r])
        rows.append([place] + [f"{LATENCY_MS[place][r]}{'*' if r == best else ''}" for r in regions])
    return Table(["from \\ to"] + regions, rows, title="Round trip (ms) from a resolver's location to a region")


def through_resolvers(zone: HostedZone, name: str, users_per_resolver: Sequence[int], *, rtype: str = "A",
                      seed: int = SEED) -> dict[str, Fraction]:
    """The share of USERS each value gets when users sit behind caching resolvers.

    Each resolver asks Route 53 once and hands the cached answer to all its users until the TTL
    runs out, so weights split resolvers, not users: one big resolver moves a big block of users.
    """
    sizes = list(users_per_resolver)
    if not sizes or any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in sizes) or sum(sizes) == 0:
        raise InputError("users_per_resolver is a list of user counts, one per resolver, like [500, 100, 100].")
    rng = random.Random(seed)
    users: Counter = Counter()
    for size in sizes:
        users[zone.answer(name, rtype, rng=rng).first] += size
    total = sum(sizes)
    order = list(zone.expected_shares(name, rtype))
    return {v: Fraction(users.get(v, 0), total) for v in order}
