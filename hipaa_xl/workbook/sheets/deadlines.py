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

from hipaa_xl.engine.deadline_status import CHECK_EVENT, DONE, EXTENDED, WORDS
from hipaa_xl.engine.matter_deadlines import LimitationGroup, MatterDeadline
from hipaa_xl.law.deadline_rules import StatusKind, load_deadline_law
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
    ("owed_by", "Owed by", 14),
    ("due", "Date", 11),
    ("earlier", "Other reading (earlier)", 11),
    ("days_left", "Days left", 10),
    ("status", "Status", 17),
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


def _event_date(item: MatterDeadline, matter_columns: dict[str, int], shifted: bool = True) -> str | None:
    """The date argument: the Matter row's date, plus its delay days where the delay moves this rule's
    event (164.412), or the date of the rule it is chained to (judicial review: board-final)."""
    date = _matter_cell(item, "date", matter_columns)
    if date is None:
        return None
    chained = dict(item.event.kind.chained).get(item.rule)
    if chained is not None:
        parent = next(r for r, _ in item.event.kind.rules if r == chained)
        field = dict(item.event.kind.rules)[parent]
        option = _matter_cell(item, field, matter_columns) if field is not None else None
        return f"DEADLINE({excel_string(parent)},{date}{',' + option if option else ''})"
    delay = _matter_cell(item, "delay_days", matter_columns)
    if shifted and delay is not None and load_deadline_law().rules[item.rule].law_enforcement_delay \
            and item.option_field != "delay_days":
        date = f"{date}+N({delay})"  # 164.412: the same date as adding the delay to the 60 days
    return date


def _deadline_args(item: MatterDeadline, matter_columns: dict[str, int], shifted: bool = True) -> str:
    """``"rule",Matter!$C$5[,option cell]``: the DEADLINE arguments on the Matter row's cells."""
    args = [excel_string(item.rule), _event_date(item, matter_columns, shifted) or "NA()"]
    if item.option_field is not None:
        option = _matter_cell(item, item.option_field, matter_columns)
        if option is not None:
            args.append(option)
    return ",".join(args)


def _earlier_formula(item: MatterDeadline, matter_columns: dict[str, int], due: str) -> str:
    """The other reading's date (decisions 40), blank when it is the same date. A delay that moves the
    event (HHS, media): the later of the date without it and the delay's end."""
    args = _deadline_args(item, matter_columns)
    delay = _matter_cell(item, "delay_days", matter_columns)
    date = _matter_cell(item, "date", matter_columns)
    if (delay is not None and date is not None and item.option_field != "delay_days"
            and load_deadline_law().rules[item.rule].law_enforcement_delay):
        plain = _deadline_args(item, matter_columns, shifted=False)
        other = f"MAX(DEADLINE({plain}),{date}+N({delay}))"
    else:
        option = _matter_cell(item, item.option_field, matter_columns) if item.option_field is not None else None
        if option is None:
            args += ',""'  # the reading is the 4th argument
        other = f'DEADLINE({args},"earlier")'
    return f'IFERROR(IF(AND(ISNUMBER({due}),{other}<{due}),{other},""),"")'


