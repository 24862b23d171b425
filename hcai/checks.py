"""Friendly assertion helpers for nbgrader test cells.

Every helper raises :class:`AssertionError` with a message written for the learner: it says
*what to look at* (the type, the columns, how many rows, the case of the text, a category
that is missing or extra) and never prints the expected value itself, so the same helpers
are safe in hidden tests. Values arrive here as plain data (see :mod:`hcai.judge.crossing`), so
the helpers only rely on built-in types and pandas objects rebuilt by the grader.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

class CheckFailed(AssertionError):
    """A check did not pass. The message was written by these helpers to be safe to show,
    even from a hidden test (it never contains an expected value), so a grader may pass it
    on instead of a generic line."""

    hcai_safe_message = True


_TYPE_WORDS = {
    list: "a list", dict: "a dict", str: "a string", int: "a whole number (int)",
    float: "a number (float)", bool: "True or False (bool)", set: "a set", tuple: "a tuple",
    pd.DataFrame: "a pandas DataFrame", pd.Series: "a pandas Series",
}


def _kind(value: Any) -> str:
    """A short, learner-readable description of what ``value`` is."""
    for typ, word in _TYPE_WORDS.items():
        if type(value) is typ:
            return word
    if isinstance(value, pd.DataFrame):
        return "a pandas DataFrame"
    if isinstance(value, pd.Series):
        return "a pandas Series"
    return f"a {type(value).__name__}"


def _describe(expected_type: type | tuple[type, ...]) -> str:
    types = expected_type if isinstance(expected_type, tuple) else (expected_type,)
    return " or ".join(_TYPE_WORDS.get(t, f"a {t.__name__}") for t in types)


def check_type(value: Any, expected_type: type | tuple[type, ...], name: str) -> None:
    """``value`` must be an instance of ``expected_type`` (bool never counts as a number)."""
    types = expected_type if isinstance(expected_type, tuple) else (expected_type,)
    ok = isinstance(value, types)
    if ok and isinstance(value, bool) and bool not in types:
        ok = False
    if not ok:
        raise CheckFailed(f"`{name}` should be {_describe(expected_type)}, but it is {_kind(value)}.")


def check_columns(df: Any, expected_cols: Iterable[str], name: str, exact: bool = False) -> None:
    """``df`` is a DataFrame holding the columns ``expected_cols`` (and only those if ``exact``).

    Column names are part of the question's form, so they are named in the message.
    """
    check_type(df, pd.DataFrame, name)
    have = [str(c) for c in df.columns]
    want = list(expected_cols)
    missing = [c for c in want if c not in have]
    if missing:
        near = [c for c in missing if c.lower() in {h.lower() for h in have}]
        hint = " (check the upper/lower case of the name)" if near else ""
        raise CheckFailed(f"`{name}` is missing the column(s) {missing}{hint}. "
                             f"Its columns are {have}.")
    if exact:
        extra = [c for c in have if c not in want]
        if extra:
            raise CheckFailed(f"`{name}` has column(s) the question did not ask for: {extra}.")


def check_len(value: Any, expected: int, name: str, what: str = "items") -> None:
    """``value`` has ``expected`` entries; the message says too many or too few, not the number."""
    n = len(value)
    if n != expected:
        direction = "too many" if n > expected else "too few"
        raise CheckFailed(
            f"`{name}` has {n} {what}, which is {direction}. Check the filter that selects them "
            "(a boundary included or excluded, a category left out, a different spelling).")


def _norm(v: Any) -> Any:
    # Values that crossed as numpy scalars or pandas NA compare as plain Python values.
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            return v.item()
        except (ValueError, AttributeError):
            return v
    return v


def check_set(actual: Iterable[Any], expected: Iterable[Any], name: str, what: str = "entries",
              show_extra: bool = True) -> None:
    """Same members, order ignored. Extra members may be shown (they are the learner's own);
    missing ones are only counted, because naming them would give the answer away."""
    try:
        have = {_norm(v) for v in actual}
    except TypeError:
        raise CheckFailed(f"`{name}` should be a collection of simple values (strings or numbers).") from None
    want = {_norm(v) for v in expected}
    if have == want:
        return
    missing = want - have
    extra = have - want
    if not have and want:
        raise CheckFailed(f"`{name}` is empty, but it should not be.")
    case_hint = ""
    lower_want = {str(w).lower() for w in want}
    if any(isinstance(e, str) and e.lower() in lower_want for e in extra):
        case_hint = " Some entries differ only in upper/lower case: the data uses lower-case ids."
    parts = []
    if missing:
        parts.append(f"{len(missing)} of the expected {what} are missing")
    if extra:
        shown = sorted(map(str, extra))[:5] if show_extra else []
        more = f" (for example {shown})" if shown else ""
        parts.append(f"{len(extra)} {what} should not be there{more}")
    raise CheckFailed(f"`{name}` is not right: " + "; ".join(parts) + "." + case_hint)


def check_sorted_list(actual: Any, expected: list[Any], name: str, what: str = "entries") -> None:
    """A list with the right members in ascending order."""
    check_type(actual, list, name)
    check_set(actual, expected, name, what)
    if len(actual) != len(set(map(str, actual))):
        raise CheckFailed(f"`{name}` has duplicates; each entry should appear once.")
    if list(actual) != sorted(actual, key=str):
        raise CheckFailed(f"`{name}` has the right {what} but not in sorted order (use `sorted(...)`).")


def check_close(actual: Any, expected: float, name: str, tol: float = 1e-6) -> None:
    """A number within ``tol`` of the expected one; hints at percent-versus-share mix-ups."""
    if isinstance(actual, bool) or not isinstance(actual, (int, float)):
        raise CheckFailed(f"`{name}` should be a number, but it is {_kind(actual)}.")
    if isinstance(actual, float) and math.isnan(actual):
        raise CheckFailed(f"`{name}` is NaN (not a number). Check for an empty selection or a division by zero.")
    if abs(actual - expected) <= tol:
        return
    if expected and abs(actual - 100 * expected) <= 100 * tol + 1e-9:
        raise CheckFailed(f"`{name}` looks like a percentage; the question asks for a share between 0 and 1.")
    raise CheckFailed(f"`{name}` is not the expected value. Re-check which rows you count "
                         "and what you divide by.")


def check_equal(actual: Any, expected: Any, name: str, hint: str = "") -> None:
    """Plain equality for a simple value (string, number, bool); ``hint`` says where to look."""
    if type(actual) is not type(expected) and not (
            isinstance(actual, (int, float)) and isinstance(expected, (int, float))
            and not isinstance(actual, bool)):
        raise CheckFailed(f"`{name}` should be {_kind(expected)}, but it is {_kind(actual)}.")
    if actual == expected:
        return
    if isinstance(actual, str) and isinstance(expected, str) and actual.lower() == expected.lower():
        raise CheckFailed(f"`{name}` has the right word but the wrong upper/lower case.")
    if isinstance(actual, str) and isinstance(expected, str) and actual.strip() == expected.strip():
        raise CheckFailed(f"`{name}` has extra spaces at the start or end.")
    raise CheckFailed(f"`{name}` is not right. {hint}".strip())


def check_mapping(actual: Any, expected: Mapping[Any, Any], name: str, what: str = "values") -> None:
    """A dict with the expected keys; for each key the value must match (lists as sets)."""
    check_type(actual, dict, name)
    check_set(actual.keys(), expected.keys(), f"{name}.keys()", "keys")
    for key, want in expected.items():
        have = actual[key]
        label = f"{name}[{key!r}]"
        if isinstance(want, (list, set, tuple)):
            check_type(have, (list, set, tuple), label)
            check_set(have, want, label, what)
        elif isinstance(want, float):
            check_close(have, want, label, tol=1e-6)
        else:
            check_equal(have, want, label)


def _as_frame(value: Any, name: str) -> pd.DataFrame:
    if isinstance(value, pd.Series):
        return value.to_frame(name=value.name if value.name is not None else "value")
    check_type(value, pd.DataFrame, name)
    return value


def check_frame_matches(actual: Any, expected: pd.DataFrame | pd.Series, name: str, sort: bool = True,
                        check_dtype: bool = False, rtol: float = 1e-6, check_index: bool = False) -> None:
    """Compare a learner's table with the trusted one, reporting the first kind of difference.

    ``sort`` ignores row order; ``check_index`` also compares the index (otherwise it is reset,
    so a learner may keep or drop pandas' default index).
    """
    is_series = isinstance(expected, pd.Series)
    if is_series:
        check_type(actual, pd.Series, name)
    exp = _as_frame(expected, "expected")
    act = _as_frame(actual, name)
    if is_series:
        act.columns = exp.columns
    else:
        check_columns(act, [str(c) for c in exp.columns], name, exact=True)
        act = act[list(exp.columns)]
    if len(act) != len(exp):
        check_len(act, len(exp), name, "rows")
    if check_index or is_series:
        act = act.reset_index()
        exp = exp.reset_index()
        act.columns = exp.columns if len(act.columns) == len(exp.columns) else act.columns
        if list(act.columns) != list(exp.columns):
            raise CheckFailed(f"The index of `{name}` is not what the question asks for "
                                 "(check what its rows are labelled by).")
    else:
        act = act.reset_index(drop=True)
        exp = exp.reset_index(drop=True)
    if sort:
        keys = list(exp.columns)
        act = _sorted(act, keys)
        exp = _sorted(exp, keys)
    for col in exp.columns:
        a, e = act[col], exp[col]
        label = f"`{name}`" + ("" if is_series else f" column `{col}`")
        if check_dtype and str(a.dtype) != str(e.dtype):
            raise CheckFailed(f"{label} has the type `{a.dtype}`; the question asks for another one "
                                 "(numbers, text, dates or categories?).")
        if _numeric(e) and _numeric(a):
            af = pd.to_numeric(a, errors="coerce").astype("float64")
            ef = pd.to_numeric(e, errors="coerce").astype("float64")
            both_nan = af.isna() & ef.isna()
            diff = ((af - ef).abs() > rtol * ef.abs().clip(lower=1.0)) | (af.isna() != ef.isna())
            if bool((diff & ~both_nan).any()):
                ratio = (af / ef).replace([math.inf, -math.inf], math.nan).dropna()
                if len(ratio) and bool(((ratio - 100).abs() < 1e-6).all()):
                    raise CheckFailed(f"{label} looks like percentages; the question asks for shares "
                                         "between 0 and 1.")
                raise CheckFailed(f"Some values in {label} are not right. Check what you count "
                                     "and which rows you include.")
        else:
            if _numeric(e) != _numeric(a) and not (e.isna().all() and a.isna().all()):
                raise CheckFailed(f"{label} should hold {'numbers' if _numeric(e) else 'text or dates'}.")
            av = [_cell(v) for v in a.tolist()]
            ev = [_cell(v) for v in e.tolist()]
            if av != ev:
                if [str(x).lower() for x in av] == [str(x).lower() for x in ev]:
                    raise CheckFailed(f"{label} differs only in upper/lower case.")
                raise CheckFailed(f"Some values in {label} are not right. Check your filter, "
                                     "your join and how you spell the values.")


def _numeric(s: pd.Series) -> bool:
    return (pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)) \
        and not isinstance(s.dtype, pd.CategoricalDtype)


def _cell(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    return _norm(v)


def _sorted(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    tmp = df.astype({c: "object" for c in df.columns}).map(lambda v: "" if _cell(v) is None else str(_cell(v)))
    order = tmp.sort_values(keys, kind="stable").index
    return df.loc[order].reset_index(drop=True)


def check_series_counts(actual: Any, expected: pd.Series, name: str, what: str = "labels") -> None:
    """A Series of counts (or shares) keyed by label: same labels, same numbers, any order.

    Labels are compared as text so an index that crossed as ``int`` or ``str`` is judged on its
    content, but the message tells the learner when only the type of the labels differs.
    """
    check_type(actual, pd.Series, name)
    have = {_norm(k): _norm(v) for k, v in actual.items()}
    want = {_norm(k): _norm(v) for k, v in expected.items()}
    if set(map(str, have)) == set(map(str, want)) and set(have) != set(want):
        raise CheckFailed(f"The labels (index) of `{name}` have the wrong type "
                             "(numbers versus text): check how you made them.")
    check_set(have.keys(), want.keys(), f"the index of `{name}`", what)
    for key, value in want.items():
        got = have[key]
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            raise CheckFailed(f"The values of `{name}` should be numbers.")
        if abs(float(got) - float(value)) > 1e-6 * max(1.0, abs(float(value))):
            raise CheckFailed(f"The value of `{name}` for {key!r} is not right. "
                                 "Check which rows you count.")


__all__ = ["CheckFailed", "check_type", "check_columns", "check_len", "check_set", "check_sorted_list",
           "check_close", "check_equal", "check_mapping", "check_frame_matches",
           "check_series_counts"]
