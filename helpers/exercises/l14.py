"""Exercises of lesson 14 (capstone: a plausible infrastructure)."""
from helpers.checks import Exercise, MultipleChoice, number
from helpers.display import Box


def ask(question) -> Box:
    """The question as a note, with numbered options for multiple choice."""
    text = question.prompt
    if isinstance(question, MultipleChoice):
        text += "\n" + "\n".join(f"  {n}. {option}" for n, option in enumerate(question.options))
    return Box(text, "info")


# ---------------------------------------------------------------------------- design
admin_usable = Exercise(
    "The plan gives admin-a a /28. How many addresses in it can instances use on AWS?",
    answer=11,
    normalize=number,
    hints=[(16, "16 is every address of a /28; some of them are not yours to give to instances."),
           (14, "14 is the classic count (minus network and broadcast). AWS keeps five per subnet: the network "
                "address, the VPC router (.1), DNS (.2), one reserved for the future (.3) and the last one."),
           (13, "Count AWS's reserved addresses again: the first four and the last one.")],
    hint="A /28 has 16 addresses; AWS reserves the first four and the last one of every subnet.",
    explain="16 − 5 = 11: enough for a bastion and a few admin tools, which is why the plan asked for 10.",
)

# ---------------------------------------------------------------------------- analysis
web_blocker = MultipleChoice(
    "The internet cannot open tcp/80 on web-a. Which component stops it first?",
    ["web-sg", "the internet gateway: web-a has no public IP, so there is nothing to map to it",
     "admin-acl", "the NAT gateway"],
    answer="the internet gateway: web-a has no public IP, so there is nothing to map to it",
    hints={"web-sg": "web-sg would stop it too (it admits HTTP only from lb-sg), but the packet never gets that "
                     "far: look at the 'blocked at' column for the internet → web-a flows.",
           "admin-acl": "admin-acl guards only the admin subnets; web-a lives in private-a, on the default ACL.",
           "the NAT gateway": "A NAT gateway only carries connections out of the VPC; it never lets one in. The "
                              "packet is stopped before, at the edge of the VPC."},
    explain="Without a public IP an instance has no address on the internet at all: the internet gateway lets in "
            "only traffic for a mapped public IP (IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS). web-sg is a second "
            "layer behind it: defence in depth.",
)

db_client = MultipleChoice(
    "db-sg admits tcp 5432 from web-sg. Which of these can open tcp/5432 on db?",
    ["lb-a", "web-c", "bastion", "the internet"],
    answer="web-c",
    hints={"lb-a": "lb-a is in lb-sg, not web-sg; a rule that names a group matches only that group's members.",
           "bastion": "The bastion may open ssh (22) to db, not the database port: db-sg admits 5432 from web-sg "
                      "only.",
           "the internet": "db has no public IP and sits in a subnet without a route to the internet gateway."},
    explain="web-c is a member of web-sg, and the rule matches members wherever they are, even across AZs.",
)

# ---------------------------------------------------------------------------- break and fix
acl_number = MultipleChoice(
    "admin-acl has 'allow tcp 22 from 203.0.113.0/25' as rule 100. You want to add 'deny tcp 22 from 0.0.0.0/0' "
    "so nobody else gets in. Which rule number keeps the admin office in?",
    ["90", "99", "100", "200"],
    answer="200",
    hints={"90": "Rules are tried from the lowest number up and the first match decides: 90 matches the office "
                 "too, before the allow is reached. That is the drill's broken ACL.",
           "99": "99 still comes before 100, so the deny matches the office first.",
           "100": "One direction of an ACL cannot have two rules with the same number; AWS refuses it."},
    explain="Any number above 100 puts the deny after the allow: the office matches rule 100 first, everyone "
            "else falls through to the deny (which the final '*' rule would do anyway).",
)

open_sg = MultipleChoice(
    "Someone adds 'tcp 80 from 0.0.0.0/0' to web-sg. Who can open tcp/80 on web-a now that could not before?",
    ["the whole internet", "any instance inside the VPC, e.g. db, skipping the load balancer",
     "nobody: web-a has no public IP, so nothing changes"],
    answer="any instance inside the VPC, e.g. db, skipping the load balancer",
    hints={"the whole internet": "The internet gateway still has no public IP to map to web-a: look at the "
                                 "internet → web-a row of the drill.",
           "nobody: web-a has no public IP, so nothing changes":
               "From the internet, nothing changes; but 0.0.0.0/0 also covers every private address in the VPC. "
               "Look at the db → web-a row."},
    explain="That is why it is a security finding rather than an outage: every test of the design still passes, "
            "yet a compromised instance anywhere in the VPC can now talk to the web servers directly.",
)
