"""Benchmark: the VPC analyzer against the Linux kernel, and what a materialised VPC costs.

    .venv/bin/python bench/bench_vpc_agreement.py [CONFIGURATIONS] [FLOWS] [WORKERS]

Builds CONFIGURATIONS random VPC models (helpers.aws.agreement.random_config, default 100) as real
labs, sends FLOWS flows through each (default 14) and asks the analyzer about the same flows.
Prints how many configurations and flows agreed (broken down by protocol and verdict), the
disagreements if any, and timings: planning a lab from a model, building it, probing all its flows
at once, the analyzer per flow, the wall time, and the probe batch against one flow at a time
through the engine's own tcp_connect (the peer: one process per flow, with its 1 s SYN retry).
Needs a live lab mode (root, or rootless where user namespaces are allowed).
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpers.aws import two_az_vpc, Cloud  # noqa: E402
from helpers.aws.agreement import agreement, random_config, random_flows  # noqa: E402
from helpers.aws.analyzer import analyze  # noqa: E402
from helpers.aws.materialize import materialize, plan  # noqa: E402
from helpers.lab.backends import detect_mode  # noqa: E402


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> int:
    configurations = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    flows = int(sys.argv[2]) if len(sys.argv) > 2 else 14
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    mode = detect_mode()
    print(f"VPC analyzer vs kernel ({mode.kind} mode), {configurations} configurations x {flows} flows, "
          f"{workers} labs at a time")
    if not mode.live:
        print(f"  skipped: no live lab mode here ({mode.reason})")
        return 0

    # pure parts
    clouds = [random_config(seed) for seed in range(configurations)]
    started = time.perf_counter()
    for cloud in clouds:
        plan(cloud)
    plan_each = (time.perf_counter() - started) / configurations
    questions = [(cloud, q) for seed, cloud in enumerate(clouds) for q in random_flows(cloud, seed, flows)]
    started = time.perf_counter()
    for cloud, question in questions:
        analyze(cloud, *question, source_port=40001, nat_port=40001)
    analyze_each = (time.perf_counter() - started) / len(questions)

    report = agreement(range(configurations), flows=flows, workers=workers)
    print(f"  configurations: {report.configurations - len({d.seed for d in report.disagreements})}/"
          f"{report.configurations} agreed on every flow")
    print(f"  flows: {report.summary()}")
    for disagreement in report.disagreements[:5]:
        print("  DISAGREEMENT " + str(disagreement).replace("\n", "\n    "))
    nodes = [len(plan(c).nodes) for c in clouds]
    print(f"  lab size: {statistics.median(nodes):.0f} namespaces (median), {max(nodes)} at most")
    print(f"  plan a lab from a model: {ms(plan_each)}; analyzer: {ms(analyze_each)} per flow")
    print(f"  build + servers: median {ms(statistics.median(report.build_seconds))}, "
          f"max {ms(max(report.build_seconds))} per lab")
    print(f"  probe all {flows} flows at once: median {ms(statistics.median(report.probe_seconds))} per lab "
          f"({ms(statistics.median(report.probe_seconds) / flows)} per flow)")
    print(f"  wall time: {report.seconds:.1f} s ({report.seconds / report.configurations * 1000:.0f} ms per "
          f"configuration, {report.flows / report.seconds:.0f} flows/s)")

    # the peer: one flow at a time through the engine's tcp_connect (a process per flow)
    cloud = Cloud()
    two_az_vpc(cloud, "shop", "10.0.0.0/16")
    asked = [("the internet", "web-a", "tcp", 80), ("web-a", "app-a", "tcp", 8080), ("bastion", "app-c", "tcp", 22),
             ("the internet", "app-a", "tcp", 8080), ("web-c", "app-a", "tcp", 22), ("app-a", "the internet", "tcp", 443)]
    vlab = materialize(cloud, "09-bench")
    with vlab:
        vlab.compare_many(asked)                         # warm: ARP caches, servers
        started = time.perf_counter()
        batch = vlab.compare_many(asked, timeout=0.4)
        batch_time = time.perf_counter() - started
        started = time.perf_counter()
        single = []
        for flow in (vlab.flow(*q) for q in asked):
            node = vlab.lab[flow.source_node]
            single.append(node.tcp_connect(flow.destination, flow.port, timeout=1).open)
        single_time = time.perf_counter() - started
    assert [c.kernel.delivered for c in batch] == single
    print(f"  {len(asked)} TCP flows of two_az_vpc: batch probe {ms(batch_time)} vs one tcp_connect at a time "
          f"{ms(single_time)} ({single_time / batch_time:.1f}x)")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
