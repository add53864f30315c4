"""Exercises of lesson 04 (switching and routing).

The counting questions use the topology drawn in the lesson (``DOMAIN_EXAMPLE``): a router with
two switches, one of them feeding a hub. Their answers were counted by hand; tests check the
models in helpers.sim agree.
"""
from helpers.checks import Exercise, MultipleChoice, cidr, choice, ip_address, number, set_of, text

# The topology of the domain-counting questions: (device, kind) and cables.
DOMAIN_EXAMPLE = {
    "devices": [("r1", "router"), ("s1", "switch"), ("s2", "switch"), ("hub1", "hub"),
                ("pc1", "host"), ("pc2", "host"), ("pc3", "host"), ("pc4", "host"), ("pc5", "host"),
                ("pc6", "host"), ("pc7", "host")],
    "links": [("r1", "s1"), ("r1", "s2"), ("s1", "pc1"), ("s1", "pc2"), ("s1", "hub1"), ("hub1", "pc3"),
              ("hub1", "pc4"), ("hub1", "pc5"), ("s2", "pc6"), ("s2", "pc7")],
}

# ---------------------------------------------------------------------------- l2.collision-domain
collision_domains = Exercise(
    "How many collision domains does the example network have?",
    answer=7,
    normalize=number,
    hints=[(10, "That counts every cable; the hub joins its four cables into one shared medium."),
           (2, "That is the number of broadcast domains (cut by the router); collisions are cut by every "
               "switch port too."),
           (3, "Switch ports separate collisions: every cable on a switch or router port is its own domain."),
           (1, "Only a hub joins cables into one collision domain; switches and routers separate them.")],
    hint="Count the cables, then merge the ones that meet at the hub into a single domain.",
    explain="10 cables; the hub's 4 cables are one shared medium, the other 6 cables one domain each: 7.",
)

backoff_range = Exercise(
    "After its 3rd collision in a row, a station waits a random number of slots from 0 up to what?",
    answer=7,
    normalize=number,
    hints=[(8, "There are 8 choices (2³), but counting starts at 0: the largest is 7."),
           (3, "The range doubles with each collision: 2^3 choices after the third."),
           (1023, "1023 (2^10 - 1) is the cap, reached after 10 collisions.")],
    explain="Truncated binary exponential back-off: 0 .. 2^k - 1 slots after the k-th collision.",
)

on_collision = MultipleChoice(
    "Two stations on a hub start sending in the same slot. What does CSMA/CD make them do?",
    ["Keep sending; the receiver sorts it out",
     "Stop, send a short jam signal, wait a random back-off, then try again",
     "Both wait exactly one slot and try again",
     "Give up on the frame at once"],
    answer="Stop, send a short jam signal, wait a random back-off, then try again",
    hints={"Keep sending; the receiver sorts it out": "The signals are mixed on the wire: nobody can read "
                                                       "either frame.",
           "Both wait exactly one slot and try again": "Then they would collide again, forever: the wait must be "
                                                      "random.",
           "Give up on the frame at once": "Ethernet gives up only after 16 attempts."},
    explain="Collision Detect: jam, back off randomly (the range doubling each time), retry.",
)

# ---------------------------------------------------------------------------- l2.broadcast-domain
broadcast_domains = Exercise(
    "How many broadcast domains does the example network have?",
    answer=2,
    normalize=number,
    hints=[(7, "That is the number of collision domains; switches and hubs pass broadcasts on."),
           (1, "The router does not forward broadcasts: it splits the network in two."),
           (3, "A hub is not a boundary for anything: it is part of s1's broadcast domain.")],
    explain="A broadcast reaches everything up to the router: one domain on each of its two sides.",
)

arp_reach = Exercise(
    "In the lab, which nodes' cards saw h1's ARP broadcast? (a list of names)",
    answer=["h2", "h3", "r1"],
    normalize=set_of(text),
    hints=[(["h2", "h3", "r1", "h4"], "h4 is behind the router, and a router does not forward broadcasts."),
           (["h2", "h3"], "r1's eth0 is plugged into the switch too: it hears every broadcast there."),
           (["h3"], "A broadcast goes to every port, not only to the host that owns the address.")],
    explain="Everyone on the switch (h2, h3 and r1's eth0); nothing beyond the router.",
)

