"""Work product from a refreshed exposure workbook: the exposure memo (Word, PDF), the share copy and
the deadlines calendar (.ics).

* :mod:`hipaa_xl.report.memo` - the memo's sections; :mod:`hipaa_xl.report.word` its Word toolkit;
  :mod:`hipaa_xl.report.chart` its range chart; :mod:`hipaa_xl.report.pdf` the PDF through LibreOffice;
* :mod:`hipaa_xl.report.book` - the figures read back from a workbook's stored values;
* :mod:`hipaa_xl.report.share` - the copy built new for someone outside the firm;
* :mod:`hipaa_xl.report.calendar` - the matter's deadlines as an iCalendar file;
* :mod:`hipaa_xl.report.commands` - what the ``report`` and ``share`` commands do with them.

This file imports nothing: the calendar needs no python-docx.
"""
