"""The readings of the law the figures rest on, each labelled, cited and tied to when it applies.

A reading is a place where the figures follow one reading of the regulation or the statute (the
calendar-year cap per identical requirement, one violation a day, the six-year limitation day by day,
...). The memo lists each reading that applied to the matter's aggregation, once, with its citation;
the amounts and citations come from the law data (``law/data/rules.json``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from hipaa_xl.law.loader import load_rules, load_series
from hipaa_xl.law.schedules import REGULATION, resolve_amounts
from hipaa_xl.money import dollars


class Aggregation(Protocol):
    """What a reading looks at: the rows and groups of an aggregation (:class:`hipaa_xl.engine.Aggregation`;
    the law sits below the engine, so it names the shape, not the class)."""

    @property
    def rows(self) -> Sequence[Any]: ...

    @property
    def groups(self) -> Sequence[Any]: ...


@dataclass(frozen=True)
class Reading:
    """A labelled reading of the law that the figures rest on, and when it applied to this matter."""

    label: str
    text: str
    citation: str
    applies: Callable[[Aggregation], bool]


def _rows_where(test: Callable[[Any], bool]) -> Callable[[Aggregation], bool]:
    return lambda agg: any(test(r) for r in agg.rows)


def _groups_where(test: Callable[[Any], bool]) -> Callable[[Aggregation], bool]:
    return lambda agg: any(test(g) for g in agg.groups)


def readings() -> tuple[Reading, ...]:
    """Every labelled reading, each with when it applied; amounts and citations from the law data."""
    rules = load_rules()
    hitech = rules.hitech_violations_from.value
    pre = resolve_amounts("B", hitech - dt.timedelta(days=1), REGULATION)  # the pre-HITECH regime's amounts
    unadjusted_to = load_series().applicability.violations_after
    cure = int(rules.cure_period_days.value)
    return (
        Reading("Calendar-year cap per identical requirement",
                "Violations of one identical requirement by one entity in one calendar year are capped "
                "together; each (entity, requirement, year) is capped on its own.",
                "45 CFR 160.404(b)(2); 42 U.S.C. 1320d-5(a)(3)", lambda agg: bool(agg.groups)),
        Reading("Continuing violations: one a day",
                "A continuing violation counts one violation for each day, both ends counted, split at "
                "31 December and at the regime lines.", "45 CFR 160.406",
                _rows_where(lambda r: r.kind == "continuing")),
        Reading("Tier D ceiling = cap",
                "Willful neglect not corrected has no per-violation maximum in either text; its ceiling is "
                "the calendar-year cap.", "45 CFR 160.404(b)(2)(iv); 42 U.S.C. 1320d-5(a)(3)(D)",
                _rows_where(lambda r: r.tier == "D" and r.status == "counted")),
        Reading("Mixed tiers or regimes in one group",
                "Where one (entity, requirement, year) mixes tiers or regimes, each part is capped by its own "
                "cap and the total by the largest of them; a literal reading could allow the sum of the caps.",
                "45 CFR 160.404(b)(2); hipaa-xl decisions 8 (docs/decisions.md)",
                _groups_where(lambda g: len(g.parts) > 1)),
        Reading("current-tiered is an estimate",
                "HHS has published no table of inflation-adjusted tiered caps; the tier A-C caps of "
                "'current-tiered' are carried through the 102.3 multipliers by hipaa-xl.",
                load_series().tiered_caps_estimate.citation, lambda agg: True),
        Reading(f"Violations before {hitech.isoformat()}",
                f"The pre-HITECH amounts apply: no minimum, {dollars(pre.per_violation_maximum)} a violation, "
                f"{dollars(pre.cap)} a year, and no penalty for tier A facts.", rules.hitech_violations_from.citation,
                _rows_where(lambda r: r.regime == "pre-2009")),
        Reading(f"Unadjusted amounts before {(unadjusted_to + dt.timedelta(days=1)).isoformat()}",
                f"Under the 45 CFR 102.3 schedules, violations on or before {unadjusted_to.isoformat()} keep the "
                "unadjusted amounts.", "45 CFR 102.2; 45 CFR 102.3", _rows_where(lambda r: r.regime == "unadjusted")),
        Reading(f"The {cure}-day cure",
                f"A tier A or B violation corrected within the {cure}-day period beginning on the day the entity "
                "knew (or should have known) bears no penalty and no AG damages, in any year.",
                rules.cure_period_days.citation, _rows_where(lambda r: r.status == "cured")),
        Reading("Six-year limitation, day by day",
                "A violation day is time-barred once the day the action commenced (the notice of proposed "
                "determination; without one, the assessment date) is past its sixth anniversary; barred days "
                "are shown apart and left out of the figures.", rules.limitation_years.citation,
                _rows_where(lambda r: r.time_barred_violations > 0)),
        Reading("A requirement in a more general form",
                "An incident marked as a duplicate of another is penalised once, under the other incident.",
                "45 CFR 160.404(b)(3)", _rows_where(lambda r: r.status == "duplicate")),
        Reading("Criminal penalty already imposed",
                "No CMP and no AG damages for an act already punished under 42 U.S.C. 1320d-6.",
                rules.ag_damages.criminal.citation, _rows_where(lambda r: r.status == "criminal")),
        Reading("AG damages capped once per group",
                f"State AG damages: up to {dollars(rules.ag_damages.per_violation.value)} a violation and "
                f"{dollars(rules.ag_damages.cap.value)} per identical requirement per calendar year; never adjusted "
                "for inflation; a maximum the court may reduce.",
                f"{rules.ag_damages.per_violation.citation}; {rules.ag_damages.cap.citation}",
                lambda agg: bool(agg.groups)),
        Reading("AG damages deferred",
                "No State action on a violation while the Secretary's action on it is pending; shown as "
                "deferred, not as no exposure.", rules.ag_damages.federal_action.citation,
                _rows_where(lambda r: r.ag_status == "deferred")),
    )
