"""Lesson 12's live lab: a real edge cache (nginx) between a client and a far-away origin.

    lab = CdnLab()                       # client -- edge (nginx) --(50 ms each way)-- origin
    lab.start()
    lab.run_nginx()                      # nginx.conf written from the distribution's behaviors
    lab.get("/static/logo.png")          # X-Cache-Status: MISS (fetched from the origin)
    lab.get("/static/logo.png")          # X-Cache-Status: HIT  (served by the edge)
    run = lab.play(SEQUENCE)             # a timed request sequence ...
    run.compare()                        # ... next to what the CDN model predicts for it
    lab.stop()

The network: the client (10.0.1.10) and the edge (10.0.1.1) share a short cable; the edge's other
side (10.0.2.1) reaches the origin (10.0.2.10) over a link with ORIGIN_DELAY_MS of delay each way,
like an edge location in Seoul fetching from a server in another continent. The origin runs the
course's small web server with a static object (Cache-Control: public, max-age=MAX_AGE), a
dynamic page (private, no-store) and an API under /api/. nginx on the edge is a caching reverse
proxy and adds ``X-Cache-Status`` to every answer: HIT, MISS, EXPIRED or BYPASS, the same facts
CloudFront's ``X-Cache`` header reports.

nginx honours the origin's Cache-Control (no header: not cached), like a CloudFront cache policy
with minimum and default TTL 0; a behavior with caching disabled becomes a location that bypasses
the cache. Everything shown comes from lab observations, so offline mode replays the same outputs.
"""
from __future__ import annotations

import html
import re
import statistics
from dataclasses import dataclass

from helpers.errors import InputError
from helpers.lab import Lab
from helpers.lab.experiment import LabExperiment
from helpers.lab import results as R
from helpers.lab.backends import find_tool
from helpers.lab.topology import LabError, require_tool
from helpers.sim.cdn import (CACHING_DISABLED, YEAR, Behavior, CachePolicy, Content, Distribution, EdgeLocation,
                             Origin, Site)
from helpers.sim.loadbalancer import Table

LAB_NAME = "12-cdn"
CLIENT_IP = "10.0.1.10"
EDGE_IP = "10.0.1.1"  # the edge's side facing the users
EDGE_BACK_IP = "10.0.2.1"  # its side facing the origin
ORIGIN_IP = "10.0.2.10"
ORIGIN_DELAY_MS = 50  # one way, on the edge-origin cable: a round trip to the origin is 100 ms
MAX_AGE = 3  # seconds the static object may be cached: short, so expiry shows in a demo
NGINX_TOOL = "nginx"

# The origin's content: path -> (Cache-Control, body, content type, dynamic?)
CONTENT = {
    "/static/logo.png": (f"public, max-age={MAX_AGE}", "(the shop's logo: pretend PNG bytes)\n", "image/png", False),
    "/account.html": ("private, no-store", "<h1>Hello, user 42: your orders</h1>\n", "text/html", True),
    "/api/cart": ("private, no-store", '{"user": 42, "items": 3}\n', "application/json", True),
}

# The demo: (seconds to wait first, path). The static object expires MAX_AGE s after its fetch; nginx
# counts whole seconds, so the pause is 1.5 s longer than that to be sure it has expired.
SEQUENCE = [
    (0, "/static/logo.png"), (0, "/static/logo.png"), (0, "/static/logo.png"),
    (0, "/account.html"), (0, "/account.html"),
    (0, "/api/cart"), (0, "/api/cart"),
    (MAX_AGE + 1.5, "/static/logo.png"), (0, "/static/logo.png"),
]

PLAIN_PATH = re.compile(r"/[A-Za-z0-9/_.-]*")


def _content_rows(content: dict) -> list[tuple[str, tuple]]:
    """The content table's rows, each checked to be (cache_control, body, type, dynamic)."""
    if not isinstance(content, dict):
        raise InputError("content is a dict {path: (cache_control, body, type, dynamic)}.")
    for path, row in content.items():
        if not isinstance(row, tuple) or len(row) != 4:
            raise InputError(f"the content of {path!r} should be (cache_control, body, type, dynamic), like "
                             f"('public, max-age=60', 'hello', 'text/plain', False).")
    return list(content.items())


