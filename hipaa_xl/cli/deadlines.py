"""``hipaa-xl deadline RULE DATE`` (one deadline, with its words and citation) and
``hipaa-xl deadlines BOOK [--ics FILE]`` (a workbook's deadlines in 80 columns, and a calendar file)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from hipaa_xl.cli.common import EXIT_BAD_INPUT, fail, parse_as_of
from hipaa_xl.engine.deadlines import NotRequired, Option, compute
from hipaa_xl.errors import HipaaInputError, HipaaXlError
from hipaa_xl.excel import cells
from hipaa_xl.law.deadline_rules import load_deadline_law

_FLAG_FOR = {
    "delay-days": "--delay-days", "residents": "--count", "individuals": "--count", "written-until": "--date",
    "promised-date": "--date", "received-on": "--date", "mailed": "--mail", "none": "",
}


def _option(rule: str, count: int | None, date: str | None, mail: bool, delay_days: int | None) -> Option:
    """The one option flag that fits the rule (docs/deadlines.md, "The option"), parsed."""
    kind = load_deadline_law().rules[rule].option
    given = {"--count": count, "--date": date, "--mail": mail or None, "--delay-days": delay_days}
    used = [flag for flag, value in given.items() if value is not None]
    wanted = _FLAG_FOR[kind]
    wrong = [flag for flag in used if flag != wanted]
    if wrong:
        takes = f"takes {wanted}" if wanted else "takes no option"
        fail(f"{rule} {takes} (got {', '.join(wrong)})")
    if wanted == "--date":
        return cells.parse_date(date, "--date") if date is not None else None
    if wanted == "--mail":
        return mail or None
    return {"--count": count, "--delay-days": delay_days}.get(wanted)


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
        name = cells.parse_rule(rule)
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
    grid.add_row(_date_title(result.date_label), f"[bold]{result.due.isoformat()} ({result.due:%A})[/]")
    grid.add_row("Owed by", r.owed_by or f"nothing is owed: the date is when it {_ends(r.status)}")
    if result.earlier is not None:
        grid.add_row("Other reading", f"{result.earlier.isoformat()} ({result.earlier:%A}): {result.earlier_reading}")
    grid.add_row("Computed", result.computation)
    grid.add_row("Days", law.countings[r.counting].summary)
    grid.add_row("Citation", r.citation)
    grid.add_row("Words", f'"{r.words}"')
    grid.add_row("Extends", r.extends)
    if not result.checked:
        grid.add_row("[red]Text[/]", f"[red]{law.sources[r.source].description}[/]")
    console.print(grid, highlight=False)


def _date_title(label: str) -> str:
    """The grid's title for the date: "Due", "Outer limit", "Final on"..."""
    return label[:1].upper() + label[1:] if len(label) <= 12 else "Date"


def _ends(kind: str) -> str:
    return {"lapse": "the delay ends", "posting": "the posting may come down (after it)",
            "number": "the number may go off (after it)", "final": "the decision becomes final",
            "limitation": "OCR's time to commence ends"}.get(kind, "falls")


def deadlines(
    path: Annotated[Path, typer.Argument(help="The workbook (.xlsx or .xlsm) with a Matter sheet")],
    ics: Annotated[Path | None, typer.Option("--ics", help="Also write the deadlines as an iCalendar file")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date for days left when Settings holds =TODAY()")]
    = None,
) -> None:
    """Print a workbook's deadlines (due date, days left, status, rule and citation); --ics writes a calendar."""
    from hipaa_xl.files import check_output, write_file_atomic
    from hipaa_xl.report.calendar import calendar_bytes
    from hipaa_xl.workbook.matter_file import read_matter_deadlines

    day = parse_as_of(as_of)
    try:
        if ics is not None:  # before anything is read or printed: a wrong target is refused, nothing written
            check_output(ics, path, (".ics",), "the calendar")
        found = read_matter_deadlines(path, day)
    except HipaaXlError as exc:
        fail(str(exc), EXIT_BAD_INPUT)
    law = load_deadline_law()
    console = Console(soft_wrap=False)
    console.print(f"[bold]Deadlines[/]: {found.matter}, as of {found.as_of.isoformat()} ({found.as_of_source})",
                  highlight=False)
    table = Table(box=None, pad_edge=False, header_style="bold", padding=(0, 1))
    table.add_column("Date", no_wrap=True)
    table.add_column("Left", justify="right", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Rule / citation", overflow="fold")
    table.add_column("Event", overflow="fold")
    starred = False
    for item in sorted(found.items, key=lambda i: (i.due or dt.date.max, i.event.row)):
        rule = law.rules[item.rule]
        status = item.status(found.as_of)
        colour = {"past due": "bold red", "done": "green", "not required": "dim"}.get(status, "")
        if status.endswith(" late"):
            colour = "bold red"
        left = item.days_left(found.as_of)
        other = f"\n[dim]other reading {item.earlier.isoformat()}[/]" if item.earlier is not None else ""
        late = f"\n[red]{item.late_violation}[/]" if item.late_violation else ""
        star = "" if law.checked(item.rule) else "*"
        starred = starred or bool(star)
        table.add_row(
            item.due.isoformat() if item.due else "-",
            "" if left is None or status == "done" else str(left),
            f"[{colour}]{status}[/]" if colour else status,
            f"{item.rule}{star}\n[dim]{rule.citation}[/]{other}{late}",
            f"{item.event.id or 'row ' + str(item.event.row)}: {item.event.kind.label}"
            + (f" ({item.event.state})" if item.event.state else ""),
        )
    if found.items:
        console.print(table, highlight=False)
    elif found.has_matter_sheet:
        console.print("No events on the Matter sheet.")
    else:
        console.print("This workbook has no Matter sheet ('hipaa-xl new' writes one).")
    if starred:
        console.print("* words not checked against a current eCFR text (see 'hipaa-xl deadline RULE DATE')",
                      style="dim", highlight=False)
    statuses = [g.status(found.limitation_on) for g in found.limitation]
    ahead = [g for g in found.limitation if g.every_in_time_until >= found.limitation_on]
    if found.limitation:
        line = (f"Six-year limitation (45 CFR 160.414), per group: {statuses.count('in time')} in time, "
                f"{statuses.count('partly time-barred')} partly and {statuses.count('time-barred')} fully "
                "time-barred.")
        if ahead:
            g = min(ahead, key=lambda g: g.every_in_time_until)
            line += (f" Next last day for a whole group: {g.every_in_time_until.isoformat()} ({g.entity}, "
                     f"{g.requirement}, {g.year}).")
        console.print(line, highlight=False)
    for text in found.invalid:
        typer.echo(f"left out: {text}", err=True)
    if ics is not None:
        stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
        try:
            kept = write_file_atomic(ics, calendar_bytes(found.items, found.matter, stamp, found.identity),
                                     backup=ics.exists())
        except HipaaXlError as exc:
            fail(str(exc), EXIT_BAD_INPUT)
        console.print(f"wrote {ics} ({sum(1 for i in found.items if i.due)} event(s))"
                      + (f"; the previous one is {kept.name}" if kept else ""), highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(deadline)
    app.command()(deadlines)


