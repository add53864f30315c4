"""The analyzer against the Linux kernel: random VPCs, the same flows asked of both.

At least 50 random configurations, each built as a real lab (helpers.aws.materialize); every flow
is answered by the analyzer and then sent for real. Any disagreement fails the test and prints the
configuration, the flow and the analyzer's hop-by-hop answer (replay it with random_config(seed)).
A second test breaks the materialiser on purpose and checks that disagreements are then found:
the agreement test can fail.
"""
from __future__ import annotations

from collections import Counter

from helpers.aws import validate
from helpers.aws.agreement import agreement, random_config, random_flows
from helpers.aws.analyzer import analyze
from tests.conftest import live_mode_or_skip

CONFIGURATIONS = 52
FLOWS = 15


def test_the_generator_makes_valid_varied_models_with_both_verdicts():
    verdicts, codes, features = Counter(), Counter(), Counter()
    for seed in range(CONFIGURATIONS):
        cloud = random_config(seed)
        assert not validate(cloud).errors, f"seed {seed} makes a model AWS would refuse"
        features["peering"] += bool(cloud.peerings)
        features["nat"] += bool(cloud.nat_gateways)
        features["custom acl"] += any(not a.default for a in cloud.network_acls.values())
        for question in random_flows(cloud, seed, FLOWS):
            result = analyze(cloud, *question, source_port=40001, nat_port=40001)
            verdicts[result.reachable] += 1
            codes[result.code] += 1
            features[question[2]] += 1
    total = CONFIGURATIONS * FLOWS
    assert sum(verdicts.values()) == total
    assert verdicts[True] > 0.25 * total and verdicts[False] > 0.25 * total, verdicts
    for code in ("ENI_SG_RULES_MISMATCH", "SUBNET_ACL_RESTRICTION", "NO_ROUTE_TO_DESTINATION",
                 "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"):
        assert codes[code] > 0, f"no flow is blocked by {code}: the generator misses that component"
    assert features["peering"] and features["nat"] > 20 and features["custom acl"] > 10
    assert features["tcp"] and features["udp"] and features["icmp"]


def test_the_analyzer_and_the_kernel_agree_on_every_flow():
    live_mode_or_skip()
    report = agreement(range(CONFIGURATIONS), flows=FLOWS, workers=3)
    assert report.configurations == CONFIGURATIONS and report.flows == CONFIGURATIONS * FLOWS
    assert report.ok, str(report)
    assert 0 < report.reachable < report.flows      # both verdicts really occurred in the kernel


def test_a_broken_lab_is_caught(monkeypatch):
    """Network ACLs made stateful (a classic misunderstanding): replies would pass them."""
    live_mode_or_skip()
    import helpers.aws.materialize as materialize

    original = materialize.acl_chain
    monkeypatch.setattr(materialize, "acl_chain",
                        lambda entries, egress: ["ct state established,related accept"] + original(entries, egress))
    report = agreement([10, 12, 45], flows=FLOWS, workers=3)
    assert report.disagreements, "a stateful network ACL went unnoticed"
    text = str(report)
    assert "configuration:" in text and "network ACL" in text and "SUBNET_ACL_RESTRICTION" in text
