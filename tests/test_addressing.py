"""helpers.addressing against the standard library's ipaddress as an independent oracle.

The helpers compute on netaddr; these tests recompute the same facts with ``ipaddress`` (or
from the RFC/AWS definitions) over thousands of random inputs, /0 to /32, and check VLSM plans
for fit, no overlap, containment and minimality. The bad-input table pins the one-sentence
message of every malformed input a learner is likely to type.
"""
from __future__ import annotations

import ipaddress
import re
import tracemalloc
from itertools import combinations, islice

import pytest
from hypothesis import example, given, settings, strategies as st

from helpers.addressing import (AWS_RESERVED_ROLES, AddressError, SplitTree, address_class,
                                address_scope, common_supernet, describe, netmask_for, overlaps,
                                parse_address, parse_interface, parse_network, parse_prefix,
                                plan_vlsm, prefix_for_hosts, same_subnet, split, summarize,
                                to_binary, usable_hosts)
from helpers.errors import InputError

ADDRESSES = st.integers(0, 2**32 - 1)
PREFIXES = st.integers(0, 32)
V4 = ipaddress.IPv4Address
NET = ipaddress.IPv4Network

# Points on both sides of every special-purpose block edge, so random tests hit the boundaries.
SPECIAL = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
           "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
           "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4"]
EDGES = sorted({max(0, min(2**32 - 1, int(point) + delta))
                for block in SPECIAL for point in (NET(block).network_address, NET(block).broadcast_address)
                for delta in (-1, 0, 1)})
ADDRESSES_AND_EDGES = st.one_of(ADDRESSES, st.sampled_from(EDGES))


def oracle_network(value: int, prefix: int) -> ipaddress.IPv4Network:
    return NET((value, prefix), strict=False)


# ---------------------------------------------------------------------------- describe

@settings(max_examples=2000, deadline=None)
@given(ADDRESSES, PREFIXES)
@example(0, 0)
@example(2**32 - 1, 32)
@example(167772237, 31)
def test_describe_matches_ipaddress(value, prefix):
    interface = ipaddress.IPv4Interface((value, prefix))
    network = interface.network
    info = describe(f"{interface.ip}/{prefix}")
    assert info["address"] == str(interface.ip)
    assert info["network"] == str(network)
    assert info["network_address"] == str(network.network_address)
    assert info["prefixlen"] == prefix
    assert info["netmask"] == str(network.netmask)
    assert info["wildcard"] == str(network.hostmask)
    assert info["num_addresses"] == network.num_addresses
    if prefix >= 31:
        hosts = list(network.hosts())  # ipaddress: /31 gives both addresses, /32 the one
        assert info["broadcast"] is None
        assert (info["first_host"], info["last_host"]) == (str(hosts[0]), str(hosts[-1]))
        assert info["usable_hosts"] == len(hosts)
    else:
        assert info["broadcast"] == str(network.broadcast_address)
        assert info["first_host"] == str(next(network.hosts()))
        assert info["last_host"] == str(network.broadcast_address - 1)
        if prefix >= 22:  # small enough to count one by one
            assert info["usable_hosts"] == sum(1 for _ in network.hosts())
        else:
            assert info["usable_hosts"] == network.num_addresses - 2
    assert info["binary"]["address"].replace(".", "") == format(int(interface.ip), "032b")
    assert info["binary"]["netmask"].replace(".", "") == format(int(network.netmask), "032b")
    assert info["binary"]["network"].replace(".", "") == format(int(network.network_address), "032b")
    classes = {"A": "0.0.0.0/1", "B": "128.0.0.0/2", "C": "192.0.0.0/3", "D": "224.0.0.0/4", "E": "240.0.0.0/4"}
    assert interface.ip in NET(classes[info["address_class"]])


@settings(max_examples=1500, deadline=None)
@given(ADDRESSES_AND_EDGES)
def test_scope_agrees_with_ipaddress(value):
    address = V4(value)
    scope = address_scope(str(address))
    rfc1918 = [NET("10.0.0.0/8"), NET("172.16.0.0/12"), NET("192.168.0.0/16")]
    documentation = [NET("192.0.2.0/24"), NET("198.51.100.0/24"), NET("203.0.113.0/24")]
    assert (scope == "private") == any(address in block for block in rfc1918)
    assert (scope == "documentation") == any(address in block for block in documentation)
    assert (scope == "loopback") == address.is_loopback
    assert (scope == "link-local") == address.is_link_local
    assert (scope == "multicast") == address.is_multicast
    assert (scope == "shared") == (address in NET("100.64.0.0/10"))
    if address.is_reserved or address.is_unspecified:
        assert scope == "reserved"
    # ipaddress calls multicast global, and marks only parts of 192.0.0.0/24 (IETF protocol
    # assignments) as special; the course calls the whole /24 reserved.
    if scope != "multicast" and address not in NET("192.0.0.0/24"):
        assert (scope == "public") == address.is_global


