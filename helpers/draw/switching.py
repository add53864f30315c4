"""Pictures for lesson 04: a switch (or hub) handling one frame, collisions as stations grow, a
CSMA/CD timeline, and longest-prefix match drawn on the address line.

    draw_switch_step(trace, 0, hosts_by_port)   # step 1 of a LearningSwitch/Hub trace
    step_widget(trace, hosts_by_port)           # a slider through the steps (a widget factory)
    draw_collisions(sweep(...), sweep(..., shared=False))
    draw_csma_timeline(simulate(3, 80, load=0.08, seed=2, trace=True))
    draw_prefix_match(router.lookup("10.20.30.5"))

The data behind each picture comes from helpers.sim (tested there); ``switch_step_view`` and
``prefix_spans`` are the pure parts of the pictures here.
"""
from __future__ import annotations

import math

from helpers.errors import InputError

__all__ = ["switch_step_view", "draw_switch_step", "step_widget", "draw_collisions", "draw_csma_timeline",
           "prefix_spans", "draw_prefix_match", "STATE_COLOURS"]

ACTION_COLOURS = {"forward": "#15803d", "flood": "#d97706", "filter": "#6b7280", "repeat": "#dc2626"}
STATE_COLOURS = {"send": "#22c55e", "collide": "#dc2626", "defer": "#fde68a", "backoff": "#c4b5fd", "idle": "#ffffff"}


def switch_step_view(trace, index: int, hosts_by_port: dict[str, str]) -> dict:
    """What the picture of one step shows: ports with hosts, the incoming port, the outgoing ones."""
    if not 0 <= index < len(trace):
        raise InputError(f"There are {len(trace)} steps (0 to {len(trace) - 1}); {index} is not one of them.")
    step = trace[index]
    ports = list(trace.device.ports)
    unknown = [p for p in ports if p not in hosts_by_port]
    if unknown:
        raise InputError(f"Say which node sits on every port; {unknown[0]} has none in hosts_by_port.")
    names = trace.device.names
    table = [(names.get(mac, mac), port) for mac, port in step.table]
    return {"title": f"Step {step.number}: {names.get(step.frame.src, step.frame.src)} → "
                     f"{names.get(step.frame.dst, 'broadcast' if step.frame.dst.startswith('ff:ff') else step.frame.dst)}"
                     f" arrives on {step.in_port}: {step.action.upper()}",
            "ports": [(p, hosts_by_port[p]) for p in ports], "in_port": step.in_port,
            "out_ports": list(step.out_ports), "action": step.action, "reason": step.reason, "table": table,
            "kind": trace.device.kind}


def draw_switch_step(trace, index: int, hosts_by_port: dict[str, str]):
    """The device in the middle, a node on each port; the frame's way in (blue) and out (colour of the action)."""
    import matplotlib.pyplot as plt

    view = switch_step_view(trace, index, hosts_by_port)
    fig, ax = plt.subplots(figsize=(10, 4.3))
    ports = view["ports"]
    count = len(ports)
    centre = (3.0, 2.0)
    ax.add_patch(plt.Rectangle((2.2, 1.55), 1.6, 0.9, facecolor="#dcfce7" if view["kind"] == "switch" else "#fee2e2",
                               edgecolor="#374151", linewidth=1.5))
    ax.text(*centre, f"{trace.device.name}\n({view['kind']})", ha="center", va="center", fontweight="bold")
    colour = ACTION_COLOURS[view["action"]]
    for i, (port, node) in enumerate(ports):
        angle = math.pi / 2 + 2 * math.pi * i / count
        x, y = centre[0] + 2.2 * math.cos(angle) * 1.1, centre[1] + 1.55 * math.sin(angle)
        edge = (centre[0] + 0.8 * math.cos(angle), centre[1] + 0.45 * math.sin(angle))
        if port == view["in_port"]:
            style, lw = "#2563eb", 3
        elif port in view["out_ports"]:
            style, lw = colour, 3
        else:
            style, lw = "#d1d5db", 1.5
        ax.plot([edge[0], x], [edge[1], y], color=style, linewidth=lw, zorder=1)
        if port == view["in_port"]:
            ax.annotate("", xy=edge, xytext=((x + edge[0]) / 2, (y + edge[1]) / 2),
                        arrowprops={"arrowstyle": "-|>", "color": style, "lw": 2})
        elif port in view["out_ports"]:
            ax.annotate("", xy=((x + edge[0]) / 2, (y + edge[1]) / 2), xytext=edge,
                        arrowprops={"arrowstyle": "-|>", "color": style, "lw": 2})
        ax.add_patch(plt.Circle((x, y), 0.32, facecolor="#dbeafe", edgecolor="#1d4ed8", zorder=2))
        ax.text(x, y, node, ha="center", va="center", fontsize=9, fontweight="bold", zorder=3)
        ax.text((x + edge[0]) / 2 + 0.12, (y + edge[1]) / 2 + 0.1, port, fontsize=7, color="#374151")
    lines = ["MAC table after this frame:"] + [f"  {who:<8} {port}" for who, port in view["table"]]
    if view["kind"] == "hub":
        lines = ["A hub keeps no MAC table."]
    elif not view["table"]:
        lines.append("  (empty)")
    ax.text(6.6, 3.6, "\n".join(lines), va="top", family="monospace", fontsize=9)
    ax.text(6.6, 0.5, _wrap(view["reason"], 44), va="bottom", fontsize=9, color=colour)
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 4)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(view["title"], fontsize=11)
    fig.tight_layout()
    return fig


