# %% [markdown]
# # 08 · Containers and Docker networking
#
# You type `docker run -d -p 8080:80 nginx` and, a second later, a web server answers on port 8080
# of your machine. What happened in that second? Docker started a *process* with a private view of
# the system: its own root file system made of read-only image (이미지) layers (레이어), its own process numbers,
# its own host name, and its own network stack. Then it plugged that network stack into a bridge (브리지)
# with a virtual cable, gave it a private address, and wrote two NAT rules: one that lets it reach
# the internet, one that forwards port 8080 to it. In this lesson you do every one of those steps
# yourself, with the real commands, on a live lab. Afterwards, `docker0` (도커 기본 브리지), `veth`, `172.17.0.2` and
# `-p 8080:80` are no longer magic words when a container (컨테이너) cannot be reached.
#
# **Learning objectives.** After this lesson you can:
# 1. explain why containers replaced many virtual machines (가상 머신), and what a container shares with its host;
# 2. show that a container is a process in its own namespaces (네임스페이스), on a root file system built from
#    read-only layers, with volumes (볼륨) for the state that must survive it;
# 3. build Docker's bridge network by hand: docker0, a veth pair (가상 이더넷 쌍, veth) per container, addresses, routes;
# 4. explain why a container is unreachable from outside until a port is published, and read the
#    NAT rules behind `-p 8080:80` and the outbound masquerade (마스커레이드);
# 5. find the host-side veth of any container from its interface index (인터페이스 인덱스), on a lab or a real Docker host.
#
# **Builds on:** 04 (bridges and routing), 05 (ARP and ping), 06 (ports and TCP).
#
# *Korean terms:* a container is 컨테이너, an image 이미지; the full list is at the end.

# %% [markdown]
# ## Setup

# %%
import helpers

helpers.setup()
import matplotlib.pyplot as plt

from helpers import docker_host
from helpers.exercises import l08 as lesson
from helpers.experiments import l08
from helpers.missions import Session, run

# %% [markdown] tags=["concept:docker.why"]
# ## 1 · Why containers
# You want to run *an application*: a web server, an API, a worker. For years the unit of
# deployment was a **virtual machine** (가상 머신): a whole computer emulated by a hypervisor (하이퍼바이저), with
# its own kernel, its own operating system, its own package manager, booted for every copy. A
# **container** (컨테이너) keeps only what the application itself needs, its program and libraries,
# and runs it directly on the host's kernel. So:
#
# * **One kernel is shared.** Containers start in milliseconds (a process starts; nothing boots) and
#   use no memory for guest operating systems.
# * **Images are small.** An image holds the application's files, not an operating system: megabytes
#   instead of gigabytes (you will measure one below).
# * **It runs anywhere.** The image carries its libraries, so it runs the same on a laptop, a test
#   server and in production: "works on my machine" stops being an excuse.
# * **Isolation and scale.** Each container has its own files, processes and network, so several
#   applications (or ten copies of one) share a server without stepping on each other.
#
# The price: containers share the host's kernel, so a Linux container needs a Linux kernel (on a Mac,
# Docker runs one in a hidden VM), and isolation is weaker than a VM's.

# %% tags=["concept:docker.why"]
l08.draw_vm_vs_container()
plt.show()

# %% [markdown] tags=["concept:docker.why"]
# ### Configuration drift
# Servers that are changed by hand, one at a time (a hotfix here, a package upgraded there), slowly
# stop being alike: **configuration drift** (설정 드리프트). Then the same code behaves differently on
# two servers, and nobody knows why. With containers the change goes into the **image** once, and
# every container is replaced from the new image: all copies stay identical. This simulation counts
# how many different configurations 20 servers have after each day, when each server gets a manual
# change on 3% of days:

# %% tags=["concept:docker.why"]
drift = l08.simulate_drift(servers=20, days=120, change_chance=0.03)
print(f"after {drift.days[-1]} days: {drift.by_hand[-1]} different configurations among 20 servers "
      f"changed by hand, {drift.from_image[-1]} among 20 containers from one image")
