"""Decide whether a test cell passes, in a process the learner's code never touches.

A test cell is ordinary Python (``assert`` statements, ``hcai.checks`` helpers). It runs
here in a :class:`TrustedNamespace`: when the test reads a name it did not define itself,
the namespace asks a *fetcher* for the learner's value, and the fetcher answers with plain
data that has crossed through :mod:`hcai.crossing`. A learner function arrives as a
:class:`LearnerFunction` that calls the function where it lives and returns plain data.

Two fetchers exist: the sandboxed grader's (values come out of a bubblewrap kernel; see
``hcai.grading``) and :class:`LocalFetcher` (values from a dict in this process, round-tripped
through the same encoding, so a local check and the grader agree).
"""

from __future__ import annotations

import builtins
import traceback
from dataclasses import dataclass
from typing import Any, Protocol

from hcai import crossing

#: Shown when an ``assert`` with no message fails; never the assertion's own source.
GENERIC_FAILURE = "A check in this cell did not pass. Re-read the question and try again."


class AnswerMissing(KeyError):
    """The learner's kernel has no variable of that name."""


class Fetcher(Protocol):
    def fetch(self, name: str) -> Any:
        """Plain data for the learner's ``name``; raise :class:`AnswerMissing` when undefined."""

    def call(self, name: str, args: tuple, kwargs: dict) -> Any:
        """Call the learner's function ``name`` with plain data; return plain data."""


class LearnerFunction:
    """Calls a learner function where it lives; arguments and result cross as data."""

    def __init__(self, name: str, fetcher: Fetcher) -> None:
        self._name = name
        self._fetcher = fetcher

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._fetcher.call(self._name, args, kwargs)

    def __repr__(self) -> str:
        return f"<your function {self._name}>"


class TrustedNamespace(dict):
    """Globals for test cells; names the tests did not define are fetched from the learner.

    Fetched values are cached until :meth:`forget_learner_values` (called after every learner
    cell, since the learner's next cell may change them); names the tests define stay.
    """

    def __init__(self, fetcher: Fetcher) -> None:
        super().__init__()
        self._fetcher = fetcher
        self._fetched: set[str] = set()
        self["__name__"] = "__hcai_test__"
        self["__builtins__"] = builtins

    def __missing__(self, name: str) -> Any:
        # Builtins must fall through to the builtins lookup, not to the learner.
        if name.startswith("__") or hasattr(builtins, name):
            raise KeyError(name)
        try:
            value = self._fetcher.fetch(name)
        except AnswerMissing:
            raise KeyError(name) from None
        if isinstance(value, crossing.FunctionRef):
            value = LearnerFunction(name, self._fetcher)
        self[name] = value
        self._fetched.add(name)
        return value

    def __setitem__(self, name: str, value: Any) -> None:
        # A name the test assigns is the test's own from now on.
        self._fetched.discard(name)
        super().__setitem__(name, value)

    def forget_learner_values(self) -> None:
        """Drop cached learner values (keep what the tests defined)."""
        for name in list(self._fetched):
            self.pop(name, None)
        self._fetched.clear()


class LearnerError(Exception):
    """The learner's code raised while a test used it (e.g. a learner function call)."""


@dataclass(frozen=True)
class CellVerdict:
    """Outcome of one test cell, with a message safe to show the learner."""

    passed: bool
    message: str = ""
    error_name: str = ""

    def as_output(self) -> dict | None:
        """An nbformat error output (nbgrader scores a cell with one as 0), or None."""
        if self.passed:
            return None
        return {
            "output_type": "error",
            "ename": self.error_name or "AssertionError",
            "evalue": self.message,
            "traceback": [f"{self.error_name or 'AssertionError'}: {self.message}"],
        }


#: Shown for any failure inside nbgrader's hidden-test region (its details could reveal it).
HIDDEN_FAILURE = "A hidden check in this cell did not pass."
HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"


def hidden_lines(source: str) -> set[int]:
    """1-based line numbers inside nbgrader's hidden-test markers (markers included)."""
    lines: set[int] = set()
    inside = False
    for number, line in enumerate(source.splitlines(), start=1):
        if HIDDEN_BEGIN in line:
            inside = True
        if inside:
            lines.add(number)
        if HIDDEN_END in line:
            inside = False
    return lines


