"""A workbook's scenarios priced: one code path for refresh, ``hipaa-xl scenarios`` and the memo.

Reads the Scenarios sheet's two tables, hands them with the Incidents to
:func:`hipaa_xl.engine.scenarios.run_scenarios` (Incidents rows that cannot be read count as
unpriced incidents, so every scenario that keeps them shows ``#N/A``, decisions 13), and gathers
what the Summary's staleness check must compare (:class:`~hipaa_xl.workbook.scenario_summary.Snapshot`).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hipaa_xl.engine import Aggregation
from hipaa_xl.engine.incidents import InvalidIncident, id_key
from hipaa_xl.engine.scenario_records import CHANGEABLE_FIELDS, ScenarioSet
from hipaa_xl.engine.scenarios import run_scenarios
from hipaa_xl.errors import WorkbookError
from hipaa_xl.workbook.inputs import Inputs
from hipaa_xl.workbook.layout import Layout
from hipaa_xl.workbook.scenario_summary import Snapshot
from hipaa_xl.workbook.scenario_tables import ScenarioTables, read_scenarios
from hipaa_xl.workbook.sheetxml import ref
from hipaa_xl.workbook.summary import SC, SUMMARY_HEADER_ROW

if TYPE_CHECKING:
    from hipaa_xl.ooxml.package import Package

_COMPARED_FIELDS = ("id", "entity", "requirement", *CHANGEABLE_FIELDS)
"""The Incidents cells a scenario's figures depend on beyond the base's own figures."""
_SUMMED = ("violations", "barred", "minimum", "maximum", "barred_max", "ag")


@dataclass
class WorkbookScenarios:
    """The tables as read and the priced scenarios (None when the workbook has no Scenarios sheet)."""

    tables: ScenarioTables | None
    result: ScenarioSet | None

    def problems(self) -> list[str]:
        """Every row that cannot apply and every table that cannot be read, one line each."""
        out = list(self.tables.problems) if self.tables else []
        out += [p.text() for p in self.result.problems] if self.result else []
        return out


def unpriced(inputs: Inputs, as_of: dt.date | None = None) -> list[InvalidIncident]:
    """What keeps the workbook's figures from being priced, as the engine's invalid incidents: the
    Incidents rows the reader could not turn into incidents, and an "Action commenced on" the
    Exposure formulas cannot use (every Exposure row then shows an error, so every figure is #N/A)."""
    out = [InvalidIncident(ir.raw_id, ir.row, ir.reason) for ir in inputs.rows if ir.incident is None]
    if inputs.commenced_error:
        out.append(InvalidIncident("", None, f"Settings: {inputs.commenced_error}"))
    elif inputs.commenced is not None and as_of is not None and inputs.commenced > as_of:
        out.append(InvalidIncident("", None, f"Settings: Action commenced on {inputs.commenced.isoformat()} is "
                                             f"after the as-of date {as_of.isoformat()}"))
    return out


def price_workbook_scenarios(
    data: bytes, pkg: Package, inputs: Inputs, schedule: str, as_of: dt.date, base: Aggregation | None = None,
    commenced: dt.date | None = None,
) -> WorkbookScenarios:
    """The Scenarios sheet read and every scenario priced beside the base (``commenced``: the date
    the action commenced, as refresh resolved it from Settings)."""
    return price_scenarios(read_scenarios(data, pkg), inputs, schedule, as_of, base, commenced)


def price_scenarios(
    tables: ScenarioTables | None, inputs: Inputs, schedule: str, as_of: dt.date, base: Aggregation | None = None,
    commenced: dt.date | None = None,
) -> WorkbookScenarios:
    """The scenario tables as read (from the package or an open book) priced beside the base."""
    if tables is None:
        return WorkbookScenarios(None, None)
    incidents = [ir.incident for ir in inputs.rows if ir.incident is not None]
    result = run_scenarios(incidents, tables.scenarios, tables.changes, schedule, as_of,
                           unpriced=unpriced(inputs, as_of), base=base, commenced=commenced,
                           general_forms=inputs.general_forms)
    return WorkbookScenarios(tables, result)


def snapshot(found: WorkbookScenarios, inputs: Inputs, layout: Layout, schedule: str, as_of: dt.date,
             incidents_sheet: str) -> Snapshot:
    """What the scenario figures depend on, for the Summary's staleness formula."""
    snap = Snapshot(incidents_sheet=incidents_sheet)
    tables, result = found.tables, found.result
    if tables is None or result is None or not (tables.scenarios or tables.changes):
        return snap
    named = {id_key(c.incident_id) for c in tables.changes}
    for ir in inputs.rows:
        if id_key(ir.raw_id) in named:
            cells = [(inputs.columns[f], ir.raw.get(f)) for f in _COMPARED_FIELDS if f in inputs.columns]
            snap.incident_cells.append((ir.row, cells))
    first = SUMMARY_HEADER_ROW + 1
    last = first + max(1, len(layout.groups)) - 1
    base = result.base.aggregation
    # the Summary's group rows show #N/A exactly when an unpriced row lies in their group (a row in no
    # group makes only the grand total #N/A), or when Settings stops every Exposure row; otherwise
    # they are the engine's groups (tested), so their sums are known before the recalculation
    na_groups = any(ln.kind == "invalid" and ln.group > 0 for ln in layout.lines)
    settings_stop = any(not u.incident_id and u.row is None for u in unpriced(inputs, as_of))
    clean = not na_groups and not settings_stop
    for key in _SUMMED:
        col = SC[key]
        rng = f"{ref(first, col, True)}:{ref(last, col, True)}"
        if not clean or base is None:
            total: int | float = -1
        elif key == "violations":
            total = sum(g.violations for g in base.groups)
        elif key == "barred":
            total = sum(g.time_barred_violations for g in base.groups)
        elif key == "minimum":
            total = sum(g.minimum for g in base.groups)
        elif key == "maximum":
            total = sum(g.maximum for g in base.groups)
        elif key == "barred_max":
            total = sum(g.time_barred_maximum for g in base.groups)
        else:
            total = sum(g.ag_damages for g in base.groups)
        snap.sums.append((rng, total))
    snap.schedule = schedule
    snap.as_of = as_of
    return snap




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
    from hipaa_xl.errors import HipaaInputError
    from hipaa_xl.law.schedules import check_schedule
    from hipaa_xl.ooxml.admission import read_checked_bytes
    from hipaa_xl.ooxml.package import package_from_bytes
    from hipaa_xl.workbook.inputs import read_inputs
    from hipaa_xl.workbook.plan import commenced_date, mark_duplicate_ids, resolve_as_of

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


__all__ = ["FileScenarios", "WorkbookScenarios", "price_scenarios", "price_workbook_scenarios", "scenarios_of_file",
           "snapshot", "unpriced"]
