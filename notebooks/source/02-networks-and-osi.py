# %% [markdown]
# # 02 · Networks and the OSI model
#
# When a page does not load, the first question is *where* it broke: the cable, the switch (스위치), the
# route, the port, the program? The **OSI model** (OSI 7 계층) splits networking into seven layers so that
# question has an answer. In this lesson you build a small real network (네트워크, 통신망), fetch a web page across
# it, and take one captured frame (프레임) apart layer by layer: the Ethernet header (헤더) your switch reads, the
# IP header your router (라우터) reads, the TCP (전송 제어 프로토콜) header with the port, and the HTTP request inside.
#
# **Learning objectives.** After this lesson you can:
# 1. describe a network as nodes (노드) and links (링크), and count its subnets;
# 2. name the seven layers with each one's job, PDU (프로토콜 데이터 단위), addresses, devices and protocols (프로토콜);
# 3. dissect a real frame layer by layer and explain encapsulation (캡슐화);
# 4. recall the well-known ports (잘 알려진 포트) and tell TCP from UDP (사용자 데이터그램 프로토콜) on the wire;
# 5. show how bits become signals and back.
#
# **Builds on:** [00 · Start here](00-start-here.ipynb) (live labs) and
# [01 · Why the cloud](01-why-the-cloud.ipynb).
#
# ## Setup

# %%
import matplotlib.pyplot as plt

import helpers
from helpers import osi
from helpers.checks import quiz
from helpers.draw import osi as draw
from helpers.exercises import l02 as lesson
from helpers.experiments import l02

helpers.setup()

# %% [markdown] tags=["concept:net.nodes-links"]
# ## A network is nodes and links
# A **network** (네트워크, 통신망) is a system of **nodes** joined by **links**. A node (노드) is
# anything with an IP address (IP 주소) that can talk: a server, a cloud instance, a router. A link (링크)
# is what joins two of them: a cable, Wi-Fi, or in this course a virtual cable (a veth pair). A
# switch joins several cables into one network without an address of its own.
#
# One **subnet** (one block of addresses, lesson 03) is **one network**; a router joins networks.
# Here is the lab this lesson uses: a client `h1` on a switch, a router `r1`, and a web server:

# %% tags=["concept:net.nodes-links"]
lab = l02.osi_lab()
lab

# %% tags=["concept:net.nodes-links"]
lab.draw()
plt.show()

# %% tags=["concept:net.nodes-links"]
for what, items in l02.count_nodes(lab).items():
    print(f"{what:>8}: {', '.join(items)}")

# %% [markdown] tags=["concept:net.nodes-links"]
# ### Try it
# `lab.recipe()` prints the real commands that build this network: one `ip netns add` per node,
# one `ip link add ... type veth` per link, one `ip addr add` per address.
#
# ### Check

# %% tags=["concept:net.nodes-links"]
answer = None  # ← a number
lesson.nodes.check(answer)

# %% tags=["concept:net.nodes-links"]
answer = None  # ← a number
lesson.networks.check(answer)

# %% [markdown] tags=["concept:osi.layers"]
# ## The seven layers
# The OSI model (OSI 7 계층) stacks seven jobs. A sender's data goes **down** the stack, each layer
# adding what it needs; it crosses the wire as signals; the receiver takes it **up** the stack, each
# layer reading and removing what its twin added. Each layer only talks to the layers next to it,
# so Wi-Fi can replace a cable without HTTP noticing.

# %% tags=["concept:osi.layers"]
osi.table("does")

# %% tags=["concept:osi.layers"]
draw.draw_osi_stack()
plt.show()

# %% [markdown] tags=["concept:osi.layers"]
# In practice the Internet uses a simpler cut (TCP/IP: link, internet, transport, application):
# layers 5 and 6 live inside applications and libraries such as TLS. The OSI numbers stay in
# everyday speech: "an L4 load balancer", "an L2 problem".
#
# ### Try it
# Highlight one layer in the picture: `draw.draw_osi_stack(highlight=4)`. Look a layer up by any name:
# `osi.layer("L3")`, `osi.layer("transport")`.
#
# ### Check

