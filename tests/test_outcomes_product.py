"""Published OCR outcomes in the product: ``hipaa-xl outcomes``, ``OCR_OUTCOMES`` / ``OCR_OUTCOMES_LIST``
(desktop and xlwings Lite), the Outcomes sheet and the Summary block, which all agree; the Lite bundle
carries the data within its size budget."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from hipaa_xl import udfs
from hipaa_xl.cli import app
from hipaa_xl.excel import cells
from hipaa_xl.law import outcomes as ocr
from hipaa_xl.lite import bundle
from hipaa_xl.lite import functions as lite
from hipaa_xl.workbook.outcomes_block import requirement_outcomes
from hipaa_xl.workbook.verify import outcome_mismatches, outcome_rows
from tests.helpers import run_bundled_main
from tests.workbook_helpers import example_bytes

runner = CliRunner()
ENV = {"COLUMNS": "80"}
MAIN_PY_BUDGET = 300_000
"""Characters of the bundled ``main.py`` (docs/xlwings-lite.md): the outcomes data is about a fifth of it."""


def _cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["outcomes", *args], env=ENV)
    return result.exit_code, result.stdout, result.stderr


# ---------------------------------------------------------------- the command line


def test_outcomes_json_has_the_keys_the_product_promises_for_every_outcome() -> None:
    code, out, _ = _cli("--section", "164.524", "--since", "2019", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"outcomes", "statistics"}
    expected = ocr.select(section="164.524", since=dt.date(2019, 1, 1))
    assert [o["id"] for o in data["outcomes"]] == [o.id for o in expected]
    for o in data["outcomes"]:
        assert {"entity", "date", "kind", "amount", "final_amount", "entity_type", "sections", "initiative",
                "sources"} <= set(o)
        dt.date.fromisoformat(o["date"])
        assert all(isinstance(s, str) and ocr.SECTION_FORMAT.fullmatch(s) for s in o["sections"])
        assert all({"url", "note"} <= set(s) for s in o["sources"])
    stats = data["statistics"]
    assert {"count", "median", "q1", "q3", "minimum", "maximum", "smallest", "largest", "method",
            "todays_dollars"} <= set(stats)
    assert stats["count"] == len(expected)
    assert stats["smallest"]["citation"].startswith("http") and stats["largest"]["final_amount"] == stats["maximum"]


def test_outcomes_prints_the_list_and_statistics_in_80_columns_with_a_labelled_todays_dollars() -> None:
    code, out, _ = _cli("--section", "164.524", "--type", "hospital")
    assert code == 0
    lines = out.splitlines()
    # a URL is never broken: a line longer than 80 columns is one citation alone
    assert all(len(line) <= 80 or (" " not in line.strip() and "://" in line) for line in lines), out
    found = ocr.select(section="164.524", entity_type="hospital or health system")
    for o in found:
        assert o.entity in out
    if len(found) >= ocr.MIN_FOR_STATISTICS:
        stats = ocr.statistics(found)
        assert stats is not None
        assert f"${stats.median:,.0f}" in out and "Today's dollars*" in out and "45 CFR 102.3" in out
        assert stats.largest.final_citation in out
    assert "not findings" in out


def _a_section_with_few_outcomes() -> str:
    """A section the data names in 1 to 4 outcomes (whatever the compilation holds)."""
    named = sorted({s for o in ocr.all_outcomes() for s in o.sections})
    return next(s for s in named if 0 < len(ocr.select(section=s)) < ocr.MIN_FOR_STATISTICS)


def test_under_five_outcomes_the_command_gives_the_list_and_no_statistics() -> None:
    section = _a_section_with_few_outcomes()
    code, out, _ = _cli("--section", section)
    assert code == 0
    assert "no statistics" in out and "Median" not in out
    for o in ocr.select(section=section):
        assert o.entity in out


def test_initiative_access_selects_the_right_of_access_outcomes() -> None:
    code, out, _ = _cli("--initiative", "access", "--json")
    assert code == 0
    data = json.loads(out)["outcomes"]
    assert data and {o["initiative"] for o in data} == {"Right of Access"}


def test_bad_options_are_one_line_and_exit_2() -> None:
    for args, says in ((["--type", "bank"], "entity type"), (["--since", "last year"], "--since"),
                       (["--section", "risk analysis"], "section"), (["--initiative", "x"], "initiative")):
        code, out, err = _cli(*args)
        assert code == 2 and out == "", args
        assert err.startswith("error: ") and says in err and len(err.strip().splitlines()) == 1, err


# ---------------------------------------------------------------- the Excel functions


def test_ocr_outcomes_gives_each_statistic_of_the_matching_final_amounts() -> None:
    found = ocr.select(section="164.308(a)(1)(ii)(A)")
    stats = ocr.statistics(found)
    today = ocr.statistics_today(found)
    assert stats is not None and today is not None
    assert udfs.OCR_OUTCOMES("164.308(a)(1)(ii)(A)") == stats.median
    assert udfs.OCR_OUTCOMES("45 CFR § 164.308(a)(1)(ii)(A)", "count") == stats.count
    assert udfs.OCR_OUTCOMES("164.308(a)(1)(ii)(A)", "Q1") == stats.q1
    assert udfs.OCR_OUTCOMES("164.308(a)(1)(ii)(A)", "upper quartile") == stats.q3
    assert udfs.OCR_OUTCOMES("164.308(a)(1)(ii)(A)", "min") == stats.minimum
    assert udfs.OCR_OUTCOMES("164.308(a)(1)(ii)(A)", "maximum") == stats.maximum
    assert udfs.OCR_OUTCOMES("164.308(a)(1)(ii)(A)", "median today") == today.median


def test_since_takes_a_year_a_date_or_a_serial_and_entity_type_a_prefix() -> None:
    expected = len(ocr.select(section="164.524", since=dt.date(2020, 1, 1), entity_type="physician practice"))
    for since in (2020, "2020", "2020-01-01", dt.date(2020, 1, 1), cells.date_to_serial(dt.date(2020, 1, 1))):
        assert udfs.OCR_OUTCOMES("164.524", "count", since, "physician") == expected, since


def test_a_part_name_selects_every_outcome_naming_a_section_of_that_part() -> None:
    count = udfs.OCR_OUTCOMES("breach notification", "count")
    assert count == len([o for o in ocr.all_outcomes() if "Breach Notification" in ocr.parts_of(o)]) > 0


def test_ocr_outcomes_over_a_column_of_sections_spills_one_result_per_cell() -> None:
    got = udfs.OCR_OUTCOMES([["164.524"], ["164.999"], ["nonsense"]], "count")
    assert got[0] == [len(ocr.select(section="164.524"))] and got[1] == [0]
    assert isinstance(got[2][0], str) and got[2][0].startswith("#VALUE! section must be")


def test_errors_are_passed_on_and_bad_arguments_carry_their_reason() -> None:
    assert udfs.OCR_OUTCOMES("#N/A") == "#N/A"
    assert udfs.OCR_OUTCOMES("164.524", "#DIV/0!") == "#DIV/0!"
    assert udfs.OCR_OUTCOMES(None) == "#VALUE! section required"
    assert str(udfs.OCR_OUTCOMES("164.999", "median")).startswith("#N/A no published OCR outcome matches")
    assert str(udfs.OCR_OUTCOMES("164.524", "count", "soon")).startswith("#VALUE! since must be")


def test_ocr_outcomes_list_spills_date_entity_final_amount_kind_within_255_characters() -> None:
    rows = udfs.OCR_OUTCOMES_LIST("164.524", 2019)
    found = ocr.select(section="164.524", since=dt.date(2019, 1, 1))
    assert len(rows) == len(found)
    for row, o in zip(rows, found, strict=True):
        assert row == [cells.date_to_serial(o.date), o.entity, o.final_amount, o.kind]
    every = udfs.OCR_OUTCOMES_LIST("Privacy")
    assert all(len(str(v)) <= cells.MAX_CELL_TEXT for row in every for v in row)
    assert udfs.OCR_OUTCOMES_LIST([["164.524"], ["164.502(a)"]]) == [
        ["#VALUE! OCR_OUTCOMES_LIST lists one selection: give single cells, not ranges"]]
    assert udfs.OCR_OUTCOMES_LIST("164.999")[0][0].startswith("#N/A")


def test_in_lite_the_functions_give_bare_codes_and_error_reason_the_why() -> None:
    assert lite.OCR_OUTCOMES("164.524") == udfs.OCR_OUTCOMES("164.524")
    assert lite.OCR_OUTCOMES("164.999") == "#N/A"
    assert lite.OCR_OUTCOMES_LIST("bad") == [["#VALUE!"]]
    assert lite.ERROR_REASON("OCR_OUTCOMES", "164.999").startswith("#N/A no published OCR outcome matches")
    assert lite.ERROR_REASON("ocr_outcomes", "164.524") == ""


# ---------------------------------------------------------------- the workbook


@pytest.mark.slow  # a workbook round trip: left out of the quick loop
def test_the_summary_block_agrees_with_the_law_data_and_is_checked() -> None:
    data = example_bytes()
    rows = outcome_rows(data)
    assert rows and outcome_mismatches(data) == []
    # a changed figure is reported
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Summary"]
    target = next(r for r in ws.iter_rows() if r[0].value == "164.524" and isinstance(r[5].value, int | float))
    target[5].value = 1
    out = io.BytesIO()
    wb.save(out)
    # the block is values written at refresh (openpyxl keeps them on save): the changed median is reported
    found = outcome_mismatches(out.getvalue())
    assert [(m.key[1], m.figure, m.summary) for m in found] == [("164.524", "median", 1)]
    assert "164.524: median is 1 on the Summary" in str(found[0])


def test_the_cli_the_function_and_the_workbook_agree_on_section_164_524() -> None:
    data = example_bytes()
    block = outcome_rows(data)["164.524"]
    stats = json.loads(_cli("--section", "164.524", "--json")[1])["statistics"]
    assert block["basis"] == "same section"
    assert block["count"] == stats["count"] == udfs.OCR_OUTCOMES("164.524", "count")
    assert block["median"] == stats["median"] == udfs.OCR_OUTCOMES("164.524", "median")
    assert block["minimum"] == stats["minimum"] == udfs.OCR_OUTCOMES("164.524", "min")
    assert block["maximum"] == stats["maximum"] == udfs.OCR_OUTCOMES("164.524", "max")
    assert block["median_today"] == stats["todays_dollars"]["median"] == udfs.OCR_OUTCOMES("164.524", "median today")


def test_the_block_lists_outcomes_instead_of_statistics_under_five() -> None:
    (row,) = requirement_outcomes([_a_section_with_few_outcomes()])
    assert 0 < len(row.outcomes) < ocr.MIN_FOR_STATISTICS and row.basis == "same section"
    assert row.statistics is None and row.today is None
    for o in row.outcomes:
        assert o.entity in row.listing() and f"${o.final_amount:,}" in row.listing()


def test_the_outcomes_sheet_holds_every_record_with_its_sources() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(example_bytes()), read_only=True)
    ws = wb["Outcomes"]
    rows = [r for r in ws.iter_rows(min_row=6, values_only=True) if r[0] is not None]
    found = ocr.all_outcomes()
    assert len(rows) == len(found)
    for row, o in zip(rows, found, strict=True):
        assert (row[1], row[5], row[6]) == (o.entity, o.amount, o.final_amount)
        assert all(s.url in row[13] for s in o.sources)
    wb.close()


# ---------------------------------------------------------------- xlwings Lite


@pytest.mark.slow  # builds the Lite bundle: left out of the quick loop
def test_the_lite_bundle_carries_the_outcomes_within_its_size_budget() -> None:
    names = [name for name, _ in bundle.bundle_files()]
    assert "hipaa_xl/law/data/outcomes.json" in names and "hipaa_xl/law/outcomes.py" in names
    assert len(bundle.bundled_main_py()) <= MAIN_PY_BUDGET


@pytest.mark.slow  # builds and imports the Lite bundle: left out of the quick loop
def test_main_py_answers_ocr_outcomes_from_its_own_bundle(tmp_path: Path) -> None:
    printed = run_bundled_main(tmp_path, bundle.bundled_main_py(),
                               "main.OCR_OUTCOMES('164.524', 'count'), main.OCR_OUTCOMES('164.999')")
    assert printed == [str(len(ocr.select(section="164.524"))), "#N/A"]
