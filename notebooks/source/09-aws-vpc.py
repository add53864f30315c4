# %% [markdown]
# # 09 · AWS VPC
#
# Everything you run on AWS (a web server, a database, a container) sits in a **VPC** (가상 프라이빗 클라우드), a private
# network you design yourself: its address block, its subnets (서브넷) in different data centres, the
# route tables (라우팅 테이블) that decide where packets go, the gateways to the internet and to your office, and
# two layers of firewall. When something "cannot connect" on AWS, the answer is almost always in
# that design. This lesson builds a realistic VPC step by step in a faithful model of AWS that runs
# here, offline and free: every step AWS would refuse is refused with AWS's own error code, and for
# any two endpoints you can ask *can A reach B on port P?* and get the hop-by-hop path with the
# exact rule that let the packet through or stopped it, like AWS's Reachability Analyzer (연결성 분석기). Then you
# diagnose and repair five broken VPCs.
#
# **Learning objectives.** After this lesson you can:
# 1. design a VPC over two Availability Zones (가용 영역) with public and private subnets (프라이빗 서브넷), route tables, an
#    internet gateway (인터넷 게이트웨이), NAT gateways (NAT 게이트웨이) and a bastion host (배스천 호스트), sized by AWS's rules;
# 2. explain what makes a subnet public, how route tables choose a route, and what internet and NAT
#    gateways translate;
# 3. write security group (보안 그룹) and network ACL (네트워크 ACL) rules, and predict their verdict on a request *and* on
#    its reply (stateful (상태 저장) versus stateless (상태 비저장));
# 4. connect VPCs and an office network with peering, a transit gateway (전송 게이트웨이) and a VPN, knowing what is
#    and is not transitive;
# 5. find the component that blocks a path with the reachability analyzer and fix it properly.
#
# **Builds on:** [03 · IP addresses and subnetting](03-ip-addressing-and-subnetting.ipynb) (CIDR
# blocks, AWS's 5 reserved addresses), [04 · Switching and routing](04-switching-and-routing.ipynb)
# (route tables, longest prefix match (최장 접두사 일치), NAT) and [06 · Ports, sockets, TCP and UDP](06-ports-and-sockets.ipynb)
# (ports, ephemeral ports (임시 포트), connections). The lesson uses a model of AWS, not an AWS account, so
# it runs the same in every lab mode.

# %% [markdown]
# ## Setup
# `helpers.aws` is the model: `Cloud` is one AWS account, and its methods mirror the AWS API
# (CreateVpc, CreateSubnet, CreateRoute ...). `analyze` is the reachability analyzer,
# `draw_vpc` draws a model, and `lesson` holds this lesson's checks.

# %%
import helpers

helpers.setup()

import copy

import matplotlib.pyplot as plt

from helpers.aws import EXPLANATION_CODES, REGIONS, AwsError, Cloud, validate
from helpers.aws.build import route_table_demo
from helpers.aws.compute import capacity, instances_needed, scale_up_choice, simulate_day
from helpers.aws.rules import EPHEMERAL_PORTS
from helpers.aws.scenarios import SCENARIOS
from helpers.checks import quiz
from helpers.draw.vpc import draw_vpc
from helpers.exercises import l09 as lesson
from helpers.ui.vpc import evaluate_traffic, rule_evaluator, side_by_side

# %% [markdown] tags=["concept:vpc.basics"]
# ## Regions, Availability Zones and the VPC
# AWS runs its data centres in **Regions** (리전), geographic areas such as Seoul,
# `ap-northeast-2`. A Region is split into **Availability Zones** (AZ, 가용 영역): separate data
# centres with their own power and network, close enough for fast links but far enough apart that
# a fire or a flood takes out one, not all.
#
# A **VPC** (Virtual Private Cloud, 가상 프라이빗 클라우드) is your private network in *one* Region.
# It spans all of that Region's AZs, and it has an IPv4 **CIDR block** you choose: AWS allows
# sizes from /16 (65,536 addresses) down to /28 (16 addresses), and recommends a private RFC 1918
# block (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16). One Region can hold many VPCs; each is
# isolated from all the others until you connect them on purpose.

# %% tags=["concept:vpc.basics"]
cloud = Cloud()                     # one AWS account; Seoul unless you say otherwise
name, zones = REGIONS["ap-northeast-2"]
print(f"ap-northeast-2 is {name}, with AZs", ", ".join("ap-northeast-2" + z for z in zones))

shop = cloud.add_vpc("shop", "10.0.0.0/16")
print(shop, "spans", ", ".join(shop.azs))

# %% [markdown] tags=["concept:vpc.basics"]
# The model checks what AWS's `CreateVpc` checks and answers with AWS's error code, so you learn
# the messages you will meet in the console:

# %% tags=["concept:vpc.basics"]
for cidr in ["10.0.0.0/8", "10.0.0.0/29", "10.0.0.5/16"]:
    try:
        cloud.add_vpc("attempt", cidr)
    except AwsError as problem:
        print(f"{cidr:<12} {problem}")

# %% [markdown] tags=["concept:vpc.basics"]
# A new VPC comes with a **main route table** (기본 라우팅 테이블) that knows one route, the **local route** (로컬 라우팅) for the
# VPC's own block, so traffic stays inside the VPC. Nothing leads out yet:

# %% tags=["concept:vpc.basics"]
shop.main

# %% [markdown] tags=["concept:vpc.basics"]
# ### Try it
# Create `cloud.add_vpc("tokyo", "10.5.0.0/16", region="ap-northeast-1")` and print its `azs`.
# Then try a /16 that starts at a wrong boundary, like `"10.0.1.0/16"`.
#
# ### Check

# %% tags=["concept:vpc.basics"]
answer = None  # ← the number of addresses in the largest VPC, e.g. 1024
lesson.largest_vpc.check(answer)

# %% tags=["concept:vpc.basics"]
answer = None  # ← copy one option exactly
print(lesson.vpc_isolation.prompt, lesson.vpc_isolation.options, sep="\n")
lesson.vpc_isolation.check(answer)

