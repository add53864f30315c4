"""labs/subnet-plan: the mission's checks behave, and the reference plan is right by an independent oracle.

mission.verify() replays every step before and after its reference solution and every known
mistake of labs/subnet-plan/solutions/solution.py on fresh plans. The reference plan itself is
checked with the standard library's ipaddress (not netaddr, which the checks use), and the
room-to-grow packer against an exhaustive search.
"""
from __future__ import annotations

import ipaddress
import itertools
import random

import nbformat
import pytest
from netaddr import IPNetwork, IPSet

from helpers.errors import InputError
from helpers.experiments import subnet_plan as S
from tools import notebooks as nbtools

LAB = nbtools.ROOT / "labs" / "subnet-plan"


def solved() -> S.SubnetPlan:
    plan = S.SubnetPlan()
    S.subnet_plan_mission(plan).solve()
    return plan


def test_lab_files_are_in_place():
    for path in ("README.md", "source/mission.py", "mission.ipynb", "solutions/solution.py"):
        assert (LAB / path).exists(), path
    readme = (LAB / "README.md").read_text()
    for must in ("**Goal.**", "**Time:**", "**Prerequisites:**", "lesson 03"):
        assert must in readme


def test_every_step_has_a_solution_and_known_mistakes():
    mission = S.subnet_plan_mission()
    assert [s.key for s in mission.steps] == ["sizes", "vpc", "az-a", "az-c", "admin", "az-b", "app-rules"]
    for number in range(1, len(mission) + 1):
        assert callable(mission.solution(number))
        assert len(mission.mistakes(number)) >= 3, f"step {number} has too few known mistakes"


def test_every_check_behaves():
    mission = S.subnet_plan_mission()
    report = mission.verify(S.SubnetPlan.fresh)
    assert report.ok, repr(report)
    mistakes = sum(len(mission.mistakes(n)) for n in range(1, len(mission) + 1))
    assert len(report.lines) == len(mission) + mistakes + 1


