"""Exercises of lesson 09 (AWS VPC): quizzes, numbers, and five broken VPCs to diagnose and fix.

The troubleshooting checks take the learner's repaired model itself: the check re-runs the
reachability analyzer on it and then looks for fixes that work but are wrong (a private subnet
made public, a port opened to the world), each with its own hint.
"""
from __future__ import annotations

from typing import Any

from helpers.aws.analyzer import EXPLANATION_CODES
from helpers.aws.model import Cloud
from helpers.aws.scenarios import SCENARIOS
from helpers.checks import AnswerFormatError, Exercise, MultipleChoice, choice, number

CODES = tuple(sorted(EXPLANATION_CODES))


def _model_judge(key: str):
    scenario = SCENARIOS[key]

    def normalize(value: Any) -> str:
        if not isinstance(value, Cloud):
            raise AnswerFormatError("Pass your repaired model itself (the Cloud object), like "
                                    "lesson.fix_something.check(broken).")
        return scenario.judge(value)

    return normalize


def _variant(key: str, change) -> Cloud:
    """A broken model with one change applied: a wrong fix the check must recognise."""
    cloud = SCENARIOS[key].build()
    change(cloud)
    return cloud


def _fix_exercise(key: str, explain: str) -> Exercise:
    scenario = SCENARIOS[key]
    return Exercise(
        f"Repair the model of '{scenario.title}' so that {scenario.question[0]} reaches {scenario.question[1]} "
        f"on {scenario.question[2]} {scenario.question[3]}, without opening anything else.",
        answer=scenario.fixed(),
        normalize=_model_judge(key),
        hints=[(variant, scenario.verdicts[status]) for status, variant in _VARIANTS[key]],
        hint="The analyzer still finds a problem; run it on your model and read the code and the sentence.",
        explain=explain,
    )


def _diagnosis(key: str, hints: dict[str, str], explain: str) -> Exercise:
    scenario = SCENARIOS[key]
    return Exercise(
        f"'{scenario.title}': which explanation code does the analyzer give?",
        answer=scenario.code,
        normalize=choice(*CODES),
        hints=list(hints.items()),
        hint="Run the analyzer on the broken model and copy the code printed after the ❌ line.",
        explain=explain,
    )


# ---------------------------------------------------------------------------- vpc.basics
largest_vpc = Exercise(
    "How many IP addresses does the largest VPC that AWS allows have?",
    answer=65536,
    normalize=number,
    hints=[(16777216, "That is a /8; AWS refuses it with InvalidVpc.Range. VPCs go from /16 to /28."),
           (16, "That is the smallest VPC, a /28. The largest is a /16."),
           (65534, "Count every address of the block: the VPC itself has no network or broadcast to subtract."),
           (65531, "AWS keeps 5 addresses per subnet, not per VPC; the VPC block still has all of them.")],
    explain="A /16 is the largest VPC: 2^16 = 65,536 addresses.",
)

vpc_isolation = MultipleChoice(
    "Two VPCs in one Region, 10.0.0.0/16 and 10.1.0.0/16, with no peering, transit gateway or VPN between them. "
    "Can an instance in one reach the other's private address?",
    ["Yes: they are in the same Region", "Yes, if both security groups allow it",
     "No: VPCs are isolated until you connect them", "Only between instances in the same AZ"],
    answer="No: VPCs are isolated until you connect them",
    hints={"Yes: they are in the same Region": "A Region holds many VPCs, each a separate network.",
           "Yes, if both security groups allow it": "Security groups filter traffic that has a path; here no route "
                                                    "leads from one VPC to the other at all.",
           "Only between instances in the same AZ": "AZs are data centres shared by many VPCs; sharing one does not "
                                                    "connect two VPCs."},
    explain="Each VPC is its own private network; only peering, a transit gateway or a VPN joins two.",
)

# ---------------------------------------------------------------------------- vpc.subnet-az
usable_in_24 = Exercise(
    "How many addresses of a /24 subnet can your instances use in AWS?",
    answer=251,
    normalize=number,
    hints=[(254, "That is a /24 on an ordinary LAN; AWS keeps 5 addresses per subnet, not 2."),
           (256, "That counts every address; AWS keeps the first four and the last one."),
           (252, "AWS keeps five: network, VPC router (+1), DNS (+2), future use (+3) and the last address.")],
    explain="256 addresses minus the 5 AWS keeps: .0 network, .1 VPC router, .2 DNS, .3 future use, .255 last.",
)

