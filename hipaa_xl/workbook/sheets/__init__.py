"""One module per sheet of the exposure workbook: which module lays out which sheet.

Written once by ``hipaa-xl new`` with openpyxl (``template.build_static_workbook`` calls them), the
sheets the user owns or reads: ``incidents`` (Incidents), ``matter`` (Matter), ``settings``
(Settings), ``scenarios.sheet`` (Scenarios), ``factors.sheet`` (Factors), ``requirements`` (Requirements),
``schedules`` (Schedules) and ``outcomes`` (Outcomes); ``_common`` holds their shared title, header
row, fonts and print setup.

Laid out again by every refresh as sheet XML (``plan.plan_refresh`` calls them; they run inside
xlwings Lite too, so they import no openpyxl): ``exposure`` (Exposure), ``summary`` (Summary),
``scenarios.summary`` (the Summary's scenario table) and ``deadlines`` (Deadlines).

The Scenarios sheet is whole in ``scenarios``: its layout, the reading of its two tables into the
engine's typed rows, their pricing, and the Summary's scenario table. The Factors sheet is whole in
``factors``: its layout and the reading of its rows.

This package imports nothing, so that importing one sheet's module loads that module only.
"""
