# %% [markdown]
# # Lab · A three-tier VPC, planned
#
# **Mission.** A web shop is moving to AWS Seoul. You are its network engineer, and before anyone
# clicks "Create VPC" you write the address plan: a web tier, an application tier and a database
# tier, each in two Availability Zones, a small admin subnet for the bastion, and next year's third
# AZ planned today. The network team hands out addresses from `10.20.0.0/16`, where two blocks are
# already taken, and asks you not to waste any.
#
# You answer in a `plan` object, one step at a time, and every step is checked: a plan that forgets
# the five addresses AWS keeps in every subnet, overlaps a block in use, puts both copies of a tier
# in one data centre, or leaves no aligned room for next year gets a hint about *that* mistake.
#
# **Time:** 30-45 minutes. **Prerequisites:** lesson 03 (*IP addresses and subnetting*: CIDR,
# VLSM, summarising, AWS's reserved addresses). Lesson 09 (*AWS VPC*) helps with the why of
# subnets and AZs but is not needed. No live lab: this mission runs the same in every mode.

# %% [markdown]
# ## Set-up

# %%
import helpers

helpers.setup()
import matplotlib.pyplot as plt

from helpers.addressing import describe, overlaps, plan_vlsm, prefix_for_hosts, summarize, usable_hosts
from helpers.draw.addressing import plan_chart
from helpers.experiments.subnet_plan import BRIEF, SubnetPlan, subnet_plan_mission

plan = SubnetPlan()
mission = subnet_plan_mission(plan)
BRIEF

# %% [markdown]
# The whole mission, step by step:

# %%
mission

# %% [markdown]
# The plan is empty for now; printing it shows what you have filled in so far:

# %%
plan

# %% [markdown] tags=["concept:ip.aws-reserved"]
# ## Step 1 · Size the subnets
# A subnet must hold its instances, and AWS takes **five addresses of every subnet**: the network
# address, `+1` for the VPC router, `+2` for the Amazon DNS server, `+3` kept for future use, and the
# last one. So a /24 holds 251 instances in AWS, not 254, and AWS subnets are /16 to /28 (a /28 has
# 11 usable addresses). Compare an ordinary LAN with AWS:

# %% tags=["concept:ip.aws-reserved"]
for prefix in (24, 27, 28):
    print(f"/{prefix}: {usable_hosts(prefix):>3} usable on a LAN, {usable_hosts(prefix, cloud='aws'):>3} in AWS")
describe("10.20.8.0/28", cloud="aws")

# %% [markdown]
# `prefix_for_hosts(hosts, cloud="aws")` finds the smallest subnet that fits; check your own
# arithmetic with it. Set `plan.sizes` to the prefix length of each subnet: one web, one app and one
# database subnet per AZ, and the admin subnet.

# %% tags=["concept:ip.aws-reserved"]
mission.goal(1)

# %%
# Your answer for step 1, e.g. plan.sizes = {"web": 24, "app": 24, "db": 24, "admin": 24}


# %% tags=["concept:ip.aws-reserved"]
mission.check(1)

# %% [markdown]
# ## Step 2 · Choose the VPC block
# Add up what today's subnets take, then what a third AZ's web, app and db subnets add: the VPC's
# block must hold both (a VPC cannot simply be made bigger later) and no more. It must lie inside
# `10.20.0.0/16`, share no address with the blocks already in use, and start where a block of its
# size starts. `overlaps(a, b)` tells you whether two blocks share an address:

# %%
print(overlaps("10.20.0.0/21", "10.20.0.0/22"), overlaps("10.20.4.0/22", "10.20.0.0/22"))

# %%
mission.goal(2)

# %%
# Your answer for step 2, e.g. plan.vpc = "10.20.x.0/NN"


# %%
mission.check(2)

# %% [markdown] tags=["concept:ip.vlsm"]
# ## Steps 3-6 · Lay out the subnets
# Subnets of different sizes in one block is VLSM, and the rule that keeps it tidy is the one from
# lesson 03: **biggest first, packed from the start**. Each block starts at a multiple of its own
# size, so small blocks placed carelessly can cut the space into pieces that no big block fits any
# more, even when enough addresses are free in total. Here is VLSM on an unrelated network:

# %% tags=["concept:ip.vlsm"]
example = plan_vlsm("192.168.0.0/24", {"office": 100, "sales": 50, "lab": 20})
plan_chart(example)
plt.show()
example

# %% [markdown] tags=["concept:ip.vlsm"]
# Add subnets with `plan.add(name, cidr, az=...)` (adding a name again replaces it;
# `plan.remove(name)` takes one out). `plan` prints the layout and the free space, and
# `plan.chart()` draws it once the VPC block is set. The room-to-grow check packs every subnet
# still to come into the free space after each step, so it notices a layout that fits today but
# not next year.
#
# ### Step 3 · AZ a

# %% tags=["concept:ip.vlsm"]
mission.goal(3)

# %%
# Your subnets for step 3, e.g. plan.add("app-a", "10.20.x.0/NN", az="a")


# %% tags=["concept:ip.vlsm"]
mission.check(3)

# %% [markdown]
# ### Step 4 · AZ c
# A subnet lives in exactly one Availability Zone. Putting the second copy of each tier in another
# AZ is what lets the shop survive the loss of a data centre.

# %%
mission.goal(4)

# %%
# Your subnets for step 4


# %%
mission.check(4)

# %% [markdown]
# ### Step 5 · Admin subnet

# %%
mission.goal(5)

# %%
# Your subnet for step 5


# %%
mission.check(5)

# %% [markdown]
# ### Step 6 · Room for AZ b
# Writing next year's subnets into the plan now is the surest way to know they will fit.

# %%
mission.goal(6)

# %%
# Your subnets for step 6


# %%
mission.check(6)

# %% [markdown] tags=["concept:ip.summarize"]
# ## Step 7 · The database's rules
# The database's security group should let in the app servers of all three AZs and nothing else.
# Fewer rules are easier to read (and a group holds at most 60): neighbouring blocks that together
# form one aligned block merge into one. `summarize()` does the merging, and never covers an address
# the blocks did not:

# %% tags=["concept:ip.summarize"]
summarize(["192.168.4.0/24", "192.168.5.0/24", "192.168.6.0/24"])

# %% tags=["concept:ip.summarize"]
mission.goal(7)

# %%
# Your answer for step 7, e.g. plan.app_rules = ["10.20.x.0/NN", ...]


# %% tags=["concept:ip.summarize"]
mission.check(7)

# %% [markdown]
# ## Progress
# The whole mission at a glance (run it whenever you like):

# %%
mission.check()

# %% [markdown]
# ## Stuck?
# Read the hint of `mission.check(N)` again: it names what it found wrong. `plan` shows your layout
# and its free blocks. Instructors can show a step's reference answer with
# `mission.reveal(N, instructor=True)`; without that, it only says where the solutions are kept:

# %%
mission.reveal(3)

# %% [markdown]
# ### Try it
# When the mission is complete, build the VPC you planned in the AWS model of lesson 09:
# `Cloud().add_vpc("shop", plan.vpc)` and `vpc.add_subnet(name, cidr, az)` for each subnet. AWS's own
# checks (no overlap, inside the VPC, /16 to /28) must agree with yours.
#
# **Back to the lesson:** [03 · IP addresses and subnetting](../../notebooks/03-ip-addressing-and-subnetting.ipynb)
