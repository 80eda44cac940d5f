"""Bounded memory in recalc: sheets read as a stream, values patched into the part's bytes.

The writer touches only the ``<c>`` elements whose value changed; every other byte of the part is
copied as it is. Array formulas are kept by their bounds, never expanded cell by cell (F1).
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from hipaa_xl.errors import WorkbookError
from hipaa_xl.ooxml.package import package_from_bytes
from hipaa_xl.recalc import recalc_package
from hipaa_xl.recalc.values import ExcelError
from hipaa_xl.recalc.writer import _patch_part
from tests.workbook_helpers import example_bytes, part_of

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

REPO = Path(__file__).resolve().parents[2]
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _sheet(cells: str, prefix: str = "") -> bytes:
    decl = f'xmlns:{prefix[:-1]}="{NS}"' if prefix else f'xmlns="{NS}"'
    return (f'<?xml version="1.0"?>\n<{prefix}worksheet {decl}><{prefix}sheetData>{cells}</{prefix}sheetData>'
            f'<{prefix}mergeCells count="0"/></{prefix}worksheet>').encode()


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_only_the_wanted_cells_change_and_every_other_byte_is_kept(prefix: str) -> None:
    p = prefix
    cells = (f'<{p}row r="1" spans="1:4"><{p}c r="A1" s="2"><{p}v>1</{p}v></{p}c>'
             f'<{p}c r="B1" t="str"><{p}f>A1&amp;"x"</{p}f><{p}v>old</{p}v></{p}c>'  # text result replaced
             f'<{p}c r="C1"><{p}f>A1+1</{p}f></{p}c>'  # no value yet
             f'<{p}c r="D1" t="inlineStr"><{p}f>1/0</{p}f><{p}is><{p}t>x</{p}t></{p}is></{p}c></{p}row>'
             f'<{p}row r="3"><{p}c><{p}f>A1*3</{p}f><{p}v/></{p}c>'  # no r: A3
             f'<{p}c r="B3" s="1"/></{p}row>')  # an empty covered cell
    data = _sheet(cells, p)
    values = {(1, 2): "a<b", (1, 3): 2, (1, 4): ExcelError("#DIV/0!"), (3, 1): 3.5, (3, 2): True}
    wanted = {r * 16384 + c for r, c in values}
    out = _patch_part(data, wanted, values)
    root = etree.fromstring(out)
    got = {c.get("r") or "A3": (c.get("t"), c.findtext(f"{{{NS}}}v"), c.find(f"{{{NS}}}is") is not None,
                                c.findtext(f"{{{NS}}}f")) for c in root.iter(f"{{{NS}}}c")}
    assert got == {
        "A1": (None, "1", False, None),
        "B1": ("str", "a<b", False, 'A1&"x"'),
        "C1": (None, "2", False, "A1+1"),
        "D1": ("e", "#DIV/0!", False, "1/0"),
        "A3": (None, "3.5", False, "A1*3"),
        "B3": ("b", "1", False, None),
    }
    untouched = f'<{p}c r="A1" s="2"><{p}v>1</{p}v></{p}c>'.encode()
    assert untouched in out and out.endswith(f"<{p}mergeCells count=\"0\"/></{p}worksheet>".encode())
    assert out.startswith(b'<?xml version="1.0"?>\n') and b'<c r="B3" s="1" t="b">' in out.replace(p.encode(), b"")


def test_nothing_wanted_means_the_same_bytes() -> None:
    data = _sheet('<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>')
    assert _patch_part(data, set(), {}) == data


def _with_sheet5_cell(xml: str) -> bytes:
    pkg = package_from_bytes(example_bytes())
    part = part_of(pkg, "Requirements")
    pkg[part] = pkg[part].replace(b"</sheetData>", f'<row r="900">{xml}</row></sheetData>'.encode(), 1)
    return pkg.to_bytes()


def test_an_array_formula_over_the_whole_grid_is_kept_by_its_bounds() -> None:
    # F1: <f t="array" ref="A900:XFD1048576"> covers 16,384 x 1,048,477 cells (17 billion); only the
    # cells present in the file are filled, so the recalc takes what the rest of the book takes.
    data = _with_sheet5_cell('<c r="A900"><f t="array" ref="A900:XFD1048576">1+1</f></c><c r="B900"><v>7</v></c>')
    new, report = recalc_package(package_from_bytes(data))
    assert report.ok
    sheet5 = new[part_of(new, "Requirements")]
    assert b'<c r="A900"><f t="array" ref="A900:XFD1048576">1+1</f><v>2</v></c>' in sheet5
    # a single value fills every cell its array formula covers, as Excel shows {=1+1} over a range
    assert b'<c r="B900"><v>2</v></c>' in sheet5


_CAPPED = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]) * 2**20, int(sys.argv[2]) * 2**20))
    from hipaa_xl.recalc import recalc_file
    report = recalc_file(sys.argv[1], check=True)
    print(report.formulas, report.ok)
""")


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_AS"), reason="needs an address-space limit")
def test_the_whole_grid_array_recalculates_under_a_600_mib_address_space(tmp_path: Path) -> None:
    book = tmp_path / "arr.xlsx"
    book.write_bytes(_with_sheet5_cell('<c r="A900"><f t="array" ref="A900:XFD1048576">1</f></c>'))
    done = subprocess.run([sys.executable, "-c", _CAPPED, str(book), "600"], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[1] == "True"


def test_a_refreshed_sheet_part_is_patched_not_reserialised() -> None:
    # Refresh writes the Exposure formulas without values; recalc puts each value beside its formula
    # and leaves the bytes between cells (row attributes, column widths, merges) as they were.
    pkg = package_from_bytes(example_bytes())
    part = part_of(pkg, "Exposure")
    before = pkg[part]
    stripped = re.sub(rb"(</f>)<v>[^<]*</v>", rb"\1", before)
    pkg[part] = stripped
    new, _ = recalc_package(pkg)
    after = new[part]
    assert after == before  # every value back in its place, and nothing else changed
    assert after[: after.index(b"<sheetData")] == stripped[: stripped.index(b"<sheetData")]
    assert after[after.index(b"</sheetData>"):] == stripped[stripped.index(b"</sheetData>"):]
    with zipfile.ZipFile(__import__("io").BytesIO(new.to_bytes())) as archive:
        etree.fromstring(archive.read(part))  # well-formed


def test_whole_column_formulas_share_one_reading_of_the_column(monkeypatch: pytest.MonkeyPatch) -> None:
    # F17 scaled down: 300 cells C1..C300 = SUM(A:A)-A{r} over 5,000 used rows (A{r} = r).
    # SUM(A:A) = 5000 * 5001 / 2 = 12,502,500, so C7 = 12,502,493 and C300 = 12,502,200.
    from hipaa_xl.recalc.model import Book

    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c>'
                   + (f'<c r="C{r}"><f>SUM(A:A)-A{r}</f></c>' if r <= 300 else "") + "</row>"
                   for r in range(1, 5001))
    pkg = package_from_bytes(example_bytes())
    pkg[part_of(pkg, "Requirements")] = _sheet(rows)
    reads: list[tuple[int, int, int, int]] = []
    real_rows = Book.rows

    def counting_rows(self: Book, ref: object, height: int | None = None) -> object:
        reads.append((ref.r1, ref.c1, ref.r2, ref.c2))  # type: ignore[attr-defined]
        return real_rows(self, ref, height)  # type: ignore[arg-type]

    monkeypatch.setattr(Book, "rows", counting_rows)
    new, report = recalc_package(pkg)
    assert report.ok
    sheet = new[part_of(new, "Requirements")]
    assert b'<c r="C7"><f>SUM(A:A)-A7</f><v>12502493</v></c>' in sheet
    assert b'<c r="C300"><f>SUM(A:A)-A300</f><v>12502200</v></c>' in sheet
    assert reads.count((1, 1, 1048576, 1)) == 1  # column A read once for 300 formulas


