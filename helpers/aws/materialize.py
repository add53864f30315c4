"""A VPC model made real: the same network on Linux namespaces, with real packets and real rules.

    vlab = materialize(cloud, "09-vpc")          # declares the lab (nothing runs yet)
    with vlab:                                   # builds it: ~0.1-0.5 s
        vlab.names                               # which AWS id became which lab node
        vlab.run("bastion", "ip route")          # a real shell in the instance
        vlab.compare("the internet", "bastion", "tcp", 22)   # the analyzer and the kernel, side by side

How each part of the model becomes a part of the lab:

* **subnet** → a switch (a Linux bridge in its own namespace); instances and NAT gateways plug into
  it with their private IP, the subnet's first host address (base + 1, the address AWS reserves
  for the VPC router) is their default gateway. Traffic inside a subnet stays on the bridge: no
  route table and no network ACL, as on AWS.
* **VPC router** → one routing namespace per VPC (``rtr1`` ...) with an interface on every subnet,
  named after the subnet. Each route table becomes a kernel routing table (``rtb-03`` → table
  103) and *policy routing* picks the table by the interface a packet came in on
  (``ip rule add iif publica lookup 102``), which is exactly "each subnet uses its route table".
  The local route becomes one route per subnet plus a blackhole for the rest of the VPC's block;
  a table without a 0.0.0.0/0 route gets ``blackhole default``, so no packet falls through to
  another table (AWS drops what no route matches). Routes whose target is gone are blackholes.
* **network ACL** → nftables rules on the router, at the subnet boundary, stateless: the ACL's
  outbound rules for packets coming *in* from the subnet's interface, its inbound rules for
  packets going *out* to it (from another interface), numbered rules in order, the first match
  decides, then the final deny (``rule *``).
* **security group** → stateful nftables rules in each instance (``ct state established,related
  accept`` first: replies of allowed connections pass whatever the rules say), allow rules only,
  a final drop; a rule that references a group matches the private addresses of that group's
  members (a named set).
* **internet gateway** → a namespace between the VPC router and the internet doing 1:1 NAT: each
  public IP or Elastic IP (a documentation-range address, 198.51.100.x) maps to one private IP,
  both ways. It passes new connections out only from addresses that have a public IP and not to
  private (RFC 1918) destinations, and lets in only traffic for a mapped public IP.
* **NAT gateway** → a namespace in its subnet that rewrites sources to its own private IP
  (``snat``; the internet gateway then maps that to its Elastic IP). One-way: it forwards new
  connections only from interfaces of its own VPC, replies only back, and accepts no connection
  of its own.
* **peering** → a link between the two VPC routers; a router sends over it only packets from its
  own block to the peer's block, and delivers what arrives only into its own subnets (peering is
  not transitive).
* **the internet** → a router ``isp`` that knows every public IP's gateway, and a host
  ``internet`` at 203.0.113.10, the address the analyzer calls "the internet" (and 203.0.113.200,
  "a stranger", for rules that admit only part of the internet).

AWS ids become lab node names of 1-8 lowercase letters/digits: a resource's Name when it is one
already ("bastion"; "public-a" → "publica"), else its id without the dash and zeros ("igw-01" →
``igw1``); ``vlab.names`` shows the mapping. Not materialised (the analyzer still answers for
them): transit gateways and VPN gateways; a model that routes to one is refused with a sentence
saying so.

Probing: ``vlab.probe(flows)`` runs many TCP, UDP and ICMP flows at once from one process
(``helpers/aws/netprobe.py`` opens each socket inside its source namespace) against small servers
in every instance, so checking hundreds of flows costs well under a second per lab.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from netaddr import IPAddress, IPNetwork

from helpers.aws.model import Cloud, Instance, NatGateway, Subnet, Vpc, label
from helpers.aws.report import pre_html, table
from helpers.aws.rules import AclEntry, SgRule
from helpers.errors import CourseError, InputError
from helpers.lab.experiment import LabExperiment

__all__ = ["materialize", "plan", "with_lab_addresses", "STRANGER_ADDRESS", "Blueprint", "VpcLab", "Flow", "FlowResult", "Comparison", "Comparisons",
           "node_names", "INTERNET_NODE", "ISP_NODE", "DEFAULT_TCP_PORTS", "DEFAULT_UDP_PORTS"]

NETPROBE = Path(__file__).resolve().parent / "netprobe.py"
INTERNET_NODE = "internet"
ISP_NODE = "isp"
INTERNET_ADDRESS = "203.0.113.10"          # the analyzer's "the internet" (INTERNET_HOST)
STRANGER_ADDRESS = "203.0.113.200"         # a second internet address, for rules that admit only some of it
STRANGER_WORDS = ("a stranger", "stranger")
INTERNET_NET = "203.0.113.0/24"
PUBLIC_NET = "198.51.100.0/24"             # the model's pool of public and Elastic IPs
TRANSIT_NET = "192.0.2.0/24"               # isp <-> internet gateways, one /30 each
RFC1918 = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
DOCUMENTATION_NETS = ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
DEFAULT_TCP_PORTS = (22, 80, 443, 3306, 5432, 8080)
DEFAULT_UDP_PORTS = (53, 123, 5432)
INGRESS_TABLE = 200                        # the router's table for traffic from gateways and peers
FIRST_CLIENT_PORT = 52001                  # probes' source ports count up from here (the engine's own
                                           # probes use 40001 and up, so the two never collide)


# ---------------------------------------------------------------------------- names

# Ids from a real account (helpers.aws.boto_loader) are hex ('igw-0a1b2c...'); they are numbered by
# their order in the model instead, the same way every time for the same model.
_ORDINALS: dict[str, int] = {}


def _number(resource_id: str) -> int:
    """'igw-01' -> 1; a real account's id -> its position among resources of its kind."""
    suffix = resource_id.rsplit("-", 1)[-1]
    if suffix.isdigit() and len(suffix) <= 4:
        return int(suffix)
    return _ORDINALS[resource_id]


