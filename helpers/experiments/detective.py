"""The packet-detective mission (labs/packet-detective): questions answered from captured pcaps.

The pcaps in ``labs/packet-detective/pcaps/`` were captured for real, in a live lab built by
``detective_lab()`` (lab "lab-packet-detective"): an office LAN with a client (``pc1``), a
printer and a DNS resolver, three routers in a row, a "Windows" server that starts its packets
at TTL 128, and on "the internet" the DNS hierarchy (root, com., example.com.) and a web server.
``make_pcaps(folder)`` rebuilds them (live mode only)::

    python -m helpers.experiments.detective --out labs/packet-detective/pcaps

MACs, addresses and client ports are fixed, and timestamps start at one fixed moment, so the
answers are the same every time; IP IDs, TCP sequence numbers and the gaps between packets come
from the real run.

The learner reads them with scapy (``load("arp")`` is ``rdpcap``), ``table("arp")`` (one line per
packet) and ``dissect(packet)`` (layer by layer), and writes answers into an ``Answers`` object;
each step's check works the right answer out of the pcap itself (``Truth``) and gives a hint for
the likely wrong ones (the TTL instead of the hop count, the resolver instead of the
authoritative server, a filtered port taken for a closed one ...).
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from netaddr import AddrFormatError, EUI, IPAddress

from helpers.errors import CourseError, InputError
from helpers.missions import Mission, Step, not_yet, passed

ROOT = Path(__file__).resolve().parents[2]
PCAP_DIR = ROOT / "labs" / "packet-detective" / "pcaps"
SOLUTIONS_FILE = Path("labs/packet-detective/solutions/solution.py")
LAB_NAME = "lab-packet-detective"
BASE_TIME = 1709283600.0  # 2024-03-01 09:00:00 UTC: every pcap starts here

# ---------------------------------------------------------------------------- the lab

PC1, PRINTER, RESOLVER, GATEWAY = "10.0.5.10", "10.0.5.30", "10.0.5.53", "10.0.5.1"
NOBODY = "10.0.5.99"                      # an address no machine has (the scanner that never arrived)
SRV1 = "10.0.6.80"                        # one router away
WIN = "192.0.2.50"                        # two routers away, starts its packets at TTL 128
WWW = "203.0.113.80"                      # three routers away: www.example.com
ROOT_NS, TLD_NS, AUTH_NS = "198.51.100.10", "198.51.100.20", "198.51.100.30"
SCANNED_PORTS = (25, 22, 80)              # closed, filtered (dropped by a firewall), open
HTTP_PATHS = ("/old-page", "/", "/status")
DIG_OPTIONS = ("+qid=4242",)              # a fixed DNS query ID

WWW_ROUTES = {
    "/": {"status": 200, "body": "<h1>Welcome to www.example.com</h1>\n",
          "headers": {"Content-Type": "text/html; charset=UTF-8"}},
    "/old-page": {"status": 301, "body": "<a href=\"http://203.0.113.80/\">moved here</a>\n",
                  "headers": {"Location": "http://203.0.113.80/", "Content-Type": "text/html; charset=UTF-8"}},
}

# Where each pcap was captured, and what it shows.
PCAPS = {
    "arp": ("pc1:eth0", "arp or icmp", "pc1 pings the printer and its gateway, and asks for 10.0.5.99"),
    "ttl": ("pc1:eth0", "icmp", "pc1 pings three servers, each a different number of routers away"),
    "ports": ("pc1:eth0", "tcp or icmp", "pc1 tries three TCP ports of 203.0.113.80"),
    "dns": ("res:eth0", "udp port 53", "pc1 asks the resolver for www.example.com; the resolver asks around"),
    "http": ("pc1:eth0", "tcp port 80", "pc1 requests three pages from http://203.0.113.80/"),
}


def detective_lab():
    """The lab the pcaps were captured in (not started)."""
    from helpers.lab import Lab

    lab = Lab(LAB_NAME)
    office = lab.switch("s1")
    pc1, printer, res = lab.host("pc1"), lab.host("printer"), lab.host("res")
    r1 = lab.router("r1")
    srv1 = lab.host("srv1")
    r2 = lab.router("r2")
    win = lab.host("win")
    r3 = lab.router("r3")
    internet = lab.switch("s2")
    root, tld, ns1 = lab.host("root"), lab.host("tld"), lab.host("ns1")
    www = lab.host("www")
    for node, address in ((pc1, PC1), (printer, PRINTER), (res, RESOLVER)):
        lab.link(node, office, ip1=f"{address}/24")
        node.default_route(GATEWAY)
    lab.link(r1, office, ip1=f"{GATEWAY}/24")
    lab.link(r1, srv1, ip1="10.0.6.1/24", ip2=f"{SRV1}/24")
    lab.link(r1, r2, ip1="10.255.12.1/30", ip2="10.255.12.2/30")
    lab.link(r2, win, ip1="192.0.2.1/24", ip2=f"{WIN}/24")
    lab.link(r2, r3, ip1="10.255.23.1/30", ip2="10.255.23.2/30")
    lab.link(r3, internet, ip1="198.51.100.1/24")
    lab.link(r3, www, ip1="203.0.113.1/24", ip2=f"{WWW}/24")
    for node, address in ((root, ROOT_NS), (tld, TLD_NS), (ns1, AUTH_NS)):
        lab.link(node, internet, ip1=f"{address}/24")
        node.default_route("198.51.100.1")
    srv1.default_route("10.0.6.1")
    win.default_route("192.0.2.1")
    www.default_route("203.0.113.1")
    r1.default_route("10.255.12.2")
    r2.route("10.0.5.0/24", via="10.255.12.1").route("10.0.6.0/24", via="10.255.12.1")
    r2.default_route("10.255.23.2")
    r3.default_route("10.255.23.1")
    win.sysctl("net.ipv4.ip_default_ttl", 128)          # Windows starts its packets at 128
    www.nft("table inet filter {\n  chain input {\n    type filter hook input priority 0;\n"
            "    tcp dport 22 drop    # SSH: only from the office VPN, so silence for everyone else\n  }\n}")
    www.serve_http(80, routes=WWW_ROUTES, name="www.example.com")
    return lab


def _start_dns(lab) -> None:
    from helpers.experiments.l07 import _dns_program
    from helpers.sim import dns as model

    for node, filename, text in (("root", "root.zone", model.ROOT_ZONE), ("tld", "com.zone", model.COM_ZONE),
                                 ("ns1", "example.com.zone", model.EXAMPLE_ZONE)):
        path = lab.write_file(filename, text)
        lab[node].start(_dns_program("authoritative", "--zone", path), name="dns", wait_ready_line=True)
    lab["res"].start(_dns_program("recursive", "--root", ROOT_NS, "--root-name", "a.root-servers.net."),
                     name="dns", wait_ready_line=True)


def _write(capture, path: Path) -> Path:
    """A capture as a pcap whose clock starts at BASE_TIME (relative times kept)."""
    from scapy.utils import wrpcap

    packets = []
    for seen in capture.packets:
        packet = seen.packet
        packet.time = BASE_TIME + round(seen.time, 6)
        packets.append(packet)
    wrpcap(str(path), packets)
    return path


def make_pcaps(folder: str | Path = PCAP_DIR) -> list[Path]:
    """Capture every pcap of the mission for real, in a fresh lab; live mode only."""
    from helpers.lab.backends import detect_mode

    if not detect_mode().live:
        raise CourseError("the pcaps are captured in a live lab: run this as root, or where user namespaces "
                          "are allowed.")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lab = detective_lab()
    written = []
    with lab:
        _start_dns(lab)
        pc1 = lab["pc1"]

        def capture(name, action):
            point, expression, _ = PCAPS[name]
            with lab.capture(point, filter=expression) as cap:
                action()
            written.append(_write(cap, folder / f"{name}.pcap"))

        capture("arp", lambda: (pc1.ping(PRINTER, count=1), pc1.ping(GATEWAY, count=1),
                                pc1.arp(NOBODY, timeout=0.3), pc1.arp(NOBODY, timeout=0.3)))
        capture("ttl", lambda: [pc1.ping(host, count=1) for host in (SRV1, WIN, WWW)])
        capture("ports", lambda: [pc1.tcp_connect(WWW, port, timeout=0.5) for port in SCANNED_PORTS])
        capture("dns", lambda: pc1.dns("www.example.com", server=RESOLVER, options=DIG_OPTIONS))
        capture("http", lambda: [pc1.http(f"http://{WWW}{path}") for path in HTTP_PATHS])
    return written


# ---------------------------------------------------------------------------- reading the pcaps

def _layers():
    import scapy.layers.dns  # noqa: F401 - registering the layers lets scapy dissect them
    import scapy.layers.inet  # noqa: F401
    import scapy.layers.l2  # noqa: F401


def pcap_path(name: str, folder: str | Path = PCAP_DIR) -> Path:
    key = str(name).removesuffix(".pcap")
    if key not in PCAPS:
        raise InputError(f"there is no pcap {name!r}; the captures are: {', '.join(PCAPS)}.")
    path = Path(folder) / f"{key}.pcap"
    if not path.exists():
        raise CourseError(f"{path.name} is missing; rebuild the pcaps with "
                          f"`python -m helpers.experiments.detective` (live mode).")
    return path


def load(name: str, folder: str | Path = PCAP_DIR):
    """The packets of one capture, as scapy reads them: load('arp') is rdpcap('pcaps/arp.pcap')."""
    _layers()
    from scapy.utils import rdpcap

    return rdpcap(str(pcap_path(name, folder)))


def table(name: str, folder: str | Path = PCAP_DIR):
    """One line per packet of a capture (numbered from 1, like Wireshark)."""
    from helpers.lab.capture import CaptureTable, Seen

    point = PCAPS[str(name).removesuffix(".pcap")][0]
    packets = load(name, folder)
    seen = [Seen(number, point, round(float(p.time) - BASE_TIME, 6), p) for number, p in enumerate(packets, start=1)]
    return CaptureTable(seen, show_points=False)


@dataclass
class Catalogue:
    """The captures, what each shows and where it was taken."""

    def rows(self) -> list[tuple[str, str, str, str]]:
        return [(f"{name}.pcap", point, expression, what) for name, (point, expression, what) in PCAPS.items()]

    def __repr__(self) -> str:
        rows = [("file", "captured at", "filter", "what happened")] + self.rows()
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)

    def _repr_html_(self) -> str:
        import html

        head = "".join(f"<th style='text-align:left'>{h}</th>" for h in ("file", "captured at", "filter", "what happened"))
        body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{html.escape(c)}</td>" for c in row) + "</tr>"
                       for row in self.rows())
        return f"<table><tr>{head}</tr>{body}</table>"


CATALOGUE = Catalogue()


# ---------------------------------------------------------------------------- the truth, from the pcaps

INITIAL_TTLS = (64, 128, 255)  # what Linux/macOS, Windows and network gear start their packets at


def initial_ttl(ttl: int) -> int:
    """The usual starting TTL a received TTL most likely counted down from."""
    return next(start for start in INITIAL_TTLS if ttl <= start)


def arp_answers(packets) -> dict[str, str]:
    """IP address -> the MAC that answered for it (ARP replies in the capture)."""
    from scapy.layers.l2 import ARP

    return {p[ARP].psrc: p[ARP].hwsrc for p in packets if ARP in p and p[ARP].op == 2}


def arp_questions(packets) -> list[str]:
    from scapy.layers.l2 import ARP

    asked = []
    for p in packets:
        if ARP in p and p[ARP].op == 1 and p[ARP].pdst not in asked:
            asked.append(p[ARP].pdst)
    return asked


def reply_ttls(packets) -> dict[str, int]:
    """Echo replies: the replying address -> the TTL its reply arrived with."""
    from scapy.layers.inet import ICMP, IP

    return {p[IP].src: p[IP].ttl for p in packets if ICMP in p and p[ICMP].type == 0}


def port_states(packets, server: str) -> dict[int, str]:
    """Each TCP port a client tried on server: 'open' (SYN-ACK), 'closed' (RST) or 'filtered' (silence)."""
    from scapy.layers.inet import IP, TCP

    states: dict[int, str] = {}
    for p in packets:
        if TCP not in p or IP not in p:
            continue
        flags = str(p[TCP].flags)
        if p[IP].dst == server and flags == "S":
            states.setdefault(p[TCP].dport, "filtered")
        elif p[IP].src == server and "S" in flags and "A" in flags:
            states[p[TCP].sport] = "open"
        elif p[IP].src == server and "R" in flags and states.get(p[TCP].sport) == "filtered":
            states[p[TCP].sport] = "closed"
    return states


@dataclass(frozen=True)
class DnsReply:
    sender: str
    receiver: str
    authoritative: bool
    answers: tuple[tuple[str, str, int, str], ...]   # (name, type, ttl, data)
    referral: tuple[tuple[str, int, str], ...]       # NS records: (zone, ttl, server name)


def dns_replies(packets) -> list[DnsReply]:
    from scapy.layers.dns import DNS
    from scapy.layers.inet import IP

    def records(section, count):
        out = []
        for i in range(count):
            rr = section[i]
            data = rr.rdata.decode() if isinstance(rr.rdata, bytes) else str(rr.rdata)
            out.append((rr.rrname.decode().rstrip("."), rr.sprintf("%type%"), int(rr.ttl), data.rstrip(".")))
        return out

    replies = []
    for p in packets:
        if DNS in p and IP in p and p[DNS].qr == 1:
            dns = p[DNS]
            answers = records(dns.an, dns.ancount) if dns.ancount else []
            authority = records(dns.ns, dns.nscount) if dns.nscount else []
            replies.append(DnsReply(p[IP].src, p[IP].dst, bool(dns.aa), tuple(answers),
                                    tuple((z, ttl, d) for z, t, ttl, d in authority if t == "NS")))
    return replies


def http_exchanges(packets) -> list[tuple[str, int]]:
    """(path, status) of each HTTP request, paired with its response by the client's port."""
    from scapy.layers.inet import TCP

    requests: dict[int, str] = {}
    order: list[int] = []
    statuses: dict[int, int] = {}
    for p in packets:
        if TCP not in p:
            continue
        payload = bytes(p[TCP].payload)
        if payload.startswith(b"GET "):
            requests[p[TCP].sport] = payload.split(b" ")[1].decode()
            order.append(p[TCP].sport)
        elif payload.startswith(b"HTTP/"):
            statuses[p[TCP].dport] = int(payload.split(b" ")[1])
    return [(requests[port], statuses.get(port, 0)) for port in order]


