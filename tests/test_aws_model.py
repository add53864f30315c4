"""The VPC model refuses what AWS refuses, with AWS's error codes, and behaves as the docs say.

Expected values come from the Amazon VPC user guide and the EC2 API reference (sizes /16-/28,
5 reserved addresses, one internet gateway per VPC, main vs custom route tables, longest prefix
match, default security group and ACL contents ...). The standard library's ipaddress module is
the independent oracle for address arithmetic.
"""
from __future__ import annotations

import copy
import dataclasses
import ipaddress

import pytest

from helpers.aws import Cloud
from helpers.aws.errors import AwsError
from helpers.aws.model import Route
from helpers.errors import CourseError, InputError


def code_of(call) -> str:
    with pytest.raises(AwsError) as problem:
        call()
    assert str(problem.value).startswith(problem.value.code + ": ")
    assert isinstance(problem.value, CourseError)
    return problem.value.code


@pytest.fixture
def cloud():
    return Cloud()


@pytest.fixture
def vpc(cloud):
    return cloud.add_vpc("main", "10.0.0.0/16")


# ---------------------------------------------------------------------------- region, VPC

def test_default_region_is_seoul_with_four_azs(cloud, vpc):
    assert vpc.region == "ap-northeast-2"
    assert vpc.azs == ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c", "ap-northeast-2d"]


@pytest.mark.parametrize("cidr", ["10.0.0.0/8", "10.0.0.0/15", "10.0.0.0/29", "10.0.0.0/32"])
def test_vpc_size_outside_16_to_28_is_invalid_vpc_range(cloud, cidr):
    assert code_of(lambda: cloud.add_vpc("x", cidr)) == "InvalidVpc.Range"


@pytest.mark.parametrize("cidr", ["10.0.0.0/16", "192.168.0.0/20", "172.16.0.0/28"])
def test_vpc_sizes_16_to_28_are_accepted(cloud, cidr):
    assert cloud.add_vpc("x", cidr).cidr == cidr


def test_unknown_region_is_refused(cloud):
    assert code_of(lambda: cloud.add_vpc("x", "10.0.0.0/16", region="mars-1")) == "InvalidParameterValue"


def test_new_vpc_has_main_table_default_acl_and_default_group(vpc):
    main = vpc.main
    assert [(r.destination, r.target) for r in main.routes] == [("10.0.0.0/16", "local")]
    acl = vpc.default_acl
    assert acl.default and {(e.number, e.egress, e.action, e.protocol, e.cidr) for e in acl.entries} == {
        (100, False, "allow", "all", "0.0.0.0/0"), (100, True, "allow", "all", "0.0.0.0/0")}
    group = vpc.default_sg
    assert group.name == "default"
    assert [(r.protocol, r.group) for r in group.inbound] == [("all", group.id)]      # members talk to each other
    assert [(r.protocol, r.cidr) for r in group.outbound] == [("all", "0.0.0.0/0")]


def test_model_is_plain_data_that_can_be_walked_and_copied(cloud, vpc):
    subnet = vpc.add_subnet("a", "10.0.1.0/24")
    subnet.launch("web")
    data = dataclasses.asdict(cloud)       # no back-references in the fields
    assert data["subnets"][subnet.id]["vpc"] == vpc.id
    twin = copy.deepcopy(cloud)
    twin.instance("web").eni.private_ip = "10.0.1.99"
    assert cloud.instance("web").private_ip == "10.0.1.4"
    assert twin.vpc("main").subnet("a").used_addresses == ["10.0.1.99"]


# ---------------------------------------------------------------------------- subnets

def test_subnet_lives_in_one_az_of_the_region(vpc):
    assert vpc.add_subnet("a", "10.0.1.0/24", "c").az == "ap-northeast-2c"
    assert vpc.add_subnet("b", "10.0.2.0/24", "ap-northeast-2b").az == "ap-northeast-2b"
    assert code_of(lambda: vpc.add_subnet("z", "10.0.3.0/24", "z")) == "InvalidParameterValue"
    assert code_of(lambda: vpc.add_subnet("e", "10.0.3.0/24", "us-east-1a")) == "InvalidParameterValue"


