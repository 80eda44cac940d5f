"""Signals at the moment a temporary file appears, in loops (a window is a matter of timing): Ctrl-C is
one line and exit 130 and leaves no temporary file; a SIGKILL's leftover is removed by the next run
that writes beside the same file; the original is byte-identical or the new file complete."""

from __future__ import annotations

import glob
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hipaa_xl.ooxml.package import package_from_bytes
from tests.workbook_helpers import example_bytes, part_of

RUNS = 4
"""Each loop is bounded: the windows are found by the moment of the signal, not by the count."""


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "hipaa_xl.cli", *args]


def _stale_example() -> bytes:
    """The example with one edit, so that refresh has something to write."""
    pkg = package_from_bytes(example_bytes())
    inc = part_of(pkg, "Incidents")
    pkg[inc] = pkg[inc].replace(b"RCH-06", b"RCH-07")
    return pkg.to_bytes()


def _signal_at_temp(args: list[str], folder: Path, pattern: str, signum: int) -> subprocess.CompletedProcess[str]:
    child = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while child.poll() is None and not glob.glob(str(folder / pattern)) and time.monotonic() < deadline:
        time.sleep(0.0005)
    if child.poll() is None:
        child.send_signal(signum)
    out, err = child.communicate(timeout=240)
    return subprocess.CompletedProcess(args, child.returncode, out, err)


@pytest.mark.slow
def test_ctrl_c_when_refresh_creates_its_temporary_file_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    data = _stale_example()
    digest = hashlib.sha256(data).hexdigest()
    for i in range(RUNS):
        folder = tmp_path / f"run{i}"
        folder.mkdir()
        book = folder / "book.xlsx"
        book.write_bytes(data)
        result = _signal_at_temp(_cli("refresh", str(book)), folder, ".book.xlsx.hxl-*", signal.SIGINT)
        assert not glob.glob(str(folder / ".book.xlsx.hxl-*")), (i, result.stderr)
        assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr
        if result.returncode == 130:
            assert result.stderr.strip().count("\n") == 0, result.stderr
            assert hashlib.sha256(book.read_bytes()).hexdigest() == digest  # not changed
        else:  # the signal came after the rename: the new file is complete
            assert result.returncode == 0, result.stderr
            assert (folder / "book.xlsx.bak").read_bytes() == data


@pytest.mark.slow
@pytest.mark.parametrize("command", ["share", "recalc -o", "report"])
def test_a_killed_writer_leaves_a_temporary_file_the_next_run_removes(tmp_path: Path, command: str) -> None:
    book = tmp_path / "book.xlsx"
    book.write_bytes(example_bytes())
    out = tmp_path / ("out.docx" if command == "report" else "out.xlsx")
    args = {"share": _cli("share", str(book), "-o", str(out)),
            "recalc -o": _cli("recalc", str(book), "-o", str(out)),
            "report": _cli("report", str(book), "-o", str(out))}[command]
    killed = 0
    for _ in range(RUNS):
        result = _signal_at_temp(args, tmp_path, f".{out.name}.hxl-*", signal.SIGKILL)
        killed += result.returncode == -signal.SIGKILL
        if glob.glob(str(tmp_path / f".{out.name}.hxl-*")):
            break
    assert killed, "the writer always finished before the signal: nothing was tested"
    again = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert not glob.glob(str(tmp_path / f".{out.name}.hxl-*")), os.listdir(tmp_path)
    assert out.stat().st_size > 1000


@pytest.mark.parametrize("moment", ["opening", "closing"])
def test_ctrl_c_while_the_zip_is_opened_or_closed_waits_for_that_step_and_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    """The signal arrives inside ZipFile's constructor (or its close): the step ends first, the write
    unwinds as Ctrl-C, no temporary file stays, and no half-made ZipFile complains when collected."""
    import gc
    import zipfile

    from hipaa_xl.files import leftover_temp_files
    from hipaa_xl.ooxml.package import Package, write_package_atomic

    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    step = zipfile.ZipFile.__init__ if moment == "opening" else zipfile.ZipFile.close

    sent: list[int] = []

    def interrupted(self: zipfile.ZipFile, *args: object, **kwargs: object) -> None:
        if not sent:  # once: ZipFile.__del__ calls close again
            sent.append(signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)  # delivered at the next bytecode, inside the step
        step(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "__init__" if moment == "opening" else "close", interrupted)
    target = tmp_path / "book.xlsx"
    with pytest.raises(KeyboardInterrupt):
        write_package_atomic(target, Package.from_parts({"[Content_Types].xml": b"<Types/>"}), backup=False)
    gc.collect()
    assert not target.exists()
    assert not list(tmp_path.iterdir()) and not leftover_temp_files(target)
    assert not unraisable, unraisable
