"""``hipaa-xl lite add|remove|show|check`` on a workbook file, ``new --lite``, and ``clear`` of a bound one.

``new --lite`` and ``clear`` are the workbook package's (:mod:`hipaa_xl.workbook.new`,
:mod:`hipaa_xl.workbook.firm_parts`) with the binding added here, before their one atomic write: the
workbook layer knows nothing of Lite. Each write goes through the same package writer as ``hipaa-xl
refresh`` (ooxml.package: every other part keeps its bytes and zip entry, written atomically with a
``.bak``); a workbook already bound to the same code is not written at all, so the commands are
idempotent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

import hipaa_xl
from hipaa_xl.errors import WorkbookError
from hipaa_xl.files import write_file_atomic
from hipaa_xl.lite import binding, bundle
from hipaa_xl.lite.protection import protect_written, unprotect_written
from hipaa_xl.ooxml.admission import read_checked_bytes
from hipaa_xl.ooxml.editing import editing
from hipaa_xl.ooxml.opc import read_rels, rels_name
from hipaa_xl.ooxml.package import Package, package_from_bytes
from hipaa_xl.ooxml.webextensions import REL_TASKPANES, XLWINGS_LITE_STORE_ID, WebExtension

if TYPE_CHECKING:
    from hipaa_xl.workbook.plan import RefreshReport


class LiteOutOfDate(WorkbookError):
    """The workbook's embedded code is older than, or differs from, the installed hipaa-xl."""


def check_pin(pin: str) -> str:
    """``--pin``: a published version number as PEP 440 writes it (``0.1.0``, ``1.2rc1``), normalised;
    anything else (text, options, line breaks: what would become code or a pip option) is refused."""
    from packaging.version import InvalidVersion, Version

    try:
        version = Version(pin)
    except InvalidVersion:
        shown = pin if pin and pin.isprintable() and len(pin) <= 40 else repr(pin[:40])
        raise WorkbookError(f"--pin must be a version number such as {hipaa_xl.__version__} (got {shown}); "
                                "nothing was written") from None
    return str(version)


def lite_code(pin: str | None = None) -> tuple[str, str]:
    """(main.py, requirements.txt) for a new binding: the bundled runtime, or a pinned published version."""
    if pin is None:
        return bundle.bundled_main_py(), bundle.requirements_txt()
    pin = check_pin(pin)
    return bundle.pinned_main_py(pin), bundle.requirements_txt(pin)


def bind_package(pkg: Package, pin: str | None = None) -> bool:
    """Bind ``pkg`` to xlwings Lite with this hipaa-xl's code, the sheets the script writes unprotected
    (:mod:`hipaa_xl.lite.protection`); True when something changed."""
    main_py, requirements = lite_code(pin)
    changed = binding.bind(pkg, main_py, requirements)
    return bool(unprotect_written(pkg)) or changed


def new_bound_workbook(path: Path, as_of: dt.date | None = None, example: bool = False, force: bool = False,
                       pin: str | None = None) -> RefreshReport:
    """``hipaa-xl new PATH --lite [--pin V]``: the fresh template (or the example) of
    :func:`hipaa_xl.workbook.new.new_workbook`, bound to xlwings Lite before its one atomic write (the
    file is never on disk unbound); a bad ``pin`` writes nothing."""
    from hipaa_xl.workbook.new import new_workbook

    return new_workbook(path, as_of, example, force, finish=lambda pkg: bind_package(pkg, pin))


def keep_binding(old: Package, new: Package) -> None:
    """``hipaa-xl clear`` of a bound workbook: the cleared package ``new`` is bound again, with this
    hipaa-xl's runtime, when ``old`` was bound (:class:`BindingError` when its binding is damaged)."""
    if binding.find_binding(old) is not None:
        bind_package(new)


def _load(path: Path, for_writing: bool) -> Package:
    return package_from_bytes(read_checked_bytes(path, for_writing=for_writing))


def _is_hipaa_workbook(pkg: Package) -> bool:
    from hipaa_xl.ooxml.opc import sheets
    from hipaa_xl.workbook import columns

    return columns.INCIDENTS_SHEET in {s.name for s in sheets(pkg)}


