# %% [markdown]
# # 12 · CDN with CloudFront
#
# A web shop in Virginia is a long way from a customer in Seoul: every request crosses the Pacific
# and back, around 190 ms before the first byte, and every request, from every country, lands on
# the same servers. A **content delivery network** (콘텐츠 전송 네트워크, CDN) puts caches close to
# the users and answers from them whenever it can: the users wait less and the servers see a
# fraction of the traffic. **Amazon CloudFront** (아마존 클라우드프론트) is AWS's CDN. In this lesson
# you run a real edge cache (nginx) in a lab network, watch it answer hits and misses and let
# objects expire, compare every answer with a model of CloudFront, and use that model to see what
# a copy's lifetime, its TTL (유효 시간), trades: fewer trips to the servers against older answers.
#
# **Learning objectives.** After this lesson you can:
# 1. explain what a CDN saves (latency for users, load on the servers) and estimate it from a
#    hit ratio (캐시 적중률);
# 2. predict hits and misses of a request sequence from the `Cache-Control` (캐시 제어 헤더) header;
# 3. choose a TTL knowing what it trades, and fix stale (오래된) content with invalidations (무효화)
#    or versioned file names (버전이 붙은 파일 이름);
# 4. tell static content (정적 콘텐츠) from dynamic content (동적 콘텐츠) and keep the latter out of caches;
# 5. name CloudFront's parts: origins (오리진), the distribution (배포), regional edge caches (리전별
#    엣지 캐시) and edge locations (엣지 로케이션), and its main features (HTTPS, several origins,
#    access control).
#
# **Builds on:** [07 · HTTP and DNS](07-http-and-dns.ipynb) (HTTP headers, caching by TTL),
# [10 · Load balancing](10-load-balancing.ipynb) (a proxy in front of servers) and
# [11 · Route 53](11-route53.ipynb) (latency from different places).

# %% [markdown]
# ## Setup

# %%
import matplotlib.pyplot as plt

import helpers

helpers.setup()

from helpers.draw import cdn as draw
from helpers.exercises import l12 as lesson
from helpers.experiments import l12
from helpers.sim import cdn
from helpers.sim.cdn import CACHING_OPTIMIZED, CachePolicy, ViewerRequest

# %% [markdown] tags=["concept:cdn.why"]
# ## 1. Why a CDN
#
# Without a CDN, every request goes to the **origin** (오리진), the server that holds the original
# content. The model below replays a realistic hour of traffic: 20,000 requests from users in Seoul
# (70%) and Tokyo (30%) for a site of 1,000 objects (images and pages) plus a per-user API. Which
# objects people ask for follows **Zipf's law** (지프의 법칙): the k-th most popular object gets a
# share proportional to 1/k, so a few objects get most of the requests:

# %% tags=["concept:cdn.why"]
trace = cdn.zipf_trace(20000, seed=12)
shares = cdn.zipf_shares(1000)
print(f"{len(trace)} requests over {trace.duration:g} s; {len(trace.site.content)} paths at the origin")
print(f"the 10 most popular objects get {sum(shares[:10]):.0%} of the requests for objects, "
      f"the top 100 get {sum(shares[:100]):.0%}")
trace.popularity()[:5]

# %% [markdown] tags=["concept:cdn.why"]
# Now the same hour twice: once straight to the origin in Virginia (190 ms round trip from Seoul,
# 160 ms from Tokyo), once through CloudFront with an **edge location** (엣지 로케이션) in each city,
# 5 ms from its users. The edges share a **regional edge cache** (리전별 엣지 캐시) in Tokyo, 150 ms
# from the origin. (Latency is counted in round trips; a real page load needs several, so real
# savings are several times these.)

# %% tags=["concept:cdn.why"]
direct = cdn.no_cdn(trace, user_origin_rtt_ms={"Seoul": 190, "Tokyo": 160})
through = cdn.replay(trace, cdn.lesson_distribution(trace.site), label="through CloudFront")
cdn.stats_table([direct, through], title="One hour of traffic, without and with a CDN")

