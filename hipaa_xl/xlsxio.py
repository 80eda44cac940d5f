"""Safe reading and writing of .xlsx/.xlsm packages.

* :func:`check_workbook_path` refuses, with one lawyer-readable line (:class:`WorkbookError`),
  every file that is not a usable Excel workbook: missing, the wrong kind (.xls, .xlsb, .ods, .csv),
  open in Excel or LibreOffice (a ``~$name`` or ``.~lock.name#`` file beside it), read-only, too
  large (over 100 MiB on disk, over 1 GiB unpacked, or packed more than 100 to 1: a zip bomb),
  password-protected (an encrypted workbook is an OLE compound file, not a zip), damaged or
  truncated.
* :func:`read_package` returns a :class:`Package`: part name -> bytes in the original order, with the
  original zip entry details, so parts nobody changes are written back with identical content.
* :func:`write_package_atomic` writes to a temporary file in the same folder, flushes it to disk,
  keeps the previous file as ``<name>.bak`` and then swaps the new file in with ``os.replace``. If
  anything fails (an error, Ctrl-C, SIGTERM) the original file is untouched and the temporary file
  is removed. A symbolic link is followed: its target is replaced and the link stays a link. The new
  file and the ``.bak`` keep the original's owner, group and mode (where the user may set them).
  Output is deterministic: same parts, same order, fixed timestamps for changed parts.
* :func:`editing` is an in-place edit (refresh, recalc in place): it refuses a second hipaa-xl run
  on the same file (an advisory ``flock`` on the workbook), removes temporary files that a killed
  run left beside it, and remembers the file it read (size, modification time, SHA-256). When the
  file changed meanwhile (the user saved in Excel), the user's version is kept, ours is written
  beside it and :class:`WorkbookChangedError` says where; ``.bak`` always holds the file as it was
  before the write that made it.
* :func:`parse_xml` parses a part with lxml without DTDs, entity expansion or network access.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import secrets
import signal
import stat
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Final

from lxml import etree

from hipaa_xl.errors import WorkbookError

MAX_FILE_BYTES: Final = 100 * 1024 * 1024
MAX_UNPACKED_BYTES: Final = 1024 * 1024 * 1024
MAX_RATIO: Final = 100
FIXED_DATE_TIME: Final = (2026, 1, 1, 0, 0, 0)  # of parts hipaa-xl wrote (``new`` is deterministic)
ACCEPTED_SUFFIXES: Final = (".xlsx", ".xlsm")
OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0"

_WRONG_KIND: Final = {
    ".xls": "is an Excel 97-2003 workbook (.xls); open it in Excel and save it as .xlsx first",
    ".xlsb": "is an Excel binary workbook (.xlsb); open it in Excel and save it as .xlsx first",
    ".ods": "is an OpenDocument spreadsheet (.ods); save it as .xlsx first",
    ".csv": "is a CSV text file, not a workbook; open it in Excel and save it as .xlsx first",
    ".xltx": "is an Excel template (.xltx); create a workbook from it and save that as .xlsx",
}


class WorkbookChangedError(WorkbookError):
    """The workbook was saved by someone else while we worked: theirs is kept, ours is at ``written``."""

    def __init__(self, message: str, written: Path) -> None:
        super().__init__(message)
        self.written = written


def lock_files(path: Path) -> list[Path]:
    """Owner/lock files Excel and LibreOffice keep beside an open workbook, if present."""
    name = path.name
    found: list[Path] = []
    for place in dict.fromkeys([path, real_path(path)]):  # beside a symlink and beside its target
        name = place.name
        candidates = [place.with_name("~$" + name), place.with_name(".~lock." + name + "#")]
        if len(name) > 2:
            candidates.append(place.with_name("~$" + name[2:]))  # Excel shortens long names
        found += [p for p in candidates if p.exists() and p not in found]
    return found


def real_path(path: str | os.PathLike[str]) -> Path:
    """``path`` with every symbolic link followed (an in-place write replaces the link's target)."""
    return Path(os.path.realpath(path))


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


def lost_sheet_part(sheet: str, rid: str, part: str) -> str:
    """The refusal for a sheet listed in workbook.xml whose part cannot be reached (Excel calls it damaged)."""
    where = f"its part {part} is missing" if part else f"its relationship {rid or '(none)'} is missing"
    return f"the workbook is damaged: the sheet {sheet!r} is listed but {where} (Excel would report it as damaged)"


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
                raise WorkbookError(f"{shown} is damaged: {_repeated(infos)}")
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


class Package(MutableMapping[str, bytes]):
    """The parts of a package in order; remembers which ones were changed since reading."""

    def __init__(self) -> None:
        self._parts: dict[str, bytes] = {}
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._changed: set[str] = set()

    @classmethod
    def from_parts(cls, parts: dict[str, bytes], infos: dict[str, zipfile.ZipInfo] | None = None) -> Package:
        package = cls()
        package._parts = dict(parts)
        package._infos = dict(infos or {})
        return package

    def __getitem__(self, name: str) -> bytes:
        return self._parts[name]

    def __setitem__(self, name: str, data: bytes) -> None:
        if self._parts.get(name) != data:
            self._parts[name] = data
            self._changed.add(name)

    def __delitem__(self, name: str) -> None:
        del self._parts[name]
        self._changed.discard(name)
        self._infos.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._parts)

    def __len__(self) -> int:
        return len(self._parts)

    def copy(self) -> Package:
        """An independent copy (parts are immutable bytes, so this is cheap)."""
        twin = Package.from_parts(self._parts, self._infos)
        twin._changed = set(self._changed)
        return twin

    @property
    def changed(self) -> frozenset[str]:
        """Names of the parts set to new content since reading."""
        return frozenset(self._changed)

    def drop_zip_info(self) -> None:
        """Write every part as new: fixed timestamp, deflated (what ``new`` does for reproducible output)."""
        self._infos.clear()

    def info(self, name: str) -> zipfile.ZipInfo | None:
        """The zip entry a part was read from, if any."""
        return self._infos.get(name)

    def to_bytes(self) -> bytes:
        """The package as a zip file (deterministic)."""
        buffer = io.BytesIO()
        self._write(buffer)
        return buffer.getvalue()

    def _write(self, target: Any) -> None:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self._parts.items():
                original = self._infos.get(name)
                info = zipfile.ZipInfo(name, FIXED_DATE_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                if original is not None:
                    if name not in self._changed:
                        info.date_time = original.date_time
                    info.compress_type = original.compress_type
                    info.external_attr = original.external_attr
                    info.create_system = original.create_system
                else:
                    info.external_attr = 0o600 << 16
                with held():  # a signal never cuts a member: the zip then closes cleanly
                    archive.writestr(info, data)


def read_package(path: str | os.PathLike[str]) -> Package:
    """Every part of the package at ``path``; :class:`WorkbookError` when it cannot be read."""
    p = Path(path)
    try:
        with zipfile.ZipFile(p) as archive:
            return _parts_of(archive)
    except zipfile.BadZipFile as exc:
        raise WorkbookError(f"{p.name} is damaged or truncated ({exc})") from exc
    except (EOFError, OSError, zlib.error, NotImplementedError, ValueError) as exc:
        raise WorkbookError(f"{p.name} cannot be read ({exc})") from exc


def package_from_bytes(data: bytes) -> Package:
    """A package from zip bytes in memory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _parts_of(archive)
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, ValueError) as exc:
        raise WorkbookError(f"the workbook is damaged or truncated ({exc})") from exc


def _repeated(infos: list[zipfile.ZipInfo]) -> str:
    seen: set[str] = set()
    for info in infos:
        if info.filename in seen:
            return (f"the part {info.filename} appears twice in the package (two programs could read "
                    "different contents); refusing to read it")
        seen.add(info.filename)
    return "no part appears twice"


def _parts_of(archive: zipfile.ZipFile) -> Package:
    package = Package()
    infos = archive.infolist()
    if len({info.filename for info in infos}) != len(infos):
        raise WorkbookError(f"the workbook is damaged: {_repeated(infos)}")
    for info in infos:
        if not info.is_dir():
            data = archive.read(info)
            if info.filename.endswith((".xml", ".rels")) and has_dtd(data):
                raise WorkbookError(f"the workbook part {info.filename} carries a DTD, which Excel files never "
                                        "do; refusing to read it")
            package._parts[info.filename] = data
            package._infos[info.filename] = info
    return package


_PROLOG_ITEM: Final = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)


def has_dtd(data: bytes) -> bool:
    """A DTD (``<!DOCTYPE``, and with it ``<!ENTITY``) in a part's prolog, however long the comments and
    processing instructions before it: the Open Packaging Conventions forbid them (ECMA-376 Part 2,
    8.1.4), and entities are how XML bombs and file disclosure work. A DTD can only stand before the
    root element, so the prolog is all there is to read."""
    at = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if data[at:at + 2] in (b"\xff\xfe", b"\xfe\xff") or data[at:at + 2] in (b"<\0", b"\0<"):
        text = data.decode("utf-16", "replace").encode("utf-8")  # an UTF-16 part: read its prolog as UTF-8
        return has_dtd(text)
    while True:
        item = _PROLOG_ITEM.match(data, at)
        if item is None or item.end() == at:
            break
        at = item.end()
    return data.startswith(b"<!", at) and not data.startswith(b"<!--", at)


def backup_path(path: Path) -> Path:
    """Where :func:`write_package_atomic` keeps the previous version: ``name.xlsx.bak``."""
    return path.with_name(path.name + ".bak")


TEMP_MARK: Final = ".hxl-"
"""Temporary files are ``.<name>.hxl-<pid>-<random>.tmp`` beside the workbook: hidden, and the pid
tells a later run whether the process that made one is gone (then the file is a leftover)."""


@dataclass(frozen=True)
class FileState:
    """What identifies the file that was read: size, modification time, inode and SHA-256."""

    size: int
    mtime_ns: int
    inode: tuple[int, int]
    sha256: str

    @classmethod
    def of(cls, path: Path, data: bytes) -> FileState:
        st = path.stat()
        return cls(st.st_size, st.st_mtime_ns, (st.st_dev, st.st_ino), hashlib.sha256(data).hexdigest())


def write_package_atomic(
    path: str | os.PathLike[str],
    package: Package,
    backup: bool = True,
    *,
    expected: FileState | None = None,
    label: str = "new",
) -> Path | None:
    """Write ``package`` to ``path`` atomically; returns the backup path when one was kept.

    A symbolic link is followed (its target is replaced, the link stays). With ``expected`` (the
    state of the file when it was read), a file changed since is not replaced: ours goes beside it as
    ``<stem>.<label><suffix>`` and :class:`WorkbookChangedError` is raised.
    """
    return _write_atomic(path, package._write, backup, expected, label)


def check_output(out: Path, source: Path, suffixes: tuple[str, ...], what: str) -> None:
    """Refuse, in one line, an output path that is not a ``suffixes`` file, is (or links to) the input
    ``source``, is a folder, lies in a missing folder, or is open in another program. Nothing is written."""
    if out.suffix.lower() not in suffixes:
        raise WorkbookError(f"{out.name}: {what} must be a {' or '.join(suffixes)} file")
    try:
        same = out.exists() and source.exists() and os.path.samefile(out, source)
    except OSError:
        same = False
    if same or real_path(out) == real_path(source):
        raise WorkbookError(f"{out.name}: {what} must not be the workbook itself")
    if out.is_dir():
        raise WorkbookError(f"{out}: is a folder; give a file name for {what}")
    if not real_path(out).parent.is_dir():
        raise WorkbookError(f"{out.parent}: no such folder")
    locks = lock_files(out)
    if locks:
        raise WorkbookError(f"{out.name} is open in another program ({locks[0].name} exists); "
                                "close it and try again")


def write_file_atomic(path: str | os.PathLike[str], data: bytes, backup: bool = True) -> Path | None:
    """Write any file (a memo, a calendar) with :func:`write_package_atomic`'s guarantees; returns the backup."""
    return _write_atomic(path, lambda handle: handle.write(data), backup, None, "new")


def _write_atomic(path: str | os.PathLike[str], write: Callable[[Any], Any], backup: bool,
                  expected: FileState | None, label: str) -> Path | None:
    target = real_path(path)
    folder = target.parent
    try:
        original: os.stat_result | None = target.stat()
    except FileNotFoundError:
        original = None
    except OSError as exc:
        raise WorkbookError(f"cannot write {target.name}: {exc.strerror or exc}") from exc
    for leftover in leftover_temp_files(target):  # of a run killed before it could clean up (SIGKILL)
        _remove_quietly(leftover)
    made: list[Path] = []
    kept: Path | None = None
    with _deferred_signals() as pending:
        try:
            temp = _temp_beside(target, made=made)
            with temp.open("wb") as handle:
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())
            _take_ownership(temp, original)
            checked: tuple[int, int, tuple[int, int]] | None = None
            if original is not None and (backup or expected is not None):
                copy = _temp_beside(target, ".bak", made=made)
                checked = _stat_key(target)  # the file whose content is hashed below
                digest = _copy_hashing(target, copy)
                if expected is not None and digest != expected.sha256:
                    raise _changed(target, temp, label)
                if backup:
                    _take_ownership(copy, original)
                    kept = backup_path(target)
                    os.replace(copy, kept)
                else:
                    _remove_quietly(copy)
                made.remove(copy)
            if expected is not None and (checked is None or _stat_key(target) != checked):
                raise _changed(target, temp, label)  # replaced or rewritten since its content was checked
            with pending.held():  # the one moment the file changes: a signal waits, then finds the work done
                os.replace(temp, target)
                made.remove(temp)
                pending.done = True
            _fsync_folder(folder)
        except (WorkbookError, KeyboardInterrupt):
            raise
        except Exception as exc:
            if pending.received:  # a signal that surfaced as another error: still an interruption
                raise KeyboardInterrupt from None
            raise WorkbookError(f"could not write {target.name}: {exc}; the original file is unchanged") from exc
        finally:  # errors, Ctrl-C and SIGTERM alike: no temporary file stays behind
            for leftover in made:
                _remove_quietly(leftover)
    return kept


