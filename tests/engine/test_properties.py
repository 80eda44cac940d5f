"""Properties of the engine that hold for any input (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from hipaa_xl.engine import ExposureRow, Incident, aggregate, annual_cap, cmp_range
from tests.strategies import incidents as any_incident
from tests.strategies import schedules, tiers

D = dt.date
AS_OF = D(2026, 11, 25)
dates = st.dates(min_value=D(2005, 1, 1), max_value=AS_OF)


@given(tiers, st.integers(min_value=0, max_value=10**9), dates, schedules)
def test_maximum_at_least_minimum_at_least_zero_and_never_above_the_cap(
    tier: str, n: int, day: dt.date, schedule: str
) -> None:
    low, high = cmp_range(tier, n, day, schedule, AS_OF)  # type: ignore[arg-type]
    assert 0 <= low <= high <= annual_cap(tier, day, schedule, AS_OF)  # type: ignore[arg-type]




@settings(max_examples=60, deadline=None)
@given(st.lists(any_incident, min_size=1, max_size=6), schedules)
def test_exposure_never_exceeds_the_largest_cap_per_group(incidents: list[Incident], schedule: str) -> None:
    result = aggregate(_unique(incidents), schedule, AS_OF)
    for g in result.groups:
        assert 0 <= g.minimum <= g.maximum <= g.largest_cap
        assert g.ag_damages <= 25_000
        for part in g.parts:
            assert part.maximum <= part.cap


@settings(max_examples=60, deadline=None)
@given(any_incident, st.integers(min_value=1, max_value=800), schedules)
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


def _group_by_definition(rows: list[ExposureRow], ag_cap: int) -> tuple[int, int, int, int, int | float]:
    """A group's (violations, minimum, maximum, time-barred maximum, AG damages) written plainly from
    decisions 8: each (tier, regime) part's rows summed and capped by its cap, the total capped by
    the largest cap, AG damages capped once."""
    parts: dict[tuple[str, str], list[ExposureRow]] = {}
    for r in rows:
        parts.setdefault((r.tier, r.regime), []).append(r)
    largest = max(p[0].cap for p in parts.values())
    violations = sum(r.violations for r in rows if r.status == "counted")
    low = min(sum(min(sum(r.minimum for r in p), p[0].cap) for p in parts.values()), largest)
    high = min(sum(min(sum(r.maximum for r in p), p[0].cap) for p in parts.values()), largest)
    barred = min(sum(min(sum(r.time_barred_maximum for r in p), p[0].cap) for p in parts.values()), largest)
    return violations, low, high, barred, min(sum(r.ag_damages for r in rows), ag_cap)


@settings(max_examples=60, deadline=None)
@given(st.lists(any_incident, min_size=1, max_size=8), schedules)
def test_every_group_of_one_row_or_many_equals_its_rows_capped_by_definition(
    incidents: list[Incident], schedule: str
) -> None:
    # the engine sums rows into their group as they come and caps once at the end; a group of one
    # row (the common case) must come out exactly as the definition gives, like a group of many
    result = aggregate(_unique(incidents), schedule, AS_OF)
    members: dict[tuple[str, str, int], list[ExposureRow]] = {}
    for r in result.rows:
        members.setdefault((r.entity_key, r.requirement_key, r.year), []).append(r)
    assert len(members) == len(result.groups)
    for g in result.groups:
        rows = members[(g.entity_key, g.requirement_key, g.year)]
        expected = _group_by_definition(rows, g.ag_cap)
        assert (g.violations, g.minimum, g.maximum, g.time_barred_maximum, g.ag_damages) == expected
        assert [(p.tier, p.regime) for p in g.parts] == list(dict.fromkeys((r.tier, r.regime) for r in rows))