def test_describe_special_sizes():
    assert describe("0.0.0.0/0")["usable_hosts"] == 2**32 - 2
    assert describe("0.0.0.0/0")["scope"] == "reserved"
    single = describe("203.0.113.9/32")
    assert (single["usable_hosts"], single["first_host"], single["last_host"]) == (1, "203.0.113.9", "203.0.113.9")
    assert single["scope"] == "documentation" and single["reserved"] == []
    link = describe("10.0.0.7/31")
    assert (link["network"], link["broadcast"], link["usable_hosts"]) == ("10.0.0.6/31", None, 2)


def test_describe_accepts_a_netmask_and_a_netaddr_object():
    from netaddr import IPNetwork

    assert describe("10.0.1.77/255.255.255.192")["network"] == "10.0.1.64/26"
    assert describe(IPNetwork("10.0.1.77/26"))["address"] == "10.0.1.77"
    assert describe("  10.0.1.77 / 26 ")["network"] == "10.0.1.64/26"


def test_description_prints_as_a_table():
    text = repr(describe("10.0.1.77/26"))
    assert text.splitlines()[0] == "10.0.1.77/26"
    assert re.search(r"Broadcast\s+10\.0\.1\.127", text)
    assert re.search(r"Usable hosts\s+62", text)
    assert "data-field='broadcast'" in describe("10.0.1.77/26")._repr_html_()


# ---------------------------------------------------------------------------- AWS

def test_aws_reserves_five_addresses_as_documented():
    # The example in the AWS VPC user guide ("Subnet CIDR blocks"): 10.0.0.0/24 keeps
    # .0 (network), .1 (VPC router), .2 (DNS), .3 (future use) and .255 (broadcast).
    info = describe("10.0.0.0/24", cloud="aws")
    assert [address for address, _ in info["reserved"]] == ["10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.255"]
    assert [role for _, role in info["reserved"]] == list(AWS_RESERVED_ROLES)
    assert (info["usable_hosts"], info["first_host"], info["last_host"]) == (251, "10.0.0.4", "10.0.0.254")
    assert "Reserved by AWS" in repr(info)


@pytest.mark.parametrize("prefix", range(0, 33))
def test_aws_sizes_are_16_to_28(prefix):
    text = f"10.0.0.0/{prefix}" if prefix >= 8 else f"0.0.0.0/{prefix}"
    if 16 <= prefix <= 28:
        assert describe(text, cloud="aws")["usable_hosts"] == 2 ** (32 - prefix) - 5
        assert usable_hosts(prefix, cloud="AWS") == 2 ** (32 - prefix) - 5
    else:
        with pytest.raises(AddressError, match="AWS VPCs and subnets are /16 to /28"):
            describe(text, cloud="aws")


# ---------------------------------------------------------------------------- parsing

OCTET_TEXT = st.one_of(st.integers(0, 300).map(str),
                       st.sampled_from(["00", "01", "007", "-1", "", "a", "0x1", "1e2", "٣", "+1"]))


@settings(max_examples=600, deadline=None)
@given(st.lists(OCTET_TEXT, min_size=1, max_size=6).map(".".join))
def test_parse_address_accepts_exactly_what_ipaddress_accepts(text):
    try:
        expected = str(V4(text))
    except ValueError:
        expected = None
    if expected is None:
        with pytest.raises(AddressError):
            parse_address(text)
    else:
        assert str(parse_address(text)) == expected


MASKS = st.one_of(ADDRESSES,
                  PREFIXES.map(lambda p: (0xFFFFFFFF << (32 - p)) & 0xFFFFFFFF),  # netmasks
                  PREFIXES.map(lambda p: (1 << (32 - p)) - 1))                      # wildcard masks


