"""Excel function speed in-process: one scalar call, and one array call over 10,000 rows.

Goals: a scalar call <= 20 us; an array call over 10,000 rows <= 50 ms. The ratio of the
array call to 10,000 scalar calls shows what one round-trip per range saves (measured side by side).
Run: python benchmarks/bench_udfs.py
"""

from __future__ import annotations

import datetime as dt
import random
import time

from hipaa_xl.udfs import CMP_MAX, VIOLATION_DAYS

N = 10_000


def main() -> None:
    rnd = random.Random(3)
    tiers = [rnd.choice("ABCD") for _ in range(N)]
    counts = [float(rnd.randint(0, 400)) for _ in range(N)]
    dates = [dt.datetime(2012, 1, 1) + dt.timedelta(days=rnd.randint(0, 4000)) for _ in range(N)]

    scalar_total = array = float("inf")
    for _ in range(3):  # best of three, alternating, so both see the same machine
        start = time.perf_counter()
        for t, n, d in zip(tiers, counts, dates, strict=True):
            CMP_MAX(t, n, d, "current", "2026-11-25")
        scalar_total = min(scalar_total, time.perf_counter() - start)

        start = time.perf_counter()
        out = CMP_MAX([[t] for t in tiers], [[n] for n in counts], [[d] for d in dates], "current", "2026-11-25")
        array = min(array, time.perf_counter() - start)
        assert len(out) == N

    start = time.perf_counter()
    VIOLATION_DAYS([[d] for d in dates], [[d + dt.timedelta(days=400)] for d in dates], 2015, "2026-11-25")
    days_array = time.perf_counter() - start

    per_call = scalar_total / N * 1e6
    print(f"CMP_MAX scalar call: {per_call:.1f} us (goal <= 20 us; {per_call / 20:.2f}x of goal)")
    print(f"CMP_MAX array call over {N:,} rows: {array * 1000:.1f} ms (goal <= 50 ms; {array / 0.05:.2f}x of goal)")
    print(f"VIOLATION_DAYS array call over {N:,} rows: {days_array * 1000:.1f} ms")
    print(f"array call / {N:,} scalar calls: {array / scalar_total:.2f}")


if __name__ == "__main__":
    main()
