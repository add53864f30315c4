"""The ELB model against the AWS documentation's own numbers and hand-worked cases."""
from __future__ import annotations

import ipaddress
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.errors import InputError
from helpers.sim.loadbalancer import (HealthCheck, LoadBalancer, Request, Stickiness, Target, compare_counts,
                                      cross_zone_shares, header, health_timeline, host, inter_az_cost, method,
                                      path, query, source_ip, types_table)


def two_plus_eight(kind="alb", **group):
    """The AWS example: two targets in AZ a, eight in AZ b."""
    lb = LoadBalancer("doc", kind, azs=("a", "b"))
    targets = [Target(f"a{i}", f"10.0.1.{10 + i}", "a") for i in (1, 2)]
    targets += [Target(f"b{i}", f"10.0.2.{10 + i}", "b") for i in range(1, 9)]
    lb.add_target_group("web", targets, **group)
    lb.add_listener("HTTP" if kind == "alb" else "TCP", 80, default="web")
    return lb


def web_alb(**group) -> LoadBalancer:
    lb = LoadBalancer("shop", "alb", azs=("a", "b"))
    lb.add_target_group("web", [Target("web1", "10.0.1.11", "a"), Target("web2", "10.0.1.12", "a"),
                                Target("web3", "10.0.2.13", "b")], **group)
    lb.add_target_group("api", [Target("api1", "10.0.1.21", "a"), Target("api2", "10.0.2.22", "b")])
    lb.add_target_group("admin", [Target("adm1", "10.0.1.31", "a")])
    lb.add_listener("HTTP", 80, default="web")
    return lb


# ---------------------------------------------------------------------------- cross-zone

def test_cross_zone_matches_the_aws_documentation_example():
    on = cross_zone_shares({"a": 2, "b": 8}, True)
    off = cross_zone_shares({"a": 2, "b": 8}, False)
    # "each of the 10 targets receives 10% of the traffic"
    assert all(share == Fraction(1, 10) for share in on.target_share.values())
    # "each of the two targets in Availability Zone A receives 25% ... eight targets in B 6.25%"
    assert on.per_target_in("a") == Fraction(1, 10)
    assert off.per_target_in("a") == Fraction(25, 100)
    assert off.per_target_in("b") == Fraction(625, 10000)
    assert sum(off.target_share.values()) == 1 and sum(on.target_share.values()) == 1


def test_crossing_share_is_worked_by_hand():
    on = cross_zone_shares({"a": 2, "b": 8}, True)
    # node a keeps 2/10 of its half and sends 8/10 away; node b sends 2/10 of its half away
    assert on.crossing == Fraction(1, 2) * Fraction(8, 10) + Fraction(1, 2) * Fraction(2, 10)
    assert cross_zone_shares({"a": 2, "b": 8}, False).crossing == 0
    assert inter_az_cost(1000, on, price_per_gb=0.01) == pytest.approx(1000 * 0.5 * 0.01 * 2)
    assert inter_az_cost(1000, on, charged=False) == 0


def test_an_empty_zone_leaves_dns_when_cross_zone_is_off():
    off = cross_zone_shares({"a": 3, "b": 0}, False)
    assert off.node_share == {"a": 1}
    assert all(s == Fraction(1, 3) for s in off.target_share.values())
    on = cross_zone_shares({"a": 3, "b": 0}, True)
    assert on.node_share == {"a": Fraction(1, 2), "b": Fraction(1, 2)} and on.crossing == Fraction(1, 2)


def test_simulation_reproduces_the_arithmetic_exactly():
    alb = two_plus_eight("alb")  # ALB: cross-zone on by default
    sim = alb.simulate(1600)
    assert set(sim.as_dict().values()) == {160}
    assert sim.crossed == 800
    off = two_plus_eight("alb", cross_zone=False)  # switched off on the target group
    counts = off.simulate(1600).as_dict()
    assert counts["a1"] == counts["a2"] == 400
    assert all(counts[f"b{i}"] == 100 for i in range(1, 9))


