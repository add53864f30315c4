"""Pictures for lesson 10: where requests went, cross-zone shares, health checks, Auto Scaling.

Every function takes data from helpers.sim.loadbalancer / helpers.sim.autoscaling (or a live
lab's counts) and returns a matplotlib Figure; a notebook cell ends with plt.show().
"""
from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch
from matplotlib.ticker import MaxNLocator

from helpers.errors import InputError
from helpers.sim.autoscaling import ScalingRun
from helpers.sim.loadbalancer import HealthTimeline, Simulation, cross_zone_shares, percent

AZ_COLOURS = ["#2563eb", "#d97706", "#059669", "#7c3aed"]
SERIES_COLOURS = ["#2563eb", "#f97316", "#10b981", "#a855f7"]


def _as_counts(value) -> tuple[dict[str, int], dict[str, str]]:
    if isinstance(value, Simulation):
        return value.as_dict(), dict(value.azs)
    if isinstance(value, Mapping):
        return {str(k): int(v) for k, v in value.items()}, {}
    raise InputError("give counts as a simulation result or a dict like {'web1': 4, 'web2': 4}.")


def plot_counts(data, *, title: str = "Requests per target", share: bool = False,
                targets: Sequence[str] | None = None):
    """Bars of requests per target. data: one simulation/dict, or {label: simulation/dict} to compare;
    targets picks (and orders) the targets to show."""
    if isinstance(data, Mapping) and data and all(isinstance(v, (Simulation, Mapping)) for v in data.values()):
        series = {str(label): _as_counts(value) for label, value in data.items()}
    else:
        series = {"": _as_counts(data)}
    chosen = list(targets) if targets is not None else None
    targets = []
    azs: dict[str, str] = {}
    for counts, zones in series.values():
        targets += [t for t in counts if t not in targets]
        azs.update(zones)
    if chosen is not None:
        unknown = [t for t in chosen if t not in targets]
        if unknown:
            raise InputError(f"no counts for {', '.join(unknown)}; the targets are {', '.join(targets)}.")
        targets = chosen
    fig, ax = plt.subplots(figsize=(min(11.0, max(6.0, 0.7 * len(targets) * len(series) + 2)), 3.6))
    width = 0.8 / len(series)
    zone_names = sorted(set(azs.values()))
    for number, (label, (counts, _)) in enumerate(series.items()):
        total = sum(counts.values()) or 1
        values = [counts.get(t, 0) / total * 100 if share else counts.get(t, 0) for t in targets]
        xs = [i + (number - (len(series) - 1) / 2) * width for i in range(len(targets))]
        if len(series) == 1 and zone_names:
            colours = [AZ_COLOURS[zone_names.index(azs[t]) % len(AZ_COLOURS)] if t in azs else "#64748b"
                       for t in targets]
        else:
            colours = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        bars = ax.bar(xs, values, width=width * 0.95, color=colours, label=label or None)
        for bar, value in zip(bars, values):
            text = f"{value:.1f}%" if share else f"{value:g}"
            ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom",
                        fontsize=8, xytext=(0, 2), textcoords="offset points")
    ax.set_xticks(range(len(targets)))
    ax.set_xticklabels([f"{t}\n(AZ {azs[t]})" if t in azs else t for t in targets])
    ax.set_ylabel("share of requests (%)" if share else "requests")
    ax.set_title(title)
    if len(series) > 1:
        ax.legend()
    elif zone_names:
        handles = [plt.Rectangle((0, 0), 1, 1, color=AZ_COLOURS[i % len(AZ_COLOURS)]) for i in range(len(zone_names))]
        ax.legend(handles, [f"AZ {z}" for z in zone_names], loc="upper right")
    ax.margins(y=0.35 if len(series) > 1 else 0.2)  # room above the bars for the legend
    fig.tight_layout()
    return fig


