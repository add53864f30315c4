"""helpers.aws.materialize: a VPC model becomes a real lab whose packets behave as AWS documents.

The pure part (names, routing tables, nftables rulesets) is checked against hand-written
expectations; the live part builds labs and checks, flow by flow, verdicts written down here from
the AWS documentation (not read back from the analyzer), and that the analyzer agrees with them.
"""
from __future__ import annotations

import re

import pytest

from helpers.aws import Cloud, two_az_vpc
from helpers.aws.materialize import (
    INTERNET_ADDRESS, Comparisons, acl_chain, materialize, node_names, plan, sg_ruleset, table_id,
)
from helpers.aws.rules import AclEntry
from helpers.errors import InputError
from tests.conftest import live_mode_or_skip

NODE = re.compile(r"^[a-z][a-z0-9]{0,7}$")


def shop() -> Cloud:
    cloud = Cloud()
    two_az_vpc(cloud, "shop", "10.0.0.0/16")
    return cloud


# ---------------------------------------------------------------------------- the plan (no lab)

def test_names_are_valid_unique_and_readable():
    cloud = shop()
    names = node_names(cloud)
    assert all(NODE.match(n) for n in names.values())
    assert len(set(names.values())) == len(names)
    by_name = {cloud.resource(rid).name if hasattr(cloud.resource(rid), "name") else rid: n for rid, n in names.items()}
    assert by_name["public-a"] == "publica" and by_name["private-c"] == "privatec"
    assert by_name["bastion"] == "bastion" and by_name["web-a"] == "weba"
    vpc = cloud.vpc("shop")
    assert names[vpc.id] == "rtr1" and names[vpc.internet_gateway.id] == "igw1"
    assert node_names(shop()) == names      # the same model gives the same names


def test_names_fall_back_to_ids_when_a_name_cannot_be_a_node():
    cloud = Cloud()
    vpc = cloud.add_vpc("v", "10.0.0.0/16")
    subnet = vpc.add_subnet("igw", "10.0.1.0/24")          # clashes with the router's gateway interface
    a = subnet.launch("Internet")                           # clashes with the internet host
    b = subnet.launch("9-lives")                            # starts with digits
    c = subnet.launch("a-very-long-instance-name")
    names = node_names(cloud)
    assert names[subnet.id] == "subnet1"
    assert names[a.id] == "i1" and names[b.id] == "lives" and names[c.id] == "averylon"


def test_each_route_table_is_a_kernel_table_chosen_by_incoming_interface():
    cloud = shop()
    bp = plan(cloud)
    vpc = cloud.vpc("shop")
    router = [" ".join(argv) for argv in bp.routes["rtr1"]]
    public_rt = vpc.route_table("public-rt")
    number = table_id(public_rt.id)
    assert number == 100 + int(public_rt.id.split("-")[1])
    assert f"ip rule add pref 100 iif publica lookup {number}" in router
    assert f"ip rule add pref 100 iif publicc lookup {number}" in router
    assert f"ip route add default via 169.254.1.2 dev igw table {number}" in router
    nat_a = next(n for n in vpc.nat_gateways if n.name.endswith("-a"))
    private_a = table_id(vpc.route_table("private-rt-a").id)
    assert f"ip route add default via {nat_a.private_ip} dev publica table {private_a}" in router
    # the local route is every subnet, then a blackhole for the rest of the VPC's block
    assert f"ip route add 10.0.12.0/24 dev privatec table {number}" in router
    assert f"ip route add blackhole 10.0.0.0/16 table {number}" in router
    # the gateway's side: only into the VPC's own subnets
    assert "ip rule add pref 200 iif igw lookup 200" in router
    assert "ip route add blackhole default table 200" in router


def test_a_table_without_a_default_route_drops_instead_of_falling_through():
    cloud = Cloud()
    vpc = cloud.add_vpc("v", "10.0.0.0/16")
    vpc.add_subnet("only", "10.0.1.0/24").launch("box")
    router = [" ".join(argv) for argv in plan(cloud).routes["rtr1"]]
    assert f"ip route add blackhole default table {table_id(vpc.main_route_table)}" in router


