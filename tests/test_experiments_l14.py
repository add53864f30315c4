"""Lesson 14 (capstone): the design, the model and its analysis, and the live lab built from it."""
from __future__ import annotations

import ipaddress
import subprocess

import pytest

from helpers.aws import analyze, validate
from helpers.errors import InputError
from helpers.experiments import l14
from tests.conftest import live_mode_or_skip

AWS_RESERVED = 5


# ---------------------------------------------------------------------------- design

def test_design_gives_each_subnet_the_smallest_block_that_fits_inside_the_vpc():
    plan = l14.design()
    vpc = ipaddress.ip_network("10.0.0.0/16")
    nets = {s.name: ipaddress.ip_network(str(s.network)) for s in plan.subnets}
    assert set(nets) == set(l14.NEEDS)
    for name, net in nets.items():
        hosts = l14.NEEDS[name]
        assert net.subnet_of(vpc)
        assert net.num_addresses - AWS_RESERVED >= hosts, name
        # one bit longer would not hold them
        assert net.num_addresses // 2 - AWS_RESERVED < hosts, name
    names = sorted(nets)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not nets[a].overlaps(nets[b]), (a, b)
    assert nets["admin-a"].prefixlen == 28 and nets["private-a"].prefixlen == 23


# ---------------------------------------------------------------------------- the model

@pytest.fixture
def cloud():
    return l14.build()


def test_model_places_every_part_where_the_design_says(cloud):
    vpc = cloud.vpc("capstone")
    for subnet in vpc.subnets:
        assert subnet.az.endswith(subnet.name[-1])
    tables = {s.name: s.effective_route_table for s in vpc.subnets}
    for name in ("public-a", "public-c", "admin-a", "admin-c"):
        assert tables[name].lookup("192.0.2.1").target.startswith("igw-"), name
    for name in ("private-a", "private-c"):
        assert tables[name].lookup("192.0.2.1").target.startswith("nat-"), name
    for name in ("db-a", "db-c"):
        assert tables[name].lookup("192.0.2.1") is None, name
    nat = vpc.nat_gateways[0]
    assert nat.subnet_obj.name == "public-a" and nat.public_ip
    assert cloud.instance("web-a").public_ip is None and cloud.instance("db").public_ip is None
    assert cloud.instance("bastion").public_ip and cloud.instance("lb-a").public_ip and cloud.instance("lb-c").public_ip
    assert cloud.instance("web-a").az != cloud.instance("web-c").az
    assert {s.name for s in vpc.network_acl("admin-acl").subnets} == {"admin-a", "admin-c"}
    assert validate(cloud).errors == []


def test_security_groups_chain_tier_to_tier(cloud):
    vpc = cloud.vpc("capstone")
    groups = {g.id: g.name for g in vpc.security_groups}
    web = vpc.security_group("web-sg")
    assert {(r.ports, groups.get(r.group), r.cidr) for r in web.inbound} == {((80, 80), "lb-sg", None),
                                                                           ((22, 22), "bastion-sg", None)}
    db = vpc.security_group("db-sg")
    assert {groups.get(r.group) for r in db.inbound if r.ports in ((5432, 5432), (3306, 3306))} == {"web-sg"}
    assert [r.cidr for r in vpc.security_group("bastion-sg").inbound] == ["203.0.113.0/25"]


def test_refusals_are_real_aws_errors(cloud):
    refused = l14.refusals(cloud)
    codes = refused.column("AWS error")
    assert "(accepted)" not in codes
    assert {"InvalidSubnet.Conflict", "InvalidSubnet.Range", "InvalidGroup.Duplicate"} <= set(codes)
    assert len(cloud.vpc("capstone").subnets) == 8         # tried on copies only


# ---------------------------------------------------------------------------- analysis

def test_every_required_flow_is_as_designed(cloud):
    for flow in l14.REQUIRED:
        assert analyze(cloud, *flow.question).reachable == flow.expected, flow.text()
    assert set(l14.analyse(cloud).column("")) == {"✓"}


@pytest.mark.parametrize("source,destination,port,kind,code", [
    ("the internet", "web-a", 80, "internet gateway", "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"),
    ("the internet", "db", 5432, "internet gateway", "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"),
    ("db", "web-a", 80, "security group", "ENI_SG_RULES_MISMATCH"),
    ("lb-a", "db", 5432, "security group", "ENI_SG_RULES_MISMATCH"),
    ("bastion", "web-a", 80, "network ACL", "SUBNET_ACL_RESTRICTION"),
    ("db", "the internet", 443, "route table", "NO_ROUTE_TO_DESTINATION"),
])
def test_the_blocking_component_is_named(cloud, source, destination, port, kind, code):
    result = analyze(cloud, source, destination, "tcp", port)
    assert not result.reachable and result.code == code
    assert kind in l14.blocked_by(result)


def test_nat_gives_web_a_way_out_and_an_elastic_ip(cloud):
    result = analyze(cloud, "web-a", "the internet", "tcp", 443)
    assert result.reachable
    assert any(h.kind == "NAT gateway" for h in result.forward)


def test_audit_finds_only_the_opened_group(cloud):
    assert l14.audit(cloud).rows == []
    l14.DRILLS["open-web-sg"].breaks(cloud)
    rows = l14.audit(cloud).rows
    assert [r[0] for r in rows] == ["web-sg"] and "0.0.0.0/0" in rows[0][1]
    l14.DRILLS["open-web-sg"].fixes(cloud)
    assert l14.audit(cloud).rows == []


