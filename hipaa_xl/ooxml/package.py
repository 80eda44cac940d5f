"""The package: an .xlsx/.xlsm file as its parts (ECMA-376 Part 2, Open Packaging Conventions).

* :func:`read_package` returns a :class:`Package`: part name -> bytes in the original order, with the
  original zip entry details, so parts nobody changes are written back with identical content.
* :func:`write_package_atomic` writes one through :func:`hipaa_xl.files.write_atomic` (all or nothing,
  ``.bak`` kept). Output is deterministic: same parts, same order, fixed timestamps for changed parts.
* :func:`parse_xml` parses a part with lxml without DTDs, entity expansion or network access; a part
  with a DTD is refused on reading (:func:`has_dtd`).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any, Final

from lxml import etree

from hipaa_xl.errors import WorkbookError
from hipaa_xl.files import FileState, held, write_atomic

FIXED_DATE_TIME: Final = (2026, 1, 1, 0, 0, 0)  # of parts hipaa-xl wrote (``new`` is deterministic)



def lost_sheet_part(sheet: str, rid: str, part: str) -> str:
    """The refusal for a sheet listed in workbook.xml whose part cannot be reached (Excel calls it damaged)."""
    where = f"its part {part} is missing" if part else f"its relationship {rid or '(none)'} is missing"
    return f"the workbook is damaged: the sheet {sheet!r} is listed but {where} (Excel would report it as damaged)"



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
        # Opening and closing the zip are held like each member: a signal that cut ZipFile's constructor
        # would leave a half-made object whose collection prints "Exception ignored ... _writing".
        archive: zipfile.ZipFile | None = None
        try:
            with held():  # a signal that came meanwhile is raised at its end, with the archive made
                archive = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED)
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
        finally:
            if archive is not None:
                with held():
                    archive.close()


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



def repeated_part(infos: list[zipfile.ZipInfo]) -> str:
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
        raise WorkbookError(f"the workbook is damaged: {repeated_part(infos)}")
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
    return write_atomic(path, package._write, backup, expected, label)



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
