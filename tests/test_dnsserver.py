"""helpers.dns: zones, the resolver and its cache, the servers on the wire, the narrated lookup.

Expectations are written from the DNS rules (RFC 1034 4.3.2) and the zone texts below, not read
back from the code; the live test checks the servers with `dig`, an independent DNS client.
"""
from __future__ import annotations

import re
import sys

import pytest
from dnslib import DNSRecord

from helpers.dns import AnswerPolicy, Cache, Record, Resolver, RoundRobin, Zone, ZoneError
from helpers.dns.lookup import candidates, hosts_match, parse_nsswitch, parse_resolv_conf
from helpers.dns.server import AuthoritativeServer, ForwardingServer, RecursiveServer, load_policy
from helpers.dns.zone import absolute, parent_names
from helpers.sim.dns import COM_ZONE, EXAMPLE_ZONE, ROOT_ZONE, course_hierarchy, message_flow, name_parts

EXAMPLE = Zone.from_text(EXAMPLE_ZONE)
COM = Zone.from_text(COM_ZONE)
ROOT = Zone.from_text(ROOT_ZONE)


# ---------------------------------------------------------------------------- names

def test_names_are_canonical_and_walk_up_to_the_root():
    assert absolute("WWW.Example.com") == "www.example.com."
    assert absolute(".") == "."
    assert parent_names("www.example.com") == ["www.example.com.", "example.com.", "com.", "."]
    assert [zone for zone, _ in name_parts("www.google.com")] == [".", "com.", "google.com.", "www.google.com."]
    assert name_parts("www.google.com")[1][1].startswith("top-level")


@pytest.mark.parametrize("bad", ["", "a..b", "has space.com", "x" * 64 + ".com", None])
def test_bad_names_are_one_sentence_errors(bad):
    with pytest.raises(ZoneError) as error:
        absolute(bad)
    assert str(error.value).endswith(".")


# ---------------------------------------------------------------------------- zones

def test_answer_is_authoritative_with_the_records():
    found = EXAMPLE.lookup("www.example.com", "A")
    assert found.kind == "answer" and found.aa and found.rcode == "NOERROR"
    assert [(r.name, r.rtype, r.ttl, r.value) for r in found.answers] == [("www.example.com.", "A", 300, "203.0.113.80")]
    assert EXAMPLE.lookup("www.example.com", "AAAA").answers[0].value == "2001:db8::80"


def test_referral_carries_the_child_servers_and_glue_and_is_not_authoritative():
    found = COM.lookup("www.example.com", "A")
    assert found.kind == "referral" and not found.aa
    assert [(r.name, r.rtype, r.value) for r in found.authority] == [("example.com.", "NS", "ns1.example.com.")]
    assert [(r.name, r.value) for r in found.additional] == [("ns1.example.com.", "198.51.100.30")]
    # The root refers to com., whatever is asked below it.
    assert ROOT.lookup("anything.example.com", "AAAA").authority[0].name == "com."


def test_missing_name_and_missing_type_are_told_apart_with_the_soa():
    nx = EXAMPLE.lookup("nope.example.com", "A")
    nodata = EXAMPLE.lookup("www.example.com", "MX")
    assert nx.kind == "nxdomain" and nx.rcode == "NXDOMAIN" and nx.aa
    assert nodata.kind == "nodata" and nodata.rcode == "NOERROR" and nodata.aa
    # Negative answers may be cached for min(SOA TTL, SOA minimum) = min(300, 60).
    assert nx.authority[0].rtype == "SOA" and nx.authority[0].ttl == 60


def test_empty_non_terminal_is_nodata_not_nxdomain():
    zone = Zone.from_text("""
        $ORIGIN example.net.
        @ 60 IN SOA ns admin 1 2 3 4 60
        @ 60 IN NS ns
        ns 60 IN A 192.0.2.1
        a.b.c 60 IN A 192.0.2.9
    """)
    assert zone.lookup("b.c.example.net").kind == "nodata"
    assert zone.lookup("x.example.net").kind == "nxdomain"


def test_cname_is_followed_inside_the_zone():
    found = EXAMPLE.lookup("shop.example.com", "A")
    assert [(r.rtype, r.value) for r in found.answers] == [("CNAME", "www.example.com."), ("A", "203.0.113.80")]


def test_names_outside_the_zone_are_refused():
    assert EXAMPLE.lookup("www.example.org").kind == "refused"


