# %% [markdown]
# # Lab · Docker's bridge network by hand
#
# **Mission.** A Linux server, `dhost`, is about to become a Docker host, and two containers,
# `web` and `app`, have just been created: blank network namespaces with no network at all.
# `web` already runs a web server on port 80, waiting for a network. Give them the network that
# `docker run -p 8080:80` would give them, one real command at a time, until someone on the
# internet (`inet`) can open `http://203.0.113.2:8080/` and get `web`'s page.
#
# ```
#                 dhost (the Docker host)                          the internet
#   web ─ eth0 ═ veth ─┐
#                      ├─ docker0 172.17.0.1/16 ── routing + NAT ── eth0 203.0.113.2 ──── inet 203.0.113.100
#   app ─ eth0 ═ veth ─┘
# ```
#
# Every step is checked against the real state of the lab; a wrong step gets a hint about *that*
# mistake.
#
# **Time:** 30-45 minutes. **Prerequisites:** lesson 08 (containers and Docker networking), or
# at least lessons 04 (switching and routing) and 06 (ports). A live lab mode (as root, or
# rootless where user namespaces are allowed); offline mode only replays the checks of the
# blank lab.

# %% [markdown]
# ## Set-up
# This builds the lab: `dhost` cabled to `inet`, and the two blank containers.

# %%
import helpers

helpers.setup()
from helpers.experiments import l08
from helpers.missions import run

world = l08.DockerWorld.fresh()
mission = l08.docker_bridge_mission(world)
dhost, web, app, inet = world.dhost, world.web, world.app, world.inet
world

# %% [markdown]
# ## How to type commands
# `run(node, "command")` runs a real command inside a node, exactly as you would type it in a
# root shell on that machine. Never on your own computer's network: everything stays inside the
# lab. For example, here are `dhost`'s interfaces and `web`'s (only the loopback so far):

# %%
run(dhost, "ip -br addr")

# %%
run(web, "ip -br link")

# %% [markdown]
# **Namespace names.** On a real host, a command in `dhost` names a container's namespace
# directly: `ip link add vethweb type veth peer name eth0 netns web`. The lab engine gives each
# namespace a per-run prefix (so that two labs never collide): `web`'s real name is `web.ns`,
# something like `ncl4k2x9-web`. `run()` translates the plain names after `netns` for you, so type
# the plain command. (Written out by hand it would be
# `dhost.run(f"ip link add vethweb type veth peer name eth0 netns {web.ns}")`: the same thing.)
#
# A mistake is easy to undo: `ip link del NAME` removes an interface (and its veth partner),
# `ip addr del ADDRESS/PREFIX dev NAME` an address, `iptables -t nat -D CHAIN RULE...` a rule.
# To start over, re-run the set-up cell.
#
# Here is the whole mission:

# %%
mission

# %% [markdown] tags=["concept:docker.bridge"]
# ## Step 1 · The docker0 bridge
# When dockerd starts, it creates a bridge, `docker0`, and gives it the first address of its pool:
# the gateway of every container. Useful commands (in `dhost`): `ip link add NAME type bridge`,
# `ip addr add ADDRESS/PREFIX dev NAME`, `ip link set NAME up`.

# %% tags=["concept:docker.bridge"]
mission.goal(1)

# %%
# Your commands for step 1, e.g. run(dhost, "ip link add ...")


# %% tags=["concept:docker.bridge"]
mission.check(1)

# %% [markdown] tags=["concept:docker.veth"]
# ## Step 2 · Plug in web
# `docker run` creates a veth pair in the host, moves one end into the container's namespace and
# names it `eth0`, plugs the other end into `docker0`, gives `eth0` an address from the pool and
# brings both ends up. Useful: `ip link add HOSTEND type veth peer name eth0 netns web` (in
# `dhost`), `ip link set HOSTEND master docker0 up`, and inside `web`: `ip addr add ...`,
# `ip link set eth0 up`. Name the host end as you like (Docker uses `veth` + 7 hex characters).

# %% tags=["concept:docker.veth"]
mission.goal(2)

# %%
# Your commands for step 2


# %% tags=["concept:docker.veth"]
mission.check(2)

# %% [markdown]
# ## Step 3 · Plug in app
# The same for `app`, with its own address. Then `app` reaches `web` by its private address:
# try `app.ping("172.17.0.2", count=1)` yourself.

# %%
mission.goal(3)

# %%
# Your commands for step 3


# %%
mission.check(3)

# %% [markdown]
# ## Step 4 · Default routes
# Each container only knows its own network so far (`run(app, "ip route")`). Everything else
# should go to the gateway: `ip route add default via ADDRESS`.

# %%
mission.goal(4)

# %%
# Your commands for step 4


# %%
mission.check(4)

# %% [markdown] tags=["concept:docker.nat-out"]
# ## Step 5 · The way out: masquerade
# `dhost` must forward packets between its interfaces, and rewrite the containers' private
# source addresses to its own on the way out; otherwise `inet` gets requests from `172.17.0.3`
# and has no route back. Useful: `sysctl -w net.ipv4.ip_forward=1`,
# `iptables -t nat -A POSTROUTING -s NETWORK ! -o BRIDGE -j MASQUERADE`. To see what `inet`
# sees: `app.http("http://203.0.113.100/whoami")`.

# %% tags=["concept:docker.nat-out"]
mission.goal(5)

# %%
# Your commands for step 5


# %% tags=["concept:docker.nat-out"]
mission.check(5)

# %% [markdown] tags=["concept:docker.port-publish"]
# ## Step 6 · Publish port 8080
# `docker run -p 8080:80` adds one DNAT rule: packets for the host's port 8080 get the
# container's address and port 80 as their new destination. Docker keeps these rules in its own
# chain, `DOCKER`, which PREROUTING jumps to for packets addressed to the host:
# `iptables -t nat -N DOCKER`, `iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER`,
# `iptables -t nat -A DOCKER ! -i docker0 -p tcp --dport HOSTPORT -j DNAT --to-destination ADDRESS:PORT`.
# Then try `inet.http("http://203.0.113.2:8080/")`.

# %% tags=["concept:docker.port-publish"]
mission.goal(6)

# %%
# Your commands for step 6


# %% tags=["concept:docker.port-publish"]
mission.check(6)

# %% [markdown]
# ## Progress
# The whole mission at a glance (run it whenever you like):

# %%
mission.check()

# %% [markdown]
# ## Stuck?
# Read the hint of `mission.check(N)` again: it names what it found wrong. Look at the real
# state: `run(dhost, "ip -d link")`, `run(dhost, "bridge link")`, `run(web, "ip route")`,
# `run(dhost, "iptables -t nat -L -n -v")`. Instructors can show a step's reference commands with
# `mission.reveal(N, instructor=True)`; without that, it only says where the solutions are kept:

# %%
mission.reveal(1)

# %% [markdown]
# ## Clean up
# Stop the lab when you are done (it also stops when the notebook's kernel stops).

# %%
world.close()

# %% [markdown]
# **Back to the lesson:** [08 · Containers and Docker networking](../../notebooks/08-docker-networking.ipynb)
