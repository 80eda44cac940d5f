"""The 45 CFR 160.408 factors as data, and the typed record of one factor a lawyer marks on a matter.

Within the statutory range the Secretary "may consider as aggravating or mitigating factors" (a) the
nature and extent of the violation, (b) of the harm, (c) the history of prior compliance, (d) the
financial condition and (e) other matters as justice may require, each with the sub-points of the
regulation (``law/data/factors.json``, with its source). A marked factor says which factor (or
sub-point), whether it aggravates, mitigates or is neutral, and why; it is not arithmetic.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from hipaa_xl.errors import HipaaInputError, shown

Effect = Literal["aggravating", "mitigating", "neutral"]
EFFECTS: tuple[Effect, ...] = ("aggravating", "mitigating", "neutral")


@dataclass(frozen=True)
class Factor:
    """One lettered factor of 160.408 and its sub-points (numbered from 1)."""

    letter: str
    title: str
    citation: str
    points: tuple[str, ...]


@dataclass(frozen=True)
class FactorLaw:
    """The factors and where their words come from."""

    citation: str
    url: str
    read_on: dt.date
    checked: bool
    note: str
    factors: tuple[Factor, ...]

    def by_letter(self, letter: str) -> Factor | None:
        return next((f for f in self.factors if f.letter == letter), None)

    def choices(self) -> tuple[str, ...]:
        """Every label the Factor column offers: "(a) Nature ...", then "(a)(1) Number of ..."."""
        out: list[str] = []
        for f in self.factors:
            out.append(f"({f.letter}) {f.title}")
            out += [f"({f.letter})({i}) {p}" for i, p in enumerate(f.points, start=1)]
        return tuple(out)


@functools.cache
def load_factors() -> FactorLaw:
    """``law/data/factors.json`` as typed values."""
    data = json.loads(resources.files("hipaa_xl.law").joinpath("data", "factors.json").read_text("utf-8"))
    src = data["source"]
    return FactorLaw(
        citation=src["citation"], url=src["url"], read_on=dt.date.fromisoformat(src["read_on"]),
        checked=bool(src["checked"]), note=src["note"],
        factors=tuple(Factor(f["letter"], f["title"], f["citation"], tuple(f["points"])) for f in data["factors"]),
    )


_CODE = re.compile(r"^\(?\s*([a-e])\s*\)?\s*(?:\(?\s*(\d+)\s*\)?)?(?=\s|$|[.:-])", re.IGNORECASE)


@dataclass(frozen=True)
class FactorCode:
    """A factor, or one of its sub-points: (a), (b)(3)."""

    letter: str
    point: int | None = None

    @property
    def code(self) -> str:
        return f"({self.letter})" + (f"({self.point})" if self.point is not None else "")

    def label(self) -> str:
        """"(b)(2) Financial harm" or "(a) Nature and extent of the violation"."""
        factor = load_factors().by_letter(self.letter)
        assert factor is not None
        if self.point is None:
            return f"{self.code} {factor.title}"
        return f"{self.code} {factor.points[self.point - 1]}"

    @property
    def citation(self) -> str:
        return f"45 CFR 160.408{self.code}"


def parse_factor(value: object) -> FactorCode:
    """A Factor cell: "(b)(2)", "b2", "(b)(2) Financial harm" or a sub-point's or factor's own words.

    Raises :class:`HipaaInputError` in plain words when it names none of the factors of 160.408.
    """
    text = str(value or "").strip()
    if not text:
        raise HipaaInputError("Factor is required: one of (a) to (e) of 45 CFR 160.408, or a sub-point such as (b)(2)")
    law = load_factors()
    m = _CODE.match(text)
    if m:
        factor = law.by_letter(m[1].casefold())
        assert factor is not None
        point = int(m[2]) if m[2] else None
        if point is not None and not 1 <= point <= len(factor.points):
            listed = f"has sub-points (1) to ({len(factor.points)})" if factor.points else "has no sub-points"
            raise HipaaInputError(f"Factor {shown(text)}: 160.408({factor.letter}) {listed}")
        return FactorCode(factor.letter, point)
    folded = text.casefold()
    for factor in law.factors:
        if folded == factor.title.casefold():
            return FactorCode(factor.letter)
        for i, p in enumerate(factor.points, start=1):
            if folded == p.casefold():
                return FactorCode(factor.letter, i)
    raise HipaaInputError(f"Factor {shown(text)} is not one of (a) to (e) of 45 CFR 160.408 (choose from the list)")


def parse_effect(value: object) -> Effect:
    """Aggravating, mitigating or neutral (a first letter or a sign is enough: +, -, 0)."""
    text = str(value or "").strip().casefold()
    aliases = {"+": "aggravating", "-": "mitigating", "0": "neutral", "a": "aggravating", "m": "mitigating",
               "n": "neutral", "aggravates": "aggravating", "mitigates": "mitigating"}
    text = aliases.get(text, text)
    for effect in EFFECTS:
        if text == effect:
            return effect
    if not text:
        raise HipaaInputError("Effect is required: aggravating, mitigating or neutral")
    raise HipaaInputError(f"Effect must be aggravating, mitigating or neutral (got {shown(value)})")


@dataclass(frozen=True)
class MarkedFactor:
    """One factor the lawyer marked, keyed by an incident or by a group (entity, requirement[, year])."""

    row: int
    factor: FactorCode
    effect: Effect
    reason: str
    incident_id: str = ""
    entity: str = ""
    requirement: str = ""
    year: int | None = None
    """None: every calendar year of the group."""

    def line(self) -> str:
        """"(b)(2) Financial harm - mitigating: no card numbers on the devices"."""
        return f"{self.factor.label()} - {self.effect}" + (f": {self.reason}" if self.reason else "")
