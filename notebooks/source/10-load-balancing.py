# %% [markdown]
# # 10 · Load balancing and Auto Scaling
#
# One server has limits: so many CPU cycles, so many open connections, and one power supply. A
# service that must stay up and keep up puts several servers behind **one address**, and a **load
# balancer** (로드 밸런서) in front that spreads the requests over them. In AWS that is **Elastic
# Load Balancing** (ELB; 부하 분산), and its partner **Auto Scaling** (오토 스케일링) changes the number of
# servers with the load. In this lesson you run a real load balancer, HAProxy, in front of five
# web servers on your machine: watch it take turns, route by path, drop a failed server and take
# it back, pin a client with a cookie, end TLS, and pass on the client's address. Next to it runs a
# model of ELB that predicts what HAProxy will do, and explains what AWS adds: Availability Zones,
# cross-zone balancing, the four load balancer types, and Auto Scaling over a whole day.
#
# **Learning objectives.** After this lesson you can:
# 1. explain why and how load is spread (round robin (라운드 로빈), least outstanding requests (최소 미처리 요청), flow hash (흐름 해시)) and
#    tell layer 4 from layer 7 load balancing (L7 로드 밸런싱);
# 2. name the parts of an ELB load balancer (listener (리스너), rules (규칙), target (대상) group (대상 그룹), targets, health check (상태 검사))
#    and follow a request through them;
# 3. work out who gets how much traffic with and without cross-zone load balancing (교차 영역 로드 밸런싱), and what
#    health check settings mean in seconds;
# 4. choose between CLB (클래식 로드 밸런서), ALB (애플리케이션 로드 밸런서), NLB (네트워크 로드 밸런서) and GWLB, and say what each does with stickiness, TLS and the
#    client's IP address;
# 5. read an Auto Scaling policy's day: scale out (스케일 아웃 / 스케일 인), cooldown (휴지 기간), scale in back to the base size.
#
# **Builds on:** [06 · Ports and sockets](06-ports-and-sockets.ipynb) (TCP connections, the
# 4-tuple, file-descriptor limits), [07 · HTTP and DNS](07-http-and-dns.ipynb) (requests,
# headers, status codes) and [09 · AWS VPC](09-aws-vpc.ipynb) (Availability Zones, public and
# private subnets, scale up (스케일 업) vs scale out).

# %% [markdown]
# ## Setup

# %%
import matplotlib.pyplot as plt

import helpers

helpers.setup()

from helpers.draw import loadbalancing as draw
from helpers.errors import CourseError
from helpers.exercises import l10 as lesson
from helpers.experiments.l10 import LoadBalancerLab, l4_config
from helpers.sim.loadbalancer import (HealthCheck, LoadBalancer, Request, Stickiness, Target, compare_counts,
                                      cross_zone_shares, header, health_timeline, host, inter_az_cost, path,
                                      types_table)

# %% [markdown] tags=["concept:lb.concept"]
# ## 1. Many servers, one address
#
# **Load balancing** (부하 분산) spreads the requests of many clients over several servers that
# **do the same job**: each runs the same application, so any of them can answer any request.
# That buys two things at once:
#
# * **capacity**: three servers handle about three times the requests (each server's CPU and
#   its limit on open connections, lesson 06, stop being the ceiling);
# * **availability**: when one server fails, the others keep serving, and nobody needs to tell the
#   clients, who only ever know the load balancer's address.
#
# The lab below is the shape of a typical AWS set-up in miniature. The client (203.0.113.10, an
# "internet" address) reaches only the load balancer `lb` on its public side (203.0.113.1). The
# servers sit on a private network (10.0.1.0/24) behind it, like instances in private subnets:
# three web servers and two API servers, each running a small web server that says who it is.

# %% tags=["concept:lb.concept"]
lab = LoadBalancerLab()
lab

# %% tags=["concept:lb.concept"]
lab.draw()
plt.show()

# %% [markdown] tags=["concept:lb.concept"]
# Build it. The client has no route into the private network, so it cannot reach a server
# directly; the kernel refuses before sending a single packet:

# %% tags=["concept:lb.concept"]
lab.start()
lab.client.run("ip route get 10.0.1.11")

# %% [markdown] tags=["concept:lb.concept"]
# Now the load balancer. `lab.model()` describes this lab the way AWS would (an Application Load
# Balancer with target groups (대상 그룹), section 4), and `run_haproxy` turns that description into a
# configuration file for **HAProxy**, the open-source load balancer, and starts it in `lb`
# (`haproxy -f haproxy.cfg`). Each line of the file has a comment naming the AWS part it stands
# for; we will come back to them.

# %% tags=["concept:lb.concept"]
alb = lab.model()
lab.run_haproxy(alb)

# %% [markdown] tags=["concept:lb.concept"]
# Six requests from the client, one after another, all to the same address:

# %% tags=["concept:lb.concept"]
seen = lab.requests(6)
seen

