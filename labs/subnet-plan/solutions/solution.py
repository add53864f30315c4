"""Reference solution of the subnet-plan mission (for instructors and tests).

Kept apart from the learner's notebook: ``mission.reveal(n, instructor=True)`` shows one step,
``mission.solve()`` applies them all, and ``mission.verify(SubnetPlan.fresh)`` replays every step
and every known mistake below on fresh plans (tests/test_lab_subnet_plan.py does).

The layout packs the biggest subnets first from the start of the VPC (VLSM): the three /23 app
subnets take the first three quarters of the /21, and the last /23 holds the /25 web subnets, the
/27 database subnets and the /28 admin subnet, with one /28 left over.
"""
from helpers.addressing import prefix_for_hosts, summarize
from helpers.missions import Mistake


def sizes(plan):
    """The smallest AWS subnet for each tier: AWS keeps 5 addresses of every subnet."""
    plan.sizes = {tier: prefix_for_hosts(hosts, cloud="aws")
                  for tier, hosts in {"web": 100, "app": 252, "db": 12, "admin": 4}.items()}
    # {'web': 25, 'app': 23, 'db': 27, 'admin': 28}


def vpc(plan):
    """3 x (512 + 128 + 32) + 16 = 2,032 addresses: a /21 (2,048). 10.20.0.0/22 and 10.20.16.0/20
    are taken, so the first free /21 is 10.20.8.0/21."""
    plan.vpc = "10.20.8.0/21"


def az_a(plan):
    plan.add("app-a", "10.20.8.0/23", az="a")
    plan.add("web-a", "10.20.14.0/25", az="a")
    plan.add("db-a", "10.20.15.128/27", az="a")


def az_c(plan):
    plan.add("app-c", "10.20.10.0/23", az="c")
    plan.add("web-c", "10.20.14.128/25", az="c")
    plan.add("db-c", "10.20.15.160/27", az="c")


def admin(plan):
    plan.add("admin", "10.20.15.224/28", az="a")


def az_b(plan):
    plan.add("app-b", "10.20.12.0/23", az="b")
    plan.add("web-b", "10.20.15.0/25", az="b")
    plan.add("db-b", "10.20.15.192/27", az="b")


def app_rules(plan):
    """10.20.8.0/23 and 10.20.10.0/23 merge into 10.20.8.0/22; 10.20.12.0/23 has no partner."""
    plan.app_rules = [str(n) for n in summarize(["10.20.8.0/23", "10.20.10.0/23", "10.20.12.0/23"])]
    # ['10.20.8.0/22', '10.20.12.0/23']


SOLUTIONS = {"sizes": sizes, "vpc": vpc, "az-a": az_a, "az-c": az_c, "admin": admin, "az-b": az_b,
             "app-rules": app_rules}


# ---------------------------------------------------------------------------- known mistakes
# Each one is applied after the solutions of the steps before it; the step's check must answer
# with a hint containing the given text.

def _nothing(plan):
    pass


def _sizes(**wrong):
    def apply(plan):
        plan.sizes = {"web": 25, "app": 23, "db": 27, "admin": 28, **wrong}
    return apply


def _vpc(block):
    def apply(plan):
        plan.vpc = block
    return apply


def _add(*subnets):
    def apply(plan):
        for name, cidr, az in subnets:
            plan.add(name, cidr, az=az)
    return apply


def _rules(*blocks):
    def apply(plan):
        plan.app_rules = list(blocks)
    return apply


GOOD_A = (("app-a", "10.20.8.0/23", "a"), ("web-a", "10.20.14.0/25", "a"), ("db-a", "10.20.15.128/27", "a"))
GOOD_C = (("app-c", "10.20.10.0/23", "c"), ("web-c", "10.20.14.128/25", "c"), ("db-c", "10.20.15.160/27", "c"))


def _replace(good, name, cidr, az):
    return tuple((n, cidr, az) if n == name else (n, c, z) for n, c, z in good)


