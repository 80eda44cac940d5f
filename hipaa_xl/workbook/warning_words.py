"""Refresh's warnings in the words a lawyer uses: which row, what the figures did with it, and the fix.

The engine's warnings are short (they also fit a cell on the Exposure sheet); refresh's report and the
Refresh button say each one again with the Incidents row and what to change. A warning this module does
not know is shown as the engine wrote it, with its row.
"""

from __future__ import annotations

import re

from hipaa_xl.engine import Incident
from hipaa_xl.engine.aggregate import SPLIT_WARNING
from hipaa_xl.workbook import columns as C

_TYPED_TIER = re.compile(r"typed Tier (\w) differs from the tier derived from the culpability \((\w)\)")
_END_AFTER = re.compile(r"End (\S+) is after the as-of date (\S+); cut there")
_CORRECTED_BEFORE = re.compile(r"the correction \((\S+)\) is dated before the known date \((\S+)\)")


def incident_warning(incident: Incident, text: str) -> str:
    """One engine warning on ``incident`` as a sentence with its row and the fix."""
    where = f"{C.INCIDENTS_SHEET} row {incident.row} ({incident.id})"
    if text == SPLIT_WARNING and incident.start is not None and incident.end is not None:
        count = f"the {incident.violations:,} violation(s)" if incident.violations is not None else "the violations"
        return (f"{where}: {count} are all dated on Start ({incident.start.isoformat()}), but End "
                f"({incident.end.isoformat()}) is in another calendar year, past the limitation or past a "
                f"change of amounts, so a single calendar-year cap applies to them all. If they happened in "
                f"different years, enter one row per calendar year, each with that year's count and dates "
                f"(45 CFR 160.404(b)(2)).")
    if m := _TYPED_TIER.search(text):
        return (f"{where}: the Tier typed ({m[1]}) differs from the tier the Culpability gives ({m[2]}); the "
                f"figures use the typed Tier {m[1]}. Clear the Tier cell to use the Culpability, or correct the "
                f"Culpability.")
    if m := _END_AFTER.search(text):
        return (f"{where}: End ({m[1]}) is after the assessment date ({m[2]}); violations are counted only up "
                f"to the assessment date. Correct End, or set the assessment date on Settings.")
    if m := _CORRECTED_BEFORE.search(text):
        return (f"{where}: Corrected ({m[1]}) is before Known ({m[2]}); the figures treat the violation as "
                f"corrected within the 30-day cure period. Check both dates.")
    return f"{where}: {text}"
