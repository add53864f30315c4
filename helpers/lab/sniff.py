"""A minimal packet capturer: what `tcpdump -i IFACE -w FILE [filter]` does, in the standard library.

    python sniff.py IFACE FILE [BPF]

BPF is a filter already compiled by `tcpdump -y EN10MB -ddd 'port 53'` (tcpdump compiles filters
without privileges), given as its numbers separated by commas. Prints "listening on IFACE" once
the socket is open, writes a pcap file packet by packet, and stops on SIGINT or SIGTERM.

Why not tcpdump itself: inside an unprivileged user namespace tcpdump cannot drop to its
'tcpdump' user (setgroups is denied there), so it refuses to write a file. This capturer works the
same as root and rootless, and keeps the kernel's receive timestamps so captures at several points
merge in the right order.
"""
from __future__ import annotations

import signal
import socket
import struct
import sys

ETH_P_ALL = 3
SOL_SOCKET = socket.SOL_SOCKET
SO_TIMESTAMPNS = 35
SO_ATTACH_FILTER = 26
SNAPLEN = 262144
SOL_PACKET = 263
PACKET_ADD_MEMBERSHIP = 1
PACKET_MR_PROMISC = 1


def attach_filter(sock: socket.socket, program: str) -> None:
    numbers = [int(n) for n in program.split(",")]
    count, rest = numbers[0], numbers[1:]
    instructions = b"".join(struct.pack("HBBI", *rest[i:i + 4]) for i in range(0, 4 * count, 4))
    import ctypes

    buffer = ctypes.create_string_buffer(instructions)
    fprog = struct.pack("HL", count, ctypes.addressof(buffer))
    sock.setsockopt(SOL_SOCKET, SO_ATTACH_FILTER, fprog)
    attach_filter.keep = buffer  # the kernel copies it, but keep it alive until then


def main(iface: str, path: str, program: str | None) -> None:
    stop = False

    def on_signal(signum, frame):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    if program:
        attach_filter(sock, program)
    sock.setsockopt(SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.bind((iface, 0))
    # Promiscuous, as tcpdump is by default: on a bridge device this shows frames between ports too.
    membership = struct.pack("iHH8s", socket.if_nametoindex(iface), PACKET_MR_PROMISC, 0, b"")
    sock.setsockopt(SOL_PACKET, PACKET_ADD_MEMBERSHIP, membership)
    sock.settimeout(0.1)
    with open(path, "wb") as out:
        # pcap global header: magic, v2.4, GMT offset, accuracy, snaplen, LINKTYPE_ETHERNET
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, SNAPLEN, 1))
        out.flush()
        print(f"listening on {iface}", flush=True)
        while not stop:
            try:
                data, ancillary, _, _ = sock.recvmsg(SNAPLEN, socket.CMSG_SPACE(16))
            except socket.timeout:
                continue
            except InterruptedError:
                continue
            seconds = micros = 0
            for level, kind, value in ancillary:
                if level == SOL_SOCKET and kind == SO_TIMESTAMPNS:
                    seconds, nanos = struct.unpack("qq", value[:16])
                    micros = nanos // 1000
            out.write(struct.pack("<IIII", seconds, micros, len(data), len(data)) + data)
            out.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
