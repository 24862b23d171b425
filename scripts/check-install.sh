#!/usr/bin/env bash
# Does `pip install .` give a working `python -m hcai`? Installs the package (not editable) into a
# fresh virtualenv from the registry (pinned by requirements.lock), core first, then with the
# grading extra, and runs the commands each promises. Needs the network (or a warm pip cache),
# so it is not part of `make test`; run it after changing pyproject.toml's dependencies.
#   bash scripts/check-install.sh [python]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:-$(command -v python3.11 || command -v python3)}
TMP=$(mktemp -d /tmp/hcai-install.XXXXXX)
# setuptools builds in ./build; remove it afterwards unless it was there before.
KEEP_BUILD=$([ -e build ] && echo 1 || echo 0)
trap 'rm -rf "$TMP"; [ "$KEEP_BUILD" = 1 ] || rm -rf build' EXIT
"$PY" -m venv "$TMP/venv"
V="$TMP/venv/bin"
"$V/python" -m pip install --quiet -c requirements.lock .
echo "== core install: $("$V/python" -m pip list --format=freeze | wc -l) distributions"
"$V/python" -m hcai --help >/dev/null
"$V/python" -m hcai data validate
if "$V/python" -c "import nbgrader" 2>/dev/null; then
  echo "nbgrader came with the core install: it should be in the grading extra only" >&2; exit 1
fi
"$V/python" -m pip install --quiet -c requirements.lock ".[grading]"
"$V/python" -m hcai grade --help >/dev/null
"$V/python" -c "import hcai.grading.workflow, hcai.grading.report, hcai.grading.execute"
echo "== install check passed: core (--help, data validate) and [grading] (grade --help, imports)"
