"""Exercises of lesson 11 (DNS with Route 53)."""
from helpers.checks import Exercise, MultipleChoice, choice, number, set_of, text, yes_no
from helpers.display import Box


def ask(question) -> Box:
    """The question as a note, with numbered options for multiple choice."""
    body = question.prompt
    if isinstance(question, MultipleChoice):
        body += "\n" + "\n".join(f"  {n}. {option}" for n, option in enumerate(question.options))
    return Box(body, "info")


def _record_type(value) -> str:
    return text(value).upper().strip()


# ---------------------------------------------------------------------------- r53.basics
why_53 = MultipleChoice(
    "Why is Amazon's DNS service called Route 53?",
    ["DNS servers answer on port 53 (UDP, and TCP for large answers)", "it was the 53rd AWS service",
     "it has name servers in 53 countries", "a DNS name may have at most 53 characters"],
    answer="DNS servers answer on port 53 (UDP, and TCP for large answers)",
    hints={"it was the 53rd AWS service": "The number is older than AWS: think of lesson 06's well-known ports.",
           "it has name servers in 53 countries": "Route 53's servers are spread over many more places; the "
                                                  "number comes from the protocol.",
           "a DNS name may have at most 53 characters": "Names may be 253 characters long (63 per label); the "
                                                        "53 is a port number."},
    explain="DNS is the service on port 53, as dig's queries in the lab show; AWS named the service after it "
            "(and after the US highways called Route 66 and so on).",
)

zone_records = Exercise(
    "Which two record types does Route 53 create by itself in every new hosted zone? "
    "(a list, like ['A', 'MX'])",
    answer=["NS", "SOA"],
    normalize=set_of(_record_type),
    hints=[(lambda s: s == frozenset({"NS"}), "NS is one; the other describes the zone itself: its start of "
                                              "authority."),
           (lambda s: s == frozenset({"SOA"}), "SOA is one; the other lists the zone's four name servers."),
           (lambda s: "A" in s or "AAAA" in s or "CNAME" in s,
            "Address and alias records are yours to create; Route 53 adds the records that describe the zone.")],
    hint="Look at the first two lines of zone.table(): they exist before you add anything.",
    explain="NS (the four name servers that answer for the zone) and SOA (the zone's start of authority).",
)

apex_record = MultipleChoice(
    "example.com (the zone apex itself) should lead to your load balancer, "
    "my-alb-123.ap-northeast-2.elb.amazonaws.com. Which record do you create?",
    ["a CNAME record to the load balancer's name", "an alias record to the load balancer",
     "an A record with the load balancer's current IP address", "an NS record naming the load balancer"],
    answer="an alias record to the load balancer",
    hints={"a CNAME record to the load balancer's name": "A CNAME must be alone at its name, and the apex already "
                                                         "has NS and SOA records: Route 53 refuses it there.",
           "an A record with the load balancer's current IP address": "A load balancer's addresses change without "
                                                                      "notice; the record would go stale.",
           "an NS record naming the load balancer": "NS records delegate a zone to name servers; a load balancer "
                                                    "does not answer DNS."},
    explain="An alias record is allowed at the apex and answers with the load balancer's current addresses "
            "(Route 53 looks them up for you, and does not charge for alias queries to AWS resources).",
)

registrar_step = MultipleChoice(
    "You registered example.com at another registrar and created a Route 53 hosted zone for it. What makes "
    "the world's resolvers ask Route 53 about example.com?",
    ["nothing: the hosted zone is enough", "setting the domain's name servers, at the registrar, to the "
     "hosted zone's four NS values", "adding an A record for example.com in the hosted zone",
     "pointing your laptop's /etc/resolv.conf at Route 53"],
    answer="setting the domain's name servers, at the registrar, to the hosted zone's four NS values",
    hints={"nothing: the hosted zone is enough": "Resolvers start at the root and the com. servers (lesson 07); "
                                                 "those only know the name servers the registrar gave them.",
           "adding an A record for example.com in the hosted zone": "Records in the zone help only once resolvers "
                                                                    "find the zone.",
           "pointing your laptop's /etc/resolv.conf at Route 53": "That changes one laptop's resolver; Route 53's "
                                                                  "name servers are authoritative, not resolvers."},
    explain="The registrar puts NS records for example.com into the com. zone (the delegation); they must name "
            "the hosted zone's servers. Registering with Route 53 does this for you.",
)

