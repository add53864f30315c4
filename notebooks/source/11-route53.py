# %% [markdown]
# # 11 · DNS with Route 53
#
# Lesson 07 built DNS from scratch: a root, a `com.` server, a domain's own server and a resolver.
# In AWS, the domain's own server is usually **Amazon Route 53** (아마존 라우트 53). It does more than hand out the
# address in a zone file: it can *choose* the answer, per query, by a **routing policy** (라우팅
# 정책): spread users over servers by weight, send each user to the nearest region, or move
# everyone to a standby site when a health check (상태 확인) says the main site is down. In this lesson you run
# a name server that answers the way Route 53 does, query it for real with `dig` from two "cities",
# count its answers, and pull the plug on a web server to watch the answers fail over. A model of
# Route 53 next to it predicts every answer and adds what a lab cannot: real AWS timings.
#
# **Learning objectives.** After this lesson you can:
# 1. say what Route 53 does (registration, hosted zones (호스팅 영역), records, health checks) and why it is
#    called "53"; tell an alias record (별칭 레코드, alias) from a CNAME;
# 2. predict the answers of simple and weighted routing (가중치 기반 라우팅), including weight 0 and its exceptions;
# 3. explain which region latency-based routing (지연 시간 기반 라우팅) picks, and for whom;
# 4. work out how long an active-passive (액티브-패시브) failover takes: health check interval, failure threshold (실패 임곗값)
#    and TTL.
#
# **Builds on:** [07 · HTTP and DNS](07-http-and-dns.ipynb) (zones, authoritative answers, dig,
# TTL and caching) and [10 · Load balancing](10-load-balancing.ipynb) (health checks).

# %% [markdown]
# ## Setup

# %%
import matplotlib.pyplot as plt

import helpers

helpers.setup()

from helpers.draw import route53 as draw
from helpers.errors import CourseError
from helpers.exercises import l11 as lesson
from helpers.experiments import l11
from helpers.sim.route53 import AwsResource, HealthCheck, HostedZone, latency_table, through_resolvers

# %% [markdown] tags=["concept:r53.basics"]
# ## 1. Route 53: a domain's name servers, as a service
#
# DNS servers listen on **port 53** (UDP, and TCP for large answers); AWS named its DNS service
# after it. Route 53 does three jobs:
#
# 1. **domain registration** (도메인 등록): it is a *registrar* (도메인 등록 대행자). You rent `example.com` for a year;
#    the registrar writes into the `com.` zone which name servers answer for it (the *delegation* of
#    lesson 07);
# 2. **hosted zones** (호스팅 영역): a hosted zone is the set of records of one domain, served by
#    four Route 53 name servers spread over four top-level domains (so that one failing TLD cannot
#    take them all). A *public* hosted zone answers the internet; a *private* one answers only
#    inside the VPCs you attach it to;
# 3. **routing and health checks**: records can carry a routing policy, and Route 53 checks your
#    servers' health to choose answers.
#
# If the domain is registered elsewhere, you copy the hosted zone's four name servers into the
# registrar's settings; registering with Route 53 does that for you. A new hosted zone already has
# two records, its **NS** (the four name servers) and its **SOA** (start of authority):

# %% tags=["concept:r53.basics"]
zone = HostedZone("example.com")
zone.table()

# %% [markdown] tags=["concept:r53.basics"]
# The lesson's hosted zone adds one name per routing policy, all pointing at three web servers
# that stand for three AWS regions: `web1` (203.0.113.10, us-east-1), `web2` (203.0.113.20,
# ap-northeast-2, Seoul) and `web3` (203.0.113.30, eu-central-1). The console-style table names
# each record's routing policy, its *differentiator* (the weight, the region, primary or secondary)
# and its **record ID** (레코드 ID), which tells records of the same name apart:

# %% tags=["concept:r53.basics"]
zone = l11.lesson_zone()
zone.table()

# %% [markdown] tags=["concept:r53.basics"]
# As a zone file, every value a query might get is there; *which* one comes back is Route 53's
# choice, made per query. A plain DNS server (lesson 07's) would return all of them every time:

# %% tags=["concept:r53.basics"]
print(zone.zone_text())

