"""Members reach the minutes from what they are sent: the notice of a draft out for comments
links to the comment page, and the meeting page links members to the draft (while open for
comments) and to the published minutes; others who see the meeting get the public version."""

import html
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medvirke.core.models import Notification
from medvirke.meetings import services
from medvirke.meetings.models import Meeting

from .conftest import case

pytestmark = pytest.mark.django_db


def page_for(user: Any, meeting: Meeting) -> str:
    type(user).objects.filter(pk=user.pk).update(language="en")
    client = Client()
    client.force_login(user)
    response = client.get(reverse("meeting_detail", args=[meeting.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_members_are_sent_to_the_draft_and_then_to_the_published_minutes(
    world: Any, council: Any, meeting: Meeting
) -> None:
    sak = case(world, council.body, meeting)
    member = council.members[0].user
    minutes = services.start_minutes(meeting, by=world.secretary)
    services.update_minutes(
        minutes, by=world.secretary, expected_version=None, conclusions={sak.pk: "Støttet."}
    )
    comment_page = reverse("minutes_comment", args=[meeting.pk])
    full_pdf = reverse("minutes_full_pdf", args=[meeting.pk])
    assert comment_page not in page_for(member, meeting)

    services.send_minutes_for_comments(
        minutes, deadline=timezone.localdate() + timedelta(days=7), by=world.secretary
    )
    assert Notification.objects.get(user=member).url == comment_page
    page = page_for(member, meeting)
    assert comment_page in page and full_pdf not in page

    services.approve_minutes(minutes, by=world.secretary)
    services.publish_minutes(minutes, by=world.secretary)
    page = page_for(member, meeting)
    assert full_pdf in page and comment_page not in page
    outsider_page = page_for(world.auditor, meeting)
    assert reverse("minutes_public_pdf", args=[meeting.pk]) in outsider_page
    assert full_pdf not in outsider_page
