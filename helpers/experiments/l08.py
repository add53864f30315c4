"""The live labs of lesson 08 (containers and Docker networking), and its hands-on mission.

A node plays the Docker host (``dhost``), blank nodes play containers (``web``, ``app``, ``tiny``)
and ``inet`` is a machine on the internet (a documentation range). Everything Docker does when it
starts a container is then done by hand, each step the real command, run *inside* those nodes
with ``run(node, command)`` (helpers.missions): never in this machine's own namespace.

    lab = docker_lab()                       # "08-docker": dhost - inet, containers still blank
    lab.start()
    build_tiny_rootfs(lab)                   # a root file system of a few programs and their libraries
    start_container(lab)                     # unshare + chroot: a container as a process
    create_bridge(lab["dhost"])              # docker0
    plug_container(lab, "app")               # veth pair, eth0, address, default route

The mission ("08-docker-bridge" lab, ``docker_bridge_mission()``) asks the learner to build the
same network; its checks read the real state of the lab (``DockerWorld``) and name the actual
problem in their hints.
"""
from __future__ import annotations

import html
import json
import random
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from netaddr import IPAddress, IPNetwork

from helpers.checks import Feedback
from helpers.display import Box, Terminal
from helpers.docker_host import (Container, HostLink, HostReport, NatRule, build_report, in_network,
                                 parse_ip_link, parse_iptables_rules)
from helpers.errors import InputError
from helpers.lab import Interface, Lab
from helpers.missions import Mission, Session, Step, not_yet, passed, run

# ---------------------------------------------------------------------------- the addresses

LAB_NAME = "08-docker"
MISSION_LAB = "08-docker-bridge"
HOST_UPLINK = "203.0.113.2/24"          # dhost's own address (documentation range: the "public" side)
INTERNET_HOST = "203.0.113.100/24"      # inet: a machine on the internet
HOST_IP = str(IPNetwork(HOST_UPLINK).ip)
INTERNET_IP = str(IPNetwork(INTERNET_HOST).ip)
POOL = IPNetwork("172.17.0.0/16")       # Docker's default bridge network
GATEWAY = str(POOL.network + 1)          # docker0's address, every container's gateway
BRIDGE = "docker0"
BRIDGE_MAC = "02:42:8c:3a:10:01"
# Containers of the lesson: address and the host-side veth name. Docker names veths "veth" plus 7
# hex characters, which say nothing about the container: that is why eth0's peer index matters.
CONTAINERS = {
    "web": ("172.17.0.2", "veth1c2f0e3"),
    "app": ("172.17.0.3", "veth8a4b9d1"),
}
TINY = "tiny"                            # the container of the process / image / volume part
TINY_HOSTNAME = "9b2f4c1d8e7a"           # Docker sets a container's hostname to its short ID
TINY_PROGRAMS = ("sh", "ls", "cat", "rm", "mkdir", "wc", "hostname", "sleep", "uname", "ps")
PUBLISHED = (8080, 80)                   # docker run -p 8080:80


def container_mac(address: str) -> str:
    """The MAC Docker has long derived from a container's IPv4 address: 02:42 + its 4 bytes."""
    return "02:42:" + ":".join(f"{int(b):02x}" for b in str(IPAddress(address)).split("."))


def veth_mac(number: int) -> str:
    return f"02:42:ee:00:00:{number:02x}"


# ---------------------------------------------------------------------------- the lab

def docker_lab(name: str = LAB_NAME, containers=("web", "app"), *, extra=(TINY,), servers: bool = True) -> Lab:
    """dhost (the Docker host) cabled to inet (the internet); blank container nodes; web servers.

    The containers start blank, with no link at all: building their network is the lesson.
    ``web`` runs a web server on port 80 (listening before it has any interface, as a container's
    program does); ``inet`` runs one too, whose /whoami page says who connected. With
    servers=False they are left out (start_servers() starts them later).
    """
    lab = Lab(name)
    dhost = lab.host("dhost")
    inet = lab.host("inet")
    lab.link(dhost, inet, ip1=HOST_UPLINK, ip2=INTERNET_HOST)
    for container in (*containers, *extra):
        lab.host(container)
    lab.allow(str(POOL))  # probes may target container addresses, which no declared link carries
    if servers:
        start_servers(lab)
    return lab


def start_servers(lab: Lab) -> None:
    """The web servers of web (the container's program) and inet (a site on the internet)."""
    if "web" in lab.nodes:
        lab["web"].serve_http(80, name="web")
    lab["inet"].serve_http(80, name="inet")


def port(node, ifname: str) -> Interface:
    """A capture point for an interface made by hand (lab.capture() takes it like 'node:iface')."""
    return Interface(node, ifname, "", None)


# ---------------------------------------------------------------------------- a container is a process

ROOTFS_SCRIPT = """\
mkdir -p rootfs/bin rootfs/proc rootfs/tmp rootfs/etc
for prog in {programs}; do
  path=$(command -v $prog) || continue
  cp "$path" rootfs/bin/
  for lib in $(ldd "$path" | grep -o '/[^ ]*'); do
    mkdir -p "rootfs$(dirname "$lib")" && cp -n "$lib" "rootfs$lib"
  done
done""".format(programs=" ".join(TINY_PROGRAMS))


def build_tiny_rootfs(lab: Lab) -> Session:
    """A tiny root file system in the lab's folder: a few programs and the libraries they load."""
    dhost = lab["dhost"]
    folder = lab.workdir
    return Session([
        run(dhost, ROOTFS_SCRIPT, cwd=folder, check=True),
        run(dhost, "ls rootfs rootfs/bin", cwd=folder),
        run(dhost, "du -sh rootfs", cwd=folder),
    ])


def container_command(root: str = "rootfs", hostname: str = TINY_HOSTNAME) -> str:
    """`docker run` reduced to its essence: new namespaces, a new root, one program as PID 1."""
    return (f"unshare --pid --fork --mount-proc --mount --uts --ipc --cgroup --root={root} "
            f"/bin/sh -c 'hostname {hostname}; exec sleep infinity'")


