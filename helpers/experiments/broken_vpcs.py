"""The broken-vpcs mission (labs/broken-vpcs): five more broken VPCs, diagnosed and fixed.

Lesson 09 troubleshoots five VPCs (a missing internet-gateway route, a network ACL without the
ephemeral ports, a security group that references the wrong group, a NAT gateway in a private
subnet, transitive peering) and hands the learner the question to ask. This mission goes further,
with five different faults:

1. ``stale-nat-route``: a route still pointing at a NAT gateway that was replaced (a blackhole);
2. ``no-public-ip``: a server in a public subnet launched without a public address;
3. ``nacl-rule-order``: a network ACL whose deny rule is numbered before the allow it shadows;
4. ``sg-egress-locked``: a security group whose *outbound* rules were tightened too far;
5. ``tgw-missing-az``: a transit gateway attachment with no subnet in one of the AZs.

Each case comes as a complaint, not as an analyzer question: the learner turns it into
``case.analyze(source, destination, protocol, port)``, names the explanation code and the
component that stops the traffic (``case.diagnose(code, blocked_at)``), then repairs
``case.cloud``. The repair is judged against the case's *requirements*, a table of flows that must
get through and flows that must stay blocked, and against the known wrong repairs (a private
subnet made public, a port opened to the world, the guard rule deleted, the hub bypassed), each
with its own hint.

    cases = BrokenVpcs.fresh()
    case = cases[1]
    case                                  # the story and the requirements
    case.analyze("orders-api", "the internet", "tcp", 443)
    case.diagnose("BAD_STATE_ROUTE", "app-rt")
    ... repair case.cloud ...
    case.requirements()                   # which flows pass now
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from helpers.aws import EXPLANATION_CODES, Cloud, analyze
from helpers.aws.rules import Packet, evaluate_acl, evaluate_security_groups
from helpers.display import Box
from helpers.errors import InputError
from helpers.missions import Mission, Step, not_yet, passed

SOLUTIONS_FILE = Path("labs/broken-vpcs/solutions/solution.py")
OFFICE = "192.0.2.15"            # an admin's office address (a documentation range)
SOMEONE = "203.0.113.10"         # anyone else on the internet (the analyzer's "the internet")


@dataclass(frozen=True)
class Requirement:
    """A flow that must get through (reachable=True) or must stay blocked."""

    source: str
    destination: str
    protocol: str
    port: int | None
    reachable: bool
    why: str

    def text(self) -> str:
        traffic = self.protocol if self.port is None else f"{self.protocol} {self.port}"
        return f"{self.source} → {self.destination} ({traffic})"


@dataclass(frozen=True)
class Case:
    """One broken VPC: how to build it, what is wrong, what the repair must achieve."""

    key: str
    title: str
    story: str
    build: Callable[[], Cloud]
    question: tuple                   # the analyzer question that shows the fault
    code: str                         # the explanation code it answers with
    blocked_at: str                   # the name of the component that stops the traffic
    requirements: tuple[Requirement, ...]
    judge: Callable[[Cloud], str | None]   # a known wrong repair's verdict, or None
    verdicts: dict[str, str]


# ---------------------------------------------------------------------------- 1. stale NAT route

def _nat_build() -> Cloud:
    cloud = Cloud()
    vpc = cloud.add_vpc("orders", "10.40.0.0/16")
    public = vpc.add_subnet("public-a", "10.40.1.0/24", "a", public_ip_on_launch=True)
    app = vpc.add_subnet("app-a", "10.40.11.0/24", "a")
    igw = vpc.add_internet_gateway("orders-igw")
    public_rt = vpc.add_route_table("public-rt")
    public_rt.add_route("0.0.0.0/0", igw)
    public_rt.associate(public)
    old = public.add_nat_gateway("orders-nat")
    app_rt = vpc.add_route_table("app-rt")
    app_rt.add_route("0.0.0.0/0", old)
    app_rt.associate(app)
    cloud.delete(old)                                  # replaced last night ...
    public.add_nat_gateway("orders-nat-2")             # ... by this one, whose Elastic IP the partner allows
    api_sg = vpc.add_security_group("api-sg", "the order API")
    app.launch("orders-api", security_groups=[api_sg])
    return cloud


def _nat_judge(cloud: Cloud) -> str | None:
    vpc = cloud.vpc("orders")
    app = vpc.subnet("app-a")
    if app.is_public or cloud.instance("orders-api").public_ip:
        return "made-public"
    route = app.effective_route_table.lookup("198.51.100.200")
    new = next((n for n in cloud.nat_gateways.values() if n.name == "orders-nat-2"), None)
    if route is not None and route.target.startswith("nat-") and new is not None and route.target != new.id:
        if route.target in cloud.nat_gateways:
            return "other-nat"
    return None


# ---------------------------------------------------------------------------- 2. no public IP

def _eip_build() -> Cloud:
    cloud = Cloud()
    vpc = cloud.add_vpc("status", "10.30.0.0/16")
    public = vpc.add_subnet("public-a", "10.30.1.0/24", "a")          # does not hand out public IPs
    igw = vpc.add_internet_gateway("status-igw")
    table = vpc.add_route_table("public-rt")
    table.add_route("0.0.0.0/0", igw)
    table.associate(public)
    web_sg = vpc.add_security_group("status-sg", "HTTPS from anywhere")
    web_sg.allow_inbound("tcp", 443, "0.0.0.0/0")
    mail_sg = vpc.add_security_group("mail-sg", "SMTP from anywhere")
    mail_sg.allow_inbound("tcp", 25, "0.0.0.0/0")
    public.launch("mailer", security_groups=[mail_sg], public_ip=True)
    public.launch("statuspage", security_groups=[web_sg])
    return cloud


def _eip_judge(cloud: Cloud) -> str | None:
    page = cloud.instance("statuspage")
    mailer = cloud.instance("mailer")
    if page.public_ip is None:
        if mailer.eni.elastic_ip:
            return "wrong-instance"
        if cloud.vpc("status").subnet("public-a").map_public_ip_on_launch:
            return "auto-assign-later"
        return None
    if page.eni.elastic_ip is None:
        return "not-elastic"
    return None


# ---------------------------------------------------------------------------- 3. NACL rule order

def _acl_build() -> Cloud:
    cloud = Cloud()
    vpc = cloud.add_vpc("ops", "10.50.0.0/16")
    admin = vpc.add_subnet("admin-a", "10.50.0.0/28", "a")
    igw = vpc.add_internet_gateway("ops-igw")
    table = vpc.add_route_table("admin-rt")
    table.add_route("0.0.0.0/0", igw)
    table.associate(admin)
    acl = vpc.add_network_acl("admin-acl")
    acl.deny_inbound(50, "tcp", 22, "0.0.0.0/0")          # added yesterday "to stop the SSH scanners"
    acl.allow_inbound(100, "tcp", 22, "192.0.2.0/24")      # the office
    acl.allow_inbound(200, "all", None, "0.0.0.0/0")       # everything else: the security groups decide
    acl.allow_outbound(100, "all", None, "0.0.0.0/0")
    acl.associate(admin)
    bastion_sg = vpc.add_security_group("bastion-sg", "SSH from the office")
    bastion_sg.allow_inbound("tcp", 22, "192.0.2.0/24")
    admin.launch("bastion", security_groups=[bastion_sg], public_ip=True)
    return cloud


def _acl_judge(cloud: Cloud) -> str | None:
    vpc = cloud.vpc("ops")
    subnet = vpc.subnet("admin-a")
    if subnet.acl.name != "admin-acl":
        return "acl-replaced"
    bastion = cloud.instance("bastion")
    stranger = Packet("tcp", SOMEONE, bastion.private_ip, (1024, 65535), (22, 22))
    verdict = evaluate_acl(subnet.acl.entries, False, stranger)
    if verdict.allowed or verdict.allowed_pieces:
        if analyze(cloud, "the internet", "bastion", "tcp", 22).reachable:
            return "open-to-all"
        return "guard-removed"
    return None


# ---------------------------------------------------------------------------- 4. outbound rules too tight

def _egress_build() -> Cloud:
    cloud = Cloud()
    vpc = cloud.add_vpc("crm", "10.60.0.0/16")
    public = vpc.add_subnet("public-a", "10.60.1.0/24", "a", public_ip_on_launch=True)
    private = vpc.add_subnet("db-a", "10.60.21.0/24", "a")
    igw = vpc.add_internet_gateway("crm-igw")
    table = vpc.add_route_table("public-rt")
    table.add_route("0.0.0.0/0", igw)
    table.associate(public)
    web_sg = vpc.add_security_group("web-sg", "the CRM's web servers")
    web_sg.allow_inbound("tcp", 443, "0.0.0.0/0")
    web_sg.revoke_outbound("all", None, "0.0.0.0/0")     # the hardening ticket: HTTPS out only
    web_sg.allow_outbound("tcp", 443, "0.0.0.0/0")
    db_sg = vpc.add_security_group("db-sg", "PostgreSQL for the web tier")
    db_sg.allow_inbound("tcp", 5432, web_sg)
    public.launch("web", security_groups=[web_sg])
    private.launch("db", security_groups=[db_sg])
    return cloud


def _egress_judge(cloud: Cloud) -> str | None:
    vpc = cloud.vpc("crm")
    web = cloud.instance("web")
    web_sg = vpc.security_group("web-sg")
    if set(web.eni.security_groups) != {web_sg.id}:
        return "groups-changed"
    anywhere = Packet("tcp", web.private_ip, SOMEONE, (32768, 60999), (5432, 5432))
    if evaluate_security_groups([web_sg], False, anywhere).allowed:
        return "egress-wide-open"
    if not analyze(cloud, "web", "the internet", "tcp", 443).reachable:
        return "https-removed"
    if not analyze(cloud, "web", "db", "tcp", 5432).reachable:
        added = [r for r in vpc.security_group("db-sg").inbound if r.ports == (5432, 5432) and r.cidr]
        if added:
            return "wrong-side"
    return None


# ---------------------------------------------------------------------------- 5. transit gateway AZ

def _tgw_build() -> Cloud:
    cloud = Cloud()
    app = cloud.add_vpc("app", "10.1.0.0/16")
    shared = cloud.add_vpc("shared", "10.2.0.0/16")
    app_a = app.add_subnet("app-a", "10.1.1.0/24", "a")
    app_c = app.add_subnet("app-c", "10.1.3.0/24", "c")
    directory_a = shared.add_subnet("directory-a", "10.2.1.0/24", "a")
    hub = cloud.add_transit_gateway("hub")
    hub.attach_vpc(app, [app_a], name="app-attach")          # made when the app ran in AZ a only
    hub.attach_vpc(shared, [directory_a], name="shared-attach")
    app.main.add_route("10.2.0.0/16", hub)
    shared.main.add_route("10.1.0.0/16", hub)
    app_sg = app.add_security_group("app-sg", "application servers")
    ldap_sg = shared.add_security_group("ldap-sg", "LDAPS for the app VPC")
    ldap_sg.allow_inbound("tcp", 636, "10.1.0.0/16")
    app_a.launch("app-server-a", security_groups=[app_sg])
    app_c.launch("app-server-c", security_groups=[app_sg])
    directory_a.launch("directory", security_groups=[ldap_sg])
    return cloud


def _tgw_judge(cloud: Cloud) -> str | None:
    result = analyze(cloud, "app-server-c", "directory", "tcp", 636)
    if result.reachable and not any(h.kind.startswith("transit gateway") for h in result.hops):
        return "hub-bypassed"
    if not analyze(cloud, "app-server-a", "directory", "tcp", 636).reachable and result.reachable:
        return "az-a-cut-off"
    return None


# ---------------------------------------------------------------------------- the five

CASES = (
    Case("stale-nat-route", "Payments that stopped last night",
         "Last night the NAT gateway of the orders VPC was replaced by a new one, orders-nat-2, because the "
         "payment provider only accepts calls from its Elastic IP. Since then the order API (orders-api, in the "
         "private subnet app-a) cannot reach the payment API on the internet over HTTPS.",
         _nat_build, ("orders-api", "the internet", "tcp", 443), "BAD_STATE_ROUTE", "app-rt",
         (Requirement("orders-api", "the internet", "tcp", 443, True, "the order API calls the payment provider"),
          Requirement("the internet", "orders-api", "tcp", 443, False, "the order API stays private")),
         _nat_judge, {
             "made-public": "The API must stay private: no public IP, no route from app-a to the internet "
                            "gateway. Its traffic goes out through a NAT gateway.",
             "other-nat": "app-a now goes out through another NAT gateway, whose Elastic IP the payment provider "
                          "does not accept; route it through orders-nat-2.",
         }),
    Case("no-public-ip", "The status page nobody can open",
         "The company's status page (statuspage) runs in public-a, whose route table sends 0.0.0.0/0 to the "
         "internet gateway, and its security group allows HTTPS from anywhere. Still, browsers cannot open it. Its "
         "address goes into DNS, so it must not change when the instance is stopped for maintenance.",
         _eip_build, ("the internet", "statuspage", "tcp", 443), "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
         "status-igw",
         (Requirement("the internet", "statuspage", "tcp", 443, True, "anyone can open the status page"),
          Requirement("the internet", "statuspage", "tcp", 22, False, "SSH stays closed"),
          Requirement("the internet", "mailer", "tcp", 25, True, "the mail server keeps working")),
         _eip_judge, {
             "auto-assign-later": "Auto-assigning public IPs on public-a only affects instances launched from now "
                                  "on; statuspage still has none. Give it an Elastic IP.",
             "wrong-instance": "The Elastic IP went to mailer, which had a public IP already; associate one with "
                               "statuspage.",
             "not-elastic": "statuspage answers now, but through an ordinary public IP, which changes whenever the "
                            "instance stops; DNS needs an address that stays: an Elastic IP.",
         }),
    Case("nacl-rule-order", "The bastion that locked out its admins",
         "Yesterday someone added a rule to admin-acl 'to stop the SSH scanners'. Since then the admins cannot "
         "SSH from the office (192.0.2.0/24, e.g. 192.0.2.15) to the bastion, although admin-acl allows SSH from "
         "the office and so does bastion-sg. The scanners must stay out.",
         _acl_build, (OFFICE, "bastion", "tcp", 22), "SUBNET_ACL_RESTRICTION", "admin-acl",
         (Requirement(OFFICE, "bastion", "tcp", 22, True, "admins SSH from the office"),
          Requirement("the internet", "bastion", "tcp", 22, False, "nobody else reaches SSH")),
         _acl_judge, {
             "guard-removed": "The office gets in now, but admin-acl no longer denies SSH from the rest of the "
                              "internet: only the security group stands guard. Keep the deny rule, numbered after "
                              "the office's allow (e.g. 150).",
             "open-to-all": "Now everyone on the internet reaches the bastion's SSH; allow the office only, and keep "
                            "the deny for the rest after it.",
             "acl-replaced": "admin-a now uses another network ACL; keep admin-acl on the subnet and fix the order "
                             "of its rules.",
         }),
    Case("sg-egress-locked", "The CRM that lost its database",
         "A hardening ticket tightened web-sg: instead of 'all traffic out', the web servers may only call HTTPS "
         "APIs on the internet (tcp 443 out). Since then the CRM (web) cannot reach its PostgreSQL database (db, "
         "port 5432), whose db-sg allows 5432 from web-sg.",
         _egress_build, ("web", "db", "tcp", 5432), "ENI_SG_RULES_MISMATCH", "web-sg",
         (Requirement("web", "db", "tcp", 5432, True, "the CRM reads its database"),
          Requirement("web", "the internet", "tcp", 443, True, "the CRM still calls HTTPS APIs"),
          Requirement("the internet", "web", "tcp", 443, True, "users reach the CRM"),
          Requirement("the internet", "db", "tcp", 5432, False, "the database stays private")),
         _egress_judge, {
             "egress-wide-open": "The database is reachable, but web-sg now lets the web servers open port 5432 "
                                 "(or everything) towards any address, which is what the hardening ticket closed. "
                                 "Allow 5432 out to db-sg only.",
             "https-removed": "The web servers can no longer call HTTPS APIs on the internet; keep the outbound "
                              "rule for tcp 443.",
             "wrong-side": "db-sg already lets the web tier in; the traffic is stopped on its way *out* of web, by "
                           "web-sg's outbound rules. Add the outbound rule there.",
             "groups-changed": "Leave the web instance's security groups as they are; fix web-sg's outbound rules.",
         }),
    Case("tgw-missing-az", "The app servers of AZ c that cannot log in",
         "The app VPC reaches the directory server in the shared VPC through the transit gateway hub, as every "
         "inter-VPC flow must (the hub logs and inspects them). Since the app also runs in AZ c, app-server-c "
         "cannot reach the directory (LDAPS, tcp 636), while app-server-a can.",
         _tgw_build, ("app-server-c", "directory", "tcp", 636), "TGW_ROUTE_AZ_RESTRICTION", "app-attach",
         (Requirement("app-server-a", "directory", "tcp", 636, True, "AZ a logs in"),
          Requirement("app-server-c", "directory", "tcp", 636, True, "AZ c logs in"),
          Requirement("the internet", "directory", "tcp", 636, False, "the directory stays private")),
         _tgw_judge, {
             "hub-bypassed": "app-server-c gets through, but not through the hub: every inter-VPC flow must cross "
                             "the transit gateway. Give the attachment a subnet in AZ c instead.",
             "az-a-cut-off": "Now app-server-a is cut off: the attachment needs one subnet in *every* AZ whose "
                             "instances use the hub (a and c).",
         }),
)


# ---------------------------------------------------------------------------- the learner's workspace

def _shown(result) -> str:
    # Only whether it passes: what blocks it is for the learner to find with case.analyze(...).
    return "✅ passes" if result.reachable else "❌ blocked"


def _component_name(result) -> str:
    hop = result.blocked_at
    if hop is None:
        return "-"
    return hop.component.split(" (")[0]


class RequirementTable:
    def __init__(self, case_title: str, rows: list[tuple[Requirement, Any]]):
        self.title = case_title
        self.rows = rows

    @property
    def met(self) -> bool:
        return all(r.reachable == result.reachable for r, result in self.rows)

    def lines(self) -> list[tuple[str, str, str, str]]:
        out = []
        for requirement, result in self.rows:
            ok = requirement.reachable == result.reachable
            want = "must pass" if requirement.reachable else "must stay blocked"
            out.append(("✓" if ok else "✗", requirement.text(), want, _shown(result)))
        return out

    def __repr__(self) -> str:
        rows = self.lines()
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        body = ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        return f"Requirements of '{self.title}': {'all met' if self.met else 'not met yet'}\n" + "\n".join(body)

    def _repr_html_(self) -> str:
        body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{html.escape(c)}</td>" for c in r) + "</tr>"
                       for r in self.lines())
        return (f"<b>Requirements of '{html.escape(self.title)}': {'all met' if self.met else 'not met yet'}</b>"
                f"<table><tr><th></th><th>flow</th><th>wanted</th><th>now</th></tr>{body}</table>")


@dataclass
class CaseWork:
    """One case as the learner works on it: its model (repair it), and the diagnosis."""

    number: int
    case: Case
    cloud: Cloud = None
    code: str | None = None
    component: str | None = None

    def __post_init__(self):
        if self.cloud is None:
            self.cloud = self.case.build()

    @property
    def title(self) -> str:
        return self.case.title

    @property
    def story(self) -> str:
        return self.case.story

    def analyze(self, source: Any, destination: Any, protocol: str = "tcp", port: int | None = None):
        """Ask the analyzer about this case's model, like cloud.analyze(...)."""
        return analyze(self.cloud, source, destination, protocol, port)

    def validate(self):
        return self.cloud.validate()

    def draw(self, analysis=None):
        from helpers.draw.vpc import draw_vpc

        return draw_vpc(self.cloud, analysis, title=f"Case {self.number}: {self.title}")

    def diagnose(self, code: str, blocked_at: str) -> Box:
        """Record your diagnosis: the explanation code, and the name of the component that blocks."""
        if not isinstance(code, str) or not code.strip():
            raise InputError("give the explanation code in quotes, like case.diagnose('BAD_STATE_ROUTE', 'app-rt').")
        if not isinstance(blocked_at, str) or not blocked_at.strip():
            raise InputError("give the blocking component's name in quotes, like case.diagnose('BAD_STATE_ROUTE', "
                             "'app-rt').")
        self.code = code.strip().upper()
        self.component = blocked_at.strip()
        return Box(f"Diagnosis of case {self.number} noted: {self.code} at {self.component}. "
                   f"Check it with mission.check({2 * self.number - 1}).", "info")

    def requirements(self) -> RequirementTable:
        return RequirementTable(self.title, [(r, analyze(self.cloud, r.source, r.destination, r.protocol, r.port))
                                             for r in self.case.requirements])

    def reset(self) -> None:
        """Start this case over: the broken model again, no diagnosis."""
        self.cloud = self.case.build()
        self.code = self.component = None

    def __repr__(self) -> str:
        lines = [f"Case {self.number} · {self.title}", self.story, "", "What must be true after your repair:"]
        lines += [f"  {'must pass' if r.reachable else 'must stay blocked':<17}  {r.text()}: {r.why}"
                  for r in self.case.requirements]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(f"<li><b>{'must pass' if r.reachable else 'must stay blocked'}</b>: "
                       f"{html.escape(r.text())} ({html.escape(r.why)})</li>" for r in self.case.requirements)
        return (f"<h4>Case {self.number} · {html.escape(self.title)}</h4><p>{html.escape(self.story)}</p>"
                f"<p>What must be true after your repair:</p><ul>{rows}</ul>")