# %% [markdown] tags=["concept:vpc.subnet-az"]
# ## Subnets live in one AZ
# A **subnet** (서브넷) is a block carved out of the VPC's CIDR and placed in exactly **one** AZ.
# Subnets must not overlap, and each is /16 to /28 like the VPC. To survive the loss of a data
# centre you put subnets in two AZs and servers in both; they still talk privately, because the
# VPC's virtual router (가상 라우터) joins all its subnets with the local route.
#
# AWS keeps **5 addresses of every subnet**: the network address, +1 for the VPC router, +2 for
# the Amazon DNS server, +3 for future use, and the last one (a VPC has no broadcast). A /24
# therefore has 251 usable addresses, not 254.

# %% tags=["concept:vpc.subnet-az"]
public_a = shop.add_subnet("public-a", "10.0.1.0/24", "a")
public_c = shop.add_subnet("public-c", "10.0.2.0/24", "c")
private_a = shop.add_subnet("private-a", "10.0.11.0/24", "a")
private_c = shop.add_subnet("private-c", "10.0.12.0/24", "c")

for address, role in public_a.reserved:
    print(f"{address:<12} reserved: {role}")
print("usable addresses in public-a:", public_a.available_addresses)

# %% [markdown] tags=["concept:vpc.subnet-az"]
# What `CreateSubnet` refuses:

# %% tags=["concept:vpc.subnet-az"]
for cidr, az in [("10.0.1.128/25", "a"), ("10.1.0.0/24", "a"), ("10.0.3.0/29", "a"), ("10.0.3.0/24", "e")]:
    try:
        shop.add_subnet("attempt", cidr, az)
    except AwsError as problem:
        print(f"{cidr:<14} AZ {az}: {problem}")

# %% [markdown] tags=["concept:vpc.subnet-az"]
# Launch one application server in each private subnet. Without security groups named, an
# instance gets the VPC's *default* security group, whose members may talk to each other. The
# analyzer shows the path from AZ a to AZ c: out of one subnet, the local route, into the other.

# %% tags=["concept:vpc.subnet-az"]
app_a = private_a.launch("app-a")
app_c = private_c.launch("app-c")
cloud.analyze(app_a, app_c, "tcp", 8080)

# %% [markdown] tags=["concept:vpc.subnet-az"]
# Another VPC in the same Region is a different network altogether. Nothing routes between them:

# %% tags=["concept:vpc.subnet-az"]
lab = cloud.add_vpc("lab", "10.1.0.0/16")
tester = lab.add_subnet("lab-a", "10.1.1.0/24", "a").launch("tester")
cloud.analyze(app_a, tester, "tcp", 22)

# %% [markdown] tags=["concept:vpc.subnet-az"]
# ### Try it
# Launch a third server into `private_a` with `private_ip="10.0.11.1"`, then with
# `"10.0.11.255"`, then with `"10.0.11.200"`. Which does AWS accept?
#
# ### Check

# %% tags=["concept:vpc.subnet-az"]
answer = None  # ← usable addresses in a /24 subnet on AWS, e.g. 100
lesson.usable_in_24.check(answer)

# %% tags=["concept:vpc.subnet-az"]
answer = None  # ← copy one option exactly
print(lesson.survive_az_loss.prompt, lesson.survive_az_loss.options, sep="\n")
lesson.survive_az_loss.check(answer)

# %% [markdown] tags=["concept:vpc.route-table"]
# ## Route tables: main, custom, associations
# Every packet that leaves a subnet is looked up in that subnet's **route table** (라우팅 테이블)
# by the VPC's **virtual router** (가상 라우터):
#
# * each table has the **local route** for the VPC's block, which you cannot delete;
# * the VPC's **main route table** is used by every subnet that has no table of its own;
# * a **custom route table** applies to the subnets you explicitly **associate** with it, one table
#   per subnet at a time;
# * among the routes that match a destination, the **longest prefix** (the most specific) wins;
#   0.0.0.0/0 matches everything and so is the last resort.
#
# Give the two public subnets (퍼블릭 서브넷) their own table; the private ones stay on the main table for now.
# (The "public" subnets are still private in AWS's sense: their table has no route out yet.)

# %% tags=["concept:vpc.route-table"]
public_rt = shop.add_route_table("public-rt")
public_rt.associate(public_a)
public_rt.associate(public_c)
print(cloud)

# %% [markdown] tags=["concept:vpc.route-table"]
# Longest prefix match on a table with overlapping routes: a default route to an internet gateway,
# a /16 to a peering connection, and a /24 inside that /16 to a transit gateway.

# %% tags=["concept:vpc.route-table"]
demo_cloud, demo_rt = route_table_demo()
print(demo_rt)
for address in ["10.0.3.3", "10.1.7.7", "8.8.8.8"]:
    print(f"{address:<9} uses {demo_rt.lookup(address).text(demo_cloud)}")

# %% [markdown] tags=["concept:vpc.route-table"]
# ### Try it
# Associate `public_a` with the main table: `public_rt.disassociate(public_a)`, then
# `shop.main.associate(public_a)`. What does AWS say if you associate a subnet that already has a
# custom table with another one?
#
# ### Check

# %% tags=["concept:vpc.route-table"]
answer = None  # ← which target carries 10.1.5.9 in demo-rt: 'local', 'igw', 'pcx' or 'tgw'
lesson.longest_prefix.check(answer)

# %% tags=["concept:vpc.route-table"]
answer = None  # ← copy one option exactly
print(lesson.new_subnet_table.prompt, lesson.new_subnet_table.options, sep="\n")
lesson.new_subnet_table.check(answer)

# %% [markdown] tags=["concept:vpc.igw"]
# ## The internet gateway
# An **internet gateway** (인터넷 게이트웨이) connects a VPC to the internet, both ways. A VPC has
# at most one, and it does nothing until a route table sends traffic to it: the classic route is
# `0.0.0.0/0 → igw`. The gateway then translates one to one: an instance's **public IP** (퍼블릭
# IP, assigned at launch) or **Elastic IP** (탄력적 IP, a fixed address you own) on the way in,
# back to the private address on the way out. An instance with only a private address is
# invisible from the internet, whatever its route table says.

# %% tags=["concept:vpc.igw"]
igw = shop.add_internet_gateway("shop-igw")
public_rt.add_route("0.0.0.0/0", igw)

web_sg = shop.add_security_group("web-sg", "web servers: HTTPS from anywhere")
web_sg.allow_inbound("tcp", 443, "0.0.0.0/0")
web = public_a.launch("web", public_ip=True, security_groups=[web_sg], software=("nginx", "shop-frontend"))
cloud.analyze("the internet", web, "tcp", 443)

