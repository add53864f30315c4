# %% [markdown]
# # 04 · Switching and routing
#
# Two machines on the same network talk through a **switch** (스위치); machines on different networks talk
# through a **router**. Everything a cloud network does is built from these two jobs: in a VPC, the
# "local" route is a virtual switch and router, and the internet gateway (인터넷 게이트웨이) is one more router. This
# lesson takes both apart. You will watch a real Linux bridge learn MAC addresses frame by frame
# (and check a model of it against the kernel), make a router forward and drop (드롭), read a real `ip
# route` the way the kernel does, put NAT (네트워크 주소 변환) between a private network and the internet, and separate a
# database from the web servers.
#
# **Learning objectives.** After this lesson you can:
# 1. explain collisions (충돌), CSMA/CD (반송파 감지 다중 접속/충돌 감지) and collision domains (충돌 도메인), and why switches replaced hubs (허브);
# 2. predict what a learning switch does with any frame (forward, flood, filter) and what it learns;
# 3. find the route a router uses by longest-prefix match (최장 접두사 일치), and read every word of `ip route`;
# 4. explain why private addresses need NAT to reach the internet;
# 5. say how a packet leaves a VPC instance, and why the database gets its own network.
#
# **Builds on:** [02 · Networks and the OSI model](02-networks-and-osi.ipynb) (layers, MAC and IP
# addresses) and [03 · IP addresses and subnetting](03-ip-addressing-and-subnetting.ipynb) (prefixes).
#
# ## Setup

# %%
import matplotlib.pyplot as plt

import helpers
from helpers.checks import quiz
from helpers.draw import switching as draw
from helpers.exercises import l04 as lesson
from helpers.experiments import l04
from helpers.sim import csma
from helpers.sim.routing import RouteTable, address_kind, vpc_path
from helpers.sim.switching import Frame, Hub, LearningSwitch, Network

helpers.setup()

# %% [markdown] tags=["concept:l2.collision-domain"]
# ## Collisions, CSMA/CD and the collision domain
# Early Ethernet was one shared wire (later, a hub: the same wire folded into a box). Only one
# station can talk at a time, so Ethernet follows three rules, **CSMA/CD**:
#
# * **Carrier Sense** (반송파 감지): listen first; while someone is sending, wait.
# * **Multiple Access**: when the wire falls silent, anyone may send. If two stations start in the
#   same moment, their signals mix: a **collision** (충돌).
# * **Collision Detect**: the senders notice, send a short jam signal, stop, and each waits a random
#   **back-off** (백오프) before trying again (0 .. 2^k - 1 slot times after the k-th collision in a row).
#
# The stations whose frames can collide with each other form one **collision domain** (충돌
# 도메인). Here are three stations on one hub for 80 slot times, simulated slot by slot:

# %% tags=["concept:l2.collision-domain"]
run = csma.simulate(stations=3, slots=80, load=0.06, seed=4, trace=True)
run

# %% tags=["concept:l2.collision-domain"]
draw.draw_csma_timeline(run)
plt.show()

# %% [markdown] tags=["concept:l2.collision-domain"]
# Yellow is a station waiting for the wire (carrier sense), red a collision, purple a random
# back-off. Now plug more and more stations into one hub, each with the same modest traffic:

# %% tags=["concept:l2.collision-domain"]
on_a_hub = csma.sweep([1, 2, 4, 8, 12, 16, 24, 32])
on_a_switch = csma.sweep([1, 2, 4, 8, 12, 16, 24, 32], shared=False)
for r in on_a_hub:
    print(f"{r.stations:>3} station{'s' if r.stations > 1 else ' '}: {r.collision_rate:6.1%} of attempts collide, "
          f"wire busy with good frames {r.utilisation:6.1%}, {r.dropped:>3} frames given up")

# %% tags=["concept:l2.collision-domain"]
draw.draw_collisions(on_a_hub, on_a_switch)
plt.show()

# %% [markdown] tags=["concept:l2.collision-domain"]
# The more stations share one collision domain, the more of their attempts collide, and past a point
# the wire spends its time on collisions and back-offs instead of frames. A switch (green) gives
# every station its own port: no one to collide with.
#
# Counting collision domains in a drawing: every cable is one, except that a hub joins all of its
# cables into a single one. Here is the network the checks below ask about:

