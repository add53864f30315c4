# %% [markdown]
# # 01 · Why the cloud
#
# Every service you will build in this course does the same three things: it keeps **data**, a
# **server** turns that data into something useful, and a **network** carries the result to users.
# Running all three yourself means answering a long list of questions that have nothing to do with
# your users. This lesson is about why teams hand most of that list to a cloud (클라우드) provider, what they
# keep, and why the part they keep is so often *the network*.
#
# **Learning objectives.** After this lesson you can:
# 1. say what the cloud and cloud computing (클라우드 컴퓨팅) are, and what separation of concerns (관심사의 분리) buys a team;
# 2. compare on-premises (온프레미스) and public cloud (퍼블릭 클라우드) with numbers (idle capacity, unmet demand);
# 3. split security work between the provider and yourself (the shared responsibility model (공동 책임 모델));
# 4. draw a region (리전) with its availability zones (가용 영역), transit centres (트랜짓 센터) and edge PoPs (엣지 PoP), and estimate the
#    latency (지연 시간) distance costs;
# 5. pick the AWS networking service for a job.
#
# **Builds on:** [00 · Start here](00-start-here.ipynb).
#
# ## Setup

# %%
import matplotlib.pyplot as plt

import helpers
from helpers.checks import quiz
from helpers.draw import cloud
from helpers.exercises import l01 as lesson

helpers.setup()

# %% [markdown] tags=["concept:cloud.definition"]
# ## The cloud and cloud computing
# **Cloud** (클라우드) started as a metaphor for the internet: network diagrams drew the internet as
# a cloud. Today a *cloud service* is anything you reach remotely over the internet: mail, a file
# drive, a map. **Cloud computing** (클라우드 컴퓨팅) is narrower: *computing resources (servers,
# databases, networking) that a provider runs and that you manage over the internet*. You ask for a
# server and get one in a minute; you stop paying when you delete it.
#
# The three resources every service needs, and what each becomes in a public cloud such as AWS:

# %% tags=["concept:cloud.definition"]
resources = {
    "server": "a virtual machine started from an image (EC2), or a container, or a function",
    "database": "a managed database the provider installs, patches and backs up (RDS, DynamoDB)",
    "network": "a virtual private network you define in software (VPC): subnets, routes, firewalls",
}
for kind, in_the_cloud in resources.items():
    print(f"{kind:>8}: {in_the_cloud}")

# %% [markdown] tags=["concept:cloud.definition"]
# ### Try it
# Add a fourth resource to the dictionary, say `"storage"`, and what it becomes in the cloud (files as
# objects in S3, disks as EBS volumes: lesson 13), then run the cell again.
#
# ### Check
# Pick an answer for each question, then press **Check my answers**. A wrong pick gets a hint
# about that particular mistake.

# %% tags=["concept:cloud.definition"]
quiz(lesson.definition, lesson.cloud_word)

# %% [markdown] tags=["concept:cloud.why"]
# ## Why use the cloud? Separation of concerns
# A service can run on a personal PC, on a server in the office, or in a rented data centre (데이터 센터). Each
# way makes you answer questions like the ones below, and every hour spent on them is an hour not
# spent on your users. A cloud provider answers most of them for you: this is **separation of
# concerns** (관심사의 분리). What is left is your **core value** (핵심 가치): *which data, for whom,
# and what the users want from it* (which query conditions, JSON or XML, how fresh, how correct).

# %% tags=["concept:cloud.why"]
cloud.self_hosting_table()

# %% [markdown] tags=["concept:cloud.why"]
# ### Try it
# Which answers does the cloud *share* with you rather than take over? `[row[0] for row in
# cloud.SELF_HOSTING if row[2].startswith("shared")]`.
#
# ### Check

# %% tags=["concept:cloud.why"]
quiz(lesson.core_value)

# %% [markdown] tags=["concept:cloud.onprem-vs-cloud"]
# ## On-premises vs public cloud
# **On-premises** (온프레미스) means the servers are yours, in your own server room: you buy them
# up front, and you must buy enough for the busiest hour you expect. A **public cloud** (퍼블릭
# 클라우드) rents the provider's machines by the hour, so what runs can follow what is needed.
#
# Here is a made-up but typical week: quiet nights, busy days, and a sale on Saturday afternoon.
# `capacity_plan()` buys servers for the everyday peak (plus 10% headroom) on one side, and rents
# demand plus 10% (in steps of 5 servers) every hour on the other.

