"""hipaa-xl inside Excel through xlwings Lite (Pyodide): Windows, Mac and the web, nothing to install.

``binding`` writes the Office add-in parts that carry ``main.py`` and ``requirements.txt`` in the
workbook and reads them as Lite's (the file format is :mod:`hipaa_xl.ooxml.webextensions`'s), ``files``
runs the commands on a file (``new --lite`` and ``clear`` of a bound workbook among them), ``bundle``
packs the runtime part of hipaa_xl into ``main.py``, ``functions`` are the Excel functions as Lite
registers them (bare error codes) and ``script`` is the "Refresh exposure" script. Only ``functions``
and ``script`` (and what they import) travel inside the workbook.
"""
