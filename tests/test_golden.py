"""Every public worked example in ../shared/golden/*.json (cases.json, inflation-cases.json)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import GOLDEN, golden_cases

from hipaa_xl import udfs

CASES = golden_cases()


def test_golden_files_are_present_and_read() -> None:
    names = {p.name for p in GOLDEN.glob("*.json")}
    assert {"cases.json", "inflation-cases.json"} <= names
    assert len(CASES) >= 60


@pytest.mark.parametrize(("case_id", "case"), CASES, ids=[c[0] for c in CASES])
def test_golden_case(case_id: str, case: dict[str, Any]) -> None:
    result = getattr(udfs, case["call"])(*case["args"])
    if "expect_error" in case:
        assert isinstance(result, str) and result.startswith(case["expect_error"]), result
        assert len(result) > len(case["expect_error"]) + 3, "an error must carry a reason"
    else:
        assert result == case["expect"], case["rule"]
        assert type(result) is type(case["expect"])
