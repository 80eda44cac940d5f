"""Culpability tiers (45 CFR 160.404(b)(2); 42 U.S.C. 1320d-5(a)(1)) and the 30-day cure.

One vocabulary, case-insensitive, serves the parser and the workbook's dropdown: "did not know" (A),
"reasonable cause" (B), "willful neglect - corrected" (C), "willful neglect - not corrected" (D),
letters A-D and numbers 1-4. A bare "willful neglect" needs dates to tell C from D (``derive_tier``).
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from pydantic import BaseModel, ConfigDict

from hipaa_xl.errors import InvalidValue, shown
from hipaa_xl.law.loader import load_rules
from hipaa_xl.law.models import Tier

CULPABILITY_CHOICES: tuple[str, ...] = (
    "did not know",
    "reasonable cause",
    "willful neglect - corrected",
    "willful neglect - not corrected",
    "willful neglect",
)
"""The Culpability dropdown, in tier order; the bare "willful neglect" lets the dates decide."""

BARE_WILLFUL = "willful neglect"

_WORDS: dict[str, Tier] = {
    "a": "A",
    "1": "A",
    "tier a": "A",
    "did not know": "A",
    "b": "B",
    "2": "B",
    "tier b": "B",
    "reasonable cause": "B",
    "c": "C",
    "3": "C",
    "tier c": "C",
    "willful neglect corrected": "C",
    "d": "D",
    "4": "D",
    "tier d": "D",
    "willful neglect not corrected": "D",
    "willful neglect uncorrected": "D",
}

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_,;:()]+")


@functools.lru_cache(maxsize=4096)
def normalise_words(text: str) -> str:
    """Lower case, dashes and punctuation as spaces, one space between words, 'wilful' as 'willful'."""
    words = _SEPARATORS.sub(" ", text.casefold()).strip()
    return re.sub(r"\bwilful\b", "willful", words)


def _tier_or_bare(value: object) -> Tier | None:
    """The tier a value names, or None for a bare "willful neglect"; InvalidValue otherwise."""
    if isinstance(value, bool):
        raise InvalidValue(f"tier must be A, B, C or D (got {shown(value)})")
    if isinstance(value, int | float):
        if value in (1, 2, 3, 4):
            return "ABCD"[int(value) - 1]  # type: ignore[return-value]
        raise InvalidValue(f"tier must be A, B, C or D, or 1 to 4 (got {shown(value)})")
    if isinstance(value, str):
        words = normalise_words(value)
        if words in _WORDS:
            return _WORDS[words]
        if words == BARE_WILLFUL:
            return None
        raise InvalidValue(
            f"tier must be A, B, C or D, 1 to 4, or one of: {', '.join(CULPABILITY_CHOICES[:4])} "
            f"(got {shown(value)})"
        )
    raise InvalidValue(f"tier must be A, B, C or D (got {shown(value)})")


def parse_tier(value: object) -> Tier:
    """A tier from "A".."D" (any case), 1-4 or the culpability words (45 CFR 160.404(b)(2)(i)-(iv))."""
    tier = _tier_or_bare(value)
    if tier is None:
        raise InvalidValue(
            "'willful neglect' alone does not give a tier: say 'willful neglect - corrected' (C) or "
            "'willful neglect - not corrected' (D), or derive it from the dates with CMP_TIER"
        )
    return tier


class TierFinding(BaseModel):
    """A tier with the reason it was chosen and any warning about the dates."""

    model_config = ConfigDict(frozen=True)

    tier: Tier
    reason: str
    warnings: tuple[str, ...] = ()


def last_day_of_cure_period(known: dt.date) -> dt.date:
    """The 30th day of the period that begins on ``known`` (day 1): known + 29 days."""
    days = load_rules().cure_period_days.value
    return known + dt.timedelta(days=days - 1)


def cure_period_end(
    known: dt.date | None, cure_period_ends: dt.date | None = None
) -> tuple[dt.date | None, bool, list[str]]:
    """The last day of the cure period: (day, extended by the Secretary?, warnings).

    Known + 29 (the 30-day period of 1320d-5(b)(2)(A), day 1 being the known date), or the date the
    Secretary extended it to (1320d-5(b)(2)(B)(i); 45 CFR 160.410(b)(2)(ii)(B), (c)(2)(ii)). An
    extension cannot shorten the period: an earlier date is ignored with a warning. No known date and
    no extension: None (the period is not established).
    """
    thirty = last_day_of_cure_period(known) if known is not None else None
    if cure_period_ends is None:
        return thirty, False, []
    if thirty is not None and cure_period_ends < thirty:
        return thirty, False, [
            f"the cure period ends date ({cure_period_ends.isoformat()}) is before the last day of the "
            f"30-day period ({thirty.isoformat()}); an extension cannot shorten the period, so the 30-day "
            "period is used"
        ]
    return cure_period_ends, thirty is None or cure_period_ends > thirty, []


def corrected_within_period(
    known: dt.date | None, corrected: dt.date | None, cure_period_ends: dt.date | None = None
) -> tuple[bool, list[str]]:
    """Whether the correction falls in the cure period: the 30-day period beginning on the known
    date, or the period as the Secretary extended it (``cure_period_ends``).

    1320d-5(b)(2)(A)-(B); 160.404(b)(2)(iii). A correction dated before the known date counts as
    within the period (with a warning); a missing date means the correction is not established.
    """
    last, _extended, warnings = cure_period_end(known, cure_period_ends)
    if last is None or corrected is None:
        return False, warnings
    if known is not None and corrected < known:
        warnings.append(
            f"the correction ({corrected.isoformat()}) is dated before the known date "
            f"({known.isoformat()}); treated as within the 30-day period"
        )
    return corrected <= last, warnings


def _period_words(known: dt.date | None, last: dt.date, extended: bool) -> str:
    """How the period is described in a reason: the 30-day period, or the extended one, cited."""
    ext = load_rules().cure_period_extension
    begins = f" beginning {known.isoformat()}" if known is not None else ""
    if extended:
        return (
            f"the cure period{begins} as extended by the Secretary to {last.isoformat()} "
            f"({ext.citation}; {ext.reading})"
        )
    return f"the 30-day period{begins} (last day {last.isoformat()})"


def derive_tier(
    culpability: object,
    known: dt.date | None,
    corrected: dt.date | None,
    cure_period_ends: dt.date | None = None,
) -> TierFinding:
    """The tier from culpability and dates: willful neglect corrected within the 30-day period
    beginning on the known date (or the period as the Secretary extended it) is C, otherwise D
    (160.404(b)(2)(iii)-(iv); 1320d-5(a)(1)(C), (b)(2)(B)(i))."""
    tier = _tier_or_bare(culpability)
    cite = load_rules().cure_period_days.citation
    if tier is not None:
        return TierFinding(tier=tier, reason=f"tier {tier} as given ({culpability!r})")
    last, extended, _ = cure_period_end(known, cure_period_ends)
    within, warnings = corrected_within_period(known, corrected, cure_period_ends)
    if within:
        assert last is not None and corrected is not None
        return TierFinding(
            tier="C",
            reason=(
                f"willful neglect corrected on {corrected.isoformat()}, within "
                f"{_period_words(known, last, extended)}: tier C, 45 CFR 160.404(b)(2)(iii); {cite}"
            ),
            warnings=tuple(warnings),
        )
    if last is None or corrected is None:
        reason = (
            "willful neglect with no known date or no correction date: correction within the 30-day "
            "period is not established, so tier D (45 CFR 160.404(b)(2)(iv))"
        )
    else:
        reason = (
            f"willful neglect corrected on {corrected.isoformat()}, after "
            f"{_period_words(known, last, extended)}: tier D, 45 CFR 160.404(b)(2)(iv)"
        )
    return TierFinding(tier="D", reason=reason, warnings=tuple(warnings))


def is_cured(
    tier: object,
    known: dt.date | None,
    corrected: dt.date | None,
    cure_period_ends: dt.date | None = None,
) -> bool:
    """True when the cure bars any penalty (42 U.S.C. 1320d-5(b)(2)(A)): a failure not due to
    willful neglect (tiers A, B) corrected within the 30-day period beginning on the known date, or
    within the period as the Secretary extended it (``cure_period_ends``, (b)(2)(B)(i))."""
    if corrected is None or (known is None and cure_period_ends is None):
        _tier_or_bare(tier)  # still reject an unknown tier
        return False
    parsed = _tier_or_bare(tier)
    if parsed not in ("A", "B"):
        return False
    return corrected_within_period(known, corrected, cure_period_ends)[0]