# %% tags=["concept:cloud.onprem-vs-cloud"]
plan = cloud.capacity_plan()
plan

# %% tags=["concept:cloud.onprem-vs-cloud"]
cloud.draw_capacity(plan)
plt.show()

# %% [markdown] tags=["concept:cloud.onprem-vs-cloud"]
# Both columns have a cost: bought servers sit idle most of the week *and* fall short during the
# sale (the red line: users get errors); rented servers cost more per hour but only run when needed.
#
# ### Try it
# Buy for the sale instead: `cloud.capacity_plan(bought=180)`. How much of the week is now idle?
# Then try `cloud.capacity_plan(headroom=0.3)` and watch the cloud's idle share grow.
#
# ### Check

# %% tags=["concept:cloud.onprem-vs-cloud"]
answer = None  # ← your answer, e.g. 40
lesson.idle_share.check(answer)

# %% tags=["concept:cloud.onprem-vs-cloud"]
quiz(lesson.spike)

# %% [markdown] tags=["concept:cloud.shared-responsibility"]
# ## The shared responsibility model
# Moving to the cloud does not hand over *all* the work. The provider secures **the cloud itself**:
# buildings, hardware, the global network, the hypervisor, and the servers behind managed services
# (it patches those). You secure **what you put in the cloud**: above all *network security* (which
# networks exist, who may reach which port) and *accounts* (IAM (자격 증명 및 액세스 관리): who may change what), plus your
# instances' operating systems and your data. Most cloud break-ins are on the customer's side of
# this line: an open port or a leaked key, not a broken data centre.

# %% tags=["concept:cloud.shared-responsibility"]
cloud.draw_shared_responsibility()
plt.show()

# %% [markdown] tags=["concept:cloud.shared-responsibility"]
# ### Try it
# The same split as a table: `cloud.responsibility_table()`. Which of your rows would a managed
# database (RDS) move to the provider's side?
#
# ### Check

# %% tags=["concept:cloud.shared-responsibility"]
quiz(lesson.guest_os, lesson.security_group, lesson.hypervisor)

# %% [markdown] tags=["concept:cloud.network-why"]
# ## Why networking matters
# Whatever your service computes, its value reaches users **over the network**. A network fault is
# therefore an outage, even when every server is healthy. Let us see it for real: a user and a web
# server joined by one cable (a live lab, as in lesson 00).

# %% tags=["concept:cloud.network-why"]
from helpers.lab import Lab

lab = Lab("01-outage")
user, web = lab.host("user"), lab.host("web")
lab.link(user, web, ip1="10.0.0.10/24", ip2="10.0.0.80/24")
web.serve_http(80, name="web")
lab.start()
page = user.http("http://10.0.0.80/", timeout=1)
print(page.status, page.reason, "|", page.body.strip())

# %% [markdown] tags=["concept:cloud.network-why"]
# Now unplug the server's cable (`ip link set eth0 down` inside `web`) and ask again. The web server
# process is still running; only the network changed.

# %% tags=["concept:cloud.network-why"]
web.run("ip link set eth0 down")
page = user.http("http://10.0.0.80/", timeout=1)
print(page.status or "no answer |", page.error.split(" after ")[0])
web.run("ss -Hltn 'sport = :80'")  # the server is still listening on port 80

# %% tags=["concept:cloud.network-why"]
web.run("ip link set eth0 up")
page = user.http("http://10.0.0.80/", timeout=1)
print(page.status, page.reason, "|", page.body.strip())
lab.stop()

# %% [markdown] tags=["concept:cloud.network-why"]
# ### Try it
# Before `lab.stop()`, run `user.run("ip -br link")` while the cable is unplugged: the user's card
# says `NO-CARRIER`, the same thing your laptop says when you pull its cable.
#
# ### Check

# %% tags=["concept:cloud.network-why"]
quiz(lesson.outage)

