"""Pictures of a VPC model (matplotlib): region, VPCs, AZs, subnets, gateways and route arrows.

    draw_vpc(cloud)                      # every VPC of the model
    draw_vpc(cloud, analysis=result)     # plus the path an analysis took (and where it stopped)

Public subnets are green, private ones blue; instances and NAT gateways sit inside their
subnet; the internet gateway sits on the VPC's top edge with "the internet" above it, a virtual
private gateway on the left edge with the on-premises network beyond it, peering connections and
transit gateways below. Every non-local route of a subnet's route table is an arrow from the
subnet to its target labelled with the destination block; a blackhole route is a dashed red
arrow to a ✕. The geometry comes from ``vpc_layout`` (plain data, unit-tested); ``draw_vpc``
only paints it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from helpers.errors import InputError

__all__ = ["Shape", "Arrow", "Layout", "vpc_layout", "path_points", "draw_vpc"]

AZ_WIDTH = 5.6
GAP = 0.45
SUBNET_HEIGHT = 2.1
PAD = 0.5
HEAD = 0.9
COLOURS = {
    "region": ("#f8fafc", "#64748b"), "vpc": ("#ffffff", "#7c3aed"), "az": ("#f1f5f9", "#94a3b8"),
    "public": ("#dcfce7", "#16a34a"), "private": ("#dbeafe", "#2563eb"), "instance": ("#ffffff", "#ea580c"),
    "nat": ("#fef3c7", "#b45309"), "igw": ("#ede9fe", "#6d28d9"), "vgw": ("#ede9fe", "#6d28d9"),
    "internet": ("#f5f5f4", "#57534e"), "onprem": ("#f5f5f4", "#57534e"), "pcx": ("#fae8ff", "#a21caf"),
    "tgw": ("#fae8ff", "#a21caf"), "blackhole": ("#fee2e2", "#dc2626"),
}


@dataclass(frozen=True)
class Shape:
    kind: str          # 'region', 'vpc', 'az', 'public', 'private', 'instance', 'nat', 'igw', 'vgw', ...
    id: str
    label: str
    x: float
    y: float           # lower-left corner
    w: float
    h: float

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.h / 2)

    @property
    def anchor(self) -> tuple[float, float]:
        """Where paths and routes meet the shape: a subnet's free right-hand strip, else the centre."""
        if self.kind in ("public", "private"):
            return (self.x + self.w - 0.55, self.y + self.h / 2 - 0.2)
        return self.centre

    def contains(self, other: "Shape") -> bool:
        return (self.x <= other.x and other.x + other.w <= self.x + self.w and
                self.y <= other.y and other.y + other.h <= self.y + self.h)


@dataclass(frozen=True)
class Arrow:
    src: str
    dst: str
    label: str
    style: str          # 'route', 'blackhole', 'forward', 'return'


@dataclass
class Layout:
    shapes: list[Shape] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)

    def shape(self, sid: str) -> Shape:
        for shape in self.shapes:
            if shape.id == sid:
                return shape
        raise KeyError(sid)

    def has(self, sid: str) -> bool:
        return any(s.id == sid for s in self.shapes)

    def bounds(self) -> tuple[float, float, float, float]:
        xs = [s.x for s in self.shapes] + [s.x + s.w for s in self.shapes]
        ys = [s.y for s in self.shapes] + [s.y + s.h for s in self.shapes]
        return min(xs), max(xs), min(ys), max(ys)


