# %% [markdown]
# # 07 · HTTP and DNS
#
# Type `www.example.com` into a browser and two things happen before any page appears: the name
# is turned into an address (**DNS** (도메인 네임 시스템)), and the browser asks the server for the page (**HTTP** (하이퍼텍스트 전송 프로토콜)).
# When "the site is down", the first questions are *does the name resolve?* and *what status
# code (상태 코드) comes back?* In this lesson you read HTTP responses the way `curl -I` shows them, then
# build a small but real DNS: a root server, a `com.` server, the `example.com.` server and a
# resolver with a cache, and watch a name being resolved step by step on port 53.
#
# **Learning objectives.** After this lesson you can:
# 1. read `curl -I`: status codes (200, 301 with Location, 404, 5xx) and the headers
#    Content-Type, Cache-Control (캐시 제어 / 만료 헤더), Expires and Server;
# 2. read a domain name (도메인 이름) right to left and explain root, TLD (최상위 도메인, TLD) and second-level servers;
# 3. trace a resolution (resolver → root → TLD → authoritative) in a capture on port 53;
# 4. tell a stub from a recursive resolver (재귀 리졸버, DNS 해석기), an authoritative from a non-authoritative answer (권한 없는 응답),
#    and A from AAAA records (A 레코드 / AAAA 레코드); explain caching and TTL (DNS 캐시 유효 시간);
# 5. explain the order of a lookup on Linux: /etc/hosts (호스트 파일, /etc/hosts), /etc/resolv.conf (리졸버 설정 파일, /etc/resolv.conf), the local cache, the
#    resolver, and what flushing a cache does.
#
# **Builds on:** [06 · Ports, sockets, TCP and UDP](06-ports-and-sockets.ipynb) (TCP connections,
# UDP datagrams, port 53 and 80).

# %% [markdown]
# ## Setup

# %%
import matplotlib.pyplot as plt

import helpers

helpers.setup()

from helpers.exercises import l07 as lesson
from helpers.experiments import l07

# %% [markdown] tags=["concept:http.status-check"]
# ## 1. Is the site OK? `curl -I`
#
# An HTTP response starts with a **status line** (`HTTP/1.1 200 OK`) and **headers**, then the
# body. `curl -I` sends a `HEAD` request: "give me everything except the body", a quick health
# check. The first digit of the status code says which kind of answer it is:

# %% tags=["concept:http.status-check"]
for prefix, kind, example in l07.STATUS_CLASSES:
    print(f"{prefix}  {kind:<14} {example}")

# %% [markdown] tags=["concept:http.status-check"]
# The lab: a client `c1` and a web server `web` (10.0.7.80) with a few pages: `/` works,
# `/old-page` has moved, `/report` crashes, `/busy` is overloaded, and anything else does not
# exist.

# %% tags=["concept:http.status-check"]
http = l07.http_lab()
http.start()
c1 = http["c1"]
c1.http("http://10.0.7.80/", method="HEAD")

# %% [markdown] tags=["concept:http.status-check"]
# Line by line, as in the workshop's `curl -I google.com`:

# %% tags=["concept:http.status-check"]
for name, meaning in l07.HEADERS:
    print(f"{name:<14} {meaning}")

# %% [markdown] tags=["concept:http.status-check"]
# (Date, the time of the response, changes on every run; Content-Length is the body's size in
# bytes.) Now every page, one `curl -I` each:

# %% tags=["concept:http.status-check"]
pages = [c1.http(f"http://10.0.7.80{path}", method="HEAD")
         for path in ("/", "/old-page", "/missing", "/report", "/busy")]
for page in pages[1:]:
    display(page)

# %% tags=["concept:http.status-check"]
print(l07.head_summary(pages))

# %% [markdown] tags=["concept:http.status-check"]
# The 301 says *where*: its **Location** header. `curl -I -L` follows it and shows both responses.
# Note that a 301 can be cached (here for 30 days), so browsers remember it: a wrong permanent
# redirect (리다이렉트, 301) is hard to take back.

# %% tags=["concept:http.status-check"]
c1.http("http://10.0.7.80/old-page", method="HEAD", follow=True)

# %% [markdown] tags=["concept:http.status-check"]
# Any status code at all means DNS, routing and TCP worked: a server answered. **4xx** blames the
# request (a wrong path, no permission); **5xx** blames the server (a bug, an overload, a broken
# backend behind a load balancer). Load balancers' health checks (lesson 10) look at exactly this.
#
# ### Try it
# * `c1.http("http://10.0.7.80/")` (without `method="HEAD"`) shows the headers of a GET, and
#   `.body` the page itself.
# * Request a path that does not exist. Which headers does the 404 have, and which are missing?
#
# ### Check