def status_formula(kind: StatusKind, done: str | None, due: str, days_left: str, extended: bool = False) -> str:
    """The Status words of ``engine.deadline_status.status_words``, as a formula on the row's cells."""
    words = WORDS[kind]
    ahead = (f'"{words.before} "&{days_left}&IF({days_left}=1," day"," days")' if words.before.endswith(" in")
             else f'"{words.before}"')
    after = f'"{EXTENDED}"' if extended else f'"{words.after}"'
    live = f'IF({days_left}<0,{after},IF({days_left}=0,"{words.on}",{ahead}))'
    missing = f'IF(OR({due}="{NOT_REQUIRED}",LEFT({due},4)="#N/A"),"{NOT_REQUIRED}","{CHECK_EVENT}")'
    body = f"IF(ISNUMBER({due}),{live},{missing})"
    if done is None or kind != "owed":
        return body
    late = (f'"{EXTENDED}"' if extended else
            f'"done "&({done}-{due})&IF({done}-{due}=1," day"," days")&" late"')
    return f'IF(AND({done}<>"",ISNUMBER({due})),IF({done}<={due},"{DONE}",{late}),{body})'


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
        ws.set(r, DC["owed_by"], rule.owed_by or f"nothing owed: {rule.date_label}", TEXT_WRAP)
        # an error value (not required, a bad Matter cell) is cached as text, so that a reader that
        # recomputes error cells (LibreOffice) still shows why; desktop Excel shows the text itself
        ws.set(r, DC["due"], Formula(
            f'IFERROR(DEADLINE({args}),IF(ISNA(DEADLINE({args})),"{NOT_REQUIRED}","check the event"))'), DATE)
        ws.set(r, DC["earlier"], Formula(_earlier_formula(item, cols, due)), DATE)
        done = _matter_cell(item, "done", cols)
        left_formula = f'IF(ISNUMBER({due}),{due}-{as_of_name},"")'
        if done is not None and rule.status == "owed":
            left_formula = f'IF({done}<>"","",{left_formula})'  # no days left for a done row
        ws.set(r, DC["days_left"], Formula(left_formula), INT)
        ws.set(r, DC["status"], Formula(status_formula(rule.status, done, due, left, item.extended)), CENTER)
        ws.set(r, DC["citation"], rule.citation, TEXT_WRAP)
        checked = law.sources[rule.source].checked
        ws.set(r, DC["text"], "current eCFR" if checked else "not checked vs eCFR", TEXT_WRAP)
        reason = item.problem.split(" ", 1)[-1] if item.problem else "see the Matter row"
        explain = f"IFERROR(DEADLINE_EXPLAIN({args}),{excel_string(reason)})"
        if done is not None and rule.late_is_violation:
            explain = (f'IF(AND({done}<>"",ISNUMBER({due}),N({done})>N({due})),"Possible violation of '
                       f'{rule.late_is_violation}: notice made "&({done}-{due})&" day(s) after the '
                       f'{rule.date_label}. ","")&{explain}')
        ws.set(r, DC["explain"], Formula(explain), TEXT_WRAP)
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
        ws.cond(status_range, f'OR(${st}{h + 1}="past due",RIGHT(${st}{h + 1},5)=" late")', RED)
        ws.cond(status_range, f'${st}{h + 1}="{DONE}"', GREEN)
        ws.cond(status_range, f'AND(ISNUMBER(${dl}{h + 1}),${dl}{h + 1}>=0,${dl}{h + 1}<={SOON_DAYS})', AMBER)
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
                 "day the action commenced (the incidents' own date, else Settings), else on the as-of date.",
           SUBTITLE)
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
        # an incident's own "Action commenced on" (decisions 38) is written as the date; else Settings'
        here = on if g.measured_to_source != "Incidents" or g.measured_to is None else (
            f"DATE({g.measured_to.year},{g.measured_to.month},{g.measured_to.day})")
        ws.set(r, c_status, Formula(
            f'IF({here}<={every},"in time",IF({here}<={any_},"partly time-barred","time-barred"))'
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
        "Days left: the date minus the as-of date on Settings (blank once done). Status: 'due' and red 'past due' "
        "only for what the Owed by column names; 'done' when the Done date is on or before the date, 'done N days "
        "late' in red after it (for a breach notice a possible violation of the rule itself); a date that only "
        "ends something says so ('delay ends', 'posting may come down after', 'final on', 'last day for OCR to "
        f"commence'); amber within {SOON_DAYS} days. Calendar days (164.404(b), 164.406(b), 164.408, 164.410(b), "
        "164.412, 164.524, 160.306): a last day on a weekend or holiday stays.",
        law.countings["cfr160-526"].summary + " (the 160.312 notice and the subpart E proceedings). Holidays: "
        + law.holidays.citation + ". " + law.holidays.note + ".",
        "Words read in: 'not checked vs eCFR' marks a rule whose words could not be read in a current eCFR text "
        "(" + law.sources["reproduction"].description + ").",
        "The breach notices' day 60 is an outer limit: the notice is owed 'without unreasonable delay and in no "
        "case later than 60 calendar days' (164.404(b), 164.406(b), 164.410(b)). A law-enforcement delay (164.412, "
        "Delay days) is added to the 60 (the delay suspends them: our reading); Other reading: the delay only "
        "holds the notice while it lasts (the later of day 60 and the delay's end). A 160.312 notice by mail: "
        "+5 days (160.526(c)); Other reading: without them, the 30 days running from receipt. A business "
        "associate's breach: the Event says whether the covered entity's deadlines run from the business "
        "associate's discovery (its agent, 164.404(a)(2)) or from its notice. Not legal advice: confirm every "
        "date against the text.",
    )
    ws.set(r, 1, "Notes", SECTION)
    for note in notes:
        r += 1
        ws.set(r, 1, note, NOTE)
        ws.merges.append(f"A{r}:J{r}")
        ws.row_heights[r] = 40
    return r


UPCOMING_HEADERS = ("Event", "Rule", "Date", "Other reading", "Days left", "Status")


def upcoming_block(ws: SheetWriter, r: int, rows: list[int], style_rows: bool = True) -> int:
    """Summary's "Upcoming" block: the next deadlines, as live references to the Deadlines rows."""
    ws.set(r, 1, "Upcoming deadlines (next five still open; the Deadlines sheet lists them all)", SECTION)
    r += 1
    for i, text in enumerate(UPCOMING_HEADERS, start=1):
        ws.set(r, i, text, HEADER)
    first = r + 1
    sheet = columns.DEADLINES_SHEET
    for row in rows:
        r += 1
        for i, (key, style) in enumerate((("event", TEXT), ("rule", TEXT), ("due", DATE), ("earlier", DATE),
                                          ("days_left", INT), ("status", CENTER)), start=1):
            ws.set(r, i, Formula(f"{sheet}!{ref(row, DC[key], True)}"), style)
    if not rows:
        r += 1
        ws.set(r, 1, "No open deadlines: add the matter's events on the Matter sheet and run Refresh.", NOTE)
        ws.merges.append(f"A{r}:F{r}")
    elif style_rows:
        ws.cond(f"F{first}:F{r}", f'OR($F{first}="past due",RIGHT($F{first},5)=" late")', RED)
        ws.cond(f"F{first}:F{r}", f'AND(ISNUMBER($E{first}),$E{first}>=0,$E{first}<={SOON_DAYS})', AMBER)
    return r