# %% tags=["concept:l2.collision-domain"]
example = Network()
for name, kind in lesson.DOMAIN_EXAMPLE["devices"]:
    example.add(name, kind)
for a, b in lesson.DOMAIN_EXAMPLE["links"]:
    example.link(a, b)
print("devices:", ", ".join(f"{n} ({k})" for n, k in lesson.DOMAIN_EXAMPLE["devices"][:4]), "and pc1-pc7")
print("cables: ", ", ".join(f"{a}-{b}" for a, b in lesson.DOMAIN_EXAMPLE["links"]))

# %% [markdown] tags=["concept:l2.collision-domain"]
# ### Try it
# Rerun the sweep with more traffic per station, `csma.sweep(load=0.01)`, or draw a busier timeline
# with `csma.simulate(stations=5, slots=120, load=0.08, seed=1, trace=True)`.
# Then print `example.collision_domains()` (after answering below).
#
# ### Check

# %% tags=["concept:l2.collision-domain"]
answer = None  # ← a number
lesson.collision_domains.check(answer)

# %% tags=["concept:l2.collision-domain"]
answer = None  # ← a number
lesson.backoff_range.check(answer)

# %% tags=["concept:l2.collision-domain"]
quiz(lesson.on_collision)

# %% [markdown] tags=["concept:l2.hub-vs-switch"]
# ## Hub vs switch
# A **hub** (허브) is a layer-1 device: it reads no addresses and repeats every signal out of every
# other port. All its ports are one collision domain, so only one station can send at a time: no
# multiple access. A **switch** (스위치) is a layer-2 device: it reads each frame's MAC header and
# sends the frame only where it needs to go. Every port is its own collision domain (and with
# full-duplex links, collisions disappear), so many pairs talk at once.
#
# The same two frames, h1 → h2 and h2 → h1, through both (the MACs are the lab's, below):

# %% tags=["concept:l2.hub-vs-switch"]
names = {"02:00:00:00:02:01": "h1", "02:00:00:00:03:01": "h2", "02:00:00:00:04:01": "h3",
         "02:00:00:00:05:01": "r1"}
mac = {who: address for address, who in names.items()}
ports = ["s1-eth1", "s1-eth2", "s1-eth3", "s1-eth4"]
frames = [(Frame(mac["h1"], mac["h2"]), "s1-eth1"), (Frame(mac["h2"], mac["h1"]), "s1-eth2")]

print(Hub(ports, names=names, name="s1").run(frames), end="\n\n")
print(LearningSwitch(ports, names=names, name="s1").run(frames))

# %% [markdown] tags=["concept:l2.hub-vs-switch"]
# Now on a real network: three hosts and a router port on a Linux bridge. We pin every host's
# neighbour table (permanent ARP entries, lesson 05 explains ARP), so the only frames on the wire are
# the ones we send. First we make the bridge behave like a hub: with an *ageing time* (에이징 타임) of 0 it forgets
# every address at once, so it floods every frame.

# %% tags=["concept:l2.hub-vs-switch"]
lab = l04.switch_lab()
lab.start()
l04.pin_neighbours(lab)
l04.set_hub_mode(lab, on=True)
as_hub = l04.watch_learning(lab, [("h1", "h2")])
print(as_hub[0].summary(l04.mac_names(lab)))

# %% [markdown] tags=["concept:l2.hub-vs-switch"]
# h3 and r1 received a conversation that was none of their business; on a real hub they would also
# have had to wait for it to end before sending anything themselves.
#
# ### Try it
# Count the domains yourself: a `Network()` with one hub and four PCs, then the same with a switch
# (`net.add("sw", "switch")`, `net.link("sw", "pc1")` ...), and compare `net.collision_domains()`.
#
# ### Check

# %% tags=["concept:l2.hub-vs-switch"]
answer = None  # ← a number
lesson.switch_domains.check(answer)

# %% tags=["concept:l2.hub-vs-switch"]
quiz(lesson.hub_receivers)

