"""One OOXML and A1 layer (hipaa_xl.ooxml): Strict and Transitional read alike, sheet names quoted once."""

from __future__ import annotations

import pytest

from hipaa_xl.errors import WorkbookError
from hipaa_xl.ooxml import a1, opc
from hipaa_xl.ooxml.package import Package, package_from_bytes
from hipaa_xl.recalc import recalc_package
from tests.workbook_helpers import example_bytes


@pytest.mark.parametrize(("name", "quoted"), [
    ("Incidents", "Incidents"), ("My notes", "'My notes'"), ("Bob's", "'Bob''s'"), ("2024", "'2024'"),
    ("A1", "'A1'"), ("R2C3", "'R2C3'"), ("XFD7", "'XFD7'"), ("Tab_2", "Tab_2"), ("Übersicht", "Übersicht"),
])
def test_sheet_names_are_quoted_as_formulas_need_and_read_back(name: str, quoted: str) -> None:
    assert a1.quote_sheet(name) == quoted
    assert a1.unquote_sheet(quoted) == name
    assert a1.split_sheet_ref(f"{quoted}!$C$12") == (name, 12, 3)


@pytest.mark.parametrize(("col", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (702, "ZZ"), (703, "AAA"),
                                              (16384, "XFD")])
def test_column_letters_round_trip(col: int, letters: str) -> None:
    assert a1.column_letters(col) == letters and a1.column_index(letters) == col
    assert a1.cell_address(5, col, absolute=True) == f"${letters}$5"


def _strict(pkg: Package) -> Package:
    """The same package in Strict OOXML namespaces (as Excel's "Strict Open XML" save writes them)."""
    out = pkg.copy()
    for name in out:
        if name.endswith((".xml", ".rels")):
            out[name] = (out[name]
                         .replace(opc.NS_MAIN.encode(), opc.NS_STRICT_MAIN.encode())
                         .replace(opc.NS_R.encode(), opc.NS_STRICT_R.encode()))
    return out


@pytest.mark.slow  # a workbook round trip: left out of the quick loop
def test_strict_and_transitional_packages_give_the_same_sheets_names_and_values() -> None:
    transitional = package_from_bytes(example_bytes())
    strict = _strict(transitional)
    assert b"purl.oclc.org" in strict["xl/workbook.xml"]
    def seen(pkg: Package) -> list[tuple[str, str, int, bool]]:
        return [(s.name, s.part, s.index, s.is_worksheet) for s in opc.sheets(pkg)]

    assert seen(strict) == seen(transitional)
    assert all(worksheet for *_, worksheet in seen(strict))
    assert opc.defined_names(strict) == opc.defined_names(transitional)
    _, report_t = recalc_package(transitional)
    _, report_s = recalc_package(strict)
    assert report_s.ok and report_s.formulas == report_t.formulas > 1000
    assert report_s.differences == report_t.differences == []  # the committed values, read alike


def test_a_package_without_a_workbook_part_is_refused() -> None:
    pkg = Package.from_parts({"[Content_Types].xml": b"<Types/>"})
    with pytest.raises(WorkbookError, match="no workbook part"):
        opc.workbook_part(pkg)
