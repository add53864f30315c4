"""The Route 53 model answers as the Route 53 Developer Guide says it does."""
from __future__ import annotations

import ipaddress
import random
from collections import Counter
from fractions import Fraction
from itertools import permutations

import pytest

from helpers.errors import InputError
from helpers.sim.route53 import (LATENCY_MS, LOCATIONS, AwsResource, HealthCheck, HostedZone, aggregate_health,
                                 latency_table, through_resolvers)

A, B, C = "203.0.113.10", "203.0.113.20", "203.0.113.30"


def weighted_zone(weights=(3, 1, 0), checks=None) -> HostedZone:
    zone = HostedZone("example.com")
    for index, (value, weight) in enumerate(zip((A, B, C), weights)):
        check = checks[index] if checks else None
        zone.weighted("app", "A", value, weight=weight, set_id=f"r{index + 1}", health_check=check)
    return zone


def dead_check(name: str) -> HealthCheck:
    return HealthCheck(name, A, interval=10, failure_threshold=1).down(0)


def live_check(name: str) -> HealthCheck:
    return HealthCheck(name, A, interval=10, failure_threshold=1)


# ---------------------------------------------------------------------------- hosted zones

def test_new_zone_has_four_name_servers_under_four_tlds_and_an_soa():
    zone = HostedZone("Example.COM")
    assert zone.domain == "example.com."
    ns = zone.group("@", "NS")[0]
    assert len(ns.values) == 4 and ns.ttl == 172800
    assert {v.split(".awsdns-")[1].split(".", 1)[1] for v in ns.values} == {"org.", "co.uk.", "com.", "net."}
    soa = zone.group("example.com", "SOA")[0].values[0].split()
    assert soa[0] in ns.values and soa[1] == "awsdns-hostmaster.amazon.com."
    assert HostedZone("example.com").name_servers == zone.name_servers  # repeatable


def test_names_are_completed_inside_the_zone_and_refused_outside():
    zone = HostedZone("example.com")
    assert zone.fqdn("www") == "www.example.com."
    assert zone.fqdn("@") == "example.com."
    assert zone.fqdn("api.example.com") == "api.example.com."
    with pytest.raises(InputError, match="not in the hosted zone"):
        zone.fqdn("www.example.org.")
    with pytest.raises(InputError, match="VPC"):
        HostedZone("corp.internal", private=True)


@pytest.mark.parametrize("action, words", [
    (lambda z: z.weighted("app", "A", A, weight=256, set_id="x"), "0 to 255"),
    (lambda z: z.weighted("app", "A", A, weight=-1, set_id="x"), "0 to 255"),
    (lambda z: z.weighted("app", "A", A, weight=True, set_id="x"), "0 to 255"),
    (lambda z: z.add("app", "A", [A, B], weight=1, set_id="x"), "one value"),
    (lambda z: z.add("app", "A", A, weight=1), "record ID"),
    (lambda z: z.simple("www", "A", A), "already exists"),
    (lambda z: z.weighted("www", "A", A, weight=1, set_id="x"), "share one routing policy"),
    (lambda z: z.cname("@", "lb.example.net"), "apex"),
    (lambda z: z.cname("www", "lb.example.net"), "only record"),
    (lambda z: z.simple("www6", "A", "2001:db8::1"), "IPv4"),
    (lambda z: z.simple("www6", "AAAA", A), "IPv6"),
    (lambda z: z.simple("mail", "MX", "10 mx"), "types"),
    (lambda z: z.latency("api", "A", A, region="mars-1", set_id="m"), "region"),
    (lambda z: z.add("site", "A", A, failover="PRIMARY", weight=1, set_id="p"), "one routing policy"),
    (lambda z: z.simple("x", "A", A, ttl=-5), "TTL"),
    (lambda z: z.alias("home", "A", "nothing-here"), "create it first"),
])
def test_what_route53_refuses_gets_one_sentence(action, words):
    zone = HostedZone("example.com")
    zone.simple("www", "A", A)
    with pytest.raises(InputError, match=words) as caught:
        action(zone)
    assert str(caught.value).endswith(".")