@pytest.mark.parametrize("text, words", [
    ("$ORIGIN x.com.\n@ IN NS ns\nns IN A 192.0.2.1", "SOA"),
    ("$ORIGIN x.com.\n@ IN SOA ns a 1 2 3 4 5\nns IN A 192.0.2.1", "NS record"),
    ("$ORIGIN x.com.\n@ IN SOA ns a 1 2 3 4 5\n@ IN NS ns\nother.org. IN A 192.0.2.1", "outside the zone"),
    ("$ORIGIN x.com.\n@ IN SOA ns a 1 2 3 4 5\n@ IN NS ns\n@ IN SRV 1 1 80 www", "not supported"),
])
def test_broken_zones_are_refused_with_the_reason(text, words):
    with pytest.raises(ZoneError, match=words):
        Zone.from_text(text)


def test_policies_choose_which_records_answer():
    text = """
        $ORIGIN pool.test.
        @ 60 IN SOA ns admin 1 2 3 4 60
        @ 60 IN NS ns
        ns 60 IN A 192.0.2.1
        www 60 IN A 192.0.2.10
        www 60 IN A 192.0.2.20
        www 60 IN A 192.0.2.30
    """
    plain = Zone.from_text(text)
    assert [r.value for r in plain.lookup("www.pool.test").answers] == ["192.0.2.10", "192.0.2.20", "192.0.2.30"]
    rotating = Zone.from_text(text, policy=RoundRobin())
    firsts = [rotating.lookup("www.pool.test").answers[0].value for _ in range(4)]
    assert firsts == ["192.0.2.10", "192.0.2.20", "192.0.2.30", "192.0.2.10"]

    class OnlyHealthy(AnswerPolicy):  # the shape a failover policy will have
        def __init__(self, down):
            self.down = down
            self.seen = []

        def select(self, question, records):
            self.seen.append((question.name, question.rtype, question.client))
            return [r for r in records if r.value not in self.down]

    policy = OnlyHealthy({"192.0.2.10", "192.0.2.20", "192.0.2.30"})
    guarded = Zone.from_text(text, policy=policy)
    assert guarded.lookup("www.pool.test", client="10.0.0.53").kind == "nodata"
    assert policy.seen == [("www.pool.test.", "A", "10.0.0.53")]
    # NS records describe the zone and are never filtered by a policy.
    assert guarded.lookup("pool.test", "NS").answers[0].value == "ns.pool.test."


def test_policy_factories_load_from_the_command_line_spec(tmp_path):
    config = tmp_path / "policy.json"
    config.write_text("{}")
    module = tmp_path / "mypolicy.py"
    module.write_text("from helpers.dns.zone import RoundRobin\n"
                      "def make(config):\n    return RoundRobin()\n"
                      "def wrong(config):\n    return 42\n")
    sys.path.insert(0, str(tmp_path))
    try:
        assert isinstance(load_policy("mypolicy:make", str(config)), RoundRobin)
        with pytest.raises(SystemExit, match="not an AnswerPolicy"):
            load_policy("mypolicy:wrong", None)
        with pytest.raises(SystemExit, match="package.module:factory"):
            load_policy("no-colon", None)
    finally:
        sys.path.remove(str(tmp_path))


# ---------------------------------------------------------------------------- the cache

def test_cache_counts_ttl_down_and_forgets_at_zero():
    now = [100.0]
    cache = Cache(clock=lambda: now[0])
    cache.put("www.example.com", "A", [Record("www.example.com.", "A", 300, "203.0.113.80")])
    now[0] += 120.4
    hit = cache.get("www.example.com", "A")
    assert hit.remaining == 180 and hit.records[0].ttl == 180
    now[0] += 179.5  # 299.9 s after storing: 1 second left
    assert cache.get("www.example.com", "A").remaining == 1
    now[0] += 0.2  # 300.1 s: gone
    assert cache.get("www.example.com", "A") is None
    assert (cache.hits, cache.misses) == (2, 1)


def test_ttl_zero_is_not_cached_and_flush_empties():
    cache = Cache(clock=lambda: 0.0)
    cache.put("a.test", "A", [Record("a.test.", "A", 0, "192.0.2.1")])
    assert cache.get("a.test", "A") is None
    cache.put("b.test", "A", [Record("b.test.", "A", 10, "192.0.2.2")])
    cache.put("c.test", "A", [], rcode="NXDOMAIN", ttl=60)
    assert len(cache) == 2 and cache.flush() == 2 and len(cache) == 0