def header_bytes(packet) -> tuple[int, int, int]:
    """The Ethernet, IP and TCP header lengths of a frame, in bytes."""
    from scapy.layers.inet import IP, TCP

    return 14, packet[IP].ihl * 4, packet[TCP].dataofs * 4


def first_request(packets):
    from scapy.layers.inet import TCP

    return next(p for p in packets if TCP in p and bytes(p[TCP].payload).startswith(b"GET "))


@dataclass
class Truth:
    """The right answers, worked out of the pcaps (so they stay right if the pcaps are rebuilt)."""

    headers: tuple[int, int, int]
    arp_answers: dict[str, str]
    arp_asked: list[str]
    ttls: dict[str, int]
    ports: dict[int, str]
    dns: list[DnsReply]
    http: list[tuple[str, int]]
    folder: str = ""

    @classmethod
    def from_folder(cls, folder: str | Path = PCAP_DIR) -> "Truth":
        return _truth(str(Path(folder).resolve()))

    def authoritative(self) -> DnsReply:
        return next(r for r in self.dns if r.authoritative and any(a[0] == "www.example.com" for a in r.answers))

    def www_a_ttl(self) -> int:
        return next(ttl for name, kind, ttl, _ in self.authoritative().answers if name == "www.example.com"
                    and kind == "A")


