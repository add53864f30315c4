"""Lesson 01's facts and numbers (helpers.draw.cloud) and the exercises built on them."""
from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

from helpers.draw import cloud
from helpers.errors import InputError
from helpers.exercises import l01


def test_region_facts_follow_the_notes():
    assert cloud.REGION["code"] == "ap-northeast-2"
    assert all(z.startswith("ap-northeast-2") and len(z) == len("ap-northeast-2a") for z in cloud.REGION["zones"])
    assert len(cloud.REGION["zones"]) >= 2
    assert cloud.REGION["az_distance_km"] == 100
    assert cloud.REGION["intra_az_links"] == "100/400 GbE"
    assert set(cloud.EDGE) == {"edge location", "regional edge cache"}


def test_service_map_has_the_notes_services_in_their_groups():
    groups = {s.name: s.group for s in cloud.SERVICES}
    assert groups == {
        "Amazon VPC": "Network foundations", "AWS Transit Gateway": "Network foundations",
        "Amazon CloudFront": "Edge networking", "Amazon Route 53": "Edge networking",
        "AWS Global Accelerator": "Edge networking", "AWS Shield": "Edge networking",
        "AWS Direct Connect": "Hybrid connectivity", "AWS Site-to-Site VPN": "Hybrid connectivity"}
    assert cloud.service("direct connect").name == "AWS Direct Connect"
    assert cloud.service("Amazon Route 53").group == "Edge networking"
    with pytest.raises(InputError):
        cloud.service("Lambda")


@pytest.mark.parametrize("km,ms", [(0, 0.0), (100, 1.0), (1000, 10.0), (11150, 111.5)])
def test_fibre_round_trip_is_twice_the_distance_at_200_km_per_ms(km, ms):
    assert cloud.fibre_rtt_ms(km) == pytest.approx(ms)


def test_route_factor_stretches_and_bad_input_is_refused():
    assert cloud.fibre_rtt_ms(100, route_factor=1.5) == pytest.approx(1.5)
    for bad in (-1, "far", True):
        with pytest.raises(InputError):
            cloud.fibre_rtt_ms(bad)
    with pytest.raises(InputError):
        cloud.fibre_rtt_ms(100, route_factor=0.5)


def test_demand_curve_shape():
    demand = cloud.demand_curve()
    assert len(demand) == 168
    nights = [demand[day * 24 + 2] for day in range(7)]
    assert all(n == 20 for n in nights)  # the base load at 2 am
    assert max(demand) > 1.8 * max(demand[:24])  # the sale spike dwarfs an ordinary day
    with pytest.raises(InputError):
        cloud.demand_curve(0)


def test_capacity_plan_numbers_by_brute_force():
    demand = [10, 10, 50, 90, 30]
    plan = cloud.capacity_plan(demand, bought=60, headroom=0.0, step=10)
    # Bought 60 for 5 hours = 300 server-hours; used min(d, 60): 10+10+50+60+30 = 160.
    assert plan.owned_idle_share == pytest.approx(1 - 160 / 300)
    assert plan.owned_shortfall_hours == 1
    # Rented: each hour rounded up to 10: 10, 10, 50, 90, 30 -> 190 server-hours for 190 of demand.
    assert plan.rented == (10, 10, 50, 90, 30)
    assert plan.rented_idle_share == pytest.approx(0.0)
    assert "1 of 5 hours" in plan.summary()


def test_default_plan_buys_for_the_everyday_peak_not_the_spike():
    plan = cloud.capacity_plan()
    assert plan.owned < max(plan.demand)
    assert plan.owned_shortfall_hours > 0
    assert plan.owned_idle_share > plan.rented_idle_share
    with pytest.raises(InputError):
        cloud.capacity_plan([1, -2])


def test_exercises_agree_with_the_numbers_the_lesson_shows():
    plan = cloud.capacity_plan()
    assert l01.idle_share.check(round(plan.owned_idle_share * 100)).ok
    assert l01.az_rtt.check(1).ok and not l01.az_rtt.check(0.5).ok


def test_tables_and_pictures():
    import matplotlib.pyplot as plt

    assert len(cloud.self_hosting_table()) == len(cloud.SELF_HOSTING) == 10
    assert "IAM" in repr(cloud.responsibility_table())
    assert len(cloud.services_table()) == len(cloud.SERVICES)
    for figure in (cloud.draw_global_infrastructure(), cloud.draw_shared_responsibility(), cloud.draw_service_map(),
                   cloud.draw_latency_by_distance(), cloud.draw_capacity(cloud.capacity_plan())):
        assert figure.axes
        plt.close(figure)