class BrokenVpcs:
    """The five cases: cases[1] ... cases[5] (or cases['nacl-rule-order'])."""

    def __init__(self):
        self.cases = [CaseWork(number, case) for number, case in enumerate(CASES, start=1)]

    @classmethod
    def fresh(cls) -> "BrokenVpcs":
        return cls()

    def __getitem__(self, key) -> CaseWork:
        for work in self.cases:
            if key == work.number or key == work.case.key:
                return work
        raise InputError(f"there is no case {key!r}; use 1 to {len(self.cases)} or one of "
                         f"{', '.join(w.case.key for w in self.cases)}.")

    def __iter__(self):
        return iter(self.cases)

    def __repr__(self) -> str:
        return "\n".join(f"{w.number}. {w.title}" for w in self.cases)


# ---------------------------------------------------------------------------- checks

CONFUSIONS = {  # (case, code given) -> what to look at instead
    ("stale-nat-route", "NO_ROUTE_TO_DESTINATION"): "there is a matching route for 0.0.0.0/0; look at its state.",
    ("no-public-ip", "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"): "that code is for traffic going *out*; this is "
                                                              "traffic coming in from the internet.",
    ("no-public-ip", "ENI_SG_RULES_MISMATCH"): "status-sg allows HTTPS from anywhere; the packet is stopped "
                                               "before it ever reaches the instance.",
    ("nacl-rule-order", "ENI_SG_RULES_MISMATCH"): "bastion-sg allows SSH from the office; something stops the "
                                                  "packet before it.",
    ("sg-egress-locked", "SUBNET_ACL_RESTRICTION"): "both subnets use the default network ACL, which allows "
                                                    "everything.",
    ("tgw-missing-az", "NO_ROUTE_TO_DESTINATION"): "app-c's route table does send 10.2.0.0/16 to the hub; look at "
                                                   "what happens next.",
}


