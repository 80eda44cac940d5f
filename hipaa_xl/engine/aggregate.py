"""From incidents to capped exposure per (entity, identical requirement, calendar year).

Rules applied (decisions.md 1-4, 7-10): continuing violations one per day through the effective end;
the six-year limitation day by day; the 30-day cure bars every day of an incident; no CMP or AG
damages after a criminal penalty (1320d-5(b)(1)); a duplicate of a more general requirement adds
nothing (160.404(b)(3)); each (tier, regime) part of a group is capped by its own calendar-year cap
and the group's total by the largest of those caps; AG damages are capped once per group.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Literal

from hipaa_xl import clock
from hipaa_xl.engine.ag import ag_cap
from hipaa_xl.engine.days import first_day_in_time
from hipaa_xl.engine.incidents import (
    Aggregation,
    AgStatus,
    ExposureRow,
    GroupPart,
    GroupTotal,
    Incident,
    InvalidIncident,
    Status,
    group_key,
)
from hipaa_xl.engine.penalties import check_count, range_for
from hipaa_xl.engine.tiers import derive_tier, is_cured, parse_tier
from hipaa_xl.errors import HipaaInputError, InvalidValue
from hipaa_xl.law.loader import load_rules, load_series
from hipaa_xl.law.models import Tier
from hipaa_xl.law.schedules import Amounts, Regime, check_schedule, newer_table_warning, resolve_amounts

ONE_DAY = dt.timedelta(days=1)
SPLIT_WARNING = "one cap applies; split the row by year for exact caps"


@functools.cache
def _regime_boundaries(schedule: str) -> tuple[dt.date, ...]:
    """Days on which a new regime may begin: 2009-02-18, and 2015-11-03 under the 102.3 schedules."""
    hitech = load_rules().hitech_violations_from.value
    if schedule in ("regulation", "statute"):
        return (hitech,)
    return hitech, load_series().applicability.violations_after + ONE_DAY


def _segments(start: dt.date, end: dt.date, schedule: str) -> list[tuple[int, dt.date, dt.date]]:
    """[start, end] cut at each 31 December and at each regime boundary: (year, first, last)."""
    inside = [b for b in _regime_boundaries(schedule) if start < b <= end]
    if not inside:  # the common case: cut at each 31 December only
        if start.year == end.year:
            return [(start.year, start, end)]
        return [
            (start.year, start, dt.date(start.year, 12, 31)),
            *((y, dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in range(start.year + 1, end.year)),
            (end.year, dt.date(end.year, 1, 1), end),
        ]
    cuts = sorted({start, *inside})
    cuts += [dt.date(y, 1, 1) for y in range(start.year + 1, end.year + 1)]
    cuts = sorted(set(cuts))
    out = []
    for i, first in enumerate(cuts):
        last = cuts[i + 1] - ONE_DAY if i + 1 < len(cuts) else end
        out.append((first.year, first, last))
    return out


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


def _tier(incident: Incident) -> tuple[Tier, str, list[str]]:
    derived = None
    if incident.culpability not in (None, ""):
        derived = derive_tier(incident.culpability, incident.known, incident.corrected)
    if incident.tier not in (None, ""):
        tier = parse_tier(incident.tier)
        warnings = []
        if derived is not None and derived.tier != tier:
            warnings.append(
                f"typed Tier {tier} differs from the tier derived from the culpability ({derived.tier}); "
                "the typed Tier is used"
            )
        return tier, f"tier {tier} as typed", warnings
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
        self.boundaries = _regime_boundaries(schedule)
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
        names = (entity, requirement, group_key(entity), group_key(requirement))
        if inc.start is None:
            raise InvalidValue("Start date is required")
        if inc.start > self.as_of:
            raise InvalidValue(
                f"Start {inc.start.isoformat()} is after the as-of date {self.as_of.isoformat()}"
            )
        tier, tier_reason, warnings = _tier(inc)
        status, status_reason = self._status(inc, tier, known_ids)
        if inc.violations is not None:
            return [self._count_row(inc, tier, tier_reason, status, status_reason, warnings, names)]
        end, end_reason, end_warnings = _effective_end(inc, self.as_of)
        if end < inc.start:
            raise InvalidValue(f"end date {end.isoformat()} is before start date {inc.start.isoformat()}")
        rows = []
        first_in_time = self.first_in_time
        for year, first, last in _segments(inc.start, end, self.schedule):
            # days before the first day in time are barred (1320a-7a(c)(1)), counted day by day
            if last < first_in_time:
                n_barred, n_in_time = (last - first).days + 1, 0
            elif first >= first_in_time:
                n_barred, n_in_time = 0, (last - first).days + 1
            else:
                n_barred, n_in_time = (first_in_time - first).days, (last - first_in_time).days + 1
            rows.append(
                self._row(
                    inc, tier, tier_reason, status, status_reason, [*warnings, *end_warnings], names,
                    "continuing", year, first, last, end, end_reason, n_in_time, n_barred,
                )
            )
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
        if is_cured(tier, inc.known, inc.corrected):
            return "cured", (
                "corrected within the 30-day period beginning on the known date, not willful neglect: "
                "no penalty and no AG damages (42 U.S.C. 1320d-5(b)(2)(A))"
            )
        return "counted", "counted"

    def _count_row(
        self, inc: Incident, tier: Tier, tier_reason: str, status: Status, status_reason: str,
        warnings: list[str], names: tuple[str, str, str, str],
    ) -> ExposureRow:
        assert inc.start is not None and inc.violations is not None
        n = check_count(inc.violations)
        warnings = list(warnings)
        if inc.end is not None:
            if inc.end < inc.start:
                raise InvalidValue(
                    f"end date {inc.end.isoformat()} is before start date {inc.start.isoformat()}"
                )
            crosses_limit = inc.start < self.first_in_time <= inc.end
            crosses_regime = any(inc.start < b <= inc.end for b in _regime_boundaries(self.schedule))
            if inc.end.year != inc.start.year or crosses_limit or crosses_regime:
                warnings.append(SPLIT_WARNING)
        barred = inc.start < self.first_in_time
        return self._row(
            inc, tier, tier_reason, status, status_reason, warnings, names,
            "count", inc.start.year, inc.start, inc.start, None, "Violations given: the count is dated Start",
            0 if barred else n, n if barred else 0,
        )

    def _row(  # called positionally on the hot path: keywords cost more than the work
        self, inc: Incident, tier: Tier, tier_reason: str, status: Status, status_reason: str,
        warnings: list[str], names: tuple[str, str, str, str], kind: Literal["continuing", "count"],
        year: int, first: dt.date, last: dt.date,
        effective_end: dt.date | None, end_reason: str, in_time: int, barred: int,
    ) -> ExposureRow:
        """One exposure row: amounts by the segment's first day, in-time and time-barred counts."""
        amounts = self.amounts(tier, first)
        counted = status == "counted"
        if counted and amounts.no_penalty:
            status, status_reason = "no penalty", amounts.maximum_citation
        low, high = range_for(amounts, in_time) if counted else (0, 0)
        barred_high = range_for(amounts, barred)[1] if counted else 0
        ag_status: AgStatus
        if status in ("cured", "criminal", "duplicate"):
            ag_status = status
        elif first < self.ag_from:  # 1320d-5(d) reaches violations after 2009-02-17 only
            ag_status = "pre-2009"
        elif inc.federal_action_pending:
            ag_status = "deferred"
        elif in_time == 0:
            ag_status = "time-barred"
        else:
            ag_status = "eligible"
        ag = min(in_time * self.ag_rate, self.ag_cap) if ag_status == "eligible" else 0
        # positional, in field order: keyword matching of 28 fields cost several times the construction
        return ExposureRow(
            inc.id,  # incident_id
            names[0],  # entity
            names[1],  # requirement
            names[2],  # entity_key
            names[3],  # requirement_key
            year,  # year
            kind,  # kind
            first,  # segment_start
            last,  # segment_end
            effective_end,  # effective_end
            end_reason,  # effective_end_reason
            amounts.regime,  # regime
            tier,  # tier
            tier_reason,  # tier_reason
            status,  # status
            status_reason,  # status_reason
            in_time,  # violations
            barred,  # time_barred_violations
            low,  # minimum
            high,  # maximum
            barred_high,  # time_barred_maximum
            amounts.cap,  # cap
            amounts.cap_citation,  # cap_citation
            ag_status,  # ag_status
            ag,  # ag_damages
            amounts.source,  # source
            self.limitation,  # limitation_citation
            tuple(warnings),  # warnings
        )


