"""Dependencies bounded to what works: every direct dependency has a tested lower bound and an upper
cap, and the lowest versions pyproject.toml allows pass the quick tests (scripts/lowest-deps.sh)."""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
DIRECT = [*PROJECT["dependencies"], *PROJECT["optional-dependencies"]["report"]]
BOUNDED = re.compile(r"^[A-Za-z0-9_.\-]+(\[[^\]]*\])?\s*>=\s*[0-9][^,]*,\s*<\s*[0-9]\S*$")


UNCAPPED = {"xlwings"}
"""xlwings has a lower bound only: an xlwings Lite workbook installs the xlwings its add-in needs beside
hipaa-xl, and a cap would refuse the next one (tests/test_packaging.py)."""


def test_every_direct_dependency_has_a_lower_bound_and_an_upper_cap() -> None:
    loose = [spec for spec in DIRECT if not BOUNDED.match(spec) and spec.split(">=")[0] not in UNCAPPED]
    assert not loose, loose
    for name in UNCAPPED:
        (spec,) = [spec for spec in DIRECT if spec.split(">=")[0] == name]
        assert re.fullmatch(rf"{name}>=[0-9.]+", spec), spec


def test_typer_is_bounded_to_the_versions_that_have_typer_click_and_typer_exceptions() -> None:
    # cli/common.py imports typer._click (typer vendors click from 0.26 on, and no longer depends on it)
    # and typer.exceptions (from 0.27.2 on)
    (typer,) = [spec for spec in DIRECT if spec.startswith("typer")]
    assert typer == "typer>=0.27.2,<0.30"
    import typer._click.exceptions as vendored
    import typer.exceptions

    assert vendored.UsageError and vendored.NoArgsIsHelpError and typer.exceptions.TyperException


@pytest.mark.slow
def test_the_lowest_allowed_versions_pass_the_quick_tests(tmp_path: Path) -> None:
    # a throwaway venv with every direct dependency at its lower bound, then the quick tests
    done = subprocess.run(["bash", str(ROOT / "scripts" / "lowest-deps.sh")], capture_output=True, text=True,
                          timeout=1800, cwd=ROOT, env={**os.environ, "TMPDIR": str(tmp_path)})
    tail = (done.stdout + done.stderr)[-3000:]
    assert done.returncode == 0, tail
    assert " passed" in done.stdout and "lowest allowed:" in done.stdout, tail
