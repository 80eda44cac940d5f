#!/usr/bin/env bash
# Render the example's exposure memo the way a reader sees it: hipaa-xl report --pdf on the committed
# example workbook (copied to a temporary folder), then page 1 and the chart page side by side as
# docs/memo.png (pdftoppm from poppler-utils; LibreOffice Writer converts the .docx).
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp workbooks/example_exposure.xlsx "$work/example_exposure.xlsx"
.venv/bin/hipaa-xl report "$work/example_exposure.xlsx" --pdf >/dev/null
pdftoppm -png -r 60 -f 1 -l 2 "$work/example_exposure-memo.pdf" "$work/page"
.venv/bin/python - "$work" <<'PY'
import sys
from pathlib import Path
from PIL import Image
pages = [Image.open(p) for p in sorted(Path(sys.argv[1]).glob("page-*.png"))]
w, h = pages[0].size
sheet = Image.new("RGB", (w * len(pages) + 12 * (len(pages) - 1), h), "#BFBFBF")
for i, page in enumerate(pages):
    sheet.paste(page, (i * (w + 12), 0))
sheet.save("docs/memo.png", optimize=True)
PY
echo "wrote docs/memo.png"
