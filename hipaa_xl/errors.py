"""Typed errors for bad input.

Every error carries the Excel error code that an adapter shows for it: ``#VALUE!`` for a value of the
wrong kind (an unknown tier or schedule, a non-date, dates in the wrong order) and ``#NUM!`` for a
number out of range (a negative or fractional count, an impossible year).
"""

from __future__ import annotations

from typing import Literal

ExcelErrorCode = Literal["#VALUE!", "#NUM!", "#N/A"]


class HipaaInputError(ValueError):
    """Input the engine cannot price; the message says what is wrong in words a lawyer reads."""

    code: ExcelErrorCode = "#VALUE!"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def excel_text(self) -> str:
        """The error as a cell shows it: the Excel code, a space, the reason."""
        return f"{self.code} {self.message}"


class InvalidValue(HipaaInputError):
    """A value of the wrong kind: unknown name, not a date, dates in the wrong order (``#VALUE!``)."""

    code: ExcelErrorCode = "#VALUE!"


class OutOfRange(HipaaInputError):
    """A number outside what the law or the calendar allows (``#NUM!``)."""

    code: ExcelErrorCode = "#NUM!"
