# %% [markdown]
# # Lab · Tune CDN TTLs
#
# **Mission.** A web shop puts Amazon CloudFront in front of its origin in us-east-1, and the first
# week went badly: the home page showed yesterday's offers, one customer saw another's cart, and the
# origin's bill did not go down. Decide what may be cached and for how long, keep personal data out
# of every cache, choose how deploys reach users, and prove it on a real edge cache.
#
# The checks use two tools from lesson 12. The **CDN model** (`helpers.sim.cdn`) replays an hour of
# the shop's traffic (20,000 requests, Zipf popularity, users in Seoul and Tokyo) to measure hit
# ratios and stale answers. The **live edge** is nginx as a caching reverse proxy in a lab network,
# with the shop's origin 100 ms away: `world.apply()` makes the origin send your `Cache-Control`
# headers and writes nginx's configuration from your behaviors, as changing a distribution would.
#
# **Time:** 30-45 minutes. **Prerequisites:** lesson 12 (*CDN with CloudFront*: hits and misses,
# TTLs and Cache-Control, static and dynamic content, behaviors, invalidations). Step 6 needs a live
# lab mode with nginx installed; offline mode replays what this notebook recorded when it was built,
# so your own changes can be checked live only where labs run.

# %% [markdown]
# ## Set-up
# This builds the lab (client, edge with nginx, origin) with the settings you inherited: the origin
# sends no `Cache-Control` header at all, and one behavior (`*`) caches whatever the headers allow.

# %%
import helpers

helpers.setup()
from helpers.experiments.l12 import BRIEF_TEXT, HONOUR_ORIGIN, TtlWorld, ttl_mission
from helpers.sim.cdn import CACHING_DISABLED, CACHING_OPTIMIZED, Behavior

world = TtlWorld.fresh()
mission = ttl_mission(world)
world

# %%
print(BRIEF_TEXT)

# %% [markdown]
# The whole mission, step by step:

# %%
mission

# %% [markdown]
# What the edge does with the inherited settings: two requests per path, and nginx's
# `X-Cache-Status` for each. Nothing is ever a hit: without a header, nothing is cached.

# %%
world.observe()

# %% [markdown]
# ## How to change things
# * `world.kinds`, `world.headers`: dicts keyed by the shop's paths (`world` lists them).
# * `world.page_ttl`: a number of seconds; `world.try_ttl(600)` replays the hour through the model with
#   that TTL and shows the edge hit ratio and the share of stale answers.
# * `world.behaviors`: a list of `Behavior(pattern, "origin", policy)`, the default `*` last. Policies:
#   `CACHING_DISABLED`, `CACHING_OPTIMIZED`, `HONOUR_ORIGIN` (use the origin's headers; minimum and
#   default TTL 0).
# * `world.invalidation_cost`, `world.update_method`: a number and a word.
# * `world.apply()` restarts the origin with your headers and nginx with your behaviors (its cache
#   starts empty). To start over, run the set-up cell again.

# %% [markdown] tags=["concept:cdn.static-dynamic"]
# ## Step 1 · Static or dynamic?
# Static content is the same for every user; dynamic content is made per request or per user. Only
# static content may sit in a shared cache.

# %% tags=["concept:cdn.static-dynamic"]
mission.goal(1)

# %%
# Your answer for step 1, e.g. world.kinds = {"/index.html": ..., ...}


# %% tags=["concept:cdn.static-dynamic"]
mission.check(1)

# %% [markdown] tags=["concept:cdn.ttl"]
# ## Step 2 · A Cache-Control header for each path
# The origin's header decides whether and how long the edge keeps an answer: `max-age=N` (seconds),
# `s-maxage=N` (shared caches only), `public`, `private`, `no-store`, `no-cache`, `immutable`. Match
# each lifetime to how often the content changes, and remember what happens to a file whose name
# changes with its content.

# %% tags=["concept:cdn.ttl"]
mission.goal(2)

# %%
# Your answer for step 2: world.headers = {...}


# %% tags=["concept:cdn.ttl"]
mission.check(2)

# %% [markdown] tags=["concept:cdn.ttl"]
# ## Step 3 · One TTL for the hit-ratio target
# The shop's cache policy will use one TTL for its pages and files. Longer means more hits and less
# origin load, and more stale answers (the pages change every 10 minutes). Measure a few TTLs with
# the model before you choose:

# %% tags=["concept:cdn.ttl"]
mission.goal(3)

# %%
world.try_ttl(60)

# %%
# Your answer for step 3: world.page_ttl = ...


# %% tags=["concept:cdn.ttl"]
mission.check(3)

# %% [markdown] tags=["concept:cdn.cloudfront-features"]
# ## Step 4 · Never cache the API
# A header forgotten by one developer should not leak a cart. A behavior with caching disabled for
# the API's paths protects them whatever the origin sends. Behaviors are tried in order; the first
# match wins.

# %% tags=["concept:cdn.cloudfront-features"]
mission.goal(4)

# %%
# Your answer for step 4: world.behaviors = [...]


# %% tags=["concept:cdn.cloudfront-features"]
mission.check(4)

# %% [markdown] tags=["concept:cdn.ttl"]
# ## Step 5 · Deploys: invalidate or version?
# The shop deploys 40 times a month, changing 30 files each time. Work out what invalidating each
# changed file would cost (the first 1,000 invalidation paths of a month are free, then USD 0.005
# per path), then choose how new files reach users.

# %% tags=["concept:cdn.ttl"]
mission.goal(5)

# %%
# Your answer for step 5: world.invalidation_cost = ...; world.update_method = ...


# %% tags=["concept:cdn.ttl"]
mission.check(5)

# %% [markdown] tags=["concept:cdn.cache-hit-miss"]
# ## Step 6 · Prove it on the live edge
# `world.apply()` sends your headers and behaviors to the lab. The check then asks for every path
# twice through nginx: static paths must be a `MISS` then a `HIT`, personal pages never a `HIT`, and
# the API a `BYPASS`.

# %% tags=["concept:cdn.cache-hit-miss"]
mission.goal(6)

# %%
# Step 6: world.apply(), then check


# %% tags=["concept:cdn.cache-hit-miss"]
mission.check(6)

# %% [markdown]
# ## Progress
# The whole mission at a glance (run it whenever you like):

# %%
mission.check()

# %% [markdown]
# ### Try it
# When the mission is complete, set the home page's `max-age` to 5, `world.apply()`, and ask for it
# with `world.lab.get("/index.html")` before and after `world.lab.wait(6)`: the edge fetches it again
# (`EXPIRED`).
#
# ## Stuck?
# Read the hint of `mission.check(N)` again: it names what it found. Instructors can show a step's
# reference answer with `mission.reveal(N, instructor=True)`; without that, it only says where the
# solutions are kept:

# %%
mission.reveal(1)

# %% [markdown]
# ## Clean up
# Stop the lab when you are done (it also stops when the notebook's kernel stops).

# %%
world.close()

# %% [markdown]
# **Back to the lesson:** [12 · CDN with CloudFront](../../notebooks/12-cdn.ipynb)
