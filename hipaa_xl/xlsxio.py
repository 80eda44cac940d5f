"""Safe reading and writing of .xlsx/.xlsm packages.

* :func:`check_workbook_path` refuses, with one lawyer-readable line (:class:`WorkbookFileError`),
  every file that is not a usable Excel workbook: missing, the wrong kind (.xls, .xlsb, .ods, .csv),
  open in Excel or LibreOffice (a ``~$name`` or ``.~lock.name#`` file beside it), read-only, too
  large (over 100 MiB on disk, over 1 GiB unpacked, or packed more than 100 to 1: a zip bomb),
  password-protected (an encrypted workbook is an OLE compound file, not a zip), damaged or
  truncated.
* :func:`read_package` returns a :class:`Package`: part name -> bytes in the original order, with the
  original zip entry details, so parts nobody changes are written back with identical content.
* :func:`write_package_atomic` writes to a temporary file in the same folder, flushes it to disk,
  keeps the previous file as ``<name>.bak`` and then swaps the new file in with ``os.replace``. If
  anything fails the original file is untouched and the temporary file is removed. Output is
  deterministic: same parts, same order, fixed timestamps for changed parts.
* :func:`parse_xml` parses a part with lxml without DTDs, entity expansion or network access.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any, Final

from lxml import etree

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


class WorkbookFileError(Exception):
    """A workbook file that cannot be used; ``message`` is one line a lawyer can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def lock_files(path: Path) -> list[Path]:
    """Owner/lock files Excel and LibreOffice keep beside an open workbook, if present."""
    name = path.name
    candidates = [path.with_name("~$" + name), path.with_name(".~lock." + name + "#")]
    if len(name) > 2:
        candidates.append(path.with_name("~$" + name[2:]))  # Excel shortens long names
    return [p for p in candidates if p.exists()]


def check_workbook_path(path: str | os.PathLike[str], *, for_writing: bool = True) -> None:
    """Raise :class:`WorkbookFileError` unless ``path`` is a readable (and, by default, writable) workbook."""
    p = Path(path)
    shown = p.name
    if not p.exists():
        raise WorkbookFileError(f"{p}: file not found")
    if not p.is_file():
        raise WorkbookFileError(f"{p}: not a file")
    suffix = p.suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        reason = _WRONG_KIND.get(suffix, f"is not an Excel workbook (.xlsx or .xlsm), found '{p.suffix or 'no extension'}'")
        raise WorkbookFileError(f"{shown} {reason}")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise WorkbookFileError(f"{shown} is too large ({size / 2**20:.0f} MiB; the limit is 100 MiB)")
    try:
        with p.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise WorkbookFileError(f"{shown} cannot be read: {exc.strerror or exc}") from exc
    if head.startswith(OLE_MAGIC):
        raise WorkbookFileError(f"{shown} is password-protected (encrypted); remove the password in Excel first")
    if not head.startswith(b"PK"):
        raise WorkbookFileError(f"{shown} is damaged or not an Excel workbook (not a zip package)")
    _check_zip(p)
    if for_writing:
        locks = lock_files(p)
        if locks:
            raise WorkbookFileError(
                f"{shown} is open in Excel or LibreOffice ({locks[0].name} exists); close it and try again"
            )
        mode = p.stat().st_mode
        if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(p, os.W_OK):
            raise WorkbookFileError(f"{shown} is read-only; save a copy or remove the read-only flag")
        try:
            with p.open("r+b"):
                pass
        except OSError as exc:
            raise WorkbookFileError(f"{shown} cannot be opened for writing (is it open elsewhere?): "
                                    f"{exc.strerror or exc}") from exc


def read_checked_bytes(path: str | os.PathLike[str], *, for_writing: bool = False) -> bytes:
    """The bytes of a workbook that passed :func:`check_workbook_path`."""
    check_workbook_path(path, for_writing=for_writing)
    p = Path(path)
    try:
        return p.read_bytes()
    except OSError as exc:
        raise WorkbookFileError(f"{p.name} cannot be read: {exc.strerror or exc}") from exc


