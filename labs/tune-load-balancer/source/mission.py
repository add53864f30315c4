# %% [markdown]
# # Lab · Tune a load balancer
#
# **Mission.** You take over a web shop's load balancer from an admin who left in a hurry. The shop
# has three web servers and two API servers behind it, and right now nobody can buy anything:
# every page answers *503 Service Unavailable*. Fix it, then tune it the way the brief asks:
# failures noticed in time, API calls routed to the API servers, shopping carts kept on one server.
#
# The load balancer is real: **HAProxy**, running in a live lab network exactly like lesson 10's,
# standing in for an AWS Application Load Balancer. You change an AWS-style *model* of it
# (`world.alb`), and `world.apply()` turns the model into HAProxy's configuration and restarts it,
# as changing an ALB's settings in the console would. Every step is checked twice: on the model
# (does the configuration meet the brief?) and on the live lab (do real requests, real health
# checks and a real server failure behave?).
#
# **Time:** 30-45 minutes. **Prerequisites:** lesson 10 (*Load balancing and Auto Scaling*: target
# groups, health checks, listener rules, stickiness). A live lab mode (as root, or rootless where
# user namespaces are allowed) with HAProxy installed; offline mode replays what this notebook
# recorded when it was built, so your own changes can only be checked on the model there.

# %% [markdown]
# ## Set-up
# This builds the lab (client, load balancer, five servers) and starts HAProxy with the
# configuration you inherited.

# %%
import helpers

helpers.setup()
from helpers.experiments.tune_lb import BRIEF, TuneWorld, tune_mission
from helpers.sim.loadbalancer import HealthCheck, Request, Stickiness, path

world = TuneWorld.fresh()
mission = tune_mission(world)
world

# %%
BRIEF

# %% [markdown]
# The whole mission, step by step:

# %%
mission

# %% [markdown]
# ## What you inherited
# The model, as AWS would describe the load balancer. (The model runs no health checks of its own,
# so it lists every target as healthy; the live HAProxy below does run them.)

# %%
world.alb

# %% [markdown]
# and the `haproxy.cfg` HAProxy runs, written from that model (each line says which part of the
# model it comes from):

# %%
world.config

# %% [markdown]
# HAProxy's own status page says how each server is doing: its state and the result of its last
# health check (`L7OK` a good HTTP answer, `L7STS` a bad status code, followed by the code).

# %%
world.servers()

# %% [markdown]
# Six requests from the client on the internet:

# %%
world.requests(6)

# %% [markdown]
# With every web server out of service, HAProxy answers 503 itself. (An AWS load balancer would
# *fail open*: when every target of a group is unhealthy it sends requests to all of them anyway.
# HAProxy does not, which makes the mistake easier to see.)
#
# ## How to change things
# * `web = world.alb.target_groups["web"]` is the web target group: `web.health_check` (a
#   `HealthCheck(path=..., interval=..., timeout=..., healthy_threshold=..., unhealthy_threshold=...,
#   success_codes=(200,))`, times in AWS seconds), `web.stickiness` (`None` or `Stickiness(seconds)`).
# * `world.alb.listeners[80].rules` lists the listener's rules; `.rules.clear()` removes them and
#   `.add_rule(priority, [path("/pattern")], forward="group")` adds one.
# * `world.apply()` writes the new `haproxy.cfg` and restarts HAProxy. Until you run it, HAProxy
#   keeps the old configuration (the checks notice).
# * To look: `world.alb.route(Request(path="/api/orders"))` follows a request through the model;
#   `world.requests(6, paths=["/", "/api/orders"])`, `world.lab.visit()` and `world.servers()` ask
#   the live lab. To start over, run the set-up cell again.

# %% [markdown] tags=["concept:elb.health-checks"]
# ## Step 1 · Health checks that pass
# A target group sends each target a test request every *interval*; a target that fails
# *unhealthy threshold* checks in a row is taken out of service, and one that passes *healthy
# threshold* checks in a row is put back. A check passes when the answer's status code is one of
# the *success codes*. The checks must ask for a path that a healthy server answers correctly.

# %% tags=["concept:elb.health-checks"]
mission.goal(1)

# %%
# Your changes for step 1, then world.apply()


# %% tags=["concept:elb.health-checks"]
mission.check(1)

# %% [markdown] tags=["concept:elb.health-checks"]
# ## Step 2 · Notice failures in time
# After a server dies, it keeps getting requests until the load balancer has seen *unhealthy
# threshold* failed checks, *interval* seconds apart: up to threshold × interval seconds. Coming
# back takes *healthy threshold* passes. The lab runs checks fifty times faster than AWS (10 s
# become 200 ms), so the live part of this check stops `web2`'s web server, watches HAProxy take
# it out, starts it again and watches it come back, in about a second.

# %% tags=["concept:elb.health-checks"]
mission.goal(2)

# %%
# Your changes for step 2, then world.apply()


# %% tags=["concept:elb.health-checks"]
mission.check(2)

# %% [markdown] tags=["concept:elb.components"]
# ## Step 3 · Route the API
# A listener's rules are tried in priority order; the first whose conditions match decides, and
# requests no rule matches take the default action. A path pattern is compared with the *whole*
# path: `*` matches any run of characters, `?` exactly one. Ask the model first:

# %% tags=["concept:elb.components"]
for url in ("/api", "/api/orders", "/api-guide.html", "/"):
    print(f"{url:<16} → {world.alb.route(Request(path=url)).target_group}")

# %% tags=["concept:elb.components"]
mission.goal(3)

# %%
# Your changes for step 3, then world.apply()


# %% tags=["concept:elb.components"]
mission.check(3)

# %% [markdown] tags=["concept:elb.sticky"]
# ## Step 4 · Sticky carts
# The shop keeps each shopper's cart in the memory of the web server that created it. With round
# robin, the next request lands on another server, where the cart is empty. Stickiness fixes that:
# the load balancer's first answer sets a cookie (`AWSALB`) naming a target, and requests that
# carry it go back to that target until the cookie expires.

# %% tags=["concept:elb.sticky"]
mission.goal(4)

# %%
# Your changes for step 4, then world.apply()


# %% tags=["concept:elb.sticky"]
mission.check(4)

# %% [markdown]
# ## Progress
# The whole mission at a glance (run it whenever you like):

# %%
mission.check()

# %% [markdown]
# ### Try it
# When the mission is complete, stop two web servers at once (`world.lab.stop_backend("web1")`,
# `world.lab.stop_backend("web3")`) and watch `world.servers()` and `world.requests(6)`: what do the
# shoppers whose cookie names a dead server get? Start them again with `world.lab.start_backend(...)`.
#
# ## Stuck?
# Read the hint of `mission.check(N)` again: it names what it found, in the model or live. Compare
# `world.config` with what you expect. Instructors can show a step's reference changes with
# `mission.reveal(N, instructor=True)`; without that, it only says where the solutions are kept:

# %%
mission.reveal(1)

# %% [markdown]
# ## Clean up
# Stop the lab when you are done (it also stops when the notebook's kernel stops).

# %%
world.close()

# %% [markdown]
# **Back to the lesson:** [10 · Load balancing and Auto Scaling](../../notebooks/10-load-balancing.ipynb)
