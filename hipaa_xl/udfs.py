"""Excel functions (UDFs): the public contract, thin wrappers over the engine.

Point xlwings' ``UDF Modules`` at ``hipaa_xl.udfs`` and click Import Functions (desktop Excel on
Windows). Each function stays a plain Python callable under its Excel name on every platform
(``xw.func`` is a no-op decorator off Windows): headless recalculation and the tests call them so.
Every argument may be a range; the function then returns a grid of results (a dynamic array).
Bad input never raises: the result is a text beginning with the Excel error code and the reason,
e.g. ``#VALUE! tier must be A, B, C or D (got 'E')``; an error passed in is passed on unchanged.
"""

from __future__ import annotations

from typing import Any

import xlwings as xw

from hipaa_xl import cells, clock
from hipaa_xl.engine import ag, criminal, days, penalties, tiers
from hipaa_xl.errors import InvalidValue
from hipaa_xl.law.models import Tier

__all__ = [
    "AG_DAMAGES",
    "ANNUAL_CAP",
    "CMP_EXPLAIN",
    "CMP_MAX",
    "CMP_MIN",
    "CMP_TIER",
    "CRIMINAL_FINE",
    "CRIMINAL_YEARS",
    "CURED",
    "TIME_BARRED",
    "VIOLATION_DAYS",
]

CATEGORY = "HIPAA penalties"
Result = Any  # a number, TRUE/FALSE, text, or a grid of them

_DOC_TIER = "Tier A-D, 1-4, or culpability words (e.g. 'reasonable cause')"
_DOC_COUNT = "Number of violations of one identical requirement in one calendar year"
_DOC_VDATE = "Date of the violation (optional; decides pre-2009 and inflation-adjusted amounts)"
_DOC_SCHEDULE = "Schedule: regulation (default), statute, current, current-tiered, cfr102-YYYY"
_DOC_AS_OF = "Assessment (as-of) date (optional; default today)"


# ---------------------------------------------------------------- scalar implementations


def _penalty_args(tier: object, violation_date: object, schedule: object, as_of: object) -> tuple[Tier, Any, str, Any]:
    return (
        tiers.parse_tier(cells.parse_text(tier, "tier")),
        cells.parse_date(violation_date, "violation date"),
        cells.parse_schedule(schedule),
        cells.parse_date(as_of, "as-of date"),
    )


def _cmp_min(tier: object, violations: object, violation_date: object, schedule: object, as_of: object) -> int:
    t, vd, sched, asof = _penalty_args(tier, violation_date, schedule, as_of)
    return penalties.cmp_range(t, cells.parse_count(violations), vd, sched, asof)[0]


def _cmp_max(tier: object, violations: object, violation_date: object, schedule: object, as_of: object) -> int:
    t, vd, sched, asof = _penalty_args(tier, violation_date, schedule, as_of)
    return penalties.cmp_range(t, cells.parse_count(violations), vd, sched, asof)[1]


def _annual_cap(tier: object, violation_date: object, schedule: object, as_of: object) -> int:
    return penalties.annual_cap(*_penalty_args(tier, violation_date, schedule, as_of))


def _cmp_explain(tier: object, violations: object, violation_date: object, schedule: object, as_of: object) -> str:
    t, vd, sched, asof = _penalty_args(tier, violation_date, schedule, as_of)
    return penalties.explain_cmp(t, cells.parse_count(violations), vd, sched, asof).explanation


def _ag_damages(violations: object, per_violation: object, pending: object, violation_date: object) -> int | float:
    return ag.ag_damages(
        cells.parse_count(violations),
        cells.parse_rate(per_violation),
        cells.parse_bool(pending, "federal_action_pending"),
        cells.parse_date(violation_date, "violation date"),
    )


def _cmp_tier(culpability: object, known_date: object, corrected_date: object) -> str:
    return tiers.derive_tier(
        cells.parse_text(culpability, "culpability"),
        cells.parse_date(known_date, "known date"),
        cells.parse_date(corrected_date, "corrected date"),
    ).tier


def _cured(tier: object, known_date: object, corrected_date: object) -> bool:
    return tiers.is_cured(
        cells.parse_text(tier, "tier"),
        cells.parse_date(known_date, "known date"),
        cells.parse_date(corrected_date, "corrected date"),
    )


