"""DEADLINE, DEADLINE_EXPLAIN and DEADLINE_RULES as Excel calls them: same parsing and errors as the
other functions, dates returned as Excel serial numbers."""

from __future__ import annotations

import datetime as dt

from hipaa_xl.law.deadline_rules import load_deadline_law
from hipaa_xl.ooxml.dates import date_to_serial, serial_to_date
from hipaa_xl.udfs import DEADLINE, DEADLINE_EXPLAIN, DEADLINE_RULES

D = dt.date


def test_deadline_returns_an_excel_date_from_any_date_form() -> None:
    expected = date_to_serial(D(2026, 3, 2))  # breach discovered 2026-01-01
    assert DEADLINE("breach-individuals", "2026-01-01") == expected
    assert DEADLINE("breach-individuals", date_to_serial(D(2026, 1, 1))) == expected
    assert DEADLINE("Breach-Individuals", dt.datetime(2026, 1, 1, 9, 30)) == expected
    assert serial_to_date(float(DEADLINE("breach-hhs-log", "2027-05-05"))) == D(2028, 2, 29)


def test_blank_option_is_not_given_as_lite_sends_it() -> None:
    # xlwings Lite sends an empty cell as 0: for media notice that means "count not given", not 0 residents
    assert DEADLINE("breach-media", "2026-01-01", 0) == DEADLINE("breach-media", "2026-01-01", None)
    assert DEADLINE("access", "2026-01-15", "") == date_to_serial(D(2026, 2, 14))
    assert DEADLINE("board-appeal", "2026-01-02", 0) == date_to_serial(D(2026, 2, 2))


def test_errors_are_texts_with_their_excel_code() -> None:
    assert str(DEADLINE("nope", "2026-01-01")).startswith("#VALUE! unknown deadline rule")
    assert DEADLINE("access", None) == "#VALUE! event date required"
    assert DEADLINE(None, "2026-01-01") == "#VALUE! rule required"
    assert str(DEADLINE("access", "soon")).startswith("#VALUE!")
    assert str(DEADLINE("breach-media", "2026-01-01", 500)).startswith("#N/A breach-media not required")
    assert str(DEADLINE("breach-media", "2026-01-01", -3)).startswith("#NUM!")
    assert str(DEADLINE("board-appeal", "2026-01-01", "maybe")).startswith("#VALUE!")
    assert len(str(DEADLINE("x" * 5000, "2026-01-01"))) <= 255  # one cell's text, whatever was typed


def test_an_error_in_an_argument_is_passed_on_unchanged() -> None:
    assert DEADLINE("#N/A", "2026-01-01") == "#N/A"
    assert DEADLINE("access", "#REF!") == "#REF!"
    assert DEADLINE("breach-media", "2026-01-01", "#DIV/0!") == "#DIV/0!"
    assert DEADLINE_EXPLAIN("access", "2026-01-01", "#N/A") == "#N/A"


def test_ranges_give_a_column_of_dates() -> None:
    got = DEADLINE([["breach-individuals"], ["board-appeal"], ["x"]], [["2026-01-01"], ["2026-02-05"], ["2026-01-01"]])
    assert isinstance(got, list)
    assert got[0] == [date_to_serial(D(2026, 3, 2))]
    assert got[1] == [date_to_serial(D(2026, 3, 9))]  # Mar 7 is a Saturday: 160.526 moves it to Monday
    assert str(got[2][0]).startswith("#VALUE!")


def test_explain_names_rule_date_computation_citation_and_words_within_255_characters() -> None:
    text = DEADLINE_EXPLAIN("board-appeal", "2026-02-05", True)
    assert isinstance(text, str) and len(text) <= 255
    # Feb 5 + 30 + 5 = Mar 12 (Thursday)
    assert text.startswith("board-appeal: due 2026-03-12 (Thu).")
    assert "45 CFR 160.548(a)" in text and "+ 5 for mail" in text
    assert '"within 30 days of the date of service of the ALJ decision"' in text


def test_rules_spill_every_name_with_its_one_line_description() -> None:
    rows = DEADLINE_RULES()
    law = load_deadline_law()
    assert [r[0] for r in rows] == list(law.rules)
    assert all(len(r) == 2 and 20 < len(r[1]) <= 255 for r in rows)
