"""IPv4 addressing for the whole course, on netaddr: parse, describe, split, plan and summarise.

Every lesson that touches addresses (subnetting, routing, Docker networks, VPC design, labs) uses
this module, so its answers are plain data that print the same way every time::

    >>> from helpers.addressing import describe, same_subnet, split, plan_vlsm, summarize, overlaps
    >>> d = describe("10.0.1.77/26")
    >>> d["network"], d["broadcast"], d["usable_hosts"]
    ('10.0.1.64/26', '10.0.1.127', 62)
    >>> same_subnet("192.168.100.1", "192.168.100.2", 24)
    True
    >>> s = split("192.168.1.0/24", parts=10)       # 10 parts -> 16 subnets of /28, 6 spare
    >>> len(s), s.new_prefix, s.spare
    (16, 28, 6)
    >>> plan = plan_vlsm("10.0.0.0/24", {"sales": 50, "office": 20})
    >>> [str(p.network) for p in plan.subnets]
    ['10.0.0.0/26', '10.0.0.64/27']
    >>> summarize(["10.0.0.0/24", "10.0.1.0/24"])
    [IPNetwork('10.0.0.0/23')]

Rules this module follows (and the tests check against the standard library as an oracle):

* Usable hosts: a subnet loses its first address (the network) and its last (the broadcast), so a
  /24 has 254 usable hosts. A /31 is a point-to-point link with 2 usable addresses (RFC 3021) and
  a /32 is one host; neither has a broadcast address.
* ``cloud="aws"``: AWS reserves 5 addresses of every subnet (network, +1 VPC router, +2 Amazon
  DNS, +3 future use, and the last one), so a /28 has 11 usable; VPCs and subnets are /16 to /28.
* VLSM plans size LAN subnets with the rule above but never smaller than /30 (a /31 or /32 has
  no broadcast address, so it is not a LAN); in AWS mode never smaller than /28.
* Text is strict: four decimal octets 0-255 without leading zeros, a prefix /0-/32 or a netmask
  with contiguous 1-bits. Anything else raises ``AddressError`` (an ``InputError``, so a
  ``ValueError``) with one sentence saying what is wrong and how to write it instead.

Values in results are strings and ints (``describe``) or netaddr objects (``split``,
``plan_vlsm``, ``summarize``); both print deterministically.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

from netaddr import IPAddress, IPNetwork, IPSet, cidr_merge

from helpers.errors import InputError

__all__ = [
    "AddressError", "parse_address", "parse_prefix", "parse_interface", "parse_network",
    "describe", "Description", "same_subnet", "split", "Split", "SplitTree",
    "plan_vlsm", "Plan", "PlannedSubnet", "summarize", "common_supernet", "overlaps",
    "address_scope", "address_class", "netmask_for", "usable_hosts", "prefix_for_hosts",
    "bit_rows", "to_binary", "AWS_MIN_PREFIX", "AWS_MAX_PREFIX", "AWS_RESERVED_ROLES",
]

ALL_ONES = 0xFFFFFFFF
AWS_MIN_PREFIX = 16  # the largest VPC or subnet AWS allows (65,536 addresses)
AWS_MAX_PREFIX = 28  # the smallest (16 addresses, 11 usable)
AWS_RESERVED_ROLES = (
    "network address",
    "VPC router",
    "Amazon DNS",
    "reserved for future use",
    "broadcast address, unused: a VPC has no broadcast",
)
EXAMPLE_ADDRESS = "10.0.1.77"
EXAMPLE_INTERFACE = "10.0.1.77/24"
EXAMPLE_NETWORK = "10.0.1.0/24"
EXAMPLE_MASK = "255.255.255.0"
SMALLEST_LAN_PREFIX = 30  # a VLSM subnet needs a network and a broadcast address

# Special-purpose IPv4 blocks (IANA registry, RFC 6890), checked in this order; the rest is public.
SPECIAL_BLOCKS = (
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("10.0.0.0/8", "private"),
    ("172.16.0.0/12", "private"),
    ("192.168.0.0/16", "private"),
    ("100.64.0.0/10", "shared"),         # carrier-grade NAT (RFC 6598)
    ("224.0.0.0/4", "multicast"),
    ("192.0.2.0/24", "documentation"),   # TEST-NET-1, -2, -3 (RFC 5737)
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("0.0.0.0/8", "reserved"),           # "this network"
    ("192.0.0.0/24", "reserved"),        # IETF protocol assignments
    ("198.18.0.0/15", "reserved"),       # benchmarking
    ("240.0.0.0/4", "reserved"),         # future use, including 255.255.255.255
)
SCOPES = ("private", "public", "loopback", "link-local", "shared", "multicast", "reserved",
          "documentation")
_SPECIAL = tuple((IPNetwork(block), scope) for block, scope in SPECIAL_BLOCKS)

# Classful addressing (before CIDR, 1993): the class follows from the first octet.
CLASSES = (  # class, first octet from, to, default prefix, leading bits
    ("A", 0, 127, 8, "0"),
    ("B", 128, 191, 16, "10"),
    ("C", 192, 223, 24, "110"),
    ("D", 224, 239, None, "1110"),
    ("E", 240, 255, None, "1111"),
)

_DIGITS = re.compile(r"[0-9]+")
_NEGATIVE = re.compile(r"-[0-9]+")
_HOST_NAME = re.compile(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


class AddressError(InputError):
    """An address, prefix, mask or plan that cannot be used; str() is one sentence with the fix."""


class NoSuchSubnet(AddressError, IndexError):
    """A subnet number past the end of a split (an IndexError too, so sequence code keeps working)."""


# ---------------------------------------------------------------------------- parsing

def _shown(text: str) -> str:
    """The learner's text, quoted and cut short so a message stays one readable line."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _kind(value: Any) -> str:
    """What a non-text value is, in words a learner knows."""
    if isinstance(value, bool):
        return "a True/False value"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (list, tuple, set)):
        return "a list"
    if isinstance(value, dict):
        return "a dict"
    return f"a {type(value).__name__} object"


