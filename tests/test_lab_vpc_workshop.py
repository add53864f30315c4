"""labs/vpc-workshop: the mission's checks behave, by the analyzer alone and with the live network.

mission.verify() replays, on fresh models, every step before and after its reference solution and
every known mistake of labs/vpc-workshop/solutions/solution.py: a step must fail before its
solution (no check that always passes), pass after it, and each mistake must get its own hint.
It runs twice: offline (the analyzer alone) and live (each passing step also sends its flows
through a real network built from the model, and the kernel must agree).
"""
from __future__ import annotations

import nbformat

from helpers.experiments import l09
from tests.conftest import live_mode_or_skip
from tools import notebooks as nbtools

LAB = nbtools.ROOT / "labs" / "vpc-workshop"


def test_lab_files_are_in_place():
    assert (LAB / "README.md").exists() and (LAB / "source" / "mission.py").exists()
    assert (LAB / "mission.ipynb").exists() and (LAB / "solutions" / "solution.py").exists()
    readme = (LAB / "README.md").read_text()
    for must in ("**Goal.**", "**Time:**", "**Prerequisites:**", "offline"):
        assert must in readme


def test_every_step_has_a_solution_and_known_mistakes():
    mission = l09.workshop_mission()
    assert [step.key for step in mission.steps] == ["subnets", "internet-gateway", "nat-gateway", "bastion", "app",
                                                    "admin-acl"]
    for number in range(1, len(mission) + 1):
        assert callable(mission.solution(number))
        assert len(mission.mistakes(number)) >= 3, f"step {number} needs known mistakes to test its hints"


def test_the_learner_notebook_holds_no_solution():
    nb = nbformat.read(LAB / "mission.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for answer in ("add_vpc(\"workshop\"", "add_vpc('workshop'", "add_nat_gateway(", "allow_inbound(\"tcp\", 22",
                   "add_network_acl("):
        assert answer not in code, f"the learner's notebook contains part of a solution: {answer!r}"
    assert "mission.check(6)" in code and "mission.check()" in code


def test_offline_the_analyzer_checks_alone_and_says_so():
    report = l09.workshop_mission().verify(lambda: l09.WorkshopWorld.fresh(live=False))
    assert report.ok, repr(report)
    world = l09.WorkshopWorld.fresh(live=False)
    mission = l09.workshop_mission(world)
    mission.solve()
    feedback = mission.check(6)
    assert feedback.ok and "Offline: checked by the analyzer alone" in feedback.message


def test_the_checks_test_on_a_copy_and_leave_the_model_alone():
    world = l09.WorkshopWorld.fresh(live=False)
    mission = l09.workshop_mission(world)
    mission.solve(3)
    before = len(world.cloud.instances), len(world.cloud.security_groups)
    assert mission.check(3).ok
    assert (len(world.cloud.instances), len(world.cloud.security_groups)) == before
    tested = world.with_tests()
    assert sorted(i.name for i in tested.instances.values()) == sorted(l09.test_name(s) for s in l09.SUBNETS)


def test_every_check_behaves_on_real_networks():
    live_mode_or_skip()
    mission = l09.workshop_mission()
    report = mission.verify(lambda: l09.WorkshopWorld.fresh(live=True))
    assert report.ok, repr(report)
    mistakes = sum(len(mission.mistakes(n)) for n in range(1, 7))
    assert len(report.lines) == 6 + mistakes + 1
    # a finished workshop: the last step's evidence comes from the kernel
    world = l09.WorkshopWorld.fresh(live=True)
    try:
        mission = l09.workshop_mission(world)
        mission.solve()
        feedback = mission.check(5)
        assert feedback.ok and "Checked for real" in feedback.message
        assert "tcp bastion → app 10.0.11.4 port 22: delivered" in feedback.message
        assert "tcp test-pub-c → app 10.0.11.4 port 22: blocked" in feedback.message
        mine = world.build("09-test-mine")
        table = mine.compare_many([("the internet", "bastion", "tcp", 22), ("the internet", "app", "tcp", 22),
                                   ("app", "the internet", "tcp", 443)])
        assert [c.kernel.delivered for c in table] == [True, False, True] and table.all_agree
    finally:
        world.close()
