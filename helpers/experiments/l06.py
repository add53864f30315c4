"""The live labs of lesson 06 (ports, sockets, TCP and UDP), and the small programs they run.

Labs:

* ``sockets_lab()``  "06-sockets": a server (web on 80, UDP echo on 7) and two clients on a switch;
* ``portfwd_lab()``  "06-portfwd": a client and a server whose application listens on 8080 only;
* ``ssh_lab()``      "06-ssh": a server with an SSH look-alike on a "secret" port, an attacker and
  an administrator, all on "internet" addresses (203.0.113.0/24).

Programs (standard library only), run inside lab nodes as ``python3 -m helpers.experiments.l06 ...``:

    hold HOST PORT --source-port N [...]     open TCP connections and keep them open
    hold HOST PORT --count N                 (the same, N of them, from ports the kernel picks)
    fd-server --port P --nofile N            an echo server allowed only N open files
    echo --port P --close-delay S            a TCP echo service that closes its side S seconds
                                             after the client closes (so each step of the close
                                             shows as its own packet)
    banner --port P --text TEXT              a TCP service that greets every client with TEXT
    scan HOST --ports 1-3000                 a TCP connect scan: open, closed and filtered ports
"""
from __future__ import annotations

import argparse
import errno
import itertools
import os
import resource
import select
import socket
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from helpers.errors import InputError

SERVER = "10.0.6.10"
CLIENTS = {"c1": "10.0.6.21", "c2": "10.0.6.22"}
FILTERED_TCP = 8443  # a port the server's firewall drops, for the third telnet outcome
FILTERED_UDP = 5353
ECHO_PORT = 7  # TCP echo (and, a different port of a different protocol, UDP echo)
CLOSE_DELAY = 0.3  # longer than TCP's delayed ACK (at most 0.2 s), so the server ACKs the client's
# FIN on its own before sending its FIN: the close then always shows as four packets
MODULE = "helpers.experiments.l06"
_holders = itertools.count(1)  # numbers the background connection holders' logs


def course_python_on_path() -> None:
    """Let commands run in lab nodes find this course's Python as `python3`.

    A lab command like ``python3 -m helpers.experiments.l06 scan ...`` runs in a node with the
    notebook's environment; putting the folder of the notebook's own interpreter first on PATH is
    what activating the course's virtual environment does in a shell.
    """
    folder = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if parts[:1] != [folder]:
        os.environ["PATH"] = os.pathsep.join([folder] + [p for p in parts if p != folder])


def _program(*args) -> list[str]:
    return [sys.executable, "-m", MODULE, *[str(a) for a in args]]


def _shown(*args) -> str:
    import shlex

    return shlex.join(["python3", "-m", MODULE, *[str(a) for a in args]])


# ---------------------------------------------------------------------------- 06-sockets

def sockets_lab():
    """srv (10.0.6.10) with a web server on port 80 and a UDP echo on port 7; clients c1 and c2."""
    from helpers.lab import Lab

    lab = Lab("06-sockets")
    s1 = lab.switch("s1")
    srv = lab.host("srv")
    lab.link(srv, s1, ip1=f"{SERVER}/24")
    for name, address in CLIENTS.items():
        lab.link(lab.host(name), s1, ip1=f"{address}/24")
    srv.serve_http(80, routes={"/": {"status": 200, "body": "hello from srv\n",
                                     "headers": {"Content-Type": "text/plain"}}})
    srv.serve_echo(7, udp=True)
    args = ["echo", "--port", ECHO_PORT, "--close-delay", CLOSE_DELAY]
    srv.start(_program(*args), name="tcp-echo", wait_ready_line=True, display=_shown(*args))
    return lab


def connect_and_close(client, server: str, port: int = ECHO_PORT):
    """A telnet-style connect and close; returns once the server has closed its side too."""
    result = client.tcp_connect(server, port)
    if client.lab.mode.live:
        time.sleep(CLOSE_DELAY + 0.3)  # the server closes CLOSE_DELAY after us; let its FIN arrive
    return result


