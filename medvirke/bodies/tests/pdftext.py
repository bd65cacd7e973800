"""The text of a PDF as a reader's copy-and-paste gives it, read with pypdf (tests only).

Typst writes Type0 fonts with a ToUnicode map, so pypdf gives ligatures ("fi", "ffi") back as
their letters and quotes as typeset («sitat»)."""

import io

from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    """The text layer of a PDF, page after page, one line of text per line."""
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)
