"""Excel functions (UDFs): the public contract, thin wrappers over the engine.

Point xlwings' ``UDF Modules`` at ``hipaa_xl.udfs`` and click Import Functions (desktop Excel on
Windows). Each function stays a plain Python callable under its Excel name on every platform
(``xw.func`` is a no-op decorator off Windows): headless recalculation and the tests call them so.
Every argument may be a range; the function then returns a grid of results (a dynamic array).
Bad input never raises: the result is a text beginning with the Excel error code and the reason,
e.g. ``#VALUE! tier must be A, B, C or D (got 'E')``; an error passed in is passed on unchanged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hipaa_xl import clock
from hipaa_xl.engine import ag, criminal, days, deadlines, penalties, tiers
from hipaa_xl.errors import ExcelErrorCode, HipaaInputError, InvalidValue
from hipaa_xl.excel import cells
from hipaa_xl.excel.declare import declare_for_excel
from hipaa_xl.excel.explain import explanation_rows, short_explanation
from hipaa_xl.law import outcomes as ocr
from hipaa_xl.law.deadline_rules import load_deadline_law
from hipaa_xl.law.models import Tier
from hipaa_xl.law.schedules import resolve_amounts, schedules

__all__ = [
    "AG_DAMAGES",
    "ANNUAL_CAP",
    "CMP_EXPLAIN",
    "CMP_EXPLAIN_ROWS",
    "CMP_MAX",
    "CMP_MIN",
    "CMP_TIER",
    "CRIMINAL_FINE",
    "CRIMINAL_YEARS",
    "CURED",
    "DEADLINE",
    "DEADLINE_EXPLAIN",
    "DEADLINE_RULES",
    "OCR_OUTCOMES",
    "OCR_OUTCOMES_LIST",
    "SCHEDULE_SOURCE",
    "TIME_BARRED",
    "VIOLATION_DAYS",
]

Result = Any  # a number, TRUE/FALSE, text, or a grid of them

_DOC_TIER = "Tier A-D, 1-4, or culpability words (e.g. 'reasonable cause')"
_DOC_COUNT = "Number of violations of one identical requirement in one calendar year"
_DOC_VDATE = "Date of the violation (optional; decides pre-2009 and inflation-adjusted amounts)"
_DOC_SCHEDULE = "Schedule: regulation (default), statute, current, current-tiered, cfr102-YYYY"
_DOC_AS_OF = "Assessment (as-of) date (optional; default today)"


_PENALTY_DOCS = {
    "tier": _DOC_TIER,
    "violations": _DOC_COUNT,
    "violation_date": _DOC_VDATE,
    "schedule": _DOC_SCHEDULE,
    "as_of": _DOC_AS_OF,
}

# ---------------------------------------------------------------- argument parsers


def _tier(value: object) -> Tier:
    return tiers.parse_tier(cells.parse_text(value, "tier"))


def _date(what: str) -> cells.Parser:
    return lambda value: cells.parse_date(value, what)


def _required_date(what: str) -> cells.Parser:
    return lambda value: cells.parse_required_date(value, what)


def _text(what: str) -> cells.Parser:
    return lambda value: cells.parse_text(value, what)


_COUNT = cells.parse_count
_VDATE = _date("violation date")
_AS_OF = _date("as-of date")
_KNOWN = _date("known date")
_CORRECTED = _date("corrected date")
_CURE_ENDS = _date("cure period ends date")
_COMMENCED = _date("commenced date")
_PENALTY = (_tier, _COUNT, _VDATE, cells.parse_schedule, _AS_OF)
_CAP = (_tier, _VDATE, cells.parse_schedule, _AS_OF)
_AG = (_COUNT, cells.parse_rate, lambda v: cells.parse_bool(v, "federal_action_pending"), _VDATE)
_OFFENSE = (_text("offense"),)


# ---------------------------------------------------------------- the rules, on parsed arguments


def _cmp_min(tier: Tier, n: int, vdate: Any, schedule: str, as_of: Any) -> int:
    return penalties.cmp_range(tier, n, vdate, schedule, as_of)[0]


def _cmp_max(tier: Tier, n: int, vdate: Any, schedule: str, as_of: Any) -> int:
    return penalties.cmp_range(tier, n, vdate, schedule, as_of)[1]


def _cmp_explain(tier: Tier, n: int, vdate: Any, schedule: str, as_of: Any) -> str:
    return short_explanation(penalties.explain_cmp(tier, n, vdate, schedule, as_of))


def _single(value: object) -> object:
    """A 1 x 1 range as its value (xlwings hands every argument over as a grid)."""
    while isinstance(value, list | tuple) and len(value) == 1:
        value = value[0]
    return value


def _cmp_tier(culpability: object, known: Any, corrected: Any, cure_ends: Any) -> str:
    return tiers.derive_tier(culpability, known, corrected, cure_ends).tier


def _limitation_date(as_of: Any, commenced: Any) -> Any:
    """The date the six-year limitation is measured to: the commencement of the action (160.414),
    by default the as-of date; a commencement after the as-of (assessment) date is an error."""
    if commenced is None:
        return as_of
    if as_of is not None and commenced > as_of:
        raise InvalidValue(
            f"the action commenced on {commenced.isoformat()} is after the as-of (assessment) date "
            f"{as_of.isoformat()}"
        )
    return commenced


def _violation_days(start: Any, end: Any, year: int | None, as_of: Any, commenced: Any) -> int:
    days.check_order(start, end)
    as_of = _limitation_date(as_of, commenced)
    if as_of is not None and as_of < start:
        raise InvalidValue(f"the as-of date {as_of.isoformat()} is before the start date {start.isoformat()}")
    if year is not None:
        lo, hi = days.year_bounds(year)
        part = days.clip(start, end, lo, hi)
        if part is None:
            return 0
        start, end = part
    in_time = days.split_by_limitation(start, end, as_of)[1]
    return 0 if in_time is None else days.count_days(*in_time)


def _time_barred(day: Any, as_of: Any, commenced: Any) -> bool:
    return days.is_time_barred(day, _limitation_date(as_of or clock.today(), commenced))


def _schedule_source(schedule: str, as_of: Any) -> str:
    amounts = resolve_amounts("B", None, schedule, as_of)
    text = amounts.source
    if schedules()[amounts.schedule].is_estimate:
        text += "; tier A-C caps are ESTIMATES carried through the 102.3 multipliers (84 FR 18151)"
    return text


# ---------------------------------------------------------------- the Excel functions


@declare_for_excel(**_PENALTY_DOCS)
def CMP_MIN(tier: Any, violations: Any, violation_date: Any = None, schedule: Any = None, as_of: Any = None) -> Result:
    """Lowest civil money penalty: min(n x per-violation minimum, calendar-year cap) (45 CFR 160.404(b))."""
    return cells.broadcast(_cmp_min, _PENALTY, tier, violations, violation_date, schedule, as_of)


@declare_for_excel(**_PENALTY_DOCS)
def CMP_MAX(tier: Any, violations: Any, violation_date: Any = None, schedule: Any = None, as_of: Any = None) -> Result:
    """Highest civil money penalty: min(n x per-violation maximum, cap); tier D's maximum is the cap."""
    return cells.broadcast(_cmp_max, _PENALTY, tier, violations, violation_date, schedule, as_of)