@pytest.mark.parametrize("cidr", ["10.1.0.0/24", "10.0.0.0/15", "10.0.1.0/29", "9.255.255.0/24"])
def test_subnet_outside_vpc_or_wrong_size_is_invalid_subnet_range(vpc, cidr):
    assert code_of(lambda: vpc.add_subnet("x", cidr)) == "InvalidSubnet.Range"


def test_subnet_as_large_as_the_vpc_is_allowed(cloud):
    small = cloud.add_vpc("small", "10.9.0.0/24")
    assert small.add_subnet("all", "10.9.0.0/24").cidr == "10.9.0.0/24"


@pytest.mark.parametrize("second", ["10.0.1.0/24", "10.0.1.128/25", "10.0.0.0/23", "10.0.1.16/28"])
def test_overlapping_subnets_are_invalid_subnet_conflict(vpc, second):
    vpc.add_subnet("a", "10.0.1.0/24")
    assert ipaddress.ip_network("10.0.1.0/24").overlaps(ipaddress.ip_network(second))
    assert code_of(lambda: vpc.add_subnet("b", second)) == "InvalidSubnet.Conflict"


def test_five_addresses_are_reserved_per_subnet(vpc):
    subnet = vpc.add_subnet("a", "10.0.1.0/28")
    network = ipaddress.ip_network("10.0.1.0/28")
    expected = [str(network[i]) for i in (0, 1, 2, 3)] + [str(network[-1])]
    assert [a for a, _ in subnet.reserved] == expected
    assert subnet.available_addresses == 11
    first = subnet.launch("one")
    assert first.private_ip == str(network[4])         # the first address an instance can get


@pytest.mark.parametrize("address, code", [("10.0.1.0", "InvalidParameterValue"), ("10.0.1.1", "InvalidParameterValue"),
                                           ("10.0.1.2", "InvalidParameterValue"), ("10.0.1.3", "InvalidParameterValue"),
                                           ("10.0.1.255", "InvalidParameterValue"), ("10.0.2.9", "InvalidParameterValue")])
def test_instance_addresses_must_be_usable_and_inside(vpc, address, code):
    subnet = vpc.add_subnet("a", "10.0.1.0/24")
    assert code_of(lambda: subnet.launch("x", private_ip=address)) == code


def test_an_address_in_use_is_refused(vpc):
    subnet = vpc.add_subnet("a", "10.0.1.0/24")
    subnet.launch("one", private_ip="10.0.1.10")
    assert code_of(lambda: subnet.launch("two", private_ip="10.0.1.10")) == "InvalidIPAddress.InUse"


def test_a_full_subnet_has_no_free_address(vpc):
    subnet = vpc.add_subnet("a", "10.0.1.0/28")
    for number in range(11):
        subnet.launch(f"i{number}")
    assert code_of(lambda: subnet.launch("twelfth")) == "InsufficientFreeAddressesInSubnet"


# ---------------------------------------------------------------------------- route tables

def test_subnets_follow_the_main_table_until_associated(vpc):
    a = vpc.add_subnet("a", "10.0.1.0/24")
    b = vpc.add_subnet("b", "10.0.2.0/24")
    custom = vpc.add_route_table("custom")
    assert a.effective_route_table is vpc.main and b.effective_route_table is vpc.main
    custom.associate(a)
    assert a.effective_route_table is custom and b.effective_route_table is vpc.main
    assert {s.name for s in vpc.main.subnets} == {"b"} and {s.name for s in custom.subnets} == {"a"}
    custom.disassociate(a)
    assert a.effective_route_table is vpc.main


def test_a_subnet_uses_one_table_at_a_time(vpc):
    a = vpc.add_subnet("a", "10.0.1.0/24")
    one, two = vpc.add_route_table("one"), vpc.add_route_table("two")
    one.associate(a)
    assert code_of(lambda: two.associate(a)) == "Resource.AlreadyAssociated"


def test_changing_the_main_table_moves_unassociated_subnets(vpc):
    a = vpc.add_subnet("a", "10.0.1.0/24")
    other = vpc.add_route_table("other")
    vpc.set_main_route_table(other)
    assert a.effective_route_table is other and other.is_main


def test_route_table_of_another_vpc_cannot_be_associated(cloud, vpc):
    other = cloud.add_vpc("other", "10.1.0.0/16")
    a = vpc.add_subnet("a", "10.0.1.0/24")
    assert code_of(lambda: other.add_route_table("t").associate(a)) == "InvalidParameterValue"


