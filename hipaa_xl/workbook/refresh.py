"""Refresh: lay out Exposure and Summary to match Incidents, then compute and store their values.

One code path for ``hipaa-xl new`` and ``hipaa-xl refresh``: read the package, lay out the
cells with :func:`hipaa_xl.workbook.plan.plan_refresh` (the same layout code the Refresh button and
xlwings Lite write through Excel's object model), write the formulas
into fresh Exposure and Summary parts spliced into the original package (decisions 16), compute the
cached values with the headless evaluator, and write atomically only when something changed
(decisions 15). The as-of date used is recorded as the defined name ``HXL_AS_OF_USED`` (decisions 14).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from hipaa_xl import clock
from hipaa_xl.errors import WorkbookError
from hipaa_xl.ooxml.editing import editing
from hipaa_xl.ooxml.opc import sheets
from hipaa_xl.ooxml.package import Package, package_from_bytes
from hipaa_xl.ooxml.webextensions import find_xlwings_lite
from hipaa_xl.workbook import columns
from hipaa_xl.workbook.inputs import read_inputs
from hipaa_xl.workbook.parts import chart_xml, drawing_xml, table_xml
from hipaa_xl.workbook.plan import (
    COMPARED_SCHEDULES,
    STAMP_TOKEN,
    RefreshReport,
    commenced_date,
    mark_duplicate_ids,
    plan_refresh,
    resolve_as_of,
)
from hipaa_xl.workbook.print_header import page_header, with_header_footer
from hipaa_xl.workbook.sheets.deadlines import DEADLINES_HEADER_ROW
from hipaa_xl.workbook.sheets.exposure import EXPOSURE_HEADER_ROW, LAST_VISIBLE_EXPOSURE_COL
from hipaa_xl.workbook.sheets.scenarios.tables import read_scenarios
from hipaa_xl.workbook.sheets.summary import SUMMARY_HEADER_ROW
from hipaa_xl.workbook.sheetxml import ref, serial
from hipaa_xl.workbook.splice import GeneratedSheet, foreign_objects, splice, styles_part
from hipaa_xl.workbook.styles import StyleBook
from hipaa_xl.workbook.verify import Expected, refreshed_problem

if TYPE_CHECKING:
    from hipaa_xl.recalc.evaluator import CellProblem

__all__ = ["COMPARED_SCHEDULES", "STAMP_TOKEN", "RefreshReport", "build_refreshed", "commenced_date",
           "compute_values", "mark_duplicate_ids", "refresh_file", "refresh_package", "resolve_as_of"]
_STAMP_TIME = re.compile(r"generated \d{4}-\d\d-\d\d \d\d:\d\d UTC")
SUMMARY_GROUPS_ON_FIRST_PAGE = 30
Progress = Callable[[str, float], None]
"""Called with the stage and the share of the work done so far (0.0 to 1.0)."""
_STAGES = {"reading the workbook": 0.0, "pricing": 0.05, "laying out Exposure and Summary": 0.12,
           "computing values": 0.2, "writing": 0.97}


def build_refreshed(
    data: bytes,
    cli_as_of: dt.date | None = None,
    stamp_time: str | None = None,
    progress: Progress | None = None,
) -> tuple[bytes, RefreshReport]:
    """The refreshed package bytes (unchanged ``data`` when up to date) and the report.

    ``stamp_time`` None stamps the current UTC time only when something changed; a fixed text
    (``new``) makes the output deterministic.
    """
    refreshed, report = refresh_package(data, cli_as_of, stamp_time, progress)
    return (data if refreshed is None else refreshed.to_bytes()), report


def refresh_package(
    data: bytes,
    cli_as_of: dt.date | None = None,
    stamp_time: str | None = None,
    progress: Progress | None = None,
) -> tuple[Package | None, RefreshReport]:
    """:func:`build_refreshed` as a package, None when up to date (nothing to write)."""
    def step(stage: str, detail: str = "", within: float = 0.0) -> None:
        if progress is not None:
            keys = list(_STAGES)
            start = _STAGES[stage]
            end = _STAGES[keys[keys.index(stage) + 1]] if stage != keys[-1] else 1.0
            progress(stage + detail, start + (end - start) * within)

    step("reading the workbook")
    original = package_from_bytes(data)
    pkg = original.copy()
    foreign = foreign_objects(
        pkg, (columns.SUMMARY_SHEET, columns.EXPOSURE_SHEET, columns.DEADLINES_SHEET),
        {columns.SUMMARY_SHEET: columns.SUMMARY_TABLE, columns.DEADLINES_SHEET: columns.DEADLINES_TABLE},
    )
    if foreign:
        raise WorkbookError(
            f"refresh rebuilds the Exposure, Summary and Deadlines sheets and would delete what a user put there "
            f"({'; '.join(foreign)}); move it to another sheet, then run Refresh again"
        )
    inputs = read_inputs(data, pkg)
    step("pricing", f" {sum(ir.incident is not None for ir in inputs.rows):,} incident(s)")
    step("laying out Exposure and Summary")
    styles = StyleBook(pkg[styles_part(pkg)])
    plan = plan_refresh(inputs, styles, cli_as_of, read_scenarios(data, pkg))
    report, layout, ctx, exp, summ, dl = (plan.report, plan.layout, plan.ctx, plan.exposure, plan.summary,
                                          plan.deadlines)
    as_of, scenario_names = report.as_of, plan.scenario_names
    if find_xlwings_lite(pkg) is not None:  # xlwings Lite's script must be able to write these sheets
        exp.protect = summ.sheet.protect = dl.sheet.protect = False
    dl.sheet.table_rids = ["rId1"]
    summ.sheet.drawing_rid = "rId2"
    summ.sheet.table_rids = ["rId1"]
    exp_xml = exp.to_xml()
    sum_xml = summ.sheet.to_xml()
    generated = [
        GeneratedSheet(columns.SUMMARY_SHEET, sum_xml,
                       table=table_xml(0, columns.SUMMARY_TABLE, summ.table_ref, summ.table_headers),
                       drawing=drawing_xml(summ.chart_anchor),
                       chart=chart_xml(summ.chart_categories, summ.chart_values, "Maximum exposure by calendar year")),
        GeneratedSheet(columns.EXPOSURE_SHEET, exp_xml),
        GeneratedSheet(columns.DEADLINES_SHEET, dl.sheet.to_xml(),
                       table=table_xml(0, columns.DEADLINES_TABLE, dl.table_ref, dl.table_headers)),
    ]
    exp_last = max(EXPOSURE_HEADER_ROW + 1, ctx.exposure_last)
    names: dict[tuple[str, str | None], str] = {
        (columns.NAME_AS_OF_USED, None): str(serial(as_of)),
        ("_xlnm.Print_Area", columns.SUMMARY_SHEET):
            f"{columns.SUMMARY_SHEET}!$A$1:{ref(summ.last_row, summ.last_col, True)}",
        ("_xlnm.Print_Area", columns.EXPOSURE_SHEET):
            f"{columns.EXPOSURE_SHEET}!$A$1:{ref(exp_last, LAST_VISIBLE_EXPOSURE_COL, True)}",
        ("_xlnm.Print_Titles", columns.EXPOSURE_SHEET):
            f"{columns.EXPOSURE_SHEET}!${EXPOSURE_HEADER_ROW}:${EXPOSURE_HEADER_ROW}",
        ("_xlnm.Print_Area", columns.DEADLINES_SHEET):
            f"{columns.DEADLINES_SHEET}!$A$1:{ref(dl.last_row, dl.last_col, True)}",
        ("_xlnm.Print_Titles", columns.DEADLINES_SHEET):
            f"{columns.DEADLINES_SHEET}!${DEADLINES_HEADER_ROW}:${DEADLINES_HEADER_ROW}",
    }
    if len(layout.groups) > SUMMARY_GROUPS_ON_FIRST_PAGE:  # the table runs over several pages
        names[("_xlnm.Print_Titles", columns.SUMMARY_SHEET)] = (
            f"{columns.SUMMARY_SHEET}!${SUMMARY_HEADER_ROW}:${SUMMARY_HEADER_ROW}"
        )
    names.update(scenario_names)
    expected = Expected(plan.aggregation, plan.comparison)
    splice(pkg, generated, styles.to_bytes() if styles.changed else None, names)
    user_headers(pkg, inputs.matter.get("matter_name", ""), as_of)
    del generated, exp, exp_xml, summ, sum_xml, layout, inputs, plan  # memory for the evaluator

    step("computing values")
    computed, problems = compute_values(
        pkg, as_of, lambda done, total: step("computing values", f" ({done:,} of {total:,} cells)",
                                             done / total if total else 1.0))
    report.warnings += [f"{problem.line()}: not evaluated; the value in the file is kept" for problem in problems]
    report.not_current = refreshed_problem(computed, expected)
    summary_part = next(s.part for s in sheets(computed) if s.name == columns.SUMMARY_SHEET)
    old = original
    old_summary = next((s.part for s in sheets(old) if s.name == columns.SUMMARY_SHEET), None)
    if old_summary is not None and old_summary in old:
        old[old_summary] = _STAMP_TIME.sub(STAMP_TOKEN, old[old_summary].decode("utf-8")).encode()
    if dict(old) == dict(computed):
        report.changed = False
        return None, report
    when = stamp_time or dt.datetime.now(dt.UTC).strftime("generated %Y-%m-%d %H:%M UTC")
    computed[summary_part] = computed[summary_part].replace(STAMP_TOKEN.encode(), when.encode())
    step("writing")
    return computed, report


def user_headers(pkg: Package, matter_name: str, as_of: dt.date) -> None:
    """Every sheet refresh does not generate gets the page header of this matter and as-of date
    (decisions 24): a workbook started from another matter never prints that matter's name."""
    header = page_header(matter_name, as_of)
    generated = (columns.SUMMARY_SHEET, columns.EXPOSURE_SHEET, columns.DEADLINES_SHEET)
    for entry in sheets(pkg):
        if entry.name in generated or not entry.is_worksheet or entry.part not in pkg:
            continue
        rewritten = with_header_footer(pkg[entry.part], header)
        if rewritten is not None:
            pkg[entry.part] = rewritten


