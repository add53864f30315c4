# %% [markdown]
# # 05 · ARP and ICMP: experiments
#
# An IP address says *where* a machine is; it does not say which cable or which network card
# to put a frame on. Before the first packet leaves, **ARP** (주소 결정 프로토콜) finds the MAC address (MAC 주소) behind an IP
# address. And because IP itself promises nothing (packets can be dropped, looped or sent
# nowhere), **ICMP** (인터넷 제어 메시지 프로토콜) carries the network's reports back: "delivered", "no route", "time ran out".
# `ping` and `traceroute` (트레이스라우트), the first tools anyone reaches for when "the network is slow" or "the
# server is down", are nothing but ICMP. In this lesson you run them on a real network built on
# this machine and read every field they print.
#
# **Learning objectives.** After this lesson you can:
# 1. explain how ARP turns an IP address into a MAC address (broadcast (브로드캐스트) request, unicast (유니캐스트) reply) and
#    read a neighbour table (`ip neigh`, `arp -n`; 이웃 테이블, ARP 테이블);
# 2. say what ICMP is for, why it has no ports, and read its error messages;
# 3. read every field of `ping`: bytes, `icmp_seq`, `ttl`, `time`, packet loss (패킷 손실) and
#    `rtt min/avg/max/mdev`;
# 4. read `traceroute`, including hops (홉) that show `*`, and explain how TTL (생존 시간) expiry makes it work;
# 5. find the slow stretch of a path from round-trip times (왕복 시간, RTT).
#
# **Builds on:** [02 · Networks and the OSI model](02-networks-and-osi.ipynb) (MAC and
# IP addresses, layers) and [04 · Switching and routing](04-switching-and-routing.ipynb) (switches
# flood broadcasts; routers forward between networks and read their route tables).

# %% [markdown]
# ## Setup

# %%
import matplotlib.pyplot as plt

import helpers

helpers.setup()

from helpers.exercises import l05 as lesson
from helpers.experiments import l05

# %% [markdown] tags=["concept:arp.protocol"]
# ## 1. ARP: who has this IP address?
#
# On an Ethernet network every frame is addressed to a **MAC address** (6 bytes, like
# `02:00:00:00:03:01`). When h1 wants to send an IP packet to 10.0.1.20 on its own network, it
# must first learn the MAC address behind that IP. That is **ARP**, the *Address Resolution
# Protocol* (주소 결정 프로토콜):
#
# 1. h1 **broadcasts** a request to `ff:ff:ff:ff:ff:ff`: *"who has 10.0.1.20? tell 10.0.1.10"*.
#    The switch floods it to every port, so every host hears it.
# 2. Only the owner of 10.0.1.20 answers, with a **unicast** reply straight to h1:
#    *"10.0.1.20 is at 02:00:00:00:03:01"*.
# 3. h1 remembers the answer in its **neighbour table** (ARP table) and sends the packet.
#
# Here is a small network to watch this happen: three hosts on one switch, nobody has talked yet.

# %% tags=["concept:arp.protocol"]
arp = l05.arp_lab()
arp.start()
h1, h2, h3 = arp["h1"], arp["h2"], arp["h3"]
arp

# %% [markdown] tags=["concept:arp.protocol"]
# h1's neighbour table is empty: it has never needed anyone's MAC address.

# %% tags=["concept:arp.protocol"]
h1.run("ip neigh")

# %% [markdown] tags=["concept:arp.protocol"]
# Now h1 pings h2 once, while we capture at the network card of all three hosts (as
# `tcpdump -nni eth0` would on each). Read the table from top to bottom: it is one timeline.

# %% tags=["concept:arp.protocol"]
with arp.capture("h1:eth0", "h2:eth0", "h3:eth0") as cap:
    h1.ping("10.0.1.20", count=1)
cap.table()

# %% [markdown] tags=["concept:arp.protocol"]
# * Packets 1-3: the **request** leaves h1 and arrives at **both** h2 and h3: a broadcast reaches
#   every host of the network (its *broadcast domain*).
# * Packets 4-5: only h2 answers, and its **reply** goes to h1 alone: it is seen at h2 and h1,
#   never at h3.
# * Only then does the ping itself (ICMP, packets 6-9) travel: no frame can leave before ARP
#   has answered.
#
# The neighbour tables right after: h1 has h2's MAC address, h2 has learned h1's from the request
# itself (it needed it to answer), and h3, which heard the broadcast but was not asked, learned
# nothing.

