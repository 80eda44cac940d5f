"""``hipaa-xl scenarios BOOK [--json]``: every scenario of a workbook beside the base (issue 14).

Prices the Scenarios sheet as refresh does (the workbook is only read). Exit codes (the table in
:mod:`hipaa_xl.cli.common`): 0 every scenario row applies; 1 some Scenarios or ScenarioChanges rows
cannot apply (listed, their scenarios shown as #N/A, one line on stderr); 2 a file or an option that
cannot be used.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from hipaa_xl.cli.common import EXIT_PROBLEMS, fail, parse_as_of
from hipaa_xl.engine.scenarios import BASE_NAME, Figures, ScenarioResult, ScenarioSet, as_json, change_lines
from hipaa_xl.errors import HipaaXlError

WIDTH = 80
"""The table is laid out for an 80-column terminal (wider terminals get the same)."""


def _money(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "#N/A"
    text = f"${abs(value):,.0f}"
    if value < 0:
        return "-" + text
    return ("+" if signed and value > 0 else "") + text


def _figures(f: Figures | None) -> list[str]:
    if f is None:
        return ["#N/A"] * 4
    return [_money(f.minimum), _money(f.maximum), _money(f.time_barred_maximum), _money(f.ag_damages)]


def _probability(s: ScenarioResult) -> str:
    return "" if s.probability is None else f"{s.probability * 100:.4g}%"


def render(result: ScenarioSet, title: str, console: Console) -> None:
    """The scenario table, the differences from the base, the weighted figures and the problems."""
    table = Table(title=title, title_justify="left", box=None, pad_edge=False, padding=(0, 1))
    for name, justify in (("Scenario (probability) / entity", "left"), ("Minimum*", "right"),
                          ("Maximum", "right"), ("Barred max.", "right"), ("AG dmg.", "right")):
        table.add_column(name, justify=justify, no_wrap=justify == "right",  # type: ignore[arg-type]
                         min_width=29 if justify == "left" else None)
    for s in result.all:
        extras = [_probability(s)] if s.probability is not None else []
        if s.schedule != result.base.schedule or s.as_of != result.base.as_of:
            extras.append(f"{s.schedule}, as of {s.as_of.isoformat()}")
        label = s.name + (f" ({'; '.join(extras)})" if extras else "")
        table.add_row(Text(label, style="bold"), *_figures(s.total))
        if s.computed and len(s.entities) > 1:
            for entity, f in s.entities.items():
                table.add_row(Text(f" {entity}"), *_figures(f), style="dim")
    console.print(table)
    console.print("* Statutory minimum (if a CMP is imposed). Barred max.: the time-barred maximum, left out "
                  "of the maximum. AG dmg.: State AG damages (maximum).", highlight=False)
    diff = Table(title="Against the base", title_justify="left", box=None, pad_edge=False,
                 padding=(0, 1))
    for name, justify in (("Scenario", "left"), ("Minimum", "right"), ("Maximum", "right"), ("AG dmg.", "right"),
                          ("Moves most (maximum)", "left")):
        diff.add_column(name, justify=justify, no_wrap=justify == "right",  # type: ignore[arg-type]
                        min_width=30 if name.startswith("Moves") else None)
    for s in result.scenarios:
        d = s.difference
        mover = (f"{s.movers[0].entity}, {s.movers[0].requirement}, {s.movers[0].year}: "
                 f"{_money(s.movers[0].difference.maximum, True)}") if s.movers else ""
        if d is None:
            diff.add_row(Text(s.name), "#N/A", "#N/A", "#N/A", "")
        else:
            diff.add_row(Text(s.name), _money(d.minimum, True), _money(d.maximum, True), _money(d.ag_damages, True),
                         Text(mover))
    if result.scenarios:
        console.print(diff)
    lines = change_lines(result)
    if lines:
        changes = Table(title="Changes", title_justify="left", box=None, pad_edge=False, padding=(0, 1))
        for name in ("Scenario", "Incident: field -> value", "Reason"):
            changes.add_column(name, ratio=1 if name == "Reason" else None)
        previous = None
        for scenario, incident, field, value, reason in lines:
            what = f"{incident}: {field}" + (f" -> {value}" if value else "")
            changes.add_row(Text(scenario if scenario != previous else ""), Text(what), Text(reason))
            previous = scenario
        console.print(changes)
    if result.weighted is not None:
        console.print(f"{result.weighted.label}: minimum {_money(result.weighted.minimum)}, maximum "
                      f"{_money(result.weighted.maximum)}", highlight=False)
    else:
        console.print(result.weighted_message, highlight=False)
    for s in result.scenarios:
        for note in s.notes:
            console.print(f"note: {s.name}: {note}", highlight=False)
    for p in result.problems:
        console.print(f"cannot apply: {p.text()}", highlight=False, style="red")
    for s in result.all:
        for problem in s.problems:
            if not problem.startswith("ScenarioChanges row") and s.name == BASE_NAME:
                console.print(f"#N/A: {problem}", highlight=False, style="red")


def scenarios(
    book: Annotated[Path, typer.Argument(help="The workbook (.xlsx or .xlsm) with a Scenarios sheet.")],
    as_json_flag: Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of the table.")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Assessment date when Settings holds =TODAY()")]
    = None,
) -> None:
    """Price every scenario of the Scenarios sheet beside the base (the Incidents as entered)."""
    from hipaa_xl.workbook.scenarios import scenarios_of_file

    day = parse_as_of(as_of)
    try:
        priced = scenarios_of_file(book, day)
    except HipaaXlError as exc:
        fail(str(exc))
    found = priced.found
    if found.result is None:
        fail(f"{book.name} has no Scenarios sheet (hipaa-xl new writes one to copy from)")
    result = found.result
    if as_json_flag:
        typer.echo(json.dumps(as_json(result), indent=2))
    else:
        console = Console(width=WIDTH, highlight=False, markup=False)  # names are the user's text, not markup
        title = (f"Scenarios of {book.name}: schedule {priced.schedule}, as of {priced.as_of.isoformat()} "
                 f"({priced.as_of_source})")
        render(result, title, console)
        for problem in found.tables.problems if found.tables else []:
            console.print(f"cannot read: {problem}", style="red")
    problems = found.problems()
    if problems:
        fail(f"{len(problems)} scenario row(s) cannot apply; their scenarios show #N/A "
             f"({'see above' if not as_json_flag else problems[0]})", EXIT_PROBLEMS)


def register(app: typer.Typer) -> None:
    """Add ``scenarios`` to the CLI."""
    app.command("scenarios")(scenarios)