def test_one_record_per_region_and_one_primary():
    zone = HostedZone("example.com")
    zone.latency("api", "A", A, region="us-east-1", set_id="a")
    with pytest.raises(InputError, match="one per region"):
        zone.latency("api", "A", B, region="us-east-1", set_id="b")
    zone.failover_record("site", "A", A, role="primary", set_id="p")
    with pytest.raises(InputError, match="one\\s+primary"):
        zone.failover_record("site", "A", B, role="PRIMARY", set_id="q")
    with pytest.raises(InputError, match="duplicate|already has a record with ID"):
        zone.failover_record("site", "A", B, role="SECONDARY", set_id="p")


def test_health_check_settings_are_those_aws_allows():
    with pytest.raises(InputError, match="10 or 30"):
        HealthCheck("h", A, interval=20)
    with pytest.raises(InputError, match="1 to 10"):
        HealthCheck("h", A, failure_threshold=11)
    with pytest.raises(InputError, match="IPv4"):
        HealthCheck("h", "web1")


# ---------------------------------------------------------------------------- simple

def test_simple_returns_every_value_in_random_order():
    zone = HostedZone("example.com")
    zone.simple("www", "A", A, B, C, ttl=300)
    rng = random.Random(1)
    orders = Counter(tuple(zone.answer("www", rng=rng).values) for _ in range(600))
    assert set(orders) == set(permutations((A, B, C)))  # every order occurs
    assert all(60 <= n <= 140 for n in orders.values())  # about 100 each
    tally = zone.simulate("www", 3000)
    assert all(abs(tally.share(v) - 1 / 3) < 0.04 for v in (A, B, C))
    assert zone.answer("www").ttl == 300 and zone.answer("www").rcode == "NOERROR"


def test_nxdomain_nodata_and_a_cname_followed_inside_the_zone():
    zone = HostedZone("example.com")
    zone.simple("www", "A", A)
    zone.simple("deep.sub", "A", B)
    zone.cname("shop", "www")
    assert zone.answer("nope").rcode == "NXDOMAIN"
    assert zone.answer("sub").rcode == "NOERROR" and zone.answer("sub").values == []  # empty non-terminal
    assert zone.answer("www", "AAAA").values == []
    shop = zone.answer("shop")
    assert [r[2] for r in shop.records] == ["CNAME", "A"] and shop.values == [A]
    zone.cname("cdn", "d111.cloudfront.net")
    outside = zone.answer("cdn")
    assert outside.records == [("cdn.example.com.", 300, "CNAME", "d111.cloudfront.net.")]


# ---------------------------------------------------------------------------- weighted

def test_weighted_shares_follow_weight_over_sum():
    zone = weighted_zone((3, 1, 0))
    assert zone.expected_shares("app") == {A: Fraction(3, 4), B: Fraction(1, 4), C: Fraction(0)}
    tally = zone.simulate("app", 8000)
    assert abs(tally.share(A) - 0.75) < 0.02 and abs(tally.share(B) - 0.25) < 0.02
    assert tally.counts[C] == 0  # weight 0 never answers while others have weight


def test_canary_weight_one_of_256():
    zone = weighted_zone((1, 255, 0))
    assert zone.expected_shares("app")[A] == Fraction(1, 256)
    assert 60 <= zone.simulate("app", 25600).counts[A] <= 150


def test_all_weights_zero_means_equal_shares():
    zone = weighted_zone((0, 0, 0))
    assert set(zone.expected_shares("app").values()) == {Fraction(1, 3)}
    tally = zone.simulate("app", 3000)
    assert all(abs(tally.share(v) - 1 / 3) < 0.04 for v in (A, B, C))


# The AWS table "health checks and weighted routing": weights 1, 1, 0, every record with a check.
@pytest.mark.parametrize("healthy, answered", [
    ((False, False, True), {C}),
    ((False, False, False), {A, B}),  # all unhealthy counts as all healthy; nonzero weights first
    ((False, True, False), {B}),
    ((True, True, False), {A, B}),
    ((True, True, True), {A, B}),
])
def test_weight_zero_with_health_checks_as_documented(healthy, answered):
    checks = [live_check(f"h{i}") if ok else dead_check(f"h{i}") for i, ok in enumerate(healthy)]
    zone = weighted_zone((1, 1, 0), checks)
    seen = {v for v, n in zone.simulate("app", 400, time=60).counts.items() if n}
    assert seen == answered


