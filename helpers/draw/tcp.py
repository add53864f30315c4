"""A TCP exchange as a ladder diagram: the client on the left, the server on the right, one arrow
per segment going down the page in time order (the classic picture of the handshake and close)."""
from __future__ import annotations


def ladder(rows, *, client: str = "client", server: str = "server", title: str = "TCP, segment by segment"):
    """`rows` are (direction, flags, ports, seq, ack) as helpers.experiments.l06.handshake_rows gives."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.55 * len(rows) + 1.4))
    top, step = 0.0, 1.0
    for x, name in ((0, client), (1, server)):
        ax.plot([x, x], [top + 0.4, -(len(rows) + 0.2) * step], color="#64748b", linewidth=2)
        ax.text(x, top + 0.55, name, ha="center", va="bottom", fontsize=11, fontweight="bold")
    colors = {"SYN": "#2563eb", "FIN": "#c2410c", "RST": "#dc2626"}
    for i, (direction, flags, _ports, seq, ack) in enumerate(rows):
        rightwards = direction.endswith("→ server")
        y0 = -(i + 0.1) * step
        y1 = y0 - 0.6 * step
        start, end = (0, 1) if rightwards else (1, 0)
        color = next((c for key, c in colors.items() if key in flags), "#475569")
        ax.annotate("", xy=(end, y1), xytext=(start, y0),
                    arrowprops={"arrowstyle": "->", "color": color, "linewidth": 1.8})
        ax.text(0.5, (y0 + y1) / 2 + 0.08, f"{flags}  seq={seq} ack={ack}", ha="center", va="bottom",
                fontsize=9, color=color,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})
    ax.set_xlim(-0.35, 1.35)
    ax.set_ylim(-(len(rows) + 0.4) * step, top + 1.0)
    ax.axis("off")
    ax.set_title(title)
    fig.tight_layout()
    return fig
