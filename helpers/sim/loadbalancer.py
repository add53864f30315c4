"""A model of AWS Elastic Load Balancing, small enough to read and faithful where it matters.

    alb = LoadBalancer("shop", kind="alb", azs=("a", "b"))
    web = alb.add_target_group("web", [Target("web1", "10.0.1.11", "a"), Target("web2", "10.0.2.12", "b")])
    api = alb.add_target_group("api", [Target("api1", "10.0.1.21", "a")])
    http = alb.add_listener("HTTP", 80, default="web")
    http.add_rule(10, [path("/api/*")], forward="api")
    alb.route(Request(path="/api/orders"))      # a Decision: the five steps, the target, what it sees
    alb.simulate(1000)                          # per-target counts of many requests

What the model covers, each from the AWS documentation:

* listeners (protocol, port, certificate), rules evaluated by priority with ALB conditions
  (path, host, header, query string, method, source IP; ``*`` and ``?`` wildcards), and actions
  (forward, fixed response, redirect);
* target groups of targets in Availability Zones, with health checks (interval, timeout,
  healthy/unhealthy thresholds, path, success codes) and a timeline of what they decide;
* algorithms: round robin, least outstanding requests, flow hash (NLB, GWLB);
* stickiness: a duration-based cookie (ALB ``AWSALB``, CLB ``AWSELB``) or source-IP affinity (NLB);
* cross-zone load balancing (on by default for ALB, off for NLB and GWLB) and its arithmetic;
* what a target sees: the client's own address (NLB keeps it) or the load balancer's address
  with the client in ``X-Forwarded-For`` (ALB, CLB); TLS ended at the load balancer or passed on;
* the four types compared in one table built from the same specs that drive the behaviour.

The model is deterministic: the same configuration and requests give the same decisions.
"""
from __future__ import annotations

import hashlib
import heapq
import html
import re
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterable, Sequence

from netaddr import AddrFormatError, IPAddress, IPNetwork, IPSet

from helpers import addressing
from helpers.errors import InputError

__all__ = [
    "LbType", "TYPES", "Target", "HealthCheck", "Stickiness", "TargetGroup", "Condition", "Rule",
    "Forward", "FixedResponse", "Redirect", "Listener", "Request", "Decision", "LoadBalancer",
    "Simulation", "Table", "CrossZoneShares", "HealthTimeline", "path", "host", "header", "query",
    "method", "source_ip", "cross_zone_shares", "types_table", "health_timeline", "compare_counts",
]


# ---------------------------------------------------------------------------- a small table

class Table:
    """Rows with a header, shown aligned as text and as an HTML table."""

    def __init__(self, headers: Sequence[str], rows: Iterable[Sequence], title: str = "", *, wrap: int = 30):
        self.headers = [str(h) for h in headers]
        self.rows = [[str(c) for c in row] for row in rows]
        self.title = title
        self.wrap = wrap

    def column(self, name: str) -> list[str]:
        index = self.headers.index(name)
        return [row[index] for row in self.rows]

    def row(self, first: str) -> list[str]:
        """The row whose first cell is `first`."""
        for row in self.rows:
            if row[0] == first:
                return row
        raise KeyError(first)

    def __repr__(self) -> str:
        # Long cells wrap inside their column, so wide tables stay readable as plain text.
        table = [[textwrap.wrap(cell, self.wrap) or [""] for cell in row] for row in [self.headers] + self.rows]
        widths = [max(len(line) for row in table for line in row[i]) for i in range(len(self.headers))]
        lines = [self.title] if self.title else []
        for number, row in enumerate(table):
            for k in range(max(len(cell) for cell in row)):
                parts = [(cell[k] if k < len(cell) else "").ljust(w) for cell, w in zip(row, widths)]
                lines.append("  ".join(parts).rstrip())
            if number == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in self.headers)
        body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{html.escape(c)}</td>" for c in row)
                       + "</tr>" for row in self.rows)
        title = f"<b>{html.escape(self.title)}</b>" if self.title else ""
        return f"{title}<table><tr>{head}</tr>{body}</table>"


def percent(share: Fraction | float, digits: int = 2) -> str:
    """12.5% for 1/8; trailing zeros dropped (25%, 6.25%, 33.33%)."""
    text = f"{float(share) * 100:.{digits}f}".rstrip("0").rstrip(".")
    return f"{text}%"


# ---------------------------------------------------------------------------- the four types

@dataclass(frozen=True)
class LbType:
    """What one kind of load balancer can do; the model's behaviour and the comparison table read it."""

    key: str
    short: str
    name: str
    layer: str
    listener_protocols: tuple[str, ...]
    target_protocols: tuple[str, ...]
    conditions: tuple[str, ...]  # rule conditions a listener rule may use (empty: no rules)
    algorithms: tuple[str, ...]
    cross_zone_default: bool
    cross_zone_note: str
    client_ip: str  # "forwarded-for" (target sees the LB, client in a header), "preserved", "transparent"
    static_ip: str
    stickiness: str  # "cookie", "source-ip" or "flow"
    sticky_cookie: str | None
    tls_listeners: tuple[str, ...]  # listener protocols that end TLS at the load balancer
    health_protocols: tuple[str, ...]
    health_defaults: dict
    min_azs: int
    inter_az_charged: bool
    good_for: str
    algorithm_text: str = ""  # when the choice is not a setting


ALGORITHM_NAMES = {
    "round_robin": "round robin",
    "least_outstanding_requests": "least outstanding requests",
    "flow_hash": "flow hash",
}

CONDITION_FIELDS = ("path-pattern", "host-header", "http-header", "query-string", "http-request-method",
                    "source-ip")

TYPES: dict[str, LbType] = {
    "clb": LbType(
        key="clb", short="CLB", name="Classic Load Balancer", layer="L4 and L7 (previous generation)",
        listener_protocols=("HTTP", "HTTPS", "TCP", "SSL"), target_protocols=("HTTP", "HTTPS", "TCP", "SSL"),
        conditions=(), algorithms=("round_robin", "least_outstanding_requests"),
        cross_zone_default=True, cross_zone_note="on when created in the console, off through the API/CLI",
        client_ip="forwarded-for", static_ip="no (a DNS name)", stickiness="cookie", sticky_cookie="AWSELB",
        tls_listeners=("HTTPS", "SSL"), health_protocols=("HTTP", "HTTPS", "TCP", "SSL"),
        health_defaults=dict(protocol="HTTP", path="/index.html", interval=30, timeout=5,
                             healthy_threshold=10, unhealthy_threshold=2),
        min_azs=1, inter_az_charged=False,
        good_for="old EC2-Classic era applications; choose ALB or NLB for anything new",
        algorithm_text="round robin (TCP listeners), least outstanding requests (HTTP listeners)"),
    "alb": LbType(
        key="alb", short="ALB", name="Application Load Balancer", layer="L7 (HTTP, HTTPS)",
        listener_protocols=("HTTP", "HTTPS"), target_protocols=("HTTP", "HTTPS"),
        conditions=CONDITION_FIELDS, algorithms=("round_robin", "least_outstanding_requests"),
        cross_zone_default=True, cross_zone_note="always on at the load balancer; can be turned off per target group",
        client_ip="forwarded-for", static_ip="no (a DNS name; addresses change)", stickiness="cookie",
        sticky_cookie="AWSALB", tls_listeners=("HTTPS",), health_protocols=("HTTP", "HTTPS"),
        health_defaults=dict(protocol="HTTP", path="/", interval=30, timeout=5, healthy_threshold=5,
                             unhealthy_threshold=2),
        min_azs=2, inter_az_charged=False,
        good_for="web sites and APIs: routing by path, host, header or query; microservices, containers"),
    "nlb": LbType(
        key="nlb", short="NLB", name="Network Load Balancer", layer="L4 (TCP, UDP, TLS)",
        listener_protocols=("TCP", "UDP", "TLS", "TCP_UDP"), target_protocols=("TCP", "UDP", "TLS", "TCP_UDP"),
        conditions=(), algorithms=("flow_hash",),
        cross_zone_default=False, cross_zone_note="off by default; can be turned on",
        client_ip="preserved", static_ip="yes: one per AZ, can be an Elastic IP", stickiness="source-ip",
        sticky_cookie=None, tls_listeners=("TLS",), health_protocols=("TCP", "HTTP", "HTTPS"),
        health_defaults=dict(protocol="TCP", path="/", interval=30, timeout=10, healthy_threshold=5,
                             unhealthy_threshold=2),
        min_azs=1, inter_az_charged=True,
        good_for="very high throughput, any TCP/UDP protocol, static addresses, keeping the client IP"),
    "gwlb": LbType(
        key="gwlb", short="GWLB", name="Gateway Load Balancer", layer="L3 (IP packets, GENEVE to appliances)",
        listener_protocols=("IP",), target_protocols=("GENEVE",),
        conditions=(), algorithms=("flow_hash",),
        cross_zone_default=False, cross_zone_note="off by default; can be turned on",
        client_ip="transparent", static_ip="no (reached through GWLB endpoints in route tables)",
        stickiness="flow", sticky_cookie=None, tls_listeners=(), health_protocols=("TCP", "HTTP", "HTTPS"),
        health_defaults=dict(protocol="TCP", path="/", interval=10, timeout=5, healthy_threshold=5,
                             unhealthy_threshold=2),
        min_azs=1, inter_az_charged=True,
        good_for="a fleet of third-party firewalls or inspection appliances in the traffic path"),
}

