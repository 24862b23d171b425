"""Load and validate the course's tables by name, against ``data/datapackage.json``.

The data package is a Frictionless-style Data Package (Table Schema). This module reads
the small subset the course uses and checks it with its own code, so learners need
nothing beyond pandas:

* field types ``string``, ``integer``, ``number``, ``boolean``, ``date`` (``format`` is
  ``default`` for ISO dates or a ``strftime`` pattern such as ``%m/%d/%Y``);
* constraints ``required``, ``enum``, ``unique``, ``pattern``, ``minimum``;
* ``primaryKey`` (one field or several) and ``foreignKeys``;
* the package's own keys, documented under ``x-conventions`` in the package:
  ``x-categorical``, ``x-ordered``, ``x-list-separator``, ``x-determined-by``,
  ``x-required-if``, ``x-row-count`` and the resource ``hash`` (``sha256:...``).

Problems are reported as ``<file>, column '<col>', row <n>: <what is wrong>``, where
``row`` counts as a spreadsheet does: the header is row 1, the first record row 2.

Typical use::

    from hcai import data
    creds = data.load("credentials")          # typed DataFrame, or DataError
    data.validate_all()                       # {"credentials": [], ...}

Size: one Table Schema reader and validator (about 460 lines). Each check is a short method of
``_Table``; split across modules they would share every private helper and the error format.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from hcai import paths

PACKAGE_FILE = "datapackage.json"
#: How many offending rows a message lists before it just counts them.
MAX_ROWS_SHOWN = 5


class DataError(ValueError):
    """A table is missing, unknown or does not match its schema."""


# ----------------------------------------------------------------------------- locating

def _data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The data folder: the argument, else ``$HCAI_ROOT/data`` read now, else :mod:`hcai.paths`.

    ``HCAI_ROOT`` is re-read at call time (``hcai.paths`` reads it once, at import) so a
    test or a tool can point at a course copy without reloading modules.
    """
    if data_dir is not None:
        return Path(data_dir).resolve()
    root = os.environ.get("HCAI_ROOT")
    return (Path(root).resolve() / "data") if root else paths.DATA_DIR


def _display(folder: Path, filename: str) -> str:
    # Named as a learner sees it in the repository ("data/credentials.csv"), not a long absolute path.
    return f"{folder.name}/{filename}"


def _package(folder: Path) -> dict:
    path = folder / PACKAGE_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{_display(folder, PACKAGE_FILE)}: file not found (looked in {folder})") from None
    except json.JSONDecodeError as exc:
        raise DataError(f"{_display(folder, PACKAGE_FILE)}: not valid JSON ({exc})") from None


def _resource(pkg: dict, name: str, folder: Path) -> dict:
    stem = name[:-4] if name.endswith(".csv") else name
    for res in pkg.get("resources", []):
        if res.get("name") == stem:
            return res
    known = ", ".join(r.get("name", "?") for r in pkg.get("resources", []))
    raise DataError(f"{_display(folder, PACKAGE_FILE)}: no table named '{name}'; the tables are: {known}")


# ----------------------------------------------------------------------------- public API

def list_tables(data_dir: str | os.PathLike | None = None) -> list[str]:
    """Names of the tables described by the data package, in package order."""
    return [r["name"] for r in _package(_data_dir(data_dir)).get("resources", [])]


def schema(name: str, data_dir: str | os.PathLike | None = None) -> dict:
    """The package's resource entry for ``name`` (path, dialect, ``schema`` with fields and keys)."""
    folder = _data_dir(data_dir)
    return _resource(_package(folder), name, folder)


