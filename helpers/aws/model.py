"""A model of AWS networking, faithful to the Amazon VPC documentation, as plain dataclasses.

    cloud = Cloud()                                   # one AWS account; regions and their AZs
    vpc = cloud.add_vpc("main", "10.0.0.0/16")        # ap-northeast-2 (Seoul) unless told
    public = vpc.add_subnet("public-a", "10.0.1.0/24", az="a")
    igw = vpc.add_internet_gateway("igw")
    rt = vpc.add_route_table("public-rt")
    rt.add_route("0.0.0.0/0", igw); rt.associate(public)
    web = public.launch("web", public_ip=True)
    web.security_groups[0].allow_inbound("tcp", 80, "0.0.0.0/0")
    cloud.analyze("the internet", web, "tcp", 80)     # see helpers.aws.analyzer

Every ``add_*`` / ``launch`` / ``associate`` call checks what the AWS API checks and, where AWS
would refuse, raises ``AwsError`` carrying AWS's own error code (InvalidSubnet.Range,
InvalidSubnet.Conflict, Gateway.NotAttached ...) and one sentence saying what to change. So a
learner is told at once what AWS would refuse; ``helpers.aws.validate`` checks a whole model
(also one built or changed as raw data) and adds warnings for things AWS accepts but that cannot
work (a NAT gateway in a subnet with no route to the internet gateway).

The objects are dataclasses whose fields hold plain values and the IDs of the resources they
refer to (``subnet.vpc == "vpc-01"``), so other code can walk ``cloud.vpcs``, ``cloud.subnets``,
... without calling any method. IDs are deterministic ("vpc-01", "subnet-02", "i-03") so printed
results repeat exactly. Each object also keeps a reference to its cloud (an attribute, not a
field) for the convenience methods.

Modelled: regions and AZs; VPCs (/16-/28, one IPv4 CIDR block); subnets (one AZ, no overlap, 5
reserved addresses); route tables (local route, main vs custom, explicit associations,
longest-prefix match, static beats propagated, blackhole routes when a target is deleted);
internet gateways (one per VPC); public IPs and Elastic IPs; NAT gateways (public, in a subnet,
with an Elastic IP); instances with one network interface; security groups; network ACLs; VPC
peering; transit gateways with route tables, associations and propagations; virtual private
gateways with Site-to-Site VPN or Direct Connect to an on-premises network. Not modelled: IPv6,
secondary CIDR blocks, prefix lists, gateway route tables (edge associations), VPC endpoints,
middlebox routing, load balancers, NAT instances.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from netaddr import IPAddress, IPNetwork, IPSet

from helpers.aws.errors import AwsError
from helpers.aws.rules import (
    AclEntry, EPHEMERAL_PORTS, MAX_ACL_RULE_NUMBER, SgRule, parse_cidr, parse_ports, parse_protocol,
)
from helpers.errors import InputError

__all__ = [
    "REGIONS", "INSTANCE_TYPES", "Cloud", "Vpc", "Subnet", "Route", "RouteTable", "InternetGateway",
    "ElasticIp", "NatGateway", "SecurityGroup", "NetworkAcl", "NetworkInterface", "Instance",
    "Peering", "TransitGateway", "TgwAttachment", "TgwRoute", "TgwRouteTable", "VpnGateway",
    "VpnConnection", "OnPremises", "Ami", "LaunchTemplate", "reserved_addresses", "label",
]

# Regions the model knows, with the AZ letters an account sees there (Seoul has four: 2a-2d).
REGIONS = {
    "ap-northeast-2": ("Asia Pacific (Seoul)", ("a", "b", "c", "d")),
    "ap-northeast-1": ("Asia Pacific (Tokyo)", ("a", "c", "d")),
    "us-east-1": ("US East (N. Virginia)", ("a", "b", "c", "d", "e", "f")),
    "us-west-2": ("US West (Oregon)", ("a", "b", "c", "d")),
    "eu-west-1": ("Europe (Ireland)", ("a", "b", "c")),
}
DEFAULT_REGION = "ap-northeast-2"

# A few instance types: (vCPUs, memory in GiB), as AWS lists them.
INSTANCE_TYPES = {
    "t3.nano": (2, 0.5), "t3.micro": (2, 1), "t3.small": (2, 2), "t3.medium": (2, 4),
    "t3.large": (2, 8), "t3.xlarge": (4, 16), "t3.2xlarge": (8, 32),
    "m5.large": (2, 8), "m5.xlarge": (4, 16), "m5.2xlarge": (8, 32), "m5.4xlarge": (16, 64),
    "c5.large": (2, 4), "c5.xlarge": (4, 8), "c5.2xlarge": (8, 16), "c5.4xlarge": (16, 32),
}

VPC_PREFIX_RANGE = (16, 28)           # AWS: VPCs and subnets are /16 (65,536) to /28 (16 addresses)
SG_RULES_PER_DIRECTION = 60           # default quota: inbound and outbound rules per security group
SGS_PER_INTERFACE = 5                 # default quota: security groups per network interface
ACL_RULES_PER_DIRECTION = 20          # default quota: numbered rules per direction of a network ACL
PUBLIC_POOL = "198.51.100.0/24"       # public and Elastic IPs come from a documentation range
PRIVATE_RANGES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")


def label(resource: Any) -> str:
    """'name (id)' for a resource, or its id when the name says nothing more."""
    name = getattr(resource, "name", "") or ""
    rid = getattr(resource, "id", "")
    return f"{name} ({rid})" if name and name != rid else rid


def reserved_addresses(cidr: str) -> list[tuple[str, str]]:
    """The 5 addresses AWS keeps in every subnet: (address, what for)."""
    from helpers.addressing import describe  # the course's addressing module knows AWS's rule

    return [tuple(item) for item in describe(cidr, cloud="aws")["reserved"]]


def _bind(obj, cloud: "Cloud"):
    object.__setattr__(obj, "_cloud", cloud)  # an attribute, not a field: dataclass tools ignore it
    return obj


def _resolve_id(value: Any) -> str:
    return value.id if hasattr(value, "id") else value


def _check_name(name: Any, what: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"Give the {what} a short name in quotes, like 'web'.")
    return name.strip()


def _in(address: str, cidr: str) -> bool:
    return IPAddress(address) in IPNetwork(cidr)


def _overlap(a: str, b: str) -> bool:
    return bool(IPSet([a]) & IPSet([b]))


def _is_private(address_or_cidr: str) -> bool:
    return any(_overlap(address_or_cidr if "/" in address_or_cidr else address_or_cidr + "/32", r)
               for r in PRIVATE_RANGES)


# ============================================================================ resources

@dataclass
class Vpc:
    id: str
    name: str
    cidr: str
    region: str
    main_route_table: str = ""
    default_network_acl: str = ""
    default_security_group: str = ""

    # -- what is in it
    @property
    def subnets(self) -> list["Subnet"]:
        return [s for s in self._cloud.subnets.values() if s.vpc == self.id]

    @property
    def route_tables(self) -> list["RouteTable"]:
        return [t for t in self._cloud.route_tables.values() if t.vpc == self.id]

    @property
    def security_groups(self) -> list["SecurityGroup"]:
        return [g for g in self._cloud.security_groups.values() if g.vpc == self.id]

    @property
    def network_acls(self) -> list["NetworkAcl"]:
        return [a for a in self._cloud.network_acls.values() if a.vpc == self.id]

    @property
    def instances(self) -> list["Instance"]:
        ids = {s.id for s in self.subnets}
        return [i for i in self._cloud.instances.values() if i.eni.subnet in ids]

    @property
    def nat_gateways(self) -> list["NatGateway"]:
        ids = {s.id for s in self.subnets}
        return [n for n in self._cloud.nat_gateways.values() if n.subnet in ids]

    @property
    def internet_gateway(self) -> "InternetGateway | None":
        return next((g for g in self._cloud.internet_gateways.values() if g.vpc == self.id), None)

    @property
    def vpn_gateway(self) -> "VpnGateway | None":
        return next((g for g in self._cloud.vpn_gateways.values() if g.vpc == self.id), None)

    @property
    def azs(self) -> list[str]:
        """The Availability Zones of the VPC's region (a VPC spans all of them)."""
        return [self.region + letter for letter in REGIONS[self.region][1]]

    def subnet(self, name: str) -> "Subnet":
        return self._cloud._by_name(self.subnets, name, f"subnet in VPC {self.name}")

    def route_table(self, name: str) -> "RouteTable":
        return self._cloud._by_name(self.route_tables, name, f"route table in VPC {self.name}")

    def security_group(self, name: str) -> "SecurityGroup":
        return self._cloud._by_name(self.security_groups, name, f"security group in VPC {self.name}")

    def network_acl(self, name: str) -> "NetworkAcl":
        return self._cloud._by_name(self.network_acls, name, f"network ACL in VPC {self.name}")

    @property
    def main(self) -> "RouteTable":
        return self._cloud.route_tables[self.main_route_table]

    @property
    def default_acl(self) -> "NetworkAcl":
        return self._cloud.network_acls[self.default_network_acl]

    @property
    def default_sg(self) -> "SecurityGroup":
        return self._cloud.security_groups[self.default_security_group]

    # -- building
    def add_subnet(self, name: str, cidr: str, az: str = "a", *, public_ip_on_launch: bool = False) -> "Subnet":
        """CreateSubnet: a block of the VPC's CIDR in one Availability Zone ('a' or 'ap-northeast-2a')."""
        cloud = self._cloud
        name = cloud._unique(self.subnets, _check_name(name, "subnet"), "subnet", f"VPC {self.name}")
        block = parse_cidr(cidr, "subnet CIDR block")
        prefix = IPNetwork(block).prefixlen
        if not VPC_PREFIX_RANGE[0] <= prefix <= VPC_PREFIX_RANGE[1]:
            raise AwsError("InvalidSubnet.Range", f"The CIDR '{block}' is invalid: a subnet must be between /16 and "
                           "/28 (16 to 65,536 addresses); pick a prefix length in that range.")
        if not IPNetwork(block) in IPNetwork(self.cidr):
            raise AwsError("InvalidSubnet.Range", f"The CIDR '{block}' is invalid: it is not inside VPC {self.name}'s "
                           f"{self.cidr}; pick a block inside it.")
        for other in self.subnets:
            if _overlap(block, other.cidr):
                raise AwsError("InvalidSubnet.Conflict", f"The CIDR '{block}' conflicts with subnet {other.name} "
                               f"({other.cidr}); subnets of a VPC must not overlap, so pick a free block.")
        zone = self._zone(az)
        subnet = _bind(Subnet(cloud._new_id("subnet"), name, self.id, block, zone, bool(public_ip_on_launch),
                              None, self.default_network_acl), cloud)
        cloud.subnets[subnet.id] = subnet
        return subnet

    def _zone(self, az: Any) -> str:
        letters = REGIONS[self.region][1]
        text = str(az).strip() if isinstance(az, str) else ""
        letter = text[len(self.region):] if text.startswith(self.region) else text
        if letter not in letters:
            zones = ", ".join(self.region + z for z in letters)
            raise AwsError("InvalidParameterValue", f"Value ({az}) for parameter availabilityZone is invalid; "
                           f"subnets of {self.name} can be created in {zones}.")
        return self.region + letter

    def add_route_table(self, name: str) -> "RouteTable":
        """CreateRouteTable: a custom table; it starts with the local route only."""
        cloud = self._cloud
        name = cloud._unique(self.route_tables, _check_name(name, "route table"), "route table", f"VPC {self.name}")
        table = _bind(RouteTable(cloud._new_id("rtb"), name, self.id, [Route(self.cidr, "local", "local")]), cloud)
        cloud.route_tables[table.id] = table
        return table

    def add_security_group(self, name: str, description: str = "") -> "SecurityGroup":
        """CreateSecurityGroup: no inbound rules, one outbound rule allowing all traffic."""
        cloud = self._cloud
        name = _check_name(name, "security group")
        if any(g.name == name for g in self.security_groups):
            raise AwsError("InvalidGroup.Duplicate", f"The security group '{name}' already exists for VPC "
                           f"{self.name}; choose another name.")
        group = _bind(SecurityGroup(cloud._new_id("sg"), name, self.id, description or name, [],
                                    [SgRule("all", None, cidr="0.0.0.0/0")]), cloud)
        cloud.security_groups[group.id] = group
        return group

    def add_network_acl(self, name: str) -> "NetworkAcl":
        """CreateNetworkAcl: a custom ACL starts with only the '*' rules, so it denies everything."""
        cloud = self._cloud
        name = cloud._unique(self.network_acls, _check_name(name, "network ACL"), "network ACL", f"VPC {self.name}")
        acl = _bind(NetworkAcl(cloud._new_id("acl"), name, self.id, False, []), cloud)
        cloud.network_acls[acl.id] = acl
        return acl

    def add_internet_gateway(self, name: str = "igw") -> "InternetGateway":
        """CreateInternetGateway + AttachInternetGateway in one step."""
        gateway = self._cloud.add_internet_gateway(name)
        gateway.attach(self)
        return gateway

    def attach_internet_gateway(self, gateway: "InternetGateway") -> "InternetGateway":
        gateway.attach(self)
        return gateway

    def set_main_route_table(self, table: "RouteTable") -> None:
        """ReplaceRouteTableAssociation on the main association: subnets without their own table follow."""
        table = self._cloud._route_table(table)
        if table.vpc != self.id:
            raise AwsError("InvalidParameterValue", f"Route table {label(table)} belongs to another VPC; "
                           f"the main table of {self.name} must be one of its own.")
        self.main_route_table = table.id

    def __repr__(self) -> str:
        return f"Vpc({self.name!r}, {self.cidr}, {self.region}, {len(self.subnets)} subnets)"


