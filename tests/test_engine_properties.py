"""Properties of the engine that hold for any input (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from hipaa_xl.engine import Incident, aggregate, annual_cap, cmp_range
from hipaa_xl.law.schedules import schedule_names

D = dt.date
AS_OF = D(2026, 11, 25)
tiers = st.sampled_from("ABCD")
schedules = st.sampled_from(schedule_names())
dates = st.dates(min_value=D(2005, 1, 1), max_value=AS_OF)


@given(tiers, st.integers(min_value=0, max_value=10**9), dates, schedules)
def test_maximum_at_least_minimum_at_least_zero_and_never_above_the_cap(
    tier: str, n: int, day: dt.date, schedule: str
) -> None:
    low, high = cmp_range(tier, n, day, schedule, AS_OF)  # type: ignore[arg-type]
    assert 0 <= low <= high <= annual_cap(tier, day, schedule, AS_OF)  # type: ignore[arg-type]


incident = st.builds(
    lambda i, tier, start, length, ent, req: Incident(
        id=str(i), entity=ent, requirement=req, tier=tier, start=start, end=start + dt.timedelta(days=length)
    ),
    st.integers(),
    tiers,
    st.dates(min_value=D(2005, 1, 1), max_value=D(2026, 1, 1)),
    st.integers(min_value=0, max_value=900),
    st.sampled_from(["Acme", "Beta"]),
    st.sampled_from(["164.308", "164.312"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(incident, min_size=1, max_size=6), schedules)
def test_exposure_never_exceeds_the_largest_cap_per_group(incidents: list[Incident], schedule: str) -> None:
    result = aggregate(_unique(incidents), schedule, AS_OF)
    for g in result.groups:
        assert 0 <= g.minimum <= g.maximum <= g.largest_cap
        assert g.ag_damages <= 25_000
        for part in g.parts:
            assert part.maximum <= part.cap


@settings(max_examples=60, deadline=None)
@given(incident, st.integers(min_value=1, max_value=800), schedules)
def test_splitting_an_incident_by_year_never_raises_the_total(
    whole: Incident, cut_after: int, schedule: str
) -> None:
    assert whole.start is not None and whole.end is not None
    cut = whole.start + dt.timedelta(days=cut_after)
    if not whole.start < cut <= whole.end:
        return
    first = whole.model_copy(update={"id": "a", "end": cut - dt.timedelta(days=1)})
    second = whole.model_copy(update={"id": "b", "start": cut})
    together = aggregate([whole], schedule, AS_OF).grand_total()
    split = aggregate([first, second], schedule, AS_OF).grand_total()
    assert split == together


def _unique(incidents: list[Incident]) -> list[Incident]:
    return [i.model_copy(update={"id": str(n)}) for n, i in enumerate(incidents)]
