"""The public contract, pinned as httpx pins its exports: a rename or a new required argument fails here.

Users type these names into Excel (the functions and their arguments), into xlwings' "UDF Modules"
(``hipaa_xl.udfs``), into their scripts (the commands and their exit codes) and into workbooks (the
schedule names). Changing any of them is a breaking change: update this file, the docs that list them
(README, docs/functions.md, docs/cli.md) and the version together.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import re
import tomllib
from pathlib import Path

import pytest

import hipaa_xl
from hipaa_xl import udfs
from hipaa_xl.cli import app, common
from hipaa_xl.law.schedules import schedule_names

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
FUNCTIONS_DOC = (ROOT / "docs" / "functions.md").read_text(encoding="utf-8")
CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")

# name -> its arguments as docs/functions.md writes them ([x] = optional)
FUNCTIONS = {
    "AG_DAMAGES": "violations, [per_violation], [federal_action_pending], [violation_date]",
    "ANNUAL_CAP": "tier, [violation_date], [schedule], [as_of]",
    "CMP_EXPLAIN": "tier, violations, [violation_date], [schedule], [as_of]",
    "CMP_EXPLAIN_ROWS": "tier, violations, [violation_date], [schedule], [as_of]",
    "CMP_MAX": "tier, violations, [violation_date], [schedule], [as_of]",
    "CMP_MIN": "tier, violations, [violation_date], [schedule], [as_of]",
    "CMP_TIER": "culpability, [known_date], [corrected_date], [cure_period_ends]",
    "CRIMINAL_FINE": "offense",
    "CRIMINAL_YEARS": "offense",
    "CURED": "tier, [known_date], [corrected_date], [cure_period_ends]",
    "DEADLINE": "rule, event_date, [option], [reading]",
    "DEADLINE_EXPLAIN": "rule, event_date, [option]",
    "DEADLINE_RULES": "",
    "OCR_OUTCOMES": "section, [statistic], [since], [entity_type]",
    "OCR_OUTCOMES_LIST": "section, [since], [entity_type]",
    "SCHEDULE_SOURCE": "[schedule], [as_of]",
    "TIME_BARRED": "violation_date, [as_of], [commenced]",
    "VIOLATION_DAYS": "start_date, end_date, [year], [as_of], [commenced]",
}
FIXED_SCHEDULES = ("regulation", "statute", "current", "current-tiered")
COMMANDS = ("explain", "schedules", "criminal", "new", "clear", "refresh", "recalc", "report", "share", "demo",
            "deadline", "deadlines", "scenarios", "outcomes")
LITE_COMMANDS = ("add", "remove", "show", "check")
EXIT_CODES = {"EXIT_OK": 0, "EXIT_PROBLEMS": 1, "EXIT_BAD_INPUT": 2, "EXIT_STALE": 3, "EXIT_INTERNAL": 4,
              "EXIT_INTERRUPTED": 130}


def _written(func: object) -> str:
    """A function's parameters in the notation of docs/functions.md: optional ones (default None) in brackets."""
    params = inspect.signature(func).parameters.values()  # type: ignore[arg-type]
    for p in params:
        assert p.kind is p.POSITIONAL_OR_KEYWORD, p  # Excel passes arguments by position only
        assert p.default in (p.empty, None), p
    return ", ".join(p.name if p.default is p.empty else f"[{p.name}]" for p in params)


def test_udfs_exports_exactly_the_excel_functions_in_sorted_order() -> None:
    assert udfs.__all__ == sorted(FUNCTIONS)
    public = {n for n, v in vars(udfs).items() if n.isupper() and callable(v) and not n.startswith("_")}
    assert public == set(FUNCTIONS)


def test_every_function_takes_the_arguments_pinned_here() -> None:
    for name, args in FUNCTIONS.items():
        assert _written(getattr(udfs, name)) == args, name


def test_the_readme_lists_every_function_with_its_real_arguments() -> None:
    listed = dict(re.findall(r"`([A-Z_]+)\(([^`]*)\)`", FUNCTIONS_DOC.split("## The functions")[1].split("\n## ")[0]))
    for name, args in FUNCTIONS.items():
        assert listed.get(name) == args, (name, listed.get(name))