def _text(value: Any, what: str, example: str) -> str:
    """The stripped text of a value, or a sentence saying why it is not usable text."""
    if value is None:
        raise AddressError(f"No {what} was given; type one like {example}.")
    if not isinstance(value, str):
        raise AddressError(f"{value!r} is {_kind(value)}, not text; give the {what} in quotes, "
                           f"like '{example}'.")
    text = value.strip()
    if not text:
        if value:
            raise AddressError(f"The {what} is only spaces; type one like {example}.")
        raise AddressError(f"The {what} is empty; type one like {example}.")
    return text


def _ipv6_check(text: str, what: str, example: str) -> None:
    if ":" in text:
        raise AddressError(f"{_shown(text)} is IPv6 (it has colons); this works with IPv4 only, "
                           f"so write an IPv4 {what} like {example}.")


def _octets(text: str, what: str = "address", example: str = EXAMPLE_ADDRESS) -> int:
    """Dotted-decimal text (already stripped, without a prefix) as a 32-bit integer."""
    _ipv6_check(text, what, example)
    if any(ch.isspace() for ch in text):
        raise AddressError(f"{_shown(text)} contains a space; write the {what} without spaces, "
                           f"like {example}.")
    parts = text.split(".")
    if len(parts) == 1:
        if _DIGITS.fullmatch(text):
            raise AddressError(f"{_shown(text)} is a single number; write the {what} as four "
                               f"numbers separated by dots, like {example}.")
        if _NEGATIVE.fullmatch(text):
            raise AddressError(f"{_shown(text)} is a negative number; an IPv4 {what} is four "
                               f"numbers from 0 to 255 separated by dots, like {example}.")
        raise AddressError(f"{_shown(text)} is not an IPv4 {what}; write four numbers from 0 to "
                           f"255 separated by dots, like {example}.")
    if len(parts) != 4 and _HOST_NAME.fullmatch(text) and re.search(r"[A-Za-z]", text):
        raise AddressError(f"{_shown(text)} looks like a host name, not an IPv4 {what}; write "
                           f"four numbers separated by dots, like {example}.")
    if "" in parts:
        raise AddressError(f"{_shown(text)} has an empty part (two dots together, or a dot at "
                           f"an end); write four numbers separated by single dots, like {example}.")
    if len(parts) != 4:
        raise AddressError(f"{_shown(text)} has {len(parts)} numbers; an IPv4 {what} has exactly "
                           f"four, separated by dots, like {example}.")
    value = 0
    for part in parts:
        if _NEGATIVE.fullmatch(part):
            raise AddressError(f"{_shown(text)} contains the negative number {part}; each of the "
                               f"four numbers goes from 0 to 255.")
        if not _DIGITS.fullmatch(part):
            if part.lower().startswith("0x"):
                raise AddressError(f"{_shown(text)} uses hexadecimal ({part}); write each number "
                                   f"in decimal from 0 to 255, like {example}.")
            raise AddressError(f"{_shown(part)} in {_shown(text)} is not a number; each of the "
                               f"four parts is a number from 0 to 255, like {example}.")
        number = int(part)
        if number > 255:
            raise AddressError(f"{part} in {_shown(text)} is over 255; each of the four numbers "
                               f"is one byte (8 bits), so it goes from 0 to 255.")
        if len(part) > 1 and part.startswith("0"):
            raise AddressError(f"{_shown(text)} has a leading zero in {part}, which some tools "
                               f"read as octal; write it as {number}.")
        value = value << 8 | number
    return value


def _dotted(value: int) -> str:
    return f"{value >> 24}.{value >> 16 & 255}.{value >> 8 & 255}.{value & 255}"


def netmask_for(prefix: int) -> str:
    """The dotted netmask of a prefix length: ``netmask_for(26) == '255.255.255.192'``."""
    prefix = parse_prefix(prefix)
    return _dotted(_mask_int(prefix))


def _mask_int(prefix: int) -> int:
    return (ALL_ONES << (32 - prefix)) & ALL_ONES


def _prefix_from_mask(mask: int, text: str) -> int:
    inverse = ~mask & ALL_ONES
    if inverse & (inverse + 1) == 0:  # ones then zeros: a netmask
        return 32 - inverse.bit_length()
    if mask & (mask + 1) == 0:  # zeros then ones: the inverse (wildcard) form, as in Cisco ACLs
        prefix = 32 - mask.bit_length()
        raise AddressError(f"{text} is a wildcard (inverse) mask; the netmask it stands for is "
                           f"{_dotted(_mask_int(prefix))}, that is /{prefix}.")
    raise AddressError(f"{text} is not a valid netmask because its 1-bits have gaps; a netmask "
                       f"is ones then zeros, like 255.255.255.0 (/24) or 255.255.255.192 (/26).")


def parse_prefix(value: Any) -> int:
    """A prefix length 0-32 from 24, '24', '/24' or a netmask like '255.255.255.0'."""
    if isinstance(value, bool):
        raise AddressError(f"{value!r} is not a prefix; give the number of network bits, like 24.")
    if isinstance(value, int):
        if value < 0:
            raise AddressError(f"Prefix /{value} is negative; a prefix counts network bits, from "
                               f"/0 to /32.")
        if value > 32:
            raise AddressError(f"Prefix /{value} is over 32; an IPv4 address has 32 bits, so the "
                               f"prefix goes from /0 to /32.")
        return value
    if isinstance(value, IPAddress):
        if value.version != 4:
            raise AddressError(f"{value} is an IPv6 address, not an IPv4 netmask; write a mask "
                               f"like {EXAMPLE_MASK}.")
        return _prefix_from_mask(int(value), str(value))
    if value is None or (isinstance(value, str) and not value.strip()):
        raise AddressError("The prefix is empty; write the number of network bits, like /24, "
                           "or a netmask like 255.255.255.0.")
    if not isinstance(value, str):
        raise AddressError(f"{value!r} is {_kind(value)}; give the prefix as a whole number like "
                           f"24 or a netmask like '{EXAMPLE_MASK}'.")
    text = value.strip()
    bare = text[1:].strip() if text.startswith("/") else text
    if _DIGITS.fullmatch(bare):
        return parse_prefix(int(bare))
    if _NEGATIVE.fullmatch(bare):
        return parse_prefix(int(bare))
    if "." in bare:
        return _prefix_from_mask(_octets(bare, "netmask", EXAMPLE_MASK), bare)
    raise AddressError(f"{_shown(text)} is not a prefix; write the number of network bits "
                       f"(0-32), like /24, or a netmask like 255.255.255.0.")