# %% [markdown] tags=["concept:lb.concept"]
# One address, three servers answering. The client never knew there were three.
#
# ### Try it
# Send more requests: `lab.requests(9)`. Or ask one server directly from the load balancer's
# node, which *can* reach the private network: `lab.lb.run("curl -s http://10.0.1.12/")`.
#
# ### Check

# %% tags=["concept:lb.concept"]
display(lesson.ask(lesson.purpose))
lesson.purpose.check(None)  # ← replace None with the number (or text) of your option

# %% [markdown] tags=["concept:lb.round-robin"]
# ## 2. Round robin, and what else a balancer can do
#
# HAProxy took turns: web1, web2, web3, web1 ... That is **round robin** (라운드 로빈): every new
# request goes to the next server in the list. It is simple and fair *if the servers and the
# requests are alike*, because it never looks at how busy a server is.
#
# The model makes the same choice. A client that resolved the load balancer's name once talks to
# one load balancer node (here the node in AZ `a`), and that node takes turns:

# %% tags=["concept:lb.round-robin"]
predicted = alb.simulate(6, az="a")
print("model:  ", predicted.sequence)
print("HAProxy:", seen.sequence)
compare_counts(predicted, seen.counts, labels=("model", "HAProxy"))

# %% [markdown] tags=["concept:lb.round-robin"]
# The alternatives, and where you meet them:
#
# | algorithm | picks | AWS | HAProxy |
# |---|---|---|---|
# | round robin | the next one in turn | ALB (default), CLB for TCP | `balance roundrobin` |
# | least outstanding requests | the one with the fewest requests in progress | ALB option, CLB for HTTP | `balance leastconn` |
# | flow hash | by a hash of the connection's addresses and ports | NLB, GWLB | `balance source` (by address only) |
# | weighted | more to bigger servers | ALB weighted target groups | `weight` per server |
#
# Where round robin goes wrong: one of three servers answers six times slower (0.3 s instead of
# 0.05 s) and 30 requests arrive per second. Round robin still sends it a third, more than it can
# handle, so a queue builds up at it. **Least outstanding requests** (최소 미처리 요청) sees the
# requests piling up there and sends fewer:

# %% tags=["concept:lb.round-robin"]
slow = {"web1": 0.05, "web2": 0.05, "web3": 0.3}
rr = lab.model().simulate(300, az="a", rate=30, service_time=slow)
lor = lab.model(algorithm="least_outstanding_requests").simulate(300, az="a", rate=30, service_time=slow)
display(rr)
lor

# %% tags=["concept:lb.round-robin"]
draw.plot_counts({"round robin": rr, "least outstanding requests": lor},
                 targets=["web1", "web2", "web3"], title="300 requests, web3 six times slower")
plt.show()

# %% [markdown] tags=["concept:lb.round-robin"]
# ("mean time" is how long a request took from arriving to being answered, queueing included.)
#
# ### Try it
# Make web3 even slower (`"web3": 1.0`), or send fewer requests per second (`rate=10`): when the
# slow server keeps up, the two algorithms look alike.
#
# ### Check

# %% tags=["concept:lb.round-robin"]
display(lesson.ask(lesson.rr_share))
answer = None  # ← a number
lesson.rr_share.check(answer)

# %% tags=["concept:lb.round-robin"]
display(lesson.ask(lesson.slow_server))
lesson.slow_server.check(None)  # ← replace None with your option

# %% [markdown] tags=["concept:lb.l4-vs-l7"]
# ## 3. Layer 4 or layer 7
#
# A load balancer can work at two layers of the OSI model (lesson 02):
#
# * **Layer 4** (transport, like an "L4 switch"): it sees IP addresses and ports and balances
#   **connections**. It never reads what travels inside them, which makes it fast and able to
#   carry any protocol, but it cannot tell `/api` from `/`.
# * **Layer 7** (application): it reads each HTTP request (method, path, host, headers, cookies)
#   and balances **requests**. It can send `/api/*` to other servers than `/`, set cookies, add
#   headers; that costs more work per request.
#
# Our HAProxy runs at layer 7 (`mode http`). The config's rule `path -m reg '^/api/.*$'` sends the
# API paths to the api servers, round robin within each group. The model's listener rule does the
# same, and predicts every count:

# %% tags=["concept:lb.l4-vs-l7"]
routed = lab.requests(8, paths=["/", "/api/orders"])
display(routed)
compare_counts(alb.simulate(8, az="a", paths=["/", "/api/orders"]), routed.counts, labels=("model", "HAProxy"))

# %% [markdown] tags=["concept:lb.l4-vs-l7"]
# A browser keeps one TCP connection open for many requests (**keep-alive**). A layer 7 balancer
# still decides per request. One `curl` with six URLs uses a single connection:

# %% tags=["concept:lb.l4-vs-l7"]
lab.requests(6, keepalive=True)

# %% [markdown] tags=["concept:lb.l4-vs-l7"]
# Now HAProxy at layer 4, `mode tcp`: the same servers, but it only forwards connections.

