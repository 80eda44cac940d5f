"""LibreOffice opens the refreshed example and shows the stored figures: no #NAME?, #VALUE! or blank
figure on Summary, and the numbers are the engine's (decisions 13, 16)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess

import pytest

from hipaa_xl.engine.incidents import group_key
from hipaa_xl.workbook.summary import SC
from tests.workbook_helpers import FIGURES, engine_aggregation, example_bytes

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def summary_csv(tmp_path_factory: pytest.TempPathFactory) -> list[list[str]]:
    if SOFFICE is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is required in CI")
        pytest.skip("LibreOffice (soffice) not installed")
    folder = tmp_path_factory.mktemp("lo")
    book = folder / "example.xlsx"
    book.write_bytes(example_bytes())
    profile = (folder / "profile").as_uri()
    # 44,34,76,1: comma, quote, UTF-8, from line 1; the 12th token -1 writes every sheet (LO >= 7.2)
    fmt = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1'
    subprocess.run(["timeout", "180", SOFFICE, "--headless", f"-env:UserInstallation={profile}", "--convert-to", fmt,
                    "--outdir", str(folder), str(book)], check=True, capture_output=True)
    out = folder / "example-Summary.csv"
    assert out.exists(), sorted(p.name for p in folder.iterdir())
    with out.open(encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _money(text: str) -> float:
    return float(text.replace("$", "").replace(",", "") or "nan")


def test_libreoffice_shows_no_error_or_blank_figure_on_summary(summary_csv: list[list[str]]) -> None:
    flat = "\n".join(",".join(row) for row in summary_csv)
    for error in ("#NAME?", "#VALUE!", "Err:", "#REF!"):
        assert error not in flat


def test_libreoffice_summary_figures_equal_the_engine(summary_csv: list[list[str]]) -> None:
    agg = engine_aggregation(example_bytes())
    table = summary_csv[:next(i for i, r in enumerate(summary_csv) if r and r[0] == "Totals")]
    rows = {(group_key(r[0]), group_key(r[1]), int(r[SC["year"] - 1])): r for r in table
            if len(r) > SC["year"] and r[SC["year"] - 1].isdigit() and r[1]}
    assert len(rows) == len(agg.groups)
    for g in agg.groups:
        row = rows[(g.entity_key, g.requirement_key, g.year)]
        got = [_money(row[SC[k] - 1]) for k in FIGURES]
        assert got == [g.violations, g.time_barred_violations, g.minimum, g.maximum, g.time_barred_maximum,
                       g.ag_damages], (g.entity, g.requirement, g.year)
    grand = next(r for r in summary_csv if r and r[0] == "Grand total")
    assert _money(grand[SC["maximum"] - 1]) == agg.grand_total()[1]


def test_libreoffice_shows_the_scenario_table_with_the_engine_figures(summary_csv: list[list[str]]) -> None:
    # every scenario of the example, and each entity's row under it, as the engine prices them
    from tests.workbook.test_scenarios import engine_scenarios

    result = engine_scenarios(example_bytes())
    start = next(i for i, r in enumerate(summary_csv) if r and r[0] == "Scenario / entity")
    rows = summary_csv[start + 1:]
    status = summary_csv[start - 1][0]
    assert status == "Scenario figures match the Scenarios sheet and the Incidents"
    for s in result.all:
        label = s.name + (" (the Incidents as entered)" if s.name == "Base" else "")
        i = next(i for i, r in enumerate(rows) if r[0] == label)
        assert [_money(x) for x in rows[i][5:9]] == [s.total.minimum, s.total.maximum, s.total.time_barred_maximum,
                                                     s.total.ag_damages], s.name
        for j, (entity, f) in enumerate(s.entities.items(), start=1):
            assert rows[i + j][0] == entity
            assert [_money(x) for x in rows[i + j][5:9]] == [f.minimum, f.maximum, f.time_barred_maximum,
                                                             f.ag_damages], (s.name, entity)
    weighted = next(r for r in rows if r[0].startswith("Probability-weighted"))
    assert result.weighted is not None
    assert [_money(x) for x in weighted[5:7]] == [result.weighted.minimum, result.weighted.maximum]
