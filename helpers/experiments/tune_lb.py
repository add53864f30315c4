"""The tune-load-balancer mission (labs/tune-load-balancer): fix and tune a real HAProxy, model first.

The lab is lesson 10's (``helpers.experiments.l10.LoadBalancerLab``, here under the name
"lab-tune-load-balancer"): a client on the internet, HAProxy in the ``lb`` node standing in for an
Application Load Balancer, three web servers and two API servers behind it. The learner inherits
a badly set-up load balancer, as an AWS-style model (``world.alb``, helpers.sim.loadbalancer), and
changes the model; ``world.apply()`` writes the haproxy.cfg the model stands for and restarts
HAProxy with it. Four steps, each checked on the model *and* on the live lab:

1. health checks that pass: the web target group checks ``/healthz``, which the servers answer with
   404, so HAProxy takes every web server out (and, unlike an ALB, which fails open, answers 503);
2. failures noticed in time: a dead server out within 30 s, back within 60 s after it recovers,
   and never out for a single lost check; live, a web server is stopped and started again;
3. path routing: ``/api/*`` to the API servers, without catching web pages like ``/api-guide.html``;
4. stickiness for the shopping carts (the web tier only, at least an hour).

    world = TuneWorld.fresh()
    mission = tune_mission(world)
    web = world.alb.target_groups["web"]
    web.health_check = HealthCheck(path="/health", ...)
    world.apply()
    mission.check(1)

Offline, the lab replays what the notebook recorded when it was built; the model checks work the
same everywhere.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from helpers.checks import Feedback
from helpers.errors import InputError
from helpers.experiments import l10
from helpers.lab.topology import LabError
from helpers.missions import Mission, Step, not_yet, passed
from helpers.sim.loadbalancer import HealthCheck, LoadBalancer, Request, Target, path

LAB_NAME = "lab-tune-load-balancer"
SOLUTIONS_FILE = Path("labs/tune-load-balancer/solutions/solution.py")
CLOCK = l10.LAB_CLOCK            # one lab second is 1/CLOCK AWS seconds for health checks

# The brief.
MAX_OUT = 30                     # a dead server leaves the rotation within 30 s ...
MAX_BACK = 60                    # ... and a recovered one is back within 60 s
MIN_STICKY = 3600                # carts live an hour
API_PATHS = ("/api/orders", "/api/users/7")
WEB_PATHS = ("/", "/api-guide.html")   # the second is a web page that merely starts with "/api"
PATH_PROBES = ("/api/orders", "/api-guide.html", "/")
VICTIM = "web2"                  # the server step 2 stops and starts again


def web_status(url_path: str) -> int:
    """What the lab's web servers answer for a path (from lesson 10's routes)."""
    route = l10.WEB_ROUTES.get(url_path) or l10.WEB_ROUTES["*"]
    return int(route["status"])


def initial_model() -> LoadBalancer:
    """The load balancer as the previous admin left it."""
    alb = LoadBalancer("shop-alb", "alb", azs=("a", "b"), node_ips={"a": l10.BACK_IP, "b": "10.0.1.2"})
    targets = {name: Target(name, address, az) for name, (address, az) in l10.BACKENDS.items()}
    alb.add_target_group("web", [targets[n] for n in l10.WEB],
                         health_check=HealthCheck(path="/healthz", interval=30, timeout=5, healthy_threshold=10,
                                                  unhealthy_threshold=10))
    alb.add_target_group("api", [targets[n] for n in l10.API],
                         health_check=HealthCheck(path="/health", interval=10, timeout=5, healthy_threshold=2,
                                                  unhealthy_threshold=2))
    listener = alb.add_listener("HTTP", 80, default="web")
    listener.add_rule(10, [path("/api")], forward="api")
    return alb


# ---------------------------------------------------------------------------- what HAProxy says

STATS_COMMAND = (
    # wait (up to 3 s) until every server has had its first health check, then print one line each:
    # target group, server, state, last check, HTTP code of the last check
    f"for i in $(seq 60); do curl -s '{l10.STATS_URL}' | awk -F, 'NR > 1 && $2 !~ /FRONTEND|BACKEND/ "
    f"&& $37 ~ /INI/ {{n++}} END {{exit n > 0}}' && break; sleep 0.05; done\n"
    f"curl -s '{l10.STATS_URL}' | awk -F, 'NR > 1 && $2 !~ /FRONTEND|BACKEND/ "
    f"{{sub(/^[*] /, \"\", $37); printf \"%-4s %-5s %-5s %-6s %s\\n\", $1, $2, $18, $37, $38}}'")


class ServerTable:
    """HAProxy's view of each server: state and last health check."""

    def __init__(self, result):
        self.result = result
        self.rows: dict[str, tuple[str, str, str, str]] = {}
        for line in result.output.splitlines():
            parts = line.split()
            if len(parts) >= 4:
                group, server, state, check = parts[:4]
                code = parts[4] if len(parts) > 4 else ""
                self.rows[server] = (group, state, check, code)

    def state(self, server: str) -> str:
        return self.rows.get(server, ("", "?", "", ""))[1]

    def check(self, server: str) -> str:
        _, _, check, code = self.rows.get(server, ("", "", "?", ""))
        return f"{check} {code}".strip()

    def __repr__(self) -> str:
        return repr(self.result)

    def _repr_html_(self) -> str:
        return self.result._repr_html_()


