# %% [markdown]
# # Lab · The VPC workshop: public, private and admin subnets in two AZs
#
# **Mission.** Build the network every AWS infrastructure workshop starts with, one API call at a
# time, in the course's model of AWS: a VPC across two Availability Zones with public, private and
# admin subnets, an internet gateway, a NAT gateway, a bastion host in a public subnet, an
# application server reachable only through the bastion, security groups and a network ACL.
#
# ```
#                        the internet (the admin office 203.0.113.0/24)
#                                       │
#                               internet gateway
#        ┌──────────────────── VPC workshop 10.0.0.0/16 ────────────────────┐
#        │  AZ a                                    AZ c                    │
#        │  public-a   10.0.1.0/24  bastion, NAT    public-c   10.0.2.0/24   │
#        │  private-a  10.0.11.0/24 app             private-c  10.0.12.0/24  │
#        │  admin-a    10.0.21.0/24                 admin-c    10.0.22.0/24  │
#        └───────────────────────────────────────────────────────────────────┘
# ```
#
# Every step is checked twice. First the **reachability analyzer** of lesson 09 reads your model
# and answers questions about traffic ("can the office open ssh to the bastion?"); when it says
# no, its explanation is your hint. Then the same questions go through a **real network built
# from your model**: Linux namespaces for the VPC router, the subnets, the gateways and every
# instance, with your route tables as kernel routing tables and your security groups and network
# ACLs as firewall rules. A step is done when real packets agree.
#
# **Time:** 45-60 minutes. **Prerequisites:** lesson 09 (AWS VPC), which introduces the model
# (`cloud.add_vpc`, `vpc.add_subnet`, route tables, gateways, `subnet.launch`, security groups,
# network ACLs) and the analyzer. A live lab mode (as root, or rootless where user namespaces
# are allowed) for the real-network half of the checks; offline, the analyzer checks alone and
# says so.

# %% [markdown]
# ## Set-up
# An empty AWS account in the model (Region Seoul, `ap-northeast-2`, whose AZs are `a` to `d`),
# and the mission that checks it.

# %%
import helpers

helpers.setup()
from helpers.aws import analyze
from helpers.aws.materialize import materialize
from helpers.experiments import l09

world = l09.WorkshopWorld.fresh()
cloud = world.cloud            # your account: build everything in it
mission = l09.workshop_mission(world)
mission

# %% [markdown]
# ## A tour of the real network (on a small example VPC)
# Before you build yours, here is what the checks do with a model. `l09.demo_cloud()` is a tiny
# VPC (not the workshop's answer): a public subnet `front` with a web server and a private subnet
# `back` with a database. `materialize` turns it into a lab; `vlab.names` shows which AWS
# resource became which lab node.

# %%
demo = l09.demo_cloud()
vlab = materialize(demo, l09.DEMO_LAB)
vlab.start()
vlab.names

# %% [markdown]
# The VPC router `rtr1` picks a routing table by the interface a packet arrives on: that is how
# each subnet gets *its* route table. `front` uses `demo-rt` (table 102), `back` the main route
# table (table 101), which has no way out: `blackhole default`.

# %%
vlab.run("rtr1", "ip rule show; ip route show table 101")

# %% [markdown]
# A security group is a stateful firewall in the instance itself: replies of allowed connections
# pass first, then the allow rules, then everything else is dropped. `db-sg` admits MySQL only
# from members of `web-sg` (a set of their private addresses):

# %%
vlab.run("db", "nft list ruleset")

# %% [markdown]
# Questions go to the analyzer and to the kernel at once; the table shows both verdicts:

# %%
vlab.compare_many([
    ("the internet", "web", "tcp", 80),     # web has a public IP; web-sg admits HTTP
    ("the internet", "db", "tcp", 3306),    # db has no public IP
    ("web", "db", "tcp", 3306),             # db-sg admits web-sg
    ("the internet", "db", "tcp", 22),      # ssh to db only from inside, through web
    ("db", "the internet", "tcp", 443),     # back has no route out
])