# %% [markdown] tags=["concept:cdn.why"]
# Two savings in one table. The origin answers about one request in seven (two thirds of those are
# per-user API calls, which no cache may answer), so it needs a fraction of the servers. And the
# mean user waits a fraction of the time, because most answers come from 5 ms away instead of
# 160-190 ms. Requests that do reach the origin are no faster than without a CDN (the p95 column):
# a CDN speeds up what it can cache.
#
# **Try it:** change `seed=12` or use `cdn.zipf_trace(20000, s=0.6)` (a flatter popularity: more
# objects share the requests) and rerun. The flatter the popularity, the fewer hits.

# %% tags=["concept:cdn.why"]
answer = None  # ← requests per second
lesson.origin_load.check(answer)

# %% [markdown] tags=["concept:cdn.cache-hit-miss"]
# ## 2. Hits and misses, on a real edge cache
#
# A CDN edge is a **reverse proxy** (리버스 프록시) with a cache: it takes requests meant for the
# origin, answers from its copy if it has a fresh one (a **cache hit** (캐시 적중)), and otherwise
# fetches from the origin, keeps a copy if allowed, and answers (a **cache miss** (캐시 미스)). The
# share of requests answered from the cache is the **hit ratio** (캐시 적중률).
#
# The lab: a `client`, an `edge` running **nginx** as a caching reverse proxy, and an `origin`
# behind a cable with 50 ms of delay each way (a 100 ms round trip, like a far-away region). The
# origin runs a small web server with three paths:

# %% tags=["concept:cdn.cache-hit-miss"]
lab = l12.CdnLab()
lab

# %% tags=["concept:cdn.cache-hit-miss"]
for path, (cache_control, body, kind, dynamic) in l12.CONTENT.items():
    print(f"{path:18} Cache-Control: {cache_control:22} {'dynamic' if dynamic else 'static'}")

# %% [markdown] tags=["concept:cdn.cache-hit-miss"]
# Start the lab and nginx. Its configuration is written from the same *behaviors* a CloudFront
# distribution has (section 5): `/api/*` is never cached, everything else is cached as the origin's
# headers allow. The line that matters for us, `add_header X-Cache-Status $upstream_cache_status`,
# makes nginx tell the client what its cache did, as CloudFront's `X-Cache` header does
# (`Hit from cloudfront`, `Miss from cloudfront`).

# %% tags=["concept:cdn.cache-hit-miss"]
lab.start()
lab.run_nginx()

# %% [markdown] tags=["concept:cdn.cache-hit-miss"]
# The first request for the logo finds nothing in the edge's cache:

# %% tags=["concept:cdn.cache-hit-miss"]
lab.get("/static/logo.png")

# %% [markdown] tags=["concept:cdn.cache-hit-miss"]
# The second finds the copy the first one left:

# %% tags=["concept:cdn.cache-hit-miss"]
lab.get("/static/logo.png")

# %% [markdown] tags=["concept:cdn.cache-hit-miss"]
# The origin's own log agrees: it answered one request, not two.

# %% tags=["concept:cdn.cache-hit-miss"]
lab.origin_requests()

# %% [markdown] tags=["concept:cdn.cache-hit-miss"]
# Now a longer sequence, against a fresh (empty) edge: three requests for the logo, two for the
# personal account page, two for the API, then a pause longer than the logo's `max-age=3` and two
# more for the logo. Next to each answer is what the CloudFront model predicts for the same
# requests at the same times (the model's `RefreshHit` is an expired copy fetched again; nginx calls
# it `EXPIRED`):

# %% tags=["concept:cdn.cache-hit-miss"]
lab.run_nginx()
run = lab.play(l12.SEQUENCE)
run.compare()

