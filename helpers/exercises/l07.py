"""Exercises of lesson 07 (HTTP and DNS)."""
from __future__ import annotations

from helpers.checks import AnswerFormatError, Exercise, MultipleChoice, number, sequence_of, text


def zone(value) -> str:
    """'com', 'com.', 'COM.' -> 'com.'; '.' stays the root."""
    if not isinstance(value, str) or not value.strip():
        raise AnswerFormatError(f"Answer with a zone name in quotes, like 'com.' or '.'; got {value!r}.")
    cleaned = value.strip().lower()
    return "." if cleaned == "." else cleaned.rstrip(".") + "."


def header_name(value) -> str:
    if not isinstance(value, str) or not value.strip() or " " in value.strip():
        raise AnswerFormatError(f"Answer with one header name in quotes, like 'Content-Type'; got {value!r}.")
    return value.strip().rstrip(":").lower()


redirect_header = Exercise(
    "`curl -I` shows 'HTTP/1.1 301 Moved Permanently'. Which header tells the client where to go instead?",
    answer="Location",
    normalize=header_name,
    hints=[("Cache-Control", "Cache-Control says how long the redirect itself may be remembered, not where it goes."),
           ("Expires", "Expires is about how long a copy stays fresh."),
           ("Server", "Server names the software that answered.")],
    explain="Location: the new address. Browsers follow it at once (curl needs -L); a 301 may be cached for "
            "as long as Cache-Control allows.",
)

whose_fault = MultipleChoice(
    "A health check gets 503 Service Unavailable from a web server. Where is the problem?",
    ["on the server side: it is up but cannot serve right now", "in the client's request",
     "the network: the server is unreachable", "DNS: the name does not resolve"],
    answer="on the server side: it is up but cannot serve right now",
    hints={"in the client's request": "Client errors are 4xx (400, 403, 404). 5xx means the server failed.",
           "the network: the server is unreachable": "An unreachable server sends no status code at all: curl "
                                                     "would say 'Connection refused' or time out.",
           "DNS: the name does not resolve": "Then curl would fail before connecting ('Could not resolve host')."},
    explain="Any status code proves the network, DNS and TCP work: a server answered. 5xx says that server (or "
            "one behind it) failed; 503 often means overloaded or in maintenance (see Retry-After).",
)

max_age_days = Exercise(
    "The seed's google.com redirect said 'Cache-Control: public, max-age=2592000'. For how many days may it "
    "be cached?",
    answer=30,
    normalize=number,
    hints=[(2592000, "max-age counts seconds; convert to days (86,400 seconds per day)."),
           (720, "That is hours; divide by 24 once more.")],
    explain="2,592,000 s / 86,400 s per day = 30 days (the Expires header said the same as a date).",
)

resolution_order = Exercise(
    "In which order does a resolver with an empty cache ask about www.google.com? List the zones whose "
    "servers it asks, e.g. ['a.', 'b.', 'c.'].",
    answer=[".", "com.", "google.com."],
    normalize=sequence_of(zone),
    hints=[(["google.com.", "com.", "."], "That is the order you read the name in. The resolver starts at the "
                                         "top of the tree, the root, and works down: right to left."),
           (["com.", "google.com."], "Where does the resolver learn who serves com.? It starts one step higher."),
           ([".", "com.", "google.com.", "www.google.com."], "www.google.com is a name inside the google.com. "
                                                             "zone, not a zone of its own here: google.com.'s "
                                                             "servers answer for it.")],
    explain="Root first (it knows who serves com.), then com. (it knows who serves google.com.), then "
            "google.com.'s own servers, which answer for www.google.com.",
)

tld_of = Exercise(
    "What is the top-level domain of www.example.co.kr? (e.g. 'com')",
    answer="kr",
    normalize=zone,
    hints=[("co.kr", "co.kr is a zone under kr (a second level that Korea uses for companies); the TLD is the "
                     "last label only."),
           ("example.co.kr", "That is the domain a company registers; the TLD is the rightmost label."),
           ("www", "www is the leftmost label: the most specific part, a host name.")],
    explain="kr, the country-code TLD of Korea. Read right to left: kr., co.kr., example.co.kr., www.example.co.kr.",
)

root_names = Exercise(
    "How many root server names are there (a.root-servers.net, b.root-servers.net ...)?",
    answer=13,
    normalize=number,
    hints=[(1, "The lab has one root server, but the real root has more names than that."),
           (12, "12 organisations run them, but Verisign runs two names (a and j)."),
           (26, "One name per letter, but they stop well before z.")],
    explain="13 names, a to m; each is hundreds of machines around the world sharing one address (anycast), "
            "so there are far more than 13 servers.",
)

non_authoritative = MultipleChoice(
    "nslookup prints 'Non-authoritative answer:' above the address. What does that mean?",
    ["the server that answered does not own the zone: it found the answer (or had it cached)",
     "the answer is probably wrong", "the name was not found", "the answer came from /etc/hosts"],
    answer="the server that answered does not own the zone: it found the answer (or had it cached)",
    hints={"the answer is probably wrong": "It is the same record; only the messenger differs. (It can be a bit "
                                           "older, up to its TTL.)",
           "the name was not found": "Then nslookup would say NXDOMAIN ('can't find').",
           "the answer came from /etc/hosts": "nslookup talks to a DNS server only; it never reads /etc/hosts."},
    explain="Only the zone's own (authoritative) servers set the AA flag. A resolver's answers never have it, "
            "so nslookup calls them non-authoritative.",
)

