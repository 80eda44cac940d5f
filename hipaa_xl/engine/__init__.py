"""The penalty engine: pure functions over pydantic models, no Excel anywhere."""

from hipaa_xl.engine.ag import ag_damages
from hipaa_xl.engine.aggregate import aggregate
from hipaa_xl.engine.criminal import criminal_explanation, criminal_offense
from hipaa_xl.engine.days import count_days, days_in_year, is_time_barred, split_by_year
from hipaa_xl.engine.incidents import Aggregation, ExposureRow, GroupTotal, Incident, InvalidIncident
from hipaa_xl.engine.penalties import CmpResult, annual_cap, cmp_range, explain_cmp
from hipaa_xl.engine.tiers import CULPABILITY_CHOICES, derive_tier, is_cured, parse_tier

__all__ = [
    "CULPABILITY_CHOICES",
    "Aggregation",
    "CmpResult",
    "ExposureRow",
    "GroupTotal",
    "Incident",
    "InvalidIncident",
    "ag_damages",
    "aggregate",
    "annual_cap",
    "cmp_range",
    "count_days",
    "criminal_explanation",
    "criminal_offense",
    "days_in_year",
    "derive_tier",
    "explain_cmp",
    "is_cured",
    "is_time_barred",
    "parse_tier",
    "split_by_year",
]
