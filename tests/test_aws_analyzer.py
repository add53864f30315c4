"""Reachability: a table of scenarios whose verdicts come from AWS's documented behaviour.

Each row builds a small network, asks one question and states what the VPC documentation says
must happen: reachable or not, and if not, the Reachability Analyzer explanation code, the kind
of component that blocks, and whether the request (forward) or the reply (return) is stopped.
The reasons are in the ``why`` column so a reader can check them against the docs.
"""
from __future__ import annotations

import ipaddress

import pytest

from helpers.aws import Cloud, analyze
from helpers.errors import InputError


# ---------------------------------------------------------------------------- topologies

def shop(**options) -> Cloud:
    """main 10.0.0.0/16 in Seoul: public-a/c (route to igw), private-a (NAT in public-a), private-c
    (no internet route); web (public IP, 80/443 from anywhere), api (8080 from web-sg), db (5432
    from api-sg), batch in private-c."""
    cloud = Cloud()
    vpc = cloud.add_vpc("main", "10.0.0.0/16")
    igw = vpc.add_internet_gateway("igw")
    public_a = vpc.add_subnet("public-a", "10.0.1.0/24", "a")
    public_c = vpc.add_subnet("public-c", "10.0.2.0/24", "c")
    private_a = vpc.add_subnet("private-a", "10.0.11.0/24", "a")
    private_c = vpc.add_subnet("private-c", "10.0.12.0/24", "c")
    public_rt = vpc.add_route_table("public-rt")
    public_rt.add_route("0.0.0.0/0", igw)
    public_rt.associate(public_a)
    public_rt.associate(public_c)
    nat = public_a.add_nat_gateway("nat-a")
    private_rt = vpc.add_route_table("private-rt-a")
    private_rt.add_route("0.0.0.0/0", nat)
    private_rt.associate(private_a)
    web_sg = vpc.add_security_group("web-sg")
    web_sg.allow_inbound("tcp", 80)
    web_sg.allow_inbound("tcp", 443)
    api_sg = vpc.add_security_group("api-sg")
    api_sg.allow_inbound("tcp", 8080, web_sg)
    db_sg = vpc.add_security_group("db-sg")
    db_sg.allow_inbound("tcp", 5432, api_sg)
    public_a.launch("web", public_ip=True, security_groups=[web_sg])
    public_c.launch("web2", public_ip=False, security_groups=[web_sg])
    private_a.launch("api", security_groups=[api_sg])
    private_a.launch("db", security_groups=[db_sg])
    private_c.launch("batch", security_groups=[api_sg])
    for change in options.get("changes", ()):
        change(cloud)
    return cloud


def peered(route_back: bool = True, reference: bool = False, third: bool = False) -> Cloud:
    """a 10.1.0.0/16 and b 10.2.0.0/16 peered (and c 10.3.0.0/16 peered with b if third)."""
    cloud = Cloud()
    a = cloud.add_vpc("a", "10.1.0.0/16")
    b = cloud.add_vpc("b", "10.2.0.0/16")
    sa, sb = a.add_subnet("sa", "10.1.1.0/24"), b.add_subnet("sb", "10.2.1.0/24")
    ab = cloud.peer(a, b, "ab")
    a.main.add_route("10.2.0.0/16", ab)
    if route_back:
        b.main.add_route("10.1.0.0/16", ab)
    ga, gb = a.add_security_group("ga"), b.add_security_group("gb")
    gb.allow_inbound("tcp", 22, ga if reference else "10.1.0.0/16")
    sa.launch("ia", security_groups=[ga])
    sb.launch("ib", security_groups=[gb])
    if third:
        c = cloud.add_vpc("c", "10.3.0.0/16")
        sc = c.add_subnet("sc", "10.3.1.0/24")
        bc = cloud.peer(b, c, "bc")
        b.main.add_route("10.3.0.0/16", bc)
        c.main.add_route("10.2.0.0/16", bc)
        c.main.add_route("10.1.0.0/16", bc)
        a.main.add_route("10.3.0.0/16", ab)              # assumes b forwards: it will not
        gc = c.add_security_group("gc")
        gc.allow_inbound("tcp", 22, "10.0.0.0/8")
        sc.launch("ic", security_groups=[gc])
    return cloud


