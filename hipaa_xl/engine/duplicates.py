"""The duplicate rule of 45 CFR 160.404(b)(3): one penalty where one act violates a requirement and
its more general form, or where an incident is entered twice.

An incident marked "Duplicate of" another incident of the same liable entity (its entity, or its
affiliated covered entity: members of one answer for one act, 160.402(b)(2)) adds nothing: it is
counted under its target. A chain of such links must end in a counted incident (a cycle would price
every incident on it at $0); a duplicate of an invalid row is invalid; a duplicate whose days its
target does not cover is warned about; a requirement and its more general form in one group are
warned about (the lawyer decides whether the facts are one violation). Pure functions of typed
incidents; :func:`hipaa_xl.engine.aggregate` applies them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence

from hipaa_xl.engine.incidents import ExposureRow, Incident, group_key, id_key
from hipaa_xl.errors import InvalidValue, shown
from hipaa_xl.law.loader import load_rules

ONE_DAY = dt.timedelta(days=1)
KnownIds = dict[tuple[str, str], Incident]
"""Each incident by (liable entity key, :func:`id_key` of its ID)."""


def liable_keys(inc: Incident) -> tuple[str, ...]:
    """The keys an incident's Duplicate-of target may carry: its entity's and its affiliated
    covered entity's (members of one affiliated covered entity answer for one act)."""
    ace = (inc.affiliated_covered_entity or "").strip()
    return (group_key(inc.entity), group_key(ace)) if ace else (group_key(inc.entity),)


def index_ids(incidents: Sequence[Incident]) -> KnownIds:
    """Each incident by (entity key, ID casefolded), and by its affiliated covered entity's key too;
    the first of a repeated ID wins."""
    known_ids: KnownIds = {}
    for i in incidents:
        ident = id_key(i.id)
        known_ids.setdefault((group_key(i.entity), ident), i)
        if i.affiliated_covered_entity:
            known_ids.setdefault((group_key(i.affiliated_covered_entity.strip()), ident), i)
    return known_ids


def duplicate_explanation(inc: Incident, known_ids: KnownIds) -> str:
    """The Exposure note of an incident marked Duplicate of; #VALUE! when the target is not an incident
    of the same liable entity, or is the incident itself."""
    target = str(inc.duplicate_of).strip()
    if not any((key, id_key(target)) in known_ids for key in liable_keys(inc)):
        raise InvalidValue(f"Duplicate of names incident {shown(target)}, which is not an incident of the same entity")
    if id_key(target) == id_key(inc.id):
        raise InvalidValue("an incident cannot be a duplicate of itself")
    return f"160.404(b)(3): counted under incident {target}"


def duplicate_target(inc: Incident, known_ids: KnownIds) -> Incident | None:
    """The incident named in ``inc``'s Duplicate of, when it exists (same entity); None otherwise."""
    if inc.duplicate_of in (None, ""):
        return None
    target = id_key(str(inc.duplicate_of))
    for key in liable_keys(inc):
        found = known_ids.get((key, target))
        if found is not None:
            return found
    return None


def cycle_problems(
    incidents: Sequence[Incident], known_ids: KnownIds
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
            inc = duplicate_target(inc, known_ids)
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


def general_form_warnings(
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


def _priced_links(
    incidents: Sequence[Incident], known_ids: KnownIds, priced: list[list[ExposureRow] | str]
) -> Iterator[tuple[int, Incident, list[ExposureRow], list[ExposureRow] | str]]:
    """(position, target, rows, the target's rows or reason) of each priced incident with a Duplicate-of target."""
    position = {id(inc): i for i, inc in enumerate(incidents)}
    for n, inc in enumerate(incidents):
        result = priced[n]
        target = duplicate_target(inc, known_ids)
        if isinstance(result, str) or target is None:
            continue
        yield n, target, result, priced[position[id(target)]]


def check_duplicates(
    incidents: Sequence[Incident], known_ids: KnownIds, priced: list[list[ExposureRow] | str]
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