def add_to_file(path: Path, pin: str | None = None, backup: bool = True) -> bool:
    """``lite add``: bind (or update) the workbook at ``path``; False when it already had this code."""
    if pin is not None:
        check_pin(pin)  # before the file is opened: a bad pin writes nothing
    with editing(path) as edit:  # locked; a save made meanwhile is kept (ours is written beside it)
        pkg = package_from_bytes(edit.data)
        if not _is_hipaa_workbook(pkg):
            raise WorkbookError(f"{path.name}: not a hipaa-xl workbook (no Incidents sheet)")
        try:
            changed = bind_package(pkg, pin)
        except binding.BindingError as exc:
            raise WorkbookError(f"{path.name}: {exc}") from None
        if changed:
            edit.write(pkg, backup=backup, label="lite")
    return changed


def remove_from_file(path: Path, backup: bool = True) -> bool:
    """``lite remove``: unbind the workbook at ``path``; False when it was not bound."""
    with editing(path) as edit:
        pkg = package_from_bytes(edit.data)
        try:
            changed = binding.unbind(pkg)
            if changed:
                protect_written(pkg)
        except binding.BindingError as exc:
            raise WorkbookError(f"{path.name}: {exc}") from None
        if changed:
            edit.write(pkg, backup=backup, label="unbound")
    return changed


@dataclass
class Embedded:
    """What a bound workbook carries, for ``show`` and ``check``."""

    binding: WebExtension
    main_py: str
    requirements: str
    header: bundle.Header
    modules: list[str]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_embedded(pkg: Package) -> Embedded:
    """The binding and its code; :class:`BindingError` / :class:`BundleError` when malformed or absent."""
    found = binding.find_binding(pkg)
    if found is None:
        raise binding.BindingError("not bound to xlwings Lite (run `hipaa-xl lite add`)")
    rels = [r for r in read_rels(pkg, "") if r.type == REL_TASKPANES]
    if len(rels) != 1:
        raise binding.BindingError(f"{len(rels)} task-pane relationships (expected exactly one)")
    types = pkg["[Content_Types].xml"].decode("utf-8")
    for part in (found.taskpanes_part, found.webextension_part):
        count = types.count(f'PartName="/{part}"')
        if count != 1:
            raise binding.BindingError(f"the content type of {part} is declared {count} times (expected once)")
    if rels_name(found.taskpanes_part) not in pkg:
        raise binding.BindingError(f"{found.taskpanes_part} has no relationships part")
    main_py = found.properties.get(binding.MAIN_PY)
    requirements = found.properties.get(binding.REQUIREMENTS_TXT)
    if main_py is None:
        raise binding.BindingError("the binding holds no main.py")
    header = bundle.read_header(main_py)
    modules: list[str] = []
    if header.sha256 is not None:
        try:
            with zipfile.ZipFile(BytesIO(bundle.embedded_zip(main_py))) as archive:
                modules = archive.namelist()
        except zipfile.BadZipFile as exc:
            raise bundle.BundleError(f"main.py: the bundle is not a zip file ({exc})") from None
        if "hipaa_xl/lite/functions.py" not in modules:
            raise bundle.BundleError("main.py: the bundle lacks hipaa_xl/lite/functions.py")
    return Embedded(found, main_py, requirements or "", header, modules)


def _version(text: str) -> tuple[int, ...]:
    out = []
    for piece in text.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        out.append(int(digits) if digits else 0)
    return tuple(out)


def show_lines(path: Path) -> list[str]:
    """``lite show``: what the workbook carries, for an audit."""
    pkg = _load(path, for_writing=False)
    try:
        emb = read_embedded(pkg)
    except (binding.BindingError, bundle.BundleError) as exc:
        raise WorkbookError(f"{path.name}: {exc}") from None
    h = emb.header
    lines = [
        f"{path.name}: bound to xlwings Lite (add-in {XLWINGS_LITE_STORE_ID}) in {emb.binding.webextension_part}",
        f"hipaa-xl {h.version}; law data {h.law_data}; "
        + (f"bundle sha256 {h.sha256} ({len(emb.modules)} files)" if h.sha256 else "no bundle: pinned package"),
        f"main.py: {len(emb.main_py):,} characters, sha256 {_sha(emb.main_py)}",
        f"requirements.txt: {len(emb.requirements):,} characters, sha256 {_sha(emb.requirements)}",
    ]
    lines += [f"  {line}" for line in emb.requirements.splitlines() if line.strip()]
    own = (binding.MAIN_PY, binding.REQUIREMENTS_TXT)
    lines += [f"setting {k}: {v[:60]}" for k, v in emb.binding.properties.items() if k not in own]
    return lines


