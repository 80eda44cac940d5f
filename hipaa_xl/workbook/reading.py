"""The CLI's read-only file readers: a workbook's deadlines and its scenarios, the file never changed.

:func:`read_matter_deadlines` serves ``hipaa-xl deadlines BOOK`` and the .ics file: the same inputs
refresh reads (the Matter events, the Incidents, Settings' as-of date) and the same engine functions,
so the command, the calendar and the Deadlines sheet agree. :func:`scenarios_of_file` serves
``hipaa-xl scenarios BOOK``: the scenarios priced as refresh would price them.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from hipaa_xl.engine import aggregate
from hipaa_xl.engine.matter_deadlines import LimitationGroup, MatterDeadline, limitation_groups, matter_deadlines
from hipaa_xl.errors import HipaaInputError, WorkbookError
from hipaa_xl.law.schedules import check_schedule
from hipaa_xl.ooxml.admission import read_checked_bytes
from hipaa_xl.ooxml.package import package_from_bytes
from hipaa_xl.workbook import columns
from hipaa_xl.workbook.inputs import read_inputs
from hipaa_xl.workbook.plan import commenced_date, mark_duplicate_ids, resolve_as_of
from hipaa_xl.workbook.sheets.scenarios.pricing import WorkbookScenarios, price_workbook_scenarios


@dataclass
class MatterDeadlines:
    """A workbook's deadlines on its as-of date."""

    as_of: dt.date
    as_of_source: str
    limitation_on: dt.date
    """The day the limitation is judged on: Settings' "Action commenced on", else the as-of date."""
    matter: str
    items: list[MatterDeadline]
    limitation: list[LimitationGroup]
    invalid: list[str] = field(default_factory=list)
    has_matter_sheet: bool = True
    identity: str = ""
    """What names this matter workbook (client, matter name and number from Settings, as typed): the
    calendar's event UIDs are hashed from it, so two matters never share one."""


def read_matter_deadlines(path: Path, cli_as_of: dt.date | None = None) -> MatterDeadlines:
    """The deadlines of the workbook at ``path``; unusable files raise WorkbookError (one line)."""
    data = read_checked_bytes(path)
    try:
        inputs = read_inputs(data, package_from_bytes(data))
        schedule = check_schedule(inputs.schedule)
    except (WorkbookError, HipaaInputError) as exc:
        raise WorkbookError(f"{path.name}: {exc}") from None
    except Exception as exc:  # a damaged workbook: one line, no traceback
        raise WorkbookError(f"{path.name}: cannot be read ({type(exc).__name__}: {exc})") from None
    as_of, source, _ = resolve_as_of(inputs, cli_as_of)
    table = inputs.matter_table
    rows = table.rows if table is not None else []
    incidents = [r.incident for r in inputs.rows if r.incident is not None]
    on = inputs.commenced or as_of
    return MatterDeadlines(
        as_of=as_of,
        as_of_source=source,
        limitation_on=on,
        matter=inputs.matter.get("matter_name", "") or path.stem,
        items=matter_deadlines(r.event for r in rows if r.event is not None),
        limitation=limitation_groups(aggregate(incidents, schedule, as_of, inputs.commenced, inputs.general_forms)),
        invalid=[f"{columns.MATTER_SHEET}!row {r.row}: {r.reason}" for r in rows if r.event is None],
        has_matter_sheet=table is not None,
        identity="\x1f".join(inputs.matter.get(k, "") for k in ("client", "matter_name", "matter_number"))
        or path.stem,
    )


@dataclass
class FileScenarios:
    """A workbook file's scenarios, with the schedule and as-of date they were priced at."""

    found: WorkbookScenarios
    schedule: str
    as_of: dt.date
    as_of_source: str


def scenarios_of_file(path: str | os.PathLike[str], as_of: dt.date | None = None) -> FileScenarios:
    """Read a workbook and price its scenarios as refresh would (``as_of`` stands in for =TODAY()).

    Raises :class:`~hipaa_xl.errors.WorkbookError` (one line) for a file that cannot be used.
    """
    name = os.path.basename(path)
    data = read_checked_bytes(path)
    try:
        pkg = package_from_bytes(data)
        inputs = read_inputs(data, pkg)
        schedule = check_schedule(inputs.schedule)
        day, source, warnings = resolve_as_of(inputs, as_of)
        commenced = commenced_date(inputs, day, warnings)
        mark_duplicate_ids(inputs.rows)
        found = price_workbook_scenarios(data, pkg, inputs, schedule, day, commenced=commenced)
    except HipaaInputError as exc:
        raise WorkbookError(f"{name}: Settings: {exc.message}") from None
    except WorkbookError as exc:
        raise WorkbookError(str(exc) if name in str(exc) else f"{name}: {exc}") from None
    except Exception as exc:  # a damaged part: one line, never a traceback (decisions 17), as every command
        raise WorkbookError(f"{name}: cannot be read ({type(exc).__name__}: {exc})") from None
    return FileScenarios(found, schedule, day, source)


__all__ = ["FileScenarios", "MatterDeadlines", "read_matter_deadlines", "scenarios_of_file"]