# %% [markdown] tags=["concept:cdn.cache-hit-miss"]
# Every answer as predicted. How long did they take? A hit never leaves the edge; a fetch crosses
# the 100 ms round trip to the origin twice (nginx opens a new connection, then asks), so the model
# predicts about 200 ms. The measured times change from run to run, so this cell's numbers are not
# compared when the notebook is tested:

# %% tags=["concept:cdn.cache-hit-miss"]
# NBVAL_IGNORE_OUTPUT
timing = run.latency()
predicted = lab.model().request("/static/logo.png", edge="edge").latency_ms
print(f"edge hit: {timing['edge hit']:.1f} ms; origin fetch: {timing['origin fetch']:.0f} ms "
      f"(the model: {predicted:g} ms)")
assert timing["edge hit"] < timing["origin fetch"]

# %% tags=["concept:cdn.cache-hit-miss"]
print("a hit is faster than an origin fetch:", timing["edge hit"] < timing["origin fetch"])
print("an origin fetch costs at least one round trip to the origin:", timing["origin fetch"] >= 100)
print("the origin answered", lab.origin_requests() - 1, "of the", len(run.rows), "requests")

# %% [markdown] tags=["concept:cdn.cache-hit-miss"]
# **Try it:** `lab.get("/static/logo.png")` a few times, `lab.wait(4)`, then again: the first answer
# after the pause is `EXPIRED`. Or play your own sequence: `lab.play([(0, "/static/logo.png"),
# (2, "/static/logo.png")]).compare()` (live mode only: offline mode replays the recorded requests).

# %% tags=["concept:cdn.cache-hit-miss"]
display(lesson.ask(lesson.first_request))
lesson.first_request.check(None)  # ← your option

# %% tags=["concept:cdn.cache-hit-miss"]
answer = None  # ← a list of times
lesson.which_hits.check(answer)

# %% [markdown] tags=["concept:cdn.ttl"]
# ## 3. The TTL: how long a copy may be served
#
# A cached copy is served until its **TTL** (유효 시간) runs out: its time to live. The origin
# proposes one in the **Cache-Control** (캐시 제어 헤더) header of its answer: `max-age=3600` (any
# cache may keep it an hour), `s-maxage=...` (shared caches like CloudFront; it wins over max-age
# there), `no-store` or `private` (do not cache). CloudFront keeps the origin's value within the
# minimum, default and maximum TTL of the behavior's **cache policy** (캐시 정책); the default TTL
# applies when the origin sends no header at all. AWS's managed policy *CachingOptimized* has
# minimum 1 s, default 1 day, maximum 1 year:

# %% tags=["concept:cdn.ttl"]
for header in ["max-age=600", "public, max-age=300, s-maxage=3600", "max-age=0", None, "no-store",
               "max-age=99999999"]:
    ttl, why = CACHING_OPTIMIZED.explain(header)
    print(f"{str(header):36} -> {ttl:>8} s  ({why})")

# %% [markdown] tags=["concept:cdn.ttl"]
# Note the fifth line: with a minimum TTL above 0, CloudFront caches even what the origin marked
# `no-store`. A behavior meant for personal content needs a policy with minimum TTL 0 (or caching
# disabled, section 4).
#
# Which TTL is right? A longer TTL means more hits and less load on the origin, but when the origin
# publishes a new version, the edges keep serving their **stale** (오래된) copies until the TTL
# runs out. The model replays the same hour with TTLs from 10 s to an hour, with and without the
# regional edge cache. The site's pages change every 10 minutes; images never do:

# %% tags=["concept:cdn.ttl"]
ttls = [10, 30, 60, 300, 900, 1800, 3600]
with_rec = cdn.sweep(trace, lambda ttl: cdn.lesson_distribution(trace.site, ttl=ttl), ttl=ttls)
without_rec = cdn.sweep(trace, lambda ttl: cdn.lesson_distribution(trace.site, ttl=ttl, regional=False), ttl=ttls)
draw.plot_sweep({"with regional edge cache": with_rec, "edges only": without_rec}, ttls,
                title="What the TTL trades (one hour, 20,000 requests)")