l08.plot_drift(drift)
plt.show()

# %% [markdown] tags=["concept:docker.why"]
# ### Try it
# Change `change_chance` to `0.005` (a careful team) or `0.2` (firefighting every day) and rerun.
# How long until no two hand-configured servers are alike?
#
# ### Check

# %% tags=["concept:docker.why"]
lesson.shared_kernel.check(None)  # ← your answer: one of the options, e.g. lesson.shared_kernel.options[0]

# %% tags=["concept:docker.why"]
lesson.drift.check(None)  # ← your answer

# %% [markdown] tags=["concept:docker.process"]
# ## 2 · A container is a process
# There is no "container" object in the Linux kernel. A container is an ordinary process that was
# started with two tricks:
#
# * **Namespaces** (네임스페이스) give it a private view of one part of the system: `pid` (its own
#   process numbers: it is PID 1), `net` (its own interfaces, addresses, routes, firewall), `mnt`
#   (its own mounts), `uts` (its own host name), `ipc`, `cgroup`, and optionally `user`. Every
#   process's namespaces are listed in `/proc/PID/ns`.
# * **A new root directory** (`chroot` (루트 디렉터리 변경), or `pivot_root` in Docker): the process sees the image's
#   files as `/`, and nothing of the host's files.
#
# Let's make one. The lab has a node that plays the **Docker host** (`dhost`), a machine on the
# internet (`inet`), and three blank nodes that will be containers (`web`, `app`, and `tiny` for this
# part). Each node is a network namespace of its own; nothing has been plugged in yet.

# %% tags=["concept:docker.process"]
lab = l08.docker_lab()
lab.start()
dhost, inet, web, app = lab["dhost"], lab["inet"], lab["web"], lab["app"]
lab

# %% [markdown] tags=["concept:docker.process"]
# `run(node, "command")` runs a real command inside a node, as you would type it on that machine.
# (Nothing in this lesson runs in your own computer's network namespace.)
#
# **A tiny image.** A root file system needs the programs the container runs, plus the shared
# libraries those programs load (`ldd` lists them). This copies nine programs and their libraries
# into a folder `rootfs` (in the lab's own temporary folder, deleted with the lab):

# %% tags=["concept:docker.process"]
l08.build_tiny_rootfs(lab)

# %% [markdown] tags=["concept:docker.process"]
# **Start the container.** `unshare` starts a program in new namespaces; `--root` makes `rootfs` its
# `/`; `--fork --mount-proc` makes it the first process of its new PID namespace, with a `/proc` that
# only shows its own processes. It runs inside node `tiny`, whose network namespace becomes the
# container's. This is the essence of `docker run`:

# %% tags=["concept:docker.process"]
l08.start_container(lab)

# %% [markdown] tags=["concept:docker.process"]
# **Look inside** the way `docker exec` does: `nsenter` enters the namespaces of the container's
# process (`$PID`, its PID as the host sees it: on a Docker host,
# `docker inspect -f '{{.State.Pid}}' NAME` prints it) and runs a command there:

# %% tags=["concept:docker.process"]
pid = l08.container_pid(lab)
l08.exec_in(lab, pid, "sh -c 'hostname; ls /; ps'")

# %% [markdown] tags=["concept:docker.process"]
# Its own host name, a root with only the folders of the tiny image, and a process list in which `sleep`, the container's
# main program, is PID 1. From the host, the same `sleep` is an ordinary process with a large PID.
# Compare the namespaces of a shell in `dhost` with the container's (`/proc/self/ns` and
# `/proc/$PID/ns`):

# %% tags=["concept:docker.process"]
l08.namespace_table(lab, pid)

# %% tags=["concept:docker.process"]
l08.same_kernel(lab, pid)

