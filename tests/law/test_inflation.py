"""Inflation-adjusted amounts (45 CFR 102.2, 102.3): which table applies, and when."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hipaa_xl.engine import Incident, aggregate, annual_cap, cmp_range, explain_cmp
from hipaa_xl.errors import InvalidValue
from hipaa_xl.law.loader import load_series
from hipaa_xl.law.schedules import resolve_amounts
from tests.strategies import tiers, violation_dates

D = dt.date
TABLES = load_series().tables


@pytest.mark.parametrize("table", TABLES, ids=[t.label for t in TABLES])
def test_each_table_applies_from_its_effective_date_and_not_the_day_before(table: object) -> None:
    effective = table.effective  # type: ignore[attr-defined]
    on_day = resolve_amounts("B", D(2016, 1, 1), "current", effective)
    assert on_day.minimum == table.tiers["B"].minimum.value  # type: ignore[attr-defined]
    day_before = resolve_amounts("B", D(2016, 1, 1), "current", effective - dt.timedelta(days=1))
    assert day_before.minimum != on_day.minimum


def test_violation_on_2015_11_02_is_unadjusted_and_on_11_03_adjusted() -> None:
    assert cmp_range("B", 1, D(2015, 11, 2), "current", D(2026, 11, 25))[0] == 1_000
    assert cmp_range("B", 1, D(2015, 11, 3), "current", D(2026, 11, 25))[0] == 1_461


def test_2016_table_applies_to_penalties_assessed_after_2016_08_01() -> None:
    assert cmp_range("A", 1, D(2016, 1, 1), "current", D(2016, 8, 1))[1] == 50_000
    assert cmp_range("A", 1, D(2016, 1, 1), "current", D(2016, 8, 2))[1] == 55_010


def test_fixed_table_ignores_the_assessment_date_but_not_the_violation_date() -> None:
    assert annual_cap("A", D(2021, 5, 1), "cfr102-2022", D(2030, 1, 1)) == 1_919_173
    assert annual_cap("A", D(2014, 5, 1), "cfr102-2022") == 1_500_000


@pytest.mark.parametrize(("tier", "cap"), [("A", 36_505), ("B", 146_020), ("C", 365_050), ("D", 2_190_294)])
def test_current_tiered_caps_are_labelled_estimates_except_tier_d(tier: str, cap: int) -> None:
    a = resolve_amounts(tier, D(2024, 6, 1), "current-tiered", D(2026, 11, 25))  # type: ignore[arg-type]
    assert a.cap == cap
    assert a.cap_is_estimate is (tier != "D")
    if tier != "D":
        assert "ESTIMATE" in explain_cmp(tier, 1, D(2024, 6, 1), "current-tiered", D(2026, 11, 25)).explanation  # type: ignore[arg-type]


def test_current_tiered_keeps_statute_caps_for_unadjusted_violations() -> None:
    assert annual_cap("A", D(2014, 1, 1), "current-tiered", D(2026, 11, 25)) == 25_000


def test_as_of_far_past_the_newest_table_warns_that_a_newer_one_may_exist() -> None:
    newest = TABLES[-1].effective
    quiet = explain_cmp("A", 1, None, "current", D(newest.year + 1, newest.month, newest.day))
    assert not quiet.warnings
    loud = explain_cmp("A", 1, None, "current", D(newest.year + 1, newest.month + 2, 1))
    assert loud.warnings and "newer" in loud.explanation and TABLES[-1].federal_register in loud.explanation


def test_assessment_before_the_violation_is_an_error_under_every_schedule() -> None:
    for schedule in ("regulation", "statute", "current", "cfr102-2020"):
        with pytest.raises(InvalidValue):
            cmp_range("A", 1, D(2024, 6, 1), schedule, D(2020, 1, 1))


def test_explanation_names_the_table_and_why_it_applies() -> None:
    text = explain_cmp("A", 1, D(2024, 6, 1), "current", D(2026, 11, 25)).explanation
    assert "45 CFR 102.3, table effective 2026-01-28, 91 FR 3665" in text
    assert "assessed 2026-11-25" in text and "violation dated 2024-06-01" in text


def test_continuing_violation_across_2015_11_02_splits_unadjusted_and_adjusted_days() -> None:
    # tier B, 2015-10-24..2015-11-12: 10 unadjusted days (cap 1,500,000) and 10 adjusted (2025 table)
    result = aggregate(
        [Incident(id="1", entity="E", requirement="R", tier="B", start=D(2015, 10, 24), end=D(2015, 11, 12))],
        "current",
        D(2021, 10, 1),
    )
    assert [(r.regime, r.violations) for r in result.rows] == [("unadjusted", 10), ("inflation-adjusted", 10)]
    g = result.groups[0]
    table_2020 = next(t for t in TABLES if t.label == "2020")
    assert g.minimum == 10 * 1_000 + 10 * table_2020.tiers["B"].minimum.value  # type: ignore[operator]
    assert g.largest_cap == table_2020.tiers["B"].cap.value
    assert "each capped by their own cap" in g.explanation


@given(
    tiers,
    st.integers(min_value=0, max_value=200),
    violation_dates,
    st.integers(min_value=0, max_value=4000),
)
def test_current_lies_between_regulation_and_the_newest_fixed_table(
    tier: str, n: int, violation: dt.date, delay: int
) -> None:
    as_of = violation + dt.timedelta(days=delay)
    cur = cmp_range(tier, n, violation, "current", as_of)  # type: ignore[arg-type]
    reg = cmp_range(tier, n, violation, "regulation", as_of)  # type: ignore[arg-type]
    top = cmp_range(tier, n, violation, TABLES[-1].schedule_name, as_of)  # type: ignore[arg-type]
    assert reg[0] <= cur[0] <= top[0]
    assert reg[1] <= cur[1] <= top[1]
    cap = annual_cap(tier, violation, "current", as_of)  # type: ignore[arg-type]
    assert annual_cap(tier, violation, "regulation", as_of) <= cap <= annual_cap(  # type: ignore[arg-type]
        tier, violation, TABLES[-1].schedule_name, as_of  # type: ignore[arg-type]
    )
