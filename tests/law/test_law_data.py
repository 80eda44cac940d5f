"""The law data files: every amount cited and dated, and the 102.3 chain recomputed."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest

from hipaa_xl.law.loader import load_fixed, load_rules, load_series
from hipaa_xl.law.models import TIERS
from hipaa_xl.law.schedules import schedule_names, schedules, tiered_cap_estimates


def _round(x: Decimal) -> int:
    return int(x.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_each_cfr102_table_is_the_previous_table_times_its_multiplier() -> None:
    previous = load_fixed("regulation").tiers
    for table in load_series().tables:
        for tier in TIERS:
            for field in ("minimum", "maximum", "cap"):
                before = getattr(previous[tier], field).value
                now = getattr(table.tiers[tier], field).value
                if before is None:
                    assert now is None, (table.label, tier, field)
                    continue
                assert now == _round(Decimal(before) * table.multiplier), (table.label, tier, field)
        previous = table.tiers


def test_regulation_amounts_are_those_printed_in_160_404_b_2() -> None:
    reg = load_fixed("regulation").tiers
    assert [(reg[t].minimum.value, reg[t].maximum.value, reg[t].cap.value) for t in TIERS] == [
        (100, 50_000, 1_500_000),
        (1_000, 50_000, 1_500_000),
        (10_000, 50_000, 1_500_000),
        (50_000, None, 1_500_000),
    ]


def test_statute_caps_are_tiered_as_in_1320d_5_a_3() -> None:
    caps = [load_fixed("statute").tiers[t].cap.value for t in TIERS]
    assert caps == [25_000, 100_000, 250_000, 1_500_000]


def test_pre2009_regime_is_100_per_violation_and_25000_a_year_with_no_penalty_for_tier_a() -> None:
    pre = load_fixed("pre2009").tiers
    assert pre["A"].maximum.value == 0
    assert all(pre[t].maximum.value == 100 and pre[t].minimum.value == 0 for t in "BCD")
    assert all(pre[t].cap.value == 25_000 for t in TIERS)


@pytest.mark.parametrize("name", ["regulation", "statute", "pre2009"])
def test_every_fixed_amount_has_a_citation(name: str) -> None:
    for tier in load_fixed(name).tiers.values():
        for amount in (tier.minimum, tier.maximum, tier.cap):
            assert "CFR" in amount.citation or "U.S.C." in amount.citation


def test_every_cfr102_table_is_dated_cited_and_graded() -> None:
    series = load_series()
    assert [t.label for t in series.tables] == [str(y) for y in range(2016, 2026)]
    for table in series.tables:
        assert " FR " in table.federal_register
        assert table.source_quality
        assert all("102.3" in table.tiers[t].cap.citation for t in TIERS)


def test_tiered_cap_estimates_round_every_year() -> None:
    # 250,000 through every multiplier, rounded each year, by hand-rolled arithmetic
    value = 250_000
    for table in load_series().tables:
        value = _round(Decimal(value) * table.multiplier)
    assert tiered_cap_estimates()["2025"]["C"] == value == 365_050


def test_schedule_names_are_the_public_contract() -> None:
    names = schedule_names()
    assert names[:4] == ("regulation", "statute", "current", "current-tiered")
    assert names[4:] == tuple(f"cfr102-{y}" for y in range(2016, 2026))


def test_rules_carry_their_citations() -> None:
    rules = load_rules()
    assert rules.cure_period_days.value == 30 and "1320d-5(b)(2)(A)" in rules.cure_period_days.citation
    assert rules.limitation_years.value == 6 and "1320a-7a(c)(1)" in rules.limitation_years.citation
    assert rules.ag_damages.per_violation.value == 100 and rules.ag_damages.cap.value == 25_000


def test_descriptive_fields_of_the_law_data_agree_with_the_rules_the_engine_applies() -> None:
    # fields no code branches on (applies, kind, base, rounding) must still say what the engine does
    hitech = load_rules().hitech_violations_from.value
    for name in ("regulation", "statute"):
        fixed = load_fixed(name)
        assert fixed.kind == "fixed"
        assert fixed.applies.violations_from == hitech and fixed.applies.violations_to is None
    pre = load_fixed("pre2009")
    assert pre.kind == "regime"
    assert pre.applies.violations_from is None and pre.applies.violations_to == hitech - dt.timedelta(days=1)
    series = load_series()
    assert series.kind == "dated-series"
    # the chain starts from the regulation's amounts and rounds half up, as the chain test recomputes
    assert series.base == "regulation"
    assert series.rounding == "nearest dollar, half up" and _round(Decimal("0.5")) == 1
    assert series.tiered_caps_estimate.base == "statute"
    assert all(s.regime_boundaries[0] == hitech for s in schedules().values())
    assert schedules()["current"].regime_boundaries[1] == series.applicability.violations_after + dt.timedelta(days=1)