# ---------------------------------------------------------------------------- resolution

def test_resolution_walks_root_tld_authority_then_uses_the_cache():
    world = course_hierarchy()
    resolver = world.resolver()
    first = resolver.resolve("www.example.com")
    assert first.addresses == ["203.0.113.80"] and first.rcode == "NOERROR"
    assert [(s.server, s.outcome) for s in first.steps] == [
        ("198.51.100.10", "referral"), ("198.51.100.20", "referral"), ("198.51.100.30", "answer")]
    assert [s.aa for s in first.steps] == [False, False, True]
    resolver.advance(100)
    again = resolver.resolve("www.example.com")
    assert again.from_cache and again.answers[0].ttl == 200
    # Another name of the same zone: the referrals are cached, one query is enough.
    blog = resolver.resolve("blog.example.com")
    assert blog.queries == 1 and blog.steps[0].server == "198.51.100.30"
    assert {s.address: s.queries for s in world.servers.values()} == {
        "198.51.100.10": 1, "198.51.100.20": 1, "198.51.100.30": 2}


def test_short_ttl_expires_and_negative_answers_are_cached():
    resolver = course_hierarchy().resolver()
    resolver.resolve("api.example.com")
    resolver.advance(2.9)
    assert resolver.resolve("api.example.com").from_cache
    resolver.advance(0.2)
    assert resolver.resolve("api.example.com").queries == 1
    missing = resolver.resolve("nope.example.com")
    assert missing.rcode == "NXDOMAIN" and missing.queries == 1
    assert resolver.resolve("nope.example.com").from_cache
    resolver.advance(61)  # the SOA minimum is 60 s
    assert resolver.resolve("nope.example.com").queries == 1
    assert resolver.resolve("www.example.org").rcode == "NXDOMAIN"  # the lab's root knows no org.


def test_cname_chain_is_resolved_and_reported():
    result = course_hierarchy().resolver().resolve("shop.example.com")
    assert [r.rtype for r in result.answers] == ["CNAME", "A"] and result.addresses == ["203.0.113.80"]


def test_cname_to_another_zone_is_chased_there():
    alias = Zone.from_text("""
        $ORIGIN alias.test.
        @ 60 IN SOA ns admin 1 2 3 4 60
        @ 60 IN NS ns
        ns 60 IN A 192.0.2.2
        go 60 IN CNAME www.target.test.
    """)
    target = Zone.from_text("""
        $ORIGIN target.test.
        @ 60 IN SOA ns admin 1 2 3 4 60
        @ 60 IN NS ns
        ns 60 IN A 192.0.2.3
        www 60 IN A 192.0.2.80
    """)
    root = Zone.from_text("""
        . 60 IN SOA a.root. admin. 1 2 3 4 60
        . 60 IN NS a.root.
        a.root. 60 IN A 192.0.2.1
        alias.test. 60 IN NS ns.alias.test.
        ns.alias.test. 60 IN A 192.0.2.2
        target.test. 60 IN NS ns.target.test.
        ns.target.test. 60 IN A 192.0.2.3
    """)
    servers = {"192.0.2.1": AuthoritativeServer([root]), "192.0.2.2": AuthoritativeServer([alias]),
               "192.0.2.3": AuthoritativeServer([target])}

    def transport(address, query):
        return DNSRecord.parse(servers[address].respond(DNSRecord.parse(query.pack())).pack())

    result = Resolver(["192.0.2.1"], transport, cache=Cache(clock=lambda: 0.0)).resolve("go.alias.test")
    assert result.addresses == ["192.0.2.80"]
    assert [s.server for s in result.steps if s.kind == "query"] == ["192.0.2.1", "192.0.2.2", "192.0.2.1", "192.0.2.3"]


