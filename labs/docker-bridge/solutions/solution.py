"""Reference solution of the docker-bridge mission (for instructors and tests).

Kept apart from the learner's notebook: ``mission.reveal(n, instructor=True)`` shows one step,
``mission.solve()`` applies them all, and ``mission.verify(DockerWorld.fresh)`` replays every
step and every known mistake below on fresh labs (tests/test_lab_docker_bridge.py does).

Each function receives the mission's world (``world.dhost``, ``world.web``, ``world.app``,
``world.inet``) and types the same commands you would type on a Docker host. ``run`` translates
the node names after ``netns`` into the lab's real namespace names.
"""
from helpers.missions import Mistake, run


def bridge(world):
    """dockerd creates docker0 once, when it starts."""
    run(world.dhost, "ip link add docker0 type bridge", check=True)
    run(world.dhost, "ip addr add 172.17.0.1/16 dev docker0", check=True)
    run(world.dhost, "ip link set docker0 up", check=True)


def web(world):
    """docker run: a veth pair, the container's end becomes eth0, the host's end joins docker0."""
    run(world.dhost, "ip link add vethweb type veth peer name eth0 netns web", check=True)
    run(world.dhost, "ip link set vethweb master docker0 up", check=True)
    run(world.web, "ip addr add 172.17.0.2/16 dev eth0", check=True)
    run(world.web, "ip link set eth0 up", check=True)


def app(world):
    run(world.dhost, "ip link add vethapp type veth peer name eth0 netns app", check=True)
    run(world.dhost, "ip link set vethapp master docker0 up", check=True)
    run(world.app, "ip addr add 172.17.0.3/16 dev eth0", check=True)
    run(world.app, "ip link set eth0 up", check=True)


def routes(world):
    run(world.web, "ip route add default via 172.17.0.1", check=True)
    run(world.app, "ip route add default via 172.17.0.1", check=True)


def outbound(world):
    """Forwarding on, and the containers' source address rewritten to dhost's on the way out."""
    run(world.dhost, "sysctl -w net.ipv4.ip_forward=1", check=True)
    run(world.dhost, "iptables -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE", check=True)


def publish(world):
    """What docker run -p 8080:80 adds (the DOCKER chain and its jump exist once per host)."""
    run(world.dhost, "iptables -t nat -N DOCKER", check=True)
    run(world.dhost, "iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER", check=True)
    run(world.dhost, "iptables -t nat -A DOCKER ! -i docker0 -p tcp --dport 8080 "
                     "-j DNAT --to-destination 172.17.0.2:80", check=True)


SOLUTIONS = {"bridge": bridge, "web": web, "app": app, "routes": routes, "outbound": outbound,
             "publish": publish}


# ---------------------------------------------------------------------------- known mistakes
# Each one is applied after the solutions of the steps before it; the step's check must answer
# with a hint containing the given text.

def _commands(node_name, *commands):
    def apply(world):
        for command in commands:
            run(world.lab[node_name], command, check=True)
    return apply


def _nothing(world):
    pass


def _plug(name, address, *, master="docker0", ifname="eth0", up=True):
    def apply(world):
        run(world.dhost, f"ip link add veth{name} type veth peer name {ifname} netns {name}", check=True)
        if master:
            run(world.dhost, f"ip link set veth{name} master {master}", check=True)
        run(world.dhost, f"ip link set veth{name} up", check=True)
        if address:
            run(world.lab[name], f"ip addr add {address} dev {ifname}", check=True)
        if up:
            run(world.lab[name], f"ip link set {ifname} up", check=True)
    return apply