def _group(rows: Sequence[ExposureRow], display: tuple[str, str], ag_limit: int) -> GroupTotal:
    """Cap each (tier, regime) part by its own cap, the total by the largest, AG damages once."""
    if len(rows) == 1:  # the common case, without the bookkeeping of parts
        r = rows[0]
        counted = r.status == "counted"
        part = GroupPart(  # positional, in field order
            r.tier, r.regime, r.cap, r.cap_citation, r.violations if counted else 0, min(r.minimum, r.cap),
            min(r.maximum, r.cap), min(r.time_barred_maximum, r.cap),
        )
        return GroupTotal(  # positional, in field order
            display[0], display[1], r.entity_key, r.requirement_key, r.year, part.violations,
            r.time_barred_violations if counted else 0, part.minimum, part.maximum, part.time_barred_maximum,
            min(r.ag_damages, ag_limit), r.ag_status == "deferred", (part,), r.cap, ag_limit,
        )
    sums: dict[tuple[Tier, Regime], list[int]] = {}
    firsts: dict[tuple[Tier, Regime], ExposureRow] = {}
    ag: int | float = 0
    barred_violations = 0
    deferred = False
    for r in rows:
        key = (r.tier, r.regime)
        acc = sums.get(key)
        if acc is None:
            acc = sums[key] = [0, 0, 0, 0]
            firsts[key] = r
        if r.status == "counted":
            acc[0] += r.violations
            barred_violations += r.time_barred_violations
        acc[1] += r.minimum
        acc[2] += r.maximum
        acc[3] += r.time_barred_maximum
        ag += r.ag_damages
        deferred = deferred or r.ag_status == "deferred"
    parts = []
    total = [0, 0, 0, 0]  # violations, minimum, maximum, time-barred maximum over the capped parts
    largest = 0
    for key, (violations, low, high, barred_high) in sums.items():
        cap = firsts[key].cap
        part = GroupPart(  # positional, in field order
            key[0], key[1], cap, firsts[key].cap_citation, violations, min(low, cap), min(high, cap),
            min(barred_high, cap),
        )
        parts.append(part)
        total[0] += part.violations
        total[1] += part.minimum
        total[2] += part.maximum
        total[3] += part.time_barred_maximum
        largest = max(largest, cap)
    first = rows[0]
    return GroupTotal(  # positional, in field order
        display[0],  # entity
        display[1],  # requirement
        first.entity_key,  # entity_key
        first.requirement_key,  # requirement_key
        first.year,  # year
        total[0],  # violations
        barred_violations,  # time_barred_violations
        min(total[1], largest),  # minimum
        min(total[2], largest),  # maximum
        min(total[3], largest),  # time_barred_maximum
        min(ag, ag_limit),  # ag_damages
        deferred,  # ag_deferred
        tuple(parts),  # parts
        largest,  # largest_cap
        ag_limit,  # ag_cap
    )


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


def aggregate(
    incidents: Iterable[Incident], schedule: str = "regulation", as_of: dt.date | None = None
) -> Aggregation:
    """Every incident priced and grouped by (entity, identical requirement, calendar year)."""
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
    display_entity: dict[str, str] = {}
    display_req: dict[str, str] = {}
    grouped: dict[tuple[str, str, int], list[ExposureRow]] = defaultdict(list)
    for r in rows:
        display_entity.setdefault(r.entity_key, r.entity)
        display_req.setdefault(r.requirement_key, r.requirement)
        grouped[(r.entity_key, r.requirement_key, r.year)].append(r)
    limit = ag_cap()
    groups = tuple(
        _group(members, (display_entity[k[0]], display_req[k[1]]), limit) for k, members in grouped.items()
    )
    warnings += _near_duplicates("Entity", display_entity)
    warnings += _near_duplicates("Requirement", display_req)
    if schedule in ("current", "current-tiered"):
        newer = newer_table_warning(day)
        if newer:
            warnings.append(newer)
    return Aggregation(
        schedule=schedule, as_of=day, rows=tuple(rows), groups=groups, invalid=tuple(invalid),
        warnings=tuple(warnings),
    )
