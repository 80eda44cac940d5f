"""The exposure memo: an editable Word document built from a refreshed workbook's values.

The memo reads as a lawyer would write it, in this order: the privilege legend at the top and bottom
of every page (Settings' Privilege legend), the matter block, the question and the short answer, a
chart of the range by calendar year per entity, the range per entity, requirement and calendar year
with citations, the four main schedules side by side and why they differ, the readings the figures
rest on, the 45 CFR 160.408 factors and the Chosen points, what the figures do not include, the
tables other features add to the workbook (:data:`OPTIONAL_TABLES`), an appendix of the incidents
and every citation, and how the memo was made. Every figure is a cached value of the workbook
(:mod:`hipaa_xl.report.book`), which the CLI first checks against the engine's own aggregation.

A section is a function ``(doc, memo) -> None``; :data:`SECTIONS` lists them in order, so a new
part of the memo is one function and one line.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from hipaa_xl import __version__
from hipaa_xl.engine.dollars import dollars
from hipaa_xl.engine.incidents import group_key
from hipaa_xl.law.loader import law_data_version, load_rules, load_series
from hipaa_xl.law.schedules import schedules
from hipaa_xl.report.book import BookFigures, ExtraTable
from hipaa_xl.report.chart import YearRange, range_chart_png

DRAFT_MARK = "DRAFT - figures not current"
NAVY = RGBColor(0x1F, 0x38, 0x64)
RED = RGBColor(0xC0, 0x00, 0x00)
GREY = RGBColor(0x59, 0x59, 0x59)
BODY_FONT = "Times New Roman"
TABLE_FONT_PT = 8.5
WIDE_TABLE_COLUMNS = 6
"""An optional table with more columns than this gets a landscape page."""
FACTORS_160_408 = (
    "(a) the nature and extent of the violation; (b) the nature and extent of the resulting harm; "
    "(c) the history of prior compliance; (d) the financial condition of the entity; (e) such other "
    "matters as justice may require (45 CFR 160.408)"
)


@dataclass(frozen=True)
class OptionalTable:
    """A table another feature adds to the workbook; the memo shows it when the workbook has it.

    ``table`` is an Excel table's name, or with ``on_summary`` the first words of a block's title on
    the Summary sheet (a block of values refresh writes there).
    """

    table: str
    heading: str
    intro: str
    on_summary: bool = False


OPTIONAL_TABLES: tuple[OptionalTable, ...] = (
    OptionalTable("Scenarios (computed by hipaa-xl", "Scenarios",
                  "Each scenario recorded on the workbook's Scenarios sheet, priced by hipaa-xl at refresh beside "
                  "the base (the Incidents as entered), per entity, with the difference from the base.",
                  on_summary=True),
    OptionalTable("ScenarioChanges", "What each scenario changes",
                  "The changes to the Incidents each scenario makes, with the reason recorded for each."),
    OptionalTable("Deadlines", "Deadlines",
                  "The deadlines recorded in the workbook (limitation and notification dates)."),
)
"""The optional sections in the order shown: an Excel table or a Summary block, its heading and intro."""


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
# Formatting


def money(value: Any) -> str:
    """$1,234 (-$1,234) for a number; an error text (``#N/A``) or a blank as it is."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int | float):
        return dollars(value)
    return str(value)


def count(value: Any) -> str:
    """1,234 for a number; anything else as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,.0f}"
    return "" if value is None else str(value)


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else "(not recorded)"


def _heading(doc: DocumentObject, text: str, level: int = 1) -> Paragraph:
    p: Paragraph = doc.add_heading(text, level=level)
    for run in p.runs:
        run.font.color.rgb = NAVY
        run.font.name = BODY_FONT
    return p


def _para(doc: DocumentObject, text: str = "", bold: bool = False, size: float | None = None,
          italic: bool = False, tight: bool = False) -> Paragraph:
    p = doc.add_paragraph()
    if tight:
        p.paragraph_format.space_after = Pt(1)
    if text:
        run = p.add_run(text)
        run.bold = bold
        run.italic = italic
        if size:
            run.font.size = Pt(size)
    return p


def _table(doc: DocumentObject, headers: Sequence[str], rows: Sequence[Sequence[str]],
           widths: Sequence[float] | None = None, right: Sequence[int] = (), bold_rows: Sequence[int] = (),
           font_pt: float = TABLE_FONT_PT) -> Table:
    table: Table = doc.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, text in enumerate(headers):
        cell = table.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(font_pt)
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        _shade(cell, "1F3864")
    _repeat_header(table.rows[0])
    for r_index, row in enumerate(rows):
        cells = table.rows[r_index + 1].cells
        for i, text in enumerate(row):
            cells[i].text = ""
            para = cells[i].paragraphs[0]
            run = para.add_run(text)
            run.font.size = Pt(font_pt)
            run.bold = r_index in bold_rows
            if i in right:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if r_index in bold_rows:
                _shade(cells[i], "E7E6E6")
    if widths:
        _widths(table, widths)
    doc.add_paragraph()
    return table


def _widths(table: Table, widths: Sequence[float]) -> None:
    """Fixed column widths (Word reads the cells, LibreOffice the grid: set both)."""
    table.autofit = False
    for i, width in enumerate(widths):
        table.columns[i].width = Inches(width)
        for cell in table.columns[i].cells:
            cell.width = Inches(width)


def _shade(cell: Any, fill: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    props.append(shading)


def _repeat_header(row: Any) -> None:
    props = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    props.append(flag)


def _field(paragraph: Paragraph, code: str, size: float) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``) in ``paragraph``."""
    run = paragraph.add_run()
    run.font.size = Pt(size)
    begin, instr, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {code} "
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run._r.append(sep)
    text = OxmlElement("w:t")
    text.text = "1"
    run._r.append(text)
    run._r.append(end)


# ---------------------------------------------------------------------------------------------
# Page furniture


def _page_setup(doc: DocumentObject, memo: Memo) -> None:
    """Letter portrait, 1-inch margins; the privilege legend (and the draft mark) on every page."""
    style = doc.styles["Normal"]
    style.font.name = BODY_FONT
    style.font.size = Pt(11)
    for name in ("Header", "Footer"):
        doc.styles[name].font.size = Pt(8)
    for section in doc.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Inches(8.5), Inches(11)
        section.left_margin = section.right_margin = Inches(1)
        section.top_margin = section.bottom_margin = Inches(0.9)
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
        _field(pages, "PAGE", 8)
        pages.add_run(" of ").font.size = Pt(8)
        _field(pages, "NUMPAGES", 8)


# ---------------------------------------------------------------------------------------------
# Sections, in the order of the memo


def matter_block(doc: DocumentObject, memo: Memo) -> None:
    """MEMORANDUM and the matter block: client, matter, prepared by, date."""
    title = doc.add_paragraph()
    run = title.add_run("MEMORANDUM")
    run.bold = True
    run.font.size = Pt(16)
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
        ("Re", "HIPAA civil money penalty exposure: statutory range, State attorney general damages "
               f"and time-barred amounts, assessed as of {_date(memo.figures.as_of)}"),
    ]
    table = doc.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = "", ""
        cells[0].paragraphs[0].add_run(label + ":").bold = True
        cells[1].paragraphs[0].add_run(value)
    _widths(table, (1.2, 5.3))
    if memo.draft_reason is not None:
        p = doc.add_paragraph()
        r = p.add_run(f"{DRAFT_MARK}: {memo.draft_reason}. Do not rely on these figures.")
        r.bold = True
        r.font.color.rgb = RED
    doc.add_paragraph()


