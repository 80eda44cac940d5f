"""The hostile-input campaign's categories as a parametrised suite: every command that reads a workbook
meets the same damaged parts, and every command that writes a file the same wrong targets. A new
command is added to READERS or WRITERS and gets every attack.

Expected everywhere: one line on stderr (no traceback), a documented exit code, and no file changed.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from hipaa_xl.ooxml.package import package_from_bytes
from tests.workbook_helpers import example_bytes, part_of

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

READERS: dict[str, Callable[[Path, Path], list[str]]] = {
    "refresh": lambda book, out: ["refresh", str(book)],
    "recalc": lambda book, out: ["recalc", str(book), "--check"],
    "scenarios": lambda book, out: ["scenarios", str(book)],
    "deadlines": lambda book, out: ["deadlines", str(book)],
    "share": lambda book, out: ["share", str(book), "-o", str(out / "s.xlsx")],
    "report": lambda book, out: ["report", str(book), "-o", str(out / "m.docx")],
}
"""Every command that reads a matter workbook: its arguments for a book and an output folder."""

WRITERS: dict[str, tuple[Callable[[Path, Path], list[str]], str]] = {
    "share -o": (lambda book, target: ["share", str(book), "-o", str(target)], ".xlsx"),
    "report -o": (lambda book, target: ["report", str(book), "-o", str(target)], ".docx"),
    "deadlines --ics": (lambda book, target: ["deadlines", str(book), "--ics", str(target)], ".ics"),
    "recalc -o": (lambda book, target: ["recalc", str(book), "-o", str(target)], ".xlsx"),
}
"""Every command that writes a file other than the workbook: its arguments, and what it writes."""


def run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([sys.executable, "-m", "hipaa_xl.cli", *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


def _one_line(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 1, result.stderr


def _damage(kind: str) -> bytes:
    pkg = package_from_bytes(example_bytes())
    user = part_of(pkg, "Requirements")
    if kind == "user sheet not well-formed":
        pkg[user] = pkg[user].replace(b"</sheetData>", b"<row r='900'><c r='A900'><v>1</v></row></sheetData>")
    elif kind == "DTD after a long comment in a user sheet":
        body = pkg[user].split(b"?>", 1)[-1] if pkg[user].startswith(b"<?xml") else pkg[user]
        pkg[user] = (b'<?xml version="1.0"?><!--' + b"c" * 5000 + b'--><!DOCTYPE w [<!ENTITY a "aaaa">'
                     b'<!ENTITY b "&a;&a;&a;&a;">]>' + body)
    elif kind == "DTD after a long comment in styles":
        pkg["xl/styles.xml"] = b'<?xml version="1.0"?><!--' + b"c" * 5000 + b"--><!DOCTYPE s>" + \
            pkg["xl/styles.xml"].split(b"?>", 1)[-1]
    elif kind == "styles not well-formed":
        pkg["xl/styles.xml"] = pkg["xl/styles.xml"][:-40]
    elif kind == "Scenarios sheet not well-formed":
        part = part_of(pkg, "Scenarios")
        pkg[part] = pkg[part][:-30]
    return pkg.to_bytes()


DAMAGES = ("user sheet not well-formed", "DTD after a long comment in a user sheet",
           "DTD after a long comment in styles", "styles not well-formed", "Scenarios sheet not well-formed")


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("command", list(READERS))
def test_a_damaged_part_is_one_line_and_no_file_changes(tmp_path: Path, command: str, damage: str) -> None:
    book = tmp_path / "book.xlsx"
    book.write_bytes(_damage(damage))
    before = _digests(tmp_path)
    result = run(READERS[command](book, tmp_path))
    _one_line(result)
    # refused (2), or not current (3), or done when the command does not need that part (0)
    assert result.returncode in (0, 2, 3), (command, damage, result.stdout[-300:], result.stderr)
    if "user sheet" in damage or "DTD" in damage:
        assert result.returncode in (2, 3), (command, damage, result.stderr)
    assert _digests(tmp_path) == before


TARGETS = ("the workbook itself", "a link to the workbook", "another workbook by a typo", "a folder")


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("command", list(WRITERS))
def test_a_wrong_output_target_is_refused_and_nothing_changes(tmp_path: Path, command: str, target: str) -> None:
    build, suffix = WRITERS[command]
    book = tmp_path / "book.xlsx"
    book.write_bytes(example_bytes())
    other = tmp_path / "other.docx"
    other.write_bytes(b"PK not yours")
    link = tmp_path / f"link{suffix}"
    link.symlink_to("book.xlsx")
    folder = tmp_path / f"folder{suffix}"
    folder.mkdir()
    path = {"the workbook itself": book, "a link to the workbook": link,
            "another workbook by a typo": other if suffix != ".docx" else tmp_path / "other.xlsx",
            "a folder": folder}[target]
    if target == "another workbook by a typo" and suffix == ".docx":
        path.write_bytes(example_bytes())
    before = _digests(tmp_path)
    result = run(build(book, path))
    _one_line(result)
    assert result.returncode == 2, (command, target, result.stdout[-300:], result.stderr)
    assert _digests(tmp_path) == before


@pytest.mark.parametrize("name", ["E" * 240, "E" * 255, "Spaced  name\twith tab", "No\u00a0break space"])
def test_a_long_or_oddly_spaced_entity_name_is_up_to_date_everywhere_after_refresh(tmp_path: Path,
                                                                                   name: str) -> None:
    pkg = package_from_bytes(example_bytes())
    part = part_of(pkg, "Incidents")
    xml = pkg[part].decode()
    xml = xml.replace("Riverside Community Hospital", name.replace("\t", "&#9;"))
    pkg[part] = xml.encode()
    book = tmp_path / "book.xlsx"
    book.write_bytes(pkg.to_bytes())
    assert run(["refresh", str(book)]).returncode == 0
    again = run(["refresh", str(book)])
    assert again.returncode == 0 and "up to date: nothing written" in again.stdout, again.stdout + again.stderr
    shared = run(["share", str(book), "-o", str(tmp_path / "s.xlsx")])
    assert shared.returncode == 0, shared.stderr


def test_cells_are_counted_however_their_tags_are_written(tmp_path: Path) -> None:
    """The memory budget counts ``<c`` followed by a line break or a tab as it counts ``<c r=``."""
    import zipfile

    from hipaa_xl.ooxml.admission import _count_cells

    counts = {}
    for sep in (" ", "\n", "\t", "\r\n"):
        pkg = package_from_bytes(example_bytes())
        part = part_of(pkg, "Requirements")
        rows = "".join(f'<row r="{r}">' + "".join(f'<c{sep}r="{c}{r}"><f{sep}/><v>{r % 97}</v></c>' for c in "ABCDEFGHIJ")
                       + "</row>" for r in range(1000, 21000))
        pkg[part] = pkg[part].replace(b"</sheetData>", rows.encode() + b"</sheetData>")
        book = tmp_path / f"cells{len(counts)}.xlsx"
        book.write_bytes(pkg.to_bytes())
        with zipfile.ZipFile(book) as archive:
            counts[repr(sep)] = _count_cells(archive, archive.infolist(), book.name, 1 << 40, 0)
        result = run(["recalc", str(book), "--check"], env={"HIPAA_XL_MEMORY_MIB": "150"})
        _one_line(result)
        assert result.returncode == 2 and "memory budget" in result.stderr, (repr(sep), result.stderr)
    assert len(set(counts.values())) == 1, counts
    cells, formulas, complete = next(iter(counts.values()))
    assert complete and cells >= 200_000 and formulas >= 200_000


def test_a_scenario_dated_before_every_violation_says_why_with_exit_1(tmp_path: Path) -> None:
    from hipaa_xl.workbook.template import build_static_workbook, load_json

    ex = load_json("example_matter.json")
    s = ex["settings"]
    book = tmp_path / "old.xlsx"
    book.write_bytes(build_static_workbook(
        schedule=s["schedule"], as_of=__import__("datetime").date(2026, 3, 31),
        matter={k: s[k] for k in ("client", "matter_name", "matter_number", "prepared_by")},
        incidents=ex["incidents"], events=ex["events"],
        scenarios={"scenarios": [{"name": "Old", "description": "d", "probability": 1.0, "schedule": None,
                                  "as_of": "1900-01-01"}], "scenario_changes": []}))
    result = run(["scenarios", str(book)])
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Scenarios row 5 (Old)" in result.stdout and "after the as-of date 1900-01-01" in result.stdout
    as_json = run(["scenarios", str(book), "--json"])
    assert as_json.returncode == 1 and json.loads(as_json.stdout)