# %% [markdown] tags=["concept:vpc.igw"]
# Rows 3 and 11 are the gateway's translation. A second web server launched without a public IP
# is refused by the gateway until it gets an Elastic IP:

# %% tags=["concept:vpc.igw"]
web_c = public_c.launch("web-c", security_groups=[web_sg])
before = cloud.analyze("the internet", web_c, "tcp", 443)
print(before.summary(), before.code, sep="\n   ")

eip = cloud.allocate_address("web-c-eip")
eip.associate(web_c)
print(web_c)
print(cloud.analyze("the internet", web_c, "tcp", 443).summary())

# %% [markdown] tags=["concept:vpc.igw"]
# ### Try it
# Delete the route with `public_rt.delete_route("0.0.0.0/0")` and analyze again: which way (there
# or back) breaks? Put it back with `public_rt.add_route("0.0.0.0/0", igw)`.
#
# ### Check

# %% tags=["concept:vpc.igw"]
answer = None  # ← copy one option exactly
print(lesson.igw_missing_piece.prompt, lesson.igw_missing_piece.options, sep="\n")
lesson.igw_missing_piece.check(answer)

# %% [markdown] tags=["concept:vpc.public-private"]
# ## Public and private subnets
# AWS's definition is short: a subnet is **public** (퍼블릭) when its route table has a route to an
# internet gateway, and **private** (프라이빗) when it has none. Public IPs do not make a subnet
# public; the route does. Here is the VPC so far: green subnets are public, blue ones private, and
# each arrow is a route of the subnet's table.

# %% tags=["concept:vpc.public-private"]
for subnet in shop.subnets:
    kind = "public" if subnet.is_public else "private"
    print(f"{subnet.name:<10} {subnet.az}  {kind:<8} uses {subnet.effective_route_table.name}")

# %% tags=["concept:vpc.public-private"]
draw_vpc(cloud, vpcs=[shop])
plt.show()

# %% [markdown] tags=["concept:vpc.public-private"]
# ### Try it
# Add `0.0.0.0/0 → igw` to the *main* table (`shop.main.add_route(...)`) and list the subnets
# again: what happened to the private ones? Undo it with `shop.main.delete_route("0.0.0.0/0")`.
#
# ### Check

# %% tags=["concept:vpc.public-private"]
answer = None  # ← copy one option exactly
print(lesson.public_subnet.prompt, lesson.public_subnet.options, sep="\n")
lesson.public_subnet.check(answer)

# %% [markdown] tags=["concept:vpc.nat-gw"]
# ## The NAT gateway
# Private servers still need to *reach out*: to download updates or call an external API. A **NAT
# gateway** (NAT 게이트웨이) does that: it lives in a **public** subnet, owns an Elastic IP, and
# the private subnets' route table sends `0.0.0.0/0` to it. It replaces the source address with its
# own and remaps the source port, then sends the packet on by *its own* subnet's table to the
# internet gateway. It only works one way: replies to connections it made come back, but nothing
# on the internet can start a connection to a private server through it. One NAT gateway per AZ
# keeps an AZ failure from cutting the other AZ off.

# %% tags=["concept:vpc.nat-gw"]
for letter, public, private in (("a", public_a, private_a), ("c", public_c, private_c)):
    nat = public.add_nat_gateway(f"nat-{letter}")          # allocates its Elastic IP
    table = shop.add_route_table(f"private-rt-{letter}")
    table.add_route("0.0.0.0/0", nat)
    table.associate(private)

cloud.analyze(app_a, "the internet", "tcp", 443)

# %% [markdown] tags=["concept:vpc.nat-gw"]
# And the other way round, the internet gateway refuses: `app-a` has no public address, and the
# NAT gateway accepts no new connections.

# %% tags=["concept:vpc.nat-gw"]
inbound = cloud.analyze("the internet", app_a, "tcp", 8080)
print(inbound.summary(), f"{inbound.code}: {inbound.explanation}", sep="\n   ")

# %% [markdown] tags=["concept:vpc.nat-gw"]
# ### Try it
# Route `private-rt-c` to `nat-a` instead (`shop.route_table("private-rt-c").replace_route("0.0.0.0/0", ...)`,
# with the NAT gateway from `cloud.nat_gateways`), and analyze `app_c` to the internet: which AZ
# does the path cross now?
#
# ### Check

# %% tags=["concept:vpc.nat-gw"]
answer = None  # ← copy one option exactly
print(lesson.nat_direction.prompt, lesson.nat_direction.options, sep="\n")
lesson.nat_direction.check(answer)

# %% tags=["concept:vpc.nat-gw"]
answer = None  # ← copy one option exactly
print(lesson.nat_placement.prompt, lesson.nat_placement.options, sep="\n")
lesson.nat_placement.check(answer)

# %% [markdown] tags=["concept:vpc.bastion"]
# ## The bastion host
# How does an administrator log in to a private server? Through a **bastion host** (배스천 호스트):
# a small instance in a public subnet that accepts SSH only from the office's addresses, while the
# private servers accept SSH only from the bastion's security group. The path is
# *admin → bastion → private server*, and nothing else can reach port 22.
#
# Where does the SSH **key pair** (키 페어) live? A common shortcut copies the private server's key
# onto the bastion; then whoever breaks into the bastion holds every key. `ssh -J` (ProxyJump)
# tunnels your session through the bastion instead, so the keys never leave your computer.

# %% tags=["concept:vpc.bastion"]
bastion_sg = shop.add_security_group("bastion-sg", "ssh from the office only")
bastion_sg.allow_inbound("tcp", 22, "203.0.113.0/24")
bastion = public_a.launch("bastion", public_ip=True, security_groups=[bastion_sg])

app_sg = shop.add_security_group("app-sg", "the API: 8080 from web servers, ssh from the bastion")
app_sg.allow_inbound("tcp", 8080, web_sg)
app_sg.allow_inbound("tcp", 22, bastion_sg)
app_a.set_security_groups([app_sg])
app_c.set_security_groups([app_sg])

for source, target in [("203.0.113.25", bastion), ("192.0.2.50", bastion), ("203.0.113.25", app_a),
                       (bastion, app_a), (web, app_a)]:
    result = cloud.analyze(source, target, "tcp", 22)
    print(result.summary() + ("" if result.reachable else f"\n   {result.code}"))
