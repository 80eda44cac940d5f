"""The package stays installable where xlwings Lite runs it (Pyodide): pure Python, loose pins, data inside."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_dependency_pins_leave_room_for_pyodide_and_lite() -> None:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert "pydantic>=2.10,<3" in deps
    xlwings = next(d for d in deps if d.startswith("xlwings"))
    assert "<" not in xlwings and "==" not in xlwings


@pytest.mark.slow
def test_wheel_is_pure_python_and_carries_the_law_data(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    (wheel,) = tmp_path.glob("hipaa_xl-*.whl")
    assert wheel.name.endswith("-py3-none-any.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if n.endswith((".so", ".pyd", ".dylib"))]
    for data in ("regulation.json", "statute.json", "pre2009.json", "cfr102.json", "rules.json"):
        assert f"hipaa_xl/law/data/{data}" in names
    assert any(n.startswith("hipaa_xl/workbook/data/") for n in names)
