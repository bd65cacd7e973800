"""The meeting page's agenda, follow-up items and papers come from a cache between changes: a
new case, paper or answer shows at once, and what one viewer was shown never reaches a viewer
who may see less (an exempt case's title, the secretariat's links)."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medvirke.meetings import services
from medvirke.meetings.models import AdviceResponse, Meeting

from .conftest import Council, case, plan
from .test_pages_minutes import login, text

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def agenda_on(page: str) -> str:
    """The agenda and everything after it in the main content (the forms are above it)."""
    return page.split('aria-labelledby="agenda"')[1].split("</main>")[0]


def test_a_new_case_paper_or_answer_shows_at_once(
    world: Any, council: Council, meeting: Meeting
) -> None:
    earlier = plan(world, council.body, days=-20)
    advice = services.record_advice(
        case(world, council.body, earlier, title="Tidligere sak"),
        text="Rådet venter på svar",
        due_on=timezone.localdate() + timedelta(days=10),
        by=world.secretary,
    )
    secretary = login(world.secretary)
    url = reverse("meeting_detail", args=[meeting.pk])
    page = text(secretary.get(url))
    assert "Rådet venter på svar" in page and "Ny sak på agendaen" not in page
    assert agenda_on(text(secretary.get(url))) == agenda_on(page)  # the same, from the cache

    sak = case(world, council.body, meeting, title="Ny sak på agendaen")
    services.publish_paper(
        meeting,
        upload=SimpleUploadedFile("notat.pdf", PDF),
        title="Nytt notat",
        by=world.secretary,
        case=sak,
    )
    services.respond_to_advice(
        advice,
        status=AdviceResponse.Status.FOLLOWED,
        reasoning="Fulgt",
        by=world.case_handler,
    )

    page = text(secretary.get(url))
    assert "Ny sak på agendaen" in page and "Nytt notat" in page
    assert "Rådet venter på svar" not in page  # answered: no longer a follow-up item


def test_what_the_secretariat_was_shown_never_reaches_an_outsider(
    world: Any, council: Council, meeting: Meeting
) -> None:
    case(
        world,
        council.body,
        meeting,
        title="Hemmelig forhandling",
        is_public=False,
        exemption_basis="Offentleglova § 23",
    )
    url = reverse("meeting_detail", args=[meeting.pk])
    for insider in (world.secretary, council.members[0].user):
        assert "Hemmelig forhandling" in text(login(insider).get(url))

    outsider_page = login(world.outsider).get(url)  # the council is public: open to read
    assert outsider_page.status_code == 200
    shown = text(outsider_page)
    assert "Hemmelig forhandling" not in shown and "Offentleglova § 23" in shown
    assert reverse("case_create", args=[meeting.pk]) not in shown
    member_page = text(login(council.members[0].user).get(url))
    assert "Hemmelig forhandling" in member_page
    assert reverse("paper_upload", args=[meeting.pk]) + "?sak=" not in member_page
    assert reverse("paper_upload", args=[meeting.pk]) + "?sak=" in text(
        login(world.secretary).get(url)
    )


def test_mark_as_held_works_from_a_page_served_from_the_cache(world: Any, meeting: Meeting) -> None:
    url = reverse("meeting_detail", args=[meeting.pk])
    assert "Mark as held" in text(login(world.secretary).get(url))  # renders and caches
    second = Client(enforce_csrf_checks=True)  # another session: its own CSRF token
    second.force_login(world.secretary)

    page = text(second.get(url))
    held = reverse("meeting_held", args=[meeting.pk])
    form = page.split(f'action="{held}"')[1]
    token = form.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = second.post(held, {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert "Mark as held" not in text(second.get(url))  # the new state shows at once
