"""DNS pictures: the tree of zones a name belongs to, and the messages of one resolution."""
from __future__ import annotations

from helpers.dns.zone import absolute, parent_names


def zone_tree(names) -> dict[str, list[str]]:
    """Parent -> children for every name and the zones above it, children sorted, root '.' on top.

        zone_tree(["www.example.com", "www.google.com"])
        -> {".": ["com."], "com.": ["example.com.", "google.com."], "example.com.": ["www.example.com."], ...}
    """
    tree: dict[str, list[str]] = {".": []}
    for name in names:
        chain = list(reversed(parent_names(absolute(name))))
        for parent, child in zip(chain, chain[1:]):
            tree.setdefault(parent, [])
            tree.setdefault(child, [])
            if child not in tree[parent]:
                tree[parent].append(child)
    for children in tree.values():
        children.sort()
    return tree


def tree_positions(tree: dict[str, list[str]]) -> dict[str, tuple[float, int]]:
    """(x, depth) of every zone: leaves spread evenly left to right, parents centred above."""
    positions: dict[str, tuple[float, int]] = {}
    next_leaf = [0.0]

    def place(zone: str, depth: int) -> float:
        children = tree.get(zone, [])
        if not children:
            x = next_leaf[0]
            next_leaf[0] += 1.0
        else:
            xs = [place(child, depth + 1) for child in children]
            x = (min(xs) + max(xs)) / 2
        positions[zone] = (x, depth)
        return x

    place(".", 0)
    return positions


LEVELS = ["root", "top-level domains (TLD)", "second-level domains (SLD)", "subdomains and hosts below"]


def hierarchy(names, *, highlight: str | None = None, title: str = "The DNS tree, read right to left"):
    """The zones of `names` as a tree; the path to `highlight` is drawn in red."""
    import matplotlib.pyplot as plt

    tree = zone_tree(names)
    positions = tree_positions(tree)
    path = set(parent_names(absolute(highlight))) if highlight else set()
    depth = max(d for _, d in positions.values())
    width = max(x for x, _ in positions.values()) + 1
    fig, ax = plt.subplots(figsize=(max(7.0, 2.3 * width + 2.5), 1.1 * (depth + 1) + 0.8))
    for parent, children in tree.items():
        px, pd = positions[parent]
        for child in children:
            cx, cd = positions[child]
            hot = parent in path and child in path
            ax.plot([px, cx], [-pd, -cd], color="#dc2626" if hot else "#94a3b8", linewidth=2.4 if hot else 1.2,
                    zorder=1)
    for zone, (x, d) in positions.items():
        hot = zone in path
        ax.text(x, -d, zone, ha="center", va="center", fontsize=9, zorder=2,
                color="#7f1d1d" if hot else "#0f172a", fontweight="bold" if hot else "normal",
                bbox={"boxstyle": "round,pad=0.3", "facecolor": "#fee2e2" if hot else "#f1f5f9",
                      "edgecolor": "#dc2626" if hot else "#94a3b8"})
    for d in range(min(depth + 1, len(LEVELS))):
        ax.text(-0.6, -d, LEVELS[d], ha="right", va="center", fontsize=9, color="#475569")
    ax.set_xlim(-2.4, width - 0.4)
    ax.set_ylim(-depth - 0.6, 0.6)
    ax.axis("off")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def sequence(messages, participants: list[str], *, title: str = "One name, resolved"):
    """A sequence diagram: `participants` as columns, one arrow per (sender, receiver, label)."""
    import matplotlib.pyplot as plt

    messages = list(messages)
    column = {name: i for i, name in enumerate(participants)}
    fig, ax = plt.subplots(figsize=(max(8.0, 2.3 * len(participants)), 0.62 * len(messages) + 1.6))
    bottom = -(len(messages) + 0.5)
    for name, x in column.items():
        ax.plot([x, x], [0.3, bottom], color="#cbd5e1", linewidth=2, zorder=1)
        ax.text(x, 0.45, name, ha="center", va="bottom", fontsize=10, fontweight="bold")
    for i, (sender, receiver, label) in enumerate(messages, start=1):
        y = -i
        x0, x1 = column[sender], column[receiver]
        color = "#2563eb" if x1 > x0 else "#15803d"
        ax.annotate("", xy=(x1, y), xytext=(x0, y), arrowprops={"arrowstyle": "->", "color": color, "linewidth": 1.6},
                    zorder=2)
        ax.text((x0 + x1) / 2, y + 0.08, f"{i}. {label}", ha="center", va="bottom", fontsize=8.5, color=color,
                bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"}, zorder=3)
    ax.set_xlim(-0.7, len(participants) - 0.3)
    ax.set_ylim(bottom, 1.0)
    ax.axis("off")
    ax.set_title(title)
    fig.tight_layout()
    return fig
