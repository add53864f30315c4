"""The live lab of lesson 02 (networks and the OSI model), as functions the lesson and the tests share.

``osi_lab()`` builds a client (h1) on a switch, a router, and a web server on a second network:

    h1 10.0.2.10 ── s1 ── r1 ── web 10.0.20.80      (HTTP on 80, a UDP echo on 7)

``capture_http(lab)`` fetches the web page while capturing at both ends; ``http_request(cap, point)``
picks the frame carrying the GET. ``build_http_request()`` builds the same kind of frame with
scapy, without sending it, so the two can be compared layer by layer.
"""
from __future__ import annotations

from dataclasses import dataclass

from helpers.errors import InputError
from helpers.lab import Lab

__all__ = ["osi_lab", "capture_http", "http_request", "build_http_request", "layer_rows",
           "compare_layers", "capture_tcp_and_udp", "Exchange", "transport_summary", "count_nodes"]

CLIENT, WEB = "10.0.2.10", "10.0.20.80"
URL = f"http://{WEB}/"


def osi_lab(name: str = "02-osi") -> Lab:
    lab = Lab(name)
    h1, s1, r1, web = lab.host("h1"), lab.switch("s1"), lab.router("r1"), lab.host("web")
    lab.link(h1, s1, ip1=f"{CLIENT}/24")
    lab.link(r1, s1, ip1="10.0.2.1/24")
    lab.link(r1, web, ip1="10.0.20.1/24", ip2=f"{WEB}/24")
    h1.default_route("10.0.2.1")
    web.default_route("10.0.20.1")
    web.serve_http(80, name="web")
    web.serve_echo(7, udp=True)
    return lab


def count_nodes(lab: Lab) -> dict[str, list[str]]:
    """The lab as the notes define a network: nodes (anything with an IP), links, and networks."""
    nodes = [n.name for n in lab.nodes.values() if any(i.address is not None for i in n.interfaces)]
    networks = sorted({str(i.network) for n in lab.nodes.values() for i in n.interfaces if i.address is not None})
    links = [f"{l.a.label} ─ {l.b.label}" for l in lab.links]
    return {"nodes": nodes, "links": links, "networks": networks}


def capture_http(lab: Lab):
    """GET the web page from h1, capturing TCP at h1's card and at the server's card."""
    with lab.capture("h1:eth0", "web:eth0", filter="tcp port 80") as capture:
        answer = lab["h1"].http(URL)
    return answer, capture


def http_request(capture, point: str = "h1:eth0"):
    """The frame carrying the HTTP GET, as seen at one capture point (a scapy packet)."""
    from scapy.layers.inet import TCP

    for seen in capture.at(point):
        if TCP in seen.packet and bytes(seen.packet[TCP].payload).startswith(b"GET "):
            return seen.packet
    raise InputError(f"No HTTP request was captured at {point}; run capture_http(lab) first.")


def build_http_request(src_mac: str = "02:00:00:00:01:01", dst_mac: str = "02:00:00:00:03:01",
                       src: str = CLIENT, dst: str = WEB, sport: int = 40001, path: str = "/"):
    """An Ethernet frame carrying an HTTP GET, built layer by layer with scapy (nothing is sent)."""
    from scapy.layers.inet import IP, TCP
    from scapy.layers.l2 import Ether
    from scapy.packet import Raw

    request = f"GET {path} HTTP/1.1\r\nHost: {dst}\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n"
    frame = (Ether(src=src_mac, dst=dst_mac) / IP(src=src, dst=dst, ttl=64, id=1) /
             TCP(sport=sport, dport=80, flags="PA", seq=1, ack=1, window=502) / Raw(request.encode()))
    return frame.__class__(bytes(frame))  # rebuilt from its bytes, so lengths and checksums are filled in


def layer_rows(packet) -> list[tuple[str, str, int, str]]:
    """(OSI layer, header name, header bytes, key fields) for each header, outside in."""
    from helpers.packets import dissect

    rows = []
    for layer in dissect(packet):
        details = "  ".join(f"{k} {v}" if k else v for k, v in layer.fields.items())
        rows.append((f"L{layer.osi}", layer.name, layer.header_bytes, details))
    return rows


