"""The lab engine without a live network: topology spec, build plan, validation, parsers, replay."""
from __future__ import annotations

import json
import os

import pytest

from helpers.lab import Lab, LabError
from helpers.lab import recording as rec
from helpers.lab import results as R
from helpers.lab import state
from helpers.lab.topology import NsRef, Step, build_script


def routed_lab(name="spec-routed"):
    lab = Lab(name)
    s1, h1, h2, r1, h3 = lab.switch("s1"), lab.host("h1"), lab.host("h2"), lab.router("r1"), lab.host("h3")
    lab.link(h1, s1, ip1="10.0.1.10/24")
    lab.link(h2, s1, ip1="10.0.1.11/24")
    lab.link(r1, s1, ip1="10.0.1.1/24")
    lab.link(r1, h3, ip1="10.0.2.1/24", ip2="10.0.2.10/24", delay="20ms", loss="10%", rate="10mbit")
    h1.default_route("10.0.1.1")
    return lab


# ---------------------------------------------------------------------------- plan and recipe

def test_recipe_is_the_commands_a_learner_would_type():
    lines = repr(routed_lab().recipe()).splitlines()
    for node in ("s1", "h1", "h2", "r1", "h3", "wire"):
        assert f"ip netns add {node}" in lines
    assert "ip link add eth0 netns h1 type veth peer name s1-eth1 netns s1" in lines
    assert "ip -n h1 addr add 10.0.1.10/24 dev eth0" in lines
    assert "ip -n s1 link set s1-eth1 master s1" in lines
    assert "ip -n h1 route add default via 10.0.1.1" in lines
    assert any("net.ipv4.ip_forward=1" in l and l.startswith("ip netns exec r1 ") for l in lines)
    assert not any("ip_forward" in l and l.startswith("ip netns exec h1 ") for l in lines)
    # the impaired link goes through the emulator, and the netem equivalent is shown
    assert "ip link add eth1 netns r1 type veth peer name w4a netns wire" in lines
    assert any("netem delay 20ms loss 10%" in l for l in lines)
    assert "ip netns exec r1 tc qdisc add dev eth1 root tbf rate 10mbit burst 32kbit latency 100ms" in lines


def test_macs_are_fixed_by_node_and_interface_order():
    lab = routed_lab()
    assert lab["h1"].interfaces[0].mac == "02:00:00:00:02:01"
    assert lab["r1"].interface("eth1").mac == "02:00:00:00:04:02"
    assert lab["s1"].interface("s1-eth3").mac == "02:00:00:00:01:03"
    assert repr(routed_lab().recipe()) == repr(routed_lab().recipe())


def test_build_script_batches_ip_commands_per_namespace():
    steps = [Step(["ip", "netns", "add", NsRef("a")]), Step(["ip", "netns", "add", NsRef("b")]),
             Step(["sysctl", "-qw", "x=1"], ns="a"),
             Step(["ip", "link", "set", "lo", "up"], ns="a"), Step(["ip", "addr", "add", "10.0.0.1/24", "dev", "eth0"], ns="a"),
             Step(["nft", "-f", "-"], ns="a", stdin="table inet t {}")]
    script = build_script(steps, lambda n: f"P-{n}")
    assert script.count("ip -batch -") == 1 and "netns add P-a\nnetns add P-b" in script
    assert "ip netns exec P-a sysctl -qw x=1" in script
    assert "ip -n P-a -batch - <<'NCEOF'\nlink set lo up\naddr add 10.0.0.1/24 dev eth0\nNCEOF" in script
    assert "ip netns exec P-a nft -f - <<'EOF'\ntable inet t {}\nEOF" in script


def test_summary_lists_every_interface():
    text = repr(routed_lab())
    assert text.startswith("Lab 'spec-routed': ")
    assert "3 hosts" in text and "1 switch" in text and "1 router" in text and "4 links (not started)" in text
    assert "h3       host    eth0       10.0.2.10/24" in text and "(delay 20ms, loss 10%, rate 10mbit)" in text


