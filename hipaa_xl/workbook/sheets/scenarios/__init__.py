"""The Scenarios sheet, whole: ``sheet`` lays it out (``new``), ``tables`` reads its two tables into the
engine's typed rows, ``pricing`` prices them beside the base, and ``summary`` lays out the scenario
table and its staleness check on the Summary (refresh).

This package imports nothing, so that the Lite bundle (``tables``, ``pricing``, ``summary``) never
loads ``sheet`` and its openpyxl.
"""