def _stat_key(path: Path) -> tuple[int, int, tuple[int, int]] | None:
    """Size, modification time and inode: what changes when anyone saves the file."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, (st.st_dev, st.st_ino)


def _changed(target: Path, temp: Path, label: str) -> WorkbookChangedError:
    """Keep the user's save; put ours beside it (temp is renamed, so it is no longer ours to remove)."""
    stem, suffix = target.stem, target.suffix
    beside = target.with_name(f"{stem}.{label}{suffix}")
    number = 2
    while beside.exists():
        beside = target.with_name(f"{stem}.{label}-{number}{suffix}")
        number += 1
    os.replace(temp, beside)
    return WorkbookChangedError(
        f"{target.name} was saved by another program while hipaa-xl worked on it: your version is kept "
        f"and the {label} one was written to {beside.name}", beside)


def _temp_beside(target: Path, extra: str = "", made: list[Path] | None = None) -> Path:
    """A new empty temporary file beside ``target``, its name put in ``made`` before it exists, so a
    signal at any moment leaves nothing the clean-up does not know of."""
    prefix = f".{target.name}{extra}{TEMP_MARK}{os.getpid()}-"
    for _ in range(100):
        candidate = target.with_name(f"{prefix}{secrets.token_hex(4)}.tmp")
        if made is not None:
            made.append(candidate)
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            if made is not None:
                made.remove(candidate)
            continue
        except OSError as exc:
            if made is not None:
                made.remove(candidate)
            raise WorkbookError(f"cannot write in {target.parent}: {exc.strerror or exc}") from exc
        os.close(fd)
        return candidate
    raise WorkbookError(f"cannot write in {target.parent}: no free temporary name")


