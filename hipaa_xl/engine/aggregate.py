"""From incidents to capped exposure per (entity, identical requirement, calendar year).

Rules applied (decisions.md 1-4, 7-10): continuing violations one per day through the effective end;
the six-year limitation day by day; the 30-day cure bars every day of an incident; no CMP or AG
damages after a criminal penalty (1320d-5(b)(1)); a duplicate of a more general requirement adds
nothing (160.404(b)(3)), and a cycle of Duplicate-of links or a duplicate of an invalid row is
itself invalid; each (tier, regime) part of a group is capped by its own calendar-year cap and the
group's total by the largest of those caps; AG damages are capped once per group. Incidents of the
members of an affiliated covered entity entered for its act are grouped and capped once under it
(160.402(b)(2)). The six-year limitation runs to the commencement of the action (160.414), which
defaults to the as-of (assessment) date.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
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
from hipaa_xl.engine.tiers import cure_period_end, derive_tier, is_cured, parse_tier
from hipaa_xl.errors import HipaaInputError, InvalidValue
from hipaa_xl.law.loader import load_rules, load_series
from hipaa_xl.law.models import Tier
from hipaa_xl.law.schedules import (
    Amounts,
    Regime,
    check_schedule,
    fixed_table_too_new_warning,
    newer_table_warning,
    resolve_amounts,
)

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
        derived = derive_tier(incident.culpability, incident.known, incident.corrected, incident.cure_period_ends)
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
    """Prices the rows of one matter: one schedule, one as-of date, one commencement date."""

    def __init__(self, schedule: str, as_of: dt.date, commenced: dt.date | None = None) -> None:
        self.schedule = schedule
        self.as_of = as_of
        rules = load_rules()
        # 160.414: the limitation is measured to the commencement of the action (160.420), not to
        # the final assessment; without a commencement date, the as-of date serves both
        self.first_in_time = first_day_in_time(commenced or as_of)
        self.limitation = rules.limitation_years.citation
        if commenced is not None and commenced != as_of:
            self.limitation += (
                f"; measured to the action commenced on {commenced.isoformat()} "
                f"({rules.limitation_commencement.citation})"
            )
        bar = rules.criminal_bar
        self.punishable_bars = as_of < bar.imposed_rule_from.value
        self.criminal_bar = bar
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
        ace = (inc.affiliated_covered_entity or "").strip()
        names = (entity, requirement, group_key(ace or entity), group_key(requirement), ace)
        if inc.start is None:
            raise InvalidValue("Start date is required")
        if inc.start > self.as_of:
            raise InvalidValue(
                f"Start {inc.start.isoformat()} is after the as-of date {self.as_of.isoformat()}"
            )
        tier, tier_reason, warnings = _tier(inc)
        status, status_reason, status_warnings = self._status(inc, tier, known_ids)
        warnings += status_warnings
        if ace and not _is_part_164(requirement):
            warnings.append(
                f"Affiliated covered entity {ace!r}: joint and several liability covers violations of part "
                f"164 ({load_rules().affiliated_covered_entity.citation}); {requirement!r} does not look "
                "like one"
            )
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
    ) -> tuple[Status, str, list[str]]:
        if inc.duplicate_of not in (None, ""):
            target = str(inc.duplicate_of).strip()
            if not any((key, target.casefold()) in known_ids for key in _liable_keys(inc)):
                raise InvalidValue(
                    f"Duplicate of names incident {target!r}, which is not an incident of the same entity"
                )
            if target.casefold() == inc.id.strip().casefold():
                raise InvalidValue("an incident cannot be a duplicate of itself")
            return "duplicate", f"160.404(b)(3): counted under incident {target}", []
        bar = self.criminal_bar
        if inc.criminal_penalty_imposed:
            return "criminal", f"{bar.imposed.citation} (no CMP and no AG damages)", []
        if inc.criminal_offense_punishable:
            if self.punishable_bars:
                return "criminal", (
                    f"{bar.punishable.citation}: assessed {self.as_of.isoformat()}, before "
                    f"{bar.imposed_rule_from.value.isoformat()} (no CMP and no AG damages)"
                ), []
            warning = (
                f"criminal offense punishable but no criminal penalty imposed: from "
                f"{bar.imposed_rule_from.value.isoformat()} only an imposed penalty bars a CMP "
                f"({bar.imposed_rule_from.citation}); the incident is priced"
            )
            return self._cure_status(inc, tier, [warning])
        return self._cure_status(inc, tier, [])

    def _cure_status(self, inc: Incident, tier: Tier, warnings: list[str]) -> tuple[Status, str, list[str]]:
        if is_cured(tier, inc.known, inc.corrected, inc.cure_period_ends):
            last, extended, _ = cure_period_end(inc.known, inc.cure_period_ends)
            if not extended:
                return "cured", (
                    "corrected within the 30-day period beginning on the known date, not willful neglect: "
                    "no penalty and no AG damages (42 U.S.C. 1320d-5(b)(2)(A))"
                ), warnings
            assert last is not None
            ext = load_rules().cure_period_extension
            ag_too = is_cured(tier, inc.known, inc.corrected)
            return "cured", (
                f"corrected within the cure period as extended by the Secretary to {last.isoformat()}, not "
                f"willful neglect: no penalty ({ext.citation}); "
                + (
                    "corrected within the 30-day period as well: no AG damages (42 U.S.C. 1320d-5(b)(2)(A))"
                    if ag_too
                    else f"AG damages not barred by the cure: {ext.scope}"
                )
            ), warnings
        return "counted", "counted", warnings

    def _count_row(
        self, inc: Incident, tier: Tier, tier_reason: str, status: Status, status_reason: str,
        warnings: list[str], names: tuple[str, str, str, str, str],
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
        warnings: list[str], names: tuple[str, str, str, str, str], kind: Literal["continuing", "count"],
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
        if status in ("criminal", "duplicate") or (status == "cured" and self._ag_cured(inc, tier)):
            ag_status = status
        elif first < self.ag_from:  # 1320d-5(d) reaches violations after 2009-02-17 only
            ag_status = "pre-2009"
        elif in_time == 0:
            # (d)(8) bars these days for good, a pending federal action or not; only days in time wait
            ag_status = "time-barred" if barred else "no violations"
        elif inc.federal_action_pending:
            ag_status = "deferred"
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
            names[4],  # affiliated_covered_entity
        )

    @staticmethod
    def _ag_cured(inc: Incident, tier: Tier) -> bool:
        """The cure bars AG damages only within the 30-day period: the Secretary's extension is for
        the CMP alone (1320d-5(b)(2)(B)(i))."""
        if inc.cure_period_ends is None:
            return True
        return is_cured(tier, inc.known, inc.corrected)


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


def _is_part_164(requirement: str) -> bool:
    """Whether a requirement names a provision of 45 CFR part 164 (160.402(b)(2) covers only those)."""
    text = re.sub(r"^(45\s*c\.?f\.?r\.?\s*|§+\s*)", "", requirement.strip(), flags=re.IGNORECASE)
    return text.startswith("164")


def _liable_keys(inc: Incident) -> tuple[str, ...]:
    """The keys an incident's Duplicate-of target may carry: its entity's and its affiliated
    covered entity's (members of one affiliated covered entity answer for one act)."""
    ace = (inc.affiliated_covered_entity or "").strip()
    return (group_key(inc.entity), group_key(ace)) if ace else (group_key(inc.entity),)