# %% tags=["concept:osi.layers"]
answer = None  # ← a list of seven names, e.g. ["physical", ...]
lesson.layer_order.check(answer)

# %% tags=["concept:osi.layers"]
quiz(lesson.path_layer, *osi.layer_questions(3, seed=2))

# %% [markdown] tags=["concept:osi.pdu"]
# ## PDUs: what each layer calls its data
# The piece of data a layer works with is its **PDU** (protocol data unit): **bits** on the wire,
# **frames** at layer 2, **packets** (패킷) at layer 3, **segments** (세그먼트) at layer 4, and plain **data** above.
# The names tell you which header someone is talking about: "the frame was dropped" is a layer-2
# story, "the packet was dropped" a routing one.

# %% tags=["concept:osi.pdu"]
osi.table("pdu", "korean")

# %% tags=["concept:osi.pdu"]
print([osi.layer(n).pdu for n in range(1, 5)])
print(osi.layer_of("frame"), osi.layer_of("segment"))

# %% [markdown] tags=["concept:osi.pdu"]
# ### Try it
# `osi.layer_of("packet")` and `osi.layer_of("bit")`. Why does `osi.layer_of("data")` refuse to answer?
#
# ### Check

# %% tags=["concept:osi.pdu"]
answer = None  # ← a word
lesson.transport_pdu.check(answer)

# %% [markdown] tags=["concept:osi.addresses"]
# ## Addresses at each layer
# Three layers have addresses of their own:
#
# * **Layer 2, MAC address** (MAC 주소): 6 bytes, set in the network card. It names a neighbour *on this
#   link*; a frame never leaves its network.
# * **Layer 3, IP address**: 4 bytes in IPv4. It names the final receiver, across networks.
# * **Layer 4, port number** (포트 번호): 2 bytes (0-65535). It names the program on that machine. Ports
#   0-1023 are **well-known** (standard services); the rest, 1024-65535, are for everything else
#   (IANA splits them further into registered, up to 49151, and dynamic ones clients pick).
#
# Let us watch all three for real: start the lab and fetch the web page from `h1`, capturing at
# `h1`'s card and at the server's card.

# %% tags=["concept:osi.addresses"]
osi.table("addresses")

# %% tags=["concept:osi.addresses"]
lab.start()
page, capture = l02.capture_http(lab)
page

# %% tags=["concept:osi.addresses"]
request_at_h1 = l02.http_request(capture, "h1:eth0")
request_at_web = l02.http_request(capture, "web:eth0")
for point, frame in (("at h1's card ", request_at_h1), ("at web's card", request_at_web)):
    print(point)
    for layer, name, size, fields in l02.layer_rows(frame)[:3]:
        print(f"   {layer} {name:<9} {fields}")

# %% [markdown] tags=["concept:osi.addresses"]
# The IP addresses (10.0.2.10 → 10.0.20.80) and the ports (40001 → 80) are the same on both sides.
# The MAC addresses are not: at `h1` the frame goes from `h1` to the router's card
# (02:00:00:00:03:01), and at `web` from the router's other card to `web`. A MAC address only
# names a neighbour; each router builds a new frame for the next link.

# %% tags=["concept:osi.addresses"]
for port in (22, 80, 8080, 40001, 51000):
    print(port, osi.port_range(port), osi.service(port) or "")

# %% [markdown] tags=["concept:osi.addresses"]
# ### Try it
# Print the client's port of the GET: `request_at_h1["TCP"].sport`. Which range is it in? Classify a few
# ports of your own with `osi.port_range(...)`, and try one that cannot exist, `osi.port_range(70000)`.
#
# ### Check

# %% tags=["concept:osi.addresses"]
answer = None  # ← a number
lesson.ipv4_bytes.check(answer)

# %% tags=["concept:osi.addresses"]
answer = None  # ← "MAC", "IP", "both" or "neither"
lesson.changed_at_router.check(answer)

