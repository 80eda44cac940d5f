"""The published OCR outcomes as law data: every record's format, dates, sources, and no outcome twice;
the hand-checked golden outcomes; the statistics recomputed by hand; today's dollars."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

from hipaa_xl.law import outcomes as ocr
from hipaa_xl.law.loader import load_series
from tests.helpers import GOLDEN

GOLDEN_OUTCOMES: list[dict[str, Any]] = json.loads((GOLDEN / "outcomes-cases.json").read_text("utf-8"))["outcomes"]


def _records() -> list[dict[str, Any]]:
    return copy.deepcopy(ocr.data_file()["outcomes"])


def _golden() -> tuple[ocr.Outcome, ...]:
    by_id = {o.id: o for o in ocr.all_outcomes()}
    return tuple(by_id[case["id"]] for case in GOLDEN_OUTCOMES)


# ---------------------------------------------------------------- the shipped data


def test_the_shipped_data_loads_and_every_record_passes_every_rule() -> None:
    found = ocr.all_outcomes()
    assert len(found) == len(ocr.data_file()["outcomes"]) >= 100
    assert len({o.id for o in found}) == len(found)
    assert [(o.date, o.id) for o in found] == sorted((o.date, o.id) for o in found)
    for o in found:
        assert o.entity_type in ocr.ENTITY_TYPES and o.kind in ocr.KINDS and o.initiative in ocr.INITIATIVES, o.id
        assert all(ocr.SECTION_FORMAT.fullmatch(s) for s in o.sections), o.id
        assert any(s.url.startswith("https://") for s in o.sources), o.id
        assert o.final_amount == (o.history[-1].amount if o.history else o.amount), o.id
        assert dt.date(2008, 1, 1) <= o.date <= dt.date.fromisoformat(ocr.header()["compiled"]), o.id


def test_no_two_records_are_the_same_outcome_by_entity_date_and_amount() -> None:
    keys = [(" ".join(o.entity.casefold().split()), o.date, o.amount) for o in ocr.all_outcomes()]
    assert len(set(keys)) == len(keys)


def test_the_header_states_its_coverage_and_what_could_not_be_sourced() -> None:
    head = ocr.header()
    dt.date.fromisoformat(head["compiled"])
    assert f"{len(ocr.all_outcomes())} outcomes" in head["coverage"]
    for item in head["unsourced"]:
        assert item.get("entity") and item.get("why"), item


def test_md_anderson_is_vacated_to_zero_with_its_history() -> None:
    found = [o for o in ocr.all_outcomes() if "Anderson" in o.entity and o.kind == "civil money penalty"]
    if not found:
        pytest.skip("the MD Anderson record is not in this compilation")
    (md,) = found
    assert md.amount == 4_348_000 and md.final_amount == 0
    assert md.history and md.history[-1].amount == 0 and md.history[-1].sources


# ---------------------------------------------------------------- the checks the loader makes


def _one_bad(change: Any) -> str:
    records = _records()
    change(records)
    with pytest.raises(ocr.OutcomesDataError) as caught:
        ocr.parse_outcomes(records)
    message = str(caught.value)
    assert "\n" not in message and message.startswith("outcomes.json")
    return message


def test_a_date_that_is_not_iso_is_refused_naming_the_record() -> None:
    def change(r: list[dict[str, Any]]) -> None:
        r[0]["date"] = "07/17/2008"

    assert r"07/17/2008" in _one_bad(change) and _records()[0]["id"] in _one_bad(change)


@pytest.mark.parametrize(("field", "value", "says"), [
    ("entity_type", "hospital", "entity_type"),
    ("kind", "settlement", "kind"),
    ("initiative", "Access", "initiative"),
    ("state", "XX", "state"),
    ("sections", ["45 CFR 164.524"], "164.308(a)(1)(ii)(A)"),
    ("sections", ["164.524", "164.524"], "twice"),
    ("sources", [], "sources"),
    ("sources", [{"url": "http://example.com/a", "note": "amount", "independent": True}], "https"),
    ("sources", [{"url": "www.example.com/a", "note": "amount", "independent": True}], "url"),
    ("final_amount", 1, "final_amount"),
    ("amount", -5, "amount"),
    ("colour", "red", "colour"),
])
def test_a_record_that_breaks_the_format_is_refused_in_one_line(field: str, value: Any, says: str) -> None:
    def change(r: list[dict[str, Any]]) -> None:
        r[0][field] = value

    assert says in _one_bad(change)


def test_a_final_amount_must_be_the_last_amount_of_the_history() -> None:
    def change(r: list[dict[str, Any]]) -> None:
        source = r[0]["sources"][0]
        r[0]["history"] = [{"date": "2030-01-01", "amount": 5, "event": "reduced by the ALJ", "sources": [source]}]

    assert "last history amount 5" in _one_bad(change)


def test_a_history_before_the_announcement_is_refused() -> None:
    def change(r: list[dict[str, Any]]) -> None:
        source = r[0]["sources"][0]
        r[0]["history"] = [{"date": "2000-01-01", "amount": r[0]["amount"], "event": "x y z", "sources": [source]}]

    assert "date order" in _one_bad(change)


def test_a_repeated_id_and_the_same_outcome_under_two_ids_are_refused() -> None:
    def repeated(r: list[dict[str, Any]]) -> None:
        r.insert(1, copy.deepcopy(r[0]))

    def renamed(r: list[dict[str, Any]]) -> None:
        twin = copy.deepcopy(r[0])
        twin["id"] = twin["id"] + "-again"
        twin["entity"] = twin["entity"].upper() + "  "
        r.insert(1, twin)

    assert "used twice" in _one_bad(repeated)
    assert "same outcome" in _one_bad(renamed)


def test_records_out_of_date_order_are_refused() -> None:
    def change(r: list[dict[str, Any]]) -> None:
        r.reverse()

    assert "sorted" in _one_bad(change)


# ---------------------------------------------------------------- the golden outcomes (two sources each)


def test_the_golden_file_holds_at_least_20_outcomes_each_with_an_hhs_and_an_independent_source() -> None:
    assert len(GOLDEN_OUTCOMES) >= 20
    for case in GOLDEN_OUTCOMES:
        assert case["hhs_source"] != case["independent_source"], case["id"]
        assert case["reasoning"], case["id"]


@pytest.mark.parametrize("case", GOLDEN_OUTCOMES, ids=[c["id"] for c in GOLDEN_OUTCOMES])
def test_golden_outcome_matches_the_data_in_amount_date_kind_and_sources(case: dict[str, Any]) -> None:
    by_id = {o.id: o for o in ocr.all_outcomes()}
    o = by_id[case["id"]]
    assert (o.entity, o.date.isoformat(), o.kind, o.amount, o.final_amount) == (
        case["entity"], case["date"], case["kind"], case["amount"], case["final_amount"])
    assert any(s.url == case["hhs_source"] and not s.independent for s in o.sources)
    assert any(s.url == case["independent_source"] and s.independent for s in o.sources)
    assert o.checked_in_two_sources


# ---------------------------------------------------------------- statistics, by hand


def test_statistics_of_the_golden_outcomes_since_2019_recomputed_by_hand() -> None:
    found = ocr.select(_golden(), since=dt.date(2019, 1, 1))
    # Final amounts, sorted (12): 65,000 West Georgia Ambulance; 85,000 Korunda; 480,000 Lafourche;
    # 875,000 Oklahoma State; 1,000,000 Aetna; 1,040,000 Lifespan; 1,300,000 L.A. Care; 1,600,000 Texas HHSC;
    # 2,300,000 CHSPSC; 3,000,000 Cottage; 3,000,000 Solara; 4,750,000 Montefiore.
    # Inclusive method (QUARTILE.INC): position p*(n-1) from 0, interpolated.
    # median: position 5.5 -> (1,040,000 + 1,300,000) / 2 = 1,170,000
    # q1: position 2.75 -> 480,000 + 0.75 * (875,000 - 480,000) = 776,250
    # q3: position 8.25 -> 2,300,000 + 0.25 * (3,000,000 - 2,300,000) = 2,475,000
    stats = ocr.statistics(found)
    assert stats is not None
    assert (stats.count, stats.median, stats.q1, stats.q3) == (12, 1_170_000, 776_250, 2_475_000)
    assert (stats.minimum, stats.maximum) == (65_000, 4_750_000)
    assert stats.smallest.id == "2019-12-30-west-georgia-ambulance-inc"
    assert stats.largest.id == "2024-02-06-montefiore-medical-center"


def test_statistics_of_the_golden_hospitals_recomputed_by_hand() -> None:
    found = ocr.select(_golden(), entity_type="hospital or health system")
    # Final amounts, sorted (9): 100,000 Providence; 275,000 Shasta; 875,000 Oklahoma State;
    # 1,000,000 MGH; 1,040,000 Lifespan; 2,400,000 Memorial Hermann; 3,000,000 Cottage;
    # 3,217,000 Children's Dallas; 4,750,000 Montefiore.
    # median: position 4 -> 1,040,000; q1: position 2 -> 875,000; q3: position 6 -> 3,000,000
    stats = ocr.statistics(found)
    assert stats is not None
    assert (stats.count, stats.median, stats.q1, stats.q3) == (9, 1_040_000, 875_000, 3_000_000)
    assert (stats.minimum, stats.smallest.entity) == (100_000, "Providence Health & Services")
    assert (stats.maximum, stats.largest.entity) == (4_750_000, "Montefiore Medical Center")


def test_statistics_of_nothing_is_none_and_of_one_outcome_is_that_outcome() -> None:
    assert ocr.statistics(()) is None
    one = _golden()[:1]
    stats = ocr.statistics(one)
    assert stats is not None and stats.median == stats.q1 == stats.q3 == one[0].final_amount


# ---------------------------------------------------------------- selection and parts


def test_a_section_matches_itself_and_its_subdivisions_only() -> None:
    assert ocr.section_matches("164.308(a)(1)(ii)(A)", "164.308(a)(1)")
    assert ocr.section_matches("164.524", "164.524")
    assert ocr.section_matches("164.524(b)(2)", "164.524")
    assert not ocr.section_matches("164.5240", "164.524")
    assert not ocr.section_matches("164.308(a)(1)", "164.308(a)(1)(ii)(A)")
    found = ocr.select(section="164.524")
    assert found and all(any(s == "164.524" or s.startswith("164.524(") for s in o.sections) for o in found)


@pytest.mark.parametrize(("section", "part"), [
    ("164.308(a)(1)(ii)(A)", "Security"), ("164.312(b)", "Security"), ("164.404", "Breach Notification"),
    ("164.414", "Breach Notification"), ("164.502(a)", "Privacy"), ("164.530(c)", "Privacy"),
    ("160.310", None), ("164.104", None),
])
def test_each_section_belongs_to_the_part_of_its_subpart(section: str, part: str | None) -> None:
    assert ocr.part_of(section) == part


def test_for_sections_falls_back_to_the_same_part_and_says_so() -> None:
    found, basis = ocr.for_sections(["164.524"])
    assert basis == "same section" and found == ocr.select(section="164.524")
    found, basis = ocr.for_sections(["164.534"])  # Privacy, named by no outcome
    assert basis == "same part: Privacy"
    assert found and all("Privacy" in ocr.parts_of(o) for o in found)
    assert ocr.for_sections(["not a section"]) == ((), "none")


# ---------------------------------------------------------------- today's dollars (decisions 46)


def test_todays_factor_multiplies_the_tables_that_took_effect_after_the_announcement() -> None:
    tables = load_series().tables
    every = Decimal(1)
    for t in tables:
        every *= t.multiplier
    assert ocr.todays_factor(dt.date(2012, 1, 1)) == every  # before the 2016 catch-up: all of them
    assert ocr.todays_factor(tables[-1].effective) == 1  # on the newest table's day: none
    after_2023 = [t for t in tables if t.effective > dt.date(2023, 12, 7)]
    expected = Decimal(1)
    for t in after_2023:
        expected *= t.multiplier
    lafourche = next(o for o in ocr.all_outcomes() if o.id == "2023-12-07-lafourche-medical-group")
    assert ocr.todays_amount(lafourche) == float(round(480_000 * expected))
    # by hand: the 2024 table (1.03241) and the 2025 table (1.02598) -> 480,000 x 1.0592320... = 508,431
    assert ocr.todays_amount(lafourche) == 508_431
