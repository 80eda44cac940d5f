"""Engine speed: scalar evaluations per second and aggregation of 10,000 incidents.

Goals: >= 200,000 scalar evaluations a second; 10,000 incidents aggregated in < 100 ms.
Run: python benchmarks/bench_engine.py
"""

from __future__ import annotations

import datetime as dt
import random
import time

from hipaa_xl.engine import Incident, aggregate, cmp_range


def scalar_rate(n: int = 200_000) -> float:
    rnd = random.Random(1)
    args = [
        (rnd.choice("ABCD"), rnd.randint(0, 500), dt.date(2010, 1, 1) + dt.timedelta(days=rnd.randint(0, 5000)))
        for _ in range(1000)
    ]
    start = time.perf_counter()
    for i in range(n):
        tier, count, day = args[i % 1000]
        cmp_range(tier, count, day, "current", dt.date(2026, 11, 25))  # type: ignore[arg-type]
    return n / (time.perf_counter() - start)


def incidents(n: int = 10_000) -> list[Incident]:
    rnd = random.Random(2)
    out = []
    for i in range(n):
        start = dt.date(2012, 1, 1) + dt.timedelta(days=rnd.randint(0, 5000))
        continuing = rnd.random() < 0.5
        out.append(
            Incident(
                id=str(i),
                entity=f"Entity {rnd.randint(1, 20)}",
                requirement=f"164.{rnd.randint(300, 330)}",
                tier=rnd.choice("ABCD"),
                start=start,
                end=start + dt.timedelta(days=rnd.randint(0, 700)) if continuing else None,
                violations=None if continuing else rnd.randint(1, 1000),
            )
        )
    return out


def main() -> None:
    rate = scalar_rate()
    print(f"scalar engine evaluations: {rate:,.0f}/s (goal >= 200,000/s; ratio to goal {rate / 200_000:.2f}x)")
    data = incidents()
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        result = aggregate(data, "current", dt.date(2026, 11, 25))
        best = min(best, time.perf_counter() - start)
    print(
        f"aggregate 10,000 incidents: {best * 1000:.1f} ms best of 5 ({len(result.rows):,} rows, "
        f"{len(result.groups):,} groups; goal < 100 ms; ratio to goal {best / 0.1:.2f}x)"
    )
    # side by side, measured in the same run (so a busy machine slows both alike): the time the
    # scalar engine takes for as many evaluations as the aggregation has rows
    scalar = len(result.rows) / rate
    print(
        f"the scalar engine for {len(result.rows):,} evaluations: {scalar * 1000:.1f} ms; aggregation / "
        f"scalar {best / scalar:.2f}x (each row is priced, limited, capped and grouped, with its reasons)"
    )


if __name__ == "__main__":
    main()
