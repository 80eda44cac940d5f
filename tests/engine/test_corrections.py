"""Legal corrections, hand-worked on both sides of each line (arithmetic in comments).

Duplicate-of cycles and duplicates of invalid rows (160.404(b)(3)); AG damages on time-barred days
with a federal action pending ((d)(7) defers, (d)(8) bars); the Secretary's extension of the cure
period (1320d-5(b)(2)(B)(i)); affiliated covered entities (160.402(b)(2)); the limitation measured to
the commencement of the action (160.414, 160.420); the criminal bar before 2011-02-18 (160.410(a)).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hipaa_xl.engine import aggregate
from hipaa_xl.engine.tiers import derive_tier, is_cured
from hipaa_xl.errors import InvalidValue
from tests.helpers import inc

D = dt.date
AS_OF = D(2026, 11, 25)




def groups_of(result: Any, year: int) -> list[Any]:
    return [g for g in result.groups if g.year == year]


def invalid_reasons(result: Any) -> dict[str, str]:
    return {i.incident_id: i.reason for i in result.invalid}


# ---------------------------------------------------------------- 1. Duplicate-of cycles


def test_two_incident_duplicate_cycle_makes_both_rows_invalid_naming_the_cycle() -> None:
    # A-1 "Duplicate of" A-2 and A-2 "Duplicate of" A-1: without the check both drop to $0
    result = aggregate(
        [
            inc("A-1", tier="D", start=D(2024, 1, 1), violations=100, duplicate_of="A-2"),
            inc("A-2", tier="D", start=D(2024, 1, 1), violations=100, duplicate_of="A-1"),
        ],
        "regulation",
        AS_OF,
    )
    reasons = invalid_reasons(result)
    assert set(reasons) == {"A-1", "A-2"}
    assert "A-1 -> A-2 -> A-1" in reasons["A-1"] and "cycle" in reasons["A-1"]
    assert "A-2 -> A-1 -> A-2" in reasons["A-2"]
    assert result.rows == () and result.groups == ()


def test_a_duplicate_link_without_a_cycle_counts_the_target() -> None:
    # the other side of the line: only A-1 points at A-2; A-2 is counted:
    # tier D, 100 violations: min(100 x 50,000, 1,500,000) = 1,500,000 for both minimum and maximum
    result = aggregate(
        [
            inc("A-1", tier="D", start=D(2024, 1, 1), violations=100, duplicate_of="A-2"),
            inc("A-2", tier="D", start=D(2024, 1, 1), violations=100),
        ],
        "regulation",
        AS_OF,
    )
    assert result.invalid == ()
    [g] = groups_of(result, 2024)
    assert (g.minimum, g.maximum) == (1_500_000, 1_500_000)
    statuses = {r.incident_id: r.status for r in result.rows}
    assert statuses == {"A-1": "duplicate", "A-2": "counted"}


def test_three_incident_duplicate_cycle_and_a_row_leading_into_it_are_invalid() -> None:
    # B-1 -> B-2 -> B-3 -> B-1 is a cycle; B-4 -> B-1 leads into it: no incident would be counted
    result = aggregate(
        [
            inc("B-1", tier="B", start=D(2024, 3, 1), violations=5, duplicate_of="B-2"),
            inc("B-2", tier="B", start=D(2024, 3, 1), violations=5, duplicate_of="B-3"),
            inc("B-3", tier="B", start=D(2024, 3, 1), violations=5, duplicate_of="B-1"),
            inc("B-4", tier="B", start=D(2024, 3, 1), violations=5, duplicate_of="B-1"),
        ],
        "regulation",
        AS_OF,
    )
    reasons = invalid_reasons(result)
    assert set(reasons) == {"B-1", "B-2", "B-3", "B-4"}
    assert "B-1 -> B-2 -> B-3 -> B-1" in reasons["B-1"]
    assert "B-3 -> B-1 -> B-2 -> B-3" in reasons["B-3"]
    assert "leads into a cycle" in reasons["B-4"]


def test_a_chain_of_duplicates_ending_in_a_counted_incident_is_valid() -> None:
    # C-1 -> C-2 -> C-3 (counted): no cycle; 5 tier B violations: 5 x 1,000 = 5,000 minimum
    result = aggregate(
        [
            inc("C-1", tier="B", start=D(2024, 3, 1), violations=5, duplicate_of="C-2"),
            inc("C-2", tier="B", start=D(2024, 3, 1), violations=5, duplicate_of="C-3"),
            inc("C-3", tier="B", start=D(2024, 3, 1), violations=5),
        ],
        "regulation",
        AS_OF,
    )
    assert result.invalid == ()
    [g] = groups_of(result, 2024)
    assert g.minimum == 5_000


def test_a_duplicate_of_an_invalid_row_is_invalid_too() -> None:
    # D-2 has no Start: invalid; D-1 marked its duplicate must not silently add $0
    result = aggregate(
        [
            inc("D-1", tier="B", start=D(2024, 3, 1), violations=5, duplicate_of="D-2"),
            inc("D-2", tier="B", violations=5),
        ],
        "regulation",
        AS_OF,
    )
    reasons = invalid_reasons(result)
    assert set(reasons) == {"D-1", "D-2"}
    assert "D-2" in reasons["D-1"] and "invalid" in reasons["D-1"]
    assert "Start date is required" in reasons["D-1"]


def test_a_duplicate_of_a_valid_row_stays_valid() -> None:
    # the other side: D-2 has its Start; D-1 is listed as its duplicate and adds nothing
    result = aggregate(
        [
            inc("D-1", tier="B", start=D(2024, 3, 1), violations=5, duplicate_of="D-2"),
            inc("D-2", tier="B", start=D(2024, 3, 1), violations=5),
        ],
        "regulation",
        AS_OF,
    )
    assert result.invalid == ()
    [g] = groups_of(result, 2024)
    assert g.violations == 5  # D-2's 5 only


def test_a_duplicate_whose_days_the_target_does_not_cover_is_warned_about_without_changing_figures() -> None:
    # E-1 runs 2024-01-01..2024-01-10, its target E-2 2024-01-05..2024-01-31: 1-4 January uncovered.
    # Figures: only E-2 counts: 27 days x 1,000 = 27,000 minimum (tier B)
    result = aggregate(
        [
            inc("E-1", tier="B", start=D(2024, 1, 1), end=D(2024, 1, 10), duplicate_of="E-2"),
            inc("E-2", tier="B", start=D(2024, 1, 5), end=D(2024, 1, 31)),
        ],
        "regulation",
        AS_OF,
    )
    [g] = groups_of(result, 2024)
    assert (g.violations, g.minimum) == (27, 27_000)
    e1 = [r for r in result.rows if r.incident_id == "E-1"]
    assert any("2024-01-01..2024-01-04" in w and "not covered" in w for r in e1 for w in r.warnings)


def test_a_duplicate_inside_its_targets_days_gets_no_coverage_warning() -> None:
    result = aggregate(
        [
            inc("E-1", tier="B", start=D(2024, 1, 5), end=D(2024, 1, 10), duplicate_of="E-2"),
            inc("E-2", tier="B", start=D(2024, 1, 5), end=D(2024, 1, 31)),
        ],
        "regulation",
        AS_OF,
    )
    assert not any("not covered" in w for r in result.rows for w in r.warnings)


# ---------------------------------------------------------------- 2. AG damages on barred days


def test_all_days_barred_with_federal_action_pending_read_time_barred_not_deferred() -> None:
    # 2017: every day's sixth anniversary (at the latest 2023-12-31) is before the as-of 2024-06-30
    result = aggregate(
        [inc("F-1", tier="B", start=D(2017, 1, 1), end=D(2017, 12, 31), federal_action_pending=True)],
        "regulation",
        D(2024, 6, 30),
    )
    [row] = result.rows
    assert row.violations == 0 and row.time_barred_violations == 365
    assert row.ag_status == "time-barred"
    assert "deferred" not in row.ag_explanation
    [g] = result.groups
    assert g.ag_deferred is False and g.ag_damages == 0


def test_days_in_time_with_federal_action_pending_are_deferred_and_barred_days_stay_barred() -> None:
    # 2018 with as-of 2024-06-30: the first day in time is 2018-06-30 (its sixth anniversary is the
    # as-of date); 2018-01-01..2018-06-29 = 180 days barred; 2018-06-30..2018-12-31 = 185 days in time
    result = aggregate(
        [inc("F-2", tier="B", start=D(2018, 1, 1), end=D(2018, 12, 31), federal_action_pending=True)],
        "regulation",
        D(2024, 6, 30),
    )
    [row] = result.rows
    assert (row.violations, row.time_barred_violations) == (185, 180)
    assert row.ag_status == "deferred"
    assert "185 day(s) deferred" in row.ag_explanation and "180 time-barred for good" in row.ag_explanation
    assert result.groups[0].ag_deferred is True


def test_days_in_time_without_a_pending_action_are_eligible_for_ag_damages() -> None:
    # the same facts, no federal action: 185 x $100 = $18,500 (under the $25,000 cap)
    result = aggregate(
        [inc("F-3", tier="B", start=D(2018, 1, 1), end=D(2018, 12, 31))], "regulation", D(2024, 6, 30)
    )
    assert result.rows[0].ag_status == "eligible"
    assert result.groups[0].ag_damages == 18_500


def test_a_row_with_no_violations_is_not_labelled_time_barred() -> None:
    # Violations 0 dated 2024: nothing is barred, nothing is in time
    result = aggregate([inc("F-4", tier="B", start=D(2024, 3, 1), violations=0)], "regulation", AS_OF)
    assert result.rows[0].ag_status == "no violations"
    # the other side: a count dated 2017 with as-of 2024-06-30 is barred
    barred = aggregate([inc("F-5", tier="B", start=D(2017, 3, 1), violations=3)], "regulation", D(2024, 6, 30))
    assert barred.rows[0].ag_status == "time-barred"


# ---------------------------------------------------------------- 3. The extended cure period

KNOWN = D(2024, 3, 1)  # day 1
DAY_44, DAY_45, DAY_46 = D(2024, 4, 13), D(2024, 4, 14), D(2024, 4, 15)  # 1 March + 43, 44, 45 days
DAY_30 = D(2024, 3, 30)


def test_extended_cure_period_day_44_cures_tier_b_and_day_46_does_not() -> None:
    assert (DAY_45 - KNOWN).days + 1 == 45
    assert is_cured("B", KNOWN, DAY_44, DAY_45) is True
    assert is_cured("B", KNOWN, DAY_46, DAY_45) is False
    # without the extension day 44 is past the 30-day period (last day 30 March)
    assert is_cured("B", KNOWN, DAY_44) is False


def test_extended_cure_period_draws_the_line_between_tiers_c_and_d() -> None:
    c = derive_tier("willful neglect", KNOWN, DAY_44, DAY_45)
    assert c.tier == "C"
    assert "extended by the Secretary to 2024-04-14" in c.reason and "1320d-5(b)(2)(B)(i)" in c.reason
    assert "160.410" in c.reason
    assert derive_tier("willful neglect", KNOWN, DAY_46, DAY_45).tier == "D"
    assert derive_tier("willful neglect", KNOWN, DAY_44).tier == "D"


def test_an_extension_cannot_shorten_the_thirty_day_period() -> None:
    # "ends" on day 20, correction on day 30: the 30-day period still applies (with a warning)
    finding = derive_tier("willful neglect", KNOWN, DAY_30, D(2024, 3, 20))
    assert finding.tier == "C"
    assert any("cannot shorten" in w for w in finding.warnings)


def test_extended_cure_bars_the_cmp_but_not_ag_damages() -> None:
    # tier B, 2024-03-01..2024-04-13 (44 days), corrected day 44, period extended to day 45:
    # no CMP (1320d-5(b)(2)(B)(i) is for the Secretary's penalty); AG damages 44 x $100 = $4,400
    result = aggregate(
        [inc("G-1", tier="B", start=KNOWN, end=DAY_44, known=KNOWN, corrected=DAY_44, cure_period_ends=DAY_45)],
        "regulation",
        AS_OF,
    )
    [row] = result.rows
    assert row.status == "cured" and "extended by the Secretary" in row.status_reason
    assert (row.minimum, row.maximum) == (0, 0)
    assert row.ag_status == "eligible" and row.ag_damages == 4_400


def test_correction_on_day_46_of_a_period_extended_to_day_45_is_priced() -> None:
    # 2024-03-01..2024-04-15 = 46 days, tier B: minimum 46 x 1,000 = 46,000;
    # maximum min(46 x 50,000 = 2,300,000, 1,500,000) = 1,500,000
    result = aggregate(
        [inc("G-2", tier="B", start=KNOWN, end=DAY_46, known=KNOWN, corrected=DAY_46, cure_period_ends=DAY_45)],
        "regulation",
        AS_OF,
    )
    [g] = result.groups
    assert result.rows[0].status == "counted"
    assert (g.minimum, g.maximum) == (46_000, 1_500_000)


def test_willful_neglect_with_extension_is_tier_c_in_the_aggregation() -> None:
    # corrected day 44 within the extension: tier C, 44 days x 10,000 = 440,000 minimum
    result = aggregate(
        [inc("G-3", culpability="willful neglect", start=KNOWN, end=DAY_44, known=KNOWN, corrected=DAY_44,
             cure_period_ends=DAY_45)],
        "regulation",
        AS_OF,
    )
    assert result.rows[0].tier == "C"
    assert result.groups[0].minimum == 440_000


# ---------------------------------------------------------------- 4. Affiliated covered entities

ACE = "Acme Affiliated Covered Entity"


def test_affiliated_covered_entity_members_are_grouped_and_capped_once() -> None:
    # one act of the ACE entered for two members, 20 tier D violations each in 2024:
    # 40 x 50,000 = 2,000,000, capped once at 1,500,000 under the ACE (160.402(b)(2))
    result = aggregate(
        [
            inc("H-1", entity="Acme Hospital", tier="D", start=D(2024, 5, 1), violations=20,
                affiliated_covered_entity=ACE),
            inc("H-2", entity="Acme Clinic", tier="D", start=D(2024, 5, 1), violations=20,
                affiliated_covered_entity=ACE),
        ],
        "regulation",
        AS_OF,
    )
    [g] = result.groups
    assert g.entity == ACE
    assert g.members == ("Acme Hospital", "Acme Clinic")
    assert (g.minimum, g.maximum) == (1_500_000, 1_500_000)
    assert "jointly and severally liable for one amount" in g.liable and "160.402(b)(2)" in g.liable
    assert result.entity_totals() == {ACE: (1_500_000, 1_500_000, 4_000)}  # AG: 40 x 100 = 4,000


def test_several_covered_entities_without_an_affiliation_are_each_penalised() -> None:
    # the other side (160.402(b)(1)): each member its own group and caps: minimum 20 x 50,000 =
    # 1,000,000 each; tier D has no per-violation maximum, so each maximum is the 1,500,000 cap
    result = aggregate(
        [
            inc("H-1", entity="Acme Hospital", tier="D", start=D(2024, 5, 1), violations=20),
            inc("H-2", entity="Acme Clinic", tier="D", start=D(2024, 5, 1), violations=20),
        ],
        "regulation",
        AS_OF,
    )
    assert sorted((g.minimum, g.maximum) for g in result.groups) == [(1_000_000, 1_500_000)] * 2
    assert all(g.members == () for g in result.groups)
    assert result.grand_total()[:2] == (2_000_000, 3_000_000)


def test_affiliated_covered_entity_outside_part_164_is_warned_about() -> None:
    result = aggregate(
        [inc("H-3", entity="Acme Hospital", requirement="162.1002", tier="B", start=D(2024, 5, 1), violations=1,
             affiliated_covered_entity=ACE)],
        "regulation",
        AS_OF,
    )
    assert any("part 164" in w for w in result.rows[0].warnings)


# ---------------------------------------------------------------- 5. Commencement vs assessment


def test_commencement_date_saves_days_the_as_of_date_would_bar() -> None:
    # 10 tier B violations dated 2018-05-01; sixth anniversary 2024-05-01.
    # As-of 2024-06-30 alone: barred. Action commenced 2024-05-01 (the anniversary): in time,
    # minimum 10 x 1,000 = 10,000, maximum 10 x 50,000 = 500,000, AG 10 x 100 = 1,000
    facts = [inc("J-1", tier="B", start=D(2018, 5, 1), violations=10)]
    barred = aggregate(facts, "regulation", D(2024, 6, 30))
    assert (barred.groups[0].violations, barred.groups[0].time_barred_violations) == (0, 10)
    saved = aggregate(facts, "regulation", D(2024, 6, 30), commenced=D(2024, 5, 1))
    g = saved.groups[0]
    assert (g.violations, g.minimum, g.maximum, g.ag_damages) == (10, 10_000, 500_000, 1_000)
    assert "160.414" in saved.rows[0].limitation_citation and "160.420" in saved.rows[0].limitation_citation
    # one day later the action is out of time: barred again
    late = aggregate(facts, "regulation", D(2024, 6, 30), commenced=D(2024, 5, 2))
    assert late.groups[0].time_barred_violations == 10


def test_commencement_does_not_change_which_table_applies() -> None:
    # current schedule, violation 2024-01-10 (tier B, 1 violation): assessed 2026-02-01 the 2025 table
    # ($1,461) applies even when the action commenced 2025-12-01 (the 2024 table's time)
    result = aggregate(
        [inc("J-2", tier="B", start=D(2024, 1, 10), violations=1)], "current", D(2026, 2, 1),
        commenced=D(2025, 12, 1),
    )
    assert result.groups[0].minimum == 1_461


def test_commencement_after_the_as_of_date_is_an_error() -> None:
    with pytest.raises(InvalidValue, match="after the as-of"):
        aggregate([inc("J-3", tier="B", start=D(2024, 1, 10), violations=1)], "regulation", D(2024, 6, 30),
                  commenced=D(2024, 7, 1))


# ---------------------------------------------------------------- 6. The criminal bar before 2011-02-18


def test_an_offense_punishable_bars_a_cmp_assessed_before_2011_02_18() -> None:
    # 10 tier B violations dated 2010-06-01, offense punishable under 1320d-6, no penalty imposed
    facts = [inc("K-1", tier="B", start=D(2010, 6, 1), violations=10, criminal_offense_punishable=True)]
    before = aggregate(facts, "regulation", D(2011, 2, 17))
    row = before.rows[0]
    assert row.status == "criminal" and "160.410(a)(1)" in row.status_reason
    assert (before.groups[0].maximum, before.groups[0].ag_damages) == (0, 0)
    # assessed on 2011-02-18: only an imposed penalty bars a CMP; priced: 10 x 1,000 / 10 x 50,000
    after = aggregate(facts, "regulation", D(2011, 2, 18))
    assert after.rows[0].status == "counted"
    assert (after.groups[0].minimum, after.groups[0].maximum) == (10_000, 500_000)
    assert any("only an imposed penalty bars" in w for w in after.rows[0].warnings)


def test_a_criminal_penalty_imposed_bars_the_cmp_on_either_side_of_2011_and_says_so() -> None:
    for as_of in (D(2011, 2, 17), D(2011, 2, 18)):
        result = aggregate(
            [inc("K-2", tier="B", start=D(2010, 6, 1), violations=10, criminal_penalty_imposed=True)],
            "regulation", as_of,
        )
        assert result.rows[0].status == "criminal"
        assert "criminal penalty imposed, 45 CFR 160.410(a)(2)" in result.rows[0].status_reason


# ---------------------------------------------------------------- 7. More general form (160.404(b)(3))


def test_an_incident_under_a_requirement_and_one_under_its_general_form_are_warned_about() -> None:
    forms = {"164.312(a)(1)": "164.306(a)(1)"}
    facts = [
        inc("L-1", requirement="164.312(a)(1)", tier="B", start=D(2024, 5, 1), violations=3),
        inc("L-2", requirement="164.306(a)(1)", tier="B", start=D(2024, 6, 1), violations=3),
    ]
    result = aggregate(facts, "regulation", AS_OF, general_forms=forms)
    [warning] = [w for w in result.warnings if "more general form" in w]
    assert "L-1" in warning and "L-2" in warning and "mark L-2 'Duplicate of' L-1" in warning
    # figures unchanged: two requirements, two groups of 3 x 1,000 each
    assert sorted(g.minimum for g in result.groups) == [3_000, 3_000]


def test_general_form_pairs_in_different_years_are_not_warned_about() -> None:
    forms = {"164.312(a)(1)": "164.306(a)(1)"}
    facts = [
        inc("L-1", requirement="164.312(a)(1)", tier="B", start=D(2024, 5, 1), violations=3),
        inc("L-2", requirement="164.306(a)(1)", tier="B", start=D(2025, 6, 1), violations=3),
    ]
    result = aggregate(facts, "regulation", AS_OF, general_forms=forms)
    assert not any("more general form" in w for w in result.warnings)


# ---------------------------------------------------------------- 10. The cap a mixed group cites


def test_a_mixed_group_cites_the_cap_that_bounds_it() -> None:
    # tier B all of 2009: 1 Jan-17 Feb = 48 pre-2009 days, max min(48 x 100, 25,000) = 4,800;
    # 18 Feb-31 Dec = 317 days, max min(317 x 50,000, 1,500,000) = 1,500,000;
    # total min(1,504,800, 1,500,000) = 1,500,000: the 160.404(b)(2)(ii)(B) cap, not (b)(1)(ii)'s
    result = aggregate([inc("M-1", tier="B", start=D(2009, 1, 1), end=D(2009, 12, 31))], "regulation", D(2014, 6, 1))
    [g] = result.groups
    assert g.maximum == 1_500_000
    assert g.parts[0].regime == "pre-2009"  # the first part is the pre-2009 one
    assert "160.404(b)(2)(ii)(B)" in g.explanation
    assert "160.404(b)(1)(ii)" not in g.explanation


# ---------------------------------------------------------------- 11. Fixed tables before their date


def test_a_fixed_table_used_before_its_effective_date_warns() -> None:
    facts = [inc("N-1", tier="B", start=D(2024, 1, 10), violations=1)]
    early = aggregate(facts, "cfr102-2025", D(2025, 6, 1))  # the 2025 table took effect 2026-01-28
    assert any("cfr102-2025" in w and "2026-01-28" in w for w in early.warnings)
    in_force = aggregate(facts, "cfr102-2025", D(2026, 1, 28))
    assert not any("after the assessment date" in w for w in in_force.warnings)