def _behavior_list(behaviors) -> list:
    """The behaviors, each checked to be a Behavior (a learner may type a bare path pattern)."""
    behaviors = list(behaviors)
    for behavior in behaviors:
        if not isinstance(behavior, Behavior):
            raise InputError(f"{behavior!r} is not a Behavior; make one like Behavior('/api/*', 'origin', CACHING_DISABLED).")
    return behaviors


def origin_routes(content: dict | None = None) -> dict:
    """The origin web server's routes for a {path: (cache_control, body, type, dynamic)} table."""
    routes = {}
    for path, (cache_control, body, kind, _) in _content_rows(content or CONTENT):
        headers = {"Content-Type": kind}
        if cache_control:
            headers["Cache-Control"] = cache_control
        routes[path] = {"status": 200, "body": body, "headers": headers}
    routes["*"] = {"status": 404, "body": "Not Found\n", "headers": {"Content-Type": "text/plain"}}
    return routes


class ConfigText(str):
    """A config file's text; shown as the file."""

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return f"<pre style='line-height:1.3'>{html.escape(str(self))}</pre>"


# ---------------------------------------------------------------------------- behaviors -> nginx.conf

def lab_behaviors() -> list[Behavior]:
    """The lab's distribution: /api/* never cached; everything else as the origin's headers say."""
    return [Behavior("/api/*", "origin", CACHING_DISABLED), Behavior("*", "origin", HONOUR_ORIGIN)]


HONOUR_ORIGIN = CachePolicy(0, 0, YEAR, "UseOriginCacheControlHeaders")


def _location(pattern: str) -> str:
    if pattern == "*":
        return "/"
    if re.fullmatch(r"(/[A-Za-z0-9_.-]+)+/\*", pattern):
        return pattern[:-1]
    raise InputError(f"the nginx edge understands behaviors like '/api/*' (a folder and '*') or '*'; "
                     f"got {pattern!r}.")


def nginx_config(behaviors: list[Behavior] | None = None, *, origin: str = ORIGIN_IP) -> ConfigText:
    """nginx.conf for the edge: one location per behavior; caching disabled -> the cache is bypassed.

    Paths are relative to nginx's prefix (-p), the lab's private folder."""
    behaviors = _behavior_list(behaviors) if behaviors is not None else lab_behaviors()
    if not behaviors or behaviors[-1].pattern != "*":
        raise InputError("the last behavior must be the default one, with pattern '*'.")
    lines = [f"# nginx.conf: an edge location, a caching reverse proxy in front of the origin {origin}",
             "user root;                 # the lab's private folder belongs to root",
             "worker_processes 1;", "daemon off;", "pid nginx.pid;",
             "events { worker_connections 64; }", "",
             "http {",
             "    access_log off;",
             "    client_body_temp_path tmp/body;", "    proxy_temp_path tmp/proxy;",
             "    fastcgi_temp_path tmp/fastcgi;", "    uwsgi_temp_path tmp/uwsgi;", "    scgi_temp_path tmp/scgi;",
             "    # the edge's cache: up to 10 MB on disk, its keys in 1 MB of shared memory",
             "    proxy_cache_path cache levels=1:2 keys_zone=edge:1m max_size=10m inactive=10m use_temp_path=off;",
             "",
             "    server {",
             "        listen 80;",
             "        # HIT, MISS, EXPIRED, BYPASS: what the cache did (CloudFront's X-Cache says the same)",
             "        add_header X-Cache-Status $upstream_cache_status always;",
             "        proxy_cache_key $request_uri;"]
    seen = set()
    for behavior in _behavior_list(behaviors):
        where = _location(behavior.pattern)
        if where in seen:
            raise InputError(f"two behaviors have the path pattern {behavior.pattern!r}; keep one.")
        seen.add(where)
        lines.append("")
        if behavior.policy.max_ttl == 0:
            lines += [f"        location {where} {{    # behavior {behavior.pattern}: caching disabled",
                      f"            proxy_pass http://{origin};",
                      "            proxy_cache edge;",
                      "            proxy_cache_bypass 1;    # never answer from the cache",
                      "            proxy_no_cache 1;        # never store",
                      "        }"]
        else:
            lines += [f"        location {where} {{    # behavior {behavior.pattern}: cache as the origin's "
                      f"Cache-Control says",
                      f"            proxy_pass http://{origin};",
                      "            proxy_cache edge;",
                      "        }"]
    lines += ["    }", "}", ""]
    return ConfigText("\n".join(lines))


