"""In-place writes never lose a user's work.

Each test reproduces one failure found by the attack on the command line, scaled down, and asserts
the behaviour promised instead: a save made while refresh runs survives; a second run is refused and
``.bak`` keeps the original; a symlink stays a link with its target refreshed; owner, group and
mode are kept; Ctrl-C and SIGTERM leave no temporary file, and a killed run's leftovers are removed;
duplicate zip entries, a sheet without its part and an old ``.xls`` are refused, saying what they are.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from hipaa_xl.errors import WorkbookError
from hipaa_xl.files import WorkbookChangedError
from hipaa_xl.ooxml.admission import check_workbook_path
from hipaa_xl.ooxml.editing import editing
from hipaa_xl.ooxml.package import package_from_bytes, read_package
from hipaa_xl.recalc import recalc_file
from hipaa_xl.workbook.refresh import refresh_file
from tests.workbook_helpers import example_bytes, part_of

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

REPO = Path(__file__).resolve().parents[2]


def edited_example() -> bytes:
    """The example with one incident ID changed, so refresh has something to write."""
    pkg = package_from_bytes(example_bytes())
    inc = part_of(pkg, "Incidents")
    pkg[inc] = pkg[inc].replace(b"RCH-06", b"RCH-07")
    return pkg.to_bytes()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def incident_ids(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [str(r[0]) for r in wb["Incidents"].iter_rows(min_row=5, max_col=1, values_only=True) if r[0]]
    finally:
        wb.close()


# -- F10: a save made while refresh runs -------------------------------------------------------------


@pytest.mark.parametrize("how", ["atomic rename", "rewritten in place"])
def test_a_save_made_while_refresh_runs_is_kept_and_ours_is_written_beside(tmp_path: Path, how: str) -> None:
    book = tmp_path / "matter.xlsx"
    book.write_bytes(edited_example())
    users = edited_example().replace(b"", b"")
    pkg = package_from_bytes(users)
    inc = part_of(pkg, "Incidents")
    pkg[inc] = pkg[inc].replace(b"RCH-07", b"USER-EDIT")
    users = pkg.to_bytes()
    saved = []

    def save_meanwhile(stage: str, done: float) -> None:  # Excel saves while values are computed
        if stage.startswith("computing values") and not saved:
            if how == "atomic rename":
                (tmp_path / "excel-temp").write_bytes(users)
                os.replace(tmp_path / "excel-temp", book)
            else:
                with book.open("r+b") as handle:
                    handle.write(users)
                    handle.truncate()
            saved.append(True)

    with pytest.raises(WorkbookChangedError) as caught:
        refresh_file(book, progress=save_meanwhile)
    assert saved
    assert book.read_bytes() == users  # the user's save survives
    beside = tmp_path / "matter.refreshed.xlsx"
    assert caught.value.written == beside and beside.name in caught.value.message
    assert "\n" not in caught.value.message
    assert "RCH-07" in incident_ids(beside)  # ours: the refresh of what was read
    assert not (tmp_path / "matter.xlsx.bak").exists()  # nothing was replaced, so nothing backed up
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_the_cli_says_in_one_line_where_the_refreshed_copy_went(tmp_path: Path) -> None:
    book = tmp_path / "matter.xlsx"
    book.write_bytes(edited_example())
    with editing(book) as edit:
        book.write_bytes(example_bytes())  # saved meanwhile
        with pytest.raises(WorkbookChangedError, match=r"your version is kept .* matter\.new\.xlsx$"):
            edit.write(package_from_bytes(edit.data))
        with pytest.raises(WorkbookChangedError, match=r"matter\.new-2\.xlsx$"):  # never over an earlier copy
            edit.write(package_from_bytes(edit.data))
    assert book.read_bytes() == example_bytes()


def test_a_file_only_touched_meanwhile_is_replaced_as_usual(tmp_path: Path) -> None:
    # Same bytes, newer modification time (a sync tool, `touch`): the content check passes.
    book = tmp_path / "matter.xlsx"
    book.write_bytes(edited_example())
    with editing(book) as edit:
        os.utime(book, (time.time() + 5, time.time() + 5))
        new = package_from_bytes(edit.data)
        new["docProps/app.xml"] = b"<Properties/>"
        edit.write(new)
    assert read_package(book)["docProps/app.xml"] == b"<Properties/>"
    assert (tmp_path / "matter.xlsx.bak").read_bytes() == edited_example()


# -- F11: two runs on one file -----------------------------------------------------------------------


def test_a_second_run_on_the_same_file_is_refused_and_bak_keeps_the_original(tmp_path: Path) -> None:
    book = tmp_path / "matter.xlsx"
    original = edited_example()
    book.write_bytes(original)
    with editing(book) as first:
        with pytest.raises(WorkbookError, match="another hipaa-xl run"):
            refresh_file(book)
        with pytest.raises(WorkbookError, match="another hipaa-xl run"):
            recalc_file(book)
        refreshed = package_from_bytes(first.data)
        refreshed["docProps/app.xml"] = b"<Properties/>"
        first.write(refreshed)
    assert (tmp_path / "matter.xlsx.bak").read_bytes() == original
    refresh_file(book)  # the lock is released with the first run
    assert (tmp_path / "matter.xlsx.bak").read_bytes() != original  # each .bak: the file before that write


# -- F8: symbolic links ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["refresh", "recalc"])
@pytest.mark.parametrize("relative", [True, False])
def test_a_symlink_stays_a_link_and_its_target_is_written(tmp_path: Path, command: str, relative: bool) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "links").mkdir()
    real = tmp_path / "real" / "matter.xlsx"
    real.write_bytes(edited_example())
    before = sha(real)
    link = tmp_path / "links" / "link.xlsx"
    link.symlink_to("../real/matter.xlsx" if relative else real)
    if command == "refresh":
        refresh_file(link)
    else:  # recalc at another as-of date changes the values (in place, through the link)
        from datetime import date

        report = recalc_file(link, as_of=date(2030, 1, 1))
        assert report.written is not None
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert sha(real) != before
    assert hashlib.sha256((tmp_path / "real" / "matter.xlsx.bak").read_bytes()).hexdigest() == before
    assert sorted(p.name for p in (tmp_path / "links").iterdir()) == ["link.xlsx"]


# -- F9: owner, group and mode -----------------------------------------------------------------------


def test_mode_is_kept_for_the_workbook_and_its_backup(tmp_path: Path) -> None:
    book = tmp_path / "matter.xlsx"
    book.write_bytes(edited_example())
    os.chmod(book, 0o640)
    refresh_file(book)
    assert stat.S_IMODE(book.stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "matter.xlsx.bak").stat().st_mode) == 0o640  # not the temp file's 0600


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give files away")
def test_a_refresh_run_as_root_gives_the_workbook_back_to_its_owner(tmp_path: Path) -> None:
    folder = tmp_path / "own"
    folder.mkdir()
    book = folder / "matter.xlsx"
    book.write_bytes(edited_example())
    os.chown(folder, 1000, 1000)
    os.chown(book, 1000, 1000)
    os.chmod(book, 0o640)
    refresh_file(book)
    for path in (book, folder / "matter.xlsx.bak"):
        st = path.stat()
        assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (1000, 1000, 0o640), path.name


# -- F12: interrupted runs ---------------------------------------------------------------------------

_SLOW_WRITER = r"""
import sys, time
from pathlib import Path
from hipaa_xl.ooxml.package import Package
from hipaa_xl.workbook.refresh import refresh_file
target, marker = Path(sys.argv[1]), Path(sys.argv[2])
real_write = Package._write
def slow_write(self, handle):
    real_write(self, handle)
    marker.write_text("the temporary file is written")
    time.sleep(60)
