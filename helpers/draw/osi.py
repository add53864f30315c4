"""Pictures for the OSI lesson: the layer stack, encapsulation of a real frame, bits as signals,
and a TCP/UDP exchange as a ladder diagram. Each function returns a matplotlib Figure; the data
behind each picture comes from a pure function next to it (tested in tests/test_osi.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from helpers import osi
from helpers.errors import InputError

__all__ = ["LAYER_COLOURS", "Segment", "Row", "encapsulation_rows", "draw_encapsulation", "draw_osi_stack",
           "signal_steps", "draw_encoding", "draw_exchange"]

LAYER_COLOURS = {1: "#e5e7eb", 2: "#bfdbfe", 3: "#bbf7d0", 4: "#fde68a", 5: "#fbcfe8", 6: "#ddd6fe",
                 7: "#fecaca"}
FCS_BYTES = 4  # the Ethernet trailer (frame check sequence); the card adds and strips it
PREAMBLE_BYTES = 8  # preamble and start-of-frame delimiter, sent before every frame


@dataclass(frozen=True)
class Segment:
    label: str
    size: int  # bytes
    layer: int  # which layer's header (or data) this is


@dataclass(frozen=True)
class Row:
    layer: int
    pdu: str  # what this layer calls its unit: frame, packet, segment ...
    segments: tuple[Segment, ...]

    @property
    def size(self) -> int:
        return sum(s.size for s in self.segments)


def encapsulation_rows(layers) -> list[Row]:
    """Rows of the encapsulation picture, top (application) to bottom (bits on the wire).

    `layers` is a dissection (helpers.packets.dissect) or (osi_number, name, header_bytes) tuples,
    outside in, e.g. [(2, "Ethernet", 14), (3, "IPv4", 20), (4, "TCP", 32), (7, "HTTP", 74)].
    Each lower row is its own header followed by the whole row above: that is encapsulation.
    """
    parsed = []
    for layer in layers:
        if isinstance(layer, tuple):
            number, name, size = layer
        else:
            number, name, size = layer.osi, layer.name, layer.header_bytes
        parsed.append((int(number), str(name), int(size)))
    if not parsed:
        raise InputError("Give the frame's layers, outside in, like [(2, 'Ethernet', 14), (3, 'IPv4', 20)].")
    numbers = [n for n, _, _ in parsed]
    if numbers != sorted(numbers) or len(set(numbers)) != len(numbers):
        raise InputError("List the layers from the outside in (Ethernet first), one per OSI layer.")
    rows: list[Row] = []
    inner: tuple[Segment, ...] = ()
    for number, name, size in reversed(parsed):
        if number == 7 or not inner and number >= 5:
            own = (Segment(f"{name} data", size, number),)
        else:
            own = (Segment(f"{name} header", size, number),)
        segments = own + inner
        if number == 2:
            segments = segments + (Segment("FCS", FCS_BYTES, 2),)
        rows.append(Row(number, osi.layer(number).pdu or "data", segments))
        inner = segments
    if parsed[0][0] == 2:
        frame = rows[-1]
        rows.append(Row(1, "bit", (Segment("preamble", PREAMBLE_BYTES, 1),
                                   Segment(f"the frame as {frame.size * 8} bits", frame.size, 1))))
    return rows


def draw_encapsulation(layers, title: str = "Encapsulation: every layer wraps the one above"):
    """Stacked bars, one per layer: header + everything from above (+ trailer) = this layer's PDU."""
    import matplotlib.pyplot as plt

    rows = encapsulation_rows(layers)
    widest = max(r.size for r in rows)
    fig, ax = plt.subplots(figsize=(10, 0.75 * len(rows) + 1))
    for index, row in enumerate(rows):
        y = len(rows) - 1 - index
        x = 0.0
        for segment in row.segments:
            ax.barh(y, segment.size, left=x, height=0.6, color=LAYER_COLOURS[segment.layer],
                    edgecolor="#374151", linewidth=0.8)
            share = segment.size / widest
            label = segment.label if share > 0.12 else segment.label.split()[0]
            text = f"{label}\n{segment.size} B"
            if share > 0.07:
                ax.text(x + segment.size / 2, y, text, ha="center", va="center", fontsize=8)
            x += segment.size
        ax.text(widest * 1.01, y, f"L{row.layer} {osi.layer(row.layer).name}: {row.pdu}, {row.size} bytes",
                va="center", fontsize=9)
    ax.set_xlim(0, widest * 1.45)
    ax.set_yticks([])
    ax.set_xlabel("bytes")
    ax.set_title(title)
    ax.grid(False)
    fig.tight_layout()
    return fig


