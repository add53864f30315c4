"""Whole-model validation: AWS's refusals as errors, working-but-broken designs as warnings."""
from __future__ import annotations

import pytest

from helpers.aws import Cloud, check, two_az_vpc, validate
from helpers.aws.errors import AwsError
from helpers.aws.model import NetworkInterface, Instance, Route, Subnet, _bind
from helpers.aws.rules import AclEntry


def base():
    cloud = Cloud()
    vpc = cloud.add_vpc("main", "10.0.0.0/16")
    return cloud, vpc


def test_a_clean_design_has_no_findings():
    cloud = Cloud()
    two_az_vpc(cloud, "shop", "10.0.0.0/16")
    assert validate(cloud) == []
    assert "no problems" in repr(validate(cloud))
    check(cloud)


def test_raw_data_edits_are_held_to_the_same_rules():
    cloud, vpc = base()
    a = vpc.add_subnet("a", "10.0.1.0/24")
    # edit fields directly, bypassing the builder methods
    cloud.subnets["subnet-99"] = _bind(Subnet("subnet-99", "b", vpc.id, "10.0.1.128/25", "ap-northeast-2a", False, None,
                                              vpc.default_network_acl), cloud)
    cloud.subnets["subnet-98"] = _bind(Subnet("subnet-98", "c", vpc.id, "10.1.0.0/24", "ap-northeast-2z", False, None,
                                              vpc.default_network_acl), cloud)
    vpc.cidr = "10.0.0.0/8"
    codes = validate(cloud).codes
    assert "InvalidVpc.Range" in codes
    assert "InvalidSubnet.Conflict" in codes
    assert "InvalidParameterValue" in codes             # the made-up AZ 2z
    with pytest.raises(AwsError) as problem:
        check(cloud)
    assert problem.value.code == validate(cloud).errors[0].code


def test_reserved_and_duplicate_addresses_found_in_raw_data():
    cloud, vpc = base()
    a = vpc.add_subnet("a", "10.0.1.0/24")
    web = a.launch("web")
    cloud.instances["i-99"] = _bind(Instance("i-99", "clone", NetworkInterface("eni-99", a.id, web.private_ip,
                                                                              [vpc.default_security_group])), cloud)
    cloud.instances["i-98"] = _bind(Instance("i-98", "router", NetworkInterface("eni-98", a.id, "10.0.1.1",
                                                                               [vpc.default_security_group])), cloud)
    codes = validate(cloud).codes
    assert "InvalidIPAddress.InUse" in codes and "InvalidParameterValue" in codes


def test_two_routes_for_one_destination_and_shadowing_the_local_route():
    cloud, vpc = base()
    igw = vpc.add_internet_gateway()
    vpc.main.routes += [Route("0.0.0.0/0", igw.id), Route("0.0.0.0/0", igw.id), Route("10.0.1.0/24", igw.id)]
    codes = validate(cloud).codes
    assert "RouteAlreadyExists" in codes and "InvalidParameterValue" in codes


def test_nat_gateway_in_a_private_subnet_is_a_warning():
    cloud, vpc = base()
    vpc.add_internet_gateway()
    private = vpc.add_subnet("private", "10.0.11.0/24")
    private.add_nat_gateway("nat")
    findings = validate(cloud)
    assert not findings.errors
    assert [(f.severity, f.code) for f in findings] == [("warning", "NO_ROUTE_TO_DESTINATION")]
    assert "public subnet" in findings[0].message


def test_nat_gateway_without_elastic_ip_or_internet_gateway_in_raw_data():
    cloud, vpc = base()
    igw = vpc.add_internet_gateway()
    subnet = vpc.add_subnet("a", "10.0.1.0/24")
    nat = subnet.add_nat_gateway("nat")
    nat.elastic_ip = None
    igw.vpc = None
    codes = validate(cloud).codes
    assert "MissingParameter" in codes and "Gateway.NotAttached" in codes


def test_blackhole_routes_are_warnings():
    cloud, vpc = base()
    vpc.add_internet_gateway()
    subnet = vpc.add_subnet("a", "10.0.1.0/24")
    nat = subnet.add_nat_gateway("nat")
    vpc.main.add_route("0.0.0.0/0", nat)
    cloud.delete(nat)
    assert "BAD_STATE_ROUTE" in validate(cloud).codes


def test_public_ip_in_private_subnet_is_a_warning():
    cloud, vpc = base()
    vpc.add_internet_gateway()
    vpc.add_subnet("a", "10.0.1.0/24").launch("web", public_ip=True)
    assert validate(cloud).codes == ["NO_ROUTE_TO_DESTINATION"]


def test_acl_without_ephemeral_return_rule_is_a_warning():
    cloud, vpc = base()
    subnet = vpc.add_subnet("a", "10.0.1.0/24")
    acl = vpc.add_network_acl("web")
    acl.allow_inbound(100, "tcp", 443)
    acl.allow_outbound(100, "tcp", 443)
    acl.associate(subnet)
    findings = validate(cloud)
    assert findings.codes == ["SUBNET_ACL_RESTRICTION"] and "inbound tcp 443" in findings[0].message
    acl.allow_outbound(110, "tcp", "1024-65535")
    # the outbound 443 rule makes the subnet a client as well, whose replies come back inbound
    findings = validate(cloud)
    assert findings.codes == ["SUBNET_ACL_RESTRICTION"] and "outbound tcp 443" in findings[0].message
    acl.allow_inbound(110, "tcp", "1024-65535")
    assert validate(cloud).codes == []


def test_acl_raw_rule_problems():
    cloud, vpc = base()
    acl = vpc.add_network_acl("web")
    acl.entries += [AclEntry(100, False, "allow", "tcp", (22, 22), "0.0.0.0/0"),
                    AclEntry(100, False, "deny", "tcp", (23, 23), "0.0.0.0/0"),
                    AclEntry(40000, True, "allow", "all", None, "0.0.0.0/0")]
    codes = validate(cloud).codes
    assert "NetworkAclEntryAlreadyExists" in codes and "InvalidParameterValue" in codes


def test_peering_routes_beyond_the_peer_and_without_a_way_back():
    cloud = Cloud()
    a, b = cloud.add_vpc("a", "10.1.0.0/16"), cloud.add_vpc("b", "10.2.0.0/16")
    peering = cloud.peer(a, b)
    a.main.add_route("10.0.0.0/8", peering)
    codes = validate(cloud).codes
    assert "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR" in codes and "NO_ROUTE_TO_DESTINATION" in codes


def test_overlapping_peering_in_raw_data_is_failed():
    cloud = Cloud()
    a, b = cloud.add_vpc("a", "10.1.0.0/16"), cloud.add_vpc("b", "10.2.0.0/16")
    cloud.peer(a, b)
    b.cidr = "10.1.0.0/16"
    assert "failed" in validate(cloud).codes


def test_findings_print_as_a_table():
    cloud, vpc = base()
    vpc.add_internet_gateway()
    vpc.add_subnet("a", "10.0.1.0/24").add_nat_gateway("nat")
    text = repr(validate(cloud))
    assert text.splitlines()[0] == "0 error(s) AWS would refuse, 1 warning(s) AWS accepts but that break traffic"
    assert "NO_ROUTE_TO_DESTINATION" in text


def test_a_raw_subnet_of_a_size_aws_refuses_is_reported_not_crashed_on():
    cloud, vpc = base()
    subnet = vpc.add_subnet("a", "10.0.1.0/24")
    subnet.launch("web")
    subnet.cidr = "10.0.1.0/30"
    assert "InvalidSubnet.Range" in validate(cloud).codes
