"""Packets layer by layer: what each header says, and which OSI layer it belongs to.

    from helpers.packets import dissect
    for layer in dissect(packet):      # a scapy packet, e.g. from a lab capture
        print(layer)                   # "L2 Ethernet  02:00:00:00:01:01 → ff:ff:ff:ff:ff:ff  type ARP"

Fields that change from run to run by design (checksums, IP identification, TCP sequence numbers,
ICMP identifiers) are left out, so a dissection prints the same every time. scapy is imported
lazily: it takes about a second to load.
"""
from __future__ import annotations

from dataclasses import dataclass, field

BROADCAST = "ff:ff:ff:ff:ff:ff"
ETHER_TYPES = {0x0800: "IPv4", 0x0806: "ARP", 0x86DD: "IPv6"}
IP_PROTOCOLS = {1: "ICMP", 6: "TCP", 17: "UDP", 2: "IGMP"}
ICMP_TYPES = {0: "echo reply", 3: "destination unreachable", 8: "echo request", 11: "time exceeded"}
UNREACHABLE_CODES = {0: "net unreachable", 1: "host unreachable", 3: "port unreachable",
                     13: "administratively prohibited"}


@dataclass
class Layer:
    osi: int  # the OSI layer number (2 data link, 3 network, 4 transport, 7 application)
    name: str
    fields: dict[str, str] = field(default_factory=dict)
    header_bytes: int = 0

    def __str__(self) -> str:
        details = "  ".join(f"{k} {v}" if k else v for k, v in self.fields.items())
        return f"L{self.osi} {self.name:<9} {details}".rstrip()


def _load_layers() -> None:
    import scapy.layers.dns  # noqa: F401 - registering the layers lets scapy dissect them
    import scapy.layers.inet  # noqa: F401
    import scapy.layers.l2  # noqa: F401


def tcp_flag_names(flags) -> str:
    names = [("S", "SYN"), ("F", "FIN"), ("R", "RST"), ("P", "PSH"), ("A", "ACK")]
    text = str(flags)
    return ",".join(name for letter, name in names if letter in text)


def dissect(packet) -> list[Layer]:
    """The packet's headers from the outside in, each with its OSI layer and key fields."""
    _load_layers()
    from scapy.layers.dns import DNS
    from scapy.layers.inet import ICMP, IP, TCP, UDP
    from scapy.layers.l2 import ARP, Ether

    # A packet built in code has some fields unset (lengths, header sizes); a round trip through
    # bytes fills them in, exactly as they would be on the wire.
    packet = packet.__class__(bytes(packet))
    layers: list[Layer] = []
    if Ether in packet:
        eth = packet[Ether]
        dst = "broadcast (ff:ff:ff:ff:ff:ff)" if eth.dst == BROADCAST else eth.dst
        layers.append(Layer(2, "Ethernet", {"": f"{eth.src} → {dst}",
                                            "type": ETHER_TYPES.get(eth.type, hex(eth.type))}, 14))
    if ARP in packet:
        arp = packet[ARP]
        if arp.op == 1:
            text = f"who-has {arp.pdst}? tell {arp.psrc} ({arp.hwsrc})"
        else:
            text = f"{arp.psrc} is-at {arp.hwsrc} (to {arp.pdst})"
        layers.append(Layer(3, "ARP", {"": text}, 28))
        return layers
    if IP in packet:
        ip = packet[IP]
        layers.append(Layer(3, "IPv4", {"": f"{ip.src} → {ip.dst}", "ttl": str(ip.ttl),
                                        "protocol": IP_PROTOCOLS.get(ip.proto, str(ip.proto))}, ip.ihl * 4))
    if ICMP in packet:
        icmp = packet[ICMP]
        name = ICMP_TYPES.get(icmp.type, f"type {icmp.type}")
        fields = {"": name}
        if icmp.type in (0, 8):
            fields["seq"] = str(icmp.seq)
        elif icmp.type == 3:
            fields["code"] = UNREACHABLE_CODES.get(icmp.code, str(icmp.code))
        layers.append(Layer(3, "ICMP", fields, 8))
        return layers
    if TCP in packet:
        tcp = packet[TCP]
        layers.append(Layer(4, "TCP", {"ports": f"{tcp.sport} → {tcp.dport}", "flags": tcp_flag_names(tcp.flags)},
                            tcp.dataofs * 4))
        payload = bytes(tcp.payload)
    elif UDP in packet:
        udp = packet[UDP]
        layers.append(Layer(4, "UDP", {"ports": f"{udp.sport} → {udp.dport}"}, 8))
        payload = bytes(udp.payload)
    else:
        return layers
    if DNS in packet:
        dns = packet[DNS]
        qname = dns.qd[0].qname.decode().rstrip(".") if dns.qdcount and dns.qd else "?"
        qtype = dns.qd[0].sprintf("%qtype%") if dns.qdcount and dns.qd else ""
        kind = "response" if dns.qr else "query"
        layers.append(Layer(7, "DNS", {"": f"{kind} {qtype} {qname}"}, len(payload)))
    elif payload.startswith((b"GET ", b"HEAD ", b"POST ", b"PUT ", b"DELETE ", b"HTTP/")):
        first = payload.split(b"\r\n", 1)[0].decode(errors="replace")
        layers.append(Layer(7, "HTTP", {"": first}, len(payload)))
    elif payload:
        layers.append(Layer(7, "Data", {"": f"{len(payload)} bytes"}, len(payload)))
    return layers


def dissection_text(packet) -> str:
    return "\n".join(str(layer) for layer in dissect(packet))