@settings(max_examples=800, deadline=None)
@given(MASKS)
def test_masks_agree_with_ipaddress(value):
    text = str(V4(value))
    try:  # ipaddress takes a netmask, or failing that a hostmask (wildcard)
        oracle = NET(f"0.0.0.0/{text}").prefixlen
    except ValueError:
        oracle = None
    read_as_wildcard = oracle is not None and value != 0 and not value >> 31
    if oracle is None:
        with pytest.raises(AddressError, match="1-bits have gaps"):
            parse_prefix(text)
    elif read_as_wildcard:
        with pytest.raises(AddressError, match=rf"wildcard \(inverse\) mask.*/{oracle}\.$"):
            parse_prefix(text)
    else:
        assert parse_prefix(text) == oracle
        assert netmask_for(oracle) == str(NET(f"0.0.0.0/{oracle}").netmask)


@settings(max_examples=800, deadline=None)
@given(ADDRESSES, PREFIXES)
def test_parse_network_strictness_matches_ipaddress(value, prefix):
    text = f"{V4(value)}/{prefix}"
    try:
        expected = NET(text)  # strict: refuses host bits
    except ValueError:
        expected = None
    if expected is None:
        meant = oracle_network(value, prefix)
        with pytest.raises(AddressError, match=re.escape(f"the network you mean is {meant}.")):
            parse_network(text)
        assert str(parse_network(text, strict=False)) == str(meant)
    else:
        assert str(parse_network(text)) == str(expected)
    assert str(parse_interface(text).ip) == str(V4(value))


@settings(max_examples=800, deadline=None)
@given(ADDRESSES_AND_EDGES, st.one_of(ADDRESSES, st.integers(0, 255)), PREFIXES, st.booleans())
def test_same_subnet_matches_ipaddress(a, noise, prefix, nearby):
    b = a ^ noise if nearby else noise  # nearby addresses share a subnet far more often
    expected = oracle_network(a, prefix) == oracle_network(b, prefix)
    assert same_subnet(str(V4(a)), str(V4(b)), prefix) is expected
    assert same_subnet(str(V4(a)), str(V4(b)), str(NET(f"0.0.0.0/{prefix}").netmask)) is expected
    assert same_subnet(str(V4(a)), str(V4(b)), f"/{prefix}") is expected


def test_the_seed_example():
    assert same_subnet("192.168.100.1", "192.168.100.2", "255.255.255.0")
    assert not same_subnet("192.168.100.1", "192.168.101.2", "255.255.255.0")


@settings(max_examples=500, deadline=None)
@given(ADDRESSES, ADDRESSES, PREFIXES, PREFIXES)
def test_overlaps_matches_ipaddress(a, b, pa, pb):
    first, second = oracle_network(a, pa), oracle_network(b, pb)
    assert overlaps(str(first), str(second)) is first.overlaps(second)


def test_to_binary_and_class():
    assert to_binary("192.168.100.1") == "11000000.10101000.01100100.00000001"
    assert [address_class(a) for a in ("0.0.0.0", "127.255.255.255", "128.0.0.0", "191.255.255.255",
                                       "192.0.0.0", "223.255.255.255", "224.0.0.0", "240.0.0.0")] == list("AABBCCDE")


# ---------------------------------------------------------------------------- the bad-input table

