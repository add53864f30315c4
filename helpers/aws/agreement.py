"""Does the analyzer agree with the Linux kernel? Random VPCs, asked both ways.

    report = agreement(range(60), flows=14)      # 60 random models, 14 flows each
    report.agreed, report.flows, report.disagreements

For each seed: a random model (``random_config``), a set of concrete flows (``random_flows``:
instance to instance by private or public IP, instance to the internet and back, TCP, UDP and
ICMP), the analyzer's verdict for each flow (with the very source port the lab uses, so both
judge the same packets), and the same flows sent for real through the materialised lab. A
disagreement carries the whole configuration and the analyzer's hop-by-hop answer, so it can be
replayed (``random_config(seed)``) and debugged.

The generator is more permissive than ``build.random_cloud`` (whose random rules block ~7 flows
in 8): mostly open security groups with some narrow rules, network ACLs that usually admit the
ephemeral ports of replies, public and private subnets with and without NAT, Elastic IPs,
peering, blackhole routes. So both verdicts are common and every component gets exercised.
"""
from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Iterable

from helpers.aws.model import Cloud
from helpers.aws.report import cloud_text

__all__ = ["random_config", "random_flows", "agreement", "AgreementReport", "Disagreement", "config_text"]

PORTS = (22, 80, 443, 3306, 8080)
UDP_PORTS = (53, 123)
ALL_TCP = PORTS
ALL_UDP = UDP_PORTS


def random_config(seed: int) -> Cloud:
    """A random model AWS would accept, whose flows are often (not always) allowed."""
    rng = random.Random(seed)
    cloud = Cloud()
    vpc_count = 1 if rng.random() < 0.7 else 2
    vpcs = []
    for number in range(vpc_count):
        vpc = cloud.add_vpc(f"v{number}", f"10.{number}.0.0/16")
        igw = vpc.add_internet_gateway(f"igw{number}") if rng.random() < 0.9 else None
        public_rt = vpc.add_route_table("public-rt")
        if igw and rng.random() < 0.85:
            public_rt.add_route("0.0.0.0/0", igw)
        private_rt = vpc.add_route_table("private-rt")
        subnets = []
        for index in range(rng.randint(2, 3)):
            role = ("public", "private", "isolated")[index] if index < 3 else rng.choice(("public", "private"))
            if rng.random() < 0.2:
                role = rng.choice(("public", "private", "isolated"))
            subnet = vpc.add_subnet(f"{role[:3]}{number}{index}", f"10.{number}.{index + 1}.0/24",
                                    rng.choice(("a", "c")),
                                    public_ip_on_launch=role == "public" and igw is not None and rng.random() < 0.85)
            if role == "public":
                public_rt.associate(subnet)
            elif role == "private":
                private_rt.associate(subnet)
            subnets.append((role, subnet))
        if igw is not None and rng.random() < 0.7:
            publics = [s for r, s in subnets if r == "public"] or [s for _, s in subnets]
            nat = rng.choice(publics).add_nat_gateway(f"nat{number}")
            private_rt.add_route("0.0.0.0/0", nat)
            if rng.random() < 0.08:
                cloud.delete(nat)          # the route stays, as a blackhole
        groups = [vpc.default_sg] + [_random_group(vpc, rng, g) for g in range(rng.randint(1, 3))]
        acls = [vpc.default_acl] + ([_random_acl(vpc, rng, 0)] if rng.random() < 0.5 else [])
        for role, subnet in subnets:
            if len(acls) > 1 and rng.random() < 0.5:
                acls[1].associate(subnet)
            for count in range(1 if rng.random() < 0.6 else 2):
                chosen = rng.sample(groups[1:], 1) + ([groups[0]] if rng.random() < 0.3 else [])
                public = None if rng.random() < 0.85 else rng.random() < 0.5
                instance = subnet.launch(f"i{number}{subnet.name[-1]}{count}", security_groups=chosen,
                                         public_ip=public)
                if igw is not None and instance.public_ip is None and rng.random() < 0.1:
                    cloud.allocate_address(f"eip-{instance.name}").associate(instance)
        for group in groups[1:]:
            if rng.random() < 0.4:
                other = rng.choice(groups)
                port = rng.choice(PORTS)
                if not any(r.group == other.id and r.ports == (port, port) for r in group.inbound):
                    group.allow_inbound("tcp", port, other)
        vpcs.append(vpc)
    if len(vpcs) == 2 and rng.random() < 0.8:
        a, b = vpcs
        peering = cloud.peer(a, b)
        for table_obj in a.route_tables + b.route_tables:
            if rng.random() < 0.75:
                other = b if table_obj.vpc == a.id else a
                table_obj.add_route(other.cidr, peering)
    return cloud


