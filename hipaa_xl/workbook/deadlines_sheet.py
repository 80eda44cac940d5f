"""The Deadlines sheet: each deadline the Matter events start, and the six-year limitation per group.

Every due date is a formula calling ``DEADLINE`` on the Matter row's own cells, so the workbook and
the functions give the same dates by construction, and an edited Matter date moves its due date at
once. Days left count from the workbook's as-of date (``AsOf``); the Status words and colours are
done / past due / due today / due in N days. The rows themselves follow the Matter rows
at the last Refresh. The limitation block runs from each (entity, requirement, year) group's first
and last violation day (45 CFR 160.414; 42 U.S.C. 1320a-7a(c)(1)).
"""

from __future__ import annotations

from dataclasses import dataclass

from hipaa_xl.engine.matter_deadlines import LimitationGroup, MatterDeadline
from hipaa_xl.law.deadline_rules import load_deadline_law
from hipaa_xl.workbook import columns
from hipaa_xl.workbook.cell_styles import (
    CENTER,
    DATE,
    GREEN,
    HEADER,
    INT,
    LABEL,
    NOTE,
    RED,
    SECTION,
    SUBTITLE,
    TEXT,
    TEXT_WRAP,
    TITLE,
    VALUE_DATE,
    WARNING,
)
from hipaa_xl.workbook.sheetxml import Formula, PageSetup, SheetWriter, StyleSink, column_letter, excel_string, ref
from hipaa_xl.workbook.styles import Dxf

DEADLINES_HEADER_ROW = 6
NOT_REQUIRED = "not required"
AMBER = Dxf(color="FF9C5700", fill="FFFFEB9C", bold=True)
GREY = Dxf(color="FF7F7F7F")
SOON_DAYS = 14
"""A deadline this many days away or fewer is coloured amber."""

DEADLINE_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("id", "Event ID", 9),
    ("event", "Event", 26),
    ("event_date", "Event date", 11),
    ("rule", "Rule", 22),
    ("due", "Due", 11),
    ("days_left", "Days left", 10),
    ("status", "Status", 15),
    ("citation", "Citation", 20),
    ("text", "Words read in", 14),
    ("explain", "How it is computed", 70),
)
DC = {key: i for i, (key, *_rest) in enumerate(DEADLINE_COLUMNS, start=1)}
LIMITATION_HEADERS = ("Entity", "Year", "Requirement", "First violation", "Last violation",
                      "Every violation in time until", "Any violation in time until", "Days left (every)",
                      "Status")


@dataclass
class DeadlinesResult:
    """The sheet and where its parts are: the table, each deadline's row, the print area."""

    sheet: SheetWriter
    table_ref: str
    table_headers: list[str]
    rows: dict[int, int]
    """Index of a deadline in the list given -> its row on the sheet."""
    last_row: int
    last_col: int


def _matter_cell(item: MatterDeadline, field: str, matter_columns: dict[str, int]) -> str | None:
    col = matter_columns.get(field)
    if col is None:
        return None
    return f"{columns.MATTER_SHEET}!{ref(item.event.row, col, True)}"


def _deadline_args(item: MatterDeadline, matter_columns: dict[str, int]) -> str:
    """``"rule",Matter!$C$5[,option cell]``: the DEADLINE arguments on the Matter row's cells."""
    date = _matter_cell(item, "date", matter_columns)
    delay = _matter_cell(item, "delay_days", matter_columns)
    if date is not None and delay is not None and load_deadline_law().rules[item.rule].law_enforcement_delay \
            and item.option_field != "delay_days":
        date = f"{date}+N({delay})"  # 164.412: the same date as adding the delay to the 60 days
    args = [excel_string(item.rule), date or "NA()"]
    if item.option_field is not None:
        option = _matter_cell(item, item.option_field, matter_columns)
        if option is not None:
            args.append(option)
    return ",".join(args)


def status_formula(done: str | None, due: str, days_left: str) -> str:
    """The Status words (``engine.matter_deadlines.status_text`` says the same in Python)."""
    live = (f'IF({days_left}<0,"past due",IF({days_left}=0,"due today",'
            f'"due in "&{days_left}&IF({days_left}=1," day"," days")))')
    missing = f'IF(OR({due}="{NOT_REQUIRED}",LEFT({due},4)="#N/A"),"{NOT_REQUIRED}","check the event")'
    body = f"IF(ISNUMBER({due}),{live},{missing})"
    return body if done is None else f'IF({done}<>"","done",{body})'


