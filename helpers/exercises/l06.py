"""Exercises of lesson 06 (ports, sockets, TCP and UDP)."""
from __future__ import annotations

import re

from helpers.checks import AnswerFormatError, Exercise, MultipleChoice, number, sequence_of


def flag_set(value) -> str:
    """'SYN-ACK', 'syn, ack', 'SYN+ACK' -> 'ACK,SYN' (order and separators ignored)."""
    if not isinstance(value, str):
        raise AnswerFormatError(f"Answer with TCP flag names in quotes, like 'SYN' or 'FIN,ACK'; got {value!r}.")
    names = re.findall(r"[a-z]+", value.lower())
    allowed = {"syn", "ack", "fin", "rst", "psh"}
    if not names or any(n not in allowed for n in names):
        raise AnswerFormatError(f"{value!r} is not a set of TCP flags; use SYN, ACK, FIN, RST, PSH, like 'SYN,ACK'.")
    return ",".join(sorted(n.upper() for n in set(names)))


handshake_order = Exercise(
    "Write the flags of the three segments of a TCP handshake, in order, as a list: e.g. ['A', 'B', 'C'].",
    answer=["SYN", "SYN,ACK", "ACK"],
    normalize=sequence_of(flag_set),
    hints=[(["SYN", "ACK", "SYN,ACK"], "The server's answer comes second: it acknowledges the client's SYN "
                                       "and sends its own SYN in the same segment."),
           (["SYN", "SYN", "ACK"], "The second segment does two things at once: the server's SYN, and an ACK of "
                                   "the client's SYN."),
           (["SYN,ACK", "SYN", "ACK"], "The client starts: it sends the first SYN.")],
    explain="SYN (client: 'let's talk, my numbers start here'), SYN-ACK (server: 'got it, and mine start "
            "here'), ACK (client: 'got yours'). Only then can data flow.",
)

closed_port_answer = MultipleChoice(
    "c1 connects to a port of srv where no program listens (and no firewall is in the way). What comes "
    "back?",
    ["a TCP segment with RST", "nothing: the connection times out", "an ICMP port unreachable", "a SYN-ACK"],
    answer="a TCP segment with RST",
    hints={"nothing: the connection times out": "Silence is what a firewall that drops packets produces. A "
                                                "reachable machine with nothing on the port says so at once.",
           "an ICMP port unreachable": "That is UDP's answer for a closed port. TCP has its own: the reset flag.",
           "a SYN-ACK": "A SYN-ACK means something accepted: the port is open."},
    explain="The kernel answers RST (reset): telnet prints 'Connection refused' immediately. A timeout instead "
            "means a firewall dropped the SYN (or the machine is unreachable).",
)

telnet_outcomes = MultipleChoice(
    "`telnet 10.0.6.10 8443` waits and then says 'timed out'. What is the most likely reason?",
    ["a firewall drops the packets to that port", "nothing listens on 8443",
     "the server is too busy", "telnet only works on port 23"],
    answer="a firewall drops the packets to that port",
    hints={"nothing listens on 8443": "Then the server's kernel would have answered with a reset at once: "
                                      "'Connection refused', not a timeout.",
           "the server is too busy": "A busy server's kernel still completes the handshake (and queues the "
                                     "connection); it does not ignore SYNs.",
           "telnet only works on port 23": "telnet's default is 23, but `telnet HOST PORT` connects to any TCP "
                                           "port: that is why it is a handy port checker."},
    explain="No answer at all means the SYN was dropped on the way, typically by a firewall (a security group "
            "without a rule for the port). 'Refused' means the machine is reachable but nothing listens.",
)

distinct_connections = Exercise(
    "srv listens on port 80. c1 (10.0.6.21) opens two connections to it and c2 (10.0.6.22) one. How "
    "many different 4-tuples does srv's `ss -tn` show for port 80?",
    answer=3,
    normalize=number,
    hints=[(1, "All three share the server's side (10.0.6.10:80), but a connection is named by all four values, "
               "and the client side differs."),
           (2, "Two clients, but three connections: c1's two connections use two different source ports.")],
    explain="Three: (10.0.6.21, 41001), (10.0.6.21, 41002) and (10.0.6.22, 41001), each with 10.0.6.10:80. "
            "c1 and c2 may even use the same source port: the client address still tells them apart.",
)

same_port_twice = MultipleChoice(
    "Two connections to srv:80 come from the same client port 41001. How can the server tell them apart?",
    ["by the client's IP address", "it cannot: the second one is refused",
     "by the order in which they arrived", "by the server port"],
    answer="by the client's IP address",
    hints={"it cannot: the second one is refused": "Only a connection with all four values equal would clash.",
           "by the order in which they arrived": "The kernel looks each segment up by its 4-tuple, not by time.",
           "by the server port": "Both use the server's port 80: that is the point of a listening port."},
    explain="A TCP connection is identified by (client IP, client port, server IP, server port); one differing "
            "value is enough.",
)

