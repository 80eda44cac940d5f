"""From incidents to capped exposure per (entity, identical requirement, calendar year).

Rules applied (decisions.md 1-4, 7-10): continuing violations one per day through the effective end;
the six-year limitation day by day; the 30-day cure bars every day of an incident; no CMP or AG
damages after a criminal penalty (1320d-5(b)(1)); a duplicate of a more general requirement adds
nothing (160.404(b)(3)); each (tier, regime) part of a group is capped by its own calendar-year cap
and the group's total by the largest of those caps; AG damages are capped once per group.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import difflib
import functools
import gc
import re
from collections.abc import Iterable, Iterator

from hipaa_xl import clock
from hipaa_xl.engine.ag import ag_cap
from hipaa_xl.engine.days import first_day_in_time, segments
from hipaa_xl.engine.incidents import (
    Aggregation,
    AgStatus,
    ExposureRow,
    GroupPart,
    GroupTotal,
    Incident,
    IncidentFacts,
    InvalidIncident,
    Status,
    group_key,
)
from hipaa_xl.engine.penalties import check_count, range_for
from hipaa_xl.engine.tiers import derive_tier, is_cured, parse_tier
from hipaa_xl.errors import HipaaInputError, InvalidValue
from hipaa_xl.law.loader import load_rules, load_series
from hipaa_xl.law.models import Tier
from hipaa_xl.law.schedules import Amounts, check_schedule, newer_table_warning, resolve_amounts

ONE_DAY = dt.timedelta(days=1)
SPLIT_WARNING = "one cap applies; split the row by year for exact caps"


@functools.cache
def regime_boundaries(schedule: str) -> tuple[dt.date, ...]:
    """Days on which a new regime may begin: 2009-02-18, and 2015-11-03 under the 102.3 schedules."""
    hitech = load_rules().hitech_violations_from.value
    if schedule in ("regulation", "statute"):
        return (hitech,)
    return hitech, load_series().applicability.violations_after + ONE_DAY


def _effective_end(incident: Incident, as_of: dt.date) -> tuple[dt.date, str, list[str]]:
    """The last day in violation (decisions 1): End; else Corrected; else the as-of date; cut at as-of."""
    warnings: list[str] = []
    if incident.end is not None:
        end, reason = incident.end, "End as given"
    elif incident.corrected is not None:
        end, reason = incident.corrected, "no End: runs through the Corrected day"
    else:
        end, reason = as_of, "no End or Corrected: runs through the as-of date"
    if end > as_of:
        warnings.append(f"End {end.isoformat()} is after the as-of date {as_of.isoformat()}; cut there")
        end, reason = as_of, f"cut at the as-of date ({reason} was later)"
    return end, reason, warnings


@functools.lru_cache(maxsize=1024)
def _typed_tier(text: str) -> tuple[Tier, str]:
    """A typed Tier and its reason; a matter types the same few words thousands of times."""
    tier = parse_tier(text)
    return tier, f"tier {tier} as typed"


def _tier(incident: Incident) -> tuple[Tier, str, list[str]]:
    derived = None
    if incident.culpability not in (None, ""):
        derived = derive_tier(incident.culpability, incident.known, incident.corrected)
    if incident.tier not in (None, ""):
        tier, reason = _typed_tier(incident.tier)
        warnings = []
        if derived is not None and derived.tier != tier:
            warnings.append(
                f"typed Tier {tier} differs from the tier derived from the culpability ({derived.tier}); "
                "the typed Tier is used"
            )
        return tier, reason, warnings
    if derived is None:
        raise InvalidValue("give a Tier or a Culpability")
    return derived.tier, derived.reason, list(derived.warnings)


class _Pricer:
    """Prices the rows of one matter: one schedule, one as-of date."""

    def __init__(self, schedule: str, as_of: dt.date) -> None:
        self.schedule = schedule
        self.as_of = as_of
        self.first_in_time = first_day_in_time(as_of)
        self.limitation = load_rules().limitation_years.citation
        self.boundaries = regime_boundaries(schedule)
        self._amounts: dict[tuple[Tier, int], Amounts] = {}
        ag = load_rules().ag_damages
        self.ag_from, self.ag_rate, self.ag_cap = ag.violations_from.value, ag.per_violation.value, ag.cap.value

    def amounts(self, tier: Tier, day: dt.date) -> Amounts:
        """The amounts for a day; every day between two regime boundaries shares them."""
        key = (tier, bisect.bisect_right(self.boundaries, day))
        found = self._amounts.get(key)
        if found is None:
            found = self._amounts[key] = resolve_amounts(tier, day, self.schedule, self.as_of)
        return found

    def rows(self, inc: Incident, known_ids: dict[tuple[str, str], Incident]) -> list[ExposureRow]:
        entity, requirement = inc.entity.strip(), inc.requirement.strip()
        if not entity:
            raise InvalidValue("Entity is required")
        if not requirement:
            raise InvalidValue("Requirement is required")
        if inc.start is None:
            raise InvalidValue("Start date is required")
        if inc.start > self.as_of:
            raise InvalidValue(
                f"Start {inc.start.isoformat()} is after the as-of date {self.as_of.isoformat()}"
            )
        tier, tier_reason, warnings = _tier(inc)
        status, status_reason = self._status(inc, tier, known_ids)
        entity_key, requirement_key = group_key(entity), group_key(requirement)
        limitation_citation = self.limitation
        if inc.violations is not None:
            n = check_count(inc.violations)
            facts = IncidentFacts(
                inc, entity, requirement, entity_key, requirement_key, "count", tier, tier_reason, status,
                status_reason, None, "Violations given: the count is dated Start", limitation_citation,
                self._count_warnings(inc, warnings),
            )
            barred = inc.start < self.first_in_time
            return [self._row(facts, inc.start.year, inc.start, inc.start, 0 if barred else n, n if barred else 0)]
        effective_end, effective_end_reason, end_warnings = _effective_end(inc, self.as_of)
        if effective_end < inc.start:
            raise InvalidValue(
                f"end date {effective_end.isoformat()} is before start date {inc.start.isoformat()}"
            )
        facts = IncidentFacts(
            inc, entity, requirement, entity_key, requirement_key, "continuing", tier, tier_reason, status,
            status_reason, effective_end, effective_end_reason, limitation_citation, (*warnings, *end_warnings),
        )
        rows = []
        first_in_time = self.first_in_time
        for year, first, last in segments(inc.start, effective_end, self.boundaries):
            # days before the first day in time are barred (1320a-7a(c)(1)), counted day by day
            if last < first_in_time:
                n_barred, n_in_time = (last - first).days + 1, 0
            elif first >= first_in_time:
                n_barred, n_in_time = 0, (last - first).days + 1
            else:
                n_barred, n_in_time = (first_in_time - first).days, (last - first_in_time).days + 1
            rows.append(self._row(facts, year, first, last, n_in_time, n_barred))
        return rows

    def _status(
        self, inc: Incident, tier: Tier, known_ids: dict[tuple[str, str], Incident]
    ) -> tuple[Status, str]:
        if inc.duplicate_of not in (None, ""):
            target = str(inc.duplicate_of).strip()
            if (group_key(inc.entity), target.casefold()) not in known_ids:
                raise InvalidValue(
                    f"Duplicate of names incident {target!r}, which is not an incident of the same entity"
                )
            if target.casefold() == inc.id.strip().casefold():
                raise InvalidValue("an incident cannot be a duplicate of itself")
            return "duplicate", f"160.404(b)(3): counted under incident {target}"
        if inc.criminal_penalty_imposed:
            return "criminal", (
                "criminal penalty imposed for the act: no CMP and no AG damages (42 U.S.C. 1320d-5(b)(1))"
            )
        if inc.known is not None and inc.corrected is not None and is_cured(tier, inc.known, inc.corrected):
            return "cured", (
                "corrected within the 30-day period beginning on the known date, not willful neglect: "
                "no penalty and no AG damages (42 U.S.C. 1320d-5(b)(2)(A))"
            )
        return "counted", "counted"

    def _count_warnings(self, inc: Incident, warnings: list[str]) -> tuple[str, ...]:
        """A count dated Start whose End crosses a year, the limitation or a regime gets one cap only."""
        assert inc.start is not None
        if inc.end is None:
            return tuple(warnings)
        if inc.end < inc.start:
            raise InvalidValue(f"end date {inc.end.isoformat()} is before start date {inc.start.isoformat()}")
        crosses_limit = inc.start < self.first_in_time <= inc.end
        crosses_regime = any(inc.start < b <= inc.end for b in self.boundaries)
        if inc.end.year != inc.start.year or crosses_limit or crosses_regime:
            return (*warnings, SPLIT_WARNING)
        return tuple(warnings)

    def _row(
        self, facts: IncidentFacts, year: int, first: dt.date, last: dt.date, in_time: int, barred: int
    ) -> ExposureRow:
        """One exposure row: amounts by the segment's first day, in-time and time-barred counts."""
        amounts = self._amounts.get((facts.tier, bisect.bisect_right(self.boundaries, first)))
        if amounts is None:
            amounts = self.amounts(facts.tier, first)
        status = facts.status
        counted = status == "counted"
        if counted and amounts.no_penalty:
            status = "no penalty"
        minimum, maximum = range_for(amounts, in_time) if counted and in_time else (0, 0)
        time_barred_maximum = range_for(amounts, barred)[1] if counted and barred else 0
        ag_status: AgStatus
        if status in ("cured", "criminal", "duplicate"):
            ag_status = status
        elif first < self.ag_from:  # 1320d-5(d) reaches violations after 2009-02-17 only
            ag_status = "pre-2009"
        elif facts.incident.federal_action_pending:
            ag_status = "deferred"
        elif in_time == 0:
            ag_status = "time-barred"
        else:
            ag_status = "eligible"
        ag_damages = min(in_time * self.ag_rate, self.ag_cap) if ag_status == "eligible" else 0
        return ExposureRow(
            facts, amounts, year, first, last, status, in_time, barred, minimum, maximum, time_barred_maximum,
            ag_status, ag_damages,
        )


