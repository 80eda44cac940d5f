"""``hipaa-xl demo``: the main job on built-in example data.

Builds the example exposure workbook (a fictional matter) into an output folder, refreshes and
recalculates it without Excel, checks its Summary against the engine's own aggregation and prints
the Summary as a table. The committed workbooks are never written over (decisions 15).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from hipaa_xl.cli.common import EXIT_BAD_INPUT, EXIT_PROBLEMS, fail, parse_as_of
from hipaa_xl.cli.text import Column, count, money, paragraph, sectioned_table
from hipaa_xl.engine import Aggregation
from hipaa_xl.errors import HipaaXlError
from hipaa_xl.workbook.verify import GroupKey, engine_aggregation, summary_groups, summary_mismatches

NOTE_CODES: dict[str, str] = {
    "time-barred days": "t",
    "pre-2009 amounts": "p",
    "duplicate": "d",
    "cured": "c",
    "criminal": "x",
    "no penalty": "n",
    "AG deferred (federal action)": "f",
}
"""The letter the Notes column shows for each reason a figure is lower, explained below the table."""

COLUMNS = (
    Column("Requirement"), Column("Year", "right"), Column("Violations", "right"), Column("Barred", "right"),
    Column("Minimum*", "right"), Column("Maximum", "right"), Column("AG dmg.", "right"), Column("Notes"),
)


def _notes(agg: Aggregation) -> dict[GroupKey, list[str]]:
    """Why some of a group's days add less than their full amounts: each reason once, in code order."""
    found: dict[GroupKey, set[str]] = {}
    for r in agg.rows:
        reasons = found.setdefault((r.entity_key, r.requirement_key, r.year), set())
        if r.status != "counted":
            reasons.add(r.status)
        if r.time_barred_violations:
            reasons.add("time-barred days")
        if r.ag_status == "deferred":
            reasons.add("AG deferred (federal action)")
        if r.regime == "pre-2009":
            reasons.add("pre-2009 amounts")
    return {k: [n for n in NOTE_CODES if n in v] for k, v in found.items()}


def summary_lines(summary: dict[GroupKey, dict[str, Any]], agg: Aggregation) -> list[str]:
    """The Summary as text: one section per entity, a row per requirement and year, amounts
    right-aligned, a subtotal per entity, the total, and the notes below."""
    notes = _notes(agg)
    by_entity: dict[str, list[tuple[GroupKey, dict[str, Any]]]] = {}
    for key, row in summary.items():
        by_entity.setdefault(str(row["entity"]), []).append((key, row))
    used: set[str] = set()
    sections: list[tuple[str, list[list[str]]]] = []
    for entity, groups in by_entity.items():
        rows, previous = [], None
        for key, row in groups:
            used.update(notes.get(key, []))
            requirement = str(row["requirement"])
            rows.append([
                "" if requirement == previous else requirement, str(row["year"]), count(row["violations"]),
                count(row["barred"]), money(row["minimum"]), money(row["maximum"]), money(row["ag"]),
                ",".join(NOTE_CODES[n] for n in notes.get(key, [])),
            ])
            previous = requirement
        rows.append(["Subtotal", "", "", "", *(money(_sum(groups, k)) for k in ("minimum", "maximum", "ag")), ""])
        sections.append(("\n" + entity, rows))
    every = list(summary.values())
    totals = [money(_sum_rows(every, k)) for k in ("minimum", "maximum", "ag")]
    lines = sectioned_table(COLUMNS, sections, total=["Total, all entities", "", "", "", *totals, ""])
    lines.append("")
    lines += paragraph("Barred: time-barred violations (six years, 42 U.S.C. 1320a-7a(c)(1)). AG dmg.: State "
                       "attorney general damages, a maximum (42 U.S.C. 1320d-5(d)).")
    lines += paragraph("* the statutory minimum if a CMP is imposed: OCR may resolve tier A by corrective action "
                       "and waive an excessive tier B penalty (42 U.S.C. 1320d-5(b)(3), (e)).")
    if used:
        lines.append("Notes:")
        lines += [f"  {code}  {note}" for note, code in NOTE_CODES.items() if note in used]
    return lines


def _sum(groups: list[tuple[GroupKey, dict[str, Any]]], column: str) -> int | float:
    return _sum_rows([row for _, row in groups], column)


def _sum_rows(rows: list[dict[str, Any]], column: str) -> int | float:
    return sum(v for row in rows if isinstance(v := row[column], int | float))


def demo(
    out: Annotated[Path, typer.Option(help="Folder for the workbooks written")] = Path("out"),
    as_of: Annotated[str | None, typer.Option("--as-of", help="Assessment date YYYY-MM-DD (default: the example's)")] = None,
) -> None:
    """Build, refresh and recalculate the example workbook and print its Summary."""
    from hipaa_xl.recalc import recalc_file
    from hipaa_xl.workbook import new_workbook

    console = Console()
    day = parse_as_of(as_of)
    try:
        out.mkdir(parents=True, exist_ok=True)
        path = out / "example_exposure.xlsx"
        report = new_workbook(path, as_of=day, example=True, force=True)
        backup = path.with_name(path.name + ".bak")
        backup.unlink(missing_ok=True)
        recalc = recalc_file(path, as_of=day, backup=False)
    except (HipaaXlError, OSError, ValueError) as exc:
        fail(str(exc), EXIT_BAD_INPUT)

    head = paragraph(f"Example matter written to {path} (refreshed and recalculated without Excel)")
    for line in report.lines():
        head += paragraph(line, "  ")
    head += paragraph("recalc: " + recalc.summary(), "  ")
    for line in head:
        console.print(line, highlight=False, soft_wrap=True)

    data = path.read_bytes()
    summary = summary_groups(data)
    agg = engine_aggregation(data, report.schedule, report.as_of)
    console.print(f"\nSummary: exposure by entity, requirement and calendar year\nschedule {report.schedule}, "
                  f"assessed {report.as_of.isoformat()}", highlight=False)
    for line in summary_lines(summary, agg):
        console.print(line, highlight=False, soft_wrap=True)
    mismatches = summary_mismatches(data, report.schedule, report.as_of)
    if mismatches:
        fail(f"{len(mismatches)} Summary figure(s) differ from the engine's aggregation; first: {mismatches[0]}",
             EXIT_PROBLEMS)
    for line in paragraph(f"Checked: all {len(summary)} Summary rows and totals equal the engine's own "
                          "aggregation, and the published OCR outcomes beside them equal the law data. Open the "
                          "workbook in Excel or LibreOffice to see the Exposure rows, the matrix and the chart."):
        console.print(line, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add ``demo``."""
    app.command()(demo)
