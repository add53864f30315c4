"""Look at a real Docker host: its containers, their veths, the docker0 bridge and the NAT rules.

    report = inspect_docker_host()     # a HostReport, or a Skipped with one sentence saying why
    report                             # one row per container: IP, eth0 <-> host veth, bridge, ports

It only reads: ``docker ps``/``docker inspect``, ``ip -j -d link`` (the host's interfaces),
``iptables -t nat -L DOCKER -n`` (the port-publishing rules, root only) and, for each container,
the interface index of the host end of its eth0 (``nsenter -t PID -n ip -j link show eth0``, or
``docker exec NAME cat /sys/class/net/eth0/iflink``). It never changes anything and sends no
packets. Where there is no Docker engine, it says so in one sentence and does nothing.

How a container's eth0 is matched with its host-side veth: a veth pair's two ends know each
other's *interface index*. Inside the container, ``ip link`` shows ``eth0@if7`` (the JSON says
``"link_index": 7``; ``/sys/class/net/eth0/iflink`` says 7); on the host, the interface whose
``ifindex`` is 7 is that container's veth, and its ``master`` is the bridge it is plugged into.

The parsers (docker inspect JSON, ``ip -j link`` JSON, ``iptables -L -n`` and ``iptables -S``
text) are plain functions, unit-tested with recorded outputs; the lesson also feeds them the
lab's own "Docker host" to draw the same report.
"""
from __future__ import annotations

import html
import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Callable, Iterable

from netaddr import AddrFormatError, IPAddress, IPNetwork

from helpers.errors import InputError

__all__ = [
    "Container", "PublishedPort", "HostLink", "NatRule", "ContainerView", "HostReport", "Skipped",
    "EngineStatus", "engine_status", "inspect_docker_host", "parse_docker_inspect", "parse_ip_link",
    "parse_iptables_list", "parse_iptables_rules", "build_report", "DESKTOP_NOTE",
]

DESKTOP_NOTE = (
    "On Docker Desktop (Mac and Windows) the engine runs inside a small Linux virtual machine: "
    "docker0, the veth pairs and the iptables rules live in that VM, not on your laptop, so `ip link` "
    "on the laptop shows none of them and the containers' 172.17.x.x addresses cannot be reached from "
    "it. Published ports (-p 8080:80) still work because Docker Desktop forwards localhost:8080 from "
    "the laptop into the VM. To look inside the VM, run a privileged container in its namespaces, "
    "e.g. `docker run --rm -it --privileged --pid=host --net=host alpine ip link`."
)

PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "132": "sctp", "0": "all"}


# ---------------------------------------------------------------------------- data

@dataclass(frozen=True)
class PublishedPort:
    """One `-p HOST_PORT:CONTAINER_PORT` mapping as docker inspect reports it."""

    container_port: int
    protocol: str  # "tcp" or "udp"
    host_ip: str   # "0.0.0.0" means every address of the host
    host_port: int

    def __str__(self) -> str:
        host = "" if self.host_ip in ("", "0.0.0.0") else f"{self.host_ip}:"
        return f"{host}{self.host_port}->{self.container_port}/{self.protocol}"


@dataclass
class Container:
    name: str
    id: str = ""
    pid: int = 0
    image: str = ""
    ip: str = ""
    prefixlen: int = 0
    gateway: str = ""
    mac: str = ""
    network: str = ""  # the Docker network name ("bridge" is docker0)
    ports: list[PublishedPort] = field(default_factory=list)


@dataclass
class HostLink:
    """One interface as `ip -j -d link` shows it."""

    ifindex: int
    name: str
    kind: str = ""          # "veth", "bridge", ... ("" when ip was run without -d)
    master: str = ""        # the bridge it is plugged into
    peer_index: int = 0     # for a veth: the interface index of the other end ("link_index")
    peer_netns: int | None = None  # set when the other end lives in another namespace
    mac: str = ""
    state: str = ""
    up: bool = False


@dataclass
class NatRule:
    """One rule of the iptables nat table."""

    chain: str
    target: str
    protocol: str = "all"
    in_iface: str = ""       # "docker0", "!docker0" or ""
    out_iface: str = ""
    source: str = "0.0.0.0/0"
    destination: str = "0.0.0.0/0"
    dport: int | None = None
    to_address: str = ""     # DNAT --to-destination / SNAT --to-source address
    to_port: int | None = None
    jump_if_local: bool = False  # -m addrtype --dst-type LOCAL
    text: str = ""           # the rule as iptables printed it

    def describe(self) -> str:
        if self.target == "DNAT":
            port = f":{self.to_port}" if self.to_port else ""
            where = ""
            if self.in_iface.startswith("!"):
                where = f" (unless from {self.in_iface[1:]})"
            elif self.in_iface:
                where = f" (only from {self.in_iface})"
            return f"{self.protocol} {self.dport} -> {self.to_address}{port}{where}"
        return self.text


