# %% [markdown]
# # 06 · Ports, sockets, TCP and UDP
#
# An IP address gets a packet to a machine; a **port** (포트) gets it to the right program on that
# machine. "Is the service up?", "why does the second user get refused?", "why does the server
# stop accepting at 1,000 users?", "how do I put my app on port 80?" are all questions about
# ports and sockets (소켓). In this lesson you open and close real TCP connections, watch one listening
# port (리스닝 포트) serve many clients, send UDP (사용자 데이터그램 프로토콜), hit a server's file-descriptor (파일 디스크립터) limit on purpose, forward port
# 80 to 8080 with a NAT (네트워크 주소 변환) rule, and see why SSH open to the whole internet is a bad idea.
#
# **Learning objectives.** After this lesson you can:
# 1. read a TCP handshake and close in a capture (SYN, SYN-ACK, ACK ... FIN (연결 종료 플래그), ACK);
# 2. check whether a service listens (`telnet HOST PORT`) and tell *open*, *closed* and
#    *filtered* apart;
# 3. explain how one listening port serves many clients (the 4-tuple (4-튜플)) and read `ss -tn`;
# 4. compare UDP with TCP, and say what limits (`fs.file-max`, `ulimit` (사용자 자원 한도) `-n` and `-u`) cap a
#    server's connections;
# 5. add, list, test and delete a port-forwarding (포트 포워딩) rule (80 -> 8080) in nft and iptables (아이피테이블즈) syntax, and
#    say how to expose SSH safely.
#
# **Builds on:** [02 · Networks and the OSI model](02-networks-and-osi.ipynb) (ports,
# TCP vs UDP, well-known ports) and [05 · ARP and ICMP](05-arp-and-icmp.ipynb) (captures, ICMP
# errors).

# %% [markdown]
# ## Setup

# %%
import matplotlib.pyplot as plt

import helpers

helpers.setup()

from helpers.exercises import l06 as lesson
from helpers.experiments import l06

# %% [markdown] tags=["concept:tcp.handshake"]
# ## 1. A TCP connection from start to end
#
# TCP gives two programs a reliable, ordered stream of bytes over an unreliable network. Before any
# data, the two sides agree to talk and pick their starting **sequence numbers** (every byte sent
# is numbered, so losses and reordering can be fixed): the **three-way handshake** (3-way 핸드셰이크).
#
# 1. client → server **SYN**: "let's talk; my bytes will be numbered from *x*";
# 2. server → client **SYN-ACK**: "OK (I acknowledge *x*), and mine from *y*";
# 3. client → server **ACK**: "got *y*". The connection is *established*.
#
# Closing is done by each side separately: **FIN** means "I have nothing more to send", and the
# other side ACKs it. Four segments, because each direction is closed on its own.
#
# The lab: a server `srv` (10.0.6.10) and two clients on a switch. `srv` runs a web server on
# port 80, a TCP echo service on port 7 and a UDP echo service on port 7.

# %% tags=["concept:tcp.handshake"]
lab = l06.sockets_lab()
lab.start()
srv, c1, c2 = lab["srv"], lab["c1"], lab["c2"]
lab

# %% [markdown] tags=["concept:tcp.handshake"]
# c1 connects to the echo port and closes again, just as `telnet 10.0.6.10 7` followed by
# *quit* would, while we capture at the server:

# %% tags=["concept:tcp.handshake"]
with lab.capture("srv:eth0", filter="tcp port 7") as cap:
    opened = l06.connect_and_close(c1, l06.SERVER)
display(opened)
cap.table()

# %% [markdown] tags=["concept:tcp.handshake"]
# The sequence numbers start at a random value on each side (so that nobody can guess them);
# counted from that start, as Wireshark shows them, the exchange reads like this. Note that a SYN
# and a FIN each use up one sequence number, which is why the ACK after them is one higher:

# %% tags=["concept:tcp.handshake"]
print(l06.handshake_table(cap, client=l06.CLIENTS["c1"], server=l06.SERVER))

