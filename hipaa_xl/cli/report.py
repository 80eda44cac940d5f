"""``hipaa-xl report`` (the exposure memo) and ``hipaa-xl share`` (the values-only copy).

Both read a refreshed workbook and never change it. A workbook whose values are stale, whose layout is
out of date or whose Summary shows ``#N/A`` is refused with one line saying what to run (exit 3);
``report --force`` writes a draft marked on every page instead. A file that cannot be used, a bad
option or a missing LibreOffice for ``--pdf`` exit 2 with one line (``cli.common``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hipaa_xl.cli.common import EXIT_BAD_INPUT, EXIT_STALE, fail
from hipaa_xl.errors import HipaaXlError


def register(app: typer.Typer) -> None:
    """Add ``report`` and ``share`` to the CLI."""

    @app.command("report")
    def report(
        book: Annotated[Path, typer.Argument(help="The refreshed matter workbook (.xlsx or .xlsm)")],
        out: Annotated[Path | None, typer.Option("-o", "--out", help="The memo to write (default BOOK-memo.docx)")]
        = None,
        pdf: Annotated[bool, typer.Option("--pdf", help="Also write a PDF beside it (needs LibreOffice)")] = False,
        force: Annotated[bool, typer.Option("--force", help="Write a draft from figures that are not current, "
                                                            "marked 'DRAFT - figures not current' on every page")]
        = False,
    ) -> None:
        """Write the exposure memo (Word, optionally PDF) from a refreshed workbook."""
        from hipaa_xl.report.commands import NotCurrentError, make_memo
        from hipaa_xl.report.pdf import PdfError

        try:
            import docx  # noqa: F401
            import matplotlib  # noqa: F401
        except ImportError:
            fail("the memo needs python-docx and matplotlib: pip install 'hipaa-xl[report]'", EXIT_BAD_INPUT)
        try:
            result = make_memo(book, out, pdf=pdf, force=force)
        except NotCurrentError as exc:
            fail(f"{exc} (or use --force for a marked draft)", EXIT_STALE)
        except PdfError as exc:
            docx_path = out or book.with_name(book.stem + "-memo.docx")
            fail(f"{exc}; the Word memo {docx_path} was written", EXIT_BAD_INPUT)
        except (HipaaXlError, OSError) as exc:
            fail(str(exc), EXIT_BAD_INPUT)
        if result.draft_reason is not None:
            typer.echo(f"warning: DRAFT - figures not current: {result.draft_reason}", err=True)
        typer.echo(f"wrote {result.docx}")
        if result.pdf is not None:
            typer.echo(f"wrote {result.pdf}")

    @app.command("share")
    def share(
        book: Annotated[Path, typer.Argument(help="The refreshed matter workbook (.xlsx or .xlsm)")],
        out: Annotated[Path | None, typer.Option("-o", "--out", help="The copy to write (default BOOK-share.xlsx)")]
        = None,
        client: Annotated[bool, typer.Option("--client", help="The client's copy: keeps the scenarios, Chosen "
                                                              "points, factors, notes and the privilege legend")]
        = False,
        external: Annotated[bool, typer.Option("--external", help="For a regulator, opposing counsel or anyone "
                                                                  "outside the privilege (the default)")] = False,
        keep_comments: Annotated[bool, typer.Option("--keep-comments",
                                                    help="Keep comments, threaded comments and the author "
                                                         "properties")] = False,
    ) -> None:
        """Write a values-only copy to send: only what its reader is meant to see (default: --external)."""
        from hipaa_xl.report.commands import NotCurrentError, make_share

        if client and external:
            fail("choose one of --client and --external", EXIT_BAD_INPUT)
        try:
            target, lines = make_share(book, out, keep_comments=keep_comments,
                                       audience="client" if client else "external")
        except NotCurrentError as exc:
            fail(str(exc), EXIT_STALE)
        except (HipaaXlError, OSError) as exc:
            fail(str(exc), EXIT_BAD_INPUT)
        typer.echo(f"wrote {target} (the source was not changed)")
        for line in lines:
            typer.echo("  " + line)