@declare_for_excel(
    tier=_DOC_TIER,
    violation_date=_DOC_VDATE,
    schedule=_DOC_SCHEDULE,
    as_of=_DOC_AS_OF,
)
def ANNUAL_CAP(tier: Any, violation_date: Any = None, schedule: Any = None, as_of: Any = None) -> Result:
    """Calendar-year cap for identical violations (45 CFR 160.404(b); 42 U.S.C. 1320d-5(a)(3))."""
    return cells.broadcast(penalties.annual_cap, _CAP, tier, violation_date, schedule, as_of)


@declare_for_excel(
    violations=_DOC_COUNT,
    per_violation="Damages per violation, up to $100 (default 100)",
    federal_action_pending="TRUE while the Secretary's action is pending",
    violation_date="Date of the violation (optional; none before 2009-02-18)",
)
def AG_DAMAGES(
    violations: Any, per_violation: Any = None, federal_action_pending: Any = None, violation_date: Any = None
) -> Result:
    """State attorney general damages: min(n x up to $100, $25,000) (42 U.S.C. 1320d-5(d)(2))."""
    return cells.broadcast(ag.ag_damages, _AG, violations, per_violation, federal_action_pending, violation_date)


_DOC_CURE_ENDS = "Last day of the cure period as the Secretary extended it (optional; default known + 29)"
_DOC_COMMENCED = (
    "Date the action commenced (notice of proposed determination; optional; default as_of): the "
    "six-year limitation runs to it"
)