# %% tags=["concept:tcp.handshake"]
from helpers.draw.tcp import ladder

ladder(l06.handshake_rows(cap, l06.CLIENTS["c1"], l06.SERVER), client="c1 (client)", server="srv (server)")
plt.show()

# %% [markdown] tags=["concept:tcp.handshake"]
# The side that closes first (here the client) keeps the connection in **TIME_WAIT** for a while
# (60 seconds on Linux), so that a late segment of this connection cannot be mistaken for part of a
# new one with the same ports:

# %% tags=["concept:tcp.handshake"]
c1.run("ss -tan state time-wait")

# %% [markdown] tags=["concept:tcp.handshake"]
# ### Try it
# Capture a web request instead: `with lab.capture("srv:eth0", filter="tcp port 80") as cap:
# c1.http("http://10.0.6.10/")`, then `cap.table()`. Between the handshake and the close you will
# see the request (`GET / HTTP/1.1`), the response, and their ACKs.
#
# ### Check

# %% tags=["concept:tcp.handshake"]
answer = None  # ← the flags of the three handshake segments, e.g. ["A", "B", "C"]
lesson.handshake_order.check(answer)

# %% [markdown] tags=["concept:tcp.port-check"]
# ## 2. Is the service up? The port check
#
# `ping` only says the *machine* answers. To know whether a *service* runs, connect to its port:
# the workshop notes use `telnet [server IP] [port]`. There are three possible answers:
#
# | `telnet` says | on the wire | meaning |
# |---|---|---|
# | `Connected to ...` | SYN → SYN-ACK | **open**: a program listens |
# | `Connection refused` (at once) | SYN → RST (리셋) | **closed**: the machine is up, nothing listens on that port |
# | nothing for minutes, then `Connection timed out` | SYN → (silence) | **filtered**: a firewall dropped it (or the host is unreachable) |
#
# `srv` gets a small firewall that silently drops TCP port 8443 (and UDP port 5353, for later), like
# a security group with no rule for those ports:

# %% tags=["concept:tcp.port-check"]
l06.drop_ports(srv)

# %% tags=["concept:tcp.port-check"]
with lab.capture("srv:eth0", filter="tcp[tcpflags] & (tcp-syn|tcp-rst) != 0") as cap:
    display(c1.tcp_connect(srv, 80))               # the web server
    display(c1.tcp_connect(srv, 81))               # nothing there
    display(c1.tcp_connect(srv, 8443, timeout=0.5))  # dropped by the firewall
cap.table()

# %% [markdown] tags=["concept:tcp.port-check"]
# (The capture keeps only segments with SYN or RST, the ones that decide the outcome.) Port 80
# answers SYN-ACK: open. Port 81 gets a **RST** back immediately. Port 8443
# gets nothing: the SYN arrives at srv's network card and the firewall drops it, so the client can
# only give up. The difference matters when you troubleshoot: *refused* points at the service
# (is it running? on which port?), *timed out* at the network (firewall, security group, routing).
#
# ### Try it
# * Start something on port 81 (`srv.serve_http(81)`) and check again.
# * Which ports are listening on srv? `srv.run("ss -ltn")` (`-l` listening, `-t` TCP, `-n` numbers).
#
# ### Check

# %% tags=["concept:tcp.port-check"]
lesson.closed_port_answer.check(None)  # ← replace None with your option

# %% tags=["concept:tcp.port-check"]
lesson.telnet_outcomes.check(None)  # ← replace None with your option

# %% [markdown] tags=["concept:tcp.socket"]
# ## 3. One port, many clients: sockets and the 4-tuple
#
# A web server listens on one port, 80, yet serves thousands of users at once. How? The listening
# **socket** only waits for new connections; every accepted connection gets a **socket of its
# own**, and the kernel tells connections apart by four values, the **4-tuple**:
#
# (client IP, client port, server IP, server port)
#
# The server's side is the same for all of them; the client side differs. Each client picks a
# fresh **ephemeral port** (임시 포트) for every connection, so even one client can hold many connections to
# the same server port. Let's make c1 open two connections to port 80 and keep them open, and c2
# one (its client port even equals one of c1's):