# %% [markdown] tags=["concept:r53.basics"]
# ### The lab
# A name server `ns1` (192.0.2.53) plays the hosted zone's name servers. Two clients sit on
# networks the lab calls **Seoul** (198.51.100.0/25) and **New York** (198.51.100.128/25); they
# query `ns1` directly, the way a resolver does. `ns1` runs `python3 -m helpers.dnspolicy`: the
# course's DNS server (lesson 07) with Route 53's answer rules, real HTTP health checks, and a
# fixed random seed so that every run gives the same answers.

# %% tags=["concept:r53.basics"]
lab = l11.Route53Lab()
lab.start()
lab.draw()
plt.show()

# %% tags=["concept:r53.basics"]
print(lab.server.display)

# %% [markdown] tags=["concept:r53.basics"]
# Ask for the zone's name servers, as a resolver does when it follows the delegation. The `aa`
# flag says *authoritative answer*: this server owns the zone. (`+norecurse`: "don't look it up
# for me", how a resolver talks to an authoritative server.)

# %% tags=["concept:r53.basics"]
lab.dig("example.com", "NS")

# %% [markdown] tags=["concept:r53.basics"]
# ### Alias records
# A **CNAME** says "this name is another name" (`shop` → `www`, lesson 07). It must be the only
# record at its name, so it cannot sit at the **zone apex** (`example.com` itself; 영역 최상위, apex), which already
# has NS and SOA records (SOA 레코드). Yet the apex is exactly where people want their load balancer or CDN.
# Route 53's answer is the **alias record** (별칭 레코드): an A (or AAAA) record whose value is an AWS
# resource or another record of the zone; Route 53 looks the target's current addresses up and
# answers with them, no CNAME involved (and alias queries to AWS resources are free).

# %% tags=["concept:r53.basics"]
alb = AwsResource("load balancer", "my-alb-123.ap-northeast-2.elb.amazonaws.com", ("203.0.113.20", "203.0.113.21"))
try:
    zone.cname("@", alb.dns_name)
except CourseError as problem:
    print("CNAME at the apex:", problem)
zone.alias("@", "A", alb)
zone.answer("example.com")

# %% [markdown] tags=["concept:r53.basics"]
# ### Try it
# * `lab.dig("example.com", "SOA")`: the zone's start of authority (primary server, contact,
#   timers). `lab.dig("shop.example.com")` follows the CNAME inside the zone.
# * `zone.alias("home", "A", "www")` points `home` at the `www` record; `zone.answer("home")`.
# * `HostedZone("corp.internal", private=True)` fails: what does it ask for, and why?
#
# ### Check

# %% tags=["concept:r53.basics"]
display(lesson.ask(lesson.why_53))
lesson.why_53.check(None)  # ← replace None with your option (its text or its number)

# %% tags=["concept:r53.basics"]
answer = None  # ← a list of record types, e.g. ["A", "MX"]
lesson.zone_records.check(answer)

# %% tags=["concept:r53.basics"]
display(lesson.ask(lesson.apex_record))
lesson.apex_record.check(None)  # ← your option

# %% tags=["concept:r53.basics"]
display(lesson.ask(lesson.registrar_step))
lesson.registrar_step.check(None)  # ← your option

# %% [markdown] tags=["concept:r53.simple"]
# ## 2. Simple routing: several values, random order
#
# A **simple** record is an ordinary DNS record: one name, one type, one or more values. With
# several values Route 53 returns **all of them in random order**; the client (a browser, `curl`)
# normally uses the first one, so each value serves about an equal share of clients. The model
# explains one answer:

# %% tags=["concept:r53.simple"]
zone.answer("www")

# %% [markdown] tags=["concept:r53.simple"]
# And the real server, asked by the Seoul client:

# %% tags=["concept:r53.simple"]
lab.dig("www.example.com")

# %% [markdown] tags=["concept:r53.simple"]
# The same name also has an IPv6 address, in an **AAAA** record (the same idea with a 128-bit
# address). The lab's links carry IPv4 only, but a name server answers for any record it holds:

# %% tags=["concept:r53.simple"]
lab.dig("www.example.com", "AAAA")

# %% [markdown] tags=["concept:r53.simple"]
# Now 90 queries in a row, counting the first address of each answer (`dig +short` prints one
# address per line, `head -n 1` keeps the first, `sort | uniq -c` counts):

