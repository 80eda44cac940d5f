"""pytest configuration. Plain helpers live in helpers.py and workbook_helpers.py, imported by name."""