# %% tags=["concept:tcp.socket"]
l06.hold(c1, l06.SERVER, 80, source_ports=[41001, 41002])
l06.hold(c2, l06.SERVER, 80, source_ports=[41001])
connections = l06.established(srv, port=80)
connections

# %% [markdown] tags=["concept:tcp.socket"]
# `ss` (*socket statistics*, the modern `netstat`) with `-t` TCP, `-n` numeric, `-H` no header,
# filtered to established connections on local port 80. Each line is one connection: Recv-Q and
# Send-Q (bytes waiting), the local side (server) and the peer (client). As 4-tuples:

# %% tags=["concept:tcp.socket"]
print(l06.tuple_table(l06.four_tuples(connections.output)))

# %% [markdown] tags=["concept:tcp.socket"]
# And the listening socket itself, which is not a connection at all (its peer is `*`):

# %% tags=["concept:tcp.socket"]
srv.run("ss -ltn 'sport = :80'")

# %% [markdown] tags=["concept:tcp.socket"]
# ### Try it
# Open a third connection from c1 with `l06.hold(c1, l06.SERVER, 80, source_ports=[41003])` and list
# the connections again; then look from the client's side: `c1.run("ss -tn")`.
#
# ### Check

# %% tags=["concept:tcp.socket"]
answer = None  # ← a number
lesson.distinct_connections.check(answer)

# %% tags=["concept:tcp.socket"]
lesson.same_port_twice.check(None)  # ← replace None with your option

# %% [markdown] tags=["concept:udp.basics"]
# ## 4. UDP: no handshake, no promises
#
# **UDP** sends single datagrams: no connection, no handshake, no acknowledgements, no
# retransmission, no ordering. It is what DNS, video calls, games and many metrics use: fast and
# simple, and the application decides what to do about loss. TCP port 7 and UDP port 7 are two
# different ports: srv runs an echo service on each.
#
# Three datagrams from c1: to the UDP echo (port 7), to a port where nothing listens (9), and to
# the port srv's firewall drops (5353):

# %% tags=["concept:udp.basics"]
with lab.capture("srv:eth0", filter="udp or icmp") as cap:
    display(c1.udp_exchange(srv, 7, "hello"))
    display(c1.udp_exchange(srv, 9, "hello"))
    display(c1.udp_exchange(srv, l06.FILTERED_UDP, "hello"))
cap.table()

# %% [markdown] tags=["concept:udp.basics"]
# * Port 7: one datagram there, one back. Compare that with the seven TCP segments of section 1 for
#   no data at all.
# * Port 9: srv's kernel answers with **ICMP port unreachable** (lesson 05). The probe uses a
#   *connected* UDP socket, as `nc -u` does, so the kernel hands that ICMP error to it (the next
#   receive fails with "connection refused"). A program sending with an *unconnected* socket
#   (`sendto`, as most servers do) never hears of it: UDP itself has no reply or error of its own.
# * Port 5353: the datagram is dropped; nothing comes back, and the sender cannot tell a dropped
#   datagram from a slow one.
#
# With UDP, "no reply" could mean lost, dropped or just slow: that is why UDP applications such as
# DNS resolvers set their own timeouts and retries.
#
# ### Try it
# Send a longer message (`c1.udp_exchange(srv, 7, "x" * 1000)`) and look at the sizes in a capture.
#
# ### Check

# %% tags=["concept:udp.basics"]
lesson.udp_closed.check(None)  # ← replace None with your option

