"""Exercises of lesson 02 (networks and the OSI model)."""
from helpers import osi
from helpers.checks import AnswerFormatError, Exercise, MultipleChoice, choice, number, sequence_of, set_of, text


def _bits(value) -> str:
    """'0110', '0 1 1 0' or [0, 1, 1, 0] -> '0110'."""
    if isinstance(value, (list, tuple)) and all(v in (0, 1, "0", "1") for v in value) and value:
        return "".join(str(v) for v in value)
    if isinstance(value, str):
        cleaned = "".join(value.split())
        if cleaned and set(cleaned) <= {"0", "1"}:
            return cleaned
    raise AnswerFormatError("Answer with bits in quotes, like '0110', or a list like [0, 1, 1, 0].")


# ---------------------------------------------------------------------------- net.nodes-links
nodes = Exercise(
    "How many nodes (things with an IP address) does the lab have?",
    answer=3,
    normalize=number,
    hints=[(4, "s1 is a switch: its ports carry no IP address, so it is part of the links here, not a node."),
           (2, "Routers have IP addresses too: r1 has one on each of its networks."),
           (5, "Count machines, not addresses: r1 has two addresses but is one node.")],
    explain="h1, r1 and web have IP addresses; the switch s1 only joins cables.",
)

networks = Exercise(
    "How many networks (subnets) does the lab have?",
    answer=2,
    normalize=number,
    hints=[(3, "That counts cables; h1 - s1 and s1 - r1 are two cables of one subnet, 10.0.2.0/24."),
           (1, "The router sits between two different subnets: 10.0.2.0/24 and 10.0.20.0/24.")],
    explain="One subnet is one network: 10.0.2.0/24 (h1, r1) and 10.0.20.0/24 (r1, web).",
)

# ---------------------------------------------------------------------------- osi.layers
LAYER_NAMES = [row.name for row in osi.LAYERS]

layer_order = Exercise(
    "Name the seven layers in order, from layer 1 up.",
    answer=LAYER_NAMES,
    normalize=sequence_of(text),
    hints=[(list(reversed(LAYER_NAMES)), "That is top to bottom; start with layer 1, the physical layer."),
           (lambda names: len(names) != 7, "There are exactly seven layers.")],
    hint="Start at the wire (physical) and end at the program (application); the table above lists them.",
    explain="Physical, data link, network, transport, session, presentation, application "
            "('Please Do Not Throw Sausage Pizza Away').",
)

path_layer = MultipleChoice(
    "Which layer carries data from the first sender to the final receiver across networks, choosing the path?",
    [row.title for row in osi.LAYERS],
    answer=osi.layer(3).title,
    hints={osi.layer(1).title: "Layer 1 only turns bits into signals on one cable.",
           osi.layer(2).title: "Layer 2 moves frames between neighbours on one network; it stops at the router.",
           osi.layer(4).title: "Layer 4 works end to end between programs (ports), but does not choose paths.",
           osi.layer(5).title: "The session layer manages conversations, not paths.",
           osi.layer(6).title: "The presentation layer formats data (encoding, encryption).",
           osi.layer(7).title: "The application layer is the program's interface, far above routing."},
    explain="The network layer (IP) routes packets hop by hop from the first sender to the final receiver.",
)

# ---------------------------------------------------------------------------- osi.pdu
transport_pdu = Exercise(
    "What does layer 4 (transport) call its unit of data?",
    answer="segment",
    normalize=text,
    accept=lambda t: t in ("segment", "segments", "a segment"),
    hints=[("packet", "A packet is layer 3's unit; layer 4 hands segments down to be wrapped into packets."),
           ("frame", "A frame is layer 2's unit."),
           ("bit", "Bits are layer 1's unit."),
           ("datagram", "UDP's unit is often called a datagram, but the OSI name for the layer-4 PDU is segment.")],
    hint="Look at the PDU column of the table above.",
    explain="Bit, frame, packet, segment, data: from layer 1 up.",
)

# ---------------------------------------------------------------------------- osi.addresses
ipv4_bytes = Exercise(
    "How many bytes long is an IPv4 address?",
    answer=4,
    normalize=number,
    hints=[(6, "6 bytes is a MAC address (layer 2)."),
           (2, "2 bytes is a port number (layer 4)."),
           (32, "32 is the number of bits; divide by 8 for bytes.")],
    explain="Four bytes, written as four numbers 0-255: 10.0.2.10.",
)

changed_at_router = Exercise(
    "Between h1's card and web's card, which addresses of the GET changed: 'MAC', 'IP', 'both' or 'neither'?",
    answer="MAC",
    normalize=choice("MAC", "IP", "both", "neither"),
    hints=[("IP", "Compare the IPv4 lines: 10.0.2.10 → 10.0.20.80 on both sides. The router wrote a new "
                  "Ethernet header instead."),
           ("both", "Only one of them changed; look at the IPv4 line on both sides."),
           ("neither", "Look at the Ethernet line: the MAC addresses on web's side are r1's and web's.")],
    explain="MAC addresses name neighbours on one link, so every router rewrites them; IP addresses name the "
            "two ends and stay the same.",
)