def test_acl_rules_keep_aws_order_and_end_with_the_star_rule():
    entries = [AclEntry(200, False, "allow", "tcp", (1024, 65535), "0.0.0.0/0"),
               AclEntry(100, False, "deny", "tcp", (22, 22), "203.0.113.0/24"),
               AclEntry(100, True, "allow", "all", None, "0.0.0.0/0"),
               AclEntry(150, False, "allow", "icmp", None, "10.0.0.0/8")]
    inbound = acl_chain(entries, egress=False)
    assert inbound[0].startswith("tcp dport 22 ip saddr 203.0.113.0/24 drop")
    assert inbound[1].startswith("ip protocol icmp ip saddr 10.0.0.0/8 accept")
    assert inbound[2].startswith("tcp dport 1024-65535 accept")
    assert inbound[3] == 'drop comment "rule *: deny all traffic"'
    assert acl_chain(entries, egress=True)[0].startswith("accept comment")


def test_security_groups_are_stateful_and_references_are_member_sets():
    cloud = shop()
    app = cloud.instance("app-a")
    bastion = cloud.instance("bastion")
    text = sg_ruleset(cloud, app)
    inbound = text.split("chain inbound")[1]
    lines = [line.strip() for line in inbound.splitlines()]
    assert lines[2].startswith("ct state established,related accept")   # before any rule
    assert "policy drop" in lines[1]
    bastion_sg = cloud.vpc("shop").security_group("bastion-sg")
    set_name = f"sg{int(bastion_sg.id.split('-')[1])}"
    assert f"set {set_name} {{ type ipv4_addr; elements = {{ {bastion.private_ip} }}; }}" in text
    assert f"tcp dport 22 ip saddr @{set_name} accept" in text


def test_the_internet_gateway_maps_public_ips_one_to_one():
    cloud = shop()
    bp = plan(cloud)
    web = cloud.instance("web-a")
    rules = bp.rulesets["igw1"]
    assert f"ip daddr {web.public_ip} dnat to {web.private_ip}" in rules
    assert f"ip saddr {web.private_ip} snat to {web.public_ip}" in rules
    assert bp.public[web.public_ip] == web.private_ip
    isp = [" ".join(argv) for argv in bp.routes["isp"]]
    assert f"ip route add {web.public_ip}/32 via 192.0.2.2" in isp


def test_models_the_lab_cannot_build_are_refused_in_one_sentence():
    with pytest.raises(InputError, match="no instances yet"):
        cloud = Cloud()
        cloud.add_vpc("v", "10.0.0.0/16").add_subnet("a", "10.0.1.0/24")
        plan(cloud)
    cloud = shop()
    hub = cloud.add_transit_gateway("hub")
    hub.attach_vpc(cloud.vpc("shop"))
    cloud.vpc("shop").route_table("public-rt").add_route("172.16.0.0/12", hub)
    with pytest.raises(InputError, match="not transit or VPN gateways"):
        plan(cloud)
    with pytest.raises(InputError, match="needs the model"):
        plan("shop")


def test_offline_without_a_recording_the_analyzer_answers_alone():
    vlab = materialize(shop(), "09-never-recorded", replay=True)
    with vlab:
        table = vlab.compare_many([("the internet", "web-a", "tcp", 80), ("the internet", "app-a", "tcp", 8080)])
    assert isinstance(table, Comparisons)
    assert [c.kernel for c in table] == [None, None]
    assert [c.analysis.reachable for c in table] == [True, False]
    assert "Offline" in table.note and "only the analyzer answers" in repr(table)


# ---------------------------------------------------------------------------- live

def verdicts(table: Comparisons) -> list[bool]:
    assert table.all_agree, f"the analyzer and the kernel disagree:\n{table!r}"
    return [c.kernel.delivered for c in table]