def compute_values(
    pkg: Package, as_of: dt.date, progress: Callable[[int, int], None] | None = None
) -> tuple[Package, list[CellProblem]]:
    """Formulas' cached values written into the sheet XML by the headless evaluator (one code path).

    A cell the evaluator cannot compute (an unknown function, a cycle) keeps the value the file holds
    for it, so refresh never writes ``#NAME?`` over a user's figure (the user's parts of the file are
    theirs, decisions 16); the cells are returned so the report names them.
    """
    from hipaa_xl.recalc import recalc_package

    with clock.override_today(as_of):
        computed, report = recalc_package(pkg, as_of=as_of, progress=progress, keep_unevaluated=True)
    return computed, report.problems


def refresh_file(
    path: Path,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    backup: bool = True,
) -> RefreshReport:
    """``hipaa-xl refresh PATH``: refresh in place, atomically, keeping ``PATH.bak``.

    A symbolic link is followed; hipaa-xl's lock keeps a second run off the file; a save made by
    another program while this runs is never overwritten (see :func:`hipaa_xl.ooxml.editing.editing`).
    """
    with editing(path) as edit:
        try:
            refreshed, report = refresh_package(edit.data, as_of, progress=progress)
        except WorkbookError as exc:
            raise WorkbookError(exc.message, path) from None
        except Exception as exc:  # no traceback for a workbook we cannot read (decisions 17); file untouched
            raise WorkbookError(f"cannot be refreshed ({type(exc).__name__}: {exc})", path) from None
        report.warnings[:0] = edit.notes()
        if refreshed is not None:
            edit.write(refreshed, backup=backup, label="refreshed")
    return report
