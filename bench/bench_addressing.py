"""Benchmark of helpers.addressing: how fast the calculator answers, and how lazy split() is.

    .venv/bin/python bench/bench_addressing.py

Figures printed (targets from the course issue):

* calculator recompute: ``calculator_view`` (describe + the HTML table + the 32-bit view, all
  the calculator widget recomputes) and the widget's own refresh, over every prefix /0-/32 for a
  spread of addresses, in AWS mode and for bad input. Each input is timed 25 times; printed are
  the median input, the slowest input (median of its 25) and the worst single call, which on a
  busy machine includes time spent waiting for the CPU. Target: < 20 ms for any input.
* describe() against the same facts computed with the standard library's ipaddress (the peer).
* time to the first page of splitting a /8 into /24s. Target: < 50 ms. Peers: ipaddress's lazy
  ``subnets()`` (first page, and a page deep inside), and building all 65,536 eagerly.
"""
from __future__ import annotations

import ipaddress
import statistics
import sys
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from netaddr import IPNetwork  # noqa: E402

from helpers.addressing import describe, plan_vlsm, split  # noqa: E402
from helpers.ui.addressing import calculator_view, cidr_calculator  # noqa: E402

REPEATS = 25
ADDRESSES = ["10.0.1.77", "172.31.200.9", "192.168.100.1", "8.8.8.8", "0.0.0.0", "255.255.255.255",
             "100.64.3.3", "224.0.0.5", "203.0.113.200", "127.0.0.1"]
BAD = ["", "   ", "hello", "10.0.1.300/24", "10.0.1.0/33", "10.0.1.77", "2001:db8::/32",
       "10.0.1.0/0.0.0.255", "x" * 300]


def timed(function, *args, repeats: int = REPEATS, **kwargs) -> list[float]:
    """Wall times in milliseconds of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function(*args, **kwargs)
        times.append((time.perf_counter() - started) * 1000)
    return times


def peer_describe(text: str) -> dict:
    """What describe() reports, computed with the standard library's ipaddress."""
    interface = ipaddress.IPv4Interface(text)
    network = interface.network
    first_octet = int(interface.ip) >> 24
    klass = "A" if first_octet < 128 else "B" if first_octet < 192 else "C" if first_octet < 224 else \
        "D" if first_octet < 240 else "E"
    ip = interface.ip
    scope = ("loopback" if ip.is_loopback else "link-local" if ip.is_link_local else
             "multicast" if ip.is_multicast else "private" if ip.is_private else "public")
    small = network.prefixlen >= 31
    return {
        "address": str(ip), "network": str(network), "netmask": str(network.netmask),
        "wildcard": str(network.hostmask),
        "broadcast": None if small else str(network.broadcast_address),
        "first_host": str(network.network_address if small else network.network_address + 1),
        "last_host": str(network.broadcast_address if small else network.broadcast_address - 1),
        "num_addresses": network.num_addresses,
        "usable_hosts": network.num_addresses if small else network.num_addresses - 2,
        "address_class": klass, "scope": scope,
        "binary": {name: ".".join(f"{int(value):032b}"[i:i + 8] for i in range(0, 32, 8))
                   for name, value in (("address", ip), ("netmask", network.netmask),
                                       ("network", network.network_address))},
    }


def summary(label: str, per_input: dict[str, list[float]], target_ms: float | None = None) -> float:
    """Print the median input, the slowest input (its median) and the worst single call.

    The target is judged on the slowest input's median: one call that waited for the CPU on a
    busy machine says nothing about the input, and the worst single call is printed anyway.
    """
    medians = {text: statistics.median(times) for text, times in per_input.items()}
    slowest_input = max(medians, key=medians.get)
    worst_call = max(max(times) for times in per_input.values())
    median = statistics.median(medians.values())
    verdict = ""
    if target_ms is not None:
        verdict = f"  target < {target_ms:g} ms: {'met' if medians[slowest_input] < target_ms else 'MISSED'}"
    print(f"{label:<44} inputs {len(per_input):>4}  median {median:6.3f} ms  slowest input "
          f"{medians[slowest_input]:6.3f} ms ({slowest_input[:20]!r})  worst call {worst_call:7.3f} ms{verdict}")
    return median


