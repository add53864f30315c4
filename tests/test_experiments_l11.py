"""Lesson 11's live policy server: the same answers as the model, real health checks, and the lab."""
from __future__ import annotations

import ipaddress

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from helpers import dnspolicy
from helpers.errors import InputError
from helpers.experiments import l11
from helpers.sim.route53 import HealthCheck, HostedZone
from tests.conftest import live_mode_or_skip


def ask(server, name, rtype="A", client="198.51.100.10", qclass="IN"):
    from dnslib import DNSRecord

    request = DNSRecord.question(name, rtype, qclass)
    return server.respond(request, client)


def addresses(reply) -> list[str]:
    from dnslib import QTYPE

    return [str(rr.rdata) for rr in reply.rr if QTYPE[rr.rtype] == "A"]


def lab_config(zone=None, seed=l11.SEED):
    return {"hosted_zone": (zone or l11.lesson_zone()).to_config(), "seed": seed,
            "locations": {"198.51.100.0/25": "Seoul", "198.51.100.128/25": "New York"}, "clock": 0.02}


# ---------------------------------------------------------------------------- the server, without a network

def test_server_gives_the_models_sequence_of_weighted_answers():
    server = dnspolicy.build(lab_config())
    served = [addresses(ask(server, "app.example.com"))[0] for _ in range(60)]
    zone = l11.lesson_zone()
    import random

    rng = random.Random(l11.SEED)
    predicted = [zone.answer("app", rng=rng).first for _ in range(60)]
    assert served == predicted
    assert set(served) == {"203.0.113.10", "203.0.113.20"}  # weight 0 never answers


def test_server_answers_authoritatively_and_follows_cnames():
    server = dnspolicy.build(lab_config())
    reply = ask(server, "shop.example.com")
    assert reply.header.aa == 1
    assert sorted(addresses(reply)) == ["203.0.113.10", "203.0.113.20", "203.0.113.30"]
    assert str(reply.rr[0].rdata) == "www.example.com."
    assert ask(server, "nope.example.com").header.rcode == 3  # NXDOMAIN
    assert len(ask(server, "example.com", "NS").rr) == 4


def test_latency_answer_depends_on_who_asks():
    server = dnspolicy.build(lab_config())
    assert addresses(ask(server, "api.example.com", client="198.51.100.10")) == ["203.0.113.20"]  # Seoul
    assert addresses(ask(server, "api.example.com", client="198.51.100.138")) == ["203.0.113.10"]  # New York


def test_failover_follows_the_live_health_checks_state():
    server = dnspolicy.build(lab_config())
    check = server.policy.health["web1-health"]
    assert addresses(ask(server, "site.example.com")) == ["203.0.113.10"]
    for _ in range(2):
        check.record(False)
    assert check.healthy is True  # two failures are below the threshold of 3
    check.record(False)
    assert check.healthy is False
    assert addresses(ask(server, "site.example.com")) == ["203.0.113.20"]
    health = ask(server, dnspolicy.HEALTH_NAME, "TXT", qclass="CH")
    assert "web1-health HTTP 203.0.113.10:80/health: unhealthy" in str(health.rr[0].rdata)
    check.record(True)
    check.record(False)  # a pass then a failure: the streak starts again
    check.record(True)
    check.record(True)
    assert check.healthy is False
    check.record(True)
    assert check.healthy is True


def test_location_map_prefers_the_longest_prefix():
    places = dnspolicy.LocationMap({"198.51.100.0/24": "London", "198.51.100.128/25": "New York"}, "Seoul")
    assert places.locate("198.51.100.200") == "New York"
    assert places.locate("198.51.100.5") == "London"
    assert places.locate("10.0.0.1") == "Seoul" and places.locate("junk") == "Seoul"


def test_config_without_a_zone_is_refused():
    with pytest.raises(InputError, match="hosted_zone"):
        dnspolicy.build({})


def test_probe_passes_2xx_and_3xx_and_fails_5xx_and_closed_ports():
    statuses = {"/ok": 200, "/moved": 301, "/broken": 503}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(statuses.get(self.path, 404))
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        check = lambda path: HealthCheck("t", "127.0.0.1", port=port, path=path)  # noqa: E731
        assert dnspolicy._probe(check("/ok"), 1.0) and dnspolicy._probe(check("/moved"), 1.0)
        assert not dnspolicy._probe(check("/broken"), 1.0)
        assert dnspolicy._probe(HealthCheck("t", "127.0.0.1", port=port, protocol="TCP"), 1.0)
    finally:
        server.shutdown()
        server.server_close()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    free_port = closed.getsockname()[1]
    closed.close()
    assert not dnspolicy._probe(HealthCheck("t", "127.0.0.1", port=free_port), 1.0)


# ---------------------------------------------------------------------------- helpers of the lab

def test_uniq_output_is_parsed():
    counts = l11.parse_uniq("     74 203.0.113.10\n     26 203.0.113.20\n\ngarbage\n")
    assert counts == {"203.0.113.10": 74, "203.0.113.20": 26}


def test_lab_config_is_json_and_names_client_locations():
    lab = l11.Route53Lab()
    config = json.loads(json.dumps(lab.config()))
    assert config["locations"] == {"198.51.100.0/25": "Seoul", "198.51.100.128/25": "New York"}
    assert config["seed"] == l11.SEED
    with pytest.raises(InputError, match="between 1 and 500"):
        lab.count("app.example.com", 0)
    with pytest.raises(InputError, match="no client"):
        lab.dig("app.example.com", client="paris")
    with pytest.raises(InputError, match="HostedZone"):
        lab.apply("not a zone")


def test_alias_records_are_refused_by_the_live_server_config():
    zone = HostedZone("example.com")
    zone.simple("www", "A", "203.0.113.10")
    zone.alias("home", "A", "www")
    with pytest.raises(InputError, match="alias"):
        zone.to_config()


# ---------------------------------------------------------------------------- the live lab

def test_live_lab_counts_failover_and_latency():
    live_mode_or_skip()
    lab = l11.Route53Lab()
    try:
        lab.start()
        counted = lab.count("app.example.com", 40)
        predicted = l11.lesson_zone().simulate("app", 40, seed=l11.SEED)
        assert counted.counts == predicted.as_dict()  # the live server IS the model, query for query
        assert lab.dig("api.example.com", client="newyork", short=True).output.split() == ["203.0.113.10"]
        ipv6 = lab.dig("www.example.com", "AAAA", short=True).output.split()
        assert ipv6 == ["2001:db8::80"] and ipaddress.ip_address(ipv6[0]).version == 6
        assert lab.dig("api.example.com", client="seoul", short=True).output.split() == ["203.0.113.20"]
        assert "Hello from web1" in lab.visit("site.example.com").output
        lab.stop_web("web1")
        lab.wait_health("web1-health", "unhealthy")
        assert "Hello from web2" in lab.visit("site.example.com").output
        lab.start_web("web1")
        lab.wait_health("web1-health", "healthy")
        assert lab.dig("site.example.com", short=True).output.split() == ["203.0.113.10"]
        assert "failover: the primary is unhealthy" in lab.server.log()
    finally:
        lab.stop()