def test_longest_prefix_match_wins(cloud, vpc):
    igw = vpc.add_internet_gateway()
    a = vpc.add_subnet("a", "10.0.1.0/24")
    nat = a.add_nat_gateway("nat")
    table = vpc.add_route_table("t")
    table.add_route("0.0.0.0/0", igw)
    table.add_route("198.51.0.0/16", nat)
    table.add_route("198.51.100.0/24", igw)
    assert table.lookup("10.0.200.1").target == "local"
    assert table.lookup("198.51.100.7").destination == "198.51.100.0/24"
    assert table.lookup("198.51.7.7").target == nat.id
    assert table.lookup("8.8.8.8").destination == "0.0.0.0/0"
    empty = vpc.add_route_table("empty")
    assert empty.lookup("8.8.8.8") is None


def test_static_route_beats_propagated_route_of_the_same_prefix(cloud, vpc):
    vgw = cloud.add_vpn_gateway("vgw")
    vgw.attach(vpc)
    office = cloud.add_on_premises("office", "192.168.0.0/16")
    cloud.add_vpn_connection("vpn", vgw, office)
    a = vpc.add_subnet("a", "10.0.1.0/24")
    nat = (vpc.add_internet_gateway(), a.add_nat_gateway("nat"))[1]
    table = vpc.add_route_table("t")
    table.enable_propagation(vgw)
    assert table.lookup("192.168.3.3").origin == "propagated"
    table.add_route("192.168.0.0/16", nat)
    assert table.lookup("192.168.3.3").target == nat.id


def test_duplicate_and_local_shadowing_routes_are_refused(vpc):
    igw = vpc.add_internet_gateway()
    table = vpc.add_route_table("t")
    table.add_route("0.0.0.0/0", igw)
    assert code_of(lambda: table.add_route("0.0.0.0/0", igw)) == "RouteAlreadyExists"
    assert code_of(lambda: table.add_route("10.0.5.0/24", igw)) == "InvalidParameterValue"
    assert code_of(lambda: table.delete_route("10.0.0.0/16")) == "InvalidParameterValue"


def test_route_targets_must_exist_and_belong_to_the_vpc(cloud, vpc):
    other = cloud.add_vpc("other", "10.1.0.0/16")
    foreign = other.add_internet_gateway("foreign")
    table = vpc.add_route_table("t")
    assert code_of(lambda: table.add_route("0.0.0.0/0", "igw-99")) == "InvalidGatewayID.NotFound"
    assert code_of(lambda: table.add_route("0.0.0.0/0", foreign)) == "InvalidParameterValue"
    assert code_of(lambda: table.add_route("0.0.0.0/0", "nat-99")) == "InvalidNatGatewayID.NotFound"
    assert code_of(lambda: table.add_route("10.1.0.0/16", "pcx-99")) == "InvalidVpcPeeringConnectionID.NotFound"


def test_deleting_a_target_leaves_a_blackhole_route(vpc):
    vpc.add_internet_gateway()
    a = vpc.add_subnet("a", "10.0.1.0/24")
    nat = a.add_nat_gateway("nat")
    table = vpc.add_route_table("t")
    route = table.add_route("0.0.0.0/0", nat)
    assert table.route_state(route) == "active"
    vpc._cloud.delete(nat)
    assert table.route_state(route) == "blackhole"
    assert route in table.routes                       # it stays until someone removes it


def test_route_text_names_targets(cloud, vpc):
    igw = vpc.add_internet_gateway("edge")
    assert Route("0.0.0.0/0", igw.id).text(cloud) == "0.0.0.0/0 → edge (igw-01)"


# ---------------------------------------------------------------------------- internet gateway, EIP, NAT

def test_one_internet_gateway_per_vpc_and_one_vpc_per_gateway(cloud, vpc):
    igw = vpc.add_internet_gateway("one")
    assert code_of(lambda: vpc.add_internet_gateway("two")) == "Resource.AlreadyAssociated"
    other = cloud.add_vpc("other", "10.1.0.0/16")
    assert code_of(lambda: igw.attach(other)) == "Resource.AlreadyAssociated"


