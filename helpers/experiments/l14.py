"""Lesson 14, the capstone: a plausible infrastructure, designed, analysed, built live, tested, broken and fixed.

    plan = design()                        # VLSM over 10.0.0.0/16: public, private, db and admin subnets in two AZs
    cloud = build(plan)                    # the model: VPC, gateways, route tables, security groups, a network ACL
    validate(cloud)                        # what AWS would refuse (nothing), refusals(cloud) shows some it would
    analyse(cloud)                         # the required flows, with the component that blocks each "no"
    with CapstoneLab(cloud) as cap:        # the same model as a live lab, HAProxy on the load balancer nodes
        cap.through_lb("lb-a", 4)          # curl through the load balancer: which web server answered
        cap.verify()                       # every required flow: expected, analyzer, kernel
        cap.drill("nat-route")             # break one thing, see both verdicts change, fix it again

The application load balancer is modelled as what it is inside a VPC: one load balancer node (a
network interface with a public IP) in each public subnet, with its own security group ``lb-sg``.
In the lab each node runs HAProxy on port 80, forwarding round robin to the two web servers in
the private subnets (cross-zone, as an ALB does by default). The web servers are the course's small
HTTP server answering "Hello from web-a"; every instance also answers on tcp 22 (an SSH banner),
443, 3306 and 5432 (the materialiser's probe servers), so a connection that opens is a real answer.

A change to the model is applied to the running lab in place (``CapstoneLab.apply``): the rulesets
and routes the materialiser would build for the changed model are compared with the running ones and
only the difference is applied (``nft -f`` for a changed firewall table, ``ip route del``/``add`` for
changed routes), the way a change in the console takes effect at once without rebuilding the VPC.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any, Callable

from netaddr import IPNetwork

from helpers.addressing import Plan, plan_vlsm
from helpers.aws.analyzer import Analysis, analyze
from helpers.aws.errors import AwsError
from helpers.aws.materialize import STRANGER_ADDRESS, Comparisons, VpcLab, materialize, plan as blueprint_of
from helpers.aws.model import Cloud
from helpers.aws.report import pre_html, table
from helpers.errors import InputError
from helpers.lab.experiment import LabExperiment
from helpers.lab.topology import LabError, require_tool

__all__ = ["LAB_NAME", "VPC_CIDR", "ADMIN_CIDR", "NEEDS", "design", "build", "refusals", "Expect", "REQUIRED",
           "analyse", "audit", "DRILLS", "Drill", "CapstoneLab", "Table", "haproxy_config"]

LAB_NAME = "14-capstone"
VPC_NAME = "capstone"
VPC_CIDR = "10.0.0.0/16"
ADMIN_CIDR = "203.0.113.0/25"          # the admin office (documentation range); the lab's internet host is in it
STRANGER = STRANGER_ADDRESS            # an internet address outside the office (203.0.113.200)
AZS = ("a", "c")
# hosts each subnet must hold: big private subnets for the web tier to grow, small admin ones
NEEDS = {"private-a": 500, "private-c": 500, "public-a": 100, "public-c": 100, "db-a": 50, "db-c": 50,
         "admin-a": 10, "admin-c": 10}
SUBNET_ORDER = ("public-a", "public-c", "private-a", "private-c", "db-a", "db-c", "admin-a", "admin-c")
PROBE_PORTS = (22, 443, 3306, 5432)    # the materialiser's servers; port 80 is HAProxy's and the web servers'
WEB_SERVERS = ("web-a", "web-c")
LB_NODES = ("lb-a", "lb-c")
ANSWER = re.compile(r"Hello from ([\w-]+)")
WEB_ROUTES = {"/": {"status": 200, "body": "Hello from {name}\n",
                    "headers": {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-cache"}},
              "*": {"status": 404, "body": "Not Found on {name}\n", "headers": {"Content-Type": "text/plain"}}}


class Table:
    """Rows with a header, shown as aligned text (and the same text in HTML)."""

    def __init__(self, header: list[str], rows: list[list[str]], note: str = ""):
        self.header, self.rows, self.note = header, rows, note

    def __repr__(self) -> str:
        return table(self.header, self.rows, indent="") + (f"\n{self.note}" if self.note else "")

    def _repr_html_(self) -> str:
        return pre_html(repr(self))

    def column(self, name: str) -> list[str]:
        index = self.header.index(name)
        return [row[index] for row in self.rows]


# ---------------------------------------------------------------------------- 1. design

def design(vpc_cidr: str = VPC_CIDR, needs: dict | None = None) -> Plan:
    """The address plan: each subnet the smallest block that holds its hosts (AWS keeps 5 per subnet)."""
    return plan_vlsm(vpc_cidr, NEEDS if needs is None else needs, cloud="aws")


# ---------------------------------------------------------------------------- 2. the model

def build(plan: Plan | None = None) -> Cloud:
    """The whole infrastructure in the model, from an address plan (``design()`` by default)."""
    plan = design() if plan is None else plan
    if not isinstance(plan, Plan):
        raise InputError("build() takes the address plan from design(), like build(design()).")
    missing = [name for name in SUBNET_ORDER if name not in {s.name for s in plan.subnets}]
    if missing:
        raise InputError(f"The address plan has no subnet for {', '.join(missing)}; plan all eight (public, private, "
                         "db and admin in AZs a and c), e.g. design() with the default needs.")
    cloud = Cloud()
    vpc = cloud.add_vpc(VPC_NAME, str(plan.parent))
    subnets = {name: vpc.add_subnet(name, str(plan[name].network), name[-1]) for name in SUBNET_ORDER}
    igw = vpc.add_internet_gateway("capstone-igw")
    public_rt = vpc.add_route_table("public-rt")
    public_rt.add_route("0.0.0.0/0", igw)
    for name in ("public-a", "public-c", "admin-a", "admin-c"):
        public_rt.associate(subnets[name])
    nat = subnets["public-a"].add_nat_gateway("nat-a")
    private_rt = vpc.add_route_table("private-rt")
    private_rt.add_route("0.0.0.0/0", nat)
    for name in ("private-a", "private-c"):
        private_rt.associate(subnets[name])
    # db-a and db-c stay on the main route table: the local route only, no way in or out

    lb_sg = vpc.add_security_group("lb-sg", "the load balancer: HTTP from anywhere")
    lb_sg.allow_inbound("tcp", 80, "0.0.0.0/0")
    bastion_sg = vpc.add_security_group("bastion-sg", "ssh from the admin office only")
    bastion_sg.allow_inbound("tcp", 22, ADMIN_CIDR)
    web_sg = vpc.add_security_group("web-sg", "HTTP from the load balancer, ssh from the bastion")
    web_sg.allow_inbound("tcp", 80, lb_sg)
    web_sg.allow_inbound("tcp", 22, bastion_sg)
    db_sg = vpc.add_security_group("db-sg", "databases from the web tier, ssh from the bastion")
    db_sg.allow_inbound("tcp", 5432, web_sg)
    db_sg.allow_inbound("tcp", 3306, web_sg)
    db_sg.allow_inbound("tcp", 22, bastion_sg)

    acl = vpc.add_network_acl("admin-acl")
    acl.allow_inbound(100, "tcp", 22, ADMIN_CIDR)                 # the office opens ssh to the bastion
    acl.allow_inbound(110, "tcp", (1024, 65535), str(plan.parent))  # replies of the bastion's own ssh sessions
    acl.allow_outbound(100, "tcp", 22, str(plan.parent))          # the bastion opens ssh into the VPC
    acl.allow_outbound(110, "tcp", (1024, 65535), ADMIN_CIDR)     # replies to the office
    for name in ("admin-a", "admin-c"):
        acl.associate(subnets[name])

    subnets["public-a"].launch("lb-a", security_groups=[lb_sg], public_ip=True)
    subnets["public-c"].launch("lb-c", security_groups=[lb_sg], public_ip=True)
    subnets["private-a"].launch("web-a", security_groups=[web_sg], public_ip=False)
    subnets["private-c"].launch("web-c", security_groups=[web_sg], public_ip=False)
    subnets["db-a"].launch("db", security_groups=[db_sg], public_ip=False)
    subnets["admin-a"].launch("bastion", security_groups=[bastion_sg], public_ip=True)
    return cloud


def _vpc(cloud: Cloud):
    if not isinstance(cloud, Cloud):
        raise InputError("Pass the capstone model, the Cloud that build() returns.")
    try:
        return cloud.vpc(VPC_NAME)
    except Exception:
        raise InputError(f"This model has no VPC called {VPC_NAME!r}; make it with build().") from None


def refusals(cloud: Cloud) -> Table:
    """Mistakes AWS refuses at once (on a copy of the model): the API's error code and sentence for each."""
    attempts: list[tuple[str, Callable[[Any], Any]]] = [
        ("a second db subnet inside db-a's block",
         lambda v: v.add_subnet("db-x", str(IPNetwork(v.subnet("db-a").cidr).network) + "/27", "a")),
        ("a /29 for one more admin host", lambda v: v.add_subnet("admin-x", "10.0.255.0/29", "a")),
        ("a subnet outside the VPC's block", lambda v: v.add_subnet("public-x", "10.1.0.0/24", "a")),
        ("a subnet in an AZ the Region lacks", lambda v: v.add_subnet("public-x", "10.0.255.0/24", "z")),
        ("a second security group called web-sg", lambda v: v.add_security_group("web-sg")),
    ]
    rows = []
    for mistake, attempt in attempts:
        clone = copy.deepcopy(cloud)
        try:
            attempt(_vpc(clone))
        except AwsError as refused:
            rows.append([mistake, refused.code, refused.sentence])
        else:
            rows.append([mistake, "(accepted)", ""])
    return Table(["mistake", "AWS error", "why"], rows)


