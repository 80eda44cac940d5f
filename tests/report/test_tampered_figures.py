"""``report`` and ``share`` refuse a workbook whose written figures were edited by hand: the scenario
figures, the probability-weighted figures, the groups that move most, the schedule comparison and the
Schedules sheet's amounts are values, not formulas, so recalculation alone would not see the edit."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from hipaa_xl.cli import app
from hipaa_xl.ooxml.package import package_from_bytes
from tests.workbook_helpers import example_bytes, part_of

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

runner = CliRunner()


def _find(sheet: str, match: Callable[[tuple[Any, ...]], bool], col: int) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(example_bytes()), data_only=True)
    for r, row in enumerate(wb[sheet].iter_rows(values_only=True), start=1):
        if match(row) and isinstance(row[col - 1], int | float):
            return f"{openpyxl.utils.get_column_letter(col)}{r}"
    raise AssertionError(f"no such cell on {sheet}")


def _starts(text: str) -> Callable[[tuple[Any, ...]], bool]:
    return lambda row: isinstance(row[0], str) and row[0].startswith(text)


TAMPERED = {
    "scenario minimum": ("Summary", _starts("Worst case"), 6),
    "scenario entity maximum": ("Summary", _starts("Riverside Physician Group"), 7),
    "probability-weighted maximum": ("Summary", _starts("Probability-weighted"), 7),
    "what moves the number": ("Summary", _starts("Our position"), 8),
    "schedule comparison": ("Summary", lambda row: row[0] == "statute", 3),
    "Schedules amount": ("Schedules", lambda row: row[0] == "A", 4),
}


def _tamper(sheet: str, cell: str) -> bytes:
    pkg = package_from_bytes(example_bytes())
    part = part_of(pkg, sheet)
    xml = pkg[part].decode()
    xml, n = re.subn(rf'(<c r="{cell}"[^>]*>(?:<f>[^<]*</f>)?<v>)[^<]*(</v>)', r"\g<1>1\2", xml, count=1)
    assert n == 1, cell
    pkg[part] = xml.encode()
    return pkg.to_bytes()


@pytest.mark.parametrize("what", list(TAMPERED))
@pytest.mark.parametrize("command", ["share", "report"])
def test_a_figure_edited_by_hand_is_refused_and_nothing_is_written(tmp_path: Path, what: str, command: str) -> None:
    sheet, match, col = TAMPERED[what]
    cell = _find(sheet, match, col)
    book = tmp_path / "tampered.xlsx"
    book.write_bytes(_tamper(sheet, cell))
    out = tmp_path / ("out.xlsx" if command == "share" else "out.docx")
    result = runner.invoke(app, [command, str(book), "-o", str(out)])
    assert result.exit_code == 3, (what, cell, result.output)
    named = f"{sheet}!{cell}" in result.output or (what == "schedule comparison"
                                                    and "the statute schedule line" in result.output)
    assert named and "Traceback" not in result.output
    assert not out.exists()


def test_the_untampered_example_is_accepted(tmp_path: Path) -> None:
    book = tmp_path / "example.xlsx"
    book.write_bytes(example_bytes())
    result = runner.invoke(app, ["share", str(book), "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 0, result.output
