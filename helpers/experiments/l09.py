"""The live side of lesson 09 (AWS VPC): the VPC workshop mission, checked by the analyzer and for real.

The learner builds a VPC in the model, step by step (``cloud.add_vpc``, ``vpc.add_subnet``, route
tables, gateways, instances, security groups, a network ACL). Each step's check asks questions
about *traffic*: "can the internet open ssh to the bastion?", "can a private instance reach the
internet?", "can anything but the bastion reach the app?". The reachability analyzer answers
first, and its explanation becomes the hint ("public-c still uses the main route table, which has
no route to the internet gateway ..."). When the analyzer is satisfied, the same questions are
sent for real through a lab built from the learner's model (helpers.aws.materialize), so a step
is done only when real packets agree. Offline (no live lab mode) the analyzer answers alone and
the check says so.

Some questions need a machine where the learner has none yet (is public-c really public?). The
checks then ask on a *copy* of the model with one test instance per subnet (``test-pub-a`` ...,
open security group, a public IP in the public subnets): the learner's own model is never
changed.

    world = WorkshopWorld.fresh()            # an empty account
    mission = workshop_mission(world)
    cloud = world.cloud                      # build here
    mission.check(1)
    vlab = world.build()                     # the learner's VPC as a live lab, to explore
"""
from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from netaddr import IPNetwork

from helpers.aws.agreement import config_text
from helpers.aws.analyzer import analyze
from helpers.aws.materialize import VpcLab, materialize
from helpers.aws.model import Cloud, Instance, Subnet, Vpc, label
from helpers.checks import Feedback
from helpers.errors import CourseError
from helpers.missions import Mission, Step, not_yet, passed

WORKSHOP_LAB = "09-vpc-workshop"
DEMO_LAB = "09-vpc-demo"
VPC_NAME = "workshop"
OFFICE = "203.0.113.0/24"                 # the admin office; the analyzer's "the internet" (203.0.113.10) is in it
AZS = ("a", "c")
ROLES = ("public", "private", "admin")
SUBNETS = tuple(f"{role}-{az}" for role in ROLES for az in AZS)
SOLUTIONS_FILE = Path(__file__).resolve().parent.parent.parent / "labs" / "vpc-workshop" / "solutions" / "solution.py"
TEST_GROUP = "mission-test-open"
OFFLINE_NOTE = ("(Offline: checked by the analyzer alone; in a live lab mode the same flows also go through a "
                "real network built from your model.)")


def test_name(subnet_name: str) -> str:
    """The checks' own test instance in a subnet: 'public-a' -> 'test-pub-a'."""
    role, az = subnet_name.rsplit("-", 1)
    return f"test-{role[:3]}-{az}"


@dataclass(frozen=True)
class Question:
    """One flow a step asks about, the answer it wants, and what to say when the answer differs."""

    source: str
    destination: str
    protocol: str
    port: int | None
    expected: bool
    hint: Callable[["WorkshopWorld", object], str] | str


