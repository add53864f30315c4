"""The subnet-plan mission (labs/subnet-plan): a three-tier VPC planned from host counts.

The learner is the network engineer of a shop moving to AWS Seoul (ap-northeast-2). The brief
(``BRIEF``): web, app and database tiers in two Availability Zones today (a and c), a third AZ (b)
next year, one small admin subnet, all inside the space the network team hands out
(10.20.0.0/16), clear of the blocks already in use there. The learner fills in a ``SubnetPlan``
one step at a time, using helpers.addressing (``usable_hosts``, ``prefix_for_hosts``,
``plan_vlsm``, ``summarize``, ``overlaps``), and every step is checked:

    plan = SubnetPlan()
    mission = subnet_plan_mission(plan)
    plan.sizes = {"web": 25, "app": 23, "db": 27, "admin": 28}
    mission.check(1)
    plan.vpc = "10.20.8.0/21"
    plan.add("app-a", "10.20.8.0/23", az="a")
    ...

The checks say what is wrong with *this* plan: a size that forgets the five addresses AWS keeps,
a /29 below AWS's minimum, a VPC block that overlaps the legacy VPC or has host bits set, two
subnets that share addresses, both copies of a tier in one AZ, and a layout that still fits today
but has cut the free space into pieces too small for next year's subnets (the room-to-grow check
packs the subnets still to come into the free space, largest first).
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netaddr import IPNetwork, IPSet, cidr_merge

from helpers import addressing as A
from helpers.errors import InputError
from helpers.missions import Mission, Step, not_yet, passed

# ---------------------------------------------------------------------------- the brief

REGION = "ap-northeast-2"                 # Seoul: AZs a, b, c, d
AZ_LETTERS = ("a", "b", "c", "d")
SPACE = IPNetwork("10.20.0.0/16")         # what the network team hands out for this company
IN_USE = (("legacy VPC", IPNetwork("10.20.0.0/22")),
          ("office VPN", IPNetwork("10.20.16.0/20")))
HOSTS = {"web": 100, "app": 252, "db": 12, "admin": 4}   # instances per subnet
TIERS = ("web", "app", "db")
TODAY_AZS = ("a", "c")
GROWTH_AZ = "b"
AWS_RESERVED = 5

# The subnets of the finished plan, in the order the steps ask for them: (name, AZ).
AZ_A = (("web-a", "a"), ("app-a", "a"), ("db-a", "a"))
AZ_C = (("web-c", "c"), ("app-c", "c"), ("db-c", "c"))
ADMIN = (("admin", None),)                # None: any of today's AZs
AZ_B = (("web-b", "b"), ("app-b", "b"), ("db-b", "b"))
ALL_SUBNETS = AZ_A + AZ_C + ADMIN + AZ_B

SOLUTIONS_FILE = Path("labs/subnet-plan/solutions/solution.py")


def tier_of(name: str) -> str:
    return name.split("-", 1)[0]


def aws_usable(prefix: int) -> int:
    return (1 << (32 - prefix)) - AWS_RESERVED


def right_prefix(tier: str) -> int:
    """The smallest AWS subnet that holds the tier's hosts (what step 1 asks for)."""
    return A.prefix_for_hosts(HOSTS[tier], cloud="aws")


def addresses_needed(subnets) -> int:
    return sum(1 << (32 - right_prefix(tier_of(name))) for name, _ in subnets)


TODAY = AZ_A + AZ_C + ADMIN
NEEDED_TODAY = addresses_needed(TODAY)
NEEDED_WITH_GROWTH = addresses_needed(ALL_SUBNETS)
VPC_PREFIX = 32 - (NEEDED_WITH_GROWTH - 1).bit_length()   # the smallest block that holds everything