# ---------------------------------------------------------------------------- the world

class TuneWorld:
    """The live lab, the model the learner changes, and what was last applied to HAProxy."""

    def __init__(self, lab: l10.LoadBalancerLab, alb: LoadBalancer, *, owns_lab: bool = True):
        self.lab = lab
        self.alb = alb
        self.owns_lab = owns_lab

    @classmethod
    def fresh(cls, shared: l10.LoadBalancerLab | None = None) -> "TuneWorld":
        """A new world: the lab started (or a shared one reset) and HAProxy running the initial model.

        shared: an already started lab to reuse (tests replaying many worlds); its servers are all
        started again and it stays up when the world closes.
        """
        if shared is None:
            lab = l10.LoadBalancerLab(name=LAB_NAME)
            lab.start()
        else:
            lab = shared
            for name in l10.BACKENDS:
                lab.start_backend(name)
        world = cls(lab, initial_model(), owns_lab=shared is None)
        try:
            world.apply()
        except Exception:
            world.close()
            raise
        return world

    def apply(self) -> l10.ConfigText:
        """Write haproxy.cfg from the model and restart HAProxy with it (what changing the ALB does)."""
        if not isinstance(self.alb, LoadBalancer):
            raise InputError("world.alb should be the LoadBalancer model; start again with TuneWorld.fresh() "
                             "if it was replaced.")
        running = self.lab.haproxy
        if running is not None and running.alive and self.applied():
            return self.lab.config  # nothing changed: HAProxy keeps running, as an unchanged ALB does
        return self.lab.run_haproxy(self.alb)

    @property
    def config(self) -> l10.ConfigText | None:
        """The haproxy.cfg HAProxy runs now."""
        return self.lab.config

    def applied(self) -> bool:
        return self.lab.config is not None and str(self.lab.config) == l10.haproxy_config(self.alb)

    def servers(self) -> ServerTable:
        """Each server's state and last health check, from HAProxy's status page."""
        return ServerTable(self.lab.lb.run(STATS_COMMAND, timeout=15))

    def requests(self, n: int = 6, *, paths: list[str] | None = None, cookie: str | None = None) -> l10.Observed:
        """n requests from the client, one line each (the first line of each answer), counted per server.

        paths cycles through several paths; cookie sends a cookie, like 'AWSALB=web2'.
        """
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 50:
            raise InputError(f"n={n!r}: send between 1 and 50 requests.")
        if cookie is not None and not re.fullmatch(r"[A-Za-z0-9_-]+=[A-Za-z0-9_.-]+", cookie):
            raise InputError(f"cookie {cookie!r} should look like 'AWSALB=web2'.")
        chosen = [(paths or ["/"])[i % len(paths or ["/"])] for i in range(n)]
        for url_path in chosen:
            if not isinstance(url_path, str) or not re.fullmatch(r"/[A-Za-z0-9/_.-]*", url_path):
                raise InputError(f"path {url_path!r} should start with '/' and use plain characters.")
        curl = "curl -s" + (f" -b {cookie}" if cookie else "")
        if paths:
            command = f"for p in {' '.join(chosen)}; do {curl} 'http://{l10.FRONT_IP}'$p | head -n 1; done"
        else:
            command = f"for i in $(seq {n}); do {curl} 'http://{l10.FRONT_IP}/' | head -n 1; done"
        result = self.lab.client.run(command, timeout=30)
        sequence = []
        for line in result.output.splitlines():
            match = l10.ANSWER.search(line)
            sequence.append(match[1] if match else "?")
        return l10.Observed(result, sequence)

    def close(self) -> None:
        # A shared lab (tests) stays up, HAProxy included: the next world restarts it only if its
        # configuration differs.
        if self.owns_lab:
            self.lab.stop()

    def __repr__(self) -> str:
        return (f"client {l10.CLIENT_IP} → HAProxy (lb, {l10.FRONT_IP}) → web1 web2 web3 (web target group), "
                f"api1 api2 (api target group) on 10.0.1.0/24")


