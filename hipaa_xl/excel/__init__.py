"""The Excel-function adapter: what stands between a cell and the engine.

* :mod:`hipaa_xl.excel.cells` - what arrives from a cell (blank, number, date, text, an error code,
  a range), parsed into the engine's typed values, and the engine's answers fitted back into a cell;
* :mod:`hipaa_xl.excel.explain` - CMP_EXPLAIN's short sentence and its rows;
* :mod:`hipaa_xl.excel.declare` - how each function and its arguments are declared to Excel through
  xlwings (desktop) and to xlwings Lite.

The functions themselves stay in :mod:`hipaa_xl.udfs`, the module name users type into xlwings'
"UDF Modules". This file imports nothing, so the Lite bundle takes only the modules it uses.
"""