print(f"\nssh -J ec2-user@{bastion.public_ip} ec2-user@{app_a.private_ip}")

# %% [markdown] tags=["concept:vpc.bastion"]
# ### Try it
# Allow ssh to `bastion-sg` from `"0.0.0.0/0"` and analyze from `"192.0.2.50"` again. Why is an
# SSH port open to the whole internet a bad idea even with good keys? (Lesson 06 showed how fast
# scanners find it.) Revoke it with `bastion_sg.revoke_inbound("tcp", 22, "0.0.0.0/0")`.
#
# ### Check

# %% tags=["concept:vpc.bastion"]
answer = None  # ← copy one option exactly
print(lesson.bastion_key.prompt, lesson.bastion_key.options, sep="\n")
lesson.bastion_key.check(answer)

# %% tags=["concept:vpc.bastion"]
answer = None  # ← 'bastion-sg', 'web-sg', '10.0.0.0/16' or '0.0.0.0/0'
lesson.bastion_rule.check(answer)

# %% [markdown] tags=["concept:vpc.sg"]
# ## Security groups
# A **security group** (보안 그룹) is a firewall on an instance's network interface (its ENI (탄력적 네트워크 인터페이스)):
#
# * **allow rules only**, separate **inbound** (인바운드) and **outbound** (아웃바운드) lists, each
#   naming a protocol, a port range and a peer: a CIDR block, or *another security group*, which
#   means "any interface that is a member of that group";
# * a new group allows **nothing in** and **everything out**; the VPC's **default** group also lets
#   its own members talk to each other;
# * an interface can have up to 5 groups; their rules add up, and there is no order;
# * it is **stateful** (상태 저장): the reply of an allowed connection passes without any rule.

# %% tags=["concept:vpc.sg"]
print(app_sg, shop.default_sg, sep="\n\n")

# %% [markdown] tags=["concept:vpc.sg"]
# The rule `tcp 8080 from web-sg` follows the web servers wherever they are launched. Watch the
# return rows (←): the security groups are `tracked`, not evaluated.

# %% tags=["concept:vpc.sg"]
cloud.analyze(web, app_a, "tcp", 8080)

# %% tags=["concept:vpc.sg"]
try:
    app_sg.allow_inbound("tcp", 8080, web_sg)
except AwsError as problem:
    print(problem)

# %% [markdown] tags=["concept:vpc.sg"]
# ### Try it
# Remove every outbound rule (아웃바운드 규칙) of `app-sg` with `app_sg.revoke_outbound("all", None, "0.0.0.0/0")`
# and analyze `web` → `app_a` again. Does the reply still get out? What breaks instead when
# `app_a` tries to reach the internet? Put the rule back with `app_sg.allow_outbound("all")`.
#
# ### Check

# %% tags=["concept:vpc.sg"]
answer = None  # ← copy one option exactly
print(lesson.sg_stateful.prompt, lesson.sg_stateful.options, sep="\n")
lesson.sg_stateful.check(answer)

# %% tags=["concept:vpc.sg"]
answer = None  # ← copy one option exactly
print(lesson.sg_new_default.prompt, lesson.sg_new_default.options, sep="\n")
lesson.sg_new_default.check(answer)

# %% [markdown] tags=["concept:vpc.nacl"]
# ## Network ACLs
# A **network ACL** (네트워크 ACL) guards a *subnet's* border:
#
# * numbered **allow and deny** rules, one list per direction, evaluated from the **lowest number**;
#   the first match decides, and the final `*` rule denies whatever no rule matched;
# * every subnet has exactly **one** ACL (the default one unless you choose), and one ACL can serve
#   many subnets; by default up to 20 rules per direction;
# * the VPC's default ACL allows everything; a new custom ACL denies everything;
# * it is **stateless** (상태 비저장): a reply is judged like any other packet. Replies go to the
#   client's **ephemeral port** (임시 포트), so an ACL must allow those ports for the way back.

# %% tags=["concept:vpc.nacl"]
shop.default_acl

# %% [markdown] tags=["concept:vpc.nacl"]
# Rule order matters: here a deny for one range comes before a broad allow.

# %% tags=["concept:vpc.nacl"]
order_acl = shop.add_network_acl("order-demo")
order_acl.deny_inbound(90, "tcp", 22, "203.0.113.0/24")
order_acl.allow_inbound(100, "tcp", 22, "0.0.0.0/0")
order_acl.allow_inbound(200, "all", None, "0.0.0.0/0")
print(order_acl)
evaluate_traffic(bastion_sg, order_acl, "tcp", "203.0.113.7", 50000, bastion.private_ip, 22)

# %% [markdown] tags=["concept:vpc.nacl"]
# Now the stateless part, tried on a copy of the model so the real one stays as it is. A custom
# ACL on `public-a` allows HTTPS in and HTTPS out, which looks symmetric:

# %% tags=["concept:vpc.nacl"]
trial = copy.deepcopy(cloud)
web_acl = trial.vpc("shop").add_network_acl("web-acl")
web_acl.allow_inbound(100, "tcp", 443, "0.0.0.0/0")
web_acl.allow_outbound(100, "tcp", 443, "0.0.0.0/0")
web_acl.associate(trial.vpc("shop").subnet("public-a"))
trial.analyze("the internet", "web", "tcp", 443)

# %% [markdown] tags=["concept:vpc.nacl"]
# The reply leaves from port 443 *to the browser's port*, somewhere in its ephemeral range:

# %% tags=["concept:vpc.nacl"]
for client, (low, high) in EPHEMERAL_PORTS.items():
    print(f"{client:<12} picks source ports {low}-{high}")
web_acl.allow_outbound(110, "tcp", "1024-65535", "0.0.0.0/0")
print(trial.analyze("the internet", "web", "tcp", 443).summary())

# %% [markdown] tags=["concept:vpc.nacl"]
# ### Try it
# On `trial`, make rule 110 allow only `"49152-65535"` instead (remove it with
# `web_acl.remove_entry(110, "outbound")` first) and analyze again: the analyzer reports which
# part of the range is still denied. Then add `source_port=50000` to the `analyze` call.
#
# ### Check

# %% tags=["concept:vpc.nacl"]
answer = None  # ← which rule decides, in order-demo above: a number or '*'
lesson.nacl_order.check(answer)

# %% tags=["concept:vpc.nacl"]
answer = None  # ← a port range in quotes, e.g. "1000-2000"
lesson.nacl_ephemeral.check(answer)

