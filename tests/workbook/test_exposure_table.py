"""The Exposure row formulas are one table: every entry names a real column and every name resolves."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from hipaa_xl.workbook.exposure import (
    CHECKED,
    CONTINUING,
    EXPOSURE_COLUMNS,
    GIVEN,
    INCIDENT_DAYS,
    PRICED,
    STALE_TERMS,
    XC,
    Context,
    _RowNames,
)


def _context() -> Context:
    return Context("Incidents", {}, "Incidents!$B$5:$B$9", 5, 9)


def test_every_row_formula_fills_a_priced_column_and_every_name_in_it_resolves() -> None:
    names = _RowNames(7, _context(), incident_rows="N7:O9")
    for table in (CONTINUING, GIVEN, PRICED, {"inc_days": INCIDENT_DAYS}):
        for key, template in table.items():
            assert EXPOSURE_COLUMNS[XC[key] - 1].role == "priced", key
            if template is not None and template.startswith("="):
                filled = names.fill(template[1:])
                assert "{" not in filled and "}" not in filled, (key, filled)
    for term in STALE_TERMS:
        names.fill(term)


def test_a_continuing_and_a_given_row_fill_the_same_columns() -> None:
    assert list(CONTINUING) == list(GIVEN)


def test_inc_start_is_the_hidden_copy_and_inc_entity_the_shown_one() -> None:
    # f_start is hidden, entity is shown: both are this row's copies of the Incidents cells
    names = _RowNames(12, _context())
    assert names.fill("{inc.start}") == f"{_letter('f_start')}12"
    assert names.fill("{inc.entity}") == f"{_letter('entity')}12"
    assert names.fill("{inc.tier}") == f"{_letter('f_tier')}12"  # not the derived Tier column
    assert names.fill("{tier}") == f"{_letter('tier')}12"


def test_every_checked_column_is_a_priced_figure() -> None:
    assert all(EXPOSURE_COLUMNS[XC[key] - 1].role == "priced" for key, _ in CHECKED)



def _letter(key: str) -> str:
    return str(get_column_letter(XC[key]))
