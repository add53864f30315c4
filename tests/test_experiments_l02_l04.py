"""The live labs of lessons 02 and 04 behave as the lessons say (and their pure helpers parse right)."""
from __future__ import annotations

import pytest

from helpers.errors import InputError
from helpers.exercises import l02 as lesson02
from helpers.exercises import l04 as lesson04
from helpers.experiments import l02, l04

CONNTRACK = """\
ipv4     2 tcp      6 117 TIME_WAIT src=10.0.1.10 dst=203.0.113.10 sport=40001 dport=80 src=203.0.113.10 dst=198.51.100.2 sport=80 dport=40001 [ASSURED] mark=0 zone=0 use=2
ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.1.1 dst=10.0.1.10 sport=22 dport=5000 src=10.0.1.10 dst=10.0.1.1 sport=5000 dport=22 [ASSURED] mark=0 zone=0 use=2
ipv4     2 icmp     1 29 src=10.0.1.10 dst=203.0.113.10 type=8 code=0 id=7 src=203.0.113.10 dst=198.51.100.2 type=0 code=0 id=7 mark=0 zone=0 use=2
"""


def test_nat_translations_keep_only_translated_tcp_entries():
    assert l04.nat_translations(CONNTRACK) == [
        {"inside": "10.0.1.10:40001", "outside": "198.51.100.2:40001", "remote": "203.0.113.10:80"}]
    assert l04.nat_translations("") == []


def test_built_request_is_the_textbook_frame():
    frame = l02.build_http_request()
    raw = bytes(frame)
    assert raw[12:14] == b"\x08\x00" and raw[14] == 0x45  # IPv4, 20-byte header
    assert raw[34:36] == (40001).to_bytes(2, "big") and raw[36:38] == (80).to_bytes(2, "big")
    assert raw[54:].startswith(b"GET / HTTP/1.1\r\n")
    assert [r[2] for r in l02.layer_rows(frame)][:3] == [14, 20, 20]
    assert sum(r[2] for r in l02.layer_rows(frame)[:3]) == lesson02.header_bytes.answer


def test_probes_refuse_self_pings():
    lab = l04.switch_lab("t04-misuse")
    with pytest.raises(InputError):
        l04.watch_learning(lab, [("h1", "h1")])
    with pytest.raises(InputError):
        l04.watch_learning(lab, [("h1", "h9")])


def test_osi_lab(live):
    lab = l02.osi_lab("t02-osi")
    with lab:
        counted = l02.count_nodes(lab)
        assert counted["nodes"] == ["h1", "r1", "web"] and len(counted["nodes"]) == lesson02.nodes.answer
        assert counted["networks"] == ["10.0.2.0/24", "10.0.20.0/24"]
        page, capture = l02.capture_http(lab)
        assert page.status == 200 and "web" in page.body
        at_h1, at_web = l02.http_request(capture, "h1:eth0"), l02.http_request(capture, "web:eth0")
        # Across the router: new MACs, same IPs and ports, TTL one lower.
        assert (at_h1["Ether"].src, at_h1["Ether"].dst) == ("02:00:00:00:01:01", "02:00:00:00:03:01")
        assert (at_web["Ether"].src, at_web["Ether"].dst) == ("02:00:00:00:03:02", "02:00:00:00:04:01")
        assert (at_h1["IP"].src, at_h1["IP"].dst) == (at_web["IP"].src, at_web["IP"].dst) == ("10.0.2.10", "10.0.20.80")
        assert (at_h1["IP"].ttl, at_web["IP"].ttl) == (64, 63) == (64, lesson02.ttl_at_web.answer)
        assert [r[0] for r in l02.compare_layers(l02.build_http_request(), at_h1)] == ["Ethernet", "IPv4", "TCP", "HTTP"]
        exchanges = l02.capture_tcp_and_udp(lab)
        flags = [str(s.packet["TCP"].flags) for s in exchanges["TCP to port 80 (open)"].packets]
        assert flags[:3] == ["S", "SA", "A"] and "F" in flags[3]
        assert exchanges["TCP to port 81 (closed)"].packets[-1].packet["TCP"].flags.R
        udp_open = exchanges["UDP to port 7 (open)"]
        assert udp_open.probe.reply == "hello" and len(udp_open.packets) == 2
        closed = exchanges["UDP to port 8 (closed)"].packets[-1].packet
        assert closed["ICMP"].type == 3 and closed["ICMP"].code == 3