def _diagnosis_check(number: int):
    def check(cases: BrokenVpcs):
        work = cases[number]
        case = work.case
        if work.code is None:
            return not_yet(f"no diagnosis for case {number} yet: turn the complaint into an analyzer question, "
                           f"then note what stops it with cases[{number}].diagnose('CODE', 'component name').")
        truth = analyze(case.build(), *case.question)
        if work.code != truth.code:
            if work.code not in EXPLANATION_CODES:
                return not_yet(f"{work.code} is not one of the analyzer's explanation codes (EXPLANATION_CODES "
                               f"lists them); copy the code from the analysis of the failing flow.")
            specific = CONFUSIONS.get((case.key, work.code))
            if specific:
                return not_yet(f"not {work.code}: {specific}")
            return not_yet(f"{work.code} means: {EXPLANATION_CODES[work.code]} That is not what stops this flow. "
                           f"Did you analyze the flow of the complaint ({_complaint(case)})?")
        blocking = _component_name(truth)
        given = work.component.split(" (")[0].strip()
        if given not in (blocking, truth.blocked_at.component_id):
            passed_by = [h.component.split(" (")[0] for h in truth.hops if not h.blocked]
            if given in passed_by:
                return not_yet(f"the code is right, but {given} let the traffic through; the component to name is "
                               f"the one on the line whose verdict is drop or deny.")
            return not_yet(f"the code is right, but {given} is not on the path; name the component on the line whose "
                           f"verdict is drop or deny.")
        return passed(f"{truth.code} at {blocking}: {truth.explanation}")
    return check


