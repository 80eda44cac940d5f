"""The Exposure sheet: one row per incident x calendar year x regime segment (decisions 8), all formulas.

Every figure is a formula calling the Excel functions (VIOLATION_DAYS, CMP_TIER, CURED, CMP_MIN,
CMP_MAX, ANNUAL_CAP, AG_DAMAGES, TIME_BARRED) on this row's copy of the Incidents cells, with the
``Schedule`` and ``AsOf`` names; a Check column holds the first reason a row cannot be trusted
(decisions 13) and a hidden flag says when the layout no longer matches Incidents (decisions 23).

The row formulas are stated once, below, as templates a reviewer can read as Excel formulas: each
name in braces is a cell of the same row (its column key: ``{from}``, ``{in_time}``), ``{inc.X}`` is
this incident's value of Incidents field X, ``{col.X}`` the letters of column X, ``{schedule}``,
``{as_of}`` and ``{commenced}`` the workbook's names (``{commenced}`` is "" in a workbook made before
Settings had "Action commenced on"), and ``{criminal_rule_from}`` the date from which only an imposed
criminal penalty bars a CMP (160.410(a), from the law data). A template starting with "=" is a formula; any other text is
written as it stands; None leaves the cell blank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from hipaa_xl.law.loader import load_rules
from hipaa_xl.workbook import columns
from hipaa_xl.workbook.cell_styles import CENTER, CHECK, DATE, HEADER, INT, MONEY, RED, SUBTITLE, TEXT, TEXT_WRAP, TITLE
from hipaa_xl.workbook.layout import ExposureLine, Layout
from hipaa_xl.workbook.sheetxml import CellValue, Formula, PageSetup, SheetWriter, StyleSink, column_letter, ref
from hipaa_xl.workbook.styles import Style

EXPOSURE_HEADER_ROW = 4
OUT_OF_DATE = "Layout out of date - run Refresh"
UP_TO_DATE = "Layout matches the Incidents sheet"
EXPOSURE_ROW_HEIGHT = 24
"""Two lines of 9 pt text: the wrapped columns are sized so that their texts fit in two lines."""

Role = Literal["row", "incident", "priced"]
"""What a column holds: ``row`` on every row (which Incidents row, its kind, group and Check);
``incident`` this row's copy of an Incidents cell; ``priced`` a figure of a priced row, left blank on
a row that cannot be priced."""


@dataclass(frozen=True)
class XCol:
    """An Exposure column: header, width, style, hidden, and what it holds."""

    key: str
    header: str
    width: float
    style: Style
    hidden: bool = False
    role: Role = "priced"


EXPOSURE_COLUMNS: tuple[XCol, ...] = (
    XCol("row", "Inc. row", 5, CENTER, role="row"),
    XCol("id", "ID", 8, TEXT_WRAP, role="incident"),
    XCol("entity", "Entity", 16, TEXT_WRAP, role="incident"),
    XCol("requirement", "Requirement", 13, TEXT_WRAP, role="incident"),
    XCol("year", "Year", 5, CENTER),
    XCol("regime", "Regime (at refresh)", 9, TEXT_WRAP),
    XCol("kind", "Kind", 9, TEXT_WRAP, role="row"),
    XCol("from", "From", 10, DATE),
    XCol("to", "To", 10, DATE),
    XCol("eff_end", "Effective end", 10, DATE),
    XCol("eff_why", "Why this end", 14, TEXT_WRAP),
    XCol("tier", "Tier", 4, CENTER),
    XCol("status", "Status", 8, TEXT_WRAP),
    XCol("in_time", "Violations in time", 9.5, INT),
    XCol("barred", "Time-barred violations", 9.5, INT),
    XCol("minimum", "Statutory minimum (if a CMP is imposed)", 11, MONEY),
    XCol("maximum", "Maximum", 11, MONEY),
    XCol("barred_max", "Time-barred maximum", 11, MONEY),
    XCol("cap", "Calendar-year cap", 11, MONEY),
    XCol("ag_eligible", "AG-eligible violations", 9.5, INT),
    XCol("ag_deferred", "AG deferred violations", 9.5, INT),
    XCol("note", "Note", 22, TEXT_WRAP),
    XCol("check", "Check", 20, CHECK, role="row"),
    # hidden: what Summary adds up, and what the layout was built from (values written at refresh)
    XCol("counted", "Counted violations", 8, INT, hidden=True),
    XCol("counted_barred", "Counted time-barred", 8, INT, hidden=True),
    XCol("problem", "Problem", 7, INT, hidden=True, role="row"),
    XCol("group", "Group", 7, INT, hidden=True, role="row"),
    XCol("part", "Part", 6, INT, hidden=True),
    XCol("part_rep", "First row of part", 6, INT, hidden=True),
    XCol("rep_row", "Row of part's first row", 8, INT, hidden=True),
    XCol("stale", "Layout changed", 7, INT, hidden=True),
    XCol("inc_days", "Incident violations (all years)", 10, INT, hidden=True),
    XCol("seg_lo", "Segment from (at refresh)", 10, DATE, hidden=True),
    XCol("seg_hi", "Segment to (at refresh)", 10, DATE, hidden=True),
    XCol("exp_tier", "Tier (at refresh)", 6, TEXT, hidden=True),
    XCol("exp_entity", "Entity (at refresh)", 16, TEXT, hidden=True),
    XCol("exp_requirement", "Requirement (at refresh)", 13, TEXT, hidden=True),
    XCol("exp_ace", "Affiliated covered entity (at refresh)", 13, TEXT, hidden=True),
    XCol("exp_dup", "Duplicate of (at refresh)", 8, TEXT, hidden=True),
    # hidden: the Incidents cells of this row, read by row number so that every row's formulas are
    # copies of each other (one shape: fast to recalculate, easy to audit)
    XCol("f_culpability", "Culpability (Incidents)", 12, TEXT, hidden=True, role="incident"),
    XCol("f_tier", "Tier (Incidents)", 6, TEXT, hidden=True, role="incident"),
    XCol("f_start", "Start (Incidents)", 10, DATE, hidden=True, role="incident"),
    XCol("f_end", "End (Incidents)", 10, DATE, hidden=True, role="incident"),
    XCol("f_violations", "Violations (Incidents)", 8, INT, hidden=True, role="incident"),
    XCol("f_known", "Known (Incidents)", 10, DATE, hidden=True, role="incident"),
    XCol("f_corrected", "Corrected (Incidents)", 10, DATE, hidden=True, role="incident"),
    XCol("f_cure_period_ends", "Cure period ends (Incidents)", 10, DATE, hidden=True, role="incident"),
    XCol("f_affiliated_covered_entity", "Affiliated covered entity (Incidents)", 12, TEXT, hidden=True,
         role="incident"),
    XCol("f_duplicate_of", "Duplicate of (Incidents)", 8, TEXT, hidden=True, role="incident"),
    XCol("f_federal_action_pending", "Federal action pending (Incidents)", 8, TEXT, hidden=True, role="incident"),
    XCol("f_criminal_penalty_imposed", "Criminal penalty imposed (Incidents)", 8, TEXT, hidden=True,
         role="incident"),
    XCol("f_commenced", "Action commenced on (Incidents)", 10, DATE, hidden=True, role="incident"),
)
XC = {c.key: i for i, c in enumerate(EXPOSURE_COLUMNS, start=1)}
LAST_VISIBLE_EXPOSURE_COL = XC["check"]
_INCIDENT_FIELDS = tuple(c.key.removeprefix("f_") for c in EXPOSURE_COLUMNS if c.role == "incident")
"""The Incidents fields copied onto each row (id, entity, requirement shown; the others hidden)."""
_BLANK_WHEN_NOT_PRICED = tuple(c.key for c in EXPOSURE_COLUMNS if c.role == "priced")


def _incident_column(field: str) -> str:
    """The Exposure column holding this row's copy of Incidents ``field`` (``f_<field>`` when hidden)."""
    return field if field in XC and EXPOSURE_COLUMNS[XC[field] - 1].role == "incident" else "f_" + field

