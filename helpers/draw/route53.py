"""Pictures for lesson 11 (Route 53): answer shares, latency by location, failover over time.

Each function takes data from helpers.sim.route53 (or a live lab's counts) and returns a matplotlib
Figure; a notebook cell ends with plt.show().
"""
from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt

from helpers.errors import InputError
from helpers.sim.route53 import HEALTHY_SHARE, LATENCY_MS, LOCATIONS, REGIONS, HealthCheck, HostedZone, Tally, Timeline

COLOURS = ["#2563eb", "#f97316", "#10b981", "#a855f7", "#64748b"]


def _counts(value) -> dict[str, int]:
    if isinstance(value, Tally):
        return value.as_dict()
    if hasattr(value, "tally"):  # a live lab's Counted
        return value.tally.as_dict()
    if isinstance(value, Mapping):
        return {str(k): int(v) for k, v in value.items()}
    raise InputError("give answer counts as a Tally (zone.simulate), a lab count, or a dict like "
                     "{'203.0.113.10': 75}.")


def plot_shares(series: Mapping[str, object] | Tally, *, expected: Mapping[str, float] | None = None,
                labels: Mapping[str, str] | None = None, title: str = "Share of answers"):
    """Bars of the share of answers per value, one bar per series ({"model": tally, "live": counted}),
    with the expected share as a black tick."""
    if isinstance(series, Tally) or hasattr(series, "tally"):
        series = {"": series}
    if not isinstance(series, Mapping) or not series:
        raise InputError("give one Tally, or a dict of them like {'model': tally, 'live': counted}.")
    data = {name: _counts(value) for name, value in series.items()}
    first = next(iter(series.values()))
    tally = first if isinstance(first, Tally) else getattr(first, "tally", None)
    if expected is None and tally is not None:
        expected = tally.expected
    if labels is None and tally is not None:
        labels = tally.labels
    values = list(dict.fromkeys([v for counts in data.values() for v in counts] + list(expected or {})))
    fig, ax = plt.subplots(figsize=(8, 3.6))
    width = 0.8 / len(data)
    for index, (name, counts) in enumerate(data.items()):
        total = sum(counts.values()) or 1
        xs = [i - 0.4 + width * (index + 0.5) for i in range(len(values))]
        shares = [counts.get(v, 0) / total * 100 for v in values]
        ax.bar(xs, shares, width * 0.9, color=COLOURS[index % len(COLOURS)],
               label=f"{name} ({total} answers)" if name else f"{total} answers")
        for x, share in zip(xs, shares):
            ax.annotate(f"{share:.0f}%", (x, share), ha="center", va="bottom", fontsize=8)
    if expected:
        for i, value in enumerate(values):
            if value in expected:
                share = float(expected[value]) * 100
                ax.plot([i - 0.45, i + 0.45], [share, share], color="black", lw=2,
                        label="expected" if i == 0 else None)
    ax.set_xticks(range(len(values)))
    ax.set_xticklabels([f"{v}\n{labels.get(v, '')}" if labels else v for v in values], fontsize=9)
    ax.set_ylabel("% of answers")
    ax.set_ylim(0, 105)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    return fig


