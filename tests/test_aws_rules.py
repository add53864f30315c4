"""Security group and network ACL evaluation, against the rules the VPC user guide states."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from helpers.aws.errors import AwsError
from helpers.aws.rules import (
    AclEntry, Packet, SgRule, evaluate_acl, evaluate_security_groups, parse_cidr, parse_ports, parse_protocol,
)
from helpers.errors import InputError


@dataclass
class Group:  # the shape evaluate_security_groups reads: id, inbound, outbound
    id: str
    inbound: list = field(default_factory=list)
    outbound: list = field(default_factory=list)


def tcp(src, dst, dport, sport=50000):
    return Packet("tcp", src, dst, (sport, sport), (dport, dport))


# ---------------------------------------------------------------------------- parsing

@pytest.mark.parametrize("value, expected", [("tcp", "tcp"), (6, "tcp"), ("17", "udp"), (1, "icmp"), (-1, "all"),
                                             ("-1", "all"), ("ALL", "all"), ("Udp", "udp")])
def test_protocols_by_name_or_iana_number(value, expected):
    assert parse_protocol(value) == expected


@pytest.mark.parametrize("value", ["http", 99, None, True, "gre"])
def test_unknown_protocols_are_refused_with_a_sentence(value):
    with pytest.raises(InputError, match="Protocol"):
        parse_protocol(value)


def test_all_is_not_a_packet_protocol():
    with pytest.raises(InputError):
        parse_protocol("all", allow_all=False)


@pytest.mark.parametrize("value, expected", [(22, (22, 22)), ("22", (22, 22)), ("1024-65535", (1024, 65535)),
                                             ((80, 443), (80, 443)), ("all", (0, 65535)), (None, (0, 65535))])
def test_port_ranges(value, expected):
    assert parse_ports(value, "tcp") == expected


def test_ports_do_not_apply_to_icmp_or_all():
    assert parse_ports(22, "icmp") is None
    assert parse_ports(22, "all") is None


@pytest.mark.parametrize("value", [70000, "443-80", "a-b", -1, (1, 2, 3), True])
def test_bad_ports_are_refused(value):
    with pytest.raises(InputError, match="port"):
        parse_ports(value, "tcp")


def test_cidr_with_host_bits_names_the_network():
    with pytest.raises(AwsError) as problem:
        parse_cidr("10.0.1.7/24")
    assert problem.value.code == "InvalidParameterValue" and "10.0.1.0/24" in str(problem.value)
    assert parse_cidr("10.0.1.0/24") == "10.0.1.0/24"
    assert parse_cidr("10.0.1.7") == "10.0.1.7/32"


# ---------------------------------------------------------------------------- security groups

def test_security_group_allows_when_any_rule_of_any_group_matches():
    ssh = Group("sg-a", inbound=[SgRule("tcp", (22, 22), cidr="203.0.113.0/24")])
    web = Group("sg-b", inbound=[SgRule("tcp", (80, 80), cidr="0.0.0.0/0")])
    verdict = evaluate_security_groups([ssh, web], True, tcp("198.51.100.9", "10.0.1.4", 80))
    assert verdict.allowed and verdict.group == "sg-b"
    assert evaluate_security_groups([ssh, web], True, tcp("203.0.113.7", "10.0.1.4", 22)).allowed
    assert not evaluate_security_groups([ssh, web], True, tcp("198.51.100.9", "10.0.1.4", 22)).allowed


def test_security_group_with_no_rules_denies_everything():
    assert not evaluate_security_groups([Group("sg-a")], True, tcp("10.0.0.9", "10.0.1.4", 80)).allowed


def test_inbound_rules_match_the_source_and_outbound_rules_the_destination():
    group = Group("sg-a", inbound=[SgRule("tcp", (443, 443), cidr="10.0.0.0/16")],
                  outbound=[SgRule("tcp", (5432, 5432), cidr="10.0.20.0/24")])
    assert evaluate_security_groups([group], True, tcp("10.0.5.5", "10.0.1.4", 443)).allowed
    assert not evaluate_security_groups([group], True, tcp("10.1.5.5", "10.0.1.4", 443)).allowed
    assert evaluate_security_groups([group], False, tcp("10.0.1.4", "10.0.20.9", 5432)).allowed
    assert not evaluate_security_groups([group], False, tcp("10.0.1.4", "10.0.21.9", 5432)).allowed


def test_port_range_and_protocol_must_match():
    group = Group("sg-a", inbound=[SgRule("tcp", (8000, 8100), cidr="0.0.0.0/0")])
    assert evaluate_security_groups([group], True, tcp("1.2.3.4", "10.0.1.4", 8050)).allowed
    assert not evaluate_security_groups([group], True, tcp("1.2.3.4", "10.0.1.4", 8101)).allowed
    udp = Packet("udp", "1.2.3.4", "10.0.1.4", (5000, 5000), (8050, 8050))
    assert not evaluate_security_groups([group], True, udp).allowed


def test_all_traffic_rule_matches_every_protocol():
    group = Group("sg-a", inbound=[SgRule("all", None, cidr="0.0.0.0/0")])
    assert evaluate_security_groups([group], True, Packet("icmp", "1.2.3.4", "10.0.1.4")).allowed
    assert evaluate_security_groups([group], True, tcp("1.2.3.4", "10.0.1.4", 1)).allowed


def test_group_reference_matches_members_only():
    app = Group("sg-app", inbound=[SgRule("tcp", (8080, 8080), group="sg-web")])
    assert evaluate_security_groups([app], True, tcp("10.0.1.4", "10.0.11.4", 8080), {"sg-web"}).allowed
    assert not evaluate_security_groups([app], True, tcp("10.0.1.4", "10.0.11.4", 8080), {"sg-db"}).allowed
    assert not evaluate_security_groups([app], True, tcp("10.0.1.4", "10.0.11.4", 8080)).allowed


# ---------------------------------------------------------------------------- network ACLs

def acl(*rules):
    return [AclEntry(n, egress, action, proto, ports, cidr) for n, egress, action, proto, ports, cidr in rules]


def test_lowest_numbered_match_decides():
    entries = acl((100, False, "allow", "tcp", (22, 22), "0.0.0.0/0"),
                  (90, False, "deny", "tcp", (22, 22), "203.0.113.0/24"))
    verdict = evaluate_acl(entries, False, tcp("203.0.113.7", "10.0.1.4", 22))
    assert not verdict.allowed and verdict.pieces[0][1].number == 90
    assert evaluate_acl(entries, False, tcp("198.51.100.7", "10.0.1.4", 22)).allowed


def test_first_match_stops_evaluation_even_if_a_later_rule_denies():
    entries = acl((100, False, "allow", "all", None, "0.0.0.0/0"), (200, False, "deny", "tcp", (22, 22), "0.0.0.0/0"))
    verdict = evaluate_acl(entries, False, tcp("1.2.3.4", "10.0.1.4", 22))
    assert verdict.allowed and verdict.pieces[0][1].number == 100


def test_unmatched_traffic_hits_the_final_star_deny():
    entries = acl((100, False, "allow", "tcp", (443, 443), "0.0.0.0/0"))
    verdict = evaluate_acl(entries, False, tcp("1.2.3.4", "10.0.1.4", 80))
    assert not verdict.allowed and verdict.pieces == (((80, 80), None),)
    assert not evaluate_acl([], False, tcp("1.2.3.4", "10.0.1.4", 80)).allowed  # a new custom ACL denies all


def test_directions_are_separate_rule_sets():
    entries = acl((100, False, "allow", "all", None, "0.0.0.0/0"))
    assert evaluate_acl(entries, False, tcp("1.2.3.4", "10.0.1.4", 80)).allowed
    assert not evaluate_acl(entries, True, tcp("10.0.1.4", "1.2.3.4", 80)).allowed


def test_outbound_rules_match_the_destination_address():
    entries = acl((100, True, "allow", "tcp", (1024, 65535), "203.0.113.0/24"))
    assert evaluate_acl(entries, True, tcp("10.0.1.4", "203.0.113.9", 50000)).allowed
    assert not evaluate_acl(entries, True, tcp("10.0.1.4", "198.51.100.9", 50000)).allowed


def test_a_port_range_is_split_between_the_rules_that_decide_it():
    # replies to Linux clients (32768-60999) against an ACL that only opens Windows' range
    entries = acl((100, True, "allow", "tcp", (49152, 65535), "0.0.0.0/0"))
    reply = Packet("tcp", "10.0.1.4", "203.0.113.9", (443, 443), (32768, 60999))
    verdict = evaluate_acl(entries, True, reply)
    assert not verdict.allowed
    assert [p for p, _ in verdict.denied_pieces] == [(32768, 49151)]
    assert [p for p, _ in verdict.allowed_pieces] == [(49152, 60999)]


def test_deny_in_the_middle_of_a_range_is_found():
    entries = acl((90, True, "deny", "tcp", (50000, 50010), "0.0.0.0/0"),
                  (100, True, "allow", "tcp", (1024, 65535), "0.0.0.0/0"))
    verdict = evaluate_acl(entries, True, Packet("tcp", "10.0.1.4", "1.2.3.4", (443, 443), (1024, 65535)))
    assert not verdict.allowed
    assert [p for p, _ in verdict.denied_pieces] == [(50000, 50010)]
    assert sorted(p for p, _ in verdict.allowed_pieces) == [(1024, 49999), (50011, 65535)]


def test_icmp_ignores_port_rules_and_matches_icmp_or_all():
    entries = acl((100, False, "allow", "tcp", (0, 65535), "0.0.0.0/0"))
    assert not evaluate_acl(entries, False, Packet("icmp", "1.2.3.4", "10.0.1.4")).allowed
    entries = acl((100, False, "allow", "icmp", None, "0.0.0.0/0"))
    assert evaluate_acl(entries, False, Packet("icmp", "1.2.3.4", "10.0.1.4")).allowed


def test_packet_reply_swaps_addresses_and_ports():
    packet = Packet("tcp", "203.0.113.9", "10.0.1.4", (1024, 65535), (443, 443))
    reply = packet.reply()
    assert (reply.src, reply.dst, reply.sport, reply.dport) == ("10.0.1.4", "203.0.113.9", (443, 443), (1024, 65535))
