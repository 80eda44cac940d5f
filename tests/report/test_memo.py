"""The exposure memo (hipaa-xl report): every Summary figure, total and citation where it belongs, in the
.docx and in its PDF; the privilege legend on every page; stale books refused; --force drafts marked."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from docx import Document

from hipaa_xl.engine.incidents import group_key
from hipaa_xl.report.book import ExtraTable, read_book
from hipaa_xl.report.commands import NotCurrentError, make_memo
from hipaa_xl.report.memo import DRAFT_MARK, NOT_OWED, OPTIONAL_TABLES, build_memo, deadline_lines, weighted_figures
from hipaa_xl.workbook import columns
from tests.report_helpers import (
    MEMO_DATE,
    body,
    matter_workbook,
    pdf_pages,
    random_matter,
    rows,
    soffice,
    table_after,
    text_of,
)
from tests.workbook_helpers import engine_aggregation, example_bytes, set_incident_cell, summary_values, text_cell

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

MEMO_BODY_PAGES = 6
"""The goal: the example memo's body (before Appendix A) fits in six pages."""


def money(v: float) -> str:
    return f"${v:,.0f}"


def count(v: float) -> str:
    return f"{v:,.0f}"


def _summary_block(data: bytes, title: str) -> list[tuple[object, ...]]:
    """Rows of the Summary below the cell ``title`` in column A, up to the first blank row."""
    ws = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["Summary"]
    out, found = [], False
    for row in ws.iter_rows(values_only=True):
        if found:
            if row[0] is None:
                break
            out.append(row)
        elif isinstance(row[0], str) and row[0].startswith(title):
            found = True
    return out


@pytest.fixture(scope="module")
def example_memo(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Path]:
    folder = tmp_path_factory.mktemp("memo")
    book = folder / "example_exposure.xlsx"
    book.write_bytes(example_bytes())
    result = make_memo(book, memo_date=MEMO_DATE)
    assert result.draft_reason is None
    return example_bytes(), result.docx


def _check_range_tables(data: bytes, docx: Path) -> None:
    """Each Summary group with a violation counted or time-barred is a row of its entity's table with the
    Summary's figures, the engine's tier and its citation; a group with neither is left out (no empty rows)."""
    items = body(docx)
    groups = summary_values(data)
    figures = read_book(data, "book.xlsx")
    assert figures.aggregation is not None
    tiers = {(g.entity_key, g.requirement_key, g.year): {p.tier for p in g.parts} for g in figures.aggregation.groups}
    numbers = {}
    for item in items:  # "[3] 45 CFR 164.404" lines of Appendix D
        m = re.match(r"^\[(\d+)\] (.+)$", getattr(item, "text", "") or "")
        if m:
            numbers.setdefault(m.group(2), m.group(1))
    entities = {v["entity"] for v in groups.values()}
    for entity in entities:
        table = rows(table_after(items, entity))
        mine = {k: v for k, v in groups.items() if v["entity"] == entity}
        shown = {k: v for k, v in mine.items() if v["violations"] or v["barred"]}
        assert len(table) == 1 + len(shown) + 1  # header, one row per group with something in it, the total
        for (_e, req_key, year), v in shown.items():
            row = next(r for r in table[1:-1] if group_key(r[0].split(" - ")[0]) == req_key and r[1] == str(year))
            assert set(row[2].split(" ")[0].split("/")) <= tiers[(group_key(entity), req_key, year)]
            assert row[3:9] == [count(v["violations"]), count(v["barred"]), money(v["minimum"]), money(v["maximum"]),
                                money(v["ag"]), money(v["chosen"]) if v["chosen"] is not None else ""]
            citation = figures.requirements[req_key]["citation"]
            assert f"[{numbers[citation]}]" in row[9].split(", ")
        totals = {r[0]: r for r in _summary_block(data, "Totals")[1:]}
        total = totals[entity]
        # Totals block columns: Entity, -, -, Violations, Time-barred, Minimum, Maximum, Time-barred max, AG
        assert table[-1][3:8] == [count(total[3]), count(total[4]), money(total[5]), money(total[6]), money(total[8])]


def test_every_summary_group_and_entity_total_is_in_its_row_with_its_tier_and_citation(
        example_memo: tuple[bytes, Path]) -> None:
    data, docx = example_memo
    _check_range_tables(data, docx)


