"""Refresh: lay out Exposure and Summary to match Incidents, then compute and store their values.

One code path for ``hipaa-xl new``, ``hipaa-xl refresh`` and the Excel Refresh button (issue 5):
read the package, price the incidents with the engine (which decides the layout), write the formulas
into fresh Exposure and Summary parts spliced into the original package (decisions 16), compute the
cached values with the headless evaluator, and write atomically only when something changed
(decisions 15). The as-of date used is recorded as the defined name ``HXL_AS_OF_USED`` (decisions 14).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hipaa_xl import __version__, clock
from hipaa_xl.engine import aggregate
from hipaa_xl.engine.matter_deadlines import limitation_groups, matter_deadlines, upcoming
from hipaa_xl.errors import HipaaInputError, WorkbookError
from hipaa_xl.law.loader import law_data_version
from hipaa_xl.law.schedules import check_schedule
from hipaa_xl.ooxml.a1 import quote_sheet
from hipaa_xl.ooxml.opc import sheets
from hipaa_xl.workbook import columns as C
from hipaa_xl.workbook.deadlines_sheet import DEADLINES_HEADER_ROW, deadlines_sheet
from hipaa_xl.workbook.exposure import EXPOSURE_HEADER_ROW, LAST_VISIBLE_EXPOSURE_COL, Context, exposure_sheet
from hipaa_xl.workbook.inputs import IncidentRow, Inputs, read_inputs
from hipaa_xl.workbook.layout import build_layout, display_key
from hipaa_xl.workbook.parts import chart_xml, drawing_xml, table_xml
from hipaa_xl.workbook.scenario_summary import NAME_STALE, hidden_block, scenario_section
from hipaa_xl.workbook.scenarios import price_workbook_scenarios, snapshot
from hipaa_xl.workbook.sheetxml import PageSetup, SheetWriter, ref, serial
from hipaa_xl.workbook.splice import GeneratedSheet, foreign_objects, splice, styles_part
from hipaa_xl.workbook.styles import StyleBook
from hipaa_xl.workbook.summary import SUMMARY_HEADER_ROW, summary_sheet
from hipaa_xl.xlsxio import Package, editing, package_from_bytes

if TYPE_CHECKING:
    from hipaa_xl.recalc.evaluator import CellProblem

STAMP_TOKEN = "@@HXL-GENERATED@@"
_STAMP_TIME = re.compile(r"generated \d{4}-\d\d-\d\d \d\d:\d\d UTC")
SUMMARY_GROUPS_ON_FIRST_PAGE = 30
COMPARED_SCHEDULES = ("regulation", "statute", "current", "current-tiered")
Progress = Callable[[str, float], None]
"""Called with the stage and the share of the work done so far (0.0 to 1.0)."""
_STAGES = {"reading the workbook": 0.0, "pricing": 0.05, "laying out Exposure and Summary": 0.12,
           "computing values": 0.2, "writing": 0.97}


RefreshError = WorkbookError
"""A workbook refresh cannot lay out: the name ``hipaa_xl.workbook`` exports for ``WorkbookError``."""


@dataclass
class RefreshReport:
    """What a refresh did, for the CLI and the Excel button."""

    as_of: dt.date
    as_of_source: str
    schedule: str
    incidents: int = 0
    exposure_rows: int = 0
    groups: int = 0
    invalid: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    deadlines: int = 0
    changed: bool = True

    def lines(self) -> list[str]:
        """The report as lines of text."""
        out = [
            f"as-of date used: {self.as_of.isoformat()} (from {self.as_of_source}); schedule: {self.schedule}",
            f"{self.incidents} incident(s), {self.exposure_rows} Exposure row(s), {self.groups} group(s), "
            f"{self.deadlines} deadline(s)",
        ]
        out += [f"invalid: {text}" for text in self.invalid]
        out += [f"warning: {text}" for text in self.warnings]
        if not self.changed:
            out.append("up to date: nothing written")
        return out


def commenced_date(inputs: Inputs, as_of: dt.date, warnings: list[str]) -> dt.date | None:
    """Settings' "Action commenced on" for the engine's layout pass (160.414), or None (the as-of
    date serves). A value the formulas cannot use is warned about: every Exposure row then shows
    the error in its Check column, so no figure is silently wrong."""
    if inputs.commenced_error:
        warnings.append(f"Settings: {inputs.commenced_error}; the Exposure rows show an error until it is fixed")
        return None
    if inputs.commenced is not None and inputs.commenced > as_of:
        warnings.append(
            f"Settings: Action commenced on {inputs.commenced.isoformat()} is after the as-of (assessment) date "
            f"{as_of.isoformat()}; the Exposure rows show an error until it is fixed"
        )
        return None
    return inputs.commenced


def resolve_as_of(inputs: Inputs, cli_as_of: dt.date | None) -> tuple[dt.date, str, list[str]]:
    """Decisions 14: a typed Settings date wins; =TODAY() or blank takes --as-of, else the system date."""
    warnings: list[str] = []
    formula = (inputs.as_of_formula or "").strip().lstrip("=").upper().replace(" ", "")
    if inputs.as_of_formula is None and inputs.as_of_value is not None:
        if cli_as_of is not None and cli_as_of != inputs.as_of_value:
            warnings.append(
                f"--as-of {cli_as_of.isoformat()} had no effect: Settings holds the typed date "
                f"{inputs.as_of_value.isoformat()}"
            )
        return inputs.as_of_value, "Settings", warnings
    if inputs.as_of_formula is not None and formula not in ("TODAY()", "") and inputs.as_of_value is not None:
        return inputs.as_of_value, "Settings (formula)", warnings
    if cli_as_of is not None:
        return cli_as_of, "--as-of", warnings
    return clock.today(), "system date", warnings


def mark_duplicate_ids(rows: list[IncidentRow]) -> None:
    """A second row with an ID already used is invalid (its reason names the first row)."""
    seen: dict[str, int] = {}
    for ir in rows:
        if ir.incident is None:
            continue
        key = ir.incident.id.strip().casefold()
        if key in seen:
            ir.reason = f"ID {ir.incident.id!r} is already used on row {seen[key]}"
            ir.incident = None
        else:
            seen[key] = ir.row


def _page(title: str, inputs: Inputs, as_of: dt.date) -> PageSetup:
    """Decisions 24: legend, matter, as-of date and page X of Y on every printed page."""
    matter = inputs.matter.get("matter_name", "").replace("&", "&&")
    header = f"&L&8{C.CONFIDENTIAL.replace('&', '&&')}&C&8{matter}&R&8{title} - as of {as_of.isoformat()}"
    footer = "&L&8hipaa-xl&R&8Page &P of &N"
    return PageSetup(landscape=True, fit_width=True, header=header, footer=footer)


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
    foreign = foreign_objects(pkg, (C.SUMMARY_SHEET, C.EXPOSURE_SHEET, C.DEADLINES_SHEET),
                              {C.SUMMARY_SHEET: C.SUMMARY_TABLE, C.DEADLINES_SHEET: C.DEADLINES_TABLE})
    if foreign:
        raise WorkbookError(
            f"refresh rebuilds the Exposure, Summary and Deadlines sheets and would delete what a user put there "
            f"({'; '.join(foreign)}); move it to another sheet, then run Refresh again"
        )
    inputs = read_inputs(data, pkg)
    try:
        schedule = check_schedule(inputs.schedule)
    except HipaaInputError as exc:
        raise WorkbookError(f"Settings: {exc.message}") from None
    as_of, source, warnings = resolve_as_of(inputs, cli_as_of)
    commenced = commenced_date(inputs, as_of, warnings)
    mark_duplicate_ids(inputs.rows)
    incidents = [ir.incident for ir in inputs.rows if ir.incident is not None]
    step("pricing", f" {len(incidents):,} incident(s)")
    agg = aggregate(incidents, schedule, as_of, commenced, inputs.general_forms)
    first = EXPOSURE_HEADER_ROW + 1
    layout = build_layout(inputs.rows, agg, first)
    report = RefreshReport(as_of, source, schedule, incidents=len(inputs.rows),
                           exposure_rows=len(layout.lines), groups=len(layout.groups))
    report.warnings = warnings + inputs.warnings + list(agg.warnings)
    for ln in layout.lines:
        if ln.kind == "invalid" and ln.first_of_incident:
            report.invalid.append(f"{C.INCIDENTS_SHEET}!row {ln.incident.row}: {ln.incident.reason}")
    for er in agg.rows:
        for w in er.warnings:
            text = f"{er.incident_id}: {w}"
            if text not in report.warnings:
                report.warnings.append(text)

    matter_rows = inputs.matter_table.rows if inputs.matter_table is not None else []
    items = matter_deadlines(mr.event for mr in matter_rows if mr.event is not None)
    matter_invalid = [f"row {mr.row}: {mr.reason}" for mr in matter_rows if mr.event is None]
    report.invalid += [f"{C.MATTER_SHEET}!{text}" for text in matter_invalid]
    report.deadlines = len(items)

    step("laying out Exposure and Summary")
    styles = StyleBook(pkg[styles_part(pkg)])
    id_col = inputs.columns["id"]
    last_inc = max([ir.row for ir in inputs.rows] + [inputs.header_row + 1])
    id_last = max(inputs.header_row + 5000, last_inc * 2)
    inc_sheet = quote_sheet(C.INCIDENTS_SHEET)
    ctx = Context(
        incidents_sheet=inc_sheet,
        incident_cols=inputs.columns,
        incident_header_row=inputs.header_row,
        id_range=f"{inc_sheet}!{ref(inputs.header_row + 1, id_col, True)}:{ref(id_last, id_col, True)}",
        exposure_first=first,
        exposure_last=max(first, first + len(layout.lines) - 1),
        commenced_name=C.NAME_COMMENCED if inputs.has_commenced else None,
    )
    exp = exposure_sheet(styles, layout, ctx, _page("Exposure", inputs, as_of))
    comparison = []
    for name in COMPARED_SCHEDULES:
        other = agg if name == schedule else aggregate(incidents, name, as_of, commenced)
        lo, hi, ag = other.grand_total()
        note = "the schedule chosen on Settings" if name == schedule else ""
        if name == "current-tiered":
            note = (note + "; " if note else "") + "tier A-C caps are estimates (no HHS table)"
        comparison.append((name, lo, hi, ag, note))
    stamp = (
        f"Generated by hipaa-xl {__version__}; law data {law_data_version()}; schedule {schedule}; "
        f"as of {as_of.isoformat()}; {STAMP_TOKEN}"
    )
    found = price_workbook_scenarios(data, pkg, inputs, schedule, as_of, base=agg, commenced=commenced)
    report.invalid += found.problems()
    snap = snapshot(found, inputs, layout, schedule, as_of, C.INCIDENTS_SHEET)
    scenario_names: dict[tuple[str, str | None], str] = {}

    def scenarios(ws: SheetWriter, r: int) -> int:
        return scenario_section(ws, r, found.result, found.tables)

    def scenarios_hidden(ws: SheetWriter, r: int) -> None:
        scenario_names.update(hidden_block(ws, r, found.result, found.tables, snap))

    dl = deadlines_sheet(
        styles, _page("Deadlines", inputs, as_of), items,
        inputs.matter_table.columns if inputs.matter_table is not None else None,
        limitation_groups(agg), matter_invalid,
        commenced_name=C.NAME_COMMENCED if inputs.has_commenced else None,
    )
    dl.sheet.table_rids = ["rId1"]
    position = {id(item): i for i, item in enumerate(items)}
    summ = summary_sheet(
        styles, layout, ctx, _page("Summary", inputs, as_of), inputs.chosen, comparison, stamp,
        has_matter=bool(inputs.matter), key=display_key,
        upcoming=[dl.rows[position[id(item)]] for item in upcoming(items)],
        section=scenarios, section_stale=f"{NAME_STALE}=1", hidden=scenarios_hidden,
    )
    summ.sheet.drawing_rid = "rId2"
    summ.sheet.table_rids = ["rId1"]
    exp_xml = exp.to_xml()
    sum_xml = summ.sheet.to_xml()
    generated = [
        GeneratedSheet(C.SUMMARY_SHEET, sum_xml,
                       table=table_xml(0, C.SUMMARY_TABLE, summ.table_ref, summ.table_headers),
                       drawing=drawing_xml(summ.chart_anchor),
                       chart=chart_xml(summ.chart_categories, summ.chart_values, "Maximum exposure by calendar year")),
        GeneratedSheet(C.EXPOSURE_SHEET, exp_xml),
        GeneratedSheet(C.DEADLINES_SHEET, dl.sheet.to_xml(),
                       table=table_xml(0, C.DEADLINES_TABLE, dl.table_ref, dl.table_headers)),
    ]
    exp_last = max(EXPOSURE_HEADER_ROW + 1, ctx.exposure_last)
    names: dict[tuple[str, str | None], str] = {
        (C.NAME_AS_OF_USED, None): str(serial(as_of)),
        ("_xlnm.Print_Area", C.SUMMARY_SHEET): f"{C.SUMMARY_SHEET}!$A$1:{ref(summ.last_row, summ.last_col, True)}",
        ("_xlnm.Print_Area", C.EXPOSURE_SHEET):
            f"{C.EXPOSURE_SHEET}!$A$1:{ref(exp_last, LAST_VISIBLE_EXPOSURE_COL, True)}",
        ("_xlnm.Print_Titles", C.EXPOSURE_SHEET): f"{C.EXPOSURE_SHEET}!${EXPOSURE_HEADER_ROW}:${EXPOSURE_HEADER_ROW}",
        ("_xlnm.Print_Area", C.DEADLINES_SHEET):
            f"{C.DEADLINES_SHEET}!$A$1:{ref(dl.last_row, dl.last_col, True)}",
        ("_xlnm.Print_Titles", C.DEADLINES_SHEET):
            f"{C.DEADLINES_SHEET}!${DEADLINES_HEADER_ROW}:${DEADLINES_HEADER_ROW}",
    }
    if len(layout.groups) > SUMMARY_GROUPS_ON_FIRST_PAGE:  # the table runs over several pages
        names[("_xlnm.Print_Titles", C.SUMMARY_SHEET)] = (
            f"{C.SUMMARY_SHEET}!${SUMMARY_HEADER_ROW}:${SUMMARY_HEADER_ROW}"
        )
    names.update(scenario_names)
    splice(pkg, generated, styles.to_bytes() if styles.changed else None, names, C.SUMMARY_TABLE)
    del generated, exp, exp_xml, summ, sum_xml, layout, agg, inputs, incidents  # memory for the evaluator

    step("computing values")
    computed, problems = compute_values(
        pkg, as_of, lambda done, total: step("computing values", f" ({done:,} of {total:,} cells)",
                                             done / total if total else 1.0))
    report.warnings += [f"{problem.line()}: not evaluated; the value in the file is kept" for problem in problems]
    summary_part = next(s.part for s in sheets(computed) if s.name == C.SUMMARY_SHEET)
    old = original
    old_summary = next((s.part for s in sheets(old) if s.name == C.SUMMARY_SHEET), None)
    if old_summary is not None and old_summary in old:
        old[old_summary] = _STAMP_TIME.sub(STAMP_TOKEN, old[old_summary].decode("utf-8")).encode()
    if dict(old) == dict(computed):
        report.changed = False
        return None, report
    when = stamp_time or dt.datetime.now(dt.UTC).strftime("generated %Y-%m-%d %H:%M UTC")
    computed[summary_part] = computed[summary_part].replace(STAMP_TOKEN.encode(), when.encode())
    step("writing")
    return computed, report


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
    another program while this runs is never overwritten (see :func:`hipaa_xl.xlsxio.editing`).
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