def _random_group(vpc, rng: random.Random, number: int):
    group = vpc.add_security_group(f"sg{number}")
    sources = ("0.0.0.0/0", "0.0.0.0/0", "0.0.0.0/0", vpc.cidr, "10.0.0.0/8", "203.0.113.0/24", "198.51.100.0/24")
    if rng.random() < 0.6:
        group.allow_inbound("tcp", None, rng.choice(sources))
    for port in rng.sample(PORTS, rng.randint(1, 4)):
        if not any(r.protocol == "tcp" and r.ports == (0, 65535) for r in group.inbound) or rng.random() < 0.5:
            try:
                group.allow_inbound("tcp", port, rng.choice(sources))
            except Exception:      # a duplicate rule: AWS refuses it too
                pass
    if rng.random() < 0.65:
        group.allow_inbound("udp", rng.choice(((0, 65535), (0, 65535), 53, 123)), rng.choice(sources))
    if rng.random() < 0.65:
        group.allow_inbound("icmp", None, rng.choice(sources))
    if rng.random() < 0.15:  # a restricted egress instead of 'all traffic'
        group.revoke_outbound("all", None, "0.0.0.0/0")
        for port in rng.sample(PORTS, rng.randint(1, 3)):
            group.allow_outbound("tcp", port, rng.choice(("0.0.0.0/0", vpc.cidr)))
        if rng.random() < 0.5:
            group.allow_outbound("udp", None, "0.0.0.0/0")
        if rng.random() < 0.5:
            group.allow_outbound("icmp", None, "0.0.0.0/0")
    return group


def _random_acl(vpc, rng: random.Random, number: int):
    acl = vpc.add_network_acl(f"acl{number}")
    for egress in (False, True):
        direction = "outbound" if egress else "inbound"
        rule = 90
        for _ in range(rng.randint(0, 3)):
            action = "deny" if rng.random() < 0.5 else "allow"
            protocol = rng.choice(("tcp", "tcp", "udp", "icmp", "all"))
            ports = rng.choice([(p, p) for p in PORTS] + [(1024, 65535), (32768, 60999), (52000, 52007)])
            cidr = rng.choice(("0.0.0.0/0", vpc.cidr, "10.0.0.0/8", "203.0.113.0/24", "198.51.100.0/24"))
            acl.add_entry(rule, direction, action, protocol, ports, cidr)
            rule += rng.choice((10, 20))
        # what usually follows: the replies' ephemeral ports, then everything (or not)
        if rng.random() < 0.8:
            acl.add_entry(500, direction, "allow", "tcp", (1024, 65535), "0.0.0.0/0")
            acl.add_entry(510, direction, "allow", "udp", (1024, 65535), "0.0.0.0/0")
        if rng.random() < 0.6:
            acl.add_entry(900, direction, "allow", "all", None, "0.0.0.0/0")
    return acl


def random_flows(cloud: Cloud, seed: int, count: int = 14) -> list[tuple]:
    """(source, destination, protocol, port) questions: instances by private or public IP, the internet."""
    rng = random.Random(seed * 7 + 1)
    instances = sorted(cloud.instances.values(), key=lambda i: i.id)
    questions = []
    for _ in range(count):
        protocol = rng.choices(("tcp", "udp", "icmp"), weights=(6, 2.5, 1.5))[0]
        port = rng.choice(ALL_TCP if protocol == "tcp" else ALL_UDP) if protocol != "icmp" else None
        kind = rng.random()
        if kind < 0.2 or len(instances) < 2:
            public = [i for i in instances if i.public_ip]
            pool = public if public and rng.random() < 0.7 else instances
            questions.append(("the internet", rng.choice(pool).name, protocol, port))
        elif kind < 0.4:
            questions.append((rng.choice(instances).name, "the internet", protocol, port))
        else:
            src, dst = rng.sample(instances, 2)
            target = dst.public_ip if dst.public_ip and rng.random() < 0.3 else dst.name
            questions.append((src.name, target, protocol, port))
    return questions


