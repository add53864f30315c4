"""Read a real AWS account into the VPC model, read-only, so the analyzer can answer about it.

    from helpers.aws.boto_loader import load_account
    account = load_account(region="ap-northeast-2")          # your credentials, as the AWS CLI finds them
    account                                                  # what was read, and what the model leaves out
    account.cloud.analyze("the internet", "i-0abc1234", "tcp", 443)

**Read-only.** The loader only calls ``describe_*`` (and the transit gateway ``get_*`` and
``search_*`` look-ups): it never creates, changes or deletes anything in your account, and it
sends no packet. It needs permissions like those of the AWS managed policy ``ReadOnlyAccess``
(``ec2:Describe*``, ``ec2:GetTransitGateway*``, ``ec2:SearchTransitGatewayRoutes``). Nothing
is stored: the model lives in your notebook's memory.

boto3 is an optional extra of the course (``pip install -r requirements-aws.txt``); the rest
of the course never needs it, and it is imported only when ``load_account`` runs.

``from_responses(responses)`` builds the model from already fetched ``describe_*`` answers (a
dict: ``{"describe_vpcs": {...}, "describe_subnets": {...}, ...}``), e.g. saved JSON, so an
instructor can hand out a snapshot of an account without credentials.

What the model keeps: VPCs (first IPv4 block), subnets, route tables (main and explicit
associations, routes to internet, NAT, transit and virtual private gateways and peering, their
blackhole state), internet gateways, NAT gateways with their Elastic IPs, Elastic IPs,
security groups (rules by CIDR or by group), network ACLs, instances (their primary network
interface, public IP, groups), VPC peering, transit gateways with their VPC attachments, route
tables, associations, propagations and static routes, virtual private gateways. Left out, and
listed in ``account.notes``: IPv6, secondary CIDR blocks, prefix lists, rules for other IP
protocols or one ICMP type only (kept as "all ICMP"), routes to instances or network interfaces
(NAT instances, appliances), gateway route tables, endpoints, extra network interfaces, peering
with VPCs outside the account or Region.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netaddr import IPNetwork

from helpers.aws import model as M
from helpers.aws.model import Cloud, _bind
from helpers.aws.rules import MAX_ACL_RULE_NUMBER, AclEntry, SgRule
from helpers.errors import CourseError, InputError

__all__ = ["load_account", "from_responses", "Loaded", "DESCRIBE_CALLS", "BotoMissing"]

# Every call the loader makes (all read-only), with the key of the list in its answer.
DESCRIBE_CALLS = {
    "describe_vpcs": "Vpcs",
    "describe_subnets": "Subnets",
    "describe_route_tables": "RouteTables",
    "describe_internet_gateways": "InternetGateways",
    "describe_nat_gateways": "NatGateways",
    "describe_addresses": "Addresses",
    "describe_security_groups": "SecurityGroups",
    "describe_network_acls": "NetworkAcls",
    "describe_instances": "Reservations",
    "describe_vpc_peering_connections": "VpcPeeringConnections",
    "describe_transit_gateways": "TransitGateways",
    "describe_transit_gateway_vpc_attachments": "TransitGatewayVpcAttachments",
    "describe_transit_gateway_route_tables": "TransitGatewayRouteTables",
    "describe_vpn_gateways": "VpnGateways",
}
PAGINATED = {"describe_vpcs", "describe_subnets", "describe_route_tables", "describe_internet_gateways",
             "describe_nat_gateways", "describe_security_groups", "describe_network_acls", "describe_instances",
             "describe_vpc_peering_connections", "describe_transit_gateways",
             "describe_transit_gateway_vpc_attachments", "describe_transit_gateway_route_tables"}


class BotoMissing(CourseError):
    """boto3 is not installed."""


@dataclass
class Loaded:
    """A model read from an account, and what it leaves out."""

    cloud: Cloud
    region: str
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        c = self.cloud
        counts = [f"{len(c.vpcs)} VPCs", f"{len(c.subnets)} subnets", f"{len(c.route_tables)} route tables",
                  f"{len(c.internet_gateways)} internet gateways", f"{len(c.nat_gateways)} NAT gateways",
                  f"{len(c.security_groups)} security groups", f"{len(c.network_acls)} network ACLs",
                  f"{len(c.instances)} instances", f"{len(c.peerings)} peering connections",
                  f"{len(c.transit_gateways)} transit gateways"]
        return f"Read from {self.region} (read-only): " + ", ".join(counts)

    def __repr__(self) -> str:
        lines = [self.summary()]
        if self.notes:
            lines.append("Notes (what the model leaves out or reads differently):")
            lines += [f"  - {note}" for note in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from helpers.aws.report import pre_html

        return pre_html(repr(self))


# ---------------------------------------------------------------------------- reading an account

def _boto3():
    try:
        import boto3  # noqa: PLC0415 - optional dependency, imported only when used
    except ImportError:
        raise BotoMissing("Reading a real AWS account needs boto3, an optional extra: install it with "
                          "`.venv/bin/pip install -r requirements-aws.txt` (the rest of the course works "
                          "without it).") from None
    return boto3


def fetch(client) -> dict[str, dict]:
    """Every describe_* answer the loader needs, from a boto3 EC2 client (read-only calls only)."""
    responses: dict[str, dict] = {}
    for call, key in DESCRIBE_CALLS.items():
        try:
            if call in PAGINATED and client.can_paginate(call):
                items: list = []
                for page in client.get_paginator(call).paginate():
                    items += page.get(key, [])
                responses[call] = {key: items}
            else:
                responses[call] = getattr(client, call)()
        except Exception as error:  # noqa: BLE001 - one missing permission should not stop the rest
            responses[call] = {key: [], "_error": _error_text(error)}
    # transit gateway route tables: associations, propagations and static routes, table by table
    for table in responses["describe_transit_gateway_route_tables"].get("TransitGatewayRouteTables", []):
        rid = table["TransitGatewayRouteTableId"]
        for call, key, kwargs in (
                ("get_transit_gateway_route_table_associations", "Associations", {}),
                ("get_transit_gateway_route_table_propagations", "TransitGatewayRouteTablePropagations", {}),
                ("search_transit_gateway_routes", "Routes",
                 {"Filters": [{"Name": "type", "Values": ["static"]}]})):
            try:
                answer = getattr(client, call)(TransitGatewayRouteTableId=rid, **kwargs)
            except Exception as error:  # noqa: BLE001
                answer = {key: [], "_error": _error_text(error)}
            responses.setdefault(call, {})[rid] = answer
    return responses


def _error_text(error: Exception) -> str:
    code = getattr(error, "response", {}).get("Error", {}).get("Code") if hasattr(error, "response") else None
    return code or type(error).__name__


def load_account(region: str | None = None, *, profile: str | None = None, session: Any = None,
                 client: Any = None) -> Loaded:
    """Read the VPCs of one Region of your account into the model (describe_* calls only).

    Credentials and the Region come from where the AWS CLI finds them (environment, ~/.aws), or
    give ``region=``/``profile=``, a boto3 ``session`` or an EC2 ``client``.
    """
    if client is None:
        boto3 = _boto3()
        session = session or boto3.session.Session(profile_name=profile, region_name=region)
        region = region or session.region_name
        if not region:
            raise InputError("No AWS Region is set; give one, like load_account(region='ap-northeast-2').")
        try:
            client = session.client("ec2", region_name=region)
        except Exception as error:  # noqa: BLE001 - botocore's many configuration errors
            raise CourseError(f"boto3 could not set up an EC2 client ({_error_text(error)}); check your AWS "
                              "credentials and Region (e.g. `aws configure`).") from None
    region = region or client.meta.region_name
    responses = fetch(client)
    denied = [call for call, answer in responses.items() if isinstance(answer, dict) and "_error" in answer]
    if "describe_vpcs" in denied:
        raise CourseError(f"AWS refused describe_vpcs ({responses['describe_vpcs']['_error']}); the loader needs "
                          "read-only EC2 permissions (ec2:Describe*), e.g. the ReadOnlyAccess policy.")
    loaded = from_responses(responses, region=region)
    for call in denied:
        loaded.notes.append(f"{call} failed ({responses[call]['_error']}): those resources are missing.")
    return loaded


# ---------------------------------------------------------------------------- building the model

def _items(responses: dict, call: str) -> list:
    return list((responses.get(call) or {}).get(DESCRIBE_CALLS[call], []))


def _name(resource: dict, fallback: str) -> str:
    for tag in resource.get("Tags", []) or []:
        if tag.get("Key") == "Name" and str(tag.get("Value", "")).strip():
            return str(tag["Value"]).strip()
    return fallback


def _add(cloud: Cloud, table: dict, obj) -> Any:
    _bind(obj, cloud)
    table[obj.id] = obj
    return obj


def from_responses(responses: dict, *, region: str | None = None) -> Loaded:
    """The model from describe_* answers (as boto3 returns them)."""
    if not isinstance(responses, dict) or "describe_vpcs" not in responses:
        raise InputError("from_responses() needs a dict of describe_* answers with at least 'describe_vpcs'.")
    vpcs = _items(responses, "describe_vpcs")
    subnets = _items(responses, "describe_subnets")
    region = region or _region_of(subnets) or M.DEFAULT_REGION
    _know_region(region, subnets)
    cloud = Cloud(region=region)
    notes: list[str] = []
    note = notes.append
    for raw in sorted(vpcs, key=lambda v: v["VpcId"]):
        vpc = _add(cloud, cloud.vpcs, M.Vpc(raw["VpcId"], _name(raw, raw["VpcId"]), raw["CidrBlock"], region))
        extra = [a["CidrBlock"] for a in raw.get("CidrBlockAssociationSet", []) or []
                 if a.get("CidrBlock") != raw["CidrBlock"]]
        if extra:
            note(f"{vpc.id}: secondary CIDR blocks {', '.join(extra)} (the model keeps {vpc.cidr} only).")
    for raw in sorted(subnets, key=lambda s: s["SubnetId"]):
        if raw.get("VpcId") not in cloud.vpcs:
            continue
        _add(cloud, cloud.subnets, M.Subnet(raw["SubnetId"], _name(raw, raw["SubnetId"]), raw["VpcId"],
                                            raw["CidrBlock"], raw["AvailabilityZone"],
                                            bool(raw.get("MapPublicIpOnLaunch"))))
    _internet_gateways(cloud, responses)
    _addresses_and_nat(cloud, responses, note)
    _security_groups(cloud, responses, note)
    _network_acls(cloud, responses, note)
    _instances(cloud, responses, note)
    _peerings(cloud, responses, note)
    _vpn_gateways(cloud, responses)
    _transit(cloud, responses, note)
    _route_tables(cloud, responses, note)   # last: routes name every other kind of resource
    return Loaded(cloud, region, notes)


SAMPLE_SNAPSHOT = Path(__file__).resolve().parent.parent / "data" / "aws" / "sample-account.json"


def load_snapshot(path: str | Path = SAMPLE_SNAPSHOT) -> Loaded:
    """The model from a JSON file of saved describe_* answers (no boto3, no credentials needed).

    Make one from an account with ``json.dump(fetch(boto3.client("ec2")), file, default=str)``.
    The sample is a small shop account (a public and a private subnet, NAT, peering, a transit
    gateway), recorded from moto's mock of EC2 (its two public IPs moved into 198.51.100.0/24,
    a documentation range, in place of moto's made-up ones)."""
    import json

    file = Path(path)
    try:
        responses = json.loads(file.read_text())
    except OSError as error:
        raise InputError(f"The snapshot {file.name} could not be read ({error.strerror}); check the path.") from None
    except ValueError:
        raise InputError(f"{file.name} is not JSON; save describe_* answers with json.dump(...).") from None
    return from_responses(responses)


