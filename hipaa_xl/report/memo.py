"""The exposure memo: an editable Word document built from a refreshed workbook's values.

Page 1 is the bottom line, for a reader who reads nothing else: the statutory range (and the date the
limitation ran to), the lawyer's own figure (the Chosen total, or the probability-weighted scenario
figures, labelled as the lawyer's weighting), what OCR collected in published matters naming the same
sections, the next open deadline with what must be done by then, and what the figures leave out. Then
the detail: the range by year (chart), by entity, requirement and year (with the tier), the four main
schedules, the 45 CFR 160.408 factors beside the Chosen points, the scenarios, the deadlines by urgency
with the limitation per group, and what the figures do not include; then the appendices (incidents,
readings, what each scenario changes, citations) and how the memo was made. A section that does not
apply to the matter is left out (no criminal maxima without a criminal fact, no empty table).

Every figure is a cached value of the workbook (:mod:`hipaa_xl.report.book`), which the CLI first
checks against the engine's own aggregation. A section is a function ``(doc, memo) -> None``;
:data:`SECTIONS` lists them in order, so a new part of the memo is one function and one line.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Inches, Pt

from hipaa_xl import __version__
from hipaa_xl.engine.incidents import group_key
from hipaa_xl.engine.matter_deadlines import LimitationGroup, limitation_groups
from hipaa_xl.law.deadline_rules import load_deadline_law
from hipaa_xl.law.factors import load_factors
from hipaa_xl.law.loader import law_data_version, load_rules
from hipaa_xl.law.readings import readings
from hipaa_xl.law.schedules import schedules
from hipaa_xl.report.book import BookFigures, ExtraTable
from hipaa_xl.report.chart import YearRange, range_chart_png
from hipaa_xl.report.word import (
    GREY,
    NAVY,
    RED,
    add_field,
    add_heading,
    add_para,
    add_table,
    cell_text,
    count,
    date_text,
    fitted_widths,
    money,
    orient,
    set_widths,
)
from hipaa_xl.workbook.sheets.factors.table import factor_applies

DRAFT_MARK = "DRAFT - figures not current"
WIDE_TABLE_COLUMNS = 6
"""An optional table with more columns than this gets a landscape page."""
FACTORS_160_408 = (
    "(a) the nature and extent of the violation; (b) the nature and extent of the harm resulting from it; "
    "(c) the history of prior compliance; (d) the financial condition of the entity; (e) such other "
    "matters as justice may require (45 CFR 160.408)"
)
CLOSEST_OUTCOMES = 3
"""How many published outcomes page 1 names as the closest to the matter."""
OPEN_WORDS = ("due", "past due")
"""Status words (the Deadlines sheet's) of something someone still owes: the urgent rows."""
NOT_OWED = frozenset({"law-enforcement-oral", "alj-final", "limitation", "breach-substitute-posting"})
"""Rules whose date owes nothing of the client (a delay's end, a finality, OCR's own limit, the day a
posting may come down): listed by date, never as the next thing to do."""
WEIGHTED_PREFIX = "Probability-weighted"


@dataclass(frozen=True)
class OptionalTable:
    """A table another feature adds to the workbook; the memo shows it when the workbook has it.

    ``table`` is an Excel table's name, or with ``on_summary`` the first words of a block's title on
    the Summary sheet (a block of values refresh writes there). The scenario and deadline tables have
    sections of their own; the others are shown as they are, in an appendix.
    """

    table: str
    heading: str
    intro: str
    on_summary: bool = False


SCENARIOS_BLOCK = "Scenarios (computed by hipaa-xl"
OPTIONAL_TABLES: tuple[OptionalTable, ...] = (
    OptionalTable(SCENARIOS_BLOCK, "Scenarios",
                  "Each scenario recorded on the workbook's Scenarios sheet, priced by hipaa-xl at refresh beside "
                  "the base (the Incidents as entered).",
                  on_summary=True),
    OptionalTable("ScenarioChanges", "What each scenario changes",
                  "The changes to the Incidents each scenario makes, with the reason recorded for each."),
    OptionalTable("Deadlines", "Deadlines",
                  "The deadlines recorded in the workbook (limitation and notification dates)."),
)
"""The optional tables in the order shown: an Excel table or a Summary block, its heading and intro."""


@dataclass
class Citations:
    """Every citation the memo uses, numbered in order of first use."""

    numbers: dict[str, int] = field(default_factory=dict)

    def ref(self, text: str) -> int:
        """The number of ``text``, given on first use."""
        return self.numbers.setdefault(text, len(self.numbers) + 1)

    def refs(self, texts: Sequence[str]) -> str:
        """``[1], [4]`` for the given citations."""
        return ", ".join(f"[{self.ref(t)}]" for t in dict.fromkeys(texts) if t)


@dataclass
class Memo:
    """What the sections read: the workbook's figures, the draft mark and the numbered citations."""

    figures: BookFigures
    memo_date: dt.date
    draft_reason: str | None = None
    citations: Citations = field(default_factory=Citations)


Section = Callable[[DocumentObject, Memo], None]


# ---------------------------------------------------------------------------------------------
# What the sections share: the matter's numbers read once


def _grand(f: BookFigures) -> dict[str, Any]:
    return f.grand_total.values if f.grand_total else {}


def limitation_to(f: BookFigures) -> tuple[dt.date | None, str]:
    """The date the six-year limitation ran to, and what that date is (160.414; 1320a-7a(c)(1)):
    the day the action commenced when Settings gives it, else the assessment (as-of) date. Where
    incidents name their own action's commencement, the words say so (the dates per group are in the
    limitation table)."""
    own = _limitation_dates(f)
    if len(set(own.values())) > 1:
        first = min(own.values())
        return first, ("the earliest of the actions' commencements (each incident's action measured to "
                       "its own date, see the limitation table)")
    if f.commenced is not None:
        return f.commenced, "the day the action commenced (Settings)"
    if own and f.as_of is not None and next(iter(own.values())) != f.as_of:
        return next(iter(own.values())), "the day the action commenced (Incidents)"
    return f.as_of, "the assessment date (no action has commenced)"


def _limitation_dates(f: BookFigures) -> dict[str, dt.date]:
    """Incident ID -> the date its limitation was measured to, where the engine records it."""
    out: dict[str, dt.date] = {}
    for r in f.aggregation.rows if f.aggregation is not None else ():
        day = getattr(r, "limitation_to", None)
        if isinstance(day, dt.date):
            out.setdefault(r.incident_id, day)
    return out


def weighted_figures(f: BookFigures) -> tuple[Any, Any] | None:
    """The probability-weighted minimum and maximum of the Summary's scenario block, if it has them."""
    block = f.extra_tables.get(SCENARIOS_BLOCK)
    if block is None:
        return None
    headers = [h.casefold() for h in block.headers]
    lo_col = next((i for i, h in enumerate(headers) if h.startswith("statutory minimum") or h == "minimum"), None)
    hi_col = next((i for i, h in enumerate(headers) if h == "maximum"), None)
    for row in block.rows:
        if isinstance(row[0], str) and row[0].startswith(WEIGHTED_PREFIX) and lo_col is not None and hi_col is not None:
            lo, hi = row[lo_col], row[hi_col]
            if _number(lo) and _number(hi):
                return lo, hi
    return None


@dataclass(frozen=True)
class DeadlineLine:
    """One row of the workbook's Deadlines table, as the memo reads it."""

    event_id: str
    event: str
    rule: str
    due: dt.date | None
    days_left: Any
    status: str
    citation: str
    owed_by: str = ""
    """Who owes it (the Deadlines sheet's "Owed by", where the workbook has that column)."""
    earlier: dt.date | None = None
    """The other reading's earlier date (the Deadlines sheet's "Other reading (earlier)"), if any."""

    @property
    def when(self) -> str:
        """The date, and the other reading's earlier date beside it, labelled."""
        return date_text(self.due) + (f" (other reading: {self.earlier.isoformat()})"
                                      if self.earlier is not None and self.earlier != self.due else "")

    @property
    def is_open(self) -> bool:
        """Something someone still owes: its status is "due ..." or "past due" and its rule asks for an act."""
        return self.status.startswith(OPEN_WORDS) and self.rule not in NOT_OWED

    @property
    def is_done(self) -> bool:
        return self.status.startswith("done")

    @property
    def what(self) -> str:
        """What must be done, in the rule's own short words (law data), or the rule's name."""
        rule = load_deadline_law().rules.get(self.rule)
        what = rule.description.split(":")[0] if rule is not None else self.rule
        return what + (f" (by {self.owed_by})" if self.owed_by else "")


def _day(value: Any) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value if isinstance(value, dt.date) else None


def deadline_lines(f: BookFigures) -> list[DeadlineLine]:
    """The Deadlines table's rows by urgency: open ones by due date (past due first), then the dates
    that owe nothing (a delay's end, a finality), then done ones, then those not required."""
    table = f.extra_tables.get("Deadlines")
    if table is None:
        return []
    col = {h.casefold(): i for i, h in enumerate(table.headers)}

    def at(row: tuple[Any, ...], name: str) -> Any:
        i = col.get(name)
        return row[i] if i is not None and i < len(row) else None

    out = []
    for row in table.rows:
        if not cell_text(at(row, "rule")):
            continue  # a blank line of the template's table, or its "No events" placeholder
        day = _day(at(row, "due") if "due" in col else at(row, "date"))
        out.append(DeadlineLine(cell_text(at(row, "event id")), cell_text(at(row, "event")),
                                cell_text(at(row, "rule")), day, at(row, "days left"),
                                cell_text(at(row, "status")), cell_text(at(row, "citation")),
                                cell_text(at(row, "owed by")), _day(at(row, "other reading (earlier)"))))

    def rank(d: DeadlineLine) -> tuple[int, dt.date]:
        kind = 0 if d.is_open else 2 if d.is_done else 3 if d.due is None else 1
        return kind, d.due or dt.date.max

    return sorted(out, key=rank)


def _sections_of_matter(f: BookFigures) -> list[str]:
    """The requirements with counted violations (the sections a published outcome may name)."""
    agg = f.aggregation
    groups = agg.groups if agg is not None else ()
    return list(dict.fromkeys(g.requirement.strip() for g in groups if g.violations > 0))


def _criminal_fact(f: BookFigures) -> bool:
    return any(i.criminal_penalty_imposed or i.criminal_offense_punishable for i in f.incidents)


# ---------------------------------------------------------------------------------------------
# Page furniture


def _page_setup(doc: DocumentObject, memo: Memo) -> None:
    """Letter portrait, 1-inch margins; the privilege legend (and the draft mark) on every page."""
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)
    style.paragraph_format.space_after = Pt(5)
    for name in ("Header", "Footer"):
        doc.styles[name].font.size = Pt(8)
    for section in doc.sections:
        orient(section, landscape=False)
        section.left_margin = section.right_margin = Inches(1)
        section.top_margin = section.bottom_margin = Inches(0.8)
        section.different_first_page_header_footer = False
        legend = memo.figures.legend
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = header.add_run(legend)
        run.bold = True
        run.font.size = Pt(8)
        run.font.color.rgb = GREY
        if memo.draft_reason is not None:
            mark = section.header.add_paragraph(style="Header")
            mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
            draft = mark.add_run(DRAFT_MARK)
            draft.bold = True
            draft.font.size = Pt(12)
            draft.font.color.rgb = RED
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = footer.add_run(legend)
        run.font.size = Pt(8)
        run.font.color.rgb = GREY
        pages = section.footer.add_paragraph(style="Footer")
        pages.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if memo.draft_reason is not None:
            d = pages.add_run(DRAFT_MARK + " - ")
            d.bold = True
            d.font.size = Pt(8)
            d.font.color.rgb = RED
        pages.add_run("Page ").font.size = Pt(8)
        add_field(pages, "PAGE", 8)
        pages.add_run(" of ").font.size = Pt(8)
        add_field(pages, "NUMPAGES", 8)


