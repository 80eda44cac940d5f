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

from hipaa_xl import __version__, clock
from hipaa_xl.engine import aggregate
from hipaa_xl.errors import HipaaInputError
from hipaa_xl.law.loader import law_data_version
from hipaa_xl.law.schedules import check_schedule
from hipaa_xl.workbook import columns as C
from hipaa_xl.workbook.exposure import EXPOSURE_HEADER_ROW, LAST_VISIBLE_EXPOSURE_COL, Context, exposure_sheet
from hipaa_xl.workbook.inputs import IncidentRow, Inputs, LayoutError, read_inputs
from hipaa_xl.workbook.layout import build_layout, display_key
from hipaa_xl.workbook.package import sheets
from hipaa_xl.workbook.parts import chart_xml, drawing_xml, table_xml
from hipaa_xl.workbook.sheetxml import PageSetup, ref, serial
from hipaa_xl.workbook.splice import GeneratedSheet, foreign_objects, splice, styles_part
from hipaa_xl.workbook.styles import StyleBook
from hipaa_xl.workbook.summary import SUMMARY_HEADER_ROW, summary_sheet
from hipaa_xl.xlsxio import Package, WorkbookFileError, package_from_bytes, read_checked_bytes, write_package_atomic

STAMP_TOKEN = "@@HXL-GENERATED@@"
_STAMP_TIME = re.compile(r"generated \d{4}-\d\d-\d\d \d\d:\d\d UTC")
SUMMARY_GROUPS_ON_FIRST_PAGE = 30
COMPARED_SCHEDULES = ("regulation", "statute", "current", "current-tiered")
Progress = Callable[[str, float], None]
"""Called with the stage and the share of the work done so far (0.0 to 1.0)."""
_STAGES = {"reading the workbook": 0.0, "pricing": 0.05, "laying out Exposure and Summary": 0.12,
           "computing values": 0.2, "writing": 0.97}


class RefreshError(ValueError):
    """A workbook refresh cannot lay out; the message is one line for the user."""


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
    changed: bool = True
    evaluator: str = ""

    def lines(self) -> list[str]:
        """The report as lines of text."""
        out = [
            f"as-of date used: {self.as_of.isoformat()} (from {self.as_of_source}); schedule: {self.schedule}",
            f"{self.incidents} incident(s), {self.exposure_rows} Exposure row(s), {self.groups} group(s)",
        ]
        out += [f"invalid: {text}" for text in self.invalid]
        out += [f"warning: {text}" for text in self.warnings]
        if not self.changed:
            out.append("up to date: nothing written")
        return out


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


def _mark_duplicate_ids(rows: list[IncidentRow]) -> None:
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


