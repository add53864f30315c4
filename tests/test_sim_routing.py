"""The routing model: longest-prefix match (against an ipaddress oracle), `ip route` parsing and
explaining, forward/drop, the VPC view, and the model against the kernel's `ip route get`."""
from __future__ import annotations

import ipaddress
import random

import pytest

from helpers.errors import InputError
from helpers.sim.routing import (Route, RouteTable, Router, address_kind, parse_route_get, vpc_path)

SEED_OUTPUT = """default via 192.168.1.1 dev eth0 proto dhcp src 192.168.1.31 metric 100
192.168.1.0/26 dev eth0 proto kernel scope link src 192.168.1.31
192.168.1.1 dev eth0 proto dhcp scope link src 192.168.1.31 metric 100
"""


def oracle(routes: list[tuple[str, int]], destination: str):
    """The best (prefix, metric) by the rules, computed with the standard library."""
    address = ipaddress.ip_address(destination)
    matching = [(ipaddress.ip_network(p), m) for p, m in routes if address in ipaddress.ip_network(p)]
    if not matching:
        return None
    best = max(matching, key=lambda item: (item[0].prefixlen, -item[1]))
    return str(best[0]), best[1]


def test_longest_prefix_then_lowest_metric_against_an_oracle():
    rng = random.Random(42)
    for _ in range(200):
        table, spec = RouteTable(), []
        for _ in range(rng.randint(1, 10)):
            length = rng.choice([0, 8, 12, 16, 20, 24, 28, 32])
            base = ipaddress.ip_address(rng.choice(["10.0.0.0", "10.20.0.0", "192.168.1.0"])) + rng.randrange(0, 1024)
            network = str(ipaddress.ip_network(f"{base}/{length}", strict=False))
            metric = rng.choice([0, 10, 100])
            if (network, metric) in spec:
                continue
            table.add(network, dev="eth0", metric=metric)
            spec.append((network, metric))
        for _ in range(10):
            destination = str(ipaddress.ip_address(rng.choice(["10.0.0.0", "10.20.0.0", "192.168.1.0"]))
                              + rng.randrange(0, 2048))
            chosen = table.lookup(destination).chosen
            got = None if chosen is None else (str(chosen.destination), chosen.metric)
            assert got == oracle(spec, destination), (spec, destination)


def test_lookup_explains_its_choice():
    table = RouteTable()
    table.add("10.20.0.0/16", via="10.0.3.2", dev="eth2")
    table.add("10.20.30.0/24", via="10.0.3.3", dev="eth2")
    table.add("10.20.30.0/24", via="10.0.3.4", dev="eth2", metric=50)
    table.add("default", via="10.0.3.2", dev="eth2")
    found = table.lookup("10.20.30.99")
    assert str(found.chosen.gateway) == "10.0.3.3"
    assert [r.prefixlen for r in found.candidates] == [24, 24, 16, 0]
    assert "longest prefix" in found.reason and "metric 0 is the lowest" in found.reason
    assert table.lookup("8.8.8.8").reason == "the default route is the only route containing 8.8.8.8"


def test_parse_the_seed_output_word_by_word():
    table = RouteTable.parse(SEED_OUTPUT)
    default, connected, host = table.routes
    assert default.is_default and str(default.gateway) == "192.168.1.1" and default.metric == 100
    assert default.proto == "dhcp" and str(default.src) == "192.168.1.31"
    assert connected.is_connected and connected.scope == "link" and connected.proto == "kernel"
    assert str(host.destination) == "192.168.1.1/32" and host.scope == "link"
    assert table.show() == SEED_OUTPUT.strip().splitlines()  # prints back exactly as ip did
    explained = dict(default.explain())
    assert set(explained) == {"default", "via 192.168.1.1", "dev eth0", "proto dhcp", "src 192.168.1.31", "metric 100"}
    assert "DHCP" in explained["proto dhcp"] and "lowest metric wins" in explained["metric 100"]
    assert "on this wire" in dict(connected.explain())["scope link"]
    assert "64 addresses 192.168.1.0 - 192.168.1.63" in dict(connected.explain())["192.168.1.0/26"]
    text = repr(table.explain())
    assert text.count("proto dhcp") >= 3 and "html" not in text