def edge_to_edge() -> Cloud:
    """b borrows a's NAT gateway over the peering: edge-to-edge routing, which AWS does not do."""
    cloud = peered()
    a, b = cloud.vpc("a"), cloud.vpc("b")
    a.add_internet_gateway("igw-a")
    pub = a.add_subnet("pub", "10.1.2.0/24")
    nat = pub.add_nat_gateway("nat")
    b.main.add_route("0.0.0.0/0", cloud.peering("ab"))
    a.main.add_route("0.0.0.0/0", nat)
    return cloud


def hub(vpcs: int = 3, **options) -> Cloud:
    """VPCs v1..vN (10.N.0.0/16), each with subnets in AZ a and c, attached to one transit gateway."""
    cloud = Cloud()
    tgw = cloud.add_transit_gateway("hub", default_propagation=options.get("propagation", True))
    for n in range(1, vpcs + 1):
        vpc = cloud.add_vpc(f"v{n}", f"10.{n}.0.0/16")
        a = vpc.add_subnet(f"v{n}a", f"10.{n}.1.0/24", "a")
        c = vpc.add_subnet(f"v{n}c", f"10.{n}.2.0/24", "c")
        subnets = [a] if options.get("only_az_a") else [a, c]
        tgw.attach_vpc(vpc, subnets)
        vpc.main.add_route("10.0.0.0/8", tgw)
        group = vpc.add_security_group(f"g{n}")
        group.allow_inbound("tcp", 443, "10.0.0.0/8")
        a.launch(f"i{n}a", security_groups=[group])
        c.launch(f"i{n}c", security_groups=[group])
    for change in options.get("changes", ()):
        change(cloud)
    return cloud


def hybrid(propagate: bool = True) -> Cloud:
    """vpc 10.0.0.0/16 with a VPN gateway, a Site-to-Site VPN to the office 192.168.0.0/16."""
    cloud = Cloud()
    vpc = cloud.add_vpc("vpc", "10.0.0.0/16")
    subnet = vpc.add_subnet("app", "10.0.11.0/24")
    vgw = cloud.add_vpn_gateway("vgw")
    vgw.attach(vpc)
    office = cloud.add_on_premises("office", "192.168.0.0/16")
    cloud.add_vpn_connection("office-vpn", vgw, office)
    if propagate:
        vpc.main.enable_propagation(vgw)
    group = vpc.add_security_group("app-sg")
    group.allow_inbound("tcp", 22, "192.168.0.0/16")
    subnet.launch("app", security_groups=[group])
    return cloud


def acl_on_public_a(*rules):
    """A custom ACL on public-a with these (number, direction, action, protocol, ports, cidr) rules."""
    def change(cloud):
        vpc = cloud.vpc("main")
        acl = vpc.add_network_acl("custom")
        for number, direction, action, protocol, ports, cidr in rules:
            acl.add_entry(number, direction, action, protocol, ports, cidr)
        acl.associate(vpc.subnet("public-a"))
    return change


def web_alone_in_custom_subnet(cloud):
    """A second web server in public-a and a deny-everything ACL on public-a."""
    vpc = cloud.vpc("main")
    vpc.subnet("public-a").launch("web3", security_groups=[vpc.security_group("web-sg")])
    vpc.add_network_acl("closed").associate(vpc.subnet("public-a"))


def open_web_sg_to_vpc(cloud):
    cloud.vpc("main").security_group("web-sg").allow_inbound("all", None, "10.0.0.0/16")


# ---------------------------------------------------------------------------- the table

