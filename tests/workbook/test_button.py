"""The Excel Refresh button's Python side with a recording xlwings book (decisions 18): the same
object-model path as xlwings Lite's script, then a save and a status-bar line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hipaa_xl.cli import app
from hipaa_xl.ooxml.package import package_from_bytes
from hipaa_xl.workbook import refresh_book
from hipaa_xl.workbook.button import sheet_grid
from tests.lite.test_refresh import snapshot
from tests.lite_book import RecordingBook, normalised
from tests.workbook_helpers import example_bytes, set_incident_cell, text_cell

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop


class FakeApp:
    status_bar: str = ""


class ButtonBook(RecordingBook):
    """What ``refresh_book`` uses of an ``xw.Book``: the object model, save(), app.status_bar."""

    def __init__(self, snap: dict[str, Any]) -> None:
        super().__init__(snap)
        self.saved = 0
        self.app = FakeApp()

    def save(self) -> None:
        self.saved += 1


def _stamp_free(grid: list[list[Any]]) -> list[list[Any]]:
    return [[v.split("; generated")[0] if isinstance(v, str) and "; generated" in v else v for v in row]
            for row in normalised(grid)]


def test_button_writes_the_same_sheets_as_the_cli_refresh(tmp_path: Path) -> None:
    edited = set_incident_cell(example_bytes(), "B15", text_cell("=Harbor Billing"))
    (tmp_path / "cli.xlsx").write_bytes(edited)
    book = ButtonBook(snapshot(edited))
    lines = refresh_book(book)
    assert lines[0].startswith("as-of date used: 2026-03-31 (from Settings)")
    assert book.app.status_bar == "hipaa-xl: " + lines[0] and book.saved == 1
    result = CliRunner().invoke(app, ["refresh", str(tmp_path / "cli.xlsx"), "--no-backup"])
    assert result.exit_code == 0, result.output
    cli_pkg = package_from_bytes((tmp_path / "cli.xlsx").read_bytes())
    for name in ("Exposure", "Summary"):
        grid, formats = sheet_grid(cli_pkg, name)
        assert _stamp_free(book.sheets[name].grid()) == _stamp_free(grid), name
        assert book.sheets[name].number_formats == formats, name
    summary = list(book.sheets["Summary"].written.values())
    assert "'=Harbor Billing" in summary and "=Harbor Billing" not in summary  # typed text stays text


def test_button_reports_one_line_for_a_book_it_cannot_refresh_and_writes_nothing() -> None:
    snap = snapshot(example_bytes())
    snap["names"] = {k: v for k, v in snap["names"].items() if k != "AsOf"}
    book = ButtonBook(snap)
    lines = refresh_book(book)
    assert len(lines) == 1 and lines[0].startswith("error: ") and "AsOf" in lines[0]
    assert book.app.status_bar.startswith("hipaa-xl error:")
    assert book.saved == 0 and all(s.cleared == 0 for s in book.sheets)


def test_button_refuses_when_a_user_object_is_on_a_generated_sheet(tmp_path: Path) -> None:
    from hipaa_xl.ooxml.opc import read_rels, sheets

    pkg = package_from_bytes(example_bytes())
    exposure = next(s.part for s in sheets(pkg) if s.name == "Exposure")
    assert not read_rels(pkg, exposure)
    # a user's comment on Exposure: a relationship to a comments part
    rels = exposure.replace("worksheets/", "worksheets/_rels/") + ".rels"
    pkg[rels] = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
                 b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.'
                 b'openxmlformats.org/officeDocument/2006/relationships/comments" Target="../comments9.xml"/>'
                 b"</Relationships>")
    pkg["xl/comments9.xml"] = b'<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    path = tmp_path / "mine.xlsx"
    path.write_bytes(pkg.to_bytes())
    book = ButtonBook(snapshot(example_bytes()))
    book.fullname = str(path)  # type: ignore[attr-defined]
    lines = refresh_book(book)
    assert len(lines) == 1 and "would delete what a user put there" in lines[0]
    assert all(s.cleared == 0 for s in book.sheets)