# %% [markdown] tags=["concept:l2.mac-learning"]
# ## How a switch learns: forward, flood, filter
# A switch keeps a **MAC table** (MAC 테이블): which MAC address was last seen on which port. For
# every frame it does two things:
#
# 1. **Learn** from the *source* MAC: "this address is on the port the frame came in on."
# 2. **Look up** the *destination* MAC: known on another port → **forward** to that port only;
#    unknown (or a broadcast (브로드캐스트)) → **flood** to every other port; known on the same port → **filter**
#    (drop).
#
# Entries not refreshed for the **ageing time** (Linux: 300 s) are forgotten. Here is the model,
# stepped frame by frame: h1 pings h2, then h3 pings h1.

# %% tags=["concept:l2.mac-learning"]
switch = LearningSwitch(ports, names=names, name="s1")
trace = switch.run([
    (Frame(mac["h1"], mac["h2"], "echo request"), "s1-eth1"),
    (Frame(mac["h2"], mac["h1"], "echo reply"), "s1-eth2"),
    (Frame(mac["h3"], mac["h1"], "echo request"), "s1-eth3"),
    (Frame(mac["h1"], mac["h3"], "echo reply"), "s1-eth1"),
])
trace

# %% tags=["concept:l2.mac-learning"]
hosts_by_port = l04.host_on_port(lab)
draw.draw_switch_step(trace, 0, hosts_by_port)
plt.show()

# %% tags=["concept:l2.mac-learning"]
draw.draw_switch_step(trace, 1, hosts_by_port)
plt.show()

# %% [markdown] tags=["concept:l2.mac-learning"]
# Only the very first frame was flooded: by the time h2 answered, the switch had learned where h1
# is. Now the same pings on the real bridge. We give it back its normal ageing time, capture at
# every port's far end, and read its forwarding (포워딩) database with `bridge fdb show br s1 dynamic`
# after each ping:

# %% tags=["concept:l2.mac-learning"]
l04.set_hub_mode(lab, on=False)
rounds = l04.watch_learning(lab, [("h1", "h2"), ("h3", "h1")])
for r in rounds:
    print(r.summary(l04.mac_names(lab)))

# %% tags=["concept:l2.mac-learning"]
rounds[-1].fdb

# %% [markdown] tags=["concept:l2.mac-learning"]
# Is the model right? Feed it exactly the frames the capture saw, on the ports they came in on, and
# compare its decisions with where the capture found each frame, and its table with the kernel's:

# %% tags=["concept:l2.mac-learning"]
agreement = l04.compare_with_model(lab, rounds)
print(agreement)
model, _ = l04.replay_on_model(lab, rounds)
print("\nmodel's table == kernel's fdb:", model.as_dict() == rounds[-1].learned)

# %% [markdown] tags=["concept:l2.mac-learning"]
# ### Try it
# Step through the model with a slider: `draw.step_widget(trace, hosts_by_port)`. Then make h3 move
# to another port, as a laptop does between docks: `switch.receive(Frame(mac["h3"], mac["h2"]),
# "s1-eth4")`, and look at `switch.table()`. And on the real bridge: `l04.watch_learning(lab, [("h2",
# "h3")])`.
#
# ### Check

# %% tags=["concept:l2.mac-learning"]
answer = None  # ← a list of names, e.g. ["h1"]
lesson.learned_after_ping.check(answer)

# %% tags=["concept:l2.mac-learning"]
quiz(lesson.first_frame, lesson.same_port)

# %% [markdown] tags=["concept:l2.broadcast-domain"]
# ## Broadcasts and the broadcast domain
# A **broadcast** (브로드캐스트) is a frame for everyone: destination `ff:ff:ff:ff:ff:ff`. Switches
# flood it out of every port; that is how a host finds a neighbour it knows nothing about (ARP asks
# "who has 10.0.4.13?" this way). Everything a broadcast reaches is one **broadcast domain**
# (브로드캐스트 도메인). A router does not forward broadcasts: it is where the domain ends.
#
# In the lab, `r1` has a second network with `h4` behind it. h1 broadcasts one ARP request:

# %% tags=["concept:l2.broadcast-domain"]
arp_answer, saw_it = l04.broadcast_reach(lab)
arp_answer

# %% tags=["concept:l2.broadcast-domain"]
print("the broadcast reached:", ", ".join(saw_it))
print("broadcast domains of the example network:", len(example.broadcast_domains()))
lab.stop()

