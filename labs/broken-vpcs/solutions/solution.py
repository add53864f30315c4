"""Reference solution of the broken-vpcs mission (for instructors and tests).

Kept apart from the learner's notebook: ``mission.reveal(n, instructor=True)`` shows one step,
``mission.solve()`` applies them all, and ``mission.verify(BrokenVpcs.fresh)`` replays every step
and every known mistake below on fresh models (tests/test_lab_broken_vpcs.py does).

Each diagnosis is what the analyzer says about the flow in the complaint; each repair changes the
one component at fault and nothing else.
"""
from helpers.missions import Mistake


def _nat(cloud, name):
    return next(n for n in cloud.nat_gateways.values() if n.name == name)


# ---------------------------------------------------------------------------- 1. stale NAT route

def diagnose_nat(cases):
    """cases[1].analyze("orders-api", "the internet", "tcp", 443): app-rt's 0.0.0.0/0 is a blackhole."""
    cases[1].diagnose("BAD_STATE_ROUTE", "app-rt")


def repair_nat(cases):
    """Point the route at the NAT gateway that exists (the one whose Elastic IP the provider accepts)."""
    cloud = cases[1].cloud
    cloud.vpc("orders").route_table("app-rt").replace_route("0.0.0.0/0", _nat(cloud, "orders-nat-2"))


# ---------------------------------------------------------------------------- 2. no public IP

def diagnose_eip(cases):
    """cases[2].analyze("the internet", "statuspage", "tcp", 443): the internet gateway has no public IP to map."""
    cases[2].diagnose("IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS", "status-igw")


def repair_eip(cases):
    """An Elastic IP: a public address that stays when the instance stops (DNS points at it)."""
    cloud = cases[2].cloud
    cloud.allocate_address("status-eip").associate("statuspage")


# ---------------------------------------------------------------------------- 3. NACL rule order

def diagnose_acl(cases):
    """cases[3].analyze("192.0.2.15", "bastion", "tcp", 22): rule 50 (deny) comes before rule 100 (allow)."""
    cases[3].diagnose("SUBNET_ACL_RESTRICTION", "admin-acl")


def repair_acl(cases):
    """Lowest number first: the office's allow (100) must come before the deny, so renumber the deny."""
    acl = cases[3].cloud.vpc("ops").network_acl("admin-acl")
    acl.remove_entry(50, "inbound")
    acl.deny_inbound(150, "tcp", 22, "0.0.0.0/0")


# ---------------------------------------------------------------------------- 4. outbound rules too tight

def diagnose_egress(cases):
    """cases[4].analyze("web", "db", "tcp", 5432): no *outbound* rule of web-sg allows 5432."""
    cases[4].diagnose("ENI_SG_RULES_MISMATCH", "web-sg")


def repair_egress(cases):
    """One outbound rule, to the database's group only: the hardening stays."""
    vpc = cases[4].cloud.vpc("crm")
    vpc.security_group("web-sg").allow_outbound("tcp", 5432, vpc.security_group("db-sg"))


# ---------------------------------------------------------------------------- 5. transit gateway AZ

def diagnose_tgw(cases):
    """cases[5].analyze("app-server-c", "directory", "tcp", 636): app-attach has no subnet in AZ c."""
    cases[5].diagnose("TGW_ROUTE_AZ_RESTRICTION", "app-attach")


def repair_tgw(cases):
    """The model has no 'modify attachment' call: attach again with one subnet in each AZ (on AWS,
    ModifyTransitGatewayVpcAttachment --add-subnet-ids does it in place)."""
    cloud = cases[5].cloud
    app = cloud.vpc("app")
    hub = next(t for t in cloud.transit_gateways.values() if t.name == "hub")
    old = next(a for a in cloud.tgw_attachments.values() if a.name == "app-attach")
    cloud.delete(old)
    hub.attach_vpc(app, [app.subnet("app-a"), app.subnet("app-c")], name="app-attach")


SOLUTIONS = {
    "diagnose-stale-nat-route": diagnose_nat, "repair-stale-nat-route": repair_nat,
    "diagnose-no-public-ip": diagnose_eip, "repair-no-public-ip": repair_eip,
    "diagnose-nacl-rule-order": diagnose_acl, "repair-nacl-rule-order": repair_acl,
    "diagnose-sg-egress-locked": diagnose_egress, "repair-sg-egress-locked": repair_egress,
    "diagnose-tgw-missing-az": diagnose_tgw, "repair-tgw-missing-az": repair_tgw,
}


