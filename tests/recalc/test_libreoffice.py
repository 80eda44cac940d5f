"""LibreOffice shows the values recalc wrote (it keeps cached values of an xlsx by default)."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
from pathlib import Path

import openpyxl
import pytest

from hipaa_xl.recalc import recalc_file
from tests.report_helpers import soffice as find_soffice

pytestmark = pytest.mark.libreoffice


def test_libreoffice_shows_the_recalculated_values(tmp_path: Path) -> None:
    soffice = find_soffice()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Entity", "Tier", "Violations", "Maximum", "Minimum"])
    rows = [("Acme", "B", 3), ("Beta", "D", 2), ("Acme", "A", 10)]
    for i, (entity, tier, count) in enumerate(rows, start=2):
        ws.append([entity, tier, count, f"=CMP_MAX(B{i},C{i},DATE(2020,1,1))", f"=CMP_MIN(B{i},C{i},DATE(2020,1,1))"])
    ws["G1"] = '=SUMIFS(D:D,A:A,"acme")'
    ws["G2"] = "=SUM(E2:E4)"
    ws["G3"] = '=IFERROR(CMP_MAX("E",1),"bad")'
    path = tmp_path / "lo.xlsx"
    wb.save(path)
    assert recalc_file(path, as_of=dt.date(2024, 5, 1)).ok
    ours = openpyxl.load_workbook(path, data_only=True).active
    profile = tmp_path / "profile"
    subprocess.run(
        ["timeout", "120", soffice, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "csv",
         "--outdir", str(tmp_path / "csv"), str(path)],
        check=True, capture_output=True,
    )
    with (tmp_path / "csv" / "lo.csv").open(newline="") as handle:
        grid = list(csv.reader(handle))
    for r in range(2, 5):
        for c in (4, 5):
            assert float(grid[r - 1][c - 1]) == ours.cell(r, c).value
    assert float(grid[0][6]) == ours["G1"].value
    assert float(grid[1][6]) == ours["G2"].value
    assert grid[2][6] == "bad"
    assert ours["G1"].value > 0


# Where LibreOffice 7.4 and Excel disagree, or LibreOffice lacks the function: Excel's value is the
# one the formula table asserts, so these cases are left out of the cross-check, each with its reason.
_NO_BOOLEANS = "LibreOffice has no boolean type: TRUE in a cell is the number 1 (Data!A4)"
_NO_1900_02_29 = "LibreOffice has no fictitious 1900-02-29: its serials before March 1900 differ by one"
LIBREOFFICE_LACKS: dict[str, str] = {
    "XLOOKUP": "LibreOffice 7.4 has no XLOOKUP (added in 24.8)",
}
LIBREOFFICE_DIFFERS: dict[str, str] = {
    '=TRUE>"z"': "LibreOffice compares TRUE as the number 1, which sorts before text",
    "=SUM(Data!A1:A6)": _NO_BOOLEANS,
    "=SUM(Data!A1:A6,Data!D1)": _NO_BOOLEANS,
    "=COUNT(Data!A1:A6)": _NO_BOOLEANS,
    "=AVERAGE(Data!A1:A6)": _NO_BOOLEANS,
    "=MIN(Data!A1:A6)": _NO_BOOLEANS,
    '=COUNTIF(Data!A1:A6,"<=TRUE")': _NO_BOOLEANS,
    '=SUM(1,"2",TRUE)': "LibreOffice gives #VALUE! for a number written as text given directly to SUM",
    "=SQRT(-1)": "LibreOffice's error for an invalid argument is Err:502, written as #VALUE!",
    "=TIME(0,0,-1)": "LibreOffice's error for an invalid argument is Err:502, written as #VALUE!",
    '=ISEVEN("x")': "LibreOffice's error for an invalid argument is Err:502, written as #VALUE!",
    "=DATE(1900,1,1)": _NO_1900_02_29,
    "=DATE(1900,2,29)": _NO_1900_02_29,
    "=DAY(60)": _NO_1900_02_29,
    "=MONTH(59)": _NO_1900_02_29,
    "=YEAR(-1)": "LibreOffice has dates before 1900 (serial -1 is 1899-12-29)",
    '=YEAR("7/5/1800")': "LibreOffice has dates before 1900",
    "=INDEX(Data!A1:A6,10)": "LibreOffice gives #VALUE! where Excel gives #REF! for an index past the end",
    '=VLOOKUP("west",Data!B1:D6,4,FALSE)': "LibreOffice gives #VALUE! where Excel gives #REF! for a column past the end",
    '=TEXT(1,"#.###")': "LibreOffice drops the decimal point that Excel keeps",
    '=TEXT(DATE(2012,9,29),"m/d/y")': "LibreOffice does not read a lone y as a year",
    '=TEXT(DATE(2012,9,29),"dddd mmmmm yyy")': "LibreOffice reads mmmmm and yyy differently",
    '=TEXT(1/3,"General")': "LibreOffice's General shows more digits than Excel's 11 characters",
    '=TEXT(123456789012,"General")': "LibreOffice's General shows more digits than Excel's 11 characters",
    '=TEXT("0:59:99","#.#####")': "LibreOffice does not read 0:59:99 (99 seconds) as a time",
    "=MATCH(Data!A5,{-1.1,2.1,3.1})": "LibreOffice does not look a blank up as 0",
    "=ISODD(Data!A5)": "LibreOffice gives #VALUE! for a blank where Excel takes 0",
    '=AVERAGE(10,"29/02/1900")': "LibreOffice reads dates in text by its own locale rules",
    '=INT(" 2024-01-10 ")': "LibreOffice reads the date despite the spaces",
    '=AND("",TRUE)': "LibreOffice gives #VALUE! for text given directly to AND",
    '=OR(TRUE,"0",#REF!)': "LibreOffice gives #VALUE! for text given directly to OR",
    '=MATCH(4.1,{"a",2.1,"c",4.1})': "LibreOffice searches mixed-type arrays differently",
    "=MATCH(TRUE,{TRUE,4.1,FALSE,1.1})": "LibreOffice searches mixed-type arrays differently",
    "=MATCH(4,{4.1,3.1,2.1,1.1})": "LibreOffice scans unsorted data where Excel does a binary search",
    '=COUNTIF(Data!D1:D6,"<="&Data!A5)': "LibreOffice matches with an empty <= criterion",
    '=COUNTIF(Data!F1:F3,"<>5")': "LibreOffice treats the text 5 as equal to 5 for <>",
    '=COUNTIF(Data!1:1,"<>5")': "LibreOffice counts the cells of a row by its own sheet size",
    "=SUMPRODUCT(Data!D1:D2,Data!E1:E3)": "LibreOffice reports the size difference before the error",
    "=MOD(5,-1E-10)": "LibreOffice computes MOD more exactly than Excel's binary steps",
    "=CEILING(-745,-1E-307)": "LibreOffice's error here is Err:502",
    '=FLOOR("eight",NA())': "LibreOffice gives the significance's error first",
    "=FLOOR(5,0)": "LibreOffice's error for a zero significance is Err:502, written as #VALUE!",
    "=ROUND(1.05*(0.0284+0.0046)-0.0284,4)": "LibreOffice rounds the binary value, Excel its 15 digits",
    '=DATEDIF(DATE(2011,1,31),DATE(2011,3,1),"MD")': "LibreOffice corrects Excel's MD arithmetic (1, not -2)",
    '=VLOOKUP(1,"table",1)': "LibreOffice gives #N/A for a text table",
    "=INDEX(Data!A1:A6,-1)": "LibreOffice's error for a negative index is Err:502",
    "=INDEX(Data!A1:D6,2)": "LibreOffice returns the row where Excel gives #REF!",
    "=EDATE(TRUE,1)": "LibreOffice takes TRUE as the number 1",
    '=CONCAT("a",1,TRUE)': "LibreOffice writes TRUE as 1 (no boolean type)",
    '=AND(TRUE,"0")': "LibreOffice refuses any direct text; Excel skips it beside a logical value",
    "=AVERAGE(0,0,1,1E-05,2,1.1,534,1.00001,9999999999,2.99999,-9999999999,999999.99999,-534,"
    "-999999.99999,-2,-2.99999,-1,-1.00001,-1.1,-1E-05)": "LibreOffice adds exactly; Excel left to right",
    "=SUM(0,0,1,1E-05,2,1.1,534,1.00001,9999999999,2.99999,-9999999999,999999.99999,-534,"
    "-999999.99999,-2,-2.99999,-1,-1.00001,-1.1,-1E-05)": "LibreOffice adds exactly; Excel left to right",
    "=SUMPRODUCT(Data!B1,Data!B2)": "LibreOffice takes text in one-cell ranges as 0",
    "=VLOOKUP(Data!A5,Data!A1:B6,Data!E4)": "LibreOffice checks the index before looking up",
    '=SEARCH("","abc",3)': "LibreOffice finds no empty text",
    '=SEARCH("~","Hello")': "LibreOffice reads a trailing ~ as no match",
    '=TEXT(23.75,"|#\\:#=/=#|")': "LibreOffice has no literal text round a fraction bar",
    '=TEXT(123456.789,"|#,e-#|")': "LibreOffice reads only E+/E- as scientific",
}

# functions Excel stores with the _xlfn. prefix (added after Excel 2007); openpyxl writes what it is given
_NEWER = ("MAXIFS", "MINIFS", "IFS", "CONCAT", "TEXTJOIN", "DAYS", "ISFORMULA", "SWITCH", "IFNA", "XOR")


def _as_excel_stores(formula: str) -> str:
    import re

    return re.sub(r"(?<![A-Z._])(" + "|".join(re.escape(n) for n in _NEWER) + r")\(", r"_xlfn.\1(", formula)


def _lo_value(value: object) -> object:
    """LibreOffice's value as a number where it formats a date or a time."""
    import datetime as dt_

    from openpyxl.utils.datetime import to_excel

    if isinstance(value, dt_.datetime | dt_.date | dt_.time):
        return to_excel(value)
    return value


