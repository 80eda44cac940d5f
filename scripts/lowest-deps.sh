#!/usr/bin/env bash
# The lowest versions pyproject.toml allows, tested: a throwaway venv with every direct dependency
# (and the report extra's) pinned to its lower bound, then the quick tests (not slow, LibreOffice or
# Pyodide). Run by tests/test_dependency_bounds.py (marked slow, so CI runs it); by hand:
#   bash scripts/lowest-deps.sh [PYTHON]
set -euo pipefail
cd "$(dirname "$0")/.."
python="${1:-python3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/hipaa-xl-lowest.XXXXXX")"
trap 'rm -rf "$work"' EXIT
"$python" - "$work/constraints.txt" <<'PY'
import re, sys, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
direct = project["dependencies"] + project["optional-dependencies"]["report"]
pins = []
for spec in direct:
    m = re.match(r"^([A-Za-z0-9_.\-]+)\s*(?:\[[^\]]*\])?\s*>=\s*([0-9][^,;\s]*)", spec)
    if not m:
        sys.exit(f"no lower bound in {spec!r}")
    pins.append(f"{m.group(1)}=={m.group(2)}")
open(sys.argv[1], "w").write("\n".join(pins) + "\n")
print("lowest allowed:", " ".join(pins))
PY
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check -c "$work/constraints.txt" -e '.[test]'
"$work/venv/bin/python" -m pip list --disable-pip-version-check 2>/dev/null \
  | grep -iE "^(pydantic|xlwings|openpyxl|lxml|defusedxml|typer|rich|holidays|icalendar|python-docx|matplotlib) " || true
"$work/venv/bin/python" -m pytest -p no:cacheprovider -m "not slow and not libreoffice and not pyodide"