def test_the_learner_notebook_holds_no_solution():
    nb = nbformat.read(LAB / "mission.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for answer in ("10.20.8.0/21", "10.20.8.0/23", "10.20.8.0/22", "10.20.14.0/25", '"app": 23'):
        assert answer not in code, f"the learner's notebook contains part of a solution: {answer!r}"
    assert "mission.check(7)" in code and "mission.check()" in code


def test_reference_plan_by_an_independent_oracle():
    plan = solved()
    space = ipaddress.ip_network("10.20.0.0/16")
    vpc = ipaddress.ip_network(plan.vpc)
    assert vpc.subnet_of(space)
    for used in ("10.20.0.0/22", "10.20.16.0/20"):
        assert not vpc.overlaps(ipaddress.ip_network(used))
    hosts = {"web": 100, "app": 252, "db": 12, "admin": 4}
    subnets = {name: ipaddress.ip_network(str(s.network)) for name, s in plan.subnets.items()}
    assert len(subnets) == 10
    for name, net in subnets.items():
        need = hosts[name.split("-")[0]]
        assert net.subnet_of(vpc), name
        assert 16 <= net.prefixlen <= 28, name
        assert net.num_addresses - 5 >= need, f"{name} cannot hold {need} instances in AWS"
        # the smallest that fits: half of it would not
        assert net.prefixlen == 28 or net.num_addresses // 2 - 5 < need, f"{name} is larger than needed"
    for (a, x), (b, y) in itertools.combinations(subnets.items(), 2):
        assert not x.overlaps(y), f"{a} and {b} overlap"
    # every tier in three different AZs, admin in one of today's
    for tier in ("web", "app", "db"):
        assert {plan.subnets[f"{tier}-{z}"].az for z in "acb"} == {"a", "b", "c"}
    assert plan.subnets["admin"].az in ("a", "c")
    # the database rules: exactly the app subnets, in as few blocks as possible
    apps = [subnets[n] for n in ("app-a", "app-c", "app-b")]
    rules = [ipaddress.ip_network(r) for r in plan.app_rules]
    covered = set(itertools.chain.from_iterable(r.subnets(new_prefix=23) for r in rules))
    assert covered == set(apps)
    assert len(rules) == len(list(ipaddress.collapse_addresses(apps)))
    # a /21 is the smallest block for 2,032 addresses
    assert vpc.prefixlen == 21 and sum(n.num_addresses for n in subnets.values()) == 2032


def test_brief_numbers_match_the_arithmetic():
    assert S.NEEDED_TODAY == 2 * (128 + 512 + 32) + 16
    assert S.NEEDED_WITH_GROWTH == 3 * (128 + 512 + 32) + 16
    assert S.VPC_PREFIX == 21


def brute_force_fits(space: IPNetwork, used: list[IPNetwork], prefixes: list[int]) -> bool:
    """Try every placement of every block (small spaces only)."""
    free = IPSet([space]) - IPSet(used)

    def place(remaining, free_set):
        if not remaining:
            return True
        prefix, rest = remaining[0], remaining[1:]
        for start in range(space.first, space.last + 1, 1 << (32 - prefix)):
            block = IPNetwork((start, prefix))
            if IPSet([block]).issubset(free_set) and place(rest, free_set - IPSet([block])):
                return True
        return False

    return place(prefixes, free)


def test_room_to_grow_packer_agrees_with_exhaustive_search():
    rng = random.Random(7)
    space = IPNetwork("10.0.0.0/26")  # 64 addresses: exhaustive search stays small
    for _ in range(150):
        used = []
        for _ in range(rng.randint(0, 3)):
            prefix = rng.randint(28, 30)
            start = space.first + rng.randrange(0, 64, 1 << (32 - prefix))
            block = IPNetwork((start, prefix))
            if not any(block in u or u in block for u in used):
                used.append(block)
        prefixes = [rng.randint(27, 30) for _ in range(rng.randint(1, 5))]
        free = IPSet([space]) - IPSet(used)
        placed, stuck = S.pack(free, [(f"s{i}", p) for i, p in enumerate(prefixes)])
        assert (stuck is None) == brute_force_fits(space, used, prefixes), (used, prefixes)
        if stuck is None:
            blocks = list(placed.values())
            assert all(IPSet([b]).issubset(free) for b in blocks)
            assert sum(b.size for b in blocks) == IPSet(blocks).size  # no two placements overlap


def test_a_learner_path_with_a_fix_midway():
    plan = S.SubnetPlan()
    mission = S.subnet_plan_mission(plan)
    mission.solve(2)
    plan.add("app-a", "10.20.8.0/23", az="a")
    plan.add("web-a", "10.20.10.0/25", az="a")
    plan.add("db-a", "10.20.12.0/27", az="a")
    hint = mission.check(3)
    assert not hint.ok and "cut into pieces" in hint.message and "app-c and app-b" in hint.message
    plan.add("web-a", "10.20.14.0/25", az="a")
    plan.add("db-a", "10.20.15.128/27", az="a")
    assert mission.check(3).ok
    assert "10.20.10.0/23" in repr(plan)  # the free space is listed
    progress = mission.check()
    assert progress.done == 3 and not progress.complete


def test_plan_input_errors_are_one_sentence():
    plan = S.SubnetPlan()
    with pytest.raises(InputError, match="not an Availability Zone"):
        plan.add("web-a", "10.20.14.0/25", az="z")
    with pytest.raises(InputError, match="has no prefix"):
        plan.add("web-a", "10.20.14.0", az="a")
    with pytest.raises(InputError, match="no subnet 'web-x'"):
        plan.remove("web-x")
    assert plan.add("web-a", "10.20.14.0/25", az="ap-northeast-2a").az == "a"
    with pytest.raises(InputError, match="valid VPC block"):
        plan.as_plan()


def test_chart_data_follows_the_plan():
    plan = solved()
    drawn = plan.as_plan()
    assert drawn.parent == IPNetwork("10.20.8.0/21")
    assert [str(n) for n in drawn.free] == ["10.20.15.240/28"]
    assert drawn.used_addresses == 2032


def test_reveal_shows_the_reference_to_instructors(monkeypatch):
    monkeypatch.delenv("NETCOURSE_INSTRUCTOR", raising=False)
    mission = S.subnet_plan_mission()
    assert "10.20.8.0/21" not in repr(mission.reveal(2))
    assert 'plan.vpc = "10.20.8.0/21"' in repr(mission.reveal(2, instructor=True))