# %% [markdown] tags=["concept:docker.process"]
# ### Try it
# Run other commands inside: `l08.exec_in(lab, pid, "ls /bin")`, or `"cat /etc/hostname"` (there is
# no such file: the image has no /etc/hostname; Docker would mount one in). What does
# `l08.exec_in(lab, pid, "ps")` show as you run it several times?
#
# ### Check

# %% tags=["concept:docker.process"]
answer = None  # ← your answer, a number
lesson.pid_one.check(answer)

# %% tags=["concept:docker.process"]
lesson.namespace_shared.check(None)  # ← your answer: "user", "net", "uts" or "pid"

# %% [markdown] tags=["concept:docker.image"]
# ## 3 · An image is a stack of read-only layers
# A Docker **image** (이미지) is a set of files, stored as **layers** (레이어): each instruction of
# a Dockerfile (`FROM`, `COPY`, `RUN ...`) adds one layer holding the files it changed. Layers are
# read-only and shared: ten containers of one image use one copy on disk.
#
# When a container starts, Docker stacks the layers with **overlayfs** (오버레이 파일시스템):
#
# * the image's layers are the `lowerdir`s (read-only);
# * an empty `upperdir` is the container's own **writable layer**;
# * the `merged` folder shows them as one file system, and becomes the container's `/`.
#
# Writing to a file of a lower layer first **copies it up** into the upper layer; deleting one leaves
# a **whiteout** (a special file meaning "hidden"; 화이트아웃) in the upper layer. Here are two layers: the tiny
# root file system plus an `/etc/motd`, and an "app" layer with `/app/index.html`:

# %% tags=["concept:docker.image"]
l08.make_image_layers(lab)

# %% [markdown] tags=["concept:docker.image"]
# Mount a container's file system, `c1`: both layers below, an empty writable layer on top. The
# merged view has the folders of both layers:

# %% tags=["concept:docker.image"]
l08.show_merged(lab, "c1")

# %% [markdown] tags=["concept:docker.image"]
# Now the container's process (chrooted into `merged`) changes `/app/index.html`, deletes
# `/etc/motd` and creates `/app/cache`. Then look at the writable layer (`find -printf '%y %P'`:
# `f` is a file, `d` a folder, `c` a character device, which is how overlayfs writes a whiteout),
# and at the image layer:

# %% tags=["concept:docker.image"]
l08.change_in_container(lab, "c1")

# %% [markdown] tags=["concept:docker.image"]
# The image is untouched (`version 1`, `motd` still there); everything the container did is in its
# own upper layer. That is why `docker rm` is instant, and why ten containers can share one image.
#
# **How small is it?** The two layers of our image, measured, next to typical sizes:

# %% tags=["concept:docker.image", "concept:docker.why"]
sizes = l08.image_sizes(lab)
for name, megabytes in sizes:
    print(f"{megabytes:>8g} MB  {name}")
l08.plot_sizes(sizes)
plt.show()

# %% [markdown] tags=["concept:docker.image"]
# ### Try it
# In `l08.change_in_container`, the container ran three changes. Call `run(dhost, "ls c1/merged", cwd=lab.workdir)`:
# why is `merged` empty now? (Hint: the mount only lasts while something uses it; Docker keeps it
# mounted while the container lives.)
#
# ### Check

# %% tags=["concept:docker.image"]
lesson.changed_file.check(None)  # ← your answer

# %% [markdown] tags=["concept:docker.volume"]
# ## 4 · Volumes keep state outside the container
# The writable layer dies with the container: `docker rm`, or replacing the container with a new
# image version, throws it away. Data that must survive (a database, uploaded files) goes into a
# **volume** (볼륨): a folder of the host mounted into the container (`docker run -v data:/data`),
# outside the layers. Container `c2` counts its visits in the volume and writes a scratch file in
# its own layer:

# %% tags=["concept:docker.volume"]
l08.run_with_volume(lab, "c2", "echo visit >> /data/visits; echo scratch > /app/cache; "
                               "echo visits: $(cat /data/visits | wc -l)")