# ---------------------------------------------------------------------------- parsers

def _json(text: str, what: str):
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        raise InputError(f"this is not the JSON that {what} prints; pass its output unchanged.") from None


def parse_docker_inspect(text: str) -> list[Container]:
    """Containers from `docker inspect ID ...` (a JSON list)."""
    data = _json(text, "docker inspect")
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise InputError("docker inspect prints a JSON list of containers; this is something else.")
    containers = []
    for item in data:
        if not isinstance(item, dict) or "NetworkSettings" not in item:
            raise InputError("an entry of this docker inspect output is not a container (no NetworkSettings).")
        settings = item.get("NetworkSettings") or {}
        networks = settings.get("Networks") or {}
        # The first network, preferring Docker's default "bridge"; older engines also copy it to
        # top-level fields (IPAddress, Gateway ...), newer ones leave those empty.
        net_name, net = "", {}
        if networks:
            net_name = "bridge" if "bridge" in networks else sorted(networks)[0]
            net = networks[net_name] or {}
        ports = []
        for key, bindings in sorted((settings.get("Ports") or {}).items()):
            number, _, protocol = key.partition("/")
            for binding in bindings or []:  # None: exposed but not published
                ports.append(PublishedPort(int(number), protocol or "tcp", binding.get("HostIp") or "0.0.0.0",
                                           int(binding.get("HostPort") or 0)))
        state = item.get("State") or {}
        containers.append(Container(
            name=str(item.get("Name", "")).lstrip("/"),
            id=str(item.get("Id", ""))[:12],
            pid=int(state.get("Pid") or 0),
            image=str((item.get("Config") or {}).get("Image", "")),
            ip=net.get("IPAddress") or settings.get("IPAddress") or "",
            prefixlen=int(net.get("IPPrefixLen") or settings.get("IPPrefixLen") or 0),
            gateway=net.get("Gateway") or settings.get("Gateway") or "",
            mac=net.get("MacAddress") or settings.get("MacAddress") or "",
            network=net_name,
            ports=ports,
        ))
    return containers


def parse_ip_link(text: str) -> list[HostLink]:
    """Interfaces from `ip -j link` or `ip -j -d link` (also accepts `ip -j addr`)."""
    data = _json(text, "ip -j link")
    if not isinstance(data, list):
        raise InputError("ip -j link prints a JSON list of interfaces; this is something else.")
    links = []
    for item in data:
        if not isinstance(item, dict) or "ifindex" not in item:
            continue  # ip -j addr can print empty objects for filtered interfaces
        info = item.get("linkinfo") or {}
        flags = item.get("flags") or []
        links.append(HostLink(
            ifindex=int(item["ifindex"]),
            name=item.get("ifname", ""),
            kind=info.get("info_kind", ""),
            master=item.get("master", ""),
            peer_index=int(item.get("link_index") or 0),
            peer_netns=item.get("link_netnsid"),
            mac=item.get("address", ""),
            state=item.get("operstate", ""),
            up="UP" in flags,
        ))
    return links


def _port(text: str) -> int | None:
    return int(text) if text and text.isdigit() else None


def _split_to(value: str) -> tuple[str, int | None]:
    """'172.17.0.2:80' -> ('172.17.0.2', 80); '172.17.0.2' -> ('172.17.0.2', None)."""
    address, _, port = value.partition(":")
    return address, _port(port.split("-")[0]) if port else None


_HEADER = re.compile(r"^\s*(?:pkts\s+bytes\s+)?target\s+prot\s+opt\s+")


