# %% [markdown]
# # 03 · IP addresses and subnetting
#
# Every server, container and cloud instance you will meet in this course has an IP address (IP 주소), and
# every network you will build (a Docker bridge, an AWS VPC, a lab with two routers) starts with
# a decision about addresses: which block to use, and how to cut it into pieces. Get it wrong and
# hosts that should talk cannot, a subnet (서브넷) runs out of addresses, or two networks you must join
# later collide. This lesson makes the arithmetic behind those decisions visible, bit by bit, and
# then hands you the calculators that do it for you, so you can check them rather than trust them.
#
# **Learning objectives.** After this lesson you can:
# 1. tell public from private addresses, and read an address and its mask in binary (2진수);
# 2. find the network, broadcast and usable hosts (사용 가능한 호스트 수) of any CIDR (사이더) block, and say whether two
#    addresses share a subnet;
# 3. split a network into equal subnets, and plan subnets of different sizes (VLSM (가변 길이 서브넷 마스크)) from host counts;
# 4. summarise routes, and size AWS subnets knowing the 5 addresses AWS keeps in each.
#
# **Builds on:** [02 · Networks and the OSI model](02-networks-and-osi.ipynb): an IPv4 address is
# the 4-byte layer-3 address of a node, and one subnet is one network.
#
# Everything here is pure computation, so it runs the same in every lab mode.

# %% [markdown]
# ## Setup
# `helpers.addressing` is the course's address toolbox (built on the `netaddr` library); every
# later lesson uses it. `lesson` holds this lesson's checks.

# %%
import helpers

helpers.setup()

import matplotlib.pyplot as plt

from helpers import addressing as ip
from helpers.addressing import AddressError, describe, overlaps, plan_vlsm, same_subnet, split, summarize
from helpers.draw import addressing as draw
from helpers.exercises import l03 as lesson

# %% [markdown] tags=["concept:ip.public-private"]
# ## Public and private addresses
# An **IP address** (IP 주소) names one network interface. There are two kinds you meet every day:
#
# * A **public address** (공인 IP) is handed out by an internet service provider (ISP) and is unique
#   on the whole internet, so routers everywhere know where to send packets for it.
# * A **private address** (사설 IP) comes from three blocks that RFC 1918 set aside for use *inside*
#   a network: `10.0.0.0/8`, `172.16.0.0/12` (172.16.x.x to 172.31.x.x) and `192.168.0.0/16`.
#   Anyone may reuse them (your home router, every AWS VPC, Docker), so internet routers drop
#   them. A private host reaches the internet through NAT, which lesson 04 shows.
#
# A few more blocks have special jobs: `127.0.0.0/8` is **loopback** (this machine; 루프백),
# `169.254.0.0/16` is **link-local** (one link only; AWS serves instance metadata at
# 169.254.169.254; 링크 로컬), `100.64.0.0/10` is *shared* space for carrier-grade NAT, `224.0.0.0/4` is
# multicast, and `192.0.2.0/24`, `198.51.100.0/24`, `203.0.113.0/24` are for *documentation*: the
# course's labs use them for pretend internet hosts, because they can never be real ones.

# %% tags=["concept:ip.public-private"]
for address in ["10.0.1.77", "172.31.5.9", "192.168.100.1", "8.8.8.8", "127.0.0.1",
                "169.254.169.254", "100.64.0.1", "203.0.113.10", "224.0.0.5"]:
    print(f"{address:<16} {ip.address_scope(address)}")

# %% [markdown] tags=["concept:ip.public-private"]
# ### Try it
# Check the edges of the middle private block: `172.15.255.255`, `172.16.0.0`, `172.31.255.255`
# and `172.32.0.0`. Which ones are private?
#
# ### Check
# Which of these are private? Answer with a list of addresses in quotes.

# %% tags=["concept:ip.public-private"]
print(lesson.private_addresses.prompt)
answer = None  # ← your answer here, e.g. ["10.20.30.40"]
lesson.private_addresses.check(answer)

