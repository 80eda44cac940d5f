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
import contextlib
import datetime as dt
import difflib
import functools
import gc
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence

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
from hipaa_xl.engine.provisions import spelling_variants, subpart_of
from hipaa_xl.engine.tiers import cure_period_end, derive_tier, is_cured, parse_tier
from hipaa_xl.errors import HipaaInputError, InvalidValue, shown
from hipaa_xl.law.loader import load_rules
from hipaa_xl.law.models import Tier
from hipaa_xl.law.schedules import (
    DEFAULT_SCHEDULE,
    Amounts,
    check_schedule,
    fixed_table_too_new_warning,
    newer_table_warning,
    resolve_amounts,
    schedules,
)

ONE_DAY = dt.timedelta(days=1)
SPLIT_WARNING = "one cap applies; split the row by year for exact caps"


def regime_boundaries(name: str) -> tuple[dt.date, ...]:
    """Days on which a new regime may begin under a schedule (its ``Schedule.regime_boundaries``)."""
    return schedules()[check_schedule(name)].regime_boundaries


def _effective_end(
    incident: Incident, as_of: dt.date, commenced: dt.date | None = None
) -> tuple[dt.date, str, list[str]]:
    """The last day in violation (decisions 1, 38): End; else Corrected; else the as-of date; cut at
    the as-of date, and at the commencement of the action when one is given (160.420(a), 160.422)."""
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
    if commenced is not None and end > commenced:
        rule = load_rules().commencement_ends_violations
        end, reason = commenced, (
            f"cut at the action's commencement on {commenced.isoformat()}, counted ({reason} was later): "
            f"{rule.text} ({rule.citation})"
        )
    return end, reason, warnings


@functools.lru_cache(maxsize=1024)
def _typed_tier(text: str) -> tuple[Tier, str]:
    """A typed Tier and its reason; a matter types the same few words thousands of times."""
    tier = parse_tier(text)
    return tier, f"tier {tier} as typed"