def deadlines_sheet(
    styles: StyleSink,
    page: PageSetup,
    items: list[MatterDeadline],
    matter_columns: dict[str, int] | None,
    limitation: list[LimitationGroup],
    invalid: list[str],
    as_of_name: str = columns.NAME_AS_OF,
    commenced_name: str | None = None,
) -> DeadlinesResult:
    """The Deadlines sheet."""
    law = load_deadline_law()
    ws = SheetWriter(styles, page=page, tab_color="FF1F3864")
    ws.set(1, 1, "Deadlines", TITLE)
    ws.row_heights[1] = 24
    ws.set(2, 1, "Each deadline the Matter sheet's events start, computed by DEADLINE on the Matter cells; "
                 "the rows follow the Matter sheet at the last Refresh. Calendar days for the breach rules "
                 "(45 CFR 164 subpart D), 160.526 for OCR proceedings.", SUBTITLE)
    ws.set(3, 1, "As of:", LABEL)
    ws.set(3, 2, Formula(as_of_name), VALUE_DATE)
    if matter_columns is None:
        ws.set(4, 1, "This workbook has no Matter sheet: 'hipaa-xl new' writes one; copy your events there.",
               WARNING)
    elif invalid:
        text = f"{len(invalid)} Matter row(s) left out: " + "; ".join(invalid[:4]) + ("; ..." if len(invalid) > 4
                                                                                        else "")
        ws.set(4, 1, text, WARNING)
    h = DEADLINES_HEADER_ROW
    headers = [name for _, name, _ in DEADLINE_COLUMNS]
    for i, (_, name, width) in enumerate(DEADLINE_COLUMNS, start=1):
        ws.set(h, i, name, HEADER)
        ws.width(i, width)
    ws.row_heights[h] = 30
    rows: dict[int, int] = {}
    r = h
    cols = matter_columns or {}
    for index, item in enumerate(items):
        r += 1
        rows[index] = r
        rule = law.rules[item.rule]
        args = _deadline_args(item, cols)
        due, left = ref(r, DC["due"]), ref(r, DC["days_left"])
        event_date = _matter_cell(item, "date", cols)
        ws.set(r, DC["id"], item.event.id or f"row {item.event.row}", TEXT)
        delay = f", + {item.shift_days} days' delay" if item.shift_days else ""
        ws.set(r, DC["event"], item.event.kind.label + (f" ({item.event.state}{delay})" if item.event.state
                                                         else (f" ({delay[2:]})" if delay else "")), TEXT_WRAP)
        ws.set(r, DC["event_date"], Formula(f'IF({event_date}="","",{event_date})') if event_date else None, DATE)
        ws.set(r, DC["rule"], item.rule, TEXT)
        # an error value (not required, a bad Matter cell) is cached as text, so that a reader that
        # recomputes error cells (LibreOffice) still shows why; desktop Excel shows the text itself
        ws.set(r, DC["due"], Formula(
            f'IFERROR(DEADLINE({args}),IF(ISNA(DEADLINE({args})),"{NOT_REQUIRED}","check the event"))'), DATE)
        ws.set(r, DC["days_left"], Formula(f'IF(ISNUMBER({due}),{due}-{as_of_name},"")'), INT)
        ws.set(r, DC["status"], Formula(status_formula(_matter_cell(item, "done", cols), due, left)), CENTER)
        ws.set(r, DC["citation"], rule.citation, TEXT_WRAP)
        checked = law.sources[rule.source].checked
        ws.set(r, DC["text"], "current eCFR" if checked else "not checked vs eCFR", TEXT_WRAP)
        reason = item.problem.split(" ", 1)[-1] if item.problem else "see the Matter row"
        ws.set(r, DC["explain"], Formula(f"IFERROR(DEADLINE_EXPLAIN({args}),{excel_string(reason)})"), TEXT_WRAP)
        ws.row_heights[r] = 48
    if not items:
        r += 1
        ws.set(r, 1, "No events on the Matter sheet yet.", TEXT)
        for i in range(2, len(DEADLINE_COLUMNS) + 1):
            ws.set(r, i, None, TEXT)
    table_ref = f"A{h}:{ref(r, len(DEADLINE_COLUMNS))}"
    if items:
        st = column_letter(DC["status"])
        dl = column_letter(DC["days_left"])
        body = f"A{h + 1}:{ref(r, len(DEADLINE_COLUMNS))}"
        status_range = f"{st}{h + 1}:{st}{r}"
        ws.cond(status_range, f'${st}{h + 1}="past due"', RED)
        ws.cond(status_range, f'${st}{h + 1}="done"', GREEN)
        ws.cond(status_range, f'AND(ISNUMBER(${dl}{h + 1}),${dl}{h + 1}<={SOON_DAYS},${st}{h + 1}<>"done")', AMBER)
        ws.cond(body, f'${st}{h + 1}="not required"', GREY)
    r = _limitation(ws, r + 2, limitation, as_of_name, commenced_name)
    r = _notes(ws, r + 1)
    ws.freeze = (h + 1, 3)
    return DeadlinesResult(ws, table_ref, headers, rows, r, len(DEADLINE_COLUMNS))


LIMITATION_COLUMNS = (2, 3, 4, 5, 6, 7, 8, 9, 10)
"""Entity, Year, Requirement, First, Last, Every until, Any until, Days left, Status: columns B-J, so
that each sits in a Deadlines column wide enough for it."""


