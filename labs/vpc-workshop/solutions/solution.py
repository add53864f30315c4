"""Reference solution of the VPC workshop mission (for instructors and tests).

Kept apart from the learner's notebook: ``mission.reveal(n, instructor=True)`` shows one step,
``mission.solve()`` applies them all, and ``mission.verify(WorkshopWorld.fresh)`` replays every step
and every known mistake below on fresh models (tests/test_lab_vpc_workshop.py does).

Each function receives the mission's world (``world.cloud`` is the learner's AWS account in the
model) and makes the same calls a learner types, the model's versions of the AWS API calls
(CreateVpc, CreateSubnet, CreateInternetGateway, CreateRoute, CreateNatGateway, RunInstances ...).
"""
from helpers.missions import Mistake

PUBLIC_BLOCKS = ("10.0.1.0/24", "10.0.2.0/24")


def subnets(world):
    """One VPC, three roles, each in both AZs (a and c)."""
    vpc = world.cloud.add_vpc("workshop", "10.0.0.0/16")
    for name, cidr in (("public-a", "10.0.1.0/24"), ("public-c", "10.0.2.0/24"),
                       ("private-a", "10.0.11.0/24"), ("private-c", "10.0.12.0/24"),
                       ("admin-a", "10.0.21.0/24"), ("admin-c", "10.0.22.0/24")):
        vpc.add_subnet(name, cidr, name[-1])


def internet_gateway(world):
    """The gateway, and a custom route table that only the public subnets use."""
    vpc = world.cloud.vpc("workshop")
    igw = vpc.add_internet_gateway("workshop-igw")
    public_rt = vpc.add_route_table("public-rt")
    public_rt.add_route("0.0.0.0/0", igw)
    public_rt.associate(vpc.subnet("public-a"))
    public_rt.associate(vpc.subnet("public-c"))


def nat_gateway(world):
    """One NAT gateway in a public subnet (one per AZ survives an AZ outage; one is enough here)."""
    vpc = world.cloud.vpc("workshop")
    nat = vpc.subnet("public-a").add_nat_gateway("nat-a")
    private_rt = vpc.add_route_table("private-rt")
    private_rt.add_route("0.0.0.0/0", nat)
    private_rt.associate(vpc.subnet("private-a"))
    private_rt.associate(vpc.subnet("private-c"))
    # admin-a and admin-c keep the main route table: the local route only, no way out


def bastion(world):
    vpc = world.cloud.vpc("workshop")
    bastion_sg = vpc.add_security_group("bastion-sg", "ssh from the admin office")
    bastion_sg.allow_inbound("tcp", 22, "203.0.113.0/24")
    vpc.subnet("public-a").launch("bastion", security_groups=[bastion_sg], public_ip=True)


def app(world):
    vpc = world.cloud.vpc("workshop")
    app_sg = vpc.add_security_group("app-sg", "ssh from the bastion only")
    app_sg.allow_inbound("tcp", 22, vpc.security_group("bastion-sg"))
    vpc.subnet("private-a").launch("app", security_groups=[app_sg], public_ip=False)


def admin_acl(world):
    """Stateless: ssh in from the public subnets, and the replies back out to their ephemeral ports."""
    vpc = world.cloud.vpc("workshop")
    acl = vpc.add_network_acl("admin-acl")
    for number, block in zip((100, 110), PUBLIC_BLOCKS):
        acl.allow_inbound(number, "tcp", 22, block)
        acl.allow_outbound(number, "tcp", (1024, 65535), block)
    acl.associate(vpc.subnet("admin-a"))
    acl.associate(vpc.subnet("admin-c"))


SOLUTIONS = {"subnets": subnets, "internet-gateway": internet_gateway, "nat-gateway": nat_gateway,
             "bastion": bastion, "app": app, "admin-acl": admin_acl}


# ---------------------------------------------------------------------------- known mistakes
# Each one is applied after the solutions of the steps before it; the step's check must answer
# with a hint containing the given text.