@declare_for_excel(
    culpability="did not know / reasonable cause / willful neglect (- corrected / - not corrected)",
    known_date="First day the entity knew or should have known",
    corrected_date="Day the violation was corrected",
    cure_period_ends=_DOC_CURE_ENDS,
)
def CMP_TIER(culpability: Any, known_date: Any = None, corrected_date: Any = None, cure_period_ends: Any = None) -> Result:
    """Tier A-D; willful neglect corrected within the 30-day period beginning on known_date (or the
    period as extended, 1320d-5(b)(2)(B)(i)) is C, else D."""
    return cells.broadcast(
        _cmp_tier, (_text("culpability"), _KNOWN, _CORRECTED, _CURE_ENDS),
        culpability, known_date, corrected_date, cure_period_ends)


@declare_for_excel(
    tier=_DOC_TIER,
    known_date="First day the entity knew or should have known",
    corrected_date="Day the violation was corrected",
    cure_period_ends=_DOC_CURE_ENDS,
)
def CURED(tier: Any, known_date: Any = None, corrected_date: Any = None, cure_period_ends: Any = None) -> Result:
    """TRUE when the cure bars any penalty: tier A or B corrected within the 30-day period, or the
    period as the Secretary extended it (1320d-5(b)(2)(A)-(B))."""
    return cells.broadcast(
        tiers.is_cured, (_text("tier"), _KNOWN, _CORRECTED, _CURE_ENDS),
        tier, known_date, corrected_date, cure_period_ends)


@declare_for_excel(
    start_date="First day in violation",
    end_date="Last day in violation (counted)",
    year="Count only the days in this calendar year (optional)",
    as_of="Drop the days time-barred at this date (optional); days after it are not cut",
    commenced=_DOC_COMMENCED,
)
def VIOLATION_DAYS(
    start_date: Any, end_date: Any, year: Any = None, as_of: Any = None, commenced: Any = None
) -> Result:
    """Days of a continuing violation, start through end inclusive: one violation a day (160.406)."""
    return cells.broadcast(
        _violation_days,
        (_required_date("start date"), _required_date("end date"), cells.parse_year, _AS_OF, _COMMENCED),
        start_date, end_date, year, as_of, commenced)


@declare_for_excel(**_PENALTY_DOCS)
def CMP_EXPLAIN(tier: Any, violations: Any, violation_date: Any = None, schedule: Any = None, as_of: Any = None) -> Result:
    """One short sentence (at most 255 characters): range, per-violation amounts, cap, table used."""
    return cells.broadcast(_cmp_explain, _PENALTY, tier, violations, violation_date, schedule, as_of)


@declare_for_excel(**_PENALTY_DOCS)
def CMP_EXPLAIN_ROWS(
    tier: Any, violations: Any, violation_date: Any = None, schedule: Any = None, as_of: Any = None
) -> Result:
    """The full explanation spilled as rows: rule, amount, citation (45 CFR 160.404(b)); single cells only."""
    args = [_single(a) for a in (tier, violations, violation_date, schedule, as_of)]
    if any(isinstance(a, list | tuple) for a in args):
        return [["#VALUE! CMP_EXPLAIN_ROWS explains one case: give single cells, not ranges"]]
    rows: list[list[Any]] = []

    def explain(*parsed: Any) -> str:
        rows.extend(list(row) for row in explanation_rows(penalties.explain_cmp(*parsed)))
        return ""

    error = cells.guarded(explain, _PENALTY, args)
    return [[error]] if error else rows


@declare_for_excel(
    offense="knowingly / false pretenses / intent to sell",
)
def CRIMINAL_FINE(offense: Any) -> Result:
    """Maximum criminal fine under 42 U.S.C. 1320d-6(b) (18 U.S.C. 3571 may allow more)."""
    return cells.broadcast(lambda o: criminal.criminal_offense(o).fine, _OFFENSE, offense)


@declare_for_excel(
    offense="knowingly / false pretenses / intent to sell",
)
def CRIMINAL_YEARS(offense: Any) -> Result:
    """Maximum years of imprisonment under 42 U.S.C. 1320d-6(b)."""
    return cells.broadcast(lambda o: criminal.criminal_offense(o).years, _OFFENSE, offense)


@declare_for_excel(
    violation_date="Date of the violation",
    as_of=_DOC_AS_OF,
    commenced=_DOC_COMMENCED,
)
def TIME_BARRED(violation_date: Any, as_of: Any = None, commenced: Any = None) -> Result:
    """TRUE when the action commenced more than six years after the violation (42 U.S.C. 1320a-7a(c)(1);
    45 CFR 160.414); the commencement date defaults to the as-of date."""
    return cells.broadcast(
        _time_barred, (_required_date("violation date"), _AS_OF, _COMMENCED), violation_date, as_of, commenced)