def vpc_layout(cloud, vpcs=None) -> Layout:
    """Where everything goes: boxes (lower-left corner, width, height) and arrows between ids."""
    from helpers.aws.model import Cloud, REGIONS

    if not isinstance(cloud, Cloud):
        raise InputError("vpc_layout() and draw_vpc() take the model: draw_vpc(cloud).")
    chosen = sorted(cloud.vpcs.values(), key=lambda v: v.id) if vpcs is None else [cloud._vpc(v) for v in vpcs]
    if not chosen:
        raise InputError("The model has no VPC to draw yet; add one with cloud.add_vpc(...).")
    layout = Layout()
    onprem = sorted(cloud.on_premises.values(), key=lambda n: n.id)
    x = 4.2 if onprem else 0.0
    tallest = 0.0
    by_region: dict[str, list[Shape]] = {}
    for vpc in chosen:
        shape = _place_vpc(layout, cloud, vpc, x)
        by_region.setdefault(vpc.region, []).append(shape)
        tallest = max(tallest, shape.h)
        x += shape.w + 2.0
    for region, shapes in by_region.items():
        left = min(s.x for s in shapes) - 0.4
        right = max(s.x + s.w for s in shapes) + 0.4
        bottom = min(s.y for s in shapes) - 0.4
        layout.shapes.insert(0, Shape("region", region, f"Region {region} {REGIONS[region][0]}", left, bottom,
                                      right - left, 0.4 + 1.1 - bottom))
    if any(vpc.internet_gateway for vpc in chosen):
        centre = (min(s.x for s in layout.shapes) + x - 2.0) / 2
        layout.shapes.append(Shape("internet", "internet", "the internet", centre - 1.6, 2.4, 3.2, 1.0))
    below = -tallest - 2.6
    shown = {v.id: layout.shape(v.id) for v in chosen}
    taken: list[tuple[float, float]] = []

    def free_spot(centre: float, width: float) -> float:
        left_edge = centre - width / 2
        while any(left_edge < b and a < left_edge + width for a, b in taken):
            left_edge += 0.6
        taken.append((left_edge - 0.3, left_edge + width + 0.3))
        return left_edge

    for peering in sorted(cloud.peerings.values(), key=lambda p: p.id):
        ends = [shown[v].centre[0] for v in (peering.requester, peering.accepter) if v in shown]
        if ends:
            layout.shapes.append(Shape("pcx", peering.id, f"peering {peering.name}",
                                       free_spot(sum(ends) / len(ends), 3.4), below, 3.4, 0.9))
    for tgw in sorted(cloud.transit_gateways.values(), key=lambda t: t.id):
        ends = [shown[a.resource].centre[0] for a in tgw.attachments if a.kind == "vpc" and a.resource in shown]
        if ends or tgw.attachments:
            centre = sum(ends) / len(ends) if ends else 1.8
            layout.shapes.append(Shape("tgw", tgw.id, f"transit gateway {tgw.name}", free_spot(centre, 3.6),
                                       below - 1.4, 3.6, 0.9))
    for index, network in enumerate(onprem):
        layout.shapes.append(Shape("onprem", network.id, f"on-premises {network.name}\n{', '.join(network.cidrs)}",
                                   0.0, -2.0 - index * 1.8, 3.4, 1.3))
    _route_arrows(layout, cloud, chosen)
    _connection_arrows(layout, cloud, chosen)
    return layout


def _place_vpc(layout: Layout, cloud, vpc, x: float) -> Shape:
    subnets = sorted(vpc.subnets, key=lambda s: (s.az, not s.is_public, s.id))
    azs = sorted({s.az for s in subnets}) or [vpc.azs[0]]
    rows = max([sum(1 for s in subnets if s.az == az) for az in azs] + [1])
    width = len(azs) * AZ_WIDTH + (len(azs) - 1) * GAP + 2 * PAD
    height = HEAD + rows * (SUBNET_HEIGHT + GAP) + PAD
    top = 0.0
    vpc_shape = Shape("vpc", vpc.id, f"VPC {vpc.name} {vpc.cidr}", x, top - height, width, height)
    layout.shapes.append(vpc_shape)
    for column, az in enumerate(azs):
        az_x = x + PAD + column * (AZ_WIDTH + GAP)
        az_shape = Shape("az", f"{vpc.id}:{az}", f"AZ {az}", az_x, top - height + 0.2, AZ_WIDTH, height - 0.75)
        layout.shapes.append(az_shape)
        for row, subnet in enumerate(s for s in subnets if s.az == az):
            sy = top - HEAD - 0.35 - (row + 1) * SUBNET_HEIGHT - row * GAP
            kind = "public" if subnet.is_public else "private"
            table = subnet.effective_route_table
            layout.shapes.append(Shape(kind, subnet.id, f"{subnet.name} {subnet.cidr}\nroute table: {table.name}",
                                       az_x + 0.2, sy, AZ_WIDTH - 0.4, SUBNET_HEIGHT))
            _place_members(layout, cloud, subnet, az_x + 0.35, sy + 0.15)
    gateway = vpc.internet_gateway
    if gateway is not None:
        layout.shapes.append(Shape("igw", gateway.id, f"internet gateway\n{gateway.name}", x + width / 2 - 1.2,
                                   top - 0.45, 2.4, 0.9))
    vgw = vpc.vpn_gateway
    if vgw is not None:
        layout.shapes.append(Shape("vgw", vgw.id, f"VPN gateway\n{vgw.name}", x - 1.1, top - height / 2 - 0.45,
                                   2.2, 0.9))
    return vpc_shape