# ---------------------------------------------------------------------------------------------
# Page 1


def matter_block(doc: DocumentObject, memo: Memo) -> None:
    """MEMORANDUM and the matter block: client, matter, prepared by, date, re."""
    title = doc.add_paragraph()
    title.paragraph_format.space_after = Pt(2)
    run = title.add_run("MEMORANDUM")
    run.bold = True
    run.font.size = Pt(15)
    run.font.color.rgb = NAVY
    m = memo.figures.matter
    matter = m.get("matter_name", "")
    if m.get("matter_number"):
        matter = f"{matter} (No. {m['matter_number']})" if matter else f"No. {m['matter_number']}"
    rows = [
        ("Client", m.get("client", "") or "(not recorded on Settings)"),
        ("Matter", matter or "(not recorded on Settings)"),
        ("Prepared by", m.get("prepared_by", "") or "(not recorded on Settings)"),
        ("Date", memo.memo_date.isoformat()),
        ("Re", "HIPAA civil money penalty exposure (42 U.S.C. 1320d-5; 45 CFR 160.400-160.408), assessed as "
               f"of {date_text(memo.figures.as_of)}"),
    ]
    table = doc.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = "", ""
        for cell, text, bold in ((cells[0], label + ":", True), (cells[1], value, False)):
            p = cell.paragraphs[0]
            p.paragraph_format.space_after = Pt(0)
            r = p.add_run(text)
            r.bold = bold
            r.font.size = Pt(10)
    set_widths(table, (1.1, 5.4))
    if memo.draft_reason is not None:
        p = doc.add_paragraph()
        r = p.add_run(f"{DRAFT_MARK}: {memo.draft_reason}. Do not rely on these figures.")
        r.bold = True
        r.font.color.rgb = RED


