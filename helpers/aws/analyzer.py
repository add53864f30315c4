"""Can A reach B on port P? A reachability analyzer for the VPC model that explains itself.

    result = analyze(cloud, "the internet", "web", "tcp", 443)
    result.reachable          # True / False
    result                    # the hop-by-hop path, and for a block the code and a sentence
    result.code               # e.g. 'SUBNET_ACL_RESTRICTION' (AWS Reachability Analyzer's codes)

Like AWS Reachability Analyzer it reads the configuration and sends no packet. It walks the
packet the way the VPC documentation describes, component by component, and records at each one
the rule that let it through or stopped it:

  instance → its security groups (outbound) → subnet network ACL (outbound) → subnet route table
  (longest prefix match) → the target: local delivery, internet gateway (1:1 public-IP
  translation), NAT gateway (source translation, in its own subnet), VPC peering, transit gateway
  (its own route tables), virtual private gateway (VPN / Direct Connect) → network ACL (inbound)
  of the destination subnet → security groups (inbound) of the destination.

Then it walks the reply back to the source. Security groups, NAT and internet gateways keep
connection state, so the reply passes them without rules; network ACLs are stateless, so the
reply (to the client's ephemeral port range) is evaluated against them like any other packet, and
route tables must have a way back. A block names one of Reachability Analyzer's explanation
codes with a sentence about this model's components (the code list is in ``EXPLANATION_CODES``).

Sources and destinations: an instance (object or name), an IP address (an instance's private or
public IP, an on-premises address, any public address on the internet), "the internet" (a host
at 203.0.113.10) or "on-premises". Traffic between two subnets of one VPC always takes the local
route; traffic inside one subnet meets no route table and no network ACL.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field, replace
from typing import Any

from netaddr import IPAddress

from helpers.aws.model import Cloud, Instance, NatGateway, OnPremises, Subnet, Vpc, label, _in, _is_private
from helpers.aws.report import table
from helpers.aws.rules import (
    EPHEMERAL_PORTS, Packet, evaluate_acl, evaluate_security_groups, parse_ports, parse_protocol, ports_text,
)
from helpers.errors import InputError

__all__ = ["analyze", "Analysis", "Hop", "EXPLANATION_CODES", "INTERNET_HOST"]

INTERNET_HOST = "203.0.113.10"   # "the internet": a host in a documentation range
INTERNET_WORDS = ("the internet", "internet")
ONPREM_WORDS = ("on-premises", "on-prem", "on premises", "onprem")
MAX_HOPS = 60

# The explanation codes this analyzer uses, with what each means (our wording of AWS's list at
# docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html).
EXPLANATION_CODES = {
    "ENI_SG_RULES_MISMATCH": "No rule of the network interface's security groups allows the traffic.",
    "SUBNET_ACL_RESTRICTION": "The subnet's network ACL does not admit the traffic (in or out).",
    "NO_ROUTE_TO_DESTINATION": "The route table has no route that applies to the destination.",
    "BAD_STATE_ROUTE": "The matching route is not working: its target is gone (a blackhole route).",
    "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS": "An internet gateway only sends out traffic from addresses paired "
                                            "with a public IP.",
    "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS": "An internet gateway only lets in traffic for the public IP of a "
                                              "network interface in its VPC.",
    "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS": "An internet gateway does not send traffic for private "
                                                     "(RFC 1918) addresses to the internet.",
    "NGW_REQUIRES_SOURCE_IN_VPC": "A NAT gateway only carries traffic from network interfaces in its own VPC.",
    "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR": "A peering connection only carries traffic between addresses of the two "
                                        "peered VPCs: it is not transitive.",
    "TGW_ROUTE_AZ_RESTRICTION": "The transit gateway attachment has no subnet in the Availability Zone the traffic "
                                "comes from.",
    "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION": "The transit gateway attachment is not associated with a transit "
                                              "gateway route table.",
    "TGW_RTB_BAD_STATE_ROUTE": "The transit gateway route table's matching route is a blackhole.",
    "VGW_PRIVATE_IP_ASSOCIATION_FOR_EGRESS": "A virtual private gateway only carries traffic from network "
                                             "interfaces in its VPC.",
    "VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS": "A virtual private gateway only delivers traffic to the private IP "
                                              "of a network interface in its VPC.",
    "SG_REFERENCES_NOT_PRESERVED": "The traffic passed a component that drops security group identity, so rules "
                                   "that reference a group cannot match it.",
    "SG_REFERENCING_SUPPORT": "The transit gateway does not have security group referencing enabled, so rules "
                              "that reference a group cannot match traffic that crossed it.",
    "NO_POSSIBLE_DESTINATION": "The component cannot deliver the packet to any destination.",
    "NGW_SOURCE_ADDRESS_REASSIGN": "A NAT gateway replaced the source address, so the reply does not come from the "
                                   "address the client contacted.",
}
DETAIL_CODES = {
    "AVAILABILITY_ZONE_CROSSED": "The path crosses Availability Zones.",
    "NGW_SOURCE_ADDRESS_REASSIGN": "The NAT gateway replaces the source address with its own private IP "
                                   "(the internet gateway then maps that to the NAT gateway's Elastic IP).",
    "REMAP_EPHEMERAL_PORT": "The NAT gateway remaps the source port into 1024-65535.",
}


# ---------------------------------------------------------------------------- results

@dataclass(frozen=True)
class Hop:
    path: str            # 'forward' or 'return'
    kind: str            # 'instance', 'security group', 'network ACL', 'route table', ...
    component: str       # 'web-sg (sg-02)'
    component_id: str
    direction: str       # 'outbound', 'inbound' or ''
    action: str          # 'send', 'allow', 'route', 'translate', 'forward', 'deliver', 'tracked', 'deny', 'drop'
    detail: str
    where: str = ""      # the id of the instance, subnet or gateway where this happens (for drawings)

    @property
    def blocked(self) -> bool:
        return self.action in ("deny", "drop")


@dataclass
class Analysis:
    source: str
    destination: str
    protocol: str
    port: int | None
    reachable: bool
    hops: list[Hop]
    code: str | None = None
    explanation: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def forward(self) -> list[Hop]:
        return [h for h in self.hops if h.path == "forward"]

    @property
    def reverse(self) -> list[Hop]:
        return [h for h in self.hops if h.path == "return"]

    @property
    def blocked_at(self) -> Hop | None:
        return next((h for h in self.hops if h.blocked), None)

    @property
    def blocked_on(self) -> str | None:
        """'forward' or 'return': which way the packet was stopped."""
        hop = self.blocked_at
        return hop.path if hop else None

    @property
    def blocking_kind(self) -> str | None:
        hop = self.blocked_at
        return hop.kind if hop else None

    @property
    def blocking_component(self) -> str | None:
        hop = self.blocked_at
        return hop.component_id if hop else None

    def summary(self) -> str:
        traffic = self.protocol if self.port is None else f"{self.protocol} port {self.port}"
        head = f"{self.source} → {self.destination}, {traffic}"
        if self.reachable:
            return f"✅ reachable: {head}"
        return f"❌ not reachable ({'on the way back' if self.blocked_on == 'return' else 'on the way there'}): {head}"

    def rows(self) -> list[list[str]]:
        rows = []
        for number, hop in enumerate(self.hops, start=1):
            rows.append([str(number), "→" if hop.path == "forward" else "←", f"{hop.kind} {hop.component}".strip(),
                         hop.direction, hop.action, hop.detail])
        return rows

    def __repr__(self) -> str:
        lines = [self.summary()]
        if self.code:
            lines.append(f"   {self.code}: {self.explanation}")
        lines.append(table(["#", "", "component", "dir", "verdict", "rule or detail"], self.rows(), indent=" "))
        for note in self.notes:
            lines.append(f"   note: {note}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))

    def _repr_html_(self) -> str:
        color = "#15803d" if self.reachable else "#b91c1c"
        parts = [f"<div style='font-weight:bold;color:{color}'>{html.escape(self.summary())}</div>"]
        if self.code:
            parts.append(f"<div style='margin:2px 0 4px 0'><code>{html.escape(self.code)}</code>: "
                         f"{html.escape(self.explanation or '')}</div>")
        head = "".join(f"<th style='text-align:left'>{h}</th>" for h in ("#", "", "component", "dir", "verdict",
                                                                         "rule or detail"))
        body = []
        for row, hop in zip(self.rows(), self.hops):
            style = " style='background:#fee2e2'" if hop.blocked else ""
            body.append(f"<tr{style}>" + "".join(f"<td style='text-align:left'>{html.escape(c)}</td>" for c in row)
                        + "</tr>")
        parts.append(f"<table>{head}{''.join(body)}</table>")
        parts += [f"<div style='color:#475569'>note: {html.escape(n)}</div>" for n in self.notes]
        return "".join(parts)


# ---------------------------------------------------------------------------- endpoints

@dataclass(frozen=True)
class _Endpoint:
    kind: str                       # 'instance', 'internet' or 'on-premises'
    address: str                    # the address it is reached at / sends from
    instance: Any = None
    network: Any = None

    def text(self) -> str:
        if self.kind == "instance":
            return f"{label(self.instance)} {self.address}"
        if self.kind == "internet":
            return f"the internet {self.address}"
        return f"on-premises {self.network.name} {self.address}"

    def same(self, other: "_Endpoint") -> bool:
        if self.kind != other.kind:
            return False
        if self.kind == "instance":
            return self.instance.id == other.instance.id
        return self.address == other.address


class _Blocked(Exception):
    def __init__(self, code: str, sentence: str):
        super().__init__(code)
        self.code = code
        self.sentence = sentence


@dataclass(frozen=True)
class _State:
    packet: Packet
    groups: frozenset = frozenset()          # security group identity the packet still carries
    source_groups: frozenset = frozenset()   # the groups of the interface that sent it
    identity_lost_at: str = ""               # the component that dropped the identity, if any
    lost_at_tgw: bool = False


# ---------------------------------------------------------------------------- the walk

class _Walk:
    nat_port: int | None = None   # the source port a NAT gateway picks (None: any of 1024-65535)

    def __init__(self, cloud: Cloud, path: str, conntrack: dict, notes: list[str]):
        self.cloud = cloud
        self.path = path
        self.reply = path == "return"
        self.conntrack = conntrack
        self.notes = notes
        self.hops: list[Hop] = []

    # -- recording
    def hop(self, kind: str, component: Any, direction: str, action: str, detail: str, where: str = "") -> None:
        name = label(component) if hasattr(component, "id") else str(component)
        rid = getattr(component, "id", name)
        if len(self.hops) >= MAX_HOPS:  # routes that send the packet round in circles
            self.hops.append(Hop(self.path, kind, name, rid, direction, "drop", "routing loop", where or rid))
            raise _Blocked("NO_POSSIBLE_DESTINATION", f"The packet goes round in circles (last at {kind} {name}); "
                           "check the route tables for a loop.")
        self.hops.append(Hop(self.path, kind, name, rid, direction, action, detail, where or rid))

    def block(self, kind: str, component: Any, direction: str, detail: str, code: str, sentence: str,
              where: str = ""):
        self.hop(kind, component, direction, "deny" if kind in ("security group", "network ACL") else "drop", detail,
                 where)
        raise _Blocked(code, sentence)

    def note(self, code: str) -> None:
        text = f"{code}: {DETAIL_CODES[code]}"
        if text not in self.notes:
            self.notes.append(text)

    # -- lookups
    def owner_private(self, vpc_id: str, address: str):
        for instance in self.cloud.instances.values():
            if instance.eni.private_ip == address and self.cloud.subnets[instance.eni.subnet].vpc == vpc_id:
                return instance
        for nat in self.cloud.nat_gateways.values():
            if nat.private_ip == address and nat.vpc == vpc_id:
                return nat
        return None

    def owner_public(self, address: str):
        for instance in self.cloud.instances.values():
            if instance.eni.public_ip == address:
                return instance
        for nat in self.cloud.nat_gateways.values():
            if nat.public_ip == address:
                return nat
        return None

    def subnet_of(self, owner) -> Subnet:
        subnet_id = owner.eni.subnet if isinstance(owner, Instance) else owner.subnet
        return self.cloud.subnets[subnet_id]

    def vpc_of_address(self, address: str) -> Vpc | None:
        return next((v for v in self.cloud.vpcs.values() if _in(address, v.cidr)), None)

    def groups_of(self, from_vpc: Vpc, address: str) -> frozenset:
        """The security groups of the interface at this private address, if a rule in from_vpc
        could reference them (same VPC, or a peered VPC in the same Region)."""
        target_vpc = self.vpc_of_address(address)
        if target_vpc is None:
            return frozenset()
        if target_vpc.id != from_vpc.id:
            peered = any(p.connects(from_vpc.id) and p.connects(target_vpc.id) and p.status == "active"
                         for p in self.cloud.peerings.values())
            if not peered or target_vpc.region != from_vpc.region:
                return frozenset()
        owner = self.owner_private(target_vpc.id, address)
        return frozenset(owner.eni.security_groups) if isinstance(owner, Instance) else frozenset()

    # -- starting points
    def from_instance(self, instance: Instance, state: _State):
        packet = state.packet
        self.hop("instance", instance, "", "send", packet.text())
        groups = instance.security_groups
        names = self.group_names()
        if self.reply:
            self.hop("security group", _group_list(groups), "outbound", "tracked",
                     "reply of an allowed connection: security groups are stateful", instance.id)
        else:
            peers = self.groups_of(instance.vpc_obj, packet.dst)
            verdict = evaluate_security_groups(groups, False, packet, peers)
            if not verdict.allowed:
                self.block("security group", _group_list(groups), "outbound", verdict.text(False, names),
                           "ENI_SG_RULES_MISMATCH",
                           f"No outbound rule of {_group_names(groups)} on {label(instance)} allows "
                           f"{_traffic(packet)} to {packet.dst}; add an outbound rule for it.", instance.id)
            self.hop("security group", _group_list(groups), "outbound", "allow", verdict.text(False, names),
                     instance.id)
            state = replace(state, groups=frozenset(instance.eni.security_groups),
                            source_groups=frozenset(instance.eni.security_groups))
        return self.leave_subnet(instance.subnet_obj, state)

    def from_internet(self, address: str, state: _State):
        self.hop("the internet", address, "", "send", state.packet.text(), "internet")
        return self.on_internet(state)

    def from_on_premises(self, network: OnPremises, state: _State):
        packet = state.packet
        self.hop("on-premises", network, "", "send", packet.text())
        for connection in sorted(self.cloud.vpn_connections.values(), key=lambda c: c.id):
            if connection.on_premises != network.id:
                continue
            if connection.gateway in self.cloud.vpn_gateways:
                gateway = self.cloud.vpn_gateways[connection.gateway]
                if gateway.vpc and _in(packet.dst, self.cloud.vpcs[gateway.vpc].cidr):
                    self.hop(connection.kind, connection, "", "forward", f"to {label(gateway)}", network.id)
                    return self.vgw_in(gateway, state)
            else:
                tgw = self.cloud.transit_gateways[connection.gateway]
                attachment = next(a for a in tgw.attachments if a.kind == "vpn" and a.resource == connection.id)
                table_id = attachment.route_table
                if table_id and self.cloud.tgw_route_tables[table_id].lookup(packet.dst):
                    self.hop(connection.kind, connection, "", "forward", f"to {label(tgw)}", network.id)
                    return self.tgw_route(tgw, attachment, state, from_az=None)
        self.block("on-premises", network, "", f"no connection leads to {packet.dst}", "NO_ROUTE_TO_DESTINATION",
                   f"No VPN or Direct Connect connection from {network.name} leads to {packet.dst}; connect the "
                   "network to a gateway of the destination's VPC.")

    # -- inside a VPC
    def group_names(self) -> dict[str, str]:
        return {g.id: g.name for g in self.cloud.security_groups.values()}

    def leave_subnet(self, subnet: Subnet, state: _State):
        """The packet leaves an interface in this subnet: same subnet, or NACL out and routing."""
        packet = state.packet
        vpc = subnet.vpc_obj
        if _in(packet.dst, subnet.cidr):
            owner = self.owner_private(vpc.id, packet.dst)
            if owner is None:
                self.block("subnet", subnet, "", f"no interface has {packet.dst}", "NO_POSSIBLE_DESTINATION",
                           f"No network interface in subnet {subnet.name} has the address {packet.dst}.")
            self.hop("subnet", subnet, "", "forward", "same subnet: no route table or network ACL on the way",
                     subnet.id)
            return self.arrive(owner, subnet, state)
        self.acl(subnet, True, state)
        table = subnet.effective_route_table
        route = table.lookup(packet.dst)
        which = "main route table" if table.is_main else "route table"
        if route is None:
            back = ", so the reply cannot get back" if self.reply else ""
            hint = " (for the internet: 0.0.0.0/0 → the internet gateway)" if not _is_private(packet.dst) else ""
            self.block(which, table, "", f"no route matches {packet.dst}", "NO_ROUTE_TO_DESTINATION",
                       f"{which.capitalize()} {label(table)} of subnet {subnet.name} has no route that matches "
                       f"{packet.dst}{back}; add one{hint}.", subnet.id)
        route_text = route.text(self.cloud)
        if table.route_state(route) == "blackhole":
            self.block(which, table, "", f"{route_text} is a blackhole", "BAD_STATE_ROUTE",
                       f"The matching route {route.destination} → {route.target} in {label(table)} is a blackhole: "
                       "its target was deleted or detached; point the route at a working target.", subnet.id)
        self.hop(which, table, "", "route", f"{route_text} (longest prefix match for {packet.dst})", subnet.id)
        target = route.target
        if target == "local":
            return self.local(vpc, subnet, state)
        if target.startswith("igw-"):
            return self.igw_out(self.cloud.internet_gateways[target], state)
        if target.startswith("nat-"):
            return self.nat(self.cloud.nat_gateways[target], subnet, state)
        if target.startswith("pcx-"):
            return self.peering(self.cloud.peerings[target], vpc, state)
        if target.startswith("tgw-"):
            return self.tgw_from_vpc(self.cloud.transit_gateways[target], vpc, subnet, state)
        return self.vgw_out(self.cloud.vpn_gateways[target], vpc, state)

    def acl(self, subnet: Subnet, egress: bool, state: _State) -> None:
        acl = subnet.acl
        packet = state.packet
        verdict = evaluate_acl(acl.entries, egress, packet)
        direction = "outbound" if egress else "inbound"
        if verdict.allowed:
            self.hop("network ACL", acl, direction, "allow", verdict.text(), subnet.id)
            return
        denied = verdict.denied_pieces
        ports = ", ".join(ports_text(p) for p, _ in denied if p)
        deciding = "; ".join((r.text() if r else "rule *: deny all traffic") for _, r in denied)
        peer = f"to {packet.dst}" if egress else f"from {packet.src}"
        where = f"{_traffic(packet, only_protocol=True)} {peer}" + (f" port {ports}" if ports else "")
        partly = " (only part of the port range is allowed)" if verdict.allowed_pieces else ""
        advice = (" Network ACLs are stateless: the reply to a client goes to its ephemeral port, so allow it "
                  "explicitly." if self.reply else "")
        self.block("network ACL", acl, direction, verdict.text(), "SUBNET_ACL_RESTRICTION",
                   f"Network ACL {label(acl)} of subnet {subnet.name} does not allow {direction} {where}"
                   f"{partly}: {deciding}.{advice}", subnet.id)

    def local(self, vpc: Vpc, from_subnet: Subnet | None, state: _State):
        owner = self.owner_private(vpc.id, state.packet.dst)
        if owner is None:
            self.block("VPC", vpc, "", f"no interface has {state.packet.dst}", "NO_POSSIBLE_DESTINATION",
                       f"No network interface in VPC {vpc.name} has the address {state.packet.dst}.")
        target_subnet = self.subnet_of(owner)
        if from_subnet is None or target_subnet.id != from_subnet.id:
            self.acl(target_subnet, False, state)
        return self.arrive(owner, target_subnet, state)

    def arrive(self, owner, subnet: Subnet, state: _State):
        packet = state.packet
        if isinstance(owner, NatGateway):
            saved = self.conntrack.get(owner.id)
            if not self.reply or saved is None:
                self.block("NAT gateway", owner, "", "a NAT gateway accepts no new connections",
                           "NO_POSSIBLE_DESTINATION", f"NAT gateway {label(owner)} only forwards traffic that is "
                           "routed through it and the replies to it; it accepts no connections of its own.")
            original_dst, original_port = saved
            self.hop("NAT gateway", owner, "", "translate", f"reply: {packet.dst} → {original_dst} "
                     f"(port {ports_text(packet.dport)} → {ports_text(original_port)})")
            back = replace(packet, dst=original_dst, dport=original_port)
            return self.leave_subnet(subnet, replace(state, packet=back))
        if self.reply:
            self.hop("security group", _group_list(owner.security_groups), "inbound", "tracked",
                     "reply of an allowed connection: security groups are stateful", owner.id)
        else:
            groups = owner.security_groups
            verdict = evaluate_security_groups(groups, True, packet, state.groups)
            names = self.group_names()
            if not verdict.allowed:
                code, sentence = self.sg_inbound_problem(owner, groups, state, names)
                self.block("security group", _group_list(groups), "inbound", verdict.text(True, names), code, sentence,
                           owner.id)
            self.hop("security group", _group_list(groups), "inbound", "allow", verdict.text(True, names), owner.id)
        self.hop("instance", owner, "", "deliver", packet.text())
        return _Endpoint("instance", packet.dst, instance=owner), state

    def sg_inbound_problem(self, owner: Instance, groups, state: _State, names) -> tuple[str, str]:
        packet = state.packet
        near = [(g, r) for g in groups for r in g.inbound
                if (r.protocol in ("all", packet.protocol))
                and (r.ports is None or packet.dport is None or
                     (r.ports[0] <= packet.dport[0] and packet.dport[1] <= r.ports[1]))]
        base = (f"No inbound rule of {_group_names(groups)} on {label(owner)} allows "
                f"{_traffic(packet)} from {packet.src}")
        referencing = [r for _, r in near if r.group is not None]
        if referencing and any(r.group in state.source_groups for r in referencing) and state.identity_lost_at:
            code = "SG_REFERENCING_SUPPORT" if state.lost_at_tgw else "SG_REFERENCES_NOT_PRESERVED"
            return code, (f"{base}: the rule references the sender's security group, but the traffic crossed "
                          f"{state.identity_lost_at}, which does not carry security group identity; allow the "
                          "sender's CIDR block instead.")
        if near:
            said = "; ".join(f"{g.name} has '{r.text(True, names)}'" for g, r in near)
            if state.source_groups:
                sender = ", ".join(f"{names.get(g, g)} ({g})" for g in sorted(state.source_groups))
                who = f"the sender {packet.src} is in {sender}"
            else:
                who = f"the sender {packet.src} matches none of them"
            return "ENI_SG_RULES_MISMATCH", f"{base}: {said}, but {who}; fix the rule's source."
        return "ENI_SG_RULES_MISMATCH", f"{base}; add an inbound rule for that port and source."

    # -- gateways
    def igw_out(self, gateway, state: _State):
        packet = state.packet
        vpc = self.cloud.vpcs[gateway.vpc]
        owner = self.owner_private(vpc.id, packet.src)
        public = getattr(owner, "public_ip", None) if owner is not None else None
        if public is None:
            who = label(owner) if owner is not None else packet.src
            self.block("internet gateway", gateway, "", f"{packet.src} has no public IP",
                       "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
                       f"{who} has no public IP or Elastic IP, so internet gateway {label(gateway)} cannot translate "
                       f"its private address {packet.src}; give it a public IP, or route its subnet through a NAT "
                       "gateway.")
        if _is_private(packet.dst):
            self.block("internet gateway", gateway, "", f"{packet.dst} is a private address",
                       "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS",
                       f"{packet.dst} is a private (RFC 1918) address; internet gateway {label(gateway)} does not "
                       "send traffic for private addresses to the internet.")
        self.hop("internet gateway", gateway, "", "translate", f"source {packet.src} → {public}")
        moved = replace(state, packet=replace(packet, src=public), groups=frozenset(),
                        identity_lost_at=state.identity_lost_at or f"internet gateway {label(gateway)}")
        return self.on_internet(moved)

    def on_internet(self, state: _State):
        packet = state.packet
        owner = self.owner_public(packet.dst)
        if owner is None:
            if _is_private(packet.dst):
                vpc = self.vpc_of_address(packet.dst)
                gateway = vpc.internet_gateway if vpc else None
                if gateway is None:
                    self.block("the internet", packet.dst, "", f"{packet.dst} is private", "NO_POSSIBLE_DESTINATION",
                               f"{packet.dst} is a private address and its VPC has no internet gateway, so nothing "
                               "on the internet can reach it.", "internet")
                self.hop("the internet", "", "", "forward", f"{packet.dst} → internet gateway {label(gateway)}",
                         "internet")
                self.block("internet gateway", gateway, "", f"{packet.dst} is not a public IP it maps",
                           "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
                           f"{packet.dst} is the private address of an interface in VPC {vpc.name}; internet gateway "
                           f"{label(gateway)} only lets in traffic for public IPs it maps, so the instance needs a "
                           "public IP or Elastic IP (or reach it through a bastion or VPN).")
            self.hop("the internet", packet.dst, "", "deliver", packet.text(), "internet")
            return _Endpoint("internet", packet.dst), state
        vpc = self.cloud.vpcs[self.subnet_of(owner).vpc]
        gateway = vpc.internet_gateway
        if gateway is None:
            self.block("the internet", packet.dst, "", f"{vpc.name} has no internet gateway", "NO_POSSIBLE_DESTINATION",
                       f"{packet.dst} belongs to {label(owner)}, but VPC {vpc.name} has no internet gateway "
                       "attached, so nothing on the internet can reach it.", "internet")
        self.hop("the internet", "", "", "forward", f"{packet.dst} is mapped by internet gateway {label(gateway)}",
                 "internet")
        return self.igw_in(gateway, owner, state)

    def igw_in(self, gateway, owner, state: _State):
        packet = state.packet
        if _is_private(packet.src):
            self.block("internet gateway", gateway, "", f"source {packet.src} is private",
                       "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
                       f"Internet gateway {label(gateway)} rejects traffic from the private address {packet.src}.")
        private = owner.eni.private_ip if isinstance(owner, Instance) else owner.private_ip
        self.hop("internet gateway", gateway, "", "translate", f"destination {packet.dst} → {private}")
        moved = replace(state, packet=replace(packet, dst=private))
        vpc = self.cloud.vpcs[gateway.vpc]
        return self.local(vpc, None, moved)

    def nat(self, nat: NatGateway, from_subnet: Subnet, state: _State):
        packet = state.packet
        vpc = self.cloud.vpcs[nat.vpc]
        if self.owner_private(vpc.id, packet.src) is None:
            self.block("NAT gateway", nat, "", f"source {packet.src} is not in {vpc.name}", "NGW_REQUIRES_SOURCE_IN_VPC",
                       f"NAT gateway {label(nat)} only translates traffic from network interfaces in its own VPC "
                       f"{vpc.name}; {packet.src} is not one of them (no transit through a NAT gateway).")
        nat_subnet = nat.subnet_obj
        if nat_subnet.id != from_subnet.id:
            self.acl(nat_subnet, False, state)
        new_sport = EPHEMERAL_PORTS["nat gateway"] if packet.has_ports else None
        if packet.has_ports and self.nat_port is not None:
            new_sport = (self.nat_port, self.nat_port)
        self.conntrack[nat.id] = (packet.src, packet.sport)
        detail = f"source {packet.src} → {nat.private_ip}"
        if packet.has_ports:
            detail += f", port {ports_text(packet.sport)} → {ports_text(new_sport)}"
            self.note("REMAP_EPHEMERAL_PORT")
        self.note("NGW_SOURCE_ADDRESS_REASSIGN")
        self.hop("NAT gateway", nat, "", "translate", detail)
        moved = replace(state, packet=replace(packet, src=nat.private_ip, sport=new_sport), groups=frozenset(),
                        identity_lost_at=state.identity_lost_at or f"NAT gateway {label(nat)}")
        return self.leave_subnet(nat_subnet, moved)

    def peering(self, peering, vpc: Vpc, state: _State):
        packet = state.packet
        other = self.cloud.vpcs[peering.other(vpc.id)]
        if not _in(packet.dst, other.cidr):
            self.block("peering connection", peering, "", f"{packet.dst} is not in {other.name} ({other.cidr})",
                       "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
                       f"Peering connection {label(peering)} only links {vpc.name} and {other.name}: {packet.dst} is "
                       f"not in {other.name}'s {other.cidr}, and peering is not transitive, so {other.name} will not "
                       "pass it on; peer the two VPCs directly or use a transit gateway.")
        if not _in(packet.src, vpc.cidr):
            self.block("peering connection", peering, "", f"{packet.src} is not in {vpc.name} ({vpc.cidr})",
                       "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
                       f"Peering connection {label(peering)} only carries traffic from {vpc.name}'s own addresses "
                       f"({vpc.cidr}); {packet.src} came from elsewhere, and peering does not relay it.")
        self.hop("peering connection", peering, "", "forward", f"{vpc.name} → {other.name}")
        if other.region != vpc.region and state.groups:
            state = replace(state, groups=frozenset(),
                            identity_lost_at=state.identity_lost_at or f"inter-Region peering {label(peering)}")
        return self.local(other, None, state)

    def tgw_from_vpc(self, tgw, vpc: Vpc, subnet: Subnet, state: _State):
        attachment = next(a for a in tgw.attachments if a.kind == "vpc" and a.resource == vpc.id)
        attach_subnet_id = attachment.subnet_in(subnet.az)
        if attach_subnet_id is None:
            self.block("transit gateway attachment", attachment, "", f"no subnet in {subnet.az}",
                       "TGW_ROUTE_AZ_RESTRICTION",
                       f"Attachment {label(attachment)} of {vpc.name} has no subnet in {subnet.az}, so subnet "
                       f"{subnet.name} cannot reach transit gateway {label(tgw)}; add a subnet in {subnet.az} "
                       "to the attachment.")
        attach_subnet = self.cloud.subnets[attach_subnet_id]
        if attach_subnet.id != subnet.id:
            self.acl(attach_subnet, False, state)
        self.hop("transit gateway attachment", attachment, "", "forward",
                 f"{vpc.name} → {label(tgw)} via subnet {attach_subnet.name}", tgw.id)
        return self.tgw_route(tgw, attachment, state, from_az=subnet.az)

    def tgw_route(self, tgw, attachment, state: _State, from_az: str | None):
        packet = state.packet
        if attachment.route_table is None:
            self.block("transit gateway attachment", attachment, "", "not associated with a route table",
                       "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
                       f"Attachment {label(attachment)} is not associated with a route table of {label(tgw)}, so "
                       "the transit gateway cannot route its traffic; associate it with one.")
        table = self.cloud.tgw_route_tables[attachment.route_table]
        route = table.lookup(packet.dst)
        if route is None:
            self.block("transit gateway route table", table, "", f"no route matches {packet.dst}",
                       "NO_ROUTE_TO_DESTINATION",
                       f"Transit gateway route table {label(table)} has no route for {packet.dst}; propagate the "
                       "destination's attachment into it or add a static route.")
        if route.attachment is None or route.attachment not in self.cloud.tgw_attachments:
            self.block("transit gateway route table", table, "", f"{route.destination} → blackhole",
                       "TGW_RTB_BAD_STATE_ROUTE",
                       f"The matching route {route.destination} in {label(table)} is a blackhole route, so the "
                       "transit gateway drops the traffic.")
        target = self.cloud.tgw_attachments[route.attachment]
        self.hop("transit gateway route table", table, "", "route",
                 f"{route.destination} → {label(target)} ({route.origin})", tgw.id)
        if not tgw.security_group_referencing and state.groups:
            state = replace(state, groups=frozenset(), lost_at_tgw=True,
                            identity_lost_at=state.identity_lost_at or f"transit gateway {label(tgw)}")
        if target.kind == "vpn":
            connection = self.cloud.vpn_connections[target.resource]
            return self.to_on_premises(connection, state)
        vpc = self.cloud.vpcs[target.resource]
        owner = self.owner_private(vpc.id, packet.dst) if _in(packet.dst, vpc.cidr) else None
        az = self.subnet_of(owner).az if owner is not None else from_az
        subnet_id = target.subnet_in(az) if az else None
        subnet_id = subnet_id or target.subnets[0]
        attach_subnet = self.cloud.subnets[subnet_id]
        self.hop("transit gateway attachment", target, "", "forward",
                 f"{label(tgw)} → {vpc.name} via subnet {attach_subnet.name}", tgw.id)
        return self.leave_subnet(attach_subnet, state)

    def vgw_out(self, gateway, vpc: Vpc, state: _State):
        packet = state.packet
        if self.owner_private(vpc.id, packet.src) is None:
            self.block("virtual private gateway", gateway, "", f"{packet.src} is not an interface of {vpc.name}",
                       "VGW_PRIVATE_IP_ASSOCIATION_FOR_EGRESS",
                       f"Virtual private gateway {label(gateway)} only carries traffic from network interfaces in "
                       f"{vpc.name}; {packet.src} is not one (no transit through a VPN gateway).")
        for connection in sorted(self.cloud.vpn_connections.values(), key=lambda c: c.id):
            network = self.cloud.on_premises[connection.on_premises]
            if connection.gateway == gateway.id and any(_in(packet.dst, c) for c in network.cidrs):
                self.hop("virtual private gateway", gateway, "", "forward", f"to {connection.kind} {label(connection)}")
                return self.to_on_premises(connection, state)
        self.block("virtual private gateway", gateway, "", f"no connection reaches {packet.dst}",
                   "NO_POSSIBLE_DESTINATION",
                   f"No VPN or Direct Connect connection of {label(gateway)} leads to {packet.dst}.")

    def vgw_in(self, gateway, state: _State):
        packet = state.packet
        vpc = self.cloud.vpcs[gateway.vpc]
        owner = self.owner_private(vpc.id, packet.dst)
        if owner is None:
            self.block("virtual private gateway", gateway, "", f"{packet.dst} is not an interface of {vpc.name}",
                       "VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
                       f"{packet.dst} is not the private IP of a network interface in {vpc.name}, so virtual private "
                       f"gateway {label(gateway)} cannot deliver it.")
        self.hop("virtual private gateway", gateway, "", "forward", f"into {vpc.name}")
        return self.local(vpc, None, state)

    def to_on_premises(self, connection, state: _State):
        network = self.cloud.on_premises[connection.on_premises]
        packet = state.packet
        if not any(_in(packet.dst, c) for c in network.cidrs):
            self.block(connection.kind, connection, "", f"{packet.dst} is not in {network.name}",
                       "NO_POSSIBLE_DESTINATION", f"{packet.dst} is not in on-premises network {network.name} "
                       f"({', '.join(network.cidrs)}), the far end of {label(connection)}.")
        self.hop(connection.kind, connection, "", "forward", f"to on-premises {network.name}", network.id)
        self.hop("on-premises", network, "", "deliver", packet.text())
        return _Endpoint("on-premises", packet.dst, network=network), state


@dataclass(frozen=True)
class _Groups:
    """The security groups of one interface, shown as one hop (they are evaluated together)."""
    id: str
    name: str


def _group_list(groups) -> _Groups:
    return _Groups(", ".join(g.id for g in groups), ", ".join(g.name for g in groups))


def _group_names(groups) -> str:
    return ", ".join(label(g) for g in groups)


def _traffic(packet: Packet, only_protocol: bool = False) -> str:
    if not packet.has_ports or only_protocol:
        return packet.protocol
    return f"{packet.protocol} port {ports_text(packet.dport)}"


# ---------------------------------------------------------------------------- public entry point

def analyze(model: Cloud, source: Any, destination: Any, protocol: str = "tcp", port: int | None = None, *,
            source_port: Any = None, nat_port: int | None = None) -> Analysis:
    """Can ``source`` reach ``destination`` with this protocol and destination port, and back?

    ``source``/``destination``: an Instance or its name, an IP address, "the internet" or
    "on-premises". ``source_port`` fixes the client's source port (default: the client's whole
    ephemeral range, 32768-60999 for Linux, 49152-65535 for Windows, 1024-65535 for a client on
    the internet or on-premises). ``nat_port`` fixes the source port a NAT gateway gives the
    flow (default: any port in 1024-65535, as AWS documents, so network ACLs must admit them all);
    the materialised lab uses it to ask about exactly the flow it sent.
    """
    if not isinstance(model, Cloud):
        raise InputError("analyze() needs the model first: analyze(cloud, source, destination, 'tcp', 443).")
    protocol = parse_protocol(protocol, allow_all=False)
    if protocol in ("tcp", "udp"):
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise InputError(f"Give the destination port as a number 0-65535, like analyze(..., '{protocol}', 443).")
    else:
        port = None
    src = _endpoint(model, source, "source")
    dst = _endpoint(model, destination, "destination")
    if src.kind == dst.kind == "instance" and src.instance.id == dst.instance.id:
        raise InputError("The source and the destination are the same instance; pick two different ends.")
    if src.kind == dst.kind and src.kind != "instance":
        raise InputError("Both ends are outside AWS; at least one of them must be an instance in a VPC.")
    if protocol in ("tcp", "udp"):
        client_ports = parse_ports(source_port, protocol) if source_port is not None else _client_ports(src)
    else:
        client_ports = None
    candidates = _destination_addresses(src, dst)
    first = None
    for address in candidates:
        result = _analyze_once(model, src, replace(dst, address=address), protocol, port, client_ports, nat_port)
        if result.reachable:
            return result
        first = first or result
    return first


def _client_ports(endpoint: _Endpoint) -> tuple[int, int]:
    if endpoint.kind == "instance":
        return endpoint.instance.ephemeral_ports
    return EPHEMERAL_PORTS["internet" if endpoint.kind == "internet" else "on-premises"]


def _destination_addresses(src: _Endpoint, dst: _Endpoint) -> list[str]:
    if dst.kind != "instance" or dst.address:
        return [dst.address]
    instance = dst.instance
    if src.kind == "internet":
        return [instance.public_ip or instance.private_ip]
    if src.kind == "on-premises" or not instance.public_ip:
        return [instance.private_ip]
    return [instance.private_ip, instance.public_ip]


def _analyze_once(cloud: Cloud, src: _Endpoint, dst: _Endpoint, protocol: str, port: int | None,
                  client_ports, nat_port: int | None = None) -> Analysis:
    dport = (port, port) if port is not None else None
    source_address = src.instance.private_ip if src.kind == "instance" else src.address
    packet = Packet(protocol, source_address, dst.address, client_ports, dport)
    notes: list[str] = []
    conntrack: dict = {}
    hops: list[Hop] = []
    result = Analysis(src.text() if src.kind != "instance" else label(src.instance),
                      _destination_text(dst), protocol, port, False, hops, notes=notes)
    forward = _Walk(cloud, "forward", conntrack, notes)
    forward.nat_port = nat_port
    try:
        arrived, state = _start(forward, src, _State(packet))
    except _Blocked as blocked:
        hops.extend(forward.hops)
        result.code, result.explanation = blocked.code, blocked.sentence
        return result
    hops.extend(forward.hops)
    if not arrived.same(dst):
        result.code = "NO_POSSIBLE_DESTINATION"
        result.explanation = f"The packet arrives at {arrived.text()}, not at {dst.text()}."
        return result
    reply = state.packet.reply()
    back = _Walk(cloud, "return", conntrack, notes)
    back.nat_port = nat_port
    start = replace(arrived, address=reply.src)
    try:
        home, final = _start(back, start, _State(reply))
    except _Blocked as blocked:
        hops.extend(back.hops)
        result.code, result.explanation = blocked.code, blocked.sentence
        return result
    hops.extend(back.hops)
    if not home.same(src):
        result.code = "NO_POSSIBLE_DESTINATION"
        result.explanation = f"The reply arrives at {home.text()}, not back at {src.text()}."
        return result
    if final.packet.src != packet.dst:
        # the client talked to one address and hears back from another: it drops the reply
        nat = next((h for h in reversed(back.hops) if h.kind == "NAT gateway"), None)
        hops.append(Hop("return", hops[-1].kind, hops[-1].component, hops[-1].component_id, "", "drop",
                        f"reply comes from {final.packet.src}, not {packet.dst}: not part of the connection",
                        hops[-1].where))
        result.code = "NGW_SOURCE_ADDRESS_REASSIGN" if nat else "NO_POSSIBLE_DESTINATION"
        via = f" because the reply went out through NAT gateway {nat.component}" if nat else ""
        result.explanation = (f"The request went to {packet.dst} but the reply comes back from {final.packet.src}"
                              f"{via}, so the client drops it; the return route must lead back the way the request "
                              "came (for a public IP: the subnet's route to the internet gateway).")
        return result
    if src.kind == dst.kind == "instance" and src.instance.az != dst.instance.az:
        forward.note("AVAILABILITY_ZONE_CROSSED")
    result.reachable = True
    return result


def _start(walk: _Walk, endpoint: _Endpoint, state: _State):
    if endpoint.kind == "instance":
        return walk.from_instance(endpoint.instance, state)
    if endpoint.kind == "internet":
        return walk.from_internet(endpoint.address, state)
    return walk.from_on_premises(endpoint.network, state)


def _destination_text(dst: _Endpoint) -> str:
    if dst.kind == "instance":
        return f"{label(dst.instance)} at {dst.address}"
    return dst.text()


def _endpoint(cloud: Cloud, value: Any, role: str) -> _Endpoint:
    if isinstance(value, Instance):
        if cloud.instances.get(value.id) is not value:
            raise InputError(f"Instance {value.name!r} is not part of this model (was it deleted?).")
        return _Endpoint("instance", "", instance=value)
    if isinstance(value, OnPremises):
        return _Endpoint("on-premises", value.sample_host, network=value)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"The {role} is an instance (or its name), an IP address, 'the internet' or 'on-premises'; "
                         f"got {value!r}.")
    text = value.strip()
    if text.lower() in INTERNET_WORDS:
        return _Endpoint("internet", INTERNET_HOST)
    if text.lower() in ONPREM_WORDS:
        networks = sorted(cloud.on_premises.values(), key=lambda n: n.id)
        if not networks:
            raise InputError("This model has no on-premises network; add one with cloud.add_on_premises(...).")
        return _Endpoint("on-premises", networks[0].sample_host, network=networks[0])
    for network in cloud.on_premises.values():
        if network.name == text:
            return _Endpoint("on-premises", network.sample_host, network=network)
    try:
        address = str(IPAddress(text, flags=0))
    except Exception:
        address = None
    if address is None:
        matches = [i for i in cloud.instances.values() if i.name == text or i.id == text]
        if not matches:
            known = ", ".join(sorted(i.name for i in cloud.instances.values())) or "none yet"
            raise InputError(f"There is no instance called {text!r}; known instances: {known} (or use an IP address, "
                             "'the internet' or 'on-premises').")
        return _Endpoint("instance", "", instance=matches[0])
    for instance in cloud.instances.values():
        if address in (instance.private_ip, instance.public_ip):
            # as a destination the address chosen is kept; as a source an instance sends from its private IP
            return _Endpoint("instance", address if role == "destination" else "", instance=instance)
    for network in cloud.on_premises.values():
        if any(_in(address, c) for c in network.cidrs):
            return _Endpoint("on-premises", address, network=network)
    if _is_private(address):
        raise InputError(f"{address} is a private address that no instance or on-premises network of this model has; "
                         "use an instance's address.")
    return _Endpoint("internet", address)