# %% [markdown]
# And real traffic, with the real tools: the internet fetches web's page at its public IP (the
# internet gateway maps it to web's private address).

# %%
vlab.run("internet", f"curl -s --max-time 2 http://{demo.instance('web').public_ip}/")

# %% [markdown]
# A real ping from each instance to the internet host: web gets out through the internet gateway
# (`ttl=61`: three routers on the way, the VPC router `rtr1`, the gateway `igw1` and the
# internet's `isp`); db, in a subnet without a way out, gets nothing back.

# %%
vlab.node("web").ping("203.0.113.10", count=1)

# %%
vlab.node("db").ping("203.0.113.10", count=1)

# %% [markdown]
# Reaching a private instance through a jump host: from web, db's ssh port answers with its
# banner (db-sg admits ssh from web-sg), which the internet could never reach directly. In the
# mission, the bastion plays this part.

# %%
vlab.run("web", "curl -s --max-time 1 telnet://10.9.2.4:22 </dev/null")

# %%
vlab.stop()

# %% [markdown]
# **How the checks ask.** Some questions need a machine where you have none yet ("is public-c
# really public?"). The checks then ask on a *copy* of your model with one test instance per
# subnet (`test-pub-a`, `test-prv-c`, `test-adm-a` ..., with an open security group and, in the
# public subnets, a public IP). Your own model never changes.

# %% [markdown] tags=["concept:vpc.subnet-az"]
# ## Step 1 · The VPC and its six subnets
# One VPC, `workshop`, 10.0.0.0/16. Three roles, each in both AZs, so losing one data centre
# leaves the other half running: `public-a`/`public-c` (10.0.1.0/24, 10.0.2.0/24),
# `private-a`/`private-c` (10.0.11.0/24, 10.0.12.0/24), `admin-a`/`admin-c` (10.0.21.0/24,
# 10.0.22.0/24). Useful: `vpc = cloud.add_vpc(NAME, CIDR)`, `vpc.add_subnet(NAME, CIDR, AZ)`
# with the AZ as `"a"` or `"c"`.

# %% tags=["concept:vpc.subnet-az"]
mission.goal(1)

# %%
# Your calls for step 1, e.g. vpc = cloud.add_vpc(...)


# %% tags=["concept:vpc.subnet-az"]
mission.check(1)

# %% [markdown] tags=["concept:vpc.igw"]
# ## Step 2 · The internet gateway and the public route table
# A subnet is *public* when its route table sends 0.0.0.0/0 to an internet gateway. Useful:
# `igw = vpc.add_internet_gateway(NAME)`, `rt = vpc.add_route_table(NAME)`,
# `rt.add_route("0.0.0.0/0", igw)`, `rt.associate(vpc.subnet("public-a"))`. Careful with the
# main route table: every subnet without a table of its own uses it.

# %% tags=["concept:vpc.igw"]
mission.goal(2)

# %%
# Your calls for step 2


# %% tags=["concept:vpc.igw"]
mission.check(2)

# %% [markdown] tags=["concept:vpc.nat-gw"]
# ## Step 3 · The NAT gateway
# Private instances need the internet one way (updates, packages), never the other. A NAT
# gateway lives in a public subnet with an Elastic IP; the private subnets' route table points
# 0.0.0.0/0 at it. The admin subnets get no way out at all. Useful:
# `nat = vpc.subnet("public-a").add_nat_gateway(NAME)`, a second route table for the private
# subnets, `rt.add_route("0.0.0.0/0", nat)`.

# %% tags=["concept:vpc.nat-gw"]
mission.goal(3)

# %%
# Your calls for step 3


# %% tags=["concept:vpc.nat-gw"]
mission.check(3)

