"""The CDN model (helpers/sim/cdn.py) against hand-worked expectations."""
from __future__ import annotations

import math

import pytest

from helpers.errors import InputError
from helpers.sim import cdn
from helpers.sim.cdn import (CACHING_DISABLED, CACHING_OPTIMIZED, Behavior, Cache, CachePolicy, Content,
                             Distribution, EdgeLocation, Origin, RegionalEdgeCache, Site, ViewerRequest)


def one_edge(content, *, policy=CACHING_OPTIMIZED, regional=False):
    """One edge 5 ms from its users; the origin 100 ms from the edge (or 20 + 80 via a regional cache)."""
    site = Site(content)
    edge = EdgeLocation("E", user_rtt_ms=5, regional_rtt_ms=20)
    behaviors = [Behavior("*", "origin", policy)]
    if regional:
        return Distribution(site, edges=[edge], regional=RegionalEdgeCache("R", origin_rtt_ms=80),
                            behaviors=behaviors)
    return Distribution(site, edges=[edge], origin_rtt_ms=100, behaviors=behaviors)


def results(dist, path, times, edge="E"):
    return [(f.result, f.served_by, f.latency_ms) for f in (dist.request(path, edge=edge, at=t) for t in times)]


# ---------------------------------------------------------------------------- TTL rules

@pytest.mark.parametrize("header, expected", [
    ("max-age=60", 60),
    ("public, max-age=60, s-maxage=300", 300),     # s-maxage is for shared caches: it wins
    ("max-age=99999999", cdn.YEAR),                # cut to the maximum TTL
    ("max-age=0", 1),                              # raised to CachingOptimized's minimum of 1 s
    (None, cdn.DAY),                               # no header: the default TTL
    ("no-store", 1),                               # a minimum TTL above 0 overrides no-store
])
def test_ttl_rules_of_caching_optimized(header, expected):
    assert CACHING_OPTIMIZED.ttl(header) == expected


def test_ttl_with_a_zero_minimum_and_expires():
    policy = CachePolicy(0, 100, 1000)
    assert policy.ttl("private, max-age=600") == 0
    assert policy.ttl("no-cache") == 0
    assert policy.ttl(None, expires_in=250) == 250
    assert policy.ttl("max-age=30", expires_in=250) == 30     # Cache-Control beats Expires
    assert policy.ttl(None) == 100
    assert CACHING_DISABLED.ttl("max-age=600") == 0
    assert cdn.parse_cache_control('Public, Max-Age="60"') == {"public": True, "max-age": 60}


# ---------------------------------------------------------------------------- hits and misses

def test_hit_miss_sequence_and_ttl_boundary():
    dist = one_edge({"/a": Content(10, "max-age=10")})
    assert results(dist, "/a", [0, 5, 9.999, 10, 10.5, 19.9, 20.0]) == [
        ("Miss", "origin", 105), ("Hit", "edge", 5), ("Hit", "edge", 5),
        ("RefreshHit", "origin", 105),   # expired exactly at 0 + 10 s: a conditional GET, unchanged
        ("Hit", "edge", 5), ("Hit", "edge", 5), ("RefreshHit", "origin", 105)]


def test_a_new_version_at_the_origin_is_a_miss_and_cached_copies_go_stale():
    site_content = {"/p.html": Content(20, "max-age=100", updated_every=60)}
    dist = one_edge(site_content)
    first, before, after, expired = (dist.request("/p.html", at=t) for t in (0, 59, 61, 100))
    assert (first.result, before.stale, after.result, after.stale) == ("Miss", False, "Hit", True)
    assert (expired.result, expired.stale) == ("Miss", False)   # version 1 is not the cached 0: full fetch


def test_dynamic_content_always_goes_to_the_origin():
    dist = one_edge({"/api/cart": Content(2, "private, no-store", dynamic=True)})
    fetched = [dist.request("/api/cart", at=t) for t in (0, 0.1, 0.2)]
    assert [(f.result, f.served_by, f.x_cache) for f in fetched] == [("Dynamic", "origin", "Miss from cloudfront")] * 3
    assert len(dist.edge_caches["E"]) == 0


