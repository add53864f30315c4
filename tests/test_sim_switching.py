"""The learning-switch model, the hub, domain counting, and the model against a real Linux bridge."""
from __future__ import annotations

import random

import pytest

from helpers.errors import InputError
from helpers.exercises import l04 as lesson
from helpers.sim.switching import BROADCAST, Frame, Hub, LearningSwitch, Network, normalize_mac, parse_fdb

A, B, C, D = "02:00:00:00:00:0a", "02:00:00:00:00:0b", "02:00:00:00:00:0c", "02:00:00:00:00:0d"
PORTS = ["p1", "p2", "p3", "p4"]


def test_first_frame_floods_and_learns_its_source():
    sw = LearningSwitch(PORTS)
    step = sw.receive(Frame(A, B), "p1")
    assert (step.action, step.out_ports, step.learned) == ("flood", ("p2", "p3", "p4"), "new")
    assert sw.as_dict() == {A: "p1"}


def test_known_destination_is_forwarded_to_its_port_only():
    sw = LearningSwitch(PORTS)
    sw.receive(Frame(A, B), "p1")
    step = sw.receive(Frame(B, A), "p2")
    assert (step.action, step.out_ports) == ("forward", ("p1",))
    assert sw.as_dict() == {A: "p1", B: "p2"}


def test_destination_on_the_incoming_port_is_filtered():
    sw = LearningSwitch(PORTS)
    sw.receive(Frame(A, C), "p1")
    sw.receive(Frame(B, C), "p1")  # A and B share p1 (say, a hub behind it)
    step = sw.receive(Frame(A, B), "p1")
    assert (step.action, step.out_ports) == ("filter", ())


def test_broadcast_and_multicast_always_flood():
    sw = LearningSwitch(PORTS)
    sw.receive(Frame(B, A), "p2")
    assert sw.receive(Frame(A, BROADCAST), "p1").out_ports == ("p2", "p3", "p4")
    assert sw.receive(Frame(A, "01:00:5e:00:00:01"), "p1").action == "flood"


def test_a_moved_station_is_relearned():
    sw = LearningSwitch(PORTS)
    sw.receive(Frame(A, B), "p1")
    step = sw.receive(Frame(A, B), "p3")
    assert step.learned == "moved" and sw.as_dict()[A] == "p3"
    assert sw.receive(Frame(A, B), "p3").learned == "refreshed"


def test_entries_age_out():
    sw = LearningSwitch(PORTS, ageing=300)
    sw.receive(Frame(A, B), "p1", time=0)
    assert sw.receive(Frame(B, A), "p2", time=299).action == "forward"
    sw.receive(Frame(C, D), "p3", time=400)  # A was last seen at 0: forgotten at 300
    assert A not in sw.as_dict() and B in sw.as_dict()
    assert sw.receive(Frame(B, A), "p2", time=401).action == "flood"
    with pytest.raises(InputError):
        sw.receive(Frame(A, B), "p1", time=10)


def test_ageing_zero_never_learns():
    sw = LearningSwitch(PORTS, ageing=0)
    for src, dst, port in ((A, B, "p1"), (B, A, "p2"), (A, B, "p1")):
        assert sw.receive(Frame(src, dst), port).action == "flood"
    assert sw.as_dict() == {}


def test_hub_repeats_everything_and_learns_nothing():
    hub = Hub(PORTS)
    trace = hub.run([(Frame(A, B), "p1"), (Frame(B, A), "p2")])
    assert [s.out_ports for s in trace] == [("p2", "p3", "p4"), ("p1", "p3", "p4")]
    assert all(s.action == "repeat" and s.table == () for s in trace)


def test_against_a_brute_force_reference():
    """Random traffic: every decision matches a reference written out from the rules."""
    rng = random.Random(7)
    macs = [f"02:00:00:00:01:{i:02x}" for i in range(6)]
    sw = LearningSwitch(PORTS)
    where: dict[str, str] = {}
    for _ in range(300):
        src, dst = rng.sample(macs + [BROADCAST], 2) if rng.random() < 0.1 else rng.sample(macs, 2)
        if src == BROADCAST:
            src, dst = dst, src
        port = rng.choice(PORTS)
        where[src] = port
        step = sw.receive(Frame(src, dst), port)
        others = tuple(p for p in PORTS if p != port)
        if dst == BROADCAST or dst not in where:
            assert step.out_ports == others
        elif where[dst] == port:
            assert step.out_ports == ()
        else:
            assert step.out_ports == (where[dst],)
        assert sw.as_dict() == where


def test_trace_table_and_display():
    names = {A: "h1", B: "h2"}
    sw = LearningSwitch(["s1-eth1", "s1-eth2", "s1-eth3"], names=names)
    trace = sw.run([(Frame(A, B), 1), (Frame(B, A), 2)])
    text = repr(trace)
    assert "h1 → h2" in text and "flood" in text and "forward" in text
    assert "h1@s1-eth1, h2@s1-eth2" in text
    assert "(h1)" in repr(sw.table()) and "<table>" in trace._repr_html_()


@pytest.mark.parametrize("bad", ["02:00:00:00:00", "zz:00:00:00:00:01", 42, None])
def test_bad_macs_are_input_errors(bad):
    with pytest.raises(InputError):
        normalize_mac(bad)


def test_misuse_gets_sentences():
    with pytest.raises(InputError, match="source MAC"):
        Frame(BROADCAST, A)
    with pytest.raises(InputError, match="no port"):
        LearningSwitch(PORTS).receive(Frame(A, B), "p9")
    with pytest.raises(InputError):
        LearningSwitch(1)
    with pytest.raises(InputError):
        LearningSwitch(["p1", "p1"])
    with pytest.raises(InputError):
        LearningSwitch(PORTS, ageing=-1)
    assert normalize_mac("02-00-00-00-00-0A") == A