# %% [markdown] tags=["concept:l2.broadcast-domain"]
# Every host on the switch had to read that frame, even though only h3 cared. That is why large flat
# networks get split by routers (or VLANs): fewer machines per broadcast domain.
#
# ### Try it
# Move `lab.stop()` out of the cell above, then broadcast from the other side:
# `l04.broadcast_reach(lab, "h4", "10.0.5.1")`: which cards hear h4? Or list the example's domains:
# `example.broadcast_domains()`.
#
# ### Check

# %% tags=["concept:l2.broadcast-domain"]
answer = None  # ← a list of names
lesson.arp_reach.check(answer)

# %% tags=["concept:l2.broadcast-domain"]
answer = None  # ← a number
lesson.broadcast_domains.check(answer)

# %% [markdown] tags=["concept:l3.router"]
# ## A router forwards or drops
# A **router** (라우터) relays packets *between* networks. For each packet it looks the destination
# up in its routing (라우팅) table: if a route matches, it **forwards** the packet to the next hop (lowering
# its TTL by one; 다음 홉); if none matches, it **drops** the packet and tells the sender with ICMP. It
# also drops a packet whose TTL would reach zero.
#
# The routing lab: `h1` and `h2` on two networks of `r1`; `r2` and `r3` upstream; `ec2` on a fourth.

# %% tags=["concept:l3.router"]
lab = l04.routing_lab()
lab.draw()
plt.show()

# %% tags=["concept:l3.router"]
lab.start()
l04.add_loopback_addresses(lab)
h1 = lab["h1"]
h1.ping("10.0.2.10", count=1)

# %% tags=["concept:l3.router"]
h1.ping("10.99.0.1", count=1)

# %% tags=["concept:l3.router"]
h1.ping("10.0.2.10", count=1, ttl=1)

# %% [markdown] tags=["concept:l3.router"]
# Forwarded (the reply's TTL is 63: one router on the way), dropped for lack of a route ("Destination
# Net Unreachable" from 10.0.1.1), dropped because the TTL ran out. The routing model says the same:

# %% tags=["concept:l3.router"]
r1 = l04.r1_model()
for destination, ttl in (("10.0.2.10", 64), ("10.99.0.1", 64), ("10.0.2.10", 1), ("10.0.1.1", 64)):
    print(r1.forward(destination, ttl=ttl))

# %% [markdown] tags=["concept:l3.router"]
# ### Try it
# Turn r1 into a plain host in the model, `Router("h", {"eth0": "10.0.1.10/24"}, forwarding=False)`,
# and ask it to `forward("10.0.2.10")`. In the lab, ping with `ttl=2` instead of 1.
#
# ### Check

# %% tags=["concept:l3.router"]
quiz(lesson.no_route, lesson.ttl_one)

# %% [markdown] tags=["concept:l3.routing-table"]
# ## Routing tables and longest-prefix match
# A **routing table** (라우팅 테이블) lists destination networks and, for each, where to send packets:
# `via` a next-hop router, or directly out of a `dev`ice. Three kinds of routes matter most:
#
# * **connected** routes, which the kernel adds itself for every network the machine has an address
#   on (`proto kernel scope link`);
# * routes someone added (`via` a gateway);
# * the **default route** (기본 경로) `0.0.0.0/0` ("default"), which contains every address.
#
# Several routes can contain one destination. The rule is **longest-prefix match** (최장 접두사
# 일치): the most specific route (the longest prefix) wins; among equally long ones, the lowest
# **metric** (메트릭). r1's real table, and what the model makes of one destination:

# %% tags=["concept:l3.routing-table"]
lab["r1"].run("ip route")

# %% tags=["concept:l3.routing-table"]
r1.lookup("10.20.30.99")

# %% tags=["concept:l3.routing-table"]
draw.draw_prefix_match(r1.lookup("10.20.30.99"))
plt.show()

# %% [markdown] tags=["concept:l3.routing-table"]
# Real packets follow the same rule: r2 owns 10.20.1.1 and r3 owns 10.20.30.1 (on their loopbacks).
# Both are inside 10.20.0.0/16, but only one is inside 10.20.30.0/24:

# %% tags=["concept:l3.routing-table"]
h1.traceroute("10.20.1.1")

# %% tags=["concept:l3.routing-table"]
h1.traceroute("10.20.30.1")

# %% [markdown] tags=["concept:l3.routing-table"]
# `ip route get ADDRESS` asks the kernel which route it would use, without sending anything. The
# kernel and the model, side by side:

# %% tags=["concept:l3.routing-table"]
l04.compare_route_get(lab["r1"], r1, ["10.20.30.99", "10.20.7.7", "10.0.2.10", "192.168.1.40", "10.0.1.1",
                                      "10.0.1.255", "10.99.0.1"])

# %% [markdown] tags=["concept:l3.routing-table"]
# ### Reading a real `ip route`
# The course notes show `ip route` on an EC2 instance (Ubuntu, address 192.168.1.31 in a /26). The
# lab host `ec2` gets the same routes its DHCP client would add:

# %% tags=["concept:l3.routing-table"]
l04.seed_routes_on_ec2(lab)
seed_output = lab["ec2"].run("ip route")
seed_output

# %% tags=["concept:l3.routing-table"]
seed_table = RouteTable.parse(seed_output.output)
print("same lines as the notes:", seed_table.show() == list(l04.SEED_ROUTES))
seed_table.explain()

# %% [markdown] tags=["concept:l3.routing-table"]
# So the instance reaches its own /26 (192.168.1.0 - .63) directly, and everything else through the
# VPC's router at 192.168.1.1, which DHCP told it about. The third line is a host route to the
# gateway itself, `scope link`: the DHCP client adds it so the gateway is always reachable on the
# wire. `metric 100` would lose to a route with a lower metric for the same prefix.

# %% tags=["concept:l3.routing-table"]
seed_table.lookup("192.168.1.40")

# %% tags=["concept:l3.routing-table"]
lab["ec2"].ping("10.0.2.10", count=1)

# %% tags=["concept:l3.routing-table"]
lab.stop()

# %% [markdown] tags=["concept:l3.routing-table"]
# ### Try it
# Give r1 a default route in the model, `r1.add_route("default", via="10.0.3.2")`, and ask
# `r1.forward("10.99.0.1")` again. Parse your own machine's `ip route` with `RouteTable.parse("""...""")`.
# And make a mistake on purpose: `r1.add_route("10.30.0.0/16", via="172.16.0.1")`.
#
# ### Check

# %% tags=["concept:l3.routing-table"]
answer = None  # ← an address
lesson.longest_prefix.check(answer)

# %% tags=["concept:l3.routing-table"]
answer = None  # ← a destination like "10.0.0.0/8"
lesson.seed_route.check(answer)

# %% tags=["concept:l3.routing-table"]
answer = None  # ← an address
lesson.seed_outside.check(answer)

# %% tags=["concept:l3.routing-table"]
quiz(lesson.proto_dhcp, lesson.lower_metric)

# %% [markdown] tags=["concept:l3.internet-nat"]
# ## Private addresses and NAT on the way to the internet
# To talk to the internet a machine needs a **public IP** (공인 IP): an address routed everywhere,
# unique worldwide. Most machines have a **private IP** (사설 IP) from the RFC 1918 blocks (10/8,
# 172.16/12, 192.168/16), which any network may reuse, and which internet routers therefore refuse
# to carry. A router at the edge performs **NAT** (network address translation): on the way out it
# swaps the private source for its own public address, and on the way back it swaps it back.
#
# (The lab's "internet" uses documentation ranges such as 198.51.100.0/24 and 203.0.113.0/24: they
# stand in for public addresses and never leave this machine.)

# %% tags=["concept:l3.internet-nat"]
for address in ("10.0.1.10", "172.20.0.5", "192.168.1.31", "198.51.100.2", "203.0.113.10", "8.8.8.8"):
    print(f"{address:<14} {address_kind(address)}")

# %% [markdown] tags=["concept:l3.internet-nat"]
# The NAT lab: `h1` (private, 10.0.1.10) behind `r1`, whose outside address 198.51.100.2 is public;
# an internet router `isp`; and a web site at 203.0.113.10. Like real internet routers, `isp` refuses
# private destinations:

# %% tags=["concept:l3.internet-nat"]
lab = l04.nat_lab()
lab.start()
lab["isp"].run("ip route")

# %% [markdown] tags=["concept:l3.internet-nat"]
# Without NAT, h1 pings the site, capturing at the site's card:

# %% tags=["concept:l3.internet-nat"]
from helpers.lab.capture import CaptureTable

with lab.capture("site:eth0", filter="icmp") as capture:
    ping = lab["h1"].ping("203.0.113.10", count=1)
