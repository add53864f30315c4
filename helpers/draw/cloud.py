"""Pictures (and the facts behind them) for lesson 01, why the cloud.

    draw_global_infrastructure()      # a region (Seoul, ap-northeast-2), its AZs, transit centres, edge PoPs
    draw_shared_responsibility()      # who secures what: the provider vs you
    draw_service_map()                # the AWS networking services, grouped
    draw_latency_by_distance()        # why AZs sit < 100 km apart and why edges exist
    draw_capacity(capacity_plan())    # buying servers for the peak vs renting for the demand

The facts come from the course notes (AWS region design: AZs are separate data centres less than
100 km apart, linked by 100/400 Gigabit Ethernet; transit centres connect a region to the internet;
edge PoPs are edge locations plus regional edge caches). The numbers that the pictures compute
(round-trip time over fibre, idle capacity) come from the pure functions here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from helpers.errors import InputError

__all__ = ["REGION", "EDGE", "SERVICES", "SERVICE_GROUPS", "RESPONSIBILITY", "SELF_HOSTING",
           "FIBRE_KM_PER_MS", "fibre_rtt_ms", "PLACES", "demand_curve", "CapacityPlan", "capacity_plan",
           "service", "self_hosting_table", "responsibility_table", "services_table", "draw_global_infrastructure", "draw_shared_responsibility", "draw_service_map",
           "draw_latency_by_distance", "draw_capacity"]

# ---------------------------------------------------------------------------- facts

REGION = {
    "name": "Asia Pacific (Seoul)",
    "code": "ap-northeast-2",
    "zones": ("ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c", "ap-northeast-2d"),
    "az_distance_km": 100,  # AZs are less than this far apart
    "intra_az_links": "100/400 GbE",  # data centres inside one AZ
    "transit_centres": 2,
}

EDGE = {
    "edge location": "small sites close to users that cache content and answer DNS (CloudFront, Route 53)",
    "regional edge cache": "bigger caches between the edge locations and the origin, so fewer requests "
                           "travel all the way back",
}


@dataclass(frozen=True)
class Service:
    name: str
    group: str
    does: str


SERVICE_GROUPS = ("Network foundations", "Edge networking", "Hybrid connectivity")

SERVICES: tuple[Service, ...] = (
    Service("Amazon VPC", "Network foundations", "your own private, isolated network in a region"),
    Service("AWS Transit Gateway", "Network foundations", "a central hub joining many VPCs and on-premises networks"),
    Service("Amazon CloudFront", "Edge networking", "a CDN: caches content at edge locations close to users"),
    Service("Amazon Route 53", "Edge networking", "managed DNS: domain registration, records, routing, health checks"),
    Service("AWS Global Accelerator", "Edge networking", "static anycast addresses that carry users into the AWS "
                                                         "backbone at the nearest edge"),
    Service("AWS Shield", "Edge networking", "DDoS protection at the edge"),
    Service("AWS Direct Connect", "Hybrid connectivity", "a private, dedicated line from your data centre to AWS"),
    Service("AWS Site-to-Site VPN", "Hybrid connectivity", "an encrypted IPsec tunnel to a VPC over the internet"),
)


def service(name: str) -> Service:
    key = name.strip().lower()
    for entry in SERVICES:
        short = entry.name.lower().replace("amazon ", "").replace("aws ", "")
        if key in (entry.name.lower(), short):
            return entry
    raise InputError(f"{name!r} is not on the networking service map; the services are "
                     f"{', '.join(s.name for s in SERVICES)}.")


# Who takes care of what, in the shared responsibility model (IaaS such as EC2).
RESPONSIBILITY = {
    "provider": ("data centres, power, cooling and physical security", "the hardware and the global network",
                 "the virtualisation layer (hypervisor)", "managed services' servers and their patches"),
    "you": ("network security: VPC design, security groups, network ACLs", "accounts and access (IAM)",
            "the guest operating system and its patches on EC2", "your data, its encryption and backups",
            "your application"),
}

# What self-hosting makes you answer, and who answers it once you move to the cloud.
SELF_HOSTING = (
    ("How do we back up the data?", "you: tapes, a second site", "provider: snapshots and managed backups"),
    ("How do we share code with other teams?", "you: your own servers", "provider: managed repositories"),
    ("How do we make it redundant?", "you: a second rack, a second site", "provider: several AZs in a region"),
    ("Who installs the servers and their OS?", "you", "provider: a new server in minutes from an image"),
    ("Do we need staff at the rack around the clock?", "you", "provider"),
    ("How many spare servers do we keep?", "you: buy for the peak", "provider: rent for the demand"),
    ("How do we deploy?", "you", "provider: managed deployment services"),
    ("Who configures security?", "you", "shared: the provider secures the cloud, you secure what is in it"),
    ("Do we have DDoS protection gear?", "you: buy it", "provider: AWS Shield at the edge"),
    ("Who runs the network equipment?", "you", "provider: routers and switches become VPC settings"),
)

# ---------------------------------------------------------------------------- latency

# Light in glass fibre covers about 200,000 km/s: 200 km per millisecond.
FIBRE_KM_PER_MS = 200.0

# Approximate great-circle distances from Seoul, for the latency picture.
PLACES = (
    ("another AZ in Seoul", 60),
    ("Busan", 330),
    ("Tokyo", 1160),
    ("Singapore", 4680),
    ("Frankfurt", 8560),
    ("N. Virginia (us-east-1)", 11150),
)


def fibre_rtt_ms(distance_km: float, *, route_factor: float = 1.0) -> float:
    """The least possible round-trip time over fibre: there and back at 200 km/ms (cables are
    rarely straight; route_factor > 1 stretches the path)."""
    if isinstance(distance_km, bool) or not isinstance(distance_km, (int, float)) or distance_km < 0:
        raise InputError(f"Give the distance in kilometres as a number of 0 or more; got {distance_km!r}.")
    if not isinstance(route_factor, (int, float)) or route_factor < 1:
        raise InputError("route_factor stretches the straight line, so it is 1 or more.")
    return 2 * distance_km * route_factor / FIBRE_KM_PER_MS


# ---------------------------------------------------------------------------- capacity

def demand_curve(hours: int = 24 * 7, *, base: float = 20, daily_peak: float = 60,
                 spike: tuple[int, float] | None = (24 * 5 + 14, 80)) -> list[float]:
    """Servers' worth of demand per hour: a quiet night, a busy day, and one evening spike (a sale)."""
    if isinstance(hours, bool) or not isinstance(hours, int) or hours < 1:
        raise InputError(f"hours must be a whole number of at least 1; got {hours!r}.")
    demand = []
    for h in range(hours):
        day = max(0.0, math.sin((h % 24 - 6) / 24 * 2 * math.pi))  # daylight hump, zero at night
        value = base + daily_peak * day
        if spike and abs(h - spike[0]) <= 2:
            value += spike[1] * (1 - abs(h - spike[0]) / 3)
        demand.append(round(value, 2))
    return demand


