"""``lite add`` and ``lite remove`` on workbooks that already carry other Office add-ins (web extensions)
and on macro-enabled workbooks (.xlsm with a VBA project): idempotent, and nothing of theirs changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from hipaa_xl.lite import binding, bundle, files
from hipaa_xl.ooxml.opc import NS_PKG_REL, NS_R, Rel, read_rels, rels_name, write_rels
from hipaa_xl.ooxml.package import package_from_bytes
from hipaa_xl.ooxml.webextensions import (
    CT_TASKPANES,
    CT_WEBEXTENSION,
    NS_WE,
    NS_WETP,
    REL_TASKPANES,
    REL_WEBEXTENSION,
    TASKPANES_PART,
    WEBEXTENSION_PART,
)
from tests.workbook_helpers import example_bytes

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

OTHER_ID = "wa104380862"  # another store add-in (the id is only an example; hipaa-xl never reads it)
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"


def _other_addin(data: bytes) -> bytes:
    """The workbook with another add-in's pane and settings, laid out as Excel saves web extensions."""
    pkg = package_from_bytes(data)
    pkg[TASKPANES_PART] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<wetp:taskpanes xmlns:wetp="{NS_WETP}"><wetp:taskpane dockstate="right" visibility="0" width="350" '
        f'row="4"><wetp:webextensionref xmlns:r="{NS_R}" r:id="rId1"/></wetp:taskpane></wetp:taskpanes>'
    ).encode()
    pkg[rels_name(TASKPANES_PART)] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{NS_PKG_REL}"><Relationship Id="rId1" Type="{REL_WEBEXTENSION}" '
        'Target="webextension1.xml"/></Relationships>'
    ).encode()
    pkg[WEBEXTENSION_PART] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<we:webextension xmlns:we="{NS_WE}" id="{{5B3A1C1E-0000-4000-8000-000000000001}}">'
        f'<we:reference id="{OTHER_ID}" version="1.0.0.0" store="en-US" storeType="OMEX"/>'
        '<we:alternateReferences/><we:properties><we:property name="theirs" value="&quot;keep me&quot;"/>'
        f'</we:properties><we:bindings/><we:snapshot xmlns:r="{NS_R}"/></we:webextension>'
    ).encode()
    rels = read_rels(pkg, "")
    pkg[rels_name("")] = write_rels([*rels, Rel("rId99", REL_TASKPANES, TASKPANES_PART)])
    pkg["[Content_Types].xml"] = pkg["[Content_Types].xml"].replace(b"</Types>", (
        f'<Override PartName="/{TASKPANES_PART}" ContentType="{CT_TASKPANES}"/>'
        f'<Override PartName="/{WEBEXTENSION_PART}" ContentType="{CT_WEBEXTENSION}"/></Types>').encode())
    return pkg.to_bytes()


def _xlsm(data: bytes) -> bytes:
    """The workbook as a macro-enabled one with a VBA project."""
    pkg = package_from_bytes(data)
    pkg["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 a VBA project's bytes"
    pkg["xl/_rels/workbook.xml.rels"] = write_rels([*read_rels(pkg, "xl/workbook.xml"),
                                                    Rel("rIdVBA", REL_VBA, "vbaProject.bin")])
    pkg["[Content_Types].xml"] = pkg["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ).replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    return pkg.to_bytes()


def _add_twice_remove_twice(path: Path) -> tuple[bytes, bytes]:
    before = path.read_bytes()
    assert files.add_to_file(path, backup=False) is True
    bound = path.read_bytes()
    assert files.add_to_file(path, backup=False) is False  # the same code: nothing written
    assert path.read_bytes() == bound
    assert files.remove_from_file(path, backup=False) is True
    assert path.read_bytes() == before  # as it was before lite add, byte for byte
    assert files.remove_from_file(path, backup=False) is False
    return before, bound


def test_lite_add_puts_its_pane_beside_another_add_in_and_lite_remove_gives_the_file_back(tmp_path: Path) -> None:
    path = tmp_path / "matter.xlsx"
    path.write_bytes(_other_addin(example_bytes()))
    before, bound = _add_twice_remove_twice(path)
    old, new = package_from_bytes(before), package_from_bytes(bound)
    assert new[WEBEXTENSION_PART] == old[WEBEXTENSION_PART]  # theirs untouched
    found = binding.find_binding(new)
    assert found is not None and found.webextension_part == "xl/webextensions/webextension2.xml"
    assert found.properties["main.py"] == bundle.bundled_main_py()
    panes = new[TASKPANES_PART].decode()
    assert panes.count("<wetp:taskpane ") == 2 and panes.startswith(old[TASKPANES_PART].decode()[:-len(
        "</wetp:taskpanes>")])
    types = new["[Content_Types].xml"].decode()
    assert types.count('PartName="/xl/webextensions/webextension2.xml"') == 1
    assert new[rels_name("")].decode().count(REL_TASKPANES) == 1  # still one task-pane relationship
    # lite check reads the binding beside the other add-in
    path.write_bytes(bound)
    assert files.check_file(path).endswith("bundle intact")


def test_lite_add_and_remove_on_an_xlsm_keep_its_vba_project(tmp_path: Path) -> None:
    path = tmp_path / "matter.xlsm"
    path.write_bytes(_xlsm(example_bytes()))
    before, bound = _add_twice_remove_twice(path)
    old, new = package_from_bytes(before), package_from_bytes(bound)
    assert new["xl/vbaProject.bin"] == old["xl/vbaProject.bin"]
    assert b"macroEnabled.main+xml" in new["[Content_Types].xml"]
    assert new["xl/_rels/workbook.xml.rels"] == old["xl/_rels/workbook.xml.rels"]
    assert binding.find_binding(new) is not None


def test_an_xlsm_that_already_carries_another_add_in_binds_and_unbinds_too(tmp_path: Path) -> None:
    path = tmp_path / "matter.xlsm"
    path.write_bytes(_xlsm(_other_addin(example_bytes())))
    before, bound = _add_twice_remove_twice(path)
    assert package_from_bytes(bound)["xl/vbaProject.bin"] == package_from_bytes(before)["xl/vbaProject.bin"]