def _limitation(
    ws: SheetWriter, r: int, groups: list[LimitationGroup], as_of_name: str, commenced_name: str | None
) -> int:
    """Status on the day the action commenced (Settings), else on the as-of date (160.414)."""
    on = as_of_name if commenced_name is None else f"IF(ISNUMBER({commenced_name}),{commenced_name},{as_of_name})"
    ws.set(r, 1, "Six-year limitation per (entity, identical requirement, calendar year)", SECTION)
    r += 1
    ws.set(r, 1, "45 CFR 160.414; 42 U.S.C. 1320a-7a(c)(1): the sixth anniversary is still in time. Status on the "
                 "day the action commenced (Settings), else on the as-of date.", SUBTITLE)
    r += 1
    c_ent, c_year, c_req, c_first, c_last, c_every, c_any, c_left, c_status = LIMITATION_COLUMNS
    for col, text in zip(LIMITATION_COLUMNS, LIMITATION_HEADERS, strict=True):
        ws.set(r, col, text, HEADER)
    ws.row_heights[r] = 30
    first = r + 1
    for g in groups:
        r += 1
        every, any_ = ref(r, c_every), ref(r, c_any)
        ws.set(r, c_ent, g.entity, TEXT)
        ws.set(r, c_year, g.year, CENTER)
        ws.set(r, c_req, g.requirement, TEXT)
        ws.set(r, c_first, g.first_day, DATE)
        ws.set(r, c_last, g.last_day, DATE)
        ws.set(r, c_every, Formula(f'DEADLINE("limitation",{ref(r, c_first)})'), DATE)
        ws.set(r, c_any, Formula(f'DEADLINE("limitation",{ref(r, c_last)})'), DATE)
        ws.set(r, c_left, Formula(f'IF(ISNUMBER({every}),{every}-{as_of_name},"")'), INT)
        ws.set(r, c_status, Formula(
            f'IF({on}<={every},"in time",IF({on}<={any_},"partly time-barred","time-barred"))'
        ), TEXT)
    if not groups:
        r += 1
        ws.set(r, c_ent, "No priced incidents on the Incidents sheet.", TEXT)
    else:
        st = column_letter(c_status)
        status_range = f"{st}{first}:{st}{r}"
        ws.cond(status_range, f'${st}{first}="time-barred"', RED)
        ws.cond(status_range, f'${st}{first}="partly time-barred"', AMBER)
    return r


def _notes(ws: SheetWriter, r: int) -> int:
    law = load_deadline_law()
    notes = (
        "Days left: the due date minus the as-of date on Settings. Status: done when the Matter row has a Done "
        f"date; amber within {SOON_DAYS} days; red past due. Calendar days (164.404(b), 164.406(b), 164.408, "
        "164.410(b), 164.412, 164.524, 160.306): a last day on a weekend or holiday stays.",
        law.countings["cfr160-526"].summary + " (the 160.312 notice and the subpart E proceedings). Holidays: "
        + law.holidays.citation + ". " + law.holidays.note + ".",
        "Words read in: 'not checked vs eCFR' marks a rule whose words could not be read in a current eCFR text "
        "(" + law.sources["reproduction"].description + ").",
        "A law-enforcement delay (164.412) adds its days to the 60 (Delay days); 'without unreasonable delay' may "
        "require notice earlier than the last day. Not legal advice: confirm every date against the text.",
    )
    ws.set(r, 1, "Notes", SECTION)
    for note in notes:
        r += 1
        ws.set(r, 1, note, NOTE)
        ws.merges.append(f"A{r}:J{r}")
        ws.row_heights[r] = 40
    return r


def upcoming_block(ws: SheetWriter, r: int, rows: list[int], style_rows: bool = True) -> int:
    """Summary's "Upcoming" block: the next deadlines, as live references to the Deadlines rows."""
    ws.set(r, 1, "Upcoming deadlines (next five not done; the Deadlines sheet lists them all)", SECTION)
    r += 1
    for i, text in enumerate(("Event", "Rule", "Due", "Days left", "Status"), start=1):
        ws.set(r, i, text, HEADER)
    first = r + 1
    sheet = columns.DEADLINES_SHEET
    for row in rows:
        r += 1
        for i, (key, style) in enumerate((("event", TEXT), ("rule", TEXT), ("due", DATE),
                                          ("days_left", INT), ("status", CENTER)), start=1):
            ws.set(r, i, Formula(f"{sheet}!{ref(row, DC[key], True)}"), style)
    if not rows:
        r += 1
        ws.set(r, 1, "No open deadlines: add the matter's events on the Matter sheet and run Refresh.", NOTE)
        ws.merges.append(f"A{r}:E{r}")
    elif style_rows:
        ws.cond(f"E{first}:E{r}", f'$E{first}="past due"', RED)
        ws.cond(f"E{first}:E{r}", f'AND(ISNUMBER($D{first}),$D{first}<={SOON_DAYS})', AMBER)
    return r
