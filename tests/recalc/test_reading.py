"""Reading what Excel writes: defined names with relative references, newer error values stored as
rich values, and a sheet entry without a part.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.workbook.defined_name import DefinedName

from hipaa_xl.recalc import recalc_file

AS_OF = dt.date(2024, 5, 1)


def _rewrite(path: Path, changes: dict[str, bytes]) -> None:
    """Replace or add parts of a package (the rest copied as it is)."""
    with zipfile.ZipFile(path) as zin:
        parts = {name: zin.read(name) for name in zin.namelist()}
    parts.update(changes)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)


def test_relative_references_in_a_name_are_taken_from_the_cell_that_uses_it(tmp_path: Path) -> None:
    # Excel stores a name's relative references as offsets from A1 that wrap round the sheet:
    # XFD1048576 is one up and one left of the cell using the name ("Define and use names in formulas")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["H8"], ws["I8"], ws["I9"] = 10, 5, "=Both"
    ws["D1"], ws["D2"], ws["D3"], ws["D5"] = 1, 2, 3, "=SUM(ThreeAbove)"
    ws["F2"], ws["G3"] = 7, "=UpLeft*2"
    wb.defined_names["Both"] = DefinedName("Both", attr_text="Sheet1!XFD1048576+Sheet1!A1048576")
    wb.defined_names["ThreeAbove"] = DefinedName("ThreeAbove", attr_text="Sheet1!A1048574:A1048576")
    wb.defined_names["UpLeft"] = DefinedName("UpLeft", attr_text="Sheet1!XFD1048576")
    path = tmp_path / "names.xlsx"
    wb.save(path)
    report = recalc_file(path, as_of=AS_OF)
    out = openpyxl.load_workbook(path, data_only=True)["Sheet1"]
    assert out["I9"].value == 15  # H8 + I8
    assert out["D5"].value == 5  # D2:D4
    assert out["G3"].value == 14  # F2 * 2
    assert report.ok


_METADATA = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             b'<metadata xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             b'xmlns:xlrd="http://schemas.microsoft.com/office/spreadsheetml/2017/richdata">'
             b'<metadataTypes count="1"><metadataType name="XLRICHVALUE" minSupportedVersion="120000"/>'
             b'</metadataTypes><futureMetadata name="XLRICHVALUE" count="2">'
             b'<bk><extLst><ext uri="{3e2802c4-a4d2-4d8b-9148-e3be6c30e623}"><xlrd:rvb i="0"/></ext></extLst></bk>'
             b'<bk><extLst><ext uri="{3e2802c4-a4d2-4d8b-9148-e3be6c30e623}"><xlrd:rvb i="1"/></ext></extLst></bk>'
             b'</futureMetadata><valueMetadata count="2"><bk><rc t="1" v="0"/></bk><bk><rc t="1" v="1"/></bk>'
             b'</valueMetadata></metadata>')
_RICH_VALUES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<rvData xmlns="http://schemas.microsoft.com/office/spreadsheetml/2017/richdata" count="2">'
                b'<rv s="0"><v>13</v><v>0</v></rv><rv s="0"><v>8</v><v>0</v></rv></rvData>')
_STRUCTURES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               b'<rvStructures xmlns="http://schemas.microsoft.com/office/spreadsheetml/2017/richdata" count="1">'
               b'<s t="_error"><k n="errorType" t="i"/><k n="subType" t="i"/></s></rvStructures>')


def test_newer_errors_stored_as_rich_values_are_read_as_the_error_excel_shows(tmp_path: Path) -> None:
    # Excel writes #CALC! and #SPILL! as <c t="e" vm="N"><v>#VALUE!</v></c>, the error itself in
    # the rich value the metadata points to (errorType 13 and 8); ERROR.TYPE gives 14 and 9
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B1"], ws["B2"], ws["B3"] = "=ERROR.TYPE(A1)", "=ERROR.TYPE(A2)", "=ERROR.TYPE(A3)"
    path = tmp_path / "rich.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    errors = {1: '<c r="A1" t="e" vm="1"><v>#VALUE!</v></c>', 2: '<c r="A2" t="e" vm="2"><v>#VALUE!</v></c>',
              3: '<c r="A3" t="e"><v>#VALUE!</v></c>'}
    for row, cell in errors.items():
        sheet = re.sub(rf'(<row r="{row}"[^>]*>)', rf"\g<1>{cell}", sheet)
    office = "http://schemas.microsoft.com/office/2017/06/relationships/"
    rels = rels.replace("</Relationships>",
                        '<Relationship Id="rIdM" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                        'relationships/sheetMetadata" Target="metadata.xml"/>'
                        f'<Relationship Id="rIdV" Type="{office}rdRichValue" Target="richData/rdrichvalue.xml"/>'
                        f'<Relationship Id="rIdS" Type="{office}rdRichValueStructure" '
                        'Target="richData/rdrichvaluestructure.xml"/></Relationships>')
    _rewrite(path, {"xl/worksheets/sheet1.xml": sheet.encode(), "xl/_rels/workbook.xml.rels": rels.encode(),
                    "xl/metadata.xml": _METADATA, "xl/richData/rdrichvalue.xml": _RICH_VALUES,
                    "xl/richData/rdrichvaluestructure.xml": _STRUCTURES})
    recalc_file(path, as_of=AS_OF)
    out = openpyxl.load_workbook(path, data_only=True).active
    assert [out[f"B{r}"].value for r in (1, 2, 3)] == [14, 9, 3]


def test_a_sheet_entry_with_an_empty_relationship_id_is_skipped_and_kept_byte_for_byte(tmp_path: Path) -> None:
    # Excel saves a very hidden macro sheet that has no part as <sheet ... r:id=""/>; the workbook is
    # not damaged: recalc warns, computes the rest and leaves that entry exactly as it was
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["A1"], ws["A2"] = 2, "=A1*3"
    wb.defined_names["Local"] = DefinedName("Local", attr_text="Data!$A$1", localSheetId=0)
    ws["A3"] = "=Local+1"
    path = tmp_path / "macro.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        workbook = z.read("xl/workbook.xml").decode()
    entry = '<sheet name="Module1" sheetId="9" state="veryHidden" r:id=""/>'
    workbook = re.sub(r"(<sheets>.*?)(</sheets>)", rf"\g<1>{entry}\g<2>", workbook)
    if 'xmlns:r="' not in workbook.split("<sheets>")[0]:
        workbook = workbook.replace(
            "<workbook ", '<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ', 1)
    workbook = re.sub(r'<sheet xmlns:r="[^"]*" ', "<sheet ", workbook)
    _rewrite(path, {"xl/workbook.xml": workbook.encode()})
    report = recalc_file(path, as_of=AS_OF)
    assert any("Module1" in w and "empty relationship id" in w for w in report.warnings)
    assert report.ok and report.written == path
    with zipfile.ZipFile(path) as z:
        assert entry.encode() in z.read("xl/workbook.xml")
    out = openpyxl.load_workbook(path, data_only=True)["Data"]
    assert (out["A2"].value, out["A3"].value) == (6, 3)
