"""Each built-in function and operator, evaluated headlessly, equals the value Excel gives.

Expected values are worked out by hand from Excel's documented behaviour, not from the evaluator.
The workbook is written with openpyxl, recalculated, and read back with ``data_only=True``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from hipaa_xl.recalc import recalc_file

AS_OF = dt.date(2024, 5, 1)


def serial(day: dt.date) -> int:
    """Excel serial of a date after 1900-02-28 (days since 1899-12-30)."""
    return (day - dt.date(1899, 12, 30)).days


CASES: list[tuple[str, Any]] = [
    # arithmetic, comparison, concatenation, unary minus/percent
    ("=2+3*4", 14),
    ("=(2+3)*4", 20),
    ("=-2^2", 4),
    ("=2^3^2", 64),
    ("=10%", 0.1),
    ("=50%*200", 100),
    ('="a"&1.5', "a1.5"),
    ('=1/3&""', "0.333333333333333"),
    ('="abc"="ABC"', True),
    ('="a"<"B"', True),
    ('=1<"a"', True),
    ('=TRUE>"z"', True),
    ("=TRUE+1", 2),
    ("=Data!A5+1", 1),
    ('=Data!A5&"x"', "x"),
    ('=Data!A5=""', True),
    ("=Data!A5=0", True),
    ('="3"*2', 6),
    ('="x"*2', "#VALUE!"),
    ("=1/0", "#DIV/0!"),
    ("=#N/A+1", "#N/A"),
    ("=Data!A3+1", "#VALUE!"),
    ("=1<>1", False),
    ("=3>=3", True),
    # aggregation
    ("=SUM(Data!A1:A6)", 60),
    ('=SUM(1,"2",TRUE)', 4),
    ("=SUM(Data!A1:A6,Data!D1)", 160),
    ("=COUNT(Data!A1:A6)", 3),
    ("=COUNTA(Data!A1:A6)", 5),
    ("=COUNTBLANK(Data!A1:A6)", 1),
    ("=AVERAGE(Data!A1:A6)", 20),
    ("=MIN(Data!A1:A6)", 10),
    ("=MAX(Data!A1:A6)", 30),
    ("=MAX(Data!A3)", 0),
    ("=SUMPRODUCT(Data!A1:A2,Data!D1:D2)", 5000),
    ('=SUMPRODUCT((Data!B1:B6="north")*Data!D1:D6)', 900),
    ("=SUMPRODUCT(Data!A1:A2,Data!D1:D3)", "#VALUE!"),
    # conditional aggregation
    ('=SUMIF(Data!B1:B6,"north",Data!D1:D6)', 900),
    ("=SUMIF(Data!D1:D6,\">300\")", 1500),
    ('=SUMIFS(Data!D1:D6,Data!B1:B6,"North",Data!C1:C6,">="&DATE(2020,3,1))', 800),
    ('=SUMIFS(Data!D:D,Data!B:B,"n*")', 900),
    ('=SUMIFS(Data!D1:D6,Data!B1:B6,"?ast")', 400),
    ('=COUNTIF(Data!B1:B6,"<>north")', 3),
    ('=COUNTIFS(Data!B1:B6,"north",Data!D1:D6,">150")', 2),
    ('=COUNTIF(Data!A1:A6,">15")', 2),
    ("=COUNTIF(Data!A1:A6,10)", 1),
    ('=COUNTIF(Data!F1:F3,"5")', 2),
    ('=COUNTIF(Data!A1:A6,"")', 1),
    ('=MAXIFS(Data!D1:D6,Data!B1:B6,"north")', 500),
    ('=MINIFS(Data!D1:D6,Data!B1:B6,"north")', 100),
    ('=SUMIFS(Data!D1:D6,Data!B1:B5,"north")', "#VALUE!"),
    ('=SUMIFS(Data!E1:E6,Data!B1:B6,"south")', "#N/A"),
    ('=SUMIFS(Data!E1:E6,Data!B1:B6,"north")', 6),
    # rounding and numbers
    ("=ROUND(2.675,2)", 2.68),
    ("=ROUND(-2.5,0)", -3),
    ("=ROUND(1234,-2)", 1200),
    ("=ROUNDUP(1.21,1)", 1.3),
    ("=ROUNDUP(-1.21,1)", -1.3),
    ("=ROUNDDOWN(-1.29,1)", -1.2),
    ("=INT(-1.5)", -2),
    ("=MOD(-7,3)", 2),
    ("=MOD(7,0)", "#DIV/0!"),
    ("=ABS(-3)", 3),
    ("=SQRT(-1)", "#NUM!"),
    # logic and information
    ('=IF(Data!A1>5,"big","small")', "big"),
    ("=IF(FALSE,1)", False),
    ('=IF("maybe",1,2)', "#VALUE!"),
    ('=IFERROR(1/0,"div")', "div"),
    ("=IFERROR(5,0)", 5),
    ('=IFS(Data!A1>100,"a",Data!A1>5,"b")', "b"),
    ("=IFS(FALSE,1)", "#N/A"),
    ("=AND(TRUE,Data!A1>5)", True),
    ("=AND(Data!A1:A6)", True),
    ("=OR(FALSE,0)", False),
    ("=NOT(0)", True),
    ("=ISERROR(1/0)", True),
    ("=ISERROR(1)", False),
    ('=ISNUMBER("1")', False),
    ("=ISNUMBER(Data!A1)", True),
    ("=ISBLANK(Data!A5)", True),
    ("=ISBLANK(Data!A1)", False),
    ("=ISTEXT(Data!A3)", True),
    ("=NA()", "#N/A"),
    ("=ISNA(NA())", True),
    ("=IF(TRUE,1,1/0)", 1),
    # dates (1900 system, including Excel's fictitious 1900-02-29)
    ("=DATE(2024,2,29)", serial(dt.date(2024, 2, 29))),
    ("=DATE(2023,14,1)", serial(dt.date(2024, 2, 1))),
    ("=DATE(1900,1,1)", 1),
    ("=DATE(1900,2,29)", 60),
    ("=DATE(1900,3,1)", 61),
    ("=YEAR(Data!C2)", 2020),
    ("=MONTH(Data!C2)", 2),
    ("=DAY(Data!C2)", 29),
    ("=YEAR(60)", 1900),
    ("=DAY(60)", 29),
    ("=MONTH(59)", 2),
    ("=YEAR(-1)", "#NUM!"),
    ("=EDATE(DATE(2024,1,31),1)", serial(dt.date(2024, 2, 29))),
    ("=EDATE(DATE(2024,3,31),-13)", serial(dt.date(2023, 2, 28))),
    ("=TODAY()", serial(AS_OF)),
    # lookups
    ('=INDEX(Data!D1:D6,MATCH("East",Data!B1:B6,0))', 400),
    ("=INDEX(Data!A1:D6,2,4)", 200),
    ("=INDEX(Data!A1:A6,10)", "#REF!"),
    ("=MATCH(250,Data!D1:D6)", 2),
    ('=MATCH("nowhere",Data!B1:B6,0)', "#N/A"),
    ('=VLOOKUP("west",Data!B1:D6,3,FALSE)', 600),
    ("=VLOOKUP(450,Data!D1:D6,1)", 400),
    ('=VLOOKUP("west",Data!B1:D6,4,FALSE)', "#REF!"),
    ('=XLOOKUP("south",Data!B1:B6,Data!D1:D6)', 200),
    ('=XLOOKUP("zz",Data!B1:B6,Data!D1:D6,"none")', "none"),
    ('=XLOOKUP("zz",Data!B1:B6,Data!D1:D6)', "#N/A"),
    ('=XLOOKUP("north",Data!B1:B6,Data!D1:D6,,0,-1)', 500),
    # a range ending in INDEX (Excel: INDEX returns a reference): D1:D3 = 100 + 200 + 300
    ("=SUM(Data!D1:INDEX(Data!D1:D6,3))", 600),
    # text
    ('=CONCAT("a",1,TRUE)', "a1TRUE"),
    ("=CONCAT(Data!B1:B2)", "Northsouth"),
    ('=TEXTJOIN("-",TRUE,"a","","b")', "a-b"),
    ('=TEXTJOIN(",",FALSE,Data!B1:B2)', "North,south"),
    ('=LEFT("Privileged",5)', "Privi"),
    ('=RIGHT("abc")', "c"),
    ("=LEFT(12345,2)", "12"),
    ('=LEN("abc")', 3),
    ('=UPPER("aBc")', "ABC"),
    ('=LOWER("aBc")', "abc"),
    ('=TRIM("  a   b  ")', "a b"),
    ('=TEXT(1234.567,"#,##0.00")', "1,234.57"),
    ('=TEXT(DATE(2024,3,5),"yyyy-mm-dd")', "2024-03-05"),
    ('=TEXT(0.256,"0.0%")', "25.6%"),
    ('=TEXT(DATE(2024,3,5),"mmmm d, yyyy")', "March 5, 2024"),
    ('=ROUNDUP(TEXT(2.5,"0.0")*2,0)', 5),
]


def _data_sheet(wb: openpyxl.Workbook) -> None:
    data = wb.create_sheet("Data")
    rows = [
        (10, "North", dt.date(2020, 1, 15), 100, 1, 5),
        (20, "south", dt.date(2020, 2, 29), 200, "#N/A", "5"),
        ("abc", "North", dt.date(2021, 12, 31), 300, 2, "five"),
        (True, "East", dt.date(2019, 7, 4), 400, None, None),
        (None, "north", dt.date(2020, 6, 1), 500, 3, None),
        (30, "West", dt.date(2024, 2, 29), 600, None, None),
    ]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value == "#N/A":
                data.cell(r, c).value = "=NA()"
            elif value is not None:
                data.cell(r, c).value = value


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Any]:
    folder: Path = tmp_path_factory.mktemp("functions")
    wb = openpyxl.Workbook()
    calc = wb.active
    calc.title = "Calc"
    _data_sheet(wb)
    for i, (formula, _) in enumerate(CASES, start=1):
        calc.cell(i, 1).value = formula
    path = folder / "functions.xlsx"
    wb.save(path)
    report = recalc_file(path, as_of=AS_OF, allow_errors=True)
    values = openpyxl.load_workbook(path, data_only=True)["Calc"]
    return {formula: values.cell(i, 1).value for i, (formula, _) in enumerate(CASES, start=1)}, report


@pytest.mark.parametrize(("formula", "expected"), [c for c in CASES if c[1] != "skip"], ids=[c[0] for c in CASES
                                                                                              if c[1] != "skip"])
def test_function_gives_the_value_excel_gives(recalculated: tuple[dict[str, Any], Any], formula: str,
                                              expected: Any) -> None:
    got = recalculated[0][formula]
    if isinstance(expected, float):
        assert got == pytest.approx(expected, rel=1e-12)
    else:
        assert got == expected
        assert type(got) is type(expected)
