"""Moved: the package parts layer is :mod:`hipaa_xl.ooxml.opc` (and the package :mod:`hipaa_xl.xlsxio`).

Kept only as an alias while branches written against the old name are merged; new code imports
:mod:`hipaa_xl.ooxml.opc`. Delete this module once nothing imports it (``grep -r workbook.package``).
"""

from __future__ import annotations

from hipaa_xl.ooxml.opc import (
    CT_CHART,
    CT_DRAWING,
    CT_TABLE,
    CT_WORKSHEET,
    NS_CT,
    NS_MAIN,
    NS_PKG_REL,
    NS_R,
    REL_CHART,
    REL_DRAWING,
    REL_TABLE,
    REL_WORKSHEET,
    Rel,
    SheetEntry,
    defined_names,
    read_rels,
    relative_target,
    rels_name,
    resolve_target,
    sheets,
    to_xml,
    workbook_part,
    write_rels,
)
from hipaa_xl.xlsxio import Package, parse_xml

__all__ = ["CT_CHART", "CT_DRAWING", "CT_TABLE", "CT_WORKSHEET", "NS_CT", "NS_MAIN", "NS_PKG_REL", "NS_R",
           "REL_CHART", "REL_DRAWING", "REL_TABLE", "REL_WORKSHEET", "Package", "Rel", "SheetEntry",
           "defined_names", "parse_xml", "read_rels", "relative_target", "rels_name", "resolve_target", "sheets",
           "to_xml", "workbook_part", "write_rels"]
