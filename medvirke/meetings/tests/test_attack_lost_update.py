"""Two people editing the same meeting or case: the second save must not silently overwrite the
first (the optimistic lock, core/locking.py). The one who saved second is told, keeps what they
typed, and can save again after comparing."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medvirke.core.testing import nb
from medvirke.meetings.models import Case, Meeting

from .conftest import case

pytestmark = pytest.mark.django_db

STALE = (
    "Someone else saved changes while you were editing. Your changes are kept below: "
    "compare and save again."
)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _meeting_data(meeting: Meeting, version: Any, place: str) -> dict[str, str]:
    day = f"{timezone.localtime(meeting.starts_at):%Y-%m-%d}"
    return {
        "starts_at": f"{day}T10:00",
        "ends_at": f"{day}T14:00",
        "place": place,
        "paper_deadline_days": "7",
        "version": str(version),
    }


def _case_data(version: Any, title: str) -> dict[str, str]:
    return {
        "title": title,
        "kind": Case.Kind.ADVICE,
        "phase": Case.Phase.PLANNING,
        "ladder_step": "2",
        "no_individual_patient": "on",
        "version": str(version),
    }


def test_attack_a_second_editor_overwrites_the_meeting_someone_just_moved(
    world, council, meeting
) -> None:
    url = reverse("meeting_edit", args=[meeting.pk])
    secretary, administrator = _client(world.secretary), _client(world.administrator)
    opened = secretary.get(url).context["form"]["version"].value()
    # The administrator moves the meeting to another room while the secretary has the form open.
    first = administrator.post(url, _meeting_data(meeting, opened, "Rom 2"))
    assert first.status_code == 302
    # The secretary's save, opened before that, must not put the old room back unnoticed.
    second = secretary.post(url, _meeting_data(meeting, opened, "Rom 3"))
    assert second.status_code == 200
    page = second.content.decode()
    assert nb(STALE) in page and 'value="Rom 3"' in page
    assert Meeting.objects.get(pk=meeting.pk).place == "Rom 2"
    # The form now carries the stored version: saving again, after comparing, goes through.
    again = secretary.post(url, second.context["form"].data)
    assert again.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).place == "Rom 3"


def test_attack_a_second_editor_overwrites_the_case_someone_just_changed(
    world, council, meeting
) -> None:
    item = case(world, council.body, meeting, title="Ventetider")
    url = reverse("case_edit", args=[item.pk])
    secretary, administrator = _client(world.secretary), _client(world.administrator)
    opened = secretary.get(url).context["form"]["version"].value()
    first = administrator.post(url, _case_data(opened, "Ventetider i BUP"))
    assert first.status_code == 302
    second = secretary.post(url, _case_data(opened, "Ventetider i voksenpsykiatrien"))
    assert second.status_code == 200
    page = second.content.decode()
    assert nb(STALE) in page and 'value="Ventetider i voksenpsykiatrien"' in page
    assert Case.objects.get(pk=item.pk).title == "Ventetider i BUP"
    again = secretary.post(url, second.context["form"].data)
    assert again.status_code == 302
    assert Case.objects.get(pk=item.pk).title == "Ventetider i voksenpsykiatrien"