def test_silent_servers_give_servfail_and_referrals_without_glue_are_resolved():
    # shop.test.'s server is named in another zone (hosting.test.), so the referral has no glue.
    child = Zone.from_text("$ORIGIN shop.test.\n@ 60 IN SOA ns.hosting.test. a 1 2 3 4 60\n"
                           "@ 60 IN NS ns.hosting.test.\nwww 60 IN A 192.0.2.80")
    hosting = Zone.from_text("$ORIGIN hosting.test.\n@ 60 IN SOA ns a 1 2 3 4 60\n@ 60 IN NS ns\nns 60 IN A 192.0.2.5")
    root = Zone.from_text(". 60 IN SOA a.root. admin. 1 2 3 4 60\n. 60 IN NS a.root.\na.root. 60 IN A 192.0.2.1\n"
                          "shop.test. 60 IN NS ns.hosting.test.")
    # The root's server also holds hosting.test. (two zones on one server), so the side trip to find
    # ns.hosting.test's address ends there.
    servers = {"192.0.2.1": AuthoritativeServer([root, hosting]), "192.0.2.5": AuthoritativeServer([child])}

    def transport(address, query):
        server = servers.get(address)
        return None if server is None else DNSRecord.parse(server.respond(DNSRecord.parse(query.pack())).pack())

    result = Resolver(["192.0.2.1"], transport).resolve("www.shop.test")
    assert result.addresses == ["192.0.2.80"]
    referral = result.steps[0]
    assert referral.outcome == "referral" and referral.glue == []
    assert [(s.depth, s.question) for s in result.steps[1:]] == [(1, "ns.hosting.test. A"), (0, "www.shop.test. A")]
    silent = Resolver(["192.0.2.99"], transport).resolve("www.shop.test")
    assert silent.rcode == "SERVFAIL" and silent.steps[0].outcome == "timeout"


def test_message_flow_lists_every_message_of_a_resolution():
    result = course_hierarchy().resolver().resolve("www.example.com")
    flow = message_flow(result)
    assert len(flow) == 8
    assert (flow[0].sender, flow[0].receiver) == ("client", "resolver")
    assert (flow[-1].sender, flow[-1].receiver, flow[-1].text) == ("resolver", "client", "203.0.113.80")
    assert flow[6].text.endswith("(aa)")


# ---------------------------------------------------------------------------- servers (no network)

def _ask(server, name, rtype="A", rd=True, qclass="IN"):
    query = DNSRecord.question(name, rtype, qclass)
    query.header.rd = int(rd)
    return DNSRecord.parse(server.respond(DNSRecord.parse(query.pack()), "10.0.0.10").pack())


def test_authoritative_server_flags_on_the_wire():
    server = AuthoritativeServer([ROOT])
    referral = _ask(server, "www.example.com")
    assert (referral.header.aa, referral.header.ra, referral.header.rd) == (0, 0, 1)
    assert [str(rr.rname) for rr in referral.auth] == ["com."] and str(referral.ar[0].rdata) == "198.51.100.20"
    assert _ask(AuthoritativeServer([EXAMPLE]), "www.example.org").header.rcode == 5  # REFUSED


def test_recursive_and_forwarding_servers_answer_without_aa_and_keep_caches():
    world = course_hierarchy()
    now = [0.0]
    recursive = RecursiveServer(Resolver(world.roots, world.transport, cache=Cache(clock=lambda: now[0])))
    reply = _ask(recursive, "www.example.com")
    assert (reply.header.aa, reply.header.ra) == (0, 1) and str(reply.rr[0].rdata) == "203.0.113.80"
    assert _ask(recursive, "blog.example.com", rd=False).rr == []  # not cached yet: no recursion asked
    stats = _ask(recursive, "stats.cache", "TXT", qclass="CH")
    assert "entries=" in str(stats.rr[0].rdata)
    assert "flushed" in str(_ask(recursive, "flush.cache", "TXT", qclass="CH").rr[0].rdata)

    def upstream(address, query):
        return DNSRecord.parse(recursive.respond(DNSRecord.parse(query.pack())).pack())

    stub = ForwardingServer("10.0.0.53", transport=upstream, cache=Cache(clock=lambda: now[0]))
    first = _ask(stub, "www.example.com")
    now[0] += 30
    second = _ask(stub, "www.example.com")
    assert first.rr[0].ttl == 300 and second.rr[0].ttl == 270
    assert (stub.cache.hits, stub.cache.misses) == (1, 1)


# ---------------------------------------------------------------------------- the lookup's files

def test_lookup_reads_the_files_like_the_c_library():
    assert parse_nsswitch("passwd: files\nhosts:  files [NOTFOUND=return] dns # comment\n") == ["files", "dns"]
    hosts = "127.0.0.1 localhost\n# 203.0.113.1 www.example.com\n203.0.113.99 www.example.com web\n::1 www.example.com\n"
    assert hosts_match(hosts, "WWW.example.com.", "A") == ["203.0.113.99"]
    assert hosts_match(hosts, "web", "A") == ["203.0.113.99"]
    assert hosts_match(hosts, "www.example.com", "AAAA") == ["::1"]
    conf = parse_resolv_conf("nameserver 10.0.0.53\nnameserver 10.0.0.54\nsearch corp.test\noptions ndots:2\n")
    assert conf.nameservers == ["10.0.0.53", "10.0.0.54"] and conf.search == ["corp.test"] and conf.ndots == 2
    assert candidates("db", conf) == ["db.corp.test", "db"]
    assert candidates("www.example.com", conf) == ["www.example.com", "www.example.com.corp.test"]
    assert candidates("www.example.com.", conf) == ["www.example.com."]