# %% tags=["concept:r53.simple"]
simple_live = lab.count("www.example.com", 90)
simple_live

# %% tags=["concept:r53.simple"]
draw.plot_shares({"model": zone.simulate("www", 900), "lab": simple_live}, title="Simple routing: first address")
plt.show()

# %% [markdown] tags=["concept:r53.simple"]
# About a third each, never exactly: every order is a fresh draw. Simple routing (단순 라우팅) has one big gap:
# it **cannot have health checks**. A dead server's address keeps coming back.
#
# ### Try it
# `lab.dig("www.example.com", short=True)` a few times: the order changes. Count more queries
# (`lab.count("www.example.com", 300)`): do the shares get closer to a third?
#
# ### Check

# %% tags=["concept:r53.simple"]
answer = None  # ← a number
lesson.simple_first.check(answer)

# %% tags=["concept:r53.simple"]
display(lesson.ask(lesson.simple_dead_server))
lesson.simple_dead_server.check(None)  # ← your option

# %% [markdown] tags=["concept:r53.weighted"]
# ## 3. Weighted routing: shares you choose
#
# **Weighted** records (가중치 기반 라우팅) are several records with the same name and type, each
# with one value, a **record ID** and a **weight** from 0 to 255. Route 53 picks one record per
# query, each with probability
#
# $$\text{share} = \frac{\text{weight}}{\text{sum of the weights}}.$$
#
# `app.example.com` has *blue* (weight 3, web1), *green* (weight 1, web2) and *spare* (weight 0,
# web3): 75%, 25% and nothing. **Weight 0** means "never", with two exceptions from the AWS
# documentation: if *every* record has weight 0, all are chosen equally often; and if every record
# with a weight above 0 is unhealthy, the weight-0 records answer (a standby).

# %% tags=["concept:r53.weighted"]
zone.expected_shares("app")

# %% tags=["concept:r53.weighted"]
weighted_model = zone.simulate("app", 1000)
weighted_model

# %% [markdown] tags=["concept:r53.weighted"]
# The live server, 100 queries from Seoul:

# %% tags=["concept:r53.weighted"]
weighted_live = lab.count("app.example.com", 100)
weighted_live

# %% tags=["concept:r53.weighted"]
draw.plot_shares({"model": weighted_model, "lab": weighted_live}, title="Weighted routing 3 : 1 : 0")
plt.show()

# %% [markdown] tags=["concept:r53.weighted"]
# Weights are how teams **shift traffic step by step**: a *canary* release starts a new version at
# weight 1 against 255 (1/256 of the queries) and raises it as confidence grows; setting a weight
# to 0 drains a server before maintenance. Here the lab gets new weights, blue 1 and green 1, and
# the server restarts with them (same seed):

# %% tags=["concept:r53.weighted"]
halves = l11.lesson_zone()
halves.set_weight("app", "A", "blue", 1)
lab.apply(halves)
lab.count("app.example.com", 100)

# %% [markdown] tags=["concept:r53.weighted"]
# One caveat: weights split **DNS queries**, not users. A resolver caches the answer for its TTL
# and gives it to every user behind it, so one big resolver (a mobile carrier's, 8.8.8.8) moves a
# big block of users at once. Seven resolvers with 500, 100, 100, 50, 50, 50 and 50 users, weights
# 3 : 1 : 0:

# %% tags=["concept:r53.weighted"]
{address: f"{float(share):.0%}" for address, share in through_resolvers(zone, "app", [500, 100, 100, 50, 50, 50, 50]).items()}

# %% [markdown] tags=["concept:r53.weighted"]
# ### Try it
# * Model: `zone.set_weight("app", "A", "green", 0)` and `zone.simulate("app", 1000)`; then all
#   three to 0. Which of the two weight-0 rules shows?
# * Live: `lab.apply(...)` a zone where green has weight 255 and blue 1, then
#   `lab.count("app.example.com", 256)`.
#
# ### Check

# %% tags=["concept:r53.weighted"]
answer = None  # ← a percentage, e.g. 40
lesson.green_share.check(answer)

# %% tags=["concept:r53.weighted"]
answer = None  # ← a number of queries
lesson.canary_queries.check(answer)

