# %% [markdown]
# # Lab · Five more broken VPCs
#
# **Mission.** You are on call for a cloud team, and five tickets are waiting. Each one is a VPC
# that stopped doing something it should, described the way people describe problems: "the status
# page does not load", "the admins are locked out". Lesson 09 fixed five broken VPCs with the
# question handed to you; these five are different faults, and this time you ask the question
# yourself. For each ticket:
#
# 1. read the complaint and what must be true after your repair (`cases[n]`);
# 2. turn the complaint into an analyzer question, `cases[n].analyze(source, destination, protocol, port)`,
#    and note what stops the traffic: `cases[n].diagnose(code, blocked_at)`, checked;
# 3. repair `cases[n].cloud` with the model's own API (lesson 09), checked against every
#    requirement of the ticket, including the flows that must *stay* blocked: a repair that works
#    by opening too much gets a hint about that.
#
# **Time:** 45-60 minutes. **Prerequisites:** lesson 09 (*AWS VPC*: route tables, internet and
# NAT gateways, Elastic IPs, security groups, network ACLs, transit gateways, the reachability
# analyzer). No live lab: the VPCs are models, so the mission runs the same in every mode.

# %% [markdown]
# ## Set-up

# %%
import helpers

helpers.setup()
import matplotlib.pyplot as plt

from helpers.aws import EXPLANATION_CODES
from helpers.experiments.broken_vpcs import BrokenVpcs, broken_vpcs_mission

cases = BrokenVpcs()
mission = broken_vpcs_mission(cases)
mission

# %% [markdown]
# ## How to work a ticket
# * `cases[n]` shows the ticket; `cases[n].cloud` is its model (print it to see every part);
#   `cases[n].draw()` draws it.
# * `cases[n].analyze("web", "db", "tcp", 5432)` asks the reachability analyzer, as in lesson 09:
#   sources and destinations are instance names, an IP address, or `"the internet"`. The line whose
#   verdict is *drop* or *deny* names the component that stops the traffic, and the explanation code
#   says why (the codes: `EXPLANATION_CODES`).
# * `cases[n].requirements()` shows which required flows pass right now.
# * `cases[n].validate()` runs the whole-model checks; `cases[n].reset()` gives you the broken
#   model back if a repair went wrong.

# %% [markdown] tags=["concept:vpc.nat-gw"]
# ## Ticket 1
# A route names its target by ID. When the target is deleted the route stays, in the state
# *blackhole*, and drops what it matches. Useful: `vpc.route_table(name).replace_route(destination, target)`;
# the NAT gateways are in `cloud.nat_gateways` (or `vpc.nat_gateways`).

# %% tags=["concept:vpc.nat-gw"]
cases[1]

# %% tags=["concept:vpc.nat-gw"]
cases[1].draw()
plt.show()

# %%
# Your analysis, e.g. cases[1].analyze("source", "destination", "tcp", 443)


# %%
# Your diagnosis: cases[1].diagnose("CODE", "component name")


# %% tags=["concept:vpc.nat-gw"]
mission.check(1)

# %%
# Your repair of cases[1].cloud


# %% tags=["concept:vpc.nat-gw"]
mission.check(2)

# %% [markdown] tags=["concept:vpc.igw"]
# ## Ticket 2
# An internet gateway translates between an instance's private address and its public one, one to
# one; an instance without a public address cannot be reached from the internet however right the
# routes and the security group are. Useful: `cloud.allocate_address(name)` gives an Elastic IP,
# and `eip.associate(instance_name)` attaches it.

# %% tags=["concept:vpc.igw"]
cases[2]

# %%
# Your analysis


# %%
# Your diagnosis


# %% tags=["concept:vpc.igw"]
mission.check(3)

# %%
# Your repair


# %% tags=["concept:vpc.igw"]
mission.check(4)

# %% [markdown] tags=["concept:vpc.nacl"]
# ## Ticket 3
# A network ACL evaluates its numbered rules from the lowest number up, and the first rule that
# matches decides. Useful: `vpc.network_acl(name)` prints its rules; `acl.remove_entry(number, "inbound")`,
# `acl.allow_inbound(number, protocol, ports, cidr)` and `acl.deny_inbound(...)` change them. The
# office is `192.0.2.0/24`: analyze from one of its addresses, like `"192.0.2.15"`.

# %% tags=["concept:vpc.nacl"]
cases[3]

# %% tags=["concept:vpc.nacl"]
cases[3].cloud.vpc("ops").network_acl("admin-acl")

# %%
# Your analysis


# %%
# Your diagnosis


# %% tags=["concept:vpc.nacl"]
mission.check(5)

# %%
# Your repair


# %% tags=["concept:vpc.nacl"]
mission.check(6)

# %% [markdown] tags=["concept:vpc.sg"]
# ## Ticket 4
# A security group has inbound *and* outbound rules. New groups allow all traffic out, so outbound
# rules are easy to forget, until someone tightens them: a connection must be allowed out of the
# sender and into the receiver (the replies then pass by themselves: security groups are
# stateful). Useful: `vpc.security_group(name)` prints its rules;
# `group.allow_outbound(protocol, ports, destination)` takes a CIDR block or another group.

# %% tags=["concept:vpc.sg"]
cases[4]

# %%
# Your analysis


# %%
# Your diagnosis


# %% tags=["concept:vpc.sg"]
mission.check(7)

# %%
# Your repair


# %% tags=["concept:vpc.sg"]
mission.check(8)

# %% [markdown] tags=["concept:vpc.transit-gw"]
# ## Ticket 5
# A transit gateway reaches into a VPC through its attachment, which has one network interface in
# one subnet per Availability Zone. Traffic from an AZ where the attachment has no subnet cannot
# enter the transit gateway. On AWS you add a subnet to an attachment in place
# (`ModifyTransitGatewayVpcAttachment`); the model has no such call, so delete the attachment
# (`cloud.delete(attachment)`) and attach the VPC again: `hub.attach_vpc(vpc, [subnets], name=...)`.
# The attachments are in `cloud.tgw_attachments`, the hub in `cloud.transit_gateways`.

# %% tags=["concept:vpc.transit-gw"]
cases[5]

# %% tags=["concept:vpc.transit-gw"]
cases[5].draw()
plt.show()

# %%
# Your analysis


# %%
# Your diagnosis


# %% tags=["concept:vpc.transit-gw"]
mission.check(9)

# %%
# Your repair


# %% tags=["concept:vpc.transit-gw"]
mission.check(10)

# %% [markdown]
# ## Progress
# All ten steps at a glance (run it whenever you like):

# %%
mission.check()

# %% [markdown]
# ### Try it
# Run `cases[n].validate()` on each broken model before you repair it: which of the five faults
# does validation already flag without any traffic being analyzed, and which only show up when you
# ask about a flow?
#
# ## Stuck?
# Read the hint of `mission.check(N)` again: it names what it found. `cases[n].requirements()`
# shows which flows pass, and `cases[n].analyze(...)` why one does not. Instructors can show a
# step's reference answer with `mission.reveal(N, instructor=True)`; without that, it only says
# where the solutions are kept:

# %%
mission.reveal(2)

# %% [markdown]
# **Back to the lesson:** [09 · AWS VPC](../../notebooks/09-aws-vpc.ipynb)
