"""A new matter from a previous one (``new --from``) and a matter emptied in place (``clear``): the
firm's parts kept, nothing of the matter's data in any part of the package; and what a lawyer types:
a count in a date-formatted cell, errors in plain words, warnings with the row and the fix."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from hipaa_xl.cli import app
from hipaa_xl.cli.common import EXIT_BAD_INPUT
from hipaa_xl.engine.scenario_records import ScenarioInput
from hipaa_xl.engine.scenarios import run_scenarios
from hipaa_xl.excel import cells
from hipaa_xl.workbook import columns
from hipaa_xl.workbook.inputs import parse_incident, parse_matter_row
from hipaa_xl.workbook.refresh import build_refreshed, refresh_file
from hipaa_xl.workbook.scenario_tables import change_row
from hipaa_xl.workbook.template import build_static_workbook
from tests.workbook_helpers import example_bytes

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

runner = CliRunner()
AS_OF = dt.date(2026, 3, 31)
EXAMPLE_NAMES = ("Riverside Health System", "Riverside Community Hospital", "Riverside Physician Group",
                 "Harbor Billing", "OCR compliance review", "2026-0142", "A. Associate")
"""What of the example matter must not survive in a new matter (its preparer is replaced below). A real
published outcome may name another "Riverside" on the Outcomes sheet: the example's own names are checked."""


def _firm_example(tmp_path: Path) -> Path:
    """The example as a firm's previous matter: its own legend, preparer and an edited catalogue row."""
    wb = openpyxl.load_workbook(io.BytesIO(example_bytes()))
    names = wb.defined_names
    for name, value in ((columns.NAME_PRIVILEGE_LEGEND, "Smith LLP - Privileged"), (columns.NAME_PREPARED_BY, "J. Partner")):
        sheet, cell = names[name].attr_text.split("!")
        wb[sheet][cell.replace("$", "")] = value
    req = wb[columns.REQUIREMENTS_SHEET]
    last = req.max_row + 1
    for col, value in enumerate(("164.999(z)", "Firm rule", "Our own catalogue row", "45 CFR 164.999(z)"), 1):
        req.cell(row=last, column=col, value=value)
    path = tmp_path / "previous.xlsx"
    wb.save(path)
    return path


def _parts_text(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8", "replace") for n in z.namelist()}


def _no_example_anywhere(path: Path) -> None:
    for name, text in _parts_text(path).items():
        for leaked in EXAMPLE_NAMES:
            assert leaked not in text, f"{path.name}:{name} still has {leaked!r}"


def _settings(path: Path) -> dict[str, object]:
    wb = openpyxl.load_workbook(path)
    out = {}
    for name in (columns.NAME_PRIVILEGE_LEGEND, columns.NAME_PREPARED_BY, columns.NAME_CLIENT, columns.NAME_MATTER):
        sheet, cell = wb.defined_names[name].attr_text.split("!")
        out[name] = wb[sheet][cell.replace("$", "")].value
    return out


def test_new_from_keeps_the_firm_parts_and_nothing_of_the_previous_matter(tmp_path: Path) -> None:
    previous = _firm_example(tmp_path)
    before = previous.read_bytes()
    new = tmp_path / "new.xlsx"
    result = runner.invoke(app, ["new", str(new), "--from", str(previous), "--as-of", "2026-03-31"])
    assert result.exit_code == 0, result.output
    assert previous.read_bytes() == before
    settings = _settings(new)
    assert settings[columns.NAME_PRIVILEGE_LEGEND] == "Smith LLP - Privileged"
    assert settings[columns.NAME_PREPARED_BY] == "J. Partner"
    assert settings[columns.NAME_CLIENT] is None and settings[columns.NAME_MATTER] is None
    wb = openpyxl.load_workbook(new)
    assert any(r[0] == "164.999(z)" and r[2] == "Our own catalogue row"
               for r in wb[columns.REQUIREMENTS_SHEET].iter_rows(values_only=True))
    for sheet in (columns.INCIDENTS_SHEET, columns.MATTER_SHEET, columns.FACTORS_SHEET):
        ws = wb[sheet]
        assert all(v is None for row in ws.iter_rows(min_row=columns.HEADER_ROW + 1, max_col=7, values_only=True)
                   for v in row), sheet
    scenarios = [r for r in wb["Scenarios"].iter_rows(values_only=True) if r[0] in ("Our position", "OCR likely")]
    assert scenarios == []
    _no_example_anywhere(new)


def test_new_from_keeps_scenario_names_and_descriptions_only_when_asked(tmp_path: Path) -> None:
    previous = _firm_example(tmp_path)
    new = tmp_path / "new.xlsx"
    result = runner.invoke(app, ["new", str(new), "--from", str(previous), "--keep-scenarios"])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(new)["Scenarios"]
    names = {r[0]: r for r in ws.iter_rows(values_only=True) if r[0] in ("Our position", "OCR likely", "Worst case")}
    assert set(names) == {"Our position", "OCR likely", "Worst case"}
    assert all(r[2] is None and r[3] is None for r in names.values())  # no probability, no schedule
    assert not any(r[6] == "Our position" for r in ws.iter_rows(values_only=True) if len(r) > 6)  # no change


def test_new_from_refuses_without_a_previous_workbook_and_with_example_in_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["new", str(tmp_path / "n.xlsx"), "--from", str(tmp_path / "missing.xlsx")])
    assert result.exit_code == EXIT_BAD_INPUT and len(result.output.strip().splitlines()) == 1
    previous = _firm_example(tmp_path)
    result = runner.invoke(app, ["new", str(tmp_path / "n.xlsx"), "--from", str(previous), "--example"])
    assert result.exit_code == EXIT_BAD_INPUT
    result = runner.invoke(app, ["new", str(tmp_path / "n.xlsx"), "--keep-scenarios"])
    assert result.exit_code == EXIT_BAD_INPUT
    assert not (tmp_path / "n.xlsx").exists()