class Brief:
    """The requirements, as a table."""

    def rows(self) -> list[tuple[str, str]]:
        in_use = ", ".join(f"{block} ({label})" for label, block in IN_USE)
        return [
            ("Region", f"{REGION} (Seoul); Availability Zones {', '.join(AZ_LETTERS)}"),
            ("Address space", f"the VPC comes out of {SPACE}; already in use there: {in_use}"),
            ("Web tier", f"{HOSTS['web']} instances per AZ"),
            ("App tier", f"{HOSTS['app']} instances per AZ"),
            ("Database tier", f"{HOSTS['db']} instances per AZ"),
            ("Admin", f"one subnet for {HOSTS['admin']} instances (bastion and tools), in AZ a or c"),
            ("AZs", f"today {' and '.join(TODAY_AZS)}; next year a third set of web/app/db subnets in AZ "
                    f"{GROWTH_AZ}, planned now"),
            ("Waste", "every subnet and the VPC as small as the brief allows: the space is shared"),
        ]

    def __repr__(self) -> str:
        width = max(len(k) for k, _ in self.rows())
        return "The brief\n" + "\n".join(f"  {k:<{width}}  {v}" for k, v in self.rows())

    def _repr_html_(self) -> str:
        body = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                       f"<td style='text-align:left'>{html.escape(v)}</td></tr>" for k, v in self.rows())
        return f"<b>The brief</b><table>{body}</table>"


BRIEF = Brief()


# ---------------------------------------------------------------------------- the learner's plan

@dataclass
class PlanSubnet:
    name: str
    network: IPNetwork     # as typed: host bits may be set (the checks say so)
    az: str

    @property
    def block(self) -> IPNetwork:
        return self.network.cidr


def _az(value: Any) -> str:
    text = str(value).strip().lower() if isinstance(value, str) else ""
    if text.startswith(REGION):
        text = text[len(REGION):]
    if text not in AZ_LETTERS:
        raise InputError(f"az={value!r} is not an Availability Zone of {REGION}; use one of "
                         f"{', '.join(repr(a) for a in AZ_LETTERS)} (or '{REGION}a' ...).")
    return text