def test_nlb_keeps_traffic_in_the_zone_by_default():
    nlb = two_plus_eight("nlb")
    assert nlb.cross_zone is False
    sim = nlb.simulate(16000, clients=200)
    assert sim.by_az() == {"a": 8000, "b": 8000} and sim.crossed == 0
    for name, count in sim.as_dict().items():  # a flow hash spreads, but only roughly
        expected = 4000 if name.startswith("a") else 1000
        assert abs(count - expected) < 0.15 * expected, (name, count)


def test_expected_shares_follow_health():
    lb = two_plus_eight("alb", cross_zone=False)
    lb.set_health("a1", False)
    shares = lb.expected_shares("web")
    assert shares.target_share["a2"] == Fraction(1, 2)
    assert "a1" not in shares.target_share


def test_dns_drops_a_zone_without_healthy_targets_when_cross_zone_is_off():
    lb = two_plus_eight("nlb")
    for i in (1, 2):
        lb.set_health(f"a{i}", False)
    assert lb.dns_nodes() == ["b"]
    sim = lb.simulate(80, clients=40)
    assert sim.by_az() == {"a": 0, "b": 80}


# ---------------------------------------------------------------------------- rules

def test_rules_are_evaluated_by_priority_not_by_order_added():
    lb = web_alb()
    listener = lb.listeners[80]
    listener.add_rule(20, [path("/api/*")], forward="api")
    listener.add_rule(10, [path("/api/admin*")], forward="admin")
    assert lb.route(Request(path="/api/admin/users")).target_group == "admin"
    assert lb.route(Request(path="/api/orders")).target_group == "api"
    assert lb.route(Request(path="/index.html")).target_group == "web"
    assert lb.route(Request(path="/index.html")).rule == "default rule"


def test_path_is_case_sensitive_and_question_mark_is_one_character():
    lb = web_alb()
    lb.listeners[80].add_rule(10, [path("/v?/orders")], forward="api")
    assert lb.route(Request(path="/v2/orders")).target_group == "api"
    assert lb.route(Request(path="/v10/orders")).target_group == "web"
    assert lb.route(Request(path="/V2/Orders")).target_group == "web"


def test_host_header_and_query_conditions():
    lb = web_alb()
    listener = lb.listeners[80]
    listener.add_rule(1, [host("*.admin.example")], forward="admin")
    listener.add_rule(2, [header("User-Agent", "*Mobile*")], forward="api")
    listener.add_rule(3, [query("version=v2", "=beta")], forward="api")
    listener.add_rule(4, [method("DELETE")], fixed_response=405)
    assert lb.route(Request(host="EU.Admin.Example")).target_group == "admin"  # hosts ignore case
    assert lb.route(Request.http("/", headers={"user-agent": "Foo Mobile 1"})).target_group == "api"
    assert lb.route(Request.http("/?version=V2")).target_group == "api"
    assert lb.route(Request.http("/?channel=beta")).target_group == "api"  # a value with any key
    assert lb.route(Request.http("/?version=v3")).target_group == "web"
    refused = lb.route(Request(method="DELETE"))
    assert refused.status == 405 and refused.target is None


def test_conditions_in_a_rule_are_anded_and_values_ored():
    lb = web_alb()
    lb.listeners[80].add_rule(5, [path("/api/*", "/v1/*"), source_ip("203.0.113.0/24")], forward="api")
    inside = "203.0.113.77"
    outside = "198.51.100.7"
    assert ipaddress.ip_address(inside) in ipaddress.ip_network("203.0.113.0/24")  # the oracle agrees
    assert lb.route(Request(path="/v1/x", client_ip=inside)).target_group == "api"
    assert lb.route(Request(path="/api/x", client_ip=inside)).target_group == "api"
    assert lb.route(Request(path="/api/x", client_ip=outside)).target_group == "web"


