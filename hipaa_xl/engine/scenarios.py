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

The probability-weighted figures are a weighting of the user's own probabilities, never a
prediction; they exist only when every scenario has a probability, the probabilities add up to
100% and every scenario could be computed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from hipaa_xl import cells
from hipaa_xl.engine.aggregate import aggregate
from hipaa_xl.engine.incidents import Aggregation, ExposureRow, GroupTotal, Incident, InvalidIncident, group_key
from hipaa_xl.engine.tiers import derive_tier, parse_tier
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
_DATE_FIELDS = frozenset({"start", "end", "known", "corrected", "cure_period_ends"})
PUNISHABLE = "Punishable"
"""The third state of "Criminal penalty imposed": an offense punishable under 1320d-6, no penalty
imposed (160.410(a)(1)); the Incidents column's word (``workbook.columns.PUNISHABLE``, tested equal)."""
_WEIGHT_TOLERANCE = 1e-9
MOVERS = 3
"""How many groups a scenario lists as moving most against the base."""
WEIGHTED_LABEL = "Probability-weighted (a weighting of your own probabilities, not a prediction)"

Table = Literal["Scenarios", "ScenarioChanges"]


def field_key(text: object) -> str:
    """A field name as typed ("Duplicate of", "duplicate_of", "Federal action pending") -> engine key."""
    return re.sub(r"[\s\-_]+", "_", str(text if text is not None else "").strip().casefold())


@dataclasses.dataclass(frozen=True, slots=True)
class ScenarioInput:
    """One row of the Scenarios table, as read (values are parsed and checked by the engine)."""

    name: object
    description: object = None
    probability: object = None
    """A fraction (0.4 is 40%, the value of a percentage-formatted cell) or text such as "40%"."""
    schedule: object = None
    """Blank: the base schedule (Settings)."""
    as_of: object = None
    """Blank: the base as-of date (Settings)."""
    row: int | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class ChangeInput:
    """One row of the ScenarioChanges table, as read."""

    scenario: object
    incident_id: object
    field: object
    value: object = None
    reason: object = None
    row: int | None = None


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


# ---------------------------------------------------------------- parsing one cell of a change


