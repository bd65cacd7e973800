"""The minutes pages: draft → comments → approved → published through the pages, the second
of two editors told (their text kept), approved minutes locked, corrections as versions, a
member's comment page and its deadline, and the PDF (full with dissent; public without exempt
cases)."""

import html
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medvirke.bodies.tests.pdftext import pdf_text
from medvirke.core.models import Notification
from medvirke.core.testing import count_queries
from medvirke.meetings import services
from medvirke.meetings.models import (
    Advice,
    Case,
    CaseConclusion,
    Dissent,
    Meeting,
    Minutes,
    MinutesVersion,
)

from . import bulk
from .conftest import case, plan

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    """A client logged in as `user`, reading English (the msgids, stable while translating)."""
    type(user).objects.filter(pk=user.pk).update(language="en")
    user.refresh_from_db()
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


@pytest.fixture(name="sak")
def sak_fixture(world: Any, council: Any, meeting: Meeting) -> Case:
    return case(world, council.body, meeting, title="Ny ventetidsordning")


def save(client: Client, meeting: Meeting, version: int, sak: Case, **extra: str) -> Any:
    data = {"version": str(version), "text": "Leder ønsket velkommen.", **extra}
    data.setdefault(f"conclusion_{sak.pk}", "Rådet støtter forslaget.")
    return client.post(url("minutes_edit", meeting.pk), data)


def test_draft_comments_approval_and_publishing_through_the_pages(
    world: Any, council: Any, meeting: Meeting, sak: Case
) -> None:
    secretary = login(world.secretary)
    assert "Start the minutes" in text(secretary.get(url("minutes_edit", meeting.pk)))
    secretary.post(url("minutes_start", meeting.pk))
    minutes = Minutes.objects.get(meeting=meeting)
    assert save(secretary, meeting, minutes.version, sak).status_code == 302

    kari = council.members[0].user
    response = secretary.post(
        url("minutes_dissent", meeting.pk, sak.pk),
        {f"d{sak.pk}-person": kari.pk, f"d{sak.pk}-text": "Ventetiden er fortsatt for lang."},
    )
    assert response.status_code == 302
    due = timezone.localdate() + timedelta(days=30)
    response = secretary.post(
        url("minutes_advice", meeting.pk, sak.pk),
        {f"a{sak.pk}-text": "Innfør SMS-varsling.", f"a{sak.pk}-due_on": due.isoformat()},
    )
    assert response.status_code == 302
    advice = Advice.objects.get(case=sak)
    assert advice.recipient_person == world.case_handler  # the case owner by default

    page = text(secretary.get(url("minutes_edit", meeting.pk)))
    assert "Ventetiden er fortsatt for lang." in page and "Innfør SMS-varsling." in page

    deadline = timezone.localdate() + timedelta(days=7)
    response = secretary.post(
        url("minutes_send", meeting.pk), {"comment_deadline": deadline.isoformat()}
    )
    assert response.status_code == 302
    member = login(kari)
    page = text(member.get(url("minutes_comment", meeting.pk)))
    assert "Rådet støtter forslaget." in page and "Send the comment" in page
    response = member.post(url("minutes_comment", meeting.pk), {"text": "Navnet mitt er feil."})
    assert response.status_code == 302
    assert "Navnet mitt er feil." in text(secretary.get(url("minutes_edit", meeting.pk)))
    # The secretariat is told, with a link to the editor where the comments are listed.
    assert Notification.objects.filter(
        user=world.secretary, url=url("minutes_edit", meeting.pk)
    ).exists()

    response = secretary.post(url("minutes_approve", meeting.pk), {"how": "chair"})
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.APPROVED and minutes.versions.count() == 1
    secretary.post(url("minutes_publish", meeting.pk))
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.PUBLISHED and minutes.published_at


