"""The calculation properties every workbook hipaa-xl writes declares (``<calcPr>`` in workbook.xml).

Excel compares ``calcId`` with its own calculation engine: a file saved by an older engine (openpyxl
writes ``124519``, Excel 2007's) or one flagged ``fullCalcOnLoad`` is recalculated in full when it
opens, and a reader without the hipaa-xl functions then sees ``#NAME?`` instead of the stored figures.
Our workbooks hold values computed by refresh or recalc, so they declare the engine of current Excel
(``191029``: Excel 2019 and Microsoft 365) and no full calculation on load. Only volatile functions
(``TODAY()`` on a blank template's Settings) are still recalculated on open.
"""

from __future__ import annotations

from typing import Any, Final

EXCEL_CALC_ID: Final = 191029
"""``calcId`` that Excel 2019 and Microsoft 365 write: a file declaring it is not recalculated on open."""

_NS: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_AFTER_CALC_PR: Final = (
    "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
    "fileRecoveryPr", "webPublishObjects", "extLst",
)
"""Elements that follow ``calcPr`` in CT_Workbook (ECMA-376 Part 1, 18.2.28), for a new ``calcPr``."""


def declare_current_engine(workbook_root: Any) -> bool:
    """Make ``workbook_root`` (a parsed ``<workbook>``) declare current Excel; True when it changed.

    Sets ``calcId`` to :data:`EXCEL_CALC_ID` unless the file declares a newer engine, removes
    ``fullCalcOnLoad``, and adds a ``calcPr`` in its schema place when there is none.
    """
    ns = workbook_root.tag[1:].split("}")[0] if workbook_root.tag.startswith("{") else _NS
    calc = workbook_root.find(f"{{{ns}}}calcPr")
    changed = False
    if calc is None:
        calc = workbook_root.makeelement(f"{{{ns}}}calcPr", {})
        follower = next((el for el in workbook_root if _local(el.tag) in _AFTER_CALC_PR), None)
        if follower is not None:
            follower.addprevious(calc)
        else:
            workbook_root.append(calc)
        changed = True
    try:
        current = int(calc.get("calcId", "0"))
    except ValueError:
        current = 0
    if current < EXCEL_CALC_ID:
        calc.set("calcId", str(EXCEL_CALC_ID))
        changed = True
    if "fullCalcOnLoad" in calc.attrib:
        del calc.attrib["fullCalcOnLoad"]
        changed = True
    return changed


def _local(tag: object) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1]