def lab_model(content: dict | None = None, behaviors: list[Behavior] | None = None) -> Distribution:
    """The lab as a CloudFront model: one edge 1 ms from the client, the origin 2 x 50 ms away.

    round_trips=2: nginx opens a new TCP connection for every fetch (one round trip), then asks
    (another), where CloudFront keeps its connections to origins open."""
    site = Site({path: Content(1, cache_control=cc, dynamic=dynamic)
                 for path, (cc, _, _, dynamic) in (content or CONTENT).items()})
    return Distribution(site, edges=[EdgeLocation("edge", user_rtt_ms=1, regional_rtt_ms=0)],
                        origin_rtt_ms=2 * ORIGIN_DELAY_MS, round_trips=2,
                        origins=[Origin("origin", "custom server")], behaviors=behaviors or lab_behaviors())


# ---------------------------------------------------------------------------- results

@dataclass
class Fetched:
    """One request through the edge: the answer's status, its cache headers, and how long it took."""

    result: R.CommandResult
    path: str
    status: int | None
    cache_status: str  # nginx's X-Cache-Status ("-" when nginx added none)
    cache_control: str
    ms: float | None  # curl's total time; volatile, never shown

    @property
    def hit(self) -> bool:
        return self.cache_status == "HIT"

    def _lines(self) -> str:
        status = f"HTTP/1.1 {self.status}" if self.status else "(no answer)"
        return "\n".join([status, f"cache-control: {self.cache_control or '-'}",
                          f"x-cache-status: {self.cache_status}"])

    def terminal(self):
        from helpers.display import Terminal

        return Terminal(_shown_command(self.result.command), self._lines(), prompt="client$")

    def __repr__(self) -> str:
        return repr(self.terminal())

    def _repr_html_(self) -> str:
        return self.terminal()._repr_html_()


def _shown_command(command: str) -> str:
    return command.replace(" -w '%{time_total}\\n'", "")


def _parse(result: R.CommandResult, path: str) -> Fetched:
    lines = result.output.replace("\r\n", "\n").splitlines()
    status = next((int(m[1]) for m in (re.match(r"HTTP/\S+ (\d{3})", x) for x in lines) if m), None)
    header = {}
    for line in lines:
        name, sep, value = line.partition(":")
        if sep and not line.startswith("HTTP/"):
            header[name.strip().lower()] = value.strip()
    try:
        ms = float(lines[-1]) * 1000 if lines else None
    except ValueError:
        ms = None
    return Fetched(result, path, status, header.get("x-cache-status", "-"), header.get("cache-control", ""), ms)


# CloudFront's result for a request, as the X-Cache-Status nginx should report.
def expected_status(fetch, behavior: Behavior) -> str:
    if fetch.result == "Hit":
        return "HIT"
    if fetch.result == "RefreshHit":
        return "EXPIRED"
    if behavior.policy.max_ttl == 0:
        return "BYPASS"
    return "MISS"


@dataclass
class Played:
    """A request sequence as nginx answered it, with the model's prediction for the same times."""

    rows: list[tuple[float, Fetched]]  # (time since the first request as planned, answer)
    model: Distribution  # a fresh model: it replays the same requests once, when the result is made

    def __post_init__(self):
        self.predicted = [self.model.request(got.path, edge="edge", at=t) for t, got in self.rows]

    def compare(self) -> Table:
        table = []
        for number, ((t, got), fetch) in enumerate(zip(self.rows, self.predicted), start=1):
            want = expected_status(fetch, self.model.behavior_for(got.path))
            served = "edge" if want == "HIT" else "origin"
            table.append([str(number), f"{t:g}", got.path, f"{fetch.result} -> {want}", served, got.cache_status,
                          "✓" if want == got.cache_status else "✗"])
        return Table(["#", "t (s)", "path", "model says", "served by", "nginx says", "agree"], table,
                     title="The same requests: the CDN model's prediction and nginx's X-Cache-Status")

    def agree(self) -> bool:
        return all(row[-1] == "✓" for row in self.compare().rows)

    def statuses(self) -> list[str]:
        return [got.cache_status for _, got in self.rows]

    def latency(self) -> dict[str, float]:
        """Median milliseconds of edge hits and of answers fetched from the origin (volatile)."""
        hits = [got.ms for _, got in self.rows if got.hit and got.ms is not None]
        fetched = [got.ms for _, got in self.rows if not got.hit and got.ms is not None]
        return {"edge hit": statistics.median(hits) if hits else float("nan"),
                "origin fetch": statistics.median(fetched) if fetched else float("nan")}


