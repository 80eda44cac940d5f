"""The Factors sheet, whole: ``sheet`` lays it out (``new``) and ``table`` reads its rows into typed
records, the 45 CFR 160.408 factors a lawyer marked (refresh, the memo).

This package imports nothing, so that the Lite bundle (``table``) never loads ``sheet`` and its openpyxl.
"""