# ---------------------------------------------------------------------------- r53.simple
simple_first = Exercise(
    "A simple record holds three addresses. Out of 300 answers, about how many start with the address you "
    "typed first?",
    answer=100,
    normalize=number,
    accept=lambda n: 90 <= n <= 110,
    hints=[(300, "Route 53 does not keep your order: it returns the values in random order every time."),
           (0, "The first address is as likely as the others to come first."),
           (lambda n: n < 90, "Three values, random order: each comes first in about a third of the answers."),
           (lambda n: n > 110, "Three values, random order: each comes first in about a third of the answers.")],
    explain="Random order: each of three values comes first about 300 / 3 = 100 times (the lab counted it).",
)

simple_dead_server = MultipleChoice(
    "One of the three web servers behind a simple record crashes. What does Route 53 answer?",
    ["only the two working addresses", "all three addresses, the dead one included",
     "SERVFAIL until you fix the record", "the dead address first"],
    answer="all three addresses, the dead one included",
    hints={"only the two working addresses": "That needs health checks, and simple records cannot have any; "
                                             "weighted, latency, failover (and multivalue) records can.",
           "SERVFAIL until you fix the record": "Route 53 answers from the record as it is; it does not know the "
                                                "server died.",
           "the dead address first": "The order stays random; Route 53 knows nothing about the server."},
    explain="Simple routing never checks health: a third of the clients try the dead server first. Use routing "
            "with health checks for that.",
)

# ---------------------------------------------------------------------------- r53.weighted
green_share = Exercise(
    "app.example.com has weighted records blue (weight 3), green (weight 1) and spare (weight 0). "
    "What percentage of answers is green?",
    answer=25,
    normalize=number,
    accept=lambda n: abs(n - 25) < 0.01,
    hints=[(lambda n: abs(n - 100 / 3) < 0.5, "That counts spare as a third record; weight 0 is never chosen while "
                                              "others have weight above 0."),
           (50, "Weights are shares of the sum: 1 / (3 + 1 + 0)."),
           (0.25, "Answer in percent: 0.25 is the fraction."),
           (1, "The weight is 1, but the share is weight / sum of weights.")],
    hint="Share = weight / sum of the weights.",
    explain="1 / (3 + 1 + 0) = 25%; the lab's 100 queries gave green 25.",
)

canary_queries = Exercise(
    "A new version gets weight 1, the old one weight 255. Out of 25,600 queries, about how many get the new "
    "version?",
    answer=100,
    normalize=number,
    accept=lambda n: 90 <= n <= 110,
    hints=[(1, "The weight is 1; the share is 1 / (1 + 255) of the queries."),
           (lambda n: 12000 <= n <= 13600, "Weights 1 and 255 are not half and half: the share is 1 / 256.")],
    hint="Share = 1 / (1 + 255); multiply by the number of queries.",
    explain="1 / 256 of 25,600 = 100: a canary sees a little real traffic; raise its weight step by step.",
)

all_zero = MultipleChoice(
    "Three weighted records of one name ALL have weight 0. What does Route 53 do?",
    ["answers NXDOMAIN: no record may be chosen", "answers each record with equal probability",
     "always answers the first record", "refuses to save weight 0"],
    answer="answers each record with equal probability",
    hints={"answers NXDOMAIN: no record may be chosen": "Weight 0 means 'never' only while some other record has "
                                                        "a weight above 0.",
           "always answers the first record": "Weighted records have no order; Route 53 draws at random.",
           "refuses to save weight 0": "0 is a valid weight (0-255); it is how you drain a record."},
    explain="The AWS rule: if every record has weight 0, traffic goes to all of them with equal probability.",
)

zero_fallback = MultipleChoice(
    "Weighted records: two with weight 1 and one with weight 0, all three with health checks. Both weight-1 "
    "records become unhealthy; the weight-0 one is healthy. What does Route 53 answer?",
    ["the weight-0 record", "one of the two unhealthy weight-1 records", "nothing (NODATA)",
     "any of the three at random"],
    answer="the weight-0 record",
    hints={"one of the two unhealthy weight-1 records": "Route 53 skips unhealthy records while any healthy one "
                                                        "is left, and one is.",
           "nothing (NODATA)": "Route 53 prefers an answer: records with weight 0 are the reserve.",
           "any of the three at random": "Health checks filter first; only one record is healthy."},
    explain="Route 53 first considers the records with a weight above 0; when all of those are unhealthy it "
            "considers the weight-0 records: a standby without a failover policy.",
)

