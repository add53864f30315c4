"""DNS servers that run inside lab nodes, and the logic they share with the DNS simulator.

A lab builds a small DNS hierarchy out of these pieces, each a real server on UDP port 53:

    python -m helpers.dns authoritative --zone root.zone              # the root (".")
    python -m helpers.dns authoritative --zone com.zone               # a TLD ("com.")
    python -m helpers.dns authoritative --zone example.com.zone       # a domain's own server
    python -m helpers.dns recursive --root 198.51.100.10              # a resolver with a cache
    python -m helpers.dns forward --to 10.0.0.53 --listen 127.0.0.53  # a local caching stub

The parts, one module each:

* ``zone``: zone data (standard zone-file text) and the authoritative answer to one question:
  an answer, a referral to a child zone, "no such name" or "no data". Which records of a set are
  returned is decided by an :class:`~helpers.dns.zone.AnswerPolicy`, so a later lesson can plug
  in weighted or failover answers (Route 53 style) without touching the server.
* ``resolver``: the iterative resolution a recursive resolver does (root, then TLD, then the
  authoritative server), step by step, with a cache that honours TTLs.
* ``server``: the UDP servers around them and the command line (``python -m helpers.dns``).

The simulator (helpers.sim.dns) runs the same zone and resolver code without a network, so the
live lab and the model cannot disagree about what DNS does.
"""
from helpers.dns.zone import (AllRecords, AnswerPolicy, Lookup, Question, Record, RoundRobin, Zone,
                              ZoneError, absolute, parent_names)
from helpers.dns.resolver import Cache, Resolution, Resolver, Step

__all__ = ["AllRecords", "AnswerPolicy", "Cache", "Lookup", "Question", "Record", "Resolution",
           "Resolver", "RoundRobin", "Step", "Zone", "ZoneError", "absolute", "parent_names"]