# %% [markdown] tags=["concept:docker.volume"]
# `docker rm c2` deletes the container and its writable layer. A new container, `c3`, starts from the
# same image with the same volume:

# %% tags=["concept:docker.volume"]
l08.remove_container(lab, "c2")

# %% tags=["concept:docker.volume"]
l08.run_with_volume(lab, "c3", "echo visit >> /data/visits; echo visits: $(cat /data/visits | wc -l); "
                               "cat /app/cache")

# %% [markdown] tags=["concept:docker.volume"]
# The visit count survived (2), the scratch file did not. Volumes are also how containers share
# files, and how you back up a container's data without the container.
#
# ### Try it
# Start a fourth container, `c4`, with the same volume and count again. Then run one *without* the
# volume (`l08.show_merged(lab, "c5")`): its /data does not even exist.
#
# ### Check

# %% tags=["concept:docker.volume"]
lesson.survives.check(None)  # ← your answer

# %% [markdown] tags=["concept:docker.netns"]
# ## 5 · Network namespaces
# The `net` namespace is the one this course cares about. A **network namespace** is a whole network
# stack: its own interfaces, addresses, routing table, ARP table, firewall rules and ports. A new one
# has nothing but the loopback interface `lo`. Our container nodes are exactly that, so far:

# %% tags=["concept:docker.netns"]
run(web, "ip -br link")

# %% tags=["concept:docker.netns"]
run(web, "ip route")

# %% [markdown] tags=["concept:docker.netns"]
# No interface, no route (the empty output is the answer). The Docker host, meanwhile, has its own
# uplink, which the container cannot see or use:

# %% tags=["concept:docker.netns"]
run(dhost, "ip -br addr")

# %% tags=["concept:docker.netns"]
web.ping("203.0.113.2", count=1)

# %% [markdown] tags=["concept:docker.netns"]
# "Network is unreachable": `web` has no route at all. Isolation is total until someone plugs a cable
# in. The same goes for ports: `web`'s server listens on port 80 *in web's namespace*; port 80 of
# `dhost` is a different port (`run(dhost, "ss -ltn")` shows nothing listening there).
#
# ### Try it
# Compare `run(dhost, "ss -ltn")` with `run(web, "ss -ltn")`.
#
# ### Check

# %% tags=["concept:docker.netns"]
answer = None  # ← your answer, a number
lesson.fresh_interfaces.check(answer)

# %% [markdown] tags=["concept:docker.veth"]
# ## 6 · veth pairs: a virtual cable
# A **veth pair** (가상 이더넷 쌍) is two virtual Ethernet interfaces joined back to back: whatever
# goes into one end comes out of the other. Put the ends in two namespaces and you have a cable
# between them. Docker creates one per container: the container's end is called `eth0`, the host's
# end gets a name like `veth1c2f0e3` (random: it says nothing about the container).
#
# The command is run in `dhost`, creating the pair there and moving the peer into `web`'s namespace
# (`netns web`). Docker has long derived the container's MAC from its address (`02:42` + `ac:11:00:02`,
# which is 172.17.0.2 in hex; recent versions may pick a random one); we fix both MACs so that the
# lesson repeats exactly.
#
# **About namespace names.** On a real host you would type `netns web`. The lab engine gives every
# namespace a per-run prefix (so that two labs, or two learners, never collide): `web`'s real name is
# `web.ns`, something like `ncl4k2x9-web`. `run()` translates the plain names after `netns` for you
# and hides the prefix in what it prints; `dhost.run(f"... netns {web.ns}")` would do the same by hand.

# %% tags=["concept:docker.veth"]
run(dhost, "ip link add veth1c2f0e3 address 02:42:ee:00:00:03 type veth "
           "peer name eth0 address 02:42:ac:11:00:02 netns web")

# %% tags=["concept:docker.veth"]
run(web, "ip -br link")

# %% tags=["concept:docker.veth"]
run(dhost, "ip -br link")

