"""``hipaa-xl demo``: the main job on built-in example data.

Builds the example exposure workbook (a fictional matter) into an output folder, refreshes and
recalculates it without Excel, checks its Summary against the engine's own aggregation and prints
the Summary as a table. The committed workbooks are never written over (decisions 15).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Annotated, Any

import openpyxl
import typer
from rich.console import Console
from rich.table import Table

from hipaa_xl.cli.common import EXIT_BAD_INPUT, EXIT_PROBLEMS, fail, parse_as_of
from hipaa_xl.engine import aggregate
from hipaa_xl.engine.incidents import GroupTotal, group_key
from hipaa_xl.errors import HipaaInputError

SUMMARY_FIRST_ROW = 8


def _money(value: Any) -> str:
    return f"${value:,.0f}" if isinstance(value, int | float) else str(value)


def _summary_rows(path: Path) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), data_only=True, read_only=True)
    rows = []
    for row in wb["Summary"].iter_rows(min_row=SUMMARY_FIRST_ROW, values_only=True):
        if row[0] is None or not isinstance(row[2], int):
            break
        rows.append(tuple(row[:9]))
    wb.close()
    return rows


Key = tuple[str, str, int]


def _engine_groups(path: Path, schedule: str, as_of: dt.date) -> tuple[dict[Key, GroupTotal], dict[Key, str]]:
    """The engine's own groups for the workbook's incidents, and a note on what left figures out."""
    from hipaa_xl.workbook.inputs import read_inputs
    from hipaa_xl.xlsxio import package_from_bytes

    data = path.read_bytes()
    inputs = read_inputs(data, package_from_bytes(data))
    agg = aggregate([r.incident for r in inputs.rows if r.incident], schedule, as_of, inputs.commenced)
    notes: dict[Key, set[str]] = {}
    for r in agg.rows:
        found = notes.setdefault((r.entity_key, r.requirement_key, r.year), set())
        if r.status != "counted":
            found.add(r.status)
        if r.time_barred_violations:
            found.add("time-barred days")
        if r.ag_status == "deferred":
            found.add("AG deferred (federal action)")
        if r.regime == "pre-2009":
            found.add("pre-2009 amounts")
    groups = {(g.entity_key, g.requirement_key, g.year): g for g in agg.groups}
    return groups, {k: ", ".join(sorted(v)) for k, v in notes.items()}


def demo(
    out: Annotated[Path, typer.Option(help="Folder for the workbooks written")] = Path("out"),
    as_of: Annotated[str | None, typer.Option("--as-of", help="Assessment date YYYY-MM-DD (default: the example's)")] = None,
) -> None:
    """Build, refresh and recalculate the example workbook and print its Summary."""
    from hipaa_xl.recalc import recalc_file
    from hipaa_xl.workbook import new_workbook
    from hipaa_xl.xlsxio import WorkbookFileError

    console = Console()
    day = parse_as_of(as_of)
    try:
        out.mkdir(parents=True, exist_ok=True)
        path = out / "example_exposure.xlsx"
        report = new_workbook(path, as_of=day, example=True, force=True)
        backup = path.with_name(path.name + ".bak")
        backup.unlink(missing_ok=True)
        recalc = recalc_file(path, as_of=day, backup=False)
    except (WorkbookFileError, HipaaInputError, OSError, ValueError) as exc:
        fail(str(exc), EXIT_BAD_INPUT)

    console.print(f"[bold]Example matter[/] written to {path} (refreshed and recalculated without Excel)")
    for line in report.lines():
        console.print("  " + line, highlight=False)
    console.print("  recalc: " + recalc.summary(), highlight=False)

    rows = _summary_rows(path)
    engine, notes = _engine_groups(path, report.schedule, report.as_of)
    table = Table(title=f"Summary: exposure by entity, requirement and calendar year (schedule {report.schedule}, "
                        f"assessed {report.as_of.isoformat()})")
    for name, justify in (("Entity", "left"), ("Requirement", "left"), ("Year", "right"), ("Violations", "right"),
                          ("Barred", "right"), ("Minimum*", "right"), ("Maximum", "right"),
                          ("AG dmg.", "right"), ("Notes", "left")):
        table.add_column(name, justify=justify, no_wrap=name in ("Requirement", "Year"))  # type: ignore[arg-type]
    mismatches = 0
    for entity, requirement, year, violations, barred, low, high, _barred_max, ag in rows:
        key = (group_key(str(entity)), group_key(str(requirement)), int(year))
        g = engine.get(key)
        if g is None or [violations, barred, low, high, ag] != [
            g.violations, g.time_barred_violations, g.minimum, g.maximum, g.ag_damages
        ]:
            mismatches += 1
        table.add_row(str(entity), str(requirement), str(year), f"{violations:,}", f"{barred:,}",
                      _money(low), _money(high), _money(ag), notes.get(key, ""))
    total = [sum(r[i] for r in rows if isinstance(r[i], int | float)) for i in (5, 6, 8)]
    table.add_section()
    table.add_row("[bold]Total[/]", "", "", "", "", *(f"[bold]{_money(v)}[/]" for v in total), "")
    console.print(table)
    if mismatches or len(rows) != len(engine):
        fail(f"{mismatches} Summary row(s) differ from the engine's aggregation", EXIT_PROBLEMS)
    console.print("Barred: time-barred violations (six years, 1320a-7a(c)(1)). AG dmg.: State AG damages, a maximum.",
                  highlight=False)
    console.print("* the statutory minimum if a CMP is imposed: OCR may resolve tier A by corrective action "
                  "and waive an excessive tier B penalty (1320d-5(b)(3), (e)).", highlight=False)
    console.print(f"Checked: all {len(rows)} Summary rows equal the engine's own aggregation. "
                  "Open the workbook in Excel or LibreOffice to see the Exposure rows, the matrix and the chart.",
                  highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``demo``."""
    app.command()(demo)
