"""State attorney general damages (42 U.S.C. 1320d-5(d)).

Up to $100 a violation, at most $25,000 for identical violations in a calendar year; none for a
violation before 2009-02-18 (Pub. L. 111-5 13410(e)(3)) and none while the Secretary's action on the
violation is pending ((d)(7)). Never adjusted for inflation.
"""

from __future__ import annotations

import datetime as dt
import math

from hipaa_xl.engine.penalties import check_count
from hipaa_xl.errors import OutOfRange, shown
from hipaa_xl.law.loader import load_rules


def check_rate(per_violation: float) -> float:
    """The damages per violation: from $0 up to $100 (1320d-5(d)(2)(A))."""
    limit = load_rules().ag_damages.per_violation.value
    if isinstance(per_violation, bool) or not math.isfinite(per_violation) or not 0 <= per_violation <= limit:
        raise OutOfRange(f"AG damages per violation must be between 0 and {limit} (got {shown(per_violation)})")
    return per_violation


def ag_reaches(violation_date: dt.date | None) -> bool:
    """Whether 1320d-5(d) reaches a violation of this date (after 2009-02-17; no date: yes)."""
    start = load_rules().ag_damages.violations_from.value
    return violation_date is None or violation_date >= start


def ag_damages(
    violations: int,
    per_violation: float | None = None,
    federal_action_pending: bool = False,
    violation_date: dt.date | None = None,
) -> int | float:
    """min(n x per_violation, $25,000); 0 when a federal action is pending or before 2009-02-18."""
    rules = load_rules().ag_damages
    check_count(violations)
    rate = rules.per_violation.value if per_violation is None else check_rate(per_violation)
    if federal_action_pending or not ag_reaches(violation_date):
        return 0
    amount = min(violations * rate, rules.cap.value)
    return int(amount) if float(amount).is_integer() else round(amount, 2)


def ag_cap() -> int:
    """The calendar-year cap for identical violations (1320d-5(d)(2)(B))."""
    return load_rules().ag_damages.cap.value
