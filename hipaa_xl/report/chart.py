"""The memo's chart: the statutory range (minimum to maximum) per calendar year, one panel per entity.

Drawn with matplotlib (a well-kept plotting library that writes a PNG Word and LibreOffice both
show) from the Summary's cached figures; each bar runs from the year's total statutory minimum (if a
CMP is imposed) to its total maximum, summed over the entity's requirements, each of which is
capped per calendar year (45 CFR 160.404(b)(2)); a dot marks the lawyer's Chosen total where set.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from hipaa_xl.money import short_dollars

NAVY = "#1F3864"
LIGHT = "#9DB3D9"
CHOSEN = "#C00000"


@dataclass(frozen=True)
class YearRange:
    """One bar: an entity's total minimum and maximum in one calendar year (and its Chosen total)."""

    entity: str
    year: int
    minimum: float
    maximum: float
    chosen: float | None = None


def chart_years(ranges: Sequence[YearRange]) -> list[int]:
    """The chart's years: every calendar year from the first to the last with violations, without a
    break (a year without violations is an empty slot on the axis, never skipped)."""
    present = sorted({r.year for r in ranges})
    return list(range(present[0], present[-1] + 1)) if present else []


def range_chart_png(ranges: Sequence[YearRange], title: str, width_in: float = 6.5,
                    height_in: float = 9.0) -> bytes:
    """The chart as PNG bytes (deterministic: no timestamp or software tag in the file). The years run
    without a break from the first to the last: a year without violations is an empty slot, not skipped.
    The height is at most ``height_in``."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.artist import Artist
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    entities = list(dict.fromkeys(r.entity for r in ranges)) or ["(no incidents)"]
    years = chart_years(ranges) or [0]
    panel = 1.55 if len(entities) > 1 else 2.6
    height = min(height_in, 0.9 + panel * len(entities))
    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 8, "svg.hashsalt": "hipaa-xl"})
    fig, axes = plt.subplots(len(entities), 1, figsize=(width_in, height), sharex=True, squeeze=False)
    top = max([r.maximum for r in ranges] + [1.0])
    for ax, entity in zip(axes[:, 0], entities, strict=True):
        mine = {r.year: r for r in ranges if r.entity == entity}
        xs = list(range(len(years)))
        lows = [mine[y].minimum if y in mine else 0.0 for y in years]
        highs = [mine[y].maximum if y in mine else 0.0 for y in years]
        ax.bar(xs, lows, color=LIGHT, width=0.62, edgecolor=NAVY, linewidth=0.4)
        ax.bar(xs, [h - lo for lo, h in zip(lows, highs, strict=True)], bottom=lows, color=NAVY, width=0.62)
        for x, y in zip(xs, years, strict=True):
            r = mine.get(y)
            if r is not None and r.chosen is not None:
                ax.plot([x], [r.chosen], marker="D", color=CHOSEN, markersize=5, zorder=3)
        ax.set_ylim(0, top * 1.08)
        ax.yaxis.set_major_locator(MaxNLocator(4))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: short_dollars(v)))
        ax.set_title(entity, loc="left", fontsize=8.5, fontweight="bold", color=NAVY)
        ax.grid(axis="y", color="#D9D9D9", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    last = axes[-1, 0]
    last.set_xticks(list(range(len(years))))
    last.set_xticklabels([str(y) if len(years) <= 14 or y % 2 == 0 else "" for y in years])
    last.set_xlabel("Calendar year of the violations")
    handles: list[Artist] = [Patch(color=LIGHT, label="up to the statutory minimum"),
               Patch(color=NAVY, label="minimum to maximum (the range)")]
    if any(r.chosen is not None for r in ranges):
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], marker="D", color=CHOSEN, linestyle="", label="Chosen"))
    head = 0.55 / height
    fig.suptitle(title, fontsize=10, fontweight="bold", color=NAVY, x=0.01, y=0.995, ha="left", va="top")
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.005, 1 - 0.28 / height), ncol=len(handles),
               fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 1 - head))
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=200, metadata={"Software": None})
    plt.close(fig)
    return out.getvalue()
