"""Lesson 10's live lab: a real load balancer (HAProxy) in front of small web servers.

    lab = LoadBalancerLab()              # client -- lb -- s1 -- web1 web2 web3 api1 api2
    lab.start()
    alb = lab.model()                    # the same set-up as an AWS-style model (an ALB)
    lab.run_haproxy(alb)                 # haproxy.cfg written from the model, HAProxy started
    seen = lab.requests(6)               # six requests from the client, counted per backend
    compare_counts(alb.simulate(6, az="a"), seen.counts, labels=("model", "HAProxy"))
    lab.stop()

The network: the client (203.0.113.10, an "internet" address) reaches only the load balancer's
public side (203.0.113.1); the web servers sit on a private network (10.0.1.0/24) behind it, like
instances in private subnets behind an ALB. Every backend runs the course's small web server:
``/`` says "Hello from web1", ``/health`` answers the health checks, ``/whoami`` reports what
the server saw of the client (its address, X-Forwarded-For, cookies). The api servers answer
every path with "API answer from api1".

Health checks run on a faster clock than AWS's (LAB_CLOCK: one lab second is fifty AWS seconds),
so a check "every 10 s" is every 200 ms here and a demo takes seconds, not minutes.
Everything shown comes from lab observations (commands in the nodes, captures), so offline mode
replays the same outputs.
"""
from __future__ import annotations

import json
import re
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field

from helpers.display import Terminal
from helpers.errors import InputError
from helpers.lab import Lab
from helpers.lab.experiment import LabExperiment
from helpers.lab.backends import find_tool
from helpers.lab.topology import LabError
from helpers.sim.loadbalancer import (Condition, a_an, FixedResponse, Forward, HealthCheck, LoadBalancer, Redirect,
                                      Stickiness, Table, Target, path)

LAB_NAME = "10-load-balancer"
CLIENT_IP = "203.0.113.10"
FRONT_IP = "203.0.113.1"  # the load balancer's public side
BACK_IP = "10.0.1.1"  # its private side, facing the servers
BACKENDS = {  # name: (address, the AZ the model puts it in)
    "web1": ("10.0.1.11", "a"),
    "web2": ("10.0.1.12", "a"),
    "web3": ("10.0.1.13", "b"),
    "api1": ("10.0.1.21", "a"),
    "api2": ("10.0.1.22", "b"),
}
WEB = ("web1", "web2", "web3")
API = ("api1", "api2")
LAB_CLOCK = 0.02  # lab seconds per AWS second for health checks: 10 s -> 200 ms
STATS_URL = "http://127.0.0.1:8404/stats;csv"
CERT_NAME = "site.pem"

