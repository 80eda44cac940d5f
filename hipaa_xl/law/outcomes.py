"""Published OCR outcomes: every resolution agreement and civil money penalty HHS announced, as cited data.

``law/data/outcomes.json`` holds one record per announced outcome (format: docs/outcomes.md):
entity, type, State, announcement date, kind, amount as announced and final amount (after an ALJ, the
Board or a court), the 45 CFR sections HHS named, and for every amount at least one source with its
URL. They are resolutions of other matters, mostly settlements (45 CFR 160.416), not findings; they
describe what OCR collected, never what a matter will cost. The file is validated once, on first
use; a record that breaks a rule stops the load with one line naming the record and the rule.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import re
import statistics as _stats
from collections.abc import Iterable, Sequence
from decimal import Decimal
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hipaa_xl.errors import InvalidValue
from hipaa_xl.law.loader import load_series

ENTITY_TYPES = (
    "hospital or health system", "physician practice", "dental practice", "health plan",
    "business associate", "pharmacy", "other",
)
KINDS = ("resolution agreement", "civil money penalty")
INITIATIVES = ("Right of Access", "Risk Analysis", "none")
PARTS = ("Privacy", "Security", "Breach Notification")
MIN_FOR_STATISTICS = 5
"""Below this many outcomes the product shows the list, not statistics (a median of three says nothing)."""
SECTION_FORMAT = re.compile(r"16[04]\.\d{3}(\((?:[a-z]{1,3}|[ivx]{1,6}|\d{1,2}|[A-Z])\))*")
"""A 45 CFR section as HHS names it, without "45 CFR": ``164.308(a)(1)(ii)(A)``, ``164.524``, ``160.310``."""
_STATES = frozenset((
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
    "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR",
    "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP",
))
QUARTILE_METHOD = (
    "quartiles by the inclusive method (linear interpolation between the sorted amounts, as Excel's "
    "QUARTILE.INC and MEDIAN compute them)"
)


class OutcomesDataError(ValueError):
    """The outcomes data breaks a rule of its format; the message is one line naming the record."""


@dataclasses.dataclass(frozen=True, slots=True)
class Source:
    """Where an amount is stated: a URL, where in it (our words), and whether it is independent of HHS."""

    url: str
    note: str
    independent: bool


@dataclasses.dataclass(frozen=True, slots=True)
class HistoryEntry:
    """A later change of the amount (an ALJ or Board decision, a court vacating the penalty)."""

    date: dt.date
    amount: int
    event: str
    sources: tuple[Source, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Outcome:
    """One published OCR outcome (a resolution agreement or a civil money penalty)."""

    id: str
    entity: str
    entity_type: str
    state: str | None
    date: dt.date
    signed: dt.date | None
    kind: str
    amount: int
    final_amount: int
    history: tuple[HistoryEntry, ...]
    cap_years: int | None
    sections: tuple[str, ...]
    individuals: int | None
    initiative: str
    circumstances: str
    sources: tuple[Source, ...]
    remarks: str | None = None

    @property
    def citation(self) -> str:
        """The first HHS source's URL (else the first source's): where the amount is announced."""
        return next((s.url for s in self.sources if not s.independent), self.sources[0].url)

    @property
    def final_citation(self) -> str:
        """Where the final amount is stated: the last change's first source, else :attr:`citation`."""
        return self.history[-1].sources[0].url if self.history else self.citation

    @property
    def checked_in_two_sources(self) -> bool:
        """One HHS source and one independent source (the record's own reading of them)."""
        return any(s.independent for s in self.sources) and any(not s.independent for s in self.sources)

    def as_json(self) -> dict[str, Any]:
        """The record as in the data file (dates ISO, sources as objects)."""
        def source(s: Source) -> dict[str, Any]:
            return {"url": s.url, "note": s.note, "independent": s.independent}

        return {
            "id": self.id, "entity": self.entity, "entity_type": self.entity_type, "state": self.state,
            "date": self.date.isoformat(), "signed": self.signed.isoformat() if self.signed else None,
            "kind": self.kind, "amount": self.amount, "final_amount": self.final_amount,
            "history": [{"date": h.date.isoformat(), "amount": h.amount, "event": h.event,
                         "sources": [source(s) for s in h.sources]} for h in self.history],
            "cap_years": self.cap_years, "sections": list(self.sections), "individuals": self.individuals,
            "initiative": self.initiative, "circumstances": self.circumstances,
            "sources": [source(s) for s in self.sources], "remarks": self.remarks,
        }


# ---------------------------------------------------------------- the file's schema (pydantic)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class _SourceModel(_Model):
    url: str = Field(pattern=r"^https?://[^\s/]+\.[^\s/]+/?\S*$")
    note: str = Field(min_length=3)
    independent: bool