# ---------------------------------------------------------------------------- 3. the flows it must (not) allow

@dataclass(frozen=True)
class Expect:
    """A flow the design requires (expected=True) or forbids (False), and why."""

    source: str
    destination: str
    protocol: str
    port: int
    expected: bool
    why: str
    shown: str = ""  # how the source reads in tables, when its name alone would mislead

    @property
    def question(self) -> tuple:
        return (self.source, self.destination, self.protocol, self.port)

    def text(self) -> str:
        return f"{self.shown or self.source} → {self.destination} {self.protocol}/{self.port}"


REQUIRED = (
    Expect("the internet", "lb-a", "tcp", 80, True, "customers reach the load balancer"),
    Expect("the internet", "lb-c", "tcp", 80, True, "the load balancer's node in the other AZ too"),
    Expect("lb-a", "web-c", "tcp", 80, True, "the load balancer forwards to both web servers (cross-zone)"),
    Expect("the internet", "web-a", "tcp", 80, False, "web servers only behind the load balancer"),
    Expect("db", "web-a", "tcp", 80, False, "HTTP to web only from lb-sg, not from elsewhere in the VPC"),
    Expect("bastion", "web-a", "tcp", 80, False, "the bastion's subnet lets out ssh only (admin-acl)"),
    Expect("web-a", "db", "tcp", 5432, True, "the web tier uses the database (PostgreSQL)"),
    Expect("web-c", "db", "tcp", 3306, True, "... or MySQL, from either AZ"),
    Expect("the internet", "db", "tcp", 5432, False, "the database is never reachable from outside"),
    Expect("lb-a", "db", "tcp", 5432, False, "only the web tier talks to the database"),
    Expect("the internet", "bastion", "tcp", 22, True, "the admin office opens ssh to the bastion",
           shown="office 203.0.113.10"),
    Expect(STRANGER, "bastion", "tcp", 22, False, "nobody outside the office does", shown=f"stranger {STRANGER}"),
    Expect("bastion", "web-a", "tcp", 22, True, "the bastion is the jump host to web ..."),
    Expect("bastion", "db", "tcp", 22, True, "... and to the database"),
    Expect("the internet", "web-a", "tcp", 22, False, "no ssh from the internet past the bastion"),
    Expect("lb-a", "web-a", "tcp", 22, False, "ssh to web only from bastion-sg"),
    Expect("web-a", "the internet", "tcp", 443, True, "web servers fetch updates through the NAT gateway"),
    Expect("db", "the internet", "tcp", 443, False, "the database subnet has no way out"),
)


