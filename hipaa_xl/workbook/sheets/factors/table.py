"""Reads the Factors sheet into typed records: the 45 CFR 160.408 factors a lawyer marked.

The table is found by its headers (Factor and Effect in the first 30 rows), so columns may be moved.
A row is keyed by an incident (Incident ID) or by a group (Entity and Requirement, and a Year or every
year). A row that cannot be read keeps its row number and the reason, in plain words; refresh lists it
as invalid and the memo leaves it out. Workbooks made before the sheet existed have none: the old
free-text Factors column of Incidents is still read and shown (``Incident.factors``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hipaa_xl.engine.incidents import group_key, id_key
from hipaa_xl.errors import HipaaInputError, shown
from hipaa_xl.excel import cells
from hipaa_xl.law.factors import MarkedFactor, parse_effect, parse_factor
from hipaa_xl.workbook import columns

_HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class FactorRow:
    """One Factors row: its marked factor, or the reason it cannot be read."""

    row: int
    factor: MarkedFactor | None
    reason: str = ""


@dataclass
class FactorsTable:
    """The Factors sheet's rows (only those with something typed in them)."""

    header_row: int
    rows: list[FactorRow] = field(default_factory=list)

    @property
    def marked(self) -> list[MarkedFactor]:
        return [r.factor for r in self.rows if r.factor is not None]

    def problems(self, incident_ids: Iterable[str]) -> list[str]:
        """Each unreadable row, and each row naming an incident the Incidents sheet does not have."""
        known = {id_key(i) for i in incident_ids}
        out = [f"{columns.FACTORS_SHEET}!row {r.row}: {r.reason}" for r in self.rows if r.factor is None]
        for r in self.rows:
            f = r.factor
            if f is not None and f.incident_id and id_key(f.incident_id) not in known:
                out.append(f"{columns.FACTORS_SHEET}!row {r.row}: no incident with ID {shown(f.incident_id)} on the "
                           f"{columns.INCIDENTS_SHEET} sheet; correct the ID or give Entity and Requirement instead")
        return out


def factor_applies(marked: MarkedFactor, entity_key: str, requirement_key: str, year: int,
                   incident_ids: set[str]) -> bool:
    """Whether a marked factor bears on the group (entity, requirement, year) whose incidents are given:
    a row keyed by an incident, when that incident is one of them (IDs matched as everywhere else,
    :func:`hipaa_xl.engine.incidents.id_key`); a row keyed by a group, when entity and requirement match
    (:func:`hipaa_xl.engine.incidents.group_key`) and its year does, or it gave none (every year)."""
    if marked.incident_id:
        return id_key(marked.incident_id) in {id_key(i) for i in incident_ids}
    return (group_key(marked.entity) == entity_key and group_key(marked.requirement) == requirement_key
            and (marked.year is None or marked.year == year))


def _norm(text: object) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().casefold()


def parse_factor_row(values: dict[str, Any], row: int) -> FactorRow:
    """One row of the Factors table as a :class:`MarkedFactor`, or the reason it is not one."""
    try:
        incident_id = cells.cell_text(values.get("incident_id"))
        entity = cells.cell_text(values.get("entity"))
        requirement = cells.cell_text(values.get("requirement"))
        year_value = values.get("year")
        year = None if cells.is_blank(year_value) else cells.parse_year(cells.count_from_cell(year_value, "Year"))
        if not incident_id and not (entity and requirement):
            raise HipaaInputError("give the Incident ID, or Entity and Requirement (a group)")
        if incident_id and (entity or requirement or year is not None):
            raise HipaaInputError("give the Incident ID, or Entity and Requirement, not both")
        factor = parse_factor(values.get("factor"))
        effect = parse_effect(values.get("effect"))
        return FactorRow(row, MarkedFactor(row, factor, effect, cells.cell_text(values.get("reason")),
                                           incident_id, entity, requirement, year))
    except HipaaInputError as exc:
        return FactorRow(row, None, exc.message)
    except cells.CellError as exc:
        return FactorRow(row, None, f"a cell holds the error {exc.text}")


def read_factors(rows: Iterable[Sequence[Any]]) -> FactorsTable:
    """The Factors table from the sheet's rows of values (row 1 first)."""
    all_rows = list(rows)
    wanted = {_norm(c.header): c.field for c in columns.FACTOR_COLUMNS}
    for r_index, row in enumerate(all_rows[:_HEADER_SEARCH_ROWS], 1):
        found: dict[str, int] = {}
        for i, v in enumerate(row):
            f = wanted.get(_norm(v))
            if f is not None and f not in found:
                found[f] = i
        if "factor" in found and "effect" in found:
            out = FactorsTable(r_index)
            for r, values_row in enumerate(all_rows[r_index:], start=r_index + 1):
                values = {f: values_row[c] if c < len(values_row) else None for f, c in found.items()}
                if all(cells.is_blank(v) for v in values.values()):
                    continue
                out.rows.append(parse_factor_row(values, r))
            return out
    return FactorsTable(0)