def _complaint(case: Case) -> str:
    source, destination, protocol, port = case.question
    return f"{source} → {destination}, {protocol} {port}"


def _fix_check(number: int):
    def check(cases: BrokenVpcs):
        work = cases[number]
        case = work.case
        if work.code is None:
            return not_yet(f"diagnose case {number} first: cases[{number}].diagnose('CODE', 'component').")
        verdict = case.judge(work.cloud)
        if verdict:
            return not_yet(case.verdicts[verdict])
        for requirement in case.requirements:
            result = analyze(work.cloud, requirement.source, requirement.destination, requirement.protocol,
                             requirement.port)
            if requirement.reachable and not result.reachable:
                same = result.code == case.code and _component_name(result) == case.blocked_at
                if same:
                    return not_yet(f"{requirement.text()} is still blocked, by the same fault: {result.code} at "
                                   f"{case.blocked_at}. Change that component (or what it points at).")
                return not_yet(f"{requirement.text()} must pass ({requirement.why}) but is blocked: {result.code} at "
                               f"{_component_name(result)}.")
            if not requirement.reachable and result.reachable:
                return not_yet(f"{requirement.text()} must stay blocked ({requirement.why}), but your repair lets it "
                               f"through; undo what opened it and repair more narrowly.")
        return passed(f"every requirement of case {number} holds: "
                      + "; ".join(f"{r.text()} {'passes' if r.reachable else 'stays blocked'}"
                                  for r in case.requirements) + ".")
    return check


MISSION_STEPS = tuple(
    step
    for number, case in enumerate(CASES, start=1)
    for step in (
        Step(f"Diagnose {number}: {case.title}",
             f"Turn the complaint into an analyzer question, then cases[{number}].diagnose(code, blocked_at) with "
             f"the explanation code and the name of the component that stops the traffic.",
             _diagnosis_check(number), key=f"diagnose-{case.key}"),
        Step(f"Repair {number}",
             f"Repair cases[{number}].cloud so that every requirement of the case holds, without opening more "
             f"than needed.", _fix_check(number), key=f"repair-{case.key}"),
    )
)


def broken_vpcs_mission(cases: BrokenVpcs | None = None) -> Mission:
    """The mission of labs/broken-vpcs."""
    return Mission("Five more broken VPCs", MISSION_STEPS, target=cases, solutions=SOLUTIONS_FILE)
