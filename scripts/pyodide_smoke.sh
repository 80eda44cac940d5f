#!/usr/bin/env bash
# Smoke test: the hipaa-xl wheel loads and computes inside Pyodide (CPython compiled to WebAssembly),
# the runtime xlwings Lite uses in Excel on Mac, on the web and on Windows. Runs under Node, offline
# once the downloads are there; see docs/xlwings-lite.md.
#
# Idempotent: everything downloaded or built goes under $PYODIDE_SMOKE_DIR (default /tmp/pyodide-smoke)
# and is fetched only when missing; our own wheel is rebuilt on every run from a copy of the working
# tree (nothing is written into the repository). Exit status: 0 when every case passes.
#
#   scripts/pyodide_smoke.sh            # all cases
#   XLWINGS_MODE=stub scripts/pyodide_smoke.sh   # replace xlwings with pass-through decorators
#   scripts/pyodide_smoke.sh --prepare  # only install Node (Debian, as root), Pyodide and the wheels
#   scripts/pyodide_smoke.sh --lite BOOK.xlsx [--extra CHECKS.py]
#       # the main.py and requirements.txt embedded in a workbook bound to xlwings Lite, run as Lite
#       # runs them (no hipaa-xl wheel: the code comes from main.py); --extra adds Python checks
#
# Needs: node >= 18 with npm, a Python with pip (the repo's .venv if there), network to npm and PyPI
# for the first run only.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${PYODIDE_SMOKE_DIR:-/tmp/pyodide-smoke}"
GOLDEN="${HIPAA_GOLDEN_DIR:-$ROOT/tests/golden}"

PYODIDE_VERSION="${PYODIDE_VERSION:-314.0.7}"    # npm package "pyodide"; Python 3.14
WASM_PLATFORM="${WASM_PLATFORM:-pyemscripten_2026_0_wasm32}"   # Pyodide 314.x ABI (pyodide-lock.json info)
WASM_PY="${WASM_PY:-3.14}"
WASM_ABI="${WASM_ABI:-cp314}"
# pydantic-core is compiled code: PyPI has wheels for this platform only from pydantic-core 2.47.0 on,
# so the oldest pydantic installable here from PyPI is 2.14.0 (core 2.50.0). Pyodide's own build of
# pydantic 2.12.5 (what Lite loads, from Pyodide's CDN) cannot be fetched with PyPI-only access.
PYDANTIC_VERSION="${PYDANTIC_VERSION:-2.14.4}"
XLWINGS_VERSION="${XLWINGS_VERSION:-0.37.8}"     # xlwings ships a wheel for this platform
HOLIDAYS_VERSION="${HOLIDAYS_VERSION:-0.109}"    # python-holidays (pure Python) for the deadline functions
XLWINGS_MODE="${XLWINGS_MODE:-real}"             # real | stub

MODE=package; BOOK=""; EXTRA=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prepare) MODE=prepare ;;
    --lite) MODE=lite; BOOK="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift ;;
    --extra) EXTRA="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift ;;
    *) echo "usage: pyodide_smoke.sh [--prepare | --lite BOOK.xlsx [--extra CHECKS.py]]" >&2; exit 2 ;;
  esac
  shift
done

if [ -n "${PYTHON:-}" ]; then PY="$PYTHON"
elif [ -x "$ROOT/.venv/bin/python" ]; then PY="$ROOT/.venv/bin/python"
else PY="$(command -v python3)"; fi
PIP=("$PY" -m pip --disable-pip-version-check)

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing Node (Debian packages nodejs npm)"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
fi
command -v node >/dev/null || { echo "node not found (need Node >= 18)" >&2; exit 2; }
[ -d "$GOLDEN" ] || { echo "golden cases not found at $GOLDEN (set HIPAA_GOLDEN_DIR)" >&2; exit 2; }

mkdir -p "$WORK/wheels" "$WORK/dist"
cd "$WORK"

# 1. Pyodide itself, from npm.
have_pyodide="$(node -p "try{require('./node_modules/pyodide/package.json').version}catch(e){''}" 2>/dev/null || true)"
if [ "$have_pyodide" != "$PYODIDE_VERSION" ]; then
  echo "== npm install pyodide@$PYODIDE_VERSION"
  [ -f package.json ] || echo '{"private": true}' > package.json
  npm install --no-audit --no-fund --silent "pyodide@$PYODIDE_VERSION"
fi

