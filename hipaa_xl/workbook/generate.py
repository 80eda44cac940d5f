"""The Exposure and Summary sheets as formulas: every figure calls the Excel functions on Incidents.

Exposure: one row per incident x calendar year x regime segment (decisions 8), each figure a formula
(VIOLATION_DAYS, CMP_TIER, CURED, CMP_MIN, CMP_MAX, ANNUAL_CAP, AG_DAMAGES, TIME_BARRED) on the
Incidents row with the ``Schedule`` and ``AsOf`` names, a Check column (decisions 13) and a layout
flag (decisions 23). Summary: the ExposureByYear table capped per (tier, regime) part and by the
largest cap (decisions 8), AG damages capped once per group (decisions 10), every figure ``#N/A``
while a row of its group has a Check; entity and grand totals, a requirement x year matrix, a chart,
a schedule comparison (decisions 22), notes and an audit stamp (decisions 24).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from hipaa_xl.law.loader import load_rules
from hipaa_xl.workbook import columns as C
from hipaa_xl.workbook import styles as S
from hipaa_xl.workbook.layout import ExposureLine, Layout, SummaryGroup
from hipaa_xl.workbook.sheetxml import Formula, PageSetup, SheetWriter, ref, xml_attr
from hipaa_xl.workbook.styles import Dxf, Style, StyleBook

EXPOSURE_HEADER_ROW = 4
SUMMARY_HEADER_ROW = 7
SUMMARY_ROWS_BEFORE_CHART = 18
"""A matrix longer than this pushes the chart onto a page of its own."""
OUT_OF_DATE = "Layout out of date - run Refresh"
UP_TO_DATE = "Layout matches the Incidents sheet"

_TITLE = Style(bold=True, size=16, color=S.NAVY, valign=None)
_SUBTITLE = Style(italic=True, size=9, color="FF595959", valign=None)
_HEADER = Style(bold=True, color=S.WHITE, fill=S.NAVY, halign="center", valign="center", wrap=True, border=True)
_TEXT = Style(border=True)
_TEXT_WRAP = Style(border=True, wrap=True, size=9)
_INT = Style(num_fmt=S.INTEGER, border=True)
_MONEY = Style(num_fmt=S.CURRENCY, border=True)
_DATE = Style(num_fmt=S.DATE, border=True, halign="center")
_CENTER = Style(border=True, halign="center")
_CHECK = Style(border=True, wrap=True, size=9, color=S.RED_TEXT)
_LABEL = Style(bold=True, valign=None)
_VALUE = Style(valign=None, halign="left")
_VALUE_DATE = Style(num_fmt=S.DATE, valign=None, halign="left")
_TOTAL_TEXT = Style(bold=True, border=True, fill=S.GREY_FILL)
_TOTAL_INT = Style(num_fmt=S.INTEGER, bold=True, border=True, fill=S.GREY_FILL)
_TOTAL_MONEY = Style(num_fmt=S.CURRENCY, bold=True, border=True, fill=S.GREY_FILL)
_GRAND_TEXT = Style(bold=True, border=True, fill=S.BAND_FILL)
_GRAND_INT = Style(num_fmt=S.INTEGER, bold=True, border=True, fill=S.BAND_FILL)
_GRAND_MONEY = Style(num_fmt=S.CURRENCY, bold=True, border=True, fill=S.BAND_FILL)
_CHOSEN = Style(num_fmt=S.CURRENCY, border=True, fill=S.INPUT_FILL, locked=False)
_SECTION = Style(bold=True, size=12, color=S.NAVY, valign=None)
_NOTE = Style(size=9, wrap=True, valign="top")
_STAMP = Style(size=8, italic=True, color="FF7F7F7F", valign=None)
_STATUS = Style(bold=True, valign=None)
_RED = Dxf(color=S.RED_TEXT, fill=S.RED_FILL, bold=True)
_GREEN = Dxf(color=S.GREEN_TEXT, fill=S.GREEN_FILL)


@dataclass(frozen=True)
class XCol:
    """An Exposure column: header, width, style, hidden."""

    key: str
    header: str
    width: float
    style: Style
    hidden: bool = False


EXPOSURE_COLUMNS: tuple[XCol, ...] = (
    XCol("row", "Inc. row", 5, _CENTER),
    XCol("id", "ID", 8, _TEXT_WRAP),
    XCol("entity", "Entity", 16, _TEXT_WRAP),
    XCol("requirement", "Requirement", 13, _TEXT_WRAP),
    XCol("year", "Year", 5, _CENTER),
    XCol("regime", "Regime (at refresh)", 9, _TEXT_WRAP),
    XCol("kind", "Kind", 9, _TEXT_WRAP),
    XCol("from", "From", 10, _DATE),
    XCol("to", "To", 10, _DATE),
    XCol("eff_end", "Effective end", 10, _DATE),
    XCol("eff_why", "Why this end", 14, _TEXT_WRAP),
    XCol("tier", "Tier", 4, _CENTER),
    XCol("status", "Status", 8, _TEXT_WRAP),
    XCol("in_time", "Violations in time", 9.5, _INT),
    XCol("barred", "Time-barred violations", 9.5, _INT),
    XCol("minimum", "Statutory minimum (if a CMP is imposed)", 11, _MONEY),
    XCol("maximum", "Maximum", 11, _MONEY),
    XCol("barred_max", "Time-barred maximum", 11, _MONEY),
    XCol("cap", "Calendar-year cap", 11, _MONEY),
    XCol("ag_eligible", "AG-eligible violations", 9.5, _INT),
    XCol("ag_deferred", "AG deferred violations", 9.5, _INT),
    XCol("note", "Note", 22, _TEXT_WRAP),
    XCol("check", "Check", 20, _CHECK),
    # hidden: what Summary adds up, and what the layout was built from (values written at refresh)
    XCol("counted", "Counted violations", 8, _INT, hidden=True),
    XCol("counted_barred", "Counted time-barred", 8, _INT, hidden=True),
    XCol("problem", "Problem", 7, _INT, hidden=True),
    XCol("group", "Group", 7, _INT, hidden=True),
    XCol("part", "Part", 6, _INT, hidden=True),
    XCol("part_rep", "First row of part", 6, _INT, hidden=True),
    XCol("rep_row", "Row of part's first row", 8, _INT, hidden=True),
    XCol("stale", "Layout changed", 7, _INT, hidden=True),
    XCol("inc_days", "Incident violations (all years)", 10, _INT, hidden=True),
    XCol("seg_lo", "Segment from (at refresh)", 10, _DATE, hidden=True),
    XCol("seg_hi", "Segment to (at refresh)", 10, _DATE, hidden=True),
    XCol("exp_tier", "Tier (at refresh)", 6, _TEXT, hidden=True),
    XCol("exp_entity", "Entity (at refresh)", 16, _TEXT, hidden=True),
    XCol("exp_requirement", "Requirement (at refresh)", 13, _TEXT, hidden=True),
    # hidden: the Incidents cells of this row, read by row number so that every row's formulas are
    # copies of each other (one shape: fast to recalculate, easy to audit)
    XCol("f_culpability", "Culpability (Incidents)", 12, _TEXT, hidden=True),
    XCol("f_tier", "Tier (Incidents)", 6, _TEXT, hidden=True),
    XCol("f_start", "Start (Incidents)", 10, _DATE, hidden=True),
    XCol("f_end", "End (Incidents)", 10, _DATE, hidden=True),
    XCol("f_violations", "Violations (Incidents)", 8, _INT, hidden=True),
    XCol("f_known", "Known (Incidents)", 10, _DATE, hidden=True),
    XCol("f_corrected", "Corrected (Incidents)", 10, _DATE, hidden=True),
    XCol("f_duplicate_of", "Duplicate of (Incidents)", 8, _TEXT, hidden=True),
    XCol("f_federal_action_pending", "Federal action pending (Incidents)", 8, _TEXT, hidden=True),
    XCol("f_criminal_penalty_imposed", "Criminal penalty imposed (Incidents)", 8, _TEXT, hidden=True),
)
XC = {c.key: i for i, c in enumerate(EXPOSURE_COLUMNS, start=1)}
LAST_VISIBLE_EXPOSURE_COL = XC["check"]
_SHOWN_FIELDS = ("id", "entity", "requirement")
_HELPER_FIELDS = tuple(c.key[2:] for c in EXPOSURE_COLUMNS if c.key.startswith("f_"))
EXPOSURE_ROW_HEIGHT = 24
"""Two lines of 9 pt text: the wrapped columns are sized so that their texts fit in two lines."""

SUMMARY_COLUMNS: tuple[tuple[str, str, float, Style], ...] = (
    ("entity", "Entity", 30, _TEXT),
    ("requirement", "Requirement", 19, _TEXT),
    ("year", "Year", 7, _CENTER),
    ("violations", "Violations", 11, _INT),
    ("barred", "Time-barred violations", 11, _INT),
    ("minimum", "Statutory minimum (if a CMP is imposed)", 15, _MONEY),
    ("maximum", "Maximum", 15, _MONEY),
    ("barred_max", "Time-barred maximum", 14, _MONEY),
    ("ag", "AG damages (maximum)", 13, _MONEY),
    ("ag_deferred", "AG deferred violations", 11, _INT),
    ("checks", "Rows to check", 8, _INT),
    ("chosen", "Chosen", 15, _CHOSEN),
    ("chosen_check", "Chosen check", 16, _TEXT),
    ("group", "Group no.", 7, _CENTER),
)
SC = {key: i for i, (key, *_rest) in enumerate(SUMMARY_COLUMNS, start=1)}


@dataclass
class Context:
    """What every formula needs to know about the workbook around it."""

    incidents_sheet: str
    incident_cols: dict[str, int]
    incident_header_row: int
    id_range: str
    exposure_first: int
    exposure_last: int
    schedule_name: str = C.NAME_SCHEDULE
    as_of_name: str = C.NAME_AS_OF


def _quote(sheet: str) -> str:
    if sheet.replace("_", "").isalnum() and not sheet[0].isdigit():
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def _date(day: dt.date) -> str:
    return f"DATE({day.year},{day.month},{day.day})"


def _incident_cell(ctx: Context, field: str, r: int) -> str | None:
    """This Exposure row's cell of ``field`` on Incidents, found by the row number in column A."""
    col = ctx.incident_cols.get(field)
    if col is None:
        return None
    letter = ref(1, col)[:-1]
    at = f"INDEX({ctx.incidents_sheet}!${letter}:${letter},$A{r})"
    return f'IF({at}="","",{at})'