def test_broadcast_stops_at_the_router(live):
    lab = l04.switch_lab("t04-bcast")
    with lab:
        answer, seen = l04.broadcast_reach(lab)
        assert answer.mac == "02:00:00:00:04:01"
        assert seen == ["h2:eth0", "h3:eth0", "r1:eth0"]
        assert lesson04.arp_reach.check([p.split(":")[0] for p in seen]).ok


def test_routing_lab(live):
    lab = l04.routing_lab("t04-routing")
    with lab:
        l04.add_loopback_addresses(lab)
        assert lab["h1"].ping("10.0.2.10", count=1).ttl == 63
        assert "Destination Net Unreachable" in lab["h1"].ping("10.99.0.1", count=1).problems[0]
        assert "Time to live exceeded" in lab["h1"].ping("10.0.2.10", count=1, ttl=1).problems[0]
        assert lab["h1"].traceroute("10.20.30.1").addresses == ["10.0.1.1", "10.20.30.1"]
        l04.seed_routes_on_ec2(lab)
        lines = [l.rstrip() for l in lab["ec2"].run("ip route").lines]
        assert lines == list(l04.SEED_ROUTES)
        assert lab["ec2"].ping("10.0.2.10", count=1).received == 1
        comparison = l04.compare_route_get(lab["r1"], l04.r1_model(),
                                           ["10.20.30.99", "10.20.7.7", "192.168.1.40", "10.0.1.255", "10.99.0.1"])
        assert comparison.all_agree, comparison
        assert comparison.rows[0][1] == f"10.20.30.99 via {lesson04.longest_prefix.answer} dev eth2 src 10.0.3.1"


def test_nat_lab(live):
    lab = l04.nat_lab("t04-nat")
    with lab:
        before = lab["h1"].ping("203.0.113.10", count=1)
        assert before.received == 0
        lab["r1"].nft(l04.NAT_RULES)
        with lab.capture("site:eth0", filter="tcp") as capture:
            page = lab["h1"].http("http://203.0.113.10/")
        assert page.status == 200
        sources = {s.packet["IP"].src for s in capture.packets} - {"203.0.113.10"}
        assert sources == {lesson04.source_seen.answer}
        translations = l04.nat_translations(lab["r1"].run("cat /proc/net/nf_conntrack").output)
        assert translations and translations[0]["outside"].startswith("198.51.100.2:")
        assert "Destination Host Unreachable" in lab["site"].ping("10.0.1.10", count=1).problems[0]


def test_vpc_lab(live):
    lab = l04.vpc_lab("t04-vpc")
    with lab:
        routes = l04.kernel_route_get(lab["web"], ["10.0.1.11", "10.0.2.20", "203.0.113.50"])
        assert " via " not in routes["10.0.1.11"]
        assert "via 10.0.1.1 " in routes["10.0.2.20"] and "via 10.0.1.1 " in routes["203.0.113.50"]
        results = {row[0]: row[2] for row in l04.reachability(lab)}
        assert results == {"user → 198.51.100.10:80": "connected",
                           "user → 10.0.2.20:5432": "failed: network is unreachable",
                           "web → 10.0.2.20:5432": "connected",
                           "web2 → 10.0.2.20:5432": "connected",
                           "web → 10.0.2.20:22": "failed: no route to host"}
        assert '"client": "198.51.100.10"' in lab["web"].http("http://203.0.113.50/whoami").body


def _seen(flags: str, from_client: bool):
    from scapy.layers.inet import IP, TCP
    from scapy.layers.l2 import Ether

    from helpers.lab.capture import Seen

    src, dst = (l02.CLIENT, l02.WEB) if from_client else (l02.WEB, l02.CLIENT)
    sport, dport = (40002, 80) if from_client else (80, 40002)
    return Seen(0, "h1:eth0", 0.0, Ether() / IP(src=src, dst=dst) / TCP(sport=sport, dport=dport, flags=flags))


@pytest.mark.parametrize("close", [
    [("FA", True), ("FA", False), ("A", True)],                # the server's ACK rides on its FIN
    [("FA", True), ("A", False), ("FA", False), ("A", True)],  # the server ACKs first, then sends FIN
])
def test_tcp_story_is_the_same_however_the_close_is_timed(close):
    packets = [_seen("S", True), _seen("SA", False), _seen("A", True)] + [_seen(f, c) for f, c in close]
    story = l02.Exchange(None, packets).key_packets()
    assert [str(s.packet["TCP"].flags) for s in story] == ["S", "SA", "A", "FA", "FA", "A"]
    assert [s.packet["IP"].src == l02.CLIENT for s in story] == [True, False, True, True, False, True]
