"""Issue 11, point 11: a paper upload that dies after its file is written left the file in
MEDIA_ROOT with no row. A failed save now deletes its file (core/files.py), and
`cleanup_orphan_files` removes what a killed process left (older than an hour, no row)."""

import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from medvirke.meetings import services
from medvirke.meetings.models import Meeting, Paper
from medvirke.meetings.services import meetings as meeting_services

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _stored_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _fail_after_saving(monkeypatch: Any) -> None:
    """The row and its file are written, then the request dies (here: the history write
    raises after the save), as when the process is stopped before the COMMIT."""
    real = meeting_services.save_with_history

    def save_then_die(obj: Any, **kwargs: Any) -> Any:
        real(obj, **kwargs)
        if isinstance(obj, Paper):
            assert obj.file.name and obj.file.storage.exists(obj.file.name)  # on disk by now
            raise RuntimeError("the request died here")
        return obj

    monkeypatch.setattr(meeting_services, "save_with_history", save_then_die)


def test_attack_upload_that_dies_after_the_file_is_written_leaves_no_file(
    world: Any, meeting: Meeting, monkeypatch: Any
) -> None:
    _fail_after_saving(monkeypatch)
    client = Client(raise_request_exception=False)
    client.force_login(world.secretary)
    response = client.post(
        reverse("paper_upload", args=[meeting.pk]),
        {"title": "Saksframlegg", "file": SimpleUploadedFile("saksframlegg.pdf", PDF)},
    )
    assert response.status_code == 500
    assert not Paper.objects.exists()
    assert _stored_files() == []


def test_a_paper_that_saves_keeps_its_file(world: Any, meeting: Meeting) -> None:
    paper = services.publish_paper(
        meeting, upload=SimpleUploadedFile("a.pdf", PDF), title="A", by=world.secretary
    )
    assert _stored_files() == [paper.file.name]


# --- the cleanup command -------------------------------------------------------------------------


def _write(name: str, *, hours_old: float) -> Path:
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PDF)
    then = time.time() - hours_old * 3600
    os.utime(path, (then, then))
    return path


@pytest.fixture(name="files")
def files_fixture(world: Any, meeting: Meeting, tmp_path: Path) -> dict[str, Path]:
    paper = services.publish_paper(
        meeting, upload=SimpleUploadedFile("kept.pdf", PDF), title="Kept", by=world.secretary
    )
    referenced = Path(settings.MEDIA_ROOT) / str(paper.file.name)
    then = time.time() - 5 * 3600
    os.utime(referenced, (then, then))
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(PDF)
    link = Path(settings.MEDIA_ROOT) / "meetings" / "link.pdf"
    link.symlink_to(outside)
    os.utime(link, (then, then), follow_symlinks=False)
    return {
        "referenced": referenced,
        "orphan": _write(f"meetings/{meeting.pk}/20240101000000-killed.pdf", hours_old=3),
        "fresh": _write(f"meetings/{meeting.pk}/in-flight.pdf", hours_old=0.1),
        "link": link,
        "outside": outside,
    }


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("cleanup_orphan_files", *args, stdout=out)
    return out.getvalue()


def test_cleanup_removes_an_orphan_and_keeps_referenced_and_fresh_files(
    files: dict[str, Path],
) -> None:
    output = _run()
    assert not files["orphan"].exists()
    assert files["referenced"].exists() and files["fresh"].exists()
    assert files["link"].is_symlink() and files["outside"].exists()  # links are never taken
    assert "Removed 1 orphan file(s)" in output and "kept 1 referenced and 1 newer" in output


def test_cleanup_dry_run_lists_and_removes_nothing(files: dict[str, Path]) -> None:
    output = _run("--dry-run", "-v", "2")
    assert files["orphan"].exists()
    assert "Would remove 1 orphan file(s)" in output
    assert f"would remove {files['orphan'].relative_to(settings.MEDIA_ROOT)}" in output


def test_cleanup_with_a_shorter_age_takes_the_fresh_orphan_too(files: dict[str, Path]) -> None:
    _run("--older-than", "1")
    assert not files["fresh"].exists() and files["referenced"].exists()
