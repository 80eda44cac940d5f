"""The exposure workbook: the template built from code, and the refresh of Exposure and Summary."""

from hipaa_xl.workbook.button import refresh_book
from hipaa_xl.workbook.new import new_workbook, new_workbook_bytes
from hipaa_xl.workbook.refresh import RefreshError, RefreshReport, build_refreshed, refresh_file

__all__ = [
    "RefreshError",
    "RefreshReport",
    "build_refreshed",
    "new_workbook",
    "new_workbook_bytes",
    "refresh_book",
    "refresh_file",
]