def plot_cross_zone(targets_by_az: Mapping, *, title: str | None = None):
    """Two panels, cross-zone off and on: nodes, targets and the share each target gets."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.4))
    for ax, cross in zip(axes, (False, True)):
        shares = cross_zone_shares(dict(targets_by_az), cross)
        _draw_zones(ax, shares)
        ax.set_title(f"cross-zone {'ON' if cross else 'OFF'}: {percent(shares.crossing)} of traffic crosses AZs")
    fig.suptitle(title or "Cross-zone load balancing: who gets how much", fontweight="bold")
    fig.tight_layout()
    return fig


def _draw_zones(ax, shares) -> None:
    zones = list(shares.targets)
    width = 1.0 / len(zones)
    positions: dict[str, tuple[float, float]] = {}
    nodes: dict[str, tuple[float, float]] = {}
    for i, az in enumerate(zones):
        left = i * width + 0.02
        colour = AZ_COLOURS[i % len(AZ_COLOURS)]
        ax.add_patch(FancyBboxPatch((left, 0.03), width - 0.04, 0.9, boxstyle="round,pad=0.005",
                                    facecolor=colour, alpha=0.07, edgecolor=colour))
        ax.text(left + 0.01, 0.89, f"AZ {az}", color=colour, fontweight="bold", va="top", fontsize=10)
        centre = left + (width - 0.04) / 2
        if az in shares.node_share:
            nodes[az] = (centre, 0.74)
            ax.text(centre, 0.74, f"LB node\n{percent(shares.node_share[az])} of clients", ha="center",
                    va="center", fontsize=9, bbox=dict(boxstyle="round", facecolor="white", edgecolor=colour))
        names = shares.targets[az]
        for k, name in enumerate(names):
            x = left + (k + 0.5) * (width - 0.04) / max(1, len(names))
            positions[name] = (x, 0.18)
            ax.text(x, 0.18, f"{name}\n{percent(shares.target_share[name])}", ha="center", va="center",
                    fontsize=8 if len(names) < 6 else 7,
                    bbox=dict(boxstyle="round", facecolor="white", edgecolor=colour))
    for az, (nx, ny) in nodes.items():
        for target_az, names in shares.targets.items():
            if target_az != az and not shares.cross_zone:
                continue
            for name in names:
                tx, ty = positions[name]
                crossing = target_az != az
                ax.annotate("", xy=(tx, ty + 0.06), xytext=(nx, ny - 0.06),
                            arrowprops=dict(arrowstyle="->", lw=0.8, alpha=0.6,
                                            color="#dc2626" if crossing else "#334155",
                                            linestyle="--" if crossing else "-"))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")


def plot_health(timeline: HealthTimeline, *, down: Sequence[tuple[float, float]] = (), title: str | None = None):
    """Each health check as a dot (pass/fail) above the target's state (in service or out)."""
    fig, ax = plt.subplots(figsize=(9, 2.8))
    results = timeline.results
    end = results[-1].time + timeline.check.interval
    for start, stop in down:
        ax.axvspan(start, min(stop, end), color="#fecaca", alpha=0.6, label="target down")
    times = [r.time for r in results]
    passed = [r.passed for r in results]
    ax.scatter([t for t, p in zip(times, passed) if p], [1] * sum(passed), color="#16a34a", label="check passed",
               zorder=3)
    ax.scatter([t for t, p in zip(times, passed) if not p], [1] * (len(passed) - sum(passed)), color="#dc2626",
               marker="x", label="check failed", zorder=3)
    states = [1 if r.state == "healthy" else 0 for r in results]
    ax.step(times + [end], [0.5 * s for s in states] + [0.5 * states[-1]], where="post", color="#0f172a",
            label="in service (up) / out (down)")
    for t, old, new in timeline.changes:
        ax.annotate(f"{new} at {t:g} s", (t, 0.55 if new == "healthy" else 0.05), fontsize=8)
    ax.set_yticks([0, 0.5, 1])
    ax.set_yticklabels(["out", "in", "checks"])
    ax.set_xlabel("seconds")
    ax.set_ylim(-0.2, 1.3)
    ax.set_title(title or timeline.check.describe(), fontsize=10)
    ax.legend(loc="upper right", fontsize=7, ncol=4, bbox_to_anchor=(1, 1.42))
    fig.tight_layout()
    return fig


def plot_autoscaling(runs: ScalingRun | Sequence[ScalingRun], *, cpu_lines: Sequence[float] = (),
                     title: str = "A day of Auto Scaling"):
    """Load and capacity, CPU, and instances over the day for one or more policies."""
    if isinstance(runs, ScalingRun):
        runs = [runs]
    if not runs:
        raise InputError("give at least one simulate_day(...) result to plot.")
    fig, (top, middle, bottom) = plt.subplots(3, 1, figsize=(10, 7.5), sharex=True)
    hours = [m / 60 for m in range(len(runs[0].load))]
    top.plot(hours, runs[0].load, color="#0f172a", lw=1, label="requests per second")
    for number, run in enumerate(runs):
        colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        capacity = [n * run.group.capacity for n in run.in_service]
        top.step(hours, capacity, where="post", color=colour, lw=1.2, label=f"capacity: {run.policy}")
        middle.plot(hours, run.cpu, color=colour, lw=0.8, label=run.policy)
        bottom.step(hours, run.total, where="post", color=colour, lw=1.4, label=run.policy)
        for minute, kind, old, new, _ in run.events:
            bottom.scatter([minute / 60], [new], marker="^" if kind == "out" else "v", color=colour, s=18, zorder=3)
    overloaded = [h for h, u in zip(hours, runs[0].unserved) if u > 0]
    if overloaded and len(runs) == 1:
        top.scatter(overloaded, [runs[0].load[int(h * 60)] for h in overloaded], s=6, color="#dc2626",
                    label="more requests than capacity", zorder=3)
    for line in cpu_lines:
        middle.axhline(line, color="#64748b", ls="--", lw=0.8)
    bottom.axhline(runs[0].group.min_size, color="#64748b", ls=":", lw=0.8)
    bottom.text(0.1, runs[0].group.min_size + 0.2, "base size (min)", fontsize=8, color="#64748b")
    top.set_ylabel("requests/s")
    middle.set_ylabel("CPU %")
    middle.set_ylim(0, 105)
    bottom.set_ylabel("instances")
    bottom.yaxis.set_major_locator(MaxNLocator(integer=True))
    bottom.set_xlabel("hour of the day")
    bottom.set_xticks(range(0, 25, 3))
    top.legend(fontsize=7, loc="upper left")
    if len(runs) > 1:
        bottom.legend(fontsize=7, loc="upper left")
    top.set_title(title)
    fig.tight_layout()
    return fig
