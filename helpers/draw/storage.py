"""Pictures for lesson 13: the three kinds of storage, what an edit costs, and where each one lives.

    kinds_figure()                # block, file and object storage side by side
    edit_cost_figure()            # bytes sent to storage to change one byte, by size (log-log)
    placement_figure()            # a region: EBS in one AZ, EFS mount targets per AZ, S3 outside the VPC

Each returns a matplotlib Figure; the numbers behind them come from helpers.sim.storage.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from helpers.sim.storage import KINDS, MB, BlockDevice, edit_cost

__all__ = ["kinds_figure", "edit_cost_figure", "placement_figure", "COLORS"]

COLORS = {"block": "#2563eb", "file": "#16a34a", "object": "#d97706", "muted": "#94a3b8", "ink": "#0f172a"}


def _box(ax, x, y, w, h, text="", color=COLORS["muted"], fill="#ffffff", size=9, weight="normal", **kw):
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.01,rounding_size=0.02",
                                linewidth=1.4, edgecolor=color, facecolor=fill, **kw))
    if text:
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size, color=COLORS["ink"],
                weight=weight)


def _arrow(ax, start, end, color=COLORS["ink"], text="", style="-|>", offset=(0, 0.02), bend=0.0):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=12, linewidth=1.2, color=color,
                                 connectionstyle=f"arc3,rad={bend}"))
    if text:
        ax.text((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1], text, ha="center",
                va="bottom", fontsize=8, color=color)


def _clean(ax, title: str):
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    ax.set_title(title)


def block_map(file_offset: int = 5 * 4096, text: bytes = b"order 1001: 2 coffees\n") -> tuple[int, list[int]]:
    """The picture's block device: 32 blocks, with a small file written at file_offset."""
    device = BlockDevice(32 * 4096)
    touched = device.write(file_offset, text)
    return device.block_count, touched


def kinds_figure():
    """Block (numbered blocks), file (a tree of paths) and object (flat keys in a bucket)."""
    fig, axes = plt.subplots(1, 3, figsize=(12, 4.2))

    # Block: numbered blocks; the file system alone knows which of them hold orders.txt.
    ax = axes[0]
    _clean(ax, "Block storage")
    count, touched = block_map()
    for number in range(count):
        row, col = divmod(number, 8)
        x, y = 0.06 + col * 0.11, 0.72 - row * 0.13
        used = number in touched
        ax.add_patch(Rectangle((x, y), 0.095, 0.11, facecolor=COLORS["block"] if used else "#e0e7ff",
                               edgecolor="white"))
        ax.text(x + 0.047, y + 0.055, str(number), ha="center", va="center", fontsize=7,
                color="white" if used else COLORS["ink"])
    ax.text(0.5, 0.12, "the device: numbered blocks, no names\nthe instance's file system knows that\n"
            f"orders.txt lives in block {touched[0]}", ha="center", va="center", fontsize=9)

    # File: a tree of folders and files, reached by path.
    ax = axes[1]
    _clean(ax, "File storage")
    nodes = {"/": (0.5, 0.85), "uploads/": (0.27, 0.62), "docs/": (0.73, 0.62),
             "cat.jpg": (0.15, 0.38), "dog.jpg": (0.39, 0.38), "terms.txt": (0.73, 0.38)}
    for parent, child in (("/", "uploads/"), ("/", "docs/"), ("uploads/", "cat.jpg"), ("uploads/", "dog.jpg"),
                          ("docs/", "terms.txt")):
        ax.plot(*zip(nodes[parent], nodes[child]), color=COLORS["muted"], linewidth=1.2)
    for name, (x, y) in nodes.items():
        _box(ax, x - 0.1, y - 0.05, 0.2, 0.1, name, color=COLORS["file"])
    ax.text(0.5, 0.12, "folders and files, by path: /uploads/cat.jpg\nopen, seek, write any bytes\n"
            "mounted over NFS by many instances", ha="center", va="center", fontsize=9)

    # Object: a flat bucket of keys; each key names a whole object.
    ax = axes[2]
    _clean(ax, "Object storage")
    _box(ax, 0.05, 0.3, 0.9, 0.62, color=COLORS["object"], fill="#fff7ed")
    ax.text(0.5, 0.86, "bucket netcourse-shop", ha="center", fontsize=9, weight="bold")
    for index, key in enumerate(("img/logo.png", "orders/2024/1001.json", "orders/2024/1002.json")):
        y = 0.7 - index * 0.13
        _box(ax, 0.08, y, 0.5, 0.1, key, color=COLORS["object"], size=8)
        _arrow(ax, (0.6, y + 0.05), (0.72, y + 0.05), color=COLORS["object"])
        ax.add_patch(Rectangle((0.74, y + 0.01), 0.16, 0.08, facecolor=COLORS["object"], alpha=0.35))
        ax.text(0.82, y + 0.05, "bytes", ha="center", va="center", fontsize=8)
    ax.text(0.5, 0.12, "key -> whole object, no real folders\nHTTPS: PUT, GET, LIST, DELETE\n"
            "change = upload it all again", ha="center", va="center", fontsize=9)
    fig.tight_layout()
    return fig


