"""Which Exposure rows and Summary groups exist: decided by the engine, not by the workbook.

The engine's aggregation (``hipaa_xl.engine.aggregate``) gives the incident x calendar year x regime
segments and the (entity, identical requirement, year) groups with their (tier, regime) parts
(decisions 7, 8). This module turns them into row positions; the figures themselves are formulas.
Segments are also cut at 2015-11-03 under every schedule, so that switching the schedule on Settings
to a 45 CFR 102.3 one never prices adjusted days at unadjusted amounts unnoticed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from hipaa_xl.engine import Aggregation
from hipaa_xl.engine.days import segments
from hipaa_xl.engine.incidents import ExposureRow, GroupTotal, group_key
from hipaa_xl.law.schedules import CURRENT, schedules
from hipaa_xl.ooxml import dates
from hipaa_xl.workbook.inputs import IncidentRow


def regime_starts() -> tuple[dt.date, ...]:
    """Every day a regime line may fall on under any schedule: 2009-02-18 and 2015-11-03 (the 45 CFR
    102.3 schedules' lines; 45 CFR 160.404(b), 102.2)."""
    return schedules()[CURRENT].regime_boundaries


def segment_bounds(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The natural segment around [first, last]: the piece of its calendar year, cut at every regime
    line, that holds it (the engine's rows never cross a line)."""
    year = first.year
    return next(
        (lo, hi) for _, lo, hi in segments(dt.date(year, 1, 1), dt.date(year, 12, 31), regime_starts()) if lo <= first <= hi
    )


@dataclass
class ExposureLine:
    """One Exposure row."""

    incident: IncidentRow
    kind: str  # "continuing", "count" or "invalid"
    year: int | None = None
    regime: str = ""
    tier: str = ""
    seg_lo: dt.date | None = None
    seg_hi: dt.date | None = None
    group: int = 0
    part: int = 0
    first_of_incident: bool = False
    last_of_incident: bool = False
    sheet_row: int = 0
    first_row_of_incident: int = 0
    last_row_of_incident: int = 0
    part_rep_row: int = 0
    entity: str = ""
    requirement: str = ""
    affiliated_covered_entity: str = ""


@dataclass
class SummaryGroup:
    """One (entity, requirement, calendar year) row of the ExposureByYear table."""

    number: int
    entity: str
    requirement: str
    year: int
    engine: GroupTotal | None
    """None for the Summary row of an unpriced Incidents row that matches no priced group."""
    parts: list[int] = field(default_factory=list)
    """Exposure sheet row of each part's representative row (its cap), in part order."""
    sheet_row: int = 0
    members: tuple[str, ...] = ()
    """For an affiliated covered entity (``entity``): its members, jointly and severally liable for
    the group's one amount (160.402(b)(2))."""


@dataclass
class Layout:
    """The whole generated layout."""

    lines: list[ExposureLine]
    groups: list[SummaryGroup]
    incidents_with_id: int


def _split_2015(row: ExposureRow) -> list[tuple[dt.date, dt.date]]:
    """A continuing row cut at every regime line (under a fixed schedule, at 2015-11-03 too)."""
    if row.kind != "continuing":
        return [(row.segment_start, row.segment_end)]
    return [(lo, hi) for _, lo, hi in segments(row.segment_start, row.segment_end, regime_starts())]


def build_layout(rows: list[IncidentRow], agg: Aggregation, first_row: int) -> Layout:
    """Exposure lines in Incidents order and Summary groups sorted by entity, requirement, year."""
    by_incident: dict[int, list[ExposureRow]] = {}
    id_to_rows: dict[str, list[int]] = {}
    for ir in rows:
        if ir.incident is not None:
            id_to_rows.setdefault(ir.incident.id, []).append(ir.row)
    valid_rows = {ir.row for ir in rows if ir.incident is not None}
    invalid_reason = {inv.row: inv.reason for inv in agg.invalid if inv.row is not None}
    for er in agg.rows:
        # the engine keeps the Incidents row on the incident; rows come back in input order
        candidates = id_to_rows.get(er.incident_id, [])
        target = next((r for r in candidates if r in valid_rows and r not in invalid_reason), None)
        if target is not None:  # duplicate IDs: the rows go to the first valid row with the ID
            by_incident.setdefault(target, []).append(er)

    group_keys: dict[tuple[str, str, int], GroupTotal | None] = {
        (g.entity_key, g.requirement_key, g.year): g for g in agg.groups
    }
    shown: dict[tuple[str, str, int], tuple[str, str]] = {k: (g.entity, g.requirement)
                                                         for k, g in group_keys.items() if g is not None}
    for ir in rows:  # decisions 13: an unpriced row in no group gets a Summary row of its own (#N/A)
        if ir.incident is not None and ir.row not in invalid_reason and by_incident.get(ir.row):
            continue
        entity, requirement, y0, y1 = _span_of_invalid(ir)
        if not entity or not requirement or y0 == 0:
            continue
        ent, req = group_key(entity), group_key(requirement)
        if not any(k[0] == ent and k[1] == req and y0 <= k[2] <= y1 for k in group_keys):
            group_keys[(ent, req, y0)] = None
            shown[(ent, req, y0)] = (" ".join(entity.split()), " ".join(requirement.split()))
    ordered = sorted(group_keys.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2]))
    numbers = {k: i for i, (k, _) in enumerate(ordered, start=1)}
    groups = [
        SummaryGroup(numbers[k], shown[k][0], shown[k][1], k[2], g, members=g.members if g is not None else ())
        for k, g in ordered
    ]
    part_numbers: dict[int, dict[tuple[str, str], int]] = {}

    lines: list[ExposureLine] = []
    seen_rows: set[int] = set()
    for ir in rows:
        if ir.row in seen_rows:
            continue
        seen_rows.add(ir.row)
        engine_rows = by_incident.get(ir.row, []) if ir.row not in invalid_reason else []
        if ir.incident is None or not engine_rows:
            reason = ir.reason or invalid_reason.get(ir.row, "not priced")
            bad = IncidentRow(ir.row, ir.incident, reason, ir.raw_id, ir.raw)
            # decisions 13: an unpriced row makes the Summary groups it would belong to #N/A; one
            # Exposure line per such group (group 0: it matches no group, the grand total is #N/A)
            matched = _groups_of_invalid(bad, ordered, numbers) or [0]
            for i, number in enumerate(matched):
                lines.append(ExposureLine(bad, "invalid", group=number, first_of_incident=i == 0,
                                          last_of_incident=i == len(matched) - 1))
            continue
        # rows of one incident used up: a later incident with the same ID must not take them again
        by_incident.pop(ir.row, None)
        inc_lines: list[ExposureLine] = []
        for er in engine_rows:
            key = (er.entity_key, er.requirement_key, er.year)
            number = numbers[key]
            parts = part_numbers.setdefault(number, {})
            part = parts.setdefault((er.tier, er.regime), len(parts) + 1)
            for first, last in _split_2015(er):
                lo, hi = segment_bounds(first, last) if er.kind == "continuing" else (first, first)
                inc_lines.append(
                    ExposureLine(
                        ir, er.kind, er.year, er.regime, er.tier, lo, hi, number, part,
                        entity=er.entity, requirement=er.requirement,
                        affiliated_covered_entity=er.affiliated_covered_entity,
                    )
                )
        inc_lines[0].first_of_incident = True
        inc_lines[-1].last_of_incident = True
        lines.extend(inc_lines)

    for i, line in enumerate(lines):
        line.sheet_row = first_row + i
    start = 0
    for line in lines:
        if line.first_of_incident:
            start = line.sheet_row
        line.first_row_of_incident = start
    end = 0
    for line in reversed(lines):
        if line.last_of_incident:
            end = line.sheet_row
        line.last_row_of_incident = end
    reps: dict[tuple[int, int], int] = {}
    for line in lines:
        if line.kind != "invalid":
            line.part_rep_row = reps.setdefault((line.group, line.part), line.sheet_row)
    by_number = {g.number: g for g in groups}
    for (number, part), row in sorted(reps.items()):
        grp = by_number[number]
        while len(grp.parts) < part:
            grp.parts.append(0)
        grp.parts[part - 1] = row
    with_id = sum(1 for ir in rows if ir.raw_id)
    return Layout(lines, groups, with_id)


def _span_of_invalid(ir: IncidentRow) -> tuple[str, str, int, int]:
    """Entity, requirement and the calendar years an unpriced row covers (0, 9999 when unknown)."""
    raw = dict(ir.raw)
    if ir.incident is not None:
        raw.update(ir.incident.model_dump())
    # the members of an affiliated covered entity are grouped under it (160.402(b)(2))
    ace = _as_text(raw.get("affiliated_covered_entity")).strip()
    entity, requirement = ace or _as_text(raw.get("entity")).strip(), _as_text(raw.get("requirement")).strip()
    start, end = _year(raw.get("start")), _year(raw.get("end") or raw.get("corrected"))
    if start is None:
        return entity, requirement, 0, 9999
    if raw.get("violations") not in (None, ""):
        return entity, requirement, start, start
    return entity, requirement, min(start, end or start), max(start, end or 9999)


def _groups_of_invalid(
    ir: IncidentRow,
    ordered: list[tuple[tuple[str, str, int], GroupTotal | None]],
    numbers: dict[tuple[str, str, int], int],
) -> list[int]:
    """The Summary groups an unpriced row would fall in: same entity and requirement, its years."""
    entity, requirement, lo, hi = _span_of_invalid(ir)
    ent, req = group_key(entity), group_key(requirement)
    return [numbers[k] for k, _ in ordered if k[0] == ent and k[1] == req and lo <= k[2] <= hi]


def _as_text(value: object) -> str:
    return "" if value is None else str(value)


def _year(value: object) -> int | None:
    """The year of a cell's date: a date, ISO text, or an Excel serial number (what xlwings Lite reads)."""
    if isinstance(value, dt.date):
        return value.year
    if isinstance(value, int | float) and not isinstance(value, bool):
        day = dates.serial_to_date(value)
        return None if day is None else day.year
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10]).year
        except ValueError:
            return None
    return None