# ---------------------------------------------------------------------------- checks

def _not_applied(world: TuneWorld) -> Feedback | None:
    if not world.applied():
        return not_yet("the model looks right, but HAProxy still runs the config of an older model: run "
                       "world.apply() to write the new haproxy.cfg and restart HAProxy.")
    return None


def _web(world: TuneWorld):
    group = world.alb.target_groups.get("web")
    if group is None:
        raise InputError("the model has no target group 'web' any more; start again with TuneWorld.fresh().")
    return group


def check_health(world: TuneWorld):
    check = _web(world).health_check
    answer = web_status(check.path)
    if answer not in check.success_codes:
        hint = (f"the web target group checks {check.path}, which the web servers answer with {answer}, so every "
                f"check fails and all three are taken out. The servers answer 200 on /health.")
        if world.applied():
            table = world.servers()
            seen = ", ".join(f"{s} {table.state(s)} ({table.check(s)})" for s in l10.WEB)
            hint += f" Live, HAProxy reports: {seen}."
        return not_yet(hint)
    if answer != 200:
        return not_yet(f"the check now counts {answer} as healthy: a server whose application is broken would pass "
                       f"it too. Check a path the servers answer with 200 (/health), and expect 200.")
    if check.path != "/health":
        return not_yet(f"checking {check.path} passes today, but it is the shop's home page, heavy and unaware of "
                       f"the app's own troubles; the developers built /health for the load balancer. Use it.")
    problem = _not_applied(world)
    if problem is not None:  # a Feedback is falsy when not ok
        return problem
    table = world.servers()
    down = [s for s in l10.WEB if not table.check(s).startswith("L7OK")]
    if down:
        return not_yet("the model is right, but HAProxy's checks still fail for "
                       + ", ".join(f"{s} ({table.check(s)})" for s in down) + ".")
    seen = world.requests(6)
    if set(seen.sequence) != set(l10.WEB):
        return not_yet(f"the checks pass, but six requests for / were answered by {seen._summary()}.")
    return passed("every web server passes GET /health (L7OK 200), and HAProxy shares / among web1, web2 and web3.")