udp_closed = MultipleChoice(
    "A UDP datagram goes to a port where nothing listens. What does the receiving machine send back?",
    ["an ICMP destination unreachable (port unreachable)", "a TCP reset", "nothing, ever", "a UDP datagram saying 'closed'"],
    answer="an ICMP destination unreachable (port unreachable)",
    hints={"a TCP reset": "UDP has no flags and no resets; the kernel uses ICMP to say 'no one here'.",
           "nothing, ever": "That is what happens when a firewall drops it. Without a firewall the kernel answers "
                            "with ICMP (and the sending program may never hear of it).",
           "a UDP datagram saying 'closed'": "UDP itself carries only application data."},
    explain="ICMP type 3, code 3: the same message traceroute uses to know it reached the destination.",
)

fd_served = Exercise(
    "An echo server runs with `ulimit -n 16`. It already has 4 files open (stdin, stdout, stderr and its "
    "listening socket). How many client connections can it accept at once?",
    answer=12,
    normalize=number,
    hints=[(16, "Every open file counts against the limit, including the 4 the server already has."),
           (20, "20 is how many the client opened; the limit is on the server.")],
    explain="16 - 4 = 12: each accepted connection is one more file descriptor. The others wait in the "
            "kernel's accept queue, handshake done but never served.",
)

limit_kind = MultipleChoice(
    "A busy web server logs 'accept() failed: Too many open files'. Which limit did it hit first, most likely?",
    ["ulimit -n (open files per process)", "fs.file-max (open files for the whole system)",
     "ulimit -u (processes per user)", "the number of ports (65535)"],
    answer="ulimit -n (open files per process)",
    hints={"fs.file-max (open files for the whole system)": "Possible, but the system-wide limit is usually huge; "
                                                            "the per-process one (often 1024) runs out long before.",
           "ulimit -u (processes per user)": "That caps processes and threads: the error would be 'Resource "
                                             "temporarily unavailable' when starting one.",
           "the number of ports (65535)": "Every connection to a server uses the same server port; ports limit "
                                          "clients' outgoing connections, not a server's incoming ones."},
    explain="Each connection is a file descriptor, so a process's `ulimit -n` (soft limit) caps its connections. "
            "Raise it (up to the hard limit, or in the service's unit file with LimitNOFILE=).",
)

redirect_target = Exercise(
    "With the rule `tcp dport 80 redirect to :8080` in srv's prerouting chain, c1 connects to "
    "10.0.6.10 port 80. On which port does srv's application receive the connection?",
    answer=8080,
    normalize=number,
    hints=[(80, "The client asked for 80, but the rule rewrote the destination port before the kernel looked "
                "for a listener.")],
    explain="REDIRECT (and nft's redirect) rewrite the destination to the machine itself, port 8080: the app "
            "sees its own port, the client still thinks it talks to port 80.",
)

delete_rule = MultipleChoice(
    "How do you remove one rule from an nftables chain?",
    ["list with `nft -a` to see its handle, then `nft delete rule ip nat prerouting handle N`",
     "`nft delete rule ip nat prerouting tcp dport 80 redirect to :8080`",
     "`nft flush ruleset`", "`iptables -t nat -D PREROUTING 1` always works for nft rules"],
    answer="list with `nft -a` to see its handle, then `nft delete rule ip nat prerouting handle N`",
    hints={"`nft delete rule ip nat prerouting tcp dport 80 redirect to :8080`":
           "nft deletes rules by handle, not by repeating their text.",
           "`nft flush ruleset`": "That removes every table, chain and rule on the machine, not one rule.",
           "`iptables -t nat -D PREROUTING 1` always works for nft rules":
           "iptables only sees the tables it made itself (the iptables-nft ones); a rule added with nft in "
           "another table is out of its reach."},
    explain="`nft -a list table ip nat` prints '# handle N' after each rule; `nft delete rule ip nat prerouting "
            "handle N` removes exactly that one. iptables' equivalent is `-L --line-numbers` then `-D CHAIN N`.",
)

ssh_port_change = MultipleChoice(
    "You moved SSH from port 22 to 2222 and left it open to 0.0.0.0/0. How long did the lab's scan of "
    "3000 ports take to find it?",
    ["under a second", "about an hour", "days", "it could not find it"],
    answer="under a second",
    hints={"about an hour": "An hour is about what scanning ONE port on every IPv4 address takes; scanning "
                            "thousands of ports of one known host is much faster.",
           "days": "Look at how fast the scan in the lab finished.",
           "it could not find it": "It found it and even read its greeting, which names the software and version."},
    explain="A non-standard port cuts the noise of bots that try port 22 only, but it is not protection: a "
            "scan finds it in moments. Allow SSH only from known addresses (a security group, a bastion or a "
            "VPN) and use keys, not passwords.",
)