@lru_cache(maxsize=4)
def _truth(folder: str) -> Truth:
    arp, ttl, ports, dns, http = (load(name, folder) for name in ("arp", "ttl", "ports", "dns", "http"))
    return Truth(header_bytes(first_request(http)), arp_answers(arp), arp_questions(arp), reply_ttls(ttl),
                 port_states(ports, WWW), dns_replies(dns), http_exchanges(http), folder)


# ---------------------------------------------------------------------------- the learner's answers

QUESTIONS = {  # attribute -> the question, in step order
    "header_bytes": "In http.pcap, how many bytes of headers (Ethernet + IP + TCP) come before the text of the "
                    "first HTTP request?",
    "printer_mac": f"In arp.pcap, which MAC address answered the question 'who has {PRINTER}'?",
    "silent_address": "In arp.pcap, which IP address did pc1 ask for that nobody answered?",
    "hops_to_www": f"In ttl.pcap, how many routers lie between pc1 and {WWW}?",
    "ttl_128_host": "In ttl.pcap, which address's replies started their life at TTL 128 (a Windows machine)?",
    "closed_port": f"In ports.pcap, which TCP port of {WWW} is closed?",
    "filtered_port": f"In ports.pcap, which TCP port of {WWW} is filtered (a firewall drops the packets)?",
    "authoritative_server": "In dns.pcap, which server (IP address) gave the authoritative answer for "
                            "www.example.com?",
    "dns_ttl": "In dns.pcap, for how many seconds may a resolver cache the address of www.example.com?",
    "redirect_status": "In http.pcap, which status code came back for GET /old-page?",
    "missing_path": "In http.pcap, which path got 404 Not Found?",
}