survive_az_loss = MultipleChoice(
    "Your web tier must keep running if one data centre (AZ) fails. What do you build?",
    ["One subnet that spans AZ a and AZ c", "A subnet in AZ a and one in AZ c, with web servers in both",
     "Two subnets in AZ a", "Nothing: AWS moves subnets when an AZ fails"],
    answer="A subnet in AZ a and one in AZ c, with web servers in both",
    hints={"One subnet that spans AZ a and AZ c": "A subnet lives in exactly one AZ; it cannot span two.",
           "Two subnets in AZ a": "Both would go down with AZ a.",
           "Nothing: AWS moves subnets when an AZ fails": "A subnet and its instances stay in their AZ; spreading "
                                                         "them out is your design decision."},
    explain="Subnets in two AZs talk privately over the local route, and either AZ can carry the service alone.",
)

# ---------------------------------------------------------------------------- vpc.route-table
longest_prefix = Exercise(
    "In the route table above, which target carries a packet for 10.1.5.9? Answer 'local', 'igw', 'pcx' or 'tgw'.",
    answer="tgw",
    normalize=choice("local", "igw", "pcx", "tgw"),
    hints=[("pcx", "10.1.0.0/16 matches too, but 10.1.5.0/24 matches more bits: the most specific route wins."),
           ("igw", "0.0.0.0/0 matches every address, so it is the least specific: the last resort."),
           ("local", "The local route covers 10.0.0.0/16 only; 10.1.5.9 is outside it.")],
    explain="Three routes match; the /24 is the longest prefix, so the transit gateway gets the packet.",
)

new_subnet_table = MultipleChoice(
    "You create a subnet and associate no route table with it. Which table does it use?",
    ["None: it has no routes until you associate one", "The VPC's main route table",
     "The most recently created route table", "A new table with only the local route"],
    answer="The VPC's main route table",
    hints={"None: it has no routes until you associate one": "Every subnet always uses exactly one table.",
           "The most recently created route table": "Creation order does not matter; only associations do.",
           "A new table with only the local route": "No table is created for it; it follows the main table, "
                                                    "including any route you add there later."},
    explain="Subnets without an explicit association follow the main table, which is why adding an internet route "
            "to the main table can make every such subnet public.",
)

# ---------------------------------------------------------------------------- vpc.public-private
public_subnet = MultipleChoice(
    "What makes a subnet public?",
    ["Its instances have public IP addresses", "Its route table has a route to an internet gateway",
     "Its network ACL allows 0.0.0.0/0", "It is in the first AZ of the Region"],
    answer="Its route table has a route to an internet gateway",
    hints={"Its instances have public IP addresses": "A public IP in a subnet without a route to the internet "
                                                     "gateway is useless: replies cannot get out.",
           "Its network ACL allows 0.0.0.0/0": "The default ACL allows 0.0.0.0/0 in every subnet, public or not.",
           "It is in the first AZ of the Region": "Any AZ can hold public and private subnets."},
    explain="AWS defines it that way: a subnet whose route table sends traffic to an internet gateway is public.",
)

# ---------------------------------------------------------------------------- vpc.igw
igw_missing_piece = MultipleChoice(
    "An instance in a public subnet, whose security group allows 443 from anywhere, is unreachable from the "
    "internet; the analyzer says IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS. What is missing?",
    ["A public IP or Elastic IP on the instance", "A NAT gateway", "A route 0.0.0.0/0 to the internet gateway",
     "An outbound security group rule for the replies"],
    answer="A public IP or Elastic IP on the instance",
    hints={"A NAT gateway": "A NAT gateway only lets private instances start connections outwards; nothing comes "
                            "in through it.",
           "A route 0.0.0.0/0 to the internet gateway": "The subnet is public, so it has that route; the code names "
                                                        "the gateway's ingress check instead.",
           "An outbound security group rule for the replies": "Security groups are stateful: replies need no rule."},
    explain="The internet gateway translates public IPs to private ones one to one; without a public IP there is "
            "nothing on the internet to send to.",
)