# %% [markdown] tags=["concept:ip.binary"]
# ## Addresses in binary
# An IPv4 address is 32 bits. We write it as four **octets** (옥텟) of 8 bits each, every octet a
# decimal number from 0 to 255, separated by dots: *dotted decimal*. Inside an octet the bits are
# worth, from the left, 128 64 32 16 8 4 2 1. So 192 is 128 + 64, which is `11000000`, and 255
# is all eight bits, `11111111`. 32 bits give 2³² ≈ 4.3 billion addresses in all.
#
# Subnetting (서브네팅) is much easier once you can see the bits, so the helpers print them for you:

# %% tags=["concept:ip.binary"]
print("192.168.100.1 =", ip.to_binary("192.168.100.1"))
for octet in (128, 192, 224, 240, 255):
    places = " + ".join(str(place) for place in (128, 64, 32, 16, 8, 4, 2, 1) if octet & place)
    print(f"{octet:>3} = {octet:08b} = {places}")

# %% [markdown] tags=["concept:ip.binary"]
# ### Try it
# Change `"192.168.100.1"` to your own address or to `"10.0.1.77"`, and add 248, 252 and 254 to
# the list of octets. What pattern do the mask octets follow?
#
# ### Check

# %% tags=["concept:ip.binary"]
answer = None  # ← the 8 bits of 192 in quotes, e.g. "10101010"
lesson.binary_192.check(answer)

# %% [markdown] tags=["concept:ip.mask-and"]
# ## The mask is a bitwise AND
# A **subnet** (서브넷) is a part of a network. Which part of an address names the subnet, and
# which part names the host inside it? The **subnet mask** (서브넷 마스크) says so: it has a 1 for
# every *network bit* and a 0 for every *host bit*.
#
# To find the network an address is in, a computer combines address and mask with a **bitwise
# AND** (AND 연산): a result bit is 1 only where both bits are 1. Where the mask has 1s the address
# bits pass through unchanged; where it has 0s they become 0. What is left is the
# **network address** (네트워크 주소, 대표 주소), the same for every host of that subnet.

# %% tags=["concept:ip.mask-and"]
from netaddr import IPAddress

address, mask = IPAddress("192.168.100.77"), IPAddress("255.255.255.192")
network = IPAddress(int(address) & int(mask))  # AND works on the 32-bit numbers
print(address, "AND", mask, "=", network)

# %% [markdown] tags=["concept:ip.mask-and"]
# The same AND, bit by bit. Blue bits are network bits (the mask is 1; 네트워크 비트 / 호스트 비트), orange bits are host bits
# (the mask is 0, so the AND clears them):

# %% tags=["concept:ip.mask-and"]
draw.bits_figure("192.168.100.77/26")
plt.show()

# %% [markdown] tags=["concept:ip.mask-and"]
# ### Try it
# Draw `"192.168.100.77/20"` and `"192.168.100.77/30"`. Where does the dashed line move, and
# which octet of the network address changes?
#
# ### Check

# %% tags=["concept:ip.mask-and"]
answer = None  # ← the network address of 172.16.45.200 with mask 255.255.240.0, e.g. "172.16.0.0"
lesson.network_and.check(answer)

# %% [markdown] tags=["concept:ip.cidr"]
# ## CIDR notation
# A mask is always some 1s followed by 0s, so it is enough to say how many 1s it has: the
# **prefix length** (프리픽스 길이). **CIDR** (Classless Inter-Domain Routing) writes it after a
# slash: `192.168.100.0/24` means "the first 24 bits are the network", the same as the mask
# 255.255.255.0. A /n network has 2^(32 − n) addresses.

# %% tags=["concept:ip.cidr"]
print("prefix  netmask            addresses")
for prefix in (8, 16, 20, 24, 25, 26, 27, 28, 30, 32):
    print(f"/{prefix:<6} {ip.netmask_for(prefix):<16} {2 ** (32 - prefix):>11,}")
print("255.255.255.224 is /" + str(ip.parse_prefix("255.255.255.224")))

