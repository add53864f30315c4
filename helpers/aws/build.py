"""Typical VPCs in one line, and random-but-valid models for tests.

    cloud = Cloud()
    vpc = two_az_vpc(cloud, "shop", "10.0.0.0/16")          # the classic layout below
    cloud.analyze("the internet", "web-a", "tcp", 80)

``two_az_vpc`` builds what the VPC documentation calls a VPC with public and private subnets in
two Availability Zones: per AZ a public subnet (route 0.0.0.0/0 to the internet gateway) and a
private subnet (route 0.0.0.0/0 to a NAT gateway in the public subnet of the same AZ, one NAT
gateway per AZ so an AZ outage does not cut the other off), a web tier in the public subnets and
an app tier in the private ones, a bastion host, and security groups that chain the tiers by
reference (web-sg admits HTTP/HTTPS from anywhere, app-sg admits 8080 from web-sg only, ssh from
bastion-sg only).

``random_cloud(seed)`` builds a random model that AWS would accept (validate() finds no errors):
one to three VPCs with non-overlapping CIDR blocks, each with subnets in two AZs, an internet
gateway, maybe NAT gateways, peering between some VPCs, random security group and network ACL
rules, instances. ``random_queries`` draws questions to ask of it. The same seed gives the same
model, so a test that finds a disagreement can be replayed.
"""
from __future__ import annotations

import random

from netaddr import IPNetwork

from helpers.aws.model import Cloud, RouteTable, Vpc
from helpers.errors import InputError

__all__ = ["two_az_vpc", "random_cloud", "random_queries", "route_table_demo"]


def two_az_vpc(cloud: Cloud, name: str = "main", cidr: str = "10.0.0.0/16", *, azs: tuple[str, str] = ("a", "c"),
               nat: bool = True, bastion: bool = True, web: bool = True, app: bool = True) -> Vpc:
    """Public and private subnets in two AZs, internet gateway, NAT gateways, tiers and groups.

    Subnets are the /24s numbered 1, 2 (public) and 11, 12 (private) of the VPC's block (so a /16
    like 10.0.0.0/16 gives 10.0.1.0/24, 10.0.2.0/24, 10.0.11.0/24, 10.0.12.0/24); the VPC must be
    a /16 to /19 for that.
    """
    block = IPNetwork(cidr)
    if not 16 <= block.prefixlen <= 19:
        raise InputError(f"two_az_vpc lays out /24 subnets numbered up to 12, so the VPC needs a /16 to /19 block; "
                         f"{cidr} is a /{block.prefixlen}.")
    subnets24 = list(block.subnet(24))
    vpc = cloud.add_vpc(name, cidr)
    igw = vpc.add_internet_gateway(f"{name}-igw")
    public_rt = vpc.add_route_table("public-rt")
    public_rt.add_route("0.0.0.0/0", igw)
    tiers = {}
    for index, az in enumerate(azs):
        letter = az[-1]
        public = vpc.add_subnet(f"public-{letter}", str(subnets24[1 + index]), az, public_ip_on_launch=True)
        private = vpc.add_subnet(f"private-{letter}", str(subnets24[11 + index]), az)
        public_rt.associate(public)
        private_rt = vpc.add_route_table(f"private-rt-{letter}")
        private_rt.associate(private)
        if nat:
            gateway = public.add_nat_gateway(f"{name}-nat-{letter}")
            private_rt.add_route("0.0.0.0/0", gateway)
        tiers[letter] = (public, private)
    web_sg = vpc.add_security_group("web-sg", "web tier: HTTP and HTTPS from anywhere")
    web_sg.allow_inbound("tcp", 80, "0.0.0.0/0")
    web_sg.allow_inbound("tcp", 443, "0.0.0.0/0")
    app_sg = vpc.add_security_group("app-sg", "app tier: 8080 from the web tier only")
    app_sg.allow_inbound("tcp", 8080, web_sg)
    if bastion:
        bastion_sg = vpc.add_security_group("bastion-sg", "bastion: ssh from the admin office only")
        bastion_sg.allow_inbound("tcp", 22, "203.0.113.0/24")
        app_sg.allow_inbound("tcp", 22, bastion_sg)
        web_sg.allow_inbound("tcp", 22, bastion_sg)
        first = tiers[azs[0][-1]][0]
        first.launch(_unique_instance(cloud, "bastion"), security_groups=[bastion_sg])
    for letter, (public, private) in tiers.items():
        if web:
            public.launch(_unique_instance(cloud, f"web-{letter}"), security_groups=[web_sg])
        if app:
            private.launch(_unique_instance(cloud, f"app-{letter}"), security_groups=[app_sg])
    return vpc


def _unique_instance(cloud: Cloud, wanted: str) -> str:
    names = {i.name for i in cloud.instances.values()}
    if wanted not in names:
        return wanted
    number = 2
    while f"{wanted}{number}" in names:
        number += 1
    return f"{wanted}{number}"


# ---------------------------------------------------------------------------- random models

_PORTS = (22, 80, 443, 3306, 5432, 8080)


