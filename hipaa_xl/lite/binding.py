"""The xlwings Lite binding of a workbook: the Office add-in parts that carry main.py and requirements.txt.

The parts are a task-pane add-in's ([MS-OWEXML]; read by :mod:`hipaa_xl.ooxml.webextensions`): the
package relationship to ``taskpanes.xml``, the pane, and a ``webextension1.xml`` naming xlwings Lite
by its store id with one ``we:property`` per setting. Lite keeps ``main.py`` and ``requirements.txt``
there, each as the JSON text of the string with every "/" written "\\/". These functions give those
settings their meaning and write them, on an ooxml Package; every other part keeps its bytes, and
binding a bound workbook to the same code changes nothing (no part is rewritten).
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid

from lxml import etree

from hipaa_xl.ooxml import webextensions
from hipaa_xl.ooxml.opc import NS_PKG_REL, NS_R, read_rels, rels_name, resolve_target, to_xml, workbook_part
from hipaa_xl.ooxml.package import Package, parse_xml
from hipaa_xl.ooxml.webextensions import (
    CT_TASKPANES,
    CT_WEBEXTENSION,
    NS_WE,
    NS_WETP,
    REL_TASKPANES,
    REL_WEBEXTENSION,
    TASKPANES_PART,
    WEBEXTENSION_PART,
    XLWINGS_LITE_STORE_ID,
    WebExtension,
    WebExtensionError,
)

MAIN_PY = "main.py"
REQUIREMENTS_TXT = "requirements.txt"
PYODIDE_SETTING = "pyodideVersion"
PYODIDE_VERSION = "314.0.7"
"""The Pyodide the embedded code is tested with (scripts/pyodide_smoke.sh): the ``pyodideVersion`` of a
new binding, as Lite records its own in every workbook it saves (``addinVersion``, the add-in's build,
is left for the add-in to write)."""
EXT_LIST = (
    '<we:extLst><a:ext xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'uri="{D87F86FE-615C-45B5-9D79-34F1136793EB}"><we:containsCustomFunctions/></a:ext>'
    '<a:ext xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'uri="{7C84B067-C214-45C3-A712-C9D94CD141B2}"><we:customFunctionIdList/></a:ext></we:extLst>'
)
"""The extension list Lite-saved workbooks carry after ``we:snapshot``: the add-in has custom functions
(four of the six public Lite-saved workbooks read, builds 1.0.0.0-18; see docs/xlwings-lite.md)."""
_GUID_NAMESPACE = uuid.UUID("3f0c8a52-5b7e-4a39-9d0e-6c1d2f4b8a10")


class BindingError(WebExtensionError):
    """A binding that cannot be read or written; the message is one line for the user."""


def encode_value(text: str) -> str:
    """A setting's value as Lite writes it: JSON text of the string, every "/" as "\\/", non-ASCII raw."""
    return json.dumps(text, ensure_ascii=False).replace("/", "\\/")


def decode_value(value: str) -> str:
    """The string a Lite setting's value holds; :class:`BindingError` when it is not JSON text of a string."""
    try:
        return webextensions.decode_value(value, webextensions.XLWINGS_LITE_NAME)
    except WebExtensionError as exc:
        raise BindingError(exc.message) from None


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def webextension_xml(guid: str, properties: dict[str, str]) -> bytes:
    """``webextension1.xml`` naming xlwings Lite, with the given settings (values as text)."""
    props = "".join(f'<we:property name="{_attr(k)}" value="{_attr(encode_value(v))}"/>' for k, v in properties.items())
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<we:webextension xmlns:we="{NS_WE}" id="{guid}">'
        f'<we:reference id="{XLWINGS_LITE_STORE_ID.lower()}" version="1.0.0.0" store="en-US" storeType="OMEX"/>'
        f'<we:alternateReferences><we:reference id="{XLWINGS_LITE_STORE_ID}" version="1.0.0.0" '
        f'store="{XLWINGS_LITE_STORE_ID}" storeType="OMEX"/></we:alternateReferences>'
        f"<we:properties>{props}</we:properties><we:bindings/>"
        f'<we:snapshot xmlns:r="{NS_R}"/>{EXT_LIST}</we:webextension>'
    ).encode()