def config_text(cloud: Cloud) -> str:
    """Everything about a model a disagreement needs: inventory, route tables, groups, ACLs."""
    parts = [cloud_text(cloud)]
    for table_obj in sorted(cloud.route_tables.values(), key=lambda t: t.id):
        parts.append(repr(table_obj))
    for group in sorted(cloud.security_groups.values(), key=lambda g: g.id):
        parts.append(repr(group))
    for acl in sorted(cloud.network_acls.values(), key=lambda a: a.id):
        parts.append(repr(acl))
    return "\n".join(parts)


@dataclass
class Disagreement:
    seed: int
    flow: str
    analyzer: str
    kernel: str
    config: str

    def __str__(self) -> str:
        return (f"seed {self.seed}: {self.flow}\n  analyzer: {self.analyzer}\n  kernel: {self.kernel}\n"
                f"configuration:\n{self.config}")


@dataclass
class AgreementReport:
    configurations: int = 0
    flows: int = 0
    agreed: int = 0
    reachable: int = 0
    by_protocol: dict = field(default_factory=dict)
    disagreements: list[Disagreement] = field(default_factory=list)
    build_seconds: list[float] = field(default_factory=list)
    probe_seconds: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.agreed == self.flows and not self.disagreements

    def summary(self) -> str:
        protocols = ", ".join(f"{p} {n}" for p, n in sorted(self.by_protocol.items()))
        return (f"{self.agreed}/{self.flows} flows agreed over {self.configurations} configurations "
                f"({self.reachable} reachable, {self.flows - self.reachable} blocked; {protocols})")

    def __str__(self) -> str:
        return "\n\n".join([self.summary()] + [str(d) for d in self.disagreements])


def _one(seed: int, flows: int, lab_name: str, report: AgreementReport, lock: threading.Lock) -> None:
    from helpers.aws.materialize import materialize

    cloud = random_config(seed)
    questions = random_flows(cloud, seed, flows)
    vlab = materialize(cloud, lab_name, tcp_ports=ALL_TCP, udp_ports=ALL_UDP)
    started = time.monotonic()
    with vlab:
        built = time.monotonic()
        comparisons = vlab.compare_many(questions, timeout=0.4)
        probed = time.monotonic()
    with lock:
        report.configurations += 1
        report.build_seconds.append(built - started)
        report.probe_seconds.append(probed - built)
        for comparison in comparisons:
            report.flows += 1
            report.by_protocol[comparison.flow.protocol] = report.by_protocol.get(comparison.flow.protocol, 0) + 1
            report.reachable += comparison.kernel.delivered
            if comparison.agree:
                report.agreed += 1
            else:
                kernel = "delivered" if comparison.kernel.delivered else f"not delivered ({comparison.kernel.error})"
                report.disagreements.append(Disagreement(
                    seed, comparison.flow.text() + f" from port {comparison.flow.source_port}",
                    repr(comparison.analysis), kernel, config_text(cloud)))


def agreement(seeds: Iterable[int], flows: int = 14, *, workers: int = 3, name: str = "09-agree") -> AgreementReport:
    """Build each seed's model as a lab, send its flows, compare with the analyzer (live labs only).

    ``workers`` labs are built at once (their set-up is mostly waiting on commands)."""
    seeds = list(seeds)
    report = AgreementReport()
    lock = threading.Lock()
    errors: list[BaseException] = []
    queue = list(seeds)
    started = time.monotonic()

    def worker(number: int) -> None:
        while True:
            with lock:
                if not queue or errors:
                    return
                seed = queue.pop(0)
            try:
                _one(seed, flows, f"{name}-{number}", report, lock)
            except BaseException as error:   # noqa: BLE001 - handed to the caller below
                with lock:
                    errors.append(error)
                return

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(max(1, workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report.seconds = time.monotonic() - started
    if errors:
        raise errors[0]
    return report