class WorkshopWorld:
    """The learner's model, and the live lab the checks build from it."""

    def __init__(self, cloud: Cloud | None = None, *, live: bool | None = None):
        from helpers.lab.backends import detect_mode

        self.cloud = cloud if cloud is not None else Cloud()
        self.live = detect_mode().live if live is None else live
        self._vlab: VpcLab | None = None
        self._fingerprint = ""
        self._explore: VpcLab | None = None

    @classmethod
    def fresh(cls, *, live: bool | None = None) -> "WorkshopWorld":
        return cls(live=live)

    def refresh(self) -> None:
        """Called before each round of checks; the lab is rebuilt only when the model changed."""

    def close(self) -> None:
        for vlab in (self._vlab, self._explore):
            if vlab is not None:
                vlab.stop()
        self._vlab = self._explore = None
        self._fingerprint = ""

    # -- the model as the checks see it
    @property
    def vpc(self) -> Vpc | None:
        return next((v for v in self.cloud.vpcs.values() if v.name == VPC_NAME), None)

    def subnet(self, name: str) -> Subnet | None:
        vpc = self.vpc
        return next((s for s in vpc.subnets if s.name == name), None) if vpc else None

    def instance(self, name: str) -> Instance | None:
        return next((i for i in self.cloud.instances.values() if i.name == name), None)

    def with_tests(self) -> Cloud:
        """A copy of the model with a test instance in each workshop subnet (the model is untouched)."""
        clone = copy.deepcopy(self.cloud)
        vpc = next(v for v in clone.vpcs.values() if v.name == VPC_NAME)
        group = next((g for g in vpc.security_groups if g.name == TEST_GROUP), None)
        if group is None:
            group = vpc.add_security_group(TEST_GROUP, "the mission's test instances: open")
            group.allow_inbound("all", None, "0.0.0.0/0")
        for name in SUBNETS:
            subnet = next((s for s in vpc.subnets if s.name == name), None)
            if subnet is not None and not any(i.name == test_name(name) for i in clone.instances.values()):
                subnet.launch(test_name(name), security_groups=[group], public_ip=name.startswith("public"))
        return clone

    # -- the live lab
    def _lab_for(self, cloud: Cloud) -> VpcLab:
        fingerprint = hashlib.sha256(config_text(cloud).encode()).hexdigest()
        if self._vlab is not None and fingerprint == self._fingerprint and self._vlab.lab.running:
            return self._vlab
        if self._vlab is not None:
            self._vlab.stop()
            self._vlab = None
        vlab = materialize(cloud, WORKSHOP_LAB)
        vlab.start()
        self._vlab, self._fingerprint = vlab, fingerprint
        return vlab

    def build(self, name: str = "09-my-vpc") -> VpcLab:
        """Your VPC as a live lab, to explore: vlab.compare(...), vlab.run('bastion', 'ip route') ..."""
        if self._explore is not None:
            self._explore.stop()
        self._explore = materialize(self.cloud, name)
        self._explore.start()
        return self._explore

    # -- asking
    def ask(self, questions: list[Question], done: str) -> Feedback:
        """The analyzer first (its explanation is the hint), then the kernel, on a copy with test instances."""
        cloud = self.with_tests()
        for question in questions:
            result = analyze(cloud, question.source, question.destination, question.protocol, question.port)
            if result.reachable != question.expected:
                hint = question.hint(self, result) if callable(question.hint) else question.hint
                return not_yet(hint)
        if not self.live:
            return passed(f"{done} {OFFLINE_NOTE}")
        try:
            vlab = self._lab_for(cloud)
            table = vlab.compare_many([(q.source, q.destination, q.protocol, q.port) for q in questions])
        except CourseError as problem:
            return not_yet(f"The analyzer is satisfied, but the live lab could not be built: {problem}")
        for question, comparison in zip(questions, table):
            if comparison.kernel is None:
                continue
            if comparison.kernel.delivered != question.expected:
                said = "reachable" if question.expected else "blocked"
                real = "delivered" if comparison.kernel.delivered else f"not delivered ({comparison.kernel.error})"
                return not_yet(f"The analyzer says {comparison.flow.text()} is {said}, but in the real network it "
                               f"was {real}. That is a bug in the course: please report it with your model.")
        flows = "; ".join(f"{c.flow.text()}: {'delivered' if c.kernel.delivered else 'blocked'}"
                          for c in table if c.kernel is not None)
        return passed(f"{done} Checked for real: {flows}.")


# ---------------------------------------------------------------------------- hints from the model

def _explain(result) -> str:
    return result.explanation or "the analyzer found no path"


def _route_hint(world: WorkshopWorld, subnet_name: str, result, wanted: str) -> str:
    """Why a subnet's way out is wrong, in terms of its route table."""
    subnet = world.subnet(subnet_name)
    table = subnet.effective_route_table
    which = "the main route table" if table.is_main else f"route table {table.name}"
    default = next((r for r in table.routes if r.destination == "0.0.0.0/0"), None)
    if wanted == "igw":
        if default is None:
            if table.is_main:
                return (f"{subnet_name} still uses the main route table, which has no route to the internet: "
                        "associate your public route table with it.")
            return (f"{which} of {subnet_name} has no route for 0.0.0.0/0; add one to the internet gateway "
                    "(table.add_route('0.0.0.0/0', igw)).")
        return f"{subnet_name} cannot be reached from the internet: {_explain(result)}"
    if wanted == "nat":
        if default is None:
            return (f"{subnet_name} has no way out: {which} has no 0.0.0.0/0 route. Give the private subnets a "
                    "route table whose 0.0.0.0/0 route points at the NAT gateway.")
        if default.target.startswith("igw-"):
            return (f"{which} of {subnet_name} sends 0.0.0.0/0 to the internet gateway, but its instances have no "
                    "public IP; point that route at the NAT gateway instead.")
        return f"{subnet_name} cannot reach the internet: {_explain(result)}"
    return _explain(result)