plt.show()

# %% tags=["concept:cdn.ttl"]
cdn.stats_table(with_rec, title="With the regional edge cache")

# %% [markdown] tags=["concept:cdn.ttl"]
# Read it left to right: from 10 s to an hour the hit ratio climbs and the origin's load and the
# users' mean latency fall; stale answers stay rare while the TTL is shorter than the pages' 10
# minutes, then climb. The regional edge cache helps most where the edges miss most (short TTLs):
# one edge's miss is often the regional cache's hit.
#
# Cache *size* matters as well: an edge keeps only so much, and evicts the least recently used
# objects to make room. The same hour with a 1-hour TTL and edges of different sizes:

# %% tags=["concept:cdn.ttl"]
sizes = [5, 20, 50, 200, 1000]
by_size = {
    "with regional edge cache": cdn.sweep(
        trace, lambda edge_capacity_mb: cdn.lesson_distribution(trace.site, ttl=3600, edge_capacity_mb=edge_capacity_mb),
        edge_capacity_mb=sizes),
    "edges only": cdn.sweep(
        trace, lambda edge_capacity_mb: cdn.lesson_distribution(trace.site, ttl=3600, edge_capacity_mb=edge_capacity_mb,
                                                                regional=False),
        edge_capacity_mb=sizes),
}
draw.plot_sweep(by_size, sizes, xlabel="edge cache size (MB)", metrics=("hit_ratio", "origin_rps", "mean_ms"))
plt.show()

# %% [markdown] tags=["concept:cdn.ttl"]
# When a page must change *now*, there are two ways out of a long TTL:
#
# * an **invalidation** (무효화): you tell CloudFront to drop paths (`/index.html`, or `/images/*`)
#   from every cache; the next request is a miss. It takes a minute or so to reach every edge, and
#   beyond 1,000 paths a month each path costs USD 0.005 (a wildcard counts as one path);
# * **versioned file names** (버전이 붙은 파일 이름): `app.3f9a1c.js` instead of `app.js`. A new
#   version is a new name, so nothing needs invalidating, and each name can be cached for a year.
#   Only the page that names the files needs a short TTL.

# %% tags=["concept:cdn.ttl"]
dist = cdn.lesson_distribution(trace.site, ttl=86400)
for t in (0, 10):
    dist.request("/pages/o0010.html", edge="Seoul", at=t)
trace.site.publish("/pages/o0010.html", at=20)  # the origin gets a new version
print(dist.request("/pages/o0010.html", edge="Seoul", at=30))
print(dist.invalidate(["/pages/o0010.html"], at=40))
print(dist.request("/pages/o0010.html", edge="Seoul", at=50))
print("a month of 40 deploys x 30 changed files, invalidated one by one: USD",
      cdn.invalidation_cost(40 * 30))

# %% [markdown] tags=["concept:cdn.ttl"]
# **Try it:** add `120` to `ttls` and rerun the sweep; or set `regional_capacity_mb=50` in
# `cdn.lesson_distribution(...)` and watch the regional cache help less.

# %% tags=["concept:cdn.ttl"]
answer = None  # ← seconds
lesson.ttl_from_headers.check(answer)

# %% tags=["concept:cdn.ttl"]
display(lesson.ask(lesson.longer_ttl))
lesson.longer_ttl.check(None)  # ← your option

# %% tags=["concept:cdn.ttl"]
answer = None  # ← USD
lesson.invalidation_bill.check(answer)

