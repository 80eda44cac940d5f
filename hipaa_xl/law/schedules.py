"""Schedules: which amounts apply to one violation, for a chosen reading of the law.

A schedule is a view over the data files. ``regulation`` (45 CFR 160.404(b)(2)) and ``statute``
(42 U.S.C. 1320d-5(a)(3), 84 FR 18151) are fixed; ``current`` picks the 45 CFR 102.3 table in force
on the assessment date; ``cfr102-YYYY`` fixes one table; ``current-tiered`` is ``current`` with the
2019 tiered caps carried through the multipliers (an estimate). Whatever the schedule, a violation
before 2009-02-18 takes the 160.404(b)(1) amounts, and under the 102.3 schedules a violation on or
before 2015-11-02 keeps the unadjusted amounts (45 CFR 102.2).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from hipaa_xl import clock
from hipaa_xl.errors import InvalidValue
from hipaa_xl.law.loader import load_fixed, load_rules, load_series
from hipaa_xl.law.models import TIERS, AdjustedTable, FixedSchedule, Tier, TierAmounts

Regime = Literal["pre-2009", "unadjusted", "inflation-adjusted"]

DEFAULT_SCHEDULE = "regulation"
_FIXED = ("regulation", "statute")
_CURRENT = ("current", "current-tiered")


@dataclasses.dataclass(frozen=True, slots=True)
class Amounts:
    """The amounts that apply to one violation of one tier, each with its citation.

    A frozen dataclass rather than a pydantic model: it is built only here, from validated law data,
    and read on the engine's hot path, where a pydantic model's attribute access costs several times
    more.
    """

    tier: Tier
    schedule: str
    regime: Regime
    minimum: int
    minimum_citation: str
    maximum: int | None
    """Per-violation maximum; ``None`` when the law sets none (tier D: the cap is the ceiling)."""
    maximum_citation: str
    cap: int
    cap_citation: str
    source: str
    """The table used, e.g. ``45 CFR 102.3, table effective 2026-01-28, 91 FR 3665``."""
    why: str
    """Why this table applies to this violation and assessment date."""
    cap_is_estimate: bool = False
    no_penalty: bool = False
    """True where the law allows no penalty at all (tier A facts before 2009-02-18); the cap is then 0."""
    readings: tuple[str, ...] = ()
    """The readings these figures rest on, named in every explanation (e.g. 'statute' is unadjusted)."""
    warnings: tuple[str, ...] = ()

    @property
    def per_violation_maximum(self) -> int:
        """The per-violation ceiling: the maximum, or the cap where the law sets no maximum."""
        return self.cap if self.maximum is None else self.maximum


@functools.cache
def schedule_names() -> tuple[str, ...]:
    """Every schedule name a user may choose, in the order the workbook lists them."""
    fixed_tables = tuple(t.schedule_name for t in load_series().tables)
    return ("regulation", "statute", "current", "current-tiered", *fixed_tables)


@functools.cache
def _known_names() -> frozenset[str]:
    return frozenset(schedule_names())


def check_schedule(name: object) -> str:
    """The schedule name, normalised; an unknown name lists the valid ones."""
    if name.__class__ is str and name in _known_names():
        return name
    if name is None:
        return DEFAULT_SCHEDULE
    text = str(name).strip().lower()
    if text == "":
        return DEFAULT_SCHEDULE
    if text not in schedule_names():
        raise InvalidValue(
            f"unknown schedule {str(name)!r}; valid schedules: {', '.join(schedule_names())}"
        )
    return text


def _round_dollars(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@functools.cache
def tiered_cap_estimates() -> dict[str, dict[Tier, int]]:
    """84 FR 18151's tiered caps carried through each 102.3 multiplier, rounded every year.

    HHS has published no such table: these are estimates, labelled so wherever they are shown.
    Tier D takes the table's full cap.
    """
    series = load_series()
    base = load_fixed(series.tiered_caps_estimate.base)
    running: dict[Tier, int] = {t: _cap_value(base.tiers[t]) for t in TIERS}
    out: dict[str, dict[Tier, int]] = {}
    for table in series.tables:
        running = {t: _round_dollars(Decimal(running[t]) * table.multiplier) for t in TIERS}
        out[table.label] = {**running, "D": _cap_value(table.tiers["D"])}
    return out


def _cap_value(amounts: TierAmounts) -> int:
    if amounts.cap.value is None:
        raise ValueError("law data: every tier needs a calendar-year cap")
    return amounts.cap.value


def _value(amount: int | None, what: str) -> int:
    if amount is None:
        raise ValueError(f"law data: missing {what}")
    return amount


def _from_fixed(
    tier: Tier, schedule: str, regime: Regime, data: FixedSchedule, why: str, warnings: tuple[str, ...]
) -> Amounts:
    t = data.tiers[tier]
    no_penalty = regime == "pre-2009" and t.maximum.value == 0
    # the schedule's own note (e.g. 'statute' is unadjusted) only where it is the chosen schedule
    note = data.note if schedule == data.name else None
    readings = tuple(r for r in (note, data.tier_readings.get(tier)) if r)
    return Amounts(
        tier=tier,
        schedule=schedule,
        regime=regime,
        minimum=_value(t.minimum.value, "minimum"),
        minimum_citation=t.minimum.citation,
        maximum=t.maximum.value,
        maximum_citation=t.maximum.citation,
        # no penalty at all: no calendar-year cap either (the 160.404(b)(1)(ii) cap bounds nothing)
        cap=0 if no_penalty else _cap_value(t),
        cap_citation=t.maximum.citation if no_penalty else t.cap.citation,
        source=data.document,
        why=why,
        no_penalty=no_penalty,
        readings=readings,
        warnings=warnings,
    )


def _from_table(
    tier: Tier, schedule: str, table: AdjustedTable, why: str, tiered: bool, warnings: tuple[str, ...]
) -> Amounts:
    t = table.tiers[tier]
    cap = _cap_value(t)
    cap_citation = t.cap.citation
    estimate = False
    if tiered and tier != "D":
        cap = tiered_cap_estimates()[table.label][tier]
        method = load_series().tiered_caps_estimate
        cap_citation = (
            f"ESTIMATE: {method.citation}; {method.method} (HHS has published no such table)"
        )
        estimate = True
    return Amounts(
        tier=tier,
        schedule=schedule,
        regime="inflation-adjusted",
        minimum=_value(t.minimum.value, "minimum"),
        minimum_citation=t.minimum.citation,
        maximum=t.maximum.value,
        maximum_citation=t.maximum.citation,
        cap=cap,
        cap_citation=cap_citation,
        source=table.description,
        why=why,
        cap_is_estimate=estimate,
        warnings=warnings,
    )


def table_in_force(as_of: dt.date) -> AdjustedTable | None:
    """The newest 102.3 table whose effective date is on or before ``as_of`` (None before 2016-08-02)."""
    chosen: AdjustedTable | None = None
    for table in load_series().tables:
        if table.effective <= as_of:
            chosen = table
    return chosen


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def newer_table_warning(as_of: dt.date) -> str | None:
    """A warning when ``as_of`` is so far past the newest shipped table that a newer one may exist."""
    series = load_series()
    newest = series.tables[-1]
    if as_of > _add_months(newest.effective, series.newer_table_warning_months):
        return (
            f"the assessment date {as_of.isoformat()} is more than {series.newer_table_warning_months} "
            f"months after the newest table shipped ({newest.description}); a newer 45 CFR 102.3 "
            "adjustment may exist"
        )
    return None


def resolve_amounts(
    tier: Tier,
    violation_date: dt.date | None = None,
    schedule: str = DEFAULT_SCHEDULE,
    as_of: dt.date | None = None,
) -> Amounts:
    """The amounts for one violation of ``tier`` dated ``violation_date``, assessed on ``as_of``.

    ``violation_date`` None means a violation under the schedule's own regime (after 2009-02-17;
    under the 102.3 schedules, after 2015-11-02). ``as_of`` None means today; it matters only for
    ``current`` and ``current-tiered``. Raises ``InvalidValue`` for an unknown schedule or an
    assessment date before the violation.
    """
    if tier not in TIERS:
        raise InvalidValue(f"tier must be A, B, C or D (got {tier!r})")
    schedule = check_schedule(schedule)
    if as_of is None and schedule in _CURRENT:
        as_of = clock.today()  # read outside the cache, so that a new day gives the new table
    if as_of is not None and violation_date is not None and as_of < violation_date:
        raise InvalidValue(
            f"the assessment (as-of) date {as_of.isoformat()} is before the violation date "
            f"{violation_date.isoformat()}: a penalty cannot be assessed before the violation"
        )
    era = _era(violation_date, schedule)
    amounts = _resolve(tier, era, schedule, as_of if era in ("adjusted", "undated") and schedule in _CURRENT else None)
    if as_of is not None and era in ("adjusted", "undated") and schedule not in _FIXED + _CURRENT:
        early = fixed_table_too_new_warning(schedule, as_of)
        if early:
            return dataclasses.replace(amounts, warnings=(*amounts.warnings, early))
    return amounts


def fixed_table_too_new_warning(schedule: str, as_of: dt.date) -> str | None:
    """A warning when a fixed ``cfr102-YYYY`` table took effect after the assessment date.

    A 45 CFR 102.3 table applies only to penalties assessed on or after its effective date (and no
    adjusted table to one assessed on or before 2016-08-01, 45 CFR 102.2): as ``current`` warns for a
    stale table, a fixed table the assessment date could not yet use is named. None otherwise.
    """
    if schedule in _FIXED or schedule in _CURRENT:
        return None
    label = schedule.removeprefix("cfr102-")
    table = next((t for t in load_series().tables if t.label == label), None)
    if table is None or as_of >= table.effective:
        return None
    return (
        f"schedule '{schedule}' fixes the table effective {table.effective.isoformat()} "
        f"({table.federal_register}), after the assessment date {as_of.isoformat()}: a penalty assessed "
        f"then could not use it ({load_series().applicability.assessed_after_citation}; 45 CFR 102.3)"
    )


Era = Literal["pre-2009", "unadjusted", "adjusted", "undated"]


def _era(violation_date: dt.date | None, schedule: str) -> Era:
    """Which body of amounts a violation date falls under; every day of an era shares its amounts."""
    if violation_date is None:
        return "undated"
    hitech, cutoff = _era_bounds()
    if violation_date < hitech:
        return "pre-2009"
    if schedule in _FIXED or violation_date <= cutoff:
        return "unadjusted"
    return "adjusted"


@functools.cache
def _era_bounds() -> tuple[dt.date, dt.date]:
    """The first day of the 2009 amounts and the last day before the 102.3 adjustments."""
    return load_rules().hitech_violations_from.value, load_series().applicability.violations_after


@functools.lru_cache(maxsize=4096)
def _resolve(tier: Tier, era: Era, schedule: str, as_of: dt.date | None) -> Amounts:
    hitech = load_rules().hitech_violations_from
    if era == "pre-2009":
        why = (
            f"violation before {hitech.value.isoformat()}: 45 CFR 160.404(b)(1) applies whatever the "
            f"schedule ({hitech.citation})"
        )
        return _from_fixed(tier, schedule, "pre-2009", load_fixed("pre2009"), why, ())

    if schedule in _FIXED:
        why = f"schedule '{schedule}' ({load_fixed(schedule).title})"
        return _from_fixed(tier, schedule, "unadjusted", load_fixed(schedule), why, ())

    series = load_series()
    cutoff = series.applicability.violations_after
    tiered = schedule == "current-tiered"
    unadjusted = load_fixed("statute" if tiered else "regulation")
    if era == "unadjusted":
        why = (
            f"violation on or before {cutoff.isoformat()}: unadjusted amounts "
            f"({series.applicability.violations_after_citation})"
        )
        return _from_fixed(tier, schedule, "unadjusted", unadjusted, why, ())

    when = (
        f"violation after {cutoff.isoformat()}"
        if era == "adjusted"
        else f"violation date not given (taken as after {cutoff.isoformat()})"
    )
    if schedule in _CURRENT:
        day = as_of if as_of is not None else clock.today()
        table = table_in_force(day)
        warning = newer_table_warning(day)
        warnings = (warning,) if warning else ()
        if table is None:
            why = (
                f"{when}; assessed {day.isoformat()}, on or before "
                f"{series.applicability.assessed_after.isoformat()}: unadjusted amounts "
                f"({series.applicability.assessed_after_citation})"
            )
            return _from_fixed(tier, schedule, "unadjusted", unadjusted, why, warnings)
        why = (
            f"{when}; assessed {day.isoformat()}: the newest 45 CFR 102.3 table in force on that date "
            f"is the one effective {table.effective.isoformat()}"
        )
        return _from_table(tier, schedule, table, why, tiered, warnings)

    label = schedule.removeprefix("cfr102-")
    table = next(t for t in series.tables if t.label == label)
    why = f"{when}: schedule '{schedule}' fixes the table {table.description}"
    return _from_table(tier, schedule, table, why, False, ())