# %% [markdown] tags=["concept:docker.veth"]
# `eth0@if3` in `web`: "my partner is interface number 3", and in `dhost`, `veth1c2f0e3` is number 3
# (`ip link` numbers every line) and says `@if2`, web's eth0. Each end knows its partner's
# **interface index**: that is how you find a container's veth on a busy Docker host (section 10).
#
# Give `web` its address, bring both ends up, and watch a frame go in one end and come out of the
# other: `web` asks who has 172.17.0.1 (an ARP request, as in lesson 05, sent with `arping`). Nobody
# owns that address yet, so the question goes unanswered, but it does arrive at `dhost`'s end:

# %% tags=["concept:docker.veth"]
Session([
    run(web, "ip addr add 172.17.0.2/16 dev eth0"),
    run(web, "ip link set eth0 up"),
    run(dhost, "ip link set veth1c2f0e3 up"),
])

# %% tags=["concept:docker.veth"]
with lab.capture(l08.port(web, "eth0"), l08.port(dhost, "veth1c2f0e3"), filter="arp") as cap:
    web.arp("172.17.0.1", iface="eth0", timeout=0.5)
cap.table()

# %% [markdown] tags=["concept:docker.veth"]
# ### Try it
# Capture at both ends while `web` pings an address nobody has: `web.ping("172.17.9.9", count=1)`. The
# kernel repeats its ARP question once a second; a few seconds later `run(web, "ip neigh")` shows that
# it gave up on that address (`FAILED`).
#
# ### Check
# `app` will get the pair `veth8a4b9d1` (section 7). Later, `cat /sys/class/net/eth0/iflink` in `app`
# prints 5.

# %% tags=["concept:docker.veth"]
answer = None  # ← your answer, an interface name in quotes
lesson.app_veth.check(answer)

# %% [markdown] tags=["concept:docker.bridge"]
# ## 7 · The docker0 bridge
# One cable joins two namespaces; for many containers Docker needs a switch. When it starts, dockerd
# creates a Linux **bridge** (브리지), `docker0`: a virtual switch living in the host. It gives it the
# first address of its pool, `172.17.0.1/16`, which makes the host a member of the containers'
# network and their **gateway**. Every container's host-side veth becomes a port of that bridge:
#
# ```
#   web: eth0 ═══ veth1c2f0e3 ─┐
#                              ├── docker0 (bridge, 172.17.0.1/16) ── dhost's routing ── eth0 203.0.113.2
#   app: eth0 ═══ veth8a4b9d1 ─┘
# ```

# %% tags=["concept:docker.bridge"]
l08.create_bridge(dhost)

# %% tags=["concept:docker.bridge"]
Session([run(dhost, "ip link set veth1c2f0e3 master docker0"), run(dhost, "bridge link")])

# %% tags=["concept:docker.bridge"]
web.ping("172.17.0.1", count=1)

# %% [markdown] tags=["concept:docker.bridge"]
# `web` reaches its gateway now. The second container, `app`, gets everything `docker run` does, in
# one go: the veth pair, the bridge port, the address (the next free one in the pool), and a default
# route via docker0 (section 8 explains why):

# %% tags=["concept:docker.bridge"]
l08.plug_container(lab, "app")

# %% [markdown] tags=["concept:docker.bridge"]
# **Containers talk by private address.** `app` pings `web` at 172.17.0.2. Capturing at the two
# bridge ports (the two veths in `dhost`; the filter keeps what involves `app`) shows the frames
# crossing the bridge: `app`'s ARP broadcast enters at `app`'s port and is flooded to `web`'s; the
# replies and the pings go port to port. No router, no NAT: one Ethernet segment.

# %% tags=["concept:docker.bridge"]
with lab.capture(l08.port(dhost, "veth8a4b9d1"), l08.port(dhost, "veth1c2f0e3"), filter="host 172.17.0.3") as cap:
    app.ping("172.17.0.2", count=1)