def _bottom_line(items: list[Any]) -> str:
    return text_of(items).split("Bottom line", 1)[1].split("The range by calendar year", 1)[0]


def test_bottom_line_and_grand_total_are_the_summary_totals(example_memo: tuple[bytes, Path]) -> None:
    data, docx = example_memo
    grand = next(r for r in _summary_block(data, "Totals") if r[0] == "Grand total")
    items = body(docx)
    answer = _bottom_line(items)
    assert f"{money(grand[5])} to {money(grand[6])} for all entities together" in answer
    assert f"at most {money(grand[8])} in damages" in answer
    assert f"{count(grand[4])} earlier violation(s), up to {money(grand[7])}, are time-barred" in answer
    grand_row = next(r for item in items if hasattr(item, "rows") for r in rows(item) if r[0] == "All entities")
    assert grand_row[1:5] == [money(grand[5]), money(grand[6]), money(grand[8]), money(grand[7])]


def test_four_schedules_side_by_side_equal_the_summary_comparison(example_memo: tuple[bytes, Path]) -> None:
    data, docx = example_memo
    block = [b for b in _summary_block(data, "Maximum under each schedule")[1:]
             if b[0] in ("regulation", "statute", "current", "current-tiered")]
    assert len(block) == 4
    table = rows(table_after(body(docx), "The four main schedules side by side"))
    assert [r[0].replace(" (used)", "") for r in table[1:]] == [b[0] for b in block]
    for r, b in zip(table[1:], block, strict=True):
        assert r[1:4] == [money(b[1]), money(b[2]), money(b[3])]


def test_memo_figures_equal_the_engine_aggregation_of_the_incidents(example_memo: tuple[bytes, Path]) -> None:
    data, docx = example_memo
    agg = engine_aggregation(data)
    text = text_of(body(docx))
    lo, hi, ag = agg.grand_total()
    assert f"{money(lo)} to {money(hi)}" in text and money(ag) in text


def test_every_citation_used_is_listed_in_appendix_d(example_memo: tuple[bytes, Path]) -> None:
    data, docx = example_memo
    items = body(docx)
    text = text_of(items)
    appendix = text.split("Appendix D - Citations", 1)[1]
    used = set(re.findall(r"\[(\d+)\]", text.split("Appendix D - Citations", 1)[0]))
    listed = set(re.findall(r"^\[(\d+)\] ", appendix, flags=re.M))
    assert used and used <= listed
    figures = read_book(data, "x.xlsx")
    assert figures.aggregation is not None
    for g in figures.aggregation.groups:
        for part in g.parts:
            assert part.cap_citation in appendix
    for r in figures.aggregation.rows:
        assert r.source in appendix and r.limitation_citation in appendix
    for incident in figures.incidents:  # Appendix A lists every incident
        assert incident.id in text.split("Appendix A - Incidents", 1)[1]


def test_memo_ends_with_how_it_was_made(example_memo: tuple[bytes, Path]) -> None:
    import hashlib

    from hipaa_xl import __version__
    from hipaa_xl.law.loader import law_data_version

    data, docx = example_memo
    table = dict((r[0], r[1]) for r in rows(table_after(body(docx), "How this memo was made")))
    assert table["hipaa-xl"] == __version__
    assert table["Law data"] == law_data_version()
    assert table["Workbook sha256"] == hashlib.sha256(data).hexdigest()
    assert table["Assessment (as-of) date"] == "2026-03-31"
    assert "91 FR 3665" in table["Amounts table"]


def test_privilege_legend_in_header_and_footer_of_every_section(example_memo: tuple[bytes, Path]) -> None:
    _data, docx = example_memo
    doc = Document(str(docx))
    for section in doc.sections:
        assert not section.different_first_page_header_footer
        assert columns.MEMO_LEGEND in section.header.paragraphs[0].text
        assert columns.MEMO_LEGEND in section.footer.paragraphs[0].text
    assert DRAFT_MARK not in "".join(p.text for s in doc.sections for p in s.header.paragraphs)