def main() -> None:
    good = [f"{address}/{prefix}" for address in ADDRESSES for prefix in range(33)]
    aws = [f"10.{i}.0.0/{prefix}" for i in range(3) for prefix in range(16, 29)]
    for text in good[:5]:  # warm up imports and caches
        calculator_view(text)

    print("CIDR calculator recompute (each input timed", REPEATS, "times)")
    view_median = summary("calculator_view (describe + table + bits)", {t: timed(calculator_view, t) for t in good}, 20)
    summary("calculator_view, AWS mode", {t: timed(calculator_view, t, cloud="aws") for t in aws}, 20)
    summary("calculator_view, bad input (error sentence)", {t: timed(calculator_view, t) for t in BAD}, 20)

    widget = cidr_calculator("10.0.1.77/26")
    texts = iter(good * REPEATS)

    def type_into_widget():
        widget.input.value = next(texts)  # the observer recomputes and updates every output

    widget_times: dict[str, list[float]] = {}
    for _ in range(REPEATS):
        for text in good:
            widget_times.setdefault(text, []).extend(timed(type_into_widget, repeats=1))
    summary("widget refresh (typing into the input)", widget_times, 20)

    ours = {t: timed(describe, t) for t in good}
    theirs = {t: timed(peer_describe, t) for t in good}
    describe_median = statistics.median(statistics.median(v) for v in ours.values())
    peer_median = statistics.median(statistics.median(v) for v in theirs.values())
    print(f"{'describe() alone':<44} median {describe_median:7.3f} ms;  ipaddress doing the same: "
          f"{peer_median:7.3f} ms;  ratio {describe_median / peer_median:5.2f}x")
    print(f"{'':<44} the whole recompute is {view_median / peer_median:5.2f}x the peer's describe")

    print()
    print("split 10.0.0.0/8 into /24s (65,536 subnets)")
    first_page = timed(lambda: split("10.0.0.0/8", new_prefix=24).page(0), repeats=200)
    deep_page = timed(lambda: split("10.0.0.0/8", new_prefix=24).page(4000), repeats=200)
    peer_first = timed(lambda: list(islice(ipaddress.ip_network("10.0.0.0/8").subnets(new_prefix=24), 16)), repeats=200)
    peer_deep = timed(lambda: list(islice(ipaddress.ip_network("10.0.0.0/8").subnets(new_prefix=24),
                                          4000 * 16, 4001 * 16)), repeats=5)
    eager_stdlib = timed(lambda: list(ipaddress.ip_network("10.0.0.0/8").subnets(new_prefix=24)), repeats=3)
    eager_netaddr = timed(lambda: list(IPNetwork("10.0.0.0/8").subnet(24)), repeats=3)
    ours_first = statistics.median(first_page)
    for label, times, peer in (
            ("first page (16 subnets)", first_page, None),
            ("page 4000 (subnets 64,000-64,015)", deep_page, None),
            ("ipaddress subnets(), first 16", peer_first, None),
            ("ipaddress subnets(), skip to page 4000", peer_deep, None),
            ("ipaddress: all 65,536 eagerly", eager_stdlib, None),
            ("netaddr subnet(): all 65,536 eagerly", eager_netaddr, None)):
        print(f"  {label:<42} median {statistics.median(times):8.3f} ms  max {max(times):8.3f} ms"
              f"  ({statistics.median(times) / ours_first:8.1f}x our first page)")
    worst_first = max(first_page)
    print(f"  first page: target < 50 ms: {'met' if ours_first < 50 else 'MISSED'} (median "
          f"{ours_first:.3f} ms; worst of 200 calls {worst_first:.3f} ms)")

    print()
    needs = {f"team{i}": hosts for i, hosts in enumerate((500, 260, 120, 100, 60, 30, 12, 2))}
    plan_times = timed(plan_vlsm, "10.0.0.0/20", needs, repeats=50)
    print(f"plan_vlsm, 8 subnets in a /20: median {statistics.median(plan_times):.3f} ms, max {max(plan_times):.3f} ms")


if __name__ == "__main__":
    main()