def _check_zip(p: Path) -> None:
    shown = p.name
    try:
        with zipfile.ZipFile(p) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            unpacked = sum(info.file_size for info in infos)
            packed = sum(info.compress_size for info in infos)
            if unpacked > MAX_UNPACKED_BYTES:
                raise WorkbookFileError(f"{shown} is too large when unpacked ({unpacked / 2**30:.1f} GiB; "
                                        "the limit is 1 GiB)")
            if packed and unpacked / packed > MAX_RATIO:
                raise WorkbookFileError(f"{shown} is suspicious: it unpacks to {unpacked / packed:.0f} times its "
                                        "size (zip bomb); refusing to open it")
            if "[Content_Types].xml" not in names:
                raise WorkbookFileError(f"{shown} is damaged or not an Excel workbook ([Content_Types].xml missing)")
            if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
                raise WorkbookFileError(f"{shown} is not an Excel workbook (xl/workbook.xml missing)")
            bad = archive.testzip()
            if bad is not None:
                raise WorkbookFileError(f"{shown} is damaged (part {bad} fails its checksum)")
    except zipfile.BadZipFile as exc:
        raise WorkbookFileError(f"{shown} is damaged or truncated ({exc})") from exc
    except (EOFError, OSError, zlib.error, zipfile.LargeZipFile, NotImplementedError, ValueError) as exc:
        raise WorkbookFileError(f"{shown} is damaged or truncated ({exc})") from exc


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

    @classmethod
    def from_bytes(cls, data: bytes) -> Package:
        """A package from zip bytes in memory (:func:`package_from_bytes`)."""
        return package_from_bytes(data)

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
                archive.writestr(info, data)


def read_package(path: str | os.PathLike[str]) -> Package:
    """Every part of the package at ``path``; :class:`WorkbookFileError` when it cannot be read."""
    p = Path(path)
    try:
        with zipfile.ZipFile(p) as archive:
            return _parts_of(archive)
    except zipfile.BadZipFile as exc:
        raise WorkbookFileError(f"{p.name} is damaged or truncated ({exc})") from exc
    except (EOFError, OSError, zlib.error, NotImplementedError, ValueError) as exc:
        raise WorkbookFileError(f"{p.name} cannot be read ({exc})") from exc


def package_from_bytes(data: bytes) -> Package:
    """A package from zip bytes in memory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _parts_of(archive)
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, ValueError) as exc:
        raise WorkbookFileError(f"the workbook is damaged or truncated ({exc})") from exc


def _parts_of(archive: zipfile.ZipFile) -> Package:
    package = Package()
    for info in archive.infolist():
        if not info.is_dir():
            package._parts[info.filename] = archive.read(info)
            package._infos[info.filename] = info
    return package


def backup_path(path: Path) -> Path:
    """Where :func:`write_package_atomic` keeps the previous version: ``name.xlsx.bak``."""
    return path.with_name(path.name + ".bak")


def write_package_atomic(path: str | os.PathLike[str], package: Package, backup: bool = True) -> Path | None:
    """Write ``package`` to ``path`` atomically; returns the backup path when one was kept."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, removed on failure
            dir=folder, prefix="." + target.name + ".", suffix=".tmp", delete=False
        )
    except OSError as exc:
        raise WorkbookFileError(f"cannot write in {folder}: {exc.strerror or exc}") from exc
    temp = Path(handle.name)
    kept: Path | None = None
    try:
        with handle:
            package._write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):  # the original's mode, or what a new file would get
            os.chmod(temp, stat.S_IMODE(target.stat().st_mode) if target.exists() else _new_file_mode())
        if target.exists() and backup:
            kept = backup_path(target)
            _copy_atomic(target, kept)
        os.replace(temp, target)
        _fsync_folder(folder)
    except WorkbookFileError:
        _remove_quietly(temp)
        raise
    except Exception as exc:
        _remove_quietly(temp)
        raise WorkbookFileError(f"could not write {target.name}: {exc}; the original file is unchanged") from exc
    return kept


def _new_file_mode() -> int:
    """0o666 less the process umask: the mode ``open()`` gives a new file (temp files get 0o600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _copy_atomic(source: Path, destination: Path) -> None:
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115
        dir=destination.parent, prefix="." + destination.name + ".", suffix=".tmp", delete=False
    )
    temp = Path(handle.name)
    try:
        with handle, source.open("rb") as original:
            while chunk := original.read(1 << 20):
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, destination)
    except Exception:
        _remove_quietly(temp)
        raise


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
    """Parse one package part safely (no DTD, no entities, no network); WorkbookFileError if broken."""
    if b"<!DOCTYPE" in data[:2048] or b"<!ENTITY" in data[:4096]:
        raise WorkbookFileError(f"the workbook part {part} carries a DTD; refusing to read it")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise WorkbookFileError(f"the workbook part {part} is damaged ({exc})") from exc
    docinfo: Any = root.getroottree().docinfo
    if docinfo.doctype:
        raise WorkbookFileError(f"the workbook part {part} carries a DTD; refusing to read it")
    return root