def _wrap(text: str, width: int) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if len(line) + len(word) + 1 > width and line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def step_widget(trace, hosts_by_port: dict[str, str]):
    """A slider over the steps of a trace, redrawing the picture of the chosen step."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    slider = widgets.IntSlider(value=1, min=1, max=len(trace), description="Frame", continuous_update=False)
    out = widgets.Output()

    def show(change=None):
        out.clear_output(wait=True)
        with out:
            draw_switch_step(trace, slider.value - 1, hosts_by_port)
            plt.show()

    slider.observe(show, names="value")
    show()
    return widgets.VBox([slider, out])


def draw_collisions(shared, switched=None):
    """Collision rate and useful load against the number of stations: one hub vs one switch."""
    import matplotlib.pyplot as plt

    if not shared:
        raise InputError("Give the results of sweep(...) for the hub (shared medium).")
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    stations = [r.stations for r in shared]
    left.plot(stations, [100 * r.collision_rate for r in shared], "o-", color="#dc2626", label="hub (shared)")
    right.plot(stations, [100 * r.utilisation for r in shared], "o-", color="#dc2626", label="hub: medium busy")
    right.plot(stations, [100 * min(1.0, r.offered * r.frame_slots / r.slots) for r in shared], "--",
               color="#6b7280", label="offered traffic")
    if switched:
        left.plot([r.stations for r in switched], [100 * r.collision_rate for r in switched], "s-",
                  color="#15803d", label="switch (port each)")
        right.plot([r.stations for r in switched],
                   [100 * min(1.0, r.delivered * r.frame_slots / r.slots) for r in switched], "s-",
                   color="#15803d", label="switch: delivered (per hub's worth)")
    left.set_xlabel("stations")
    left.set_ylabel("% of attempts that collided")
    left.set_title("Collisions")
    right.set_xlabel("stations")
    right.set_ylabel("% of the medium's capacity")
    right.set_title("Useful traffic")
    left.legend(fontsize=8)
    right.legend(fontsize=8)
    fig.tight_layout()
    return fig


def draw_csma_timeline(result):
    """One row per station, one column per slot: sending, colliding, deferring, backing off."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    if result.timeline is None:
        raise InputError("Run the simulation with trace=True to draw its timeline.")
    fig, ax = plt.subplots(figsize=(11, 0.55 * result.stations + 1.4))
    for s, row in enumerate(result.timeline):
        for t, state in enumerate(row):
            if state != "idle":
                ax.add_patch(plt.Rectangle((t, s + 0.1), 1, 0.8, facecolor=STATE_COLOURS[state], edgecolor="none"))
    ax.set_xlim(0, result.slots)
    ax.set_ylim(0, result.stations)
    ax.set_yticks([s + 0.5 for s in range(result.stations)])
    ax.set_yticklabels([f"station {s + 1}" for s in range(result.stations)])
    ax.set_xlabel("time (slots)")
    ax.grid(False)
    ax.legend(handles=[Patch(color=STATE_COLOURS[k], label=k) for k in ("send", "collide", "defer", "backoff")],
              ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.35), fontsize=8)
    ax.set_title("CSMA/CD on one hub: listen, send, collide, back off")
    fig.tight_layout()
    return fig


def prefix_spans(lookup) -> list[tuple[str, int, int, bool]]:
    """(label, first address, last address, chosen) for each route that matched, longest first."""
    return [(route.line(), int(route.destination.first), int(route.destination.last), route is lookup.chosen)
            for route in lookup.candidates]


def draw_prefix_match(lookup, *, zoom: int = 8):
    """Each matching route as a span of addresses (log-scaled around the destination); the winner is
    the narrowest span that still covers the destination."""
    import matplotlib.pyplot as plt

    spans = prefix_spans(lookup)
    if not spans:
        raise InputError(f"No route matches {lookup.destination}, so there is nothing to draw.")
    target = int(lookup.destination)
    fig, ax = plt.subplots(figsize=(10, 0.7 * len(spans) + 1.4))
    for row, (label, first, last, chosen) in enumerate(spans):
        # Width on a log scale of the span size, centred on where the destination sits inside it.
        size = last - first + 1
        width = math.log2(size) + 1
        position = (target - first) / size
        left = -width * position
        ax.barh(row, width, left=left, height=0.55, color="#22c55e" if chosen else "#e5e7eb",
                edgecolor="#374151")
        ax.text(left + width + 0.3, row, f"{label}   (/{32 - int(math.log2(size))}, {size:,} addresses)",
                va="center", fontsize=8, fontweight="bold" if chosen else "normal")
    ax.axvline(0, color="#dc2626", linewidth=2)
    ax.text(0, len(spans) - 0.3, f" {lookup.destination}", color="#dc2626", fontsize=9)
    ax.set_yticks([])
    ax.set_xticks([])
    ax.invert_yaxis()
    ax.set_xlim(-34, 45)
    ax.grid(False)
    ax.set_title("Longest-prefix match: the narrowest route covering the address wins", fontsize=10)
    fig.tight_layout()
    return fig