def test_schedule_names_are_the_four_readings_then_one_per_102_3_table() -> None:
    names = schedule_names()
    assert names[:4] == FIXED_SCHEDULES
    years = [int(n.removeprefix("cfr102-")) for n in names[4:]]
    assert all(re.fullmatch(r"cfr102-\d{4}", n) for n in names[4:])
    # one per yearly table, from the first adjustment under the 2015 Act (2016) on, without a gap
    assert years == list(range(2016, 2016 + len(years))) and len(years) >= 10


def test_the_cli_commands_are_pinned() -> None:
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    assert tuple(names) == COMMANDS
    for name in COMMANDS:
        assert f"`hipaa-xl {name}" in CLI_DOC, name


def test_the_lite_command_group_is_pinned() -> None:
    (group,) = app.registered_groups
    assert group.name == "lite" and group.typer_instance is not None
    names = [c.name for c in group.typer_instance.registered_commands]
    assert tuple(names) == LITE_COMMANDS
    for name in LITE_COMMANDS:
        assert f"lite {name} BOOK" in CLI_DOC, name


def test_the_exit_codes_are_one_table_shared_by_every_command_and_the_readme() -> None:
    assert {n: getattr(common, n) for n in EXIT_CODES} == EXIT_CODES
    assert set(common.EXIT_CODES) == set(EXIT_CODES.values())
    table = README.split("| exit | meaning |")[1].split("\n\n")[0]
    assert [int(c) for c in re.findall(r"^\| (\d+) \|", table, re.M)] == sorted(EXIT_CODES.values())


def test_the_version_is_stated_once_and_the_installed_metadata_agrees() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", hipaa_xl.__version__)
    assert importlib.metadata.version("hipaa-xl") == hipaa_xl.__version__


@pytest.mark.parametrize(
    ("module", "names"),
    [
        ("hipaa_xl.engine", [
            "Aggregation", "CULPABILITY_CHOICES", "CmpResult", "ExposureRow", "GroupTotal", "Incident",
            "InvalidIncident", "ag_damages", "aggregate", "annual_cap", "cmp_range", "count_days",
            "criminal_explanation", "criminal_offense", "days_in_year", "derive_tier", "explain_cmp", "is_cured",
            "is_time_barred", "parse_tier", "split_by_year",
        ]),
        ("hipaa_xl.law", [
            "Amounts", "DEFAULT_SCHEDULE", "Regime", "Schedule", "law_data_version", "load_rules", "resolve_amounts",
            "schedule_names", "schedules",
        ]),
        ("hipaa_xl.recalc", [
            "AS_OF_NAME", "CellDifference", "CellProblem", "ErrorCell", "RecalcReport",
            "recalc_file", "recalc_package",
        ]),
        ("hipaa_xl.workbook", [
            "RefreshReport", "build_refreshed", "new_workbook", "new_workbook_bytes", "refresh_book",
            "refresh_file",
        ]),
    ],
)
def test_each_layer_exports_exactly_its_pinned_names(module: str, names: list[str]) -> None:
    # as httpx pins its exports: a rename or a new export is a decision, made here
    imported = importlib.import_module(module)
    assert sorted(imported.__all__) == names
    assert all(hasattr(imported, name) for name in names)


def test_a_workbook_that_cannot_be_used_has_one_error_class_lite_included() -> None:
    # one name for one thing: no alias of WorkbookError, and Lite's binding and bundle errors are kinds of it
    from hipaa_xl.errors import WorkbookError
    from hipaa_xl.lite.binding import BindingError
    from hipaa_xl.lite.bundle import BundleError

    assert issubclass(BindingError, WorkbookError) and issubclass(BundleError, WorkbookError)
    for module, alias in (("hipaa_xl.files", "WorkbookFileError"), ("hipaa_xl.workbook.inputs", "LayoutError"),
                          ("hipaa_xl.workbook.plan", "RefreshError"), ("hipaa_xl.recalc", "WorkbookFileError")):
        assert not hasattr(importlib.import_module(module), alias), (module, alias)
