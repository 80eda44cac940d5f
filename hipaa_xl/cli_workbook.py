"""``hipaa-xl new`` and ``hipaa-xl refresh``: the template workbook and its refresh (issue 5).

Bad input never gives a traceback: one line on stderr and a non-zero exit; the file is left as it was.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hipaa_xl.errors import HipaaInputError
from hipaa_xl.xlsxio import WorkbookFileError

if TYPE_CHECKING:
    from hipaa_xl.workbook.refresh import RefreshReport

LARGE_BYTES = 300_000
"""A workbook this large (about 500 incidents) shows a progress bar while it refreshes (TTY only)."""


def _refresh_with_bar(path: Path, day: dt.date | None, backup: bool) -> RefreshReport:
    """``refresh_file`` with a rich progress bar on stderr: the stage, the cells computed, a bar."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    from hipaa_xl.workbook.refresh import refresh_file

    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("reading the workbook", total=1.0)

        def show(stage: str, done: float) -> None:
            bar.update(task, description=stage, completed=done)

        report = refresh_file(path, day, progress=show, backup=backup)
        bar.update(task, description="written", completed=1.0)
    return report


def _as_of(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        typer.echo(f"error: --as-of must be a date like 2026-03-31 (got {text!r})", err=True)
        raise typer.Exit(2) from None


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
    ) -> None:
        """Write a fresh, empty exposure template (or the example matter), laid out and calculated."""
        from hipaa_xl.workbook.new import new_workbook

        try:
            report = new_workbook(path, _as_of(as_of), example=example, force=force)
        except (WorkbookFileError, HipaaInputError, ValueError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        _print([f"wrote {path}", *report.lines()])

    @app.command("refresh")
    def refresh(
        path: Annotated[Path, typer.Argument(help="The workbook to refresh (.xlsx or .xlsm)")],
        as_of: Annotated[str | None, typer.Option("--as-of", help="Assessment date when Settings holds =TODAY()")]
        = None,
        no_backup: Annotated[bool, typer.Option("--no-backup", help="Do not keep PATH.bak")] = False,
    ) -> None:
        """Re-lay out Exposure and Summary to match Incidents and store the computed values."""
        from hipaa_xl.workbook.refresh import refresh_file

        day = _as_of(as_of)
        try:
            size = path.stat().st_size if path.is_file() else 0
            if size >= LARGE_BYTES and sys.stderr.isatty():
                report = _refresh_with_bar(path, day, backup=not no_backup)
            else:
                report = refresh_file(path, day, backup=not no_backup)
        except (WorkbookFileError, HipaaInputError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        _print([f"refreshed {path}" if report.changed else f"{path}: up to date", *report.lines()])