@dataclass
class Subnet:
    id: str
    name: str
    vpc: str
    cidr: str
    az: str
    map_public_ip_on_launch: bool = False
    route_table: str | None = None     # explicit association; None means the VPC's main table
    network_acl: str = ""              # every subnet has exactly one network ACL

    @property
    def vpc_obj(self) -> Vpc:
        return self._cloud.vpcs[self.vpc]

    @property
    def effective_route_table(self) -> "RouteTable":
        """The table AWS uses: the explicitly associated one, else the VPC's main table."""
        return self._cloud.route_tables[self.route_table or self.vpc_obj.main_route_table]

    @property
    def acl(self) -> "NetworkAcl":
        return self._cloud.network_acls[self.network_acl]

    @property
    def is_public(self) -> bool:
        """AWS calls a subnet public when its route table has a route to an internet gateway."""
        return any(r.target.startswith("igw-") for r in self.effective_route_table.routes)

    @property
    def reserved(self) -> list[tuple[str, str]]:
        return reserved_addresses(self.cidr)

    @property
    def used_addresses(self) -> list[str]:
        cloud = self._cloud
        used = [i.eni.private_ip for i in cloud.instances.values() if i.eni.subnet == self.id]
        used += [n.private_ip for n in cloud.nat_gateways.values() if n.subnet == self.id]
        return sorted(used, key=lambda a: int(IPAddress(a)))

    @property
    def available_addresses(self) -> int:
        return IPNetwork(self.cidr).size - 5 - len(self.used_addresses)

    def next_free_address(self) -> str:
        taken = {a for a, _ in self.reserved} | set(self.used_addresses)
        for address in IPNetwork(self.cidr):
            if str(address) not in taken:
                return str(address)
        raise AwsError("InsufficientFreeAddressesInSubnet", f"Subnet {self.name} ({self.cidr}) has no free "
                       "address left; use a larger or another subnet.")

    def launch(self, name: str, *, private_ip: str | None = None, security_groups: Iterable[Any] | None = None,
               public_ip: bool | None = None, instance_type: str = "t3.micro", os: str = "linux",
               ami: str | None = None, template: "LaunchTemplate | str | None" = None,
               software: Iterable[str] = ()) -> "Instance":
        """RunInstances into this subnet: one instance with one network interface.

        ``public_ip`` None follows the subnet's auto-assign setting. Without security groups the
        VPC's default group is used, as AWS does. A launch template fills in what is not given.
        """
        return self._cloud._launch(self, name, private_ip, security_groups, public_ip, instance_type, os, ami,
                                   template, software)

    def add_nat_gateway(self, name: str, elastic_ip: "ElasticIp | str | None" = None) -> "NatGateway":
        """CreateNatGateway (public): lives in this subnet, uses an Elastic IP (allocated if not given)."""
        return self._cloud._add_nat_gateway(self, name, elastic_ip)

    def __repr__(self) -> str:
        return f"Subnet({self.name!r}, {self.cidr}, {self.az})"


@dataclass
class Route:
    destination: str
    target: str            # 'local' or the target's id (igw-, nat-, pcx-, tgw-, vgw-)
    origin: str = "static"  # 'local', 'static' (CreateRoute) or 'propagated' (from a virtual private gateway)

    def text(self, cloud: "Cloud | None" = None) -> str:
        target = self.target
        if cloud is not None and target != "local":
            found = cloud.resource(target)
            target = label(found) if found is not None else target
        origin = "" if self.origin in ("static", "local") else f" ({self.origin})"
        return f"{self.destination} → {target}{origin}"


