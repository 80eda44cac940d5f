"""``report --pdf`` writes the PDF like every other output: never through a leftover or planted link,
and a PDF path that cannot be written is refused before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hipaa_xl.cli import app
from tests.report_helpers import soffice
from tests.workbook_helpers import example_bytes

runner = CliRunner()


def test_a_pdf_path_that_is_a_folder_is_refused_before_the_memo_is_written(tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    book.write_bytes(example_bytes())
    (tmp_path / "m.pdf").mkdir()
    result = runner.invoke(app, ["report", str(book), "-o", str(tmp_path / "m.docx"), "--pdf"])
    assert result.exit_code == 2 and "folder" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx", "m.pdf"]


@pytest.mark.libreoffice
def test_the_pdf_never_goes_through_a_link_named_like_its_temporary_file(tmp_path: Path) -> None:
    soffice()
    book = tmp_path / "book.xlsx"
    book.write_bytes(example_bytes())
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / "m.pdf.part").symlink_to(victim)
    result = runner.invoke(app, ["report", str(book), "-o", str(tmp_path / "m.docx"), "--pdf"])
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "precious"
    assert (tmp_path / "m.pdf").read_bytes().startswith(b"%PDF")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
