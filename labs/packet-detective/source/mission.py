# %% [markdown]
# # Lab · Packet detective
#
# **Mission.** The help desk of a small office has collected five packet captures while people
# complained: the printer, a scanner that "never answers", a slow web site, a port that "is open,
# the developer swears", a DNS name. Every capture was taken for real, on a live lab network
# (an office LAN, three routers, DNS servers and a web server "on the internet"). Your job: answer
# eleven questions from the packets alone, the way you would with Wireshark or tcpdump.
#
# You read the captures with **scapy** and the course's helpers, write each answer into `answers`,
# and `mission.check(N)` tells you whether it is right. A wrong answer gets a hint about *that*
# mistake: the TTL taken for a hop count, the resolver taken for the authoritative server, a
# filtered port taken for a closed one.
#
# **Time:** 45-60 minutes. **Prerequisites:** lesson 02 (*Networks and the OSI model*: layers and
# headers), lesson 05 (*ARP and ICMP*), lesson 06 (*Ports, sockets, TCP and UDP*) and lesson 07
# (*HTTP and DNS*). No live lab: the captures are files, so the mission runs the same in every
# mode.

# %% [markdown]
# ## Set-up

# %%
import helpers

helpers.setup()
from scapy.layers.dns import DNS
from scapy.layers.inet import ICMP, IP, TCP
from scapy.layers.l2 import ARP, Ether

from helpers.experiments.detective import CATALOGUE, Answers, detective_mission, load, table
from helpers.packets import dissect

answers = Answers()
mission = detective_mission(answers)
CATALOGUE

# %% [markdown]
# The questions, in order:

# %%
mission

# %% [markdown]
# ## How to read a capture
# `table(name)` prints one line per packet, numbered from 1 like Wireshark. `load(name)` gives the
# packets themselves, exactly what scapy's `rdpcap("pcaps/arp.pcap")` returns: a list you can index
# (`packets[0]` is packet 1 of the table) and filter with ordinary Python.

# %%
table("arp")

# %% [markdown]
# Each scapy packet is a stack of layers. `ARP in p` asks whether a packet has a layer, `p[ARP]`
# takes that layer, and its fields are attributes: `p[ARP].op` is 1 for a request and 2 for a
# reply, `p[ARP].psrc` and `p[ARP].hwsrc` are the sender's IP and MAC address.

# %%
packets = load("arp")
for number, p in enumerate(packets, start=1):
    if ARP in p:
        print(number, "request" if p[ARP].op == 1 else "reply  ", p[ARP].psrc, p[ARP].hwsrc, "->", p[ARP].pdst)

# %% [markdown]
# The same fields for other layers: `p[IP].src`, `p[IP].dst`, `p[IP].ttl`; `p[TCP].sport`,
# `p[TCP].dport`, `p[TCP].flags` ("S" is SYN, "SA" SYN-ACK, "RA" RST-ACK); `p[DNS].qr` (0 query,
# 1 response), `p[DNS].aa` (authoritative answer), `p[DNS].an` (the answer records, each with
# `.rrname`, `.ttl` and `.rdata`); `bytes(p[TCP].payload)` is what TCP carries.
#
# ### Try it
# Outside the notebook, the same files open in Wireshark, or in a terminal with
# `tcpdump -nn -r pcaps/arp.pcap` (add `-e` to see MAC addresses, `-v` for TTLs).

# %% [markdown] tags=["concept:osi.encapsulation"]
# ## 1 · Layers
# Every frame on the wire is the application's data wrapped in one header per layer: Ethernet
# (layer 2), then IP (layer 3), then TCP (layer 4). `dissect(packet)` lists the layers of a packet
# from the outside in, with each header's size. Here is packet 4 of `http.pcap`:

# %% tags=["concept:osi.encapsulation"]
http = load("http")
for layer in dissect(http[3]):
    print(layer, f"  [{layer.header_bytes} bytes]")

# %% tags=["concept:osi.encapsulation"]
mission.goal(1)

# %%
# Your answer, e.g. answers.header_bytes = 54


# %% tags=["concept:osi.encapsulation"]
mission.check(1)

# %% [markdown] tags=["concept:arp.protocol"]
# ## 2 and 3 · ARP: who is there?
# Before `pc1` can send a packet to another machine on its LAN, it must know that machine's MAC
# address. It broadcasts "who has 10.0.5.30? tell 10.0.5.10", and the owner of that address
# answers with a unicast "10.0.5.30 is-at ..." (the table of `arp.pcap` is above). A question that
# nobody answers means that no machine on the LAN has the address.

