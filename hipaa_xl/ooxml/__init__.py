"""The one layer for Office Open XML that the workbook and recalc code share.

* :mod:`hipaa_xl.ooxml.admission` - what is refused before reading (one-line refusals: the wrong kind,
  locked, encrypted, damaged, a zip bomb, over the memory budget);
* :mod:`hipaa_xl.ooxml.package` - the package as its parts, read without DTDs, written all or nothing
  through :mod:`hipaa_xl.files`;
* :mod:`hipaa_xl.ooxml.editing` - an in-place edit: the lock, and never overwriting a save made meanwhile;
* :mod:`hipaa_xl.ooxml.opc` - the parts inside it (ECMA-376 Part 2, Open Packaging Conventions, and
  Part 1's workbook): the SpreadsheetML namespaces (Transitional and Strict), relationships, the
  workbook part, its sheets and defined names, each read one way;
* :mod:`hipaa_xl.ooxml.a1` - A1 references: column letters, cell addresses, ranges, and sheet names
  as formulas quote them;
* :mod:`hipaa_xl.ooxml.dates` - serial date-times (ECMA-376 Part 1, 18.17.4): dates become Excel
  serial numbers only through it;
* :mod:`hipaa_xl.ooxml.numbers` - numbers as Excel's General format shows them;
* :mod:`hipaa_xl.ooxml.calc` - the calculation properties of ``workbook.xml`` (``calcPr``);
* :mod:`hipaa_xl.ooxml.webextensions` - the Office add-ins (task panes) a package carries, read: how
  refresh knows a workbook is bound to xlwings Lite without importing the Lite code.

This file imports nothing, so that ``dates`` and ``numbers`` travel alone in the xlwings Lite bundle.
"""
