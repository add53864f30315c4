"""Auto Scaling policies over a day: hand-built traffic with known answers, then the full day."""
from __future__ import annotations

import math

import pytest

from helpers.errors import InputError
from helpers.sim.autoscaling import (Fixed, Group, SimpleScaling, StepScaling, TargetTracking, compare_policies,
                                     day_traffic, scale_up_vs_out, simulate_day)


def steps(*parts):
    """Traffic from (minutes, requests per second) pieces."""
    out = []
    for minutes, load in parts:
        out += [float(load)] * minutes
    return out


def test_day_traffic_is_a_repeatable_day():
    a, b = day_traffic(), day_traffic()
    assert a == b and len(a) == 1440
    assert day_traffic(seed=11) != a
    night, evening = sum(a[180:240]) / 60, sum(a[1190:1210]) / 20
    assert evening > 5 * night  # a busy evening, a quiet night
    assert min(a[900:930]) > max(a[840:870])  # the 15:00 flash sale


def test_target_tracking_sizes_the_group_by_the_formula():
    group = Group(min_size=2, max_size=20, capacity=100, warmup=5)
    # 2 instances at 400 req/s: CPU 100% (capped) -> ceil(2 * 100 / 50) = 4 first
    run = simulate_day(steps((10, 100), (60, 400), (60, 100)), group, TargetTracking(target=50))
    first = run.events[0]
    assert first[:4] == (12, "out", 2, 4)  # three minutes above the target: 10, 11, 12
    # once 4 serve (minute 17) CPU is 100% again -> ceil(4 * 100 / 50) = 8, which holds 400 at 50%
    assert max(run.total) == 8
    settled = run.cpu[40:69]
    assert all(v == pytest.approx(50.0) for v in settled)


def test_instances_serve_only_after_warming_up():
    group = Group(min_size=2, max_size=20, capacity=100, warmup=5)
    run = simulate_day(steps((10, 100), (30, 400)), group, TargetTracking(target=50))
    assert run.total[13] == 4 and run.in_service[13] == 2  # launched at 12, not serving yet
    assert run.in_service[17] == 4
    assert run.unserved[13] == pytest.approx(200.0)  # 400 asked, 2 x 100 served


def test_scale_in_waits_for_a_quiet_quarter_hour_and_stops_at_the_base():
    group = Group(min_size=2, max_size=20, capacity=100, warmup=5)
    run = simulate_day(steps((5, 100), (60, 400), (120, 40)), group, TargetTracking(target=50))
    ins = [e for e in run.events if e[1] == "in"]
    assert ins[0][0] == 65 + 14  # 15 low minutes: 65 .. 79
    assert run.final_size == group.min_size
    assert min(run.total) >= group.min_size


def test_simple_scaling_waits_out_its_cooldown():
    group = Group(min_size=2, max_size=20, capacity=100, warmup=5)
    policy = SimpleScaling(high=70, low=30, add=2, remove=1, high_for=3, cooldown=5)
    run = simulate_day(steps((5, 100), (60, 1000)), group, policy)
    outs = [e[0] for e in run.events if e[1] == "out"]
    assert outs[0] == 7  # minutes 5, 6, 7 above 70 %
    gaps = [b - a for a, b in zip(outs, outs[1:])]
    assert gaps and all(g >= group.warmup + policy.cooldown for g in gaps)  # launch + cooldown
    assert all(new - old == 2 for _, kind, old, new, _ in run.events if kind == "out")


def test_step_scaling_takes_bigger_steps_for_bigger_breaches():
    group = Group(min_size=2, max_size=20, capacity=100, warmup=5)
    mild = simulate_day(steps((5, 100), (10, 130)), group, StepScaling())  # 65 % CPU
    hard = simulate_day(steps((5, 100), (10, 400)), group, StepScaling())  # 100 % CPU
    assert mild.events[0][3] - mild.events[0][2] == 1
    assert hard.events[0][3] - hard.events[0][2] == 4
    # minutes 8-11: CPU is still 100 % while the four warm up, yet nothing more is launched;
    # at 12 they serve (6 x 100 for 400: 67 %) and the first step (+1) applies
    assert hard.events[0][:4] == (7, "out", 2, 6)
    assert hard.events[1][:4] == (7 + group.warmup, "out", 6, 7)


def test_the_full_day_scales_out_and_back_to_the_base_size():
    traffic, group = day_traffic(), Group()
    for policy in (TargetTracking(50), SimpleScaling(), StepScaling()):
        run = simulate_day(traffic, group, policy)
        assert run.scale_outs > 0 and run.scale_ins > 0, policy.name
        assert run.peak_size > group.min_size
        assert run.final_size == group.min_size, policy.name
        assert all(group.min_size <= n <= group.max_size for n in run.total)
        assert run.unserved_share < 0.01, policy.name
    base_only = simulate_day(traffic, group, Fixed(group.min_size))
    assert base_only.unserved_share > 0.2  # two instances cannot carry the evening
    always_peak = simulate_day(traffic, group, Fixed(12))
    scaled = simulate_day(traffic, group, TargetTracking(50))
    assert scaled.instance_hours < always_peak.instance_hours / 2


def test_compare_policies_lists_each_policy():
    table = compare_policies(day_traffic(), Group(), [TargetTracking(50), Fixed(2)])
    assert [row[0] for row in table.rows] == ["target tracking 50% CPU", "fixed 2 instances"]


def test_scale_up_versus_out_worked_by_hand():
    choice = scale_up_vs_out(700)
    assert choice.out_count == 7 and choice.out_capacity == 700
    assert choice.up_size == "4xlarge" and choice.up_capacity == 800  # 400 is too small, 800 fits
    assert choice.out_cost == pytest.approx(0.70) and choice.up_cost == pytest.approx(0.80)
    assert choice.table.row("one instance fails")[2] == f"{100 / 7:.0f}% of capacity gone"
    too_big = scale_up_vs_out(5000)
    assert too_big.up_size is None and too_big.out_count == math.ceil(5000 / 100)


def test_mistakes_are_one_sentence_errors():
    with pytest.raises(InputError, match="below min_size"):
        Group(min_size=5, max_size=3)
    with pytest.raises(InputError, match="CPU percentage"):
        TargetTracking(target=150)
    with pytest.raises(InputError, match="low < high"):
        SimpleScaling(high=30, low=70)
    with pytest.raises(InputError, match="policy object"):
        simulate_day(day_traffic(), Group(), TargetTracking)
    with pytest.raises(InputError, match="requests per second"):
        scale_up_vs_out(0)


def test_lesson_answers_agree_with_the_model():
    from helpers.exercises import l10 as lesson

    assert lesson.scale_out_count.check(scale_up_vs_out(700).out_count).ok
    two_days = day_traffic() + day_traffic(seed=11)
    run = simulate_day(two_days, Group(min_size=2, max_size=15), TargetTracking(50))
    assert max(run.total[18 * 60:23 * 60]) == 11  # the evening peak the exercise quotes
    assert lesson.base_size.check(run.total[24 * 60 + 3 * 60]).ok  # 03:00 the next night