def parse_iptables_list(text: str) -> dict[str, list[NatRule]]:
    """Rules by chain from `iptables -t nat -L [CHAIN] -n` (with or without -v)."""
    if not isinstance(text, str):
        raise InputError("pass the text that `iptables -t nat -L -n` printed.")
    chains: dict[str, list[NatRule]] = {}
    chain, verbose = None, False
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("Chain "):
            chain = line.split()[1]
            chains[chain] = []
            continue
        if _HEADER.match(line):
            verbose = line.split()[0] == "pkts"
            continue
        if chain is None:
            continue
        words = line.split()
        if verbose:
            words = words[2:]  # packet and byte counters
        target, protocol, rest = words[0], words[1], words[2:]
        if rest and rest[0] in ("--", "-f", "!f"):
            rest = rest[1:]  # the "opt" column (fragments); newer iptables may leave it out
        in_iface = out_iface = ""
        if verbose:
            in_iface, out_iface, rest = rest[0], rest[1], rest[2:]
            in_iface = "" if in_iface == "*" else in_iface
            out_iface = "" if out_iface == "*" else out_iface
        source, destination, extra = rest[0], rest[1], " ".join(rest[2:])
        rule = NatRule(chain=chain, target=target, protocol=PROTOCOLS.get(protocol, protocol),
                       in_iface=in_iface, out_iface=out_iface, source=source, destination=destination,
                       text=line.strip())
        if m := re.search(r"\bdpt:(\d+)", extra):
            rule.dport = int(m[1])
        if m := re.search(r"\bto:([\d.]+(?::[\d-]+)?)", extra):
            rule.to_address, rule.to_port = _split_to(m[1])
        rule.jump_if_local = "dst-type LOCAL" in extra
        chains[chain].append(rule)
    return chains


def parse_iptables_rules(text: str, table: str = "nat") -> tuple[dict[str, str], list[NatRule]]:
    """Chain policies and rules from `iptables -t TABLE -S` or `iptables-save` (one table).

    Returns ({chain: policy, "-" for user chains}, [rules in order]).
    """
    if not isinstance(text, str):
        raise InputError("pass the text that `iptables -S` or `iptables-save` printed.")
    policies: dict[str, str] = {}
    rules: list[NatRule] = []
    current_table = table  # -S output has no table markers
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line == "COMMIT":
            continue
        if line.startswith("*"):
            current_table = line[1:]
            continue
        if current_table != table:
            continue
        if line.startswith(":"):
            name, policy = line[1:].split()[:2]
            policies[name] = policy
            continue
        try:
            words = shlex.split(line)
        except ValueError:
            continue
        if words[0] == "-P" and len(words) >= 3:
            policies[words[1]] = words[2]
        elif words[0] == "-N" and len(words) >= 2:
            policies.setdefault(words[1], "-")
        elif words[0] == "-A" and len(words) >= 2:
            rules.append(_rule_from_words(words[1], words[2:], line))
    return policies, rules


def _rule_from_words(chain: str, words: list[str], text: str) -> NatRule:
    rule = NatRule(chain=chain, target="", text=text)
    negate = False
    index = 0
    while index < len(words):
        word = words[index]
        value = words[index + 1] if index + 1 < len(words) else ""
        if word == "!":
            negate = True
            index += 1
            continue
        mark = "!" if negate else ""
        if word in ("-j", "--jump", "-g", "--goto"):
            rule.target = value
        elif word in ("-p", "--protocol"):
            rule.protocol = mark + PROTOCOLS.get(value, value)
        elif word in ("-i", "--in-interface"):
            rule.in_iface = mark + value
        elif word in ("-o", "--out-interface"):
            rule.out_iface = mark + value
        elif word in ("-s", "--source"):
            rule.source = mark + value
        elif word in ("-d", "--destination"):
            rule.destination = mark + value
        elif word in ("--dport", "--destination-port"):
            rule.dport = _port(value.split(":")[0])
        elif word in ("--to-destination", "--to-source", "--to"):
            rule.to_address, rule.to_port = _split_to(value)
        elif word == "--to-ports":
            rule.to_port = _port(value.split("-")[0])
        elif word == "--dst-type":
            rule.jump_if_local = value == "LOCAL" and not negate
        else:
            # a flag we do not model (-m tcp, --comment ...): skip its value too when it has one
            index += 1 if value and not value.startswith("-") and word.startswith("-") else 0
            index += 1
            negate = False
            continue
        negate = False
        index += 2
    return rule


# ---------------------------------------------------------------------------- the report

@dataclass
class ContainerView:
    container: Container
    peer_index: int | None      # the host-side ifindex its eth0 points to
    veth: HostLink | None       # the host interface with that index
    rules: list[NatRule]        # DNAT rules that send traffic to this container

    @property
    def bridge(self) -> str:
        return self.veth.master if self.veth else ""


