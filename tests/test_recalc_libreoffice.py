"""LibreOffice shows the values recalc wrote (it keeps cached values of an xlsx by default)."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from hipaa_xl.recalc import recalc_file

pytestmark = pytest.mark.libreoffice


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("LibreOffice (soffice) is required in CI")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def test_libreoffice_shows_the_recalculated_values(tmp_path: Path) -> None:
    soffice = _soffice()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Entity", "Tier", "Violations", "Maximum", "Minimum"])
    rows = [("Acme", "B", 3), ("Beta", "D", 2), ("Acme", "A", 10)]
    for i, (entity, tier, count) in enumerate(rows, start=2):
        ws.append([entity, tier, count, f"=CMP_MAX(B{i},C{i},DATE(2020,1,1))", f"=CMP_MIN(B{i},C{i},DATE(2020,1,1))"])
    ws["G1"] = '=SUMIFS(D:D,A:A,"acme")'
    ws["G2"] = "=SUM(E2:E4)"
    ws["G3"] = '=IFERROR(CMP_MAX("E",1),"bad")'
    path = tmp_path / "lo.xlsx"
    wb.save(path)
    assert recalc_file(path, as_of=dt.date(2024, 5, 1)).ok
    ours = openpyxl.load_workbook(path, data_only=True).active
    profile = tmp_path / "profile"
    subprocess.run(
        ["timeout", "120", soffice, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "csv",
         "--outdir", str(tmp_path / "csv"), str(path)],
        check=True, capture_output=True,
    )
    with (tmp_path / "csv" / "lo.csv").open(newline="") as handle:
        grid = list(csv.reader(handle))
    for r in range(2, 5):
        for c in (4, 5):
            assert float(grid[r - 1][c - 1]) == ours.cell(r, c).value
    assert float(grid[0][6]) == ours["G1"].value
    assert float(grid[1][6]) == ours["G2"].value
    assert grid[2][6] == "bad"
    assert ours["G1"].value > 0
