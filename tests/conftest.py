"""pytest configuration. Shared helpers (helpers.py, workbook_helpers.py, ...) sit beside it and are imported as
``tests.<name>``; the tests sit in folders that mirror hipaa_xl/."""
