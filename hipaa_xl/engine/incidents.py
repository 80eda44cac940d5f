"""Incidents as a lawyer records them, and the exposure rows the engine derives from them.

One incident is one failure to meet one requirement by one entity. Violations given: that many
violations dated Start. Violations blank with Start and End: a continuing violation, one per day
(45 CFR 160.406), split by calendar year and by regime (pre-2009, unadjusted, inflation-adjusted).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hipaa_xl.law.models import Tier
from hipaa_xl.law.schedules import Amounts, Regime
from hipaa_xl.money import dollars

_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=65536)
def group_key(text: str) -> str:
    """Entity and requirement keys: trimmed, inner whitespace collapsed, case-folded (decisions 7)."""
    return _SPACES.sub(" ", text).strip().casefold()


def id_key(incident_id: str) -> str:
    """An incident ID as it is matched (Duplicate of, a scenario's change): trimmed and case-folded."""
    return incident_id.strip().casefold()


class Incident(BaseModel):
    """One row of the Incidents table."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    entity: str
    requirement: str
    description: str = ""
    culpability: str | None = None
    tier: str | None = None
    """A typed tier (A-D, 1-4 or culpability words); it wins over the one derived from culpability."""
    start: dt.date | None = None
    end: dt.date | None = None
    violations: int | None = Field(default=None)
    known: dt.date | None = None
    corrected: dt.date | None = None
    cure_period_ends: dt.date | None = None
    """The last day of the cure period as the Secretary extended it (1320d-5(b)(2)(B)(i)); blank:
    known + 29."""
    duplicate_of: str | None = None
    federal_action_pending: bool = False
    criminal_penalty_imposed: bool = False
    """A penalty under 1320d-6 has been imposed for the act (160.410(a)(2); 1320d-5(b)(1))."""
    criminal_offense_punishable: bool = False
    """The act is an offense punishable under 1320d-6 (no penalty imposed yet): bars a CMP assessed
    before 2011-02-18 (160.410(a)(1)), nothing after."""
    affiliated_covered_entity: str | None = None
    """The affiliated covered entity whose act this is (160.402(b)(2)): the incident is grouped and
    capped under it, its members jointly and severally liable for one amount."""
    factors: str = ""
    commenced: dt.date | None = None
    """The date this incident's action commenced (the notice of proposed determination, 160.420);
    blank: the matter's date (Settings), else the as-of date. The six-year limitation is measured to
    it (160.414) and no violation runs past it (160.420(a), 160.422)."""
    row: int | None = None
    """Where the incident came from (a sheet row), for messages."""


Status = Literal["counted", "cured", "criminal", "duplicate", "no penalty"]
AgStatus = Literal[
    "eligible", "cured", "criminal", "duplicate", "pre-2009", "deferred", "time-barred", "no violations"
]


@dataclasses.dataclass(slots=True)
class IncidentFacts:
    """What every exposure row of one incident shares: who, which requirement, the tier, the end, why."""

    incident: Incident
    entity: str
    """The entity as typed, trimmed."""
    requirement: str
    entity_key: str
    """The key of the person the caps apply to: the affiliated covered entity's when one is given."""
    requirement_key: str
    affiliated_covered_entity: str
    """The affiliated covered entity the rows are capped under (160.402(b)(2)); "" when none."""
    kind: Literal["continuing", "count"]
    tier: Tier
    tier_reason: str
    status: Status
    """The incident's status before the amounts are known (a row may still turn "no penalty")."""
    status_reason: str
    effective_end: dt.date | None
    effective_end_reason: str
    limitation_citation: str
    warnings: tuple[str, ...]
    limitation_to: dt.date | None = None
    """The date the six-year limitation was measured to for this incident: its action's commencement,
    else the as-of (assessment) date (160.414)."""
    limitation_to_source: str = ""
    """Where ``limitation_to`` comes from: "Incidents" (the row's Action commenced on), "Settings"
    (the matter's), or "as-of date"."""


@dataclasses.dataclass(slots=True)
class ExposureRow:
    """One incident x calendar year x regime segment, with its figures and reasons.

    The row holds what is its own (the segment, the counts, the figures) and refers to what it
    shares: the incident's facts and the amounts of its tier and regime, read through properties.
    """

    facts: IncidentFacts
    amounts: Amounts
    year: int
    segment_start: dt.date
    segment_end: dt.date
    status: Status
    violations: int
    """Violations in time (not time-barred) in this segment, before cure, duplicate or criminal bars."""
    time_barred_violations: int
    minimum: int
    maximum: int
    time_barred_maximum: int
    ag_status: AgStatus
    ag_damages: int | float

    @property
    def incident_id(self) -> str:
        """The incident's ID as typed."""
        return self.facts.incident.id

    @property
    def entity(self) -> str:
        """The entity as typed, trimmed."""
        return self.facts.entity

    @property
    def requirement(self) -> str:
        """The requirement as typed, trimmed."""
        return self.facts.requirement

    @property
    def entity_key(self) -> str:
        """The key of the person the caps apply to."""
        return self.facts.entity_key

    @property
    def requirement_key(self) -> str:
        """The requirement's grouping key (identical requirements share it)."""
        return self.facts.requirement_key

    @property
    def affiliated_covered_entity(self) -> str:
        """The affiliated covered entity the row is capped under; "" when none."""
        return self.facts.affiliated_covered_entity

    @property
    def kind(self) -> Literal["continuing", "count"]:
        """"continuing" (one violation a day) or "count" (Violations given)."""
        return self.facts.kind

    @property
    def effective_end(self) -> dt.date | None:
        """The incident's last day in violation; None for a count."""
        return self.facts.effective_end

    @property
    def effective_end_reason(self) -> str:
        """Why the effective end is that day."""
        return self.facts.effective_end_reason

    @property
    def tier(self) -> Tier:
        """The culpability tier."""
        return self.facts.tier

    @property
    def tier_reason(self) -> str:
        """Why that tier."""
        return self.facts.tier_reason

    @property
    def status_reason(self) -> str:
        """Why the row is counted or not; "no penalty" cites the amounts that allow none."""
        return self.amounts.maximum_citation if self.status == "no penalty" else self.facts.status_reason

    @property
    def regime(self) -> Regime:
        """The regime of the segment's amounts."""
        return self.amounts.regime

    @property
    def cap(self) -> int:
        """The calendar-year cap of the segment's tier and regime."""
        return self.amounts.cap

    @property
    def cap_citation(self) -> str:
        """Where the cap comes from."""
        return self.amounts.cap_citation

    @property
    def source(self) -> str:
        """The table the amounts come from."""
        return self.amounts.source

    @property
    def limitation_citation(self) -> str:
        """The limitation rule applied."""
        return self.facts.limitation_citation

    @property
    def warnings(self) -> tuple[str, ...]:
        """The incident's warnings (every row of an incident carries the same)."""
        return self.facts.warnings

    @property
    def limitation_to(self) -> dt.date | None:
        """The date the limitation was measured to: the action's commencement, else the as-of date."""
        return self.facts.limitation_to

    @property
    def ag_explanation(self) -> str:
        """The AG status in words: only days still in time are deferred; barred days stay barred."""
        if self.ag_status == "deferred" and self.time_barred_violations:
            return (
                f"{self.violations} day(s) deferred while the federal action is pending (1320d-5(d)(7)), "
                f"{self.time_barred_violations} time-barred for good (1320d-5(d)(8))"
            )
        if self.ag_status == "deferred":
            return (
                "deferred while the federal action is pending (1320d-5(d)(7)); measured at the CMP date, "
                "the AG's own six years running to the AG's filing ((d)(8))"
            )
        if self.ag_status == "time-barred":
            return "time-barred (1320d-5(d)(8)), whether or not a federal action is pending"
        return self.ag_status

    @property
    def explanation(self) -> str:
        """The row's figures in words, with the rules that produced them."""
        ace = (
            f"; capped under the affiliated covered entity {self.affiliated_covered_entity}"
            if self.affiliated_covered_entity
            else ""
        )
        return (
            f"{self.incident_id} {self.year} {self.segment_start.isoformat()}..{self.segment_end.isoformat()}: "
            f"{self.violations} violation(s) in time, {self.time_barred_violations} time-barred "
            f"[{self.limitation_citation}]; {self.tier_reason}; {self.status_reason}; {self.regime} amounts "
            f"({self.source}); statutory minimum (if a CMP is imposed) {dollars(self.minimum)}, maximum "
            f"{dollars(self.maximum)}, cap {dollars(self.cap)} [{self.cap_citation}]{ace}; AG damages "
            f"{dollars(self.ag_damages)} ({self.ag_explanation})"
        )


@dataclasses.dataclass(slots=True)
class InvalidIncident:
    """An incident the engine cannot price, with the reason; the valid rows go on without it."""

    incident_id: str
    row: int | None
    reason: str


@dataclasses.dataclass(slots=True)
class GroupPart:
    """The rows of one (tier, regime) inside a group, capped by that part's own cap."""

    tier: Tier
    regime: Regime
    cap: int
    cap_citation: str
    violations: int
    minimum: int
    maximum: int
    time_barred_maximum: int


@dataclasses.dataclass(slots=True)
class GroupTotal:
    """One (entity, identical requirement, calendar year): the unit the caps apply to."""

    entity: str
    requirement: str
    entity_key: str
    requirement_key: str
    year: int
    violations: int
    time_barred_violations: int
    minimum: int
    maximum: int
    time_barred_maximum: int
    ag_damages: int | float
    ag_deferred: bool
    parts: tuple[GroupPart, ...]
    largest_cap: int
    ag_cap: int
    members: tuple[str, ...] = ()
    """For an affiliated covered entity (``entity``): its members, jointly and severally liable for
    this one amount (160.402(b)(2)); empty otherwise."""
    limitation_to: dt.date | None = None
    """The date the six-year limitation ran to for this group (160.414): the commencement of the
    action its incidents belong to, else the as-of (assessment) date; with incidents of several
    actions, the earliest of their dates (``limitation_dates`` lists them all)."""
    limitation_dates: tuple[dt.date, ...] = ()
    """Every date the group's incidents were measured to, earliest first."""

    @property
    def largest_part(self) -> GroupPart:
        """The part whose cap bounds the group's total (the largest cap; the first such part)."""
        return max(self.parts, key=lambda p: p.cap)

    @property
    def liable(self) -> str:
        """Who owes the group's amount: the entity, or the members of the affiliated covered entity
        jointly and severally (160.402(b)(2))."""
        if not self.members:
            return self.entity
        return (
            f"{self.entity} (affiliated covered entity): {', '.join(self.members)} jointly and severally "
            "liable for one amount, 45 CFR 160.402(b)(2)"
        )

    @property
    def explanation(self) -> str:
        """How the caps were applied to this group, citing the cap that actually bounds it."""
        mixed = (
            f" Parts ({', '.join(f'tier {p.tier} {p.regime}' for p in self.parts)}) are each capped by their "
            f"own cap and the total by the largest, {dollars(self.largest_cap)}."
            if len(self.parts) > 1
            else ""
        )
        return (
            f"{self.liable}, {self.requirement}, {self.year}: statutory minimum (if a CMP is imposed) "
            f"{dollars(self.minimum)}, maximum {dollars(self.maximum)} after the calendar-year cap for identical "
            f"violations [{self.largest_part.cap_citation}].{mixed} AG damages {dollars(self.ag_damages)} (at most "
            f"{dollars(self.ag_cap)} a year for the group, 42 U.S.C. 1320d-5(d)(2))."
        )


@dataclasses.dataclass(slots=True)
class Aggregation:
    """The exposure of a whole matter: rows, capped groups, invalid incidents and warnings.

    The result records are slotted dataclasses rather than pydantic models: they are built by the
    engine from validated input, and building ten thousand pydantic (or frozen) records cost several
    times more. Treat them as read-only.
    """

    schedule: str
    as_of: dt.date
    rows: tuple[ExposureRow, ...]
    groups: tuple[GroupTotal, ...]
    invalid: tuple[InvalidIncident, ...]
    warnings: tuple[str, ...]

    def entity_totals(self) -> dict[str, tuple[int, int, int | float]]:
        """(minimum, maximum, AG damages) per entity, in first-seen order."""
        out: dict[str, tuple[int, int, int | float]] = {}
        for g in self.groups:
            lo, hi, ag = out.get(g.entity, (0, 0, 0))
            out[g.entity] = (lo + g.minimum, hi + g.maximum, ag + g.ag_damages)
        return out

    def grand_total(self) -> tuple[int, int, int | float]:
        """(minimum, maximum, AG damages) over every group."""
        return (
            sum(g.minimum for g in self.groups),
            sum(g.maximum for g in self.groups),
            sum(g.ag_damages for g in self.groups),
        )