def _region_of(subnets: list) -> str | None:
    for raw in subnets:
        zone = raw.get("AvailabilityZone", "")
        if zone:
            return zone[:-1]
    return None


def _know_region(region: str, subnets: list) -> None:
    """The model lists a few Regions; a real account may be in any, so learn it from the subnets."""
    letters = sorted({s["AvailabilityZone"][len(region):] for s in subnets
                      if s.get("AvailabilityZone", "").startswith(region)})
    if region not in M.REGIONS:
        M.REGIONS[region] = (region, tuple(letters) or ("a", "b", "c"))


def _internet_gateways(cloud: Cloud, responses: dict) -> None:
    for raw in sorted(_items(responses, "describe_internet_gateways"), key=lambda g: g["InternetGatewayId"]):
        attached = [a["VpcId"] for a in raw.get("Attachments", []) or []
                    if a.get("State") in ("available", "attached") and a.get("VpcId") in cloud.vpcs]
        gid = raw["InternetGatewayId"]
        _add(cloud, cloud.internet_gateways, M.InternetGateway(gid, _name(raw, gid), attached[0] if attached else None))


def _addresses_and_nat(cloud: Cloud, responses: dict, note) -> None:
    for raw in sorted(_items(responses, "describe_addresses"), key=lambda a: a.get("PublicIp", "")):
        if raw.get("Domain", "vpc") != "vpc" or "AllocationId" not in raw:
            continue
        aid = raw["AllocationId"]
        _add(cloud, cloud.elastic_ips, M.ElasticIp(aid, _name(raw, ""), raw["PublicIp"], raw.get("InstanceId")))
    for raw in sorted(_items(responses, "describe_nat_gateways"), key=lambda n: n["NatGatewayId"]):
        nid = raw["NatGatewayId"]
        if raw.get("State") not in ("available", "pending") or raw.get("SubnetId") not in cloud.subnets:
            continue
        addresses = raw.get("NatGatewayAddresses", []) or []
        primary = next((a for a in addresses if a.get("IsPrimary", True)), addresses[0] if addresses else {})
        allocation = primary.get("AllocationId")
        if allocation and allocation not in cloud.elastic_ips and primary.get("PublicIp"):
            _add(cloud, cloud.elastic_ips, M.ElasticIp(allocation, "", primary["PublicIp"], nid))
        elif allocation in cloud.elastic_ips:
            cloud.elastic_ips[allocation].association = nid
        connectivity = raw.get("ConnectivityType", "public")
        if connectivity != "public":
            note(f"{nid}: a private NAT gateway (the model's NAT gateways are public; it is read as one without "
                 "an Elastic IP).")
        _add(cloud, cloud.nat_gateways, M.NatGateway(nid, _name(raw, nid), raw["SubnetId"],
                                                     primary.get("PrivateIp", ""), allocation, connectivity))