BAD_INPUTS = [
    # (function, arguments, keyword arguments, the exact sentence)
    (describe, ("10.0.1.256/24",), {},
     "256 in '10.0.1.256' is over 255; each of the four numbers is one byte (8 bits), so it goes from 0 to 255."),
    (describe, ("300.1.1.1/8",), {},
     "300 in '300.1.1.1' is over 255; each of the four numbers is one byte (8 bits), so it goes from 0 to 255."),
    (describe, ("10.0.1.0/33",), {},
     "Prefix /33 is over 32; an IPv4 address has 32 bits, so the prefix goes from /0 to /32."),
    (describe, ("10.0.1.0/-1",), {}, "Prefix /-1 is negative; a prefix counts network bits, from /0 to /32."),
    (describe, ("10.0.1.77",), {},
     "'10.0.1.77' has no prefix; add the number of network bits after a slash, like 10.0.1.77/24."),
    (describe, ("10.0.1.0/",), {},
     "'10.0.1.0/' has nothing after the slash; add the number of network bits, like 10.0.1.0/24."),
    (describe, ("/24",), {}, "'/24' has nothing before the slash; write an address first, like 10.0.1.0/24."),
    (describe, ("10.0.1.0/24/8",), {},
     "'10.0.1.0/24/8' has more than one slash; write one address and one prefix, like 10.0.1.0/24."),
    (describe, ("",), {}, "The address with prefix is empty; type one like 10.0.1.77/24."),
    (describe, ("   ",), {}, "The address with prefix is only spaces; type one like 10.0.1.77/24."),
    (describe, (None,), {}, "No address with prefix was given; type one like 10.0.1.77/24."),
    (describe, (167772161,), {},
     "167772161 is a number, not text; give the address with prefix in quotes, like '10.0.1.77/24'."),
    (describe, ("hello",), {},
     "'hello' is not an IPv4 address; write four numbers from 0 to 255 separated by dots, like 10.0.1.77."),
    (describe, ("example.com/24",), {},
     "'example.com' looks like a host name, not an IPv4 address; write four numbers separated by dots, like 10.0.1.77."),
    (describe, ("10.0.1/24",), {},
     "'10.0.1' has 3 numbers; an IPv4 address has exactly four, separated by dots, like 10.0.1.77."),
    (describe, ("10.0.1.0.5/24",), {},
     "'10.0.1.0.5' has 5 numbers; an IPv4 address has exactly four, separated by dots, like 10.0.1.77."),
    (describe, ("10..1.0/24",), {},
     "'10..1.0' has an empty part (two dots together, or a dot at an end); write four numbers separated by single dots, like 10.0.1.77."),
    (describe, ("10.-1.0.0/16",), {},
     "'10.-1.0.0' contains the negative number -1; each of the four numbers goes from 0 to 255."),
    (describe, ("-5",), {},
     "'-5' is a negative number; an IPv4 address is four numbers from 0 to 255 separated by dots, like 10.0.1.77."),
    (describe, ("10.0.01.0/24",), {},
     "'10.0.01.0' has a leading zero in 01, which some tools read as octal; write it as 1."),
    (describe, ("0x0a.0.0.0/8",), {},
     "'0x0a.0.0.0' uses hexadecimal (0x0a); write each number in decimal from 0 to 255, like 10.0.1.77."),
    (describe, ("10.0.1.x/24",), {},
     "'x' in '10.0.1.x' is not a number; each of the four parts is a number from 0 to 255, like 10.0.1.77."),
    (describe, ("10.0. 1.0/24",), {},
     "'10.0. 1.0' contains a space; write the address without spaces, like 10.0.1.77."),
    (describe, ("10.0.1.0 255.255.255.0",), {},
     "'10.0.1.0 255.255.255.0' has a space before the mask; put a slash there instead, like 10.0.1.0/255.255.255.0 or 10.0.1.0/24."),
    (describe, ("2001:db8::1/64",), {},
     "'2001:db8::1/64' is IPv6 (it has colons); this works with IPv4 only, so write an IPv4 address with prefix like 10.0.1.77/24."),
    (parse_address, ("::1",), {},
     "'::1' is IPv6 (it has colons); this works with IPv4 only, so write an IPv4 address like 10.0.1.77."),
    (describe, ("10.0.1.0/255.0.255.0",), {},
     "255.0.255.0 is not a valid netmask because its 1-bits have gaps; a netmask is ones then zeros, like 255.255.255.0 (/24) or 255.255.255.192 (/26)."),
    (describe, ("10.0.1.0/0.0.0.255",), {},
     "0.0.0.255 is a wildcard (inverse) mask; the netmask it stands for is 255.255.255.0, that is /24."),
    (describe, ("10.0.1.0/abc",), {},
     "'abc' is not a prefix; write the number of network bits (0-32), like /24, or a netmask like 255.255.255.0."),
    (describe, ("10.0.1.0/29",), {"cloud": "aws"},
     "10.0.1.0/29 is a /29, smaller than AWS allows; AWS VPCs and subnets are /16 to /28, so use a /28 (16 addresses, 11 usable) or larger."),
    (describe, ("10.0.0.0/8",), {"cloud": "aws"},
     "10.0.0.0/8 is a /8, larger than AWS allows; AWS VPCs and subnets are /16 to /28, so use a /16 (65,536 addresses) or a longer prefix."),
    (describe, ("10.0.0.0/24",), {"cloud": "gcp"}, "cloud='gcp' is not known; use cloud='aws' or leave it out."),
    (parse_network, ("10.0.1.77/26",), {},
     "'10.0.1.77/26' has host bits set, so it is an address inside a network rather than a network; the network you mean is 10.0.1.64/26."),
    (parse_address, ("10.0.1.1/24",), {},
     "'10.0.1.1/24' has a prefix; give the address alone, like 10.0.1.77, and the prefix separately."),
    (parse_address, ("3232235777",), {},
     "'3232235777' is a single number; write the address as four numbers separated by dots, like 10.0.1.77."),
    (same_subnet, ("192.168.100.1", "192.168.100.2", ""), {},
     "The prefix is empty; write the number of network bits, like /24, or a netmask like 255.255.255.0."),
    (same_subnet, ("192.168.100.1", "192.168.100.2", True), {}, "True is not a prefix; give the number of network bits, like 24."),
    (split, ("10.0.0.0/24",), {"parts": 10, "new_prefix": 28},
     "Give split() either parts= (how many pieces) or new_prefix= (their prefix length), not both and not neither."),
    (split, ("10.0.0.0/24",), {"parts": 0}, "The number of parts must be at least 1; got 0."),
    (split, ("10.0.0.0/24",), {"parts": 2.5}, "The number of parts must be a whole number, like 4; got 2.5."),
    (split, ("10.0.0.0/30",), {"parts": 10},
     "10.0.0.0/30 has 4 addresses, so it cannot be split into 10 parts; ask for at most 4."),
    (split, ("10.0.0.0/24",), {"new_prefix": 16},
     "/16 is shorter than 10.0.0.0/24's own /24, so each piece would be bigger than the whole; choose a prefix from /24 to /32."),
    (split, ("10.0.0.0/24",), {"new_prefix": 29, "cloud": "aws"},
     "Those pieces would be /29, smaller than the /28 AWS allows; split 10.0.0.0/24 into at most 16 parts."),
    (plan_vlsm, ("10.0.0.0/24", {}), {},
     "The plan has no subnets; give at least one name and its host count, like {'web': 50}."),
    (plan_vlsm, ("10.0.0.0/24", {"web": 0}), {}, "The host count of 'web' must be at least 1; got 0."),
    (plan_vlsm, ("10.0.0.0/24", {"web": "many"}), {}, "The host count of 'web' must be a whole number, like 50; got 'many'."),
    (plan_vlsm, ("10.0.0.0/24", {"": 5}), {}, "Each subnet needs a name in text, like 'web'; got ''."),
    (plan_vlsm, ("10.0.0.0/24", [("web", 5), ("web", 6)]), {},
     "The name 'web' appears twice; give each subnet its own name."),
    (plan_vlsm, ("10.0.0.0/24", {"web": 200, "db": 100}), {},
     "The plan needs 384 addresses but 10.0.0.0/24 has 256, 128 short; use a /23 or larger parent, or ask for fewer hosts."),
    (plan_vlsm, ("10.0.0.0/16", {"big": 70000}), {"cloud": "aws"},
     "'big' needs 70,000 hosts, more than the largest AWS subnet holds (/16, 65,531 usable); spread them over several subnets."),
    (summarize, ([],), {}, "summarize() needs at least one network, like ['10.0.0.0/24', '10.0.1.0/24']."),
    (overlaps, ("10.0.0.0/16", "10.0.0.0"), {},
     "'10.0.0.0' has no prefix; add the number of network bits after a slash, like 10.0.0.0/24."),
]


