"""``hipaa-xl recalc``: recalculate a workbook without Excel.

Exit codes: 0 every formula evaluated (and, with ``--check``, the file is up to date); 1 some cells
could not be evaluated (unknown function, unsupported syntax, circular reference); 2 the file or an
option cannot be used (one line on stderr); 3 ``--check`` found values that differ from the file;
4 an internal error (reported in one line).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

EXIT_OK = 0
EXIT_UNEVALUATED = 1
EXIT_BAD_INPUT = 2
EXIT_STALE = 3
MAX_LINES = 20
PROGRESS_THRESHOLD = 5000


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    typer.echo(f"hipaa-xl recalc: {message}", err=True)
    return typer.Exit(code)


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise _fail(f"--as-of must be a date written YYYY-MM-DD (got {text!r})") from None


def recalc(
    path: Annotated[Path, typer.Argument(help="The .xlsx or .xlsm workbook.", show_default=False)],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of over PATH (the old file is kept as .bak).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Assessment date YYYY-MM-DD for TODAY() and the functions.")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; fail when the values in the file are not up to date.")
    ] = False,
    allow_errors: Annotated[
        bool, typer.Option("--allow-errors", help="Write even when some cells could not be evaluated.")
    ] = False,
) -> None:
    """Evaluate every formula without Excel and store the values beside the formulas."""
    from hipaa_xl.recalc import recalc_file
    from hipaa_xl.xlsxio import WorkbookFileError

    day = _parse_date(as_of) if as_of is not None else None
    try:
        with _progress_bar() as progress:
            report = recalc_file(path, out=out, as_of=day, check=check, allow_errors=allow_errors,
                                 progress=progress)
    except WorkbookFileError as exc:
        raise _fail(exc.message) from None
    except MemoryError:
        raise _fail(f"{path.name} is too large to recalculate in memory") from None
    except KeyboardInterrupt:
        raise _fail("interrupted; the workbook was not changed", 130) from None
    except Exception as exc:  # a bug: still one line, never a traceback for the lawyer
        raise _fail(f"internal error while recalculating {path.name} ({type(exc).__name__}: {exc}); "
                    "the workbook was not changed; please report this", 4) from None

    for warning in report.warnings[:MAX_LINES]:
        typer.echo(f"warning: {warning}", err=True)
    if len(report.warnings) > MAX_LINES:
        typer.echo(f"warning: ... and {len(report.warnings) - MAX_LINES} more warnings", err=True)
    for error in report.error_cells[:MAX_LINES]:
        typer.echo(f"error value: {error.line()}", err=True)
    if len(report.error_cells) > MAX_LINES:
        typer.echo(f"error value: ... and {len(report.error_cells) - MAX_LINES} more cells", err=True)
    if report.problems:
        typer.echo(f"could not evaluate {len(report.problems)} cell(s):", err=True)
        for problem in report.problems[:MAX_LINES]:
            typer.echo(f"  {problem.line()}", err=True)
        if len(report.problems) > MAX_LINES:
            typer.echo(f"  ... and {len(report.problems) - MAX_LINES} more", err=True)

    typer.echo(report.summary())
    if check:
        if report.differences:
            typer.echo(f"{len(report.differences)} formula cell(s) hold out-of-date values; first ones:", err=True)
            for difference in report.differences[:MAX_LINES]:
                typer.echo(f"  {difference.line()}", err=True)
            raise typer.Exit(EXIT_STALE)
        if report.problems:
            raise typer.Exit(EXIT_UNEVALUATED)
        typer.echo("values are up to date")
        return
    if report.written is not None:
        backup = f" (previous version kept as {report.backup.name})" if report.backup else ""
        typer.echo(f"wrote {report.written}{backup}")
    elif report.ok:
        typer.echo("up to date: nothing to write")
    if report.problems:
        if report.written is None:
            typer.echo("nothing written; use --allow-errors to write anyway", err=True)
        raise typer.Exit(EXIT_UNEVALUATED)


class _progress_bar:
    """A rich progress bar on stderr for large books when stderr is a terminal."""

    def __init__(self) -> None:
        self._progress: object | None = None
        self._task: object | None = None

    def __enter__(self) -> _progress_bar | None:
        if not sys.stderr.isatty():
            return None
        return self

    def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_THRESHOLD:
            return
        from rich.console import Console
        from rich.progress import Progress

        if self._progress is None:
            progress = Progress(console=Console(stderr=True), transient=True)
            progress.start()
            self._progress = progress
            self._task = progress.add_task("recalculating", total=total)
        current = self._progress
        assert isinstance(current, Progress)
        current.update(self._task, completed=done)  # type: ignore[arg-type]

    def __exit__(self, *exc: object) -> None:
        from rich.progress import Progress

        if isinstance(self._progress, Progress):
            self._progress.stop()


def register(app: typer.Typer) -> None:
    """Add the ``recalc`` command to the ``hipaa-xl`` application."""
    app.command("recalc")(recalc)
