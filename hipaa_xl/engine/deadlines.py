"""Deadlines of the breach-notification, right-of-access and OCR enforcement rules.

Each rule (``law/data/deadlines.json``) runs from one event: the due date is computed from that
event's date, the rule's length and its kind of days. Pure functions: no files, no clock.

- calendar days (45 CFR 164 subpart D, 164.524, 160.306): event + length; a last day on a weekend or
  holiday stays where it is;
- 45 CFR 160.526 (subpart E proceedings, and 160.312 by its own reference): see ``business_days``;
- the HHS log (164.408(c)): 31 December of the year of discovery + 60 days;
- the substitute-notice posting (164.404(d)(2)(ii)): a period that includes its first day;
- the six-year limitation (160.414): the sixth anniversary, as ``engine.days`` computes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hipaa_xl import cells
from hipaa_xl.engine import business_days, days
from hipaa_xl.errors import ExcelErrorCode, HipaaInputError, InvalidValue, OutOfRange
from hipaa_xl.law.deadline_rules import DeadlineRule, load_deadline_law

UNCHECKED_LABEL = "[words not checked against a current eCFR text]"
EXPLAIN_LIMIT = 255  # characters in one cell's text (Excel on the web and xlwings Lite)


class NotRequired(HipaaInputError):
    """The rule does not apply to these facts (e.g. 500 residents for media notice): ``#N/A``."""

    code: ExcelErrorCode = "#N/A"


@dataclass(frozen=True)
class Deadline:
    """A computed deadline: the date, how it was reached, where the law says so, and what it is.

    ``date_label`` says what the date is ("outer limit", "due", "delay ends", "posting may come down
    after", "final on", "last day for OCR to commence"); ``earlier`` is the date on another reading
    of the text, when there is one, and ``earlier_reading`` says which.
    """

    rule: str
    event: dt.date
    due: dt.date
    computation: str
    citation: str
    key_words: str
    checked: bool
    date_label: str = "due"
    earlier: dt.date | None = None
    earlier_reading: str = ""

    @property
    def label(self) -> str:
        """Empty, or the note that the rule's words were not read in a current eCFR text."""
        return "" if self.checked else UNCHECKED_LABEL

    @property
    def reading_note(self) -> str:
        """The other reading in words ("" when there is none): its date and what it assumes."""
        if self.earlier is None:
            return ""
        return f"Other reading: {_show(self.earlier)}, {self.earlier_reading}."

    def explanation(self) -> str:
        """One line, at most 255 characters: rule, date, computation, citation, the words, and the
        other reading when there is one (its date alone when its words do not fit)."""
        head = f"{self.rule}: {self.date_label} {_show(self.due)}. {self.computation}. {self.citation}"
        label = f" {self.label}" if self.label else ""
        quote = f': "{self.key_words}".'
        other = f" {self.reading_note}" if self.reading_note else ""
        if other and len(head) + len(quote) + len(other) + len(label) > EXPLAIN_LIMIT:
            other = f" Other reading: {self.earlier.isoformat() if self.earlier else ''}."
        if len(head) + len(quote) + len(other) + len(label) > EXPLAIN_LIMIT:
            room = EXPLAIN_LIMIT - len(head) - len(other) - len(label) - len(': "...".')
            quote = f': "{self.key_words[:room].rstrip()}...".' if room > 10 else "."
        return (head + quote + other + label)[:EXPLAIN_LIMIT]


def rule_names() -> list[str]:
    """The public rule names, in the data file's order."""
    return list(load_deadline_law().rules)


def parse_rule(value: object) -> str:
    """A rule name, trimmed and case-insensitive; unknown names are #VALUE!."""
    text = str(cells.parse_text(value, "rule")).strip().casefold().replace("_", "-").replace(" ", "-")
    if text not in load_deadline_law().rules:
        raise InvalidValue(f"unknown deadline rule {_shown(value)}; DEADLINE_RULES() lists the rules")
    return text


def _shown(value: object) -> str:
    """A typed value for an error text, cut to 40 characters so the text fits one cell."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _show(day: dt.date) -> str:
    return f"{day.isoformat()} ({day.strftime('%a')})"


def _plus(day: dt.date, n: int) -> dt.date:
    try:
        return day + dt.timedelta(days=n)
    except OverflowError:
        raise OutOfRange(f"the due date falls after 9999-12-31 ({day.isoformat()} + {n} days)") from None


def _rolled(last: dt.date, due: dt.date) -> str:
    if last == due:
        return ""
    return f", a {business_days.why_not_business_day(last)}, moved to {_show(due)}"


def _check_threshold(name: str, rule: DeadlineRule, count: int | None) -> None:
    limit = rule.threshold
    if limit is None or count is None:
        return
    if limit.more_than is not None and not count > limit.more_than:
        raise NotRequired(f"{name} not required: {count} is not more than {limit.more_than} ({limit.citation})")
    if limit.at_least is not None and count < limit.at_least:
        raise NotRequired(f"{name} not required: {count} is fewer than {limit.at_least}; use breach-hhs-log")
    if limit.below is not None and count >= limit.below:
        raise NotRequired(f"{name} not required: {count} is {limit.below} or more; use breach-hhs")


def _option(name: str, rule: DeadlineRule, event: dt.date, value: object) -> int | bool | dt.date | None:
    """The rule's option parsed for its kind; blank is "not given"."""
    kind = rule.option
    if kind == "none":
        if cells.is_error_text(value):
            raise cells.CellError(str(value))
        if not cells.is_blank(value):
            raise InvalidValue(f"{name} takes no option (got {_shown(value)})")
        return None
    if kind in ("delay-days", "residents", "individuals"):
        what = {"delay-days": "law-enforcement delay (days)", "residents": "residents of the State",
                "individuals": "individuals affected"}[kind]
        count = cells.parse_count(value, what)
        return count or None  # blank, "" and 0 (Lite's empty cell) mean "not given"
    if kind == "mailed":
        return cells.parse_bool(value, "served by mail")
    label = {"written-until": "last day of the written delay", "promised-date": "promised completion date",
             "received-on": "date of receipt shown"}[kind]
    day = cells.parse_date(value, label)
    if day is not None and day < event:
        raise InvalidValue(f"the {label} {day.isoformat()} is before the event date {event.isoformat()}")
    return day


