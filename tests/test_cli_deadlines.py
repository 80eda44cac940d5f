"""``hipaa-xl deadline``: one computation in 80 columns; bad input is one line and exit 2."""

from __future__ import annotations

from typer.testing import CliRunner

from hipaa_xl.cli import app

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