def _exposed_hint(world: WorkshopWorld, subnet_name: str) -> str | None:
    subnet = world.subnet(subnet_name)
    if subnet is None or not subnet.is_public:
        return None
    table = subnet.effective_route_table
    if table.is_main:
        return (f"{subnet_name} is public: the main route table, which every subnet without its own table uses, "
                "sends 0.0.0.0/0 to the internet gateway. Keep that route in a custom table associated only with "
                "the public subnets.")
    return (f"{subnet_name} is public: its route table {table.name} sends 0.0.0.0/0 to the internet gateway. Only "
            "the public subnets may have that route.")


# ---------------------------------------------------------------------------- the steps

def check_subnets(world: WorkshopWorld) -> Feedback:
    vpc = world.vpc
    if vpc is None:
        names = ", ".join(v.name for v in world.cloud.vpcs.values())
        extra = f" (the model has: {names})" if names else ""
        return not_yet(f"There is no VPC called '{VPC_NAME}' yet{extra}: cloud.add_vpc('{VPC_NAME}', '10.0.0.0/16').")
    if IPNetwork(vpc.cidr).prefixlen > 20:
        return not_yet(f"{vpc.cidr} is small for six subnets and their growth; the workshop uses a /16, like "
                       "10.0.0.0/16.")
    missing = [name for name in SUBNETS if world.subnet(name) is None]
    if missing:
        return not_yet(f"VPC {VPC_NAME} still needs these subnets: {', '.join(missing)} (one of each role in both "
                       "AZs, e.g. vpc.add_subnet('public-a', '10.0.1.0/24', 'a')).")
    for name in SUBNETS:
        subnet = world.subnet(name)
        wanted = vpc.region + name[-1]
        if subnet.az != wanted:
            return not_yet(f"{name} is in {subnet.az}; put it in {wanted}, so each role has a subnet in both AZs "
                           "and one data centre's loss leaves the other half running.")
    questions = [Question(test_name(a), test_name(b), "tcp", 22, True,
                          lambda w, r, a=a, b=b: f"{a} cannot reach {b} inside the VPC: {_explain(r)}")
                 for a, b in (("public-a", "admin-c"), ("private-c", "public-a"), ("public-c", "private-a"))]
    return world.ask(questions, "Six subnets in two AZs, and every subnet reaches the others through the VPC "
                                "router's local route.")


def check_internet_gateway(world: WorkshopWorld) -> Feedback:
    vpc = world.vpc
    if vpc.internet_gateway is None:
        return not_yet(f"VPC {VPC_NAME} has no internet gateway: vpc.add_internet_gateway('{VPC_NAME}-igw').")
    for name in SUBNETS:
        if not name.startswith("public"):
            exposed = _exposed_hint(world, name)
            if exposed:
                return not_yet(exposed)
    questions = [Question("the internet", test_name(name), "tcp", 80, True,
                          lambda w, r, name=name: _route_hint(w, name, r, "igw"))
                 for name in ("public-a", "public-c")]
    return world.ask(questions, "The public subnets route 0.0.0.0/0 to the internet gateway, and only they do.")


def _nat_placement_hint(world: WorkshopWorld) -> str | None:
    vpc = world.vpc
    if not vpc.nat_gateways:
        return "There is no NAT gateway yet: create one in a public subnet, e.g. public_a.add_nat_gateway('nat-a')."
    for nat in sorted(vpc.nat_gateways, key=lambda n: n.id):
        subnet = nat.subnet_obj
        if not subnet.name.startswith("public"):
            return (f"NAT gateway {nat.name} is in {subnet.name}, which has no route to the internet gateway; a NAT "
                    "gateway lives in a public subnet and sends its traffic out through the internet gateway.")
    return None


def _admin_out_hint(world: WorkshopWorld, name: str) -> str:
    table = world.subnet(name).effective_route_table
    default = next((r for r in table.routes if r.destination == "0.0.0.0/0"), None)
    target = world.cloud.resource(default.target) if default else None
    via = f" through {label(target)}" if target is not None else ""
    return (f"{name} can reach the internet{via} (route table {table.name}): the admin subnets stay without any "
            "route out; leave them on a table with the local route only (the main table is fine).")


def check_nat_gateway(world: WorkshopWorld) -> Feedback:
    placement = _nat_placement_hint(world)
    if placement:
        return not_yet(placement)
    questions = [Question(test_name(name), "the internet", "tcp", 443, True,
                          lambda w, r, name=name: _route_hint(w, name, r, "nat"))
                 for name in ("private-a", "private-c")]
    questions.append(Question("the internet", test_name("private-a"), "tcp", 443, False,
                              "The internet can open connections to private-a: a private subnet must not be "
                              "reachable from outside (no public IPs, no route from the internet gateway)."))
    questions += [Question(test_name(name), "the internet", "tcp", 443, False,
                           lambda w, r, name=name: _admin_out_hint(w, name))
                  for name in ("admin-a", "admin-c")]
    return world.ask(questions, "The private subnets get out through the NAT gateway (one way), the admin subnets "
                                "do not get out at all.")


