# %% [markdown]
# # 14 · Capstone: a plausible infrastructure
#
# Korean infrastructure workshops end their first week with a task called "building a plausible
# infrastructure" (그럴듯한 인프라 만들기): not a toy with one server, but the network a small real
# service would run on. The public web tier is kept apart from the private data tier (network
# separation, 망 분리), there is one guarded door for administrators, and every part exists twice, in
# two data centres. This capstone builds that network from the pieces of the earlier lessons and
# checks it the way an operations team would. First you **design** the addresses, then **build** the
# model and **analyse** which traffic it allows. Next you **build it live** on real Linux networking,
# **test** every flow for real, and finally **break** it on purpose and **fix** it again. Each step
# reuses a helper you already know, so this lesson is mostly about putting them together and
# reading what they say.
#
# **Learning objectives.** After this lesson you can:
# 1. plan the subnets of a three-tier VPC in two Availability Zones with VLSM, knowing AWS's five
#    reserved addresses;
# 2. build it in the model: internet and NAT gateways, route tables, a load balancer's nodes, a
#    bastion, security groups that chain tier to tier, and a network ACL;
# 3. state the flows the design must allow and forbid, and name the component that blocks each one
#    that must be forbidden;
# 4. prove the design on a live network: real requests through HAProxy to both web servers, and the
#    analyzer's verdict next to the kernel's for every flow;
# 5. run failure drills (a lost route, a mis-ordered ACL rule, an over-open security group; 장애 훈련) and tell
#    an outage from a security finding.
#
# **Builds on:** [03 · IP addressing](03-ip-addressing-and-subnetting.ipynb) (VLSM),
# [09 · AWS VPC](09-aws-vpc.ipynb) (the model, the analyzer, the live VPC) and the
# [VPC workshop lab](../labs/vpc-workshop/mission.ipynb), and
# [10 · Load balancing](10-load-balancing.ipynb) (HAProxy, ALB).

# %% [markdown]
# ## Setup

# %%
import matplotlib.pyplot as plt

import helpers

helpers.setup()

from helpers import glossary
from helpers.aws import analyze, validate
from helpers.draw.vpc import draw_vpc
from helpers.exercises import l14 as lesson
from helpers.experiments import l14

# %% [markdown] tags=["concept:capstone.infra"]
# ## 1. Design: the addresses
#
# The architecture is a **three-tier architecture** (3계층 아키텍처): a load balancer in front, web
# servers behind it, a database behind them. Each tier gets a subnet in both Availability Zones
# (가용 영역) `a` and `c`, and each tier can be reached only from the tier in front of it:
#
# | subnets | holds | way out | reached from |
# |---|---|---|---|
# | `public-a`, `public-c` | the load balancer's nodes, the NAT gateway | internet gateway | the internet (HTTP) |
# | `private-a`, `private-c` | the web servers `web-a`, `web-c` | NAT gateway (one way) | the load balancer |
# | `db-a`, `db-c` | the database `db` | none | the web servers |
# | `admin-a`, `admin-c` | the **bastion host** (배스천 호스트) | internet gateway | the admin office, ssh only |
#
# How big should each subnet be? The web tier may grow to a few hundred instances, the admin subnets (관리용 서브넷)
# hold a bastion and a few tools. `l14.design()` asks for this many hosts per subnet and hands the
# numbers to `plan_vlsm` (lesson 03), which gives each subnet the smallest block that fits, counting
# the five addresses AWS keeps in every subnet:

# %% tags=["concept:capstone.infra"]
l14.NEEDS

# %% tags=["concept:capstone.infra"]
plan = l14.design()
plan

# %% [markdown] tags=["concept:capstone.infra"]
# The eight subnets use about 2 % of the /16. The rest stays free for later tiers, more AZs or a
# peered VPC that must not overlap.
#
# ### Try it
# Give the web tier room for 1,000 hosts per AZ, `l14.design(needs={**l14.NEEDS, "private-a": 1000,
# "private-c": 1000})`: which prefix do they get now? Then try to squeeze everything into
# `"10.0.0.0/22"` and read the error.
#
# ### Check

# %% tags=["concept:capstone.infra"]
display(lesson.ask(lesson.admin_usable))
answer = None  # ← a number of addresses
lesson.admin_usable.check(answer)

