"""Checks for uploaded meeting papers: the type is read from the file's first bytes, not taken
from its name or the browser's word for it, and the size has a ceiling (MEDVIRKE_MAX_UPLOAD_MB,
20 MB by default). A program renamed to `.pdf` is refused."""

import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

DEFAULT_MAX_UPLOAD_MB = 20


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("application/pdf", (".pdf",))
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)
)
DOC = FileKind("application/msword", (".doc",))
PNG = FileKind("image/png", (".png",))
JPEG = FileKind("image/jpeg", (".jpg", ".jpeg"))

ALLOWED_NAMES = "PDF, Word (.docx, .doc), PNG, JPEG"


def max_upload_bytes() -> int:
    return int(getattr(settings, "MEDVIRKE_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)) * 1024 * 1024


def sniff(upload: Any) -> FileKind | None:
    """The kind of file by its content, or None if it is none we accept."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2, the old Word format
        return DOC
    if head.startswith(b"PK\x03\x04"):
        # Any zip starts like this; a Word document has word/document.xml inside.
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return DOCX
    return None


def validate_upload(upload: Any) -> FileKind:
    """Raise ValidationError unless `upload` is an allowed type (by content, matching its
    name) within the size limit; returns the kind found."""
    limit = max_upload_bytes()
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB). The limit is %(limit)s MB."),
            params={
                # 12,3 in Bokmål, 12.3 in English
                "size": formats.number_format(upload.size / 1024 / 1024, 1),
                "limit": limit // (1024 * 1024),
            },
            code="too_large",
        )
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(
            _("This file type is not accepted. Upload %(allowed)s."),
            params={"allowed": ALLOWED_NAMES},
            code="type",
        )
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(kind.extensions):
        raise ValidationError(
            _(
                "The file's name does not match its content (it is a %(kind)s file). Save it "
                "with the right ending and upload it again."
            ),
            params={"kind": kind.extensions[0].lstrip(".").upper()},
            code="mismatch",
        )
    return kind