def test_parse_fdb_keeps_learned_entries_only():
    text = """02:00:00:00:02:01 dev s1-eth1 master s1
02:00:00:00:01:01 dev s1-eth1 master s1 permanent
33:33:00:00:00:01 dev s1-eth1 self permanent
01:00:5e:00:00:01 dev s1 self permanent
02:00:00:00:03:01 dev s1-eth2 vlan 1 master s1
"""
    assert parse_fdb(text) == {"02:00:00:00:02:01": "s1-eth1", "02:00:00:00:03:01": "s1-eth2"}


# ---------------------------------------------------------------------------- domains

def _network(devices, links) -> Network:
    net = Network()
    for name, kind in devices:
        net.add(name, kind)
    for a, b in links:
        net.link(a, b)
    return net


def test_textbook_domain_counts():
    hub = _network([("hub", "hub")] + [(f"pc{i}", "host") for i in range(4)], [("hub", f"pc{i}") for i in range(4)])
    assert (len(hub.collision_domains()), len(hub.broadcast_domains())) == (1, 1)
    switch = _network([("sw", "switch")] + [(f"pc{i}", "host") for i in range(4)],
                      [("sw", f"pc{i}") for i in range(4)])
    assert (len(switch.collision_domains()), len(switch.broadcast_domains())) == (4, 1)
    routed = _network([("r", "router"), ("s1", "switch"), ("s2", "switch")] + [(f"pc{i}", "host") for i in range(6)],
                      [("r", "s1"), ("r", "s2")] + [("s1", f"pc{i}") for i in range(3)]
                      + [("s2", f"pc{i}") for i in range(3, 6)])
    assert (len(routed.collision_domains()), len(routed.broadcast_domains())) == (8, 2)


def test_the_lessons_example_matches_its_hand_counted_answers():
    net = _network(lesson.DOMAIN_EXAMPLE["devices"], lesson.DOMAIN_EXAMPLE["links"])
    assert len(net.collision_domains()) == lesson.collision_domains.answer == 7
    assert len(net.broadcast_domains()) == lesson.broadcast_domains.answer == 2
    hub_domain = next(d for d in net.collision_domains() if "hub1" in d)
    assert hub_domain == {"s1", "hub1", "pc3", "pc4", "pc5"}


def test_network_misuse():
    net = Network().add("a")
    with pytest.raises(InputError):
        net.add("a")
    with pytest.raises(InputError):
        net.add("b", "firewall")
    with pytest.raises(InputError):
        net.link("a", "zz")
    with pytest.raises(InputError):
        net.link("a", "a")


# ---------------------------------------------------------------------------- the real bridge

def test_model_matches_the_linux_bridge_frame_by_frame(live):
    """Random pings on a real bridge: every frame went where the model says, and the bridge's fdb
    equals the model's table after every round."""
    from helpers.experiments import l04

    rng = random.Random(2024)
    hosts = list(l04.SWITCH_HOSTS)
    pairs = [tuple(rng.sample(hosts, 2)) for _ in range(6)]
    lab = l04.switch_lab("t04-bridge")
    with lab:
        l04.pin_neighbours(lab)
        rounds = l04.watch_learning(lab, pairs)
        agreement = l04.compare_with_model(lab, rounds)
        assert agreement.all_agree, agreement
        _, trace = l04.replay_on_model(lab, rounds)
        done = 0
        for r in rounds:
            done += len(r.frames)
            assert dict(trace[done - 1].table) == r.learned, r.fdb
        assert len(rounds[-1].learned) == len({h for pair in pairs for h in pair})
        # With ageing 0 the bridge floods every frame and keeps nothing, like the Hub model.
        l04.set_hub_mode(lab, on=True)
        hub_rounds = l04.watch_learning(lab, [("h1", "h2"), ("h2", "h3")])
        assert l04.compare_with_model(lab, hub_rounds, hub=True).all_agree
        assert all(r.learned == {} for r in hub_rounds)


# ---------------------------------------------------------------------------- pictures of the model

def test_switch_step_view_and_pictures():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.draw import switching as draw

    sw = LearningSwitch(["s1-eth1", "s1-eth2", "s1-eth3"], names={A: "h1", B: "h2"})
    trace = sw.run([(Frame(A, B), 1), (Frame(B, A), 2)])
    on_port = {"s1-eth1": "h1", "s1-eth2": "h2", "s1-eth3": "h3"}
    first, second = draw.switch_step_view(trace, 0, on_port), draw.switch_step_view(trace, 1, on_port)
    assert (first["in_port"], first["out_ports"], first["action"]) == ("s1-eth1", ["s1-eth2", "s1-eth3"], "flood")
    assert (second["out_ports"], second["table"]) == (["s1-eth1"], [("h1", "s1-eth1"), ("h2", "s1-eth2")])
    assert first["title"] == "Step 1: h1 → h2 arrives on s1-eth1: FLOOD"
    with pytest.raises(InputError):
        draw.switch_step_view(trace, 2, on_port)
    with pytest.raises(InputError):
        draw.switch_step_view(trace, 0, {"s1-eth1": "h1"})
    plt.close(draw.draw_switch_step(trace, 0, on_port))
    hub_trace = Hub(["p1", "p2"]).run([(Frame(A, B), "p1")])
    plt.close(draw.draw_switch_step(hub_trace, 0, {"p1": "h1", "p2": "h2"}))
    widget = draw.step_widget(trace, on_port)
    slider = widget.children[0]
    assert (slider.min, slider.max, slider.value) == (1, 2, 1)
    slider.value = 2  # redraws without error
    plt.close("all")
