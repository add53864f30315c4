"""Listen and probe in many lab namespaces at once (standard library only, runs inside a lab).

    python netprobe.py serve  < {"listen": [{"netns": "ncl..-web", "name": "web", "tcp": [22, 80], "udp": [53]}]}
    python netprobe.py probe  < {"timeout": 0.6, "flows": [{"id": "1", "netns": "ncl..-app", "proto": "tcp",
                                  "dst": "10.0.1.10", "port": 80, "sport": 40001}, ...]}

A materialised VPC has dozens of namespaces. Starting one server and one probe process per
namespace and per flow would cost a process start (~30 ms) each; instead this script opens its
sockets *inside* each namespace (a thread of a process can switch network namespace with
setns(2); a socket stays in the namespace it was created in) and then serves or probes them all
from one event loop. The namespaces are the named ones in /run/netns (``ip netns add``), which is
also where the rootless sandbox keeps them.

``serve`` prints "ready" once every socket listens, then answers: TCP connections are accepted
(port 22 gets an SSH-style banner, ports 80 and 8080 a one-line HTTP page naming the instance),
UDP datagrams are echoed. ``probe`` starts every flow at once and prints one JSON object:
{id: {"ok": bool, "error": "timed out" | "refused" | ..., "reply_from": "addr:port"}}. A TCP flow is
ok when the handshake completes, a UDP flow when the echo comes back from the address it was sent
to, an ICMP flow when the echo reply comes back from it.
"""
from __future__ import annotations

import ctypes
import errno
import json
import os
import select
import socket
import struct
import sys
import threading
import time

CLONE_NEWNET = 0x40000000
NETNS_DIR = "/run/netns"

_libc = ctypes.CDLL(None, use_errno=True)


class Namespaces:
    """Create sockets inside named network namespaces, then come back."""

    def __init__(self):
        self.home = os.open("/proc/self/ns/net", os.O_RDONLY)

    def _enter(self, fd: int) -> None:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            code = ctypes.get_errno()
            raise OSError(code, f"setns: {os.strerror(code)}")

    def socket(self, netns: str, family: int, kind: int, proto: int = 0) -> socket.socket:
        fd = os.open(os.path.join(NETNS_DIR, netns), os.O_RDONLY)
        try:
            self._enter(fd)
            try:
                return socket.socket(family, kind, proto)
            finally:
                self._enter(self.home)
        finally:
            os.close(fd)


# ---------------------------------------------------------------------------- serve