def test_the_second_editor_is_told_and_keeps_their_text(
    world: Any, meeting: Meeting, sak: Case
) -> None:
    minutes = services.start_minutes(meeting, by=world.secretary)
    opened = minutes.version
    first, second = login(world.secretary), login(world.administrator)
    assert save(first, meeting, opened, sak, text="Først lagret.").status_code == 302
    response = save(second, meeting, opened, sak, text="Min egen tekst, ikke lagret.")
    assert response.status_code == 409
    page = text(response)
    assert "Secretary saved the minutes" in page  # who saved, and that it was after
    assert "Min egen tekst, ikke lagret." in page  # nothing typed is lost
    assert "Først lagret." in page  # what is saved now, to compare
    assert Minutes.objects.get(pk=minutes.pk).text == "Først lagret."
    # The form now carries the saved version: saving again is a deliberate choice.
    minutes.refresh_from_db()
    assert f'name="version" value="{minutes.version}"' in page


def test_approved_minutes_refuse_edits(world: Any, meeting: Meeting, sak: Case) -> None:
    minutes = services.start_minutes(meeting, by=world.secretary)
    services.update_minutes(
        minutes, by=world.secretary, expected_version=None, conclusions={sak.pk: "Vedtatt."}
    )
    services.approve_minutes(minutes, by=world.secretary)
    minutes.refresh_from_db()
    client = login(world.secretary)
    page = text(client.get(url("minutes_edit", meeting.pk)))
    assert "Save the minutes" not in page and "Correct the minutes" in page
    response = save(client, meeting, minutes.version, sak, **{f"conclusion_{sak.pk}": "Endret"})
    assert response.status_code == 409
    assert "Approved minutes cannot be changed" in text(response)
    assert minutes.conclusions.get().text == "Vedtatt."


def test_a_correction_is_a_new_version_and_the_old_one_stays_readable(
    world: Any, meeting: Meeting, sak: Case
) -> None:
    minutes = services.start_minutes(meeting, by=world.secretary)
    services.update_minutes(
        minutes, by=world.secretary, expected_version=None, conclusions={sak.pk: "Vedtatt."}
    )
    services.approve_minutes(minutes, by=world.secretary)
    client = login(world.secretary)
    response = client.post(
        url("minutes_correct", meeting.pk),
        {"reason": "", "text": "", f"conclusion_{sak.pk}": "Vedtatt med endring."},
    )
    assert response.status_code == 400  # a correction needs its reason
    assert "Vedtatt med endring." in text(response)
    response = client.post(
        url("minutes_correct", meeting.pk),
        {
            "reason": "Feil i konklusjonen.",
            "text": "",
            f"conclusion_{sak.pk}": "Vedtatt med endring.",
        },
    )
    assert response.status_code == 302
    assert list(minutes.versions.values_list("number", flat=True)) == [1, 2]
    old = text(client.get(url("minutes_version", meeting.pk, 1)))
    assert "Vedtatt." in old and "Vedtatt med endring." not in old
    new = text(client.get(url("minutes_version", meeting.pk, 2)))
    assert "Vedtatt med endring." in new and "Feil i konklusjonen." in new
    assert MinutesVersion.objects.get(minutes=minutes, number=2).reason == "Feil i konklusjonen."


def test_members_comment_until_the_deadline_and_no_one_else(
    world: Any, council: Any, meeting: Meeting
) -> None:
    minutes = services.start_minutes(meeting, by=world.secretary)
    services.send_minutes_for_comments(
        minutes, deadline=timezone.localdate() + timedelta(days=3), by=world.secretary
    )
    assert login(world.outsider).get(url("minutes_comment", meeting.pk)).status_code == 403
    member = login(council.members[1].user)
    assert member.get(url("minutes_edit", meeting.pk)).status_code == 403  # not the editor
    Minutes.objects.filter(pk=minutes.pk).update(
        comment_deadline=timezone.localdate() - timedelta(days=1)
    )
    page = text(member.get(url("minutes_comment", meeting.pk)))
    assert "comments are no longer accepted" in page and "Send the comment" not in page
    response = member.post(url("minutes_comment", meeting.pk), {"text": "For sent"})
    assert response.status_code == 409 and "no longer accepted" in text(response)
    assert not minutes.comments.exists()