def test_privilege_legend_is_taken_from_settings(tmp_path: Path) -> None:
    data = example_bytes()
    book = tmp_path / "b.xlsx"
    book.write_bytes(data)
    figures = read_book(data, "b.xlsx")
    figures.legend = "Confidential - prepared for the board"
    out = tmp_path / "m.docx"
    out.write_bytes(build_memo(figures, MEMO_DATE))
    doc = Document(str(out))
    assert doc.sections[0].header.paragraphs[0].text == "Confidential - prepared for the board"
    # and the template has the Settings row with the default text, under its defined name
    wb = openpyxl.load_workbook(io.BytesIO(data))
    sheet, cell = wb.defined_names[columns.NAME_PRIVILEGE_LEGEND].attr_text.split("!")
    assert wb[sheet][cell.replace("$", "")].value == columns.MEMO_LEGEND


@pytest.mark.libreoffice
def test_pdf_has_the_figures_and_the_legend_on_every_page(tmp_path: Path) -> None:
    soffice()
    book = tmp_path / "example.xlsx"
    book.write_bytes(example_bytes())
    result = make_memo(book, pdf=True, memo_date=MEMO_DATE)
    assert result.pdf is not None
    pages = pdf_pages(result.pdf)
    assert len(pages) >= 3
    for i, page in enumerate(pages, start=1):
        flat = " ".join(page.split())
        assert columns.MEMO_LEGEND in flat, f"page {i} lacks the legend"
        assert f"Page {i} of {len(pages)}" in flat
        assert DRAFT_MARK not in flat
    text = " ".join(" ".join(pages).split())
    for v in summary_values(example_bytes()).values():
        if v["violations"] or v["barred"]:
            assert money(v["maximum"]) in text and money(v["minimum"]) in text
    # the goal: the example's body (11 incidents) in six pages, the appendices after
    body_pages = next(i for i, page in enumerate(pages, start=1) if "Appendix A - Incidents" in page) - 1
    assert body_pages <= MEMO_BODY_PAGES, f"the body takes {body_pages} pages"
    # page 1: the range, the lawyer's weighted figure, the published outcomes and the next open deadline
    first = " ".join(pages[0].split())
    figures = read_book(example_bytes(), "x", ("Deadlines",), ("Scenarios (computed by hipaa-xl",))
    grand = figures.grand_total.values if figures.grand_total else {}
    assert f"{money(grand['minimum'])} to {money(grand['maximum'])}" in first
    weighted = weighted_figures(figures)
    assert weighted is not None and f"{money(weighted[0])} to {money(weighted[1])}" in first
    assert "lawyer's own weighting" in first and "Published outcomes." in first
    nxt = next(d for d in deadline_lines(figures) if d.is_open)
    assert f"{nxt.what}: {nxt.due.isoformat() if nxt.due else ''}" in first
    figures = read_book(example_bytes(), "x")
    for req in figures.requirements.values():
        if any(group_key(g.requirement) == group_key(req["requirement"]) and (g.values["violations"] or
                                                                               g.values["barred"])
               for g in figures.groups):
            assert req["citation"] in text
    # page 1 and the chart page as PNG, for looking at (docs/memo.png is one of them)
    subprocess_png(result.pdf, tmp_path)


def subprocess_png(pdf: Path, folder: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("pdftoppm") is None:
        return
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "2", str(pdf), str(folder / "page")],
                   check=True, timeout=60)
    pngs = sorted(folder.glob("page*.png"))
    assert len(pngs) == 2 and all(p.stat().st_size > 10_000 for p in pngs)


def _stale_book(tmp_path: Path) -> Path:
    """The example with a violation count edited after the refresh: its stored values are stale."""
    data = example_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    ws = wb["Incidents"]
    row = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 9).value is not None)
    book = tmp_path / "stale.xlsx"
    book.write_bytes(set_incident_cell(data, f"I{row}", "><v>999</v>"))
    return book


def test_stale_book_is_refused_with_what_to_run(tmp_path: Path) -> None:
    book = _stale_book(tmp_path)
    before = book.read_bytes()
    with pytest.raises(NotCurrentError) as err:
        make_memo(book, memo_date=MEMO_DATE)
    message = str(err.value)
    assert "\n" not in message and "stale" in message and f"hipaa-xl refresh {book}" in message
    assert not (tmp_path / "stale-memo.docx").exists()
    assert book.read_bytes() == before


