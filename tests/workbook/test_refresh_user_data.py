"""Refresh never writes over a user's own values and leaves no incident out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hipaa_xl.ooxml.package import package_from_bytes, read_package
from hipaa_xl.workbook.refresh import refresh_file
from tests.workbook_helpers import example_bytes, part_of

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop


def _with_rows(sheet: str, rows_xml: str) -> bytes:
    pkg = package_from_bytes(example_bytes())
    part = part_of(pkg, sheet)
    pkg[part] = pkg[part].replace(b"</sheetData>", rows_xml.encode() + b"</sheetData>", 1)
    return pkg.to_bytes()


def _cell(path: Path, sheet: str, ref: str) -> str:
    pkg = read_package(path)
    xml = pkg[part_of(pkg, sheet)].decode()
    start = xml.index(f'<c r="{ref}"')
    return xml[start: xml.index("</c>", start) + 4]


def test_refresh_keeps_a_user_cached_value_it_cannot_evaluate_and_reports_the_cell(tmp_path: Path) -> None:
    # GCD is not among the evaluator's functions; Excel cached 72. B900 = A900*2 is computed
    # from the kept value: 72 * 2 = 144 (not #NAME?).
    book = tmp_path / "matter.xlsx"
    book.write_bytes(_with_rows("Requirements", '<row r="900"><c r="A900"><f>GCD(45000,45100)</f><v>72</v>'
                                                '</c><c r="B900"><f>A900*2</f><v>1</v></c></row>'))
    report = refresh_file(book)
    assert _cell(book, "Requirements", "A900") == '<c r="A900"><f>GCD(45000,45100)</f><v>72</v></c>'
    assert "<v>144</v>" in _cell(book, "Requirements", "B900")
    assert any(w.startswith("Requirements!A900: unknown function: GCD") and "value in the file is kept" in w
               for w in report.warnings)


def test_refresh_keeps_the_cached_values_of_a_circular_reference_on_a_user_sheet(tmp_path: Path) -> None:
    book = tmp_path / "matter.xlsx"
    book.write_bytes(_with_rows("Requirements", '<row r="900"><c r="A900"><f>B900+1</f><v>5</v></c>'
                                                '<c r="B900"><f>A900+1</f><v>6</v></c></row>'))
    report = refresh_file(book)
    assert "<v>5</v>" in _cell(book, "Requirements", "A900") and "<v>6</v>" in _cell(book, "Requirements", "B900")
    assert any("circular reference" in w for w in report.warnings)


def test_an_incident_below_a_stale_dimension_is_priced_and_reported_as_outside_the_table(tmp_path: Path) -> None:
    # The example's Incidents table ends on row 15 and so does its <dimension>; row 16 is typed below both.
    book = tmp_path / "matter.xlsx"
    book.write_bytes(_with_rows("Incidents", '<row r="16"><c r="A16" t="inlineStr"><is><t>NEXT-01</t></is></c>'
                                             '<c r="B16" t="inlineStr"><is><t>Next Entity</t></is></c>'
                                             '<c r="C16" t="inlineStr"><is><t>164.530(b)</t></is></c>'
                                             '<c r="F16" t="inlineStr"><is><t>B</t></is></c>'
                                             '<c r="G16"><v>45000</v></c><c r="I16"><v>5</v></c></row>'))
    before = read_package(book)
    dimension = re.search(rb'<dimension ref="A1:[A-Z]+(\d+)"/>', before[part_of(before, "Incidents")])
    assert dimension is not None and dimension[1] == b"15"
    report = refresh_file(book)
    assert report.incidents == 12
    pkg = read_package(book)
    assert b"NEXT-01" in pkg[part_of(pkg, "Exposure")]
    assert any(w.startswith("Incidents!row(s) 16 lie below the table Incidents (rows 4-15)") for w in report.warnings)