def _violation_days(start_date: object, end_date: object, year: object, as_of: object) -> int:
    start = cells.parse_required_date(start_date, "start date")
    end = cells.parse_required_date(end_date, "end date")
    y = cells.parse_year(year)
    asof = cells.parse_date(as_of, "as-of date")
    days.check_order(start, end)
    if asof is not None and asof < start:
        raise InvalidValue(f"the as-of date {asof.isoformat()} is before the start date {start.isoformat()}")
    if y is not None:
        lo, hi = days.year_bounds(y)
        part = days.clip(start, end, lo, hi)
        if part is None:
            return 0
        start, end = part
    in_time = days.split_by_limitation(start, end, asof)[1]
    return 0 if in_time is None else days.count_days(*in_time)


def _criminal_fine(offense: object) -> int:
    return criminal.criminal_offense(cells.parse_text(offense, "offense")).fine


def _criminal_years(offense: object) -> int:
    return criminal.criminal_offense(cells.parse_text(offense, "offense")).years


def _time_barred(violation_date: object, as_of: object) -> bool:
    day = cells.parse_required_date(violation_date, "violation date")
    asof = cells.parse_date(as_of, "as-of date") or clock.today()
    return days.is_time_barred(day, asof)


# ---------------------------------------------------------------- the Excel functions


@xw.func(category=CATEGORY)
@xw.arg("tier", doc=_DOC_TIER, err_to_str=True, ndim=2)
@xw.arg("violations", doc=_DOC_COUNT, err_to_str=True, ndim=2)
@xw.arg("violation_date", doc=_DOC_VDATE, err_to_str=True, ndim=2)
@xw.arg("schedule", doc=_DOC_SCHEDULE, err_to_str=True, ndim=2)
@xw.arg("as_of", doc=_DOC_AS_OF, err_to_str=True, ndim=2)
def CMP_MIN(tier: Any, violations: Any, violation_date: Any = None, schedule: Any = None, as_of: Any = None) -> Result:
    """Lowest civil money penalty: min(n x per-violation minimum, calendar-year cap) (45 CFR 160.404(b))."""
    return cells.broadcast(_cmp_min, tier, violations, violation_date, schedule, as_of)


@xw.func(category=CATEGORY)
@xw.arg("tier", doc=_DOC_TIER, err_to_str=True, ndim=2)
@xw.arg("violations", doc=_DOC_COUNT, err_to_str=True, ndim=2)
@xw.arg("violation_date", doc=_DOC_VDATE, err_to_str=True, ndim=2)
@xw.arg("schedule", doc=_DOC_SCHEDULE, err_to_str=True, ndim=2)
@xw.arg("as_of", doc=_DOC_AS_OF, err_to_str=True, ndim=2)
def CMP_MAX(tier: Any, violations: Any, violation_date: Any = None, schedule: Any = None, as_of: Any = None) -> Result:
    """Highest civil money penalty: min(n x per-violation maximum, cap); tier D's maximum is the cap."""
    return cells.broadcast(_cmp_max, tier, violations, violation_date, schedule, as_of)


@xw.func(category=CATEGORY)
@xw.arg("tier", doc=_DOC_TIER, err_to_str=True, ndim=2)
@xw.arg("violation_date", doc=_DOC_VDATE, err_to_str=True, ndim=2)
@xw.arg("schedule", doc=_DOC_SCHEDULE, err_to_str=True, ndim=2)
@xw.arg("as_of", doc=_DOC_AS_OF, err_to_str=True, ndim=2)
def ANNUAL_CAP(tier: Any, violation_date: Any = None, schedule: Any = None, as_of: Any = None) -> Result:
    """Calendar-year cap for identical violations (45 CFR 160.404(b); 42 U.S.C. 1320d-5(a)(3))."""
    return cells.broadcast(_annual_cap, tier, violation_date, schedule, as_of)


@xw.func(category=CATEGORY)
@xw.arg("violations", doc=_DOC_COUNT, err_to_str=True, ndim=2)
@xw.arg("per_violation", doc="Damages per violation, up to $100 (default 100)", err_to_str=True, ndim=2)
@xw.arg("federal_action_pending", doc="TRUE while the Secretary's action is pending", err_to_str=True, ndim=2)
@xw.arg("violation_date", doc="Date of the violation (optional; none before 2009-02-18)", err_to_str=True, ndim=2)
def AG_DAMAGES(
    violations: Any, per_violation: Any = None, federal_action_pending: Any = None, violation_date: Any = None
) -> Result:
    """State attorney general damages: min(n x up to $100, $25,000) (42 U.S.C. 1320d-5(d)(2))."""
    return cells.broadcast(_ag_damages, violations, per_violation, federal_action_pending, violation_date)