# id, build, (source, destination, protocol, port, extra kwargs), reachable, code, blocking kind, blocked on, why
SCENARIOS = [
    ("internet-to-public-web", shop, ("the internet", "web", "tcp", 80), True, None, None, None,
     "public IP, route to the IGW, SG allows 80 from 0.0.0.0/0, default ACL allows all"),
    ("internet-https-web", shop, ("the internet", "web", "tcp", 443), True, None, None, None,
     "second SG rule"),
    ("internet-ssh-web-no-rule", shop, ("the internet", "web", "tcp", 22), False, "ENI_SG_RULES_MISMATCH",
     "security group", "forward", "SGs are allow-only and start with no inbound rules"),
    ("internet-to-private", shop, ("the internet", "api", "tcp", 8080), False, "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
     "internet gateway", "forward", "no public IP: the IGW maps only public IPs; NAT is outbound only"),
    ("web-to-api-by-reference", shop, ("web", "api", "tcp", 8080), True, None, None, None,
     "api-sg allows 8080 from members of web-sg; local route between subnets"),
    ("db-to-api-not-member", shop, ("db", "api", "tcp", 8080), False, "ENI_SG_RULES_MISMATCH", "security group",
     "forward", "db is in db-sg, not web-sg"),
    ("api-to-db", shop, ("api", "db", "tcp", 5432), True, None, None, None,
     "same subnet: SG reference api-sg; no ACL or route table inside a subnet"),
    ("private-out-through-nat", shop, ("api", "the internet", "tcp", 443), True, None, None, None,
     "0.0.0.0/0 → NAT in a public subnet → IGW; replies return through NAT state"),
    ("private-without-internet-route", shop, ("batch", "the internet", "tcp", 443), False, "NO_ROUTE_TO_DESTINATION",
     "main route table", "forward", "private-c uses the main table: local route only"),
    ("public-subnet-no-public-ip", shop, ("web2", "the internet", "tcp", 443), False,
     "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS", "internet gateway", "forward",
     "route to the IGW exists but the instance has no public IP"),
    ("icmp-not-allowed", shop, ("the internet", "web", "icmp", None), False, "ENI_SG_RULES_MISMATCH",
     "security group", "forward", "web-sg has no ICMP rule"),
    ("icmp-allowed", lambda: shop(changes=[lambda c: c.vpc("main").security_group("web-sg").allow_inbound("icmp")]),
     ("the internet", "web", "icmp", None), True, None, None, None, "ICMP rule added"),
    ("udp-needs-udp-rule", shop, ("web", "api", "udp", 8080), False, "ENI_SG_RULES_MISMATCH", "security group",
     "forward", "the rule is for tcp only"),
    ("acl-without-ephemeral", lambda: shop(changes=[acl_on_public_a(
        (100, "inbound", "allow", "tcp", 80, "0.0.0.0/0"), (100, "outbound", "allow", "tcp", 80, "0.0.0.0/0"))]),
     ("the internet", "web", "tcp", 80), False, "SUBNET_ACL_RESTRICTION", "network ACL", "return",
     "stateless: the reply goes to the client's port 1024-65535, which no outbound rule allows"),
    ("acl-with-ephemeral", lambda: shop(changes=[acl_on_public_a(
        (100, "inbound", "allow", "tcp", 80, "0.0.0.0/0"), (100, "outbound", "allow", "tcp", "1024-65535", "0.0.0.0/0"))]),
     ("the internet", "web", "tcp", 80), True, None, None, None, "outbound ephemeral range added"),
    ("acl-partial-ephemeral", lambda: shop(changes=[acl_on_public_a(
        (100, "inbound", "allow", "tcp", 80, "0.0.0.0/0"),
        (100, "outbound", "allow", "tcp", "49152-65535", "0.0.0.0/0"))]),
     ("the internet", "web", "tcp", 80), False, "SUBNET_ACL_RESTRICTION", "network ACL", "return",
     "an internet client may use any port from 1024; 1024-49151 is denied by the * rule"),
    ("acl-partial-but-known-port", lambda: shop(changes=[acl_on_public_a(
        (100, "inbound", "allow", "tcp", 80, "0.0.0.0/0"),
        (100, "outbound", "allow", "tcp", "49152-65535", "0.0.0.0/0"))]),
     ("the internet", "web", "tcp", 80, {"source_port": 50000}), True, None, None, None,
     "a client using port 50000 is inside the allowed range"),
    ("acl-low-deny-first", lambda: shop(changes=[acl_on_public_a(
        (90, "inbound", "deny", "tcp", 80, "203.0.113.0/24"), (100, "inbound", "allow", "all", None, "0.0.0.0/0"),
        (100, "outbound", "allow", "all", None, "0.0.0.0/0"))]),
     ("the internet", "web", "tcp", 80), False, "SUBNET_ACL_RESTRICTION", "network ACL", "forward",
     "rule 90 (deny 203.0.113.0/24) is evaluated before rule 100"),
    ("acl-allow-first-wins", lambda: shop(changes=[acl_on_public_a(
        (100, "inbound", "allow", "all", None, "0.0.0.0/0"), (200, "inbound", "deny", "tcp", 80, "203.0.113.0/24"),
        (100, "outbound", "allow", "all", None, "0.0.0.0/0"))]),
     ("the internet", "web", "tcp", 80), True, None, None, None, "the first matching rule (100) decides"),
    ("acl-not-used-inside-subnet", lambda: shop(changes=[web_alone_in_custom_subnet, open_web_sg_to_vpc]),
     ("web", "web3", "tcp", 8000), True, None, None, None,
     "same subnet: the deny-all ACL on public-a is never crossed"),
    ("acl-deny-all-between-subnets", lambda: shop(changes=[web_alone_in_custom_subnet]),
     ("api", "web", "tcp", 80), False, "SUBNET_ACL_RESTRICTION", "network ACL", "forward",
     "a custom ACL without rules denies everything entering public-a"),
    ("sg-no-outbound-rules", lambda: shop(changes=[
        lambda c: c.vpc("main").security_group("web-sg").revoke_outbound("all", None, "0.0.0.0/0")]),
     ("web", "api", "tcp", 8080), False, "ENI_SG_RULES_MISMATCH", "security group", "forward",
     "outbound rules removed: nothing new may leave web"),
    ("sg-stateful-replies", lambda: shop(changes=[
        lambda c: c.vpc("main").security_group("api-sg").revoke_outbound("all", None, "0.0.0.0/0")]),
     ("web", "api", "tcp", 8080), True, None, None, None,
     "api-sg has no outbound rules, but replies of allowed connections are tracked"),
    ("several-groups-combine", lambda: shop(changes=[lambda c: c.instance("api").add_security_group(
        c.vpc("main").security_group("web-sg"))]),
     ("web", "api", "tcp", 443), True, None, None, None, "rules of all the interface's groups apply together"),
    ("default-group-members", lambda: shop(changes=[lambda c: c.vpc("main").subnet("private-c").launch("x"),
                                                    lambda c: c.vpc("main").subnet("private-a").launch("y")]),
     ("x", "y", "tcp", 9999), True, None, None, None,
     "the default SG allows all traffic from its own members"),
    ("default-group-outsider", lambda: shop(changes=[lambda c: c.vpc("main").subnet("private-a").launch("y")]),
     ("api", "y", "tcp", 9999), False, "ENI_SG_RULES_MISMATCH", "security group", "forward",
     "api is not a member of the default SG"),
    ("blackhole-after-nat-deleted", lambda: shop(changes=[lambda c: c.delete(c.nat_gateways["nat-01"])]),
     ("api", "the internet", "tcp", 443), False, "BAD_STATE_ROUTE", "route table", "forward",
     "the route to the deleted NAT gateway stays as a blackhole"),
    ("missing-igw-route-return", lambda: shop(changes=[
        lambda c: c.vpc("main").route_table("public-rt").delete_route("0.0.0.0/0")]),
     ("the internet", "web", "tcp", 80), False, "NO_ROUTE_TO_DESTINATION", "route table", "return",
     "the IGW delivers the request by the local route, but the reply has no route out"),
    ("hairpin-through-nat-and-igw", shop, ("api", "198.51.100.11", "tcp", 80), True, None, None, None,
     "a private instance reaches a public IP of its own VPC out through NAT and back in through the IGW"),
    ("private-ip-over-igw", lambda: shop(changes=[lambda c: c.add_vpc("far", "10.9.0.0/16").add_subnet(
        "s", "10.9.1.0/24").launch("far1")]),
     ("web", "far1", "tcp", 80), False, "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS", "internet gateway", "forward",
     "no connection between the VPCs; 0.0.0.0/0 matches but the IGW does not carry private addresses"),
    ("public-ip-in-private-subnet", lambda: shop(changes=[lambda c: c.vpc("main").subnet("private-a").launch(
        "odd", public_ip=True, security_groups=[c.vpc("main").security_group("web-sg")])]),
     ("the internet", "odd", "tcp", 80), False, "NGW_SOURCE_ADDRESS_REASSIGN", "the internet", "return",
     "the request comes in through the IGW but the reply leaves through the NAT gateway from another address"),
    ("peering-both-routes", peered, ("ia", "ib", "tcp", 22), True, None, None, None,
     "routes on both sides, SG allows a's CIDR"),
    ("peering-missing-return-route", lambda: peered(route_back=False), ("ia", "ib", "tcp", 22), False,
     "NO_ROUTE_TO_DESTINATION", "main route table", "return", "b has no route back to a"),
    ("peering-sg-reference", lambda: peered(reference=True), ("ia", "ib", "tcp", 22), True, None, None, None,
     "same-Region peering keeps security group identity"),
    ("peering-not-transitive", lambda: peered(third=True), ("ia", "ic", "tcp", 22), False,
     "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", "peering connection", "forward", "b does not forward a's traffic to c"),
    ("peering-no-edge-to-edge", edge_to_edge, ("ib", "the internet", "tcp", 443), False,
     "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", "peering connection", "forward",
     "b cannot use a's NAT gateway or internet gateway over the peering"),
    ("tgw-between-two", hub, ("i1a", "i2a", "tcp", 443), True, None, None, None,
     "default association and propagation: every attachment reaches every other"),
    ("tgw-is-transitive", hub, ("i1c", "i3a", "tcp", 443), True, None, None, None,
     "the hub routes between any attachments, across AZs"),
    ("tgw-az-without-attachment", lambda: hub(only_az_a=True), ("i1c", "i2a", "tcp", 443), False,
     "TGW_ROUTE_AZ_RESTRICTION", "transit gateway attachment", "forward",
     "v1's attachment has no subnet in AZ c"),
    ("tgw-blackhole-route", lambda: hub(changes=[lambda c: c.transit_gateways["tgw-01"].default_table.add_route(
        "10.3.0.0/16", "blackhole")]), ("i1a", "i3a", "tcp", 443), False, "TGW_RTB_BAD_STATE_ROUTE",
     "transit gateway route table", "forward", "a static blackhole beats the propagated route of the same prefix"),
    ("tgw-no-propagation", lambda: hub(propagation=False), ("i1a", "i2a", "tcp", 443), False,
     "NO_ROUTE_TO_DESTINATION", "transit gateway route table", "forward", "nothing propagated, no static route"),
    ("vpn-with-propagation", hybrid, ("on-premises", "app", "tcp", 22), True, None, None, None,
     "VGW delivers to the private IP; the propagated route takes the reply back"),
    ("vpn-without-route-back", lambda: hybrid(propagate=False), ("on-premises", "app", "tcp", 22), False,
     "NO_ROUTE_TO_DESTINATION", "main route table", "return", "no static or propagated route to the office"),
    ("vpn-to-instance-outbound", hybrid, ("app", "192.168.7.7", "tcp", 443), True, None, None, None,
     "instance to an office address over the VPN"),
    ("isolated-vpcs", lambda: shop(changes=[lambda c: c.add_vpc("other", "10.50.0.0/16").add_subnet(
        "s", "10.50.1.0/24").launch("o")]), ("batch", "o", "tcp", 22), False, "NO_ROUTE_TO_DESTINATION",
     "main route table", "forward", "VPCs are isolated: no route between them"),
    ("sg-identity-lost-through-nat", lambda: shop(changes=[lambda c: c.vpc("main").security_group(
        "web-sg").allow_inbound("tcp", 8443, c.vpc("main").security_group("api-sg"))]),
     ("api", "198.51.100.11", "tcp", 8443), False, "SG_REFERENCES_NOT_PRESERVED", "security group", "forward",
     "to web's public IP the packet leaves through NAT and IGW, arriving from the NAT's address, not as an api-sg member"),
    ("sg-reference-across-tgw", lambda: _peered_and_hub(), ("ia", "ib", "tcp", 22), False, "SG_REFERENCING_SUPPORT",
     "security group", "forward", "the rule may reference the peer's group, but the traffic crossed a transit "
     "gateway without security group referencing support (disabled by default)"),
    ("vgw-detached-blackhole", lambda: _hybrid_static_then_detached(), ("app", "192.168.7.7", "tcp", 443), False,
     "BAD_STATE_ROUTE", "main route table", "forward", "a static route to a detached VPN gateway is a blackhole"),
    ("no-igw-at-all", lambda: _no_igw(), ("the internet", "lonely", "tcp", 80), False, "NO_POSSIBLE_DESTINATION",
     "the internet", "forward", "a public IP without an internet gateway is unreachable"),
]


