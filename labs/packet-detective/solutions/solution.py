"""Reference solution of the packet-detective mission (for instructors and tests).

Kept apart from the learner's notebook: ``mission.reveal(n, instructor=True)`` shows how one
question is answered, ``mission.solve()`` answers them all, and ``mission.verify(Answers.fresh)``
replays every step and every known mistake below (tests/test_lab_packet_detective.py does).

Each answer is read out of the pcap with a few lines of scapy, as a learner would: the checks work
the right answer out by other means (helpers.experiments.detective.Truth).
"""
from scapy.layers.dns import DNS
from scapy.layers.inet import ICMP, IP, TCP
from scapy.layers.l2 import ARP

from helpers.experiments.detective import load
from helpers.missions import Mistake


def layers(answers):
    """Everything in the frame before the HTTP text: the frame's length minus the payload's."""
    get = next(p for p in load("http", answers.pcaps) if TCP in p and bytes(p[TCP].payload).startswith(b"GET "))
    answers.header_bytes = len(get) - len(get[TCP].payload)      # 14 + 20 + 32 = 66


def arp_owner(answers):
    reply = next(p for p in load("arp", answers.pcaps) if ARP in p and p[ARP].op == 2 and p[ARP].psrc == "10.0.5.30")
    answers.printer_mac = reply[ARP].hwsrc                        # 02:00:00:00:03:01


def arp_silent(answers):
    packets = load("arp", answers.pcaps)
    asked = {p[ARP].pdst for p in packets if ARP in p and p[ARP].op == 1}
    answered = {p[ARP].psrc for p in packets if ARP in p and p[ARP].op == 2}
    answers.silent_address = (asked - answered).pop()             # 10.0.5.99


def hops(answers):
    """Linux starts at 64; every router on the way back took one off."""
    reply = next(p for p in load("ttl", answers.pcaps) if ICMP in p and p[ICMP].type == 0 and p[IP].src == "203.0.113.80")
    answers.hops_to_www = 64 - reply[IP].ttl                      # 64 - 61 = 3


def ttl_128(answers):
    replies = [p for p in load("ttl", answers.pcaps) if ICMP in p and p[ICMP].type == 0]
    answers.ttl_128_host = next(p[IP].src for p in replies if 64 < p[IP].ttl <= 128)   # 192.0.2.50 (TTL 126)


def _answers_by_port(answers):
    packets = load("ports", answers.pcaps)
    tried = [p[TCP].dport for p in packets if p[IP].dst == "203.0.113.80" and p[TCP].flags == "S"]
    flags = {p[TCP].sport: str(p[TCP].flags) for p in packets if p[IP].src == "203.0.113.80"}
    return tried, flags


def closed(answers):
    tried, flags = _answers_by_port(answers)
    answers.closed_port = next(port for port in tried if "R" in flags.get(port, ""))      # 25 (RST)


def filtered(answers):
    tried, flags = _answers_by_port(answers)
    answers.filtered_port = next(port for port in tried if port not in flags)            # 22 (silence)


def authoritative(answers):
    """The reply with the aa flag; the resolver's own answer to pc1 has none."""
    reply = next(p for p in load("dns", answers.pcaps) if DNS in p and p[DNS].qr == 1 and p[DNS].aa == 1)
    answers.authoritative_server = reply[IP].src                  # 198.51.100.30 (ns1.example.com)


def dns_ttl(answers):
    reply = next(p for p in load("dns", answers.pcaps) if DNS in p and p[DNS].qr == 1 and p[DNS].aa == 1)
    answers.dns_ttl = reply[DNS].an[0].ttl                        # 300


def _http(answers):
    packets = load("http", answers.pcaps)
    paths = {p[TCP].sport: bytes(p[TCP].payload).split()[1].decode() for p in packets
             if TCP in p and bytes(p[TCP].payload).startswith(b"GET ")}
    statuses = {p[TCP].dport: int(bytes(p[TCP].payload).split()[1]) for p in packets
                if TCP in p and bytes(p[TCP].payload).startswith(b"HTTP/")}
    return {paths[port]: statuses[port] for port in paths}        # paired by the client's port


def redirect(answers):
    answers.redirect_status = _http(answers)["/old-page"]         # 301


def not_found(answers):
    answers.missing_path = next(path for path, status in _http(answers).items() if status == 404)   # /status


SOLUTIONS = {"layers": layers, "arp-owner": arp_owner, "arp-silent": arp_silent, "hops": hops, "ttl-128": ttl_128,
             "closed": closed, "filtered": filtered, "authoritative": authoritative, "dns-ttl": dns_ttl,
             "redirect": redirect, "not-found": not_found}