def question_and_answer(doc: DocumentObject, memo: Memo) -> None:
    """The question presented and the short answer, in totals."""
    f = memo.figures
    grand = f.grand_total.values if f.grand_total else {}
    entities = [t.entity for t in f.entity_totals]
    _heading(doc, "Question presented")
    doc.add_paragraph(
        f"What civil money penalties could the Secretary of HHS (OCR) impose on {_join(entities) or 'the entities'} "
        f"for the incidents recorded in the matter workbook, assessed as of {_date(f.as_of)} under the "
        f"'{f.schedule}' schedule, and what damages could a State attorney general recover "
        "(42 U.S.C. 1320d-5; 45 CFR 160.400-160.408)?"
    )
    _heading(doc, "Short answer")
    doc.add_paragraph(
        f"If a civil money penalty is imposed, the statutory range for all entities together is "
        f"{money(grand.get('minimum'))} to {money(grand.get('maximum'))} ({f.table_source or f.schedule}). "
        f"A State attorney general could recover at most {money(grand.get('ag'))} in damages "
        "(42 U.S.C. 1320d-5(d)(2)); a court may award less."
    )
    doc.add_paragraph(
        f"Time-barred and left out of these figures: {count(grand.get('barred'))} violation(s), which "
        f"would have carried up to {money(grand.get('barred_max'))} (six-year limitation, 42 U.S.C. "
        "1320a-7a(c)(1); 45 CFR 160.414)."
        + (f" State AG damages for {count(grand.get('ag_deferred'))} violation(s) are deferred while the "
           "Secretary's action is pending (42 U.S.C. 1320d-5(d)(7))." if _positive(grand.get("ag_deferred"))
           else "")
    )
    for t in f.entity_totals:
        v = t.values
        doc.add_paragraph(
            f"{t.entity}: {money(v.get('minimum'))} to {money(v.get('maximum'))}; AG damages at most "
            f"{money(v.get('ag'))}; time-barred maximum {money(v.get('barred_max'))}."
            + (f" Chosen: {money(v.get('chosen'))}." if _positive(v.get("chosen")) else ""),
            style="List Bullet",
        )
    if _positive(grand.get("chosen")):
        doc.add_paragraph(f"The points chosen on the Summary add up to {money(grand.get('chosen'))}.")


