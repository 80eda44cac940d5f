"""File safety for the workbook commands (decisions 17), delegated to ``hipaa_xl.xlsxio``.

Locked, read-only, corrupt, encrypted, truncated, non-xlsx or oversized files give one clear error
and leave the original byte-identical; writes go to a temp file in the same folder, then replace,
keeping the previous version as a backup.
"""

from __future__ import annotations

from pathlib import Path

from hipaa_xl.xlsxio import WorkbookFileError, check_workbook_path, package_from_bytes, write_package_atomic

__all__ = ["WorkbookFileError", "check_readable", "check_writable", "write_atomic"]


def check_readable(path: Path) -> bytes:
    """The file's bytes after the checks of decisions 17 (raises ``WorkbookFileError``)."""
    check_workbook_path(path, for_writing=False)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise WorkbookFileError(f"{path.name}: cannot be read ({exc.strerror})") from None
    package_from_bytes(data)  # damaged or truncated packages fail here, with one line
    return data


def check_writable(path: Path) -> None:
    """Refuse a locked or read-only file before any work is done."""
    if path.exists():
        check_workbook_path(path, for_writing=True)


def write_atomic(path: Path, data: bytes, backup: bool = True) -> None:
    """Temp file in the same folder, previous version kept as a backup, then an atomic replace."""
    write_package_atomic(path, package_from_bytes(data), backup=backup)
