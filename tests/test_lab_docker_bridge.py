"""labs/docker-bridge: the mission's checks behave on a real lab, and the lab's files are in place.

mission.verify() replays, on fresh labs, every step before and after its reference solution and
every known mistake of labs/docker-bridge/solutions/solution.py: a step must fail before its
solution (no check that always passes), pass after it, and each mistake must get its own hint.
"""
from __future__ import annotations

import json

import nbformat

from helpers.experiments import l08
from helpers.missions import run
from tests.conftest import live_mode_or_skip
from tools import notebooks as nbtools

LAB = nbtools.ROOT / "labs" / "docker-bridge"


def test_lab_files_are_in_place():
    assert (LAB / "README.md").exists() and (LAB / "source" / "mission.py").exists()
    assert (LAB / "mission.ipynb").exists() and (LAB / "solutions" / "solution.py").exists()
    readme = (LAB / "README.md").read_text()
    for must in ("**Goal.**", "**Time:**", "**Prerequisites:**"):
        assert must in readme


def test_every_step_has_a_solution_and_known_mistakes():
    mission = l08.docker_bridge_mission()
    keys = [step.key for step in mission.steps]
    assert keys == ["bridge", "web", "app", "routes", "outbound", "publish"]
    for number in range(1, len(mission) + 1):
        assert callable(mission.solution(number))
        assert mission.mistakes(number), f"step {number} has no known mistakes to test its hints"