def parse_address(value: Any) -> IPAddress:
    """One IPv4 address (no prefix) as a netaddr IPAddress."""
    if isinstance(value, IPAddress):
        if value.version != 4:
            raise AddressError(f"{value} is an IPv6 address; this works with IPv4, written like "
                               f"{EXAMPLE_ADDRESS}.")
        return value
    if isinstance(value, IPNetwork):
        raise AddressError(f"{value} is a network; give a single address here, like "
                           f"{EXAMPLE_ADDRESS}.")
    text = _text(value, "address", EXAMPLE_ADDRESS)
    if "/" in text:
        _ipv6_check(text, "address", EXAMPLE_ADDRESS)
        raise AddressError(f"{_shown(text)} has a prefix; give the address alone, like "
                           f"{EXAMPLE_ADDRESS}, and the prefix separately.")
    return IPAddress(_octets(text), 4)


def parse_interface(value: Any) -> IPNetwork:
    """An address with its prefix, like '10.0.1.77/26'; host bits may be set (``.ip`` keeps them).

    Accepts a netaddr IPNetwork as well. The prefix may be a netmask: '10.0.1.77/255.255.255.192'.
    """
    if isinstance(value, IPNetwork):
        if value.version != 4:
            raise AddressError(f"{value} is an IPv6 network; this works with IPv4, written like "
                               f"{EXAMPLE_NETWORK}.")
        return IPNetwork((int(value.ip), value.prefixlen))
    if isinstance(value, IPAddress):
        raise AddressError(f"{value} has no prefix; add the number of network bits after a "
                           f"slash, like {value}/24.")
    text = _text(value, "address with prefix", EXAMPLE_INTERFACE)
    _ipv6_check(text, "address with prefix", EXAMPLE_INTERFACE)
    if "/" not in text:
        words = text.split()
        if len(words) == 2 and "." in words[1]:
            raise AddressError(f"{_shown(text)} has a space before the mask; put a slash there "
                               f"instead, like {words[0]}/{words[1]} or {words[0]}/24.")
        _octets(text)  # a broken address is the first thing to fix
        raise AddressError(f"{_shown(text)} has no prefix; add the number of network bits after "
                           f"a slash, like {text}/24.")
    address_text, _, prefix_text = text.partition("/")
    if "/" in prefix_text:
        raise AddressError(f"{_shown(text)} has more than one slash; write one address and one "
                           f"prefix, like {EXAMPLE_NETWORK}.")
    address_text, prefix_text = address_text.strip(), prefix_text.strip()
    if not address_text:
        raise AddressError(f"{_shown(text)} has nothing before the slash; write an address "
                           f"first, like {EXAMPLE_NETWORK}.")
    address = _octets(address_text)
    if not prefix_text:
        raise AddressError(f"{_shown(text)} has nothing after the slash; add the number of "
                           f"network bits, like {address_text}/24.")
    return IPNetwork((address, parse_prefix(prefix_text)))


def parse_network(value: Any, strict: bool = True) -> IPNetwork:
    """A network in CIDR form, like '10.0.1.64/26', as a netaddr IPNetwork.

    With ``strict`` (the default) an address whose host bits are set ('10.0.1.77/26') is refused
    with the network it belongs to; ``strict=False`` quietly returns that network instead.
    """
    interface = parse_interface(value)
    network = interface.cidr
    if strict and interface.ip != network.ip:
        shown = value if isinstance(value, str) else str(interface)
        raise AddressError(f"{_shown(shown.strip())} has host bits set, so it is an address inside "
                           f"a network rather than a network; the network you mean is {network}.")
    return network


def _check_cloud(cloud: Any) -> str | None:
    if cloud is None:
        return None
    if isinstance(cloud, str) and cloud.strip().lower() == "aws":
        return "aws"
    raise AddressError(f"cloud={cloud!r} is not known; use cloud='aws' or leave it out.")


def _check_aws_size(network: IPNetwork) -> None:
    prefix = network.prefixlen
    if prefix > AWS_MAX_PREFIX:
        raise AddressError(f"{network} is a /{prefix}, smaller than AWS allows; AWS VPCs and "
                           f"subnets are /{AWS_MIN_PREFIX} to /{AWS_MAX_PREFIX}, so use a /28 "
                           f"(16 addresses, 11 usable) or larger.")
    if prefix < AWS_MIN_PREFIX:
        raise AddressError(f"{network} is a /{prefix}, larger than AWS allows; AWS VPCs and "
                           f"subnets are /{AWS_MIN_PREFIX} to /{AWS_MAX_PREFIX}, so use a /16 "
                           f"(65,536 addresses) or a longer prefix.")


# ---------------------------------------------------------------------------- facts about addresses

def address_scope(address: Any) -> str:
    """Where an address may be used: private, public, loopback, link-local, shared, multicast,
    reserved or documentation (see ``SPECIAL_BLOCKS``)."""
    return _scope_and_block(parse_address(address))[0]


def _scope_and_block(address: IPAddress) -> tuple[str, str | None]:
    value = int(address)
    for block, scope in _SPECIAL:
        if block.first <= value <= block.last:
            return scope, str(block)
    return "public", None


def address_class(address: Any) -> str:
    """The historic class of an address, 'A' to 'E', from its first octet."""
    return _class_row(parse_address(address))[0]


def _class_row(address: IPAddress) -> tuple:
    first_octet = int(address) >> 24
    for row in CLASSES:
        if row[1] <= first_octet <= row[2]:
            return row
    raise AssertionError("unreachable: every octet 0-255 has a class")