print(f"{ping.received} of {ping.transmitted} replies came back")
CaptureTable(capture.packets, show_points=False)

# %% [markdown] tags=["concept:l3.internet-nat"]
# The request arrived, the site answered, but the answer was addressed to 10.0.1.10, and `isp` has no
# route to private addresses: it dropped the reply and said so. Now turn on NAT (an nftables
# *masquerade* (마스커레이드) rule on r1's outside interface) and fetch the site's page:

# %% tags=["concept:l3.internet-nat"]
lab["r1"].nft(l04.NAT_RULES)
with lab.capture("r1:eth0", "site:eth0", filter="tcp[tcpflags] & tcp-syn != 0") as capture:
    page = lab["h1"].http("http://203.0.113.10/")
print(page.status, page.reason, "|", page.body.strip())
for point in ("r1:eth0", "site:eth0"):
    print(f"\nat {point}:")
    print("\n".join(l04.packet_lines(capture.at(point))))

# %% [markdown] tags=["concept:l3.internet-nat"]
# Inside, the connection comes from 10.0.1.10; outside, from 198.51.100.2. r1 remembers the
# translation in its connection tracking table, which is how the reply finds its way back in:

# %% tags=["concept:l3.internet-nat"]
tracked = lab["r1"].run("cat /proc/net/nf_conntrack")
l04.nat_translations(tracked.output)

# %% tags=["concept:l3.internet-nat"]
lab["r1"].run("nft list ruleset")

# %% [markdown] tags=["concept:l3.internet-nat"]
# NAT works one way only: from the internet, h1's private address is simply not reachable.

# %% tags=["concept:l3.internet-nat"]
lab["site"].ping("10.0.1.10", count=1)

# %% tags=["concept:l3.internet-nat"]
lab.stop()

# %% [markdown] tags=["concept:l3.internet-nat"]
# ### Try it
# Classify your own machine's address with `address_kind(...)`. Rebuild the lab without the NAT rule
# and look at `lab["isp"].run("ip route get 10.0.1.10")`: the kernel answers "No route to host".
#
# ### Check

# %% tags=["concept:l3.internet-nat"]
answer = None  # ← an address
lesson.source_seen.check(answer)

# %% tags=["concept:l3.internet-nat"]
quiz(lesson.why_no_reply)

# %% [markdown] tags=["concept:l3.vpc-switch-router"]
# ## Inside a VPC: switch, router, internet gateway
# An AWS VPC has no cables, but it behaves like this lesson's labs. An instance sends to
#
# * an address **in its own subnet** directly, through the **virtual switch**;
# * an address **in another subnet** of the VPC through the **virtual router** (the route table's
#   `local` route, e.g. 10.0.0.0/16 → local; 가상 라우터);
# * **anything else** through the route `0.0.0.0/0` → the **internet gateway**.
#
# In the model, with the route table of a public subnet:

# %% tags=["concept:l3.vpc-switch-router"]
subnets = {"public": "10.0.1.0/24", "private": "10.0.2.0/24"}
public_routes = RouteTable()
public_routes.add("10.0.0.0/16", dev="local")
public_routes.add("default", dev="igw-0a1b2c")
for destination in ("10.0.1.11", "10.0.2.20", "203.0.113.50"):
    print(vpc_path("10.0.1.10", destination, subnets, public_routes))

# %% [markdown] tags=["concept:l3.vpc-switch-router"]
# And built for real: a public subnet with two web servers on switch `s1`, a private subnet with a
# database on `s2`, the virtual router `r1`, and an internet gateway `igw` that gives `web` the
# public address 198.51.100.10 (one-to-one NAT, as an Elastic IP does). `user` is on the internet.

# %% tags=["concept:l3.vpc-switch-router"]
lab = l04.vpc_lab()
lab.draw()
plt.show()

# %% tags=["concept:l3.vpc-switch-router"]
lab.start()
for destination, line in l04.kernel_route_get(lab["web"], ["10.0.1.11", "10.0.2.20", "203.0.113.50"]).items():
    print(f"web$ ip route get {destination}\n{line}")

# %% tags=["concept:l3.vpc-switch-router"]
lab["web"].traceroute("10.0.1.11")

# %% tags=["concept:l3.vpc-switch-router"]
lab["web"].traceroute("203.0.113.50")