def check_timing(world: TuneWorld):
    check = _web(world).health_check
    if isinstance(check.unhealthy_threshold, int) and check.unhealthy_threshold < 2:
        return not_yet("with an unhealthy threshold of 1, a single lost check (a busy moment) takes a healthy "
                       "server out; AWS allows 2 to 10, and 2 is the least.")
    if check.timeout >= check.interval:
        return not_yet(f"the timeout ({check.timeout:g} s) must be shorter than the interval ({check.interval:g} s): "
                       f"a check must end before the next one starts.")
    out = check.time_to_unhealthy()[1]
    back = check.time_to_healthy()[1]
    if out > MAX_OUT:
        return not_yet(f"a dead server stays in rotation for up to {out:g} s ({check.unhealthy_threshold} failures "
                       f"in a row, {check.interval:g} s apart); the brief allows {MAX_OUT} s. Check more often, "
                       f"or take it out after fewer failures.")
    if back > MAX_BACK:
        return not_yet(f"a recovered server waits up to {back:g} s ({check.healthy_threshold} passes, "
                       f"{check.interval:g} s apart) before it gets traffic again; the brief allows {MAX_BACK} s.")
    problem = _not_applied(world)
    if problem is not None:  # a Feedback is falsy when not ok
        return problem
    return _live_failover(world, out, back)


def _live_failover(world: TuneWorld, out: float, back: float):
    lab = world.lab
    # Lab time: the checks run 1/CLOCK times faster than AWS's; allow for a busy machine.
    slack = 2.0
    lab.stop_backend(VICTIM)
    try:
        lab.server_states(wait_for=(VICTIM, "DOWN"), timeout=out * CLOCK + slack)
    except LabError:
        lab.start_backend(VICTIM)
        return not_yet(f"live, HAProxy did not take {VICTIM} out within {out * CLOCK + slack:g} lab seconds after its "
                       f"web server stopped; look at world.servers().")
    during = world.requests(6)
    lab.start_backend(VICTIM)
    try:
        lab.server_states(wait_for=(VICTIM, "UP"), timeout=back * CLOCK + slack)
    except LabError:
        return not_yet(f"live, {VICTIM} did not come back within {back * CLOCK + slack:g} lab seconds after its web "
                       f"server started again; look at world.servers().")
    after = world.requests(6)
    if VICTIM in during.sequence or "?" in during.sequence:
        return not_yet(f"live, while {VICTIM} was down, six requests were answered by {during._summary()}; "
                       f"clients should only see the healthy servers.")
    if VICTIM not in after.sequence:
        return not_yet(f"live, {VICTIM} is UP again but got none of six requests ({after._summary()}).")
    return passed(f"a dead server is out within {out:g} s and back within {back:g} s of recovering; live, HAProxy "
                  f"took {VICTIM} out when its server stopped (clients saw only the others) and put it back after.")


def _group_for(world: TuneWorld, url_path: str) -> str | None:
    return world.alb.route(Request(path=url_path)).target_group


def check_routing(world: TuneWorld):
    for url_path in API_PATHS:
        group = _group_for(world, url_path)
        if group != "api":
            rules = [r for r in world.alb.listeners[80].rules]
            patterns = [v for r in rules for c in r.conditions if c.field == "path-pattern" for v in c.values]
            exact = [p for p in patterns if "*" not in p and "?" not in p]
            if exact:
                return not_yet(f"GET {url_path} goes to {group}: the pattern {exact[0]!r} matches only the path "
                               f"{exact[0]} itself. In a path pattern, '*' stands for any run of characters.")
            return not_yet(f"GET {url_path} goes to the {group} target group; no rule sends it to api.")
    for url_path in WEB_PATHS:
        group = _group_for(world, url_path)
        if group != "web":
            return not_yet(f"GET {url_path} goes to {group}, but it is a page of the web site that merely starts with "
                           f"'/api'; make the pattern stop at the slash: '/api/*'.")
    problem = _not_applied(world)
    if problem is not None:  # a Feedback is falsy when not ok
        return problem
    seen = world.requests(paths=list(PATH_PROBES), n=len(PATH_PROBES))
    got = dict(zip(PATH_PROBES, seen.sequence))
    wrong = [p for p in PATH_PROBES if (got.get(p, "?") in l10.API) != p.startswith("/api/")]
    if wrong:
        return not_yet(f"the model routes right, but live, " + ", ".join(f"{p} was answered by {got.get(p, '?')}"
                                                                          for p in wrong) + ".")
    return passed("the model and HAProxy agree: " + ", ".join(f"{p} → {got[p]}" for p in PATH_PROBES) + ".")


