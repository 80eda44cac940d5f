"""Refresh and recalc of a 10,000-incident workbook, as ratios to a plain openpyxl load + save.

Goals: refresh (lay out Exposure and Summary, then recalc) <= 2x, and recalc of the
refreshed workbook <= 1.5x, openpyxl load + save of the same file; both printed side by side.
Then the commands a user runs, ``hipaa-xl recalc`` and ``hipaa-xl refresh``, each in its own
process: wall time and peak memory of the whole process (``ru_maxrss`` from ``wait4``, what
``/usr/bin/time -v`` prints as "Maximum resident set size"); goal < 1 GiB each.
Run: python benchmarks/bench_refresh.py [N]
"""

from __future__ import annotations

import datetime as dt
import io
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

from hipaa_xl.ooxml.package import package_from_bytes
from hipaa_xl.recalc import recalc_package
from hipaa_xl.workbook.refresh import build_refreshed
from hipaa_xl.workbook.template import build_static_workbook


def make_incidents(n: int) -> list[dict[str, object]]:
    rnd = random.Random(5)
    reqs = ["164.308(a)(1)(ii)(A)", "164.312(a)(2)(iv)", "164.404", "164.502(a)", "164.530(b)", "164.524"]
    culp = ["did not know", "reasonable cause", "willful neglect - corrected", "willful neglect - not corrected"]
    out: list[dict[str, object]] = []
    for i in range(n):
        start = dt.date(2019, 1, 1) + dt.timedelta(days=rnd.randrange(0, 2200))
        continuing = rnd.random() < 0.3
        out.append({
            "id": f"I-{i:05d}", "entity": f"Entity {rnd.randrange(40):02d}", "requirement": rnd.choice(reqs),
            "description": "benchmark", "culpability": rnd.choice(culp), "start": start.isoformat(),
            "end": (start + dt.timedelta(days=rnd.randrange(10, 500))).isoformat() if continuing else None,
            "violations": None if continuing else rnd.randrange(1, 500),
        })
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    data = build_static_workbook(as_of=dt.date(2026, 3, 31), incidents=make_incidents(n))
    data, _ = build_refreshed(data)  # a laid-out book, as a user would have it
    t0 = time.perf_counter()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb.save(io.BytesIO())
    base = time.perf_counter() - t0
    t0 = time.perf_counter()
    recalculated, recalc_report = recalc_package(package_from_bytes(data), dt.date(2026, 3, 31))
    recalculated.to_bytes()
    recalc_took = time.perf_counter() - t0
    assert recalc_report.ok, recalc_report.problems[:3]
    wb2 = openpyxl.load_workbook(io.BytesIO(data))
    wb2["Incidents"]["D5"] = "edited"
    buf = io.BytesIO()
    wb2.save(buf)
    edited = buf.getvalue()
    t0 = time.perf_counter()
    _, report = build_refreshed(edited)
    took = time.perf_counter() - t0
    print(f"{n} incidents, {report.exposure_rows} Exposure rows, {report.groups} groups, "
          f"{recalc_report.formulas} formula cells")
    print(f"openpyxl load+save: {base:.2f} s")
    print(f"recalc:  {recalc_took:6.2f} s   ratio {recalc_took / base:.2f}x   (goal <= 1.5x)")
    print(f"refresh: {took:6.2f} s   ratio {took / base:.2f}x   (goal <= 2x)")
    with tempfile.TemporaryDirectory() as folder:
        laid_out = Path(folder) / "laid-out.xlsx"
        laid_out.write_bytes(data)
        changed = Path(folder) / "edited.xlsx"
        changed.write_bytes(edited)
        runs = (("recalc", [str(laid_out), "--as-of", "2026-03-31", "-o", str(Path(folder) / "out.xlsx")]),
                ("refresh", [str(changed)]))
        for command, args in runs:
            seconds, peak = run_measured([hipaa_xl_command(), command, *args])
            print(f"hipaa-xl {command:8s} {seconds:6.2f} s   peak memory {peak / 2**30:.2f} GiB (whole process; "
                  "goal < 1 GiB)")


def hipaa_xl_command() -> str:
    """The console script beside this Python (the installed command), else on PATH."""
    beside = Path(sys.executable).with_name("hipaa-xl")
    return str(beside) if beside.exists() else shutil.which("hipaa-xl") or "hipaa-xl"


_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""
"""A small process that runs the command and reports its peak memory: measured from this large
benchmark process, a child's peak would include the memory it inherited at fork."""


def run_measured(argv: list[str]) -> tuple[float, int]:
    """Run a command; its wall time and the peak resident memory of its whole process, in bytes."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _LAUNCHER, *argv], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    code, peak_kib = (int(x) for x in done.stdout.split()[-2:])
    if code != 0:
        raise SystemExit(f"{' '.join(argv[1:2])} failed: {done.stderr[:500]}")
    return seconds, peak_kib * 1024  # Linux reports KiB


if __name__ == "__main__":
    main()