def _take_ownership(made: Path, original: os.stat_result | None) -> None:
    """Give ``made`` the original's owner, group and mode (a new file: the mode open() would give)."""
    if original is None:
        with contextlib.suppress(OSError):
            os.chmod(made, _new_file_mode())
        return
    mine = made.stat()
    if (mine.st_uid, mine.st_gid) != (original.st_uid, original.st_gid):
        with contextlib.suppress(OSError):  # root may give it back; a user may set a group of theirs
            os.chown(made, original.st_uid, original.st_gid)
        if made.stat().st_gid != original.st_gid:
            with contextlib.suppress(OSError):
                os.chown(made, -1, original.st_gid)
    with contextlib.suppress(OSError):  # after chown, which may clear set-id bits
        os.chmod(made, stat.S_IMODE(original.st_mode))


def _copy_hashing(source: Path, destination: Path) -> str:
    digest = hashlib.sha256()
    with destination.open("wb") as handle, source.open("rb") as original:
        while chunk := original.read(1 << 20):
            digest.update(chunk)
            handle.write(chunk)
        handle.flush()
        os.fsync(handle.fileno())
    return digest.hexdigest()


class _Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP while a temporary file exists: unwinds like Ctrl-C so it is removed."""


@dataclass
class _Pending:
    """The signals of one file write: raised at once, except inside a held step (a zip member being
    written, the rename that completes the work), where they wait for the step's end."""

    received: list[int] = field(default_factory=list)
    hold: int = 0
    done: bool = False

    def check(self) -> None:
        if self.received and not self.done and not self.hold:
            signum = self.received.pop(0)
            self.received.clear()
            if signum == signal.SIGINT:
                raise KeyboardInterrupt
            raise _Terminated(signal.Signals(signum).name)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        self.hold += 1
        try:
            yield
        finally:
            self.hold -= 1
        self.check()


