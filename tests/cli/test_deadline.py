"""``hipaa-xl deadline``: one computation in 80 columns; bad input is one line and exit 2."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest
from typer.testing import CliRunner

from hipaa_xl.cli import app
from tests.workbook_helpers import example_bytes

runner = CliRunner()
ENV = {"COLUMNS": "80"}


def test_deadline_prints_due_date_computation_words_and_citation_in_80_columns() -> None:
    result = runner.invoke(app, ["deadline", "board-appeal", "2026-02-05", "--mail"], env=ENV)
    assert result.exit_code == 0, result.output
    # Feb 5 + 30 + 5 (mail, 160.526(c)) = Mar 12, a Thursday
    assert "2026-03-12 (Thursday)" in result.stdout
    assert "45 CFR 160.548(a)" in result.stdout and "notice of appeal" in result.stdout
    assert all(len(line.rstrip()) <= 80 for line in result.stdout.splitlines())


def test_unchecked_rule_says_so_and_checked_rule_does_not() -> None:
    unchecked = runner.invoke(app, ["deadline", "hearing-request", "2026-01-06"], env=ENV)
    assert unchecked.exit_code == 0 and "2026-04-13 (Monday)" in unchecked.stdout
    assert "No current eCFR copy" in unchecked.stdout
    checked = runner.invoke(app, ["deadline", "breach-individuals", "2026-01-01"], env=ENV)
    assert "2026-03-02 (Monday)" in checked.stdout and "No current eCFR copy" not in checked.stdout


def test_a_notice_not_required_is_said_plainly() -> None:
    result = runner.invoke(app, ["deadline", "breach-media", "2026-01-01", "--count", "500"], env=ENV)
    assert result.exit_code == 0 and "not required" in result.stdout
    assert "2026-03-02" in runner.invoke(app, ["deadline", "breach-media", "2026-01-01", "--count", "501"],
                                         env=ENV).stdout


def test_bad_input_is_one_line_on_stderr_and_exit_2() -> None:
    for args in (["deadline", "nope", "2026-01-01"], ["deadline", "access", "2026-13-01"],
                 ["deadline", "access", "2026-01-01", "--mail"], ["deadline", "access-extended", "2026-01-15",
                                                                  "--date", "2026-03-17"], ["deadline"]):
        result = runner.invoke(app, args, env=ENV)
        assert result.exit_code == 2, args
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, (args, result.stderr)


def test_list_shows_every_rule() -> None:
    result = runner.invoke(app, ["deadline", "--list"], env=ENV)
    assert result.exit_code == 0
    for name in ("breach-hhs-log", "law-enforcement-oral", "judicial-review"):
        assert name in result.stdout


@pytest.mark.slow  # builds and refreshes a workbook
def test_deadlines_book_prints_the_table_in_80_columns_and_writes_a_calendar(tmp_path: Path) -> None:
    book = tmp_path / "matter.xlsx"
    book.write_bytes(example_bytes())
    ics_path = tmp_path / "matter.ics"
    result = runner.invoke(app, ["deadlines", str(book), "--ics", str(ics_path)], env=ENV)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line.rstrip()) <= 80 for line in lines)
    text = result.stdout
    assert "as of 2026-03-31 (Settings)" in text
    # the oral delay's lapse owes nothing: "delay ended", never "past due" (decisions 41)
    assert "2026-03-22" in text and "delay ended" in text and "45 CFR 164.412(b)" in text
    assert "past due" not in text
    # EV-1's 30 days of delay: the stricter reading's date (day 60, 2026-04-10) beside (decisions 40)
    assert "other reading" in text and "2026-04-10" in text
    assert "not required" in text and "breach-media*" in text  # unchecked words are starred
    cal = icalendar.Calendar.from_ical(ics_path.read_bytes())
    due = sorted(c.decoded("dtstart") for c in cal.walk("VEVENT"))
    # 8 dated deadlines (the NV media notice is not required) and 4 other readings, each its own event
    assert len(due) == 12 and due[0] == dt.date(2026, 2, 13)
    summaries = [str(c.get("summary")) for c in cal.walk("VEVENT")]
    assert sum("other reading (earlier)" in t for t in summaries) == 4
    assert book.read_bytes() == example_bytes()  # reading deadlines never writes the workbook


def test_deadlines_book_bad_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "notes.xlsx"
    bad.write_bytes(b"not a zip")
    for args in (["deadlines", str(tmp_path / "missing.xlsx")], ["deadlines", str(bad)]):
        result = runner.invoke(app, args, env=ENV)
        assert result.exit_code == 2 and result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
