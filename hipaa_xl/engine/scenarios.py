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

The engine takes typed rows (:class:`ScenarioInput`, :class:`ChangeInput`): the workbook reader
(``workbook.sheets.scenarios.tables``) parses the cells; the engine keeps the checks that need the incidents
and the other rows (unknown or repeated names, unknown incident IDs, a Duplicate-of target, a field
changed twice).

The probability-weighted figures are a weighting of the user's own probabilities, never a
prediction; they exist only when every scenario has a probability, the probabilities add up to
100% and every scenario could be computed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from hipaa_xl.engine._scenario_index import BaseIndex, Pair, Priced, changed_incident, scenario_aggregation
from hipaa_xl.engine.aggregate import aggregate
from hipaa_xl.engine.duplicates import liable_keys
from hipaa_xl.engine.incidents import Aggregation, GroupTotal, Incident, InvalidIncident, group_key, id_key
from hipaa_xl.errors import HipaaInputError, shown
from hipaa_xl.law.schedules import check_schedule

BASE_NAME = "Base"
"""The base scenario: the Incidents as entered, always first."""
EXCLUDED = "excluded"
"""The pseudo-field of a change that takes the incident out of the scenario (not a violation)."""
CHANGEABLE_FIELDS: tuple[str, ...] = (
    "tier",
    "culpability",
    "start",
    "end",
    "violations",
    "known",
    "corrected",
    "duplicate_of",
    "federal_action_pending",
    "criminal_penalty_imposed",
    "cure_period_ends",
)
"""The Incidents inputs a legal position can change (engine field names, in the Incidents order).
"Cure period ends" prices the other reading of the C/D line under the Secretary's extension
(decisions 26): clear it in a scenario to judge the tier by the 30-day period alone."""
_WEIGHT_TOLERANCE = 1e-9
MOVERS = 3
"""How many groups a scenario lists as moving most against the base."""
WEIGHTED_LABEL = "Probability-weighted (a weighting of your own probabilities, not a prediction)"

Table = Literal["Scenarios", "ScenarioChanges"]


@dataclasses.dataclass(frozen=True, slots=True)
class ScenarioInput:
    """One row of the Scenarios table, parsed (``workbook.sheets.scenarios.tables.scenario_row`` reads the cells)."""

    name: str
    description: str = ""
    probability: float | None = None
    """A fraction: 0.4 is 40%."""
    schedule: str | None = None
    """None: the base schedule (Settings)."""
    as_of: dt.date | None = None
    """None: the base as-of date (Settings)."""
    row: int | None = None
    problems: tuple[str, ...] = ()
    """Cells of the row that could not be read ("Probability must be ..."): the scenario is #N/A."""


@dataclasses.dataclass(frozen=True, slots=True)
class ChangeInput:
    """One row of the ScenarioChanges table, parsed (``workbook.sheets.scenarios.tables.change_row``)."""

    scenario: str
    incident_id: str
    field: str
    """An engine field name from :data:`CHANGEABLE_FIELDS`, :data:`EXCLUDED`, or the text as typed
    when it names no field a scenario may change ("" when blank)."""
    value: Any = None
    """The parsed value (a date, a count, a tier, a flag, an incident ID; None for blank)."""
    shown_value: str = ""
    reason: str = ""
    row: int | None = None
    value_problem: str | None = None
    """Why the Value cell could not be read for the field, when it could not."""


@dataclasses.dataclass(frozen=True, slots=True)
class Change:
    """A change that applies: the incident's ``field`` takes ``value`` (parsed) in ``scenario``."""

    scenario: str
    incident_id: str
    field: str
    """An engine field name from :data:`CHANGEABLE_FIELDS`, or :data:`EXCLUDED`."""
    value: Any
    reason: str
    row: int | None
    shown_value: str
    """The value as the memo and the CLI print it."""


@dataclasses.dataclass(frozen=True, slots=True)
class Problem:
    """A Scenarios or ScenarioChanges row that cannot apply, with its row and reason."""

    table: Table
    row: int | None
    scenario: str
    reason: str

    def text(self) -> str:
        """``ScenarioChanges row 12 (OCR): reason``."""
        where = f"{self.table} row {self.row}" if self.row is not None else self.table
        return f"{where}{f' ({self.scenario})' if self.scenario else ''}: {self.reason}"


@dataclasses.dataclass(frozen=True, slots=True)
class Figures:
    """The four figures a scenario table shows: statutory minimum (if a CMP is imposed), maximum,
    AG damages (maximum) and the time-barred maximum (left out of the maximum)."""

    minimum: int | float = 0
    maximum: int | float = 0
    ag_damages: int | float = 0
    time_barred_maximum: int | float = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(self.minimum + other.minimum, self.maximum + other.maximum,
                       self.ag_damages + other.ag_damages, self.time_barred_maximum + other.time_barred_maximum)

    def __sub__(self, other: Figures) -> Figures:
        return Figures(self.minimum - other.minimum, self.maximum - other.maximum,
                       self.ag_damages - other.ag_damages, self.time_barred_maximum - other.time_barred_maximum)

    @staticmethod
    def of(group: GroupTotal) -> Figures:
        """One group's figures."""
        return Figures(group.minimum, group.maximum, group.ag_damages, group.time_barred_maximum)


@dataclasses.dataclass(frozen=True, slots=True)
class GroupMove:
    """One (entity, identical requirement, year) group and how far it moves against the base."""

    entity: str
    requirement: str
    year: int
    base: Figures
    scenario: Figures

    @property
    def difference(self) -> Figures:
        """Scenario minus base."""
        return self.scenario - self.base


@dataclasses.dataclass(slots=True)
class ScenarioResult:
    """One scenario priced: its figures per entity and overall, or the reasons it cannot be."""

    name: str
    description: str
    probability: float | None
    schedule: str
    as_of: dt.date
    row: int | None
    changes: tuple[Change, ...] = ()
    problems: tuple[str, ...] = ()
    """Why the figures cannot be shown (``#N/A``): invalid changes, unpriced incidents."""
    notes: tuple[str, ...] = ()
    aggregation: Aggregation | None = None
    total: Figures | None = None
    entities: dict[str, Figures] = dataclasses.field(default_factory=dict)
    """Display entity -> figures, in the order the entities first appear in the base."""
    difference: Figures | None = None
    entity_differences: dict[str, Figures] = dataclasses.field(default_factory=dict)
    movers: tuple[GroupMove, ...] = ()

    @property
    def computed(self) -> bool:
        """True when the figures exist (no problem)."""
        return self.total is not None


@dataclasses.dataclass(slots=True)
class Weighted:
    """Sum over the scenarios of probability x figure (a weighting of the user's probabilities)."""

    minimum: float
    maximum: float
    label: str = WEIGHTED_LABEL


@dataclasses.dataclass(slots=True)
class ScenarioSet:
    """The base and every scenario, the rows that cannot apply and the weighted figures."""

    base: ScenarioResult
    scenarios: tuple[ScenarioResult, ...]
    problems: tuple[Problem, ...]
    weighted: Weighted | None
    weighted_message: str
    """Why there are no weighted figures (empty when there are)."""

    @property
    def all(self) -> tuple[ScenarioResult, ...]:
        """The base first, then the scenarios in table order."""
        return (self.base, *self.scenarios)


# ---------------------------------------------------------------- the whole set


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
    specs = _read_scenarios(scenarios, schedule, as_of, problems)
    by_name = {group_key(s.name): s for s in specs}
    applied: dict[str, list[Change]] = {key: [] for key in by_name}
    bad_scenarios: dict[str, list[str]] = {key: list(s.problems) for key, s in by_name.items()}
    seen: dict[tuple[str, int, str], int | None] = {}
    for ch in changes:
        change = _read_change(ch, incidents, ids, unpriced_ids, by_name, seen, problems, bad_scenarios)
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


@dataclasses.dataclass(slots=True)
class _Spec:
    name: str
    description: str
    probability: float | None
    schedule: str
    as_of: dt.date
    row: int | None
    problems: list[str]