def compute(name: str, event: dt.date, option: object = None) -> Deadline:
    """The due date of rule ``name`` for an event on ``event``; ``option`` as the rule's data says."""
    law = load_deadline_law()
    if name not in law.rules:
        name = parse_rule(name)
    rule = law.rules[name]
    extra = _option(name, rule, event, option)
    counting = law.countings[rule.counting]
    n = rule.length
    if rule.option in ("residents", "individuals"):
        _check_threshold(name, rule, extra if isinstance(extra, int) and not isinstance(extra, bool) else None)

    earlier: dt.date | None = None
    earlier_reading = ""
    if rule.counting == "calendar":
        if rule.option == "delay-days" and isinstance(extra, int) and not isinstance(extra, bool) and extra:
            due = _plus(event, n + extra)
            how = f"{event.isoformat()} + {n} + {extra} days' delay (164.412)"
            earlier, earlier_reading = delay_ends_reading(event, n, extra)
        elif rule.option == "written-until" and isinstance(extra, dt.date):
            due = extra
            how = f"written statement (164.412(a)) sets the delay's last day; oral alone: {_plus(event, n).isoformat()}"
        elif rule.option == "promised-date" and isinstance(extra, dt.date):
            latest = _plus(event, n)
            if extra > latest:
                raise InvalidValue(
                    f"the extension may not exceed 30 days: promised {extra.isoformat()}, latest {latest.isoformat()}"
                )
            due = extra
            how = f"date promised in the written extension notice (at most {latest.isoformat()})"
        else:
            due = _plus(event, n)
            how = f"{event.isoformat()} + {n} calendar days, no roll-forward"
    elif rule.counting == "year-end":
        year_end = dt.date(event.year, 12, 31)
        due = _plus(year_end, n)
        how = f"discovered in {event.year}: {year_end.isoformat()} + {n} days, no roll-forward"
    elif rule.counting == "posting":
        due = _plus(event, n)
        how = f"up from some time on {event.isoformat()}: {n} full days end on {due.isoformat()} (first day + {n})"
    elif rule.counting == "anniversary":
        if event.year + n > 9999:
            raise OutOfRange(f"the sixth anniversary of {event.isoformat()} falls after 9999")
        due = days.sixth_anniversary(event)
        how = f"sixth anniversary of {event.isoformat()}, still in time on that day"
    else:  # 45 CFR 160.526
        start, steps = event, []
        if rule.presumed_receipt_days is not None:
            if isinstance(extra, dt.date):
                start = extra
                steps.append(f"received {start.isoformat()} (shown)")
            else:
                start = _plus(event, rule.presumed_receipt_days)
                steps.append(f"receipt presumed {start.isoformat()} (date + {rule.presumed_receipt_days})")
        if rule.deemed_service_days is not None and extra is True:
            start = _plus(event, rule.deemed_service_days)
            steps.append(f"mailed {event.isoformat()}: served {start.isoformat()} (160.548(j)(5))")
        total, mail = n, ""
        if extra is True and rule.mail_addition:
            total += counting.mail_days or 0
            mail = f" + {counting.mail_days} for mail"
        last, due = business_days.count_160_526(start, total, counting.short_period_days or 7)
        steps.append(f"{start.isoformat()} + {n} days{mail} = {_show(last)}{_rolled(last, due)}")
        if extra is True and not rule.mail_addition and rule.deemed_service_days is None:
            steps.append("mail adds no days (160.526(c))")
        how = "; ".join(steps) + " (160.526)"
        if extra is True and rule.mail_addition and rule.mail_reading:
            earlier = business_days.count_160_526(start, n, counting.short_period_days or 7)[1]
            earlier_reading = rule.mail_reading
    if earlier is not None and earlier >= due:
        earlier, earlier_reading = None, ""
    return Deadline(name, event, due, how, rule.citation, rule.key_words, law.checked(name), rule.date_label,
                    earlier, earlier_reading)


def delay_ends_reading(event: dt.date, length: int, delay: int) -> tuple[dt.date, str]:
    """The stricter reading of a law-enforcement delay (164.412): it holds the notice only while it
    lasts, so a delay that ends before the last day leaves that day in place, and one that ends
    later leaves the notice due when it ends (the delay taken as running from ``event``)."""
    day = max(_plus(event, length), _plus(event, delay))
    return day, f"if the delay only holds the notice while it lasts (the later of day {length} and its end)"


def due_date(name: str, event: dt.date, option: object = None) -> dt.date:
    """Only the due date of ``compute``."""
    return compute(name, event, option).due