class _Groups:
    """Rows summed into their (entity, identical requirement, calendar year) groups as they come.

    Each group sums its rows into (tier, regime) parts; ``capped`` then caps each part by its own
    cap, the group's total by the largest of those caps, and its AG damages once (decisions 8).
    """

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str, int], GroupTotal] = {}
        self.entity_names: dict[str, str] = {}
        """The first spelling seen of each entity key, shown for the whole group."""
        self.requirement_names: dict[str, str] = {}

    def add(self, row: ExposureRow) -> None:
        facts, amounts = row.facts, row.amounts
        group = self.by_key.get((facts.entity_key, facts.requirement_key, row.year))
        if group is None:
            group = self.by_key[(facts.entity_key, facts.requirement_key, row.year)] = GroupTotal(
                self.entity_names.setdefault(facts.entity_key, facts.entity),
                self.requirement_names.setdefault(facts.requirement_key, facts.requirement),
                facts.entity_key, facts.requirement_key, row.year, 0, 0, 0, 0, 0, 0, False, (), 0, 0,
            )
        for part in group.parts:
            if part.tier == amounts.tier and part.regime == amounts.regime:
                break
        else:
            part = GroupPart(amounts.tier, amounts.regime, amounts.cap, amounts.cap_citation, 0, 0, 0, 0)
            group.parts += (part,)
        if row.status == "counted":
            part.violations += row.violations
            group.time_barred_violations += row.time_barred_violations
        part.minimum += row.minimum
        part.maximum += row.maximum
        part.time_barred_maximum += row.time_barred_maximum
        group.ag_damages += row.ag_damages
        group.ag_deferred = group.ag_deferred or row.ag_status == "deferred"

    def capped(self, ag_cap: int) -> tuple[GroupTotal, ...]:
        """Every group, in first-seen order, with its parts, total and AG damages capped."""
        for group in self.by_key.values():
            violations = minimum = maximum = time_barred_maximum = largest_cap = 0
            for part in group.parts:
                cap = part.cap
                part.minimum, part.maximum = min(part.minimum, cap), min(part.maximum, cap)
                part.time_barred_maximum = min(part.time_barred_maximum, cap)
                violations += part.violations
                minimum += part.minimum
                maximum += part.maximum
                time_barred_maximum += part.time_barred_maximum
                largest_cap = max(largest_cap, cap)
            group.violations, group.largest_cap, group.ag_cap = violations, largest_cap, ag_cap
            group.minimum, group.maximum = min(minimum, largest_cap), min(maximum, largest_cap)
            group.time_barred_maximum = min(time_barred_maximum, largest_cap)
            group.ag_damages = min(group.ag_damages, ag_cap)
        return tuple(self.by_key.values())


