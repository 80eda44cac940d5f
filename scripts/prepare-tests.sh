#!/usr/bin/env bash
# Prepare and check before the tests: LibreOffice from Debian's packages when it is missing and this
# user may install it, a venv (.venv) with the test extras, Node and Pyodide for the xlwings Lite tests,
# then lint (ruff) and types (mypy --strict).
# The README's test command runs this, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
# Writer converts the memo to PDF; the Calc-only install lacks it (libswlo is Writer's library)
if ! command -v soffice >/dev/null 2>&1 || ! ls /usr/lib/libreoffice/program/libswlo.so >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing LibreOffice (Debian packages) for the round-trip tests..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils fonts-dejavu-core fonts-liberation >/dev/null
  else
    echo "LibreOffice (soffice) not found and cannot be installed here: its tests will be skipped"
  fi
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
# Pyodide for the xlwings Lite tests: Node from Debian when missing (as root), the npm package "pyodide"
# (it carries Pyodide's runtime files) from the npm registry and the WebAssembly wheels from PyPI, under
# /tmp/pyodide-smoke; nothing is committed. Without network the Lite tests report it themselves.
bash scripts/pyodide_smoke.sh --prepare || echo "Pyodide could not be prepared: tests/lite/test_pyodide.py will say why"
.venv/bin/ruff check hipaa_xl tests
.venv/bin/mypy --strict hipaa_xl
