"""What desktop Excel reads: the xlwings declarations and the VBA that Import Functions writes.

On Linux ``xw.func`` is a no-op, so the Windows decorators from ``xlwings.udfs`` are loaded with
stand-ins for the pywin32 modules (shared/notes/xlwings-on-linux.md), and the module is imported
afresh under them.
"""

from __future__ import annotations

import importlib
import io
import sys
import types
from collections.abc import Iterator

import pytest


@pytest.fixture
def windows_udfs(monkeypatch: pytest.MonkeyPatch) -> Iterator[types.ModuleType]:
    pywintypes = types.ModuleType("pywintypes")
    pywintypes.com_error = type("com_error", (Exception,), {})  # type: ignore[attr-defined]
    win32com = types.ModuleType("win32com")
    win32com_client = types.ModuleType("win32com.client")
    win32com_client.Dispatch = lambda *a, **k: None  # type: ignore[attr-defined]
    win32com.client = win32com_client  # type: ignore[attr-defined]
    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None  # type: ignore[attr-defined]
    for name, module in {
        "pythoncom": pythoncom,
        "pywintypes": pywintypes,
        "win32com": win32com,
        "win32com.client": win32com_client,
    }.items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    xl_udfs = importlib.import_module("xlwings.udfs")
    import xlwings as xw

    monkeypatch.setattr(xw, "func", xl_udfs.xlfunc)
    monkeypatch.setattr(xw, "arg", xl_udfs.xlarg)
    monkeypatch.setattr(xw, "ret", xl_udfs.xlret)
    for name in ("hipaa_xl.udfs",):
        monkeypatch.delitem(sys.modules, name, raising=False)
    module = importlib.import_module("hipaa_xl.udfs")
    yield module
    for name in ("hipaa_xl.udfs", "xlwings.udfs"):
        sys.modules.pop(name, None)


def test_every_function_is_declared_for_excel_with_documented_arguments(windows_udfs: types.ModuleType) -> None:
    for name in windows_udfs.__all__:
        meta = getattr(windows_udfs, name).__xlfunc__
        assert meta["name"] == name and meta["category"] == "HIPAA penalties"
        for arg in meta["args"]:
            assert not arg["doc"].startswith("Positional argument"), (name, arg["name"])
            assert arg["options"].get("err_to_str") is True, (name, arg["name"])
            assert arg["options"].get("ndim") == 2


def test_optional_arguments_are_optional_in_excel(windows_udfs: types.ModuleType) -> None:
    args = windows_udfs.CMP_MAX.__xlfunc__["args"]
    assert [("optional" in a) for a in args] == [False, False, True, True, True]


def test_import_functions_writes_the_vba_declarations(windows_udfs: types.ModuleType) -> None:
    import xlwings.udfs as xl_udfs

    out = io.StringIO()
    xl_udfs.generate_vba_wrapper("hipaa_xl.udfs", windows_udfs, out, types.SimpleNamespace(Name="Book1.xlsm"))
    vba = out.getvalue()
    for name in windows_udfs.__all__:
        assert f"Function {name}(" in vba
    assert "Function CMP_MAX(tier, violations, Optional violation_date, Optional schedule, Optional as_of)" in vba