def to_binary(value: Any) -> str:
    """An address or netmask as 32 bits in four dotted groups: '00001010.00000000....'."""
    number = int(parse_address(value))
    bits = f"{number:032b}"
    return ".".join(bits[i:i + 8] for i in range(0, 32, 8))


def usable_hosts(prefix: Any, cloud: str | None = None) -> int:
    """How many addresses of a subnet of this size can go to hosts.

    Plain: size - 2 (network and broadcast), except /31 (2, point-to-point) and /32 (1).
    AWS: size - 5, for /16 to /28 only.
    """
    prefix = parse_prefix(prefix)
    size = 1 << (32 - prefix)
    if _check_cloud(cloud) == "aws":
        _check_aws_size(IPNetwork((0, prefix)))
        return size - len(AWS_RESERVED_ROLES)
    if prefix >= 31:
        return size
    return size - 2


def prefix_for_hosts(hosts: Any, cloud: str | None = None, name: str | None = None) -> int:
    """The longest prefix (smallest subnet) whose usable hosts reach ``hosts``.

    Plain mode never goes below /30, AWS mode never below /28 (see the module notes).
    """
    cloud = _check_cloud(cloud)
    label = f"hosts for {name!r}" if name is not None else "hosts"
    hosts = _whole_number(hosts, label, minimum=1)
    smallest, largest = (AWS_MAX_PREFIX, AWS_MIN_PREFIX) if cloud == "aws" else (SMALLEST_LAN_PREFIX, 0)
    for prefix in range(smallest, largest - 1, -1):
        if usable_hosts(prefix, cloud) >= hosts:
            return prefix
    who = f"{name!r} needs" if name is not None else "You asked for"
    if cloud == "aws":
        raise AddressError(f"{who} {hosts:,} hosts, more than the largest AWS subnet holds "
                           f"(/16, 65,531 usable); spread them over several subnets.")
    raise AddressError(f"{who} {hosts:,} hosts, more than all of IPv4 holds (4,294,967,294 "
                       f"usable); ask for fewer.")


def _whole_number(value: Any, label: str, minimum: int, example: int = 50) -> int:
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise AddressError(f"The {label} must be a whole number, like {example}; got {value!r}.")
    if value < minimum:
        raise AddressError(f"The {label} must be at least {minimum}; got {value}.")
    return value


# ---------------------------------------------------------------------------- describe

FIELD_LABELS = {  # field -> label, in the order tables show them
    "address": "Address",
    "network": "Network",
    "netmask": "Netmask",
    "wildcard": "Wildcard mask",
    "broadcast": "Broadcast",
    "first_host": "First usable host",
    "last_host": "Last usable host",
    "num_addresses": "Addresses",
    "usable_hosts": "Usable hosts",
    "reserved": "Reserved",
    "address_class": "Class",
    "scope": "Scope",
}


class Description(dict):
    """The dict ``describe()`` returns, which also prints itself as a two-column table."""

    def rows(self) -> list[tuple[str, str, str]]:
        """(field, label, value as text) for every row a table shows."""
        shown = []
        for field, label in FIELD_LABELS.items():
            value = self[field]
            if field == "netmask":
                text = f"{value}  (/{self['prefixlen']})"
            elif field == "broadcast" and value is None:
                text = f"none (a /{self['prefixlen']} has no broadcast address)"
            elif field in ("num_addresses", "usable_hosts"):
                text = f"{value:,}"
            elif field == "reserved":
                label = "Reserved by AWS" if self.get("cloud") == "aws" else label
                text = ", ".join(f"{address} ({role})" for address, role in value) or "none"
            elif field == "address_class":
                text = value + (f" (default mask /{self['classful_prefix']})" if self["classful_prefix"]
                                else " (multicast)" if value == "D" else " (reserved)")
            elif field == "scope":
                text = value + (f" ({self['scope_block']})" if self["scope_block"] else "")
            else:
                text = str(value)
            shown.append((field, label, text))
        shown.append(("binary.address", "Address in binary", self["binary"]["address"]))
        shown.append(("binary.netmask", "Netmask in binary", self["binary"]["netmask"]))
        return shown

    def __repr__(self) -> str:
        rows = self.rows()
        width = max(len(label) for _, label, _ in rows)
        title = f"{self['address']}/{self['prefixlen']}" + ("  (AWS subnet)" if self.get("cloud") else "")
        return "\n".join([title] + [f"  {label:<{width}}  {text}" for _, label, text in rows])

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))

    def _repr_html_(self) -> str:
        import html

        body = "".join(f"<tr data-field='{field}'><th style='text-align:left'>{html.escape(label)}</th>"
                       f"<td style='text-align:left;font-family:monospace'>{html.escape(text)}</td></tr>"
                       for field, label, text in self.rows())
        return f"<table class='cidr-table'>{body}</table>"


