"""The xlwings Lite binding written into a workbook: parts, encoding, idempotence, survival of every write."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from typer.testing import CliRunner

import hipaa_xl
from hipaa_xl.cli import app
from hipaa_xl.cli.common import EXIT_BAD_INPUT
from hipaa_xl.errors import WorkbookError
from hipaa_xl.lite import binding, bundle, files
from hipaa_xl.ooxml.opc import rels_name, sheets
from hipaa_xl.ooxml.package import package_from_bytes
from hipaa_xl.ooxml.webextensions import NS_WE, REL_TASKPANES, TASKPANES_PART, WEBEXTENSION_PART, XLWINGS_LITE_STORE_ID
from hipaa_xl.recalc import recalc_file
from hipaa_xl.workbook.new import new_workbook
from hipaa_xl.workbook.refresh import refresh_file
from hipaa_xl.workbook.sheetxml import PROTECTION
from tests.helpers import run_bundled_main
from tests.workbook_helpers import AS_OF, example_bytes, set_incident_cell

pytestmark = pytest.mark.slow  # workbook round trips: bind, refresh, recalc, read back

ROOT = Path(__file__).resolve().parents[2]
BINDING_PARTS = (TASKPANES_PART, "xl/webextensions/_rels/taskpanes.xml.rels", WEBEXTENSION_PART)


def bound_example() -> bytes:
    pkg = package_from_bytes(example_bytes())
    assert files.bind_package(pkg)
    return pkg.to_bytes()


def _write(tmp_path: Path, data: bytes, name: str = "matter.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _counts(data: bytes) -> dict[str, int]:
    pkg = package_from_bytes(data)
    rels = pkg["_rels/.rels"].decode()
    types = pkg["[Content_Types].xml"].decode()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    return {
        "rel": rels.count(REL_TASKPANES),
        "taskpanes override": types.count(f'PartName="/{TASKPANES_PART}"'),
        "webextension override": types.count(f'PartName="/{WEBEXTENSION_PART}"'),
        **{part: names.count(part) for part in BINDING_PARTS},
    }


def test_repeated_lite_add_leaves_each_part_relationship_and_override_exactly_once(tmp_path: Path) -> None:
    path = _write(tmp_path, example_bytes())
    assert files.add_to_file(path, backup=False) is True
    first = path.read_bytes()
    for _ in range(3):
        assert files.add_to_file(path, backup=False) is False  # already bound to this code: not written
    assert path.read_bytes() == first
    assert set(_counts(first).values()) == {1}
    files.add_to_file(path, pin="0.1.0", backup=False)  # another code: the same binding updated
    files.add_to_file(path, backup=False)
    assert set(_counts(path.read_bytes()).values()) == {1}
    assert path.read_bytes() == first


def test_lite_add_changes_no_other_part_and_only_lifts_our_protection_from_the_sheets_the_script_writes(
        tmp_path: Path) -> None:
    before = package_from_bytes(example_bytes())
    after = package_from_bytes(bound_example())
    changed = {name for name in after if before.get(name) != after[name]}
    written = {s.part for s in sheets(before) if s.name in ("Exposure", "Summary", "Deadlines")}
    assert len(written) == 3
    assert changed == {*BINDING_PARTS, "_rels/.rels", "[Content_Types].xml", *written}
    for part in written:  # xlwings' remote engine cannot unprotect a sheet: only the protection went
        assert before[part].replace(PROTECTION.encode(), b"") == after[part] != before[part]
    # the two shared parts only gained our two elements: the rest of their text is untouched
    for name, tag in (("_rels/.rels", "Relationship"), ("[Content_Types].xml", "Override")):
        old, new = before[name].decode(), after[name].decode()
        added = new[len(old) - len(old.rsplit("<", 1)[1]) - 1:]
        assert new.startswith(old.rsplit("<", 1)[0]) and f"<{tag} " in added


def test_refresh_of_a_bound_workbook_leaves_the_script_sheets_unprotected_and_lite_remove_protects_them(
        tmp_path: Path) -> None:
    path = _write(tmp_path, example_bytes())
    files.add_to_file(path, backup=False)
    refresh_file(path, as_of=AS_OF)

    def protected() -> dict[str, bool]:
        pkg = package_from_bytes(path.read_bytes())
        return {s.name: b"<sheetProtection" in pkg[s.part] for s in sheets(pkg)
                if s.name in ("Exposure", "Summary", "Deadlines", "Incidents")}

    assert protected() == {"Exposure": False, "Summary": False, "Deadlines": False, "Incidents": False}
    files.remove_from_file(path, backup=False)
    assert protected() == {"Exposure": True, "Summary": True, "Deadlines": True, "Incidents": False}
    refresh_file(path, as_of=AS_OF)  # unbound: refresh protects them as always
    assert protected() == {"Exposure": True, "Summary": True, "Deadlines": True, "Incidents": False}


def test_lite_remove_gives_back_the_file_before_lite_add(tmp_path: Path) -> None:
    path = _write(tmp_path, example_bytes())
    files.add_to_file(path, backup=False)
    assert files.remove_from_file(path, backup=False) is True
    assert path.read_bytes() == example_bytes()
    assert files.remove_from_file(path, backup=False) is False


def test_binding_bytes_are_the_same_in_separate_runs(tmp_path: Path) -> None:
    script = ("import sys; from hipaa_xl.workbook.new import new_workbook_bytes; from hipaa_xl.lite.files import "
              "bind_package; from hipaa_xl.ooxml.package import package_from_bytes\n"
              "p = package_from_bytes(new_workbook_bytes(example=True)[0]); bind_package(p)\n"
              "sys.stdout.buffer.write(p.to_bytes())")
    outs = [
        subprocess.run([sys.executable, "-c", script], capture_output=True, check=True, timeout=300, cwd=ROOT,
                       env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}).stdout
        for seed in ("1", "2")
    ]
    assert outs[0] == outs[1] == bound_example()


TRICKY = 'a "quoted" & <tag> path/to\\dir\tTAB\r\nCRLF line\nnaïve 100 € ✓ 𝄞 </we:property> \\/ end'


def test_settings_round_trip_quotes_amp_lt_slash_backslash_tab_crlf_and_non_ascii() -> None:
    pkg = package_from_bytes(example_bytes())
    binding.bind(pkg, TRICKY, TRICKY + "2")
    raw = pkg[WEBEXTENSION_PART]
    root = etree.fromstring(raw)  # well-formed XML
    values = {el.get("name"): el.get("value") for el in root.iter(f"{{{NS_WE}}}property")}
    # Lite's encoding: the JSON text of the string, every "/" as "\/", non-ASCII raw UTF-8
    assert values["main.py"] == json.dumps(TRICKY, ensure_ascii=False).replace("/", "\\/")
    assert "\\/" in values["main.py"] and "naïve 100 € ✓ 𝄞".encode() in raw
    assert b"\r" not in raw and b"\t" not in raw  # JSON escapes them: attribute normalisation cannot touch them
    found = binding.find_binding(package_from_bytes(pkg.to_bytes()))
    assert found is not None
    assert found.properties == {"main.py": TRICKY, "pyodideVersion": binding.PYODIDE_VERSION,
                                "requirements.txt": TRICKY + "2"}


def test_encoding_matches_json_stringify_with_escaped_slashes() -> None:
    assert binding.encode_value('x/y "z"\n') == '"x\\/y \\"z\\"\\n"'
    assert binding.decode_value(binding.encode_value(TRICKY)) == TRICKY
    with pytest.raises(binding.BindingError):
        binding.decode_value("not json")


def test_openpyxl_still_opens_a_bound_workbook() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(bound_example()))
    assert "Incidents" in wb.sheetnames and "Summary" in wb.sheetnames


def _binding_bytes(data: bytes) -> dict[str, bytes]:
    pkg = package_from_bytes(data)
    return {part: pkg[part] for part in BINDING_PARTS}


def test_refresh_and_recalc_keep_the_binding_byte_for_byte(tmp_path: Path) -> None:
    data = set_incident_cell(bound_example(), "F5", "><v>44000</v>")  # a changed Start: refresh rewrites
    path = _write(tmp_path, data)
    report = refresh_file(path, AS_OF, backup=False)
    assert report.changed
    refreshed = path.read_bytes()
    assert _binding_bytes(refreshed) == _binding_bytes(data)
    assert set(_counts(refreshed).values()) == {1}
    recalc_file(path, as_of=AS_OF)
    assert _binding_bytes(path.read_bytes()) == _binding_bytes(data)
    assert files.check_file(path).startswith("matter.xlsx: bound to xlwings Lite")


def test_an_existing_binding_keeps_its_id_and_the_add_ins_own_settings() -> None:
    pkg = package_from_bytes(example_bytes())
    binding.bind(pkg, "old", "old")
    xml = pkg[WEBEXTENSION_PART].decode()
    guid = xml.split('id="', 1)[1].split('"', 1)[0]
    # the add-in saved the workbook: its own Pyodide and build (as in the public Lite-saved workbooks)
    xml = xml.replace(f"&quot;{binding.PYODIDE_VERSION}&quot;", "&quot;0.27.5&quot;")
    own = '<we:property name="addinVersion" value="&quot;1.0.0.0-18&quot;"/>'
    pkg[WEBEXTENSION_PART] = xml.replace("</we:properties>", own + "</we:properties>").encode()
    assert files.bind_package(pkg)
    found = binding.find_binding(pkg)
    assert found is not None and found.properties["pyodideVersion"] == "0.27.5"
    assert found.properties["addinVersion"] == "1.0.0.0-18"
    assert found.properties["main.py"] == bundle.bundled_main_py()
    assert f'id="{guid}"' in pkg[WEBEXTENSION_PART].decode()


def test_lite_add_refuses_a_workbook_that_is_not_hipaa_xl(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(WorkbookError, match="not a hipaa-xl workbook"):
        files.add_to_file(tmp_path / "other.xlsx")


def _edited(data: bytes, part: str, old: str, new: str) -> bytes:
    pkg = package_from_bytes(data)
    text = pkg[part].decode()
    assert old in text
    pkg[part] = text.replace(old, new, 1).encode()
    return pkg.to_bytes()


def _main_py_edited(data: bytes, old: str, new: str) -> bytes:
    pkg = package_from_bytes(data)
    found = binding.find_binding(pkg)
    assert found is not None
    main_py = found.properties["main.py"]
    assert old in main_py
    root = etree.fromstring(pkg[WEBEXTENSION_PART])
    for el in root.iter(f"{{{NS_WE}}}property"):
        if el.get("name") == "main.py":
            el.set("value", binding.encode_value(main_py.replace(old, new, 1)))
    pkg[WEBEXTENSION_PART] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return pkg.to_bytes()


def _sha_swapped(data: bytes) -> bytes:
    pkg = package_from_bytes(data)
    found = binding.find_binding(pkg)
    assert found is not None
    sha = bundle.read_header(found.properties["main.py"]).sha256
    assert sha is not None
    return _main_py_edited(data, f"# bundle sha256: {sha}", "# bundle sha256: " + "0" * 64)


def test_lite_check_passes_a_fresh_binding_and_names_versions(tmp_path: Path) -> None:
    line = files.check_file(_write(tmp_path, bound_example()))
    assert f"hipaa-xl {hipaa_xl.__version__}" in line and "bundle intact" in line


@pytest.mark.parametrize(("label", "damage", "message"), [
    ("unbound", lambda d: example_bytes(), "not bound to xlwings Lite"),
    ("override twice", lambda d: _edited(d, "[Content_Types].xml", "</Types>",
                                         f'<Override PartName="/{WEBEXTENSION_PART}" ContentType="x"/></Types>'),
     "declared 2 times"),
    ("not JSON", lambda d: _edited(d, WEBEXTENSION_PART, 'value="&quot;xlwings', 'value="xlwings'), "not JSON"),
    ("bundle edited", lambda d: _main_py_edited(d, '_BUNDLE = """\n', '_BUNDLE = """\nAAAA'), "damaged"),
    ("checksum edited", lambda d: _main_py_edited(d, "# bundle sha256: ", "# bundle sha256: 0"), "header"),
    ("checksum differs", _sha_swapped, "does not match"),
    ("header gone", lambda d: _main_py_edited(d, "# hipaa-xl ", "# something "), "header"),
    ("older", lambda d: _main_py_edited(d, f"# hipaa-xl {hipaa_xl.__version__} ", "# hipaa-xl 0.0.9 "), "older"),
])
def test_lite_check_fails_with_one_line_on_a_malformed_or_older_binding(
    tmp_path: Path, label: str, damage: object, message: str
) -> None:
    path = _write(tmp_path, damage(bound_example()))  # type: ignore[operator]
    with pytest.raises(WorkbookError, match=message) as info:
        files.check_file(path)
    assert "\n" not in str(info.value), label


def test_a_pinned_binding_names_the_published_version(tmp_path: Path) -> None:
    path = _write(tmp_path, example_bytes())
    files.add_to_file(path, pin=hipaa_xl.__version__, backup=False)
    found = binding.find_binding(package_from_bytes(path.read_bytes()))
    assert found is not None
    assert f"hipaa-xl=={hipaa_xl.__version__}" in found.properties["requirements.txt"]
    assert "_BUNDLE" not in found.properties["main.py"]
    assert "pinned" in files.check_file(path)
    files.add_to_file(path, pin="0.0.1", backup=False)
    with pytest.raises(WorkbookError, match="older"):
        files.check_file(path)


def _protected(path: Path) -> dict[str, bool]:
    pkg = package_from_bytes(path.read_bytes())
    return {s.name: b"<sheetProtection" in pkg[s.part] for s in sheets(pkg)
            if s.name in ("Exposure", "Summary", "Deadlines", "Incidents")}


def test_new_lite_writes_the_example_already_bound_and_a_bad_pin_writes_nothing(tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "matter.xlsx"
    result = runner.invoke(app, ["new", str(path), "--example", "--lite"])
    assert result.exit_code == 0, result.output
    assert "bound to xlwings Lite" in result.output.splitlines()[0]
    assert path.read_bytes() == bound_example()  # the same bytes as binding the example afterwards
    assert "bundle intact" in files.check_file(path)
    assert _protected(path) == {"Exposure": False, "Summary": False, "Deadlines": False, "Incidents": False}
    pinned = tmp_path / "pinned.xlsx"
    assert runner.invoke(app, ["new", str(pinned), "--lite", "--pin", "0.1"]).exit_code == 0
    found = binding.find_binding(package_from_bytes(pinned.read_bytes()))
    assert found is not None
    pins = [line.split("#")[0].strip() for line in found.properties["requirements.txt"].splitlines()]
    assert "hipaa-xl==0.1" in pins
    bad = tmp_path / "bad.xlsx"
    result = runner.invoke(app, ["new", str(bad), "--lite", "--pin", "0.1.0; import os"])
    assert result.exit_code == EXIT_BAD_INPUT and len(result.output.strip().splitlines()) == 1
    assert "--pin must be a version number" in result.output and not bad.exists()


def test_new_workbook_hands_the_package_over_before_its_only_write_and_writes_nothing_when_that_fails(
        tmp_path: Path) -> None:
    path = tmp_path / "matter.xlsx"
    seen: list[bool] = []

    def finish(pkg: object) -> None:
        seen.append(path.exists())
        raise WorkbookError("refused by the finishing step")

    with pytest.raises(WorkbookError, match="refused by the finishing step"):
        new_workbook(path, finish=finish)
    assert seen == [False] and not path.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left either


def test_clear_keeps_a_bound_workbook_bound_with_this_runtime_and_an_unbound_one_unbound(tmp_path: Path) -> None:
    runner = CliRunner()
    bound = _write(tmp_path, example_bytes(), "bound.xlsx")
    files.add_to_file(bound, pin="0.0.1", backup=False)  # an older pinned binding: cleared, it carries ours
    result = runner.invoke(app, ["clear", str(bound), "--no-backup"])
    assert result.exit_code == 0, result.output
    assert "bundle intact" in files.check_file(bound)
    assert _protected(bound) == {"Exposure": False, "Summary": False, "Deadlines": False, "Incidents": False}
    plain = _write(tmp_path, example_bytes(), "plain.xlsx")
    assert runner.invoke(app, ["clear", str(plain), "--no-backup"]).exit_code == 0
    assert binding.find_binding(package_from_bytes(plain.read_bytes())) is None
    assert _protected(plain) == {"Exposure": True, "Summary": True, "Deadlines": True, "Incidents": False}


@pytest.mark.parametrize(("command", "damage", "message"), [
    ("refresh", lambda d: _edited(d, WEBEXTENSION_PART, 'value="&quot;xlwings', 'value="xlwings'),
     "a Lite setting is not JSON text"),
    ("clear", lambda d: _edited(d, WEBEXTENSION_PART, 'name="main.py"', 'name="requirements.txt"'),
     "the setting requirements.txt is there twice"),
    ("refresh", lambda d: _edited(d, "_rels/.rels", "</Relationships>",
                                  f'<Relationship Id="rId99" Type="{REL_TASKPANES}" Target="xl/other.xml"/>'
                                  "</Relationships>"),
     "more than one task-pane relationship"),
])
def test_refresh_and_clear_refuse_a_damaged_binding_in_one_line_and_leave_the_file(
        tmp_path: Path, command: str, damage: object, message: str) -> None:
    path = _write(tmp_path, damage(bound_example()))  # type: ignore[operator]
    before = path.read_bytes()
    result = CliRunner().invoke(app, [command, str(path), "--no-backup"])
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert len(result.output.strip().splitlines()) == 1 and message in result.output
    assert path.read_bytes() == before


def test_the_bundle_is_the_runtime_only_and_the_same_bytes_every_time() -> None:
    modules = bundle.runtime_modules()
    assert {"hipaa_xl.udfs", "hipaa_xl.engine.penalties", "hipaa_xl.law.loader", "hipaa_xl.excel.cells",
            "hipaa_xl.lite.functions", "hipaa_xl.lite.script"} <= set(modules)
    assert not [m for m in modules if m.startswith(("hipaa_xl.cli", "hipaa_xl.recalc", "hipaa_xl.files",
                                                          "hipaa_xl.ooxml.package", "hipaa_xl.ooxml.admission",
                                                          "hipaa_xl.ooxml.editing"))]
    names = [name for name, _ in bundle.bundle_files()]
    for data in ("regulation.json", "statute.json", "pre2009.json", "cfr102.json", "rules.json"):
        assert f"hipaa_xl/law/data/{data}" in names
    assert bundle.bundle_zip() == bundle.bundle_zip()


def test_the_bundled_modules_import_without_openpyxl_lxml_typer_rich_or_docx() -> None:
    """The bundle carries the sheets refresh lays out, never one ``new`` writes with openpyxl."""
    modules = bundle.runtime_modules()
    assert {"hipaa_xl.workbook.sheets.summary", "hipaa_xl.workbook.sheets.scenarios.tables"} <= set(modules)
    assert not [m for m in modules if m in ("hipaa_xl.workbook.template", "hipaa_xl.workbook.sheets.scenarios.sheet")]
    script = ("import importlib, sys\n"
              "for name in ('openpyxl', 'lxml', 'typer', 'rich', 'docx'):\n"
              "    sys.modules[name] = None  # an import of it raises ImportError\n"
              "for module in sys.argv[1:]:\n"
              "    importlib.import_module(module)\n")
    done = subprocess.run([sys.executable, "-c", script, *modules], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_main_py_header_states_versions_and_the_bundle_sha256() -> None:
    main_py = bundle.bundled_main_py()
    header = bundle.read_header(main_py)
    assert header.version == hipaa_xl.__version__
    assert header.sha256 == hashlib.sha256(bundle.bundle_zip()).hexdigest()
    assert bundle.embedded_zip(main_py) == bundle.bundle_zip()
    assert main_py.splitlines()[3] == bundle.GENERATED_LINE
    reqs = bundle.requirements_txt().splitlines()
    names = [re.split(r"[<>=!~ ]", r)[0] for r in reqs]
    assert names == ["xlwings", "python-dotenv", "pyodide-http", "black", "pydantic", "holidays"]
    # Lite's documentation: an upper bound on every line, no exact pin (Lite records its own pins)
    assert all("<" in r.split("#")[0] and "==" not in r for r in reqs), reqs
    assert [r for r in reqs if r.endswith("  # required")] == [f"{x}  # required" for x in bundle.LITE_REQUIRED]


def test_main_py_loads_the_functions_from_its_own_bundle(tmp_path: Path) -> None:
    printed = run_bundled_main(tmp_path, bundle.bundled_main_py(),
                               "main.CMP_MAX('B', 10), main.CMP_MAX('E', 1), main.ERROR_REASON('CMP_MAX', 'E', 1)[:8]")
    assert printed == ["500000", "#VALUE!", "#VALUE!"]


def test_a_package_round_trip_keeps_the_binding(tmp_path: Path) -> None:
    data = bound_example()
    assert package_from_bytes(data).to_bytes() == data


SAVED = ROOT / "tests" / "lite_saved"  # what Lite itself saves, written from public workbooks (SOURCE.md)
# Attributes whose values differ by workbook or by choice: the add-in instance's GUID, the store locale,
# each setting's value, and the pane's visibility (Lite saves the pane as the user left it; ours opens it).
_FREE = {("webextension", "id"), ("reference", "store"), ("property", "value"), ("taskpane", "visibility")}


def _tree(xml: bytes) -> list[tuple[str, list[tuple[str, str]]]]:
    """Elements in document order: (qualified tag, sorted attributes with the free values blanked)."""
    out = []
    for el in etree.fromstring(xml).iter():
        local = etree.QName(el).localname
        attrs = sorted((etree.QName(k).localname, "" if (local, etree.QName(k).localname) in _FREE else v)
                       for k, v in el.attrib.items())
        if local == "reference" and ("store", "") in attrs and el.get("store") == XLWINGS_LITE_STORE_ID:
            attrs = sorted((k, el.get("store") if k == "store" else v) for k, v in attrs)
        out.append((el.tag, attrs))
    return out


def test_the_binding_parts_match_what_lite_saves_element_by_element() -> None:
    pkg = package_from_bytes(bound_example())
    panes = binding.find_binding(pkg)
    assert panes is not None
    real = _tree((SAVED / "webextension1.xml").read_bytes())
    ours = _tree(pkg[panes.webextension_part])
    # the same elements in the same order, but for the one setting only the add-in writes (its build)
    addin_version = next(i for i, (_, a) in enumerate(real) if ("name", "addinVersion") in a)
    assert ours == real[:addin_version] + real[addin_version + 1:]
    assert _tree(pkg[panes.taskpanes_part]) == _tree((SAVED / "taskpanes.xml").read_bytes())
    assert _tree(pkg[rels_name(panes.taskpanes_part)]) == _tree((SAVED / "taskpanes.xml.rels").read_bytes())
    names = [el.get("name") for el in etree.fromstring(pkg[panes.webextension_part]).iter(f"{{{NS_WE}}}property")]
    assert names == ["main.py", "pyodideVersion", "requirements.txt"]  # Lite's order, addinVersion left out


def test_an_older_binding_gains_the_custom_function_flags_on_lite_add() -> None:
    pkg = package_from_bytes(example_bytes())
    files.bind_package(pkg)
    xml = pkg[WEBEXTENSION_PART].decode()
    # as before the flags
    pkg[WEBEXTENSION_PART] = xml.replace(binding.EXT_LIST, "").replace("old-code", "").encode()
    binding.bind(pkg, "other code", "xlwings")
    assert b"<we:containsCustomFunctions/>" in pkg[WEBEXTENSION_PART]
    assert pkg[WEBEXTENSION_PART].count(b"we:extLst") == 2  # opened and closed once
    assert binding.find_binding(pkg) is not None


SETTINGS_LIMIT = 2 * 1024 * 1024
"""Microsoft's documented maximum for an add-in's settings in a document (Office.Settings)."""


def test_main_py_stays_well_under_the_settings_limit_and_keeps_the_functions_docstrings() -> None:
    main_py = bundle.bundled_main_py()
    settings = len(binding.encode_value(main_py).encode()) + len(binding.encode_value(bundle.requirements_txt()).encode())
    assert settings < SETTINGS_LIMIT / 8, settings  # an eighth of the limit at most
    names = dict(bundle.bundle_files())
    assert names["hipaa_xl/udfs.py"] == (ROOT / "hipaa_xl" / "udfs.py").read_bytes()  # Excel shows these docs
    engine = names["hipaa_xl/engine/aggregate.py"].decode()
    assert '"""' not in engine and "\n#" not in engine  # no docstrings or comments in the rest
    assert len(engine) < 0.8 * len((ROOT / "hipaa_xl" / "engine" / "aggregate.py").read_text())