def _tier(incident: Incident) -> tuple[Tier, str, list[str]]:
    derived = None
    culpability, typed = incident.culpability, incident.tier
    if culpability not in (None, ""):
        derived = derive_tier(culpability, incident.known, incident.corrected, incident.cure_period_ends)
    if typed not in (None, ""):
        tier, reason = _typed_tier(typed)
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
    """Prices the rows of one matter: one schedule, one as-of date, one commencement date."""

    def __init__(self, schedule: str, as_of: dt.date, commenced: dt.date | None = None) -> None:
        self.schedule = schedule
        self.as_of = as_of
        rules = load_rules()
        # 160.414: the limitation is measured to the commencement of the action (160.420), not to
        # the final assessment; without a commencement date, the as-of date serves
        self.commenced = commenced
        self._limits: dict[dt.date | None, tuple[dt.date, str]] = {}
        self.first_in_time, self.limitation = self.limit(commenced)
        bar = rules.criminal_bar
        self.punishable_bars = as_of < bar.imposed_rule_from.value
        self.criminal_bar = bar
        self.boundaries = regime_boundaries(schedule)
        self._amounts: dict[tuple[Tier, int], Amounts] = {}
        ag = load_rules().ag_damages
        self.ag_from, self.ag_rate, self.ag_cap = ag.violations_from.value, ag.per_violation.value, ag.cap.value

    def limit(self, commenced: dt.date | None) -> tuple[dt.date, str]:
        """The first day in time and the limitation's citation for an action commenced on that day
        (None: measured to the as-of date)."""
        found = self._limits.get(commenced)
        if found is None:
            rules = load_rules()
            citation = rules.limitation_years.citation
            if commenced is not None and commenced != self.as_of:
                citation += (
                    f"; measured to the action commenced on {commenced.isoformat()} "
                    f"({rules.limitation_commencement.citation})"
                )
            found = self._limits[commenced] = (first_day_in_time(commenced or self.as_of), citation)
        return found

    def action_date(self, inc: Incident) -> tuple[dt.date | None, str]:
        """The commencement of the incident's action and where it comes from: the row's own date,
        else the matter's (Settings), else None (the as-of date serves)."""
        own = inc.commenced
        if own is not None:
            if own > self.as_of:
                raise InvalidValue(
                    f"Action commenced on {own.isoformat()} is after the as-of (assessment) date "
                    f"{self.as_of.isoformat()}: the assessment follows the notice of proposed determination "
                    "(45 CFR 160.420)"
                )
            return own, "Incidents"
        if self.commenced is not None:
            return self.commenced, "Settings"
        return None, "as-of date"

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
        start = inc.start  # each field read once: a pydantic model's attribute access is not cheap
        if start is None:
            raise InvalidValue("Start date is required")
        if start > self.as_of:
            raise InvalidValue(f"Start {start.isoformat()} is after the as-of date {self.as_of.isoformat()}")
        commenced, commenced_source = self.action_date(inc)
        if commenced is not None and start > commenced:
            raise InvalidValue(
                f"Start {start.isoformat()} is after the action commenced on {commenced.isoformat()} "
                f"({commenced_source}): that action cannot reach it ({load_rules().commencement_ends_violations.citation}); "
                "give the row its own 'Action commenced on', or leave it out"
            )
        first_in_time, limitation_citation = (
            (self.first_in_time, self.limitation) if commenced == self.commenced else self.limit(commenced)
        )
        limitation_to = commenced or self.as_of
        tier, tier_reason, warnings = _tier(inc)
        status, status_reason, status_warnings = self._status(inc, tier, known_ids)
        warnings += status_warnings
        affiliated_covered_entity = (inc.affiliated_covered_entity or "").strip()
        if affiliated_covered_entity and not _is_part_164(requirement):
            warnings.append(
                f"Affiliated covered entity {shown(affiliated_covered_entity)}: joint and several liability covers "
                f"violations of part 164 ({load_rules().affiliated_covered_entity.citation}); {shown(requirement)} "
                "does not look like one"
            )
        entity_key = group_key(affiliated_covered_entity or entity)
        requirement_key = group_key(requirement)
        violations = inc.violations
        if violations is not None:
            n = check_count(violations)
            facts = IncidentFacts(
                inc, entity, requirement, entity_key, requirement_key, affiliated_covered_entity, "count", tier,
                tier_reason, status, status_reason, None, "Violations given: the count is dated Start",
                limitation_citation, self._count_warnings(inc, warnings, first_in_time, commenced), limitation_to,
                commenced_source,
            )
            barred = start < first_in_time
            return [self._row(facts, start.year, start, start, 0 if barred else n, n if barred else 0)]
        effective_end, effective_end_reason, end_warnings = _effective_end(inc, self.as_of, commenced)
        if effective_end < start:
            raise InvalidValue(f"end date {effective_end.isoformat()} is before start date {start.isoformat()}")
        facts = IncidentFacts(
            inc, entity, requirement, entity_key, requirement_key, affiliated_covered_entity, "continuing", tier,
            tier_reason, status, status_reason, effective_end, effective_end_reason, limitation_citation,
            (*warnings, *end_warnings), limitation_to, commenced_source,
        )
        rows = []
        for year, first, last in segments(start, effective_end, self.boundaries):
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
    ) -> tuple[Status, str, list[str]]:
        if inc.duplicate_of not in (None, ""):
            target = str(inc.duplicate_of).strip()
            if not any((key, target.casefold()) in known_ids for key in _liable_keys(inc)):
                raise InvalidValue(
                    f"Duplicate of names incident {shown(target)}, which is not an incident of the same entity"
                )
            if target.casefold() == inc.id.strip().casefold():
                raise InvalidValue("an incident cannot be a duplicate of itself")
            return "duplicate", f"160.404(b)(3): counted under incident {target}", self._subpart_check(
                inc, _duplicate_target(inc, known_ids)
            )
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

    @staticmethod
    def _subpart_check(inc: Incident, target: Incident | None) -> list[str]:
        """160.404(b)(3) reaches provisions "in the same subpart": a link across subparts is refused
        (the row is invalid, never silently $0); one that cannot be checked is warned about."""
        if target is None:
            return []
        rule = load_rules().duplicate_same_subpart
        mine, theirs = subpart_of(inc.requirement), subpart_of(target.requirement)
        if mine is None or theirs is None:
            return [
                f"Duplicate of {target.id.strip()}: could not check that {inc.requirement.strip()!r} and "
                f"{target.requirement.strip()!r} are in the same subpart ({rule.citation}); this row adds nothing"
            ]
        if mine != theirs:
            raise InvalidValue(
                f"Duplicate of {target.id.strip()} crosses subparts: {inc.requirement.strip()} is in part {mine[0]} "
                f"subpart {mine[1]}, {target.requirement.strip()} in part {theirs[0]} subpart {theirs[1]}; "
                f"{rule.citation} reaches only a requirement repeated in the same subpart, so both are "
                "penalised: clear 'Duplicate of'"
            )
        return []

    def _cure_status(self, inc: Incident, tier: Tier, warnings: list[str]) -> tuple[Status, str, list[str]]:
        if inc.corrected is not None and is_cured(tier, inc.known, inc.corrected, inc.cure_period_ends):
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

    def _count_warnings(
        self, inc: Incident, warnings: list[str], first_in_time: dt.date, commenced: dt.date | None
    ) -> tuple[str, ...]:
        """A count dated Start whose End crosses a year, the limitation or a regime gets one cap only;
        an End after the action commenced is outside that action."""
        assert inc.start is not None
        if inc.end is None:
            return tuple(warnings)
        if inc.end < inc.start:
            raise InvalidValue(f"end date {inc.end.isoformat()} is before start date {inc.start.isoformat()}")
        crosses_limit = inc.start < first_in_time <= inc.end
        crosses_regime = any(inc.start < b <= inc.end for b in self.boundaries)
        if commenced is not None and inc.end > commenced:
            warnings = [*warnings, (
                f"End {inc.end.isoformat()} is after the action commenced on {commenced.isoformat()}: count only "
                f"the violations up to that day ({load_rules().commencement_ends_violations.citation})"
            )]
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
        if status in ("criminal", "duplicate") or (status == "cured" and self._ag_cured(facts.incident, facts.tier)):
            ag_status = status
        elif first < self.ag_from:  # 1320d-5(d) reaches violations after 2009-02-17 only
            ag_status = "pre-2009"
        elif in_time == 0:
            # (d)(8) bars these days for good, a pending federal action or not; only days in time wait
            ag_status = "time-barred" if barred else "no violations"
        elif facts.incident.federal_action_pending:
            ag_status = "deferred"
        else:
            ag_status = "eligible"
        ag_damages = in_time * self.ag_rate if ag_status == "eligible" else 0
        if ag_damages > self.ag_cap:
            ag_damages = self.ag_cap
        return ExposureRow(
            facts, amounts, year, first, last, status, in_time, barred, minimum, maximum, time_barred_maximum,
            ag_status, ag_damages,
        )

    @staticmethod
    def _ag_cured(inc: Incident, tier: Tier) -> bool:
        """The cure bars AG damages only within the 30-day period: the Secretary's extension is for
        the CMP alone (1320d-5(b)(2)(B)(i))."""
        if inc.cure_period_ends is None:
            return True
        return is_cured(tier, inc.known, inc.corrected)


