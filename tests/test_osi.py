"""The OSI table, ports, line codes and the encapsulation picture's data (helpers.osi, helpers.draw.osi)."""
from __future__ import annotations

import random

import matplotlib
import pytest

matplotlib.use("Agg")

from helpers import osi
from helpers.draw import osi as draw
from helpers.errors import InputError

# Independent expectations, written from the course notes (seed 001) rather than read from the module.
NOTES_PDU = {1: "bit", 2: "frame", 3: "packet", 4: "segment"}
NOTES_PORTS = {"HTTP": (80,), "HTTPS": (443,), "SMTP": (25,), "POP3": (110,), "FTP": (20, 21), "TFTP": (69,),
               "Telnet": (23,), "SSH": (22,), "DHCP": (67, 68), "DNS": (53,), "SNMP": (161, 162)}
NOTES_PROTOCOLS = {"Ethernet": 2, "PPP": 2, "HDLC": 2, "IPv4": 3, "IPv6": 3, "ARP": 3, "ICMP": 3, "IGMP": 3,
                   "RIP": 3, "EIGRP": 3, "OSPF": 3, "TCP": 4, "UDP": 4, "NetBIOS": 5, "RPC": 5, "SSL/TLS": 6,
                   "MIME": 6, "HTTP": 7}
NOTES_DEVICES = {"hub": 1, "repeater": 1, "bridge": 2, "L2 switch": 2, "router": 3, "L3 switch": 3, "L4 switch": 4}


def test_seven_layers_in_order_with_the_notes_pdus():
    assert [l.number for l in osi.LAYERS] == list(range(1, 8))
    assert [l.name for l in osi.LAYERS] == ["physical", "data link", "network", "transport", "session",
                                            "presentation", "application"]
    for number, pdu in NOTES_PDU.items():
        assert osi.layer(number).pdu == pdu
    assert all(osi.layer(n).pdu == "data" for n in (5, 6, 7))


def test_addresses_name_the_sizes_from_the_notes():
    assert "6 bytes" in osi.layer(2).addresses and "MAC" in osi.layer(2).addresses
    assert "4 bytes" in osi.layer(3).addresses and "IP" in osi.layer(3).addresses
    assert "2 bytes" in osi.layer(4).addresses and "port" in osi.layer(4).addresses


@pytest.mark.parametrize("name,number", sorted(NOTES_PROTOCOLS.items()))
def test_protocols_sit_where_the_notes_put_them(name, number):
    assert osi.layer_of(name).number == number


@pytest.mark.parametrize("name,number", sorted(NOTES_DEVICES.items()))
def test_devices_sit_where_the_notes_put_them(name, number):
    assert osi.layer_of(name).number == number


def test_aliases_and_pdu_names():
    assert osi.layer_of("switch").number == 2
    assert osi.layer_of("tls").number == 6
    assert osi.layer_of("ip").number == 3
    assert osi.layer_of("frame").number == 2 and osi.layer_of("segment").number == 4


@pytest.mark.parametrize("key,number", [(3, 3), ("L4", 4), ("network", 3), ("Data Link", 2), ("data-link", 2),
                                        ("layer 7", 7), ("7", 7), ("app", 7)])
def test_layer_lookup(key, number):
    assert osi.layer(key).number == number


@pytest.mark.parametrize("bad", [0, 8, "layer 9", "routing", None, True, 2.5])
def test_bad_layer_names_raise_one_sentence(bad):
    with pytest.raises(InputError) as error:
        osi.layer(bad)
    assert str(error.value).endswith(".")


def test_unknown_protocol_is_an_input_error():
    with pytest.raises(InputError, match="not in the course's OSI table"):
        osi.layer_of("QUIC")
    with pytest.raises(InputError):
        osi.layer_of("")


def test_ports_are_the_notes_list():
    assert {s.name: s.ports for s in osi.SERVICES} == NOTES_PORTS
    for name, ports in NOTES_PORTS.items():
        assert osi.port(name.lower()) == ports
        for number in ports:
            assert name in osi.service(number)
    assert osi.service(8080) == ()
    assert osi.layer(7).ports == osi.SERVICES


@pytest.mark.parametrize("number,kind", [(0, "well-known"), (1023, "well-known"), (1024, "registered"),
                                         (49151, "registered"), (49152, "dynamic"), (65535, "dynamic")])
def test_port_ranges_at_their_edges(number, kind):
    assert osi.port_range(number) == kind


@pytest.mark.parametrize("bad", [-1, 65536, "80", 8.0, True])
def test_bad_ports_raise(bad):
    with pytest.raises(InputError):
        osi.port_range(bad)


def test_unknown_service_names_the_known_ones():
    with pytest.raises(InputError, match="SSH"):
        osi.port("gopher")


def test_tables_render_every_layer_and_reject_unknown_columns():
    text = repr(osi.table("pdu", "korean"))
    assert text.index("L7 application") < text.index("L1 physical")
    assert "물리 계층" in text and "segment" in text
    assert "<table>" in osi.table()._repr_html_()
    assert len(osi.ports_table()) == len(NOTES_PORTS)
    with pytest.raises(InputError):
        osi.table("colour")