def _text(value: object) -> str:
    """A cell's text (:func:`cells.cell_text`) with runs of white space read as one space."""
    return " ".join(cells.cell_text(value).split())


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_probability(value: object) -> float | None:
    """A probability: a fraction 0-1 (a percentage-formatted cell holds 0.4 for 40%) or "40%" text."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise HipaaInputError(f"Probability must be a percentage (got {shown(value)})")
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            raise HipaaInputError(f"Probability must be a percentage such as 40% (got {shown(value)})") from None
    elif isinstance(value, int | float):
        number = float(value)
    else:
        raise HipaaInputError(f"Probability must be a percentage (got {shown(value)})")
    if math.isnan(number) or not 0 <= number <= 1:
        raise HipaaInputError(f"Probability must be between 0% and 100% (got {number * 100:g}%)")
    return number


def _parse_value(field: str, value: object) -> tuple[Any, str]:
    """The parsed value of one change and its printed form; HipaaInputError with the reason."""
    if field == EXCLUDED:
        if _blank(value):
            return True, "excluded"
        excluded = cells.parse_bool(value, "Excluded")
        return excluded, "excluded" if excluded else "not excluded"
    if field in _DATE_FIELDS:
        day = cells.parse_date(value, field.replace("_", " ").capitalize())
        if day is None and field == "start":
            raise HipaaInputError("Start cannot be blank (every incident needs a Start date)")
        return day, day.isoformat() if day else "blank"
    if field == "federal_action_pending":
        flag = cells.parse_bool(value, "Federal action pending")
        return flag, "Yes" if flag else "No"
    if field == "criminal_penalty_imposed":  # (imposed, punishable only), as the Incidents column reads
        if isinstance(value, str) and value.strip().casefold() == PUNISHABLE.casefold():
            return (False, True), PUNISHABLE
        flag = cells.parse_bool(value, "Criminal penalty imposed")
        return (flag, False), "Yes" if flag else "No"
    if field == "violations":
        if _blank(value):
            return None, "blank (a continuing violation, one a day)"
        n = cells.count_from_cell(value, "Violations")
        return n, f"{n:,}"
    if field == "tier":
        if _blank(value):
            return None, "blank (derived from the Culpability)"
        tier = parse_tier(value)
        return tier, tier
    if field == "culpability":
        if _blank(value):
            return None, "blank"
        derive_tier(value, None, None)  # rejects words outside the vocabulary (decisions 5)
        return _text(value), _text(value)
    assert field == "duplicate_of"
    text = _text(value)
    return (text or None), (text or "blank (not a duplicate)")


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
        ids.setdefault(inc.id.strip().casefold(), []).append(i)
    unpriced_ids = {u.incident_id.strip().casefold(): u for u in unpriced if u.incident_id.strip()}
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
    index = _BaseIndex(incidents, ids, base_agg, commenced, general_forms)
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
        name = _text(s.name)
        reasons: list[str] = []
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
        probability = None
        try:
            probability = parse_probability(s.probability)
        except HipaaInputError as exc:
            reasons.append(exc.message)
        own_schedule = schedule
        try:
            if not _blank(s.schedule):
                own_schedule = check_schedule(_text(s.schedule))
        except HipaaInputError as exc:
            reasons.append(f"Schedule: {exc.message}")
        own_as_of = as_of
        try:
            day = cells.parse_date(s.as_of, "As-of")
            own_as_of = day if day is not None else as_of
        except (HipaaInputError, cells.CellError) as exc:
            reasons.append(exc.message if isinstance(exc, HipaaInputError) else f"As-of holds {exc.text}")
        for reason in reasons:
            problems.append(Problem("Scenarios", s.row, name, reason))
        where = f"Scenarios row {s.row}: " if s.row is not None else ""
        out.append(_Spec(name, _text(s.description), probability, own_schedule, own_as_of, s.row,
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
    scenario = _text(ch.scenario)
    spec = by_name.get(group_key(scenario)) if scenario else None
    reason: str | None = None
    field = field_key(ch.field)
    incident_id = _text(ch.incident_id)
    index: int | None = None
    if not scenario:
        reason = "Scenario is required"
    elif spec is None:
        reason = (f"no scenario named {shown(scenario)} in the Scenarios table" if group_key(scenario) !=
                  group_key(BASE_NAME) else f"{shown(BASE_NAME)} is the Incidents as entered: change Incidents instead")
    elif not incident_id:
        reason = "Incident ID is required"
    elif field not in CHANGEABLE_FIELDS and field != EXCLUDED:
        reason = (f"Field {shown(_text(ch.field))} cannot be changed by a scenario; choose one of: "
                  f"{', '.join(f.replace('_', ' ').capitalize() for f in CHANGEABLE_FIELDS)}, Excluded"
                  if _text(ch.field) else "Field is required")
    else:
        found = ids.get(incident_id.casefold(), [])
        if len(found) > 1:
            reason = f"incident ID {shown(incident_id)} is used by {len(found)} incidents"
        elif not found and incident_id.casefold() not in unpriced_ids:
            reason = f"no incident with ID {shown(incident_id)} on the Incidents sheet"
        elif found:
            index = found[0]
    value: Any = None
    printed = ""
    if reason is None:
        try:
            value, printed = _parse_value(field, ch.value)
        except HipaaInputError as exc:
            reason = f"{_field_label(field)}: {exc.message}"
        except cells.CellError as exc:
            reason = f"{_field_label(field)}: the Value cell holds the error {exc.text}"
    if reason is None and field == "duplicate_of" and value is not None and index is not None:
        reason = _check_duplicate_target(incidents[index], str(value), incidents, ids)
    if reason is None and spec is not None:
        key = (group_key(spec.name), index if index is not None else -1, field)
        if key in seen:
            first = seen[key]
            reason = (f"{_field_label(field)} of {incident_id} is already changed in this scenario"
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
    return Change(spec.name, canonical, field, value, _text(ch.reason), ch.row, printed)


def _field_label(field: str) -> str:
    return "Excluded" if field == EXCLUDED else field.replace("_", " ").capitalize()


def change_lines(result: ScenarioSet) -> list[tuple[str, str, str, str, str]]:
    """Every change that applies, for a memo or a terminal: (scenario, incident ID, field, value,
    reason); the value is blank for Excluded."""
    return [(s.name, c.incident_id, _field_label(c.field), "" if c.field == EXCLUDED else c.shown_value, c.reason)
            for s in result.scenarios for c in s.changes]


def _check_duplicate_target(
    incident: Incident, target: str, incidents: Sequence[Incident], ids: dict[str, list[int]]
) -> str | None:
    if target.casefold() == incident.id.strip().casefold():
        return "Duplicate of: an incident cannot be a duplicate of itself"
    same_entity = [i for i in ids.get(target.casefold(), []) if _liable(incidents[i]) & _liable(incident)]
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
        found = ids.get(ch.incident_id.strip().casefold())
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


def _changed_incident(
    inc: Incident, update: dict[str, Any] | None, gone: set[str], notes: list[str]
) -> Incident:
    if update:
        inc = inc.model_copy(update=update)
    if inc.duplicate_of and inc.duplicate_of.strip().casefold() in gone:
        notes.append(
            f"{inc.id} was counted under {inc.duplicate_of.strip()}, which this scenario excludes: "
            f"{inc.id} is counted on its own (45 CFR 160.404(b)(3) allows one penalty, not none)"
        )
        inc = inc.model_copy(update={"duplicate_of": None})
    return inc


def apply_changes(incidents: Sequence[Incident], changes: Iterable[Change]) -> tuple[list[Incident], list[str]]:
    """The incidents of a scenario: changes applied, excluded ones left out (pure; the input is kept).

    Returns the incidents and notes for the reader. A duplicate (160.404(b)(3)) whose counted
    incident is excluded is counted on its own: the rule allows one penalty for one failure, and
    with the counted one gone there is no other.
    """
    ids: dict[str, list[int]] = {}
    for i, inc in enumerate(incidents):
        ids.setdefault(inc.id.strip().casefold(), []).append(i)
    updates, excluded = _updates(changes, ids)
    gone = {incidents[i].id.strip().casefold() for i in excluded}
    notes: list[str] = []
    out = [_changed_incident(inc, updates.get(i), gone, notes) for i, inc in enumerate(incidents) if i not in excluded]
    return out, notes


_Pair = tuple[str, str]


def _group_entity(inc: Incident) -> str:
    """The entity key an incident is grouped and capped under: its affiliated covered entity's when
    it names one (160.402(b)(2)), else its own."""
    return group_key((inc.affiliated_covered_entity or "").strip() or inc.entity)


def _liable(inc: Incident) -> set[str]:
    """The entity keys a "Duplicate of" target may share with ``inc``: its entity and its affiliated
    covered entity (members of one affiliated covered entity answer for one act)."""
    ace = (inc.affiliated_covered_entity or "").strip()
    return {group_key(inc.entity), group_key(ace)} if ace else {group_key(inc.entity)}


class _BaseIndex:
    """The base matter indexed once by (entity, requirement) pair, so that each scenario only
    re-aggregates the pairs it touches. A change cannot move an incident to another pair (Entity,
    Affiliated covered entity and Requirement are not fields a scenario changes); pairs linked by a
    "Duplicate of" are aggregated together, since a duplicate's status depends on its target's."""

    def __init__(
        self, incidents: Sequence[Incident], ids: Mapping[str, Sequence[int]], base: Aggregation,
        commenced: dt.date | None, general_forms: Mapping[str, str] | None,
    ) -> None:
        self.incidents = incidents
        self.ids = ids
        self.base = base
        self.commenced = commenced
        self.general_forms = general_forms
        self.pair_of: list[_Pair] = [(_group_entity(i), group_key(i.requirement)) for i in incidents]
        self.members: dict[_Pair, list[int]] = {}
        for i, pair in enumerate(self.pair_of):
            self.members.setdefault(pair, []).append(i)
        self.duplicates_of: dict[int, list[int]] = {}
        """Target position -> the positions of the incidents marked "Duplicate of" it."""
        self.links: dict[_Pair, set[_Pair]] = {}
        for i, inc in enumerate(incidents):
            for t in self.targets(inc):
                self.duplicates_of.setdefault(t, []).append(i)
                self.link(self.links, self.pair_of[i], self.pair_of[t])
        self.groups: dict[_Pair, list[GroupTotal]] = {}
        self.figures: dict[_Pair, Figures] = {}
        self.entity_names: dict[str, str] = {}
        self.requirement_names: dict[str, str] = {}
        for g in base.groups:
            pair = (g.entity_key, g.requirement_key)
            self.groups.setdefault(pair, []).append(g)
            self.figures[pair] = self.figures.get(pair, Figures()) + Figures.of(g)
            self.entity_names.setdefault(g.entity_key, g.entity)
            self.requirement_names.setdefault(g.requirement_key, g.requirement)
        self.rows: dict[_Pair, list[ExposureRow]] = {}
        for r in base.rows:
            self.rows.setdefault((r.entity_key, r.requirement_key), []).append(r)
        self.entities: dict[str, Figures] = {}
        for pair, f in self.figures.items():
            self.entities[pair[0]] = self.entities.get(pair[0], Figures()) + f

    def targets(self, inc: Incident) -> list[int]:
        """The positions of the incidents ``inc``'s "Duplicate of" names (same liable entity)."""
        if not inc.duplicate_of:
            return []
        mine = _liable(inc)
        return [t for t in self.ids.get(inc.duplicate_of.strip().casefold(), [])
                if _liable(self.incidents[t]) & mine]

    @staticmethod
    def link(links: dict[_Pair, set[_Pair]], a: _Pair, b: _Pair) -> None:
        if a != b:
            links.setdefault(a, set()).add(b)
            links.setdefault(b, set()).add(a)

    def aggregate(self, incidents: Iterable[Incident], schedule: str, as_of: dt.date) -> Aggregation:
        """The one public aggregation, with the matter's commencement date and general forms."""
        return aggregate(incidents, schedule, as_of, self.commenced, self.general_forms)

    def closure(self, pairs: set[_Pair], changed: Mapping[int, Incident]) -> set[_Pair]:
        """``pairs`` and every pair linked to them by a "Duplicate of", in the base or as changed."""
        links = self.links
        extra: dict[_Pair, set[_Pair]] = {}
        for i, inc in changed.items():
            for t in self.targets(inc):
                self.link(extra, self.pair_of[i], self.pair_of[t])
        todo = list(pairs)
        while todo:
            pair = todo.pop()
            for other in (*links.get(pair, ()), *extra.get(pair, ())):
                if other not in pairs:
                    pairs.add(other)
                    todo.append(other)
        return pairs


