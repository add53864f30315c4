"""A packet's 5-tuple through a security group and a network ACL, showing which rule decided.

    evaluation = evaluate_traffic(web_sg, web_acl, "tcp", "203.0.113.10", 50000, "10.0.1.4", 443)
    evaluation                     # the request, rule by rule, then the reply rule by rule
    side_by_side(web_sg, web_acl, [("HTTPS in", "tcp", "203.0.113.10", 50000, "10.0.1.4", 443, True)])
    rule_evaluator(web_sg, web_acl)   # the same as a widget (returned, not displayed)

The request is evaluated in the direction it travels (inbound to the instance, or outbound from
it); the reply travels the other way. The security group is stateful, so the reply of an allowed
request passes without a rule; the network ACL is stateless, so its rules are evaluated again
for the reply, whose destination port is the client's ephemeral port. The logic lives in pure
functions (``evaluate_traffic``, ``side_by_side``) that tests call; the widget only wires them.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Iterable

from helpers.aws.report import table
from helpers.aws.rules import AclEntry, Packet, evaluate_acl, parse_protocol
from helpers.errors import CourseError, InputError

__all__ = ["RuleRow", "TrafficEvaluation", "evaluate_traffic", "side_by_side", "rule_evaluator"]


@dataclass(frozen=True)
class RuleRow:
    component: str      # 'security group' or 'network ACL'
    rule: str           # the rule as text ('rule 100: allow tcp 443 from 0.0.0.0/0')
    status: str         # 'ALLOWS', 'DENIES', 'matches too', 'no match', 'not reached', 'tracked'


@dataclass(frozen=True)
class TrafficEvaluation:
    request: Packet
    reply: Packet
    inbound: bool
    sg_rows: tuple[RuleRow, ...]
    sg_allowed: bool
    acl_rows: tuple[RuleRow, ...]
    acl_allowed: bool
    reply_sg_rows: tuple[RuleRow, ...]
    reply_acl_rows: tuple[RuleRow, ...]
    reply_acl_allowed: bool

    @property
    def request_allowed(self) -> bool:
        return self.sg_allowed and self.acl_allowed

    @property
    def works(self) -> bool:
        """Does the conversation work: request in (or out) and its reply back?"""
        return self.request_allowed and self.reply_acl_allowed

    @property
    def deciding(self) -> dict[str, str]:
        """Which rule decided, per component and leg: {'request SG': ..., 'request ACL': ..., 'reply ACL': ...}."""
        def first(rows, statuses):
            return next((r.rule for r in rows if r.status in statuses), "")
        return {"request SG": first(self.sg_rows, ("ALLOWS",)) or "no rule allows it (implicit deny)",
                "request ACL": first(self.acl_rows, ("ALLOWS", "DENIES")),
                "reply SG": "tracked: reply of an allowed connection" if self.request_allowed else "no connection",
                "reply ACL": first(self.reply_acl_rows, ("ALLOWS", "DENIES"))}

    def verdict(self) -> str:
        if self.works:
            return "✅ the connection works: request and reply both pass"
        if not self.sg_allowed:
            return "❌ the security group drops the request (no rule allows it)"
        if not self.acl_allowed:
            return "❌ the network ACL drops the request"
        return "❌ the request gets through but the network ACL drops the reply: the client waits and times out"

    def sections(self) -> list[tuple[str, list[RuleRow]]]:
        way = "inbound" if self.inbound else "outbound"
        back = "outbound" if self.inbound else "inbound"
        return [(f"request {self.request.text()} ({way})", list(self.sg_rows) + list(self.acl_rows)),
                (f"reply {self.reply.text()} ({back})", list(self.reply_sg_rows) + list(self.reply_acl_rows))]

    def __repr__(self) -> str:
        lines = [self.verdict()]
        for title, rows in self.sections():
            lines.append(title)
            lines.append(table(["component", "rule", "verdict"], [[r.component, r.rule, r.status] for r in rows]))
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))

    def _repr_html_(self) -> str:
        colors = {"ALLOWS": "#dcfce7", "DENIES": "#fee2e2", "tracked": "#e0f2fe"}
        parts = [f"<div style='font-weight:bold'>{html.escape(self.verdict())}</div>"]
        for title, rows in self.sections():
            body = "".join(
                f"<tr style='background:{colors.get(r.status, 'transparent')}'><td style='text-align:left'>"
                f"{html.escape(r.component)}</td><td style='text-align:left;font-family:monospace'>"
                f"{html.escape(r.rule)}</td><td style='text-align:left'>{html.escape(r.status)}</td></tr>"
                for r in rows)
            parts.append(f"<div style='margin-top:6px'><b>{html.escape(title)}</b></div><table>"
                         f"<tr><th>component</th><th>rule</th><th>verdict</th></tr>{body}</table>")
        return "".join(parts)


def _groups(security_group) -> list:
    if isinstance(security_group, (list, tuple)):
        return list(security_group)
    return [security_group]


def _entries(network_acl) -> list[AclEntry]:
    entries = getattr(network_acl, "entries", network_acl)
    if not isinstance(entries, (list, tuple)) or not all(isinstance(e, AclEntry) for e in entries):
        raise InputError("Pass a network ACL (or its list of rules) as the second argument.")
    return list(entries)


def _port(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
        raise InputError(f"The {what} is a whole number from 0 to 65535; got {value!r}.")
    return value


def _sg_rows(groups, inbound: bool, packet: Packet, peer_groups: frozenset, names: dict) -> tuple[list[RuleRow], bool]:
    rows, allowed = [], False
    peer = packet.src if inbound else packet.dst
    for group in groups:
        for rule in (group.inbound if inbound else group.outbound):
            matches = rule.matches(packet, peer, peer_groups)
            status = ("ALLOWS" if not allowed else "matches too") if matches else "no match"
            allowed = allowed or matches
            rows.append(RuleRow("security group", f"{group.name}: {rule.text(inbound, names)}", status))
    if not rows:
        rows.append(RuleRow("security group", f"{', '.join(g.name for g in groups)}: no "
                            f"{'inbound' if inbound else 'outbound'} rules", "no match"))
    if not allowed:
        rows.append(RuleRow("security group", "(no rule matched: not allowed)", "DENIES"))
    return rows, allowed


def _acl_rows(entries: list[AclEntry], egress: bool, packet: Packet) -> tuple[list[RuleRow], bool]:
    verdict = evaluate_acl(entries, egress, packet)
    deciders = {rule.number for _, rule in verdict.pieces if rule is not None}
    star_decides = any(rule is None for _, rule in verdict.pieces)
    last = None if star_decides else max(deciders)
    rows = []
    for entry in sorted((e for e in entries if e.egress == egress), key=lambda e: e.number):
        if entry.number in deciders:
            status = "ALLOWS" if entry.action == "allow" else "DENIES"
        elif last is not None and entry.number > last:
            status = "not reached"
        else:
            status = "no match"
        rows.append(RuleRow("network ACL", entry.text(), status))
    rows.append(RuleRow("network ACL", "rule *: deny all traffic", "DENIES" if star_decides else "not reached"))
    return rows, verdict.allowed


def evaluate_traffic(security_group, network_acl, protocol: str, src: str, sport: int, dst: str, dport: int,
                     inbound: bool = True, peer_groups: Iterable[str] = ()) -> TrafficEvaluation:
    """One request and its reply through a security group and a network ACL.

    ``inbound`` True: the request comes in to the instance (its source is the client); False: the
    instance sends it. ``peer_groups``: the security groups of the other end, for rules that
    reference a group. Ports are ignored for ICMP.
    """
    protocol = parse_protocol(protocol, allow_all=False)
    groups = _groups(security_group)
    entries = _entries(network_acl)
    from netaddr import IPAddress

    try:
        src, dst = str(IPAddress(src, flags=0)), str(IPAddress(dst, flags=0))
    except Exception:
        raise InputError("Source and destination are IPv4 addresses like '203.0.113.10' and '10.0.1.4'.") from None
    if protocol in ("tcp", "udp"):
        request = Packet(protocol, src, dst, (_port(sport, "source port"),) * 2, (_port(dport, "destination port"),) * 2)
    else:
        request = Packet(protocol, src, dst)
    reply = request.reply()
    names = {g.id: g.name for g in groups}
    cloud = getattr(groups[0], "_cloud", None) if groups else None
    if cloud is not None:
        names = {g.id: g.name for g in cloud.security_groups.values()}
    sg_rows, sg_allowed = _sg_rows(groups, inbound, request, frozenset(peer_groups), names)
    acl_rows, acl_allowed = _acl_rows(entries, not inbound, request)
    reply_acl_rows, reply_allowed = _acl_rows(entries, inbound, reply)
    if sg_allowed:
        reply_sg = (RuleRow("security group", "(stateful: reply of an allowed connection)", "tracked"),)
    else:
        reply_sg = (RuleRow("security group", "(no connection was allowed, so there is no reply)", "no match"),)
    return TrafficEvaluation(request, reply, inbound, tuple(sg_rows), sg_allowed, tuple(acl_rows), acl_allowed,
                             reply_sg, tuple(reply_acl_rows), reply_allowed)


@dataclass(frozen=True)
class SideBySide:
    rows: tuple[tuple[str, ...], ...]

    def __repr__(self) -> str:
        return table(["traffic", "request: SG", "request: NACL", "reply: SG", "reply: NACL", "works?"],
                     [list(r) for r in self.rows])

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))


def side_by_side(security_group, network_acl, cases: Iterable[tuple]) -> SideBySide:
    """Several conversations at once: (label, protocol, src, sport, dst, dport, inbound) each."""
    rows = []
    for label, protocol, src, sport, dst, dport, inbound in cases:
        ev = evaluate_traffic(security_group, network_acl, protocol, src, sport, dst, dport, inbound)
        replied = ev.request_allowed  # a refused request has no reply to judge
        rows.append((label, "allow" if ev.sg_allowed else "deny", "allow" if ev.acl_allowed else "deny",
                     "tracked" if replied else "-",
                     ("allow" if ev.reply_acl_allowed else "deny") if replied else "-",
                     "yes" if ev.works else "no"))
    return SideBySide(tuple(rows))


def rule_evaluator(security_group, network_acl, *, src: str = "203.0.113.10", sport: int = 50000,
                   dst: str = "10.0.1.4", dport: int = 443, protocol: str = "tcp", inbound: bool = True):
    """A widget: edit the 5-tuple and the direction, see which rule decides, request and reply."""
    import ipywidgets as widgets

    protocol_box = widgets.Dropdown(options=["tcp", "udp", "icmp"], value=protocol, description="protocol")
    src_box = widgets.Text(value=src, description="source IP")
    sport_box = widgets.BoundedIntText(value=sport, min=0, max=65535, description="source port")
    dst_box = widgets.Text(value=dst, description="dest IP")
    dport_box = widgets.BoundedIntText(value=dport, min=0, max=65535, description="dest port")
    direction = widgets.ToggleButtons(options=[("into the instance", True), ("out of the instance", False)],
                                      value=inbound, description="request")
    output = widgets.HTML()

    def update(_=None):
        try:
            result = evaluate_traffic(security_group, network_acl, protocol_box.value, src_box.value.strip(),
                                      sport_box.value, dst_box.value.strip(), dport_box.value, direction.value)
            output.value = result._repr_html_()
        except CourseError as problem:
            output.value = f"<div style='color:#b91c1c'>⚠ {html.escape(str(problem))}</div>"

    for box in (protocol_box, src_box, sport_box, dst_box, dport_box, direction):
        box.observe(update, names="value")
    update()
    form = widgets.VBox([widgets.HBox([protocol_box, direction]), widgets.HBox([src_box, sport_box]),
                         widgets.HBox([dst_box, dport_box])])
    box = widgets.VBox([form, output])
    box.update = update          # lets tests drive it
    box.output = output
    box.inputs = {"protocol": protocol_box, "src": src_box, "sport": sport_box, "dst": dst_box,
                  "dport": dport_box, "inbound": direction}
    return box
