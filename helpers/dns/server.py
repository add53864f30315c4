"""DNS servers on UDP port 53, and the command line that starts them inside lab nodes.

    python -m helpers.dns authoritative --zone root.zone [--zone more.zone] [--listen 0.0.0.0]
    python -m helpers.dns recursive --root 198.51.100.10 [--root-name a.root-servers.net]
    python -m helpers.dns forward --to 10.0.0.53 --listen 127.0.0.53
    python -m helpers.dns flush [SERVER]          # empty a server's cache (resolvectl flush-caches)
    python -m helpers.dns stats [SERVER]          # how many entries, hits, misses
    python -m helpers.dns lookup NAME [--type A]  # a name lookup as the C library does it, narrated

Each server prints "ready" once it listens and logs one line per question to stderr.

* ``authoritative`` answers from its zones only (AA set), refers to child zones, never recurses.
  ``--policy MODULE:FACTORY --policy-config FILE`` plugs in an AnswerPolicy (FACTORY(config_dict)
  returns it) that chooses which records of a set to return: the hook for weighted and failover
  routing.
* ``recursive`` resolves from the root down for its clients (RA set, AA never set: its answers are
  "non-authoritative") and caches everything for its TTL.
* ``forward`` is a local caching stub like systemd-resolved on 127.0.0.53: it asks one upstream
  resolver and remembers the answers.

The servers answer a few questions of class CHAOS about themselves, as BIND answers
"version.bind": ``flush.cache. CH TXT`` empties the cache and ``stats.cache. CH TXT`` reports it.
"""
from __future__ import annotations

import argparse
import importlib
import json
import socketserver
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from helpers.dns.resolver import Cache, Resolver, udp_transport
from helpers.dns.zone import AnswerPolicy, Lookup, Record, Zone, ZoneSet, absolute

DNS_PORT = 53


