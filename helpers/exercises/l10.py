"""Exercises of lesson 10 (load balancing and Auto Scaling)."""
from helpers.checks import Exercise, MultipleChoice, choice, ip_address, number
from helpers.display import Box


def ask(question) -> Box:
    """The question as a note, with numbered options for multiple choice."""
    text = question.prompt
    if isinstance(question, MultipleChoice):
        text += "\n" + "\n".join(f"  {n}. {option}" for n, option in enumerate(question.options))
    return Box(text, "info")

# ---------------------------------------------------------------------------- lb.concept
purpose = MultipleChoice(
    "Three web servers sit behind one load balancer. Which statement is true?",
    ["the servers must run the same application, so any of them can answer any client",
     "each server runs a different part of the site, and the load balancer adds them up",
     "the load balancer answers the requests itself when it is not busy",
     "clients must pick the least busy server themselves"],
    answer="the servers must run the same application, so any of them can answer any client",
    hints={"each server runs a different part of the site, and the load balancer adds them up":
           "Load balancing spreads one job over servers that all do that job. (Sending /api to other "
           "servers is routing between target groups, and each group is again servers doing the same job.)",
           "the load balancer answers the requests itself when it is not busy":
           "The load balancer passes requests on; the servers behind it do the work.",
           "clients must pick the least busy server themselves":
           "Clients only know one address, the load balancer's; it picks the server for them."},
    explain="Any server can answer, so the balancer may send each request to whichever it likes, and one "
            "server failing leaves the others serving.",
)

# ---------------------------------------------------------------------------- lb.round-robin
rr_share = Exercise(
    "Four healthy servers, round robin, 1000 requests. How many requests does each server get?",
    answer=250,
    normalize=number,
    hints=[(1000, "That is all the requests; round robin shares them out in turn."),
           (4, "That is the number of servers; how many requests land on each one?"),
           (25, "25% is the share; answer with the number of requests.")],
    hint="Round robin gives every server one request in turn: 1000 divided by the number of servers.",
    explain="Round robin takes turns, so each of the four gets exactly 1000 / 4 = 250.",
)

slow_server = MultipleChoice(
    "One of three servers answers six times slower than the others. Which algorithm sends it fewer requests?",
    ["round robin", "least outstanding requests", "neither: both send it a third"],
    answer="least outstanding requests",
    hints={"round robin": "Round robin takes turns without looking at how busy a server is: a third each.",
           "neither: both send it a third": "Look at the simulation: requests pile up at the slow server, and "
                                            "one algorithm counts them."},
    explain="A slow server keeps more requests in progress, so 'least outstanding requests' picks it less often.",
)

# ---------------------------------------------------------------------------- lb.l4-vs-l7
keepalive_servers = Exercise(
    "Through HAProxy in mode tcp (layer 4) with three servers, one curl sends 6 requests over ONE kept-alive "
    "connection. How many different servers answer?",
    answer=1,
    normalize=number,
    hints=[(3, "That is what layer 7 does: it reads each request. Layer 4 only sees one connection."),
           (6, "There are only three servers; and a layer 4 balancer chooses once per connection.")],
    hint="A layer 4 balancer picks a server when the connection opens and never looks inside it.",
    explain="Layer 4 balances connections: one connection, one server, however many requests travel in it.",
)

needs_l7 = MultipleChoice(
    "You want /api/* served by the API servers and everything else by the web servers. What kind of "
    "load balancing do you need?",
    ["layer 4 (IP addresses and ports)", "layer 7 (HTTP: paths, hosts, headers, cookies)"],
    answer="layer 7 (HTTP: paths, hosts, headers, cookies)",
    hints={"layer 4 (IP addresses and ports)":
           "The path is inside the HTTP request; a layer 4 balancer forwards bytes without reading them "
           "(in the lab, /api/orders reached a web server and got 404)."},
    explain="Only a balancer that reads HTTP can route by path: an ALB, or HAProxy in mode http.",
)

# ---------------------------------------------------------------------------- elb.components
listener_part = MultipleChoice(
    "Which part of an ELB load balancer holds the protocol and port it accepts connections on?",
    ["target group", "listener", "rule", "target"],
    answer="listener",
    hints={"target group": "A target group holds the targets, their health check and the algorithm.",
           "rule": "A rule belongs to a listener and picks a target group by the request's content.",
           "target": "A target is one instance (or IP) that serves requests."},
    explain="A listener is a protocol and port (HTTP:80, HTTPS:443) plus the rules that decide what happens.",
)