def drop_ports(node, tcp: int = FILTERED_TCP, udp: int = FILTERED_UDP):
    """A firewall on `node` that silently drops one TCP and one UDP port (like a security group
    without a rule for them): the sender gets no answer at all."""
    rules = ("table inet guard {\n    chain input {\n        type filter hook input priority 0;\n"
             f"        tcp dport {tcp} drop\n        udp dport {udp} drop\n    }}\n}}")
    return node.run(f"nft -f - <<'EOF'\n{rules}\nEOF")


def hold(node, server: str, port: int, source_ports: list[int] | None = None, *, count: int | None = None,
         settle: float = 0.3):
    """Open TCP connections to server:port and keep them open (a background program in `node` that
    stops with the lab): one from each of `source_ports`, or `count` from ports the kernel picks.
    It reports ready `settle` seconds after connecting, once the server has accepted what it can."""
    if (source_ports is None) == (count is None):
        raise ValueError("hold() needs either source_ports=[...] or count=N")
    args = ["hold", server, port, "--settle", settle]
    args += [x for p in source_ports for x in ("--source-port", p)] if source_ports else ["--count", count]
    return node.start(_program(*args), name=f"hold-{port}-{next(_holders)}",
                      wait_ready_line=True, display=_shown(*args))


def established(node, port: int = 80):
    """The node's established TCP connections on a local port, as `ss` shows them (sorted by the
    peer's address and port, because ss lists them in hash order)."""
    return node.run(f"ss -Htn state established '( sport = :{port} )' | sort -k4,4V")


@dataclass(frozen=True)
class FourTuple:
    src: str
    sport: int
    dst: str
    dport: int

    def __str__(self) -> str:
        return f"{self.src}:{self.sport} ⇄ {self.dst}:{self.dport}"


def four_tuples(ss_output: str) -> list[FourTuple]:
    """Connections from `ss -Htn state established` lines, seen from the server:
    (client address, client port, server address, server port)."""
    tuples = []
    for line in ss_output.splitlines():
        words = line.split()
        if len(words) < 4:
            continue
        local, peer = words[2], words[3]
        laddr, lport = local.rsplit(":", 1)
        paddr, pport = peer.rsplit(":", 1)
        tuples.append(FourTuple(paddr, int(pport), laddr, int(lport)))
    return tuples


def tuple_table(tuples: list[FourTuple]) -> str:
    rows = [("client IP", "client port", "server IP", "server port")]
    rows += [(t.src, str(t.sport), t.dst, str(t.dport)) for t in tuples]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows)


# ---------------------------------------------------------------------------- TCP in a capture

def handshake_rows(capture, client: str, server: str) -> list[tuple[str, str, str, int, int]]:
    """The TCP segments of a capture as (direction, flags, ports, relative seq, relative ack).

    Sequence numbers start at a random value (the ISN) on each side; counting from it, as
    Wireshark does, makes the exchange readable and the same on every run.
    """
    from scapy.layers.inet import IP, TCP

    from helpers.packets import tcp_flag_names

    start: dict[str, int] = {}
    rows = []
    for seen in capture:
        packet = seen.packet
        if TCP not in packet or IP not in packet:
            continue
        tcp, src = packet[TCP], packet[IP].src
        if "S" in str(tcp.flags):
            start[src] = tcp.seq
        other = server if src == client else client
        seq = (tcp.seq - start.get(src, tcp.seq)) % 2 ** 32
        ack = (tcp.ack - start[other]) % 2 ** 32 if "A" in str(tcp.flags) and other in start else 0
        arrow = "client → server" if src == client else "client ← server"
        rows.append((arrow, tcp_flag_names(tcp.flags), f"{tcp.sport} → {tcp.dport}", seq, ack))
    return rows


def handshake_table(capture, client: str, server: str) -> str:
    rows = [("#", "direction", "flags", "ports", "seq", "ack")]
    rows += [(str(i), *map(str, row)) for i, row in enumerate(handshake_rows(capture, client, server), start=1)]
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows)


# ---------------------------------------------------------------------------- file descriptors

