"""What leaves the firm: the share copy is built from what its reader is meant to see.

A marker is planted in every kind of part a workbook can hold (privacy_markers.KINDS); every part of
the copy is unpacked and searched. The external copy (the default) carries no work product; every
sheet's page header comes from this matter's Settings, after refresh and in the copy.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from hipaa_xl.ooxml.opc import sheets
from hipaa_xl.ooxml.package import package_from_bytes
from hipaa_xl.report.commands import make_share
from hipaa_xl.workbook.refresh import build_refreshed
from tests.privacy_markers import KINDS, plant_everything, survivors
from tests.report_helpers import soffice
from tests.workbook_helpers import example_bytes, part_of

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

COMMENT_KINDS = ("COMMENT", "COMMENT-AUTHOR", "THREADED-COMMENT", "PERSON", "CORE-CREATOR", "CORE-LASTMODIFIEDBY")
"""What ``--keep-comments`` asks for: the comments, their authors, and the author properties."""


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = tmp_path_factory.mktemp("privacy") / "planted.xlsx"
    book.write_bytes(plant_everything(example_bytes()))
    assert set(survivors(dict(package_from_bytes(book.read_bytes())))) == set(KINDS)  # every marker is there
    return book


@pytest.mark.parametrize(("audience", "keep_comments"), [("external", False), ("client", False), ("client", True)])
def test_no_planted_marker_survives_in_any_part_of_the_share_copy(planted: Path, tmp_path: Path, audience: str,
                                                                  keep_comments: bool) -> None:
    target, _ = make_share(planted, tmp_path / "copy.xlsx", keep_comments=keep_comments,
                           audience=audience)  # type: ignore[arg-type]
    parts = dict(package_from_bytes(target.read_bytes()))
    left = survivors(parts)
    allowed = set(COMMENT_KINDS) if keep_comments else set()
    assert set(left) <= allowed, {k: v for k, v in left.items() if k not in allowed}
    if keep_comments:
        assert set(left) == allowed  # what the user asked for is there
    assert b"424242" not in b"".join(parts.values())  # the hidden sheet's number, cached in the planted chart


@pytest.mark.libreoffice
def test_the_copy_of_the_planted_book_opens_in_libreoffice(planted: Path, tmp_path: Path) -> None:
    office = soffice()
    target, _ = make_share(planted, tmp_path / "copy.xlsx")
    subprocess.run(["timeout", "180", office, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(target)], check=True, capture_output=True)
    assert (tmp_path / "copy.pdf").stat().st_size > 10_000


def _work_product(data: bytes) -> dict[str, list[str]]:
    """The texts of the lawyer's positions in the example: scenarios, factors, notes, the legend."""
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    out: dict[str, list[str]] = {}

    def column(sheet: str, header: str) -> list[str]:
        ws = wb[sheet]
        for row in ws.iter_rows(min_row=1, max_row=10):
            for cell in row:
                if cell.value == header and ws.cell(cell.row, 1).value == "ID":
                    return [str(v) for (v,) in ws.iter_rows(min_row=cell.row + 1, min_col=cell.column,
                                                            max_col=cell.column, values_only=True) if v]
        return []

    factors = wb["Factors"]
    reason = next(c for c in factors[4] if c.value == "Reason").column
    out["factors"] = column("Incidents", "Factors") + [
        str(v) for (v,) in factors.iter_rows(min_row=5, min_col=reason, max_col=reason, values_only=True) if v]
    out["notes"] = column("Matter", "Notes")
    scen = wb["Scenarios"]
    header = [c.value for c in scen[4]]
    wanted = [i for i, h in enumerate(header) if h in ("Name", "Description", "Reason")]
    out["scenarios"] = [str(row[i]) for row in scen.iter_rows(min_row=5, values_only=True) for i in wanted
                        if isinstance(row[i], str) and row[i].strip()]
    out["legend"] = [wb["Settings"]["B13"].value]
    return out