def _sg_rules(cloud: Cloud, group_id: str, permissions: list, inbound: bool, note) -> list[SgRule]:
    rules = []
    for perm in permissions or []:
        protocol = str(perm.get("IpProtocol", "-1")).lower()
        protocol = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp"}.get(protocol, protocol)
        if protocol not in ("all", "tcp", "udp", "icmp"):
            note(f"{group_id}: a rule for IP protocol {perm.get('IpProtocol')} (only TCP, UDP, ICMP and all are "
                 "modelled).")
            continue
        ports = None
        if protocol in ("tcp", "udp"):
            low, high = perm.get("FromPort", 0), perm.get("ToPort", 65535)
            ports = (0, 65535) if low in (None, -1) else (int(low), int(high))
        elif protocol == "icmp" and perm.get("FromPort", -1) not in (-1, None):
            note(f"{group_id}: an ICMP rule for type {perm.get('FromPort')} only (read as all ICMP).")
        for block in perm.get("IpRanges", []) or []:
            rules.append(SgRule(protocol, ports, cidr=str(IPNetwork(block["CidrIp"]).cidr),
                                description=block.get("Description", "") or ""))
        for pair in perm.get("UserIdGroupPairs", []) or []:
            rules.append(SgRule(protocol, ports, group=pair["GroupId"], description=pair.get("Description", "") or ""))
        if perm.get("Ipv6Ranges"):
            note(f"{group_id}: IPv6 rules (not modelled).")
        if perm.get("PrefixListIds"):
            note(f"{group_id}: rules for prefix lists (not modelled).")
    return rules


