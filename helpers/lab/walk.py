"""Packet walk: replay a real capture hop by hop over the lab's picture.

Like Packet Tracer's simulation mode, but every step is a packet that was really seen at one
capture point: which interface, which cable, and what each header said there (watch the MAC
addresses change at every router while the IP addresses stay, and the TTL count down).

    with lab.capture("h1:eth0", "r1", "h2:eth0") as cap:
        h1.ping("10.0.2.10", count=1)
    walk = PacketWalk(lab, cap, protocol="ICMP")
    walk            # the steps as text (deterministic)
    walk.widget()   # step forward and back with the picture and the headers
    walk.figure(3)  # the picture of step 3
"""
from __future__ import annotations

import html
import io
from dataclasses import dataclass

import ipywidgets as widgets

from helpers.lab.capture import Capture, Seen, protocol
from helpers.lab.draw import draw_lab
from helpers.packets import Layer, dissect


@dataclass
class WalkStep:
    number: int
    seen: Seen
    layers: list[Layer]

    @property
    def point(self) -> str:
        return self.seen.point

    def headline(self) -> str:
        return f"{self.number}. at {self.point}: {self.seen.summary()}"


class PacketWalk:
    """The packets of a capture, in time order, as steps over the topology."""

    def __init__(self, lab, capture: Capture, *, protocol: str | None = None, where=None,
                 scale: float | None = None):
        self.lab = lab
        self.scale = scale
        chosen = []
        for seen in capture.packets:
            if protocol is not None and _protocol(seen) != protocol.upper():
                continue
            if where is not None and not where(seen.packet):
                continue
            chosen.append(seen)
        self.steps = [WalkStep(i, seen, dissect(seen.packet)) for i, seen in enumerate(chosen, start=1)]

    def __len__(self) -> int:
        return len(self.steps)

    def step(self, number: int) -> WalkStep:
        if not 1 <= number <= len(self.steps):
            from helpers.lab.topology import LabError

            raise LabError(f"this walk has steps 1 to {len(self.steps)}; there is no step {number}.")
        return self.steps[number - 1]

    def text(self) -> str:
        if not self.steps:
            return "(no packets to walk through)"
        lines = []
        for step in self.steps:
            lines.append(step.headline())
            lines += [f"     {layer}" for layer in step.layers]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.text()

    def figure(self, number: int):
        step = self.step(number)
        return draw_lab(self.lab, packet_at=step.point, scale=self.scale,
                        title=f"Step {number} of {len(self.steps)}: {step.seen.summary()}")

    def png(self, number: int) -> bytes:
        import matplotlib.pyplot as plt

        fig = self.figure(number)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches="tight")
        plt.close(fig)
        return buffer.getvalue()

    def layers_html(self, number: int) -> str:
        step = self.step(number)
        rows = "".join(f"<tr><td><b>L{layer.osi}</b></td><td><b>{html.escape(layer.name)}</b></td>"
                       f"<td style='text-align:left;font-family:monospace'>"
                       f"{html.escape('  '.join(f'{k} {v}' if k else v for k, v in layer.fields.items()))}</td></tr>"
                       for layer in step.layers)
        return (f"<div><b>Step {number} of {len(self.steps)}</b>, seen at <code>{html.escape(step.point)}</code>"
                f"<table>{rows}</table></div>")

    def widget(self):
        """Buttons and a slider to step through the walk; the picture and headers follow."""
        if not self.steps:
            return widgets.HTML("<i>No packets to walk through.</i>")
        image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        headers = widgets.HTML()
        slider = widgets.IntSlider(value=1, min=1, max=len(self.steps), description="Step",
                                   continuous_update=False)
        back = widgets.Button(description="◀ Back", layout=widgets.Layout(width="90px"))
        forward = widgets.Button(description="Next ▶", layout=widgets.Layout(width="90px"))

        def show(change=None):
            image.value = self.png(slider.value)
            headers.value = self.layers_html(slider.value)

        def move(delta):
            slider.value = min(max(slider.value + delta, 1), len(self.steps))

        slider.observe(show, names="value")
        back.on_click(lambda _: move(-1))
        forward.on_click(lambda _: move(+1))
        show()
        box = WalkWidget([widgets.HBox([back, slider, forward]), image, headers])
        box.walk_text = self.text()
        box.slider = slider
        return box


def _protocol(seen: Seen) -> str:
    return protocol(seen.packet).upper()


class WalkWidget(widgets.VBox):
    """The walk's controls; its plain-text view is the steps, not the picture's bytes."""

    walk_text = ""

    def __repr__(self) -> str:
        return self.walk_text