def _point(doc: DocumentObject, label: str, text: str) -> None:
    p = doc.add_paragraph(style="List Bullet")
    p.paragraph_format.space_after = Pt(3)
    p.add_run(label + " ").bold = True
    p.add_run(text)


def bottom_line(doc: DocumentObject, memo: Memo) -> None:
    """Page 1: the range, our figure, published outcomes, the next deadline, what is left out."""
    f = memo.figures
    grand = _grand(f)
    add_heading(doc, "Bottom line")
    until, what = limitation_to(f)
    _point(doc, "Statutory range.",
           f"If a civil money penalty is imposed: {money(grand.get('minimum'))} to {money(grand.get('maximum'))} "
           f"for all entities together ('{f.schedule}' schedule). A State attorney general could recover at most "
           f"{money(grand.get('ag'))} in damages (42 U.S.C. 1320d-5(d)(2)). The six-year limitation runs to "
           f"{date_text(until)}, {what}: {count(grand.get('barred'))} earlier violation(s), up to "
           f"{money(grand.get('barred_max'))}, are time-barred and left out (45 CFR 160.414).")
    chosen, weighted = grand.get("chosen"), weighted_figures(f)
    if _positive(chosen):
        n = sum(1 for g in f.groups if _number(g.values.get("chosen")))
        _point(doc, "Our figure.",
               f"The points chosen on the Summary add up to {money(chosen)} ({n} of {len(f.groups)} group(s) "
               "have a Chosen point; the factors behind each are under 'Factors and the points chosen').")
    elif weighted is not None:
        _point(doc, "Our figure (the lawyer's own weighting).",
               f"Weighted by the probabilities counsel gave the scenarios, the range is {money(weighted[0])} to "
               f"{money(weighted[1])}. The probabilities are counsel's judgment recorded on the Scenarios sheet, "
               "not a prediction by OCR or a court.")
    else:
        _point(doc, "Our figure.", "No Chosen point and no scenario probability is recorded: the statutory "
                                   "range is the only figure.")
    _outcomes_point(doc, memo)
    _next_deadline_point(doc, memo)
    leave_out = [
        "Settlement: OCR resolves most matters by a resolution agreement or corrective action; the amount is "
        "negotiated and not bound by the statutory minimum (45 CFR 160.312).",
        "Judgment: a penalty for a violation not due to willful neglect (tiers A and B) may be waived as "
        "excessive (45 CFR 160.412), and the 160.408 factors move the amount within the range; neither is "
        "arithmetic.",
        f"Other exposure: time-barred violations, State-law claims, costs and fees in a State action"
        f"{', criminal liability (42 U.S.C. 1320d-6)' if _criminal_fact(f) else ''} and the cost of a "
        "corrective action plan.",
    ]
    p = doc.add_paragraph(style="List Bullet")
    p.paragraph_format.space_after = Pt(0)
    p.add_run("What the figures leave out.").bold = True
    for line in leave_out:
        q = doc.add_paragraph(line, style="List Bullet 2")
        q.paragraph_format.space_after = Pt(0)
    _entity_table(doc, f)


def _outcomes_point(doc: DocumentObject, memo: Memo) -> None:
    """What OCR collected in published matters naming the same sections (law.outcomes)."""
    from hipaa_xl.law.outcomes import MIN_FOR_STATISTICS, for_sections, statistics

    sections = _sections_of_matter(memo.figures)
    found, which = for_sections(sections)
    label = "Published outcomes."
    if not found:
        _point(doc, label, f"No published outcome named these sections ({', '.join(sections) or 'none counted'}), "
                           "nor any section of the same part of the rules.")
        return
    wanted = [group_key(s) for s in sections]

    def shared(o: Any) -> int:
        return sum(1 for w in wanted if any(group_key(n) == w or group_key(n).startswith(w + "(") for n in o.sections))

    closest = sorted(found, key=lambda o: (-shared(o), -o.date.toordinal(), o.id))[:CLOSEST_OUTCOMES]
    where = ("named the same sections" if which == "same section" else
             f"no published outcome named these sections; {len(found)} named a section of the "
             f"{which.removeprefix('same part: ')} rules")
    stats = statistics(found)
    if stats is not None and stats.count >= MIN_FOR_STATISTICS:
        summary = (f"{stats.count} published OCR outcomes {where}" if which == "same section" else where.capitalize())
        summary += (f": median {money(stats.median)}, middle half {money(stats.q1)} to {money(stats.q3)}, range "
                    f"{money(stats.minimum)} to {money(stats.maximum)} (final amounts, dollars of the day)")
    else:
        summary = (f"{len(found)} published OCR outcome(s) {where}" if which == "same section"
                   else where.capitalize()) + " (too few for statistics)"
    near = "; ".join(f"{o.entity} ({o.date.year}, {money(o.final_amount)})" for o in closest)
    ref = memo.citations.ref("HHS/OCR announcements of resolution agreements and civil money penalties, as "
                             "compiled in hipaa-xl's outcomes data (each amount with its source)")
    _point(doc, label, f"{summary}. Closest: {near} [{ref}]. These are matters OCR chose to announce, not a "
                       "prediction for this one.")