cap.table()

# %% [markdown] tags=["concept:docker.bridge"]
# ### Try it
# Capture on `l08.port(dhost, "docker0")` instead. The bridge *device* is the host's own interface on
# the bridge: it gets broadcasts (the ARP question) and frames for the host, but not the unicast ping
# between the two containers, which the bridge switches from port to port. The lab's capturer works
# like `tcpdump -p` (no promiscuous mode); a plain `tcpdump -i docker0` on a Docker host switches the
# bridge to promiscuous mode, and then it does see the containers' traffic. (You may also catch an
# IGMP report: the host announcing its multicast groups on docker0 soon after it came up.)
#
# ### Check

# %% tags=["concept:docker.bridge"]
answer = None  # ← your answer, a MAC address in quotes
lesson.ping_mac.check(answer)

# %% [markdown] tags=["concept:docker.nat-out"]
# ## 8 · The way out: forwarding and masquerade
# `app` wants to reach the internet (`inet`, 203.0.113.100). Three things stand in the way, and Docker
# takes care of all three. Watch each fail first. (1) A route: `web` has none beyond its own network.

# %% tags=["concept:docker.nat-out"]
web.ping("203.0.113.100", count=1)

# %% [markdown] tags=["concept:docker.nat-out"]
# Docker gives every container a default route via docker0 (`app` already has it):

# %% tags=["concept:docker.nat-out"]
Session([run(web, "ip route add default via 172.17.0.1"), run(web, "ip route")])

# %% [markdown] tags=["concept:docker.nat-out"]
# (2) Forwarding: `dhost` is not a router yet; Linux drops packets that are not for itself. Docker
# switches forwarding on when it starts:

# %% tags=["concept:docker.nat-out"]
Session([run(dhost, "sysctl net.ipv4.ip_forward"), run(dhost, "sysctl -w net.ipv4.ip_forward=1")])

# %% [markdown] tags=["concept:docker.nat-out"]
# (3) The way back. Watch at `inet` while `app` pings it:

# %% tags=["concept:docker.nat-out"]
with lab.capture("inet:eth0", filter="icmp") as cap:
    app.ping("203.0.113.100", count=1)
cap.table()

# %% [markdown] tags=["concept:docker.nat-out"]
# The request arrives, from `172.17.0.3`. But `inet` cannot answer: 172.17.0.0/16 is a private range,
# and no machine on the internet has a route to it (thousands of Docker hosts use the very same
# addresses). Docker's fix is **masquerade** (마스커레이드), a kind of source NAT: packets from the
# containers that leave by any interface other than docker0 get the host's own address as their
# source; the replies are translated back (the kernel's connection tracking remembers each flow).
# This is the rule Docker writes:

# %% tags=["concept:docker.nat-out"]
run(dhost, l08.MASQUERADE_COMMAND)

# %% tags=["concept:docker.nat-out"]
with lab.capture(l08.port(dhost, "veth8a4b9d1"), "inet:eth0", filter="icmp") as cap:
    app.ping("203.0.113.100", count=1)
cap.table()

# %% [markdown] tags=["concept:docker.nat-out"]
# The same echo request, seen at `app`'s bridge port (from 172.17.0.3) and at `inet` (from
# 203.0.113.2, dhost's address). `inet`'s web server says it too:

# %% tags=["concept:docker.nat-out"]
app.http("http://203.0.113.100/whoami")

# %% [markdown] tags=["concept:docker.nat-out"]
# ### Try it
# Take the rule away with iptables (아이피테이블즈), `run(dhost, "iptables -t nat -D POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE")`,
# and fetch `inet`'s page again from `app` (it times out); then add the rule back. `run(dhost,
# "iptables -t nat -L POSTROUTING -n -v")` counts the connections the rule translated.
#
# ### Check

# %% tags=["concept:docker.nat-out"]
answer = None  # ← your answer, an address in quotes
lesson.masquerade_source.check(answer)