def describe(text: Any, cloud: str | None = None) -> Description:
    """Everything about an address with prefix ('10.0.1.77/26') or a network ('10.0.1.64/26').

    Keys: address, network (CIDR), network_address, prefixlen, netmask, wildcard, broadcast (None
    for /31 and /32), first_host, last_host, num_addresses, usable_hosts, reserved (a list of
    (address, role)), address_class ('A'-'E'), classful_prefix (8/16/24 or None), scope,
    scope_block (the special block the address is in, or None), binary (address, netmask and
    network as dotted bits) and cloud. ``cloud='aws'`` reserves AWS's 5 addresses and accepts
    only /16 to /28.
    """
    cloud = _check_cloud(cloud)
    interface = parse_interface(text)
    prefix = interface.prefixlen
    if cloud == "aws":
        _check_aws_size(interface)
    address = int(interface.ip)
    mask = _mask_int(prefix)
    first = address & mask
    last = first | (~mask & ALL_ONES)
    size = last - first + 1
    if cloud == "aws":
        reserved = [(_dotted(first + i), role) for i, role in enumerate(AWS_RESERVED_ROLES[:4])]
        reserved.append((_dotted(last), AWS_RESERVED_ROLES[4]))
        first_host, last_host = first + 4, last - 1
    elif prefix >= 31:  # point-to-point link or single host: every address is usable
        reserved = []
        first_host, last_host = first, last
    else:
        reserved = [(_dotted(first), "network address"), (_dotted(last), "broadcast address")]
        first_host, last_host = first + 1, last - 1
    scope, block = _scope_and_block(interface.ip)
    klass = _class_row(interface.ip)
    return Description(
        address=_dotted(address),
        network=f"{_dotted(first)}/{prefix}",
        network_address=_dotted(first),
        prefixlen=prefix,
        netmask=_dotted(mask),
        wildcard=_dotted(~mask & ALL_ONES),
        broadcast=None if prefix >= 31 else _dotted(last),
        first_host=_dotted(first_host),
        last_host=_dotted(last_host),
        num_addresses=size,
        usable_hosts=size - len(reserved),
        reserved=reserved,
        address_class=klass[0],
        classful_prefix=klass[3],
        scope=scope,
        scope_block=block,
        binary={"address": to_binary(IPAddress(address, 4)),
                "netmask": to_binary(IPAddress(mask, 4)),
                "network": to_binary(IPAddress(first, 4))},
        cloud=cloud,
    )


def bit_rows(text: Any) -> dict:
    """The mask-as-AND picture as data: three rows of 32 bits and where the network part ends.

    ``{"prefixlen": 26, "rows": [("address", "10.0.1.77", "0000101000..."), ("netmask", ...),
    ("network", "10.0.1.64", ...)]}``: network = address AND netmask, bit by bit.
    """
    interface = parse_interface(text)
    address = int(interface.ip)
    mask = _mask_int(interface.prefixlen)
    rows = [(label, _dotted(value), f"{value:032b}")
            for label, value in (("address", address), ("netmask", mask), ("network", address & mask))]
    return {"prefixlen": interface.prefixlen, "rows": rows}


def same_subnet(a: Any, b: Any, prefix_or_mask: Any) -> bool:
    """Whether two addresses fall in the same subnet of the given prefix (24, '/24' or a mask)."""
    first, second = int(parse_address(a)), int(parse_address(b))
    mask = _mask_int(parse_prefix(prefix_or_mask))
    return first & mask == second & mask


def overlaps(a: Any, b: Any) -> bool:
    """Whether two networks share at least one address (one inside the other counts)."""
    first, second = parse_network(a), parse_network(b)
    return first.first <= second.last and second.first <= first.last


# ---------------------------------------------------------------------------- splitting

