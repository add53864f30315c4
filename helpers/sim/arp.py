"""The neighbour (ARP) table: reading `ip neigh`, and showing it the way the older `arp -n` does.

    entries = parse_ip_neigh(node.run("ip neigh").output)
    print(arp_view(entries))          # Address  HWtype  HWaddress  Flags Mask  Iface

`ip neigh` (iproute2) and `arp -n` (net-tools, not installed everywhere any more) print the same
kernel table. The kernel keeps a state for every entry (REACHABLE, STALE ...); `arp` shows only
whether the MAC address is known (flag C, "complete") and whether the entry was set by hand
(flag M, "permanent").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from helpers.errors import InputError

# What each state of an entry means (Linux "NUD" states: neighbour unreachability detection).
STATES = {
    "INCOMPLETE": "an ARP request was sent; no reply yet",
    "REACHABLE": "the MAC address is known and was confirmed recently",
    "STALE": "known, but not confirmed for a while; still used, and checked on next use",
    "DELAY": "used while STALE; waiting a moment for traffic to confirm it",
    "PROBE": "asking the neighbour directly (unicast ARP) whether it is still there",
    "FAILED": "nobody answered the ARP requests",
    "PERMANENT": "set by hand (ip neigh add ... nud permanent); never expires",
    "NOARP": "the interface does not use ARP",
}

# The columns of `arp -n` and what they say.
ARP_COLUMNS = [
    ("Address", "the neighbour's IP address (with -n; without it, its name from reverse DNS)"),
    ("HWtype", "the kind of hardware address: ether (Ethernet)"),
    ("HWaddress", "the MAC address ARP found, or (incomplete) while waiting for a reply"),
    ("Flags", "C = complete (MAC known), M = permanent (set by hand), P = published (answered for others)"),
    ("Mask", "a netmask, used only by published (proxy ARP) entries; empty otherwise"),
    ("Iface", "the interface the neighbour is reached through"),
]

_LINE = re.compile(r"^(?P<ip>\S+) dev (?P<dev>\S+)(?: lladdr (?P<mac>\S+))?(?P<flags>(?: router| proxy)*)"
                   r" (?P<state>[A-Z]+)\s*$")


@dataclass(frozen=True)
class Neighbour:
    ip: str
    dev: str
    mac: str | None
    state: str

    @property
    def complete(self) -> bool:
        return self.mac is not None and self.state not in ("INCOMPLETE", "FAILED")

    @property
    def meaning(self) -> str:
        return STATES.get(self.state, "")


def parse_ip_neigh(text: str) -> list[Neighbour]:
    """The lines of `ip neigh` (e.g. '10.0.1.20 dev eth0 lladdr 02:00:00:00:03:01 REACHABLE')."""
    if not isinstance(text, str):
        raise InputError("parse_ip_neigh() needs the text `ip neigh` printed, e.g. node.run('ip neigh').output.")
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        match = _LINE.match(line)
        if not match:
            raise InputError(f"{line!r} is not a line of `ip neigh` output, which looks like "
                             f"'10.0.1.20 dev eth0 lladdr 02:00:00:00:03:01 REACHABLE'.")
        entries.append(Neighbour(match["ip"], match["dev"], match["mac"], match["state"]))
    return entries


def arp_flags(entry: Neighbour) -> str:
    if not entry.complete:
        return ""
    return "CM" if entry.state == "PERMANENT" else "C"


def arp_view(entries: list[Neighbour], *, sort: bool = True) -> str:
    """The entries laid out exactly as `arp -n` prints them."""
    def key(entry):
        return tuple(int(part) for part in entry.ip.split(".")) if entry.ip.count(".") == 3 else (999,)

    rows = sorted(entries, key=key) if sort else entries
    lines = ["Address                  HWtype  HWaddress           Flags Mask            Iface"]
    for entry in rows:
        if entry.complete:
            lines.append(f"{entry.ip:<24} ether   {entry.mac:<19} {arp_flags(entry):<6}{'':<16}{entry.dev}")
        else:
            lines.append(f"{entry.ip:<24} {'':<7} {'(incomplete)':<19} {'':<6}{'':<16}{entry.dev}")
    return "\n".join(line.rstrip() for line in lines)


def neighbour_table(entries: list[Neighbour]) -> str:
    """IP, MAC, state and what the state means, one line per entry, sorted by address."""
    if not entries:
        return "(empty: this node has not talked to anyone on its networks yet)"
    rows = [("IP address", "MAC address", "state", "meaning")]
    for entry in sorted(entries, key=lambda e: tuple(int(p) for p in e.ip.split("."))):
        rows.append((entry.ip, entry.mac or "-", entry.state, entry.meaning))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}".rstrip() for r in rows)