def test_book_with_na_groups_is_refused(tmp_path: Path) -> None:
    data = example_bytes()
    broken = set_incident_cell(data, "F5", text_cell("E"))  # tier E: that row is invalid, its group #N/A
    from hipaa_xl.workbook.refresh import build_refreshed

    refreshed, _ = build_refreshed(broken, stamp_time="t")
    book = tmp_path / "na.xlsx"
    book.write_bytes(refreshed)
    with pytest.raises(NotCurrentError) as err:
        make_memo(book, memo_date=MEMO_DATE)
    assert "refresh" in str(err.value) and ("#N/A" in str(err.value) or "Check" in str(err.value))


def test_out_of_layout_book_is_refused(tmp_path: Path) -> None:
    book = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Incidents"
    wb.save(book)
    with pytest.raises(NotCurrentError) as err:
        make_memo(book, memo_date=MEMO_DATE)
    assert "hipaa-xl refresh" in str(err.value)


@pytest.mark.libreoffice
def test_force_marks_every_page_draft(tmp_path: Path) -> None:
    soffice()
    book = _stale_book(tmp_path)
    result = make_memo(book, pdf=True, force=True, memo_date=MEMO_DATE)
    assert result.draft_reason and "stale" in result.draft_reason
    doc = Document(str(result.docx))
    for section in doc.sections:
        assert DRAFT_MARK in "\n".join(p.text for p in section.header.paragraphs)
    assert result.pdf is not None
    pages = pdf_pages(result.pdf)
    for i, page in enumerate(pages, start=1):
        assert DRAFT_MARK in " ".join(page.split()), f"page {i} is not marked"


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_random_matter_memo_has_every_summary_figure(tmp_path: Path, seed: int) -> None:
    matter = random_matter(seed)
    data = matter_workbook(matter)
    book = tmp_path / "random.xlsx"
    book.write_bytes(data)
    result = make_memo(book, memo_date=MEMO_DATE)
    _check_range_tables(data, result.docx)
    agg = engine_aggregation(data, matter["schedule"])
    lo, hi, ag = agg.grand_total()
    items = body(result.docx)
    page1 = _bottom_line(items)
    assert f"If a civil money penalty is imposed: {money(lo)} to {money(hi)} for all entities together" in page1
    assert f"at most {money(ag)} in damages" in page1
    assert "Published outcomes." in page1 and "Next deadline." in page1 and "What the figures leave out." in page1
    text = text_of(items)
    # only what applies: no criminal fact, no Matter events, no scenarios in these matters
    assert not any(i["criminal_penalty_imposed"] for i in matter["incidents"])
    assert "Criminal offense (42 U.S.columns. 1320d-6)" not in text
    assert "No Matter events are recorded" in text
    assert "\nScenarios\n" not in text


def test_optional_tables_are_shown_when_the_workbook_has_them(tmp_path: Path) -> None:
    figures = read_book(example_bytes(), "x.xlsx")
    out = tmp_path / "plain.docx"
    out.write_bytes(build_memo(figures, MEMO_DATE))
    assert "Scenarios" not in [getattr(i, "text", "") for i in body(out)]
    key = next(t.table for t in OPTIONAL_TABLES if t.heading == "Scenarios")
    figures.extra_tables[key] = ExtraTable("Scenarios", "Summary", ("Scenario", "Maximum", "vs base"),
                                           (("No willful neglect", 1234567, -25341005), ("As recorded", 26575572, 0)))
    out.write_bytes(build_memo(figures, MEMO_DATE))
    table = rows(table_after(body(out), "Scenarios"))
    assert table == [["Scenario", "Maximum", "vs base"], ["No willful neglect", "$1,234,567", "-25,341,005"],
                     ["As recorded", "$26,575,572", "0"]]


def test_a_table_added_to_the_workbook_is_read_with_its_stored_values(tmp_path: Path) -> None:
    """An Excel table on a sheet of the user's is read by its name, with the values stored for formulas."""
    from hipaa_xl.ooxml.package import package_from_bytes
    from hipaa_xl.recalc import recalc_package

    wb = openpyxl.load_workbook(io.BytesIO(example_bytes()))
    ws = wb.create_sheet("What if")
    ws.append(["Scenario", "Maximum"])
    ws.append(["Everything tier B", 1000])
    ws.append(["Total", "=B2*2"])
    from openpyxl.worksheet.table import Table

    ws.add_table(Table(displayName="WhatIf", ref="A1:B3"))
    buf = io.BytesIO()
    wb.save(buf)
    pkg, _ = recalc_package(package_from_bytes(buf.getvalue()), use_recorded_as_of=True)
    figures = read_book(pkg.to_bytes(), "x.xlsx", ("WhatIf",))
    assert figures.extra_tables["WhatIf"].rows == (("Everything tier B", 1000), ("Total", 2000))


