"""The Incidents columns and the names the workbook shares between its sheets and the code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from hipaa_xl.law.schedules import CURRENT

ColumnKind = Literal["text", "date", "count", "yesno", "criminal", "tier", "culpability", "requirement", "event",
                     "factor", "effect"]


@dataclass(frozen=True)
class IncidentColumn:
    """One column of the Incidents table: its header, the engine field it feeds, its kind and width."""

    header: str
    field: str
    kind: ColumnKind
    width: float
    help: str


INCIDENT_COLUMNS: tuple[IncidentColumn, ...] = (
    IncidentColumn("ID", "id", "text", 9, "A short unique name, e.g. RCH-01"),
    IncidentColumn("Entity", "entity", "text", 28, "The covered entity or business associate liable (160.402)"),
    IncidentColumn("Requirement", "requirement", "requirement", 19, "A provision from the Requirements sheet"),
    IncidentColumn("Description", "description", "text", 36, "What happened"),
    IncidentColumn("Culpability", "culpability", "culpability", 26, "160.401 / 160.404(b)(2)"),
    IncidentColumn("Tier", "tier", "tier", 6, "A-D; leave blank to derive it (CMP_TIER)"),
    IncidentColumn("Start", "start", "date", 11, "First day in violation (or the date of the counted violations)"),
    IncidentColumn("End", "end", "date", 11, "Last day in violation (counted); blank: Corrected, else the as-of date"),
    IncidentColumn("Violations", "violations", "count", 10, "A count dated Start; blank: one a day Start-End"),
    IncidentColumn("Known", "known", "date", 11, "First day known, or knowable with reasonable diligence"),
    IncidentColumn("Corrected", "corrected", "date", 11, "Day the violation was corrected"),
    IncidentColumn("Duplicate of", "duplicate_of", "text", 11, "ID of the incident counted instead (160.404(b)(3))"),
    IncidentColumn("Federal action pending", "federal_action_pending", "yesno", 10, "1320d-5(d)(7)"),
    IncidentColumn(
        "Criminal penalty imposed", "criminal_penalty_imposed", "criminal", 10,
        "Yes: imposed, 160.410(a)(2). Punishable: bars a CMP before 2011-02-18, (a)(1)",
    ),
    IncidentColumn("Factors", "factors", "text", 36, "160.408 aggravating / mitigating factors"),
    # added later, at the end so that existing workbooks' and tests' column letters stay put
    IncidentColumn(
        "Cure period ends", "cure_period_ends", "date", 12,
        "Last day of an extended cure period, 1320d-5(b)(2)(B); blank: Known + 29",
    ),
    IncidentColumn(
        "Affiliated covered entity", "affiliated_covered_entity", "text", 20,
        "The affiliated covered entity whose act this is: capped once under it, members jointly and "
        "severally liable (160.402(b)(2))",
    ),
    IncidentColumn(
        "Action commenced on", "commenced", "date", 12,
        "Notice of proposed determination of this incident's action (160.420): the limitation runs to it and "
        "no violation past it; blank: Settings' date, else the as-of date",
    ),
)

MATTER_COLUMNS: tuple[IncidentColumn, ...] = (
    IncidentColumn("ID", "id", "text", 8, "A short name, e.g. EV-1"),
    IncidentColumn("Event", "event", "event", 36, "What happened: choose from the list"),
    IncidentColumn("Date", "date", "date", 11, "The day it happened: discovered, received, served, became final"),
    IncidentColumn("Count", "count", "count", 10, "Breach: individuals affected; Residents of a State: residents"),
    IncidentColumn("State", "state", "text", 8, "Residents of a State: which State or jurisdiction"),
    IncidentColumn("Other date", "other_date", "date", 11,
                   "Written delay's last day; extension's promised date; receipt shown"),
    IncidentColumn("By mail", "by_mail", "yesno", 8, "Served by mail: +5 days (160.526(c))"),
    IncidentColumn("Delay days", "delay_days", "count", 9, "Law-enforcement delay, days (164.412)"),
    IncidentColumn("Done", "done", "date", 11, "When the deadline was met (notice sent, appeal filed)"),
    IncidentColumn("Notes", "notes", "text", 36, "Anything else: who, how, where the papers are"),
)
"""The Matter sheet's table of events; the rules each event triggers are in engine.matter_deadlines."""