def _security_groups(cloud: Cloud, responses: dict, note) -> None:
    raws = [g for g in _items(responses, "describe_security_groups") if g.get("VpcId") in cloud.vpcs]
    for raw in sorted(raws, key=lambda g: g["GroupId"]):
        gid = raw["GroupId"]
        group = _add(cloud, cloud.security_groups, M.SecurityGroup(gid, raw.get("GroupName", gid), raw["VpcId"],
                                                                   raw.get("Description", "")))
        if raw.get("GroupName") == "default":
            cloud.vpcs[raw["VpcId"]].default_security_group = gid
        group.inbound = _sg_rules(cloud, gid, raw.get("IpPermissions"), True, note)
        group.outbound = _sg_rules(cloud, gid, raw.get("IpPermissionsEgress"), False, note)
    for group in cloud.security_groups.values():   # references to groups we could not read
        for rules in (group.inbound, group.outbound):
            missing = [r for r in rules if r.group and r.group not in cloud.security_groups]
            for rule in missing:
                note(f"{group.id}: a rule references {rule.group}, which is not in this account and Region.")
                rules.remove(rule)


def _network_acls(cloud: Cloud, responses: dict, note) -> None:
    raws = [a for a in _items(responses, "describe_network_acls") if a.get("VpcId") in cloud.vpcs]
    for raw in sorted(raws, key=lambda a: a["NetworkAclId"]):
        aid = raw["NetworkAclId"]
        entries = []
        for entry in raw.get("Entries", []) or []:
            if int(entry.get("RuleNumber", 32767)) > MAX_ACL_RULE_NUMBER:
                continue                    # the '*' rule (32767): the model adds it itself
            if "CidrBlock" not in entry:
                continue                    # an IPv6 rule
            protocol = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp"}.get(str(entry.get("Protocol", "-1")))
            if protocol is None:
                note(f"{aid}: rule {entry['RuleNumber']} for IP protocol {entry.get('Protocol')} (not modelled).")
                continue
            ports = None
            if protocol in ("tcp", "udp"):
                span = entry.get("PortRange") or {"From": 0, "To": 65535}
                ports = (int(span.get("From", 0)), int(span.get("To", 65535)))
            entries.append(AclEntry(int(entry["RuleNumber"]), bool(entry.get("Egress")), entry.get("RuleAction", "deny"),
                                    protocol, ports, str(IPNetwork(entry["CidrBlock"]).cidr)))
        entries.sort(key=lambda e: (e.egress, e.number))
        acl = _add(cloud, cloud.network_acls, M.NetworkAcl(aid, _name(raw, "default" if raw.get("IsDefault") else aid),
                                                           raw["VpcId"], bool(raw.get("IsDefault")), entries))
        if acl.default:
            cloud.vpcs[acl.vpc].default_network_acl = aid
        for association in raw.get("Associations", []) or []:
            subnet = cloud.subnets.get(association.get("SubnetId"))
            if subnet is not None:
                subnet.network_acl = aid
    for subnet in cloud.subnets.values():
        if not subnet.network_acl:
            subnet.network_acl = cloud.vpcs[subnet.vpc].default_network_acl