def _peered_and_hub() -> Cloud:
    """a and b peered (so gb may reference ga), but a routes to b through a transit gateway."""
    cloud = peered(reference=True)
    a, b = cloud.vpc("a"), cloud.vpc("b")
    tgw = cloud.add_transit_gateway("hub")
    tgw.attach_vpc(a)
    tgw.attach_vpc(b)
    a.main.replace_route("10.2.0.0/16", tgw)
    b.main.replace_route("10.1.0.0/16", tgw)
    return cloud


def _hybrid_static_then_detached() -> Cloud:
    cloud = hybrid(propagate=False)
    vpc = cloud.vpc("vpc")
    vpc.main.add_route("192.168.0.0/16", vpc.vpn_gateway)
    vpc.vpn_gateway.detach()
    return cloud


def _no_igw() -> Cloud:
    cloud = Cloud()
    vpc = cloud.add_vpc("closed", "10.7.0.0/16")
    vpc.add_subnet("s", "10.7.1.0/24").launch("lonely", public_ip=True)
    return cloud


def test_a_routing_loop_is_reported_with_its_blocking_hop():
    cloud = hub(vpcs=2)
    v1 = cloud.vpc("v1")
    tgw = cloud.transit_gateways["tgw-01"]
    tgw.default_table.add_route("0.0.0.0/0", tgw.attachments[1])     # v2 ...
    cloud.vpc("v2").main.add_route("0.0.0.0/0", tgw)                 # ... sends it back to the hub
    v1.main.add_route("0.0.0.0/0", tgw)
    result = analyze(cloud, "i1a", "203.0.113.9", "tcp", 443)
    assert not result.reachable and result.code == "NO_POSSIBLE_DESTINATION"
    assert result.hops[-1].blocked and "loop" in result.explanation