# %% [markdown] tags=["concept:os.fd-limits"]
# ## 5. What caps a server's connections: file descriptors
#
# On Linux every socket is a **file descriptor** (fd), like an open file. A server holding 10,000
# connections holds 10,000 fds, and three limits decide whether it may:
#
# * `sysctl fs.file-max`: open files for the **whole system**;
# * `ulimit -n`: open files for **one process** (the *soft* limit in force; `ulimit -Hn` is the
#   *hard* ceiling a process may raise itself to). Often only 1024 by default;
# * `ulimit -u`: processes **per user**; threads count too, so a thread-per-connection server runs
#   into it.
#
# The workshop notes read them with `sysctl fs.file-max` and `ulimit -aH`. Here are this machine's
# values (they differ from machine to machine, so this cell's output is not compared when the
# course is tested):

# %% tags=["concept:os.fd-limits"]
# NBVAL_IGNORE_OUTPUT
limits = l06.read_fd_limits()
print(l06.limits_table(limits))
assert limits.file_max > 0 and limits.nofile_soft != 0 and limits.nproc_soft != 0

# %% tags=["concept:os.fd-limits"]
for finding in l06.limit_findings(limits):
    print(finding)

# %% [markdown] tags=["concept:os.fd-limits"]
# To see the limit bite, srv gets an echo server that may hold only **16** files
# (`ulimit -n 16`). It already has 4: stdin, stdout, stderr and its listening socket. c1 then opens
# 20 connections to it and keeps them open. From the server's side, `ss` counts the established
# connections on port 9000, then shows the listening socket:

# %% tags=["concept:os.fd-limits"]
l06.fd_server(srv, port=9000, nofile=16)
l06.hold(c1, l06.SERVER, 9000, count=20, settle=1)
display(l06.connection_count(srv, 9000))
display(srv.run("ss -ltn 'sport = :9000'"))

# %% [markdown] tags=["concept:os.fd-limits"]
# All 20 connections are established, because the *kernel* completes the handshake and queues the
# connection. But the program could `accept()` only 12 of them before its 16 fds ran out ("Too
# many open files", `EMFILE`). The other 8 wait, unserved, in the listening socket's queue: the
# **Recv-Q** of the LISTEN line (its Send-Q is the queue's size, the *backlog*).

# %% [markdown] tags=["concept:os.fd-limits"]
# This is what users of an overloaded server experience: the connection "works" but nothing
# happens. The fix is to raise `ulimit -n` for the service (in a systemd unit: `LimitNOFILE=`),
# within `fs.file-max`.
#
# ### Try it
# Repeat the experiment with `nofile=32` on another port (`l06.fd_server(srv, port=9001,
# nofile=32)`, then `l06.hold(c1, l06.SERVER, 9001, count=20)`): how long is the queue now?
#
# ### Check

# %% tags=["concept:os.fd-limits"]
answer = None  # ← a number
lesson.fd_served.check(answer)

# %% tags=["concept:os.fd-limits"]
lesson.limit_kind.check(None)  # ← replace None with your option

# %%
lab.stop()

# %% [markdown] tags=["concept:tcp.port-forwarding"]
# ## 6. Port forwarding: 80 → 8080 with a NAT rule
#
# Programs often listen on a high port like 8080 (ports below 1024 need privileges), while users
# expect port 80. The workshop's recipe rewrites the destination port of incoming packets with a
# **NAT** rule:
#
# ```
# sudo iptables -t nat -A PREROUTING -p tcp --dport 80 -j REDIRECT --to-port 8080
# ```
#
# *In the `nat` table, append to the `PREROUTING` chain (packets that just arrived, before the
# routing decision): TCP to port 80 → redirect to this machine, port 8080.* Modern Linux uses
# **nftables** (`nft`; 넷필터 테이블), and `iptables` there is a front end to it; we do it in both syntaxes. The
# lab: c1 and srv, whose app listens on 8080 only.

# %% tags=["concept:tcp.port-forwarding"]
fwd = l06.portfwd_lab()
fwd.start()
srv, c1 = fwd["srv"], fwd["c1"]
display(c1.tcp_connect(srv, 80))
display(c1.tcp_connect(srv, 8080))

