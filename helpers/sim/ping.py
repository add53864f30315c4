"""Reading ping and traceroute: what each field means, RTT per hop, and where the time goes.

    fields = ping_fields(h1.ping("10.0.3.10", count=5))   # one row per field of the output
    hops = [("r1", 0.4), ("r2", 10.5), ("r3", 70.8), ("srv", 81.0)]
    segments(hops)                                       # the RTT each link adds
    slowest_segment(hops)                                # -> the segment to look at first

Measured times wobble by a fraction of a millisecond from run to run; ``about()`` rounds them to
a step, so a comparison ("r2 to r3 adds about 60 ms") reads the same every time.
"""
from __future__ import annotations

from dataclasses import dataclass

from helpers.errors import InputError


def about(ms: float, step: float = 5.0) -> int:
    """A measured time rounded to the nearest `step` milliseconds (for stable comparisons)."""
    if not isinstance(ms, (int, float)) or isinstance(ms, bool) or ms < 0:
        raise InputError(f"a round-trip time is a number of milliseconds, 0 or more; got {ms!r}.")
    if step <= 0:
        raise InputError("the rounding step must be more than 0 ms.")
    return int(round(ms / step) * step)


# ---------------------------------------------------------------------------- the fields of ping

@dataclass(frozen=True)
class PingField:
    name: str
    value: str
    meaning: str


def ping_fields(result, *, step: float = 10.0) -> list[PingField]:
    """Every field of a ping's output with its value in this run and what it means.

    Counts, sizes and TTLs are exact. Times wobble from run to run (one busy moment of the machine
    delays a reply), so the table gives only the fastest reply, rounded to `step` ms (see about());
    the fastest is the path's own delay, and it hardly moves.
    """
    if not getattr(result, "replies", None):
        raise InputError("this ping got no replies, so there are no reply fields to explain; "
                         "ping an address that answers.")
    first = result.replies[0]
    payload = first.bytes - 8
    fastest = about(result.rtt_min, step)
    return [
        PingField("56(84) bytes", f"{payload}({payload + 28})",
                  f"the data ping sends: {payload} bytes of payload; with the 8-byte ICMP header and the "
                  f"20-byte IP header the packet is {payload + 28} bytes"),
        PingField("64 bytes from", f"{first.bytes} bytes from {first.source}",
                  "the size of the reply's ICMP message (8-byte header + payload) and who sent it"),
        PingField("icmp_seq", ", ".join(str(r.seq) for r in result.replies),
                  "each request's sequence number, counting from 1: a gap means that request or its reply was lost"),
        PingField("ttl", str(first.ttl),
                  "the reply's remaining time to live: the sender's start value (64 on Linux) minus one per router"),
        PingField("time", f"~{fastest} ms",
                  "the round-trip time (RTT) of one request: there and back again"),
        PingField("packets transmitted", str(result.transmitted), "echo requests sent"),
        PingField("received", str(result.received), "echo replies that came back in time"),
        PingField("packet loss", f"{result.loss_percent:g}%", "(transmitted - received) / transmitted"),
        PingField("rtt min/avg/max", f"min ~{fastest} ms",
                  "the fastest, average and slowest round trip of the replies"),
        PingField("mdev", "see the last line",
                  "how much the round trips wobble around the average (jitter); despite the name it is the "
                  "standard deviation, "
                  "sqrt(mean(t²) - mean(t)²)"),
    ]


class FieldTable:
    def __init__(self, rows: list[PingField]):
        self.rows = rows

    def __repr__(self) -> str:
        width = max(len(r.name) for r in self.rows)
        vwidth = max(len(r.value) for r in self.rows)
        return "\n".join(f"{r.name:<{width}}  {r.value:<{vwidth}}  {r.meaning}" for r in self.rows)


def explain_ping(result, *, step: float = 10.0) -> FieldTable:
    return FieldTable(ping_fields(result, step=step))


def mdev(times: list[float]) -> float:
    """ping's mdev: the square root of (mean of squares - square of mean)."""
    if not times:
        raise InputError("mdev needs at least one round-trip time.")
    mean = sum(times) / len(times)
    square = sum(t * t for t in times) / len(times)
    return max(square - mean * mean, 0.0) ** 0.5


def round_trip_loss(link_loss: float, links: int = 1) -> float:
    """The chance a ping gets no answer when each of `links` links drops `link_loss` of the frames
    in each direction: the request must cross every link, and so must the reply."""
    if not 0 <= link_loss <= 1:
        raise InputError(f"a link's loss is a fraction between 0 and 1 (0.2 for 20%); got {link_loss!r}.")
    if not isinstance(links, int) or links < 1:
        raise InputError(f"links must be a whole number, 1 or more; got {links!r}.")
    return 1 - (1 - link_loss) ** (2 * links)


# ---------------------------------------------------------------------------- RTT per hop

@dataclass(frozen=True)
class Segment:
    start: str
    end: str
    added_ms: float  # the RTT this stretch adds

    @property
    def label(self) -> str:
        return f"{self.start} → {self.end}"


def _check_hops(hops) -> list[tuple[str, float]]:
    if not hops or any(not isinstance(h, (tuple, list)) or len(h) != 2 for h in hops):
        raise InputError("hops should be a list of (name, rtt_ms) pairs in path order, like "
                         "[('r1', 0.4), ('r2', 10.5)].")
    return [(str(name), float(rtt)) for name, rtt in hops]


def segments(hops, *, source: str = "h1") -> list[Segment]:
    """The RTT each stretch of the path adds: the difference between consecutive hops' RTTs.

    The RTT to hop n covers every link up to it, there and back; subtracting the RTT to hop n-1
    leaves what the last stretch adds.
    """
    hops = _check_hops(hops)
    out = []
    previous_name, previous_rtt = source, 0.0
    for name, rtt in hops:
        out.append(Segment(previous_name, name, max(rtt - previous_rtt, 0.0)))
        previous_name, previous_rtt = name, rtt
    return out


def slowest_segment(hops, *, source: str = "h1") -> Segment:
    return max(segments(hops, source=source), key=lambda s: s.added_ms)


def segment_table(hops, *, source: str = "h1", step: float = 10.0) -> str:
    """Each stretch, the RTT it adds and its share of the whole trip (rounded to `step` ms and 10%)."""
    parts = segments(hops, source=source)
    total = sum(s.added_ms for s in parts) or 1.0
    width = max(len(s.label) for s in parts)
    lines = [f"{'stretch':<{width}}  adds (RTT)  share"]
    for s in parts:
        lines.append(f"{s.label:<{width}}  {('~' + str(about(s.added_ms, step)) + ' ms'):>10}  "
                     f"{about(100 * s.added_ms / total, 10):>4}%")
    return "\n".join(lines)