def test_redirect_and_fixed_response_answer_without_a_target():
    lb = web_alb()
    lb.add_listener("HTTPS", 443, default="web", certificate="cert")
    lb.listeners[80].default = lb._action(redirect="HTTPS:443")
    moved = lb.route(Request(path="/cart"))
    assert moved.status == 301 and moved.target is None
    assert "https://shop.example/cart" in repr(moved)


def test_rule_mistakes_are_one_sentence_errors():
    lb = web_alb()
    listener = lb.listeners[80]
    listener.add_rule(10, [path("/a/*")], forward="api")
    with pytest.raises(InputError, match="already has a rule with priority 10"):
        listener.add_rule(10, [path("/b/*")], forward="api")
    with pytest.raises(InputError, match="no target group 'nope'"):
        listener.add_rule(11, [path("/b/*")], forward="nope")
    with pytest.raises(InputError, match="1-50000"):
        listener.add_rule(0, [path("/b/*")], forward="api")
    with pytest.raises(InputError, match="not a network"):
        source_ip("10.0.0.0/33")
    nlb = two_plus_eight("nlb")
    with pytest.raises(InputError, match="no listener rules"):
        nlb.listeners[80].add_rule(1, [path("/x")], forward="web")


# ---------------------------------------------------------------------------- algorithms

def test_round_robin_takes_turns_in_registration_order():
    lb = web_alb()
    sim = lb.simulate(9, az="a")
    assert sim.sequence == ["web1", "web2", "web3"] * 3


def test_unhealthy_targets_are_skipped_and_all_unhealthy_fails_open():
    lb = web_alb()
    lb.set_health("web2", False)
    assert lb.simulate(6, az="a").as_dict()["web2"] == 0
    for name in ("web1", "web2", "web3"):
        lb.set_health(name, False)
    lb.reset()
    counts = lb.simulate(6, az="a").as_dict()
    assert counts["web1"] == counts["web2"] == counts["web3"] == 2  # fail open: traffic to all
    assert "fails open" in repr(lb.route(Request(az="a")))


def test_targets_in_a_zone_that_is_not_enabled_get_nothing():
    lb = LoadBalancer("z", "alb", azs=("a", "b"))
    lb.add_target_group("web", [Target("w1", "10.0.1.1", "a"), Target("w9", "10.0.9.1", "c")])
    lb.add_listener("HTTP", 80, default="web")
    assert lb.target_health("web") == {"w1": "healthy", "w9": "unused"}
    assert lb.simulate(10).as_dict() == {"w1": 10, "w9": 0}


def test_least_outstanding_requests_avoids_a_slow_target():
    slow = {"web1": 0.05, "web2": 0.05, "web3": 0.3}
    rr = web_alb().simulate(300, az="a", rate=30, service_time=slow)
    lor = web_alb(algorithm="least_outstanding_requests").simulate(300, az="a", rate=30, service_time=slow)
    assert rr.as_dict()["web3"] == 100  # round robin ignores speed
    assert lor.as_dict()["web3"] < 60
    # web3 serves ~3.3 requests/s but round robin sends it 10/s: its queue grows without end
    assert rr.mean_latency("web3") > 3.0
    overall = lambda s: sum(sum(v) for v in s.latencies.values()) / s.total
    assert overall(lor) < overall(rr) / 3


def test_flow_hash_keeps_a_flow_on_one_target_and_is_stable_between_runs():
    first, second = two_plus_eight("nlb"), two_plus_eight("nlb")
    request = Request(protocol="TCP", port=80, client_ip="198.51.100.7", client_port=51000, az="b")
    picks = {first.route(request).target for _ in range(5)}
    assert len(picks) == 1
    assert second.route(request).target in picks  # a fresh balancer hashes the same way
    spread = {first.route(Request(protocol="TCP", client_port=p, az="b")).target for p in range(40000, 40200)}
    assert len(spread) == 8


# ---------------------------------------------------------------------------- stickiness

