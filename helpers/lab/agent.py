"""Small probes that run inside a lab node (standard library only, so they start fast).

    python agent.py tcp-connect HOST PORT [--timeout S] [--source-port N]
    python agent.py udp-send HOST PORT MESSAGE [--timeout S] [--source-port N]
    python agent.py arp IFACE TARGET_IP [--timeout S]

Each prints one JSON object on stdout. They stand in for `telnet HOST PORT`, `nc -u HOST PORT` and
`arping -I IFACE TARGET`, which print text meant for people rather than for a parser.
"""
from __future__ import annotations

import argparse
import errno
import json
import select
import socket
import struct
import time

ETH_P_ARP = 0x0806


def tcp_connect(host: str, port: int, timeout: float, source_port: int | None) -> dict:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if source_port:
        sock.bind(("0.0.0.0", source_port))
    sock.settimeout(timeout)
    started = time.monotonic()
    try:
        sock.connect((host, port))
        local = "%s:%d" % sock.getsockname()
        # Close politely (FIN), as telnet does when you quit, so a capture shows the full close.
        sock.shutdown(socket.SHUT_RDWR)
        return {"open": True, "local": local, "ms": round((time.monotonic() - started) * 1000, 3)}
    except socket.timeout:
        return {"open": False, "error": "timed out"}
    except OSError as error:
        names = {errno.ECONNREFUSED: "refused", errno.EHOSTUNREACH: "no route to host",
                 errno.ENETUNREACH: "network is unreachable", errno.ETIMEDOUT: "timed out"}
        return {"open": False, "error": names.get(error.errno, error.strerror or str(error))}
    finally:
        sock.close()


def udp_send(host: str, port: int, message: str, timeout: float, source_port: int | None) -> dict:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if source_port:
        sock.bind(("0.0.0.0", source_port))
    sock.settimeout(timeout)
    try:
        # Connected, as `nc -u` is: then an ICMP "port unreachable" comes back as an error.
        sock.connect((host, port))
        sock.send(message.encode())
        data, sender = sock.recvfrom(65535)
        return {"reply": data.decode(errors="replace"), "from": "%s:%d" % sender}
    except socket.timeout:
        return {"reply": None}
    except OSError as error:  # an ICMP port unreachable surfaces here as ECONNREFUSED
        if error.errno == errno.ECONNREFUSED:
            return {"reply": None, "error": "port unreachable"}
        return {"reply": None, "error": error.strerror or str(error)}
    finally:
        sock.close()


def _mac(raw: bytes) -> str:
    return ":".join(f"{b:02x}" for b in raw)


def _ip(raw: bytes) -> str:
    return socket.inet_ntoa(raw)


def arp(iface: str, target: str, timeout: float) -> dict:
    """Send one ARP request (broadcast) and wait for the reply (unicast)."""
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
    sock.bind((iface, 0))
    my_mac = sock.getsockname()[4]
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.setsockopt(socket.SOL_SOCKET, 25, iface.encode())  # SO_BINDTODEVICE
    probe.connect((target, 9))  # no packet is sent: this only asks the kernel for our source IP
    my_ip = probe.getsockname()[0]
    probe.close()
    broadcast = b"\xff" * 6
    arp_request = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, my_mac, socket.inet_aton(my_ip),
                              b"\x00" * 6, socket.inet_aton(target))
    sock.send(broadcast + my_mac + struct.pack("!H", ETH_P_ARP) + arp_request)
    request = {"src_mac": _mac(my_mac), "dst_mac": _mac(broadcast), "op": "request",
               "sender_mac": _mac(my_mac), "sender_ip": my_ip, "target_mac": _mac(b"\x00" * 6),
               "target_ip": target}
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([sock], [], [], left)
        if not ready:
            break
        frame = sock.recv(2048)
        if len(frame) < 42:
            continue
        op, sender_mac, sender_ip, target_mac, target_ip = struct.unpack("!6xH6s4s6s4s", frame[14:42])
        if op == 2 and _ip(sender_ip) == target:
            reply = {"src_mac": _mac(frame[6:12]), "dst_mac": _mac(frame[0:6]), "op": "reply",
                     "sender_mac": _mac(sender_mac), "sender_ip": _ip(sender_ip),
                     "target_mac": _mac(target_mac), "target_ip": _ip(target_ip)}
            return {"mac": _mac(sender_mac), "request": request, "reply": reply}
    return {"mac": None, "request": request, "reply": {}}


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="probe", required=True)
    tcp = sub.add_parser("tcp-connect")
    tcp.add_argument("host")
    tcp.add_argument("port", type=int)
    udp = sub.add_parser("udp-send")
    udp.add_argument("host")
    udp.add_argument("port", type=int)
    udp.add_argument("message")
    for p in (tcp, udp):
        p.add_argument("--timeout", type=float, default=2.0)
        p.add_argument("--source-port", type=int)
    arp_cmd = sub.add_parser("arp")
    arp_cmd.add_argument("iface")
    arp_cmd.add_argument("target")
    arp_cmd.add_argument("--timeout", type=float, default=1.0)
    args = parser.parse_args()
    if args.probe == "tcp-connect":
        out = tcp_connect(args.host, args.port, args.timeout, args.source_port)
    elif args.probe == "udp-send":
        out = udp_send(args.host, args.port, args.message, args.timeout, args.source_port)
    else:
        out = arp(args.iface, args.target, args.timeout)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
