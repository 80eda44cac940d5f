"""The federal legal holidays that move a 160.526 last day, pinned against OPM's published lists.

OPM's federal holiday tables (opm.gov, Pay & Leave, Federal Holidays) list, for each year, the day
most employees have off: a Saturday holiday is observed on the Friday before (5 U.S.C. 6103(b)), a
Sunday holiday on the Monday after (E.O. 11582). The dates below are those tables' weekdays for 2025,
2026 and 2027, typed in by hand; python-holidays must give exactly these weekdays.
"""

from __future__ import annotations

import datetime as dt

import pytest

from hipaa_xl.engine.business_days import federal_holiday, is_business_day, next_business_day

D = dt.date

OPM = {
    2025: [D(2025, 1, 1), D(2025, 1, 20), D(2025, 2, 17), D(2025, 5, 26), D(2025, 6, 19), D(2025, 7, 4),
           D(2025, 9, 1), D(2025, 10, 13), D(2025, 11, 11), D(2025, 11, 27), D(2025, 12, 25)],
    # Independence Day 2026 is a Saturday: observed Friday 3 July
    2026: [D(2026, 1, 1), D(2026, 1, 19), D(2026, 2, 16), D(2026, 5, 25), D(2026, 6, 19), D(2026, 7, 3),
           D(2026, 9, 7), D(2026, 10, 12), D(2026, 11, 11), D(2026, 11, 26), D(2026, 12, 25)],
    # Juneteenth and Christmas 2027 are Saturdays (Friday before), Independence Day a Sunday (Monday
    # after); New Year's Day 2028 is a Saturday, observed on Friday 31 December 2027
    2027: [D(2027, 1, 1), D(2027, 1, 18), D(2027, 2, 15), D(2027, 5, 31), D(2027, 6, 18), D(2027, 7, 5),
           D(2027, 9, 6), D(2027, 10, 11), D(2027, 11, 11), D(2027, 11, 25), D(2027, 12, 24), D(2027, 12, 31)],
}


@pytest.mark.parametrize("year", sorted(OPM))
def test_weekday_holidays_match_opms_list(year: int) -> None:
    day, found = D(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5 and federal_holiday(day) is not None:
            found.append(day)
        day += dt.timedelta(days=1)
    assert found == OPM[year]


def test_days_closed_by_executive_order_are_not_legal_holidays() -> None:
    # 24 and 26 December 2025 were closed by executive order; 5 U.S.C. 6103 does not list them
    assert is_business_day(D(2025, 12, 24)) and is_business_day(D(2025, 12, 26))


def test_next_business_day_skips_weekends_and_observed_holidays() -> None:
    assert next_business_day(D(2026, 7, 3)) == D(2026, 7, 6)  # Fri holiday, Sat, Sun
    assert next_business_day(D(2027, 12, 31)) == D(2028, 1, 3)  # Fri observed New Year, Sat holiday, Sun
    assert next_business_day(D(2026, 7, 2)) == D(2026, 7, 2)
