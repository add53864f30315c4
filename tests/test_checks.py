"""helpers.checks: right answers confirm, wrong ones get their specific hint, nothing raises."""
from __future__ import annotations

import pytest

from helpers.checks import (AnswerFormatError, Exercise, Feedback, MultipleChoice, choice, cidr,
                            ip_address, number, quiz, sequence_of, set_of, text, yes_no)


@pytest.fixture
def broadcast():
    return Exercise(
        "Broadcast of 10.0.1.77/26?", answer="10.0.1.127", normalize=ip_address,
        hints=[("10.0.1.255", "the /24's broadcast"), ("10.0.1.64", "that is the network address")],
        hint="count in blocks of 64", explain="64-address blocks: .64-.127")


def test_right_answer_is_confirmed(broadcast):
    result = broadcast.check("10.0.1.127")
    assert result.ok and "64-address blocks" in result.message
    assert repr(result).startswith("✅ Correct.")
    assert "#15803d" in result._repr_html_()


def test_specific_hint_for_a_known_mistake(broadcast):
    assert broadcast.check("10.0.1.255").message == "the /24's broadcast"
    assert broadcast.check(" 10.0.1.64 ").message == "that is the network address"


def test_general_hint_for_other_mistakes(broadcast):
    result = broadcast.check("10.0.1.100")
    assert not result.ok and result.message == "count in blocks of 64"
    assert repr(result).startswith("💡 Not yet.")


@pytest.mark.parametrize("bad", [["10.0.1.127"], 42, {"a": 1}, "10.0.1.300", "hello", 3.5])
def test_wrong_type_gets_a_sentence_not_a_traceback(broadcast, bad):
    result = broadcast.check(bad)
    assert isinstance(result, Feedback) and not result.ok
    assert "address" in result.message


@pytest.mark.parametrize("empty", [None, ...])
def test_unanswered_is_pending(broadcast, empty):
    result = broadcast.check(empty)
    assert result.pending and not result.ok
    assert "placeholder" in result.message


def test_callable_hints_and_numbers():
    usable = Exercise("usable hosts in a /26", answer=62, normalize=number,
                      hints=[(lambda n: n == 64, "you counted network and broadcast too")])
    assert usable.check("62").ok
    assert usable.check(62.0).ok
    assert usable.check(64).message == "you counted network and broadcast too"
    assert "number" in usable.check(True).message
    assert "number" in usable.check("sixty").message


def test_a_hint_matcher_that_raises_is_skipped():
    q = Exercise("x", answer=1, normalize=number, hints=[(lambda n: 1 / 0, "never"), (2, "two")])
    assert q.check(2).message == "two"


def test_accept_allows_several_right_answers():
    q = Exercise("any private address", answer="10.0.0.1", normalize=ip_address,
                 accept=lambda a: a.startswith(("10.", "192.168.")))
    assert q.check("192.168.3.4").ok and not q.check("8.8.8.8").ok


def test_normalizers():
    assert cidr("10.0.1.77/26") == "10.0.1.64/26"
    with pytest.raises(AnswerFormatError):
        cidr("10.0.1.77")
    assert text("  Hello   World ") == "hello world"
    assert yes_no("Yes") is True and yes_no(False) is False
    with pytest.raises(AnswerFormatError):
        yes_no("maybe")
    assert choice("TCP", "UDP")(" udp ") == "UDP"
    with pytest.raises(AnswerFormatError):
        choice("TCP", "UDP")("ICMP")
    assert set_of(ip_address)(["10.0.0.2", "10.0.0.1"]) == frozenset({"10.0.0.1", "10.0.0.2"})
    assert sequence_of(number)(["1", 2]) == (1, 2)
    with pytest.raises(AnswerFormatError):
        set_of(ip_address)("10.0.0.1")


def test_multiple_choice():
    q = MultipleChoice("Which layer routes packets?", ["Data link", "Network", "Transport"], "Network",
                       hints={"Data link": "switches work there, by MAC address"})
    assert q.check("Network").ok
    assert q.check(1).ok
    assert q.check("Data link").message == "switches work there, by MAC address"
    assert "option" in q.check("Physical").message
    assert q.check(None).pending
    with pytest.raises(ValueError):
        MultipleChoice("?", ["a", "b"], "c")
    with pytest.raises(ValueError):
        MultipleChoice("?", ["a", "b"], "a", hints={"z": "no such option"})


def test_quiz_widget_checks_answers():
    q1 = MultipleChoice("1+1?", ["1", "2"], "2", hints={"1": "add again"})
    q2 = MultipleChoice("TCP is ...", ["connectionless", "connection-oriented"], "connection-oriented")
    box = quiz(q1, q2)
    box.pickers[0].value = "1"
    box.pickers[1].value = "connection-oriented"
    box.check(None)
    assert "add again" in box.feedbacks[0].value
    assert "Correct" in box.feedbacks[1].value