port_8080 = Exercise(
    "Is port 8080 'well-known', 'registered' or 'dynamic'?",
    answer=osi.port_range(8080),
    normalize=choice("well-known", "registered", "dynamic"),
    hints=[("well-known", "Well-known ports stop at 1023."),
           ("dynamic", "Dynamic (ephemeral) ports start at 49152.")],
    explain="1024-49151 are registered ports; the notes simply call everything from 1024 up 'other ports'.",
)

# ---------------------------------------------------------------------------- osi.devices
switch_device = MultipleChoice(
    "A device reads each frame's destination MAC address and sends it out of one port. What is it?",
    ["hub", "L2 switch", "router", "repeater"],
    answer="L2 switch",
    hints={"hub": "A hub reads nothing: it repeats every signal to every port (layer 1).",
           "router": "A router reads the IP address (layer 3) and joins different networks.",
           "repeater": "A repeater only regenerates the signal (layer 1)."},
    explain="Switches (and bridges) are layer-2 devices: they forward frames by MAC address.",
)

router_device = MultipleChoice(
    "Which device joins two different networks and picks the next hop by destination IP?",
    ["L2 switch", "router", "hub", "network card"],
    answer="router",
    hints={"L2 switch": "A switch stays inside one network; it reads MAC addresses, not IP.",
           "hub": "A hub is layer 1: one network, no addresses read at all.",
           "network card": "A card connects one machine to one network; it does not relay between networks."},
    explain="Routers (and L3 switches) are layer-3 devices.",
)

# ---------------------------------------------------------------------------- osi.protocols
ospf_layer = Exercise(
    "Which layer (a number) is OSPF, a routing protocol, in the course's table?",
    answer=osi.layer_of("OSPF").number,
    normalize=number,
    hints=[(7, "OSPF is software, but it exists to build routing tables: the network layer's job."),
           (4, "OSPF does not carry data between programs; it tells routers about paths.")],
    explain="RIP, EIGRP and OSPF are routing protocols: layer 3.",
)

arp_layer = MultipleChoice(
    "ARP finds the MAC address for an IP address. Which layer does the course's table put it in?",
    [row.title for row in osi.LAYERS[:4]],
    answer=osi.layer_of("ARP").title,
    hints={osi.layer(1).title: "ARP is a message with addresses in it, not a signal.",
           osi.layer(2).title: "Many books draw ARP between layers 2 and 3; the course's notes put it at layer 3 "
                               "because it serves IP.",
           osi.layer(4).title: "ARP has no ports; it never reaches the transport layer."},
    explain="The notes list ARP with IPv4, IPv6, ICMP and IGMP at layer 3 (it sits right on the 2/3 border).",
)

# ---------------------------------------------------------------------------- osi.well-known-ports
ssh_port = Exercise(
    "Which port does an SSH server listen on?",
    answer=22,
    normalize=number,
    hints=[(23, "23 is Telnet, SSH's unencrypted ancestor."),
           (443, "443 is HTTPS."),
           (21, "21 is FTP's command port.")],
    explain="SSH: TCP 22.",
)

dns_port = Exercise(
    "Which port do DNS servers answer on?",
    answer=53,
    normalize=number,
    hints=[(67, "67 is DHCP's server port."), (80, "80 is HTTP."), (161, "161 is SNMP.")],
    explain="DNS: UDP 53 (and TCP 53 for large answers); Route 53 is named after it.",
)

dhcp_ports = Exercise(
    "Which two ports does DHCP use? (a list, any order)",
    answer=[67, 68],
    normalize=set_of(number),
    hints=[([20, 21], "20 and 21 are FTP's."), ([161, 162], "161 and 162 are SNMP's."),
           (lambda ports: len(ports) != 2, "DHCP uses exactly two ports: one for the server, one for the client.")],
    explain="DHCP: the server listens on UDP 67, the client on UDP 68.",
)

# ---------------------------------------------------------------------------- osi.encapsulation
header_bytes = Exercise(
    "In the frame built with scapy, how many bytes of headers (Ethernet + IPv4 + TCP) come before the HTTP request?",
    answer=54,
    normalize=number,
    hints=[(66, "That is the captured frame: Linux's TCP header carries 12 bytes of options (timestamps). "
                "The built one has none."),
           (40, "That is IPv4 + TCP; the Ethernet header (14 bytes) comes first."),
           (34, "That is Ethernet + IPv4; the TCP header (20 bytes) follows."),
           (58, "The FCS trailer (4 bytes) comes after the data, not before it.")],
    explain="14 (Ethernet) + 20 (IPv4) + 20 (TCP without options) = 54 bytes.",
)

