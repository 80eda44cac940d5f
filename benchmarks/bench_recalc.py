"""Benchmark: headless recalculation of a refreshed 10,000-incident workbook.

Builds an incident book with openpyxl (per-row ``YEAR``, ``CMP_MAX``, ``CMP_MIN``, ``VIOLATION_DAYS``
calls and a Summary of ~200 rows of ``SUMIFS`` plus ``MIN(..., ANNUAL_CAP(...))`` and totals), in
two variants: bounded ranges (``Incidents!H2:H10001``) and whole columns (``Incidents!H:H``). Then
measures, each engine in its own process (peak RSS from ``getrusage``), side by side on the same
file:

* the floor: openpyxl load + save, no calculation;
* ours: ``hipaa_xl.recalc.recalc_file`` (values written beside the formulas);
* ``formulas`` and ``pycel`` (``pip install -e '.[bench]'``), each with a 10-minute timeout.

Goals: ours <= 1.5 x openpyxl load+save; >= 20 x faster than formulas and than pycel; peak RSS
< 1 GiB. Run: ``python benchmarks/bench_recalc.py [--rows 10000] [--skip-peers]``. The peers take
minutes at 10,000 rows; they run once per invocation, and only on the bounded variant unless
``--peers-whole-column`` is given (formulas did not finish a 100-row whole-column book in 10
minutes when measured).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TIMEOUT_SECONDS = 600
ENTITIES = [f"Entity {i:02d}" for i in range(40)]
YEARS = [2019, 2020, 2021, 2022, 2023]
TIERS = ["A", "B", "C", "D"]
AS_OF = dt.date(2025, 6, 30)


def build(path: Path, rows: int, whole_column: bool) -> int:
    """Write the benchmark workbook; returns its number of formula cells."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Incidents"
    ws.append(["ID", "Entity", "Start", "Requirement", "Tier", "Violations", "Year", "Maximum", "Minimum",
               "Days"])
    formulas = 0
    for i in range(rows):
        r = i + 2
        start = dt.date(YEARS[i % len(YEARS)], 1 + i % 12, 1 + i % 28)
        ws.append([
            f"INC-{i + 1:05d}", ENTITIES[(i * 7) % len(ENTITIES)], start, f"164.{300 + i % 17}",
            TIERS[i % 4], 1 + (i * 13) % 50,
            f"=YEAR(C{r})", f"=CMP_MAX(E{r},F{r},C{r})", f"=CMP_MIN(E{r},F{r},C{r})",
            f"=VIOLATION_DAYS(C{r},C{r}+F{r})",
        ])
        formulas += 4
    last = rows + 1
    summary = wb.create_sheet("Summary")
    summary.append(["Entity", "Year", "Maximum", "Minimum", "Capped maximum"])

    def col(letter: str) -> str:
        return f"Incidents!{letter}:{letter}" if whole_column else f"Incidents!${letter}$2:${letter}${last}"

    r = 1
    for entity in ENTITIES:
        for year in YEARS:
            r += 1
            summary.append([
                entity, year,
                f"=SUMIFS({col('H')},{col('B')},A{r},{col('G')},B{r})",
                f"=SUMIFS({col('I')},{col('B')},A{r},{col('G')},B{r})",
                f'=MIN(C{r},ANNUAL_CAP("D",DATE(B{r},6,1)))',
            ])
            formulas += 3
    summary.append(["Total", "", f"=SUM(C2:C{r})", f"=SUM(D2:D{r})", f"=SUM(E2:E{r})"])
    formulas += 3
    wb.save(path)
    return formulas


def total_cell(rows: int) -> str:
    """Address of the capped grand total on Summary."""
    return f"E{len(ENTITIES) * len(YEARS) + 2}"


# -- workers (each runs in its own process) -------------------------------------------------------


