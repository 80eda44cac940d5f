"""What refresh reads from a user's workbook: the Incidents rows, the Settings and the Chosen cells.

Incidents columns are found by their header text, so a user may reorder them or add columns of their
own. A cell that cannot be read as its column's kind makes its row invalid, with the sheet, row and
reason; the other rows go on. Two readers share these rules: ``read_inputs`` reads the
package (openpyxl, for ``hipaa-xl refresh``) and ``inputs_from_values`` takes the cell values an open
workbook gives through Excel's object model (the Refresh button and xlwings Lite's script).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hipaa_xl.engine import Incident
from hipaa_xl.engine.matter_deadlines import MatterEvent, event_kind
from hipaa_xl.errors import HipaaInputError, InvalidValue, WorkbookError
from hipaa_xl.excel import cells
from hipaa_xl.ooxml.a1 import cell_address, split_sheet_ref
from hipaa_xl.workbook import columns
from hipaa_xl.workbook.sheets.factors.table import FactorsTable, read_factors

if TYPE_CHECKING:  # the package reader needs lxml and openpyxl; the object-model reader neither
    from hipaa_xl.ooxml.package import Package

_HEADER_SEARCH_ROWS = 30


@dataclass
class IncidentRow:
    """One Incidents row: where it is, its parsed incident or the reason it is invalid."""

    row: int
    incident: Incident | None
    reason: str = ""
    raw_id: str = ""
    raw: dict[str, Any] = field(default_factory=dict)
    """The cells as read, so that an invalid row can still be placed in its Summary groups."""


@dataclass
class MatterRow:
    """One Matter row: where it is, its parsed event or the reason it cannot be read."""

    row: int
    event: MatterEvent | None
    reason: str = ""


@dataclass
class MatterTable:
    """The Matter sheet's events table, found by its headers."""

    header_row: int
    columns: dict[str, int]
    """Field name -> 1-based column on Matter."""
    rows: list[MatterRow]