class SubnetPlan:
    """The plan the learner fills in: sizes, the VPC block, subnets with their AZ, the app rules."""

    def __init__(self):
        self.sizes: dict | None = None      # step 1: tier -> prefix length
        self.vpc: str | None = None         # step 2: the VPC's CIDR block
        self.subnets: dict[str, PlanSubnet] = {}
        self.app_rules: list | None = None  # step 7: CIDR blocks covering exactly the app tier

    @classmethod
    def fresh(cls) -> "SubnetPlan":
        return cls()

    def add(self, name: str, cidr: Any, az: Any) -> PlanSubnet:
        """Add a subnet (or replace the one with that name): plan.add('web-a', '10.20.14.0/25', az='a')."""
        if not isinstance(name, str) or not name.strip():
            raise InputError("give the subnet a name in quotes, like plan.add('web-a', '10.20.14.0/25', az='a').")
        network = A.parse_interface(cidr)
        subnet = PlanSubnet(name.strip(), network, _az(az))
        self.subnets[subnet.name] = subnet
        return subnet

    def remove(self, name: str) -> None:
        if name not in self.subnets:
            known = ", ".join(self.subnets) or "none yet"
            raise InputError(f"the plan has no subnet {name!r}; it has: {known}.")
        del self.subnets[name]

    def vpc_block(self) -> IPNetwork | None:
        """The VPC block as a network, or None while it is not a valid one."""
        try:
            network = A.parse_interface(self.vpc)
        except (InputError, TypeError):
            return None
        return network if network.ip == network.network else None

    def free(self) -> list[IPNetwork]:
        """The VPC's addresses no subnet uses, as the fewest aligned blocks."""
        vpc = self.vpc_block()
        if vpc is None:
            return []
        space = IPSet([vpc])
        for subnet in self.subnets.values():
            space.remove(subnet.block)
        return list(space.iter_cidrs())

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        ordered = sorted(self.subnets.values(), key=lambda s: (s.block.first, s.name))
        return [(s.name, str(s.network), s.az, f"{aws_usable(s.block.prefixlen):,}" if 16 <= s.block.prefixlen <= 28
                 else "-", f"{s.block[0]} - {s.block[-1]}") for s in ordered]

    def __repr__(self) -> str:
        lines = [f"VPC: {self.vpc or '(not chosen yet)'}"]
        if self.sizes:
            lines.append("sizes: " + ", ".join(f"{k} /{str(v).lstrip('/')}" for k, v in self.sizes.items()))
        rows = self.rows()
        if rows:
            head = ("subnet", "block", "AZ", "usable", "range")
            widths = [max(len(r[i]) for r in rows + [head]) for i in range(5)]
            lines.append("  " + "  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip())
            lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        else:
            lines.append("no subnets yet")
        free = self.free()
        if free:
            lines.append("free: " + ", ".join(str(n) for n in free))
        if self.app_rules is not None:
            lines.append(f"app rules: {self.app_rules}")
        return "\n".join(lines)

    def as_plan(self) -> A.Plan:
        """The subnets inside the VPC as a helpers.addressing Plan (for plan_chart)."""
        vpc = self.vpc_block()
        if vpc is None:
            raise InputError("choose a valid VPC block first (plan.vpc = '10.20.x.0/NN').")
        inside = sorted((s for s in self.subnets.values() if s.block in vpc and 16 <= s.block.prefixlen <= 28),
                        key=lambda s: s.block.first)
        planned = []
        for s in inside:
            hosts = min(HOSTS.get(tier_of(s.name), 1), aws_usable(s.block.prefixlen))
            planned.append(A.PlannedSubnet(s.name, hosts, s.block, aws_usable(s.block.prefixlen),
                                           s.block[4], s.block[-2]))
        space = IPSet([vpc])
        for s in inside:
            space.remove(s.block)
        return A.Plan(vpc, tuple(planned), tuple(space.iter_cidrs()), "aws")

    def chart(self):
        """The VPC's address space with the subnets placed so far (a matplotlib figure)."""
        from helpers.draw.addressing import plan_chart

        return plan_chart(self.as_plan())


# ---------------------------------------------------------------------------- room to grow

def pack(free: IPSet, blocks: list[tuple[str, int]]) -> tuple[dict[str, IPNetwork], str | None]:
    """Place blocks (name, prefix) into free space, largest first, each in the smallest free aligned
    block that holds it. Returns the placements and the first name that found no room (or None).

    With sizes that are powers of two, largest-first placement finds room for all of them whenever
    any placement can (sizes that divide each other pack perfectly first-fit decreasing).
    """
    space = IPSet(free)
    placed: dict[str, IPNetwork] = {}
    for name, prefix in sorted(blocks, key=lambda item: item[1]):
        candidates = [c for c in space.iter_cidrs() if c.prefixlen <= prefix]
        if not candidates:
            return placed, name
        home = max(candidates, key=lambda c: (c.prefixlen, -c.first))
        block = IPNetwork((home.first, prefix))
        space.remove(block)
        placed[name] = block
    return placed, None


# ---------------------------------------------------------------------------- checks

def _prefix(value: Any, tier: str) -> int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("/").isdigit():
        return int(value.strip().lstrip("/"))
    raise ValueError


def check_sizes(plan: SubnetPlan):
    sizes = plan.sizes
    if sizes is None:
        return not_yet("plan.sizes is still empty: set it to the prefix length of each tier, like "
                       "plan.sizes = {'web': 24, 'app': 24, 'db': 24, 'admin': 24} with your numbers.")
    if not isinstance(sizes, dict):
        return not_yet(f"plan.sizes should be a dict of tier -> prefix length, like {{'web': 24, ...}}; "
                       f"got {type(sizes).__name__}.")
    for tier in HOSTS:
        if tier not in sizes:
            return not_yet(f"plan.sizes has no size for {tier!r}; give all four: web, app, db and admin.")
    for tier, hosts in HOSTS.items():
        try:
            prefix = _prefix(sizes[tier], tier)
        except ValueError:
            return not_yet(f"{tier}: {sizes[tier]!r} is not a prefix length; write a number like 24 (or '/24').")
        if prefix > A.AWS_MAX_PREFIX:
            return not_yet(f"{tier}: a /{prefix} is smaller than AWS allows: VPC subnets are /16 to /28, so even "
                           f"{hosts} instances get a /28 ({aws_usable(28)} usable).")
        if prefix < A.AWS_MIN_PREFIX:
            return not_yet(f"{tier}: a /{prefix} is larger than AWS allows (subnets are /16 to /28), and far "
                           f"more than {hosts} instances need.")
        usable = aws_usable(prefix)
        if usable < hosts:
            plain = A.usable_hosts(prefix)
            if plain >= hosts:
                return not_yet(f"{tier}: a /{prefix} has {plain} usable hosts on an ordinary LAN, but AWS keeps "
                               f"5 addresses of every subnet (network, VPC router, DNS, future use, broadcast), "
                               f"leaving {usable}: too few for {hosts}.")
            return not_yet(f"{tier}: a /{prefix} holds only {usable} instances in AWS ({1 << (32 - prefix)} "
                           f"addresses minus 5 reserved); {hosts} need a bigger block (a shorter prefix).")
        best = right_prefix(tier)
        if prefix < best:
            return not_yet(f"{tier}: a /{prefix} fits {hosts} instances, but so does a /{best} "
                           f"({aws_usable(best)} usable), {1 << (best - prefix)} times smaller; take the smallest "
                           f"that fits (growth gets its own subnets in step 6).")
    summary = ", ".join(f"{tier} /{right_prefix(tier)} ({aws_usable(right_prefix(tier))} usable)" for tier in HOSTS)
    return passed(f"{summary}: each the smallest AWS subnet that holds its instances.")


def _vpc_or_hint(plan: SubnetPlan):
    """(network, None) for a usable VPC block, or (None, hint)."""
    if plan.vpc is None:
        return None, (f"plan.vpc is still empty: set it to the VPC's CIDR block inside {SPACE}, like "
                      f"plan.vpc = '10.20.x.0/NN'.")
    try:
        network = A.parse_interface(plan.vpc)
    except InputError as error:
        return None, str(error)
    if network.ip != network.network:
        size = 1 << (32 - network.prefixlen)
        return None, (f"{plan.vpc} is not where a /{network.prefixlen} block starts (its host bits are not all 0): "
                      f"/{network.prefixlen} blocks are {size:,} addresses long and start at multiples of that, "
                      f"like {network.cidr}.")
    if network not in SPACE:
        return None, f"{network} is outside {SPACE}, the space the network team gave you; pick a block inside it."
    for label, block in IN_USE:
        if A.overlaps(network, block):
            return None, (f"{network} overlaps the {label} ({block}): routing between them (and any peering) "
                          f"needs blocks that share no address; pick a free block.")
    if network.size < NEEDED_TODAY:
        return None, (f"{network} has {network.size:,} addresses, too few even for today's subnets "
                      f"({NEEDED_TODAY:,} addresses at the sizes of step 1).")
    if network.size < NEEDED_WITH_GROWTH:
        return None, (f"{network} ({network.size:,} addresses) holds today's subnets ({NEEDED_TODAY:,}) but not "
                      f"the third AZ's as well ({NEEDED_WITH_GROWTH:,} in all); a VPC's block cannot simply be "
                      f"made bigger later, so take the next size up.")
    if network.prefixlen < VPC_PREFIX:
        return None, (f"{network} works, but it takes {network.size:,} addresses of the company's space when a "
                      f"/{VPC_PREFIX} ({1 << (32 - VPC_PREFIX):,}) holds everything, third AZ included; the "
                      f"network team needs the rest for other VPCs.")
    return network, None


def check_vpc(plan: SubnetPlan):
    network, hint = _vpc_or_hint(plan)
    if hint:
        return not_yet(hint)
    return passed(f"{network}: {network.size:,} addresses inside {SPACE}, clear of the legacy VPC and the office "
                  f"VPN, with room for today's {NEEDED_TODAY:,} and next year's {NEEDED_WITH_GROWTH - NEEDED_TODAY:,}.")


def _range(network: IPNetwork) -> str:
    return f"{network[0]}-{network[-1]}"


def _az_hint(name: str, az: str, wanted: str | None, plan: SubnetPlan) -> str | None:
    if wanted is None:  # admin: any AZ of today's
        if az not in TODAY_AZS:
            return (f"{name} is in AZ {az}, where nothing runs yet; the bastion belongs in one of today's AZs "
                    f"({' or '.join(TODAY_AZS)}).")
        return None
    if az == wanted:
        return None
    twins = [s for s in plan.subnets.values()
             if s.name != name and tier_of(s.name) == tier_of(name) and s.az == az]
    if twins:
        return (f"{name} is in AZ {az}, the same as {twins[0].name}: if that data centre fails, the whole "
                f"{tier_of(name)} tier goes with it; put {name} in AZ {wanted}.")
    return f"{name} is in AZ {az}; the '-{wanted}' subnets go in AZ {wanted} ({REGION}{wanted})."


def _subnet_hint(plan: SubnetPlan, wanted: tuple[tuple[str, str | None], ...]) -> str | None:
    vpc, hint = _vpc_or_hint(plan)
    if hint:
        return f"the VPC block is not settled yet: {hint}"
    for name, az in wanted:
        if name not in plan.subnets:
            where = az or TODAY_AZS[0]
            return f"there is no subnet {name!r} yet: plan.add('{name}', 'CIDR', az='{where}')."
    for name, az in wanted:
        subnet = plan.subnets[name]
        network, block = subnet.network, subnet.block
        tier = tier_of(name)
        if network.ip != network.network:
            return (f"{name} {network} is not where a /{network.prefixlen} block starts (its host bits are not all "
                    f"0); /{network.prefixlen} blocks start every {block.size:,} addresses, like {block}.")
        want = right_prefix(tier)
        if block.prefixlen > A.AWS_MAX_PREFIX:
            return f"{name} is a /{block.prefixlen}, smaller than AWS allows (/16 to /28): make it a /{want}."
        if block.prefixlen != want:
            bigger = block.prefixlen < want
            return (f"{name} is a /{block.prefixlen} but step 1 sized the {tier} tier at /{want} "
                    f"({aws_usable(want)} usable for {HOSTS[tier]}): "
                    + ("the extra addresses would be missing for the subnets still to come." if bigger
                       else "it would be too small."))
        if block not in vpc:
            where = "sticks out of" if A.overlaps(block, vpc) else "is outside"
            return f"{name} {block} {where} the VPC {vpc} ({_range(vpc)}); every subnet lies inside its VPC's block."
        az_hint = _az_hint(name, subnet.az, az, plan)
        if az_hint:
            return az_hint
    for name, _ in wanted:
        block = plan.subnets[name].block
        for other in plan.subnets.values():
            if other.name != name and A.overlaps(block, other.block):
                shared = IPSet([block]) & IPSet([other.block])
                first, last = shared.iprange()[0], shared.iprange()[-1]
                return (f"{name} {block} overlaps {other.name} {other.block}: both would own {first}-{last}. "
                        f"Subnets of one VPC share no address (AWS refuses with InvalidSubnet.Conflict).")
    still_to_come = [(n, right_prefix(tier_of(n))) for n, _ in ALL_SUBNETS if n not in plan.subnets]
    free = IPSet([vpc])
    for subnet in plan.subnets.values():
        free.remove(subnet.block)
    _, stuck = pack(free, still_to_come)
    if stuck:
        prefix = right_prefix(tier_of(stuck))
        same = [n for n, p in still_to_come if p == prefix]
        free_text = ", ".join(str(b) for b in free.iter_cidrs())
        return (f"Everything placed so far fits, but the free space ({free_text}) is cut into pieces: "
                f"{' and '.join(same)} (a /{prefix} each, still to come) would no longer all find an aligned "
                f"block. Place the biggest subnets first (VLSM), packed from the start of the VPC.")
    return None


def _subnet_check(wanted, done: str):
    def check(plan: SubnetPlan):
        hint = _subnet_hint(plan, wanted)
        if hint:
            return not_yet(hint)
        names = ", ".join(f"{n} {plan.subnets[n].block}" for n, _ in wanted)
        return passed(f"{names}: {done}")
    return check


check_az_a = _subnet_check(AZ_A, "right sizes, inside the VPC, no overlaps, and room left for the rest.")
check_az_c = _subnet_check(AZ_C, "each tier now lives in two AZs, so one data centre can fail.")
check_admin = _subnet_check(ADMIN, "the smallest subnet AWS allows, for the bastion and tools.")
check_az_b = _subnet_check(AZ_B, "next year's subnets are reserved: the VPC is planned to the last /28.")


def _networks(value) -> list[IPNetwork]:
    if isinstance(value, (str, IPNetwork)):
        value = [value]
    return [A.parse_network(v) for v in value]


def app_blocks(plan: SubnetPlan) -> list[IPNetwork]:
    return [plan.subnets[n].block for n, _ in ALL_SUBNETS if tier_of(n) == "app" and n in plan.subnets]


def check_app_rules(plan: SubnetPlan):
    if plan.app_rules is None:
        return not_yet("plan.app_rules is still empty: give the list of CIDR blocks the database's security "
                       "group should let in, like plan.app_rules = ['10.20.x.0/NN', ...].")
    try:
        given = _networks(plan.app_rules)
    except (InputError, TypeError) as error:
        return not_yet(f"plan.app_rules should be a list of networks: {error}")
    if not given:
        return not_yet("plan.app_rules is an empty list: the database would let no app server in.")
    app = IPSet(app_blocks(plan))
    covered = IPSet(given)
    extra = covered - app
    if extra:
        caught = [s.name for s in plan.subnets.values() if tier_of(s.name) != "app" and IPSet([s.block]) & extra]
        what = ", ".join(caught) if caught else "addresses no subnet uses yet"
        return not_yet(f"the rules cover more than the app tier: they also let in {what} "
                       f"({', '.join(str(b) for b in extra.iter_cidrs())}); the database should hear from app "
                       f"servers only.")
    missing = app - covered
    if missing:
        left = [s.name for s in plan.subnets.values() if tier_of(s.name) == "app" and IPSet([s.block]) & missing]
        return not_yet(f"the rules leave out {', '.join(left)} ({', '.join(str(b) for b in missing.iter_cidrs())}): "
                       f"its app servers could not reach the database" +
                       (" when AZ b opens; plan for it now." if left == ["app-b"] else "."))
    fewest = cidr_merge(app_blocks(plan))
    if len(given) > len(fewest):
        return not_yet(f"the rules cover exactly the app tier, but with {len(given)} blocks where {len(fewest)} do: "
                       f"merge neighbouring blocks (summarize() does it).")
    return passed(f"{', '.join(str(n) for n in fewest)}: exactly the app tier in {len(fewest)} "
                  f"rule{'s' if len(fewest) > 1 else ''}, and nothing else.")


MISSION_STEPS = (
    Step("Size the subnets", "Set plan.sizes to the prefix length of each subnet: web, app and db (one subnet "
                             "per AZ each) and admin, each the smallest AWS subnet that holds its instances.",
         check_sizes, key="sizes"),
    Step("Choose the VPC block", f"Set plan.vpc to the smallest block inside {SPACE} that holds today's subnets "
                                 f"and a third AZ's, clear of the blocks already in use.", check_vpc, key="vpc"),
    Step("Place AZ a", "Add web-a, app-a and db-a in AZ a at the sizes of step 1: inside the VPC, no overlaps, "
                       "and leaving room for everything still to come.", check_az_a, key="az-a"),
    Step("Place AZ c", "Add web-c, app-c and db-c in AZ c, so every tier survives the loss of one data centre.",
         check_az_c, key="az-c"),
    Step("Admin subnet", "Add admin (bastion and tools) in AZ a or c.", check_admin, key="admin"),
    Step("Room for AZ b", "Reserve next year's web-b, app-b and db-b in AZ b now, so the VPC never runs out.",
         check_az_b, key="az-b"),
    Step("The database's rules", "Set plan.app_rules to the fewest CIDR blocks that cover the app subnets of all "
                                 "three AZs and nothing else: the database's security group lets those in.",
         check_app_rules, key="app-rules"),
)


def subnet_plan_mission(plan: SubnetPlan | None = None) -> Mission:
    """The mission of labs/subnet-plan."""
    return Mission("A three-tier VPC, planned", MISSION_STEPS, target=plan, solutions=SOLUTIONS_FILE)