def _duplicate_target(inc: Incident, known_ids: dict[tuple[str, str], Incident]) -> Incident | None:
    """The incident named in ``inc``'s Duplicate of, when it exists (same entity); None otherwise."""
    if inc.duplicate_of in (None, ""):
        return None
    target = str(inc.duplicate_of).strip().casefold()
    for key in _liable_keys(inc):
        found = known_ids.get((key, target))
        if found is not None:
            return found
    return None


def _duplicate_problems(
    incidents: Sequence[Incident], known_ids: dict[tuple[str, str], Incident]
) -> dict[int, str]:
    """Incidents (by position) whose Duplicate-of chain never reaches a counted incident.

    160.404(b)(3) allows a penalty for one of the provisions: a cycle of Duplicate-of links (two or
    more incidents marking each other) would price every one of them at $0, so each incident on the
    cycle is invalid, with the cycle named; an incident whose chain runs into a cycle is invalid too.
    """
    position = {id(inc): i for i, inc in enumerate(incidents)}
    problems: dict[int, str] = {}
    for start in incidents:
        if start.duplicate_of in (None, ""):
            continue  # the common case: no link to follow
        chain: list[Incident] = []
        seen: set[int] = set()
        inc: Incident | None = start
        while inc is not None and id(inc) not in seen:
            seen.add(id(inc))
            chain.append(inc)
            inc = _duplicate_target(inc, known_ids)
        if inc is None:
            continue  # the chain ends in a counted incident (or a missing one, reported by the pricer)
        loop = chain[chain.index(inc):]
        if len(loop) < 2:
            continue  # a self-reference, reported by the pricer
        names = " -> ".join(i.id.strip() for i in [*loop, loop[0]])
        reason = (
            f"Duplicate of links form a cycle ({names}): 160.404(b)(3) allows a penalty for one of them, so "
            "clear 'Duplicate of' on the incident to be counted"
        )
        if start in loop:
            problems[position[id(start)]] = reason
        else:
            problems[position[id(start)]] = (
                f"Duplicate of leads into a cycle of Duplicate-of links ({names}), so no incident is counted "
                "for it; 160.404(b)(3) allows a penalty for one of them"
            )
    return problems