@dataclass
class HostReport:
    views: list[ContainerView]
    bridges: list[HostLink]
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    title: str = "Docker host"

    def rows(self) -> list[tuple[str, ...]]:
        rows = []
        for view in self.views:
            c = view.container
            address = f"{c.ip}/{c.prefixlen}" if c.ip and c.prefixlen else (c.ip or "-")
            eth0 = f"eth0@if{view.peer_index}" if view.peer_index else "eth0@if?"
            veth = f"{view.veth.name} (ifindex {view.veth.ifindex})" if view.veth else "not found"
            published = ", ".join(rule.describe() for rule in view.rules) or "-"
            rows.append((c.name, address, eth0, veth, view.bridge or "-", published))
        return rows

    HEAD = ("Container", "Address", "Inside", "Host-side veth", "Bridge", "Published (DNAT)")

    def __repr__(self) -> str:
        rows = [self.HEAD] + self.rows()
        widths = [max(len(row[i]) for row in rows) for i in range(len(self.HEAD))]
        lines = [self.title]
        lines += ["  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
        if not self.views:
            lines.append("  (no running containers)")
        for bridge in self.bridges:
            lines.append(f"  bridge {bridge.name}: {'UP' if bridge.up else 'DOWN'}")
        lines += [f"  ! {problem}" for problem in self.problems]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in self.HEAD)
        body = "".join("<tr>" + "".join(f"<td style='text-align:left;font-family:monospace'>{html.escape(c)}</td>"
                                        for c in row) + "</tr>" for row in self.rows())
        extra = "".join(f"<div>bridge <code>{html.escape(b.name)}</code>: {'UP' if b.up else 'DOWN'}</div>"
                        for b in self.bridges)
        extra += "".join(f"<div style='color:#b45309'>! {html.escape(p)}</div>" for p in self.problems)
        extra += "".join(f"<div><i>note: {html.escape(n)}</i></div>" for n in self.notes)
        return f"<b>{html.escape(self.title)}</b><table><tr>{head}</tr>{body}</table>{extra}"


def build_report(containers: Iterable[Container], host_links: Iterable[HostLink],
                 peer_indexes: dict[str, int | None], nat_rules: Iterable[NatRule], *,
                 title: str = "Docker host") -> HostReport:
    """Join what docker, ip and iptables said into one row per container, and list mismatches."""
    links = list(host_links)
    by_index = {link.ifindex: link for link in links}
    rules = [r for r in nat_rules if r.target == "DNAT"]
    views, problems = [], []
    for container in containers:
        peer = peer_indexes.get(container.name)
        veth = by_index.get(peer) if peer else None
        mine = [r for r in rules if r.to_address and r.to_address == container.ip]
        views.append(ContainerView(container, peer, veth, mine))
        if peer and veth is None:
            problems.append(f"{container.name}'s eth0 points to interface index {peer}, which the host does "
                            f"not have (is the container in another network namespace?).")
        elif veth is not None and not veth.master:
            problems.append(f"{veth.name}, the host end of {container.name}'s eth0, is on no bridge.")
        for port in container.ports:
            matching = [r for r in mine if r.dport == port.host_port and
                        (r.to_port or r.dport) == port.container_port and r.protocol in (port.protocol, "all")]
            if not matching:
                problems.append(f"{container.name} publishes {port} but no DNAT rule sends port "
                                f"{port.host_port} to {container.ip}:{port.container_port}.")
    bridges = [link for link in links if link.kind == "bridge" or any(l.master == link.name for l in links)]
    return HostReport(views, bridges, problems, title=title)


# ---------------------------------------------------------------------------- a live engine

@dataclass(frozen=True)
class EngineStatus:
    available: bool
    reason: str = ""         # one sentence when not available
    version: str = ""
    operating_system: str = ""

    @property
    def desktop(self) -> bool:
        return "docker desktop" in self.operating_system.lower() or sys.platform in ("darwin", "win32")


class Skipped:
    """What inspect_docker_host() returns when there is nothing to inspect: one sentence."""

    def __init__(self, reason: str, note: str = ""):
        self.reason = reason
        self.note = note

    def __repr__(self) -> str:
        return self.reason + (f"\n{self.note}" if self.note else "")

    def _repr_html_(self) -> str:
        from helpers.display import Box

        return Box(repr(self), "info")._repr_html_()


Runner = Callable[[list[str]], tuple[int, str, str]]