@dataclass(frozen=True)
class FdLimits:
    file_max: int  # fs.file-max: open files for the whole system
    nofile_soft: int  # ulimit -n: open files per process (the limit in force)
    nofile_hard: int  # ulimit -Hn: how far a process may raise it itself
    nproc_soft: int  # ulimit -u: processes (and threads) per user
    nproc_hard: int


def _limit(value: int) -> int:
    return -1 if value == resource.RLIM_INFINITY else int(value)


def read_fd_limits() -> FdLimits:
    """This machine's limits, read the way `sysctl fs.file-max` and `ulimit -n/-Hn/-u` read them."""
    file_max = int(Path("/proc/sys/fs/file-max").read_text().split()[0])
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)
    nproc = resource.getrlimit(resource.RLIMIT_NPROC)
    return FdLimits(file_max, _limit(nofile[0]), _limit(nofile[1]), _limit(nproc[0]), _limit(nproc[1]))


def limits_table(limits: FdLimits) -> str:
    def show(value):
        return "unlimited" if value < 0 else str(value)

    rows = [("sysctl fs.file-max", show(limits.file_max), "open files the whole kernel allows, all processes together"),
            ("ulimit -n", show(limits.nofile_soft), "open files ONE process may have (soft limit, in force now)"),
            ("ulimit -Hn", show(limits.nofile_hard), "the ceiling a process may raise its own -n to (hard limit)"),
            ("ulimit -u", show(limits.nproc_soft), "processes (threads count too) one user may run")]
    width = max(len(r[1]) for r in rows)
    return "\n".join(f"{command:<19} {value:>{width}}  {meaning}" for command, value, meaning in rows)


def limit_findings(limits: FdLimits) -> list[str]:
    """What holds on any sane Linux machine, phrased for a learner (the same on every machine)."""
    def at_most(a: int, b: int) -> bool:
        return b < 0 or (0 <= a <= b)

    return [
        f"the soft open-files limit is at most the hard one: {at_most(limits.nofile_soft, limits.nofile_hard)}",
        f"one process may not hold more files than the whole system: "
        f"{at_most(limits.nofile_soft, limits.file_max) or limits.file_max < 0}",
        f"a server with one socket per connection can hold at most about ulimit -n connections: "
        f"{limits.nofile_soft > 0 or limits.nofile_soft == -1}",
    ]


def fd_server(node, port: int = 9000, nofile: int = 16):
    """Start an echo server on `node` allowed only `nofile` open files (like `ulimit -n 16`)."""
    args = ["fd-server", "--port", port, "--nofile", nofile]
    return node.start(_program(*args), name=f"fd-server-{port}", wait_ready_line=True, display=_shown(*args))


def connection_count(node, port: int):
    """How many established TCP connections `node` has on a local port (ss, counted by wc)."""
    return node.run(f"ss -Htn state established '( sport = :{port} )' | wc -l")


# ---------------------------------------------------------------------------- 06-portfwd

APP_PORT = 8080
NAT_COMMANDS = [
    "nft add table ip nat",
    "nft 'add chain ip nat prerouting { type nat hook prerouting priority dstnat; }'",
    f"nft add rule ip nat prerouting tcp dport 80 redirect to :{APP_PORT}",
]
IPTABLES_ADD = f"iptables -t nat -A PREROUTING -p tcp --dport 80 -j REDIRECT --to-ports {APP_PORT}"
IPTABLES_LIST = "iptables -t nat -L PREROUTING -n --line-numbers"
IPTABLES_DELETE = "iptables -t nat -D PREROUTING 1"


def portfwd_lab():
    """c1 and srv (10.0.6.10) on a switch; srv's application listens on port 8080 only."""
    from helpers.lab import Lab

    lab = Lab("06-portfwd")
    s1 = lab.switch("s1")
    srv, c1 = lab.host("srv"), lab.host("c1")
    lab.link(srv, s1, ip1=f"{SERVER}/24")
    lab.link(c1, s1, ip1=f"{CLIENTS['c1']}/24")
    srv.serve_http(APP_PORT, routes={"/": {"status": 200, "body": "the app on port 8080 answered\n",
                                           "headers": {"Content-Type": "text/plain"}}})
    return lab


