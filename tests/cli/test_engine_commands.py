"""The command line: cited results, one-line errors, and the main job on the example."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hipaa_xl.cli import app

pytestmark = pytest.mark.slow  # the commands run as subprocesses, the demo builds a workbook

runner = CliRunner()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "hipaa_xl.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_explain_prints_each_figure_with_its_citation() -> None:
    result = runner.invoke(app, ["explain", "--tier", "B", "--violations", "10", "--date", "2020-05-01"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "$500,000" in result.stdout and "160.404(b)(2)(ii)(A)" in result.stdout
    assert "$1,000" in result.stdout  # AG damages: 10 x $100


@pytest.mark.parametrize(
    "args",
    [
        ["explain", "--tier", "E"],
        ["explain", "--violations", "-3"],
        ["explain", "--date", "31/02/2020"],
        ["explain", "--schedule", "nonsense"],
        ["explain", "--date", "2024-06-01", "--as-of", "2020-01-01"],
    ],
)
def test_bad_input_exits_non_zero_with_one_line_and_no_traceback(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr


def test_criminal_prints_the_maxima_and_the_3571_note() -> None:
    result = runner.invoke(app, ["criminal", "false pretenses"], env={"COLUMNS": "300"})
    assert result.exit_code == 0
    assert "$100,000" in result.stdout and "5 year" in result.stdout and "18 U.S.C. 3571" in result.stdout
    assert run("criminal", "jaywalking").returncode != 0


def test_schedules_lists_every_schedule() -> None:
    result = runner.invoke(app, ["schedules"], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    for name in ("regulation", "statute", "current-tiered", "cfr102-2016", "cfr102-2025"):
        assert name in result.stdout
    assert "2,190,294" in result.stdout and "36,505*" in result.stdout


def test_demo_writes_only_into_its_output_folder_and_checks_against_the_engine(tmp_path: Path) -> None:
    workbooks = Path(__file__).resolve().parents[2] / "workbooks"
    before = {p.name: p.read_bytes() for p in workbooks.glob("*.xlsx")}
    result = subprocess.run(
        [sys.executable, "-m", "hipaa_xl.cli", "demo", "--out", str(tmp_path / "out")],
        capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"}, timeout=300, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "equal the engine's own aggregation" in result.stdout
    assert (tmp_path / "out" / "example_exposure.xlsx").exists()
    assert {p.name: p.read_bytes() for p in workbooks.glob("*.xlsx")} == before
