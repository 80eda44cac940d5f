"""Every workbook hipaa-xl writes declares current Excel's calculation engine and no full calculation on
load, so Excel shows the stored values instead of recalculating them away (#NAME? without the add-in)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from hipaa_xl.ooxml.calc import EXCEL_CALC_ID, declare_current_engine
from hipaa_xl.ooxml.package import package_from_bytes, read_package
from hipaa_xl.recalc import recalc_file
from hipaa_xl.report.commands import make_share
from hipaa_xl.workbook import new_workbook_bytes, refresh_file
from tests.workbook_helpers import example_bytes

pytestmark = pytest.mark.slow  # workbook round trips

ROOT = Path(__file__).resolve().parents[2]
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def calc_pr(data: bytes) -> dict[str, str]:
    root = etree.fromstring(package_from_bytes(data)["xl/workbook.xml"])
    found = root.find(f"{NS}calcPr")
    assert found is not None
    return dict(found.attrib)


def test_the_declared_engine_is_current_excels() -> None:
    # Excel 2019 and Microsoft 365 write calcId="191029"; openpyxl writes Excel 2007's 124519
    assert EXCEL_CALC_ID == 191029


@pytest.mark.parametrize("name", ["hipaa_exposure_template.xlsx", "example_exposure.xlsx"])
def test_committed_workbooks_declare_current_excel(name: str) -> None:
    assert calc_pr((ROOT / "workbooks" / name).read_bytes()) == {"calcId": str(EXCEL_CALC_ID)}


def test_new_template_and_example_declare_current_excel() -> None:
    assert calc_pr(new_workbook_bytes(dt.date(2026, 3, 31))[0]) == {"calcId": str(EXCEL_CALC_ID)}
    assert calc_pr(example_bytes()) == {"calcId": str(EXCEL_CALC_ID)}


def _old_engine_book(tmp_path: Path) -> Path:
    """The example saved by openpyxl: calcId 124519 and fullCalcOnLoad, as many tools write."""
    wb = openpyxl.load_workbook(io.BytesIO(example_bytes()))
    wb.calculation.fullCalcOnLoad = True
    wb.calculation.calcId = 124519
    path = tmp_path / "old.xlsx"
    wb.save(path)
    assert calc_pr(path.read_bytes()) == {"calcId": "124519", "fullCalcOnLoad": "1"}
    return path


def test_refresh_declares_current_excel(tmp_path: Path) -> None:
    path = _old_engine_book(tmp_path)
    refresh_file(path, backup=False)
    assert calc_pr(path.read_bytes()) == {"calcId": str(EXCEL_CALC_ID)}


def test_recalc_declares_current_excel(tmp_path: Path) -> None:
    path = _old_engine_book(tmp_path)
    assert recalc_file(path, backup=False).ok
    assert calc_pr(read_package(path).to_bytes()) == {"calcId": str(EXCEL_CALC_ID)}


def test_share_copy_declares_current_excel(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    path.write_bytes(example_bytes())
    target, _ = make_share(path)
    assert calc_pr(target.read_bytes()) == {"calcId": str(EXCEL_CALC_ID)}


def test_a_newer_engine_is_kept_and_a_missing_calc_pr_is_added_in_schema_order() -> None:
    newer = etree.fromstring(f'<workbook xmlns="{NS[1:-1]}"><sheets/><calcPr calcId="999999"/></workbook>')
    assert not declare_current_engine(newer)
    assert newer.find(f"{NS}calcPr").get("calcId") == "999999"
    bare = etree.fromstring(f'<workbook xmlns="{NS[1:-1]}"><sheets/><definedNames/><extLst/></workbook>')
    assert declare_current_engine(bare)
    assert [etree.QName(el).localname for el in bare] == ["sheets", "definedNames", "calcPr", "extLst"]
    assert bare.find(f"{NS}calcPr").get("calcId") == str(EXCEL_CALC_ID)
