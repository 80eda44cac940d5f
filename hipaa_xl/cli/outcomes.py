"""``hipaa-xl outcomes``: the published OCR outcomes that match, and their statistics, in 80 columns."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Annotated, Any

import typer

from hipaa_xl.cli.common import fail
from hipaa_xl.cli.text import Column, money, paragraph, table
from hipaa_xl.errors import HipaaXlError
from hipaa_xl.law import outcomes as ocr

ABOUT = (
    "Published OCR outcomes are announced resolutions of other matters, mostly settlements (resolution "
    "agreements) and not findings; a few are civil money penalties. They show what OCR collected, not what "
    "this matter will cost."
)
_KIND = {"resolution agreement": "agreement", "civil money penalty": "CMP"}


def parse_since(text: str | None) -> dt.date | None:
    """``--since``: a year (2019 means 2019-01-01) or an ISO date; anything else fails with exit 2."""
    if text is None:
        return None
    text = text.strip()
    try:
        if text.isdigit() and len(text) == 4:
            return dt.date(int(text), 1, 1)
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(f"--since must be a year like 2019 or a date written YYYY-MM-DD (got {text!r})")


def outcome_json(o: ocr.Outcome) -> dict[str, Any]:
    """One outcome as ``--json`` prints it: the record, dates ISO, sources as {url, note, independent}."""
    return o.as_json()


def _filters(section: str | None, since: dt.date | None, entity_type: str | None, initiative: str | None) -> str:
    parts = [f"section {section}" if section else "all sections"]
    if entity_type:
        parts.append(entity_type)
    if initiative:
        parts.append(f"initiative {initiative}")
    if since:
        parts.append(f"announced since {since.isoformat()}")
    return ", ".join(parts)


def statistics_lines(found: Sequence[ocr.Outcome]) -> list[str]:
    """The statistics block: count, median, quartiles, range, smallest and largest with their citations."""
    stats = ocr.statistics(found)
    if stats is None:
        return ["No published outcome matches."]
    if stats.count < ocr.MIN_FOR_STATISTICS:
        return paragraph(f"{stats.count} outcome(s): fewer than {ocr.MIN_FOR_STATISTICS}, so no statistics; the "
                         "list above is all there is.")
    today = ocr.statistics_today(found)
    assert today is not None
    rows = [
        ["Outcomes", f"{stats.count:,}", ""],
        ["Median", money(stats.median), money(today.median)],
        ["Quartiles", f"{money(stats.q1)} - {money(stats.q3)}", f"{money(today.q1)} - {money(today.q3)}"],
        ["Range", f"{money(stats.minimum)} - {money(stats.maximum)}",
         f"{money(today.minimum)} - {money(today.maximum)}"],
    ]
    out = [f"Final amounts ({ocr.QUARTILE_METHOD.split(' (')[0]})"]
    out += table((Column(""), Column("Nominal", "right"), Column("Today's dollars*", "right")), rows, indent=2)
    for label, o in (("Smallest", stats.smallest), ("Largest", stats.largest)):
        change = f"; {money(o.amount)} announced, {o.history[-1].event}" if o.history else ""
        out += paragraph(f"{label}: {money(o.final_amount)}, {o.entity}, {o.date.isoformat()} ({o.kind}{change}); "
                         f"{o.final_citation}", indent="  ")
    out += ["", *paragraph(f"* {ocr.TODAYS_DOLLARS_NOTE}; carried to table {today.table}.")]
    return out


def render(found: Sequence[ocr.Outcome], filters: str) -> list[str]:
    """The lines ``hipaa-xl outcomes`` prints."""
    out = paragraph(f"Published OCR outcomes: {filters}: {len(found):,}")
    out += ["", *paragraph(ABOUT)]
    if found:
        rows = [[o.entity, o.date.isoformat(), _KIND[o.kind], money(o.final_amount)
                 + ("" if o.final_amount == o.amount else " r")] for o in found]
        out += ["", *table((Column("Entity"), Column("Announced"), Column("Kind"), Column("Final amount", "right")),
                           rows)]
        if any(o.final_amount != o.amount for o in found):
            out += paragraph("r: changed after the announcement (ALJ, Board or court); --json gives the history.")
    out += ["", *statistics_lines(found)]
    return out


def outcomes(
    section: Annotated[str | None, typer.Option(help="45 CFR section HHS named, e.g. 164.524 or 164.308(a)(1) "
                                                     "(subdivisions match); or Privacy, Security, Breach Notification")]
    = None,
    entity_type: Annotated[str | None, typer.Option("--type", help="hospital, physician, dental, health plan, "
                                                                   "business associate, pharmacy or other")] = None,
    initiative: Annotated[str | None, typer.Option(help="access (Right of Access), risk (Risk Analysis) or none")]
    = None,
    since: Annotated[str | None, typer.Option(help="Announced on or after: a year (2019) or YYYY-MM-DD")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print {\"outcomes\": [...], \"statistics\": {...}}")] = False,
) -> None:
    """List the published OCR resolution agreements and penalties that match, with their statistics."""
    day = parse_since(since)
    try:
        wanted = ocr.parse_section(section) if section else None
        kind = ocr.parse_entity_type(entity_type) if entity_type else None
        drive = ocr.parse_initiative(initiative) if initiative else None
        found = ocr.matching(wanted, since=day, entity_type=kind, initiative=drive)
    except HipaaXlError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps({"outcomes": [outcome_json(o) for o in found],
                               "statistics": ocr.statistics_json(found)}, indent=1, ensure_ascii=False))
        return
    typer.echo("\n".join(render(found, _filters(wanted, day, kind, drive))))


def register(app: typer.Typer) -> None:
    """Add ``outcomes``."""
    app.command()(outcomes)