def test_internet_gateway_cannot_detach_while_public_addresses_are_mapped(vpc):
    igw = vpc.add_internet_gateway()
    a = vpc.add_subnet("a", "10.0.1.0/24")
    web = a.launch("web", public_ip=True)
    assert code_of(igw.detach) == "DependencyViolation"
    vpc._cloud.delete(web)
    igw.detach()
    assert vpc.internet_gateway is None


def test_public_ip_follows_the_subnet_setting_unless_told(vpc):
    vpc.add_internet_gateway()
    auto = vpc.add_subnet("auto", "10.0.1.0/24", public_ip_on_launch=True)
    plain = vpc.add_subnet("plain", "10.0.2.0/24")
    assert auto.launch("a").public_ip is not None
    assert auto.launch("b", public_ip=False).public_ip is None
    assert plain.launch("c").public_ip is None
    assert ipaddress.ip_address(plain.launch("d", public_ip=True).public_ip) in ipaddress.ip_network("198.51.100.0/24")


def test_elastic_ip_needs_an_internet_gateway_and_one_owner(cloud, vpc):
    a = vpc.add_subnet("a", "10.0.1.0/24")
    web, api = a.launch("web"), a.launch("api")
    eip = cloud.allocate_address("fixed")
    assert code_of(lambda: eip.associate(web)) == "Gateway.NotAttached"
    vpc.add_internet_gateway()
    eip.associate(web)
    assert web.public_ip == eip.public_ip
    assert code_of(lambda: eip.associate(api)) == "Resource.AlreadyAssociated"


def test_nat_gateway_needs_an_internet_gateway_and_gets_an_elastic_ip(cloud, vpc):
    a = vpc.add_subnet("a", "10.0.1.0/24")
    assert code_of(lambda: a.add_nat_gateway("nat")) == "Gateway.NotAttached"
    vpc.add_internet_gateway()
    nat = a.add_nat_gateway("nat")
    assert nat.public_ip and cloud.elastic_ips[nat.elastic_ip].association == nat.id
    assert nat.private_ip == "10.0.1.4"
    eip = cloud.elastic_ips[nat.elastic_ip]
    assert code_of(lambda: a.add_nat_gateway("nat2", eip)) == "Resource.AlreadyAssociated"


def test_subnet_is_public_exactly_when_its_table_routes_to_an_internet_gateway(vpc):
    igw = vpc.add_internet_gateway()
    a = vpc.add_subnet("a", "10.0.1.0/24")
    assert not a.is_public
    table = vpc.add_route_table("public")
    table.associate(a)
    assert not a.is_public
    table.add_route("0.0.0.0/0", igw)
    assert a.is_public


# ---------------------------------------------------------------------------- security groups

def test_new_security_group_denies_in_and_allows_all_out(vpc):
    group = vpc.add_security_group("web")
    assert group.inbound == []
    assert [(r.protocol, r.cidr) for r in group.outbound] == [("all", "0.0.0.0/0")]


def test_security_group_names_are_unique_per_vpc(cloud, vpc):
    vpc.add_security_group("web")
    assert code_of(lambda: vpc.add_security_group("web")) == "InvalidGroup.Duplicate"
    assert cloud.add_vpc("other", "10.1.0.0/16").add_security_group("web").name == "web"


def test_duplicate_rules_and_missing_rules(vpc):
    group = vpc.add_security_group("web")
    group.allow_inbound("tcp", 80, "0.0.0.0/0")
    assert code_of(lambda: group.allow_inbound("tcp", 80, "0.0.0.0/0")) == "InvalidPermission.Duplicate"
    assert code_of(lambda: group.revoke_inbound("tcp", 81, "0.0.0.0/0")) == "InvalidPermission.NotFound"
    group.revoke_outbound("all", None, "0.0.0.0/0")
    assert group.outbound == []


def test_sixty_rules_per_direction(vpc):
    group = vpc.add_security_group("many")
    for port in range(60):
        group.allow_inbound("tcp", 1000 + port)
    assert code_of(lambda: group.allow_inbound("tcp", 2000)) == "RulesPerSecurityGroupLimitExceeded"


