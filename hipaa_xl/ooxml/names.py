"""The OOXML namespaces, relationship and content types as constants (no XML library needed, so the
layout code that also runs inside xlwings Lite can use them); :mod:`hipaa_xl.ooxml.opc` re-exports them."""

from __future__ import annotations

from typing import Final

NS_MAIN: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_STRICT_MAIN: Final = "http://purl.oclc.org/ooxml/spreadsheetml/main"
NS_R: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_STRICT_R: Final = "http://purl.oclc.org/ooxml/officeDocument/relationships"
NS_PKG_REL: Final = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT: Final = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_WORKSHEET: Final = NS_R + "/worksheet"
REL_TABLE: Final = NS_R + "/table"
REL_DRAWING: Final = NS_R + "/drawing"
REL_CHART: Final = NS_R + "/chart"
CT_WORKSHEET: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_TABLE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
CT_DRAWING: Final = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART: Final = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