def taskpanes_xml() -> bytes:
    """``taskpanes.xml``: Lite's pane docked right, opened when the file opens."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<wetp:taskpanes xmlns:wetp="{NS_WETP}"><wetp:taskpane dockstate="right" visibility="1" width="350" '
        f'row="2"><wetp:webextensionref xmlns:r="{NS_R}" r:id="rId1"/></wetp:taskpane></wetp:taskpanes>'
    ).encode()


def _taskpanes_rels() -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{NS_PKG_REL}"><Relationship Id="rId1" Type="{REL_WEBEXTENSION}" '
        'Target="webextension1.xml"/></Relationships>'
    ).encode()


def find_binding(pkg: Package) -> WebExtension | None:
    """The Lite binding of the package, None when it has none; :class:`BindingError` when it is damaged."""
    try:
        return webextensions.find_xlwings_lite(pkg)
    except WebExtensionError as exc:
        raise BindingError(exc.message) from None


def _guid(pkg: Package) -> str:
    digest = hashlib.sha256(pkg.get(workbook_part(pkg), b"")).hexdigest()
    return "{" + str(uuid.uuid5(_GUID_NAMESPACE, digest)).upper() + "}"


def _element(tag: str, attr: str, value: str) -> re.Pattern[str]:
    """An empty element ``<tag .../>`` whose attribute ``attr`` is ``value`` (any attribute order)."""
    return re.compile(rf'<{tag}\b[^>]*\b{attr}="{re.escape(value)}"[^>]*/>')


def _edit_text(pkg: Package, part: str, closing: str, add: list[str], remove: list[re.Pattern[str]]) -> None:
    """Add elements before ``closing`` and remove matching ones, as text: the rest keeps its bytes
    (so that ``lite remove`` gives back the exact part ``lite add`` found)."""
    text = pkg[part].decode("utf-8")
    for pattern in remove:
        text = pattern.sub("", text)
    if add:
        at = text.rfind(closing)
        if at < 0:
            raise BindingError(f"{part} is damaged (no {closing})")
        text = text[:at] + "".join(add) + text[at:]
    pkg[part] = text.encode("utf-8")


def _set_package_rel(pkg: Package, present: bool) -> None:
    name = rels_name("")
    pattern = _element("Relationship", "Type", REL_TASKPANES)
    if not present:
        _edit_text(pkg, name, "</Relationships>", [], [pattern])
        return
    ids = {r.rid for r in read_rels(pkg, "")}
    n = 1
    while f"rId{n}" in ids:
        n += 1
    rel = f'<Relationship Id="rId{n}" Type="{REL_TASKPANES}" Target="{TASKPANES_PART}"/>'
    _edit_text(pkg, name, "</Relationships>", [rel], [pattern])


def _set_overrides(pkg: Package, overrides: dict[str, str | None]) -> None:
    add = [f'<Override PartName="/{part}" ContentType="{ct}"/>' for part, ct in overrides.items() if ct is not None]
    remove = [_element("Override", "PartName", "/" + part) for part in overrides]
    _edit_text(pkg, "[Content_Types].xml", "</Types>", add, remove)


def bind(pkg: Package, main_py: str, requirements: str) -> bool:
    """Bind the package to Lite with this code (or update the code of its binding); True when changed.

    An existing binding keeps its id and every setting the add-in wrote itself (``pyodideVersion``,
    ``addinVersion``, ...); only ``main.py`` and ``requirements.txt`` are set.
    """
    found = find_binding(pkg)
    if found is not None:
        if found.properties.get(MAIN_PY) == main_py and found.properties.get(REQUIREMENTS_TXT) == requirements:
            return False
        root = parse_xml(pkg[found.webextension_part], found.webextension_part)
        guid = root.get("id") or _guid(pkg)
        if pkg[found.webextension_part] == webextension_xml(guid, found.properties):  # written by us
            merged = {**found.properties, MAIN_PY: main_py, REQUIREMENTS_TXT: requirements}
            pkg[found.webextension_part] = webextension_xml(guid, merged)
            return True
        if root.find(f"{{{NS_WE}}}extLst") is None:  # an older binding: add the custom-function flags
            root.append(etree.fromstring(f'<we:extLst xmlns:we="{NS_WE}"' + EXT_LIST[len("<we:extLst"):]))
        props = root.find(f"{{{NS_WE}}}properties")
        if props is None:
            props = etree.SubElement(root, f"{{{NS_WE}}}properties")
            root.insert(min(2, len(root) - 1), props)
        for key, text in ((MAIN_PY, main_py), (REQUIREMENTS_TXT, requirements)):
            el = next((p for p in props if p.get("name") == key), None)
            if el is None:
                el = etree.SubElement(props, f"{{{NS_WE}}}property")
                el.set("name", key)
            el.set("value", encode_value(text))
        pkg[found.webextension_part] = to_xml(root)
        return True
    panes = webextensions.taskpanes_parts(pkg)
    if panes:  # other add-ins are there: ours goes beside them, theirs keep their bytes
        _bind_beside_others(pkg, panes[0], main_py, requirements)
        return True
    for part in (TASKPANES_PART, WEBEXTENSION_PART, rels_name(TASKPANES_PART)):
        if part in pkg:
            raise BindingError(f"{part} is already there without a relationship to it (damaged workbook)")
    pkg[TASKPANES_PART] = taskpanes_xml()
    pkg[rels_name(TASKPANES_PART)] = _taskpanes_rels()
    pkg[WEBEXTENSION_PART] = webextension_xml(
        _guid(pkg), {MAIN_PY: main_py, PYODIDE_SETTING: PYODIDE_VERSION, REQUIREMENTS_TXT: requirements})
    _set_package_rel(pkg, True)
    _set_overrides(pkg, {TASKPANES_PART: CT_TASKPANES, WEBEXTENSION_PART: CT_WEBEXTENSION})
    return True


def _taskpane_xml(rid: str) -> str:
    return (f'<wetp:taskpane dockstate="right" visibility="1" width="350" row="2">'
            f'<wetp:webextensionref xmlns:r="{NS_R}" r:id="{rid}"/></wetp:taskpane>')


def _bind_beside_others(pkg: Package, panes_part: str, main_py: str, requirements: str) -> None:
    """Add Lite's pane to a workbook whose task-pane part already names other add-ins: a new
    ``webextensionN.xml``, one ``wetp:taskpane`` and one relationship more; nothing of theirs changes."""
    if panes_part not in pkg:
        raise BindingError(f"the task-pane relationship points at {panes_part}, which is missing")
    root = parse_xml(pkg[panes_part], panes_part)
    if root.tag != f"{{{NS_WETP}}}taskpanes" or root.prefix != "wetp":
        raise BindingError(f"{panes_part} is not a task-pane part hipaa-xl can add to; add xlwings Lite in Excel")
    folder = panes_part.rsplit("/", 1)[0]
    n = 1
    while f"{folder}/webextension{n}.xml" in pkg:
        n += 1
    part = f"{folder}/webextension{n}.xml"
    rels = rels_name(panes_part)
    if rels not in pkg:
        raise BindingError(f"{rels} is missing (damaged workbook)")
    ids = {r.rid for r in read_rels(pkg, panes_part)}
    k = 1
    while f"rId{k}" in ids:
        k += 1
    rid = f"rId{k}"
    pkg[part] = webextension_xml(_guid(pkg), {MAIN_PY: main_py, PYODIDE_SETTING: PYODIDE_VERSION,
                                               REQUIREMENTS_TXT: requirements})
    _edit_text(pkg, rels, "</Relationships>",
               [f'<Relationship Id="{rid}" Type="{REL_WEBEXTENSION}" Target="webextension{n}.xml"/>'], [])
    _edit_text(pkg, panes_part, "</wetp:taskpanes>", [_taskpane_xml(rid)], [])
    _set_overrides(pkg, {part: CT_WEBEXTENSION})


def _unbind_beside_others(pkg: Package, found: WebExtension) -> None:
    """Take Lite's pane out of a task-pane part that also names other add-ins (theirs stay as they are)."""
    ours = [r for r in read_rels(pkg, found.taskpanes_part)
            if resolve_target(found.taskpanes_part, r.target) == found.webextension_part]
    for rel in ours:
        pane = re.compile(rf'<wetp:taskpane\b[^>]*>\s*<wetp:webextensionref\b[^>]*\br:id="{re.escape(rel.rid)}"'
                          r"[^>]*/>\s*</wetp:taskpane>")
        _edit_text(pkg, found.taskpanes_part, "</wetp:taskpanes>", [], [pane])
        _edit_text(pkg, rels_name(found.taskpanes_part), "</Relationships>", [],
                   [_element("Relationship", "Id", rel.rid)])
    for part in (found.webextension_part, rels_name(found.webextension_part)):
        pkg.pop(part, None)
    _set_overrides(pkg, {found.webextension_part: None})


def unbind(pkg: Package) -> bool:
    """Remove the Lite binding (its parts, relationship and overrides); True when there was one."""
    found = find_binding(pkg)
    if found is None:
        return False
    others = [r for r in read_rels(pkg, found.taskpanes_part)
              if resolve_target(found.taskpanes_part, r.target) != found.webextension_part]
    if others:
        _unbind_beside_others(pkg, found)
        return True
    for part in (found.webextension_part, rels_name(found.webextension_part), found.taskpanes_part,
                 rels_name(found.taskpanes_part)):
        pkg.pop(part, None)
    _set_package_rel(pkg, False)
    _set_overrides(pkg, {found.taskpanes_part: None, found.webextension_part: None})
    return True