# %% tags=["concept:vpc.nacl"]
answer = None  # ← copy one option exactly
print(lesson.one_acl_per_subnet.prompt, lesson.one_acl_per_subnet.options, sep="\n")
lesson.one_acl_per_subnet.check(answer)

# %% [markdown] tags=["concept:vpc.sg-vs-nacl"]
# ## Security groups and network ACLs side by side
# | | security group | network ACL |
# |---|---|---|
# | protects | one network interface (instance) | a subnet's border |
# | rules | allow only | allow and deny |
# | evaluation | all rules, any match allows | lowest number first, first match decides |
# | replies | stateful: allowed automatically | stateless: need their own rules |
# | defaults | new group: nothing in, all out | default ACL: all; custom ACL: nothing |
# | inside one subnet | applies | not crossed |
#
# Traffic from outside passes both: the ACL at the subnet border, then the group at the interface.
# Reach for **security groups** for almost everything (they follow instances, reference each other
# and cannot break replies); use **network ACLs** as a coarse guard rail for whole subnets and for
# the one thing groups cannot do: *deny* a specific range. Here are the same conversations through
# `web-sg` and the trial's `web-acl`:

# %% tags=["concept:vpc.sg-vs-nacl"]
trial_sg = trial.vpc("shop").security_group("web-sg")
side_by_side(trial_sg, web_acl, [
    ("HTTPS from a browser", "tcp", "203.0.113.10", 50000, web.private_ip, 443, True),
    ("ssh from an admin", "tcp", "203.0.113.10", 50000, web.private_ip, 22, True),
    ("web calls an API out", "tcp", web.private_ip, 40000, "198.51.100.200", 443, False),
])

# %% [markdown] tags=["concept:vpc.sg-vs-nacl"]
# The last row is the surprise: the instance's own *outgoing* connection works in the security
# group, but its replies come back inbound to port 40000, which `web-acl` does not allow. Try any
# packet in the evaluator below: it shows, rule by rule, which one decided the request and the
# reply.

# %% tags=["concept:vpc.sg-vs-nacl"]
rule_evaluator(trial_sg, web_acl, src="203.0.113.10", sport=50000, dst=web.private_ip, dport=443)

# %% [markdown] tags=["concept:vpc.sg-vs-nacl"]
# ### Try it
# In the evaluator, switch the request to *out of the instance*, destination `198.51.100.200` port
# 443: which rule would fix the reply? Add it with `web_acl.allow_inbound(110, ...)` and rerun the
# two cells above.
#
# ### Check

# %% tags=["concept:vpc.sg-vs-nacl"]
quiz(lesson.block_one_range, lesson.same_subnet_filter, lesson.which_stateful, title="Security group or network ACL?")

# %% [markdown] tags=["concept:vpc.peering"]
# ## VPC peering
# **VPC peering** (VPC 피어링) links two VPCs privately, in the same or another Region, and even
# across accounts. The rules:
#
# * the two CIDR blocks must **not overlap** (AWS sets the connection to `failed`);
# * after the connection, **both** VPCs need routes to the other over it, and the rules on the far
#   side must allow the traffic; within a Region, rules can reference the peer's security groups;
# * peering is **not transitive**: if A peers with B and B with C, A cannot reach C through B, and
#   A cannot use B's internet gateway, NAT gateway or VPN either.
#
# A log collector in its own VPC, fed by the API servers:

# %% tags=["concept:vpc.peering"]
logs = cloud.add_vpc("logs", "10.2.0.0/16")
log_sg = logs.add_security_group("log-sg", "log collector: HTTPS from the API servers")
link = cloud.peer(shop, logs, "shop-logs")
log_sg.allow_inbound("tcp", 443, app_sg)            # a group of the peered VPC, same Region
collector = logs.add_subnet("logs-a", "10.2.1.0/24", "a").launch("collector", security_groups=[log_sg])

steps = []
steps.append(cloud.analyze(app_a, collector, "tcp", 443))
for table in (shop.route_table("private-rt-a"), shop.route_table("private-rt-c")):
    table.add_route("10.2.0.0/16", link)
steps.append(cloud.analyze(app_a, collector, "tcp", 443))
logs.main.add_route("10.0.0.0/16", link)
steps.append(cloud.analyze(app_a, collector, "tcp", 443))
for stage, result in zip(["peering only", "+ route there", "+ route back"], steps):
    print(f"{stage:<14} {result.summary()}" + ("" if result.reachable else f"\n{'':<17}{result.code}"))

# %% [markdown] tags=["concept:vpc.peering"]
# Read the three codes. With the peering alone, `10.2.1.4` matches only `0.0.0.0/0`, so the packet
# heads for the NAT and internet gateways, and the internet gateway refuses a private destination.
# With the route there, the request arrives but `logs` has no way back. With routes on both sides
# the path works, and `log-sg` admits the API servers by their group, `app-sg`.
#
# Overlapping blocks cannot be peered at all:

# %% tags=["concept:vpc.peering"]
scratch = Cloud()
try:
    scratch.peer(scratch.add_vpc("one", "10.0.0.0/16"), scratch.add_vpc("two", "10.0.128.0/17"))
except AwsError as problem:
    print(problem)

# %% [markdown] tags=["concept:vpc.peering"]
# ### Try it
# Analyze `app_c` to `collector`. Then peer `logs` with `lab` and ask whether `tester` can reach
# `app_a` through `logs` (add the routes first); the analyzer's code names the rule. The fifth
# broken VPC below is exactly this mistake.
#
# ### Check

# %% tags=["concept:vpc.peering"]
answer = None  # ← copy one option exactly
print(lesson.peering_overlap.prompt, lesson.peering_overlap.options, sep="\n")
lesson.peering_overlap.check(answer)

# %% tags=["concept:vpc.peering"]
answer = None  # ← copy one option exactly
print(lesson.peering_routes.prompt, lesson.peering_routes.options, sep="\n")
lesson.peering_routes.check(answer)

# %% [markdown] tags=["concept:vpc.transit-gw"]
# ## The transit gateway
# Peering every pair of N VPCs takes N(N-1)/2 connections, each with routes on both sides. A
# **transit gateway** (전송 게이트웨이) is a regional *router* instead: each VPC (and VPN) is
# **attached** once, with one subnet per AZ for the gateway's interfaces, and the gateway routes
# between attachments by **its own route tables**. By default every attachment is *associated* with
# the default table (its traffic is routed by it) and *propagates* its CIDR into it, so everyone
# reaches everyone: unlike peering, a transit gateway is transitive. The VPCs' subnets still need a
# route to the transit gateway.

