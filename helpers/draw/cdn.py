"""Pictures for lesson 12 (CDN with CloudFront): the parts of CloudFront, and sweeps of the model.

Each function returns a matplotlib Figure; a notebook cell ends with plt.show(). The data comes from
helpers.sim.cdn (tested there); sweep_points() is the pure part of plot_sweep(), tested too.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

from helpers.errors import InputError
from helpers.sim.cdn import Stats

COLOURS = ["#2563eb", "#f97316", "#10b981", "#a855f7", "#64748b"]

METRICS = {
    "hit_ratio": ("edge hit ratio (%)", lambda s: s.hit_ratio * 100),
    "cdn_hit_ratio": ("answered without the origin (%)", lambda s: s.cdn_hit_ratio * 100),
    "origin_rps": ("origin requests per second", lambda s: s.origin_rps),
    "mean_ms": ("mean user latency (ms)", lambda s: s.mean_ms),
    "stale_share": ("stale answers (%)", lambda s: s.stale_share * 100),
}


def _box(ax, x, y, w, h, text, colour):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02", fc=colour, ec="#334155",
                                alpha=0.9))
    ax.text(x, y, text, ha="center", va="center", fontsize=9)


def _arrow(ax, start, end, label=""):
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(arrowstyle="<->", color="#334155", lw=1.2))
    if label:
        ax.text((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.12, label, ha="center", fontsize=8,
                color="#475569")


def plot_parts(edges: Sequence[str] = ("Seoul", "Tokyo", "Singapore"), *, title: str = "The parts of CloudFront"):
    """Users -> edge locations -> a regional edge cache -> origins, all under one distribution."""
    if not edges or len(edges) > 5:
        raise InputError("give 1 to 5 edge location names, like ('Seoul', 'Tokyo').")
    fig, ax = plt.subplots(figsize=(9, 4.2))
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.2, len(edges) + 0.2)
    ys = [len(edges) - 0.5 - i for i in range(len(edges))]
    mid = len(edges) / 2
    for y, name in zip(ys, edges):
        _box(ax, 0.8, y, 1.3, 0.5, f"users\nnear {name}", "#e2e8f0")
        _box(ax, 3.4, y, 1.8, 0.55, f"edge location\n{name}", "#bfdbfe")
        _arrow(ax, (1.45, y), (2.5, y), "~5 ms")
        _arrow(ax, (4.3, y), (5.35, mid), "")
    _box(ax, 6.3, mid, 1.9, 0.8, "regional\nedge cache", "#fed7aa")
    _box(ax, 9.0, mid + 0.6, 1.6, 0.55, "origin: S3\n(static files)", "#bbf7d0")
    _box(ax, 9.0, mid - 0.6, 1.6, 0.55, "origin: ELB/EC2\n(/api/*)", "#bbf7d0")
    _arrow(ax, (7.25, mid + 0.1), (8.2, mid + 0.6), "~150 ms")
    _arrow(ax, (7.25, mid - 0.1), (8.2, mid - 0.6), "")
    ax.add_patch(FancyBboxPatch((2.3, -0.1), 5.1, len(edges) + 0.1, boxstyle="round,pad=0.02", fc="none",
                                ec="#2563eb", ls="--"))
    ax.text(4.85, len(edges) + 0.02, "distribution d1a2b3c4d5e6f7.cloudfront.net: behaviors, cache policies, HTTPS",
            ha="center", fontsize=8, color="#2563eb")
    ax.set_axis_off()
    ax.set_title(title)
    fig.tight_layout()
    return fig


def sweep_points(series: Mapping[str, Sequence[Stats]], metric: str) -> dict[str, list[float]]:
    """The y values of one metric for each series of sweep results."""
    if metric not in METRICS:
        raise InputError(f"metric is one of {', '.join(METRICS)}; got {metric!r}.")
    if not isinstance(series, Mapping) or not series:
        raise InputError("give the sweeps as a dict like {'with regional cache': sweep(...)}.")
    return {name: [METRICS[metric][1](s) for s in runs] for name, runs in series.items()}


def plot_sweep(series: Mapping[str, Sequence[Stats]], xs: Sequence[float], *, xlabel: str = "TTL (s)",
               metrics: Sequence[str] = ("hit_ratio", "origin_rps", "mean_ms", "stale_share"), log_x: bool = True,
               title: str = ""):
    """One panel per metric, one line per series, against the swept setting."""
    if isinstance(metrics, str) or not metrics:
        raise InputError(f"metrics is a list of some of {', '.join(METRICS)}, like ['hit_ratio'].")
    points = {metric: sweep_points(series, metric) for metric in metrics}  # checked before drawing
    for name, ys in points[metrics[0]].items():
        if len(ys) != len(xs):
            raise InputError(f"series {name!r} has {len(ys)} results for {len(xs)} settings.")
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.3 * len(metrics), 3.3))
    axes = [axes] if len(metrics) == 1 else list(axes)
    for ax, metric in zip(axes, metrics):
        for index, (name, ys) in enumerate(points[metric].items()):
            ax.plot(xs, ys, marker="o", color=COLOURS[index % len(COLOURS)], label=name)
        if log_x:
            ax.set_xscale("log")
        ax.set_xlabel(xlabel)
        ax.set_title(METRICS[metric][0], fontsize=9)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