def chart_section(doc: DocumentObject, memo: Memo) -> None:
    """The range by calendar year, one panel per entity."""
    f = memo.figures
    totals: dict[tuple[str, int], list[float]] = {}
    chosen: dict[tuple[str, int], float] = {}
    for g in f.groups:
        if g.year is None:
            continue
        lo, hi = g.values.get("minimum"), g.values.get("maximum")
        key = (g.entity, g.year)
        acc = totals.setdefault(key, [0.0, 0.0])
        acc[0] += lo if isinstance(lo, int | float) else 0.0
        acc[1] += hi if isinstance(hi, int | float) else 0.0
        c = g.values.get("chosen")
        if isinstance(c, int | float) and not isinstance(c, bool):
            chosen[key] = chosen.get(key, 0.0) + c
    ranges = [YearRange(e, y, lo, hi, chosen.get((e, y))) for (e, y), (lo, hi) in totals.items()]
    _heading(doc, "The range by calendar year").paragraph_format.keep_with_next = True
    doc.add_paragraph(
        "Each bar runs from the statutory minimum (if a CMP is imposed) to the maximum for the violations "
        "of that calendar year, summed over the entity's requirements; each requirement is capped per "
        "calendar year (45 CFR 160.404(b)(2)). Time-barred violations are not shown."
    ).paragraph_format.keep_with_next = True
    png = range_chart_png(ranges, f"Statutory range by calendar year ({f.schedule}, as of {_date(f.as_of)})")
    doc.add_picture(io.BytesIO(png), width=Inches(6.5))


def range_section(doc: DocumentObject, memo: Memo) -> None:
    """The range per entity, requirement and calendar year, with the authority for each row."""
    f = memo.figures
    agg = f.aggregation
    engine = {(g.entity_key, g.requirement_key, g.year): g for g in (agg.groups if agg else ())}
    _heading(doc, "The range by entity, requirement and calendar year")
    doc.add_paragraph(
        "One row per entity, identical requirement and calendar year: the unit the calendar-year cap "
        "applies to (45 CFR 160.404(b)(2); 42 U.S.C. 1320d-5(a)(3)). Numbers in brackets refer to the "
        "authorities listed after the tables and in Appendix B."
    )
    headers = ("Requirement", "Year", "Violations", "Time-barred", "Minimum*", "Maximum", "AG damages (max.)",
               "Chosen", "Authority")
    widths = (1.45, 0.45, 0.7, 0.65, 0.85, 0.85, 0.8, 0.7, 0.75)
    for total in f.entity_totals:
        _heading(doc, total.entity, level=2)
        rows: list[list[str]] = []
        for g in (x for x in f.groups if x.entity == total.entity):
            req = f.requirements.get(group_key(g.requirement), {})
            req_cite = req.get("citation") or f"45 CFR {g.requirement}"
            eg = engine.get((group_key(g.entity), group_key(g.requirement), g.year or 0))
            caps = [p.cap_citation for p in eg.parts] if eg else []
            title = req.get("title", "")
            rows.append([
                f"{g.requirement}{' - ' + title if title else ''}", str(g.year), count(g.values.get("violations")),
                count(g.values.get("barred")), money(g.values.get("minimum")), money(g.values.get("maximum")),
                money(g.values.get("ag")), money(g.values.get("chosen")),
                memo.citations.refs([req_cite, *caps]),
            ])
        v = total.values
        rows.append(["Total " + total.entity, "", count(v.get("violations")), count(v.get("barred")),
                     money(v.get("minimum")), money(v.get("maximum")), money(v.get("ag")),
                     money(v.get("chosen")) if _positive(v.get("chosen")) else "", ""])
        _table(doc, headers, rows, widths, right=(2, 3, 4, 5, 6, 7), bold_rows=(len(rows) - 1,))
    if f.grand_total is not None:
        v = f.grand_total.values
        _table(doc, ("All entities", "Violations", "Time-barred", "Minimum*", "Maximum", "Time-barred maximum",
                     "AG damages (max.)", "Chosen"),
               [["Grand total", count(v.get("violations")), count(v.get("barred")), money(v.get("minimum")),
                 money(v.get("maximum")), money(v.get("barred_max")), money(v.get("ag")),
                 money(v.get("chosen")) if _positive(v.get("chosen")) else ""]],
               (1.3, 0.75, 0.75, 0.9, 0.9, 0.9, 0.85, 0.75), right=(1, 2, 3, 4, 5, 6, 7), bold_rows=(0,))
    _para(doc, "* Statutory minimum if a CMP is imposed: OCR may resolve a tier A violation by corrective action "
               "and may waive a tier B penalty to the extent it would be excessive (42 U.S.C. 1320d-5(b)(3); "
               "45 CFR 160.412).", size=9, italic=True)
    _para(doc, "Authorities for the tables above:", bold=True, size=10)
    for text, number in memo.citations.numbers.items():
        _para(doc, f"[{number}] {text}", size=9, tight=True)


