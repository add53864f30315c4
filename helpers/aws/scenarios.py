"""Five broken VPCs to diagnose with the analyzer and fix, each with a judge for the fix.

    s = SCENARIOS["missing-igw-route"]
    cloud = s.build()                 # a fresh broken model
    cloud.analyze(*s.question)        # what the learner investigates
    s.judge(cloud)                    # 'fixed', or the name of what is still wrong

Each judge re-runs the analyzer on the learner's model and then checks that the fix did not
break something else (made a private subnet public, opened a port to the world, dropped the
subnet's own ACL), because "it works now" is not the same as "it is right".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from helpers.aws.analyzer import analyze
from helpers.aws.model import Cloud
from helpers.aws.rules import Packet, evaluate_acl, evaluate_security_groups

__all__ = ["Scenario", "SCENARIOS"]


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    story: str
    build: Callable[[], Cloud]
    question: tuple                  # (source, destination, protocol, port)
    code: str                        # the explanation code the analyzer gives
    fix: Callable[[Cloud], None]     # a correct repair (for tests and for instructors)
    judge: Callable[[Cloud], str]    # 'fixed' or a short name of what is wrong
    verdicts: dict                   # judge result -> one-sentence hint

    def fixed(self) -> Cloud:
        cloud = self.build()
        self.fix(cloud)
        return cloud


def _result(cloud: Cloud, question: tuple):
    return analyze(cloud, *question)


# ---------------------------------------------------------------------------- 1. missing IGW route

def _igw_build() -> Cloud:
    cloud = Cloud()
    vpc = cloud.add_vpc("shop", "10.0.0.0/16")
    public = vpc.add_subnet("public-a", "10.0.1.0/24", "a", public_ip_on_launch=True)
    private = vpc.add_subnet("private-a", "10.0.11.0/24", "a")
    vpc.add_internet_gateway("shop-igw")
    web_sg = vpc.add_security_group("web-sg", "HTTP from anywhere")
    web_sg.allow_inbound("tcp", 80, "0.0.0.0/0")
    db_sg = vpc.add_security_group("db-sg", "PostgreSQL from the web tier")
    db_sg.allow_inbound("tcp", 5432, web_sg)
    public.launch("web", security_groups=[web_sg])
    private.launch("db", security_groups=[db_sg])
    return cloud


def _igw_fix(cloud: Cloud) -> None:
    vpc = cloud.vpc("shop")
    table = vpc.add_route_table("public-rt")
    table.add_route("0.0.0.0/0", vpc.internet_gateway)
    table.associate(vpc.subnet("public-a"))


_IGW_QUESTION = ("the internet", "web", "tcp", 80)


def _igw_judge(cloud: Cloud) -> str:
    if not _result(cloud, _IGW_QUESTION).reachable:
        return "still-blocked"
    if cloud.vpc("shop").subnet("private-a").is_public:
        return "private-exposed"
    return "fixed"


# ---------------------------------------------------------------------------- 2. NACL without ephemeral ports

def _acl_build() -> Cloud:
    cloud = Cloud()
    vpc = cloud.add_vpc("blog", "10.20.0.0/16")
    public = vpc.add_subnet("public-a", "10.20.1.0/24", "a", public_ip_on_launch=True)
    igw = vpc.add_internet_gateway("blog-igw")
    vpc.main.add_route("0.0.0.0/0", igw)
    acl = vpc.add_network_acl("web-acl")
    acl.allow_inbound(100, "tcp", 443, "0.0.0.0/0")
    acl.allow_outbound(100, "tcp", 443, "0.0.0.0/0")
    acl.associate(public)
    web_sg = vpc.add_security_group("web-sg", "HTTPS from anywhere")
    web_sg.allow_inbound("tcp", 443, "0.0.0.0/0")
    public.launch("blog", security_groups=[web_sg])
    return cloud


def _acl_fix(cloud: Cloud) -> None:
    cloud.vpc("blog").network_acl("web-acl").allow_outbound(110, "tcp", "1024-65535", "0.0.0.0/0")


_ACL_QUESTION = ("the internet", "blog", "tcp", 443)


def _acl_judge(cloud: Cloud) -> str:
    vpc = cloud.vpc("blog")
    if vpc.subnet("public-a").acl.name != "web-acl":
        return "acl-replaced"
    result = _result(cloud, _ACL_QUESTION)
    if result.reachable:
        return "fixed"
    if result.code == "SUBNET_ACL_RESTRICTION" and result.blocked_on == "return":
        reply = Packet("tcp", "10.20.1.4", "203.0.113.10", (443, 443), (1024, 65535))
        verdict = evaluate_acl(vpc.network_acl("web-acl").entries, True, reply)
        if verdict.allowed_pieces:
            return "partial-range"
    return "still-blocked"


# ---------------------------------------------------------------------------- 3. SG referencing the wrong group

def _sg_build() -> Cloud:
    cloud = Cloud()
    vpc = cloud.add_vpc("shop", "10.0.0.0/16")
    public = vpc.add_subnet("public-a", "10.0.1.0/24", "a", public_ip_on_launch=True)
    private = vpc.add_subnet("private-a", "10.0.11.0/24", "a")
    igw = vpc.add_internet_gateway("shop-igw")
    table = vpc.add_route_table("public-rt")
    table.add_route("0.0.0.0/0", igw)
    table.associate(public)
    web_sg = vpc.add_security_group("web-sg", "HTTP from anywhere")
    web_sg.allow_inbound("tcp", 80, "0.0.0.0/0")
    app_sg = vpc.add_security_group("app-sg", "the API, for the web tier")
    db_sg = vpc.add_security_group("db-sg", "the database tier")
    app_sg.allow_inbound("tcp", 8080, db_sg)          # the mistake: should be web-sg
    db_sg.allow_inbound("tcp", 5432, app_sg)
    public.launch("web", security_groups=[web_sg])
    private.launch("api", security_groups=[app_sg])
    private.launch("db", security_groups=[db_sg])
    return cloud


def _sg_fix(cloud: Cloud) -> None:
    vpc = cloud.vpc("shop")
    app_sg = vpc.security_group("app-sg")
    app_sg.revoke_inbound("tcp", 8080, vpc.security_group("db-sg"))
    app_sg.allow_inbound("tcp", 8080, vpc.security_group("web-sg"))


_SG_QUESTION = ("web", "api", "tcp", 8080)


def _sg_judge(cloud: Cloud) -> str:
    vpc = cloud.vpc("shop")
    web, api = cloud.instance("web"), cloud.instance("api")
    if set(web.eni.security_groups) != {vpc.security_group("web-sg").id}:
        return "web-groups-changed"
    if not _result(cloud, _SG_QUESTION).reachable:
        return "still-blocked"
    packet = Packet("tcp", web.private_ip, api.private_ip, (32768, 60999), (8080, 8080))
    verdict = evaluate_security_groups(api.security_groups, True, packet, web.eni.security_groups)
    if verdict.rule.group == vpc.security_group("web-sg").id:
        return "fixed"
    return "too-open" if verdict.rule.cidr == "0.0.0.0/0" else "cidr-instead"


# ---------------------------------------------------------------------------- 4. NAT gateway in a private subnet

def _nat_build() -> Cloud:
    cloud = Cloud()
    vpc = cloud.add_vpc("shop", "10.0.0.0/16")
    public = vpc.add_subnet("public-a", "10.0.1.0/24", "a", public_ip_on_launch=True)
    app = vpc.add_subnet("app-a", "10.0.11.0/24", "a")
    data = vpc.add_subnet("data-a", "10.0.21.0/24", "a")
    igw = vpc.add_internet_gateway("shop-igw")
    public_rt = vpc.add_route_table("public-rt")
    public_rt.add_route("0.0.0.0/0", igw)
    public_rt.associate(public)
    data_rt = vpc.add_route_table("data-rt")
    data_rt.associate(data)
    nat = data.add_nat_gateway("shop-nat")              # the mistake: a private subnet
    app_rt = vpc.add_route_table("app-rt")
    app_rt.add_route("0.0.0.0/0", nat)
    app_rt.associate(app)
    app_sg = vpc.add_security_group("app-sg", "the API")
    app.launch("api", security_groups=[app_sg])
    return cloud


def _nat_fix(cloud: Cloud) -> None:
    vpc = cloud.vpc("shop")
    old = next(n for n in cloud.nat_gateways.values() if n.name == "shop-nat")
    cloud.delete(old)
    new = vpc.subnet("public-a").add_nat_gateway("shop-nat-public")
    vpc.route_table("app-rt").replace_route("0.0.0.0/0", new)


_NAT_QUESTION = ("api", "the internet", "tcp", 443)


def _nat_judge(cloud: Cloud) -> str:
    vpc = cloud.vpc("shop")
    if vpc.subnet("app-a").is_public or cloud.instance("api").public_ip:
        return "api-public"
    if not _result(cloud, _NAT_QUESTION).reachable:
        return "still-blocked"
    if vpc.subnet("data-a").is_public:
        return "data-public"
    return "fixed"


# ---------------------------------------------------------------------------- 5. transitive peering

def _peer_build() -> Cloud:
    cloud = Cloud()
    app = cloud.add_vpc("app", "10.1.0.0/16")
    shared = cloud.add_vpc("shared", "10.2.0.0/16")
    logs = cloud.add_vpc("logs", "10.3.0.0/16")
    for vpc, number in ((app, 1), (shared, 2), (logs, 3)):
        vpc.add_subnet(f"{vpc.name}-a", f"10.{number}.1.0/24", "a")
    app_shared = cloud.peer(app, shared, "app-shared")
    shared_logs = cloud.peer(shared, logs, "shared-logs")
    app.main.add_route("10.2.0.0/16", app_shared)
    app.main.add_route("10.3.0.0/16", app_shared)        # the assumption: shared will pass it on
    shared.main.add_route("10.1.0.0/16", app_shared)
    shared.main.add_route("10.3.0.0/16", shared_logs)
    logs.main.add_route("10.2.0.0/16", shared_logs)
    logs.main.add_route("10.1.0.0/16", shared_logs)
    app_sg = app.add_security_group("app-sg", "application servers")
    log_sg = logs.add_security_group("log-sg", "log collector: HTTPS from the app VPC")
    log_sg.allow_inbound("tcp", 443, "10.1.0.0/16")
    app.subnet("app-a").launch("app-server", security_groups=[app_sg])
    logs.subnet("logs-a").launch("log-server", security_groups=[log_sg])
    return cloud


def _peer_fix(cloud: Cloud) -> None:
    app, logs = cloud.vpc("app"), cloud.vpc("logs")
    direct = cloud.peer(app, logs, "app-logs")
    app.main.replace_route("10.3.0.0/16", direct)
    logs.main.replace_route("10.1.0.0/16", direct)


_PEER_QUESTION = ("app-server", "log-server", "tcp", 443)


def _peer_judge(cloud: Cloud) -> str:
    result = _result(cloud, _PEER_QUESTION)
    if result.reachable:
        return "fixed"
    if result.blocked_on == "return" and result.code in ("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", "NO_ROUTE_TO_DESTINATION"):
        return "no-return-route"
    if result.code == "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR":
        return "still-transitive"
    return "still-blocked"


# ---------------------------------------------------------------------------- the set

SCENARIOS = {s.key: s for s in (
    Scenario(
        "missing-igw-route", "The web server nobody can load",
        "A VPC with an internet gateway attached, a public subnet that hands out public IPs, and a web "
        "server whose security group allows HTTP from anywhere. Yet the site never loads.",
        _igw_build, _IGW_QUESTION, "NO_ROUTE_TO_DESTINATION", _igw_fix, _igw_judge, {
            "still-blocked": "The site still does not load: the route table that public-a uses needs a route "
                             "0.0.0.0/0 → the internet gateway (the reply has to get out).",
            "private-exposed": "It loads, but the route is in the main table, which private-a uses too: the "
                               "database subnet is now public. Give public-a a custom route table instead.",
        }),
    Scenario(
        "nacl-no-ephemeral", "HTTPS that times out",
        "A blog behind a network ACL that looks symmetric: TCP 443 allowed in and TCP 443 allowed out. "
        "Browsers connect, and then wait forever.",
        _acl_build, _ACL_QUESTION, "SUBNET_ACL_RESTRICTION", _acl_fix, _acl_judge, {
            "still-blocked": "Still blocked on the way back: the reply goes to the browser's ephemeral port, so "
                             "web-acl needs an outbound rule for tcp 1024-65535.",
            "partial-range": "Closer: some replies get out now, but a browser on the internet may use any port from "
                             "1024 to 65535; allow that whole range outbound.",
            "acl-replaced": "It works because public-a now uses another ACL; keep web-acl on the subnet and add the "
                            "rule for the replies to it.",
        }),
    Scenario(
        "sg-wrong-reference", "The API that only the database may call",
        "Three tiers chained by security group references: web → api on 8080, api → db on 5432. "
        "The web tier cannot reach the API.",
        _sg_build, _SG_QUESTION, "ENI_SG_RULES_MISMATCH", _sg_fix, _sg_judge, {
            "still-blocked": "The API still refuses the web tier: app-sg's rule for 8080 must reference the web "
                             "tier's group, web-sg.",
            "too-open": "It works, but 8080 is now open to the whole internet's worth of addresses; reference web-sg "
                        "instead of 0.0.0.0/0.",
            "cidr-instead": "It works with a CIDR rule, but a reference to web-sg follows the web servers wherever "
                            "they are launched; use the group instead.",
            "web-groups-changed": "Leave the web instance's groups alone (putting it in db-sg would let it wherever "
                                  "the database tier may go); fix app-sg's rule.",
        }),
    Scenario(
        "nat-in-private-subnet", "The API that cannot download updates",
        "The private API servers route 0.0.0.0/0 to a NAT gateway, and the NAT gateway has an Elastic IP. "
        "Still, nothing reaches the internet.",
        _nat_build, _NAT_QUESTION, "NO_ROUTE_TO_DESTINATION", _nat_fix, _nat_judge, {
            "still-blocked": "Still blocked: the NAT gateway sends its traffic by its own subnet's route table, and "
                             "data-a has no route to the internet gateway. Create a NAT gateway in public-a and "
                             "point app-rt at it.",
            "data-public": "It works, but data-a now routes to the internet gateway, so the data subnet is public. "
                           "Put the NAT gateway in public-a instead.",
            "api-public": "The API servers must stay private (no public IP, no route to the internet gateway); "
                          "fix the NAT gateway's placement instead.",
        }),
    Scenario(
        "transitive-peering", "Logs that never arrive",
        "app is peered with shared, and shared with logs. app routes the logs VPC's block through its peering "
        "with shared, trusting shared to pass the traffic on.",
        _peer_build, _PEER_QUESTION, "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", _peer_fix, _peer_judge, {
            "still-transitive": "Still going through shared: peering is not transitive. Peer app and logs directly "
                                "(or use a transit gateway) and route over that.",
            "no-return-route": "The request gets there now, but the reply does not: logs must route 10.1.0.0/16 "
                               "over the new connection too (it still points at shared).",
            "still-blocked": "Something else blocks it now; run the analyzer on your model and read the code.",
        }),
)}