# %% tags=["concept:lb.l4-vs-l7"]
lab.run_haproxy(l4_config())

# %% tags=["concept:lb.l4-vs-l7"]
lab.requests(6, keepalive=True)

# %% [markdown] tags=["concept:lb.l4-vs-l7"]
# One connection, one server, for all six requests: the choice is made once, when the connection
# opens. Six separate connections are still spread:

# %% tags=["concept:lb.l4-vs-l7"]
lab.requests(6)

# %% [markdown] tags=["concept:lb.l4-vs-l7"]
# And path routing is gone: a layer 4 balancer does not know there is a path. `/api/orders` lands
# on a web server, which has no such page (`Not Found`):

# %% tags=["concept:lb.l4-vs-l7"]
lab.requests(2, path="/api/orders")

# %% [markdown] tags=["concept:lb.l4-vs-l7"]
# Both modes share one thing here: HAProxy is a *proxy*, so each server gets a new connection
# that starts at the load balancer. Ask a server what it saw (`/whoami`):

# %% tags=["concept:lb.l4-vs-l7"]
lab.whoami()

# %% [markdown] tags=["concept:lb.l4-vs-l7"]
# The server's client is `10.0.1.1`, the load balancer's private side; the real client's address
# is nowhere, because at layer 4 nobody may write into the stream. (At layer 7 it travels in a
# header, section 8.)
#
# ### Try it
# Look at the layer 4 config (`lab.config`): no `acl`, no paths, `mode tcp`. Then put the layer 7
# one back (`lab.run_haproxy(alb)`) and repeat `lab.requests(2, path="/api/orders")`.
#
# ### Check

# %% tags=["concept:lb.l4-vs-l7"]
display(lesson.ask(lesson.keepalive_servers))
answer = None  # ← a number
lesson.keepalive_servers.check(answer)

# %% tags=["concept:lb.l4-vs-l7"]
display(lesson.ask(lesson.needs_l7))
lesson.needs_l7.check(None)  # ← replace None with your option

# %% [markdown] tags=["concept:elb.components"]
# ## 4. The parts of an Elastic Load Balancer
#
# An ELB load balancer is built from a few parts, and the HAProxy config above has a line for each:
#
# | part | what it is | in HAProxy |
# |---|---|---|
# | **load balancer** | a *node* in each Availability Zone you enable, behind one DNS name | the `lb` machine |
# | **listener** (리스너) | a protocol and port it accepts connections on: `HTTP:80`, `HTTPS:443` | `frontend` with `bind :80` |
# | **rules** (규칙) | *if* conditions *then* action, checked by priority (lowest number first); a default rule last | `acl` + `use_backend`, `default_backend` |
# | **target group** (대상 그룹) | the targets for one job, with their health check and algorithm | `backend` |
# | **target** (대상) | an instance, IP address or Lambda function that serves | `server` |
#
# Rules can look at the **path**, the **host** name, any **header**, the **query string**, the
# HTTP **method** and the client's **source IP**; `*` matches any run of characters and `?` one.
# Here is a shop with three target groups in two AZs:

# %% tags=["concept:elb.components"]
shop = LoadBalancer("shop", "alb", azs=("a", "b"))
shop.add_target_group("web", [Target("web1", "10.0.1.11", "a"), Target("web2", "10.0.1.12", "a"),
                              Target("web3", "10.0.2.13", "b"), Target("web4", "10.0.2.14", "b")])
shop.add_target_group("api", [Target("api1", "10.0.1.21", "a"), Target("api2", "10.0.2.22", "b")])
shop.add_target_group("admin", [Target("admin1", "10.0.1.31", "a")])
http = shop.add_listener("HTTP", 80, default="web")
http.add_rule(10, [path("/api/*")], forward="api")
http.add_rule(20, [host("admin.shop.example")], forward="admin")
shop

# %% [markdown] tags=["concept:elb.components"]
# The lab's own model is the same kind of object; compare it with the HAProxy config written
# from it (`lab.config` holds the file HAProxy is running now):

# %% tags=["concept:elb.components"]
alb

# %% [markdown] tags=["concept:elb.components"]
# ### Try it
# Send phones elsewhere: `shop.add_target_group("mobile", [Target("m1", "10.0.1.41", "a")])`, then
# `http.add_rule(5, [header("User-Agent", "*Mobile*")], forward="mobile")`, and print `shop`.
#
# ### Check

# %% tags=["concept:elb.components"]
display(lesson.ask(lesson.listener_part))
lesson.listener_part.check(None)  # ← replace None with your option

# %% [markdown] tags=["concept:elb.flow"]
# ## 5. A request's way through the load balancer
#
# For each request, ELB does the same five things:
#
# 1. **receive**: a listener accepts the connection (DNS gave the client one node's address);
# 2. **choose a target group**: the rules are evaluated in priority order, the first match decides;
# 3. **pick a target** in that group with its algorithm, among the **healthy** (정상 / 비정상 임계값) targets only;
# 4. **monitor health**: health checks run all the time, so step 3 knows who is healthy;
# 5. **return the response**: the target answers the load balancer, which answers the client.
#
# `route()` follows one request through these steps:

# %% tags=["concept:elb.flow"]
shop.route(Request.http("/api/orders?id=7"))

# %% tags=["concept:elb.flow"]
shop.route(Request.http("/", host="admin.shop.example"))

# %% [markdown] tags=["concept:elb.flow"]
# The second request came in on the other node (DNS handed out the AZ `b` node this time), and
# with cross-zone load balancing on (section 7) that node may pick a target in AZ `a`.
#
# ### Try it
# Route `Request.http("/api/admin", host="admin.shop.example")`: which rule wins, and why? Try a
# path with capitals, `/API/orders`: AWS path patterns are case-sensitive.
#
# ### Check

# %% tags=["concept:elb.flow"]
display(lesson.ask(lesson.rule_match))
answer = None  # ← "web", "api" or "admin"
lesson.rule_match.check(answer)

# %% tags=["concept:elb.flow"]
display(lesson.ask(lesson.after_receive))
lesson.after_receive.check(None)  # ← replace None with your option

# %% [markdown] tags=["concept:elb.health-checks"]
# ## 6. Health checks: out when failing, back when recovered
#
# A target group sends every target a small request at a fixed **interval** (상태 검사). A check
# passes when the answer comes within the **timeout** with a success code (200). The target's
# state changes only after several results in a row:
#
# | setting (ALB default) | meaning |
# |---|---|
# | path `/` | what the check requests (many apps expose `/health`) |
# | interval 30 s | time between two checks of one target |
# | timeout 5 s | no answer by then counts as a failure |
# | unhealthy threshold 2 | failures in a row before the target is taken **out** |
# | healthy threshold 5 | passes in a row before it is put **back** |
#
# So a crashed target keeps getting requests for up to 2 × 30 = 60 s, and a repaired one waits up
# to 5 × 30 = 150 s: quick to remove, careful to trust again. (If *every* target fails, ELB
# **fails open** and sends traffic to all of them: maybe the check is wrong, not the servers.)
# The model runs the checks over time for a target that is down from t = 65 s to t = 200 s:

# %% tags=["concept:elb.health-checks"]
check = HealthCheck()  # the ALB defaults
timeline = health_timeline(check, duration=420, down=[(65, 200)])
timeline

# %% tags=["concept:elb.health-checks"]
draw.plot_health(timeline, down=[(65, 200)])
plt.show()

# %% [markdown] tags=["concept:elb.health-checks"]
# Now for real. The layer 7 config comes back; its health check requests `/health` every 10 s,
# out after 2 failures, back after 2 passes, on a clock fifty times faster than AWS's (200 ms
# between checks), so the demo takes seconds. A capture at web1 while no client sends anything
# shows the checks arriving from the load balancer:

# %% tags=["concept:elb.health-checks"]
lab.run_haproxy(alb)
lab.health_checks_seen("web1")

# %% [markdown] tags=["concept:elb.health-checks"]
# HAProxy's status page lists each server's state and its last check (`L7OK`: the HTTP check
# passed). Stop web2's web server (the machine stays up; its port 80 now refuses connections) and
# wait until HAProxy marks it down:

# %% tags=["concept:elb.health-checks"]
lab.stop_backend("web2")
lab.server_states(wait_for=("web2", "DOWN"))

# %% [markdown] tags=["concept:elb.health-checks"]
# `L4CON` is a connection problem at layer 4: refused. The model predicted how long that takes,
# in AWS seconds and on the lab's clock:

# %% tags=["concept:elb.health-checks"]
lab_check = alb.target_groups["web"].health_check
low, high = lab_check.time_to_unhealthy()
print(f"out after {low:g}-{high:g} s of AWS time = {low * 0.02:.1f}-{high * 0.02:.1f} s in the lab")

# %% [markdown] tags=["concept:elb.health-checks"]
# Requests now go to web1 and web3 only, as the model predicts with web2 marked unhealthy:

# %% tags=["concept:elb.health-checks"]
down = lab.requests(6)
alb.set_health("web2", False)
display(down)
compare_counts(alb.simulate(6, az="a"), down.counts, labels=("model", "HAProxy"))

# %% [markdown] tags=["concept:elb.health-checks"]
# Start web2 again. After two passed checks it is back in the rotation:

# %% tags=["concept:elb.health-checks"]
lab.start_backend("web2")
lab.server_states(wait_for=("web2", "UP"))

# %% tags=["concept:elb.health-checks"]
alb.set_health("web2", True)
lab.requests(6)

# %% [markdown] tags=["concept:elb.health-checks"]
# ### Try it
# * In the model, make the target slow instead of down: `health_timeline(check, duration=300,
#   slow=[(65, 200)])` (answers after the 5 s timeout also fail).
# * In the lab, stop two web servers (`lab.stop_backend("web1")` too) and send requests; then start
#   both again.
#
# ### Check