class _Groups:
    """Rows summed into their (entity, identical requirement, calendar year) groups as they come.

    Each group sums its rows into (tier, regime) parts; ``capped`` then caps each part by its own
    cap, the group's total by the largest of those caps, and its AG damages once (decisions 8).
    """

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str, int], GroupTotal] = {}
        self.entity_names: dict[str, str] = {}
        """The first spelling seen of each entity key (the affiliated covered entity's, if given)."""
        self.requirement_names: dict[str, str] = {}
        self.members: dict[str, dict[str, None]] = {}
        """The members seen of each affiliated covered entity, in first-seen order."""

    def add(self, row: ExposureRow) -> None:
        facts, amounts = row.facts, row.amounts
        key = (facts.entity_key, facts.requirement_key, row.year)
        group = self.by_key.get(key)
        if group is None:
            group = self.by_key[key] = GroupTotal(
                self.entity_names.setdefault(facts.entity_key, facts.affiliated_covered_entity or facts.entity),
                self.requirement_names.setdefault(facts.requirement_key, facts.requirement),
                facts.entity_key, facts.requirement_key, row.year, 0, 0, 0, 0, 0, 0, False, (), 0, 0,
            )
        if facts.affiliated_covered_entity:
            self.members.setdefault(facts.entity_key, {})[" ".join(facts.entity.split())] = None
        limit = facts.limitation_to
        if limit is not None and limit not in group.limitation_dates:
            group.limitation_dates = tuple(sorted((*group.limitation_dates, limit)))
            group.limitation_to = group.limitation_dates[0]
        tier, regime = amounts.tier, amounts.regime
        for part in group.parts:
            if part.tier == tier and part.regime == regime:
                break
        else:
            part = GroupPart(tier, regime, amounts.cap, amounts.cap_citation, 0, 0, 0, 0)
            group.parts += (part,)
        if row.status == "counted":
            part.violations += row.violations
            group.time_barred_violations += row.time_barred_violations
        part.minimum += row.minimum
        part.maximum += row.maximum
        part.time_barred_maximum += row.time_barred_maximum
        if row.ag_damages:
            group.ag_damages += row.ag_damages
        if row.ag_status == "deferred":
            group.ag_deferred = True

    def capped(self, ag_cap: int) -> tuple[GroupTotal, ...]:
        """Every group, in first-seen order, with its parts, total and AG damages capped."""
        # (x if x < cap else cap) is min(x, cap) without the cost of a call, on ten thousand groups
        for group in self.by_key.values():
            violations = minimum = maximum = time_barred_maximum = largest_cap = 0
            for part in group.parts:
                cap = part.cap
                if part.minimum > cap:
                    part.minimum = cap
                if part.maximum > cap:
                    part.maximum = cap
                if part.time_barred_maximum > cap:
                    part.time_barred_maximum = cap
                violations += part.violations
                minimum += part.minimum
                maximum += part.maximum
                time_barred_maximum += part.time_barred_maximum
                if cap > largest_cap:
                    largest_cap = cap
            group.violations, group.largest_cap, group.ag_cap = violations, largest_cap, ag_cap
            group.minimum = minimum if minimum < largest_cap else largest_cap
            group.maximum = maximum if maximum < largest_cap else largest_cap
            group.time_barred_maximum = time_barred_maximum if time_barred_maximum < largest_cap else largest_cap
            if group.ag_damages > ag_cap:
                group.ag_damages = ag_cap
            if group.entity_key in self.members:
                group.members = tuple(self.members[group.entity_key])
        return tuple(self.by_key.values())


