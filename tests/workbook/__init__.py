"""The template workbook and its refresh, sheet by sheet."""