# ---------------------------------------------------------------- the row formulas

ACTION = 'IF({inc.commenced}<>"",{inc.commenced},{commenced})'
"""The commencement of this incident's action (decisions 27, 38): the row's own date, else Settings'
(blank: the functions measure to the as-of date)."""
ACTION_END = 'IF({inc.commenced}<>"",{inc.commenced},IF(ISNUMBER({commenced}),{commenced},{as_of}))'
"""The last day the action can reach: its commencement, else the as-of date (160.420(a), 160.422)."""
RAW_END = 'MIN(IF({inc.end}<>"",{inc.end},IF({inc.corrected}<>"",{inc.corrected},{as_of})),{as_of})'
EFFECTIVE_END = "MIN(" + RAW_END + "," + ACTION_END + ")"
"""Decisions 1 and 38: End as given, else the Corrected day, else the as-of date; never after the
as-of date nor after the day the incident's action commenced (that day counted)."""

CONTINUING: dict[str, str | None] = {
    # a continuing violation, Start through its effective end: one violation a day (45 CFR 160.406),
    # cut to this row's calendar year and regime segment
    "from": "=MAX({inc.start},{seg_lo})",
    "to": "=MIN({eff_end},{seg_hi})",
    "eff_end": "=" + EFFECTIVE_END,
    "eff_why": "=IF(" + RAW_END + ">" + ACTION_END + ',"cut at the action\'s commencement (160.420(a), 160.422)",'
               'IF({inc.end}<>"",IF({inc.end}>{as_of},"cut at the as-of date","End as given"),'
               'IF({inc.corrected}<>"",IF({inc.corrected}>{as_of},"cut at the as-of date",'
               '"no End: the Corrected day"),"no End or Corrected: the as-of date")))',
    # the six-year limitation runs to the commencement of the action (160.414; blank: the as-of date)
    "in_time": '=IF({to}<{from},0,VIOLATION_DAYS({from},{to},"",{as_of},' + ACTION + "))",
    "barred": "=IF({to}<{from},0,VIOLATION_DAYS({from},{to})-{in_time})",
}

