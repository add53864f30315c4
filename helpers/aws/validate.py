"""Check a whole VPC model the way AWS would, and warn about what AWS accepts but cannot work.

    findings = validate(cloud)      # a list of Finding, printable as a table
    findings.errors                 # what AWS would refuse, with AWS's API error code
    findings.warnings               # accepted by AWS but broken, with the Reachability Analyzer
                                    # code the traffic would hit (e.g. a NAT gateway in a subnet
                                    # with no route to the internet gateway)
    check(cloud)                    # raises AwsError for the first error

The model's builder methods already refuse bad changes one by one; ``validate`` re-checks
everything at once, so a model assembled or edited as plain data (by a test, a generator or a
learner poking at fields) is held to the same rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from netaddr import AddrFormatError, IPAddress, IPNetwork

from helpers.aws.errors import AwsError
from helpers.aws.model import (
    ACL_RULES_PER_DIRECTION, REGIONS, SG_RULES_PER_DIRECTION, SGS_PER_INTERFACE, VPC_PREFIX_RANGE, Cloud,
    _in, _overlap, label, reserved_addresses,
)
from helpers.aws.report import table
from helpers.aws.rules import MAX_ACL_RULE_NUMBER, Packet, evaluate_acl
from helpers.errors import InputError

__all__ = ["Finding", "Findings", "validate", "check"]


@dataclass(frozen=True)
class Finding:
    severity: str      # 'error' (AWS refuses) or 'warning' (AWS accepts; traffic will fail)
    code: str
    resource: str
    message: str


class Findings(list):
    @property
    def errors(self) -> list[Finding]:
        return [f for f in self if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self if f.severity == "warning"]

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self]

    def __repr__(self) -> str:
        if not self:
            return "✅ no problems found: AWS would accept this model and nothing in it is known to be broken"
        head = f"{len(self.errors)} error(s) AWS would refuse, {len(self.warnings)} warning(s) AWS accepts but that break traffic"
        rows = [[f.severity, f.code, f.resource, f.message] for f in self]
        return head + "\n" + table(["severity", "code", "resource", "problem"], rows)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))


def check(cloud: Cloud) -> None:
    """Raise AwsError (AWS's code and the problem) for the first thing AWS would refuse."""
    errors = validate(cloud).errors
    if errors:
        raise AwsError(errors[0].code, f"{errors[0].resource}: {errors[0].message}")


def validate(cloud: Cloud) -> Findings:
    if not isinstance(cloud, Cloud):
        raise InputError("validate() checks a model: validate(cloud).")
    found = Findings()

    def error(code, resource, message):
        found.append(Finding("error", code, label(resource) if hasattr(resource, "id") else str(resource), message))

    def warning(code, resource, message):
        found.append(Finding("warning", code, label(resource) if hasattr(resource, "id") else str(resource), message))

    _vpcs(cloud, error)
    _subnets(cloud, error)
    _route_tables(cloud, error, warning)
    _gateways(cloud, error, warning)
    _interfaces(cloud, error, warning)
    _security_groups(cloud, error)
    _network_acls(cloud, error, warning)
    _peerings(cloud, error, warning)
    _transit(cloud, error)
    return found


def _network(text) -> IPNetwork | None:
    try:
        network = IPNetwork(text, flags=0)
        return network if network.version == 4 and network.ip == network.network else None
    except (AddrFormatError, ValueError, TypeError):
        return None


def _vpcs(cloud, error):
    for vpc in _sorted(cloud.vpcs):
        if vpc.region not in REGIONS:
            error("InvalidParameterValue", vpc, f"Region {vpc.region!r} is not one AWS has in this model.")
        network = _network(vpc.cidr)
        if network is None:
            error("InvalidParameterValue", vpc, f"{vpc.cidr!r} is not a CIDR block like '10.0.0.0/16'.")
        elif not VPC_PREFIX_RANGE[0] <= network.prefixlen <= VPC_PREFIX_RANGE[1]:
            error("InvalidVpc.Range", vpc, f"The CIDR '{vpc.cidr}' is invalid: a VPC must be /16 to /28.")
        for what, table_, rid in (("main route table", cloud.route_tables, vpc.main_route_table),
                                  ("default network ACL", cloud.network_acls, vpc.default_network_acl),
                                  ("default security group", cloud.security_groups, vpc.default_security_group)):
            if rid not in table_ or table_[rid].vpc != vpc.id:
                error("InvalidParameterValue", vpc, f"Its {what} {rid!r} is missing or belongs to another VPC.")


def _subnets(cloud, error):
    by_vpc = {}
    for subnet in _sorted(cloud.subnets):
        vpc = cloud.vpcs.get(subnet.vpc)
        if vpc is None:
            error("InvalidVpcID.NotFound", subnet, f"Its VPC {subnet.vpc!r} does not exist.")
            continue
        network = _network(subnet.cidr)
        if network is None:
            error("InvalidParameterValue", subnet, f"{subnet.cidr!r} is not a CIDR block like '10.0.1.0/24'.")
            continue
        if not VPC_PREFIX_RANGE[0] <= network.prefixlen <= VPC_PREFIX_RANGE[1]:
            error("InvalidSubnet.Range", subnet, f"The CIDR '{subnet.cidr}' is invalid: a subnet must be /16 to /28.")
        elif _network(vpc.cidr) is not None and network not in IPNetwork(vpc.cidr):
            error("InvalidSubnet.Range", subnet, f"The CIDR '{subnet.cidr}' is not inside VPC {vpc.name}'s {vpc.cidr}.")
        if not subnet.az.startswith(vpc.region) or subnet.az[len(vpc.region):] not in REGIONS.get(vpc.region, ("", ()))[1]:
            error("InvalidParameterValue", subnet, f"Availability Zone {subnet.az!r} is not in {vpc.region}.")
        if subnet.route_table is not None:
            table_ = cloud.route_tables.get(subnet.route_table)
            if table_ is None or table_.vpc != subnet.vpc:
                error("InvalidParameterValue", subnet, f"It is associated with route table {subnet.route_table!r} "
                      "of another VPC (or one that does not exist).")
        acl = cloud.network_acls.get(subnet.network_acl)
        if acl is None or acl.vpc != subnet.vpc:
            error("InvalidParameterValue", subnet, "Every subnet needs one network ACL of its own VPC.")
        by_vpc.setdefault(subnet.vpc, []).append((subnet, network))
    for items in by_vpc.values():
        for (a, na), (b, nb) in combinations(items, 2):
            if _overlap(str(na), str(nb)):
                error("InvalidSubnet.Conflict", b, f"The CIDR '{b.cidr}' conflicts with subnet {a.name} ({a.cidr}).")


def _route_tables(cloud, error, warning):
    for table_ in _sorted(cloud.route_tables):
        vpc = cloud.vpcs.get(table_.vpc)
        if vpc is None:
            error("InvalidVpcID.NotFound", table_, f"Its VPC {table_.vpc!r} does not exist.")
            continue
        seen = set()
        if not any(r.target == "local" and r.destination == vpc.cidr for r in table_.routes):
            error("InvalidParameterValue", table_, f"It lacks the local route for {vpc.cidr}, which every table has.")
        for route in table_.routes:
            if route.destination in seen:
                error("RouteAlreadyExists", table_, f"It has two routes for {route.destination}.")
            seen.add(route.destination)
            if route.target == "local":
                continue
            if _network(route.destination) is None:
                error("InvalidParameterValue", table_, f"Route destination {route.destination!r} is not a CIDR block.")
                continue
            if _overlap(route.destination, vpc.cidr) and IPNetwork(route.destination).prefixlen >= IPNetwork(vpc.cidr).prefixlen:
                error("InvalidParameterValue", table_, f"Route {route.destination} is equal to or more specific than "
                      f"the VPC's {vpc.cidr}, which the local route covers.")
            state = table_.route_state(route)
            if state == "blackhole":
                warning("BAD_STATE_ROUTE", table_, f"Route {route.destination} → {route.target} is a blackhole: its "
                        "target was deleted or detached, so matching traffic is dropped.")


def _gateways(cloud, error, warning):
    attached = {}
    for gateway in _sorted(cloud.internet_gateways):
        if gateway.vpc is None:
            continue
        if gateway.vpc not in cloud.vpcs:
            error("InvalidVpcID.NotFound", gateway, f"It is attached to VPC {gateway.vpc!r}, which does not exist.")
        elif gateway.vpc in attached:
            error("Resource.AlreadyAssociated", gateway, f"VPC {cloud.vpcs[gateway.vpc].name} already has internet "
                  f"gateway {attached[gateway.vpc]}; a VPC can have only one.")
        attached.setdefault(gateway.vpc, gateway.id)
    for nat in _sorted(cloud.nat_gateways):
        subnet = cloud.subnets.get(nat.subnet)
        if subnet is None:
            error("InvalidSubnetID.NotFound", nat, f"Its subnet {nat.subnet!r} does not exist.")
            continue
        if not nat.elastic_ip:
            error("MissingParameter", nat, "A public NAT gateway needs an Elastic IP (AllocationId).")
        elif nat.elastic_ip not in cloud.elastic_ips:
            error("InvalidAllocationID.NotFound", nat, f"Elastic IP {nat.elastic_ip} does not exist.")
        elif cloud.elastic_ips[nat.elastic_ip].association not in (None, nat.id):
            error("Resource.AlreadyAssociated", nat, f"Elastic IP {nat.elastic_ip} is associated with "
                  f"{cloud.elastic_ips[nat.elastic_ip].association}.")
        vpc = cloud.vpcs.get(subnet.vpc)
        if vpc is not None and vpc.internet_gateway is None:
            error("Gateway.NotAttached", nat, f"Network {vpc.id} has no Internet gateway attached.")
        _address_rules(cloud, error, nat, subnet, nat.private_ip)
        table_ = subnet.effective_route_table
        route = table_.lookup("0.0.0.0") if vpc is not None else None
        if route is None or not route.target.startswith("igw-") or table_.route_state(route) != "active":
            warning("NO_ROUTE_TO_DESTINATION", nat, f"Its subnet {subnet.name} has no working route to an internet "
                    f"gateway ({table_.name} has no 0.0.0.0/0 → igw), so translated traffic cannot leave: put NAT "
                    "gateways in a public subnet.")


def _interfaces(cloud, error, warning):
    for instance in _sorted(cloud.instances):
        eni = instance.eni
        subnet = cloud.subnets.get(eni.subnet)
        if subnet is None:
            error("InvalidSubnetID.NotFound", instance, f"Its subnet {eni.subnet!r} does not exist.")
            continue
        _address_rules(cloud, error, instance, subnet, eni.private_ip)
        groups = [cloud.security_groups.get(g) for g in eni.security_groups]
        if not groups:
            error("MissingParameter", instance, "A network interface needs at least one security group.")
        if len(groups) > SGS_PER_INTERFACE:
            error("SecurityGroupsPerInterfaceLimitExceeded", instance, f"It has {len(groups)} security groups; the "
                  f"default quota is {SGS_PER_INTERFACE}.")
        for gid, group in zip(eni.security_groups, groups):
            if group is None:
                error("InvalidGroup.NotFound", instance, f"Security group {gid!r} does not exist.")
            elif group.vpc != subnet.vpc:
                error("InvalidParameter", instance, f"Security group {gid} and subnet {subnet.id} belong to "
                      "different networks.")
        vpc = cloud.vpcs.get(subnet.vpc)
        if eni.elastic_ip and vpc is not None and vpc.internet_gateway is None:
            error("Gateway.NotAttached", instance, f"It has Elastic IP {eni.public_ip} but network {vpc.id} has no "
                  "internet gateway attached.")
        if eni.public_ip and vpc is not None:
            route = subnet.effective_route_table.lookup("0.0.0.0")
            if route is None or not route.target.startswith("igw-"):
                warning("NO_ROUTE_TO_DESTINATION", instance, f"It has the public IP {eni.public_ip}, but subnet "
                        f"{subnet.name} has no route to an internet gateway, so replies to the internet cannot "
                        "leave: the subnet is private.")


def _address_rules(cloud, error, owner, subnet, address):
    try:
        ip = str(IPAddress(address, flags=0))
    except Exception:
        error("InvalidParameterValue", owner, f"{address!r} is not an IPv4 address.")
        return
    network = _network(subnet.cidr)
    if network is None or not VPC_PREFIX_RANGE[0] <= network.prefixlen <= VPC_PREFIX_RANGE[1]:
        return  # the subnet itself is already reported; its reserved addresses are undefined
    if not _in(ip, subnet.cidr):
        error("InvalidParameterValue", owner, f"Address {ip} does not fall within subnet {subnet.name}'s range "
              f"{subnet.cidr}.")
    elif ip in dict(reserved_addresses(subnet.cidr)):
        error("InvalidParameterValue", owner, f"Address {ip} is in subnet {subnet.name}'s reserved address range.")
    users = [i.id for i in cloud.instances.values() if i.eni.subnet == subnet.id and i.eni.private_ip == ip]
    users += [n.id for n in cloud.nat_gateways.values() if n.subnet == subnet.id and n.private_ip == ip]
    if len(users) > 1 and users[0] != owner.id:
        error("InvalidIPAddress.InUse", owner, f"Address {ip} is already used by {users[0]}.")


def _security_groups(cloud, error):
    names = set()
    for group in _sorted(cloud.security_groups):
        key = (group.vpc, group.name)
        if key in names:
            error("InvalidGroup.Duplicate", group, f"VPC {group.vpc} has two security groups called {group.name!r}.")
        names.add(key)
        for direction, rules in (("inbound", group.inbound), ("outbound", group.outbound)):
            if len(rules) > SG_RULES_PER_DIRECTION:
                error("RulesPerSecurityGroupLimitExceeded", group, f"It has {len(rules)} {direction} rules; the "
                      f"default quota is {SG_RULES_PER_DIRECTION}.")
            seen = set()
            for rule in rules:
                key_ = (rule.protocol, rule.ports, rule.cidr, rule.group)
                if key_ in seen:
                    error("InvalidPermission.Duplicate", group, f"It has a duplicate {direction} rule.")
                seen.add(key_)
                if rule.group is not None:
                    try:
                        cloud._check_group_reference(group, rule.group)
                    except AwsError as problem:
                        error(problem.code, group, problem.sentence)


def _network_acls(cloud, error, warning):
    for acl in _sorted(cloud.network_acls):
        for egress in (False, True):
            direction = "outbound" if egress else "inbound"
            entries = [e for e in acl.entries if e.egress == egress]
            numbers = [e.number for e in entries]
            for number in sorted(set(numbers)):
                if numbers.count(number) > 1:
                    error("NetworkAclEntryAlreadyExists", acl, f"It has two {direction} rules numbered {number}.")
                if not 1 <= number <= MAX_ACL_RULE_NUMBER:
                    error("InvalidParameterValue", acl, f"{direction.capitalize()} rule number {number} is outside "
                          f"1-{MAX_ACL_RULE_NUMBER}.")
            if len(entries) > ACL_RULES_PER_DIRECTION:
                error("NetworkAclEntryLimitExceeded", acl, f"It has {len(entries)} {direction} rules; the default "
                      f"quota is {ACL_RULES_PER_DIRECTION}.")
        if acl.subnets:
            _ephemeral_warnings(acl, warning)


def _ephemeral_warnings(acl, warning):
    """A stateless ACL that admits a TCP service but not its replies to the client's ports."""
    ephemeral = (1024, 65535)
    for egress in (False, True):
        for entry in acl.entries:
            if entry.egress != egress or entry.action != "allow" or entry.protocol != "tcp":
                continue
            if entry.ports and entry.ports[0] >= 1024:
                continue  # a rule for ephemeral ports is itself the return path of something
            peer = str(IPNetwork(entry.cidr)[0]) if IPNetwork(entry.cidr).size > 1 else entry.cidr.split("/")[0]
            probe_port = entry.ports[0] if entry.ports else 80
            inside, outside = "10.255.255.254", peer
            request = Packet("tcp", outside, inside, ephemeral, (probe_port, probe_port)) if not egress else \
                Packet("tcp", inside, outside, ephemeral, (probe_port, probe_port))
            if not evaluate_acl(acl.entries, egress, request).allowed:
                continue  # an earlier deny shadows this allow
            reply = request.reply()
            if not evaluate_acl(acl.entries, not egress, reply).allowed:
                way = "outbound" if not egress else "inbound"
                warning("SUBNET_ACL_RESTRICTION", acl, f"It allows {'inbound' if not egress else 'outbound'} tcp "
                        f"{probe_port} {'from' if not egress else 'to'} {entry.cidr} (rule {entry.number}) but no "
                        f"{way} tcp 1024-65535 for the replies; network ACLs are stateless.")
                return


def _peerings(cloud, error, warning):
    pairs = set()
    for peering in _sorted(cloud.peerings):
        a, b = cloud.vpcs.get(peering.requester), cloud.vpcs.get(peering.accepter)
        if a is None or b is None:
            error("InvalidVpcID.NotFound", peering, "One of its VPCs does not exist.")
            continue
        if a.id == b.id:
            error("InvalidParameterValue", peering, "A VPC cannot be peered with itself.")
        pair = frozenset((a.id, b.id))
        if pair in pairs:
            error("VpcPeeringConnectionAlreadyExists", peering, f"{a.name} and {b.name} are already peered.")
        pairs.add(pair)
        if _overlap(a.cidr, b.cidr):
            error("failed", peering, f"{a.name} ({a.cidr}) and {b.name} ({b.cidr}) overlap, so the peering "
                  "connection's status is 'failed'.")
    for table_ in _sorted(cloud.route_tables):
        for route in table_.routes:
            peering = cloud.peerings.get(route.target)
            if peering is None or not peering.connects(table_.vpc):
                continue
            other = cloud.vpcs[peering.other(table_.vpc)]
            if _network(route.destination) is not None and not IPNetwork(route.destination) in IPNetwork(other.cidr):
                warning("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", table_, f"Route {route.destination} → {label(peering)} "
                        f"reaches beyond {other.name}'s {other.cidr}; peering is not transitive, so traffic for the "
                        "rest is dropped.")
            mine = cloud.vpcs[table_.vpc]
            back = any(r.target == peering.id and _overlap(r.destination, mine.cidr)
                       for t in other.route_tables for r in t.routes)
            if not back:
                warning("NO_ROUTE_TO_DESTINATION", table_, f"It routes {route.destination} over {label(peering)}, but "
                        f"no route table of {other.name} routes back to {mine.name} over it, so replies cannot return.")


def _transit(cloud, error):
    for attachment in _sorted(cloud.tgw_attachments):
        tgw = cloud.transit_gateways.get(attachment.tgw)
        if tgw is None:
            error("InvalidTransitGatewayID.NotFound", attachment, f"Transit gateway {attachment.tgw!r} does not exist.")
            continue
        if attachment.kind == "vpc":
            vpc = cloud.vpcs.get(attachment.resource)
            if vpc is None:
                error("InvalidVpcID.NotFound", attachment, f"VPC {attachment.resource!r} does not exist.")
                continue
            if vpc.region != tgw.region:
                error("InvalidParameterValue", attachment, f"VPC {vpc.name} is in {vpc.region}, the transit gateway in "
                      f"{tgw.region}.")
            zones = [cloud.subnets[s].az for s in attachment.subnets if s in cloud.subnets]
            if len(zones) != len(set(zones)):
                error("DuplicateSubnetsInSameZone", attachment, "It has two subnets in one Availability Zone.")
        if attachment.route_table is not None and attachment.route_table not in cloud.tgw_route_tables:
            error("InvalidRouteTableID.NotFound", attachment, f"Route table {attachment.route_table!r} does not exist.")


def _sorted(table_: dict) -> list:
    return [table_[k] for k in sorted(table_)]