def check_sticky(world: TuneWorld):
    web = _web(world)
    api = world.alb.target_groups["api"]
    if web.stickiness is None:
        if api.stickiness is not None:
            return not_yet("api is sticky now, but the carts live in the web servers' memory: make the web target "
                           "group sticky instead.")
        return not_yet("the web target group is not sticky: a cart lives in one web server's memory, and round "
                       "robin sends the next request to another server, where the cart is empty.")
    if web.stickiness.duration < MIN_STICKY:
        return not_yet(f"a {web.stickiness.duration} s cookie lets a cart jump to another server after that; the "
                       f"brief keeps carts for an hour ({MIN_STICKY} s).")
    if api.stickiness is not None:
        return not_yet("keep api non-sticky: its requests carry no session, and stickiness would pile each client "
                       "onto one API server instead of spreading the load.")
    problem = _not_applied(world)
    if problem is not None:  # a Feedback is falsy when not ok
        return problem
    visit = world.lab.visit()
    if "awsalb=" not in visit.output.lower():
        return not_yet("the model is sticky, but HAProxy's answer sets no AWSALB cookie.")
    pinned = world.requests(6, cookie=f"AWSALB={VICTIM}")
    if set(pinned.sequence) != {VICTIM}:
        return not_yet(f"with the cookie AWSALB={VICTIM}, six requests were answered by {pinned._summary()}; a "
                       f"sticky target group keeps them on {VICTIM}.")
    return passed(f"web sets an AWSALB cookie valid for {web.stickiness.duration} s, and live, six requests carrying "
                  f"AWSALB={VICTIM} all reached {VICTIM}; api still spreads every request.")


MISSION_STEPS = (
    Step("Health checks that pass", "Make the web target group's health check pass on healthy servers: the right "
                                    "path and success code. Then world.apply().", check_health, key="health"),
    Step("Notice failures in time", f"Tune the web health check: a dead server out within {MAX_OUT} s, a recovered "
                                    f"one back within {MAX_BACK} s, never out for one lost check. Live, {VICTIM} is "
                                    f"stopped and started again.", check_timing, key="timing"),
    Step("Route the API", "Send /api/... to the api target group and everything else, including web pages like "
                          "/api-guide.html, to web.", check_routing, key="routing"),
    Step("Sticky carts", f"Keep each shopper on one web server for at least {MIN_STICKY // 3600} hour with a "
                         f"stickiness cookie; the API stays non-sticky.", check_sticky, key="sticky"),
)


def tune_mission(world: TuneWorld | None = None) -> Mission:
    """The mission of labs/tune-load-balancer."""
    return Mission("Tune a load balancer", MISSION_STEPS, target=world, solutions=SOLUTIONS_FILE)


class Brief:
    rows = (
        ("Health", "web servers answer 200 on /health (and on /); every other path is 404"),
        ("Failures", f"a dead server out of rotation within {MAX_OUT} s, back within {MAX_BACK} s after it "
                     f"recovers; one lost check must not take a server out"),
        ("Routing", "/api/... to the API servers; every other path, including /api-guide.html, to the web servers"),
        ("Carts", f"kept in each web server's memory for an hour: shoppers stay on one web server "
                  f"(at least {MIN_STICKY} s); the API is stateless"),
        ("Clock", f"the lab runs health checks {round(1 / CLOCK)}x faster than AWS (10 s → "
                  f"{10 * CLOCK * 1000:g} ms)"),
    )

    def __repr__(self) -> str:
        return "The brief\n" + "\n".join(f"  {k:<9} {v}" for k, v in self.rows)

    def _repr_html_(self) -> str:
        body = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td style='text-align:left'>"
                       f"{html.escape(v)}</td></tr>" for k, v in self.rows)
        return f"<b>The brief</b><table>{body}</table>"


BRIEF = Brief()