# ---------------------------------------------------------------------------- l2.hub-vs-switch
switch_domains = Exercise(
    "A 24-port switch has one PC on every port. How many collision domains is that?",
    answer=24,
    normalize=number,
    hints=[(1, "One collision domain for everyone is a hub. Each switch port is its own."),
           (48, "One domain per port (per cable), not per end of a cable.")],
    explain="A switch gives each port its own collision domain (and with full duplex, no collisions at all).",
)

hub_receivers = MultipleChoice(
    "With the bridge acting as a hub (ageing 0), which cards saw h1's echo request to h2?",
    ["only h2", "h2, h3 and r1", "h3 and r1", "nobody"],
    answer="h2, h3 and r1",
    hints={"only h2": "That is what a switch that knows h2 does; a hub repeats everything to every port.",
           "h3 and r1": "The destination, h2, gets it too: it is every port but the sender's.",
           "nobody": "The ping got its reply, so h2 at least received it."},
    explain="A hub repeats every frame out of every other port: h3 and r1 see traffic not meant for them.",
)

# ---------------------------------------------------------------------------- l2.mac-learning
learned_after_ping = Exercise(
    "On a switch with an empty MAC table, h1 pings h2 (one request, one reply). Whose MACs does the table "
    "hold afterwards? (a list of names)",
    answer=["h1", "h2"],
    normalize=set_of(text),
    hints=[(["h1"], "The reply came from h2 and taught the switch where h2 is."),
           (["h1", "h2", "h3"], "h3 sent nothing, so the switch cannot know which port it is on."),
           (["h2"], "The switch learns from source addresses: h1's request was the first frame it saw.")],
    explain="A switch learns every frame's source: h1 from the request, h2 from the reply.",
)

first_frame = MultipleChoice(
    "h1's echo request to h2 is the first frame the empty switch sees. What does the switch do with it?",
    ["forward it to h2's port", "flood it to every other port", "drop it", "send it back to h1"],
    answer="flood it to every other port",
    hints={"forward it to h2's port": "To forward, the switch must know h2's port; its table is empty.",
           "drop it": "A switch drops only frames whose destination is on the port they came from.",
           "send it back to h1": "A switch never sends a frame back out of the port it came in on."},
    explain="Unknown destination: flood. The switch still learns h1's port from the frame's source.",
)

same_port = MultipleChoice(
    "A frame arrives on port 3, and the MAC table says its destination is on port 3 as well. The switch...",
    ["floods it", "forwards it to port 3", "filters (drops) it", "sends it to the router"],
    answer="filters (drops) it",
    hints={"floods it": "The destination is known, so there is no reason to flood.",
           "forwards it to port 3": "Port 3 already carried the frame to whoever sits there (say, a hub).",
           "sends it to the router": "A switch does not involve a router in delivering inside its network."},
    explain="The receiver is on the segment the frame came from and has heard it already.",
)

# ---------------------------------------------------------------------------- l3.router
no_route = MultipleChoice(
    "A router gets a packet for 10.99.0.1 and has no route that matches (not even a default route). It...",
    ["floods it out of every port", "drops it and tells the sender 'Destination Net Unreachable'",
     "sends it back where it came from", "keeps it until a route appears"],
    answer="drops it and tells the sender 'Destination Net Unreachable'",
    hints={"floods it out of every port": "Flooding is what switches do with unknown MACs; routers never flood.",
           "sends it back where it came from": "That would just make a loop.",
           "keeps it until a route appears": "Routers hold no packets for later; no route means drop."},
    explain="Forward when a route matches, drop when none does (the ICMP error is how ping learns it).",
)

ttl_one = MultipleChoice(
    "A packet arrives at a router with TTL 1. What happens?",
    ["forwarded with TTL 0", "dropped; the router sends back 'Time to live exceeded'", "forwarded with TTL 1",
     "delivered to the router itself"],
    answer="dropped; the router sends back 'Time to live exceeded'",
    hints={"forwarded with TTL 0": "A packet may not leave with TTL 0: that limit stops loops.",
           "forwarded with TTL 1": "Every router lowers the TTL by one; this is how traceroute finds routers.",
           "delivered to the router itself": "The packet is for someone else; the router only handles it."},
    explain="TTL 1 would become 0: the router drops it and reports back (traceroute relies on this).",
)

