"""Pydantic models of the law data files in ``law/data``: every amount with its citation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

Tier = Literal["A", "B", "C", "D"]
TIERS: tuple[Tier, ...] = ("A", "B", "C", "D")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CitedAmount(_Frozen):
    """A dollar amount and where the law says it; ``None`` means the law sets no such amount."""

    value: int | None
    citation: str


class CitedDate(_Frozen):
    value: dt.date
    citation: str


class CitedNumber(_Frozen):
    value: int
    citation: str


class Citation(_Frozen):
    citation: str


class TierAmounts(_Frozen):
    """Per-violation minimum and maximum and the calendar-year cap for identical violations."""

    minimum: CitedAmount
    maximum: CitedAmount
    cap: CitedAmount


class Applies(_Frozen):
    violations_from: dt.date | None
    violations_to: dt.date | None


class FixedSchedule(_Frozen):
    """One set of amounts read straight from a text of law (``regulation``, ``statute``, ``pre-2009``)."""

    name: str
    title: str
    kind: Literal["fixed", "regime"]
    description: str
    document: str
    source_quality: str
    note: str | None = None
    """Shown in every explanation that uses this schedule (e.g. that its amounts are unadjusted)."""
    tier_readings: dict[Tier, str] = {}
    """Per tier: the reading a figure rests on, named in the explanations (e.g. tier D under 'statute')."""
    applies: Applies
    tiers: dict[Tier, TierAmounts]


class AdjustedTable(_Frozen):
    """One 45 CFR 102.3 table: the amounts in force for penalties assessed on or after ``effective``."""

    label: str
    federal_register: str
    effective: dt.date
    multiplier: Decimal
    source_quality: str
    tiers: dict[Tier, TierAmounts]

    @property
    def schedule_name(self) -> str:
        return f"cfr102-{self.label}"

    @property
    def description(self) -> str:
        return f"45 CFR 102.3, table effective {self.effective.isoformat()}, {self.federal_register}"


class Cfr102Applicability(_Frozen):
    violations_after: dt.date
    violations_after_citation: str
    assessed_after: dt.date
    assessed_after_citation: str


class TieredCapsEstimate(_Frozen):
    base: str
    method: str
    citation: str
    source_quality: str


class AdjustedSeries(_Frozen):
    """The dated series of 45 CFR 102.3 tables (OpenFisca-style: each value valid from a date)."""

    name: str
    title: str
    kind: Literal["dated-series"]
    description: str
    document: str
    applicability: Cfr102Applicability
    base: str
    rounding: str
    newer_table_warning_months: int
    tables: list[AdjustedTable]
    tiered_caps_estimate: TieredCapsEstimate


class CitedNote(_Frozen):
    """A rule stated in words, with its citation."""

    citation: str
    text: str


class AgRules(_Frozen):
    per_violation: CitedNumber
    cap: CitedNumber
    violations_from: CitedDate
    federal_action: Citation
    criminal: Citation
    reduction: Citation
    all_states_note: CitedNote


class CureExtension(_Frozen):
    """The Secretary's extension of the cure period and the reading that it also moves the C/D line."""

    citation: str
    reading: str
    scope: str


class CriminalBar(_Frozen):
    """1320d-5(b)(1) / 160.410(a): 'punishable' barred a CMP assessed before ``imposed_rule_from``."""

    imposed: Citation
    imposed_rule_from: CitedDate
    punishable: Citation


class AffiliatedRules(_Frozen):
    citation: str
    several_entities_citation: str


class CriminalOffense(_Frozen):
    fine: int
    years: int
    citation: str
    label: str
    aliases: list[str]


class CriminalNote(_Frozen):
    citation: str
    text: str


class Subpart(_Frozen):
    """One subpart of part 160 or 164: its first and last section numbers."""

    part: int
    subpart: str
    first: str
    last: str


class SubpartRule(_Frozen):
    """160.404(b)(3) reaches provisions of the same subpart: the rule and the subparts' sections."""

    citation: str
    text: str
    subparts: list[Subpart]
    source: str


class Rules(_Frozen):
    """Dates, periods and the non-CMP amounts (State AG damages, criminal maxima)."""

    name: str
    title: str
    hitech_violations_from: CitedDate
    cure_period_days: CitedNumber
    cure_period_extension: CureExtension
    limitation_years: CitedNumber
    limitation_commencement: Citation
    ag_damages: AgRules
    criminal_offenses: dict[str, CriminalOffense]
    criminal_note: CriminalNote
    criminal_bar: CriminalBar
    waiver: CitedNote
    corrective_action: CitedNote
    willful_neglect_penalty_required: CitedNote
    affiliated_covered_entity: AffiliatedRules
    more_general_form: Citation
    commencement_ends_violations: CitedNote
    duplicate_same_subpart: SubpartRule
    overlapping_days: CitedNote
    ag_deferral_erosion: CitedNote
