"""The ``hipaa-xl`` command line (entry point ``hipaa_xl.cli:main``).

One module per group of commands, each with a ``register(app)`` function:

* :mod:`~hipaa_xl.cli.engine` - ``explain``, ``schedules``, ``criminal``: cited figures;
* :mod:`~hipaa_xl.cli.workbook` - ``new``, ``refresh``: the template workbook;
* :mod:`~hipaa_xl.cli.recalc` - ``recalc``: headless recalculation;
* :mod:`~hipaa_xl.cli.report` - ``report``, ``share``: the exposure memo and the values-only copy;
* :mod:`~hipaa_xl.cli.scenarios` - ``scenarios``: every scenario of a workbook beside the base;
* :mod:`~hipaa_xl.cli.demo` - ``demo``: the main job on the built-in example;
* :mod:`~hipaa_xl.cli.lite` - ``lite add|remove|show|check``: the xlwings Lite binding of a workbook;
* :mod:`~hipaa_xl.cli.deadlines` - ``deadline``, ``deadlines``: the matter's clock;
* :mod:`~hipaa_xl.cli.outcomes` - ``outcomes``: published OCR outcomes and their statistics;
* :mod:`~hipaa_xl.cli.common` - what they share: the exit-code table, ``fail(message, code)`` (one
  line on stderr), the one ``--as-of`` parser and the progress bar.

To add a command: write ``hipaa_xl/cli/<name>.py`` with ``register(app: typer.Typer) -> None`` that
adds it (using :mod:`~hipaa_xl.cli.common` for failures, exit codes and ``--as-of``), then name the
module in the import line and the tuple below. Nothing is imported by name at run time, so a broken import fails
loudly.
"""

from __future__ import annotations

import os
import signal
import sys


def _interrupted_while_starting(signum: int, frame: object) -> None:
    """Ctrl-C while Python imports the command line: nothing has been read or written yet."""
    sys.stderr.write("error: interrupted; no file was changed\n")
    sys.stderr.flush()
    os._exit(130)


_STARTING = signal.getsignal(signal.SIGINT) is signal.default_int_handler
if _STARTING:  # one line and exit 130 from the first moment, not a traceback of the imports
    signal.signal(signal.SIGINT, _interrupted_while_starting)

import typer  # noqa: E402

from hipaa_xl.cli import deadlines, demo, engine, lite, outcomes, recalc, report, scenarios, workbook  # noqa: E402
from hipaa_xl.cli.common import OneLineErrors  # noqa: E402

app = typer.Typer(
    name="hipaa-xl",
    help="HIPAA civil money penalty exposure: cited figures, template workbooks, headless recalculation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=OneLineErrors,
)

for _module in (engine, workbook, recalc, report, demo, deadlines, scenarios, lite, outcomes):
    _module.register(app)
if _STARTING:  # from here on Ctrl-C is a KeyboardInterrupt the commands turn into one line
    signal.signal(signal.SIGINT, signal.default_int_handler)


def main() -> None:
    """Entry point of the console script."""
    app()


if __name__ == "__main__":
    main()
