"""The Summary's block "Published OCR outcomes for these requirements": what it holds, as values.

Per requirement of the matter (decisions 47): the published outcomes that named the same 45 CFR
section (or a subdivision of it), else those that named a section of the same part; count, median and
range of their final amounts from :data:`~hipaa_xl.law.outcomes.MIN_FOR_STATISTICS` outcomes on, the
list below that; the median also in today's dollars (decisions 46). Nothing here reads or writes a
file: the Summary writer, the Summary check (``workbook.verify``) and the memo share it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from hipaa_xl.law import outcomes as ocr
from hipaa_xl.money import dollars

TITLE = "Published OCR outcomes for these requirements (from hipaa-xl's law data at refresh, not live)"
HEADERS = ("Requirement", "Matched by", "Outcomes", "Announced", "Median", "Lowest", "Highest",
           "Median, today's dollars*")
ABOUT = (
    "What these are: the resolutions HHS announced in other matters (mostly resolution agreements, settlements "
    "that make no finding of a violation and admit no liability; a few civil money penalties) whose announcement "
    "named the same 45 CFR section as the requirement, or, where none did, a section of the same part of the "
    "rules. They show what OCR collected from others; they are not findings about this matter and not a "
    "prediction of what it will cost. Amounts are final amounts (after an ALJ, the Board or a court) in nominal "
    f"dollars. Fewer than {ocr.MIN_FOR_STATISTICS} outcomes: no statistics, just the list. Every outcome and its "
    "sources: the Outcomes sheet."
)


@dataclasses.dataclass(frozen=True)
class RequirementOutcomes:
    """One row of the block: a requirement and the published outcomes that match it."""

    requirement: str
    basis: str
    """How they were matched: "same section", "same part: Security", or "none"."""
    outcomes: tuple[ocr.Outcome, ...]

    @property
    def statistics(self) -> ocr.OutcomeStatistics | None:
        """The statistics, or None under ``MIN_FOR_STATISTICS`` outcomes (the list is shown instead)."""
        if len(self.outcomes) < ocr.MIN_FOR_STATISTICS:
            return None
        return ocr.statistics(self.outcomes)

    @property
    def today(self) -> ocr.TodaysDollars | None:
        """The statistics in today's dollars, under the same rule."""
        return ocr.statistics_today(self.outcomes) if self.statistics is not None else None

    @property
    def years(self) -> str:
        """The span of announcement years, e.g. "2011-2021" (blank when there are none)."""
        if not self.outcomes:
            return ""
        first, last = self.outcomes[0].date.year, self.outcomes[-1].date.year
        return str(first) if first == last else f"{first}-{last}"

    def listing(self) -> str:
        """The outcomes one by one (for fewer than the minimum): entity, date, kind, final amount."""
        if not self.outcomes:
            return "No published OCR outcome names this section or another section of its part."
        return "; ".join(f"{o.entity} ({o.date.isoformat()}, {o.kind}): {dollars(o.final_amount)}" for o in self.outcomes)


def requirement_outcomes(requirements: Iterable[str]) -> list[RequirementOutcomes]:
    """One row per distinct requirement (as written, first spelling kept), sorted as the Summary's matrix."""
    distinct: dict[str, str] = {}
    for requirement in requirements:
        distinct.setdefault(" ".join(requirement.split()).casefold(), " ".join(requirement.split()))
    rows = []
    for _, requirement in sorted(distinct.items()):
        found, basis = ocr.for_sections([requirement])
        rows.append(RequirementOutcomes(requirement, basis, found))
    return rows


def today_note() -> str:
    """The footnote of the today's-dollars column."""
    return f"* {ocr.TODAYS_DOLLARS_NOTE[0].upper()}{ocr.TODAYS_DOLLARS_NOTE[1:]}; carried to table {ocr.todays_table()}."