# ---------------------------------------------------------------------------- validation

@pytest.mark.parametrize("build, message", [
    (lambda lab: lab.host("H1"), "lowercase"),
    (lambda lab: lab.host("averyverylongname"), "1-8 lowercase"),
    (lambda lab: lab.host("wire"), "1-8 lowercase"),
    (lambda lab: (lab.host("h1"), lab.host("h1")), "already has a node called h1"),
    (lambda lab: lab.link(lab.host("a"), lab.host("b"), ip1="10.0.0.1"), "prefix length"),
    (lambda lab: lab.link(lab.host("a"), lab.host("b"), ip1="10.0.0.300/24"), "not an address"),
    (lambda lab: lab.link(lab.host("a"), lab.host("b"), ip1="10.0.0.0/24"), "network address of 10.0.0.0/24"),
    (lambda lab: lab.link(lab.host("a"), lab.host("b"), ip1="10.0.0.255/24"), "broadcast address"),
    (lambda lab: lab.link(lab.host("a"), lab.host("b"), ip1="fd00::1/64"), "IPv6"),
    (lambda lab: lab.link(lab.host("a"), lab.switch("s"), ip2="10.0.0.2/24"), "switch"),
    (lambda lab: lab.link(lab.host("a"), lab.host("b"), ip1="10.0.0.1/24", ip2="10.0.1.2/24"), "different networks"),
    (lambda lab: lab.link(lab.host("a"), "nosuch"), "has no node 'nosuch'"),
    (lambda lab: lab.link(lab.host("a"), lab.host("b"), delay="fast"), "not a duration"),
    (lambda lab: lab.link(lab.host("a"), lab.host("b"), loss="150%"), "not a percentage"),
    (lambda lab: lab.link(lab.host("a"), lab.host("b"), rate="10 fast"), "not a link speed"),
    (lambda lab: (lab.link(lab.host("a"), lab.host("b"), ip1="10.0.0.1/24"),
                  lab["a"].route("default", via="10.9.9.9")), "cannot reach the gateway 10.9.9.9"),
    (lambda lab: lab.host("a").route("10.0.0.0/8"), "needs via="),
    (lambda lab: lab.host("a").route("10.0.0.1/8", dev="eth0"), "host bits set; the network is 10.0.0.0/8"),
    (lambda lab: lab.host("a").interface("eth5"), "has no interface 'eth5'"),
])
def test_mistakes_get_one_sentence(build, message):
    lab = Lab("spec-errors")
    with pytest.raises(LabError) as error:
        build(lab)
    text = str(error.value)
    assert message in text
    assert text.count("\n") == 0 and text.endswith(".")


def test_bad_lab_name_and_empty_lab():
    with pytest.raises(LabError, match="short lowercase words"):
        Lab("My Lab")
    with pytest.raises(LabError, match="has no nodes yet"):
        Lab("spec-empty").start()


def test_probes_need_a_running_lab_and_stay_inside_it():
    lab = routed_lab("spec-probes")
    with pytest.raises(LabError, match="not running"):
        lab["h1"].ping("10.0.1.11")
    lab.running = True  # pretend, to reach the destination check without building anything
    try:
        with pytest.raises(LabError, match="outside lab 'spec-probes'"):
            lab["h1"].ping("8.8.8.8")
        with pytest.raises(LabError, match="outside lab"):
            lab["h1"].tcp_connect("192.0.2.10", 80)
        lab.allow("192.0.2.0/24")
        assert lab._destination("192.0.2.10") == "192.0.2.10"
        assert lab._destination(lab["h3"]) == "10.0.2.10"
        assert lab._destination("127.0.0.1") == "127.0.0.1"
        with pytest.raises(LabError, match="not an http"):
            lab["h1"].http("ftp://10.0.2.10/")
    finally:
        lab.running = False