# ---------------------------------------------------------------------------- vpc.nat-gw
nat_direction = MultipleChoice(
    "Through a NAT gateway, who can start a connection?",
    ["Only the private instances, outwards", "Anyone on the internet, to the NAT gateway's Elastic IP",
     "Both, like an internet gateway"],
    answer="Only the private instances, outwards",
    hints={"Anyone on the internet, to the NAT gateway's Elastic IP": "A NAT gateway drops unsolicited inbound "
                                                                      "traffic; only replies come back.",
           "Both, like an internet gateway": "The internet gateway is two-way for instances with public IPs; the NAT "
                                             "gateway is one-way."},
    explain="The NAT gateway remembers each outbound connection and lets only its replies back in.",
)

nat_placement = MultipleChoice(
    "Where must a public NAT gateway live?",
    ["In the private subnet it serves", "In a public subnet (route 0.0.0.0/0 → internet gateway)",
     "Outside the VPC", "Anywhere: placement does not matter"],
    answer="In a public subnet (route 0.0.0.0/0 → internet gateway)",
    hints={"In the private subnet it serves": "Its translated traffic follows its own subnet's route table; a "
                                              "private subnet has no way to the internet gateway.",
           "Outside the VPC": "A NAT gateway is created in a subnet of your VPC.",
           "Anywhere: placement does not matter": "Placement is the whole point: see broken VPC number four below."},
    explain="Private subnets route 0.0.0.0/0 to the NAT gateway; the NAT gateway's public subnet routes it on to "
            "the internet gateway.",
)

# ---------------------------------------------------------------------------- vpc.bastion
bastion_key = MultipleChoice(
    "You reach the private app server with `ssh -J ec2-user@<bastion> ec2-user@<app>` (ProxyJump). Where does the "
    "app server's private key have to be?",
    ["Only on your own computer", "Copied onto the bastion", "On the app server", "In the bastion's security group"],
    answer="Only on your own computer",
    hints={"Copied onto the bastion": "That works (and many tutorials do it), but whoever breaks into the bastion "
                                      "then holds the key to every private server. ProxyJump avoids it.",
           "On the app server": "The app server holds the *public* key; the private key stays with you.",
           "In the bastion's security group": "Security groups hold traffic rules, not keys."},
    explain="ProxyJump tunnels your SSH session through the bastion; authentication to the app server still happens "
            "from your computer.",
)

bastion_rule = Exercise(
    "app-sg needs an inbound rule for tcp 22 so that only the bastion can SSH in. Which source should it name? "
    "Answer 'bastion-sg', 'web-sg', '10.0.0.0/16' or '0.0.0.0/0'.",
    answer="bastion-sg",
    normalize=choice("bastion-sg", "web-sg", "10.0.0.0/16", "0.0.0.0/0"),
    hints=[("0.0.0.0/0", "That lets the whole internet try; the app server is private, but still: name the bastion."),
           ("10.0.0.0/16", "That lets every instance of the VPC in, web servers included."),
           ("web-sg", "That admits the web servers, not the bastion.")],
    explain="Referencing bastion-sg admits exactly the instances in that group, whatever their addresses.",
)

# ---------------------------------------------------------------------------- vpc.sg
sg_stateful = MultipleChoice(
    "web-sg allows inbound tcp 443 from anywhere and has no outbound rules at all. Do the HTTPS replies get out?",
    ["Yes: security groups are stateful", "No: without an outbound rule nothing leaves",
     "Only if an outbound rule allows ports 1024-65535"],
    answer="Yes: security groups are stateful",
    hints={"No: without an outbound rule nothing leaves": "Nothing *new* leaves; replies to allowed connections are "
                                                          "tracked and always pass.",
           "Only if an outbound rule allows ports 1024-65535": "That is what a stateless network ACL needs, not a "
                                                               "security group."},
    explain="A security group remembers the connection, so the reply passes whatever the outbound rules say.",
)

sg_new_default = MultipleChoice(
    "You create a security group and add no rules. What does it allow?",
    ["Nothing in, everything out", "Everything in, nothing out", "Nothing either way",
     "Everything from instances in the same group"],
    answer="Nothing in, everything out",
    hints={"Everything in, nothing out": "The other way round: inbound is closed until you allow something.",
           "Nothing either way": "A new group comes with one outbound rule: all traffic to 0.0.0.0/0.",
           "Everything from instances in the same group": "That is the VPC's *default* security group, which "
                                                          "references itself."},
    explain="Inbound starts closed (allow rules only), outbound starts with 'all traffic to 0.0.0.0/0'.",
)