_hidden_lines_of = hidden_lines  # the parameter of run_test_source shadows the function


def _failing_line(exc: BaseException) -> int | None:
    """The innermost line of the test cell that was running when ``exc`` was raised."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == "<test cell>":
            line = frame.lineno
    return line


def run_test_source(source: str, namespace: TrustedNamespace,
                    hidden_lines: set[int] | None = None) -> CellVerdict:
    """Run one test cell's source in ``namespace``; turn any failure into a friendly verdict.

    Tracebacks are never shown: they would quote hidden-test lines. A failure raised from
    inside nbgrader's hidden-test markers gets :data:`HIDDEN_FAILURE` and nothing more.
    ``hidden_lines`` (1-based) are those lines, found by ``hcai.cells`` with the course's
    delimiters; without it, this module's own ``### BEGIN HIDDEN TESTS`` search is used.
    """
    try:
        code = compile(source, "<test cell>", "exec")
    except SyntaxError as exc:  # an authoring error, not the learner's
        return CellVerdict(False, f"This test cell has a syntax error (line {exc.lineno}); "
                                  "tell your instructor.", "SyntaxError")
    hidden = hidden_lines if hidden_lines is not None else _hidden_lines_of(source)
    try:
        exec(code, namespace)
    except BaseException as exc:  # noqa: BLE001 -- any error in a test means "not passed"
        if isinstance(exc, KeyboardInterrupt):  # the grader's own Ctrl-C
            raise
        if hidden and _failing_line(exc) in hidden:
            # hcai.checks writes messages that never contain expected values; pass those on.
            # (Only trusted code raises here: learner values arrive as plain data.)
            if isinstance(exc, AssertionError) and getattr(exc, "hcai_safe_message", False):
                text = str(exc).strip()[:2000]
                return CellVerdict(False, f"{HIDDEN_FAILURE} {text}".strip(), "AssertionError")
            return CellVerdict(False, HIDDEN_FAILURE, "AssertionError")
        return _verdict_for(exc)
    return CellVerdict(True)


def _verdict_for(exc: BaseException) -> CellVerdict:
    if isinstance(exc, AssertionError):
        text = str(exc).strip()[:2000]
        return CellVerdict(False, text or GENERIC_FAILURE, "AssertionError")
    if isinstance(exc, NameError):
        name = getattr(exc, "name", None) or str(exc)
        return CellVerdict(
            False,
            f"`{name}` is not defined yet. Run the cell where you create it "
            "(and the cells above it), and check the spelling of the name.",
            "NameError",
        )
    if isinstance(exc, RecursionError):
        return CellVerdict(False, "Your answer is nested too deeply to check.", "RecursionError")
    kind = type(exc).__name__
    detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    if isinstance(exc, LearnerError):  # its message is written for the learner already
        return CellVerdict(False, str(exc)[:600] or GENERIC_FAILURE, "LearnerError")
    return CellVerdict(
        False,
        f"Your answer could not be checked ({kind}: {detail}). "
        "Check its type and shape against the question.",
        kind,
    )


class LocalFetcher:
    """Fetch from a dict of learner values in this process, through the same data crossing."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def fetch(self, name: str) -> Any:
        if name not in self._values:
            raise AnswerMissing(name)
        return crossing.round_trip(self._values[name])

    def call(self, name: str, args: tuple, kwargs: dict) -> Any:
        func = self._values[name]
        try:
            result = func(*crossing.round_trip(list(args)), **crossing.round_trip(dict(kwargs)))
        except Exception as exc:  # noqa: BLE001 -- reported as the learner's error
            raise LearnerError(f"Your function `{name}` raised {type(exc).__name__} "
                               f"({str(exc)[:300]}) when the tests called it.") from None
        return crossing.round_trip(result)


def check_cells(sources: list[str], values: dict[str, Any]) -> list[CellVerdict]:
    """Run test-cell sources in order against learner ``values`` (a convenience for tests)."""
    namespace = TrustedNamespace(LocalFetcher(values))
    return [run_test_source(src, namespace) for src in sources]


__all__ = ["AnswerMissing", "CellVerdict", "Fetcher", "GENERIC_FAILURE", "HIDDEN_FAILURE",
           "LearnerError", "LearnerFunction", "LocalFetcher", "TrustedNamespace", "check_cells",
           "hidden_lines", "run_test_source"]