# %% [markdown] tags=["concept:ip.cidr"]
# The helpers are strict about what they accept, and say what is wrong in one sentence. These
# are mistakes people really make:

# %% tags=["concept:ip.cidr"]
for text in ["10.0.1.300/24", "10.0.1.0/33", "10.0.1.0", "10.0.1.0/0.0.0.255", "2001:db8::/32"]:
    try:
        describe(text)
    except AddressError as problem:
        print(f"{text:<20} {problem}")

# %% [markdown] tags=["concept:ip.cidr"]
# ### Try it
# Add `"255.255.0.0"` and `"255.255.252.0"` to `ip.parse_prefix(...)`. Then try a mask with a
# gap in its 1-bits, like `"255.0.255.0"`.
#
# ### Check

# %% tags=["concept:ip.cidr"]
answer = None  # ← the prefix length of 255.255.255.224, e.g. 24
lesson.prefix_of_mask.check(answer)

# %% [markdown] tags=["concept:ip.classful"]
# ## Classes A, B and C
# Before CIDR (1993), the size of a network followed from its first bits. The workshop notes
# draw it with X for network bits and 0 for host bits:
#
# | class | first octet | leading bits | default mask | pattern |
# |---|---|---|---|---|
# | A | 0-127 | `0` | 255.0.0.0 (/8) | XXXX.0000.0000.0000 |
# | B | 128-191 | `10` | 255.255.0.0 (/16) | XXXX.XXXX.0000.0000 |
# | C | 192-223 | `110` | 255.255.255.0 (/24) | XXXX.XXXX.XXXX.0000 |
# | D | 224-239 | `1110` | multicast, no hosts | |
# | E | 240-255 | `1111` | reserved | |
#
# Classes wasted addresses: a company with 300 hosts was too big for a C (254 hosts) and got a
# whole B (65,534). CIDR allows any prefix instead. The words live on: "a class C" still means
# "a /24", and a mask on a router often defaults to the class of the address.

# %% tags=["concept:ip.classful"]
for klass, low, high, prefix, bits in ip.CLASSES:
    mask = ip.netmask_for(prefix) if prefix else "-"
    print(f"class {klass}: first octet {low:>3}-{high:<3}  leading bits {bits:<5} default mask {mask}")
for address in ("10.0.1.77", "172.16.5.4", "192.168.100.1", "224.0.0.5"):
    print(address, "is class", ip.address_class(address))

# %% [markdown] tags=["concept:ip.classful"]
# ### Try it
# Find the class of `127.0.0.1`, `191.255.0.1` and `223.1.1.1`, then write each first octet in
# binary with `ip.to_binary`. Do the leading bits match the table?
#
# ### Check

# %% tags=["concept:ip.classful"]
print(lesson.classful.prompt, lesson.classful.options)
answer = None  # ← one of the options, e.g. "A, 255.0.0.0"
lesson.classful.check(answer)

# %% [markdown] tags=["concept:ip.network-broadcast"]
# ## Network, broadcast and usable hosts
# In every subnet two addresses are special:
#
# * the first, with all host bits 0, is the **network address** (네트워크 주소; the workshop notes
#   call it 대표 주소) and names the subnet itself;
# * the last, with all host bits 1, is the **broadcast address** (브로드캐스트 주소): a packet sent
#   to it reaches every host of the subnet.
#
# The rest are **usable hosts**: 2^(host bits) − 2. So 255.255.255.0 (/24) gives 256 addresses,
# .0 to .255, and 254 hosts (.1 to .254). Two small sizes are exceptions: a /31 is a
# point-to-point link whose 2 addresses are both usable (RFC 3021), and a /32 is a single host.

# %% tags=["concept:ip.network-broadcast"]
describe("10.0.1.77/26")

# %% tags=["concept:ip.network-broadcast"]
for text in ("192.168.100.0/24", "10.0.0.0/30", "10.0.0.0/31", "10.0.0.5/32"):
    info = describe(text)
    print(f"{text:<17} network {info['network_address']:<13} broadcast {str(info['broadcast']):<15}"
          f" usable {info['usable_hosts']}")