def test_two_az_vpc_behaves_like_aws():
    live_mode_or_skip()
    cloud = shop()
    vlab = materialize(cloud, "09-test-shop")
    with vlab:
        table = vlab.compare_many([
            ("the internet", "web-a", "tcp", 80),       # public IP, web-sg allows 80 from anywhere
            ("the internet", "web-a", "tcp", 22),       # ssh only from bastion-sg
            ("the internet", "bastion", "tcp", 22),     # admin office 203.0.113.0/24
            ("the internet", "app-a", "tcp", 8080),     # no public IP: the internet gateway has nothing to map
            ("web-a", "app-c", "tcp", 8080),            # app-sg: 8080 from web-sg, across AZs
            ("bastion", "app-a", "tcp", 22),            # app-sg: ssh from bastion-sg
            ("web-c", "app-a", "tcp", 22),              # web-sg is not bastion-sg
            ("app-a", "the internet", "tcp", 443),      # out through the NAT gateway
            ("app-c", "the internet", "udp", 53),
            ("web-c", "the internet", "icmp", None),    # default outbound rule: all traffic
            ("bastion", cloud.instance("web-c").public_ip, "tcp", 80),   # by public IP: out and back in via the IGW
            ("app-a", cloud.instance("web-c").public_ip, "tcp", 80),     # the same from behind the NAT gateway
        ])
        assert verdicts(table) == [True, False, True, False, True, True, False, True, True, True, True, True]
        # what the internet sees of app-a: the NAT gateway's Elastic IP, not a private address
        nat_a = next(n for n in cloud.nat_gateways.values() if n.name.endswith("-a"))
        with vlab.lab.capture("internet:eth0", filter="tcp port 443") as cap:
            vlab.compare("app-a", "the internet", "tcp", 443)
        sources = {p.packet["IP"].src for p in cap.packets if p.packet["IP"].dst == INTERNET_ADDRESS}
        assert sources == {nat_a.public_ip}
        routes = vlab.run("rtr1", "ip rule show").output
        assert "iif publica lookup" in routes and "iif privatea lookup" in routes


def tricky() -> Cloud:
    """Corners where a naive network and AWS part ways."""
    cloud = Cloud()
    vpc = cloud.add_vpc("main", "10.0.0.0/16")
    igw = vpc.add_internet_gateway("igw")
    public_rt = vpc.add_route_table("public-rt")
    public_rt.add_route("0.0.0.0/0", igw)
    public = vpc.add_subnet("public", "10.0.1.0/24", public_ip_on_launch=True)
    public_rt.associate(public)
    nat = public.add_nat_gateway("nat")
    # a subnet that uses the NAT gateway although its instance has a public IP: replies leave by the NAT
    odd = vpc.add_subnet("odd", "10.0.2.0/24")
    odd_rt = vpc.add_route_table("odd-rt")
    odd_rt.add_route("0.0.0.0/0", nat)
    odd_rt.associate(odd)
    # a subnet with a strict ACL: port 80 in, but no ephemeral ports out for the replies
    strict = vpc.add_subnet("strict", "10.0.3.0/24")
    public_rt.associate(strict)
    acl = vpc.add_network_acl("strict-acl")
    acl.allow_inbound(100, "tcp", 80)
    acl.allow_outbound(100, "tcp", 80)
    acl.associate(strict)
    # a subnet whose NAT gateway was deleted: its route is a blackhole now
    lost = vpc.add_subnet("lost", "10.0.4.0/24")
    gone = public.add_nat_gateway("gone")
    lost_rt = vpc.add_route_table("lost-rt")
    lost_rt.add_route("0.0.0.0/0", gone)
    lost_rt.associate(lost)
    cloud.delete(gone)
    web = vpc.add_security_group("web")
    web.allow_inbound("tcp", 80)
    web.allow_inbound("udp", 53)
    public.launch("front", security_groups=[web])
    odd.launch("oddone", security_groups=[web], public_ip=True)
    strict.launch("locked", security_groups=[web], public_ip=True)
    lost.launch("orphan", security_groups=[web])
    # peering is not transitive: main <-> hub <-> far, and main routes far's block to hub
    hub = cloud.add_vpc("hub", "10.1.0.0/16")
    far = cloud.add_vpc("far", "10.2.0.0/16")
    hub.add_subnet("hub-a", "10.1.1.0/24").launch("hubbox", security_groups=[hub.default_sg])
    far_sg = far.add_security_group("open")
    far_sg.allow_inbound("tcp", 80)
    far.add_subnet("far-a", "10.2.1.0/24").launch("farbox", security_groups=[far_sg])
    main_hub = cloud.peer(vpc, hub)
    hub_far = cloud.peer(hub, far)
    public_rt.add_route("10.1.0.0/16", main_hub)
    public_rt.add_route("10.2.0.0/16", main_hub)
    hub.main.add_route("10.0.0.0/16", main_hub)
    hub.main.add_route("10.2.0.0/16", hub_far)
    far.main.add_route("10.0.0.0/16", hub_far)
    far.main.add_route("10.1.0.0/16", hub_far)
    return cloud