# ---------------------------------------------------------------------------- known mistakes

def _nothing(cases):
    pass


def _diagnosis(number, code, component):
    def apply(cases):
        cases[number].diagnose(code, component)
    return apply


def _nat_to_igw(cases):
    vpc = cases[1].cloud.vpc("orders")
    vpc.route_table("app-rt").replace_route("0.0.0.0/0", vpc.internet_gateway)


def _nat_new_gateway(cases):
    vpc = cases[1].cloud.vpc("orders")
    extra = vpc.subnet("public-a").add_nat_gateway("orders-nat-3")
    vpc.route_table("app-rt").replace_route("0.0.0.0/0", extra)


def _nat_route_deleted(cases):
    cases[1].cloud.vpc("orders").route_table("app-rt").delete_route("0.0.0.0/0")


def _eip_auto_assign(cases):
    cases[2].cloud.vpc("status").subnet("public-a").map_public_ip_on_launch = True


def _eip_to_mailer(cases):
    cases[2].cloud.allocate_address("status-eip").associate("mailer")


def _eip_relaunched(cases):
    cloud = cases[2].cloud
    vpc = cloud.vpc("status")
    cloud.delete(cloud.instance("statuspage"))
    vpc.subnet("public-a").launch("statuspage", security_groups=[vpc.security_group("status-sg")], public_ip=True)


def _acl(cases):
    return cases[3].cloud.vpc("ops").network_acl("admin-acl")


def _acl_deny_removed(cases):
    _acl(cases).remove_entry(50, "inbound")


def _acl_everyone(cases):
    _acl(cases).remove_entry(50, "inbound")
    cases[3].cloud.vpc("ops").security_group("bastion-sg").allow_inbound("tcp", 22, "0.0.0.0/0")


def _acl_default(cases):
    vpc = cases[3].cloud.vpc("ops")
    vpc.default_acl.associate(vpc.subnet("admin-a"))


def _sg(cases, name):
    return cases[4].cloud.vpc("crm").security_group(name)


def _egress_all(cases):
    _sg(cases, "web-sg").allow_outbound("all", None, "0.0.0.0/0")


def _egress_5432_anywhere(cases):
    _sg(cases, "web-sg").allow_outbound("tcp", 5432, "0.0.0.0/0")


def _egress_db_side(cases):
    _sg(cases, "db-sg").allow_inbound("tcp", 5432, "10.60.0.0/16")


def _egress_swapped(cases):
    web = _sg(cases, "web-sg")
    web.revoke_outbound("tcp", 443, "0.0.0.0/0")
    web.allow_outbound("tcp", 5432, _sg(cases, "db-sg"))


def _tgw_reattach(subnets):
    def apply(cases):
        cloud = cases[5].cloud
        app = cloud.vpc("app")
        hub = next(t for t in cloud.transit_gateways.values() if t.name == "hub")
        cloud.delete(next(a for a in cloud.tgw_attachments.values() if a.name == "app-attach"))
        hub.attach_vpc(app, [app.subnet(s) for s in subnets], name="app-attach")
    return apply


def _tgw_peering(cases):
    cloud = cases[5].cloud
    app, shared = cloud.vpc("app"), cloud.vpc("shared")
    link = cloud.peer(app, shared, "app-shared")
    app.main.replace_route("10.2.0.0/16", link)
    shared.main.replace_route("10.1.0.0/16", link)


