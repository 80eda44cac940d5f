"""Every error hipaa-xl raises on purpose, in one hierarchy.

::

    HipaaXlError                  the base: ``message`` is one line a lawyer can act on
    ├── HipaaInputError           input the engine cannot price (also a ValueError); ``code`` is
    │   │                         the Excel error a cell shows for it
    │   ├── InvalidValue          #VALUE!: a value of the wrong kind (an unknown tier or schedule,
    │   │                         a non-date, dates in the wrong order)
    │   └── OutOfRange            #NUM!: a number out of range (a negative or fractional count, an
    │                             impossible year or serial)
    ├── NotCurrentError           (hipaa_xl.report.commands) a workbook whose stored figures are not
    │                             current: ``report`` and ``share`` refuse it (exit 3)
    ├── PdfError                  (hipaa_xl.report.pdf) LibreOffice missing or failing for ``--pdf``
    └── WorkbookError             a workbook that cannot be used (missing, locked, damaged, of the
        │                         wrong kind, without a sheet or header refresh needs); ``path``,
        │                         when known, is the file, named in front of the message
        ├── WorkbookChangedError  (hipaa_xl.files) saved by someone else while we worked
        ├── WebExtensionError     (hipaa_xl.ooxml.webextensions) an Office add-in's parts that cannot
        │   │                     be read (a damaged task pane)
        │   └── BindingError      (hipaa_xl.lite.binding) an xlwings Lite binding that cannot be read
        └── BundleError           (hipaa_xl.lite.bundle) an embedded main.py that cannot be read back

The command line catches ``HipaaXlError`` alone: one line on stderr and the exit code of its kind.
The same bad value gives the same code and text whether it reaches the engine through an Excel
function (``hipaa_xl.excel.cells``) or through Refresh (``hipaa_xl.workbook.inputs``): both parse with
the validators of ``hipaa_xl.excel.cells`` and ``hipaa_xl.engine``.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Literal

ExcelErrorCode = Literal["#VALUE!", "#NUM!", "#N/A"]
EXCEL_ERROR_CODES: tuple[str, ...] = (
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CONNECT!", "#BLOCKED!", "#UNKNOWN!", "#FIELD!", "#CALC!", "#BUSY!", "#PYTHON!",
)
"""Excel's error values, the one list: the first 14 in the order ERROR.TYPE numbers them (1 to 14),
then two a cell may hold that the headless evaluator never produces."""


class HipaaXlError(Exception):
    """The base of every hipaa-xl error; ``message`` says what is wrong in words a lawyer reads."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class HipaaInputError(HipaaXlError, ValueError):
    """Input the engine cannot price; the message says what is wrong in words a lawyer reads."""

    code: ExcelErrorCode = "#VALUE!"

    def excel_text(self) -> str:
        """The error as a cell shows it: the Excel code, a space, the reason."""
        return f"{self.code} {self.message}"


class InvalidValue(HipaaInputError):
    """A value of the wrong kind: unknown name, not a date, dates in the wrong order (``#VALUE!``)."""

    code: ExcelErrorCode = "#VALUE!"


class OutOfRange(HipaaInputError):
    """A number outside what the law or the calendar allows (``#NUM!``)."""

    code: ExcelErrorCode = "#NUM!"


class WorkbookError(HipaaXlError):
    """A workbook file that cannot be used, or lacks what refresh needs (a sheet, a header, a name).

    ``path`` is the file when known: ``str()`` names it in front of the message (once, even when the
    message already begins with it); ``message`` stays the bare reason.
    """

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path

    def __str__(self) -> str:
        if self.path is None or self.message.startswith(self.path.name):
            return self.message
        return f"{self.path.name}: {self.message}"


def shown(value: object) -> str:
    """A cell's value in the words an error message quotes it with, never a Python repr: a date as
    "a date: 2026-03-31", text in quotes, TRUE/FALSE, a number as Excel shows it."""
    if isinstance(value, dt.datetime):
        day = value.date().isoformat()
        clock = value.strftime("%H:%M")
        return f"a date: {day}" + ("" if clock == "00:00" else f" {clock}")
    if isinstance(value, dt.date):
        return f"a date: {value.isoformat()}"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return "not a number"
        return f"{value:g}" if not value.is_integer() else f"{int(value)}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return f'"{value.strip()}"'
    return f"a {type(value).__name__} value"