# %% [markdown] tags=["concept:docker.port-publish"]
# ## 9 · Publishing a port: `-p 8080:80`
# `web` serves HTTP on port 80, and `app` can use it. Can `inet`? Not directly: 172.17.0.2 means
# nothing on the internet, and `dhost` itself has nothing listening on port 8080:

# %% tags=["concept:docker.port-publish"]
inet.tcp_connect("172.17.0.2", 80)

# %% tags=["concept:docker.port-publish"]
inet.tcp_connect("203.0.113.2", 8080)

# %% [markdown] tags=["concept:docker.port-publish"]
# Publishing fixes that: `docker run -p 8080:80` tells Docker "packets for the host's port 8080 go to
# this container's port 80". Docker implements it as **destination NAT**, DNAT (목적지 NAT): a rule
# in the `nat` table rewrites the destination of matching packets before the routing decision, so the
# host then routes them to the container. Docker keeps those rules in its own chain, `DOCKER`, which
# `PREROUTING` jumps to for packets addressed to one of the host's own addresses (`addrtype LOCAL`):
# the chain and the jump once per host, then one DNAT rule per published port.

# %% tags=["concept:docker.port-publish"]
l08.publish(dhost)

# %% [markdown] tags=["concept:docker.port-publish"]
# Here is how the rule lists in the lab, next to the same chain as many Docker hosts print it (with
# the legacy iptables front end). Versions differ in details: many also add a `RETURN` rule for packets
# coming from docker0 itself, which the `! -i docker0` of our rule covers. This lab's iptables (the
# nftables front end) prints the protocol as a number: 6 is TCP.

# %% tags=["concept:docker.port-publish"]
listed = run(dhost, "iptables -t nat -L DOCKER -n")
l08.SideBySide("dhost$ iptables -t nat -L DOCKER -n", listed.output,
               "a Docker host, after docker run -p 8080:80 (web at 172.17.0.2)", l08.DOCKER_HOST_NAT_EXAMPLE)

# %% tags=["concept:docker.port-publish"]
inet.http("http://203.0.113.2:8080/")

# %% [markdown] tags=["concept:docker.port-publish"]
# Reachable. Capturing at `dhost`'s uplink and at docker0 shows the rewrite: the same connection
# request arrives for 203.0.113.2 port 8080 and leaves towards 172.17.0.2 port 80 (only the SYN
# packets are shown):

# %% tags=["concept:docker.port-publish"]
with lab.capture("dhost:eth0", l08.port(dhost, "docker0"), filter="tcp[tcpflags] & tcp-syn != 0") as cap:
    inet.tcp_connect("203.0.113.2", 8080)
cap.table()

# %% [markdown] tags=["concept:docker.port-publish"]
# DNAT changes only the destination: `web` sees the real client, `inet` (203.0.113.100), which is
# why a container's access log shows real visitors' addresses:

# %% tags=["concept:docker.port-publish"]
inet.http("http://203.0.113.2:8080/whoami")

# %% [markdown] tags=["concept:docker.port-publish"]
# (Docker also starts a small `docker-proxy` process listening on the host's port 8080, for the cases
# the NAT rule does not cover, such as connections from the host to its own address; and it adds
# `filter` rules in `FORWARD` so that only published ports are reachable from outside.)
#
# ### Try it
# Publish `app` too: it has no web server, but you can start one with `app.serve_http(80)`, then
# `run(dhost, "iptables -t nat -A DOCKER ! -i docker0 -p tcp --dport 8081 -j DNAT --to-destination 172.17.0.3:80")`
# and fetch `http://203.0.113.2:8081/` from `inet`.
#
# ### Check

# %% tags=["concept:docker.port-publish"]
answer = None  # ← your answer, like "172.17.0.9:80"
lesson.dnat_target.check(answer)

# %% tags=["concept:docker.port-publish"]
lesson.unreachable_why.check(None)  # ← your answer