def test_no_store_is_respected_only_with_a_zero_minimum_ttl():
    content = {"/x": Content(5, "no-store")}
    uncached = one_edge(content, policy=CachePolicy(0, 60, 600))
    assert [r for r, *_ in results(uncached, "/x", [0, 0.5])] == ["Miss", "Miss"]
    forced = one_edge(content, policy=CACHING_OPTIMIZED)  # minimum TTL 1 s wins
    assert [r for r, *_ in results(forced, "/x", [0, 0.5, 1.0])] == ["Miss", "Hit", "RefreshHit"]


def test_regional_edge_cache_serves_a_second_edge_and_saves_origin_fetches():
    site = Site({"/big.mp4": Content(100, "max-age=600")})
    edges = [EdgeLocation("Seoul", 5, 30), EdgeLocation("Tokyo", 5, 10)]
    with_rec = Distribution(site, edges=edges, regional=RegionalEdgeCache("R", 150))
    without = Distribution(site, edges=edges, regional=RegionalEdgeCache("R", 150), regional_caching=False)
    for dist, second in ((with_rec, ("Miss", "regional", 15)), (without, ("Miss", "origin", 165))):
        first = dist.request("/big.mp4", edge="Seoul", at=0)
        assert (first.served_by, first.latency_ms) == ("origin", 5 + 30 + 150)
        other = dist.request("/big.mp4", edge="Tokyo", at=1)
        assert (other.result, other.served_by, other.latency_ms) == second
    # on a whole trace, the regional cache takes origin requests away and never adds any
    trace = cdn.zipf_trace(3000, objects=300, seed=3)
    a = cdn.replay(trace, cdn.lesson_distribution(trace.site, ttl=600, regional=True))
    b = cdn.replay(trace, cdn.lesson_distribution(trace.site, ttl=600, regional=False))
    assert a.origin_requests < b.origin_requests and a.regional_hits > 0 and b.regional_hits == 0
    assert a.requests == a.edge_hits + a.regional_hits + a.origin_requests == 3000


def test_longer_ttl_more_hits_less_origin_load_more_stale():
    trace = cdn.zipf_trace(4000, objects=400, seed=5)
    runs = cdn.sweep(trace, lambda ttl: cdn.lesson_distribution(trace.site, ttl=ttl), ttl=[10, 300, 3600])
    assert [r.label for r in runs] == ["ttl=10", "ttl=300", "ttl=3600"]
    hits = [r.hit_ratio for r in runs]
    assert hits[0] < hits[1] < hits[2]
    assert runs[0].origin_requests > runs[1].origin_requests > runs[2].origin_requests
    assert runs[0].stale_share <= runs[1].stale_share < runs[2].stale_share
    assert runs[0].mean_ms > runs[2].mean_ms
    no = cdn.no_cdn(trace, user_origin_rtt_ms={"Seoul": 190, "Tokyo": 160})
    assert no.origin_requests == 4000 and no.hit_ratio == 0
    assert no.mean_ms == pytest.approx(sum(190 if r.edge == "Seoul" else 160 for r in trace.requests) / 4000)


# ---------------------------------------------------------------------------- caches

def test_lru_eviction_by_capacity():
    cache = Cache("c", capacity_mb=1)          # 1024 KB
    cache.store("/a", 400, 100, 0, 0)
    cache.store("/b", 400, 100, 0, 0)
    assert cache.lookup("/a", 1)[0] == "hit"   # /a is now the most recently used
    cache.store("/c", 400, 100, 2, 0)          # 1200 KB > 1024: the least recently used (/b) goes
    assert list(cache.entries) == ["/a", "/c"] and cache.evictions == 1 and cache.used_kb == 800
    assert cache.lookup("/b", 3) == ("miss", None)
    cache.store("/huge", 2000, 100, 3, 0)      # larger than the cache: never stored
    assert "/huge" not in cache.entries and cache.used_kb == 800
    assert cache.lookup("/a", 100)[0] == "expired"