def _instances(cloud: Cloud, responses: dict, note) -> None:
    found = [i for r in _items(responses, "describe_instances") for i in r.get("Instances", []) or []]
    for raw in sorted(found, key=lambda i: i["InstanceId"]):
        iid = raw["InstanceId"]
        if (raw.get("State") or {}).get("Name") in ("terminated", "shutting-down") or raw.get("SubnetId") not in cloud.subnets:
            continue
        interfaces = raw.get("NetworkInterfaces", []) or []
        primary = next((n for n in interfaces if (n.get("Attachment") or {}).get("DeviceIndex") == 0), None)
        if len(interfaces) > 1:
            note(f"{iid}: {len(interfaces) - 1} extra network interface(s) (the model keeps the primary one).")
        groups = [g["GroupId"] for g in (primary or raw).get("Groups", raw.get("SecurityGroups", [])) or []
                  if g.get("GroupId") in cloud.security_groups]
        elastic = next((e.id for e in cloud.elastic_ips.values() if e.association == iid), None)
        eni = M.NetworkInterface((primary or {}).get("NetworkInterfaceId", f"eni-of-{iid}"), raw["SubnetId"],
                                 raw.get("PrivateIpAddress", ""), groups, raw.get("PublicIpAddress"), elastic)
        os_name = "windows" if str(raw.get("Platform", "")).lower() == "windows" else "linux"
        instance_type = raw.get("InstanceType", "t3.micro")
        if instance_type not in M.INSTANCE_TYPES:
            note(f"{iid}: instance type {instance_type} (read as t3.micro; types only matter for sizing).")
            instance_type = "t3.micro"
        _add(cloud, cloud.instances, M.Instance(iid, _name(raw, iid), eni, instance_type, os_name, raw.get("ImageId")))