def test_group_references_only_within_the_vpc_or_a_same_region_peer(cloud, vpc):
    here = vpc.add_security_group("here")
    other = cloud.add_vpc("other", "10.1.0.0/16")
    there = other.add_security_group("there")
    assert code_of(lambda: here.allow_inbound("tcp", 22, there)) == "InvalidGroup.NotFound"
    cloud.peer(vpc, other)
    here.allow_inbound("tcp", 22, there)               # peered, same Region: allowed
    far = cloud.add_vpc("far", "10.2.0.0/16", region="us-east-1")
    cloud.peer(vpc, far)
    remote = far.add_security_group("remote")
    assert code_of(lambda: here.allow_inbound("tcp", 23, remote)) == "InvalidGroup.NotFound"


def test_interface_takes_one_to_five_groups_of_its_own_vpc(cloud, vpc):
    a = vpc.add_subnet("a", "10.0.1.0/24")
    groups = [vpc.add_security_group(f"g{n}") for n in range(6)]
    assert a.launch("plain").security_groups == [vpc.default_sg]   # AWS uses the default group
    assert code_of(lambda: a.launch("six", security_groups=groups)) == "SecurityGroupsPerInterfaceLimitExceeded"
    foreign = cloud.add_vpc("other", "10.1.0.0/16").add_security_group("f")
    assert code_of(lambda: a.launch("f", security_groups=[foreign])) == "InvalidParameter"


def test_a_group_in_use_or_referenced_cannot_be_deleted(cloud, vpc):
    a = vpc.add_subnet("a", "10.0.1.0/24")
    web, app = vpc.add_security_group("web"), vpc.add_security_group("app")
    app.allow_inbound("tcp", 8080, web)
    assert code_of(lambda: cloud.delete(web)) == "DependencyViolation"
    a.launch("x", security_groups=[app])
    assert code_of(lambda: cloud.delete(app)) == "DependencyViolation"
    assert code_of(lambda: cloud.delete(vpc.default_sg)) == "CannotDelete"


# ---------------------------------------------------------------------------- network ACLs

def test_custom_acl_starts_with_only_the_star_rules(vpc):
    assert vpc.add_network_acl("custom").entries == []


@pytest.mark.parametrize("number", [0, 32767, -5, 1.5])
def test_acl_rule_numbers_are_1_to_32766(vpc, number):
    acl = vpc.add_network_acl("custom")
    assert code_of(lambda: acl.allow_inbound(number, "tcp", 22)) == "InvalidParameterValue"


def test_acl_rule_numbers_are_unique_per_direction(vpc):
    acl = vpc.add_network_acl("custom")
    acl.allow_inbound(100, "tcp", 22)
    acl.allow_outbound(100, "tcp", 22)                 # same number, other direction: fine
    assert code_of(lambda: acl.deny_inbound(100, "tcp", 23)) == "NetworkAclEntryAlreadyExists"


def test_twenty_rules_per_direction(vpc):
    acl = vpc.add_network_acl("custom")
    for number in range(1, 21):
        acl.allow_inbound(number * 10, "tcp", number)
    assert code_of(lambda: acl.allow_inbound(500, "tcp", 500)) == "NetworkAclEntryLimitExceeded"


def test_each_subnet_has_one_acl_and_an_acl_serves_many(vpc):
    a = vpc.add_subnet("a", "10.0.1.0/24")
    b = vpc.add_subnet("b", "10.0.2.0/24")
    assert a.acl is vpc.default_acl and b.acl is vpc.default_acl
    custom = vpc.add_network_acl("custom")
    custom.associate(a)
    custom.associate(b)
    assert {s.name for s in custom.subnets} == {"a", "b"} and vpc.default_acl.subnets == []
    vpc.default_acl.associate(a)                       # replacing the association moves it
    assert a.acl is vpc.default_acl


# ---------------------------------------------------------------------------- peering, transit, VPN

def test_peering_overlapping_vpcs_fails(cloud, vpc):
    twin = cloud.add_vpc("twin", "10.0.128.0/17")
    assert code_of(lambda: cloud.peer(vpc, twin)) == "failed"
    other = cloud.add_vpc("other", "10.1.0.0/16")
    cloud.peer(vpc, other)
    assert code_of(lambda: cloud.peer(other, vpc)) == "VpcPeeringConnectionAlreadyExists"
    assert code_of(lambda: cloud.peer(vpc, vpc)) == "InvalidParameterValue"