def _exposure_row(ws: SheetWriter, line: ExposureLine, ctx: Context) -> None:
    r = line.sheet_row
    ir = line.incident.row

    def X(key: str) -> str:
        return ref(r, XC[key])

    def I(field: str) -> str:  # noqa: E743 - this incident's value of ``field`` (a cell on this row)
        return X(field if field in _SHOWN_FIELDS else "f_" + field)

    def put(key: str, value: object) -> None:
        col = EXPOSURE_COLUMNS[XC[key] - 1]
        ws.set(r, XC[key], value, col.style)  # type: ignore[arg-type]

    put("row", ir)
    for field in _SHOWN_FIELDS + _HELPER_FIELDS:
        source = _incident_cell(ctx, field, r)
        put(field if field in _SHOWN_FIELDS else "f_" + field, Formula(source) if source else None)
    if line.kind == "invalid":
        for key in ("year", "regime", "from", "to", "eff_end", "eff_why", "tier", "status",
                    "in_time", "barred", "counted", "counted_barred", "minimum", "maximum", "barred_max",
                    "cap", "ag_eligible", "ag_deferred", "note", "part", "part_rep", "rep_row", "stale",
                    "inc_days", "seg_lo", "seg_hi", "exp_tier", "exp_entity", "exp_requirement"):
            put(key, None)
        put("kind", "not priced")
        put("check", f"Incidents row {ir}: {line.incident.reason}")
        put("problem", 1)
        put("group", line.group)
        ws.row_heights[r] = EXPOSURE_ROW_HEIGHT if len(line.incident.reason) < 30 else 36
        return
    sched, asof = ctx.schedule_name, ctx.as_of_name
    assert line.seg_lo is not None and line.seg_hi is not None and line.year is not None
    put("year", line.year)
    put("regime", line.regime)
    put("kind", line.kind)
    put("seg_lo", line.seg_lo)
    put("seg_hi", line.seg_hi)
    eff_end = (
        f'MIN(IF({I("end")}<>"",{I("end")},IF({I("corrected")}<>"",{I("corrected")},{asof})),{asof})'
    )
    if line.kind == "continuing":
        put("from", Formula(f"MAX({I('start')},{X('seg_lo')})"))
        put("to", Formula(f"MIN({X('eff_end')},{X('seg_hi')})"))
        put("eff_end", Formula(eff_end))
        put("eff_why", Formula(
            f'IF({I("end")}<>"",IF({I("end")}>{asof},"cut at the as-of date","End as given"),'
            f'IF({I("corrected")}<>"",IF({I("corrected")}>{asof},"cut at the as-of date",'
            f'"no End: the Corrected day"),"no End or Corrected: the as-of date"))'
        ))
        put("in_time", Formula(f'IF({X("to")}<{X("from")},0,VIOLATION_DAYS({X("from")},{X("to")},"",{asof}))'))
        put("barred", Formula(
            f'IF({X("to")}<{X("from")},0,VIOLATION_DAYS({X("from")},{X("to")})-{X("in_time")})'
        ))
    else:
        put("from", Formula(I("start")))
        put("to", Formula(X("from")))
        put("eff_end", None)
        put("eff_why", "Violations given: dated Start")
        put("in_time", Formula(f"IF(TIME_BARRED({X('from')},{asof}),0,{I('violations')})"))
        put("barred", Formula(f"IF(TIME_BARRED({X('from')},{asof}),{I('violations')},0)"))
    put("tier", Formula(
        f'CMP_TIER(IF({I("tier")}<>"",{I("tier")},{I("culpability")}),{I("known")},{I("corrected")})'
    ))
    crim = I("criminal_penalty_imposed")
    criminal = f'OR({crim}=TRUE,{crim}=1,{crim}="yes",{crim}="y")'
    tier, frm = X("tier"), X("from")
    put("status", Formula(
        f'IF({I("duplicate_of")}<>"","duplicate",IF({criminal},"criminal",'
        f'IF(CURED({tier},{I("known")},{I("corrected")}),"cured",'
        f'IF(CMP_MAX({tier},1,{frm},{sched},{asof})=0,"no penalty","counted"))))'
    ))
    counted = f'{X("status")}="counted"'
    put("counted", Formula(f"IF({counted},{X('in_time')},0)"))
    put("counted_barred", Formula(f"IF({counted},{X('barred')},0)"))
    put("minimum", Formula(f"IF({counted},CMP_MIN({tier},{X('in_time')},{frm},{sched},{asof}),0)"))
    put("maximum", Formula(f"IF({counted},CMP_MAX({tier},{X('in_time')},{frm},{sched},{asof}),0)"))
    put("barred_max", Formula(f"IF({counted},CMP_MAX({tier},{X('barred')},{frm},{sched},{asof}),0)"))
    put("cap", Formula(f"ANNUAL_CAP({tier},{frm},{sched},{asof})"))
    fed = I("federal_action_pending")
    put("ag_eligible", Formula(f'IF({counted},IF(AG_DAMAGES(1,"",{fed},{frm})>0,{X("in_time")},0),0)'))
    put("ag_deferred", Formula(
        f'IF({counted},IF(AND(AG_DAMAGES(1,"",FALSE,{frm})>0,AG_DAMAGES(1,"",{fed},{frm})=0),'
        f'{X("in_time")},0),0)'
    ))
    put("note", Formula(
        f'IF({X("status")}="duplicate","160.404(b)(3): counted under incident "&{I("duplicate_of")},'
        f'IF({X("status")}="criminal","criminal penalty imposed: no CMP or AG damages (1320d-5(b)(1))",'
        f'IF({X("status")}="cured","corrected within 30 days: no penalty (1320d-5(b)(2)(A))",'
        f'IF({X("status")}="no penalty","before 2009-02-18, did not know: no penalty (old 1320d-5(b)(2))",'
        f'IF({X("ag_deferred")}>0,"AG damages deferred: federal action pending (1320d-5(d)(7))",'
        f'IF({X("barred")}>0,"some days time-barred (six years, 1320a-7a(c)(1))",""))))))'
    ))
    put("group", line.group)
    put("part", line.part)
    put("part_rep", 1 if line.part_rep_row == r else 0)
    put("rep_row", line.part_rep_row)
    put("exp_tier", line.tier)
    put("exp_entity", " ".join(line.entity.split())[:200])
    put("exp_requirement", " ".join(line.requirement.split())[:200])
    cap_col = ref(1, XC["cap"])[:-1]
    stale_terms = [
        f"{tier}<>{X('exp_tier')}",
        f"{X('cap')}<>INDEX(${cap_col}:${cap_col},{X('rep_row')})",
        f"TRIM({X('entity')})<>{X('exp_entity')}",
        f"TRIM({X('requirement')})<>{X('exp_requirement')}",
    ]
    if line.first_of_incident:
        a, b = line.first_row_of_incident, line.last_row_of_incident
        put("inc_days", Formula(
            f'IF({I("violations")}<>"",{I("violations")},VIOLATION_DAYS({I("start")},{eff_end}))'
        ))
        stale_terms.insert(0, f"{X('inc_days')}<>SUM({ref(a, XC['in_time'])}:{ref(b, XC['barred'])})")
    else:
        put("inc_days", None)
    put("stale", Formula(f"IF(OR({','.join(stale_terms)}),1,0)"))
    checks: list[tuple[str, str]] = [
        ("from", "From"), ("to", "To"), ("tier", "Tier"), ("status", "Status"),
        ("in_time", "Violations"), ("barred", "Time-barred violations"), ("minimum", "Minimum"),
        ("maximum", "Maximum"), ("barred_max", "Time-barred maximum"), ("cap", "Cap"),
        ("ag_eligible", "AG"), ("ag_deferred", "AG"),
    ]
    if line.kind == "continuing":
        checks.insert(2, ("eff_end", "Effective end"))
    if line.first_of_incident:
        checks.append(("inc_days", "Violations"))
    tail = f'IF({X("stale")}=1,"{OUT_OF_DATE}","")'
    dup = I("duplicate_of")
    tail = (
        f'IF(AND({dup}<>"",COUNTIF({ctx.id_range},{dup})=0),"Duplicate of: no incident "&{dup},{tail})'
    )
    expr = tail
    for key, label in reversed(checks):
        x = X(key)
        expr = f'IF(ISERROR({x}),"{label}: error",IF(LEFT({x}&"",1)="#","{label}: "&{x},{expr}))'
    put("check", Formula(expr))
    put("problem", Formula(f'IF({X("check")}="",0,1)'))
    ws.row_heights[r] = EXPOSURE_ROW_HEIGHT