# %% [markdown] tags=["concept:vpc.bastion"]
# ## Step 4 · The bastion
# The one door from the internet: an instance in a public subnet, with a public IP, whose
# security group admits ssh from the admin office (203.0.113.0/24) and nothing else. Useful:
# `sg = vpc.add_security_group(NAME, DESCRIPTION)`, `sg.allow_inbound("tcp", 22, CIDR)`,
# `subnet.launch(NAME, security_groups=[sg], public_ip=True)`.

# %% tags=["concept:vpc.bastion"]
mission.goal(4)

# %%
# Your calls for step 4


# %% tags=["concept:vpc.bastion"]
mission.check(4)

# %% [markdown] tags=["concept:vpc.sg"]
# ## Step 5 · The private application server
# `app` lives in a private subnet without a public IP. Its security group admits ssh only from
# the bastion: a rule whose *source is the bastion's security group*, not an address range, so
# it keeps working whatever address the bastion gets. Useful:
# `app_sg.allow_inbound("tcp", 22, bastion_sg)`. The check also tries ssh from another instance
# of the VPC (the test instance in public-c): it must fail.

# %% tags=["concept:vpc.sg"]
mission.goal(5)

# %%
# Your calls for step 5


# %% tags=["concept:vpc.sg"]
mission.check(5)

# %% [markdown] tags=["concept:vpc.nacl"]
# ## Step 6 · A network ACL for the admin subnets
# A second line of defence at the subnet boundary: `admin-acl` admits ssh from the public
# subnets (where the bastion lives) and denies the rest. Network ACLs are stateless and
# numbered: rules are tried from the lowest number up, the first match decides, and a reply is a
# new packet, to the client's ephemeral port, that needs its own outbound rule. Useful:
# `acl = vpc.add_network_acl(NAME)`, `acl.allow_inbound(100, "tcp", 22, CIDR)`,
# `acl.allow_outbound(100, "tcp", (1024, 65535), CIDR)`, `acl.associate(subnet)`.

# %% tags=["concept:vpc.nacl"]
mission.goal(6)

# %%
# Your calls for step 6


# %% tags=["concept:vpc.nacl"]
mission.check(6)

# %% [markdown]
# ## Progress
# The whole mission at a glance (run it whenever you like):

# %%
mission.check()

# %% [markdown]
# ## Explore your VPC for real
# When every step is done, build your own VPC as a live lab and try it with real tools. For
# example (uncomment):
#
# ```python
# mine = world.build()                      # your model as a lab (lab name "09-my-vpc")
# mine.names                                # your resources and their lab nodes
# mine.compare("the internet", "bastion", "tcp", 22)
# mine.node("internet").tcp_connect(cloud.instance("bastion").public_ip, 22)   # an SSH banner answers
# mine.run("bastion", "ip route; nft list ruleset")
# mine.run("app", "curl -s --max-time 2 http://203.0.113.10/")   # out through the NAT gateway
# mine.stop()
# ```
#
# **Your real AWS account.** `helpers.aws.boto_loader.load_account(region=...)` reads an
# account's VPCs with read-only `describe_*` calls (it changes nothing) into this same model, so
# the analyzer can answer about it. It needs boto3 (`pip install boto3`) and your credentials,
# and it is never run by this notebook.
#
# ## Stuck?
# Read the hint of `mission.check(N)` again: it names what it found wrong, usually with the
# analyzer's own explanation. Ask the analyzer yourself, e.g.
# `analyze(cloud, "the internet", "bastion", "tcp", 22)`, and look at the parts:
# `cloud.vpc("workshop").route_table("public-rt")`, `cloud.vpc("workshop").security_group("bastion-sg")`.
# Instructors can show a step's reference code with `mission.reveal(N, instructor=True)`;
# without that, it only says where the solutions are kept:

# %%
mission.reveal(1)

# %% [markdown]
# ## Clean up
# Stop the labs the checks built (they also stop when the notebook's kernel stops).

# %%
world.close()

# %% [markdown]
# **Back to the lesson:** [09 · AWS VPC](../../notebooks/09-aws-vpc.ipynb)