# %% [markdown] tags=["concept:capstone.infra"]
# ## 2. Build: the model
#
# `l14.build(plan)` makes the whole design in the model of lesson 09, with the same calls you made in
# the VPC workshop (`add_vpc`, `add_subnet`, `add_route_table`, `add_nat_gateway`, `launch` ...).
# Read its code with `l14.build??`. The parts that are new here:
#
# * **The load balancer.** Inside a VPC, an application load balancer is a set of *load balancer
#   nodes*: one network interface in each public subnet you enable it in, each with a public IP and
#   the load balancer's own **security group** (보안 그룹) `lb-sg` (HTTP from anywhere). The model
#   has them as `lb-a` and `lb-c`.
# * **Security group chaining** (보안 그룹 체이닝). `web-sg` admits HTTP *from `lb-sg`*, `db-sg`
#   admits PostgreSQL (5432) and MySQL (3306) *from `web-sg`*, and ssh (22) to web and db comes only
#   *from `bastion-sg`*. Those rules name groups, not addresses, so they keep working as instances
#   come and go.
# * **The bastion and the admin office.** `bastion-sg` admits ssh only from the admin office,
#   203.0.113.0/25 (a documentation range; the lab's internet host, 203.0.113.10, sits in it, and
#   its second address 203.0.113.200 plays a stranger outside it). The
#   **network ACL** `admin-acl` on the admin subnets repeats that at the subnet edge and lets the
#   bastion open ssh into the VPC. Two independent layers make **defence in depth** (심층 방어).
# * **One NAT gateway** (NAT 게이트웨이) in `public-a` lets the web servers out for updates. The
#   database subnets stay on the main route table: the local route only.

# %% tags=["concept:capstone.infra"]
cloud = l14.build(plan)
cloud.vpc("capstone")

# %% tags=["concept:capstone.infra"]
draw_vpc(cloud, title="The capstone VPC: three tiers and an admin subnet in two AZs")
plt.show()

# %% [markdown] tags=["concept:capstone.infra"]
# Before anything runs, ask what AWS would say. `validate` checks the whole model the way the AWS
# API checks each call, and adds warnings for things AWS accepts but that break traffic:

# %% tags=["concept:capstone.infra"]
validate(cloud)

# %% [markdown] tags=["concept:capstone.infra"]
# And some mistakes AWS refuses outright, tried on copies of the model. Each row is the error
# code you would see in the console or the CLI:

# %% tags=["concept:capstone.infra"]
l14.refusals(cloud)

# %% [markdown] tags=["concept:capstone.infra"]
# ## 3. Analyse: what must get through, what must not
#
# A design is a promise about traffic. `l14.REQUIRED` writes the promise down: eighteen flows, each
# with the answer the design wants and why. The reachability analyzer of lesson 09 answers each one
# from the configuration alone. For every "no" it names the first component on the path that
# stops the packet, with Reachability Analyzer's explanation code:

# %% tags=["concept:capstone.infra"]
l14.analyse(cloud)

# %% [markdown] tags=["concept:capstone.infra"]
# Every row has a ✓: the model does what the design says. Look at *where* things are stopped.
# The internet never reaches `web-a` or `db`, because they have no public IP and so nothing to
# map at the internet gateway. `lb-a` may not talk to the database (`db-sg`). The database has no
# way out (its route table). The bastion cannot even try HTTP to `web-a`, because `admin-acl` lets
# only ssh leave the admin subnet, and `web-sg` would stop it too. That is defence in depth.
#
# The full path of one flow, hop by hop, including the reply:

# %% tags=["concept:capstone.infra"]
analyze(cloud, "web-a", "the internet", "tcp", 443)

# %% [markdown] tags=["concept:capstone.infra"]
# ### Try it
# Ask your own questions, e.g. `analyze(cloud, "web-c", "db", "tcp", 22)` (should the web tier
# ssh to the database?) or `analyze(cloud, "bastion", "the internet", "tcp", 443)`, and read which
# component answers.
#
# ### Check

# %% tags=["concept:capstone.infra"]
display(lesson.ask(lesson.web_blocker))
lesson.web_blocker.check(None)  # ← replace None with the number (or text) of your option

# %% tags=["concept:capstone.infra"]
display(lesson.ask(lesson.db_client))
lesson.db_client.check(None)  # ← replace None with your option

# %% [markdown] tags=["concept:capstone.infra"]
# ## 4. Build it live
#
# `l14.CapstoneLab(cloud)` turns the model into a real network with the materialiser of lesson 09:
# a namespace per instance, gateway and subnet switch, the VPC router with one kernel routing
# table per route table, the security groups and the network ACL as nftables rules, and the NAT
# and internet gateways as real NAT. On top it starts what the model cannot: a small web server
# on port 80 in `web-a` and `web-c`, and **HAProxy** on both load balancer nodes. Every instance
# also answers on tcp 22 (an SSH banner), 443, 3306 and 5432, so an open connection is a real
# answer. The table shows which AWS resource became which lab node:

# %% tags=["concept:capstone.infra"]
cap = l14.CapstoneLab(cloud)
cap.start()
cap.names

# %% [markdown] tags=["concept:capstone.infra"]
# The load balancer's configuration: one listener on port 80, one target group with both web
# servers at their private addresses, round robin across the AZs (an ALB balances cross-zone by
# default). The same file runs in `lb-a` and `lb-c` (`haproxy -f haproxy.cfg`):

# %% tags=["concept:capstone.infra"]
print(cap.config)

# %% [markdown] tags=["concept:capstone.infra"]
# Now a customer: four requests from the internet host to `lb-a`'s public IP, one `curl` each. The
# internet gateway maps the public IP to `lb-a`, HAProxy passes each request to the next web
# server, and each web server says who it is:

# %% tags=["concept:capstone.infra"]
result, answered = cap.through_lb("lb-a", 4)
result

# %% [markdown] tags=["concept:capstone.infra"]
# Both AZs answer, taking turns. The node in the other AZ does the same:

# %% tags=["concept:capstone.infra"]
cap.through_lb("lb-c", 4)[1]

# %% [markdown] tags=["concept:capstone.infra"]
# The administrator's way in is the **jump host** (점프 호스트) pattern, `ssh -J bastion web-a`: the
# office reaches the bastion, and the bastion reaches the private servers. From the bastion,
# `web-a`'s ssh port answers with its banner:

# %% tags=["concept:capstone.infra"]
web_a = cloud.instance("web-a").private_ip
cap.run("bastion", f"curl -s --max-time 1 telnet://{web_a}:22 </dev/null")

# %% [markdown] tags=["concept:capstone.infra"]
# From the internet host the same address gets nothing: the packet for a private address has no
# way into the VPC.

# %% tags=["concept:capstone.infra"]
cap.run("the internet", f"curl -s --max-time 1 telnet://{web_a}:22 </dev/null; echo exit code $?")

# %% [markdown] tags=["concept:capstone.infra"]
# ## 5. Test: every flow, the analyzer and the kernel side by side
#
# This is the **end-to-end test** (종단 간 테스트). All eighteen flows go through the real network at
# once (a TCP connection from the source's namespace to the destination's address and port). Next
# to each you see what the design wants, what the analyzer said and what the kernel did:

# %% tags=["concept:capstone.infra"]
tested = cap.verify()
tested

# %% tags=["concept:capstone.infra"]
print("flows:", len(tested.rows), "| analyzer and kernel agree:", tested.column("agree").count("✓"))

# %% [markdown] tags=["concept:capstone.infra"]
# ### Try it
# Test a flow that is not on the list, both ways at once, e.g.
# `cap.vlab.compare("web-c", "lb-a", "tcp", 80)`. Or look at the real rules:
# `cap.run("db", "nft list ruleset")` shows `db-sg` as a firewall, with `web-sg`'s members as a set
# of addresses.

# %% [markdown] tags=["concept:capstone.infra"]
# ## 6. Break it, and fix it
#
# A **failure drill** (장애 훈련) breaks one part on purpose and checks that the checks notice. Each
# drill changes the *model*. `cap.drill(...)` then applies the change to the running network in
# place, the way a console change takes effect at once (`cap.applied` lists the kernel commands).
# Finally it runs the affected flows through the analyzer and the kernel.
#
# ### Drill 1: the NAT route disappears
# Someone "cleans up" `private-rt` and deletes its 0.0.0.0/0 route to the NAT gateway:

# %% tags=["concept:capstone.infra"]
cap.drill("nat-route", "break")

# %% [markdown] tags=["concept:capstone.infra"]
# The customers notice nothing, but the web servers can no longer fetch updates. In the kernel, the
# router's table for `private-rt` (table 103) lost its default route. Like AWS, it now drops what no
# route matches (a blackhole default):

# %% tags=["concept:capstone.infra"]
cap.applied

# %% tags=["concept:capstone.infra"]
cap.drill("nat-route", "fix")

# %% [markdown] tags=["concept:capstone.infra"]
# ### Drill 2: a deny rule before the allow
# To make the admin ACL "stricter", someone adds `deny tcp 22 from 0.0.0.0/0` as rule 90. A network
# ACL tries its rules from the lowest number up and the first match decides, so rule 90 also
# catches the admin office before the allow (rule 100) is ever read:

# %% tags=["concept:capstone.infra"]
cap.drill("acl-order", "break")