def test_the_learner_notebook_holds_no_solution():
    nb = nbformat.read(LAB / "mission.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for answer in ("ip link add docker0", "MASQUERADE", "--to-destination 172.17.0.2:80", "master docker0"):
        assert answer not in code, f"the learner's notebook contains part of a solution: {answer!r}"
    assert "mission.check(6)" in code and "mission.check()" in code


def test_reveal_shows_real_commands_to_instructors(monkeypatch):
    monkeypatch.delenv("NETCOURSE_INSTRUCTOR", raising=False)
    mission = l08.docker_bridge_mission()
    assert "ip link add" not in repr(mission.reveal(2))
    shown = repr(mission.reveal(6, instructor=True))
    assert "iptables -t nat -A DOCKER ! -i docker0 -p tcp --dport 8080" in shown


def test_every_check_behaves_on_real_labs():
    live_mode_or_skip()
    report = l08.docker_bridge_mission().verify(lambda: l08.DockerWorld.fresh(lazy_servers=True))
    assert report.ok, repr(report)
    # 6 steps before/after, one run per known mistake, one with everything applied
    mistakes = sum(len(l08.docker_bridge_mission().mistakes(n)) for n in range(1, 7))
    assert len(report.lines) == 6 + mistakes + 1


def test_a_learner_path_with_a_fix_midway():
    """What a learner does: a wrong DNAT port, the hint, the fix, then the mission is complete."""
    live_mode_or_skip()
    world = l08.DockerWorld.fresh()
    try:
        mission = l08.docker_bridge_mission(world)
        mission.solve(5)
        dhost = world.dhost
        run(dhost, "iptables -t nat -N DOCKER", check=True)
        run(dhost, "iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER", check=True)
        run(dhost, "iptables -t nat -A DOCKER -p tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:8080",
            check=True)
        assert world.inet.tcp_connect("203.0.113.2", 8080).error == "refused"  # DNAT'd to a closed port
        hint = mission.check(6)
        assert not hint.ok and "wrong port" in hint.message
        run(dhost, "iptables -t nat -R DOCKER 1 -p tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80",
            check=True)
        assert mission.check(6).ok
        progress = mission.check()
        assert progress.complete and progress.done == 6
    finally:
        world.close()


# ---------------------------------------------------------------------------- checks on canned state
# The same checks, fed recorded command outputs instead of a lab: the hints that need no probe are
# tested even where no live lab runs.

DHOST_LINKS = json.dumps([
    {"ifindex": 1, "ifname": "lo", "flags": ["LOOPBACK", "UP"], "linkinfo": None},
    {"ifindex": 2, "link_index": 2, "ifname": "eth0", "flags": ["UP"], "link_netnsid": 0,
     "linkinfo": {"info_kind": "veth"}},
    {"ifindex": 3, "ifname": "docker0", "flags": ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"],
     "linkinfo": {"info_kind": "bridge"}},
    {"ifindex": 4, "link_index": 2, "ifname": "vethweb", "flags": ["UP"], "master": "docker0", "link_netnsid": 1,
     "linkinfo": {"info_kind": "veth", "info_slave_kind": "bridge"}},
])
WEB_LINKS = json.dumps([
    {"ifindex": 1, "ifname": "lo", "flags": ["LOOPBACK", "UP"]},
    {"ifindex": 2, "link_index": 4, "ifname": "eth0", "flags": ["UP"], "link_netnsid": 0,
     "linkinfo": {"info_kind": "veth"}},
])


def addresses(**by_interface):
    return json.dumps([{"ifindex": n, "ifname": name, "addr_info": [
        {"family": "inet", "local": a.split("/")[0], "prefixlen": int(a.split("/")[1])} for a in addrs]}
        for n, (name, addrs) in enumerate(by_interface.items(), start=1)])


class CannedWorld(l08.DockerWorld):
    def __init__(self, **outputs):
        super().__init__(lab=None)
        self.outputs = {tuple(key.split(":", 1)): value for key, value in outputs.items()}

    def output(self, node, command):
        return self.outputs.get((node, command), "")


def canned(nat="", docker0="172.17.0.1/16", web_address="172.17.0.2/16", routes="[]", forward="1", filter_rules=""):
    return CannedWorld(**{
        "dhost:ip -j -d link show": DHOST_LINKS,
        "dhost:ip -j addr show": addresses(lo=["127.0.0.1/8"], eth0=["203.0.113.2/24"], docker0=[docker0]),
        "web:ip -j -d link show": WEB_LINKS,
        "web:ip -j addr show": addresses(lo=["127.0.0.1/8"], eth0=[web_address]),
        "web:ip -j route show": routes,
        "app:ip -j route show": routes,
        "dhost:cat /proc/sys/net/ipv4/ip_forward": forward + "\n",
        "dhost:iptables -t nat -S": nat,
        "dhost:iptables -t filter -S": filter_rules,
    })


def test_canned_bridge_and_container_hints():
    assert "prefix must be /16" in l08.check_bridge(canned(docker0="172.17.0.1/24")).message
    assert l08.check_bridge(canned()).ok
    assert l08.container_problem(canned(), "web") is None
    assert "use /16" in l08.container_problem(canned(web_address="172.17.0.2/24"), "web")
    assert "outside docker0's network" in l08.container_problem(canned(web_address="192.168.0.2/16"), "web")


def test_canned_route_and_masquerade_hints():
    assert l08.check_routes(canned()).message.startswith("no route: web")
    good = json.dumps([{"dst": "default", "gateway": "172.17.0.1", "dev": "eth0"}])
    assert l08.check_routes(canned(routes=good)).ok
    assert "ip_forward is 0" in l08.check_outbound(canned(forward="0")).message
    negated = "-A POSTROUTING ! -s 172.17.0.0/16 -o eth0 -j MASQUERADE\n"
    assert "leaves out the containers" in l08.check_outbound(canned(nat=negated)).message
    wrong_uplink = "-A POSTROUTING -s 172.17.0.0/16 -o eth7 -j MASQUERADE\n"
    assert "leaving by eth7" in l08.check_outbound(canned(nat=wrong_uplink)).message
    dropped = "-P FORWARD DROP\n-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
    # replies may come in, but nothing from the containers may go out
    assert "policy DROP" in l08.check_outbound(canned(filter_rules=dropped)).message
    allowed = dropped + "-A FORWARD -i docker0 ! -o docker0 -j ACCEPT\n"
    assert "nothing rewrites" in l08.check_outbound(canned(filter_rules=allowed)).message


def test_canned_publish_hints():
    unreachable = ("-N MINE\n-A MINE ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT "
                   "--to-destination 172.17.0.2:80\n")
    assert "nothing jumps there from PREROUTING" in l08.check_publish(canned(nat=unreachable)).message
    udp = "-A PREROUTING -p udp -m udp --dport 8080 -j DNAT --to-destination 172.17.0.2:80\n"
    assert "-p tcp" in l08.check_publish(canned(nat=udp)).message
    inside_only = "-A PREROUTING -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80\n"
    assert "arriving from docker0" in l08.check_publish(canned(nat=inside_only)).message
    no_port = "-A PREROUTING -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2\n"
    assert "DNAT to the wrong port" in l08.check_publish(canned(nat=no_port)).message
    gateway = "-A PREROUTING -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.1:80\n"
    assert "docker0's own address" in l08.check_publish(canned(nat=gateway)).message
