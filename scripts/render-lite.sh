#!/usr/bin/env bash
# Render what docs/lite.md shows a lawyer, from our own files: the example matter bound to xlwings Lite
# (hipaa-xl new --example --lite), converted to PDF by LibreOffice, its first page (Incidents) cropped
# to the table as docs/lite-incidents.png (pdftoppm from poppler-utils). docs/summary.png is the
# Summary (README). Excel's own windows (the add-in store, the Lite pane) cannot be rendered here.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
.venv/bin/hipaa-xl new "$work/matter.xlsx" --example --lite >/dev/null
(cd "$work" && soffice --headless --convert-to pdf matter.xlsx >/dev/null 2>&1)
pdftoppm -png -r 110 -f 1 -l 1 "$work/matter.pdf" "$work/page"
.venv/bin/python - "$work" <<'PY'
import sys
from pathlib import Path
from PIL import Image
page = Image.open(next(Path(sys.argv[1]).glob("page-*.png")))
w, h = page.size
page.crop((int(w * 0.05), int(h * 0.06), int(w * 0.70), int(h * 0.43))).save("docs/lite-incidents.png", optimize=True)
PY
echo "wrote docs/lite-incidents.png"
