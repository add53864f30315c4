"""Hands-on lab missions: ordered steps, each checked against the real state of a lab.

A mission is a task ("build Docker's bridge network by hand") cut into steps. Each step has a
goal in words and a *check*: a function that looks at the real state of the lab (or of a model)
and answers with a ``Feedback`` whose hint names the actual problem ("app has no default route",
"the DNAT rule sends port 8080 to port 8080, not 80"). The learner works in their notebook; the
reference solution lives in a separate file that only instructors and tests open.

    mission = Mission("Docker's bridge by hand", steps, target=world,
                      solutions="labs/docker-bridge/solutions/solution.py")
    mission.goal(1)            # what step 1 asks for
    mission.check(1)           # checks steps 1..1 and answers with a hint
    mission.check()            # the progress table of the whole mission
    mission.reveal(1, instructor=True)   # the reference commands of step 1

A step's check receives the mission's *target* (whatever the mission works on: a lab wrapper, a
model) and returns ``passed(...)`` or ``not_yet(hint)``. If the target has a ``refresh()``
method, it is called before every round of checks, so cached observations never go stale.

The solutions file defines ``SOLUTIONS`` (step key -> function(target) applying that step) and
optionally ``MISTAKES`` (step key -> list of ``Mistake``: a known-wrong answer and a piece of the
hint it must get). ``mission.verify(fresh_target)`` replays both on fresh targets: every step
must fail before its solution, pass after it, and every mistake must get its own hint. Tests call
it; so can an instructor who changed a check.

``run(node, command)`` runs a real command in a lab node, translating the lab's node names that
follow ``netns`` into the engine's real namespace names (which carry a per-run prefix), so a
learner types exactly what they would type on a real server.
"""
from __future__ import annotations

import html
import importlib.util
import inspect
import os
import re
import shlex
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from helpers.checks import Feedback
from helpers.display import Box
from helpers.errors import CourseError, InputError

__all__ = ["Step", "Mistake", "Mission", "Progress", "VerifyReport", "passed", "not_yet", "run",
           "INSTRUCTOR_ENV"]

ROOT = Path(__file__).resolve().parent.parent
INSTRUCTOR_ENV = "NETCOURSE_INSTRUCTOR"


def passed(message: str = "") -> Feedback:
    """What a check returns when the step is done."""
    return Feedback(True, message)


def not_yet(hint: str) -> Feedback:
    """What a check returns when the step is not done; the hint names the actual problem."""
    return Feedback(False, hint)


@dataclass
class Step:
    """One step of a mission: a goal in words and a check of the real state."""

    title: str
    goal: str
    check: Callable[[Any], Feedback]
    key: str = ""  # short name used by solutions and mistakes; made from the title if empty

    def __post_init__(self):
        if not self.key:
            self.key = re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")


@dataclass
class Mistake:
    """A known-wrong answer to a step and a piece of text the step's hint must contain."""

    name: str
    apply: Callable[[Any], None]
    hint: str


# ---------------------------------------------------------------------------- progress display

STATUS_MARK = {"done": "✅ done", "not yet": "💡 not yet", "waiting": "⏸ waiting"}


@dataclass
class StepStatus:
    number: int
    step: Step
    status: str  # "done", "not yet" or "waiting" (an earlier step is not done)
    feedback: Feedback | None = None


class Progress:
    """The state of every step of a mission, as a table."""

    def __init__(self, title: str, rows: list[StepStatus]):
        self.title = title
        self.rows = rows

    @property
    def done(self) -> int:
        return sum(row.status == "done" for row in self.rows)

    @property
    def complete(self) -> bool:
        return self.done == len(self.rows)

    @property
    def next_hint(self) -> str | None:
        for row in self.rows:
            if row.status == "not yet":
                return row.feedback.message
        return None

    def headline(self) -> str:
        if self.complete:
            return f"{self.title}: all {len(self.rows)} steps done. Mission complete!"
        return f"{self.title}: {self.done} of {len(self.rows)} steps done."

    def __repr__(self) -> str:
        width = max(len(row.step.title) for row in self.rows)
        lines = [self.headline()]
        for row in self.rows:
            note = ""
            if row.status == "not yet":
                note = f"  {row.feedback.message}"
            lines.append(f"  {row.number}. {row.step.title:<{width}}  {STATUS_MARK[row.status]}{note}".rstrip())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colours = {"done": "#15803d", "not yet": "#b45309", "waiting": "#64748b"}
        body = ""
        for row in self.rows:
            note = html.escape(row.feedback.message) if row.status == "not yet" else ""
            body += (f"<tr><td>{row.number}</td><td style='text-align:left'>{html.escape(row.step.title)}</td>"
                     f"<td style='color:{colours[row.status]};white-space:nowrap'>{STATUS_MARK[row.status]}</td>"
                     f"<td style='text-align:left'>{note}</td></tr>")
        return (f"<b>{html.escape(self.headline())}</b><table><tr><th>#</th><th style='text-align:left'>Step"
                f"</th><th>Status</th><th style='text-align:left'>Hint</th></tr>{body}</table>")


