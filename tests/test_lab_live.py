"""The lab engine on a real network: what the kernel does must show up in what probes report."""
from __future__ import annotations

import re
import subprocess

import pytest

from helpers.lab import Lab, LabError
from helpers.lab.backends import detect_mode
from tests.conftest import live_mode_or_skip

pytestmark = pytest.mark.live


def two_routers(name: str, **first_link) -> Lab:
    """h1 - s1 - r1 - r2 - h2: two routers between two hosts."""
    lab = Lab(name)
    s1, h1, r1, r2, h2 = lab.switch("s1"), lab.host("h1"), lab.router("r1"), lab.router("r2"), lab.host("h2")
    lab.link(h1, s1, ip1="10.0.1.10/24")
    lab.link(r1, s1, ip1="10.0.1.1/24")
    lab.link(r1, r2, ip1="10.0.12.1/30", ip2="10.0.12.2/30", **first_link)
    lab.link(r2, h2, ip1="10.0.2.1/24", ip2="10.0.2.10/24")
    h1.default_route("10.0.1.1")
    h2.default_route("10.0.2.1")
    r1.route("10.0.2.0/24", via="10.0.12.2")
    r2.route("10.0.1.0/24", via="10.0.12.1")
    return lab


@pytest.fixture(scope="module")
def routed():
    live_mode_or_skip()
    lab = two_routers("test-routed")
    lab["h2"].serve_http(80, routes={"/": {"status": 200, "body": "hi\n"},
                                     "/old": {"status": 301, "headers": {"Location": "/new"}},
                                     "/boom": {"status": 503, "body": "down\n"}})
    lab["h2"].serve_echo(7, udp=True)
    with lab:
        yield lab


def test_arp_entries_appear_after_traffic(routed):
    h1 = routed["h1"]
    h1.run("ip neigh flush all")
    assert "10.0.1.1" not in h1.run("ip neigh show").output
    h1.ping("10.0.1.1", count=1)
    neighbours = h1.run("ip neigh show").output
    assert re.search(r"10\.0\.1\.1 dev eth0 lladdr 02:00:00:00:03:01 (REACHABLE|STALE|DELAY)", neighbours)


def test_ping_crosses_two_routers_and_ttl_drops_by_two(routed):
    result = routed["h1"].ping("10.0.2.10", count=2)
    assert result.received == 2 and result.loss_percent == 0.0
    assert result.ttl == 64 - 2
    assert routed["h1"].ping("10.0.1.1", count=1).ttl == 64  # the first router answers itself


def test_traceroute_lists_the_routers_in_order(routed):
    trace = routed["h1"].traceroute("10.0.2.10")
    assert trace.addresses == ["10.0.1.1", "10.0.12.2", "10.0.2.10"]
    assert trace.reached


def test_unreachable_network_is_reported_by_the_router(live):
    # A fresh lab: the kernel allows a router about one "unreachable" per second per sender
    # (burst 5, the global net.ipv4.route.error_cost/error_burst), so earlier tests must not use them up.
    lab = two_routers("test-unreach")
    lab["h1"].route("10.0.99.0/24", via="10.0.1.1")
    lab.allow("10.0.99.0/24")
    with lab:
        result = lab["h1"].ping("10.0.99.5", count=1)
    assert result.received == 0
    assert result.problems == ["From 10.0.1.1 icmp_seq=1 Destination Net Unreachable"]


def test_nft_rule_on_a_router_drops_what_it_should(routed):
    r1 = routed["r1"]
    r1.nft("add table inet filter")
    r1.nft("add chain inet filter forward { type filter hook forward priority 0 ; policy accept ; }")
    r1.nft("add rule inet filter forward icmp type echo-request drop")
    try:
        assert routed["h1"].ping("10.0.2.10", count=1).received == 0
        assert routed["h1"].tcp_connect("10.0.2.10", 80).open  # only ICMP echo is dropped
        assert routed["h1"].ping("10.0.1.1", count=1).received == 1  # the router itself still answers
    finally:
        r1.run("nft delete table inet filter", check=True)
    assert routed["h1"].ping("10.0.2.10", count=1).received == 1


