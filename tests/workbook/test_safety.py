"""Refresh never loses a user's work: killed mid-way, user parts kept, user objects refused.

Where temporary files go: ``hipaa_xl.ooxml.package.write_package_atomic`` writes ``.<name>.<random>.tmp``
beside the workbook and renames it over the original; a refresh killed before that rename leaves the
original untouched and at most that hidden temp file (and a complete ``<name>.bak``) behind.
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName
from typer.testing import CliRunner

from hipaa_xl.cli import app
from hipaa_xl.ooxml.opc import Rel, read_rels, rels_name, resolve_target, write_rels
from hipaa_xl.ooxml.package import package_from_bytes
from tests.workbook_helpers import example_bytes, part_of

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

REPO = Path(__file__).resolve().parents[2]
REL_TC = "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
REL_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"

_CHILD = r"""
import os, sys, time
from pathlib import Path
from hipaa_xl.workbook.refresh import refresh_file
from hipaa_xl.ooxml.package import package_from_bytes
target, stage, marker = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
real_replace = os.replace
def hold_before_final_replace(src, dst):
    if Path(dst) == target:
        marker.write_text("at the final rename")
        time.sleep(120)
    real_replace(src, dst)
if stage == "rename":
    os.replace = hold_before_final_replace
def progress(text, done):
    if stage == "compute" and text.startswith("computing values"):
        marker.write_text("computing")
        time.sleep(120)