@dataclasses.dataclass(slots=True)
class _Priced:
    aggregation: Aggregation
    notes: list[str]
    touched_ids: set[str]
    pairs: set[_Pair] | None
    """The pairs aggregated again; None after a full aggregation."""
    new_groups: tuple[GroupTotal, ...] = ()
    """The groups of those pairs (all groups after a full aggregation)."""


def _scenario_aggregation(index: _BaseIndex, changes: Sequence[Change], schedule: str, as_of: dt.date) -> _Priced:
    """The aggregation of the scenario's incidents, reusing the base where it can.

    Same schedule and as-of date as the base: only the (entity, requirement) pairs of the touched
    incidents are aggregated again (with every incident of those pairs, and of the pairs linked to
    them by a "Duplicate of"); every other group is the base's. Otherwise a full aggregation.
    """
    incidents, base = index.incidents, index.base
    updates, excluded = _updates(changes, index.ids)
    gone = {incidents[i].id.strip().casefold() for i in excluded}
    touched = set(updates) | excluded
    for i in excluded:  # a duplicate of an excluded incident is counted on its own: it changes too
        touched.update(d for d in index.duplicates_of.get(i, []) if d not in excluded)
    notes: list[str] = []
    changed = {i: _changed_incident(incidents[i], updates.get(i), gone, notes) for i in sorted(touched - excluded)}
    touched_ids = {incidents[i].id.strip().casefold() for i in touched}
    if schedule != base.schedule or as_of != base.as_of:
        everything = [changed.get(i, inc) for i, inc in enumerate(incidents) if i not in excluded]
        full = index.aggregate(everything, schedule, as_of)
        return _Priced(full, notes, touched_ids, None, full.groups)
    pairs = index.closure({index.pair_of[i] for i in touched}, changed)
    positions = sorted(i for pair in pairs for i in index.members[pair] if i not in excluded)
    sub = index.aggregate([changed.get(i, incidents[i]) for i in positions], schedule, as_of)
    moved_ids = {incidents[i].id.strip().casefold() for pair in pairs for i in index.members[pair]}
    rows: list[ExposureRow] = [r for pair, rs in index.rows.items() if pair not in pairs for r in rs]
    rows += sub.rows
    groups = [g for pair, gs in index.groups.items() if pair not in pairs for g in gs]
    for g in sub.groups:  # the base's spelling of each name (decisions 7: the first one seen)
        g.entity = index.entity_names.get(g.entity_key, g.entity)
        g.requirement = index.requirement_names.get(g.requirement_key, g.requirement)
        groups.append(g)
    invalid = [v for v in base.invalid if v.incident_id.strip().casefold() not in moved_ids]
    invalid += sub.invalid
    warnings = list(base.warnings) + [w for w in sub.warnings if w not in base.warnings]
    agg = Aggregation(schedule, as_of, tuple(rows), tuple(groups), tuple(invalid), tuple(warnings))
    return _Priced(agg, notes, touched_ids, pairs, sub.groups)


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


