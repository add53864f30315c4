"""Typical and random models: valid by AWS's rules, reproducible, and sane under the analyzer."""
from __future__ import annotations

import ipaddress

import pytest

from helpers.aws import Cloud, analyze, random_cloud, random_queries, two_az_vpc, validate
from helpers.errors import InputError


def test_two_az_vpc_layout():
    cloud = Cloud()
    vpc = two_az_vpc(cloud, "shop", "10.0.0.0/16")
    subnets = {s.name: s for s in vpc.subnets}
    assert set(subnets) == {"public-a", "public-c", "private-a", "private-c"}
    assert {s.az for s in subnets.values()} == {"ap-northeast-2a", "ap-northeast-2c"}
    assert subnets["public-a"].is_public and subnets["public-c"].is_public
    assert not subnets["private-a"].is_public and not subnets["private-c"].is_public
    # one NAT gateway per AZ, each private subnet routed to the NAT gateway of its own AZ
    for letter in "ac":
        route = subnets[f"private-{letter}"].effective_route_table.lookup("203.0.113.1")
        nat = cloud.nat_gateways[route.target]
        assert nat.subnet_obj.name == f"public-{letter}"
    network = ipaddress.ip_network(vpc.cidr)
    assert all(ipaddress.ip_network(s.cidr).subnet_of(network) for s in subnets.values())


def test_two_az_vpc_answers_the_classic_questions():
    cloud = Cloud()
    two_az_vpc(cloud, "shop", "10.0.0.0/16")
    assert analyze(cloud, "the internet", "web-a", "tcp", 443).reachable
    assert analyze(cloud, "web-c", "app-a", "tcp", 8080).reachable
    assert analyze(cloud, "app-c", "the internet", "tcp", 443).reachable
    assert not analyze(cloud, "the internet", "app-a", "tcp", 8080).reachable
    assert analyze(cloud, "203.0.113.50", "bastion", "tcp", 22).reachable
    assert not analyze(cloud, "198.51.100.50", "bastion", "tcp", 22).reachable   # not the admin range
    assert analyze(cloud, "bastion", "app-c", "tcp", 22).reachable
    assert not analyze(cloud, "web-a", "app-a", "tcp", 22).reachable             # ssh only from the bastion


def test_two_az_vpc_size_limits():
    with pytest.raises(InputError):
        two_az_vpc(Cloud(), "x", "10.0.0.0/24")


@pytest.mark.parametrize("seed", range(60))
def test_random_models_are_valid(seed):
    cloud = random_cloud(seed)
    assert not validate(cloud).errors
    vpcs = list(cloud.vpcs.values())
    for a in vpcs:
        for b in vpcs:
            if a is not b:
                assert not ipaddress.ip_network(a.cidr).overlaps(ipaddress.ip_network(b.cidr))


def test_random_models_repeat_for_a_seed():
    assert repr(random_cloud(7)) == repr(random_cloud(7))
    assert random_queries(random_cloud(7), 7) == random_queries(random_cloud(7), 7)
    assert repr(random_cloud(7)) != repr(random_cloud(8))


def test_random_queries_give_consistent_answers():
    """Invariants over many random questions: a verdict always names one blocking hop and a code,
    and the reply of a reachable conversation always ends back at the source."""
    verdicts = set()
    for seed in range(40):
        cloud = random_cloud(seed)
        for question in random_queries(cloud, seed, 8):
            result = analyze(cloud, *question)
            verdicts.add(result.reachable)
            if result.reachable:
                assert result.code is None and result.reverse[-1].action == "deliver"
            else:
                assert result.code and sum(h.blocked for h in result.hops) == 1
    assert verdicts == {True, False}


def test_security_groups_never_block_a_reply():
    """Security groups are stateful: over many random questions, a reply is never stopped by one."""
    return_blocks = 0
    for seed in range(40):
        cloud = random_cloud(seed)
        for question in random_queries(cloud, seed + 100, 6):
            result = analyze(cloud, *question)
            for hop in result.reverse:
                if hop.kind == "security group":
                    assert hop.action == "tracked"
            if result.blocked_on == "return":
                return_blocks += 1
                assert result.blocking_kind != "security group"
    assert return_blocks > 0     # the random models do produce stateless (ACL) reply failures