# ---------------------------------------------------------------------------- vpc.nacl
nacl_order = Exercise(
    "In the ACL above, which inbound rule decides a TCP packet from 203.0.113.7 to port 22? Answer its number, "
    "or '*'.",
    answer="90",
    normalize=choice("90", "100", "200", "*"),
    hints=[("100", "Rule 100 matches too, but rules are evaluated from the lowest number: 90 comes first."),
           ("200", "Evaluation stops at the first match, long before 200."),
           ("*", "The '*' rule only decides when no numbered rule matched; 90 matches.")],
    explain="Rule 90 (deny tcp 22 from 203.0.113.0/24) is the lowest-numbered match, so the packet is dropped.",
)


def _port_range(value: Any) -> tuple[int, int]:
    if isinstance(value, int) and not isinstance(value, bool):
        return (value, value)
    if isinstance(value, str):
        parts = value.replace(" ", "").split("-")
        if len(parts) in (1, 2) and all(p.isdigit() for p in parts):
            low, high = int(parts[0]), int(parts[-1])
            if 0 <= low <= high <= 65535:
                return (low, high)
    raise AnswerFormatError("Answer with a port range in quotes, like '1024-65535'.")


nacl_ephemeral = Exercise(
    "A Linux instance in a subnet with a custom network ACL opens HTTPS connections to the internet. Which "
    "destination port range must the ACL allow inbound so that the replies get in? Answer like '1024-65535'.",
    answer="32768-60999",
    normalize=_port_range,
    accept=lambda ports: 1024 <= ports[0] <= 32768 and 60999 <= ports[1] <= 65535,
    hints=[("443", "443 is the server's port, the *source* port of the replies; they go to the client's ephemeral "
                   "port."),
           ("49152-65535", "That is Windows' ephemeral range; Linux picks source ports from 32768-60999."),
           ("1024-32767", "Linux clients use 32768-60999; this range misses all of it.")],
    explain="Linux picks source ports from 32768-60999, so replies arrive on those ports; AWS's own advice, "
            "1024-65535, covers every client.",
)

one_acl_per_subnet = MultipleChoice(
    "How many network ACLs can one subnet be associated with at a time?",
    ["Exactly one", "Up to five, like security groups on an interface", "As many as you like, evaluated in order"],
    answer="Exactly one",
    hints={"Up to five, like security groups on an interface": "That quota is for security groups per network "
                                                               "interface.",
           "As many as you like, evaluated in order": "Rules inside one ACL are ordered; a subnet has one ACL."},
    explain="One ACL per subnet (the default one unless you choose), but one ACL may serve many subnets.",
)

# ---------------------------------------------------------------------------- vpc.sg-vs-nacl
block_one_range = MultipleChoice(
    "You must block one abusive address range while everyone else may still connect. Which can do it?",
    ["A network ACL (it has deny rules)", "A security group", "Both"],
    answer="A network ACL (it has deny rules)",
    hints={"A security group": "Security groups only allow; you cannot subtract one range from 0.0.0.0/0.",
           "Both": "Only network ACLs have deny rules."},
    explain="Put a low-numbered deny rule for the range before the allow rule.",
)

same_subnet_filter = MultipleChoice(
    "Two instances in the same subnet talk to each other. What filters that traffic?",
    ["Their security groups only", "The subnet's network ACL only", "Both", "Neither"],
    answer="Their security groups only",
    hints={"The subnet's network ACL only": "ACLs filter traffic entering or leaving the subnet; this never leaves.",
           "Both": "The network ACL is at the subnet's edge; traffic inside the subnet does not cross it.",
           "Neither": "Security groups sit on each network interface, so they always apply."},
    explain="Security groups wrap each interface; network ACLs guard the subnet's border.",
)

which_stateful = MultipleChoice(
    "Which of the two remembers connections (is stateful)?",
    ["The security group", "The network ACL", "Both", "Neither"],
    answer="The security group",
    hints={"The network ACL": "ACLs are stateless: each packet, replies included, is judged by the rules alone.",
           "Both": "Only the security group tracks connections.",
           "Neither": "The security group does: that is why replies need no outbound rule."},
    explain="Stateful security groups pass replies automatically; stateless ACLs need rules for both directions.",
)

