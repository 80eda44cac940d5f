"""Every function of ``hipaa_xl.udfs`` gives, through a recalculated workbook, what the plain Python
call gives with the same arguments (empty cells as None, errors as their code text)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from hipaa_xl import clock, udfs
from hipaa_xl.recalc import recalc_file

AS_OF = dt.date(2025, 6, 30)

# (Excel arguments as formula text, the same arguments as Python values); E1 is an empty cell.
CALLS: dict[str, list[tuple[str, tuple[Any, ...]]]] = {
    "CMP_MIN": [('"B",3,44000', ("B", 3, 44000)), ('"reasonable cause",10', ("reasonable cause", 10)),
                ('"B",E1', ("B", None)), ('"E",3', ("E", 3)), ('"A",-1', ("A", -1))],
    "CMP_MAX": [('"D",2,44000,"statute"', ("D", 2, 44000, "statute")), ('"C",1,"2014-05-01"', ("C", 1, "2014-05-01")),
                ('"B",NA()', ("B", "#N/A"))],
    "ANNUAL_CAP": [('"D",44000', ("D", 44000)), ('"A",36000', ("A", 36000)), ('"A",44000,"current"', ("A", 44000,
                                                                                                  "current"))],
    "AG_DAMAGES": [("50,100,FALSE,44000", (50, 100, False, 44000)), ("500", (500,)), ("5,,TRUE", (5, None, True))],
    "CMP_TIER": [('"willful neglect",44000,44010', ("willful neglect", 44000, 44010)),
                 ('"willful neglect",E1,E1', ("willful neglect", None, None)), ('"did not know"', ("did not know",))],
    "CURED": [('"C",44000,44010', ("C", 44000, 44010)), ('"C",44000,E1', ("C", 44000, None))],
    "VIOLATION_DAYS": [("44000,44100", (44000, 44100)), ("43800,44200,2020", (43800, 44200, 2020)),
                       ("44100,44000", (44100, 44000))],
    "CMP_EXPLAIN": [('"A",1,44000', ("A", 1, 44000))],
    "CMP_EXPLAIN_ROWS": [('"B",10', ("B", 10)), ('"E",10', ("E", 10))],
    "CRIMINAL_FINE": [('"knowingly"', ("knowingly",)), ('"nonsense"', ("nonsense",))],
    "CRIMINAL_YEARS": [('"intent to sell"', ("intent to sell",))],
    "TIME_BARRED": [("40000", (40000,)), ("45000,45100", (45000, 45100))],
    "DEADLINE": [('"breach-individuals",46023', ("breach-individuals", 46023)),
                 ('"board-appeal",46058,TRUE', ("board-appeal", 46058, True)),
                 ('"breach-media",46023,500', ("breach-media", 46023, 500)),
                 ('"access",E1', ("access", None)), ('"hearing-request",46024,E1', ("hearing-request", 46024, None))],
    "DEADLINE_EXPLAIN": [('"hearing-request",46024', ("hearing-request", 46024))],
    "DEADLINE_RULES": [("", ())],
    "OCR_OUTCOMES": [('"164.524"', ("164.524",)), ('"164.524","count",2019,"hospital"', ("164.524", "count", 2019,
                                                                                        "hospital")),
                     ('"Security","q3 today"', ("Security", "q3 today")), ('"164.999"', ("164.999",)),
                     ('"x"', ("x",))],
    "OCR_OUTCOMES_LIST": [('"164.524",2019', ("164.524", 2019)), ('"164.524",E1,"dental"', ("164.524", None, "dental"))],
}


def _cell_value(result: Any) -> Any:
    """How a plain result shows in a cell: top-left of a grid, the bare code of an error text."""
    while isinstance(result, list):
        result = result[0]
    if isinstance(result, str) and result.startswith("#"):
        return result.split(" ", 1)[0].rstrip(":,")
    return result


def test_every_exported_function_has_a_parity_case() -> None:
    assert set(udfs.__all__) - {"SCHEDULE_SOURCE"} <= set(CALLS)


def test_functions_give_the_plain_python_results(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    cases = [(name, text, args) for name, calls in CALLS.items() if name in udfs.__all__ for text, args in calls]
    for i, (name, text, _) in enumerate(cases, start=1):
        ws.cell(i, 1).value = f"={name}({text})"
        ws.cell(i, 2).value = f"=_xlfn.IFERROR({name}({text}),\"err\")"
    path = tmp_path / "udfs.xlsx"
    wb.save(path)
    report = recalc_file(path, as_of=AS_OF)
    assert report.ok, report.problems
    out = openpyxl.load_workbook(path, data_only=True).active
    with clock.override_today(AS_OF):
        for i, (name, text, args) in enumerate(cases, start=1):
            expected = _cell_value(getattr(udfs, name)(*args))
            got = out.cell(i, 1).value
            if isinstance(expected, float):
                assert got == pytest.approx(expected), (name, text)
            else:
                assert got == expected, (name, text)
            is_error = isinstance(expected, str) and expected.startswith("#")
            assert out.cell(i, 2).value == ("err" if is_error else got), (name, text)