def draw_osi_stack(highlight: int | None = None):
    """The seven layers as a stack, each with its PDU and typical devices."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4.6))
    for row in osi.LAYERS:
        y = row.number - 1
        edge = "#dc2626" if row.number == highlight else "#374151"
        ax.add_patch(plt.Rectangle((0, y + 0.05), 10, 0.9, facecolor=LAYER_COLOURS[row.number], edgecolor=edge,
                                   linewidth=2.5 if row.number == highlight else 1))
        ax.text(0.2, y + 0.5, f"L{row.number} {row.name}", va="center", fontsize=10, fontweight="bold")
        ax.text(3.2, y + 0.5, row.pdu, va="center", fontsize=9)
        ax.text(4.6, y + 0.5, ", ".join(row.devices[:3]) or "(software only)", va="center", fontsize=8)
    ax.text(3.2, 7.15, "PDU", fontsize=9, fontweight="bold")
    ax.text(4.6, 7.15, "devices", fontsize=9, fontweight="bold")
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 7.5)
    ax.axis("off")
    ax.set_title("The OSI model: data goes down the stack on the sender and up on the receiver")
    fig.tight_layout()
    return fig


def signal_steps(bits, scheme: str) -> tuple[list[float], list[int]]:
    """(x, level) points of a step plot: each bit lasts 1 time unit, in two halves."""
    levels = osi.encode(bits, scheme)
    xs = [i / 2 for i in range(len(levels) + 1)]
    return xs, levels + [levels[-1]]


def draw_encoding(bits, schemes=osi.ENCODINGS):
    """The same bits as NRZ-L, NRZI and Manchester signals, one above the other."""
    import matplotlib.pyplot as plt

    bit_list = osi.bits_of(bits)
    fig, axes = plt.subplots(len(schemes), 1, figsize=(9, 1.5 * len(schemes) + 0.6), sharex=True)
    axes = [axes] if len(schemes) == 1 else list(axes)
    for ax, scheme in zip(axes, schemes):
        xs, levels = signal_steps(bit_list, scheme)
        ax.step(xs, levels, where="post", linewidth=2, color="#1d4ed8")
        ax.set_ylim(-1.6, 1.9)
        ax.set_yticks([-1, 1])
        ax.set_yticklabels(["low", "high"])
        ax.set_ylabel(scheme, rotation=0, ha="right", va="center")
        for i in range(len(bit_list) + 1):
            ax.axvline(i, color="#9ca3af", linewidth=0.6, linestyle=":")
        ax.grid(False)
    for i, b in enumerate(bit_list):
        axes[0].text(i + 0.5, 1.45, str(b), ha="center", fontsize=11, fontweight="bold")
    axes[-1].set_xlabel("time (bit periods)")
    axes[0].set_title("Bits to signals: the same bits, three line codes")
    fig.tight_layout()
    return fig


def draw_exchange(steps, *, left: str = "client", right: str = "server", title: str = ""):
    """A ladder diagram: steps are (direction, label) with direction '->' (left to right) or '<-'."""
    import matplotlib.pyplot as plt

    steps = list(steps)
    if not steps or any(d not in ("->", "<-") for d, _ in steps):
        raise InputError("Give the steps as ('->', 'SYN') or ('<-', 'SYN, ACK') pairs.")
    fig, ax = plt.subplots(figsize=(6, 0.55 * len(steps) + 1.2))
    top = len(steps) + 0.5
    for x, name in ((0, left), (1, right)):
        ax.plot([x, x], [0, top], color="#374151", linewidth=1.5)
        ax.text(x, top + 0.2, name, ha="center", fontweight="bold")
    for index, (direction, label) in enumerate(steps):
        y = top - 0.6 - index
        start, end = (0, 1) if direction == "->" else (1, 0)
        ax.annotate("", xy=(end, y - 0.35), xytext=(start, y),
                    arrowprops={"arrowstyle": "->", "color": "#1d4ed8" if direction == "->" else "#15803d"})
        ax.text(0.5, y - 0.05, label, ha="center", va="bottom", fontsize=9)
    ax.set_xlim(-0.3, 1.3)
    ax.set_ylim(-0.2, top + 0.6)
    ax.axis("off")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
