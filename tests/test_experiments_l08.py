"""helpers.experiments.l08: the lesson's Docker host built by hand, checked on a real network.

Pure helpers are checked against independent computations (ipaddress as the oracle for the
MAC-from-address rule, hand-counted inode labels, properties of the drift model). The live part
walks the lesson once on one lab: a container as a process, image layers and a volume, then
docker0, two containers, masquerade and -p 8080:80, each observed with real probes.
"""
from __future__ import annotations

import ipaddress
import json

import pytest

from helpers.errors import InputError
from helpers.experiments import l08
from helpers.missions import run
from tests.conftest import live_mode_or_skip


# ---------------------------------------------------------------------------- pure helpers

@pytest.mark.parametrize("address", ["172.17.0.2", "172.17.0.3", "172.17.255.254", "10.1.2.3"])
def test_container_mac_is_02_42_then_the_address_bytes(address):
    expected = "02:42:" + ":".join(f"{b:02x}" for b in ipaddress.IPv4Address(address).packed)
    assert l08.container_mac(address) == expected


def test_label_inodes_gives_one_letter_per_namespace():
    rows = [("net", "net:[4026531840]", "net:[4026532177]"),
            ("user", "user:[4026531837]", "user:[4026531837]"),
            ("pid", "pid:[4026531836]", "pid:[4026532177]")]  # same inode number as the container's net
    labelled = l08.label_inodes(rows)
    assert labelled == [("net", "net:[A]", "net:[B]"), ("user", "user:[C]", "user:[C]"), ("pid", "pid:[D]", "pid:[B]")]


def test_drift_by_hand_grows_while_containers_stay_one():
    result = l08.simulate_drift(servers=20, days=120, change_chance=0.03)
    assert result.from_image == [1] * 120
    assert result.by_hand[0] <= 2 and result.by_hand[-1] > 10
    assert all(later >= 1 for later in result.by_hand)
    careful = l08.simulate_drift(servers=20, days=120, change_chance=0.0)
    assert careful.by_hand == [1] * 120
    again = l08.simulate_drift(servers=20, days=120, change_chance=0.03)
    assert again.by_hand == result.by_hand  # seeded: the same picture every run


def test_drift_rejects_nonsense_in_one_sentence():
    with pytest.raises(InputError, match="probability"):
        l08.simulate_drift(change_chance=3)
    with pytest.raises(InputError, match="servers"):
        l08.simulate_drift(servers=0)


@pytest.mark.parametrize("text, megabytes", [("7.2M\trootfs", 7.2), ("7168\tlayers", 7.0), ("1.5G\tx", 1536.0),
                                             ("512K\tx", 0.5)])
def test_size_in_mb_reads_du(text, megabytes):
    assert l08.size_in_mb(text) == pytest.approx(megabytes)


def test_size_in_mb_refuses_other_text():
    with pytest.raises(InputError):
        l08.size_in_mb("du: cannot access 'x'")


def test_vm_stacks_have_a_kernel_per_vm_and_one_for_containers():
    stacks = l08.vm_vs_container_stacks()
    assert sum("kernel" in label for label, _ in stacks["Virtual machines"]) == 3
    assert sum("kernel" in label for label, _ in stacks["Containers"]) == 1


def test_the_lab_declares_blank_containers():
    lab = l08.docker_lab()
    assert set(lab.nodes) == {"dhost", "inet", "web", "app", "tiny"}
    assert [i.name for i in lab["dhost"].interfaces] == ["eth0"]
    assert all(not lab[name].interfaces for name in ("web", "app", "tiny"))
    assert ipaddress.ip_address("172.17.0.2") in ipaddress.ip_network("172.17.0.0/16")
    lab._destination("172.17.0.2")  # probes may target the pool
    with pytest.raises(Exception):
        lab._destination("8.8.8.8")


# ---------------------------------------------------------------------------- live

@pytest.fixture(scope="module")
def docker():
    live_mode_or_skip()
    lab = l08.docker_lab("08-test-docker")
    with lab:
        yield lab


def test_a_container_is_a_process_in_its_own_namespaces(docker):
    built = l08.build_tiny_rootfs(docker)
    assert built.ok
    assert set(built[1].output.split()) >= {"rootfs:", "bin", "lib", "proc", "rootfs/bin:", "sh", "ps"}
    l08.start_container(docker)
    pid = l08.container_pid(docker)
    inside = l08.exec_in(docker, pid, "sh -c 'hostname; ls /; ps -o pid,comm'")
    lines = inside.output.split("\n")
    assert lines[0] == l08.TINY_HOSTNAME
    assert "1 sleep" in " ".join(inside.output.split())  # the container's program is PID 1 inside
    assert "usr" not in lines  # the host's folders are not there
    table = l08.namespace_table(docker, pid)
    for kind in ("net", "pid", "mnt", "uts", "ipc", "cgroup"):
        assert not table.shared(kind), kind
    assert table.shared("user")
    assert "same kernel release" in repr(l08.same_kernel(docker, pid))