# %% tags=["concept:http.status-check"]
answer = None  # ← a header name, e.g. "Server"
lesson.redirect_header.check(answer)

# %% tags=["concept:http.status-check"]
lesson.whose_fault.check(None)  # ← replace None with your option

# %% tags=["concept:http.status-check"]
answer = None  # ← a number of days
lesson.max_age_days.check(answer)

# %%
http.stop()

# %% [markdown] tags=["concept:dns.hierarchy"]
# ## 2. The DNS tree, read right to left
#
# No single server knows every name. DNS is a tree, and each part of a name is one level,
# read **from right to left**:
#
# * the **root**, written `.` (the dot at the end of `www.google.com.`, usually left out). Its
#   servers know only who serves each top-level domain. There are **13 root server names**,
#   a.root-servers.net to m.root-servers.net, each one many machines around the world sharing an address (anycast);
# * **top-level domains (TLD)**: `com`, `org`, `kr` ...; their servers know who serves each domain
#   below them;
# * **second-level domains (SLD; 2단계 도메인, SLD)**: `google` in google.com, what an organisation registers; its own
#   **authoritative** servers hold the actual records;
# * **subdomains** (서브도메인): `www`, `mail`, `api` ..., names the domain's owner creates at will.

# %% tags=["concept:dns.hierarchy"]
from helpers.sim.dns import ROOT_SERVERS, name_parts_text

print(name_parts_text("www.google.com"))

# %% tags=["concept:dns.hierarchy"]
for name, operator in ROOT_SERVERS:
    print(f"{name:<20} {operator}")

# %% tags=["concept:dns.hierarchy"]
from helpers.draw.dns import hierarchy

hierarchy(["www.example.com", "api.example.com", "www.google.com", "www.example.org", "www.example.co.kr"],
          highlight="www.example.com")
plt.show()

# %% [markdown] tags=["concept:dns.hierarchy"]
# A **resolver** walks this tree from the top: the root tells it which servers serve `com.`, those
# tell it which serve `example.com.`, and those answer. Here is that walk in a model of the lab's
# DNS (the same zone (영역, 존) files and the same resolver code as the live lab below, without a network):

# %% tags=["concept:dns.hierarchy"]
from helpers.sim.dns import course_hierarchy

model = course_hierarchy().resolver()
model.resolve("www.example.com")

# %% [markdown] tags=["concept:dns.hierarchy"]
# ### Try it
# * `model.resolve("shop.example.com")`: shop is a **CNAME** (an alias; 별칭) of www. How many queries does
#   it take now that the resolver knows example.com.'s server?
# * `model.resolve("www.example.org")`: the lab's root knows no `org.` servers. What does it answer?
# * `model.cache_table()` shows what the model's resolver remembers, and for how long.
#
# ### Check

# %% tags=["concept:dns.hierarchy"]
answer = None  # ← the zones in the order the resolver asks, e.g. ["a.", "b."]
lesson.resolution_order.check(answer)

# %% tags=["concept:dns.hierarchy"]
answer = None  # ← a TLD, e.g. "com"
lesson.tld_of.check(answer)

# %% tags=["concept:dns.hierarchy"]
answer = None  # ← a number
lesson.root_names.check(answer)

# %% [markdown] tags=["concept:dns.capture"]
# ## 3. A real DNS in the lab, watched on port 53
#
# Now for real. A home network (client `c1`, resolver `res` at 10.0.0.53, router `r1`) and "the
# internet" (documentation addresses 198.51.100.0/24 and 203.0.113.0/24) with three name servers
# and a web server:

# %% tags=["concept:dns.capture"]
lab = l07.dns_lab()
lab.start()
servers = l07.start_dns_servers(lab)
c1 = lab["c1"]
lab.draw()
plt.show()

# %% [markdown] tags=["concept:dns.capture"]
# Every name server runs `python3 -m helpers.dns` (the course's DNS server, built on the
# `dnslib` package) with a standard zone file. The root's zone delegates `com.` to the TLD server,
# the TLD's delegates `example.com.` to `ns1`, and `ns1` holds the records:

# %% tags=["concept:dns.capture"]
for node, service in servers.items():
    print(f"{node:<5} {service.display}")

