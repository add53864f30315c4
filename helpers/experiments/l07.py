"""The live labs of lesson 07 (HTTP and DNS).

* ``http_lab()`` "07-http": a client and a web server whose routes answer 200, 301, 404, 500 and
  503 with the headers of the workshop's `curl -I` (Cache-Control, Expires, Server, Content-Type);
* ``dns_lab()``  "07-dns": a real DNS hierarchy. A home network (client ``c1``, recursive resolver
  ``res``, router ``r1``) and "the internet": the root server, the ``com.`` TLD server and
  ``example.com.``'s authoritative server, plus the web server www.example.com. Every server is
  helpers.dns running on UDP port 53; ``c1`` also runs a local caching stub on 127.0.0.53, as
  Ubuntu's systemd-resolved does.

A node's own /etc: ``PrivateEtc`` runs a command in a node with its own /etc/hosts,
/etc/resolv.conf and /etc/nsswitch.conf, without touching the host's files. The command runs in
a new *mount namespace* (``unshare --mount``) where small files are mounted over the real ones;
they vanish with the command. This works as root and rootless alike, unlike `ip netns exec`'s own
/etc/netns/NAME/ files, which need root and the namespace's real (prefixed) name.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

from helpers.display import Terminal
from helpers.errors import InputError
from helpers.experiments.l06 import course_python_on_path
from helpers.sim import dns as model

# ---------------------------------------------------------------------------- 07-http

WEB = "10.0.7.80"
CLIENT = "10.0.7.10"
FAR_FUTURE = "Thu, 01 Jan 2037 00:00:00 GMT"

# The site's routes: path -> status, headers, body (the engine's web server serves them).
ROUTES = {
    "/": {"status": 200, "body": "<h1>Welcome to the lab</h1>\n",
          "headers": {"Content-Type": "text/html; charset=UTF-8", "Cache-Control": "public, max-age=3600",
                      "Expires": FAR_FUTURE}},
    "/old-page": {"status": 301, "body": "<a href=\"http://10.0.7.80/\">moved here</a>\n",
                  "headers": {"Location": "http://10.0.7.80/", "Content-Type": "text/html; charset=UTF-8",
                              "Cache-Control": "public, max-age=2592000", "Expires": FAR_FUTURE}},
    "/report": {"status": 500, "body": "Internal Server Error\n",
                "headers": {"Content-Type": "text/plain", "Cache-Control": "no-store"}},
    "/busy": {"status": 503, "body": "Service Unavailable\n",
              "headers": {"Content-Type": "text/plain", "Retry-After": "30", "Cache-Control": "no-store"}},
}

STATUS_CLASSES = [
    ("1xx", "informational", "keep going (rarely seen)"),
    ("2xx", "success", "200 OK: here is what you asked for"),
    ("3xx", "redirection", "301 Moved Permanently / 302 Found: look at the Location header"),
    ("4xx", "client error", "404 Not Found, 403 Forbidden: the request was wrong or not allowed"),
    ("5xx", "server error", "500 Internal Server Error, 502 Bad Gateway, 503 Service Unavailable: the server failed"),
]

HEADERS = [
    ("Content-Type", "what the body is (text/html, application/json ...) and its character set"),
    ("Cache-Control", "who may keep a copy and for how long (max-age in seconds; no-store: never)"),
    ("Expires", "the older way to say until when a copy is fresh (a date); when Cache-Control has max-age, max-age wins"),
    ("Server", "the server software (here the lab's own; the seed's google.com said gws)"),
    ("Location", "with 3xx: where the resource is now"),
    ("Retry-After", "with 503: how many seconds to wait before trying again"),
]


def http_lab():
    """c1 (10.0.7.10) and web (10.0.7.80) on a switch; web serves ROUTES (anything else is 404)."""
    from helpers.lab import Lab

    lab = Lab("07-http")
    s1 = lab.switch("s1")
    lab.link(lab.host("c1"), s1, ip1=f"{CLIENT}/24")
    web = lab.host("web")
    lab.link(web, s1, ip1=f"{WEB}/24")
    web.serve_http(80, routes=ROUTES, name="web")
    return lab


def status_class(code: int) -> str:
    if not isinstance(code, int) or not 100 <= code <= 599:
        raise InputError(f"{code!r} is not an HTTP status code; they run from 100 to 599.")
    return next(name for prefix, name, _ in STATUS_CLASSES if prefix[0] == str(code)[0])


def head_summary(results) -> str:
    """One line per `curl -I`: the path, the status, its class and the headers that matter."""
    lines = []
    for result in results:
        path = result.url.split("/", 3)[3] if result.url.count("/") >= 3 else ""
        extra = []
        for name in ("Location", "Cache-Control", "Retry-After"):
            if result.header(name):
                extra.append(f"{name}: {result.header(name)}")
        lines.append(f"/{path:<10} {result.status} {result.reason:<22} {status_class(result.status):<13} "
                     + "; ".join(extra))
    return "\n".join(line.rstrip() for line in lines)


# ---------------------------------------------------------------------------- 07-dns

CLIENT_DNS = "10.0.0.10"
RESOLVER = "10.0.0.53"
STUB = "127.0.0.53"
ROOT, TLD, AUTH, WEB_PUBLIC = model.ROOT_ADDRESS, model.TLD_ADDRESS, model.AUTH_ADDRESS, model.WEB_ADDRESS
# Who is who, for tables and diagrams.
ROLES = {CLIENT_DNS: "c1 (client)", RESOLVER: "res (resolver)", ROOT: "root server",
         TLD: "com. TLD server", AUTH: "example.com. server", STUB: "127.0.0.53 (local cache)"}
DIG = ("+nocmd", "+nostats", "+qid=4242")  # no version banner, no timings, a fixed query ID


def dns_lab():
    """The DNS hierarchy on real servers (see the module's docstring)."""
    from helpers.lab import Lab

    lab = Lab("07-dns")
    home, internet = lab.switch("s1"), lab.switch("s2")
    c1, res, r1 = lab.host("c1"), lab.host("res"), lab.router("r1")
    lab.link(c1, home, ip1=f"{CLIENT_DNS}/24")
    lab.link(res, home, ip1=f"{RESOLVER}/24")
    lab.link(r1, home, ip1="10.0.0.1/24")
    lab.link(r1, internet, ip1="198.51.100.1/24")
    for node in (c1, res):
        node.default_route("10.0.0.1")
    for name, address in (("root", ROOT), ("tld", TLD), ("ns1", AUTH)):
        node = lab.host(name)
        lab.link(node, internet, ip1=f"{address}/24")
        node.default_route("198.51.100.1")
    web = lab.host("web")
    lab.link(r1, web, ip1="203.0.113.1/24", ip2=f"{WEB_PUBLIC}/24")
    web.default_route("203.0.113.1")
    web.serve_http(80, routes={"/": {"status": 200, "body": "Hello from www.example.com\n",
                                     "headers": {"Content-Type": "text/plain"}}}, name="www.example.com")
    return lab


def _dns_program(*args) -> list[str]:
    return [sys.executable, "-m", "helpers.dns", *[str(a) for a in args]]


def start_dns_servers(lab) -> dict:
    """Write the zone files and start every DNS server of dns_lab(); returns the services by node."""
    import shlex

    services = {}
    for node, filename, text in (("root", "root.zone", model.ROOT_ZONE), ("tld", "com.zone", model.COM_ZONE),
                                 ("ns1", "example.com.zone", model.EXAMPLE_ZONE)):
        path = lab.write_file(filename, text)
        services[node] = lab[node].start(
            _dns_program("authoritative", "--zone", path), name="dns", wait_ready_line=True,
            display=f"python3 -m helpers.dns authoritative --zone {filename}")
    root_hint = ["--root", ROOT, "--root-name", "a.root-servers.net."]
    services["res"] = lab["res"].start(_dns_program("recursive", *root_hint), name="dns", wait_ready_line=True,
                                       display=shlex.join(["python3", "-m", "helpers.dns", "recursive", *root_hint]))
    stub = ["forward", "--to", RESOLVER, "--listen", STUB]
    services["c1"] = lab["c1"].start(_dns_program(*stub), name="stub", wait_ready_line=True,
                                     display=shlex.join(["python3", "-m", "helpers.dns", *stub]))
    return services


def zone_file(name: str) -> str:
    return {"root": model.ROOT_ZONE, "com": model.COM_ZONE, "example.com": model.EXAMPLE_ZONE}[name]


def pause(lab, seconds: float) -> None:
    """Let time pass for the lab's servers (only live: a replay has nothing to wait for)."""
    if lab.mode.live:
        time.sleep(seconds)


# ---------------------------------------------------------------------------- reading captures

@dataclass
class DnsMessage:
    number: int
    sender: str
    receiver: str
    kind: str  # "query" or "response"
    question: str
    flags: list[str]
    says: str


def _name(value) -> str:
    text = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
    return text if text.endswith(".") else text + "."


def dns_messages(capture, roles: dict[str, str] | None = None, *, ttls: bool = True) -> list[DnsMessage]:
    """The DNS messages of a capture, each once (a message seen at two points counts once), with
    what each response said: an answer, a referral, NXDOMAIN or no data.

    ttls=False leaves the answers' TTLs out: an answer from a cache carries a TTL that depends on
    how long ago it was cached."""
    from scapy.layers.dns import DNS
    from scapy.layers.inet import IP, UDP

    roles = roles if roles is not None else ROLES
    out, seen = [], set()
    for item in capture:
        packet = item.packet
        if DNS not in packet or IP not in packet:
            continue
        dns = packet[DNS]
        key = (packet[IP].src, packet[IP].dst, packet[UDP].sport, packet[UDP].dport, dns.id, dns.qr)
        if key in seen:
            continue
        seen.add(key)
        question = ""
        if dns.qd:
            q = dns.qd[0]
            question = f"{_name(q.qname)} {q.sprintf('%qtype%')}"
        flags = [name for name in ("aa", "rd", "ra") if getattr(dns, name)]
        if not dns.qr:
            says = "?"
        else:
            says = _summary(dns, ttls)
        out.append(DnsMessage(len(out) + 1, roles.get(packet[IP].src, packet[IP].src),
                              roles.get(packet[IP].dst, packet[IP].dst), "response" if dns.qr else "query",
                              question, flags, says))
    return out


def _records(section) -> list:
    if section is None:
        return []
    return list(section) if isinstance(section, list) else [section]


def _summary(dns, ttls: bool = True) -> str:
    rcode = dns.sprintf("%rcode%")
    answers = _records(dns.an)
    if answers:
        parts = []
        for rr in answers:
            value = rr.rdata
            value = _name(value) if isinstance(value, bytes) else str(value)
            parts.append(f"{rr.sprintf('%type%')} {value}" + (f" (TTL {rr.ttl})" if ttls else ""))
        return "answer: " + ", ".join(parts)
    if rcode == "name-error":
        return "NXDOMAIN: no such name"
    referral = [rr for rr in _records(dns.ns) if rr.sprintf("%type%") == "NS"]
    if referral:
        servers = ", ".join(_name(rr.rdata) for rr in referral)
        return f"referral: ask {_name(referral[0].rrname)} servers ({servers})"
    return "no records of that type" if rcode == "ok" else rcode


def dns_table(messages: list[DnsMessage]) -> "MessageTable":
    return MessageTable(messages)


class MessageTable:
    def __init__(self, messages: list[DnsMessage]):
        self.messages = messages

    def rows(self) -> list[tuple[str, ...]]:
        return [(str(m.number), m.sender, m.receiver, m.kind, m.question, " ".join(m.flags), m.says)
                for m in self.messages]

    def __repr__(self) -> str:
        head = ("#", "from", "to", "kind", "question", "flags", "says")
        rows = [head] + self.rows()
        if len(rows) == 1:
            return "(no DNS messages)"
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows)

    def __len__(self) -> int:
        return len(self.messages)


