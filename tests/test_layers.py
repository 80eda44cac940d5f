"""The engine takes typed values and knows no Excel: no module under hipaa_xl/engine imports the cell
parser, the workbook, recalculation, Lite, the report or the command line (the adapters parse cells
and call the engine, never the other way round)."""

from __future__ import annotations

import ast
from pathlib import Path

import hipaa_xl

PACKAGE = Path(hipaa_xl.__file__).parent
FORBIDDEN = ("excel", "workbook", "recalc", "lite", "report", "cli")


def imported_modules(path: Path) -> list[str]:
    """Every module a file imports, absolute (``from . import x`` resolved against hipaa_xl.engine)."""
    out: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            out += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = ["hipaa_xl", "engine"][: 3 - node.level] if node.level <= 2 else []
                base = ".".join([*parts, base] if base else parts)
            out += [base] + [f"{base}.{alias.name}" for alias in node.names]
    return out


def forbidden(module: str) -> bool:
    return any(module == f"hipaa_xl.{name}" or module.startswith(f"hipaa_xl.{name}.") for name in FORBIDDEN)


def test_no_engine_module_imports_cells_workbook_recalc_lite_report_or_cli() -> None:
    engine = sorted((PACKAGE / "engine").rglob("*.py"))
    assert len(engine) > 10, "the engine package was not found"
    broken = {f"{path.relative_to(PACKAGE)}: {module}"
              for path in engine for module in imported_modules(path) if forbidden(module)}
    assert not broken, sorted(broken)


def test_the_import_rule_sees_both_forms_of_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from hipaa_xl.excel import cells\nimport hipaa_xl.workbook.columns\nfrom ..report import memo\n")
    found = [m for m in imported_modules(sample) if forbidden(m)]
    assert found == ["hipaa_xl.excel", "hipaa_xl.excel.cells", "hipaa_xl.workbook.columns", "hipaa_xl.report",
                     "hipaa_xl.report.memo"]
