"""``python -m hcai`` starts without compiling rfc3987-syntax's grammars, and validates as before.

``hcai/__main__.py`` marks ``rfc3987_syntax`` absent, so jsonschema skips the "iri" format
check it exists for. These tests hold the two claims that make that safe: no installed
schema uses the format, and notebook validation still accepts and refuses what it should.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

IRI_FORMATS = {"iri", "iri-reference"}


def _formats(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {node["format"]} if isinstance(node.get("format"), str) else set()
        for value in node.values():
            found |= _formats(value)
        return found
    if isinstance(node, list):
        return set().union(*(_formats(v) for v in node)) if node else set()
    return set()


def test_no_installed_json_schema_uses_the_iri_formats() -> None:
    site = Path(sysconfig.get_paths()["purelib"])
    checked = 0
    users = []
    for path in site.rglob("*.json"):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if '"$schema"' not in text and '"properties"' not in text:
            continue  # not a schema
        try:
            schema = json.loads(text)
        except ValueError:
            continue
        checked += 1
        if _formats(schema) & IRI_FORMATS:
            users.append(str(path.relative_to(site)))
    assert checked > 20, "expected nbformat's, jupyter_events' and nbgrader's schemas"
    assert users == [], f"these schemas check IRIs, which hcai's commands no longer do: {users}"


def _in_fresh_python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_the_command_line_does_not_import_the_grammar_library() -> None:
    out = _in_fresh_python("import hcai.__main__, nbformat, jsonschema, sys\n"
                           "print('lark' in sys.modules, 'rfc3987_syntax' in sys.modules)")
    assert out == "False True"  # present in sys.modules as the absent marker, never imported
    # Without the entry point's marker, the same imports do load it (what the marker saves).
    out = _in_fresh_python("import nbformat, jsonschema, sys\nprint('lark' in sys.modules)")
    assert out == str(importlib.util.find_spec("rfc3987_syntax") is not None)


@pytest.mark.parametrize("valid", [True, False])
def test_notebook_validation_still_accepts_and_refuses(valid: bool) -> None:
    broken = "" if valid else "nb.cells[0]['cell_type'] = 'nonsense'\n"
    out = _in_fresh_python(
        "import hcai.__main__, nbformat\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1 + 1')])\n"
        f"{broken}"
        "try:\n    nbformat.validate(nb)\n    print('valid')\n"
        "except nbformat.ValidationError:\n    print('invalid')\n")
    assert out == ("valid" if valid else "invalid")