def start_container(lab: Lab, name: str = TINY) -> Terminal:
    """Start the tiny container as a background process inside node `name` (its network namespace)."""
    node = lab[name]
    root = lab.workdir / "rootfs"
    if lab.mode.live and not (root / "bin" / "sh").exists():
        raise InputError("the container has no root file system yet; build it first with "
                         "l08.build_tiny_rootfs(lab).")
    shown = container_command()
    real = container_command(root=str(root))
    node.start(shlex.split(real), name="container", display=shown)
    return Terminal(f"ip netns exec {name} {shown} &", "", prompt="dhost$")


def container_pid(lab: Lab, name: str = TINY) -> int:
    """The host PID of the container's first process: the one in node `name` with its own PID namespace."""
    # The process may still be starting: look for up to two seconds.
    found = run(lab["dhost"],
                f"for try in $(seq 40); do for p in $(ip netns pids {name}); do "
                f"[ \"$(readlink /proc/$p/ns/pid)\" != \"$(readlink /proc/self/ns/pid)\" ] && echo $p && exit; "
                f"done; sleep 0.05; done")
    text = found.output.strip()
    if not text.isdigit():
        raise InputError(f"no container process runs in {name}; start it first with start_container(lab).")
    return int(text)


EXEC_FLAGS = "--mount --uts --ipc --net --pid --cgroup --root --wd"


def exec_in(lab: Lab, pid: int, command: str):
    """What `docker exec` does: enter the container's namespaces (nsenter) and run a command there."""
    return run(lab["dhost"], f"nsenter --target $PID {EXEC_FLAGS} {command}", env={"PID": pid})


NAMESPACES = ("cgroup", "ipc", "mnt", "net", "pid", "user", "uts")
NAMESPACE_MEANING = {
    "cgroup": "its view of control groups (resource limits)",
    "ipc": "shared memory and message queues",
    "mnt": "mounts: what / and every folder are",
    "net": "interfaces, addresses, routes, firewall",
    "pid": "process numbers (it is PID 1 inside)",
    "user": "user and group IDs",
    "uts": "host name",
}


@dataclass
class NamespaceTable:
    """Which namespaces the container shares with the host: inode numbers replaced by letters."""

    command: str
    rows: list[tuple[str, str, str]]  # (type, host's label, container's label)

    def shared(self, kind: str) -> bool:
        for name, host, container in self.rows:
            if name == kind:
                return host == container
        raise KeyError(kind)

    def lines(self) -> list[str]:
        out = [f"{'namespace':<10} {'dhost shell':<14} {'container':<14} {'':<8} what it isolates"]
        for name, host, container in self.rows:
            verdict = "shared" if host == container else "its own"
            out.append(f"{name:<10} {host:<14} {container:<14} {verdict:<8} {NAMESPACE_MEANING[name]}")
        return out

    def __repr__(self) -> str:
        return repr(Terminal(self.command, "\n".join(self.lines()), prompt="dhost$")) + \
            "\n(inode numbers replaced by letters: the same letter is the same namespace)"

    def _repr_html_(self) -> str:
        note = "<div><i>inode numbers replaced by letters: the same letter is the same namespace</i></div>"
        return Terminal(self.command, "\n".join(self.lines()), prompt="dhost$")._repr_html_() + note


