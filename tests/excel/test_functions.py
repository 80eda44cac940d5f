"""The Excel functions' contract: results, blanks, date forms, arrays and error texts."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from hipaa_xl import clock, udfs
from hipaa_xl.excel.cells import date_to_serial, parse_serial
from hipaa_xl.udfs import (
    AG_DAMAGES,
    ANNUAL_CAP,
    CMP_EXPLAIN,
    CMP_MAX,
    CMP_MIN,
    CMP_TIER,
    CRIMINAL_FINE,
    CRIMINAL_YEARS,
    CURED,
    TIME_BARRED,
    VIOLATION_DAYS,
)

D = dt.date


def test_every_function_is_exported_under_its_excel_name() -> None:
    for name in udfs.__all__:
        assert callable(getattr(udfs, name)) and getattr(udfs, name).__name__ == name


@pytest.mark.parametrize(
    "date_form",
    ["2020-05-01", dt.datetime(2020, 5, 1), D(2020, 5, 1), 43952, 43952.0, 43952.75, "2020-05-01T00:00:00"],
)
def test_each_date_form_is_read_as_the_same_day(date_form: object) -> None:
    assert ANNUAL_CAP("A", date_form, "statute") == 25_000
    assert TIME_BARRED(date_form, "2026-05-02") is True
    assert TIME_BARRED(date_form, "2026-05-01") is False


def test_excel_serial_numbers_round_trip_including_the_1900_leap_bug() -> None:
    assert parse_serial(1) == D(1900, 1, 1)
    assert parse_serial(59) == D(1900, 2, 28)
    assert parse_serial(61) == D(1900, 3, 1)
    assert parse_serial(45000) == D(2023, 3, 15)
    for day in (D(1900, 1, 1), D(1900, 3, 1), D(2024, 2, 29), D(9999, 12, 31)):
        assert parse_serial(date_to_serial(day)) == day


@pytest.mark.parametrize("blank", [None, "", 0, "   "])
def test_blank_optional_arguments_take_their_defaults(blank: object) -> None:
    assert CMP_MAX("B", 10, blank, blank, blank) == 500_000
    assert AG_DAMAGES(10, blank, blank, blank) == 1_000
    assert CMP_TIER("willful neglect", "2024-03-01", blank) == "D"
    assert CURED("B", "2024-03-01", blank) is False
    assert VIOLATION_DAYS("2024-01-01", "2024-12-31", blank, blank) == 366


@pytest.mark.parametrize("blank", [None, "", 0])
def test_blank_count_is_zero_violations(blank: object) -> None:
    assert CMP_MIN("D", blank) == 0 and AG_DAMAGES(blank) == 0


@pytest.mark.parametrize("blank", [None, "", 0])
def test_blank_end_date_is_an_error_saying_it_is_required(blank: object) -> None:
    assert VIOLATION_DAYS("2024-01-01", blank) == "#VALUE! end date required"


def test_yes_no_arguments_accept_the_usual_spellings() -> None:
    for yes in (True, 1, "yes", "Y", "TRUE"):
        assert AG_DAMAGES(10, 100, yes) == 0
    for no in (False, "no", "n", None):
        assert AG_DAMAGES(10, 100, no) == 1_000
    assert AG_DAMAGES(10, 100, "maybe").startswith("#VALUE!")


def test_error_values_passed_in_are_passed_on_unchanged() -> None:
    assert CMP_MAX("#N/A", 1) == "#N/A"
    assert CMP_MAX("B", "#DIV/0!") == "#DIV/0!"
    assert VIOLATION_DAYS("2024-01-01", "#REF!") == "#REF!"
    assert CMP_MIN("B", "#VALUE! tier must be A") == "#VALUE! tier must be A"


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: CMP_MAX("E", 1), "#VALUE!"),
        (lambda: CMP_MAX("B", "ten"), "#VALUE!"),
        (lambda: CMP_MAX("B", -1), "#NUM!"),
        (lambda: CMP_MAX("B", 1.5), "#NUM!"),
        (lambda: CMP_MAX("B", math.nan), "#NUM!"),
        (lambda: CMP_MAX("B", math.inf), "#NUM!"),
        (lambda: CMP_MAX("B", 1e12), "#NUM!"),
        (lambda: CMP_MAX("B", 1, "not a date"), "#VALUE!"),
        (lambda: CMP_MAX("B", 1, "2024-06-01", "bogus"), "#VALUE!"),
        (lambda: CMP_MAX("B", 1, "2024-06-01", "regulation", "2024-05-01"), "#VALUE!"),
        (lambda: CMP_MAX("willful neglect", 1), "#VALUE!"),
        (lambda: CMP_MAX(None, 1), "#VALUE!"),
        (lambda: AG_DAMAGES(1, 101), "#NUM!"),
        (lambda: AG_DAMAGES(1, -5), "#NUM!"),
        (lambda: VIOLATION_DAYS("2024-02-01", "2024-01-01"), "#VALUE!"),
        (lambda: VIOLATION_DAYS("2024-01-01", "2024-02-01", 1800), "#NUM!"),
        (lambda: VIOLATION_DAYS("2024-01-01", "2024-02-01", None, "2023-01-01"), "#VALUE!"),
        (lambda: CRIMINAL_FINE("jaywalking"), "#VALUE!"),
        (lambda: CMP_TIER("careless"), "#VALUE!"),
        (lambda: TIME_BARRED(None), "#VALUE!"),
        (lambda: TIME_BARRED("2024-01-01", "2023-01-01"), "#VALUE!"),
        (lambda: CMP_MIN("B", 1, -5), "#NUM!"),
    ],
)
def test_bad_input_returns_an_excel_error_text_with_a_reason(call: object, code: str) -> None:
    result = call()  # type: ignore[operator]
    assert isinstance(result, str) and result.startswith(code + " ") and len(result) > len(code) + 5


def test_count_within_a_billionth_of_a_whole_number_is_that_number() -> None:
    assert CMP_MIN("A", 0.1 * 30) == 300
    assert CMP_MIN("A", 2.999999) .startswith("#NUM!")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("tier", "minimum"),
    [("A", 100), ("a", 100), (1, 100), (1.0, 100), ("did not know", 100), ("B", 1_000), (2, 1_000),
     ("reasonable cause", 1_000), ("c", 10_000), (3, 10_000), ("Willful Neglect - Corrected", 10_000),
     ("D", 50_000), (4, 50_000), ("willful neglect - not corrected", 50_000)],
)
def test_each_accepted_tier_form_prices_the_same_tier(tier: object, minimum: int) -> None:
    assert CMP_MIN(tier, 1) == minimum


def test_tier_numbers_arrive_as_floats_from_desktop_excel() -> None:
    assert CMP_MIN(2.0, 10.0) == 10_000


def test_cmp_tier_and_cured_follow_the_30_day_period() -> None:
    assert CMP_TIER("willful neglect", "2024-03-01", "2024-03-30") == "C"
    assert CMP_TIER("willful neglect", "2024-03-01", "2024-03-31") == "D"
    assert CMP_TIER("Reasonable cause") == "B"
    assert CURED("A", "2024-03-01", "2024-03-30") is True
    assert CURED("A", "2024-03-01", "2024-03-31") is False


def test_violation_days_with_as_of_counts_only_days_in_time() -> None:
    # as of 2024-06-30, days from 2018-06-30 on are in time: 2018-06-30..2018-07-09 = 10
    assert VIOLATION_DAYS("2018-06-20", "2018-07-09", None, "2024-06-30") == 10


def test_criminal_maxima_of_1320d_6() -> None:
    assert (CRIMINAL_FINE("knowingly"), CRIMINAL_YEARS("knowingly")) == (50_000, 1)
    assert (CRIMINAL_FINE("False Pretenses"), CRIMINAL_YEARS("false pretenses")) == (100_000, 5)
    for words in ("intent to sell", "commercial advantage", "personal gain", "malicious harm"):
        assert (CRIMINAL_FINE(words), CRIMINAL_YEARS(words)) == (250_000, 10)


def test_explain_is_one_short_sentence_naming_the_minimum_as_conditional() -> None:
    # 45 CFR 160.404(b)(2)(ii): tier B $1,000-$50,000 a violation, cap $1,500,000; 10 x $1,000 = $10,000 and
    # 10 x $50,000 = $500,000 (under the cap); the floor binds only if a CMP is imposed (tier B: the waiver
    # of 160.412 and 1320d-5(b)(3)); each figure's own citation is in CMP_EXPLAIN_ROWS
    text = CMP_EXPLAIN("B", 10, "2020-05-01")
    assert isinstance(text, str) and len(text) <= 255
    assert "statutory minimum (if a CMP is imposed) $10,000, maximum $500,000" in text
    assert "at least" not in text
    assert "45 CFR 160.412; 42 U.S.C. 1320d-5(b)(3)" in text and "CMP_EXPLAIN_ROWS" in text
    rows = udfs.CMP_EXPLAIN_ROWS("B", 10, "2020-05-01")
    assert ["Per-violation maximum", 50_000, "45 CFR 160.404(b)(2)(ii)(A)"] in rows


def test_as_of_defaults_to_today_for_current_and_time_barred() -> None:
    with clock.override_today(D(2020, 1, 16)):
        assert CMP_MIN("C", 1, "2019-06-01", "current") == 11_698
        assert TIME_BARRED("2014-01-16") is False
    with clock.override_today(D(2020, 1, 17)):
        assert CMP_MIN("C", 1, "2019-06-01", "current") == 11_904
        assert TIME_BARRED("2014-01-16") is True


def test_a_column_of_arguments_returns_a_column_of_results() -> None:
    tiers = [["A"], ["B"], ["E"], [None]]
    counts = [[1], [10], [1], [1]]
    out = CMP_MAX(tiers, counts)
    assert out[0] == [50_000] and out[1] == [500_000]
    assert out[2][0].startswith("#VALUE!") and out[3][0].startswith("#VALUE!")


def test_a_flat_list_is_a_column_and_scalars_repeat() -> None:
    assert CMP_MIN(["A", "B", "C"], 2, None, "statute") == [[200], [2_000], [20_000]]


def test_ranges_of_different_lengths_give_na_beyond_the_shorter() -> None:
    assert CMP_MIN([["A"], ["B"]], [[1], [1], [1]]) == [[100], [1_000], ["#N/A"]]


def test_a_row_and_a_column_broadcast_to_a_grid() -> None:
    # 2008, tier A: no penalty at all (former 1320d-5(b)(2)), so no cap: 0; tier B: $25,000 (160.404(b)(1))
    assert ANNUAL_CAP([["A", "B"]], [["2008-01-01"], ["2020-01-01"]], "statute") == [
        [0, 25_000],
        [25_000, 100_000],
    ]