def test_seed_table_decisions():
    table = RouteTable.parse(SEED_OUTPUT)
    assert str(table.lookup("192.168.1.40").chosen.destination) == "192.168.1.0/26"
    assert table.lookup("192.168.1.100").chosen.is_default
    assert str(table.lookup("192.168.1.1").chosen.destination) == "192.168.1.1/32"


def test_parse_other_route_kinds_and_flags():
    table = RouteTable.parse("blackhole 10.0.0.0/8\nunreachable 172.16.0.0/12 metric 5\n"
                             "10.9.0.0/16 via 10.0.1.254 dev eth0 proto static onlink\n")
    kinds = [r.kind for r in table]
    assert kinds == ["blackhole", "unreachable", "unicast"]
    assert ("onlink", "") in table.routes[2].extra


@pytest.mark.parametrize("text", ["10.0.1.5/24 dev eth0", "default via banana", "local 10.0.0.1 dev lo",
                                  "10.0.0.0/8 metric x", "10.0.0.0/8 via", ""])
def test_bad_route_lines_are_input_errors(text):
    with pytest.raises(InputError):
        RouteTable.parse(text)


def test_duplicate_routes_are_refused_like_linux():
    table = RouteTable()
    table.add("10.0.0.0/8", via="10.0.1.1")
    with pytest.raises(InputError, match="File exists"):
        table.add("10.0.0.0/8", via="10.0.1.2")
    table.add("10.0.0.0/8", via="10.0.1.2", metric=10)
    table.delete("10.0.0.0/8", metric=10)
    with pytest.raises(InputError):
        table.delete("10.9.0.0/16")


def test_router_forward_and_drop():
    r1 = Router("r1", {"eth0": "10.0.1.1/24", "eth1": "10.0.2.1/24"})
    r1.add_route("10.20.0.0/16", via="10.0.2.254")
    r1.add_route("10.30.0.0/16", kind="blackhole")
    r1.add_route("10.40.0.0/16", kind="unreachable")
    out = r1.forward("10.20.5.5", ttl=10)
    assert (out.action, out.dev, out.next_hop, out.ttl) == ("forward", "eth1", "10.0.2.254", 9)
    direct = r1.forward("10.0.1.77")
    assert direct.next_hop == "10.0.1.77" and direct.dev == "eth0"
    assert r1.forward("10.0.1.1").action == "deliver"
    assert r1.forward("10.0.1.255").action == "deliver"
    assert r1.forward("10.99.0.1").icmp == "destination unreachable (net unreachable)"
    assert r1.forward("10.30.1.1").icmp is None and r1.forward("10.30.1.1").action == "drop"
    assert "host unreachable" in r1.forward("10.40.1.1").icmp
    assert "time exceeded" in r1.forward("10.20.5.5", ttl=1).icmp
    host = Router("h1", {"eth0": "10.0.1.10/24"}, forwarding=False)
    assert host.forward("10.0.1.20").action == "drop"


def test_router_route_get_and_commands():
    r1 = Router("r1", {"eth0": "10.0.1.1/24"})
    r1.add_route("default", via="10.0.1.254", metric=100)
    assert r1.route_get("8.8.8.8").line() == "8.8.8.8 via 10.0.1.254 dev eth0 src 10.0.1.1"
    assert r1.route_get("127.0.0.9").kind == "local"
    assert r1.commands() == ["ip route add default via 10.0.1.254 dev eth0 metric 100"]
    assert "default via 10.0.1.254 dev eth0 metric 100" in repr(r1)


