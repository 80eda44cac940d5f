"""Merge the gathered outcome files into hipaa_xl/law/data/outcomes.json, validated and sorted.

    .venv/bin/python scripts/merge-outcomes.py SCRATCH.json [SCRATCH.json ...] [--announced N] [--compiled DATE]

Each input is {"outcomes": [...], "unsourced": [...], "notes": [...]} (the record format is in
docs/outcomes.md). A record found in two inputs must be the same in both. The header states the
compiled date, the coverage (how many outcomes, of how many HHS announced by our reading, which could
not be sourced) and the notes. Nothing is written when a record breaks a rule: the error is one line.
The committed workbooks carry the data (the Outcomes sheet, the Summary block): regenerate them after,
`hipaa-xl new workbooks/hipaa_exposure_template.xlsx --as-of 2026-03-31 --force` and
`hipaa-xl new workbooks/example_exposure.xlsx --example --force`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from hipaa_xl.law.outcomes import OutcomesDataError, parse_outcomes

DATA = Path(__file__).resolve().parent.parent / "hipaa_xl" / "law" / "data" / "outcomes.json"
TITLE = ("Published OCR outcomes: HHS resolution agreements and civil money penalties under HIPAA, "
         "as announced, with their sources")


def merge(inputs: list[dict[str, Any]], compiled: dt.date, announced: int | None = None) -> dict[str, Any]:
    """The data file's content: every record once, sorted by (date, id), validated; the header."""
    records: dict[str, dict[str, Any]] = {}
    unsourced: list[dict[str, Any]] = []
    notes: list[str] = []
    for data in inputs:
        for record in data.get("outcomes", []):
            rid = record.get("id")
            if rid in records and records[rid] != record:
                raise OutcomesDataError(f"outcome {rid} differs between two input files")
            records[str(rid)] = {**record, "remarks": record.get("remarks")}
        unsourced += [u for u in data.get("unsourced", []) if u not in unsourced]
        notes += [n for n in data.get("notes", []) if n not in notes]
    ordered = sorted(records.values(), key=lambda r: (str(r.get("date")), str(r.get("id"))))
    outcomes = parse_outcomes(ordered)
    kinds = {k: sum(o.kind == k for o in outcomes) for k in ("resolution agreement", "civil money penalty")}
    first, last = (outcomes[0].date, outcomes[-1].date) if outcomes else (compiled, compiled)
    coverage = (
        f"{len(outcomes)} outcomes ({kinds['resolution agreement']} resolution agreements, "
        f"{kinds['civil money penalty']} civil money penalties) announced {first.isoformat()} to {last.isoformat()}, "
        + (f"of {announced} HHS announced by our reading" if announced is not None
           else "(how many HHS announced in all: not yet counted)")
        + f"; the {len(unsourced)} we could not source are listed under "
        "'unsourced'. Amounts are integer dollars as HHS announced them; final_amount is after an ALJ, the Board "
        "or a court."
    )
    header = {"title": TITLE, "compiled": compiled.isoformat(), "coverage": coverage, "announced": announced,
              "unsourced": unsourced, "notes": notes}
    return {"header": header, "outcomes": [o.as_json() for o in outcomes]}


def dumps(data: dict[str, Any]) -> str:
    """The header indented, then one record a line: readable in a diff, compact in the Lite bundle."""
    head = json.dumps(data["header"], indent=1, ensure_ascii=False)
    lines = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in data["outcomes"]]
    return '{"header": ' + head + ',\n "outcomes": [\n' + ",\n".join(lines) + "\n]}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="+", type=Path)
    parser.add_argument("--announced", type=int, help="how many outcomes HHS has announced, by our reading")
    parser.add_argument("--compiled", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--out", type=Path, default=DATA)
    args = parser.parse_args(argv)
    try:
        inputs = [json.loads(p.read_text("utf-8")) for p in args.inputs]
        data = merge(inputs, args.compiled, args.announced)
    except (OSError, ValueError) as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    text = dumps(data)
    json.loads(text)
    tmp = args.out.with_suffix(".json.part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.out)
    print(f"{args.out}: {len(data['outcomes'])} outcomes, {len(data['header']['unsourced'])} unsourced; "
          "now regenerate the committed workbooks (see this script's docstring)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
