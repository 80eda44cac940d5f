"""The Excel Refresh button's Python side with a duck-typed xlwings book (decisions 18)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from hipaa_xl.cli import app
from hipaa_xl.workbook import refresh_book
from hipaa_xl.workbook.button import sheet_grid
from hipaa_xl.xlsxio import package_from_bytes
from tests.workbook_helpers import example_bytes, set_incident_cell, text_cell


class FakeRange:
    def __init__(self, sheet: FakeSheet, at: tuple[int, int]) -> None:
        self.sheet, self.at = sheet, at

    @property
    def formula(self) -> Any:
        return self.sheet.grid

    @formula.setter
    def formula(self, grid: list[list[Any]]) -> None:
        assert self.at == (1, 1)
        self.sheet.grid = grid

    @property
    def number_format(self) -> str:
        return self.sheet.formats.get(self.at, "General")

    @number_format.setter
    def number_format(self, code: str) -> None:
        self.sheet.formats[self.at] = code


class FakeSheet:
    def __init__(self) -> None:
        self.grid: list[list[Any]] = []
        self.formats: dict[tuple[int, int], str] = {}
        self.cleared = 0

    def clear(self) -> None:
        self.cleared += 1
        self.grid, self.formats = [], {}

    def range(self, at: tuple[int, int]) -> FakeRange:
        return FakeRange(self, at)


class FakeApp:
    status_bar: str = ""


class FakeBook:
    """What ``refresh_book`` uses of an ``xw.Book``: fullname, save(), sheets[name], app.status_bar."""

    def __init__(self, path: Path) -> None:
        self.fullname = str(path)
        self.saved = 0
        self.sheets = {"Exposure": FakeSheet(), "Summary": FakeSheet()}
        self.app = FakeApp()

    def save(self) -> None:
        self.saved += 1


def test_button_writes_the_same_sheets_as_the_cli_refresh(tmp_path: Path) -> None:
    edited = set_incident_cell(example_bytes(), "B15", text_cell("=Harbor Billing"))
    for name in ("button.xlsx", "cli.xlsx"):
        (tmp_path / name).write_bytes(edited)
    book = FakeBook(tmp_path / "button.xlsx")
    lines = refresh_book(book)
    assert lines[0].startswith("as-of date used: 2026-03-31 (from Settings)")
    assert book.app.status_bar == "hipaa-xl: " + lines[0] and book.saved == 2
    result = CliRunner().invoke(app, ["refresh", str(tmp_path / "cli.xlsx"), "--no-backup"])
    assert result.exit_code == 0, result.output
    cli_pkg = package_from_bytes((tmp_path / "cli.xlsx").read_bytes())
    for name in ("Exposure", "Summary"):
        grid, formats = sheet_grid(cli_pkg, name)
        assert book.sheets[name].grid == grid, name
        assert book.sheets[name].formats == formats, name
    exposure = book.sheets["Exposure"].grid
    assert any(str(v).startswith("=IF(INDEX(Incidents!") for row in exposure for v in row)  # formulas
    summary = [v for row in book.sheets["Summary"].grid for v in row]
    assert "'=Harbor Billing" in summary and "=Harbor Billing" not in summary  # typed text stays text


def test_button_reports_one_line_for_a_broken_file_and_leaves_it(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(example_bytes()[:5000])
    book = FakeBook(path)
    lines = refresh_book(book)
    assert len(lines) == 1 and lines[0].startswith("error: broken.xlsx") and "\n" not in lines[0]
    assert book.app.status_bar.startswith("hipaa-xl error:")
    assert path.read_bytes() == example_bytes()[:5000]
    assert book.sheets["Exposure"].cleared == 0