# ---------------------------------------------------------------------------- l3.routing-table
longest_prefix = Exercise(
    "r1 has 10.20.0.0/16 via 10.0.3.2 and 10.20.30.0/24 via 10.0.3.3. Which next hop does it use for "
    "10.20.30.99?",
    answer="10.0.3.3",
    normalize=ip_address,
    hints=[("10.0.3.2", "10.20.0.0/16 matches too, but /24 is longer: the more specific route wins."),
           ("10.20.30.99", "That is the destination; the next hop is the router the packet is handed to."),
           ("10.0.3.1", "10.0.3.1 is r1's own address on that network.")],
    explain="Both routes contain it; the /24 is more specific, so r3 (10.0.3.3) gets it.",
)

seed_route = Exercise(
    "On the EC2 instance from the notes, which route (its destination, e.g. '10.0.0.0/8') is used to reach "
    "192.168.1.40?",
    answer="192.168.1.0/26",
    normalize=cidr,
    hints=[("0.0.0.0/0", "The default route wins only when nothing longer matches; 192.168.1.40 is inside "
                         "192.168.1.0/26 (.0-.63)."),
           ("192.168.1.1/32", "That host route matches only 192.168.1.1 itself.")],
    explain="192.168.1.40 is inside 192.168.1.0/26 (the connected route): it is reached directly on eth0.",
)

seed_outside = Exercise(
    "And which next hop does the instance use for 192.168.1.100?",
    answer="192.168.1.1",
    normalize=ip_address,
    hints=[("192.168.1.100", "192.168.1.100 is outside 192.168.1.0/26 (.0-.63), so it is not on the wire: it "
                             "goes to the gateway."),
           ("192.168.1.31", "That is the instance's own address (the src of its routes).")],
    explain="A /26 ends at .63, so .100 only matches the default route: via 192.168.1.1.",
)

proto_dhcp = MultipleChoice(
    "In 'default via 192.168.1.1 dev eth0 proto dhcp src 192.168.1.31 metric 100', what does 'proto dhcp' say?",
    ["the route carries DHCP traffic only", "the DHCP client added the route, from what the DHCP server offered",
     "packets on this route are encrypted", "the route expires when DHCP stops"],
    answer="the DHCP client added the route, from what the DHCP server offered",
    hints={"the route carries DHCP traffic only": "A route does not care what protocol its packets carry.",
           "packets on this route are encrypted": "Routes never encrypt; 'proto' is about who added the route.",
           "the route expires when DHCP stops": "'proto' records the origin; expiry would show as 'expires'."},
    explain="'proto' records where a route came from: kernel (an address), dhcp, static, boot (by hand) ...",
)

lower_metric = MultipleChoice(
    "Two default routes: one with metric 100, one with metric 600 (say, wired and Wi-Fi). Which is used?",
    ["metric 100", "metric 600", "both, alternately", "the one added last"],
    answer="metric 100",
    hints={"metric 600": "The metric is a cost: lower wins.",
           "both, alternately": "Two routes with different metrics are not shared; the cheaper one is used.",
           "the one added last": "Order does not matter; the metric decides among equal prefixes."},
    explain="Among routes to the same prefix, the lowest metric wins (that is why laptops prefer the cable).",
)

# ---------------------------------------------------------------------------- l3.internet-nat
source_seen = Exercise(
    "After NAT was turned on, which source address did the web site see for h1's connection?",
    answer="198.51.100.2",
    normalize=ip_address,
    hints=[("10.0.1.10", "That was h1's address before NAT; r1 rewrote it on the way out."),
           ("203.0.113.1", "That is the isp router's address on the site's network; routers do not change "
                           "the source of what they forward (unless they do NAT)."),
           ("203.0.113.10", "That is the site itself.")],
    explain="r1 masquerades: it swaps the private source for its own public address, 198.51.100.2.",
)

