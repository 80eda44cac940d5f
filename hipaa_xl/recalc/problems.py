"""Every cell a recalculation could not evaluate, as a machine-readable file (JSON or CSV).

One record per reported cell: ``sheet``, ``cell``, ``kind`` (see
:class:`~hipaa_xl.recalc.evaluator.CellProblem`), ``detail`` and ``depends_on`` (for a "dependent",
the reported cell it needed, ``Sheet!A1``; empty otherwise). The CLI prints the first 20; CI tools
read the whole list from this file (``hipaa-xl recalc --problems FILE``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from hipaa_xl.recalc.evaluator import CellProblem

FIELDS: Final = ("sheet", "cell", "kind", "detail", "depends_on")
FORMATS: Final = {".json": "json", ".csv": "csv"}
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def problems_format(path: Path) -> str | None:
    """``json`` or ``csv`` by the file's extension; None for any other."""
    return FORMATS.get(path.suffix.lower())


def problems_bytes(problems: Sequence[CellProblem], fmt: str) -> bytes:
    """The problems as UTF-8 JSON (a list of objects) or CSV (a header row, then one row each).

    In CSV a field that starts like a formula (``=``, ``+``, ``-``, ``@``) gets a leading ``'`` so a
    spreadsheet opening the file shows it as text and never runs it.
    """
    records = [{"sheet": p.sheet, "cell": p.cell, "kind": p.kind, "detail": p.detail, "depends_on": p.depends_on}
               for p in problems]
    if fmt == "json":
        return (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if fmt != "csv":
        raise ValueError(f"unknown problems format {fmt!r}")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "'" + v if v.startswith(_FORMULA_START) else v for k, v in record.items()})
    return out.getvalue().encode("utf-8")