# %% tags=["concept:arp.protocol"]
for node in (h1, h2, h3):
    display(node.run("ip neigh"))

# %% [markdown] tags=["concept:arp.protocol"]
# Let's dissect the two ARP frames with scapy, straight from the capture. In the request, the
# Ethernet destination is the broadcast address and the ARP *target MAC* is all zeros (unknown,
# that is the question); `op=1` means request. In the reply, `op=2` ("is-at"), and every address is
# filled in.

# %% tags=["concept:arp.protocol"]
from scapy.layers.l2 import ARP

request, reply = [seen.packet for seen in cap.at("h1:eth0") if ARP in seen.packet]
request.show()

# %% tags=["concept:arp.protocol"]
for name, frame in (("request", request), ("reply", reply)):
    a = frame[ARP]
    print(f"{name:>7}: Ethernet {frame.src} -> {frame.dst}   op={a.op}  "
          f"sender {a.psrc} ({a.hwsrc})  target {a.pdst} ({a.hwdst})")

# %% [markdown] tags=["concept:arp.protocol"]
# ### Try it
# * Ask h3 to resolve h2 with a single ARP request and nothing else: `h3.arp("10.0.1.20")` (the
#   same as `arping -c 1 -I eth0 10.0.1.20`). Which MAC does the reply go to now?
# * Ping h3 from h2 inside a capture and check that h1 sees the request but not the reply.
#
# ### Check

# %% tags=["concept:arp.protocol"]
lesson.arp_broadcast.check(None)  # ← replace None with your option, e.g. "h2's MAC address"

# %% tags=["concept:arp.protocol"]
answer = None  # ← the MAC address h2's ARP reply was sent to, e.g. "02:00:00:00:03:01"
lesson.arp_reply_to.check(answer)

# %% tags=["concept:arp.protocol"]
answer = None  # ← a list of hosts, e.g. ["h2", "h3"]
lesson.arp_learners.check(answer)

# %% [markdown] tags=["concept:arp.table"]
# ## 2. The neighbour table: `ip neigh` and `arp`
#
# Every machine keeps the ARP answers it gets in a table, so it does not have to ask before
# every packet. Two commands show the same kernel table:
#
# * `ip neigh` (iproute2, on every modern Linux): `10.0.1.20 dev eth0 lladdr 02:00:00:00:03:01 REACHABLE`
#   reads *"10.0.1.20, through eth0, is at this link-layer address, and that is fresh"*;
# * `arp -n` (net-tools, the older command the workshop notes use; `-n` shows addresses instead
#   of looking up names).
#
# The last word of `ip neigh` is the entry's **state**: an entry is not kept forever, the kernel
# re-checks it from time to time.

# %% tags=["concept:arp.table"]
from helpers.sim.arp import STATES, ARP_COLUMNS

for state, meaning in STATES.items():
    print(f"{state:<11} {meaning}")

# %% [markdown] tags=["concept:arp.table"]
# Above, h1's entry for h2 is `REACHABLE` (h2's reply confirmed it), while h2's entry for h1 is in
# `DELAY`: h2 learned it from the request, used it at once to send its echo reply (에코 요청 / 에코 응답), and is now
# waiting a few seconds for some sign of life before it double-checks with a unicast ARP.
#
# The same table in the seed's `arp` format, with its columns:

# %% tags=["concept:arp.table"]
l05.arp_table(h1)

# %% tags=["concept:arp.table"]
for column, meaning in ARP_COLUMNS:
    print(f"{column:<10} {meaning}")

# %% [markdown] tags=["concept:arp.table"]
# Entries can also be set by hand. A **permanent** entry never expires and is never replaced by
# ARP (flag `M` in `arp`, state `PERMANENT` in `ip neigh`); it is sometimes used to pin a gateway (게이트웨이, 기본 게이트웨이)'s
# MAC address. Let's add one on h1 for an address nobody has, and look again:

# %% tags=["concept:arp.table"]
display(h1.run("ip neigh add 10.0.1.99 lladdr 02:00:00:00:00:99 dev eth0 nud permanent"))
display(h1.run("ip neigh show 10.0.1.99"))
l05.arp_table(h1, "10.0.1.99")