def _next_deadline_point(doc: DocumentObject, memo: Memo) -> None:
    lines = deadline_lines(memo.figures)
    nxt = next((d for d in lines if d.is_open), None)
    if nxt is None:
        text = ("No open deadline: every deadline of the Matter sheet is done or not required." if lines
                else "No Matter events are recorded, so no deadline is computed; the limitation per group is "
                     "under 'Deadlines and the six-year limitation'.")
        _point(doc, "Next deadline.", text)
        return
    later = [d for d in lines if d.is_open and d is not nxt][:2]
    text = (f"{nxt.what}: {nxt.when} ({nxt.status}; {nxt.event_id} {nxt.event}; {nxt.citation}).")
    if later:
        text += " Then: " + "; ".join(f"{d.what}, {d.when} ({d.status})" for d in later) + "."
    _point(doc, "Next deadline.", text)


def _entity_table(doc: DocumentObject, f: BookFigures) -> None:
    g = _grand(f)
    with_chosen = _positive(g.get("chosen"))
    rows = []
    for t in [*f.entity_totals, *([f.grand_total] if f.grand_total else [])]:
        v = t.values
        name = "All entities" if t is f.grand_total else t.entity
        rows.append([name, money(v.get("minimum")), money(v.get("maximum")), money(v.get("ag")),
                     money(v.get("barred_max"))]
                    + ([money(v.get("chosen")) if _positive(v.get("chosen")) else ""] if with_chosen else []))
    headers = ("Entity", "Minimum*", "Maximum", "AG damages (max.)", "Time-barred max.") + (
        ("Chosen",) if with_chosen else ())
    add_table(doc, headers, rows, (2.1, 0.9, 0.9, 0.9, 0.9, 0.8)[:len(headers)], right=(1, 2, 3, 4, 5),
              bold_rows=(len(rows) - 1,), space_after=False)
    add_para(doc, "* The statutory minimum applies only if a penalty is imposed.", size=8, italic=True)


# ---------------------------------------------------------------------------------------------
# The detail


def chart_section(doc: DocumentObject, memo: Memo) -> None:
    """The range by calendar year, one panel per entity; the years continuous (a year without
    violations is a gap, not skipped)."""
    f = memo.figures
    totals: dict[tuple[str, int], list[float]] = {}
    chosen: dict[tuple[str, int], float] = {}
    for g in f.groups:
        if g.year is None:
            continue
        lo, hi = g.values.get("minimum"), g.values.get("maximum")
        key = (g.entity, g.year)
        acc = totals.setdefault(key, [0.0, 0.0])
        acc[0] += lo if _number(lo) else 0.0
        acc[1] += hi if _number(hi) else 0.0
        c = g.values.get("chosen")
        if _number(c):
            chosen[key] = chosen.get(key, 0.0) + c
    ranges = [YearRange(e, y, low, high, chosen.get((e, y))) for (e, y), (low, high) in totals.items() if high > 0]
    title = add_heading(doc, "The range by calendar year")
    title.paragraph_format.keep_with_next = True
    title.paragraph_format.page_break_before = True
    doc.add_paragraph(
        "Each bar runs from the statutory minimum (if a CMP is imposed) to the maximum for the violations "
        "of that calendar year, summed over the entity's requirements, each capped per calendar year "
        "(45 CFR 160.404(b)(2)). Time-barred violations are not shown; a year without violations is empty."
    ).paragraph_format.keep_with_next = True
    png = range_chart_png(ranges, f"Statutory range by calendar year ({f.schedule}, as of {date_text(f.as_of)})",
                          height_in=3.4)
    doc.add_picture(io.BytesIO(png), width=Inches(6.5))


def _tiers(f: BookFigures) -> dict[tuple[str, str, int], str]:
    agg = f.aggregation
    out: dict[tuple[str, str, int], str] = {}
    for g in agg.groups if agg is not None else ():
        tiers = list(dict.fromkeys(p.tier for p in g.parts if p.violations > 0)) or list(
            dict.fromkeys(p.tier for p in g.parts))
        regimes = {p.regime for p in g.parts if p.violations > 0}
        text = "/".join(tiers)
        if "pre-2009" in regimes:
            text += " (pre-2009)"
        out[(g.entity_key, g.requirement_key, g.year)] = text
    return out


def range_section(doc: DocumentObject, memo: Memo) -> None:
    """The range per entity, requirement and calendar year, with the tier and the authority for each row."""
    f = memo.figures
    agg = f.aggregation
    engine = {(g.entity_key, g.requirement_key, g.year): g for g in (agg.groups if agg else ())}
    tiers = _tiers(f)
    add_heading(doc, "The range by entity, requirement and calendar year")
    doc.add_paragraph(
        "One row per entity, identical requirement and calendar year: the unit the calendar-year cap "
        "applies to (45 CFR 160.404(b)(2); 42 U.S.C. 1320d-5(a)(3)). Groups with no violation counted and "
        "nothing time-barred (a duplicate, a cured or criminal incident) are listed in Appendix A only. "
        "Numbers in brackets are the authorities in Appendix D."
    )
    headers = ("Requirement", "Year", "Tier", "Violations", "Time-barred", "Minimum*", "Maximum",
               "AG damages (max.)", "Chosen", "Authority")
    widths = (1.35, 0.42, 0.42, 0.68, 0.6, 0.82, 0.82, 0.72, 0.66, 0.6)
    for total in f.entity_totals:
        rows: list[list[str]] = []
        for g in (x for x in f.groups if x.entity == total.entity):
            if not _positive(g.values.get("violations")) and not _positive(g.values.get("barred")):
                continue
            key = (group_key(g.entity), group_key(g.requirement), g.year or 0)
            req = f.requirements.get(group_key(g.requirement), {})
            req_cite = req.get("citation") or f"45 CFR {g.requirement}"
            eg = engine.get(key)
            caps = [p.cap_citation for p in eg.parts] if eg else []
            title = req.get("title", "")
            rows.append([
                f"{g.requirement}{' - ' + title if title else ''}", str(g.year), tiers.get(key, ""),
                count(g.values.get("violations")), count(g.values.get("barred")), money(g.values.get("minimum")),
                money(g.values.get("maximum")), money(g.values.get("ag")), money(g.values.get("chosen")),
                memo.citations.refs([req_cite, *caps]),
            ])
        v = total.values
        rows.append(["Total " + total.entity, "", "", count(v.get("violations")), count(v.get("barred")),
                     money(v.get("minimum")), money(v.get("maximum")), money(v.get("ag")),
                     money(v.get("chosen")) if _positive(v.get("chosen")) else "", ""])
        add_heading(doc, total.entity, level=2).paragraph_format.keep_with_next = True
        add_table(doc, headers, rows, widths, right=(3, 4, 5, 6, 7, 8), bold_rows=(len(rows) - 1,), font_pt=8,
                  space_after=False)
    add_para(doc, "* Statutory minimum if a CMP is imposed: OCR may resolve a matter by corrective action and "
                  "may waive a penalty for a violation not due to willful neglect (tiers A and B) to the extent "
                  "it would be excessive (42 U.S.C. 1320d-5(b)(3); 45 CFR 160.412). Tier: 45 CFR 160.404(b)(2) "
                  "(A did not know, B reasonable cause, C willful neglect corrected, D not corrected).",
             size=8, italic=True)