WEB_ROUTES = {
    "/": {"status": 200, "body": "Hello from {name}\n",
          "headers": {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-cache"}},
    "/health": {"status": 200, "body": "OK\n", "headers": {"Content-Type": "text/plain"}},
    "*": {"status": 404, "body": "Not Found on {name}\n", "headers": {"Content-Type": "text/plain"}},
}
API_ROUTES = {"*": {"status": 200, "body": "API answer from {name}\n", "headers": {"Content-Type": "text/plain"}}}
ANSWER = re.compile(r"(?:Hello from|API answer from|Not Found on) (\w+)")


# ---------------------------------------------------------------------------- model -> haproxy.cfg

def _regex(pattern: str, *, inside: str = ".") -> str:
    """An AWS wildcard pattern as an anchored regular expression ('*' any run, '?' one character)."""
    body = "".join(f"{inside}*" if c == "*" else inside if c == "?" else re.escape(c) for c in pattern)
    return f"^{body}$"


def _quote(text: str) -> str:
    if "'" in text:
        raise InputError(f"the pattern {text!r} contains a quote, which the HAProxy translation cannot carry.")
    return f"'{text}'"  # single quotes: HAProxy passes the text through untouched


def _acl(condition: Condition) -> str:
    """One rule condition as an HAProxy ACL expression (values are ORed, as in AWS)."""
    values = condition.values
    if condition.field == "path-pattern":
        return "path -m reg " + " ".join(_quote(_regex(v)) for v in values)
    if condition.field == "host-header":
        return "req.hdr(host),field(1,:) -m reg -i " + " ".join(_quote(_regex(v)) for v in values)
    if condition.field == "http-header":
        return f"req.hdr({condition.name}) -m reg -i " + " ".join(_quote(_regex(v)) for v in values)
    if condition.field == "http-request-method":
        return "method " + " ".join(values)
    if condition.field == "query-string":
        parts = []
        for value in values:
            key, _, wanted = value.rpartition("=")
            key_re = _regex(key, inside="[^&=]")[1:-1] if key else "[^&=]*"
            parts.append(_quote(f"(^|&){key_re}={_regex(wanted, inside='[^&]')[1:-1]}(&|$)"))
        return "query -m reg -i " + " ".join(parts)
    return "src " + " ".join(values)


def _backend_for(action) -> str:
    """The backend an action becomes. Fixed responses and redirects get small backends of their
    own, so every rule is a use_backend line and the first match wins, as with AWS priorities
    (HAProxy would run http-request lines in a frontend before any use_backend)."""
    if isinstance(action, Forward):
        return action.target_group
    if isinstance(action, FixedResponse):
        return f"fixed-{action.status}"
    if isinstance(action, Redirect):
        if action.port != 443 or action.protocol != "HTTPS":
            raise InputError("the HAProxy translation redirects to HTTPS on port 443 only.")
        return f"redirect-https-{action.status}"
    raise InputError(f"unknown action {action!r}.")


def _answer_backend(action) -> list[str]:
    name = _backend_for(action)
    if isinstance(action, FixedResponse):
        return [f"backend {name}    # fixed response: no target involved", "    mode http",
                f"    http-request return status {action.status}", ""]
    return [f"backend {name}    # redirect: no target involved", "    mode http",
            f"    http-request redirect scheme https code {action.status}", ""]


def _ms(seconds: float, clock: float) -> str:
    return f"{max(1, round(seconds * clock * 1000))}ms"


def haproxy_config(balancer: LoadBalancer, *, clock: float = LAB_CLOCK) -> str:
    """haproxy.cfg for a modelled ALB (or NLB with TCP listeners): each model part becomes the
    HAProxy line that does the same job, with a comment naming the part.

    clock scales the health check times (1 = AWS's real seconds).
    """
    if not isinstance(balancer, LoadBalancer):
        raise InputError("haproxy_config() takes a LoadBalancer model, like lab.model().")
    kind = balancer.type
    if kind.key not in ("alb", "nlb", "clb"):
        raise InputError(f"HAProxy stands in for ALB, NLB and CLB in this lab, not for {a_an(kind.name)}.")
    if not balancer.listeners:
        raise InputError(f"{balancer.name} has no listener yet, so HAProxy would have nothing to listen on.")
    lines = [f"# haproxy.cfg written from the model of '{balancer.name}' ({kind.name})",
             "global", "    maxconn 256", "",
             "defaults", "    timeout connect 2s", "    timeout client 10s", "    timeout server 10s", ""]
    used: list[str] = []
    for listener in balancer.listeners.values():
        layer7 = listener.protocol in ("HTTP", "HTTPS")
        tls = listener.protocol in kind.tls_listeners
        lines.append(f"frontend {listener.protocol.lower()}-{listener.port}    # listener {listener.label}")
        lines.append(f"    mode {'http' if layer7 else 'tcp'}")
        lines.append(f"    bind :{listener.port}" + (f" ssl crt {CERT_NAME}    # TLS ends here" if tls else ""))
        if layer7:
            # Append the client's address to X-Forwarded-For (or start the header), as an ALB does.
            lines.append('    http-request set-header X-Forwarded-For "%[req.fhdr(x-forwarded-for)], %[src]" '
                         'if { req.fhdr(x-forwarded-for) -m found }')
            lines.append("    http-request set-header X-Forwarded-For %[src] unless { req.fhdr(x-forwarded-for) -m found }")
            lines.append(f"    http-request set-header X-Forwarded-Proto {listener.protocol.lower()}")
            lines.append(f"    http-request set-header X-Forwarded-Port {listener.port}")
        for rule in listener.rules:
            names = []
            for number, condition in enumerate(rule.conditions, start=1):
                name = f"rule{rule.priority}_{number}"
                names.append(name)
                lines.append(f"    acl {name} {_acl(condition)}")
            lines.append(f"    use_backend {_backend_for(rule.action)} if {' '.join(names)}    # {rule.describe()}")
        lines.append(f"    default_backend {_backend_for(listener.default)}    # default rule")
        for action in [r.action for r in listener.rules] + [listener.default]:
            if action not in used:
                used.append(action)
        lines.append("")
    balance = {"round_robin": "roundrobin", "least_outstanding_requests": "leastconn", "flow_hash": "source"}
    for action in used:
        if not isinstance(action, Forward):
            lines += _answer_backend(action)
            continue
        name = action.target_group
        group = balancer.target_groups[name]
        layer7 = group.protocol in ("HTTP", "HTTPS")
        check = group.health_check
        lines.append(f"backend {name}    # target group {name}")
        lines.append(f"    mode {'http' if layer7 else 'tcp'}")
        lines.append(f"    balance {balance[group.algorithm]}")
        if check.protocol in ("HTTP", "HTTPS"):
            lines.append(f"    option httpchk GET {check.path}    # health check path")
            codes = " ".join(str(c) for c in check.success_codes)
            lines.append(f"    http-check expect status {codes}" if len(check.success_codes) == 1
                         else f"    http-check expect rstatus ^({'|'.join(codes.split())})$")
        # The timeout is not sped up like the interval: a busy lab machine may answer slowly.
        lines.append(f"    timeout check {max(check.timeout * clock, 2.0):g}s    # health check timeout")
        lines.append(f"    default-server inter {_ms(check.interval, clock)} fall {check.unhealthy_threshold} "
                     f"rise {check.healthy_threshold}    # interval, unhealthy and healthy thresholds")
        if group.stickiness and kind.sticky_cookie:
            lines.append(f"    cookie {kind.sticky_cookie} insert indirect nocache "
                         f"attr \"Max-Age={group.stickiness.duration}\"    # stickiness")
        for target in group.targets:
            cookie = f" cookie {target.id}" if group.stickiness and kind.sticky_cookie else ""
            lines.append(f"    server {target.id} {target.ip}:{target.port} check{cookie}")
        lines.append("")
    lines += ["listen stats    # HAProxy's own status page, for watching the health checks",
              "    bind 127.0.0.1:8404", "    mode http", "    stats enable", "    stats uri /stats", ""]
    return "\n".join(lines)


def l4_config() -> str:
    """HAProxy as a layer-4 balancer: it forwards TCP connections and never reads the requests."""
    servers = "\n".join(f"    server {name} {BACKENDS[name][0]}:80 check" for name in WEB)
    return (f"# HAProxy at layer 4: mode tcp balances connections, not requests\n"
            f"global\n    maxconn 256\n\n"
            f"defaults\n    timeout connect 2s\n    timeout client 10s\n    timeout server 10s\n\n"
            f"frontend tcp-80\n    mode tcp\n    bind :80\n    default_backend web\n\n"
            f"backend web\n    mode tcp\n    balance roundrobin\n"
            f"    default-server inter 200ms fall 2 rise 2\n{servers}\n\n"
            f"listen stats\n    bind 127.0.0.1:8404\n    mode http\n    stats enable\n    stats uri /stats\n")


def nat_balancer_rules(port: int = 8080) -> str:
    """An NLB-like balancer in nftables: it rewrites each new connection's destination (DNAT) and
    forwards packets, so the server sees the client's own address."""
    targets = ", ".join(f"{i} : {BACKENDS[name][0]}" for i, name in enumerate(WEB))
    return (f"table ip nlb {{\n"
            f"  chain prerouting {{\n"
            f"    type nat hook prerouting priority dstnat;\n"
            f"    tcp dport {port} dnat to numgen inc mod {len(WEB)} map {{ {targets} }} : 80\n"
            f"  }}\n"
            f"}}")


# ---------------------------------------------------------------------------- results

class ConfigText(str):
    """A config file's text; shown as the file."""

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        import html

        return f"<pre style='line-height:1.3'>{html.escape(str(self))}</pre>"


@dataclass
class Observed:
    """Requests the client sent and which server answered each."""

    result: object  # the CommandResult of the client's loop
    sequence: list[str]

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(self.sequence)
        ordered = {name: found[name] for name in BACKENDS if found[name]}
        ordered.update({name: n for name, n in found.items() if name not in ordered})
        return ordered

    def _summary(self) -> str:
        counts = ", ".join(f"{name} {n}" for name, n in self.counts.items() if name != "?")
        unnamed = self.sequence.count("?")
        if unnamed:
            counts += (", " if counts else "") + f"{unnamed} answer{'s' if unnamed > 1 else ''} naming no server"
        return counts

    def __repr__(self) -> str:
        return f"{self.result!r}\n-> answered by: {self._summary()}"

    def _repr_html_(self) -> str:
        import html

        return self.result._repr_html_() + f"<p>→ answered by: <b>{html.escape(self._summary())}</b></p>"


@dataclass
class Seen:
    """What one backend reported about a request (its /whoami answer)."""

    result: object
    info: dict = field(default_factory=dict)

    @property
    def server(self):
        return self.info.get("server")

    @property
    def client(self):
        return self.info.get("client")

    @property
    def forwarded_for(self):
        return self.info.get("x_forwarded_for")

    def __repr__(self) -> str:
        return repr(self.result)

    def _repr_html_(self) -> str:
        return self.result._repr_html_()


@dataclass
class States:
    """Each server's state as HAProxy's status page reports it."""

    result: object
    states: dict[str, str]

    def __repr__(self) -> str:
        return repr(self.result)

    def _repr_html_(self) -> str:
        return self.result._repr_html_()


# ---------------------------------------------------------------------------- the lab

class LoadBalancerLab(LabExperiment):
    """The lab network with its servers; HAProxy configs come and go with run_haproxy()."""

    def __init__(self, name: str = LAB_NAME):
        lab = Lab(name)
        self.lab = lab
        self.client = lab.host("client")
        self.lb = lab.router("lb")
        switch = lab.switch("s1")
        lab.link(self.client, self.lb, ip1=f"{CLIENT_IP}/24", ip2=f"{FRONT_IP}/24")
        lab.link(self.lb, switch, ip1=f"{BACK_IP}/24")
        self.backends = {}
        self.servers = {}
        for backend, (address, _) in BACKENDS.items():
            node = lab.host(backend)
            lab.link(node, switch, ip1=f"{address}/24")
            node.default_route(BACK_IP)  # replies to NAT-balanced connections go back through lb
            self.backends[backend] = node
            self.servers[backend] = node.serve_http(80, routes=self._routes(backend))
        self.haproxy = None
        self.config: ConfigText | None = None
        self._nat_port: int | None = None

    @staticmethod
    def _routes(backend: str) -> dict:
        return API_ROUTES if backend in API else WEB_ROUTES

    # -- lifecycle (start, stop, with, recipe and draw come from LabExperiment) -------------------
    def _stopping(self) -> None:
        self.haproxy = None

    # -- the model of this lab ----------------------------------------------------------------
    def model(self, *, sticky: bool = False, https: bool = False, algorithm: str = "round_robin") -> LoadBalancer:
        """This lab as an Application Load Balancer: web and api target groups, /api/* to api.

        The model's nodes in AZs a and b use the lb's private address; a client pinned to the node
        in AZ a (simulate(..., az="a")) is what the lab's single HAProxy is.
        """
        alb = LoadBalancer("lab-alb", "alb", azs=("a", "b"), node_ips={"a": BACK_IP, "b": "10.0.1.2"})
        check = HealthCheck(path="/health", interval=10, timeout=5, healthy_threshold=2, unhealthy_threshold=2)
        alb.add_target_group("web", [Target(n, BACKENDS[n][0], BACKENDS[n][1]) for n in WEB],
                             health_check=check, stickiness=Stickiness(86400) if sticky else None,
                             algorithm=algorithm)
        alb.add_target_group("api", [Target(n, BACKENDS[n][0], BACKENDS[n][1]) for n in API],
                             health_check=check, algorithm=algorithm)
        if https:
            alb.add_listener("HTTP", 80, redirect="HTTPS:443")
            listener = alb.add_listener("HTTPS", 443, default="web", certificate="lab-cert")
        else:
            listener = alb.add_listener("HTTP", 80, default="web")
        listener.add_rule(10, [path("/api/*")], forward="api")
        return alb

    # -- HAProxy ------------------------------------------------------------------------------
    def run_haproxy(self, config) -> ConfigText:
        """(Re)start HAProxy with a model (translated to haproxy.cfg) or a config text."""
        text = haproxy_config(config) if isinstance(config, LoadBalancer) else config
        if not isinstance(text, str) or "frontend" not in text:
            raise InputError("run_haproxy() takes a LoadBalancer model or the text of an haproxy.cfg.")
        ports = [int(p) for p in re.findall(r"^\s*bind \S*:(\d+)", text, flags=re.M) if p != "8404"]
        if not ports:
            raise InputError("the config binds no port; add a 'bind :80' line to a frontend.")
        if self.lab.mode.live and not find_tool("haproxy"):
            raise LabError("HAProxy is not installed; install the haproxy package (apt install haproxy) "
                           "for the live load balancer, or run the lesson offline.")
        if self.haproxy is not None:
            self.haproxy.stop()
            self.haproxy = None
        workdir = self.lab.workdir
        if " ssl crt " in text:
            self._certificate(workdir)
        self.lab.write_file("haproxy.cfg", text)
        # -C: read files relative to the lab's folder, so the config names them without a path.
        self.haproxy = self.lb.start(["haproxy", "-C", str(workdir), "-f", "haproxy.cfg", "-db"],
                                     name="haproxy", wait_port=ports[0], display="haproxy -f haproxy.cfg -db")
        self.config = ConfigText(text)
        if self.lab.mode.live:
            for port in ports[1:]:
                self.lab._wait_port(self.haproxy, port, False)
        return self.config

    def _certificate(self, workdir) -> None:
        """A throw-away self-signed certificate for the HTTPS listener (made once per lab run)."""
        target = workdir / CERT_NAME
        if target.exists() or not self.lab.mode.live:
            return
        openssl = find_tool("openssl")
        if not openssl:
            raise LabError("the HTTPS experiment needs the openssl command to make a test certificate; "
                           "install the openssl package.")
        key, cert = workdir / "site.key", workdir / "site.crt"
        done = subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                               "-nodes", "-keyout", str(key), "-out", str(cert), "-subj", "/CN=shop.example",
                               "-days", "2"], capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            raise LabError(f"openssl could not make the test certificate: {done.stderr.strip()[-200:]}")
        target.write_text(cert.read_text() + key.read_text())

    def stop_haproxy(self) -> None:
        if self.haproxy is not None:
            self.haproxy.stop()
            self.haproxy = None

    # -- backends -----------------------------------------------------------------------------
    def _backend(self, name: str):
        if name not in self.backends:
            raise InputError(f"there is no backend {name!r}; the backends are {', '.join(self.backends)}.")
        return self.backends[name]

    def stop_backend(self, name: str) -> None:
        """Stop a backend's web server (the machine stays up; its port 80 now refuses connections)."""
        self._backend(name)
        self.servers[name].stop()

    def start_backend(self, name: str) -> None:
        node = self._backend(name)
        if self.servers[name].alive:
            return
        self.servers[name] = node.serve_http(80, routes=self._routes(name))

    # -- the client ---------------------------------------------------------------------------
    def _url(self, port: int, https: bool) -> str:
        scheme = "https" if https else "http"
        default = 443 if https else 80
        return f"{scheme}://{FRONT_IP}" + ("" if port == default else f":{port}")

    def requests(self, n: int = 6, *, path: str = "/", paths: list[str] | None = None, cookie: str | None = None,
                 port: int | None = None, https: bool = False, keepalive: bool = False) -> Observed:
        """Send requests from the client one after another (one shell loop) and count who answered.

        paths cycles through several paths; cookie sends a cookie ('AWSALB=web2'); keepalive sends
        them all over one TCP connection (one curl with n URLs) instead of one connection each.
        """
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 200:
            raise InputError(f"n={n!r}: send between 1 and 200 requests.")
        port = port or (443 if https else 80)
        base = self._url(port, https)
        curl = "curl -s" + (" -k" if https else "") + (f" -b {cookie}" if cookie else "")
        if cookie is not None and not re.fullmatch(r"[A-Za-z0-9_-]+=[A-Za-z0-9_.-]+", cookie):
            raise InputError(f"cookie {cookie!r} should look like 'AWSALB=web2'.")
        if paths:
            for p in paths:
                if not re.fullmatch(r"/[A-Za-z0-9/_.?=&-]*", p):
                    raise InputError(f"path {p!r} should start with '/' and use plain characters.")
            chosen = [paths[i % len(paths)] for i in range(n)]
        else:
            if not re.fullmatch(r"/[A-Za-z0-9/_.?=&-]*", path):
                raise InputError(f"path {path!r} should start with '/' and use plain characters.")
            chosen = [path] * n
        if keepalive:
            command = f"{curl} " + " ".join(f"'{base}{p}'" for p in chosen)
        elif paths:
            command = f"for p in {' '.join(chosen)}; do {curl} '{base}'$p; done"
        else:
            command = f"for i in $(seq {n}); do {curl} '{base}{path}'; done"
        result = self.client.run(command, timeout=30)
        sequence = []
        for line in result.output.splitlines():
            match = ANSWER.search(line)
            sequence.append(match[1] if match else "?")
        return Observed(result, sequence)

    def visit(self, *, cookie: str | None = None):
        """One request showing the answer's status line, any Set-Cookie, and who answered."""
        if cookie is not None and not re.fullmatch(r"[A-Za-z0-9_-]+=[A-Za-z0-9_.-]+", cookie):
            raise InputError(f"cookie {cookie!r} should look like 'AWSALB=web2'.")
        sends = f" -b {cookie}" if cookie else ""
        return self.client.run(f"curl -s -i{sends} '{self._url(80, False)}/' | grep -i -e '^http/' -e '^set-cookie' "
                               f"-e ' from '", timeout=15)

    def whoami(self, *, port: int | None = None, https: bool = False, forwarded_for: str | None = None) -> Seen:
        """Ask a backend, through the load balancer, what it saw of the client."""
        port = port or (443 if https else 80)
        command = "curl -s" + (" -k" if https else "")
        if forwarded_for is not None:
            command += f" -H 'X-Forwarded-For: {forwarded_for}'"
        command += f" '{self._url(port, https)}/whoami'"
        result = self.client.run(command, timeout=15)
        try:
            info = json.loads(result.output.strip().splitlines()[-1])
        except (IndexError, ValueError):
            info = {}
        return Seen(result, info)

    # -- watching HAProxy ---------------------------------------------------------------------
    def server_states(self, *, wait_for: tuple[str, str] | None = None, timeout: float = 5.0) -> States:
        """The servers' states on HAProxy's status page; wait_for=("web2", "DOWN") first polls
        (inside the lb node) until that server reaches that state."""
        # Columns 1, 2, 18 and 37 of the CSV: group, server, status, last check ("* " marks one running).
        table = (f"curl -s '{STATS_URL}' | awk -F, 'NR > 1 && $2 !~ /FRONTEND|BACKEND/ "
                 f"{{sub(/^[*] /, \"\", $37); printf \"%-5s %-6s %-5s %s\\n\", $1, $2, $18, $37}}'")
        tries = max(1, int(timeout / 0.05))
        if wait_for is not None:
            server, state = wait_for
            if server not in self.backends or state not in ("UP", "DOWN"):
                raise InputError("wait_for should name a backend and 'UP' or 'DOWN', like ('web2', 'DOWN').")
            group = "api" if server in API else "web"
            wait = f"grep -q '^{group},{server},.*,{state},' && break"
        else:  # wait until every server has had its first check and none is between states
            wait = "grep -q -E ',(INI|[*] INI|UP [0-9]+/[0-9]+|DOWN [0-9]+/[0-9]+),' || break"
        command = f"for i in $(seq {tries}); do curl -s '{STATS_URL}' | {wait}; sleep 0.05; done\n{table}"
        result = self.lb.run(command, timeout=timeout + 10)
        states = {}
        for line in result.output.splitlines():
            parts = line.split()
            if len(parts) >= 3:
                states[parts[1]] = parts[2]
        if wait_for is not None and states.get(wait_for[0]) != wait_for[1]:
            raise LabError(f"{wait_for[0]} did not become {wait_for[1]} within {timeout:g} s; "
                           f"look at lab.haproxy.log().")
        return States(result, states)

    def health_checks_seen(self, backend: str = "web1", *, seconds: float = 0.6) -> Table:
        """Capture at a backend for a moment and list the requests that arrived (the health checks)."""
        node = self._backend(backend)
        with self.lab.capture(f"{node.name}:eth0", filter="tcp dst port 80") as capture:
            if self.lab.mode.live:
                time.sleep(seconds)
        return _request_lines(capture, title=f"requests arriving at {backend} while no client sends anything")

    def tls_evidence(self) -> Table:
        """One HTTPS request: what travels readable on each side of the load balancer."""
        points = ["client:eth0"] + [f"{name}:eth0" for name in WEB]
        with self.lab.capture(*points, filter="tcp port 80 or tcp port 443") as capture:
            self.client.run(f"curl -s -k 'https://{FRONT_IP}/whoami'", timeout=15)
        rows = []
        for point in points:
            packets = [p.packet for p in capture.at(point)]
            data = [p for p in packets if _payload(p)]
            if point != "client:eth0" and not any(b"/whoami" in _payload(p) for p in data):
                continue  # a backend that only saw health checks
            ports = sorted({_server_port(p) for p in packets})
            readable = next((_payload(p).split(b"\r\n", 1)[0].decode(errors="replace") for p in data
                             if _payload(p).startswith(b"GET /whoami")), None)
            rows.append([point, ", ".join(str(p) for p in ports),
                         readable or "nothing: only encrypted TLS records"])
        return Table(["seen at", "server port", "request readable on the wire"], rows,
                     title="One HTTPS request, captured on both sides of the load balancer", wrap=40)

    # -- an NLB-like balancer in the kernel -----------------------------------------------------
    def nat_balancer(self, port: int = 8080) -> ConfigText:
        """Add an L4 packet balancer (nftables DNAT, round robin) on `port`: an NLB-like forwarder."""
        if isinstance(port, bool) or not isinstance(port, int) or not 1024 <= port <= 65535 or port in (8404,):
            raise InputError("pick a port from 1024 to 65535 for the NAT balancer (8404 is HAProxy's status page).")
        if self._nat_port is not None:
            raise InputError(f"the NAT balancer already runs on port {self._nat_port}.")
        rules = nat_balancer_rules(port)
        self.lb.nft(rules)
        self._nat_port = port
        return ConfigText(rules)


def _payload(packet) -> bytes:
    from scapy.layers.inet import TCP

    return bytes(packet[TCP].payload) if TCP in packet else b""


def _server_port(packet) -> int:
    from scapy.layers.inet import TCP

    tcp = packet[TCP]
    return tcp.dport if tcp.dport in (80, 443) else tcp.sport


def _request_lines(capture, *, title: str) -> Table:
    from scapy.layers.inet import IP

    found: list[tuple[str, str]] = []
    for seen in capture:
        payload = _payload(seen.packet)
        if payload[:4] in (b"GET ", b"HEAD", b"POST", b"OPTI"):
            row = (seen.packet[IP].src, payload.split(b"\r\n", 1)[0].decode(errors="replace"))
            if row not in found:
                found.append(row)
    return Table(["from", "request"], [list(r) for r in found] or [["-", "(none)"]], title=title)
