"""TEXT's number-format language, one table per construct.

Sources: Microsoft's "Number format codes" and "Review guidelines for customizing a number format"
(Microsoft support), ECMA-376 Part 1, 18.8.31 (numFmts) and MS-OI29500's notes on it, and values
Excel itself cached for TEXT calls in other projects' test workbooks (the issue's cases are quoted
from Excel). Each expected text is worked out by hand from those rules, never taken from the code.
What depends on the reader's locale (system date formats ``[$-F800]``, ``[DBNum1]``) or is not
documented (a negative number under conditional sections) is reported, never guessed.
"""

from __future__ import annotations

import pytest

from hipaa_xl.ooxml.dates import date_system
from hipaa_xl.recalc.functions.number_format import format_value
from hipaa_xl.recalc.values import Unsupported

SECTIONS = [
    # positive;negative;zero;text - a negative number in its own section shows no minus sign
    (-5, "0;(0)", "(5)"),
    (5, "0;(0)", "5"),
    (0, '0;-0;"zero"', "zero"),
    (-5, "0", "-5"),  # one section: the minus sign is written
    ("abc", '0;0;0;"<"@">"', "<abc>"),
    ("abc", "0.00", "abc"),  # no text section: text is shown as it is
    (-0.001, "0.0", "0.0"),  # nothing but zeros shows: no minus sign
]

CONDITIONS = [
    (150, '[>100]"big";"small"', "big"),
    (50, '[>100]"big";"small"', "small"),
    (100, '[=100]"hundred";0', "hundred"),
    (7, "[Red][<10]0.0;0", "7.0"),  # colours are ignored by TEXT
]

FRACTIONS = [
    # "/" is a fraction bar between number symbols; literal text may stand round it
    (23.75, "|#\\:#=/=#|", "|23:3=/=4|"),
    (1.5, "# ?/?", "1 1/2"),
    (-1.5, "# ?/?", "-1 1/2"),
    (0.75, "# ?/?", " 3/4"),  # no integer digit for "#"; the literal space stays
    (5.25, "?/?", "21/4"),  # no integer part: an improper fraction
    (0.333, "?/??", "1/3 "),  # the closest fraction of at most two digits; denominator left-aligned
    (3.14159, "# ??/??", "3 14/99"),
    (3.14159, "# ???/???", "3  16/113"),
    (0.5, "# ?/8", " 4/8"),  # a fixed denominator
    (3.14159, "# ??/100", "3 14/100"),
]

SCIENTIFIC = [
    (12, "0.00E+0", "1.20E+1"),
    (0.00012, "0.0e-0", "1.2e-4"),  # the letter's case is kept
    (12345, "0.0E-0", "1.2E4"),  # "-" writes a sign for negative exponents only
    (12345, "##0.0E+0", "12.3E+3"),  # "#" before the point: exponent a multiple of three
    (12345, "00.00E+00", "12.35E+03"),  # "0"s: that many integer digits
    (0, "0.00E+00", "0.00E+00"),
    (1234, '0.0E+"x"00', "1.2E+x03"),  # literal text between the sign and the exponent's digits
    (123456.789, "|#,e-#|", "|1e5|"),  # beside an exponent a comma neither groups nor scales
]

THOUSANDS_AND_PERCENT = [
    (1234567, "#,##0", "1,234,567"),
    (123, "#,##0", "123"),
    (1234567, "#,##0,", "1,235"),  # a comma after the last placeholder divides by 1,000
    (1234567, "0.0,,", "1.2"),
    (0.256, "0.0%", "25.6%"),
    (1234567, "?,?????????", "    1,234,567"),  # "?" pads across a separator, the separator too
    (5, "?,???", "    5"),
    (5, "#,###", "5"),  # "#" pads with nothing, separators included
    # Excel's own value for an odd code in a peer project's workbook: no separator beside an empty "#"
    (1000000.555, "##00,############# .  # ,0.00.0,00", "001,000,000 .  5 ,5.50.000"),
]

LITERALS = [
    (5, "\\$0", "$5"),
    (5, '"x"0"y"', "x5y"),
    (5, "0_)", "5 "),  # "_x" is a space as wide as x
    (5, "0*-", "5"),  # a fill character: TEXT leaves it out
    (12345678, "00-00-00-00", "12-34-56-78"),  # literals between placeholders stay in place
]

ELAPSED = [
    (3.14159, 's:m" @ hour "[hh]', "53:23 @ hour 75"),  # "m" after "s" is minutes
    (1.5, "[h]:mm h", "36:00 36"),  # after [h] a later "h" shows elapsed hours too
    (90.5 / 1440, "[s] ss", "5430 5430"),
    (1.5, "[mm]:ss", "2160:00"),
    (0.5, "h:mm AM/PM", "12:00 PM"),
]

REPORTED = [
    (-1.5, "[<0]0.0;0"),  # sign of a negative number under conditional sections: not documented
    (45000, "[$-F800]dddd"),  # the reader's system long date
    (5, "[DBNum1]0"),  # East Asian numerals
]


@pytest.mark.parametrize(("value", "code", "expected"), SECTIONS)
def test_sections_choose_by_sign_and_text(value: object, code: str, expected: str) -> None:
    assert format_value(value, code) == expected


@pytest.mark.parametrize(("value", "code", "expected"), CONDITIONS)
def test_conditions_choose_the_section(value: object, code: str, expected: str) -> None:
    assert format_value(value, code) == expected


@pytest.mark.parametrize(("value", "code", "expected"), FRACTIONS)
def test_fractions_as_excel_writes_them(value: float, code: str, expected: str) -> None:
    assert format_value(value, code) == expected


@pytest.mark.parametrize(("value", "code", "expected"), SCIENTIFIC)
def test_scientific_notation_as_excel_writes_it(value: float, code: str, expected: str) -> None:
    assert format_value(value, code) == expected


def test_a_digit_written_out_in_the_exponent_makes_excel_refuse_the_format() -> None:
    # Excel's cached value for this code in a peer project's workbook is #VALUE!
    code = "#,##00000,  ,00 , 0##e+8800######    .  # ,0.00.0,00"
    assert str(format_value(1234578.555, code)) == "#VALUE!"


@pytest.mark.parametrize(("value", "code", "expected"), THOUSANDS_AND_PERCENT)
def test_thousands_separators_scaling_and_percent(value: float, code: str, expected: str) -> None:
    assert format_value(value, code) == expected


@pytest.mark.parametrize(("value", "code", "expected"), LITERALS)
def test_literals_and_escapes_stay_where_they_stand(value: float, code: str, expected: str) -> None:
    assert format_value(value, code) == expected


@pytest.mark.parametrize(("value", "code", "expected"), ELAPSED)
def test_elapsed_time_and_its_neighbours(value: float, code: str, expected: str) -> None:
    assert format_value(value, code) == expected


def test_the_1904_system_writes_negative_times_with_a_minus() -> None:
    value = -(2 / 24 + 3 / 1440 + 4 / 86400)
    with date_system(True):
        assert format_value(value, "[h]:m:s.000") == "-2:3:4.000"
    assert str(format_value(value, "[h]:m:s.000")) == "#VALUE!"  # the 1900 system shows no negative time


@pytest.mark.parametrize(("value", "code"), REPORTED)
def test_what_depends_on_the_locale_or_is_undocumented_is_reported(value: float, code: str) -> None:
    with pytest.raises(Unsupported):
        format_value(value, code)