def schedules_section(doc: DocumentObject, memo: Memo) -> None:
    """The four main schedules side by side (the Summary's comparison) and why they differ."""
    f = memo.figures
    _heading(doc, "The four main schedules side by side")
    doc.add_paragraph(
        "The same incidents priced under each reading of the amounts, as computed by hipaa-xl when the "
        f"workbook was refreshed. The figures above use '{f.schedule}'."
    )
    rows = [[line.schedule + (" (used)" if line.schedule == f.schedule else ""), money(line.minimum),
             money(line.maximum), money(line.ag), line.note] for line in f.comparison]
    _table(doc, ("Schedule", "Minimum*", "Maximum", "AG damages (max.)", "Note"), rows,
           (1.3, 1.1, 1.1, 1.1, 1.9), right=(1, 2, 3))
    reasons = {name: entry.description for name, entry in schedules().items()}
    doc.add_paragraph("Why they differ:")
    for line in f.comparison:
        doc.add_paragraph(f"{line.schedule}: {reasons.get(line.schedule, '')}", style="List Bullet")


@dataclass(frozen=True)
class Reading:
    """A labelled reading of the law that the figures rest on, and when it applied to this matter."""

    label: str
    text: str
    citation: str
    applies: Callable[[BookFigures], bool]


def _rows_where(test: Callable[[Any], bool]) -> Callable[[BookFigures], bool]:
    return lambda f: f.aggregation is not None and any(test(r) for r in f.aggregation.rows)


def _groups_where(test: Callable[[Any], bool]) -> Callable[[BookFigures], bool]:
    return lambda f: f.aggregation is not None and any(test(g) for g in f.aggregation.groups)