def stderr_log(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def _records_to(message, section: str, records: list[Record]) -> None:
    add = {"answer": message.add_answer, "authority": message.add_auth, "additional": message.add_ar}[section]
    for record in records:
        add(record.to_rr())


def _reply_header(request, *, aa: bool, ra: bool, rcode: str):
    from dnslib import RCODE, DNSHeader, DNSRecord

    header = DNSHeader(id=request.header.id, qr=1, aa=int(aa), ra=int(ra), rd=request.header.rd,
                       rcode=getattr(RCODE, rcode))
    return DNSRecord(header, q=request.q)


def _control(request, cache: Cache | None):
    """Answer CHAOS-class questions about the server itself; None if the question is not one."""
    from dnslib import CLASS, QTYPE, RR, TXT

    if request.q.qclass != CLASS.CH:
        return None
    name = absolute(str(request.q.qname))
    if cache is not None and name == "flush.cache.":
        count = cache.flush()
        text = f"flushed {count} {'entry' if count == 1 else 'entries'}"
    elif cache is not None and name == "stats.cache.":
        text = cache.stats()
    else:
        return _reply_header(request, aa=False, ra=False, rcode="REFUSED")
    reply = _reply_header(request, aa=True, ra=False, rcode="NOERROR")
    reply.add_answer(RR(request.q.qname, QTYPE.TXT, CLASS.CH, 0, TXT(text)))
    return reply


class Handler:
    """Turns one request into one reply (pure: no sockets), so the simulator can call it too."""

    role = "server"
    log: Callable[[str], None] | None = None  # one line per question; serve() sends it to stderr

    def respond(self, request, client: str = ""):
        raise NotImplementedError

    def _log(self, line: str) -> None:
        if self.log is not None:
            self.log(line)


class AuthoritativeServer(Handler):
    """Answers from its own zones; sets AA on what it owns, refers to child zones, never recurses."""

    role = "authoritative"

    def __init__(self, zones: list[Zone], clock: Callable[[], float] = time.time):
        self.zones = ZoneSet(zones)
        self.clock = clock

    def lookup(self, name: str, rtype: str, client: str = "") -> Lookup:
        return self.zones.lookup(name, rtype, client=client, time=self.clock())

    def respond(self, request, client: str = ""):
        from dnslib import QTYPE

        control = _control(request, None)
        if control is not None:
            return control
        rtype = QTYPE.get(request.q.qtype)
        found = self.lookup(str(request.q.qname), rtype, client)
        reply = _reply_header(request, aa=found.aa, ra=False, rcode=found.rcode)
        _records_to(reply, "answer", found.answers)
        _records_to(reply, "authority", found.authority)
        _records_to(reply, "additional", found.additional)
        self._log(f"{client} asked {found.question.name} {rtype}: {found.summary()}")
        return reply


class RecursiveServer(Handler):
    """Resolves for its clients (RA set); answers from its cache while the TTL lasts."""

    role = "recursive"

    def __init__(self, resolver: Resolver):
        self.resolver = resolver
        self._lock = threading.Lock()  # one resolution at a time keeps the cache and the log simple

    def respond(self, request, client: str = ""):
        from dnslib import QTYPE

        control = _control(request, self.resolver.cache)
        if control is not None:
            return control
        name, rtype = absolute(str(request.q.qname)), QTYPE.get(request.q.qtype)
        with self._lock:
            if not request.header.rd:
                # "Don't recurse": answer only from the cache, as real resolvers do.
                hit = self.resolver.cache.peek(name, rtype)
                reply = _reply_header(request, aa=False, ra=True, rcode=hit.rcode if hit else "NOERROR")
                _records_to(reply, "answer", hit.records if hit else [])
                self._log(f"{client} asked {name} {rtype} without recursion: "
                     f"{'cached' if hit else 'not in the cache'}")
                return reply
            result = self.resolver.resolve(name, rtype)
        reply = _reply_header(request, aa=False, ra=True, rcode=result.rcode)
        _records_to(reply, "answer", result.answers)
        _records_to(reply, "authority", result.authority)
        if rtype == "NS":  # the servers' addresses help the client (dig +trace needs them)
            for ns in result.answers:
                for kind in ("A", "AAAA"):
                    glue = self.resolver.cache.peek(ns.value, kind)
                    _records_to(reply, "additional", glue.records if glue else [])
        self._log(f"{client} asked {name} {rtype}:\n" + "\n".join(f"    {s}" for s in result.steps)
             + f"\n    => {', '.join(result.addresses) or result.rcode}")
        return reply


class ForwardingServer(Handler):
    """A local caching stub (like systemd-resolved): asks one upstream resolver, remembers answers."""

    role = "forward"

    def __init__(self, upstream: str, transport=None, cache: Cache | None = None):
        self.upstream = upstream
        self.transport = transport or udp_transport()
        self.cache = cache if cache is not None else Cache()

    def respond(self, request, client: str = ""):
        from dnslib import QTYPE, RCODE, DNSRecord

        control = _control(request, self.cache)
        if control is not None:
            return control
        name, rtype = absolute(str(request.q.qname)), QTYPE.get(request.q.qtype)
        hit = self.cache.get(name, rtype)
        if hit is not None:
            reply = _reply_header(request, aa=False, ra=True, rcode=hit.rcode)
            _records_to(reply, "answer", hit.records)
            _records_to(reply, "authority", hit.authority)
            self._log(f"{client} asked {name} {rtype}: answered from the cache (TTL {hit.remaining} s left)")
            return reply
        query = DNSRecord.question(name, rtype)
        query.header.rd = 1
        response = self.transport(self.upstream, query)
        if response is None:
            self._log(f"{client} asked {name} {rtype}: the upstream resolver {self.upstream} did not answer")
            return _reply_header(request, aa=False, ra=True, rcode="SERVFAIL")
        answers = [Record.from_rr(rr) for rr in response.rr]
        authority = [Record.from_rr(rr) for rr in response.auth]
        rcode = RCODE.get(response.header.rcode)
        if answers:
            self.cache.put(name, rtype, answers)
        elif rcode in ("NXDOMAIN", "NOERROR"):
            soa = [r for r in authority if r.rtype == "SOA"]
            if soa:
                self.cache.put(name, rtype, [], rcode=rcode, authority=soa,
                               ttl=min(soa[0].ttl, int(soa[0].value.split()[-1])))
        reply = _reply_header(request, aa=False, ra=True, rcode=rcode)
        _records_to(reply, "answer", answers)
        _records_to(reply, "authority", authority)
        self._log(f"{client} asked {name} {rtype}: not cached, asked {self.upstream}: "
             f"{', '.join(r.value for r in answers) or rcode}")
        return reply


# ---------------------------------------------------------------------------- serving

def _udp_server(handler: Handler, listen: str, port: int):
    from dnslib import DNSRecord
    from dnslib.dns import DNSError

    class Datagram(socketserver.BaseRequestHandler):
        def handle(self):
            data, sock = self.request
            try:
                request = DNSRecord.parse(data)
            except (DNSError, ValueError, IndexError, KeyError):
                return  # not DNS: a real server drops it too
            if request.header.qr or not request.questions:
                return
            try:
                reply = handler.respond(request, self.client_address[0])
            except Exception as error:  # a bug must not kill the server: answer SERVFAIL
                self._log(f"error answering {request.q.qname}: {error!r}")
                reply = _reply_header(request, aa=False, ra=False, rcode="SERVFAIL")
            sock.sendto(reply.pack(), self.client_address)

    class Server(socketserver.ThreadingUDPServer):
        allow_reuse_address = True
        daemon_threads = True

    return Server((listen, port), Datagram)


def serve(handler: Handler, listen: str = "0.0.0.0", port: int = DNS_PORT) -> None:
    handler.log = stderr_log
    server = _udp_server(handler, listen, port)
    print("ready", flush=True)
    stderr_log(f"{handler.role} DNS server listening on {listen}:{port}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def load_policy(spec: str, config_path: str | None) -> AnswerPolicy:
    """'package.module:factory' -> factory(config) -> an AnswerPolicy."""
    module_name, _, factory_name = spec.partition(":")
    if not module_name or not factory_name:
        raise SystemExit(f"--policy {spec!r} should look like 'package.module:factory'.")
    factory = getattr(importlib.import_module(module_name), factory_name)
    config = json.loads(Path(config_path).read_text()) if config_path else {}
    policy = factory(config)
    if not isinstance(policy, AnswerPolicy):
        raise SystemExit(f"{spec} returned {type(policy).__name__}, not an AnswerPolicy.")
    return policy


# ---------------------------------------------------------------------------- client commands

def ask(server: str, name: str, rtype: str = "A", qclass: str = "IN", *, recursion: bool = True,
        timeout: float = 2.0, port: int = DNS_PORT):
    """One query, one reply (or None): the smallest possible DNS client."""
    from dnslib import DNSRecord

    query = DNSRecord.question(name, rtype, qclass)
    query.header.rd = int(recursion)
    return udp_transport(timeout=timeout, port=port)(server, query)


def control(command: str, server: str, port: int = DNS_PORT) -> str:
    reply = ask(server, f"{command}.cache", "TXT", "CH", port=port)
    if reply is None:
        return f"no answer from {server}"
    if not reply.rr:
        return f"{server} does not keep a cache"
    return b"".join(reply.rr[0].rdata.data).decode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.dns", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    auth = sub.add_parser("authoritative", help="answer from zone files")
    auth.add_argument("--zone", action="append", required=True, help="a zone file (repeat for more zones)")
    auth.add_argument("--policy", help="MODULE:FACTORY returning an AnswerPolicy")
    auth.add_argument("--policy-config", help="a JSON file passed to the policy factory")
    rec = sub.add_parser("recursive", help="resolve from the root down, with a cache")
    rec.add_argument("--root", action="append", required=True, help="a root server's address (root hints)")
    rec.add_argument("--root-name", action="append", default=[], help="its name, in the same order")
    fwd = sub.add_parser("forward", help="a local caching stub that asks one resolver")
    fwd.add_argument("--to", required=True, help="the upstream resolver's address")
    for p in (auth, rec, fwd):
        p.add_argument("--listen", default="0.0.0.0")
        p.add_argument("--port", type=int, default=DNS_PORT)
    for name in ("flush", "stats"):
        c = sub.add_parser(name, help=f"{name} a server's cache")
        c.add_argument("server", nargs="?", default="127.0.0.53")
    look = sub.add_parser("lookup", help="look a name up the way the C library does, step by step")
    look.add_argument("name")
    look.add_argument("--type", default="A", choices=["A", "AAAA"])
    look.add_argument("--etc", default="/etc", help="where hosts, resolv.conf and nsswitch.conf are")
    args = parser.parse_args(argv)

    if args.command == "authoritative":
        policy = load_policy(args.policy, args.policy_config) if args.policy else None
        zones = [Zone.from_text(Path(path).read_text(), policy=policy) for path in args.zone]
        serve(AuthoritativeServer(zones), args.listen, args.port)
    elif args.command == "recursive":
        names = args.root_name + [""] * (len(args.root) - len(args.root_name))
        roots = {name or f"root{i}.": address for i, (name, address) in enumerate(zip(names, args.root))}
        serve(RecursiveServer(Resolver(roots, udp_transport())), args.listen, args.port)
    elif args.command == "forward":
        serve(ForwardingServer(args.to), args.listen, args.port)
    elif args.command in ("flush", "stats"):
        print(control(args.command, args.server))
    elif args.command == "lookup":
        from helpers.dns.lookup import narrate

        text, ok = narrate(args.name, args.type, etc=Path(args.etc))
        print(text)
        return 0 if ok else 2
    return 0