def test_the_corners_where_aws_differs_from_a_plain_router():
    live_mode_or_skip()
    cloud = tricky()
    vlab = materialize(cloud, "09-test-corners")
    with vlab:
        table = vlab.compare_many([
            ("the internet", "front", "tcp", 80),        # the plain case: delivered
            ("the internet", "oddone", "tcp", 80),       # reply goes out through the NAT: wrong source
            ("the internet", "oddone", "udp", 53),       # the same for UDP
            ("oddone", "the internet", "tcp", 80),       # but it reaches out through the NAT
            ("the internet", "locked", "tcp", 80),       # ACL: no ephemeral ports out for the reply
            ("orphan", "the internet", "tcp", 80),       # blackhole route (deleted NAT gateway)
            ("front", "farbox", "tcp", 80),              # main -> hub -> far: peering is not transitive
            ("front", "hubbox", "tcp", 80),              # hub's default group admits only its members
        ])
        assert verdicts(table) == [True, False, False, True, False, False, False, False]
        codes = [c.analysis.code for c in table]
        assert codes[1] == "NGW_SOURCE_ADDRESS_REASSIGN"
        assert codes[4] == "SUBNET_ACL_RESTRICTION" and codes[5] == "BAD_STATE_ROUTE"
        assert codes[6] == "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"


def test_a_nat_gateway_is_one_way():
    live_mode_or_skip()
    cloud = shop()
    vlab = materialize(cloud, "09-test-nat")
    with vlab:
        nat = sorted(cloud.nat_gateways.values(), key=lambda n: n.id)[0]
        # nothing on the internet can open a connection to (or through) a NAT gateway
        results = vlab.probe([vlab.flow("the internet", nat.public_ip, "tcp", 443),
                              vlab.flow("the internet", nat.public_ip, "udp", 53)])
        assert [r.delivered for r in results] == [False, False]
        # while the private instances behind it get out, and their replies come back
        assert verdicts(vlab.compare_many([("app-a", "the internet", "tcp", 443),
                                           ("app-a", "the internet", "icmp", None)])) == [True, True]


def test_a_stranger_is_a_second_internet_address_the_rules_can_tell_apart():
    """A rule for part of the internet (an office's block) admits 203.0.113.10 but not 203.0.113.200."""
    cloud = Cloud()
    vpc = cloud.add_vpc("office", "10.5.0.0/16")
    igw = vpc.add_internet_gateway("igw")
    table = vpc.add_route_table("public")
    table.add_route("0.0.0.0/0", igw)
    subnet = vpc.add_subnet("public", "10.5.1.0/24", "a", public_ip_on_launch=True)
    table.associate(subnet)
    sg = vpc.add_security_group("office-ssh", "ssh from the office only")
    sg.allow_inbound("tcp", 22, "203.0.113.0/25")
    subnet.launch("jump", security_groups=[sg])
    assert ["ip", "addr", "add", "203.0.113.200/24", "dev", "eth0"] in plan(cloud).routes["internet"]
    vlab = materialize(cloud, "09-test-stranger", tcp_ports=(22,))
    flow = vlab.flow("a stranger", "jump", "tcp", 22)
    assert (flow.source, flow.source_node, flow.source_address) == ("203.0.113.200", "internet", "203.0.113.200")
    live_mode_or_skip()
    with vlab:
        compared = vlab.compare_many([("the internet", "jump", "tcp", 22), ("a stranger", "jump", "tcp", 22)])
        assert [c.analysis.reachable for c in compared] == [True, False]
        assert [c.kernel.delivered for c in compared] == [True, False]