@dataclass(frozen=True)
class CapacityPlan:
    demand: tuple[float, ...]
    owned: float  # servers bought (on-premises), constant
    rented: tuple[float, ...]  # servers running each hour (cloud, auto scaling)

    @property
    def owned_idle_share(self) -> float:
        """Share of the bought server-hours that did nothing."""
        used = sum(min(d, self.owned) for d in self.demand)
        return 1 - used / (self.owned * len(self.demand))

    @property
    def rented_idle_share(self) -> float:
        return 1 - sum(self.demand) / sum(self.rented)

    @property
    def owned_shortfall_hours(self) -> int:
        """Hours when demand was above what was bought (users waited or got errors)."""
        return sum(1 for d in self.demand if d > self.owned)

    def summary(self) -> str:
        return (f"On-premises: {self.owned:g} servers bought; {self.owned_idle_share:.0%} of their hours idle; "
                f"demand above capacity in {self.owned_shortfall_hours} of {len(self.demand)} hours.\n"
                f"Cloud: {min(self.rented):g} to {max(self.rented):g} servers rented as needed; "
                f"{self.rented_idle_share:.0%} of the rented hours idle.")

    def __repr__(self) -> str:
        return self.summary()


def capacity_plan(demand=None, *, bought: float | None = None, headroom: float = 0.1, step: float = 5) -> CapacityPlan:
    """On-premises buys `bought` servers (default: the usual daily peak plus headroom); the cloud
    rents demand + headroom rounded up to `step` servers, hour by hour."""
    demand = tuple(demand_curve() if demand is None else demand)
    if not demand or any(not isinstance(d, (int, float)) or d < 0 for d in demand):
        raise InputError("demand is a list of numbers of 0 or more, one per hour.")
    if bought is None:
        typical = sorted(demand)[int(len(demand) * 0.97) - 1]  # the everyday peak, not the rare spike
        bought = math.ceil(typical * (1 + headroom) / step) * step
    rented = tuple(max(step, math.ceil(d * (1 + headroom) / step) * step) for d in demand)
    return CapacityPlan(demand, float(bought), rented)


