"""Exercises that check a learner's answer and answer back with a specific hint.

    q = Exercise(
        "What is the broadcast address of 10.0.1.77/26?",
        answer="10.0.1.127",
        normalize=ip_address,
        hints=[("10.0.1.255", "That is the broadcast of the whole /24; a /26 block is 64 addresses."),
               ("10.0.1.64", "That is the network address (the first one); the broadcast is the last.")],
    )
    q.check("10.0.1.127")   # -> green confirmation

A wrong answer gets the hint written for that mistake (or the exercise's general hint), a
malformed one (a list where a number was expected, text that is not an address) gets one sentence
saying what shape of answer is wanted, and an empty one (None or ...) says what to fill in. A
check never raises: ``check()`` always returns a ``Feedback``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from helpers.display import Box

__all__ = [
    "AnswerFormatError", "Exercise", "Feedback", "MultipleChoice", "quiz",
    "number", "text", "ip_address", "cidr", "yes_no", "choice", "set_of", "sequence_of",
]


class AnswerFormatError(ValueError):
    """The answer has the wrong shape; the message says which shape is wanted."""


@dataclass(frozen=True)
class Feedback:
    ok: bool
    message: str
    pending: bool = False  # True when nothing was answered yet

    def _box(self) -> Box:
        if self.ok:
            return Box(f"✅ Correct. {self.message}".rstrip(), "ok")
        if self.pending:
            return Box(f"✏️ {self.message}", "info")
        return Box(f"💡 Not yet. {self.message}", "hint")

    def __repr__(self) -> str:
        return repr(self._box())

    def _repr_html_(self) -> str:
        return self._box()._repr_html_()

    def __bool__(self) -> bool:
        return self.ok


# ---------------------------------------------------------------------------- normalizers
# Each turns what a learner typed into a canonical value, or raises AnswerFormatError.

def number(value: Any) -> float | int:
    if isinstance(value, bool):
        raise AnswerFormatError("Answer with a number such as 62, not True or False.")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        cleaned = value.strip().replace(",", "").replace("_", "")
        try:
            return int(cleaned)
        except ValueError:
            try:
                return float(cleaned)
            except ValueError:
                pass
    raise AnswerFormatError(f"Answer with a number such as 62; {value!r} is not a number.")


def text(value: Any) -> str:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return " ".join(str(value).split()).lower()
    raise AnswerFormatError(f"Answer with a short piece of text in quotes; got {type(value).__name__}.")


def ip_address(value: Any) -> str:
    from netaddr import AddrFormatError, IPAddress

    if not isinstance(value, str):
        raise AnswerFormatError(f"Answer with an address in quotes, like '10.0.1.127'; got {value!r}.")
    try:
        return str(IPAddress(value.strip(), flags=0))
    except (AddrFormatError, ValueError, TypeError):
        raise AnswerFormatError(f"{value!r} is not an IPv4 address; write four numbers 0-255 "
                                f"separated by dots, like '10.0.1.127'.") from None


def cidr(value: Any) -> str:
    from netaddr import AddrFormatError, IPNetwork

    if not isinstance(value, str) or "/" not in value:
        raise AnswerFormatError(f"Answer with a network in CIDR form, like '10.0.1.64/26'; got {value!r}.")
    try:
        return str(IPNetwork(value.strip()).cidr)
    except (AddrFormatError, ValueError, TypeError):
        raise AnswerFormatError(f"{value!r} is not a network in CIDR form; write it like '10.0.1.64/26'.") from None


def yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"yes", "y", "true", "no", "n", "false"}:
        return value.strip().lower() in {"yes", "y", "true"}
    raise AnswerFormatError(f"Answer True or False (or 'yes'/'no'); got {value!r}.")


def choice(*options: str) -> Callable[[Any], str]:
    """Accept one of the options (case and spacing ignored)."""
    canonical = {" ".join(o.split()).lower(): o for o in options}

    def normalize(value: Any) -> str:
        key = " ".join(str(value).split()).lower() if isinstance(value, (str, int)) else None
        if key not in canonical:
            listed = ", ".join(repr(o) for o in options)
            raise AnswerFormatError(f"Answer with one of {listed}; got {value!r}.")
        return canonical[key]

    return normalize


def set_of(item: Callable[[Any], Any]) -> Callable[[Any], frozenset]:
    """Several items in any order, e.g. a list of addresses."""

    def normalize(value: Any) -> frozenset:
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise AnswerFormatError("Answer with a list in square brackets, like ['a', 'b'].")
        return frozenset(item(v) for v in value)

    return normalize


def sequence_of(item: Callable[[Any], Any]) -> Callable[[Any], tuple]:
    """Several items where the order matters."""

    def normalize(value: Any) -> tuple:
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise AnswerFormatError("Answer with a list in square brackets, in order, like ['a', 'b'].")
        return tuple(item(v) for v in value)

    return normalize


# ---------------------------------------------------------------------------- exercises

Matcher = Any  # a value to compare with, or a callable(normalized answer) -> bool


@dataclass
class Exercise:
    """A question with one right answer and hints for the likely wrong ones."""

    prompt: str
    answer: Any
    normalize: Callable[[Any], Any] = text
    hints: Sequence[tuple[Matcher, str]] = ()
    hint: str = "Read the explanation above once more and try again."
    explain: str = ""
    accept: Callable[[Any], bool] | None = None  # for questions with several right answers
    _expected: Any = field(init=False, repr=False)

    def __post_init__(self):
        self._expected = self.normalize(self.answer)

    def is_correct(self, normalized: Any) -> bool:
        if self.accept is not None:
            return bool(self.accept(normalized))
        return normalized == self._expected

    def check(self, response: Any) -> Feedback:
        if response is None or response is Ellipsis:
            return Feedback(False, "Replace the placeholder with your answer, then run the cell again.",
                            pending=True)
        try:
            normalized = self.normalize(response)
        except AnswerFormatError as problem:
            return Feedback(False, str(problem))
        except Exception:  # a normalizer tripping over an odd type is still a format problem
            return Feedback(False, f"{response!r} is not the kind of answer this question expects.")
        if self.is_correct(normalized):
            return Feedback(True, self.explain)
        for matcher, message in self.hints:
            if _matches(matcher, normalized, self.normalize):
                return Feedback(False, message)
        return Feedback(False, self.hint)


def _matches(matcher: Matcher, normalized: Any, normalize: Callable[[Any], Any]) -> bool:
    if callable(matcher):
        try:
            return bool(matcher(normalized))
        except Exception:
            return False
    try:
        return normalize(matcher) == normalized
    except Exception:
        return matcher == normalized


@dataclass
class MultipleChoice:
    """A question with fixed options; each wrong option can carry its own hint."""

    prompt: str
    options: Sequence[str]
    answer: str
    hints: dict[str, str] = field(default_factory=dict)
    explain: str = ""

    def __post_init__(self):
        if self.answer not in self.options:
            raise ValueError(f"answer {self.answer!r} is not one of the options")
        unknown = set(self.hints) - set(self.options)
        if unknown:
            raise ValueError(f"hints for options that do not exist: {sorted(unknown)}")

    def check(self, response: Any) -> Feedback:
        if response is None or response is Ellipsis:
            return Feedback(False, "Pick one of the options, then check.", pending=True)
        if isinstance(response, int) and not isinstance(response, bool) and 0 <= response < len(self.options):
            response = self.options[response]
        if response not in self.options:
            return Feedback(False, "Answer with one of the options exactly as written "
                                   f"(or its number from 0 to {len(self.options) - 1}).")
        if response == self.answer:
            return Feedback(True, self.explain)
        return Feedback(False, self.hints.get(response, "Think about it once more and pick again."))


def quiz(*questions: MultipleChoice, title: str = "Check"):
    """An ipywidgets quiz: one set of radio buttons per question and a Check button."""
    import ipywidgets as widgets

    rows = []
    pickers = []
    feedbacks = []
    for number_, question in enumerate(questions, start=1):
        picker = widgets.RadioButtons(options=list(question.options), value=None,
                                      layout=widgets.Layout(width="auto"))
        feedback = widgets.HTML()
        pickers.append(picker)
        feedbacks.append(feedback)
        rows.append(widgets.VBox([widgets.HTML(f"<b>{number_}. {question.prompt}</b>"), picker, feedback]))
    button = widgets.Button(description="Check my answers", button_style="primary")
    score = widgets.HTML()

    def on_check(_):
        results = [q.check(p.value) for q, p in zip(questions, pickers)]
        for result, feedback in zip(results, feedbacks):
            feedback.value = result._repr_html_()
        right = sum(r.ok for r in results)
        score.value = f"<b>{right} of {len(results)} right.</b>"

    button.on_click(on_check)
    box = widgets.VBox([widgets.HTML(f"<h4>{title}</h4>"), *rows, widgets.HBox([button, score])])
    box.check = on_check  # lets tests and instructors trigger the check programmatically
    box.pickers = pickers
    box.feedbacks = feedbacks
    return box
