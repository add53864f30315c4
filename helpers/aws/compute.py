"""EC2 capacity: scale up (a bigger instance) versus scale out (more instances across AZs).

The figures are a teaching model, not a benchmark: each vCPU is assumed to serve
``RPS_PER_VCPU`` requests per second, whatever the instance family. What the model does get
right is the shape of the trade-off:

* scaling **up** changes the instance type (stop, change, start: a few minutes of downtime) and
  stops at the largest type; one instance lives in one AZ, so an AZ outage takes all capacity;
* scaling **out** adds identical instances (from an AMI or a launch template) behind a load
  balancer, has no ceiling in this model, and spread over two AZs keeps half the fleet when one
  AZ fails, so sizing for an AZ loss means enough instances in *each* AZ to carry the peak alone.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from helpers.aws.model import INSTANCE_TYPES
from helpers.errors import InputError

__all__ = ["RPS_PER_VCPU", "capacity", "scale_up_choice", "instances_needed", "DayResult", "simulate_day",
           "DEMAND_PROFILE"]

RPS_PER_VCPU = 250   # assumption of this teaching model (requests per second per vCPU)

# Requests per second over a day (hour 0 to 23): quiet night, a lunch bump, an evening peak.
DEMAND_PROFILE = (300, 250, 200, 200, 200, 250, 400, 700, 1100, 1400, 1500, 1700,
                  1900, 1700, 1500, 1500, 1600, 1900, 2400, 2800, 2600, 2000, 1200, 600)


def capacity(instance_type: str) -> int:
    """Requests per second one instance of this type serves in this model."""
    if instance_type not in INSTANCE_TYPES:
        raise InputError(f"Instance type {instance_type!r} is not known; use one of {', '.join(sorted(INSTANCE_TYPES))}.")
    return INSTANCE_TYPES[instance_type][0] * RPS_PER_VCPU


def scale_up_choice(peak_rps: float, family: str = "m5") -> str | None:
    """The smallest type of a family that carries the peak alone, or None when none is big enough."""
    sizes = sorted((t for t in INSTANCE_TYPES if t.startswith(family + ".")), key=capacity)
    if not sizes:
        raise InputError(f"No instance family {family!r} here; try 't3', 'm5' or 'c5'.")
    return next((t for t in sizes if capacity(t) >= peak_rps), None)


def instances_needed(peak_rps: float, instance_type: str, azs: int = 2, survive_az_loss: bool = True) -> int:
    """How many instances (spread evenly over the AZs) carry the peak, also after losing one AZ."""
    if azs < 1 or (survive_az_loss and azs < 2):
        raise InputError("Surviving an AZ loss needs at least two AZs.")
    per_instance = capacity(instance_type)
    usable_azs = azs - 1 if survive_az_loss else azs
    per_az = math.ceil(peak_rps / per_instance / usable_azs)
    return max(per_az, 1) * azs


@dataclass(frozen=True)
class DayResult:
    hours: tuple[int, ...]
    demand: tuple[float, ...]
    scale_up: tuple[float, ...]     # capacity of one big instance
    scale_out: tuple[float, ...]    # capacity of an auto-scaled fleet over two AZs
    fleet: tuple[int, ...]          # instances in the fleet each hour
    up_type: str
    out_type: str
    failed_az_hour: int | None

    def unserved(self, which: str) -> float:
        """Requests per second left unserved, summed over the hours (a rough 'pain' number)."""
        served = self.scale_up if which == "up" else self.scale_out
        return sum(max(d - c, 0) for d, c in zip(self.demand, served))


def simulate_day(demand=DEMAND_PROFILE, up_type: str | None = None, out_type: str = "t3.medium",
                 failed_az_hour: int | None = None, minimum: int = 2) -> DayResult:
    """One day of demand served two ways; from ``failed_az_hour`` on, AZ 'a' is down.

    Scale up: one instance of ``up_type`` (default: the smallest m5 that carries the peak) in AZ a.
    Scale out: instances of ``out_type`` split over AZs a and c, as many as the hour's demand needs
    (never fewer than ``minimum``); after the failure only AZ c's half serves until the fleet is
    rebuilt there the next hour.
    """
    peak = max(demand)
    up_type = up_type or scale_up_choice(peak) or "m5.4xlarge"
    per = capacity(out_type)
    scale_up, scale_out, fleet = [], [], []
    for hour, load in enumerate(demand):
        down = failed_az_hour is not None and hour >= failed_az_hour
        scale_up.append(0.0 if down else float(capacity(up_type)))
        count = max(minimum, math.ceil(load / per))
        count += count % 2                       # evenly split over two AZs
        if down and hour == failed_az_hour:
            serving = count // 2                 # AZ a's half is gone; the rest carries on
        else:
            serving = count                      # (re)built in the AZs still up
        fleet.append(count)
        scale_out.append(float(serving * per))
    return DayResult(tuple(range(len(demand))), tuple(float(d) for d in demand), tuple(scale_up),
                     tuple(scale_out), tuple(fleet), up_type, out_type, failed_az_hour)