def compare_layers(built, captured) -> list[tuple[str, str, str]]:
    """Side by side: (header, in the built frame, in the captured frame), layer by layer."""
    built_rows, captured_rows = layer_rows(built), layer_rows(captured)
    if [r[1] for r in built_rows] != [r[1] for r in captured_rows]:
        raise InputError("The two frames do not have the same layers; compare two HTTP requests.")
    return [(b[1], f"{b[2]} B  {b[3]}", f"{c[2]} B  {c[3]}") for b, c in zip(built_rows, captured_rows)]


@dataclass
class Exchange:
    """What one probe put on the wire, as seen at h1's card."""

    probe: object  # the ConnectResult or UdpResult
    packets: list  # the Seen packets, in order

    def key_packets(self) -> list:
        """The packets that tell the story. For a TCP connection: the three-way handshake, the FIN
        from each side and the last ACK. (A bare ACK of the first FIN may come on its own or ride on
        the other side's FIN, depending on timing; it is left out so the story is the same every time.)"""
        from scapy.layers.inet import TCP

        if len(self.packets) <= 3 or TCP not in self.packets[0].packet:
            return list(self.packets)
        opening = self.packets[:3]
        closing = [s for s in self.packets[3:] if TCP in s.packet and s.packet[TCP].flags.F]
        last = [self.packets[-1]] if self.packets[-1] not in closing else []
        return opening + closing + last

    def lines(self) -> list[str]:
        from helpers.lab.capture import describe, protocol

        out = []
        for seen in self.key_packets():
            from scapy.layers.inet import IP

            arrow = "→" if seen.packet[IP].src == CLIENT else "←"
            out.append(f"  {arrow} {protocol(seen.packet):<5} {describe(seen.packet)}")
        return out


def _client_port(packet) -> int | None:
    """The client-side port of a TCP/UDP packet, or of the datagram an ICMP error quotes."""
    from scapy.layers.inet import IP, TCP, UDP, TCPerror, UDPerror

    for layer in (TCP, UDP, TCPerror, UDPerror):
        if layer in packet:
            header = packet[layer]
            quoted = layer in (TCPerror, UDPerror)
            from_client = packet[IP].src == CLIENT
            return header.sport if from_client != quoted else header.dport
    return None


def capture_tcp_and_udp(lab: Lab) -> dict[str, Exchange]:
    """A TCP connection and a UDP datagram to an open port, and both to a closed one, captured.

    One capture covers the four probes; each probe's packets are the ones with its client port.
    """
    h1 = lab["h1"]
    probes = {
        "TCP to port 80 (open)": lambda: h1.tcp_connect(WEB, 80),
        "UDP to port 7 (open)": lambda: h1.udp_exchange(WEB, 7, "hello"),
        "TCP to port 81 (closed)": lambda: h1.tcp_connect(WEB, 81),
        "UDP to port 8 (closed)": lambda: h1.udp_exchange(WEB, 8, "hello"),
    }
    results = {}
    with lab.capture("h1:eth0", filter="tcp or udp or icmp") as capture:
        for title, probe in probes.items():
            results[title] = probe()
    found = {}
    for title, result in results.items():
        port = int(result.local.rsplit(":", 1)[1]) if getattr(result, "local", "") else None
        found[title] = (result, port)
    ports = {}
    for seen in capture.packets:
        ports.setdefault(_client_port(seen.packet), []).append(seen)
    # Probes that report no local address (refused, unanswered) used the next client ports in turn.
    order = sorted(p for p in ports if p is not None)
    exchanges = {}
    for (title, (result, _)), port in zip(found.items(), order):
        exchanges[title] = Exchange(result, ports[port])
    return exchanges


def transport_summary(exchanges: dict[str, Exchange]) -> str:
    lines = []
    for title, exchange in exchanges.items():
        lines.append(f"{title}:")
        lines += exchange.lines()
    return "\n".join(lines)