# %% tags=["concept:arp.protocol"]
mission.goal(2)

# %%
# Your answer, e.g. answers.printer_mac = "02:00:00:00:0a:01"


# %% tags=["concept:arp.protocol"]
mission.check(2)

# %%
mission.goal(3)

# %%
# Your answer, e.g. answers.silent_address = "10.0.5.77"


# %%
mission.check(3)

# %% [markdown] tags=["concept:icmp.ping"]
# ## 4 and 5 · What the TTL tells
# Every IP packet starts with a time to live: 64 on Linux and macOS, 128 on Windows, 255 on much
# network gear. Each router takes one off. So the TTL a reply arrives with says how many routers it
# crossed, and which kind of machine most likely sent it. `pc1` pinged three servers:

# %% tags=["concept:icmp.ping"]
table("ttl")

# %% tags=["concept:icmp.ping"]
mission.goal(4)

# %%
# Your answer, e.g. answers.hops_to_www = 2


# %% tags=["concept:icmp.ping"]
mission.check(4)

# %%
mission.goal(5)

# %%
# Your answer, e.g. answers.ttl_128_host = "10.0.6.80"


# %%
mission.check(5)

# %% [markdown] tags=["concept:tcp.port-check"]
# ## 6 and 7 · Open, closed, filtered
# Checking a port is trying to open a TCP connection (what `telnet HOST PORT` does): the client
# sends SYN. An **open** port answers SYN-ACK, a **closed** one (nothing listens) answers RST, and a
# **filtered** one says nothing at all, because a firewall dropped the SYN and the client gives up
# after its timeout.

# %% tags=["concept:tcp.port-check"]
table("ports")

# %% tags=["concept:tcp.port-check"]
mission.goal(6)

# %%
# Your answer, e.g. answers.closed_port = 8080


# %% tags=["concept:tcp.port-check"]
mission.check(6)

# %%
mission.goal(7)

# %%
# Your answer, e.g. answers.filtered_port = 8080


# %%
mission.check(7)

# %% [markdown] tags=["concept:dns.resolver"]
# ## 8 and 9 · Who really knows: DNS
# `dns.pcap` was captured at the office's recursive resolver (`10.0.5.53`): `pc1` asks it for
# `www.example.com`, and the resolver, whose cache is empty, walks the hierarchy from the root down.
# Only one server holds the `example.com` zone; its answers carry the **aa** (authoritative answer)
# flag. Every record in a reply also has a TTL of its own: how many *seconds* it may be cached.
# (The table shows "ok" for a reply that only refers the resolver onwards.)

# %% tags=["concept:dns.resolver"]
table("dns")

# %% tags=["concept:dns.resolver"]
mission.goal(8)

# %%
# Your answer, e.g. answers.authoritative_server = "198.51.100.99"


# %% tags=["concept:dns.resolver"]
mission.check(8)

# %%
mission.goal(9)

# %%
# Your answer, e.g. answers.dns_ttl = 3600


# %%
mission.check(9)

# %% [markdown] tags=["concept:http.status-check"]
# ## 10 and 11 · What the web server said
# `pc1` requested three pages, each over its own TCP connection. A response belongs to the request
# that came in on the same connection: the same client port.

# %% tags=["concept:http.status-check"]
table("http")

# %% tags=["concept:http.status-check"]
mission.goal(10)

# %%
# Your answer, e.g. answers.redirect_status = 200


# %% tags=["concept:http.status-check"]
mission.check(10)

# %%
mission.goal(11)

# %%
# Your answer, e.g. answers.missing_path = "/index.html"


# %%
mission.check(11)

# %% [markdown]
# ## Progress
# All eleven questions at a glance (run it whenever you like); `answers` shows what you wrote.

# %%
mission.check()

# %% [markdown]
# ## Stuck?
# Read the hint of `mission.check(N)` again: it names what is wrong with your answer. Print the
# packets of the capture in question and the fields the hint mentions. Instructors can show how a
# question is answered with `mission.reveal(N, instructor=True)`; without that, it only says where
# the solutions are kept:

# %%
mission.reveal(4)

# %% [markdown]
# **Back to the lessons:** [02 · Networks and the OSI model](../../notebooks/02-networks-and-osi.ipynb),
# [05 · ARP and ICMP](../../notebooks/05-arp-and-icmp.ipynb),
# [06 · Ports, sockets, TCP and UDP](../../notebooks/06-ports-and-sockets.ipynb),
# [07 · HTTP and DNS](../../notebooks/07-http-and-dns.ipynb)