# %% tags=["concept:vpc.transit-gw"]
company = Cloud()
hub = company.add_transit_gateway("hub")
for number, team in enumerate(["sales", "hr", "data"], start=1):
    vpc = company.add_vpc(team, f"10.{10 + number}.0.0/16")
    subnet = vpc.add_subnet(f"{team}-a", f"10.{10 + number}.1.0/24", "a")
    hub.attach_vpc(vpc)
    vpc.main.add_route("10.0.0.0/8", hub)
    group = vpc.add_security_group(f"{team}-sg")
    group.allow_inbound("tcp", 443, "10.0.0.0/8")
    subnet.launch(f"{team}-server", security_groups=[group])

print(hub.default_table)
company.analyze("sales-server", "data-server", "tcp", 443)

# %% [markdown] tags=["concept:vpc.transit-gw"]
# ### Try it
# Isolate `hr`: create `hr_rt = hub.add_route_table("hr-only")`, move hr's attachment to it
# (`hub.default_table.disassociate(...)`, then `hr_rt.associate(...)`; the attachments are in
# `hub.attachments`) and analyze sales → hr and hr → sales.
#
# ### Check

# %% tags=["concept:vpc.transit-gw"]
answer = None  # ← number of peering connections for a full mesh of 5 VPCs
lesson.mesh_count.check(answer)

# %% tags=["concept:vpc.transit-gw"]
answer = None  # ← copy one option exactly
print(lesson.tgw_transitive.prompt, lesson.tgw_transitive.options, sep="\n")
lesson.tgw_transitive.check(answer)

# %% [markdown] tags=["concept:vpc.vgw-hybrid"]
# ## Hybrid: VPN and Direct Connect to your data centre
# Your **on-premises** (온프레미스) network joins a VPC through a **virtual private gateway**
# (가상 프라이빗 게이트웨이) attached to the VPC (or through a transit gateway), over one of two
# links:
#
# * **AWS Site-to-Site VPN** (사이트 간 VPN): encrypted IPsec tunnels across the internet, up in
#   minutes, with internet-grade latency;
# * **AWS Direct Connect** (다이렉트 커넥트): a dedicated private line into AWS, steadier and
#   faster, ordered like any circuit.
#
# Either way the VPC's route tables need routes for the office's block pointing at the gateway:
# static ones, or **route propagation**, which adds the routes the gateway learns.

# %% tags=["concept:vpc.vgw-hybrid"]
office = cloud.add_on_premises("office", "192.168.0.0/16")
vgw = cloud.add_vpn_gateway("shop-vgw")
vgw.attach(shop)
cloud.add_vpn_connection("office-vpn", vgw, office, kind="Site-to-Site VPN")
app_sg.allow_inbound("tcp", 22, "192.168.0.0/16")

before = cloud.analyze("on-premises", app_a, "tcp", 22)
print(before.summary(), f"{before.code}: {before.explanation}", sep="\n   ")

# %% [markdown] tags=["concept:vpc.vgw-hybrid"]
# The request arrives through the VPN, but the reply to `192.168.0.10` only matches `0.0.0.0/0`:
# it goes to the NAT gateway and on to the internet gateway, which will not carry a private
# address. Propagation adds the office's block to the private route tables, and the longer prefix
# wins over `0.0.0.0/0`:

# %% tags=["concept:vpc.vgw-hybrid"]
for table in (shop.route_table("private-rt-a"), shop.route_table("private-rt-c")):
    table.enable_propagation(vgw)
print(shop.route_table("private-rt-a"))
cloud.analyze("on-premises", app_a, "tcp", 22)

# %% [markdown] tags=["concept:vpc.vgw-hybrid"]
# ### Try it
# Analyze `app_c` to `"192.168.20.5"` (an office server). Then try `web` to the same address:
# which route table is missing the office's routes?
#
# ### Check

# %% tags=["concept:vpc.vgw-hybrid"]
answer = None  # ← copy one option exactly
print(lesson.vpn_vs_dx.prompt, lesson.vpn_vs_dx.options, sep="\n")
lesson.vpn_vs_dx.check(answer)

# %% tags=["concept:vpc.vgw-hybrid"]
answer = None  # ← copy one option exactly
print(lesson.vgw_routes.prompt, lesson.vgw_routes.options, sep="\n")
lesson.vgw_routes.check(answer)

# %% [markdown] tags=["concept:vpc.reachability"]
# ## Asking "can A reach B?": the reachability analyzer
# AWS's **Reachability Analyzer** (연결성 분석기) reads your configuration, sends no packet, and
# answers with the path or with an **explanation code** (설명 코드) naming what blocks it. This
# model's analyzer does the same and checks the reply too. The codes it uses are AWS's:

# %% tags=["concept:vpc.reachability"]
for code, meaning in EXPLANATION_CODES.items():
    print(f"{code:<46} {meaning}")

# %% [markdown] tags=["concept:vpc.reachability"]
# `validate` checks the whole model at once: errors are what AWS would refuse (with AWS's API
# error codes), warnings are what AWS accepts but cannot work. The shop VPC is clean; the ACL
# that only served the ordering demo is not attached to any subnet, so it is not judged.

# %% tags=["concept:vpc.reachability"]
validate(cloud)

# %% [markdown] tags=["concept:vpc.reachability"]
# ### Your own account
# The same analyzer can read a real AWS account, read-only: `load_account()` in
# `helpers.aws.boto_loader` calls only `describe_*` APIs (with your AWS CLI credentials and the
# optional `boto3` package: `pip install -r requirements-aws.txt`) and builds this model from the
# answers, listing what the model leaves out. The answers can also be saved as JSON and shared
# without credentials; here is such a snapshot of a small shop account:

# %% tags=["concept:vpc.reachability"]
from helpers.aws.boto_loader import load_snapshot

account = load_snapshot()  # the course's sample; load_snapshot("my-account.json") for your own
shop = account.cloud
print(shop.analyze("the internet", "web", "tcp", 80).summary())
print(shop.analyze("the internet", "app", "tcp", 8080).summary())

