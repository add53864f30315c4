"""EC2 Auto Scaling, simulated minute by minute over a day of traffic.

    traffic = day_traffic()                         # requests per second, one value per minute
    group = Group(min_size=2, max_size=15)          # the base size is min_size
    run = simulate_day(traffic, group, TargetTracking(target=50))
    run.summary()                                   # peak size, instance-hours, overload, final size
    compare_policies(traffic, group, [TargetTracking(50), SimpleScaling(), StepScaling(), Fixed(2)])

The model: every in-service instance handles ``capacity`` requests per second at 100 % CPU; the
group's CPU is the load over what the in-service instances can handle. A new instance needs
``warmup`` minutes (launch, boot, start the application) before it serves. Policies look at that
CPU once a minute, as CloudWatch alarms would:

* ``TargetTracking``: keep the average CPU near a target. Scale out after 3 minutes above it, to
  ceil(in service x CPU / target); scale in after 15 minutes below 90 % of it, to the same formula.
* ``SimpleScaling``: a threshold alarm adds (or removes) a fixed number of instances, then waits a
  cooldown (default 300 s) after the activity completes before it reacts again.
* ``StepScaling``: the further above the threshold, the bigger the step; no cooldown, but
  instances still warming up count as capacity already on its way.
* ``Fixed``: no policy, for comparison (the base size all day, or sized for the peak).

Scale in never goes below min_size: at night the group shrinks back to its base size.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Sequence

from helpers.errors import InputError
from helpers.sim.loadbalancer import Table

__all__ = ["Group", "TargetTracking", "SimpleScaling", "StepScaling", "Fixed", "ScalingRun",
           "day_traffic", "simulate_day", "compare_policies", "scale_up_vs_out", "INSTANCE_SIZES"]

MINUTES_PER_DAY = 24 * 60


def day_traffic(*, seed: int = 10, night: float = 60.0, day: float = 160.0, lunch: float = 120.0,
                evening: float = 300.0, spike: tuple[float, float, float] | None = (15.0, 30, 400.0),
                noise: float = 0.03) -> list[float]:
    """A day of requests per second, one value per minute (1440 values), repeatable for a seed.

    Quiet at night, a working-day plateau from about 8:00 to 22:00, a lunch bump at 12:30 and the
    evening peak at 20:00; spike=(hour, minutes, extra) adds a sudden burst (a flash sale at 15:00).
    """
    for name, value in (("night", night), ("day", day), ("lunch", lunch), ("evening", evening)):
        if value < 0:
            raise InputError(f"{name}={value!r}: traffic cannot be negative.")
    rng = random.Random(seed)
    values = []
    for minute in range(MINUTES_PER_DAY):
        h = minute / 60.0
        plateau = day / (1 + math.exp(-(h - 8.0) * 2.0)) / (1 + math.exp((h - 22.0) * 2.0))
        load = night + plateau
        load += lunch * math.exp(-((h - 12.5) / 0.8) ** 2 / 2)
        load += evening * math.exp(-((h - 20.0) / 1.0) ** 2 / 2)
        if spike is not None:
            start_hour, length, extra = spike
            if start_hour * 60 <= minute < start_hour * 60 + length:
                load += extra
        load *= 1 + rng.gauss(0, noise)
        values.append(round(max(load, 0.0), 1))
    return values


@dataclass
class Group:
    """An Auto Scaling group: sizes, what one instance handles, and how long one takes to start."""

    min_size: int = 2
    max_size: int = 15
    capacity: float = 100.0  # requests per second one instance handles at 100 % CPU
    warmup: int = 5  # minutes from launch until it serves

    def __post_init__(self):
        for name in ("min_size", "max_size", "warmup"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InputError(f"{name}={value!r} should be a whole number, 0 or more.")
        if self.min_size < 1:
            raise InputError("min_size should be at least 1: the base size the group returns to.")
        if self.max_size < self.min_size:
            raise InputError(f"max_size ({self.max_size}) is below min_size ({self.min_size}); raise max_size.")
        if not self.capacity > 0:
            raise InputError("capacity (requests per second per instance) should be above 0.")


class Policy:
    name = "policy"

    def decide(self, minute: int, cpu: list[float], in_service: int, pending: int, desired: int,
               group: Group) -> tuple[int, str]:
        """The new desired capacity and why (an empty reason when nothing changes)."""
        raise NotImplementedError


def _last(values: list[float], count: int) -> list[float]:
    return values[-count:] if len(values) >= count else []


@dataclass
class TargetTracking(Policy):
    target: float = 50.0  # average CPU % to hold
    out_after: int = 3  # minutes above the target before scaling out
    in_after: int = 15  # minutes below 90 % of the target before scaling in

    def __post_init__(self):
        if not 1 <= self.target <= 100:
            raise InputError(f"target {self.target!r} should be a CPU percentage between 1 and 100.")

    @property
    def name(self) -> str:
        return f"target tracking {self.target:g}% CPU"

    def decide(self, minute, cpu, in_service, pending, desired, group):
        high = _last(cpu, self.out_after)
        needed = max(1, math.ceil(in_service * cpu[-1] / self.target - 1e-9))
        if high and all(v > self.target for v in high) and needed > desired:
            return min(group.max_size, needed), f"CPU above {self.target:g}% for {self.out_after} min"
        # Scale in is cautious: keep enough instances that CPU stays under the scale-in line.
        floor = 0.9 * self.target
        low = _last(cpu, self.in_after)
        keep = max(1, math.ceil(in_service * cpu[-1] / floor - 1e-9))
        if low and not pending and all(v < floor for v in low) and keep < desired:
            return max(group.min_size, keep), f"CPU below {floor:g}% for {self.in_after} min"
        return desired, ""


@dataclass
class SimpleScaling(Policy):
    high: float = 70.0
    low: float = 30.0
    add: int = 2
    remove: int = 1
    high_for: int = 3
    low_for: int = 10
    cooldown: int = 5  # minutes (300 s, the AWS default) after an activity completes
    _quiet_until: int = field(default=-1, repr=False)

    def __post_init__(self):
        if not 0 <= self.low < self.high <= 100:
            raise InputError(f"thresholds low={self.low} and high={self.high} should satisfy 0 <= low < high <= 100.")
        if self.add < 1 or self.remove < 1:
            raise InputError("add and remove should be at least 1 instance each.")

    @property
    def name(self) -> str:
        return f"simple scaling >{self.high:g}% +{self.add}, <{self.low:g}% -{self.remove}, cooldown {self.cooldown} min"

    def decide(self, minute, cpu, in_service, pending, desired, group):
        if minute < self._quiet_until:
            return desired, ""
        high = _last(cpu, self.high_for)
        if high and all(v > self.high for v in high) and desired < group.max_size:
            # The cooldown starts once the new instances are in service.
            self._quiet_until = minute + group.warmup + self.cooldown
            return min(group.max_size, desired + self.add), f"CPU above {self.high:g}% for {self.high_for} min"
        low = _last(cpu, self.low_for)
        if low and all(v < self.low for v in low) and desired > group.min_size:
            self._quiet_until = minute + self.cooldown
            return max(group.min_size, desired - self.remove), f"CPU below {self.low:g}% for {self.low_for} min"
        return desired, ""


@dataclass
class StepScaling(Policy):
    high: float = 60.0
    steps: tuple[tuple[float, int], ...] = ((60.0, 1), (75.0, 2), (90.0, 4))  # (CPU from, instances to add)
    low: float = 30.0
    remove: int = 1
    high_for: int = 3
    low_for: int = 10

    def __post_init__(self):
        bounds = [b for b, _ in self.steps]
        if not self.steps or bounds != sorted(bounds) or bounds[0] < self.high:
            raise InputError("steps should be (CPU from, add) pairs in rising order, starting at or above high.")

    @property
    def name(self) -> str:
        steps = ", ".join(f">{b:g}% +{n}" for b, n in self.steps)
        return f"step scaling {steps}; <{self.low:g}% -{self.remove}"

    def decide(self, minute, cpu, in_service, pending, desired, group):
        high = _last(cpu, self.high_for)
        if high and all(v > self.high for v in high):
            add = max(n for bound, n in self.steps if cpu[-1] > bound or bound == self.steps[0][0])
            # Instances still warming up already count: only the difference is launched.
            wanted = min(group.max_size, in_service + add)
            if wanted > desired:
                return wanted, f"CPU {cpu[-1]:.0f}%: step +{add}"
            return desired, ""
        low = _last(cpu, self.low_for)
        if low and not pending and all(v < self.low for v in low) and desired > group.min_size:
            return max(group.min_size, desired - self.remove), f"CPU below {self.low:g}% for {self.low_for} min"
        return desired, ""


@dataclass
class Fixed(Policy):
    size: int = 2

    @property
    def name(self) -> str:
        return f"fixed {self.size} instances"

    def decide(self, minute, cpu, in_service, pending, desired, group):
        return desired, ""


@dataclass
class ScalingRun:
    policy: str
    group: Group
    load: list[float]
    in_service: list[int]
    total: list[int]  # in service plus warming up (what you pay for)
    desired: list[int]
    cpu: list[float]
    unserved: list[float]
    events: list[tuple[int, str, int, int, str]]  # (minute, "out"/"in", from, to, why)

    @property
    def peak_size(self) -> int:
        return max(self.total)

    @property
    def final_size(self) -> int:
        return self.total[-1]

    @property
    def instance_hours(self) -> float:
        return sum(self.total) / 60.0

    @property
    def overloaded_minutes(self) -> int:
        return sum(1 for u in self.unserved if u > 0)

    @property
    def unserved_share(self) -> float:
        return sum(self.unserved) / sum(self.load) if sum(self.load) else 0.0

    @property
    def scale_outs(self) -> int:
        return sum(1 for e in self.events if e[1] == "out")

    @property
    def scale_ins(self) -> int:
        return sum(1 for e in self.events if e[1] == "in")

    def summary(self) -> Table:
        rows = [["policy", self.policy],
                ["base size (min) / max", f"{self.group.min_size} / {self.group.max_size}"],
                ["largest size", self.peak_size],
                ["size at midnight", self.final_size],
                ["scale-out / scale-in actions", f"{self.scale_outs} / {self.scale_ins}"],
                ["instance-hours", f"{self.instance_hours:.1f}"],
                ["minutes overloaded (CPU 100%)", self.overloaded_minutes],
                ["requests not served in time", f"{self.unserved_share * 100:.2f}%"]]
        return Table(["", "value"], rows, wrap=60)

    def event_table(self, limit: int | None = None) -> Table:
        rows = [[f"{m // 60:02d}:{m % 60:02d}", kind, f"{old} -> {new}", why]
                for m, kind, old, new, why in self.events[:limit]]
        return Table(["time", "scale", "instances", "why"], rows, title=self.policy, wrap=60)

    def __repr__(self) -> str:
        return repr(self.summary())

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()


def simulate_day(traffic: Sequence[float], group: Group | None = None, policy: Policy | None = None,
                 *, start_size: int | None = None) -> ScalingRun:
    """Run a policy over the traffic (requests per second per minute); the group starts at its base."""
    group = group or Group()
    policy = policy or TargetTracking()
    if isinstance(policy, type) or not isinstance(policy, Policy):
        raise InputError("policy should be a policy object, like TargetTracking(target=50).")
    if not traffic:
        raise InputError("traffic is empty; give one requests-per-second value per minute, e.g. day_traffic().")
    if isinstance(policy, SimpleScaling):
        policy._quiet_until = -1
    size = start_size if start_size is not None else (policy.size if isinstance(policy, Fixed) else group.min_size)
    if isinstance(policy, Fixed) and not 1 <= size:
        raise InputError("a fixed group needs at least 1 instance.")
    launched: list[int] = [-group.warmup] * size  # launch minute of each instance; the base is ready
    desired = size
    cpu_history: list[float] = []
    run = ScalingRun(policy.name, group, [], [], [], [], [], [], [])
    for minute, load in enumerate(traffic):
        if load < 0:
            raise InputError(f"traffic at minute {minute} is negative ({load}).")
        serving = sum(1 for t in launched if minute - t >= group.warmup)
        pending = len(launched) - serving
        capacity = serving * group.capacity
        cpu = 100.0 if capacity == 0 else min(100.0, load / capacity * 100.0)
        cpu_history.append(cpu)
        run.load.append(load)
        run.in_service.append(serving)
        run.total.append(len(launched))
        run.cpu.append(round(cpu, 2))
        run.unserved.append(max(0.0, load - capacity))
        if isinstance(policy, Fixed):
            new, why = desired, ""
        else:
            new, why = policy.decide(minute, cpu_history, serving, pending, desired, group)
            new = max(group.min_size, min(group.max_size, new))
        if new != desired:
            run.events.append((minute, "out" if new > desired else "in", desired, new, why))
            if new > len(launched):
                launched += [minute] * (new - len(launched))
            else:
                # Scale in removes the newest instances first (still warming up, then in service).
                launched = sorted(launched)[:new]
            desired = new
        run.desired.append(desired)
    return run


def compare_policies(traffic: Sequence[float], group: Group, policies: Sequence[Policy]) -> Table:
    """Several policies over the same day, side by side."""
    rows = []
    for policy in policies:
        run = simulate_day(traffic, group, policy)
        rows.append([run.policy, run.peak_size, run.final_size, f"{run.instance_hours:.1f}",
                     run.overloaded_minutes, f"{run.unserved_share * 100:.2f}%"])
    return Table(["policy", "largest", "at midnight", "instance-hours", "minutes overloaded", "not served"],
                 rows, title="One day, several policies", wrap=60)


# ---------------------------------------------------------------------------- scale up vs scale out

# Illustrative sizes of one instance family: each size doubles capacity and price (real families
# scale the same way; check current prices before relying on the numbers).
INSTANCE_SIZES: tuple[tuple[str, float, float], ...] = (
    ("large", 100.0, 0.10), ("xlarge", 200.0, 0.20), ("2xlarge", 400.0, 0.40),
    ("4xlarge", 800.0, 0.80), ("8xlarge", 1600.0, 1.60),
)


@dataclass
class ScaleChoice:
    peak: float
    up_size: str | None
    up_capacity: float
    up_cost: float
    out_count: int
    out_capacity: float
    out_cost: float
    table: Table

    def __repr__(self) -> str:
        return repr(self.table)

    def _repr_html_(self) -> str:
        return self.table._repr_html_()


def scale_up_vs_out(peak: float, *, small: str = "large") -> ScaleChoice:
    """Serve `peak` requests per second with one bigger instance (up) or more small ones (out)."""
    if isinstance(peak, bool) or not isinstance(peak, (int, float)) or peak <= 0:
        raise InputError(f"peak={peak!r} should be a load in requests per second, above 0.")
    sizes = {name: (cap, price) for name, cap, price in INSTANCE_SIZES}
    if small not in sizes:
        raise InputError(f"{small!r} is not a size; use one of {', '.join(sizes)}.")
    big = next(((n, c, p) for n, c, p in INSTANCE_SIZES if c >= peak), None)
    small_cap, small_price = sizes[small]
    count = math.ceil(peak / small_cap - 1e-9)
    if big is None:
        largest = INSTANCE_SIZES[-1]
        up_text = [f"none: the largest ({largest[0]}) handles {largest[1]:g}/s", "-", "-"]
        up = (None, 0.0, 0.0)
    else:
        up_text = [f"1 x {big[0]}", f"{big[1]:g}", f"${big[2]:.2f}"]
        up = big
    rows = [
        ["instances", up_text[0], f"{count} x {small}"],
        ["capacity (requests/s)", up_text[1], f"{count * small_cap:g}"],
        ["cost per hour", up_text[2], f"${count * small_price:.2f}"],
        ["how it grows", "stop, change the instance type, start: offline meanwhile",
         "launch more instances while the others keep serving"],
        ["ceiling", f"the largest size ({INSTANCE_SIZES[-1][0]})", "the group's max size (and account limits)"],
        ["one instance fails", "100% of capacity gone", f"{100 / count:.0f}% of capacity gone"],
        ["shrinks at night", "only by another stop/start", "scale in to the base size"],
        ["needs", "nothing extra", "a load balancer; servers that keep no local session state"],
    ]
    table = Table(["", "scale up (vertical)", "scale out (horizontal)"], rows,
                  title=f"Serving a peak of {peak:g} requests per second", wrap=40)
    return ScaleChoice(peak, up[0], up[1], up[2], count, count * small_cap, count * small_price, table)