@dataclass
class RouteTable:
    id: str
    name: str
    vpc: str
    routes: list[Route] = field(default_factory=list)       # local and static routes
    propagating_gateways: list[str] = field(default_factory=list)  # vgw ids with propagation enabled

    @property
    def is_main(self) -> bool:
        return self._cloud.vpcs[self.vpc].main_route_table == self.id

    @property
    def subnets(self) -> list[Subnet]:
        """Subnets that use this table: explicit associations, plus every unassociated one if main."""
        cloud = self._cloud
        return [s for s in cloud.subnets.values() if s.vpc == self.vpc and
                (s.route_table == self.id or (s.route_table is None and self.is_main))]

    def all_routes(self) -> list[Route]:
        """Static routes plus the routes propagated from virtual private gateways."""
        routes = list(self.routes)
        for gateway_id in self.propagating_gateways:
            gateway = self._cloud.vpn_gateways.get(gateway_id)
            if gateway is None or gateway.vpc != self.vpc:
                continue
            for connection in self._cloud.vpn_connections.values():
                if connection.gateway == gateway_id:
                    for cidr in self._cloud.on_premises[connection.on_premises].cidrs:
                        routes.append(Route(cidr, gateway_id, "propagated"))
        return routes

    def route_state(self, route: Route) -> str:
        """'active', or 'blackhole' when the target no longer exists or is no longer attached."""
        return self._cloud.route_state(self.vpc, route)

    def lookup(self, address: str) -> Route | None:
        """The route AWS uses for a destination: longest prefix first, then static over propagated."""
        address = str(IPAddress(address))
        candidates = [r for r in self.all_routes() if _in(address, r.destination)]
        if not candidates:
            return None
        rank = {"local": 0, "static": 1, "propagated": 2}
        return sorted(candidates, key=lambda r: (-IPNetwork(r.destination).prefixlen, rank[r.origin]))[0]

    def add_route(self, destination: str, target: Any) -> Route:
        """CreateRoute: send traffic for a CIDR block to a gateway, NAT gateway, peering ...."""
        cloud = self._cloud
        vpc = cloud.vpcs[self.vpc]
        block = parse_cidr(destination, "destination CIDR block")
        target_id = _resolve_id(target)
        if any(r.destination == block for r in self.routes):
            raise AwsError("RouteAlreadyExists", f"Route table {label(self)} already has a route for {block}; "
                           "use replace_route() to change its target.")
        if _overlap(block, vpc.cidr) and IPNetwork(block).prefixlen >= IPNetwork(vpc.cidr).prefixlen:
            raise AwsError("InvalidParameterValue", f"The destination {block} is equal to or more specific than "
                           f"{vpc.name}'s CIDR block {vpc.cidr}, which the local route already covers.")
        cloud._check_route_target(self, target_id)
        route = Route(block, target_id, "static")
        self.routes.append(route)
        return route

    def replace_route(self, destination: str, target: Any) -> Route:
        """ReplaceRoute: point an existing route at another target."""
        block = parse_cidr(destination, "destination CIDR block")
        for index, route in enumerate(self.routes):
            if route.destination == block and route.origin == "static":
                target_id = _resolve_id(target)
                self._cloud._check_route_target(self, target_id)
                self.routes[index] = Route(block, target_id, "static")
                return self.routes[index]
        raise AwsError("InvalidRoute.NotFound", f"Route table {label(self)} has no route for {block} to replace; "
                       "use add_route() to create it.")

    def delete_route(self, destination: str) -> None:
        block = parse_cidr(destination, "destination CIDR block")
        for route in self.routes:
            if route.destination == block:
                if route.origin == "local":
                    raise AwsError("InvalidParameterValue", "The local route of a VPC cannot be deleted.")
                self.routes.remove(route)
                return
        raise AwsError("InvalidRoute.NotFound", f"Route table {label(self)} has no route for {block}.")

    def associate(self, subnet: Subnet | str) -> None:
        """AssociateRouteTable: the subnet uses this table instead of the main one."""
        cloud = self._cloud
        subnet = cloud._subnet(subnet)
        if subnet.vpc != self.vpc:
            raise AwsError("InvalidParameterValue", f"Route table {label(self)} and subnet {label(subnet)} belong "
                           "to different networks; a subnet can only use a route table of its own VPC.")
        if subnet.route_table == self.id:
            return
        if subnet.route_table is not None:
            current = cloud.route_tables[subnet.route_table]
            raise AwsError("Resource.AlreadyAssociated", f"Subnet {subnet.name} is already associated with route "
                           f"table {label(current)}; call {current.name!r}.disassociate() first (a subnet "
                           "uses one route table at a time).")
        subnet.route_table = self.id

    def disassociate(self, subnet: Subnet | str) -> None:
        """DisassociateRouteTable: the subnet goes back to the main route table."""
        subnet = self._cloud._subnet(subnet)
        if subnet.route_table != self.id:
            raise AwsError("InvalidAssociationID.NotFound", f"Subnet {subnet.name} is not explicitly associated "
                           f"with {label(self)}.")
        subnet.route_table = None

    def enable_propagation(self, gateway: Any) -> None:
        """EnableVgwRoutePropagation: routes learned by the VPN gateway appear in this table."""
        gateway_id = _resolve_id(gateway)
        found = self._cloud.vpn_gateways.get(gateway_id)
        if found is None or found.vpc != self.vpc:
            raise AwsError("Gateway.NotAttached", f"Virtual private gateway {gateway_id} is not attached to "
                           f"this table's VPC; attach it first.")
        if gateway_id not in self.propagating_gateways:
            self.propagating_gateways.append(gateway_id)

    def __repr__(self) -> str:
        from helpers.aws.report import route_table_text

        return route_table_text(self)

    def _repr_html_(self) -> str:
        from helpers.aws.report import route_table_html

        return route_table_html(self)


@dataclass
class InternetGateway:
    id: str
    name: str
    vpc: str | None = None

    def attach(self, vpc: Vpc | str) -> None:
        """AttachInternetGateway: one gateway per VPC, one VPC per gateway."""
        cloud = self._cloud
        vpc = cloud._vpc(vpc)
        if self.vpc == vpc.id:
            return
        if self.vpc is not None:
            raise AwsError("Resource.AlreadyAssociated", f"Internet gateway {label(self)} is already attached to "
                           f"{label(cloud.vpcs[self.vpc])}; detach it first.")
        if vpc.internet_gateway is not None:
            raise AwsError("Resource.AlreadyAssociated", f"VPC {vpc.name} already has internet gateway "
                           f"{label(vpc.internet_gateway)}; a VPC can have only one.")
        self.vpc = vpc.id

    def detach(self) -> None:
        """DetachInternetGateway: refused while public addresses are mapped in the VPC."""
        cloud = self._cloud
        if self.vpc is None:
            raise AwsError("Gateway.NotAttached", f"Internet gateway {label(self)} is not attached to a VPC.")
        vpc = cloud.vpcs[self.vpc]
        mapped = [i for i in vpc.instances if i.eni.public_ip] + [n for n in vpc.nat_gateways]
        if mapped:
            raise AwsError("DependencyViolation", f"Network {vpc.id} has some mapped public address(es) "
                           f"({', '.join(label(m) for m in mapped)}); unmap them before detaching the gateway.")
        self.vpc = None


@dataclass
class ElasticIp:
    id: str                # eipalloc-..
    name: str
    public_ip: str
    association: str | None = None   # the id of the instance or NAT gateway using it

    def associate(self, target: "Instance | str") -> None:
        """AssociateAddress: give an instance this fixed public IP (its VPC needs an internet gateway)."""
        cloud = self._cloud
        instance = cloud._instance(target)
        if self.association is not None and self.association != instance.id:
            raise AwsError("Resource.AlreadyAssociated", f"Elastic IP address {self.id} ({self.public_ip}) is "
                           f"already associated with {self.association}.")
        vpc = instance.vpc_obj
        if vpc.internet_gateway is None:
            raise AwsError("Gateway.NotAttached", f"Network {vpc.id} is not attached to any internet gateway; "
                           "attach one before giving its instances public addresses.")
        if instance.eni.elastic_ip and instance.eni.elastic_ip != self.id:
            cloud.elastic_ips[instance.eni.elastic_ip].association = None
        instance.eni.elastic_ip = self.id
        instance.eni.public_ip = self.public_ip
        self.association = instance.id


@dataclass
class NatGateway:
    id: str
    name: str
    subnet: str
    private_ip: str
    elastic_ip: str | None          # eipalloc id; a public NAT gateway needs one
    connectivity: str = "public"

    @property
    def subnet_obj(self) -> Subnet:
        return self._cloud.subnets[self.subnet]

    @property
    def vpc(self) -> str:
        return self.subnet_obj.vpc

    @property
    def public_ip(self) -> str | None:
        eip = self._cloud.elastic_ips.get(self.elastic_ip or "")
        return eip.public_ip if eip else None