# %% tags=["concept:r53.weighted"]
display(lesson.ask(lesson.all_zero))
lesson.all_zero.check(None)  # ← your option

# %% tags=["concept:r53.weighted"]
display(lesson.ask(lesson.zero_fallback))
lesson.zero_fallback.check(None)  # ← your option

# %% [markdown] tags=["concept:r53.latency"]
# ## 4. Latency-based routing: the nearest region
#
# When the same application runs in several regions, **latency-based routing** (지연 시간 기반
# 라우팅) answers each query with the record whose **region** has the lowest latency *from the
# resolver that asked*. Route 53 does not measure anything per query: AWS keeps measurements of
# the latency between networks on the internet and its regions, and looks up the resolver's network
# (or, with EDNS Client Subnet, part of the user's address that the resolver passes on). The course's
# table of round trips (illustrative figures, `*` marks the lowest of each row):

# %% tags=["concept:r53.latency"]
latency_table(regions=["us-east-1", "ap-northeast-2", "eu-central-1"])

# %% tags=["concept:r53.latency"]
draw.plot_latency(zone, "api")
plt.show()

# %% [markdown] tags=["concept:r53.latency"]
# The live server knows which client network is where. The same question from Seoul and from New
# York gets different answers:

# %% tags=["concept:r53.latency"]
from_seoul = lab.dig("api.example.com", client="seoul", short=True)
from_new_york = lab.dig("api.example.com", client="newyork", short=True)
display(from_seoul, from_new_york)

# %% [markdown] tags=["concept:r53.latency"]
# Latency records can have health checks too: when the lowest-latency region is unhealthy, the
# next lowest answers. In the model, the Seoul region's server fails its checks from second 0:

# %% tags=["concept:r53.latency"]
regional = HostedZone("example.com")
seoul_check = HealthCheck("seoul-health", "203.0.113.20", interval=10).down(0)
regional.latency("api", "A", "203.0.113.10", region="us-east-1", set_id="virginia")
regional.latency("api", "A", "203.0.113.20", region="ap-northeast-2", set_id="seoul", health_check=seoul_check)
regional.latency("api", "A", "203.0.113.30", region="eu-central-1", set_id="frankfurt")
regional.answer("api", location="Seoul", time=60)

# %% [markdown] tags=["concept:r53.latency"]
# ### Try it
# * `zone.answer("api", location="Sydney")`: the course has no Sydney region record. Which wins?
# * `regional.answer("api", location="Seoul", time=10)`: ten seconds in, has the check noticed?
#
# ### Check

# %% tags=["concept:r53.latency"]
answer = None  # ← a region, e.g. "sa-east-1"
lesson.sao_paulo.check(answer)

# %% tags=["concept:r53.latency"]
display(lesson.ask(lesson.latency_from))
lesson.latency_from.check(None)  # ← your option

# %% [markdown] tags=["concept:r53.failover"]
# ## 5. Failover routing: active-passive with health checks
#
# **Failover routing** (장애 조치 라우팅) has exactly two records: a **primary** and a **secondary**.
# Route 53 answers the primary while its **health check** (상태 확인) is healthy, and the secondary
# otherwise: the *active-passive* pattern (the secondary might be a static "we'll be back" page in
# S3, or a whole standby region).
#
# A Route 53 health check sends requests to the endpoint every **30 s** (standard) or **10 s**
# (fast) from checkers in many AWS regions. An HTTP check passes when the endpoint answers 2xx or
# 3xx within two seconds of connecting. Each checker changes its view after a **failure threshold**
# of results in a row (1-10, default 3), and Route 53 calls the endpoint healthy while **more than
# 18%** of the checkers do. `site.example.com`'s primary, web1, has a fast check with threshold 3.
#
# First the model, on AWS's clock: web1 dies at 60 s and comes back at 200 s:

# %% tags=["concept:r53.failover"]
failover_zone = l11.lesson_zone()
failover_zone.group("site", "A")[0].health_check.down(60, 200)
timeline = failover_zone.timeline("site", until=300, step=10)
timeline.table(every=2)

# %% tags=["concept:r53.failover"]
print(timeline.summary())

# %% tags=["concept:r53.failover"]
draw.plot_timeline(timeline, title="site.example.com: web1 down from 60 s to 200 s")
plt.show()

