"""Aggregation per (entity, identical requirement, calendar year), hand-worked (decisions 1-4, 7-10)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hipaa_xl.engine import aggregate
from tests.helpers import inc

D = dt.date
AS_OF = D(2026, 11, 25)




def one_group(result: Any, year: int) -> Any:
    groups = [g for g in result.groups if g.year == year]
    assert len(groups) == 1
    return groups[0]


def test_continuing_violation_across_new_year_is_capped_separately_in_each_year() -> None:
    # tier B: 2023-12-30..2024-01-02 is 2 days in each year: 2 x 1,000 min, 2 x 50,000 max each year
    result = aggregate([inc("1", tier="B", start=D(2023, 12, 30), end=D(2024, 1, 2))], "regulation", AS_OF)
    for year in (2023, 2024):
        g = one_group(result, year)
        assert (g.violations, g.minimum, g.maximum, g.ag_damages) == (2, 2_000, 100_000, 200)


def test_long_continuing_violation_hits_the_calendar_year_cap_each_year() -> None:
    # tier D, all of 2024 (366 days) and 10 days of 2025: the cap each year, minimum 10 x 50,000 in 2025
    result = aggregate([inc("1", tier="D", start=D(2024, 1, 1), end=D(2025, 1, 10))], "regulation", AS_OF)
    assert one_group(result, 2024).maximum == 1_500_000
    assert one_group(result, 2024).violations == 366
    assert one_group(result, 2025).minimum == 500_000
    assert one_group(result, 2025).maximum == 1_500_000


def test_incidents_of_the_same_requirement_share_one_cap() -> None:
    # two tier B counts of 20 each in 2024: 40 x 50,000 = 2,000,000 capped at 1,500,000 once
    result = aggregate(
        [
            inc("1", tier="B", start=D(2024, 2, 1), violations=20),
            inc("2", tier="B", start=D(2024, 6, 1), violations=20),
        ],
        "regulation",
        AS_OF,
    )
    g = one_group(result, 2024)
    assert (g.minimum, g.maximum) == (40_000, 1_500_000)


def test_different_requirements_and_entities_are_capped_separately() -> None:
    result = aggregate(
        [
            inc("1", tier="B", start=D(2024, 2, 1), violations=40),
            inc("2", tier="B", start=D(2024, 2, 1), violations=40, requirement="164.530(b)"),
            inc("3", tier="B", start=D(2024, 2, 1), violations=40, entity="Beta Clinic"),
        ],
        "regulation",
        AS_OF,
    )
    assert [g.maximum for g in result.groups] == [1_500_000] * 3
    assert result.grand_total()[1] == 4_500_000


def test_group_keys_ignore_case_and_spacing_and_show_the_first_spelling() -> None:
    result = aggregate(
        [
            inc("1", tier="A", start=D(2024, 2, 1), violations=1, entity="Acme  Health"),
            inc("2", tier="A", start=D(2024, 2, 1), violations=1, entity=" acme health"),
        ],
        "regulation",
        AS_OF,
    )
    assert len(result.groups) == 1 and result.groups[0].entity == "Acme  Health".strip()


def test_near_duplicate_entity_names_are_warned_about() -> None:
    result = aggregate(
        [
            inc("1", tier="A", start=D(2024, 2, 1), violations=1, entity="Acme Health"),
            inc("2", tier="A", start=D(2024, 2, 1), violations=1, entity="Acme Heath"),
        ],
        "regulation",
        AS_OF,
    )
    assert any("look alike" in w for w in result.warnings)


def test_requirements_whose_citations_differ_are_not_near_duplicates() -> None:
    result = aggregate(
        [
            inc("1", tier="A", start=D(2024, 2, 1), violations=1, requirement="164.308(a)(1)(ii)(A)"),
            inc("2", tier="A", start=D(2024, 2, 1), violations=1, requirement="164.308(a)(1)(i)"),
        ],
        "regulation",
        AS_OF,
    )
    assert not result.warnings


def test_mixed_tiers_cap_each_part_by_its_own_cap_and_the_total_by_the_largest() -> None:
    # statute caps: tier A 25,000; tier C 250,000. A: 10 x 50,000 -> 25,000; C: 10 x 50,000 -> 250,000
    result = aggregate(
        [
            inc("1", tier="A", start=D(2024, 2, 1), violations=10),
            inc("2", tier="C", start=D(2024, 3, 1), violations=10),
        ],
        "statute",
        AS_OF,
    )
    g = one_group(result, 2024)
    assert g.maximum == 250_000  # 25,000 + 250,000 = 275,000, held at the largest cap 250,000
    assert g.minimum == 1_000 + 100_000
    assert {p.tier: p.maximum for p in g.parts} == {"A": 25_000, "C": 250_000}


def test_duplicate_of_a_more_general_requirement_is_not_counted_twice() -> None:
    result = aggregate(
        [
            inc("1", tier="B", start=D(2024, 2, 1), violations=5, requirement="164.530(c)"),
            inc("2", tier="B", start=D(2024, 2, 1), violations=5, requirement="164.530(b)", duplicate_of="1"),
        ],
        "regulation",
        AS_OF,
    )
    dup = next(r for r in result.rows if r.incident_id == "2")
    assert dup.status == "duplicate" and "counted under incident 1" in dup.status_reason
    assert (dup.minimum, dup.maximum, dup.ag_damages) == (0, 0, 0)
    assert result.grand_total() == (5_000, 250_000, 500)


def test_duplicate_of_a_missing_incident_is_an_invalid_row() -> None:
    result = aggregate([inc("1", tier="B", start=D(2024, 2, 1), violations=5, duplicate_of="9")], "regulation", AS_OF)
    assert result.invalid and "9" in result.invalid[0].reason and not result.rows


def test_cure_bars_every_day_of_the_incident_in_every_year() -> None:
    result = aggregate(
        [inc("1", tier="B", start=D(2023, 12, 1), end=D(2024, 1, 15), known=D(2024, 1, 1), corrected=D(2024, 1, 15))],
        "regulation",
        AS_OF,
    )
    assert all(r.status == "cured" for r in result.rows) and len(result.rows) == 2
    assert result.grand_total() == (0, 0, 0)


def test_criminal_penalty_imposed_means_no_cmp_and_no_ag_damages() -> None:
    result = aggregate([inc("1", tier="D", start=D(2024, 2, 1), violations=3, criminal_penalty_imposed=True)],
                       "regulation", AS_OF)
    assert result.grand_total() == (0, 0, 0) and "1320d-5(b)(1)" in result.rows[0].status_reason


def test_federal_action_pending_defers_ag_damages_but_not_the_cmp() -> None:
    result = aggregate([inc("1", tier="B", start=D(2024, 2, 1), violations=3, federal_action_pending=True)],
                       "regulation", AS_OF)
    g = result.groups[0]
    assert (g.minimum, g.ag_damages, g.ag_deferred) == (3_000, 0, True)


def test_ag_damages_are_capped_once_per_group_not_per_row() -> None:
    # 200 + 200 violations at $100 = 40,000, held at 25,000 for the group
    result = aggregate(
        [
            inc("1", tier="B", start=D(2024, 2, 1), violations=200),
            inc("2", tier="B", start=D(2024, 3, 1), violations=200),
        ],
        "regulation",
        AS_OF,
    )
    assert sum(r.ag_damages for r in result.rows) == 40_000
    assert result.groups[0].ag_damages == 25_000


def test_pre_2009_violations_have_no_ag_damages_and_tier_a_no_penalty() -> None:
    result = aggregate(
        [
            inc("1", tier="B", start=D(2008, 6, 1), violations=3),
            inc("2", tier="A", start=D(2008, 6, 1), violations=3, requirement="164.530(b)"),
        ],
        "regulation",
        D(2012, 1, 1),
    )
    b, a = result.groups
    assert (b.minimum, b.maximum, b.ag_damages) == (0, 300, 0)
    assert (a.minimum, a.maximum) == (0, 0)


def test_continuing_violation_across_2009_02_18_splits_into_two_regimes() -> None:
    # 2009-02-10..2009-02-25: 8 days pre-2009 (100 each, cap 25,000), 8 days after (tier B 50,000 each)
    result = aggregate([inc("1", tier="B", start=D(2009, 2, 10), end=D(2009, 2, 25))], "regulation", D(2012, 1, 1))
    regimes = [(r.regime, r.violations) for r in result.rows]
    assert regimes == [("pre-2009", 8), ("unadjusted", 8)]
    g = result.groups[0]
    assert g.maximum == 800 + 400_000
    assert g.ag_damages == 800  # only the 8 days after 2009-02-17


def test_time_barred_days_are_left_out_and_shown_apart() -> None:
    # as of 2024-06-30 the days before 2018-06-30 are barred: 2018-06-01..2018-06-29 = 29 days
    result = aggregate([inc("1", tier="B", start=D(2018, 6, 1), end=D(2018, 7, 10))], "regulation", D(2024, 6, 30))
    g = result.groups[0]
    assert (g.violations, g.time_barred_violations) == (11, 29)
    assert g.maximum == 11 * 50_000 and g.time_barred_maximum == 29 * 50_000


def test_open_ended_violation_runs_through_the_corrected_day_then_the_as_of_date() -> None:
    corrected = aggregate([inc("1", tier="B", start=D(2026, 1, 1), corrected=D(2026, 1, 10))], "regulation", AS_OF)
    assert corrected.rows[0].violations == 10
    open_ended = aggregate([inc("1", tier="B", start=D(2026, 11, 1))], "regulation", AS_OF)
    assert open_ended.rows[0].violations == 25
    assert "as-of" in open_ended.rows[0].effective_end_reason


def test_end_after_the_as_of_date_is_cut_there_with_a_warning() -> None:
    result = aggregate([inc("1", tier="B", start=D(2026, 11, 20), end=D(2026, 12, 31))], "regulation", AS_OF)
    assert result.rows[0].violations == 6 and result.rows[0].warnings


def test_count_with_an_end_in_a_later_year_warns_that_one_cap_applies() -> None:
    result = aggregate([inc("1", tier="B", start=D(2024, 12, 1), end=D(2025, 2, 1), violations=7)],
                       "regulation", AS_OF)
    row = result.rows[0]
    assert row.year == 2024 and row.violations == 7
    assert any("split the row by year" in w for w in row.warnings)


def test_invalid_rows_are_reported_and_the_valid_rows_go_on() -> None:
    result = aggregate(
        [
            inc("1", tier="E", start=D(2024, 1, 1), violations=1, row=5),
            inc("2", tier="B", start=D(2024, 2, 1), end=D(2024, 1, 1), row=6),
            inc("3", tier="B", start=D(2024, 2, 1), violations=-2, row=7),
            inc("4", tier="B", start=D(2024, 2, 1), violations=2, row=8),
        ],
        "regulation",
        AS_OF,
    )
    assert [(i.incident_id, i.row) for i in result.invalid] == [("1", 5), ("2", 6), ("3", 7)]
    assert result.grand_total()[0] == 2_000


def test_typed_tier_wins_over_the_derived_one_with_a_warning() -> None:
    result = aggregate([inc("1", tier="A", culpability="reasonable cause", start=D(2024, 2, 1), violations=1)],
                       "regulation", AS_OF)
    assert result.rows[0].tier == "A" and result.rows[0].warnings


def test_tier_derived_from_willful_neglect_and_dates() -> None:
    result = aggregate(
        [inc("1", culpability="willful neglect", known=D(2024, 3, 1), corrected=D(2024, 3, 30),
             start=D(2024, 2, 1), violations=1)],
        "regulation",
        AS_OF,
    )
    assert result.rows[0].tier == "C" and result.groups[0].minimum == 10_000


def test_segments_cut_at_each_31_december_and_at_each_regime_line() -> None:
    from hipaa_xl.engine.aggregate import regime_boundaries
    from hipaa_xl.engine.days import segments

    def _segments(start: dt.date, end: dt.date, schedule: str) -> list[tuple[int, dt.date, dt.date]]:
        return segments(start, end, regime_boundaries(schedule))

    assert _segments(D(2021, 12, 30), D(2024, 1, 2), "regulation") == [
        (2021, D(2021, 12, 30), D(2021, 12, 31)),
        (2022, D(2022, 1, 1), D(2022, 12, 31)),
        (2023, D(2023, 1, 1), D(2023, 12, 31)),
        (2024, D(2024, 1, 1), D(2024, 1, 2)),
    ]
    assert _segments(D(2015, 10, 1), D(2016, 1, 5), "current") == [
        (2015, D(2015, 10, 1), D(2015, 11, 2)),
        (2015, D(2015, 11, 3), D(2015, 12, 31)),
        (2016, D(2016, 1, 1), D(2016, 1, 5)),
    ]
    assert _segments(D(2015, 10, 1), D(2016, 1, 5), "regulation") == [
        (2015, D(2015, 10, 1), D(2015, 12, 31)),
        (2016, D(2016, 1, 1), D(2016, 1, 5)),
    ]
