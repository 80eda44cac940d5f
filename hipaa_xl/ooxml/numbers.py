"""Numbers as Excel writes them as text (General format), shared by the evaluator and the generated sheets."""

from __future__ import annotations

import math
from typing import Any


def number_to_text(x: Any) -> str:
    """A number as Excel's General format turns it into text (at most 15 significant digits)."""
    if type(x) is int:
        return str(x) if abs(x) < 10**15 else number_to_text(float(x))
    if not math.isfinite(x):
        return "#NUM!"
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    text = f"{x:.15g}"
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        exp = int(exponent)
        if -10 < exp < 0:  # Excel writes small numbers out in full (0.00001)
            return f"{x:.{15 - exp - 1}f}".rstrip("0").rstrip(".")
        return f"{mantissa}E{'+' if exp >= 0 else '-'}{abs(exp):02d}"
    return text