MISTAKES = {
    "sizes": [
        Mistake("nothing done yet", _nothing, "plan.sizes is still empty"),
        Mistake("forgot the 5 reserved addresses (app)", _sizes(app=24), "AWS keeps 5 addresses"),
        Mistake("forgot the 5 reserved addresses (db)", _sizes(db=28), "leaving 11: too few for 12"),
        Mistake("a /29 for admin", _sizes(admin=29), "smaller than AWS allows"),
        Mistake("web too big", _sizes(web=24), "but so does a /25"),
        Mistake("web too small", _sizes(web=26), "holds only 59 instances"),
        Mistake("a size as text", _sizes(db="twenty-seven"), "is not a prefix length"),
        Mistake("admin missing", lambda plan: setattr(plan, "sizes", {"web": 25, "app": 23, "db": 27}),
                "no size for 'admin'"),
    ],
    "vpc": [
        Mistake("nothing done yet", _nothing, "plan.vpc is still empty"),
        Mistake("overlaps the legacy VPC", _vpc("10.20.0.0/21"), "overlaps the legacy VPC"),
        Mistake("overlaps the office VPN", _vpc("10.20.16.0/21"), "overlaps the office VPN"),
        Mistake("host bits set", _vpc("10.20.4.0/21"), "not where a /21 block starts"),
        Mistake("outside the space", _vpc("10.21.0.0/21"), "outside 10.20.0.0/16"),
        Mistake("too small for today", _vpc("10.20.8.0/22"), "too few even for today's subnets"),
        Mistake("bigger than needed", _vpc("10.20.32.0/20"), "takes 4,096 addresses"),
        Mistake("not a network", _vpc("10.20.8.0"), "has no prefix"),
    ],
    "az-a": [
        Mistake("nothing done yet", _nothing, "there is no subnet 'web-a' yet"),
        Mistake("web-a inside app-a", _add(*_replace(GOOD_A, "web-a", "10.20.8.0/25", "a")),
                "web-a 10.20.8.0/25 overlaps app-a 10.20.8.0/23"),
        Mistake("db-a outside the VPC", _add(*_replace(GOOD_A, "db-a", "10.20.16.0/27", "a")), "is outside the VPC"),
        Mistake("app-a a /24", _add(*_replace(GOOD_A, "app-a", "10.20.8.0/24", "a")), "would be too small"),
        Mistake("app-a a /22", _add(*_replace(GOOD_A, "app-a", "10.20.8.0/22", "a")), "extra addresses would be missing"),
        Mistake("app-a with host bits", _add(*_replace(GOOD_A, "app-a", "10.20.9.0/23", "a")),
                "not where a /23 block starts"),
        Mistake("db-a in AZ c", _add(*_replace(GOOD_A, "db-a", "10.20.15.128/27", "c")), "go in AZ a"),
        Mistake("small subnets scattered over the /23 slots",
                _add(("app-a", "10.20.8.0/23", "a"), ("web-a", "10.20.10.0/25", "a"), ("db-a", "10.20.12.0/27", "a")),
                "cut into pieces"),
    ],
    "az-c": [
        Mistake("nothing done yet", _nothing, "there is no subnet 'web-c' yet"),
        Mistake("web-c in AZ a, beside web-a", _add(*_replace(GOOD_C, "web-c", "10.20.14.128/25", "a")),
                "the same as web-a"),
        Mistake("app-c in the growth AZ", _add(*_replace(GOOD_C, "app-c", "10.20.10.0/23", "b")), "go in AZ c"),
        Mistake("db-c on top of db-a", _add(*_replace(GOOD_C, "db-c", "10.20.15.128/27", "c")), "overlaps db-a"),
    ],
    "admin": [
        Mistake("nothing done yet", _nothing, "there is no subnet 'admin' yet"),
        Mistake("a /29", _add(("admin", "10.20.15.224/29", "a")), "smaller than AWS allows"),
        Mistake("in the growth AZ", _add(("admin", "10.20.15.224/28", "b")), "where nothing runs yet"),
        Mistake("on top of web-c", _add(("admin", "10.20.14.128/28", "a")), "overlaps web-c"),
    ],
    "az-b": [
        Mistake("nothing done yet", _nothing, "there is no subnet 'web-b' yet"),
        Mistake("web-b in AZ c", _add(("app-b", "10.20.12.0/23", "b"), ("web-b", "10.20.15.0/25", "c"),
                                      ("db-b", "10.20.15.192/27", "b")), "the same as web-c"),
        Mistake("app-b over app-c", _add(("app-b", "10.20.10.0/23", "b"), ("web-b", "10.20.15.0/25", "b"),
                                         ("db-b", "10.20.15.192/27", "b")), "overlaps app-c"),
        Mistake("db-b past the end of the VPC", _add(("app-b", "10.20.12.0/23", "b"), ("web-b", "10.20.15.0/25", "b"),
                                                     ("db-b", "10.20.16.0/27", "b")), "is outside the VPC"),
    ],
    "app-rules": [
        Mistake("nothing done yet", _nothing, "plan.app_rules is still empty"),
        Mistake("the whole VPC", _rules("10.20.8.0/21"), "also let in web-a"),
        Mistake("one block per subnet", _rules("10.20.8.0/23", "10.20.10.0/23", "10.20.12.0/23"),
                "with 3 blocks where 2 do"),
        Mistake("forgot AZ b", _rules("10.20.8.0/22"), "leave out app-b"),
        Mistake("summarised too far", _rules("10.20.8.0/22", "10.20.12.0/22"), "also let in web-a"),
        Mistake("host bits in a rule", _rules("10.20.9.0/22"), "host bits set"),
    ],
}