def extract(path: Path, folder: Path) -> list[Path]:
    """Write the embedded main.py and requirements.txt into ``folder`` (for a review or a test)."""
    pkg = _load(path, for_writing=False)
    try:
        emb = read_embedded(pkg)
    except (binding.BindingError, bundle.BundleError) as exc:
        raise WorkbookError(f"{path.name}: {exc}") from None
    if not folder.is_dir():
        raise WorkbookError(f"{folder}: no such folder")
    targets = [(folder / name, text) for name, text in ((binding.MAIN_PY, emb.main_py), (binding.REQUIREMENTS_TXT,
                                                                                      emb.requirements))]
    for target, _text in targets:  # never write through a link someone put in the folder
        if target.is_symlink() or (target.exists() and not target.is_file()):
            raise WorkbookError(f"{target}: is a link or not a file; remove it or extract into another folder "
                                    "(nothing was written)")
    out = []
    for target, text in targets:
        write_file_atomic(target, text.encode("utf-8"), backup=False)
        out.append(target)
    return out


def differences(name: str, found: str, expected: str) -> str | None:
    """Where ``found`` (a file the workbook carries) differs from what this hipaa-xl writes: the first
    differing line and how many lines each has, or None when they are the same."""
    if found == expected:
        return None
    a, b = found.splitlines(), expected.splitlines()
    first = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    if first >= len(b):
        what = f"{len(a) - len(b)} line(s) added after the end"
    elif first >= len(a):
        what = f"{len(b) - len(a)} line(s) missing at the end"
    else:
        shown = a[first].strip()
        what = f"line {first + 1} differs ({shown[:50]!r}{'...' if len(shown) > 50 else ''})"
    return f"{name} is not what this hipaa-xl writes: {what}; {len(a)} line(s), expected {len(b)}"


def check_file(path: Path) -> str:
    """``lite check``: one line when all is well; :class:`WorkbookError` (one line) when the binding or the
    embedded code is malformed, or older than (or different from) the installed hipaa-xl."""
    pkg = _load(path, for_writing=False)
    try:
        emb = read_embedded(pkg)
    except (binding.BindingError, bundle.BundleError) as exc:
        raise WorkbookError(f"{path.name}: {exc}") from None
    installed = hipaa_xl.__version__
    h = emb.header
    if h.sha256 is None:
        pins = [line.split("#")[0].strip() for line in emb.requirements.splitlines()
                if line.replace(" ", "").startswith("hipaa-xl==")]
        if len(pins) != 1:
            raise WorkbookError(f"{path.name}: main.py pins hipaa-xl but requirements.txt does not name one version")
        version = pins[0].split("==", 1)[1].strip()
        if _version(version) < _version(installed):
            raise LiteOutOfDate(f"{path.name}: pins hipaa-xl {version}, older than the installed {installed}")
        try:
            expected = (bundle.pinned_main_py(check_pin(version)), bundle.requirements_txt(check_pin(version)))
        except WorkbookError:
            raise WorkbookError(f"{path.name}: requirements.txt pins hipaa-xl to {version!r}, not a version") \
                from None
        _compare(path, emb, expected)
        return f"{path.name}: bound to xlwings Lite, pinned to the published hipaa-xl {version}; files as written"
    if _version(h.version) < _version(installed):
        raise LiteOutOfDate(f"{path.name}: carries hipaa-xl {h.version}, older than the installed {installed} "
                                "(run `hipaa-xl lite add`)")
    if h.version != installed:  # never vouch for code this hipaa-xl did not write
        raise LiteOutOfDate(f"{path.name}: carries code that claims hipaa-xl {h.version}, which the installed "
                            f"{installed} cannot verify (run `hipaa-xl lite add`, or check with that version)")
    _compare(path, emb, (bundle.bundled_main_py(), bundle.requirements_txt()))
    return (f"{path.name}: bound to xlwings Lite with hipaa-xl {h.version}, law data {h.law_data}; main.py and "
            "requirements.txt exactly as this hipaa-xl writes them, bundle intact")


def _compare(path: Path, emb: Embedded, expected: tuple[str, str]) -> None:
    """Refuse (exit 3) a main.py or requirements.txt that differs in any byte from what this hipaa-xl writes."""
    for name, found, want in ((binding.MAIN_PY, emb.main_py, expected[0]), (binding.REQUIREMENTS_TXT, emb.requirements,
                                                                      expected[1])):
        why = differences(name, found, want)
        if why is not None:
            raise LiteOutOfDate(f"{path.name}: {why} (run `hipaa-xl lite add` to write it again)")
