"""Benchmark: the shapes that once broke recalculation, timed (no Python recursion involved).

* a chain of 100,000 dependent cells (``A1 = A2+1``, ``A2 = A3+1`` ...);
* a cycle of 100,000 cells (``A100000 = A1+1``): reported once, its cells written as Excel shows them;
* long flat formulas Excel accepts: ``=1+1+...`` with 1,000 terms and 2,000 references (8,000
  characters).

Goal: each finishes in seconds. Run: ``python benchmarks/bench_recalc_chains.py [--cells 100000]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import openpyxl

from hipaa_xl.recalc import recalc_file


def _book(path: Path, kind: str, n: int) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    if kind == "chain":
        for r in range(1, n):
            ws.cell(r, 1).value = f"=A{r + 1}+1"
        ws.cell(n, 1).value = 1
    elif kind == "cycle":
        for r in range(1, n + 1):
            ws.cell(r, 1).value = f"=A{r % n + 1}+1"
    else:
        ws["A1"] = "=" + "+".join(["1"] * 1000)
        ws["A2"] = "=" + "+".join(["A1"] * 2000)
    wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cells", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("chain", "cycle", "long formulas"):
            path = Path(folder) / f"{kind.replace(' ', '-')}.xlsx"
            _book(path, kind, args.cells)
            started = time.perf_counter()
            report = recalc_file(path, as_of=dt.date(2024, 5, 1), allow_errors=True)
            seconds = time.perf_counter() - started
            problems = ", ".join(sorted({p.kind for p in report.problems})) or "none"
            print(f"{kind:14s} {report.formulas:8,d} formula cells  {seconds:6.2f} s  problems: {problems}")


if __name__ == "__main__":
    main()