def test_the_pdf_has_the_dissent_and_the_public_one_leaves_out_exempt_cases(
    world: Any, council: Any, meeting: Meeting, sak: Case
) -> None:
    secret = case(
        world,
        council.body,
        meeting,
        title="Personalsak på avdelingen",
        is_public=False,
        exemption_basis="offl. § 25",
    )
    minutes = services.start_minutes(meeting, by=world.secretary)
    services.update_minutes(
        minutes,
        by=world.secretary,
        expected_version=None,
        conclusions={sak.pk: "Rådet støtter forslaget.", secret.pk: "Konklusjon unntatt."},
    )
    services.add_dissent(
        minutes,
        case=sak,
        person=council.members[0].user,
        text="Ventetiden er for lang.",
        by=world.secretary,
    )
    secretary = login(world.secretary)
    response = secretary.get(url("minutes_full_pdf", meeting.pk))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    words = pdf_text(response.content)
    assert "Ventetiden er for lang." in words
    assert "Kari Medlem" in words
    assert "Personalsak på avdelingen" in words and "Konklusjon unntatt." in words

    public = pdf_text(secretary.get(url("minutes_public_pdf", meeting.pk)).content)
    assert "Ventetiden er for lang." in public and "Rådet støtter forslaget." in public
    assert "Personalsak" not in public and "Konklusjon unntatt." not in public
    assert "offl. § 25" in public  # the exempt case is named by number and legal basis only

    # Members read the full PDF; others see only the public one, once published.
    member = login(council.members[2].user)
    assert member.get(url("minutes_full_pdf", meeting.pk)).status_code == 200
    outsider = login(world.outsider)
    assert outsider.get(url("minutes_full_pdf", meeting.pk)).status_code == 403
    services.approve_minutes(minutes, by=world.secretary)
    services.publish_minutes(minutes, by=world.secretary)
    response = outsider.get(url("minutes_public_pdf", meeting.pk))
    assert response.status_code == 200 and "Personalsak" not in pdf_text(response.content)


def test_the_editor_runs_a_flat_number_of_queries(
    world: Any, council: Any, meeting: Meeting, sak: Case
) -> None:
    minutes = services.start_minutes(meeting, by=world.secretary)
    client = login(world.secretary)
    editor = url("minutes_edit", meeting.pk)

    def fill(n: int) -> None:
        """`n` more cases on the meeting, each with a conclusion, a dissent and advice."""
        extra = bulk.cases(world, council.body, meeting, n, title="Sak nummer")
        conclusions = CaseConclusion.objects.bulk_create(
            CaseConclusion(minutes=minutes, case=c, text="Ok") for c in extra
        )
        Dissent.objects.bulk_create(
            Dissent(conclusion=c, person=council.members[i % 3].user, text="Uenig")
            for i, c in enumerate(conclusions)
        )
        bulk.advice(world, extra, due_in=9)

    fill(9)
    few = count_queries(client, editor)
    fill(990)
    assert count_queries(client, editor) == few


def test_sending_and_approving_explain_what_is_missing(
    world: Any, council: Any, meeting: Meeting
) -> None:
    minutes = services.start_minutes(meeting, by=world.secretary)
    client = login(world.secretary)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(url("minutes_send", meeting.pk), {"comment_deadline": yesterday})
    assert response.status_code == 400
    assert "The deadline cannot be in the past." in text(response)
    response = client.post(url("minutes_approve", meeting.pk), {"how": "meeting"})
    assert response.status_code == 400
    assert "Choose the meeting that approved the minutes." in text(response)
    next_meeting = plan(world, council.body, days=60)
    response = client.post(
        url("minutes_approve", meeting.pk), {"how": "meeting", "at_meeting": next_meeting.pk}
    )
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.approved_at_meeting == next_meeting and minutes.is_locked
