"""Reads the law data files shipped in ``hipaa_xl/law/data`` (once per process)."""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import resources
from typing import Any

from hipaa_xl.law.models import AdjustedSeries, FixedSchedule, Rules

_DATA_FILES = ("regulation.json", "statute.json", "pre2009.json", "cfr102.json", "rules.json", "deadlines.json")


def _read(name: str) -> Any:
    return json.loads(resources.files("hipaa_xl.law").joinpath("data", name).read_text("utf-8"))


@functools.cache
def load_fixed(name: str) -> FixedSchedule:
    """A fixed schedule by file stem: ``regulation``, ``statute`` or ``pre2009``."""
    return FixedSchedule.model_validate(_read(f"{name}.json"))


@functools.cache
def load_series() -> AdjustedSeries:
    """The 45 CFR 102.3 tables, oldest first."""
    series = AdjustedSeries.model_validate(_read("cfr102.json"))
    dates = [t.effective for t in series.tables]
    if dates != sorted(dates) or len(set(dates)) != len(dates):
        raise ValueError("cfr102.json: tables must be in order of effective date")
    return series


@functools.cache
def load_rules() -> Rules:
    """Dates, periods, State AG amounts and criminal maxima."""
    return Rules.model_validate(_read("rules.json"))


@functools.cache
def law_data_version() -> str:
    """A short fingerprint of every law data file, for audit stamps."""
    digest = hashlib.sha256()
    for name in _DATA_FILES:
        digest.update(resources.files("hipaa_xl.law").joinpath("data", name).read_bytes())
    return digest.hexdigest()[:12]