# %% [markdown] tags=["concept:cdn.static-dynamic"]
# ## 4. Static and dynamic content
#
# **Static content** (정적 콘텐츠) is the same for every user and changes only when someone publishes
# it: images, stylesheets, scripts, downloads. It caches well. **Dynamic content** (동적 콘텐츠) is
# made per request or per user: a shopping cart, an account page, search results, API answers.
# Cached, one user's cart would be served to the next, so it must always go to the origin: a miss,
# every time. The lab showed both ways of keeping it out of the cache:
#
# * the origin says so: `/account.html` comes with `Cache-Control: private, no-store`; nginx looks in
#   its cache, finds nothing, fetches, and stores nothing (`MISS`, again and again);
# * the distribution says so: the behavior for `/api/*` has caching disabled, so nginx does not even
#   look (`BYPASS`). That protects the API even if a developer forgets the header.

# %% tags=["concept:cdn.static-dynamic"]
[lab.get(path).cache_status for path in ("/api/cart", "/api/cart", "/account.html", "/account.html")]

# %% [markdown] tags=["concept:cdn.static-dynamic"]
# A CDN still helps dynamic content a little: the user's connection ends at the nearby edge, and
# CloudFront keeps its connections to the origin open over AWS's network. In the model, the API's
# share of the hour's traffic is a floor: the origin answers at least that much, however long the TTL:

# %% tags=["concept:cdn.static-dynamic"]
api = sum(1 for r in trace.requests if r.path.startswith("/api/"))
print(f"API requests: {api} of {len(trace)} ({api / len(trace):.1%})")
print(f"origin requests with a 1-hour TTL: {with_rec[-1].origin_requests} ({with_rec[-1].origin_share:.1%})")

# %% [markdown] tags=["concept:cdn.static-dynamic"]
# **Try it:** in the model, give one API path a header that allows caching
# (`trace.site.content["/api/a01"].cache_control = "max-age=60"`); it is still never cached,
# because it is marked dynamic *and* its behavior disables caching.

# %% tags=["concept:cdn.static-dynamic"]
answer = None  # ← a list of paths
lesson.cacheable_paths.check(answer)

# %% [markdown] tags=["concept:cdn.cloudfront-parts"]
# ## 5. CloudFront's parts
#
# * **Origins**: where the content comes from: an S3 bucket, an EC2 instance, a load balancer (ELB),
#   or any HTTP server on the internet, your own data centre included (a *custom origin*).
# * A **distribution** (배포): your CloudFront set-up, with its own domain name
#   (`d1a2b3c4d5e6f7.cloudfront.net`, or your own through Route 53): its origins, its **cache
#   behaviors** (캐시 동작) (path patterns like `/api/*`, each with an origin and a cache policy;
#   the first match wins, `*` is the default) and its settings.
# * **Regional edge caches**: about a dozen large caches, between the origins and the edges.
# * **Edge locations**: hundreds of sites in cities around the world, where users connect.
#   DNS sends each user to a nearby one.

# %% tags=["concept:cdn.cloudfront-parts"]
draw.plot_parts(("Seoul", "Tokyo", "Singapore"))
plt.show()

# %% [markdown] tags=["concept:cdn.cloudfront-parts"]
# The lesson's distribution, as the model describes it: two behaviors, two origins.

# %% tags=["concept:cdn.cloudfront-parts"]
dist = cdn.lesson_distribution(trace.site)
dist.table()

# %% [markdown] tags=["concept:cdn.cloudfront-parts"]
# **Try it:** `cdn.lesson_distribution(trace.site, edges=("Seoul",))` serves every user from Seoul;
# replay the trace through it (Tokyo's users then need `cdn.zipf_trace(..., edges={"Seoul": 1})`).

# %% tags=["concept:cdn.cloudfront-parts"]
display(lesson.ask(lesson.between))
lesson.between.check(None)  # ← your option

# %% tags=["concept:cdn.cloudfront-parts"]
answer = None  # ← a list
lesson.origin_kinds.check(answer)