# ---------------------------------------------------------------------------- vpc.peering
peering_overlap = MultipleChoice(
    "Can you peer a VPC of 10.0.0.0/16 with one of 10.0.128.0/17?",
    ["No: the blocks overlap, so the peering fails", "Yes, as long as no two subnets overlap",
     "Yes, if the VPCs are in different Regions"],
    answer="No: the blocks overlap, so the peering fails",
    hints={"Yes, as long as no two subnets overlap": "AWS compares the VPC blocks, not the subnets.",
           "Yes, if the VPCs are in different Regions": "Overlap rules out peering within a Region and across Regions."},
    explain="10.0.128.0/17 lies inside 10.0.0.0/16; routes could never tell the two apart, so AWS refuses.",
)

peering_routes = MultipleChoice(
    "A peering connection between A and B is active. What else do A's instances need to reach B's?",
    ["Routes to the other VPC over the peering in both VPCs, and rules that allow the traffic",
     "Nothing: peering adds the routes itself", "A NAT gateway in each VPC", "An internet gateway in B"],
    answer="Routes to the other VPC over the peering in both VPCs, and rules that allow the traffic",
    hints={"Nothing: peering adds the routes itself": "You add routes to the peering yourself, on both sides.",
           "A NAT gateway in each VPC": "NAT gateways do not carry traffic from peered VPCs.",
           "An internet gateway in B": "Peering traffic stays on AWS's private network."},
    explain="Both route tables (there and back) plus security groups and ACLs that admit the traffic.",
)

# ---------------------------------------------------------------------------- vpc.transit-gw
mesh_count = Exercise(
    "How many peering connections join 5 VPCs so that every one can reach every other?",
    answer=10,
    normalize=number,
    hints=[(5, "5 is the number of transit gateway attachments for the same job; peering needs one link per pair."),
           (20, "One peering connection carries both directions, so count each pair once."),
           (25, "A VPC does not peer with itself, and each pair needs one connection.")],
    explain="Every pair needs its own connection: 5 × 4 / 2 = 10. A transit gateway needs 5 attachments.",
)

tgw_transitive = MultipleChoice(
    "VPCs A, B and C are attached to one transit gateway with default association and propagation. Can A reach C?",
    ["Yes: the transit gateway routes between all its attachments", "No: like peering, it is not transitive",
     "Only if A also peers with C"],
    answer="Yes: the transit gateway routes between all its attachments",
    hints={"No: like peering, it is not transitive": "That is the difference: a transit gateway is a router with "
                                                     "its own route table, a hub for everyone attached.",
           "Only if A also peers with C": "No peering needed; each VPC's block is propagated into the hub's table."},
    explain="Every attachment's CIDR is propagated into the default route table, so any attachment reaches any other "
            "(subnets still need a route to the transit gateway).",
)

# ---------------------------------------------------------------------------- vpc.vgw-hybrid
vpn_vs_dx = MultipleChoice(
    "Which connects your data centre to AWS over a dedicated private line instead of encrypted tunnels over the "
    "internet?",
    ["AWS Direct Connect", "AWS Site-to-Site VPN", "An internet gateway", "VPC peering"],
    answer="AWS Direct Connect",
    hints={"AWS Site-to-Site VPN": "A Site-to-Site VPN runs IPsec tunnels across the internet.",
           "An internet gateway": "That connects a VPC to the internet, not to your data centre privately.",
           "VPC peering": "Peering joins two VPCs, not a VPC and your data centre."},
    explain="Direct Connect is a physical connection; a VPN is encrypted tunnels over the internet. Both can end "
            "at a virtual private gateway or a transit gateway.",
)

vgw_routes = MultipleChoice(
    "The VPN is up, yet instances cannot reach 192.168.0.0/16 on-premises; the analyzer says "
    "NO_ROUTE_TO_DESTINATION at the subnet's route table. What fixes it?",
    ["Enable route propagation from the virtual private gateway (or add a static route to it)",
     "Attach an internet gateway", "Allow 192.168.0.0/16 in the security group", "Add a NAT gateway"],
    answer="Enable route propagation from the virtual private gateway (or add a static route to it)",
    hints={"Attach an internet gateway": "On-premises addresses are private; the internet gateway will not carry them.",
           "Allow 192.168.0.0/16 in the security group": "The packet stops at the route table, before any rule.",
           "Add a NAT gateway": "NAT is for reaching the internet, not your own network."},
    explain="The route table needs a route for the on-premises block pointing at the virtual private gateway.",
)

