"""Pictures of IPv4 addressing (matplotlib); each function returns a Figure.

* ``bits_figure("10.0.1.77/26")``: the 32 bits of the address, the netmask and their AND (the
  network), network bits in blue and host bits in orange, with the prefix boundary marked.
* ``plan_chart(plan)``: a VLSM plan as one address-space bar, subnets coloured and free space grey.
* ``split_tree_figure(tree)``: a ``SplitTree`` as an icicle: the parent on top, each row one bit
  longer, the current subnets highlighted. An even split of a /24 into /28s shows the 2, 4, 8 and
  16 pieces that the masks .128, .192, .224 and .240 make.

The data behind each picture comes from helpers.addressing (``bit_rows``, ``Plan.segments``,
``SplitTree.nodes``), which is unit-tested; these functions only draw it.
"""
from __future__ import annotations

from typing import Any

from helpers.addressing import Plan, SplitTree, bit_rows, netmask_for

NETWORK_COLOUR = "#93c5fd"   # blue: bits that name the network
HOST_COLOUR = "#fdba74"      # orange: bits that name the host
FREE_COLOUR = "#e5e7eb"      # grey: unallocated space
EDGE_COLOUR = "#334155"
PALETTE = ("#60a5fa", "#34d399", "#fbbf24", "#f472b6", "#a78bfa", "#f87171", "#2dd4bf",
           "#facc15", "#818cf8", "#fb923c")

ROW_TITLES = {"address": "address", "netmask": "AND netmask", "network": "= network"}


