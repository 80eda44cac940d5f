"""Money in text has one owner (hipaa_xl.money): whole dollars with separators, the sign before the "$"."""

from __future__ import annotations

import pytest

from hipaa_xl.money import dollars, short_dollars


@pytest.mark.parametrize(("value", "signed", "text"), [
    (1234, False, "$1,234"), (1234.4, False, "$1,234"), (-1234, False, "-$1,234"), (1234, True, "+$1,234"),
    (0, True, "$0"), (2_067_813, False, "$2,067,813"),
])
def test_an_amount_is_whole_dollars_with_separators_and_the_sign_before_the_dollar(
        value: float, signed: bool, text: str) -> None:
    assert dollars(value, signed) == text


@pytest.mark.parametrize(("value", "text"), [
    (1_500_000, "$1.5M"), (2_000_000, "$2M"), (250_000, "$250K"), (1_000, "$1K"), (900, "$900"),
    (0, "$0"), (-250_000, "-$250K"),
])
def test_an_axis_label_is_short_and_signed_like_every_other_amount(value: float, text: str) -> None:
    assert short_dollars(value) == text
