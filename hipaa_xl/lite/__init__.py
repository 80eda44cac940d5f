"""hipaa-xl inside Excel through xlwings Lite (Pyodide): Windows, Mac and the web, nothing to install.

``binding`` writes and reads the Office add-in parts that carry ``main.py`` and ``requirements.txt``
in the workbook, ``bundle`` packs the runtime part of hipaa_xl into ``main.py``, ``functions`` are the
Excel functions as Lite registers them (bare error codes) and ``script`` is the "Refresh exposure"
script. Only ``functions`` and ``script`` (and what they import) travel inside the workbook.
"""