def test_the_table_is_large_enough():
    assert len(SCENARIOS) >= 30
    assert len({row[0] for row in SCENARIOS}) == len(SCENARIOS)


@pytest.mark.parametrize("name, build, query, reachable, code, kind, direction, why", SCENARIOS,
                         ids=[row[0] for row in SCENARIOS])
def test_reachability(name, build, query, reachable, code, kind, direction, why):
    cloud = build()
    args, options = (query[:4], query[4]) if len(query) == 5 else (query, {})
    result = analyze(cloud, *args, **options)
    assert result.reachable is reachable, f"{why}\n{result!r}"
    assert result.code == code, f"{why}\n{result!r}"
    assert result.blocking_kind == kind, f"{why}\n{result!r}"
    assert result.blocked_on == direction, f"{why}\n{result!r}"
    if reachable:
        assert result.reverse and result.reverse[-1].action == "deliver"
    else:
        assert result.explanation and result.explanation.endswith(".")
        assert sum(h.blocked for h in result.hops) == 1 and result.hops[-1].blocked


# ---------------------------------------------------------------------------- details of the path

def test_reachable_path_names_each_component_in_order():
    result = analyze(shop(), "the internet", "web", "tcp", 80)
    kinds = [(h.path, h.kind, h.direction) for h in result.hops]
    assert kinds[:6] == [("forward", "the internet", ""), ("forward", "the internet", ""),
                         ("forward", "internet gateway", ""), ("forward", "network ACL", "inbound"),
                         ("forward", "security group", "inbound"), ("forward", "instance", "")]
    assert ("return", "security group", "outbound") in kinds and ("return", "route table", "") in kinds
    tracked = [h for h in result.reverse if h.kind == "security group"]
    assert tracked and all(h.action == "tracked" for h in tracked)