_CLIENT_IP_TEXT = {
    "forwarded-for": "the LB's address; the client's is in X-Forwarded-For",
    "preserved": "the client's own address",
    "transparent": "the original packet, unchanged (wrapped in GENEVE)",
}
_STICKY_TEXT = {"cookie": "duration cookie {cookie}", "source-ip": "by source IP", "flow": "by flow (5-tuple)"}


def a_an(name: str) -> str:
    """'an Application Load Balancer', 'a Network Load Balancer', 'an ALB', 'an NLB', 'a CLB'."""
    spoken_vowel = name[:1] in "AEIOU" or name in ("NLB", "ALB")
    return ("an " if spoken_vowel else "a ") + name


def lb_type(kind: str) -> LbType:
    key = str(kind).strip().lower()
    if key not in TYPES:
        raise InputError(f"{kind!r} is not a load balancer type; use one of 'clb', 'alb', 'nlb' or 'gwlb'.")
    return TYPES[key]


def types_table() -> Table:
    """CLB, ALB, NLB and GWLB side by side, read from the same specs the model runs on."""
    specs = [TYPES[k] for k in ("clb", "alb", "nlb", "gwlb")]
    features = [
        ("Works at", lambda t: t.layer),
        ("Listener protocols", lambda t: ", ".join(t.listener_protocols)),
        ("Routes by content", lambda t: ("path, host, header, query, method, source IP" if t.conditions
                                         else "no: port only")),
        ("Picks a target by", lambda t: t.algorithm_text or " or ".join(ALGORITHM_NAMES[a] for a in t.algorithms)),
        ("Target sees as source", lambda t: _CLIENT_IP_TEXT[t.client_ip]),
        ("Static IP", lambda t: t.static_ip),
        ("Cross-zone by default", lambda t: ("on" if t.cross_zone_default else "off")),
        ("Stickiness", lambda t: _STICKY_TEXT[t.stickiness].format(cookie=t.sticky_cookie)),
        ("Ends TLS", lambda t: ("yes: " + ", ".join(t.tls_listeners) + " listeners") if t.tls_listeners
         else "no"),
        ("Health check defaults", lambda t: "{protocol}, every {interval} s, out after {unhealthy_threshold} "
                                            "fails, back after {healthy_threshold} passes".format(**t.health_defaults)),
        ("Good for", lambda t: t.good_for),
    ]
    rows = [[label] + [describe(t) for t in specs] for label, describe in features]
    return Table(["", *(t.short for t in specs)], rows, title="The four Elastic Load Balancing types")


# ---------------------------------------------------------------------------- building blocks

def _address(text, what: str) -> str:
    try:
        return str(addressing.parse_address(text))
    except InputError as error:
        raise InputError(f"{what}: {error}") from None


