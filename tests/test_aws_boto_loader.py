"""helpers.aws.boto_loader: a (mocked) AWS account read into the model, read-only, offline.

moto's mock_aws stands in for AWS: no network, no credentials, no real call. The account is
built through the EC2 API, read back by the loader, and the model's answers are checked against
what the AWS documentation says of that account (written down here, not read from the model).
"""
from __future__ import annotations

import os
import sys

import pytest

if os.environ.get("NETCOURSE_REQUIRE_LIVE") == "1":  # CI installs the extra: missing is a failure there
    import boto3
    import moto
else:
    boto3 = pytest.importorskip("boto3", reason="boto3 is the optional 'aws' extra")
    moto = pytest.importorskip("moto", reason="moto is the optional 'aws' extra")

from helpers.aws import analyze  # noqa: E402
from helpers.aws.boto_loader import BotoMissing, DESCRIBE_CALLS, fetch, from_responses, load_account  # noqa: E402
from helpers.aws.materialize import node_names  # noqa: E402
from helpers.errors import InputError  # noqa: E402

REGION = "ap-northeast-2"


@pytest.fixture(scope="module")
def account():
    """One mocked account for the whole module (built once: moto is not fast): (ids, loaded)."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                           "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION}.items():
            patch.setenv(key, value)
        with moto.mock_aws():
            ids = build_account(boto3.client("ec2", region_name=REGION))
            yield ids, load_account(region=REGION)


def tag(ec2, resource: str, name: str) -> str:
    ec2.create_tags(Resources=[resource], Tags=[{"Key": "Name", "Value": name}])
    return resource


def build_account(ec2) -> dict:
    """A two-tier VPC: public subnet (IGW), private subnet (NAT), web and app groups, a custom ACL."""
    ids = {}
    ids["vpc"] = vpc = tag(ec2, ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"], "shop")
    ids["public"] = pub = tag(ec2, ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24",
                                                     AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"], "public-a")
    ids["private"] = prv = tag(ec2, ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.11.0/24",
                                                      AvailabilityZone=f"{REGION}c")["Subnet"]["SubnetId"], "private-c")
    ids["igw"] = igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ids["public_rt"] = rt = tag(ec2, ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"], "public-rt")
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=rt, SubnetId=pub)
    nat_eip = ec2.allocate_address(Domain="vpc")
    ids["nat"] = nat = ec2.create_nat_gateway(SubnetId=pub, AllocationId=nat_eip["AllocationId"])["NatGateway"]["NatGatewayId"]
    ids["private_rt"] = rt2 = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rt2, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    ec2.associate_route_table(RouteTableId=rt2, SubnetId=prv)
    ids["web_sg"] = web_sg = ec2.create_security_group(GroupName="web-sg", Description="web", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=web_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "50", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])  # ESP: not modelled
    ids["app_sg"] = app_sg = ec2.create_security_group(GroupName="app-sg", Description="app", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=app_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": web_sg}]}])
    ids["acl"] = acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=False,
                                 CidrBlock="10.0.0.0/16", PortRange={"From": 8080, "To": 8080})
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=90, Protocol="-1", RuleAction="deny", Egress=True,
                                 CidrBlock="0.0.0.0/0")
    image = ec2.describe_images()["Images"][0]["ImageId"]
    ids["web"] = web = tag(ec2, ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=pub,
                                                  SecurityGroupIds=[web_sg], InstanceType="t3.micro")
                           ["Instances"][0]["InstanceId"], "web")
    ids["eip"] = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=ids["eip"]["AllocationId"], InstanceId=web)
    ids["app"] = tag(ec2, ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=prv,
                                            SecurityGroupIds=[app_sg], InstanceType="t3.micro")
                     ["Instances"][0]["InstanceId"], "app")
    ids["vpc2"] = vpc2 = tag(ec2, ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"], "partner")
    ids["pcx"] = pcx = ec2.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=vpc2)["VpcPeeringConnection"][
        "VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx)
    ids["tgw"] = tgw = ec2.create_transit_gateway(Description="hub")["TransitGateway"]["TransitGatewayId"]
    ids["attachment"] = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[pub])[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    return ids


def test_an_account_is_read_into_the_model(account):
    ids, loaded = account
    cloud = loaded.cloud
    assert loaded.region == REGION and cloud.region == REGION
    vpc = cloud.vpcs[ids["vpc"]]
    assert vpc.name == "shop" and vpc.cidr == "10.0.0.0/16"
    assert {s.name for s in vpc.subnets} == {"public-a", "private-c"}
    assert cloud.subnets[ids["public"]].az == f"{REGION}a"
    # routing: the public subnet is public, the private one goes out through the NAT gateway
    assert vpc.internet_gateway.id == ids["igw"]
    assert cloud.subnets[ids["public"]].route_table == ids["public_rt"]
    assert cloud.subnets[ids["public"]].is_public and not cloud.subnets[ids["private"]].is_public
    private_routes = {r.destination: r.target for r in cloud.route_tables[ids["private_rt"]].routes}
    assert private_routes == {"10.0.0.0/16": "local", "0.0.0.0/0": ids["nat"]}
    assert cloud.route_tables[vpc.main_route_table].is_main
    nat = cloud.nat_gateways[ids["nat"]]
    assert nat.subnet == ids["public"] and nat.public_ip
    # groups: rules by CIDR and by group; the ESP rule is left out and said so
    web_sg, app_sg = cloud.security_groups[ids["web_sg"]], cloud.security_groups[ids["app_sg"]]
    assert [(r.protocol, r.ports, r.cidr) for r in web_sg.inbound] == [("tcp", (80, 80), "0.0.0.0/0")]
    assert [(r.protocol, r.ports, r.group) for r in app_sg.inbound] == [("tcp", (8080, 8080), ids["web_sg"])]
    assert any("IP protocol 50" in note for note in loaded.notes)
    assert vpc.default_sg.name == "default" and vpc.default_acl.default
    # the custom ACL keeps its numbered rules; the '*' rule is the model's own
    acl = cloud.network_acls[ids["acl"]]
    assert sorted((e.number, e.egress, e.action, e.protocol) for e in acl.entries) == [
        (90, True, "deny", "all"), (100, False, "allow", "tcp")]
    # instances with their interface, groups, Elastic IP
    web, app = cloud.instances[ids["web"]], cloud.instances[ids["app"]]
    assert web.name == "web" and web.public_ip == ids["eip"]["PublicIp"]
    assert web.eni.elastic_ip == ids["eip"]["AllocationId"]
    assert [g.id for g in app.security_groups] == [ids["app_sg"]] and app.public_ip is None
    # peering and the transit gateway
    assert cloud.peerings[ids["pcx"]].connects(ids["vpc2"]) and cloud.peerings[ids["pcx"]].status == "active"
    assert cloud.tgw_attachments[ids["attachment"]].resource == ids["vpc"]
    assert "3 VPCs" in loaded.summary() or "2 VPCs" in loaded.summary()


def test_the_analyzer_answers_about_the_account(account):
    ids, loaded = account
    cloud = loaded.cloud
    assert analyze(cloud, "the internet", "web", "tcp", 80).reachable
    assert not analyze(cloud, "the internet", "web", "tcp", 22).reachable
    assert analyze(cloud, "the internet", "app", "tcp", 8080).code == "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"
    assert analyze(cloud, "web", "app", "tcp", 8080).reachable           # app-sg admits web-sg
    assert not analyze(cloud, "web", "app", "tcp", 22).reachable
    assert analyze(cloud, "app", "the internet", "tcp", 443).reachable   # out through the NAT gateway
    # real ids become short lab node names
    names = node_names(cloud)
    assert names[ids["web"]] == "web" and names[ids["igw"]] == "igw1"


def test_the_loader_only_reads(account):
    calls = []

    class Spy:
        def __init__(self, client):
            self._client = client

        def __getattr__(self, name):
            calls.append(name)
            attribute = getattr(self._client, name)
            if name == "get_paginator":
                def paginator(operation):
                    calls.append(operation)     # the call a paginator makes, page by page
                    return attribute(operation)
                return paginator
            return attribute

    loaded = load_account(client=Spy(boto3.client("ec2", region_name=REGION)))
    assert loaded.cloud.instances
    used = {c for c in calls if c not in ("meta", "can_paginate", "get_paginator")}
    assert used and all(c.startswith(("describe_", "get_", "search_")) for c in used), used
    assert set(DESCRIBE_CALLS) <= set(calls)


def test_saved_answers_load_without_boto3_and_odd_parts_are_noted():
    responses = {
        "describe_vpcs": {"Vpcs": [{"VpcId": "vpc-0aa", "CidrBlock": "10.9.0.0/16",
                                    "CidrBlockAssociationSet": [{"CidrBlock": "10.9.0.0/16"},
                                                                {"CidrBlock": "100.64.0.0/16"}]}]},
        "describe_subnets": {"Subnets": [{"SubnetId": "subnet-0bb", "VpcId": "vpc-0aa", "CidrBlock": "10.9.1.0/24",
                                          "AvailabilityZone": "eu-central-1b"}]},
        "describe_route_tables": {"RouteTables": [{
            "RouteTableId": "rtb-0cc", "VpcId": "vpc-0aa", "Associations": [{"Main": True}],
            "Routes": [{"DestinationCidrBlock": "10.9.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable"},
                       {"DestinationCidrBlock": "0.0.0.0/0", "InstanceId": "i-0nat", "Origin": "CreateRoute"},
                       {"DestinationPrefixListId": "pl-0s3", "GatewayId": "vpce-0x"}]}]},
        "describe_security_groups": {"SecurityGroups": [{
            "GroupId": "sg-0dd", "GroupName": "default", "VpcId": "vpc-0aa",
            "IpPermissions": [{"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
                              {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                               "PrefixListIds": [{"PrefixListId": "pl-0s3"}]}],
            "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]},
        "describe_network_acls": {"NetworkAcls": [{
            "NetworkAclId": "acl-0ee", "VpcId": "vpc-0aa", "IsDefault": True,
            "Entries": [{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": False,
                         "CidrBlock": "0.0.0.0/0"},
                        {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": True,
                         "CidrBlock": "0.0.0.0/0"},
                        {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": False,
                         "CidrBlock": "0.0.0.0/0"}]}]},
        "describe_instances": {"Reservations": [{"Instances": [{
            "InstanceId": "i-0ff", "SubnetId": "subnet-0bb", "PrivateIpAddress": "10.9.1.10",
            "State": {"Name": "running"}, "SecurityGroups": [{"GroupId": "sg-0dd"}], "InstanceType": "t3.small",
            "Tags": [{"Key": "Name", "Value": "box"}]}]}]},
    }
    loaded = from_responses(responses)
    cloud = loaded.cloud
    assert cloud.region == "eu-central-1"
    assert cloud.instances["i-0ff"].name == "box" and cloud.subnets["subnet-0bb"].network_acl == "acl-0ee"
    routes = {r.destination: r.target for r in cloud.route_tables["rtb-0cc"].routes}
    assert routes == {"10.9.0.0/16": "local", "0.0.0.0/0": "blackhole"}
    assert [e.number for e in cloud.network_acls["acl-0ee"].entries] == [100, 100]   # '*' is the model's own
    notes = "\n".join(loaded.notes)
    for expected in ("secondary CIDR blocks 100.64.0.0/16", "an instance or network interface", "prefix list",
                     "ICMP rule for type 8"):
        assert expected in notes
    result = analyze(cloud, "box", "the internet", "tcp", 443)
    assert not result.reachable and result.code == "BAD_STATE_ROUTE"
    with pytest.raises(InputError, match="describe_vpcs"):
        from_responses({"describe_subnets": {}})


def test_without_boto3_one_sentence_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "boto3", None)        # `import boto3` now fails
    with pytest.raises(BotoMissing, match="pip install -r requirements-aws.txt"):
        load_account(region=REGION)


def test_refused_permissions_are_reported(account):
    client = boto3.client("ec2", region_name=REGION)

    class Partial:
        meta = client.meta

        def __getattr__(self, name):
            if name in ("describe_network_acls",):
                def refuse(*args, **kwargs):
                    raise RuntimeError("UnauthorizedOperation")
                return refuse
            if name == "can_paginate":
                return lambda call: call != "describe_network_acls" and client.can_paginate(call)
            return getattr(client, name)

    loaded = load_account(client=Partial())
    assert any(note.startswith("describe_network_acls failed") for note in loaded.notes)
    assert loaded.cloud.instances        # everything else still came through
    assert fetch(client)["describe_vpcs"]["Vpcs"]


def test_a_real_account_becomes_a_lab_only_with_documentation_addresses(account):
    from helpers.aws.materialize import plan, with_lab_addresses

    import copy as copying

    ids, loaded = account
    cloud = copying.deepcopy(loaded.cloud)          # the module's account stays as read
    # moto's NAT gateway gets a private address outside its subnet, which AWS never does: drop it
    for nat_id in list(cloud.nat_gateways):
        cloud.nat_gateways.pop(nat_id)
    web = cloud.instances[ids["web"]]
    web.eni.public_ip = "54.180.1.2"            # what a real account shows: a real internet address
    with pytest.raises(InputError, match="real internet address"):
        plan(cloud)
    copy = with_lab_addresses(cloud)
    assert copy.instances[ids["web"]].public_ip.startswith("198.51.100.")
    assert web.public_ip == "54.180.1.2"            # the loaded model itself is untouched
    blueprint = plan(copy)
    assert blueprint.names[ids["web"]] == "web"

