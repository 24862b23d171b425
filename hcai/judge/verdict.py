"""Run one test cell in the grader and decide its verdict and its nbgrader outputs.

:func:`run_test_source` executes the cell in a :class:`~hcai.judge.namespace.TrustedNamespace`
and returns a :class:`CellVerdict` holding the outputs the cell should carry, so nbgrader's
``determine_grade`` scores it exactly as it scores a cell run in the kernel:

* what the test (and learner code it called) printed to stdout: one ``stream`` output;
* the value of a last expression statement, shown as IPython would (``text/plain`` of its
  pretty repr, nothing when ``None`` or the cell ends in ``;``): an ``execute_result``, which
  nbgrader reads as partial credit when it is a number. A learner object's repr is never
  shown (it is learner-controlled text); its handle's fixed repr is shown instead;
* on failure, one ``error`` output with a friendly message, never a traceback.

Deliberate difference from nbgrader: stderr written during a passing test cell is not kept,
so a warning printed by a library does not zero the cell (nbgrader would give 0).
"""

from __future__ import annotations

import ast
import contextlib
import io
import tokenize
import traceback
from dataclasses import dataclass, field
from typing import Any

from hcai.judge.handles import GradingRefused, GradingStopped, LearnerObject, ValueUnavailable
from hcai.judge.outbound import TEST_FILENAME

#: Shown when an ``assert`` with no message fails; never the assertion's own source.
GENERIC_FAILURE = "A check in this cell did not pass. Re-read the question and try again."
#: Shown for any failure inside nbgrader's hidden-test region (its details could reveal it).
HIDDEN_FAILURE = "A hidden check in this cell did not pass."
#: Characters of test-cell stdout kept in the notebook.
MAX_STDOUT_CHARS = 100_000


@dataclass(frozen=True)
class CellVerdict:
    """Outcome of one test cell, with messages safe to show the learner.

    ``outputs`` are nbformat output dicts, in order, that the engine stores on the cell;
    ``refused`` is True when the test could not be run faithfully (the message says why).
    """

    passed: bool
    message: str = ""
    error_name: str = ""
    outputs: tuple[dict, ...] = field(default_factory=tuple)
    refused: bool = False

    def as_output(self) -> dict | None:
        """The ``error`` output of a failing cell (nbgrader scores a cell with one as 0)."""
        for out in self.outputs:
            if out.get("output_type") == "error":
                return out
        return None


def _error_output(name: str, message: str) -> dict:
    return {"output_type": "error", "ename": name, "evalue": message,
            "traceback": [f"{name}: {message}"]}


def _failing_line(exc: BaseException) -> int | None:
    """The innermost line of the test cell that was running when ``exc`` was raised."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == TEST_FILENAME:
            line = frame.lineno
    return line


def _compile(source: str) -> tuple[Any, Any]:
    """(statements, last expression or None), compiled under :data:`TEST_FILENAME`."""
    tree = ast.parse(source, TEST_FILENAME)
    last = None
    final = tree.body[-1] if tree.body else None
    if isinstance(final, ast.Expr):
        tree.body.pop()
        last = ast.Expression(final.value)
    body = compile(tree, TEST_FILENAME, "exec")
    return body, (compile(last, TEST_FILENAME, "eval") if last is not None else None)


def _quiet(source: str) -> bool:
    """IPython shows no result when the cell's last token is ``;``."""
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
                  if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE,
                                    tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT)]
    except (tokenize.TokenError, SyntaxError):
        return False
    return bool(tokens) and tokens[-1].string == ";"


def _has_handle(value: Any, depth: int = 0) -> bool:
    if isinstance(value, LearnerObject):
        return True
    if depth > 20:
        return True  # too deep to be sure: treat as learner-controlled
    if isinstance(value, dict):
        return any(_has_handle(k, depth + 1) or _has_handle(v, depth + 1) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_has_handle(v, depth + 1) for v in value)
    return False


def display_text(value: Any) -> str:
    """``text/plain`` as IPython's display hook writes it; fixed reprs for learner objects."""
    if _has_handle(value):
        return repr(value)[:10_000]
    try:
        from IPython.core.formatters import PlainTextFormatter
        return PlainTextFormatter()(value)
    except Exception:  # noqa: BLE001 -- IPython missing or a value it cannot print
        return repr(value)