def schedules_section(doc: DocumentObject, memo: Memo) -> None:
    """The four main schedules side by side (the Summary's comparison) and why they differ."""
    f = memo.figures
    add_heading(doc, "The four main schedules side by side")
    doc.add_paragraph(
        "The same incidents priced under each reading of the amounts, as computed by hipaa-xl when the "
        f"workbook was refreshed. The figures above use '{f.schedule}'."
    )
    reasons = {name: entry.description for name, entry in schedules().items()}
    rows = [[line.schedule + (" (used)" if line.schedule == f.schedule else ""), money(line.minimum),
             money(line.maximum), money(line.ag), _short(reasons.get(line.schedule, ""), line.note)]
            for line in f.comparison]
    add_table(doc, ("Schedule", "Minimum*", "Maximum", "AG damages (max.)", "What it applies"), rows,
              (1.1, 0.95, 0.95, 0.9, 2.6), right=(1, 2, 3), font_pt=8)


def _short(description: str, note: str) -> str:
    """What a schedule applies, in the words before its description's first colon, and the Summary's note."""
    first = description.split(": ")[0].split(". ")[0].rstrip(".")
    return first + (f" ({note})" if note else "")


def factors_section(doc: DocumentObject, memo: Memo) -> None:
    """The 160.408 factors (Factors sheet, and the old free-text column) beside the Chosen points."""
    f = memo.figures
    add_heading(doc, "Factors (45 CFR 160.408) and the points chosen")
    doc.add_paragraph(
        "Within the range the amount turns on the factors the Secretary may weigh as aggravating or "
        f"mitigating: {FACTORS_160_408}. They are not arithmetic: each row shows the factors counsel marked "
        "for the group and the Chosen point they support."
    )
    agg = f.aggregation
    ids: dict[tuple[str, str, int], set[str]] = {}
    for r in agg.rows if agg is not None else ():
        ids.setdefault((r.entity_key, r.requirement_key, r.year), set()).add(r.incident_id)
    incidents = {i.id: i for i in f.incidents}
    merged: dict[tuple[Any, ...], _FactorRow] = {}
    for g in f.groups:
        key = (group_key(g.entity), group_key(g.requirement), g.year or 0)
        mine = ids.get(key, set())
        marked = [m for m in f.factors if factor_applies(m, key[0], key[1], key[2], mine)]
        notes = [f"{i}: {incidents[i].factors}" for i in sorted(mine) if i in incidents and incidents[i].factors.strip()]
        c = g.values.get("chosen")
        lo, hi = g.values.get("minimum"), g.values.get("maximum")
        if not marked and not notes and not _number(c):
            continue
        if not _number(c) and not (_positive(g.values.get("violations")) or _positive(hi)):
            continue  # nothing counted in this year: the factors show on the years that are
        lines = tuple([f"{m.factor.label()} - {m.effect}" + (f": {m.reason}" if m.reason else "") for m in marked]
                      + [f"(incident note) {n}" for n in notes])
        # the years of one entity and requirement with the same factors share a row; a Chosen point is
        # shown per year with the Summary's check and where it falls in that year's range
        slot = merged.setdefault((key[0], key[1], lines, _number(c)), _FactorRow(g.entity, g.requirement, lines))
        slot.years.append(g.year or 0)
        slot.low += lo if _number(lo) else 0
        slot.high += hi if _number(hi) else 0
        if _number(c):
            where = f"; {(c - lo) / (hi - lo):.0%} of the way from minimum to maximum" if (
                _number(lo) and _number(hi) and hi > lo) else ""
            slot.chosen.append((g.year or 0, f"{money(lo)} - {money(hi)}", money(c),
                                f"{g.values.get('chosen_check') or ''}{where}".strip("; ")))
    rows = []
    for fr in merged.values():
        span = year_spans(fr.years)
        if not fr.chosen:
            rows.append([f"{fr.entity}, {fr.requirement}, {span}", f"{money(fr.low)} - {money(fr.high)}", "", "",
                         "\n".join(fr.lines)])
        elif len(fr.chosen) == 1:
            _year, rng, point, check = fr.chosen[0]
            rows.append([f"{fr.entity}, {fr.requirement}, {span}", rng, point, check, "\n".join(fr.lines)])
        else:  # several years with a Chosen point: one line per year, where it falls in that year's range
            checks = list(dict.fromkeys(check.split(";")[0] for _y, _r, _p, check in fr.chosen))
            rows.append([f"{fr.entity}, {fr.requirement}, {span}", f"{money(fr.low)} - {money(fr.high)}",
                         "\n".join(f"{y}: {point}" + (f" ({check.split('; ')[1].split(' ')[0]})" if "; " in check
                                                      else "") for y, _r, point, check in fr.chosen),
                         "; ".join(c for c in checks if c) + " (each year; % of the way from minimum to maximum)",
                         "\n".join(fr.lines)])
    if not rows:
        doc.add_paragraph("No factor is marked on the Factors sheet or the Incidents, and no Chosen point is "
                          "recorded on the Summary: the figures are the statutory range only.")
        return
    if any(r[2] for r in rows):
        add_table(doc, ("Group", "Range", "Chosen", "Check", "Factors (160.408) and reasons"), rows,
                  (1.25, 1.0, 1.3, 0.85, 2.1), right=(2,), font_pt=8)
    else:
        add_table(doc, ("Group", "Range", "Factors (160.408) and reasons"), [[r[0], r[1], r[4]] for r in rows],
                  (1.6, 1.2, 3.7), font_pt=8)
        doc.add_paragraph("No Chosen point is recorded on the Summary.")
    law = load_factors()
    memo.citations.ref(f"{law.citation} ({law.url}, read {law.read_on.isoformat()})")