def test_invalidation_removes_copies_and_costs_per_path():
    dist = one_edge({"/img/a.png": Content(10, "max-age=3600"), "/img/b.png": Content(10, "max-age=3600"),
                     "/index.html": Content(10, "max-age=3600")}, regional=True)
    for path in ("/img/a.png", "/img/b.png", "/index.html"):
        dist.request(path, at=0)
    done = dist.invalidate(["/img/*"], at=5)
    assert done.removed == 4          # two objects, each at the edge and in the regional cache
    assert done.cost_usd == 0
    assert dist.request("/img/a.png", at=6).result == "Miss"   # nothing held: a full fetch
    assert dist.request("/index.html", at=6).result == "Hit"
    assert cdn.invalidation_cost(1000) == 0 and cdn.invalidation_cost(1001) == 0.005
    assert cdn.invalidation_cost(1200) == pytest.approx(1.0)
    dist.invalidate([f"/f{i}" for i in range(998)])             # 999 paths used this month
    assert dist.invalidate(["/a", "/b", "/c"]).cost_usd == pytest.approx(0.01)  # 2 beyond the free 1,000


# ---------------------------------------------------------------------------- Zipf traces

def test_zipf_shares():
    shares = cdn.zipf_shares(100)
    assert math.isclose(sum(shares), 1.0)
    assert all(a > b for a, b in zip(shares, shares[1:]))
    assert shares[0] / shares[1] == pytest.approx(2) and shares[0] / shares[9] == pytest.approx(10)
    assert cdn.zipf_shares(4, s=0) == [0.25] * 4
    harmonic = sum(1 / k for k in range(1, 101))
    assert shares[0] == pytest.approx(1 / harmonic)


def test_zipf_trace_is_deterministic_and_skewed():
    a, b = cdn.zipf_trace(2000, objects=100, seed=7), cdn.zipf_trace(2000, objects=100, seed=7)
    assert a.requests == b.requests and len(a) == 2000
    times = [r.time for r in a.requests]
    assert times == sorted(times) and times[-1] <= a.duration * 1.1
    static = [(p, n) for p, n in a.popularity() if not p.startswith("/api/")]
    assert static[0][0] == "/static/o0001.jpg"
    dynamic = sum(n for p, n in a.popularity() if p.startswith("/api/"))
    assert 0.07 < dynamic / 2000 < 0.13    # about the 10% asked for
    seoul = sum(r.edge == "Seoul" for r in a.requests) / 2000
    assert 0.65 < seoul < 0.75


# ---------------------------------------------------------------------------- features

def test_behaviors_and_viewer_rules():
    site = Site({"/api/cart": Content(2, dynamic=True), "/index.html": Content(10), "/paid/v.mp4": Content(900)})
    dist = Distribution(site, edges=[EdgeLocation("E")], regional=RegionalEdgeCache("R"),
                        origins=[Origin("app", "load balancer (ELB)"), Origin("web", "S3 bucket", True)],
                        behaviors=[Behavior("/api/*", "app", CACHING_DISABLED, "https-only"),
                                   Behavior("/paid/*", "web", signed_urls=True), Behavior("*", "web")],
                        blocked_countries=["kp"])
    assert dist.route(ViewerRequest("/api/cart")).origin.name == "app"
    assert dist.route(ViewerRequest("/index.html", scheme="http")).status == 301
    assert dist.route(ViewerRequest("/api/cart", scheme="http")).status == 403
    assert dist.route(ViewerRequest("/paid/v.mp4")).status == 403
    assert dist.route(ViewerRequest("/paid/v.mp4", signed=True)).status == 200
    assert dist.route(ViewerRequest("/index.html", country="KP")).status == 403
    assert dist.route(ViewerRequest("/index.html", method="POST")).status == 405
    # /api/* caches nothing even though the content carries no header
    assert [dist.request("/api/cart", at=t).served_by for t in (0, 1)] == ["origin", "origin"]


# ---------------------------------------------------------------------------- learner mistakes

def site1():
    return Site({"/a": Content(1)})