GIVEN: dict[str, str | None] = {
    # a number of violations given, dated Start (decisions 2)
    "from": "={inc.start}",
    "to": "={from}",
    "eff_end": None,
    "eff_why": "Violations given: dated Start",
    "in_time": "=IF(TIME_BARRED({from},{as_of}," + ACTION + "),0,{inc.violations})",
    "barred": "=IF(TIME_BARRED({from},{as_of}," + ACTION + "),{inc.violations},0)",
}

CRIMINAL_PUNISHABLE = '{inc.criminal_penalty_imposed}="' + columns.PUNISHABLE + '"'
"""The criminal column says the act is an offense punishable under 1320d-6, no penalty imposed."""
CRIMINAL_BAR = (
    'OR({inc.criminal_penalty_imposed}=TRUE,{inc.criminal_penalty_imposed}=1,'
    '{inc.criminal_penalty_imposed}="yes",{inc.criminal_penalty_imposed}="y",'
    'AND(' + CRIMINAL_PUNISHABLE + ',{as_of}<{criminal_rule_from}))'
)
"""160.410(a): a criminal penalty imposed bars the CMP; before 2011-02-18 an offense punishable did."""
AG_COUNTED = 'OR({status}="counted",AND({status}="cured",NOT(CURED({tier},{inc.known},{inc.corrected}))))'
"""Days that may carry AG damages: counted, or cured only by the Secretary's extension, which is for
the CMP alone (1320d-5(b)(2)(B)(i)); AG damages keep the 30-day period."""