ttl_at_web = Exercise(
    "The GET left h1 with TTL 64. What TTL did it have on web's card?",
    answer=63,
    normalize=number,
    hints=[(64, "The router r1 lowers the TTL by one when it forwards a packet."),
           (62, "Only one router (r1) is between h1 and web; the switch does not touch IP headers.")],
    explain="Each router decrements the TTL: 64 - 1 = 63 (the switch s1 does not count).",
)

rewritten_header = MultipleChoice(
    "When r1 forwards the GET, which header does it replace with a new one?",
    ["Ethernet", "IPv4", "TCP", "HTTP"],
    answer="Ethernet",
    hints={"IPv4": "The IP header stays (only its TTL and checksum are updated).",
           "TCP": "A router does not look at layer 4 at all (unless it does NAT).",
           "HTTP": "The HTTP request is the payload; nobody on the way changes it."},
    explain="The router unwraps the frame, routes the packet, and wraps it in a new frame for the next link.",
)

# ---------------------------------------------------------------------------- osi.physical-encoding
manchester = Exercise(
    "Decode this Manchester signal (IEEE 802.3: low→high in the middle of a bit is 1): "
    "levels [+1, -1, -1, +1, -1, +1, +1, -1]",
    answer="0110",
    normalize=_bits,
    hints=[("1001", "That is the other convention (G. E. Thomas); IEEE 802.3 reads low-to-high as 1."),
           ("10010110", "Two levels make one bit: 8 levels are 4 bits."),
           ("10011001", "Two levels make one bit: look at each pair's direction.")],
    hint="Take the levels in pairs; (-1, +1) rises (a 1), (+1, -1) falls (a 0).",
    explain="(+1,-1)=0, (-1,+1)=1, (-1,+1)=1, (+1,-1)=0.",
)

why_transitions = MultipleChoice(
    "Why does Manchester encoding put a transition in the middle of every bit?",
    ["So the receiver can keep its clock in step, even during long runs of 0s or 1s",
     "To send twice as many bits per second",
     "To encrypt the data",
     "To add error correction"],
    answer="So the receiver can keep its clock in step, even during long runs of 0s or 1s",
    hints={"To send twice as many bits per second": "The opposite: the signal changes up to twice per bit, so it "
                                                    "needs twice the bandwidth of NRZ.",
           "To encrypt the data": "Anyone who knows the rule can decode it; it is encoding, not encryption.",
           "To add error correction": "A missing transition shows an error, but nothing corrects it."},
    explain="The edges carry the clock: 10 Mbit/s Ethernet uses Manchester for exactly this.",
)

# ---------------------------------------------------------------------------- osi.tcp-vs-udp
tcp_closed = MultipleChoice(
    "What did web answer to the TCP connection attempt on closed port 81?",
    ["Nothing", "A RST (reset) segment", "An ICMP port unreachable", "A SYN-ACK"],
    answer="A RST (reset) segment",
    hints={"Nothing": "Look at the capture: there was one answer from web.",
           "An ICMP port unreachable": "That is what a closed UDP port answered; TCP has its own reset.",
           "A SYN-ACK": "A SYN-ACK would mean the port is open."},
    explain="TCP refuses a connection with RST; telnet prints 'Connection refused'.",
)

udp_closed = MultipleChoice(
    "And what came back from the closed UDP port 8?",
    ["Nothing", "A RST (reset) segment", "An ICMP port unreachable", "An empty UDP datagram"],
    answer="An ICMP port unreachable",
    hints={"Nothing": "Look again: the kernel did answer, though not with UDP.",
           "A RST (reset) segment": "UDP has no connections, so it has no reset either.",
           "An empty UDP datagram": "UDP itself never answers; the kernel reports the problem with ICMP."},
    explain="UDP has no signalling of its own; the receiving kernel reports a closed port with ICMP "
            "(and a firewall may drop even that, so a UDP sender often hears nothing at all).",
)

dns_transport = MultipleChoice(
    "A DNS lookup is one small question and one small answer. Which transport suits it, and why?",
    ["TCP: it needs the handshake", "UDP: no connection to set up, one datagram each way",
     "TCP: UDP cannot carry names", "Neither: DNS runs directly on IP"],
    answer="UDP: no connection to set up, one datagram each way",
    hints={"TCP: it needs the handshake": "A handshake costs a round trip before the question is even sent.",
           "TCP: UDP cannot carry names": "UDP carries any bytes you give it.",
           "Neither: DNS runs directly on IP": "DNS uses port 53, so it sits on a transport protocol."},
    explain="UDP 53 for ordinary lookups; the client just asks again if an answer is lost.",
)
