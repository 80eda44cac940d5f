"""Civil money penalty ranges for violations of one identical requirement in one calendar year.

Statutory minimum (if a CMP is imposed) = min(n x per-violation minimum, cap); maximum = min(n x
per-violation maximum, cap), where tier D's per-violation maximum is the cap (45 CFR 160.404(b);
42 U.S.C. 1320d-5(a)(3)). The minimum binds only if a penalty is imposed: OCR may resolve a tier A
violation by corrective action (1320d-5(e)) and waive a tier A or B penalty to the extent it would be
excessive (45 CFR 160.412; 1320d-5(b)(3)); willful neglect requires a penalty (1320d-5(c)(1)).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from hipaa_xl.errors import OutOfRange, shown
from hipaa_xl.law.loader import load_rules
from hipaa_xl.law.models import Tier
from hipaa_xl.law.schedules import DEFAULT_SCHEDULE, Amounts, resolve_amounts
from hipaa_xl.money import dollars

MAX_COUNT = 1_000_000_000


def check_count(violations: int, what: str = "the number of violations") -> int:
    """A count of violations: a whole number from 0 to 10^9 (#NUM! otherwise).

    The one count validator: the Excel functions (``cells.parse_count``) and Refresh
    (``workbook.inputs``) turn a cell into a whole number and pass it here, so the same bad count
    gives the same code and text everywhere.
    """
    if isinstance(violations, bool) or not isinstance(violations, int):
        raise OutOfRange(f"{what} must be a whole number (got {shown(violations)})")
    if violations < 0:
        raise OutOfRange(f"{what} cannot be negative (got {violations})")
    if violations > MAX_COUNT:
        raise OutOfRange(f"{what} is implausibly large (got {violations}; at most 10^9)")
    return violations


def range_for(amounts: Amounts, violations: int) -> tuple[int, int]:
    """(minimum, maximum) for ``violations`` of one requirement in one calendar year, capped:
    min(n x per-violation minimum, cap) and min(n x per-violation maximum, cap)."""
    if amounts.no_penalty or violations == 0:
        return 0, 0
    cap = amounts.cap
    low = violations * amounts.minimum
    high = violations * (cap if amounts.maximum is None else amounts.maximum)
    return (low if low < cap else cap), (high if high < cap else cap)  # min() without its call cost


def cmp_range(
    tier: Tier,
    violations: int,
    violation_date: dt.date | None = None,
    schedule: str = DEFAULT_SCHEDULE,
    as_of: dt.date | None = None,
) -> tuple[int, int]:
    """The (minimum, maximum) civil money penalty; see ``explain_cmp`` for the reasons."""
    check_count(violations)
    return range_for(resolve_amounts(tier, violation_date, schedule, as_of), violations)


def annual_cap(
    tier: Tier,
    violation_date: dt.date | None = None,
    schedule: str = DEFAULT_SCHEDULE,
    as_of: dt.date | None = None,
) -> int:
    """The calendar-year cap for identical violations (160.404(b)(1)(ii), (b)(2)(i)-(iv)(B)); 0 where
    no penalty can be imposed at all (tier A facts before 2009-02-18, former 1320d-5(b)(2))."""
    return resolve_amounts(tier, violation_date, schedule, as_of).cap


class CmpResult(BaseModel):
    """A penalty range with the amounts used and an explanation that cites each figure."""

    model_config = ConfigDict(frozen=True)

    tier: Tier
    violations: int
    minimum: int
    maximum: int
    amounts: Amounts
    explanation: str
    citations: tuple[str, ...]
    warnings: tuple[str, ...]


MINIMUM_LABEL = "statutory minimum (if a CMP is imposed)"
"""How every floor is named: the minimum binds only if a penalty is imposed (decisions 21)."""


def minimum_note(tier: Tier) -> str:
    """Why the statutory minimum binds only if a CMP is imposed, for this tier, cited."""
    rules = load_rules()
    if tier in ("A", "B"):
        corrective = (
            f"{rules.corrective_action.text} ({rules.corrective_action.citation}); " if tier == "A" else ""
        )
        return f"{corrective}{rules.waiver.text} ({rules.waiver.citation})"
    required = rules.willful_neglect_penalty_required
    return f"{required.text} ({required.citation})"


def explain_cmp(
    tier: Tier,
    violations: int,
    violation_date: dt.date | None = None,
    schedule: str = DEFAULT_SCHEDULE,
    as_of: dt.date | None = None,
) -> CmpResult:
    """The penalty range with one readable explanation: tier, per-violation range, cap, result,
    the readings the figures rest on and why the minimum binds only if a CMP is imposed."""
    check_count(violations)
    amounts = resolve_amounts(tier, violation_date, schedule, as_of)
    low, high = range_for(amounts, violations)
    cap_text = dollars(amounts.cap) + (" (an ESTIMATE)" if amounts.cap_is_estimate else "")
    if amounts.no_penalty:
        body = (
            f"Tier {tier}, {violations:,} violation(s): no penalty at all for a violation before "
            f"{load_rules().hitech_violations_from.value.isoformat()} where the person did not know and "
            f"with reasonable diligence would not have "
            f"known, so no calendar-year cap applies either [{amounts.maximum_citation}]"
        )
    else:
        same = amounts.minimum_citation == amounts.maximum_citation == amounts.cap_citation

        def cite(citation: str) -> str:
            return "" if same else f" [{citation}]"

        per_max = (
            f"no per-violation maximum (the cap is the ceiling){cite(amounts.maximum_citation)}"
            if amounts.maximum is None
            else f"at most {dollars(amounts.maximum)}{cite(amounts.maximum_citation)}"
        )
        body = (
            f"Tier {tier}, {violations:,} violation(s) of one identical requirement in one calendar "
            f"year: {MINIMUM_LABEL} {dollars(amounts.minimum)} a violation{cite(amounts.minimum_citation)}, "
            f"{per_max}; calendar-year cap {cap_text}{cite(amounts.cap_citation)}"
            f"{f' [{amounts.cap_citation}]' if same else ''}; {MINIMUM_LABEL} {dollars(low)}, maximum "
            f"{dollars(high)} ({minimum_note(tier)})"
        )
    dated = f"violation dated {violation_date.isoformat()}; " if violation_date is not None else ""
    text = f"{body}. Amounts: {amounts.source}; {dated}{amounts.why}."
    for reading in amounts.readings:
        text += f" {reading[0].upper()}{reading[1:]}."
    for warning in amounts.warnings:
        text += f" Warning: {warning}."
    citations = tuple(dict.fromkeys((amounts.minimum_citation, amounts.maximum_citation, amounts.cap_citation)))
    return CmpResult(
        tier=tier,
        violations=violations,
        minimum=low,
        maximum=high,
        amounts=amounts,
        explanation=text,
        citations=citations,
        warnings=amounts.warnings,
    )