def _read_scenarios(
    rows: Sequence[ScenarioInput], schedule: str, as_of: dt.date, problems: list[Problem]
) -> list[_Spec]:
    out: list[_Spec] = []
    names: dict[str, int | None] = {}
    for s in rows:
        name = s.name
        reasons: list[str] = list(s.problems)
        if not name:
            problems.append(Problem("Scenarios", s.row, "", "Name is required"))
            continue
        key = group_key(name)
        if key == group_key(BASE_NAME):
            problems.append(Problem("Scenarios", s.row, name,
                                    f"the name {shown(BASE_NAME)} is kept for the Incidents as entered"))
            continue
        if key in names:
            problems.append(Problem("Scenarios", s.row, name,
                                    f"scenario {shown(name)} is already defined on row {names[key]}"))
            continue
        names[key] = s.row
        own_schedule = schedule
        try:
            if s.schedule is not None:
                own_schedule = check_schedule(s.schedule)
        except HipaaInputError as exc:
            reasons.append(f"Schedule: {exc.message}")
        own_as_of = s.as_of if s.as_of is not None else as_of
        for reason in reasons:
            problems.append(Problem("Scenarios", s.row, name, reason))
        where = f"Scenarios row {s.row}: " if s.row is not None else ""
        out.append(_Spec(name, s.description, s.probability, own_schedule, own_as_of, s.row,
                         [where + r for r in reasons]))
    return out


def _read_change(
    ch: ChangeInput,
    incidents: Sequence[Incident],
    ids: dict[str, list[int]],
    unpriced_ids: Mapping[str, InvalidIncident],
    by_name: dict[str, _Spec],
    seen: dict[tuple[str, int, str], int | None],
    problems: list[Problem],
    bad_scenarios: dict[str, list[str]],
) -> Change | None:
    """One change checked: scenario, incident, field, value, not a second change of one field."""
    scenario = ch.scenario
    spec = by_name.get(group_key(scenario)) if scenario else None
    reason: str | None = None
    field = ch.field
    incident_id = ch.incident_id
    index: int | None = None
    if not scenario:
        reason = "Scenario is required"
    elif spec is None:
        reason = (f"no scenario named {shown(scenario)} in the Scenarios table" if group_key(scenario) !=
                  group_key(BASE_NAME) else f"{shown(BASE_NAME)} is the Incidents as entered: change Incidents instead")
    elif not incident_id:
        reason = "Incident ID is required"
    elif field not in CHANGEABLE_FIELDS and field != EXCLUDED:
        reason = (f"Field {shown(field)} cannot be changed by a scenario; choose one of: "
                  f"{', '.join(f.replace('_', ' ').capitalize() for f in CHANGEABLE_FIELDS)}, Excluded"
                  if field else "Field is required")
    else:
        found = ids.get(id_key(incident_id), [])
        if len(found) > 1:
            reason = f"incident ID {shown(incident_id)} is used by {len(found)} incidents"
        elif not found and id_key(incident_id) not in unpriced_ids:
            reason = f"no incident with ID {shown(incident_id)} on the Incidents sheet"
        elif found:
            index = found[0]
    value: Any = None
    printed = ""
    if reason is None:
        if ch.value_problem is not None:
            reason = ch.value_problem
        else:
            value, printed = ch.value, ch.shown_value
    if reason is None and field == "duplicate_of" and value is not None and index is not None:
        reason = _check_duplicate_target(incidents[index], str(value), incidents, ids)
    if reason is None and spec is not None:
        key = (group_key(spec.name), index if index is not None else -1, field)
        if key in seen:
            first = seen[key]
            reason = (f"{field_label(field)} of {incident_id} is already changed in this scenario"
                      + (f" on row {first}" if first is not None else ""))
        else:
            seen[key] = ch.row
    if reason is not None:
        shown_name = spec.name if spec is not None else ""  # the reason names an unknown scenario
        problems.append(Problem("ScenarioChanges", ch.row, shown_name, reason))
        if spec is not None:
            where = f"ScenarioChanges row {ch.row}: " if ch.row is not None else ""
            bad_scenarios[group_key(spec.name)].append(where + reason)
        return None
    assert spec is not None
    canonical = incidents[index].id if index is not None else incident_id
    return Change(spec.name, canonical, field, value, ch.reason, ch.row, printed)


def field_label(field: str) -> str:
    """An engine field name as the Incidents header says it ("Duplicate of"); Excluded for :data:`EXCLUDED`."""
    return "Excluded" if field == EXCLUDED else field.replace("_", " ").capitalize()


def _check_duplicate_target(
    incident: Incident, target: str, incidents: Sequence[Incident], ids: dict[str, list[int]]
) -> str | None:
    if id_key(target) == id_key(incident.id):
        return "Duplicate of: an incident cannot be a duplicate of itself"
    same_entity = [i for i in ids.get(id_key(target), []) if set(liable_keys(incidents[i])) & set(liable_keys(incident))]
    if not same_entity:
        return f"Duplicate of: {shown(target)} is not an incident of {shown(incident.entity)}"
    return None


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
