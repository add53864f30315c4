"""The CSMA/CD simulation: determinism, bookkeeping, the medium's rules, and the trend with stations."""
from __future__ import annotations

import random

import pytest

from helpers.errors import InputError
from helpers.sim import csma


def test_same_seed_same_result_other_seed_other_result():
    a = csma.simulate(8, 5000, load=0.01, seed=3)
    b = csma.simulate(8, 5000, load=0.01, seed=3)
    c = csma.simulate(8, 5000, load=0.01, seed=4)
    assert (a.offered, a.delivered, a.collisions, a.delays) == (b.offered, b.delivered, b.collisions, b.delays)
    assert (a.offered, a.collisions) != (c.offered, c.collisions)


@pytest.mark.parametrize("shared", [True, False])
def test_every_frame_is_accounted_for(shared):
    r = csma.simulate(12, 8000, load=0.01, seed=1, shared=shared)
    assert r.offered == r.delivered + r.dropped + r.waiting
    assert r.busy_slots == r.delivered * r.frame_slots
    assert len(r.delays) == r.delivered and min(r.delays) >= r.frame_slots


def test_one_station_never_collides():
    r = csma.simulate(1, 10_000, load=0.05, seed=2)
    assert r.collisions == 0 and r.collision_rate == 0 and r.delivered > 0


def test_a_switch_port_each_means_no_collisions():
    r = csma.simulate(32, 10_000, load=0.01, seed=2, shared=False)
    assert r.collisions == 0 and r.dropped == 0


def test_collisions_grow_with_stations_on_a_hub():
    results = csma.sweep([2, 8, 16, 32], slots=20_000, load=0.005, seed=0)
    rates = [r.collision_rate for r in results]
    assert rates[0] < 0.1 < rates[1] < rates[2] < rates[3]
    assert results[-1].dropped > 0  # past saturation some frames exceed 16 attempts


def test_two_saturated_stations_collide_on_their_first_try():
    # Both always have a frame: at slot 0 both send, which must be a collision.
    r = csma.simulate(2, 1, load=1.0, seed=0, trace=True)
    assert r.collisions == 1 and [row[0] for row in r.timeline] == ["collide", "collide"]


def test_timeline_obeys_the_medium():
    r = csma.simulate(5, 3000, load=0.02, seed=9, trace=True)
    for t in range(r.slots):
        states = [row[t] for row in r.timeline]
        senders = states.count("send")
        assert senders <= 1, f"slot {t}: two stations sending at once"
        if senders:
            assert "collide" not in states
        assert states.count("collide") != 1, f"slot {t}: a collision needs two stations"
    sends = sum(row.count("send") for row in r.timeline)
    assert sends == r.delivered * r.frame_slots - _cut_off(r)


def _cut_off(result) -> int:
    """Slots of the last frame that fall after the end of the run."""
    for row in result.timeline:
        run = 0
        for state in reversed(row):
            if state != "send":
                break
            run += 1
        if run and run % result.frame_slots:
            return result.frame_slots - run % result.frame_slots
    return 0


def test_backoff_range_doubles_and_caps():
    rng = random.Random(0)
    for k, limit in ((1, 1), (2, 3), (3, 7), (10, 1023), (15, 1023)):
        draws = {csma.backoff_slots(k, rng) for _ in range(5000)}
        assert min(draws) == 0 and max(draws) == limit
    with pytest.raises(InputError):
        csma.backoff_slots(0, rng)


@pytest.mark.parametrize("kwargs", [{"stations": 0}, {"stations": 2000}, {"slots": 0}, {"load": 1.5},
                                    {"load": "high"}, {"frame_slots": 0}, {"stations": 2.5}])
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(InputError):
        csma.simulate(**{"stations": 4, "slots": 100, **kwargs})
    with pytest.raises(InputError):
        csma.sweep([])


def test_summary_reads_well():
    text = repr(csma.simulate(3, 500, load=0.02, seed=1))
    assert text.startswith("3 stations on one shared hub, 500 slots:") and "collisions" in text
    assert "a switch" in repr(csma.simulate(3, 500, shared=False))


def test_pictures_draw_from_results():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.draw import switching as draw

    plt.close(draw.draw_csma_timeline(csma.simulate(3, 60, load=0.05, seed=1, trace=True)))
    plt.close(draw.draw_collisions(csma.sweep([1, 4], slots=500), csma.sweep([1, 4], slots=500, shared=False)))
    with pytest.raises(InputError):
        draw.draw_csma_timeline(csma.simulate(3, 60))
    with pytest.raises(InputError):
        draw.draw_collisions([])