PRICED: dict[str, str | None] = {
    # decisions 6: a typed Tier wins over the one derived from the culpability and the dates
    # the cure period ends known + 29, or on the day the Secretary extended it to (1320d-5(b)(2)(B))
    "tier": '=CMP_TIER(IF({inc.tier}<>"",{inc.tier},{inc.culpability}),{inc.known},{inc.corrected},'
            '{inc.cure_period_ends})',
    # decisions 4 and 9: a duplicate, a criminal bar or the cure leaves a row uncounted
    "status": '=IF({inc.duplicate_of}<>"","duplicate",IF(' + CRIMINAL_BAR + ',"criminal",'
              'IF(CURED({tier},{inc.known},{inc.corrected},{inc.cure_period_ends}),"cured",'
              'IF(CMP_MAX({tier},1,{from},{schedule},{as_of})=0,"no penalty","counted"))))',
    "counted": '=IF({status}="counted",{in_time},0)',
    "counted_barred": '=IF({status}="counted",{barred},0)',
    "minimum": '=IF({status}="counted",CMP_MIN({tier},{in_time},{from},{schedule},{as_of}),0)',
    "maximum": '=IF({status}="counted",CMP_MAX({tier},{in_time},{from},{schedule},{as_of}),0)',
    "barred_max": '=IF({status}="counted",CMP_MAX({tier},{barred},{from},{schedule},{as_of}),0)',
    "cap": "=ANNUAL_CAP({tier},{from},{schedule},{as_of})",
    # decisions 10: AG damages only for eligible days; only days in time are deferred while the
    # federal action is pending ((d)(7)); time-barred days stay barred ((d)(8))
    "ag_eligible": '=IF(' + AG_COUNTED + ',IF(AG_DAMAGES(1,"",{inc.federal_action_pending},{from})>0,'
                   '{in_time},0),0)',
    "ag_deferred": '=IF(' + AG_COUNTED + ',IF(AND(AG_DAMAGES(1,"",FALSE,{from})>0,'
                   'AG_DAMAGES(1,"",{inc.federal_action_pending},{from})=0),{in_time},0),0)',
    "note": '=IF({status}="duplicate","160.404(b)(3): counted under incident "&{inc.duplicate_of},'
            'IF({status}="criminal",IF(' + CRIMINAL_PUNISHABLE + ','
            '"criminal offense punishable, 160.410(a)(1): no CMP or AG damages when assessed before '
            '{criminal_rule_from_text}","criminal penalty imposed, 160.410(a)(2): no CMP or AG damages '
            '(1320d-5(b)(1))"),'
            'IF({status}="cured",IF({ag_eligible}+{ag_deferred}>0,"corrected within the cure period as '
            'extended: no CMP (1320d-5(b)(2)(B)(i)); AG damages not barred","corrected within the cure '
            'period: no penalty (1320d-5(b)(2)(A))"),'
            'IF({status}="no penalty","before 2009-02-18, did not know: no penalty (old 1320d-5(b)(2))",'
            'IF({ag_deferred}>0,"AG damages deferred: federal action pending (1320d-5(d)(7))",'
            'IF(AND({in_time}=0,{barred}>0),"time-barred (six years, 1320a-7a(c)(1); AG: (d)(8), whether '
            'or not a federal action is pending)",'
            'IF({barred}>0,"some days time-barred (six years, 1320a-7a(c)(1))",'
            'IF(AND({inc.cure_period_ends}<>"",{tier}="C",N({inc.corrected})>N({inc.known})+29),'
            '"tier C as the extension moves the C/D line (our reading, 1320d-5(a)(1)(C)(i)); on 160.404(b)(2)(iii)\'s '
            '30-day period: D (a scenario can clear Cure period ends)",""))))))))',
}

INCIDENT_DAYS = '=IF({inc.violations}<>"",{inc.violations},VIOLATION_DAYS({inc.start},' + EFFECTIVE_END + "))"
"""On an incident's first row: its violations in all years, to check the layout against (decisions 23)."""

def excel_trim(text: str) -> str:
    """What Excel's TRIM gives (spaces only: runs collapsed, ends removed; tabs, line breaks and
    no-break spaces kept), so the copy a stale term compares with equals it for every name, however
    long or spaced: a refresh that says "up to date" is never "layout out of date" to report and share."""
    return re.sub(" +", " ", text).strip(" ")


STALE_TERMS = (
    "{tier}<>{exp_tier}",
    "{cap}<>INDEX(${col.cap}:${col.cap},{rep_row})",
    "TRIM({entity})<>{exp_entity}",
    "TRIM({requirement})<>{exp_requirement}",
    'TRIM({inc.affiliated_covered_entity}&"")<>{exp_ace}&""',
    'TRIM({inc.duplicate_of}&"")<>{exp_dup}&""',
)
"""Decisions 23: the layout is out of date when any of these holds (tier, cap or group changed, or a
"Duplicate of" link, which refresh checks for cycles, invalid targets and subparts, decisions 25, 42)."""
FIRST_ROW_STALE_TERM = "{inc_days}<>SUM({incident_rows})"
"""On an incident's first row also: its days no longer equal the days its rows count."""

