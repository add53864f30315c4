"""Lesson 10's live lab: the HAProxy config written from the model, and HAProxy itself at work."""
from __future__ import annotations

import re
import shutil
import subprocess
import time

import pytest

from helpers.errors import InputError
from helpers.experiments import l10
from helpers.sim.loadbalancer import (LoadBalancer, Request, Stickiness, Target, compare_counts, header, host,
                                      method, path, query, source_ip)
from tests.conftest import live_mode_or_skip, tool_or_skip

HAPROXY = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/sbin")


def full_model() -> LoadBalancer:
    """An ALB using every kind of rule condition and action."""
    alb = LoadBalancer("all", "alb", azs=("a", "b"))
    alb.add_target_group("web", [Target("w1", "10.0.1.11", "a"), Target("w2", "10.0.1.12", "b")],
                         stickiness=Stickiness(3600))
    alb.add_target_group("api", [Target("a1", "10.0.1.21", "a")], algorithm="least_outstanding_requests")
    listener = alb.add_listener("HTTPS", 443, default="web", certificate="c")
    listener.add_rule(1, [path("/api/*", "/v?/x")], forward="api")
    listener.add_rule(2, [host("*.example.com")], forward="api")
    listener.add_rule(3, [header("User-Agent", "*Mobile*")], forward="api")
    listener.add_rule(4, [query("debug=1", "=beta")], forward="api")
    listener.add_rule(5, [method("DELETE"), source_ip("198.51.100.0/24")], fixed_response=403)
    alb.add_listener("HTTP", 80, redirect="HTTPS:443")
    return alb


def test_config_maps_every_model_part_to_its_haproxy_line():
    text = l10.haproxy_config(full_model())
    assert "bind :443 ssl crt site.pem" in text and "http-request redirect scheme https code 301" in text
    assert "acl rule1_1 path -m reg '^/api/.*$' '^/v./x$'" in text
    # every rule is a use_backend line in priority order; answers get backends of their own
    assert "use_backend fixed-403 if rule5_1 rule5_2" in text
    section = text.split("\nbackend fixed-403")[1].split("\n\n")[0]
    assert "http-request return status 403" in section
    assert "default_backend redirect-https-301" in text
    assert "balance leastconn" in text and "balance roundrobin" in text
    assert 'cookie AWSALB insert indirect nocache attr "Max-Age=3600"' in text
    assert "server w1 10.0.1.11:80 check cookie w1" in text
    # health check: 30 s interval at the lab clock (x0.02) is 600 ms; thresholds kept
    assert "default-server inter 600ms fall 2 rise 5" in text
    assert text.index("acl rule1_1") < text.index("acl rule2_1") < text.index("default_backend web")


def test_pattern_translation_agrees_with_the_model():
    cases = {"/api/*": ["/api/", "/api/x/y", "/apix", "/API/x"], "/v?/x": ["/v1/x", "/v10/x", "/v/x"],
             "*.png": ["/a/b.png", "/a.png.txt"]}
    for pattern, paths in cases.items():
        condition = path(pattern)
        for candidate in paths:
            translated = re.match(l10._regex(pattern), candidate) is not None
            assert translated == condition.matches(Request(path=candidate)), (pattern, candidate)