def test_weight_zero_record_without_a_check_is_the_standby():
    zone = weighted_zone((1, 1, 0), [dead_check("h1"), dead_check("h2"), None])
    assert set(zone.simulate("app", 200, time=60).counts) == {C}
    assert "weight-0" in zone.answer("app", time=60).why


def test_changing_a_weight_shifts_traffic():
    zone = weighted_zone((3, 1, 0))
    zone.set_weight("app", "A", "r1", 1)
    assert zone.expected_shares("app")[A] == Fraction(1, 2)
    with pytest.raises(InputError, match="0 to 255"):
        zone.set_weight("app", "A", "r1", 300)
    with pytest.raises(InputError, match="no A record"):
        zone.set_weight("app", "A", "nope", 1)


def test_same_seed_same_answers_other_seed_other_answers():
    zone = weighted_zone((1, 1, 1))
    assert zone.simulate("app", 50, seed=7).counts == zone.simulate("app", 50, seed=7).counts
    first = [zone.answer("app", rng=random.Random(1)).first for _ in range(1)]
    assert first == [zone.answer("app", rng=random.Random(1)).first]
    runs = {tuple(zone.simulate("app", 30, seed=s).as_dict().values()) for s in range(5)}
    assert len(runs) > 1


# ---------------------------------------------------------------------------- latency

def latency_zone(checks=(None, None, None)) -> HostedZone:
    zone = HostedZone("example.com")
    for value, region, check in zip((A, B, C), ("us-east-1", "ap-northeast-2", "eu-central-1"), checks):
        zone.latency("api", "A", value, region=region, set_id=region, health_check=check)
    return zone


@pytest.mark.parametrize("location", LOCATIONS)
def test_latency_answers_the_lowest_round_trip(location):
    zone = latency_zone()
    regions = {"us-east-1": A, "ap-northeast-2": B, "eu-central-1": C}
    best = min(regions, key=lambda r: LATENCY_MS[location][r])
    assert zone.answer("api", location=location).values == [regions[best]]
    assert zone.expected_shares("api", location=location)[regions[best]] == 1


def test_latency_skips_an_unhealthy_region_and_needs_a_location():
    seoul_down = HealthCheck("seoul", B, interval=10).down(0)
    zone = latency_zone((None, seoul_down, None))
    assert zone.answer("api", location="Seoul", time=0).values == [B]  # not noticed yet
    later = zone.answer("api", location="Seoul", time=60)
    assert later.values == [A] and "unhealthy" in later.why  # us-east-1 (190) beats eu-central-1 (240)
    with pytest.raises(InputError, match="location"):
        zone.answer("api")
    with pytest.raises(InputError, match="resolver location"):
        zone.answer("api", location="Atlantis")


def test_latency_table_marks_each_rows_minimum():
    table = latency_table(["Seoul"], ["us-east-1", "ap-northeast-2"])
    assert table.rows == [["Seoul", "190", "5*"]]


# ---------------------------------------------------------------------------- failover and health

def failover_zone(primary_check, secondary_check=None) -> HostedZone:
    zone = HostedZone("example.com")
    zone.failover_record("site", "A", A, role="PRIMARY", set_id="primary", health_check=primary_check)
    zone.failover_record("site", "A", B, role="SECONDARY", set_id="secondary", health_check=secondary_check)
    return zone


def test_health_check_flips_after_threshold_results_in_a_row():
    check = HealthCheck("p", A, interval=10, failure_threshold=3).down(5, 100)
    # checks at 10, 20, 30 fail: unhealthy from the third; at 100, 110, 120 pass: healthy again
    assert check.status_at(29) is True and check.status_at(30) is False
    assert check.status_at(119) is False and check.status_at(120) is True
    quick = HealthCheck("q", A, interval=30, failure_threshold=1).down(31)
    assert quick.status_at(59) is True and quick.status_at(60) is False


def test_failover_primary_then_secondary_and_both_down_means_primary():
    zone = failover_zone(HealthCheck("p", A, interval=10).down(60))
    assert zone.answer("site", time=0).values == [A]
    assert zone.answer("site", time=90).values == [B]
    both = failover_zone(HealthCheck("p", A, interval=10).down(0), HealthCheck("s", B, interval=10).down(0))
    assert both.answer("site", time=60).values == [A] and "both are unhealthy" in both.answer("site", time=60).why


