"""A live authoritative DNS server that answers like Route 53: simple, weighted, latency, failover.

    python -m helpers.dnspolicy --config hosted-zone.json [--listen 192.0.2.53] [--port 53]

It runs inside a lab node (lesson 11) and answers real `dig` queries on UDP port 53. The zone and
its routing policies are a :class:`helpers.sim.route53.HostedZone` (the JSON file holds
``zone.to_config()`` plus the lab's settings), so the live server and the model give the same
answers by construction: the server is the course's authoritative server (helpers.dns) with an
answer policy that asks the model which records to return.

What makes it live rather than a replay of the model:

* **health checks are real**: one thread per health check sends HTTP requests (or opens TCP
  connections) to the endpoint every interval and counts consecutive results, like one Route 53
  health checker; stop the web server and the answers change;
* **latency routing looks at who asked**: the querying address is mapped to a location
  (``"locations": {"198.51.100.0/25": "Seoul"}``), as Route 53 maps a resolver's address;
* **random choices are seeded** (``"seed"`` in the config), so the n-th answer is the same on
  every run of the lab.

Health check times run on a lab clock (``"clock": 0.02`` makes AWS's 10-second interval 0.2 s),
so a failover takes a second instead of a minute. ``dig @SERVER CH TXT health.route53`` reports
each health check's status, like ``version.bind`` reports a BIND server's version.
"""
from __future__ import annotations

import argparse
import json
import random
import socket
import sys
import threading
from pathlib import Path

from netaddr import IPAddress, IPNetwork

from helpers.dns.server import AuthoritativeServer, _reply_header, serve
from helpers.dns.zone import AnswerPolicy, Question, Record, Zone
from helpers.errors import InputError
from helpers.sim.route53 import HealthCheck, HostedZone

HEALTH_NAME = "health.route53."
DEFAULT_CLOCK = 0.02  # lab seconds per AWS second for health check intervals


def _probe(check: HealthCheck, timeout: float) -> bool:
    """One health check request: a TCP connection, and for HTTP a 2xx or 3xx status line."""
    try:
        with socket.create_connection((check.endpoint, check.port), timeout=timeout) as conn:
            if check.protocol == "TCP":
                return True
            conn.settimeout(timeout)
            conn.sendall(f"GET {check.path} HTTP/1.0\r\nHost: {check.endpoint}\r\n"
                         f"User-Agent: Amazon-Route53-Health-Check-Service (lab)\r\n\r\n".encode())
            status_line = conn.recv(64).split(b"\r\n", 1)[0].split()
            return len(status_line) >= 2 and status_line[1][:1] in (b"2", b"3")
    except OSError:
        return False


class LiveHealthCheck:
    """One health checker: probes every interval, flips its status after `failure_threshold`
    results in a row that disagree with it (a new check starts healthy, as in Route 53)."""

    def __init__(self, check: HealthCheck, clock: float, log=None):
        self.check = check
        self.period = check.interval * clock
        # AWS allows 4 s to connect and 2 s to answer; scaled down that would be milliseconds, and a
        # busy machine is slower than that, so the lab allows a second.
        self.timeout = 1.0
        self.healthy = True
        self.streak = 0
        self.checks = 0
        self.log = log
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"health-{check.name}")

    def start(self) -> "LiveHealthCheck":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.record(_probe(self.check, self.timeout))
            self._stop.wait(self.period)

    def record(self, passed: bool) -> None:
        self.checks += 1
        if passed == self.healthy:
            self.streak = 0
            return
        self.streak += 1
        if self.streak >= self.check.failure_threshold:
            self.healthy, self.streak = passed, 0
            if self.log:
                self.log(f"health check {self.check.name} ({self.check.endpoint}): now "
                         f"{'healthy' if passed else 'unhealthy'}")

    def status_text(self) -> str:
        c = self.check
        state = "healthy" if self.healthy else "unhealthy"
        return (f"{c.name} {c.protocol} {c.endpoint}:{c.port}{c.path if c.protocol != 'TCP' else ''}: {state} "
                f"(it changes after {c.failure_threshold} results in a row)")