# ---------------------------------------------------------------------------- elb.flow
rule_match = Exercise(
    "The shop ALB has rule 10 (path /api/* -> api), rule 20 (host admin.shop.example -> admin) and the "
    "default (web). Which target group gets GET /api/users with Host: admin.shop.example?",
    answer="api",
    normalize=choice("web", "api", "admin"),
    hints=[("admin", "Rule 20 matches too, but rule 10 has the lower number: rules are checked in priority "
                     "order and the first match wins."),
           ("web", "The default rule only applies when no other rule matches; here rule 10 does.")],
    explain="Rules are evaluated lowest number first; rule 10 matches the path, so rule 20 is never reached.",
)

after_receive = MultipleChoice(
    "An ALB listener has just received a request. What does the load balancer do next?",
    ["pick a target by round robin", "evaluate the listener's rules to choose a target group",
     "run a health check on every target", "send the response to the client"],
    answer="evaluate the listener's rules to choose a target group",
    hints={"pick a target by round robin": "Round robin picks inside a target group, so the group comes first.",
           "run a health check on every target": "Health checks run all the time, on their own schedule, not "
                                                 "per request.",
           "send the response to the client": "There is no response yet: no target has seen the request."},
    explain="Receive, choose a target group (rules), pick a healthy target, and return the target's response.",
)

# ---------------------------------------------------------------------------- elb.health-checks
detect_time = Exercise(
    "An ALB target group checks every 30 s with an unhealthy threshold of 2. A target crashes just after "
    "a passed check. At most how many seconds until it stops getting requests?",
    answer=60,
    normalize=number,
    hints=[(30, "One failed check is not enough: the unhealthy threshold asks for 2 failures in a row."),
           (150, "That is how long coming back takes (healthy threshold 5 x 30 s)."),
           (5, "5 s is the timeout of one check, not the time to be taken out.")],
    hint="Count the checks: it is taken out after 'unhealthy threshold' failed checks, one per interval.",
    explain="Two failed checks 30 s apart: the second comes at most 60 s after the crash.",
)

recover_time = Exercise(
    "Same target group (every 30 s, healthy threshold 5). The target is fixed just after a failed check. "
    "At most how many seconds until it gets requests again?",
    answer=150,
    normalize=number,
    hints=[(60, "That is the time to be taken out (2 failures); coming back needs the healthy threshold."),
           (30, "One passed check is only enough for a brand-new target; a failed one needs 5 in a row.")],
    hint="It must pass 'healthy threshold' checks in a row, one per interval.",
    explain="Five passed checks 30 s apart: up to 150 s. Taking out is quick, putting back is careful.",
)

# ---------------------------------------------------------------------------- elb.cross-zone
cross_zone_share = Exercise(
    "AZ a has 4 targets, AZ b has 1. Cross-zone load balancing is OFF and DNS splits clients evenly "
    "between the two nodes. What percentage of all traffic does the single target in AZ b get? "
    "(a number, like 12.5)",
    answer=50,
    normalize=number,
    hints=[(20, "20% is what it gets with cross-zone ON (1 of 5 targets). With it off, b's node keeps its half."),
           (12.5, "12.5% is what each target in AZ a gets (half of the traffic over 4 targets)."),
           (100, "It only gets the traffic that reaches AZ b's node: half of all clients.")],
    hint="Without cross-zone, each node keeps its share inside its own AZ: how much reaches AZ b's node?",
    explain="Node b gets half the clients and has one target, so that target gets 50%; a's four share the other half.",
)

cross_zone_default = MultipleChoice(
    "Which load balancer has cross-zone load balancing OFF unless you turn it on?",
    ["Application Load Balancer", "Network Load Balancer", "both", "neither"],
    answer="Network Load Balancer",
    hints={"Application Load Balancer": "An ALB always balances across zones at the load balancer level "
                                        "(it can be switched off per target group only).",
           "both": "The ALB has it on by default.", "neither": "One of them has it off by default."},
    explain="ALB: on (and no inter-AZ charge). NLB and GWLB: off by default; turning it on adds inter-AZ data charges.",
)

# ---------------------------------------------------------------------------- elb.types
pick_type = MultipleChoice(
    "A game server speaks its own protocol over UDP, needs a fixed IP address for players' firewalls, and "
    "must see each player's real address. Which load balancer fits?",
    ["Classic Load Balancer", "Application Load Balancer", "Network Load Balancer", "Gateway Load Balancer"],
    answer="Network Load Balancer",
    hints={"Application Load Balancer": "An ALB speaks only HTTP and HTTPS, has no static IP, and connects to "
                                        "targets from its own address.",
           "Classic Load Balancer": "The CLB is the previous generation: no UDP and no static IP.",
           "Gateway Load Balancer": "A GWLB feeds traffic through firewall appliances; it is not a front door "
                                    "for a game."},
    explain="NLB: TCP and UDP at layer 4, one static (Elastic) IP per AZ, and the client's address preserved.",
)