def exposure_sheet(
    styles: StyleBook, layout: Layout, ctx: Context, page: PageSetup
) -> SheetWriter:
    """The Exposure sheet: a row per incident x year x regime segment, formulas only."""
    ws = SheetWriter(styles, page=page, tab_color="FF7F7F7F")
    ws.set(1, 1, "Exposure: one row per incident, calendar year and regime", _TITLE)
    ws.set(2, 1, "Generated by Refresh from the Incidents sheet: edit Incidents, not this sheet. Every "
                 "figure is a live formula; a row with a Check makes its Summary group #N/A.", _SUBTITLE)
    ws.row_heights[1] = 24
    h = EXPOSURE_HEADER_ROW
    for i, col in enumerate(EXPOSURE_COLUMNS, start=1):
        ws.set(h, i, col.header, _HEADER)
        ws.width(i, col.width, col.hidden)
    ws.row_heights[h] = 58
    for line in layout.lines:
        _exposure_row(ws, line, ctx)
    last = max(ctx.exposure_last, h + 1)
    check = ref(h + 1, XC["check"])
    ws.cond(f"{ref(h + 1, XC['check'])}:{ref(last, XC['check'])}", f'LEN({check})>0', _RED)
    ws.freeze = (h + 1, XC["entity"])
    ws.autofilter = f"A{h}:{ref(last, LAST_VISIBLE_EXPOSURE_COL)}"
    return ws


