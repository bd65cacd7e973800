"""Issue 4, the secretariat's side, in a real browser: from the body page to the meeting plan,
a meeting that ends before it starts refused and then planned, a case, a program renamed to
.pdf refused and a real paper published, the attendance sheet and calling the meeting. Every
page is checked by axe-core."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from medvirke.core.models import Notification
from medvirke.core.testing import PASSWORD, World
from medvirke.meetings.models import Case, Meeting, Paper
from medvirke.meetings.tests.conftest import seat_council

from .support import CheckedPage

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_secretary_plans_fills_and_calls_a_meeting(open_browser: object, world: World) -> None:
    council = seat_council(world)
    day = (timezone.localdate() + timedelta(days=20)).isoformat()
    secretary: CheckedPage = open_browser()  # type: ignore[operator]
    secretary.login(world.secretary.email, PASSWORD)
    secretary.visit(reverse("body_detail", args=[council.body.pk]))
    secretary.click_link(secretary.t("Meetings"), exact=True)
    secretary.click_link(secretary.t("Plan a meeting"), exact=True)

    page = secretary.page
    page.locator("#id_title").fill("Budsjettmøte")
    page.locator("#id_starts_at").fill(f"{day}T14:00")
    page.locator("#id_ends_at").fill(f"{day}T10:00")
    page.locator("#id_place").fill("Møterom 2")
    secretary.submit(secretary.t("Save"))
    expect(page.locator(".ds-error-summary")).to_be_visible()
    expect(page.locator("#id_ends_at_error")).to_contain_text(
        secretary.t("A meeting must end after it starts.")
    )
    expect(page.locator("#id_place")).to_have_value("Møterom 2")
    page.locator("#id_ends_at").fill(f"{day}T16:00")
    secretary.submit(secretary.t("Save"))
    meeting = Meeting.objects.get()

    secretary.click_link(secretary.t("Add a case"), exact=True)
    page.locator("#id_title").fill("Ventetider i BUP")
    page.locator("#id_no_individual_patient").check()
    secretary.submit(secretary.t("Save"))
    case = Case.objects.get()
    expect(page.locator("main")).to_contain_text(f"{case.number}/{case.year % 100:02d}")

    secretary.visit(reverse("paper_upload", args=[meeting.pk]))
    page.locator("#id_title").fill("Saksframlegg")
    page.locator("#id_file").set_input_files(
        {"name": "saksframlegg.pdf", "mimeType": "application/pdf", "buffer": b"MZ" + b"\0" * 99}
    )
    secretary.submit(secretary.t("Upload"))
    expect(page.locator("#id_file_error")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("Saksframlegg")
    assert not Paper.objects.exists()
    page.locator("#id_file").set_input_files(
        {"name": "saksframlegg.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    secretary.submit(secretary.t("Upload"))
    expect(page.locator("#papers")).to_be_visible()
    assert Paper.objects.filter(meeting=meeting).count() == 1

    secretary.visit(reverse("meeting_attendance", args=[meeting.pk]))
    expect(page.locator("#quorum")).to_be_visible()
    secretary.submit(secretary.t("Save attendance"))

    secretary.visit(reverse("meeting_call", args=[meeting.pk]))
    secretary.submit(secretary.t("Call the meeting"))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CALLED
    assert Notification.objects.filter(user=council.members[0].user).exists()