class Answers:
    """Your answers: answers.printer_mac = '02:..', answers.hops_to_www = 3 ..."""

    def __init__(self, pcaps: str | Path = PCAP_DIR):
        object.__setattr__(self, "pcaps", Path(pcaps))
        for name in QUESTIONS:
            object.__setattr__(self, name, None)

    @classmethod
    def fresh(cls) -> "Answers":
        return cls()

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in QUESTIONS:
            close = [q for q in QUESTIONS if q.split("_")[0] == name.split("_")[0]]
            raise InputError(f"there is no question called {name!r}; the answers are "
                             f"{', '.join(close or QUESTIONS)}.")
        object.__setattr__(self, name, value)

    def truth(self) -> Truth:
        return Truth.from_folder(self.pcaps)

    def __repr__(self) -> str:
        width = max(len(q) for q in QUESTIONS)
        return "\n".join(f"{q:<{width}}  {getattr(self, q)!r}" for q in QUESTIONS)


# ---------------------------------------------------------------------------- checks

def _empty(name: str, example: str):
    return not_yet(f"answers.{name} is still empty: {QUESTIONS[name]} (e.g. answers.{name} = {example})")


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _ip(value: Any) -> str | None:
    try:
        return str(IPAddress(str(value).strip(), 4, flags=0)) if isinstance(value, str) else None
    except (AddrFormatError, ValueError):
        return None


