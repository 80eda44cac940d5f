"""The deadline rules as law data (``law/data/deadlines.json``): each rule's citation and words.

Every rule names the event it runs from, its length, how its days are counted (calendar days for
the breach rules of 45 CFR 164 subpart D; the 45 CFR 160.526 computation for the subpart E
proceedings and for 160.312) and what extends or tolls it. A rule whose words could not be read in
a current eCFR text carries a source that says so, and every output of it is labelled.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

Counting = Literal["calendar", "cfr160-526", "year-end", "posting", "anniversary"]
OptionKind = Literal[
    "none", "delay-days", "residents", "individuals", "written-until", "promised-date", "mailed", "received-on"
]
StatusKind = Literal["owed", "lapse", "posting", "number", "final", "limitation"]
DATA_FILE = "deadlines.json"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TextSource(_Frozen):
    """Where a rule's words were read, and whether that was a current eCFR text."""

    label: str
    checked: bool
    description: str


class HolidaySource(_Frozen):
    citation: str
    source: str
    note: str


class CountingRule(_Frozen):
    """How days are counted; the 160.526 entry quotes the section."""

    citation: str
    summary: str
    source: str | None = None
    words: str | None = None
    short_period_days: int | None = None
    mail_days: int | None = None


class Threshold(_Frozen):
    """When a notice is required at all: more than N, at least N or fewer than N persons."""

    citation: str
    more_than: int | None = None
    at_least: int | None = None
    below: int | None = None


class DeadlineRule(_Frozen):
    """One deadline: its words and citation, its event, its length and its kind of days."""

    description: str
    citation: str
    source: str
    words: str
    key_words: str
    event: str
    event_label: str
    event_citation: str
    event_words: str | None = None
    length: int
    counting: Counting
    option: OptionKind
    threshold: Threshold | None = None
    mail_addition: bool = False
    law_enforcement_delay: bool = False
    """164.412 may delay this notice (the breach notices of subpart D)."""
    presumed_receipt_days: int | None = None
    deemed_service_days: int | None = None
    """Service by mail is deemed this many days after mailing (160.548(j)(5)): the option moves the start."""
    deemed_service_citation: str | None = None
    mail_reading: str | None = None
    """When adding 160.526(c)'s mail days is itself a reading, what the earlier date assumes."""
    owed_by: str
    """Who owes the act ("covered entity", "business associate", "respondent"...), or what the date is
    when nothing is owed ("" with a status kind other than "owed")."""
    status: StatusKind
    """How the Status column speaks of the date (``engine.deadline_status``)."""
    date_label: str
    """What the date is, in the explanations: "outer limit", "due", "delay ends", "final on"..."""
    late_is_violation: str | None = None
    """For a breach notice: a notice made after the date may itself violate this provision."""
    written_citation: str | None = None
    written_words: str | None = None
    extends: str


class DeadlineLaw(_Frozen):
    """The whole file: sources, holidays, countings and the rules by their public names."""

    name: str
    title: str
    read_on: dt.date
    sources: dict[str, TextSource]
    holidays: HolidaySource
    countings: dict[str, CountingRule]
    rules: dict[str, DeadlineRule]

    @model_validator(mode="after")
    def _references_resolve(self) -> DeadlineLaw:
        for name, rule in self.rules.items():
            if rule.source not in self.sources:
                raise ValueError(f"{DATA_FILE}: rule {name} names unknown source {rule.source!r}")
            if rule.counting not in self.countings:
                raise ValueError(f"{DATA_FILE}: rule {name} names unknown counting {rule.counting!r}")
        for name, counting in self.countings.items():
            if counting.source is not None and counting.source not in self.sources:
                raise ValueError(f"{DATA_FILE}: counting {name} names unknown source {counting.source!r}")
        return self

    def checked(self, rule: str) -> bool:
        """True when the rule's words were read in a current eCFR text."""
        return self.sources[self.rules[rule].source].checked


@functools.cache
def load_deadline_law() -> DeadlineLaw:
    """The deadline rules, read once per process."""
    text = resources.files("hipaa_xl.law").joinpath("data", DATA_FILE).read_text("utf-8")
    return DeadlineLaw.model_validate(json.loads(text))