appliances = MultipleChoice(
    "All traffic entering a VPC must pass through a fleet of third-party firewall appliances. Which load "
    "balancer spreads it over them?",
    ["Application Load Balancer", "Network Load Balancer", "Gateway Load Balancer"],
    answer="Gateway Load Balancer",
    hints={"Application Load Balancer": "An ALB ends HTTP connections; firewalls need the original packets.",
           "Network Load Balancer": "An NLB is a front door for a service; a GWLB sits in the route path and "
                                    "hands whole IP packets (in GENEVE) to appliances."},
    explain="GWLB works at layer 3: route tables send packets to its endpoint, it keeps each flow on one appliance.",
)

source_seen = Exercise(
    "In the lab, with HAProxy in mode http, which address did the web servers see as the client's "
    "(the 'client' field of /whoami)?",
    answer="10.0.1.1",
    normalize=ip_address,
    hints=[("203.0.113.10", "That is the real client; it travelled in the X-Forwarded-For header. The TCP "
                            "connection itself came from the load balancer."),
           ("203.0.113.1", "That is the load balancer's public side; it talks to the servers from its private "
                           "side.")],
    hint="A layer 7 balancer opens its own connection to the server: from which of its addresses?",
    explain="HAProxy (like an ALB) connects from its own private address; the client's goes in X-Forwarded-For.",
)

# ---------------------------------------------------------------------------- elb.sticky
sticky_failover = MultipleChoice(
    "A client's stickiness cookie names web2, and web2 fails its health checks. What happens to the "
    "client's next request?",
    ["it gets an error, because the cookie names web2", "it still goes to web2",
     "it goes to a healthy server, and the answer carries a new cookie"],
    answer="it goes to a healthy server, and the answer carries a new cookie",
    hints={"it gets an error, because the cookie names web2":
           "Stickiness is a preference, not a promise: an unhealthy target is never chosen.",
           "it still goes to web2": "Look at the lab: with web2 down, the requests carrying AWSALB=web2 went "
                                    "to web1 and web3."},
    explain="The balancer picks a healthy target and re-issues the cookie; whatever web2 kept in memory is lost.",
)

# ---------------------------------------------------------------------------- elb.ssl-offload
tls_where = MultipleChoice(
    "An ALB has an HTTPS:443 listener with a certificate and forwards to an HTTP:80 target group. Where "
    "does traffic travel encrypted?",
    ["between the client and the load balancer only", "between the load balancer and the targets only",
     "all the way from the client to the target", "nowhere"],
    answer="between the client and the load balancer only",
    hints={"all the way from the client to the target": "The target group speaks HTTP: the load balancer "
                                                        "decrypts and forwards plain requests (the capture showed "
                                                        "'GET /whoami' readable on the inside).",
           "between the load balancer and the targets only": "The client's side uses the HTTPS listener, so it "
                                                             "is the encrypted one.",
           "nowhere": "The client speaks HTTPS to port 443."},
    explain="TLS ends at the load balancer (TLS offload); an HTTPS target group would re-encrypt to the targets.",
)

# ---------------------------------------------------------------------------- asg.autoscaling
base_size = Exercise(
    "An Auto Scaling group has min 2, max 15. It grew to 11 instances for the evening peak. How many "
    "instances run at 03:00 the next night, when CPU has been low for hours?",
    answer=2,
    normalize=number,
    hints=[(11, "Scale in happens too: when the load drops, the group removes instances."),
           (0, "Scale in stops at the minimum size, the group's base."),
           (15, "15 is the maximum; the group only goes there when the load needs it.")],
    hint="Scale in removes instances until the minimum size, and no further.",
    explain="Auto Scaling returns to the base (minimum) size once the load is gone.",
)

cooldown = MultipleChoice(
    "Why does a simple scaling policy wait for a cooldown after adding instances?",
    ["to save money by scaling less often",
     "to let the new instances start and the CPU settle before deciding again",
     "because AWS limits how many instances you may launch per hour"],
    answer="to let the new instances start and the CPU settle before deciding again",
    hints={"to save money by scaling less often": "Its purpose is not cost: without it the alarm, still high "
                                                  "while new instances boot, would add even more.",
           "because AWS limits how many instances you may launch per hour": "It is a setting of the policy "
                                                                             "(default 300 s), not an AWS limit."},
    explain="Until new instances serve, CPU stays high; reacting again too soon over-scales. Step and target "
            "tracking policies count warming-up instances instead.",
)

scale_out_count = Exercise(
    "One 'large' instance serves 100 requests per second. How many large instances does scaling OUT need "
    "for a peak of 700 requests per second?",
    answer=7,
    normalize=number,
    hints=[(1, "One bigger instance is scaling UP; scaling out adds more of the same size."),
           (8, "7 x 100 already covers 700."),
           (70, "Each instance serves 100 per second, not 10.")],
    hint="Divide the peak by what one instance serves, and round up.",
    explain="700 / 100 = 7 instances behind the load balancer; losing one costs a seventh of the capacity.",
)