def test_router_misuse_gets_sentences():
    r1 = Router("r1", {"eth0": "10.0.1.1/24"})
    with pytest.raises(InputError, match="Nexthop has invalid gateway"):
        r1.add_route("10.9.0.0/16", via="172.16.0.1")
    with pytest.raises(InputError, match="own address"):
        r1.add_route("10.9.0.0/16", via="10.0.1.1")
    with pytest.raises(InputError, match="host bits"):
        r1.add_route("10.9.0.5/16", via="10.0.1.2")
    with pytest.raises(InputError):
        r1.add_route("10.9.0.0/16")
    with pytest.raises(InputError):
        r1.add_interface("eth1", "10.0.2.0/24")
    with pytest.raises(InputError):
        r1.forward("10.0.1.5", ttl=300)
    with pytest.raises(InputError):
        r1.add_route("10.9.0.0/16", kind="blackhole", dev="eth0")


@pytest.mark.parametrize("text,kind", [
    ("RTNETLINK answers: Network is unreachable", "no-route"),
    ("RTNETLINK answers: Invalid argument", "blackhole"),
    ("RTNETLINK answers: No route to host", "unreachable"),
    ("RTNETLINK answers: Permission denied", "prohibit"),
    ("local 10.0.1.1 dev lo table local src 10.0.1.1 uid 0", "local"),
    ("broadcast 10.0.1.255 dev eth0 table local src 10.0.1.1 uid 0", "broadcast"),
])
def test_parse_route_get_kinds(text, kind):
    assert parse_route_get(text, "x").kind == kind


def test_parse_route_get_unicast():
    got = parse_route_get("10.5.5.5 via 10.0.1.10 dev eth0 src 10.0.1.1 uid 0 \n    cache \n")
    assert (got.kind, got.gateway, got.dev, got.src) == ("unicast", "10.0.1.10", "eth0", "10.0.1.1")


@pytest.mark.parametrize("address,kind", [("10.1.2.3", "private (RFC 1918)"), ("172.31.0.1", "private (RFC 1918)"),
                                          ("192.168.0.1", "private (RFC 1918)"), ("172.32.0.1", "public"),
                                          ("8.8.8.8", "public"), ("127.0.0.1", "loopback"),
                                          ("198.51.100.7", "documentation (stands in for a public address in labs)"),
                                          ("100.64.1.1", "shared (carrier-grade NAT, RFC 6598)")])
def test_address_kinds(address, kind):
    assert address_kind(address) == kind
    if kind.startswith("private"):
        assert ipaddress.ip_address(address).is_private


def test_vpc_path():
    table = RouteTable()
    table.add("10.0.0.0/16", dev="local")
    table.add("default", dev="igw-1")
    subnets = {"public": "10.0.1.0/24", "private": "10.0.2.0/24"}
    assert vpc_path("10.0.1.10", "10.0.1.11", subnets, table).via == "virtual switch"
    assert vpc_path("10.0.1.10", "10.0.2.20", subnets, table).via == "virtual router"
    assert vpc_path("10.0.1.10", "203.0.113.5", subnets, table).via == "internet gateway"
    assert vpc_path("10.0.1.10", "10.0.9.9", subnets, table).via == "dropped"
    private = RouteTable()
    private.add("10.0.0.0/16", dev="local")
    assert vpc_path("10.0.2.20", "203.0.113.5", subnets, private).via == "dropped"
    with pytest.raises(InputError):
        vpc_path("172.16.0.1", "10.0.1.1", subnets, table)


def test_route_line_round_trip():
    route = Route(ipaddress_net("10.9.0.0/16"), None, "eth0", "unicast", "static", "link", None, 20)
    assert RouteTable.parse(route.line()).routes[0] == route


def ipaddress_net(text):
    from netaddr import IPNetwork

    return IPNetwork(text)


# ---------------------------------------------------------------------------- the kernel agrees