def test_internet_gateway_translates_one_to_one():
    cloud = shop()
    web = cloud.instance("web")
    result = analyze(cloud, "the internet", web, "tcp", 80)
    translations = [h.detail for h in result.hops if h.kind == "internet gateway"]
    assert translations == [f"destination {web.public_ip} → {web.private_ip}", f"source {web.private_ip} → {web.public_ip}"]


def test_nat_gateway_translates_source_and_remaps_ports():
    cloud = shop()
    nat = cloud.nat_gateways["nat-01"]
    result = analyze(cloud, "api", "the internet", "tcp", 443)
    nat_hops = [h for h in result.hops if h.kind == "NAT gateway"]
    assert len(nat_hops) == 2
    assert nat_hops[0].detail.startswith(f"source {cloud.instance('api').private_ip} → {nat.private_ip}")
    assert "1024-65535" in nat_hops[0].detail
    igw = [h for h in result.forward if h.kind == "internet gateway"]
    assert igw[0].detail == f"source {nat.private_ip} → {nat.public_ip}"
    assert any(n.startswith("REMAP_EPHEMERAL_PORT") for n in result.notes)
    # the reply crosses the NAT subnet's ACL inbound on the remapped port range
    acl_hops = [h for h in result.reverse if h.kind == "network ACL"]
    assert acl_hops[0].direction == "inbound"