def test_gateway_given_with_the_host_becomes_its_default_route():
    lab = Lab("spec-gw")
    h1, r1 = lab.host("h1", gateway="10.0.0.254"), lab.router("r1")
    lab.link(h1, r1, ip1="10.0.0.1/24", ip2="10.0.0.254/24")
    assert "ip -n h1 route add default via 10.0.0.254" in repr(lab.recipe())


# ---------------------------------------------------------------------------- parsers (real tool output)

PING_OK = """PING 10.0.2.10 (10.0.2.10) 56(84) bytes of data.
64 bytes from 10.0.2.10: icmp_seq=1 ttl=63 time=41.8 ms
64 bytes from 10.0.2.10: icmp_seq=2 ttl=63 time=20.8 ms

--- 10.0.2.10 ping statistics ---
2 packets transmitted, 2 received, 0% packet loss, time 200ms
rtt min/avg/max/mdev = 20.810/31.319/41.829/10.509 ms
"""

PING_UNREACHABLE = """PING 10.0.9.9 (10.0.9.9) 56(84) bytes of data.
From 10.0.1.1 icmp_seq=1 Destination Net Unreachable
From 10.0.1.1 icmp_seq=2 Destination Net Unreachable

--- 10.0.9.9 ping statistics ---
2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 1001ms
"""


def test_parse_ping():
    result = R.parse_ping("h1", "10.0.2.10", "ping -c 2 10.0.2.10", PING_OK)
    assert (result.transmitted, result.received, result.loss_percent, result.ttl) == (2, 2, 0.0, 63)
    assert result.rtts == [41.8, 20.8]
    assert result.rtt_min == 20.8 and result.rtt_max == 41.8
    assert abs(result.rtt_avg - 31.3) < 1e-9
    assert abs(result.rtt_mdev - 10.5) < 0.01  # ping printed 10.509 from unrounded times
    bad = R.parse_ping("h1", "10.0.9.9", "ping", PING_UNREACHABLE)
    assert (bad.received, bad.errors, bad.loss_percent, bad.ok) == (0, 2, 100.0, False)
    assert bad.problems[0].endswith("Destination Net Unreachable")


def test_parse_traceroute_with_silent_and_unreachable_hops():
    text = ("traceroute to 10.0.3.10 (10.0.3.10), 10 hops max, 60 byte packets\n"
            " 1  10.0.1.1  0.185 ms\n 2  *\n 3  10.0.3.10  0.562 ms !H\n")
    result = R.parse_traceroute("h1", "10.0.3.10", "traceroute", text)
    assert result.addresses == ["10.0.1.1", None, "10.0.3.10"]
    assert result.hops[0].rtt_ms == 0.185 and result.hops[2].note == "!H"
    assert result.reached


def test_parse_http_head_takes_the_last_response():
    text = ("HTTP/1.1 301 Moved Permanently\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n"
            "HTTP/1.1 200 OK\r\nServer: netcourse-http\r\nCache-Control: public, max-age=60\r\n\r\n")
    result = R.parse_http_head("h1", "http://x/", "curl -I -L http://x/", text)
    assert result.status == 200 and result.reason == "OK"
    assert result.header("cache-control") == "public, max-age=60"
    assert result.header("Location") is None


def test_http_result_shows_the_body_as_curl_i_prints_it():
    head = "HTTP/1.1 200 OK\nContent-Length: 6"
    shown = R.parse_http_head("h1", "http://x/", "curl -sS -i http://x/", head, "hello\n").terminal().output
    assert shown == "HTTP/1.1 200 OK\nContent-Length: 6\n\nhello"
    failed = R.parse_http_head("h1", "http://x/", "curl -sS -i http://x/", "", "", "curl: (7) Failed to connect")
    assert failed.terminal().output == "curl: (7) Failed to connect"


