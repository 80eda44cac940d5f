"""CMP_EXPLAIN for a cell: a short sentence (at most 255 characters) and the full reasoning as rows.

The engine's explanation (:func:`hipaa_xl.engine.penalties.explain_cmp`) cites every figure and can
run to 900 characters, more than desktop Excel shows from a function (xlwings issue 456). A cell gets
the short form: tier, count, resulting range, per-violation amounts, cap and the table used; the rows
form (CMP_EXPLAIN_ROWS) spills one short row per figure: rule, amount, citation (45 CFR 160.404(b)).
"""

from __future__ import annotations

from hipaa_xl.engine.penalties import MINIMUM_LABEL, CmpResult, minimum_note
from hipaa_xl.excel.cells import MAX_CELL_TEXT, fit_cell
from hipaa_xl.law.loader import load_rules
from hipaa_xl.money import dollars

ROWS_HEADER = ("Rule", "Amount", "Citation")
Row = tuple[str, int | str, str]


def short_explanation(result: CmpResult) -> str:
    """One sentence of at most 255 characters; CMP_EXPLAIN_ROWS gives each figure's citation."""
    a = result.amounts
    head = f"Tier {result.tier}, {result.violations:,} violation(s)"
    why = ""
    if a.no_penalty:
        core = f"{head}: no penalty (did not know, violation before 2009-02-18; {a.maximum_citation.split(':')[0]})"
    else:
        per = (f"{dollars(a.minimum)} to {dollars(a.maximum)} a violation" if a.maximum is not None
               else f"{dollars(a.minimum)} a violation, no per-violation maximum")
        cap = dollars(a.cap) + (" (an ESTIMATE)" if a.cap_is_estimate else "")
        core = (f"{head}: {MINIMUM_LABEL} {dollars(result.minimum)}, maximum {dollars(result.maximum)} "
                f"({per}; cap {cap})")
        rules = load_rules()
        binds = rules.waiver if result.tier in ("A", "B") else rules.willful_neglect_penalty_required
        why = f" Minimum: {binds.citation}."
    tail = " Rows: CMP_EXPLAIN_ROWS."
    if result.warnings:
        tail = f" {len(result.warnings)} warning(s): CMP_EXPLAIN_ROWS."
    table = f" Table: {a.source}."
    for text in (core + "." + why + table + tail, core + "." + why + tail, core + "." + tail, core + "."):
        if len(text) <= MAX_CELL_TEXT:
            return text
    return fit_cell(core)


def explanation_rows(result: CmpResult) -> list[Row]:
    """The explanation as rows (rule, amount, citation), header first; every cell at most 255 characters."""
    a = result.amounts
    rows: list[Row] = [ROWS_HEADER]
    rows.append(("Tier", str(result.tier), ""))
    rows.append(("Violations (one identical requirement, one calendar year)", result.violations, ""))
    if a.no_penalty:
        rows.append(("No penalty, so no calendar-year cap applies: did not know, violation before 2009-02-18", 0,
                     a.maximum_citation))
    else:
        rows.append((f"Per-violation {MINIMUM_LABEL}", a.minimum, a.minimum_citation))
        if a.maximum is None:
            rows.append(("Per-violation maximum: none, the cap is the ceiling", "", a.maximum_citation))
        else:
            rows.append(("Per-violation maximum", a.maximum, a.maximum_citation))
        cap_rule = "Calendar-year cap" + (" (an ESTIMATE: no published table)" if a.cap_is_estimate else "")
        rows.append((cap_rule, a.cap, a.cap_citation))
        rows.append((f"{MINIMUM_LABEL[0].upper()}{MINIMUM_LABEL[1:]} = min(violations x per-violation minimum, cap)",
                     result.minimum, a.minimum_citation))
        rows.append(("Maximum = min(violations x per-violation maximum, cap)", result.maximum,
                     a.maximum_citation if a.maximum is not None else a.cap_citation))
        rows.append(("The minimum binds only if a CMP is imposed", "", minimum_note(result.tier)))
    rows.append((f"Table used (schedule {a.schedule})", "", a.source))
    rows.append(("Why this table", "", a.why))
    rows.extend(("Reading", "", r[:1].upper() + r[1:]) for r in a.readings)
    rows.extend(("Warning", "", w) for w in result.warnings)
    out: list[Row] = []
    for rule, amount, cite in rows:
        pieces = _pieces(cite)
        out.append((fit_cell(rule), amount, pieces[0]))
        out.extend(("(continued)", "", more) for more in pieces[1:])
    return out


def _pieces(text: str) -> list[str]:
    """A long citation split at spaces into cells of at most 255 characters (nothing cut off)."""
    pieces: list[str] = []
    while len(text) > MAX_CELL_TEXT:
        cut = text.rfind(" ", 0, MAX_CELL_TEXT + 1)
        if cut <= 0:
            cut = MAX_CELL_TEXT
        pieces.append(text[:cut])
        text = text[cut:].lstrip(" ")
    pieces.append(text)
    return pieces