def _register(cloud: Cloud) -> None:
    for collection in (cloud.vpcs, cloud.subnets, cloud.internet_gateways, cloud.nat_gateways, cloud.instances,
                       cloud.route_tables, cloud.network_acls, cloud.security_groups, cloud.peerings):
        for position, rid in enumerate(sorted(collection), start=1):
            _ORDINALS[rid] = position


def _clean(name: str) -> str:
    """'public-a' -> 'publica'; '' when nothing valid is left."""
    text = re.sub(r"[^a-z0-9]", "", str(name).lower())
    text = text.lstrip("0123456789")
    return text[:8]


def node_names(cloud: Cloud) -> dict[str, str]:
    """AWS id -> lab node name, the same for the same model every time."""
    _register(cloud)
    names: dict[str, str] = {}
    # also the router's own interface names and names the lab engine keeps for itself
    taken = {INTERNET_NODE, ISP_NODE, "igw", "lo", "wire", "all", "default"}
    for vpc in sorted(cloud.vpcs.values(), key=lambda v: v.id):
        names[vpc.id] = f"rtr{_number(vpc.id)}"
    for gateway in sorted(cloud.internet_gateways.values(), key=lambda g: g.id):
        names[gateway.id] = f"igw{_number(gateway.id)}"
    for nat in sorted(cloud.nat_gateways.values(), key=lambda n: n.id):
        names[nat.id] = f"nat{_number(nat.id)}"
    taken |= set(names.values())
    for resources, fallback in ((cloud.subnets, "subnet"), (cloud.instances, "i")):
        for resource in sorted(resources.values(), key=lambda r: r.id):
            wanted = _clean(resource.name) if resource.name != resource.id else ""   # no Name tag: use the number
            generated = re.fullmatch(r"(rtr|igw|nat|pcx|subnet|i)\d+", wanted or "")
            if not wanted or wanted in taken or (generated and wanted != f"{fallback}{_number(resource.id)}"):
                wanted = f"{fallback}{_number(resource.id)}"
            names[resource.id] = wanted
            taken.add(wanted)
    return names


def with_lab_addresses(cloud: Cloud) -> Cloud:
    """A copy of a model (e.g. one read from a real account) whose public and Elastic IPs are moved
    into the documentation range the labs use (198.51.100.0/24), so it can be materialised."""
    import copy

    clone = copy.deepcopy(cloud)
    documentation = [IPNetwork(n) for n in DOCUMENTATION_NETS]
    pool = [str(a) for a in list(IPNetwork(PUBLIC_NET))[10:255]]
    taken = {e.public_ip for e in clone.elastic_ips.values()} | {i.eni.public_ip for i in clone.instances.values()}
    free = iter(a for a in pool if a not in taken)
    moved: dict[str, str] = {}

    def lab_address(address: str | None) -> str | None:
        if not address or any(IPAddress(address) in net for net in documentation):
            return address
        if address not in moved:
            moved[address] = next(free)
        return moved[address]

    for eip in sorted(clone.elastic_ips.values(), key=lambda e: e.id):
        eip.public_ip = lab_address(eip.public_ip)
    for instance in sorted(clone.instances.values(), key=lambda i: i.id):
        instance.eni.public_ip = lab_address(instance.eni.public_ip)
    return clone


# ---------------------------------------------------------------------------- the blueprint

@dataclass
class LinkPlan:
    a: str
    b: str
    ip1: str | None = None
    ip2: str | None = None
    name1: str | None = None
    name2: str | None = None


@dataclass
class Blueprint:
    """Everything the lab needs, as plain data: nodes, cables, commands and rulesets."""

    names: dict[str, str]                                   # AWS id -> node
    nodes: list[tuple[str, str]] = field(default_factory=list)      # (node, 'host' | 'router' | 'switch')
    links: list[LinkPlan] = field(default_factory=list)
    routes: dict[str, list[list[str]]] = field(default_factory=dict)  # node -> `ip ...` argvs (routes, rules)
    sysctls: dict[str, list[str]] = field(default_factory=dict)
    rulesets: dict[str, str] = field(default_factory=dict)            # node -> nft -f text
    instance_nodes: dict[str, str] = field(default_factory=dict)      # instance id -> node
    public: dict[str, str] = field(default_factory=dict)              # public IP -> private IP
    rows: list[list[str]] = field(default_factory=list)               # the mapping table

    def add_node(self, name: str, kind: str) -> None:
        self.nodes.append((name, kind))

    def ip(self, node: str, *argv: str) -> None:
        self.routes.setdefault(node, []).append(["ip", *argv])


def _gateway(subnet: Subnet) -> str:
    return str(IPNetwork(subnet.cidr).network + 1)


def _prefix(subnet: Subnet) -> int:
    return IPNetwork(subnet.cidr).prefixlen


def _route_dest(cidr: str) -> str:
    return "default" if cidr == "0.0.0.0/0" else cidr


def table_id(route_table_id: str) -> int:
    """rtb-03 -> kernel table 103."""
    return 100 + _number(route_table_id)