def blocked_by(result: Analysis) -> str:
    """The component that stopped a flow, as 'kind name', or '' when it got through."""
    hop = result.blocked_at
    if result.reachable:
        return ""
    if hop is None:
        return result.code or "no path"
    return f"{hop.kind} {hop.component}".strip()


def analyse(cloud: Cloud, flows: tuple[Expect, ...] = REQUIRED) -> Table:
    """The analyzer's verdict on each required flow, and for a 'no' the component and code that block it."""
    _vpc(cloud)
    rows = []
    for flow in flows:
        result = analyze(cloud, *flow.question)
        said = "reachable" if result.reachable else "blocked"
        mark = "✓" if result.reachable == flow.expected else "✗ NOT AS DESIGNED"
        rows.append([flow.text(), "yes" if flow.expected else "no", said, blocked_by(result), result.code or "",
                     mark])
    return Table(["flow", "wanted", "analyzer", "blocked at", "code", ""], rows)


def audit(cloud: Cloud) -> Table:
    """Security findings the reachability of the required flows does not show: inbound rules open to the
    whole internet (0.0.0.0/0) on groups whose instances have no public IP, or beyond HTTP on public ones."""
    vpc = _vpc(cloud)
    names = {g.id: g.name for g in cloud.security_groups.values()}
    rows = []
    for group in sorted(vpc.security_groups, key=lambda g: g.id):
        members = group.instances
        public = any(i.public_ip for i in members)
        for rule in group.inbound:
            if rule.cidr != "0.0.0.0/0" or not members:
                continue
            web_port = rule.protocol == "tcp" and rule.ports in ((80, 80), (443, 443))
            if public and web_port:
                continue        # the load balancer's job
            who = ", ".join(sorted(i.name for i in members))
            why = ("its instances have no public IP, so the rule admits every address inside the VPC (and any "
                   "peer), bypassing the tier in front" if not public else
                   "a public instance open to the whole internet beyond HTTP")
            rows.append([group.name, rule.text(True, names), who, why])
    note = "" if rows else "no finding: no group admits the whole internet where it should not"
    return Table(["security group", "rule", "instances", "finding"], rows, note)


