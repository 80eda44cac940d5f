"""Excel functions the template workbook needs beyond the penalty functions (re-exported by ``udfs``).

SCHEDULE_SOURCE names the table a schedule applies on an assessment date, so that the Summary
heading states the schedule, the assessment date and the table's citation (issue 8).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hipaa_xl import cells
from hipaa_xl.excel_declare import declare_for_excel
from hipaa_xl.law.schedules import resolve_amounts

__all__ = ["SCHEDULE_SOURCE"]


def _parse_as_of(value: object) -> dt.date | None:
    return cells.parse_date(value, "as-of date")


def _schedule_source(schedule: str, as_of: dt.date | None) -> str:
    amounts = resolve_amounts("B", None, schedule, as_of)
    text = amounts.source
    if amounts.schedule == "current-tiered":
        text += "; tier A-C caps are ESTIMATES carried through the 102.3 multipliers (84 FR 18151)"
    return text


@declare_for_excel(
    schedule="Schedule: regulation, statute, current, current-tiered, cfr102-YYYY",
    as_of="Assessment (as-of) date (optional; default today)",
)
def SCHEDULE_SOURCE(schedule: Any = None, as_of: Any = None) -> Any:
    """The table a schedule applies to a violation after 2015-11-02 assessed on as_of, with its citation."""
    return cells.broadcast(_schedule_source, (cells.parse_schedule, _parse_as_of), schedule, as_of)
