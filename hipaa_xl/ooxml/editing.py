"""An in-place edit (refresh, recalc in place) of a workbook on disk.

:func:`editing` refuses a second hipaa-xl run on the same file (an advisory ``flock`` on the workbook),
removes temporary files that a killed run left beside it, and remembers the file it read (size,
modification time, SHA-256), so that :meth:`Edit.write` never overwrites a save the user made
meanwhile (:class:`hipaa_xl.files.WorkbookChangedError`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from hipaa_xl.errors import WorkbookError
from hipaa_xl.files import FileState, leftover_temp_files, real_path
from hipaa_xl.ooxml.admission import check_workbook_path
from hipaa_xl.ooxml.package import Package, write_package_atomic


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