def _rng(ctx: Context, key: str) -> str:
    col = XC[key]
    return f"{C.EXPOSURE_SHEET}!{ref(ctx.exposure_first, col, True)}:{ref(ctx.exposure_last, col, True)}"


def _capped(ctx: Context, g: SummaryGroup, key: str, grp: str) -> str:
    """Each (tier, regime) part capped by its own cap, the group by the largest (decisions 8).

    A part's cap is read from its first Exposure row (``part_rep`` = 1), so that every group with
    the same number of parts has the same formula, up to its row.
    """
    if not g.parts:  # the Summary row of an unpriced Incidents row: nothing priced (and #N/A anyway)
        return "0"
    if len(g.parts) == 1:
        cap = f"SUMIFS({_rng(ctx, 'cap')},{grp},{_rng(ctx, 'part_rep')},1)"
        return f"MIN(SUMIFS({_rng(ctx, key)},{grp}),{cap})"
    caps = [
        f"SUMIFS({_rng(ctx, 'cap')},{grp},{_rng(ctx, 'part')},{i},{_rng(ctx, 'part_rep')},1)"
        for i in range(1, len(g.parts) + 1)
    ]
    terms = "+".join(
        f"MIN(SUMIFS({_rng(ctx, key)},{grp},{_rng(ctx, 'part')},{i}),{cap})"
        for i, cap in enumerate(caps, start=1)
    )
    return f"MIN(MAX({','.join(caps)}),{terms})"