@dataclass(frozen=True)
class Split:
    """A network cut into equal subnets, computed on demand: nothing is built until asked for.

    ``len(s)`` subnets; ``s[i]`` (negative too) and slices; iteration; ``s.page(n)`` for the n-th
    page of ``PAGE_SIZE``; ``s.rows(page)`` as table rows; ``s.spare`` when parts were rounded up.
    """

    parent: IPNetwork
    new_prefix: int
    requested: int | None = None  # parts asked for, when split by parts
    cloud: str | None = None
    PAGE_SIZE = 16

    @property
    def count(self) -> int:
        return 1 << (self.new_prefix - self.parent.prefixlen)

    @property
    def borrowed_bits(self) -> int:
        return self.new_prefix - self.parent.prefixlen

    @property
    def subnet_size(self) -> int:
        return 1 << (32 - self.new_prefix)

    @property
    def spare(self) -> int:
        return self.count - self.requested if self.requested else 0

    @property
    def netmask(self) -> str:
        return _dotted(_mask_int(self.new_prefix))

    @property
    def usable_hosts(self) -> int:
        return usable_hosts(self.new_prefix, self.cloud)

    def __len__(self) -> int:
        return self.count

    def _subnet(self, index: int) -> IPNetwork:
        return IPNetwork((self.parent.first + index * self.subnet_size, self.new_prefix))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._subnet(i) for i in range(*index.indices(self.count))]
        if isinstance(index, bool) or not isinstance(index, int):
            raise AddressError(f"{index!r} is not a subnet number; use a whole number from 0 to "
                               f"{self.count - 1:,}, like split(...)[0].")
        if index < 0:
            index += self.count
        if not 0 <= index < self.count:
            raise NoSuchSubnet(f"subnet {index:,} does not exist; there are {self.count:,}, numbered 0 to "
                               f"{self.count - 1:,}.")
        return self._subnet(index)

    def __iter__(self) -> Iterator[IPNetwork]:
        return (self._subnet(i) for i in range(self.count))

    def __contains__(self, item: Any) -> bool:
        try:
            network = parse_network(item)
        except AddressError:
            return False
        return (network.prefixlen == self.new_prefix
                and self.parent.first <= network.first <= self.parent.last)

    def pages(self, size: int = PAGE_SIZE) -> int:
        """How many pages of ``size`` subnets there are."""
        return -(-self.count // _whole_number(size, "page size", minimum=1, example=16))

    def page(self, number: int = 0, size: int = PAGE_SIZE) -> list[IPNetwork]:
        """The subnets on page ``number`` (from 0), ``size`` to a page; only these are built."""
        size = _whole_number(size, "page size", minimum=1, example=16)
        pages = self.pages(size)
        number = _whole_number(number, "page number", minimum=0, example=0)
        if number >= pages:
            raise AddressError(f"Page {number} does not exist; with {size} subnets a page there "
                               f"are {pages:,} pages, numbered 0 to {pages - 1:,}.")
        start = number * size
        return [self._subnet(i) for i in range(start, min(start + size, self.count))]

    def rows(self, page: int = 0, size: int = PAGE_SIZE) -> list[dict]:
        """Table rows for one page: index, network, first and last usable host, usable hosts."""
        page = _whole_number(page, "page number", minimum=0, example=0)
        start = page * _whole_number(size, "page size", minimum=1, example=16)
        rows = []
        for offset, network in enumerate(self.page(page, size)):
            info = describe(network, cloud=self.cloud)
            rows.append({"index": start + offset, "network": info["network"],
                         "first_host": info["first_host"], "last_host": info["last_host"],
                         "broadcast": info["broadcast"], "usable_hosts": info["usable_hosts"]})
        return rows

    def summary(self) -> str:
        """One sentence: how many subnets of what size, and how many are spare."""
        each = "address" if self.subnet_size == 1 else "addresses"
        text = (f"{self.parent} splits into {self.count:,} subnet{'s' if self.count != 1 else ''} "
                f"of /{self.new_prefix} (mask {self.netmask}, {self.subnet_size:,} {each}, "
                f"{self.usable_hosts:,} usable{' in AWS' if self.cloud else ''} each)")
        if self.requested and self.spare:
            text += (f"; you asked for {self.requested:,}, and subnets come in powers of two, so "
                     f"{self.spare:,} {'is' if self.spare == 1 else 'are'} spare")
        return text + "."

    def __repr__(self) -> str:
        lines = [self.summary()]
        shown = self.page(0)
        lines += [f"  {i:>5}  {network}" for i, network in enumerate(shown)]
        if self.count > len(shown):
            lines.append(f"  ... {self.count - len(shown):,} more: .page(1) to .page({self.pages() - 1:,})")
        return "\n".join(lines)


def split(cidr: Any, parts: Any = None, new_prefix: Any = None, *, cloud: str | None = None) -> Split:
    """Cut a network into equal subnets, by number of ``parts`` or by ``new_prefix``.

    Parts round up to a power of two: 10 parts of a /24 give 16 subnets of /28 and ``spare == 6``.
    The result is lazy: splitting a /8 into /24s builds no subnet until one is asked for.
    ``cloud='aws'`` keeps the subnets within AWS's /16 to /28.
    """
    cloud = _check_cloud(cloud)
    parent = parse_network(cidr)
    if (parts is None) == (new_prefix is None):
        raise AddressError("Give split() either parts= (how many pieces) or new_prefix= (their "
                           "prefix length), not both and not neither.")
    if parts is not None:
        parts = _whole_number(parts, "number of parts", minimum=1, example=4)
        bits = (parts - 1).bit_length()  # bits borrowed from the host part: 2**bits >= parts
        prefix = parent.prefixlen + bits
        if prefix > 32:
            raise AddressError(f"{parent} has {parent.size:,} addresses, so it cannot be split "
                               f"into {parts:,} parts; ask for at most {parent.size:,}.")
    else:
        prefix = parse_prefix(new_prefix)
        if prefix < parent.prefixlen:
            raise AddressError(f"/{prefix} is shorter than {parent}'s own /{parent.prefixlen}, so "
                               f"each piece would be bigger than the whole; choose a prefix from "
                               f"/{parent.prefixlen} to /32.")
    if cloud == "aws":
        _check_aws_size(parent)
        if prefix > AWS_MAX_PREFIX:
            most = 1 << (AWS_MAX_PREFIX - parent.prefixlen)
            raise AddressError(f"Those pieces would be /{prefix}, smaller than the /28 AWS "
                               f"allows; split {parent} into at most {most:,} parts.")
    return Split(parent, prefix, parts, cloud)


class SplitTree:
    """A network divided unevenly by repeated halving, like a visual subnet calculator.

    ``leaves`` are the current subnets, in address order, tiling the parent exactly. ``split(leaf)``
    halves one; ``join(leaf)`` merges a leaf with its other half (and whatever that half was cut
    into). Both return a new tree; the tree itself never changes.
    """

    MAX_LEAVES = 128  # more rows than this is a listing, not a picture: use split().page()

    def __init__(self, parent: Any, leaves: Iterable[Any] | None = None, cloud: str | None = None):
        self.cloud = _check_cloud(cloud)
        self.parent = parse_network(parent)
        if self.cloud == "aws":
            _check_aws_size(self.parent)
        found = sorted(parse_network(leaf) for leaf in leaves) if leaves is not None else [self.parent]
        self.leaves: tuple[IPNetwork, ...] = tuple(found)
        self._check_tiling()
        if self.cloud == "aws":
            for leaf in self.leaves:
                _check_aws_size(leaf)

    def _check_tiling(self) -> None:
        expected = self.parent.first
        for leaf in self.leaves:
            if leaf.first != expected or leaf.last > self.parent.last:
                raise AddressError(f"The subnets must cover {self.parent} exactly, without gaps or "
                                   f"overlaps; {leaf} does not fit where it is.")
            expected = leaf.last + 1
        if expected != self.parent.last + 1:
            raise AddressError(f"The subnets must cover {self.parent} exactly; addresses from "
                               f"{_dotted(expected)} on are missing.")

    @classmethod
    def even(cls, parent: Any, parts: Any = None, new_prefix: Any = None,
             cloud: str | None = None) -> "SplitTree":
        """A tree whose leaves are an even split (same arguments as ``split``)."""
        plan = split(parent, parts=parts, new_prefix=new_prefix, cloud=cloud)
        if plan.count > cls.MAX_LEAVES:
            raise AddressError(f"That gives {plan.count:,} subnets, too many for the tree "
                               f"({cls.MAX_LEAVES} at most); list them a page at a time with "
                               f"split('{plan.parent}', new_prefix={plan.new_prefix}).page(0).")
        return cls(plan.parent, list(plan), cloud)

    def _leaf(self, value: Any) -> IPNetwork:
        network = parse_network(value)
        if network not in self.leaves:  # netaddr compares networks by their first and last address
            raise AddressError(f"{network} is not one of the current subnets; pick one of "
                               f"{', '.join(str(leaf) for leaf in self.leaves[:4])}"
                               f"{', ...' if len(self.leaves) > 4 else ''}.")
        return network

    def can_split(self, leaf: Any) -> bool:
        network = self._leaf(leaf)
        smallest = AWS_MAX_PREFIX if self.cloud == "aws" else 32
        return network.prefixlen < smallest and len(self.leaves) < self.MAX_LEAVES

    def can_join(self, leaf: Any) -> bool:
        return self._leaf(leaf).prefixlen > self.parent.prefixlen

    def split(self, leaf: Any) -> "SplitTree":
        """A new tree with ``leaf`` cut in two halves."""
        network = self._leaf(leaf)
        if not self.can_split(network):
            if len(self.leaves) >= self.MAX_LEAVES:
                raise AddressError(f"The tree already has {len(self.leaves)} subnets, the most it "
                                   f"shows; join some first, or list an even split with split().")
            if self.cloud == "aws":
                raise AddressError(f"{network} is already a /28, the smallest subnet AWS allows; "
                                   f"split a larger one.")
            raise AddressError(f"{network} is a single address and cannot be split; split a "
                               f"larger subnet.")
        halves = list(network.subnet(network.prefixlen + 1))
        leaves = [leaf for leaf in self.leaves if leaf != network] + halves
        return SplitTree(self.parent, leaves, self.cloud)

    def join(self, leaf: Any) -> "SplitTree":
        """A new tree where ``leaf`` and its other half become one subnet again."""
        network = self._leaf(leaf)
        if not self.can_join(network):
            raise AddressError(f"{network} is the whole network; there is nothing to join it "
                               f"with, so split it first.")
        whole = network.supernet(network.prefixlen - 1)[0]
        leaves = [leaf for leaf in self.leaves if not whole.first <= leaf.first <= whole.last]
        return SplitTree(self.parent, leaves + [whole], self.cloud)

    def rows(self) -> list[dict]:
        """One row per leaf: network, netmask, range, addresses, usable hosts, depth, buttons."""
        rows = []
        for leaf in self.leaves:
            info = describe(leaf, cloud=self.cloud)
            rows.append({
                "network": info["network"], "netmask": info["netmask"],
                "first_host": info["first_host"], "last_host": info["last_host"],
                "range": f"{_dotted(leaf.first)} - {_dotted(leaf.last)}",
                "num_addresses": info["num_addresses"], "usable_hosts": info["usable_hosts"],
                "depth": leaf.prefixlen - self.parent.prefixlen,
                "can_split": self.can_split(leaf), "can_join": self.can_join(leaf),
            })
        return rows

    def nodes(self) -> list[tuple[IPNetwork, int, bool]]:
        """Every block of the tree, parent first, as (network, depth, is_leaf), for drawing."""
        leaves = set(self.leaves)
        found = []

        def walk(block: IPNetwork, depth: int) -> None:
            is_leaf = block in leaves
            found.append((block, depth, is_leaf))
            if not is_leaf:
                for half in block.subnet(block.prefixlen + 1):
                    walk(half, depth + 1)

        walk(self.parent, 0)
        return found

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, SplitTree) and self.parent == other.parent
                and self.cloud == other.cloud
                and [str(n) for n in self.leaves] == [str(n) for n in other.leaves])

    def __repr__(self) -> str:
        lines = [f"{self.parent} in {len(self.leaves)} subnet{'s' if len(self.leaves) != 1 else ''}"
                 + (" (AWS: 5 reserved in each)" if self.cloud else "")]
        for row in self.rows():
            lines.append(f"  {'  ' * row['depth']}{row['network']:<18}  {row['usable_hosts']:>10,} usable")
        return "\n".join(lines)