# %% [markdown] tags=["concept:arp.table"]
# `ip neigh flush dev eth0` forgets the learned entries (permanent ones stay: `ip neigh del`
# removes those); the next packet to h2 starts again with an ARP request.
#
# ### Try it
# * Run `h1.run("ip neigh flush dev eth0")`, then `h1.run("ip neigh")`: which entry survived?
# * Wait a minute and look at h1's table again: `REACHABLE` turns `STALE` when it has not been
#   confirmed for a while (15 to 45 seconds, at random).
#
# ### Check

# %% tags=["concept:arp.table"]
lesson.arp_flags.check(None)  # ← replace None with your option

# %%
arp.stop()

# %% [markdown] tags=["concept:icmp.protocol"]
# ## 3. ICMP: how the network reports back
#
# IP delivers packets on a *best effort* basis: a router with no route drops the packet, a packet
# caught in a loop is dropped when its TTL runs out, a host may have nothing listening. IP itself
# cannot tell anyone; **ICMP**, the *Internet Control Message Protocol*, does. It travels inside
# IP (protocol number 1) and every message starts with a **type** and a **code**:
#
# | type | message | sent when ... | what you see |
# |---|---|---|---|
# | 8 / 0 | echo request / echo reply | someone asks "are you there?" | `ping` |
# | 3 | destination unreachable (code 0 net, 1 host, 3 port, 13 prohibited; 목적지 도달 불가) | a packet cannot be delivered | `Destination Net Unreachable`, `!N` |
# | 11 | time exceeded (시간 초과) | a router drops a packet whose TTL reached 0 | `Time to live exceeded`, traceroute hops |
#
# **ICMP has no ports.** Ports belong to TCP and UDP, which carry data *for programs*; ICMP
# carries messages *about the network* and is answered by the kernel itself. That is why you can
# ping a machine that runs no service at all, and why a firewall rule for ping names an ICMP type,
# never a port.
#
# The lab for the rest of the lesson is a path across three routers. Each link has a delay, and
# the middle one is long (40 ms each way, like a link between two cities):

# %% tags=["concept:icmp.protocol"]
path = l05.path_lab()
path.start()
h1, srv = path["h1"], path["srv"]
path.draw()
plt.show()

# %% [markdown] tags=["concept:icmp.protocol"]
# First an error. h1 pings 10.0.99.5, an address no router has a route to. h1 hands the packet to
# its gateway r1; r1 has nowhere to send it, drops it, and says so:

# %% tags=["concept:icmp.protocol"]
with path.capture("h1:eth0") as cap:
    unreachable = h1.ping(l05.UNROUTED, count=1)
display(unreachable)
cap.table()

# %% [markdown] tags=["concept:icmp.protocol"]
# The first two frames are h1 asking for its gateway's MAC address (section 1 again: this is h1's
# first packet on this network). Then `From 10.0.1.1 icmp_seq=1 Destination Net Unreachable`: r1
# (10.0.1.1) answered instead of the destination, with ICMP type 3, code 0. ping counts it as an
# error (`+1 errors`), not just a loss.

# %% [markdown] tags=["concept:arp.table"]
# Those first two frames are worth a second look. h1 wanted to reach 10.0.99.5, yet it asked ARP
# for **10.0.1.1**: its route table (`ip route`, lesson 04) sends everything outside 10.0.1.0/24 to
# the gateway, so the only MAC address h1 ever needs for other networks is the gateway's. That is
# why the workshop's `arp` output lists the gateway 192.168.1.1.

# %% tags=["concept:arp.table"]
display(h1.run("ip route"))
display(h1.run("ip neigh"))

# %% tags=["concept:arp.table"]
lesson.arp_gateway.check(None)  # ← replace None with your option

# %% [markdown] tags=["concept:icmp.protocol"]
# Now look inside the two ICMP messages with scapy. The echo request has a type, a code, a
# checksum, an **identifier** and a **sequence number**: no port anywhere. The error message
# carries a copy of the start of the packet that failed (its IP header and first 8 bytes), so the
# sender can tell which of its packets it is about:

# %% tags=["concept:icmp.protocol"]
from scapy.layers.inet import ICMP, IP, ICMPerror, IPerror