def bits_figure(text: Any):
    """The mask as a bitwise AND, bit by bit, for an address with prefix like '10.0.1.77/26'."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    data = bit_rows(text)
    prefix = data["prefixlen"]
    figure, axes = plt.subplots(figsize=(11, 2.4))
    gap = 0.4  # space between octets

    def x_of(bit: int) -> float:
        return bit + gap * (bit // 8)

    for row, (label, dotted, bits) in enumerate(data["rows"]):
        y = 2 - row
        for bit, char in enumerate(bits):
            colour = NETWORK_COLOUR if bit < prefix else HOST_COLOUR
            axes.add_patch(Rectangle((x_of(bit), y), 1, 0.8, facecolor=colour,
                                     edgecolor="white", linewidth=1))
            axes.text(x_of(bit) + 0.5, y + 0.4, char, ha="center", va="center", fontsize=9,
                      family="monospace", fontweight="bold" if char == "1" else "normal")
        axes.text(-0.6, y + 0.4, f"{ROW_TITLES[label]}  {dotted}", ha="right", va="center",
                  fontsize=10, family="monospace")
    boundary = x_of(prefix) - (gap / 2 if prefix % 8 == 0 and 0 < prefix < 32 else 0)
    axes.axvline(boundary, color=EDGE_COLOUR, linestyle="--", linewidth=1.5)
    axes.text(boundary, 3.05, f"/{prefix}", ha="center", va="bottom", fontsize=10, color=EDGE_COLOUR)
    axes.set_xlim(-14, x_of(31) + 1.2)
    axes.set_ylim(-0.2, 3.4)
    axes.axis("off")
    host_bits = 32 - prefix
    axes.set_title(f"{data['rows'][0][1]}/{prefix}: {prefix} network bit{'s' if prefix != 1 else ''} "
                   f"(blue), {host_bits} host bit{'s' if host_bits != 1 else ''} (orange)")
    figure.tight_layout()
    return figure


def plan_chart(plan: Plan):
    """A VLSM plan drawn over its parent's address space, in address order."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    figure, axes = plt.subplots(figsize=(10, 2.4))
    total = plan.parent.size
    colours = {s.name: PALETTE[i % len(PALETTE)] for i, s in enumerate(plan.subnets)}
    for offset, size, label, kind in plan.segments():
        colour = colours.get(label, FREE_COLOUR) if kind == "subnet" else FREE_COLOUR
        axes.add_patch(Rectangle((offset, 0), size, 1, facecolor=colour, edgecolor="white",
                                 linewidth=1.5))
        if kind == "subnet":
            network = plan[label].network
            text = f"{label}\n/{network.prefixlen}" if size / total >= 0.06 else ""
        else:
            text = "free" if size / total >= 0.06 else ""
        if text:
            axes.text(offset + size / 2, 0.5, text, ha="center", va="center", fontsize=9)
    starts = []
    for offset in [offset for offset, *_ in plan.segments()] + [total]:
        if not starts or offset - starts[-1] >= 0.04 * total:  # keep tick labels apart
            starts.append(offset)
    if starts[-1] != total:
        starts[-1] = total
    axes.set_xticks(starts)
    axes.set_xticklabels([f"+{s:,}" for s in starts], fontsize=8, rotation=45, ha="right")
    axes.set_xlim(0, total)
    axes.set_ylim(0, 1)
    axes.set_yticks([])
    axes.grid(False)
    axes.set_xlabel(f"addresses from the start of {plan.parent}", fontsize=9)
    axes.set_title(f"{plan.parent}: {plan.used_addresses:,} of {total:,} addresses planned")
    handles = [Rectangle((0, 0), 1, 1, facecolor=colours[s.name]) for s in plan.subnets]
    columns = min(3, len(handles))
    legend_rows = -(-len(handles) // columns)
    figure.set_size_inches(10, 2.4 + 0.3 * legend_rows)
    figure.legend(handles, [f"{s.name}  {s.network}  ({s.hosts:,} hosts)" for s in plan.subnets],
                  loc="lower center", ncol=columns, fontsize=8)
    figure.tight_layout(rect=(0, 0.3 * legend_rows / (2.4 + 0.3 * legend_rows) + 0.02, 1, 1))
    return figure


def _short_label(network, tree: SplitTree, with_prefix: bool) -> str:
    """The octets of a subnet that the parent does not fix, like '.32/27' (or '.32' when narrow)."""
    fixed = min(tree.parent.prefixlen // 8, 3)
    label = "." + ".".join(str(network.network).split(".")[fixed:])
    return label + (f"/{network.prefixlen}" if with_prefix else "")


def split_tree_figure(tree: SplitTree):
    """The tree of halvings as rows of blocks: row n holds the /(parent + n) pieces."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    nodes = tree.nodes()
    depth = max(level for _, level, _ in nodes)
    total = tree.parent.size
    figure, axes = plt.subplots(figsize=(10, 0.7 * (depth + 1) + 1.0))
    for network, level, is_leaf in nodes:
        offset = network.first - tree.parent.first
        y = depth - level
        axes.add_patch(Rectangle((offset, y), network.size, 0.85,
                                 facecolor=NETWORK_COLOUR if is_leaf else FREE_COLOUR,
                                 edgecolor=EDGE_COLOUR, linewidth=1))
        share = network.size / total
        label = (str(network) if share >= 0.2 else _short_label(network, tree, share >= 0.1)
                 if share >= 0.04 else "")
        if label:
            axes.text(offset + network.size / 2, y + 0.42, label, ha="center", va="center", fontsize=8)
    for level in range(depth + 1):
        prefix = tree.parent.prefixlen + level
        pieces = 1 << level
        complete = sum(1 for _, at, _ in nodes if at == level) == pieces  # every piece drawn
        count = f"  {pieces} piece{'s' if pieces != 1 else ''}" if complete else ""
        axes.text(-0.01 * total, depth - level + 0.42, f"/{prefix}  {netmask_for(prefix)}{count}",
                  ha="right", va="center", fontsize=9, family="monospace")
    axes.set_xlim(0, total)
    axes.set_ylim(-0.1, depth + 1)
    axes.axis("off")
    axes.set_title(f"{tree.parent} split into {len(tree.leaves)} subnets (blue: the subnets in use)")
    figure.tight_layout()
    return figure