def edit_cost_series(sizes=None, change: int = 1) -> dict[str, list[tuple[int, int]]]:
    """(size, bytes sent) points per kind for the edit-cost plot."""
    sizes = sizes or [10 ** e for e in range(3, 10)]
    return {k.name: [(s, edit_cost(k.name, s, change)) for s in sizes] for k in KINDS}


def edit_cost_figure(sizes=None, change: int = 1):
    """How many bytes reach the storage to change `change` bytes in the middle, by size (log-log)."""
    series = edit_cost_series(sizes, change)
    fig, ax = plt.subplots(figsize=(8, 4))
    labels = {"block": "block (EBS): whole 4 KiB blocks", "file": "file (EFS/NFS): just the changed bytes",
              "object": "object (S3): the whole object again"}
    for name, points in series.items():
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=labels[name],
                color=COLORS[name])
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("size of the file or object (bytes)")
    ax.set_ylabel("bytes sent to storage")
    ax.set_title(f"Changing {change} byte{'s' if change != 1 else ''} in the middle")
    ax.axvline(100 * MB, color=COLORS["muted"], linestyle=":", linewidth=1)
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def placement_figure():
    """Where each service lives: EBS next to one instance in one AZ, EFS in every AZ, S3 regional."""
    fig, ax = plt.subplots(figsize=(11, 5.2))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    ax.set_title("Region ap-northeast-2: where each kind of storage lives")
    _box(ax, 0.02, 0.05, 0.68, 0.86, color=COLORS["muted"], fill="#f8fafc")
    ax.text(0.04, 0.87, "VPC 10.0.0.0/16", fontsize=9, weight="bold")
    for index, (az, subnet) in enumerate((("ap-northeast-2a", "10.0.1.0/24"), ("ap-northeast-2c", "10.0.3.0/24"))):
        x = 0.05 + index * 0.33
        _box(ax, x, 0.09, 0.3, 0.74, color=COLORS["muted"], fill="#ffffff", linestyle="--")
        ax.text(x + 0.15, 0.79, f"AZ {az}\nsubnet {subnet}", ha="center", va="top", fontsize=8)
        _box(ax, x + 0.07, 0.52, 0.16, 0.1, f"web{index + 1}", color=COLORS["ink"], weight="bold")
        # EBS: a volume per instance, in the same AZ, attached to that one instance.
        _box(ax, x + 0.02, 0.27, 0.12, 0.1, "EBS\nvolume", color=COLORS["block"], fill="#eff6ff", size=8)
        _arrow(ax, (x + 0.08, 0.37), (x + 0.11, 0.52), color=COLORS["block"], style="-", text="")
        # EFS: one mount target per AZ, NFS on TCP 2049.
        _box(ax, x + 0.16, 0.27, 0.13, 0.1, "EFS mount\ntarget", color=COLORS["file"], fill="#f0fdf4", size=8)
        _arrow(ax, (x + 0.19, 0.52), (x + 0.22, 0.37), color=COLORS["file"], text="")
        ax.text(x + 0.255, 0.44, "TCP 2049", fontsize=7, color=COLORS["file"])
    # The EFS file system behind both mount targets.
    _box(ax, 0.16, 0.12, 0.42, 0.08, "one EFS file system (regional): same files from every AZ",
         color=COLORS["file"], fill="#f0fdf4", size=8)
    for x in (0.285, 0.615):
        _arrow(ax, (x, 0.27), (x - 0.03 if x > 0.5 else x + 0.03, 0.2), color=COLORS["file"], style="-")
    # S3: outside the VPC, reached over HTTPS.
    _box(ax, 0.76, 0.42, 0.2, 0.2, "S3 bucket\n(regional service,\nno instance needed)", color=COLORS["object"],
         fill="#fff7ed", size=8)
    _arrow(ax, (0.2, 0.62), (0.8, 0.62), color=COLORS["object"], bend=-0.12)
    _arrow(ax, (0.61, 0.57), (0.76, 0.52), color=COLORS["object"])
    ax.text(0.86, 0.66, "HTTPS (TCP 443)", ha="center", fontsize=8, color=COLORS["object"])
    _box(ax, 0.76, 0.14, 0.2, 0.14, "other services\n(Lambda, CloudFront ...)", color=COLORS["object"], size=8)
    _arrow(ax, (0.86, 0.28), (0.86, 0.42), color=COLORS["object"], style="<|-|>")
    ax.text(0.73, 0.93, "EBS: one instance, one AZ  |  EFS: many instances, all AZs  |  S3: anyone allowed, anywhere",
            ha="right", fontsize=8, color=COLORS["ink"])
    fig.tight_layout()
    return fig