def _always_recalculate(profile: Path) -> None:
    """A LibreOffice profile that recalculates every formula of an xlsx on load (OOXMLRecalcMode 0)."""
    user = profile / "user"
    user.mkdir(parents=True)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
        '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
        "</oor:items>\n", "utf-8")


def test_libreoffice_recomputes_the_formula_table_to_the_values_recalc_gives(tmp_path: Path) -> None:
    """An independent engine: LibreOffice recalculates the formula table from scratch (no cached
    value in the file, recalculation forced on load) and its values equal ours, apart from the
    documented differences between LibreOffice and Excel listed above."""
    from tests.recalc_cases import AS_OF, CASES, data_sheet

    soffice = find_soffice()
    wb = openpyxl.Workbook()
    calc = wb.active
    calc.title = "Calc"
    data_sheet(wb)
    checked = [(f, v) for f, v in CASES if f not in LIBREOFFICE_DIFFERS and "TODAY" not in f
               and not any(name + "(" in f for name in LIBREOFFICE_LACKS)]
    for i, (formula, _) in enumerate(checked, start=1):
        calc.cell(i, 1).value = _as_excel_stores(formula)
    source = tmp_path / "table.xlsx"
    wb.save(source)  # openpyxl writes no cached values: LibreOffice has nothing to show but its own
    ours_path = tmp_path / "ours.xlsx"
    recalc_file(source, out=ours_path, as_of=AS_OF, allow_errors=True)
    ours = openpyxl.load_workbook(ours_path, data_only=True)["Calc"]
    theirs = openpyxl.load_workbook(_computed_by_libreoffice(soffice, source, tmp_path), data_only=True)["Calc"]
    disagreements = []
    for i, (formula, _) in enumerate(checked, start=1):
        a, b = ours.cell(i, 1).value, _lo_value(theirs.cell(i, 1).value)
        if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
            same = abs(a - b) <= 1e-9 * max(1.0, abs(a))
        else:
            same = a == b or (a in ("", None) and b in ("", None))
        if not same:
            disagreements.append(f"{formula}: ours {a!r}, LibreOffice {b!r}")
    assert len(checked) > 100
    assert not disagreements, "\n".join(disagreements)


