"""``hipaa-xl new`` and ``hipaa-xl refresh``: the template workbook and its refresh.

Bad input never gives a traceback: one line on stderr and exit 2 (``cli.common``); the file is left as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hipaa_xl.cli.common import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_PROBLEMS, fail, parse_as_of, progress_bar
from hipaa_xl.errors import HipaaXlError

LARGE_BYTES = 300_000
"""A workbook this large (about 500 incidents) shows a progress bar while it refreshes (TTY only)."""


def _print(lines: list[str]) -> None:
    for line in lines:
        typer.echo(line)


def register(app: typer.Typer) -> None:
    """Add ``new`` and ``refresh`` to the CLI."""

    @app.command("new")
    def new(
        path: Annotated[Path, typer.Argument(help="Where to write the workbook (.xlsx)")],
        as_of: Annotated[str | None, typer.Option("--as-of", help="Date standing in for TODAY() (YYYY-MM-DD)")] = None,
        example: Annotated[bool, typer.Option("--example", help="Fill it with the example matter")] = False,
        force: Annotated[bool, typer.Option("--force", help="Replace an existing file")] = False,
        lite: Annotated[bool, typer.Option("--lite", help="Bind it to xlwings Lite (Excel on Mac and the web)")]
        = False,
        pin: Annotated[str | None, typer.Option("--pin", help="With --lite: install this published hipaa-xl "
                                                "version instead of carrying the code in main.py")] = None,
        from_: Annotated[Path | None, typer.Option("--from", help="A previous matter: keep its privilege legend, "
                                                   "preparer and Requirements catalogue, nothing of its data")]
        = None,
        keep_scenarios: Annotated[bool, typer.Option("--keep-scenarios", help="With --from: keep the Scenarios' "
                                                     "names and descriptions too (no probabilities or changes)")]
        = False,
    ) -> None:
        """Write a fresh, empty exposure template (or the example matter), laid out and calculated."""
        from hipaa_xl.workbook.new import new_workbook

        day = parse_as_of(as_of)
        if pin is not None and not lite:
            fail("--pin goes with --lite")
        if keep_scenarios and from_ is None:
            fail("--keep-scenarios goes with --from")
        if from_ is not None and (example or lite):
            fail("--from starts a new matter from a previous one: it goes without --example and --lite")
        try:
            if from_ is not None:
                from hipaa_xl.workbook.firm_parts import new_from

                report = new_from(path, from_, keep_scenarios=keep_scenarios, force=force, as_of=day)
                kept = "privilege legend, preparer, Requirements" + (", scenario names" if keep_scenarios else "")
                _print([f"wrote {path}", f"kept from {from_.name}: {kept}; no data of its matter",
                        *report.lines()])
                return
            if lite:
                from hipaa_xl.lite.files import new_bound_workbook

                report = new_bound_workbook(path, day, example=example, force=force, pin=pin)
            else:
                report = new_workbook(path, day, example=example, force=force)
        except (HipaaXlError, ValueError) as exc:
            fail(str(exc), EXIT_BAD_INPUT)
        _print([f"wrote {path}" + (" (bound to xlwings Lite)" if lite else ""), *report.lines()])

    @app.command("clear")
    def clear(
        path: Annotated[Path, typer.Argument(help="The workbook to empty (.xlsx or .xlsm)")],
        keep_scenarios: Annotated[bool, typer.Option("--keep-scenarios", help="Keep the Scenarios' names and "
                                                     "descriptions (no probabilities or changes)")] = False,
        no_backup: Annotated[bool, typer.Option("--no-backup", help="Do not keep PATH.bak")] = False,
    ) -> None:
        """Empty a workbook's matter data in place: keep the firm's legend, preparer and Requirements."""
        from hipaa_xl.lite.files import keep_binding
        from hipaa_xl.workbook.firm_parts import clear_file

        try:  # a workbook bound to xlwings Lite stays bound
            report = clear_file(path, keep_scenarios=keep_scenarios, backup=not no_backup, carry=keep_binding)
        except HipaaXlError as exc:
            fail(str(exc), EXIT_BAD_INPUT)
        except KeyboardInterrupt:
            fail("interrupted; the workbook was not changed", EXIT_INTERRUPTED)
        kept = "privilege legend, preparer, Requirements" + (", scenario names" if keep_scenarios else "")
        _print([f"cleared {path}" + ("" if no_backup else f" (the previous file is {path.name}.bak)"),
                f"kept: {kept}",
                "removed: incidents, events, factors, chosen points, scenario changes, names, notes",
                *report.lines()])

    @app.command("refresh")
    def refresh(
        path: Annotated[Path, typer.Argument(help="The workbook to refresh (.xlsx or .xlsm)")],
        as_of: Annotated[str | None, typer.Option("--as-of", help="Assessment date when Settings holds =TODAY()")]
        = None,
        no_backup: Annotated[bool, typer.Option("--no-backup", help="Do not keep PATH.bak")] = False,
        strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when a row of Incidents, Matter, Factors or "
                                                              "ScenarioChanges is invalid (the workbook is "
                                                              "still refreshed)")] = False,
    ) -> None:
        """Re-lay out Exposure and Summary to match Incidents and store the computed values."""
        from hipaa_xl.workbook.refresh import refresh_file

        day = parse_as_of(as_of)
        try:
            large = (path.stat().st_size if path.is_file() else 0) >= LARGE_BYTES
            with progress_bar("reading the workbook", show=large) as bar:
                report = refresh_file(path, day, progress=None if bar is None else bar.stage, backup=not no_backup)
        except HipaaXlError as exc:
            fail(str(exc), EXIT_BAD_INPUT)
        except MemoryError:
            fail(f"{path.name} is too large to refresh in memory; the workbook was not changed", EXIT_BAD_INPUT)
        except KeyboardInterrupt:
            fail("interrupted; the workbook was not changed", EXIT_INTERRUPTED)
        _print([f"refreshed {path}" if report.changed else f"{path}: up to date", *report.lines()])
        if strict and report.invalid:
            fail(f"{len(report.invalid)} invalid row(s) (listed above, each with its reason); they are left out "
                 "of the figures until fixed", EXIT_PROBLEMS)