# ---------------------------------------------------------------------------- vpc.reachability: five broken VPCs
_VARIANTS = {
    "missing-igw-route": [
        ("still-blocked", SCENARIOS["missing-igw-route"].build()),
        ("private-exposed", _variant("missing-igw-route",
                                     lambda c: c.vpc("shop").main.add_route("0.0.0.0/0", c.vpc("shop").internet_gateway))),
    ],
    "nacl-no-ephemeral": [
        ("still-blocked", SCENARIOS["nacl-no-ephemeral"].build()),
        ("partial-range", _variant("nacl-no-ephemeral", lambda c: c.vpc("blog").network_acl("web-acl").allow_outbound(
            110, "tcp", "32768-60999", "0.0.0.0/0"))),
        ("acl-replaced", _variant("nacl-no-ephemeral",
                                  lambda c: c.vpc("blog").default_acl.associate(c.vpc("blog").subnet("public-a")))),
    ],
    "sg-wrong-reference": [
        ("still-blocked", SCENARIOS["sg-wrong-reference"].build()),
        ("too-open", _variant("sg-wrong-reference", lambda c: c.vpc("shop").security_group("app-sg").allow_inbound(
            "tcp", 8080, "0.0.0.0/0"))),
        ("cidr-instead", _variant("sg-wrong-reference", lambda c: c.vpc("shop").security_group("app-sg").allow_inbound(
            "tcp", 8080, "10.0.1.0/24"))),
        ("web-groups-changed", _variant("sg-wrong-reference", lambda c: c.instance("web").add_security_group(
            c.vpc("shop").security_group("db-sg")))),
    ],
    "nat-in-private-subnet": [
        ("still-blocked", SCENARIOS["nat-in-private-subnet"].build()),
        ("data-public", _variant("nat-in-private-subnet", lambda c: c.vpc("shop").route_table("data-rt").add_route(
            "0.0.0.0/0", c.vpc("shop").internet_gateway))),
        ("api-public", _variant("nat-in-private-subnet", lambda c: c.vpc("shop").route_table("app-rt").replace_route(
            "0.0.0.0/0", c.vpc("shop").internet_gateway))),
    ],
    "transitive-peering": [
        ("still-transitive", SCENARIOS["transitive-peering"].build()),
        ("no-return-route", _variant("transitive-peering", lambda c: c.vpc("app").main.replace_route(
            "10.3.0.0/16", c.peer(c.vpc("app"), c.vpc("logs"), "app-logs")))),
    ],
}

diagnose_igw = _diagnosis("missing-igw-route", {
    "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS": "web has a public IP (see the translate rows); read the row marked drop.",
    "ENI_SG_RULES_MISMATCH": "web-sg let the request in; the trouble is on the way back.",
    "SUBNET_ACL_RESTRICTION": "The default network ACL allows everything, both ways.",
}, "The request reaches web, but its reply finds no route out of public-a.")

fix_igw = _fix_exercise("missing-igw-route", "public-a now has its own table with 0.0.0.0/0 → the internet gateway, "
                                             "and private-a stays private.")

diagnose_acl = _diagnosis("nacl-no-ephemeral", {
    "ENI_SG_RULES_MISMATCH": "The security group is stateful and let the reply out; look at the network ACL row.",
    "NO_ROUTE_TO_DESTINATION": "The reply never reaches the route table; something stops it first.",
}, "The reply leaves on port 443 towards the browser's ephemeral port, and web-acl has no outbound rule for it.")

fix_acl = _fix_exercise("nacl-no-ephemeral", "Outbound tcp 1024-65535 lets the replies reach any client; "
                                             "the inbound side still admits only 443.")

diagnose_sg = _diagnosis("sg-wrong-reference", {
    "SUBNET_ACL_RESTRICTION": "Both subnets use the default network ACL, which allows everything.",
    "NO_ROUTE_TO_DESTINATION": "The local route covers the whole VPC; the packet gets to api and stops there.",
}, "app-sg only admits port 8080 from members of db-sg, and web is in web-sg.")

