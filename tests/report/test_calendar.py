"""``hipaa-xl deadlines BOOK --ics FILE``: the calendar is written like every other output (refused when it
is the workbook or not a .ics, atomic, a .bak of what it replaces), hostile text is escaped, UIDs are
unique per matter workbook and row, and two parsers read the file alike."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import Any

import icalendar
import ics
import pytest
from typer.testing import CliRunner

from hipaa_xl.cli import app
from hipaa_xl.workbook.template import build_static_workbook, load_json

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

runner = CliRunner()


def matter_book(path: Path, matter: dict[str, str] | None = None, events: list[dict[str, Any]] | None = None) -> Path:
    """The example matter (not refreshed: deadlines reads the inputs) with other Settings or events."""
    ex = load_json("example_matter.json")
    settings = ex["settings"]
    m = {k: settings[k] for k in ("client", "matter_name", "matter_number", "prepared_by")}
    m.update(matter or {})
    path.write_bytes(build_static_workbook(schedule=settings["schedule"], as_of=dt.date(2026, 3, 31), matter=m,
                                           incidents=ex["incidents"],
                                           events=ex["events"] if events is None else events))
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("target", ["book.xlsx", "link.ics", "other.xlsx", "memo.docx", "folder.ics"])
def test_a_calendar_target_that_is_the_workbook_or_not_a_calendar_is_refused_and_nothing_changes(
        tmp_path: Path, target: str) -> None:
    book = matter_book(tmp_path / "book.xlsx")
    (tmp_path / "other.xlsx").write_bytes(book.read_bytes())
    (tmp_path / "memo.docx").write_bytes(b"PK a memo")
    (tmp_path / "link.ics").symlink_to("book.xlsx")
    (tmp_path / "folder.ics").mkdir()
    before = {p.name: _digest(p) for p in tmp_path.iterdir() if p.is_file()}
    result = runner.invoke(app, ["deadlines", str(book), "--ics", str(tmp_path / target)])
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert {p.name: _digest(p) for p in tmp_path.iterdir() if p.is_file()} == before


def test_the_calendar_replaces_through_a_link_keeps_a_bak_and_is_written_by_rename(tmp_path: Path) -> None:
    book = matter_book(tmp_path / "book.xlsx")
    real = tmp_path / "real.ics"
    real.write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    os.chmod(real, 0o640)
    inode = real.stat().st_ino
    (tmp_path / "cal.ics").symlink_to("real.ics")
    result = runner.invoke(app, ["deadlines", str(book), "--ics", str(tmp_path / "cal.ics")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cal.ics").is_symlink() and b"VEVENT" in real.read_bytes()
    assert real.stat().st_ino != inode  # a new file renamed into place, never the old one truncated
    assert (real.stat().st_mode & 0o777) == 0o640
    assert (tmp_path / "real.ics.bak").read_bytes() == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


HOSTILE_NAMES = ["Matter\nline two", "Matter\r\nline two", "Bare\rCR", "Tab\tand ; , \\ : \"quotes\"",
                 "END:VCALENDAR\r\nBEGIN:VEVENT", "病院の件" * 40, "x" * 5000]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_hostile_matter_names_and_event_texts_give_a_calendar_both_parsers_read_alike(tmp_path: Path,
                                                                                      name: str) -> None:
    events = [{"id": f"A-1\r\nATTACH:http://x/{name[:10]}", "event": "Breach discovered", "date": "2026-02-09",
               "count": 1240, "state": "NY;\nEND:VCALENDAR"},
              {"id": "EV-2", "event": "Access request received", "date": "2026-03-01"}]
    book = matter_book(tmp_path / "book.xlsx", {"matter_name": name}, events)
    out = tmp_path / "cal.ics"
    result = runner.invoke(app, ["deadlines", str(book), "--ics", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\r" not in ln and b"\n" not in ln for ln in lines)  # CRLF only
    assert all(len(ln) <= 75 for ln in lines)  # folded at 75 octets
    first = icalendar.Calendar.from_ical(data)
    events_a = [c for c in first.walk("VEVENT")]
    second = ics.Calendar(data.decode("utf-8"))
    assert len(events_a) == len(second.events) > 0
    assert {str(e["UID"]) for e in events_a} == {e.uid for e in second.events}
    assert len({str(e["UID"]) for e in events_a}) == len(events_a)  # unique
    assert not any(k in ("ATTACH",) for e in events_a for k in e)  # nothing injected
    assert len(list(first.walk("VCALENDAR"))) == 1


def _uids(tmp_path: Path, name: str, matter: dict[str, str], events: list[dict[str, Any]] | None = None) -> set[str]:
    book = matter_book(tmp_path / f"{name}.xlsx", matter, events)
    out = tmp_path / f"{name}.ics"
    assert runner.invoke(app, ["deadlines", str(book), "--ics", str(out)]).exit_code == 0
    return {str(e["UID"]) for e in icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")}


def test_uids_are_unique_across_matters_and_rows_and_stable_across_exports(tmp_path: Path) -> None:
    a = _uids(tmp_path, "a", {"matter_name": "Smith v. Jones"})
    b = _uids(tmp_path, "b", {"matter_name": "Smith v Jones"})
    c = _uids(tmp_path, "c", {"matter_name": "病院の件"})
    d = _uids(tmp_path, "d", {"matter_name": "診療所の件"})
    assert a and not (a & b) and not (c & d) and not (a & c)
    assert _uids(tmp_path, "a2", {"matter_name": "Smith v. Jones"}) == a  # a re-import updates, never duplicates
    same_id = [{"id": "A-1", "event": "Breach discovered", "date": "2026-02-09", "count": 1240},
               {"id": "A 1", "event": "Breach discovered", "date": "2026-03-01", "count": 10},
               {"id": "A-1", "event": "Breach discovered", "date": "2026-03-05", "count": 10}]
    book = matter_book(tmp_path / "ids.xlsx", None, same_id)
    out = tmp_path / "ids.ics"
    assert runner.invoke(app, ["deadlines", str(book), "--ics", str(out)]).exit_code == 0
    uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")]
    assert len(uids) == len(set(uids)) >= 6


@pytest.mark.parametrize(("field", "value"), [("date", -5), ("date", "0001-01-01"), ("date", "1899-12-31")])
def test_a_matter_date_before_1900_is_left_out_with_its_reason_the_same_in_refresh_and_deadlines(
        tmp_path: Path, field: str, value: Any) -> None:
    book = matter_book(tmp_path / "book.xlsx", None, [{"id": "EV-1", "event": "Breach discovered", field: value,
                                                       "count": 1240}])
    out = tmp_path / "cal.ics"
    result = runner.invoke(app, ["deadlines", str(book), "--ics", str(out)])
    assert result.exit_code == 0, result.output
    assert "Excel's first date 1900-01-01" in result.output and "Matter!row 5" in result.output
    assert b"VEVENT" not in out.read_bytes()
    refreshed = runner.invoke(app, ["refresh", str(book)])
    assert refreshed.exit_code == 0 and "Excel's first date 1900-01-01" in refreshed.output


def test_a_deadline_due_on_9999_12_31_is_written_without_overflow(tmp_path: Path) -> None:
    book = matter_book(tmp_path / "book.xlsx", None, [{"id": "EV-5", "event": "Oral law-enforcement statement",
                                                       "date": "2026-02-09", "other_date": "9999-12-31"}])
    out = tmp_path / "y.ics"
    result = runner.invoke(app, ["deadlines", str(book), "--ics", str(out)])
    assert result.exit_code == 0, result.output
    events = list(icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT"))
    assert any(e.decoded("DTSTART") == dt.date(9999, 12, 31) for e in events)
    assert len(ics.Calendar(out.read_text()).events) == len(events)
