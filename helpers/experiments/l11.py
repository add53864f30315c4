"""Lesson 11's live lab: a Route 53-style name server answering real queries by routing policy.

    lab = Route53Lab()                    # ns1, three web servers, clients in Seoul and New York
    lab.start()                           # builds the network and starts the policy server
    lab.dig("app.example.com")            # one real query with dig
    lab.count("app.example.com", 100)     # 100 queries from a client, counted per answer
    lab.stop_web("web1"); lab.wait_health("web1-health", "unhealthy")
    lab.dig("site.example.com")           # the failover record now answers the secondary
    lab.stop()

The network ("the internet", documentation addresses only):

    seoul   198.51.100.10/25  --+
                                r1 -- 192.0.2.53   ns1 (the hosted zone's name server)
    newyork 198.51.100.138/25 --+  \\-- 203.0.113.0/24: web1 .10 (us-east-1), web2 .20
                                                       (ap-northeast-2), web3 .30 (eu-central-1)

``ns1`` runs ``python3 -m helpers.dnspolicy`` (helpers/dnspolicy.py) with the lesson's hosted
zone (``lesson_zone()``): the model of helpers.sim.route53 chooses every answer, with real HTTP
health checks of the web servers and the querying client's network as its location. Random
choices are seeded (SEED), so a rebuilt lab answers the same sequence again; everything the
notebook shows comes from lab observations, so offline mode replays it.
"""
from __future__ import annotations

import json
import re
import shlex
import sys
from collections import Counter
from dataclasses import dataclass

from helpers.dnspolicy import DEFAULT_CLOCK, HEALTH_NAME
from helpers.errors import InputError
from helpers.lab import Lab
from helpers.lab.experiment import LabExperiment
from helpers.lab.topology import LabError
from helpers.sim.route53 import HealthCheck, HostedZone, Tally

LAB_NAME = "11-route53"
SEED = 11
NS_IP = "192.0.2.53"
WEBS = {  # name: (address, the AWS region the lesson pretends it is in)
    "web1": ("203.0.113.10", "us-east-1"),
    "web2": ("203.0.113.20", "ap-northeast-2"),
    "web3": ("203.0.113.30", "eu-central-1"),
}
CLIENTS = {  # name: (address, router side, network, location for latency routing)
    "seoul": ("198.51.100.10", "198.51.100.1", "198.51.100.0/25", "Seoul"),
    "newyork": ("198.51.100.138", "198.51.100.129", "198.51.100.128/25", "New York"),
}
DIG = ("+tries=1", "+time=2")  # one try, two seconds: a lost answer is not retried (and not counted twice)
# Ask as a resolver asks an authoritative server (no recursion wanted), with a fixed query ID.
DIG_FULL = ("+norecurse", "+qid=5353")
CONFIG_NAME = "hosted-zone.json"


def web_routes(name: str) -> dict:
    address, region = WEBS[name]
    return {"/": {"status": 200, "body": f"Hello from {name} ({region}, {address})\n",
                  "headers": {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-cache"}},
            "/health": {"status": 200, "body": "OK\n", "headers": {"Content-Type": "text/plain"}}}


WWW_IPV6 = "2001:db8::80"  # documentation range; the lab's links are IPv4, DNS answers AAAA all the same


def lesson_zone() -> HostedZone:
    """The hosted zone example.com. of the lesson: one name per routing policy."""
    web1, web2, web3 = (WEBS[n][0] for n in ("web1", "web2", "web3"))
    zone = HostedZone("example.com")
    zone.simple("www", "A", web1, web2, web3, ttl=300)
    zone.simple("www", "AAAA", WWW_IPV6, ttl=300)
    zone.cname("shop", "www")
    zone.weighted("app", "A", web1, weight=3, set_id="blue")
    zone.weighted("app", "A", web2, weight=1, set_id="green")
    zone.weighted("app", "A", web3, weight=0, set_id="spare")
    zone.latency("api", "A", web1, region="us-east-1", set_id="virginia")
    zone.latency("api", "A", web2, region="ap-northeast-2", set_id="seoul")
    zone.latency("api", "A", web3, region="eu-central-1", set_id="frankfurt")
    check = HealthCheck("web1-health", web1, path="/health", interval=10, failure_threshold=3)
    zone.failover_record("site", "A", web1, role="PRIMARY", set_id="primary", health_check=check)
    zone.failover_record("site", "A", web2, role="SECONDARY", set_id="secondary")
    return zone


def labels_of(zone: HostedZone, name: str, rtype: str = "A") -> dict[str, str]:
    """value -> record label (its set ID, or its name) for one name."""
    out = {}
    for record in zone.group(name, rtype):
        for value in record.values:
            out[value] = record.label
    return out


@dataclass
class Counted:
    """Queries sent from a lab client, counted by the first address of each answer."""

    result: object  # the CommandResult of the shell loop
    tally: Tally

    @property
    def counts(self) -> dict[str, int]:
        return self.tally.as_dict()

    def __repr__(self) -> str:
        return f"{self.result!r}\n\n{self.tally!r}"

    def _repr_html_(self) -> str:
        return self.result._repr_html_() + self.tally._repr_html_()


def parse_uniq(output: str) -> Counter:
    """`sort | uniq -c` output -> Counter (lines like '     74 203.0.113.10')."""
    counts: Counter = Counter()
    for line in output.splitlines():
        match = re.fullmatch(r"\s*(\d+)\s+(\S+)\s*", line)
        if match:
            counts[match[2]] += int(match[1])
    return counts


class Route53Lab(LabExperiment):
    """The lab network with the policy server; apply() swaps the hosted zone (e.g. new weights)."""

    def __init__(self, zone: HostedZone | None = None, *, name: str = LAB_NAME, seed: int = SEED,
                 clock: float = DEFAULT_CLOCK):
        self.zone = zone or lesson_zone()
        self.seed = seed
        self.clock = clock
        lab = Lab(name)
        self.lab = lab
        r1 = lab.router("r1")
        self.ns1 = lab.host("ns1")
        lab.link(self.ns1, r1, ip1=f"{NS_IP}/24", ip2="192.0.2.1/24")
        self.ns1.default_route("192.0.2.1")
        s1 = lab.switch("s1")
        lab.link(r1, s1, ip1="203.0.113.1/24")
        self.webs = {}
        self.web_services = {}
        for web, (address, _) in WEBS.items():
            node = lab.host(web)
            lab.link(node, s1, ip1=f"{address}/24")
            node.default_route("203.0.113.1")
            self.webs[web] = node
            self.web_services[web] = node.serve_http(80, routes=web_routes(web), name=web)
        self.clients = {}
        for client, (address, gateway, network, _) in CLIENTS.items():
            node = lab.host(client)
            prefix = network.split("/")[1]
            lab.link(node, r1, ip1=f"{address}/{prefix}", ip2=f"{gateway}/{prefix}")
            node.default_route(gateway)
            self.clients[client] = node
        self.server = None

    # -- lifecycle (start, stop, with, recipe and draw come from LabExperiment) -------------------
    def _started(self) -> None:
        self.start_server()

    def _stopping(self) -> None:
        self.server = None

    # -- the name server ----------------------------------------------------------------------
    def config(self, zone: HostedZone | None = None) -> dict:
        """What the policy server reads: the zone, the seed, where clients are, the lab clock."""
        zone = zone or self.zone
        locations = {network: place for _, _, network, place in CLIENTS.values()}
        return {"hosted_zone": zone.to_config(), "seed": self.seed, "locations": locations,
                "default_location": "New York", "clock": self.clock}

    def start_server(self, zone: HostedZone | None = None):
        """(Re)start the policy server on ns1 with a hosted zone (default: the lab's own)."""
        if zone is not None:
            if not isinstance(zone, HostedZone):
                raise InputError("apply() takes a HostedZone, like lesson_zone() with changed weights.")
            self.zone = zone
        if self.server is not None:
            self.server.stop()
        path = self.lab.write_file(CONFIG_NAME, json.dumps(self.config(), indent=1))
        argv = [sys.executable, "-m", "helpers.dnspolicy", "--config", str(path), "--listen", NS_IP]
        self.server = self.ns1.start(argv, name="route53", wait_ready_line=True,
                                     display=f"python3 -m helpers.dnspolicy --config {CONFIG_NAME} --listen {NS_IP}")
        return self.server

    apply = start_server

    # -- asking -------------------------------------------------------------------------------
    def _client(self, client: str):
        if client not in self.clients:
            raise InputError(f"there is no client {client!r}; the clients are {', '.join(self.clients)}.")
        return self.clients[client]

    def dig(self, name: str, rtype: str = "A", *, client: str = "seoul", short: bool = False):
        """One query to ns1 with dig, from a client (its address decides latency answers)."""
        options = ("+short",) if short else DIG_FULL
        return self._client(client).dns(name, rtype, server=NS_IP, options=options)

    def count(self, name: str, n: int = 100, *, client: str = "seoul", rtype: str = "A") -> Counted:
        """n queries in a row from a client; each answer's first address counted (a client uses it)."""
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 500:
            raise InputError(f"n={n!r}: send between 1 and 500 queries.")
        if not re.fullmatch(r"[A-Za-z0-9.-]+", name) or rtype not in ("A", "AAAA"):
            raise InputError(f"{name!r} {rtype!r}: give a host name like 'app.example.com' and type A or AAAA.")
        dig = shlex.join(["dig", "+short", *DIG, f"@{NS_IP}", name, rtype])
        command = f"for i in $(seq {n}); do {dig} | head -n 1; done | sort | uniq -c | sort -rn"
        result = self._client(client).run(command, timeout=n * 0.5 + 20)
        counts = parse_uniq(result.output)
        location = CLIENTS[client][3]
        expected = self.zone.expected_shares(name, rtype, location=location)
        return Counted(result, Tally(self.zone.fqdn(name), counts, labels_of(self.zone, name, rtype), expected))

    def health(self):
        """The policy server's health checks, as `dig CH TXT health.route53` reports them."""
        return self._client("seoul").run(f"dig +short {' '.join(DIG)} @{NS_IP} CH TXT {HEALTH_NAME}")

    def wait_health(self, check: str, state: str, *, timeout: float = 10.0):
        """Poll (inside the client) until a health check reports `state`; returns the final report."""
        names = {r.health_check.name for r in self.zone.records if r.health_check}
        if check not in names or state not in ("healthy", "unhealthy"):
            raise InputError(f"wait_health needs a health check of the zone ({', '.join(sorted(names))}) and "
                             f"'healthy' or 'unhealthy'.")
        tries = max(1, int(timeout / 0.1))
        command = (f"for i in $(seq {tries}); do dig +short {' '.join(DIG)} @{NS_IP} CH TXT {HEALTH_NAME} "
                   f"| grep -q '{check} .*: {state} ' && break; sleep 0.1; done\n"
                   f"dig +short {' '.join(DIG)} @{NS_IP} CH TXT {HEALTH_NAME}")
        result = self._client("seoul").run(command, timeout=timeout + 10)
        if f"{check} " not in result.output or f": {state} " not in result.output.split(f"{check} ", 1)[1]:
            raise LabError(f"{check} did not become {state} within {timeout:g} s; look at lab.server.log().")
        return result

    # -- web servers --------------------------------------------------------------------------
    def _web(self, name: str):
        if name not in self.webs:
            raise InputError(f"there is no web server {name!r}; they are {', '.join(self.webs)}.")
        return self.webs[name]

    def stop_web(self, name: str) -> None:
        """Stop a web server (its machine stays up; port 80 now refuses connections)."""
        self._web(name)
        self.web_services[name].stop()

    def start_web(self, name: str) -> None:
        node = self._web(name)
        if not self.web_services[name].alive:
            self.web_services[name] = node.serve_http(80, routes=web_routes(name), name=name)

    def visit(self, name: str, *, client: str = "seoul"):
        """What a browser would do: resolve the name at ns1, then fetch the page from that address."""
        if not re.fullmatch(r"[A-Za-z0-9.-]+", name):
            raise InputError(f"{name!r} is not a host name like 'site.example.com'.")
        command = (f"ip=$(dig +short {' '.join(DIG)} @{NS_IP} {name} A | head -n 1); echo \"{name} -> $ip\"; "
                   f"curl -s --max-time 3 http://$ip/ || echo 'no answer from' $ip")
        return self._client(client).run(command, timeout=15)
