"""``hipaa-xl new`` and ``hipaa-xl refresh``: the template workbook and its refresh.

Bad input never gives a traceback: one line on stderr and exit 2 (``cli.common``); the file is left as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hipaa_xl.cli.common import EXIT_BAD_INPUT, EXIT_INTERRUPTED, fail, parse_as_of, progress_bar
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
    ) -> None:
        """Write a fresh, empty exposure template (or the example matter), laid out and calculated."""
        from hipaa_xl.workbook.new import new_workbook

        day = parse_as_of(as_of)
        if pin is not None and not lite:
            fail("--pin goes with --lite")
        try:
            report = new_workbook(path, day, example=example, force=force, lite=lite, pin=pin)
        except (HipaaXlError, ValueError) as exc:
            fail(str(exc), EXIT_BAD_INPUT)
        _print([f"wrote {path}" + (" (bound to xlwings Lite)" if lite else ""), *report.lines()])

    @app.command("refresh")
    def refresh(
        path: Annotated[Path, typer.Argument(help="The workbook to refresh (.xlsx or .xlsm)")],
        as_of: Annotated[str | None, typer.Option("--as-of", help="Assessment date when Settings holds =TODAY()")]
        = None,
        no_backup: Annotated[bool, typer.Option("--no-backup", help="Do not keep PATH.bak")] = False,
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