def plot_latency(zone: HostedZone, name: str, *, locations: Sequence[str] = LOCATIONS, rtype: str = "A"):
    """For each resolver location: the round trip to each region that has a latency record, and
    which one Route 53 answers (the lowest, among healthy records)."""
    group = [r for r in zone.group(name, rtype) if r.policy == "latency"]
    if not group:
        raise InputError(f"{zone.fqdn(name)} has no latency records to draw.")
    regions = [r.region for r in group]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(locations) + 1.4))
    height = 0.8 / len(regions)
    for index, region in enumerate(regions):
        ys = [i - 0.4 + height * (index + 0.5) for i in range(len(locations))]
        ax.barh(ys, [LATENCY_MS[place][region] for place in locations], height * 0.9,
                color=COLOURS[index % len(COLOURS)], label=f"{region} ({REGIONS[region].split('(')[-1].rstrip(')')})")
    for i, place in enumerate(locations):
        chosen = zone.answer(name, rtype, location=place).chosen[0]
        region = next(r.region for r in group if r.label == chosen)
        ax.annotate(f"→ {region}", (max(LATENCY_MS[place][r] for r in regions) + 5, i), va="center", fontsize=8)
    ax.set_yticks(range(len(locations)))
    ax.set_yticklabels(locations)
    ax.invert_yaxis()
    ax.set_xlabel("round trip from the resolver's location (ms)")
    ax.set_title(f"Latency routing for {zone.fqdn(name)}: the lowest round trip wins")
    ax.set_xlim(0, max(LATENCY_MS[p][r] for p in locations for r in regions) * 1.3)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12 - 1.0 / len(locations)), ncol=len(regions))
    fig.tight_layout()
    return fig


def plot_timeline(timeline: Timeline, *, title: str | None = None):
    """The endpoint's real state, the health check's verdict and Route 53's answer over time, with
    the TTL after each change (when resolvers may still hand out the old answer)."""
    if not isinstance(timeline, Timeline) or not timeline.rows:
        raise InputError("give a Timeline, like zone.timeline('site', until=300).")
    times = [row[0] for row in timeline.rows]
    checks = list(timeline.rows[0][1])
    labels = list(dict.fromkeys(row[4] for row in timeline.rows))
    fig, ax = plt.subplots(figsize=(9, 3.2))
    lanes = []
    for offset, check in enumerate(checks):
        base = 2 * len(checks) - 2 * offset
        ax.step(times, [base + 0.6 * row[1][check] for row in timeline.rows], where="post", color="#dc2626")
        ax.step(times, [base - 1 + 0.6 * row[2][check] for row in timeline.rows], where="post", color="#d97706")
        lanes += [(base + 0.3, f"{check}: endpoint up?"), (base - 0.7, f"{check}: health check healthy?")]
    ax.step(times, [-1 + 0.6 * labels.index(row[4]) / max(1, len(labels) - 1) for row in timeline.rows],
            where="post", color="#2563eb", lw=2)
    lanes.append((-0.7, "answer: " + " / ".join(labels)))
    for t, old, new in timeline.changes():
        ax.axvspan(t, t + timeline.ttl, color="#bfdbfe", alpha=0.5)
        ax.annotate(f"{new} from {t:g} s\n(old answer cached ≤ {timeline.ttl} s)", (t, -1.45), fontsize=7)
    ax.set_yticks([y for y, _ in lanes])
    ax.set_yticklabels([text for _, text in lanes], fontsize=8)
    ax.set_ylim(-1.6, 2 * len(checks) + 1)
    ax.set_xlabel("seconds")
    ax.set_title(title or f"{timeline.name} over time")
    fig.tight_layout()
    return fig


def plot_checkers(check: HealthCheck, *, until: float, title: str | None = None):
    """The share of health checkers that consider the endpoint healthy, against the 18% line."""
    rounds = check.rounds(until)
    times = [r.time for r in rounds]
    fig, ax = plt.subplots(figsize=(8, 2.8))
    ax.step(times, [r.passing_share * 100 for r in rounds], where="post", color="#94a3b8",
            label="checkers whose last request passed")
    ax.step(times, [r.healthy_share * 100 for r in rounds], where="post", color="#2563eb", lw=2,
            label="checkers that say healthy")
    ax.axhline(HEALTHY_SHARE * 100, color="#dc2626", ls="--", label="18%: healthy only above this line")
    for r_prev, r in zip(rounds, rounds[1:]):
        if r.healthy != r_prev.healthy:
            ax.annotate("healthy" if r.healthy else "unhealthy", (r.time, 50), fontsize=8, rotation=90)
    ax.set_ylim(-5, 105)
    ax.set_ylabel("% of checkers")
    ax.set_xlabel("seconds")
    ax.set_title(title or check.describe(), fontsize=10)
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig
