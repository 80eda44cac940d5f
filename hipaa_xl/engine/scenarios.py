"""Scenarios: the same matter under other positions ("tier D, not B"; "400 days, not 40"; "not cured").

A scenario is a list of changes applied to the incidents before aggregation: each change sets one
Incidents field of one incident (the inputs a legal position can change), or marks the incident
"Excluded" (not a violation in this scenario). Every scenario, and the base (the incidents as
entered), is priced by the one public aggregation, :func:`hipaa_xl.engine.aggregate`, so the caps
(45 CFR 160.404(b)(2)), the cure (42 U.S.C. 1320d-5(b)(2)(A)), the limitation (1320a-7a(c)(1)) and
the duplicate rule (160.404(b)(3)) apply to a scenario exactly as to the base.

Speed: a change can only move the groups of its own (entity, identical requirement): a scenario
that keeps the base's schedule and as-of date re-aggregates only the incidents of the pairs its
changes touch and takes every other group from the base, as computed. The result equals a full
aggregation of the changed incidents, group by group (tested).

The engine takes typed rows (:class:`ScenarioInput`, :class:`ChangeInput`, in
:mod:`hipaa_xl.engine.scenario_records` with the checks that need the incidents and the other rows):
the workbook reader parses the cells. This module prices and weighs; the incremental index behind the
speed is :mod:`hipaa_xl.engine._scenario_index`.

The probability-weighted figures are a weighting of the user's own probabilities, never a
prediction; they exist only when every scenario has a probability, the probabilities add up to
100% and every scenario could be computed.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hipaa_xl.engine._scenario_index import BaseIndex, Pair, Priced, changed_incident, scenario_aggregation
from hipaa_xl.engine.aggregate import aggregate
from hipaa_xl.engine.incidents import Aggregation, GroupTotal, Incident, InvalidIncident, group_key, id_key
from hipaa_xl.engine.scenario_records import (
    BASE_NAME,
    EXCLUDED,
    MOVERS,
    Change,
    ChangeInput,
    Figures,
    GroupMove,
    Problem,
    ScenarioInput,
    ScenarioResult,
    ScenarioSet,
    Weighted,
    check_change,
    check_scenarios,
)
from hipaa_xl.errors import HipaaInputError
from hipaa_xl.law.schedules import check_schedule

_WEIGHT_TOLERANCE = 1e-9


def run_scenarios(
    incidents: Sequence[Incident],
    scenarios: Sequence[ScenarioInput],
    changes: Sequence[ChangeInput],
    schedule: str,
    as_of: dt.date,
    unpriced: Sequence[InvalidIncident] = (),
    base: Aggregation | None = None,
    commenced: dt.date | None = None,
    general_forms: Mapping[str, str] | None = None,
) -> ScenarioSet:
    """The base and every scenario priced by :func:`aggregate`, with the rows that cannot apply.


    ``unpriced`` are incidents that could not even be read (a workbook row with a bad cell): every
    scenario that does not exclude them shows ``#N/A``, as the Summary's totals do (decisions 13).
    ``base``: the base aggregation when the caller already has it (refresh does). ``commenced`` and
    ``general_forms`` go to every aggregation as :func:`aggregate` takes them.
    """
    schedule = check_schedule(schedule)
    base_agg = base if base is not None else aggregate(incidents, schedule, as_of, commenced, general_forms)
    ids: dict[str, list[int]] = {}
    for i, inc in enumerate(incidents):
        ids.setdefault(id_key(inc.id), []).append(i)
    unpriced_ids = {id_key(u.incident_id): u for u in unpriced if u.incident_id.strip()}
    problems: list[Problem] = []
    specs = check_scenarios(scenarios, schedule, as_of, problems)
    by_name = {group_key(s.name): s for s in specs}
    applied: dict[str, list[Change]] = {key: [] for key in by_name}
    bad_scenarios: dict[str, list[str]] = {key: list(s.problems) for key, s in by_name.items()}
    seen: dict[tuple[str, int, str], int | None] = {}
    for ch in changes:
        change = check_change(ch, incidents, ids, unpriced_ids, by_name, seen, problems, bad_scenarios)
        if change is not None:
            applied[group_key(change.scenario)].append(change)
    index = _PricedBase(incidents, ids, base_agg, commenced, general_forms)
    base_result = _result(BASE_NAME, "The Incidents as entered", None, schedule, as_of, None, (), [], [])
    base_result.aggregation = base_agg
    _price_base(base_result, index, unpriced)
    results = []
    for key, spec in by_name.items():
        result = _result(spec.name, spec.description, spec.probability, spec.schedule, spec.as_of, spec.row,
                         tuple(applied[key]), bad_scenarios[key], [])
        if not bad_scenarios[key]:
            priced = _price(result, index, unpriced, problems)
            if priced is not None and result.computed and base_result.computed:
                _compare(result, base_result, index, priced)
        results.append(result)
    weighted, message = _weigh(results)
    return ScenarioSet(base_result, tuple(results), tuple(problems), weighted, message)


def _result(
    name: str, description: str, probability: float | None, schedule: str, as_of: dt.date,
    row: int | None, changes: tuple[Change, ...], problems: list[str], notes: list[str],
) -> ScenarioResult:
    return ScenarioResult(name, description, probability, schedule, as_of, row, changes, tuple(problems),
                          tuple(notes))


def _updates(
    changes: Iterable[Change], ids: Mapping[str, Sequence[int]]
) -> tuple[dict[int, dict[str, Any]], set[int]]:
    """The field updates per incident position and the excluded positions of one scenario."""
    updates: dict[int, dict[str, Any]] = {}
    excluded: set[int] = set()
    for ch in changes:
        found = ids.get(id_key(ch.incident_id))
        if not found:
            continue  # an incident that could not be read: only Excluded reaches here
        if ch.field == EXCLUDED:
            if ch.value:
                excluded.add(found[0])
            continue
        update = updates.setdefault(found[0], {})
        if ch.field == "criminal_penalty_imposed":
            update["criminal_penalty_imposed"], update["criminal_offense_punishable"] = ch.value
        else:
            update[ch.field] = ch.value
    return updates, excluded


def apply_changes(incidents: Sequence[Incident], changes: Iterable[Change]) -> tuple[list[Incident], list[str]]:
    """The incidents of a scenario: changes applied, excluded ones left out (pure; the input is kept).


    Returns the incidents and notes for the reader. A duplicate (160.404(b)(3)) whose counted
    incident is excluded is counted on its own: the rule allows one penalty for one failure, and
    with the counted one gone there is no other.
    """
    ids: dict[str, list[int]] = {}
    for i, inc in enumerate(incidents):
        ids.setdefault(id_key(inc.id), []).append(i)
    updates, excluded = _updates(changes, ids)
    gone = {id_key(incidents[i].id) for i in excluded}
    notes: list[str] = []
    out = [changed_incident(inc, updates.get(i), gone, notes) for i, inc in enumerate(incidents) if i not in excluded]
    return out, notes


class _PricedBase(BaseIndex):
    """The index with the base's figures per (entity, requirement) pair and per entity key."""


    def __init__(
        self, incidents: Sequence[Incident], ids: Mapping[str, Sequence[int]], base: Aggregation,
        commenced: dt.date | None, general_forms: Mapping[str, str] | None,
    ) -> None:
        super().__init__(incidents, ids, base, commenced, general_forms)
        self.figures: dict[Pair, Figures] = {}
        for g in base.groups:
            pair = (g.entity_key, g.requirement_key)
            self.figures[pair] = self.figures.get(pair, Figures()) + Figures.of(g)
        self.entities: dict[str, Figures] = {}
        for pair, f in self.figures.items():
            self.entities[pair[0]] = self.entities.get(pair[0], Figures()) + f