refresh_file(target, progress=progress)
"""


@pytest.mark.parametrize("stage", ["compute", "rename"])
def test_killed_refresh_leaves_the_original_intact(tmp_path: Path, stage: str) -> None:
    book = tmp_path / "matter.xlsx"
    original = example_bytes().replace(b"", b"")
    # an edited file, so that refresh has something to write
    pkg = package_from_bytes(original)
    inc = part_of(pkg, "Incidents")
    pkg[inc] = pkg[inc].replace(b"RCH-06", b"RCH-07")
    original = pkg.to_bytes()
    book.write_bytes(original)
    marker = tmp_path / "marker"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(book), stage, str(marker)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the refresh never reached the hook"
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    assert book.read_bytes() == original
    openpyxl.load_workbook(book).close()
    left = sorted(p.name for p in tmp_path.iterdir() if p.name not in ("matter.xlsx", "marker"))
    if stage == "compute":
        assert left == []
    else:  # killed at the rename: the complete backup and the documented hidden temp file
        assert left[0].startswith(".matter.xlsx.") and left[0].endswith(".tmp") and left[1:] == ["matter.xlsx.bak"]
        assert (tmp_path / "matter.xlsx.bak").read_bytes() == original
    result = CliRunner().invoke(app, ["refresh", str(book)])
    assert result.exit_code == 0, result.output


def _users_workbook(tmp_path: Path) -> tuple[Path, bytes]:
    """The example as a user keeps it: an .xlsm with VBA, Custom XML, a threaded comment, an extra
    column, a comment, formatting, another sheet and a defined name of their own."""
    wb = openpyxl.load_workbook(io.BytesIO(example_bytes()))
    ws = wb["Incidents"]
    ws["P4"] = "Internal note"
    ws["P5"] = "call counsel"
    ws["D6"].comment = Comment("check with IT", "Partner")
    ws["D7"].font = openpyxl.styles.Font(bold=True, color="FF0000")
    mine = wb.create_sheet("My notes")
    mine["A1"] = "=SUM(Incidents!I5:I15)"
    wb.defined_names["MyRange"] = DefinedName("MyRange", attr_text="'My notes'!$A$1")
    buf = io.BytesIO()
    wb.save(buf)
    pkg = package_from_bytes(buf.getvalue())
    pkg["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 fake VBA project bytes"
    pkg["customXml/item1.xml"] = b'<?xml version="1.0"?><lite xmlns="urn:x">main.py</lite>'
    inc = part_of(pkg, "Incidents")
    pkg["xl/threadedComments/threadedComment1.xml"] = (
        b'<?xml version="1.0"?><ThreadedComments xmlns="http://schemas.microsoft.com/office/'
        b'spreadsheetml/2018/threadedcomments"><threadedComment ref="D6" id="{1}"><text>hi</text>'
        b"</threadedComment></ThreadedComments>")
    rels = [*read_rels(pkg, inc), Rel("rIdTC1", REL_TC, "../threadedComments/threadedComment1.xml")]
    pkg[rels_name(inc)] = write_rels(rels)
    wb_rels = [*read_rels(pkg, "xl/workbook.xml"), Rel("rIdVBA", REL_VBA, "vbaProject.bin")]
    pkg["xl/_rels/workbook.xml.rels"] = write_rels(wb_rels)
    ct = pkg["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ).replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    pkg["[Content_Types].xml"] = ct
    path = tmp_path / "matter.xlsm"
    data = pkg.to_bytes()
    path.write_bytes(data)
    return path, data


def test_refresh_keeps_every_user_part_byte_for_byte(tmp_path: Path) -> None:
    path, before_bytes = _users_workbook(tmp_path)
    result = CliRunner().invoke(app, ["refresh", str(path), "--no-backup"])
    assert result.exit_code == 0, result.output
    before, after = package_from_bytes(before_bytes), package_from_bytes(path.read_bytes())
    generated = {part_of(before, "Exposure"), part_of(before, "Summary"), part_of(before, "Deadlines")}
    own = generated | {rels_name(p) for p in generated} | {
        "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels"}
    own |= {n for n in before if n.startswith(("xl/drawings/", "xl/charts/"))}
    own |= {resolve_target(p, rel.target) for p in generated for rel in read_rels(before, p)}  # their tables
    assert part_of(before, "Matter") not in own  # the user's events table stays theirs
    kept = [n for n in before if n not in own]
    assert "xl/vbaProject.bin" in kept and "customXml/item1.xml" in kept and part_of(before, "Incidents") in kept
    assert any(n.startswith("xl/comments") for n in kept) and any("threadedComment" in n for n in kept)
    header = re.compile(rb"<headerFooter.*?</headerFooter>|<headerFooter/>", re.DOTALL)
    for name in kept:
        if name == part_of(before, "My notes"):  # a user formula: only its cached value (and header) may change
            assert header.sub(b"", _without_values(after[name])) == header.sub(b"", _without_values(before[name]))
            continue
        if name.startswith("xl/worksheets/sheet"):  # the page header is this matter's (decisions 24, 53)
            assert header.sub(b"", after[name]) == header.sub(b"", before[name]), name
            assert b"as of" in header.search(after[name]).group(0), name  # type: ignore[union-attr]
            continue
        assert after.get(name) == before[name], name
    assert b"macroEnabled" in after["[Content_Types].xml"]
    assert b"vbaProject" in after["xl/_rels/workbook.xml.rels"]
    workbook_xml = after["xl/workbook.xml"]
    assert b'name="MyRange"' in workbook_xml and b"My notes" in workbook_xml and b"fullCalcOnLoad" not in workbook_xml
    wb = openpyxl.load_workbook(path, keep_vba=True)
    assert wb["Incidents"]["P5"].value == "call counsel" and wb["Incidents"]["D6"].comment is not None
    assert wb["Incidents"]["D7"].font.bold


def _without_values(xml: bytes) -> bytes:
    xml = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", xml)
    return re.sub(rb"<v>[^<]*</v>|<v/>| t=\"[a-zA-Z]+\"", b"", xml)


def _with_picture_on_summary(data: bytes) -> bytes:
    pkg = package_from_bytes(data)
    drawing = next(n for n in pkg if n.startswith("xl/drawings/drawing") and n.endswith(".xml"))
    pic = (b'<xdr:oneCellAnchor><xdr:from><xdr:col>1</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row>'
           b'<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="10" cy="10"/><xdr:pic><xdr:nvPicPr>'
           b'<xdr:cNvPr id="3" name="Logo"/><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill/><xdr:spPr/></xdr:pic>'
           b"<xdr:clientData/></xdr:oneCellAnchor></xdr:wsDr>")
    pkg[drawing] = pkg[drawing].replace(b"</xdr:wsDr>", pic)
    return pkg.to_bytes()


def _with_comment_on_exposure(data: bytes) -> bytes:
    pkg = package_from_bytes(data)
    part = part_of(pkg, "Exposure")
    pkg["xl/comments9.xml"] = (b'<?xml version="1.0"?><comments xmlns="http://schemas.openxmlformats.org/'
                               b'spreadsheetml/2006/main"><authors><author>A</author></authors><commentList/></comments>')
    rels = [*read_rels(pkg, part), Rel("rId9", REL_COMMENTS, "../comments9.xml")]
    pkg[rels_name(part)] = write_rels(rels)
    return pkg.to_bytes()


@pytest.mark.parametrize(("make", "what"), [(_with_picture_on_summary, "Summary: a picture"),
                                            (_with_comment_on_exposure, "Exposure: a comment")])
def test_user_object_on_a_generated_sheet_is_refused_not_dropped(tmp_path: Path, make: object, what: str) -> None:
    data = make(example_bytes())  # type: ignore[operator]
    path = tmp_path / "matter.xlsx"
    path.write_bytes(data)
    result = CliRunner().invoke(app, ["refresh", str(path)])
    assert result.exit_code == 2  # an unusable file: bad input (hipaa_xl.cli.common)
    assert what in result.output and "move it to another sheet" in result.output
    assert result.output.strip().count("\n") == 0 and "Traceback" not in result.output
    assert path.read_bytes() == data and not (tmp_path / "matter.xlsx.bak").exists()
