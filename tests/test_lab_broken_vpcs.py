"""labs/broken-vpcs: five faults that differ from lesson 09's, checks that behave, repairs that are right.

mission.verify() replays every step before and after its reference solution and every known
mistake of labs/broken-vpcs/solutions/solution.py on fresh models. The reference repairs are also
checked by looking at the repaired models' parts directly, not through the analyzer the checks use.
"""
from __future__ import annotations

import nbformat
import pytest

from helpers.aws import analyze
from helpers.aws.scenarios import SCENARIOS
from helpers.errors import InputError
from helpers.experiments import broken_vpcs as B
from tools import notebooks as nbtools

LAB = nbtools.ROOT / "labs" / "broken-vpcs"


def test_lab_files_are_in_place():
    for path in ("README.md", "source/mission.py", "mission.ipynb", "solutions/solution.py"):
        assert (LAB / path).exists(), path
    readme = (LAB / "README.md").read_text()
    for must in ("**Goal.**", "**Time:**", "**Prerequisites:**", "lesson 09"):
        assert must in readme


def blocking_signature(cloud, question):
    result = analyze(cloud, *question)
    hop = result.blocked_at
    return result.code, hop.path, hop.kind, hop.direction


def test_the_five_faults_differ_from_the_lessons():
    lesson = {blocking_signature(s.build(), s.question) for s in SCENARIOS.values()}
    mine = [blocking_signature(c.build(), c.question) for c in B.CASES]
    assert len(set(mine)) == 5, "two cases fail the same way"
    for case, signature in zip(B.CASES, mine):
        assert signature not in lesson, f"{case.key} fails exactly like one of lesson 09's scenarios: {signature}"
    assert not {c.key for c in B.CASES} & set(SCENARIOS)


def test_each_broken_model_fails_its_complaint_and_meets_its_other_requirements():
    for case in B.CASES:
        cloud = case.build()
        result = analyze(cloud, *case.question)
        assert not result.reachable and result.code == case.code, case.key
        assert B._component_name(result) == case.blocked_at, case.key
        complaint = [r for r in case.requirements if (r.source, r.destination, r.protocol, r.port) == case.question]
        assert complaint and complaint[0].reachable, f"{case.key}: the complaint is not a requirement"


def test_every_step_has_a_solution_and_known_mistakes():
    mission = B.broken_vpcs_mission()
    assert len(mission) == 10
    for number in range(1, len(mission) + 1):
        assert callable(mission.solution(number))
        assert len(mission.mistakes(number)) >= 3, f"step {number} has too few known mistakes"


def test_every_check_behaves():
    mission = B.broken_vpcs_mission()
    report = mission.verify(B.BrokenVpcs.fresh)
    assert report.ok, repr(report)
    mistakes = sum(len(mission.mistakes(n)) for n in range(1, len(mission) + 1))
    assert len(report.lines) == len(mission) + mistakes + 1


def test_reference_repairs_change_the_right_parts():
    cases = B.BrokenVpcs()
    B.broken_vpcs_mission(cases).solve()
    # 1: the default route of app-rt leads to the NAT gateway that exists, and is active
    cloud = cases[1].cloud
    table = cloud.vpc("orders").route_table("app-rt")
    route = next(r for r in table.routes if r.destination == "0.0.0.0/0")
    nat2 = next(n for n in cloud.nat_gateways.values() if n.name == "orders-nat-2")
    assert route.target == nat2.id and table.route_state(route) == "active"
    assert not cloud.instance("orders-api").public_ip
    # 2: statuspage has an Elastic IP; mailer keeps its address
    cloud = cases[2].cloud
    page = cloud.instance("statuspage")
    assert page.eni.elastic_ip and cloud.elastic_ips[page.eni.elastic_ip].public_ip == page.public_ip
    assert cloud.instance("mailer").eni.elastic_ip is None
    # 3: the office's allow now comes before a deny of SSH from anywhere, which still exists
    entries = [e for e in cloud_acl(cases).entries if not e.egress]
    allow = next(e for e in entries if e.action == "allow" and e.cidr == "192.0.2.0/24")
    deny = next(e for e in entries if e.action == "deny" and e.cidr == "0.0.0.0/0" and e.ports == (22, 22))
    assert allow.number < deny.number
    # 4: web-sg lets 5432 out to db-sg only, and keeps HTTPS out
    vpc = cases[4].cloud.vpc("crm")
    outbound = vpc.security_group("web-sg").outbound
    assert any(r.ports == (5432, 5432) and r.group == vpc.security_group("db-sg").id for r in outbound)
    assert not any(r.cidr == "0.0.0.0/0" and r.protocol == "all" for r in outbound)
    assert any(r.ports == (443, 443) and r.cidr == "0.0.0.0/0" for r in outbound)
    # 5: the app VPC's attachment has a subnet in each of its AZs
    cloud = cases[5].cloud
    attachment = next(a for a in cloud.tgw_attachments.values() if a.name == "app-attach")
    assert {cloud.subnets[s].az for s in attachment.subnets} == {"ap-northeast-2a", "ap-northeast-2c"}
    assert not cloud.peerings


def cloud_acl(cases):
    return cases[3].cloud.vpc("ops").network_acl("admin-acl")


def test_another_right_repair_of_ticket_3_passes():
    """Numbering the office's allow before the deny is as right as renumbering the deny."""
    cases = B.BrokenVpcs()
    mission = B.broken_vpcs_mission(cases)
    mission.solve(5)
    cloud_acl(cases).allow_inbound(40, "tcp", 22, "192.0.2.0/24")
    assert mission.check(6).ok


def test_requirement_table_shows_state_not_the_diagnosis():
    table = B.BrokenVpcs()[1].requirements()
    text = repr(table)
    assert "not met yet" in text and "❌ blocked" in text
    assert "BAD_STATE_ROUTE" not in text and "app-rt" not in text


def test_workspace_input_errors_and_reset():
    cases = B.BrokenVpcs()
    with pytest.raises(InputError, match="no case 9"):
        cases[9]
    with pytest.raises(InputError, match="explanation code in quotes"):
        cases[1].diagnose("", "app-rt")
    assert cases["tgw-missing-az"].number == 5
    case = cases[2]
    case.cloud.allocate_address("x").associate("statuspage")
    case.diagnose("ENI_SG_RULES_MISMATCH", "status-sg")
    case.reset()
    assert case.code is None and case.cloud.instance("statuspage").public_ip is None


def test_the_learner_notebook_holds_no_solution():
    nb = nbformat.read(LAB / "mission.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for answer in ("BAD_STATE_ROUTE", "IGW_PRIVATE_IP", "TGW_ROUTE_AZ", "replace_route(", "allocate_address(",
                   "remove_entry(", "allow_outbound(", "attach_vpc("):
        assert answer not in code, f"the learner's notebook contains part of a solution: {answer!r}"
    assert "mission.check(10)" in code and "mission.check()" in code