CHECKED: tuple[tuple[str, str], ...] = (
    ("from", "From"), ("to", "To"), ("eff_end", "Effective end"), ("tier", "Tier"), ("status", "Status"),
    ("in_time", "Violations"), ("barred", "Time-barred violations"), ("minimum", "Minimum"),
    ("maximum", "Maximum"), ("barred_max", "Time-barred maximum"), ("cap", "Cap"),
    ("ag_eligible", "AG"), ("ag_deferred", "AG"), ("inc_days", "Violations"),
)
"""Decisions 13: the Check column names the first of these (that the row computes) holding an error."""
CHECK_STEP = 'IF(ISERROR({cell}),"{label}: error",IF(LEFT({cell}&"",1)="#","{label}: "&{cell},{rest}))'
CHECK_DUPLICATE = (
    'IF(AND({inc.duplicate_of}<>"",COUNTIF({incident_ids},{inc.duplicate_of})=0),'
    '"Duplicate of: no incident "&{inc.duplicate_of},{rest})'
)
CHECK_STALE = 'IF({stale}=1,"' + OUT_OF_DATE + '","")'
PROBLEM = '=IF({check}="",0,1)'


@dataclass
class Context:
    """What every formula needs to know about the workbook around it."""

    incidents_sheet: str
    incident_cols: dict[str, int]
    id_range: str
    exposure_first: int
    exposure_last: int
    schedule_name: str = columns.NAME_SCHEDULE
    as_of_name: str = columns.NAME_AS_OF
    commenced_name: str | None = columns.NAME_COMMENCED
    """None in a workbook made before Settings had "Action commenced on": the as-of date serves."""
    row_notes: dict[int, str] | None = None
    """Incidents row -> a note the engine found at refresh that the Note column adds to every Exposure
    row of that incident (days shared with another incident of the requirement, decisions 39)."""


class _Letters:
    """``{col.KEY}``: the letters of Exposure column KEY."""

    def __getattr__(self, key: str) -> str:
        return column_letter(XC[key])


class _IncidentCells:
    """``{inc.FIELD}``: this row's cell holding its incident's value of FIELD."""

    def __init__(self, row: int) -> None:
        self._row = row

    def __getattr__(self, field: str) -> str:
        return ref(self._row, XC[_incident_column(field)])


class _RowNames:
    """The names a row template may use (see the module docstring)."""

    def __init__(self, row: int, ctx: Context, **extra: str) -> None:
        self._row = row
        rule_from = load_rules().criminal_bar.imposed_rule_from.value
        self._names: dict[str, object] = {
            "inc": _IncidentCells(row), "col": _Letters(), "schedule": ctx.schedule_name,
            "as_of": ctx.as_of_name, "commenced": ctx.commenced_name or '""', "incident_ids": ctx.id_range,
            "criminal_rule_from": f"DATE({rule_from.year},{rule_from.month},{rule_from.day})",
            "criminal_rule_from_text": rule_from.isoformat(), **extra,
        }

    def __getitem__(self, name: str) -> object:
        found = self._names.get(name)
        return ref(self._row, XC[name]) if found is None else found

    def fill(self, template: str) -> str:
        """``template`` with every name replaced by its cell or text."""
        return template.format_map(self)

    def value(self, template: str | None) -> CellValue:
        """The cell value a template stands for: a formula, a text, or blank."""
        if template is None:
            return None
        return Formula(self.fill(template[1:])) if template.startswith("=") else template


def _incident_cell(ctx: Context, field: str, r: int) -> str | None:
    """This Exposure row's cell of ``field`` on Incidents, found by the row number in column A."""
    col = ctx.incident_cols.get(field)
    if col is None:
        return None
    letter = column_letter(col)
    at = f"INDEX({ctx.incidents_sheet}!${letter}:${letter},$A{r})"
    return f'IF({at}="","",{at})'


