#!/usr/bin/env bash
# Render the example's exposure memo the way a reader sees it: hipaa-xl report --pdf on the committed
# example workbook (copied to a temporary folder), then page 1 (the bottom line), the factors page and
# the deadlines page side by side as docs/memo.png (pdftoppm and pdftotext from poppler-utils;
# LibreOffice Writer converts the .docx).
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp workbooks/example_exposure.xlsx "$work/example_exposure.xlsx"
.venv/bin/hipaa-xl report "$work/example_exposure.xlsx" --pdf >/dev/null
pdf="$work/example_exposure-memo.pdf"
page_of() {  # the first page whose text has the heading $1
  local n pages
  pages="$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')"
  for n in $(seq 1 "$pages"); do
    if pdftotext -f "$n" -l "$n" "$pdf" - | grep -q "^$1"; then echo "$n"; return; fi
  done
  echo 1
}
n=0
for page in 1 "$(page_of 'Factors (45 CFR 160.408)')" "$(page_of 'Deadlines and the six-year limitation')"; do
  n=$((n + 1))
  pdftoppm -png -r 60 -f "$page" -l "$page" -singlefile "$pdf" "$work/page-$n"
done
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