# %% [markdown] tags=["concept:docker.inspect"]
# ## 10 · Inspecting a real Docker host
# On a real Docker host, containers' veths have random names, so which one belongs to which
# container? The interface index answers it. Inside the container, `eth0@if7` (or
# `cat /sys/class/net/eth0/iflink`) gives the index of its partner; on the host, the interface with
# that index is the container's veth, and `ip link` says which bridge it is plugged into (`master`).
# In the lab:

# %% tags=["concept:docker.inspect"]
name, shown = l08.find_host_veth(lab, "web")
print(f"web's host-side veth is {name}")
shown

# %% [markdown] tags=["concept:docker.inspect"]
# `helpers.docker_host` does this for every container of a real Docker host, with `docker inspect`
# (names, PIDs, addresses, published ports), `ip -j -d link` (the host's veths and bridges),
# `iptables -t nat -L DOCKER -n` (the DNAT rules), and the peer index read inside each container. It
# only reads, never changes anything. Where there is no Docker engine it says so in one sentence (the
# output depends on your machine):

# %% tags=["concept:docker.inspect"]
# NBVAL_IGNORE_OUTPUT
report = docker_host.inspect_docker_host()
assert isinstance(report, (docker_host.HostReport, docker_host.Skipped))
report

# %% [markdown] tags=["concept:docker.inspect"]
# The same report for the lab's `dhost`, from its real `ip -j -d link`, `iptables -t nat -S` and each
# container's `ip -j addr`, and the network it describes, as built:

# %% tags=["concept:docker.inspect"]
host = l08.lab_report(lab)
host

# %% tags=["concept:docker.inspect"]
l08.draw_docker_host(host)
plt.show()

# %% [markdown] tags=["concept:docker.inspect"]
# **Docker Desktop (Mac and Windows; 도커 데스크톱) is different:**

# %% tags=["concept:docker.inspect"]
print(docker_host.DESKTOP_NOTE)

# %% [markdown] tags=["concept:docker.inspect"]
# ### Try it
# Find `app`'s veth the same way: `l08.find_host_veth(lab, "app")`. On a machine with Docker, run
# `docker_host.inspect_docker_host()` with a container started by `docker run -d -p 8080:80 nginx`
# (as root, so that it can read the NAT rules).
#
# ### Check

# %% tags=["concept:docker.inspect"]
lesson.desktop.check(None)  # ← your answer

# %% [markdown]
# That is the end of the live part; stop the lab:

# %%
lab.stop()

# %% [markdown]
# ## Summary
# * A **container** is a process with its own **namespaces** (pid, net, mnt, uts, ipc, cgroup) and a
#   root file system from its **image**; it shares the host's kernel, which makes it small and fast
#   to start, and its image makes it run the same everywhere (no configuration drift).
# * An **image** is a stack of read-only **layers**; overlayfs adds a writable layer per container
#   (copy-up (카피 업), whiteouts). **Volumes** are host folders mounted in, for state that must outlive it.
# * Docker's default network: a **veth pair** per container (`eth0` inside, `vethXXXXXXX` outside),
#   the host ends plugged into the **docker0** bridge (172.17.0.1/16, the containers' gateway).
#   Containers on it talk directly, by private address.
# * Out: forwarding on and **MASQUERADE** (`-s 172.17.0.0/16 ! -o docker0`): the internet sees the
#   host's address. In: nothing reaches a container until **`-p 8080:80`** adds a **DNAT** rule in
#   the `DOCKER` chain (host port 8080 → container:80).
# * A container's host-side veth is the host interface whose index is its `eth0`'s `iflink`.
#
# **Lab:** build all of this yourself, from a blank lab, with checks at every step:
# [Docker's bridge network by hand](../labs/docker-bridge/mission.ipynb).
#
# ## Terms

# %%
from helpers import glossary

glossary.terms("08")

# %% [markdown]
# **Next:** [09 · AWS VPC](09-aws-vpc.ipynb)