@dataclass
class SecurityGroup:
    id: str
    name: str
    vpc: str
    description: str = ""
    inbound: list[SgRule] = field(default_factory=list)
    outbound: list[SgRule] = field(default_factory=list)

    def allow_inbound(self, protocol: Any, ports: Any = None, source: Any = "0.0.0.0/0", description: str = "") -> SgRule:
        """AuthorizeSecurityGroupIngress: allow traffic from a CIDR block or from another security group."""
        return self._add(True, protocol, ports, source, description)

    def allow_outbound(self, protocol: Any, ports: Any = None, destination: Any = "0.0.0.0/0",
                       description: str = "") -> SgRule:
        """AuthorizeSecurityGroupEgress: allow traffic to a CIDR block or to another security group."""
        return self._add(False, protocol, ports, destination, description)

    def revoke_inbound(self, protocol: Any, ports: Any = None, source: Any = "0.0.0.0/0") -> None:
        self._revoke(True, protocol, ports, source)

    def revoke_outbound(self, protocol: Any, ports: Any = None, destination: Any = "0.0.0.0/0") -> None:
        self._revoke(False, protocol, ports, destination)

    def _rule(self, protocol: Any, ports: Any, peer: Any, description: str = "") -> SgRule:
        protocol = parse_protocol(protocol)
        port_range = parse_ports(ports, protocol)
        peer_id = _resolve_id(peer)
        if isinstance(peer_id, str) and peer_id.startswith("sg-"):
            self._cloud._check_group_reference(self, peer_id)
            return SgRule(protocol, port_range, group=peer_id, description=description)
        return SgRule(protocol, port_range, cidr=parse_cidr(peer_id, "source or destination CIDR block"),
                      description=description)

    def _add(self, inbound: bool, protocol: Any, ports: Any, peer: Any, description: str) -> SgRule:
        rule = self._rule(protocol, ports, peer, description)
        rules = self.inbound if inbound else self.outbound
        if any(_same_rule(rule, other) for other in rules):
            raise AwsError("InvalidPermission.Duplicate", f"Security group {label(self)} already has this "
                           f"{'inbound' if inbound else 'outbound'} rule ({rule.text(inbound)}).")
        if len(rules) >= SG_RULES_PER_DIRECTION:
            raise AwsError("RulesPerSecurityGroupLimitExceeded", f"Security group {label(self)} already has "
                           f"{SG_RULES_PER_DIRECTION} {'inbound' if inbound else 'outbound'} rules, the default quota.")
        rules.append(rule)
        return rule

    def _revoke(self, inbound: bool, protocol: Any, ports: Any, peer: Any) -> None:
        rule = self._rule(protocol, ports, peer)
        rules = self.inbound if inbound else self.outbound
        for other in rules:
            if _same_rule(rule, other):
                rules.remove(other)
                return
        raise AwsError("InvalidPermission.NotFound", f"Security group {label(self)} has no such "
                       f"{'inbound' if inbound else 'outbound'} rule ({rule.text(inbound)}).")

    @property
    def instances(self) -> list["Instance"]:
        return [i for i in self._cloud.instances.values() if self.id in i.eni.security_groups]

    def __repr__(self) -> str:
        from helpers.aws.report import security_group_text

        return security_group_text(self)

    def _repr_html_(self) -> str:
        from helpers.aws.report import pre_html

        return pre_html(repr(self))


def _same_rule(a: SgRule, b: SgRule) -> bool:
    return (a.protocol, a.ports, a.cidr, a.group) == (b.protocol, b.ports, b.cidr, b.group)


@dataclass
class NetworkAcl:
    id: str
    name: str
    vpc: str
    default: bool = False
    entries: list[AclEntry] = field(default_factory=list)

    @property
    def subnets(self) -> list[Subnet]:
        return [s for s in self._cloud.subnets.values() if s.network_acl == self.id]

    def add_entry(self, number: int, direction: str, action: str, protocol: Any, ports: Any = None,
                  cidr: str = "0.0.0.0/0") -> AclEntry:
        """CreateNetworkAclEntry: a numbered rule; lower numbers are evaluated first."""
        egress = _direction(direction)
        if action not in ("allow", "deny"):
            raise InputError(f"A network ACL rule's action is 'allow' or 'deny', not {action!r}.")
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= MAX_ACL_RULE_NUMBER:
            raise AwsError("InvalidParameterValue", f"Rule number {number!r} is invalid; use a whole number from 1 "
                           f"to {MAX_ACL_RULE_NUMBER} (leave gaps, like 100, 110, 120, to insert rules later).")
        protocol = parse_protocol(protocol)
        entry = AclEntry(number, egress, action, protocol, parse_ports(ports, protocol),
                         parse_cidr(cidr, "CIDR block"))
        same_side = [e for e in self.entries if e.egress == egress]
        if any(e.number == number for e in same_side):
            raise AwsError("NetworkAclEntryAlreadyExists", f"Network ACL {label(self)} already has "
                           f"{'outbound' if egress else 'inbound'} rule {number}; pick another number or remove it.")
        if len(same_side) >= ACL_RULES_PER_DIRECTION:
            raise AwsError("NetworkAclEntryLimitExceeded", f"Network ACL {label(self)} already has "
                           f"{ACL_RULES_PER_DIRECTION} {'outbound' if egress else 'inbound'} rules, the default quota.")
        self.entries.append(entry)
        self.entries.sort(key=lambda e: (e.egress, e.number))
        return entry

    def allow_inbound(self, number: int, protocol: Any, ports: Any = None, cidr: str = "0.0.0.0/0") -> AclEntry:
        return self.add_entry(number, "inbound", "allow", protocol, ports, cidr)

    def deny_inbound(self, number: int, protocol: Any, ports: Any = None, cidr: str = "0.0.0.0/0") -> AclEntry:
        return self.add_entry(number, "inbound", "deny", protocol, ports, cidr)

    def allow_outbound(self, number: int, protocol: Any, ports: Any = None, cidr: str = "0.0.0.0/0") -> AclEntry:
        return self.add_entry(number, "outbound", "allow", protocol, ports, cidr)

    def deny_outbound(self, number: int, protocol: Any, ports: Any = None, cidr: str = "0.0.0.0/0") -> AclEntry:
        return self.add_entry(number, "outbound", "deny", protocol, ports, cidr)

    def remove_entry(self, number: int, direction: str) -> None:
        egress = _direction(direction)
        for entry in self.entries:
            if entry.number == number and entry.egress == egress:
                self.entries.remove(entry)
                return
        raise AwsError("InvalidNetworkAclEntry.NotFound", f"Network ACL {label(self)} has no "
                       f"{'outbound' if egress else 'inbound'} rule {number}.")

    def associate(self, subnet: Subnet | str) -> None:
        """ReplaceNetworkAclAssociation: the subnet leaves its current ACL (one ACL per subnet)."""
        subnet = self._cloud._subnet(subnet)
        if subnet.vpc != self.vpc:
            raise AwsError("InvalidParameterValue", f"Network ACL {label(self)} and subnet {label(subnet)} belong "
                           "to different networks.")
        subnet.network_acl = self.id

    def __repr__(self) -> str:
        from helpers.aws.report import network_acl_text

        return network_acl_text(self)

    def _repr_html_(self) -> str:
        from helpers.aws.report import pre_html

        return pre_html(repr(self))


def _direction(direction: str) -> bool:
    text = str(direction).strip().lower()
    if text in ("inbound", "ingress", "in"):
        return False
    if text in ("outbound", "egress", "out"):
        return True
    raise InputError(f"Direction {direction!r} is not known; use 'inbound' or 'outbound'.")


@dataclass
class NetworkInterface:
    id: str
    subnet: str
    private_ip: str
    security_groups: list[str] = field(default_factory=list)
    public_ip: str | None = None
    elastic_ip: str | None = None