POOLS = ["10.0.0.0/8", "10.1.0.0/16", "10.2.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "0.0.0.0/0"]


def _random_route(rng, model):
    pool = ipaddress.ip_network(rng.choice(POOLS))
    length = rng.randint(pool.prefixlen, 30) if pool.prefixlen else rng.choice([0, 1, 4, 8])
    first = int(pool.network_address) + rng.randrange(pool.num_addresses)
    network = ipaddress.ip_network(f"{ipaddress.ip_address(first)}/{length}", strict=False)
    kind = rng.choices(["unicast", "blackhole", "unreachable", "prohibit"], [6, 1, 1, 1])[0]
    metric = rng.choice([0, 0, 10, 100, 600])
    if kind != "unicast":
        return model.add_route(str(network), kind=kind, metric=metric)
    interface = rng.choice(list(model.interfaces.values()))
    net = interface.address.cidr
    gateway = net.network + rng.randint(2, net.size - 2)
    return model.add_route(str(network), via=str(gateway), metric=metric)


def _destinations(rng, model, routes):
    found = []
    for route in routes:
        net = route.destination
        found.append(str(ipaddress.ip_address(int(net.first) + rng.randrange(min(net.size, 2 ** 31)))))
    found += [str(ipaddress.ip_address(rng.randrange(1 << 24, 224 << 24))) for _ in range(3)]
    for interface in model.interfaces.values():  # on-link neighbours (unless a longer route takes them)
        net = interface.address.cidr
        found.append(str(ipaddress.ip_address(int(net.first) + rng.randint(1, net.size - 2))))
    found += [str(i.address.ip) for i in model.interfaces.values()][:1]
    found += [str(i.address.broadcast) for i in model.interfaces.values()][:1]
    return [d for d in found if not d.startswith(("127.", "0."))]


def test_model_matches_ip_route_get_for_random_tables(live):
    """Random tables on a real router: the model's choice equals the kernel's for every destination."""
    from helpers.experiments.l04 import compare_route_get
    from helpers.lab import Lab

    interfaces = {"eth0": "10.1.1.1/24", "eth1": "10.2.0.1/16", "eth2": "172.16.5.1/28"}
    lab = Lab("t04-lpm")
    r1 = lab.router("r1")
    for index, (dev, address) in enumerate(interfaces.items()):
        peer = lab.host(f"p{index}")
        lab.link(r1, peer, ip1=address)
    rng = random.Random(404)
    compared = 0
    with lab:
        for table_number in range(6):
            model = Router("r1", interfaces)
            routes = []
            while len(routes) < 8:
                try:
                    routes.append(_random_route(rng, model))
                except InputError:  # a duplicate prefix+metric: Linux would refuse it too
                    continue
            commands = ["ip route flush proto boot"] + model.commands()
            done = r1.run(" && ".join(commands))
            assert done.ok, (commands, done.stderr)
            destinations = _destinations(rng, model, routes)
            comparison = compare_route_get(r1, model, destinations)
            assert comparison.all_agree, f"table {table_number}: {model}\n{comparison}"
            compared += len(comparison.rows)
    assert compared >= 60


def test_prefix_spans_for_the_picture():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.draw import switching as draw

    r1 = Router("r1", {"eth0": "10.0.3.1/24"})
    r1.add_route("10.20.0.0/16", via="10.0.3.2")
    r1.add_route("10.20.30.0/24", via="10.0.3.3")
    r1.add_route("default", via="10.0.3.2")
    spans = draw.prefix_spans(r1.lookup("10.20.30.5"))
    assert [(s[1], s[2], s[3]) for s in spans] == [
        (int(ipaddress.ip_address("10.20.30.0")), int(ipaddress.ip_address("10.20.30.255")), True),
        (int(ipaddress.ip_address("10.20.0.0")), int(ipaddress.ip_address("10.20.255.255")), False),
        (0, 2 ** 32 - 1, False)]
    plt.close(draw.draw_prefix_match(r1.lookup("10.20.30.5")))
    with pytest.raises(InputError):
        draw.draw_prefix_match(RouteTable().lookup("10.0.0.1"))
