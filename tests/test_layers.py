"""The package shows its layers: each room (a subpackage, or a top-level module) imports only from the
rooms of the rows below it, never sideways or upwards, so there is no cycle between rooms and the engine
knows no Excel (the adapters parse cells and call the engine, never the other way round).

The rows are drawn in docs/development.md; the test checks that drawing too, so the two cannot part.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import hipaa_xl

PACKAGE = Path(hipaa_xl.__file__).parent
DEVELOPMENT = PACKAGE.parent / "docs" / "development.md"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("cli",),
    ("report", "lite"),
    ("workbook",),
    ("udfs", "recalc"),
    ("excel",),
    ("engine",),
    ("law", "ooxml"),
    ("files",),
    ("errors", "clock", "money"),
)
"""Top row first. ``hipaa_xl/__init__.py`` (the version) is below them all."""

ROW = {room: row for row, rooms in enumerate(LAYERS) for room in rooms}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, module: str) -> list[str]:
    """Every module a file imports anywhere in it (inside functions too), absolute, with the names taken
    from it (``from hipaa_xl import udfs`` imports ``hipaa_xl.udfs``)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            out += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            out += [base] + [f"{base}.{alias.name}" for alias in node.names]
    return out


def room(module: str) -> str | None:
    """``hipaa_xl.engine.tiers`` -> ``engine``; ``hipaa_xl.udfs`` -> ``udfs``; None outside the package
    and for the package's own ``__init__`` (the version)."""
    parts = module.split(".")
    if parts[0] != "hipaa_xl" or len(parts) == 1 or parts[1].startswith("__"):
        return None
    return parts[1]


def upward_imports(paths: list[Path]) -> list[str]:
    broken = []
    for path in paths:
        module = module_name(path)
        mine = room(module)
        if mine is None:
            continue
        for target in imported_modules(path, module):
            theirs = room(target)
            if theirs is None or theirs == mine:
                continue
            if theirs not in ROW or ROW[theirs] <= ROW[mine]:
                broken.append(f"{path.relative_to(PACKAGE)} ({mine}) imports {target} ({theirs})")
    return sorted(set(broken))


def test_every_room_of_the_package_is_placed_in_a_layer() -> None:
    rooms = {p.name if p.is_dir() else p.stem for p in PACKAGE.iterdir()
             if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py" and p.stem != "__init__")}
    assert rooms == set(ROW), f"unplaced: {sorted(rooms - set(ROW))}; gone: {sorted(set(ROW) - rooms)}"


def test_every_room_imports_only_the_rows_below_it() -> None:
    broken = upward_imports(sorted(PACKAGE.rglob("*.py")))
    assert not broken, "\n".join(broken)


def test_the_engine_imports_only_the_law_the_errors_the_clock_and_the_money_format() -> None:
    engine = sorted((PACKAGE / "engine").rglob("*.py"))
    assert len(engine) > 10, "the engine package was not found"
    allowed = {"engine", "law", "errors", "clock", "money", None}
    found = {f"{path.name}: {m}" for path in engine for m in imported_modules(path, module_name(path))
             if room(m) not in allowed}
    assert not found, sorted(found)


def test_the_rule_sees_sideways_upward_relative_and_lazy_imports(tmp_path: Path) -> None:
    folder = tmp_path / "hipaa_xl" / "engine"
    folder.mkdir(parents=True)
    sample = folder / "sample.py"
    sample.write_text("from hipaa_xl.excel import cells\nimport hipaa_xl.workbook.columns\n"
                      "def later():\n    from ..report import memo\n    from . import tiers\n"
                      "    from hipaa_xl.law import loader\n")
    global PACKAGE
    real, PACKAGE = PACKAGE, tmp_path / "hipaa_xl"
    try:
        broken = upward_imports([sample])
    finally:
        PACKAGE = real
    assert broken == [
        "engine/sample.py (engine) imports hipaa_xl.excel (excel)",
        "engine/sample.py (engine) imports hipaa_xl.excel.cells (excel)",
        "engine/sample.py (engine) imports hipaa_xl.report (report)",
        "engine/sample.py (engine) imports hipaa_xl.report.memo (report)",
        "engine/sample.py (engine) imports hipaa_xl.workbook.columns (workbook)",
    ]
    sideways = folder.parent / "report"
    sideways.mkdir()
    (sideways / "x.py").write_text("from hipaa_xl.lite import files\n")
    PACKAGE = tmp_path / "hipaa_xl"
    try:
        assert upward_imports([sideways / "x.py"]) == ["report/x.py (report) imports hipaa_xl.lite (lite)",
                                                       "report/x.py (report) imports hipaa_xl.lite.files (lite)"]
    finally:
        PACKAGE = real


def test_the_development_guide_draws_the_same_layers() -> None:
    text = DEVELOPMENT.read_text(encoding="utf-8")
    block = text.split("## Layers", 1)[1].split("```", 2)[1]
    drawn = tuple(tuple(re.findall(r"[a-z]+", line.split("(")[0])) for line in block.strip().splitlines())
    assert drawn == LAYERS
