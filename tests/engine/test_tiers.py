"""Tiers from culpability and dates (160.404(b)(2)) and the 30-day cure (1320d-5(b)(2)(A))."""

from __future__ import annotations

import datetime as dt

import pytest

from hipaa_xl.engine import derive_tier, is_cured, parse_tier
from hipaa_xl.errors import InvalidValue

D = dt.date
KNOWN = D(2024, 3, 1)


@pytest.mark.parametrize(
    ("value", "tier"),
    [
        ("A", "A"), ("b", "B"), (" c ", "C"), ("D", "D"), (1, "A"), (2.0, "B"), (3, "C"), (4, "D"),
        ("did not know", "A"), ("Reasonable Cause", "B"), ("willful neglect - corrected", "C"),
        ("Willful neglect \u2013 not corrected", "D"), ("wilful neglect, corrected", "C"),
    ],
)
def test_tier_accepts_letters_numbers_and_culpability_words(value: object, tier: str) -> None:
    assert parse_tier(value) == tier


@pytest.mark.parametrize("value", ["E", "", 0, 5, 1.5, True, None, "willful"])
def test_unknown_tier_is_an_error(value: object) -> None:
    with pytest.raises(InvalidValue):
        parse_tier(value)


def test_bare_willful_neglect_is_not_a_tier_without_dates() -> None:
    with pytest.raises(InvalidValue, match="CMP_TIER"):
        parse_tier("willful neglect")


def test_willful_neglect_corrected_on_known_plus_29_days_is_tier_c() -> None:
    assert derive_tier("willful neglect", KNOWN, KNOWN + dt.timedelta(days=29)).tier == "C"


def test_willful_neglect_corrected_on_known_plus_30_days_is_tier_d() -> None:
    assert derive_tier("willful neglect", KNOWN, KNOWN + dt.timedelta(days=30)).tier == "D"


def test_willful_neglect_without_a_correction_date_is_tier_d() -> None:
    assert derive_tier("willful neglect", KNOWN, None).tier == "D"
    assert derive_tier("willful neglect", None, KNOWN).tier == "D"


def test_correction_before_the_known_date_is_within_the_period_with_a_warning() -> None:
    finding = derive_tier("willful neglect", KNOWN, KNOWN - dt.timedelta(days=5))
    assert finding.tier == "C" and finding.warnings


def test_cure_boundary_known_plus_29_cures_known_plus_30_does_not() -> None:
    assert is_cured("B", KNOWN, KNOWN + dt.timedelta(days=29))
    assert not is_cured("B", KNOWN, KNOWN + dt.timedelta(days=30))
    assert is_cured("A", KNOWN, KNOWN)


def test_cure_never_applies_to_willful_neglect() -> None:
    assert not is_cured("C", KNOWN, KNOWN)
    assert not is_cured("D", KNOWN, KNOWN)
    assert not is_cured("willful neglect", KNOWN, KNOWN)


def test_cure_needs_a_correction_date() -> None:
    assert not is_cured("B", KNOWN, None)