# %% [markdown] tags=["concept:cloud.global-infra"]
# ## Global infrastructure: regions, AZs, transit centres and edge
# AWS builds its cloud in **regions** (리전): geographic areas such as **Seoul, `ap-northeast-2`**.
# A region is not one building. It holds several **availability zones** (가용 영역, AZs), and each AZ
# is one or more separate **data centres** with their own power and cooling.
#
# * **Intra-AZ** (AZ 내부 / AZ 간 연결): the data centres of one AZ are joined by 100 or 400 Gigabit Ethernet links.
# * **Inter-AZ**: the AZs of a region are linked to each other. They are **less than 100 km apart**:
#   far enough that one flood or power cut does not take two down, close enough that a round trip
#   between them takes about a millisecond.
# * **Transit centres** connect the region to the rest of the internet.
# * **Edge PoPs** (points of presence) sit near users all over the world, on AWS's own global
#   network: **edge locations** (엣지 로케이션) and, behind them, larger **regional edge caches** (리전별 엣지 캐시). CloudFront,
#   Route 53, Shield and Global Accelerator run there.

# %% tags=["concept:cloud.global-infra"]
cloud.draw_global_infrastructure()
plt.show()

# %% [markdown] tags=["concept:cloud.global-infra"]
# Why do distances matter so much? Light in glass fibre covers about 200 km per millisecond, and
# nothing on a network is faster. So distance sets a floor under every round trip:

# %% tags=["concept:cloud.global-infra"]
for place, km in cloud.PLACES:
    print(f"{place:<25} {km:>6} km  ≥ {cloud.fibre_rtt_ms(km):6.1f} ms round trip")

# %% tags=["concept:cloud.global-infra"]
cloud.draw_latency_by_distance()
plt.show()

# %% [markdown] tags=["concept:cloud.global-infra"]
# A user in Seoul talking to a server in Virginia waits over 100 ms for *every* round trip (and a web
# page needs several). That is why regions exist on every continent, and why edge PoPs cache
# content near users.
#
# ### Try it
# Real cables are not straight: `cloud.draw_latency_by_distance(route_factor=1.5)`. And add a place:
# `cloud.fibre_rtt_ms(9000)` for Seoul to Sydney.
#
# ### Check

# %% tags=["concept:cloud.global-infra"]
answer = None  # ← milliseconds, e.g. 3.5
lesson.az_rtt.check(answer)

# %% tags=["concept:cloud.global-infra"]
quiz(lesson.why_apart, lesson.seoul, lesson.edge_pop, lesson.transit)

# %% [markdown] tags=["concept:cloud.services-map"]
# ## The networking service map
# AWS's networking services fall into three groups. **Network foundations**: a **VPC** (가상 프라이빗 클라우드) is your own
# private network in a region, and a **Transit Gateway** (전송 게이트웨이) is a hub joining many VPCs and on-premises
# networks. **Edge networking**: **CloudFront** (a CDN (콘텐츠 전송 네트워크)), **Route 53** (DNS), **Global Accelerator**
# (fast, fixed entry points into AWS's backbone) and **Shield** (DDoS (분산 서비스 거부 공격) protection). **Hybrid
# connectivity**: **Direct Connect** (a private line from your data centre; 다이렉트 커넥트) and **Site-to-Site
# VPN** (an encrypted tunnel over the internet; 사이트 간 VPN). Later lessons build most of these for real.

# %% tags=["concept:cloud.services-map"]
cloud.draw_service_map()
plt.show()

# %% tags=["concept:cloud.services-map"]
cloud.service("Direct Connect")

# %% [markdown] tags=["concept:cloud.services-map"]
# ### Try it
# Look up the others: `cloud.service("Global Accelerator")`, or print `cloud.services_table()`.
#
# ### Check: which service for the job?

# %% tags=["concept:cloud.services-map"]
quiz(lesson.office_vpn, lesson.many_vpcs, lesson.images_near_users, lesson.ddos)

# %% [markdown]
# ## Summary
# * The cloud is what you reach over the internet; cloud computing is servers, databases and
#   networks a provider runs and you manage over the internet.
# * Separation of concerns: the provider answers the questions of racks, spares and hardware; you
#   keep your core value. On-premises buys for the peak; the cloud rents for the demand.
# * Shared responsibility: the provider secures the cloud; you secure what is in it, above all
#   network rules and accounts (IAM).
# * The network carries all value to users, so a network fault is an outage.
# * A region (Seoul, `ap-northeast-2`) holds AZs of separate data centres < 100 km apart (100/400
#   GbE inside an AZ), transit centres lead to the internet, and edge PoPs sit near users.
#   Distance costs at least 1 ms of round trip per 100 km.
#
# ## Terms

# %%
from helpers import glossary

glossary.terms("01")

# %% [markdown]
# **Next:** [02 · Networks and the OSI model](02-networks-and-osi.ipynb)
