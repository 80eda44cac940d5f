"""The hand-worked cases of tests/golden/corrections-3-cases.json, through every door: the Excel
functions, the engine, the workbook (refresh and headless recalculation), the CLI and the .ics."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import icalendar
import openpyxl
import pytest
from typer.testing import CliRunner

from hipaa_xl import udfs
from hipaa_xl.cli import app
from hipaa_xl.engine import aggregate
from hipaa_xl.engine.deadlines import compute
from hipaa_xl.engine.incidents import Incident
from hipaa_xl.engine.matter_deadlines import MatterDeadline, MatterEvent, event_kind, matter_deadlines
from hipaa_xl.excel import cells
from hipaa_xl.ooxml.package import package_from_bytes
from hipaa_xl.recalc import recalc_package
from hipaa_xl.workbook.columns import INCIDENT_COLUMNS, MATTER_COLUMNS
from hipaa_xl.workbook.deadlines_sheet import DC, DEADLINES_HEADER_ROW
from hipaa_xl.workbook.refresh import build_refreshed
from hipaa_xl.workbook.verify import summary_mismatches
from tests.workbook_helpers import example_bytes, exposure_values

GOLDEN = json.loads((Path(__file__).parent / "golden" / "corrections-3-cases.json").read_text("utf-8"))
D = dt.date.fromisoformat
runner = CliRunner()


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c["id"] for c in cases]


def _reasoned(case: dict[str, Any]) -> None:
    assert case["why"] and case["citation"], case["id"]


# ---------------------------------------------------------------- deadlines: the function and the engine


@pytest.mark.parametrize("case", GOLDEN["deadlines"], ids=_ids(GOLDEN["deadlines"]))
def test_deadline_case_through_the_function_and_the_engine(case: dict[str, Any]) -> None:
    _reasoned(case)
    option = case.get("option")
    reading = case.get("reading")
    got = udfs.DEADLINE(case["rule"], case["event"], option, reading)
    assert got == cells.date_to_serial(D(case["expect"])), (case["id"], got)
    found = compute(case["rule"], D(case["event"]), cells.parse_deadline_option(case["rule"], option))
    day = found.earlier if reading == "earlier" and found.earlier is not None else found.due
    assert day == D(case["expect"])
    if found.earlier is not None:  # the other reading is labelled in the explanation
        assert f"Other reading: {found.earlier.isoformat()}" in found.explanation()


def test_breach_notice_explanations_quote_the_outer_limit() -> None:
    for rule in ("breach-individuals", "breach-ba", "breach-media"):
        for option in (None, 30):
            if rule == "breach-media" and option:
                option = 600
            text = udfs.DEADLINE_EXPLAIN(rule, "2026-01-02", option)
            assert isinstance(text, str) and len(text) <= 255
            assert ": outer limit 2026-03-03" in text or ": outer limit 2026-04-02" in text, text
            assert "without unreasonable delay and in no case later than 60 calendar days" in text, text


def test_a_bad_reading_argument_is_value_error_with_a_reason() -> None:
    assert str(udfs.DEADLINE("access", "2026-01-01", None, "later")).startswith('#VALUE! reading must be blank or')


# ---------------------------------------------------------------- aggregations: the engine


def _incident(data: dict[str, Any]) -> Incident:
    fields = {k: (D(v) if k in ("start", "end", "known", "corrected", "commenced", "cure_period_ends") else v)
              for k, v in data.items()}
    return Incident(**fields)


@pytest.mark.parametrize("case", GOLDEN["aggregations"], ids=_ids(GOLDEN["aggregations"]))
def test_aggregation_case(case: dict[str, Any]) -> None:
    _reasoned(case)
    commenced = D(case["commenced"]) if "commenced" in case else None
    agg = aggregate([_incident(i) for i in case["incidents"]], "regulation", D(case["as_of"]), commenced)
    groups = {f"{g.requirement}|{g.year}": g for g in agg.groups}
    for key, figures in case.get("expect_groups", {}).items():
        assert key in groups, (case["id"], key, list(groups))
        for field, value in figures.items():
            got = getattr(groups[key], field)
            assert (got.isoformat() if isinstance(got, dt.date) else got) == value, (case["id"], key, field, got)
    invalid = {i.incident_id: i.reason for i in agg.invalid}
    for ident, words in case.get("expect_invalid", {}).items():
        assert words in invalid.get(ident, ""), (case["id"], invalid)
    if "expect_invalid" not in case:
        assert not invalid, invalid
    for ident, words in case.get("expect_warning", {}).items():
        pool = agg.warnings if ident == "" else next(r.warnings for r in agg.rows if r.incident_id == ident)
        assert any(words in w for w in pool), (case["id"], pool)
    for words in case.get("expect_no_warning", []):
        every = [*agg.warnings, *(w for r in agg.rows for w in r.warnings)]
        assert not any(words in w for w in every), (case["id"], every)
    for ident, words in case.get("expect_end_reason", {}).items():
        row = next(r for r in agg.rows if r.incident_id == ident)
        assert words in row.effective_end_reason and "160.420(a), 160.422" in row.effective_end_reason


# ---------------------------------------------------------------- matters: the engine, the workbook, CLI, .ics


def _events(case: dict[str, Any]) -> list[MatterEvent]:
    out = []
    for n, e in enumerate(case["events"]):
        kind = event_kind(e["kind"])
        assert kind is not None, e["kind"]
        out.append(MatterEvent(
            row=5 + n, id=f"EV-{n + 1}", kind=kind, date=D(e["date"]), count=e.get("count"),
            other_date=D(e["other_date"]) if "other_date" in e else None, by_mail=e.get("by_mail", False),
            delay_days=e.get("delay_days"), done=D(e["done"]) if "done" in e else None,
        ))
    return out


def _check_engine(case: dict[str, Any], items: list[MatterDeadline]) -> None:
    as_of = D(case["as_of"])
    got = {d.rule: d for d in items}
    for want in case["expect"]:
        d = got[want["rule"]]
        assert d.due == D(want["date"]), (case["id"], want["rule"], d.due)
        assert d.status(as_of) == want["status"], (case["id"], want["rule"], d.status(as_of))
        assert (d.earlier.isoformat() if d.earlier else None) == want.get("earlier"), (case["id"], want["rule"])
        if "late" in want:
            assert want["late"] in d.late_violation and "Possible violation" in d.late_violation
        else:
            assert not d.late_violation
        if d.done_days_late() is not None:
            assert d.days_left(as_of) is None  # never negative days left for a done row


@pytest.mark.parametrize("case", GOLDEN["matters"], ids=_ids(GOLDEN["matters"]))
def test_matter_case_in_the_engine(case: dict[str, Any]) -> None:
    _reasoned(case)
    _check_engine(case, matter_deadlines(_events(case)))


def _matter_book(case: dict[str, Any]) -> bytes:
    """The example workbook with this case's as-of date and Matter events (the example's cleared)."""
    wb = openpyxl.load_workbook(io.BytesIO(example_bytes()))
    wb["Settings"]["B5"] = D(case["as_of"])
    ws = wb["Matter"]
    col = {c.field: i for i, c in enumerate(MATTER_COLUMNS, start=1)}
    for r in range(5, 16):
        for c in col.values():
            ws.cell(r, c).value = None
    for n, e in enumerate(case["events"]):
        r = 5 + n
        ws.cell(r, col["id"]).value = f"EV-{n + 1}"
        ws.cell(r, col["event"]).value = e["kind"]
        ws.cell(r, col["date"]).value = D(e["date"])
        for field in ("count", "delay_days"):
            if field in e:
                ws.cell(r, col[field]).value = e[field]
        for field in ("other_date", "done"):
            if field in e:
                ws.cell(r, col[field]).value = D(e[field])
        if e.get("by_mail"):
            ws.cell(r, col["by_mail"]).value = "Yes"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_rows(data: bytes) -> dict[str, tuple[Any, Any, Any, Any]]:
    ws = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["Deadlines"]
    out = {}
    r = DEADLINES_HEADER_ROW + 1
    while ws.cell(r, DC["rule"]).value:
        values = [ws.cell(r, DC[k]).value for k in ("due", "earlier", "days_left", "status")]
        values = [v.date() if isinstance(v, dt.datetime) else v for v in values]
        out[ws.cell(r, DC["rule"]).value] = (values[0], values[1] or None, values[2], values[3])
        r += 1
    return out


MATTER_IDS = ("access-extended-keeps-day-30", "breach-notice-late-is-a-possible-violation", "oral-delay-ends-not-past-due",
              "posting-may-come-down-after", "board-decision-finality-and-judicial-review",
              "hhs-notice-with-delay-other-reading", "ba-notice-starts-entity-deadlines")


@pytest.mark.slow  # a workbook round trip: left out of the quick loop
@pytest.mark.parametrize("case", [c for c in GOLDEN["matters"] if c["id"] in MATTER_IDS], ids=list(MATTER_IDS))
def test_matter_case_agrees_in_the_workbook_the_cli_and_the_ics(case: dict[str, Any], tmp_path: Path) -> None:
    refreshed, report = build_refreshed(_matter_book(case))
    assert not [t for t in report.invalid if "Matter" in t], report.invalid
    recalculated, _ = recalc_package(package_from_bytes(refreshed), as_of=D(case["as_of"]))
    for data in (refreshed, recalculated.to_bytes()):  # the values refresh writes and those recalc computes
        rows = _sheet_rows(data)
        for want in case["expect"]:
            due, earlier, left, status = rows[want["rule"]]
            assert due == D(want["date"]), (case["id"], want["rule"], due)
            assert earlier == (D(want["earlier"]) if "earlier" in want else None), (case["id"], want["rule"], earlier)
            assert status == want["status"], (case["id"], want["rule"], status)
            if status.startswith("done"):
                assert left in (None, ""), left
    book = tmp_path / "matter.xlsx"
    book.write_bytes(refreshed)
    ics_path = tmp_path / "matter.ics"
    result = runner.invoke(app, ["deadlines", str(book), "--ics", str(ics_path)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert all(len(line.rstrip()) <= 80 for line in result.stdout.splitlines())
    flat = " ".join(result.stdout.split())
    cal = icalendar.Calendar.from_ical(ics_path.read_bytes())
    events = list(cal.walk("VEVENT"))
    for want in case["expect"]:
        assert want["date"] in flat and want["status"] in flat, (case["id"], want)
        mine = [e for e in events if str(e["summary"]).startswith(want["rule"] + ":")
                or str(e["summary"]).startswith(want["rule"] + " (")]
        assert any(e.decoded("dtstart") == D(want["date"]) for e in mine), (case["id"], want["rule"])
        if "earlier" in want:
            assert f"other reading {want['earlier']}" in flat
            assert any(e.decoded("dtstart") == D(want["earlier"]) and "other reading (earlier)" in str(e["summary"])
                       for e in mine), (case["id"], want["rule"])
        if "late" in want:
            assert want["late"] in " ".join(str(e["description"]) for e in mine)


# ---------------------------------------------------------------- the workbook with "Action commenced on"


def _with_commencement(settings: dt.date | None, per_incident: dict[int, dt.date]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(example_bytes()))
    if settings is not None:
        wb["Settings"]["B6"] = settings
    ws = wb["Incidents"]
    col = next(i for i, c in enumerate(INCIDENT_COLUMNS, start=1) if c.field == "commenced")
    assert ws.cell(4, col).value == "Action commenced on"
    for row, day in per_incident.items():
        ws.cell(row, col).value = day
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.slow  # a workbook round trip: left out of the quick loop
@pytest.mark.parametrize(("settings", "per_incident"), [
    (D("2026-02-15"), {}),
    (None, {14: D("2026-01-20"), 8: D("2015-01-01")}),  # HBS-01 open since 2019; RCH-04 of 2008-09
    (D("2026-02-15"), {14: D("2026-01-20")}),
], ids=["settings", "per-incident", "both"])
def test_a_workbook_with_action_commenced_on_agrees_with_the_engine_after_refresh_and_recalc(
    settings: dt.date | None, per_incident: dict[int, dt.date]
) -> None:
    data = _with_commencement(settings, per_incident)
    refreshed, report = build_refreshed(data)
    assert not [t for t in report.invalid if "Incidents" in t], report.invalid
    assert summary_mismatches(refreshed) == []
    recalculated, rc = recalc_package(package_from_bytes(refreshed), use_recorded_as_of=True)
    assert rc.ok, rc.problems
    assert summary_mismatches(recalculated.to_bytes(), as_of=rc.as_of) == []
    _, report2 = build_refreshed(refreshed)
    assert not report2.changed  # refresh says up to date, and the Summary agrees: no loop
    # the dates change the figures: the open HBS-01 stops at its action, RCH-04's 2009 days come in time
    from hipaa_xl.workbook.verify import engine_aggregation

    base = engine_aggregation(build_refreshed(example_bytes())[0]).grand_total()
    assert engine_aggregation(refreshed).grand_total() != base
    hbs = [r for r in exposure_values(recalculated.to_bytes()) if r["id"] == "HBS-01"]
    assert hbs and all(r["eff_why"] == "cut at the action's commencement (160.420(a), 160.422)" for r in hbs)


# ---------------------------------------------------------------- the C/D reading, the catalogue


def test_a_scenario_clearing_cure_period_ends_prices_the_30_day_reading_of_the_c_d_line() -> None:
    from hipaa_xl.engine.scenarios import run_scenarios
    from hipaa_xl.workbook.scenario_tables import change_row, scenario_row

    # willful neglect known 2024-03-01, corrected 2024-04-13 (day 44), period extended to 2024-04-14:
    # tier C on our reading (decisions 26); cleared, the 30-day period ends 2024-03-30: tier D
    x = Incident(id="X", entity="Acme Health", requirement="164.308(a)(1)(ii)(A)", culpability="willful neglect",
                 start=D("2024-03-01"), end=D("2024-03-10"), known=D("2024-03-01"), corrected=D("2024-04-13"),
                 cure_period_ends=D("2024-04-14"))
    result = run_scenarios([x], [scenario_row("30-day line")],
                           [change_row("30-day line", "X", "Cure period ends", None, "160.404(b)(2)(iii)")],
                           "regulation", D("2026-11-25"))
    base = next(r for r in result.all if r.name != "30-day line")
    other = next(r for r in result.all if r.name == "30-day line")
    assert base.aggregation is not None and other.aggregation is not None
    assert [r.tier for r in base.aggregation.rows] == ["C"] and [r.tier for r in other.aggregation.rows] == ["D"]
    assert other.aggregation.groups[0].minimum == 10 * 50_000 > base.aggregation.groups[0].minimum


def test_the_catalogues_more_general_forms_are_broader_provisions_of_the_same_subpart() -> None:
    from hipaa_xl.engine.provisions import canonical_citation, subpart_of

    data = json.loads((Path(__file__).parents[1] / "hipaa_xl" / "workbook" / "data" / "requirements.json")
                      .read_text("utf-8"))
    pairs = {r["requirement"]: r["more_general"] for r in data["requirements"] if r["more_general"]}
    for specific, general in pairs.items():
        assert subpart_of(specific) == subpart_of(general) is not None, (specific, general)
        s, g = canonical_citation(specific), canonical_citation(general)
        assert s is not None and g is not None and not g.startswith(s), (specific, general)  # never narrower
    # 164.314(a) is the contract content 164.308(b)(1) requires: the pair reads that way, not backwards
    assert pairs["164.314(a)"] == "164.308(b)(1)" and "164.308(b)(1)" not in pairs


@pytest.mark.slow  # a workbook round trip: left out of the quick loop
@pytest.mark.parametrize(("settings", "per_incident"), [
    (D("2026-02-15"), {}),
    (None, {14: D("2026-01-20"), 8: D("2015-01-01")}),
], ids=["settings", "per-incident"])
def test_report_and_share_accept_a_refreshed_workbook_with_action_commenced_on(
    settings: dt.date | None, per_incident: dict[int, dt.date], tmp_path: Path
) -> None:
    pytest.importorskip("docx")
    refreshed, _ = build_refreshed(_with_commencement(settings, per_incident))
    book = tmp_path / "matter.xlsx"
    book.write_bytes(refreshed)
    for command in ("refresh", "report", "share"):
        result = runner.invoke(app, [command, str(book)])
        assert result.exit_code == 0, (command, result.output)
    assert (tmp_path / "matter-memo.docx").is_file()
    assert list(tmp_path.glob("matter-share*.xlsx"))
    assert book.read_bytes() == refreshed  # refresh found it up to date: no loop


@pytest.mark.slow  # a workbook round trip: left out of the quick loop
def test_an_overlapping_incident_is_noted_on_its_exposure_rows_and_in_refresh_output() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(example_bytes()))
    ws = wb["Incidents"]
    for c in range(1, len(INCIDENT_COLUMNS) + 1):  # HBS-09: a copy of HBS-01 (open since 2019) from 2026-01-01
        ws.cell(16, c).value = ws.cell(14, c).value
    ws.cell(16, 1).value = "HBS-09"
    ws.cell(16, 7).value = D("2026-01-01")
    buf = io.BytesIO()
    wb.save(buf)
    out, report = build_refreshed(buf.getvalue())
    # Jan 1..Mar 31, 2026 (31 + 28 + 31 = 90 days) are HBS-01's days too
    assert any(w.startswith("Incidents row 16 (HBS-09): 90 day(s) of this incident are also counted under "
                            "incident(s) HBS-01")
               for w in report.warnings)
    notes = [r["note"] for r in exposure_values(out) if r["id"] == "HBS-09"]
    assert notes and all("counted twice; one violation a day on 45 CFR 160.406" in n for n in notes)
    assert all("counted twice" not in (r["note"] or "") for r in exposure_values(out) if r["id"] == "HBS-01")


def test_every_status_phrase_is_listed_in_docs_deadlines_as_public_contract() -> None:
    from hipaa_xl.engine.deadline_status import all_status_words

    readme = " ".join((Path(__file__).parents[1] / "docs" / "deadlines.md").read_text("utf-8").split())
    words = all_status_words()
    assert {"past due", "delay ends in N days", "posting may come down after", "final on",
            "last day for OCR to commence", "done N days late"} <= set(words)
    for phrase in words:
        assert f"`{phrase}`" in readme, phrase


@pytest.mark.slow  # a workbook round trip: left out of the quick loop
def test_a_duplicate_of_link_edited_after_refresh_marks_the_layout_out_of_date() -> None:
    # RCH-02 (164.308(a)(1)(i), row 6) is "Duplicate of" RCH-01; pointed at RCH-05 (164.502(a), subpart E)
    # without a refresh, the formulas alone would count it as a duplicate: the layout turns stale instead
    from hipaa_xl.workbook.exposure import OUT_OF_DATE

    col = next(i for i, c in enumerate(INCIDENT_COLUMNS, start=1) if c.field == "duplicate_of")
    wb = openpyxl.load_workbook(io.BytesIO(example_bytes()))
    assert wb["Incidents"].cell(6, col).value == "RCH-01"
    wb["Incidents"].cell(6, col).value = "RCH-05"
    buf = io.BytesIO()
    wb.save(buf)
    computed, _ = recalc_package(package_from_bytes(buf.getvalue()), use_recorded_as_of=True)
    checks = {r["id"]: r["check"] for r in exposure_values(computed.to_bytes())}
    assert checks["RCH-02"] == OUT_OF_DATE and not checks["RCH-01"]
    _, report = build_refreshed(buf.getvalue())
    assert any("row 6: Duplicate of RCH-05 crosses subparts" in t for t in report.invalid), report.invalid