_ACTIVE: list[_Pending] = []
"""The write in progress (in the main thread), whose held steps :func:`held` marks."""


@contextlib.contextmanager
def held() -> Iterator[None]:
    """A step a signal must not cut (a zip member; the final rename): its signal waits for the step's end."""
    if not _ACTIVE:
        yield
        return
    with _ACTIVE[-1].held():
        yield


@contextlib.contextmanager
def _deferred_signals() -> Iterator[_Pending]:
    """While a file is written, Ctrl-C, SIGTERM and SIGHUP unwind the write (its temporary files are
    removed), but never inside a held step: not inside a zip member (the zip writer would fail to
    close and print a traceback) and not during the rename that completes the work (after it, the
    work is done and the signal is not raised). Temporary files are named before they are created,
    so no moment leaves one the clean-up does not know of. SIGKILL cannot be caught: the next write
    beside the file removes what a killed run left (:func:`leftover_temp_files`)."""
    pending = _Pending()
    if threading.current_thread() is not threading.main_thread():
        yield pending
        return
    previous: dict[int, Any] = {}

    def note(signum: int, frame: FrameType | None) -> None:
        pending.received.append(signum)
        pending.check()

    for signum in (signal.SIGINT, getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)):
        if signum is None:
            continue
        current = signal.getsignal(signum)
        if current in (signal.SIG_DFL, signal.default_int_handler):
            previous[signum] = signal.signal(signum, note)
    _ACTIVE.append(pending)
    try:
        yield pending
    finally:
        _ACTIVE.remove(pending)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def leftover_temp_files(path: str | os.PathLike[str]) -> list[Path]:
    """Temporary files that a killed hipaa-xl run left beside the workbook (the process is gone)."""
    target = real_path(path)
    prefix = "." + target.name + "."
    out: list[Path] = []
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return out
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".tmp") and TEMP_MARK in name):
            continue
        pid_text = name.rsplit(TEMP_MARK, 1)[1].split("-", 1)[0]
        if pid_text.isdigit() and int(pid_text) != os.getpid() and not _alive(int(pid_text)) and entry.is_file():
            out.append(entry)
    return sorted(out)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