# ---------------------------------------------------------------------------- known mistakes

def _set(name, value):
    def apply(answers):
        setattr(answers, name, value)
    return apply


def _nothing(answers):
    pass


MISTAKES = {
    "layers": [
        Mistake("nothing yet", _nothing, "answers.header_bytes is still empty"),
        Mistake("a 20-byte TCP header assumed", _set("header_bytes", 54), "its data offset says 32"),
        Mistake("Ethernet left out", _set("header_bytes", 52), "the Ethernet header (14 bytes) comes first"),
        Mistake("TCP left out", _set("header_bytes", 34), "the TCP header (32 bytes)"),
        Mistake("the whole frame", _set("header_bytes", 157), "more than the headers"),
        Mistake("not a number", _set("header_bytes", "sixty"), "whole number of bytes"),
    ],
    "arp-owner": [
        Mistake("nothing yet", _nothing, "answers.printer_mac is still empty"),
        Mistake("the asker's MAC", _set("printer_mac", "02:00:00:00:02:01"), "pc1's own MAC"),
        Mistake("the broadcast address", _set("printer_mac", "ff:ff:ff:ff:ff:ff"), "the broadcast address"),
        Mistake("the gateway's MAC", _set("printer_mac", "02:00:00:00:05:01"), "answered for 10.0.5.1"),
        Mistake("the IP address", _set("printer_mac", "10.0.5.30"), "is an IP address"),
    ],
    "arp-silent": [
        Mistake("nothing yet", _nothing, "answers.silent_address is still empty"),
        Mistake("the printer", _set("silent_address", "10.0.5.30"), "did answer"),
        Mistake("pc1 itself", _set("silent_address", "10.0.5.10"), "pc1's own address"),
        Mistake("an address never asked for", _set("silent_address", "10.0.5.77"), "never asked for 10.0.5.77"),
    ],
    "hops": [
        Mistake("nothing yet", _nothing, "answers.hops_to_www is still empty"),
        Mistake("the TTL itself", _set("hops_to_www", 61), "is the TTL the reply arrived with"),
        Mistake("the server counted too", _set("hops_to_www", 4), "off by one"),
        Mistake("as if it started at 128", _set("hops_to_www", 67), "TTLs start at 64"),
    ],
    "ttl-128": [
        Mistake("nothing yet", _nothing, "answers.ttl_128_host is still empty"),
        Mistake("the web server", _set("ttl_128_host", "203.0.113.80"), "counted down from 64"),
        Mistake("pc1", _set("ttl_128_host", "10.0.5.10"), "is pc1"),
    ],
    "closed": [
        Mistake("nothing yet", _nothing, "answers.closed_port is still empty"),
        Mistake("the filtered port", _set("closed_port", 22), "nothing came back at all"),
        Mistake("the open port", _set("closed_port", 80), "answered SYN-ACK"),
        Mistake("a port never tried", _set("closed_port", 443), "never tried port 443"),
    ],
    "filtered": [
        Mistake("nothing yet", _nothing, "answers.filtered_port is still empty"),
        Mistake("the closed port", _set("filtered_port", 25), "it answered RST"),
        Mistake("the open port", _set("filtered_port", "80"), "answered SYN-ACK"),
    ],
    "authoritative": [
        Mistake("nothing yet", _nothing, "answers.authoritative_server is still empty"),
        Mistake("the resolver", _set("authoritative_server", "10.0.5.53"), "recursive resolver"),
        Mistake("the root server", _set("authoritative_server", "198.51.100.10"), "sent a referral"),
        Mistake("the com. server", _set("authoritative_server", "198.51.100.20"), "NS records for example.com"),
        Mistake("the client", _set("authoritative_server", "10.0.5.10"), "is pc1"),
    ],
    "dns-ttl": [
        Mistake("nothing yet", _nothing, "answers.dns_ttl is still empty"),
        Mistake("an IP TTL", _set("dns_ttl", 61), "an IP header's TTL"),
        Mistake("a referral's TTL", _set("dns_ttl", 172800), "a referral's NS record"),
    ],
    "redirect": [
        Mistake("nothing yet", _nothing, "answers.redirect_status is still empty"),
        Mistake("the page it pointed to", _set("redirect_status", 200), "came back for GET /"),
        Mistake("the 404", _set("redirect_status", 404), "came back for GET /status"),
    ],
    "not-found": [
        Mistake("nothing yet", _nothing, "answers.missing_path is still empty"),
        Mistake("the redirected page", _set("missing_path", "/old-page"), "got 301"),
        Mistake("a path never asked for", _set("missing_path", "/admin"), "never asked for /admin"),
    ],
}
