"""What every ``hipaa-xl`` command shares: the exit codes, the one way to fail, ``--as-of``, progress.

Exit codes (the same fault gives the same code in every command; README "Exit codes"):

====  =========================================================================================
code  meaning
====  =========================================================================================
0     done (``recalc --check``: the values in the file are up to date)
1     the command ran and reports problems: cells ``recalc`` could not evaluate; a Summary
      row ``demo`` found different from the engine's own aggregation; scenario rows
      ``scenarios`` found that cannot apply
2     bad input, nothing written: a bad option or argument (typer's usage errors too), an
      invalid value, or a file that cannot be used (missing, locked, damaged, too large, of
      the wrong kind, or with a user's object on a generated sheet)
3     the values stored in the file are out of date: ``recalc --check``; ``report`` and ``share``
      refuse such a workbook (stale values, layout out of date, ``#N/A`` on Summary)
4     an internal error (a bug), reported in one line; the workbook was not changed
130   interrupted (Ctrl-C); the workbook was not changed
====  =========================================================================================
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn, TimeElapsedColumn

# typer vendors click as the private typer._click from 0.26 (it no longer depends on click), and has
# typer.exceptions from 0.27.2; the usage errors are caught here to give them our exit code, so
# pyproject.toml bounds typer to >=0.27.2,<0.30 (the oldest that has both, and the minors tested).
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperGroup
from typer.exceptions import Abort, TyperException

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2
EXIT_STALE = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130

EXIT_CODES: dict[int, str] = {
    EXIT_OK: "done",
    EXIT_PROBLEMS: "the command ran and reports problems (cells not evaluated, Summary differs from the engine, "
                   "scenario rows that cannot apply)",
    EXIT_BAD_INPUT: "bad input or an unusable file; nothing written",
    EXIT_STALE: "the stored values are out of date: recalc --check; report and share refuse the workbook",
    EXIT_INTERNAL: "internal error; the workbook was not changed",
    EXIT_INTERRUPTED: "interrupted; the workbook was not changed",
}
"""The exit-code table above, as data (pinned by tests/test_public_api.py)."""

def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print ``error: message`` as one line on stderr and exit with ``code``."""
    typer.echo("error: " + " ".join(str(message).split()), err=True)
    raise typer.Exit(code)


def one_line(message: str) -> str:
    """``message`` on one line (whitespace, newlines included, collapsed)."""
    return " ".join(str(message).split())


class OneLineErrors(TyperGroup):
    """The command group, with typer's boxed usage errors turned into one ``error:`` line (exit 2).

    ``hipaa-xl refresh`` without a path, an unknown option, an extra argument or a value of the
    wrong type print ``error: <what>; see 'hipaa-xl refresh --help'`` on stderr and exit 2, like
    every other bad input; Ctrl-C prints one line and exits 130.
    """

    def invoke(self, ctx: Any) -> Any:
        """Run the command; Ctrl-C anywhere is one line and exit 130 (files are written atomically)."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            typer.echo("error: interrupted; no file was changed", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        """Run the command line; returns the exit code when ``standalone_mode`` is false."""
        try:
            result = super().main(args=args, prog_name=prog_name, complete_var=complete_var, standalone_mode=False,
                                  windows_expand_args=windows_expand_args, **extra)
            code = result if isinstance(result, int) else EXIT_OK
        except NoArgsIsHelpError as exc:  # bare ``hipaa-xl``: the help text is the answer
            typer.echo(exc.format_message())
            code = EXIT_BAD_INPUT
        except UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "hipaa-xl"
            typer.echo(f"error: {one_line(exc.format_message())} (see '{where} --help')", err=True)
            code = EXIT_BAD_INPUT
        except TyperException as exc:
            typer.echo(f"error: {one_line(exc.format_message())}", err=True)
            code = exc.exit_code or EXIT_BAD_INPUT
        except Abort:
            typer.echo("error: interrupted; the workbook was not changed", err=True)
            code = EXIT_INTERRUPTED
        if code == EXIT_INTERRUPTED:
            # the one line is said: an object Ctrl-C left half-built (a zip file interrupted in its
            # constructor) must not add "Exception ignored ..." when it is collected at exit
            sys.unraisablehook = _silent
        if standalone_mode:
            sys.exit(code)
        return code


def _silent(_unraisable: Any) -> None:
    """An unraisable-exception hook that prints nothing (after an interruption has been reported)."""


def parse_as_of(text: str | None) -> dt.date | None:
    """The ``--as-of`` option: None when absent, else an ISO date; anything else fails with exit 2."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        fail(f"--as-of must be a date written YYYY-MM-DD, e.g. 2026-03-31 (got {text!r})")


class ProgressBar:
    """A transient rich progress bar on stderr, started on its first update."""

    def __init__(self, description: str) -> None:
        self._description = description
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def update(self, completed: float, total: float, description: str | None = None) -> None:
        """Show ``completed`` out of ``total``, with a new description when given."""
        if self._progress is None:
            columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
            self._progress = Progress(*columns, console=Console(stderr=True), transient=True)
            self._progress.start()
            self._task = self._progress.add_task(self._description, total=total)
        assert self._task is not None
        self._progress.update(self._task, completed=completed, total=total,
                              description=description or self._description)

    def stage(self, description: str, done: float) -> None:
        """Show a stage of work and the fraction (0 to 1) done so far."""
        self.update(done, 1.0, description)

    def stop(self) -> None:
        """Remove the bar (it is transient) if it was shown."""
        if self._progress is not None:
            self._progress.stop()


@contextmanager
def progress_bar(description: str, show: bool = True) -> Iterator[ProgressBar | None]:
    """A :class:`ProgressBar`, or None when ``show`` is false or stderr is not a terminal."""
    if not show or not sys.stderr.isatty():
        yield None
        return
    bar = ProgressBar(description)
    try:
        yield bar
    finally:
        bar.stop()
