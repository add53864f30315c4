"""A link emulator: carries Ethernet frames between two interfaces with delay, jitter and loss.

On most Linux systems `tc qdisc add dev eth0 root netem delay 20ms loss 10%` does this in the
kernel. Not every kernel ships netem, so the lab engine puts an impaired link through this program
instead: each end of the link is a veth whose peer sits in the lab's wire namespace, and this
process copies frames between the two peers after the delay, dropping some with a seeded random
generator (so a recorded run repeats exactly). Standard library only.

    python wire.py '[{"a": "w1a", "b": "w1b", "delay_ms": 20, "jitter_ms": 0, "loss": 0.1, "seed": 1}]'

PACKET_VNET_HDR keeps the kernel's offload metadata (checksum-later, segmentation) with each frame,
so TCP works through the wire at full size without turning offloads off on the nodes.
"""
from __future__ import annotations

import heapq
import json
import random
import select
import socket
import sys
import time

SOL_PACKET = 263
PACKET_VNET_HDR = 15
ETH_P_ALL = 3


class Direction:
    """One way of one link: frames read on `source` leave on `target` after the delay."""

    def __init__(self, source: socket.socket, target: socket.socket, delay: float, jitter: float,
                 loss: float, seed: int):
        self.source, self.target = source, target
        self.delay, self.jitter, self.loss = delay, jitter, loss
        self.random = random.Random(seed)
        self.last_departure = 0.0

    def departure(self, now: float) -> float | None:
        """When a frame that arrived now should leave, or None to drop it."""
        if self.loss and self.random.random() < self.loss:
            return None
        wobble = self.random.uniform(-self.jitter, self.jitter) if self.jitter else 0.0
        # Frames keep their order, as on a cable.
        self.last_departure = max(now + max(self.delay + wobble, 0.0), self.last_departure)
        return self.last_departure


def open_end(ifname: str) -> socket.socket:
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
    sock.bind((ifname, 0))
    sock.setblocking(False)
    return sock


def serve(links: list[dict]) -> None:
    directions: dict[socket.socket, Direction] = {}
    for link in links:
        a, b = open_end(link["a"]), open_end(link["b"])
        delay = link.get("delay_ms", 0) / 1000.0
        jitter = link.get("jitter_ms", 0) / 1000.0
        loss = link.get("loss", 0.0)
        seed = link.get("seed", 0)
        directions[a] = Direction(a, b, delay, jitter, loss, seed * 2 + 1)
        directions[b] = Direction(b, a, delay, jitter, loss, seed * 2 + 2)
    print("ready", flush=True)
    queue: list[tuple[float, int, socket.socket, bytes]] = []
    counter = 0
    while True:
        timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else None
        readable, _, _ = select.select(list(directions), [], [], timeout)
        now = time.monotonic()
        for sock in readable:
            direction = directions[sock]
            while True:
                try:
                    frame, address = sock.recvfrom(65600)
                except BlockingIOError:
                    break
                if address[2] == socket.PACKET_OUTGOING:
                    continue  # our own transmissions show up here too
                leave = direction.departure(now)
                if leave is not None:
                    counter += 1
                    heapq.heappush(queue, (leave, counter, direction.target, frame))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, target, frame = heapq.heappop(queue)
            try:
                target.send(frame)
            except OSError:
                pass  # the far end went down; a real cable would drop the frame too


if __name__ == "__main__":
    serve(json.loads(sys.argv[1]))