def worker(engine: str, path: Path, rows: int) -> dict[str, Any]:
    started = time.perf_counter()
    total: Any = None
    if engine == "openpyxl":
        import openpyxl

        wb = openpyxl.load_workbook(path)
        wb.save(path.with_name(path.stem + ".openpyxl.xlsx"))
    elif engine == "ours":
        from hipaa_xl.recalc import recalc_file

        out = path.with_name(path.stem + ".ours.xlsx")
        report = recalc_file(path, out=out, as_of=AS_OF, backup=False)
        if not report.ok:
            raise SystemExit("ours: " + "; ".join(p.line() for p in report.problems[:5]))
        elapsed = time.perf_counter() - started
        import openpyxl

        total = openpyxl.load_workbook(out, read_only=True, data_only=True)["Summary"][total_cell(rows)].value
        return {"seconds": elapsed, "rss": _peak_rss(), "total": total}
    elif engine == "formulas":
        import formulas
        from formulas.functions import wrap_ufunc

        from hipaa_xl import clock, udfs

        functions = formulas.get_functions()
        for name in udfs.__all__:
            functions[name] = wrap_ufunc(getattr(udfs, name), input_parser=lambda *a: a)
        with clock.override_today(AS_OF):
            model = formulas.ExcelModel().loads(str(path)).finish()
            solution = model.calculate()
        wanted = f"SUMMARY'!{total_cell(rows)}"
        for key, value in solution.items():
            if str(key).upper().endswith(wanted):
                total = _scalar(value)
    elif engine == "pycel":
        from pycel import ExcelCompiler

        from hipaa_xl import clock

        plugin_dir = Path(tempfile.mkdtemp())
        (plugin_dir / "bench_pycel_udfs.py").write_text(
            "from hipaa_xl import udfs\n"
            "for _n in udfs.__all__:\n"
            "    globals()[_n.lower()] = getattr(udfs, _n)\n"
        )
        sys.path.insert(0, str(plugin_dir))
        import openpyxl

        cells = []
        book = openpyxl.load_workbook(path, read_only=True)
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        cells.append(f"{ws.title}!{cell.coordinate}")
        book.close()
        with clock.override_today(AS_OF):
            excel = ExcelCompiler(filename=str(path), plugins=["bench_pycel_udfs"])
            for address in cells:
                excel.evaluate(address)
            total = excel.evaluate(f"Summary!{total_cell(rows)}")
    else:
        raise SystemExit(f"unknown engine {engine}")
    return {"seconds": time.perf_counter() - started, "rss": _peak_rss(), "total": total}


def _scalar(value: Any) -> Any:
    inner = getattr(value, "value", value)
    try:
        return float(inner.tolist()[0][0] if hasattr(inner, "tolist") else inner[0][0])
    except Exception:
        return str(value)


def _peak_rss() -> int:
    """Peak resident memory of this whole process, in bytes: ``VmHWM`` (what ``/usr/bin/time -v`` reports).

    ``getrusage`` would also count what the process inherited from the benchmark's driver at fork.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# -- driver ------------------------------------------------------------------------------------


def run(engine: str, path: Path, rows: int, timeout: int = TIMEOUT_SECONDS) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", engine, "--path", str(path), "--rows", str(rows)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish in {timeout // 60} min"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1][:200]}
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def show(name: str, result: dict[str, Any]) -> str:
    if "error" in result:
        return f"  {name:<28} {result['error']}"
    return (f"  {name:<28} {result['seconds']:8.2f} s   peak RSS {result['rss'] / 2**20:7.0f} MiB   "
            f"total {result.get('total')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--peers-whole-column", action="store_true")
    parser.add_argument("--timeout", type=int, default=TIMEOUT_SECONDS)
    parser.add_argument("--worker")
    parser.add_argument("--path")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, Path(args.path), args.rows), default=str))
        return

    folder = Path(tempfile.mkdtemp(prefix="hxl-bench-"))
    for whole_column in (False, True):
        label = "whole-column ranges (H:H)" if whole_column else "bounded ranges (H2:H10001)"
        path = folder / f"incidents-{args.rows}-{'whole' if whole_column else 'bounded'}.xlsx"
        formulas = build(path, args.rows, whole_column)
        print(f"\n{args.rows:,} incidents, {formulas:,} formula cells, {label}, "
              f"{path.stat().st_size / 2**20:.1f} MiB  ({path})")
        floor = run("openpyxl", path, args.rows)
        ours = run("ours", path, args.rows)
        print(show("openpyxl load + save", floor))
        print(show("hipaa-xl recalc", ours))
        if "error" in ours or "error" in floor:
            continue
        ratio = ours["seconds"] / floor["seconds"]
        print(f"  ours / openpyxl load+save = {ratio:.2f} x   (goal <= 1.5 x)   "
              f"peak RSS {'<' if ours['rss'] < 2**30 else '>='} 1 GiB")
        peers_here = not args.skip_peers and (not whole_column or args.peers_whole_column)
        if not peers_here:
            reason = "--skip-peers" if args.skip_peers else "whole-column peers need --peers-whole-column"
            print(f"  formulas, pycel: not run ({reason})")
            continue
        for peer in ("pycel", "formulas"):
            result = run(peer, path, args.rows, args.timeout)
            print(show(peer, result))
            if "error" in result:
                print(f"  {peer} / ours: more than {args.timeout / ours['seconds']:.0f} x (goal >= 20 x)")
            else:
                agree = "same total" if _close(result.get("total"), ours.get("total")) else "TOTALS DIFFER"
                print(f"  {peer} / ours = {result['seconds'] / ours['seconds']:.1f} x   (goal >= 20 x)   {agree}")
    if os.environ.get("HXL_BENCH_KEEP") is None:
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()


def _close(a: Any, b: Any) -> bool:
    try:
        return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))
    except (TypeError, ValueError):
        return False


if __name__ == "__main__":
    main()