def _peerings(cloud: Cloud, responses: dict, note) -> None:
    for raw in sorted(_items(responses, "describe_vpc_peering_connections"), key=lambda p: p["VpcPeeringConnectionId"]):
        pid = raw["VpcPeeringConnectionId"]
        status = (raw.get("Status") or {}).get("Code", "")
        if status in ("deleted", "rejected", "failed", "expired"):
            continue
        requester = (raw.get("RequesterVpcInfo") or {}).get("VpcId")
        accepter = (raw.get("AccepterVpcInfo") or {}).get("VpcId")
        if requester not in cloud.vpcs or accepter not in cloud.vpcs:
            note(f"{pid}: peering with a VPC outside this account and Region (only its routes are kept, as "
                 "blackholes).")
            continue
        _add(cloud, cloud.peerings, M.Peering(pid, _name(raw, pid), requester, accepter,
                                               "active" if status == "active" else status))


def _vpn_gateways(cloud: Cloud, responses: dict) -> None:
    for raw in sorted(_items(responses, "describe_vpn_gateways"), key=lambda g: g["VpnGatewayId"]):
        if raw.get("State") in ("deleted", "deleting"):
            continue
        attached = [a["VpcId"] for a in raw.get("VpcAttachments", []) or []
                    if a.get("State") == "attached" and a.get("VpcId") in cloud.vpcs]
        gid = raw["VpnGatewayId"]
        _add(cloud, cloud.vpn_gateways, M.VpnGateway(gid, _name(raw, gid), attached[0] if attached else None,
                                                     int(raw.get("AmazonSideAsn", 64512) or 64512)))


def _transit(cloud: Cloud, responses: dict, note) -> None:
    for raw in sorted(_items(responses, "describe_transit_gateways"), key=lambda t: t["TransitGatewayId"]):
        if raw.get("State") in ("deleted", "deleting"):
            continue
        options = raw.get("Options", {}) or {}
        tid = raw["TransitGatewayId"]
        _add(cloud, cloud.transit_gateways, M.TransitGateway(
            tid, _name(raw, tid), cloud.region, options.get("AssociationDefaultRouteTableId", "") or "",
            options.get("DefaultRouteTableAssociation", "enable") == "enable",
            options.get("DefaultRouteTablePropagation", "enable") == "enable",
            options.get("SecurityGroupReferencingSupport", "disable") == "enable"))
    for raw in sorted(_items(responses, "describe_transit_gateway_vpc_attachments"),
                      key=lambda a: a["TransitGatewayAttachmentId"]):
        if raw.get("State") in ("deleted", "deleting", "failed", "rejected"):
            continue
        if raw.get("TransitGatewayId") not in cloud.transit_gateways or raw.get("VpcId") not in cloud.vpcs:
            continue
        aid = raw["TransitGatewayAttachmentId"]
        _add(cloud, cloud.tgw_attachments, M.TgwAttachment(
            aid, _name(raw, aid), raw["TransitGatewayId"], "vpc", raw["VpcId"],
            [s for s in raw.get("SubnetIds", []) or [] if s in cloud.subnets]))
    details = {call: responses.get(call, {}) for call in ("get_transit_gateway_route_table_associations",
                                                          "get_transit_gateway_route_table_propagations",
                                                          "search_transit_gateway_routes")}
    for raw in sorted(_items(responses, "describe_transit_gateway_route_tables"),
                      key=lambda t: t["TransitGatewayRouteTableId"]):
        if raw.get("TransitGatewayId") not in cloud.transit_gateways or raw.get("State") == "deleted":
            continue
        rid = raw["TransitGatewayRouteTableId"]
        table = _add(cloud, cloud.tgw_route_tables, M.TgwRouteTable(rid, _name(raw, rid), raw["TransitGatewayId"]))
        if raw.get("DefaultAssociationRouteTable"):
            cloud.transit_gateways[table.tgw].default_route_table = rid
        for item in details["get_transit_gateway_route_table_associations"].get(rid, {}).get("Associations", []):
            attachment = cloud.tgw_attachments.get(item.get("TransitGatewayAttachmentId"))
            if attachment is not None:
                attachment.route_table = rid
        for item in details["get_transit_gateway_route_table_propagations"].get(rid, {}).get(
                "TransitGatewayRouteTablePropagations", []):
            if item.get("TransitGatewayAttachmentId") in cloud.tgw_attachments and item.get("State") != "disabled":
                table.propagations.append(item["TransitGatewayAttachmentId"])
        for route in details["search_transit_gateway_routes"].get(rid, {}).get("Routes", []):
            if "DestinationCidrBlock" not in route:
                continue
            targets = [a.get("TransitGatewayAttachmentId") for a in route.get("TransitGatewayAttachments", []) or []]
            target = next((t for t in targets if t in cloud.tgw_attachments), None)
            blackhole = route.get("State") == "blackhole" or target is None
            table.routes.append(M.TgwRoute(route["DestinationCidrBlock"], None if blackhole else target, "static"))