def test_the_table_is_big_enough():
    assert len(BAD_INPUTS) >= 25


@pytest.mark.parametrize("function, args, kwargs, message", BAD_INPUTS,
                         ids=[f"{f.__name__}{a!r}{k or ''}"[:60] for f, a, k, _ in BAD_INPUTS])
def test_bad_input_gets_its_sentence(function, args, kwargs, message):
    with pytest.raises(AddressError) as raised:
        function(*args, **kwargs)
    error = raised.value
    assert isinstance(error, InputError) and isinstance(error, ValueError)
    assert str(error) == message
    assert message.endswith(".") and not re.search(r"[.!?] [A-Z]", message), "one sentence"
    assert "Traceback" not in message and "\n" not in message


def test_long_garbage_is_cut_short_in_the_message():
    error = pytest.raises(AddressError, describe, "x" * 500 + "/24").value
    assert len(str(error)) < 200


# ---------------------------------------------------------------------------- split

@settings(max_examples=300, deadline=None)
@given(ADDRESSES, st.integers(0, 32), st.integers(0, 10), st.data())
def test_split_matches_ipaddress(value, prefix, extra, data):
    new_prefix = min(32, prefix + extra)
    parent = oracle_network(value, prefix)
    result = split(str(parent), new_prefix=new_prefix)
    expected = [str(n) for n in parent.subnets(new_prefix=new_prefix)]
    assert len(result) == len(expected)
    assert [str(n) for n in result] == expected
    index = data.draw(st.integers(-len(expected), len(expected) - 1))
    assert str(result[index]) == expected[index]
    size = data.draw(st.integers(1, 40))
    page = data.draw(st.integers(0, result.pages(size) - 1))
    assert [str(n) for n in result.page(page, size)] == expected[page * size:(page + 1) * size]
    assert [r["network"] for r in result.rows(page, size)] == expected[page * size:(page + 1) * size]
    assert all(n in result for n in expected[:3])