class SourceView:
    """A reference solution shown as code."""

    def __init__(self, title: str, code: str):
        self.title = title
        self.code = code

    def __repr__(self) -> str:
        return f"{self.title}\n{self.code}"

    def _repr_html_(self) -> str:
        return (f"<b>{html.escape(self.title)}</b><pre style='background:#f8fafc;padding:6px 10px'>"
                f"{html.escape(self.code)}</pre>")


@dataclass
class VerifyReport:
    """What mission.verify() found: one line per thing it tried, and the problems."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def __repr__(self) -> str:
        head = "Mission verified: every check behaves." if self.ok else \
            f"Mission has {len(self.problems)} problem(s):\n  " + "\n  ".join(self.problems)
        return head + "\n" + "\n".join(f"  {line}" for line in self.lines)


# ---------------------------------------------------------------------------- the mission

class Mission:
    """Ordered steps, each checked against the target's real state."""

    def __init__(self, title: str, steps: Sequence[Step], *, target: Any = None,
                 solutions: str | Path | None = None):
        if not steps:
            raise ValueError("a mission needs at least one step")
        keys = [step.key for step in steps]
        if len(set(keys)) != len(keys):
            raise ValueError(f"step keys must be unique: {keys}")
        self.title = title
        self.steps = list(steps)
        self.target = target
        self.solutions_path = Path(solutions) if solutions else None
        self._solutions_module = None

    # -- finding steps ------------------------------------------------------------------------
    def _number(self, step: int | str) -> int:
        """1-based number of a step given by number or key; a clear sentence otherwise."""
        if isinstance(step, int) and not isinstance(step, bool) and 1 <= step <= len(self.steps):
            return step
        if isinstance(step, str):
            for number, candidate in enumerate(self.steps, start=1):
                if candidate.key == step:
                    return number
        keys = ", ".join(s.key for s in self.steps)
        raise InputError(f"there is no step {step!r}; give a number from 1 to {len(self.steps)} "
                         f"(or a key: {keys}).")

    def __getitem__(self, step: int | str) -> Step:
        return self.steps[self._number(step) - 1]

    def __len__(self) -> int:
        return len(self.steps)

    # -- what to do ---------------------------------------------------------------------------
    def goal(self, step: int | str) -> Box:
        number = self._number(step)
        item = self.steps[number - 1]
        return Box(f"Step {number} of {len(self.steps)}: {item.title}\n{item.goal}", "info")

    def __repr__(self) -> str:
        lines = [f"Mission: {self.title}"]
        for number, step in enumerate(self.steps, start=1):
            lines.append(f"  {number}. {step.title}: {step.goal}")
        return "\n".join(lines)

    # -- checking -----------------------------------------------------------------------------
    def _target(self, target: Any) -> Any:
        chosen = self.target if target is None else target
        if chosen is None:
            raise CourseError("this mission has nothing to check yet; build its lab first (run the "
                              "set-up cell at the top of the notebook).")
        return chosen

    @staticmethod
    def _refresh(target: Any) -> None:
        refresh = getattr(target, "refresh", None)
        if callable(refresh):
            refresh()

    @staticmethod
    def _run_check(step: Step, target: Any) -> Feedback:
        try:
            result = step.check(target)
        except CourseError as problem:  # the lab is stopped, offline without a recording ...
            return not_yet(str(problem))
        if not isinstance(result, Feedback):
            raise TypeError(f"the check of step {step.key!r} returned {result!r}, not a Feedback")
        return result

    def _statuses(self, target: Any, upto: int) -> list[StepStatus]:
        self._refresh(target)
        rows, blocked = [], False
        for number, step in enumerate(self.steps[:upto], start=1):
            if blocked:
                rows.append(StepStatus(number, step, "waiting"))
                continue
            feedback = self._run_check(step, target)
            rows.append(StepStatus(number, step, "done" if feedback.ok else "not yet", feedback))
            blocked = not feedback.ok
        return rows

    def check(self, step: int | str | None = None, *, target: Any = None) -> Feedback | Progress:
        """Check one step (and the ones before it), or, with no step, show the whole progress."""
        chosen = self._target(target)
        if step is None:
            return Progress(self.title, self._statuses(chosen, len(self.steps)))
        number = self._number(step)
        rows = self._statuses(chosen, number)
        last = rows[-1]
        if last.status == "done":
            return last.feedback
        first = next(row for row in rows if row.status == "not yet")
        if first.number == number:
            return first.feedback
        return not_yet(f"Step {first.number} ({first.step.title}) is not done yet: {first.feedback.message}")

    # -- solutions ----------------------------------------------------------------------------
    def _solutions(self):
        if self._solutions_module is None:
            if self.solutions_path is None:
                raise CourseError("this mission has no reference solutions.")
            path = self.solutions_path if self.solutions_path.is_absolute() else ROOT / self.solutions_path
            if not path.exists():
                raise CourseError(f"the reference solutions are not here ({path.name} is missing); "
                                  f"instructors get them with the course repository.")
            name = "netcourse_solutions_" + re.sub(r"\W", "_", str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name))
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            self._solutions_module = module
        return self._solutions_module

    def solution(self, step: int | str) -> Callable[[Any], None]:
        key = self[step].key
        solutions = getattr(self._solutions(), "SOLUTIONS", {})
        if key not in solutions:
            raise CourseError(f"the solutions file has no solution for step {key!r}.")
        return solutions[key]

    def mistakes(self, step: int | str) -> list[Mistake]:
        return list(getattr(self._solutions(), "MISTAKES", {}).get(self[step].key, []))

    def solve(self, upto: int | str | None = None, *, target: Any = None) -> None:
        """Apply the reference solution of every step up to `upto` (all steps by default)."""
        chosen = self._target(target)
        last = len(self.steps) if upto is None else self._number(upto)
        for number in range(1, last + 1):
            self.solution(number)(chosen)

    def reveal(self, step: int | str, *, instructor: bool = False):
        """The reference solution of a step, for instructors (or NETCOURSE_INSTRUCTOR=1)."""
        number = self._number(step)
        if not (instructor or instructor_mode()):
            return Box(f"Solutions are kept for instructors. Try the hint first: mission.check({number}). "
                       f"An instructor can show it with mission.reveal({number}, instructor=True), or "
                       f"with instructor mode on (NETCOURSE_INSTRUCTOR=1).", "info")
        function = self.solution(number)
        code = textwrap.dedent(inspect.getsource(function)).strip()
        return SourceView(f"Reference solution of step {number}: {self.steps[number - 1].title}", code)

    def verify(self, fresh_target: Callable[[], Any]) -> VerifyReport:
        """Replay solutions and known mistakes on fresh targets; every check must behave.

        For each step: after the solutions of the steps before it, the step must NOT pass (a check
        that always passes is a broken check); each known mistake must fail with its own hint; and
        with its reference solution the step must pass. At the end every step passes at once.
        """
        report = VerifyReport()

        def with_fresh(action: Callable[[Any], None]) -> None:
            target = fresh_target()
            try:
                action(target)
            finally:
                close = getattr(target, "close", None)
                if callable(close):
                    close()

        def check_step(target, number: int) -> Feedback:
            self._refresh(target)
            return self._run_check(self.steps[number - 1], target)

        def before_and_after(target, number: int) -> None:
            step = self.steps[number - 1]
            for earlier in range(1, number):
                self.solution(earlier)(target)
            before = check_step(target, number)
            if before.ok:
                report.problems.append(f"step {number} ({step.key}) passes before its solution is applied")
            self.solution(number)(target)
            after = check_step(target, number)
            if not after.ok:
                report.problems.append(f"step {number} ({step.key}) fails with its reference solution: "
                                       f"{after.message}")
            report.lines.append(f"step {number} {step.key}: before -> {'pass' if before.ok else 'hint'}, "
                                f"solution -> {'pass' if after.ok else 'FAIL'}")

        def mistake_run(target, number: int, mistake: Mistake) -> None:
            step = self.steps[number - 1]
            for earlier in range(1, number):
                self.solution(earlier)(target)
            mistake.apply(target)
            feedback = check_step(target, number)
            if feedback.ok:
                report.problems.append(f"step {number} ({step.key}): the mistake '{mistake.name}' passes")
            elif mistake.hint not in feedback.message:
                report.problems.append(f"step {number} ({step.key}): the mistake '{mistake.name}' got "
                                       f"{feedback.message!r}, which lacks {mistake.hint!r}")
            report.lines.append(f"step {number} {step.key}: mistake '{mistake.name}' -> {feedback.message}")

        for number in range(1, len(self.steps) + 1):
            with_fresh(lambda target, n=number: before_and_after(target, n))
            for mistake in self.mistakes(number):
                with_fresh(lambda target, n=number, m=mistake: mistake_run(target, n, m))

        def everything(target) -> None:
            self.solve(target=target)
            progress = self.check(target=target)
            if not progress.complete:
                report.problems.append(f"with every solution applied: {progress.headline()} "
                                       f"({progress.next_hint})")
            report.lines.append(progress.headline())

        with_fresh(everything)
        return report


