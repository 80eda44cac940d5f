"""Word to PDF with LibreOffice headless (``soffice --convert-to pdf``), in a private profile.

LibreOffice is the converter that runs without Word on every platform; it is found on PATH (or at
``$HIPAA_XL_SOFFICE``). Each conversion uses a throw-away user profile so that it neither waits for
nor disturbs a LibreOffice the user has open.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from hipaa_xl.errors import HipaaXlError
from hipaa_xl.files import write_file_atomic

CONVERT_TIMEOUT_S = 180


class PdfError(HipaaXlError):
    """The PDF could not be made; the message is one line for the user."""


def find_soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    override = os.environ.get("HIPAA_XL_SOFFICE")
    if override:
        return override if Path(override).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def docx_to_pdf(docx: Path, pdf: Path) -> None:
    """Convert ``docx`` to ``pdf`` (written atomically); raises :class:`PdfError` with one line."""
    soffice = find_soffice()
    if soffice is None:
        raise PdfError("LibreOffice (soffice) is not installed, so no PDF was made; install LibreOffice "
                       "(Debian: apt-get install libreoffice-writer-nogui) or print the .docx to PDF from Word")
    with tempfile.TemporaryDirectory(prefix="hipaa-xl-pdf-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        out_dir = Path(tmp, "out")
        out_dir.mkdir()
        try:
            done = subprocess.run(
                [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                 "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out_dir), str(docx)],
                capture_output=True, timeout=CONVERT_TIMEOUT_S, check=False, stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise PdfError(f"LibreOffice did not finish converting {docx.name} in {CONVERT_TIMEOUT_S} s") from None
        except OSError as exc:
            raise PdfError(f"LibreOffice could not be started ({exc.strerror or exc})") from None
        made = out_dir / (docx.stem + ".pdf")
        if done.returncode != 0 or not made.is_file():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
            hint = "; the Writer component may be missing (Debian: libreoffice-writer-nogui)"
            raise PdfError(f"LibreOffice could not convert {docx.name}"
                           + (f" ({detail[-1][:160]})" if detail else "") + hint)
        write_file_atomic(pdf, made.read_bytes(), backup=pdf.exists())  # never through a leftover or link