def _bastion_hint(world: WorkshopWorld, result) -> str:
    bastion = world.instance("bastion")
    if bastion.public_ip is None:
        return ("bastion has no public IP, so the internet gateway has nothing to map to it: launch it with "
                "public_ip=True (or associate an Elastic IP).")
    return f"The admin office cannot open ssh to bastion: {_explain(result)}"


def check_bastion(world: WorkshopWorld) -> Feedback:
    bastion = world.instance("bastion")
    if bastion is None:
        return not_yet("There is no instance called 'bastion' yet: launch it in a public subnet, e.g. "
                       "public_a.launch('bastion', security_groups=[bastion_sg], public_ip=True).")
    subnet = bastion.subnet_obj
    if not subnet.name.startswith("public"):
        return not_yet(f"bastion is in {subnet.name}; a bastion host lives in a public subnet, the one door from "
                       "the internet into the VPC.")
    groups = [g.name for g in bastion.security_groups]
    if "bastion-sg" not in groups:
        return not_yet(f"bastion uses the security group {', '.join(groups)}; give it its own, 'bastion-sg', so its "
                       "rules say exactly who may knock.")
    group = next(g for g in bastion.security_groups if g.name == "bastion-sg")
    for rule in group.inbound:
        if rule.cidr == "0.0.0.0/0" and rule.protocol in ("all", "tcp") and (rule.ports is None or
                                                                             rule.ports[0] <= 22 <= rule.ports[1]):
            return not_yet("bastion-sg admits ssh from 0.0.0.0/0: the whole internet may knock on the one door. "
                           f"Allow tcp 22 only from the admin office, {OFFICE}.")
    questions = [Question("the internet", "bastion", "tcp", 22, True, _bastion_hint),
                 Question("the internet", "bastion", "tcp", 80, False,
                          "The internet can open port 80 on bastion; a bastion runs nothing but ssh, so allow only "
                          "tcp 22.")]
    return world.ask(questions, f"The admin office ({OFFICE}) reaches bastion on ssh, and nothing else.")


def check_app(world: WorkshopWorld) -> Feedback:
    app = world.instance("app")
    if app is None:
        return not_yet("There is no instance called 'app' yet: launch it in a private subnet, e.g. "
                       "private_a.launch('app', security_groups=[app_sg]).")
    subnet = app.subnet_obj
    if not subnet.name.startswith("private"):
        return not_yet(f"app is in {subnet.name}; the application server belongs in a private subnet, out of the "
                       "internet's reach.")
    if app.public_ip:
        return not_yet(f"app has a public IP ({app.public_ip}); a private instance needs none (the NAT gateway lets "
                       "it out). Launch it with public_ip=False.")
    if "app-sg" not in [g.name for g in app.security_groups]:
        return not_yet("app should use its own security group, 'app-sg'.")
    questions = [
        Question("bastion", "app", "tcp", 22, True,
                 lambda w, r: f"bastion cannot open ssh to app: {_explain(r)} (a rule whose source is bastion-sg does "
                              "it: app_sg.allow_inbound('tcp', 22, bastion_sg))."),
        Question(test_name("public-c"), "app", "tcp", 22, False,
                 "Another instance in the VPC (the test instance in public-c) can open ssh to app: app must be reachable "
                 "only through the bastion, so allow tcp 22 from bastion-sg, not from a CIDR block."),
        Question("the internet", "app", "tcp", 22, False, "The internet reaches app directly; it must not."),
        Question("app", "the internet", "tcp", 443, True,
                 lambda w, r: f"app cannot reach the internet for its updates: {_explain(r)}"),
    ]
    return world.ask(questions, "app is reachable only through bastion, and gets out through the NAT gateway.")