# ---------------------------------------------------------------------------- the lab

class CdnLab(LabExperiment):
    """client -- edge (nginx) -- far origin; nginx comes and goes with run_nginx()."""

    def __init__(self, name: str = LAB_NAME, *, content: dict | None = None):
        lab = Lab(name)
        self.lab = lab
        self.client = lab.host("client")
        self.edge = lab.host("edge")
        self.origin = lab.host("origin")
        lab.link(self.client, self.edge, ip1=f"{CLIENT_IP}/24", ip2=f"{EDGE_IP}/24")
        lab.link(self.edge, self.origin, ip1=f"{EDGE_BACK_IP}/24", ip2=f"{ORIGIN_IP}/24",
                 delay=f"{ORIGIN_DELAY_MS}ms")
        self.content = dict(content or CONTENT)
        self.server = self.origin.serve_http(80, routes=origin_routes(self.content))
        self.nginx = None
        self.config: ConfigText | None = None
        self.behaviors = lab_behaviors()

    # -- lifecycle (start, stop, with, recipe and draw come from LabExperiment) -------------------
    def _stopping(self) -> None:
        self.nginx = None

    def model(self) -> Distribution:
        """A fresh model of this lab (empty caches)."""
        return lab_model(self.content, self.behaviors)

    # -- the origin ---------------------------------------------------------------------------
    def set_content(self, content: dict) -> None:
        """Restart the origin's web server with new content {path: (cache_control, body, type, dynamic)}."""
        _content_rows(content)
        for path in content:
            if not isinstance(path, str) or not PLAIN_PATH.fullmatch(path):
                raise InputError(f"path {path!r} should start with '/' and use plain characters.")
        self.content = dict(content)
        if self.server is not None:
            self.server.stop()
        self.server = self.origin.serve_http(80, routes=origin_routes(self.content))

    # -- nginx --------------------------------------------------------------------------------
    def run_nginx(self, behaviors: list[Behavior] | None = None) -> ConfigText:
        """(Re)start nginx on the edge with a config written from the behaviors (with an empty cache)."""
        text = nginx_config(behaviors)
        if self.lab.mode.live and not find_tool(NGINX_TOOL):
            raise LabError("nginx is not installed; install the nginx package (apt install nginx) for the "
                           "live edge cache, or run the lesson offline.")
        self.stop_nginx()
        workdir = self.lab.workdir
        if self.lab.mode.live:
            import shutil

            shutil.rmtree(workdir / "cache", ignore_errors=True)  # a new edge starts empty
            for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
                (workdir / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        self.lab.write_file("nginx.conf", text)
        nginx = find_tool(NGINX_TOOL) or NGINX_TOOL
        self.nginx = self.edge.start([nginx, "-p", f"{workdir}/", "-c", "nginx.conf", "-e", "stderr"],
                                     name="nginx", wait_port=80, display="nginx -p ./ -c nginx.conf -e stderr")
        self.config = text
        self.behaviors = list(behaviors) if behaviors is not None else lab_behaviors()
        return text

    def stop_nginx(self) -> None:
        if self.nginx is not None:
            self.nginx.stop()
            self.nginx = None

    # -- the client ---------------------------------------------------------------------------
    def get(self, path: str) -> Fetched:
        """One GET from the client through the edge; shows the status and the cache headers."""
        if not isinstance(path, str) or not PLAIN_PATH.fullmatch(path):
            raise InputError(f"path {path!r} should start with '/' and use plain characters, like '/static/logo.png'.")
        command = (f"curl -s -o /dev/null -D - -w '%{{time_total}}\\n' http://{EDGE_IP}{path}")
        if self.lab.mode.live:
            require_tool("curl")  # inside a shell line, a missing curl would look like "no answer"
        return _parse(self.client.run(command, timeout=15), path)

    def wait(self, seconds: float) -> None:
        """Let time pass (a real sleep in the lab; replayed instantly offline)."""
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds <= 30:
            raise InputError(f"wait between 0 and 30 seconds; got {seconds!r}.")
        if seconds:
            self.client.run(f"sleep {seconds:g}", timeout=seconds + 10)

    def play(self, sequence=SEQUENCE) -> Played:
        """Send a sequence of (seconds to wait first, path) requests; the model replays the same times."""
        if not sequence:
            raise InputError("give at least one (wait seconds, path) pair, like [(0, '/static/logo.png')].")
        rows, t = [], 0.0
        for item in sequence:
            if not (isinstance(item, (tuple, list)) and len(item) == 2):
                raise InputError(f"each request is a pair (seconds to wait first, path); got {item!r}.")
            pause, path = item
            self.wait(pause)
            t += pause
            rows.append((t, self.get(path)))
        return Played(rows, self.model())

    def origin_requests(self) -> int:
        """How many requests the origin's web server has answered since it started (from its log)."""
        server = self.server

        def live():
            count = sum(1 for line in server.log().splitlines() if '"GET ' in line or '"HEAD ' in line)
            return R.CommandResult("origin", "grep -c '\"GET ' http.log", f"{count}\n")

        result = self.origin.observe("run", "grep -c '\"GET ' http.log", live)
        return int(result.output.strip() or 0)


# ---------------------------------------------------------------------------- the mission labs/cdn-ttl

MISSION_LAB = "lab-cdn-ttl"
TARGET_HIT_RATIO = 0.58  # the brief: at least 58% of requests answered by the edges ...
STALE_BUDGET = 0.01  # ... and at most 1% stale answers
DEPLOYS_PER_MONTH = 40
FILES_PER_DEPLOY = 30

# The shop's paths: (what it is, static or dynamic, body, content type)
SHOP = {
    "/index.html": ("the home page: the same for every visitor, republished every 10 minutes", "static",
                    "<h1>Today's offers</h1>\n", "text/html"),
    "/static/logo.png": ("the logo: changes once in a few years", "static", "(logo bytes)\n", "image/png"),
    "/static/app.3f9a1c.js": ("the shop's script: its name changes with every deploy (3f9a1c is a hash of "
                              "its content)", "static", "console.log('shop');\n", "text/javascript"),
    "/account/orders": ("the signed-in user's order history", "dynamic", "<h1>Your orders</h1>\n", "text/html"),
    "/api/cart": ("the signed-in user's cart, as JSON", "dynamic", '{"items": 3}\n', "application/json"),
}
PAGE_UPDATE_EVERY = 600

BRIEF_TEXT = (
    "The shop's users are in Seoul and Tokyo; its origin is in us-east-1, 150 ms beyond CloudFront's regional edge "
    f"cache. Make the CDN earn its money: at least {TARGET_HIT_RATIO:.0%} of requests answered by the edges, "
    f"at most {STALE_BUDGET:.0%} stale answers, no user ever sees another user's data, and deploys "
    f"({DEPLOYS_PER_MONTH} a month, {FILES_PER_DEPLOY} changed files each) must reach users at once without a "
    "big invalidation bill.")


def _ttl_under_origin_headers(header) -> int:
    return HONOUR_ORIGIN.ttl(header)


class TtlWorld:
    """What the learner changes (their answers and the CDN's settings) and the live edge that checks them."""

    def __init__(self, lab: CdnLab | None, *, owns_lab: bool = True):
        self.lab = lab
        self.owns_lab = owns_lab
        self.kinds: dict[str, str] = {}
        self.headers: dict[str, str] = {path: "" for path in SHOP}
        self.page_ttl: int | None = None
        self.behaviors: list[Behavior] = [Behavior("*", "origin", HONOUR_ORIGIN)]
        self.invalidation_cost: float | None = None
        self.update_method: str | None = None
        self.applied = None
        self._trace = None
        self._stats: dict[int, object] = {}

    @classmethod
    def fresh(cls, *, shared: CdnLab | None = None) -> "TtlWorld":
        """A new world; with shared=, on an already running lab (tests), else on its own lab."""
        if shared is not None:
            return cls(shared, owns_lab=False)
        lab = CdnLab(name=MISSION_LAB, content=_content({path: "" for path in SHOP}))
        lab.start()
        try:
            world = cls(lab)
            lab.run_nginx(world.behaviors)
        except BaseException:
            lab.stop()  # e.g. nginx missing: nothing half-built is left behind
            raise
        return world

    def close(self) -> None:
        if self.owns_lab and self.lab is not None:
            self.lab.stop()

    def __repr__(self) -> str:
        return "\n".join([f"The shop ({len(SHOP)} paths):"] +
                         [f"  {path:24} {about}" for path, (about, _, _, _) in SHOP.items()])

    # -- the model ----------------------------------------------------------------------------
    def trace(self):
        if self._trace is None:
            from helpers.sim import cdn

            self._trace = cdn.zipf_trace(20000, seed=12, page_update_every=PAGE_UPDATE_EVERY)
        return self._trace

    def try_ttl(self, ttl: int):
        """Replay the shop's hour of traffic with this TTL for its pages and files (the model's Stats)."""
        from helpers.sim import cdn

        if isinstance(ttl, bool) or not isinstance(ttl, int) or not 1 <= ttl <= 31536000:
            raise InputError(f"a TTL is a whole number of seconds from 1 to 31536000; got {ttl!r}.")
        if ttl not in self._stats:
            trace = self.trace()
            self._stats[ttl] = cdn.replay(trace, cdn.lesson_distribution(trace.site, ttl=ttl), label=f"ttl={ttl}")
        return self._stats[ttl]

    # -- the live edge ------------------------------------------------------------------------
    def apply(self) -> ConfigText:
        """Send the headers from the origin and the behaviors to the edge (restarts both, empty cache)."""
        if self.lab is None:
            raise InputError("this world has no lab; build it with TtlWorld.fresh().")
        for path, header in self.headers.items():
            if header is not None and not isinstance(header, str):
                raise InputError(f"the header of {path} is text like 'public, max-age=3600'; got {header!r}.")
        self.lab.set_content(_content(self.headers))
        config = self.lab.run_nginx(list(self.behaviors))
        self.applied = self._snapshot()
        return config

    def _snapshot(self):
        return (tuple(sorted((p, h or "") for p, h in self.headers.items())),
                tuple((b.pattern, b.policy) for b in self.behaviors))

    def observe(self) -> dict[str, list[str]]:
        """Two requests per path through the edge: their X-Cache-Status."""
        return {path: [self.lab.get(path).cache_status for _ in range(2)] for path in SHOP}


def _content(headers: dict) -> dict:
    return {path: (headers.get(path) or "", body, kind, what == "dynamic")
            for path, (_, what, body, kind) in SHOP.items()}


# -- the checks -------------------------------------------------------------------------------

def check_classify(world: TtlWorld):
    from helpers.missions import not_yet, passed

    kinds = world.kinds
    if not isinstance(kinds, dict) or not kinds:
        return not_yet("Fill world.kinds with each path and 'static' or 'dynamic', like "
                       "{'/index.html': 'static', ...}.")
    missing = [p for p in SHOP if p not in kinds]
    if missing:
        return not_yet(f"Classify every path of the shop; {missing[0]} is missing from world.kinds.")
    odd = [p for p, k in kinds.items() if k not in ("static", "dynamic")]
    if odd:
        return not_yet(f"Mark {odd[0]} as 'static' or 'dynamic'; {kinds[odd[0]]!r} is neither.")
    if kinds["/api/cart"] == "static" or kinds["/account/orders"] == "static":
        wrong = "/api/cart" if kinds["/api/cart"] == "static" else "/account/orders"
        return not_yet(f"{wrong} is different for every signed-in user: that is dynamic content, and a cached "
                       f"copy would show one user's data to the next.")
    if kinds["/index.html"] == "dynamic":
        return not_yet("/index.html is the same for every visitor: it changes often (every 10 minutes), which "
                       "calls for a short TTL, but it is static content.")
    wrong = next((p for p in SHOP if kinds[p] != SHOP[p][1]), None)
    if wrong:
        return not_yet(f"{wrong} is a file that is the same for everyone: static content.")
    return passed("Three static paths and two dynamic ones.")


def check_headers(world: TtlWorld):
    from helpers.missions import not_yet, passed
    from helpers.sim.cdn import parse_cache_control

    headers = world.headers
    for path, (about, what, _, _) in SHOP.items():
        header = headers.get(path) or ""
        directives = parse_cache_control(header)  # a malformed header raises one sentence
        ttl = _ttl_under_origin_headers(header)
        if what == "dynamic":
            if ttl > 0:
                return not_yet(f"{path} with {header or 'no header'!r} may be cached, so one user's data could "
                               f"reach another; send 'private, no-store'.")
            if "no-store" not in directives and "private" not in directives:
                return not_yet(f"{path}: no-cache still lets a cache store the answer (it only has to revalidate); "
                               f"personal data needs 'private, no-store'.")
            continue
        if not header:
            return not_yet(f"{path} has no Cache-Control header; nginx (and CloudFront with a 0 s default TTL) "
                           f"would not cache it at all.")
        if ttl == 0:
            return not_yet(f"{path} is static, but {header!r} forbids caching it; give it a max-age.")
        if path == "/index.html" and ttl > PAGE_UPDATE_EVERY:
            return not_yet(f"/index.html changes every 10 minutes; with a TTL of {ttl} s users could see an old "
                           f"home page for longer, so keep it at {PAGE_UPDATE_EVERY} s or less.")
        if path == "/static/app.3f9a1c.js" and ttl < 86400:
            return not_yet(f"/static/app.3f9a1c.js gets a new name with every deploy, so a cached copy can "
                           f"never be stale: cache it for a year (max-age=31536000), not {ttl} s.")
        if path == "/static/logo.png" and ttl < 3600:
            return not_yet(f"/static/logo.png changes once in years; {ttl} s sends a request to the origin "
                           f"far too often: give it an hour or more.")
    return passed("Static content gets lifetimes to match how often it changes; personal data is never stored.")


def check_ttl(world: TtlWorld):
    from helpers.missions import not_yet, passed

    ttl = world.page_ttl
    if ttl is None:
        return not_yet("Set world.page_ttl to a number of seconds; world.try_ttl(300) shows what one TTL gives.")
    stats = world.try_ttl(ttl)  # a wrong type raises one sentence
    if stats.hit_ratio < TARGET_HIT_RATIO:
        return not_yet(f"With a TTL of {ttl} s the edges answer {stats.hit_ratio:.1%} of requests, under the "
                       f"{TARGET_HIT_RATIO:.0%} the brief asks for: raise the TTL.")
    if stats.stale_share > STALE_BUDGET:
        return not_yet(f"With a TTL of {ttl} s, {stats.stale_share:.2%} of answers are stale, over the "
                       f"{STALE_BUDGET:.0%} budget: lower the TTL.")
    return passed(f"TTL {ttl} s: {stats.hit_ratio:.1%} edge hits, {stats.stale_share:.2%} stale answers.")


def check_behavior(world: TtlWorld):
    from helpers.missions import not_yet, passed
    from helpers.sim.cdn import Site

    behaviors = _behavior_list(world.behaviors)
    if not behaviors or behaviors[-1].pattern != "*":
        return not_yet("The default behavior ('*') must stay last: CloudFront tries behaviors in order and the "
                       "first match wins, so put '/api/*' before it.")
    site = Site({p: Content(1) for p in ("/api/cart", "/api/orders/7", "/apidocs.html", "/index.html")})
    dist = Distribution(site, edges=[EdgeLocation("E")], origin_rtt_ms=100,
                        origins=[Origin("origin")], behaviors=behaviors)
    for path in ("/api/cart", "/api/orders/7"):
        behavior = dist.behavior_for(path)
        if behavior.pattern == "*":
            patterns = [b.pattern for b in behaviors[:-1]]
            if "/api" in patterns:
                return not_yet("The pattern '/api' matches only the path /api itself; '/api/*' matches "
                               "everything under it.")
            return not_yet(f"No behavior matches {path}: it falls to the default '*' behavior, which caches; add "
                           f"Behavior('/api/*', 'origin', CACHING_DISABLED) before it.")
        if behavior.policy.max_ttl > 0:
            return not_yet(f"The behavior {behavior.pattern} still caches (its maximum TTL is "
                           f"{behavior.policy.max_ttl} s); give it the CACHING_DISABLED policy.")
    if dist.behavior_for("/index.html").policy.max_ttl == 0:
        return not_yet("The default behavior must keep caching the rest of the site; only /api/* is never cached.")
    if dist.behavior_for("/apidocs.html").policy.max_ttl == 0:
        return not_yet("Your pattern also catches /apidocs.html, a static page; '/api/*' (with the slash) "
                       "matches only what is under /api/.")
    return passed("/api/* is never cached; everything else is cached as the origin's headers say.")


def check_deploys(world: TtlWorld):
    from helpers.missions import not_yet, passed
    from helpers.sim.cdn import invalidation_cost

    cost = world.invalidation_cost
    right = invalidation_cost(DEPLOYS_PER_MONTH * FILES_PER_DEPLOY)
    if cost is None:
        return not_yet("Set world.invalidation_cost to what invalidating every changed file would cost a month, "
                       "in USD.")
    if isinstance(cost, bool) or not isinstance(cost, (int, float)):
        return not_yet(f"world.invalidation_cost is a number of US dollars, like 2.5; got {cost!r}.")
    paths = DEPLOYS_PER_MONTH * FILES_PER_DEPLOY
    if abs(cost - paths * 0.005) < 1e-9:
        return not_yet(f"{paths} paths x USD 0.005 forgets that the first 1,000 paths of each month are free.")
    if cost == 0:
        return not_yet(f"{paths} paths a month are more than the free 1,000; the rest cost USD 0.005 each.")
    if abs(cost - right) > 1e-9:
        return not_yet(f"Count the paths: {DEPLOYS_PER_MONTH} deploys x {FILES_PER_DEPLOY} files, the first 1,000 "
                       f"free, then USD 0.005 each.")
    method = world.update_method
    if method not in ("invalidate", "versioned"):
        return not_yet("Set world.update_method to 'invalidate' or 'versioned'.")
    if method == "invalidate":
        return not_yet("Invalidations work, but they cost, take a minute or more to reach every edge, and make "
                       "the next requests misses; versioned file names need none and can be cached for a year.")
    return passed(f"USD {right:.2f} a month saved, and new files reach users at once.")


def check_live(world: TtlWorld):
    from helpers.missions import not_yet, passed

    if world.lab is None:
        return not_yet("This world has no lab; build it with TtlWorld.fresh().")
    if world.applied != world._snapshot():
        return not_yet("The edge still runs your previous settings: run world.apply() to send the headers and "
                       "behaviors to the live edge.")
    seen = world.observe()
    for path, (_, what, _, _) in SHOP.items():
        statuses = seen[path]
        if what == "static" and statuses[1] != "HIT":
            return not_yet(f"{path} answered {', '.join(statuses)}: the edge did not keep it; check its "
                           f"Cache-Control header ({world.headers.get(path) or 'none'!r}).")
        if what == "dynamic" and "HIT" in statuses:
            return not_yet(f"{path} answered {', '.join(statuses)}: the edge served personal data from its cache.")
    if seen["/api/cart"] != ["BYPASS", "BYPASS"]:
        return not_yet(f"/api/cart answered {', '.join(seen['/api/cart'])}, not BYPASS: no behavior of the live "
                       f"edge keeps /api/* out of the cache.")
    return passed("Live: static paths MISS then HIT, personal pages MISS every time, the API bypasses the cache.")


def ttl_mission(world: TtlWorld | None = None):
    from helpers.missions import Mission, Step

    steps = [
        Step("Static or dynamic", "Set world.kinds: each path of the shop -> 'static' or 'dynamic'.",
             check_classify, key="classify"),
        Step("Cache-Control per path", "Set world.headers: the Cache-Control header the origin sends for each path.",
             check_headers, key="headers"),
        Step("A TTL for the hit-ratio target",
             f"Set world.page_ttl: one TTL (seconds) for the model's hour of traffic (1,000 images and pages, "
             f"pages republished every 10 minutes) that reaches {TARGET_HIT_RATIO:.0%} edge hits with at most "
             f"{STALE_BUDGET:.0%} stale answers (world.try_ttl(s) measures one).",
             check_ttl, key="ttl"),
        Step("Never cache the API", "Change world.behaviors so that /api/* is never cached.",
             check_behavior, key="behavior"),
        Step("Deploys: invalidate or version?", "Set world.invalidation_cost (USD a month) and world.update_method "
             "('invalidate' or 'versioned').", check_deploys, key="deploys"),
        Step("Prove it on the live edge", "world.apply(), then check: static paths HIT on the second request, "
             "dynamic ones never.", check_live, key="live"),
    ]
    return Mission("Tune CDN TTLs", steps, target=world, solutions="labs/cdn-ttl/solutions/solution.py")