why_no_reply = MultipleChoice(
    "Without NAT, h1's ping reached the site, but no reply came back. Why?",
    ["The site ignores pings", "The reply was for 10.0.1.10, and internet routers have no route to private "
     "addresses", "r1 dropped the request", "The TTL ran out"],
    answer="The reply was for 10.0.1.10, and internet routers have no route to private addresses",
    hints={"The site ignores pings": "The capture shows the site did send an echo reply.",
           "r1 dropped the request": "The capture at the site shows the request arrived.",
           "The TTL ran out": "The path is 3 hops; the site's reply left with TTL 64."},
    explain="Private addresses are not routed on the internet: NAT must give the packet a public source first.",
)

# ---------------------------------------------------------------------------- l3.vpc-switch-router
VPC_PATHS = ("virtual switch", "virtual router", "internet gateway")

to_web2 = Exercise(
    "web (10.0.1.10) sends to web2 (10.0.1.11). Through which: 'virtual switch', 'virtual router' or "
    "'internet gateway'?",
    answer="virtual switch",
    normalize=choice(*VPC_PATHS),
    hints=[("virtual router", "Both are in 10.0.1.0/24, the same subnet: no router is needed."),
           ("internet gateway", "10.0.1.11 is inside the VPC, in web's own subnet.")],
    explain="Same subnet: delivered directly through the (virtual) switch; traceroute shows one hop.",
)

to_db = Exercise(
    "web sends to db (10.0.2.20). Through which?",
    answer="virtual router",
    normalize=choice(*VPC_PATHS),
    hints=[("virtual switch", "db is in 10.0.2.0/24, another subnet: a switch cannot take it there."),
           ("internet gateway", "10.0.2.20 is inside the VPC (10.0.0.0/16, the local route).")],
    explain="Another subnet of the VPC: the local route, through the virtual router.",
)

to_internet = Exercise(
    "web sends to 203.0.113.50 on the internet. Through which?",
    answer="internet gateway",
    normalize=choice(*VPC_PATHS),
    hints=[("virtual switch", "203.0.113.50 is not in web's subnet."),
           ("virtual router", "The router hands it on, but the route that matches is 0.0.0.0/0 → the internet "
                              "gateway.")],
    explain="Only 0.0.0.0/0 matches: the internet gateway (which also translates web's address).",
)

# ---------------------------------------------------------------------------- net.segmentation
db_from_internet = MultipleChoice(
    "The internet user tries to connect to db (10.0.2.20) on port 5432. Why does it fail?",
    ["The database is switched off", "10.0.2.20 is a private address: no internet route leads to it",
     "Port 5432 is a well-known port", "The user needs a password first"],
    answer="10.0.2.20 is a private address: no internet route leads to it",
    hints={"The database is switched off": "web could connect to it a moment earlier.",
           "Port 5432 is a well-known port": "5432 is a registered port, and port numbers do not block anything.",
           "The user needs a password first": "It fails before any program is asked: the packet cannot even "
                                              "be routed."},
    explain="The internal network has no public address and no route from the internet: the first layer of "
            "defence.",
)

ssh_to_db = MultipleChoice(
    "web tries db on port 22 (SSH) and gets 'no route to host'. What refused it?",
    ["db's SSH server", "the router's filter: only port 5432 from the web subnet may enter the database network",
     "the internet gateway", "the switch s1"],
    answer="the router's filter: only port 5432 from the web subnet may enter the database network",
    hints={"db's SSH server": "A closed port on db would answer 'Connection refused'; this answer came from the "
                              "router (ICMP administratively prohibited).",
           "the internet gateway": "The packet never went near the internet gateway: web and db are both inside.",
           "the switch s1": "Switches forward frames; they do not filter ports."},
    explain="Defence in depth: even from inside, only the one port the web tier needs reaches the database.",
)

may_reach_db = Exercise(
    "Which of these may connect to db:5432 in the lab: web, web2, user? (a list of names)",
    answer=["web", "web2"],
    normalize=set_of(text),
    hints=[(["web"], "The router allows the whole web subnet, 10.0.1.0/24, and web2 is in it."),
           (["web", "web2", "user"], "The user is on the internet, and db has no public address.")],
    explain="The web tier (10.0.1.0/24) may use the database port; the internet may not reach the internal "
            "network at all.",
)
