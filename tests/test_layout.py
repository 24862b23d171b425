"""The package's layout rules (docs/DESIGN.md, "Layout and import direction"), checked on
whatever ``hcai/`` holds when the tests run, new packages included:

* imports go one way, down the layers in :data:`LAYERS` (a module may import its own group
  and the groups below it, never a group beside or above it);
* no module over :data:`MAX_MODULE_LINES` lines unless its docstring has a ``Size:`` line that
  says why; no function over :data:`MAX_FUNCTION_LINES` lines (docstring not counted);
* no private name (``_name``) imported from another module, in ``hcai/`` or ``tests/``.

The checks read the source with :mod:`ast` (imports inside functions and ``TYPE_CHECKING``
blocks count too); nothing is imported or run.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest

from hcai import paths

PACKAGE = paths.ROOT / "hcai"
TESTS = paths.ROOT / "tests"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

#: Bottom to top: ``(group, module prefixes)``. A module belongs to the group with the longest
#: matching prefix. nbgrader's side of the engine (``hcai.grading.execute`` ...) sits in the engine's
#: layer. Groups in one layer are peers and must not import each other.
LAYERS: list[list[tuple[str, tuple[str, ...]]]] = [
    [("paths", ("hcai.paths",))],
    [("data", ("hcai.data", "hcai.checks", "hcai.cells", "hcai.course"))],
    [("judge", ("hcai.judge",))],
    [("engine", ("hcai.engine", "hcai.grading.execute", "hcai.grading.sanitize",
                 "hcai.grading.preprocessors", "hcai.grading.notebooks", "hcai.grading.gradebook"))],
    [("grading", ("hcai.grading",)), ("learner", ("hcai.learner", "hcai.labvalidate")),
     ("authoring", ("hcai.authoring",))],
    [("book", ("hcai.sphinxext", "hcai.selfcheck"))],
    [("cli", ("hcai.__main__",))],
]
RANK = {group: rank for rank, layer in enumerate(LAYERS) for group, _ in layer}
PREFIXES = sorted(((p, g) for layer in LAYERS for g, ps in layer for p in ps), key=lambda x: -len(x[0]))


def group_of(module: str) -> str | None:
    for prefix, group in PREFIXES:
        if module == prefix or module.startswith(prefix + "."):
            return group
    return None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@dataclass(frozen=True)
class Import:
    target: str          # the module imported from (absolute)
    names: tuple[str, ...]
    line: int


def imports_of(tree: ast.Module, module: str, is_package: bool = False) -> list[Import]:
    """Every import in ``tree``, relative ones resolved against ``module``."""
    found = []
    base = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(a.name, (), node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[:len(base) - node.level + 1]
                target = ".".join(anchor + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append(Import(target, tuple(a.name for a in node.names), node.lineno))
    return found


def _is_module(name: str) -> bool:
    rel = Path(*name.split("."))
    return (PACKAGE.parent / rel).with_suffix(".py").is_file() or (PACKAGE.parent / rel).is_dir()


def imported_modules(imp: Import) -> list[str]:
    """``from hcai import data`` imports ``hcai.data``; ``from hcai.data import load`` imports ``hcai.data``."""
    if not imp.names:
        return [imp.target]
    return sorted({f"{imp.target}.{n}" if _is_module(f"{imp.target}.{n}") else imp.target for n in imp.names})


def direction_problems(module: str, tree: ast.Module, is_package: bool = False) -> list[str]:
    mine = group_of(module)
    if mine is None:
        return []
    problems = []
    for imp in imports_of(tree, module, is_package):
        for target in imported_modules(imp):
            theirs = group_of(target)
            if theirs is None or theirs == mine:
                continue
            if RANK[theirs] >= RANK[mine]:
                where = "beside" if RANK[theirs] == RANK[mine] else "above"
                problems.append(f"line {imp.line}: {module} ({mine}) imports {target} ({theirs}, {where} it)")
    return problems


def function_problems(tree: ast.Module, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno:
            length = node.end_lineno - node.lineno + 1
            doc = node.body[0] if node.body else None
            if isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant) and isinstance(doc.value.value, str):
                length -= (doc.end_lineno or doc.lineno) - doc.lineno + 1
            if length > limit:
                problems.append(f"line {node.lineno}: {node.name}() is {length} lines (limit {limit})")
    return problems


def size_problem(tree: ast.Module, source: str, limit: int = MAX_MODULE_LINES) -> str | None:
    lines = len(source.splitlines())
    if lines <= limit:
        return None
    doc = ast.get_docstring(tree) or ""
    if any(line.strip().startswith("Size:") and len(line.strip()) > 12 for line in doc.splitlines()):
        return None
    return f"{lines} lines (limit {limit}) and no `Size:` line in its docstring saying why"


def private_import_problems(tree: ast.Module, module: str, is_package: bool = False) -> list[str]:
    problems = []
    for imp in imports_of(tree, module, is_package):
        if not (imp.target == "hcai" or imp.target.startswith("hcai.")):
            continue
        private = [n for n in imp.names if n.startswith("_") and not n.startswith("__")]
        private += [p for p in imp.target.split(".") if p.startswith("_") and not p.startswith("__")]
        if private:
            problems.append(f"line {imp.line}: imports private {', '.join(private)} from {imp.target}")
    return problems


def _sources(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _parse(path: Path) -> tuple[ast.Module, str]:
    source = path.read_text(encoding="utf-8")
    return ast.parse(source, filename=str(path)), source


MODULES = [pytest.param(p, id=p.relative_to(paths.ROOT).as_posix()) for p in _sources(PACKAGE)]
TEST_FILES = [pytest.param(p, id=p.relative_to(paths.ROOT).as_posix())
              for p in _sources(TESTS) if "wrong_answers" not in p.parts]


# --- the rules, on the real package -------------------------------------------------------

def test_every_module_belongs_to_a_layer():
    unplaced = [module_name(p) for p in _sources(PACKAGE)
                if module_name(p) != "hcai" and group_of(module_name(p)) is None]
    assert not unplaced, f"add these to LAYERS here and in docs/DESIGN.md: {unplaced}"


@pytest.mark.parametrize("path", MODULES)
def test_imports_go_down_the_layers(path: Path):
    tree, _ = _parse(path)
    assert not direction_problems(module_name(path), tree, path.name == "__init__.py")


@pytest.mark.parametrize("path", MODULES)
def test_module_size(path: Path):
    tree, source = _parse(path)
    assert size_problem(tree, source) is None, size_problem(tree, source)


@pytest.mark.parametrize("path", MODULES)
def test_function_size(path: Path):
    tree, _ = _parse(path)
    assert not function_problems(tree)


@pytest.mark.parametrize("path", MODULES + TEST_FILES)
def test_no_private_names_imported_from_hcai(path: Path):
    tree, _ = _parse(path)
    name = module_name(path) if path.is_relative_to(PACKAGE) else "tests." + path.stem
    assert not private_import_problems(tree, name, path.name == "__init__.py")


def test_learner_and_book_never_import_grading():
    for path in [PACKAGE / "learner.py", PACKAGE / "sphinxext.py", *_sources(PACKAGE / "learner")]:
        if not path.is_file():
            continue
        tree, _ = _parse(path)
        grading = [t for imp in imports_of(tree, module_name(path)) for t in imported_modules(imp)
                   if group_of(t) == "grading"]
        assert not grading, f"{path.name} imports {grading}"


def test_design_notes_show_the_layers():
    design = (paths.ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    for layer in LAYERS:
        for _, prefixes in layer:
            assert f"`{prefixes[0]}`" in design, f"docs/DESIGN.md does not place {prefixes[0]}"


# --- the checks themselves can fail -------------------------------------------------------

def _tree(text: str) -> ast.Module:
    return ast.parse(text)


def test_checks_catch_each_kind_of_violation():
    upward = _tree("from hcai.grading import workflow\nfrom hcai import paths\n")
    assert direction_problems("hcai.engine.kernel", upward) == [
        "line 1: hcai.engine.kernel (engine) imports hcai.grading.workflow (grading, above it)"]
    assert direction_problems("hcai.grading.workflow", _tree("from hcai.engine import kernel\n")) == []
    beside = direction_problems("hcai.learner", _tree("def f():\n    from hcai.grading.workflow import grade\n"))
    assert beside and "beside" in beside[0]  # lazy imports count
    relative = _tree("from ..grading import outcome\n")
    assert direction_problems("hcai.engine.kernel", relative)
    long_fn = _tree("def f():\n    '''doc'''\n" + "    x = 1\n" * 61)
    assert function_problems(long_fn) and not function_problems(_tree("def f():\n" + "    x = 1\n" * 59))
    body = "x = 1\n" * 401
    assert size_problem(_tree(body), body)
    reasoned = '"""Engine.\n\nSize: one state machine; splitting it hides the order of steps.\n"""\n' + body
    assert size_problem(_tree(reasoned), reasoned) is None
    assert private_import_problems(_tree("from hcai.grading.course import _tail\n"), "hcai.x")
    assert not private_import_problems(_tree("from hcai.grading.console import tail as _tail\n"), "hcai.x")
    assert not private_import_problems(_tree("from os import _exit\n"), "hcai.x")


# --- declared dependencies ----------------------------------------------------------------

def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> tuple[set[str], set[str]]:
    """``(core, extras)`` distribution names from pyproject.toml."""
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    def names(reqs: list[str]) -> set[str]:
        return {_norm(re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0]) for r in reqs}
    extras = set().union(*(names(v) for v in project.get("optional-dependencies", {}).values()))
    return names(project.get("dependencies", [])), extras


def _third_party_imports() -> dict[str, str]:
    """``{top-level module: first file importing it}`` for every non-stdlib, non-hcai import."""
    found: dict[str, str] = {}
    for path in _sources(PACKAGE):
        tree, _ = _parse(path)
        for imp in imports_of(tree, module_name(path), path.name == "__init__.py"):
            top = imp.target.split(".")[0]
            if top and top != "hcai" and top not in sys.stdlib_module_names:
                found.setdefault(top, path.relative_to(paths.ROOT).as_posix())
    return found


def test_every_imported_library_is_declared_in_pyproject():
    core, extras = _declared()
    providers = metadata.packages_distributions()
    missing = {module: where for module, where in _third_party_imports().items()
               if not {_norm(d) for d in providers.get(module, [module])} & (core | extras)}
    assert not missing, f"imported but not declared in pyproject.toml dependencies or extras: {missing}"


BLOCK = """
import importlib.abc, sys
BLOCKED = set(sys.argv[1].split(","))
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"{name} is not in the core install")
sys.meta_path.insert(0, Block())
sys.argv = ["hcai", *sys.argv[2:]]
import runpy
runpy.run_module("hcai", run_name="__main__")
"""


@pytest.mark.parametrize("command", [["--help"], ["data", "validate"], ["data", "list"]])
def test_core_commands_run_without_the_extras(command: list[str]):
    """What ``pip install .`` (no extras) promises, with every extra-only library made unimportable."""
    core, extras = _declared()
    providers = metadata.packages_distributions()
    only_extras = {module for module, dists in providers.items()
                   if {_norm(d) for d in dists} & (extras - core)}
    out = subprocess.run([sys.executable, "-c", BLOCK, ",".join(sorted(only_extras)), *command],
                         capture_output=True, text=True, timeout=120, cwd=paths.ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "nbgrader" in only_extras and "pandas" not in only_extras