def _vpc(world):
    return world.cloud.vpc("workshop")


def _wrong_vpc_name(world):
    world.cloud.add_vpc("main", "10.0.0.0/16")


def _vpc_only(world):
    world.cloud.add_vpc("workshop", "10.0.0.0/16")


def _one_az(world):
    vpc = world.cloud.add_vpc("workshop", "10.0.0.0/16")
    for number, name in enumerate(("public-a", "public-c", "private-a", "private-c", "admin-a", "admin-c")):
        vpc.add_subnet(name, f"10.0.{number + 1}.0/24", "a")


def _no_igw(world):
    _vpc(world).add_route_table("public-rt")


def _igw_in_main_table(world):
    vpc = _vpc(world)
    igw = vpc.add_internet_gateway("workshop-igw")
    vpc.main.add_route("0.0.0.0/0", igw)


def _public_c_forgotten(world):
    vpc = _vpc(world)
    igw = vpc.add_internet_gateway("workshop-igw")
    table = vpc.add_route_table("public-rt")
    table.add_route("0.0.0.0/0", igw)
    table.associate(vpc.subnet("public-a"))


def _no_nat(world):
    vpc = _vpc(world)
    vpc.add_route_table("private-rt")


def _nat_in_private(world):
    vpc = _vpc(world)
    nat = vpc.subnet("private-a").add_nat_gateway("nat-a")
    table = vpc.add_route_table("private-rt")
    table.add_route("0.0.0.0/0", nat)
    table.associate(vpc.subnet("private-a"))
    table.associate(vpc.subnet("private-c"))


def _private_to_igw(world):
    vpc = _vpc(world)
    vpc.subnet("public-a").add_nat_gateway("nat-a")
    table = vpc.add_route_table("private-rt")
    table.add_route("0.0.0.0/0", vpc.internet_gateway)
    table.associate(vpc.subnet("private-a"))
    table.associate(vpc.subnet("private-c"))


def _private_c_forgotten(world):
    vpc = _vpc(world)
    nat = vpc.subnet("public-a").add_nat_gateway("nat-a")
    table = vpc.add_route_table("private-rt")
    table.add_route("0.0.0.0/0", nat)
    table.associate(vpc.subnet("private-a"))


def _admin_gets_out(world):
    nat_gateway(world)
    vpc = _vpc(world)
    table = vpc.route_table("private-rt")
    table.associate(vpc.subnet("admin-a"))


def _bastion_sg(world, source="203.0.113.0/24", port=22):
    group = _vpc(world).add_security_group("bastion-sg")
    group.allow_inbound("tcp", port, source)
    return group


def _bastion_in_private(world):
    _vpc(world).subnet("private-a").launch("bastion", security_groups=[_bastion_sg(world)])


def _bastion_without_public_ip(world):
    _vpc(world).subnet("public-a").launch("bastion", security_groups=[_bastion_sg(world)], public_ip=False)


def _bastion_open_to_world(world):
    _vpc(world).subnet("public-a").launch("bastion", security_groups=[_bastion_sg(world, "0.0.0.0/0")],
                                          public_ip=True)


def _bastion_default_group(world):
    _vpc(world).subnet("public-a").launch("bastion", public_ip=True)


def _bastion_wrong_port(world):
    _vpc(world).subnet("public-a").launch("bastion", security_groups=[_bastion_sg(world, port=2222)],
                                          public_ip=True)


def _bastion_web_too(world):
    group = _bastion_sg(world)
    group.allow_inbound("tcp", 80, "203.0.113.0/24")
    _vpc(world).subnet("public-a").launch("bastion", security_groups=[group], public_ip=True)


def _app_sg(world, source=None):
    vpc = _vpc(world)
    group = vpc.add_security_group("app-sg")
    if source != "none":
        group.allow_inbound("tcp", 22, source or vpc.security_group("bastion-sg"))
    return group


