"""The one layer for Office Open XML that the workbook and recalc code share.

* :mod:`hipaa_xl.xlsxio` - the package: safe reading (one-line refusals), atomic writing;
* :mod:`hipaa_xl.ooxml.opc` - the parts inside it (ECMA-376 Part 2, Open Packaging Conventions, and
  Part 1's workbook): the SpreadsheetML namespaces (Transitional and Strict), relationships, the
  workbook part, its sheets and defined names, each read one way;
* :mod:`hipaa_xl.ooxml.a1` - A1 references: column letters, cell addresses, ranges, and sheet names
  as formulas quote them.

Dates become Excel serial numbers only through :mod:`hipaa_xl.excel_dates`.
"""
