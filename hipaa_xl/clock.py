"""The date the functions treat as "today".

Formulas such as ``TODAY()`` and the functions' default assessment date read it here, so that
``hipaa-xl recalc --as-of`` can make a whole recalculation reproducible.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

_override: dt.date | None = None


def today() -> dt.date:
    """The overriding date when one is set, else the system date."""
    return _override if _override is not None else dt.date.today()


@contextlib.contextmanager
def override_today(day: dt.date | None) -> Iterator[None]:
    """Within the block, ``today()`` returns ``day`` (no change when ``day`` is None)."""
    global _override
    previous = _override
    if day is not None:
        _override = day
    try:
        yield
    finally:
        _override = previous
