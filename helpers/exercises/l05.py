"""Exercises of lesson 05 (ARP and ICMP)."""
from __future__ import annotations

import re

from helpers.checks import AnswerFormatError, Exercise, MultipleChoice, number, set_of, text


def mac(value) -> str:
    """A MAC address in the canonical lower-case, colon-separated form."""
    if not isinstance(value, str):
        raise AnswerFormatError(f"Answer with a MAC address in quotes, like '02:00:00:00:01:01'; got {value!r}.")
    cleaned = value.strip().lower().replace("-", ":")
    if not re.fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", cleaned):
        raise AnswerFormatError(f"{value!r} is not a MAC address; write six pairs of hex digits separated "
                                f"by colons, like '02:00:00:00:01:01'.")
    return cleaned


def node_name(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AnswerFormatError(f"Answer with a node's name in quotes, like 'h2'; got {value!r}.")
    return value.strip().lower()


def stretch(value) -> str:
    """'r2 -> r3', 'r2-r3', 'r2 to r3' and 'r2 → r3' all mean the stretch between r2 and r3."""
    if not isinstance(value, str):
        raise AnswerFormatError(f"Answer with two node names in quotes, like 'r1-r2'; got {value!r}.")
    names = re.findall(r"[a-z][a-z0-9]*", value.lower().replace(" to ", " "))
    if len(names) != 2:
        raise AnswerFormatError(f"Name the stretch by the nodes at its two ends, like 'r1-r2'; got {value!r}.")
    return "-".join(names)


arp_broadcast = MultipleChoice(
    "h1 knows h2's IP address (10.0.1.20) but not its MAC address. To which Ethernet destination does "
    "h1 send its ARP request?",
    ["ff:ff:ff:ff:ff:ff (broadcast)", "h2's MAC address", "the router's MAC address", "00:00:00:00:00:00"],
    answer="ff:ff:ff:ff:ff:ff (broadcast)",
    hints={"h2's MAC address": "h1 does not know h2's MAC address yet: finding it out is the whole point of ARP.",
           "the router's MAC address": "h2 is on h1's own network, so no router is involved: h1 asks everyone "
                                       "on the network directly.",
           "00:00:00:00:00:00": "All zeros appears inside the ARP message as the unknown target MAC; the "
                                "Ethernet frame itself goes to everyone."},
    explain="The request is a broadcast: every host on the network receives it, and only the owner of "
            "10.0.1.20 answers.",
)

arp_reply_to = Exercise(
    "In the capture, h2 answered h1's request. To which MAC address did h2 send its ARP reply?",
    answer="02:00:00:00:01:01",
    normalize=mac,
    hints=[("ff:ff:ff:ff:ff:ff", "The reply is not a broadcast: h2 learned h1's MAC from the request and "
                                 "answers h1 alone (unicast)."),
           ("02:00:00:00:02:01", "That is the reply's source, h2's own MAC address; where did it go?")],
    hint="Look at the Destination column of the 'is-at' line seen at h1:eth0.",
    explain="The reply is unicast to h1 (02:00:00:00:01:01): h2 took h1's MAC from the request itself.",
)

arp_learners = Exercise(
    "Right after h1's first ping to h2, which of the other hosts (h2, h3) have an entry for h1 in "
    "their neighbour table? Answer with a list of names, e.g. ['h2'].",
    answer=["h2"],
    normalize=set_of(node_name),
    hints=[(["h2", "h3"], "h3 received the broadcast too, but it was not the target: Linux does not add "
                          "entries for requests that are not about itself."),
           (["h3"], "h3 was not asked anything; h2 was, and it had to answer h1."),
           ([], "h2 had to send its reply somewhere: it learned h1's MAC address from the request.")],
    explain="h2 learned h1's address from the request (it needed it to answer); h3 saw the broadcast and "
            "ignored it.",
)

arp_gateway = MultipleChoice(
    "h1 (10.0.1.10/24, gateway 10.0.1.1) pings srv at 10.0.3.10, on another network. For which IP "
    "address does h1 send an ARP request?",
    ["10.0.3.10", "10.0.1.1", "255.255.255.255", "none: routers do not need ARP"],
    answer="10.0.1.1",
    hints={"10.0.3.10": "ARP only works inside one network: nobody on h1's network owns 10.0.3.10, so "
                        "nobody would answer. h1 hands the packet to its gateway instead.",
           "255.255.255.255": "That is an IP broadcast address, not something ARP resolves.",
           "none: routers do not need ARP": "Every Ethernet frame needs a destination MAC address, also the "
                                            "one that carries the packet to the router."},
    explain="Packets for other networks go to the gateway, so h1 only needs the gateway's MAC address. That is "
            "why the seed's `arp` output lists the gateway 192.168.1.1.",
)

arp_flags = MultipleChoice(
    "A line of `arp -n` shows the flags CM. What does the M say about the entry?",
    ["it was set by hand and never expires (permanent)", "the MAC address is a multicast address",
     "the entry is being checked right now", "the neighbour is a router"],
    answer="it was set by hand and never expires (permanent)",
    hints={"the MAC address is a multicast address": "M is about how the entry got there, not about the address.",
           "the entry is being checked right now": "That would be the kernel state PROBE, which `arp` does not show.",
           "the neighbour is a router": "`ip neigh` marks routers with the word 'router'; `arp` has no flag for it."},
    explain="C means complete (the MAC is known), M means permanent: added with `ip neigh add ... nud permanent` "
            "(or `arp -s`), so ARP never replaces it.",
)

icmp_ports = MultipleChoice(
    "Which port number does ping use?",
    ["none: ICMP has no ports", "7 (the echo service)", "a random port above 1024", "53"],
    answer="none: ICMP has no ports",
    hints={"7 (the echo service)": "Port 7 is the TCP/UDP echo service. Ping's echo is an ICMP message, and "
                                   "ICMP sits directly on IP, with no port fields.",
           "a random port above 1024": "Ephemeral ports belong to TCP and UDP clients. ICMP messages carry a "
                                       "type, a code, an identifier and a sequence number, but no ports.",
           "53": "53 is DNS."},
    explain="ICMP rides directly on IP (protocol number 1). Its header has a type and a code; an echo adds an "
            "identifier and a sequence number to match replies to requests. A firewall rule for ping names "
            "the ICMP type, never a port.",
)

unreachable_sender = Exercise(
    "h1 pinged 10.0.99.5 and saw 'From 10.0.1.1 icmp_seq=1 Destination Net Unreachable'. Which node sent "
    "that ICMP message? (a node name)",
    answer="r1",
    normalize=node_name,
    hints=[("h1", "h1 sent the echo request; the error came back from somewhere else: look at 'From ...'."),
           ("srv", "srv was never involved: the packet did not get further than the first router.")],
    explain="r1 (10.0.1.1) had no route to 10.0.99.0/24, dropped the packet and told the sender why.",
)

loss_percent = Exercise(
    "A ping says '20 packets transmitted, 12 received'. What packet loss (in %) does it print?",
    answer=40,
    normalize=number,
    hints=[(12, "12 is how many came back; the loss counts the ones that did not, as a share of 20."),
           (8, "8 were lost, but ping prints the loss as a percentage of the 20 sent."),
           (60, "That is the share that was received; the loss is the rest.")],
    explain="8 of 20 did not come back: 8/20 = 40%.",
)

two_way_loss = Exercise(
    "A cable drops 20% of the frames in each direction, at random. What share of pings (in %) gets no "
    "reply, on average?",
    answer=36,
    normalize=number,
    accept=lambda n: abs(n - 36) < 0.6,
    hints=[(20, "A ping needs two frames to survive: the request on the way there and the reply on the way "
                "back."),
           (40, "Close, but not 20% + 20%: a reply can only be lost if its request got through. The ping "
                "succeeds when both survive: 0.8 x 0.8."),
           (64, "64% is the share that succeeds (0.8 x 0.8); the question asks for the ones that fail.")],
    explain="Both frames must survive: 0.8 x 0.8 = 0.64 succeed, so 36% fail. The run above lost 8 of 20 "
            "(40%): a short run wobbles around the average.",
)

ttl_routers = Exercise(
    "A Linux server sends its echo replies with TTL 64. One arrives with ttl=61. How many routers did it "
    "cross?",
    answer=3,
    normalize=number,
    hints=[(61, "61 is what is left of the TTL; each router takes one away from the 64 it started with."),
           (4, "Count the routers, not the links: 64 - 61."),
           (64, "64 is the start value.")],
    explain="Each router decrements the TTL by one: 64 - 61 = 3 routers (r3, r2 and r1).",
)

mdev_value = Exercise(
    "Four pings took 10, 10, 10 and 30 ms. What mdev does ping print? (ms, one decimal)",
    answer=8.7,
    normalize=number,
    accept=lambda n: abs(n - 8.66) < 0.06,
    hints=[(15, "15 ms is the average (avg). mdev is how far the times spread around it."),
           (20, "20 ms is max - min; mdev is sqrt(mean(t²) - mean(t)²)."),
           (75, "75 is mean(t²) - mean(t)²; take its square root.")],
    explain="mean(t) = 15, mean(t²) = (100 + 100 + 100 + 900) / 4 = 300, so mdev = sqrt(300 - 225) = 8.7 ms.",
)

traceroute_star = MultipleChoice(
    "Hop 2 of a traceroute shows `*`, yet hops 3 and 4 answer. What does that tell you about the router "
    "at hop 2?",
    ["it forwards packets but does not send (or is not allowed to send) time-exceeded replies",
     "it is switched off", "it drops every packet", "it has no route to the destination"],
    answer="it forwards packets but does not send (or is not allowed to send) time-exceeded replies",
    hints={"it is switched off": "Then nothing behind it would answer either, but hops 3 and 4 did.",
           "it drops every packet": "Then the probes for hops 3 and 4 could not have passed it.",
           "it has no route to the destination": "Then it would answer with 'destination unreachable' (!N), "
                                                 "and later hops would not be reached."},
    explain="The probes passed through it (later hops answered), so it forwards. It just stayed silent when a "
            "TTL ran out: here an nft rule drops its outgoing ICMP time-exceeded messages, as many providers do.",
)

slow_stretch = Exercise(
    "RTTs measured from h1: r1 ~0 ms, r2 ~10 ms, r3 ~90 ms, srv ~100 ms. Which stretch of the path adds "
    "the most? (like 'r1-r2')",
    answer="r2-r3",
    normalize=stretch,
    hints=[("h1-srv", "That is the whole path. Subtract the RTTs of consecutive hops to see what each link adds."),
           ("r3-srv", "srv is the slowest to reach, but only because everything before it adds up: r3 -> srv "
                      "adds 100 - 90 = 10 ms."),
           ("r1-r2", "r1 -> r2 adds 10 - 0 = 10 ms. Look for the biggest jump.")],
    explain="r2 -> r3 adds 90 - 10 = 80 ms, 80% of the whole round trip: that link (40 ms each way) is where "
            "to look first.",
)

request_time = MultipleChoice(
    "A web request to a server 100 ms away (RTT) takes about 300 ms to complete. Which split is the most "
    "plausible?",
    ["connect (TCP handshake) ~100 ms + request and response ~100 ms + server work ~100 ms",
     "the RTT counted three times by mistake", "300 ms of server work", "DNS alone"],
    answer="connect (TCP handshake) ~100 ms + request and response ~100 ms + server work ~100 ms",
    hints={"the RTT counted three times by mistake": "Nothing is counted by mistake: each phase needs at least "
                                                     "one round trip or its own time.",
           "300 ms of server work": "Even an instant server costs a round trip to connect and one to ask and "
                                    "answer: 200 ms at 100 ms RTT.",
           "DNS alone": "A lookup is at most a round trip or two to a nearby resolver; the connection and the "
                        "request still have to happen."},
    explain="A request's time is connect + request + response (+ the server's own work): with a 100 ms RTT the "
            "network alone costs 200 ms before the server does anything.",
)
