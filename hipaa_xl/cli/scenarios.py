"""``hipaa-xl scenarios BOOK [--json]``: every scenario of a workbook beside the base.

Prices the Scenarios sheet as refresh does (the workbook is only read). Exit codes (the table in
:mod:`hipaa_xl.cli.common`): 0 every scenario row applies; 1 some Scenarios or ScenarioChanges rows
cannot apply (listed, their scenarios shown as #N/A, one line on stderr); 2 a file or an option that
cannot be used.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from hipaa_xl.cli.common import EXIT_PROBLEMS, fail, parse_as_of
from hipaa_xl.cli.text import Column, paragraph, sectioned_table, table
from hipaa_xl.engine.scenario_records import EXCLUDED, Figures, ScenarioResult, ScenarioSet, field_label
from hipaa_xl.errors import HipaaXlError
from hipaa_xl.money import dollars


def change_lines(result: ScenarioSet) -> list[tuple[str, str, str, str, str]]:
    """Every change that applies, for a memo or a terminal: (scenario, incident ID, field, value,
    reason); the value is blank for Excluded."""
    return [(s.name, c.incident_id, field_label(c.field), "" if c.field == EXCLUDED else c.shown_value, c.reason)
            for s in result.scenarios for c in s.changes]


def as_json(result: ScenarioSet) -> dict[str, Any]:
    """The scenario table for scripts: ``scenarios``, one object per scenario (the base
    first) with ``scenario``, ``probability``, ``minimum``, ``maximum``, ``ag_damages``,
    ``time_barred_maximum`` and ``entities`` (the same figures per entity), then ``weighted_minimum``
    and ``weighted_maximum`` when they exist. A figure is null where the scenario cannot be computed.
    """
    def figures(f: Figures | None) -> dict[str, Any]:
        keys = ("minimum", "maximum", "ag_damages", "time_barred_maximum")
        return {k: (getattr(f, k) if f is not None else None) for k in keys}

    out: list[dict[str, Any]] = []
    for r in result.all:
        entry: dict[str, Any] = {"scenario": r.name, "probability": r.probability, **figures(r.total)}
        entry["entities"] = [{"entity": name, **figures(f)} for name, f in r.entities.items()]
        out.append(entry)
    data: dict[str, Any] = {"scenarios": out}
    if result.weighted is not None:
        data["weighted_minimum"] = result.weighted.minimum
        data["weighted_maximum"] = result.weighted.maximum
    return data


def _money(value: float | None, signed: bool = False) -> str:
    return "#N/A" if value is None else dollars(value, signed)


def _figures(f: Figures | None) -> list[str]:
    if f is None:
        return ["#N/A"] * 4
    return [_money(f.minimum), _money(f.maximum), _money(f.time_barred_maximum), _money(f.ag_damages)]


def _probability(s: ScenarioResult) -> str:
    return "" if s.probability is None else f"{s.probability * 100:.4g}%"


def render(result: ScenarioSet, title: str) -> list[str]:
    """The scenario table, the differences from the base, the changes with their reasons, the
    weighted figures and the rows that cannot apply, as lines of at most 80 columns."""
    out = paragraph(title)
    columns = (Column("Scenario (probability) / entity"), Column("Minimum*", "right"), Column("Maximum", "right"),
               Column("Barred max.", "right"), Column("AG dmg.", "right"))
    rows: list[list[str]] = []
    settings: list[str] = []
    for s in result.all:
        rows.append([s.name + (f" ({_probability(s)})" if s.probability is not None else ""), *_figures(s.total)])
        if s.computed and len(s.entities) > 1:
            rows += [[f"  {entity}", *_figures(f)] for entity, f in s.entities.items()]
        if s.schedule != result.base.schedule or s.as_of != result.base.as_of:
            settings.append(f"{s.name}: schedule {s.schedule}, as of {s.as_of.isoformat()}.")
    out += table(columns, rows)
    out += paragraph("* Statutory minimum (if a CMP is imposed). Barred max.: the time-barred maximum, left out "
                     "of the maximum. AG dmg.: State AG damages (maximum). " + " ".join(settings))
    if result.scenarios:
        out += ["", "Against the base"]
        diff = (Column("Scenario"), Column("Minimum", "right"), Column("Maximum", "right"), Column("AG dmg.", "right"))
        out += table(diff, [[s.name, *((_money(v, True) for v in (s.difference.minimum, s.difference.maximum,
                                                                   s.difference.ag_damages))
                                       if s.difference is not None else ("#N/A",) * 3)]
                            for s in result.scenarios])
        moved = [(s.name, [[f"{m.entity}, {m.requirement}, {m.year}",
                             *(_money(v, True) for v in (m.difference.maximum, m.difference.minimum,
                                                         m.difference.ag_damages))] for m in s.movers])
                 for s in result.scenarios if s.movers]
        if moved:
            out += ["", "What moves the number: the groups that move most against the base"]
            heads = (Column("Entity, requirement, year"), Column("Maximum", "right"), Column("Minimum", "right"),
                     Column("AG dmg.", "right"))
            out += sectioned_table(heads, [(f"  {name}", rows) for name, rows in moved], indent=4)
    lines = change_lines(result)
    if lines:
        out += ["", "Changes"]
        previous = None
        for scenario, incident, field, value, reason in lines:
            if scenario != previous:
                out.append(f"  {scenario}")
                previous = scenario
            out += paragraph(f"{incident}: {field}" + (f" -> {value}" if value else ""), indent="    ")
            if reason:
                out += paragraph(reason, indent="        ")
    out.append("")
    if result.weighted is not None:
        out += paragraph(f"{result.weighted.label}: minimum {_money(result.weighted.minimum)}, maximum "
                         f"{_money(result.weighted.maximum)}")
    else:
        out += paragraph(result.weighted_message)
    for s in result.scenarios:
        for note in s.notes:
            out += paragraph(f"note: {s.name}: {note}")
    for p in result.problems:
        out += paragraph(f"cannot apply: {p.text()}")
    for problem in result.base.problems:
        out += paragraph(f"#N/A: {problem}")
    return out


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
        title = (f"Scenarios of {book.name}: schedule {priced.schedule}, as of {priced.as_of.isoformat()} "
                 f"({priced.as_of_source})")
        lines = render(result, title)
        for problem in found.tables.problems if found.tables else []:
            lines += paragraph(f"cannot read: {problem}")
        typer.echo("\n".join(lines))
    problems = found.problems()
    if problems:
        fail(f"{len(problems)} scenario row(s) cannot apply; their scenarios show #N/A "
             f"({'see above' if not as_json_flag else problems[0]})", EXIT_PROBLEMS)


def register(app: typer.Typer) -> None:
    """Add ``scenarios`` to the CLI."""
    app.command("scenarios")(scenarios)
