"""Hypothesis strategies shared by the property tests (as attrs keeps tests/strategies.py)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from hipaa_xl.engine import Incident
from hipaa_xl.law.schedules import schedule_names

D = dt.date

tiers = st.sampled_from("ABCD")
"""A culpability tier letter."""

schedules = st.sampled_from(schedule_names())
"""Any schedule a user may choose."""

violation_dates = st.dates(min_value=D(2005, 1, 1), max_value=D(2026, 1, 1))
"""Violation days from before HITECH (2009-02-18) through the 102.3 era."""

incidents = st.builds(
    lambda i, tier, start, length, ent, req: Incident(
        id=str(i), entity=ent, requirement=req, tier=tier, start=start, end=start + dt.timedelta(days=length)
    ),
    st.integers(),
    tiers,
    violation_dates,
    st.integers(min_value=0, max_value=900),
    st.sampled_from(["Acme", "Beta"]),
    st.sampled_from(["164.308", "164.312"]),
)
"""A continuing incident of up to 900 days, of one of two entities and two requirements."""