# ---------------------------------------------------------------------------- VLSM

@dataclass(frozen=True)
class PlannedSubnet:
    """One subnet of a VLSM plan: who it is for, how many hosts it needs, and what it got."""

    name: str
    hosts: int
    network: IPNetwork
    usable_hosts: int
    first_host: IPAddress
    last_host: IPAddress

    @property
    def prefixlen(self) -> int:
        return self.network.prefixlen

    @property
    def size(self) -> int:
        return self.network.size

    @property
    def spare_hosts(self) -> int:
        return self.usable_hosts - self.hosts


@dataclass(frozen=True)
class Plan:
    """The result of ``plan_vlsm``: subnets largest first, and the free space left over."""

    parent: IPNetwork
    subnets: tuple[PlannedSubnet, ...]
    free: tuple[IPNetwork, ...]
    cloud: str | None = None

    @property
    def used_addresses(self) -> int:
        return sum(s.size for s in self.subnets)

    @property
    def free_addresses(self) -> int:
        return self.parent.size - self.used_addresses

    def __getitem__(self, name: str) -> PlannedSubnet:
        for subnet in self.subnets:
            if subnet.name == name:
                return subnet
        raise KeyError(name)

    def rows(self) -> list[dict]:
        """Table rows as text and numbers, in allocation order."""
        return [{"name": s.name, "hosts": s.hosts, "network": str(s.network),
                 "netmask": _dotted(_mask_int(s.prefixlen)),
                 "range": f"{s.first_host} - {s.last_host}", "usable_hosts": s.usable_hosts,
                 "spare_hosts": s.spare_hosts} for s in self.subnets]

    def segments(self) -> list[tuple[int, int, str, str]]:
        """The address space as (offset from the parent's start, size, label, kind) in address
        order; kind is 'subnet' or 'free'. The sizes add up to the parent's size."""
        parts = [(s.network.first - self.parent.first, s.size, s.name, "subnet") for s in self.subnets]
        parts += [(n.first - self.parent.first, n.size, str(n), "free") for n in self.free]
        return sorted(parts)

    def summary(self) -> str:
        used = self.used_addresses
        return (f"{self.parent}: {len(self.subnets)} subnet{'s' if len(self.subnets) != 1 else ''} "
                f"use {used:,} of {self.parent.size:,} addresses ({used / self.parent.size:.0%}); "
                f"{self.free_addresses:,} free" + (" (AWS: 5 reserved per subnet)." if self.cloud else "."))

    def __repr__(self) -> str:
        head = ("name", "hosts", "subnet", "usable", "spare", "first host - last host")
        rows = [(r["name"], f"{r['hosts']:,}", r["network"], f"{r['usable_hosts']:,}",
                 f"{r['spare_hosts']:,}", r["range"]) for r in self.rows()]
        widths = [max(len(str(x)) for x in column) for column in zip(head, *rows)]
        lines = [self.summary(), "  " + "  ".join(h.ljust(w) for h, w in zip(head, widths))]
        lines += ["  " + "  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in rows]
        if self.free:
            lines.append("  free: " + ", ".join(str(n) for n in self.free))
        return "\n".join(line.rstrip() for line in lines)

    def _repr_html_(self) -> str:
        import html

        head = "".join(f"<th>{h}</th>" for h in ("Name", "Hosts", "Subnet", "Usable", "Spare", "Range"))
        body = "".join(
            f"<tr><td>{html.escape(r['name'])}</td><td>{r['hosts']:,}</td><td><code>{r['network']}</code></td>"
            f"<td>{r['usable_hosts']:,}</td><td>{r['spare_hosts']:,}</td><td>{r['range']}</td></tr>"
            for r in self.rows())
        free = ", ".join(str(n) for n in self.free) or "none"
        return (f"<p>{html.escape(self.summary())}</p><table class='vlsm-plan'><tr>{head}</tr>{body}</table>"
                f"<p>Free: <code>{free}</code></p>")


def _needs(needs: Any) -> list[tuple[str, int]]:
    """(name, hosts) pairs from a dict or a list of pairs, checked."""
    if isinstance(needs, Mapping):
        items = list(needs.items())
    elif isinstance(needs, (list, tuple)):
        items = list(needs)
        for item in items:
            if not isinstance(item, (list, tuple)) or len(item) != 2:
                raise AddressError(f"{item!r} is not a (name, hosts) pair; give the needs as a "
                                   f"dict like {{'web': 50, 'db': 10}}.")
    else:
        raise AddressError(f"The needs must be a dict of name to host count, like "
                           f"{{'web': 50, 'db': 10}}; got {type(needs).__name__}.")
    if not items:
        raise AddressError("The plan has no subnets; give at least one name and its host count, "
                           "like {'web': 50}.")
    checked, seen = [], set()
    for name, hosts in items:
        if not isinstance(name, str) or not name.strip():
            raise AddressError(f"Each subnet needs a name in text, like 'web'; got {name!r}.")
        name = name.strip()
        if name in seen:
            raise AddressError(f"The name {name!r} appears twice; give each subnet its own name.")
        seen.add(name)
        checked.append((name, _whole_number(hosts, f"host count of {name!r}", minimum=1)))
    return checked


def plan_vlsm(cidr: Any, needs: Any, cloud: str | None = None) -> Plan:
    """Give each named group of hosts the smallest subnet that fits, largest first, inside ``cidr``.

    ``needs`` maps a name to the number of hosts it needs (a dict, or a list of (name, hosts)).
    Blocks are placed one after the other from the start of the parent, biggest first, so each is
    aligned on its own size and none overlap; ties keep the order given. When they do not fit, the
    error says how many addresses are missing and the smallest parent that would do.
    """
    cloud = _check_cloud(cloud)
    parent = parse_network(cidr)
    if cloud == "aws":
        _check_aws_size(parent)
    wanted = [(name, hosts, prefix_for_hosts(hosts, cloud, name=name)) for name, hosts in _needs(needs)]
    wanted.sort(key=lambda item: -item[1])  # stable: equal host counts keep the given order
    total = sum(1 << (32 - prefix) for _, _, prefix in wanted)
    if total > parent.size:
        fits = 32 - (total - 1).bit_length()  # the longest prefix whose block holds `total`
        if cloud == "aws":
            hint = (f"use a /{fits} or larger VPC" if fits >= AWS_MIN_PREFIX
                    else "spread them over several VPCs, since one VPC is at most a /16")
        else:
            hint = f"use a /{fits} or larger parent" if fits >= 0 else "that is more than all of IPv4"
        raise AddressError(f"The plan needs {total:,} addresses but {parent} has {parent.size:,}, "
                           f"{total - parent.size:,} short; {hint}, or ask for fewer hosts.")
    subnets, start = [], parent.first
    for name, hosts, prefix in wanted:
        network = IPNetwork((start, prefix))
        info = describe(network, cloud=cloud)
        subnets.append(PlannedSubnet(name, hosts, network, info["usable_hosts"],
                                     IPAddress(info["first_host"]), IPAddress(info["last_host"])))
        start += network.size
    remaining = IPSet([parent])
    for subnet in subnets:
        remaining.remove(subnet.network)
    free = tuple(remaining.iter_cidrs())
    return Plan(parent, tuple(subnets), free, cloud)


# ---------------------------------------------------------------------------- summarising

def _networks(cidrs: Any, what: str) -> list[IPNetwork]:
    if isinstance(cidrs, str):
        cidrs = [item for item in re.split(r"[,\s]+", cidrs) if item]
    if isinstance(cidrs, IPNetwork):
        cidrs = [cidrs]
    try:
        items = list(cidrs)
    except TypeError:
        raise AddressError(f"{what}() takes a list of networks, like ['10.0.0.0/24', "
                           f"'10.0.1.0/24']; got {type(cidrs).__name__}.") from None
    if not items:
        raise AddressError(f"{what}() needs at least one network, like ['10.0.0.0/24', "
                           f"'10.0.1.0/24'].")
    return [parse_network(item) for item in items]


def summarize(cidrs: Any) -> list[IPNetwork]:
    """The fewest networks that cover exactly the given ones (route summarisation, no extras).

    ``summarize(['10.0.0.0/24', '10.0.1.0/24']) == [IPNetwork('10.0.0.0/23')]``; networks that
    cannot merge stay apart, and duplicates or networks inside others disappear.
    """
    return cidr_merge(_networks(cidrs, "summarize"))


def common_supernet(cidrs: Any) -> IPNetwork:
    """The smallest single network that contains all the given ones (it may cover extra space)."""
    networks = _networks(cidrs, "common_supernet")
    first = min(n.first for n in networks)
    last = max(n.last for n in networks)
    prefix = 32 - (first ^ last).bit_length()  # the bits where the first and last address agree
    return IPNetwork((first, prefix)).cidr