def _app_in_public(world):
    _vpc(world).subnet("public-a").launch("app", security_groups=[_app_sg(world)], public_ip=False)


def _app_with_public_ip(world):
    _vpc(world).subnet("private-a").launch("app", security_groups=[_app_sg(world)], public_ip=True)


def _app_open_to_vpc(world):
    _vpc(world).subnet("private-a").launch("app", security_groups=[_app_sg(world, "10.0.0.0/16")])


def _app_no_rule(world):
    _vpc(world).subnet("private-a").launch("app", security_groups=[_app_sg(world, "none")])


def _acl(world, inbound=(("tcp", 22),), replies=True, blocks=PUBLIC_BLOCKS, associate=("admin-a", "admin-c")):
    vpc = _vpc(world)
    acl = vpc.add_network_acl("admin-acl")
    number = 100
    for block in blocks:
        for protocol, ports in inbound:
            acl.allow_inbound(number, protocol, ports, block)
            if replies:
                acl.allow_outbound(number, "tcp", (1024, 65535), block)
            number += 10
    for name in associate:
        acl.associate(vpc.subnet(name))
    return acl


MISTAKES = {
    "subnets": [
        Mistake("the VPC has another name", _wrong_vpc_name, "(the model has: main)"),
        Mistake("a VPC without subnets", _vpc_only, "still needs these subnets: public-a, public-c"),
        Mistake("every subnet in one AZ", _one_az, "public-c is in ap-northeast-2a"),
    ],
    "internet-gateway": [
        Mistake("no internet gateway", _no_igw, "has no internet gateway"),
        Mistake("the route in the main table", _igw_in_main_table, "private-a is public: the main route table"),
        Mistake("public-c not associated", _public_c_forgotten, "public-c still uses the main route table"),
    ],
    "nat-gateway": [
        Mistake("no NAT gateway", _no_nat, "There is no NAT gateway yet"),
        Mistake("the NAT gateway in a private subnet", _nat_in_private, "is in private-a, which has no route"),
        Mistake("private subnets routed to the internet gateway", _private_to_igw,
                "sends 0.0.0.0/0 to the internet gateway, but its instances have no public IP"),
        Mistake("private-c not associated", _private_c_forgotten, "private-c has no way out"),
        Mistake("the admin subnet routed through the NAT gateway", _admin_gets_out, "admin-a can reach the internet"),
    ],
    "bastion": [
        Mistake("bastion in a private subnet", _bastion_in_private, "bastion is in private-a"),
        Mistake("bastion without a public IP", _bastion_without_public_ip, "bastion has no public IP"),
        Mistake("ssh open to the world", _bastion_open_to_world, "admits ssh from 0.0.0.0/0"),
        Mistake("the default security group", _bastion_default_group, "bastion uses the security group default"),
        Mistake("the wrong port", _bastion_wrong_port, "The admin office cannot open ssh to bastion"),
        Mistake("a web port as well", _bastion_web_too, "The internet can open port 80 on bastion"),
    ],
    "app": [
        Mistake("app in a public subnet", _app_in_public, "app is in public-a"),
        Mistake("app with a public IP", _app_with_public_ip, "app has a public IP"),
        Mistake("ssh from the whole VPC", _app_open_to_vpc, "Another instance in the VPC"),
        Mistake("no ssh rule", _app_no_rule, "bastion cannot open ssh to app"),
    ],
    "admin-acl": [
        Mistake("not associated", lambda w: _acl(w, associate=()), "is not associated with admin-a, admin-c"),
        Mistake("no rule for the replies", lambda w: _acl(w, replies=False), "the reply is dropped on the way back"),
        Mistake("ssh from the whole VPC", lambda w: _acl(w, blocks=("10.0.0.0/16",)), "lets the private subnets in"),
        Mistake("every port from the public subnets", lambda w: _acl(w, inbound=(("tcp", None),)),
                "lets tcp 3306 in"),
    ],
}