# %% tags=["concept:osi.addresses"]
answer = None  # ← "well-known", "registered" or "dynamic"
lesson.port_8080.check(answer)

# %% [markdown] tags=["concept:osi.devices"]
# ## Devices at each layer
# A device works at the highest layer whose header it reads:
#
# * **Layer 1**: cables, connectors, **repeaters** and **hubs** (허브) read nothing; they pass signals on.
# * **Layer 2**: **bridges** and **L2 switches** read MAC addresses to pick a port.
# * **Layer 3**: **routers** and **L3 switches** read IP addresses to pick the next hop.
# * **Layer 4**: **L4 switches** (load balancers) also read ports.
#
# In the lab, `s1` is a Linux bridge: a switch with ports and no IP address. `r1` is a router: an IP
# address on each network, and forwarding turned on.

# %% tags=["concept:osi.devices"]
osi.table("devices")

# %% tags=["concept:osi.devices"]
lab["s1"].run("bridge link show")

# %% tags=["concept:osi.devices"]
lab["r1"].run("ip -br addr show; sysctl net.ipv4.ip_forward")

# %% [markdown] tags=["concept:osi.devices"]
# ### Try it
# Ask the switch for its addresses, `lab["s1"].run("ip -br addr show")`: the ports have none. Then
# look at what the bridge has learned so far, `lab["s1"].mac_table()` (lesson 04 is all about it).
#
# ### Check

# %% tags=["concept:osi.devices"]
quiz(lesson.switch_device, lesson.router_device)

# %% [markdown] tags=["concept:osi.protocols"]
# ## Protocols at each layer
# A **protocol** (프로토콜) is a set of rules both sides follow. Each layer has its own: Ethernet,
# PPP and HDLC at layer 2; IPv4, IPv6, ARP, ICMP, IGMP and the routing protocols (RIP, EIGRP, OSPF)
# at layer 3; TCP and UDP at layer 4; NetBIOS, sockets and RPC at layer 5; SSL/TLS and MIME at
# layer 6; HTTP, DNS, SSH and friends at layer 7.

# %% tags=["concept:osi.protocols"]
osi.table("protocols")

# %% tags=["concept:osi.protocols"]
for name in ("Ethernet", "ARP", "OSPF", "UDP", "TLS", "HTTP"):
    print(f"{name:<9} {osi.layer_of(name)}")

# %% [markdown] tags=["concept:osi.protocols"]
# ### Try it
# `osi.layer_of("PPP")`, `osi.layer_of("RPC")`; and a name the table does not know, such as
# `osi.layer_of("QUIC")`, to see the error sentence.
#
# ### Check

# %% tags=["concept:osi.protocols"]
answer = None  # ← a layer number
lesson.ospf_layer.check(answer)

# %% tags=["concept:osi.protocols"]
quiz(lesson.arp_layer)

# %% [markdown] tags=["concept:osi.encapsulation"]
# ## Encapsulation: a real frame, layer by layer
# **Encapsulation** (캡슐화) is each layer wrapping what it got from above in its own header. Build an
# HTTP request the way the layers do, with scapy's `/` operator: Ethernet around IP around TCP around
# the request. Nothing is sent; it is just bytes.

# %% tags=["concept:osi.encapsulation"]
built = l02.build_http_request()
print(built.summary())
for row in l02.layer_rows(built):
    print(*row[:3], row[3], sep="  ")

# %% tags=["concept:osi.encapsulation"]
from scapy.utils import hexdump

hexdump(built)

# %% [markdown] tags=["concept:osi.encapsulation"]
# The first 14 bytes are Ethernet (destination MAC, source MAC, type `08 00` = IPv4), the next 20
# are IPv4 (starting `45`: version 4, header 5 × 4 bytes), then 20 bytes of TCP (ports `9c 41` =
# 40001 and `00 50` = 80), then the text `GET / HTTP/1.1`. Now the frame `h1` really sent, captured
# in the lab, next to the built one:

# %% tags=["concept:osi.encapsulation"]
for header, in_built, in_captured in l02.compare_layers(built, request_at_h1):
    print(f"{header:<9} built:    {in_built}\n{'':<9} captured: {in_captured}")

# %% tags=["concept:osi.encapsulation"]
from helpers.packets import dissect

draw.draw_encapsulation(dissect(request_at_h1), title="The captured GET, layer by layer")
plt.show()

# %% [markdown] tags=["concept:osi.encapsulation"]
# The layers are the same; the captured TCP header is 12 bytes longer because Linux adds options
# (timestamps) to every segment. The picture also shows two things no capture shows: the **FCS**
# (a checksum the network card appends and the receiving card strips) and the **preamble** that
# precedes every frame on the wire.
#
# ### Try it
# Change the request: `l02.build_http_request(path="/index.html")` and compare the layer sizes.
# Or print `l02.layer_rows(request_at_web)`: which fields changed on the far side of the router?
#
# ### Check

# %% tags=["concept:osi.encapsulation"]
answer = None  # ← a number of bytes
lesson.header_bytes.check(answer)

# %% tags=["concept:osi.encapsulation"]
answer = None  # ← a number
lesson.ttl_at_web.check(answer)

# %% tags=["concept:osi.encapsulation"]
quiz(lesson.rewritten_header)

# %% [markdown] tags=["concept:osi.well-known-ports"]
# ## Well-known ports
# A server program listens on a port; clients must know which. For standard services the number is
# fixed by convention. These are worth knowing by heart:

# %% tags=["concept:osi.well-known-ports"]
osi.ports_table()

# %% [markdown] tags=["concept:osi.well-known-ports"]
# `ss -ltnu` lists the ports a machine listens on (TCP and UDP). On the lab's web server: HTTP on
# TCP 80, and an echo service on UDP 7 (the old "echo" well-known port).

# %% tags=["concept:osi.well-known-ports"]
lab["web"].run("ss -Hltnu | awk '{print $1, $5}' | sort")

# %% [markdown] tags=["concept:osi.well-known-ports"]
# ### Try it
# Look a port up the other way round: `osi.service(443)`, `osi.service(161)`; and see which ports your
# own machine listens on with `ss -ltnu` in a terminal.
#
# ### Check

# %% tags=["concept:osi.well-known-ports"]
answer = None  # ← a number
lesson.ssh_port.check(answer)

# %% tags=["concept:osi.well-known-ports"]
answer = None  # ← a number
lesson.dns_port.check(answer)

# %% tags=["concept:osi.well-known-ports"]
answer = None  # ← a list of two numbers
lesson.dhcp_ports.check(answer)

# %% tags=["concept:osi.well-known-ports"]
quiz(*osi.port_questions(5, seed=7), title="Port drill")

# %% [markdown] tags=["concept:osi.tcp-vs-udp"]
# ## TCP vs UDP
# Both carry data between ports; they differ in what they promise.
#
# * **TCP** is **connection-oriented and reliable**: a three-way handshake (SYN, SYN-ACK, ACK; 핸드셰이크) opens
#   a connection, every byte is acknowledged and resent if lost, and the connection is closed
#   (FIN). Web, mail, SSH and databases use it.
# * **UDP** is **connectionless**: each datagram travels alone, with no handshake, no acknowledgement
#   and no guarantee. It is fast and simple; DNS queries, DHCP and streaming use it.
#
# Here is each of them talking to an open port and a closed one, captured at `h1`. (When the server
# acknowledges the client's FIN in a packet of its own, which depends on timing, that bare ACK is left
# out of the list: `exchanges[...].packets` has every packet.)

# %% tags=["concept:osi.tcp-vs-udp"]
exchanges = l02.capture_tcp_and_udp(lab)
print(l02.transport_summary(exchanges))

# %% tags=["concept:osi.tcp-vs-udp"]
from helpers.lab.capture import describe