echo, error = [seen.packet for seen in cap if ICMP in seen.packet]
print("an echo request's ICMP header:", ", ".join(f.name for f in ICMP.fields_desc[:5]))
print(f"  this one: type={echo[ICMP].type} (echo request), code={echo[ICMP].code}, seq={echo[ICMP].seq}; no port field")
print(f"the error from {error[IP].src}: type={error[ICMP].type} (destination unreachable), code={error[ICMP].code} (net)")
print(f"  it quotes the failed packet: {error[IPerror].src} -> {error[IPerror].dst}, "
      f"ICMP type={error[ICMPerror].type}, seq={error[ICMPerror].seq}")

# %% [markdown] tags=["concept:icmp.protocol"]
# ### Try it
# * Ping with a TTL too small to arrive: `h1.ping(l05.SERVER, count=1, ttl=1)`. Which router
#   answers, and with which message?
# * On r1, add a rule that rejects pings to srv:
#   `path["r1"].run("nft add table inet filter; nft 'add chain inet filter forward { type filter hook forward priority 0; }'; nft add rule inet filter forward icmp type echo-request reject with icmp type admin-prohibited")`,
#   then ping srv and read the error (`Packet filtered`: type 3, code 13).
#
# ### Check

# %% tags=["concept:icmp.protocol"]
lesson.icmp_ports.check(None)  # ← replace None with your option

# %% tags=["concept:icmp.protocol"]
answer = None  # ← the name of the node that sent the unreachable message, e.g. "h1"
lesson.unreachable_sender.check(answer)

# %% [markdown] tags=["concept:icmp.ping"]
# ## 4. Reading ping
#
# `ping` sends an echo request every `-i` seconds (`-c` times) and prints a line for every reply,
# then a summary. The very first packet to a new destination waits for ARP on every link of the
# path (h1 asks for r1's MAC, r1 for r2's, and so on), so it takes longer than the rest:

# %% tags=["concept:icmp.ping"]
first = h1.ping(l05.SERVER, count=2, interval=0.5)
first

# %% tags=["concept:icmp.ping"]
ratio = first.replies[0].time_ms / first.replies[1].time_ms
print(f"the first reply took about {ratio:.0f} times as long as the second")

# %% [markdown] tags=["concept:icmp.ping"]
# Now that every ARP entry on the path is known, a run of five pings, and what each field means.
# (Times wobble from run to run, so the table quotes only the fastest reply, rounded to 10 ms.)

# %% tags=["concept:icmp.ping"]
steady = h1.ping(l05.SERVER, count=5)
steady

# %% tags=["concept:icmp.ping"]
from helpers.sim.ping import explain_ping

explain_ping(steady)

# %% [markdown] tags=["concept:icmp.ping"]
# A few things to notice:
#
# * **bytes**: `56(84) bytes of data` is the payload (56) and the whole IP packet (56 + 8 ICMP +
#   20 IP = 84); each reply line says `64 bytes`, the ICMP part (8 + 56).
# * **ttl=61**: srv's Linux started its reply at 64; three routers each took one away. The TTL
#   of a reply tells you roughly how many routers are in between.
# * **time**: about 100 ms, which is 2 x (0 + 5 + 40 + 5) ms: the one-way delays of the four
#   links, there and back. That is the **RTT**, the round-trip time (왕복 시간).
# * **mdev** is called the "mean deviation", but ping computes the *standard deviation* of the
#   times: small means a steady path; a large mdev
#   (**jitter** (지터)) hurts calls and games more than a high but steady RTT.
#
# ### Packet loss
# The seeds' ping ends with `0.0% packet loss`. To see loss, a second small lab joins two hosts
# with a cable that drops 20% of the frames in each direction (the link emulator's losses come from
# a seeded random generator, so this run repeats exactly). First we pin each end's ARP entry, so
# only the pings cross the faulty cable:

# %% tags=["concept:icmp.ping"]
loss = l05.loss_lab()
loss.start()
l05.pin_neighbours(loss)
l05.arp_table(loss["h1"])

# %% tags=["concept:icmp.ping"]
lossy = loss["h1"].ping("10.0.5.2", count=20)
lossy

# %% [markdown] tags=["concept:icmp.ping"]
# Gaps in `icmp_seq` show exactly which requests (or their replies) were lost. Each ping needs two
# frames to survive, so a 20% loss per direction loses about 36% of pings on average
# (1 - 0.8 x 0.8); 20 pings are a small sample, so this run is a bit above.