# %% [markdown] tags=["concept:vpc.reachability"]
# ## Troubleshooting: five broken VPCs
# Each story below comes with a model that is broken in one way. For each: analyze it, name the
# explanation code (**Check 1**), then repair the model and hand it to **Check 2**, which
# re-analyzes it and also notices fixes that work but open too much. The first one is solved as
# an example.
#
# ### 1. The web server nobody can load

# %% tags=["concept:vpc.reachability"]
story = SCENARIOS["missing-igw-route"]
print(story.story)
broken = story.build()
result = broken.analyze(*story.question)
result

# %% tags=["concept:vpc.reachability"]
draw_vpc(broken, result)
plt.show()

# %% [markdown] tags=["concept:vpc.reachability"]
# The request gets in (the internet gateway delivers by the local route), but the reply finds no
# route out of `public-a`, which still uses the main table. The code is `NO_ROUTE_TO_DESTINATION`:

# %% tags=["concept:vpc.reachability"]
lesson.diagnose_igw.check("NO_ROUTE_TO_DESTINATION")

# %% [markdown] tags=["concept:vpc.reachability"]
# Adding `0.0.0.0/0 → igw` to the *main* table would work, but it would also make `private-a`
# public. A custom table for `public-a` is the right repair:

# %% tags=["concept:vpc.reachability"]
vpc = broken.vpc("shop")
public_table = vpc.add_route_table("public-rt")
public_table.add_route("0.0.0.0/0", vpc.internet_gateway)
public_table.associate(vpc.subnet("public-a"))
lesson.fix_igw.check(broken)

# %% [markdown] tags=["concept:vpc.reachability"]
# ### 2. HTTPS that times out

# %% tags=["concept:vpc.reachability"]
story = SCENARIOS["nacl-no-ephemeral"]
print(story.story)
broken = story.build()
broken.analyze(*story.question)

# %% tags=["concept:vpc.reachability"]
answer = None  # ← the explanation code, e.g. "BAD_STATE_ROUTE"
lesson.diagnose_acl.check(answer)

# %% tags=["concept:vpc.reachability"]
acl = broken.vpc("blog").network_acl("web-acl")
# ← your repair here, e.g. acl.allow_outbound(...)
lesson.fix_acl.check(broken)

# %% [markdown] tags=["concept:vpc.reachability"]
# ### 3. The API that only the database may call

# %% tags=["concept:vpc.reachability"]
story = SCENARIOS["sg-wrong-reference"]
print(story.story)
broken = story.build()
broken.analyze(*story.question)

# %% tags=["concept:vpc.reachability"]
answer = None  # ← the explanation code
lesson.diagnose_sg.check(answer)

# %% tags=["concept:vpc.reachability"]
groups = {group.name: group for group in broken.vpc("shop").security_groups}
# ← your repair here, e.g. groups["app-sg"].revoke_inbound(...) and groups["app-sg"].allow_inbound(...)
lesson.fix_sg.check(broken)

# %% [markdown] tags=["concept:vpc.reachability"]
# ### 4. The API that cannot download updates

# %% tags=["concept:vpc.reachability"]
story = SCENARIOS["nat-in-private-subnet"]
print(story.story)
broken = story.build()
print(broken)
broken.analyze(*story.question)

# %% tags=["concept:vpc.reachability"]
answer = None  # ← the explanation code
lesson.diagnose_nat.check(answer)

# %% tags=["concept:vpc.reachability"]
vpc = broken.vpc("shop")
# ← your repair here: broken.delete(...) a NAT gateway, vpc.subnet(...).add_nat_gateway(...),
#   vpc.route_table("app-rt").replace_route(...)
lesson.fix_nat.check(broken)

# %% [markdown] tags=["concept:vpc.reachability"]
# ### 5. Logs that never arrive

# %% tags=["concept:vpc.reachability"]
story = SCENARIOS["transitive-peering"]
print(story.story)
broken = story.build()
broken.analyze(*story.question)

# %% tags=["concept:vpc.reachability"]
answer = None  # ← the explanation code
lesson.diagnose_peering.check(answer)

# %% tags=["concept:vpc.reachability"]
app, logs_vpc = broken.vpc("app"), broken.vpc("logs")
# ← your repair here, e.g. direct = broken.peer(app, logs_vpc, "app-logs"), then the routes on both sides
lesson.fix_peering.check(broken)

# %% [markdown] tags=["concept:vpc.reachability"]
# ### Try it
# `draw_vpc(broken, broken.analyze(*story.question))` draws any of them with the path and a ✕
# where it stops. Run `validate(broken)` on each broken model: which of the five problems does
# validation already warn about before any traffic is analyzed?

# %% [markdown] tags=["concept:ec2.ami-template"]
# ## AMIs and launch templates
# An **AMI** (Amazon Machine Image, 아마존 머신 이미지) is an image of an instance's disk: the
# operating system and everything installed. Making one of a configured server is a **backup
# image** you can relaunch from after a failure, and the starting point for copies. A **launch
# template** (시작 템플릿) saves the rest of the launch answers: which AMI, the **instance type**
# (인스턴스 유형), security groups, public IP or not. Auto Scaling (lesson 10) launches from a
# template, so every copy comes out identical.

# %% tags=["concept:ec2.ami-template"]
image = cloud.create_image(web, "web-image")
template = cloud.add_launch_template("web-template", image, "t3.small", [web_sg], public_ip=True)
copies = [subnet.launch(f"web-{subnet.az[-1]}2", template=template) for subnet in (public_a, public_c)]
for instance in [web] + copies:
    print(instance, "software:", ", ".join(instance.software), "| from", instance.ami or "a stock image")
print(cloud.analyze("the internet", copies[1], "tcp", 443).summary())

# %% [markdown] tags=["concept:ec2.ami-template"]
# ### Try it
# Launch a fourth copy from the template but override its type: `instance_type="t3.large"`. Which
# settings came from the AMI and which from the template?
#
# ### Check

# %% tags=["concept:ec2.ami-template"]
answer = None  # ← copy one option exactly
print(lesson.template_adds.prompt, lesson.template_adds.options, sep="\n")
lesson.template_adds.check(answer)

# %% tags=["concept:ec2.ami-template"]
answer = None  # ← copy one option exactly
print(lesson.ami_restore.prompt, lesson.ami_restore.options, sep="\n")
lesson.ami_restore.check(answer)