# ---------------------------------------------------------------------------- live, with dig

@pytest.mark.live
def test_the_lab_dns_answers_dig_and_the_c_library_as_dns_says(live):
    """One lab for everything live: the servers checked with dig (an independent client), the
    capture of a resolution, and the lookup order checked with getent (the C library itself)."""
    import time

    from helpers.experiments import l07

    lab = l07.dns_lab()
    try:
        lab.start()
        l07.start_dns_servers(lab)
        c1 = lab["c1"]
        with lab.capture("res:eth0", filter="udp port 53") as cap:
            via_resolver = c1.dns("www.example.com", server=l07.RESOLVER, options=l07.DIG)
        assert via_resolver.status == "NOERROR" and via_resolver.addresses == ["203.0.113.80"]
        assert "aa" not in via_resolver.flags and "ra" in via_resolver.flags
        messages = l07.dns_messages(cap)
        assert [(m.sender, m.receiver, m.kind) for m in messages][1:7] == [
            ("res (resolver)", "root server", "query"), ("root server", "res (resolver)", "response"),
            ("res (resolver)", "com. TLD server", "query"), ("com. TLD server", "res (resolver)", "response"),
            ("res (resolver)", "example.com. server", "query"), ("example.com. server", "res (resolver)", "response")]
        assert messages[2].says.startswith("referral: ask com.") and "aa" in messages[6].flags
        assert len(l07.upstream_queries(messages)) == 3

        direct = c1.dns("www.example.com", "AAAA", server=l07.AUTH, options=l07.DIG + ("+norecurse",))
        assert direct.authoritative and direct.addresses == ["2001:db8::80"]
        referral = c1.dns("www.example.com", server=l07.ROOT, options=l07.DIG + ("+norecurse",))
        assert not referral.answers and [r.value for r in referral.authority] == ["a.gtld-servers.net."]
        missing = c1.dns("nope.example.com", server=l07.RESOLVER, options=l07.DIG)
        assert missing.status == "NXDOMAIN" and missing.authority[0].rtype == "SOA"

        # /etc/hosts first: the C library's own lookup (getent) agrees with the narrated one
        testing = l07.PrivateEtc(hosts=["127.0.0.1 localhost", "203.0.113.99 www.example.com"])
        with lab.capture("c1:eth0", filter="udp port 53") as cap:
            assert testing.run(c1, "getent ahostsv4 www.example.com").output.split()[0] == "203.0.113.99"
            narrated = testing.run(c1, "python3 -m helpers.dns lookup www.example.com").output
        assert "(from /etc/hosts)" in narrated and len(cap) == 0
        # then DNS through the local cache on 127.0.0.53: the second lookup stays on c1
        etc = l07.PrivateEtc()
        with lab.capture("c1:eth0", filter="udp port 53") as cap:
            assert etc.run(c1, "getent ahostsv4 www.example.com").output.split()[0] == "203.0.113.80"
        assert len(l07.dns_messages(cap)) == 2
        with lab.capture("c1:eth0", filter="udp port 53") as cap:
            again = etc.run(c1, "python3 -m helpers.dns lookup www.example.com").output
        assert "answered from 127.0.0.53's cache" in again and len(cap) == 0
        assert etc.run(c1, "curl -sS http://www.example.com/").output == "Hello from www.example.com\n"

        # The resolver's cache counts down, and a flush forgets.
        time.sleep(1.1)
        cached = c1.dns("www.example.com", server=l07.RESOLVER, options=l07.DIG)
        assert 290 <= cached.answers[0].ttl < 300
        flushed = c1.run(f"dig +short @{l07.RESOLVER} flush.cache CH TXT")
        assert re.search(r'"flushed \d+ entries"', flushed.output)
        assert c1.dns("www.example.com", server=l07.RESOLVER, options=l07.DIG).answers[0].ttl == 300
    finally:
        lab.stop()
