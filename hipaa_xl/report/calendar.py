"""A matter's deadlines as an iCalendar file (RFC 5545) that Outlook and Google Calendar import.

One all-day event per deadline on its due date, each with the rule, the computation, the citation and
the rule's words in its description, and a reminder a week before. Written with the icalendar
library, which folds long lines at 75 octets and ends every line with CRLF as RFC 5545 requires.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable

from icalendar import Alarm, Calendar, Event

from hipaa_xl import __version__
from hipaa_xl.engine.matter_deadlines import MatterDeadline
from hipaa_xl.law.deadline_rules import load_deadline_law

PRODID = f"-//hipaa-xl//deadlines {__version__}//EN"
REMINDER = dt.timedelta(days=-7)


def event_uid(identity: str, item: MatterDeadline) -> str:
    """Unique per matter workbook, row and rule, and stable across exports (a re-import updates the
    event instead of adding a copy): a hash of the workbook's identity (Settings' client, matter name
    and number as typed), the Matter row, its ID and the rule, never a shortened form of them."""
    key = "\x1f".join((identity, str(item.event.row), item.event.id or "", item.rule))
    return f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@hipaa-xl"


def _text(value: str) -> str:
    """Text for a property value: line breaks as LF (the library escapes them; a bare CR is never
    written), other control characters dropped (RFC 5545 3.3.11 allows none)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def _line(value: str) -> str:
    """Text for a one-line property (the calendar's name, a summary): line breaks and tabs become spaces."""
    return " ".join(_text(value).split())


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _all_day(ev: Event, day: dt.date) -> None:
    """DTSTART and, unless the day is the last one there is, DTEND the next day (RFC 5545 3.6.1: without
    DTEND an all-day event lasts its one day)."""
    ev.add("dtstart", day)
    if day < dt.date.max:
        ev.add("dtend", day + dt.timedelta(days=1))


def _other_reading_event(identity: str, item: MatterDeadline, stamp: dt.datetime) -> Event:
    """The earlier date of the other reading of the text (decisions 40), as its own labelled event."""
    assert item.earlier is not None and item.deadline is not None
    ev = Event()
    ev.add("uid", event_uid(identity, item).replace("@", "-other-reading@", 1))
    ev.add("dtstamp", stamp.astimezone(dt.UTC))
    _all_day(ev, item.earlier)
    ev.add("summary", _line(f"{item.rule}: other reading (earlier): {item.deadline.date_label}"[:240]))
    ev.add("description", _text(
        f"Other reading: {item.earlier.isoformat()}, {item.earlier_reading}. The date hipaa-xl uses is "
        f"{item.deadline.due.isoformat()} ({item.deadline.computation})."
    ))
    ev.add("categories", ["HIPAA deadline"])
    ev.add("transp", "TRANSPARENT")
    return ev


def calendar_bytes(items: Iterable[MatterDeadline], matter: str, stamp: dt.datetime, identity: str = "") -> bytes:
    """The .ics file: one all-day VEVENT per deadline that has a due date (done ones included).

    ``identity`` names the matter workbook for the UIDs (``matter`` when not given)."""
    identity = identity or matter
    law = load_deadline_law()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _line(f"HIPAA deadlines - {matter}" if matter else "HIPAA deadlines"))
    for item in items:
        if item.deadline is None:
            continue
        rule = law.rules[item.rule]
        d = item.deadline
        status_now = item.status(item.event.done or d.due)
        done = f" ({status_now})" if item.event.done is not None and rule.status == "owed" else ""
        ev = Event()
        ev.add("uid", event_uid(identity, item))
        ev.add("dtstamp", stamp.astimezone(dt.UTC))
        _all_day(ev, d.due)
        ev.add("summary", _line(f"{item.rule}{done}: {d.date_label}: {rule.description}"[:240]))
        text = [
            f"{d.explanation()}",
            f"Owed by: {rule.owed_by}." if rule.owed_by else f"Nothing is owed on this date ({d.date_label}).",
        ]
        if item.earlier is not None:
            text.append(f"Other reading: {item.earlier.isoformat()}, {item.earlier_reading}.")
        if item.late_violation:
            text.append(item.late_violation + ".")
        text += [
            f"Event: {item.event.kind.label} on {item.event.date.isoformat()} (Matter row {item.event.row}"
            f"{', ' + item.event.id if item.event.id else ''}).",
            f"Citation: {rule.citation}. Words: \"{rule.words}\"",
            f"Extends or tolls: {rule.extends}",
        ]
        if d.label:
            text.append(law.sources[rule.source].description)
        ev.add("description", _text("\n".join(text)))
        ev.add("categories", ["HIPAA deadline"])
        ev.add("transp", "TRANSPARENT")
        if item.event.done is None:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", _line(f"In 7 days, {d.date_label} {d.due.isoformat()}: {item.rule} "
                                           f"({rule.citation})"))
            alarm.add("trigger", REMINDER)
            ev.add_component(alarm)
        cal.add_component(ev)
        if item.earlier is not None:
            cal.add_component(_other_reading_event(identity, item, stamp))
    data: bytes = cal.to_ical()
    return data