def rule_handle(listing: str, needle: str = "redirect to") -> int:
    """The handle number nft printed (with -a) for the rule containing `needle`."""
    for line in listing.splitlines():
        if needle in line and "# handle" in line:
            return int(line.rsplit("# handle", 1)[1].split()[0])
    raise InputError(f"no rule with {needle!r} and a handle in this listing; list the rules with `nft -a list ruleset`.")


# ---------------------------------------------------------------------------- 06-ssh

SSH_SERVER = "203.0.113.10"
ATTACKER = "203.0.113.66"
ADMIN = "203.0.113.7"
SSH_PORT = 2222
SSH_BANNER = "SSH-2.0-OpenSSH_9.2p1 Debian-2"
SCAN_PORTS = "1-3000"


def ssh_lab():
    """srv with an SSH look-alike on port 2222 (it only greets; nobody can log in), an attacker and
    an admin, all on the documentation network 203.0.113.0/24 ("the internet")."""
    from helpers.lab import Lab

    lab = Lab("06-ssh")
    s1 = lab.switch("s1")
    for name, address in (("srv", SSH_SERVER), ("attacker", ATTACKER), ("admin", ADMIN)):
        lab.link(lab.host(name), s1, ip1=f"{address}/24")
    args = ["banner", "--port", SSH_PORT, "--text", SSH_BANNER]
    lab["srv"].start(_program(*args), name="ssh-lookalike", wait_ready_line=True, display=_shown(*args))
    return lab


def scan(node, target: str, ports: str = SCAN_PORTS):
    course_python_on_path()
    return node.run(_shown("scan", target, "--ports", ports), timeout=60)


def allow_ssh_only_from(node, source: str, port: int = SSH_PORT):
    """Like a security group: SSH only from one address; everyone else's packets are dropped."""
    rules = ("table inet ssh {\n    chain input {\n        type filter hook input priority 0;\n"
             f"        tcp dport {port} ip saddr {source} accept\n        tcp dport {port} drop\n    }}\n}}")
    return node.run(f"nft -f - <<'EOF'\n{rules}\nEOF")


def scan_minutes(addresses: int = 2 ** 32, packets_per_second: float = 1_000_000, ports: int = 1) -> float:
    """How long one probe per address and port takes at a given rate (minutes)."""
    if addresses <= 0 or packets_per_second <= 0 or ports <= 0:
        raise InputError("addresses, packets_per_second and ports must all be positive numbers, like "
                         "scan_minutes(2 ** 32, 1_000_000).")
    return addresses * ports / packets_per_second / 60


# ============================================================================ the programs

def _say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def run_hold(host: str, port: int, source_ports: list[int], settle: float) -> None:
    connections = []
    for source_port in source_ports:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if source_port:
            sock.bind(("0.0.0.0", source_port))
        sock.connect((host, port))  # the kernel's handshake: done even if the program never accepts
        connections.append(sock)
    time.sleep(settle)  # let the server accept what it can, so what `ss` shows next has settled
    _say(f"holding {len(connections)} connections to {host}:{port}")
    print("ready", flush=True)
    while True:
        time.sleep(3600)


def run_fd_server(port: int, nofile: int) -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", port))
    listener.listen(64)  # the kernel completes handshakes for up to this many waiting connections
    print("ready", flush=True)
    served = 0

    def echo(conn: socket.socket) -> None:
        with conn:
            while data := conn.recv(1024):
                conn.sendall(data)

    while True:
        try:
            conn, peer = listener.accept()
        except OSError as error:
            if error.errno in (errno.EMFILE, errno.ENFILE):
                _say(f"accept() failed: [Errno {error.errno}] {os.strerror(error.errno)} "
                     f"after serving {served} connections")
                time.sleep(0.5)  # what real servers do: log, back off, try again
                continue
            raise
        served += 1
        threading.Thread(target=echo, args=(conn,), daemon=True).start()