def run_test_source(source: str, namespace: Any, *,
                    hidden_lines: set[int] | None = None) -> CellVerdict:
    """Run one test cell's source in ``namespace``; see the module docstring.

    ``hidden_lines`` are the cell's 1-based line numbers inside the hidden-test region (from
    the engine, which knows nbgrader's delimiters); ``None`` finds the default markers.
    """
    if hidden_lines is None:
        hidden_lines = default_hidden_lines(source)
    try:
        body, last = _compile(source)
    except SyntaxError as exc:  # an authoring error, not the learner's
        message = f"This test cell has a syntax error (line {exc.lineno}); tell your instructor."
        return CellVerdict(False, message, "SyntaxError", (_error_output("SyntaxError", message),))
    stdout, stderr = io.StringIO(), io.StringIO()
    value = None
    failure: CellVerdict | None = None
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            exec(body, namespace)
            if last is not None:
                value = eval(last, namespace)
    except KeyboardInterrupt:  # the grader's own Ctrl-C
        raise
    except BaseException as exc:  # noqa: BLE001 -- any error in a test means "not passed"
        failure = _failure(exc, hidden_lines)
    failure = _end_cell(namespace, failure)
    take = getattr(namespace, "take_refusal", None)
    refusal = take() if callable(take) else None
    if refusal is not None and (failure is None or not failure.refused):
        failure = _failure(refusal, hidden_lines)  # the test caught it; it still stands
    outputs: list[dict] = []
    printed = stdout.getvalue()
    if printed and not hidden_lines:  # a hidden test's prints could reveal it
        outputs.append({"output_type": "stream", "name": "stdout",
                        "text": printed[:MAX_STDOUT_CHARS]})
    if failure is not None:
        outputs.append(_error_output(failure.error_name, failure.message))
        return CellVerdict(False, failure.message, failure.error_name, tuple(outputs),
                           failure.refused)
    if value is not None and not _quiet(source):
        outputs.append({"output_type": "execute_result", "execution_count": None,
                        "metadata": {}, "data": {"text/plain": display_text(value)}})
    return CellVerdict(True, "", "", tuple(outputs))


def _end_cell(namespace: Any, failure: CellVerdict | None) -> CellVerdict | None:
    """Tell the kernel the cell is over (figures it kept are closed); a failure here fails it."""
    session = getattr(namespace, "session", None)
    if session is None:
        return failure
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            session.end_cell()
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001
        return failure or _failure(exc, set())
    return failure


def _failure(exc: BaseException, hidden: set[int]) -> CellVerdict:
    if isinstance(exc, GradingRefused):
        text = str(exc)[:600]
        return CellVerdict(False, f"This check could not be graded: {text}", exc.error_name,
                           refused=True)
    if isinstance(exc, GradingStopped):
        return CellVerdict(False, str(exc)[:600] or GENERIC_FAILURE, exc.error_name)
    if hidden and _failing_line(exc) in hidden:
        # hcai.checks writes messages that never contain expected values; pass those on.
        if isinstance(exc, AssertionError) and getattr(exc, "hcai_safe_message", False):
            text = str(exc).strip()[:2000]
            return CellVerdict(False, f"{HIDDEN_FAILURE} {text}".strip(), "AssertionError")
        return CellVerdict(False, HIDDEN_FAILURE, "AssertionError")
    return verdict_for(exc)


def verdict_for(exc: BaseException) -> CellVerdict:
    """The friendly verdict for an exception that ended a visible test."""
    kind = type(exc).__name__
    detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    if getattr(exc, "hcai_learner", False):
        said = f" ({detail})" if detail else ""
        return CellVerdict(False, f"Your code raised {kind}{said} when the tests used it.", kind)
    if isinstance(exc, AssertionError):
        text = str(exc).strip()[:2000]
        return CellVerdict(False, text or GENERIC_FAILURE, "AssertionError")
    if isinstance(exc, NameError):
        name = getattr(exc, "name", None) or str(exc)
        return CellVerdict(False, f"`{name}` is not defined yet. Run the cell where you create it "
                                  "(and the cells above it), and check the spelling of the name.",
                           "NameError")
    if isinstance(exc, ValueUnavailable):
        return CellVerdict(False, f"Your answer could not be checked: {detail}.", "ValueUnavailable")
    if isinstance(exc, RecursionError):
        return CellVerdict(False, "Your answer is nested too deeply to check.", "RecursionError")
    return CellVerdict(False, f"Your answer could not be checked ({kind}: {detail}). "
                              "Check its type and shape against the question.", kind)


#: nbgrader's default hidden-test delimiters (the engine reads the configured ones).
HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"


def default_hidden_lines(source: str, begin: str = HIDDEN_BEGIN, end: str = HIDDEN_END) -> set[int]:
    """1-based line numbers inside hidden-test markers (markers included)."""
    lines: set[int] = set()
    inside = False
    for number, line in enumerate(source.splitlines(), start=1):
        if begin in line:
            inside = True
        if inside:
            lines.add(number)
        if end in line:
            inside = False
    return lines


__all__ = ["CellVerdict", "GENERIC_FAILURE", "HIDDEN_FAILURE", "default_hidden_lines",
           "display_text", "run_test_source", "verdict_for"]