def _vpc_members(cloud: Cloud, vpc: Vpc) -> list[str]:
    """Private IPs of every network interface in the VPC (instances and NAT gateways)."""
    addresses = [i.eni.private_ip for i in vpc.instances] + [n.private_ip for n in vpc.nat_gateways]
    return sorted(addresses, key=lambda a: int(IPAddress(a)))


def _refuse_unsupported(cloud: Cloud) -> None:
    for table_obj in sorted(cloud.route_tables.values(), key=lambda t: t.id):
        for route in table_obj.all_routes():
            if route.target.startswith(("tgw-", "vgw-")):
                raise InputError(
                    f"Route table {label(table_obj)} sends {route.destination} to {route.target}: the lab builds "
                    "VPCs, subnets, route tables, internet and NAT gateways, security groups, network ACLs, "
                    "instances and peering, but not transit or VPN gateways; ask the analyzer about those paths.")
    from helpers.aws.validate import validate

    errors = validate(cloud).errors
    if errors:
        raise InputError(f"The lab builds only what AWS would accept, and this model has {len(errors)} error(s); the "
                         f"first: {errors[0].resource}: {errors[0].message}")
    documentation = [IPNetwork(n) for n in DOCUMENTATION_NETS]
    for owner in list(cloud.instances.values()) + list(cloud.nat_gateways.values()):
        public = owner.eni.public_ip if isinstance(owner, Instance) else owner.public_ip
        if public and not any(IPAddress(public) in net for net in documentation):
            raise InputError(f"{label(owner)} has the public IP {public}, a real internet address, and labs use only "
                             "documentation addresses for the internet; materialize with_lab_addresses(cloud), a copy "
                             "whose public IPs are moved into 198.51.100.0/24.")
    if not cloud.instances:
        raise InputError("The model has no instances yet; launch at least one (subnet.launch('web')) so the lab "
                         "has something to send packets from.")


def plan(cloud: Cloud) -> Blueprint:
    """The lab for a model, as data (no namespaces are touched)."""
    if not isinstance(cloud, Cloud):
        raise InputError("materialize() needs the model (a Cloud), like materialize(cloud).")
    _refuse_unsupported(cloud)
    names = node_names(cloud)
    bp = Blueprint(names)
    vpcs = sorted(cloud.vpcs.values(), key=lambda v: v.id)
    # -- the internet
    bp.add_node(ISP_NODE, "router")
    bp.add_node(INTERNET_NODE, "host")
    bp.links.append(LinkPlan(ISP_NODE, INTERNET_NODE, "203.0.113.1/24", f"{INTERNET_ADDRESS}/24", "eth0", "eth0"))
    bp.ip(INTERNET_NODE, "route", "add", "default", "via", "203.0.113.1")
    bp.ip(INTERNET_NODE, "addr", "add", f"{STRANGER_ADDRESS}/24", "dev", "eth0")
    bp.rows.append(["the internet", "", INTERNET_NODE, "host", f"{INTERNET_ADDRESS} (the analyzer's 'the internet'); "
                    f"also {STRANGER_ADDRESS}, 'a stranger'"])
    bp.rows.append(["(its router)", "", ISP_NODE, "router", "routes each public IP to its internet gateway"])
    for index, vpc in enumerate(vpcs):
        _plan_vpc(cloud, vpc, index, bp)
    _plan_peerings(cloud, bp)
    bp.ip(ISP_NODE, "route", "add", "blackhole", "default")
    for vpc in vpcs:
        for subnet in sorted(vpc.subnets, key=lambda s: s.id):
            for owner in _subnet_members(cloud, subnet):
                _plan_member(cloud, owner, subnet, bp)
    return bp


def _subnet_members(cloud: Cloud, subnet: Subnet) -> list[Any]:
    members = [i for i in cloud.instances.values() if i.eni.subnet == subnet.id]
    members += [n for n in cloud.nat_gateways.values() if n.subnet == subnet.id]
    return sorted(members, key=lambda m: int(IPAddress(m.eni.private_ip if isinstance(m, Instance) else m.private_ip)))