# %% tags=["concept:elb.health-checks"]
display(lesson.ask(lesson.detect_time))
answer = None  # ← seconds
lesson.detect_time.check(answer)

# %% tags=["concept:elb.health-checks"]
display(lesson.ask(lesson.recover_time))
answer = None  # ← seconds
lesson.recover_time.check(answer)

# %% [markdown] tags=["concept:elb.cross-zone"]
# ## 7. Cross-zone load balancing
#
# An ELB load balancer has a **node in each Availability Zone** you enable. DNS hands out the
# nodes' addresses in turn, so each node receives about the same share of clients. What a node
# does with its share depends on **cross-zone load balancing** (교차 영역 로드 밸런싱):
#
# * **off**: a node sends requests only to targets in its own AZ;
# * **on**: every node spreads over the targets in all AZs.
#
# It matters when the AZs have different numbers of targets. The AWS documentation's example:
# two targets in AZ a, eight in AZ b.

# %% tags=["concept:elb.cross-zone"]
display(cross_zone_shares({"a": 2, "b": 8}, False))
cross_zone_shares({"a": 2, "b": 8}, True)

# %% tags=["concept:elb.cross-zone"]
draw.plot_cross_zone({"a": 2, "b": 8})
plt.show()

# %% [markdown] tags=["concept:elb.cross-zone"]
# Off: the two targets in AZ a share half of all traffic, 25 % each, while the eight in AZ b get
# 6.25 % each. On: 10 % each, but half of all requests cross from one AZ to the other. The
# defaults differ by type:
#
# * **ALB**: always on at the load balancer (it can be turned off per target group); AWS does not
#   charge for the data it moves between AZs;
# * **NLB** and **GWLB**: off by default; turn it on and the traffic that crosses AZs is billed as
#   inter-AZ data transfer;
# * **CLB**: on when created in the console, off when created through the API or CLI.
#
# A simulation of 1,600 requests, DNS alternating between the two nodes, shows the same numbers:

# %% tags=["concept:elb.cross-zone"]
def two_plus_eight(kind):
    lb = LoadBalancer("doc-" + kind, kind, azs=("a", "b"))
    targets = [Target(f"a{i}", f"10.0.1.{10 + i}", "a") for i in (1, 2)]
    targets += [Target(f"b{i}", f"10.0.2.{10 + i}", "b") for i in range(1, 9)]
    lb.add_target_group("web", targets)
    lb.add_listener("HTTP" if kind == "alb" else "TCP", 80, default="web")
    return lb


draw.plot_counts({"ALB (cross-zone on)": two_plus_eight("alb").simulate(1600),
                  "NLB (cross-zone off)": two_plus_eight("nlb").simulate(1600, clients=100)},
                 share=True, title="1,600 requests over 2 + 8 targets")
plt.show()

# %% [markdown] tags=["concept:elb.cross-zone"]
# (The NLB's shares are close to 25 % and 6.25 % but not exact: it picks by a hash of each
# connection, not by taking turns.) What turning it on would cost an NLB moving 10,000 GB a month,
# at an example price of $0.01 per GB in each direction:

# %% tags=["concept:elb.cross-zone"]
on = cross_zone_shares({"a": 2, "b": 8}, True)
print(f"{float(on.crossing):.0%} of the traffic crosses AZs: about ${inter_az_cost(10_000, on):.0f} a month")

# %% [markdown] tags=["concept:elb.cross-zone"]
# ### Try it
# Three AZs: `cross_zone_shares({"a": 1, "b": 2, "c": 3}, False)`. What happens to the node of an
# AZ whose targets are all gone, `{"a": 3, "b": 0}`? (DNS stops handing it out.)
#
# ### Check

# %% tags=["concept:elb.cross-zone"]
display(lesson.ask(lesson.cross_zone_share))
answer = None  # ← a percentage as a number, like 12.5
lesson.cross_zone_share.check(answer)

# %% tags=["concept:elb.cross-zone"]
display(lesson.ask(lesson.cross_zone_default))
lesson.cross_zone_default.check(None)  # ← replace None with your option

# %% [markdown] tags=["concept:elb.types"]
# ## 8. Four kinds of load balancer
#
# ELB comes in four types:
#
# * **Classic Load Balancer (CLB)**: the first generation, layer 4 and 7 in one; kept for old
#   applications.
# * **Application Load Balancer (ALB)**: layer 7 for HTTP and HTTPS; routes by path, host, header
#   and query string; works with Auto Scaling, containers and Lambda.
# * **Network Load Balancer (NLB)**: layer 4 for TCP, UDP and TLS; very high throughput with low
#   latency, one **static IP** per AZ (an Elastic IP if you like), and the **client's IP address
#   kept**.
# * **Gateway Load Balancer (GWLB; 게이트웨이 로드 밸런서)**: layer 3; sits in the route path and spreads whole IP packets
#   over third-party firewalls and inspection appliances.
#
# All four are managed: AWS runs the nodes in the AZs you choose, grows them with the traffic,
# reports to CloudWatch, and bills by the hour and by the traffic handled. The table is generated
# from the specs the model runs on:

# %% tags=["concept:elb.types"]
types_table()

# %% [markdown] tags=["concept:elb.types"]
# The model refuses what a type cannot do, with the reason:

# %% tags=["concept:elb.types"]
nlb = LoadBalancer("game", "nlb", azs=("a", "b"))
nlb.add_target_group("servers", [Target("g1", "10.0.1.51", "a"), Target("g2", "10.0.2.52", "b")])
tcp = nlb.add_listener("TCP", 7777, default="servers")
try:
    tcp.add_rule(10, [path("/api/*")], forward="servers")
except CourseError as problem:
    print(problem)

# %% [markdown] tags=["concept:elb.types"]
# **Who does the server think the client is?** An ALB (like HAProxy in `mode http`) opens its own
# connection to the target, so the target sees the load balancer's address; the ALB appends the
# client's address to the **X-Forwarded-For** (X-Forwarded-For 헤더) header. If the client already sent one (a proxy on
# the way, or someone lying), the load balancer adds to the end: the last entry is the one it saw
# itself. An NLB forwards the packets and keeps the client's address. The model says:

# %% tags=["concept:elb.types"]
visitor = Request.http("/whoami", headers={"X-Forwarded-For": "192.0.2.99"}, az="a")
seen_by_alb = alb.route(visitor)
print("ALB:", seen_by_alb.source_seen, seen_by_alb.headers_added)
print("NLB:", nlb.route(Request(protocol="TCP", port=7777, az="a")).source_seen)

# %% [markdown] tags=["concept:elb.types"]
# And the lab. HAProxy in `mode http` (the config of section 1 is running again):

# %% tags=["concept:elb.types"]
lab.whoami(forwarded_for="192.0.2.99")

# %% [markdown] tags=["concept:elb.types"]
# For the NLB behaviour the lab adds a packet-level balancer in the kernel of `lb`: an nftables
# rule that rewrites the destination of each new connection to port 8080 to the next web server
# (DNAT, round robin) and forwards the packets, the way an NLB does. The servers send their
# answers back through `lb` (their default route), which undoes the rewrite.

# %% tags=["concept:elb.types"]
lab.nat_balancer(8080)

# %% tags=["concept:elb.types"]
lab.whoami(port=8080)

# %% [markdown] tags=["concept:elb.types"]
# The server sees `203.0.113.10`, the client itself, and no header: nothing read or wrote the HTTP
# request on the way.
#
# ### Try it
# `lab.requests(6, port=8080)` shows that the packet balancer takes turns too. Try
# `lab.lb.run("nft list ruleset")` and `lab.lb.run("conntrack -L")` if `conntrack` is installed:
# each connection remembers its rewrite.
#
# ### Check

# %% tags=["concept:elb.types"]
display(lesson.ask(lesson.pick_type))
lesson.pick_type.check(None)  # ← replace None with your option

# %% tags=["concept:elb.types"]
display(lesson.ask(lesson.appliances))
lesson.appliances.check(None)  # ← replace None with your option

# %% tags=["concept:elb.types"]
display(lesson.ask(lesson.source_seen))
answer = None  # ← an address, like "10.0.0.1"
lesson.source_seen.check(answer)

# %% [markdown] tags=["concept:elb.sticky"]
# ## 9. Sticky sessions
#
# Some applications keep a user's session (a login, a shopping cart) in the memory of the server
# that created it. Round robin would send the next click to another server, which knows nothing
# about it. **Sticky sessions** (고정 세션) keep a client on one target:
#
# * ALB: the load balancer sets a cookie, `AWSALB`, naming the target (in encrypted form), valid for
#   a **duration** you choose (1 second to 7 days; 1 day by default); the browser sends it back, and
#   the load balancer routes by it. The CLB does the same with `AWSELB`. (An application can also
#   use a cookie of its own.)
# * NLB: by source IP address; GWLB always keeps a flow on one appliance.
#
# The price: uneven load (a busy client stays on its server), and a server that fails takes its
# sessions with it. Keeping sessions outside the servers (a database or a cache) avoids both.
# In the lab, HAProxy sets an `AWSALB` cookie with the server's name:

# %% tags=["concept:elb.sticky"]
lab.run_haproxy(lab.model(sticky=True))
lab.visit()

# %% [markdown] tags=["concept:elb.sticky"]
# A browser that got `AWSALB=web2` sends it with every request, and stays on web2:

# %% tags=["concept:elb.sticky"]
lab.requests(6, cookie="AWSALB=web2")

# %% [markdown] tags=["concept:elb.sticky"]
# In the model, three clients that keep their cookies each stay on one target, and the three
# targets still get a third each:

# %% tags=["concept:elb.sticky"]
sticky = lab.model(sticky=True)
sim = sticky.simulate(30, clients=3, az="a")
print("cookies issued:", sim.cookies_set)
print("client 1 went to:", sim.sequence[0::3])
sim

