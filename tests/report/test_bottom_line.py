"""The memo's page 1 and what applies: the published-outcomes line, the date the limitation ran to, a
scenario that only changes the schedule, the chart's continuous years, and a .docx whose properties
come from this matter's Settings alone."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from hipaa_xl.law.outcomes import for_sections
from hipaa_xl.report.chart import YearRange, chart_years
from hipaa_xl.report.commands import make_memo
from hipaa_xl.workbook.new import _deterministic
from hipaa_xl.workbook.refresh import build_refreshed
from hipaa_xl.workbook.template import build_static_workbook
from tests.report_helpers import AS_OF, MEMO_DATE, body, rows, table_after, text_of
from tests.workbook_helpers import example_bytes

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

MATTER = {"client": "Lakeside Clinic", "matter_name": "Lakeside - access complaint", "matter_number": "77",
          "prepared_by": "B. Counsel"}


def _incident(n: int, requirement: str, **extra: object) -> dict[str, object]:
    return {"id": f"L-{n}", "entity": "Lakeside Clinic", "requirement": requirement, "description": "x",
            "culpability": "reasonable cause", "tier": None, "start": "2024-03-01", "end": None, "violations": 3,
            "known": "2024-03-01", "corrected": None, "duplicate_of": None, "federal_action_pending": False,
            "criminal_penalty_imposed": False, "factors": "", **extra}


def _book(tmp_path: Path, incidents: list[dict[str, object]], name: str = "m.xlsx", **kwargs: object) -> Path:
    static = build_static_workbook(schedule="current", as_of=AS_OF, matter=MATTER, incidents=incidents,
                                   **kwargs)  # type: ignore[arg-type]
    data, _ = build_refreshed(_deterministic(static), stamp_time="generated for a test")
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _page1(docx: Path) -> str:
    return text_of(body(docx)).split("Bottom line", 1)[1].split("The range by calendar year", 1)[0]


def test_outcomes_line_says_no_published_outcome_named_these_sections_when_none_did(tmp_path: Path) -> None:
    found, which = for_sections(["160.316"])
    assert found == () and which == "none"  # the premise: no outcome names the anti-retaliation section
    book = _book(tmp_path, [_incident(1, "160.316")])
    page1 = _page1(make_memo(book, memo_date=MEMO_DATE).docx)
    assert "Published outcomes. No published outcome named these sections (160.316)" in page1


def test_outcomes_line_gives_the_published_figures_for_the_matter_sections(tmp_path: Path) -> None:
    from hipaa_xl.law.outcomes import MIN_FOR_STATISTICS, statistics

    found, which = for_sections(["164.524"])
    assert which == "same section" and len(found) >= MIN_FOR_STATISTICS
    stats = statistics(found)
    assert stats is not None
    book = _book(tmp_path, [_incident(1, "164.524")])
    page1 = _page1(make_memo(book, memo_date=MEMO_DATE).docx)
    assert f"{stats.count} published OCR outcomes named the same sections: median ${stats.median:,.0f}" in page1
    assert f"range ${stats.minimum:,} to ${stats.maximum:,}" in page1 and "Closest: " in page1


def test_limitation_sentence_names_the_date_the_action_commenced(tmp_path: Path) -> None:
    commenced = dt.date(2026, 1, 15)
    book = _book(tmp_path, [_incident(1, "164.524")], commenced=commenced)
    docx = make_memo(book, memo_date=MEMO_DATE).docx
    assert "The six-year limitation runs to 2026-01-15, the day the action commenced (Settings)" in _page1(docx)
    assert f"measured to {commenced.isoformat()}, the day the action commenced" in text_of(body(docx))
    plain = _book(tmp_path, [_incident(1, "164.524")], name="plain.xlsx")
    assert (f"runs to {AS_OF.isoformat()}, the assessment date (no action has commenced)"
            in _page1(make_memo(plain, memo_date=MEMO_DATE).docx))


def test_a_scenario_that_only_changes_the_schedule_says_so_not_zero_changes(tmp_path: Path) -> None:
    scenarios = {"scenarios": [{"name": "Statute reading", "description": "", "probability": 1.0,
                                "schedule": "statute", "as_of": None}], "scenario_changes": []}
    book = _book(tmp_path, [_incident(1, "164.524")], scenarios=scenarios)
    ws = openpyxl.load_workbook(book, data_only=True)["Summary"]
    line = next(r for r in ws.iter_rows(values_only=True) if r[0] == "Statute reading")
    assert line[3] == "schedule: statute"
    table = rows(table_after(body(make_memo(book, memo_date=MEMO_DATE).docx), "Scenarios"))
    changes = table[0].index("Changes")
    assert next(r for r in table if r[0] == "Statute reading")[changes] == "schedule: statute"
    assert not any("0 change(s)" in cell for r in table for cell in r)


def test_the_chart_years_run_without_a_break() -> None:
    ranges = [YearRange("E", 2019, 0, 1), YearRange("E", 2023, 0, 1), YearRange("F", 2021, 0, 1)]
    assert chart_years(ranges) == [2019, 2020, 2021, 2022, 2023]
    assert chart_years([]) == []


def test_memo_docx_properties_come_from_settings_and_carry_no_comment_or_hidden_text(tmp_path: Path) -> None:
    book = _book(tmp_path, [_incident(1, "164.524")])
    docx = make_memo(book, memo_date=MEMO_DATE).docx
    with zipfile.ZipFile(docx) as z:
        names = z.namelist()
        core = z.read("docProps/core.xml").decode()
        everything = "\n".join(z.read(n).decode("utf-8", "replace") for n in names)
    assert "<dc:creator>B. Counsel</dc:creator>" in core
    assert "Lakeside - access complaint" in core and "Lakeside Clinic" in core
    assert "python-docx" not in everything.casefold().replace("python_docx", "")
    assert not any("comments" in n for n in names)
    assert "<w:vanish" not in everything  # no hidden text


def test_memo_of_another_matter_carries_nothing_of_the_example(tmp_path: Path) -> None:
    """A memo written from a workbook started from the example (new --from) names only its own matter."""
    from hipaa_xl.workbook.firm_parts import new_from

    previous = tmp_path / "example.xlsx"
    previous.write_bytes(example_bytes())
    book = tmp_path / "new.xlsx"
    new_from(book, previous, as_of=AS_OF)
    wb = openpyxl.load_workbook(book)
    wb["Settings"]["B9"] = "Lakeside Clinic"
    buf = io.BytesIO()
    wb.save(buf)
    refreshed, _ = build_refreshed(buf.getvalue(), AS_OF, stamp_time="t")
    book.write_bytes(refreshed)
    docx = make_memo(book, memo_date=MEMO_DATE).docx
    with zipfile.ZipFile(docx) as z:
        for name in z.namelist():
            text = z.read(name).decode("utf-8", "replace")
            for leaked in ("Riverside Health System", "Riverside Community Hospital", "Harbor Billing",
                           "OCR compliance review", "2026-0142"):
                assert leaked not in text, f"{name} names {leaked}"