@dataclass
class _FactorRow:
    """One row of the factors table: an entity and requirement over the years sharing its factors."""

    entity: str
    requirement: str
    lines: tuple[str, ...]
    years: list[int] = field(default_factory=list)
    low: float = 0
    high: float = 0
    chosen: list[tuple[int, str, str, str]] = field(default_factory=list)
    """(year, range, Chosen, check) of each year with a Chosen point."""


def _has_scenarios(block: ExtraTable) -> bool:
    """Whether the Summary's scenario block prices a scenario besides the base (the Incidents as entered)."""
    col = next((i for i, h in enumerate(block.headers) if h.casefold() == "schedule, as of"), None)
    return col is not None and any(
        col < len(r) and r[col] is not None and not cell_text(r[0]).startswith("Base") for r in block.rows)


def scenarios_section(doc: DocumentObject, memo: Memo) -> None:
    """Each scenario's totals beside the base, and the probability-weighted figures (per-entity rows
    and the changes are in Appendix C)."""
    block = memo.figures.extra_tables.get(SCENARIOS_BLOCK)
    if block is None or not _has_scenarios(block):
        return
    col = {h.casefold(): i for i, h in enumerate(block.headers)}
    pick = [i for i, h in enumerate(block.headers) if h.casefold() in (
        "scenario / entity", "schedule, as of", "probability", "changes", "maximum", "ag damages (maximum)")
        or h.casefold().startswith("statutory minimum")]
    sched = col.get("schedule, as of")
    rows = []
    for row in block.rows:
        first = row[0]
        is_scenario = sched is not None and row[sched] is not None
        if not (is_scenario or (isinstance(first, str) and first.startswith(WEIGHTED_PREFIX))):
            continue
        out = []
        for i in pick:
            v = row[i] if i < len(row) else None
            h = block.headers[i].casefold()
            out.append(f"{v:.0%}" if h == "probability" and _number(v) else
                       money(v) if _number(v) else cell_text(v))
        rows.append(out)
    if not rows:
        return
    headers = [block.headers[i] if not block.headers[i].casefold().startswith("statutory minimum") else "Minimum*"
               for i in pick]
    add_heading(doc, "Scenarios").paragraph_format.keep_with_next = True
    doc.add_paragraph(
        "Each scenario recorded on the Scenarios sheet, priced at refresh, beside the base (the Incidents as "
        "entered). The probabilities and the weighted figures are counsel's own weighting, not a prediction. "
        "Per-entity figures and what each scenario changes are in Appendix C."
    ).paragraph_format.keep_with_next = True
    add_table(doc, headers, rows, fitted_widths(headers, rows), right=tuple(
        i for i, h in enumerate(headers) if h in ("Minimum*", "Maximum", "AG damages (maximum)")), font_pt=8)


def deadlines_section(doc: DocumentObject, memo: Memo) -> None:
    """The deadlines by urgency (open first, by due date; done and the rest after, compact) and the
    six-year limitation of each group, measured to the date it ran to."""
    f = memo.figures
    lines = deadline_lines(f)
    add_heading(doc, "Deadlines and the six-year limitation")
    if lines:
        open_ = [d for d in lines if d.is_open]
        doc.add_paragraph("The deadlines the Matter events start (the Deadlines sheet), the most urgent first; "
                          "the status words are the workbook's, counted from the as-of date "
                          f"{date_text(f.as_of)}.").paragraph_format.keep_with_next = True
        if open_:
            add_table(doc, ("Due", "Days left", "Status", "What must be done", "Event", "Citation"),
                      [[d.when, count(d.days_left), d.status, d.what, f"{d.event_id} {d.event}",
                        d.citation] for d in open_], (0.8, 0.5, 0.85, 2.0, 1.45, 0.9), right=(1,), font_pt=8,
                      space_after=False)
        rest = [d for d in lines if not d.is_open]
        if rest:
            p = doc.add_paragraph()
            p.paragraph_format.space_before = Pt(4)
            p.add_run("Done, lapsed or not required: ").bold = True
            p.add_run("; ".join(f"{d.event_id} {d.rule}" + (f" {date_text(d.due)}" if d.due else "") +
                                f" ({d.status})" for d in rest) + ".").font.size = Pt(9)
    else:
        doc.add_paragraph("No Matter events are recorded, so no notification or proceeding deadline is computed.")
    agg = f.aggregation
    until, what = limitation_to(f)
    if agg is None or until is None:
        return
    groups = [g for g in limitation_groups(agg)]
    keep = {(g.entity_key, g.requirement_key, g.year) for g in agg.groups
            if g.violations > 0 or g.time_barred_violations > 0}
    spans: dict[tuple[str, str], list[Any]] = {}
    for g in groups:  # one line per entity and requirement: its first and last violation over the years
        if (group_key(g.entity), group_key(g.requirement), g.year) not in keep:
            continue
        slot = spans.setdefault((group_key(g.entity), group_key(g.requirement)), [g, g.year, g.year, g.first_day,
                                                                                  g.last_day])
        slot[1], slot[2] = min(slot[1], g.year), max(slot[2], g.year)
        slot[3], slot[4] = min(slot[3], g.first_day), max(slot[4], g.last_day)
    merged = [(LimitationGroup(g.entity, g.requirement, y0, first, last), y0, y1)
              for g, y0, y1, first, last in spans.values()]
    if not merged:
        return
    doc.add_paragraph(
        f"The six-year limitation (45 CFR 160.414; 42 U.S.C. 1320a-7a(c)(1)) measured to {date_text(until)}, "
        f"{what}: an action commenced by 'every in time until' reaches every violation of the group; after "
        "'any in time until' none."
    ).paragraph_format.keep_with_next = True
    measured: dict[tuple[str, str], dt.date] = {}
    for r in agg.rows:  # each group measured to its own action's commencement where the engine records it
        day = getattr(r, "limitation_to", None)
        if isinstance(day, dt.date):
            key = (r.entity_key, r.requirement_key)
            measured[key] = min(measured.get(key, day), day)
    table_rows: list[list[str]] = []
    for g, y0, y1 in merged:
        to = measured.get((group_key(g.entity), group_key(g.requirement)), until)
        table_rows.append([g.entity, g.requirement, str(y0) if y0 == y1 else f"{y0}-{y1}", date_text(g.first_day),
                      date_text(g.last_day), date_text(g.every_in_time_until), date_text(g.any_in_time_until),
                      date_text(to), g.status(to)])
    add_table(doc, ("Entity", "Requirement", "Years", "First violation", "Last violation", "Every in time until",
                    "Any in time until", "Measured to", "Status"), table_rows,
              (1.1, 0.95, 0.5, 0.65, 0.65, 0.65, 0.65, 0.65, 0.7), font_pt=7.5)