# %% [markdown] tags=["concept:l3.vpc-switch-router"]
# web2 is one hop away (the switch is invisible to traceroute); the internet is three: the virtual
# router, the internet gateway, then the user. (That is this lab, built from Linux namespaces. In a
# real VPC, AWS's router and internet gateway do not answer traceroute, so those hops do not show.) The user's web server sees web's public address,
# because the internet gateway translated it (try the same from `web2`, which has no public address:
# `lab["web2"].http("http://203.0.113.50/whoami")` gets no answer):

# %% tags=["concept:l3.vpc-switch-router"]
print(lab["web"].http("http://203.0.113.50/whoami").body)

# %% [markdown] tags=["concept:l3.vpc-switch-router"]
# ### Try it
# Give the private subnet its own route table in the model, with only the local route, and ask
# `vpc_path("10.0.2.20", "203.0.113.50", subnets, private_routes)`: a private subnet has no way out.
#
# ### Check

# %% tags=["concept:l3.vpc-switch-router"]
answer = None  # ← "virtual switch", "virtual router" or "internet gateway"
lesson.to_web2.check(answer)

# %% tags=["concept:l3.vpc-switch-router"]
answer = None  # ← "virtual switch", "virtual router" or "internet gateway"
lesson.to_db.check(answer)

# %% tags=["concept:l3.vpc-switch-router"]
answer = None  # ← "virtual switch", "virtual router" or "internet gateway"
lesson.to_internet.check(answer)

# %% [markdown] tags=["concept:net.segmentation"]
# ## Network separation and defence in depth
# The web servers must be reachable from the internet; the database, which holds personal data,
# must not. So they live on separate networks (망 분리): an **external** network for the web tier
# and an **internal** one for the database. This is **defence in depth** (심층 방어): several
# independent barriers, so one mistake does not expose everything. In the VPC lab:
#
# 1. the database has no public address, and the internet has no route to private ones;
# 2. the router between the subnets lets only the web subnet reach the database port (5432), and
#    rejects everything else into the internal network;
# 3. the internet gateway translates only web's address.

# %% tags=["concept:net.segmentation"]
print(l04.ROUTER_RULES)

# %% tags=["concept:net.segmentation"]
for who, meaning, outcome in l04.reachability(lab):
    print(f"{who:<24} {meaning:<44} {outcome}")

# %% tags=["concept:net.segmentation"]
lab.stop()

# %% [markdown] tags=["concept:net.segmentation"]
# In AWS the same design is a public and a private subnet, security groups and network ACLs
# (lesson 09 builds them). The lab's router filter plays the network ACL's part.
#
# ### Try it
# Add a probe: `l04.reachability(lab, [("web2", "10.0.2.20", 22, "web2 → database SSH")])` (start the
# lab again first), or read the rejections counted on r1: `lab["r1"].run("nft list ruleset")`.
#
# ### Check

# %% tags=["concept:net.segmentation"]
quiz(lesson.db_from_internet, lesson.ssh_to_db)

# %% tags=["concept:net.segmentation"]
answer = None  # ← a list of names
lesson.may_reach_db.check(answer)

# %% [markdown]
# ## Summary
# * On a shared medium (a hub) stations listen, send, detect collisions and back off: CSMA/CD. More
#   stations in one collision domain means more collisions; a switch gives every port its own.
# * A switch learns source MACs and forwards to known destinations, floods unknown ones and
#   broadcasts, and filters frames for the port they came from. A Linux bridge does exactly this.
# * A broadcast reaches the whole broadcast domain, which ends at a router.
# * A router forwards by longest-prefix match (then lowest metric) and drops what no route matches;
#   `ip route` shows connected routes (`proto kernel scope link`; 연결된 경로), gateways (`via`), the default
#   route, who added each (`proto dhcp`) and its cost (`metric`).
# * Private addresses are not routed on the internet; NAT swaps them for a public address.
# * In a VPC: same subnet → virtual switch; other subnet → virtual router; 0.0.0.0/0 → internet
#   gateway. Keep the database on an internal network: defence in depth.
#
# ## Terms

# %%
from helpers import glossary

glossary.terms("04")

# %% [markdown]
# **Next:** [05 · ARP and ICMP experiments](05-arp-and-icmp.ipynb)
