"""The one path from the values of Incidents and Settings to the cells of Exposure and Summary.

Every refresh goes through :func:`plan_refresh`: ``hipaa-xl refresh`` and ``new`` (which then write
the cells as sheet XML into the package and compute their values), and the refresh of an open
workbook through Excel's object model (the Windows Refresh button and the xlwings Lite script
"Refresh exposure", :mod:`hipaa_xl.workbook.objectmodel`). It prices the incidents with the engine,
which decides the layout (decisions 8), and states every cell: formulas, values and styles. Nothing
here reads or writes a file, so it also runs inside xlwings Lite (Pyodide).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from hipaa_xl import __version__, clock
from hipaa_xl.engine import Aggregation, aggregate
from hipaa_xl.engine.incidents import Incident, group_key, id_key
from hipaa_xl.engine.matter_deadlines import limitation_groups, matter_deadlines, upcoming
from hipaa_xl.errors import HipaaInputError, WorkbookError, shown
from hipaa_xl.law.loader import law_data_version, load_rules
from hipaa_xl.law.schedules import CURRENT, CURRENT_TIERED, REGULATION, STATUTE, check_schedule, schedules
from hipaa_xl.ooxml.a1 import quote_sheet
from hipaa_xl.workbook import columns
from hipaa_xl.workbook.inputs import IncidentRow, Inputs
from hipaa_xl.workbook.layout import Layout, build_layout
from hipaa_xl.workbook.print_header import FOOTER, page_header
from hipaa_xl.workbook.sheets.deadlines import DeadlinesResult, deadlines_sheet
from hipaa_xl.workbook.sheets.exposure import EXPOSURE_HEADER_ROW, Context, exposure_sheet
from hipaa_xl.workbook.sheets.scenarios.pricing import price_scenarios, snapshot
from hipaa_xl.workbook.sheets.scenarios.summary import NAME_STALE, hidden_block, scenario_section
from hipaa_xl.workbook.sheets.scenarios.tables import ScenarioTables
from hipaa_xl.workbook.sheets.summary import STAMP_PREFIX, SummaryResult, summary_sheet
from hipaa_xl.workbook.sheetxml import PageSetup, SheetWriter, StyleSink, ref
from hipaa_xl.workbook.warning_words import incident_warning

STAMP_TOKEN = "@@HXL-GENERATED@@"
COMPARED_SCHEDULES = (REGULATION, STATUTE, CURRENT, CURRENT_TIERED)


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
    not_current: str | None = None
    """Why the refreshed Summary is not current by the one check (workbook.verify), or None."""

    def lines(self) -> list[str]:
        """The report as lines of text."""
        out = [
            f"as-of date used: {self.as_of.isoformat()} (from {self.as_of_source}); schedule: {self.schedule}",
            f"{self.incidents} incident(s), {self.exposure_rows} Exposure row(s), {self.groups} group(s), "
            f"{self.deadlines} deadline(s)",
        ]
        out += [f"invalid: {text}" for text in self.invalid]
        out += [f"warning: {text}" for text in self.warnings]
        if self.not_current:
            out.append(f"not current: {self.not_current}")
        elif not self.changed:
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


def overlap_notes(agg: Aggregation) -> dict[int, str]:
    """Incidents row -> the Exposure note of an incident whose days are also counted under another
    incident of the same requirement (decisions 39): the figures are as entered, the reading named."""
    cite = load_rules().overlapping_days.citation.split(":")[0]
    out: dict[int, str] = {}
    for r in agg.rows:
        row = r.facts.incident.row
        if row is None or row in out:
            continue
        for w in r.warnings:
            if "also counted under incident" in w:
                out[row] = w.split(": ", 1)[0] + f" (counted twice; one violation a day on {cite})"
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


def price(inputs: Inputs, schedule: str, as_of: dt.date, commenced: dt.date | None) -> Aggregation:
    """The engine's aggregation of the readable Incidents rows with every input the Summary rests on:
    schedule, assessment date, "Action commenced on" (160.414, 160.420(a)) and the general forms."""
    return aggregate([ir.incident for ir in inputs.rows if ir.incident is not None], schedule, as_of, commenced,
                     inputs.general_forms)


ComparedTotal = tuple[str, int, int, float | int, str]
"""One line of the Summary's schedule comparison: schedule, minimum, maximum, AG damages, note."""


def schedule_comparison(
    agg: Aggregation, incidents: list[Incident], commenced: dt.date | None, general_forms: dict[str, str]
) -> list[ComparedTotal]:
    """The grand totals of the same incidents under each compared schedule (decisions 22)."""
    out: list[ComparedTotal] = []
    for name in COMPARED_SCHEDULES:
        other = agg if name == agg.schedule else aggregate(incidents, name, agg.as_of, commenced, general_forms)
        lo, hi, ag = other.grand_total()
        note = "the schedule chosen on Settings" if name == agg.schedule else ""
        if schedules()[name].is_estimate:
            note = (note + "; " if note else "") + "tier A-C caps are estimates (no HHS table)"
        out.append((name, lo, hi, ag, note))
    return out


def mark_duplicate_ids(rows: list[IncidentRow]) -> None:
    """A second row with an ID already used is invalid (its reason names the first row)."""
    seen: dict[str, int] = {}
    for ir in rows:
        if ir.incident is None:
            continue
        key = id_key(ir.incident.id)
        if key in seen:
            ir.reason = f"ID {shown(ir.incident.id)} is already used on row {seen[key]}"
            ir.incident = None
        else:
            seen[key] = ir.row


def _page(title: str, inputs: Inputs, as_of: dt.date) -> PageSetup:
    """Decisions 24: legend, matter, as-of date and page X of Y on every printed page (one definition,
    :mod:`hipaa_xl.workbook.print_header`)."""
    header = page_header(inputs.matter.get("matter_name", ""), as_of, title)
    return PageSetup(landscape=True, fit_width=True, header=header, footer=FOOTER)