def _place_members(layout: Layout, cloud, subnet, x: float, y: float) -> None:
    members = [("instance", i.id, f"{i.name}\n{i.private_ip}" + (f"\n{i.public_ip}" if i.public_ip else ""))
               for i in sorted(cloud.instances.values(), key=lambda i: i.id) if i.eni.subnet == subnet.id]
    members += [("nat", n.id, f"NAT {n.name}\n{n.private_ip}\nEIP {n.public_ip}")
                for n in sorted(cloud.nat_gateways.values(), key=lambda n: n.id) if n.subnet == subnet.id]
    for index, (kind, mid, text) in enumerate(members[:3]):
        layout.shapes.append(Shape(kind, mid, text, x + index * 1.3, y, 1.2, 1.05))
    if len(members) > 3:
        layout.shapes.append(Shape("instance", f"{subnet.id}:more", f"+{len(members) - 3} more", x + 3 * 1.3, y,
                                   0.0, 1.05))


def _route_arrows(layout: Layout, cloud, vpcs) -> None:
    for vpc in vpcs:
        for subnet in sorted(vpc.subnets, key=lambda s: s.id):
            table = subnet.effective_route_table
            grouped: dict[tuple[str, str], list[str]] = {}
            for route in table.all_routes():
                if route.target == "local":
                    continue
                state = table.route_state(route)
                target = route.target
                if target.startswith("tgw-") and state == "active":
                    target = route.target
                if state == "blackhole" or not layout.has(target):
                    target = f"{subnet.id}:blackhole:{route.destination}"
                    layout.shapes.append(Shape("blackhole", target, "✕ blackhole",
                                               layout.shape(subnet.id).x + layout.shape(subnet.id).w - 1.0,
                                               layout.shape(subnet.id).y + layout.shape(subnet.id).h - 0.5,
                                               0.9, 0.4))
                    layout.arrows.append(Arrow(subnet.id, target, route.destination, "blackhole"))
                    continue
                grouped.setdefault((subnet.id, target), []).append(route.destination)
            for (src, dst), destinations in grouped.items():
                layout.arrows.append(Arrow(src, dst, ", ".join(destinations), "route"))


def _connection_arrows(layout: Layout, cloud, vpcs) -> None:
    """Dotted links: gateways to what they connect (not routes; just what is attached to what)."""
    for vpc in vpcs:
        if vpc.internet_gateway and layout.has("internet"):
            layout.arrows.append(Arrow(vpc.internet_gateway.id, "internet", "", "link"))
    for connection in sorted(cloud.vpn_connections.values(), key=lambda c: c.id):
        if layout.has(connection.gateway) and layout.has(connection.on_premises):
            layout.arrows.append(Arrow(connection.on_premises, connection.gateway, connection.kind, "link"))


def path_points(layout: Layout, analysis) -> dict[str, list[str]]:
    """The ids of the drawn components an analysis passed, per way ('forward', 'return').

    Each hop says where it happened (an instance, a subnet, a gateway); consecutive repeats are
    merged. The last id of a blocked way is where the packet stopped.
    """
    points = {"forward": [], "return": []}
    for hop in analysis.hops:
        where = hop.where if layout.has(hop.where) else None
        if where and (not points[hop.path] or points[hop.path][-1] != where):
            points[hop.path].append(where)
    return points