def random_cloud(seed: int = 0, *, vpcs: int | None = None, instances_per_subnet: int = 1) -> Cloud:
    """A random model AWS would accept: VPCs, subnets in two AZs, gateways, rules, instances."""
    rng = random.Random(seed)
    cloud = Cloud()
    count = vpcs if vpcs is not None else rng.randint(1, 3)
    built = []
    for number in range(count):
        vpc = cloud.add_vpc(f"vpc{number}", f"10.{number}.0.0/16")
        igw = vpc.add_internet_gateway(f"igw{number}") if rng.random() < 0.85 else None
        public_rt = vpc.add_route_table("public-rt")
        if igw and rng.random() < 0.9:
            public_rt.add_route("0.0.0.0/0", igw)
        subnets = []
        for index, az in enumerate(("a", "c")):
            public = vpc.add_subnet(f"pub{number}{az}", f"10.{number}.{index + 1}.0/24", az,
                                    public_ip_on_launch=igw is not None and rng.random() < 0.8)
            private = vpc.add_subnet(f"prv{number}{az}", f"10.{number}.{index + 11}.0/24", az)
            public_rt.associate(public)
            if igw and rng.random() < 0.5:
                nat = public.add_nat_gateway(f"nat{number}{az}")
                private_rt = vpc.add_route_table(f"private-rt-{az}")
                private_rt.associate(private)
                private_rt.add_route("0.0.0.0/0", nat)
            subnets += [public, private]
        groups = [vpc.default_sg] + [_random_group(vpc, rng, g) for g in range(rng.randint(1, 3))]
        acls = [vpc.default_acl] + [_random_acl(vpc, rng, a) for a in range(rng.randint(0, 2))]
        for subnet in subnets:
            rng.choice(acls).associate(subnet)
            for _ in range(instances_per_subnet):
                chosen = rng.sample(groups, rng.randint(1, min(2, len(groups))))
                subnet.launch(f"i{number}{subnet.name[-1]}{subnet.name[:3]}{len(cloud.instances)}",
                              security_groups=chosen, os=rng.choice(("linux", "linux", "windows")))
        for group in groups[1:]:  # references to other groups of the VPC, now that all exist
            if rng.random() < 0.4:
                other = rng.choice(groups)
                port = rng.choice(_PORTS)
                if not any(r.group == other.id and r.ports == (port, port) for r in group.inbound):
                    group.allow_inbound("tcp", port, other)
        built.append(vpc)
    for a, b in zip(built, built[1:]):
        if rng.random() < 0.6:
            peering = cloud.peer(a, b)
            for table in a.route_tables:
                if rng.random() < 0.8:
                    table.add_route(b.cidr, peering)
            for table in b.route_tables:
                if rng.random() < 0.8:
                    table.add_route(a.cidr, peering)
    return cloud


def _random_group(vpc: Vpc, rng: random.Random, number: int):
    group = vpc.add_security_group(f"sg{number}")
    for port in rng.sample(_PORTS, rng.randint(0, 3)):
        source = rng.choice(("0.0.0.0/0", vpc.cidr, "10.0.0.0/8", "203.0.113.0/24"))
        group.allow_inbound(rng.choice(("tcp", "tcp", "udp")), port, source)
    if rng.random() < 0.3:
        group.allow_inbound("icmp", None, "0.0.0.0/0")
    if rng.random() < 0.25:  # a restricted egress instead of 'all traffic'
        group.revoke_outbound("all", None, "0.0.0.0/0")
        for port in rng.sample(_PORTS, rng.randint(1, 3)):
            group.allow_outbound("tcp", port, rng.choice(("0.0.0.0/0", vpc.cidr)))
    return group


def _random_acl(vpc: Vpc, rng: random.Random, number: int):
    acl = vpc.add_network_acl(f"acl{number}")
    for egress in (False, True):
        rule = 100
        for _ in range(rng.randint(1, 5)):
            action = "deny" if rng.random() < 0.2 else "allow"
            protocol = rng.choice(("tcp", "tcp", "udp", "all", "icmp"))
            ports = rng.choice([(p, p) for p in _PORTS] + [(1024, 65535), (32768, 60999), (0, 65535)])
            cidr = rng.choice(("0.0.0.0/0", vpc.cidr, "10.0.0.0/8", "203.0.113.0/24"))
            acl.add_entry(rule, "outbound" if egress else "inbound", action, protocol, ports, cidr)
            rule += rng.choice((10, 20, 100))
    return acl


def random_queries(cloud: Cloud, seed: int = 0, count: int = 10) -> list[tuple]:
    """(source, destination, protocol, port) questions about a model: instance pairs and the internet."""
    rng = random.Random(seed)
    names = sorted(i.name for i in cloud.instances.values())
    if not names:
        return []
    queries = []
    for _ in range(count):
        protocol = rng.choice(("tcp", "tcp", "udp", "icmp"))
        port = rng.choice(_PORTS) if protocol != "icmp" else None
        kind = rng.random()
        if kind < 0.2:
            queries.append(("the internet", rng.choice(names), protocol, port))
        elif kind < 0.35:
            queries.append((rng.choice(names), "the internet", protocol, port))
        elif len(names) > 1:
            src, dst = rng.sample(names, 2)
            queries.append((src, dst, protocol, port))
    return queries


def route_table_demo() -> tuple[Cloud, RouteTable]:
    """A subnet's route table with overlapping routes, for longest-prefix-match practice:
    local 10.0.0.0/16, 0.0.0.0/0 → internet gateway, 10.1.0.0/16 → a peering connection and
    10.1.5.0/24 → a transit gateway."""
    cloud = Cloud()
    vpc = cloud.add_vpc("demo", "10.0.0.0/16")
    subnet = vpc.add_subnet("demo-a", "10.0.1.0/24")
    igw = vpc.add_internet_gateway("demo-igw")
    partner = cloud.add_vpc("partner", "10.1.0.0/16")
    partner.add_subnet("partner-a", "10.1.1.0/24")
    peering = cloud.peer(vpc, partner, "to-partner")
    hub = cloud.add_transit_gateway("hub")
    hub.attach_vpc(vpc)
    table = vpc.add_route_table("demo-rt")
    table.add_route("0.0.0.0/0", igw)
    table.add_route("10.1.0.0/16", peering)
    table.add_route("10.1.5.0/24", hub)
    table.associate(subnet)
    return cloud, table