# %% [markdown] tags=["concept:r53.failover"]
# The checks at 60, 70 and 80 s fail; at the third, 20 s after the crash, Route 53 switches (had
# web1 died just after a check, it would have taken the full 3 × 10 = 30 s). Then the **TTL** adds its part: a resolver that cached the primary's address just before
# the switch hands it out for up to 60 more seconds. That is why AWS recommends a TTL of 60 s or
# less on records with health checks: failover time ≈ interval × threshold + TTL.
#
# ### Now for real
# The lab's health checker runs on a faster clock (10 AWS seconds are 0.2 s here). A browser in
# Seoul visits site.example.com: it resolves the name at `ns1`, then fetches the page:

# %% tags=["concept:r53.failover"]
lab.apply(l11.lesson_zone())
lab.visit("site.example.com")

# %% tags=["concept:r53.failover"]
lab.health()

# %% [markdown] tags=["concept:r53.failover"]
# Stop web1's web server, then wait until the health check has seen three failures in a row:

# %% tags=["concept:r53.failover"]
lab.stop_web("web1")
lab.wait_health("web1-health", "unhealthy")

# %% tags=["concept:r53.failover"]
lab.visit("site.example.com")

# %% [markdown] tags=["concept:r53.failover"]
# The answer moved to the secondary, web2. Start web1 again: after three passed checks the
# primary takes over once more.

# %% tags=["concept:r53.failover"]
lab.start_web("web1")
lab.wait_health("web1-health", "healthy")
lab.visit("site.example.com")

# %% [markdown] tags=["concept:r53.failover"]
# ### Many checkers, and the 18% rule
# One checker behind a broken network link must not take a healthy site down, so Route 53 asks
# checkers in many places. Here an outage seen by 70% of them (a regional network problem) from
# 60 s, and a real outage seen by all from 150 s to 240 s:

# %% tags=["concept:r53.failover"]
partial = HealthCheck("primary-health", "203.0.113.10", interval=30).down(60, 300, seen_by=0.7).down(150, 240)
draw.plot_checkers(partial, until=420)
plt.show()

# %% [markdown] tags=["concept:r53.failover"]
# With 70% of the checkers failing, a quarter still say healthy (more than 18%): the record stays
# in. Only the full outage takes it out.
#
# ### Try it
# * Model: `failover_zone.group("site", "A")[1].health_check` is None: the secondary has no check.
#   What does Route 53 answer if *both* fail? Add a check to the secondary with
#   `HealthCheck("web2-health", "203.0.113.20", interval=10).down(60, 200)` in a new zone and look
#   at its timeline.
# * Live: stop web1, and without waiting, `lab.visit("site.example.com")` several times. When
#   does the answer change?
#
# ### Check

# %% tags=["concept:r53.failover"]
answer = None  # ← seconds
lesson.detect_seconds.check(answer)

# %% tags=["concept:r53.failover"]
answer = None  # ← seconds
lesson.every_user_moved.check(answer)

# %% tags=["concept:r53.failover"]
display(lesson.ask(lesson.both_unhealthy))
lesson.both_unhealthy.check(None)  # ← your option

# %% tags=["concept:r53.failover"]
answer = None  # ← True or False
lesson.eighteen_percent.check(answer)

# %%
lab.stop()

# %% [markdown]
# ## Summary
# * Route 53 registers domains, serves **hosted zones** (four name servers; NS and SOA come with
#   the zone) and chooses answers by **routing policy**; its name is DNS's port, 53.
# * **Alias** records answer with an AWS resource's current addresses, and work at the zone apex
#   where a CNAME may not.
# * **Simple**: all values in random order, no health checks. **Weighted**: share = weight / sum,
#   weight 0 never (unless all are 0, or all others are unhealthy); weights split queries, and
#   caching resolvers split users in blocks.
# * **Latency**: the region with the lowest latency from the *resolver*, among healthy records.
# * **Failover**: primary while healthy, else secondary; it takes interval × threshold to notice
#   and up to a TTL more to reach every user. Health is more-than-18%-of-checkers.
#
# ## Terms

# %%
from helpers import glossary

glossary.terms("11")

# %% [markdown]
# **Next:** [12 · CDN with CloudFront](12-cdn.ipynb)
