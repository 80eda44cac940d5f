"""``hipaa-xl explain`` and ``hipaa-xl schedules``: cited figures in the terminal."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from hipaa_xl import clock
from hipaa_xl.cli.common import EXIT_BAD_INPUT, fail, parse_as_of
from hipaa_xl.cli.text import Column, paragraph, sectioned_table
from hipaa_xl.engine import ag_damages, criminal_explanation, explain_cmp, is_time_barred, parse_tier
from hipaa_xl.engine.penalties import MINIMUM_LABEL, minimum_note
from hipaa_xl.errors import HipaaXlError, InvalidValue
from hipaa_xl.excel import cells
from hipaa_xl.law.loader import load_rules, load_series
from hipaa_xl.law.schedules import (
    DEFAULT_SCHEDULE,
    STATUTE,
    resolve_amounts,
    schedule_names,
    tiered_cap_estimates,
)
from hipaa_xl.law.schedules import (
    schedules as schedule_records,
)
from hipaa_xl.money import dollars


def _date(text: str | None, what: str) -> dt.date | None:
    return cells.parse_date(text, what) if text else None


def explain(
    tier: Annotated[str, typer.Option(help="Tier A-D, 1-4 or culpability words")] = "B",
    violations: Annotated[int, typer.Option(help="Violations of one identical requirement in one year")] = 10,
    date: Annotated[str | None, typer.Option("--date", help="Violation date, YYYY-MM-DD")] = None,
    schedule: Annotated[str, typer.Option(help="Schedule: " + ", ".join(schedule_names()))] = DEFAULT_SCHEDULE,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Assessment date, YYYY-MM-DD (default today)")] = None,
    commenced: Annotated[
        str | None,
        typer.Option(
            "--commenced",
            help="Date the action commenced (notice of proposed determination), YYYY-MM-DD; the six-year "
            "limitation runs to it (default: the assessment date)",
        ),
    ] = None,
) -> None:
    """Print the penalty range for one tier and count, with every figure's citation."""
    asof = parse_as_of(as_of)
    try:
        vdate = _date(date, "violation date")
        started = _date(commenced, "--commenced date")
        result = explain_cmp(parse_tier(tier), violations, vdate, cells.parse_schedule(schedule), asof)
        ag = ag_damages(violations, None, False, vdate)
        limitation = _limitation_row(vdate, asof, started)
    except HipaaXlError as exc:
        fail(str(exc), EXIT_BAD_INPUT)
    console = Console()
    table = Table(title=f"Civil money penalty, tier {result.tier}, {violations:,} violation(s)")
    table.add_column("Figure")
    table.add_column("Amount", justify="right", no_wrap=True)
    table.add_column("Citation")
    a = result.amounts
    table.add_row("Per-violation minimum", f"{dollars(a.minimum)}", a.minimum_citation)
    table.add_row(
        "Per-violation maximum",
        "none (cap)" if a.maximum is None else f"{dollars(a.maximum)}",
        a.maximum_citation,
    )
    table.add_row("Calendar-year cap" + (" (estimate)" if a.cap_is_estimate else ""), f"{dollars(a.cap)}", a.cap_citation)
    minimum_label = MINIMUM_LABEL[0].upper() + MINIMUM_LABEL[1:]
    table.add_row(f"[bold]{minimum_label}[/]", f"[bold]{dollars(result.minimum)}[/]", "min(n x minimum, cap) (1)")
    table.add_row("[bold]Maximum[/]", f"[bold]{dollars(result.maximum)}[/]", "min(n x maximum, cap)")
    all_states = load_rules().ag_damages.all_states_note
    table.add_row("State AG damages (maximum)", f"{dollars(ag)}", "42 U.S.C. 1320d-5(d)(2) (2)")
    notes = [f"(1) {minimum_label}: {minimum_note(result.tier)}.", f"(2) AG damages: {all_states.text}."]
    if limitation is not None:
        status, cite = limitation
        table.add_row("Six-year limitation", status, "(3)")
        notes.append(f"(3) {cite}.")
    console.print(table)
    for note in notes:
        console.print(note, highlight=False)
    console.print(result.explanation, highlight=False)
    if asof is None and schedule_records()[result.amounts.schedule].follows_as_of:
        console.print(f"(assessment date: system date {clock.today().isoformat()})", style="dim")


def _limitation_row(
    vdate: dt.date | None, as_of: dt.date | None, commenced: dt.date | None
) -> tuple[str, str] | None:
    """The six-year limitation for the violation date, measured to the commencement (160.414)."""
    if commenced is not None and as_of is not None and commenced > as_of:
        raise InvalidValue(
            f"--commenced {commenced.isoformat()} is after the assessment (as-of) date {as_of.isoformat()}"
        )
    if vdate is None:
        return None
    to = commenced or as_of or clock.today()
    rules = load_rules()
    cite = rules.limitation_years.citation
    if commenced is not None:
        cite += f"; measured to the action commenced on {to.isoformat()} ({rules.limitation_commencement.citation})"
    status = "time-barred" if is_time_barred(vdate, to) else "in time"
    return status, f"Six-year limitation to {to.isoformat()}: {cite}"


def schedules() -> None:
    """List every schedule with its amounts and sources."""
    console = Console()
    columns = (Column("Tier"), Column("Minimum", "right"), Column("Maximum", "right"), Column("Cap", "right"))
    newest = load_series().tables[-1].effective
    sections: list[tuple[str, list[list[str]]]] = []
    for name in schedule_names():
        rows = []
        source = ""
        for tier in "ABCD":
            a = resolve_amounts(tier, None, name, newest)  # type: ignore[arg-type]
            top = "none (cap)" if a.maximum is None else f"{dollars(a.maximum)}"
            rows.append([tier, f"{dollars(a.minimum)}", top, f"{dollars(a.cap)}{'*' if a.cap_is_estimate else ''}"])
            source = a.source
            if name == STATUTE:  # decisions 31: the tiered caps as HHS printed them, not adjusted
                source += "; unadjusted (current-tiered: the adjusted estimate)"
        sections.append(("\n".join(["", *paragraph(f"{name}: {source}")]), rows))
    lines = ["Schedules: per-violation minimum and maximum, calendar-year cap"]
    lines += sectioned_table(columns, sections)
    label, caps = list(tiered_cap_estimates().items())[-1]
    lines += ["", *paragraph(
        f"* estimate: 84 FR 18151 tiered caps carried through the 45 CFR 102.3 multipliers (table {label}: "
        f"A {caps['A']:,}, B {caps['B']:,}, C {caps['C']:,}). 'current' shown as of {newest.isoformat()}."
    )]
    for line in lines:
        console.print(line, highlight=False, soft_wrap=True)


def criminal(
    offense: Annotated[str, typer.Argument(help="knowingly, false pretenses or intent to sell")] = "knowingly",
) -> None:
    """Print the 42 U.S.C. 1320d-6(b) maxima for an offense, with citations."""
    try:
        Console().print(criminal_explanation(offense), highlight=False)
    except HipaaXlError as exc:
        fail(str(exc), EXIT_BAD_INPUT)


def register(app: typer.Typer) -> None:
    """Add ``explain``, ``schedules`` and ``criminal``."""
    app.command()(explain)
    app.command()(schedules)
    app.command()(criminal)
