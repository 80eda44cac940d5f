"""Plain test helpers (imported as `from helpers import ...`): where the public worked examples live."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
"""The public materials beside a checkout (CI has them); tests that need them skip when absent."""
GOLDEN = REPO / "tests" / "golden"
"""The project's own copy of the public worked examples (source: the public golden cases)."""
SHARED_GOLDEN = SHARED / "golden"


def golden_cases() -> list[tuple[str, dict[str, Any]]]:
    """Every case of every tests/golden/*.json file, as (file:id, case)."""
    out = []
    for path in sorted(GOLDEN.glob("*.json")):
        for case in json.loads(path.read_text("utf-8"))["cases"]:
            out.append((f"{path.name}:{case['id']}", case))
    return out