def test_clear_empties_the_matter_in_place_keeps_a_bak_and_the_firm_parts(tmp_path: Path) -> None:
    book = _firm_example(tmp_path)
    before = book.read_bytes()
    result = runner.invoke(app, ["clear", str(book)])
    assert result.exit_code == 0, result.output
    assert Path(str(book) + ".bak").read_bytes() == before
    assert _settings(book)[columns.NAME_PRIVILEGE_LEGEND] == "Smith LLP - Privileged"
    _no_example_anywhere(book)
    refresh_file(book, AS_OF)  # and a refresh of the cleared book brings nothing back
    _no_example_anywhere(book)


def test_a_count_typed_into_a_date_formatted_cell_is_read_as_the_number() -> None:
    """openpyxl gives 5 typed into a date-formatted cell as 1900-01-05: a count reads it back as 5."""
    values = {"id": "X-1", "entity": "E", "requirement": "164.524", "culpability": "reasonable cause",
              "start": dt.datetime(2024, 3, 1), "violations": dt.datetime(1900, 1, 5)}
    row = parse_incident(values, 5)
    assert row.incident is not None and row.incident.violations == 5
    event = parse_matter_row({"event": "Breach discovered", "date": dt.datetime(2026, 2, 9),
                              "count": dt.datetime(1901, 5, 14)}, 5)
    assert event.event is not None and event.event.count == 500
    incident = row.incident
    result = run_scenarios([incident], [ScenarioInput("More", row=5)],
                           [change_row("More", "X-1", "Violations", dt.datetime(1900, 1, 10), row=9)],
                           "current", AS_OF)
    assert not result.problems and result.scenarios[0].changes[0].value == 10


def test_a_wrong_value_is_reported_in_plain_words_never_a_python_repr() -> None:
    values = {"id": "X-1", "entity": "E", "requirement": "164.524", "culpability": "reasonable cause",
              "start": dt.datetime(2024, 3, 1), "violations": dt.datetime(1900, 1, 1, 12, 0)}
    reason = parse_incident(values, 5).reason
    assert reason.startswith("Violations must be a whole number (got a date: 1900-01-01 12:00, which is the number 1.5")
    for bad, words in (({"start": "next week"}, 'Start must be an Excel date, a serial number or ISO text '
                                                'YYYY-MM-DD (got "next week")'),
                       ({"known": True}, "Known must be a date (got TRUE)"),
                       ({"federal_action_pending": 7}, "Federal action pending must be TRUE or FALSE (got 7)")):
        reason = parse_incident({**values, "violations": 3, **bad}, 5).reason
        assert words in reason, reason
        assert "datetime" not in reason and "'" not in reason
    assert cells.shown(dt.date(2026, 3, 31)) == "a date: 2026-03-31" and cells.shown(True) == "TRUE"


def test_a_count_across_years_warns_with_the_row_and_the_fix() -> None:
    incidents = [{"id": "S-1", "entity": "E", "requirement": "164.502(a)", "description": "mailing",
                  "culpability": "reasonable cause", "tier": None, "start": "2023-12-01", "end": "2024-02-01",
                  "violations": 40, "known": "2023-12-01", "corrected": None, "duplicate_of": None,
                  "federal_action_pending": False, "criminal_penalty_imposed": False, "factors": ""}]
    static = build_static_workbook(as_of=AS_OF, incidents=incidents)
    _, report = build_refreshed(static, stamp_time="t")
    warning = next(w for w in report.warnings if "S-1" in w)
    assert warning.startswith(f"{columns.INCIDENTS_SHEET} row {columns.HEADER_ROW + 1} (S-1): the 40 violation(s) are all "
                              "dated on Start (2023-12-01), but End (2024-02-01)")
    assert "enter one row per calendar year, each with that year's count and dates" in warning


@pytest.mark.parametrize("value", [dt.datetime(1900, 1, 5), 5, 5.0, "5"])
def test_every_spelling_of_five_is_five_violations(value: object) -> None:
    values = {"id": "X-1", "entity": "E", "requirement": "164.524", "culpability": "reasonable cause",
              "start": dt.datetime(2024, 3, 1), "violations": value}
    row = parse_incident(values, 5)
    assert row.incident is not None and row.incident.violations == 5