def draw_vpc(cloud, analysis=None, vpcs=None, title: str | None = None):
    """The model as a picture; with ``analysis``, its path (orange there, purple back) on top."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    layout = vpc_layout(cloud, vpcs)
    left, right, bottom, top = layout.bounds()
    width = right - left + 1.0
    height = top - bottom + 1.0
    figure, axes = plt.subplots(figsize=(min(16, max(7, width * 0.85)), min(12, max(4, height * 0.75))))
    for shape in layout.shapes:
        face, edge = COLOURS.get(shape.kind, ("#ffffff", "#334155"))
        if shape.w == 0:
            axes.text(shape.x, shape.y + shape.h / 2, shape.label, fontsize=7, va="center")
            continue
        style = "round,pad=0.02,rounding_size=0.15"
        line = "--" if shape.kind == "az" else "-"
        axes.add_patch(FancyBboxPatch((shape.x, shape.y), shape.w, shape.h, boxstyle=style, facecolor=face,
                                      edgecolor=edge, linewidth=1.4 if shape.kind != "az" else 1.0, linestyle=line))
        _label(axes, shape)
    for arrow in layout.arrows:
        _arrow(axes, layout, arrow, FancyArrowPatch)
    if analysis is not None:
        points = path_points(layout, analysis)
        for way, colour, offset in (("forward", "#ea580c", 0.12), ("return", "#7c3aed", -0.12)):
            ids = points[way]
            for a, b in zip(ids, ids[1:]):
                (x1, y1), (x2, y2) = layout.shape(a).anchor, layout.shape(b).anchor
                axes.add_patch(FancyArrowPatch((x1 + offset, y1 + offset), (x2 + offset, y2 + offset),
                                               arrowstyle="-|>", mutation_scale=14, color=colour, linewidth=2.4,
                                               alpha=0.85, zorder=6))
        stop = analysis.blocked_at
        if stop is not None and points[stop.path]:
            x, y = layout.shape(points[stop.path][-1]).anchor
            axes.text(x, y, "✕", color="#dc2626", fontsize=28, ha="center", va="center", zorder=8,
                      fontweight="bold")
        verdict = "reachable" if analysis.reachable else f"blocked: {analysis.code}"
        title = title or f"{analysis.source} → {analysis.destination}: {verdict}"
    axes.set_xlim(left - 0.5, right + 0.5)
    axes.set_ylim(bottom - 0.5, top + 0.5)
    axes.set_aspect("equal")
    axes.axis("off")
    axes.set_title(title or "VPC layout: green subnets are public, blue ones private; arrows are routes")
    figure.tight_layout()
    return figure


def _label(axes, shape: Shape) -> None:
    if shape.kind in ("region", "vpc", "az"):
        size = {"region": 10, "vpc": 10, "az": 8}[shape.kind]
        axes.text(shape.x + 0.15, shape.y + shape.h - 0.12, shape.label, fontsize=size, va="top",
                  fontweight="bold" if shape.kind != "az" else "normal", color=COLOURS[shape.kind][1])
    elif shape.kind in ("public", "private"):
        axes.text(shape.x + 0.12, shape.y + shape.h - 0.1, shape.label, fontsize=7.5, va="top")
    else:
        axes.text(*shape.centre, shape.label, fontsize=6.5 if shape.kind in ("instance", "nat") else 7.5,
                  ha="center", va="center")


def _arrow(axes, layout: Layout, arrow: Arrow, patch) -> None:
    a, b = layout.shape(arrow.src), layout.shape(arrow.dst)
    (x1, y1), (x2, y2) = a.anchor, b.anchor
    if arrow.style == "link":
        axes.plot([x1, x2], [y1, y2], color="#94a3b8", linestyle=":", linewidth=1.2, zorder=1)
        if arrow.label:
            axes.text((x1 + x2) / 2, (y1 + y2) / 2, arrow.label, fontsize=7, color="#475569", ha="center")
        return
    start = (x1, y1)
    colour = "#dc2626" if arrow.style == "blackhole" else "#334155"
    axes.add_patch(patch(start, (x2, y2), arrowstyle="-|>", mutation_scale=12, color=colour, linewidth=1.2,
                         linestyle="--" if arrow.style == "blackhole" else "-", connectionstyle="arc3,rad=0.15",
                         zorder=4))
    axes.text((start[0] + x2) / 2, (start[1] + y2) / 2, arrow.label, fontsize=7, color=colour, ha="center",
              va="bottom", zorder=5, bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8})
