"""The live labs of lesson 04 (switching and routing), as functions the lesson and the tests share.

* ``switch_lab()``: three hosts on one switch, a router to a second network. The switch's real
  forwarding database (``bridge fdb``) is watched as it learns, and compared with the model in
  helpers.sim.switching, frame by frame.
* ``routing_lab()``: a router with three networks and two upstream routers (longest-prefix match
  you can traceroute), plus ``ec2``, a host whose ``ip route`` is the one from the course notes.
* ``nat_lab()``: a private network behind a router that masquerades towards an "internet"
  (documentation ranges), whose routers drop private destinations.
* ``vpc_lab()``: a small VPC: a public subnet (web servers) and a private one (database) behind a
  virtual router, and an internet gateway with a one-to-one NAT for the web server.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from helpers.errors import InputError
from helpers.lab import Lab
from helpers.sim.switching import Frame, Hub, LearningSwitch, parse_fdb

__all__ = ["set_hub_mode", "compare_with_model", "Agreement", "r1_model", "kernel_route_get", "compare_route_get",
           "RouteComparison", "VPC_PROBES", "packet_lines", "reachability", "seed_routes_on_ec2", "add_loopback_addresses",
           "mac_names", "host_on_port", "switch_lab", "pin_neighbours", "watch_learning", "LabFrame", "LearningRound", "replay_on_model",
           "broadcast_reach", "routing_lab", "SEED_ROUTES", "nat_lab", "NAT_RULES", "nat_translations",
           "vpc_lab", "IGW_RULES", "ROUTER_RULES"]

SWITCH_HOSTS = ("h1", "h2", "h3")


# ---------------------------------------------------------------------------- switching

def switch_lab(name: str = "04-switch") -> Lab:
    """s1 joins h1, h2, h3 and r1 (10.0.4.0/24); r1 leads on to h4 (10.0.5.0/24)."""
    lab = Lab(name)
    s1 = lab.switch("s1")
    hosts = [lab.host(h) for h in SWITCH_HOSTS]
    r1 = lab.router("r1")
    h4 = lab.host("h4")
    for number, host in enumerate(hosts, start=1):
        lab.link(host, s1, ip1=f"10.0.4.1{number}/24")
        host.default_route("10.0.4.1")
    lab.link(r1, s1, ip1="10.0.4.1/24")
    lab.link(r1, h4, ip1="10.0.5.1/24", ip2="10.0.5.14/24")
    h4.default_route("10.0.5.1")
    return lab


def mac_names(lab: Lab) -> dict[str, str]:
    """MAC -> a readable name ("h1", or "r1:eth1" for a router's second port)."""
    names = {}
    for node in lab.nodes.values():
        for interface in node.interfaces:
            if node.kind == "switch":
                continue
            names[interface.mac] = node.name if len(node.interfaces) == 1 or interface.name == "eth0" \
                else f"{node.name}:{interface.name}"
    return names


def pin_neighbours(lab: Lab, hosts=SWITCH_HOSTS) -> list:
    """Give each host a permanent neighbour (ARP) entry for the others, so no ARP joins the frames.

    Returns the commands' results (what `ip neigh replace ... nud permanent` printed: nothing).
    """
    results = []
    for name in hosts:
        node = lab[name]
        commands = [f"ip neigh replace {lab[other].ip} lladdr {lab[other].interface('eth0').mac} dev eth0 nud permanent"
                    for other in hosts if other != name]
        results.append(node.run("; ".join(commands), check=True))
    return results


@dataclass
class LabFrame:
    """One frame of a round, and where the capture saw it."""

    src_host: str
    dst_host: str
    kind: str  # "echo request" / "echo reply"
    src_mac: str
    dst_mac: str
    seen_by: tuple[str, ...]  # hosts (other than the sender) whose eth0 saw the frame

    def frame(self) -> Frame:
        return Frame(self.src_mac, self.dst_mac, f"{self.kind} {self.src_host} → {self.dst_host}")


@dataclass
class LearningRound:
    """One ping from a host to another: its frames, and the bridge's table afterwards."""

    sender: str
    target: str
    frames: list[LabFrame]
    fdb: object  # the CommandResult of `bridge fdb show br s1 dynamic`
    learned: dict[str, str] = field(default_factory=dict)  # mac -> port, parsed from fdb

    def summary(self, names: dict[str, str]) -> str:
        lines = [f"{self.sender} pings {self.target}:"]
        for f in self.frames:
            lines.append(f"  {f.kind:<13} {f.src_host} → {f.dst_host}  seen by: {', '.join(f.seen_by) or 'nobody'}")
        table = ", ".join(f"{names.get(mac, mac)} on {port}" for mac, port in sorted(self.learned.items())) or "empty"
        lines.append(f"  bridge fdb now: {table}")
        return "\n".join(lines)


def _ip_to_host(lab: Lab, hosts) -> dict[str, str]:
    return {lab[h].ip: h for h in hosts}


def watch_learning(lab: Lab, pairs, hosts=SWITCH_HOSTS) -> list[LearningRound]:
    """Ping sender -> target for each pair, capturing on every host and reading the fdb after each.

    One capture covers all rounds (captures take a moment to start); the rounds are told apart
    by the ICMP identifier each ping uses, in the order they happened.
    """
    pairs = list(pairs)
    for sender, target in pairs:
        for name in (sender, target):
            if name not in hosts:
                raise InputError(f"{name!r} is not one of the switch's hosts ({', '.join(hosts)}).")
        if sender == target:
            raise InputError(f"{sender} pinging itself never reaches the switch; pick two different hosts.")
    s1 = lab["s1"]
    fdbs = []
    points = [i.peer.label for i in s1.interfaces]  # every node's port on the switch (hosts and r1)
    with lab.capture(*points, filter="icmp") as capture:
        for sender, target in pairs:
            lab[sender].ping(lab[target].ip, count=1, timeout=1)
            fdbs.append(s1.mac_table())
    return _rounds(lab, capture, pairs, fdbs, hosts)


def _rounds(lab, capture, pairs, fdbs, hosts) -> list[LearningRound]:
    from scapy.layers.inet import ICMP, IP
    from scapy.layers.l2 import Ether

    owner = _ip_to_host(lab, hosts)
    owner.update({i.peer.ip: i.peer.node.name for i in lab["s1"].interfaces if i.peer.ip})
    exchanges: dict[int, dict[tuple, LabFrame]] = {}
    order: list[int] = []
    for seen in capture.packets:
        packet = seen.packet
        if ICMP not in packet or packet[ICMP].type not in (0, 8):
            continue
        ident = packet[ICMP].id
        if ident not in exchanges:
            exchanges[ident] = {}
            order.append(ident)
        kind = "echo request" if packet[ICMP].type == 8 else "echo reply"
        src, dst = owner.get(packet[IP].src, packet[IP].src), owner.get(packet[IP].dst, packet[IP].dst)
        key = (kind, packet[Ether].src, packet[Ether].dst)
        frame = exchanges[ident].get(key)
        if frame is None:
            frame = exchanges[ident][key] = LabFrame(src, dst, kind, packet[Ether].src, packet[Ether].dst, ())
        if seen.node != src and seen.node not in frame.seen_by:
            frame.seen_by = tuple(sorted(frame.seen_by + (seen.node,)))
    if len(order) != len(pairs):
        raise RuntimeError(f"expected {len(pairs)} ping exchanges in the capture, found {len(order)}")
    rounds = []
    for (sender, target), ident, fdb in zip(pairs, order, fdbs):
        frames = sorted(exchanges[ident].values(), key=lambda f: f.kind != "echo request")
        rounds.append(LearningRound(sender, target, frames, fdb, parse_fdb(fdb.output)))
    return rounds


def replay_on_model(lab: Lab, rounds: list[LearningRound], *, hub: bool = False, hosts=SWITCH_HOSTS):
    """Feed the frames the capture saw into the switch model (or a hub), on the ports they used.

    Returns (device, trace): the model's decisions, frame by frame, to compare with ``seen_by``.
    """
    s1 = lab["s1"]
    ports = [i.name for i in s1.interfaces]
    port_of = {h: lab[h].interface("eth0").peer.name for h in lab.nodes if lab[h].kind != "switch"
               and lab[h].interfaces and lab[h].interfaces[0].peer.node is s1}
    device = (Hub if hub else LearningSwitch)(ports, names=mac_names(lab), name="s1")
    feed = [(f.frame(), port_of[f.src_host]) for r in rounds for f in r.frames]
    trace = device.run(feed)
    return device, trace


def host_on_port(lab: Lab) -> dict[str, str]:
    """Switch port -> the node on its other end."""
    return {i.name: i.peer.node.name for i in lab["s1"].interfaces}


def set_hub_mode(lab: Lab, on: bool):
    """Make the bridge forget every MAC at once (ageing 0), so it floods like a hub; or restore 300 s."""
    centiseconds = 0 if on else 30000
    return lab["s1"].run(f"ip link set s1 type bridge ageing_time {centiseconds}", check=True)


@dataclass
class Agreement:
    """Frame by frame: where the model sent each frame, and where the capture saw it."""

    rows: list[tuple[str, str, str, str, bool]]  # (frame, action, model's receivers, seen by, agree)

    @property
    def all_agree(self) -> bool:
        return all(row[-1] for row in self.rows)

    def __repr__(self) -> str:
        head = ("Frame", "Model", "Model sends to", "Capture saw it at", "Same?")
        rows = [head] + [(*r[:4], "yes" if r[4] else "NO") for r in self.rows]
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


def compare_with_model(lab: Lab, rounds: list[LearningRound], *, hub: bool = False) -> Agreement:
    """Replay the captured frames on the model and compare its choices with what the capture saw."""
    device, trace = replay_on_model(lab, rounds, hub=hub)
    on_port = host_on_port(lab)
    frames = [f for r in rounds for f in r.frames]
    rows = []
    for step, frame in zip(trace, frames):
        model = sorted(on_port[p] for p in step.out_ports)
        rows.append((f"{frame.kind} {frame.src_host} → {frame.dst_host}", step.action, ", ".join(model) or "-",
                     ", ".join(frame.seen_by) or "-", model == sorted(frame.seen_by)))
    return Agreement(rows)


def broadcast_reach(lab: Lab, sender: str = "h1", target: str = "10.0.4.13") -> tuple:
    """Send one ARP request (a broadcast) from `sender`; return (arp result, nodes that saw it).

    Capture points: every host and both router ports, so the edge of the broadcast domain shows.
    """
    points = [f"{h}:eth0" for h in (*SWITCH_HOSTS, "h4")] + ["r1:eth0", "r1:eth1"]
    with lab.capture(*points, filter="arp") as capture:
        answer = lab[sender].arp(target)
    from scapy.layers.l2 import ARP, Ether

    seen = sorted({s.point for s in capture.packets
                   if ARP in s.packet and s.packet[ARP].op == 1 and s.packet[Ether].dst == "ff:ff:ff:ff:ff:ff"
                   and s.node != sender})
    return answer, seen


# ---------------------------------------------------------------------------- routing

# The `ip route` of an EC2 instance from the course notes, rebuilt on a lab host.
SEED_ROUTES = (
    "default via 192.168.1.1 dev eth0 proto dhcp src 192.168.1.31 metric 100",
    "192.168.1.0/26 dev eth0 proto kernel scope link src 192.168.1.31",
    "192.168.1.1 dev eth0 proto dhcp scope link src 192.168.1.31 metric 100",
)


def routing_lab(name: str = "04-routing") -> Lab:
    """h1 (10.0.1.0/24) and h2 (10.0.2.0/24) on r1; r2 and r3 upstream on 10.0.3.0/24; ec2 on 192.168.1.0/26.

    r1 sends 10.20.0.0/16 to r2 but the more specific 10.20.30.0/24 to r3; r2 owns 10.20.1.1
    and r3 owns 10.20.30.1 (on their loopbacks), so a traceroute shows which way a packet went.
    """
    lab = Lab(name)
    h1, h2 = lab.host("h1"), lab.host("h2")
    r1 = lab.router("r1")
    s2 = lab.switch("s2")
    r2, r3 = lab.router("r2"), lab.router("r3")
    ec2 = lab.host("ec2")
    lab.link(h1, r1, ip1="10.0.1.10/24", ip2="10.0.1.1/24")
    lab.link(r1, h2, ip1="10.0.2.1/24", ip2="10.0.2.10/24")
    lab.link(r1, s2, ip1="10.0.3.1/24")
    lab.link(r2, s2, ip1="10.0.3.2/24")
    lab.link(r3, s2, ip1="10.0.3.3/24")
    lab.link(r1, ec2, ip1="192.168.1.1/26", ip2="192.168.1.31/26")
    h1.default_route("10.0.1.1")
    h2.default_route("10.0.2.1")
    r1.route("10.20.0.0/16", via="10.0.3.2")
    r1.route("10.20.30.0/24", via="10.0.3.3")
    for router in (r2, r3):
        router.default_route("10.0.3.1")
    lab.allow("10.20.0.0/16")
    lab.allow("10.99.0.0/16")
    return lab


def add_loopback_addresses(lab: Lab) -> list:
    """Give r2 and r3 the addresses a traceroute towards 10.20.x.x ends at (ip addr add ... dev lo)."""
    return [lab["r2"].run("ip addr add 10.20.1.1/32 dev lo", check=True),
            lab["r3"].run("ip addr add 10.20.30.1/32 dev lo", check=True)]


def seed_routes_on_ec2(lab: Lab):
    """Replace ec2's routes with the DHCP-made ones from the notes (same words, same order)."""
    command = ("ip route add default via 192.168.1.1 dev eth0 proto dhcp src 192.168.1.31 metric 100 && "
               "ip route add 192.168.1.1 dev eth0 proto dhcp scope link src 192.168.1.31 metric 100")
    return lab["ec2"].run(command, check=True)


def r1_model():
    """The routing model of routing_lab()'s r1: the same interfaces and routes."""
    from helpers.sim.routing import Router

    model = Router("r1", {"eth0": "10.0.1.1/24", "eth1": "10.0.2.1/24", "eth2": "10.0.3.1/24",
                          "eth3": "192.168.1.1/26"})
    model.add_route("10.20.0.0/16", via="10.0.3.2")
    model.add_route("10.20.30.0/24", via="10.0.3.3")
    return model


def kernel_route_get(node, destinations) -> dict[str, str]:
    """`ip route get` for each destination, in one command run inside the node: {destination: first line}."""
    script = "; ".join(f"echo '== {d}'; ip route get {d} 2>&1" for d in destinations)
    output = node.run(script).output
    answers, current = {}, None
    for line in output.splitlines():
        if line.startswith("== "):
            current = line[3:].strip()
        elif current is not None and current not in answers and line.strip():
            answers[current] = line.strip()
    return answers


@dataclass
class RouteComparison:
    rows: list[tuple[str, str, str, bool]]  # destination, kernel, model, agree

    @property
    def all_agree(self) -> bool:
        return all(r[3] for r in self.rows)

    def __repr__(self) -> str:
        lines = []
        for destination, kernel, model, agree in self.rows:
            lines.append(f"{destination}\n   kernel: {kernel}\n   model:  {model}   {'✓ same' if agree else '✗ DIFFERENT'}")
        return "\n".join(lines)


def compare_route_get(node, model, destinations) -> RouteComparison:
    """The kernel's `ip route get` next to the model's answer, for each destination."""
    from helpers.sim.routing import parse_route_get

    kernel = kernel_route_get(node, destinations)
    rows = []
    for destination in destinations:
        real = parse_route_get(kernel.get(destination, ""), destination)
        mine = model.route_get(destination)
        rows.append((destination, real.line(), mine.line(), real.key() == mine.key()))
    return RouteComparison(rows)


# ---------------------------------------------------------------------------- NAT

NAT_RULES = """\
table ip nat {
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "eth1" counter masquerade
    }
}
"""


def nat_lab(name: str = "04-nat") -> Lab:
    """h1 (private 10.0.1.10) - r1 (home/office router, public 198.51.100.2) - isp - site (203.0.113.10).

    The isp router drops every private destination (unreachable routes for the RFC 1918 blocks),
    as internet routers do. NAT is not on yet: ``lab["r1"].nft(NAT_RULES)`` turns it on.
    """
    lab = Lab(name)
    h1, r1, isp, site = lab.host("h1"), lab.router("r1"), lab.router("isp"), lab.host("site")
    lab.link(h1, r1, ip1="10.0.1.10/24", ip2="10.0.1.1/24")
    lab.link(r1, isp, ip1="198.51.100.2/24", ip2="198.51.100.1/24")
    lab.link(isp, site, ip1="203.0.113.1/24", ip2="203.0.113.10/24")
    h1.default_route("10.0.1.1")
    r1.default_route("198.51.100.1")
    site.default_route("203.0.113.1")
    for block in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"):
        isp.route(block, kind="unreachable")
    site.serve_http(80, name="site")
    return lab


def packet_lines(packets) -> list[str]:
    """One line per captured packet (source → destination, protocol, what it says), in capture order."""
    from helpers.lab.capture import addresses, describe, protocol

    return [f"  {src} → {dst}  {protocol(s.packet)}  {describe(s.packet)}"
            for s in packets for src, dst in [addresses(s.packet)]]


_CONNTRACK = re.compile(r"^ipv4\s+\d+\s+(?P<proto>\w+)\s+\d+\s+\d+\s+(?:(?P<state>[A-Z_]+)\s+)?(?P<rest>.*)$")


def nat_translations(conntrack_text: str, proto: str = "tcp") -> list[dict[str, str]]:
    """Entries of /proc/net/nf_conntrack whose reply goes to another address than the original came from.

    Each is {"inside": "10.0.1.10:40001", "outside": "198.51.100.2:40001", "remote": "203.0.113.10:80"}:
    the timers and counters of the raw file change every second, these do not.
    """
    found = []
    for line in str(conntrack_text).splitlines():
        match = _CONNTRACK.match(line.strip())
        if not match or match["proto"] != proto:
            continue
        pairs = re.findall(r"(src|dst|sport|dport)=(\S+)", match["rest"])
        if len(pairs) < 8:
            continue
        orig = dict(pairs[:4])
        reply = dict(pairs[4:8])
        if orig["src"] == reply["dst"]:
            continue  # not translated
        found.append({"inside": f"{orig['src']}:{orig['sport']}", "outside": f"{reply['dst']}:{reply['dport']}",
                      "remote": f"{orig['dst']}:{orig['dport']}"})
    return sorted(found, key=lambda e: (e["inside"], e["remote"]))


# ---------------------------------------------------------------------------- a VPC, and separation

IGW_RULES = """\
table ip nat {
    chain prerouting {
        type nat hook prerouting priority dstnat; policy accept;
        ip daddr 198.51.100.10 dnat to 10.0.1.10
    }
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "eth1" ip saddr 10.0.1.10 snat to 198.51.100.10
    }
}
table ip filter {
    chain forward {
        type filter hook forward priority filter; policy drop;
        ct state established,related accept
        iifname "eth1" ct status dnat accept
        oifname "eth1" ip saddr 10.0.1.10 accept
    }
}
"""

ROUTER_RULES = """\
table ip filter {
    chain forward {
        type filter hook forward priority filter; policy accept;
        ct state established,related accept
        oifname "eth1" ip saddr 10.0.1.0/24 ip daddr 10.0.2.20 tcp dport 5432 accept
        oifname "eth1" counter reject with icmp type admin-prohibited
    }
}
"""


def vpc_lab(name: str = "04-vpc") -> Lab:
    """A VPC 10.0.0.0/16 in miniature.

    public subnet 10.0.1.0/24 (switch s1): web 10.0.1.10, web2 10.0.1.11;
    private subnet 10.0.2.0/24 (switch s2): db 10.0.2.20 (a database port, 5432);
    r1: the VPC's virtual router (10.0.1.1, 10.0.2.1), which only lets the web tier reach the
    database port; igw: the internet gateway, translating web's public address 198.51.100.10;
    user 203.0.113.50: someone on the internet, whose routers know public addresses only.
    """
    lab = Lab(name)
    s1, s2 = lab.switch("s1"), lab.switch("s2")
    web, web2, db = lab.host("web"), lab.host("web2"), lab.host("db")
    r1, igw, user = lab.router("r1"), lab.router("igw"), lab.host("user")
    lab.link(web, s1, ip1="10.0.1.10/24")
    lab.link(web2, s1, ip1="10.0.1.11/24")
    lab.link(r1, s1, ip1="10.0.1.1/24")
    lab.link(db, s2, ip1="10.0.2.20/24")
    lab.link(r1, s2, ip1="10.0.2.1/24")
    lab.link(r1, igw, ip1="10.0.255.1/30", ip2="10.0.255.2/30")
    lab.link(igw, user, ip1="203.0.113.1/24", ip2="203.0.113.50/24")
    for host in (web, web2):
        host.default_route("10.0.1.1")
    db.default_route("10.0.2.1")
    r1.default_route("10.0.255.2")
    igw.route("10.0.0.0/16", via="10.0.255.1")
    user.route("198.51.100.0/24", via="203.0.113.1")  # the internet routes public addresses only
    r1.nft(ROUTER_RULES)
    igw.nft(IGW_RULES)
    lab.allow("198.51.100.0/24")
    web.serve_http(80, name="web")
    user.serve_http(80, name="user")
    db.serve_echo(5432)
    return lab


# Who tries to reach what in the VPC lab: (from, to address, port, what it stands for).
VPC_PROBES = (
    ("user", "198.51.100.10", 80, "the internet → web's public address, HTTP"),
    ("user", "10.0.2.20", 5432, "the internet → the database, directly"),
    ("web", "10.0.2.20", 5432, "web tier → database port"),
    ("web2", "10.0.2.20", 5432, "web tier → database port"),
    ("web", "10.0.2.20", 22, "web tier → database SSH"),
)


def reachability(lab: Lab, probes=VPC_PROBES) -> list[tuple[str, str, str]]:
    """Try each TCP connection (like telnet); (who → where, what for, result)."""
    rows = []
    for source, address, port, meaning in probes:
        result = lab[source].tcp_connect(address, port, timeout=1)
        outcome = "connected" if result.open else f"failed: {result.error}"
        rows.append((f"{source} → {address}:{port}", meaning, outcome))
    return rows
