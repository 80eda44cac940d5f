"""Office add-ins saved in a workbook (Office Open XML web extensions, [MS-OWEXML]), read.

A task-pane add-in is four things in the package: a package relationship to a task-pane part
(``xl/webextensions/taskpanes.xml`` as Office names it), that part pointing at one
``webextensionN.xml`` per pane, each naming its add-in by store id in ``we:reference`` elements with
one ``we:property`` per setting, and content-type overrides for both. A setting's value is the JSON
text of what the add-in stored (Office.js document settings). This module only reads them; what an
add-in's parts mean (xlwings Lite's ``main.py`` and ``requirements.txt``) and how they are written
belong to that add-in's code (the Lite package's ``binding`` module).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from hipaa_xl.errors import WorkbookError
from hipaa_xl.ooxml.opc import read_rels, resolve_target
from hipaa_xl.ooxml.package import Package, parse_xml

REL_TASKPANES = "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes"
REL_WEBEXTENSION = "http://schemas.microsoft.com/office/2011/relationships/webextension"
CT_TASKPANES = "application/vnd.ms-office.webextensiontaskpanes+xml"
CT_WEBEXTENSION = "application/vnd.ms-office.webextension+xml"
NS_WETP = "http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11"
NS_WE = "http://schemas.microsoft.com/office/webextensions/webextension/2010/11"
TASKPANES_PART = "xl/webextensions/taskpanes.xml"
WEBEXTENSION_PART = "xl/webextensions/webextension1.xml"
XLWINGS_LITE_STORE_ID = "WA200008175"
"""xlwings Lite's id in Microsoft's add-in store: how a package names that add-in."""
XLWINGS_LITE_NAME = "Lite"
"""How messages about xlwings Lite's settings name the add-in."""


class WebExtensionError(WorkbookError, ValueError):
    """An add-in's parts that cannot be read (a damaged package); the message is one line for the user."""


@dataclass(frozen=True)
class WebExtension:
    """One add-in's pane as found in a package: its parts and its settings, decoded."""

    taskpanes_part: str
    webextension_part: str
    properties: dict[str, str]


def decode_value(value: str, add_in: str = "web extension") -> str:
    """The string a setting's value holds (JSON text of a string); :class:`WebExtensionError` naming
    ``add_in`` when it is not one."""
    try:
        text = json.loads(value)
    except ValueError as exc:
        raise WebExtensionError(f"a {add_in} setting is not JSON text ({exc})") from None
    if not isinstance(text, str):
        raise WebExtensionError(f"a {add_in} setting is not a JSON string")
    return text


def taskpanes_parts(pkg: Package) -> list[str]:
    """The parts the package's task-pane relationships point at (Office writes at most one)."""
    return [resolve_target("", r.target) for r in read_rels(pkg, "") if r.type == REL_TASKPANES and not r.external]


def find_webextension(pkg: Package, store_id: str, add_in: str = "web extension") -> WebExtension | None:
    """The pane of the add-in with this store id, None when the package has none;
    :class:`WebExtensionError` when the task-pane parts are damaged (checked whatever add-in is asked for)."""
    panes = taskpanes_parts(pkg)
    if len(panes) > 1:
        raise WebExtensionError("the workbook has more than one task-pane relationship")
    if not panes:
        return None
    panes_part = panes[0]
    if panes_part not in pkg:
        raise WebExtensionError(f"the task-pane relationship points at {panes_part}, which is missing")
    wanted = store_id.upper()
    for rel in read_rels(pkg, panes_part):
        part = resolve_target(panes_part, rel.target)
        if rel.type != REL_WEBEXTENSION or part not in pkg:
            continue
        try:
            root = parse_xml(pkg[part], part)
        except Exception as exc:
            raise WebExtensionError(f"{part} is not well-formed XML ({exc})") from None
        ids = {(el.get("id") or "").upper() for el in root.iter(f"{{{NS_WE}}}reference")}
        if wanted not in ids:
            continue
        props: dict[str, str] = {}
        for el in root.iter(f"{{{NS_WE}}}property"):
            name = el.get("name") or ""
            if name in props:
                raise WebExtensionError(f"{part}: the setting {name} is there twice")
            props[name] = decode_value(el.get("value") or "", add_in)
        return WebExtension(panes_part, part, props)
    return None


def find_xlwings_lite(pkg: Package) -> WebExtension | None:
    """xlwings Lite's pane in the package (store id :data:`XLWINGS_LITE_STORE_ID`), None when it has none;
    :class:`WebExtensionError` when the task-pane parts are damaged."""
    return find_webextension(pkg, XLWINGS_LITE_STORE_ID, XLWINGS_LITE_NAME)