def test_the_external_copy_carries_no_scenario_probability_factor_chosen_point_note_or_legend(tmp_path: Path) -> None:
    data = example_bytes()
    book = tmp_path / "matter.xlsx"
    book.write_bytes(data)
    texts = _work_product(data)
    assert all(texts.values()), texts  # the example has each kind, so the test can fail
    target, lines = make_share(book)  # the default audience
    parts = dict(package_from_bytes(target.read_bytes()))
    everything = b"".join(parts.values()).decode("utf-8", "replace")
    for kind, values in texts.items():
        for value in values:
            assert value not in everything, (kind, value)
    for word in ("Probability", "Probability-weighted", "Chosen check", "Our position", "Privileged"):
        assert word not in everything, word
    wb = openpyxl.load_workbook(target)
    assert "Scenarios" not in wb.sheetnames and "Factors" not in wb.sheetnames
    summary = wb["Summary"]
    assert summary["G8"].value is not None and summary["L8"].value is None  # the figures stay; Chosen goes
    text = "\n".join(lines)
    for what in ("(external)", "the Scenarios sheet", "the Factors sheet", "the privilege legend",
                 "Incidents: the Factors column", "Matter: the Notes column",
                 "Summary: the scenario and probability-weighted figures", "Summary: the Chosen points"):
        assert what in text, what


def test_the_client_copy_keeps_the_scenarios_and_the_legend(tmp_path: Path) -> None:
    book = tmp_path / "matter.xlsx"
    book.write_bytes(example_bytes())
    target, lines = make_share(book, audience="client")
    wb = openpyxl.load_workbook(target)
    assert "Scenarios" in wb.sheetnames
    assert wb["Summary"].oddHeader.left.text.startswith("Privileged && Confidential")
    assert not any("left out" in line for line in lines)


def _renamed(data: bytes, matter: str) -> bytes:
    """The example with another matter name typed on Settings (a new matter started from it)."""
    pkg = package_from_bytes(data)
    part = part_of(pkg, "Settings")
    xml = pkg[part].decode()
    xml, n = re.subn(r'(<c r="B10"[^>]*><is><t>)[^<]*(</t>)', rf"\g<1>{matter}\2", xml)
    assert n == 1
    pkg[part] = xml.encode()
    return pkg.to_bytes()


def _headers(data: bytes) -> dict[str, str]:
    pkg = package_from_bytes(data)
    out = {}
    for name in pkg:
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            found = re.search(rb"<headerFooter.*?</headerFooter>", pkg[name], re.DOTALL)
            out[name] = found.group(0).decode() if found else ""
    return out


def test_refresh_and_share_rebuild_every_sheets_header_from_this_matter(tmp_path: Path) -> None:
    refreshed, _ = build_refreshed(_renamed(example_bytes(), "Acme Clinic - audit"))
    headers = _headers(refreshed)
    assert len(headers) == len(sheets(package_from_bytes(refreshed))) >= 9  # every sheet, generated or the user's
    for part, text in headers.items():
        assert "Riverside" not in text, part
        assert "Acme Clinic - audit" in text and "as of 2026-03-31" in text, part
    _again, report = build_refreshed(refreshed)
    assert "up to date: nothing written" in report.lines()  # one definition of "up to date"
    book = tmp_path / "acme.xlsx"
    book.write_bytes(refreshed)
    for audience in ("external", "client"):
        target, _ = make_share(book, tmp_path / f"{audience}.xlsx", audience=audience)  # type: ignore[arg-type]
        parts = dict(package_from_bytes(target.read_bytes()))
        everything = b"".join(parts.values())
        assert b"Riverside Health - OCR" not in everything and b"Acme Clinic - audit" in parts["docProps/core.xml"]
        for part, text in _headers(target.read_bytes()).items():
            assert "Acme Clinic - audit" in text, part
            assert ("Privileged" in text) == (audience == "client"), part


def test_share_works_without_python_docx(tmp_path: Path) -> None:
    """Only the memo needs python-docx: the share copy is made with it unavailable."""
    book = tmp_path / "matter.xlsx"
    book.write_bytes(example_bytes())
    code = ("import runpy, sys; sys.modules['docx'] = None; "
            f"sys.argv = ['hipaa-xl', 'share', {str(book)!r}]; runpy.run_module('hipaa_xl.cli', run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "matter-share.xlsx").exists()
    blocked = subprocess.run([sys.executable, "-c", "import sys; sys.modules['docx'] = None; import docx"],
                             capture_output=True, text=True)
    assert blocked.returncode != 0 and "docx" in blocked.stderr  # the blocking is real
