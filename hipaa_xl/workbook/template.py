"""The first build of the template workbook with openpyxl: the sheets a user owns.

Incidents (an Excel table with dropdowns), Matter (the matter's events), Scenarios
(positions priced beside the base), Requirements (the catalogue of identical requirements,
160.404(b)(3)), Settings (schedule, as-of date, matter block; decisions 14, 24), Schedules (every
shipped schedule's amounts with citations) and Outcomes (every published OCR outcome with its
sources). Exposure, Summary and Deadlines start empty:
refresh lays them out (``hipaa_xl.workbook.refresh``), so ``new`` and ``refresh`` share one code path.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from importlib import resources
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from hipaa_xl.engine.matter_deadlines import EVENT_KINDS
from hipaa_xl.engine.tiers import CULPABILITY_CHOICES
from hipaa_xl.law.loader import load_rules, load_series
from hipaa_xl.law.models import TIERS
from hipaa_xl.law.schedules import REGULATION, STATUTE, resolve_amounts, schedule_names, schedules, tiered_cap_estimates
from hipaa_xl.workbook import columns, theme, validation
from hipaa_xl.workbook.factors_template import add_factors_sheet
from hipaa_xl.workbook.outcomes_sheet import add_outcomes_sheet
from hipaa_xl.workbook.scenario_tables import SCENARIOS_SHEET
from hipaa_xl.workbook.scenario_template import add_scenarios_sheet

FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
"""Timestamp written into docProps so that ``new`` is byte-for-byte deterministic (decisions 15)."""

_NAVY = theme.NAVY
_TITLE = Font(name="Calibri", size=16, bold=True, color=_NAVY)
_SUBTITLE = Font(name="Calibri", size=10, italic=True, color=theme.GREY_TEXT)
_HEADER_FONT = Font(name="Calibri", size=10, bold=True, color=theme.WHITE)
_HEADER_FILL = PatternFill("solid", fgColor=_NAVY)
_INPUT_FILL = PatternFill("solid", fgColor=theme.INPUT_FILL)
_LABEL = Font(name="Calibri", size=10, bold=True)
_BODY = Font(name="Calibri", size=10)
_THIN = Side(style="thin", color=theme.BORDER)
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_CURRENCY = theme.CURRENCY
_DATE = theme.DATE
_VALIDATION_ROWS = 5000
_SCHEDULE_LIST_ROW = 5


def load_json(name: str) -> Any:
    """A data file shipped in ``hipaa_xl/workbook/data``."""
    return json.loads(resources.files("hipaa_xl.workbook").joinpath("data", name).read_text("utf-8"))


def header_text(text: str) -> str:
    """Text for a page header or footer: "&" starts a code there, so a literal one is written "&&"."""
    return text.replace("&", "&&")


def _print_setup(ws: Worksheet, header_row: int, matter: str, as_of: dt.date | None) -> None:
    """Landscape, one page wide, the header row repeated, and the legend in the header and footer."""
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _header_footer(ws, matter, as_of)


def _header_footer(ws: Worksheet, matter: str = "", as_of: dt.date | None = None) -> None:
    """Decisions 24: confidentiality legend, matter, sheet and as-of date, page X of Y on every page.

    The user sheets are not rewritten by refresh (decisions 16), so their header carries the matter
    and the as-of date known when ``new`` wrote them (the blank template's as-of follows TODAY()).
    """
    ws.oddHeader.left.text = header_text(columns.CONFIDENTIAL)
    ws.oddHeader.left.size = 8
    if matter:
        ws.oddHeader.center.text = header_text(matter)
        ws.oddHeader.center.size = 8
    ws.oddHeader.right.text = "&A" + (f" - as of {as_of.isoformat()}" if as_of else "")
    ws.oddHeader.right.size = 8
    ws.oddFooter.left.text = "hipaa-xl"
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = "Page &P of &N"
    ws.oddFooter.right.size = 8


def _title(ws: Worksheet, title: str, subtitle: str) -> None:
    ws["A1"] = title
    ws["A1"].font = _TITLE
    ws["A2"] = subtitle
    ws["A2"].font = _SUBTITLE
    ws.row_dimensions[1].height = 24


def _column_headers(ws: Worksheet, h: int, headers: tuple[columns.IncidentColumn, ...]) -> None:
    """A user table's header row ``h``: navy headings, each column's hint above it, its width."""
    for i, col in enumerate(headers, start=1):
        cell = ws.cell(row=h, column=i, value=col.header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.cell(row=h - 1, column=i, value=col.help).font = Font(size=8, italic=True, color=theme.GREY_TEXT)
        ws.cell(row=h - 1, column=i).alignment = Alignment(wrap_text=True, vertical="bottom")
        ws.column_dimensions[get_column_letter(i)].width = col.width


def _incidents(ws: Worksheet, matter: str, as_of: dt.date | None) -> None:
    _title(
        ws,
        "Incidents",
        "One row per incident. Violations given: that many violations dated Start. Violations blank: "
        "a continuing violation, one a day from Start to End (45 CFR 160.406). Then run Refresh.",
    )
    h = columns.HEADER_ROW
    _column_headers(ws, h, columns.INCIDENT_COLUMNS)
    for i, col in enumerate(columns.INCIDENT_COLUMNS, start=1):
        if col.kind == "date":
            ws.cell(row=h + 1, column=i).number_format = _DATE
        if col.kind == "count":
            ws.cell(row=h + 1, column=i).number_format = theme.INTEGER
    ws.row_dimensions[h - 1].height = 68  # the wrapped hints of narrow columns, printed in full
    ws.row_dimensions[h].height = 44  # three-line headers such as "Criminal penalty imposed"
    last = get_column_letter(len(columns.INCIDENT_COLUMNS))
    table = Table(displayName=columns.INCIDENTS_TABLE, ref=f"A{h}:{last}{h + 1}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = f"B{h + 1}"
    _incident_validations(ws)
    _print_setup(ws, h, matter, as_of)


def _incident_validations(ws: Worksheet) -> None:
    """Dropdowns for Tier, Culpability, Requirement and the yes/no columns."""
    first, last_row = columns.HEADER_ROW + 1, columns.HEADER_ROW + _VALIDATION_ROWS
    for i, col in enumerate(columns.INCIDENT_COLUMNS, start=1):
        letter = get_column_letter(i)
        rng = f"{letter}{first}:{letter}{last_row}"
        dv: DataValidation | None = None
        if col.kind == "tier":
            dv = DataValidation(type="list", formula1='"A,B,C,D"', allow_blank=True)
            dv.error, dv.prompt = "Tier must be A, B, C or D (or blank to derive it).", "Blank: derived"
        elif col.kind == "culpability":
            dv = DataValidation(type="list", formula1='"' + ",".join(CULPABILITY_CHOICES) + '"', allow_blank=True)
            dv.error = "Choose a culpability from the list (45 CFR 160.401, 160.404(b)(2))."
        elif col.kind == "requirement":
            dv = DataValidation(
                type="list", formula1=f"{columns.REQUIREMENTS_SHEET}!$A${columns.HEADER_ROW + 1}:$A$1000", allow_blank=True
            )
            dv.error = "Choose a requirement from the Requirements sheet (add it there first)."
            dv.errorStyle = "warning"
        elif col.kind == "yesno":
            dv = DataValidation(type="list", formula1='"' + ",".join(columns.YES_NO) + '"', allow_blank=True)
            dv.error = "Yes or No."
        elif col.kind == "criminal":
            dv = DataValidation(type="list", formula1='"' + ",".join(columns.CRIMINAL_CHOICES) + '"', allow_blank=True)
            dv.error = (
                "Yes (a 1320d-6 penalty imposed, 160.410(a)(2)), No, or Punishable (an offense punishable "
                "under 1320d-6: bars a CMP assessed before 2011-02-18, 160.410(a)(1))."
            )
        elif col.kind == "date":
            dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
            dv.error = "A date, e.g. 2024-03-01."
        elif col.kind == "count":
            dv = DataValidation(type="whole", operator="between", formula1="0", formula2="1000000000",
                                allow_blank=True)
            dv.error = "A whole number of violations, 0 or more; blank for a continuing violation."
        validation.attach(ws, dv, col.header, rng)


MATTER_LEGEND_COL = 12
"""Column L of the Matter sheet: the list of events (the Event dropdown) and the rules each starts."""


def _matter(ws: Worksheet, matter: str, as_of: dt.date | None, events: list[dict[str, Any]]) -> None:
    """The user's table of the matter's events; refresh lists the deadlines they start."""
    _title(
        ws,
        "Matter",
        "The matter's events, one per row: each starts the deadlines listed on the right. Then run Refresh: "
        "the Deadlines sheet shows each due date, the days left and the citation.",
    )
    h = columns.HEADER_ROW
    _column_headers(ws, h, columns.MATTER_COLUMNS)
    ws.row_dimensions[h - 1].height = 56
    ws.row_dimensions[h].height = 30
    for r, ev in enumerate(events, start=h + 1):
        for i, col in enumerate(columns.MATTER_COLUMNS, start=1):
            value = ev.get(col.field)
            if col.kind == "date" and isinstance(value, str):
                value = dt.date.fromisoformat(value)
            if col.kind == "yesno":
                value = "Yes" if value else None
            cell = ws.cell(row=r, column=i, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            cell.alignment = _WRAP_TOP if col.field == "notes" else Alignment(vertical="top")
    for r in range(h + 1, h + 1 + max(1, len(events))):
        for i, col in enumerate(columns.MATTER_COLUMNS, start=1):
            if col.kind == "date":
                ws.cell(row=r, column=i).number_format = _DATE
            elif col.kind == "count":
                ws.cell(row=r, column=i).number_format = "#,##0"
    last = get_column_letter(len(columns.MATTER_COLUMNS))
    table = Table(displayName=columns.MATTER_TABLE, ref=f"A{h}:{last}{h + max(1, len(events))}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = f"C{h + 1}"
    lc = MATTER_LEGEND_COL
    for i, text in enumerate(("Event (the list)", "Deadlines it starts"), start=lc):
        cell = ws.cell(row=h, column=i, value=text)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for r, kind in enumerate(EVENT_KINDS, start=h + 1):
        ws.cell(row=r, column=lc, value=kind.label).font = _BODY
        rules = ", ".join(rule for rule, _ in kind.rules)
        if kind.label == "Breach discovered":
            rules += " (fewer than 500 individuals: breach-hhs-log)"
        if kind.label == "Access request received":
            rules += " (Other date given: access-extended)"
        notes = "; ".join(x for x in (kind.count_means and "Count: " + kind.count_means,
                                       kind.other_date_means and "Other date: " + kind.other_date_means) if x)
        cell = ws.cell(row=r, column=lc + 1, value=rules + (f". {notes}" if notes else ""))
        cell.font = Font(size=9)
        cell.alignment = _WRAP_TOP
        ws.row_dimensions[r].height = 26
    ws.column_dimensions[get_column_letter(lc - 1)].width = 3
    ws.column_dimensions[get_column_letter(lc)].width = 34
    ws.column_dimensions[get_column_letter(lc + 1)].width = 60
    _matter_validations(ws)
    _print_setup(ws, h, matter, as_of)


def _matter_validations(ws: Worksheet) -> None:
    first, last_row = columns.HEADER_ROW + 1, columns.HEADER_ROW + _VALIDATION_ROWS
    legend = get_column_letter(MATTER_LEGEND_COL)
    kinds = f"{columns.MATTER_SHEET}!${legend}${columns.HEADER_ROW + 1}:${legend}${columns.HEADER_ROW + len(EVENT_KINDS)}"
    for i, col in enumerate(columns.MATTER_COLUMNS, start=1):
        letter = get_column_letter(i)
        dv: DataValidation | None = None
        if col.kind == "event":
            dv = DataValidation(type="list", formula1=kinds, allow_blank=True)
            dv.error = "Choose an event from the list on the right."
        elif col.kind == "yesno":
            dv = DataValidation(type="list", formula1='"Yes,No"', allow_blank=True)
            dv.error = "Yes or No."
        elif col.kind == "date":
            dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
            dv.error = "A date, e.g. 2026-03-01."
        elif col.kind == "count":
            dv = DataValidation(type="whole", operator="between", formula1="0", formula2="1000000000",
                                allow_blank=True)
            dv.error = "A whole number, 0 or more."
        validation.attach(ws, dv, col.header, f"{letter}{first}:{letter}{last_row}")


def _requirements(ws: Worksheet, matter: str, as_of: dt.date | None,
                  catalogue: list[dict[str, Any]] | None = None) -> None:
    data = load_json("requirements.json")
    if catalogue is not None:  # the firm's own catalogue (new --from), in the shipped columns
        data = {**data, "requirements": catalogue}
    _title(ws, "Requirements", data["about"])
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A2:E2")
    ws.row_dimensions[2].height = 54
    headers = ("Requirement", "Rule", "Title", "Citation", columns.MORE_GENERAL_HEADER)
    h = columns.HEADER_ROW
    for i, text in enumerate(headers, start=1):
        cell = ws.cell(row=h, column=i, value=text)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[h].height = 30  # the two-line "More general form" header
    for r, req in enumerate(data["requirements"], start=h + 1):
        for i, key in enumerate(("requirement", "rule", "title", "citation", "more_general"), start=1):
            cell = ws.cell(row=r, column=i, value=req[key] or None)
            cell.font = _BODY
    last = h + len(data["requirements"])
    table = Table(displayName="Requirements", ref=f"A{h}:E{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    for letter, width in zip("ABCDE", (22, 20, 44, 26, 24), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{h + 1}"
    _print_setup(ws, h, matter, as_of)


def _settings(
    ws: Worksheet, schedule: str, as_of: dt.date | None, matter: dict[str, str], commenced: dt.date | None = None
) -> None:
    _title(ws, "Settings", "Every formula in the workbook uses the schedule and the dates below.")
    rows: list[tuple[str, Any, str, str]] = [
        ("Schedule", schedule, columns.NAME_SCHEDULE,
         "Which reading of the law prices the violations: see the Schedules sheet."),
        ("Assessment (as-of) date", as_of if as_of is not None else "=TODAY()", columns.NAME_AS_OF,
         "The date the penalty is assessed: picks the 45 CFR 102.3 table; violations run at the latest "
         "to it. =TODAY() follows the calendar; type a date to freeze it."),
        ("Action commenced on", commenced, columns.NAME_COMMENCED,
         "The six-year limitation (45 CFR 160.414) runs to the commencement of the action: the notice of "
         "proposed determination (45 CFR 160.420), or a State AG's filing (1320d-5(d)(8)). Blank: the "
         "assessment date, which bars more days."),
    ]
    matter_rows: list[tuple[str, Any, str, str]] = [
        ("Client", matter.get("client", ""), columns.NAME_CLIENT, ""),
        ("Matter name", matter.get("matter_name", ""), columns.NAME_MATTER, "Printed in the page headers"),
        ("Matter number", matter.get("matter_number", ""), columns.NAME_MATTER_NUMBER, ""),
        ("Prepared by", matter.get("prepared_by", ""), columns.NAME_PREPARED_BY, ""),
        ("Privilege legend", matter.get("privilege_legend", columns.MEMO_LEGEND), columns.NAME_PRIVILEGE_LEGEND,
         "Printed at the top and bottom of every page of the memo (hipaa-xl report)"),
    ]
    ws["A3"] = "Assessment"
    ws["A3"].font = Font(size=12, bold=True, color=_NAVY)
    r = 4
    wb = ws.parent
    for label, value, name, note in rows:
        _setting_row(ws, r, label, value, note)
        if len(note) > 90:  # the wrapped note (column C, about 90 characters a line) printed in full
            ws.row_dimensions[r].height = 12.5 * -(-len(note) // 90)
        wb.defined_names[name] = DefinedName(name, attr_text=f"{columns.SETTINGS_SHEET}!$B${r}")
        r += 1
    ws["B5"].number_format = _DATE
    ws["B6"].number_format = _DATE
    r += 1
    ws.cell(row=r, column=1, value="Matter").font = Font(size=12, bold=True, color=_NAVY)
    r += 1
    for label, value, name, note in matter_rows:
        _setting_row(ws, r, label, value or None, note)
        wb.defined_names[name] = DefinedName(name, attr_text=f"{columns.SETTINGS_SHEET}!$B${r}")
        r += 1
    dv = DataValidation(type="list", formula1=columns.NAME_SCHEDULE_NAMES, allow_blank=False)
    dv.error, dv.errorTitle, dv.showErrorMessage = "Choose a schedule from the list.", "Schedule", True
    dv.add("B4")
    ws.add_data_validation(dv)
    dv_date = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=False)
    dv_date.error, dv_date.showErrorMessage = "A date, e.g. 2026-03-31, or =TODAY().", True
    dv_date.add("B5")
    ws.add_data_validation(dv_date)
    dv_commenced = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
    dv_commenced.error, dv_commenced.showErrorMessage = "A date, e.g. 2026-01-15, or blank.", True
    dv_commenced.add("B6")
    ws.add_data_validation(dv_commenced)
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 80
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _header_footer(ws, matter.get("matter_name", ""), as_of)


def _setting_row(ws: Worksheet, r: int, label: str, value: Any, note: str) -> None:
    ws.cell(row=r, column=1, value=label).font = _LABEL
    cell = ws.cell(row=r, column=2, value=value)
    cell.fill = _INPUT_FILL
    cell.border = _BOX
    cell.font = _BODY
    cell.alignment = Alignment(horizontal="left")
    cell.protection = Protection(locked=False)
    n = ws.cell(row=r, column=3, value=note or None)
    n.font = _SUBTITLE
    n.alignment = Alignment(wrap_text=True, vertical="top")


def _schedules(ws: Worksheet, matter: str, as_of: dt.date | None) -> None:
    """Every shipped schedule with its amounts and citations; tiered caps marked as estimates."""
    _title(ws, "Schedules", "The amounts of every shipped schedule, with their citations. For reading only.")
    names = schedule_names()
    r = _SCHEDULE_LIST_ROW - 1
    for i, text in enumerate(("Schedule", "What it applies"), start=1):
        c = ws.cell(row=r, column=i, value=text)
        c.font, c.fill = _HEADER_FONT, _HEADER_FILL
    for name in names:
        r += 1
        ws.cell(row=r, column=1, value=name).font = _LABEL
        description = schedules()[name].description
        d = ws.cell(row=r, column=2, value=description)
        d.font, d.alignment = _BODY, _WRAP_TOP
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=6)
        ws.row_dimensions[r].height = 28 if len(description) > 110 else 15
    wb = ws.parent
    wb.defined_names[columns.NAME_SCHEDULE_NAMES] = DefinedName(
        columns.NAME_SCHEDULE_NAMES,
        attr_text=f"{columns.SCHEDULES_SHEET}!$A${_SCHEDULE_LIST_ROW}:$A${_SCHEDULE_LIST_ROW + len(names) - 1}",
    )
    r += 2
    hitech = load_rules().hitech_violations_from.value
    blocks: list[tuple[str, str | None, Any]] = [
        (REGULATION, REGULATION, None),
        (STATUTE, STATUTE, None),
        (f"pre-2009 (every schedule, violations before {hitech.isoformat()})", REGULATION,
         hitech - dt.timedelta(days=1)),
    ]
    blocks += [(n, n, None) for n in names if n.startswith("cfr102-")]
    for title, sched, vdate in blocks:
        r = _amount_block(ws, r, title, sched or REGULATION, vdate)
    r = _tiered_estimates(ws, r)
    for letter, width in zip("ABCDEF", (30, 16, 16, 16, 16, 70), strict=True):
        ws.column_dimensions[letter].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _header_footer(ws, matter, as_of)


def schedules_sheet_rows() -> list[tuple[Any, ...]]:
    """The values of the Schedules sheet this version writes (the law data's amounts), row by row."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    _schedules(ws, "", None)
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


def _amount_block(ws: Worksheet, r: int, title: str, schedule: str, vdate: dt.date | None) -> int:
    first = resolve_amounts("A", vdate, schedule, dt.date(2099, 1, 1) if vdate is None else None)
    ws.cell(row=r, column=1, value=title).font = Font(size=11, bold=True, color=_NAVY)
    src = ws.cell(row=r, column=2, value=first.source)
    src.font = _SUBTITLE
    r += 1
    for i, text in enumerate(("Tier", "Minimum per violation", "Maximum per violation",
                              "Calendar-year cap", "", "Citations"), start=1):
        c = ws.cell(row=r, column=i, value=text or None)
        c.font, c.fill = _HEADER_FONT, _HEADER_FILL
        c.alignment = Alignment(wrap_text=True, vertical="center")
    for tier in TIERS:
        r += 1
        a = resolve_amounts(tier, vdate, schedule, dt.date(2099, 1, 1) if vdate is None else None)
        ws.cell(row=r, column=1, value=f"{tier}").font = _LABEL
        values: list[Any] = [a.minimum, a.maximum if a.maximum is not None else "none (cap)", a.cap]
        for i, v in enumerate(values, start=2):
            c = ws.cell(row=r, column=i, value=v)
            c.number_format = _CURRENCY
            c.font = _BODY
            c.border = _BOX
        cites = f"min: {a.minimum_citation}; max: {a.maximum_citation}; cap: {a.cap_citation}"
        c = ws.cell(row=r, column=6, value=cites)
        c.font = Font(size=8, color=theme.GREY_TEXT)
        c.alignment = _WRAP_TOP
        ws.row_dimensions[r].height = 34
    return r + 2


def _tiered_estimates(ws: Worksheet, r: int) -> int:
    ws.cell(row=r, column=1, value="current-tiered: calendar-year caps (ESTIMATES)").font = Font(
        size=11, bold=True, color=theme.RED_TEXT
    )
    method = load_series().tiered_caps_estimate
    note = ws.cell(row=r, column=2, value=f"{method.method}. {method.citation}. {method.source_quality}")
    note.font = _SUBTITLE
    r += 1
    for i, text in enumerate(("102.3 table", "Tier A cap (estimate)", "Tier B cap (estimate)",
                              "Tier C cap (estimate)", "Tier D cap"), start=1):
        c = ws.cell(row=r, column=i, value=text)
        c.font, c.fill = _HEADER_FONT, _HEADER_FILL
        c.alignment = Alignment(wrap_text=True)
    for label, caps in tiered_cap_estimates().items():
        r += 1
        ws.cell(row=r, column=1, value=f"cfr102-{label}").font = _LABEL
        for i, tier in enumerate(TIERS, start=2):
            c = ws.cell(row=r, column=i, value=caps[tier])
            c.number_format = _CURRENCY
            c.border = _BOX
    return r + 2


def build_static_workbook(
    schedule: str = columns.DEFAULT_WORKBOOK_SCHEDULE,
    as_of: dt.date | None = None,
    matter: dict[str, str] | None = None,
    incidents: list[dict[str, Any]] | None = None,
    events: list[dict[str, Any]] | None = None,
    commenced: dt.date | None = None,
    scenarios: dict[str, Any] | None = None,
    factors: list[dict[str, Any]] | None = None,
    requirements: list[dict[str, Any]] | None = None,
    legend: str | None = None,
    cover: list[str] | None = None,
) -> bytes:
    """The template before its first refresh: user sheets filled, Exposure and Summary empty.

    ``as_of`` None writes ``=TODAY()`` (the blank template, decisions 14). ``incidents`` (dicts with
    the engine's field names) fill the Incidents table, for the example workbook; ``scenarios``
    (``scenarios`` and ``scenario_changes`` lists) fill the two tables of the Scenarios sheet;
    ``factors`` the Factors table; ``requirements`` replaces the shipped Requirements catalogue (a
    firm's own, ``new --from``); ``legend`` the privilege legend; ``cover`` lines printed at the top of
    the Incidents sheet (the example says it is fictional and how to start a real matter).
    """
    wb = Workbook()
    ws_inc = wb.active
    assert ws_inc is not None
    ws_inc.title = columns.INCIDENTS_SHEET
    ws_sum = wb.create_sheet(columns.SUMMARY_SHEET)
    ws_exp = wb.create_sheet(columns.EXPOSURE_SHEET)
    ws_mat = wb.create_sheet(columns.MATTER_SHEET)
    ws_dl = wb.create_sheet(columns.DEADLINES_SHEET)
    ws_set = wb.create_sheet(columns.SETTINGS_SHEET)
    ws_scn = wb.create_sheet(SCENARIOS_SHEET)
    ws_fac = wb.create_sheet(columns.FACTORS_SHEET)
    ws_req = wb.create_sheet(columns.REQUIREMENTS_SHEET)
    ws_sch = wb.create_sheet(columns.SCHEDULES_SHEET)
    ws_out = wb.create_sheet(columns.OUTCOMES_SHEET)
    del ws_sum, ws_exp, ws_dl
    matter = matter or {}
    matter_name = matter.get("matter_name", "")
    _incidents(ws_inc, matter_name, as_of)
    if incidents:
        _fill_incidents(ws_inc, incidents)
    _matter(ws_mat, matter_name, as_of, events or [])
    _requirements(ws_req, matter_name, as_of, requirements)
    if legend is not None:
        matter = {**matter, "privilege_legend": legend}
    _settings(ws_set, schedule, as_of, matter, commenced)
    _schedules(ws_sch, matter_name, as_of)
    add_outcomes_sheet(ws_out, _title, lambda ws: _header_footer(ws, matter_name, as_of))
    add_scenarios_sheet(wb, ws_scn, matter_name, as_of, scenarios, _print_setup, _title)
    add_factors_sheet(ws_fac, matter_name, as_of, factors or [], _title, _column_headers, _print_setup)
    if cover:
        _cover(ws_inc, cover)
    ws_inc.sheet_properties.tabColor = theme.INPUT_TAB
    ws_set.sheet_properties.tabColor = theme.INPUT_TAB
    ws_mat.sheet_properties.tabColor = theme.INPUT_TAB
    ws_fac.sheet_properties.tabColor = theme.INPUT_TAB
    wb.properties.creator = "hipaa-xl"
    wb.properties.title = "HIPAA civil money penalty exposure"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.calculation.fullCalcOnLoad = False
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cover(ws: Worksheet, lines: list[str]) -> None:
    """Lines in red above the Incidents table (row 1's title keeps its place; the notice follows it)."""
    text = " ".join(lines)
    ws["A2"] = text + " " + str(ws["A2"].value or "")
    ws["A2"].font = Font(name="Calibri", size=10, bold=True, color=theme.RED_TEXT)
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=8)
    ws.row_dimensions[2].height = 54


def _fill_incidents(ws: Worksheet, incidents: list[dict[str, Any]]) -> None:
    h = columns.HEADER_ROW
    for r, inc in enumerate(incidents, start=h + 1):
        ws.row_dimensions[r].height = 42  # the wrapped Description and Factors texts, printed
        for i, col in enumerate(columns.INCIDENT_COLUMNS, start=1):
            value = inc.get(col.field)
            if col.kind == "date" and isinstance(value, str):
                value = dt.date.fromisoformat(value)
            if col.kind == "yesno":
                value = "Yes" if value else None
            if col.kind == "criminal":
                value = "Yes" if value else columns.PUNISHABLE if inc.get("criminal_offense_punishable") else None
            cell = ws.cell(row=r, column=i, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, even when it begins with "="
            if col.kind == "date":
                cell.number_format = _DATE
            if col.kind == "count":
                cell.number_format = "#,##0"
            if col.field in ("description", "factors"):
                cell.alignment = _WRAP_TOP
            else:
                cell.alignment = Alignment(vertical="top")
    last = get_column_letter(len(columns.INCIDENT_COLUMNS))
    ws.tables[columns.INCIDENTS_TABLE].ref = f"A{h}:{last}{h + max(1, len(incidents))}"
