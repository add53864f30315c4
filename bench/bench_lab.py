"""How fast labs come up and go down, next to Mininet (the classic network emulator).

Prints the median build and teardown times of the same topologies with this engine (as root, and
rootless) and with Mininet (Linux-bridge switches, no controller), and the ratio Mininet/ours
(above 1 means this engine is faster). Targets: at least as fast as Mininet for 3 and 8 hosts on
one switch; a 10-node routed topology up in under 0.5 s and down in under 0.3 s.

Mininet puts its switches in the namespace it runs in, so it runs here inside a throw-away
network namespace (`unshare --net --mount`), never in the host's own.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpers.lab import Lab  # noqa: E402
from helpers.lab.backends import detect_mode  # noqa: E402

RUNS = 5

MININET = r"""
import json, sys, time
from mininet.log import setLogLevel
from mininet.net import Mininet
from mininet.nodelib import LinuxBridge
from mininet.topo import SingleSwitchTopo
setLogLevel("error")
ups, downs = [], []
for _ in range(int(sys.argv[2])):
    t0 = time.monotonic()
    net = Mininet(topo=SingleSwitchTopo(int(sys.argv[1])), switch=LinuxBridge, controller=None)
    net.start()
    t1 = time.monotonic()
    net.stop()
    downs.append(time.monotonic() - t1)
    ups.append(t1 - t0)
print(json.dumps({"up": ups, "down": downs}))
"""


def single_switch(hosts: int, name: str) -> Lab:
    lab = Lab(name)
    switch = lab.switch("s1")
    for i in range(1, hosts + 1):
        lab.link(lab.host(f"h{i}"), switch, ip1=f"10.0.0.{i}/24")
    return lab


def routed_ten() -> Lab:
    """Five routers in a chain, each with one host: 10 nodes, 9 links, static routes everywhere."""
    lab = Lab("bench-routed")
    routers = [lab.router(f"r{i}") for i in range(1, 6)]
    hosts = [lab.host(f"h{i}") for i in range(1, 6)]
    for i, (router, host) in enumerate(zip(routers, hosts), start=1):
        lab.link(router, host, ip1=f"10.{i}.0.1/24", ip2=f"10.{i}.0.10/24")
        host.default_route(f"10.{i}.0.1")
    for i in range(1, 5):
        lab.link(routers[i - 1], routers[i], ip1=f"10.100.{i}.1/30", ip2=f"10.100.{i}.2/30")
    for i, router in enumerate(routers, start=1):
        for j in range(1, 6):
            if j == i:
                continue
            via = f"10.100.{i}.2" if j > i else f"10.100.{i - 1}.1"
            router.route(f"10.{j}.0.0/24", via=via)
    return lab


def time_engine(make, check) -> tuple[list[float], list[float]]:
    ups, downs = [], []
    for _ in range(RUNS):
        lab = make()
        started = time.monotonic()
        lab.start()
        ups.append(time.monotonic() - started)
        try:
            check(lab)
        finally:
            stopping = time.monotonic()
            lab.stop()
            downs.append(time.monotonic() - stopping)
    return ups, downs


def time_mininet(hosts: int) -> tuple[list[float], list[float]] | None:
    if not (shutil.which("mn") and shutil.which("brctl") and Path("/usr/bin/python3").exists()):
        return None
    done = subprocess.run(["unshare", "--net", "--mount", "--propagation", "private", "/usr/bin/python3", "-c",
                           MININET, str(hosts), str(RUNS)], capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        print(f"  (Mininet failed: {done.stderr.strip().splitlines()[-1:]})")
        return None
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return data["up"], data["down"]


def ms(values) -> str:
    return f"{statistics.median(values) * 1000:7.1f} ms"


def main() -> None:
    mode = detect_mode()
    print(f"{mode.one_line()}  Median of {RUNS} runs each.\n")
    if not mode.live:
        print("No live backend here; nothing to measure.")
        return
    reach = lambda target: (lambda lab: lab["h1"].ping(target, count=1, timeout=2))  # noqa: E731
    print(f"{'topology':<26}{'backend':<11}{'up':>11}{'down':>11}{'Mininet up':>13}{'down':>11}{'ratio up':>10}{'down':>8}")
    for hosts in (3, 8):
        peer = time_mininet(hosts)
        for backend in ("root", "rootless") if mode.kind == "root" else (mode.kind,):
            os.environ["NETCOURSE_LAB_MODE"] = backend
            detect_mode(refresh=True)
            ups, downs = time_engine(lambda: single_switch(hosts, f"bench-single-{hosts}"), reach("10.0.0.2"))
            row = f"{f'{hosts} hosts, 1 switch':<26}{backend:<11}{ms(ups):>11}{ms(downs):>11}"
            if peer:
                row += (f"{ms(peer[0]):>13}{ms(peer[1]):>11}"
                        f"{statistics.median(peer[0]) / statistics.median(ups):>9.1f}x"
                        f"{statistics.median(peer[1]) / statistics.median(downs):>7.1f}x")
            print(row)
    for backend in ("root", "rootless") if mode.kind == "root" else (mode.kind,):
        os.environ["NETCOURSE_LAB_MODE"] = backend
        detect_mode(refresh=True)
        ups, downs = time_engine(routed_ten, reach("10.5.0.10"))
        verdict = "meets" if statistics.median(ups) < 0.5 and statistics.median(downs) < 0.3 else "MISSES"
        print(f"{'10 nodes routed (5+5)':<26}{backend:<11}{ms(ups):>11}{ms(downs):>11}"
              f"   target up < 500 ms, down < 300 ms: {verdict}")


if __name__ == "__main__":
    main()