Package._write = slow_write
try:
    refresh_file(target)
except KeyboardInterrupt:
    sys.exit(130)
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_refresh_leaves_no_temporary_file(tmp_path: Path, sig: signal.Signals) -> None:
    book = tmp_path / "matter.xlsx"
    original = edited_example()
    book.write_bytes(original)
    marker = tmp_path / "marker"
    child = subprocess.Popen([sys.executable, "-c", _SLOW_WRITER, str(book), str(marker)],
                             env={**os.environ, "PYTHONPATH": str(REPO)}, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert any(p.name.endswith(".tmp") for p in tmp_path.iterdir())  # the moment the failure needed
    child.send_signal(sig)
    assert child.wait(30) != 0
    assert book.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["marker", "matter.xlsx"]


def test_temporary_files_of_a_killed_run_are_removed_by_the_next_run(tmp_path: Path) -> None:
    book = tmp_path / "matter.xlsx"
    book.write_bytes(edited_example())
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process id that no longer runs
    leftover = tmp_path / f".matter.xlsx.hxl-{gone.pid}-abc123.tmp"
    leftover.write_bytes(b"half a workbook")
    running = tmp_path / f".matter.xlsx.hxl-{os.getppid()}-def456.tmp"  # a live process's: not ours to touch
    running.write_bytes(b"being written")
    someone_elses = tmp_path / ".other.xlsx.hxl-1-x.tmp"
    someone_elses.write_bytes(b"another workbook's")
    report = refresh_file(book)
    assert not leftover.exists()
    assert running.exists() and someone_elses.exists()
    assert any(leftover.name in w and "interrupted run" in w for w in report.warnings)


# -- F13, F15, F16: damaged packages are named -------------------------------------------------------


def test_duplicate_zip_entries_are_refused_naming_the_part(tmp_path: Path) -> None:
    book = tmp_path / "dup.xlsx"
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name, as it should
        with zipfile.ZipFile(book, "w") as archive:
            source = zipfile.ZipFile(__import__("io").BytesIO(example_bytes()))
            for info in source.infolist():
                archive.writestr(info.filename, source.read(info))
            archive.writestr("customXml/item1.xml", b"<a>first</a>")
            archive.writestr("customXml/item1.xml", b"<a>second</a>")
    for action in (lambda: check_workbook_path(book), lambda: refresh_file(book), lambda: recalc_file(book),
                   lambda: read_package(book)):
        with pytest.raises(WorkbookError, match=r"customXml/item1\.xml appears twice"):
            action()


def test_a_sheet_that_lost_its_relationship_is_refused_not_read_as_empty(tmp_path: Path) -> None:
    pkg = package_from_bytes(example_bytes())
    pkg["xl/_rels/workbook.xml.rels"] = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + b"".join(line for line in pkg["xl/_rels/workbook.xml.rels"].split(b"/>")
                   if b"officeDocument/2006/relationships/worksheet" not in line and b"<Relationship " in line
                   for line in [line + b"/>"])
        + b"</Relationships>")
    book = tmp_path / "norels.xlsx"
    book.write_bytes(pkg.to_bytes())
    before = book.read_bytes()
    for action in (lambda: recalc_file(book), lambda: recalc_file(book, check=True), lambda: refresh_file(book)):
        with pytest.raises(WorkbookError, match=r"norels\.xlsx: the workbook is damaged: the sheet "
                                                    r"'Incidents' is listed but its relationship rId\d+ is missing"):
            action()
    assert book.read_bytes() == before


