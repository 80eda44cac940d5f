"""File safety: bad workbooks are refused with one line; writes are atomic and deterministic."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import openpyxl
import pytest

from hipaa_xl.errors import WorkbookError
from hipaa_xl.files import backup_path
from hipaa_xl.ooxml.admission import check_workbook_path
from hipaa_xl.ooxml.package import package_from_bytes, parse_xml, read_package, write_package_atomic


def make_book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    wb.active["A2"] = "=A1+1"
    wb.save(path)
    return path


def bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """Each kind of unusable file, with a word its refusal must contain."""
    good = make_book(folder / "good.xlsx").read_bytes()
    files: dict[str, tuple[Path, str]] = {}

    def put(name: str, data: bytes, expect: str, key: str | None = None) -> None:
        (folder / name).write_bytes(data)
        files[key or name] = (folder / name, expect)

    put("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), ".xls")
    put("binary.xlsb", good, ".xlsb")
    put("calc.ods", good, ".ods")
    put("export.csv", b"a,b\n1,2\n", "CSV")
    put("notes.txt", b"hello", "not an Excel workbook")
    put("secret.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000), "password-protected")
    put("truncated.xlsx", good[: len(good) // 2], "damaged")
    put("plain.xlsx", b"this is not a zip file at all", "damaged")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 2**20))
    put("bomb.xlsx", buffer.getvalue(), "zip bomb")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", "<Types>" + "x" * 200 + "</Types>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    data = bytearray(buffer.getvalue())
    at = data.find(b"xxxx")
    data[at] = ord("y")  # content no longer matches its CRC
    put("badcrc.xlsx", bytes(data), "damaged")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "hi")
    put("nozip-parts.xlsx", buffer.getvalue(), "Content_Types")
    put("locked-excel.xlsx", good, "open in Excel")
    (folder / "~$locked-excel.xlsx").write_bytes(b"owner")
    put("locked-lo.xlsx", good, "open in Excel or LibreOffice")
    (folder / ".~lock.locked-lo.xlsx#").write_bytes(b"lock")
    put("readonly.xlsx", good, "read-only")
    os.chmod(folder / "readonly.xlsx", stat.S_IRUSR | stat.S_IRGRP)
    files["missing.xlsx"] = (folder / "missing.xlsx", "not found")
    return files


def test_each_kind_of_bad_file_is_refused_with_one_line(tmp_path: Path) -> None:
    for name, (path, expect) in bad_files(tmp_path).items():
        with pytest.raises(WorkbookError) as caught:
            check_workbook_path(path)
        message = caught.value.message
        assert expect.lower() in message.lower(), (name, message)
        assert "\n" not in message, name


def test_a_good_workbook_passes_the_checks(tmp_path: Path) -> None:
    check_workbook_path(make_book(tmp_path / "ok.xlsx"))


def test_locks_and_read_only_do_not_matter_when_only_reading(tmp_path: Path) -> None:
    path = make_book(tmp_path / "shared.xlsx")
    (tmp_path / "~$shared.xlsx").write_bytes(b"owner")
    os.chmod(path, stat.S_IRUSR)
    check_workbook_path(path, for_writing=False)


def test_unchanged_parts_round_trip_byte_identical_and_output_is_deterministic(tmp_path: Path) -> None:
    path = make_book(tmp_path / "rt.xlsx")
    package = read_package(path)
    package["xl/worksheets/sheet1.xml"] = package["xl/worksheets/sheet1.xml"].replace(b"<v>", b"<v>")
    first = package.to_bytes()
    assert first == package.to_bytes()
    again = package_from_bytes(first)
    assert list(again) == list(package)
    assert all(again[name] == package[name] for name in package)


def test_write_is_atomic_and_keeps_a_backup(tmp_path: Path) -> None:
    path = make_book(tmp_path / "book.xlsx")
    original = path.read_bytes()
    package = read_package(path)
    package["docProps/app.xml"] = package["docProps/app.xml"] + b"<!-- changed -->"
    kept = write_package_atomic(path, package)
    assert kept == backup_path(path) and kept.read_bytes() == original
    assert read_package(path)["docProps/app.xml"].endswith(b"<!-- changed -->")
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_failure_mid_write_leaves_the_original_byte_identical(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_book(tmp_path / "book.xlsx")
    original = path.read_bytes()
    package = read_package(path)
    package["docProps/app.xml"] = b"<changed/>"
    calls = {"n": 0}
    real = zipfile.ZipFile.writestr

    def failing(self: zipfile.ZipFile, *args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "writestr", failing)
    with pytest.raises(WorkbookError) as caught:
        write_package_atomic(path, package)
    assert "unchanged" in caught.value.message
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]


def test_a_failure_at_the_final_swap_leaves_the_original_byte_identical(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_book(tmp_path / "book.xlsx")
    original = path.read_bytes()
    package = read_package(path)
    package["docProps/app.xml"] = b"<changed/>"
    real_replace = os.replace

    def failing_replace(src: str, dst: str) -> None:
        if Path(dst) == path:
            raise PermissionError(13, "Permission denied")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(WorkbookError):
        write_package_atomic(path, package, backup=False)
    assert path.read_bytes() == original
    assert not list(tmp_path.glob(".*.tmp"))


def test_parts_with_a_dtd_are_refused() -> None:
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    with pytest.raises(WorkbookError):
        parse_xml(evil, "xl/workbook.xml")


def test_a_new_file_gets_the_usual_permissions_not_the_temp_files(tmp_path: Path) -> None:
    source = tmp_path / "source.xlsx"
    openpyxl.Workbook().save(source)
    target = tmp_path / "new.xlsx"
    write_package_atomic(target, package_from_bytes(source.read_bytes()), backup=False)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