def _figures(groups: Iterable[GroupTotal]) -> tuple[Figures, dict[str, Figures]]:
    """Overall and per entity key, summed over ``groups`` in plain integers (the hot loop)."""
    acc: dict[str, list[int | float]] = {}
    for g in groups:
        a = acc.get(g.entity_key)
        if a is None:
            a = acc[g.entity_key] = [0, 0, 0, 0]
        a[0] += g.minimum
        a[1] += g.maximum
        a[2] += g.ag_damages
        a[3] += g.time_barred_maximum
    per = {k: Figures(*v) for k, v in acc.items()}
    return sum(per.values(), Figures()), per


def _named(index: _PricedBase, per_key: Mapping[str, Figures]) -> dict[str, Figures]:
    """Per-entity figures under the base's spelling, in the base's order (entities it lacks last)."""
    keys = [*index.entities, *(k for k in per_key if k not in index.entities)]
    return {index.entity_names.get(k, k): per_key.get(k, Figures()) for k in keys}


def _price_base(
    result: ScenarioResult, index: _PricedBase, unpriced: Sequence[InvalidIncident]
) -> None:
    problems = [_unpriced_text(v) for v in (*unpriced, *index.base.invalid)]
    if problems:
        result.problems = tuple(problems)
        return
    result.total = sum(index.entities.values(), Figures())
    result.entities = _named(index, index.entities)