MISTAKES = {
    "bridge": [
        Mistake("nothing done yet", _nothing, "no bridge yet"),
        Mistake("bridge with another name", _commands("dhost", "ip link add br0 type bridge",
                                                      "ip addr add 172.17.0.1/16 dev br0", "ip link set br0 up"),
                "called docker0"),
        Mistake("no address", _commands("dhost", "ip link add docker0 type bridge", "ip link set docker0 up"),
                "no address"),
        Mistake("/24 instead of /16", _commands("dhost", "ip link add docker0 type bridge",
                                                "ip addr add 172.17.0.1/24 dev docker0", "ip link set docker0 up"),
                "prefix must be /16"),
        Mistake("left down", _commands("dhost", "ip link add docker0 type bridge",
                                       "ip addr add 172.17.0.1/16 dev docker0"),
                "docker0 is DOWN"),
    ],
    "web": [
        Mistake("nothing done yet", _nothing, "only lo"),
        Mistake("host end on no bridge", _plug("web", "172.17.0.2/16", master=None), "on no bridge"),
        Mistake("wrong bridge", lambda world: (
            _commands("dhost", "ip link add br1 type bridge", "ip link set br1 up")(world),
            _plug("web", "172.17.0.2/16", master="br1")(world)), "wrong bridge (br1)"),
        Mistake("container end not called eth0", _plug("web", "172.17.0.2/16", ifname="veth0"), "called veth0"),
        Mistake("eth0 without address", _plug("web", None), "has no address"),
        Mistake("eth0 left down", _plug("web", "172.17.0.2/16", up=False), "eth0 is DOWN"),
    ],
    "app": [
        Mistake("web's address", _plug("app", "172.17.0.2/16"), "is web's address"),
        Mistake("gateway's address", _plug("app", "172.17.0.1/16"), "docker0's own address"),
        Mistake("outside the pool", _plug("app", "10.0.0.3/16"), "outside docker0's network"),
    ],
    "routes": [
        Mistake("no default route", _nothing, "no route"),
        Mistake("wrong gateway", lambda world: (
            run(world.web, "ip route add default via 172.17.0.1", check=True),
            run(world.app, "ip route add default via 172.17.0.2", check=True)),
            "goes via 172.17.0.2"),
        Mistake("route without gateway", lambda world: (
            run(world.web, "ip route add default via 172.17.0.1", check=True),
            run(world.app, "ip route add default dev eth0", check=True)),
            "has no gateway"),
    ],
    "outbound": [
        Mistake("forwarding off", _commands(
            "dhost", "iptables -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE"),
            "ip_forward is 0"),
        Mistake("no masquerade", _commands("dhost", "sysctl -w net.ipv4.ip_forward=1"),
                "nothing rewrites"),
        Mistake("masquerade on the wrong side", _commands(
            "dhost", "sysctl -w net.ipv4.ip_forward=1",
            "iptables -t nat -A POSTROUTING -s 172.17.0.0/16 -o docker0 -j MASQUERADE"),
            "! -o docker0"),
        Mistake("masquerade for the wrong source", _commands(
            "dhost", "sysctl -w net.ipv4.ip_forward=1",
            "iptables -t nat -A POSTROUTING -s 10.0.0.0/8 ! -o docker0 -j MASQUERADE"),
            "leaves out the containers"),
        Mistake("forward policy drop", _commands(
            "dhost", "sysctl -w net.ipv4.ip_forward=1", "iptables -P FORWARD DROP",
            "iptables -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE"),
            "policy DROP"),
    ],
    "publish": [
        Mistake("nothing done yet", _nothing, "nothing translates"),
        Mistake("DNAT to the wrong port", _commands(
            "dhost", "iptables -t nat -N DOCKER", "iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
            "iptables -t nat -A DOCKER ! -i docker0 -p tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:8080"),
            "DNAT to the wrong port"),
        Mistake("DNAT to app", _commands(
            "dhost", "iptables -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 172.17.0.3:80"),
            "app's address"),
        Mistake("ports swapped", _commands(
            "dhost", "iptables -t nat -A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 172.17.0.2:8080"),
            "publishes host port 8080"),
        Mistake("no jump to the DOCKER chain", _commands(
            "dhost", "iptables -t nat -N DOCKER",
            "iptables -t nat -A DOCKER ! -i docker0 -p tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80"),
            "nothing jumps there from PREROUTING"),
        Mistake("rule in OUTPUT", _commands(
            "dhost", "iptables -t nat -A OUTPUT -p tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80"),
            "in OUTPUT"),
    ],
}