def _exposure_row(ws: SheetWriter, line: ExposureLine, ctx: Context) -> None:
    r = line.sheet_row
    ir = line.incident.row

    def put(key: str, value: CellValue) -> None:
        ws.set(r, XC[key], value, EXPOSURE_COLUMNS[XC[key] - 1].style)

    put("row", ir)
    for field in _INCIDENT_FIELDS:
        source = _incident_cell(ctx, field, r)
        put(_incident_column(field), Formula(source) if source else None)
    if line.kind == "invalid":
        for key in _BLANK_WHEN_NOT_PRICED:
            put(key, None)
        put("kind", "not priced")
        put("check", f"Incidents row {ir}: {line.incident.reason}")
        put("problem", 1)
        put("group", line.group)
        ws.row_heights[r] = EXPOSURE_ROW_HEIGHT if len(line.incident.reason) < 30 else 36
        return
    assert line.seg_lo is not None and line.seg_hi is not None and line.year is not None
    first, last = line.first_row_of_incident, line.last_row_of_incident
    names = _RowNames(r, ctx, incident_rows=f"{ref(first, XC['in_time'])}:{ref(last, XC['barred'])}")
    put("year", line.year)
    put("regime", line.regime)
    put("kind", line.kind)
    put("seg_lo", line.seg_lo)
    put("seg_hi", line.seg_hi)
    formulas = {**(CONTINUING if line.kind == "continuing" else GIVEN), **PRICED}
    for key, template in formulas.items():
        put(key, names.value(template))
    extra = (ctx.row_notes or {}).get(ir)
    if extra:
        note = names.fill(str(formulas["note"])[1:])
        text = extra.replace('"', '""')
        put("note", Formula(f'IF({note}="","{text}",{note}&"; {text}")'))
    put("group", line.group)
    put("part", line.part)
    put("part_rep", 1 if line.part_rep_row == r else 0)
    put("rep_row", line.part_rep_row)
    put("exp_tier", line.tier)
    put("exp_entity", excel_trim(line.entity))
    put("exp_requirement", excel_trim(line.requirement))
    put("exp_ace", excel_trim(line.affiliated_covered_entity) or None)
    dup = line.incident.incident.duplicate_of if line.incident.incident is not None else None
    put("exp_dup", excel_trim(dup or "") or None)
    stale_terms = list(STALE_TERMS)
    if line.first_of_incident:
        formulas["inc_days"] = INCIDENT_DAYS
        stale_terms.insert(0, FIRST_ROW_STALE_TERM)
    put("inc_days", names.value(formulas.get("inc_days")))
    put("stale", Formula(f"IF(OR({','.join(names.fill(t) for t in stale_terms)}),1,0)"))
    expr = names.fill(CHECK_DUPLICATE.replace("{rest}", CHECK_STALE))
    for key, label in reversed(CHECKED):
        if formulas.get(key) is not None:
            expr = CHECK_STEP.format(cell=ref(r, XC[key]), label=label, rest=expr)
    put("check", Formula(expr))
    put("problem", names.value(PROBLEM))
    ws.row_heights[r] = EXPOSURE_ROW_HEIGHT


def exposure_sheet(
    styles: StyleSink, layout: Layout, ctx: Context, page: PageSetup
) -> SheetWriter:
    """The Exposure sheet: a row per incident x year x regime segment, formulas only."""
    ws = SheetWriter(styles, page=page, tab_color="FF7F7F7F")
    ws.set(1, 1, "Exposure: one row per incident, calendar year and regime", TITLE)
    ws.set(2, 1, "Generated by Refresh from the Incidents sheet: edit Incidents, not this sheet. Every "
                 "figure is a live formula; a row with a Check makes its Summary group #N/A.", SUBTITLE)
    ws.row_heights[1] = 24
    h = EXPOSURE_HEADER_ROW
    for i, col in enumerate(EXPOSURE_COLUMNS, start=1):
        ws.set(h, i, col.header, HEADER)
        ws.width(i, col.width, col.hidden)
    ws.row_heights[h] = 58
    for line in layout.lines:
        _exposure_row(ws, line, ctx)
    last = max(ctx.exposure_last, h + 1)
    check = ref(h + 1, XC["check"])
    ws.cond(f"{ref(h + 1, XC['check'])}:{ref(last, XC['check'])}", f'LEN({check})>0', RED)
    ws.freeze = (h + 1, XC["entity"])
    ws.autofilter = f"A{h}:{ref(last, LAST_VISIBLE_EXPOSURE_COL)}"
    return ws
