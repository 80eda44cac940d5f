"""The law as data: dated, cited amounts read from ``law/data/*.json``, and the schedules built on them."""

from hipaa_xl.law.loader import law_data_version, load_rules
from hipaa_xl.law.schedules import (
    DEFAULT_SCHEDULE,
    Amounts,
    Regime,
    Schedule,
    resolve_amounts,
    schedule_names,
    schedules,
)

__all__ = [
    "DEFAULT_SCHEDULE",
    "Amounts",
    "Regime",
    "Schedule",
    "law_data_version",
    "load_rules",
    "resolve_amounts",
    "schedule_names",
    "schedules",
]