ROUTE_TARGETS = ("GatewayId", "NatGatewayId", "VpcPeeringConnectionId", "TransitGatewayId")


def _route_tables(cloud: Cloud, responses: dict, note) -> None:
    raws = [t for t in _items(responses, "describe_route_tables") if t.get("VpcId") in cloud.vpcs]
    for raw in sorted(raws, key=lambda t: t["RouteTableId"]):
        rid = raw["RouteTableId"]
        vpc = cloud.vpcs[raw["VpcId"]]
        routes, propagating = [], []
        for route in raw.get("Routes", []) or []:
            destination = route.get("DestinationCidrBlock")
            if destination is None:
                if route.get("DestinationPrefixListId"):
                    note(f"{rid}: a route to prefix list {route['DestinationPrefixListId']} (not modelled).")
                continue                     # IPv6 routes
            target = next((route[key] for key in ROUTE_TARGETS if route.get(key)), None)
            origin = {"CreateRouteTable": "local", "EnableVgwRoutePropagation": "propagated"}.get(
                route.get("Origin", "CreateRoute"), "static")
            if target == "local":
                if destination == vpc.cidr:
                    routes.append(M.Route(destination, "local", "local"))
                continue                     # local routes of secondary blocks
            if target is None:
                kind = "an instance or network interface" if (route.get("InstanceId") or route.get("NetworkInterfaceId")) \
                    else "a target the model does not know"
                note(f"{rid}: route {destination} goes to {kind} (kept as a blackhole).")
                target = "blackhole"
            if origin == "propagated":
                if target not in propagating:
                    propagating.append(target)
                continue                     # the model derives propagated routes itself
            routes.append(M.Route(destination, target, origin))
        if not any(r.target == "local" for r in routes):
            routes.insert(0, M.Route(vpc.cidr, "local", "local"))
        for vgw in raw.get("PropagatingVgws", []) or []:
            if vgw.get("GatewayId") not in propagating:
                propagating.append(vgw["GatewayId"])
        table = _add(cloud, cloud.route_tables, M.RouteTable(rid, _name(raw, rid), vpc.id, routes,
                                                             [g for g in propagating if g in cloud.vpn_gateways]))
        for association in raw.get("Associations", []) or []:
            if association.get("Main"):
                vpc.main_route_table = table.id
            elif association.get("SubnetId") in cloud.subnets:
                cloud.subnets[association["SubnetId"]].route_table = table.id
    for vpc in cloud.vpcs.values():
        if not vpc.main_route_table:   # should not happen on AWS; keep the model usable
            main = _add(cloud, cloud.route_tables, M.RouteTable(f"rtb-main-of-{vpc.id}", "main", vpc.id,
                                                                [M.Route(vpc.cidr, "local", "local")]))
            vpc.main_route_table = main.id
            note(f"{vpc.id}: no main route table was read; an empty one stands in.")