def load(name: str, data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read table ``name`` as a typed DataFrame, checking it against its schema first.

    Dates become ``datetime64``, enumerations and ``x-categorical`` fields pandas
    ``Categorical`` (ordered where ``x-ordered``), booleans ``bool``, optional integers
    ``Int64``, other text ``str`` (empty cells become missing values). Raises
    :class:`DataError` naming the file, column and first offending rows.
    """
    folder = _data_dir(data_dir)
    pkg = _package(folder)
    res = _resource(pkg, name, folder)
    table = _Table(res, folder)
    problems = table.check() + _foreign_key_problems(table, pkg, folder)
    if problems:
        shown = problems[:10]
        more = f"\n... and {len(problems) - 10} more problems" if len(problems) > 10 else ""
        raise DataError("\n".join(shown) + more)
    return table.typed()


def validate(name: str, data_dir: str | os.PathLike | None = None) -> list[str]:
    """Every problem found in table ``name`` (schema, keys, foreign keys, hash); empty when valid."""
    folder = _data_dir(data_dir)
    try:
        pkg = _package(folder)
        res = _resource(pkg, name, folder)
        table = _Table(res, folder)
    except DataError as exc:
        return [str(exc)]
    return table.check() + _foreign_key_problems(table, pkg, folder)


def validate_all(data_dir: str | os.PathLike | None = None) -> dict[str, list[str]]:
    """``{table name: problems}`` for every table in the package (an empty list means valid)."""
    folder = _data_dir(data_dir)
    try:
        names = list_tables(folder)
    except DataError as exc:
        return {PACKAGE_FILE: [str(exc)]}
    return {n: validate(n, folder) for n in names}


# ----------------------------------------------------------------------------- checking

def _constraints(field: dict) -> dict:
    return field.get("constraints", {}) or {}


def _is_empty(values: pd.Series) -> pd.Series:
    return values.str.strip() == ""


def _row_list(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:MAX_ROWS_SHOWN])
    return shown + (f" and {len(rows) - MAX_ROWS_SHOWN} more" if len(rows) > MAX_ROWS_SHOWN else "")


def _date_format(field: dict) -> str:
    fmt = field.get("format", "default")
    # Table Schema's "default" date is ISO 8601; "any" is not supported on purpose (ambiguous days).
    return "%Y-%m-%d" if fmt in (None, "", "default") else fmt


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Table:
    """One CSV read as text plus its resource description; checks, then converts."""

    def __init__(self, res: dict, folder: Path) -> None:
        self.res = res
        self.folder = folder
        self.path = folder / res.get("path", f"{res['name']}.csv")
        self.display = _display(folder, self.path.name)
        self.fields: list[dict] = res.get("schema", {}).get("fields", [])
        self.raw = self._read()

    def _read(self) -> pd.DataFrame:
        try:
            # All text, nothing guessed: types come from the schema. utf-8-sig accepts a BOM or none.
            encoding = self.res.get("encoding", "utf-8")
            if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
                encoding = "utf-8-sig"
            return pd.read_csv(self.path, dtype=str, keep_default_na=False, na_filter=False, encoding=encoding)
        except FileNotFoundError:
            raise DataError(f"{self.display}: file not found (looked in {self.folder})") from None
        except UnicodeDecodeError as exc:
            raise DataError(f"{self.display}: not valid {self.res.get('encoding', 'utf-8')} text ({exc.reason} "
                            f"at byte {exc.start})") from None
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise DataError(f"{self.display}: cannot be read as CSV ({str(exc).strip()})") from None

    # -- helpers
    def _cell_problem(self, col: str, mask: pd.Series, describe: Callable[[Any], str]) -> list[str]:
        """One message for all rows where ``mask`` holds: the first value described, the rest counted."""
        rows = (mask[mask].index + 2).tolist()
        if not rows:
            return []
        first = self.raw.at[rows[0] - 2, col]
        msg = f"{self.display}, column '{col}', row {rows[0]}: {describe(first)}"
        if len(rows) > 1:
            msg += f" (also row{'s' if len(rows) > 2 else ''} {_row_list(rows[1:])})"
        return [msg]

    # -- checks
    def check(self) -> list[str]:
        problems: list[str] = []
        names = [f["name"] for f in self.fields]
        for col in self.raw.columns:
            if col not in names:
                problems.append(f"{self.display}: unexpected column '{col}' "
                                f"(the schema's columns are: {', '.join(names)})")
        for field in self.fields:
            if field["name"] not in self.raw.columns:
                problems.append(f"{self.display}, column '{field['name']}': column is missing")
            else:
                problems += self._check_field(field)
        problems += self._check_primary_key()
        problems += self._check_rules()
        problems += self._check_resource()
        return problems

    def _check_field(self, field: dict) -> list[str]:
        col, kind = field["name"], field.get("type", "string")
        con = _constraints(field)
        values = self.raw[col]
        empty = _is_empty(values)
        present = ~empty
        out: list[str] = []
        if con.get("required"):
            out += self._cell_problem(col, empty, lambda v: "a value is required but the cell is empty")
        if kind == "string":
            out += self._check_string(field, values, present)
        elif kind == "integer":
            bad = present & ~values.str.fullmatch(r"[+-]?\d+")
            out += self._cell_problem(col, bad, lambda v: f"'{v}' is not a whole number")
            if "minimum" in con:
                nums = pd.to_numeric(values.where(present & ~bad), errors="coerce")
                out += self._cell_problem(col, nums < con["minimum"],
                                          lambda v: f"{v} is below the minimum {con['minimum']}")
        elif kind == "number":
            nums = pd.to_numeric(values.where(present), errors="coerce")
            out += self._cell_problem(col, present & nums.isna(), lambda v: f"'{v}' is not a number")
        elif kind == "boolean":
            allowed = field.get("trueValues", ["true"]) + field.get("falseValues", ["false"])
            out += self._cell_problem(col, present & ~values.isin(allowed),
                                      lambda v: f"'{v}' is not a boolean (use {' or '.join(allowed)})")
        elif kind == "date":
            fmt = _date_format(field)
            parsed = pd.to_datetime(values.where(present), format=fmt, errors="coerce")
            bad = present & parsed.isna()
            if fmt == "%Y-%m-%d":  # strptime accepts "2024-1-2"; the course's dates are zero-padded
                bad |= present & ~values.str.fullmatch(_ISO_DATE.pattern)
            shown = "YYYY-MM-DD" if fmt == "%Y-%m-%d" else \
                fmt.replace("%m", "MM").replace("%d", "DD").replace("%Y", "YYYY")
            out += self._cell_problem(col, bad, lambda v: f"'{v}' is not a date in the form {shown}")
        else:
            out.append(f"{self.display}, column '{col}': unsupported type '{kind}' in {PACKAGE_FILE}")
        if con.get("unique"):
            dup = present & values.duplicated(keep=False)
            out += self._cell_problem(col, dup, lambda v: f"'{v}' appears more than once but must be unique")
        return out

    def _check_string(self, field: dict, values: pd.Series, present: pd.Series) -> list[str]:
        col, con = field["name"], _constraints(field)
        out: list[str] = []
        sep = field.get("x-list-separator")
        if "pattern" in con:
            items = values.where(present, "")
            if sep:
                bad = present & ~items.str.split(sep).map(lambda xs: all(re.fullmatch(con["pattern"], x) for x in xs))
            else:
                bad = present & ~items.str.fullmatch(con["pattern"])
            out += self._cell_problem(col, bad, lambda v: f"'{v}' does not match the pattern {con['pattern']}")
        if "enum" in con:
            enum = [str(e) for e in con["enum"]]
            allowed = set(enum)
            if sep:
                def first_bad(v: str) -> str:
                    wrong = [x for x in v.split(sep) if x not in allowed]
                    where = "" if wrong[0] == v else f" (in '{v}')"
                    return f"'{wrong[0]}'{where} is not one of {', '.join(enum)}"
                bad = present & ~values.str.split(sep).map(lambda xs: all(x in allowed for x in xs))
                out += self._cell_problem(col, bad, first_bad)
            else:
                bad = present & ~values.isin(allowed)
                out += self._cell_problem(col, bad, lambda v: f"'{v}' is not one of {', '.join(enum)}")
        return out

    def _check_primary_key(self) -> list[str]:
        pk = self.res.get("schema", {}).get("primaryKey")
        if not pk:
            return []
        cols = [pk] if isinstance(pk, str) else list(pk)
        if any(c not in self.raw.columns for c in cols):
            return []  # the missing column is already reported
        if len(cols) == 1 and any(f["name"] == cols[0] and _constraints(f).get("unique") for f in self.fields):
            return []  # already reported by the field's `unique` check
        dup = self.raw.duplicated(subset=cols, keep=False)
        rows = (dup[dup].index + 2).tolist()
        if not rows:
            return []
        key = ", ".join(f"{c}='{self.raw.at[rows[0] - 2, c]!s}'" for c in cols)
        also = f" (also row{'s' if len(rows) > 2 else ''} {_row_list(rows[1:])})" if len(rows) > 1 else ""
        return [f"{self.display}, columns {', '.join(repr(c) for c in cols)}, row {rows[0]}: "
                f"duplicate key ({key}) but the key must be unique{also}"]

    def _check_rules(self) -> list[str]:
        out: list[str] = []
        cols = self.raw.columns
        for field in self.fields:
            rule = field.get("x-determined-by")
            if rule and field["name"] in cols and rule["field"] in cols:
                source = self.raw[rule["field"]]
                expected = source.map(rule["map"])
                bad = expected.notna() & (self.raw[field["name"]] != expected)
                if bad.any():
                    i = bad[bad].index[0]
                    hint = (f"{rule['field']} '{source.at[i]}' needs {field['name']} '{expected.at[i]}'")
                    def misfit(v: Any, h: str = hint) -> str:
                        return f"'{v}' does not fit: {h}"
                    out += self._cell_problem(field["name"], bad, misfit)
        for rule in self.res.get("x-required-if", []):
            col, when = rule["field"], rule["when"]
            if col in cols and when["field"] in cols:
                mask = (self.raw[when["field"]] == when["equals"]) & _is_empty(self.raw[col])
                def required(_: Any, w: dict[str, Any] = when) -> str:
                    return f"a value is required when {w['field']} is '{w['equals']}'"
                out += self._cell_problem(col, mask, required)
        return out

    def _check_resource(self) -> list[str]:
        out: list[str] = []
        expected_rows = self.res.get("x-row-count")
        if expected_rows is not None and len(self.raw) != expected_rows:
            out.append(f"{self.display}: {len(self.raw)} rows but {PACKAGE_FILE} says {expected_rows}")
        digest = self.res.get("hash")
        if digest:
            algo, _, want = digest.partition(":") if ":" in digest else ("md5", "", digest)
            got = hashlib.new(algo, self.path.read_bytes()).hexdigest()
            if got != want:
                out.append(f"{self.display}: {algo} is {got} but {PACKAGE_FILE} says {want} "
                           "(the file was changed; it must stay byte-for-byte as published)")
        return out

    # -- conversion (only called on a table that passed its checks)
    def typed(self) -> pd.DataFrame:
        out = {}
        for field in self.fields:
            out[field["name"]] = self._convert(field, self.raw[field["name"]])
        return pd.DataFrame(out, index=pd.RangeIndex(len(self.raw)))

    def _convert(self, field: dict, values: pd.Series) -> pd.Series:
        kind, con = field.get("type", "string"), _constraints(field)
        present = ~_is_empty(values)
        if kind == "date":
            return pd.to_datetime(values.where(present), format=_date_format(field))
        if kind == "integer":
            nums = pd.to_numeric(values.where(present))
            return nums.astype("int64") if con.get("required") else nums.astype("Int64")
        if kind == "number":
            return pd.to_numeric(values.where(present)).astype("float64")
        if kind == "boolean":
            truthy = values.isin(field.get("trueValues", ["true"]))
            return truthy if con.get("required") else truthy.astype("boolean").where(present, pd.NA)
        text = values.where(present)
        if field.get("x-list-separator"):
            return text.astype("str")
        if "enum" in con:
            cats = [str(e) for e in con["enum"]]
            ordered = bool(field.get("x-ordered"))
            return pd.Series(pd.Categorical(text, categories=cats, ordered=ordered), index=values.index)
        if field.get("x-categorical"):
            cats = sorted(text.dropna().unique())
            ordered = bool(field.get("x-ordered"))
            return pd.Series(pd.Categorical(text, categories=cats, ordered=ordered), index=values.index)
        return text.astype("str")


def _foreign_key_problems(table: _Table, pkg: dict, folder: Path) -> list[str]:
    out: list[str] = []
    for fk in table.res.get("schema", {}).get("foreignKeys", []):
        cols = _as_list(fk["fields"])
        ref = fk["reference"]
        ref_cols = _as_list(ref["fields"])
        if any(c not in table.raw.columns for c in cols):
            continue  # the missing column is already reported
        try:
            target = _Table(_resource(pkg, ref["resource"], folder), folder)
        except DataError as exc:
            out.append(f"{table.display}: cannot check the foreign key {cols} -> {ref['resource']}: {exc}")
            continue
        if any(c not in target.raw.columns for c in ref_cols):
            out.append(f"{table.display}: cannot check the foreign key {cols}: {target.display} has no column "
                       f"{', '.join(ref_cols)}")
            continue
        known = set(target.raw[ref_cols].itertuples(index=False, name=None))
        keys = pd.Series(list(table.raw[cols].itertuples(index=False, name=None)), index=table.raw.index)
        filled = keys.map(lambda k: all(str(v).strip() for v in k))
        bad = filled & ~keys.isin(known)
        where = f"{', '.join(ref_cols)} in {target.display}"
        def broken(v: Any, where: str = where) -> str:
            return f"'{v}' is not a {where} (broken foreign key)"
        out += table._cell_problem(cols[0], bad, broken)
    return out


def _as_list(value: str | Iterable[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


# ----------------------------------------------------------------------------- command line

def _cmd_list(args: argparse.Namespace) -> int:
    folder = _data_dir(args.data_dir)
    pkg = _package(folder)
    for res in pkg.get("resources", []):
        print(f"{res['name']:<24} {res.get('title', '')}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    folder = _data_dir(args.data_dir)
    results = {args.name: validate(args.name, folder)} if args.name else validate_all(folder)
    bad = 0
    for name, problems in results.items():
        if problems:
            bad += 1
            print(f"INVALID {name}")
            for p in problems:
                print(f"  - {p}")
        else:
            print(f"ok      {name}")
    if bad:
        print(f"{bad} of {len(results)} table(s) have problems.")
    return 1 if bad else 0


def register(subparsers: Any) -> None:
    """Add ``data list`` and ``data validate [NAME]`` to the ``python -m hcai`` parser."""
    parser = subparsers.add_parser("data", help="list and validate the course's data tables",
                                   description="List and validate the tables in data/ against data/datapackage.json.")
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])
    actions = parser.add_subparsers(dest="data_action", metavar="ACTION")
    p_list = actions.add_parser("list", help="show the tables")
    p_list.set_defaults(func=_cmd_list)
    p_val = actions.add_parser("validate", help="check one table, or all; exit 1 if any problem is found")
    p_val.add_argument("name", nargs="?", help="table name (default: every table)")
    p_val.set_defaults(func=_cmd_validate)
    for p in (p_list, p_val):
        p.add_argument("--data-dir", default=None, help="data folder to use (default: the course's data/)")


def main(argv: list[str] | None = None) -> int:
    """``python -m hcai.data ...``: the same commands without the rest of the course CLI."""
    parser = argparse.ArgumentParser(prog="python -m hcai.data")
    register(parser.add_subparsers(dest="command", metavar="COMMAND"))
    args = parser.parse_args(["data", *(argv if argv is not None else __import__("sys").argv[1:])])
    return int(args.func(args) or 0)


__all__ = ["DataError", "list_tables", "schema", "load", "validate", "validate_all", "register", "main"]

if __name__ == "__main__":
    raise SystemExit(main())