# %% tags=["concept:icmp.ping"]
from helpers.sim.ping import round_trip_loss

missing = [seq for seq in range(1, lossy.transmitted + 1) if seq not in {r.seq for r in lossy.replies}]
print("lost icmp_seq:", missing)
print(f"loss in this run: {lossy.loss_percent:g}%   expected on average: {100 * round_trip_loss(0.2):.0f}%")
loss.stop()

# %% [markdown] tags=["concept:icmp.ping"]
# ### Try it
# * Send bigger packets: `h1.ping(l05.SERVER, count=3, size=1000)`. What changes in the output?
# * Build `l05.loss_lab("50%")`, pin its neighbours, ping 20 times and compare with
#   `round_trip_loss(0.5)`.
#
# ### Check

# %% tags=["concept:icmp.ping"]
answer = None  # ← a number, the percentage ping prints
lesson.loss_percent.check(answer)

# %% tags=["concept:icmp.ping"]
answer = None  # ← a number of routers
lesson.ttl_routers.check(answer)

# %% tags=["concept:icmp.ping"]
answer = None  # ← ms, e.g. 15
lesson.mdev_value.check(answer)

# %% tags=["concept:icmp.ping"]
answer = None  # ← a percentage
lesson.two_way_loss.check(answer)

# %% [markdown] tags=["concept:icmp.traceroute"]
# ## 5. traceroute: TTL expiry, hop by hop
#
# Every IP packet carries a **TTL** (*time to live*, 생존 시간): each router subtracts one, and a
# router that brings it to 0 drops the packet and sends an ICMP **time exceeded** back to the
# sender. traceroute turns this into a map: it sends a probe with TTL 1 (the first router answers),
# then TTL 2 (the second router answers), and so on, until the destination itself answers. On
# Linux the probes are UDP packets to unlikely ports (33434 and up), so the destination answers
# "port unreachable": that is how traceroute knows it has arrived.

# %% tags=["concept:icmp.traceroute"]
h1.traceroute(l05.SERVER)

# %% [markdown] tags=["concept:icmp.traceroute"]
# Every line is one hop: its address and the round-trip time of the probe. Here is the same trace
# captured at h1 (one probe at a time, from a fixed source port, so the capture repeats exactly):
# each UDP probe, and the ICMP message that answered it. The TTL shown on each time-exceeded reply
# is the reply's own, counting down as it comes back from further away.

# %% tags=["concept:icmp.traceroute"]
with path.capture("h1:eth0") as cap:
    probes = l05.trace_probes(h1)
display(probes)
cap.table()

# %% [markdown] tags=["concept:icmp.traceroute"]
# ### A silent hop: `*`
# Many routers are configured not to send time-exceeded messages (or firewalls drop them). They
# still forward traffic, but traceroute gets no answer for their hop and prints `*`, as in the
# seed's trace. Let's make r2 silent with one nftables rule on its *output* (r2 keeps forwarding;
# it only stops telling):

# %% tags=["concept:icmp.traceroute"]
l05.silence_time_exceeded(path["r2"])

# %% tags=["concept:icmp.traceroute"]
silent = h1.traceroute(l05.SERVER)
silent

# %% tags=["concept:icmp.traceroute"]
print("hops:", silent.addresses, " reached the server:", silent.reached)

# %% [markdown] tags=["concept:icmp.traceroute"]
# Hop 2 is `*`, but hops 3 and 4 answer: the probes went *through* r2. A `*` in the middle of a
# trace is usually not a fault. A trace whose stars continue to the end is different: there the
# packets stop.
#
# ### Try it
# * Delete r2's rule (`path["r2"].run("nft flush ruleset")`) and trace again.
# * Make r3 drop *forwarded* traffic instead (a `forward` chain with `drop`): what does the trace
#   look like when the packets really stop?
#
# ### Check

# %% tags=["concept:icmp.traceroute"]
lesson.traceroute_star.check(None)  # ← replace None with your option

# %% [markdown] tags=["concept:icmp.rtt"]
# ## 6. RTT: finding the slow stretch
#
# When a service feels slow, the first question is *where* the time goes. The seeds split a
# request's time into **connect + request + response**: connecting (the TCP handshake) costs one
# round trip, sending the request and getting the response costs another, plus whatever the
# server does. Each round trip is an RTT, so a long RTT makes everything slow.
#
# To find the slow stretch of a path, measure the RTT to every hop in order. The RTT to hop *n*
# includes every link before it, so the **difference** between consecutive hops is what each
# stretch adds. We ping each hop three times and keep the fastest (the minimum is the path's
# own delay; anything above it is waiting somewhere):

