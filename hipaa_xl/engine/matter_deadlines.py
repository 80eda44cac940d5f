"""A matter's deadlines: the rules its events trigger, and the six-year limitation per group.

The Matter sheet lists events (a breach discovered, residents of a State, a notice received, a
decision served). Each kind of event triggers the deadline rules that run from it
(``law/data/deadlines.json``); a row's count, other date, "by mail" and delay days feed the rule's
option. The status of a deadline on an as-of date is "done" when the row has a Done date, otherwise
past due, due today or due in N days. Pure functions: no files, no clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from hipaa_xl.engine import days
from hipaa_xl.engine.deadlines import Deadline, Option, compute
from hipaa_xl.engine.incidents import Aggregation
from hipaa_xl.errors import HipaaInputError
from hipaa_xl.law.deadline_rules import load_deadline_law

OptionField = Literal["count", "other_date", "by_mail", "delay_days"]


@dataclass(frozen=True)
class EventKind:
    """One entry of the Matter sheet's Event list: the rules it triggers and what its columns mean."""

    label: str
    rules: tuple[tuple[str, OptionField | None], ...]
    count_means: str = ""
    other_date_means: str = ""


EVENT_KINDS: tuple[EventKind, ...] = (
    EventKind("Breach discovered", (("breach-individuals", "delay_days"), ("breach-hhs", "count")),
              count_means="individuals affected (fewer than 500: the HHS log instead)"),
    EventKind("Breach discovered by a business associate", (("breach-ba", "delay_days"),)),
    EventKind("Residents of a State", (("breach-media", "count"),),
              count_means="residents of that State affected (media notice for more than 500)"),
    EventKind("Substitute notice posted", (("breach-substitute-posting", None),)),
    EventKind("Oral law-enforcement statement", (("law-enforcement-oral", "other_date"),),
              other_date_means="last day of the delay in a written statement given within the 30 days"),
    EventKind("Access request received", (("access", None),),
              other_date_means="completion date promised in the written extension notice"),
    EventKind("Complainant knew", (("complaint", None),)),
    EventKind("160.312 notice received", (("ocr-mitigation", "by_mail"),)),
    EventKind("Notice of proposed determination", (("hearing-request", "other_date"),),
              other_date_means="date the notice was received, when shown to be other than 5 days after its date"),
    EventKind("ALJ decision served", (("board-appeal", "by_mail"), ("alj-final", "by_mail"))),
    EventKind("Board decision final", (("judicial-review", None),)),
)


def event_kind(label: str) -> EventKind | None:
    """The kind for an Event cell, trimmed and case-insensitive; None when unknown."""
    text = " ".join(label.split()).casefold()
    return next((k for k in EVENT_KINDS if k.label.casefold() == text), None)


@dataclass(frozen=True)
class MatterEvent:
    """One row of the Matter table, parsed."""

    row: int
    id: str
    kind: EventKind
    date: dt.date
    count: int | None = None
    state: str = ""
    other_date: dt.date | None = None
    by_mail: bool = False
    delay_days: int | None = None
    done: dt.date | None = None
    notes: str = ""


@dataclass(frozen=True)
class MatterDeadline:
    """A deadline a matter event triggers: the rule, its option and the computed result or problem."""

    event: MatterEvent
    rule: str
    option_field: OptionField | None
    option: object
    deadline: Deadline | None
    problem: str = ""
    """The error text ("#N/A breach-media not required ...") when there is no due date."""
    shift_days: int = 0
    """A law-enforcement delay (164.412) on a rule whose option is a count: the 60 days run from the
    event date plus the delay, which is the same date as adding the delay to the 60."""

    @property
    def due(self) -> dt.date | None:
        return None if self.deadline is None else self.deadline.due

    def days_left(self, as_of: dt.date) -> int | None:
        return None if self.due is None else (self.due - as_of).days

    def status(self, as_of: dt.date) -> str:
        """done, past due, due today, due in N days, not required, or check the event."""
        return status_text(self.event.done is not None, self.days_left(as_of), self.problem)


