"""The five broken VPCs: each is broken the way its story says, and each judge tells fixes apart."""
from __future__ import annotations

import copy

import pytest

from helpers.aws.scenarios import SCENARIOS
from helpers.exercises import l09

EXPECTED = {  # key: (code, blocking kind, forward/return) as the VPC docs predict for that mistake
    "missing-igw-route": ("NO_ROUTE_TO_DESTINATION", "main route table", "return"),
    "nacl-no-ephemeral": ("SUBNET_ACL_RESTRICTION", "network ACL", "return"),
    "sg-wrong-reference": ("ENI_SG_RULES_MISMATCH", "security group", "forward"),
    "nat-in-private-subnet": ("NO_ROUTE_TO_DESTINATION", "route table", "forward"),
    "transitive-peering": ("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", "peering connection", "forward"),
}


def test_there_are_the_five_named_scenarios():
    assert set(SCENARIOS) == set(EXPECTED)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_broken_model_is_blocked_as_documented(key):
    scenario = SCENARIOS[key]
    result = scenario.build().analyze(*scenario.question)
    assert not result.reachable
    assert (result.code, result.blocking_kind, result.blocked_on) == EXPECTED[key]
    assert scenario.code == EXPECTED[key][0]


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_reference_fix_works_and_is_judged_fixed(key):
    scenario = SCENARIOS[key]
    fixed = scenario.fixed()
    assert fixed.analyze(*scenario.question).reachable
    assert scenario.judge(fixed) == "fixed"
    assert scenario.judge(scenario.build()) != "fixed"
    assert not fixed.validate().errors


def test_igw_fix_in_the_main_table_exposes_the_private_subnet():
    scenario = SCENARIOS["missing-igw-route"]
    cloud = scenario.build()
    cloud.vpc("shop").main.add_route("0.0.0.0/0", cloud.vpc("shop").internet_gateway)
    assert cloud.analyze(*scenario.question).reachable
    assert cloud.vpc("shop").subnet("private-a").is_public
    assert scenario.judge(cloud) == "private-exposed"


def test_acl_partial_range_is_recognised():
    scenario = SCENARIOS["nacl-no-ephemeral"]
    cloud = scenario.build()
    cloud.vpc("blog").network_acl("web-acl").allow_outbound(110, "tcp", "32768-60999")
    assert scenario.judge(cloud) == "partial-range"


def test_acl_two_rules_must_cover_the_whole_range():
    scenario = SCENARIOS["nacl-no-ephemeral"]
    cloud = scenario.build()
    acl = cloud.vpc("blog").network_acl("web-acl")
    acl.allow_outbound(110, "tcp", "1024-32767")
    acl.allow_outbound(120, "tcp", "32768-60999")
    assert scenario.judge(cloud) == "partial-range"    # 61000-65535 still falls to the * deny
    acl.allow_outbound(130, "tcp", "61000-65535")
    assert scenario.judge(cloud) == "fixed"


def test_sg_fix_judgements():
    scenario = SCENARIOS["sg-wrong-reference"]
    world = scenario.build()
    world.vpc("shop").security_group("app-sg").allow_inbound("tcp", 8080, "0.0.0.0/0")
    assert scenario.judge(world) == "too-open"
    cidr = scenario.build()
    cidr.vpc("shop").security_group("app-sg").allow_inbound("tcp", "8000-8100", "10.0.0.0/16")
    assert scenario.judge(cidr) == "cidr-instead"


def test_nat_fix_judgements():
    scenario = SCENARIOS["nat-in-private-subnet"]
    cloud = scenario.build()
    cloud.vpc("shop").route_table("data-rt").add_route("0.0.0.0/0", cloud.vpc("shop").internet_gateway)
    assert cloud.analyze(*scenario.question).reachable
    assert scenario.judge(cloud) == "data-public"


def test_peering_fix_with_a_transit_gateway_also_counts():
    scenario = SCENARIOS["transitive-peering"]
    cloud = scenario.build()
    app, logs = cloud.vpc("app"), cloud.vpc("logs")
    tgw = cloud.add_transit_gateway("hub")
    tgw.attach_vpc(app)
    tgw.attach_vpc(logs)
    app.main.replace_route("10.3.0.0/16", tgw)
    logs.main.replace_route("10.1.0.0/16", tgw)
    assert scenario.judge(cloud) == "fixed"


def test_peering_one_sided_fix_is_told_about_the_return_route():
    scenario = SCENARIOS["transitive-peering"]
    cloud = scenario.build()
    direct = cloud.peer(cloud.vpc("app"), cloud.vpc("logs"))
    cloud.vpc("app").main.replace_route("10.3.0.0/16", direct)
    assert scenario.judge(cloud) == "no-return-route"


@pytest.mark.parametrize("diagnose, fix, key", [
    ("diagnose_igw", "fix_igw", "missing-igw-route"), ("diagnose_acl", "fix_acl", "nacl-no-ephemeral"),
    ("diagnose_sg", "fix_sg", "sg-wrong-reference"), ("diagnose_nat", "fix_nat", "nat-in-private-subnet"),
    ("diagnose_peering", "fix_peering", "transitive-peering")])
def test_lesson_checks_for_each_scenario(diagnose, fix, key):
    scenario = SCENARIOS[key]
    assert getattr(l09, diagnose).check(scenario.code).ok
    broken = scenario.build()
    feedback = getattr(l09, fix).check(broken)
    assert not feedback.ok and feedback.message == scenario.verdicts[scenario.judge(broken)]
    repaired = copy.deepcopy(broken)
    scenario.fix(repaired)
    assert getattr(l09, fix).check(repaired).ok
    assert not getattr(l09, fix).check("the model").ok