# ---------------------------------------------------------------------------- pictures

def _box(ax, x, y, w, h, text, face, edge="#374151", fontsize=9, weight="normal", style="round,pad=0.02"):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle=style, facecolor=face, edgecolor=edge, linewidth=1.2))
    if text:
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=fontsize, fontweight=weight)


def draw_global_infrastructure():
    """A region with its AZs (each several data centres), transit centres, and edge PoPs outside."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(12, 6))
    _box(ax, 0.2, 0.3, 7.4, 5.2, "", "#f8fafc", edge="#1e3a8a")
    ax.text(0.45, 5.15, f"Region {REGION['name']}  ({REGION['code']})", fontsize=11, fontweight="bold",
            color="#1e3a8a")
    for index, zone in enumerate(REGION["zones"]):
        x = 0.5 + (index % 2) * 3.6
        y = 2.75 - (index // 2) * 2.25
        _box(ax, x, y, 3.2, 1.9, "", "#eff6ff", edge="#2563eb")
        ax.text(x + 0.12, y + 1.62, f"AZ {zone}", fontsize=9, fontweight="bold", color="#1d4ed8")
        for dc in range(3):
            _box(ax, x + 0.2 + dc * 1.0, y + 0.45, 0.8, 0.85, "data\ncentre", "#dbeafe", fontsize=7)
        ax.plot([x + 0.6, x + 2.6], [y + 0.3, y + 0.3], color="#1d4ed8", linewidth=2)
        ax.text(x + 1.6, y + 0.07, f"intra-AZ links: {REGION['intra_az_links']}", ha="center", fontsize=7)
    # inter-AZ links: every AZ to every other, drawn in the gaps between the boxes
    orange = {"color": "#f97316", "linewidth": 2.2}
    for y in (3.7, 1.45):
        ax.plot([3.7, 4.1], [y, y], **orange)
    for x in (2.1, 5.7):
        ax.plot([x, x], [2.4, 2.75], **orange)
    ax.plot([3.7, 4.1], [2.75, 2.4], **orange)
    ax.plot([3.7, 4.1], [2.4, 2.75], **orange)
    ax.text(3.9, 5.0, f"inter-AZ links (orange): AZs are separate sites < {REGION['az_distance_km']} km apart",
            ha="center", fontsize=8, color="#c2410c")
    for index in range(REGION["transit_centres"]):
        y = 1.0 + index * 2.4
        _box(ax, 8.1, y, 1.4, 0.8, "transit\ncentre", "#ffedd5", edge="#c2410c", fontsize=8)
        ax.plot([7.6, 8.1], [y + 0.4, y + 0.4], color="#c2410c", linewidth=1.5)
        ax.plot([9.5, 10.2], [y + 0.4, 2.6], color="#6b7280", linewidth=1)
    _box(ax, 10.2, 2.0, 1.2, 1.2, "the\ninternet", "#f3f4f6", fontsize=9)
    ax.text(11.1, 5.45, "edge PoPs, near users", ha="center", fontsize=9, fontweight="bold", color="#15803d")
    _box(ax, 10.3, 4.65, 1.6, 0.55, "regional\nedge cache", "#dcfce7", edge="#15803d", fontsize=7)
    for index in range(3):
        _box(ax, 9.95 + index * 0.8, 3.75, 0.6, 0.45, "edge\nlocation", "#f0fdf4", edge="#15803d", fontsize=5.5)
        ax.plot([10.25 + index * 0.8, 11.1], [4.2, 4.65], color="#15803d", linewidth=0.8)
    ax.plot([7.6, 10.3], [4.9, 4.9], color="#15803d", linewidth=1.5, linestyle=":")
    ax.text(8.95, 4.97, "AWS global network", ha="center", fontsize=7, color="#15803d")
    ax.set_xlim(0, 12.1)
    ax.set_ylim(0, 5.7)
    ax.axis("off")
    ax.set_title("AWS global infrastructure: region, availability zones, transit centres, edge")
    fig.tight_layout()
    return fig


def draw_shared_responsibility():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 4.2))
    you, provider = RESPONSIBILITY["you"], RESPONSIBILITY["provider"]
    _box(ax, 0.2, 2.3, 9.6, 1.9, "", "#fef3c7", edge="#b45309")
    ax.text(0.4, 3.9, "YOU: security IN the cloud", fontweight="bold", color="#92400e")
    for i, item in enumerate(you):
        ax.text(0.6, 3.5 - i * 0.27, f"• {item}", fontsize=9)
    _box(ax, 0.2, 0.1, 9.6, 1.9, "", "#dbeafe", edge="#1d4ed8")
    ax.text(0.4, 1.7, "PROVIDER: security OF the cloud", fontweight="bold", color="#1e3a8a")
    for i, item in enumerate(provider):
        ax.text(0.6, 1.3 - i * 0.27, f"• {item}", fontsize=9)
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 4.4)
    ax.axis("off")
    ax.set_title("The shared responsibility model")
    fig.tight_layout()
    return fig


def draw_service_map():
    import matplotlib.pyplot as plt

    colours = {"Network foundations": ("#dbeafe", "#1d4ed8"), "Edge networking": ("#dcfce7", "#15803d"),
               "Hybrid connectivity": ("#ffedd5", "#c2410c")}
    fig, ax = plt.subplots(figsize=(11, 4.4))
    for column, group in enumerate(SERVICE_GROUPS):
        x = 0.2 + column * 3.7
        face, edge = colours[group]
        members = [s for s in SERVICES if s.group == group]
        _box(ax, x, 0.2, 3.4, 4.0, "", "#ffffff", edge=edge)
        ax.text(x + 1.7, 3.9, group, ha="center", fontweight="bold", color=edge)
        for row, entry in enumerate(members):
            y = 3.0 - row * 0.85
            _box(ax, x + 0.15, y, 3.1, 0.7, "", face, edge=edge)
            ax.text(x + 1.7, y + 0.47, entry.name, ha="center", fontsize=9, fontweight="bold")
            ax.text(x + 1.7, y + 0.18, _wrap(entry.does, 48), ha="center", fontsize=6.5)
    ax.set_xlim(0, 11.3)
    ax.set_ylim(0, 4.4)
    ax.axis("off")
    ax.set_title("AWS networking services")
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
    return "\n".join(lines[:2])


def draw_latency_by_distance(places=PLACES, *, route_factor: float = 1.0):
    """The least round-trip time from Seoul to a few places, over fibre at 200 km/ms."""
    import matplotlib.pyplot as plt

    names = [p for p, _ in places]
    rtts = [fibre_rtt_ms(km, route_factor=route_factor) for _, km in places]
    fig, ax = plt.subplots(figsize=(9, 3.6))
    bars = ax.barh(names, rtts, color=["#16a34a" if r < 2 else "#2563eb" if r < 50 else "#dc2626" for r in rtts])
    for bar, rtt in zip(bars, rtts):
        ax.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, f"{rtt:.1f} ms", va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("least possible round-trip time from Seoul (ms)")
    ax.set_xlim(0, max(rtts) * 1.18)
    ax.set_title("Distance costs time: light in fibre covers about 200 km per millisecond")
    fig.tight_layout()
    return fig


def draw_capacity(plan: CapacityPlan):
    import matplotlib.pyplot as plt

    hours = range(len(plan.demand))
    fig, ax = plt.subplots(figsize=(10, 3.8))
    ax.fill_between(hours, plan.demand, color="#93c5fd", label="demand (servers' worth of work)")
    ax.step(hours, plan.rented, where="mid", color="#15803d", linewidth=1.5, label="cloud: servers rented")
    ax.axhline(plan.owned, color="#c2410c", linewidth=2, label=f"on-premises: {plan.owned:g} servers bought")
    over = [d if d > plan.owned else None for d in plan.demand]
    ax.plot(hours, over, color="#dc2626", linewidth=3, label="demand the bought servers cannot serve")
    ax.set_xlabel("hour of the week")
    ax.set_ylabel("servers")
    ax.set_xticks(range(0, len(plan.demand) + 1, 24))
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title("Buying for the peak vs renting for the demand")
    fig.tight_layout()
    return fig


def self_hosting_table():
    """The questions self-hosting makes you answer, and who answers each in the cloud."""
    from helpers.osi import TextTable

    return TextTable("What running your own servers makes you answer", ("Question", "On-premises", "In the cloud"),
                     [tuple(row) for row in SELF_HOSTING])


def responsibility_table():
    from helpers.osi import TextTable

    rows = [("provider", item) for item in RESPONSIBILITY["provider"]] + [("you", item) for item in RESPONSIBILITY["you"]]
    return TextTable("Shared responsibility (EC2)", ("Who", "Takes care of"), rows)


def services_table():
    from helpers.osi import TextTable

    return TextTable("AWS networking services", ("Group", "Service", "What it does"),
                     [(s.group, s.name, s.does) for s in SERVICES])
