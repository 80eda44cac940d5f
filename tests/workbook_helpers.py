"""Helpers shared by the workbook tests: the example book, edits of its parts, reading values back."""

from __future__ import annotations

import datetime as dt
import io
import re
from functools import cache
from typing import Any

import openpyxl

from hipaa_xl.engine import Aggregation
from hipaa_xl.ooxml.opc import sheets
from hipaa_xl.ooxml.package import Package, package_from_bytes
from hipaa_xl.workbook import new_workbook_bytes, verify
from hipaa_xl.workbook.sheets.exposure import XC

AS_OF = dt.date(2026, 3, 31)
FIGURES = ("violations", "barred", "minimum", "maximum", "barred_max", "ag")


@cache
def example_bytes() -> bytes:
    """The example matter, as ``hipaa-xl new --example`` writes it."""
    return new_workbook_bytes(example=True)[0]


def part_of(pkg: Package, sheet: str) -> str:
    return next(s.part for s in sheets(pkg) if s.name == sheet)


def set_incident_cell(data: bytes, cell: str, xml_value: str) -> bytes:
    """Replace one Incidents cell in the sheet XML (no openpyxl round trip): ``xml_value`` is the
    inner ``<c>`` markup and attributes, e.g. ``'t="inlineStr"><is><t>Z</t></is>'`` or ``'><v>5</v>'``."""
    pkg = package_from_bytes(data)
    part = part_of(pkg, "Incidents")
    xml = pkg[part].decode()
    pattern = re.compile(rf'<c r="{cell}"(?: [^>]*)?(?:/>|>.*?</c>)')
    style = re.search(rf'<c r="{cell}"[^>]*?( s="\d+")', xml)
    s_attr = style.group(1) if style else ""
    new_cell = f'<c r="{cell}"{s_attr} {xml_value}</c>' if not xml_value.startswith(">") else \
        f'<c r="{cell}"{s_attr}{xml_value}</c>'
    assert pattern.search(xml), cell
    xml = pattern.sub(new_cell, xml, count=1)
    pkg[part] = xml.encode()
    return pkg.to_bytes()


def text_cell(text: str) -> str:
    from xml.sax.saxutils import escape

    return f't="inlineStr"><is><t>{escape(text)}</t></is>'


def engine_aggregation(data: bytes, schedule: str = "current", as_of: dt.date = AS_OF) -> Aggregation:
    """The engine's aggregation of the workbook's Incidents: the one definition's (workbook.verify)."""
    return verify.engine_aggregation(data, schedule, as_of)


def summary_values(data: bytes) -> dict[tuple[str, str, int], dict[str, Any]]:
    """The Summary group rows as cached values, by group key: the one reader (workbook.verify)."""
    return verify.summary_groups(data)


def exposure_values(data: bytes) -> list[dict[str, Any]]:
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    ws = wb["Exposure"]
    out = []
    for row in ws.iter_rows(min_row=5, values_only=True):
        if row[0] is None:
            break
        out.append({key: row[col - 1] for key, col in XC.items()})
    return out


def summary_status(data: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    return str(wb["Summary"]["A4"].value)