# %% [markdown] tags=["concept:elb.sticky"]
# Stickiness is a preference, not a promise. When web2 fails its health checks, its clients are
# sent elsewhere and get a new cookie: the answer to a browser still holding `AWSALB=web2` carries
# a `Set-Cookie` for the server that took over, and the next requests are spread again:

# %% tags=["concept:elb.sticky"]
lab.stop_backend("web2")
lab.server_states(wait_for=("web2", "DOWN"))
display(lab.visit(cookie="AWSALB=web2"))
lab.requests(4, cookie="AWSALB=web2")

# %% tags=["concept:elb.sticky"]
lab.start_backend("web2")
lab.server_states(wait_for=("web2", "UP"))

# %% [markdown] tags=["concept:elb.sticky"]
# ### Try it
# `lab.visit(cookie="AWSALB=web3")` shows the answer's status, cookie and body: with a valid cookie
# there is no new `set-cookie`. In the model, a cookie expires after
# its duration: `lab.model(sticky=True)` uses one day; try `Stickiness(60)` with `Request(time=...)`.
#
# ### Check

# %% tags=["concept:elb.sticky"]
display(lesson.ask(lesson.sticky_failover))
lesson.sticky_failover.check(None)  # ← replace None with your option

# %% [markdown] tags=["concept:elb.ssl-offload"]
# ## 10. TLS ends at the load balancer
#
# HTTPS is HTTP inside TLS: encrypted, with a certificate that proves the server's name. An ALB
# **HTTPS listener** holds the certificate (from AWS Certificate Manager, say) and **ends TLS**
# there (*TLS termination* (SSL 오프로드), also called *SSL offload*): it decrypts, reads the request (it must,
# to apply path rules), and forwards plain HTTP to the targets, or encrypts again if the target
# group speaks HTTPS. The servers are spared the encryption work and the certificates live in one
# place. The plain HTTP listener on port 80 usually just **redirects** to HTTPS. (An NLB can end
# TLS with a TLS listener, or pass it through untouched on a TCP listener.)

# %% tags=["concept:elb.ssl-offload"]
secure = lab.model(https=True)
secure

# %% tags=["concept:elb.ssl-offload"]
secure.route(Request(protocol="HTTPS", port=443, path="/"))

# %% [markdown] tags=["concept:elb.ssl-offload"]
# The lab's HAProxy gets the same two listeners and a throw-away self-signed certificate:

# %% tags=["concept:elb.ssl-offload"]
lab.run_haproxy(secure)

# %% tags=["concept:elb.ssl-offload"]
lab.client.http("http://203.0.113.1/", method="HEAD")

# %% [markdown] tags=["concept:elb.ssl-offload"]
# Over HTTPS (`curl -k` accepts the self-signed certificate), a web server that has no TLS at all
# answers, and learns `X-Forwarded-Proto: https` from the load balancer:

# %% tags=["concept:elb.ssl-offload"]
lab.whoami(https=True)

# %% [markdown] tags=["concept:elb.ssl-offload"]
# Capturing one HTTPS request on both sides of the load balancer shows where the encryption ends:

# %% tags=["concept:elb.ssl-offload"]
lab.tls_evidence()

# %% [markdown] tags=["concept:elb.ssl-offload"]
# ### Try it
# Make the model re-encrypt: `LoadBalancer(...).add_target_group("web", ..., protocol="HTTPS",
# port=443)` behind an HTTPS listener, and `route()` a request: the TLS step now says
# "re-encrypted".
#
# ### Check

# %% tags=["concept:elb.ssl-offload"]
display(lesson.ask(lesson.tls_where))
lesson.tls_where.check(None)  # ← replace None with your option

# %% [markdown]
# That was the last live experiment; the lab can go.

# %%
lab.stop()

# %% [markdown] tags=["concept:asg.autoscaling"]
# ## 11. Auto Scaling: as many servers as the load needs
#
# A load balancer spreads load over the servers there are; **Auto Scaling** decides how many there
# are. An **Auto Scaling group** (Auto Scaling 그룹) launches instances from a *launch template* (an AMI, an instance
# type, security groups: lesson 09) and keeps its size between a **minimum** (the base size, always
# running) and a **maximum**, aiming at a **desired capacity** (원하는 용량) that its policies change:
#
# * when the load crosses a threshold (average CPU above 70 % for 3 minutes, say) it **scales out**:
#   adds instances, registers them in the target group, and the load balancer starts using them
#   once their health checks pass;
# * when the load has been low for a while it **scales in**, back down to the base size.
#
# Three kinds of policy:
#
# * **target tracking** (대상 추적): "keep average CPU at 50 %"; AWS creates the alarms and sizes the
#   group so the metric comes back to the target (scale out after 3 minutes above it, scale in,
#   more carefully, after 15 minutes below 90 % of it);
# * **step scaling** (단계 조정): the further past the threshold, the bigger the step;
# * **simple scaling** (단순 조정): a fixed step, then a **cooldown** (휴지 기간, 300 s by default)
#   during which it does not react again, so new instances get time to start before it decides again.
#
# New instances need a few minutes (launch, boot, start the application) before they serve: that is
# the **warm-up**. A simulated day of traffic: quiet at night, busier from 8:00, a lunch bump, a
# flash sale at 15:00 and the evening peak around 20:00. One instance serves 100 requests per second.