# %% [markdown] tags=["concept:ec2.scale-up-out"]
# ## Scale up or scale out
# When demand grows you can **scale up** (스케일 업): move to a bigger instance type (stop, change,
# start: minutes of downtime, and a ceiling at the largest type). Or **scale out** (스케일 아웃):
# add more identical instances from the template, spread over AZs behind a load balancer. Below,
# one day of demand served both ways, in a simple model where every vCPU serves 250 requests per
# second (an assumption for illustration), and AZ *a* fails at 19:00.

# %% tags=["concept:ec2.scale-up-out"]
day = simulate_day(failed_az_hour=19)
figure, axes = plt.subplots(figsize=(9, 3.8))
axes.plot(day.hours, day.demand, color="#0f172a", linewidth=2, label="demand")
axes.step(day.hours, day.scale_up, where="post", color="#dc2626", label=f"scale up: one {day.up_type} in AZ a")
axes.step(day.hours, day.scale_out, where="post", color="#16a34a", label=f"scale out: {day.out_type} fleet in 2 AZs")
axes.axvline(19, color="#64748b", linestyle=":")
axes.text(19.2, 4300, "AZ a fails", color="#64748b")
axes.set_ylim(0, 4600)
axes.set(xlabel="hour of the day", ylabel="requests per second", title="Capacity against demand")
axes.legend(loc="upper left")
plt.show()

# %% tags=["concept:ec2.scale-up-out"]
print("requests/s left unserved over the day: scale up", day.unserved("up"), "| scale out", day.unserved("out"))
print("fleet size by hour:", day.fleet)
for peak in (1500, 4000, 6000):
    print(f"peak {peak}: scale up to {scale_up_choice(peak) or 'nothing big enough'}, or scale out to "
          f"{instances_needed(peak, 't3.large')} t3.large over 2 AZs (surviving an AZ loss)")

# %% [markdown] tags=["concept:ec2.scale-up-out"]
# ### Try it
# Run `simulate_day(failed_az_hour=None)` and compare: without a failure, is scale up worse? Then
# try `instances_needed(6000, "t3.large", azs=3)`: why do three AZs need fewer spare instances?
#
# ### Check

# %% tags=["concept:ec2.scale-up-out"]
answer = None  # ← the total number of instances
lesson.scale_out_count.check(answer)

# %% tags=["concept:ec2.scale-up-out"]
answer = None  # ← copy one option exactly
print(lesson.scale_up_limit.prompt, lesson.scale_up_limit.options, sep="\n")
lesson.scale_up_limit.check(answer)

# %% [markdown] tags=["concept:vpc.reachability"]
# ## From the model to real packets
# Everything above was answered by a model. The course can also **build** a model as a real network
# on this machine: each subnet becomes a Linux bridge, the VPC router a namespace with one route
# table per subnet, the internet gateway a namespace doing the one-to-one NAT of public IPs,
# security groups become stateful nftables rules in each instance, network ACLs stateless rules at
# the subnet's edge, and "the internet" a host at 203.0.113.10. Here is a small VPC: `web` in a
# public subnet, `db` in a private one, `db-sg` admitting MySQL and ssh only from `web-sg`:

# %% tags=["concept:vpc.reachability"]
from helpers.aws.materialize import materialize
from helpers.experiments import l09

demo = l09.demo_cloud()
vlab = materialize(demo, "09-vpc-live").start()
vlab.names

# %% [markdown] tags=["concept:vpc.reachability"]
# The same questions go to the analyzer and, as real connections, to the kernel. Every row must
# agree; `tests/test_aws_agreement.py` asks this of hundreds of random VPCs.

# %% tags=["concept:vpc.reachability"]
vlab.compare_many([
    ("the internet", "web", "tcp", 80),     # public IP, web-sg admits HTTP
    ("the internet", "db", "tcp", 3306),    # db has no public IP
    ("web", "db", "tcp", 3306),             # db-sg admits members of web-sg
    ("db", "the internet", "tcp", 443),     # the private subnet has no route out
])

# %% [markdown] tags=["concept:vpc.reachability"]
# And with the real tools: the internet fetches web's page at its **public** IP (the internet
# gateway translates it to web's private address), and db's ping to the internet gets nothing back.

# %% tags=["concept:vpc.reachability"]
vlab.run("internet", f"curl -s --max-time 2 http://{demo.instance('web').public_ip}/")

# %% tags=["concept:vpc.reachability"]
vlab.node("db").ping("203.0.113.10", count=1)

# %% [markdown] tags=["concept:vpc.reachability"]
# ### Try it
# Ask `vlab.compare("web", "db", "tcp", 22)` (ssh through web, the jump host) and
# `vlab.compare("the internet", "web", "tcp", 22)`, and say which rule decides each. Then stop the
# lab. The mission [The VPC workshop](../labs/vpc-workshop/mission.ipynb) builds a whole VPC this
# way, and lesson 14 adds a load balancer and a NAT gateway.

# %% tags=["concept:vpc.reachability"]
vlab.stop()

# %% [markdown]
# ## Summary
# * A **VPC** is a private network in one Region (/16 to /28, best an RFC 1918 block); its
#   **subnets** each live in one AZ, and AWS keeps 5 addresses of each.
# * **Route tables** decide where packets go: the local route joins all subnets, the longest prefix
#   wins, subnets without a table of their own use the **main** table.
# * A subnet is **public** when its table routes to the **internet gateway**, which maps public
#   and Elastic IPs one to one; **NAT gateways** (in public subnets) let private instances reach
#   out, never in; a **bastion** is the door for administrators.
# * **Security groups** (allow only, stateful, per interface) and **network ACLs** (allow and
#   deny, ordered, stateless, per subnet) both filter; replies through an ACL need ephemeral ports.
# * **Peering** links two VPCs (no overlap, routes both ways, not transitive); a **transit
#   gateway** is a transitive hub; a **virtual private gateway** with a VPN or Direct Connect joins
#   your data centre.
# * The **reachability analyzer** names the component and the rule that block a path; a good fix
#   repairs that component without opening anything else.
# * **AMIs** and **launch templates** make identical instances; **scaling out** over AZs survives
#   failures that **scaling up** cannot.
#
# ## Terms

# %%
from helpers import glossary

glossary.terms("09")

# %% [markdown]
# **Next:** [10 · Load balancing and Auto Scaling](10-load-balancing.ipynb)