def test_a_range_over_a_huge_used_grid_is_reported_not_read() -> None:
    # A value in A1 and one in XFD1048576 make the used range the whole grid: SUM over it would read
    # 1,048,576 x 16,384 = 17,179,869,184 cells; the cell is reported and every other one computed.
    rows = ('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>SUM(A1:XFD1048576)</f></c><c r="C1"><f>A1+1</f></c>'
            '</row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>')
    pkg = package_from_bytes(example_bytes())
    pkg[part_of(pkg, "Requirements")] = _sheet(rows)
    new, report = recalc_package(pkg)
    assert [(p.cell, p.kind) for p in report.problems] == [("B1", "too large")]
    assert "17,179,869,184 used cells" in report.problems[0].detail
    assert b'<c r="C1"><f>A1+1</f><v>2</v></c>' in new[part_of(new, "Requirements")]


def _value_book(path: Path, rows: int) -> Path:
    pkg = package_from_bytes(example_bytes())
    pkg[part_of(pkg, "Requirements")] = _sheet("".join(
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>1</v></c></row>' for r in range(1, rows + 1)))
    path.write_bytes(pkg.to_bytes())
    return path


def test_a_workbook_too_big_for_the_memory_budget_is_refused_up_front(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # 100,000 rows of two value cells: about 200,000 x 500 bytes = 95 MiB, over a 64 MiB budget.
    from hipaa_xl.ooxml.admission import BUDGET_VARIABLE, check_workbook_path
    from hipaa_xl.recalc import recalc_file
    from hipaa_xl.workbook.refresh import refresh_file

    book = _value_book(tmp_path / "big.xlsx", 100_000)
    check_workbook_path(book)  # the default budget (2 GiB) admits it
    monkeypatch.setenv(BUDGET_VARIABLE, "64")
    for action in (lambda: check_workbook_path(book), lambda: recalc_file(book, check=True),
                   lambda: refresh_file(book)):
        with pytest.raises(WorkbookError, match=r"^big\.xlsx is too large to work on within the memory budget: "
                                                     r"\d+ MiB unpacked and at least [\d,]+ cells \([\d,]+ formulas\) "
                                                     r"need at least \d+ MiB, over the 64 MiB budget"):
            action()


_REFUSED_UNDER_CAP = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (400 * 2**20, 400 * 2**20))
    from hipaa_xl.errors import WorkbookError
    from hipaa_xl.ooxml.admission import check_workbook_path
    try:
        check_workbook_path(sys.argv[1])
    except WorkbookError as exc:
        print(exc.message)
""")


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_AS"), reason="needs an address-space limit")
def test_the_budget_check_itself_streams_within_a_small_address_space(tmp_path: Path) -> None:
    # 400,000 rows (about 32 MB of sheet XML): the check reads it in 1 MiB chunks under a 400 MiB cap.
    book = _value_book(tmp_path / "big.xlsx", 400_000)
    done = subprocess.run([sys.executable, "-c", _REFUSED_UNDER_CAP, str(book)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO), "HIPAA_XL_MEMORY_MIB": "256"}, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("big.xlsx is too large to work on within the memory budget: ")
    assert "cells" in done.stdout and "over the 256 MiB budget" in done.stdout
