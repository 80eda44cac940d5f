"""``hipaa-xl deadline RULE DATE``: one deadline computed, with its words and citation."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from hipaa_xl import cells
from hipaa_xl.cli.common import EXIT_BAD_INPUT, fail
from hipaa_xl.engine.deadlines import NotRequired, compute, parse_rule
from hipaa_xl.errors import HipaaInputError
from hipaa_xl.law.deadline_rules import load_deadline_law

_FLAG_FOR = {
    "delay-days": "--delay-days", "residents": "--count", "individuals": "--count", "written-until": "--date",
    "promised-date": "--date", "received-on": "--date", "mailed": "--mail", "none": "",
}


def _option(rule: str, count: int | None, date: str | None, mail: bool, delay_days: int | None) -> object:
    """The one option flag that fits the rule (README "Deadlines"), parsed."""
    kind = load_deadline_law().rules[rule].option
    given = {"--count": count, "--date": date, "--mail": mail or None, "--delay-days": delay_days}
    used = [flag for flag, value in given.items() if value is not None]
    wanted = _FLAG_FOR[kind]
    wrong = [flag for flag in used if flag != wanted]
    if wrong:
        takes = f"takes {wanted}" if wanted else "takes no option"
        fail(f"{rule} {takes} (got {', '.join(wrong)})")
    if wanted == "--date" and date is not None:
        return cells.parse_date(date, "--date")
    return given.get(wanted) if wanted else None


def deadline(
    rule: Annotated[str, typer.Argument(help="Rule name, e.g. breach-individuals (see --list)")] = "",
    date: Annotated[str, typer.Argument(help="Date of the event the rule runs from, YYYY-MM-DD")] = "",
    count: Annotated[int | None, typer.Option(help="Residents of the State (breach-media) or individuals "
                                                   "(breach-hhs, breach-hhs-log)")] = None,
    other_date: Annotated[str | None, typer.Option("--date", help="The rule's other date: written delay's "
                                                   "last day, promised date, or receipt shown")] = None,
    mail: Annotated[bool, typer.Option("--mail", help="Served by mail (adds 5 days under 160.526(c))")] = False,
    delay_days: Annotated[int | None, typer.Option(help="Days of law-enforcement delay (164.412)")] = None,
    list_rules: Annotated[bool, typer.Option("--list", help="List the rules and exit")] = False,
) -> None:
    """Print one deadline: due date, computation, the rule's words and citation."""
    law = load_deadline_law()
    console = Console(soft_wrap=False)
    if list_rules:
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        table.add_column("Rule", no_wrap=True)
        table.add_column("Runs from / what it is")
        for name, r in law.rules.items():
            table.add_row(name, r.description)
        console.print(table)
        return
    if not rule or not date:
        fail("give a RULE and a DATE, e.g. hipaa-xl deadline breach-individuals 2026-01-01 (--list shows rules)")
    try:
        name = parse_rule(rule)
        event = cells.parse_required_date(date, "event date")
        result = compute(name, event, _option(name, count, other_date, mail, delay_days))
    except NotRequired as exc:
        console.print(f"{exc.message}", highlight=False)
        raise typer.Exit(0) from None
    except HipaaInputError as exc:
        fail(exc.message, EXIT_BAD_INPUT)
    r = law.rules[name]
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("Rule", f"{name}: {r.description}")
    grid.add_row("Event", f"{event.isoformat()} ({event:%a}), {r.event_label} ({r.event_citation})")
    grid.add_row("Due", f"[bold]{result.due.isoformat()} ({result.due:%A})[/]")
    grid.add_row("Computed", result.computation)
    grid.add_row("Days", law.countings[r.counting].summary)
    grid.add_row("Citation", r.citation)
    grid.add_row("Words", f'"{r.words}"')
    grid.add_row("Extends", r.extends)
    if not result.checked:
        grid.add_row("[red]Text[/]", f"[red]{law.sources[r.source].description}[/]")
    console.print(grid, highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(deadline)


