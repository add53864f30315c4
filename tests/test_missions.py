"""helpers.missions: the generic mission framework, on a small model and on a live lab.

The model is a toy "server configuration" (a dict) with two steps, so every behaviour of Mission
(ordering, waiting steps, hints, solutions kept in a separate file, reveal for instructors, and
verify catching broken checks and wrong hints) is tested without any lab.
"""
from __future__ import annotations

import textwrap

import pytest

from helpers.checks import Feedback
from helpers.errors import CourseError, InputError
from helpers.missions import Mission, Progress, Step, _translate, not_yet, passed, run
from tests.conftest import live_mode_or_skip


class Server:
    def __init__(self):
        self.config = {}
        self.refreshed = 0
        self.closed = False

    def refresh(self):
        self.refreshed += 1

    def close(self):
        self.closed = True


def check_address(server):
    address = server.config.get("address")
    if address is None:
        return not_yet("no address yet: set one.")
    if not address.startswith("10."):
        return not_yet(f"{address} is not in 10.0.0.0/8.")
    return passed("addressed.")


def check_gateway(server):
    if server.config.get("gateway") != "10.0.0.1":
        return not_yet("no gateway: the default route is missing.")
    return passed()


STEPS = [Step("Give it an address", "an address in 10.0.0.0/8", check_address, key="address"),
         Step("Default gateway", "gateway 10.0.0.1", check_gateway)]

SOLUTIONS = textwrap.dedent('''
    from helpers.missions import Mistake

    def address(server):
        """Any address in 10/8."""
        server.config["address"] = "10.0.0.5"

    def gateway(server):
        server.config["gateway"] = "10.0.0.1"

    SOLUTIONS = {"address": address, "default-gateway": gateway}
    MISTAKES = {
        "address": [Mistake("public address", lambda s: s.config.update(address="192.0.2.5"), "not in 10.0.0.0/8")],
        "default-gateway": [Mistake("nothing", lambda s: None, "default route is missing")],
    }
''')


@pytest.fixture
def solutions(tmp_path):
    path = tmp_path / "solution.py"
    path.write_text(SOLUTIONS)
    return path


def test_step_keys_come_from_titles_and_must_be_unique():
    assert STEPS[1].key == "default-gateway"
    with pytest.raises(ValueError):
        Mission("twice", [STEPS[0], STEPS[0]])
    with pytest.raises(ValueError):
        Mission("empty", [])


def test_check_one_step_and_earlier_steps_first():
    server = Server()
    mission = Mission("Toy", STEPS, target=server)
    first = mission.check(1)
    assert isinstance(first, Feedback) and not first.ok and first.message == "no address yet: set one."
    second = mission.check(2)
    assert not second.ok
    assert second.message.startswith("Step 1 (Give it an address) is not done yet: no address yet")
    server.config["address"] = "10.1.2.3"
    assert mission.check("address").ok
    assert mission.check(2).message == "no gateway: the default route is missing."
    assert server.refreshed == 4  # every round of checks refreshes the target's observations


def test_progress_table_marks_done_hint_and_waiting():
    server = Server()
    mission = Mission("Toy", STEPS + [Step("Third", "more", lambda s: passed())], target=server)
    progress = mission.check()
    assert isinstance(progress, Progress)
    assert [row.status for row in progress.rows] == ["not yet", "waiting", "waiting"]
    assert progress.headline() == "Toy: 0 of 3 steps done."
    server.config.update(address="10.0.0.9", gateway="10.0.0.1")
    progress = mission.check()
    assert progress.complete and "Mission complete" in repr(progress)
    assert "✅ done" in repr(progress) and "<table>" in progress._repr_html_()


def test_bad_step_numbers_get_a_sentence():
    mission = Mission("Toy", STEPS, target=Server())
    for bad in (0, 3, "gatway", True, 1.0, None):
        if bad is None:
            continue
        with pytest.raises(InputError, match="there is no step"):
            mission.check(bad)
    with pytest.raises(CourseError, match="nothing to check"):
        Mission("Toy", STEPS).check(1)


def test_a_check_that_raises_a_course_error_becomes_a_hint():
    def broken(_):
        raise CourseError("lab 'x' is not running; start it with lab.start().")

    mission = Mission("Toy", [Step("Only", "g", broken)], target=Server())
    feedback = mission.check(1)
    assert not feedback.ok and "not running" in feedback.message


def test_a_check_must_return_feedback():
    mission = Mission("Toy", [Step("Only", "g", lambda s: True)], target=Server())
    with pytest.raises(TypeError):
        mission.check(1)