# %% tags=["concept:dns.capture"]
print(l07.zone_file("example.com"))

# %% [markdown] tags=["concept:dns.capture"]
# c1 asks the resolver for www.example.com with `dig` (the DNS tool; `+nocmd +nostats +qid=4242`
# only leave out a version banner and timings and fix the query's ID, so the output repeats),
# while we capture UDP port 53 at the resolver, as `tcpdump -nni eth0 port 53` would:

# %% tags=["concept:dns.capture"]
with lab.capture("res:eth0", filter="udp port 53") as cap:
    first = c1.dns("www.example.com", server=l07.RESOLVER, options=l07.DIG)
first

# %% tags=["concept:dns.capture"]
messages = l07.dns_messages(cap)
l07.dns_table(messages)

# %% [markdown] tags=["concept:dns.capture"]
# Eight UDP datagrams tell the whole story:
#
# 1. c1 asks the resolver, with **rd** (*recursion desired*: "please find it for me");
# 2-3. the resolver asks the **root**; the root does not know www.example.com, but it knows who
#    serves `com.`: a **referral** (위임 응답, 리퍼럴);
# 4-5. the resolver asks the `com.` server: another referral, to `example.com.`'s server;
# 6-7. the resolver asks `ns1`, which owns the zone and answers with **aa** (*authoritative
#    answer*);
# 8. the resolver answers c1, with **ra** (*recursion available*) but without aa: it relays.

# %% tags=["concept:dns.capture"]
from helpers.draw.dns import sequence

sequence(l07.arrows(messages), l07.PARTICIPANTS, title="www.example.com, resolved by res")
plt.show()

# %% [markdown] tags=["concept:dns.capture"]
# `dig +trace` does the same walk from the client itself, without the resolver's help: it asks for
# the root servers, then follows each referral. (It needs c1's name lookups configured, which
# section 5 explains; `l07.PrivateEtc()` provides them.)

# %% tags=["concept:dns.capture"]
etc = l07.PrivateEtc()
etc.run(c1, "dig +trace +nodnssec +nocmd www.example.com")

# %% [markdown] tags=["concept:dns.capture"]
# ### Try it
# * Capture at two points at once, `lab.capture("c1:eth0", "res:eth0", filter="udp port 53")`,
#   while c1 asks for `shop.example.com`: which messages does c1 see?
# * Ask for a name that does not exist (`nope.example.com`) and read the status in dig's header.
# * In a live lab, `print(servers["res"].log())` shows the resolver's own account of every step,
#   and `servers["ns1"].log()` every question the authoritative server was asked.
#
# ### Check

# %% tags=["concept:dns.capture"]
lesson.dns_transport.check(None)  # ← replace None with your option

# %% tags=["concept:dns.capture"]
answer = None  # ← a number
lesson.upstream_count.check(answer)

# %% [markdown] tags=["concept:dns.resolver"]
# ## 4. Resolvers: stub and recursive, authoritative or not, A and AAAA
#
# Three kinds of DNS software took part above:
#
# * a **stub resolver** (스텁 리졸버) in every machine (the C library's lookup code, or systemd-resolved on
#   127.0.0.53) only asks one server and waits; the workshop's `nslookup` talked to one;
# * a **recursive resolver** (`res`; your ISP's, 8.8.8.8, or the VPC's resolver in AWS) does the
#   walk from the root for its clients and **caches** what it learns;
# * **authoritative servers** hold zones; they answer only for their zones and never recurse.
#
# ### Authoritative vs non-authoritative
# Ask `ns1` directly (without recursion) and the reply has the **aa** flag; ask the resolver and
# it does not: the resolver is only passing the answer on.

# %% tags=["concept:dns.resolver"]
direct = c1.dns("www.example.com", server=l07.AUTH, options=l07.DIG + ("+norecurse",))
direct

# %% tags=["concept:dns.resolver"]
print("from ns1:", direct.flags, " authoritative:", direct.authoritative)
print("from res:", first.flags, " authoritative:", first.authoritative)

# %% [markdown] tags=["concept:dns.resolver"]
# `nslookup`, as in the workshop, calls the resolver's answer **non-authoritative**. It also asks
# for both address types: an **A** record holds an IPv4 address, an **AAAA** record an IPv6
# address (the lab's network runs IPv4 only, but the records are just data):

# %% tags=["concept:dns.resolver"]
etc.run(c1, "nslookup www.example.com")

