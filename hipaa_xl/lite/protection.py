"""Sheet protection in a workbook bound to xlwings Lite.

The Lite script rewrites Exposure, Summary and Deadlines through xlwings' remote engine, which has no
call to unprotect a sheet (Office.js ``worksheet.protection`` is not offered by xlwings 0.37.8): a
protected sheet would refuse every write. So in a bound workbook these sheets are not protected
(docs/xlwings-lite.md): ``lite add`` lifts the protection hipaa-xl put there, ``hipaa-xl refresh``
leaves it off while the binding is there, and ``lite remove`` puts it back. A protection the user set
themselves (any other ``sheetProtection``, with a password for instance) is left alone.
"""

from __future__ import annotations

from hipaa_xl.ooxml.opc import sheets
from hipaa_xl.ooxml.package import Package
from hipaa_xl.workbook import columns
from hipaa_xl.workbook.sheetxml import PROTECTION

LITE_WRITTEN = (columns.SUMMARY_SHEET, columns.EXPOSURE_SHEET, columns.DEADLINES_SHEET)
"""The sheets the Lite script writes."""

_OURS = PROTECTION.encode()


def _parts(pkg: Package) -> list[str]:
    return [s.part for s in sheets(pkg) if s.name in LITE_WRITTEN and s.part in pkg]


def unprotect_written(pkg: Package) -> list[str]:
    """Remove hipaa-xl's protection from the sheets the script writes; the parts changed."""
    changed = []
    for part in _parts(pkg):
        if _OURS in pkg[part]:
            pkg[part] = pkg[part].replace(_OURS, b"", 1)
            changed.append(part)
    return changed


def protect_written(pkg: Package) -> list[str]:
    """Put hipaa-xl's protection back on those sheets (right after ``sheetData``); the parts changed."""
    changed = []
    for part in _parts(pkg):
        data = pkg[part]
        if b"<sheetProtection" not in data and b"</sheetData>" in data:
            pkg[part] = data.replace(b"</sheetData>", b"</sheetData>" + _OURS, 1)
            changed.append(part)
    return changed
