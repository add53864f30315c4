"""Exercises of lesson 03 (IP addresses and subnetting).

Each right answer here is also checked against the standard library's ``ipaddress`` in
tests/test_addressing_ui.py, so a typo in an answer cannot slip through.
"""
from __future__ import annotations

from typing import Any

from helpers.checks import (AnswerFormatError, Exercise, MultipleChoice, cidr, ip_address, number,
                            set_of, yes_no)


def octet_bits(value: Any) -> str:
    """Eight (or so) 0/1 characters typed by a learner; spaces and underscores are ignored."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise AnswerFormatError("Answer with the bits in quotes, like '10101010'.")
    bits = value.replace(" ", "").replace("_", "").replace(".", "")
    if not bits or set(bits) - {"0", "1"}:
        raise AnswerFormatError(f"Answer with 0s and 1s only, like '10101010'; got {value!r}.")
    return bits


def prefix_length(value: Any) -> int:
    """A prefix length such as 27 or '/27'."""
    if isinstance(value, str):
        value = value.strip().lstrip("/")
    result = number(value)
    if not isinstance(result, int) or not 0 <= result <= 32:
        raise AnswerFormatError(f"Answer with a prefix length from 0 to 32, like 24 or '/24'; got {value!r}.")
    return result


# ---------------------------------------------------------------------------- ip.public-private
PRIVATE_CANDIDATES = ("10.20.30.40", "172.32.1.1", "172.20.1.1", "192.169.1.1", "192.168.0.10", "8.8.8.8")

private_addresses = Exercise(
    "Which of these are private (RFC 1918) addresses? " + ", ".join(PRIVATE_CANDIDATES),
    answer=["10.20.30.40", "172.20.1.1", "192.168.0.10"],
    normalize=set_of(ip_address),
    hints=[
        (["10.20.30.40", "192.168.0.10"],
         "Almost: 172.20.1.1 is private too, because 172.16.0.0/12 runs from 172.16.0.0 to 172.31.255.255."),
        (lambda s: "172.32.1.1" in s,
         "172.32.1.1 is public: the private block 172.16.0.0/12 ends at 172.31.255.255."),
        (lambda s: "192.169.1.1" in s, "Only 192.168.x.x is private; 192.169.1.1 is an ordinary public address."),
        (lambda s: "8.8.8.8" in s, "8.8.8.8 is public (a well-known DNS server on the internet)."),
        (lambda s: "172.20.1.1" not in s, "172.20.1.1 is inside 172.16.0.0/12 (172.16 to 172.31), so it is private."),
    ],
    hint="The private blocks are 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16; check each address against them.",
    explain="10/8, 172.16/12 (172.16-172.31) and 192.168/16 are private; the internet does not route them.",
)

# ---------------------------------------------------------------------------- ip.binary
binary_192 = Exercise(
    "Write the octet 192 as 8 bits.",
    answer="11000000",
    normalize=octet_bits,
    hints=[
        ("00000011", "Those are the right bits in the wrong order: the leftmost bit is worth 128."),
        ("1100000", "That is 7 bits (it reads as 96); an octet always has 8, so 192 = 128 + 64 is 11000000."),
        ("11100000", "That is 224 (128 + 64 + 32); 192 is only 128 + 64."),
        ("10000000", "That is 128 alone; 192 also needs the 64 bit."),
        (lambda bits: len(bits) != 8, "An octet has exactly 8 bits, worth 128 64 32 16 8 4 2 1 from the left."),
    ],
    hint="Take the place values 128 64 32 16 8 4 2 1 from the left; write 1 for each one you need to reach 192.",
    explain="192 = 128 + 64, so the two leftmost bits are 1: 11000000. It is also the mask octet that cuts a /24 into 4.",
)

# ---------------------------------------------------------------------------- ip.mask-and
network_and = Exercise(
    "What is the network address of 172.16.45.200 with the mask 255.255.240.0?",
    answer="172.16.32.0",
    normalize=ip_address,
    hints=[
        ("172.16.45.0", "That keeps all of the third octet, as 255.255.255.0 would; 240 keeps only the top "
                        "4 bits of 45: 00101101 AND 11110000."),
        ("172.16.0.0", "That zeroes the whole third octet, as 255.255.0.0 would; 240 keeps the top 4 bits of 45."),
        ("172.16.47.255", "That is the broadcast (the last address); the network address is the first."),
        ("172.16.32.1", "That is the first host; the network address is the one before it, with all host bits 0."),
        ("172.16.48.0", "Close: AND only keeps bits, it never rounds up; 45 AND 240 is 32."),
    ],
    hint="Write 45 in binary (00101101), AND it with 240 (11110000) bit by bit, and keep the other octets.",
    explain="45 AND 240 = 00100000 = 32; the last octet ANDed with 0 is 0, so the network is 172.16.32.0.",
)

# ---------------------------------------------------------------------------- ip.cidr
prefix_of_mask = Exercise(
    "255.255.255.224 is the mask of which prefix length?",
    answer=27,
    normalize=prefix_length,
    hints=[
        (24, "24 counts the three 255 octets; 224 (11100000) adds three more 1-bits."),
        (3, "3 is only the 1-bits of the last octet; add the 24 of the three 255 octets."),
        (28, "224 is 11100000: three 1-bits, not four (240 would be /28)."),
        (26, "224 is 11100000: three 1-bits, not two (192 would be /26)."),
    ],
    hint="Count all the 1-bits of the mask: 8 for each 255, plus those of the last octet.",
    explain="8 + 8 + 8 + 3 = 27 one-bits, so 255.255.255.224 is /27.",
)

# ---------------------------------------------------------------------------- ip.classful
classful = MultipleChoice(
    "Before CIDR, which class was 172.16.5.4 in, with which default mask?",
    ["A, 255.0.0.0", "B, 255.255.0.0", "C, 255.255.255.0", "D (multicast), no mask"],
    answer="B, 255.255.0.0",
    hints={"A, 255.0.0.0": "Class A is a first octet of 0-127; 172 is in 128-191.",
           "C, 255.255.255.0": "Class C starts at 192; 172 is in 128-191.",
           "D (multicast), no mask": "Class D starts at 224; 172 is a unicast class B address."},
    explain="A first octet of 128-191 (bits 10...) is class B, whose default mask is /16.",
)

# ---------------------------------------------------------------------------- ip.network-broadcast
broadcast = Exercise(
    "What is the broadcast address of 10.0.1.77/26?",
    answer="10.0.1.127",
    normalize=ip_address,
    hints=[
        ("10.0.1.255", "That is the broadcast of the whole /24; a /26 block has only 64 addresses."),
        ("10.0.1.64", "That is the network address (the first); the broadcast is the last."),
        ("10.0.1.126", "That is the last usable host; the broadcast is one above it."),
        ("10.0.1.63", "That ends the block before: 77 is in the block 64-127."),
    ],
    hint="A /26 block has 64 addresses and starts at a multiple of 64: find the block that holds .77.",
    explain="The /26 blocks are .0, .64, .128, .192; .77 is in .64-.127, so the broadcast is 10.0.1.127.",
)

usable_26 = Exercise(
    "How many hosts can a /26 subnet hold (outside AWS)?",
    answer=62,
    normalize=number,
    hints=[
        (64, "64 is every address; the network and broadcast addresses cannot go to hosts."),
        (63, "Two addresses are kept, not one: the network (first) and the broadcast (last)."),
        (26, "26 is the prefix (network bits); the host bits are 32 - 26 = 6."),
        (59, "That is the AWS count (64 - 5); outside AWS only 2 are kept."),
    ],
    hint="6 host bits give 2**6 addresses; take away the network and the broadcast.",
    explain="2**6 = 64 addresses, minus the network and the broadcast: 62 hosts.",
)

# ---------------------------------------------------------------------------- ip.same-subnet
same_subnet_25 = Exercise(
    "Are 10.0.1.77 and 10.0.1.130 in the same /25 subnet? (True or False)",
    answer=False,
    normalize=yes_no,
    hints=[(True, "A /25 cuts a /24 into .0-.127 and .128-.255; .77 is in the lower half, .130 in the upper.")],
    explain="With mask 255.255.255.128, 77 AND 128 = 0 but 130 AND 128 = 128: two different networks.",
)

# ---------------------------------------------------------------------------- ip.split
split_mask = Exercise(
    "You need 10 equal subnets of 192.168.1.0/24. Which mask gives the fewest pieces that are enough?",
    answer="255.255.255.240",
    normalize=ip_address,
    hints=[
        ("255.255.255.224", "224 borrows 3 bits: 8 pieces, too few for 10."),
        ("255.255.255.192", "192 borrows 2 bits: only 4 pieces."),
        ("255.255.255.248", "248 gives 32 pieces: enough, but not the fewest; 16 already covers 10."),
        ("255.255.255.10", "A mask is 1-bits then 0-bits; it cannot make exactly 10 pieces, only powers of two."),
    ],
    hint="Each borrowed bit doubles the pieces: 2, 4, 8, 16 ... take the first power of two that reaches 10.",
    explain="16 is the first power of two at or above 10: borrow 4 bits, mask 255.255.255.240 (/28).",
)

split_spare = Exercise(
    "With that mask, how many of the pieces are left over?",
    answer=6,
    normalize=number,
    hints=[
        (0, "Masks only make powers of two: you get 16 pieces and use 10."),
        (16, "16 is how many pieces there are; how many do you not need?"),
        (10, "10 is how many you use; the question is how many are spare."),
    ],
    explain="16 pieces, 10 used, 6 spare (kept for later growth).",
)

# ---------------------------------------------------------------------------- ip.vlsm
vlsm_prefix = Exercise(
    "In a VLSM plan, which prefix is the smallest subnet that holds 50 hosts?",
    answer=26,
    normalize=prefix_length,
    hints=[
        (25, "A /25 holds 126 hosts: it fits, but a smaller block does too."),
        (27, "A /27 holds only 30 hosts (32 - 2)."),
        (24, "A /24 (254 hosts) fits, but wastes most of its addresses."),
        (6, "6 is the number of host bits; the prefix is 32 - 6."),
    ],
    hint="Find the smallest 2**n with 2**n - 2 >= 50, then the prefix is 32 - n.",
    explain="2**6 - 2 = 62 >= 50 but 2**5 - 2 = 30 < 50, so 6 host bits: /26.",
)

# ---------------------------------------------------------------------------- ip.summarize
summary_route = Exercise(
    "Summarise 172.16.4.0/24, 172.16.5.0/24, 172.16.6.0/24 and 172.16.7.0/24 into one route.",
    answer="172.16.4.0/22",
    normalize=cidr,
    hints=[
        ("172.16.0.0/22", "That covers 172.16.0.0 to 172.16.3.255, the block just before yours."),
        ("172.16.4.0/23", "A /23 covers two /24s (4 and 5); four of them need one more bit: /22."),
        ("172.16.4.0/24", "That is only the first of the four networks."),
        ("172.16.0.0/16", "That contains them, but also 252 networks you do not have; find the smallest block."),
        ("172.16.0.0/21", "That contains them, but also 172.16.0-3.x; a /22 starting at .4 is exact."),
    ],
    hint="Four /24s are 2 more bits: a /22, starting where the third octet is a multiple of 4.",
    explain="4, 5, 6, 7 differ only in their last 2 bits of the third octet, so they merge into 172.16.4.0/22.",
)

# ---------------------------------------------------------------------------- ip.aws-reserved
aws_usable = Exercise(
    "How many addresses can your instances use in an AWS subnet of size /28?",
    answer=11,
    normalize=number,
    hints=[
        (14, "14 is the count outside AWS (16 - 2); AWS keeps 5 addresses, not 2."),
        (16, "16 is every address of the /28; AWS reserves 5 of them."),
        (12, "AWS reserves 5: the network, +1 router, +2 DNS, +3 future use and the last one."),
    ],
    explain="16 - 5 = 11, which is why /28 is the smallest subnet AWS allows.",
)

aws_dns = Exercise(
    "In the AWS subnet 10.0.2.0/24, which address does AWS keep for its DNS server?",
    answer="10.0.2.2",
    normalize=ip_address,
    hints=[
        ("10.0.2.1", "The base + 1 is the VPC router; DNS is the next one."),
        ("10.0.2.0", "That is the network address."),
        ("10.0.2.3", "The base + 3 is kept for future use; DNS is the one before it."),
        ("10.0.2.255", "The last address is reserved because a VPC has no broadcast."),
    ],
    explain="AWS keeps .0 (network), .1 (router), .2 (DNS), .3 (future use) and .255 (last).",
)

# ---------------------------------------------------------------------------- ip.calculator
calculator_last_host = Exercise(
    "Use the calculator: what is the last usable host of 172.31.200.9/20?",
    answer="172.31.207.254",
    normalize=ip_address,
    hints=[
        ("172.31.207.255", "That is the broadcast address; the last usable host is one below it."),
        ("172.31.200.254", "That would be true for a /24; a /20 spans 16 values of the third octet (192-207)."),
        ("172.31.255.254", "That would be true for a /16; a /20 ends much earlier."),
        ("172.31.192.1", "That is the first usable host; the question asks for the last."),
    ],
    hint="Type 172.31.200.9/20 into the calculator and read the 'Last usable host' row.",
    explain="The /20 holding 172.31.200.9 is 172.31.192.0-172.31.207.255; the last host is .207.254.",
)
