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
    """Globals for test cells; names the tests did not define are fetched from the learner."""

    def __init__(self, fetcher: Fetcher) -> None:
        super().__init__()
        self._fetcher = fetcher
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
        return value


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


def run_test_source(source: str, namespace: TrustedNamespace) -> CellVerdict:
    """Run one test cell's source in ``namespace``; turn any failure into a friendly verdict.

    Tracebacks are never shown: they would quote hidden-test lines.
    """
    try:
        code = compile(source, "<test cell>", "exec")
    except SyntaxError as exc:  # an authoring error, not the learner's
        return CellVerdict(False, f"This test cell has a syntax error (line {exc.lineno}); "
                                  "tell your instructor.", "SyntaxError")
    try:
        exec(code, namespace)
    except AssertionError as exc:
        text = str(exc).strip()
        return CellVerdict(False, text or GENERIC_FAILURE, "AssertionError")
    except NameError as exc:
        name = getattr(exc, "name", None) or str(exc)
        return CellVerdict(
            False,
            f"`{name}` is not defined yet. Run the cell where you create it "
            "(and the cells above it), and check the spelling of the name.",
            "NameError",
        )
    except RecursionError:
        return CellVerdict(False, "Your answer is nested too deeply to check.", "RecursionError")
    except Exception as exc:  # noqa: BLE001 -- any error in a test means the answer is not right
        kind = type(exc).__name__
        last = traceback.extract_tb(exc.__traceback__)
        where = "while calling your function" if any(f.filename.startswith("<learner") for f in last) else ""
        detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
        return CellVerdict(
            False,
            f"Your answer could not be checked {where}({kind}: {detail}). "
            "Check its type and shape against the question.".replace("  ", " "),
            kind,
        )
    return CellVerdict(True)


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
        result = func(*crossing.round_trip(list(args)), **crossing.round_trip(dict(kwargs)))
        return crossing.round_trip(result)


def check_cells(sources: list[str], values: dict[str, Any]) -> list[CellVerdict]:
    """Run test-cell sources in order against learner ``values`` (a convenience for tests)."""
    namespace = TrustedNamespace(LocalFetcher(values))
    return [run_test_source(src, namespace) for src in sources]


__all__ = ["AnswerMissing", "CellVerdict", "Fetcher", "GENERIC_FAILURE", "LearnerFunction",
           "LocalFetcher", "TrustedNamespace", "check_cells", "run_test_source"]
