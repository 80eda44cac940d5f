"""The workbook's own main.py in real Pyodide under Node, as xlwings Lite runs it (scripts/pyodide_smoke.sh).

main.py and requirements.txt are taken out of a bound workbook; no hipaa-xl wheel is installed, so the
code must come from main.py's bundle. The driver checks that the functions register under their
names, every golden case as Lite sends arguments (error cells as bare codes, ERROR_REASON giving
the reason), results of at most 255 characters, and here also the script "Refresh exposure" on a
recording book: the same cells as ``hipaa-xl refresh``. Needs Node (prepare-tests.sh installs it
from Debian when it can) and, the first time, the npm registry and PyPI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from hipaa_xl import udfs
from hipaa_xl.lite.files import bind_package
from hipaa_xl.ooxml.package import package_from_bytes
from tests.lite.test_engine import assert_like_hipaa_xl_refresh
from tests.lite.test_refresh import expected, random_matter, snapshot
from tests.lite_engine import apply_actions, engine_unavailable, payload
from tests.workbook_helpers import example_bytes

pytestmark = pytest.mark.pyodide

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "pyodide_smoke.sh"

CHECKS = r'''

def _stamp_free(grid):
    return [[v.split("; generated")[0] if isinstance(v, str) and "; generated" in v else v for v in row]
            for row in normalised(grid)]


for name, args, want in DATA["deadlines"]:
    got = getattr(udfs, name)(*args)
    report(got == want, f"lite {name}{tuple(args)} (federal holidays from python-holidays)", f"{got!r} != {want!r}")

for case in DATA["cases"]:
    book = RecordingBook(case["book"])
    udfs.refresh_exposure(book)  # the Lite script itself, from main.py
    for name in ("Exposure", "Summary"):
        got, want = _stamp_free(book.sheets[name].grid()), _stamp_free(case["expected"][name])
        diff = next((f"row {r + 1}: {a!r} != {b!r}" for r, (a, b) in enumerate(zip(got, want)) if a != b),
                    f"{len(got)} rows != {len(want)} rows" if len(got) != len(want) else "")
        report(not diff, f"lite refresh {case['label']} {name}: the cells of hipaa-xl refresh", diff[:300])
        formats = {f"{r},{c}": v for (r, c), v in book.sheets[name].number_formats.items()}
        report(formats == case["formats"][name], f"lite refresh {case['label']} {name}: number formats")

# xlwings' own remote engine (only when the runner's licence allows it: the host passes the payloads
# and XLWINGS_LICENSE_KEY only then): the script on a Book built from the add-in's payload; the actions
# go back to the host, which applies them to the workbook and compares with hipaa-xl refresh.
import time as _time

import xlwings as _xw

for case in DATA.get("engine", []):
    _t = _time.perf_counter()
    _book = _xw.Book(json=case["payload"])
    udfs.refresh_exposure(_book)
    _seconds = _time.perf_counter() - _t
    _actions = _book.json()["actions"]
    report(_xw.__pro__ and _book.app.engine.name == "remote" and bool(_actions),
           f"engine refresh {case['label']}: {len(_actions)} actions in {_seconds:.2f} s")
    with open(f"/home/pyodide/extra/actions-{case['label'].replace(' ', '-')}.json", "w") as _f:
        json.dump({"actions": _actions, "seconds": _seconds}, _f)
'''


def _node() -> str | None:
    return shutil.which("node")


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=900, cwd=ROOT,
                          env={**os.environ, "PYTHON": str(ROOT / ".venv" / "bin" / "python")}
                          if (ROOT / ".venv" / "bin" / "python").exists() else None)


def _case(label: str, data: bytes) -> dict[str, Any]:
    want = expected(data)
    return {"label": label, "book": snapshot(data, dates="serial"),
            "expected": {k: g for k, (g, _) in want.items()},
            "formats": {k: {f"{r},{c}": v for (r, c), v in f.items()} for k, (_, f) in want.items()}}


ENGINE_CASES = ("example", "random 2")


def _engine_data() -> dict[str, bytes]:
    return {"example": example_bytes(), "random 2": random_matter(2)}


@pytest.fixture(scope="module")
def lite_run(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """One Pyodide run of a bound workbook's main.py with all the checks (functions, recording-book
    refresh, and the remote engine's refresh where the licence allows it)."""
    if _node() is None:
        pytest.skip("node not found (scripts/prepare-tests.sh installs it from Debian as root)")
    tmp_path = tmp_path_factory.mktemp("lite")
    pkg = package_from_bytes(example_bytes())
    bind_package(pkg)
    book = tmp_path / "matter.xlsx"
    book.write_bytes(pkg.to_bytes())
    cases = [_case("example", example_bytes()), _case("random 2", random_matter(2)), _case("random 3", random_matter(3))]
    # 2025-07-03 as an Excel serial: (2025-07-03 - 1899-12-30) = 45841 days
    deadlines = [[name, args, getattr(udfs, name)(*args)] for name, args in
                 (("DEADLINE", ["hearing-request", 45841]), ("DEADLINE", ["breach-media", 45841]))]
    engine = [] if engine_unavailable() else [{"label": k, "payload": payload(v)} for k, v in _engine_data().items()]
    extra = tmp_path / "checks.py"
    data = json.dumps(json.dumps({"cases": cases, "deadlines": deadlines, "engine": engine}))
    extra.write_text((ROOT / "tests" / "lite_book.py").read_text() + f"\n\nDATA = json.loads({data})\n" + CHECKS)
    return _run(["--lite", str(book), "--extra", str(extra)])


@pytest.mark.slow
def test_main_py_of_a_bound_workbook_runs_in_pyodide_functions_and_refresh(
        lite_run: subprocess.CompletedProcess[str]) -> None:
    out = lite_run
    tail = (out.stdout + out.stderr)[-3000:]
    assert out.returncode == 0, tail
    assert " 0 failed" in out.stdout and "registered by main.py:" in out.stdout, tail
    assert "PASS lite refresh random 3 Summary: the cells of hipaa-xl refresh" in out.stdout, tail


@pytest.mark.slow
@pytest.mark.skipif(engine_unavailable() is not None, reason=str(engine_unavailable()))
def test_refresh_on_the_remote_engine_inside_pyodide_matches_hipaa_xl_refresh(
        lite_run: subprocess.CompletedProcess[str]) -> None:
    out = lite_run
    assert out.returncode == 0, (out.stdout + out.stderr)[-3000:]
    for label, data in _engine_data().items():
        path = lite_run.args[-1].rsplit("/", 1)[0] + f"/actions-{label.replace(' ', '-')}.json"
        assert_like_hipaa_xl_refresh(data, apply_actions(data, json.loads(Path(path).read_text())["actions"]))


@pytest.mark.slow
@pytest.mark.skipif(_node() is None, reason="node not found (scripts/prepare-tests.sh installs it from Debian as root)")
def test_the_package_wheel_runs_in_pyodide() -> None:
    out = _run([])
    assert out.returncode == 0, (out.stdout + out.stderr)[-3000:]
    assert " 0 failed" in out.stdout