@dataclass
class SummaryResult:
    """The Summary sheet and where its parts are, for the table, the chart and the print area."""

    sheet: SheetWriter
    table_ref: str
    table_headers: list[str]
    chart_categories: str
    chart_values: str
    chart_anchor: tuple[int, int, int, int]
    last_row: int
    last_col: int


def summary_sheet(
    styles: StyleBook,
    layout: Layout,
    ctx: Context,
    page: PageSetup,
    chosen: dict[tuple[str, str, int], object],
    comparison: list[tuple[str, int, int, float | int, str]],
    stamp: str,
    has_matter: bool,
    key: Callable[[str], str],
) -> SummaryResult:
    """The Summary sheet (issue 5; decisions 8, 10, 13, 21-24)."""
    ws = SheetWriter(styles, page=page, tab_color="FF1F3864")
    ws.set(1, 1, "HIPAA civil money penalty exposure", _TITLE)
    ws.row_heights[1] = 24
    ws.set(2, 1, Formula(f'IF({C.NAME_MATTER}="","",{C.NAME_MATTER})') if has_matter else "", _LABEL)
    ws.set(3, 1, "Schedule:", _LABEL)
    ws.set(3, 2, Formula(ctx.schedule_name), _VALUE)
    ws.set(3, 3, "As of:", _LABEL)
    ws.set(3, 4, Formula(ctx.as_of_name), _VALUE_DATE)
    ws.set(3, 5, "Table:", _LABEL)
    ws.set(3, 6, Formula(f"SCHEDULE_SOURCE({ctx.schedule_name},{ctx.as_of_name})"), _VALUE)
    ws.merges.append("F3:M3")
    stale = (
        f"OR(SUM({_rng(ctx, 'stale')})>0,COUNTA({ctx.id_range})<>{layout.incidents_with_id})"
    )
    ws.set(4, 1, Formula(
        f'IF(ISERROR({stale}),"Some Exposure rows need checking (see the Check column)",'
        f'IF({stale},"{OUT_OF_DATE}","{UP_TO_DATE}"))'
    ), _STATUS)
    ws.merges.append("A4:F4")
    ws.cond("A4", f'$A$4="{OUT_OF_DATE}"', _RED)
    ws.cond("A4", f'$A$4="{UP_TO_DATE}"', _GREEN)
    invalid = [ln for ln in layout.lines if ln.kind == "invalid" and ln.first_of_incident]
    if invalid:
        text = f"{len(invalid)} Incidents row(s) could not be priced and are left out: " + "; ".join(
            f"row {ln.incident.row}: {ln.incident.reason}" for ln in invalid[:5]
        ) + ("; ..." if len(invalid) > 5 else "") + " (see the Check column on Exposure)."
        ws.set(5, 1, text, Style(color=S.RED_TEXT, bold=True, valign=None))
    h = SUMMARY_HEADER_ROW
    headers = [name for _, name, _, _ in SUMMARY_COLUMNS]
    for i, (_, name, width, _) in enumerate(SUMMARY_COLUMNS, start=1):
        ws.set(h, i, name, _HEADER)
        ws.width(i, width)
    ws.row_heights[h] = 45
    r = h
    for g in layout.groups:
        r += 1
        g.sheet_row = r
        _summary_row(ws, g, ctx, chosen.get((key(g.entity), key(g.requirement), g.year)))
    if not layout.groups:
        r += 1
        for i, (_, _, _, style) in enumerate(SUMMARY_COLUMNS, start=1):
            ws.set(r, i, None, style)
    table_ref = f"A{h}:{ref(r, len(SUMMARY_COLUMNS))}"
    r = _totals(ws, layout, r + 2, ctx)
    # Printing: the matrix and the chart start a new page, the comparison and the notes another one,
    # so that no page break cuts the chart (a very long matrix pushes the chart to a page of its own)
    ws.row_breaks.append(r + 1)
    matrix_top = r + 2
    r, cats, vals, years = _matrix(ws, layout, matrix_top)
    if r - matrix_top > SUMMARY_ROWS_BEFORE_CHART:
        ws.row_breaks.append(r + 1)
    chart_top = r + 2
    chart_rows = 16
    r = chart_top + chart_rows
    ws.row_breaks.append(r)
    r = _comparison(ws, comparison, r + 1)
    r = _notes(ws, r + 1)
    ws.set(r + 1, 1, stamp, _STAMP)
    last_row = r + 1
    last_col = max(len(SUMMARY_COLUMNS), 2 + years)
    for col in range(2, last_col + 1):
        current = ws.widths.get(col, (0.0, False))[0]
        if col <= 2 + years and current < 12.5:
            ws.width(col, 12.5)
        elif col > len(SUMMARY_COLUMNS):
            ws.width(col, 14)
    return SummaryResult(
        ws, table_ref, headers, cats, vals, (0, chart_top - 1, min(last_col, 9), chart_top - 1 + chart_rows),
        last_row, last_col,
    )