@dataclass
class RefreshPlan:
    """Everything a refresh writes: the two sheets' cells, and what the report and the names need."""

    report: RefreshReport
    layout: Layout
    ctx: Context
    aggregation: Aggregation
    exposure: SheetWriter
    summary: SummaryResult
    deadlines: DeadlinesResult
    scenario_names: dict[tuple[str, str | None], str]
    """Defined names the scenario section needs (the rows of its problems)."""
    comparison: list[ComparedTotal] = field(default_factory=list)
    """The grand totals under each compared schedule, as the Summary shows them."""


def plan_refresh(
    inputs: Inputs, styles: StyleSink, cli_as_of: dt.date | None = None, scenario_tables: ScenarioTables | None = None
) -> RefreshPlan:
    """The cells of Exposure, Summary and Deadlines for these inputs and the Scenarios sheet's tables
    (:class:`WorkbookError` when Settings is wrong).

    The Summary's audit stamp ends with :data:`STAMP_TOKEN`, which the writer replaces by the time.
    """
    try:
        schedule = check_schedule(inputs.schedule)
    except HipaaInputError as exc:
        raise WorkbookError(f"Settings: {exc.message}") from None
    as_of, source, warnings = resolve_as_of(inputs, cli_as_of)
    commenced = commenced_date(inputs, as_of, warnings)
    mark_duplicate_ids(inputs.rows)
    incidents = [ir.incident for ir in inputs.rows if ir.incident is not None]
    agg = price(inputs, schedule, as_of, commenced)
    first = EXPOSURE_HEADER_ROW + 1
    layout = build_layout(inputs.rows, agg, first)
    report = RefreshReport(as_of, source, schedule, incidents=len(inputs.rows),
                           exposure_rows=len(layout.lines), groups=len(layout.groups))
    report.warnings = warnings + inputs.warnings + list(agg.warnings)
    for ln in layout.lines:
        if ln.kind == "invalid" and ln.first_of_incident:
            report.invalid.append(f"{columns.INCIDENTS_SHEET}!row {ln.incident.row}: {ln.incident.reason}")
    by_id = {ir.incident.id: ir.incident for ir in inputs.rows if ir.incident is not None}
    for er in agg.rows:
        for w in er.warnings:
            inc = by_id.get(er.incident_id)
            text = incident_warning(inc, w) if inc is not None else f"{er.incident_id}: {w}"
            if text not in report.warnings:
                report.warnings.append(text)

    matter_rows = inputs.matter_table.rows if inputs.matter_table is not None else []
    items = matter_deadlines(mr.event for mr in matter_rows if mr.event is not None)
    matter_invalid = [f"row {mr.row}: {mr.reason}" for mr in matter_rows if mr.event is None]
    report.invalid += [f"{columns.MATTER_SHEET}!{text}" for text in matter_invalid]
    if inputs.factors is not None:
        report.invalid += inputs.factors.problems(ir.raw_id for ir in inputs.rows if ir.raw_id)
    report.deadlines = len(items)

    id_col = inputs.columns["id"]
    last_inc = max([ir.row for ir in inputs.rows] + [inputs.header_row + 1])
    id_last = max(inputs.header_row + 5000, last_inc * 2)
    inc_sheet = quote_sheet(columns.INCIDENTS_SHEET)
    ctx = Context(
        incidents_sheet=inc_sheet,
        incident_cols=inputs.columns,
        id_range=f"{inc_sheet}!{ref(inputs.header_row + 1, id_col, True)}:{ref(id_last, id_col, True)}",
        exposure_first=first,
        exposure_last=max(first, first + len(layout.lines) - 1),
        commenced_name=columns.NAME_COMMENCED if inputs.has_commenced else None,
        row_notes=overlap_notes(agg),
    )
    exp = exposure_sheet(styles, layout, ctx, _page("Exposure", inputs, as_of))
    comparison = schedule_comparison(agg, incidents, commenced, inputs.general_forms)
    stamp = (
        f"{STAMP_PREFIX} {__version__}; law data {law_data_version()}; schedule {schedule}; "
        f"as of {as_of.isoformat()}; {STAMP_TOKEN}"
    )
    found = price_scenarios(scenario_tables, inputs, schedule, as_of, base=agg, commenced=commenced)
    report.invalid += found.problems()
    snap = snapshot(found, inputs, layout, schedule, as_of, columns.INCIDENTS_SHEET)
    scenario_names: dict[tuple[str, str | None], str] = {}

    def scenarios(ws: SheetWriter, r: int) -> int:
        return scenario_section(ws, r, found.result, found.tables)

    def scenarios_hidden(ws: SheetWriter, r: int) -> None:
        scenario_names.update(hidden_block(ws, r, found.result, found.tables, snap))

    dl = deadlines_sheet(
        styles, _page("Deadlines", inputs, as_of), items,
        inputs.matter_table.columns if inputs.matter_table is not None else None,
        limitation_groups(agg), matter_invalid,
        commenced_name=columns.NAME_COMMENCED if inputs.has_commenced else None,
    )
    position = {id(item): i for i, item in enumerate(items)}
    summ = summary_sheet(
        styles, layout, ctx, _page("Summary", inputs, as_of), inputs.chosen, comparison, stamp,
        has_matter=bool(inputs.matter), key=group_key,
        upcoming=[dl.rows[position[id(item)]] for item in upcoming(items, as_of=as_of)],
        section=scenarios, section_stale=f"{NAME_STALE}=1", hidden=scenarios_hidden,
    )
    return RefreshPlan(report, layout, ctx, agg, exp, summ, dl, scenario_names, comparison)