def test_solutions_live_in_their_own_file_and_apply(solutions):
    server = Server()
    mission = Mission("Toy", STEPS, target=server, solutions=solutions)
    mission.solve(1)
    assert server.config == {"address": "10.0.0.5"}
    mission.solve()
    assert mission.check().complete


def test_reveal_needs_an_instructor(solutions, monkeypatch):
    monkeypatch.delenv("NETCOURSE_INSTRUCTOR", raising=False)
    mission = Mission("Toy", STEPS, target=Server(), solutions=solutions)
    hidden = repr(mission.reveal(1))
    assert "10.0.0.5" not in hidden and "instructor=True" in hidden
    shown = repr(mission.reveal(1, instructor=True))
    assert 'server.config["address"] = "10.0.0.5"' in shown and "Give it an address" in shown
    monkeypatch.setenv("NETCOURSE_INSTRUCTOR", "1")
    assert "10.0.0.5" in repr(mission.reveal(1))


def test_missing_solutions_file_is_one_sentence(tmp_path):
    mission = Mission("Toy", STEPS, target=Server(), solutions=tmp_path / "nowhere.py")
    with pytest.raises(CourseError, match="not here"):
        mission.solve()


def test_verify_accepts_a_good_mission_on_fresh_targets(solutions):
    made = []

    def fresh():
        made.append(Server())
        return made[-1]

    report = Mission("Toy", STEPS, solutions=solutions).verify(fresh)
    assert report.ok, report
    # before+after per step, one per mistake, one for everything at once
    assert len(made) == 2 + 2 + 1 and all(server.closed for server in made)


def test_verify_catches_a_check_that_always_passes_and_a_wrong_hint(solutions):
    lazy = [Step("Give it an address", "g", lambda s: passed(), key="address"),
            Step("Default gateway", "g", lambda s: not_yet("something else") if "gateway" not in s.config else passed())]
    report = Mission("Toy", lazy, solutions=solutions).verify(Server)
    assert not report.ok
    assert any("passes before its solution" in p for p in report.problems)
    assert any("public address" in p and "passes" in p for p in report.problems)
    assert any("lacks 'default route is missing'" in p for p in report.problems)


# ---------------------------------------------------------------------------- commands in nodes

def test_translate_replaces_node_names_only_where_a_namespace_is_named():
    names = {"web": "nclab12cd-web", "dhost": "nclab12cd-dhost", "web2": "nclab12cd-web2"}
    assert _translate("ip link add v1 type veth peer name eth0 netns web", names) == \
        "ip link add v1 type veth peer name eth0 netns nclab12cd-web"
    assert _translate("ip netns exec web2 ip link", names) == "ip netns exec nclab12cd-web2 ip link"
    assert _translate("ip netns pids web", names) == "ip netns pids nclab12cd-web"
    assert _translate("ip -n dhost link", names) == "ip -n nclab12cd-dhost link"
    # a node name elsewhere in the command is left alone, and so is a longer word
    assert _translate("echo web; ip link set web-veth netns webby", names) == \
        "echo web; ip link set web-veth netns webby"


def test_run_needs_a_node_and_a_command():
    with pytest.raises(InputError, match="lab node"):
        run("dhost", "ip link")


def test_run_in_a_live_lab_types_plain_names_and_hides_the_prefix(tmp_path):
    live_mode_or_skip()
    from helpers.lab import Lab

    lab = Lab("08-test-run")
    a, b = lab.host("a"), lab.host("b")
    with lab:
        with pytest.raises(InputError):
            run(a, "   ")
        made = run(a, "ip link add va type veth peer name eth0 netns b", check=True)
        assert made.command == "ip link add va type veth peer name eth0 netns b"
        seen = run(b, "ip -d link show eth0")
        assert "link-netns a" in seen.output and lab.prefix not in seen.output
        engine_view = a.run("ip -d link show va").output  # the engine's run translates names too
        assert "link-netns b" in engine_view and lab.prefix not in engine_view
        folder = tmp_path / "work"
        folder.mkdir()
        here = run(a, "pwd; echo $GREETING", cwd=folder, env={"GREETING": "hi"})
        assert here.command == "pwd; echo $GREETING"
        assert here.output.split() == [".", "hi"]
        with pytest.raises(InputError, match="variable name"):
            run(a, "true", env={"1bad": "x"})
        failed = run(a, "ip link show nosuch")
        assert not failed.ok and "nosuch" in failed.stderr
        with pytest.raises(CourseError, match="failed on a"):
            run(a, "ip link show nosuch", check=True)