def _summary_row(ws: SheetWriter, g: SummaryGroup, ctx: Context, chosen: object) -> None:
    r = g.sheet_row
    grp = f"{_rng(ctx, 'group')},{ref(r, SC['group'])}"
    checks = ref(r, SC["checks"])

    def guarded(expr: str) -> Formula:
        return Formula(f"IF({checks}>0,NA(),{expr})")

    styles = {k: st for k, _, _, st in SUMMARY_COLUMNS}
    ws.set(r, SC["entity"], g.entity, styles["entity"])
    ws.set(r, SC["requirement"], g.requirement, styles["requirement"])
    ws.set(r, SC["year"], g.year, styles["year"])
    ws.set(r, SC["group"], g.number, styles["group"])
    ws.set(r, SC["checks"], Formula(f"SUMIFS({_rng(ctx, 'problem')},{grp})"), styles["checks"])
    ws.set(r, SC["violations"], guarded(f"SUMIFS({_rng(ctx, 'counted')},{grp})"), styles["violations"])
    ws.set(r, SC["barred"], guarded(f"SUMIFS({_rng(ctx, 'counted_barred')},{grp})"), styles["barred"])
    ws.set(r, SC["minimum"], guarded(_capped(ctx, g, "minimum", grp)), styles["minimum"])
    ws.set(r, SC["maximum"], guarded(_capped(ctx, g, "maximum", grp)), styles["maximum"])
    ws.set(r, SC["barred_max"], guarded(_capped(ctx, g, "barred_max", grp)), styles["barred_max"])
    ws.set(r, SC["ag"], guarded(f"AG_DAMAGES(SUMIFS({_rng(ctx, 'ag_eligible')},{grp}))"), styles["ag"])
    ws.set(r, SC["ag_deferred"], guarded(f"SUMIFS({_rng(ctx, 'ag_deferred')},{grp})"), styles["ag_deferred"])
    value = chosen if isinstance(chosen, int | float) and not isinstance(chosen, bool) else None
    ws.set(r, SC["chosen"], value, styles["chosen"])
    ch, lo, hi = ref(r, SC["chosen"]), ref(r, SC["minimum"]), ref(r, SC["maximum"])
    ws.set(r, SC["chosen_check"], Formula(
        f'IF({ch}="","",IF(OR(ISERROR({lo}),ISERROR({hi})),"",'
        f'IF(OR({ch}<{lo},{ch}>{hi}),"Outside [minimum, maximum]","Within range")))'
    ), styles["chosen_check"])
    ws.cond(ref(r, SC["chosen_check"]), f'{ref(r, SC["chosen_check"])}="Outside [minimum, maximum]"', _RED)


_TOTAL_KEYS = ("violations", "barred", "minimum", "maximum", "barred_max", "ag", "ag_deferred", "chosen")