def _http_answer(name: str) -> bytes:
    body = f"Hello from {name}\n".encode()
    head = (f"HTTP/1.0 200 OK\r\nServer: netcourse-vpc\r\nContent-Type: text/plain\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    return head + body


def _talk(conn: socket.socket, port: int, name: str) -> None:
    """One accepted connection: a banner for ssh, a page for HTTP, else just hold it briefly."""
    try:
        conn.settimeout(2)
        if port == 22:
            conn.sendall(f"SSH-2.0-netcourse_probe {name}\r\n".encode())
        elif port in (80, 8080):
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 8192:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
            if data:
                conn.sendall(_http_answer(name))
        else:
            conn.recv(1)  # wait for the client to close (or the timeout)
    except OSError:
        pass
    finally:
        conn.close()


def serve(config: dict) -> None:
    spaces = Namespaces()
    tcp: dict[int, tuple[socket.socket, int, str]] = {}
    udp: dict[int, socket.socket] = {}
    for entry in config["listen"]:
        name = entry.get("name", entry["netns"])
        for port in entry.get("tcp", []):
            sock = spaces.socket(entry["netns"], socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("0.0.0.0", port))
            sock.listen(64)
            sock.setblocking(False)
            tcp[sock.fileno()] = (sock, port, name)
        for port in entry.get("udp", []):
            sock = spaces.socket(entry["netns"], socket.AF_INET, socket.SOCK_DGRAM)
            sock.bind(("0.0.0.0", port))
            sock.setblocking(False)
            udp[sock.fileno()] = sock
    print("ready", flush=True)
    poller = select.poll()
    for fd in list(tcp) + list(udp):
        poller.register(fd, select.POLLIN)
    while True:
        for fd, _ in poller.poll():
            if fd in tcp:
                sock, port, name = tcp[fd]
                try:
                    conn, _ = sock.accept()
                except OSError:
                    continue
                conn.setblocking(True)
                threading.Thread(target=_talk, args=(conn, port, name), daemon=True).start()
            else:
                sock = udp[fd]
                try:
                    data, peer = sock.recvfrom(65535)
                    sock.sendto(data, peer)
                except OSError:
                    continue


# ---------------------------------------------------------------------------- probe

def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def _echo_request(ident: int, seq: int) -> bytes:
    payload = b"netcourse-vpc-probe"
    header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    return struct.pack("!BBHHH", 8, 0, _checksum(header + payload), ident, seq) + payload


class Flow:
    def __init__(self, spec: dict, spaces: Namespaces, ident: int):
        self.id = str(spec["id"])
        self.proto = spec["proto"]
        self.dst = spec["dst"]
        self.port = int(spec.get("port") or 0)
        self.ident = ident
        self.result: dict | None = None
        netns = spec["netns"]
        if self.proto == "tcp":
            self.sock = spaces.socket(netns, socket.AF_INET, socket.SOCK_STREAM)
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.sock.bind((spec.get("src") or "0.0.0.0", int(spec["sport"])))
            self.sock.setblocking(False)
            code = self.sock.connect_ex((self.dst, self.port))
            if code not in (0, errno.EINPROGRESS):
                self.finish(False, os.strerror(code))
        elif self.proto == "udp":
            self.sock = spaces.socket(netns, socket.AF_INET, socket.SOCK_DGRAM)
            self.sock.bind((spec.get("src") or "0.0.0.0", int(spec["sport"])))
            self.sock.connect((self.dst, self.port))  # connected: replies from elsewhere are dropped
            self.sock.setblocking(False)
            self.sock.send(f"probe {self.id}".encode())
        elif self.proto == "icmp":
            self.sock = spaces.socket(netns, socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
            if spec.get("src"):
                self.sock.bind((spec["src"], 0))
            self.sock.setblocking(False)
            self.sock.sendto(_echo_request(ident, 1), (self.dst, 0))
        else:
            raise ValueError(f"unknown protocol {self.proto!r}")

    @property
    def events(self) -> int:
        return select.POLLOUT if self.proto == "tcp" else select.POLLIN

    def finish(self, ok: bool, error: str = "", reply_from: str = "") -> None:
        if self.result is None:
            self.result = {"ok": ok, "error": error, "reply_from": reply_from}

    def ready(self) -> None:
        if self.proto == "tcp":
            code = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if code == 0:
                self.finish(True, reply_from=f"{self.dst}:{self.port}")
            else:
                names = {errno.ECONNREFUSED: "refused", errno.EHOSTUNREACH: "no route to host",
                         errno.ENETUNREACH: "network is unreachable"}
                self.finish(False, names.get(code, os.strerror(code)))
        elif self.proto == "udp":
            try:
                self.sock.recv(65535)
                self.finish(True, reply_from=f"{self.dst}:{self.port}")
            except OSError as error:
                if error.errno == errno.ECONNREFUSED:
                    self.finish(False, "port unreachable")
                elif error.errno != errno.EAGAIN:
                    self.finish(False, error.strerror or str(error))
        else:
            while True:
                try:
                    packet, sender = self.sock.recvfrom(65535)
                except BlockingIOError:
                    return
                header = (packet[0] & 0x0F) * 4
                kind, _, _, ident, _ = struct.unpack("!BBHHH", packet[header:header + 8])
                if kind == 0 and ident == self.ident and sender[0] == self.dst:
                    self.finish(True, reply_from=sender[0])
                    return

    def close(self) -> None:
        try:
            if self.proto == "tcp" and self.result and self.result["ok"]:
                self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def probe(config: dict) -> dict:
    spaces = Namespaces()
    timeout = float(config.get("timeout", 0.6))
    flows: list[Flow] = []
    for number, spec in enumerate(config["flows"], start=1):
        try:
            flows.append(Flow(spec, spaces, ident=(os.getpid() + number * 7919) & 0xFFFF))
        except OSError as error:
            failed = Flow.__new__(Flow)
            failed.id, failed.result, failed.sock = str(spec["id"]), None, None
            failed.finish(False, error.strerror or str(error))
            flows.append(failed)
    deadline = time.monotonic() + timeout
    while True:
        waiting = {f.sock.fileno(): f for f in flows if f.result is None}
        left = deadline - time.monotonic()
        if not waiting or left <= 0:
            break
        poller = select.poll()
        for fd, flow in waiting.items():
            poller.register(fd, flow.events)
        for fd, _ in poller.poll(left * 1000):
            waiting[fd].ready()
    results = {}
    for flow in flows:
        flow.finish(False, "timed out")
        results[flow.id] = flow.result
        if flow.sock is not None:
            flow.close()
    return results


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    config = json.loads(sys.stdin.read() or "{}")
    if command == "serve":
        serve(config)
    elif command == "probe":
        print(json.dumps(probe(config), sort_keys=True))
    else:
        sys.exit("usage: netprobe.py serve|probe < config.json")


if __name__ == "__main__":
    main()