# %% [markdown] tags=["concept:cdn.cloudfront-features"]
# ## 6. CloudFront's features
#
# * **HTTPS**: each behavior has a *viewer protocol policy*: allow HTTP, redirect HTTP to HTTPS, or
#   HTTPS only. CloudFront ends TLS at the edge with your certificate (from ACM) and can talk HTTPS
#   to the origin too.
# * **Several origins**: behaviors send `/api/*` to a load balancer and everything else to S3,
#   under one domain name.
# * **Access control**: **origin access control** (오리진 액세스 제어, OAC) lets only the
#   distribution read an S3 bucket, so nobody can go around CloudFront; a **signed URL** (서명된 URL)
#   (or signed cookie) restricts a behavior to users your application has authorised, until an
#   expiry time; a **geographic restriction** (지리적 제한) allows or blocks whole countries.
#
# The model's `route()` applies these rules to viewer requests, before any caching:

# %% tags=["concept:cdn.cloudfront-features"]
from helpers.sim.cdn import Behavior, Distribution, EdgeLocation, Origin, RegionalEdgeCache

shop = Distribution(
    trace.site, edges=[EdgeLocation("Seoul")], regional=RegionalEdgeCache("Tokyo"),
    origins=[Origin("site", "S3 bucket", origin_access_control=True), Origin("app", "load balancer (ELB)")],
    behaviors=[Behavior("/api/*", "app", cdn.CACHING_DISABLED, viewer_protocol="https-only"),
               Behavior("/pages/*", "site", signed_urls=True),
               Behavior("*", "site", viewer_protocol="redirect-to-https")],
    blocked_countries=["XX"])
for request in [ViewerRequest("/static/o0001.jpg"), ViewerRequest("/static/o0001.jpg", scheme="http"),
                ViewerRequest("/api/a01", scheme="http"), ViewerRequest("/api/a01", method="POST"),
                ViewerRequest("/pages/o0010.html"), ViewerRequest("/pages/o0010.html", signed=True),
                ViewerRequest("/static/o0001.jpg", country="XX")]:
    print(f"{request.method:4} {request.scheme:5} {request.path:18} {request.country or '':2} "
          f"{'signed' if request.signed else '      '} -> {shop.route(request)}")

# %% [markdown] tags=["concept:cdn.cloudfront-features"]
# The POST to the API is refused because the behavior allows only GET and HEAD (the default); an
# API behavior would allow all methods. ("XX" stands for any blocked country code.)
#
# **Try it:** add `methods=("GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE")` to the
# `/api/*` behavior and rerun; the POST now goes to the load balancer.

# %% tags=["concept:cdn.cloudfront-features"]
display(lesson.ask(lesson.private_bucket))
lesson.private_bucket.check(None)  # ← your option

# %%
lab.stop()

# %% [markdown]
# ## Summary
# * A CDN answers from caches near the users: lower latency for them, a fraction of the load for the
#   origin. The saving is the hit ratio, and popularity (Zipf) makes high hit ratios possible.
# * A hit is served by the edge; a miss is fetched from the origin (or the regional edge cache) and
#   stored. The live nginx edge and the CloudFront model agreed on every answer.
# * The TTL comes from `Cache-Control` (s-maxage, max-age), kept within the cache policy's minimum,
#   default and maximum. Longer TTLs mean more hits and less origin load, and staler answers;
#   invalidations and versioned file names fix staleness.
# * Static content caches; dynamic content (per user) must not: `private, no-store` from the origin,
#   and a behavior with caching disabled.
# * CloudFront: origins (S3, EC2, ELB, custom), a distribution with behaviors, regional edge caches,
#   edge locations; HTTPS, several origins, OAC, signed URLs, geographic restrictions.
#
# Practise it: the lab mission [Tune CDN TTLs](../labs/cdn-ttl/mission.ipynb).
#
# ## Terms

# %%
from helpers import glossary

glossary.terms("12")

# %% [markdown]
# **Next:** [13 · Storage](13-storage.ipynb)