# ---------------------------------------------------------------------------- 5. break and fix

@dataclass(frozen=True)
class Drill:
    """One thing broken on purpose: how to break it, how to fix it, and the flows that show it."""

    key: str
    title: str
    breaks: Callable[[Cloud], None]
    fixes: Callable[[Cloud], None]
    flows: tuple[Expect, ...]          # expected = the verdict while broken
    finding: bool = False              # a security finding rather than a connectivity break


def _break_nat(cloud: Cloud) -> None:
    _vpc(cloud).route_table("private-rt").delete_route("0.0.0.0/0")


def _fix_nat(cloud: Cloud) -> None:
    vpc = _vpc(cloud)
    nat = next(n for n in vpc.nat_gateways if n.name == "nat-a")
    vpc.route_table("private-rt").add_route("0.0.0.0/0", nat)


def _break_acl(cloud: Cloud) -> None:
    # meant as "and nobody else": a deny numbered before the allow wins for everyone
    _vpc(cloud).network_acl("admin-acl").deny_inbound(90, "tcp", 22, "0.0.0.0/0")


def _fix_acl(cloud: Cloud) -> None:
    acl = _vpc(cloud).network_acl("admin-acl")
    acl.remove_entry(90, "inbound")
    acl.deny_inbound(200, "tcp", 22, "0.0.0.0/0")    # after the allow: the office first, then nobody else


def _break_sg(cloud: Cloud) -> None:
    _vpc(cloud).security_group("web-sg").allow_inbound("tcp", 80, "0.0.0.0/0")


def _fix_sg(cloud: Cloud) -> None:
    _vpc(cloud).security_group("web-sg").revoke_inbound("tcp", 80, "0.0.0.0/0")


