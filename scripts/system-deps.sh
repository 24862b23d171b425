#!/usr/bin/env bash
# Installs the Debian packages a target needs, or says exactly what is missing.
#   scripts/system-deps.sh venv  -- python3-venv, when `python -m venv` cannot work
#   scripts/system-deps.sh book  -- graphviz (`dot` draws the book's decision flowchart at build time)
#   scripts/system-deps.sh test  -- chromium (browser tests; never a browser download),
#                                   bubblewrap (the grading sandbox), npm (axe-core for a11y tests),
#                                   postgresql (the throwaway gradebook server the tests start)
#   scripts/system-deps.sh grade -- bubblewrap: release/collect/grade/check run learner code in it
#   scripts/system-deps.sh hub   -- bubblewrap, postgresql, npm (configurable-http-proxy)
set -euo pipefail
group="${1:-test}"
python="${PYTHON:-python3}"
need=()
# initdb/pg_ctl live in /usr/lib/postgresql/<version>/bin on Debian, not on PATH.
have_pg() { command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
case "$group" in
  venv)
    # Debian splits ensurepip out of python3.11; without it `python3 -m venv` half-builds a venv.
    "$python" -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)
    ;;
  book)
    command -v dot >/dev/null 2>&1 || need+=(graphviz)
    ;;
  test)
    command -v chromium >/dev/null 2>&1 || need+=(chromium)
    command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
    command -v npm >/dev/null 2>&1 || need+=(npm)
    have_pg || need+=(postgresql)
    ;;
  grade)
    command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
    ;;
  hub)
    command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
    command -v npm >/dev/null 2>&1 || need+=(npm)
    have_pg || need+=(postgresql)
    ;;
  *) echo "usage: $0 venv|book|test|grade|hub" >&2; exit 2 ;;
esac
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo"
else
  echo "Missing system packages: ${need[*]}" >&2
  echo "Install them with:  sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
  echo "then run make again." >&2
  exit 1
fi
echo "Installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core >/dev/null
