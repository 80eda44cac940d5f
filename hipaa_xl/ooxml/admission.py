"""Admission of a workbook path: what is refused before a single part is parsed.

:func:`check_workbook_path` refuses, with one lawyer-readable line (:class:`WorkbookError`), every file
that is not a usable Excel workbook: missing, the wrong kind (.xls, .xlsb, .ods, .csv), open in Excel or
LibreOffice (a ``~$name`` or ``.~lock.name#`` file beside it), read-only, too large (over 100 MiB on
disk, over 1 GiB unpacked, or packed more than 100 to 1: a zip bomb), over the memory budget
(:func:`memory_budget`, ``HIPAA_XL_MEMORY_MIB``), password-protected (an encrypted workbook is an OLE
compound file, not a zip), damaged or truncated.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Final

from hipaa_xl.errors import WorkbookError
from hipaa_xl.files import lock_files
from hipaa_xl.ooxml.package import repeated_part

MAX_FILE_BYTES: Final = 100 * 1024 * 1024



MAX_UNPACKED_BYTES: Final = 1024 * 1024 * 1024



MAX_RATIO: Final = 100



ACCEPTED_SUFFIXES: Final = (".xlsx", ".xlsm")



OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0"



_WRONG_KIND: Final = {
    ".xls": "is an Excel 97-2003 workbook (.xls); open it in Excel and save it as .xlsx first",
    ".xlsb": "is an Excel binary workbook (.xlsb); open it in Excel and save it as .xlsx first",
    ".ods": "is an OpenDocument spreadsheet (.ods); save it as .xlsx first",
    ".csv": "is a CSV text file, not a workbook; open it in Excel and save it as .xlsx first",
    ".xltx": "is an Excel template (.xltx); create a workbook from it and save that as .xlsx",
}



_OLE_STREAMS: Final = {
    "EncryptedPackage": "is password-protected (encrypted); remove the password in Excel first",
    "Workbook": "is an Excel 97-2003 workbook (.xls) named .xlsx: open it in Excel and save it as .xlsx",
    "Book": "is an Excel 5.0/95 workbook (.xls) named .xlsx: open it in Excel and save it as .xlsx",
    "WordDocument": "is a Word 97-2003 document, not an Excel workbook",
    "PowerPoint Document": "is a PowerPoint 97-2003 presentation, not an Excel workbook",
}



def _ole_kind(path: Path) -> str:
    """What an OLE compound file (the container of .xls files and of encrypted workbooks) holds.

    The directory entries (128 bytes each, at 128-byte boundaries after the 512-byte header) hold
    each stream's UTF-16 name and its length; an encrypted workbook has ``EncryptedPackage``, an
    Excel 97-2003 workbook ``Workbook`` (MS-CFB 2.6; MS-OFFCRYPTO 2.3.4.1; MS-XLS 2.1.2).
    """
    try:
        data = path.read_bytes()
    except OSError:
        data = b""
    names: set[str] = set()
    for offset in range(512, len(data) - 127, 128):
        entry = data[offset: offset + 128]
        (length,) = struct.unpack_from("<H", entry, 64)
        if 4 <= length <= 64 and length % 2 == 0 and entry[66] in (1, 2, 5):
            with contextlib.suppress(UnicodeDecodeError):
                names.add(entry[: length - 2].decode("utf-16-le"))
    for stream, reason in _OLE_STREAMS.items():
        if stream in names:
            return reason
    return ("is not an Excel workbook but an OLE compound file (password-protected, or an Office 97-2003 "
            "document); remove the password or save it as .xlsx in Excel first")



def check_workbook_path(path: str | os.PathLike[str], *, for_writing: bool = True) -> None:
    """Raise :class:`WorkbookError` unless ``path`` is a readable (and, by default, writable) workbook."""
    p = Path(path)
    shown = p.name
    if not p.exists():
        raise WorkbookError(f"{p}: file not found")
    if not p.is_file():
        raise WorkbookError(f"{p}: not a file")
    suffix = p.suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        reason = _WRONG_KIND.get(suffix, f"is not an Excel workbook (.xlsx or .xlsm), found '{p.suffix or 'no extension'}'")
        raise WorkbookError(f"{shown} {reason}")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise WorkbookError(f"{shown} is too large ({size / 2**20:.0f} MiB; the limit is 100 MiB)")
    try:
        with p.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise WorkbookError(f"{shown} cannot be read: {exc.strerror or exc}") from exc
    if head.startswith(OLE_MAGIC):
        raise WorkbookError(f"{shown} {_ole_kind(p)}")
    if not head.startswith(b"PK"):
        raise WorkbookError(f"{shown} is damaged or not an Excel workbook (not a zip package)")
    _check_zip(p)
    if for_writing:
        locks = lock_files(p)
        if locks:
            raise WorkbookError(
                f"{shown} is open in Excel or LibreOffice ({locks[0].name} exists); close it and try again"
            )
        mode = p.stat().st_mode
        if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(p, os.W_OK):
            raise WorkbookError(f"{shown} is read-only; save a copy or remove the read-only flag")
        try:
            with p.open("r+b"):
                pass
        except OSError as exc:
            raise WorkbookError(f"{shown} cannot be opened for writing (is it open elsewhere?): "
                                    f"{exc.strerror or exc}") from exc



def read_checked_bytes(path: str | os.PathLike[str], *, for_writing: bool = False) -> bytes:
    """The bytes of a workbook that passed :func:`check_workbook_path`."""
    check_workbook_path(path, for_writing=for_writing)
    p = Path(path)
    try:
        return p.read_bytes()
    except OSError as exc:
        raise WorkbookError(f"{p.name} cannot be read: {exc.strerror or exc}") from exc



def _check_zip(p: Path) -> None:
    shown = p.name
    try:
        with zipfile.ZipFile(p) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if len(names) != len(infos):
                raise WorkbookError(f"{shown} is damaged: {repeated_part(infos)}")
            unpacked = sum(info.file_size for info in infos)
            packed = sum(info.compress_size for info in infos)
            if unpacked > MAX_UNPACKED_BYTES:
                raise WorkbookError(f"{shown} is too large when unpacked ({unpacked / 2**30:.1f} GiB; "
                                        "the limit is 1 GiB)")
            if packed and unpacked / packed > MAX_RATIO:
                raise WorkbookError(f"{shown} is suspicious: it unpacks to {unpacked / packed:.0f} times its "
                                        "size (zip bomb); refusing to open it")
            if "[Content_Types].xml" not in names:
                raise WorkbookError(f"{shown} is damaged or not an Excel workbook ([Content_Types].xml missing)")
            if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
                raise WorkbookError(f"{shown} is not an Excel workbook (xl/workbook.xml missing)")
            budget = memory_budget()
            cells, formulas, complete = _count_cells(archive, infos, shown, budget, unpacked)
            need = estimated_memory(cells, formulas, unpacked)
            if need > budget:
                at_least = "" if complete else "at least "
                raise WorkbookError(
                    f"{shown} is too large to work on within the memory budget: {_size(unpacked)} unpacked and "
                    f"{at_least}{cells:,} cells ({formulas:,} formulas) need {at_least or 'about '}{_size(need)}, "
                    f"over the {_size(budget)} budget (set {BUDGET_VARIABLE} to a number of MiB to change it)")
    except zipfile.BadZipFile as exc:
        raise WorkbookError(f"{shown} is damaged or truncated ({exc})") from exc
    except (EOFError, OSError, zlib.error, zipfile.LargeZipFile, NotImplementedError, ValueError) as exc:
        raise WorkbookError(f"{shown} is damaged or truncated ({exc})") from exc



BUDGET_VARIABLE: Final = "HIPAA_XL_MEMORY_MIB"



DEFAULT_MEMORY_BUDGET: Final = 2 * 1024**3
"""Peak memory a refresh or recalc may need, checked before reading: 2 GiB by default."""



BYTES_PER_CELL: Final = 500



BYTES_PER_FORMULA: Final = 1000
"""Measured peaks, rounded up: the 10,000-incident benchmark (570,000 cells, 412,747 formulas) needs
0.53 GB to recalc and 0.80 GB to refresh; 1,000,000 value cells with 2,000 formulas 0.49 GB."""



def memory_budget() -> int:
    """The memory budget in bytes: ``HIPAA_XL_MEMORY_MIB`` when set to a positive number, else 2 GiB."""
    text = os.environ.get(BUDGET_VARIABLE, "").strip()
    if text.isdigit() and int(text) > 0:
        return int(text) * 1024**2
    return DEFAULT_MEMORY_BUDGET



def _size(n: int) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MiB"



def estimated_memory(cells: int, formulas: int, unpacked: int) -> int:
    """Peak memory to refresh or recalc a package: its cells, formulas and unpacked parts (held twice)."""
    return 64 * 1024**2 + cells * BYTES_PER_CELL + formulas * BYTES_PER_FORMULA + 2 * unpacked



_CELL_TAG: Final = re.compile(rb"<(?:[^\s<>:/!?]+:)?c[\s/>]")



_FORMULA_TAG: Final = re.compile(rb"<(?:[^\s<>:/!?]+:)?f[\s/>]")
"""The start tag of a cell (``c``) or a formula (``f``) however it is written: any namespace prefix, and
any of the white space XML allows after the name (space, tab, line break) or none (ECMA-376 Part 1,
18.3.1.4; XML 1.0 section 3.1). A count of what the XML means, not of one spelling."""



_CARRY: Final = 256



def _count_cells(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], shown: str, budget: int,
                 unpacked: int) -> tuple[int, int, bool]:
    """Read every part once (the CRC of each is checked at its end) and count the worksheets' cells and
    formulas (:data:`_CELL_TAG`, :data:`_FORMULA_TAG`), in 1 MiB chunks: memory stays small.

    Stops as soon as the count alone is over ``budget`` (then False: the count is a lower bound), so a
    huge workbook is refused after reading what the budget allows, not all of it.
    """
    cells = formulas = 0
    for info in infos:
        counting = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        try:
            with archive.open(info) as part:
                carry = b""
                while chunk := part.read(1 << 20):
                    if counting:
                        text = carry + chunk
                        # a tag cut by the chunk boundary is counted in the next round, never twice
                        keep = max(text.rfind(b"<"), len(text) - _CARRY) if len(text) > _CARRY else 0
                        cells += len(_CELL_TAG.findall(text, 0, keep)) if keep else 0
                        formulas += len(_FORMULA_TAG.findall(text, 0, keep)) if keep else 0
                        carry = text[keep:]
                        if estimated_memory(cells, formulas, unpacked) > budget:
                            return cells, formulas, False
                if counting and carry:
                    cells += len(_CELL_TAG.findall(carry))
                    formulas += len(_FORMULA_TAG.findall(carry))
        except zipfile.BadZipFile as exc:
            raise WorkbookError(f"{shown} is damaged (part {info.filename}: {exc})") from exc
    return cells, formulas, True