@settings(max_examples=300, deadline=None)
@given(ADDRESSES, st.integers(0, 16), st.integers(11, 32), st.data())
def test_huge_splits_index_like_ipaddress(value, prefix, new_prefix, data):
    parent = oracle_network(value, prefix)
    result = split(str(parent), new_prefix=max(new_prefix, prefix))
    new_prefix = result.new_prefix
    first_page = [str(n) for n in islice(parent.subnets(new_prefix=new_prefix), 16)]
    assert [str(n) for n in result.page(0)] == first_page
    last = NET((int(parent.broadcast_address), new_prefix), strict=False)
    assert str(result[-1]) == str(last) and last.subnet_of(parent)
    index = data.draw(st.integers(0, len(result) - 1))
    subnet = NET(str(result[index]))
    assert subnet.prefixlen == new_prefix and subnet.subnet_of(parent)
    assert int(subnet.network_address) - int(parent.network_address) == index * subnet.num_addresses


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 31), st.integers(1, 5000))
def test_parts_round_up_to_a_power_of_two(prefix, parts):
    parent = f"0.0.0.0/{prefix}"
    if parts > 2 ** (32 - prefix):
        with pytest.raises(AddressError, match="cannot be split"):
            split(parent, parts=parts)
        return
    result = split(parent, parts=parts)
    count = 1
    while count < parts:
        count *= 2
    assert len(result) == count and result.spare == count - parts
    assert NET(str(result[0])).num_addresses * count == 2 ** (32 - prefix)


def test_ten_parts_take_sixteen_and_leave_six():
    result = split("192.168.1.0/24", parts=10)
    assert (len(result), result.new_prefix, result.spare, result.netmask) == (16, 28, 6, "255.255.255.240")
    assert "so 6 are spare" in result.summary()
    assert [str(split("192.168.1.0/24", new_prefix=p).netmask) for p in (25, 26, 27, 28)] == [
        "255.255.255.128", "255.255.255.192", "255.255.255.224", "255.255.255.240"]
    assert [len(split("192.168.1.0/24", new_prefix=p)) for p in (25, 26, 27, 28)] == [2, 4, 8, 16]


def test_split_is_lazy():
    """Asking for the first page of a /8 in /24s must not build 65,536 networks."""
    tracemalloc.start()
    try:
        result = split("10.0.0.0/8", new_prefix=24)
        first = result.page(0)
        lazy_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        everything = list(result)  # what an eager split would hold
        eager_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(first) == 16 and len(everything) == 65536
    assert lazy_peak < 100_000 < eager_peak, (lazy_peak, eager_peak)


def test_whole_internet_in_single_addresses():
    result = split("0.0.0.0/0", new_prefix=32)
    assert len(result) == 2**32 and result.pages() == 2**28
    assert str(result[-1]) == "255.255.255.255/32" and str(result[2**31]) == "128.0.0.0/32"
    assert "4,294,967,296 subnets" in result.summary()


def test_split_errors_for_pages_and_indexes():
    result = split("10.0.0.0/24", new_prefix=26)
    with pytest.raises(AddressError, match="subnet 4 does not exist; there are 4, numbered 0 to 3"):
        result[4]
    with pytest.raises(IndexError):  # still an IndexError, so sequence code keeps working
        result[-5]
    with pytest.raises(AddressError, match="not a subnet number"):
        result["1"]
    with pytest.raises(AddressError, match="Page 1 does not exist"):
        result.page(1)
    assert split("10.0.0.0/24", new_prefix=24)[0] == parse_network("10.0.0.0/24")
    assert [str(n) for n in result[1:3]] == ["10.0.0.64/26", "10.0.0.128/26"]


def test_split_aws_mode_counts_five_reserved():
    result = split("10.0.0.0/16", parts=4, cloud="aws")
    assert (result.new_prefix, result.usable_hosts) == (18, 2**14 - 5)
    assert result.rows(0)[0]["first_host"] == "10.0.0.4"


# ---------------------------------------------------------------------------- split tree