def readings() -> tuple[Reading, ...]:
    """The readings the memo lists when they applied; amounts and citations from the law data."""
    rules = load_rules()
    return (
        Reading("Calendar-year cap per identical requirement",
                "Violations of one identical requirement by one entity in one calendar year are capped "
                "together; each (entity, requirement, year) is capped on its own.",
                "45 CFR 160.404(b)(2); 42 U.S.C. 1320d-5(a)(3)", lambda f: bool(f.groups)),
        Reading("Continuing violations: one a day",
                "A continuing violation counts one violation for each day, both ends counted, split at "
                "31 December and at the regime lines.", "45 CFR 160.406",
                _rows_where(lambda r: r.kind == "continuing")),
        Reading("Tier D ceiling = cap",
                "Willful neglect not corrected has no per-violation maximum in either text; its ceiling is "
                "the calendar-year cap.", "45 CFR 160.404(b)(2)(iv); 42 U.S.C. 1320d-5(a)(3)(D)",
                _rows_where(lambda r: r.tier == "D" and r.status == "counted")),
        Reading("Mixed tiers or regimes in one group",
                "Where one (entity, requirement, year) mixes tiers or regimes, each part is capped by its own "
                "cap and the total by the largest of them; a literal reading could allow the sum of the caps.",
                "45 CFR 160.404(b)(2); hipaa-xl decisions 8 (docs/decisions.md)",
                _groups_where(lambda g: len(g.parts) > 1)),
        Reading("current-tiered is an estimate",
                "HHS has published no table of inflation-adjusted tiered caps; the tier A-C caps of "
                "'current-tiered' are carried through the 102.3 multipliers by hipaa-xl.",
                load_series().tiered_caps_estimate.citation, lambda f: True),
        Reading("Violations before 2009-02-18",
                "The pre-HITECH amounts apply: no minimum, $100 a violation, $25,000 a year, and no penalty for "
                "tier A facts.", rules.hitech_violations_from.citation,
                _rows_where(lambda r: r.regime == "pre-2009")),
        Reading("Unadjusted amounts before 2015-11-03",
                "Under the 45 CFR 102.3 schedules, violations on or before 2015-11-02 keep the unadjusted "
                "amounts.", "45 CFR 102.2; 45 CFR 102.3", _rows_where(lambda r: r.regime == "unadjusted")),
        Reading("The 30-day cure",
                "A tier A or B violation corrected within the 30-day period beginning on the day the entity "
                "knew (or should have known) bears no penalty and no AG damages, in any year.",
                rules.cure_period_days.citation, _rows_where(lambda r: r.status == "cured")),
        Reading("Six-year limitation, day by day",
                "A violation day is time-barred once the as-of date is past its sixth anniversary; barred "
                "days are shown apart and left out of the figures.", rules.limitation_years.citation,
                _rows_where(lambda r: r.time_barred_violations > 0)),
        Reading("A requirement in a more general form",
                "An incident marked as a duplicate of another is penalised once, under the other incident.",
                "45 CFR 160.404(b)(3)", _rows_where(lambda r: r.status == "duplicate")),
        Reading("Criminal penalty already imposed",
                "No CMP and no AG damages for an act already punished under 42 U.S.C. 1320d-6.",
                rules.ag_damages.criminal.citation, _rows_where(lambda r: r.status == "criminal")),
        Reading("AG damages capped once per group",
                f"State AG damages: up to ${rules.ag_damages.per_violation.value:,} a violation and "
                f"${rules.ag_damages.cap.value:,} per identical requirement per calendar year; never adjusted "
                "for inflation; a maximum the court may reduce.",
                f"{rules.ag_damages.per_violation.citation}; {rules.ag_damages.cap.citation}",
                lambda f: bool(f.groups)),
        Reading("AG damages deferred",
                "No State action on a violation while the Secretary's action on it is pending; shown as "
                "deferred, not as no exposure.", rules.ag_damages.federal_action.citation,
                _rows_where(lambda r: r.ag_status == "deferred")),
    )


def readings_section(doc: DocumentObject, memo: Memo) -> None:
    """Each labelled reading of the law data and the settled decisions that applied to this matter."""
    _heading(doc, "The readings the figures rest on")
    doc.add_paragraph("Each reading below applied to at least one incident of this matter.")
    for reading in readings():
        if not reading.applies(memo.figures):
            continue
        p = doc.add_paragraph(style="List Bullet")
        p.add_run(reading.label + ". ").bold = True
        p.add_run(f"{reading.text} ({reading.citation}) [{memo.citations.ref(reading.citation)}]")