# %% tags=["concept:asg.autoscaling"]
from helpers.sim.autoscaling import (Fixed, Group, SimpleScaling, StepScaling, TargetTracking, compare_policies,
                                     day_traffic, scale_up_vs_out, simulate_day)

traffic = day_traffic()
group = Group(min_size=2, max_size=15, capacity=100, warmup=5)
tracking = simulate_day(traffic, group, TargetTracking(target=50))
tracking

# %% tags=["concept:asg.autoscaling"]
simple = simulate_day(traffic, group, SimpleScaling(high=70, low=30, add=2, remove=1, cooldown=5))
draw.plot_autoscaling([tracking, simple], cpu_lines=[30, 50, 70])
plt.show()

# %% [markdown] tags=["concept:asg.autoscaling"]
# The group grows in the morning, jumps at the flash sale (where a few minutes of overload show the
# warm-up: reacting takes time), peaks in the evening, and comes back to its base size of 2 at
# night. The simple policy's actions:

# %% tags=["concept:asg.autoscaling"]
simple.event_table()

# %% [markdown] tags=["concept:asg.autoscaling"]
# Between two scale-outs there are always at least warm-up + cooldown (10 minutes). The policies
# side by side, with two fixed groups for comparison: the base size all day, and one sized for the
# peak all day:

# %% tags=["concept:asg.autoscaling"]
compare_policies(traffic, group, [TargetTracking(50), SimpleScaling(), StepScaling(), Fixed(2), Fixed(12)])

# %% [markdown] tags=["concept:asg.autoscaling"]
# Two instances all day cannot carry the evening; twelve all day cost about 2.5 times as much as
# scaling. **Scale out** (more instances) is what Auto Scaling does; the alternative, **scale up**
# (a bigger instance), was lesson 09's question. For a peak of 700 requests per second:

# %% tags=["concept:asg.autoscaling"]
scale_up_vs_out(700)

# %% [markdown] tags=["concept:asg.autoscaling"]
# ### Try it
# * Aim for a hotter CPU, `TargetTracking(target=70)`: fewer instance-hours, less headroom.
# * A slower warm-up, `Group(min_size=2, max_size=15, warmup=10)`: how much of the flash sale is
#   lost now?
# * A longer cooldown, `SimpleScaling(cooldown=15)`, and look at `event_table()` again.
#
# ### Check

# %% tags=["concept:asg.autoscaling"]
display(lesson.ask(lesson.base_size))
answer = None  # ← a number of instances
lesson.base_size.check(answer)

# %% tags=["concept:asg.autoscaling"]
display(lesson.ask(lesson.cooldown))
lesson.cooldown.check(None)  # ← replace None with your option

# %% tags=["concept:asg.autoscaling"]
display(lesson.ask(lesson.scale_out_count))
answer = None  # ← a number of instances
lesson.scale_out_count.check(answer)

# %% [markdown]
# ## Summary
# * A **load balancer** spreads requests over servers that do the same job: more capacity, and a
#   failed server no longer means an outage. Clients know only its address.
# * **Round robin** takes turns; **least outstanding requests** avoids busy or slow servers; a
#   **flow hash** keeps each connection on one target (NLB).
# * **Layer 4** balances connections by address and port without reading them; **layer 7** reads
#   each HTTP request and can route by path, host, header, query or cookie.
# * ELB parts: **listener** (protocol and port) → **rules** by priority → **target group** (targets,
#   health check, algorithm) → **target**. The flow: receive, choose a target group, pick a healthy
#   target, (monitor health all along), return the response.
# * **Health checks**: out after *unhealthy threshold* failures, back after *healthy threshold*
#   passes, one check per interval; all unhealthy means fail open (페일 오픈).
# * **Cross-zone**: on, every target gets an equal share (10 % each for 2 + 8 targets); off, each
#   AZ's node keeps its share (25 % and 6.25 %). On by default for ALB (free), off for NLB and GWLB
#   (inter-AZ data charges when on).
# * **CLB** (old, L4+L7), **ALB** (L7 rules), **NLB** (L4, static IP, client IP kept), **GWLB**
#   (L3, appliances). ALB and CLB pass the client in **X-Forwarded-For**.
# * **Sticky sessions** pin a client with a cookie (AWSALB) for a duration; a failed target loses
#   them. **TLS** ends at an HTTPS listener; targets can get plain HTTP.
# * **Auto Scaling** keeps between min and max instances: scale out when a threshold is crossed,
#   cooldown or warm-up before reacting again, scale in back to the base size.
#
# ## Terms

# %%
from helpers import glossary

glossary.terms("10")

# %% [markdown]
# **Next:** [11 · DNS with Route 53](11-route53.ipynb)
