"""Headless recalculation: parser, functions, workbook rules, streaming, against Excel and LibreOffice."""