@pytest.mark.parametrize("make, words", [
    (lambda: cdn.parse_cache_control("max-age=ten"), "whole number of seconds"),
    (lambda: CachePolicy(10, 5, 100), "minimum <= default <= maximum"),
    (lambda: CachePolicy(-1, 5, 100), "0 or more"),
    (lambda: Site({"index.html": Content()}), "start with '/'"),
    (lambda: one_edge({"/a": Content()}).request("/b"), "no '/b'"),
    (lambda: one_edge({"/a": Content()}).request("/a", edge="Mars"), "no edge location 'Mars'"),
    (lambda: one_edge({"/a": Content()}).request("/a", at=-1), "0 or more"),
    (lambda: Behavior("api/*", "o"), "starts with '/'"),
    (lambda: Behavior("/a", "o", viewer_protocol="tls"), "viewer_protocol"),
    (lambda: Distribution(site1(), edges=[EdgeLocation("E")], origin_rtt_ms=1,
                          behaviors=[Behavior("/api/*", "origin")]), "default one"),
    (lambda: Distribution(site1(), edges=[EdgeLocation("E")], origin_rtt_ms=1,
                          behaviors=[Behavior("*", "nowhere")]), "does not have"),
    (lambda: Distribution(site1(), edges=[]), "at least one edge"),
    (lambda: Distribution(site1(), edges=[EdgeLocation("E")]), "origin_rtt_ms"),
    (lambda: one_edge({"/a": Content()}).invalidate(["img/*"]), "start with '/'"),
    (lambda: one_edge({"/a": Content()}).invalidate(["/a*/b"]), "may only come last"),
    (lambda: one_edge({"/a": Content()}).route(ViewerRequest("/a", scheme="ftp")), "'http' or 'https'"),
    (lambda: Origin("o", "EC2 instance", origin_access_control=True), "S3 bucket origins"),
    (lambda: Origin("o", "mainframe"), "an origin is one of"),
    (lambda: Cache("c", capacity_mb=0), "positive number"),
    (lambda: cdn.zipf_shares(0), "1 or more"),
    (lambda: cdn.zipf_trace(0), "whole number"),
    (lambda: cdn.zipf_trace(10, duration=0), "more than 0"),
    (lambda: cdn.zipf_trace(10, s=-1), "0 or more"),
    (lambda: cdn.zipf_trace(10, edges={"Seoul": -1}), "share of the users"),
    (lambda: cdn.invalidation_cost(-3), "whole number"),
    (lambda: cdn.sweep(cdn.zipf_trace(10), lambda **k: None, ttl=[1], regional=[True]), "one setting at a time"),
    (lambda: cdn.lesson_distribution(site1(), edges=("Paris",)), "Seoul and Tokyo"),
])
def test_mistakes_get_one_sentence(make, words):
    with pytest.raises(InputError) as raised:
        make()
    message = str(raised.value)
    assert words in message
    assert "\n" not in message and message.rstrip().endswith(".")


# ---------------------------------------------------------------------------- pictures' data

def test_sweep_points_are_the_stats_in_percent_and_per_second():
    from helpers.draw import cdn as draw

    trace = cdn.zipf_trace(500, objects=50, duration=100, seed=1)
    runs = cdn.sweep(trace, lambda ttl: cdn.lesson_distribution(trace.site, ttl=ttl), ttl=[1, 100])
    points = draw.sweep_points({"a": runs}, "hit_ratio")
    assert points == {"a": [runs[0].edge_hits / 5, runs[1].edge_hits / 5]}
    assert draw.sweep_points({"a": runs}, "origin_rps")["a"] == [r.origin_requests / 100 for r in runs]
    with pytest.raises(InputError, match="metric is one of"):
        draw.sweep_points({"a": runs}, "speed")
    figure = draw.plot_sweep({"a": runs, "b": runs}, [1, 100])
    assert len(figure.axes) == 4 and len(figure.axes[0].lines) == 2
    assert len(draw.plot_parts(("Seoul", "Tokyo")).axes) == 1
