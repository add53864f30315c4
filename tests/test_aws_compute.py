"""Scale up vs scale out: the arithmetic of the teaching model, checked by hand."""
from __future__ import annotations

import math

import pytest

from helpers.aws.compute import (
    DEMAND_PROFILE, RPS_PER_VCPU, capacity, instances_needed, scale_up_choice, simulate_day,
)
from helpers.errors import InputError


def test_capacity_is_vcpus_times_the_assumed_rate():
    assert capacity("t3.large") == 2 * RPS_PER_VCPU       # t3.large has 2 vCPUs
    assert capacity("m5.4xlarge") == 16 * RPS_PER_VCPU    # m5.4xlarge has 16
    with pytest.raises(InputError):
        capacity("x9.huge")


def test_scale_up_picks_the_smallest_type_that_fits():
    assert scale_up_choice(400) == "m5.large"             # 500 >= 400
    assert scale_up_choice(1500) == "m5.2xlarge"          # 2000 is the first m5 >= 1500 (xlarge: 1000)
    assert scale_up_choice(5000) is None                  # beyond m5.4xlarge (4000): the ceiling


def test_instances_for_surviving_an_az_loss():
    # by hand: each of 2 AZs must carry 6000 alone with 500 per instance -> 12 per AZ, 24 in all
    assert instances_needed(6000, "t3.large") == 24
    assert instances_needed(6000, "t3.large", survive_az_loss=False) == 12
    # 3 AZs: the 2 left after a loss carry 6000 -> 6 per AZ, 18 in all
    assert instances_needed(6000, "t3.large", azs=3) == 18
    with pytest.raises(InputError):
        instances_needed(100, "t3.large", azs=1)


def test_the_exercise_answer_matches_the_model():
    from helpers.exercises.l09 import scale_out_count
    assert scale_out_count.check(instances_needed(6000, "t3.large")).ok


def test_a_day_without_failure():
    day = simulate_day()
    assert day.demand == tuple(float(d) for d in DEMAND_PROFILE)
    assert day.up_type == scale_up_choice(max(DEMAND_PROFILE))
    assert day.unserved("up") == 0 and day.unserved("out") == 0
    per = capacity("t3.medium")
    for load, fleet in zip(DEMAND_PROFILE, day.fleet):
        assert fleet % 2 == 0 and fleet >= 2 and fleet * per >= load
        assert (fleet - 2) * per < load or fleet == 2       # no more than needed (rounded up to pairs)


def test_an_az_failure_hurts_scale_up_more():
    day = simulate_day(failed_az_hour=19)
    assert all(c == 0 for c in day.scale_up[19:])
    assert day.scale_out[19] == day.fleet[19] // 2 * capacity("t3.medium")
    assert day.unserved("up") > day.unserved("out")
    expected_up_loss = sum(DEMAND_PROFILE[19:])
    assert day.unserved("up") == expected_up_loss
    assert math.isclose(day.unserved("out"), max(DEMAND_PROFILE[19] - day.scale_out[19], 0))