DRILLS = {
    "nat-route": Drill("nat-route", "private-rt loses its 0.0.0.0/0 route to the NAT gateway", _break_nat, _fix_nat,
                       (Expect("web-a", "the internet", "tcp", 443, False, "no route out any more"),
                        Expect("web-c", "the internet", "tcp", 443, False, "both private subnets use private-rt"),
                        Expect("the internet", "lb-a", "tcp", 80, True, "customers do not notice"))),
    "acl-order": Drill("acl-order", "admin-acl gets 'deny ssh from 0.0.0.0/0' as rule 90, before the allow (100)",
                       _break_acl, _fix_acl,
                       (Expect("the internet", "bastion", "tcp", 22, False, "rule 90 matches first", shown="office 203.0.113.10"),
                        Expect("bastion", "web-a", "tcp", 22, True, "outbound ssh from the bastion is untouched"))),
    "open-web-sg": Drill("open-web-sg", "web-sg also admits tcp 80 from 0.0.0.0/0", _break_sg, _fix_sg,
                         (Expect("db", "web-a", "tcp", 80, True, "any instance now skips the load balancer"),
                          Expect("the internet", "web-a", "tcp", 80, False, "still no public IP")),
                         finding=True),
}


def drill(key: str) -> Drill:
    if key not in DRILLS:
        raise InputError(f"There is no drill {key!r}; pick one of {', '.join(DRILLS)}.")
    return DRILLS[key]


def analyse_drill(cloud: Cloud, key: str) -> Table:
    """A drill in the model alone: break a copy, analyse its flows, fix it, analyse again."""
    case = drill(key)
    broken = copy.deepcopy(cloud)
    case.breaks(broken)
    rows = []
    for flow in case.flows:
        before = analyze(broken, *flow.question)
        rows.append([flow.text(), "reachable" if before.reachable else "blocked", blocked_by(before),
                     before.code or ""])
    return Table(["flow (broken)", "analyzer", "blocked at", "code"], rows)


# ---------------------------------------------------------------------------- 4. the live lab

def haproxy_config(cloud: Cloud) -> str:
    """haproxy.cfg for the load balancer nodes: port 80, round robin over the web servers' private IPs."""
    servers = [cloud.instance(name) for name in WEB_SERVERS]
    lines = ["# haproxy.cfg for lb-a and lb-c, the ALB's nodes in public-a and public-c",
             "global",
             "    maxconn 200",
             "defaults",
             "    mode http                  # an application (layer 7) load balancer",
             "    timeout connect 2s",
             "    timeout client 10s",
             "    timeout server 10s",
             "frontend http                 # the listener: HTTP on port 80",
             "    bind :80",
             "    default_backend web",
             "backend web                   # the target group: both AZs (cross-zone)",
             "    balance roundrobin"]
    lines.insert(lines.index("    balance roundrobin") + 1,
                 "    option httpchk GET /          # the target group's health check")
    lines += [f"    server {i.name} {i.private_ip}:80 check inter 2s fall 2 rise 2" for i in servers]
    return "\n".join(lines) + "\n"


