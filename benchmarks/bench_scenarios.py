"""Scenario speed: 10 scenarios of a 10,000-incident matter against one aggregation.

Goal: the base and 10 scenarios (50 changes each) within a few times one aggregation. A scenario
with its own schedule or as-of date re-prices every incident (one full aggregation); the run below
has one such scenario among the ten, so read the ratio with that in mind.
Run: python benchmarks/bench_scenarios.py
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engine import incidents

from hipaa_xl.engine import aggregate
from hipaa_xl.engine.scenario_records import ChangeInput, ScenarioInput
from hipaa_xl.engine.scenarios import run_scenarios
from hipaa_xl.workbook.scenario_tables import change_row, scenario_row

AS_OF = dt.date(2026, 11, 25)


def scenarios(n: int, ids: list[str], own_schedule: bool) -> tuple[list[ScenarioInput], list[ChangeInput]]:
    rnd = random.Random(3)
    specs, changes = [], []
    for s in range(n):
        name = f"S{s + 1}"
        schedule = "statute" if own_schedule and s == n - 1 else None
        specs.append(scenario_row(name, probability=1 / n, schedule=schedule))
        for incident_id in rnd.sample(ids, 50):
            field, value = rnd.choice([("Tier", rnd.choice("ABCD")), ("Excluded", "Yes"),
                                       ("Criminal penalty imposed", "Yes"), ("Violations", rnd.randint(1, 500))])
            changes.append(change_row(name, incident_id, field, value))
    return specs, changes


def best_of(runs: int, fn: object) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    data = incidents()
    one = best_of(3, lambda: aggregate(data, "current", AS_OF))
    print(f"{'one aggregation (10,000 incidents)':<52}{one * 1000:>9.1f} ms")
    result = None
    for own_schedule in (False, True):
        specs, changes = scenarios(10, [i.id for i in data], own_schedule)

        def all_scenarios() -> None:
            nonlocal result
            result = run_scenarios(data, specs, changes, "current", AS_OF)  # noqa: B023

        many = best_of(3, all_scenarios)
        label = "base + 10 scenarios, one on its own schedule" if own_schedule else "base + 10 scenarios"
        print(f"{label:<52}{many * 1000:>9.1f} ms   {many / one:.2f}x one aggregation")
    print("(50 changes a scenario; a scenario on its own schedule or as-of date is a full aggregation;\n"
          " goal: a few times one aggregation)")
    assert result is not None
    print()
    print(f"{'scenario':<10}{'schedule':<10}{'minimum':>18}{'maximum':>18}{'vs base (max)':>18}")
    for r in result.all:
        lo = f"${r.total.minimum:,.0f}" if r.total else "#N/A"
        hi = f"${r.total.maximum:,.0f}" if r.total else "#N/A"
        diff = f"{r.difference.maximum:+,.0f}" if r.difference else ""
        print(f"{r.name:<10}{r.schedule:<10}{lo:>18}{hi:>18}{diff:>18}")


if __name__ == "__main__":
    main()