# %% [markdown] tags=["concept:ip.network-broadcast"]
# ### Try it
# Describe `"10.0.1.200/27"` and `"10.0.1.200/29"`. Before you run it, guess the network and
# broadcast addresses from the block size (32 and 8).
#
# ### Check

# %% tags=["concept:ip.network-broadcast"]
answer = None  # ← the broadcast address of 10.0.1.77/26, e.g. "10.0.1.0"
lesson.broadcast.check(answer)

# %% tags=["concept:ip.network-broadcast"]
answer = None  # ← how many hosts a /26 holds, e.g. 64
lesson.usable_26.check(answer)

# %% [markdown] tags=["concept:ip.same-subnet"]
# ## Are two addresses in the same subnet?
# Two hosts are in the same subnet when address AND mask gives the same network for both. Then
# they talk directly, through a switch; otherwise their packets must go through a router
# (lesson 04). The workshop's example: 192.168.100.1 and 192.168.100.2 with mask 255.255.255.0
# (/24) are in the same subnet. With a /25 the /24 is cut in two, and .1 and .130 end up apart.

# %% tags=["concept:ip.same-subnet"]
print(same_subnet("192.168.100.1", "192.168.100.2", "255.255.255.0"))
print(same_subnet("192.168.100.1", "192.168.100.130", 25))
for address in ("192.168.100.1", "192.168.100.130"):
    print(address, "is in", describe(f"{address}/25")["network"])

# %% [markdown] tags=["concept:ip.same-subnet"]
# ### Try it
# Is 192.168.100.1 in the same subnet as 192.168.101.1 with a /23? With a /24? Predict first.
#
# ### Check

# %% tags=["concept:ip.same-subnet"]
answer = None  # ← True or False
lesson.same_subnet_25.check(answer)

# %% [markdown] tags=["concept:ip.split"]
# ## Splitting a network
# **Subnetting** (서브네팅) cuts a network into equal pieces by *borrowing* host bits for the
# network part. Each borrowed bit doubles the pieces and halves their size. On a /24 the last
# mask octet tells the story:
#
# * 128 (`10000000`): 2 pieces of 128 addresses;
# * 192 (`11000000`): 4 pieces of 64;
# * 224 (`11100000`): 8 pieces of 32;
# * 240 (`11110000`): 16 pieces of 16.
#
# In every piece the first address is its network address and the last its broadcast.

# %% tags=["concept:ip.split"]
for prefix in (25, 26, 27, 28):
    pieces = split("192.168.1.0/24", new_prefix=prefix)
    print(f"mask {pieces.netmask}: {len(pieces):>2} pieces of {pieces.subnet_size:>3} addresses,"
          f" first {pieces[0]}, last {pieces[-1]}")

# %% [markdown] tags=["concept:ip.split"]
# Each row below is one more borrowed bit; the bottom row is the /28 split.

# %% tags=["concept:ip.split"]
draw.split_tree_figure(ip.SplitTree.even("192.168.1.0/24", new_prefix=28))
plt.show()

# %% [markdown] tags=["concept:ip.split"]
# Masks only make powers of two. If you need 10 pieces, take the next power of two, 16, and
# leave 6 unused (spare room to grow). `split(..., parts=10)` does exactly that:

# %% tags=["concept:ip.split"]
split("192.168.1.0/24", parts=10)

# %% [markdown] tags=["concept:ip.split"]
# Big splits are computed on demand, so cutting a /8 into 65,536 /24s costs nothing until you
# look at a page of them:

# %% tags=["concept:ip.split"]
big = split("10.0.0.0/8", new_prefix=24)
print(big.summary())
print("page 0 starts:", big.page(0)[:3], " the last one:", big[-1], " pages of 16:", big.pages())

# %% [markdown] tags=["concept:ip.split"]
# ### Try it: the visual splitter
# Press **Split** on a subnet to halve it and **Join** to merge it back with its other half, as
# in the best visual subnet calculators. Type 10 in *Parts* and press **Split evenly**. Then tick
# **AWS mode**: the usable counts drop by 5 and nothing can be split below /28.