DIG = """
; <<>> DiG 9.18.41-1~deb12u1-Debian <<>> +tries=1 @10.0.0.53 www.example.com A
;; global options: +cmd
;; Got answer:
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 4242
;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 1, ADDITIONAL: 0

;; QUESTION SECTION:
;www.example.com.		IN	A

;; ANSWER SECTION:
www.example.com.	300	IN	A	203.0.113.10

;; AUTHORITY SECTION:
example.com.		3600	IN	NS	ns1.example.com.

;; Query time: 1 msec
"""


def test_parse_dig():
    result = R.parse_dig("h1", "www.example.com", "A", "10.0.0.53", "dig ...", DIG)
    assert result.status == "NOERROR" and result.authoritative
    assert result.addresses == ["203.0.113.10"]
    assert result.answers[0].ttl == 300 and result.authority[0].rtype == "NS"


def test_results_round_trip_through_json():
    original = R.parse_ping("h1", "10.0.2.10", "ping", PING_OK)
    again = R.decode(json.loads(json.dumps(R.encode(original))))
    assert again == original and repr(again) == repr(original)
    dns = R.parse_dig("h1", "www.example.com", "A", "", "dig", DIG)
    assert R.decode(json.loads(json.dumps(R.encode(dns)))) == dns


# ---------------------------------------------------------------------------- record and replay

def test_record_then_replay(tmp_path, monkeypatch):
    monkeypatch.setattr(rec, "RECORDINGS", tmp_path)
    monkeypatch.setenv("NETCOURSE_RECORD", "1")
    live = rec.Recording("spec-replay", replay=False)
    calls = iter([1, 2])
    assert live.observe("ping", "h1", "ping x", lambda: next(calls)) == 1
    assert live.observe("ping", "h1", "ping x", lambda: next(calls)) == 2
    assert live.save() == tmp_path / "spec-replay.json"
    offline = rec.Recording("spec-replay", replay=True)
    boom = lambda: pytest.fail("replay must not run anything live")
    assert [offline.observe("ping", "h1", "ping x", boom) for _ in range(3)] == [1, 2, 2]
    with pytest.raises(rec.NotRecorded, match="no recording of this ping on h2"):
        offline.observe("ping", "h2", "ping x", boom)


def test_nothing_is_written_unless_recording(tmp_path, monkeypatch):
    monkeypatch.setattr(rec, "RECORDINGS", tmp_path)
    monkeypatch.delenv("NETCOURSE_RECORD", raising=False)
    live = rec.Recording("spec-norecord", replay=False)
    live.observe("run", "h1", "true", lambda: 1)
    assert live.save() is None and not list(tmp_path.iterdir())


# ---------------------------------------------------------------------------- cleanup bookkeeping

def test_records_round_trip_and_detect_dead_owners(tmp_path, monkeypatch):
    monkeypatch.setattr(state, "state_dir", lambda: tmp_path)
    record = state.LabRecord("nclabcde", "x", "root", os.getpid(), state.process_start(os.getpid()),
                             ["nclabcde-h1"])
    record.save()
    loaded = state.load_records()
    assert loaded == [record]
    assert state.is_alive(record.owner_pid, record.owner_start)
    assert not state.is_alive(record.owner_pid, "0")  # a reused PID has another start time
    (tmp_path / "nclbroken.json").write_text("{half")
    assert state.load_records() == [record] and not (tmp_path / "nclbroken.json").exists()


def test_only_course_namespaces_match_the_prefix():
    assert state.PREFIX_PATTERN.match("ncl0a1b2-h1")
    assert not state.PREFIX_PATTERN.match("docker-ns")
    assert not state.PREFIX_PATTERN.match("ncl0a1b-h1")
    assert not state.PREFIX_PATTERN.match("myncl0a1b2-h1")


def test_binder_is_named_as_the_reason_for_offline(monkeypatch):
    from helpers.lab.backends import detect_mode

    monkeypatch.setenv("BINDER_LAUNCH_HOST", "https://mybinder.org/")
    try:
        mode = detect_mode(refresh=True)
        assert mode.kind == "offline" and "Binder gives no privileges" in mode.one_line()
    finally:
        monkeypatch.delenv("BINDER_LAUNCH_HOST")
        detect_mode(refresh=True)