# %% [markdown] tags=["concept:tcp.port-forwarding"]
# **Add** the rule with nft: a table, a chain hooked into *prerouting* with NAT priority, and the
# rule.

# %% tags=["concept:tcp.port-forwarding"]
for command in l06.NAT_COMMANDS:
    display(srv.run(command, check=True))

# %% [markdown] tags=["concept:tcp.port-forwarding"]
# **List** it. `-a` prints each rule's *handle*, the number you delete it by:

# %% tags=["concept:tcp.port-forwarding"]
listing = srv.run("nft -a list table ip nat")
listing

# %% [markdown] tags=["concept:tcp.port-forwarding"]
# **Test** it from c1: port 80 now reaches the app on 8080. The application sees the connection on
# its own port 8080 (look at the local side in `ss`), while the client thinks it talks to port 80:

# %% tags=["concept:tcp.port-forwarding"]
display(c1.tcp_connect(srv, 80))
page = c1.http("http://10.0.6.10/")
print(page.status, page.reason, "|", page.body.strip())

# %% [markdown] tags=["concept:tcp.port-forwarding"]
# **Delete** it by its handle, and port 80 is closed again:

# %% tags=["concept:tcp.port-forwarding"]
handle = l06.rule_handle(listing.output)
display(srv.run(f"nft delete rule ip nat prerouting handle {handle}", check=True))
display(srv.run("nft list table ip nat"))
display(c1.tcp_connect(srv, 80))

# %% [markdown] tags=["concept:tcp.port-forwarding"]
# The same with the seeds' `iptables` commands: add, list with line numbers, test, delete by line
# number. On this system `iptables` writes nftables rules (it is `iptables-nft`), so `nft list
# ruleset` shows what it made, with a counter of the packets it redirected (only a connection's
# first packet goes through a NAT chain; conntrack handles the rest):

# %% tags=["concept:tcp.port-forwarding"]
srv.run("nft delete table ip nat", check=True)
display(srv.run(l06.IPTABLES_ADD, check=True))
display(srv.run(l06.IPTABLES_LIST))
display(c1.tcp_connect(srv, 80))
display(srv.run("nft list ruleset"))

# %% tags=["concept:tcp.port-forwarding"]
display(srv.run(l06.IPTABLES_DELETE, check=True))
display(srv.run(l06.IPTABLES_LIST))
display(c1.tcp_connect(srv, 80))

# %% [markdown] tags=["concept:tcp.port-forwarding"]
# `iptables-translate` turns an iptables command into its nft equivalent:

# %% tags=["concept:tcp.port-forwarding"]
srv.run(f"iptables-translate {l06.IPTABLES_ADD.removeprefix('iptables ')}")

# %%
fwd.stop()

# %% [markdown] tags=["concept:tcp.port-forwarding"]
# Two details: PREROUTING only sees packets that *arrive*, so `curl localhost:80` on srv itself is
# not redirected (that needs the OUTPUT hook); and connections opened before a rule was deleted keep
# their translation until they close (conntrack remembers them). Docker's `-p 8080:80` (lesson 08)
# is this same kind of rule.
#
# ### Try it
# In a rebuilt `l06.portfwd_lab()`, forward port 8000 instead of 80, or use `dnat to
# 10.0.6.10:8080` instead of `redirect`, and test with `c1.tcp_connect(srv, 8000)`.
#
# ### Check

# %% tags=["concept:tcp.port-forwarding"]
answer = None  # ← a port number
lesson.redirect_target.check(answer)

# %% tags=["concept:tcp.port-forwarding"]
lesson.delete_rule.check(None)  # ← replace None with your option

# %% [markdown] tags=["concept:sec.ssh-exposure"]
# ## 7. Why SSH open to the world is dangerous
#
# The workshop notes warn: you can move SSH from port 22 to another port, but **allowing SSH from
# every address is dangerous**. Bots try to log in to every SSH server on the internet all day
# long: one probe to every IPv4 address takes about an hour at a million packets per second,