@dataclass
class Edit:
    """An in-place edit in progress: the bytes read, their state, and the writer that checks them."""

    path: Path
    data: bytes
    state: FileState
    removed: list[Path] = field(default_factory=list)
    """Temporary files of earlier killed runs that were removed."""

    def write(self, package: Package, *, backup: bool = True, label: str = "new") -> Path | None:
        """Replace the file, unless someone saved it since it was read (see :func:`write_package_atomic`)."""
        return write_package_atomic(self.path, package, backup, expected=self.state, label=label)

    def notes(self) -> list[str]:
        """One line per leftover temporary file removed."""
        return [f"removed {p.name}, a temporary file left by an interrupted run" for p in self.removed]


@contextlib.contextmanager
def editing(path: str | os.PathLike[str]) -> Iterator[Edit]:
    """Read ``path`` for an in-place edit, holding hipaa-xl's lock on it until the block ends.

    Raises :class:`WorkbookError` for an unusable file, and when another hipaa-xl run is
    editing the same file (refusing is safer than waiting: that run's result would be overwritten).
    """
    check_workbook_path(path, for_writing=True)
    target = real_path(path)
    with _locked(target):
        removed = []
        for leftover in leftover_temp_files(target):
            with contextlib.suppress(OSError):
                leftover.unlink()
                removed.append(leftover)
        try:
            data = target.read_bytes()
            state = FileState.of(target, data)
        except OSError as exc:
            raise WorkbookError(f"{target.name} cannot be read: {exc.strerror or exc}") from exc
        yield Edit(Path(path), data, state, removed)


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    """An exclusive advisory lock (``flock``) on the workbook itself; a no-op where there is none."""
    try:
        import fcntl
    except ImportError:  # Windows: Excel's own sharing lock applies
        yield
        return
    for _ in range(5):
        try:
            fd = os.open(target, os.O_RDONLY)
        except OSError as exc:
            raise WorkbookError(f"{target.name} cannot be read: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise WorkbookError(f"{target.name} is being refreshed or recalculated by another hipaa-xl run; "
                                    "wait for it to finish and try again") from None
        except OSError:  # a file system without locks
            os.close(fd)
            yield
            return
        same = os.fstat(fd).st_ino == target.stat().st_ino
        if same:
            break
        os.close(fd)  # replaced while we waited for the lock: lock the new file
    else:
        raise WorkbookError(f"{target.name} keeps being replaced by another program; try again")
    try:
        yield
    finally:
        os.close(fd)


def _new_file_mode() -> int:
    """0o666 less the process umask: the mode ``open()`` gives a new file (temp files get 0o600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_PARSER: Final = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=True,
    remove_blank_text=False,
)


def parse_xml(data: bytes, part: str = "part") -> Any:
    """Parse one package part safely (no DTD, no entities, no network); WorkbookError if broken."""
    if has_dtd(data):
        raise WorkbookError(f"the workbook part {part} carries a DTD; refusing to read it")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise WorkbookError(f"the workbook part {part} is damaged ({exc})") from exc
    docinfo: Any = root.getroottree().docinfo
    if docinfo.doctype:
        raise WorkbookError(f"the workbook part {part} carries a DTD; refusing to read it")
    return root
