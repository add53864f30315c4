"""Replay gives back exactly what the live run saw; packet walks; DNS probes; missing tools."""
from __future__ import annotations

import textwrap

import pytest

from helpers.lab import Lab, LabError
from helpers.lab import backends, recording, topology
from helpers.lab.capture import Seen
from helpers.lab.walk import PacketWalk


def small_lab(name: str) -> Lab:
    lab = Lab(name)
    s1, h1, r1, h2 = lab.switch("s1"), lab.host("h1"), lab.router("r1"), lab.host("h2")
    lab.link(h1, s1, ip1="10.0.1.10/24")
    lab.link(r1, s1, ip1="10.0.1.1/24")
    lab.link(r1, h2, ip1="10.0.2.1/24", ip2="10.0.2.10/24")
    h1.default_route("10.0.1.1")
    h2.default_route("10.0.2.1")
    h2.serve_http(80)
    return lab


def observe_everything(lab: Lab):
    h1 = lab["h1"]
    with lab.capture("h1:eth0", "h2:eth0", filter="icmp") as cap:
        h1.ping("10.0.2.10", count=1)
    return [h1.run("ip -br addr"), h1.ping("10.0.2.10", count=2), h1.traceroute("10.0.2.10"),
            h1.tcp_connect("10.0.2.10", 80), h1.http("http://10.0.2.10/"), h1.arp("10.0.1.1"),
            cap.table().rows()]


@pytest.mark.live
def test_offline_replays_exactly_what_was_recorded(live, tmp_path, monkeypatch):
    monkeypatch.setattr(recording, "RECORDINGS", tmp_path)
    monkeypatch.setattr(recording, "_open", {})
    monkeypatch.setenv("NETCOURSE_RECORD", "1")
    lab = small_lab("test-replay")
    with lab:
        seen_live = observe_everything(lab)
    assert (tmp_path / "test-replay.json").exists()

    monkeypatch.delenv("NETCOURSE_RECORD")
    monkeypatch.setenv("NETCOURSE_LAB_MODE", "offline")
    backends.detect_mode(refresh=True)
    try:
        offline = small_lab("test-replay")
        assert not offline.mode.live
        with offline:
            seen_offline = observe_everything(offline)
            with pytest.raises(recording.NotRecorded, match="no recording of this ping on h1"):
                offline["h1"].ping("10.0.1.1")
    finally:
        monkeypatch.delenv("NETCOURSE_LAB_MODE")
        backends.detect_mode(refresh=True)
    assert seen_offline == seen_live
    assert [repr(r) for r in seen_offline[:-1]] == [repr(r) for r in seen_live[:-1]]


@pytest.mark.live
def test_dns_probe_against_a_lab_name_server(live):
    server = textwrap.dedent("""
        import time
        from dnslib import A, QTYPE, RR
        from dnslib.server import BaseResolver, DNSServer
        class Answer(BaseResolver):
            def resolve(self, request, handler):
                reply = request.reply()
                if str(request.q.qname) == "www.example.com." and QTYPE[request.q.qtype] == "A":
                    reply.add_answer(RR("www.example.com.", QTYPE.A, rdata=A("203.0.113.10"), ttl=300))
                    reply.header.aa = 1
                else:
                    reply.header.rcode = 3
                return reply
        DNSServer(Answer(), port=53, address="0.0.0.0").start_thread()
        print("ready", flush=True)
        while True:
            time.sleep(60)
    """)
    lab = Lab("test-dns")
    h1, ns = lab.host("h1"), lab.host("ns")
    lab.link(h1, ns, ip1="10.0.0.1/24", ip2="10.0.0.53/24")
    import sys

    ns.start([sys.executable, "-c", server], name="dns", wait_ready_line=True)
    with lab:
        found = h1.dns("www.example.com", server="10.0.0.53")
        missing = h1.dns("nope.example.com", server="10.0.0.53")
    assert found.addresses == ["203.0.113.10"] and found.authoritative and found.answers[0].ttl == 300
    assert found.command == "dig +tries=1 +time=2 +nocmd +nostats @10.0.0.53 www.example.com A"
    assert missing.status == "NXDOMAIN" and missing.addresses == []
    assert "DiG 9" not in found.output and "Query time" not in found.output


def test_missing_ip_command_is_one_sentence(monkeypatch):
    lab = small_lab("test-noip")
    if not lab.mode.live:
        pytest.skip("offline labs never look for tools")
    monkeypatch.setattr(topology, "find_tool", lambda name: None)
    with pytest.raises(LabError, match="the 'ip' command is missing; install the iproute2 package"):
        lab.start()
    assert not lab.running


# ---------------------------------------------------------------------------- packet walk

def fake_capture(lab):
    from scapy.layers.inet import ICMP, IP
    from scapy.layers.l2 import Ether

    request = Ether(src="02:00:00:00:02:01", dst="02:00:00:00:03:01") / IP(src="10.0.1.10", dst="10.0.2.10", ttl=64) / ICMP(type=8, seq=1)
    forwarded = Ether(src="02:00:00:00:03:02", dst="02:00:00:00:04:01") / IP(src="10.0.1.10", dst="10.0.2.10", ttl=63) / ICMP(type=8, seq=1)
    reply = Ether(src="02:00:00:00:04:01", dst="02:00:00:00:03:02") / IP(src="10.0.2.10", dst="10.0.1.10", ttl=64) / ICMP(type=0, seq=1)

    class Fake:
        packets = [Seen(1, "h1:eth0", 0.0, request), Seen(2, "r1:eth1", 0.001, forwarded),
                   Seen(3, "h2:eth0", 0.002, reply)]
    return Fake()


def test_walk_steps_show_headers_changing_hop_by_hop():
    lab = small_lab("test-walk")
    walk = PacketWalk(lab, fake_capture(lab))
    assert len(walk) == 3
    text = walk.text().splitlines()
    assert text[0] == "1. at h1:eth0: echo request seq=1 ttl=64"
    assert "L2 Ethernet  02:00:00:00:02:01 → 02:00:00:00:03:01  type IPv4" in text[1]
    assert "ttl 63" in walk.text().split("2. at r1:eth1")[1]
    assert PacketWalk(lab, fake_capture(lab), where=lambda p: p["IP"].ttl == 63).text().startswith("1. at r1:eth1")
    with pytest.raises(LabError, match="steps 1 to 3"):
        walk.step(4)


def test_walk_widget_moves_and_draws():
    import matplotlib

    matplotlib.use("Agg")
    lab = small_lab("test-walk-widget")
    walk = PacketWalk(lab, fake_capture(lab))
    widget = walk.widget()
    assert repr(widget) == walk.text()  # notebooks show the steps as text, not picture bytes
    first = widget.children[1].value
    widget.slider.value = 2
    assert bytes(widget.children[1].value) != bytes(first) and bytes(widget.children[1].value).startswith(b"\x89PNG")
    assert "r1:eth1" in widget.children[2].value
    figure = walk.figure(2)
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert "✉" in texts and "Step 2 of 3" in figure.axes[0].get_title()