_CITATION_SKELETON = re.compile(r"[^0-9()]")


def _near_duplicates(kind: str, names: dict[str, str]) -> list[str]:
    """Pairs of names that look like typing slips ("Acme Health" / "Acme Heath"), decisions 7.

    Requirements that read as citations are compared as citations: two spellings of one citation
    ("45 CFR 164.502(a)" / "164.502 (a)") are reported; citations that differ in any paragraph
    letter or number (164.502(a) / 164.502(b)) are different provisions and never are, since
    merging them would merge their caps.
    """
    keys = list(names)
    if len(keys) > 400:
        return []
    out = []
    for i, key in enumerate(keys):
        if kind == "Requirement":
            out += [
                f"{kind} {names[key]!r} and {names[other]!r} look alike: the same {kind.lower()}?"
                for other in keys[i + 1 :] if spelling_variants(names[key], names[other])
            ]
        for other in difflib.get_close_matches(key, keys[i + 1 :], n=3, cutoff=0.88):
            if kind == "Requirement" and spelling_variants(names[key], names[other]) is not None:
                continue  # both citations: reported above when they are one citation, never otherwise
            if _CITATION_SKELETON.sub("", key) != _CITATION_SKELETON.sub("", other):
                continue
            out.append(f"{kind} {shown(names[key])} and {shown(names[other])} look alike: the same {kind.lower()}?")
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


