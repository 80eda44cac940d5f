"""The project explains itself: every "decisions N" it cites is in docs/decisions.md, nothing points outside."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CITED = re.compile(r"decisions? (\d+(?:(?:, | and |-)\d+)*)")


def _project_texts() -> dict[Path, str]:
    files = [*ROOT.joinpath("hipaa_xl").rglob("*.py"), *ROOT.joinpath("docs").glob("*.md"), ROOT / "README.md"]
    return {f: f.read_text(encoding="utf-8") for f in files}


def _numbers(cited: str) -> set[int]:
    out: set[int] = set()
    for part in re.split(r", | and ", cited):
        lo, _, hi = part.partition("-")
        out.update(range(int(lo), int(hi or lo) + 1))
    return out


def test_every_decision_the_code_cites_is_numbered_in_docs_decisions() -> None:
    numbered = {int(n) for n in re.findall(r"^(\d+)\. \*\*", (ROOT / "docs/decisions.md").read_text(), re.M)}
    assert numbered == set(range(1, len(numbered) + 1))  # numbered 1..N without a gap
    for path, text in _project_texts().items():
        if path.name == "decisions.md":
            continue
        for match in CITED.finditer(text):
            missing = _numbers(match.group(1)) - numbered
            assert not missing, f"{path.relative_to(ROOT)} cites decisions {sorted(missing)}"


def test_no_code_or_doc_points_outside_the_repository() -> None:
    law_data = {f: f.read_text(encoding="utf-8") for f in ROOT.joinpath("hipaa_xl").rglob("*.json")}
    for path, text in {**_project_texts(), **law_data}.items():
        assert "../shared" not in text and "shared/notes" not in text, path.relative_to(ROOT)
