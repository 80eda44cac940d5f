"""``hipaa-xl recalc``: recalculate a workbook without Excel.

Exit codes (the table in :mod:`hipaa_xl.cli.common`): 0 every formula evaluated (and, with
``--check``, the file is up to date); 1 some cells could not be evaluated (unknown function,
unsupported syntax, circular reference); 2 the file or an option cannot be used (one line on
stderr); 3 ``--check`` found values that differ from the file; 4 an internal error (one line).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from hipaa_xl.cli.common import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_PROBLEMS,
    EXIT_STALE,
    ProgressBar,
    fail,
    parse_as_of,
    progress_bar,
)
from hipaa_xl.errors import HipaaXlError

MAX_LINES = 20
PROGRESS_THRESHOLD = 5000
"""Fewer formula cells than this show no progress bar (TTY only)."""


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
    problems: Annotated[
        Path | None, typer.Option("--problems", help="Write every cell that could not be evaluated to this "
                                  ".json or .csv file (sheet, cell, kind, detail, depends_on).")
    ] = None,
) -> None:
    """Evaluate every formula without Excel and store the values beside the formulas."""
    from hipaa_xl.recalc import recalc_file
    from hipaa_xl.recalc.problems import problems_bytes, problems_format

    day = parse_as_of(as_of)
    problems_kind = None
    if problems is not None:
        problems_kind = problems_format(problems)
        if problems_kind is None:
            fail(f"--problems {problems.name}: the file must end in .json or .csv")
    try:
        if out is not None:  # the in-place run has the lock and the edit guard; -o is for another file
            from hipaa_xl.files import check_output

            check_output(out, path, (".xlsx", ".xlsm"), "-o")
        with progress_bar("recalculating") as bar:
            report = recalc_file(path, out=out, as_of=day, check=check, allow_errors=allow_errors,
                                 progress=None if bar is None else _counter(bar))
    except HipaaXlError as exc:
        fail(str(exc))
    except MemoryError:
        fail(f"{path.name} is too large to recalculate in memory")
    except KeyboardInterrupt:
        fail("interrupted; the workbook was not changed", EXIT_INTERRUPTED)
    except Exception as exc:  # a bug: still one line, never a traceback for the lawyer
        fail(f"internal error while recalculating {path.name} ({type(exc).__name__}: {exc}); "
             "the workbook was not changed; please report this", EXIT_INTERNAL)

    if problems is not None and problems_kind is not None:
        from hipaa_xl.files import write_file_atomic

        try:
            write_file_atomic(problems, problems_bytes(report.problems, problems_kind), backup=False)
        except HipaaXlError as exc:
            fail(f"--problems: {exc}")
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
        if problems is not None:
            typer.echo(f"the full list of {len(report.problems)} cell(s) is in {problems}", err=True)

    typer.echo(report.summary())
    if check:
        if report.differences:
            typer.echo(f"{len(report.differences)} formula cell(s) hold out-of-date values; first ones:", err=True)
            for difference in report.differences[:MAX_LINES]:
                typer.echo(f"  {difference.line()}", err=True)
            raise typer.Exit(EXIT_STALE)
        if report.problems:
            raise typer.Exit(EXIT_PROBLEMS)
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
        raise typer.Exit(EXIT_PROBLEMS)


def _counter(bar: ProgressBar) -> Callable[[int, int], None]:
    """Recalc's progress (cells done, cells in all) on ``bar``, for books of PROGRESS_THRESHOLD cells or more."""

    def show(done: int, total: int) -> None:
        if total >= PROGRESS_THRESHOLD:
            bar.update(done, total)

    return show


def register(app: typer.Typer) -> None:
    """Add the ``recalc`` command to the ``hipaa-xl`` application."""
    app.command("recalc")(recalc)
