"""The functions as xlwings Lite registers them: bare error codes per cell, the reason from ERROR_REASON,
the short CMP_EXPLAIN and the explanation rows, and the 255-character limit over the golden cases."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from hipaa_xl import udfs
from hipaa_xl.lite import functions as lite
from tests.helpers import golden_cases

LITE_CODES = {"#VALUE!", "#NUM!", "#N/A", "#DIV/0!", "#NAME?", "#NULL!", "#REF!"}


def _cells(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [c for row in value for c in _cells(row)]
    return [value]


def test_lite_registers_every_package_function_and_error_reason_under_its_name() -> None:
    assert lite.__all__ == [*udfs.__all__, "ERROR_REASON"]
    for name in udfs.__all__:
        fn = getattr(lite, name)
        assert fn.__name__ == name and fn is not getattr(udfs, name)
        assert inspect.signature(fn) == inspect.signature(getattr(udfs, name))


@pytest.mark.parametrize(("case_id", "case"), golden_cases(), ids=[c for c, _ in golden_cases()])
def test_golden_case_in_lite_is_the_value_or_the_bare_code_and_error_reason_keeps_why(
    case_id: str, case: dict[str, Any]
) -> None:
    got = getattr(lite, case["call"])(*case["args"])
    desktop = getattr(udfs, case["call"])(*case["args"])
    for value in _cells(desktop) + _cells(got):
        assert not isinstance(value, str) or len(value) <= 255, case_id
    if "expect_error" in case:
        assert got == case["expect_error"]
        why = lite.ERROR_REASON(case["call"], *case["args"])
        assert why == desktop and why.startswith(case["expect_error"] + " ")
    else:
        assert got == case["expect"] == desktop
        assert lite.ERROR_REASON(case["call"], *case["args"]) == ""


def test_a_spilled_column_keeps_values_and_turns_each_error_cell_into_its_code() -> None:
    # tier B, 10 violations: 10 x $50,000 = $500,000 under the $1,500,000 cap; "E" is no tier; -1 no count
    got = lite.CMP_MAX([["B"], ["E"], ["B"]], [[10], [1], [-1]])
    assert got == [[500_000], ["#VALUE!"], ["#NUM!"]]
    reasons = lite.ERROR_REASON([["CMP_MAX"]], [["B"], ["E"], ["B"]], [[10], [1], [-1]])
    assert reasons[0] == [""] and reasons[1][0].startswith("#VALUE! tier") and reasons[2][0].startswith("#NUM! ")


def test_an_error_passed_in_stays_its_code_and_other_codes_become_value() -> None:
    assert lite.CMP_MAX("#N/A", 1) == "#N/A"
    assert lite.bare_code("#SPILL! x") == "#VALUE!"
    assert lite.bare_code("#NUM! too many") == "#NUM!"
    assert lite.bare_code("#hashtag") == "#hashtag"  # not an error code: text stays text
    assert lite.ERROR_REASON("CMP_MAX", "#N/A", 1) == "#N/A: an argument is already this error"


def test_error_reason_names_an_unknown_function_or_too_many_arguments() -> None:
    assert lite.ERROR_REASON("NOPE", 1).startswith("#VALUE! no hipaa-xl function")
    assert lite.ERROR_REASON("criminal_fine", "knowingly", 2) == "#VALUE! CRIMINAL_FINE takes at most 1 argument(s)"
    assert lite.ERROR_REASON("=CMP_MIN(", "B", 1) == ""


def test_cmp_explain_rows_spills_rule_amount_citation_for_each_figure() -> None:
    # 45 CFR 160.404(b)(2)(ii): tier B $1,000 to $50,000 a violation, cap $1,500,000;
    # 10 violations: statutory minimum 10 x 1,000 = 10,000, maximum 10 x 50,000 = 500,000
    rows = udfs.CMP_EXPLAIN_ROWS("B", 10, "2020-05-01", "regulation")
    assert rows[0] == ["Rule", "Amount", "Citation"] and all(len(r) == 3 for r in rows)
    by_rule = {r[0]: (r[1], r[2]) for r in rows}
    assert by_rule["Per-violation statutory minimum (if a CMP is imposed)"] == (1_000, "45 CFR 160.404(b)(2)(ii)(A)")
    assert by_rule["Calendar-year cap"] == (1_500_000, "45 CFR 160.404(b)(2)(ii)(B)")
    assert by_rule["Statutory minimum (if a CMP is imposed) = min(violations x per-violation minimum, cap)"][0] == 10_000
    assert "45 CFR 160.412" in by_rule["The minimum binds only if a CMP is imposed"][1]
    assert by_rule["Maximum = min(violations x per-violation maximum, cap)"][0] == 500_000
    assert lite.CMP_EXPLAIN_ROWS("E", 10) == [["#VALUE!"]]


def test_long_citations_continue_on_the_next_row_instead_of_being_cut() -> None:
    rows = udfs.CMP_EXPLAIN_ROWS("B", 5, "2024-01-01", "current-tiered", "2026-06-01")
    cap = next(i for i, r in enumerate(rows) if r[0].startswith("Calendar-year cap"))
    text = " ".join(r[2] for r in rows[cap:] if r is rows[cap] or r[0] == "(continued)")
    assert all(len(c) <= 255 for r in rows for c in r if isinstance(c, str))
    assert "ESTIMATE" in text and "tier D takes the table's full cap" in text and not text.endswith("\u2026")


def test_short_explanation_fits_a_cell_without_being_cut_for_every_tier_and_schedule() -> None:
    for tier in "ABCD":
        for schedule in ("regulation", "statute", "current", "current-tiered", "cfr102-2016"):
            for date in ("2005-06-01", "2012-06-01", "2024-06-01"):
                text = udfs.CMP_EXPLAIN(tier, 1_000_000, date, schedule, "2028-06-01")
                assert isinstance(text, str) and len(text) <= 255 and not text.endswith("\u2026"), text
