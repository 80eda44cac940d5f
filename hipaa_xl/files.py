"""Writing any output file so that it is either wholly written or not at all.

* :func:`write_atomic` writes to a temporary file in the same folder, flushes it to disk, keeps the
  previous file as ``<name>.bak`` and then swaps the new file in with ``os.replace``. If anything
  fails (an error, Ctrl-C, SIGTERM) the original file is untouched and the temporary file is
  removed. A symbolic link is followed: its target is replaced and the link stays a link. The new
  file and the ``.bak`` keep the original's owner, group and mode (where the user may set them).
  Workbooks (:func:`hipaa_xl.ooxml.package.write_package_atomic`), memos, PDFs and calendars
  (:func:`write_file_atomic`) all go through it.
* With the :class:`FileState` of the file as it was read, a file someone saved meanwhile is not
  replaced: the user's version is kept, ours goes beside it and :class:`WorkbookChangedError` says
  where; ``.bak`` always holds the file as it was before the write that made it.
* :func:`check_output` refuses an output path that is the input, a folder, or open elsewhere.
* :func:`leftover_temp_files` finds what a killed run (SIGKILL) left, so the next write removes it.

No Excel here: this module knows files, not workbooks (the package is :mod:`hipaa_xl.ooxml`'s).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import signal
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Final

from hipaa_xl.errors import WorkbookError


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
    return write_atomic(path, lambda handle: handle.write(data), backup, None, "new")



def write_atomic(path: str | os.PathLike[str], write: Callable[[Any], Any], backup: bool,
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