FACTOR_COLUMNS: tuple[IncidentColumn, ...] = (
    IncidentColumn("Incident ID", "incident_id", "text", 11, "The incident it bears on; or leave blank and give "
                   "Entity and Requirement (a group)"),
    IncidentColumn("Entity", "entity", "text", 24, "With Requirement: every incident of that group"),
    IncidentColumn("Requirement", "requirement", "requirement", 19, "As on Incidents"),
    IncidentColumn("Year", "year", "count", 7, "Blank: every calendar year of the group"),
    IncidentColumn("Factor", "factor", "factor", 44, "160.408 (a)-(e), or a sub-point: choose from the list"),
    IncidentColumn("Effect", "effect", "effect", 12, "Aggravating, mitigating or neutral"),
    IncidentColumn("Reason", "reason", "text", 60, "Why, in a sentence the memo prints beside the Chosen point"),
)
"""The Factors sheet's table: the 45 CFR 160.408 factors marked per incident or group."""

MORE_GENERAL_HEADER = "More general form (a suggestion; 160.404(b)(3))"
"""The Requirements column naming a provision that repeats the requirement in a more general form.
It drives no figure: refresh warns when one group has counted incidents under both."""

INCIDENTS_SHEET = "Incidents"
MATTER_SHEET = "Matter"
DEADLINES_SHEET = "Deadlines"
MATTER_TABLE = "MatterEvents"
FACTORS_SHEET = "Factors"
FACTORS_TABLE = "Factors"
"""The 160.408 factors marked per incident or group (the memo shows them beside the Chosen point)."""
DEADLINES_TABLE = "Deadlines"
"""The Deadlines sheet's table; the memo (report) shows the Excel table of this name."""
EXPOSURE_SHEET = "Exposure"
SUMMARY_SHEET = "Summary"
SETTINGS_SHEET = "Settings"
REQUIREMENTS_SHEET = "Requirements"
SCHEDULES_SHEET = "Schedules"
OUTCOMES_SHEET = "Outcomes"
INCIDENTS_TABLE = "Incidents"
SUMMARY_TABLE = "ExposureByYear"
TABLE_STYLE = "TableStyleLight9"
"""The style of the generated tables (ExposureByYear, Deadlines)."""
HEADER_ROW = 4
"""The header row of the Incidents and Requirements tables in the template."""
REQUIREMENTS_LIST = f"{REQUIREMENTS_SHEET}!$A${HEADER_ROW + 1}:$A$1000"
"""The Requirements sheet's citations as a dropdown's source (the Incidents and Factors sheets)."""

NAME_SCHEDULE = "Schedule"
NAME_AS_OF = "AsOf"
NAME_COMMENCED = "Commenced"
"""Settings: the date the action commenced (160.414, 160.420); blank means the as-of date."""
NAME_AS_OF_USED = "HXL_AS_OF_USED"
NAME_MATTER = "MatterName"
NAME_CLIENT = "Client"
NAME_MATTER_NUMBER = "MatterNumber"
NAME_PREPARED_BY = "PreparedBy"
NAME_SCHEDULE_NAMES = "ScheduleNames"
NAME_PRIVILEGE_LEGEND = "PrivilegeLegend"

DEFAULT_WORKBOOK_SCHEDULE = CURRENT
"""The template's schedule is the 45 CFR 102.3 table in force on the as-of date."""

CONFIDENTIAL = "Privileged & Confidential - Attorney Work Product"
MEMO_LEGEND = CONFIDENTIAL + " - Prepared at the direction of counsel"
"""The memo's header and footer unless Settings' Privilege legend says otherwise."""
YES_NO = ("Yes", "No")
PUNISHABLE = "Punishable"
"""The criminal column's third state: an offense punishable under 1320d-6, no penalty imposed."""
CRIMINAL_CHOICES = (*YES_NO, PUNISHABLE)