def run_echo(port: int, close_delay: float) -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", port))
    listener.listen(64)
    print("ready", flush=True)

    def serve(conn: socket.socket) -> None:
        with conn:
            try:
                while data := conn.recv(4096):
                    conn.sendall(data)
            except OSError:
                return
            time.sleep(close_delay)  # finish up, then close our side

    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


def run_banner(port: int, text: str) -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", port))
    listener.listen(64)
    print("ready", flush=True)
    while True:
        conn, peer = listener.accept()
        with conn:
            try:
                conn.sendall(text.encode() + b"\r\n")
            except OSError:
                pass
        _say(f"greeted {peer[0]}:{peer[1]}")


def parse_ports(text: str) -> list[int]:
    ports: set[int] = set()
    for part in str(text).split(","):
        first, _, last = part.strip().partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise ValueError(f"{text!r} is not a port list like '22,80,1000-2000'")
        low, high = int(first), int(last or first)
        if not 1 <= low <= high <= 65535:
            raise ValueError(f"{part!r} is not a range of ports between 1 and 65535")
        ports.update(range(low, high + 1))
    return sorted(ports)


def connect_scan(host: str, ports: list[int], timeout: float = 0.5, batch: int = 200) -> dict[int, str]:
    """port -> "open", "closed" or "filtered", trying a batch of ports at once."""
    results: dict[int, str] = {}
    for start in range(0, len(ports), batch):
        waiting: dict[socket.socket, int] = {}
        for port in ports[start:start + batch]:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            code = sock.connect_ex((host, port))
            if code in (0, errno.EINPROGRESS):
                waiting[sock] = port
            else:
                results[port] = "closed" if code == errno.ECONNREFUSED else "filtered"
                sock.close()
        deadline = time.monotonic() + timeout
        while waiting and (left := deadline - time.monotonic()) > 0:
            _, writable, _ = select.select([], list(waiting), [], left)
            for sock in writable:
                code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                results[waiting.pop(sock)] = "open" if code == 0 else (
                    "closed" if code == errno.ECONNREFUSED else "filtered")
                sock.close()
        for sock, port in waiting.items():
            results[port] = "filtered"  # no answer at all: a firewall dropped the SYN
            sock.close()
    return results


def grab_banner(host: str, port: int, timeout: float = 1.0) -> str:
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            return sock.recv(256).decode(errors="replace").strip()
    except OSError:
        return ""


def run_scan(host: str, ports_text: str) -> None:
    ports = parse_ports(ports_text)
    results = connect_scan(host, ports)
    by_state = {state: [p for p in ports if results[p] == state] for state in ("open", "closed", "filtered")}
    print(f"scanned {len(ports)} TCP ports of {host}")
    for port in by_state["open"]:
        banner = grab_banner(host, port)
        print(f"  open      {port:<5} {banner or '(no greeting)'}")
    for port in by_state["filtered"][:10]:
        print(f"  filtered  {port:<5} (no answer: dropped by a firewall)")
    if len(by_state["filtered"]) > 10:
        print(f"  ... and {len(by_state['filtered']) - 10} more filtered ports")
    print(f"  closed    {len(by_state['closed'])} ports (answered with a reset: nothing listens)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python3 -m {MODULE}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("hold")
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--source-port", type=int, action="append", default=[])
    p.add_argument("--count", type=int, default=0)
    p.add_argument("--settle", type=float, default=0.3)
    p = sub.add_parser("fd-server")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--nofile", type=int, required=True)
    p = sub.add_parser("echo")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--close-delay", type=float, default=0.0)
    p = sub.add_parser("banner")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--text", required=True)
    p = sub.add_parser("scan")
    p.add_argument("host")
    p.add_argument("--ports", default=SCAN_PORTS)
    args = parser.parse_args(argv)
    if args.command == "hold":
        run_hold(args.host, args.port, args.source_port or [0] * args.count, args.settle)
    elif args.command == "fd-server":
        run_fd_server(args.port, args.nofile)
    elif args.command == "echo":
        run_echo(args.port, args.close_delay)
    elif args.command == "banner":
        run_banner(args.port, args.text)
    elif args.command == "scan":
        run_scan(args.host, args.ports)
    return 0


if __name__ == "__main__":
    sys.exit(main())