@dataclass
class Inputs:
    """Everything refresh reads before it lays out Exposure and Summary."""

    header_row: int
    columns: dict[str, int]
    """Engine field name -> 1-based column on Incidents."""
    rows: list[IncidentRow]
    schedule: str
    as_of_cell: tuple[str, int, int]
    as_of_formula: str | None
    as_of_value: dt.date | None
    matter: dict[str, str] = field(default_factory=dict)
    chosen: dict[tuple[str, str, int], Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    matter_table: MatterTable | None = None
    """None when the workbook has no Matter sheet (made before the Matter sheet existed)."""
    commenced: dt.date | None = None
    """Settings' "Action commenced on" (160.414); None when blank or absent (then the as-of date)."""
    has_commenced: bool = False
    """Whether the workbook has the ``Commenced`` name (workbooks made before it have not)."""
    commenced_error: str = ""
    """Why the "Action commenced on" cell could not be read as a date ("" when it could)."""
    general_forms: dict[str, str] = field(default_factory=dict)
    """Requirements sheet: requirement -> its more general form (160.404(b)(3), a suggestion)."""
    factors: FactorsTable | None = None
    """The Factors sheet's 160.408 factors; None when the workbook has no Factors sheet."""


def _norm(text: object) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().casefold()


def split_ref(text: str) -> tuple[str, int, int]:
    """``Settings!$B$5`` -> ("Settings", 5, 2)."""
    try:
        return split_sheet_ref(text)
    except ValueError:
        raise WorkbookError(f"defined name points to {text!r}, not a cell") from None


_to_date = cells.parse_date
"""A date cell, read as the Excel functions read a date argument (one date validator)."""


def _to_count(value: Any) -> int | None:
    """Violations: blank is None (a continuing violation, one a day); typed text such as "1,200"
    is read as a number; then validated as the Excel functions validate a count."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = float(text.replace(",", ""))
        except ValueError:
            raise InvalidValue(f"Violations must be a number (got {cells.shown(text)})") from None
    return cells.count_from_cell(value, "Violations")


def _criminal(value: Any) -> tuple[bool, bool]:
    """The criminal column: (penalty imposed, offense punishable only).

    Yes/No as any yes/no cell (160.410(a)(2); 1320d-5(b)(1)), or "Punishable": an offense punishable
    under 1320d-6 for which no penalty has been imposed, which barred a CMP assessed before 2011-02-18
    (160.410(a)(1)).
    """
    if isinstance(value, str) and _norm(value) == columns.PUNISHABLE.casefold():
        return False, True
    return cells.parse_bool(value, "Criminal penalty imposed"), False


def parse_incident(values: dict[str, Any], row: int) -> IncidentRow:
    """One Incidents row as an engine ``Incident``, or the reason it cannot be one."""
    raw_id = cells.cell_text(values.get("id"))
    try:
        if not raw_id:
            raise HipaaInputError("ID is required")
        tier_value = values.get("tier")
        imposed, punishable = _criminal(values.get("criminal_penalty_imposed"))
        data: dict[str, Any] = {
            "id": raw_id,
            "entity": cells.cell_text(values.get("entity")),
            "requirement": cells.cell_text(values.get("requirement")),
            "description": cells.cell_text(values.get("description")),
            "culpability": cells.cell_text(values.get("culpability")) or None,
            "tier": (cells.cell_text(tier_value) or None) if tier_value is not None else None,
            "start": _to_date(values.get("start"), "Start"),
            "end": _to_date(values.get("end"), "End"),
            "violations": _to_count(values.get("violations")),
            "known": _to_date(values.get("known"), "Known"),
            "corrected": _to_date(values.get("corrected"), "Corrected"),
            "cure_period_ends": _to_date(values.get("cure_period_ends"), "Cure period ends"),
            "affiliated_covered_entity": cells.cell_text(values.get("affiliated_covered_entity")) or None,
            "duplicate_of": cells.cell_text(values.get("duplicate_of")) or None,
            "federal_action_pending": cells.parse_bool(values.get("federal_action_pending"), "Federal action pending"),
            "criminal_penalty_imposed": imposed,
            "criminal_offense_punishable": punishable,
            "factors": cells.cell_text(values.get("factors")),
            "commenced": _to_date(values.get("commenced"), "Action commenced on"),
            "row": row,
        }
        return IncidentRow(row, Incident(**data), raw_id=raw_id, raw=values)
    except HipaaInputError as exc:
        return IncidentRow(row, None, exc.message, raw_id, values)
    except cells.CellError as exc:
        return IncidentRow(row, None, f"a cell holds the error {exc.text}", raw_id, values)
    except ValueError as exc:  # pydantic
        return IncidentRow(row, None, str(exc).splitlines()[0], raw_id, values)


def _matter_count(value: Any, what: str) -> int | None:
    """A whole number of 0 or more (typed text with thousands separators too); blank is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        try:
            value = float(value.replace(",", ""))
        except ValueError:
            raise HipaaInputError(f"{what} must be a number (got {cells.shown(value)})") from None
    return cells.count_from_cell(value, what)


def parse_matter_row(values: dict[str, Any], row: int) -> MatterRow:
    """One Matter row as a ``MatterEvent``, or the reason it cannot be one."""
    label = cells.cell_text(values.get("event"))
    try:
        kind = event_kind(label)
        if kind is None:
            raise HipaaInputError(f"Event {cells.shown(label)} is not one of the listed events" if label
                                  else "Event is required")
        day = _to_date(values.get("date"), "Date")
        if day is None:
            raise HipaaInputError("Date is required")
        event = MatterEvent(
            row=row, id=cells.cell_text(values.get("id")), kind=kind, date=day,
            count=_matter_count(values.get("count"), "Count"),
            state=cells.cell_text(values.get("state")),
            other_date=_to_date(values.get("other_date"), "Other date"),
            by_mail=cells.parse_bool(values.get("by_mail"), "By mail"),
            delay_days=_matter_count(values.get("delay_days"), "Delay days"),
            done=_to_date(values.get("done"), "Done"),
            notes=cells.cell_text(values.get("notes")),
        )
        return MatterRow(row, event)
    except HipaaInputError as exc:
        return MatterRow(row, None, exc.message)
    except cells.CellError as exc:
        return MatterRow(row, None, f"a cell holds the error {exc.text}")


def _read_matter(rows_iter: Iterable[Sequence[Any]]) -> MatterTable | None:
    all_rows = list(rows_iter)
    wanted = {_norm(c.header): c.field for c in columns.MATTER_COLUMNS}
    for r_index, row in enumerate(all_rows[:_HEADER_SEARCH_ROWS], 1):
        found: dict[str, int] = {}
        for i, v in enumerate(row, start=1):
            f = wanted.get(_norm(v))
            if f is not None and f not in found:  # the first "Event" (the legend's header differs)
                found[f] = i
        if "event" in found and "date" in found:
            rows: list[MatterRow] = []
            for r, values_row in enumerate(all_rows[r_index:], start=r_index + 1):
                values = {f: values_row[c - 1] if c - 1 < len(values_row) else None for f, c in found.items()}
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
                    continue
                rows.append(parse_matter_row(values, r))
            return MatterTable(r_index, found, rows)
    raise WorkbookError("Matter: no header row with Event and Date in the first 30 rows")


def read_inputs(data: bytes, pkg: Package) -> Inputs:
    """Read Incidents, Settings and the old Summary's Chosen cells from the workbook bytes."""
    from openpyxl import load_workbook

    from hipaa_xl.ooxml.opc import defined_names, sheets

    names = {k[0]: v for k, v in defined_names(pkg).items() if k[1] is None}
    sheet_names = [s.name for s in sheets(pkg)]
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    try:
        _check_sheets_and_names(sheet_names, names)

        def rows_of(sheet: str, max_col: int | None = None) -> Iterable[Sequence[Any]]:
            ws = wb[sheet]
            if sheet == columns.INCIDENTS_SHEET:
                ws.reset_dimensions()  # read every row present, not only those a stale <dimension> admits
            rows: Iterable[Sequence[Any]] = ws.iter_rows(values_only=True, max_col=max_col)
            return rows

        def cell_at(sheet: str, r: int, c: int) -> Any:
            return wb[sheet].cell(row=r, column=c).value if sheet in wb.sheetnames else None

        inputs = inputs_from_values(rows_of, cell_at, sheet_names, names)
    finally:
        wb.close()
    inputs.as_of_formula = _cell_formula(pkg, inputs.as_of_cell)
    inputs.warnings = _below_the_table(pkg, inputs.rows)
    return inputs


def _check_sheets_and_names(sheet_names: Sequence[str], names: dict[str, str]) -> None:
    folded = {n.casefold() for n in names}
    for required in (columns.INCIDENTS_SHEET, columns.SETTINGS_SHEET):
        if required not in sheet_names:
            raise WorkbookError(f"the workbook has no {required!r} sheet (run 'hipaa-xl new' to see the layout)")
    for required in (columns.NAME_SCHEDULE, columns.NAME_AS_OF):
        if required.casefold() not in folded:
            raise WorkbookError(f"the workbook has no defined name {required!r} (Settings)")


RowsOf = Callable[[str, "int | None"], Iterable[Sequence[Any]]]
"""The rows of values of a sheet from row 1 (at most ``max_col`` columns when given)."""
CellAt = Callable[[str, int, int], Any]
"""The value of one cell: sheet, row, column (1-based)."""


def inputs_from_values(rows_of: RowsOf, cell_at: CellAt, sheet_names: Sequence[str], names: dict[str, str],
                       as_of_formula: str | None = None) -> Inputs:
    """Incidents, Settings and Chosen from cell values; ``names`` maps each workbook-level defined name to
    what it refers to (``Settings!$B$5``); ``as_of_formula`` is the formula in the AsOf cell, if any."""
    _check_sheets_and_names(sheet_names, names)
    folded = {k.casefold(): v for k, v in names.items()}
    header_row, found_columns = _find_header(rows_of(columns.INCIDENTS_SHEET, None))
    rows: list[IncidentRow] = []
    width = max(found_columns.values())
    for r_index, row in enumerate(rows_of(columns.INCIDENTS_SHEET, width), start=1):
        if r_index <= header_row:
            continue
        values = {f: row[c - 1] if c - 1 < len(row) else None for f, c in found_columns.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
            continue
        rows.append(parse_incident(values, r_index))

    def cell_value(name: str) -> tuple[tuple[str, int, int], Any]:
        sheet, r, c = split_ref(folded[name.casefold()].lstrip("="))
        return (sheet, r, c), cell_at(sheet, r, c) if sheet in sheet_names else None

    _, schedule = cell_value(columns.NAME_SCHEDULE)
    as_of_cell, as_of_value = cell_value(columns.NAME_AS_OF)
    matter = {}
    for key, name in (("matter_name", columns.NAME_MATTER), ("client", columns.NAME_CLIENT),
                      ("matter_number", columns.NAME_MATTER_NUMBER), ("prepared_by", columns.NAME_PREPARED_BY)):
        if name.casefold() in folded:
            try:
                matter[key] = cells.cell_text(cell_value(name)[1])
            except WorkbookError:
                matter[key] = ""
    chosen = _read_chosen(rows_of(columns.SUMMARY_SHEET, None)) if columns.SUMMARY_SHEET in sheet_names else {}
    has_commenced = columns.NAME_COMMENCED.casefold() in folded
    commenced_value = cell_value(columns.NAME_COMMENCED)[1] if has_commenced else None
    general_forms = (_read_general_forms(rows_of(columns.REQUIREMENTS_SHEET, None))
                     if columns.REQUIREMENTS_SHEET in sheet_names else {})
    matter_table = _read_matter(rows_of(columns.MATTER_SHEET, None)) if columns.MATTER_SHEET in sheet_names else None
    factors = read_factors(rows_of(columns.FACTORS_SHEET, None)) if columns.FACTORS_SHEET in sheet_names else None
    as_of_date = None
    try:
        as_of_date = _to_date(as_of_value, "as-of date")
    except (HipaaInputError, cells.CellError):
        as_of_date = None
    commenced, commenced_error = None, ""
    try:
        commenced = _to_date(commenced_value, "Action commenced on")
    except HipaaInputError as exc:
        commenced_error = exc.message
    except cells.CellError as exc:
        commenced_error = f"Action commenced on holds the error {exc.text}"
    return Inputs(
        header_row=header_row,
        columns=found_columns,
        rows=rows,
        schedule=cells.cell_text(schedule) or columns.DEFAULT_WORKBOOK_SCHEDULE,
        as_of_cell=as_of_cell,
        as_of_formula=as_of_formula,
        as_of_value=as_of_date,
        matter=matter,
        chosen=chosen,
        matter_table=matter_table,
        commenced=commenced,
        has_commenced=has_commenced,
        commenced_error=commenced_error,
        general_forms=general_forms,
        factors=factors,
    )


def _below_the_table(pkg: Package, rows: list[IncidentRow]) -> list[str]:
    """A warning for incidents typed below the Excel table ``Incidents`` (they are priced all the same).

    Excel grows a table when a row is typed right below it, but not when it is pasted further down or
    written by another program; such a row is outside the table's filters, sorting and totals.
    """
    bounds = _table_rows(pkg)
    if bounds is None:
        return []
    below = [ir.row for ir in rows if ir.row > bounds[1]]
    if not below:
        return []
    shown = ", ".join(str(r) for r in below[:5]) + (f" and {len(below) - 5} more" if len(below) > 5 else "")
    return [f"{columns.INCIDENTS_SHEET}!row(s) {shown} lie below the table {columns.INCIDENTS_TABLE} "
            f"(rows {bounds[0]}-{bounds[1]}): "
            "priced, but extend the table in Excel so its filters and sorting include them"]


def _table_rows(pkg: Package) -> tuple[int, int] | None:
    """First and last row of the Incidents table, read from its table part."""
    from hipaa_xl.ooxml.opc import read_rels, resolve_target, sheets
    from hipaa_xl.ooxml.package import parse_xml

    entry = next((s for s in sheets(pkg) if s.name == columns.INCIDENTS_SHEET), None)
    if entry is None:
        return None
    for rel in read_rels(pkg, entry.part):
        target = resolve_target(entry.part, rel.target)
        if not rel.type.endswith("/table") or target not in pkg:
            continue
        root = parse_xml(pkg[target], target)
        if (root.get("displayName") or root.get("name") or "").casefold() != columns.INCIDENTS_TABLE.casefold():
            continue
        match = re.fullmatch(r"\$?[A-Z]+\$?(\d+):\$?[A-Z]+\$?(\d+)", (root.get("ref") or "").upper())
        if match:
            return int(match[1]), int(match[2])
    return None


def _read_general_forms(rows: Iterable[Sequence[Any]]) -> dict[str, str]:
    """Requirement -> its "More general form" on the Requirements sheet (found by header text)."""
    out: dict[str, str] = {}
    cols: tuple[int, int] | None = None
    for r_index, row in enumerate(rows, 1):
        if r_index > 5000:
            break
        if cols is None:
            normed = [_norm(v) for v in row]
            general = next((i for i, n in enumerate(normed) if n.startswith("more general form")), None)
            if "requirement" in normed and general is not None:
                cols = (normed.index("requirement"), general)
            continue
        req = cells.cell_text(row[cols[0]]) if cols[0] < len(row) else ""
        general_form = cells.cell_text(row[cols[1]]) if cols[1] < len(row) else ""
        if req and general_form:
            out[req] = general_form
    return out


def _find_header(rows: Iterable[Sequence[Any]]) -> tuple[int, dict[str, int]]:
    wanted = {_norm(c.header): c.field for c in columns.INCIDENT_COLUMNS}
    for r_index, row in enumerate(rows, 1):
        if r_index > _HEADER_SEARCH_ROWS:
            break
        found = {wanted[_norm(v)]: i for i, v in enumerate(row, start=1) if _norm(v) in wanted}
        if "id" in found and "entity" in found and "requirement" in found:
            missing = [c.header for c in columns.INCIDENT_COLUMNS if c.field not in found and c.field in
                       ("start", "end", "violations")]
            if missing:
                raise WorkbookError(f"Incidents: header row {r_index} lacks the column(s) {', '.join(missing)}")
            return r_index, found
    raise WorkbookError("Incidents: no header row with ID, Entity and Requirement in the first 30 rows")


def _read_chosen(rows: Iterable[Sequence[Any]]) -> dict[tuple[str, str, int], Any]:
    """The lawyer's Chosen amounts on the old Summary, by (entity key, requirement key, year)."""
    out: dict[tuple[str, str, int], Any] = {}
    cols: dict[str, int] | None = None
    for row in rows:
        if cols is None:
            normed = [_norm(v) for v in row]
            if "chosen" in normed and "entity" in normed and "year" in normed:
                cols = {n: i for i, n in enumerate(normed) if n}
            continue
        if not any(v is not None for v in row):
            break
        at = {k: row[i] for k, i in cols.items() if i < len(row)}
        year, chosen = at.get("year"), at.get("chosen")
        if chosen is None or not isinstance(year, int | float):
            continue
        out[(_norm(at.get("entity")), _norm(at.get("requirement")), int(year))] = chosen
    return out


def _cell_formula(pkg: Package, where: tuple[str, int, int]) -> str | None:
    """The formula in a cell, read from the sheet XML (openpyxl's data_only view hides it)."""
    from hipaa_xl.ooxml.opc import NS_MAIN, sheets
    from hipaa_xl.ooxml.package import parse_xml

    sheet, r, c = where
    entry = next((s for s in sheets(pkg) if s.name == sheet), None)
    if entry is None or entry.part not in pkg:
        return None
    target = cell_address(r, c)
    root = parse_xml(pkg[entry.part])
    for cell in root.iter(f"{{{NS_MAIN}}}c"):
        if cell.get("r") == target:
            f = cell.find(f"{{{NS_MAIN}}}f")
            return None if f is None else (f.text or "")
    return None
