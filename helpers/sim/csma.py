"""CSMA/CD on a shared medium (a hub), slot by slot, with a seed: why collisions grow with stations.

    result = simulate(stations=8, slots=20_000, load=0.005, seed=1)
    result.collisions, result.collision_rate, result.utilisation
    sweep([1, 2, 4, 8, 16, 32])          # one result per station count, for a plot
    simulate(8, shared=False)            # every station on its own switch port: no collisions

The rules, as classic half-duplex Ethernet follows them:

* **Carrier sense**: a station with a frame listens first; while the medium is busy it waits.
* **Multiple access**: when the medium falls silent, every waiting station sends at once
  ("1-persistent"); two or more starting in the same slot **collide**.
* **Collision detect**: the senders notice, send a short jam signal (one slot here), stop, and each
  waits a random back-off of 0 .. 2^k - 1 slots after its k-th collision (k capped at 10); after 16
  attempts the frame is given up.

Time is counted in slot times (51.2 µs on 10 Mbit/s Ethernet); a frame lasts ``frame_slots`` slots.
Each station gets a new frame in a slot with probability ``load`` (so total traffic grows with the
number of stations, as it does when you plug more computers into one hub). With ``shared=False``
every station has its own full-duplex switch port: it never waits for anybody and never collides.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from helpers.errors import InputError

__all__ = ["Result", "simulate", "sweep", "backoff_slots", "MAX_ATTEMPTS", "BACKOFF_CAP"]

MAX_ATTEMPTS = 16  # then the frame is dropped ("excessive collisions")
BACKOFF_CAP = 10  # the exponent stops growing after the 10th collision

# What a station does in one slot, for the timeline picture.
IDLE, SEND, COLLIDE, DEFER, BACKOFF = "idle", "send", "collide", "defer", "backoff"


def backoff_slots(collisions: int, rng: random.Random) -> int:
    """Truncated binary exponential back-off: a random whole number of slots in 0 .. 2^min(k,10) - 1."""
    if collisions < 1:
        raise InputError("back-off starts after the first collision; collisions must be 1 or more.")
    return rng.randrange(2 ** min(collisions, BACKOFF_CAP))


@dataclass
class Result:
    stations: int
    slots: int
    load: float
    frame_slots: int
    shared: bool
    seed: int
    offered: int = 0  # frames that arrived at stations
    delivered: int = 0
    dropped: int = 0  # gave up after MAX_ATTEMPTS
    waiting: int = 0  # still queued when the run ended
    collisions: int = 0  # collision events on the medium
    attempts: int = 0  # transmission starts (a collision of 3 stations counts 3)
    busy_slots: int = 0  # slots carrying a frame that got through
    delays: list[int] = field(default_factory=list, repr=False)  # slots from arrival to delivery
    timeline: list[list[str]] | None = field(default=None, repr=False)  # [station][slot] -> state

    @property
    def collision_rate(self) -> float:
        """The share of transmission attempts that ended in a collision."""
        return (self.attempts - self.delivered) / self.attempts if self.attempts else 0.0

    @property
    def utilisation(self) -> float:
        """The share of time the medium carried frames that got through (per port when not shared)."""
        capacity = self.slots * (1 if self.shared else self.stations)
        return self.busy_slots / capacity if capacity else 0.0

    @property
    def mean_delay(self) -> float:
        return sum(self.delays) / len(self.delays) if self.delays else 0.0

    def summary(self) -> str:
        medium = "one shared hub" if self.shared else "a switch (one port each)"
        return (f"{self.stations} stations on {medium}, {self.slots} slots: {self.offered} frames offered, "
                f"{self.delivered} delivered, {self.collisions} collisions "
                f"({self.collision_rate:.1%} of attempts), {self.dropped} dropped, "
                f"medium busy with good frames {self.utilisation:.1%} of the time, "
                f"mean delay {self.mean_delay:.1f} slots")

    def __repr__(self) -> str:
        return self.summary()


def _validate(stations, slots, load, frame_slots):
    for name, value, low in (("stations", stations, 1), ("slots", slots, 1), ("frame_slots", frame_slots, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise InputError(f"{name} must be a whole number of at least {low}; got {value!r}.")
    if stations > 1024:
        raise InputError(f"Classic Ethernet allows at most 1024 stations on one segment; got {stations}.")
    if isinstance(load, bool) or not isinstance(load, (int, float)) or not 0 <= load <= 1:
        raise InputError(f"load is the chance per slot that a station gets a new frame, from 0 to 1; got {load!r}.")


def simulate(stations: int = 8, slots: int = 20_000, *, load: float = 0.005, frame_slots: int = 8,
             shared: bool = True, seed: int = 0, trace: bool = False) -> Result:
    """Run CSMA/CD for `slots` slot times; the same seed gives the same result."""
    _validate(stations, slots, load, frame_slots)
    rng = random.Random(seed)
    result = Result(stations, slots, float(load), frame_slots, shared, seed)
    queues: list[list[int]] = [[] for _ in range(stations)]  # arrival slot of each waiting frame
    collided = [0] * stations  # collisions of the frame at the head of each queue
    ready_at = [0] * stations  # back-off: may not send before this slot
    remaining = [0] * (1 if shared else stations)  # slots left of the frame (or jam) on each medium
    if trace:
        result.timeline = [[IDLE] * slots for _ in range(stations)]

    for t in range(slots):
        for s in range(stations):
            if rng.random() < load:
                queues[s].append(t)
                result.offered += 1
        if not shared:  # a switch port per station: full duplex, nobody to collide with
            for s in range(stations):
                if remaining[s] > 0:
                    remaining[s] -= 1
                    state = SEND
                elif queues[s]:
                    arrived = queues[s].pop(0)
                    result.attempts += 1
                    result.delivered += 1
                    result.busy_slots += frame_slots
                    result.delays.append(t + frame_slots - arrived)
                    remaining[s] = frame_slots - 1
                    state = SEND
                else:
                    state = IDLE
                if trace:
                    result.timeline[s][t] = state
            continue

        if remaining[0] > 0:  # carrier sensed: the medium is busy, everyone with a frame defers
            remaining[0] -= 1
            if trace:
                for s in range(stations):
                    if result.timeline[s][t] != SEND and queues[s]:  # SEND was filled in when it started
                        result.timeline[s][t] = DEFER if ready_at[s] <= t else BACKOFF
            continue
        ready = [s for s in range(stations) if queues[s] and ready_at[s] <= t]
        if trace:
            for s in range(stations):
                if queues[s] and s not in ready:
                    result.timeline[s][t] = BACKOFF
        if not ready:
            continue
        result.attempts += len(ready)
        if len(ready) == 1:  # exactly one sender: the frame gets through
            s = ready[0]
            arrived = queues[s].pop(0)
            collided[s] = 0
            result.delivered += 1
            result.busy_slots += frame_slots
            result.delays.append(t + frame_slots - arrived)
            remaining[0] = frame_slots - 1
            if trace:
                for k in range(t, min(t + frame_slots, slots)):
                    result.timeline[s][k] = SEND
            continue
        result.collisions += 1  # two or more started together: everyone involved backs off
        remaining[0] = 0  # the jam signal fills this slot
        for s in ready:
            collided[s] += 1
            if trace:
                result.timeline[s][t] = COLLIDE
            if collided[s] >= MAX_ATTEMPTS:
                queues[s].pop(0)
                collided[s] = 0
                result.dropped += 1
                ready_at[s] = t + 1
            else:
                ready_at[s] = t + 1 + backoff_slots(collided[s], rng)
    result.waiting = sum(len(q) for q in queues)
    return result


def sweep(station_counts=(1, 2, 4, 8, 12, 16, 24, 32), *, slots: int = 20_000, load: float = 0.005,
          frame_slots: int = 8, shared: bool = True, seed: int = 0) -> list[Result]:
    """One simulation per station count (same seed each), for plotting collisions against stations."""
    counts = list(station_counts)
    if not counts:
        raise InputError("Give at least one station count, like [1, 2, 4, 8].")
    return [simulate(n, slots, load=load, frame_slots=frame_slots, shared=shared, seed=seed) for n in counts]