def factors_section(doc: DocumentObject, memo: Memo) -> None:
    """The 160.408 factors recorded on the incidents, and the Chosen points with their reasons."""
    f = memo.figures
    _heading(doc, "Factors (45 CFR 160.408) and the points chosen")
    doc.add_paragraph(
        "Within the statutory range the amount turns on aggravating and mitigating factors: "
        f"{FACTORS_160_408}. They are not arithmetic; the workbook records them on each incident."
    )
    with_factors = [i for i in f.incidents if i.factors.strip()]
    if with_factors:
        _table(doc, ("Incident", "Entity", "Requirement", "Factors recorded"),
               [[i.id, i.entity, i.requirement, i.factors] for i in with_factors], (0.7, 1.7, 1.2, 2.9))
    else:
        doc.add_paragraph("No factors are recorded on the Incidents sheet.")
    chosen = [g for g in f.groups if _number(g.values.get("chosen"))]
    if not chosen:
        doc.add_paragraph("No Chosen point is recorded on the Summary: the figures are the statutory range only.")
        return
    rows = []
    for g in chosen:
        lo, hi, c = g.values.get("minimum"), g.values.get("maximum"), g.values.get("chosen")
        where = ""
        if isinstance(lo, int | float) and isinstance(hi, int | float) and isinstance(c, int | float) and hi > lo:
            where = f"{(c - lo) / (hi - lo):.0%} of the way from minimum to maximum"
        reasons = "; ".join(
            f"{i.id}: {i.factors}" for i in f.incidents
            if group_key(i.entity) == group_key(g.entity) and group_key(i.requirement) == group_key(g.requirement)
            and i.factors.strip()
        ) or "no factors recorded"
        rows.append([f"{g.entity}, {g.requirement}, {g.year}", money(c), f"{money(lo)} - {money(hi)}",
                     f"{g.values.get('chosen_check') or ''}{'; ' + where if where else ''}", reasons])
    _table(doc, ("Group", "Chosen", "Range", "Check", "Reasons (factors recorded)"), rows,
           (1.6, 0.8, 1.3, 1.2, 1.6), right=(1,))


def exclusions_section(doc: DocumentObject, memo: Memo) -> None:
    """What the figures do not include."""
    f = memo.figures
    grand = f.grand_total.values if f.grand_total else {}
    rules = load_rules()
    _heading(doc, "What the figures do not include")
    items = [
        "Corrective action instead of a penalty: OCR resolves most matters by voluntary compliance, "
        "corrective action or a resolution agreement, without a civil money penalty (45 CFR 160.312).",
        "Waiver: a penalty for a violation not due to willful neglect may be waived to the extent it would "
        "be excessive relative to the violation (45 CFR 160.412; 42 U.S.C. 1320d-5(b)(3)).",
        "Settlements below the statutory minimum: resolution amounts are negotiated and are not bound by "
        "the minimum, which applies only if a CMP is imposed.",
        f"Time-barred violations: {count(grand.get('barred'))} violation(s), up to "
        f"{money(grand.get('barred_max'))} ({rules.limitation_years.citation}).",
        f"Costs and attorney fees a court may award in a State action ({rules.ag_damages.reduction.citation}).",
        "Criminal exposure, shown separately below: the 42 U.S.C. 1320d-6 maxima for individuals and "
        "entities that knowingly obtain or disclose health information.",
    ]
    for item in items:
        doc.add_paragraph(item, style="List Bullet")
    rows = [[o.label, money(o.fine), f"{o.years} year(s)", o.citation] for o in rules.criminal_offenses.values()]
    _table(doc, ("Criminal offense (42 U.S.C. 1320d-6)", "Fine (max.)", "Prison (max.)", "Citation"), rows,
           (3.0, 0.9, 0.9, 1.7), right=(1,))
    _para(doc, f"{rules.criminal_note.text} ({rules.criminal_note.citation}).", size=9, italic=True)


def optional_tables_section(doc: DocumentObject, memo: Memo) -> None:
    """The tables other features add to the workbook (:data:`OPTIONAL_TABLES`), when present."""
    for spec in OPTIONAL_TABLES:
        table = memo.figures.extra_tables.get(spec.table)
        if table is not None:
            _extra_table(doc, spec, table)


def _extra_table(doc: DocumentObject, spec: OptionalTable, table: ExtraTable) -> None:
    money_cols = {i for i, h in enumerate(table.headers)
                  if any(w in h.casefold() for w in ("minimum", "maximum", "damages", "chosen", "$", "amount"))}
    percent_cols = {i for i, h in enumerate(table.headers) if "probability" in h.casefold()}
    rows = [[money(v) if i in money_cols and _number(v) else
             f"{v:.0%}" if i in percent_cols and _number(v) else _cell_text(v) for i, v in enumerate(r)]
            for r in table.rows]
    wide = len(table.headers) > WIDE_TABLE_COLUMNS
    if wide:  # landscape pages of their own; the header and footer carry over (linked to the previous)
        _orient(doc.add_section(WD_SECTION.NEW_PAGE), landscape=True)
    _heading(doc, spec.heading).paragraph_format.keep_with_next = True
    where = (f"The Summary's table \u201c{table.name}\u201d." if spec.on_summary
             else f"Workbook table {table.name} on sheet {table.sheet}.")
    doc.add_paragraph(f"{spec.intro} {where}").paragraph_format.keep_with_next = True
    _table(doc, table.headers, rows, _fitted_widths(table.headers, rows, 9.0 if wide else 6.5), font_pt=7.5,
           right=tuple(sorted(money_cols)))