class CapstoneLab(LabExperiment):
    """The capstone model as a live lab: the materialised VPC plus HAProxy and two web servers."""

    def __init__(self, cloud: Cloud, name: str = LAB_NAME):
        _vpc(cloud)
        self.cloud = cloud
        self.vlab: VpcLab = materialize(cloud, name, tcp_ports=PROBE_PORTS)
        self.lab = self.vlab.lab
        self.config = haproxy_config(cloud)
        self.applied: Table | None = None     # the kernel commands of the last apply()

    # -- lifecycle (start, stop and with come from LabExperiment; a failed start stops the lab)
    def _started(self) -> None:
        self.vlab._started()  # the materialised VPC's own probe servers
        for name in WEB_SERVERS:
            self.vlab.node(name).serve_http(80, routes=WEB_ROUTES, name=name)
        self.lab.write_file("haproxy.cfg", self.config)
        workdir = str(self.lab.workdir)
        for name in LB_NODES:
            self.vlab.node(name).start(["haproxy", "-C", workdir, "-f", "haproxy.cfg", "-db"], name="haproxy",
                                       wait_port=80, display="haproxy -f haproxy.cfg -db")

    @property
    def live(self) -> bool:
        return self.vlab.live

    @property
    def names(self):
        return self.vlab.names

    def run(self, which: Any, command: str, **kwargs):
        return self.vlab.run(which, command, **kwargs)

    def __repr__(self) -> str:
        return repr(self.vlab)

    def _repr_html_(self) -> str:
        return pre_html(repr(self))

    # -- real traffic
    def through_lb(self, lb: str = "lb-a", n: int = 4):
        """n requests from the internet host to a load balancer node's public IP (one curl each);
        returns the command's result and who answered each request, in order."""
        if lb not in LB_NODES:
            raise InputError(f"{lb!r} is not a load balancer node; use one of {', '.join(LB_NODES)}.")
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 20:
            raise InputError(f"n={n!r}: send between 1 and 20 requests.")
        address = self.cloud.instance(lb).public_ip
        if self.live:
            require_tool("curl")  # inside a shell line, a missing curl would look like "no answer"
        result = self.vlab.run("the internet", f"for i in $(seq {n}); do curl -s --max-time 2 http://{address}/; "
                                                f"done", timeout=30)
        answered = [m[1] for m in ANSWER.finditer(result.output)]
        return result, answered

    def verify(self, flows: tuple[Expect, ...] = REQUIRED, expected: str = "wanted") -> Table:
        """Every flow through the analyzer and the kernel at once: expected, analyzer, kernel, agreement.

        `expected` names the second column: what the design wants, or what a drill's break causes."""
        comparisons = self.vlab.compare_many([f.question for f in flows])
        return verdicts(flows, comparisons, expected)

    # -- changes
    def apply(self) -> Table:
        """Apply the model's changes to the running lab in place; the kernel commands that did it."""
        new = blueprint_of(self.cloud)
        old = self.vlab.blueprint
        rows = []
        for node in sorted(set(old.rulesets) | set(new.rulesets)):
            before, after = old.rulesets.get(node, ""), new.rulesets.get(node, "")
            if before == after:
                continue
            tables = re.findall(r"^table (\w+ \w+)", before, flags=re.M)
            text = "".join(f"delete table {t}\n" for t in tables) + after
            self._exec(node, ["nft", "-f", "-"], text)
            rows.append([node, f"nft -f (table {', '.join(tables) or 'new'} rewritten from the model)"])
        for node in sorted(set(old.routes) | set(new.routes)):
            before, after = old.routes.get(node, []), new.routes.get(node, [])
            for argv in [a for a in before if a not in after]:
                undo = list(argv)
                undo[undo.index("add")] = "del"
                self._exec(node, undo)
                rows.append([node, " ".join(undo)])
            for argv in [a for a in after if a not in before]:
                self._exec(node, argv)
                rows.append([node, " ".join(argv)])
        self.vlab.blueprint = new
        self.applied = Table(["node", "applied"], rows, "" if rows else "nothing to change")
        return self.applied

    def _exec(self, node: str, argv: list[str], text: str | None = None) -> None:
        if not self.live:
            return
        done = self.lab[node].exec(argv, input=text)
        if done.returncode != 0:
            raise LabError(f"Applying the change on {node} failed ({' '.join(argv)}): "
                           f"{(done.stderr or done.stdout).strip()[:200]}; rebuild the lab with a new CapstoneLab.")

    def drill(self, key: str, phase: str) -> Table:
        """phase 'break' or 'fix': change the model, apply it live, and run the drill's flows both ways."""
        case = drill(key)
        if phase not in ("break", "fix"):
            raise InputError(f"phase is 'break' or 'fix', not {phase!r}.")
        (case.breaks if phase == "break" else case.fixes)(self.cloud)
        self.apply()
        if phase == "break":
            return self.verify(case.flows, expected="after the break")
        wanted = {f.question: f for f in REQUIRED}
        flows = tuple(wanted.get(f.question, Expect(*f.question, not f.expected, "as designed"))
                      for f in case.flows)
        return self.verify(flows)


def verdicts(flows: tuple[Expect, ...], comparisons: Comparisons, expected: str = "wanted") -> Table:
    rows = []
    for flow, comparison in zip(flows, comparisons):
        analysis, kernel = comparison.analysis, comparison.kernel
        said = "reachable" if analysis.reachable else "blocked"
        if kernel is None:
            real, agree = "(offline)", ""
        else:
            real = "delivered" if kernel.delivered else "not delivered"
            agree = "✓" if analysis.reachable == kernel.delivered else "✗ DISAGREE"
        rows.append([flow.text(), "yes" if flow.expected else "no", said, real, agree,
                     blocked_by(analysis)])
    return Table(["flow", expected, "analyzer", "kernel", "agree", "blocked at"], rows, comparisons.note)