@declare_for_excel(
    schedule="Schedule: regulation, statute, current, current-tiered, cfr102-YYYY",
    as_of=_DOC_AS_OF,
)
def SCHEDULE_SOURCE(schedule: Any = None, as_of: Any = None) -> Result:
    """The table a schedule applies to a violation after 2015-11-02 assessed on as_of, with its citation.

    The Summary heading states the schedule, the assessment date and this table's citation.
    """
    return cells.broadcast(_schedule_source, (cells.parse_schedule, _AS_OF), schedule, as_of)


# ---------------------------------------------------------------- deadlines (law/data/deadlines.json)

_DOC_RULE = "Deadline rule, e.g. breach-individuals, access, hearing-request (DEADLINE_RULES() lists them)"
_DOC_EVENT = "Date of the event the rule runs from (discovery, receipt, service...)"
_DOC_OPTION = (
    "Optional, per rule: delay days, residents or individuals, a date (written delay end, promised date, "
    "receipt shown) or TRUE if served by mail"
)


def _option_value(value: object) -> object:
    """The rule decides how its option is read; an error passed in is passed on."""
    if cells.is_error_text(value):
        raise cells.CellError(str(value))
    return value


_DOC_READING = (
    'Optional: "earlier" gives the date on the other reading where the text leaves one (a law-enforcement '
    "delay that only holds the notice while it lasts; a 160.312 notice by mail without the 5 mail days); "
    "blank: the date hipaa-xl uses"
)


def _reading(value: object) -> bool:
    """The reading argument: blank (the date used) or "earlier" (the other reading's date)."""
    if cells.is_error_text(value):
        raise cells.CellError(str(value))
    if cells.is_blank(value):
        return False
    if str(value).strip().casefold() == "earlier":
        return True
    raise InvalidValue(f'reading must be blank or "earlier" (got {str(value)[:40]!r})')


_DEADLINE = (cells.parse_rule, _required_date("event date"), _option_value, _reading)


def _deadline(rule: str, event: Any, option: object, earlier: bool = False) -> int | float:
    found = deadlines.compute(rule, event, cells.parse_deadline_option(rule, option))
    day = found.earlier if earlier and found.earlier is not None else found.due
    return cells.date_to_serial(day)


def _deadline_explain(rule: str, event: Any, option: object, _earlier: bool = False) -> str:
    return deadlines.compute(rule, event, cells.parse_deadline_option(rule, option)).explanation()


@declare_for_excel(rule=_DOC_RULE, event_date=_DOC_EVENT, option=_DOC_OPTION, reading=_DOC_READING)
def DEADLINE(rule: Any, event_date: Any, option: Any = None, reading: Any = None) -> Result:
    """Date (an Excel date) of a breach-notice, access or OCR enforcement deadline, with its kind of days;
    reading "earlier": the date on the other reading of the text, where there is one."""
    return cells.broadcast(_deadline, _DEADLINE, rule, event_date, option, reading)


@declare_for_excel(rule=_DOC_RULE, event_date=_DOC_EVENT, option=_DOC_OPTION)
def DEADLINE_EXPLAIN(rule: Any, event_date: Any, option: Any = None) -> Result:
    """The deadline's date and what it is, computation, citation, the rule's words and the other
    reading's date, in at most 255 characters."""
    return cells.broadcast(_deadline_explain, _DEADLINE[:3], rule, event_date, option)


@declare_for_excel()
def DEADLINE_RULES() -> Result:
    """Spills the deadline rules: name and a one-line description of each."""
    law = load_deadline_law()
    return [[name, rule.description] for name, rule in law.rules.items()]


# ---------------------------------------------------------------- published OCR outcomes (law/data/outcomes.json)

_DOC_SECTION = ("45 CFR section HHS named, e.g. 164.524 or 164.308(a)(1)(ii)(A) (its subdivisions match too), "
                "or a part: Privacy, Security, Breach Notification")
_DOC_SINCE = "Only outcomes announced on or after this date, or from this year (e.g. 2019) (optional)"
_DOC_ENTITY_TYPE = ("hospital, physician practice, dental practice, health plan, business associate, pharmacy "
                    "or other (optional)")
