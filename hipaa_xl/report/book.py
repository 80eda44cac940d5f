"""The refreshed values of an exposure workbook, read for the memo and the share copy.

Every figure the memo prints is a cached value of the workbook (what Excel shows), read here once.
Whether they can be relied on is decided by the one check of the codebase,
:func:`hipaa_xl.workbook.verify.currency_problem`, which the commands call before using them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook

from hipaa_xl.engine import Aggregation
from hipaa_xl.engine.incidents import Incident, group_key
from hipaa_xl.errors import WorkbookError
from hipaa_xl.law.factors import MarkedFactor
from hipaa_xl.ooxml.opc import defined_names, read_rels, resolve_target, sheets
from hipaa_xl.ooxml.package import Package, package_from_bytes, parse_xml
from hipaa_xl.workbook import columns
from hipaa_xl.workbook.inputs import IncidentRow, Inputs, read_inputs
from hipaa_xl.workbook.verify import (
    FIGURE_KEYS,
    ScheduleLine,
    SummaryLayoutError,
    SummaryLine,
    SummaryValues,
    expected_figures,
    parse_summary,
)
from hipaa_xl.workbook.verify import text as _text

__all__ = ["FIGURE_KEYS", "BookError", "BookFigures", "ExtraTable", "ScheduleLine", "SummaryLine", "read_book"]
DEFAULT_LEGEND = columns.MEMO_LEGEND


@dataclass(frozen=True)
class ExtraTable:
    """An Excel table the memo shows when the workbook has it (e.g. Scenarios, Deadlines)."""

    name: str
    sheet: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass
class BookFigures:
    """What the memo and the share copy read from one workbook."""

    file_name: str
    sha256: str
    schedule: str
    as_of: dt.date | None
    table_source: str
    matter: dict[str, str]
    legend: str
    status: str
    stamp: str
    groups: list[SummaryLine]
    entity_totals: list[SummaryLine]
    grand_total: SummaryLine | None
    comparison: list[ScheduleLine]
    rows: list[IncidentRow]
    requirements: dict[str, dict[str, str]]
    """Requirement key -> its Requirements row (rule, title, citation, more general form)."""
    extra_tables: dict[str, ExtraTable] = field(default_factory=dict)
    aggregation: Aggregation | None = None
    """The engine's aggregation of the same Incidents at the same schedule and as-of date."""
    summary: SummaryValues | None = None
    """The Summary as read (for the one check, :func:`hipaa_xl.workbook.verify.currency_problem`)."""
    inputs: Inputs | None = None
    commenced: dt.date | None = None
    """Settings' "Action commenced on" (160.414, 160.420): the day the limitation runs to; None: as_of."""
    factors: list[MarkedFactor] = field(default_factory=list)
    """The 160.408 factors marked on the Factors sheet (rows that could be read)."""

    @property
    def incidents(self) -> list[Incident]:
        """The Incidents rows that could be read, in sheet order."""
        return [r.incident for r in self.rows if r.incident is not None]


class BookError(WorkbookError):
    """A workbook the memo cannot be made from at all (no Summary laid out by hipaa-xl)."""


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def read_book(data: bytes, file_name: str = "workbook.xlsx", extra_tables: tuple[str, ...] = (),
              summary_blocks: tuple[str, ...] = ()) -> BookFigures:
    """The cached values of ``data``'s Settings, Summary and Incidents, and the engine's aggregation.

    ``extra_tables`` names Excel tables and ``summary_blocks`` the titles (their first words) of blocks
    on the Summary to read as well, when the workbook has them (``BookFigures.extra_tables``). Raises
    :class:`BookError` for a workbook without a Summary laid out by hipaa-xl.
    """
    pkg = package_from_bytes(data)
    try:
        inputs = read_inputs(data, pkg)
    except WorkbookError as exc:
        raise BookError(str(exc)) from None
    names = {k[0].casefold(): v for k, v in defined_names(pkg).items() if k[1] is None}
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    try:
        if columns.SUMMARY_SHEET not in wb.sheetnames:
            raise BookError("the workbook has no Summary sheet")
        grid = [tuple(row) for row in wb[columns.SUMMARY_SHEET].iter_rows(values_only=True)]
        legend = _named_value(wb, names, columns.NAME_PRIVILEGE_LEGEND)
        requirements = _requirements(wb)
        tables = {name: t for name in extra_tables if (t := _table(wb, pkg, name)) is not None}
    finally:
        wb.close()
    for title in summary_blocks:
        block = _summary_block(grid, title)
        if block is not None:
            tables[title] = block
    try:
        summary = parse_summary(grid)
    except SummaryLayoutError as exc:
        raise BookError(str(exc)) from None
    as_of = _date(summary.header["as_of"]) or inputs.as_of_value
    figures = BookFigures(
        file_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        schedule=_text(summary.header["schedule"]) or inputs.schedule,
        as_of=as_of,
        table_source=_text(summary.header["table_source"]),
        matter=inputs.matter,
        legend=_text(legend) or DEFAULT_LEGEND,
        status=_text(summary.header["status"]),
        stamp=summary.stamp,
        groups=summary.groups,
        entity_totals=summary.entity_totals,
        grand_total=summary.grand_total,
        comparison=summary.comparison,
        rows=inputs.rows,
        requirements=requirements,
        extra_tables=tables,
        summary=summary,
        inputs=inputs,
        commenced=inputs.commenced,
        factors=inputs.factors.marked if inputs.factors is not None else [],
    )
    if as_of is not None:
        try:
            figures.aggregation = expected_figures(inputs, inputs.schedule, as_of).aggregation
        except ValueError:
            figures.aggregation = None
    return figures


