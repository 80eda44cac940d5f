"""Inside Pyodide (what xlwings Lite runs in Excel), under Node: the workbook's own main.py.

Prints: the first call of a function (the import of main.py, which unpacks the bundle and imports
hipaa_xl, then the call), one call after the first (mean of 1,000), and the "Refresh exposure" script
on the example matter and on a 1,000-incident matter. The script runs on xlwings' own remote engine
(a Book built from the add-in's payload, as in tests/lite/test_engine.py) when XLWINGS_LICENSE_KEY is
set (docs/decisions.md, decision 43), otherwise on the recording book of tests/lite_book.py.
Goals: Refresh of 1,000 incidents < 30 s; one function call < 5 ms after the first.
Needs scripts/pyodide_smoke.sh --prepare (Node, npm pyodide, wheels) once.
Run: python benchmarks/bench_lite.py
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_refresh import make_incidents  # noqa: E402
from hipaa_xl.lite.files import bind_package  # noqa: E402
from hipaa_xl.ooxml.package import package_from_bytes  # noqa: E402
from hipaa_xl.workbook.template import build_static_workbook  # noqa: E402
from tests.lite.test_refresh import snapshot  # noqa: E402
from tests.lite_engine import engine_unavailable, payload  # noqa: E402
from tests.workbook_helpers import AS_OF, example_bytes  # noqa: E402

TIMING = r'''
import time as _time

_f = getattr(udfs, "CMP_MAX")
_t = _time.perf_counter()
for _ in range(1000):
    _f("B", 10, 45000, "current", 46112)
_per_call = (_time.perf_counter() - _t) / 1000
_out = {"per_call_ms": _per_call * 1000, "refresh": {}}
for case in DATA["cases"]:
    _t = _time.perf_counter()
    if case.get("payload") is not None:
        import xlwings as _xw
        _book = _xw.Book(json=case["payload"])
        udfs.refresh_exposure(_book)
        _n = len(_book.json()["actions"])
        _how = "xlwings' remote engine"
    else:
        _book = RecordingBook(case["book"])
        udfs.refresh_exposure(_book)
        _n = sum(s.calls for s in _book.sheets)
        _how = "recording book"
    _out["refresh"][case["label"]] = {"seconds": _time.perf_counter() - _t, "writes": _n, "on": _how}
with open("/home/pyodide/extra/bench.json", "w") as _fh:
    json.dump(_out, _fh)
'''


def main() -> int:
    engine = engine_unavailable() is None
    matters = {"example (11 incidents)": example_bytes(),
               "1,000 incidents": build_static_workbook(schedule="current", as_of=AS_OF,
                                                        incidents=make_incidents(1000))}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pkg = package_from_bytes(example_bytes())
        bind_package(pkg)
        book = folder / "matter.xlsx"
        book.write_bytes(pkg.to_bytes())
        cases = [{"label": label, "payload": payload(data) if engine else None,
                  "book": None if engine else snapshot(data, dates="serial")} for label, data in matters.items()]
        data = json.dumps(json.dumps({"cases": cases}))
        extra = folder / "bench.py"
        extra.write_text((ROOT / "tests" / "lite_book.py").read_text() + f"\n\nDATA = json.loads({data})\n" + TIMING)
        out = subprocess.run(["bash", str(ROOT / "scripts" / "pyodide_smoke.sh"), "--lite", str(book),
                              "--extra", str(extra)], capture_output=True, text=True, timeout=1800, cwd=ROOT)
        reports = [line for line in out.stdout.splitlines() if "incident(s)," in line or line.startswith("error")]
        results = folder / "bench.json"
        if not results.exists():
            print((out.stdout + out.stderr)[-3000:])
            return 1
        figures = json.loads(results.read_text())
    start = re.search(r"pyodide \S+ loaded in ([0-9.]+) s", out.stdout)
    first = re.search(r"import hipaa_xl.udfs took ([0-9.]+) s", out.stdout)
    print("Pyodide under Node, the main.py of a bound workbook")
    print(f"{'what':<58} {'measured':>12}  goal")
    if start:
        print(f"{'Pyodide itself starts (not ours)':<58} {float(start.group(1)):>10.1f} s")
    if first:
        print(f"{'first call: import of main.py (bundle unpacked, hipaa_xl)':<58} {float(first.group(1)):>10.2f} s")
    print(f"{'one CMP_MAX call after the first (mean of 1,000)':<58} {figures['per_call_ms']:>9.3f} ms  < 5 ms")
    for label, r in figures["refresh"].items():
        what = f"Refresh exposure, {label}"
        goal = "< 30 s" if label.startswith("1,000") else ""
        print(f"{what:<58} {r['seconds']:>10.2f} s  {goal}")
    print(f"(Refresh on {next(iter(figures['refresh'].values()))['on']}; the first Refresh also imports the layout "
          "modules; what the script reported:)")
    for line in reports:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