def test_layers_copy_up_and_whiteout_and_a_volume_survives(docker):
    if not (docker.workdir / "rootfs").exists():
        l08.build_tiny_rootfs(docker)
    l08.make_image_layers(docker)
    merged = l08.show_merged(docker, "t1")
    assert merged[1].output.split()[-2:] == ["version", "1"]
    changed = l08.change_in_container(docker, "t1")
    assert changed[0].output.split("\n")[0] == "version 2"
    upper = dict(reversed(line.split(" ", 1)) for line in changed[1].output.splitlines())
    assert upper["app/index.html"] == "f" and upper["etc/motd"] == "c" and upper["app/cache"] == "f"
    assert changed[2].output.split() == ["version", "1", "motd"]  # the image layers did not change
    first = l08.run_with_volume(docker, "t2", "echo v >> /data/visits; echo s > /app/cache; wc -l < /data/visits")
    assert first[0].output.strip() == "1"
    l08.remove_container(docker, "t2")
    second = l08.run_with_volume(docker, "t3", "echo v >> /data/visits; wc -l < /data/visits; cat /app/cache")
    assert second[0].output.strip() == "2"
    assert "No such file" in second[0].stderr


def test_bridge_containers_masquerade_and_publish(docker):
    dhost, inet, web, app = docker["dhost"], docker["inet"], docker["web"], docker["app"]
    assert [l.split()[0] for l in run(web, "ip -br link").output.splitlines()] == ["lo"]
    assert l08.create_bridge(dhost).ok
    l08.plug_container(docker, "web")
    l08.plug_container(docker, "app")
    assert app.ping("172.17.0.2", count=1).received == 1
    # the two containers' frames cross the bridge port to port
    with docker.capture(l08.port(dhost, "veth8a4b9d1"), l08.port(dhost, "veth1c2f0e3"), filter="icmp") as cap:
        app.ping("172.17.0.2", count=1)
    assert [p.point for p in cap.packets] == ["dhost:veth8a4b9d1", "dhost:veth1c2f0e3",
                                              "dhost:veth1c2f0e3", "dhost:veth8a4b9d1"]

    # the way out: nothing without forwarding and masquerade, dhost's address with them
    assert app.ping(l08.INTERNET_IP, count=1).received == 0
    run(dhost, "sysctl -w net.ipv4.ip_forward=1", check=True)
    run(dhost, l08.MASQUERADE_COMMAND, check=True)
    seen = json.loads(app.http(f"http://{l08.INTERNET_IP}/whoami").body)
    assert seen["client"] == l08.HOST_IP

    # publishing: refused before, web's page after, and the client's address kept
    assert inet.tcp_connect(l08.HOST_IP, 8080).error == "refused"
    assert inet.tcp_connect("172.17.0.2", 80).error == "network is unreachable"
    l08.publish(dhost)
    page = inet.http(f"http://{l08.HOST_IP}:8080/")
    assert page.status == 200 and page.body == "Hello from web\n"
    assert json.loads(inet.http(f"http://{l08.HOST_IP}:8080/whoami").body)["client"] == l08.INTERNET_IP

    # finding each container's veth by interface index, checked against the bridge's own list
    ports = {port["ifindex"]: port["ifname"] for port in json.loads(run(dhost, "bridge -j link show").output)}
    for name in ("web", "app"):
        veth, _ = l08.find_host_veth(docker, name)
        iflink = int(run(docker[name], "cat /sys/class/net/eth0/iflink").output)
        assert ports[iflink] == veth == l08.CONTAINERS[name][1]

    report = l08.lab_report(docker)
    rows = {row[0]: row for row in report.rows()}
    assert rows["web"][3].startswith("veth1c2f0e3") and rows["web"][4] == "docker0"
    assert "172.17.0.2:80" in rows["web"][5] and rows["app"][5] == "-"
    assert report.problems == []


def test_plug_container_refuses_bad_input():
    lab = l08.docker_lab("08-test-input")
    with pytest.raises(InputError, match="no container"):
        l08.plug_container(lab, "nosuch")
    with pytest.raises(InputError, match="not in docker0"):
        l08.plug_container(lab, "web", "10.0.0.2", "vethx")
    with pytest.raises(InputError, match="which address"):
        l08.plug_container(lab, "tiny")