# %% [markdown] tags=["concept:capstone.infra"]
# The fix keeps the intention and corrects the order: the deny becomes rule 200, after the allow.

# %% tags=["concept:capstone.infra"]
cap.drill("acl-order", "fix")

# %% tags=["concept:capstone.infra"]
cloud.vpc("capstone").network_acl("admin-acl")

# %% tags=["concept:capstone.infra"]
display(lesson.ask(lesson.acl_number))
lesson.acl_number.check(None)  # ← replace None with your option

# %% [markdown] tags=["concept:capstone.infra"]
# ### Drill 3: a security group opened to the world
# While debugging, someone adds `tcp 80 from 0.0.0.0/0` to `web-sg`. Nothing breaks. The internet
# still cannot reach `web-a`, because it still has no public IP. But other instances in the VPC (here `db`) can now skip
# the load balancer:

# %% tags=["concept:capstone.infra"]
cap.drill("open-web-sg", "break")

# %% [markdown] tags=["concept:capstone.infra"]
# Reachability tests that only ask "does the site work?" all pass, so this needs a different
# kind of check. `l14.audit` looks for security groups that admit the whole internet where they
# should not. It reports a **security finding**: no outage, just more access than **least
# privilege** (최소 권한 원칙) allows:

# %% tags=["concept:capstone.infra"]
l14.audit(cloud)

# %% tags=["concept:capstone.infra"]
cap.drill("open-web-sg", "fix")
l14.audit(cloud)

# %% tags=["concept:capstone.infra"]
display(lesson.ask(lesson.open_sg))
lesson.open_sg.check(None)  # ← replace None with your option

# %% [markdown] tags=["concept:capstone.infra"]
# After the three drills and their fixes, the whole test again: every flow is back to what the
# design wants.

# %% tags=["concept:capstone.infra"]
final = cap.verify()
print("as designed:", all(r[1] == ("yes" if r[3] == "delivered" else "no") for r in final.rows),
      "| analyzer and kernel agree:", final.column("agree").count("✓"), "of", len(final.rows))

# %% [markdown]
# ### Try it
# Invent a drill of your own on the running lab: change the model, apply, test. For example, take
# the bastion's public IP path away by moving the admin subnets to the main route table,
# `cloud.vpc("capstone").route_table("public-rt").disassociate(cloud.vpc("capstone").subnet("admin-a"))`,
# then `cap.apply()` and `cap.verify()`. Which rows change, and which component does the analyzer
# blame? (Re-associate it afterwards, or rebuild with `l14.build()`.)
#
# Stop the lab (it also stops when the kernel stops):

# %%
cap.stop()

# %% [markdown]
# ## Summary
# * A plausible infrastructure separates tiers into subnets in **two AZs**: public (load balancer
#   nodes, NAT gateway), private (web), data (database, no way out) and admin (bastion).
# * **Design first**: VLSM sizes each subnet for its hosts plus AWS's 5 reserved addresses, and
#   leaves room to grow.
# * **Security group chaining** lets each tier in only from the tier in front (`lb-sg` → `web-sg` →
#   `db-sg`), and ssh only from `bastion-sg`; the **network ACL** adds a stateless second layer at the
#   subnet edge (**defence in depth**).
# * An ALB in a VPC is **load balancer nodes in the public subnets** with their own security group;
#   the web servers need no public IP.
# * Write the required flows down. The **analyzer** tells you which component blocks each forbidden
#   one, and the **live test** proves the same flows on a real network (here: every flow agreed).
# * **Failure drills** show that the checks notice: a missing route and a mis-ordered ACL rule are
#   outages; an over-open security group is a **security finding** that only an audit catches.
# * Still a **single point of failure** (단일 장애 지점) here: one NAT gateway in `public-a`. A second one in
#   `public-c`, with a route table per AZ, removes it.
#
# ## Terms

# %%
glossary.terms("14")

# %% [markdown]
# ## Where to go next
# * Make it highly available all the way: a NAT gateway per AZ (`public-c` too) and a route table
#   per private subnet; then drill "AZ a is lost" by deleting `nat-a`.
# * Replace the admin office's ssh with a managed session service, or a VPN into the admin subnet
#   (lesson 09's hybrid section).
# * Read a real account into the same model with `helpers.aws.boto_loader.load_account` and run
#   `l14.analyse`-style flow lists against it.
# * Describe this whole design as **infrastructure as code** (코드형 인프라) with Terraform or AWS
#   CloudFormation. `l14.build` is already a small version of that: the same file always makes the
#   same network.
#
# **Back to the start:** [00 · Start here](00-start-here.ipynb)
