"""Meeting papers: type by content, size limit, late papers flagged."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from medvirke.core.models import Notification
from medvirke.meetings import services
from medvirke.meetings.models import Paper
from medvirke.meetings.validators import sniff

from .conftest import plan

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_a_program_renamed_to_pdf_is_refused(world, council, meeting) -> None:
    exe = SimpleUploadedFile(
        "sakspapirer.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "application/pdf"
    )
    with pytest.raises(ValidationError, match=r"not accepted|ikke"):
        services.publish_paper(meeting, upload=exe, title="Saksframlegg", by=world.secretary)
    assert not Paper.objects.exists()


def test_a_zip_that_is_not_a_word_document_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.exe", "MZ")
    assert sniff(SimpleUploadedFile("x.docx", buffer.getvalue())) is None


def test_a_name_that_does_not_match_the_content_is_refused(world, council, meeting) -> None:
    png = SimpleUploadedFile("bilde.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    with pytest.raises(ValidationError, match="PNG"):
        services.publish_paper(meeting, upload=png, title="Bilde", by=world.secretary)


def test_a_file_over_the_limit_is_refused(world, council, meeting, settings) -> None:
    settings.MEDVIRKE_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("stor.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError, match="1 MB"):
        services.publish_paper(meeting, upload=big, title="Stor", by=world.secretary)


def test_pdf_and_word_papers_are_stored_with_their_type(world, council, meeting) -> None:
    pdf = services.publish_paper(
        meeting, upload=SimpleUploadedFile("innkalling.pdf", PDF), title="", by=world.secretary
    )
    word = services.publish_paper(
        meeting, upload=SimpleUploadedFile("notat.docx", docx()), title="Notat", by=world.secretary
    )
    assert pdf.content_type == "application/pdf" and pdf.file.read().startswith(b"%PDF")
    assert word.content_type.endswith("wordprocessingml.document")
    assert not pdf.late and not word.late  # two weeks ahead: within the seven-day deadline


def test_a_paper_after_the_deadline_is_flagged_late_and_members_told(world, council) -> None:
    soon = plan(world, council.body, days=3)
    services.call_meeting(soon, by=world.secretary)
    Notification.objects.all().delete()
    paper = services.publish_paper(
        soon, upload=SimpleUploadedFile("sent.pdf", PDF), title="Sent notat", by=world.secretary
    )
    assert paper.late
    assert Notification.objects.filter(
        user=council.members[0].user, body__contains="Sent notat"
    ).exists()
    relaxed = plan(world, council.body, days=3, paper_deadline_days=2)
    on_time = services.publish_paper(
        relaxed, upload=SimpleUploadedFile("ok.pdf", PDF), title="OK", by=world.secretary
    )
    assert not on_time.late