def _known_ids(incidents: Sequence[Incident]) -> dict[tuple[str, str], Incident]:
    """Each incident by (entity key, ID casefolded), and by its affiliated covered entity's key too;
    the first of a repeated ID wins."""
    known_ids: dict[tuple[str, str], Incident] = {}
    for i in incidents:
        ident = i.id.strip().casefold()
        known_ids.setdefault((group_key(i.entity), ident), i)
        if i.affiliated_covered_entity:
            known_ids.setdefault((group_key(i.affiliated_covered_entity.strip()), ident), i)
    return known_ids


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


def overlap_warnings(incidents: Iterable[IncidentFacts]) -> dict[int, str]:
    """Continuing incidents of one (entity, requirement) whose counted days overlap (decisions 39).

    160.406 makes each day in violation of a provision one violation; the engine counts each
    incident day by day, so shared days are counted once per incident. ``incidents``: the facts of
    the priced incidents, in Incidents order. Returns, by ``id`` of the later incident's facts, the
    warning naming the shared days and (up to three of) the earlier incidents. Each incident is
    compared with the union of the earlier ones, kept as sorted disjoint intervals, so a requirement
    with thousands of incidents costs about n log n.
    """
    by_key: dict[tuple[str, str], list[IncidentFacts]] = {}
    for facts in incidents:
        if facts.kind == "continuing" and facts.status == "counted":
            by_key.setdefault((facts.entity_key, facts.requirement_key), []).append(facts)
    rule = load_rules().overlapping_days
    out: dict[int, str] = {}
    for group in by_key.values():
        if len(group) < 2:
            continue
        union = _Union()
        for facts in group:
            start, end = facts.incident.start, facts.effective_end
            if start is None or end is None:
                continue
            days = [(start, end)]
            shared, names, more = union.overlap(days)
            if shared:
                others = ", ".join(names) + (" and others" if more else "")
                out[id(facts)] = (
                    f"{shared} day(s) of this incident are also counted under incident(s) {others} of the same "
                    f"requirement: {rule.text} ({rule.citation})"
                )
            union.add(days, facts.incident.id.strip())
    return out


class _Union:
    """Sorted disjoint date intervals (the days of the incidents seen so far), each with up to three
    of the incidents that cover it and whether there were more."""

    NAMES = 3

    def __init__(self) -> None:
        self.starts: list[dt.date] = []
        self.ends: list[dt.date] = []
        self.who: list[tuple[list[tuple[dt.date, dt.date, str]], bool]] = []

    def overlap(self, days: list[tuple[dt.date, dt.date]]) -> tuple[int, list[str], bool]:
        """Days of ``days`` (sorted, disjoint) inside the union, the incidents found there, and more."""
        shared, more = 0, False
        names: list[str] = []
        for a, b in days:
            i = bisect.bisect_right(self.ends, a - ONE_DAY)  # the first interval ending on or after a
            while i < len(self.starts) and self.starts[i] <= b:
                shared += (min(b, self.ends[i]) - max(a, self.starts[i])).days + 1
                spans, extra = self.who[i]
                for c, d, name in spans:
                    if c <= b and d >= a and name not in names:
                        if len(names) < self.NAMES:
                            names.append(name)
                        else:
                            more = True
                more = more or extra
                i += 1
        return shared, names, more

    def add(self, days: list[tuple[dt.date, dt.date]], name: str) -> None:
        """Merge an incident's days into the union."""
        for a, b in days:
            lo = bisect.bisect_left(self.ends, a - ONE_DAY)  # intervals touching or after a
            hi = bisect.bisect_right(self.starts, b + ONE_DAY)
            spans: list[tuple[dt.date, dt.date, str]] = []
            extra = False
            if lo < hi:
                for k in range(lo, hi):
                    spans += self.who[k][0]
                    extra = extra or self.who[k][1]
            spans.append((a, b, name))
            if lo < hi:
                a, b = min(a, self.starts[lo]), max(b, self.ends[hi - 1])
            if len(spans) > self.NAMES:
                spans, extra = spans[: self.NAMES], True
            self.starts[lo:hi], self.ends[lo:hi], self.who[lo:hi] = [a], [b], [(spans, extra)]


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
    incidents: Iterable[Incident],
    schedule: str = DEFAULT_SCHEDULE,
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
    with _collector_paused():
        return _aggregate(list(incidents), schedule, as_of, commenced, general_forms)


