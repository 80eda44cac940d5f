"""A new matter from an old one (``hipaa-xl new NEW --from OLD``) and a matter emptied in place
(``hipaa-xl clear BOOK``): the firm's own parts carried over, nothing of the old matter's data.

The firm's parts are Settings' privilege legend and preparer, the Requirements catalogue with the
firm's edits and, when asked, the Scenarios' names and descriptions. Everything else (incidents,
Matter events, factors, chosen points, scenario probabilities and changes, notes, the client and
matter names, document properties, hidden sheets, comments, a user's own sheets) belongs to the old
matter. So the new workbook is not the old one with parts deleted: it is a fresh template built from
the firm's parts alone, then refreshed like ``new``; nothing the code does not carry over can
survive (decisions: "A new matter is built from the firm's parts, never cleaned out of an old one").
``clear`` writes that fresh workbook over the old one with the workbook writer's guarantees (lock,
temporary file and one rename, ``.bak``, a save made meanwhile kept); anything more it carries over
comes from its caller (``hipaa-xl clear`` keeps an xlwings Lite binding, rebound with this
hipaa-xl's runtime, with the Lite package's ``keep_binding``).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hipaa_xl.errors import WorkbookError
from hipaa_xl.excel import cells
from hipaa_xl.ooxml.admission import check_workbook_path, read_checked_bytes
from hipaa_xl.ooxml.editing import editing
from hipaa_xl.ooxml.opc import defined_names, sheets
from hipaa_xl.ooxml.package import Package, package_from_bytes, write_package_atomic
from hipaa_xl.workbook import columns
from hipaa_xl.workbook.inputs import split_ref
from hipaa_xl.workbook.refresh import RefreshReport, build_refreshed
from hipaa_xl.workbook.sheets.scenarios.tables import read_scenarios
from hipaa_xl.workbook.template import build_static_workbook

_REQUIREMENT_KEYS = {"requirement": "requirement", "rule": "rule", "title": "title", "citation": "citation"}


@dataclass
class FirmParts:
    """What a new matter keeps of a previous one: the firm's own parts, no matter data."""

    legend: str | None = None
    prepared_by: str = ""
    requirements: list[dict[str, Any]] | None = None
    """The Requirements catalogue rows (the shipped columns), None when the workbook has none."""
    scenarios: list[dict[str, Any]] = field(default_factory=list)
    """Scenario names and descriptions only (no probability, schedule, date or change)."""


def read_firm_parts(data: bytes, keep_scenarios: bool = False) -> FirmParts:
    """The firm's parts of a hipaa-xl workbook; :class:`WorkbookError` when it is not one."""
    from openpyxl import load_workbook

    pkg = package_from_bytes(data)
    names = {k[0].casefold(): v for k, v in defined_names(pkg).items() if k[1] is None}
    sheet_names = [s.name for s in sheets(pkg)]
    if columns.SETTINGS_SHEET not in sheet_names or columns.INCIDENTS_SHEET not in sheet_names:
        raise WorkbookError("not a hipaa-xl workbook (no Settings and Incidents sheets)")
    out = FirmParts()
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    try:
        def named(name: str) -> Any:
            text = names.get(name.casefold())
            if not text:
                return None
            try:
                sheet, r, c = split_ref(text.lstrip("="))
            except WorkbookError:
                return None
            return wb[sheet].cell(row=r, column=c).value if sheet in wb.sheetnames else None

        legend = cells.cell_text(named(columns.NAME_PRIVILEGE_LEGEND))
        out.legend = legend or None
        out.prepared_by = cells.cell_text(named(columns.NAME_PREPARED_BY))
        if columns.REQUIREMENTS_SHEET in wb.sheetnames:
            out.requirements = _catalogue(wb[columns.REQUIREMENTS_SHEET].iter_rows(values_only=True))
    finally:
        wb.close()
    if keep_scenarios:
        tables = read_scenarios(data, pkg)
        for s in tables.scenarios if tables is not None else []:
            name = cells.cell_text(s.name)
            if name:
                out.scenarios.append({"name": name, "description": cells.cell_text(s.description),
                                      "probability": None, "schedule": None, "as_of": None})
    return out


