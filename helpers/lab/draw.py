"""Pictures of a lab's topology (matplotlib), the base of the packet walk.

    lab.draw()                                  # the topology with addresses
    draw_lab(lab, highlight="r1:eth1")          # one interface and its cable highlighted

Layout is deterministic: nodes are placed in columns by their distance from the first node
declared (a breadth-first walk over the links), in declaration order, so the same lab always
draws the same way.
"""
from __future__ import annotations

from collections import deque

STYLE = {
    "host": {"color": "#dbeafe", "edge": "#1d4ed8", "shape": "round"},
    "router": {"color": "#ffedd5", "edge": "#c2410c", "shape": "circle"},
    "switch": {"color": "#dcfce7", "edge": "#15803d", "shape": "square"},
}
HIGHLIGHT = "#dc2626"
DEFAULT_SCALE = 1.0  # instructor mode raises it for a projector
COLUMN_GAP = 2.4  # drawing units between columns and between rows
ROW_GAP = 1.5


def layout(lab) -> dict[str, tuple[float, float]]:
    """Node name -> (x, y): columns by hop distance from the first node, rows in declaration order."""
    neighbours: dict[str, list[str]] = {name: [] for name in lab.nodes}
    for link in lab.links:
        a, b = link.a.node.name, link.b.node.name
        neighbours[a].append(b)
        neighbours[b].append(a)
    column: dict[str, int] = {}
    next_column = 0
    # Start from the first host, so a path like h1 - s1 - r1 - h2 reads left to right.
    order = sorted(lab.nodes, key=lambda n: (lab.nodes[n].kind != "host", list(lab.nodes).index(n)))
    for start in order:  # every connected piece, left to right
        if start in column:
            continue
        base = next_column
        column[start] = base
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for other in neighbours[node]:
                if other not in column:
                    column[other] = column[node] + 1
                    queue.append(other)
        next_column = max(column.values()) + 1
    rows: dict[int, list[str]] = {}
    for name in lab.nodes:
        rows.setdefault(column[name], []).append(name)
    positions = {}
    for x, names in rows.items():
        for i, name in enumerate(names):
            positions[name] = (x * COLUMN_GAP, ((len(names) - 1) / 2.0 - i) * ROW_GAP)
    return positions


def _towards(start, end, distance):
    """The point `distance` units from start along the line to end."""
    (x1, y1), (x2, y2) = start, end
    length = max(((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5, 1e-9)
    return x1 + (x2 - x1) * distance / length, y1 + (y2 - y1) * distance / length


def _interface_label(interface) -> str:
    if interface.address is not None:
        return f"{interface.name}\n{interface.address}"
    return interface.name


def draw_lab(lab, *, highlight: str | None = None, ax=None, title: str | None = None,
             scale: float | None = None, show_addresses: bool = True, packet_at: str | None = None):
    """Draw the lab; `highlight` ("node:iface") marks one interface and its cable in red,
    `packet_at` also puts an envelope there (used by the packet walk)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, FancyBboxPatch

    scale = DEFAULT_SCALE if scale is None else scale
    positions = layout(lab)
    xs = [x for x, _ in positions.values()] or [0.0]
    ys = [y for _, y in positions.values()] or [0.0]
    width = max(xs) - min(xs) + 2.4
    height = max(ys) - min(ys) + 2.0
    if ax is None:
        fig, ax = plt.subplots(figsize=(max(width * 1.25, 4.5) * scale, max(height * 1.25, 2.6) * scale))
    else:
        fig = ax.figure
    font = 9 * scale
    focus = highlight or packet_at
    for link in lab.links:
        (x1, y1), (x2, y2) = positions[link.a.node.name], positions[link.b.node.name]
        hot = focus in (link.a.label, link.b.label)
        ax.plot([x1, x2], [y1, y2], color=HIGHLIGHT if hot else "#64748b",
                linewidth=(3.2 if hot else 1.6) * scale, zorder=1,
                linestyle="--" if link.impaired else "-")
        if link.describe():
            ax.text((x1 + x2) / 2, (y1 + y2) / 2 + 0.32, link.describe(), ha="center", va="bottom",
                    fontsize=font * 0.85, color="#7c3aed", zorder=4)
        for end, here, there in ((link.a, (x1, y1), (x2, y2)), (link.b, (x2, y2), (x1, y1))):
            if show_addresses:
                lx, ly = _towards(here, there, 0.75)
                color = HIGHLIGHT if focus == end.label else "#334155"
                ax.text(lx, ly - 0.08, _interface_label(end), ha="center", va="top", fontsize=font * 0.8,
                        color=color, zorder=4,
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
            if packet_at == end.label:
                px, py = _towards(here, there, 1.05)
                ax.text(px, py + 0.05, "✉", ha="center", va="bottom", fontsize=font * 2.2, color=HIGHLIGHT, zorder=6)
    for name, (x, y) in positions.items():
        node = lab.nodes[name]
        style = STYLE[node.kind]
        hot = focus is not None and focus.split(":", 1)[0] == name
        edge = HIGHLIGHT if hot else style["edge"]
        if style["shape"] == "circle":
            patch = Circle((x, y), 0.32, facecolor=style["color"], edgecolor=edge, linewidth=2 * scale, zorder=3)
        else:
            box_width = 0.8 if style["shape"] == "round" else 0.9
            patch = FancyBboxPatch((x - box_width / 2, y - 0.22), box_width, 0.44,
                                   boxstyle="round,pad=0.05" if style["shape"] == "round" else "square,pad=0.02",
                                   facecolor=style["color"], edgecolor=edge, linewidth=2 * scale, zorder=3)
        ax.add_patch(patch)
        ax.text(x, y + 0.03, name, ha="center", va="center", fontsize=font * 1.15, fontweight="bold", zorder=5)
        ax.text(x, y - 0.13, node.kind, ha="center", va="center", fontsize=font * 0.75, color="#475569", zorder=5)
    ax.set_xlim(min(xs) - 1.0, max(xs) + 1.0)
    ax.set_ylim(min(ys) - 1.0, max(ys) + 0.8)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.grid(False)
    ax.set_title(title or f"Lab '{lab.name}'", fontsize=font * 1.3)
    return fig
