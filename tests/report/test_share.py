"""The share copy (hipaa-xl share): values only, nothing code-like, same displayed numbers, source untouched."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from hipaa_xl.ooxml.package import package_from_bytes
from hipaa_xl.report.commands import NotCurrentError, make_share
from hipaa_xl.report.share import CODE_LIKE
from tests.report_helpers import soffice
from tests.workbook_helpers import example_bytes, set_incident_cell

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

EXPORTED = dt.date(2026, 4, 2)
LITE_MAIN = "from hipaa_xl.udfs import *\n"


def _with_foreign_parts(data: bytes) -> bytes:
    """The example with what a user's or an add-in's workbook may carry: VBA, the xlwings Lite binding
    (parts as the Lite add-in saves them), an external link, a comment, a threaded comment, a person
    list, custom properties and personal document properties. Values stay current."""
    pkg = package_from_bytes(data)
    ct = pkg["[Content_Types].xml"].decode()
    overrides = {
        "xl/webextensions/taskpanes.xml": "application/vnd.ms-office.webextensiontaskpanes+xml",
        "xl/webextensions/webextension1.xml": "application/vnd.ms-office.webextension+xml",
        "xl/externalLinks/externalLink1.xml":
            "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml",
        "xl/comments1.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml",
        "xl/threadedComments/threadedComment1.xml": "application/vnd.ms-excel.threadedcomments+xml",
        "xl/persons/person.xml": "application/vnd.ms-excel.person+xml",
        "docProps/custom.xml": "application/vnd.openxmlformats-officedocument.custom-properties+xml",
    }
    add_ct = '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>' + "".join(
        f'<Override PartName="/{part}" ContentType="{kind}"/>' for part, kind in overrides.items())
    pkg["[Content_Types].xml"] = ct.replace("</Types>", add_ct + "</Types>").encode()
    pkg["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 fake VBA project"
    value = json.dumps(LITE_MAIN).replace("/", "\\/").replace('"', "&quot;")
    pkg["xl/webextensions/webextension1.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<we:webextension xmlns:we="http://schemas.microsoft.com/office/webextensions/webextension/2010/11" '
        'id="{11111111-2222-3333-4444-555555555555}"><we:reference id="wa200008175" version="1.0.0.0" '
        f'store="en-US" storeType="OMEX"/><we:properties><we:property name="main.py" value="{value}"/>'
        '</we:properties><we:bindings/></we:webextension>').encode()
    pkg["xl/webextensions/taskpanes.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<wetp:taskpanes xmlns:wetp="http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><wetp:taskpane '
        b'dockstate="right" visibility="1" width="350" row="2"><wetp:webextensionref r:id="rId1"/>'
        b'</wetp:taskpane></wetp:taskpanes>')
    pkg["xl/webextensions/_rels/taskpanes.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
        b'Id="rId1" Type="http://schemas.microsoft.com/office/2011/relationships/webextension" '
        b'Target="webextension1.xml"/></Relationships>')
    rels = pkg["_rels/.rels"].decode()
    pkg["_rels/.rels"] = rels.replace("</Relationships>", (
        '<Relationship Id="rIdLite" Type="http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes" '
        'Target="xl/webextensions/taskpanes.xml"/><Relationship Id="rIdCustom" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" '
        'Target="docProps/custom.xml"/></Relationships>')).encode()
    pkg["docProps/custom.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/custom-properties"/>')
    wb_rels = pkg["xl/_rels/workbook.xml.rels"].decode()
    pkg["xl/_rels/workbook.xml.rels"] = wb_rels.replace("</Relationships>", (
        '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
        'Target="vbaProject.bin"/><Relationship Id="rIdExt" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/externalLink" Target="externalLinks/externalLink1.xml"/><Relationship Id="rIdPer" '
        'Type="http://schemas.microsoft.com/office/2017/10/relationships/person" Target="persons/person.xml"/>'
        '</Relationships>')).encode()
    pkg["xl/externalLinks/externalLink1.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<externalLink xmlns="http://schemas.'
        b'openxmlformats.org/spreadsheetml/2006/main"><externalBook/></externalLink>')
    pkg["xl/persons/person.xml"] = b'<?xml version="1.0"?><personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"/>'
    wb_xml = pkg["xl/workbook.xml"].decode()
    wb_xml = wb_xml.replace("</definedNames>", '<definedName name="Doubled">Summary!$G$8*2</definedName></definedNames>')
    wb_xml = re.sub(r"(</sheets>)", r'\1', wb_xml)
    pkg["xl/workbook.xml"] = wb_xml.encode()
    # a note (legacy comment) and a threaded comment on Incidents
    inc_rels = "xl/worksheets/_rels/sheet1.xml.rels"
    pkg[inc_rels] = pkg[inc_rels].decode().replace("</Relationships>", (
        '<Relationship Id="rIdC" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" '
        'Target="../comments1.xml"/><Relationship Id="rIdT" Type="http://schemas.microsoft.com/office/2017/10/'
        'relationships/threadedComment" Target="../threadedComments/threadedComment1.xml"/></Relationships>')).encode()
    pkg["xl/comments1.xml"] = (
        b'<?xml version="1.0"?><comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<authors><author>Jane Partner</author></authors><commentList><comment ref="A5" authorId="0"><text><t>'
        b'check with client</t></text></comment></commentList></comments>')
    pkg["xl/threadedComments/threadedComment1.xml"] = (
        b'<?xml version="1.0"?><ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/'
        b'threadedcomments"/>')
    core = pkg["docProps/core.xml"].decode()
    pkg["docProps/core.xml"] = core.replace("</cp:coreProperties>",
                                            "<cp:lastModifiedBy>Jane Partner</cp:lastModifiedBy></cp:coreProperties>"
                                            ).encode()
    return pkg.to_bytes()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, bytes, list[str]]:
    folder = tmp_path_factory.mktemp("share")
    book = folder / "matter.xlsm"
    source = _with_foreign_parts(example_bytes())
    book.write_bytes(source)
    target, lines = make_share(book, exported_on=EXPORTED, audience="client")
    return book, target, source, lines


def test_source_is_byte_identical_afterwards(shared: tuple[Path, Path, bytes, list[str]]) -> None:
    book, target, source, _ = shared
    assert hashlib.sha256(book.read_bytes()).digest() == hashlib.sha256(source).digest()
    assert target.name == "matter-share.xlsx" and target.exists()


def test_share_copy_has_zero_formulas(shared: tuple[Path, Path, bytes, list[str]]) -> None:
    _, target, _, _ = shared
    pkg = package_from_bytes(target.read_bytes())
    sheets = [p for p in pkg if p.startswith("xl/worksheets/") and p.endswith(".xml")]
    assert sheets
    for part in sheets:
        assert b"<f>" not in pkg[part] and b"<f " not in pkg[part], part
    for part in (p for p in pkg if p.startswith("xl/tables/")):
        assert b"Formula" not in pkg[part]
    wb = openpyxl.load_workbook(target)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert not (isinstance(cell.value, str) and cell.value.startswith("=")), cell.coordinate


def _hidden_rows_and_columns(ws: Any) -> tuple[set[int], set[str]]:
    rows = {r for r, dim in ws.row_dimensions.items() if dim.hidden}
    cols: set[str] = set()
    for letter, dim in ws.column_dimensions.items():
        if dim.hidden:
            lo, hi = dim.min or 0, dim.max or 0
            cols |= {get_column_letter(i) for i in range(lo, hi + 1)} | {letter}
    return rows, cols


def test_every_visible_cell_equals_the_source_cached_value_and_hidden_ones_are_left_out(
        shared: tuple[Path, Path, bytes, list[str]]) -> None:
    _, target, source, _ = shared
    before = openpyxl.load_workbook(io.BytesIO(source), data_only=True)
    after = openpyxl.load_workbook(target, data_only=True)
    assert before.sheetnames == after.sheetnames
    compared = hidden = 0
    for name in before.sheetnames:
        a, b = before[name], after[name]
        rows, cols = _hidden_rows_and_columns(a)
        for row in a.iter_rows():
            for cell in row:
                if name == "Summary" and cell.coordinate in ("A5", "A6"):
                    continue
                if cell.row in rows or get_column_letter(cell.column) in cols:
                    hidden += cell.value is not None
                    assert b[cell.coordinate].value is None, f"{name}!{cell.coordinate} is hidden in the source"
                    continue
                assert b[cell.coordinate].value == cell.value, f"{name}!{cell.coordinate}"
                assert b[cell.coordinate].number_format == cell.number_format, f"{name}!{cell.coordinate}"
                compared += 1
    assert compared > 3000  # every visible cell of every sheet, the 1,000-odd formula cells among them
    assert hidden > 100  # refresh's hidden copy of the scenario tables on Summary, Exposure's helper columns


def test_values_line_on_summary_and_generated_sheets_protected(shared: tuple[Path, Path, bytes, list[str]]) -> None:
    _, target, _, _lines = shared
    wb = openpyxl.load_workbook(target)
    texts = [wb["Summary"][c].value for c in ("A5", "A6")]
    line = next(t for t in texts if t)
    assert line.startswith("Values as of 2026-03-31 (current, 45 CFR 102.3")
    assert "exported from Riverside Health - OCR compliance review on 2026-04-02" in line
    assert line.endswith("recalculate in the matter workbook, not here")
    for name in ("Summary", "Exposure", "Schedules"):
        assert wb[name].protection.sheet, name
    assert not wb["Incidents"].protection.sheet


def test_parts_list_has_nothing_code_like_and_it_says_what_it_removed(
        shared: tuple[Path, Path, bytes, list[str]]) -> None:
    _, target, source, lines = shared
    pkg = package_from_bytes(target.read_bytes())
    tables_before = sum(p.startswith("xl/tables/") for p in package_from_bytes(source))
    for part in pkg:
        assert not CODE_LIKE.search(part), part
        assert not part.startswith(("xl/externalLinks/", "xl/webextensions/", "xl/threadedComments/", "xl/persons/"))
        assert part not in ("xl/comments1.xml", "docProps/custom.xml", "xl/calcChain.xml")
    everything = b"".join(pkg[p] for p in pkg)
    for marker in (b"vbaProject", b"webextension", b"wa200008175", b"externalLink", b"import *", b"Jane Partner",
                   b"Doubled", b"HXL_AS_OF_USED", b"macroEnabled", b"threadedComment", b"check with client"):
        assert marker not in everything, marker
    assert b'calcId="191029"' in pkg["xl/workbook.xml"] and b"fullCalcOnLoad" not in pkg["xl/workbook.xml"]
    text = "\n".join(lines)
    for what in ("for the client (client)", "replaced ", "data validation lists and prompts",
                 "everything else of the source", "code and add-in bindings", "comments"):
        assert what in text, what
    # what is kept: tables, the chart, print setup
    assert any(p.startswith("xl/charts/") for p in pkg) and sum(p.startswith("xl/tables/") for p in pkg) == tables_before
    wb = openpyxl.load_workbook(target)
    assert wb["Summary"].print_area and wb["Summary"].page_setup.orientation == "landscape"


def test_keep_comments_keeps_them(tmp_path: Path) -> None:
    book = tmp_path / "m.xlsx"
    book.write_bytes(_with_foreign_parts(example_bytes()))
    target, _lines = make_share(book, tmp_path / "out.xlsx", keep_comments=True, exported_on=EXPORTED,
                                audience="client")
    pkg = package_from_bytes(target.read_bytes())
    assert b"check with client" in pkg["xl/comments1.xml"] and "xl/threadedComments/threadedComment1.xml" in pkg
    assert b"Jane Partner" in pkg["docProps/core.xml"]
    assert "xl/vbaProject.bin" not in pkg and not any(p.startswith("xl/webextensions/") for p in pkg)


def test_stale_book_is_refused_and_nothing_written(tmp_path: Path) -> None:
    data = example_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    row = next(r for r in range(5, 40) if wb["Incidents"].cell(r, 9).value is not None)
    book = tmp_path / "stale.xlsx"
    book.write_bytes(set_incident_cell(data, f"I{row}", "><v>999</v>"))
    with pytest.raises(NotCurrentError, match="hipaa-xl refresh"):
        make_share(book)
    assert not (tmp_path / "stale-share.xlsx").exists()


@pytest.mark.libreoffice
def test_libreoffice_shows_the_same_numbers(shared: tuple[Path, Path, bytes, list[str]], tmp_path: Path) -> None:
    """LibreOffice opens the copy (nothing to recalculate) and displays the source's formatted values."""
    office = soffice()
    _, target, source, _ = shared
    subprocess.run(["timeout", "180", office, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,2',
                    "--outdir", str(tmp_path), str(target)], check=True, capture_output=True)
    produced = sorted(tmp_path.glob("*.csv"))
    assert produced, "LibreOffice wrote no CSV"
    grid = list(csv.reader(produced[0].open(newline="", encoding="utf-8")))
    before = openpyxl.load_workbook(io.BytesIO(source), data_only=True)["Summary"]
    checked = 0
    for r in range(8, 30):
        maximum = before.cell(r, 7).value
        if not isinstance(maximum, int):
            break
        assert grid[r - 1][6] == f"${maximum:,}", (r, grid[r - 1])
        assert grid[r - 1][0] == before.cell(r, 1).value
        checked += 1
    assert checked > 10


def test_a_workbook_bound_by_hipaa_xl_lite_loses_its_binding_and_code(tmp_path: Path) -> None:
    """The binding ``hipaa-xl lite add`` writes (main.py with the bundled runtime) leaves no trace."""
    from hipaa_xl.lite.binding import bind, find_binding
    from hipaa_xl.lite.files import lite_code

    pkg = package_from_bytes(example_bytes())
    main_py, requirements = lite_code()
    assert bind(pkg, main_py, requirements) and find_binding(pkg) is not None
    book = tmp_path / "lite.xlsx"
    book.write_bytes(pkg.to_bytes())
    target, lines = make_share(book, exported_on=EXPORTED, audience="client")
    shared = package_from_bytes(target.read_bytes())
    assert find_binding(shared) is None
    assert not any(CODE_LIKE.search(part) for part in shared)
    everything = b"".join(shared[p] for p in shared)
    assert b"webextension" not in everything and b"main.py" not in everything
    assert any("code and add-in bindings" in line for line in lines)
