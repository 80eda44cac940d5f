"""How an amount of money is written in text, everywhere (explanations, the CLI, the memo):
whole dollars with thousands separators, the sign in front of the dollar sign."""

from __future__ import annotations


def dollars(value: int | float, signed: bool = False) -> str:
    """``$1,234``; ``-$1,234`` for a negative amount; ``+$1,234`` when ``signed`` and positive."""
    text = f"${abs(value):,.0f}"
    if value < 0:
        return "-" + text
    return ("+" if signed and value > 0 else "") + text