def test_same_subnet_traffic_meets_no_route_table_or_acl():
    result = analyze(shop(), "api", "db", "tcp", 5432)
    kinds = {h.kind for h in result.hops}
    assert "network ACL" not in kinds and "route table" not in kinds and "main route table" not in kinds


def test_cross_az_paths_are_noted():
    result = analyze(hub(), "i1c", "i3a", "tcp", 443)
    assert any(n.startswith("AVAILABILITY_ZONE_CROSSED") for n in result.notes)


def test_client_ephemeral_range_depends_on_the_os():
    cloud = shop(changes=[lambda c: c.vpc("main").subnet("private-a").launch("win", os="windows")])
    result = analyze(cloud, "win", "the internet", "tcp", 443)
    assert "port 49152-65535 →" in result.hops[0].detail
    result = analyze(cloud, "api", "the internet", "tcp", 443)
    assert "port 32768-60999 →" in result.hops[0].detail


def test_sg_explanation_names_the_near_miss_rule():
    result = analyze(shop(), "db", "api", "tcp", 8080)
    assert "tcp 8080 from web-sg" in result.explanation and "db-sg" in result.explanation


def test_acl_explanation_names_the_denied_port_range():
    cloud = shop(changes=[acl_on_public_a((100, "inbound", "allow", "tcp", 80, "0.0.0.0/0"),
                                          (100, "outbound", "allow", "tcp", "49152-65535", "0.0.0.0/0"))])
    result = analyze(cloud, "the internet", "web", "tcp", 80)
    assert "1024-49151" in result.explanation and "only part" in result.explanation


def test_destination_by_ip_address():
    cloud = shop()
    web = cloud.instance("web")
    by_private = analyze(cloud, "api", web.private_ip, "tcp", 80)
    by_public = analyze(cloud, "api", web.public_ip, "tcp", 80)
    assert by_private.reachable and by_public.reachable
    assert any(h.kind == "NAT gateway" for h in by_public.hops)      # out and back in through the gateways
    assert not any(h.kind == "NAT gateway" for h in by_private.hops)  # the local route


def test_internet_host_by_address():
    result = analyze(shop(), "198.51.100.200", "web", "tcp", 80)
    assert result.reachable and result.hops[0].detail.startswith("tcp 198.51.100.200 port 1024-65535")


def test_output_is_deterministic():
    first = repr(analyze(shop(), "api", "the internet", "tcp", 443))
    second = repr(analyze(shop(), "api", "the internet", "tcp", 443))
    assert first == second and "0x" not in first


def test_html_marks_the_blocking_row():
    result = analyze(shop(), "the internet", "api", "tcp", 8080)
    assert result._repr_html_().count("#fee2e2") == 1


@pytest.mark.parametrize("args, fragment", [
    (("ghost", "web", "tcp", 80), "no instance called 'ghost'"),
    (("web", "web", "tcp", 80), "same instance"),
    (("web", "api", "tcp", None), "destination port"),
    (("web", "api", "sctp", 80), "Protocol"),
    (("the internet", "the internet", "tcp", 80), "outside AWS"),
    (("web", "10.99.0.1", "tcp", 80), "private address"),
    (("on-premises", "web", "tcp", 80), "no on-premises network"),
])
def test_bad_questions_get_a_sentence(args, fragment):
    with pytest.raises(InputError, match=fragment):
        analyze(shop(), *args)


def test_addresses_in_the_table_are_valid_documentation_or_private_ranges():
    cloud = shop()
    docs = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]
    for instance in cloud.instances.values():
        assert ipaddress.ip_address(instance.private_ip).is_private
        if instance.public_ip:
            assert any(ipaddress.ip_address(instance.public_ip) in n for n in docs)
