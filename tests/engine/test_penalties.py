"""Penalty ranges by tier and schedule (45 CFR 160.404(b); 42 U.S.C. 1320d-5(a)(3)), hand-worked."""

from __future__ import annotations

import datetime as dt

import pytest

from hipaa_xl.engine import annual_cap, cmp_range, explain_cmp
from hipaa_xl.errors import InvalidValue, OutOfRange

D = dt.date
AFTER_2009 = D(2020, 5, 1)

# (tier, schedule, n, expected minimum, expected maximum): n x per-violation amount, then the cap
HAND_WORKED = [
    ("A", "regulation", 3, 300, 150_000),
    ("B", "regulation", 3, 3_000, 150_000),
    ("C", "regulation", 3, 30_000, 150_000),
    ("D", "regulation", 3, 150_000, 1_500_000),
    ("A", "statute", 3, 300, 25_000),
    ("B", "statute", 3, 3_000, 100_000),
    ("C", "statute", 3, 30_000, 150_000),
    ("D", "statute", 3, 150_000, 1_500_000),
]


# 2025 table (91 FR 3665) for a 2024 violation assessed 2026-11-25: 3 x minimum; 3 x 73,011 = 219,033
HAND_WORKED_ADJUSTED = [
    ("A", "current", 435, 219_033),
    ("B", "current", 4_383, 219_033),
    ("C", "current", 43_806, 219_033),
    ("D", "current", 219_033, 2_190_294),
    ("A", "current-tiered", 435, 36_505),
    ("B", "current-tiered", 4_383, 146_020),
    ("C", "current-tiered", 43_806, 219_033),
    ("D", "current-tiered", 219_033, 2_190_294),
    ("B", "cfr102-2016", 3_300, 165_030),
]


@pytest.mark.parametrize(("tier", "schedule", "low", "high"), HAND_WORKED_ADJUSTED)
def test_adjusted_range_per_tier_and_schedule(tier: str, schedule: str, low: int, high: int) -> None:
    assert cmp_range(tier, 3, D(2024, 6, 1), schedule, D(2026, 11, 25)) == (low, high)  # type: ignore[arg-type]


@pytest.mark.parametrize(("tier", "schedule", "n", "low", "high"), HAND_WORKED)
def test_range_is_count_times_per_violation_amount_capped_per_tier_and_schedule(
    tier: str, schedule: str, n: int, low: int, high: int
) -> None:
    assert cmp_range(tier, n, AFTER_2009, schedule) == (low, high)  # type: ignore[arg-type]


def test_cap_boundary_where_count_times_maximum_crosses_the_cap() -> None:
    # 1,500,000 / 50,000 = 30: 29 violations stay under the cap, 30 reach it, 31 are held at it
    assert cmp_range("B", 29)[1] == 1_450_000
    assert cmp_range("B", 30)[1] == 1_500_000
    assert cmp_range("B", 31)[1] == 1_500_000
    # tier C minimum crosses at 150: 149 x 10,000 = 1,490,000
    assert cmp_range("C", 149)[0] == 1_490_000
    assert cmp_range("C", 151)[0] == 1_500_000


def test_tier_d_has_no_per_violation_maximum_so_the_cap_is_its_ceiling() -> None:
    assert cmp_range("D", 1) == (50_000, 1_500_000)
    assert explain_cmp("D", 1).amounts.maximum is None


def test_zero_violations_mean_no_penalty() -> None:
    assert cmp_range("D", 0) == (0, 0)


def test_violation_on_2009_02_17_is_pre_2009_and_on_02_18_is_not() -> None:
    assert cmp_range("B", 3, D(2009, 2, 17)) == (0, 300)
    assert cmp_range("B", 3, D(2009, 2, 18)) == (3_000, 150_000)
    assert annual_cap("B", D(2009, 2, 17)) == 25_000
    assert annual_cap("B", D(2009, 2, 18)) == 1_500_000


def test_pre_2009_tier_a_facts_mean_no_penalty_at_all() -> None:
    assert cmp_range("A", 10, D(2008, 6, 1)) == (0, 0)
    assert "no penalty" in explain_cmp("A", 10, D(2008, 6, 1)).explanation


def test_pre_2009_regime_applies_whatever_the_schedule() -> None:
    for schedule in ("regulation", "statute", "current", "current-tiered", "cfr102-2020"):
        assert cmp_range("C", 300, D(2008, 6, 1), schedule, D(2026, 1, 1)) == (0, 25_000)


def test_negative_or_non_whole_counts_are_out_of_range() -> None:
    with pytest.raises(OutOfRange):
        cmp_range("A", -1)
    with pytest.raises(OutOfRange):
        cmp_range("A", 2.5)  # type: ignore[arg-type]
    with pytest.raises(OutOfRange):
        cmp_range("A", 10**9 + 1)


def test_unknown_schedule_lists_the_valid_names() -> None:
    with pytest.raises(InvalidValue, match="current-tiered"):
        cmp_range("A", 1, None, "nonsense")


def test_explanation_cites_every_figure() -> None:
    result = explain_cmp("B", 10, AFTER_2009, "regulation")
    assert "160.404(b)(2)(ii)(A)" in result.explanation
    assert "160.404(b)(2)(ii)(B)" in result.explanation
    assert "statutory minimum (if a CMP is imposed) $10,000, maximum $500,000" in result.explanation
    assert result.minimum == 10_000 and result.maximum == 500_000