def test_a_cookie_keeps_a_client_on_its_target_until_it_expires():
    lb = web_alb(stickiness=Stickiness(duration=60))
    first = lb.route(Request(az="a", time=0))
    assert first.set_cookie.startswith("AWSALB=") and "Max-Age=60" in first.set_cookie
    cookie = {"AWSALB": first.set_cookie.split("=", 1)[1].split(";")[0]}
    later = [lb.route(Request(az="a", cookies=cookie, time=t)).target for t in (1, 10, 59)]
    assert later == [first.target] * 3
    expired = lb.route(Request(az="a", cookies=cookie, time=61))
    assert expired.set_cookie is not None  # a fresh pick and a fresh cookie
    lb.set_health(first.target, False)
    moved = lb.route(Request(az="a", cookies=cookie, time=2))
    assert moved.target != first.target and moved.set_cookie


def test_many_sticky_clients_still_spread():
    sim = web_alb(stickiness=True).simulate(300, clients=3, az="a")
    assert sim.as_dict()["web1"] == sim.as_dict()["web2"] == sim.as_dict()["web3"] == 100
    assert sim.cookies_set == 3  # each client got one cookie, then kept it


def test_alb_stickiness_needs_cross_zone():
    with pytest.raises(InputError, match="cannot be sticky with cross-zone"):
        web_alb(stickiness=True, cross_zone=False)


def test_nlb_stickiness_is_by_source_address():
    lb = two_plus_eight("nlb", stickiness=True)
    picks = {lb.route(Request(protocol="TCP", client_port=p, client_ip="198.51.100.9", az="b")).target
             for p in range(40000, 40050)}
    assert len(picks) == 1


# ---------------------------------------------------------------------------- what the target sees

def test_alb_hides_the_client_behind_its_address_and_appends_x_forwarded_for():
    lb = web_alb()
    decision = lb.route(Request.http("/", headers={"X-Forwarded-For": "192.0.2.99"}, az="b"))
    assert decision.source_seen == lb.node_ips["b"]
    assert decision.headers_added["X-Forwarded-For"] == "192.0.2.99, 203.0.113.10"
    assert decision.headers_added["X-Forwarded-Proto"] == "http"


def test_nlb_keeps_the_client_address_and_adds_no_headers():
    decision = two_plus_eight("nlb").route(Request(protocol="TCP", client_ip="198.51.100.50", az="a"))
    assert decision.source_seen == "198.51.100.50" and decision.headers_added == {}
    no_keep = two_plus_eight("nlb", preserve_client_ip=False).route(Request(protocol="TCP", az="a"))
    assert no_keep.source_seen == "10.0.1.100"
    with pytest.raises(InputError, match="X-Forwarded-For"):
        web_alb(preserve_client_ip=True)


def test_tls_ends_at_an_https_listener_and_passes_through_a_tcp_one():
    lb = web_alb()
    with pytest.raises(InputError, match="needs a certificate"):
        lb.add_listener("HTTPS", 443, default="web")
    lb.add_listener("HTTPS", 443, default="web", certificate="shop-cert")
    ended = lb.route(Request(protocol="HTTPS", port=443, az="a"))
    assert "TLS ends here" in ended.tls and "HTTP to the target (plain)" in ended.tls
    assert ended.headers_added["X-Forwarded-Proto"] == "https"
    assert lb.route(Request(protocol="HTTP", port=443)).status == 0  # no TLS: the handshake fails
    nlb = LoadBalancer("n", "nlb", azs=("a",))
    nlb.add_target_group("tls", [Target("t1", "10.0.1.1", "a")], protocol="TCP", port=443)
    nlb.add_listener("TCP", 443, default="tls")
    assert "target ends it" in nlb.route(Request(protocol="HTTPS", port=443)).tls


def test_the_flow_has_the_five_steps():
    decision = web_alb().route(Request())
    assert [s for s, _ in decision.steps] == ["receive", "choose target group", "pick a target",
                                              "monitor health", "return the response"]


# ---------------------------------------------------------------------------- types and validation