def exclusions_section(doc: DocumentObject, memo: Memo) -> None:
    """What the figures do not include; the criminal maxima only when an incident has a criminal fact."""
    f = memo.figures
    grand = _grand(f)
    rules = load_rules()
    add_heading(doc, "What the figures do not include")
    items = [
        "Corrective action instead of a penalty: OCR resolves most matters by voluntary compliance, "
        "corrective action or a resolution agreement, without a civil money penalty (45 CFR 160.312).",
        "Waiver: a penalty for a violation not due to willful neglect (tiers A and B) may be waived to the "
        "extent it would be excessive relative to the violation (45 CFR 160.412; 42 U.S.C. 1320d-5(b)(3)).",
        "Settlements below the statutory minimum: resolution amounts are negotiated and are not bound by "
        "the minimum, which applies only if a CMP is imposed.",
        f"Time-barred violations: {count(grand.get('barred'))} violation(s), up to "
        f"{money(grand.get('barred_max'))} ({rules.limitation_years.citation}).",
        f"Costs and attorney fees a court may award in a State action ({rules.ag_damages.reduction.citation}).",
    ]
    if _positive(grand.get("ag_deferred")):
        items.append(f"State AG damages for {count(grand.get('ag_deferred'))} violation(s), deferred while the "
                     "Secretary's action is pending (42 U.S.C. 1320d-5(d)(7)).")
    criminal = _criminal_fact(f)
    if criminal:
        items.append("Criminal exposure, shown below: the 42 U.S.C. 1320d-6 maxima for knowingly obtaining or "
                     "disclosing health information.")
    for item in items:
        p = doc.add_paragraph(item, style="List Bullet")
        p.paragraph_format.space_after = Pt(2)
    if criminal:
        rows = [[o.label, money(o.fine), f"{o.years} year(s)", o.citation] for o in rules.criminal_offenses.values()]
        add_table(doc, ("Criminal offense (42 U.S.C. 1320d-6)", "Fine (max.)", "Prison (max.)", "Citation"), rows,
                  (3.0, 0.9, 0.9, 1.7), right=(1,), font_pt=8, space_after=False)
        add_para(doc, f"{rules.criminal_note.text} ({rules.criminal_note.citation}).", size=8, italic=True)


# ---------------------------------------------------------------------------------------------
# Appendices


def appendix_incidents(doc: DocumentObject, memo: Memo) -> None:
    """Appendix A: every incident, with what happened to it in the figures."""
    f = memo.figures
    orient(doc.add_section(WD_SECTION.NEW_PAGE), landscape=False)  # a new page, portrait
    add_heading(doc, "Appendix A - Incidents")
    status: dict[str, set[str]] = {}
    barred: dict[str, int] = {}
    for r in f.aggregation.rows if f.aggregation else ():
        notes = status.setdefault(r.incident_id, set())
        if r.status != "counted":
            notes.add(r.status_reason)
        barred[r.incident_id] = barred.get(r.incident_id, 0) + r.time_barred_violations
        if r.ag_status == "deferred":
            notes.add("AG damages deferred")
    for incident_id, days in barred.items():
        if days:
            status[incident_id].add(f"{days:,} violation(s) time-barred")
    rows = []
    for ir in f.rows:
        i = ir.incident
        if i is None:
            rows.append([ir.raw_id or f"row {ir.row}", "", "", "", "", "", "", f"not priced: {ir.reason}"])
            continue
        span = (i.start.isoformat() if i.start else "") + (f" to {i.end.isoformat()}" if i.end else "")
        counted = f"{i.violations:,}" if i.violations is not None else "one a day"
        tier = i.tier or i.culpability or ""
        rows.append([i.id, i.entity, i.requirement, i.description, tier, span, counted,
                     "; ".join(sorted(status.get(i.id, set())))])
    add_table(doc, ("ID", "Entity", "Requirement", "Description", "Culpability / tier", "Dates", "Violations",
                    "Notes"), rows, (0.55, 0.9, 0.8, 1.2, 0.8, 0.75, 0.6, 0.9), font_pt=7.5)


def appendix_readings(doc: DocumentObject, memo: Memo) -> None:
    """Appendix B: each labelled reading of the law the figures rest on, once, with its citation."""
    agg = memo.figures.aggregation
    add_heading(doc, "Appendix B - The readings the figures rest on")
    doc.add_paragraph("Each reading below applied to at least one incident of this matter.")
    for reading in readings():
        if agg is None or not reading.applies(agg):
            continue
        p = doc.add_paragraph(style="List Bullet")
        p.paragraph_format.space_after = Pt(2)
        p.add_run(reading.label + ". ").bold = True
        run = p.add_run(f"{reading.text} ({reading.citation}) [{memo.citations.ref(reading.citation)}]")
        run.font.size = Pt(10)