_CITATION_SKELETON = re.compile(r"[^0-9()]")


def _near_duplicates(kind: str, names: dict[str, str]) -> list[str]:
    """Pairs of names that look like typing slips ("Acme Health" / "Acme Heath"), decisions 7.

    Names whose numbers differ (164.308(a)(1)(i) / 164.308(a)(1)(ii)(A)) are different provisions,
    not slips, and are not reported.
    """
    keys = list(names)
    if len(keys) > 400:
        return []
    out = []
    for i, key in enumerate(keys):
        for other in difflib.get_close_matches(key, keys[i + 1 :], n=3, cutoff=0.88):
            if _CITATION_SKELETON.sub("", key) != _CITATION_SKELETON.sub("", other):
                continue
            out.append(f"{kind} {names[key]!r} and {names[other]!r} look alike: the same {kind.lower()}?")
    return out


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while one aggregation builds its records.

    The records form no reference cycles, so reference counting frees them all the same; left on,
    the collector would walk the growing heap dozens of times in one aggregation (about a fifth of
    the time for 10,000 incidents).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def aggregate(
    incidents: Iterable[Incident], schedule: str = "regulation", as_of: dt.date | None = None
) -> Aggregation:
    """Every incident priced and grouped by (entity, identical requirement, calendar year)."""
    with _collector_paused():
        return _aggregate(incidents, schedule, as_of)


def _aggregate(incidents: Iterable[Incident], schedule: str, as_of: dt.date | None) -> Aggregation:
    schedule = check_schedule(schedule)
    day = as_of if as_of is not None else clock.today()
    incidents = list(incidents)
    pricer = _Pricer(schedule, day)
    known_ids = {(group_key(i.entity), i.id.strip().casefold()): i for i in incidents}
    rows: list[ExposureRow] = []
    invalid: list[InvalidIncident] = []
    warnings: list[str] = []
    for inc in incidents:
        try:
            rows.extend(pricer.rows(inc, known_ids))
        except HipaaInputError as exc:
            invalid.append(InvalidIncident(incident_id=inc.id, row=inc.row, reason=exc.message))
    groups = _Groups()
    for r in rows:
        groups.add(r)
    warnings += _near_duplicates("Entity", groups.entity_names)
    warnings += _near_duplicates("Requirement", groups.requirement_names)
    if schedule in ("current", "current-tiered"):
        newer = newer_table_warning(day)
        if newer:
            warnings.append(newer)
    return Aggregation(
        schedule=schedule, as_of=day, rows=tuple(rows), groups=groups.capped(ag_cap()), invalid=tuple(invalid),
        warnings=tuple(warnings),
    )
