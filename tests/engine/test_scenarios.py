"""Scenarios: changes applied to incidents before the one aggregation, hand-worked.

Amounts under ``regulation`` (45 CFR 160.404(b)(2)): tier B $1,000-$50,000 a violation, tier D at
least $50,000 with no per-violation maximum (its ceiling is the cap), every tier capped at $1,500,000
per (entity, identical requirement, calendar year). AG damages $100 a violation, $25,000 a group.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from hipaa_xl.cli.scenarios import as_json
from hipaa_xl.engine import Incident, aggregate
from hipaa_xl.engine.incidents import Aggregation, InvalidIncident
from hipaa_xl.engine.scenario_records import BASE_NAME, ChangeInput, Figures, ScenarioInput, ScenarioSet
from hipaa_xl.engine.scenarios import apply_changes, run_scenarios
from hipaa_xl.workbook.scenario_tables import change_row, scenario_row
from tests.helpers import inc

D = dt.date
AS_OF = D(2026, 11, 25)




def run(incidents: list[Incident], scenarios: list[ScenarioInput], changes: list[ChangeInput],
        schedule: str = "regulation", **kw: Any) -> ScenarioSet:
    return run_scenarios(incidents, scenarios, changes, schedule, AS_OF, **kw)


def named(result: ScenarioSet, name: str) -> Any:
    return next(r for r in result.all if r.name == name)


def by_year(result: Any) -> dict[int, Figures]:
    out: dict[int, Figures] = {}
    for g in result.aggregation.groups:
        out[g.year] = out.get(g.year, Figures()) + Figures.of(g)
    return out


def groups(agg: Aggregation) -> dict[tuple[str, str, int], tuple[Any, ...]]:
    return {
        (g.entity_key, g.requirement_key, g.year): (
            g.violations, g.time_barred_violations, g.minimum, g.maximum, g.time_barred_maximum,
            g.ag_damages, g.ag_deferred, g.largest_cap,
        )
        for g in agg.groups
    }


# ---------------------------------------------------------------- hand-worked positions


def test_tier_b_to_d_moves_the_minimum_in_a_capped_year_and_both_figures_in_an_uncapped_one() -> None:
    # 2024-12-22..2025-12-31: 10 days in 2024 (uncapped), 365 days in 2025 (capped)
    # base tier B: 2024 min 10 x 1,000 = 10,000, max 10 x 50,000 = 500,000
    #              2025 min 365 x 1,000 = 365,000, max min(365 x 50,000, 1.5M) = 1,500,000
    # OCR tier D:  2024 min 10 x 50,000 = 500,000, max = the cap 1,500,000
    #              2025 min min(365 x 50,000, 1.5M) = 1,500,000, max 1,500,000 (the cap does not move)
    result = run(
        [inc("X", tier="B", start=D(2024, 12, 22), end=D(2025, 12, 31))],
        [scenario_row("OCR")],
        [change_row("OCR", "X", "Tier", "D", "OCR will say willful neglect", row=5)],
    )
    base, ocr = by_year(result.base), by_year(named(result, "OCR"))
    assert (base[2024].minimum, base[2024].maximum) == (10_000, 500_000)
    assert (base[2025].minimum, base[2025].maximum) == (365_000, 1_500_000)
    assert (ocr[2024].minimum, ocr[2024].maximum) == (500_000, 1_500_000)
    assert (ocr[2025].minimum, ocr[2025].maximum) == (1_500_000, 1_500_000)
    # AG damages do not depend on the tier: 2024 10 x 100 = 1,000; 2025 min(36,500, 25,000) = 25,000
    assert named(result, "OCR").total.ag_damages == result.base.total.ag_damages == 26_000
    # difference: minimum +490,000 +1,135,000 = +1,625,000; maximum +1,000,000 (2024 only)
    diff = named(result, "OCR").difference
    assert (diff.minimum, diff.maximum, diff.ag_damages) == (1_625_000, 1_000_000, 0)
    movers = named(result, "OCR").movers
    assert [(m.year, m.difference.maximum) for m in movers] == [(2024, 1_000_000), (2025, 0)]


def test_a_longer_continuing_violation_crossing_31_december_takes_a_second_cap() -> None:
    # base: 2024-11-01..2024-12-10, 40 days, tier B: min 40,000, max min(2,000,000, 1.5M) = 1,500,000,
    #       AG 40 x 100 = 4,000
    # OCR: Start 2023-11-07 -> 400 days: 2023 = 24 (Nov 7-30) + 31 = 55; 2024 = 366 - 21 = 345
    #       min 55,000 + 345,000 = 400,000; max 1.5M + 1.5M = 3,000,000 (two calendar years, two caps)
    #       AG min(5,500, 25,000) + min(34,500, 25,000) = 30,500
    result = run(
        [inc("B1", tier="B", start=D(2024, 11, 1), end=D(2024, 12, 10))],
        [scenario_row("OCR")],
        [change_row("OCR", "B1", "Start", D(2023, 11, 7), "dated from the missing risk analysis")],
    )
    assert result.base.total == Figures(40_000, 1_500_000, 4_000, 0)
    ocr = named(result, "OCR")
    assert {y: g.violations for y, g in ((g.year, g) for g in ocr.aggregation.groups)} == {2023: 55, 2024: 345}
    assert ocr.total == Figures(400_000, 3_000_000, 30_500, 0)
    assert ocr.difference == Figures(360_000, 1_500_000, 26_500, 0)


def test_a_cure_met_in_one_scenario_and_missed_in_another() -> None:
    # tier B, 5 violations dated 2024-03-01, known 2024-03-01; base: no correction date, so counted:
    #   min 5 x 1,000 = 5,000, max 5 x 50,000 = 250,000, AG 500
    # Ours: corrected 2024-03-30 = known + 29, the 30th day of the period: cured, nothing
    # OCR:  corrected 2024-03-31 = known + 30, outside the period: counted as in the base
    result = run(
        [inc("C1", tier="B", start=D(2024, 3, 1), violations=5, known=D(2024, 3, 1))],
        [scenario_row("Ours"), scenario_row("OCR")],
        [
            change_row("Ours", "C1", "Corrected", "2024-03-30", "patched on the 30th day"),
            change_row("OCR", "C1", "Corrected", D(2024, 3, 31), "OCR counts the day after"),
        ],
    )
    assert result.base.total == Figures(5_000, 250_000, 500, 0)
    assert named(result, "Ours").total == Figures(0, 0, 0, 0)
    assert named(result, "Ours").aggregation.rows[0].status == "cured"
    assert named(result, "OCR").total == Figures(5_000, 250_000, 500, 0)
    assert named(result, "OCR").difference == Figures(0, 0, 0, 0)
    assert named(result, "OCR").movers == ()


def test_excluding_the_counted_incident_of_a_duplicate_pair_counts_the_duplicate_on_its_own() -> None:
    # base: R1 (164.308(a)(1)(ii)(A)) tier D, 10 violations in 2024: min 500,000, max 1,500,000, AG 1,000;
    #       R2 (164.308(a)(1)(i)) the same failure stated generally, "Duplicate of" R1: adds nothing
    # Ours: R1 is not a violation -> R2 is counted on its own (160.404(b)(3) allows one penalty, not
    #       none): the same figures move from the (ii)(A) group to the (i) group
    incidents = [
        inc("R1", tier="D", start=D(2024, 5, 1), violations=10),
        inc("R2", tier="D", start=D(2024, 5, 1), violations=10, requirement="164.308(a)(1)(i)", duplicate_of="R1"),
    ]
    result = run(incidents, [scenario_row("Ours"), scenario_row("Neither")], [
        change_row("Ours", "R1", "Excluded", "Yes", "no risk analysis was required"),
        change_row("Neither", "R1", "Excluded", None, ""),
        change_row("Neither", "R2", "Excluded", True, ""),
    ])
    ours = named(result, "Ours")
    assert result.base.total == ours.total == Figures(500_000, 1_500_000, 1_000, 0)
    by_req = {g.requirement: g.maximum for g in ours.aggregation.groups}
    assert by_req == {"164.308(a)(1)(i)": 1_500_000}
    # both groups move by 1,500,000; equal moves are listed by entity, requirement and year
    assert [(m.requirement, m.difference.maximum) for m in ours.movers] == [
        ("164.308(a)(1)(i)", 1_500_000), ("164.308(a)(1)(ii)(A)", -1_500_000)]
    assert "R2 is counted on its own" in ours.notes[0]
    assert named(result, "Neither").total == Figures(0, 0, 0, 0)


def test_a_scenario_schedule_overrides_the_base_schedule() -> None:
    # tier B, 10 violations on 2024-06-01, as of 2026-11-25
    # base (regulation): min 10 x 1,000 = 10,000, max 10 x 50,000 = 500,000
    # OCR (current: the 102.3 table effective 2026-01-28, B $1,461-$73,011): 14,610 and 730,110
    result = run(
        [inc("S1", tier="B", start=D(2024, 6, 1), violations=10)],
        [scenario_row("OCR", schedule="current")],
        [],
    )
    assert (result.base.total.minimum, result.base.total.maximum) == (10_000, 500_000)
    ocr = named(result, "OCR")
    assert ocr.schedule == "current"
    assert (ocr.total.minimum, ocr.total.maximum) == (14_610, 730_110)
    assert ocr.difference.maximum == 230_110


def test_probabilities_that_add_up_to_100_percent_give_weighted_figures() -> None:
    # base tier B, 10 violations: 10,000 / 500,000; Ours: excluded 0 / 0; OCR: tier D 500,000 / 1,500,000
    # weights 30% / 50% / 20% (Ours, Base copy, OCR):
    #   minimum 0.3 x 0 + 0.5 x 10,000 + 0.2 x 500,000 = 105,000
    #   maximum 0.3 x 0 + 0.5 x 500,000 + 0.2 x 1,500,000 = 550,000
    incidents = [inc("P1", tier="B", start=D(2024, 6, 1), violations=10)]
    scenarios = [scenario_row("Ours", probability=0.3), scenario_row("As entered", probability="50%"),
                 scenario_row("OCR", probability=0.2)]
    changes = [change_row("Ours", "P1", "Excluded", "yes"), change_row("OCR", "P1", "tier", "d")]
    result = run(incidents, scenarios, changes)
    assert result.weighted is not None
    assert (result.weighted.minimum, result.weighted.maximum) == (105_000, 550_000)
    assert "not a prediction" in result.weighted.label
    data = as_json(result)
    assert (data["weighted_minimum"], data["weighted_maximum"]) == (105_000, 550_000)
    assert [s["scenario"] for s in data["scenarios"]] == [BASE_NAME, "Ours", "As entered", "OCR"]


def test_probabilities_that_do_not_add_up_to_100_percent_give_a_message_instead() -> None:
    incidents = [inc("P1", tier="B", start=D(2024, 6, 1), violations=10)]
    # 30% + 50% + 30% = 110%
    over = run(incidents, [scenario_row("A", probability=0.3), scenario_row("B", probability=0.5),
                           scenario_row("C", probability=0.3)], [])
    assert over.weighted is None
    assert "add up to 110%" in over.weighted_message
    assert "weighted_minimum" not in as_json(over)
    missing = run(incidents, [scenario_row("A", probability=1.0), scenario_row("B")], [])
    assert missing.weighted is None and "missing for B" in missing.weighted_message


def test_per_entity_figures_and_differences() -> None:
    # Acme: tier B 10 violations 2024 -> 10,000 / 500,000; Beta: tier B 2 violations -> 2,000 / 100,000
    # OCR makes Beta's tier D: 2 x 50,000 = 100,000 / cap 1,500,000
    incidents = [inc("A1", tier="B", start=D(2024, 6, 1), violations=10),
                 inc("B1", entity="Beta Clinic", tier="B", start=D(2024, 6, 1), violations=2)]
    result = run(incidents, [scenario_row("OCR")], [change_row("OCR", "B1", "Tier", "D")])
    ocr = named(result, "OCR")
    assert ocr.entities == {"Acme Health": Figures(10_000, 500_000, 1_000, 0),
                            "Beta Clinic": Figures(100_000, 1_500_000, 200, 0)}
    assert ocr.entity_differences["Acme Health"] == Figures()
    assert ocr.entity_differences["Beta Clinic"] == Figures(98_000, 1_400_000, 0, 0)


def test_time_barred_maximum_moves_with_an_earlier_start() -> None:
    # as of 2026-11-25 the first day in time is 2020-11-25 (its sixth anniversary is the as-of date)
    # OCR: Start 2020-11-20 for 10 violations dated Start: all barred: max 10 x 50,000 = 500,000 barred
    result = run([inc("T1", tier="B", start=D(2021, 6, 1), violations=10)], [scenario_row("OCR")],
                 [change_row("OCR", "T1", "Start", "2020-11-20")])
    assert result.base.total == Figures(10_000, 500_000, 1_000, 0)
    assert named(result, "OCR").total == Figures(0, 0, 0, 500_000)


# ---------------------------------------------------------------- invalid rows


def test_each_invalid_change_is_reported_with_its_row_and_reason_and_other_scenarios_still_computed() -> None:
    incidents = [inc("I1", tier="B", start=D(2024, 6, 1), violations=10),
                 inc("I2", tier="B", start=D(2024, 6, 1), violations=1, entity="Other")]
    scenarios = [scenario_row(n, row=r) for r, n in enumerate(
        ("Unknown id", "Bad field", "Bad value", "Twice", "Good", "Dup target", "End before start"), start=5)]
    changes = [
        change_row("Nobody", "I1", "Tier", "D", row=5),
        change_row("Unknown id", "I9", "Tier", "D", row=6),
        change_row("Bad field", "I1", "Entity", "Other", row=7),
        change_row("Bad value", "I1", "Tier", "E", row=8),
        change_row("Twice", "I1", "Tier", "C", row=9),
        change_row("Twice", "i1", "tier", "D", row=10),
        change_row("Good", "I1", "Tier", "D", row=11),
        change_row("Dup target", "I1", "Duplicate of", "I2", row=12),
        change_row("End before start", "I1", "End", "2024-05-01", row=13),
        change_row("End before start", "I1", "Violations", None, row=14),
    ]
    result = run(incidents, scenarios, changes)
    reasons = {(p.row, p.reason) for p in result.problems}
    texts = {row: reason for row, reason in reasons}
    assert "no scenario named \"Nobody\"" in texts[5]
    assert "no incident with ID \"I9\"" in texts[6]
    assert "Field \"Entity\" cannot be changed" in texts[7]
    assert texts[8].startswith("Tier: tier must be A, B, C or D")
    assert texts[10] == "Tier of i1 is already changed in this scenario on row 9"
    assert 9 not in texts  # the first change of the field stands; the second one is the problem
    assert '"I2" is not an incident of "Acme Health"' in texts[12]
    # End before Start only shows once both changes are applied: both rows are marked
    assert "I1 as changed cannot be priced: end date 2024-05-01 is before start date 2024-06-01" in texts[13]
    assert texts[14] == texts[13]
    for name in ("Unknown id", "Bad field", "Bad value", "Twice", "Dup target", "End before start"):
        assert not named(result, name).computed, name
        assert named(result, name).problems
    # Good: tier D, 10 x 50,000 = 500,000 / the cap 1,500,000; I2 unchanged 1,000 / 50,000
    assert named(result, "Good").total.minimum == 500_000 + 1_000
    assert result.base.computed
    assert "cannot be computed" in result.weighted_message or "missing" in result.weighted_message


def test_invalid_scenario_rows_are_reported() -> None:
    incidents = [inc("I1", tier="B", start=D(2024, 6, 1), violations=10)]
    scenarios = [
        scenario_row("", probability=0.5, row=5),
        scenario_row("base", row=6),
        scenario_row("Ours", probability=1.5, row=7),
        scenario_row("ours", row=8),
        scenario_row("Sched", schedule="cfr102-1999", row=9),
        scenario_row("Day", as_of="yesterday", row=10),
    ]
    result = run(incidents, scenarios, [])
    texts = {p.row: p.reason for p in result.problems}
    assert texts[5] == "Name is required"
    assert "kept for the Incidents as entered" in texts[6]
    assert texts[7] == "Probability must be between 0% and 100% (got 150%)"
    assert texts[8] == "scenario \"ours\" is already defined on row 7"
    assert "unknown schedule 'cfr102-1999'" in texts[9]
    assert "As-of must be an Excel date" in texts[10]
    assert [r.name for r in result.scenarios] == ["Ours", "Sched", "Day"]
    assert not any(r.computed for r in result.scenarios)


def test_an_unreadable_incident_blocks_every_scenario_that_does_not_exclude_it() -> None:
    incidents = [inc("I1", tier="B", start=D(2024, 6, 1), violations=10)]
    bad = InvalidIncident("I2", 7, "Start must be an Excel date")
    result = run(incidents, [scenario_row("Keep"), scenario_row("Drop")],
                 [change_row("Drop", "I2", "Excluded", "Yes")], unpriced=[bad])
    assert not result.base.computed and not named(result, "Keep").computed
    assert "Incidents row 7 (I2) cannot be priced" in named(result, "Keep").problems[0]
    assert named(result, "Drop").total == Figures(10_000, 500_000, 1_000, 0)
    assert named(result, "Drop").difference is None  # no base figures to compare with


# ---------------------------------------------------------------- one aggregation code path


def _random_matter(rnd: random.Random, n: int) -> list[Incident]:
    out = []
    for i in range(n):
        start = D(2008, 1, 1) + dt.timedelta(days=rnd.randint(0, 6500))
        continuing = rnd.random() < 0.5
        known = start + dt.timedelta(days=rnd.randint(0, 60)) if rnd.random() < 0.5 else None
        out.append(Incident(
            id=f"N{i}",
            entity=f"Entity {rnd.randint(1, 3)}",
            requirement=f"164.{rnd.randint(300, 306)}",
            tier=rnd.choice("ABCD"),
            start=start,
            end=start + dt.timedelta(days=rnd.randint(0, 900)) if continuing else None,
            violations=None if continuing else rnd.randint(1, 60),
            known=known,
            corrected=known + dt.timedelta(days=rnd.randint(0, 45)) if known else None,
            duplicate_of=f"N{rnd.randint(0, i - 1)}" if i > 3 and rnd.random() < 0.15 else None,
            federal_action_pending=rnd.random() < 0.1,
            affiliated_covered_entity="Affiliated Group" if rnd.random() < 0.15 else None,
        ))
    # a duplicate must name an incident of the same entity: keep only those that do
    entities = {x.id: x.entity for x in out}
    return [x if not x.duplicate_of or entities[x.duplicate_of] == x.entity else
            x.model_copy(update={"duplicate_of": None}) for x in out]


def _random_changes(rnd: random.Random, incidents: list[Incident], name: str) -> list[ChangeInput]:
    out = []
    for target in rnd.sample(incidents, 6):
        field = rnd.choice(["Tier", "Start", "End", "Violations", "Corrected", "Excluded",
                            "Criminal penalty imposed", "Federal action pending", "Duplicate of"])
        value: object
        if field == "Duplicate of":
            same = [x.id for x in incidents if x.entity == target.entity and x.id != target.id]
            value = rnd.choice([None, *same[:5]])
        elif field == "Tier":
            value = rnd.choice("ABCD")
        elif field in ("Start", "End", "Corrected"):
            value = (target.start or D(2020, 1, 1)) + dt.timedelta(days=rnd.randint(0, 400))
            if field == "Start":
                value = (target.start or D(2020, 1, 1)) - dt.timedelta(days=rnd.randint(0, 400))
        elif field == "Violations":
            value = rnd.choice([None, rnd.randint(1, 100)])
        elif field == "Criminal penalty imposed":
            value = rnd.choice(["Yes", "No", "Punishable"])
        else:
            value = rnd.choice(["Yes", "No"])
        out.append(change_row(name, target.id, field, value))
    return out


@pytest.mark.parametrize("seed", range(16))
def test_every_scenario_equals_the_aggregation_of_its_changed_incidents_group_by_group(seed: int) -> None:
    rnd = random.Random(seed)
    incidents = _random_matter(rnd, 80)
    names = ["S1", "S2", "S3"]
    scenarios = [scenario_row("S1"), scenario_row("S2", schedule="current"), scenario_row("S3")]
    changes = [c for n in names for c in _random_changes(rnd, incidents, n)]
    result = run(incidents, scenarios, changes)
    assert groups(result.base.aggregation) == groups(aggregate(incidents, "regulation", AS_OF))
    for r in result.scenarios:
        changed, _ = apply_changes(incidents, r.changes)
        full = aggregate(changed, r.schedule, AS_OF)
        assert groups(r.aggregation) == groups(full), r.name
        assert {(v.incident_id, v.reason) for v in r.aggregation.invalid} == {
            (v.incident_id, v.reason) for v in full.invalid}
        if r.computed:
            assert r.total == sum((Figures.of(g) for g in full.groups), Figures())
    # the seeds exercise what they are meant to: scenarios that move the figures, and some that cannot apply
    assert any(r.difference and r.difference.maximum for r in result.scenarios) or result.problems


def test_apply_changes_leaves_the_base_incidents_unchanged() -> None:
    incidents = [inc("I1", tier="B", start=D(2024, 6, 1), violations=10)]
    result = run(incidents, [scenario_row("OCR")], [change_row("OCR", "I1", "Tier", "D")])
    assert incidents[0].tier == "B"
    assert named(result, "OCR").aggregation.rows[0].tier == "D"


def test_an_incident_invalid_before_any_change_is_not_blamed_on_the_change() -> None:
    # I1 has its End before its Start in the base already; OCR changes its tier: the change is fine,
    # the scenario is #N/A because the incident cannot be priced, as the base is
    incidents = [inc("I1", tier="B", start=D(2024, 6, 1), end=D(2024, 5, 1))]
    result = run(incidents, [scenario_row("OCR")], [change_row("OCR", "I1", "Tier", "D", row=5)])
    assert result.problems == ()
    assert not named(result, "OCR").computed
    assert "(I1) cannot be priced: end date 2024-05-01 is before start date 2024-06-01" in named(result, "OCR").problems[0]


def test_punishable_in_the_criminal_field_bars_a_cmp_assessed_before_2011_02_18_only() -> None:
    # 160.410(a)(1): an offense punishable under 1320d-6 barred a CMP assessed before 2011-02-18.
    # 10 tier B violations on 2010-06-01 (after 2009-02-18: regulation B $1,000-$50,000):
    # base 10 x 1,000 = 10,000 / 10 x 50,000 = 500,000; assessed 2010-12-01 as "Punishable": nothing.
    incidents = [inc("P1", tier="B", start=D(2010, 6, 1), violations=10)]
    result = run_scenarios(incidents, [scenario_row("Punishable")],
                           [change_row("Punishable", "P1", "Criminal penalty imposed", "punishable")],
                           "regulation", D(2010, 12, 1))
    assert (result.base.total.minimum, result.base.total.maximum) == (10_000, 500_000)
    assert named(result, "Punishable").total == Figures(0, 0, 0, 0)
    assert named(result, "Punishable").changes[0].shown_value == "Punishable"


def test_a_scenario_as_of_before_the_action_commenced_cannot_be_computed() -> None:
    incidents = [inc("I1", tier="B", start=D(2024, 6, 1), violations=10)]
    result = run_scenarios(incidents, [scenario_row("Early", as_of="2025-01-01", row=5)], [], "regulation",
                           AS_OF, commenced=D(2026, 1, 15))
    early = named(result, "Early")
    assert not early.computed
    assert result.problems[0].row == 5 and "commenced on 2026-01-15" in result.problems[0].reason
    assert result.base.computed