def assert_tiles(tree: SplitTree):
    leaves = [NET(str(leaf)) for leaf in tree.leaves]
    assert list(ipaddress.collapse_addresses(leaves)) == [NET(str(tree.parent))]
    assert sum(leaf.num_addresses for leaf in leaves) == NET(str(tree.parent)).num_addresses
    assert leaves == sorted(leaves)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 1000)), max_size=25), st.sampled_from([20, 24, 28]))
def test_split_tree_always_tiles_its_parent(operations, prefix):
    tree = SplitTree(f"10.0.0.0/{prefix}")
    for is_split, pick in operations:
        leaf = tree.leaves[pick % len(tree.leaves)]
        if is_split and tree.can_split(leaf):
            tree = tree.split(leaf)
        elif not is_split and tree.can_join(leaf):
            tree = tree.join(leaf)
        assert_tiles(tree)
    nodes = tree.nodes()
    assert sum(1 for *_, is_leaf in nodes if is_leaf) == len(tree.leaves)
    assert len(nodes) == 2 * len(tree.leaves) - 1  # a full binary tree


def test_split_tree_split_and_join():
    tree = SplitTree("10.0.0.0/24").split("10.0.0.0/24").split("10.0.0.0/25")
    assert [str(n) for n in tree.leaves] == ["10.0.0.0/26", "10.0.0.64/26", "10.0.0.128/25"]
    assert [r["depth"] for r in tree.rows()] == [2, 2, 1]
    assert tree.join("10.0.0.64/26") == SplitTree("10.0.0.0/24").split("10.0.0.0/24")
    # joining the /25 takes back whatever its other half was cut into
    assert tree.join("10.0.0.128/25") == SplitTree("10.0.0.0/24")
    assert SplitTree.even("10.0.0.0/24", parts=10).leaves == tuple(split("10.0.0.0/24", parts=10))


def test_split_tree_refusals():
    with pytest.raises(AddressError, match="single address"):
        SplitTree("10.0.0.1/32").split("10.0.0.1/32")
    with pytest.raises(AddressError, match="whole network"):
        SplitTree("10.0.0.0/24").join("10.0.0.0/24")
    with pytest.raises(AddressError, match="not one of the current subnets"):
        SplitTree("10.0.0.0/24").split("10.0.0.0/25")
    aws = SplitTree.even("10.0.0.0/24", new_prefix=28, cloud="aws")
    assert not aws.can_split("10.0.0.0/28") and aws.rows()[0]["usable_hosts"] == 11
    with pytest.raises(AddressError, match="smallest subnet AWS allows"):
        aws.split("10.0.0.0/28")
    with pytest.raises(AddressError, match="too many for the tree"):
        SplitTree.even("10.0.0.0/8", new_prefix=24)
    with pytest.raises(AddressError, match="cover 10.0.0.0/24 exactly"):
        SplitTree("10.0.0.0/24", ["10.0.0.0/25"])


# ---------------------------------------------------------------------------- VLSM

NEEDS = st.dictionaries(st.text(alphabet="abcdefgh", min_size=1, max_size=5), st.integers(1, 3000),
                        min_size=1, max_size=8)


def oracle_block_size(hosts: int, cloud: str | None) -> int:
    """The smallest power-of-two block whose usable addresses hold ``hosts`` (course rule)."""
    reserved, size = (5, 16) if cloud else (2, 4)
    while size - reserved < hosts:
        size *= 2
    return size