class _HistoryModel(_Model):
    date: str
    amount: int = Field(ge=0)
    event: str = Field(min_length=3)
    sources: list[_SourceModel] = Field(min_length=1)


class _RecordModel(_Model):
    id: str = Field(pattern=r"^\d{4}-\d\d-\d\d-[a-z0-9]+(-[a-z0-9]+)*$")
    entity: str = Field(min_length=2)
    entity_type: Literal[
        "hospital or health system", "physician practice", "dental practice", "health plan",
        "business associate", "pharmacy", "other",
    ]
    state: str | None
    date: str
    signed: str | None
    kind: Literal["resolution agreement", "civil money penalty"]
    amount: int = Field(ge=0)
    final_amount: int = Field(ge=0)
    history: list[_HistoryModel]
    cap_years: int | None = Field(ge=0, le=10)
    sections: list[str]
    individuals: int | None = Field(ge=0)
    initiative: Literal["Right of Access", "Risk Analysis", "none"]
    circumstances: str = Field(min_length=3, max_length=200)
    sources: list[_SourceModel] = Field(min_length=1)
    remarks: str | None = None


def _iso(text: str, where: str) -> dt.date:
    try:
        if not re.fullmatch(r"\d{4}-\d\d-\d\d", text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise OutcomesDataError(f"{where}: {text!r} is not an ISO date YYYY-MM-DD") from None


def _source(s: _SourceModel) -> Source:
    return Source(s.url, s.note, s.independent)


def _outcome(raw: object, index: int) -> Outcome:
    """One record, checked against the format and its own consistency rules."""
    name = raw.get("id") if isinstance(raw, dict) else None
    where = f"outcomes.json: outcome {name or f'#{index + 1}'}"
    try:
        m = _RecordModel.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "record"
        raise OutcomesDataError(f"{where}: {loc}: {first['msg']}") from None
    day = _iso(m.date, f"{where}: date")
    signed = _iso(m.signed, f"{where}: signed") if m.signed is not None else None
    if not m.id.startswith(m.date + "-"):
        raise OutcomesDataError(f"{where}: the id must begin with the announcement date {m.date}")
    if not any(s.url.startswith("https://") for s in m.sources):
        raise OutcomesDataError(f"{where}: no source with an https URL")
    if m.state is not None and m.state not in _STATES:
        raise OutcomesDataError(f"{where}: state {m.state!r} is not a two-letter US State or territory code")
    for section in m.sections:
        if not SECTION_FORMAT.fullmatch(section):
            raise OutcomesDataError(
                f"{where}: section {section!r} is not written like 164.308(a)(1)(ii)(A) (no '45 CFR', no spaces)")
    if len(set(m.sections)) != len(m.sections):
        raise OutcomesDataError(f"{where}: a section is named twice")
    history = tuple(
        HistoryEntry(_iso(h.date, f"{where}: history date"), h.amount, h.event, tuple(_source(s) for s in h.sources))
        for h in m.history
    )
    if any(h.date < day for h in history) or [h.date for h in history] != sorted(h.date for h in history):
        raise OutcomesDataError(f"{where}: history must run in date order, after the announcement")
    expected = history[-1].amount if history else m.amount
    if m.final_amount != expected:
        raise OutcomesDataError(
            f"{where}: final_amount {m.final_amount:,} must be "
            + (f"the last history amount {expected:,}" if history else f"the amount {expected:,} (no history)"))
    return Outcome(
        m.id, m.entity, m.entity_type, m.state, day, signed, m.kind, m.amount, m.final_amount, history,
        m.cap_years, tuple(m.sections), m.individuals, m.initiative, m.circumstances,
        tuple(_source(s) for s in m.sources), m.remarks,
    )


def parse_outcomes(records: Iterable[object]) -> tuple[Outcome, ...]:
    """Every record checked (format, ISO dates, vocabularies, sections, sources, final amount), then the
    whole: unique ids, no outcome twice (same entity, date and amount), sorted by date and id."""
    out = tuple(_outcome(raw, i) for i, raw in enumerate(records))
    ids: set[str] = set()
    same: dict[tuple[str, dt.date, int], str] = {}
    for o in out:
        if o.id in ids:
            raise OutcomesDataError(f"outcomes.json: the id {o.id} is used twice")
        ids.add(o.id)
        key = (_entity_key(o.entity), o.date, o.amount)
        if key in same:
            raise OutcomesDataError(
                f"outcomes.json: {same[key]} and {o.id} are the same outcome (same entity, date and amount)")
        same[key] = o.id
    if [(o.date, o.id) for o in out] != sorted((o.date, o.id) for o in out):
        raise OutcomesDataError("outcomes.json: the outcomes must be sorted by date, then id")
    return out


def _entity_key(entity: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", entity.casefold()).strip()


@functools.cache
def data_file() -> dict[str, Any]:
    """The data file as read (header and records), for the Outcomes sheet and the tests."""
    data: dict[str, Any] = json.loads(resources.files("hipaa_xl.law").joinpath("data", "outcomes.json").read_text("utf-8"))
    return data


@functools.cache
def all_outcomes() -> tuple[Outcome, ...]:
    """Every published outcome in the law data, validated, sorted by date (loaded once)."""
    data = data_file()
    if not isinstance(data, dict) or not isinstance(data.get("outcomes"), list) or "header" not in data:
        raise OutcomesDataError("outcomes.json: expected {\"header\": {...}, \"outcomes\": [...]}")
    return parse_outcomes(data["outcomes"])


def header() -> dict[str, Any]:
    """The data file's header: title, compiled date, coverage, the outcomes we could not source."""
    all_outcomes()
    found: dict[str, Any] = data_file()["header"]
    return found


# ---------------------------------------------------------------- selection


def section_matches(named: str, wanted: str) -> bool:
    """``wanted`` "164.524" matches a named section equal to it or beginning with it followed by "("."""
    return named == wanted or named.startswith(wanted + "(")


def part_of(section: str) -> str | None:
    """The HIPAA rule a section of 45 CFR part 164 belongs to: subpart C (164.302-318) Security, subpart D
    (164.400-414) Breach Notification, subpart E (164.500-534) Privacy; None for anything else."""
    match = re.match(r"164\.(\d{3})", section.strip())
    if match is None:
        return None
    number = int(match.group(1))
    if 302 <= number <= 318:
        return "Security"
    if 400 <= number <= 414:
        return "Breach Notification"
    if 500 <= number <= 534:
        return "Privacy"
    return None


def parts_of(outcome: Outcome) -> frozenset[str]:
    """The parts of every section the outcome names."""
    return frozenset(p for p in (part_of(s) for s in outcome.sections) if p is not None)


def select(
    outcomes: Iterable[Outcome] | None = None,
    *,
    section: str | None = None,
    entity_type: str | None = None,
    initiative: str | None = None,
    since: dt.date | None = None,
) -> tuple[Outcome, ...]:
    """The outcomes that name ``section`` (or a subdivision of it), are of ``entity_type`` and
    ``initiative``, and were announced on or after ``since``; None matches everything."""
    chosen = all_outcomes() if outcomes is None else tuple(outcomes)
    wanted = section.strip() if section else None
    return tuple(
        o for o in chosen
        if (wanted is None or any(section_matches(s, wanted) for s in o.sections))
        and (entity_type is None or o.entity_type == entity_type)
        and (initiative is None or o.initiative == initiative)
        and (since is None or o.date >= since)
    )


def parse_section(text: str) -> str:
    """A section as a user writes it ("164.524", "45 CFR 164.524", "§ 164.524") or a part name, normalised."""
    text = " ".join(text.split())
    part = next((p for p in PARTS if p.casefold() == text.casefold()), None)
    if part is not None:
        return part
    section = text.removeprefix("45 CFR").replace("§", "").replace(" ", "")
    if not SECTION_FORMAT.fullmatch(section):
        raise InvalidValue(
            f"section must be a 45 CFR section like 164.524 or 164.308(a)(1)(ii)(A), or Privacy, Security or "
            f"Breach Notification (got {text!r})")
    return section


def parse_entity_type(text: str) -> str:
    """An entity type, or the start of one ("hospital", "dental")."""
    wanted = " ".join(text.split()).casefold()
    found = [t for t in ENTITY_TYPES if t == wanted] or [t for t in ENTITY_TYPES if wanted and t.startswith(wanted)]
    if len(found) != 1:
        raise InvalidValue(f"entity type must be one of: {', '.join(ENTITY_TYPES)} (got {text!r})")
    return found[0]


def parse_initiative(text: str) -> str:
    """An initiative, or a word of it ("access", "risk", "none")."""
    wanted = " ".join(text.split()).casefold()
    found = [i for i in INITIATIVES if wanted and (i.casefold() == wanted or wanted in i.casefold().split())]
    if len(found) != 1:
        raise InvalidValue(f"initiative must be one of: {', '.join(INITIATIVES)} (got {text!r})")
    return found[0]


def matching(
    section: str | None = None, *, since: dt.date | None = None, entity_type: str | None = None,
    initiative: str | None = None,
) -> tuple[Outcome, ...]:
    """:func:`select`, where ``section`` may also be a part name (every outcome naming a section of it)."""
    if section in PARTS:
        chosen = tuple(o for o in all_outcomes() if section in parts_of(o))
        return select(chosen, entity_type=entity_type, initiative=initiative, since=since)
    return select(section=section, entity_type=entity_type, initiative=initiative, since=since)


def for_sections(sections: Iterable[str]) -> tuple[tuple[Outcome, ...], str]:
    """The outcomes naming any of these sections; when none does, those naming a section of the same
    part; the text says which: "same section", "same part: Security" (or several parts), or "none"."""
    wanted = [s.strip() for s in sections if s and s.strip()]
    found = tuple(o for o in all_outcomes() if any(section_matches(n, w) for n in o.sections for w in wanted))
    if found:
        return found, "same section"
    parts = [p for p in dict.fromkeys(part_of(w) for w in wanted) if p is not None]
    if parts:
        same = tuple(o for o in all_outcomes() if parts_of(o) & set(parts))
        if same:
            return same, "same part: " + " / ".join(parts)
    return (), "none"


# ---------------------------------------------------------------- statistics


@dataclasses.dataclass(frozen=True)
class OutcomeStatistics:
    """Count, median, quartiles and range of the final amounts (``QUARTILE_METHOD``)."""

    count: int
    median: float
    q1: float
    q3: float
    minimum: int
    maximum: int
    smallest: Outcome
    largest: Outcome


def _quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, median, q3 = _stats.quantiles(values, n=4, method="inclusive")
    return q1, median, q3


def statistics(outcomes: Sequence[Outcome]) -> OutcomeStatistics | None:
    """The statistics of the final amounts (None when there are none); smallest and largest are the
    earliest outcomes with the minimum and maximum."""
    if not outcomes:
        return None
    amounts = sorted(o.final_amount for o in outcomes)
    q1, median, q3 = _quartiles(amounts)
    smallest = min(outcomes, key=lambda o: (o.final_amount, o.date, o.id))
    largest = max(outcomes, key=lambda o: (o.final_amount, -o.date.toordinal(), o.id))
    return OutcomeStatistics(len(amounts), median, q1, q3, amounts[0], amounts[-1], smallest, largest)


# ---------------------------------------------------------------- today's dollars (a labelled reading)


@dataclasses.dataclass(frozen=True)
class TodaysDollars:
    """Statistics of the final amounts carried to today's dollars by :func:`todays_factor`."""

    median: float
    q1: float
    q3: float
    minimum: float
    maximum: float
    table: str
    """The newest 45 CFR 102.3 table the amounts are carried to, e.g. ``2025 (effective 2026-01-28)``."""


def todays_factor(day: dt.date) -> Decimal:
    """Our reading of "today's dollars" for an amount announced on ``day``: the product of the multipliers of
    every 45 CFR 102.3 table that took effect after it (the rise HHS applied to its own penalty amounts
    since then; the 2016 catch-up covers October 2009 to October 2015, so it is applied whole)."""
    factor = Decimal(1)
    for table in load_series().tables:
        if table.effective > day:
            factor *= table.multiplier
    return factor


def todays_amount(outcome: Outcome) -> float:
    """The final amount times :func:`todays_factor` of its announcement date, rounded to the dollar."""
    return float(round(Decimal(outcome.final_amount) * todays_factor(outcome.date)))


def todays_table() -> str:
    """The newest 102.3 table: the "today" the amounts are carried to."""
    newest = load_series().tables[-1]
    return f"{newest.label} (effective {newest.effective.isoformat()})"


TODAYS_DOLLARS_NOTE = (
    "today's dollars: each final amount times the multipliers of every 45 CFR 102.3 table that took effect "
    "after its announcement (the inflation HHS applied to its own penalty amounts since), a reading by hipaa-xl"
)


def statistics_today(outcomes: Sequence[Outcome]) -> TodaysDollars | None:
    """The same statistics as :func:`statistics`, on the amounts in today's dollars."""
    if not outcomes:
        return None
    amounts = sorted(todays_amount(o) for o in outcomes)
    q1, median, q3 = _quartiles(amounts)
    return TodaysDollars(median, q1, q3, amounts[0], amounts[-1], todays_table())


def statistics_json(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """The statistics as the command line's ``--json`` prints them (nominal and today's dollars)."""
    found = statistics(outcomes)
    if found is None:
        return {"count": 0, "amounts": "final", "method": QUARTILE_METHOD}
    today = statistics_today(outcomes)
    assert today is not None

    def cite(o: Outcome) -> dict[str, Any]:
        return {"id": o.id, "entity": o.entity, "date": o.date.isoformat(), "final_amount": o.final_amount,
                "citation": o.final_citation}

    return {
        "count": found.count, "amounts": "final", "method": QUARTILE_METHOD,
        "median": found.median, "q1": found.q1, "q3": found.q3, "minimum": found.minimum, "maximum": found.maximum,
        "smallest": cite(found.smallest), "largest": cite(found.largest),
        "enough_for_statistics": found.count >= MIN_FOR_STATISTICS,
        "todays_dollars": {"median": today.median, "q1": today.q1, "q3": today.q3, "minimum": today.minimum,
                           "maximum": today.maximum, "table": today.table, "reading": TODAYS_DOLLARS_NOTE},
    }
