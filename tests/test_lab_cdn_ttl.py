"""labs/cdn-ttl: the model half of the checks by independent arithmetic, the learner's notebook,
and (live) every step and known mistake of the reference solutions on a real nginx edge.

mission.verify() replays every step before and after its reference solution and every known
mistake of labs/cdn-ttl/solutions/solution.py, on one shared live lab.
"""
from __future__ import annotations

import re
import shutil

import nbformat
import pytest

from helpers.experiments import l12
from helpers.sim import cdn
from tests.conftest import live_mode_or_skip, tool_or_skip
from tools import notebooks as nbtools

LAB = nbtools.ROOT / "labs" / "cdn-ttl"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")


def model_world() -> l12.TtlWorld:
    return l12.TtlWorld(None, owns_lab=False)


def test_lab_files_are_in_place():
    for path in ("README.md", "source/mission.py", "mission.ipynb", "solutions/solution.py"):
        assert (LAB / path).exists(), path
    readme = (LAB / "README.md").read_text()
    for must in ("**Goal.**", "**Time:**", "**Prerequisites:**", "lesson 12"):
        assert must in readme
    assert (nbtools.ROOT / "helpers" / "lab" / "recordings" / f"{l12.MISSION_LAB}.json").exists()
    row = next(line for line in (nbtools.ROOT / "labs" / "README.md").read_text().splitlines() if "cdn-ttl/" in line)
    assert "being built" not in row and "(cdn-ttl/mission.ipynb)" in row


def test_every_step_has_a_solution_and_known_mistakes():
    mission = l12.ttl_mission()
    assert [s.key for s in mission.steps] == ["classify", "headers", "ttl", "behavior", "deploys", "live"]
    for number in range(1, len(mission) + 1):
        assert callable(mission.solution(number))
        assert len(mission.mistakes(number)) >= 4


def test_the_learner_notebook_holds_no_solution():
    nb = nbformat.read(LAB / "mission.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for answer in ("no-store", "max-age=", "page_ttl = 3", 'Behavior("/api/*"', "= 1.0", '"versioned"', "world.apply()\n"):
        assert answer not in code, f"the learner's notebook contains part of a solution: {answer!r}"
    assert "mission.check(6)" in code and "world.close()" in code


def test_model_steps_pass_and_fail_without_a_lab():
    mission = l12.ttl_mission()
    world = model_world()
    for number in range(1, 6):
        assert not mission.check(number, target=world).ok
        mission.solution(number)(world)
        assert mission.check(number, target=world).ok, mission.check(number, target=world).message
    for number in range(1, 6):
        for mistake in mission.mistakes(number):
            world = model_world()
            for earlier in range(1, number):
                mission.solution(earlier)(world)
            mistake.apply(world)
            feedback = mission._run_check(mission.steps[number - 1], world)
            assert not feedback.ok and mistake.hint in feedback.message, (mistake.name, feedback.message)


def test_the_reference_ttl_meets_the_brief_by_its_own_replay():
    """Recomputed with the model directly (not through the check): hit ratio and staleness of 300 s."""
    trace = cdn.zipf_trace(20000, seed=12, page_update_every=l12.PAGE_UPDATE_EVERY)
    stats = cdn.replay(trace, cdn.lesson_distribution(trace.site, ttl=300))
    assert stats.hit_ratio >= l12.TARGET_HIT_RATIO and stats.stale_share <= l12.STALE_BUDGET
    short = cdn.replay(trace, cdn.lesson_distribution(trace.site, ttl=60))
    long = cdn.replay(trace, cdn.lesson_distribution(trace.site, ttl=3600))
    assert short.hit_ratio < l12.TARGET_HIT_RATIO and long.stale_share > l12.STALE_BUDGET


def test_the_reference_headers_by_the_ttl_rules():
    world = model_world()
    mission = l12.ttl_mission(world)
    mission.solve(upto=5, target=world)
    ttl = {p: l12.HONOUR_ORIGIN.ttl(h) for p, h in world.headers.items()}
    assert ttl == {"/index.html": 300, "/static/logo.png": 86400, "/static/app.3f9a1c.js": 31536000,
                   "/account/orders": 0, "/api/cart": 0}
    assert world.invalidation_cost == cdn.invalidation_cost(1200) == pytest.approx((1200 - 1000) * 0.005)
    text = l12.nginx_config(world.behaviors)
    assert re.search(r"location /api/ \{[^}]*proxy_cache_bypass 1;", text)


def test_every_check_behaves_on_a_real_nginx():
    live_mode_or_skip()
    tool_or_skip(NGINX, "nginx")
    lab = l12.CdnLab(name="test-cdn-ttl")
    lab.start()
    try:
        mission = l12.ttl_mission()
        report = mission.verify(lambda: l12.TtlWorld.fresh(shared=lab))
        assert report.ok, repr(report)
        mistakes = sum(len(mission.mistakes(n)) for n in range(1, len(mission) + 1))
        assert len(report.lines) == len(mission) + mistakes + 1
        # the last world left the solved settings running: real requests show them
        assert [lab.get("/static/app.3f9a1c.js").cache_status for _ in range(2)] == ["HIT", "HIT"]
        assert lab.get("/api/cart").cache_status == "BYPASS"
        assert lab.get("/account/orders").cache_status == "MISS"
    finally:
        lab.stop()