# ---------------------------------------------------------------------------- r53.latency
sao_paulo = Exercise(
    "api.example.com has latency records in us-east-1 and eu-central-1 only. Using the course's latency "
    "table, which region answers a resolver in São Paulo?",
    answer="us-east-1",
    normalize=choice("us-east-1", "eu-central-1", "sa-east-1"),
    hints=[("sa-east-1", "São Paulo's own region would be closest, but there is no record there; Route 53 picks "
                         "among the regions that have records."),
           ("eu-central-1", "Compare the two round trips: 120 ms to us-east-1, 200 ms to eu-central-1.")],
    explain="Lowest latency among the regions with records: us-east-1 (120 ms) beats eu-central-1 (200 ms).",
)

latency_from = MultipleChoice(
    "Latency routing picks the region with the lowest latency from where?",
    ["from the user's browser, measured at every query", "from the DNS resolver that asks Route 53 (or the "
     "client subnet it passes on)", "from the web servers", "from Route 53's own data centre"],
    answer="from the DNS resolver that asks Route 53 (or the client subnet it passes on)",
    hints={"from the user's browser, measured at every query": "Route 53 never sees the browser: it sees the "
                                                               "resolver's query, and measures nothing per query.",
           "from the web servers": "The servers are where traffic goes, not where it comes from.",
           "from Route 53's own data centre": "Route 53 answers from everywhere; it is the asker's place that "
                                              "matters."},
    explain="Route 53 knows the resolver's address (and, with EDNS Client Subnet, part of the user's) and looks "
            "the latency up in its own measurements between networks and regions. In the lab, the two clients "
            "got different answers to the same question.",
)

# ---------------------------------------------------------------------------- r53.failover
detect_seconds = Exercise(
    "A failover primary's health check runs every 10 s with failure threshold 3. The web server dies just after "
    "a passed check. After how many seconds, at most, does Route 53 start answering the secondary?",
    answer=30,
    normalize=number,
    hints=[(10, "One failed check is not enough: the threshold asks for 3 in a row."),
           (90, "That would be the standard 30-second interval; this check is a fast one (10 s)."),
           (20, "Count again: checks at 10, 20 and 30 s fail; the third one flips the status.")],
    hint="The status changes after 'failure threshold' failed checks, one per interval.",
    explain="Checks at 10, 20 and 30 s fail; after the third Route 53 calls the primary unhealthy: 30 s.",
)

every_user_moved = Exercise(
    "Same failover pair, with TTL 60 on the records. At most how many seconds after the crash has every "
    "user's resolver stopped handing out the primary's address?",
    answer=90,
    normalize=number,
    hints=[(30, "That is when Route 53 changes its answer; resolvers that asked just before keep the old one for "
                "its TTL."),
           (60, "That is the TTL alone; the health check needs time first."),
           (120, "The health check takes 3 x 10 s here, not 60 s.")],
    hint="Detection time plus the time a cached answer may live.",
    explain="30 s to detect + 60 s of caching = 90 s. That is why AWS recommends a TTL of 60 s or less on "
            "records with health checks.",
)

both_unhealthy = MultipleChoice(
    "In a failover pair, both the primary and the secondary are unhealthy. What does Route 53 answer?",
    ["the primary", "the secondary", "NXDOMAIN", "SERVFAIL"],
    answer="the primary",
    hints={"the secondary": "The secondary answers when only the primary is unhealthy.",
           "NXDOMAIN": "The name exists; Route 53 still answers with an address.",
           "SERVFAIL": "Route 53 answers: when every record of a group is unhealthy it treats them all as healthy."},
    explain="All unhealthy counts as all healthy, and then the primary wins: a health check that is wrong (or a "
            "network problem near the checkers) never takes the whole name off the internet.",
)

eighteen_percent = Exercise(
    "16 health checkers check a server; 3 of them say healthy, 13 say unhealthy. Does Route 53 consider it "
    "healthy? (True or False)",
    answer=True,
    normalize=yes_no,
    hints=[(False, "3 / 16 = 18.75%, which is more than 18%.")],
    explain="Healthy while more than 18% of the checkers say so: a problem seen from most places, not from "
            "a few, takes an endpoint out.",
)