def _unpriced_text(v: InvalidIncident) -> str:
    if not v.incident_id and v.row is None:  # a matter-wide problem (a Settings cell)
        return f"cannot be priced: {v.reason}"
    where = f"Incidents row {v.row}" if v.row is not None else "Incidents"
    return f"{where} ({v.incident_id or 'no ID'}) cannot be priced: {v.reason}"


def _price(
    result: ScenarioResult,
    index: _PricedBase,
    unpriced: Sequence[InvalidIncident],
    problems: list[Problem],
) -> Priced | None:
    """Price one scenario into ``result``; None when it cannot be aggregated at all."""
    try:
        priced = scenario_aggregation(index, *_updates(result.changes, index.ids), result.schedule, result.as_of)
    except HipaaInputError as exc:  # e.g. its own as-of date before the action commenced
        where = f"Scenarios row {result.row}: " if result.row is not None else ""
        problems.append(Problem("Scenarios", result.row, result.name, exc.message))
        result.problems = (*result.problems, where + exc.message)
        return None
    agg = priced.aggregation
    excluded = {id_key(c.incident_id) for c in result.changes if c.field == EXCLUDED and c.value}
    blocking = [_unpriced_text(v) for v in unpriced if id_key(v.incident_id) not in excluded
                or not v.incident_id.strip()]
    reasons: list[str] = []
    already = {(id_key(v.incident_id), v.reason) for v in index.base.invalid}
    for v in agg.invalid:
        key = id_key(v.incident_id)
        rows = [c.row for c in result.changes if id_key(c.incident_id) == key]
        if key in priced.touched_ids and rows and (key, v.reason) not in already:  # the change's doing
            text = f"{v.incident_id} as changed cannot be priced: {v.reason}"
            for row in rows:
                problems.append(Problem("ScenarioChanges", row, result.name, text))
            row_list = ", ".join(str(r) for r in rows if r is not None)
            reasons.append(f"ScenarioChanges row{'s' if len(rows) > 1 else ''} {row_list}: {text}" if row_list else text)
        elif (key, v.reason) not in already:  # the scenario's own as-of date or schedule: its row says why
            text = _unpriced_text(v)
            problems.append(Problem("Scenarios", result.row, result.name, text))
            reasons.append(f"Scenarios row {result.row}: {text}" if result.row is not None else text)
        else:
            reasons.append(_unpriced_text(v))
    result.notes = tuple(priced.notes)
    result.aggregation = agg
    if blocking or reasons:
        result.problems = (*result.problems, *reasons, *blocking)
        return priced
    if priced.pairs is None:
        total, per_key = _figures(agg.groups)
    else:  # the base's figures, less the pairs aggregated again, plus their new groups
        per = dict(index.entities)
        for pair in priced.pairs:
            old = index.figures.get(pair)
            if old is not None:
                per[pair[0]] = per[pair[0]] - old
        _, new = _figures(priced.new_groups)
        for k, f in new.items():
            per[k] = per.get(k, Figures()) + f
        total, per_key = sum(per.values(), Figures()), per
    result.total, result.entities = total, _named(index, per_key)
    return priced