# 2. Third-party wheels, from PyPI, resolved once per version into their own folder: pydantic with its
#    dependencies for Pyodide's platform (pydantic-core compiled for it, the rest pure Python), and xlwings'
#    own build for the platform (no dependencies there).
WASM_PIP=(--only-binary=:all: --platform "$WASM_PLATFORM" --python-version "$WASM_PY" --implementation cp --abi "$WASM_ABI")
PYDANTIC_DIR="$WORK/wheels/pydantic-$PYDANTIC_VERSION"
if [ ! -f "$PYDANTIC_DIR/.done" ]; then
  echo "== pip download pydantic==$PYDANTIC_VERSION and its dependencies for $WASM_PLATFORM"
  rm -rf "$PYDANTIC_DIR"
  "${PIP[@]}" download -q "${WASM_PIP[@]}" -d "$PYDANTIC_DIR" "pydantic==$PYDANTIC_VERSION"
  touch "$PYDANTIC_DIR/.done"
fi
HOLIDAYS_DIR="$WORK/wheels/holidays-$HOLIDAYS_VERSION"
if [ ! -f "$HOLIDAYS_DIR/.done" ]; then
  echo "== pip download holidays==$HOLIDAYS_VERSION and its dependencies for $WASM_PLATFORM"
  rm -rf "$HOLIDAYS_DIR"
  "${PIP[@]}" download -q "${WASM_PIP[@]}" -d "$HOLIDAYS_DIR" "holidays==$HOLIDAYS_VERSION"
  touch "$HOLIDAYS_DIR/.done"
fi
XLWINGS_DIR="$WORK/wheels/xlwings-$XLWINGS_VERSION"
if [ "$XLWINGS_MODE" = real ] && [ ! -f "$XLWINGS_DIR/.done" ]; then
  echo "== pip download xlwings==$XLWINGS_VERSION for $WASM_PLATFORM"
  rm -rf "$XLWINGS_DIR"
  if "${PIP[@]}" download -q --no-deps "${WASM_PIP[@]}" -d "$XLWINGS_DIR" "xlwings==$XLWINGS_VERSION"; then
    touch "$XLWINGS_DIR/.done"
  else
    echo "!! no xlwings $XLWINGS_VERSION wheel for $WASM_PLATFORM: using pass-through decorators instead"
    XLWINGS_MODE=stub
  fi
fi

if [ "$MODE" = prepare ]; then echo "== prepared $WORK"; exit 0; fi

WHEELS=("$PYDANTIC_DIR"/*.whl "$HOLIDAYS_DIR"/*.whl)
if [ "$XLWINGS_MODE" = real ]; then WHEELS+=("$XLWINGS_DIR"/*.whl); fi

if [ "$MODE" = lite ]; then
  # 3'. The workbook's own main.py and requirements.txt, taken out with the package's CLI.
  echo "== main.py and requirements.txt of $BOOK"
  rm -rf "$WORK/lite" && mkdir -p "$WORK/lite"
  (cd "$ROOT" && "$PY" -c 'import sys; from pathlib import Path; from hipaa_xl.lite.files import extract
try:
    extract(Path(sys.argv[1]), Path(sys.argv[2]))
except Exception as exc:
    sys.exit(f"cannot take the code out of the workbook: {exc}")' "$BOOK" "$WORK/lite") || exit 2
  echo "== node scripts/pyodide_smoke.mjs --lite"
  exec node "$ROOT/scripts/pyodide_smoke.mjs" --lite "$WORK/lite" ${EXTRA:+--extra "$EXTRA"} \
    --pyodide "$WORK/node_modules/pyodide" --golden "$GOLDEN" --xlwings "$XLWINGS_MODE" "${WHEELS[@]}"
fi

# 3. Our own wheel, built from a copy of the working tree (tracked and new files, not ignored ones),
#    so the build leaves no build/ or egg-info changes in the repository.
echo "== pip wheel hipaa-xl (working tree of $ROOT)"
rm -rf "$WORK/src" "$WORK"/dist/hipaa_xl-*.whl
mkdir -p "$WORK/src"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard -- pyproject.toml README.md hipaa_xl \
   | while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done \
   | tar --null -T - -cf -) | tar -xf - -C "$WORK/src"
if ! "${PIP[@]}" wheel -q --no-deps --no-build-isolation -w "$WORK/dist" "$WORK/src" >"$WORK/build.log" 2>&1; then
  cat "$WORK/build.log" >&2; echo "building the hipaa-xl wheel failed" >&2; exit 2
fi
HIPAA_WHL="$(ls "$WORK"/dist/hipaa_xl-*.whl)"

WHEELS=("$HIPAA_WHL" "${WHEELS[@]}")

# 4. Run the cases inside Pyodide.
echo "== node scripts/pyodide_smoke.mjs"
exec node "$ROOT/scripts/pyodide_smoke.mjs" \
  --pyodide "$WORK/node_modules/pyodide" --golden "$GOLDEN" --xlwings "$XLWINGS_MODE" "${WHEELS[@]}"