@settings(max_examples=400, deadline=None)
@given(ADDRESSES, st.integers(8, 30), NEEDS, st.sampled_from([None, "aws"]))
def test_vlsm_plans_fit_do_not_overlap_stay_inside_and_are_minimal(value, prefix, needs, cloud):
    if cloud:
        prefix = min(max(prefix, 16), 28)
    parent = oracle_network(value, prefix)
    reserved = 5 if cloud else 2
    sizes = {name: oracle_block_size(hosts, cloud) for name, hosts in needs.items()}
    total = sum(sizes.values())
    if cloud and max(sizes.values()) > 2**16:
        with pytest.raises(AddressError, match="more than the largest AWS subnet"):
            plan_vlsm(str(parent), needs, cloud=cloud)
        return
    if total > parent.num_addresses:
        with pytest.raises(AddressError) as raised:
            plan_vlsm(str(parent), needs, cloud=cloud)
        assert f"needs {total:,} addresses" in str(raised.value)
        assert f"{total - parent.num_addresses:,} short" in str(raised.value)
        return
    plan = plan_vlsm(str(parent), needs, cloud=cloud)
    networks = {s.name: NET(str(s.network)) for s in plan.subnets}
    assert set(networks) == set(needs)
    for subnet in plan.subnets:
        network = networks[subnet.name]
        assert network.subnet_of(parent)                                  # containment
        assert network.num_addresses - reserved >= needs[subnet.name]     # fit
        assert network.num_addresses == sizes[subnet.name]                # minimal
        assert subnet.usable_hosts == network.num_addresses - reserved
        assert str(subnet.first_host) == str(network.network_address + (4 if cloud else 1))
        assert str(subnet.last_host) == str(network.broadcast_address - 1)
    for first, second in combinations(networks.values(), 2):
        assert not first.overlaps(second)                                 # no overlap
    hosts = [s.hosts for s in plan.subnets]
    assert hosts == sorted(hosts, reverse=True)                           # largest first
    free = [NET(str(n)) for n in plan.free]
    everything = list(networks.values()) + free
    assert list(ipaddress.collapse_addresses(everything)) == [parent]     # free + used = parent
    assert sum(n.num_addresses for n in everything) == parent.num_addresses
    assert sum(offset_size[1] for offset_size in plan.segments()) == parent.num_addresses


def test_vlsm_example_from_the_lesson():
    plan = plan_vlsm("10.0.0.0/24", {"sales": 50, "engineering": 100, "guests": 20, "link": 2})
    assert [(s.name, str(s.network)) for s in plan.subnets] == [
        ("engineering", "10.0.0.0/25"), ("sales", "10.0.0.128/26"),
        ("guests", "10.0.0.192/27"), ("link", "10.0.0.224/30")]
    assert [str(n) for n in plan.free] == ["10.0.0.228/30", "10.0.0.232/29", "10.0.0.240/28"]
    assert plan["sales"].spare_hosts == 12 and plan.used_addresses == 228
    assert "engineering" in repr(plan) and "<table" in plan._repr_html_()


def test_vlsm_rules_at_the_edges():
    assert [prefix_for_hosts(h) for h in (1, 2, 3, 6, 7, 62, 63, 254, 255)] == [30, 30, 29, 29, 28, 26, 25, 24, 23]
    assert [prefix_for_hosts(h, cloud="aws") for h in (1, 11, 12, 27, 28, 65531)] == [28, 28, 27, 27, 26, 16]
    equal = plan_vlsm("10.0.0.0/24", [("b", 10), ("a", 10)])
    assert [s.name for s in equal.subnets] == ["b", "a"]  # ties keep the order given
    with pytest.raises(AddressError, match="use a /22 or larger parent"):
        plan_vlsm("10.0.0.0/24", {"a": 300, "b": 100})


# ---------------------------------------------------------------------------- summarising

BLOCKS = st.tuples(ADDRESSES, st.integers(8, 28), st.integers(0, 4)).flatmap(
    lambda t: st.lists(st.sampled_from(list(oracle_network(t[0], t[1]).subnets(prefixlen_diff=t[2]))),
                       min_size=1, max_size=16))
RANDOM_NETS = st.lists(st.tuples(ADDRESSES, st.integers(4, 32)).map(lambda t: oracle_network(*t)),
                       min_size=1, max_size=10)


@settings(max_examples=300, deadline=None)
@given(st.one_of(BLOCKS, RANDOM_NETS))
def test_summarize_matches_collapse_addresses(networks):
    expected = [str(n) for n in ipaddress.collapse_addresses(networks)]
    assert [str(n) for n in summarize([str(n) for n in networks])] == expected
    supernet = NET(str(common_supernet([str(n) for n in networks])))
    assert all(n.subnet_of(supernet) for n in networks)
    if supernet.prefixlen < 32:  # minimal: neither half holds them all
        for half in supernet.subnets():
            assert not all(n.subnet_of(half) for n in networks)


def test_summarize_examples():
    assert [str(n) for n in summarize(["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"])] == ["10.0.0.0/22"]
    assert [str(n) for n in summarize("10.0.1.0/24, 10.0.2.0/24")] == ["10.0.1.0/24", "10.0.2.0/24"]
    assert str(common_supernet(["10.0.1.0/24", "10.0.2.0/24"])) == "10.0.0.0/22"


def test_module_examples_run():
    """The usage examples at the top of helpers/addressing.py are doctests; they must stay true."""
    import doctest

    import helpers.addressing

    result = doctest.testmod(helpers.addressing)
    assert result.attempted >= 9 and result.failed == 0
