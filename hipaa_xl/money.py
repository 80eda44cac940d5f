"""How an amount of money is written in text, everywhere (explanations, the CLI, the memo, the chart,
the workbook's notes): whole dollars with thousands separators, the sign in front of the dollar sign;
and the short form of a chart's axis. The one owner of both forms."""

from __future__ import annotations


def dollars(value: int | float, signed: bool = False) -> str:
    """``$1,234``; ``-$1,234`` for a negative amount; ``+$1,234`` when ``signed`` and positive."""
    text = f"${abs(value):,.0f}"
    if value < 0:
        return "-" + text
    return ("+" if signed and value > 0 else "") + text


def short_dollars(value: float) -> str:
    """An axis label: ``$1.5M``, ``$2M``, ``$250K``, ``$900``; ``-$250K`` for a negative amount."""
    if value < 0:
        return "-" + short_dollars(-value)
    if value >= 1_000_000:
        return f"${value / 1_000_000:,.1f}M".replace(".0M", "M")
    if value >= 1_000:
        return f"${value / 1_000:,.0f}K"
    return dollars(value)
