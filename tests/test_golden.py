"""Every public worked example in tests/golden/*.json (cases.json, inflation-cases.json), the project's copy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hipaa_xl import udfs
from tests.helpers import GOLDEN, SHARED_GOLDEN, golden_cases

CASES = golden_cases()


def test_golden_files_are_present_and_read() -> None:
    names = {p.name for p in GOLDEN.glob("*.json")}
    assert {"cases.json", "inflation-cases.json"} <= names
    assert len(CASES) >= 60


def _cases_by_id(folder: Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        for case in json.loads(path.read_text("utf-8"))["cases"]:
            out[f"{path.name}:{case['id']}"] = case
    return out


@pytest.mark.skipif(not SHARED_GOLDEN.is_dir(), reason="needs the public golden cases beside the checkout")
def test_project_copy_holds_every_public_golden_case() -> None:
    ours = _cases_by_id(GOLDEN)
    missing = {key: case for key, case in _cases_by_id(SHARED_GOLDEN).items() if ours.get(key) != case}
    assert not missing, f"tests/golden lacks or changed these public cases: {sorted(missing)}"


@pytest.mark.parametrize(("case_id", "case"), CASES, ids=[c[0] for c in CASES])
def test_golden_case(case_id: str, case: dict[str, Any]) -> None:
    result = getattr(udfs, case["call"])(*case["args"])
    if "expect_error" in case:
        assert isinstance(result, str) and result.startswith(case["expect_error"]), result
        assert len(result) > len(case["expect_error"]) + 3, "an error must carry a reason"
    else:
        assert result == case["expect"], case["rule"]
        assert type(result) is type(case["expect"])