def test_commands_name_nodes_plainly_and_run_with_real_names():
    lab = routed_lab("spec-names")
    lab.prefix = "nclabcde"
    real = lab._real_names_in("ip link add v0 type veth peer name eth0 netns h2; ip -n s1 link; "
                              "ip netns exec h3 true; echo h1 netns wire")
    assert real == ("ip link add v0 type veth peer name eth0 netns nclabcde-h2; ip -n nclabcde-s1 link; "
                    "ip netns exec nclabcde-h3 true; echo h1 netns nclabcde-wire")
    assert lab._plain_names_in("link-netns nclabcde-h2") == "link-netns h2"
    assert lab._real_names_in("ip -n h10 link") == "ip -n h10 link"  # not a node of this lab


def test_a_missing_tool_is_one_sentence_naming_its_package(monkeypatch):
    from helpers.lab import topology

    monkeypatch.setattr(topology, "find_tool", lambda name: None)
    with pytest.raises(topology.LabError, match=r"'ping' command is not installed.*package iputils-ping"):
        topology.require_tool("ping")
    with pytest.raises(topology.LabError, match="package dnsutils"):
        topology.require_tool("dig")
    topology.require_tool("/usr/bin/python3")  # a path is the caller's own program


def test_sysctl_only_takes_network_settings_of_the_namespace():
    from helpers.lab import Lab
    from helpers.lab.topology import LabError

    h1 = Lab("99-sysctl").host("h1")
    h1.sysctl("net.ipv4.ip_forward", 1)
    for key in ("kernel.pid_max", "vm.swappiness", None):
        with pytest.raises(LabError, match="per-namespace network setting"):
            h1.sysctl(key, 1)


def test_telnet_and_nc_results_read_as_the_tools_print_them():
    def telnet(open_, error=""):
        return R.ConnectResult("c1", "10.0.6.10", 80, "telnet 10.0.6.10 80", open_, error).terminal().output

    assert telnet(True) == "Trying 10.0.6.10...\nConnected to 10.0.6.10."
    assert telnet(False, "refused").endswith("telnet: Unable to connect to remote host: Connection refused")
    waited = telnet(False, "timed out").splitlines()
    assert waited[1] == "telnet: Unable to connect to remote host: Connection timed out"
    assert waited[2].startswith("# ")  # the course's own note is marked as a comment, not tool output

    def nc(reply=None, error=""):
        return R.UdpResult("c1", "10.0.6.10", 7, "echo hello | nc -u -w 1 10.0.6.10 7", "hello", reply,
                           "10.0.6.10:7", error=error).terminal().output

    assert nc("hello\n").splitlines() == ["hello", "# the reply came from 10.0.6.10:7"]
    assert nc(error="port unreachable").startswith("# no reply: port unreachable")
    assert nc().startswith("# no reply, and no error either")


def test_dns_responses_are_described_as_answer_referral_or_error():
    from scapy.layers.dns import DNS, DNSQR, DNSRR
    from scapy.layers.inet import IP, UDP

    from helpers.lab.capture import describe

    def response(**fields):
        built = IP(src="10.0.0.53", dst="10.0.0.10") / UDP(sport=53, dport=5353) / DNS(
            qr=1, qd=DNSQR(qname="www.example.com", qtype="A"), **fields)
        return IP(bytes(built))  # as a capture gives it: parsed from the wire

    answer = response(aa=1, an=DNSRR(rrname="www.example.com", type="A", rdata="203.0.113.80"))
    assert describe(answer) == "response aa A www.example.com -> 203.0.113.80"
    referral = response(ns=DNSRR(rrname="com", type="NS", rdata="a.gtld-servers.net"))
    assert describe(referral) == "response A www.example.com -> referral to a.gtld-servers.net"
    assert describe(response(rcode=3, aa=1)) == "response aa A www.example.com -> NXDOMAIN (no such name)"