def check_admin_acl(world: WorkshopWorld) -> Feedback:
    vpc = world.vpc
    acl = next((a for a in vpc.network_acls if a.name == "admin-acl"), None)
    if acl is None:
        return not_yet("There is no network ACL called 'admin-acl' yet: vpc.add_network_acl('admin-acl').")
    loose = [name for name in ("admin-a", "admin-c") if world.subnet(name).network_acl != acl.id]
    if loose:
        return not_yet(f"admin-acl is not associated with {', '.join(loose)}: admin_acl.associate(subnet) (a subnet "
                       "has exactly one network ACL).")
    others = [s.name for s in acl.subnets if s.name not in ("admin-a", "admin-c")]
    if others:
        return not_yet(f"admin-acl also guards {', '.join(others)}; keep it on the admin subnets only.")

    def reply_or_rule(w, result, source):
        if result.blocked_on == "return":
            return ("The ssh request gets in, but the reply is dropped on the way back: network ACLs are stateless, "
                    "so admin-acl needs an outbound rule for the replies, to the clients' ephemeral ports "
                    f"(1024-65535) in the public subnets. {_explain(result)}")
        return f"{source} cannot open ssh to the admin subnets: {_explain(result)}"

    questions = [
        Question(test_name("public-a"), test_name("admin-a"), "tcp", 22, True,
                 lambda w, r: reply_or_rule(w, r, "public-a")),
        Question(test_name("public-c"), test_name("admin-c"), "tcp", 22, True,
                 lambda w, r: reply_or_rule(w, r, "public-c")),
        Question(test_name("private-a"), test_name("admin-a"), "tcp", 22, False,
                 "admin-acl lets the private subnets in; allow ssh only from the public subnets' blocks, where the "
                 "bastion lives."),
        Question(test_name("public-a"), test_name("admin-c"), "tcp", 3306, False,
                 "admin-acl lets tcp 3306 in from the public subnets; the admin subnets take ssh (tcp 22) only."),
    ]
    return world.ask(questions, "admin-acl admits ssh from the public subnets only, and lets the replies out.")


MISSION_STEPS = [
    Step("VPC and subnets", f"Create the VPC '{VPC_NAME}' (10.0.0.0/16, in the default Region) with six /24 "
         "subnets: public-a, public-c, private-a, private-c, admin-a, admin-c, each in the AZ its name ends with.",
         check_subnets, key="subnets"),
    Step("Internet gateway", "Attach an internet gateway, and give the two public subnets (only them) a route table "
         "whose 0.0.0.0/0 route points at it.", check_internet_gateway, key="internet-gateway"),
    Step("NAT gateway", "Put a NAT gateway in a public subnet and route the private subnets' 0.0.0.0/0 through it; "
         "the admin subnets get no way out.", check_nat_gateway, key="nat-gateway"),
    Step("Bastion", f"Launch 'bastion' in a public subnet with a public IP and its own security group 'bastion-sg' "
         f"that admits ssh (tcp 22) from the admin office, {OFFICE}, only.", check_bastion, key="bastion"),
    Step("Private app", "Launch 'app' in a private subnet, without a public IP, with a security group 'app-sg' that "
         "admits ssh from the bastion's security group only.", check_app, key="app"),
    Step("Admin network ACL", "Create the network ACL 'admin-acl' for admin-a and admin-c: ssh in from the public "
         "subnets only, the replies out, everything else denied.", check_admin_acl, key="admin-acl"),
]


def workshop_mission(world: WorkshopWorld | None = None) -> Mission:
    """The mission of labs/vpc-workshop: the classic two-AZ VPC, built in the model, checked for real."""
    return Mission("VPC workshop: public, private and admin subnets in two AZs", MISSION_STEPS, target=world,
                   solutions=SOLUTIONS_FILE)


# ---------------------------------------------------------------------------- the warm-up lab

def demo_cloud() -> Cloud:
    """A small VPC for the notebook's tour of the live lab (not part of the mission's answer)."""
    cloud = Cloud()
    vpc = cloud.add_vpc("demo", "10.9.0.0/16")
    igw = vpc.add_internet_gateway("demo-igw")
    table = vpc.add_route_table("demo-rt")
    table.add_route("0.0.0.0/0", igw)
    front = vpc.add_subnet("front", "10.9.1.0/24", "a", public_ip_on_launch=True)
    back = vpc.add_subnet("back", "10.9.2.0/24", "c")
    table.associate(front)
    web_sg = vpc.add_security_group("web-sg", "HTTP from anywhere")
    web_sg.allow_inbound("tcp", 80)
    db_sg = vpc.add_security_group("db-sg", "MySQL and ssh from the web tier")
    db_sg.allow_inbound("tcp", 3306, web_sg)
    db_sg.allow_inbound("tcp", 22, web_sg)     # web doubles as the jump host in this small example
    front.launch("web", security_groups=[web_sg])
    back.launch("db", security_groups=[db_sg])
    return cloud