@dataclass
class Instance:
    id: str
    name: str
    eni: NetworkInterface
    instance_type: str = "t3.micro"
    os: str = "linux"
    ami: str | None = None
    software: tuple[str, ...] = ()

    @property
    def subnet_obj(self) -> Subnet:
        return self._cloud.subnets[self.eni.subnet]

    @property
    def vpc_obj(self) -> Vpc:
        return self._cloud.vpcs[self.subnet_obj.vpc]

    @property
    def private_ip(self) -> str:
        return self.eni.private_ip

    @property
    def public_ip(self) -> str | None:
        return self.eni.public_ip

    @property
    def az(self) -> str:
        return self.subnet_obj.az

    @property
    def security_groups(self) -> list[SecurityGroup]:
        return [self._cloud.security_groups[g] for g in self.eni.security_groups]

    @property
    def ephemeral_ports(self) -> tuple[int, int]:
        return EPHEMERAL_PORTS[self.os]

    def set_security_groups(self, groups: Iterable[Any]) -> None:
        """ModifyNetworkInterfaceAttribute: replace the interface's security groups (1 to 5)."""
        self.eni.security_groups = self._cloud._check_groups(self.subnet_obj, groups)

    def add_security_group(self, group: Any) -> None:
        self.set_security_groups(self.eni.security_groups + [_resolve_id(group)])

    def associate_address(self, elastic_ip: "ElasticIp | str") -> None:
        self._cloud._elastic_ip(elastic_ip).associate(self)

    def resize(self, instance_type: str) -> None:
        """Scale up: change the instance type (on AWS: stop, change, start; the private IP stays)."""
        if instance_type not in INSTANCE_TYPES:
            raise AwsError("InvalidParameterValue", f"Instance type {instance_type!r} is not one this model knows; "
                           f"use one of {', '.join(sorted(INSTANCE_TYPES))}.")
        self.instance_type = instance_type

    def __repr__(self) -> str:
        public = f", public {self.public_ip}" if self.public_ip else ""
        return f"Instance({self.name!r}, {self.private_ip}{public}, {self.instance_type}, {self.az})"


@dataclass
class Peering:
    id: str
    name: str
    requester: str
    accepter: str
    status: str = "active"

    def other(self, vpc_id: str) -> str:
        return self.accepter if vpc_id == self.requester else self.requester

    def connects(self, vpc_id: str) -> bool:
        return vpc_id in (self.requester, self.accepter)


@dataclass
class TransitGateway:
    id: str
    name: str
    region: str
    default_route_table: str = ""
    default_association: bool = True
    default_propagation: bool = True
    security_group_referencing: bool = False   # AWS: disabled by default at the transit gateway level

    @property
    def attachments(self) -> list["TgwAttachment"]:
        return [a for a in self._cloud.tgw_attachments.values() if a.tgw == self.id]

    @property
    def route_tables(self) -> list["TgwRouteTable"]:
        return [t for t in self._cloud.tgw_route_tables.values() if t.tgw == self.id]

    @property
    def default_table(self) -> "TgwRouteTable":
        return self._cloud.tgw_route_tables[self.default_route_table]

    def attach_vpc(self, vpc: Vpc | str, subnets: Iterable[Subnet | str] | None = None, name: str = "") -> "TgwAttachment":
        """CreateTransitGatewayVpcAttachment: the gateway gets an interface in one subnet per AZ."""
        cloud = self._cloud
        vpc = cloud._vpc(vpc)
        if vpc.region != self.region:
            raise AwsError("InvalidParameterValue", f"VPC {vpc.name} is in {vpc.region} but transit gateway "
                           f"{label(self)} is in {self.region}; attach VPCs of its own Region.")
        if any(a.kind == "vpc" and a.resource == vpc.id for a in self.attachments):
            raise AwsError("DuplicateTransitGatewayAttachment", f"VPC {vpc.name} is already attached to "
                           f"{label(self)}.")
        chosen = [cloud._subnet(s) for s in subnets] if subnets is not None else _one_subnet_per_az(vpc)
        if not chosen:
            raise AwsError("MissingParameter", f"Give at least one subnet of {vpc.name} for the attachment.")
        zones = set()
        for subnet in chosen:
            if subnet.vpc != vpc.id:
                raise AwsError("InvalidParameterValue", f"Subnet {subnet.name} is not in VPC {vpc.name}.")
            if subnet.az in zones:
                raise AwsError("DuplicateSubnetsInSameZone", f"Two of the subnets are in {subnet.az}; a transit "
                               "gateway attachment takes one subnet per Availability Zone.")
            zones.add(subnet.az)
        attachment = _bind(TgwAttachment(cloud._new_id("tgw-attach"), name or f"{vpc.name}-attach", self.id, "vpc",
                                         vpc.id, [s.id for s in chosen]), cloud)
        cloud.tgw_attachments[attachment.id] = attachment
        self._apply_defaults(attachment)
        return attachment

    def _apply_defaults(self, attachment: "TgwAttachment") -> None:
        if self.default_association:
            attachment.route_table = self.default_route_table
        if self.default_propagation:
            self.default_table.propagations.append(attachment.id)

    def add_route_table(self, name: str) -> "TgwRouteTable":
        cloud = self._cloud
        name = cloud._unique(self.route_tables, _check_name(name, "route table"), "route table", label(self))
        table = _bind(TgwRouteTable(cloud._new_id("tgw-rtb"), name, self.id), cloud)
        cloud.tgw_route_tables[table.id] = table
        return table


def _one_subnet_per_az(vpc: Vpc) -> list[Subnet]:
    chosen: dict[str, Subnet] = {}
    for subnet in sorted(vpc.subnets, key=lambda s: s.id):
        chosen.setdefault(subnet.az, subnet)
    return [chosen[az] for az in sorted(chosen)]


@dataclass
class TgwAttachment:
    id: str
    name: str
    tgw: str
    kind: str                     # 'vpc' or 'vpn'
    resource: str                 # the VPC or VPN connection id
    subnets: list[str] = field(default_factory=list)
    route_table: str | None = None   # the transit gateway route table it is associated with

    def subnet_in(self, az: str) -> str | None:
        return next((s for s in self.subnets if self._cloud.subnets[s].az == az), None)


@dataclass
class TgwRoute:
    destination: str
    attachment: str | None       # None: a blackhole route (drops matching traffic)
    origin: str = "static"       # 'static' or 'propagated'


@dataclass
class TgwRouteTable:
    id: str
    name: str
    tgw: str
    routes: list[TgwRoute] = field(default_factory=list)       # static routes
    propagations: list[str] = field(default_factory=list)     # attachment ids

    def all_routes(self) -> list[TgwRoute]:
        cloud = self._cloud
        routes = list(self.routes)
        for attachment_id in self.propagations:
            attachment = cloud.tgw_attachments.get(attachment_id)
            if attachment is None:
                continue
            if attachment.kind == "vpc":
                routes.append(TgwRoute(cloud.vpcs[attachment.resource].cidr, attachment.id, "propagated"))
            else:
                connection = cloud.vpn_connections[attachment.resource]
                for cidr in cloud.on_premises[connection.on_premises].cidrs:
                    routes.append(TgwRoute(cidr, attachment.id, "propagated"))
        return routes

    def lookup(self, address: str) -> TgwRoute | None:
        candidates = [r for r in self.all_routes() if _in(address, r.destination)]
        if not candidates:
            return None
        return sorted(candidates, key=lambda r: (-IPNetwork(r.destination).prefixlen, r.origin != "static"))[0]

    def associate(self, attachment: "TgwAttachment | str") -> None:
        """AssociateTransitGatewayRouteTable: the attachment's traffic is routed by this table."""
        attachment = self._cloud._attachment(attachment)
        if attachment.tgw != self.tgw:
            raise AwsError("InvalidParameterValue", f"Attachment {label(attachment)} belongs to another transit gateway.")
        if attachment.route_table not in (None, self.id):
            raise AwsError("Resource.AlreadyAssociated", f"Attachment {label(attachment)} is already associated "
                           f"with {attachment.route_table}; an attachment uses one route table at a time.")
        attachment.route_table = self.id

    def disassociate(self, attachment: "TgwAttachment | str") -> None:
        attachment = self._cloud._attachment(attachment)
        if attachment.route_table == self.id:
            attachment.route_table = None

    def propagate(self, attachment: "TgwAttachment | str") -> None:
        """EnableTransitGatewayRouteTablePropagation: the attachment's CIDRs appear in this table."""
        attachment = self._cloud._attachment(attachment)
        if attachment.id not in self.propagations:
            self.propagations.append(attachment.id)

    def __repr__(self) -> str:
        from helpers.aws.report import tgw_route_table_text

        return tgw_route_table_text(self)

    def add_route(self, destination: str, attachment: "TgwAttachment | str | None") -> TgwRoute:
        """CreateTransitGatewayRoute: a static route to an attachment, or a blackhole (None / 'blackhole')."""
        block = parse_cidr(destination, "destination CIDR block")
        target = None if attachment in (None, "blackhole") else self._cloud._attachment(attachment).id
        if any(r.destination == block for r in self.routes):
            raise AwsError("RouteAlreadyExists", f"Transit gateway route table {label(self)} already has a static "
                           f"route for {block}.")
        route = TgwRoute(block, target, "static")
        self.routes.append(route)
        return route