# %% tags=["concept:icmp.rtt"]
hops = l05.hop_rtts(h1)
l05.rounded(hops)

# %% tags=["concept:icmp.rtt"]
from helpers.sim.ping import segment_table

print(segment_table(hops))

# %% tags=["concept:icmp.rtt"]
from helpers.draw.rtt import rtt_staircase

rtt_staircase(hops)
plt.show()

# %% [markdown] tags=["concept:icmp.rtt"]
# r2 → r3 adds about 80 of the 100 ms: that link is where to look. The lab knows why: its one-way
# delays are

# %% tags=["concept:icmp.rtt"]
print({f"{a}-{b}": f"{ms} ms" for (a, b), ms in l05.LINK_DELAYS_MS.items()})
print("expected RTT to each hop:", l05.expected_rtts())

# %% [markdown] tags=["concept:icmp.rtt"]
# On a real network the same method points at a congested link or a long-distance hop; traceroute
# gives you the list of hops to ping. Keep in mind that a router answers ICMP itself, often slowly
# and at low priority, so one odd hop that the following hops do not inherit is the router, not
# the link.
#
# ### Try it
# Build your own path: `lab = l05.path_lab()` uses `LINK_DELAYS_MS`; change a delay in
# `helpers/experiments/l05.py` (or build a lab by hand with `Lab(...)` and `delay=`), measure with
# `l05.hop_rtts()`, and see whether `slowest_segment()` from `helpers.sim.ping` finds it.
#
# ### Check

# %% tags=["concept:icmp.rtt"]
answer = None  # ← the stretch, e.g. "h1-r1"
lesson.slow_stretch.check(answer)

# %% tags=["concept:icmp.rtt"]
lesson.request_time.check(None)  # ← replace None with your option

# %% [markdown] tags=["lab-demo", "packet-walk"]
# ## 7. Packet walk: one ping across the path
#
# <!-- PACKET WALK (lead: helpers/lab/walk.py; 패킷 워크). This section uses Capture.walk() and
#      PacketWalk.widget(); adjust here if their API changes. -->
#
# One echo request and its reply, captured at every interface of the path. Step through it: at
# every router the **MAC addresses change** (each link is its own Ethernet hop, and each router
# rewrites the frame) while the **IP addresses stay** from h1 to srv, and the **TTL drops by one**
# at each router.

# %% tags=["packet-walk"]
with path.capture("h1:eth0", "r1", "r2", "r3", "srv:eth0") as walk_cap:
    h1.ping(l05.SERVER, count=1)
walk = walk_cap.walk(protocol="ICMP")
walk.widget()

# %% [markdown]
# The whole walk as text, to compare hops side by side:

# %% tags=["packet-walk"]
walk

# %%
path.stop()

# %% [markdown]
# ## Summary
# * **ARP** finds the MAC address behind an IP address on the same network: a **broadcast**
#   request everyone hears, a **unicast** reply from the owner. Answers go into the **neighbour
#   table** (`ip neigh`, `arp -n`), whose entries expire and get re-checked. For other networks a
#   host only ever resolves its **gateway**.
# * **ICMP** is how IP reports back: echo request/reply (ping), destination unreachable,
#   time exceeded. It sits directly on IP and has **no ports**; its errors quote the packet they
#   are about.
# * **ping** shows bytes, `icmp_seq` (gaps = losses), `ttl` (how many routers), `time` (the RTT),
#   packet loss and `rtt min/avg/max/mdev` (mdev = jitter). The first ping to a new destination
#   also pays for ARP.
# * **traceroute** sends probes with TTL 1, 2, 3 ... and lists who answers "time exceeded"; a `*`
#   in the middle is a router that forwards but does not answer.
# * To find a slow stretch, take the **difference** of the RTTs of consecutive hops.
#
# ## Terms

# %%
from helpers import glossary

glossary.terms("05")

# %% [markdown]
# **Next:** [06 · Ports, sockets, TCP and UDP](06-ports-and-sockets.ipynb)
