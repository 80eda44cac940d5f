"""The first build of the template workbook with openpyxl: the sheets a user owns.

Incidents (an Excel table with dropdowns), Matter (the matter's events), Scenarios (positions priced
beside the base), Factors (the 160.408 factors a lawyer marks), Requirements (the catalogue of
identical requirements, 160.404(b)(3)), Settings (schedule, as-of date, matter block; decisions 14,
24), Schedules (every shipped schedule's amounts with citations) and Outcomes (every published OCR
outcome with its sources), each laid out by its module in ``hipaa_xl.workbook.sheets``. Exposure,
Summary and Deadlines start empty: refresh lays them out (``hipaa_xl.workbook.refresh``), so ``new``
and ``refresh`` share one code path.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from importlib import resources
from typing import Any

from openpyxl import Workbook

from hipaa_xl.workbook import columns, theme
from hipaa_xl.workbook.sheets.factors.sheet import add_factors_sheet
from hipaa_xl.workbook.sheets.incidents import add_cover, add_incidents_sheet, fill_incidents
from hipaa_xl.workbook.sheets.matter import add_matter_sheet
from hipaa_xl.workbook.sheets.outcomes import add_outcomes_sheet
from hipaa_xl.workbook.sheets.requirements import add_requirements_sheet
from hipaa_xl.workbook.sheets.scenarios.sheet import add_scenarios_sheet
from hipaa_xl.workbook.sheets.scenarios.tables import SCENARIOS_SHEET
from hipaa_xl.workbook.sheets.schedules import add_schedules_sheet
from hipaa_xl.workbook.sheets.settings import add_settings_sheet

FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
"""Timestamp written into docProps so that ``new`` is byte-for-byte deterministic (decisions 15)."""


def load_json(name: str) -> Any:
    """A data file shipped in ``hipaa_xl/workbook/data``."""
    return json.loads(resources.files("hipaa_xl.workbook").joinpath("data", name).read_text("utf-8"))


def build_static_workbook(
    schedule: str = columns.DEFAULT_WORKBOOK_SCHEDULE,
    as_of: dt.date | None = None,
    matter: dict[str, str] | None = None,
    incidents: list[dict[str, Any]] | None = None,
    events: list[dict[str, Any]] | None = None,
    commenced: dt.date | None = None,
    scenarios: dict[str, Any] | None = None,
    factors: list[dict[str, Any]] | None = None,
    requirements: list[dict[str, Any]] | None = None,
    legend: str | None = None,
    cover: list[str] | None = None,
) -> bytes:
    """The template before its first refresh: user sheets filled, Exposure and Summary empty.

    ``as_of`` None writes ``=TODAY()`` (the blank template, decisions 14). ``incidents`` (dicts with
    the engine's field names) fill the Incidents table, for the example workbook; ``scenarios``
    (``scenarios`` and ``scenario_changes`` lists) fill the two tables of the Scenarios sheet;
    ``factors`` the Factors table; ``requirements`` replaces the shipped Requirements catalogue (a
    firm's own, ``new --from``); ``legend`` the privilege legend; ``cover`` lines printed at the top of
    the Incidents sheet (the example says it is fictional and how to start a real matter).
    """
    wb = Workbook()
    ws_inc = wb.active
    assert ws_inc is not None
    ws_inc.title = columns.INCIDENTS_SHEET
    ws_sum = wb.create_sheet(columns.SUMMARY_SHEET)
    ws_exp = wb.create_sheet(columns.EXPOSURE_SHEET)
    ws_mat = wb.create_sheet(columns.MATTER_SHEET)
    ws_dl = wb.create_sheet(columns.DEADLINES_SHEET)
    ws_set = wb.create_sheet(columns.SETTINGS_SHEET)
    ws_scn = wb.create_sheet(SCENARIOS_SHEET)
    ws_fac = wb.create_sheet(columns.FACTORS_SHEET)
    ws_req = wb.create_sheet(columns.REQUIREMENTS_SHEET)
    ws_sch = wb.create_sheet(columns.SCHEDULES_SHEET)
    ws_out = wb.create_sheet(columns.OUTCOMES_SHEET)
    del ws_sum, ws_exp, ws_dl
    matter = matter or {}
    matter_name = matter.get("matter_name", "")
    add_incidents_sheet(ws_inc, matter_name, as_of)
    if incidents:
        fill_incidents(ws_inc, incidents)
    add_matter_sheet(ws_mat, matter_name, as_of, events or [])
    catalogue = load_json("requirements.json")
    if requirements is not None:  # the firm's own catalogue (new --from), in the shipped columns
        catalogue = {**catalogue, "requirements": requirements}
    add_requirements_sheet(ws_req, matter_name, as_of, catalogue)
    if legend is not None:
        matter = {**matter, "privilege_legend": legend}
    add_settings_sheet(ws_set, schedule, as_of, matter, commenced)
    add_schedules_sheet(ws_sch, matter_name, as_of)
    add_outcomes_sheet(ws_out, matter_name, as_of)
    add_scenarios_sheet(wb, ws_scn, matter_name, as_of, scenarios)
    add_factors_sheet(ws_fac, matter_name, as_of, factors or [])
    if cover:
        add_cover(ws_inc, cover)
    ws_inc.sheet_properties.tabColor = theme.INPUT_TAB
    ws_set.sheet_properties.tabColor = theme.INPUT_TAB
    ws_mat.sheet_properties.tabColor = theme.INPUT_TAB
    ws_fac.sheet_properties.tabColor = theme.INPUT_TAB
    wb.properties.creator = "hipaa-xl"
    wb.properties.title = "HIPAA civil money penalty exposure"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.calculation.fullCalcOnLoad = False
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