def _quoted(sheet: str) -> str:
    if sheet.replace("_", "").isalnum() and not sheet[0].isdigit():
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


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
    foreign = foreign_objects(pkg, (C.SUMMARY_SHEET, C.EXPOSURE_SHEET), {C.SUMMARY_SHEET: C.SUMMARY_TABLE})
    if foreign:
        raise RefreshError(
            f"refresh rebuilds the Exposure and Summary sheets and would delete what a user put there "
            f"({'; '.join(foreign)}); move it to another sheet, then run Refresh again"
        )
    try:
        inputs = read_inputs(data, pkg)
    except LayoutError as exc:
        raise RefreshError(str(exc)) from None
    try:
        schedule = check_schedule(inputs.schedule)
    except HipaaInputError as exc:
        raise RefreshError(f"Settings: {exc.message}") from None
    as_of, source, warnings = resolve_as_of(inputs, cli_as_of)
    _mark_duplicate_ids(inputs.rows)
    incidents = [ir.incident for ir in inputs.rows if ir.incident is not None]
    step("pricing", f" {len(incidents):,} incident(s)")
    agg = aggregate(incidents, schedule, as_of)
    first = EXPOSURE_HEADER_ROW + 1
    layout = build_layout(inputs.rows, agg, first)
    report = RefreshReport(as_of, source, schedule, incidents=len(inputs.rows),
                           exposure_rows=len(layout.lines), groups=len(layout.groups))
    report.warnings = warnings + list(agg.warnings)
    for ln in layout.lines:
        if ln.kind == "invalid" and ln.first_of_incident:
            report.invalid.append(f"{C.INCIDENTS_SHEET}!row {ln.incident.row}: {ln.incident.reason}")
    for er in agg.rows:
        for w in er.warnings:
            text = f"{er.incident_id}: {w}"
            if text not in report.warnings:
                report.warnings.append(text)

    step("laying out Exposure and Summary")
    styles = StyleBook(pkg[styles_part(pkg)])
    id_col = inputs.columns["id"]
    last_inc = max([ir.row for ir in inputs.rows] + [inputs.header_row + 1])
    id_last = max(inputs.header_row + 5000, last_inc * 2)
    inc_sheet = _quoted(C.INCIDENTS_SHEET)
    ctx = Context(
        incidents_sheet=inc_sheet,
        incident_cols=inputs.columns,
        incident_header_row=inputs.header_row,
        id_range=f"{inc_sheet}!{ref(inputs.header_row + 1, id_col, True)}:{ref(id_last, id_col, True)}",
        exposure_first=first,
        exposure_last=max(first, first + len(layout.lines) - 1),
    )
    exp = exposure_sheet(styles, layout, ctx, _page("Exposure", inputs, as_of))
    comparison = []
    for name in COMPARED_SCHEDULES:
        other = agg if name == schedule else aggregate(incidents, name, as_of)
        lo, hi, ag = other.grand_total()
        note = "the schedule chosen on Settings" if name == schedule else ""
        if name == "current-tiered":
            note = (note + "; " if note else "") + "tier A-C caps are estimates (no HHS table)"
        comparison.append((name, lo, hi, ag, note))
    stamp = (
        f"Generated by hipaa-xl {__version__}; law data {law_data_version()}; schedule {schedule}; "
        f"as of {as_of.isoformat()}; {STAMP_TOKEN}"
    )
    summ = summary_sheet(
        styles, layout, ctx, _page("Summary", inputs, as_of), inputs.chosen, comparison, stamp,
        has_matter=bool(inputs.matter), key=display_key,
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
    ]
    exp_last = max(EXPOSURE_HEADER_ROW + 1, ctx.exposure_last)
    names: dict[tuple[str, str | None], str] = {
        (C.NAME_AS_OF_USED, None): str(serial(as_of)),
        ("_xlnm.Print_Area", C.SUMMARY_SHEET): f"{C.SUMMARY_SHEET}!$A$1:{ref(summ.last_row, summ.last_col, True)}",
        ("_xlnm.Print_Area", C.EXPOSURE_SHEET):
            f"{C.EXPOSURE_SHEET}!$A$1:{ref(exp_last, LAST_VISIBLE_EXPOSURE_COL, True)}",
        ("_xlnm.Print_Titles", C.EXPOSURE_SHEET): f"{C.EXPOSURE_SHEET}!${EXPOSURE_HEADER_ROW}:${EXPOSURE_HEADER_ROW}",
    }
    if len(layout.groups) > SUMMARY_GROUPS_ON_FIRST_PAGE:  # the table runs over several pages
        names[("_xlnm.Print_Titles", C.SUMMARY_SHEET)] = (
            f"{C.SUMMARY_SHEET}!${SUMMARY_HEADER_ROW}:${SUMMARY_HEADER_ROW}"
        )
    splice(pkg, generated, styles.to_bytes() if styles.changed else None, names, C.SUMMARY_TABLE)

    step("computing values")
    computed, evaluator = compute_values(
        pkg, as_of, lambda done, total: step("computing values", f" ({done:,} of {total:,} cells)",
                                             done / total if total else 1.0))
    report.evaluator = evaluator
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
) -> tuple[Package, str]:
    """Formulas' cached values written into the sheet XML by the headless evaluator (one code path)."""
    from hipaa_xl.recalc import recalc_package

    with clock.override_today(as_of):
        computed, _ = recalc_package(pkg, as_of=as_of, progress=progress)
    return computed, "hipaa_xl.recalc"


def refresh_file(
    path: Path,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    backup: bool = True,
) -> RefreshReport:
    """``hipaa-xl refresh PATH``: refresh in place, atomically, keeping ``PATH.bak``."""
    data = read_checked_bytes(path, for_writing=True)
    try:
        refreshed, report = refresh_package(data, as_of, progress=progress)
    except WorkbookFileError as exc:
        text = exc.message if exc.message.startswith(path.name) else f"{path.name}: {exc.message}"
        raise WorkbookFileError(text) from None
    except RefreshError as exc:
        raise WorkbookFileError(f"{path.name}: {exc}") from None
    except Exception as exc:  # no traceback for a workbook we cannot read (decisions 17); file untouched
        raise WorkbookFileError(f"{path.name}: cannot be refreshed ({type(exc).__name__}: {exc})") from None
    if refreshed is not None:
        write_package_atomic(path, refreshed, backup=backup)
    return report
