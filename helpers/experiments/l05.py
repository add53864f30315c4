"""The live labs of lesson 05 (ARP and ICMP).

* ``arp_lab()``   "05-arp": three hosts on one switch, to watch ARP ask and answer;
* ``path_lab()``  "05-path": a host, three routers and a server in a row, the links slower and
  slower towards the middle, for ping, traceroute, RTT per hop and ICMP errors;
* ``loss_lab()``  "05-loss": two hosts joined by a cable that drops 20% of frames each way.

    lab = path_lab()
    lab.start()
    h1 = lab["h1"]
    h1.traceroute(SERVER)
"""
from __future__ import annotations

from helpers.lab import Lab
from helpers.sim.ping import about

# ---------------------------------------------------------------------------- 05-arp

LAN_HOSTS = {"h1": "10.0.1.10", "h2": "10.0.1.20", "h3": "10.0.1.30"}


def arp_lab() -> Lab:
    """h1, h2, h3 on switch s1 (10.0.1.0/24): one broadcast domain, nobody has talked yet."""
    lab = Lab("05-arp")
    s1 = lab.switch("s1")
    for name, address in LAN_HOSTS.items():
        lab.link(lab.host(name), s1, ip1=f"{address}/24")
    return lab


def arp_table(node, address: str | None = None):
    """The node's neighbour table (or one entry of it) as the seed's `arp -n` prints it (net-tools);
    where net-tools is not installed, `ip neigh` laid out in the same columns.

    Ask for one address when the table has several entries: the kernel lists them in hash order,
    which differs from run to run.
    """
    from helpers.sim.arp import arp_view, parse_ip_neigh

    suffix = f" {address}" if address else ""
    result = node.run(f"arp -n{suffix}")
    if result.returncode == 127 or "not found" in result.stderr:
        neigh = node.run(f"ip neigh show{suffix}")
        neigh.output = arp_view(parse_ip_neigh(neigh.output)) + "\n"
        neigh.command = f"ip neigh show{suffix}   # in the columns of `arp -n` (net-tools is not installed here)"
        return neigh
    return result


# ---------------------------------------------------------------------------- 05-path

SERVER = "10.0.3.10"
UNROUTED = "10.0.99.5"  # an address no router has a route to
# The routers and the server in path order, with the address h1 pings for each.
PATH_HOPS = [("r1", "10.0.1.1"), ("r2", "10.0.12.2"), ("r3", "10.0.23.2"), ("srv", SERVER)]
# One-way delay of each link: the round trip across a link costs twice this.
LINK_DELAYS_MS = {("h1", "r1"): 0, ("r1", "r2"): 5, ("r2", "r3"): 40, ("r3", "srv"): 5}


def path_lab() -> Lab:
    """h1 - r1 - r2 - r3 - srv; the r2-r3 link is the slow one (40 ms each way)."""
    lab = Lab("05-path")
    h1, r1, r2, r3, srv = (lab.host("h1"), lab.router("r1"), lab.router("r2"), lab.router("r3"),
                           lab.host("srv"))
    lab.link(h1, r1, ip1="10.0.1.10/24", ip2="10.0.1.1/24")
    lab.link(r1, r2, ip1="10.0.12.1/30", ip2="10.0.12.2/30", delay=f"{LINK_DELAYS_MS[('r1', 'r2')]}ms")
    lab.link(r2, r3, ip1="10.0.23.1/30", ip2="10.0.23.2/30", delay=f"{LINK_DELAYS_MS[('r2', 'r3')]}ms")
    lab.link(r3, srv, ip1="10.0.3.1/24", ip2=f"{SERVER}/24", delay=f"{LINK_DELAYS_MS[('r3', 'srv')]}ms")
    h1.default_route("10.0.1.1")
    srv.default_route("10.0.3.1")
    # Static routes: each router knows the networks beyond its neighbours (and nothing else).
    r1.route("10.0.23.0/30", via="10.0.12.2").route("10.0.3.0/24", via="10.0.12.2")
    r2.route("10.0.1.0/24", via="10.0.12.1").route("10.0.3.0/24", via="10.0.23.2")
    r3.route("10.0.1.0/24", via="10.0.23.1").route("10.0.12.0/30", via="10.0.23.1")
    lab.allow("10.0.99.0/24")  # so h1 may try an address nobody routes, to see the error
    return lab


def expected_rtts() -> list[tuple[str, float]]:
    """The round-trip time to each hop that the link delays predict (twice the one-way sum)."""
    out, one_way = [], 0.0
    previous = "h1"
    for name, _ in PATH_HOPS:
        one_way += LINK_DELAYS_MS[(previous, name)]
        out.append((name, 2 * one_way))
        previous = name
    return out


def hop_rtts(node, *, count: int = 3) -> list[tuple[str, float]]:
    """Ping every hop of the path from `node`; the fastest reply of each is its RTT (the others can
    include a first-contact ARP or a busy moment)."""
    measured = []
    for name, address in PATH_HOPS:
        result = node.ping(address, count=count)
        if not result.ok:
            raise RuntimeError(f"{name} ({address}) did not answer the ping")
        measured.append((name, result.rtt_min))
    return measured


def rounded(hops, step: float = 10.0) -> list[tuple[str, int]]:
    """RTTs rounded to `step` ms, for comparisons that read the same on every run."""
    return [(name, about(rtt, step)) for name, rtt in hops]


SILENCE_RULES = """\
table inet filter {
    chain output {
        type filter hook output priority 0;
        icmp type time-exceeded drop
    }
}"""


def silence_time_exceeded(router):
    """Make a router drop the ICMP "time exceeded" messages it would send: it still forwards
    packets, but traceroute sees only silence (`*`) for its hop."""
    return router.run(f"nft -f - <<'EOF'\n{SILENCE_RULES}\nEOF")


def trace_probes(node, destination: str = SERVER, *, max_hops: int = 6):
    """A traceroute that sends one probe at a time from a fixed source port, so a capture of it
    repeats exactly (plain traceroute sends many at once from a random port)."""
    from helpers.lab import results as R

    command = f"traceroute -n -q 1 -N 1 --sport=40000 -w 1 -m {max_hops} {destination}"
    done = node.run(command)
    return R.parse_traceroute(node.name, destination, command, done.output)


# ---------------------------------------------------------------------------- 05-loss

LOSS = "20%"


def loss_lab(loss: str = LOSS) -> Lab:
    """h1 and h2 joined by one cable that drops `loss` of the frames in each direction.

    The link emulator draws its losses from a seeded random generator, so the same frames are
    lost on every run.
    """
    lab = Lab("05-loss")
    h1, h2 = lab.host("h1"), lab.host("h2")
    lab.link(h1, h2, ip1="10.0.5.1/24", ip2="10.0.5.2/24", loss=loss, delay="1ms")
    return lab


def pin_neighbours(lab: Lab) -> list:
    """Permanent ARP entries on both ends of every link, so no ARP frame crosses a lossy cable
    (an ARP frame there would take a turn of the loss generator and shift which pings are lost)."""
    done = []
    for link in lab.links:
        for here, there in ((link.a, link.b), (link.b, link.a)):
            if here.address is not None and there.address is not None:
                done.append(here.node.run(f"ip neigh replace {there.ip} lladdr {there.mac} dev {here.name} "
                                          f"nud permanent", check=True))
    return done