def _compare(result: ScenarioResult, base: ScenarioResult, index: _PricedBase, priced: Priced) -> None:
    """Differences from the base, overall and per entity, and the groups that move most."""
    assert result.total is not None and base.total is not None
    assert result.aggregation is not None and base.aggregation is not None
    result.difference = result.total - base.total
    names = list(dict.fromkeys([*base.entities, *result.entities]))
    result.entity_differences = {
        n: result.entities.get(n, Figures()) - base.entities.get(n, Figures()) for n in names
    }


    def keyed(groups: Iterable[GroupTotal]) -> dict[tuple[str, str, int], GroupTotal]:
        return {(g.entity_key, g.requirement_key, g.year): g for g in groups}


    old = (base.aggregation.groups if priced.pairs is None
           else [g for pair in priced.pairs for g in index.groups.get(pair, [])])
    before, after = keyed(old), keyed(priced.new_groups)
    zero = (0, 0, 0, 0)
    candidates: list[tuple[int | float, int | float, int | float, tuple[str, str, int]]] = []
    for key in dict.fromkeys([*before, *after]):
        b, a = before.get(key), after.get(key)
        lo0, hi0, ag0, tb0 = (b.minimum, b.maximum, b.ag_damages, b.time_barred_maximum) if b else zero
        lo1, hi1, ag1, tb1 = (a.minimum, a.maximum, a.ag_damages, a.time_barred_maximum) if a else zero
        if lo0 != lo1 or hi0 != hi1 or ag0 != ag1 or tb0 != tb1:
            candidates.append((-abs(hi1 - hi0), -abs(lo1 - lo0), -abs(ag1 - ag0), key))
    moves = []
    for *_, key in heapq.nsmallest(MOVERS, candidates):
        b, a = before.get(key), after.get(key)
        one = a if a is not None else b
        assert one is not None
        moves.append(GroupMove(one.entity, one.requirement, one.year,
                               Figures.of(b) if b is not None else Figures(),
                               Figures.of(a) if a is not None else Figures()))
    result.movers = tuple(moves)


def _weigh(results: Sequence[ScenarioResult]) -> tuple[Weighted | None, str]:
    """The probability-weighted minimum and maximum, or why there are none."""
    if not results:
        return None, "No scenarios: add them on the Scenarios sheet."
    missing = [r.name for r in results if r.probability is None]
    if missing:
        return None, ("No probability-weighted figures: give every scenario a probability "
                      f"(missing for {', '.join(missing)}).")
    total = sum(r.probability or 0.0 for r in results)
    if abs(total - 1) > _WEIGHT_TOLERANCE:
        return None, (f"No probability-weighted figures: the probabilities add up to {total * 100:.6g}%, "
                      "not 100%.")
    blocked = [r.name for r in results if not r.computed]
    if blocked:
        return None, f"No probability-weighted figures: {', '.join(blocked)} cannot be computed (#N/A)."
    lo = sum((r.probability or 0.0) * (r.total.minimum if r.total else 0) for r in results)
    hi = sum((r.probability or 0.0) * (r.total.maximum if r.total else 0) for r in results)
    return Weighted(round(lo, 2), round(hi, 2)), ""