def _mac(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        mac = EUI(value.strip())
    except (AddrFormatError, ValueError):
        return None
    if mac.version != 48:  # netaddr also reads EUI-64 (8 bytes) and even dotted text as one
        return None
    return ":".join(f"{b:02x}" for b in mac.words)


def check_header_bytes(answers: Answers):
    if answers.header_bytes is None:
        return _empty("header_bytes", "54")
    given = _int(answers.header_bytes)
    if given is None:
        return not_yet("answer with a whole number of bytes, like 54.")
    truth = answers.truth()
    eth, ip, tcp = truth.headers
    right = eth + ip + tcp
    if given == right:
        return passed(f"{eth} (Ethernet) + {ip} (IP) + {tcp} (TCP, with options) = {right} bytes before 'GET'.")
    if given == eth + ip + 20 and tcp > 20:
        return not_yet(f"{given} counts a 20-byte TCP header, but this one is longer: its data offset says {tcp} "
                       f"bytes ({tcp - 20} bytes of options, such as timestamps). dissect(packet) shows each "
                       f"header's size.")
    if given == ip + tcp:
        return not_yet(f"{given} is the IP and TCP headers; the Ethernet header ({eth} bytes) comes first.")
    if given == eth + ip:
        return not_yet(f"{given} stops after IP; the TCP header ({tcp} bytes) comes before the HTTP text too.")
    if given > right:
        return not_yet(f"{given} is more than the headers: the whole frame is longer because it carries the "
                       f"request itself. Add up the Ethernet, IP and TCP header sizes only.")
    return not_yet("count the Ethernet, IP and TCP headers of the first GET: dissect(packet) shows each layer and "
                   "its header size.")


def check_printer_mac(answers: Answers):
    if answers.printer_mac is None:
        return _empty("printer_mac", "'02:00:00:00:0a:01'")
    truth = answers.truth()
    given = None if _ip(answers.printer_mac) else _mac(answers.printer_mac)
    if given is None:
        if _ip(answers.printer_mac):
            return not_yet(f"{answers.printer_mac} is an IP address; ARP answers with a MAC address "
                           f"(six bytes, like 02:00:00:00:0a:01): the reply's sender hardware address.")
        return not_yet(f"{answers.printer_mac!r} is not a MAC address; write six bytes like 02:00:00:00:0a:01.")
    right = truth.arp_answers[PRINTER]
    if given == right:
        return passed(f"{right} said '{PRINTER} is-at {right}': the printer's network card.")
    if given == "ff:ff:ff:ff:ff:ff":
        return not_yet("ff:ff:ff:ff:ff:ff is the broadcast address the question was sent to; the answer is the "
                       "MAC in the reply (ARP op 2, is-at).")
    for address, mac in truth.arp_answers.items():
        if given == mac:
            return not_yet(f"{mac} answered for {address}, not for {PRINTER}.")
    if given == _pc1_mac(answers):
        return not_yet(f"{given} is pc1's own MAC: it asked the question. Look for the reply.")
    return not_yet(f"no packet in arp.pcap says that {given} has {PRINTER}; find the reply (op 2, is-at).")


def _pc1_mac(answers: Answers) -> str:
    from scapy.layers.l2 import ARP, Ether

    return next(p[Ether].src for p in load("arp", answers.pcaps) if ARP in p and p[ARP].psrc == PC1)


def check_silent_address(answers: Answers):
    if answers.silent_address is None:
        return _empty("silent_address", "'10.0.5.77'")
    given = _ip(answers.silent_address)
    if given is None:
        return not_yet(f"{answers.silent_address!r} is not an IPv4 address; write it like 10.0.5.77.")
    truth = answers.truth()
    silent = [a for a in truth.arp_asked if a not in truth.arp_answers]
    if given in silent:
        return passed(f"pc1 asked for {given} and no reply came: no machine on the LAN has that address, so "
                      f"ping would report 'Destination Host Unreachable'.")
    if given in truth.arp_answers:
        return not_yet(f"{given} did answer (is-at {truth.arp_answers[given]}); look for a question that was "
                       f"never answered.")
    if given == PC1:
        return not_yet(f"{given} is pc1's own address: it is the one asking ('tell {PC1}').")
    return not_yet(f"pc1 never asked for {given}; the questions in arp.pcap are for {', '.join(truth.arp_asked)}.")


def check_hops(answers: Answers):
    if answers.hops_to_www is None:
        return _empty("hops_to_www", "2")
    given = _int(answers.hops_to_www)
    if given is None:
        return not_yet("answer with a whole number of routers, like 2.")
    truth = answers.truth()
    ttl = truth.ttls[WWW]
    start = initial_ttl(ttl)
    right = start - ttl
    if given == right:
        return passed(f"the reply left {WWW} at TTL {start} and arrived with {ttl}: {right} routers each took one "
                      f"off on the way back.")
    if given == ttl:
        return not_yet(f"{ttl} is the TTL the reply arrived with, not a count of routers: the sender started at "
                       f"{start}, and each router on the way took one off.")
    if given == right + 1:
        return not_yet(f"off by one: {WWW} itself is not a router. It sent its reply at TTL {start} and only "
                       f"routers lower the TTL.")
    if given == 128 - ttl or given == 255 - ttl:
        return not_yet(f"that assumes {WWW} started at a TTL it cannot have used: TTLs start at 64 (Linux), 128 "
                       f"(Windows) or 255, and {ttl} is just below {start}.")
    return not_yet(f"the reply from {WWW} arrived with TTL {ttl}; which usual starting TTL (64, 128 or 255) is "
                   f"just above it, and how many routers does the difference make?")


def check_ttl_128(answers: Answers):
    if answers.ttl_128_host is None:
        return _empty("ttl_128_host", "'10.0.6.80'")
    given = _ip(answers.ttl_128_host)
    if given is None:
        return not_yet(f"{answers.ttl_128_host!r} is not an IPv4 address; write it like 10.0.6.80.")
    truth = answers.truth()
    right = [a for a, ttl in truth.ttls.items() if initial_ttl(ttl) == 128]
    if given in right:
        return passed(f"{given}'s reply arrived with TTL {truth.ttls[given]}: 128 minus a few routers. Linux starts "
                      f"at 64, Windows at 128.")
    if given in truth.ttls:
        return not_yet(f"{given}'s reply arrived with TTL {truth.ttls[given]}, which counted down from "
                       f"{initial_ttl(truth.ttls[given])} (Linux-like). Look for a TTL a little below 128.")
    if given == PC1:
        return not_yet(f"{given} is pc1, which sent the echo requests; look at the replies' TTLs.")
    return not_yet(f"no echo reply in ttl.pcap comes from {given}; the replies come from {', '.join(truth.ttls)}.")


def _port_check(name: str, state: str, example: str):
    def check(answers: Answers):
        value = getattr(answers, name)
        if value is None:
            return _empty(name, example)
        given = _int(value)
        if given is None:
            return not_yet(f"answer with a port number, like {example}.")
        truth = answers.truth()
        got = truth.ports.get(given)
        meaning = {"open": "it answered SYN-ACK: a program listens there (open)",
                   "closed": "it answered RST: nothing listens there (closed)",
                   "filtered": "nothing came back at all: a firewall dropped the SYN (filtered)"}
        if got == state:
            return passed(f"port {given}: {meaning[state]}.")
        if got is not None:
            return not_yet(f"port {given} is not {state}: {meaning[got]}.")
        tried = ", ".join(str(p) for p in truth.ports)
        return not_yet(f"pc1 never tried port {given}; ports.pcap holds SYNs for {tried}.")
    return check


check_closed = _port_check("closed_port", "closed", "8080")
check_filtered = _port_check("filtered_port", "filtered", "8080")


def check_authoritative(answers: Answers):
    if answers.authoritative_server is None:
        return _empty("authoritative_server", "'198.51.100.99'")
    given = _ip(answers.authoritative_server)
    if given is None:
        return not_yet(f"{answers.authoritative_server!r} is not an IPv4 address; write it like 198.51.100.99.")
    truth = answers.truth()
    right = truth.authoritative()
    if given == right.sender:
        return passed(f"{given} answered with the aa (authoritative answer) flag: it holds the example.com zone.")
    by_sender = {r.sender: r for r in truth.dns}
    reply = by_sender.get(given)
    if reply is not None and reply.referral and not reply.answers:
        zones = ", ".join(sorted({z or "." for z, _, _ in reply.referral}))
        return not_yet(f"{given} did not answer the question: it sent a referral (NS records for {zones}), "
                       f"'ask those servers instead'.")
    if reply is not None and not reply.authoritative:
        return not_yet(f"{given} is the recursive resolver: its answer to pc1 has no aa flag, because it only "
                       f"passes on what it learned. Which server told it?")
    if given == PC1:
        return not_yet(f"{given} is pc1, the client that asked; look at who sent the answers.")
    return not_yet(f"no DNS reply in dns.pcap comes from {given}.")


def check_dns_ttl(answers: Answers):
    if answers.dns_ttl is None:
        return _empty("dns_ttl", "3600")
    given = _int(answers.dns_ttl)
    if given is None:
        return not_yet("answer with a number of seconds, like 3600.")
    truth = answers.truth()
    right = truth.www_a_ttl()
    if given == right:
        return passed(f"the A record of www.example.com came with TTL {right}: caches may keep it {right} s "
                      f"({right // 60} minutes).")
    if given in (64, 128, 255) or 0 < 64 - given < 10 or 0 < 128 - given < 10:
        return not_yet(f"{given} looks like an IP header's TTL (hops left); the question is about the DNS record's "
                       f"TTL, a number of seconds in the answer section.")
    referral_ttls = {ttl for r in truth.dns for _, ttl, _ in r.referral}
    if given in referral_ttls:
        return not_yet(f"{given} is the TTL of a referral's NS record; the question is about the A record of "
                       f"www.example.com in the final answer.")
    return not_yet("find the reply that carries the A record of www.example.com and read that record's TTL.")


def check_redirect(answers: Answers):
    if answers.redirect_status is None:
        return _empty("redirect_status", "200")
    given = _int(answers.redirect_status)
    if given is None:
        return not_yet("answer with the three-digit status code, like 200.")
    truth = answers.truth()
    statuses = dict(truth.http)
    right = statuses["/old-page"]
    if given == right:
        return passed(f"{right} Moved Permanently: the response's Location header sends the browser elsewhere.")
    for path, status in truth.http:
        if status == given:
            return not_yet(f"{given} came back for GET {path}; pair each request with the response on the same "
                           f"connection (the same client port).")
    return not_yet(f"no response in http.pcap has status {given}.")


def check_missing_path(answers: Answers):
    if answers.missing_path is None:
        return _empty("missing_path", "'/index.html'")
    if not isinstance(answers.missing_path, str) or not answers.missing_path.strip():
        return not_yet("answer with the path in quotes, like '/index.html'.")
    given = answers.missing_path.strip()
    if not given.startswith("/"):
        given = "/" + given
    truth = answers.truth()
    statuses = dict(truth.http)
    if statuses.get(given) == 404:
        return passed(f"GET {given} got 404 Not Found: the server has nothing at that path.")
    if given in statuses:
        return not_yet(f"GET {given} got {statuses[given]}, not 404.")
    return not_yet(f"pc1 never asked for {given}; the requests were for {', '.join(p for p, _ in truth.http)}.")


MISSION_STEPS = (
    Step("Layers", QUESTIONS["header_bytes"], check_header_bytes, key="layers"),
    Step("Who answered ARP", QUESTIONS["printer_mac"], check_printer_mac, key="arp-owner"),
    Step("Nobody home", QUESTIONS["silent_address"], check_silent_address, key="arp-silent"),
    Step("Hops from TTL", QUESTIONS["hops_to_www"], check_hops, key="hops"),
    Step("Who starts at 128", QUESTIONS["ttl_128_host"], check_ttl_128, key="ttl-128"),
    Step("Closed port", QUESTIONS["closed_port"], check_closed, key="closed"),
    Step("Filtered port", QUESTIONS["filtered_port"], check_filtered, key="filtered"),
    Step("Authoritative server", QUESTIONS["authoritative_server"], check_authoritative, key="authoritative"),
    Step("DNS TTL", QUESTIONS["dns_ttl"], check_dns_ttl, key="dns-ttl"),
    Step("Redirect", QUESTIONS["redirect_status"], check_redirect, key="redirect"),
    Step("Not found", QUESTIONS["missing_path"], check_missing_path, key="not-found"),
)


def detective_mission(answers: Answers | None = None) -> Mission:
    """The mission of labs/packet-detective."""
    return Mission("Packet detective", MISSION_STEPS, target=answers, solutions=SOLUTIONS_FILE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.experiments.detective",
                                     description="Capture the packet-detective pcaps in a live lab.")
    parser.add_argument("--out", default=str(PCAP_DIR), help="the folder to write the pcaps to")
    args = parser.parse_args(argv)
    for path in make_pcaps(args.out):
        print(f"wrote {path.name} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