def test_transit_gateway_attachments(cloud, vpc):
    tgw = cloud.add_transit_gateway("hub")
    a = vpc.add_subnet("a", "10.0.1.0/24", "a")
    b = vpc.add_subnet("b", "10.0.2.0/24", "a")
    assert code_of(lambda: tgw.attach_vpc(vpc, [a, b])) == "DuplicateSubnetsInSameZone"
    attachment = tgw.attach_vpc(vpc, [a])
    assert attachment.route_table == tgw.default_route_table       # default association
    assert [r.destination for r in tgw.default_table.all_routes()] == ["10.0.0.0/16"]  # default propagation
    assert code_of(lambda: tgw.attach_vpc(vpc, [b])) == "DuplicateTransitGatewayAttachment"
    far = cloud.add_vpc("far", "10.5.0.0/16", region="us-east-1")
    assert code_of(lambda: tgw.attach_vpc(far, [])) == "InvalidParameterValue"


def test_route_to_a_transit_gateway_needs_an_attachment(cloud, vpc):
    tgw = cloud.add_transit_gateway("hub")
    table = vpc.add_route_table("t")
    assert code_of(lambda: table.add_route("10.9.0.0/16", tgw)) == "InvalidParameterValue"
    vpc.add_subnet("a", "10.0.1.0/24")
    tgw.attach_vpc(vpc)
    table.add_route("10.9.0.0/16", tgw)


def test_vpn_gateway_one_per_vpc_and_propagation_needs_attachment(cloud, vpc):
    vgw = cloud.add_vpn_gateway("vgw")
    table = vpc.add_route_table("t")
    assert code_of(lambda: table.enable_propagation(vgw)) == "Gateway.NotAttached"
    vgw.attach(vpc)
    assert code_of(lambda: cloud.add_vpn_gateway("second").attach(vpc)) == "VpnGatewayAttachmentLimitExceeded"


def test_on_premises_must_not_overlap_a_vpc(cloud, vpc):
    vgw = cloud.add_vpn_gateway("vgw")
    office = cloud.add_on_premises("office", "10.0.128.0/17")
    assert code_of(lambda: cloud.add_vpn_connection("vpn", vgw, office)) == "InvalidParameterValue"


# ---------------------------------------------------------------------------- learner mistakes read as sentences

@pytest.mark.parametrize("call", [
    lambda c: c.add_vpc("", "10.0.0.0/16"),
    lambda c: c.add_vpc("v", "10.0.0.0/16").add_subnet("s", "ten"),
    lambda c: c.instance("ghost"),
    lambda c: c.add_vpc("v", "10.0.0.0/16").add_network_acl("a").add_entry(100, "sideways", "allow", "tcp"),
])
def test_bad_input_is_one_sentence(call):
    with pytest.raises(CourseError) as problem:
        call(Cloud())
    text = str(problem.value)
    assert text.endswith((".", ")")) and "\n" not in text


def test_names_are_unique(cloud, vpc):
    a = vpc.add_subnet("a", "10.0.1.0/24")
    with pytest.raises(InputError):
        vpc.add_subnet("a", "10.0.2.0/24")
    a.launch("web")
    with pytest.raises(InputError):
        a.launch("web")


def test_ami_and_launch_template(cloud, vpc):
    a = vpc.add_subnet("a", "10.0.1.0/24", "a")
    c = vpc.add_subnet("c", "10.0.2.0/24", "c")
    web_sg = vpc.add_security_group("web")
    web = a.launch("web", security_groups=[web_sg], software=("nginx",), instance_type="t3.small")
    image = cloud.create_image(web, "web-image")
    assert image.software == ("nginx",) and image.source_instance == web.id
    template = cloud.add_launch_template("web-template", image, "t3.medium", [web_sg])
    copy_ = c.launch("web-2", template=template)
    assert (copy_.instance_type, copy_.software, copy_.ami, copy_.az) == ("t3.medium", ("nginx",), image.id,
                                                                         "ap-northeast-2c")
    assert copy_.security_groups == [web_sg]
    web.resize("m5.xlarge")
    assert web.instance_type == "m5.xlarge"
    assert code_of(lambda: web.resize("huge.metal")) == "InvalidParameterValue"
