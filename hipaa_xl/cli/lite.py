"""``hipaa-xl lite add|remove|show|check BOOK``: the xlwings Lite binding of a workbook.

``add`` and ``remove`` write through the same package writer as ``refresh`` (every other part kept
byte for byte, atomic, ``BOOK.bak``) and write nothing when there is nothing to change. ``check``
prints one line and exits 0 when the binding is sound and carries the installed hipaa-xl's code; it
exits 2 (one line) when the binding or the embedded code is malformed, and 3 when it is older than,
or differs from, the installed hipaa-xl (run ``lite add`` again).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hipaa_xl.cli.common import EXIT_BAD_INPUT, EXIT_STALE, fail
from hipaa_xl.errors import WorkbookError

_BOOK = Annotated[Path, typer.Argument(help="The hipaa-xl workbook (.xlsx or .xlsm)")]


def register(app: typer.Typer) -> None:
    """Add the ``lite`` group to the CLI."""
    lite = typer.Typer(help="Excel on Mac and the web: bind a workbook to xlwings Lite, audit or remove it.",
                       no_args_is_help=True)
    app.add_typer(lite, name="lite")

    @lite.command("add")
    def add(
        book: _BOOK,
        pin: Annotated[str | None, typer.Option("--pin", help="Install this published hipaa-xl version instead "
                                                "of carrying the code in main.py")] = None,
        no_backup: Annotated[bool, typer.Option("--no-backup", help="Do not keep BOOK.bak")] = False,
    ) -> None:
        """Bind the workbook to xlwings Lite (or update its code): functions and Refresh in any Excel."""
        from hipaa_xl.lite.files import add_to_file

        try:
            changed = add_to_file(book, pin=pin, backup=not no_backup)
        except WorkbookError as exc:
            fail(str(exc), EXIT_BAD_INPUT)
        typer.echo(f"{book}: bound to xlwings Lite" if changed else f"{book}: already bound to this code")

    @lite.command("remove")
    def remove(
        book: _BOOK,
        no_backup: Annotated[bool, typer.Option("--no-backup", help="Do not keep BOOK.bak")] = False,
    ) -> None:
        """Remove the xlwings Lite binding (its main.py and requirements.txt) from the workbook."""
        from hipaa_xl.lite.files import remove_from_file

        try:
            changed = remove_from_file(book, backup=not no_backup)
        except WorkbookError as exc:
            fail(str(exc), EXIT_BAD_INPUT)
        typer.echo(f"{book}: binding removed" if changed else f"{book}: not bound to xlwings Lite")

    @lite.command("show")
    def show(
        book: _BOOK,
        extract: Annotated[Path | None, typer.Option("--extract", help="Also write main.py and requirements.txt "
                                                     "into this folder")] = None,
    ) -> None:
        """Print what the workbook carries for xlwings Lite: versions, checksums, requirements."""
        from hipaa_xl.lite.files import extract as extract_to
        from hipaa_xl.lite.files import show_lines

        try:
            lines = show_lines(book)
            written = extract_to(book, extract) if extract is not None else []
        except WorkbookError as exc:
            fail(str(exc), EXIT_BAD_INPUT)
        for line in lines + [f"wrote {p}" for p in written]:
            typer.echo(line)

    @lite.command("check")
    def check(book: _BOOK) -> None:
        """Exit 0 when the binding is sound and current; 2 when malformed, 3 when older than this hipaa-xl."""
        from hipaa_xl.lite.files import LiteOutOfDate, check_file

        try:
            line = check_file(book)
        except LiteOutOfDate as exc:
            fail(str(exc), EXIT_STALE)
        except WorkbookError as exc:
            fail(str(exc), EXIT_BAD_INPUT)
        typer.echo(line)
