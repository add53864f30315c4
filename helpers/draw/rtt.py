"""Round-trip time along a path: how far each hop is, and which stretch adds the most."""
from __future__ import annotations

from helpers.sim.ping import segments


def rtt_staircase(hops, *, source: str = "h1", title: str = "Round-trip time to each hop"):
    """Bars of the RTT to every hop; the stretch that adds the most is drawn in red.

    `hops` is [(name, rtt_ms), ...] in path order (see helpers.sim.ping.segments).
    """
    import matplotlib.pyplot as plt

    parts = segments(hops, source=source)
    slowest = max(range(len(parts)), key=lambda i: parts[i].added_ms)
    names = [name for name, _ in hops]
    totals = [rtt for _, rtt in hops]
    fig, ax = plt.subplots(figsize=(8, 3.6))
    bottom = 0.0
    for i, (part, total) in enumerate(zip(parts, totals)):
        ax.bar(i, bottom, color="#cbd5e1", width=0.6)
        ax.bar(i, part.added_ms, bottom=bottom, width=0.6,
               color="#dc2626" if i == slowest else "#2563eb")
        ax.text(i, total + max(totals) * 0.02, f"+{part.added_ms:.0f} ms", ha="center", va="bottom", fontsize=9)
        bottom = total
    ax.set_xticks(range(len(names)), [f"{source} → {n}" for n in names])
    ax.set_ylabel("RTT (ms)")
    ax.set_ylim(0, max(totals) * 1.18 + 1)
    ax.set_title(title)
    ax.grid(axis="x", visible=False)
    fig.tight_layout()
    return fig