class LocationMap:
    """Client networks -> the place Route 53 would say a resolver is (for latency routing)."""

    def __init__(self, networks: dict[str, str], default: str | None = None):
        self.networks = sorted(((IPNetwork(n), place) for n, place in networks.items()),
                               key=lambda item: -item[0].prefixlen)
        self.default = default

    def locate(self, client: str) -> str | None:
        try:
            address = IPAddress(client)
        except Exception:
            return self.default
        for network, place in self.networks:
            if address in network:
                return place
        return self.default


class Route53Policy(AnswerPolicy):
    """The answer policy: the hosted zone model chooses, with live health and the asker's location."""

    name = "route 53"

    def __init__(self, zone: HostedZone, *, seed: int, locations: LocationMap, health: dict[str, LiveHealthCheck]):
        self.zone = zone
        self.rng = random.Random(seed)
        self.locations = locations
        self.health = health
        self.last_why = ""

    def _healthy(self, check: HealthCheck, _time: float) -> bool:
        live = self.health.get(check.name)
        return live.healthy if live is not None else True

    def select(self, question: Question, records: list[Record]) -> list[Record]:
        if not self.zone.group(question.name, question.rtype):
            self.last_why = ""
            return list(records)
        answer = self.zone.answer(question.name, question.rtype, location=self.locations.locate(question.client),
                                  rng=self.rng, health=self._healthy)
        self.last_why = answer.why
        return [Record(name, rtype, ttl, value) for name, ttl, rtype, value in answer.records]


class PolicyServer(AuthoritativeServer):
    """The authoritative server with Route 53's answers, and a health report on CH TXT health.route53."""

    role = "Route 53 (authoritative)"

    def __init__(self, zone: Zone, policy: Route53Policy):
        super().__init__([zone])
        self.policy = policy

    def respond(self, request, client: str = ""):
        from dnslib import CLASS, QTYPE, RR, TXT

        if request.q.qclass == CLASS.CH and str(request.q.qname).lower() == HEALTH_NAME:
            reply = _reply_header(request, aa=True, ra=False, rcode="NOERROR")
            for check in self.policy.health.values():
                reply.add_answer(RR(request.q.qname, QTYPE.TXT, CLASS.CH, 0, TXT(check.status_text())))
            return reply
        return super().respond(request, client)

    def _log(self, line: str) -> None:
        why = self.policy.last_why
        self.policy.last_why = ""
        super()._log(line + (f"  [{why}]" if why else ""))


def build(config: dict, log=None) -> PolicyServer:
    """The server for a configuration: {"hosted_zone": ..., "seed": ..., "locations": ..., "clock": ...}."""
    if "hosted_zone" not in config:
        raise InputError("the configuration needs a 'hosted_zone' (HostedZone.to_config()).")
    hosted = HostedZone.from_config(config["hosted_zone"])
    zone = Zone.from_text(hosted.zone_text())
    clock = float(config.get("clock", DEFAULT_CLOCK))
    checks = {r.health_check.name: r.health_check for r in hosted.records if r.health_check}
    health = {name: LiveHealthCheck(check, clock, log) for name, check in checks.items()}
    locations = LocationMap(config.get("locations", {}), config.get("default_location"))
    policy = Route53Policy(hosted, seed=int(config.get("seed", 53)), locations=locations, health=health)
    zone.policy = policy
    return PolicyServer(zone, policy)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.dnspolicy", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", required=True, help="JSON: hosted_zone, seed, locations, clock")
    parser.add_argument("--listen", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=53)
    args = parser.parse_args(argv)

    def log(line: str) -> None:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()

    server = build(json.loads(Path(args.config).read_text()), log=log)
    for check in server.policy.health.values():
        check.start()
    serve(server, args.listen, args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
