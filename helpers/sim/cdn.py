"""A CDN (Amazon CloudFront) as a model: edge locations, regional edge caches, origins and TTLs.

    site = Site({"/index.html": Content(30, updated_every=600), "/api/cart": Content(2, dynamic=True)})
    dist = Distribution(site, edges=[EdgeLocation("Seoul", user_rtt_ms=5, regional_rtt_ms=30)],
                        regional=RegionalEdgeCache("Tokyo", origin_rtt_ms=150))
    dist.request("/index.html", edge="Seoul", at=0)     # Miss from cloudfront: fetched from the origin
    dist.request("/index.html", edge="Seoul", at=5)     # Hit from cloudfront: served by the edge
    trace = zipf_trace(20000, seed=12)                  # a popularity-skewed request trace
    replay(trace, lesson_distribution(trace.site))      # hit ratio, origin load, user latency

What the model covers, each from the CloudFront Developer Guide:

* **how long an object stays** (``CachePolicy.ttl``): ``Cache-Control: no-store``, ``no-cache`` or
  ``private`` -> the minimum TTL (0: not cached); else ``s-maxage``, then ``max-age``, then
  ``Expires``, kept between the minimum and maximum TTL; no header at all -> the default TTL
  (24 hours unless you change it);
* **hits and misses** at an edge location, then at a regional edge cache, then the origin; an
  expired object is revalidated with the origin (a conditional GET: 304 Not Modified is a
  ``RefreshHit``); caches of limited size evict the least recently used objects;
* **dynamic content** (not cacheable: per user, or a behavior with caching disabled) always goes
  to the origin, and skips the regional edge cache;
* **invalidation** of paths or ``/prefix*`` wildcards (the first 1,000 paths a month are free,
  then USD 0.005 per path; a wildcard counts as one path);
* cache **behaviors** by path pattern, each with its origin, cache policy and viewer protocol
  policy (HTTP allowed, redirect to HTTPS, HTTPS only), origin access control for S3 origins,
  signed URLs and geographic restrictions (``Distribution.route``).

Latency is counted in round trips: user to edge, edge to regional edge cache, regional cache to
origin (``round_trips`` per hop, 1 by default: CloudFront keeps connections to origins open).
Everything is deterministic: traces come from a seeded ``random.Random``.
"""
from __future__ import annotations

import bisect
import fnmatch
import math
import random
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence

from helpers.errors import InputError
from helpers.sim.loadbalancer import Table, percent

__all__ = [
    "CachePolicy", "CACHING_OPTIMIZED", "CACHING_DISABLED", "parse_cache_control", "Content", "Site", "Cache",
    "Origin", "EdgeLocation", "RegionalEdgeCache", "Behavior", "Distribution", "Fetch", "Request", "Trace",
    "Stats", "zipf_trace", "zipf_shares", "replay", "sweep", "no_cdn", "invalidation_cost", "ViewerRequest",
    "Decision", "Invalidation", "SEED", "ORIGIN_KINDS", "stats_table", "lesson_distribution",
]

SEED = 12
DAY = 86400
YEAR = 31536000
FREE_INVALIDATION_PATHS = 1000
PRICE_PER_PATH = 0.005  # USD per invalidation path beyond the free ones, each month
ORIGIN_KINDS = ("S3 bucket", "EC2 instance", "load balancer (ELB)", "custom server")


# ---------------------------------------------------------------------------- TTL rules

def parse_cache_control(header: str | None) -> dict[str, int | bool]:
    """'public, max-age=60, s-maxage=300' -> {'public': True, 'max-age': 60, 's-maxage': 300}."""
    out: dict[str, int | bool] = {}
    if not header:
        return out
    if not isinstance(header, str):
        raise InputError(f"a Cache-Control header is text like 'max-age=3600'; got {header!r}.")
    for part in header.split(","):
        part = part.strip().lower()
        if not part:
            continue
        name, _, value = part.partition("=")
        name = name.strip()
        if value:
            value = value.strip().strip('"')
            if not value.isdigit():
                raise InputError(f"{part!r}: {name} takes a whole number of seconds, like {name}=3600.")
            out[name] = int(value)
        else:
            out[name] = True
    return out