def _named(index: _BaseIndex, per_key: Mapping[str, Figures]) -> dict[str, Figures]:
    """Per-entity figures under the base's spelling, in the base's order (entities it lacks last)."""
    keys = [*index.entities, *(k for k in per_key if k not in index.entities)]
    return {index.entity_names.get(k, k): per_key.get(k, Figures()) for k in keys}


def _price_base(
    result: ScenarioResult, index: _BaseIndex, unpriced: Sequence[InvalidIncident]
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
    index: _BaseIndex,
    unpriced: Sequence[InvalidIncident],
    problems: list[Problem],
) -> _Priced | None:
    """Price one scenario into ``result``; None when it cannot be aggregated at all."""
    try:
        priced = _scenario_aggregation(index, result.changes, result.schedule, result.as_of)
    except HipaaInputError as exc:  # e.g. its own as-of date before the action commenced
        where = f"Scenarios row {result.row}: " if result.row is not None else ""
        problems.append(Problem("Scenarios", result.row, result.name, exc.message))
        result.problems = (*result.problems, where + exc.message)
        return None
    agg = priced.aggregation
    excluded = {c.incident_id.strip().casefold() for c in result.changes if c.field == EXCLUDED and c.value}
    blocking = [_unpriced_text(v) for v in unpriced if v.incident_id.strip().casefold() not in excluded
                or not v.incident_id.strip()]
    reasons: list[str] = []
    already = {(v.incident_id.strip().casefold(), v.reason) for v in index.base.invalid}
    for v in agg.invalid:
        key = v.incident_id.strip().casefold()
        rows = [c.row for c in result.changes if c.incident_id.strip().casefold() == key]
        if key in priced.touched_ids and rows and (key, v.reason) not in already:  # the change's doing
            text = f"{v.incident_id} as changed cannot be priced: {v.reason}"
            for row in rows:
                problems.append(Problem("ScenarioChanges", row, result.name, text))
            shown = ", ".join(str(r) for r in rows if r is not None)
            reasons.append(f"ScenarioChanges row{'s' if len(rows) > 1 else ''} {shown}: {text}" if shown else text)
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