# %% tags=["concept:ip.split"]
from helpers.ui.addressing import subnet_splitter

subnet_splitter("10.0.0.0/24")

# %% [markdown] tags=["concept:ip.split"]
# ### Check

# %% tags=["concept:ip.split"]
answer = None  # ← the mask for 10 equal subnets of 192.168.1.0/24, e.g. "255.255.255.0"
lesson.split_mask.check(answer)

# %% tags=["concept:ip.split"]
answer = None  # ← how many pieces are left over
lesson.split_spare.check(answer)

# %% [markdown] tags=["concept:ip.vlsm"]
# ## Subnets of different sizes (VLSM)
# Real groups differ in size: 100 engineers, 50 in sales, 20 guests, and a link between two
# routers that needs 2 addresses. Equal pieces would waste most of the space. **VLSM**
# (Variable Length Subnet Masking, 가변 길이 서브넷 마스크) gives each group the smallest block
# that fits:
#
# 1. for each group, find the smallest 2ⁿ with 2ⁿ − 2 ≥ hosts (so 50 hosts → 64 → /26);
# 2. place the largest blocks first, one after the other. Every block then starts on a multiple
#    of its own size, as a subnet must, and no two overlap.

# %% tags=["concept:ip.vlsm"]
plan = plan_vlsm("10.0.0.0/24", {"sales": 50, "engineering": 100, "guests": 20, "link": 2})
plan

# %% tags=["concept:ip.vlsm"]
draw.plan_chart(plan)
plt.show()

# %% [markdown] tags=["concept:ip.vlsm"]
# When the groups do not fit, the planner says how much space is missing:

# %% tags=["concept:ip.vlsm"]
try:
    plan_vlsm("10.0.0.0/24", {"engineering": 200, "sales": 100})
except AddressError as problem:
    print(problem)

# %% [markdown] tags=["concept:ip.vlsm"]
# ### Try it: the planner
# Change the host counts, add a row, or make the parent smaller (`10.0.0.0/25`). Tick **AWS**
# to plan with AWS's rules.

# %% tags=["concept:ip.vlsm"]
from helpers.ui.addressing import vlsm_planner

vlsm_planner("10.0.0.0/24", {"sales": 50, "engineering": 100, "guests": 20, "link": 2})

# %% [markdown] tags=["concept:ip.vlsm"]
# ### Check

# %% tags=["concept:ip.vlsm"]
answer = None  # ← the prefix of the smallest subnet for 50 hosts, e.g. 24
lesson.vlsm_prefix.check(answer)

# %% [markdown] tags=["concept:ip.summarize"]
# ## Summarising routes
# A router that reaches 10.0.0.0/24, 10.0.1.0/24, 10.0.2.0/24 and 10.0.3.0/24 the same way can
# announce one **summary route** (경로 요약) instead: the **supernet** (슈퍼넷) 10.0.0.0/22 covers exactly
# those four. Blocks merge exactly only when they are adjacent and aligned; otherwise the one
# prefix that covers them also covers addresses you do not have. The opposite question matters
# too: networks that **overlap** cannot be joined later (AWS refuses to peer two VPCs whose CIDRs
# overlap, lesson 09).