def _totals(ws: SheetWriter, layout: Layout, r: int, ctx: Context) -> int:
    """Decisions 22: a total per entity and a grand total (#N/A while a group in it has a Check)."""
    orphans = f"{_rng(ctx, 'problem')},{_rng(ctx, 'group')}"
    ws.set(r, 1, "Totals", _SECTION)
    r += 1
    for i, (k, name, _, _) in enumerate(SUMMARY_COLUMNS, start=1):
        if k in ("entity",) or k in _TOTAL_KEYS:
            ws.set(r, i, "Entity" if k == "entity" else name, _HEADER)
    ws.row_heights[r] = 45
    blocks: list[tuple[str, int, int]] = []
    for g in layout.groups:
        if blocks and blocks[-1][0] == g.entity:
            blocks[-1] = (g.entity, blocks[-1][1], g.sheet_row)
        else:
            blocks.append((g.entity, g.sheet_row, g.sheet_row))
    entity_rows = []
    for entity, a, b in blocks:
        r += 1
        entity_rows.append(r)
        ws.set(r, 1, entity, _TOTAL_TEXT)
        for k in _TOTAL_KEYS:
            col = SC[k]
            style = _TOTAL_MONEY if k in ("minimum", "maximum", "barred_max", "ag", "chosen") else _TOTAL_INT
            ws.set(r, col, Formula(f"SUM({ref(a, col)}:{ref(b, col)})"), style)
    r += 1
    ws.set(r, 1, "Grand total", _GRAND_TEXT)
    for k in _TOTAL_KEYS:
        col = SC[k]
        style = _GRAND_MONEY if k in ("minimum", "maximum", "barred_max", "ag", "chosen") else _GRAND_INT
        expr = "+".join(ref(er, col) for er in entity_rows) if entity_rows else "0"
        # decisions 13: a row that is in no group (unpriced, entity or requirement unknown) still
        # makes the grand total #N/A
        ws.set(r, col, Formula(f"IF(SUMIFS({orphans},0)>0,NA(),{expr})"), style)
    return r


def _matrix(ws: SheetWriter, layout: Layout, r: int) -> tuple[int, str, str, int]:
    """Requirement rows x year columns of the Maximum, with totals (issue 5)."""
    ws.set(r, 1, "Maximum exposure by requirement and calendar year (all entities)", _SECTION)
    r += 1
    years = sorted({g.year for g in layout.groups})
    reqs: dict[str, str] = {}
    for g in layout.groups:
        reqs.setdefault(" ".join(g.requirement.split()).casefold(), g.requirement)
    header_row = r
    ws.set(r, 1, "Requirement", _HEADER)
    for j, year in enumerate(years, start=2):
        ws.set(r, j, year, _HEADER)
    total_col = 2 + len(years)
    ws.set(r, total_col, "Total", _HEADER)
    max_col = SC["maximum"]
    first_data = r + 1
    for req_key, req in sorted(reqs.items()):
        r += 1
        ws.set(r, 1, req, _TEXT)
        for j, year in enumerate(years, start=2):
            cells = [
                ref(g.sheet_row, max_col)
                for g in layout.groups
                if g.year == year and " ".join(g.requirement.split()).casefold() == req_key
            ]
            ws.set(r, j, Formula("+".join(cells)) if cells else None, _MONEY)
        ws.set(r, total_col, Formula(f"SUM({ref(r, 2)}:{ref(r, total_col - 1)})") if years else 0,
               _TOTAL_MONEY)
    last_data = r
    r += 1
    ws.set(r, 1, "Total", _GRAND_TEXT)
    for j in range(2, total_col + 1):
        ws.set(r, j, Formula(f"SUM({ref(first_data, j)}:{ref(last_data, j)})") if last_data >= first_data
               else 0, _GRAND_MONEY)
    cats = f"{C.SUMMARY_SHEET}!{ref(header_row, 2, True)}:{ref(header_row, max(2, total_col - 1), True)}"
    vals = f"{C.SUMMARY_SHEET}!{ref(r, 2, True)}:{ref(r, max(2, total_col - 1), True)}"
    return r, cats, vals, len(years)


def _comparison(ws: SheetWriter, comparison: list[tuple[str, int, int, float | int, str]], r: int) -> int:
    """Decisions 22: the grand total under each reading of the law, so the choice is visible."""
    ws.set(r, 1, "Maximum under each schedule (computed by hipaa-xl at refresh, not live)", _SECTION)
    r += 1
    for i, text in enumerate(("Schedule", "Statutory minimum (if a CMP is imposed)", "Maximum",
                              "AG damages (maximum)"), start=1):
        ws.set(r, i, text, _HEADER)
    ws.set(r, 5, "Note", _HEADER)
    ws.merges.append(f"E{r}:I{r}")
    ws.row_heights[r] = 30
    for name, lo, hi, ag, note in comparison:
        r += 1
        ws.set(r, 1, name, _TEXT)
        ws.set(r, 2, lo, _MONEY)
        ws.set(r, 3, hi, _MONEY)
        ws.set(r, 4, ag, _MONEY)
        ws.set(r, 5, note, _TEXT_WRAP)
        ws.merges.append(f"E{r}:I{r}")
    return r