@dataclass
class VpnGateway:
    id: str
    name: str
    vpc: str | None = None
    amazon_asn: int = 64512

    def attach(self, vpc: Vpc | str) -> None:
        """AttachVpnGateway: one virtual private gateway per VPC."""
        cloud = self._cloud
        vpc = cloud._vpc(vpc)
        if self.vpc not in (None, vpc.id):
            raise AwsError("Resource.AlreadyAssociated", f"Virtual private gateway {label(self)} is attached to "
                           "another VPC; detach it first.")
        if vpc.vpn_gateway not in (None, self):
            raise AwsError("VpnGatewayAttachmentLimitExceeded", f"VPC {vpc.name} already has virtual private "
                           f"gateway {label(vpc.vpn_gateway)}; a VPC can have only one.")
        self.vpc = vpc.id

    def detach(self) -> None:
        """DetachVpnGateway: propagated routes disappear, static routes to it become blackholes."""
        if self.vpc is None:
            raise AwsError("InvalidVpnGatewayAttachment.NotFound", f"Virtual private gateway {label(self)} is not "
                           "attached to a VPC.")
        self.vpc = None


@dataclass
class OnPremises:
    id: str
    name: str
    cidrs: list[str]

    @property
    def sample_host(self) -> str:
        """A representative host address in the first block (its 10th address)."""
        return str(IPNetwork(self.cidrs[0])[10])


@dataclass
class VpnConnection:
    id: str
    name: str
    gateway: str              # a virtual private gateway (vgw-) or transit gateway (tgw-) id
    on_premises: str
    kind: str = "Site-to-Site VPN"   # or 'Direct Connect'


@dataclass
class Ami:
    id: str
    name: str
    os: str
    software: tuple[str, ...]
    source_instance: str | None = None


@dataclass
class LaunchTemplate:
    id: str
    name: str
    ami: str
    instance_type: str
    security_groups: list[str] = field(default_factory=list)
    public_ip: bool | None = None
    version: int = 1


# ============================================================================ the account