# %% [markdown] tags=["concept:dns.resolver"]
# ### Caching and TTL
# Every record comes with a **TTL** (*time to live*): how many seconds it may be cached. The
# resolver keeps `blog.example.com` for 300 seconds after asking for it; ask again two seconds later
# and it answers from its cache (no query leaves), with the TTL counted down:

# %% tags=["concept:dns.resolver"]
with lab.capture("res:eth0", filter="udp port 53") as cap:
    fresh = c1.dns("blog.example.com", server=l07.RESOLVER, options=l07.DIG)
    l07.pause(lab, 2)
    cached = c1.dns("blog.example.com", server=l07.RESOLVER, options=l07.DIG)
print("TTL the first time:", fresh.answers[0].ttl, "   two seconds later:", cached.answers[0].ttl)
l07.dns_table(l07.dns_messages(cap))

# %% [markdown] tags=["concept:dns.resolver"]
# The first question cost **one** upstream query, not three: the resolver still remembered the
# referrals to `com.` and `example.com.` from before. The second cost none.
#
# A short TTL makes changes reach users fast, at the price of more queries. `api.example.com` has
# a TTL of 3 seconds; after 3.5 seconds the resolver has forgotten it and asks again:

# %% tags=["concept:dns.resolver"]
with lab.capture("res:eth0", filter="udp port 53") as cap:
    c1.dns("api.example.com", server=l07.RESOLVER, options=l07.DIG)
    l07.pause(lab, 3.5)
    c1.dns("api.example.com", server=l07.RESOLVER, options=l07.DIG)
expired = l07.dns_messages(cap)
print("queries the resolver sent upstream:", len(l07.upstream_queries(expired)))
l07.dns_table(expired)

# %% [markdown] tags=["concept:dns.resolver"]
# This is why DNS changes "take time to propagate": every resolver keeps the old answer until its
# TTL runs out. Lower the TTL well before a migration.
#
# ### Try it
# * `c1.dns("www.example.com", "AAAA", server=l07.RESOLVER, options=l07.DIG)` asks for the IPv6
#   address only.
# * Ask the resolver *not* to recurse: `c1.dns("blog.example.com", server=l07.RESOLVER,
#   options=l07.DIG + ("+norecurse",))` answers only from its cache. Try a name it has never seen.
#
# ### Check

# %% tags=["concept:dns.resolver"]
lesson.non_authoritative.check(None)  # ← replace None with your option

# %% tags=["concept:dns.resolver"]
lesson.who_sets_aa.check(None)  # ← replace None with your option

# %% tags=["concept:dns.resolver"]
answer = None  # ← seconds
lesson.ttl_left.check(answer)

# %% tags=["concept:dns.resolver"]
lesson.ipv6_record.check(None)  # ← replace None with your option

# %% [markdown] tags=["concept:dns.lookup-flow"]
# ## 5. The lookup order on a Linux machine
#
# When a program asks for `www.example.com` (through the C library's `getaddrinfo()`), the
# workshop lists what happens:
#
# 1. the **local DNS cache** is checked;
# 2. **/etc/hosts**, a file of fixed name-to-address lines;
# 3. **/etc/resolv.conf** names the DNS server to ask;
# 4. that server answers from its cache, or asks upstream (section 3), and the answer is cached.
#
# On a modern Linux the order is set by the `hosts:` line of **/etc/nsswitch.conf**:
# `files dns` means /etc/hosts first, then DNS. The local cache is a small caching server on the
# machine itself, like systemd-resolved on **127.0.0.53** (the `Server:` in the workshop's
# nslookup output), which resolv.conf points to. Lab node c1 runs one: `python3 -m helpers.dns
# forward --to 10.0.0.53 --listen 127.0.0.53`.
#
# c1 needs its own versions of those three files. A lab node shares the host's /etc, so each
# command runs in a private *mount namespace* where small files are mounted over /etc/hosts,
# /etc/resolv.conf and /etc/nsswitch.conf. The host's files never change, and this works with and
# without root. This is the whole recipe:

# %% tags=["concept:dns.lookup-flow"]
print(etc.script("getent ahostsv4 www.example.com"))

# %% [markdown] tags=["concept:dns.lookup-flow"]
# To see each step, `python3 -m helpers.dns lookup NAME` looks a name up the way `getaddrinfo()`
# does, saying what it reads and asks. First with a line for www.example.com in /etc/hosts (say, a
# developer's test server), capturing port 53 on c1's network card:

# %% tags=["concept:dns.lookup-flow"]
testing = l07.PrivateEtc(hosts=["127.0.0.1 localhost", "203.0.113.99 www.example.com"])
print(testing.show())

# %% tags=["concept:dns.lookup-flow"]
with lab.capture("c1:eth0", filter="udp port 53") as cap:
    display(testing.run(c1, "python3 -m helpers.dns lookup www.example.com"))
    display(testing.run(c1, "getent ahostsv4 www.example.com"))
l07.dns_table(l07.dns_messages(cap))

# %% [markdown] tags=["concept:dns.lookup-flow"]
# /etc/hosts answered and not a single DNS packet left c1, for the narrated lookup and for the
# real C library (`getent ahostsv4` prints one line per socket type). Now with the normal files,
# after emptying c1's local cache (the lab's version of `resolvectl flush-caches`, or the
# workshop's `systemd-resolve --flush-caches`):

# %% tags=["concept:dns.lookup-flow"]
etc.run(c1, "python3 -m helpers.dns flush")

# %% tags=["concept:dns.lookup-flow"]
with lab.capture("c1:eth0", filter="udp port 53") as cap:
    display(etc.run(c1, "python3 -m helpers.dns lookup www.example.com"))
l07.dns_table(l07.dns_messages(cap, ttls=False))

# %% [markdown] tags=["concept:dns.lookup-flow"]
# Not in /etc/hosts, so DNS: resolv.conf says 127.0.0.53, whose cache was empty, so it asked the
# resolver (the two packets on c1's network card; the resolver answered from *its* cache). Ask
# again, and the local cache answers: nothing leaves c1 at all.

# %% tags=["concept:dns.lookup-flow"]
with lab.capture("c1:eth0", filter="udp port 53") as cap:
    display(etc.run(c1, "python3 -m helpers.dns lookup www.example.com"))
    display(etc.run(c1, "getent ahostsv4 www.example.com"))
l07.dns_table(l07.dns_messages(cap))

# %% [markdown] tags=["concept:dns.lookup-flow"]
# Finally the whole point of it all: a program uses the name. `curl` resolves www.example.com
# through the same steps and fetches the page from 203.0.113.80:

# %% tags=["concept:dns.lookup-flow"]
etc.run(c1, "curl -sS http://www.example.com/")

# %%
lab.stop()

# %% [markdown] tags=["concept:dns.lookup-flow"]
# ### Try it
# * Put a wrong address in /etc/hosts (`l07.PrivateEtc(hosts=["203.0.113.200 www.example.com"])`)
#   and `curl` the name (rebuild the lab first): the classic "works on my machine" DNS bug.
# * Point resolv.conf straight at the resolver (`resolv_conf=["nameserver 10.0.0.53"]`) and
#   capture: every lookup now leaves c1.
# * Swap the order in nsswitch.conf (`nsswitch=["hosts: dns files"]`) and repeat the /etc/hosts
#   experiment.
#
# ### Check

# %% tags=["concept:dns.lookup-flow"]
lesson.hosts_wins.check(None)  # ← replace None with your option

# %% tags=["concept:dns.lookup-flow"]
lesson.flush_then.check(None)  # ← replace None with your option

# %% [markdown]
# ## Summary
# * `curl -I` shows a response's **status line** and **headers**: 2xx success, 3xx redirection
#   (**Location** says where), 4xx the request's fault, 5xx the server's. Content-Type says what
#   the body is; Cache-Control (max-age, which wins) and Expires how long it may be kept; Server
#   which software answered.
# * DNS names are read **right to left**: root (13 server names), **TLD**, **SLD**, subdomains. Each
#   level's servers refer the resolver one step down, until the **authoritative** server answers.
# * A **recursive resolver** does that walk for its clients and caches every answer and referral
#   for its **TTL**; its answers are **non-authoritative** (no aa flag). **A** records hold IPv4
#   addresses, **AAAA** records IPv6.
# * DNS travels as single **UDP** datagrams on **port 53**; `tcpdump -nni eth0 port 53` (or a lab
#   capture) shows every step.
# * On Linux, `/etc/nsswitch.conf` sets the order: **/etc/hosts** first, then DNS through the
#   server in **/etc/resolv.conf** (often a local cache on 127.0.0.53). Flushing one cache leaves
#   the others.
#
# ## Terms

# %%
from helpers import glossary

glossary.terms("07")

# %% [markdown]
# **Next:** [08 · Containers and Docker networking](08-docker-networking.ipynb)