def _ole_file(streams: list[str]) -> bytes:
    """A minimal OLE compound file: header, then one directory sector with the given stream names."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HH", header, 30, 9, 6)  # 512-byte sectors, 64-byte mini sectors
    entries = b""
    for kind, name in [(5, "Root Entry"), *((2, s) for s in streams)]:
        raw = (name + "\0").encode("utf-16-le")
        entry = bytearray(128)
        entry[: len(raw)] = raw
        struct.pack_into("<HB", entry, 64, len(raw), kind)
        entries += bytes(entry)
    return bytes(header) + entries.ljust(512, b"\0")


@pytest.mark.parametrize(("streams", "says"), [
    (["Workbook", "\x05SummaryInformation"], "is an Excel 97-2003 workbook (.xls) named .xlsx: open it in Excel and "
                                              "save it as .xlsx"),
    (["EncryptedInfo", "EncryptedPackage"], "is password-protected (encrypted)"),
    (["WordDocument"], "is a Word 97-2003 document"),
])
def test_an_ole_file_is_named_for_what_it_holds(tmp_path: Path, streams: list[str], says: str) -> None:
    book = tmp_path / "old.xlsx"
    book.write_bytes(_ole_file(streams))
    with pytest.raises(WorkbookError) as caught:
        check_workbook_path(book)
    assert caught.value.message == f"old.xlsx {says}" if says.endswith(".xlsx") else says in caught.value.message


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice makes the real .xls")
def test_a_real_xls_renamed_xlsx_is_named_not_called_password_protected(tmp_path: Path) -> None:
    source = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    wb.save(source)
    done = subprocess.run(["soffice", "--headless", "--convert-to", "xls", "--outdir", str(tmp_path), str(source)],
                          capture_output=True, timeout=180)
    if not (tmp_path / "book.xls").exists():
        pytest.skip(f"LibreOffice could not convert: {done.stderr[:200]!r}")
    renamed = tmp_path / "old.xlsx"
    (tmp_path / "book.xls").rename(renamed)
    with pytest.raises(WorkbookError, match=r"^old\.xlsx is an Excel 97-2003 workbook .*save it as \.xlsx$"):
        recalc_file(renamed)


def test_any_file_is_written_with_the_same_guarantees(tmp_path: Path) -> None:
    # The memo (.docx) goes through the same writer: a link followed, the mode kept, a .bak kept.
    from hipaa_xl.files import write_file_atomic

    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "memo.docx"
    real.write_bytes(b"old memo")
    os.chmod(real, 0o640)
    link = tmp_path / "memo.docx"
    link.symlink_to(real)
    kept = write_file_atomic(link, b"new memo")
    assert link.is_symlink() and real.read_bytes() == b"new memo"
    assert kept == tmp_path / "real" / "memo.docx.bak" and kept.read_bytes() == b"old memo"
    assert stat.S_IMODE(real.stat().st_mode) == stat.S_IMODE(kept.stat().st_mode) == 0o640