tcp = exchanges["TCP to port 80 (open)"]
steps = [("->" if s.packet["IP"].src == l02.CLIENT else "<-", describe(s.packet).split(" ", 3)[-1])
         for s in tcp.key_packets()]
draw.draw_exchange(steps, left="h1 (client)", right="web (server)", title="TCP: open, then close")
plt.show()

# %% [markdown] tags=["concept:osi.tcp-vs-udp"]
# Count the packets: TCP spent six or seven on a connection that carried no data at all (three to
# open, three or four to close), UDP two for a question and its answer. A closed TCP port answers
# with a reset (RST); a closed UDP port has no way to answer, so the receiving kernel reports it
# with ICMP.
#
# ### Try it
# Send your own datagram: `lab["h1"].udp_exchange("10.0.20.80", 7, "any text")` echoes it back. Print
# every packet of the TCP connection, bare ACKs included: `[describe(s.packet) for s in tcp.packets]`.
#
# ### Check

# %% tags=["concept:osi.tcp-vs-udp"]
quiz(lesson.tcp_closed, lesson.udp_closed, lesson.dns_transport)

# %% [markdown] tags=["concept:osi.physical-encoding"]
# ## Bits to signals
# At the bottom of the stack, the physical layer (물리 계층) turns the frame's bits into a signal (voltage on
# copper, light in fibre, radio): **encoding** (인코딩). The receiver samples the signal and turns it back
# into bits: **decoding**. The rule for doing so is a *line code*:
#
# * **NRZ-L**: high for 1, low for 0. Simple, but a long run of equal bits is a flat line, and the
#   receiver's clock can drift and miscount them.
# * **NRZI**: a 1 flips the level, a 0 keeps it.
# * **Manchester** (10 Mbit/s Ethernet): every bit has a transition in its middle, low-to-high for 1
#   and high-to-low for 0, so the clock travels with the data.
#
# Here is the letter `M` (0x4D, bits 01001101), the first letter of "Manchester":

# %% tags=["concept:osi.physical-encoding"]
bits = osi.bits_of("M")
levels = osi.encode(bits, "Manchester")
print("bits:  ", bits)
print("levels:", levels)
print("decoded back:", osi.decode(levels, "Manchester"))

# %% tags=["concept:osi.physical-encoding"]
draw.draw_encoding("M")
plt.show()

# %% [markdown] tags=["concept:osi.physical-encoding"]
# ### Try it
# Draw `draw.draw_encoding("00000000")` and look at NRZ-L: eight bits, one flat line. Then damage a
# signal: `osi.decode([1, 1, -1, 1], "Manchester")`.
#
# ### Check

# %% tags=["concept:osi.physical-encoding"]
answer = None  # ← bits in quotes, e.g. "1010"
lesson.manchester.check(answer)

# %% tags=["concept:osi.physical-encoding"]
quiz(lesson.why_transitions)

# %%
lab.stop()

# %% [markdown]
# ## Summary
# * A network is nodes (anything with an IP) and links; one subnet is one network.
# * The OSI layers: physical (bits), data link (frames, MAC), network (packets, IP), transport
#   (segments, ports), session, presentation, application (data).
# * Devices work at the layer they read: hubs L1, switches L2, routers L3, L4 switches L4.
# * Encapsulation: each layer wraps the one above; a router replaces the Ethernet header and keeps
#   the IP header (TTL (생존 시간) - 1).
# * Well-known ports: HTTP 80, HTTPS 443, SMTP 25, POP3 110, FTP 20/21, TFTP 69, Telnet 23, SSH 22,
#   DHCP 67/68, DNS 53, SNMP 161/162.
# * TCP: handshake, acknowledgements, reset; UDP: one datagram, no promises.
# * Line codes turn bits into signals; Manchester carries the clock in every bit.
#
# ## Terms

# %%
from helpers import glossary

glossary.terms("02")

# %% [markdown]
# **Next:** [03 · IP addresses and subnetting](03-ip-addressing-and-subnetting.ipynb)