def test_generated_port_questions_accept_the_right_answer_and_hint_the_others():
    questions = osi.port_questions(6, seed=3)
    assert len({q.prompt for q in questions}) == 6
    for q in questions:
        service = q.prompt.split("a ", 1)[1].split(" server")[0]
        assert q.answer == "/".join(str(p) for p in NOTES_PORTS[service])
        assert q.check(q.answer).ok
        for wrong in q.options:
            if wrong != q.answer:
                feedback = q.check(wrong)
                assert not feedback.ok and wrong in feedback.message
    assert [q.prompt for q in osi.port_questions(4, seed=1)] == [q.prompt for q in osi.port_questions(4, seed=1)]


def test_generated_layer_questions_are_right_by_the_notes():
    for q in osi.layer_questions(10, seed=5):
        thing = q.prompt[len("Which layer does "):-len(" belong to?")]
        expected = NOTES_PROTOCOLS.get(thing) or NOTES_DEVICES.get(thing) or osi.layer_of(thing).number
        assert q.answer == f"L{expected} {osi.layer(expected).name}"
        assert q.check(q.answer).ok
        assert all(not q.check(o).ok for o in q.options if o != q.answer)


@pytest.mark.parametrize("count", [0, 12, "3"])
def test_question_counts_are_checked(count):
    with pytest.raises(InputError):
        osi.port_questions(count)


# ---------------------------------------------------------------------------- line codes

def test_manchester_follows_ieee_802_3():
    # 802.3: a 1 is low then high, a 0 high then low (written out by hand).
    assert osi.encode("10", "Manchester") == [-1, 1, 1, -1]
    assert osi.encode([0, 0, 1], "Manchester") == [1, -1, 1, -1, -1, 1]


def test_nrz_and_nrzi_by_hand():
    assert osi.encode("1001", "NRZ-L") == [1, 1, -1, -1, -1, -1, 1, 1]
    # NRZI starts low; each 1 flips the level.
    assert osi.encode("1101", "NRZI") == [1, 1, -1, -1, -1, -1, 1, 1]


def test_bits_of_text_is_msb_first():
    assert osi.bits_of("M") == [0, 1, 0, 0, 1, 1, 0, 1]  # 0x4D
    assert osi.bits_of(b"\x80") == [1, 0, 0, 0, 0, 0, 0, 0]


@pytest.mark.parametrize("scheme", osi.ENCODINGS)
def test_decode_inverts_encode(scheme):
    rng = random.Random(11)
    for _ in range(50):
        bits = [rng.randint(0, 1) for _ in range(rng.randint(1, 40))]
        assert osi.decode(osi.encode(bits, scheme), scheme) == bits


def test_manchester_without_a_mid_bit_transition_is_rejected():
    with pytest.raises(InputError, match="Bit 1 has no transition"):
        osi.decode([1, -1, 1, 1], "Manchester")
    with pytest.raises(InputError):
        osi.decode([1, -1, 1], "Manchester")
    with pytest.raises(InputError):
        osi.encode("0101", "4B5B")
    with pytest.raises(InputError):
        osi.bits_of([0, 2])


def test_signal_steps_span_the_bits():
    xs, levels = draw.signal_steps("101", "NRZ-L")
    assert xs[0] == 0 and xs[-1] == 3 and len(xs) == len(levels) == 7


# ---------------------------------------------------------------------------- encapsulation

HTTP_LAYERS = [(2, "Ethernet", 14), (3, "IPv4", 20), (4, "TCP", 32), (7, "HTTP", 74)]


def test_encapsulation_rows_wrap_each_layer():
    rows = draw.encapsulation_rows(HTTP_LAYERS)
    assert [r.layer for r in rows] == [7, 4, 3, 2, 1]
    assert [r.pdu for r in rows] == ["data", "segment", "packet", "frame", "bit"]
    assert [r.size for r in rows[:4]] == [74, 74 + 32, 74 + 32 + 20, 74 + 32 + 20 + 14 + 4]
    frame = rows[3]
    assert [s.label for s in frame.segments] == ["Ethernet header", "IPv4 header", "TCP header", "HTTP data", "FCS"]
    for upper, lower in zip(rows[:3], rows[1:4]):  # each row contains the whole row above it
        assert lower.segments[1:1 + len(upper.segments)] == upper.segments
    assert rows[4].size == 8 + frame.size and "1152 bits" in rows[4].segments[1].label


def test_encapsulation_rows_take_a_real_dissection():
    from helpers.experiments.l02 import build_http_request
    from helpers.packets import dissect

    rows = draw.encapsulation_rows(dissect(build_http_request()))
    assert rows[3].size == len(bytes(build_http_request())) + 4


def test_encapsulation_needs_layers_outside_in():
    with pytest.raises(InputError):
        draw.encapsulation_rows([])
    with pytest.raises(InputError):
        draw.encapsulation_rows(list(reversed(HTTP_LAYERS)))


def test_pictures_draw():
    import matplotlib.pyplot as plt

    for figure in (draw.draw_encapsulation(HTTP_LAYERS), draw.draw_osi_stack(3), draw.draw_encoding("01"),
                   draw.draw_exchange([("->", "SYN"), ("<-", "SYN, ACK")])):
        assert figure.axes
        plt.close(figure)
    with pytest.raises(InputError):
        draw.draw_exchange([("=>", "x")])
