"""labs/tune-load-balancer: the model half of the checks, the HAProxy config the reference produces,
and (live) every check on a real HAProxy.

mission.verify() replays every step before and after its reference solution and every known
mistake of labs/tune-load-balancer/solutions/solution.py, on one shared live lab.
"""
from __future__ import annotations

import re
import shutil
import subprocess

import nbformat
import pytest

from helpers.experiments import l10
from helpers.experiments import tune_lb as T
from helpers.missions import run
from tests.conftest import live_mode_or_skip, tool_or_skip
from tools import notebooks as nbtools

LAB = nbtools.ROOT / "labs" / "tune-load-balancer"
HAPROXY = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/sbin")


def offline_world() -> T.TuneWorld:
    """A world whose lab is declared but never started: enough for the model half of the checks."""
    return T.TuneWorld(l10.LoadBalancerLab(name="test-tune-model"), T.initial_model(), owns_lab=False)


def solved_model():
    world = offline_world()
    mission = T.tune_mission(world)
    world.apply = lambda: None  # model only: nothing to restart
    mission.solve(target=world)
    return world.alb


def test_lab_files_are_in_place():
    for path in ("README.md", "source/mission.py", "mission.ipynb", "solutions/solution.py"):
        assert (LAB / path).exists(), path
    readme = (LAB / "README.md").read_text()
    for must in ("**Goal.**", "**Time:**", "**Prerequisites:**", "lesson 10"):
        assert must in readme
    assert (nbtools.ROOT / "helpers" / "lab" / "recordings" / f"{T.LAB_NAME}.json").exists()


def test_every_step_has_a_solution_and_known_mistakes():
    mission = T.tune_mission()
    assert [s.key for s in mission.steps] == ["health", "timing", "routing", "sticky"]
    for number in range(1, len(mission) + 1):
        assert callable(mission.solution(number))
        assert len(mission.mistakes(number)) >= 4


def test_the_learner_notebook_holds_no_solution():
    nb = nbformat.read(LAB / "mission.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for answer in ('path="/health"', '"/api/*"', "Stickiness(3600)", "unhealthy_threshold=2", "rules.clear()"):
        assert answer not in code, f"the learner's notebook contains part of a solution: {answer!r}"
    assert "mission.check(4)" in code and "world.close()" in code


def test_the_inherited_model_breaks_the_brief():
    alb = T.initial_model()
    web = alb.target_groups["web"]
    assert T.web_status(web.health_check.path) == 404          # every check fails
    assert web.health_check.unhealthy_threshold * web.health_check.interval > T.MAX_OUT
    assert alb.route(path="/api/orders").target_group == "web"  # the exact pattern misses it
    assert web.stickiness is None


def test_model_hints_without_a_lab():
    world = offline_world()
    assert "answer with 404" in T.check_health(world).message
    world.alb.target_groups["web"].health_check.path = "/health"
    # right model, never applied: the lab has no running config
    assert "run world.apply()" in T.check_health(world).message
    check = world.alb.target_groups["web"].health_check
    check.interval, check.timeout = 5, 4
    assert "up to 50 s" in T.check_timing(world).message
    check.timeout = 5
    assert "must be shorter than the interval" in T.check_timing(world).message


def test_reference_model_meets_the_brief_by_arithmetic():
    alb = solved_model()
    check = alb.target_groups["web"].health_check
    assert check.path == "/health" and T.web_status(check.path) == 200
    assert 2 <= check.unhealthy_threshold and check.unhealthy_threshold * check.interval <= 30
    assert check.healthy_threshold * check.interval <= 60 and check.timeout < check.interval
    routes = {p: alb.route(path=p).target_group for p in ("/api/orders", "/api/users/7", "/", "/api-guide.html")}
    assert routes == {"/api/orders": "api", "/api/users/7": "api", "/": "web", "/api-guide.html": "web"}
    assert alb.target_groups["web"].stickiness.duration >= 3600 and alb.target_groups["api"].stickiness is None


def test_reference_haproxy_config_says_what_the_brief_asks():
    text = l10.haproxy_config(solved_model())
    web = text.split("\nbackend web")[1].split("\n\n")[0]
    api = text.split("\nbackend api")[1].split("\n\n")[0]
    assert "option httpchk GET /health " in web
    # 10 s interval at the lab clock (x0.02) is 200 ms; out after 2 failures, back after 3 passes
    assert "default-server inter 200ms fall 2 rise 3" in web
    assert 'cookie AWSALB insert indirect nocache attr "Max-Age=3600"' in web and "cookie" not in api
    assert re.search(r"acl rule10_1 path -m reg '\^/api/\.\*\$'", text)
    for probe, expected in (("/api/orders", True), ("/api-guide.html", False), ("/api", False)):
        assert bool(re.match(l10._regex("/api/*"), probe)) is expected


@pytest.mark.skipif(not HAPROXY, reason="haproxy is not installed")
def test_haproxy_accepts_the_reference_config(tmp_path):
    (tmp_path / "haproxy.cfg").write_text(l10.haproxy_config(solved_model()))
    done = subprocess.run([HAPROXY, "-c", "-f", str(tmp_path / "haproxy.cfg")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_check_behaves_on_a_real_haproxy():
    live_mode_or_skip()
    tool_or_skip(HAPROXY, "haproxy")
    lab = l10.LoadBalancerLab(name="test-tune-lb")
    lab.start()
    try:
        mission = T.tune_mission()
        report = mission.verify(lambda: T.TuneWorld.fresh(shared=lab))
        assert report.ok, repr(report)
        mistakes = sum(len(mission.mistakes(n)) for n in range(1, len(mission) + 1))
        assert len(report.lines) == len(mission) + mistakes + 1
        # the last world left the solved configuration running: a real request shows it
        answer = run(lab.client, f"curl -s -i 'http://{l10.FRONT_IP}/api/orders'")
        assert "API answer from api" in answer.output
        cookie = run(lab.client, f"curl -s -i 'http://{l10.FRONT_IP}/'")
        assert re.search(r"(?i)set-cookie: AWSALB=web\d", cookie.output)
    finally:
        lab.stop()
