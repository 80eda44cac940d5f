"""The legal corrections in the workbook: what refresh lays out and what the live formulas compute.

Each workbook is built with the template's own code, refreshed and recalculated headlessly; the
figures are then compared with hand-worked values (arithmetic in comments) and with the engine.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest

from hipaa_xl.engine.incidents import group_key
from hipaa_xl.ooxml.package import package_from_bytes
from hipaa_xl.recalc import recalc_package
from hipaa_xl.workbook.refresh import build_refreshed
from hipaa_xl.workbook.summary import OUTSIDE
from hipaa_xl.workbook.template import build_static_workbook
from tests.workbook_helpers import engine_aggregation, exposure_values, summary_values

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

D = dt.date
REQ = "164.308(a)(1)(ii)(A)"


def incident(id: str, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"id": id, "entity": "Acme Health", "requirement": REQ}
    row.update({k: v.isoformat() if isinstance(v, dt.date) else v for k, v in kw.items()})
    return row


def workbook(incidents: list[dict[str, Any]], as_of: dt.date, schedule: str = "regulation",
             commenced: dt.date | None = None) -> tuple[bytes, Any]:
    static = build_static_workbook(schedule=schedule, as_of=as_of, incidents=incidents, commenced=commenced)
    refreshed, report = build_refreshed(static, stamp_time="2026-01-01T00:00:00Z")
    recalculated, recalc_report = recalc_package(package_from_bytes(refreshed))
    assert recalc_report.ok, recalc_report.problems
    return recalculated.to_bytes(), report


def test_duplicate_cycle_rows_are_invalid_and_their_group_is_na() -> None:
    # reliability finding F7: Duplicate of each other used to price both at $0
    data, report = workbook(
        [
            incident("A-1", tier="D", start=D(2024, 1, 1), violations=100, duplicate_of="A-2"),
            incident("A-2", tier="D", start=D(2024, 1, 1), violations=100, duplicate_of="A-1"),
        ],
        D(2026, 3, 31),
    )
    assert any("A-1 -> A-2 -> A-1" in line for line in report.invalid)
    [group] = summary_values(data).values()
    assert group["checks"] == 2 and group["maximum"] == "#N/A"


def test_affiliated_covered_entity_is_one_summary_group_with_members_jointly_and_severally_liable() -> None:
    # two members, one act of the ACE, 20 tier D violations each in 2024: 40 x 50,000 = 2,000,000,
    # capped once at 1,500,000 (160.402(b)(2)); without the ACE each member would carry 1,500,000
    ace = "Acme Affiliated Covered Entity"
    data, _ = workbook(
        [
            incident("H-1", entity="Acme Hospital", tier="D", start=D(2024, 5, 1), violations=20,
                     affiliated_covered_entity=ace),
            incident("H-2", entity="Acme Clinic", tier="D", start=D(2024, 5, 1), violations=20,
                     affiliated_covered_entity=ace),
        ],
        D(2026, 3, 31),
    )
    groups = summary_values(data)
    assert list(groups) == [(group_key(ace), group_key(REQ), 2024)]
    g = groups[(group_key(ace), group_key(REQ), 2024)]
    assert (g["violations"], g["minimum"], g["maximum"], g["ag"]) == (40, 1_500_000, 1_500_000, 4_000)
    ws = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["Summary"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("Acme Hospital, Acme Clinic jointly and severally liable" in t for t in texts)
    assert any("160.402(b)(2)" in t for t in texts)


def test_commencement_on_settings_saves_days_the_as_of_date_would_bar() -> None:
    # 10 tier B violations dated 2018-05-01 (sixth anniversary 2024-05-01), as-of 2024-06-30:
    # barred; with the action commenced on 2024-05-01: 10 x 1,000 = 10,000 / 10 x 50,000 = 500,000
    facts = [incident("J-1", tier="B", start=D(2018, 5, 1), violations=10)]
    barred, _ = workbook(facts, D(2024, 6, 30))
    [g] = summary_values(barred).values()
    assert (g["violations"], g["barred"], g["maximum"]) == (0, 10, 0)
    saved, _ = workbook(facts, D(2024, 6, 30), commenced=D(2024, 5, 1))
    [g] = summary_values(saved).values()
    assert (g["violations"], g["barred"], g["minimum"], g["maximum"]) == (10, 0, 10_000, 500_000)


def test_punishable_criminal_state_bars_a_cmp_assessed_before_2011_02_18_only() -> None:
    facts = [incident("K-1", tier="B", start=D(2010, 6, 1), violations=10, criminal_offense_punishable=True)]
    before, _ = workbook(facts, D(2011, 2, 17))
    [row] = exposure_values(before)
    assert row["status"] == "criminal" and "160.410(a)(1)" in row["note"]
    after, _ = workbook(facts, D(2011, 2, 18))
    [row] = exposure_values(after)
    # 10 x 1,000 = 10,000; 10 x 50,000 = 500,000
    assert row["status"] == "counted" and (row["minimum"], row["maximum"]) == (10_000, 500_000)


def test_extended_cure_period_in_the_workbook_bars_the_cmp_not_ag_damages() -> None:
    # tier B 2024-03-01..2024-04-13 (44 days), corrected day 44, cure period extended to day 45:
    # no CMP; AG damages 44 x $100 = $4,400 (the extension is for the Secretary's penalty only)
    data, _ = workbook(
        [incident("G-1", tier="B", start=D(2024, 3, 1), end=D(2024, 4, 13), known=D(2024, 3, 1),
                  corrected=D(2024, 4, 13), cure_period_ends=D(2024, 4, 14))],
        D(2026, 3, 31),
    )
    [row] = exposure_values(data)
    assert row["status"] == "cured" and "extended" in row["note"]
    [g] = summary_values(data).values()
    assert (g["maximum"], g["ag"]) == (0, 4_400)
    # the same through the engine
    agg = engine_aggregation(data, "regulation", D(2026, 3, 31))
    assert (agg.groups[0].maximum, agg.groups[0].ag_damages) == (0, 4_400)


def test_barred_days_with_federal_action_pending_are_labelled_time_barred() -> None:
    data, _ = workbook(
        [incident("F-1", tier="B", start=D(2017, 1, 1), end=D(2017, 12, 31), federal_action_pending=True)],
        D(2024, 6, 30),
    )
    [row] = exposure_values(data)
    assert row["ag_deferred"] == 0 and "time-barred" in row["note"] and "deferred" not in row["note"]


def test_chosen_outside_the_range_says_outside_the_statutory_range() -> None:
    data, _ = workbook([incident("C-1", tier="B", start=D(2024, 3, 1), violations=10)], D(2026, 3, 31))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Summary"]
    # 10 tier B violations: range 10,000 to 500,000; a chosen 5,000 is below it
    ws.cell(8, 12).value = 5_000
    out = io.BytesIO()
    wb.save(out)
    recalculated, _ = recalc_package(package_from_bytes(out.getvalue()))
    [g] = summary_values(recalculated.to_bytes()).values()
    assert g["chosen_check"] == OUTSIDE == "Outside the statutory range"


def test_refresh_warns_about_a_requirement_and_its_more_general_form_in_one_group() -> None:
    # the template's Requirements sheet lists 164.306(a) as the more general form of 164.312(a)(1)
    _, report = workbook(
        [
            incident("L-1", requirement="164.312(a)(1)", tier="B", start=D(2024, 5, 1), violations=3),
            incident("L-2", requirement="164.306(a)", tier="B", start=D(2024, 6, 1), violations=3),
        ],
        D(2026, 3, 31),
    )
    assert any("more general form" in w and "L-2 'Duplicate of' L-1" in w for w in report.warnings)