def _computed_by_libreoffice(soffice: str, source: Path, tmp_path: Path) -> Path:
    """``source`` opened, recalculated in full and saved again by LibreOffice (a profile that always
    recalculates on load); the path of its copy."""
    profile = tmp_path / "profile"
    _always_recalculate(profile)
    subprocess.run(
        ["timeout", "180", soffice, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "xlsx",
         "--outdir", str(tmp_path / "lo"), str(source)],
        check=True, capture_output=True,
    )
    return tmp_path / "lo" / source.name


LIBREOFFICE_DIFFERS_1904: dict[str, str] = {
    '=TEXT(-(2/24+3/1440+4/86400),"[h]:m:s.000")': "LibreOffice writes no minus sign for a negative time",
    '=TEXT(-0.5,"h:mm")': "LibreOffice writes no minus sign for a negative time",
    "=DATE(1903,12,31)": "LibreOffice has dates before 1904 (negative serials); Excel #NUM!",
    "=DATE(4,1,1)": "LibreOffice reads the year 4 as 2004 (its two-digit year window); Excel adds 1900",
    "=YEAR(2957004)": "LibreOffice has dates after 9999-12-31; Excel #NUM!",
}


def test_libreoffice_computes_the_1904_table_to_the_values_recalc_gives(tmp_path: Path) -> None:
    """The same cross-check for a workbook in the 1904 date system (``date1904="1"``), which
    LibreOffice reads and computes in that system too."""
    from openpyxl.utils.datetime import to_excel

    from tests.recalc_cases import AS_OF, CASES_1904, data_sheet

    soffice = find_soffice()
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    calc = wb.active
    calc.title = "Calc"
    data_sheet(wb)
    checked = [(f, v) for f, v in CASES_1904 if f not in LIBREOFFICE_DIFFERS_1904 and "TODAY" not in f]
    for i, (formula, _) in enumerate(checked, start=1):
        calc.cell(i, 1).value = formula
    source = tmp_path / "table1904.xlsx"
    wb.save(source)
    ours_path = tmp_path / "ours.xlsx"
    recalc_file(source, out=ours_path, as_of=AS_OF, allow_errors=True)
    ours = openpyxl.load_workbook(ours_path, data_only=True)["Calc"]
    book = openpyxl.load_workbook(_computed_by_libreoffice(soffice, source, tmp_path), data_only=True)
    theirs = book["Calc"]
    disagreements = []
    for i, (formula, _) in enumerate(checked, start=1):
        a, b = ours.cell(i, 1).value, theirs.cell(i, 1).value
        if isinstance(b, dt.datetime | dt.date | dt.time):
            b = to_excel(b, book.epoch)
        if not (a == b or (isinstance(a, int | float) and isinstance(b, int | float) and abs(a - b) <= 1e-9)):
            disagreements.append(f"{formula}: ours {a!r}, LibreOffice {b!r}")
    assert len(checked) >= 15
    assert not disagreements, "\n".join(disagreements)