def test_types_table_states_the_documented_defaults():
    table = types_table()
    assert table.headers[1:] == ["CLB", "ALB", "NLB", "GWLB"]
    assert table.row("Cross-zone by default")[1:] == ["on", "on", "off", "off"]
    assert "X-Forwarded-For" in table.row("Target sees as source")[2]
    assert table.row("Target sees as source")[3] == "the client's own address"
    assert table.row("Static IP")[3].startswith("yes")
    assert "path" in table.row("Routes by content")[2] and table.row("Routes by content")[3].startswith("no")


def test_each_type_refuses_what_it_cannot_do():
    with pytest.raises(InputError, match="job for an NLB"):
        LoadBalancer("x", "alb").add_listener("TCP", 80, default=None)
    with pytest.raises(InputError, match="at least 2 Availability Zones"):
        LoadBalancer("x", "alb", azs=("a",))
    with pytest.raises(InputError, match="not a load balancer type"):
        LoadBalancer("x", "elb")
    nlb = LoadBalancer("x", "nlb", azs=("a",))
    with pytest.raises(InputError, match="flow_hash"):
        nlb.add_target_group("t", algorithm="round_robin")


def test_health_check_ranges_follow_aws():
    with pytest.raises(InputError, match="5-300"):
        HealthCheck(interval=1)
    with pytest.raises(InputError, match="shorter than the interval"):
        HealthCheck(interval=10, timeout=10)
    with pytest.raises(InputError, match="2-10"):
        HealthCheck(healthy_threshold=1)
    with pytest.raises(InputError, match="target w: 300 in .10.0.0.300. is over 255"):
        Target("w", "10.0.0.300", "a")


# ---------------------------------------------------------------------------- health over time

def test_health_timeline_worked_by_hand():
    check = HealthCheck(interval=30, timeout=5, healthy_threshold=5, unhealthy_threshold=2)
    line = health_timeline(check, duration=420, down=[(65, 200)])
    # checks at 90 and 120 fail -> out at 120; passes at 210, 240, 270, 300, 330 -> back at 330
    assert line.changes == [(120, "healthy", "unhealthy"), (330, "unhealthy", "healthy")]
    assert check.time_to_unhealthy() == (30, 60) and check.time_to_healthy() == (120, 150)


def test_slow_answers_and_errors_fail_checks_too():
    check = HealthCheck(interval=10, timeout=5, healthy_threshold=2, unhealthy_threshold=3)
    slow = health_timeline(check, duration=60, slow=[(0, 25)])
    assert [r.passed for r in slow.results[:4]] == [False, False, False, True]
    assert slow.first("unhealthy") == 20
    errors = health_timeline(check, duration=60, errors=[(0, 100)], start_state="initial")
    assert "500" in errors.results[0].reason and errors.first("unhealthy") == 20
    fresh = health_timeline(check, duration=30, start_state="initial")
    assert fresh.changes == [(0, "initial", "healthy")]  # one pass is enough for a new target


@settings(max_examples=60, deadline=None)
@given(interval=st.sampled_from([5, 10, 30]), threshold=st.integers(2, 10), failure=st.floats(1, 500))
def test_time_to_be_taken_out_is_always_within_the_documented_bounds(interval, threshold, failure):
    check = HealthCheck(interval=interval, timeout=2, unhealthy_threshold=threshold)
    line = health_timeline(check, duration=failure + (threshold + 2) * interval, down=[(failure, 10_000)])
    delay = line.first("unhealthy") - failure
    low, high = check.time_to_unhealthy()
    assert low <= delay < high


# ---------------------------------------------------------------------------- comparison helper

def test_compare_counts_marks_agreement():
    table = compare_counts({"a": 2, "b": 2}, {"a": 2, "b": 1, "c": 1}, labels=("model", "HAProxy"))
    assert table.column("same") == ["✓", "✗", "✗"]
    assert table.title.startswith("model vs HAProxy: 1 of 3")


# ---------------------------------------------------------------------------- the lesson's checks agree with the model