def _named_value(wb: Any, names: dict[str, str], name: str) -> Any:
    text = names.get(name.casefold())
    if not text or "!" not in text:
        return None
    try:
        from hipaa_xl.workbook.inputs import split_ref

        sheet, row, col = split_ref(text)
    except (WorkbookError, ValueError):
        return None
    if sheet not in wb.sheetnames:
        return None
    return wb[sheet].cell(row=row, column=col).value


def _summary_block(grid: list[tuple[Any, ...]], title: str) -> ExtraTable | None:
    """A block on the Summary: the row whose first cell starts with ``title``, then the first row with
    two or more texts (its header), then the rows up to the first blank one; empty columns dropped."""
    start = next((r for r, row in enumerate(grid) if row and _text(row[0]).startswith(title)), None)
    if start is None:
        return None
    r = start + 1
    while r < len(grid) and sum(1 for v in grid[r] if isinstance(v, str) and v.strip()) < 2:
        r += 1
    if r >= len(grid):
        return None
    header = grid[r]
    body: list[tuple[Any, ...]] = []
    r += 1
    while r < len(grid) and any(v is not None and _text(v) for v in grid[r]):
        body.append(grid[r])
        r += 1
    # the block ends at its header's last column: cells further right on the same rows (the hidden
    # columns where refresh keeps what the scenario figures were computed from) are not part of it
    width = 1 + max(c for c, v in enumerate(header) if v is not None)
    keep = [c for c in range(width)
            if header[c] is not None or any(c < len(b) and b[c] is not None for b in body)]
    return ExtraTable(
        _text(grid[start][0]), columns.SUMMARY_SHEET,
        tuple(_text(header[c]) if c < len(header) else "" for c in keep),
        tuple(tuple(b[c] if c < len(b) else None for c in keep) for b in body),
    )


def _requirements(wb: Any) -> dict[str, dict[str, str]]:
    if columns.REQUIREMENTS_SHEET not in wb.sheetnames:
        return {}
    out: dict[str, dict[str, str]] = {}
    keys: list[str] | None = None
    for row in wb[columns.REQUIREMENTS_SHEET].iter_rows(values_only=True):
        texts = [_text(v) for v in row]
        if keys is None:
            if texts and texts[0] == "Requirement":
                keys = [t.casefold() for t in texts]
            continue
        if not texts or not texts[0]:
            continue
        entry = {k: texts[i] for i, k in enumerate(keys) if i < len(texts) and k}
        out[group_key(texts[0])] = entry
    return out


def _table(wb: Any, pkg: Package, name: str) -> ExtraTable | None:
    """An Excel table's cached values by its name, or None when the workbook has no such table."""
    from openpyxl.utils.cell import range_boundaries

    for entry in sheets(pkg):
        for rel in read_rels(pkg, entry.part):
            if not rel.type.endswith("/table") or rel.external:
                continue
            part = resolve_target(entry.part, rel.target)
            if part not in pkg:
                continue
            root = parse_xml(pkg[part])
            if (root.get("displayName") or root.get("name") or "").casefold() != name.casefold():
                continue
            lo_col, lo_row, hi_col, hi_row = range_boundaries(root.get("ref", "A1:A1"))
            values = [tuple(row) for row in wb[entry.name].iter_rows(
                min_row=lo_row, max_row=hi_row, min_col=lo_col, max_col=hi_col, values_only=True)]
            if not values:
                return None
            return ExtraTable(root.get("displayName") or name, entry.name, tuple(_text(v) for v in values[0]),
                              tuple(values[1:]))
    return None