# %% tags=["concept:sec.ssh-exposure"]
print(f"one port on all 2^32 IPv4 addresses at 1,000,000 packets/s: {l06.scan_minutes():.0f} minutes")
print(f"all 65,535 ports of ONE address at 10,000 packets/s: {60 * l06.scan_minutes(1, 10_000, 65_535):.1f} seconds")

# %% [markdown] tags=["concept:sec.ssh-exposure"]
# A new port number hides nothing from someone looking at *your* address. In this lab, srv runs an
# SSH look-alike (it only greets; nobody can log in) on the "secret" port 2222, open to everyone on
# the "internet" (203.0.113.0/24). The attacker scans srv's first 3000 ports:

# %% tags=["concept:sec.ssh-exposure"]
ssh = l06.ssh_lab()
ssh.start()
l06.scan(ssh["attacker"], l06.SSH_SERVER)

# %% [markdown] tags=["concept:sec.ssh-exposure"]
# Found in well under a second, and the greeting even names the software and its version, which
# tells the attacker which known vulnerabilities to try. The protection is to **allow SSH only from
# where admins are**: a security group rule with the office's address or a bastion host (lesson 09; 배스천 호스트),
# a VPN, plus key-only logins. Here: an nft rule that accepts port 2222 from the admin's address and
# drops it for everyone else:

# %% tags=["concept:sec.ssh-exposure"]
l06.allow_ssh_only_from(ssh["srv"], l06.ADMIN)

# %% tags=["concept:sec.ssh-exposure"]
display(l06.scan(ssh["attacker"], l06.SSH_SERVER))
display(ssh["admin"].tcp_connect(l06.SSH_SERVER, l06.SSH_PORT))

# %%
ssh.stop()

# %% [markdown] tags=["concept:sec.ssh-exposure"]
# The attacker now sees port 2222 as *filtered* (no answer), exactly like any closed-off port; the
# admin still gets in.
#
# ### Try it
# Scan from the admin's machine: `l06.scan(ssh["admin"], l06.SSH_SERVER)` (rebuild the lab first).
# What does the firewall look like from the allowed address?
#
# ### Check

# %% tags=["concept:sec.ssh-exposure"]
lesson.ssh_port_change.check(None)  # ← replace None with your option

# %% [markdown]
# ## Summary
# * A **port** names a program's endpoint on a machine; a TCP connection is named by its
#   **4-tuple** (client IP, client port, server IP, server port), so one listening port serves
#   many clients. `ss -tn` lists connections, `ss -ltn` listening sockets.
# * TCP opens with **SYN, SYN-ACK, ACK** and closes with a **FIN** and an **ACK** in each
#   direction; the side that closes first waits in TIME_WAIT.
# * A **port check** (`telnet HOST PORT`) has three outcomes: connected (open), refused (closed:
#   RST) and timed out (filtered by a firewall).
# * **UDP** is one datagram each way, without handshake or delivery guarantee; a closed UDP port
#   answers with ICMP port unreachable.
# * Every connection is a **file descriptor**: `ulimit -n` (per process), `fs.file-max` (system)
#   and `ulimit -u` (processes and threads per user) cap what a server can hold.
# * **Port forwarding** 80 → 8080 is one NAT rule: `nft add rule ip nat prerouting tcp dport 80
#   redirect to :8080` or `iptables -t nat -A PREROUTING -p tcp --dport 80 -j REDIRECT --to-port
#   8080`; list with `nft -a` / `-L --line-numbers`, delete by handle / line number.
# * SSH on another port is still found in seconds: allow it only from known addresses.
#
# ## Terms

# %%
from helpers import glossary

glossary.terms("06")

# %% [markdown]
# **Next:** [07 · HTTP and DNS](07-http-and-dns.ipynb)