def _run(argv: list[str]) -> tuple[int, str, str]:
    """Run a read-only command on this machine; (returncode, stdout, stderr)."""
    env = dict(os.environ, LC_ALL="C")
    env["PATH"] = env.get("PATH", "") + ":/usr/local/sbin:/usr/sbin:/sbin"
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=15, env=env)
    except FileNotFoundError:
        return 127, "", f"{argv[0]}: command not found"
    except subprocess.TimeoutExpired:
        return 124, "", f"{argv[0]} did not answer within 15 s"
    return done.returncode, done.stdout, done.stderr


NO_ENGINE = ("The docker command is installed but no Docker engine is running on this machine (it cannot "
             "reach the Docker daemon), so there is no real Docker host to inspect; the lab's dhost plays "
             "one instead.")


def engine_status(runner: Runner = _run, *, environ: dict[str, str] | None = None) -> EngineStatus:
    """Is there a local Docker engine to inspect? One sentence says why not."""
    environ = os.environ if environ is None else environ
    docker_host = environ.get("DOCKER_HOST", "")
    if docker_host and not docker_host.startswith("unix://"):
        return EngineStatus(False, f"DOCKER_HOST points to another machine ({docker_host}); this inspection "
                                   f"only looks at a Docker engine on this machine, so it is skipped.")
    code, out, err = runner(["docker", "version", "--format", "{{json .Server}}"])
    if code == 127:
        return EngineStatus(False, "Docker is not installed on this machine, so there is no real Docker host "
                                   "to inspect; the lab's dhost plays one instead.")
    text = (out + err).lower()
    if "permission denied" in text:
        return EngineStatus(False, "A Docker engine is running but this user may not talk to it (permission "
                                   "denied on its socket); run as root or join the docker group to inspect it.")
    server = None
    if code == 0:
        try:
            server = json.loads(out.strip() or "null")
        except ValueError:
            server = None
    if not server:
        return EngineStatus(False, NO_ENGINE)
    code, out, _ = runner(["docker", "info", "--format", "{{.OperatingSystem}}"])
    return EngineStatus(True, version=str(server.get("Version", "")),
                        operating_system=out.strip() if code == 0 else "")


def _peer_index(runner: Runner, container: Container) -> int | None:
    """The host-side interface index of a container's eth0, read from inside its namespace."""
    if container.pid:
        code, out, _ = runner(["nsenter", "--target", str(container.pid), "--net", "ip", "-j", "link", "show", "eth0"])
        if code == 0:
            links = parse_ip_link(out)
            if links and links[0].peer_index:
                return links[0].peer_index
    code, out, _ = runner(["docker", "exec", container.name, "cat", "/sys/class/net/eth0/iflink"])
    return int(out.strip()) if code == 0 and out.strip().isdigit() else None


def inspect_docker_host(runner: Runner = _run, *, environ: dict[str, str] | None = None) -> HostReport | Skipped:
    """Map a real Docker host's containers to their veths, bridge and NAT rules (read-only)."""
    status = engine_status(runner, environ=environ)
    if not status.available:
        return Skipped(status.reason)
    code, out, err = runner(["docker", "ps", "-q", "--no-trunc"])
    ids = out.split() if code == 0 else []
    containers: list[Container] = []
    if ids:
        code, out, err = runner(["docker", "inspect", *ids])
        if code == 0:
            containers = parse_docker_inspect(out)
    if status.desktop:
        report = build_report(containers, [], {}, [], title=f"Docker Desktop ({status.operating_system or 'VM'})")
        report.problems = []
        report.notes.append(DESKTOP_NOTE)
        return report
    notes = []
    code, out, _ = runner(["ip", "-j", "-d", "link", "show"])
    links = parse_ip_link(out) if code == 0 else []
    code, out, err = runner(["iptables", "-t", "nat", "-L", "DOCKER", "-n"])
    rules: list[NatRule] = []
    if code == 0:
        rules = parse_iptables_list(out).get("DOCKER", [])
    else:
        notes.append("the nat table could not be read (iptables needs root), so published ports are not "
                     "matched with their DNAT rules.")
        for container in containers:
            container.ports = []
    peers = {c.name: _peer_index(runner, c) for c in containers}
    report = build_report(containers, links, peers, rules,
                          title=f"Docker host (engine {status.version})" if status.version else "Docker host")
    report.notes += notes
    return report


def in_network(address: str, network: str) -> bool:
    """True if `address` lies in `network` (both as text); False for anything malformed."""
    try:
        return IPAddress(address) in IPNetwork(network)
    except (AddrFormatError, ValueError, TypeError):
        return False