_STATISTICS = {"count": "count", "median": "median", "q1": "q1", "quartile1": "q1", "lowerquartile": "q1",
               "q3": "q3", "quartile3": "q3", "upperquartile": "q3", "min": "minimum", "minimum": "minimum",
               "max": "maximum", "maximum": "maximum"}


def _ocr_section(value: object) -> str:
    return ocr.parse_section(str(cells.parse_text(value, "section")))


def _ocr_statistic(value: object) -> tuple[str, bool]:
    """(statistic, in today's dollars): count, median (default), q1, q3, min or max; " today" after a
    money statistic reads the amounts in today's dollars (``outcomes.todays_factor``)."""
    if cells.is_error_text(value):
        raise cells.CellError(str(value))
    if cells.is_blank(value):
        return "median", False
    text = str(value).casefold().replace(" ", "").replace("_", "").replace("-", "").replace(".", "")
    today = text.endswith("today")
    name = _STATISTICS.get(text.removesuffix("today"))
    if name is None or (today and name == "count"):
        raise InvalidValue(f"statistic must be count, median, q1, q3, min or max, a money one optionally "
                           f"followed by ' today' (got {value!r})")
    return name, today


def _ocr_since(value: object) -> Any:
    """A date, or a whole number 1900-9999 read as that year's 1 January (a serial that small is 1905)."""
    if cells.is_error_text(value):
        raise cells.CellError(str(value))
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 4:
        value = int(value.strip())
    if isinstance(value, int | float) and not isinstance(value, bool) and 1900 <= value <= 9999 and value == int(value):
        return dt.date(int(value), 1, 1)
    return cells.parse_date(value, "since")


def _ocr_entity_type(value: object) -> str | None:
    if cells.is_error_text(value):
        raise cells.CellError(str(value))
    return None if cells.is_blank(value) else ocr.parse_entity_type(str(value))


class NoOutcome(HipaaInputError):
    """No published outcome matches: a statistic of nothing is #N/A (a count is 0)."""

    code: ExcelErrorCode = "#N/A"


def _no_match(section: str, since: Any, entity_type: str | None) -> NoOutcome:
    what = f"section {section}" + (f" since {since.isoformat()}" if since else "") + (
        f" ({entity_type})" if entity_type else "")
    return NoOutcome(f"no published OCR outcome matches {what}")


def _ocr_outcomes(section: str, statistic: tuple[str, bool], since: Any, entity_type: str | None) -> int | float:
    found = ocr.matching(section, since=since, entity_type=entity_type)
    name, today = statistic
    if name == "count":
        return len(found)
    if not found:
        raise _no_match(section, since, entity_type)
    figures = ocr.statistics_today(found) if today else ocr.statistics(found)
    assert figures is not None
    value: int | float = getattr(figures, name)
    return value


_OCR = (_ocr_section, _ocr_statistic, _ocr_since, _ocr_entity_type)


@declare_for_excel(
    section=_DOC_SECTION,
    statistic="count, median (default), q1, q3, min or max; add ' today' for today's dollars (e.g. 'median today')",
    since=_DOC_SINCE,
    entity_type=_DOC_ENTITY_TYPE,
)
def OCR_OUTCOMES(section: Any, statistic: Any = None, since: Any = None, entity_type: Any = None) -> Result:
    """A statistic of the final amounts of the published OCR outcomes (settlements and penalties of other
    matters, not a prediction) that named the section; quartiles as QUARTILE.INC."""
    return cells.broadcast(_ocr_outcomes, _OCR, section, statistic, since, entity_type)


@declare_for_excel(section=_DOC_SECTION, since=_DOC_SINCE, entity_type=_DOC_ENTITY_TYPE)
def OCR_OUTCOMES_LIST(section: Any, since: Any = None, entity_type: Any = None) -> Result:
    """Spills the matching published OCR outcomes, oldest first: announcement date, entity, final amount, kind."""
    args = [_single(a) for a in (section, since, entity_type)]
    if any(isinstance(a, list | tuple) for a in args):
        return [["#VALUE! OCR_OUTCOMES_LIST lists one selection: give single cells, not ranges"]]
    rows: list[list[Any]] = []

    def listing(section: str, since: Any, entity_type: str | None) -> str:
        found = ocr.matching(section, since=since, entity_type=entity_type)
        if not found:
            raise _no_match(section, since, entity_type)
        rows.extend([cells.date_to_serial(o.date), cells.fit_cell(o.entity), o.final_amount, o.kind] for o in found)
        return ""

    error = cells.guarded(listing, (_ocr_section, _ocr_since, _ocr_entity_type), args)
    return [[error]] if error else rows
