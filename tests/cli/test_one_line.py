"""Every error of every command is one line on stderr with a non-zero exit.

Usage errors included: typer prints a 5-6 line box for a missing argument, an unknown option, an
extra argument or a value of the wrong type; hipaa-xl prints ``error: <what> (see '... --help')``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from hipaa_xl.cli import app
from hipaa_xl.cli.common import EXIT_BAD_INPUT

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

REPO = Path(__file__).resolve().parents[2]
COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]


def _one_error_line(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, args)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in result.output
    return result.exit_code, lines[0]


def test_every_command_is_checked() -> None:
    assert {"demo", "explain", "new", "recalc", "refresh", "schedules", "criminal"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_option_is_one_line_with_exit_2(command: str) -> None:
    code, line = _one_error_line([command, "--no-such-option"])
    assert code == EXIT_BAD_INPUT
    assert "--no-such-option" in line and f"hipaa-xl {command} --help" in line


@pytest.mark.parametrize(("args", "says"), [
    (["refresh"], "Missing argument"),
    (["recalc"], "Missing argument"),
    (["new"], "Missing argument"),
    (["refresh", "a.xlsx", "b.xlsx"], "unexpected extra argument"),
    (["explain", "--tier", "B", "--violations", "1e400"], "Invalid value for '--violations'"),
    (["nosuch"], "No such command"),
])
def test_usage_errors_are_one_line(args: list[str], says: str) -> None:
    code, line = _one_error_line(args)
    assert code == EXIT_BAD_INPUT and says in line


@pytest.mark.parametrize("command", ["refresh", "recalc"])
def test_file_errors_are_one_line(tmp_path: Path, command: str) -> None:
    for name, data in (("missing.xlsx", None), ("plain.xlsx", b"not a zip"), ("notes.txt", b"hi")):
        path = tmp_path / name
        if data is not None:
            path.write_bytes(data)
        code, line = _one_error_line([command, str(path)])
        assert code == EXIT_BAD_INPUT and name in line


def test_a_dtd_in_a_sheet_is_one_line(tmp_path: Path) -> None:
    from hipaa_xl.ooxml.package import package_from_bytes
    from tests.workbook_helpers import example_bytes, part_of

    pkg = package_from_bytes(example_bytes())
    part = part_of(pkg, "Incidents")
    pkg[part] = pkg[part].replace(b"<worksheet", b'<!DOCTYPE x [<!ENTITY e "e">]><worksheet', 1)
    (tmp_path / "dtd.xlsx").write_bytes(pkg.to_bytes())
    for command in ("refresh", "recalc"):
        code, line = _one_error_line([command, str(tmp_path / "dtd.xlsx")])
        assert code == EXIT_BAD_INPUT and "DTD" in line


def test_the_console_script_prints_usage_errors_on_one_line() -> None:
    script = Path(sys.executable).with_name("hipaa-xl")
    if not script.exists():
        pytest.skip("the hipaa-xl console script is not installed beside this Python")
    done = subprocess.run([str(script), "refresh"], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120)
    assert done.returncode == EXIT_BAD_INPUT
    assert done.stderr.splitlines() == ["error: Missing argument 'path'. (see 'hipaa-xl refresh --help')"]


def test_ctrl_c_in_any_command_is_one_line_and_exit_130(monkeypatch: pytest.MonkeyPatch) -> None:
    import hipaa_xl.cli.engine as engine_cli

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(engine_cli, "load_series", interrupted)  # Ctrl-C while the table is built
    result = CliRunner().invoke(app, ["schedules"])
    assert result.exit_code == 130
    assert result.stderr.splitlines() == ["error: interrupted; no file was changed"]