def test_the_example_deadlines_are_in_the_memo_most_urgent_first(example_memo: tuple[bytes, Path]) -> None:
    """Open deadlines first by due date (with what must be done), then the done, lapsed and not required
    ones in one compact line; every stored row appears once."""
    data, docx = example_memo
    figures = read_book(data, "x.xlsx", ("Deadlines",))
    stored = figures.extra_tables["Deadlines"]
    items = body(docx)
    table = rows(table_after(items, "Deadlines and the six-year limitation"))
    assert table[0][:4] == ["Due", "Days left", "Status", "What must be done"]
    dues = [r[0] for r in table[1:]]
    assert dues == sorted(dues) and all(r[2].startswith(("due", "past due")) for r in table[1:])
    text = text_of(items)
    rest = text.split("Done, lapsed or not required: ", 1)[1].split("\n", 1)[0]
    status_col, rule_col = stored.headers.index("Status"), stored.headers.index("Rule")
    due_col = stored.headers.index("Due" if "Due" in stored.headers else "Date")
    for row in stored.rows:
        if str(row[status_col]).startswith("done") or row[status_col] == "not required":
            assert f"{row[0]} {row[rule_col]}" in rest
    open_rows = [r for r in stored.rows if str(r[status_col]).startswith(("due", "past due"))
                 and r[rule_col] not in NOT_OWED]
    assert len(table) == 1 + len(open_rows)
    first = min(open_rows, key=lambda r: r[due_col])
    page1 = _bottom_line(items)
    next_line = page1.split("Next deadline. ", 1)[1].split(" Then: ", 1)[0]
    assert first[due_col].date().isoformat() in next_line and f"({first[status_col]}; {first[0]} " in next_line


def test_deadlines_heading_is_followed_by_the_limitation_of_each_group(example_memo: tuple[bytes, Path]) -> None:
    """The limitation per entity and requirement, measured to the date it ran to (the engine's groups)."""
    from hipaa_xl.engine.matter_deadlines import limitation_groups

    data, docx = example_memo
    figures = read_book(data, "x.xlsx")
    assert figures.aggregation is not None
    items = body(docx)
    table = next(rows(t) for t in items if hasattr(t, "rows") and rows(t)[0][:2] == ["Entity", "Requirement"]
                 and "Every in time until" in rows(t)[0])
    assert table[0][-2:] == ["Measured to", "Status"]
    assert all(line[-2] == "2026-03-31" for line in table[1:])  # no action commenced: the assessment date
    groups = limitation_groups(figures.aggregation)
    for line in table[1:]:
        mine = [g for g in groups if g.entity == line[0] and g.requirement == line[1]]
        assert mine
        assert line[3] == min(g.first_day for g in mine).isoformat()
        assert line[4] == max(g.last_day for g in mine).isoformat()
    assert "measured to 2026-03-31, the assessment date (no action has commenced)" in text_of(items)


def test_the_example_scenarios_table_is_in_the_memo(example_memo: tuple[bytes, Path]) -> None:
    """The Summary's scenario block (refresh's values) appears with each scenario's figures."""
    data, docx = example_memo
    block = _summary_block(data, "Scenarios (computed by hipaa-xl")
    header = next(r for r in block if r[0] == "Scenario / entity")
    scenarios = [r for r in block[block.index(header) + 1:] if r[1] is not None]  # scenario rows name a schedule
    assert len(scenarios) >= 2
    table = rows(table_after(body(docx), "Scenarios"))
    assert table[0][0] == "Scenario / entity"
    max_col = header.index("Maximum")
    shown_max = table[0].index("Maximum")
    for scenario in scenarios:
        line = next(r for r in table[1:] if r[0] == scenario[0])
        assert line[shown_max] == money(scenario[max_col])
    changes = rows(table_after(body(docx), "What each scenario changes"))
    assert changes[0][:3] == ["Scenario", "Incident ID", "Field"] and len(changes) > 1
