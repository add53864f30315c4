"""Lesson 05: reading ping and the neighbour table (pure functions), and the labs on a real network."""
from __future__ import annotations

import ipaddress
import random
import statistics

import pytest

from helpers.errors import InputError
from helpers.exercises import l05 as exercises
from helpers.experiments import l05
from helpers.lab.results import parse_ping
from helpers.sim.arp import arp_view, neighbour_table, parse_ip_neigh
from helpers.sim.ping import (about, explain_ping, mdev, ping_fields, round_trip_loss, segment_table, segments,
                              slowest_segment)

PING = """PING 10.0.3.10 (10.0.3.10) 56(84) bytes of data.
64 bytes from 10.0.3.10: icmp_seq=1 ttl=61 time=101 ms
64 bytes from 10.0.3.10: icmp_seq=3 ttl=61 time=103 ms
64 bytes from 10.0.3.10: icmp_seq=4 ttl=61 time=102 ms

--- 10.0.3.10 ping statistics ---
4 packets transmitted, 3 received, 25% packet loss, time 605ms
rtt min/avg/max/mdev = 101.0/102.0/103.0/0.816 ms
"""


def test_mdev_is_the_population_standard_deviation():
    times = [10.0, 10.0, 10.0, 30.0]
    assert mdev(times) == pytest.approx(statistics.pstdev(times))
    assert mdev([5.0]) == 0.0
    # ping's own summary line agrees with the formula
    assert mdev([101.0, 103.0, 102.0]) == pytest.approx(0.816, abs=0.001)


def test_round_trip_loss_matches_a_simulation_of_the_cable():
    rng = random.Random(7)
    trials = 40_000
    lost = sum(1 for _ in range(trials) if rng.random() < 0.2 or rng.random() < 0.2)
    assert round_trip_loss(0.2) == pytest.approx(lost / trials, abs=0.01)
    assert round_trip_loss(0.2) == pytest.approx(0.36)
    assert round_trip_loss(0.1, links=2) == pytest.approx(1 - 0.9 ** 4)
    with pytest.raises(InputError):
        round_trip_loss(20)


def test_about_rounds_to_a_step_and_rejects_nonsense():
    assert [about(x, 10) for x in (0.3, 101.4, 104.9, 105.1)] == [0, 100, 100, 110]
    with pytest.raises(InputError):
        about(-1)
    with pytest.raises(InputError):
        about("12")


def test_segments_are_differences_of_consecutive_hops():
    hops = [("r1", 0.4), ("r2", 10.5), ("r3", 90.8), ("srv", 101.0)]
    added = [round(s.added_ms, 1) for s in segments(hops)]
    assert added == [0.4, 10.1, 80.3, 10.2]
    assert slowest_segment(hops).label == "r2 → r3"
    table = segment_table(hops)
    assert "r2 → r3       ~80 ms    80%" in table
    with pytest.raises(InputError):
        segments([("r1",)])


def test_ping_fields_explain_every_part_of_the_output():
    result = parse_ping("h1", "10.0.3.10", "ping -c 4 10.0.3.10", PING)
    rows = {row.name: row.value for row in ping_fields(result)}
    assert rows["56(84) bytes"] == "56(84)" and rows["ttl"] == "61"
    assert rows["icmp_seq"] == "1, 3, 4" and rows["packet loss"] == "25%"
    assert rows["time"] == "~100 ms" and rows["rtt min/avg/max"] == "min ~100 ms"
    assert "64 bytes from 10.0.3.10" in repr(explain_ping(result))
    empty = parse_ping("h1", "10.0.9.9", "ping", "1 packets transmitted, 0 received, 100% packet loss")
    with pytest.raises(InputError):
        ping_fields(empty)


NEIGH = """10.0.1.77 dev eth0 INCOMPLETE
10.0.1.20 dev eth0 lladdr 02:00:00:00:03:01 REACHABLE
10.0.1.1 dev eth0 lladdr 02:00:00:00:02:01 router STALE
10.0.1.99 dev eth0 lladdr 02:00:00:00:00:99 PERMANENT
"""


def test_ip_neigh_lines_become_entries_and_the_arp_view():
    entries = parse_ip_neigh(NEIGH)
    assert [(e.ip, e.state, e.complete) for e in entries] == [
        ("10.0.1.77", "INCOMPLETE", False), ("10.0.1.20", "REACHABLE", True), ("10.0.1.1", "STALE", True),
        ("10.0.1.99", "PERMANENT", True)]
    lines = arp_view(entries).splitlines()
    assert lines[0].startswith("Address                  HWtype  HWaddress")
    # sorted by address, flags as arp prints them
    assert [line.split()[0] for line in lines[1:]] == ["10.0.1.1", "10.0.1.20", "10.0.1.77", "10.0.1.99"]
    assert lines[4].split()[-2:] == ["CM", "eth0"] and "(incomplete)" in lines[3]
    assert "REACHABLE" in neighbour_table(entries)
    with pytest.raises(InputError):
        parse_ip_neigh("not a neighbour line")


def test_path_lab_predictions_follow_from_its_link_delays():
    assert l05.expected_rtts() == [("r1", 0.0), ("r2", 10.0), ("r3", 90.0), ("srv", 100.0)]
    lab = l05.path_lab()
    # every hop address is on one of the lab's links, and the server is the last hop
    networks = [ipaddress.ip_network(str(i.network)) for n in lab.nodes.values() for i in n.interfaces if i.address]
    for _, address in l05.PATH_HOPS:
        assert any(ipaddress.ip_address(address) in net for net in networks)
    assert l05.PATH_HOPS[-1][1] == l05.SERVER
    assert exercises.slow_stretch.check("r2 -> r3").ok and exercises.slow_stretch.check("r2 to r3").ok


# ---------------------------------------------------------------------------- live

@pytest.mark.live
def test_arp_request_is_broadcast_and_reply_unicast(live):
    lab = l05.arp_lab()
    try:
        lab.start()
        h1, h2, h3 = lab["h1"], lab["h2"], lab["h3"]
        with lab.capture("h1:eth0", "h2:eth0", "h3:eth0", filter="arp") as cap:
            h1.ping("10.0.1.20", count=1)
        from scapy.layers.l2 import ARP

        requests = [s for s in cap if s.packet[ARP].op == 1]
        replies = [s for s in cap if s.packet[ARP].op == 2]
        assert sorted(s.point for s in requests) == ["h1:eth0", "h2:eth0", "h3:eth0"]
        assert all(s.packet.dst == "ff:ff:ff:ff:ff:ff" for s in requests)
        assert sorted(s.point for s in replies) == ["h1:eth0", "h2:eth0"]
        assert all(s.packet.dst == h1.interfaces[0].mac for s in replies)
        # h2 learned h1 from the request; h3 heard it and learned nothing
        assert "10.0.1.10" in h2.run("ip neigh").output and h3.run("ip neigh").output.strip() == ""
        # the arp view of `ip neigh` is exactly what net-tools' arp prints
        h1.run("ip neigh add 10.0.1.99 lladdr 02:00:00:00:00:99 dev eth0 nud permanent", check=True)
        h1.ping("10.0.1.77", count=1, timeout=0.3)  # nobody: an INCOMPLETE entry
        real = h1.run("arp -n")
        if real.returncode == 0:
            ours = arp_view(parse_ip_neigh(h1.run("ip neigh").output))
            assert sorted(ours.splitlines()[1:]) == sorted(line.rstrip() for line in real.output.splitlines()[1:])
            assert ours.splitlines()[0] == real.output.splitlines()[0].rstrip()
    finally:
        lab.stop()
