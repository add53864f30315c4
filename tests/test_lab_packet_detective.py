"""labs/packet-detective: the pcaps hold what the lab's design says, and the mission's checks behave.

The expected answers below come from the lab's design (node order fixes the MACs, the topology the
hop counts, the zone file the DNS TTL, the routes of the web server the status codes), not from
the code that reads the pcaps. A live test captures a fresh set and checks that every answer, and
every capture whose packets do not depend on timing, comes out the same.
"""
from __future__ import annotations

import nbformat
import pytest

from helpers.errors import InputError
from helpers.experiments import detective as D
from tests.conftest import live_mode_or_skip
from tools import notebooks as nbtools

LAB = nbtools.ROOT / "labs" / "packet-detective"

# From the design: the office switch is node 1, pc1 node 2, the printer node 3, r1 node 5 (MACs are
# 02:00:00:00:<node>:<interface>); www is three routers away, win two, srv1 one; example.com's zone
# gives www a TTL of 300 s; the web server answers /old-page with 301 and has no /status.
EXPECTED = {
    "header_bytes": 14 + 20 + 32,        # Ethernet + IP + TCP with the 12-byte timestamp option
    "printer_mac": "02:00:00:00:03:01",
    "silent_address": "10.0.5.99",
    "hops_to_www": 3,
    "ttl_128_host": "192.0.2.50",
    "closed_port": 25,
    "filtered_port": 22,
    "authoritative_server": "198.51.100.30",
    "dns_ttl": 300,
    "redirect_status": 301,
    "missing_path": "/status",
}


def test_lab_files_are_in_place():
    for path in ("README.md", "source/mission.py", "mission.ipynb", "solutions/solution.py"):
        assert (LAB / path).exists(), path
    readme = (LAB / "README.md").read_text()
    for must in ("**Goal.**", "**Time:**", "**Prerequisites:**", "python -m helpers.experiments.detective"):
        assert must in readme
    for name in D.PCAPS:
        pcap = LAB / "pcaps" / f"{name}.pcap"
        assert pcap.exists() and 0 < pcap.stat().st_size < 8000, f"{pcap.name} is missing or too large"


def assert_truth(truth: D.Truth) -> None:
    eth, ip, tcp = truth.headers
    assert eth + ip + tcp == EXPECTED["header_bytes"]
    assert truth.arp_answers == {"10.0.5.30": "02:00:00:00:03:01", "10.0.5.1": "02:00:00:00:05:01"}
    assert [a for a in truth.arp_asked if a not in truth.arp_answers] == ["10.0.5.99"]
    assert truth.ttls == {"10.0.6.80": 64 - 1, "192.0.2.50": 128 - 2, "203.0.113.80": 64 - 3}
    assert truth.ports == {25: "closed", 22: "filtered", 80: "open"}
    assert truth.authoritative().sender == "198.51.100.30" and truth.www_a_ttl() == 300
    assert [r.sender for r in truth.dns if r.referral] == ["198.51.100.10", "198.51.100.20"]
    assert truth.http == [("/old-page", 301), ("/", 200), ("/status", 404)]


def test_committed_pcaps_hold_what_the_design_says():
    assert_truth(D.Truth.from_folder(D.PCAP_DIR))


def test_first_packets_start_at_the_fixed_time():
    for name in D.PCAPS:
        packets = D.load(name)
        assert float(packets[0].time) == D.BASE_TIME
        assert all(float(p.time) >= D.BASE_TIME for p in packets)


def test_every_step_has_a_solution_and_known_mistakes():
    mission = D.detective_mission()
    assert len(mission) == 11
    for number in range(1, len(mission) + 1):
        assert callable(mission.solution(number))
        assert len(mission.mistakes(number)) >= 3, f"step {number} has too few known mistakes"


def test_every_check_behaves():
    mission = D.detective_mission()
    report = mission.verify(D.Answers.fresh)
    assert report.ok, repr(report)
    mistakes = sum(len(mission.mistakes(n)) for n in range(1, len(mission) + 1))
    assert len(report.lines) == len(mission) + mistakes + 1


def test_reference_answers_match_the_design():
    answers = D.Answers()
    D.detective_mission(answers).solve()
    for name, value in EXPECTED.items():
        assert getattr(answers, name) == value, name


def test_answers_in_other_spellings_pass():
    answers = D.Answers()
    mission = D.detective_mission(answers)
    mission.solve()
    answers.printer_mac = "02-00-00-00-03-01"
    answers.hops_to_www = "3"
    answers.missing_path = "status"
    assert mission.check().complete


def test_the_learner_notebook_holds_no_solution():
    nb = nbformat.read(LAB / "mission.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for answer in ("= 66", '"02:00:00:00:03:01"', '"10.0.5.99"', "= 3\n", '"192.0.2.50"', '"198.51.100.30"',
                   "= 300", "= 301", '"/status"'):
        assert answer not in code, f"the learner's notebook contains an answer: {answer!r}"
    assert "mission.check(11)" in code and "mission.check()" in code


def test_unknown_answer_names_are_refused():
    answers = D.Answers()
    with pytest.raises(InputError, match="no question called 'printer'"):
        answers.printer = "02:00:00:00:03:01"
    with pytest.raises(InputError, match="no pcap 'smtp'"):
        D.load("smtp")


def test_fresh_capture_gives_the_same_answers(tmp_path):
    live_mode_or_skip()
    written = D.make_pcaps(tmp_path)
    assert sorted(p.name for p in written) == sorted(f"{n}.pcap" for n in D.PCAPS)
    assert_truth(D.Truth.from_folder(tmp_path))
    # captures whose packets do not depend on timing repeat line for line
    for name in ("arp", "ttl", "dns"):
        assert repr(D.table(name, tmp_path)) == repr(D.table(name)), name
