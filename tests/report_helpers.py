"""Helpers for the memo and share-copy tests: workbooks of random matters, reading a .docx in order,
LibreOffice conversions."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from hipaa_xl.workbook.new import _deterministic
from hipaa_xl.workbook.refresh import build_refreshed
from hipaa_xl.workbook.template import build_static_workbook

AS_OF = dt.date(2026, 3, 31)
MEMO_DATE = dt.date(2026, 4, 2)
CULPABILITIES = ("did not know", "reasonable cause", "willful neglect - corrected",
                 "willful neglect - not corrected", "willful neglect")
REQUIREMENTS = ("164.308(a)(1)(ii)(A)", "164.312(a)(2)(iv)", "164.404", "164.502(a)", "164.524", "164.530(b)")


def soffice() -> str:
    """LibreOffice, or skip (fail in CI, where it must be installed)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("LibreOffice (soffice) is required in CI")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def random_matter(seed: int) -> dict[str, Any]:
    """A matter of 3-8 incidents over 1-3 entities with random tiers, dates and counts."""
    rng = random.Random(seed)
    entities = [f"Entity {chr(65 + i)} Health" for i in range(rng.randint(1, 3))]
    incidents = []
    for n in range(rng.randint(3, 8)):
        start = dt.date(2017, 1, 1) + dt.timedelta(days=rng.randint(0, 3000))
        continuing = rng.random() < 0.5
        end = min(start + dt.timedelta(days=rng.randint(0, 700)), AS_OF) if continuing else None
        known = start + dt.timedelta(days=rng.randint(0, 40))
        corrected = known + dt.timedelta(days=rng.randint(5, 400)) if rng.random() < 0.7 else None
        if corrected is not None and corrected > AS_OF:
            corrected = None
        incidents.append({
            "id": f"R{seed}-{n + 1}", "entity": rng.choice(entities), "requirement": rng.choice(REQUIREMENTS),
            "description": f"random incident {n + 1}", "culpability": rng.choice(CULPABILITIES), "tier": None,
            "start": start.isoformat(), "end": end.isoformat() if end else None,
            "violations": None if continuing else rng.randint(1, 2000), "known": known.isoformat(),
            "corrected": corrected.isoformat() if corrected else None, "duplicate_of": None,
            "federal_action_pending": rng.random() < 0.15, "criminal_penalty_imposed": False,
            "factors": rng.choice(["", "Prior technical assistance", "About 2,000 patients affected"]),
        })
    return {"schedule": rng.choice(("current", "regulation", "statute", "current-tiered")), "incidents": incidents}


def matter_workbook(matter: dict[str, Any]) -> bytes:
    """A refreshed workbook of ``matter`` (as ``hipaa-xl new`` would write it)."""
    static = build_static_workbook(schedule=matter["schedule"], as_of=AS_OF,
                                   matter={"client": "Client", "matter_name": "Random matter",
                                           "matter_number": "1", "prepared_by": "Tester"},
                                   incidents=matter["incidents"])
    data, _ = build_refreshed(_deterministic(static), stamp_time="generated for a test")
    return data


def body(path: Path) -> list[Paragraph | Table]:
    """The memo's paragraphs and tables in reading order."""
    return list(Document(str(path)).iter_inner_content())


def table_after(items: list[Paragraph | Table], heading: str) -> Table:
    """The first table after the paragraph whose text is ``heading``."""
    seen = False
    for item in items:
        if isinstance(item, Paragraph) and item.text.strip() == heading:
            seen = True
        elif seen and isinstance(item, Table):
            return item
    raise AssertionError(f"no table after {heading!r}")


def rows(table: Table) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in table.rows]


def text_of(items: list[Paragraph | Table]) -> str:
    out = []
    for item in items:
        if isinstance(item, Paragraph):
            out.append(item.text)
        else:
            out.extend(" | ".join(r) for r in rows(item))
    return "\n".join(out)


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of ``pdf`` (pdftotext -layout)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, timeout=60)
    pages = done.stdout.decode("utf-8").split("\f")
    return [p for p in pages if p.strip()]
