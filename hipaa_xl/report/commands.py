"""What ``hipaa-xl report`` and ``hipaa-xl share`` do, apart from the command line.

Both read a refreshed workbook without changing it, refuse one whose figures are not current (one
line saying what to run), and write their output atomically beside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from hipaa_xl import clock
from hipaa_xl.errors import HipaaXlError, WorkbookError
from hipaa_xl.files import check_output, write_file_atomic
from hipaa_xl.ooxml.admission import read_checked_bytes
from hipaa_xl.ooxml.package import write_package_atomic
from hipaa_xl.report.book import BookError, BookFigures, read_book
from hipaa_xl.report.share import Audience
from hipaa_xl.workbook.verify import currency_problem


class NotCurrentError(HipaaXlError):
    """The workbook's figures are not current (stale, out of layout, #N/A); one line with what to run
    (the command line's exit 3)."""


@dataclass
class MemoResult:
    """What ``report`` wrote."""

    docx: Path
    pdf: Path | None = None
    draft_reason: str | None = None
    warnings: list[str] = field(default_factory=list)


def optional_table_names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The Excel tables and the Summary blocks the memo shows when the workbook has them."""
    from hipaa_xl.report.memo import OPTIONAL_TABLES

    return (tuple(t.table for t in OPTIONAL_TABLES if not t.on_summary),
            tuple(t.table for t in OPTIONAL_TABLES if t.on_summary))


def load_current(path: Path, allow_stale: bool = False,
                 memo_tables: bool = True) -> tuple[bytes, BookFigures, str | None]:
    """The workbook's bytes, its figures, and why they are not current (None when they are).

    Raises :class:`WorkbookError` for a file that cannot be used and :class:`NotCurrentError`
    when the figures are not current and ``allow_stale`` is false. ``memo_tables`` reads the tables
    only the memo shows (which needs the memo's extra, python-docx); the share copy does without.
    """
    data = read_checked_bytes(path, for_writing=False)
    try:
        tables, blocks = optional_table_names() if memo_tables else ((), ())
        figures = read_book(data, path.name, tables, blocks)
    except BookError as exc:
        raise NotCurrentError(f"{path.name}: {exc}; run: hipaa-xl refresh {path}") from None
    except WorkbookError as exc:
        if path.name in str(exc):
            raise
        raise WorkbookError(f"{path.name}: {exc}") from None
    except Exception as exc:  # an unreadable workbook: one line, never a traceback (decisions 17)
        raise WorkbookError(f"{path.name}: cannot be read ({type(exc).__name__}: {exc})") from None
    problem = currency_problem(data, f"hipaa-xl refresh {path}", figures.summary, figures.inputs)
    if problem is not None and not allow_stale:
        raise NotCurrentError(f"{path.name}: {problem}")
    return data, figures, problem


def _check_output(out: Path, source: Path, suffix: str) -> None:
    check_output(out, source, (suffix,), "the output")


def make_memo(book: Path, out: Path | None = None, pdf: bool = False, force: bool = False,
              memo_date: dt.date | None = None) -> MemoResult:
    """``hipaa-xl report``: the memo beside the workbook (``BOOK-memo.docx``), and its PDF."""
    from hipaa_xl.report.memo import build_memo
    from hipaa_xl.report.pdf import docx_to_pdf

    target = out or book.with_name(book.stem + "-memo.docx")
    _check_output(target, book, ".docx")
    if pdf:
        _check_output(target.with_suffix(".pdf"), book, ".pdf")
    _data, figures, problem = load_current(book, allow_stale=force)
    write_file_atomic(target, build_memo(figures, memo_date or clock.today(), problem))
    result = MemoResult(target, draft_reason=problem)
    if pdf:
        pdf_path = target.with_suffix(".pdf")
        docx_to_pdf(target, pdf_path)
        result.pdf = pdf_path
    return result


def make_share(book: Path, out: Path | None = None, keep_comments: bool = False,
               exported_on: dt.date | None = None, audience: Audience = "external") -> tuple[Path, list[str]]:
    """``hipaa-xl share``: the copy for ``audience`` (``BOOK-share.xlsx``) and the lines saying what it
    kept and left out (decisions 53, 54)."""
    from hipaa_xl.report.share import build_share

    target = out or book.with_name(book.stem + "-share.xlsx")
    _check_output(target, book, ".xlsx")
    data, figures, _ = load_current(book, memo_tables=False)
    package, report = build_share(data, figures, exported_on or clock.today(), keep_comments, audience)
    write_package_atomic(target, package, backup=target.exists())
    return target, report.lines()