def _plan_vpc(cloud: Cloud, vpc: Vpc, index: int, bp: Blueprint) -> None:
    names = bp.names
    router = names[vpc.id]
    bp.add_node(router, "router")
    bp.sysctls[router] = ["net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                          "net.ipv4.conf.all.send_redirects=0", "net.ipv4.conf.default.send_redirects=0"]
    bp.rows.append([label(vpc), vpc.cidr, router, "router", "the VPC router: one routing table per route table"])
    subnets = sorted(vpc.subnets, key=lambda s: s.id)
    for subnet in subnets:
        switch = names[subnet.id]
        bp.add_node(switch, "switch")
        bp.links.append(LinkPlan(router, switch, f"{_gateway(subnet)}/{_prefix(subnet)}", None, switch, None))
        bp.rows.append([label(subnet), subnet.cidr, switch, "switch",
                        f"{subnet.az}; router {router}:{switch} {_gateway(subnet)}"])
    # the internet gateway, between the router and the isp
    gateway = vpc.internet_gateway
    link_net = IPNetwork(f"169.254.{index + 1}.0/30")
    if gateway is not None:
        igw = names[gateway.id]
        bp.add_node(igw, "router")
        router_side, igw_side = str(link_net.network + 1), str(link_net.network + 2)
        bp.links.append(LinkPlan(router, igw, f"{router_side}/30", f"{igw_side}/30", "igw", "eth0"))
        transit = IPNetwork(TRANSIT_NET).network + 4 * index
        isp_side, igw_out = str(transit + 1), str(transit + 2)
        bp.links.append(LinkPlan(ISP_NODE, igw, f"{isp_side}/30", f"{igw_out}/30", igw, "eth1"))
        bp.ip(igw, "route", "add", "default", "via", isp_side)
        bp.ip(igw, "route", "add", vpc.cidr, "via", router_side)
        bp.sysctls[igw] = ["net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0"]
        mapping = _public_mapping(cloud, vpc)
        for public, private in mapping:
            bp.public[public] = private
            bp.ip(ISP_NODE, "route", "add", f"{public}/32", "via", igw_out)
        bp.rulesets[igw] = igw_ruleset(mapping)
        bp.rows.append([label(gateway), "", igw, "router", "1:1 NAT of public IPs: " +
                        (", ".join(f"{p}={q}" for p, q in mapping) or "none mapped yet")])
    # route tables: one kernel table each, picked by the incoming interface
    used = sorted({s.effective_route_table.id for s in subnets}, key=_number)
    for table_ref in used:
        _plan_table(cloud, vpc, cloud.route_tables[table_ref], bp, link_net)
    for subnet in subnets:
        bp.ip(router, "rule", "add", "pref", "100", "iif", names[subnet.id], "lookup",
              str(table_id(subnet.effective_route_table.id)))
    # traffic from the internet gateway or a peer: only into this VPC's subnets
    for subnet in subnets:
        bp.ip(router, "route", "add", subnet.cidr, "dev", names[subnet.id], "table", str(INGRESS_TABLE))
    bp.ip(router, "route", "add", "blackhole", "default", "table", str(INGRESS_TABLE))
    if gateway is not None:
        bp.ip(router, "rule", "add", "pref", "200", "iif", "igw", "lookup", str(INGRESS_TABLE))
    bp.rulesets[router] = router_ruleset(cloud, vpc, names, peerings=_peerings_of(cloud, vpc))


def _public_mapping(cloud: Cloud, vpc: Vpc) -> list[tuple[str, str]]:
    pairs = [(i.eni.public_ip, i.eni.private_ip) for i in vpc.instances if i.eni.public_ip]
    pairs += [(n.public_ip, n.private_ip) for n in vpc.nat_gateways if n.public_ip]
    return sorted(pairs, key=lambda p: int(IPAddress(p[0])))


def _peerings_of(cloud: Cloud, vpc: Vpc) -> list:
    return sorted((p for p in cloud.peerings.values() if p.connects(vpc.id) and p.status == "active"),
                  key=lambda p: p.id)


def _peer_addresses(peering) -> tuple[IPNetwork, str, str]:
    net = IPNetwork(f"169.254.{100 + _number(peering.id)}.0/30")
    return net, str(net.network + 1), str(net.network + 2)   # requester side, accepter side


def _plan_table(cloud: Cloud, vpc: Vpc, table_obj, bp: Blueprint, igw_net: IPNetwork) -> None:
    names = bp.names
    router = names[vpc.id]
    number = str(table_id(table_obj.id))
    has_default = False
    for route in sorted(table_obj.all_routes(), key=lambda r: (-IPNetwork(r.destination).prefixlen, r.destination)):
        dest = _route_dest(route.destination)
        has_default |= route.destination == "0.0.0.0/0"
        if route.target == "local":
            for subnet in sorted(vpc.subnets, key=lambda s: s.id):
                bp.ip(router, "route", "add", subnet.cidr, "dev", names[subnet.id], "table", number)
            bp.ip(router, "route", "add", "blackhole", vpc.cidr, "table", number)
            continue
        if table_obj.route_state(route) == "blackhole":
            bp.ip(router, "route", "add", "blackhole", dest, "table", number)
        elif route.target.startswith("igw-"):
            bp.ip(router, "route", "add", dest, "via", str(igw_net.network + 2), "dev", "igw", "table", number)
        elif route.target.startswith("nat-"):
            nat = cloud.nat_gateways[route.target]
            bp.ip(router, "route", "add", dest, "via", nat.private_ip, "dev", names[nat.subnet], "table", number)
        elif route.target.startswith("pcx-"):
            peering = cloud.peerings[route.target]
            _, requester_side, accepter_side = _peer_addresses(peering)
            via = accepter_side if peering.requester == vpc.id else requester_side
            bp.ip(router, "route", "add", dest, "via", via, "dev", _pcx_name(peering), "table", number)
    if not has_default:
        bp.ip(router, "route", "add", "blackhole", "default", "table", number)


def _pcx_name(peering) -> str:
    return f"pcx{_number(peering.id)}"


def _plan_peerings(cloud: Cloud, bp: Blueprint) -> None:
    for peering in sorted(cloud.peerings.values(), key=lambda p: p.id):
        if peering.status != "active":
            continue
        net, requester_side, accepter_side = _peer_addresses(peering)
        a, b = bp.names[peering.requester], bp.names[peering.accepter]
        name = _pcx_name(peering)
        bp.links.append(LinkPlan(a, b, f"{requester_side}/30", f"{accepter_side}/30", name, name))
        for router in (a, b):
            bp.ip(router, "rule", "add", "pref", "200", "iif", name, "lookup", str(INGRESS_TABLE))
        bp.rows.append([label(peering), "", f"{a}:{name} - {b}:{name}", "link", "a cable between the two routers"])


def _plan_member(cloud: Cloud, owner, subnet: Subnet, bp: Blueprint) -> None:
    node = bp.names[owner.id]
    switch = bp.names[subnet.id]
    private = owner.eni.private_ip if isinstance(owner, Instance) else owner.private_ip
    if isinstance(owner, NatGateway):
        bp.add_node(node, "router")
        bp.sysctls[node] = ["net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                            "net.ipv4.conf.all.send_redirects=0", "net.ipv4.conf.default.send_redirects=0"]
        bp.rulesets[node] = nat_ruleset(owner, _vpc_members(cloud, cloud.vpcs[subnet.vpc]))
        detail = f"snat to {private}; Elastic IP {owner.public_ip}"
    else:
        bp.add_node(node, "host")
        bp.instance_nodes[owner.id] = node
        bp.sysctls[node] = ["net.ipv4.conf.all.accept_redirects=0", "net.ipv4.conf.default.accept_redirects=0"]
        bp.rulesets[node] = sg_ruleset(cloud, owner)
        groups = ", ".join(g.name for g in owner.security_groups)
        detail = f"public {owner.eni.public_ip}; " if owner.eni.public_ip else ""
        detail += f"groups {groups}"
    bp.links.append(LinkPlan(node, switch, f"{private}/{_prefix(subnet)}", None, "eth0", None))
    bp.ip(node, "route", "add", "default", "via", _gateway(subnet))
    bp.rows.append([label(owner), private, node, "host" if isinstance(owner, Instance) else "router", detail])


# ---------------------------------------------------------------------------- nftables rulesets

def _quote(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def _match(protocol: str, ports: tuple[int, int] | None) -> list[str]:
    """nft words matching a protocol and destination-port range."""
    if protocol == "all":
        return []
    if protocol == "icmp":
        return ["ip protocol icmp"]
    if ports is None or ports == (0, 65535):
        return [f"ip protocol {protocol}"]
    low, high = ports
    return [f"{protocol} dport {low}" if low == high else f"{protocol} dport {low}-{high}"]


def _peer(word: str, cidr: str) -> list[str]:
    return [] if cidr == "0.0.0.0/0" else [f"ip {word} {cidr}"]


def acl_chain(entries: Iterable[AclEntry], egress: bool) -> list[str]:
    """A network ACL direction as nft rules: numbered rules in order, first match wins, then deny."""
    rules = []
    for entry in sorted((e for e in entries if e.egress == egress), key=lambda e: e.number):
        words = _match(entry.protocol, entry.ports) + _peer("daddr" if egress else "saddr", entry.cidr)
        verdict = "accept" if entry.action == "allow" else "drop"
        rules.append(" ".join(words + [verdict, "comment", _quote(entry.text())]))
    rules.append('drop comment "rule *: deny all traffic"')
    return rules


def router_ruleset(cloud: Cloud, vpc: Vpc, names: dict[str, str], peerings: list = ()) -> str:
    subnets = sorted(vpc.subnets, key=lambda s: s.id)
    acls = sorted({s.network_acl for s in subnets}, key=_number)
    lines = ["table ip vpc {",
             "    # network ACLs are stateless: every packet crossing a subnet boundary is checked,",
             "    # replies too. Leaving a subnet: its ACL's outbound rules.",
             "    chain subnet_out {",
             "        type filter hook forward priority filter - 1; policy accept;"]
    for subnet in subnets:
        lines.append(f'        iifname "{names[subnet.id]}" goto {_acl_chain_name(subnet.network_acl, True)}')
    lines += ["    }",
              "    # Entering a subnet from outside it: its ACL's inbound rules.",
              "    chain subnet_in {",
              "        type filter hook forward priority filter; policy accept;"]
    for subnet in subnets:
        iface = names[subnet.id]
        lines.append(f'        oifname "{iface}" iifname != "{iface}" goto {_acl_chain_name(subnet.network_acl, False)}')
    lines.append("    }")
    if peerings:
        lines += ["    # peering carries only this VPC's addresses to the peer's (not transitive)",
                  "    chain peering {",
                  "        type filter hook forward priority filter + 1; policy accept;"]
        for peering in peerings:
            other = cloud.vpcs[peering.other(vpc.id)]
            name = _pcx_name(peering)
            lines.append(f'        oifname "{name}" ip saddr != {vpc.cidr} drop')
            lines.append(f'        oifname "{name}" ip daddr != {other.cidr} drop')
        lines.append("    }")
    for acl_id in acls:
        acl = cloud.network_acls[acl_id]
        for egress in (False, True):
            lines.append(f"    chain {_acl_chain_name(acl_id, egress)} {{  # {label(acl)} "
                         f"{'outbound' if egress else 'inbound'}")
            lines += [f"        {rule}" for rule in acl_chain(acl.entries, egress)]
            lines.append("    }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _acl_chain_name(acl_id: str, egress: bool) -> str:
    return f"acl{_number(acl_id)}_{'out' if egress else 'in'}"


def _group_members(cloud: Cloud, group_id: str, viewer: Instance) -> list[str]:
    """Private IPs that a rule referencing this group matches, seen from the viewer's VPC: members
    in the viewer's VPC or in a same-Region peered VPC (elsewhere group identity does not travel)."""
    group = cloud.security_groups[group_id]
    mine = viewer.vpc_obj
    if group.vpc != mine.id:
        other = cloud.vpcs[group.vpc]
        peered = any(p.connects(mine.id) and p.connects(other.id) and p.status == "active"
                     for p in cloud.peerings.values())
        if not peered or other.region != mine.region:
            return []
    members = [i.eni.private_ip for i in cloud.instances.values() if group_id in i.eni.security_groups]
    return sorted(members, key=lambda a: int(IPAddress(a)))


def _sg_rule_words(rule: SgRule, inbound: bool) -> list[str]:
    words = _match(rule.protocol, rule.ports)
    if rule.cidr is not None:
        words += _peer("saddr" if inbound else "daddr", rule.cidr)
    else:
        words.append(f"ip {'saddr' if inbound else 'daddr'} @{_set_name(rule.group)}")
    return words


def _set_name(group_id: str) -> str:
    return f"sg{_number(group_id)}"


def sg_ruleset(cloud: Cloud, instance: Instance) -> str:
    """An instance's security groups as stateful nft rules (all its groups together)."""
    groups = instance.security_groups
    names = {g.id: g.name for g in cloud.security_groups.values()}
    referenced = sorted({r.group for g in groups for r in g.inbound + g.outbound if r.group}, key=_number)
    lines = ["table ip sg {"]
    for group_id in referenced:
        members = _group_members(cloud, group_id, instance)
        elements = f" elements = {{ {', '.join(members)} }};" if members else ""
        lines.append(f"    set {_set_name(group_id)} {{ type ipv4_addr;{elements} }}  # members of "
                     f"{names[group_id]} ({group_id})")
    for inbound in (True, False):
        hook, chain, lo = ("input", "inbound", "iif") if inbound else ("output", "outbound", "oif")
        lines += [f"    chain {chain} {{",
                  f"        type filter hook {hook} priority filter; policy drop;",
                  "        ct state established,related accept  # stateful: replies pass",
                  f"        {lo} lo accept"]
        for group in groups:
            for rule in (group.inbound if inbound else group.outbound):
                words = _sg_rule_words(rule, inbound)
                text = f"{group.name}: {rule.text(inbound, names)}"
                lines.append("        " + " ".join(words + ["accept", "comment", _quote(text)]))
        lines.append("    }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def igw_ruleset(mapping: list[tuple[str, str]]) -> str:
    """1:1 NAT between public and private IPs, and what an internet gateway lets through."""
    private = ", ".join(p for _, p in mapping)
    public = ", ".join(p for p, _ in mapping)
    lines = ["table ip igw {",
             f"    set rfc1918 {{ type ipv4_addr; flags interval; elements = {{ {', '.join(RFC1918)} }}; }}",
             "    set mapped_private { type ipv4_addr;" + (f" elements = {{ {private} }};" if mapping else "") + " }",
             "    set mapped_public { type ipv4_addr;" + (f" elements = {{ {public} }};" if mapping else "") + " }",
             "    chain prerouting {",
             "        type nat hook prerouting priority dstnat; policy accept;"]
    lines += [f"        ip daddr {p} dnat to {q}" for p, q in mapping]
    lines += ["    }",
              "    chain postrouting {",
              "        type nat hook postrouting priority srcnat; policy accept;"]
    lines += [f"        ip saddr {q} snat to {p}" for p, q in mapping]
    lines += ["    }",
              "    chain forward {",
              "        type filter hook forward priority filter; policy drop;",
              "        ct state established,related accept",
              "        # out (eth0 faces the VPC): only from an address with a public IP, never to a private one",
              '        iifname "eth0" ip saddr @mapped_private ct original ip daddr != @rfc1918 accept',
              "        # in (eth1 faces the internet): only to a mapped public IP, never from a private address",
              '        iifname "eth1" ip saddr != @rfc1918 ct original ip daddr @mapped_public accept',
              "    }",
              "}"]
    return "\n".join(lines) + "\n"


def nat_ruleset(nat: NatGateway, vpc_members: list[str]) -> str:
    """A NAT gateway: source NAT to its own address, one way, for its own VPC only."""
    elements = f" elements = {{ {', '.join(vpc_members)} }};" if vpc_members else ""
    return "\n".join([
        "table ip natgw {",
        f"    set vpc_interfaces {{ type ipv4_addr;{elements} }}",
        "    chain forward {",
        "        type filter hook forward priority filter; policy drop;",
        "        ct state established,related accept  # replies go back",
        "        ct state new ip saddr @vpc_interfaces accept  # new connections only from its own VPC",
        "    }",
        "    chain input {",
        "        type filter hook input priority filter; policy drop;  # it accepts no connection of its own",
        "        ct state established,related accept",
        "        iif lo accept",
        "    }",
        "    chain postrouting {",
        "        type nat hook postrouting priority srcnat; policy accept;",
        f"        ip saddr != {nat.private_ip} snat to {nat.private_ip}",
        "    }",
        "}",
    ]) + "\n"


# ---------------------------------------------------------------------------- flows and results

@dataclass(frozen=True)
class Flow:
    """One concrete flow: from a lab node to an address, with fixed ports."""

    source: str            # 'the internet' or an instance name (as the analyzer takes it)
    destination: str       # an IP address
    protocol: str          # 'tcp', 'udp' or 'icmp'
    port: int | None
    source_node: str
    source_port: int | None = None
    destination_label: str = ""
    source_address: str | None = None  # bind to this address (a second address of the source node)

    def text(self) -> str:
        target = f"{self.destination_label} {self.destination}" if self.destination_label else self.destination
        port = f" port {self.port}" if self.port is not None else ""
        return f"{self.protocol} {self.source} → {target}{port}"


@dataclass(frozen=True)
class FlowResult:
    flow: Flow
    delivered: bool
    error: str = ""


@dataclass
class Comparison:
    """The analyzer's verdict and the kernel's for one flow."""

    flow: Flow
    analysis: Any                 # helpers.aws.analyzer.Analysis
    kernel: FlowResult | None     # None offline without a recording

    @property
    def agree(self) -> bool | None:
        return None if self.kernel is None else self.analysis.reachable == self.kernel.delivered

    def row(self) -> list[str]:
        said = "reachable" if self.analysis.reachable else f"blocked ({self.analysis.code})"
        if self.kernel is None:
            real, agree = "(offline)", ""
        else:
            real = "delivered" if self.kernel.delivered else f"not delivered ({self.kernel.error})"
            agree = "✓" if self.agree else "✗ DISAGREE"
        return [self.flow.text(), said, real, agree]

    def __repr__(self) -> str:
        return Comparisons([self]).__repr__()

    def _repr_html_(self) -> str:
        return Comparisons([self])._repr_html_()


class Comparisons(list):
    """Several comparisons as one table."""

    HEADER = ["flow", "analyzer", "kernel", "agree"]

    def __init__(self, items: Iterable[Comparison] = (), note: str = ""):
        super().__init__(items)
        self.note = note

    @property
    def all_agree(self) -> bool:
        return all(c.agree is not False for c in self)

    def __repr__(self) -> str:
        text = table(self.HEADER, [c.row() for c in self], indent="")
        return text + (f"\n{self.note}" if self.note else "")

    def _repr_html_(self) -> str:
        return pre_html(repr(self))


class MappingTable:
    def __init__(self, rows: list[list[str]]):
        self.rows = rows

    def __repr__(self) -> str:
        return table(["AWS resource", "address", "lab node", "kind", "detail"], self.rows, indent="")

    def _repr_html_(self) -> str:
        return pre_html(repr(self))


# ---------------------------------------------------------------------------- the live lab

class VpcLab(LabExperiment):
    """A materialised model: the lab, the mapping from AWS ids to nodes, probes and comparisons."""

    def __init__(self, cloud: Cloud, blueprint: Blueprint, lab, tcp_ports: tuple[int, ...],
                 udp_ports: tuple[int, ...], serve: bool):
        self.cloud = cloud
        self.blueprint = blueprint
        self.lab = lab
        self.tcp_ports = tuple(tcp_ports)
        self.udp_ports = tuple(udp_ports)
        self._serve = serve
        self._next_port = FIRST_CLIENT_PORT

    # -- lifecycle (start, stop, with and recipe come from LabExperiment)
    def _started(self) -> None:
        if self._serve:
            self._start_servers()

    @property
    def live(self) -> bool:
        return self.lab.mode.live

    def _start_servers(self) -> None:
        listen = [{"netns": self.lab[node].ns, "name": node, "tcp": list(self.tcp_ports),
                   "udp": list(self.udp_ports)}
                  for node in list(self.blueprint.instance_nodes.values()) + [INTERNET_NODE]]
        argv = [sys.executable, "-I", "-S", str(NETPROBE), "serve"]
        ports = " ".join(str(p) for p in self.tcp_ports)
        self.lab[ISP_NODE].start(argv, name="servers", wait_ready_line=True, stdin_text=json.dumps({"listen": listen}),
                                 display=f"# in every instance and on the internet host: listen on tcp {ports}")

    # -- names
    @property
    def names(self) -> MappingTable:
        """Which AWS resource became which lab node."""
        return MappingTable(self.blueprint.rows)

    def node(self, which: Any):
        """The lab node of an instance (object, name or id), NAT/internet gateway, subnet, or a node name."""
        if isinstance(which, str) and which.strip().lower() in ("the internet", "internet"):
            return self.lab[INTERNET_NODE]
        rid = getattr(which, "id", which)
        if isinstance(rid, str) and rid in self.blueprint.names:
            return self.lab[self.blueprint.names[rid]]
        for instance in self.cloud.instances.values():
            if instance.name == which:
                return self.lab[self.blueprint.names[instance.id]]
        if isinstance(which, str) and which in self.lab.nodes:
            return self.lab[which]
        known = ", ".join(sorted(self.lab.nodes))
        raise InputError(f"{which!r} is neither an instance of the model nor a lab node; lab nodes: {known}.")

    def run(self, which: Any, command: str, **kwargs):
        """A real shell command in the node of an instance, gateway or router."""
        return self.node(which).run(command, **kwargs)

    def __repr__(self) -> str:
        state = "running" if self.lab.running else "not started"
        return f"Lab '{self.lab.name}' from the model ({state}):\n{self.names!r}"

    def _repr_html_(self) -> str:
        return pre_html(repr(self))

    # -- flows
    def flow(self, source: Any, destination: Any, protocol: str = "tcp", port: int | None = None) -> Flow:
        """A concrete flow for a question as the analyzer takes it: the destination instance is
        reached at its public IP from the internet (if it has one), else at its private IP."""
        from helpers.aws.analyzer import INTERNET_WORDS

        protocol = str(protocol).lower()
        if protocol not in ("tcp", "udp", "icmp"):
            raise InputError(f"A flow's protocol is 'tcp', 'udp' or 'icmp', not {protocol!r}.")
        if protocol != "icmp" and (isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536):
            raise InputError(f"Give the destination port as a number 1-65535, like ('web', 'app', '{protocol}', 80).")
        words = source.strip().lower() if isinstance(source, str) else ""
        stranger = words in STRANGER_WORDS or words == STRANGER_ADDRESS
        from_internet = words in INTERNET_WORDS or stranger
        source_address = None
        if words in INTERNET_WORDS:
            source_name, source_node = "the internet", INTERNET_NODE
        elif stranger:  # the internet host's second address, asked of the analyzer as such
            source_name, source_node, source_address = STRANGER_ADDRESS, INTERNET_NODE, STRANGER_ADDRESS
        else:
            instance = self._instance(source, "source")
            source_name, source_node = instance.name, self.blueprint.names[instance.id]
        if isinstance(destination, str) and destination.strip().lower() in INTERNET_WORDS:
            address, shown = INTERNET_ADDRESS, "the internet"
        elif isinstance(destination, str) and _is_address(destination):
            address, shown = destination.strip(), ""
        else:
            instance = self._instance(destination, "destination")
            address = instance.eni.public_ip if from_internet and instance.eni.public_ip else instance.eni.private_ip
            shown = instance.name
        if IPAddress(address) not in self.lab.address_space:
            raise InputError(f"{address} is outside this lab; probes only go to the lab's own addresses.")
        port_used = None
        if protocol in ("tcp", "udp"):
            port_used = self._next_port
            self._next_port += 1
        return Flow(source_name, address, protocol, None if protocol == "icmp" else port, source_node, port_used, shown,
                    source_address)

    def _instance(self, value: Any, role: str) -> Instance:
        if isinstance(value, Instance):
            return value
        for instance in self.cloud.instances.values():
            if value in (instance.name, instance.id):
                return instance
        known = ", ".join(sorted(i.name for i in self.cloud.instances.values()))
        raise InputError(f"The {role} {value!r} is not an instance of this model (known: {known}) or 'the internet'.")

    def probe(self, flows: Iterable[Flow], *, timeout: float = 0.6) -> list[FlowResult]:
        """Run the flows for real, all at once; what the kernel delivered (replayed offline)."""
        flows = list(flows)
        if not flows:
            return []
        key = [f.text() + (f" from port {f.source_port}" if f.source_port else "") for f in flows]
        prober = self.lab[ISP_NODE]

        def live():
            from helpers.lab.results import CommandResult

            specs = [{"id": str(n), "netns": self.lab[f.source_node].ns, "proto": f.protocol, "dst": f.destination,
                      "port": f.port, "sport": f.source_port, "src": f.source_address} for n, f in enumerate(flows)]
            done = prober.exec([sys.executable, "-I", "-S", str(NETPROBE), "probe"],
                               input=json.dumps({"timeout": timeout, "flows": specs}), timeout=timeout + 20)
            if done.returncode != 0:
                raise CourseError(f"the probes could not run: {done.stderr.strip().splitlines()[-1:] or ['no output']}")
            return CommandResult(ISP_NODE, "vpc probes", done.stdout.strip(), "", 0)

        result = prober.observe("vpc-probe", key, live)
        verdicts = json.loads(result.output)
        return [FlowResult(f, verdicts[str(n)]["ok"], verdicts[str(n)]["error"]) for n, f in enumerate(flows)]

    def compare(self, source: Any, destination: Any, protocol: str = "tcp", port: int | None = None) -> Comparison:
        """One question to the analyzer and to the kernel, side by side."""
        return self.compare_many([(source, destination, protocol, port)])[0]

    def compare_many(self, questions: Iterable[tuple], *, timeout: float = 0.6) -> Comparisons:
        """Many questions at once: the analyzer answers each concrete flow (same addresses and
        ports), the kernel runs them all in one go. Offline without a recording, the kernel part
        is left empty and the table says so."""
        from helpers.aws.analyzer import analyze
        from helpers.lab.recording import NotRecorded

        flows = [self.flow(*q) for q in questions]
        analyses = [analyze(self.cloud, f.source, f.destination, f.protocol, f.port, source_port=f.source_port,
                            nat_port=f.source_port) for f in flows]
        note = ""
        try:
            kernel = self.probe(flows, timeout=timeout)
        except NotRecorded:
            kernel = [None] * len(flows)
            note = ("Offline: these flows were never run live, so only the analyzer answers; run the course as "
                    "root (or where user namespaces are allowed) to send them through the real network.")
        return Comparisons([Comparison(f, a, k) for f, a, k in zip(flows, analyses, kernel)], note)


def _is_address(text: str) -> bool:
    try:
        IPAddress(text.strip(), flags=0)
        return "." in text
    except Exception:
        return False


def materialize(cloud: Cloud, name: str = "09-vpc", *, tcp_ports: Iterable[int] = DEFAULT_TCP_PORTS,
                udp_ports: Iterable[int] = DEFAULT_UDP_PORTS, serve: bool = True, replay: bool = False) -> VpcLab:
    """Declare the lab for a model (start it with ``with vlab:`` or ``vlab.start()``).

    ``serve``: run small servers on ``tcp_ports`` and ``udp_ports`` in every instance and on the
    internet host, so TCP connects and UDP echoes have someone to answer.
    """
    from helpers.lab import Lab
    from helpers.lab.topology import Step

    blueprint = plan(cloud)
    lab = Lab(name, replay=replay)
    lab.allow(PUBLIC_NET)
    kinds = {"host": lab.host, "router": lab.router, "switch": lab.switch}
    # Switches first: the engine brings interfaces up node by node, and a bridge port that comes up
    # before its peer gets its carrier at once when the peer follows, while one that comes up last
    # waits for the kernel's link watcher (up to a second) before the bridge forwards through it.
    ordered = [n for n in blueprint.nodes if n[1] == "switch"] + [n for n in blueprint.nodes if n[1] != "switch"]
    for node, kind in ordered:
        kinds[kind](node)
    for link in blueprint.links:
        lab.link(link.a, link.b, link.ip1, link.ip2, name1=link.name1, name2=link.name2)
    for node, settings in blueprint.sysctls.items():
        lab[node].steps.append(Step(["sysctl", "-qw", *settings], ns=node))
    for node, commands in blueprint.routes.items():
        for argv in commands:
            lab[node].steps.append(Step(argv, ns=node))
    for node, ruleset in blueprint.rulesets.items():
        lab[node].nft(ruleset)
    return VpcLab(cloud, blueprint, lab, tuple(tcp_ports), tuple(udp_ports), serve)
