"""The formula-to-value table of Excel's built-in functions, shared by the evaluator's test and the
LibreOffice cross-check: each formula with the value Excel gives, worked out by hand from Excel's
documented behaviour (cited beside the less obvious ones), and the Data sheet they read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import openpyxl

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
    # TEXT format codes ("Number format codes", Microsoft support): "_)" leaves a space as wide as ")"
    ('=TEXT(12,"#,##0_);(#,##0)")', "12 "),
    ('=TEXT(-12,"#,##0_);(#,##0)")', "(12)"),  # the second section is for negatives, without sign
    ('=TEXT(1234.5,"$#,##0.00")', "$1,234.50"),
    ('=TEXT(1234567,"#,##0,")', "1,235"),  # a comma after the last digit divides by 1,000
    ('=TEXT(12,"00-00-00-00")', "00-00-00-12"),  # digits fill placeholders from the right
    ('=TEXT(1,"#.###")', "1."),  # "#" shows no digit for a zero
    ('=TEXT(12,"0.00E+0")', "1.20E+1"),
    ('=TEXT(1/3,"General")', "0.333333333"),  # General shows at most 11 characters
    ('=TEXT(123456789012,"General")', "1.23457E+11"),
    ('=TEXT(2,"[<=1]a;z")', "z"),  # a condition chooses the section
    ('=TEXT(-5,"[Red]0.0")', "-5.0"),  # colours do not show in text
    ('=TEXT(DATE(2012,9,29),"m/d/y")', "9/29/12"),  # "y" is a two-digit year
    ('=TEXT(DATE(2012,9,29),"dddd mmmmm yyy")', "Saturday S 2012"),  # mmmmm: first letter
    ('=TEXT(1.5,"[h]:mm")', "36:00"),  # elapsed hours: 1.5 days
    ('=TEXT(0.5,"h AM/PM")', "12 PM"),
    ('=TEXT("0:59:99","#.#####")', ".04212"),  # text read as a time first: 3639 s / 86400 s
    ('=TEXT("abc","0.00")', "abc"),  # text that is not a number is returned as it is
    # criteria (COUNTIF: "<=" followed by nothing matches no cell; a row has 16,384 cells; only "="
    # treats the text "5" as the number 5; "<=TRUE" compares booleans only)
    ('=COUNTIF(Data!D1:D6,"<="&Data!A5)', 0),
    ("=COUNTIF(Data!1:1,\"<>5\")", 16383),  # every cell of row 1 but F1 (5)
    ('=COUNTIF(Data!F1:F3,"<>5")', 2),  # F2 (the text "5") and F3 ("five")
    ('=COUNTIF(Data!A1:A6,"<=TRUE")', 1),  # A4 (TRUE)
    # approximate lookups are binary searches, as Excel's: on unsorted or mixed data they give what
    # Excel gives, not what a scan would; a blank lookup value is looked up as 0
    ('=MATCH(4.1,{"a",2.1,"c",4.1})', 4),
    ("=MATCH(TRUE,{TRUE,4.1,FALSE,1.1})", 3),
    ("=MATCH(4,{4.1,3.1,2.1,1.1})", 4),
    ("=MATCH(Data!A5,{-1.1,2.1,3.1})", 1),
    ("=VLOOKUP(1,\"table\",1)", "#VALUE!"),  # a table that is text
    # XLOOKUP: an empty if_not_found is #N/A; next larger follows Excel's order (numbers, text,
    # booleans); binary search (2) on sorted data; arrays of different lengths are #VALUE!
    ('=XLOOKUP("zz",Data!B1:B6,Data!D1:D6,,0)', "#N/A"),
    ('=XLOOKUP(10,{2,5,"ala",TRUE},{"a","b","c","d"},,1)', "c"),
    ("=XLOOKUP(450,Data!D1:D6,Data!B1:B6,,-1,2)", "East"),
    ("=XLOOKUP(1,Data!D1:D3,Data!B1:B2)", "#VALUE!"),
    # INDEX: a negative index is #VALUE!, one index into a range of rows and columns #REF!
    ("=INDEX(Data!A1:A6,-1)", "#VALUE!"),
    ("=INDEX(Data!A1:D6,2)", "#REF!"),
    ("=SUM(INDEX(Data!D1:D6,2):INDEX(Data!D1:D6,4))", 900),  # D2:D4 = 200 + 300 + 400
    # dates written as text are read ("29/02/1900": day first when the first number cannot be a
    # month, Excel's fictitious 1900-02-29 = 60); before 1900 or with spaces around: #VALUE!
    ('=AVERAGE(10,"29/02/1900")', 35),
    ('=YEAR("7/5/1800")', "#VALUE!"),
    ('=INT(" 2024-01-10 ")', "#VALUE!"),
    ("=MONTH(2958465.99)", 12),  # 9999-12-31 with a time is still a date
    ("=EDATE(TRUE,1)", "#VALUE!"),  # EDATE takes no booleans
    # AND/OR skip text given directly ("" and "0"); the first error wins over #VALUE!
    ('=AND("",TRUE)', True),
    ('=OR(TRUE,"0",#REF!)', "#REF!"),
    ('=AND("0")', "#VALUE!"),
    # LEFT/RIGHT: a blank cell as num_chars is 0 characters, not the omitted default of 1
    ('=LEN(LEFT("abc",Data!A5))', 0),
    ('=LEN(RIGHT("abc",Data!A5))', 0),
    # ROUND works on the 15 significant digits Excel keeps: 1.05*0.033-0.0284 is 0.00625 to 15 digits
    ("=ROUND(1.05*(0.0284+0.0046)-0.0284,4)", 0.0063),
    # SUMPRODUCT: an error in an argument comes before the difference in size (E2 is #N/A)
    ("=SUMPRODUCT(Data!D1:D2,Data!E1:E3)", "#N/A"),
    # MOD has the divisor's sign, computed as Excel does: MOD(5,-1E-10) is -1.82E-16, not 0
    ("=MOD(5,-1E-10)", -1.821609865774887e-16),
    ("=CEILING(-745,-1E-307)", "#NUM!"),  # a multiple beyond the largest number
    ('=FLOOR("eight",NA())', "#VALUE!"),  # the number's #VALUE! before the significance's error, as Excel
    ("=FLOOR(Data!A5,2)", 0),  # a blank number is 0
    ("=FLOOR(0.3,0.1)", 0.3),  # at Excel's 15 digits, not 0.2 from 2.9999999999999996 multiples
    ("=FLOOR(5,0)", "#DIV/0!"),
    ("=CEILING(1E-12,7)", 7),
    # information functions
    ("=ISEVEN(4)", True),
    ("=ISODD(Data!A5)", False),  # a blank is 0
    ('=ISEVEN("x")', "#VALUE!"),
    ("=ISREF(Data!A1)", True),
    ("=ISREF(1)", False),
    ("=ISFORMULA(Data!E2)", True),  # =NA()
    ("=ISFORMULA(Data!E1)", False),
    # date and time functions (Microsoft's function reference for each)
    ("=DAYS(DATE(2024,3,1),DATE(2024,2,1))", 29),
    ('=DATEDIF(DATE(2020,2,29),DATE(2024,2,28),"Y")', 3),
    ('=DATEDIF(DATE(2011,1,31),DATE(2011,3,1),"MD")', -2),  # Excel's own arithmetic: 1 March - 3 March
    ('=DATEDIF(DATE(2020,1,15),DATE(2024,3,10),"YM")', 1),  # 49 whole months, 1 past the years
    ('=DATEDIF(DATE(2020,1,15),DATE(2024,3,10),"YD")', 55),  # 15 Jan to 10 Mar 2024: 16 + 29 + 10
    ("=EOMONTH(DATE(2024,1,15),1)", serial(dt.date(2024, 2, 29))),
    ("=WEEKDAY(DATE(2024,5,1))", 4),  # a Wednesday, Sunday = 1
    ("=WEEKDAY(DATE(2024,5,1),2)", 3),  # Monday = 1
    ("=WEEKDAY(DATE(2024,5,1),16)", 5),  # Saturday = 1
    ("=WORKDAY(DATE(2024,5,3),1)", serial(dt.date(2024, 5, 6))),  # Friday + 1 working day = Monday
    ("=WORKDAY(DATE(2024,5,24),1,DATE(2024,5,27))", serial(dt.date(2024, 5, 28))),  # holiday skipped
    ("=WORKDAY.INTL(DATE(2024,5,3),1,11)", serial(dt.date(2024, 5, 4))),  # weekend 11: Sunday only
    ("=NETWORKDAYS(DATE(2024,5,1),DATE(2024,5,31),DATE(2024,5,27))", 22),  # 23 weekdays - 1 holiday
    ('=NETWORKDAYS.INTL(DATE(2024,5,1),DATE(2024,5,7),"0000011")', 5),
    ("=YEARFRAC(DATE(2024,1,31),DATE(2024,3,31))", 1 / 6),  # 30/360: both 31sts count as 30ths
    ("=YEARFRAC(DATE(2024,1,1),DATE(2024,7,1),1)", 182 / 366),  # actual/actual in a leap year
    ("=YEARFRAC(DATE(2023,1,1),DATE(2024,1,1),3)", 1),
    ("=DAYS360(DATE(2024,1,31),DATE(2024,3,31))", 60),
    ("=DAYS360(DATE(2024,2,29),DATE(2024,3,31))", 30),  # US: last of February and 31st are 30ths
    ("=DAYS360(DATE(2024,2,29),DATE(2024,3,31),TRUE)", 31),  # European: 29 Feb stays the 29th
    ("=TIME(12,30,0)", 0.5208333333333334),
    ("=TIME(25,0,0)", 1 / 24),  # hours past 24 wrap round
    ("=TIME(0,0,-1)", "#NUM!"),
    ('=HOUR("1:30 PM")', 13),
    ("=MINUTE(0.75+1/1440)", 1),
    ("=SECOND(TIME(1,2,3))", 3),
    # one-cell rules (Microsoft's function reference; values Excel computed in peer workbooks)
    ('=RIGHT("a string",10)', "a string"),  # more characters than the text has: all of it
    ('=AND("1",1)', "#VALUE!"),  # a direct text beside a direct number
    ('=OR(1,"text")', "#VALUE!"),
    ('=AND(TRUE,"0")', True),  # beside a logical value the text is skipped
    # Excel adds left to right in doubles: the exact sum of these is 0, Excel's is not
    ("=AVERAGE(0,0,1,1E-05,2,1.1,534,1.00001,9999999999,2.99999,-9999999999,999999.99999,-534,"
     "-999999.99999,-2,-2.99999,-1,-1.00001,-1.1,-1E-05)", -4.0893554731909327e-09),
    ("=SUM(0,0,1,1E-05,2,1.1,534,1.00001,9999999999,2.99999,-9999999999,999999.99999,-534,"
     "-999999.99999,-2,-2.99999,-1,-1.00001,-1.1,-1E-05)", -8.178710946381865e-08),
    ("=SUMPRODUCT(Data!B1,Data!B2)", "#VALUE!"),  # one-cell ranges holding text
    ("=VLOOKUP(Data!A5,Data!A1:B6,Data!E4)", "#N/A"),  # nothing found comes before the blank index
    ("=VLOOKUP(10,Data!A1:B6,0,FALSE)", "#VALUE!"),  # found, then the index below 1
    ('=DATEVALUE("June 9, 1969")', 25363),  # month names are read
    ('=DATEVALUE("5")', "#VALUE!"),  # a number alone is no date
    ("=FLOOR(Data!A5,1/0)", "#DIV/0!"),  # a blank number passes the significance's error on
    ("=CEILING(Data!A5,NA())", "#N/A"),
    ('=SEARCH("b","abcb",3)', 4),
    ('=SEARCH("","abc",3)', 3),  # empty text matches at the start position
    ('=SEARCH("","abc",4)', "#VALUE!"),  # a start past the text's length
    ('=FIND("c","abc",4)', "#VALUE!"),
    ('=SEARCH("~","Hello")', 1),  # a "~" at the end escapes nothing: an empty match at the start
    ('=SEARCH("~~","Hi ~Bang!")', 4),
    ('=VALUE("12,34")', "#VALUE!"),  # a comma that groups no three digits
    ('=VALUE("12,345")', 12345),
    ('=TEXT(23.75,"|#\\:#=/=#|")', "|23:3=/=4|"),
    ('=TEXT(123456.789,"|#,e-#|")', "|1e5|"),
    ('=TEXT(1234567,"?,?????????")', "    1,234,567"),
    ('=TEXT(3.14159,"s:m"" @ hour ""[hh]")', "53:23 @ hour 75"),
    ("=SUM(Data!D1:CHOOSE(2,Data!D1,Data!D3))", 600),  # a range ending in the reference CHOOSE gives
    ("=ERROR.TYPE(1/0)", 2),
    ('=ERROR.TYPE("x")', "#N/A"),
]


CASES_1904: list[tuple[str, Any]] = [
    # a workbook in the 1904 date system (<workbookPr date1904="1"/>): serial 0 is 1904-01-01 and a
    # date's serial is 1,462 less than in the 1900 system (Microsoft, "Date systems in Excel";
    # ECMA-376 Part 1, 18.2.28); every date function, TEXT and text dates follow it
    ("=YEAR(1)", 1904),
    ("=DAY(0)", 1),
    ("=DATE(1904,1,1)", 0),
    ("=DATE(2024,5,1)", 45413 - 1462),
    ("=DATE(1903,12,31)", "#NUM!"),  # before the first day of the system
    ("=DATE(4,1,1)", 0),  # years 0-1899 still add 1900
    ("=WEEKDAY(0)", 6),  # 1904-01-01 was a Friday
    ("=WORKDAY(0,1)", 3),  # the next working day is Monday 4 January
    ("=NETWORKDAYS(0,10)", 7),
    ("=EDATE(0,1)", 31),
    ("=EOMONTH(0,1)", 59),  # 1904 is a leap year: 29 February is serial 59
    ('=DATEVALUE("2024-05-01")', 45413 - 1462),
    ('=VALUE("2024-05-01")+0', 45413 - 1462),
    ("=TODAY()", 45413 - 1462),
    ("=YEAR(2957003)", 9999),  # 9999-12-31, the last day
    ("=YEAR(2957004)", "#NUM!"),
    ('=TEXT(0,"dddd yyyy-mm-dd")', "Friday 1904-01-01"),
    ('=TEXT(DATE(2024,5,1),"ddd d mmm yyyy")', "Wed 1 May 2024"),
    # the 1904 system shows negative times with a minus sign (the 1900 system cannot show them)
    ('=TEXT(-(2/24+3/1440+4/86400),"[h]:m:s.000")', "-2:3:4.000"),
    ('=TEXT(-0.5,"h:mm")', "-12:00"),
    ('=COUNTIF(Data!C1:C6,">2020-06-01")', 2),
]


def data_sheet(wb: openpyxl.Workbook) -> None:
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