def _orient(section: Any, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long_side, short_side = Inches(11), Inches(8.5)
    section.page_width, section.page_height = (long_side, short_side) if landscape else (short_side, long_side)


def _fitted_widths(headers: Sequence[str], rows: Sequence[Sequence[str]], total: float = 6.5) -> list[float]:
    """Column widths (inches): wide enough for each column's longest word (a date stays on one line),
    the rest shared in proportion to the longest text of each column."""
    floors, weights = [], []
    for i, header in enumerate(headers):
        texts = [header] + [r[i] for r in rows if i < len(r)]
        word = max(len(w) for t in texts for w in (t.split() or [""]))
        floors.append(max(0.4, 0.06 * min(word, 14) + 0.12))
        weights.append(min(max(len(t) for t in texts), 150))
    spare = total - sum(floors)
    if spare <= 0:
        return [total * f / sum(floors) for f in floors]
    return [f + spare * w / sum(weights) for f, w in zip(floors, weights, strict=True)]


def _cell_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    return "" if value is None else str(value)


def appendix_section(doc: DocumentObject, memo: Memo) -> None:
    """Appendix A: every incident; Appendix B: every citation used."""
    f = memo.figures
    _orient(doc.add_section(WD_SECTION.NEW_PAGE), landscape=False)  # a new page, portrait again
    _heading(doc, "Appendix A - Incidents")
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
    _table(doc, ("ID", "Entity", "Requirement", "Description", "Culpability / tier", "Dates", "Violations",
                 "Notes"), rows, (0.55, 0.95, 0.8, 1.3, 0.8, 0.75, 0.55, 0.8), font_pt=7.5)
    if f.aggregation is not None:
        for r in f.aggregation.rows:
            memo.citations.ref(r.source)
            memo.citations.ref(r.limitation_citation)
    _heading(doc, "Appendix B - Citations")
    for text, number in memo.citations.numbers.items():
        _para(doc, f"[{number}] {text}", size=9, tight=True)


def provenance_section(doc: DocumentObject, memo: Memo) -> None:
    """How the memo was made: versions, schedule, assessment date, the table and the workbook's sha256."""
    f = memo.figures
    _heading(doc, "How this memo was made")
    rows = [
        ("hipaa-xl", __version__),
        ("Law data", law_data_version()),
        ("Schedule", f.schedule),
        ("Assessment (as-of) date", _date(f.as_of)),
        ("Amounts table", f.table_source),
        ("Workbook", f.file_name),
        ("Workbook sha256", f.sha256),
        ("Workbook stamp", f.stamp),
        ("Memo written", memo.memo_date.isoformat()),
    ]
    _table(doc, ("Item", "Value"), [list(r) for r in rows], (1.7, 4.8), font_pt=8.5)
    doc.add_paragraph(
        "Every figure in this memo is the workbook's stored value, checked before writing against the "
        "hipaa-xl engine's own aggregation of the same Incidents"
        + (" - except in this draft, whose figures are not current." if memo.draft_reason else ".")
    )


SECTIONS: tuple[Section, ...] = (
    matter_block,
    question_and_answer,
    chart_section,
    range_section,
    schedules_section,
    readings_section,
    factors_section,
    exclusions_section,
    optional_tables_section,
    appendix_section,
    provenance_section,
)
"""The memo's sections in order; each is ``(doc, memo) -> None``."""


def build_memo(figures: BookFigures, memo_date: dt.date, draft_reason: str | None = None) -> bytes:
    """The memo as .docx bytes. ``draft_reason`` marks every page "DRAFT - figures not current"."""
    doc = Document()
    memo = Memo(figures, memo_date, draft_reason)
    _page_setup(doc, memo)
    core = doc.core_properties
    core.author = figures.matter.get("prepared_by", "") or "hipaa-xl"
    core.title = "HIPAA civil money penalty exposure memo"
    core.created = core.modified = dt.datetime.combine(memo_date, dt.time())
    core.last_modified_by = core.author
    core.revision = 1
    for section in SECTIONS:
        section(doc, memo)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _positive(value: Any) -> bool:
    return _number(value) and value > 0