def _notes_texts() -> tuple[str, ...]:
    """The notes printed under the Summary; the AG amounts come from the law data."""
    ag = load_rules().ag_damages
    return (
        "Caps: each (entity, identical requirement, calendar year) is capped by the calendar-year cap for "
        "identical violations (45 CFR 160.404(b)(2); 42 U.S.C. 1320d-5(a)(3)). Where one group mixes tiers or "
        "regimes (pre-2009, unadjusted, inflation-adjusted) under a schedule with different caps, each tier's "
        "sum is capped by its own cap and the group's total by the largest of them; a literal reading could "
        "allow the sum of the caps.",
        "Statutory minimum (if a CMP is imposed): OCR may resolve a tier A violation by corrective action and "
        "may waive a tier B penalty to the extent it would be excessive (1320d-5(b)(3)); willful neglect "
        "requires a penalty (1320d-5(c)). Chosen: the lawyer's point inside [minimum, maximum] (160.408 factors).",
        f"AG damages (maximum): State attorney general damages, at most ${ag.per_violation.value:,} a violation "
        f"and ${ag.cap.value:,} per group (1320d-5(d)(2)); the court may reduce them. Not for cured, criminal, "
        "duplicate, time-barred or pre-2009 violations; deferred while the federal action is pending (d)(7).",
        "Time-barred: a violation day is barred once the as-of date is past its sixth anniversary "
        "(42 U.S.C. 1320a-7a(c)(1); 45 CFR 160.414); barred days are shown apart and left out of the figures.",
        "#N/A: a row of this group has a Check on the Exposure sheet (decisions 13); fix the Incidents row "
        "and run Refresh. The figures are live formulas; the layout follows the Incidents at the last Refresh.",
    )


def _notes(ws: SheetWriter, r: int) -> int:
    ws.set(r, 1, "Notes", _SECTION)
    for note in _notes_texts():
        r += 1
        ws.set(r, 1, note, _NOTE)
        ws.merges.append(f"A{r}:M{r}")
        ws.row_heights[r] = 27
    return r


def table_xml(table_id: int, name: str, table_ref: str, headers: list[str]) -> bytes:
    """The ExposureByYear table part."""
    cols = "".join(
        f'<tableColumn id="{i}" name="{xml_attr(h)}"/>' for i, h in enumerate(headers, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'id="{table_id}" name="{name}" displayName="{name}" ref="{table_ref}" totalsRowShown="0">'
        f'<autoFilter ref="{table_ref}"/><tableColumns count="{len(headers)}">{cols}</tableColumns>'
        '<tableStyleInfo name="TableStyleLight9" showFirstColumn="0" showLastColumn="0" '
        'showRowStripes="1" showColumnStripes="0"/></table>'
    ).encode()


def drawing_xml(anchor: tuple[int, int, int, int]) -> bytes:
    """A drawing holding the chart (rId1), anchored over (col0, row0)-(col1, row1), 0-based."""
    c0, r0, c1, r1 = anchor
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<xdr:twoCellAnchor editAs="oneCell">'
        f"<xdr:from><xdr:col>{c0}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{r0}</xdr:row>"
        "<xdr:rowOff>0</xdr:rowOff></xdr:from>"
        f"<xdr:to><xdr:col>{c1}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{r1}</xdr:row>"
        "<xdr:rowOff>0</xdr:rowOff></xdr:to>"
        '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="Exposure by year"/>'
        "<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>"
        '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/>'
        "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>"
    ).encode()


def chart_xml(categories: str, values: str, title: str) -> bytes:
    """A clustered column chart of the maximum exposure by calendar year."""
    t = xml_attr(title)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<c:roundedCorners val="0"/><c:chart>'
        '<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr sz="1200" b="1"/></a:pPr>'
        f'<a:r><a:rPr lang="en-US" sz="1200" b="1"/><a:t>{t}</a:t></a:r></a:p></c:rich></c:tx>'
        '<c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>'
        '<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
        '<c:ser><c:idx val="0"/><c:order val="0"/><c:tx><c:v>Maximum</c:v></c:tx>'
        '<c:spPr><a:solidFill><a:srgbClr val="1F3864"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>'
        f"<c:cat><c:numRef><c:f>{xml_attr(categories)}</c:f></c:numRef></c:cat>"
        f"<c:val><c:numRef><c:f>{xml_attr(values)}</c:f></c:numRef></c:val></c:ser>"
        '<c:gapWidth val="60"/><c:axId val="500000001"/><c:axId val="500000002"/></c:barChart>'
        '<c:catAx><c:axId val="500000001"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="b"/><c:numFmt formatCode="0" sourceLinked="0"/>'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        '<c:crossAx val="500000002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        '<c:valAx><c:axId val="500000002"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="l"/><c:majorGridlines><c:spPr><a:ln><a:solidFill>'
        '<a:srgbClr val="D9D9D9"/></a:solidFill></a:ln></c:spPr></c:majorGridlines>'
        '<c:numFmt formatCode="&quot;$&quot;#,##0" sourceLinked="0"/><c:majorTickMark val="out"/>'
        '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="500000001"/>'
        '<c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx></c:plotArea>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
    ).encode()
