"""The base matter indexed once, so each scenario re-aggregates only what its changes touch.

A speed device behind :func:`hipaa_xl.engine.scenarios.run_scenarios` (private): a change can move
only the groups of its own (entity, identical requirement) pair, and of the pairs linked to it by a
"Duplicate of"; every other group is the base's, as computed. The result equals a full aggregation
of the changed incidents, group by group (tests/engine/test_scenarios.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hipaa_xl.engine.aggregate import aggregate
from hipaa_xl.engine.duplicates import liable_keys
from hipaa_xl.engine.incidents import Aggregation, ExposureRow, GroupTotal, Incident, group_key, id_key

Pair = tuple[str, str]


def group_entity(inc: Incident) -> str:
    """The entity key an incident is grouped and capped under: its affiliated covered entity's when
    it names one (160.402(b)(2)), else its own."""
    return group_key((inc.affiliated_covered_entity or "").strip() or inc.entity)


class BaseIndex:
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
        self.pair_of: list[Pair] = [(group_entity(i), group_key(i.requirement)) for i in incidents]
        self.members: dict[Pair, list[int]] = {}
        for i, pair in enumerate(self.pair_of):
            self.members.setdefault(pair, []).append(i)
        self.duplicates_of: dict[int, list[int]] = {}
        """Target position -> the positions of the incidents marked "Duplicate of" it."""
        self.links: dict[Pair, set[Pair]] = {}
        for i, inc in enumerate(incidents):
            for t in self.targets(inc):
                self.duplicates_of.setdefault(t, []).append(i)
                self.link(self.links, self.pair_of[i], self.pair_of[t])
        self.groups: dict[Pair, list[GroupTotal]] = {}
        self.entity_names: dict[str, str] = {}
        self.requirement_names: dict[str, str] = {}
        for g in base.groups:
            pair = (g.entity_key, g.requirement_key)
            self.groups.setdefault(pair, []).append(g)
            self.entity_names.setdefault(g.entity_key, g.entity)
            self.requirement_names.setdefault(g.requirement_key, g.requirement)
        self.rows: dict[Pair, list[ExposureRow]] = {}
        for r in base.rows:
            self.rows.setdefault((r.entity_key, r.requirement_key), []).append(r)

    def targets(self, inc: Incident) -> list[int]:
        """The positions of the incidents ``inc``'s "Duplicate of" names (same liable entity)."""
        if not inc.duplicate_of:
            return []
        mine = set(liable_keys(inc))
        return [t for t in self.ids.get(id_key(inc.duplicate_of), [])
                if set(liable_keys(self.incidents[t])) & mine]

    @staticmethod
    def link(links: dict[Pair, set[Pair]], a: Pair, b: Pair) -> None:
        if a != b:
            links.setdefault(a, set()).add(b)
            links.setdefault(b, set()).add(a)

    def aggregate(self, incidents: Iterable[Incident], schedule: str, as_of: dt.date) -> Aggregation:
        """The one public aggregation, with the matter's commencement date and general forms."""
        return aggregate(incidents, schedule, as_of, self.commenced, self.general_forms)

    def closure(self, pairs: set[Pair], changed: Mapping[int, Incident]) -> set[Pair]:
        """``pairs`` and every pair linked to them by a "Duplicate of", in the base or as changed."""
        links = self.links
        extra: dict[Pair, set[Pair]] = {}
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
class Priced:
    aggregation: Aggregation
    notes: list[str]
    touched_ids: set[str]
    pairs: set[Pair] | None
    """The pairs aggregated again; None after a full aggregation."""
    new_groups: tuple[GroupTotal, ...] = ()
    """The groups of those pairs (all groups after a full aggregation)."""


def scenario_aggregation(
    index: BaseIndex, updates: Mapping[int, dict[str, Any]], excluded: set[int], schedule: str, as_of: dt.date,
) -> Priced:
    """The aggregation of the scenario's incidents, reusing the base where it can.

    Same schedule and as-of date as the base: only the (entity, requirement) pairs of the touched
    incidents are aggregated again (with every incident of those pairs, and of the pairs linked to
    them by a "Duplicate of"); every other group is the base's. Otherwise a full aggregation.
    """
    incidents, base = index.incidents, index.base
    gone = {id_key(incidents[i].id) for i in excluded}
    touched = set(updates) | excluded
    for i in excluded:  # a duplicate of an excluded incident is counted on its own: it changes too
        touched.update(d for d in index.duplicates_of.get(i, []) if d not in excluded)
    notes: list[str] = []
    changed = {i: changed_incident(incidents[i], updates.get(i), gone, notes) for i in sorted(touched - excluded)}
    touched_ids = {id_key(incidents[i].id) for i in touched}
    if schedule != base.schedule or as_of != base.as_of:
        everything = [changed.get(i, inc) for i, inc in enumerate(incidents) if i not in excluded]
        full = index.aggregate(everything, schedule, as_of)
        return Priced(full, notes, touched_ids, None, full.groups)
    pairs = index.closure({index.pair_of[i] for i in touched}, changed)
    positions = sorted(i for pair in pairs for i in index.members[pair] if i not in excluded)
    sub = index.aggregate([changed.get(i, incidents[i]) for i in positions], schedule, as_of)
    moved_ids = {id_key(incidents[i].id) for pair in pairs for i in index.members[pair]}
    rows: list[ExposureRow] = [r for pair, rs in index.rows.items() if pair not in pairs for r in rs]
    rows += sub.rows
    groups = [g for pair, gs in index.groups.items() if pair not in pairs for g in gs]
    for g in sub.groups:  # the base's spelling of each name (decisions 7: the first one seen)
        g.entity = index.entity_names.get(g.entity_key, g.entity)
        g.requirement = index.requirement_names.get(g.requirement_key, g.requirement)
        groups.append(g)
    invalid = [v for v in base.invalid if id_key(v.incident_id) not in moved_ids]
    invalid += sub.invalid
    warnings = list(base.warnings) + [w for w in sub.warnings if w not in base.warnings]
    agg = Aggregation(schedule, as_of, tuple(rows), tuple(groups), tuple(invalid), tuple(warnings))
    return Priced(agg, notes, touched_ids, pairs, sub.groups)


def changed_incident(
    inc: Incident, update: dict[str, Any] | None, gone: set[str], notes: list[str]
) -> Incident:
    """``inc`` with ``update`` applied; a duplicate of an incident in ``gone`` (excluded) is counted on
    its own, with a note (160.404(b)(3) allows one penalty, not none)."""
    if update:
        inc = inc.model_copy(update=update)
    if inc.duplicate_of and id_key(inc.duplicate_of) in gone:
        notes.append(
            f"{inc.id} was counted under {inc.duplicate_of.strip()}, which this scenario excludes: "
            f"{inc.id} is counted on its own (45 CFR 160.404(b)(3) allows one penalty, not none)"
        )
        inc = inc.model_copy(update={"duplicate_of": None})
    return inc