MISTAKES = {
    "diagnose-stale-nat-route": [
        Mistake("nothing yet", _nothing, "no diagnosis for case 1 yet"),
        Mistake("no route", _diagnosis(1, "NO_ROUTE_TO_DESTINATION", "app-rt"), "look at its state"),
        Mistake("a made-up code", _diagnosis(1, "BLACKHOLE", "app-rt"), "not one of the analyzer's explanation codes"),
        Mistake("the group that allowed it", _diagnosis(1, "BAD_STATE_ROUTE", "api-sg"), "let the traffic through"),
        Mistake("the deleted gateway", _diagnosis(1, "BAD_STATE_ROUTE", "orders-nat"), "is not on the path"),
    ],
    "repair-stale-nat-route": [
        Mistake("nothing yet", _nothing, "still blocked, by the same fault"),
        Mistake("route to the internet gateway", _nat_to_igw, "must stay private"),
        Mistake("a third NAT gateway", _nat_new_gateway, "route it through orders-nat-2"),
        Mistake("route deleted", _nat_route_deleted, "NO_ROUTE_TO_DESTINATION at app-rt"),
    ],
    "diagnose-no-public-ip": [
        Mistake("nothing yet", _nothing, "no diagnosis for case 2 yet"),
        Mistake("the egress code", _diagnosis(2, "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS", "status-igw"),
                "traffic going *out*"),
        Mistake("blamed the security group", _diagnosis(2, "ENI_SG_RULES_MISMATCH", "status-sg"),
                "allows HTTPS from anywhere"),
        Mistake("right code, the route table", _diagnosis(2, "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS", "public-rt"),
                "is not on the path"),
    ],
    "repair-no-public-ip": [
        Mistake("nothing yet", _nothing, "still blocked, by the same fault"),
        Mistake("auto-assign turned on", _eip_auto_assign, "only affects instances launched from now on"),
        Mistake("Elastic IP on the wrong instance", _eip_to_mailer, "went to mailer"),
        Mistake("relaunched with an ordinary public IP", _eip_relaunched, "changes whenever the instance stops"),
    ],
    "diagnose-nacl-rule-order": [
        Mistake("nothing yet", _nothing, "no diagnosis for case 3 yet"),
        Mistake("blamed the security group", _diagnosis(3, "ENI_SG_RULES_MISMATCH", "bastion-sg"),
                "something stops the packet before it"),
        Mistake("right code, the route table", _diagnosis(3, "SUBNET_ACL_RESTRICTION", "admin-rt"),
                "is not on the path"),
        Mistake("right code, the gateway", _diagnosis(3, "SUBNET_ACL_RESTRICTION", "ops-igw"),
                "let the traffic through"),
    ],
    "repair-nacl-rule-order": [
        Mistake("nothing yet", _nothing, "still blocked, by the same fault"),
        Mistake("deny rule deleted", _acl_deny_removed, "Keep the deny rule"),
        Mistake("SSH opened to everyone", _acl_everyone, "everyone on the internet"),
        Mistake("subnet moved to the default ACL", _acl_default, "keep admin-acl on the subnet"),
    ],
    "diagnose-sg-egress-locked": [
        Mistake("nothing yet", _nothing, "no diagnosis for case 4 yet"),
        Mistake("blamed the network ACL", _diagnosis(4, "SUBNET_ACL_RESTRICTION", "default"),
                "the default network ACL"),
        Mistake("right code, the database's group", _diagnosis(4, "ENI_SG_RULES_MISMATCH", "db-sg"),
                "is not on the path"),
        Mistake("right code, the instance", _diagnosis(4, "ENI_SG_RULES_MISMATCH", "web"), "let the traffic through"),
    ],
    "repair-sg-egress-locked": [
        Mistake("nothing yet", _nothing, "still blocked, by the same fault"),
        Mistake("all traffic out again", _egress_all, "what the hardening ticket closed"),
        Mistake("5432 out to anywhere", _egress_5432_anywhere, "what the hardening ticket closed"),
        Mistake("rule added on the database's side", _egress_db_side, "on its way *out* of web"),
        Mistake("443 swapped for 5432", _egress_swapped, "keep the outbound rule for tcp 443"),
    ],
    "diagnose-tgw-missing-az": [
        Mistake("nothing yet", _nothing, "no diagnosis for case 5 yet"),
        Mistake("no route", _diagnosis(5, "NO_ROUTE_TO_DESTINATION", "main"), "look at what happens next"),
        Mistake("right code, the route table", _diagnosis(5, "TGW_ROUTE_AZ_RESTRICTION", "main"),
                "let the traffic through"),
        Mistake("right code, the hub", _diagnosis(5, "TGW_ROUTE_AZ_RESTRICTION", "hub"), "is not on the path"),
    ],
    "repair-tgw-missing-az": [
        Mistake("nothing yet", _nothing, "still blocked, by the same fault"),
        Mistake("attached with AZ c only", _tgw_reattach(["app-c"]), "app-server-a is cut off"),
        Mistake("peering around the hub", _tgw_peering, "not through the hub"),
    ],
}
