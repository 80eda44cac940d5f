"""The Summary sheet: figures per (entity, requirement, calendar year), totals, matrix, comparison, notes.

Every figure is a formula over the Exposure sheet: the ExposureByYear table capped per (tier, regime)
part and the group by the largest cap (decisions 8), AG damages capped once per group (decisions 10),
each figure ``#N/A`` while a row of its group has a Check (decisions 13); the lawyer's Chosen point
(decisions 21); entity and grand totals, a requirement x year matrix for the chart, the maximum under
each schedule (decisions 22), the legal notes and an audit stamp (decisions 24).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hipaa_xl.law.loader import load_rules
from hipaa_xl.workbook import columns as C
from hipaa_xl.workbook.cell_styles import (
    CENTER,
    CHOSEN,
    GRAND_INT,
    GRAND_MONEY,
    GRAND_TEXT,
    GREEN,
    HEADER,
    INT,
    LABEL,
    MONEY,
    NOTE,
    RED,
    SECTION,
    STAMP,
    STATUS,
    TEXT,
    TEXT_WRAP,
    TITLE,
    TOTAL_INT,
    TOTAL_MONEY,
    TOTAL_TEXT,
    TOTAL_TEXT_WRAP,
    VALUE,
    VALUE_DATE,
    WARNING,
)
from hipaa_xl.workbook.deadlines_sheet import upcoming_block
from hipaa_xl.workbook.exposure import OUT_OF_DATE, UP_TO_DATE, XC, Context
from hipaa_xl.workbook.layout import Layout, SummaryGroup
from hipaa_xl.workbook.outcomes_block import ABOUT as OUTCOMES_ABOUT
from hipaa_xl.workbook.outcomes_block import HEADERS as OUTCOMES_HEADERS
from hipaa_xl.workbook.outcomes_block import TITLE as OUTCOMES_TITLE
from hipaa_xl.workbook.outcomes_block import RequirementOutcomes, requirement_outcomes, today_note
from hipaa_xl.workbook.sheetxml import Formula, PageSetup, SheetWriter, StyleSink, ref
from hipaa_xl.workbook.styles import Style

SUMMARY_HEADER_ROW = 7
SUMMARY_ROWS_BEFORE_CHART = 18
"""A matrix longer than this pushes the chart onto a page of its own."""

SUMMARY_COLUMNS: tuple[tuple[str, str, float, Style], ...] = (
    ("entity", "Entity", 30, TEXT),
    ("requirement", "Requirement", 19, TEXT),
    ("year", "Year", 7, CENTER),
    ("violations", "Violations", 11, INT),
    ("barred", "Time-barred violations", 11, INT),
    ("minimum", "Statutory minimum (if a CMP is imposed)", 15, MONEY),
    ("maximum", "Maximum", 15, MONEY),
    ("barred_max", "Time-barred maximum", 14, MONEY),
    ("ag", "AG damages (maximum)", 13, MONEY),
    ("ag_deferred", "AG deferred violations", 11, INT),
    ("checks", "Rows to check", 8, INT),
    ("chosen", "Chosen", 15, CHOSEN),
    ("chosen_check", "Chosen check", 16, TEXT),
    ("group", "Group no.", 7, CENTER),
)
SC = {key: i for i, (key, *_rest) in enumerate(SUMMARY_COLUMNS, start=1)}


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
    styles: StyleSink,
    layout: Layout,
    ctx: Context,
    page: PageSetup,
    chosen: dict[tuple[str, str, int], object],
    comparison: list[tuple[str, int, int, float | int, str]],
    stamp: str,
    has_matter: bool,
    key: Callable[[str], str],
    upcoming: list[int] | None = None,
    section: Callable[[SheetWriter, int], int] | None = None,
    section_stale: str | None = None,
    hidden: Callable[[SheetWriter, int], None] | None = None,
) -> SummaryResult:
    """The Summary sheet (issue 5; decisions 8, 10, 13, 21-24).

    ``section`` writes a further section (the scenarios, issue 14) on a page of its own after the
    schedule comparison and returns its last row; ``section_stale`` is a condition that also makes
    the layout out of date; ``hidden`` writes hidden cells from a row below everything printed.
    """
    ws = SheetWriter(styles, page=page, tab_color="FF1F3864")
    ws.set(1, 1, "HIPAA civil money penalty exposure", TITLE)
    ws.row_heights[1] = 24
    ws.set(2, 1, Formula(f'IF({C.NAME_MATTER}="","",{C.NAME_MATTER})') if has_matter else "", LABEL)
    ws.set(3, 1, "Schedule:", LABEL)
    ws.set(3, 2, Formula(ctx.schedule_name), VALUE)
    ws.set(3, 3, "As of:", LABEL)
    ws.set(3, 4, Formula(ctx.as_of_name), VALUE_DATE)
    ws.set(3, 5, "Table:", LABEL)
    ws.set(3, 6, Formula(f"SCHEDULE_SOURCE({ctx.schedule_name},{ctx.as_of_name})"), VALUE)
    ws.merges.append("F3:M3")
    extra = f",{section_stale}" if section_stale else ""
    stale = (
        f"OR(SUM({_rng(ctx, 'stale')})>0,COUNTA({ctx.id_range})<>{layout.incidents_with_id}{extra})"
    )
    ws.set(4, 1, Formula(
        f'IF(ISERROR({stale}),"Some Exposure rows need checking (see the Check column)",'
        f'IF({stale},"{OUT_OF_DATE}","{UP_TO_DATE}"))'
    ), STATUS)
    ws.merges.append("A4:F4")
    ws.cond("A4", f'$A$4="{OUT_OF_DATE}"', RED)
    ws.cond("A4", f'$A$4="{UP_TO_DATE}"', GREEN)
    invalid = [ln for ln in layout.lines if ln.kind == "invalid" and ln.first_of_incident]
    if invalid:
        text = f"{len(invalid)} Incidents row(s) could not be priced and are left out: " + "; ".join(
            f"row {ln.incident.row}: {ln.incident.reason}" for ln in invalid[:5]
        ) + ("; ..." if len(invalid) > 5 else "") + " (see the Check column on Exposure)."
        ws.set(5, 1, text, WARNING)
    h = SUMMARY_HEADER_ROW
    headers = [name for _, name, _, _ in SUMMARY_COLUMNS]
    for i, (_, name, width, _) in enumerate(SUMMARY_COLUMNS, start=1):
        ws.set(h, i, name, HEADER)
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
    if upcoming is not None:  # issue 15: the next deadlines, live from the Deadlines sheet
        r = upcoming_block(ws, r + 2, upcoming)
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
    r = outcomes_block(ws, r + 2, requirement_outcomes(g.requirement for g in layout.groups))
    if section is not None:
        ws.row_breaks.append(r + 1)
        r = section(ws, r + 2)
    r = _notes(ws, r + 1, any(g.members for g in layout.groups))
    ws.set(r + 1, 1, stamp, STAMP)
    last_row = r + 1
    if hidden is not None:
        hidden(ws, last_row + 3)
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
        f'IF(OR({ch}<{lo},{ch}>{hi}),"{OUTSIDE}","{WITHIN}")))'
    ), styles["chosen_check"])
    ws.cond(ref(r, SC["chosen_check"]), f'{ref(r, SC["chosen_check"])}="{OUTSIDE}"', RED)


OUTSIDE = "Outside the statutory range"
WITHIN = "Within the statutory range"
"""The Chosen check: real outcomes often fall below the statutory range (see the notes)."""


def _entity_label(entity: str, members: tuple[str, ...]) -> str:
    """The Totals label of an entity; an affiliated covered entity names its members as jointly and
    severally liable for its one amount (160.402(b)(2))."""
    if not members:
        return entity
    return f"{entity} (affiliated covered entity: {', '.join(members)} jointly and severally liable)"


_TOTAL_KEYS = ("violations", "barred", "minimum", "maximum", "barred_max", "ag", "ag_deferred", "chosen")


def _totals(ws: SheetWriter, layout: Layout, r: int, ctx: Context) -> int:
    """Decisions 22: a total per entity and a grand total (#N/A while a group in it has a Check)."""
    orphans = f"{_rng(ctx, 'problem')},{_rng(ctx, 'group')}"
    ws.set(r, 1, "Totals", SECTION)
    r += 1
    for i, (k, name, _, _) in enumerate(SUMMARY_COLUMNS, start=1):
        if k in ("entity",) or k in _TOTAL_KEYS:
            ws.set(r, i, "Entity" if k == "entity" else name, HEADER)
    ws.row_heights[r] = 45
    blocks: list[tuple[str, int, int]] = []
    members: dict[str, dict[str, None]] = {}
    for g in layout.groups:
        members.setdefault(g.entity, {}).update(dict.fromkeys(g.members))
        if blocks and blocks[-1][0] == g.entity:
            blocks[-1] = (g.entity, blocks[-1][1], g.sheet_row)
        else:
            blocks.append((g.entity, g.sheet_row, g.sheet_row))
    entity_rows = []
    for entity, a, b in blocks:
        r += 1
        entity_rows.append(r)
        label = _entity_label(entity, tuple(members.get(entity, {})))
        if label == entity:
            ws.set(r, 1, label, TOTAL_TEXT)
        else:  # an affiliated covered entity: its members named, over the blank Requirement and Year
            ws.set(r, 1, label, TOTAL_TEXT_WRAP)
            for col in (2, 3):
                ws.set(r, col, None, TOTAL_TEXT_WRAP)
            ws.merges.append(f"A{r}:C{r}")
            ws.row_heights[r] = 13 * max(2, -(-len(label) // 60))
        for k in _TOTAL_KEYS:
            col = SC[k]
            style = TOTAL_MONEY if k in ("minimum", "maximum", "barred_max", "ag", "chosen") else TOTAL_INT
            ws.set(r, col, Formula(f"SUM({ref(a, col)}:{ref(b, col)})"), style)
    r += 1
    ws.set(r, 1, "Grand total", GRAND_TEXT)
    for k in _TOTAL_KEYS:
        col = SC[k]
        style = GRAND_MONEY if k in ("minimum", "maximum", "barred_max", "ag", "chosen") else GRAND_INT
        expr = "+".join(ref(er, col) for er in entity_rows) if entity_rows else "0"
        # decisions 13: a row that is in no group (unpriced, entity or requirement unknown) still
        # makes the grand total #N/A
        ws.set(r, col, Formula(f"IF(SUMIFS({orphans},0)>0,NA(),{expr})"), style)
    return r


def _matrix(ws: SheetWriter, layout: Layout, r: int) -> tuple[int, str, str, int]:
    """Requirement rows x year columns of the Maximum, with totals (issue 5)."""
    ws.set(r, 1, "Maximum exposure by requirement and calendar year (all entities)", SECTION)
    r += 1
    years = sorted({g.year for g in layout.groups})
    reqs: dict[str, str] = {}
    for g in layout.groups:
        reqs.setdefault(" ".join(g.requirement.split()).casefold(), g.requirement)
    header_row = r
    ws.set(r, 1, "Requirement", HEADER)
    for j, year in enumerate(years, start=2):
        ws.set(r, j, year, HEADER)
    total_col = 2 + len(years)
    ws.set(r, total_col, "Total", HEADER)
    max_col = SC["maximum"]
    first_data = r + 1
    for req_key, req in sorted(reqs.items()):
        r += 1
        ws.set(r, 1, req, TEXT)
        for j, year in enumerate(years, start=2):
            cells = [
                ref(g.sheet_row, max_col)
                for g in layout.groups
                if g.year == year and " ".join(g.requirement.split()).casefold() == req_key
            ]
            ws.set(r, j, Formula("+".join(cells)) if cells else None, MONEY)
        ws.set(r, total_col, Formula(f"SUM({ref(r, 2)}:{ref(r, total_col - 1)})") if years else 0,
               TOTAL_MONEY)
    last_data = r
    r += 1
    ws.set(r, 1, "Total", GRAND_TEXT)
    for j in range(2, total_col + 1):
        ws.set(r, j, Formula(f"SUM({ref(first_data, j)}:{ref(last_data, j)})") if last_data >= first_data
               else 0, GRAND_MONEY)
    cats = f"{C.SUMMARY_SHEET}!{ref(header_row, 2, True)}:{ref(header_row, max(2, total_col - 1), True)}"
    vals = f"{C.SUMMARY_SHEET}!{ref(r, 2, True)}:{ref(r, max(2, total_col - 1), True)}"
    return r, cats, vals, len(years)


def _comparison(ws: SheetWriter, comparison: list[tuple[str, int, int, float | int, str]], r: int) -> int:
    """Decisions 22: the grand total under each reading of the law, so the choice is visible."""
    ws.set(r, 1, "Maximum under each schedule (computed by hipaa-xl at refresh, not live)", SECTION)
    r += 1
    for i, text in enumerate(("Schedule", "Statutory minimum (if a CMP is imposed)", "Maximum",
                              "AG damages (maximum)"), start=1):
        ws.set(r, i, text, HEADER)
    ws.set(r, 5, "Note", HEADER)
    ws.merges.append(f"E{r}:I{r}")
    ws.row_heights[r] = 30
    for name, lo, hi, ag, note in comparison:
        r += 1
        ws.set(r, 1, name, TEXT)
        ws.set(r, 2, lo, MONEY)
        ws.set(r, 3, hi, MONEY)
        ws.set(r, 4, ag, MONEY)
        ws.set(r, 5, note, TEXT_WRAP)
        ws.merges.append(f"E{r}:I{r}")
    return r


def outcomes_block(ws: SheetWriter, r: int, rows: list[RequirementOutcomes]) -> int:
    """Decisions 39: the published OCR outcomes per requirement, as values written at refresh."""
    ws.set(r, 1, OUTCOMES_TITLE, SECTION)
    r += 1
    ws.set(r, 1, OUTCOMES_ABOUT, NOTE)
    ws.merges.append(f"A{r}:M{r}")
    ws.row_heights[r] = 13 * max(2, -(-len(OUTCOMES_ABOUT) // 240))
    r += 1
    for col, text in zip((1, 2, 3, 4, 6, 7, 8, 9), OUTCOMES_HEADERS, strict=True):
        ws.set(r, col, text, HEADER)
    ws.set(r, 5, None, HEADER)
    ws.merges.append(f"D{r}:E{r}")
    ws.row_heights[r] = 30
    for row in rows:
        r += 1
        ws.set(r, 1, row.requirement, TEXT)
        ws.set(r, 2, row.basis, TEXT_WRAP)
        ws.set(r, 3, len(row.outcomes), INT)
        ws.set(r, 4, row.years, CENTER)
        ws.set(r, 5, None, CENTER)
        ws.merges.append(f"D{r}:E{r}")
        stats, today = row.statistics, row.today
        if stats is None or today is None:
            text = row.listing()
            ws.set(r, 6, text, TEXT_WRAP)
            for col in (7, 8, 9):
                ws.set(r, col, None, TEXT_WRAP)
            ws.merges.append(f"F{r}:I{r}")
            ws.row_heights[r] = 12 * max(2 if len(row.basis) > 20 else 1, -(-len(text) // 80))
            continue
        for col, value in zip((6, 7, 8, 9), (stats.median, stats.minimum, stats.maximum, today.median), strict=True):
            ws.set(r, col, value, MONEY)
        if len(row.basis) > 20:
            ws.row_heights[r] = 24
    r += 1
    note = today_note()
    ws.set(r, 1, note, NOTE)
    ws.merges.append(f"A{r}:M{r}")
    ws.row_heights[r] = 13 * max(1, -(-len(note) // 240))
    return r


def _notes_texts(affiliated: bool = False) -> tuple[str, ...]:
    """The notes printed under the Summary; amounts and citations come from the law data."""
    rules = load_rules()
    ag = rules.ag_damages
    notes = [
        "Caps: each (entity, identical requirement, calendar year) is capped by the calendar-year cap for "
        "identical violations (45 CFR 160.404(b)(2); 42 U.S.C. 1320d-5(a)(3)). Where one group mixes tiers or "
        "regimes (pre-2009, unadjusted, inflation-adjusted) under a schedule with different caps, each tier's "
        "sum is capped by its own cap and the group's total by the largest of them, the cap that bounds it; "
        "a literal reading could allow the sum of the caps.",
        f"Statutory minimum (if a CMP is imposed): the floor binds only if a penalty is imposed. "
        f"{rules.corrective_action.text[0].upper()}{rules.corrective_action.text[1:]} "
        f"({rules.corrective_action.citation}), and {rules.waiver.text} ({rules.waiver.citation}); "
        f"{rules.willful_neglect_penalty_required.text} ({rules.willful_neglect_penalty_required.citation}). "
        f"Chosen: the lawyer's point (160.408 factors); '{OUTSIDE}' flags a point outside "
        "[minimum, maximum]. Real outcomes often fall below the statutory range (Gums Dental: $70,000 "
        "proposed against a statutory total of about $7.68 million).",
        f"AG damages (maximum): State attorney general damages, at most ${ag.per_violation.value:,} a violation "
        f"and ${ag.cap.value:,} per group (1320d-5(d)(2)); the court may reduce them. {ag.all_states_note.text[0].upper()}"
        f"{ag.all_states_note.text[1:]} ({ag.all_states_note.citation}). Not for cured, criminal, duplicate, "
        "time-barred or pre-2009 violations; time-barred days stay barred (d)(8), and only days still in time "
        "are deferred while the federal action is pending (d)(7).",
        "Time-barred: a violation day is barred once the action commenced after its sixth anniversary "
        "(42 U.S.C. 1320a-7a(c)(1); 45 CFR 160.414): 'Action commenced on' on Settings (the notice of proposed "
        "determination, 45 CFR 160.420), or the as-of date when blank. Barred days are shown apart and left "
        "out of the figures. Time-barred maximum: what those days would have carried, capped on its own; it "
        "is not added to the Maximum.",
        "#N/A: a row of this group has a Check on the Exposure sheet (decisions 13); fix the Incidents row "
        "and run Refresh. The figures are live formulas; the layout follows the Incidents at the last Refresh.",
    ]
    if affiliated:
        notes.insert(1, (
            f"Affiliated covered entity: its members' incidents for its act are grouped and capped once under it, "
            f"the members jointly and severally liable for that one amount "
            f"({rules.affiliated_covered_entity.citation.split(':')[0]}); the totals count it once. "
            f"Several covered entities responsible for one violation are each penalised "
            f"({rules.affiliated_covered_entity.several_entities_citation.split(':')[0]})."
        ))
    return tuple(notes)


def _notes(ws: SheetWriter, r: int, affiliated: bool = False) -> int:
    ws.set(r, 1, "Notes", SECTION)
    for note in _notes_texts(affiliated):
        r += 1
        ws.set(r, 1, note, NOTE)
        ws.merges.append(f"A{r}:M{r}")
        ws.row_heights[r] = 13 * max(2, -(-len(note) // 240))  # about 240 characters a line across A:M
    return r
