"""Which as-of date a recalculation uses, and where it came from (decisions 14).

In order:

1. the Settings sheet's typed date: a defined name ``AsOf`` pointing at a cell that holds a number
   (not a formula). ``--as-of`` then has no effect, and a warning says so;
2. ``--as-of``;
3. for ``--check`` without ``--as-of``: the date recorded by the last recalc (``HXL_AS_OF_USED``);
4. the system date (or the date ``hipaa_xl.clock`` is overridden to).

The evaluation runs under ``clock.override_today(date)``: TODAY() and our functions' default dates
are that date, so a recalculation is reproducible.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hipaa_xl import clock
from hipaa_xl.ooxml.a1 import parse_cell, unquote_sheet
from hipaa_xl.recalc.model import Book
from hipaa_xl.recalc.reader import WorkbookPackage
from hipaa_xl.recalc.values import serial_to_date
from hipaa_xl.recalc.writer import AS_OF_NAME

SOURCE_SETTINGS = "Settings (typed date)"
SOURCE_OPTION = "--as-of"
SOURCE_RECORDED = "recorded in the workbook (HXL_AS_OF_USED)"
SOURCE_SYSTEM = "system date"


@dataclass(frozen=True)
class AsOfChoice:
    """The date used, where it came from, and a warning when --as-of was overridden."""

    date: dt.date
    source: str
    warning: str | None = None


def typed_as_of(book: Book) -> tuple[dt.date, str] | None:
    """The typed date behind the ``AsOf`` name and its address, when the cell holds a number."""
    defined = book.names.get((None, "asof"))
    if defined is None:
        defined = next((n for (scope, key), n in book.names.items() if key == "asof"), None)
    if defined is None:
        return None
    text = defined.text.strip().lstrip("=")
    if "!" not in text:
        return None
    sheet_text, _, address = text.rpartition("!")
    sheet = book.sheet_named(unquote_sheet(sheet_text))
    if sheet is None:
        return None
    try:
        row, col = parse_cell(address)
    except ValueError:
        return None
    value = sheet.values.get((row, col))
    if type(value) not in (int, float):
        return None  # a formula (PENDING), text or blank: not a typed date
    day = serial_to_date(value)  # type: ignore[arg-type]
    if day is None:
        return None
    return day, sheet.address(row, col)


def recorded_date(text: str | None) -> dt.date | None:
    """The date a workbook's ``HXL_AS_OF_USED`` records (refresh and recalc write the serial number);
    None when the name is missing or holds anything else. The one reading, for recalc and verify."""
    if text is None:
        return None
    try:
        serial = float(text.strip().lstrip("="))
    except ValueError:
        return None
    return serial_to_date(serial)


def recorded_as_of(book: Book) -> dt.date | None:
    """The date the last recalc recorded in ``HXL_AS_OF_USED``."""
    defined = book.names.get((None, AS_OF_NAME.lower()))
    return recorded_date(defined.text if defined is not None else None)


def choose_as_of(workbook: WorkbookPackage, as_of: dt.date | None, use_recorded: bool) -> AsOfChoice:
    """Pick the as-of date for this recalculation."""
    typed = typed_as_of(workbook.book)
    if typed is not None:
        day, address = typed
        warning = None
        if as_of is not None and as_of != day:
            warning = (f"--as-of {as_of.isoformat()} had no effect: {address} holds the typed date "
                       f"{day.isoformat()}; clear it or type =TODAY() to use --as-of")
        return AsOfChoice(day, f"{SOURCE_SETTINGS} in {address}", warning)
    if as_of is not None:
        return AsOfChoice(as_of, SOURCE_OPTION)
    if use_recorded:
        recorded = recorded_as_of(workbook.book)
        if recorded is not None:
            return AsOfChoice(recorded, SOURCE_RECORDED)
    return AsOfChoice(clock.today(), SOURCE_SYSTEM)
