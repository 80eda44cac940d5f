"""A matter's deadlines from its events, their status on an as-of date, the limitation per group,
and the iCalendar file (read back by icalendar, by the ics library and by a strict RFC 5545 check)."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import ics

from hipaa_xl.engine import aggregate
from hipaa_xl.engine.incidents import Incident
from hipaa_xl.engine.matter_deadlines import (
    EVENT_KINDS,
    MatterEvent,
    event_kind,
    limitation_groups,
    matter_deadlines,
    upcoming,
)
from hipaa_xl.law.deadline_rules import load_deadline_law
from hipaa_xl.report.calendar import calendar_bytes, event_uid

D = dt.date
STAMP = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def ev(row: int, kind: str, day: dt.date, **kw: object) -> MatterEvent:
    found = event_kind(kind)
    assert found is not None, kind
    return MatterEvent(row=row, id=f"EV-{row}", kind=found, date=day, **kw)  # type: ignore[arg-type]


def test_every_rule_is_reachable_from_some_matter_event() -> None:
    reached = {rule for k in EVENT_KINDS for rule, _ in k.rules} | {"breach-hhs-log", "access-extended"}
    assert reached == set(load_deadline_law().rules) - {"limitation"}  # limitation comes from Incidents


def test_a_breach_of_1200_goes_to_hhs_now_one_of_40_goes_in_the_years_log() -> None:
    big = matter_deadlines([ev(5, "Breach discovered", D(2026, 1, 1), count=1200)])
    assert [(d.rule, d.due) for d in big] == [("breach-individuals", D(2026, 3, 2)), ("breach-hhs", D(2026, 3, 2))]
    small = matter_deadlines([ev(5, "breach  DISCOVERED", D(2026, 1, 1), count=40)])
    assert [(d.rule, d.due) for d in small] == [("breach-individuals", D(2026, 3, 2)),
                                                 ("breach-hhs-log", D(2027, 3, 1))]


def test_residents_of_a_state_500_need_no_media_notice_501_do() -> None:
    out = matter_deadlines([ev(6, "Residents of a State", D(2026, 1, 1), count=500, state="NV"),
                            ev(7, "Residents of a State", D(2026, 1, 1), count=501, state="CA")])
    assert out[0].due is None and out[0].problem.startswith("#N/A")
    assert out[0].status(D(2026, 1, 10)) == "not required"
    assert out[1].due == D(2026, 3, 2)


def test_status_on_the_as_of_date() -> None:
    [d] = matter_deadlines([ev(5, "Access request received", D(2026, 1, 15))])  # due Feb 14
    assert d.status(D(2026, 2, 13)) == "due in 1 day"
    assert d.status(D(2026, 2, 1)) == "due in 13 days"
    assert d.status(D(2026, 2, 14)) == "due today"
    assert d.status(D(2026, 2, 15)) == "past due"
    [done] = matter_deadlines([ev(5, "Access request received", D(2026, 1, 15), done=D(2026, 2, 14))])
    assert done.status(D(2026, 3, 1)) == "done"
    [late] = matter_deadlines([ev(5, "Access request received", D(2026, 1, 15), done=D(2026, 2, 20))])
    assert late.status(D(2026, 3, 1)) == "done 6 days late"


def test_an_extension_promised_on_the_row_keeps_day_30_and_adds_access_extended() -> None:
    day30, d = matter_deadlines([ev(5, "Access request received", D(2026, 1, 15), other_date=D(2026, 3, 10))])
    assert (day30.rule, day30.due) == ("access", D(2026, 2, 14))
    assert (d.rule, d.due) == ("access-extended", D(2026, 3, 10))
    assert day30.status(D(2026, 2, 14)) == "due today" and day30.status(D(2026, 2, 15)) == "extended"


def test_upcoming_lists_the_five_earliest_not_done_past_due_first() -> None:
    events = [ev(5, "Complainant knew", D(2026, 1, 1)),                       # Jun 30
              ev(6, "Access request received", D(2026, 1, 15)),               # Feb 14
              ev(7, "ALJ decision served", D(2026, 2, 5), by_mail=True),      # Mar 12 and Apr 6
              ev(8, "Breach discovered", D(2026, 1, 1), count=1200),          # Mar 2 twice
              ev(9, "Board decision final", D(2026, 9, 27), done=D(2026, 10, 1))]
    got = [(d.rule, d.due) for d in upcoming(matter_deadlines(events))]
    assert got == [("access", D(2026, 2, 14)), ("breach-individuals", D(2026, 3, 2)), ("breach-hhs", D(2026, 3, 2)),
                   ("board-appeal", D(2026, 3, 12)), ("alj-final", D(2026, 4, 6))]


def test_limitation_per_group_runs_from_its_first_and_last_violation_day() -> None:
    incidents = [
        Incident(id="A", entity="Acme", requirement="164.308(a)(1)", start=D(2020, 2, 29), end=D(2021, 3, 31),
                 culpability="reasonable cause"),
        Incident(id="B", entity="Acme", requirement="164.308(a)(1)", start=D(2020, 7, 1), violations=3,
                 culpability="reasonable cause"),
    ]
    groups = limitation_groups(aggregate(incidents, "regulation", D(2026, 3, 1)))
    assert [(g.year, g.first_day, g.last_day) for g in groups] == [(2020, D(2020, 2, 29), D(2020, 12, 31)),
                                                                   (2021, D(2021, 1, 1), D(2021, 3, 31))]
    g2020 = groups[0]
    assert g2020.every_in_time_until == D(2026, 2, 28)  # 29 February's sixth anniversary
    assert g2020.any_in_time_until == D(2026, 12, 31)
    assert g2020.status(D(2026, 2, 28)) == "in time"
    assert g2020.status(D(2026, 3, 1)) == "partly time-barred"
    assert g2020.status(D(2027, 1, 1)) == "time-barred"


def _matter() -> list[MatterEvent]:
    return [ev(5, "Breach discovered", D(2026, 1, 1), count=1200),
            ev(6, "Residents of a State", D(2026, 1, 1), count=700, state="CA"),
            ev(7, "Notice of proposed determination", D(2026, 1, 6)),
            ev(8, "ALJ decision served", D(2026, 2, 5), by_mail=True, done=D(2026, 2, 20))]


def test_ics_parses_with_icalendar_and_carries_each_events_citation() -> None:
    items = matter_deadlines(_matter())
    data = calendar_bytes(items, "Riverside, a fictitious matter", STAMP)
    cal = icalendar.Calendar.from_ical(data)
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 6
    law = load_deadline_law()
    for component, item in zip(events, items, strict=True):
        assert component.decoded("dtstart") == item.due
        assert law.rules[item.rule].citation in str(component["description"])
        assert str(component["uid"]) == event_uid("Riverside, a fictitious matter", item)
    hearing = next(c for c in events if "hearing-request" in str(c["summary"]))
    assert "No current eCFR copy" in str(hearing["description"])  # an unchecked rule is labelled
    assert sum(1 for c in cal.walk("VALARM")) == 4  # no reminder for the two done ones


def test_ics_parses_with_a_second_library() -> None:
    data = calendar_bytes(matter_deadlines(_matter()), "M", STAMP)
    cal = ics.Calendar(data.decode("utf-8"))
    begins = sorted(e.begin.date() for e in cal.events)
    assert begins == [D(2026, 3, 2), D(2026, 3, 2), D(2026, 3, 2), D(2026, 3, 12), D(2026, 4, 6), D(2026, 4, 13)]


def test_ics_lines_follow_rfc_5545() -> None:
    data = calendar_bytes(matter_deadlines(_matter()), "Riverside & Söhne", STAMP)
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
    lines = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)  # 3.1: lines folded at 75 octets
    unfolded = data.replace(b"\r\n ", b"").decode("utf-8").split("\r\n")[:-1]
    stack: list[str] = []
    for line in unfolded:
        assert re.match(r"^[A-Z][A-Z0-9-]*(;[^:]*)?:", line), line  # name[;params]:value
        if line.startswith("BEGIN:"):
            stack.append(line[6:])
        elif line.startswith("END:"):
            assert stack.pop() == line[4:]
    assert not stack
    assert unfolded[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"] or "VERSION:2.0" in unfolded
    blocks = "\r\n".join(unfolded).split("BEGIN:VEVENT")[1:]
    for block in blocks:  # 3.6.1: UID and DTSTAMP are required; a DATE start for an all-day event
        assert "\r\nUID:" in block and "\r\nDTSTAMP:" in block and "DTSTART;VALUE=DATE:" in block
