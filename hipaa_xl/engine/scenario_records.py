"""The records of scenarios: the typed rows the workbook reader hands in (:class:`ScenarioInput`,
:class:`ChangeInput`), the figures handed back (:class:`ScenarioSet`), and the checks on the rows that
need the incidents and the other rows (unknown or repeated names, unknown incident IDs, a Duplicate-of
target of another entity (45 CFR 160.404(b)(3)), a field changed twice). Pricing and weighting are
:mod:`hipaa_xl.engine.scenarios`'."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Literal

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


MOVERS = 3
"""How many groups a scenario lists as moving most against the base."""


WEIGHTED_LABEL = "Probability-weighted (a weighting of your own probabilities, not a prediction)"


Table = Literal["Scenarios", "ScenarioChanges"]


@dataclasses.dataclass(frozen=True, slots=True)
class ScenarioInput:
    """One row of the Scenarios table, parsed (``workbook.scenario_tables.scenario_row`` reads the cells)."""


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
    """One row of the ScenarioChanges table, parsed (``workbook.scenario_tables.change_row``)."""


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


@dataclasses.dataclass(slots=True)
class CheckedScenario:
    name: str
    description: str
    probability: float | None
    schedule: str
    as_of: dt.date
    row: int | None
    problems: list[str]


def check_scenarios(
    rows: Sequence[ScenarioInput], schedule: str, as_of: dt.date, problems: list[Problem]
) -> list[CheckedScenario]:
    out: list[CheckedScenario] = []
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
        out.append(CheckedScenario(name, s.description, s.probability, own_schedule, own_as_of, s.row,
                         [where + r for r in reasons]))
    return out


def check_change(
    ch: ChangeInput,
    incidents: Sequence[Incident],
    ids: dict[str, list[int]],
    unpriced_ids: Mapping[str, InvalidIncident],
    by_name: dict[str, CheckedScenario],
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
