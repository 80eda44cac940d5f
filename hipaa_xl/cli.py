"""The ``hipaa-xl`` command line.

Each command lives in its own ``cli_*`` module with a ``register(app)`` function, so that the
engine, workbook and recalculation commands stay apart.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="hipaa-xl",
    help="HIPAA civil money penalty exposure: cited figures, template workbooks, headless recalculation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_all() -> None:
    import importlib

    for name in ("cli_engine", "cli_workbook", "cli_recalc", "cli_demo", "cli_deadlines"):
        try:
            module = importlib.import_module(f"hipaa_xl.{name}")
        except ModuleNotFoundError as exc:  # a command module not written yet
            if exc.name != f"hipaa_xl.{name}":
                raise
            continue
        module.register(app)


_register_all()


def main() -> None:
    """Entry point of the console script."""
    app()


if __name__ == "__main__":
    main()