PARTICIPANTS = [ROLES[CLIENT_DNS], ROLES[RESOLVER], ROLES[ROOT], ROLES[TLD], ROLES[AUTH]]


def arrows(messages: list[DnsMessage]) -> list[tuple[str, str, str]]:
    """(sender, receiver, label) for helpers.draw.dns.sequence."""
    out = []
    for m in messages:
        if m.kind == "query":
            out.append((m.sender, m.receiver, f"{m.question}?"))
        else:
            label = m.says.replace("referral: ", "").replace("answer: ", "")
            out.append((m.sender, m.receiver, label + (" [aa]" if "aa" in m.flags else "")))
    return out


def upstream_queries(messages: list[DnsMessage], resolver: str = ROLES[RESOLVER]) -> list[DnsMessage]:
    """The queries the resolver itself sent to other servers (zero when it answered from its cache)."""
    return [m for m in messages if m.kind == "query" and m.sender == resolver]


# ---------------------------------------------------------------------------- a node's own /etc

@dataclass
class PrivateEtc:
    """The files a node's name lookups read; run(node, command) uses them for that one command."""

    hosts: list[str] = field(default_factory=lambda: ["127.0.0.1 localhost"])
    resolv_conf: list[str] = field(default_factory=lambda: [f"nameserver {STUB}"])
    nsswitch: list[str] = field(default_factory=lambda: ["hosts: files dns"])

    FILES = (("hosts", "hosts"), ("resolv.conf", "resolv_conf"), ("nsswitch.conf", "nsswitch"))

    def __post_init__(self):
        for _, attribute in self.FILES:
            lines = getattr(self, attribute)
            if isinstance(lines, str):
                lines = lines.strip("\n").splitlines()
                setattr(self, attribute, lines)
            for line in lines:
                if any(char in line for char in "'\"\\$`"):
                    raise InputError(f"{line!r}: lines of these files may not contain quotes, backslashes, "
                                     f"'$' or '`'; write plain text like '203.0.113.99 www.example.com'.")

    def script(self, command: str) -> str:
        """The shell command that runs `command` with these files as /etc/hosts, resolv.conf and
        nsswitch.conf, in a private mount namespace (nothing outside it changes)."""
        if "'" in command:
            raise InputError("the command may not contain single quotes; use double quotes instead.")
        lines = ["unshare --mount sh -ec '", "mount -t tmpfs lab-etc /mnt"]
        for filename, attribute in self.FILES:
            quoted = " ".join(f'"{line}"' for line in getattr(self, attribute))
            lines.append(f'printf "%s\\n" {quoted} > /mnt/{filename}')
        lines.append("for f in hosts resolv.conf nsswitch.conf; do mount --bind /mnt/$f /etc/$f; done")
        lines.append(command + "'")
        return "\n".join(lines)

    def run(self, node, command: str, *, timeout: float = 30) -> "EtcRun":
        course_python_on_path()  # commands like `python3 -m helpers.dns lookup` find the course's Python
        return EtcRun(node.run(self.script(command), timeout=timeout), command)

    def show(self) -> str:
        out = []
        for filename, attribute in self.FILES:
            out.append(f"# /etc/{filename}")
            out += getattr(self, attribute)
        return "\n".join(out)


class EtcRun:
    """A command's result, shown with the command alone (the private-/etc wrapper is explained once)."""

    def __init__(self, result, command: str):
        self.result = result
        self.command = command

    @property
    def output(self) -> str:
        return self.result.output

    @property
    def ok(self) -> bool:
        return self.result.ok

    def terminal(self) -> Terminal:
        text = self.result.output
        if self.result.stderr.strip():
            text = (text.rstrip("\n") + "\n" + self.result.stderr).strip("\n")
        return Terminal(self.command, text, prompt=f"{self.result.node} (own /etc)$")

    def __repr__(self) -> str:
        return repr(self.terminal())

    def _repr_html_(self) -> str:
        return self.terminal()._repr_html_()