def _port(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise InputError(f"{what} {value!r} is not a port; use a whole number from 1 to 65535.")
    return value


@dataclass
class Target:
    """An instance (or IP address) that serves requests, in one Availability Zone."""

    id: str
    ip: str
    az: str
    port: int = 80

    def __post_init__(self):
        if not isinstance(self.id, str) or not self.id.strip():
            raise InputError("a target needs a name (id) such as 'web1'.")
        if not isinstance(self.az, str) or not self.az.strip():
            raise InputError(f"target {self.id} needs an Availability Zone such as 'a'.")
        self.ip = _address(self.ip, f"the address of target {self.id}")
        self.port = _port(self.port, f"the port of target {self.id}")


@dataclass
class HealthCheck:
    """How a target group tests its targets (names follow the AWS API, in seconds)."""

    protocol: str = "HTTP"
    path: str = "/"
    interval: float = 30
    timeout: float = 5
    healthy_threshold: int = 5
    unhealthy_threshold: int = 2
    success_codes: tuple[int, ...] = (200,)

    def __post_init__(self):
        self.protocol = str(self.protocol).upper()
        if not 5 <= self.interval <= 300:
            raise InputError(f"health check interval {self.interval!r} s is outside 5-300 s; AWS allows 5 to 300.")
        if not 2 <= self.timeout <= 120:
            raise InputError(f"health check timeout {self.timeout!r} s is outside 2-120 s; AWS allows 2 to 120.")
        if self.timeout >= self.interval:
            raise InputError(f"health check timeout ({self.timeout} s) must be shorter than the interval "
                             f"({self.interval} s); lower the timeout or raise the interval.")
        for name in ("healthy_threshold", "unhealthy_threshold"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 2 <= value <= 10:
                raise InputError(f"{name} {value!r} is outside 2-10; it counts consecutive checks, from 2 to 10.")
        if self.protocol in ("HTTP", "HTTPS") and not str(self.path).startswith("/"):
            raise InputError(f"health check path {self.path!r} should start with '/', like '/health'.")

    def time_to_unhealthy(self) -> tuple[float, float]:
        """After a target fails: the earliest and latest time until it is taken out (seconds)."""
        return ((self.unhealthy_threshold - 1) * self.interval, self.unhealthy_threshold * self.interval)

    def time_to_healthy(self) -> tuple[float, float]:
        """After a target recovers: the earliest and latest time until it gets traffic again."""
        return ((self.healthy_threshold - 1) * self.interval, self.healthy_threshold * self.interval)

    def describe(self) -> str:
        what = f"{self.protocol} {self.path}" if self.protocol in ("HTTP", "HTTPS") else self.protocol
        return (f"{what} every {self.interval:g} s (timeout {self.timeout:g} s); out after "
                f"{self.unhealthy_threshold} failures in a row, back after {self.healthy_threshold} passes")


@dataclass
class Stickiness:
    """Keep a client on one target: a duration-based cookie (ALB, CLB) or source-IP affinity (NLB)."""

    duration: int = 86400  # seconds the cookie lives; AWS allows 1 second to 7 days, default 1 day

    def __post_init__(self):
        if isinstance(self.duration, bool) or not isinstance(self.duration, int) or not 1 <= self.duration <= 604800:
            raise InputError(f"stickiness duration {self.duration!r} is outside 1-604800 s (1 second to 7 days).")


@dataclass
class TargetGroup:
    """Targets that do the same job, the health check that tests them, and how one is picked."""

    name: str
    protocol: str
    port: int
    targets: list[Target]
    health_check: HealthCheck
    algorithm: str
    stickiness: Stickiness | None = None
    cross_zone: bool | None = None  # None: follow the load balancer
    preserve_client_ip: bool = False

    def target(self, target_id: str) -> Target:
        for target in self.targets:
            if target.id == target_id:
                return target
        names = ", ".join(t.id for t in self.targets) or "none"
        raise InputError(f"target group {self.name} has no target {target_id!r}; its targets are: {names}.")

    def register(self, target: Target) -> Target:
        if not isinstance(target, Target):
            raise InputError("register() takes a Target, like Target('web4', '10.0.1.14', 'a').")
        if any(t.id == target.id for t in self.targets):
            raise InputError(f"target group {self.name} already has a target called {target.id}.")
        self.targets.append(target)
        return target

    def deregister(self, target_id: str) -> None:
        self.targets.remove(self.target(target_id))


# ---------------------------------------------------------------------------- rules

def _wildcard(pattern: str, *, ignore_case: bool) -> re.Pattern:
    """AWS rule patterns: '*' is any run of characters, '?' exactly one; the rest is literal."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(f"^{body}$", re.IGNORECASE if ignore_case else 0)


@dataclass(frozen=True)
class Condition:
    """One rule condition; it matches when any of its values matches (values are ORed)."""

    field: str
    values: tuple[str, ...]
    name: str | None = None  # the header name, for http-header

    def __post_init__(self):
        if self.field not in CONDITION_FIELDS:
            raise InputError(f"{self.field!r} is not a rule condition; use one of {', '.join(CONDITION_FIELDS)}.")
        if not self.values:
            raise InputError(f"a {self.field} condition needs at least one value.")
        if self.field == "source-ip":
            for value in self.values:
                try:
                    IPNetwork(value)
                except (AddrFormatError, ValueError, TypeError):
                    raise InputError(f"source-ip value {value!r} is not a network like '203.0.113.0/24'.") from None

    def matches(self, request: "Request") -> bool:
        if self.field == "path-pattern":
            return any(_wildcard(v, ignore_case=False).match(request.path) for v in self.values)
        if self.field == "host-header":
            return any(_wildcard(v, ignore_case=True).match(request.host) for v in self.values)
        if self.field == "http-header":
            seen = request.header(self.name)
            return seen is not None and any(_wildcard(v, ignore_case=True).match(seen) for v in self.values)
        if self.field == "http-request-method":
            return request.method in self.values
        if self.field == "query-string":
            for value in self.values:
                key, _, wanted = value.rpartition("=")
                for got_key, got_value in request.query.items():
                    key_ok = not key or _wildcard(key, ignore_case=True).match(got_key)
                    if key_ok and _wildcard(wanted, ignore_case=True).match(str(got_value)):
                        return True
            return False
        # source-ip
        return IPAddress(request.client_ip) in IPSet(self.values)

    def describe(self) -> str:
        values = " or ".join(self.values)
        if self.field == "http-header":
            return f"header {self.name} is {values}"
        if self.field == "query-string":
            return f"query has {values}"
        return f"{self.field} {values}"


def _values(values: tuple, field_name: str) -> tuple[str, ...]:
    if not values:
        raise InputError(f"{field_name}() needs at least one value, like {field_name}('/api/*').")
    for value in values:
        if not isinstance(value, str) or not value:
            raise InputError(f"{field_name}() takes text values; {value!r} is not one.")
    return tuple(values)


def path(*patterns: str) -> Condition:
    """Path condition: path('/api/*', '/v?/orders'). Case-sensitive, like AWS."""
    return Condition("path-pattern", _values(patterns, "path"))


def host(*patterns: str) -> Condition:
    """Host condition: host('api.example.com', '*.shop.example'). Case-insensitive."""
    return Condition("host-header", _values(patterns, "host"))


def header(name: str, *patterns: str) -> Condition:
    """Header condition: header('User-Agent', '*Mobile*')."""
    if not isinstance(name, str) or not name:
        raise InputError("header() needs the header's name first, like header('User-Agent', '*Mobile*').")
    return Condition("http-header", _values(patterns, "header"), name=name)


def query(*pairs: str) -> Condition:
    """Query-string condition: query('version=v2') or query('debug=*'); a key is optional ('=v2')."""
    return Condition("query-string", _values(pairs, "query"))


def method(*names: str) -> Condition:
    return Condition("http-request-method", _values(names, "method"))


def source_ip(*networks: str) -> Condition:
    return Condition("source-ip", _values(networks, "source_ip"))


@dataclass(frozen=True)
class Forward:
    target_group: str

    def describe(self) -> str:
        return f"forward to target group {self.target_group}"


@dataclass(frozen=True)
class FixedResponse:
    status: int = 404
    body: str = "Not Found"

    def describe(self) -> str:
        return f"fixed response {self.status}"


@dataclass(frozen=True)
class Redirect:
    protocol: str = "HTTPS"
    port: int = 443
    status: int = 301

    def describe(self) -> str:
        return f"redirect ({self.status}) to {self.protocol}:{self.port}"


Action = Forward | FixedResponse | Redirect


@dataclass
class Rule:
    priority: int
    conditions: tuple[Condition, ...]
    action: Action

    def matches(self, request: "Request") -> bool:
        return all(c.matches(request) for c in self.conditions)

    def describe(self) -> str:
        return f"rule {self.priority} ({' and '.join(c.describe() for c in self.conditions)})"


@dataclass
class Listener:
    """A protocol and port the load balancer accepts connections on, with its rules."""

    balancer: "LoadBalancer"
    protocol: str
    port: int
    default: Action
    certificate: str | None = None
    rules: list[Rule] = field(default_factory=list)

    @property
    def label(self) -> str:
        return "IP (all ports)" if self.protocol == "IP" else f"{self.protocol}:{self.port}"

    def add_rule(self, priority: int, conditions: Sequence[Condition], *, forward: str | None = None,
                 fixed_response: int | None = None, redirect: str | None = None) -> Rule:
        """A rule: the first rule (lowest priority number) whose conditions all match decides."""
        kind = self.balancer.type
        if not kind.conditions:
            raise InputError(f"{a_an(kind.name)} has no listener rules (it does not read requests); only an "
                             f"Application Load Balancer routes by path, host, header or query.")
        if isinstance(priority, bool) or not isinstance(priority, int) or not 1 <= priority <= 50000:
            raise InputError(f"rule priority {priority!r} is outside 1-50000; lower numbers are evaluated first.")
        if any(r.priority == priority for r in self.rules):
            raise InputError(f"listener {self.label} already has a rule with priority {priority}; "
                             f"each rule needs its own number.")
        if isinstance(conditions, Condition):
            conditions = [conditions]
        if not conditions or not all(isinstance(c, Condition) for c in conditions):
            raise InputError("a rule needs a list of conditions, like [path('/api/*')].")
        action = self.balancer._action(forward=forward, fixed_response=fixed_response, redirect=redirect)
        rule = Rule(priority, tuple(conditions), action)
        self.rules.append(rule)
        self.rules.sort(key=lambda r: r.priority)
        return rule


# ---------------------------------------------------------------------------- requests and decisions

@dataclass(frozen=True)
class Request:
    """One request (or, for L4 listeners, one new connection) from a client."""

    path: str = "/"
    host: str = "shop.example"
    method: str = "GET"
    protocol: str = "HTTP"  # what the client speaks: HTTP, HTTPS, TCP, UDP
    port: int = 80
    headers: tuple[tuple[str, str], ...] = ()
    query: dict = field(default_factory=dict, hash=False)
    cookies: dict = field(default_factory=dict, hash=False)
    client_ip: str = "203.0.113.10"
    client_port: int = 40001
    time: float = 0.0  # seconds, for cookie expiry
    az: str | None = None  # which load balancer node DNS gave the client; None: DNS round robin

    def __post_init__(self):
        protocol = str(self.protocol).upper()
        if protocol not in ("HTTP", "HTTPS", "TCP", "UDP", "TLS"):
            raise InputError(f"request protocol {self.protocol!r} should be HTTP, HTTPS, TCP, UDP or TLS.")
        object.__setattr__(self, "protocol", protocol)
        if not isinstance(self.path, str) or not self.path.startswith("/"):
            raise InputError(f"request path {self.path!r} should start with '/', like '/api/orders'.")
        object.__setattr__(self, "client_ip", _address(self.client_ip, "the client address"))
        _port(self.port, "the request's port")
        _port(self.client_port, "the client's port")

    @property
    def is_http(self) -> bool:
        return self.protocol in ("HTTP", "HTTPS")

    @classmethod
    def http(cls, url_path: str = "/", **kwargs) -> "Request":
        """Request.http('/api/orders?debug=1', headers={'User-Agent': 'x'}) splits off the query."""
        headers = kwargs.pop("headers", {}) or {}
        text, _, query_text = str(url_path).partition("?")
        found = {}
        for part in filter(None, query_text.split("&")):
            key, _, value = part.partition("=")
            found[key] = value
        return cls(path=text or "/", query=found, headers=tuple(headers.items()), **kwargs)

    def header(self, name: str | None) -> str | None:
        for key, value in self.headers:
            if name is not None and key.lower() == name.lower():
                return value
        return None


@dataclass
class Decision:
    """What the load balancer did with one request, step by step."""

    request: Request
    listener: str | None
    node_az: str | None
    rule: str | None
    action: str | None
    target_group: str | None = None
    target: str | None = None
    target_az: str | None = None
    how: str = ""
    status: int = 200
    source_seen: str | None = None
    headers_added: dict = field(default_factory=dict)
    tls: str = ""
    set_cookie: str | None = None
    steps: list[tuple[str, str]] = field(default_factory=list)

    @property
    def crossed_az(self) -> bool:
        return self.target_az is not None and self.target_az != self.node_az

    def __repr__(self) -> str:
        r = self.request
        what = f"{r.method} {r.path}" if r.is_http else f"{r.protocol} connection"
        lines = [f"{what} from {r.client_ip}:{r.client_port} to port {r.port}"]
        lines += [f"  {number}. {step:<22} {text}" for number, (step, text) in enumerate(self.steps, start=1)]
        return "\n".join(lines)


# ---------------------------------------------------------------------------- the load balancer

class LoadBalancer:
    """One load balancer with a node in each of its Availability Zones."""

    def __init__(self, name: str, kind: str = "alb", azs: Sequence[str] = ("a", "b"), *,
                 cross_zone: bool | None = None, node_ips: dict[str, str] | None = None):
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9-]{1,32}", name):
            raise InputError(f"load balancer name {name!r} should be 1-32 letters, digits or '-'.")
        self.name = name
        self.type = lb_type(kind)
        if isinstance(azs, str):
            azs = [azs]
        self.azs = [str(az) for az in azs]
        if len(set(self.azs)) != len(self.azs):
            raise InputError(f"the Availability Zones {self.azs} list one twice; name each once.")
        if len(self.azs) < self.type.min_azs:
            raise InputError(f"{a_an(self.type.name)} needs at least {self.type.min_azs} Availability Zones; "
                             f"give azs=('a', 'b').")
        self.cross_zone = self.type.cross_zone_default if cross_zone is None else bool(cross_zone)
        node_ips = node_ips or {}
        self.node_ips = {az: _address(node_ips.get(az, f"10.0.{i}.100"), f"the node address in AZ {az}")
                         for i, az in enumerate(self.azs, start=1)}
        self.listeners: dict[int, Listener] = {}
        self.target_groups: dict[str, TargetGroup] = {}
        self.unhealthy: set[tuple[str, str]] = set()  # (target group, target)
        self.reset()

    def reset(self) -> None:
        """Forget routing state (round-robin positions, cookies, outstanding requests)."""
        self._rr: dict[tuple[str, str], int] = {}
        self._dns = 0
        self._cookies: dict[str, tuple[str, str, float]] = {}  # value -> (group, target, expires)
        self._affinity: dict[tuple[str, str], str] = {}
        self.outstanding: Counter = Counter()

    def __repr__(self) -> str:
        return self.describe()

    # -- configuration ------------------------------------------------------------------------
    def add_target_group(self, name: str, targets: Sequence[Target] = (), *, protocol: str | None = None,
                         port: int = 80, health_check: HealthCheck | None = None, algorithm: str | None = None,
                         stickiness: Stickiness | bool | None = None, cross_zone: bool | None = None,
                         preserve_client_ip: bool | None = None) -> TargetGroup:
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9-]{1,32}", name):
            raise InputError(f"target group name {name!r} should be 1-32 letters, digits or '-'.")
        if name in self.target_groups:
            raise InputError(f"{self.name} already has a target group called {name}.")
        kind = self.type
        protocol = (protocol or kind.target_protocols[0]).upper()
        if protocol not in kind.target_protocols:
            raise InputError(f"{a_an(kind.name)} target group speaks {' or '.join(kind.target_protocols)}, "
                             f"not {protocol}.")
        algorithm = algorithm or kind.algorithms[0]
        if algorithm not in kind.algorithms:
            names = " or ".join(repr(a) for a in kind.algorithms)
            raise InputError(f"{a_an(kind.name)} picks targets by {names}; {algorithm!r} is not one of them.")
        if health_check is None:
            defaults = dict(kind.health_defaults)
            if protocol in ("HTTP", "HTTPS") and defaults["protocol"] in ("HTTP", "HTTPS"):
                defaults["protocol"] = protocol
            health_check = HealthCheck(**defaults)
        if not isinstance(health_check, HealthCheck):
            raise InputError("health_check should be a HealthCheck(...), like HealthCheck(path='/health').")
        if health_check.protocol not in kind.health_protocols:
            raise InputError(f"{a_an(kind.name)} checks health over {' or '.join(kind.health_protocols)}, "
                             f"not {health_check.protocol}.")
        if stickiness is True:
            stickiness = Stickiness()
        if stickiness and kind.stickiness == "flow":
            raise InputError("a Gateway Load Balancer always keeps a flow on one appliance; it has no "
                             "stickiness setting.")
        effective_cross_zone = self.cross_zone if cross_zone is None else cross_zone
        if stickiness and kind.key == "alb" and not effective_cross_zone:
            raise InputError("an ALB target group cannot be sticky with cross-zone load balancing off; "
                             "turn one of them back on.")
        if preserve_client_ip is None:
            preserve_client_ip = kind.client_ip in ("preserved", "transparent")
        elif preserve_client_ip and kind.client_ip == "forwarded-for":
            raise InputError(f"{a_an(kind.name)} always connects to targets from its own address; the client's "
                             f"address travels in the X-Forwarded-For header instead.")
        group = TargetGroup(name, protocol, port, [], health_check, algorithm, stickiness or None,
                            cross_zone, bool(preserve_client_ip))
        for target in targets:
            group.register(target)
        self.target_groups[name] = group
        return group

    def _action(self, *, forward=None, fixed_response=None, redirect=None) -> Action:
        chosen = [a for a in (forward, fixed_response, redirect) if a is not None]
        if len(chosen) != 1:
            raise InputError("give exactly one action: forward='group', fixed_response=404 or redirect='HTTPS:443'.")
        if forward is not None:
            if isinstance(forward, TargetGroup):
                forward = forward.name
            if forward not in self.target_groups:
                names = ", ".join(self.target_groups) or "none yet"
                raise InputError(f"{self.name} has no target group {forward!r} (it has: {names}); "
                                 f"add it with add_target_group first.")
            return Forward(forward)
        if fixed_response is not None:
            return FixedResponse(int(fixed_response))
        match = re.fullmatch(r"(HTTPS?):(\d+)", str(redirect).upper())
        if not match:
            raise InputError(f"redirect {redirect!r} should look like 'HTTPS:443'.")
        return Redirect(match[1], int(match[2]))

    def add_listener(self, protocol: str, port: int | None = None, *, default: str | TargetGroup | None = None,
                     certificate: str | None = None, fixed_response: int | None = None,
                     redirect: str | None = None) -> Listener:
        """A listener: protocol and port, plus the default action (usually a target group)."""
        protocol = str(protocol).upper()
        kind = self.type
        if protocol not in kind.listener_protocols:
            # Suggest a current-generation type first.
            better = next((TYPES[k].short for k in ("alb", "nlb", "gwlb", "clb")
                           if protocol in TYPES[k].listener_protocols), None)
            hint = f"; that is a job for {a_an(better)}" if better else ""
            raise InputError(f"{a_an(kind.name)} listens on {', '.join(kind.listener_protocols)}, "
                             f"not {protocol}{hint}.")
        if protocol == "IP":
            port = 0  # a Gateway Load Balancer listener takes every port
        else:
            port = _port(port, "listener port")
        if port in self.listeners:
            raise InputError(f"{self.name} already has a listener on port {port}.")
        if protocol in kind.tls_listeners and not certificate:
            raise InputError(f"a {protocol} listener ends TLS at the load balancer, so it needs a "
                             f"certificate: add certificate='shop-cert'.")
        if certificate and protocol not in kind.tls_listeners:
            raise InputError(f"a {protocol} listener does not end TLS, so it takes no certificate.")
        action = self._action(forward=default, fixed_response=fixed_response, redirect=redirect)
        listener = Listener(self, protocol, port, action, certificate)
        self.listeners[port] = listener
        return listener

    # -- health -------------------------------------------------------------------------------
    def set_health(self, target_id: str, healthy: bool, *, group: str | None = None) -> None:
        """Mark a target healthy or unhealthy (in one group, or in every group it belongs to)."""
        groups = [self._group(group)] if group else [g for g in self.target_groups.values()
                                                    if any(t.id == target_id for t in g.targets)]
        if not groups:
            raise InputError(f"no target group of {self.name} has a target {target_id!r}.")
        for g in groups:
            g.target(target_id)
            if healthy:
                self.unhealthy.discard((g.name, target_id))
            else:
                self.unhealthy.add((g.name, target_id))

    def target_health(self, group: str) -> dict[str, str]:
        """Each target's state as AWS names it: healthy, unhealthy, or unused (its AZ is not enabled)."""
        g = self._group(group)
        states = {}
        for t in g.targets:
            if t.az not in self.azs:
                states[t.id] = "unused"
            elif (g.name, t.id) in self.unhealthy:
                states[t.id] = "unhealthy"
            else:
                states[t.id] = "healthy"
        return states

    def _group(self, name: str) -> TargetGroup:
        if name not in self.target_groups:
            names = ", ".join(self.target_groups) or "none"
            raise InputError(f"{self.name} has no target group {name!r}; it has: {names}.")
        return self.target_groups[name]

    def group_cross_zone(self, group: TargetGroup) -> bool:
        return self.cross_zone if group.cross_zone is None else group.cross_zone

    # -- routing ------------------------------------------------------------------------------
    def dns_nodes(self) -> list[str]:
        """The AZs whose node addresses DNS hands out: a node is left out when, with cross-zone off,
        some target group has no healthy target in its AZ (if that leaves none, all are used)."""
        serving = []
        for az in self.azs:
            ok = True
            for group in self.target_groups.values():
                healthy = [t for t in group.targets if t.az in self.azs
                           and (group.name, t.id) not in self.unhealthy]
                if not self.group_cross_zone(group):
                    healthy = [t for t in healthy if t.az == az]
                if group.targets and not healthy:
                    ok = False
            if ok:
                serving.append(az)
        return serving or list(self.azs)

    def _pick_node(self, request: Request) -> str:
        if request.az is not None:
            if request.az not in self.azs:
                raise InputError(f"{self.name} has no node in AZ {request.az!r}; its AZs are {', '.join(self.azs)}.")
            return request.az
        nodes = self.dns_nodes()
        az = nodes[self._dns % len(nodes)]  # DNS hands out the node addresses in turn
        self._dns += 1
        return az

    def route(self, request: Request | None = None, **kwargs) -> Decision:
        """Follow one request through the load balancer: listener, rule, target group, target."""
        if request is None:
            try:
                request = Request(**kwargs)
            except TypeError:
                fields = "path, host, method, protocol, port, headers, query, cookies, client_ip, client_port, time, az"
                raise InputError(f"route() takes a Request or these fields: {fields}.") from None
        elif kwargs:
            raise InputError("give either a Request or keyword fields like path='/api', not both.")
        if not isinstance(request, Request):
            raise InputError("route() takes a Request, like Request(path='/api/orders').")
        kind = self.type
        listener = self.listeners.get(request.port)
        if listener is None and kind.key == "gwlb" and self.listeners:
            listener = next(iter(self.listeners.values()))  # a GWLB listener takes every port
        node = self._pick_node(request)
        decision = Decision(request, listener.label if listener else None, node, None, None)
        steps = decision.steps
        if listener is None:
            ports = ", ".join(str(p) for p in self.listeners) or "none"
            decision.status = 0
            steps.append(("receive", f"nothing listens on port {request.port} (listeners: {ports}): "
                                     f"the connection is refused"))
            return decision
        if not self._speaks(listener, request):
            decision.status = 0
            steps.append(("receive", f"a {request.protocol} client cannot talk to the {listener.label} listener; "
                                     f"the connection fails"))
            return decision
        decision.tls = self._tls_text(listener, request)
        steps.append(("receive", f"listener {listener.label} on the node in AZ {node}"
                                 + (f"; {decision.tls}" if decision.tls else "")))
        action, decision.rule = listener.default, "default rule"
        for rule in listener.rules:
            if rule.matches(request):
                action, decision.rule = rule.action, rule.describe()
                break
        decision.action = action.describe()
        steps.append(("choose target group", f"{decision.rule}: {decision.action}"))
        if isinstance(action, Redirect):
            decision.status = action.status
            location = f"{action.protocol.lower()}://{request.host}{'' if action.port in (80, 443) else f':{action.port}'}{request.path}"
            steps.append(("return the response", f"{action.status} Moved Permanently, Location: {location}"))
            return decision
        if isinstance(action, FixedResponse):
            decision.status = action.status
            steps.append(("return the response", f"{action.status} {action.body} (no target involved)"))
            return decision
        group = self.target_groups[action.target_group]
        decision.target_group = group.name
        picked, why, health = self._pick_target(group, node, request, decision)
        if picked is None:
            decision.status = 503
            steps.append(("pick a target", why))
            steps.append(("return the response", "503 Service Unavailable"))
            return decision
        decision.target, decision.target_az, decision.how = picked.id, picked.az, why
        where = "same AZ" if picked.az == node else f"crosses from AZ {node} to AZ {picked.az}"
        steps.append(("pick a target", f"{picked.id} ({picked.ip}, AZ {picked.az}, {where}) by {why}"))
        steps.append(("monitor health", health))
        self._forward_view(group, listener, node, request, decision)
        seen = f"source {decision.source_seen}"
        if decision.headers_added:
            seen += ", " + ", ".join(f"{k}: {v}" for k, v in decision.headers_added.items())
        response = f"200 from {picked.id} back through the same node; target saw {seen}"
        if decision.set_cookie:
            response += f"; Set-Cookie {decision.set_cookie}"
        steps.append(("return the response", response))
        return decision

    def _speaks(self, listener: Listener, request: Request) -> bool:
        proto, wanted = listener.protocol, request.protocol.upper()
        if proto == "IP":
            return True
        if proto in ("TCP", "TCP_UDP") and wanted in ("TCP", "HTTP", "HTTPS", "TLS"):
            return True  # an L4 listener carries any bytes over TCP
        if proto in ("UDP", "TCP_UDP") and wanted == "UDP":
            return True
        tls_client = wanted in ("HTTPS", "TLS", "SSL")
        if proto in ("HTTPS", "TLS", "SSL"):
            return tls_client
        if proto == "HTTP":
            return wanted == "HTTP"
        return False

    def _tls_text(self, listener: Listener, request: Request) -> str:
        if listener.protocol in self.type.tls_listeners:
            return f"TLS ends here (certificate {listener.certificate})"
        if request.protocol.upper() in ("HTTPS", "TLS"):
            return "TLS passes through untouched; the target ends it"
        return ""

    def _scope(self, group: TargetGroup, node: str) -> list[Target]:
        usable = [t for t in group.targets if t.az in self.azs]
        if not self.group_cross_zone(group):
            usable = [t for t in usable if t.az == node]
        return usable

    def _pick_target(self, group: TargetGroup, node: str, request: Request, decision: Decision):
        scope = self._scope(group, node)
        if not scope:
            where = "any enabled AZ" if self.group_cross_zone(group) else f"AZ {node} (cross-zone is off)"
            return None, f"target group {group.name} has no targets in {where}", ""
        healthy = [t for t in scope if (group.name, t.id) not in self.unhealthy]
        skipped = [t.id for t in scope if (group.name, t.id) in self.unhealthy]
        if healthy:
            health = f"{len(healthy)} of {len(scope)} targets in reach are healthy"
            health += f" ({', '.join(skipped)} left out)" if skipped else ""
            eligible = healthy
        else:
            health = "every target failed its health checks, so the load balancer fails open and uses all of them"
            eligible = scope
        kind = self.type
        # Stickiness first: a valid cookie (or a remembered source address) names the target.
        if group.stickiness and kind.stickiness == "cookie":
            value = request.cookies.get(kind.sticky_cookie)
            known = self._cookies.get(value) if value else None
            if known and known[0] == group.name and request.time < known[2]:
                target = next((t for t in healthy if t.id == known[1]), None)
                if target is not None:
                    return target, f"stickiness: cookie {kind.sticky_cookie} names it", health
        if group.stickiness and kind.stickiness == "source-ip":
            remembered = self._affinity.get((group.name, request.client_ip))
            target = next((t for t in healthy if t.id == remembered), None)
            if target is not None:
                return target, f"stickiness: source IP {request.client_ip} stays on it", health
        target, why = self._algorithm(group, node, request, eligible)
        if group.stickiness and kind.stickiness == "cookie":
            issued = _token(self.name, group.name, target.id)
            self._cookies[issued] = (group.name, target.id, request.time + group.stickiness.duration)
            decision.set_cookie = f"{kind.sticky_cookie}={issued}; Max-Age={group.stickiness.duration}"
            why += "; a new stickiness cookie is set"
        if group.stickiness and kind.stickiness == "source-ip":
            self._affinity[(group.name, request.client_ip)] = target.id
        return target, why, health

    def _algorithm(self, group: TargetGroup, node: str, request: Request, eligible: list[Target]):
        key = (node, group.name)
        position = self._rr.get(key, 0)
        if group.algorithm == "flow_hash":
            flow = (request.protocol.upper() if request.protocol.upper() == "UDP" else "TCP", request.client_ip,
                    request.client_port, self.node_ips[node], request.port)
            index = _flow_hash(*flow) % len(eligible)
            return eligible[index], f"flow hash of {flow[0]} {flow[1]}:{flow[2]} -> {flow[3]}:{flow[4]}"
        if group.algorithm == "least_outstanding_requests":
            rotated = eligible[position % len(eligible):] + eligible[:position % len(eligible)]
            fewest = min(self.outstanding[(group.name, t.id)] for t in eligible)
            target = next(t for t in rotated if self.outstanding[(group.name, t.id)] == fewest)
            self._rr[key] = position + 1
            return target, f"least outstanding requests ({fewest} in progress)"
        target = eligible[position % len(eligible)]
        self._rr[key] = position + 1
        return target, f"round robin (turn {position % len(eligible) + 1} of {len(eligible)})"

    def _forward_view(self, group: TargetGroup, listener: Listener, node: str, request: Request,
                      decision: Decision) -> None:
        """What arrives at the target: from which address, with which headers, encrypted or not."""
        if group.preserve_client_ip:
            decision.source_seen = request.client_ip
        else:
            decision.source_seen = self.node_ips[node]
        layer7 = listener.protocol in ("HTTP", "HTTPS")
        if layer7:
            previous = request.header("X-Forwarded-For")
            chain = f"{previous}, {request.client_ip}" if previous else request.client_ip
            decision.headers_added = {"X-Forwarded-For": chain,
                                      "X-Forwarded-Proto": listener.protocol.lower(),
                                      "X-Forwarded-Port": str(listener.port)}
        if listener.protocol in self.type.tls_listeners:
            on_wire = "re-encrypted" if group.protocol in ("HTTPS", "TLS", "SSL") else "plain"
            decision.tls += f"; {group.protocol} to the target ({on_wire})"

    # -- many requests ------------------------------------------------------------------------
    def simulate(self, n: int = 1000, *, port: int | None = None, paths: Sequence[str] = ("/",),
                 host: str = "shop.example", clients: int = 1, keep_cookies: bool = True,
                 az: str | None = None, rate: float | None = None,
                 service_time: float | dict[str, float] | None = None, start: float = 0.0) -> "Simulation":
        """Send n requests and count where they went.

        Clients take turns; each request is a new connection from the next client port. With
        keep_cookies, a client sends back the stickiness cookie it was given. az pins every client
        to one load balancer node (a client that resolved the DNS name once); otherwise DNS hands
        the nodes out in turn. With rate (requests per second) and service_time (seconds, per
        target or for all), requests take time and queue at their target (one at a time), so
        least outstanding requests has something to count; latencies are reported.
        """
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 1_000_000:
            raise InputError(f"n={n!r} should be a whole number of requests from 1 to 1,000,000.")
        if isinstance(clients, bool) or not isinstance(clients, int) or not 1 <= clients <= 500:
            raise InputError(f"clients={clients!r} should be a whole number from 1 to 500.")
        if isinstance(paths, str):
            paths = [paths]
        if port is None:
            if not self.listeners:
                raise InputError(f"{self.name} has no listener yet; add one with add_listener first.")
            port = next(iter(self.listeners))
        listener = self.listeners.get(port)
        if listener is None:
            raise InputError(f"{self.name} has no listener on port {port}.")
        timed = rate is not None or service_time is not None
        if timed and (not rate or rate <= 0 or service_time is None):
            raise InputError("a timed simulation needs both rate= (requests per second, above 0) and service_time=.")
        protocol = {"HTTPS": "HTTPS", "TLS": "TLS", "SSL": "HTTPS", "UDP": "UDP", "TCP": "TCP"}.get(
            listener.protocol, "HTTP")
        addresses = _client_addresses(clients)
        cookie_jar: list[dict] = [{} for _ in range(clients)]
        ports = [40000] * clients
        result = Simulation(self)
        finishing: list[tuple[float, str, str]] = []  # (finish time, group, target)
        free_at: dict[tuple[str, str], float] = {}
        for i in range(n):
            now = start + (i / rate if timed else 0.0)
            while finishing and finishing[0][0] <= now:
                _, group_name, target_id = heapq.heappop(finishing)
                self.outstanding[(group_name, target_id)] -= 1
            client = i % clients
            ports[client] += 1
            text, _, query_text = paths[i % len(paths)].partition("?")
            query_pairs = dict(p.partition("=")[::2] for p in query_text.split("&") if p)
            request = Request(path=text, host=host, protocol=protocol, port=port, query=query_pairs,
                              cookies=dict(cookie_jar[client]), client_ip=addresses[client],
                              client_port=ports[client], time=now, az=az)
            decision = self.route(request)
            if keep_cookies and decision.set_cookie:
                name, _, rest = decision.set_cookie.partition("=")
                cookie_jar[client][name] = rest.split(";", 1)[0]
            latency = None
            if timed and decision.target:
                key = (decision.target_group, decision.target)
                seconds = service_time.get(decision.target, 0.0) if isinstance(service_time, dict) else service_time
                begin = max(now, free_at.get(key, now))
                free_at[key] = begin + seconds
                self.outstanding[key] += 1
                heapq.heappush(finishing, (begin + seconds, decision.target_group, decision.target))
                latency = begin + seconds - now
            result._add(decision, latency)
        for _, group_name, target_id in finishing:
            self.outstanding[(group_name, target_id)] -= 1
        return result

    def expected_shares(self, group: str) -> "CrossZoneShares":
        """The share of traffic each target of a group should get, from the cross-zone arithmetic."""
        g = self._group(group)
        by_az = {az: [t.id for t in g.targets if t.az == az and (g.name, t.id) not in self.unhealthy]
                 for az in self.azs}
        return cross_zone_shares(by_az, self.group_cross_zone(g))

    def describe(self) -> str:
        kind = self.type
        lines = [f"{kind.name} '{self.name}' in AZs {', '.join(self.azs)} "
                 f"(cross-zone {'on' if self.cross_zone else 'off'})"]
        for listener in self.listeners.values():
            tls = f", certificate {listener.certificate}" if listener.certificate else ""
            lines.append(f"  listener {listener.label}{tls}")
            for rule in listener.rules:
                lines.append(f"    {rule.describe()} -> {rule.action.describe()}")
            lines.append(f"    default rule -> {listener.default.describe()}")
        for group in self.target_groups.values():
            extra = []
            if group.stickiness:
                extra.append(f"sticky {group.stickiness.duration} s")
            if group.cross_zone is not None:
                extra.append(f"cross-zone {'on' if group.cross_zone else 'off'}")
            extra_text = f", {', '.join(extra)}" if extra else ""
            lines.append(f"  target group {group.name}: {group.protocol}:{group.port}, "
                         f"{ALGORITHM_NAMES[group.algorithm]}{extra_text}")
            lines.append(f"    health check: {group.health_check.describe()}")
            states = self.target_health(group.name)
            for t in group.targets:
                lines.append(f"    {t.id:<8} {t.ip + ':' + str(t.port):<18} AZ {t.az}  {states[t.id]}")
        return "\n".join(lines)


def _token(*parts: str) -> str:
    """An opaque, repeatable cookie value (AWS encrypts its own; the model only needs it stable)."""
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16].upper()


def _flow_hash(*parts) -> int:
    """A stable hash of a flow's 5-tuple (Python's hash() changes from run to run)."""
    return int.from_bytes(hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()[:8], "big")


def _client_addresses(count: int) -> list[str]:
    """Client addresses from the documentation ranges, 203.0.113.10 first."""
    pool = [str(a) for a in list(IPNetwork("203.0.113.0/24"))[10:255]]
    pool += [str(a) for a in list(IPNetwork("198.51.100.0/24"))[10:255]]
    pool += [str(a) for a in list(IPNetwork("192.0.2.0/24"))[10:255]]
    return pool[:count]


# ---------------------------------------------------------------------------- simulation results

class Simulation:
    """Where many requests went: counts per target, in registration order."""

    def __init__(self, balancer: LoadBalancer):
        self.balancer = balancer
        self.order: list[str] = []
        self.azs: dict[str, str] = {}
        for group in balancer.target_groups.values():
            for t in group.targets:
                if t.id not in self.azs:
                    self.order.append(t.id)
                    self.azs[t.id] = t.az
        self.counts: Counter = Counter()
        self.sequence: list[str | None] = []
        self.statuses: Counter = Counter()
        self.crossed = 0
        self.latencies: dict[str, list[float]] = {}
        self.cookies_set = 0

    def _add(self, decision: Decision, latency: float | None) -> None:
        self.sequence.append(decision.target)
        self.statuses[decision.status] += 1
        if decision.set_cookie:
            self.cookies_set += 1
        if decision.target:
            self.counts[decision.target] += 1
            self.crossed += decision.crossed_az
            if latency is not None:
                self.latencies.setdefault(decision.target, []).append(latency)

    @property
    def total(self) -> int:
        return len(self.sequence)

    def as_dict(self) -> dict[str, int]:
        """Counts per target (every target listed, zeros included)."""
        return {t: self.counts.get(t, 0) for t in self.order}

    def share(self, target: str) -> Fraction:
        return Fraction(self.counts.get(target, 0), self.total)

    def by_az(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for target in self.order:
            totals[self.azs[target]] = totals.get(self.azs[target], 0) + self.counts.get(target, 0)
        return totals

    def mean_latency(self, target: str) -> float | None:
        values = self.latencies.get(target)
        return sum(values) / len(values) if values else None

    def table(self) -> Table:
        headers = ["target", "AZ", "requests", "share"]
        timed = bool(self.latencies)
        if timed:
            headers.append("mean time (s)")
        rows = []
        for target in self.order:
            row = [target, self.azs[target], self.counts.get(target, 0), percent(self.share(target))]
            if timed:
                mean = self.mean_latency(target)
                row.append("-" if mean is None else f"{mean:.2f}")
            rows.append(row)
        title = f"{self.total} requests"
        if self.crossed:
            title += f", {self.crossed} crossed to another AZ"
        failed = sum(c for s, c in self.statuses.items() if s != 200)
        if failed:
            title += f", {failed} not served by a target"
        return Table(headers, rows, title=title)

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def compare_counts(predicted: Simulation | dict, observed: dict, *, labels=("model", "live")) -> Table:
    """Predicted and observed counts side by side, with a mark where they agree."""
    model = predicted.as_dict() if isinstance(predicted, Simulation) else dict(predicted)
    names = list(model) + [name for name in observed if name not in model]
    rows = []
    for name in names:
        expected, seen = model.get(name, 0), observed.get(name, 0)
        rows.append([name, expected, seen, "✓" if expected == seen else "✗"])
    agree = sum(row[3] == "✓" for row in rows)
    return Table(["target", labels[0], labels[1], "same"], rows,
                 title=f"{labels[0]} vs {labels[1]}: {agree} of {len(rows)} targets agree")


# ---------------------------------------------------------------------------- cross-zone arithmetic

@dataclass
class CrossZoneShares:
    """Exact shares of traffic: per load balancer node, per target, and how much crosses AZs."""

    cross_zone: bool
    targets: dict[str, list[str]]  # az -> target names
    node_share: dict[str, Fraction]
    target_share: dict[str, Fraction]  # target -> share of all traffic
    crossing: Fraction  # share of all traffic that goes from a node to a target in another AZ

    def per_target_in(self, az: str) -> Fraction:
        names = self.targets[az]
        return self.target_share[names[0]] if names else Fraction(0)

    def table(self) -> Table:
        rows = []
        for az, names in self.targets.items():
            if names:
                rows.append([f"AZ {az}", len(names), percent(self.node_share.get(az, 0)),
                             percent(self.per_target_in(az)), percent(self.per_target_in(az) * len(names))])
        title = (f"cross-zone {'on' if self.cross_zone else 'off'}: "
                 f"{percent(self.crossing)} of requests cross to another AZ")
        return Table(["zone", "targets", "node gets", "each target gets", "zone's targets get"], rows, title=title)

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def cross_zone_shares(targets_by_az: dict, cross_zone: bool) -> CrossZoneShares:
    """The documented arithmetic: DNS spreads clients evenly over the nodes of AZs that can serve;
    each node spreads its share over the targets in its reach (its own AZ, or all AZs).

    targets_by_az maps an AZ to a number of targets or a list of their names:
    cross_zone_shares({"a": 2, "b": 8}, False) gives 25% to each target in a, 6.25% in b.
    """
    if not isinstance(targets_by_az, dict) or not targets_by_az:
        raise InputError("give the targets per AZ as a dict, like {'a': 2, 'b': 8}.")
    targets: dict[str, list[str]] = {}
    for az, value in targets_by_az.items():
        if isinstance(value, int) and not isinstance(value, bool):
            if value < 0:
                raise InputError(f"AZ {az} has {value} targets; a count cannot be negative.")
            targets[str(az)] = [f"{az}{i}" for i in range(1, value + 1)]
        elif isinstance(value, (list, tuple)):
            targets[str(az)] = [str(v) for v in value]
        else:
            raise InputError(f"AZ {az}: give a number of targets or a list of names, not {value!r}.")
    total = sum(len(v) for v in targets.values())
    if total == 0:
        raise InputError("there are no targets at all; give at least one AZ a target.")
    # With cross-zone off, a node without targets in its AZ is taken out of DNS; with it on, every
    # node can serve while any target exists.
    serving = [az for az, names in targets.items() if names or cross_zone]
    node_share = {az: Fraction(1, len(serving)) for az in serving}
    share: dict[str, Fraction] = {}
    crossing = Fraction(0)
    for az, names in targets.items():
        for name in names:
            if cross_zone:
                share[name] = Fraction(1, total)
            else:
                share[name] = node_share[az] / len(names)
    if cross_zone:
        for az in serving:
            crossing += node_share[az] * Fraction(total - len(targets[az]), total)
    return CrossZoneShares(bool(cross_zone), targets, node_share, share, crossing)


def inter_az_cost(gb_per_month: float, shares: CrossZoneShares, *, price_per_gb: float = 0.01,
                  charged: bool = True) -> float:
    """Monthly cost of the traffic that crosses AZs: billed per GB out of one AZ and again into the other.

    price_per_gb is an example price (check the current AWS pricing page); charged=False models
    ALB and CLB, whose cross-zone traffic is not billed as inter-AZ data transfer.
    """
    if gb_per_month < 0 or price_per_gb < 0:
        raise InputError("traffic and price cannot be negative.")
    if not charged:
        return 0.0
    return float(shares.crossing) * gb_per_month * price_per_gb * 2


# ---------------------------------------------------------------------------- health over time

@dataclass
class CheckResult:
    time: float
    passed: bool
    reason: str
    state: str  # the target's state after this check


@dataclass
class HealthTimeline:
    check: HealthCheck
    results: list[CheckResult]
    changes: list[tuple[float, str, str]]  # (time, from state, to state)

    def first(self, state: str, after: float = -1.0) -> float | None:
        """When the target first entered `state` after a time (None if it never did)."""
        return next((t for t, _, new in self.changes if new == state and t > after), None)

    def table(self) -> Table:
        rows = [[f"{r.time:g}", "pass" if r.passed else "fail", r.reason, r.state] for r in self.results]
        return Table(["t (s)", "check", "why", "state after"], rows, title=self.check.describe())

    def __repr__(self) -> str:
        lines = [f"{self.check.describe()}"]
        lines += [f"  t={t:g} s: {old} -> {new}" for t, old, new in self.changes] or ["  no change"]
        return "\n".join(lines)


def health_timeline(check: HealthCheck, *, duration: float, down: Sequence[tuple[float, float]] = (),
                    slow: Sequence[tuple[float, float]] = (), errors: Sequence[tuple[float, float]] = (),
                    response_time: float = 0.05, slow_time: float | None = None,
                    start_state: str = "healthy") -> HealthTimeline:
    """Run a health check every interval from t=0 and track the target's state.

    down: windows (start, end) when nothing answers (connection refused); slow: windows when the
    answer takes slow_time (default: longer than the timeout); errors: windows when the target
    answers 500. A new target starts in 'initial' and needs one pass; start_state='healthy' models
    one that is already in service.
    """
    if start_state not in ("initial", "healthy", "unhealthy"):
        raise InputError("start_state should be 'initial', 'healthy' or 'unhealthy'.")
    if duration <= 0:
        raise InputError("duration should be a positive number of seconds.")
    slow_time = check.timeout * 2 if slow_time is None else slow_time

    def within(t, windows):
        return any(start <= t < end for start, end in windows)

    state, passes, fails = start_state, 0, 0
    results, changes = [], []
    steps = int(duration // check.interval) + 1
    for k in range(steps):
        t = k * check.interval
        if within(t, down):
            passed, reason = False, "connection refused"
        else:
            took = slow_time if within(t, slow) else response_time
            if took >= check.timeout:
                passed, reason = False, f"no answer within {check.timeout:g} s"
            elif within(t, errors) and check.protocol in ("HTTP", "HTTPS"):
                passed, reason = False, "answered 500, not one of " + ",".join(map(str, check.success_codes))
            else:
                passed = True
                reason = "answered 200" if check.protocol in ("HTTP", "HTTPS") else "connection accepted"
        passes, fails = (passes + 1, 0) if passed else (0, fails + 1)
        new = state
        if state == "initial":
            new = "healthy" if passed else ("unhealthy" if fails >= check.unhealthy_threshold else state)
        elif state == "healthy" and fails >= check.unhealthy_threshold:
            new = "unhealthy"
        elif state == "unhealthy" and passes >= check.healthy_threshold:
            new = "healthy"
        if new != state:
            changes.append((t, state, new))
            state = new
        results.append(CheckResult(t, passed, reason, state))
    return HealthTimeline(check, results, changes)