def status_text(done: bool, days_left: int | None, problem: str = "") -> str:
    """The Status column's words (the workbook's formula says the same)."""
    if done:
        return "done"
    if days_left is None:
        return "not required" if problem.startswith("#N/A") else "check the event"
    if days_left < 0:
        return "past due"
    if days_left == 0:
        return "due today"
    return f"due in {days_left} day{'s' if days_left != 1 else ''}"


def _rule_for(event: MatterEvent, rule: str) -> str:
    """The Matter row's own choice between paired rules (HHS now or in the log; access extended)."""
    threshold = load_deadline_law().rules["breach-hhs"].threshold
    at_least = threshold.at_least if threshold is not None and threshold.at_least is not None else 0
    if rule == "breach-hhs" and event.count is not None and 0 < event.count < at_least:
        return "breach-hhs-log"
    if rule == "access" and event.other_date is not None:
        return "access-extended"
    return rule


def option_of(event: MatterEvent, rule: str, field: OptionField | None) -> Option:
    """The row value the rule takes as its option."""
    if rule == "access-extended":
        return event.other_date
    if field is None:
        return None
    value: Option = getattr(event, field)
    return value


def matter_deadlines(events: Iterable[MatterEvent]) -> list[MatterDeadline]:
    """Every deadline the events trigger, in the order of the events and of each kind's rules."""
    law = load_deadline_law()
    out: list[MatterDeadline] = []
    for event in events:
        for base, field in event.kind.rules:
            rule = _rule_for(event, base)
            option = option_of(event, rule, field)
            data = law.rules[rule]
            shift = event.delay_days or 0 if data.law_enforcement_delay and data.option != "delay-days" else 0
            try:
                start = event.date + dt.timedelta(days=shift)
                result: Deadline | None = compute(rule, start, option)
                problem = ""
            except HipaaInputError as exc:
                result, problem = None, exc.excel_text()
            except OverflowError:
                result, problem = None, "#NUM! the due date falls after 9999-12-31"
            out.append(MatterDeadline(event, rule, field if rule != "access-extended" else "other_date",
                                      option, result, problem, shift))
    return out


def upcoming(deadlines: Iterable[MatterDeadline], limit: int = 5) -> list[MatterDeadline]:
    """The ``limit`` earliest deadlines not done (past due ones first, as they are earliest)."""
    open_ = [(d.due, i, d) for i, d in enumerate(deadlines) if d.due is not None and d.event.done is None]
    return [d for _, _, d in sorted(open_, key=lambda t: (t[0], t[1]))][:limit]


@dataclass(frozen=True)
class LimitationGroup:
    """The six-year limitation of one (entity, identical requirement, calendar year) group.

    ``every_in_time_until``: the last day an action reaches every violation of the group (the sixth
    anniversary of its first day); ``any_in_time_until``: the last day it reaches any (of its last).
    """

    entity: str
    requirement: str
    year: int
    first_day: dt.date
    last_day: dt.date

    @property
    def every_in_time_until(self) -> dt.date:
        return days.sixth_anniversary(self.first_day)

    @property
    def any_in_time_until(self) -> dt.date:
        return days.sixth_anniversary(self.last_day)

    def status(self, as_of: dt.date) -> str:
        """in time, partly time-barred, or time-barred (160.414; the anniversary is still in time)."""
        if as_of <= self.every_in_time_until:
            return "in time"
        if as_of <= self.any_in_time_until:
            return "partly time-barred"
        return "time-barred"


def limitation_groups(agg: Aggregation) -> list[LimitationGroup]:
    """First and last violation day of each group, in the aggregation's group order."""
    spans: dict[tuple[str, str, int], tuple[dt.date, dt.date]] = {}
    for row in agg.rows:
        key = (row.entity_key, row.requirement_key, row.year)
        end = row.segment_end if row.effective_end is None else min(row.segment_end, row.effective_end)
        end = max(end, row.segment_start) if row.kind == "continuing" else row.segment_start
        lo, hi = spans.get(key, (row.segment_start, end))
        spans[key] = (min(lo, row.segment_start), max(hi, end))
    out = []
    for g in agg.groups:
        span = spans.get((g.entity_key, g.requirement_key, g.year))
        if span is not None:
            out.append(LimitationGroup(g.entity, g.requirement, g.year, span[0], span[1]))
    return out