def instructor_mode() -> bool:
    """True when instructor mode is on (helpers.instructor, or NETCOURSE_INSTRUCTOR=1)."""
    try:
        from helpers import instructor
    except ImportError:
        instructor = None
    if instructor is not None and (instructor.enabled() or instructor.requested()):
        return True
    return os.environ.get(INSTRUCTOR_ENV, "").strip().lower() in ("1", "yes", "true", "on")


# ---------------------------------------------------------------------------- commands in nodes

def _translate(command: str, names: dict[str, str]) -> str:
    """Replace lab node names after `netns` (`netns exec`, `netns pids` ...) and `ip -n` with real names."""
    if not names:
        return command
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"(\bnetns\s+(?:(?:exec|pids|delete|del|attach|set)\s+)?|\bip\s+(?:-n|-netns)\s+)"
                         rf"({alternatives})(?![\w.-])")
    return pattern.sub(lambda m: m.group(1) + names[m.group(2)], command)


def run(node, command: str, *, timeout: float = 30, check: bool = False, cwd: str | Path | None = None,
        env: dict[str, Any] | None = None):
    """Run a shell command in a lab node, the way you would type it on a real server.

    Lab node names that follow ``netns`` (``ip link add veth1 type veth peer name eth0 netns web``,
    ``ip netns pids web``, ``ip netns exec web ...``) or ``ip -n`` are turned into the real
    namespace names, which carry a per-run prefix (``node.ns``, e.g. ``ncl4k2x9-web``) so that two
    labs never collide. The prefix is taken out of the output again, and the command is recorded
    as typed, so offline mode replays it.

    ``cwd`` runs the command in that folder (e.g. ``lab.workdir``); ``env`` sets shell variables
    (``env={"PID": 1234}`` for a command that says ``$PID``). Neither is part of the command shown
    or recorded, because both change from run to run.
    """
    from helpers.lab import results as R
    from helpers.lab.topology import LabError, Node

    if not isinstance(node, Node):
        raise InputError(f"run() needs a lab node first, like run(dhost, 'ip link'); got {node!r}.")
    if not isinstance(command, str) or not command.strip():
        raise InputError("run() needs a command as text, like run(dhost, 'ip -br link').")
    lab = node.lab
    real = _translate(command, {name: other.ns for name, other in lab.nodes.items()})
    prefix = ""
    if env:
        for key in env:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(key)):
                raise InputError(f"{key!r} is not a shell variable name; use letters, digits and '_'.")
        prefix += "".join(f"{key}={shlex.quote(str(value))}; " for key, value in env.items())
    folder = None
    if cwd is not None:
        folder = str(cwd)
        prefix += f"cd {shlex.quote(folder)} && "

    def clean(text: str) -> str:
        text = text.replace(f"{lab.prefix}-", "")
        if folder:
            text = text.replace(folder + "/", "").replace(folder, ".")
        return text

    def live():
        done = node._exec(["sh", "-c", prefix + real], timeout=timeout)
        return R.CommandResult(node.name, command, clean(done.stdout), clean(done.stderr), done.returncode)

    # node._observe records and replays under the command as typed (the engine's own run() would
    # record the prefixed namespace names, which differ on every run).
    result = node._observe("run", command, live)
    if check and not result.ok:
        raise LabError(f"`{command}` failed on {node.name}: {(result.stderr or result.output).strip()}")
    return result


class Session:
    """Several command results shown one after another, like a terminal session."""

    def __init__(self, results: Sequence[Any]):
        self.results = list(results)

    @property
    def ok(self) -> bool:
        return all(getattr(r, "ok", True) for r in self.results)

    def __iter__(self):
        return iter(self.results)

    def __getitem__(self, index):
        return self.results[index]

    def __len__(self) -> int:
        return len(self.results)

    def __repr__(self) -> str:
        return "\n".join(repr(r) for r in self.results)

    def _repr_html_(self) -> str:
        return "".join(r._repr_html_() for r in self.results)