@pytest.mark.skipif(not HAPROXY, reason="haproxy is not installed")
@pytest.mark.parametrize("config", ["full", "lab", "sticky", "l4"])
def test_haproxy_accepts_the_generated_configs(tmp_path, config):
    text = {"full": lambda: l10.haproxy_config(full_model()),
            "lab": lambda: l10.haproxy_config(l10.LoadBalancerLab(name="test-l10-spec").model()),
            "sticky": lambda: l10.haproxy_config(l10.LoadBalancerLab(name="test-l10-spec").model(sticky=True)),
            "l4": l10.l4_config}[config]()
    if "ssl crt" in text:
        done = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                               "-nodes", "-keyout", str(tmp_path / "k"), "-out", str(tmp_path / "c"),
                               "-subj", "/CN=t", "-days", "1"], capture_output=True)
        if done.returncode:
            pytest.skip("openssl could not make a certificate")
        (tmp_path / "site.pem").write_text((tmp_path / "c").read_text() + (tmp_path / "k").read_text())
    (tmp_path / "haproxy.cfg").write_text(text)
    done = subprocess.run([HAPROXY, "-c", "-C", str(tmp_path), "-f", "haproxy.cfg"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[WARNING]" not in done.stdout + done.stderr


def test_translation_refuses_what_haproxy_cannot_stand_in_for():
    gwlb = LoadBalancer("g", "gwlb", azs=("a",))
    with pytest.raises(InputError, match="not for a Gateway Load Balancer"):
        l10.haproxy_config(gwlb)
    with pytest.raises(InputError, match="no listener"):
        l10.haproxy_config(LoadBalancer("e", "alb"))


def test_lab_inputs_are_checked_before_anything_runs():
    lab = l10.LoadBalancerLab(name="test-l10-spec")
    with pytest.raises(InputError, match="between 1 and 200"):
        lab.requests(0)
    with pytest.raises(InputError, match="should look like"):
        lab.requests(2, cookie="x; rm -rf /")
    with pytest.raises(InputError, match="no backend 'web9'"):
        lab.stop_backend("web9")


# ---------------------------------------------------------------------------- live

@pytest.fixture(scope="module")
def lab():
    live_mode_or_skip()
    lab = l10.LoadBalancerLab(name="test-l10")
    try:
        lab.start()
        yield lab
    finally:
        lab.stop()


@pytest.mark.live
def test_round_robin_is_what_the_model_predicts(lab):
    alb = lab.model()
    lab.run_haproxy(alb)
    seen = lab.requests(6)
    predicted = alb.simulate(6, az="a")
    assert seen.sequence == predicted.sequence == ["web1", "web2", "web3"] * 2
    routed = lab.requests(8, paths=["/", "/api/orders"])
    expected = alb.simulate(8, az="a", paths=["/", "/api/orders"])
    assert routed.sequence == expected.sequence
    assert all(row[3] == "✓" for row in compare_counts(expected, routed.counts).rows)


@pytest.mark.live
def test_layer_7_balances_requests_and_layer_4_connections(lab):
    lab.run_haproxy(lab.model())
    assert len(set(lab.requests(6, keepalive=True).sequence)) == 3  # one connection, three servers
    lab.run_haproxy(l10.l4_config())
    assert len(set(lab.requests(6, keepalive=True).sequence)) == 1  # one connection, one server
    assert len(set(lab.requests(6).sequence)) == 3  # six connections still spread
    lost = lab.requests(3, path="/api/orders")  # no path routing at layer 4: web servers answer 404
    assert set(lost.sequence) <= set(l10.WEB) and "Not Found on" in lost.result.output
    l4 = lab.whoami()
    assert l4.client == l10.BACK_IP and l4.forwarded_for is None


@pytest.mark.live
def test_client_address_seen_by_the_servers(lab):
    lab.run_haproxy(lab.model())
    l7 = lab.whoami(forwarded_for="192.0.2.99")
    decision = lab.model().route(Request.http("/whoami", headers={"X-Forwarded-For": "192.0.2.99"},
                                              client_ip=l10.CLIENT_IP, az="a"))
    assert l7.client == decision.source_seen == l10.BACK_IP
    assert l7.forwarded_for == decision.headers_added["X-Forwarded-For"] == f"192.0.2.99, {l10.CLIENT_IP}"
    lab.nat_balancer(8080)
    nat = lab.whoami(port=8080)
    assert nat.client == l10.CLIENT_IP and nat.forwarded_for is None  # packets forwarded, address kept


@pytest.mark.live
def test_health_checks_take_a_server_out_and_put_it_back(lab):
    lab.run_haproxy(lab.model())
    assert set(lab.server_states().states.values()) == {"UP"}
    seen = lab.health_checks_seen("web1", seconds=0.5)
    assert ["10.0.1.1", "GET /health HTTP/1.0"] in seen.rows
    started = time.monotonic()
    lab.stop_backend("web2")
    down = lab.server_states(wait_for=("web2", "DOWN"))
    took = time.monotonic() - started
    assert down.states == {"api1": "UP", "api2": "UP", "web1": "UP", "web2": "DOWN", "web3": "UP"}
    assert took < 5  # 2 failed checks 200 ms apart, plus stopping the server on a busy machine
    assert lab.requests(6).counts == {"web1": 3, "web3": 3}
    lab.start_backend("web2")
    lab.server_states(wait_for=("web2", "UP"))
    assert lab.requests(6).counts == {"web1": 2, "web2": 2, "web3": 2}


@pytest.mark.live
def test_sticky_cookie_pins_a_client_and_moves_it_when_its_server_fails(lab):
    lab.start_backend("web2")
    lab.run_haproxy(lab.model(sticky=True))
    lab.server_states()
    first = lab.client.http(f"http://{l10.FRONT_IP}/")
    assert first.header("set-cookie") == "AWSALB=web1; path=/; Max-Age=86400"
    assert lab.visit().output.splitlines() == ["HTTP/1.1 200 OK", "set-cookie: AWSALB=web2; path=/; Max-Age=86400",
                                               "Hello from web2"]
    assert "set-cookie" not in lab.visit(cookie="AWSALB=web3").output  # a valid cookie is kept
    assert lab.requests(5, cookie="AWSALB=web2").counts == {"web2": 5}
    lab.stop_backend("web2")
    lab.server_states(wait_for=("web2", "DOWN"))
    moved = lab.requests(4, cookie="AWSALB=web2")
    assert "web2" not in moved.counts and sum(moved.counts.values()) == 4
    lab.start_backend("web2")


@pytest.mark.live
def test_tls_ends_at_the_load_balancer(lab):
    tool_or_skip(shutil.which("openssl"), "openssl")
    lab.run_haproxy(lab.model(https=True))
    redirect = lab.client.http(f"http://{l10.FRONT_IP}/", method="HEAD")
    assert redirect.status == 301 and redirect.header("location") == f"https://{l10.FRONT_IP}/"
    seen = lab.whoami(https=True)
    assert seen.forwarded_for == l10.CLIENT_IP
    evidence = lab.tls_evidence()
    client_row, server_row = evidence.rows
    assert client_row[:2] == ["client:eth0", "443"] and client_row[2].startswith("nothing")
    assert server_row[1:] == ["80", "GET /whoami HTTP/1.1"]