fix_sg = _fix_exercise("sg-wrong-reference", "app-sg now admits 8080 from web-sg, whatever addresses the web "
                                             "servers get.")

diagnose_nat = _diagnosis("nat-in-private-subnet", {
    "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS": "The NAT gateway has an Elastic IP; the packet never even reaches the "
                                            "internet gateway.",
    "NGW_REQUIRES_SOURCE_IN_VPC": "api is in the NAT gateway's own VPC; that check passes.",
}, "After translation the NAT gateway follows data-a's route table, which has no way out.")

fix_nat = _fix_exercise("nat-in-private-subnet", "The NAT gateway now lives in public-a, whose table leads to the "
                                                 "internet gateway; app-a and data-a stay private.")

diagnose_peering = _diagnosis("transitive-peering", {
    "NO_ROUTE_TO_DESTINATION": "app's table does have a route for 10.3.0.0/16; look at where it sends the packet.",
    "ENI_SG_RULES_MISMATCH": "The packet never reaches log-server's security group.",
}, "The app-shared peering only carries traffic between app and shared: 10.3.1.4 is in neither.")

fix_peering = _fix_exercise("transitive-peering", "app and logs now have their own peering, with routes over it on "
                                                  "both sides.")

# ---------------------------------------------------------------------------- ec2.ami-template
template_adds = MultipleChoice(
    "What does a launch template hold that an AMI does not?",
    ["The disk contents: operating system and installed software",
     "Launch settings: instance type, security groups, public IP choice",
     "A backup schedule", "Nothing; they are two names for one thing"],
    answer="Launch settings: instance type, security groups, public IP choice",
    hints={"The disk contents: operating system and installed software": "That is exactly what the AMI holds.",
           "A backup schedule": "Neither schedules anything; AWS Backup or Data Lifecycle Manager do that.",
           "Nothing; they are two names for one thing": "An AMI is an image of a disk; a template is a saved set of "
                                                        "launch answers that points at an AMI."},
    explain="The template names the AMI and adds everything else a launch needs, so every copy comes out the same.",
)

ami_restore = MultipleChoice(
    "web's disk is corrupted. You made an AMI of it last night. What do you get by launching from the AMI?",
    ["A new instance with last night's OS and software", "The same instance, repaired in place",
     "Only the security groups and instance type", "An empty instance"],
    answer="A new instance with last night's OS and software",
    hints={"The same instance, repaired in place": "Launching always creates a new instance (with a new private IP "
                                                   "unless you choose one).",
           "Only the security groups and instance type": "Those are launch settings (a template's job), not disk "
                                                         "contents.",
           "An empty instance": "The AMI is a copy of the disk, so the software comes with it."},
    explain="An AMI is a backup image: launching it gives a fresh instance whose disk is last night's copy.",
)

# ---------------------------------------------------------------------------- ec2.scale-up-out
scale_out_count = Exercise(
    "Peak load is 6,000 requests/s and one t3.large serves 500 (2 vCPUs × 250). The fleet is split evenly over two "
    "AZs and must carry the peak even after losing one AZ. How many instances in total?",
    answer=24,
    normalize=number,
    hints=[(12, "12 carry the peak only while both AZs are up; lose one and 6 remain, serving 3,000."),
           (6, "6 carry 3,000 requests/s; the peak is 6,000, and one AZ may fail."),
           (13, "Split evenly over two AZs: each AZ alone must carry the peak.")],
    explain="Each AZ alone needs 6,000 / 500 = 12 instances, so 24 in total: half of them idle until an AZ fails.",
)

scale_up_limit = MultipleChoice(
    "Why can scaling up (a bigger instance) alone not keep a service running through an AZ outage?",
    ["An instance lives in one AZ: bigger is still one place", "Bigger instances are slower to answer",
     "AWS does not allow large instances in two AZs"],
    answer="An instance lives in one AZ: bigger is still one place",
    hints={"Bigger instances are slower to answer": "They are faster; the trouble is that there is only one.",
           "AWS does not allow large instances in two AZs": "You may run any type in any AZ that offers it; "
                                                            "one instance is still in one AZ."},
    explain="Scale up also has a ceiling (the largest type) and needs a restart; scale out spreads the risk.",
)