@pytest.mark.parametrize("key", sorted(l14.DRILLS))
def test_each_drill_breaks_what_it_says_and_the_fix_restores_the_design(cloud, key):
    case = l14.DRILLS[key]
    case.breaks(cloud)
    for flow in case.flows:
        assert analyze(cloud, *flow.question).reachable == flow.expected, flow.text()
    changed = [f for f in case.flows if any(r.question == f.question and r.expected != f.expected
                                           for r in l14.REQUIRED)]
    assert changed, "a drill must change at least one required flow"
    case.fixes(cloud)
    assert set(l14.analyse(cloud).column("")) == {"✓"}


def test_acl_drill_is_about_rule_order(cloud):
    l14.DRILLS["acl-order"].breaks(cloud)
    result = analyze(cloud, "the internet", "bastion", "tcp", 22)
    assert any(h.blocked and "90" in h.detail for h in result.hops)


def test_haproxy_config_forwards_to_both_private_web_servers(cloud):
    text = l14.haproxy_config(cloud)
    servers = [line.split() for line in text.splitlines() if line.strip().startswith("server ")]
    assert [s[1] for s in servers] == ["web-a", "web-c"]
    for _, name, target, *options in servers:
        address = ipaddress.ip_address(target.split(":")[0])
        subnet = ipaddress.ip_network(cloud.instance(name).subnet_obj.cidr)
        assert address in subnet and target.endswith(":80")
        assert "check" in options  # a target group health-checks its targets
    assert "bind :80" in text and "balance roundrobin" in text and "option httpchk GET /" in text


def test_learner_mistakes_get_one_sentence():
    with pytest.raises(InputError):
        l14.build("10.0.0.0/16")
    with pytest.raises(InputError):
        l14.drill("no-such-drill")
    with pytest.raises(InputError):
        l14.analyse("not a model")
    with pytest.raises(InputError):
        l14.design("10.0.0.0/24")          # 1,440 addresses do not fit in 256


# ---------------------------------------------------------------------------- live

def _namespaces() -> str:
    return subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def cap():
    live_mode_or_skip()
    lab = l14.CapstoneLab(l14.build(), name="14-capstone-test")
    lab.start()
    yield lab
    prefix = lab.lab.prefix
    lab.stop()
    assert prefix not in _namespaces()


def test_live_both_web_servers_answer_through_each_load_balancer_node(cap):
    for lb in l14.LB_NODES:
        result, answered = cap.through_lb(lb, 4)
        assert len(answered) == 4, result.output
        assert set(answered) == {"web-a", "web-c"}
        assert answered[0] != answered[1]           # round robin takes turns


def test_live_internet_cannot_reach_db_or_web_directly(cap):
    internet = cap.vlab.node("the internet")
    db = cap.cloud.instance("db").private_ip
    web = cap.cloud.instance("web-a").private_ip
    assert not internet.tcp_connect(db, 5432, timeout=1).open
    assert not internet.tcp_connect(web, 80, timeout=1).open
    # but from the web tier the database answers for real
    assert cap.vlab.node("web-a").tcp_connect(db, 5432, timeout=1).open


def test_live_kernel_agrees_with_analyzer_and_design_on_every_flow(cap):
    comparisons = cap.vlab.compare_many([f.question for f in l14.REQUIRED])
    for flow, comparison in zip(l14.REQUIRED, comparisons):
        assert comparison.kernel is not None
        assert comparison.kernel.delivered == comparison.analysis.reachable == flow.expected, flow.text()


@pytest.mark.parametrize("key", ["nat-route", "acl-order", "open-web-sg"])
def test_live_break_and_fix(cap, key):
    case = l14.DRILLS[key]
    broken = cap.drill(key, "break")
    assert broken.column("agree") == ["✓"] * len(case.flows)
    wanted = ["delivered" if f.expected else "not delivered" for f in case.flows]
    assert broken.column("kernel") == wanted
    assert cap.applied.rows, "the break changed something in the kernel"
    if key == "nat-route":
        applied = [r[1] for r in cap.applied.rows]
        assert any(a.startswith("ip route del default via") for a in applied)
        assert "ip route add blackhole default table 103" in applied
    fixed = cap.drill(key, "fix")
    assert fixed.column("agree") == ["✓"] * len(case.flows)
    designed = {r.question: r.expected for r in l14.REQUIRED}
    assert fixed.column("kernel") == ["delivered" if designed.get(f.question, not f.expected) else "not delivered"
                                      for f in case.flows]
    again = cap.vlab.compare_many([f.question for f in l14.REQUIRED])
    assert [c.kernel.delivered for c in again] == [f.expected for f in l14.REQUIRED]


def test_live_apply_without_changes_touches_nothing(cap):
    assert cap.apply().rows == []


def test_analyse_drill_works_on_a_copy(cloud):
    shown = l14.analyse_drill(cloud, "nat-route")
    assert shown.column("analyzer")[:2] == ["blocked", "blocked"]
    assert all("private-rt" in b for b in shown.column("blocked at")[:2])
    assert analyze(cloud, "web-a", "the internet", "tcp", 443).reachable     # the model itself is untouched