who_sets_aa = MultipleChoice(
    "Resolving www.example.com in the lab, which server's reply carried the aa (authoritative answer) flag?",
    ["the example.com. server (ns1)", "the root server", "the com. TLD server", "the resolver (res)"],
    answer="the example.com. server (ns1)",
    hints={"the root server": "The root did not answer the question; it referred the resolver to com.'s servers. "
                              "Referrals are not authoritative answers.",
           "the com. TLD server": "com. only knows who serves example.com.: it sent a referral.",
           "the resolver (res)": "A resolver relays what it found or cached; it never owns the zone."},
    explain="Only ns1 holds the example.com. zone, so only its answer is authoritative.",
)

upstream_count = Exercise(
    "With an empty cache, how many queries did the resolver send to other servers to resolve www.example.com?",
    answer=3,
    normalize=number,
    hints=[(8, "8 is every message in the capture; count only the resolver's own queries (to root, com. and "
               "example.com.)."),
           (4, "Don't count the client's query to the resolver; count the resolver's queries to other servers."),
           (1, "One query would be enough only if the resolver already knew example.com.'s server (from its cache).")],
    explain="Three: the root (referral to com.), com. (referral to example.com.) and ns1 (the answer). Asking "
            "for another name in example.com. afterwards takes only one: the referrals are cached too.",
)

ttl_left = Exercise(
    "A resolver cached www.example.com (TTL 300) 120 seconds ago. What TTL does it report now?",
    answer=180,
    normalize=number,
    hints=[(300, "300 is the TTL the authoritative server gave; a cache counts it down."),
           (420, "The TTL counts down, not up: it is how long the record may still be used.")],
    explain="300 - 120 = 180 seconds left; at 0 the record is dropped and the next question goes upstream again.",
)

ipv6_record = MultipleChoice(
    "Which record type holds a name's IPv6 address?",
    ["AAAA", "A", "CNAME", "NS"],
    answer="AAAA",
    hints={"A": "An A record holds an IPv4 address (4 bytes).",
           "CNAME": "A CNAME points one name at another name (an alias).",
           "NS": "NS names the servers of a zone."},
    explain="AAAA, 'quad A': four times the size of an A record's address (16 bytes for IPv6 vs 4 for IPv4).",
)

hosts_wins = MultipleChoice(
    "The lab client's /etc/hosts says '203.0.113.99 www.example.com'; DNS says 203.0.113.80. With "
    "'hosts: files dns', what does a lookup return, and what goes out on port 53?",
    ["203.0.113.99, and no DNS packet is sent", "203.0.113.80, because DNS is authoritative",
     "both addresses", "203.0.113.99, but DNS is asked too, to check"],
    answer="203.0.113.99, and no DNS packet is sent",
    hints={"203.0.113.80, because DNS is authoritative": "nsswitch.conf decides the order: 'files' comes first, "
                                                         "and the first source that knows the name wins.",
           "both addresses": "The lookup stops at the first source that has an answer.",
           "203.0.113.99, but DNS is asked too, to check": "Nothing checks /etc/hosts against DNS; that is why a "
                                                           "forgotten hosts line can confuse for months."},
    explain="/etc/hosts answers first and the lookup ends there: the capture on port 53 stays empty.",
)

dns_transport = MultipleChoice(
    "`tcpdump -nni eth0 port 53` in the lab showed the DNS messages. What carried them?",
    ["UDP, one datagram per question and per answer", "TCP, with a handshake per query", "ICMP", "HTTP"],
    answer="UDP, one datagram per question and per answer",
    hints={"TCP, with a handshake per query": "The capture shows no SYN or ACK: each query and each response is "
                                              "a single UDP datagram. DNS uses TCP only for large answers and zone "
                                              "transfers.",
           "ICMP": "ICMP carries error reports and pings, not DNS.",
           "HTTP": "DNS is its own protocol on port 53 (DNS over HTTPS exists, on port 443)."},
    explain="UDP port 53: that is where Route 53's name comes from (lesson 11).",
)

flush_then = MultipleChoice(
    "You flush the local DNS cache (resolvectl flush-caches, or the lab's flush) and look the name up again. "
    "What happens?",
    ["the query goes to the resolver again; the resolver may still answer from its own cache",
     "the root servers are asked again, always", "the lookup fails until the TTL runs out",
     "/etc/hosts is cleared"],
    answer="the query goes to the resolver again; the resolver may still answer from its own cache",
    hints={"the root servers are asked again, always": "Flushing clears this machine's cache only. The resolver "
                                                       "(10.0.0.53) keeps its own cache and its own TTLs.",
           "the lookup fails until the TTL runs out": "A flush only forgets; the next lookup simply asks again.",
           "/etc/hosts is cleared": "/etc/hosts is a file you edit; no cache flush touches it."},
    explain="Every cache on the way is separate: the local stub, the resolver, and (in a browser) the "
            "browser's own. A flush empties one of them.",
)
