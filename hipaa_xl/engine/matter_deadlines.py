"""A matter's deadlines: the rules its events trigger, and the six-year limitation per group.

The Matter sheet lists events (a breach discovered, residents of a State, a notice received, a
decision served). Each kind of event triggers the deadline rules that run from it
(``law/data/deadlines.json``); a row's count, other date, "by mail" and delay days feed the rule's
option. The status of a deadline on an as-of date speaks of what the date is (``deadline_status``):
"due" only for what someone owes, "done N days late" for a response made after its date. A breach
found by a business associate starts the covered entity's own deadlines from the business
associate's notice, or from its discovery when it acted as the entity's agent (164.404(a)(2)): the
Event chosen on the row says which. Pure functions: no files, no clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from hipaa_xl.engine import days
from hipaa_xl.engine.deadline_status import status_words
from hipaa_xl.engine.deadlines import Deadline, Option, compute, delay_ends_reading
from hipaa_xl.engine.incidents import Aggregation
from hipaa_xl.errors import HipaaInputError
from hipaa_xl.law.deadline_rules import StatusKind, load_deadline_law

OptionField = Literal["count", "other_date", "by_mail", "delay_days"]


@dataclass(frozen=True)
class EventKind:
    """One entry of the Matter sheet's Event list: the rules it triggers and what its columns mean.

    ``chained`` maps a rule to the rule whose date is its event (judicial review runs from the day
    the Board's decision becomes final, which board-final computes from the service)."""

    label: str
    rules: tuple[tuple[str, OptionField | None], ...]
    count_means: str = ""
    other_date_means: str = ""
    chained: tuple[tuple[str, str], ...] = ()


EVENT_KINDS: tuple[EventKind, ...] = (
    EventKind("Breach discovered", (("breach-individuals", "delay_days"), ("breach-hhs", "count")),
              count_means="individuals affected (fewer than 500: the HHS log instead)"),
    EventKind("Breach discovered by a business associate", (("breach-ba", "delay_days"),)),
    EventKind("Residents of a State", (("breach-media", "count"),),
              count_means="residents of that State affected (media notice for more than 500)"),
    EventKind("Substitute notice posted", (("breach-substitute-posting", None), ("breach-substitute-toll-free", None))),
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
    # added later, at the end so that existing workbooks' Event lists keep their order
    EventKind("Breach discovered by a business associate acting as agent",
              (("breach-ba", "delay_days"), ("breach-individuals", "delay_days"), ("breach-hhs", "count")),
              count_means="individuals affected (fewer than 500: the HHS log instead)"),
    EventKind("Business associate's breach notice received",
              (("breach-individuals", "delay_days"), ("breach-hhs", "count")),
              count_means="individuals affected (fewer than 500: the HHS log instead)"),
    EventKind("Board decision served", (("board-final", "by_mail"), ("judicial-review", None)),
              chained=(("judicial-review", "board-final"),)),
)
AGENT_EVENT = "Breach discovered by a business associate acting as agent"
"""164.404(a)(2): a breach known to an agent of the covered entity (federal common law of agency) is
known to the entity, so its deadlines run from the business associate's discovery."""
BA_NOTICE_EVENT = "Business associate's breach notice received"
"""A business associate that is not the entity's agent: the entity's deadlines run from its notice
(164.410(a)(1); 164.404(a)(2))."""


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
    option: Option
    deadline: Deadline | None
    problem: str = ""
    """The error text ("#N/A breach-media not required ...") when there is no due date."""
    shift_days: int = 0
    """A law-enforcement delay (164.412) on a rule whose option is a count: the 60 days run from the
    event date plus the delay, which is the same date as adding the delay to the 60."""
    extended: bool = False
    """The day-30 access row of a request whose written extension promised a later date."""
    event_date: dt.date | None = None
    """The date the rule ran from, when not the row's date (a chained rule: the date of another)."""

    @property
    def due(self) -> dt.date | None:
        return None if self.deadline is None else self.deadline.due

    @property
    def kind(self) -> StatusKind:
        """What the date is: owed, the lapse of a delay, the end of a posting, finality, limitation."""
        return load_deadline_law().rules[self.rule].status

    @property
    def owed_by(self) -> str:
        """Who owes the act ("" when nothing is owed)."""
        return load_deadline_law().rules[self.rule].owed_by

    @property
    def date_label(self) -> str:
        """What the date is, in words ("outer limit", "due", "delay ends", "final on"...)."""
        return load_deadline_law().rules[self.rule].date_label

    @property
    def earlier(self) -> dt.date | None:
        """The date on the other reading of the text, when there is one (decisions 40)."""
        if self.deadline is None:
            return None
        if self.deadline.earlier is not None:
            return self.deadline.earlier
        if self.shift_days and self.event_date is None:
            base = compute(self.rule, self.event.date, self.option).due
            day = max(base, delay_ends_reading(self.event.date, 0, self.shift_days)[0])
            return day if day < self.deadline.due else None
        return None

    @property
    def earlier_reading(self) -> str:
        """What the earlier date assumes ("" when there is no other reading)."""
        if self.earlier is None or self.deadline is None:
            return ""
        if self.deadline.earlier is not None:
            return self.deadline.earlier_reading
        length = load_deadline_law().rules[self.rule].length  # the rule's own days (164.404(b): 60)
        return delay_ends_reading(self.event.date, length, self.shift_days)[1]

    def done_days_late(self) -> int | None:
        """Days the Done date falls after the due date (0 or less: on time); None when not done or
        when nothing is owed."""
        if self.event.done is None or self.due is None or self.kind != "owed":
            return None
        return (self.event.done - self.due).days

    def days_left(self, as_of: dt.date) -> int | None:
        """Days from the as-of date to the date; None for a row done (never negative days left
        for something already done) or without a date."""
        if self.due is None or self.done_days_late() is not None:
            return None
        return (self.due - as_of).days

    def status(self, as_of: dt.date) -> str:
        """The Status words (``deadline_status``): due in N days, past due, done, done N days late,
        delay ends, posting may come down after, final on, last day for OCR to commence..."""
        left = None if self.due is None else (self.due - as_of).days
        return status_words(self.kind, left, self.problem, self.done_days_late(), self.extended)

    @property
    def late_violation(self) -> str:
        """For a breach notice done late: that the late notice may itself violate the rule ("" otherwise)."""
        late = self.done_days_late()
        cite = load_deadline_law().rules[self.rule].late_is_violation
        if late is None or late <= 0 or cite is None:
            return ""
        return (f"Possible violation of {cite}: notice made {late} day{'s' if late != 1 else ''} after the "
                f"{self.date_label} ({self.due.isoformat() if self.due else ''})")


def _rule_for(event: MatterEvent, rule: str) -> str:
    """The Matter row's own choice between paired rules (HHS now or in the log; access extended)."""
    threshold = load_deadline_law().rules["breach-hhs"].threshold
    at_least = threshold.at_least if threshold is not None and threshold.at_least is not None else 0
    if rule == "breach-hhs" and event.count is not None and 0 < event.count < at_least:
        return "breach-hhs-log"
    return rule


def option_of(event: MatterEvent, rule: str, field: OptionField | None) -> Option:
    """The row value the rule takes as its option."""
    if rule == "access-extended":
        return event.other_date
    if field is None:
        return None
    value: Option = getattr(event, field)
    return value


def _rules_of(event: MatterEvent) -> list[tuple[str, OptionField | None]]:
    """The rules a row triggers: its kind's, and for an access request with a promised date both the
    day-30 rule (the written extension was due by then, 164.524(b)(2)(ii)(A)) and the extended one."""
    rules = list(event.kind.rules)
    if event.other_date is not None and ("access", None) in rules:
        rules.append(("access-extended", "other_date"))
    return rules


def matter_deadlines(events: Iterable[MatterEvent]) -> list[MatterDeadline]:
    """Every deadline the events trigger, in the order of the events and of each kind's rules."""
    law = load_deadline_law()
    out: list[MatterDeadline] = []
    for event in events:
        dates: dict[str, dt.date] = {}
        chained = dict(event.kind.chained)
        for base, field in _rules_of(event):
            rule = _rule_for(event, base)
            option = option_of(event, rule, field)
            data = law.rules[rule]
            shift = event.delay_days or 0 if data.law_enforcement_delay and data.option != "delay-days" else 0
            parent = chained.get(rule)
            start: dt.date | None = None
            try:
                if parent is not None:
                    if parent not in dates:
                        raise HipaaInputError(f"#VALUE! {parent} has no date, so {rule} has none")
                    start = dates[parent]
                else:
                    start = event.date + dt.timedelta(days=shift)
                result: Deadline | None = compute(rule, start, option)
                problem = ""
            except HipaaInputError as exc:
                result, problem = None, exc.excel_text()
            except OverflowError:
                result, problem = None, "#NUM! the due date falls after 9999-12-31"
            if result is not None:
                dates[rule] = result.due
            out.append(MatterDeadline(
                event, rule, field, option, result, problem, shift,
                extended=rule == "access" and event.other_date is not None,
                event_date=start if parent is not None else None,
            ))
    return out


def upcoming(deadlines: Iterable[MatterDeadline], limit: int = 5, as_of: dt.date | None = None) -> list[MatterDeadline]:
    """The ``limit`` earliest deadlines still open: owed and not done, or (for a date that only ends
    something) not yet passed on ``as_of``; past due ones first, as they are earliest."""
    def open_(d: MatterDeadline) -> bool:
        if d.due is None:
            return False
        if d.kind == "owed":
            return d.done_days_late() is None and not (d.extended and as_of is not None and d.due < as_of)
        return as_of is None or d.due >= as_of

    found = [(d.due, i, d) for i, d in enumerate(deadlines) if open_(d)]
    return [d for _, _, d in sorted(found, key=lambda t: (t[0], t[1]))][:limit]


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
    measured_to: dt.date | None = None
    """The date the limitation ran to for this group: its action's commencement, else the as-of
    (assessment) date (160.414; ``GroupTotal.limitation_to``)."""
    measured_to_source: str = ""
    """Where that date comes from: "Incidents" (the rows' Action commenced on), "Settings", or
    "as-of date"."""

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
    sources: dict[tuple[str, str, int], str] = {}
    for row in agg.rows:
        key = (row.entity_key, row.requirement_key, row.year)
        if row.facts.limitation_to_source == "Incidents" or key not in sources:
            sources[key] = row.facts.limitation_to_source
        end = row.segment_end if row.effective_end is None else min(row.segment_end, row.effective_end)
        end = max(end, row.segment_start) if row.kind == "continuing" else row.segment_start
        lo, hi = spans.get(key, (row.segment_start, end))
        spans[key] = (min(lo, row.segment_start), max(hi, end))
    out = []
    for g in agg.groups:
        span = spans.get((g.entity_key, g.requirement_key, g.year))
        if span is not None:
            key = (g.entity_key, g.requirement_key, g.year)
            out.append(LimitationGroup(g.entity, g.requirement, g.year, span[0], span[1], g.limitation_to,
                                       sources.get(key, "")))
    return out