def test_tcp_port_check_open_and_closed(routed):
    open_port = routed["h1"].tcp_connect("10.0.2.10", 80)
    closed = routed["h1"].tcp_connect("10.0.2.10", 81)
    assert open_port.open and open_port.local.startswith("10.0.1.10:")
    assert not closed.open and closed.error == "refused"
    assert "Connection refused" in repr(closed)


def test_udp_exchange_and_a_closed_udp_port(routed):
    reply = routed["h1"].udp_exchange("10.0.2.10", 7, "hello")
    assert reply.reply == "hello" and reply.reply_from == "10.0.2.10:7"
    closed = routed["h1"].udp_exchange("10.0.2.10", 9, "anyone?")
    assert closed.reply is None and closed.error == "port unreachable"
    assert "port unreachable" in repr(closed)


def test_http_status_codes_and_headers(routed):
    ok = routed["h1"].http("http://10.0.2.10/")
    moved = routed["h1"].http("http://10.0.2.10/old", method="HEAD")
    broken = routed["h1"].http("http://10.0.2.10/boom")
    missing = routed["h1"].http("http://10.0.2.10/nope")
    assert (ok.status, ok.body) == (200, "hi\n")
    assert moved.status == 301 and moved.header("Location") == "/new"
    assert broken.status == 503 and missing.status == 404
    assert ok.header("Server") == "netcourse-http"
    who = routed["h1"].http("http://10.0.2.10/whoami")
    assert '"client": "10.0.1.10"' in who.body and '"server": "h2"' in who.body


def test_arp_probe_gets_the_owner_mac(routed):
    result = routed["h1"].arp("10.0.1.1")
    assert result.mac == "02:00:00:00:03:01"
    assert result.request["dst_mac"] == "ff:ff:ff:ff:ff:ff"  # asked everyone
    assert result.reply["dst_mac"] == "02:00:00:00:02:01"  # answered only the asker
    with pytest.raises(LabError, match="not on any network of h1"):
        routed["h1"].arp("10.0.2.10")


def test_capture_at_several_points_is_merged_in_causal_order(routed):
    routed["h1"].run("ip neigh flush all")
    with routed.capture("h1:eth0", "r1:eth1", "h2:eth0", filter="icmp or arp") as cap:
        routed["h1"].ping("10.0.2.10", count=1)
    summary = [(p.point, p.summary()) for p in cap.packets if "echo" in p.summary()]
    assert summary == [
        ("h1:eth0", "echo request seq=1 ttl=64"), ("r1:eth1", "echo request seq=1 ttl=63"),
        ("h2:eth0", "echo request seq=1 ttl=62"), ("h2:eth0", "echo reply seq=1 ttl=64"),
        ("r1:eth1", "echo reply seq=1 ttl=63"), ("h1:eth0", "echo reply seq=1 ttl=62")]
    arp = [p for p in cap.at("h1:eth0") if p.summary().startswith("who-has")]
    assert arp and cap.table().rows()[0][3] == "broadcast"
    walk = cap.walk(protocol="ICMP")
    assert len(walk) == 6 and "ttl 62" in walk.text()


def test_scapy_experiment_runs_inside_a_node(routed):
    result = routed["h1"].scapy("""
        answer = sr1(IP(dst="10.0.2.10", ttl=1)/ICMP(), timeout=2, verbose=0)
        result = {"from": answer[IP].src, "type": answer[ICMP].type}
    """)
    assert result.result == {"from": "10.0.1.1", "type": 11}  # time exceeded at the first router


def test_service_logs_and_stop(routed):
    service = routed["h1"].serve_http(8080)
    assert service.alive
    assert routed["h1"].tcp_connect("10.0.1.10", 8080).open
    service.stop()
    assert not service.alive
    assert not routed["h1"].tcp_connect("10.0.1.10", 8080).open


def test_the_recipe_builds_the_same_network_by_hand(live):
    """Pasting lab.recipe() into a shell gives a working network: it really is the commands."""
    if live.kind != "root":
        pytest.skip("the recipe is written for a root shell; the rootless path is tested elsewhere")
    lab = two_routers("test-recipe")
    prefix = "ncltrcp0-"
    script = repr(lab.recipe())
    for node in list(lab.nodes) + ["wire"]:
        script = re.sub(rf"(netns (?:add |exec )?|-n ){node}\b", rf"\g<1>{prefix}{node}", script)
    try:
        subprocess.run(["sh", "-e", "-c", script], check=True, capture_output=True, text=True)
        done = subprocess.run(["ip", "netns", "exec", f"{prefix}h1", "ping", "-c", "1", "-W", "1", "10.0.2.10"],
                              capture_output=True, text=True)
        assert " 0% packet loss" in done.stdout
    finally:
        from helpers.lab.state import remove_namespaces

        remove_namespaces([f"{prefix}{n}" for n in lab.nodes])