@dataclass
class Cloud:
    """One AWS account: every VPC, gateway and instance, in dicts keyed by id."""

    region: str = DEFAULT_REGION
    vpcs: dict[str, Vpc] = field(default_factory=dict)
    subnets: dict[str, Subnet] = field(default_factory=dict)
    route_tables: dict[str, RouteTable] = field(default_factory=dict)
    internet_gateways: dict[str, InternetGateway] = field(default_factory=dict)
    elastic_ips: dict[str, ElasticIp] = field(default_factory=dict)
    nat_gateways: dict[str, NatGateway] = field(default_factory=dict)
    security_groups: dict[str, SecurityGroup] = field(default_factory=dict)
    network_acls: dict[str, NetworkAcl] = field(default_factory=dict)
    instances: dict[str, Instance] = field(default_factory=dict)
    peerings: dict[str, Peering] = field(default_factory=dict)
    transit_gateways: dict[str, TransitGateway] = field(default_factory=dict)
    tgw_attachments: dict[str, TgwAttachment] = field(default_factory=dict)
    tgw_route_tables: dict[str, TgwRouteTable] = field(default_factory=dict)
    vpn_gateways: dict[str, VpnGateway] = field(default_factory=dict)
    vpn_connections: dict[str, VpnConnection] = field(default_factory=dict)
    on_premises: dict[str, OnPremises] = field(default_factory=dict)
    images: dict[str, Ami] = field(default_factory=dict)
    launch_templates: dict[str, LaunchTemplate] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        if self.region not in REGIONS:
            raise AwsError("InvalidParameterValue", f"Region {self.region!r} is not one this model knows; use one of "
                           f"{', '.join(sorted(REGIONS))}.")

    # -- ids and lookups
    def _new_id(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}-{self.counters[prefix]:02d}"

    def _next_public_ip(self) -> str:
        used = {e.public_ip for e in self.elastic_ips.values()}
        used |= {i.eni.public_ip for i in self.instances.values() if i.eni.public_ip}
        for address in list(IPNetwork(PUBLIC_POOL))[10:255]:
            if str(address) not in used:
                return str(address)
        raise AwsError("AddressLimitExceeded", "The model's pool of public addresses is used up.")

    def _by_name(self, items, name: str, what: str):
        for item in items:
            if item.name == name or item.id == name:
                return item
        known = ", ".join(sorted(i.name for i in items)) or "none yet"
        raise InputError(f"There is no {what} called {name!r}; known: {known}.")

    def _unique(self, items, name: str, what: str, where: str) -> str:
        if any(i.name == name for i in items):
            raise InputError(f"{where} already has a {what} called {name!r}; choose another name.")
        return name

    def resource(self, rid: str):
        """Any resource by id (vpc-.., subnet-.., igw-.., ...), or None."""
        for table in (self.vpcs, self.subnets, self.route_tables, self.internet_gateways, self.elastic_ips,
                      self.nat_gateways, self.security_groups, self.network_acls, self.instances, self.peerings,
                      self.transit_gateways, self.tgw_attachments, self.tgw_route_tables, self.vpn_gateways,
                      self.vpn_connections, self.on_premises, self.images, self.launch_templates):
            if rid in table:
                return table[rid]
        return None

    def _get(self, value: Any, table: dict, what: str):
        if hasattr(value, "id") and value.id in table and table[value.id] is value:
            return value
        if isinstance(value, str):
            if value in table:
                return table[value]
            matches = [v for v in table.values() if getattr(v, "name", None) == value]
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                raise InputError(f"Several {what}s are called {value!r}; pass the object or its id instead.")
        known = ", ".join(sorted(getattr(v, "name", k) for k, v in table.items())) or "none yet"
        raise InputError(f"There is no {what} {value!r} in this model; known: {known}.")

    def vpc(self, name: str) -> Vpc:
        return self._get(name, self.vpcs, "VPC")

    def instance(self, name: str) -> Instance:
        return self._get(name, self.instances, "instance")

    def peering(self, name: str) -> Peering:
        return self._get(name, self.peerings, "peering connection")

    _vpc = vpc
    _instance = instance

    def _subnet(self, value: Any) -> Subnet:
        return self._get(value, self.subnets, "subnet")

    def _route_table(self, value: Any) -> RouteTable:
        return self._get(value, self.route_tables, "route table")

    def _elastic_ip(self, value: Any) -> ElasticIp:
        return self._get(value, self.elastic_ips, "Elastic IP")

    def _attachment(self, value: Any) -> TgwAttachment:
        return self._get(value, self.tgw_attachments, "transit gateway attachment")

    # -- building
    def add_vpc(self, name: str, cidr: str, region: str | None = None) -> Vpc:
        """CreateVpc: a private network in one Region, with its main route table, default network
        ACL (allows everything) and default security group (members may talk to each other)."""
        name = _check_name(name, "VPC")
        if any(v.name == name for v in self.vpcs.values()):
            raise InputError(f"There is already a VPC called {name!r}; choose another name.")
        region = region or self.region
        if region not in REGIONS:
            raise AwsError("InvalidParameterValue", f"Region {region!r} is not one this model knows; use one of "
                           f"{', '.join(sorted(REGIONS))}.")
        block = parse_cidr(cidr, "VPC CIDR block")
        prefix = IPNetwork(block).prefixlen
        if not VPC_PREFIX_RANGE[0] <= prefix <= VPC_PREFIX_RANGE[1]:
            raise AwsError("InvalidVpc.Range", f"The CIDR '{block}' is invalid: a VPC must be between /16 and /28 "
                           "(16 to 65,536 addresses); pick a prefix length in that range, like /16.")
        vpc = _bind(Vpc(self._new_id("vpc"), name, block, region), self)
        self.vpcs[vpc.id] = vpc
        main = _bind(RouteTable(self._new_id("rtb"), "main", vpc.id, [Route(block, "local", "local")]), self)
        self.route_tables[main.id] = main
        acl = _bind(NetworkAcl(self._new_id("acl"), "default", vpc.id, True, [
            AclEntry(100, False, "allow", "all", None, "0.0.0.0/0"),
            AclEntry(100, True, "allow", "all", None, "0.0.0.0/0")]), self)
        self.network_acls[acl.id] = acl
        default_sg = _bind(SecurityGroup(self._new_id("sg"), "default", vpc.id, "default VPC security group"), self)
        default_sg.inbound.append(SgRule("all", None, group=default_sg.id))
        default_sg.outbound.append(SgRule("all", None, cidr="0.0.0.0/0"))
        self.security_groups[default_sg.id] = default_sg
        vpc.main_route_table, vpc.default_network_acl, vpc.default_security_group = main.id, acl.id, default_sg.id
        return vpc

    def add_internet_gateway(self, name: str = "igw") -> InternetGateway:
        gateway = _bind(InternetGateway(self._new_id("igw"), _check_name(name, "internet gateway")), self)
        self.internet_gateways[gateway.id] = gateway
        return gateway

    def allocate_address(self, name: str = "") -> ElasticIp:
        """AllocateAddress: a fixed public IPv4 address you keep until you release it."""
        eip = _bind(ElasticIp(self._new_id("eipalloc"), name, self._next_public_ip()), self)
        self.elastic_ips[eip.id] = eip
        return eip

    def peer(self, requester: Vpc | str, accepter: Vpc | str, name: str = "") -> Peering:
        """CreateVpcPeeringConnection and accept it: a private link between two VPCs (not transitive)."""
        a, b = self._vpc(requester), self._vpc(accepter)
        if a.id == b.id:
            raise AwsError("InvalidParameterValue", "A VPC cannot be peered with itself.")
        if any(p.connects(a.id) and p.connects(b.id) for p in self.peerings.values()):
            raise AwsError("VpcPeeringConnectionAlreadyExists", f"A VPC peering connection between {a.name} and "
                           f"{b.name} already exists.")
        if _overlap(a.cidr, b.cidr):
            raise AwsError("failed", f"The peering connection's status would be 'failed': {a.name} ({a.cidr}) and "
                           f"{b.name} ({b.cidr}) have overlapping CIDR blocks, so renumber one of them.")
        peering = _bind(Peering(self._new_id("pcx"), name or f"{a.name}-{b.name}", a.id, b.id), self)
        self.peerings[peering.id] = peering
        return peering

    def add_transit_gateway(self, name: str, region: str | None = None, *, default_association: bool = True,
                            default_propagation: bool = True) -> TransitGateway:
        """CreateTransitGateway: a regional hub with a default route table (association and
        propagation on by default, so every attached VPC can reach every other one)."""
        region = region or self.region
        gateway = _bind(TransitGateway(self._new_id("tgw"), _check_name(name, "transit gateway"), region,
                                       default_association=default_association,
                                       default_propagation=default_propagation), self)
        self.transit_gateways[gateway.id] = gateway
        table = _bind(TgwRouteTable(self._new_id("tgw-rtb"), "default", gateway.id), self)
        self.tgw_route_tables[table.id] = table
        gateway.default_route_table = table.id
        return gateway

    def add_vpn_gateway(self, name: str = "vgw") -> VpnGateway:
        gateway = _bind(VpnGateway(self._new_id("vgw"), _check_name(name, "virtual private gateway")), self)
        self.vpn_gateways[gateway.id] = gateway
        return gateway

    def add_on_premises(self, name: str, cidrs: str | Iterable[str]) -> OnPremises:
        """Your own data centre's network, on the far side of a VPN or Direct Connect link."""
        blocks = [cidrs] if isinstance(cidrs, str) else list(cidrs)
        network = _bind(OnPremises(self._new_id("onprem"), _check_name(name, "on-premises network"),
                                   [parse_cidr(c, "on-premises CIDR block") for c in blocks]), self)
        self.on_premises[network.id] = network
        return network

    def add_vpn_connection(self, name: str, gateway: Any, on_premises: Any, kind: str = "Site-to-Site VPN") -> VpnConnection:
        """CreateVpnConnection (or a Direct Connect link) from a virtual private gateway or a transit
        gateway to an on-premises network. On a transit gateway it becomes a 'vpn' attachment."""
        if kind not in ("Site-to-Site VPN", "Direct Connect"):
            raise InputError(f"kind is 'Site-to-Site VPN' or 'Direct Connect', not {kind!r}.")
        gateway_id = _resolve_id(gateway)
        network = self._get(on_premises, self.on_premises, "on-premises network")
        if gateway_id not in self.vpn_gateways and gateway_id not in self.transit_gateways:
            raise InputError(f"{gateway_id!r} is not a virtual private gateway or transit gateway of this model.")
        for vpc in self.vpcs.values():
            for cidr in network.cidrs:
                if _overlap(cidr, vpc.cidr):
                    raise AwsError("InvalidParameterValue", f"On-premises block {cidr} overlaps VPC {vpc.name} "
                                   f"({vpc.cidr}); the two sides of a VPN need different addresses.")
        connection = _bind(VpnConnection(self._new_id("vpn"), _check_name(name, "VPN connection"), gateway_id,
                                         network.id, kind), self)
        self.vpn_connections[connection.id] = connection
        if gateway_id in self.transit_gateways:
            tgw = self.transit_gateways[gateway_id]
            attachment = _bind(TgwAttachment(self._new_id("tgw-attach"), f"{name}-attach", tgw.id, "vpn",
                                             connection.id), self)
            self.tgw_attachments[attachment.id] = attachment
            tgw._apply_defaults(attachment)
        return connection

    def create_image(self, instance: Instance | str, name: str) -> Ami:
        """CreateImage: an AMI, a backup of the instance's disk (OS and installed software)."""
        instance = self._instance(instance)
        image = _bind(Ami(self._new_id("ami"), _check_name(name, "image"), instance.os, instance.software,
                          instance.id), self)
        self.images[image.id] = image
        return image

    def add_launch_template(self, name: str, ami: Ami | str, instance_type: str = "t3.micro",
                            security_groups: Iterable[Any] = (), public_ip: bool | None = None) -> LaunchTemplate:
        """CreateLaunchTemplate: the saved answers to 'launch instance' (AMI, type, groups ...)."""
        image = self._get(ami, self.images, "AMI")
        if instance_type not in INSTANCE_TYPES:
            raise AwsError("InvalidParameterValue", f"Instance type {instance_type!r} is not one this model knows.")
        template = _bind(LaunchTemplate(self._new_id("lt"), _check_name(name, "launch template"), image.id,
                                        instance_type, [_resolve_id(g) for g in security_groups], public_ip), self)
        self.launch_templates[template.id] = template
        return template

    def delete(self, resource: Any) -> None:
        """Delete a NAT gateway, instance, peering connection or transit gateway attachment.

        Routes that pointed at a deleted target stay in their tables with the state 'blackhole'
        and drop matching traffic, as on AWS.
        """
        rid = _resolve_id(resource)
        if rid in self.nat_gateways:
            nat = self.nat_gateways.pop(rid)
            if nat.elastic_ip in self.elastic_ips:
                self.elastic_ips[nat.elastic_ip].association = None
        elif rid in self.instances:
            instance = self.instances.pop(rid)
            if instance.eni.elastic_ip in self.elastic_ips:
                self.elastic_ips[instance.eni.elastic_ip].association = None
        elif rid in self.peerings:
            self.peerings.pop(rid)
        elif rid in self.tgw_attachments:
            self.tgw_attachments.pop(rid)
            for table in self.tgw_route_tables.values():
                if rid in table.propagations:
                    table.propagations.remove(rid)
        elif rid in self.security_groups:
            group = self.security_groups[rid]
            users = group.instances
            referencing = [g for g in self.security_groups.values()
                           if g.id != rid and any(r.group == rid for r in g.inbound + g.outbound)]
            if rid in {v.default_security_group for v in self.vpcs.values()}:
                raise AwsError("CannotDelete", "The default security group of a VPC cannot be deleted.")
            if users or referencing:
                blockers = ", ".join(label(x) for x in users + referencing)
                raise AwsError("DependencyViolation", f"Security group {label(group)} is in use by {blockers}.")
            self.security_groups.pop(rid)
        else:
            raise InputError(f"delete() removes NAT gateways, instances, peering connections, transit gateway "
                             f"attachments and security groups; {rid!r} is none of these.")

    # -- route targets
    def route_state(self, vpc_id: str, route: Route) -> str:
        target = route.target
        if target == "local":
            return "active"
        if target.startswith("igw-"):
            gateway = self.internet_gateways.get(target)
            return "active" if gateway and gateway.vpc == vpc_id else "blackhole"
        if target.startswith("nat-"):
            return "active" if target in self.nat_gateways else "blackhole"
        if target.startswith("pcx-"):
            peering = self.peerings.get(target)
            return "active" if peering and peering.status == "active" and peering.connects(vpc_id) else "blackhole"
        if target.startswith("tgw-"):
            attached = any(a.tgw == target and a.kind == "vpc" and a.resource == vpc_id
                           for a in self.tgw_attachments.values())
            return "active" if attached else "blackhole"
        if target.startswith("vgw-"):
            gateway = self.vpn_gateways.get(target)
            return "active" if gateway and gateway.vpc == vpc_id else "blackhole"
        return "blackhole"

    def _check_route_target(self, table: RouteTable, target: Any) -> None:
        vpc = self.vpcs[table.vpc]
        different = (f"Route table {label(table)} and {target} belong to different networks; the target must be "
                     f"attached to or inside VPC {vpc.name}.")
        if not isinstance(target, str):
            raise InputError(f"A route's target is a gateway, NAT gateway, peering connection or transit gateway "
                             f"(the object or its id), not {target!r}.")
        if target.startswith("igw-"):
            gateway = self.internet_gateways.get(target)
            if gateway is None:
                raise AwsError("InvalidGatewayID.NotFound", f"The gateway ID '{target}' does not exist.")
            if gateway.vpc != vpc.id:
                raise AwsError("InvalidParameterValue", different)
        elif target.startswith("nat-"):
            nat = self.nat_gateways.get(target)
            if nat is None:
                raise AwsError("InvalidNatGatewayID.NotFound", f"The NAT gateway ID '{target}' does not exist.")
            if nat.vpc != vpc.id:
                raise AwsError("InvalidParameterValue", different)
        elif target.startswith("pcx-"):
            peering = self.peerings.get(target)
            if peering is None:
                raise AwsError("InvalidVpcPeeringConnectionID.NotFound", f"The peering connection ID '{target}' "
                               "does not exist.")
            if not peering.connects(vpc.id):
                raise AwsError("InvalidParameterValue", different)
        elif target.startswith("tgw-"):
            if target not in self.transit_gateways:
                raise AwsError("InvalidTransitGatewayID.NotFound", f"The transit gateway ID '{target}' does not exist.")
            if not any(a.tgw == target and a.kind == "vpc" and a.resource == vpc.id for a in self.tgw_attachments.values()):
                raise AwsError("InvalidParameterValue", f"VPC {vpc.name} is not attached to transit gateway {target}; "
                               "attach it (tgw.attach_vpc) before routing to it.")
        elif target.startswith("vgw-"):
            gateway = self.vpn_gateways.get(target)
            if gateway is None:
                raise AwsError("InvalidGatewayID.NotFound", f"The gateway ID '{target}' does not exist.")
            if gateway.vpc != vpc.id:
                raise AwsError("Gateway.NotAttached", f"Virtual private gateway {label(gateway)} is not attached to "
                               f"VPC {vpc.name}; attach it first.")
        else:
            raise InputError(f"{target!r} is not a route target this model knows (internet gateway, NAT gateway, "
                             "peering connection, transit gateway or virtual private gateway).")

    # -- security group references
    def _check_group_reference(self, group: SecurityGroup, referenced: str) -> None:
        other = self.security_groups.get(referenced)
        if other is None:
            raise AwsError("InvalidGroup.NotFound", f"The security group '{referenced}' does not exist.")
        if other.vpc == group.vpc:
            return
        mine, theirs = self.vpcs[group.vpc], self.vpcs[other.vpc]
        peered = any(p.connects(mine.id) and p.connects(theirs.id) and p.status == "active"
                     for p in self.peerings.values())
        if not peered or mine.region != theirs.region:
            raise AwsError("InvalidGroup.NotFound", f"Security group {label(other)} is in VPC {theirs.name}; a rule "
                           "can reference a group of its own VPC or of a peered VPC in the same Region only.")

    def _check_groups(self, subnet: Subnet, groups: Iterable[Any] | None) -> list[str]:
        vpc = self.vpcs[subnet.vpc]
        ids = [_resolve_id(g) for g in groups] if groups is not None else [vpc.default_security_group]
        resolved = []
        for gid in ids:
            group = self.security_groups.get(gid) if isinstance(gid, str) and gid.startswith("sg-") else None
            if group is None and isinstance(gid, str):
                group = next((g for g in vpc.security_groups if g.name == gid), None)
            if group is None:
                raise AwsError("InvalidGroup.NotFound", f"The security group '{gid}' does not exist in VPC {vpc.name}.")
            if group.vpc != vpc.id:
                raise AwsError("InvalidParameter", f"Security group {group.id} and subnet {subnet.id} belong to "
                               "different networks; use a group of the subnet's VPC.")
            if group.id not in resolved:
                resolved.append(group.id)
        if not resolved:
            raise AwsError("MissingParameter", "A network interface needs at least one security group.")
        if len(resolved) > SGS_PER_INTERFACE:
            raise AwsError("SecurityGroupsPerInterfaceLimitExceeded", f"A network interface can have at most "
                           f"{SGS_PER_INTERFACE} security groups (the default quota); you gave {len(resolved)}.")
        return resolved

    # -- instances and NAT gateways
    def _claim_address(self, subnet: Subnet, private_ip: str | None) -> str:
        if private_ip is None:
            return subnet.next_free_address()
        try:
            address = str(IPAddress(private_ip, flags=0))
        except Exception:
            raise AwsError("InvalidParameterValue", f"{private_ip!r} is not an IPv4 address; write it like '10.0.1.10'.") from None
        if not _in(address, subnet.cidr):
            raise AwsError("InvalidParameterValue", f"Address {address} does not fall within subnet {subnet.name}'s "
                           f"address range {subnet.cidr}.")
        reserved = dict(subnet.reserved)
        if address in reserved:
            raise AwsError("InvalidParameterValue", f"Address {address} is in subnet {subnet.name}'s reserved address "
                           f"range ({reserved[address]}); AWS keeps the first four and the last address.")
        if address in subnet.used_addresses:
            raise AwsError("InvalidIPAddress.InUse", f"Address {address} is already in use in subnet {subnet.name}.")
        return address

    def _launch(self, subnet, name, private_ip, security_groups, public_ip, instance_type, os, ami, template,
                software) -> Instance:
        name = _check_name(name, "instance")
        if any(i.name == name for i in self.instances.values()):
            raise InputError(f"There is already an instance called {name!r}; choose another name.")
        if template is not None:
            template = self._get(template, self.launch_templates, "launch template")
            image = self.images[template.ami]
            ami = ami or image.id
            os = image.os
            software = software or image.software
            instance_type = template.instance_type if instance_type == "t3.micro" else instance_type
            if security_groups is None and template.security_groups:
                security_groups = template.security_groups
            if public_ip is None:
                public_ip = template.public_ip
        elif ami is not None:
            image = self._get(ami, self.images, "AMI")
            ami, os, software = image.id, image.os, software or image.software
        if instance_type not in INSTANCE_TYPES:
            raise AwsError("InvalidParameterValue", f"Instance type {instance_type!r} is not one this model knows; "
                           f"use one of {', '.join(sorted(INSTANCE_TYPES))}.")
        if os not in ("linux", "windows"):
            raise InputError(f"os is 'linux' or 'windows', not {os!r}.")
        groups = self._check_groups(subnet, security_groups)
        address = self._claim_address(subnet, private_ip)
        wants_public = subnet.map_public_ip_on_launch if public_ip is None else bool(public_ip)
        eni = NetworkInterface(self._new_id("eni"), subnet.id, address, groups,
                               self._next_public_ip() if wants_public else None)
        instance = _bind(Instance(self._new_id("i"), name, eni, instance_type, os, ami, tuple(software)), self)
        self.instances[instance.id] = instance
        return instance

    def _add_nat_gateway(self, subnet: Subnet, name: str, elastic_ip) -> NatGateway:
        name = _check_name(name, "NAT gateway")
        if any(n.name == name for n in self.nat_gateways.values()):
            raise InputError(f"There is already a NAT gateway called {name!r}; choose another name.")
        vpc = self.vpcs[subnet.vpc]
        if vpc.internet_gateway is None:
            raise AwsError("Gateway.NotAttached", f"Network {vpc.id} ({vpc.name}) has no Internet gateway attached; "
                           "a public NAT gateway sends its traffic out through one, so attach it first.")
        eip = self.allocate_address(f"{name}-eip") if elastic_ip is None else self._elastic_ip(elastic_ip)
        if eip.association is not None:
            raise AwsError("Resource.AlreadyAssociated", f"Elastic IP address {eip.id} is already associated "
                           f"with {eip.association}.")
        address = self._claim_address(subnet, None)
        nat = _bind(NatGateway(self._new_id("nat"), name, subnet.id, address, eip.id), self)
        self.nat_gateways[nat.id] = nat
        eip.association = nat.id
        return nat

    # -- questions
    def analyze(self, source: Any, destination: Any, protocol: str = "tcp", port: int | None = None, **options):
        """Can source reach destination? See helpers.aws.analyzer.analyze."""
        from helpers.aws.analyzer import analyze

        return analyze(self, source, destination, protocol, port, **options)

    def validate(self):
        from helpers.aws.validate import validate

        return validate(self)

    def __repr__(self) -> str:
        from helpers.aws.report import cloud_text

        return cloud_text(self)

    def _repr_html_(self) -> str:
        from helpers.aws.report import pre_html

        return pre_html(repr(self))