def appendix_scenarios(doc: DocumentObject, memo: Memo) -> None:
    """Appendix C: the Summary's scenario block in full (per entity) and what each scenario changes;
    any other table a feature adds to the workbook (:data:`OPTIONAL_TABLES`) after them."""
    shown = False
    for spec in OPTIONAL_TABLES:
        if spec.table == "Deadlines":
            continue  # a section of its own
        table = memo.figures.extra_tables.get(spec.table)
        if table is None or not any(any(v is not None and cell_text(v) for v in r) for r in table.rows):
            continue
        if spec.table == SCENARIOS_BLOCK and len(table.headers) > 3 and not _has_scenarios(table):
            continue  # the base alone: nothing a scenario changes
        if not shown:
            add_heading(doc, "Appendix C - Scenarios in full")
            shown = True
        _extra_table(doc, spec, table)


def _extra_table(doc: DocumentObject, spec: OptionalTable, table: ExtraTable) -> None:
    money_cols = {i for i, h in enumerate(table.headers)
                  if any(w in h.casefold() for w in ("minimum", "maximum", "damages", "chosen", "$", "amount"))}
    percent_cols = {i for i, h in enumerate(table.headers) if "probability" in h.casefold()}
    body = [r for r in table.rows if any(v is not None and cell_text(v) != "" for v in r)]
    rows = [[money(v) if i in money_cols and _number(v) else
             f"{v:.0%}" if i in percent_cols and _number(v) else cell_text(v) for i, v in enumerate(r)]
            for r in body]
    wide = len(table.headers) > WIDE_TABLE_COLUMNS
    if wide:  # landscape pages of their own; the header and footer carry over (linked to the previous)
        orient(doc.add_section(WD_SECTION.NEW_PAGE), landscape=True)
    add_heading(doc, spec.heading, level=2).paragraph_format.keep_with_next = True
    where = (f"The Summary's table \u201c{table.name}\u201d." if spec.on_summary
             else f"Workbook table {table.name} on sheet {table.sheet}.")
    doc.add_paragraph(f"{spec.intro} {where}").paragraph_format.keep_with_next = True
    add_table(doc, table.headers, rows, fitted_widths(table.headers, rows, 9.0 if wide else 6.5), font_pt=7.5,
              right=tuple(sorted(money_cols)))
    if wide:
        orient(doc.add_section(WD_SECTION.NEW_PAGE), landscape=False)


def appendix_citations(doc: DocumentObject, memo: Memo) -> None:
    """Appendix D: every citation used, numbered in order of first use."""
    f = memo.figures
    if f.aggregation is not None:
        for r in f.aggregation.rows:
            memo.citations.ref(r.source)
            memo.citations.ref(r.limitation_citation)
    add_heading(doc, "Appendix D - Citations")
    for text, number in memo.citations.numbers.items():
        add_para(doc, f"[{number}] {text}", size=9, tight=True)


def provenance_section(doc: DocumentObject, memo: Memo) -> None:
    """How the memo was made: versions, schedule, assessment date, the table and the workbook's sha256."""
    f = memo.figures
    add_heading(doc, "How this memo was made")
    until, what = limitation_to(f)
    rows = [
        ("hipaa-xl", __version__),
        ("Law data", law_data_version()),
        ("Schedule", f.schedule),
        ("Assessment (as-of) date", date_text(f.as_of)),
        ("Limitation measured to", f"{date_text(until)} ({what})"),
        ("Amounts table", f.table_source),
        ("Workbook", f.file_name),
        ("Workbook sha256", f.sha256),
        ("Workbook stamp", f.stamp),
        ("Memo written", memo.memo_date.isoformat()),
    ]
    add_table(doc, ("Item", "Value"), [list(r) for r in rows], (1.7, 4.8), font_pt=8.5)
    doc.add_paragraph(
        "Every figure in this memo is the workbook's stored value, checked before writing against the "
        "hipaa-xl engine's own aggregation of the same Incidents"
        + (" - except in this draft, whose figures are not current." if memo.draft_reason else ".")
    )


SECTIONS: tuple[Section, ...] = (
    matter_block,
    bottom_line,
    chart_section,
    range_section,
    schedules_section,
    factors_section,
    scenarios_section,
    deadlines_section,
    exclusions_section,
    appendix_incidents,
    appendix_readings,
    appendix_scenarios,
    appendix_citations,
    provenance_section,
)
"""The memo's sections in order; each is ``(doc, memo) -> None``."""
APPENDIX_HEADING = "Appendix A - Incidents"
"""The first heading after the body (the page-count goal counts the pages before it)."""


def _properties(doc: DocumentObject, figures: BookFigures, memo_date: dt.date, draft: bool) -> None:
    """Document properties written fresh from Settings: nothing the Word template or another matter
    carried (python-docx's default template has its own creator, description and keywords)."""
    core = doc.core_properties
    m = figures.matter
    when = dt.datetime.combine(memo_date, dt.time())
    core.author = m.get("prepared_by", "") or "hipaa-xl"
    core.last_modified_by = core.author
    core.title = "HIPAA civil money penalty exposure memo" + (f" - {m['matter_name']}" if m.get("matter_name") else "")
    core.subject = m.get("client", "") or ""
    core.keywords = ""
    core.comments = ""
    core.category = ""
    core.content_status = DRAFT_MARK if draft else ""
    core.identifier = ""
    core.language = ""
    core.version = ""
    core.created = core.modified = when
    core.last_printed = when
    core.revision = 1


def build_memo(figures: BookFigures, memo_date: dt.date, draft_reason: str | None = None) -> bytes:
    """The memo as .docx bytes. ``draft_reason`` marks every page "DRAFT - figures not current"."""
    doc = Document()
    memo = Memo(figures, memo_date, draft_reason)
    _page_setup(doc, memo)
    _properties(doc, figures, memo_date, draft_reason is not None)
    for section in SECTIONS:
        section(doc, memo)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def year_spans(years: Sequence[int]) -> str:
    """2019, 2021-2023: the years, runs of consecutive years joined by a dash."""
    runs: list[list[int]] = []
    for y in sorted(set(years)):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _positive(value: Any) -> bool:
    return _number(value) and value > 0
