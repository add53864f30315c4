"""Plain-text tables of the model (route tables, security groups, network ACLs, a whole cloud).

Every function returns a string that prints the same way each run (sorted, no ids of Python
objects), so notebooks can show them and nbval can compare them.
"""
from __future__ import annotations

import html

from netaddr import IPNetwork

from helpers.aws.rules import ports_text

__all__ = ["table", "route_table_text", "route_table_html", "security_group_text", "network_acl_text",
           "cloud_text", "pre_html"]


def table(header: list[str], rows: list[list[str]], indent: str = "  ") -> str:
    """Columns padded to their widest cell."""
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    lines = [indent + "  ".join(str(c).ljust(w) for c, w in zip(header, widths)).rstrip()]
    lines += [indent + "  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


def pre_html(text: str) -> str:
    return f"<pre style='line-height:1.3'>{html.escape(text)}</pre>"


def _name(resource) -> str:
    from helpers.aws.model import label

    return label(resource)


def route_table_text(table_obj) -> str:
    cloud = table_obj._cloud
    kind = "main route table" if table_obj.is_main else "route table"
    subnets = ", ".join(s.name for s in sorted(table_obj.subnets, key=lambda s: s.id)) or "none"
    explicit = "" if not table_obj.is_main else " (main: also every subnet without its own table)"
    rows = []
    for route in sorted(table_obj.all_routes(), key=lambda r: (-IPNetwork(r.destination).prefixlen, r.destination)):
        target = route.target
        found = cloud.resource(target) if target != "local" else None
        rows.append([route.destination, _name(found) if found is not None else target,
                     table_obj.route_state(route), route.origin])
    head = f"{kind} {_name(table_obj)} in {cloud.vpcs[table_obj.vpc].name}; subnets: {subnets}{explicit}"
    return head + "\n" + table(["destination", "target", "state", "origin"], rows)


def route_table_html(table_obj) -> str:
    return pre_html(route_table_text(table_obj))


def tgw_route_table_text(table_obj) -> str:
    cloud = table_obj._cloud
    tgw = cloud.transit_gateways[table_obj.tgw]
    associated = ", ".join(a.name for a in sorted(tgw.attachments, key=lambda a: a.id)
                           if a.route_table == table_obj.id) or "none"
    rows = []
    for route in sorted(table_obj.all_routes(), key=lambda r: (-IPNetwork(r.destination).prefixlen, r.destination)):
        attachment = cloud.tgw_attachments.get(route.attachment or "")
        rows.append([route.destination, _name(attachment) if attachment else "blackhole", route.origin])
    head = f"transit gateway route table {_name(table_obj)} of {tgw.name}; associated: {associated}"
    return head + "\n" + table(["destination", "attachment", "origin"], rows)


def security_group_text(group) -> str:
    cloud = group._cloud
    names = {g.id: g.name for g in cloud.security_groups.values()}
    lines = [f"security group {_name(group)} in {cloud.vpcs[group.vpc].name}"]
    for title, rules, inbound in (("inbound", group.inbound, True), ("outbound", group.outbound, False)):
        rows = []
        for rule in rules:
            peer = rule.cidr if rule.cidr is not None else f"{names.get(rule.group, rule.group)} ({rule.group})"
            rows.append([rule.protocol, ports_text(rule.ports) or "all", peer, rule.description])
        lines.append(f" {title} rules (allow only{', stateful' if inbound else ''}):")
        lines.append(table(["protocol", "ports", "source" if inbound else "destination", "description"], rows)
                     if rows else "  (none: nothing is allowed " + ("in" if inbound else "out") + ")")
    return "\n".join(lines)


def network_acl_text(acl) -> str:
    cloud = acl._cloud
    subnets = ", ".join(s.name for s in sorted(acl.subnets, key=lambda s: s.id)) or "none"
    kind = "default network ACL" if acl.default else "network ACL"
    lines = [f"{kind} {_name(acl)} in {cloud.vpcs[acl.vpc].name}; subnets: {subnets}"]
    for title, egress in (("inbound", False), ("outbound", True)):
        rows = [[str(e.number), e.protocol, ports_text(e.ports) or "all", e.cidr, e.action.upper()]
                for e in sorted(acl.entries, key=lambda e: e.number) if e.egress == egress]
        rows.append(["*", "all", "all", "0.0.0.0/0", "DENY"])
        lines.append(f" {title} rules (lowest number first, first match decides):")
        lines.append(table(["rule", "protocol", "ports", "destination" if egress else "source", "action"], rows))
    return "\n".join(lines)


def cloud_text(cloud) -> str:
    """A short inventory: VPCs, subnets with their route table and ACL, gateways, instances."""
    lines = []
    for vpc in sorted(cloud.vpcs.values(), key=lambda v: v.id):
        lines.append(f"VPC {_name(vpc)} {vpc.cidr} in {vpc.region}")
        rows = []
        for subnet in sorted(vpc.subnets, key=lambda s: s.id):
            rows.append([subnet.name, subnet.cidr, subnet.az, "public" if subnet.is_public else "private",
                         subnet.effective_route_table.name, subnet.acl.name])
        if rows:
            lines.append(table(["subnet", "cidr", "az", "kind", "route table", "network ACL"], rows))
        gateways = []
        if vpc.internet_gateway:
            gateways.append(f"internet gateway {_name(vpc.internet_gateway)}")
        for nat in sorted(vpc.nat_gateways, key=lambda n: n.id):
            gateways.append(f"NAT gateway {_name(nat)} in {nat.subnet_obj.name} ({nat.private_ip}, "
                            f"Elastic IP {nat.public_ip})")
        if vpc.vpn_gateway:
            gateways.append(f"virtual private gateway {_name(vpc.vpn_gateway)}")
        for text in gateways:
            lines.append(f"  + {text}")
        for instance in sorted(vpc.instances, key=lambda i: i.id):
            groups = ", ".join(g.name for g in instance.security_groups)
            public = f" public {instance.public_ip}" if instance.public_ip else ""
            lines.append(f"  - instance {_name(instance)} {instance.private_ip}{public} in "
                         f"{instance.subnet_obj.name} [{groups}]")
    for peering in sorted(cloud.peerings.values(), key=lambda p: p.id):
        lines.append(f"peering {_name(peering)}: {cloud.vpcs[peering.requester].name} <-> "
                     f"{cloud.vpcs[peering.accepter].name} ({peering.status})")
    for tgw in sorted(cloud.transit_gateways.values(), key=lambda t: t.id):
        attached = ", ".join(_attachment_text(cloud, a) for a in sorted(tgw.attachments, key=lambda a: a.id))
        lines.append(f"transit gateway {_name(tgw)} in {tgw.region}: {attached or 'no attachments'}")
    for connection in sorted(cloud.vpn_connections.values(), key=lambda c: c.id):
        network = cloud.on_premises[connection.on_premises]
        gateway = cloud.resource(connection.gateway)
        lines.append(f"{connection.kind} {_name(connection)}: {_name(gateway)} <-> on-premises {network.name} "
                     f"{', '.join(network.cidrs)}")
    return "\n".join(lines) if lines else "an empty AWS account (no VPCs yet)"


def _attachment_text(cloud, attachment) -> str:
    if attachment.kind == "vpc":
        return f"{cloud.vpcs[attachment.resource].name}"
    return f"{cloud.vpn_connections[attachment.resource].name} (VPN)"