def test_delay_shows_in_the_round_trip_time(live):
    lab = two_routers("test-delay", delay="30ms")
    with lab:
        lab["h1"].ping("10.0.2.10", count=1)  # ARP first, so it does not count in the times below
        result = lab["h1"].ping("10.0.2.10", count=3)
    assert result.received == 3
    assert all(55 <= rtt <= 150 for rtt in result.rtts), result.rtts  # 30 ms each way, plus a little


def test_seeded_loss_repeats_exactly(live):
    counts = []
    for attempt in range(2):
        lab = two_routers(f"test-loss-{attempt}", loss="30%")
        with lab:
            counts.append(lab["h1"].ping("10.0.2.10", count=20, interval=0.05).received)
    assert 0 < counts[0] < 20
    assert counts[0] == counts[1]


def test_rate_limit_slows_a_transfer(live):
    lab = Lab("test-rate")
    h1, h2 = lab.host("h1"), lab.host("h2")
    lab.link(h1, h2, ip1="10.0.0.1/24", ip2="10.0.0.2/24", rate="2mbit")
    h2.serve_http(80, routes={"/big": {"status": 200, "body": "x" * 250_000}})
    with lab:
        timing = h1.run("curl -s -o /dev/null -w '%{time_total}' http://10.0.0.2/big").output
    assert float(timing) > 0.7  # 250 kB at 2 Mbit/s takes about one second


def test_a_namespace_name_clash_is_explained_and_nothing_half_built(live, monkeypatch):
    if live.kind != "root":
        pytest.skip("names only clash in the shared /run/netns of root mode")
    lab = two_routers("test-clash")
    lab.prefix = "nclclash0"[:8]
    subprocess.run(["ip", "netns", "add", f"{lab.prefix}-r2"], check=True)
    try:
        with pytest.raises(LabError, match="building lab 'test-clash' failed: .*exists"):
            lab.start()
        left = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        assert f"{lab.prefix}-h1" not in left and f"{lab.prefix}-s1" not in left
        assert not lab.running
    finally:
        subprocess.run(["ip", "netns", "del", f"{lab.prefix}-r2"])


def test_run_takes_plain_node_names_and_shows_them_plainly(routed):
    h1, h2 = routed["h1"], routed["h2"]
    made = h1.run("ip link add v9 type veth peer name v9peer netns h2")
    try:
        assert made.ok, made.stderr
        shown = h1.run("ip -d link show v9").output
        assert "link-netns h2" in shown and routed.prefix not in shown
        assert h2.run("ip -br link show v9peer").ok
        h1.run("ip addr add 10.9.9.1/30 dev v9 && ip link set v9 up")
        h2.run("ip addr add 10.9.9.2/30 dev v9peer && ip link set v9peer up")
        routed.allow("10.9.9.0/30")
        # a capture on an interface made by hand, not declared in the lab
        with routed.capture("h2:v9peer", filter="icmp") as cap:
            assert h1.ping("10.9.9.2", count=1).received == 1
        assert [p.summary() for p in cap.packets] == ["echo request seq=1 ttl=64", "echo reply seq=1 ttl=64"]
    finally:
        h1.run("ip link del v9")


def test_capture_on_a_bridge_sees_traffic_between_its_ports(routed):
    # Like tcpdump, the capturer is promiscuous: the bridge device shows frames it only forwards.
    with routed.capture("s1:s1", filter="icmp") as cap:
        routed["h1"].ping("10.0.1.1", count=1)
    assert [p.summary() for p in cap.packets] == ["echo request seq=1 ttl=64", "echo reply seq=1 ttl=64"]


def test_a_lab_can_be_told_to_replay(live):
    lab = two_routers("test-replay-only")
    assert Lab("test-replay-only", replay=True).mode.kind == "offline"
    assert lab.mode.live