@dataclass(frozen=True)
class CachePolicy:
    """A CloudFront cache policy's TTL settings (seconds)."""

    min_ttl: int = 0
    default_ttl: int = DAY
    max_ttl: int = YEAR
    name: str = "custom"

    def __post_init__(self):
        for label, value in (("min_ttl", self.min_ttl), ("default_ttl", self.default_ttl), ("max_ttl", self.max_ttl)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InputError(f"{label} is a whole number of seconds (0 or more); got {value!r}.")
        if not self.min_ttl <= self.default_ttl <= self.max_ttl:
            raise InputError(f"CloudFront needs minimum <= default <= maximum TTL; got {self.min_ttl}, "
                             f"{self.default_ttl}, {self.max_ttl}.")

    @property
    def caches(self) -> bool:
        return self.max_ttl > 0

    def ttl(self, cache_control: str | None = None, *, expires_in: int | None = None) -> int:
        """How long CloudFront keeps an object the origin sent with these headers."""
        return self.explain(cache_control, expires_in=expires_in)[0]

    def explain(self, cache_control: str | None = None, *, expires_in: int | None = None) -> tuple[int, str]:
        """(ttl, the rule that decided it)."""
        directives = parse_cache_control(cache_control)
        refused = [d for d in ("no-store", "no-cache", "private") if d in directives]
        if refused:
            if self.min_ttl:
                return self.min_ttl, f"{refused[0]}, but the minimum TTL of {self.min_ttl} s wins"
            return 0, f"{refused[0]}: not cached"
        for name in ("s-maxage", "max-age"):
            if isinstance(directives.get(name), int):
                asked = directives[name]
                return self._clamp(asked, f"{name}={asked}")
        if expires_in is not None:
            return self._clamp(max(0, int(expires_in)), f"Expires in {expires_in} s")
        return self.default_ttl, f"no caching header: the default TTL of {self.default_ttl} s"

    def _clamp(self, asked: int, source: str) -> tuple[int, str]:
        if asked < self.min_ttl:
            return self.min_ttl, f"{source}, raised to the minimum TTL of {self.min_ttl} s"
        if asked > self.max_ttl:
            return self.max_ttl, f"{source}, cut to the maximum TTL of {self.max_ttl} s"
        return asked, f"{source} from the origin"

    def describe(self) -> str:
        return f"{self.name}: min {self.min_ttl} s, default {self.default_ttl} s, max {self.max_ttl} s"


# The AWS managed cache policies used most.
CACHING_OPTIMIZED = CachePolicy(1, DAY, YEAR, "CachingOptimized")
CACHING_DISABLED = CachePolicy(0, 0, 0, "CachingDisabled")


# ---------------------------------------------------------------------------- content at the origin

@dataclass
class Content:
    """One object the origin serves: its size, its Cache-Control header, and how it changes."""

    size_kb: float = 50
    cache_control: str | None = None
    dynamic: bool = False  # made per request (per user): never the same twice, never cacheable
    updated_every: float | None = None  # the origin publishes a new version this often (seconds)
    changes: list[float] = field(default_factory=list)  # or at these times

    def version(self, t: float) -> int:
        periodic = int(t // self.updated_every) if self.updated_every else 0
        return periodic + sum(1 for c in self.changes if c <= t)


class Site:
    """The origin's content by path."""

    def __init__(self, content: Mapping[str, Content]):
        self.content = dict(content)
        for path in self.content:
            if not isinstance(path, str) or not path.startswith("/"):
                raise InputError(f"paths start with '/', like '/index.html'; got {path!r}.")

    def get(self, path: str) -> Content:
        if path not in self.content:
            raise InputError(f"the origin has no {path!r}; it has {len(self.content)} paths, like "
                             f"{', '.join(list(self.content)[:3])}.")
        return self.content[path]

    def publish(self, path: str, at: float) -> None:
        """The origin gets a new version of `path` at time `at` (caches keep the old one)."""
        self.get(path).changes.append(float(at))


# ---------------------------------------------------------------------------- a cache

@dataclass
class Entry:
    stored: float
    expires: float
    size_kb: float
    version: int


class Cache:
    """One cache (an edge location's or a regional edge cache's): TTL expiry and, if it has a
    capacity, least-recently-used eviction."""

    def __init__(self, name: str, capacity_mb: float | None = None):
        if capacity_mb is not None and (isinstance(capacity_mb, bool) or not isinstance(capacity_mb, (int, float))
                                        or capacity_mb <= 0):
            raise InputError(f"a cache's capacity is a positive number of MB (or None for unlimited); got {capacity_mb!r}.")
        self.name = name
        self.capacity_kb = None if capacity_mb is None else capacity_mb * 1024
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.used_kb = 0.0
        self.evictions = 0

    def lookup(self, key: str, now: float) -> tuple[str, Entry | None]:
        """'hit' (fresh), 'expired' (stored but past its TTL) or 'miss' (not stored)."""
        entry = self.entries.get(key)
        if entry is None:
            return "miss", None
        self.entries.move_to_end(key)
        return ("hit" if now < entry.expires else "expired"), entry

    def store(self, key: str, size_kb: float, ttl: float, now: float, version: int) -> None:
        if ttl <= 0:
            self.remove(key)
            return
        self.remove(key)
        if self.capacity_kb is not None and size_kb > self.capacity_kb:
            return  # larger than the whole cache: passed through, never stored
        self.entries[key] = Entry(now, now + ttl, size_kb, version)
        self.used_kb += size_kb
        while self.capacity_kb is not None and self.used_kb > self.capacity_kb:
            _, old = self.entries.popitem(last=False)
            self.used_kb -= old.size_kb
            self.evictions += 1

    def refresh(self, key: str, ttl: float, now: float) -> None:
        entry = self.entries[key]
        entry.stored, entry.expires = now, now + ttl

    def remove(self, key: str) -> bool:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.used_kb -= entry.size_kb
        return entry is not None

    def invalidate(self, pattern: str) -> int:
        """Remove one path, or every path starting with the prefix of 'prefix*'; returns how many."""
        if pattern.endswith("*"):
            keys = [k for k in self.entries if k.startswith(pattern[:-1])]
        else:
            keys = [pattern] if pattern in self.entries else []
        for key in keys:
            self.remove(key)
        return len(keys)

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        size = "unlimited" if self.capacity_kb is None else f"{self.capacity_kb / 1024:g} MB"
        return f"<cache {self.name}: {len(self)} objects, {self.used_kb / 1024:.1f} MB used of {size}>"


# ---------------------------------------------------------------------------- the distribution

@dataclass
class Origin:
    name: str
    kind: str = "custom server"
    origin_access_control: bool = False  # S3: the bucket answers CloudFront only

    def __post_init__(self):
        if self.kind not in ORIGIN_KINDS:
            raise InputError(f"an origin is one of {', '.join(ORIGIN_KINDS)}; got {self.kind!r}.")
        if self.origin_access_control and self.kind != "S3 bucket":
            raise InputError("origin access control (OAC) is for S3 bucket origins; protect other origins with "
                             "a secret header or a security group that admits CloudFront only.")


@dataclass
class EdgeLocation:
    """Where users connect: close to them (user_rtt_ms), farther from the regional edge cache."""

    name: str
    user_rtt_ms: float = 10
    regional_rtt_ms: float = 30
    capacity_mb: float | None = None


@dataclass
class RegionalEdgeCache:
    """A bigger cache between edge locations and the origin."""

    name: str
    origin_rtt_ms: float = 150
    capacity_mb: float | None = None


@dataclass
class Behavior:
    """A cache behavior: requests whose path matches `pattern` go to `origin` with this policy."""

    pattern: str
    origin: str
    policy: CachePolicy = CACHING_OPTIMIZED
    viewer_protocol: str = "redirect-to-https"  # "allow-all", "redirect-to-https", "https-only"
    signed_urls: bool = False  # restrict viewer access: only signed URLs or cookies
    methods: tuple[str, ...] = ("GET", "HEAD")

    def __post_init__(self):
        if self.viewer_protocol not in ("allow-all", "redirect-to-https", "https-only"):
            raise InputError("viewer_protocol is 'allow-all', 'redirect-to-https' or 'https-only'; got "
                             f"{self.viewer_protocol!r}.")
        if not (self.pattern == "*" or self.pattern.startswith("/")):
            raise InputError(f"a path pattern starts with '/', like '/api/*' (or is '*'); got {self.pattern!r}.")

    def matches(self, path: str) -> bool:
        return self.pattern == "*" or fnmatch.fnmatchcase(path, self.pattern)


@dataclass
class Fetch:
    """What one request got: CloudFront's X-Cache result, where it was served from, how long it took."""

    path: str
    edge: str
    at: float
    result: str  # "Hit", "RefreshHit", "Miss", "Dynamic" (not cacheable)
    served_by: str  # "edge", "regional", "origin"
    latency_ms: float
    stale: bool = False
    ttl: int = 0

    @property
    def x_cache(self) -> str:
        return {"Hit": "Hit from cloudfront", "RefreshHit": "RefreshHit from cloudfront"}.get(
            self.result, "Miss from cloudfront")

    @property
    def origin_request(self) -> bool:
        return self.served_by == "origin"

    def __repr__(self) -> str:
        note = " (stale)" if self.stale else ""
        return (f"t={self.at:g} s {self.path} at {self.edge}: {self.x_cache}, served by the {self.served_by}, "
                f"{self.latency_ms:g} ms{note}")


class Distribution:
    """A CloudFront distribution: behaviors to origins, edge locations, an optional regional edge cache."""

    def __init__(self, site: Site, *, edges: Sequence[EdgeLocation], regional: RegionalEdgeCache | None = None,
                 origins: Sequence[Origin] = (), behaviors: Sequence[Behavior] = (), round_trips: int = 1,
                 domain: str = "d1a2b3c4d5e6f7.cloudfront.net", blocked_countries: Iterable[str] = (),
                 regional_caching: bool = True, origin_rtt_ms: float | None = None):
        """regional: the regional edge cache between the edges and the origin (its distance to the
        origin counts in every origin fetch); regional_caching=False keeps that path but stores
        nothing there (a distribution without a regional cache, same geography). With no regional
        at all, edges fetch straight from the origin, origin_rtt_ms away."""
        if not edges:
            raise InputError("a distribution needs at least one edge location.")
        if regional is None and origin_rtt_ms is None:
            raise InputError("with no regional edge cache, say how far the origin is from the edges, "
                             "like origin_rtt_ms=150.")
        if isinstance(round_trips, bool) or not isinstance(round_trips, int) or round_trips < 1:
            raise InputError(f"round_trips is a whole number of round trips per hop (1 or more); got {round_trips!r}.")
        self.site = site
        self.edges = {e.name: e for e in edges}
        self.regional = regional
        self.origins = {o.name: o for o in (origins or [Origin("origin")])}
        self.behaviors = list(behaviors) or [Behavior("*", next(iter(self.origins)))]
        if self.behaviors[-1].pattern != "*":
            raise InputError("the last behavior must be the default one, with pattern '*'.")
        for behavior in self.behaviors:
            if behavior.origin not in self.origins:
                raise InputError(f"behavior {behavior.pattern} names origin {behavior.origin!r}, which the "
                                 f"distribution does not have ({', '.join(self.origins)}).")
        self.round_trips = round_trips
        self.domain = domain
        self.blocked_countries = {c.upper() for c in blocked_countries}
        self.edge_caches = {name: Cache(f"edge {name}", e.capacity_mb) for name, e in self.edges.items()}
        self.regional_cache = (Cache(f"regional {regional.name}", regional.capacity_mb)
                               if regional is not None and regional_caching else None)
        self.origin_rtt_ms = origin_rtt_ms
        self.invalidated_paths = 0

    def behavior_for(self, path: str) -> Behavior:
        return next(b for b in self.behaviors if b.matches(path))

    def _edge(self, name: str) -> EdgeLocation:
        if name not in self.edges:
            raise InputError(f"there is no edge location {name!r}; they are {', '.join(self.edges)}.")
        return self.edges[name]

    def request(self, path: str, *, edge: str | None = None, at: float = 0.0) -> Fetch:
        """One viewer GET of `path` arriving at an edge location at time `at` (seconds)."""
        edge = edge or next(iter(self.edges))
        location = self._edge(edge)
        content = self.site.get(path)
        behavior = self.behavior_for(path)
        rt = self.round_trips
        to_edge = location.user_rtt_ms
        if not isinstance(at, (int, float)) or isinstance(at, bool) or at < 0:
            raise InputError(f"at is the request's time in seconds (0 or more); got {at!r}.")
        if self.regional is not None:
            to_regional = to_edge + rt * location.regional_rtt_ms
            to_origin = to_regional + rt * self.regional.origin_rtt_ms
        else:  # the edge fetches straight from the origin
            to_regional = to_origin = to_edge + rt * self.origin_rtt_ms
        version = content.version(at)
        ttl = 0 if content.dynamic else behavior.policy.ttl(content.cache_control)
        if ttl <= 0:
            # Not cacheable: straight from the edge to the origin (regional caches are skipped).
            return Fetch(path, edge, at, "Dynamic" if content.dynamic else "Miss", "origin", to_origin, ttl=0)
        cache = self.edge_caches[edge]
        state, entry = cache.lookup(path, at)
        if state == "hit":
            return Fetch(path, edge, at, "Hit", "edge", to_edge, stale=entry.version < version, ttl=ttl)
        # The edge asks the regional edge cache (if any), which may have it.
        if self.regional_cache is not None:
            r_state, r_entry = self.regional_cache.lookup(path, at)
            if r_state == "hit":
                cache.store(path, content.size_kb, r_entry.expires - at, at, r_entry.version)
                return Fetch(path, edge, at, "Miss", "regional", to_regional, stale=r_entry.version < version, ttl=ttl)
        # The origin: a conditional GET if some cache holds an expired copy of this version.
        held = [e for e in (entry, self.regional_cache and self.regional_cache.entries.get(path)) if e]
        unchanged = any(e.version == version for e in held)
        result = "RefreshHit" if unchanged else "Miss"
        if self.regional_cache is not None:
            self.regional_cache.store(path, content.size_kb, ttl, at, version)
        cache.store(path, content.size_kb, ttl, at, version)
        return Fetch(path, edge, at, result, "origin", to_origin, ttl=ttl)

    def invalidate(self, paths: Sequence[str], *, at: float = 0.0) -> "Invalidation":
        """Remove paths ('/img/logo.png' or '/img/*') from every cache of the distribution."""
        if isinstance(paths, str):
            paths = [paths]
        removed = 0
        for path in paths:
            if not isinstance(path, str) or not path.startswith("/"):
                raise InputError(f"invalidation paths start with '/', like '/index.html' or '/images/*'; got {path!r}.")
            if "*" in path[:-1]:
                raise InputError(f"{path!r}: a '*' may only come last in an invalidation path, like '/images/*'.")
            for cache in self._caches():
                removed += cache.invalidate(path)
        before = self.invalidated_paths
        self.invalidated_paths += len(paths)
        cost = invalidation_cost(self.invalidated_paths) - invalidation_cost(before)
        return Invalidation(list(paths), removed, cost)

    def _caches(self) -> list[Cache]:
        return list(self.edge_caches.values()) + ([self.regional_cache] if self.regional_cache else [])

    # -- viewer side (features) ---------------------------------------------------------------
    def route(self, request: "ViewerRequest") -> "Decision":
        """What CloudFront does with a viewer request before any caching: which behavior and origin,
        or a redirect to HTTPS, or 403 (protocol, geography, signature), or 405 (method)."""
        if request.scheme not in ("http", "https"):
            raise InputError(f"a viewer request's scheme is 'http' or 'https'; got {request.scheme!r}.")
        behavior = self.behavior_for(request.path)
        origin = self.origins[behavior.origin]
        if request.country and request.country.upper() in self.blocked_countries:
            return Decision(403, behavior, origin, f"geographic restriction: {request.country.upper()} is blocked")
        if request.scheme == "http" and behavior.viewer_protocol == "redirect-to-https":
            return Decision(301, behavior, origin, "viewer protocol policy: redirect HTTP to HTTPS")
        if request.scheme == "http" and behavior.viewer_protocol == "https-only":
            return Decision(403, behavior, origin, "viewer protocol policy: HTTPS only")
        if request.method not in behavior.methods:
            return Decision(405, behavior, origin, f"{request.method} is not an allowed method of {behavior.pattern}")
        if behavior.signed_urls and not request.signed:
            return Decision(403, behavior, origin, "restricted viewer access: a signed URL or cookie is required")
        return Decision(200, behavior, origin, f"behavior {behavior.pattern} -> origin {origin.name} ({origin.kind})")

    def table(self) -> Table:
        rows = [[b.pattern, b.origin, self.origins[b.origin].kind, b.policy.describe(), b.viewer_protocol,
                 "signed URLs" if b.signed_urls else "-"] for b in self.behaviors]
        return Table(["path pattern", "origin", "origin kind", "cache policy", "viewer protocol", "access"], rows,
                     title=f"Distribution {self.domain}: behaviors, first match wins", wrap=44)


@dataclass
class Invalidation:
    paths: list[str]
    removed: int  # objects removed from caches (edge and regional)
    cost_usd: float  # what these paths cost this month (0 within the free 1,000)

    def __repr__(self) -> str:
        return (f"invalidated {', '.join(self.paths)}: {self.removed} cached "
                f"{'copy' if self.removed == 1 else 'copies'} removed, cost USD {self.cost_usd:.3f}")


def invalidation_cost(paths_this_month: int) -> float:
    """USD for a month's invalidation paths: 1,000 free, then 0.005 each (a wildcard counts as one)."""
    if isinstance(paths_this_month, bool) or not isinstance(paths_this_month, int) or paths_this_month < 0:
        raise InputError(f"give the number of invalidation paths as a whole number; got {paths_this_month!r}.")
    return round(max(0, paths_this_month - FREE_INVALIDATION_PATHS) * PRICE_PER_PATH, 6)


@dataclass(frozen=True)
class ViewerRequest:
    path: str
    scheme: str = "https"
    method: str = "GET"
    country: str | None = None
    signed: bool = False


@dataclass
class Decision:
    status: int
    behavior: Behavior
    origin: Origin
    why: str

    def __repr__(self) -> str:
        return f"{self.status}: {self.why}"


# ---------------------------------------------------------------------------- traces and replay

@dataclass(frozen=True)
class Request:
    time: float
    edge: str
    path: str


@dataclass
class Trace:
    """Requests in time order, and the site they ask for."""

    requests: list[Request]
    site: Site
    edges: dict[str, float]
    duration: float

    def __len__(self) -> int:
        return len(self.requests)

    def popularity(self) -> list[tuple[str, int]]:
        """Paths by request count, most requested first."""
        counts: dict[str, int] = {}
        for request in self.requests:
            counts[request.path] = counts.get(request.path, 0) + 1
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def zipf_shares(objects: int, s: float = 1.0) -> list[float]:
    """Zipf's law: the k-th most popular object gets a share proportional to 1 / k^s."""
    if isinstance(objects, bool) or not isinstance(objects, int) or objects < 1:
        raise InputError(f"objects is how many different objects there are (1 or more); got {objects!r}.")
    weights = [1 / (k ** s) for k in range(1, objects + 1)]
    total = sum(weights)
    return [w / total for w in weights]


def zipf_trace(requests: int = 20000, *, objects: int = 1000, s: float = 1.0, duration: float = 3600,
               edges: Mapping[str, float] | None = None, dynamic_share: float = 0.1, pages_share: float = 0.1,
               page_update_every: float = 600, seed: int = SEED) -> Trace:
    """A request trace: Poisson arrivals over `duration` seconds, static objects chosen by Zipf
    popularity, a share of dynamic API requests, and some pages that the origin updates regularly.

    Objects: /static/o0001.jpg ... (sizes 10-500 KB, never change), every tenth object is a page
    /pages/o0010.html (updated every `page_update_every` s); dynamic: /api/a01 ... (per user)."""
    if isinstance(requests, bool) or not isinstance(requests, int) or not 1 <= requests <= 2_000_000:
        raise InputError(f"requests is a whole number from 1 to 2000000; got {requests!r}.")
    if not 0 <= dynamic_share <= 1 or not 0 <= pages_share <= 1:
        raise InputError("dynamic_share and pages_share are fractions from 0 to 1.")
    if isinstance(s, bool) or not isinstance(s, (int, float)) or s < 0:
        raise InputError(f"s is Zipf's skew, a number of 0 or more (1 is typical of the web); got {s!r}.")
    if isinstance(duration, bool) or not isinstance(duration, (int, float)) or duration <= 0:
        raise InputError(f"duration is the trace's length in seconds, more than 0; got {duration!r}.")
    edges = dict(edges or {"Seoul": 0.7, "Tokyo": 0.3})
    if any(isinstance(w, bool) or not isinstance(w, (int, float)) or w < 0 for w in edges.values()) \
            or not sum(edges.values()) > 0:
        raise InputError("edges maps each edge location to its share of the users, like {'Seoul': 0.7, 'Tokyo': 0.3}.")
    rng = random.Random(seed)
    site_content: dict[str, Content] = {}
    paths = []
    page_every = max(1, round(1 / pages_share)) if pages_share else 0
    for k in range(1, objects + 1):
        if page_every and k % page_every == 0:
            path = f"/pages/o{k:04d}.html"
            site_content[path] = Content(size_kb=round(rng.uniform(20, 80)), updated_every=page_update_every)
        else:
            path = f"/static/o{k:04d}.jpg"
            site_content[path] = Content(size_kb=round(math.exp(rng.uniform(math.log(10), math.log(500)))))
        paths.append(path)
    dynamic_paths = [f"/api/a{i:02d}" for i in range(1, 21)]
    for path in dynamic_paths:
        site_content[path] = Content(size_kb=2, cache_control="private, no-store", dynamic=True)
    cumulative = []
    running = 0.0
    for share in zipf_shares(objects, s):
        running += share
        cumulative.append(running)
    edge_names = list(edges)
    edge_cumulative = []
    running = 0.0
    for name in edge_names:
        running += edges[name]
        edge_cumulative.append(running)
    rate = requests / duration
    t = 0.0
    out = []
    for _ in range(requests):
        t += rng.expovariate(rate)
        edge = edge_names[min(bisect.bisect_left(edge_cumulative, rng.random() * running), len(edge_names) - 1)]
        if rng.random() < dynamic_share:
            path = dynamic_paths[rng.randrange(len(dynamic_paths))]
        else:
            path = paths[min(bisect.bisect_left(cumulative, rng.random() * cumulative[-1]), objects - 1)]
        out.append(Request(round(t, 3), edge, path))
    return Trace(out, Site(site_content), edges, duration)


@dataclass
class Stats:
    """What replaying a trace through a distribution measured."""

    label: str
    requests: int
    edge_hits: int
    regional_hits: int
    origin_requests: int
    refresh_hits: int
    stale: int
    latencies: list[float] = field(repr=False, default_factory=list)
    duration: float = 1.0

    @property
    def hit_ratio(self) -> float:
        """Requests answered from the edge's cache (CloudFront's 'cache hit rate')."""
        return self.edge_hits / self.requests if self.requests else 0.0

    @property
    def cdn_hit_ratio(self) -> float:
        """Requests answered without the origin's help (edge or regional edge cache)."""
        return (self.edge_hits + self.regional_hits) / self.requests if self.requests else 0.0

    @property
    def origin_share(self) -> float:
        return self.origin_requests / self.requests if self.requests else 0.0

    @property
    def origin_rps(self) -> float:
        return self.origin_requests / self.duration

    @property
    def stale_share(self) -> float:
        return self.stale / self.requests if self.requests else 0.0

    @property
    def mean_ms(self) -> float:
        return sum(self.latencies) / len(self.latencies) if self.latencies else 0.0

    def percentile_ms(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))
        return ordered[index]

    def row(self) -> list[str]:
        return [self.label, str(self.requests), percent(self.hit_ratio, 1), percent(self.cdn_hit_ratio, 1),
                f"{self.origin_requests} ({percent(self.origin_share, 1)})", f"{self.origin_rps:.2f}",
                percent(self.stale_share, 2), f"{self.mean_ms:.0f}", f"{self.percentile_ms(95):.0f}"]

    HEADERS = ["setting", "requests", "edge hits", "no origin needed", "origin requests", "origin req/s",
               "stale answers", "mean ms", "p95 ms"]

    def __repr__(self) -> str:
        return repr(Table(self.HEADERS, [self.row()]))

    def _repr_html_(self) -> str:
        return Table(self.HEADERS, [self.row()])._repr_html_()


def replay(trace: Trace, distribution: Distribution, *, label: str = "") -> Stats:
    """Send every request of the trace through the distribution, in time order, and count."""
    stats = Stats(label, 0, 0, 0, 0, 0, 0, [], trace.duration)
    for request in trace.requests:
        fetch = distribution.request(request.path, edge=request.edge, at=request.time)
        stats.requests += 1
        stats.latencies.append(fetch.latency_ms)
        stats.stale += fetch.stale
        if fetch.served_by == "edge":
            stats.edge_hits += 1
        elif fetch.served_by == "regional":
            stats.regional_hits += 1
        else:
            stats.origin_requests += 1
            stats.refresh_hits += fetch.result == "RefreshHit"
    return stats


def no_cdn(trace: Trace, *, user_origin_rtt_ms: Mapping[str, float], round_trips: int = 1) -> Stats:
    """The same trace with no CDN: every request travels to the origin."""
    stats = Stats("no CDN", len(trace), 0, 0, len(trace), 0, 0, [], trace.duration)
    for request in trace.requests:
        if request.edge not in user_origin_rtt_ms:
            raise InputError(f"user_origin_rtt_ms needs a round trip for users at {request.edge!r}.")
        stats.latencies.append(round_trips * user_origin_rtt_ms[request.edge])
    return stats


def sweep(trace: Trace, make: Callable[..., Distribution], **settings: Sequence) -> list[Stats]:
    """Replay the trace once per value of ONE setting: sweep(trace, make, ttl=[60, 600, 3600]) calls
    make(ttl=60) ... and labels each result with the value."""
    if len(settings) != 1:
        raise InputError("sweep one setting at a time, like sweep(trace, make, ttl=[60, 600, 3600]).")
    (name, values), = settings.items()
    out = []
    for value in values:
        out.append(replay(trace, make(**{name: value}), label=f"{name}={value}"))
    return out


def stats_table(results: Sequence[Stats], title: str = "") -> Table:
    return Table(Stats.HEADERS, [s.row() for s in results], title=title)


def lesson_distribution(site: Site, *, ttl: int | None = None, edge_capacity_mb: float | None = 200,
                        regional_capacity_mb: float | None = 2000, regional: bool = True,
                        edges: Sequence[str] = ("Seoul", "Tokyo")) -> Distribution:
    """The lesson's distribution: edges in Seoul and Tokyo, a regional edge cache, an origin in
    us-east-1 (150 ms from the regional cache). ttl fixes every static object's TTL (the origin
    sends no header, and the policy's default = maximum TTL = ttl); None keeps CachingOptimized.
    regional=False keeps the same path to the origin but no regional cache."""
    locations = {"Seoul": EdgeLocation("Seoul", 5, 35, edge_capacity_mb),
                 "Tokyo": EdgeLocation("Tokyo", 5, 5, edge_capacity_mb)}
    policy = CACHING_OPTIMIZED if ttl is None else CachePolicy(min(ttl, 1) if ttl else 0, ttl, ttl, f"TTL {ttl} s")
    behaviors = [Behavior("/api/*", "app", CACHING_DISABLED), Behavior("*", "site", policy)]
    origins = [Origin("site", "S3 bucket", origin_access_control=True), Origin("app", "load balancer (ELB)")]
    unknown = [e for e in edges if e not in locations]
    if unknown:
        raise InputError(f"the lesson's edge locations are Seoul and Tokyo; got {unknown[0]!r}.")
    rec = RegionalEdgeCache("Tokyo", 150, regional_capacity_mb)
    # Without the regional cache the geography stays (edge -> Tokyo -> origin), only the cache goes.
    return Distribution(site, edges=[locations[e] for e in edges], regional=rec, origins=origins,
                        behaviors=behaviors, regional_caching=regional)