def test_lesson_answers_agree_with_the_model():
    from helpers.exercises import l10 as lesson

    shop = LoadBalancer("shop", "alb")
    for name in ("web", "api", "admin"):
        shop.add_target_group(name, [Target(f"{name}1", "10.0.1.10", "a")])
    listener = shop.add_listener("HTTP", 80, default="web")
    listener.add_rule(10, [path("/api/*")], forward="api")
    listener.add_rule(20, [host("admin.shop.example")], forward="admin")
    picked = shop.route(Request(path="/api/users", host="admin.shop.example")).target_group
    assert lesson.rule_match.check(picked).ok

    check = HealthCheck(interval=30, healthy_threshold=5, unhealthy_threshold=2)
    assert lesson.detect_time.check(check.time_to_unhealthy()[1]).ok
    assert lesson.recover_time.check(check.time_to_healthy()[1]).ok

    shares = cross_zone_shares({"a": 4, "b": 1}, False)
    assert lesson.cross_zone_share.check(float(shares.per_target_in("b") * 100)).ok

    four = LoadBalancer("rr", "alb")
    four.add_target_group("web", [Target(f"w{i}", f"10.0.1.{i}", "a") for i in range(1, 5)])
    four.add_listener("HTTP", 80, default="web")
    assert set(four.simulate(1000).as_dict().values()) == {lesson.rr_share.answer}

    from helpers.sim.loadbalancer import TYPES
    off = [t.name for t in TYPES.values() if not t.cross_zone_default and t.key in ("alb", "nlb")]
    assert lesson.cross_zone_default.check(off[0]).ok and len(off) == 1


# ---------------------------------------------------------------------------- the pictures draw the model's numbers

def test_pictures_show_the_models_numbers():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.draw import loadbalancing as draw
    from helpers.sim.autoscaling import Group, TargetTracking, day_traffic, simulate_day

    sim = web_alb().simulate(300, az="a")
    fig = draw.plot_counts(sim, targets=["web1", "web2", "web3"])
    heights = [bar.get_height() for bar in fig.axes[0].patches]
    assert heights == [100, 100, 100]
    with pytest.raises(InputError, match="no counts for web9"):
        draw.plot_counts(sim, targets=["web9"])
    plt.close(fig)

    fig = draw.plot_cross_zone({"a": 2, "b": 8})
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert texts.count("a1\n25%") == 1 and texts.count("b8\n6.25%") == 1 and texts.count("b8\n10%") == 1
    assert any("50% of traffic crosses" in ax.get_title() for ax in fig.axes)
    plt.close(fig)

    run = simulate_day(day_traffic(), Group(), TargetTracking(50))
    fig = draw.plot_autoscaling(run, cpu_lines=[50])
    instances = fig.axes[2].lines[0].get_ydata()
    assert list(instances) == run.total
    plt.close(fig)


def test_gateway_load_balancer_passes_whole_flows_to_appliances():
    gwlb = LoadBalancer("inspect", "gwlb", azs=("a",))
    gwlb.add_target_group("firewalls", [Target(f"fw{i}", f"10.0.9.{i}", "a", port=6081) for i in (1, 2, 3)])
    listener = gwlb.add_listener("IP", default="firewalls")
    assert listener.label == "IP (all ports)"
    flow = Request(protocol="TCP", port=5432, client_ip="198.51.100.4", client_port=50000)
    first = gwlb.route(flow)
    assert {gwlb.route(flow).target for _ in range(4)} == {first.target}  # one flow, one appliance
    assert first.source_seen == "198.51.100.4" and first.headers_added == {} and first.tls == ""
    with pytest.raises(InputError, match="no stickiness setting"):
        gwlb.add_target_group("more", stickiness=True)


def test_bad_requests_are_named():
    with pytest.raises(InputError, match="should start with '/'"):
        Request(path="api")
    with pytest.raises(InputError, match="client address: 999 in '203.0.113.999' is over 255"):
        Request(client_ip="203.0.113.999")
    with pytest.raises(InputError, match="these fields"):
        web_alb().route(url="/x")
    assert repr(two_plus_eight("nlb").route(Request(protocol="TCP", az="a"))).startswith(
        "TCP connection from 203.0.113.10:40001 to port 80")