def _intervals(rows: Sequence[ExposureRow]) -> list[tuple[dt.date, dt.date]]:
    """The days an incident's rows cover, merged into sorted intervals."""
    spans = sorted((r.segment_start, r.segment_end) for r in rows)
    merged: list[tuple[dt.date, dt.date]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1] + ONE_DAY:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _uncovered(days: list[tuple[dt.date, dt.date]], cover: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """The parts of ``days`` outside ``cover`` (both sorted, merged interval lists)."""
    out: list[tuple[dt.date, dt.date]] = []
    for a, b in days:
        cursor = a
        for c, d in cover:
            if d < cursor or c > b:
                continue
            if c > cursor:
                out.append((cursor, c - ONE_DAY))
            cursor = max(cursor, d + ONE_DAY)
            if cursor > b:
                break
        if cursor <= b:
            out.append((cursor, b))
    return out


def _coverage_warning(target_id: str, uncovered: list[tuple[dt.date, dt.date]]) -> str:
    spans = ", ".join(a.isoformat() if a == b else f"{a.isoformat()}..{b.isoformat()}" for a, b in uncovered[:3])
    more = f" and {len(uncovered) - 3} more span(s)" if len(uncovered) > 3 else ""
    return (
        f"Duplicate of {target_id}: this incident's days {spans}{more} are not covered by incident "
        f"{target_id}'s days, so nothing is counted for them (160.404(b)(3)); check the dates or the link"
    )


def _general_form_warnings(
    rows: Sequence[ExposureRow], general_forms: Mapping[str, str]
) -> list[str]:
    """160.404(b)(3): incidents under a requirement and under its more general form, same group.

    ``general_forms`` maps a requirement to the provision that repeats it in a more general form (the
    Requirements sheet's suggestion). The figures are unchanged: the lawyer decides whether the facts
    are one violation (mark one incident Duplicate of the other) or separate ones (OCR has penalised
    164.312(a) and 164.502(a) separately, e.g. MD Anderson).
    """
    forms = {group_key(k): group_key(v) for k, v in general_forms.items() if k.strip() and v.strip()}
    if not forms:
        return []
    counted: dict[tuple[str, int, str], list[ExposureRow]] = defaultdict(list)
    for r in rows:
        if r.status == "counted" and r.violations + r.time_barred_violations > 0:
            counted[(r.entity_key, r.year, r.requirement_key)].append(r)
    cite = load_rules().more_general_form.citation
    out: list[str] = []
    for (entity, year, req), specific in counted.items():
        general = forms.get(req)
        if general is None or (entity, year, general) not in counted:
            continue
        broad = counted[(entity, year, general)]
        a = ", ".join(dict.fromkeys(r.incident_id for r in specific))
        b = ", ".join(dict.fromkeys(r.incident_id for r in broad))
        out.append(
            f"{specific[0].entity}, {year}: incident(s) {a} under {specific[0].requirement} and {b} under "
            f"{broad[0].requirement}, which repeats it in a more general form; {cite}. If the facts are one "
            f"violation, mark {b} 'Duplicate of' {specific[0].incident_id} (the specific provision is "
            "counted); if they are separate violations, keep both"
        )
    return out


def aggregate(
    incidents: Iterable[Incident],
    schedule: str = "regulation",
    as_of: dt.date | None = None,
    commenced: dt.date | None = None,
    general_forms: Mapping[str, str] | None = None,
) -> Aggregation:
    """Every incident priced and grouped by (entity, identical requirement, calendar year).

    ``as_of`` is the assessment date (which 45 CFR 102.3 table applies; default today). ``commenced``
    is the date the action commenced (the notice of proposed determination, 160.420; for a State AG,
    the filing, 1320d-5(d)(8)): the six-year limitation is measured to it (160.414); default the as-of
    date; later than the as-of date is an error. ``general_forms`` maps a requirement to its more
    general form (160.404(b)(3)): an incident under each in one group is warned about.
    """
    schedule = check_schedule(schedule)
    day = as_of if as_of is not None else clock.today()
    if commenced is not None and commenced > day:
        raise InvalidValue(
            f"the action commenced on {commenced.isoformat()} is after the as-of (assessment) date "
            f"{day.isoformat()}: the assessment follows the notice of proposed determination (45 CFR 160.420)"
        )
    incidents = list(incidents)
    pricer = _Pricer(schedule, day, commenced)
    known_ids: dict[tuple[str, str], Incident] = {}
    duplicates = False
    for i in incidents:
        ident = i.id.strip().casefold()
        known_ids.setdefault((group_key(i.entity), ident), i)
        if i.affiliated_covered_entity:
            known_ids.setdefault((group_key(i.affiliated_covered_entity.strip()), ident), i)
        duplicates = duplicates or i.duplicate_of not in (None, "")
    cycles = _duplicate_problems(incidents, known_ids) if duplicates else {}
    priced: list[list[ExposureRow] | str] = []
    for n, inc in enumerate(incidents):
        if n in cycles:
            priced.append(cycles[n])
            continue
        try:
            priced.append(pricer.rows(inc, known_ids))
        except HipaaInputError as exc:
            priced.append(exc.message)
    if duplicates:
        _check_duplicates(incidents, known_ids, priced)
    rows: list[ExposureRow] = []
    invalid: list[InvalidIncident] = []
    for inc, result in zip(incidents, priced, strict=True):
        if isinstance(result, str):
            invalid.append(InvalidIncident(incident_id=inc.id, row=inc.row, reason=result))
        else:
            rows.extend(result)
    display_entity: dict[str, str] = {}
    display_req: dict[str, str] = {}
    members: dict[str, dict[str, None]] = {}
    grouped: dict[tuple[str, str, int], list[ExposureRow]] = defaultdict(list)
    for r in rows:
        display_entity.setdefault(r.entity_key, r.affiliated_covered_entity or r.entity)
        display_req.setdefault(r.requirement_key, r.requirement)
        if r.affiliated_covered_entity:
            members.setdefault(r.entity_key, {})[" ".join(r.entity.split())] = None
        grouped[(r.entity_key, r.requirement_key, r.year)].append(r)
    limit = ag_cap()
    groups = tuple(
        _group(members_rows, (display_entity[k[0]], display_req[k[1]]), limit) for k, members_rows in grouped.items()
    )
    for g in groups:
        if g.entity_key in members:
            g.members = tuple(members[g.entity_key])
    warnings: list[str] = []
    warnings += _near_duplicates("Entity", display_entity)
    warnings += _near_duplicates("Requirement", display_req)
    if general_forms:
        warnings += _general_form_warnings(rows, general_forms)
    if schedule in ("current", "current-tiered"):
        newer = newer_table_warning(day)
        if newer:
            warnings.append(newer)
    else:
        early = fixed_table_too_new_warning(schedule, day)
        if early:
            warnings.append(early)
    return Aggregation(
        schedule=schedule, as_of=day, rows=tuple(rows), groups=groups, invalid=tuple(invalid),
        warnings=tuple(warnings),
    )


def _check_duplicates(
    incidents: Sequence[Incident], known_ids: dict[tuple[str, str], Incident], priced: list[list[ExposureRow] | str]
) -> None:
    """A duplicate of an invalid row is invalid (it must not silently add $0); a duplicate whose days
    are not covered by its target's days gets a warning (the figures do not change)."""
    position = {id(inc): i for i, inc in enumerate(incidents)}
    changed = True
    while changed:  # a chain of duplicates: repeat until no new row turns invalid
        changed = False
        for n, inc in enumerate(incidents):
            result = priced[n]
            target = _duplicate_target(inc, known_ids)
            if isinstance(result, str) or target is None:
                continue
            target_result = priced[position[id(target)]]
            if isinstance(target_result, str):
                priced[n] = (
                    f"Duplicate of names incident {target.id.strip()}, which is invalid ({target_result}); "
                    "fix that row, or count this one"
                )
                changed = True
    for n, inc in enumerate(incidents):
        result = priced[n]
        target = _duplicate_target(inc, known_ids)
        if isinstance(result, str) or target is None:
            continue
        target_result = priced[position[id(target)]]
        assert not isinstance(target_result, str)
        missing = _uncovered(_intervals(result), _intervals(target_result))
        if missing:
            warning = _coverage_warning(target.id.strip(), missing)
            for r in result:
                r.warnings = (*r.warnings, warning)
