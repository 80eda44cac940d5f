"""Plain test helpers (imported as ``from tests.helpers import ...``): where the public worked examples
live, and a fresh interpreter that runs a bundled ``main.py``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from hipaa_xl.engine import Incident

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
"""The public materials beside a checkout (CI has them); tests that need them skip when absent."""
GOLDEN = REPO / "tests" / "golden"
"""The project's own copy of the public worked examples (source: the public golden cases)."""
SHARED_GOLDEN = SHARED / "golden"


def golden_cases() -> list[tuple[str, dict[str, Any]]]:
    """Every case of every tests/golden/*.json file, as (file:id, case)."""
    out = []
    for path in sorted(GOLDEN.glob("*.json")):
        for case in json.loads(path.read_text("utf-8"))["cases"]:
            out.append((f"{path.name}:{case['id']}", case))
    return out


def inc(id: str, **kw: Any) -> Incident:
    """An incident of Acme Health under 164.308(a)(1)(ii)(A) unless ``kw`` says otherwise."""
    base: dict[str, Any] = {"entity": "Acme Health", "requirement": "164.308(a)(1)(ii)(A)"}
    base.update(kw)
    return Incident(id=id, **base)


def run_bundled_main(folder: Path, main_py: str, expression: str) -> list[str]:
    """Print ``expression`` (Python naming ``main``) in a fresh interpreter that sees ``main_py`` in
    ``folder`` and not the working tree: hipaa_xl must come from main.py's own zip, as in xlwings Lite.
    Returns the printed words; the interpreter's error text fails the test."""
    (folder / "main.py").write_text(main_py, encoding="utf-8")
    probe = ("import sys; sys.path = [p for p in sys.path if p.endswith(('site-packages', '.zip', 'dynload'))"
             " or p.rstrip('/').endswith(('python3.11', 'python3.12', 'python3.13')) or p == sys.argv[1]]\n"
             "sys.meta_path = [f for f in sys.meta_path if 'editable' not in repr(f)]\n"
             "import main, hipaa_xl\n"
             "assert '.zip' in hipaa_xl.__file__, hipaa_xl.__file__\n"
             f"print({expression})")
    out = subprocess.run([sys.executable, "-c", probe, str(folder)], capture_output=True, text=True, timeout=120,
                         cwd=folder, env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.split()
