"""A name lookup the way the C library does it (getaddrinfo), narrated step by step.

    python -m helpers.dns lookup www.example.com

1. ``/etc/nsswitch.conf`` says where to look and in which order (``hosts: files dns``);
2. ``files`` is ``/etc/hosts``: a match there ends the lookup, and no packet is sent;
3. ``dns`` reads ``/etc/resolv.conf`` for the name server (and search domains) and asks it,
   asking for recursion; the answer is non-authoritative when it comes from a resolver's work
   or cache rather than from the name's own server.

When the name server is a local cache (the lab's ``forward`` server on 127.0.0.53, like
systemd-resolved), the narration also says whether the answer came from that cache: it asks the
cache for its hit counter before and after.

Only the standard library and dnslib: it runs inside a lab node, under its private /etc.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class ResolvConf:
    nameservers: list[str] = field(default_factory=list)
    search: list[str] = field(default_factory=list)
    ndots: int = 1


def parse_nsswitch(text: str) -> list[str]:
    """The sources of the 'hosts:' line, in order ('files', 'dns' ...); [] when there is none."""
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("hosts:"):
            return [word for word in line.split()[1:] if not word.startswith("[")]
    return []


def parse_hosts(text: str) -> list[tuple[str, list[str]]]:
    """The lines of /etc/hosts as (address, [names]), comments removed."""
    entries = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2:
            entries.append((words[0], [w.lower() for w in words[1:]]))
    return entries


def hosts_match(text: str, name: str, rtype: str = "A") -> list[str]:
    """Addresses /etc/hosts gives `name` for the family of `rtype` (IPv4 for A, IPv6 for AAAA)."""
    wanted = name.lower().rstrip(".")
    found = []
    for address, names in parse_hosts(text):
        family_ok = (":" in address) == (rtype == "AAAA")
        if family_ok and wanted in names:
            found.append(address)
    return found


def parse_resolv_conf(text: str) -> ResolvConf:
    conf = ResolvConf()
    for line in text.splitlines():
        words = line.split("#", 1)[0].split(";", 1)[0].split()
        if not words:
            continue
        if words[0] == "nameserver" and len(words) > 1:
            conf.nameservers.append(words[1])
        elif words[0] in ("search", "domain"):
            conf.search = words[1:]
        elif words[0] == "options":
            for option in words[1:]:
                if option.startswith("ndots:") and option[6:].isdigit():
                    conf.ndots = int(option[6:])
    return conf


def candidates(name: str, conf: ResolvConf) -> list[str]:
    """The names tried in order: with search domains first when the name has fewer dots than ndots."""
    if name.endswith("."):
        return [name]
    with_search = [f"{name}.{domain}" for domain in conf.search]
    return with_search + [name] if name.count(".") < conf.ndots else [name] + with_search


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def narrate(name: str, rtype: str = "A", *, etc: Path = Path("/etc"), timeout: float = 2.0) -> tuple[str, bool]:
    """Look `name` up; return the narration and whether an address was found."""
    from dnslib import QTYPE

    from helpers.dns.server import ask, control

    family = "IPv4" if rtype == "A" else "IPv6"
    lines = [f"looking up {name} ({family}, type {rtype}) the way getaddrinfo() does:"]
    sources = parse_nsswitch(_read(etc / "nsswitch.conf")) or ["files", "dns"]
    lines.append(f"1. /etc/nsswitch.conf  hosts: {' '.join(sources)}")
    step = 2
    for source in sources:
        if source == "files":
            found = hosts_match(_read(etc / "hosts"), name, rtype)
            if found:
                lines.append(f"{step}. /etc/hosts          {name} -> {', '.join(found)}  (no DNS query sent)")
                lines.append(f"=> {name} is {', '.join(found)} (from /etc/hosts)")
                return "\n".join(lines), True
            lines.append(f"{step}. /etc/hosts          no line for {name}")
            step += 1
        elif source == "dns":
            conf = parse_resolv_conf(_read(etc / "resolv.conf"))
            if not conf.nameservers:
                lines.append(f"{step}. /etc/resolv.conf    no nameserver line: DNS cannot be asked")
                step += 1
                continue
            server = conf.nameservers[0]
            lines.append(f"{step}. /etc/resolv.conf    nameserver {server}"
                         + (f", search {' '.join(conf.search)}" if conf.search else ""))
            step += 1
            before = control("stats", server)
            for candidate in candidates(name, conf):
                reply = ask(server, candidate, rtype, timeout=timeout)
                if reply is None:
                    lines.append(f"{step}. ask {server}: {candidate} {rtype} -> no reply")
                    step += 1
                    continue
                status = {0: "NOERROR", 2: "SERVFAIL", 3: "NXDOMAIN", 5: "REFUSED"}.get(reply.header.rcode, "error")
                answers = [(str(rr.rdata), rr.ttl) for rr in reply.rr if QTYPE.get(rr.rtype) == rtype]
                who = "authoritative" if reply.header.aa else "non-authoritative"
                if answers:
                    # (No TTLs here: a cached answer's TTL depends on when you ask; dig shows them.)
                    text = ", ".join(value for value, _ in answers)
                    lines.append(f"{step}. ask {server}: {candidate} {rtype} -> {text}, {who}")
                    after = control("stats", server)
                    cache_note = _cache_note(server, before, after)
                    if cache_note:
                        lines.append(f"   {cache_note}")
                    lines.append(f"=> {name} is {', '.join(v for v, _ in answers)} (from DNS)")
                    return "\n".join(lines), True
                lines.append(f"{step}. ask {server}: {candidate} {rtype} -> {status}"
                             + (" (no such name)" if status == "NXDOMAIN" else " (no records of that type)"
                                if status == "NOERROR" else ""))
                step += 1
        else:
            lines.append(f"{step}. {source}: not used in the lab (skipped)")
            step += 1
    lines.append(f"=> {name}: not found")
    return "\n".join(lines), False


def _hits(stats: str) -> int | None:
    for word in stats.split():
        if word.startswith("hits=") and word[5:].isdigit():
            return int(word[5:])
    return None


def _cache_note(server: str, before: str, after: str) -> str:
    first, second = _hits(before), _hits(after)
    if first is None or second is None:
        return ""
    if second > first:
        return f"(answered from {server}'s cache: no packet left this machine)"
    return f"({server} had no cached answer and asked its upstream resolver)"