# %% tags=["concept:ip.summarize"]
print(summarize(["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]))
print(summarize(["10.0.1.0/24", "10.0.2.0/24"]), "(not aligned: still two routes)")
print(ip.common_supernet(["10.0.1.0/24", "10.0.2.0/24"]), "(one route, but it also covers 10.0.0.x and 10.0.3.x)")
print(overlaps("10.0.0.0/16", "10.0.128.0/20"), overlaps("10.0.0.0/16", "10.1.0.0/16"))

# %% [markdown] tags=["concept:ip.summarize"]
# ### Try it
# Add `"10.0.4.0/24"` to the first list: what does the summary become, and why not a /21?
#
# ### Check

# %% tags=["concept:ip.summarize"]
answer = None  # ← one route in CIDR form, e.g. "172.16.0.0/16"
lesson.summary_route.check(answer)

# %% [markdown] tags=["concept:ip.aws-reserved"]
# ## AWS subnets: 5 addresses reserved, /16 to /28
# In an AWS VPC the CIDR block of the VPC and of each subnet must be between /16 (65,536
# addresses) and /28 (16). In every subnet AWS keeps 5 addresses for itself:
#
# | address | used for |
# |---|---|
# | base + 0 | the network address |
# | base + 1 | the VPC router |
# | base + 2 | the Amazon-provided DNS server |
# | base + 3 | reserved for future use |
# | last | the broadcast address (a VPC has no broadcast, so AWS just keeps it) |
#
# So a /24 gives 251 usable addresses, not 254, and the smallest subnet, a /28, gives 11.

# %% tags=["concept:ip.aws-reserved"]
describe("10.0.2.0/24", cloud="aws")

# %% tags=["concept:ip.aws-reserved"]
for prefix in (16, 20, 24, 26, 28):
    print(f"/{prefix}: {ip.usable_hosts(prefix):>6,} usable on a LAN, "
          f"{ip.usable_hosts(prefix, cloud='aws'):>6,} in AWS")
try:
    describe("10.0.0.0/29", cloud="aws")
except AddressError as problem:
    print(problem)

# %% [markdown] tags=["concept:ip.aws-reserved"]
# ### Try it
# Plan a VPC: `plan_vlsm("10.0.0.0/24", {"public": 28, "private": 60}, cloud="aws")`. Which
# subnets grow compared with the plan without `cloud="aws"`, and why?
#
# ### Check

# %% tags=["concept:ip.aws-reserved"]
answer = None  # ← usable addresses in an AWS /28
lesson.aws_usable.check(answer)

# %% tags=["concept:ip.aws-reserved"]
answer = None  # ← the DNS address AWS keeps in 10.0.2.0/24
lesson.aws_dns.check(answer)

# %% [markdown] tags=["concept:ip.calculator"]
# ## The CIDR calculator
# Everything above in one place. Type an address with a prefix (or a netmask after the slash),
# or drag the prefix slider: the table and the 32-bit view follow at once. Tick **AWS subnet**
# to see the 5 reserved addresses (예약된 주소). A typo gets a sentence saying what to fix.

# %% tags=["concept:ip.calculator"]
from helpers.ui.addressing import cidr_calculator

cidr_calculator("10.0.1.77/26")

# %% [markdown] tags=["concept:ip.calculator"]
# ### Try it
# Type `172.31.200.9/20`. Drag the slider from /20 to /28 and watch the network address and the
# host count change. Type `172.31.200.9/255.255.255.0`, then something broken, like
# `172.31.200.900/20`.
#
# ### Check

# %% tags=["concept:ip.calculator"]
answer = None  # ← the last usable host of 172.31.200.9/20
lesson.calculator_last_host.check(answer)

# %% [markdown]
# ## Summary
# * Public addresses are unique on the internet; private ones (10/8, 172.16/12, 192.168/16) are
#   reused inside networks and never routed on the internet.
# * An address is 32 bits; the mask's 1-bits mark the network part, and address AND mask gives
#   the network address. `/n` says the mask has n ones.
# * In a /n subnet there are 2^(32 − n) addresses: the first is the network, the last the
#   broadcast, the rest (minus 2) are hosts. /31 and /32 are the exceptions.
# * Borrowing bits splits a network into 2, 4, 8, 16 ... equal pieces (masks .128, .192, .224,
#   .240); 10 pieces means taking 16. VLSM gives each group the smallest block, largest first.
# * Adjacent aligned blocks summarise into a supernet; overlapping blocks cannot be joined later.
# * AWS subnets are /16 to /28 and lose 5 addresses each.
#
# ## Terms

# %%
from helpers import glossary

glossary.terms("03")

# %% [markdown]
# **Next:** [04 · Switching and routing](04-switching-and-routing.ipynb), where addresses meet
# switches, routers and routing tables.