def label_inodes(pairs: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Replace 'net:[4026532177]' by 'net:[A]' (first inode seen -> A, next new one -> B ...)."""
    names: dict[str, str] = {}

    def label(link: str) -> str:
        match = re.fullmatch(r"(\w+):\[(\d+)\]", link.strip())
        if not match:
            return link.strip() or "?"
        inode = match[2]
        if inode not in names:
            names[inode] = chr(ord("A") + len(names)) if len(names) < 26 else f"#{len(names)}"
        return f"{match[1]}:[{names[inode]}]"

    return [(kind, label(host), label(container)) for kind, host, container in pairs]


def namespace_table(lab: Lab, pid: int) -> NamespaceTable:
    """Compare the namespaces of a shell in dhost with those of the container's process."""
    command = ("for ns in " + " ".join(NAMESPACES) +
               "; do echo $ns $(readlink /proc/self/ns/$ns) $(readlink /proc/$PID/ns/$ns); done")
    result = run(lab["dhost"], command, env={"PID": pid})
    pairs = []
    for line in result.output.splitlines():
        words = line.split()
        if len(words) == 3:
            pairs.append((words[0], words[1], words[2]))
    return NamespaceTable(command, label_inodes(pairs))


def same_kernel(lab: Lab, pid: int) -> Box:
    """Does the container run on the host's kernel? (It has none of its own.)"""
    host = run(lab["dhost"], "uname -r").output.strip()
    inside = exec_in(lab, pid, "uname -r").output.strip()
    if host and host == inside:
        return Box("`uname -r` prints the same kernel release in dhost and inside the container: "
                   "the container has no kernel of its own.", "ok")
    return Box(f"The kernel releases differ ({host!r} and {inside!r}), which a container cannot do.", "error")


# ---------------------------------------------------------------------------- images and volumes

def make_image_layers(lab: Lab) -> Session:
    """Two read-only layers: the tiny root file system (+ /etc/motd), then an 'app' layer."""
    dhost, folder = lab["dhost"], lab.workdir
    return Session([
        run(dhost, "mkdir -p layers/1-base layers/2-app/app && cp -a rootfs/. layers/1-base/ && "
                   "echo 'Welcome to the tiny image' > layers/1-base/etc/motd && "
                   "echo 'version 1' > layers/2-app/app/index.html", cwd=folder, check=True),
        run(dhost, "ls layers/1-base layers/2-app", cwd=folder),
    ])


OVERLAY = ("mount -t overlay overlay "
           "-o lowerdir=layers/2-app:layers/1-base,upperdir={c}/upper,workdir={c}/work {c}/merged")


def _quote(script: str) -> str:
    """Single quotes around a script that has none inside (readable), shlex.quote otherwise."""
    return f"'{script}'" if "'" not in script else shlex.quote(script)


def _container_dirs(name: str) -> str:
    return f"mkdir -p {name}/upper {name}/work {name}/merged"


def show_merged(lab: Lab, name: str = "c1") -> Session:
    """Mount a container's file system (the layers plus an empty writable layer) and look at it."""
    dhost, folder = lab["dhost"], lab.workdir
    mount = OVERLAY.format(c=name)
    return Session([
        run(dhost, _container_dirs(name), cwd=folder, check=True),
        run(dhost, f"{mount} && ls {name}/merged && cat {name}/merged/app/index.html; umount {name}/merged",
            cwd=folder),
    ])


def change_in_container(lab: Lab, name: str = "c1") -> Session:
    """The container's process changes a file, deletes one and creates one; see where it all went."""
    dhost, folder = lab["dhost"], lab.workdir
    mount = OVERLAY.format(c=name)
    inside = ('echo "version 2" > /app/index.html; rm /etc/motd; echo scratch > /app/cache; '
              'cat /app/index.html; ls /etc')
    return Session([
        run(dhost, f"{mount} && chroot {name}/merged /bin/sh -c {_quote(inside)}; umount {name}/merged",
            cwd=folder),
        run(dhost, f"find {name}/upper -mindepth 1 -printf '%y %P\\n' | sort -k2", cwd=folder),
        run(dhost, "cat layers/2-app/app/index.html; ls layers/1-base/etc", cwd=folder),
    ])


def run_with_volume(lab: Lab, name: str, inside: str) -> Session:
    """Start container `name` from the image with the volume 'data' mounted at /data, run `inside`."""
    dhost, folder = lab["dhost"], lab.workdir
    mount = OVERLAY.format(c=name)
    command = (f"{_container_dirs(name)} volumes/data && {mount} && mkdir -p {name}/merged/data && "
               f"mount --bind volumes/data {name}/merged/data && "
               f"chroot {name}/merged /bin/sh -c {_quote(inside)}; "
               f"umount {name}/merged/data; umount {name}/merged")
    return Session([run(dhost, command, cwd=folder)])


def remove_container(lab: Lab, name: str) -> Session:
    """`docker rm`: the container's writable layer goes; the image and the volume stay."""
    return Session([run(lab["dhost"], f"rm -rf {name} && ls -d */", cwd=lab.workdir)])


# ---------------------------------------------------------------------------- why containers

def vm_vs_container_stacks() -> dict[str, list[tuple[str, str]]]:
    """What runs on one server, bottom to top: (layer, kind), for the picture."""
    apps = ["web", "api", "worker"]
    return {
        "Virtual machines": [("hardware", "hw"), ("host OS + hypervisor", "os")] +
                            [(f"guest kernel + OS\nlibs\n{app}", "vm") for app in apps],
        "Containers": [("hardware", "hw"), ("host OS (one shared kernel)\ncontainer engine", "os")] +
                      [(f"libs\n{app}", "ct") for app in apps],
    }


def draw_vm_vs_container():
    """Two stacks side by side: three VMs with three kernels, three containers on one kernel."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    colours = {"hw": "#e5e7eb", "os": "#bfdbfe", "vm": "#fde68a", "ct": "#bbf7d0"}
    stacks = vm_vs_container_stacks()
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for ax, (title, layers) in zip(axes, stacks.items()):
        ax.set_xlim(0, 3)
        ax.set_ylim(0, 4.3)
        ax.axis("off")
        ax.set_title(title)
        y = 0.0
        for label, kind in layers[:2]:
            ax.add_patch(FancyBboxPatch((0.05, y + 0.05), 2.9, 0.8, boxstyle="round,pad=0.02",
                                        fc=colours[kind], ec="#475569"))
            ax.text(1.5, y + 0.45, label, ha="center", va="center", fontsize=9)
            y += 0.9
        height = 2.4 if layers[2][1] == "vm" else 1.2
        for index, (label, kind) in enumerate(layers[2:]):
            ax.add_patch(FancyBboxPatch((0.05 + index, y + 0.05), 0.9, height, boxstyle="round,pad=0.02",
                                        fc=colours[kind], ec="#475569"))
            ax.text(0.5 + index, y + height / 2 + 0.05, label, ha="center", va="center", fontsize=8)
    fig.tight_layout()
    return fig


@dataclass
class DriftResult:
    days: list[int]
    by_hand: list[int]      # distinct configurations among hand-maintained servers, per day
    from_image: list[int]   # the same for containers rebuilt from one image
    servers: int


def simulate_drift(servers: int = 20, days: int = 120, change_chance: float = 0.03, *,
                   packages: int = 30, seed: int = 8) -> DriftResult:
    """Configuration drift: servers changed by hand, one at a time, drift apart; containers don't.

    Each day, each hand-maintained server gets a manual change (a package upgraded, a setting
    edited) with probability `change_chance`. Container hosts get the same changes, but as a new
    image that replaces every container at once, so they always share one configuration.
    """
    for name, value in (("servers", servers), ("days", days), ("packages", packages)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise InputError(f"{name} must be a whole number of at least 1; got {value!r}.")
    if not isinstance(change_chance, (int, float)) or not 0 <= change_chance <= 1:
        raise InputError(f"change_chance is a probability between 0 and 1, like 0.03; got {change_chance!r}.")
    rng = random.Random(seed)
    by_hand = [[0] * packages for _ in range(servers)]
    image = [0] * packages
    counts_hand, counts_image = [], []
    for _ in range(days):
        changed_image = False
        for config in by_hand:
            if rng.random() < change_chance:
                config[rng.randrange(packages)] += 1   # one server, changed by hand
                changed_image = True
        if changed_image:
            image[rng.randrange(packages)] += 1         # the same kind of change, made once in the image
        counts_hand.append(len({tuple(c) for c in by_hand}))
        counts_image.append(1)                          # every container is replaced from the new image
    return DriftResult(list(range(1, days + 1)), counts_hand, counts_image, servers)


def plot_drift(result: DriftResult):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.4))
    ax.plot(result.days, result.by_hand, label=f"{result.servers} servers changed by hand", color="#c2410c")
    ax.plot(result.days, result.from_image, label=f"{result.servers} containers from one image", color="#15803d")
    ax.set_xlabel("day")
    ax.set_ylabel("different configurations")
    ax.set_ylim(0, result.servers + 1)
    ax.set_title("Configuration drift")
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


# Typical sizes (MB) to compare with the tiny image measured in the lab. Orders of magnitude,
# not exact: they change with every release.
TYPICAL_SIZES_MB = {
    "VM disk with a server OS (kernel, init, packages)": 2000,
    "debian:bookworm-slim image": 75,
    "alpine image": 8,
}


def size_in_mb(du_output: str) -> float:
    """'7.0M\\trootfs' (du -sh) or '7168\\trootfs' (du -sk) -> size in MB."""
    first = du_output.split()[0] if du_output.split() else ""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([KMG]?)", first)
    if not match:
        raise InputError(f"{du_output!r} is not what du prints (a size then a name).")
    number, unit = float(match[1]), match[2] or "K"
    return number * {"K": 1 / 1024, "M": 1.0, "G": 1024.0}[unit]


def image_sizes(lab: Lab) -> list[tuple[str, float]]:
    """The tiny image measured in the lab next to typical sizes."""
    measured = run(lab["dhost"], "du -sk layers", cwd=lab.workdir).output
    return [*TYPICAL_SIZES_MB.items(), ("this lesson's tiny image (measured)", round(size_in_mb(measured), 1))]


def plot_sizes(sizes: list[tuple[str, float]]):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 2.8))
    names = [name for name, _ in sizes]
    values = [value for _, value in sizes]
    ax.barh(names, values, color=["#fbbf24"] + ["#4ade80"] * (len(values) - 1))
    ax.set_xscale("log")
    ax.set_xlabel("MB (log scale)")
    ax.invert_yaxis()
    for y, value in enumerate(values):
        ax.text(value * 1.1, y, f"{value:g} MB", va="center", fontsize=9)
    ax.set_title("What you ship to run one small program")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------- the bridge by hand

def create_bridge(dhost) -> Session:
    """What dockerd does once, when it starts: the docker0 bridge with the gateway address."""
    return Session([
        run(dhost, f"ip link add {BRIDGE} address {BRIDGE_MAC} type bridge", check=True),
        run(dhost, f"ip addr add {GATEWAY}/{POOL.prefixlen} dev {BRIDGE}", check=True),
        run(dhost, f"ip link set {BRIDGE} up", check=True),
    ])


def veth_command(name: str, address: str, veth: str, number: int) -> str:
    return (f"ip link add {veth} address {veth_mac(number)} type veth "
            f"peer name eth0 address {container_mac(address)} netns {name}")


def plug_container(lab: Lab, name: str, address: str | None = None, veth: str | None = None) -> Session:
    """What `docker run` does to the network: a veth pair, one end as eth0, an address, a route."""
    if name not in lab.nodes:
        raise InputError(f"lab '{lab.name}' has no container {name!r}; it has: {', '.join(lab.nodes)}.")
    default_address, default_veth = CONTAINERS.get(name, (None, None))
    address = address or default_address
    veth = veth or default_veth
    if address is None or veth is None:
        raise InputError(f"say which address and veth name {name} gets, like "
                         f"plug_container(lab, '{name}', '172.17.0.9', 'veth0a1b2c3').")
    if not in_network(address, str(POOL)):
        raise InputError(f"{address} is not in docker0's network {POOL}; pick an address like 172.17.0.9.")
    dhost, node = lab["dhost"], lab[name]
    number = list(lab.nodes).index(name) + 1
    return Session([
        run(dhost, veth_command(name, address, veth, number), check=True),
        run(dhost, f"ip link set {veth} master {BRIDGE} up", check=True),
        run(node, f"ip addr add {address}/{POOL.prefixlen} dev eth0", check=True),
        run(node, "ip link set eth0 up", check=True),
        run(node, f"ip route add default via {GATEWAY}", check=True),
    ])


def find_host_veth(lab: Lab, name: str) -> tuple[str, Session]:
    """A container's host-side veth, found the way you would on a Docker host: by interface index."""
    inside = run(lab[name], "cat /sys/class/net/eth0/iflink")
    index = int(inside.output.strip()) if inside.output.strip().isdigit() else None
    links = parse_ip_link(run(lab["dhost"], "ip -j link show").output)
    match = next((l for l in links if l.ifindex == index), None)
    if match is None:
        raise InputError(f"{name}'s eth0 has no partner in dhost; plug it in first.")
    return match.name, Session([inside, run(lab["dhost"], "ip -o link show type veth")])


DOCKER_NAT_COMMANDS = (
    "iptables -t nat -N DOCKER",
    "iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
    "iptables -t nat -A DOCKER ! -i docker0 -p tcp -m tcp --dport {host} -j DNAT --to-destination {ip}:{port}",
)
MASQUERADE_COMMAND = f"iptables -t nat -A POSTROUTING -s {POOL} ! -o {BRIDGE} -j MASQUERADE"


def publish(dhost, address: str = "172.17.0.2", host_port: int = PUBLISHED[0],
            container_port: int = PUBLISHED[1]) -> Session:
    """The rules `docker run -p 8080:80` adds (the DOCKER chain and its jump exist once per host)."""
    return Session([run(dhost, command.format(host=host_port, ip=address, port=container_port), check=True)
                    for command in DOCKER_NAT_COMMANDS])


class SideBySide:
    """Two texts next to each other (e.g. the lab's rules and a real Docker host's)."""

    def __init__(self, left_title: str, left: str, right_title: str, right: str):
        self.left_title, self.left = left_title, left.rstrip("\n")
        self.right_title, self.right = right_title, right.rstrip("\n")

    def __repr__(self) -> str:
        return f"{self.left_title}\n{self.left}\n\n{self.right_title}\n{self.right}"

    def _repr_html_(self) -> str:
        def column(title, text):
            return (f"<td style='vertical-align:top;text-align:left'><b>{html.escape(title)}</b>"
                    f"<pre style='background:#0f172a;color:#e2e8f0;padding:6px'>{html.escape(text)}</pre></td>")

        return f"<table><tr>{column(self.left_title, self.left)}{column(self.right_title, self.right)}</tr></table>"


# `iptables -t nat -L DOCKER -n` as many Docker hosts print it (legacy iptables front end), with one
# container started with -p 8080:80. The RETURN rule (for packets from docker0) varies by version.
DOCKER_HOST_NAT_EXAMPLE = """\
Chain DOCKER (2 references)
target     prot opt source               destination
RETURN     all  --  0.0.0.0/0            0.0.0.0/0
DNAT       tcp  --  0.0.0.0/0            0.0.0.0/0            tcp dpt:8080 to:172.17.0.2:80
"""


# ---------------------------------------------------------------------------- the lab as a Docker host

def lab_report(lab: Lab, containers=("web", "app")) -> HostReport:
    """The lab's dhost seen the way helpers.docker_host sees a real Docker host."""
    host_links = parse_ip_link(run(lab["dhost"], "ip -j -d link show").output)
    _, rules = parse_iptables_rules(run(lab["dhost"], "iptables -t nat -S").output)
    found, peers = [], {}
    for name in containers:
        shown = run(lab[name], "ip -j addr show eth0").output  # ip -j addr has the link fields too
        eth0 = [l for l in parse_ip_link(shown or "[]") if l.name == "eth0"]
        address = _addresses(shown).get("eth0", [])
        ip, prefixlen = address[0] if address else ("", 0)
        found.append(Container(name=name, ip=ip, prefixlen=prefixlen, network="bridge",
                               mac=eth0[0].mac if eth0 else ""))
        peers[name] = eth0[0].peer_index if eth0 else None
    return build_report(found, host_links, peers, rules, title="dhost, the lab's Docker host")


def draw_docker_host(report: HostReport, uplink: str = f"eth0 {HOST_UPLINK}", outside: str = f"inet {INTERNET_IP}"):
    """The network of a Docker host as built: containers, eth0 <-> veth pairs, the bridge, the uplink."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    views = report.views
    width = max(len(views), 2) * 3.0
    fig, ax = plt.subplots(figsize=(max(7.5, width * 1.1), 4.2))
    ax.set_xlim(0, width)
    ax.set_ylim(0, 6.2)
    ax.axis("off")
    ax.add_patch(FancyBboxPatch((0.1, 0.1), width - 0.2, 3.6, boxstyle="round,pad=0.05", fc="#f8fafc",
                                ec="#64748b", ls="--"))
    ax.text(0.3, 3.45, "dhost (the Docker host)", fontsize=9, color="#475569")
    bridge_name = views[0].bridge if views and views[0].bridge else BRIDGE
    ax.add_patch(FancyBboxPatch((0.6, 1.6), width - 1.2, 0.6, boxstyle="round,pad=0.03", fc="#dcfce7", ec="#15803d"))
    ax.text(width / 2, 1.9, f"{bridge_name} (bridge) {GATEWAY}/{POOL.prefixlen}", ha="center", va="center", fontsize=9)
    ax.add_patch(FancyBboxPatch((width / 2 - 1.3, 0.35), 2.6, 0.55, boxstyle="round,pad=0.03", fc="#dbeafe", ec="#1d4ed8"))
    ax.text(width / 2, 0.62, uplink, ha="center", va="center", fontsize=8)
    ax.annotate("", xy=(width - 0.3, 0.62), xytext=(width / 2 + 1.3, 0.62),
                arrowprops={"arrowstyle": "-", "color": "#1d4ed8"})
    ax.text(width - 0.3, 0.9, outside, ha="right", fontsize=8, color="#1d4ed8")
    ax.text(width / 2, 1.25, "routing + NAT (iptables)", ha="center", fontsize=8, color="#475569")
    for index, view in enumerate(views):
        x = 1.5 + index * 3.0
        c = view.container
        ax.add_patch(FancyBboxPatch((x - 1.1, 4.2), 2.2, 1.6, boxstyle="round,pad=0.05", fc="#fef9c3", ec="#a16207"))
        ax.text(x, 5.5, f"container {c.name}", ha="center", fontsize=9, weight="bold")
        ax.text(x, 4.9, f"eth0 {c.ip}/{c.prefixlen}\n{c.mac}", ha="center", fontsize=8, va="center")
        veth = view.veth.name if view.veth else "?"
        ax.plot([x, x], [4.2, 2.2], color="#a16207", lw=2)
        ax.text(x + 0.08, 3.0, f"{veth}\n(ifindex {view.veth.ifindex if view.veth else '?'})", fontsize=8)
        published = ", ".join(f"{r.dport}->{r.to_port or r.dport}" for r in view.rules)
        if published:
            ax.text(x, 5.95, f"published {published}", ha="center", fontsize=8, color="#b91c1c")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------- the mission

def _addresses(text: str) -> dict[str, list[tuple[str, int]]]:
    """`ip -j addr` -> {ifname: [(address, prefixlen), ...]} (IPv4 only)."""
    try:
        data = json.loads(text or "[]")
    except ValueError:
        return {}
    found: dict[str, list[tuple[str, int]]] = {}
    for item in data:
        if not isinstance(item, dict) or "ifname" not in item:
            continue
        found[item["ifname"]] = [(a["local"], int(a["prefixlen"])) for a in item.get("addr_info", [])
                                 if a.get("family") == "inet"]
    return found


class DockerWorld:
    """The mission's lab seen as a Docker host, with cached observations for one round of checks."""

    containers = {"web": "172.17.0.2", "app": "172.17.0.3"}

    def __init__(self, lab: Lab, *, servers_running: bool = True):
        self.lab = lab
        self.servers_running = servers_running
        self._cache: dict[tuple[str, str], str] = {}

    @classmethod
    def fresh(cls, name: str = MISSION_LAB, *, lazy_servers: bool = False) -> "DockerWorld":
        """A new, started mission lab. lazy_servers=True (for tests replaying many labs) starts the
        two web servers only when a check first needs them."""
        lab = docker_lab(name, extra=(), servers=not lazy_servers)
        lab.start()
        return cls(lab, servers_running=not lazy_servers)

    def ensure_servers(self) -> None:
        if not self.servers_running:
            start_servers(self.lab)
            self.servers_running = True

    def close(self) -> None:
        self.lab.stop()

    def refresh(self) -> None:
        self._cache.clear()

    @property
    def dhost(self):
        return self.lab["dhost"]

    @property
    def inet(self):
        return self.lab["inet"]

    @property
    def web(self):
        return self.lab["web"]

    @property
    def app(self):
        return self.lab["app"]

    def output(self, node: str, command: str) -> str:
        key = (node, command)
        if key not in self._cache:
            self._cache[key] = run(self.lab[node], command).output
        return self._cache[key]

    def links(self, node: str) -> list[HostLink]:
        return parse_ip_link(self.output(node, "ip -j -d link show") or "[]")

    def addresses(self, node: str) -> dict[str, list[tuple[str, int]]]:
        return _addresses(self.output(node, "ip -j addr show"))

    def routes(self, node: str) -> list[dict]:
        try:
            return json.loads(self.output(node, "ip -j route show") or "[]")
        except ValueError:
            return []

    def ip_forward(self) -> bool:
        return self.output("dhost", "cat /proc/sys/net/ipv4/ip_forward").strip() == "1"

    def nat(self) -> tuple[dict[str, str], list[NatRule]]:
        return parse_iptables_rules(self.output("dhost", "iptables -t nat -S"))

    def filter(self) -> tuple[dict[str, str], list[NatRule]]:
        return parse_iptables_rules(self.output("dhost", "iptables -t filter -S"), table="filter")

    def __repr__(self) -> str:
        return (f"dhost (the Docker host, eth0 {HOST_UPLINK}) cabled to inet ({INTERNET_HOST}); "
                f"containers web and app, still blank; web serves HTTP on port 80.")


def check_bridge(world: DockerWorld) -> Feedback:
    links = world.links("dhost")
    docker0 = next((l for l in links if l.name == BRIDGE), None)
    bridges = [l for l in links if l.kind == "bridge"]
    if docker0 is None:
        if bridges:
            other = bridges[0].name
            return not_yet(f"dhost has a bridge called {other}, but Docker's default bridge is called docker0: "
                           f"delete it (ip link del {other}) and create docker0 instead.")
        return not_yet("dhost has no bridge yet: create one with `ip link add docker0 type bridge`.")
    if docker0.kind != "bridge":
        return not_yet(f"docker0 in dhost is a {docker0.kind or 'plain'} interface, not a bridge: delete it "
                       f"(ip link del docker0) and create it again with `type bridge`.")
    addresses = world.addresses("dhost").get(BRIDGE, [])
    if not addresses:
        return not_yet("docker0 has no address: the containers need a gateway on their network, so give it "
                       "172.17.0.1/16 (ip addr add 172.17.0.1/16 dev docker0).")
    if (GATEWAY, POOL.prefixlen) not in addresses:
        ip, prefixlen = addresses[0]
        if ip == GATEWAY:
            return not_yet(f"docker0 has {ip}/{prefixlen}, but the prefix must be /16 so the whole pool "
                           f"172.17.0.0/16 is on the bridge: ip addr del {ip}/{prefixlen} dev docker0, then "
                           f"add 172.17.0.1/16.")
        return not_yet(f"docker0 has {ip}/{prefixlen}; Docker's default gateway is 172.17.0.1/16: delete "
                       f"that address (ip addr del {ip}/{prefixlen} dev docker0) and add 172.17.0.1/16.")
    if not docker0.up:
        return not_yet("docker0 is DOWN: bring it up with `ip link set docker0 up`.")
    return passed("docker0 is a bridge with 172.17.0.1/16 and it is up: the gateway of every container on it.")


def container_problem(world: DockerWorld, name: str) -> str | None:
    """What is wrong with how container `name` is plugged into docker0 (None when nothing is)."""
    address = world.containers[name]
    links = [l for l in world.links(name) if l.name != "lo"]
    if not links:
        return (f"{name} has no network interface yet (only lo): in dhost, create a veth pair with one end "
                f"in {name}: ip link add veth{name} type veth peer name eth0 netns {name}.")
    eth0 = next((l for l in links if l.name == "eth0"), None)
    if eth0 is None:
        other = links[0].name
        return (f"{name}'s interface is called {other}, but Docker names the container's end eth0: in {name}, "
                f"ip link set {other} down, ip link set {other} name eth0.")
    if eth0.kind != "veth":
        return (f"{name}'s eth0 is a {eth0.kind or 'plain'} interface, not one end of a veth pair: delete it "
                f"and create a veth pair in dhost.")
    host_end = [l for l in world.links("dhost")
                if l.kind == "veth" and l.ifindex == eth0.peer_index and l.peer_index == eth0.ifindex]
    if not host_end:
        return (f"the other end of {name}'s eth0 is not in dhost (eth0@if{eth0.peer_index} points elsewhere): "
                f"create the pair in dhost and move only the peer into {name} (netns {name}).")
    veth = host_end[0]
    if not veth.master:
        return f"{veth.name}, the host end of {name}'s eth0, is on no bridge: ip link set {veth.name} master docker0."
    if veth.master != BRIDGE:
        return (f"{veth.name} is plugged into the wrong bridge ({veth.master}); Docker's containers all hang on "
                f"docker0: ip link set {veth.name} master docker0.")
    if not veth.up:
        return f"{veth.name}, the host end of {name}'s eth0, is DOWN: ip link set {veth.name} up."
    if not eth0.up:
        return f"{name}'s eth0 is DOWN: in {name}, ip link set eth0 up."
    addresses = world.addresses(name).get("eth0", [])
    if not addresses:
        return f"{name}'s eth0 has no address: in {name}, ip addr add {address}/16 dev eth0."
    if (address, POOL.prefixlen) in addresses:
        return None
    got, prefixlen = addresses[0]
    owner = next((other for other, ip in world.containers.items() if ip == got and other != name), None)
    if got == GATEWAY:
        return f"{got} is docker0's own address (the gateway); {name} gets {address}/16."
    if owner:
        return f"{got} is {owner}'s address: two containers with one address break both; {name} gets {address}/16."
    if not in_network(got, str(POOL)):
        return f"{got} is outside docker0's network {POOL}; {name} gets {address}/16."
    if got == address:
        return (f"{name}'s eth0 has {got}/{prefixlen}; use /16, the prefix of docker0's network, so {name} "
                f"knows the whole pool is on its bridge.")
    return f"{name}'s eth0 has {got}/{prefixlen}; this mission gives {name} {address}/16."


def _ping_ok(node, destination: str) -> bool:
    return node.ping(destination, count=1, timeout=1).received > 0


def check_web(world: DockerWorld) -> Feedback:
    problem = container_problem(world, "web")
    if problem:
        return not_yet(problem)
    if not _ping_ok(world.dhost, "172.17.0.2"):
        return not_yet("web looks plugged in, but dhost cannot ping 172.17.0.2; look at `bridge link` in dhost "
                       "and `ip addr` in web.")
    return passed("web's eth0 (172.17.0.2/16) is one end of a veth pair whose other end is a port of docker0.")


def check_app(world: DockerWorld) -> Feedback:
    problem = container_problem(world, "app")
    if problem:
        return not_yet(problem)
    if not _ping_ok(world.app, "172.17.0.2"):
        return not_yet("app is plugged in, but it cannot ping web (172.17.0.2); are both veths on docker0 and up?")
    return passed("app reaches web by its private address, across docker0: no router involved, one bridge.")


def check_routes(world: DockerWorld) -> Feedback:
    for name in world.containers:
        defaults = [r for r in world.routes(name) if r.get("dst") == "default"]
        if not defaults:
            return not_yet(f"no route: {name} has no default route, so it only reaches 172.17.0.0/16; in {name}: "
                           f"ip route add default via {GATEWAY}.")
        gateway = defaults[0].get("gateway")
        if not gateway:
            return not_yet(f"{name}'s default route has no gateway (no 'via'), so {name} would ARP for every "
                           f"address on the internet; replace it: ip route replace default via {GATEWAY}.")
        if gateway != GATEWAY:
            return not_yet(f"{name}'s default route goes via {gateway}, but the gateway of docker0's network is "
                           f"docker0 itself, {GATEWAY}: ip route replace default via {GATEWAY}.")
    return passed(f"both containers send everything outside 172.17.0.0/16 to docker0 ({GATEWAY}).")


def _masquerades(rule: NatRule) -> bool:
    return rule.chain == "POSTROUTING" and rule.target in ("MASQUERADE", "SNAT")


def check_outbound(world: DockerWorld) -> Feedback:
    if not world.ip_forward():
        return not_yet("dhost does not forward packets between its interfaces (net.ipv4.ip_forward is 0): "
                       "sysctl -w net.ipv4.ip_forward=1, as Docker does when it starts.")
    policies, filters = world.filter()
    if policies.get("FORWARD") == "DROP" and not any(
            r.chain == "FORWARD" and r.target == "ACCEPT" and r.in_iface == BRIDGE for r in filters):
        return not_yet("dhost's FORWARD chain drops forwarded packets (policy DROP) and accepts nothing from "
                       "docker0: iptables -A FORWARD -i docker0 -j ACCEPT and iptables -A FORWARD -o docker0 "
                       "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT (or set the policy back to ACCEPT).")
    _, rules = world.nat()
    nat_rules = [r for r in rules if _masquerades(r)]
    if not nat_rules:
        return not_yet("nothing rewrites the containers' source address, so inet sees 172.17.0.x, a private "
                       "address it has no route back to: iptables -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o "
                       "docker0 -j MASQUERADE.")
    useful = []
    for rule in nat_rules:
        source = rule.source.lstrip("!")
        covers = in_network("172.17.0.3", source) != rule.source.startswith("!")
        if not covers:
            problem = (f"your {rule.target} rule only matches source {rule.source}, which leaves out the "
                       f"containers (172.17.0.0/16).")
        elif rule.out_iface == BRIDGE:
            problem = ("your MASQUERADE rule matches packets going out of docker0 (towards the containers), not "
                       "the ones leaving for the internet: use ! -o docker0.")
        elif rule.out_iface not in ("", "!" + BRIDGE, "eth0"):
            problem = (f"your MASQUERADE rule only matches packets leaving by {rule.out_iface}; dhost's way to "
                       f"the internet is eth0 (Docker writes ! -o docker0).")
        else:
            problem = ""
        useful.append(problem)
    if all(useful):
        return not_yet(useful[0])
    world.ensure_servers()
    reply = world.app.http(f"http://{INTERNET_IP}/whoami", timeout=2)
    if reply.status != 200:
        return not_yet(f"app still cannot fetch http://{INTERNET_IP}/whoami ({reply.error or reply.status}); "
                       f"check app's default route and the MASQUERADE rule (iptables -t nat -L POSTROUTING -n -v).")
    try:
        client = json.loads(reply.body).get("client")
    except ValueError:
        client = None
    if client != HOST_IP:
        return not_yet(f"inet saw the request come from {client}, not from dhost's address {HOST_IP}.")
    return passed(f"app reaches inet, which sees dhost's address {HOST_IP}: the source was masqueraded.")


def _reachable_chains(rules: list[NatRule], start: str = "PREROUTING") -> set[str]:
    reached, frontier = {start}, [start]
    while frontier:
        chain = frontier.pop()
        for rule in rules:
            if rule.chain == chain and rule.target not in reached and rule.target.isupper() and \
                    rule.target not in ("DNAT", "SNAT", "MASQUERADE", "RETURN", "ACCEPT", "DROP", "REDIRECT"):
                reached.add(rule.target)
                frontier.append(rule.target)
    return reached


def check_publish(world: DockerWorld) -> Feedback:
    host_port, container_port = PUBLISHED
    web_ip, app_ip = world.containers["web"], world.containers["app"]
    _, rules = world.nat()
    dnat = [r for r in rules if r.target == "DNAT"]
    if not dnat:
        return not_yet(f"nothing translates dhost's port {host_port} yet: add the DNAT rule Docker adds for "
                       f"-p {host_port}:{container_port} (iptables -t nat -A DOCKER ! -i docker0 -p tcp --dport "
                       f"{host_port} -j DNAT --to-destination {web_ip}:{container_port}), with the DOCKER chain "
                       f"and its jump from PREROUTING.")
    on_port = [r for r in dnat if r.dport == host_port]
    if not on_port:
        wrong = dnat[0]
        if wrong.dport == container_port:
            return not_yet(f"your DNAT rule matches port {container_port} on dhost, but -p {host_port}:{container_port} "
                           f"publishes host port {host_port}: use --dport {host_port}.")
        return not_yet(f"your DNAT rule matches port {wrong.dport}, not {host_port}: use -p tcp --dport {host_port}.")
    rule = on_port[0]
    if rule.protocol not in ("tcp", "all"):
        return not_yet(f"your DNAT rule matches {rule.protocol}; HTTP runs over TCP: -p tcp.")
    if rule.to_address != web_ip:
        whose = "app's address" if rule.to_address == app_ip else \
            "docker0's own address" if rule.to_address == GATEWAY else "not web's address"
        return not_yet(f"DNAT to the wrong address: {rule.to_address} is {whose}; the web server runs in web "
                       f"({web_ip}).")
    if (rule.to_port or host_port) != container_port:
        return not_yet(f"DNAT to the wrong port: the rule sends port {host_port} to {web_ip}:{rule.to_port or host_port}, "
                       f"but web listens on port {container_port}: --to-destination {web_ip}:{container_port}.")
    if rule.in_iface == BRIDGE:
        return not_yet("your DNAT rule only matches packets arriving from docker0 (from the containers); inet's "
                       "arrive on eth0: use ! -i docker0.")
    if rule.chain == "OUTPUT":
        return not_yet("your DNAT rule is in OUTPUT, which only sees packets dhost sends itself; packets from inet "
                       "go through PREROUTING (Docker jumps from there to its DOCKER chain).")
    if rule.chain not in _reachable_chains(rules):
        return not_yet(f"your DNAT rule is in chain {rule.chain}, but nothing jumps there from PREROUTING: "
                       f"iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j {rule.chain}.")
    world.ensure_servers()
    reply = world.inet.http(f"http://{HOST_IP}:{host_port}/", timeout=2)
    if reply.status != 200:
        return not_yet(f"the rule looks right, but inet still cannot fetch http://{HOST_IP}:{host_port}/ "
                       f"({reply.error or reply.status}); does web have its default route?")
    if "web" not in reply.body:
        return not_yet(f"inet got an answer, but not from web: {reply.body.strip()!r}.")
    return passed(f"inet fetches http://{HOST_IP}:{host_port}/ and web answers: port {host_port} is published "
                  f"to {web_ip}:{container_port}.")


MISSION_STEPS = (
    Step("docker0 bridge", "In dhost, create the bridge docker0 with address 172.17.0.1/16 and bring it up "
                           "(what dockerd does once, when it starts).", check_bridge, key="bridge"),
    Step("Plug in web", "Give web a network the way `docker run` does: a veth pair created in dhost, the "
                        "container's end named eth0 inside web with 172.17.0.2/16 and up, the host's end "
                        "plugged into docker0 and up.", check_web, key="web"),
    Step("Plug in app", "The same for app, with 172.17.0.3/16. Then app can reach web by its private "
                        "address.", check_app, key="app"),
    Step("Default routes", "Both containers send everything outside 172.17.0.0/16 to their gateway, "
                           "docker0 (172.17.0.1).", check_routes, key="routes"),
    Step("Way out (masquerade)", f"app can fetch http://{INTERNET_IP}/ and inet sees the request coming from "
                                 f"dhost's address {HOST_IP}: turn on forwarding and masquerade the "
                                 f"containers' traffic.", check_outbound, key="outbound"),
    Step("Publish -p 8080:80", f"inet can open http://{HOST_IP}:8080/ and gets web's page: add the DNAT rule "
                               f"`docker run -p 8080:80` would add, in a DOCKER chain reached from PREROUTING.",
         check_publish, key="publish"),
)

SOLUTIONS_FILE = Path("labs/docker-bridge/solutions/solution.py")


def docker_bridge_mission(world: DockerWorld | None = None) -> Mission:
    """The mission of labs/docker-bridge: Docker's bridge network built by hand, checked step by step."""
    return Mission("Docker's bridge network by hand", MISSION_STEPS, target=world, solutions=SOLUTIONS_FILE)
