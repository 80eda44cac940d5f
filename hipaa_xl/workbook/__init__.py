"""The exposure workbook: the template built from code, and the refresh of Exposure and Summary.

The names below are imported when first used (PEP 562), so that importing one module of this
package (the layout code that runs inside xlwings Lite) does not pull in the package writer.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "RefreshReport": "hipaa_xl.workbook.plan",
    "build_refreshed": "hipaa_xl.workbook.refresh",
    "new_workbook": "hipaa_xl.workbook.new",
    "new_workbook_bytes": "hipaa_xl.workbook.new",
    "refresh_book": "hipaa_xl.workbook.button",
    "refresh_file": "hipaa_xl.workbook.refresh",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'hipaa_xl.workbook' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)