def _compare(result: ScenarioResult, base: ScenarioResult, index: _BaseIndex, priced: _Priced) -> None:
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
        shown = a if a is not None else b
        assert shown is not None
        moves.append(GroupMove(shown.entity, shown.requirement, shown.year,
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


def as_json(result: ScenarioSet) -> dict[str, Any]:
    """The scenario table for scripts (issue 14): ``scenarios``, one object per scenario (the base
    first) with ``scenario``, ``probability``, ``minimum``, ``maximum``, ``ag_damages``,
    ``time_barred_maximum`` and ``entities`` (the same figures per entity), then ``weighted_minimum``
    and ``weighted_maximum`` when they exist. A figure is null where the scenario cannot be computed.
    """
    def figures(f: Figures | None) -> dict[str, Any]:
        keys = ("minimum", "maximum", "ag_damages", "time_barred_maximum")
        return {k: (getattr(f, k) if f is not None else None) for k in keys}

    out: list[dict[str, Any]] = []
    for r in result.all:
        entry: dict[str, Any] = {"scenario": r.name, "probability": r.probability, **figures(r.total)}
        entry["entities"] = [{"entity": name, **figures(f)} for name, f in r.entities.items()]
        out.append(entry)
    data: dict[str, Any] = {"scenarios": out}
    if result.weighted is not None:
        data["weighted_minimum"] = result.weighted.minimum
        data["weighted_maximum"] = result.weighted.maximum
    return data