@xw.func(category=CATEGORY)
@xw.arg("culpability", doc="did not know / reasonable cause / willful neglect (- corrected / - not corrected)",
        err_to_str=True, ndim=2)
@xw.arg("known_date", doc="First day the entity knew or should have known", err_to_str=True, ndim=2)
@xw.arg("corrected_date", doc="Day the violation was corrected", err_to_str=True, ndim=2)
def CMP_TIER(culpability: Any, known_date: Any = None, corrected_date: Any = None) -> Result:
    """Tier A-D; willful neglect corrected within the 30-day period beginning on known_date is C, else D."""
    return cells.broadcast(_cmp_tier, culpability, known_date, corrected_date)


@xw.func(category=CATEGORY)
@xw.arg("tier", doc=_DOC_TIER, err_to_str=True, ndim=2)
@xw.arg("known_date", doc="First day the entity knew or should have known", err_to_str=True, ndim=2)
@xw.arg("corrected_date", doc="Day the violation was corrected", err_to_str=True, ndim=2)
def CURED(tier: Any, known_date: Any = None, corrected_date: Any = None) -> Result:
    """TRUE when the 30-day cure bars any penalty: tier A or B corrected in time (1320d-5(b)(2)(A))."""
    return cells.broadcast(_cured, tier, known_date, corrected_date)


@xw.func(category=CATEGORY)
@xw.arg("start_date", doc="First day in violation", err_to_str=True, ndim=2)
@xw.arg("end_date", doc="Last day in violation (counted)", err_to_str=True, ndim=2)
@xw.arg("year", doc="Count only the days in this calendar year (optional)", err_to_str=True, ndim=2)
@xw.arg("as_of", doc="Count only the days not time-barred at this date (optional)", err_to_str=True, ndim=2)
def VIOLATION_DAYS(start_date: Any, end_date: Any, year: Any = None, as_of: Any = None) -> Result:
    """Days of a continuing violation, start through end inclusive: one violation a day (160.406)."""
    return cells.broadcast(_violation_days, start_date, end_date, year, as_of)


@xw.func(category=CATEGORY)
@xw.arg("tier", doc=_DOC_TIER, err_to_str=True, ndim=2)
@xw.arg("violations", doc=_DOC_COUNT, err_to_str=True, ndim=2)
@xw.arg("violation_date", doc=_DOC_VDATE, err_to_str=True, ndim=2)
@xw.arg("schedule", doc=_DOC_SCHEDULE, err_to_str=True, ndim=2)
@xw.arg("as_of", doc=_DOC_AS_OF, err_to_str=True, ndim=2)
def CMP_EXPLAIN(tier: Any, violations: Any, violation_date: Any = None, schedule: Any = None, as_of: Any = None) -> Result:
    """One sentence: tier, per-violation range, cap, resulting range, with citations."""
    return cells.broadcast(_cmp_explain, tier, violations, violation_date, schedule, as_of)


@xw.func(category=CATEGORY)
@xw.arg("offense", doc="knowingly / false pretenses / intent to sell", err_to_str=True, ndim=2)
def CRIMINAL_FINE(offense: Any) -> Result:
    """Maximum criminal fine under 42 U.S.C. 1320d-6(b) (18 U.S.C. 3571 may allow more)."""
    return cells.broadcast(_criminal_fine, offense)


@xw.func(category=CATEGORY)
@xw.arg("offense", doc="knowingly / false pretenses / intent to sell", err_to_str=True, ndim=2)
def CRIMINAL_YEARS(offense: Any) -> Result:
    """Maximum years of imprisonment under 42 U.S.C. 1320d-6(b)."""
    return cells.broadcast(_criminal_years, offense)


@xw.func(category=CATEGORY)
@xw.arg("violation_date", doc="Date of the violation", err_to_str=True, ndim=2)
@xw.arg("as_of", doc=_DOC_AS_OF, err_to_str=True, ndim=2)
def TIME_BARRED(violation_date: Any, as_of: Any = None) -> Result:
    """TRUE when more than six years have passed since the violation (42 U.S.C. 1320a-7a(c)(1))."""
    return cells.broadcast(_time_barred, violation_date, as_of)
