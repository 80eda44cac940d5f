"""hipaa-xl report and share on the command line: what they write, one line and the exit-code table's code
when they refuse; the Chosen points and their reasons in the memo."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from hipaa_xl.cli import app
from hipaa_xl.cli.common import EXIT_BAD_INPUT, EXIT_STALE
from hipaa_xl.ooxml.package import package_from_bytes
from hipaa_xl.recalc import recalc_package
from hipaa_xl.report.commands import make_memo
from hipaa_xl.workbook.summary import WITHIN
from tests.report_helpers import MEMO_DATE, body, rows, table_after, text_of
from tests.workbook_helpers import example_bytes, part_of, set_incident_cell, text_cell

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

runner = CliRunner()


def _book(tmp_path: Path, data: bytes | None = None, name: str = "matter.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(example_bytes() if data is None else data)
    return path


def test_report_writes_the_memo_beside_the_workbook(tmp_path: Path) -> None:
    book = _book(tmp_path)
    result = runner.invoke(app, ["report", str(book)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "matter-memo.docx").is_file()
    assert "wrote" in result.output and result.stderr == ""


def test_report_refuses_a_stale_book_in_one_line_with_exit_3(tmp_path: Path) -> None:
    data = example_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    row = next(r for r in range(5, 40) if wb["Incidents"].cell(r, 9).value is not None)
    book = _book(tmp_path, set_incident_cell(data, f"I{row}", "><v>999</v>"))
    for command in (["report", str(book)], ["share", str(book)]):
        result = runner.invoke(app, command)
        assert result.exit_code == EXIT_STALE
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "hipaa-xl refresh" in lines[0]
    assert not list(tmp_path.glob("matter-*"))
    forced = runner.invoke(app, ["report", str(book), "--force"])
    assert forced.exit_code == 0 and "DRAFT - figures not current" in forced.stderr


def test_unusable_files_and_outputs_exit_2(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["report", str(tmp_path / "nope.xlsx")])
    assert missing.exit_code == EXIT_BAD_INPUT and len(missing.stderr.strip().splitlines()) == 1
    book = _book(tmp_path)
    wrong = runner.invoke(app, ["report", str(book), "-o", str(tmp_path / "memo.pdf")])
    assert wrong.exit_code == EXIT_BAD_INPUT and ".docx" in wrong.stderr
    itself = runner.invoke(app, ["share", str(book), "-o", str(book)])
    assert itself.exit_code == EXIT_BAD_INPUT and "workbook itself" in itself.stderr


def test_report_pdf_without_libreoffice_is_one_line_and_keeps_the_docx(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HIPAA_XL_SOFFICE", str(tmp_path / "no-soffice"))
    book = _book(tmp_path)
    result = runner.invoke(app, ["report", str(book), "--pdf"])
    assert result.exit_code == EXIT_BAD_INPUT
    line = result.stderr.strip()
    assert "\n" not in line and "LibreOffice" in line and "was written" in line
    assert (tmp_path / "matter-memo.docx").is_file() and not (tmp_path / "matter-memo.pdf").exists()


def test_share_prints_what_it_removed_and_leaves_the_source(tmp_path: Path) -> None:
    book = _book(tmp_path)
    before = book.read_bytes()
    result = runner.invoke(app, ["share", str(book)])
    assert result.exit_code == 0, result.output
    assert "replaced" in result.output and "removed:" in result.output and "Values as of" in result.output
    assert book.read_bytes() == before
    assert (tmp_path / "matter-share.xlsx").is_file()


def _with_chosen(data: bytes, chosen: dict[int, int]) -> bytes:
    """The example with Chosen amounts typed on Summary rows, recalculated (as Excel would)."""
    pkg = package_from_bytes(data)
    part = part_of(pkg, "Summary")
    xml = pkg[part].decode()
    for row, amount in chosen.items():
        xml, n = re.subn(rf'<c r="L{row}"( s="\d+")?\s*/>', rf'<c r="L{row}"\1><v>{amount}</v></c>', xml)
        assert n == 1, row
    pkg[part] = xml.encode()
    recalculated, report = recalc_package(pkg, use_recorded_as_of=True)
    assert report.ok
    return recalculated.to_bytes()


def test_chosen_points_appear_with_their_range_check_and_the_factors_behind_them(tmp_path: Path) -> None:
    """A Chosen point is shown with its range, the Summary's check, where it falls, and beside it the
    160.408 factors of the Factors sheet and the old free-text Factors note of its incidents; page 1's
    own figure is then the Chosen total (not the scenario weighting)."""
    data = example_bytes()
    ws = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["Summary"]
    row = next(r for r in range(8, 40) if ws.cell(r, 2).value == "164.312(a)(2)(iv)")
    lo, hi = ws.cell(row, 6).value, ws.cell(row, 7).value
    assert isinstance(lo, int) and isinstance(hi, int) and hi > lo
    chosen = lo + (hi - lo) // 4
    incidents = openpyxl.load_workbook(io.BytesIO(data))["Incidents"]
    inc_row = next(r for r in range(5, incidents.max_row + 1) if incidents.cell(r, 1).value == "RCH-03")
    with_note = set_incident_cell(data, f"O{inc_row}", text_cell("Laptops were in a locked car"))
    book = _book(tmp_path, _with_chosen(with_note, {row: chosen}))
    result = make_memo(book, memo_date=MEMO_DATE)
    assert result.draft_reason is None  # a Chosen point and a note keep the figures current
    items = body(result.docx)
    table = rows(table_after(items, "Factors (45 CFR 160.408) and the points chosen"))
    assert table[0] == ["Group", "Range", "Chosen", "Check", "Factors (160.408) and reasons"]
    line = next(r for r in table[1:] if r[0] == "Riverside Community Hospital, 164.312(a)(2)(iv), 2022")
    assert line[1] == f"${lo:,} - ${hi:,}" and line[2] == f"${chosen:,}"
    assert line[3].startswith(WITHIN) and "25% of the way" in line[3]  # the Summary's own Chosen check
    assert "(a)(1) Number of individuals affected - aggravating: About 4,100 patients' records" in line[4]
    assert "(b)(2) Financial harm - mitigating" in line[4]
    assert "(incident note) RCH-03: Laptops were in a locked car" in line[4]
    page1 = text_of(items).split("Bottom line", 1)[1].split("The range by calendar year", 1)[0]
    assert f"The points chosen on the Summary add up to ${chosen:,} (1 of " in page1
    assert "lawyer's own weighting" not in page1


def test_chosen_points_of_several_years_share_the_row_of_their_factors(tmp_path: Path) -> None:
    """Years of one entity and requirement with the same factors are one row; each year's Chosen point is
    listed on its own line with where it falls in that year's range."""
    data = example_bytes()
    ws = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["Summary"]
    picked = {r: ws.cell(r, 6).value + (ws.cell(r, 7).value - ws.cell(r, 6).value) // 2
              for r in range(8, 40) if ws.cell(r, 1).value == "Harbor Billing Services LLC"
              and ws.cell(r, 2).value == "164.308(a)(1)(ii)(A)" and ws.cell(r, 3).value in (2021, 2022)}
    assert len(picked) == 2
    result = make_memo(_book(tmp_path, _with_chosen(data, picked)), memo_date=MEMO_DATE)
    table = rows(table_after(body(result.docx), "Factors (45 CFR 160.408) and the points chosen"))
    harbor = [r for r in table[1:] if r[0].startswith("Harbor Billing Services LLC, 164.308(a)(1)(ii)(A)")]
    chosen_row = next(r for r in harbor if r[2])
    assert chosen_row[0].endswith(", 2021-2022")
    for row, amount in picked.items():
        assert f"{ws.cell(row, 3).value}: ${amount:,} (50%)" in chosen_row[2].split("\n")
    assert "(d)(3) Size of the entity - mitigating" in chosen_row[4]
    other = next(r for r in harbor if not r[2])  # the other years, without a Chosen point, on their own row
    assert other[0].endswith(", 2020, 2023-2026") and other[4] == chosen_row[4]
