"""Tables the commands print: readable in 80 columns and in a pipe, no amount or name in fragments."""

from __future__ import annotations

from typer.testing import CliRunner

from hipaa_xl.cli import app
from hipaa_xl.cli.text import WIDTH, Column, money, sectioned_table

COLUMNS = (Column("Requirement"), Column("Year", "right"), Column("Maximum", "right"))


def test_a_table_that_fits_keeps_one_line_a_row_with_amounts_right_aligned() -> None:
    lines = sectioned_table(COLUMNS, [("Acme", [["164.308", "2024", money(2_190_294)], ["", "2025", money(7)]])])
    assert lines == [
        "Acme",
        "  Requirement  Year     Maximum",
        "  164.308      2024  $2,190,294",
        "               2025          $7",
    ]


def test_a_table_too_wide_puts_the_long_name_on_its_own_line_and_never_cuts_it() -> None:
    name = "45 CFR 164.308(a)(1)(ii)(A) risk analysis and risk management, " * 2
    lines = sectioned_table(COLUMNS, [("Acme", [[name.strip(), "2024", money(2_190_294)]])], total=["Total", "", "$9"])
    assert "  " + name.strip() in lines  # whole, on its own line (a name longer than the width stays whole)
    assert "    2024  $2,190,294" in lines
    assert all(len(line) <= WIDTH for line in lines if name.strip() not in line)


def test_schedules_prints_every_amount_whole_within_80_columns() -> None:
    result = CliRunner().invoke(app, ["schedules"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert all(len(line) <= WIDTH for line in lines)
    assert "  D     $73,011  none (cap)  $2,190,294" in lines  # the current table's tier D, one line