def test_timeline_shows_the_switch_and_the_ttl_tail():
    zone = failover_zone(HealthCheck("p", A, interval=10, failure_threshold=3).down(60, 200))
    timeline = zone.timeline("site", until=300, step=10)
    assert timeline.changes() == [(80.0, "primary", "secondary"), (220.0, "secondary", "primary")]
    assert "until 140 s" in timeline.summary()
    assert timeline.table(every=5).rows[0][-1] == "primary (203.0.113.10)"


def test_eighteen_percent_rule():
    assert aggregate_health(0.1875) is True  # 3 of 16 checkers
    assert aggregate_health(0.18) is False and aggregate_health(0.0) is False
    with pytest.raises(InputError):
        aggregate_health(1.5)
    regional_problem = HealthCheck("p", A, interval=30).down(0, seen_by=0.7)
    assert regional_problem.status_at(300) is True  # 25% of checkers still pass
    wide_problem = HealthCheck("p", A, interval=30).down(0, seen_by=0.9)
    assert wide_problem.status_at(300) is False


# ---------------------------------------------------------------------------- alias records

def test_alias_at_the_apex_answers_the_resources_addresses():
    zone = HostedZone("example.com")
    alb = AwsResource("load balancer", "my-alb.elb.amazonaws.com", ("198.51.100.7", "198.51.100.8"))
    zone.alias("@", "A", alb)
    answer = zone.answer("example.com")
    assert sorted(answer.values) == ["198.51.100.7", "198.51.100.8"]
    assert answer.ttl == 60 and all(r[2] == "A" for r in answer.records)  # no CNAME in the answer
    zone.simple("www", "A", A, ttl=120)
    zone.alias("home", "A", "www")
    assert zone.answer("home").values == [A] and zone.answer("home").ttl == 120


def test_alias_with_evaluate_target_health_leaves_an_unhealthy_target_out():
    zone = HostedZone("example.com")
    sick = AwsResource("load balancer", "sick.elb.amazonaws.com", ("198.51.100.7",), healthy=False)
    fine = AwsResource("load balancer", "fine.elb.amazonaws.com", ("198.51.100.9",))
    zone.alias("app", "A", sick, evaluate_target_health=True, weight=1, set_id="sick")
    zone.alias("app", "A", fine, evaluate_target_health=True, weight=1, set_id="fine")
    assert set(zone.simulate("app", 100).counts) == {"198.51.100.9"}


# ---------------------------------------------------------------------------- resolvers, config

def test_users_behind_caching_resolvers_move_in_blocks():
    zone = weighted_zone((1, 1, 0))
    shares = through_resolvers(zone, "app", [1000])
    assert sorted(shares.values()) == [0, 0, 1]  # one resolver, one answer for everybody
    with pytest.raises(InputError):
        through_resolvers(zone, "app", [])


def test_config_round_trip_gives_the_same_answers():
    zone = weighted_zone((3, 1, 0), [HealthCheck("h", A, interval=10), None, None])
    again = HostedZone.from_config(zone.to_config())
    assert again.simulate("app", 200).counts == zone.simulate("app", 200).counts
    assert again.group("app", "A")[0].health_check.interval == 10


def test_zone_text_lists_every_value_and_parses_as_a_zone_file():
    from helpers.dns.zone import Zone

    zone = weighted_zone((3, 1, 0))
    zone.cname("shop", "app")
    parsed = Zone.from_text(zone.zone_text())
    values = sorted(r.value for r in parsed.records if r.name == "app.example.com." and r.rtype == "A")
    assert values == sorted([A, B, C])
    for value in values:
        ipaddress.IPv4Address(value)


def test_exercise_answers_agree_with_the_model():
    from helpers.exercises import l11

    assert weighted_zone((3, 1, 0)).expected_shares("app")[B] * 100 == l11.green_share.answer
    zone = HostedZone("example.com")
    zone.latency("api", "A", A, region="us-east-1", set_id="a")
    zone.latency("api", "A", C, region="eu-central-1", set_id="c")
    assert zone.answer("api", location="São Paulo").values == [A] and l11.sao_paulo.answer == "us-east-1"
    check = HealthCheck("p", A, interval=10, failure_threshold=3).down(0.001)  # just after the check at 0
    switched = next(t for t in range(0, 100) if not check.status_at(t))
    assert switched == l11.detect_seconds.answer == 30