def _catalogue(rows: Any) -> list[dict[str, Any]] | None:
    """The Requirements table's rows as the template's catalogue entries (found by header text)."""
    cols: dict[str, int] | None = None
    out: list[dict[str, Any]] = []
    for row in rows:
        texts = [cells.cell_text(v) for v in row]
        if cols is None:
            folded = [t.casefold() for t in texts]
            if "requirement" in folded:
                cols = {key: folded.index(h) for h, key in _REQUIREMENT_KEYS.items() if h in folded}
                general = next((i for i, t in enumerate(folded) if t.startswith("more general form")), None)
                if general is not None:
                    cols["more_general"] = general
            continue
        if not texts or not any(texts):
            continue
        entry = {key: (texts[i] if i < len(texts) else "") for key, i in cols.items()}
        if entry.get("requirement"):
            out.append({k: entry.get(k, "") for k in ("requirement", "rule", "title", "citation", "more_general")})
    return out if cols is not None and out else None


def fresh_from(parts: FirmParts, as_of: dt.date | None = None) -> tuple[bytes, RefreshReport]:
    """A fresh template carrying ``parts`` and nothing else, refreshed (as ``new`` writes it)."""
    from hipaa_xl.workbook.new import NEW_STAMP, _deterministic

    static = build_static_workbook(
        as_of=None, matter={"prepared_by": parts.prepared_by},
        scenarios={"scenarios": parts.scenarios, "scenario_changes": []} if parts.scenarios else None,
        requirements=parts.requirements, legend=parts.legend,
    )
    out, report = build_refreshed(_deterministic(static), as_of, stamp_time=NEW_STAMP)
    return _deterministic(out), report


def new_from(path: Path, previous: Path, keep_scenarios: bool = False, force: bool = False,
             as_of: dt.date | None = None) -> RefreshReport:
    """``hipaa-xl new PATH --from PREVIOUS``: a new matter with the previous one's firm parts only."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise WorkbookError(f"{path.name}: the new matter is written as .xlsx (or .xlsm)")
    if path.exists() and path.resolve() == previous.resolve():
        raise WorkbookError(f"{path.name}: the new matter must not be the previous workbook (use hipaa-xl clear)")
    if path.exists() and not force:
        raise WorkbookError(f"{path}: already exists (use --force to replace it)")
    if not path.parent.exists():
        raise WorkbookError(f"{path.parent}: no such folder")
    data = read_checked_bytes(previous, for_writing=False)
    try:
        parts = read_firm_parts(data, keep_scenarios)
    except WorkbookError as exc:
        raise WorkbookError(exc.message, previous) from None
    except Exception as exc:  # an unreadable workbook: one line (decisions 17)
        raise WorkbookError(f"{previous.name}: cannot be read ({type(exc).__name__}: {exc})") from None
    if path.exists():
        check_workbook_path(path, for_writing=True)
    out, report = fresh_from(parts, as_of)
    write_package_atomic(path, package_from_bytes(out), backup=path.exists())
    return report


def clear_file(path: Path, keep_scenarios: bool = False, as_of: dt.date | None = None,
               backup: bool = True, *, carry: Callable[[Package, Package], object] | None = None) -> RefreshReport:
    """``hipaa-xl clear BOOK``: the matter's data emptied in place (the firm's parts kept), with ``.bak``.

    ``carry`` is given the old package and the cleared one before the write (``hipaa-xl clear`` binds
    the cleared one to xlwings Lite when the old one was); an error it raises leaves the file untouched.
    """
    with editing(path) as edit:
        try:
            parts = read_firm_parts(edit.data, keep_scenarios)
            out, report = fresh_from(parts, as_of)
            pkg = package_from_bytes(out)
            if carry is not None:
                carry(package_from_bytes(edit.data), pkg)
        except WorkbookError as exc:
            raise WorkbookError(exc.message, path) from None
        except Exception as exc:  # no traceback for a workbook we cannot read (decisions 17); file untouched
            raise WorkbookError(f"cannot be cleared ({type(exc).__name__}: {exc})", path) from None
        report.warnings[:0] = edit.notes()
        edit.write(pkg, backup=backup, label="cleared")
    return report