def _aggregate(
    incidents: list[Incident],
    schedule: str,
    as_of: dt.date | None,
    commenced: dt.date | None,
    general_forms: Mapping[str, str] | None,
) -> Aggregation:
    schedule = check_schedule(schedule)
    day = as_of if as_of is not None else clock.today()
    if commenced is not None and commenced > day:
        raise InvalidValue(
            f"the action commenced on {commenced.isoformat()} is after the as-of (assessment) date "
            f"{day.isoformat()}: the assessment follows the notice of proposed determination (45 CFR 160.420)"
        )
    pricer = _Pricer(schedule, day, commenced)
    # the IDs are looked up only to follow Duplicate-of links: without one, nothing to index
    duplicates = any(i.duplicate_of not in (None, "") for i in incidents)
    known_ids = _known_ids(incidents) if duplicates else {}
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
    every_facts = [result[0].facts for result in priced if not isinstance(result, str) and result]
    overlaps = overlap_warnings(every_facts)
    for facts in every_facts:
        extra = overlaps.get(id(facts))
        if extra is not None:
            facts.warnings = (*facts.warnings, extra)
    groups = _Groups()
    for r in rows:
        groups.add(r)
    warnings: list[str] = []
    warnings += _near_duplicates("Entity", groups.entity_names)
    warnings += _near_duplicates("Requirement", groups.requirement_names)
    if general_forms:
        warnings += _general_form_warnings(rows, general_forms)
    if schedules()[schedule].follows_as_of:
        newer = newer_table_warning(day)
        if newer:
            warnings.append(newer)
    else:
        early = fixed_table_too_new_warning(schedule, day)
        if early:
            warnings.append(early)
    return Aggregation(
        schedule=schedule, as_of=day, rows=tuple(rows), groups=groups.capped(ag_cap()), invalid=tuple(invalid),
        warnings=tuple(warnings),
    )


def _priced_links(
    incidents: Sequence[Incident], known_ids: dict[tuple[str, str], Incident], priced: list[list[ExposureRow] | str]
) -> Iterator[tuple[int, Incident, list[ExposureRow], list[ExposureRow] | str]]:
    """(position, target, rows, the target's rows or reason) of each priced incident with a Duplicate-of target."""
    position = {id(inc): i for i, inc in enumerate(incidents)}
    for n, inc in enumerate(incidents):
        result = priced[n]
        target = _duplicate_target(inc, known_ids)
        if isinstance(result, str) or target is None:
            continue
        yield n, target, result, priced[position[id(target)]]


def _check_duplicates(
    incidents: Sequence[Incident], known_ids: dict[tuple[str, str], Incident], priced: list[list[ExposureRow] | str]
) -> None:
    """A duplicate of an invalid row is invalid (it must not silently add $0); a duplicate whose days
    are not covered by its target's days gets a warning (the figures do not change)."""
    changed = True
    while changed:  # a chain of duplicates: repeat until no new row turns invalid
        changed = False
        for n, target, _, target_result in _priced_links(incidents, known_ids, priced):
            if isinstance(target_result, str):
                priced[n] = (
                    f"Duplicate of names incident {target.id.strip()}, which is invalid ({target_result}); "
                    "fix that row, or count this one"
                )
                changed = True
    for _, target, result, target_result in _priced_links(incidents, known_ids, priced):
        assert not isinstance(target_result, str)
        missing = _uncovered(_intervals(result), _intervals(target_result))
        if missing:
            facts = result[0].facts  # the incident's rows share its facts and warnings
            facts.warnings = (*facts.warnings, _coverage_warning(target.id.strip(), missing))
