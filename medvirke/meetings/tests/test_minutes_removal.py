"""Removing a wrongly recorded dissent or piece of advice: the secretariat may, while the
minutes are a draft or out for comments, after a confirmation step; never once they are
approved, never advice that has been answered; the history keeps what was removed."""

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medvirke.core.models import AuditEvent, Notification
from medvirke.core.testing import nb
from medvirke.meetings import services
from medvirke.meetings.models import Advice, AdviceStatus, Case, Dissent, Meeting, Minutes

from .conftest import case

pytestmark = pytest.mark.django_db

DISSENT = "Ventetiden er fortsatt for lang."
ADVICE = "Innfør SMS-varsling."


def login(user: Any) -> Client:
    """A client logged in as `user`, reading English (the msgids, stable while translating)."""
    type(user).objects.filter(pk=user.pk).update(language="en")
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture(name="sak")
def sak_fixture(world: Any, council: Any, meeting: Meeting) -> Case:
    return case(world, council.body, meeting, title="Ny ventetidsordning")


@pytest.fixture(name="minutes")
def minutes_fixture(world: Any, meeting: Meeting, sak: Case) -> Minutes:
    minutes = services.start_minutes(meeting, by=world.secretary)
    services.update_minutes(
        minutes,
        by=world.secretary,
        expected_version=minutes.version,
        conclusions={sak.pk: "Rådet støtter forslaget."},
    )
    return minutes


@pytest.fixture(name="dissent")
def dissent_fixture(world: Any, council: Any, minutes: Minutes, sak: Case) -> Dissent:
    return services.add_dissent(
        minutes, case=sak, person=council.members[0].user, text=DISSENT, by=world.secretary
    )


@pytest.fixture(name="advice")
def advice_fixture(world: Any, minutes: Minutes, sak: Case) -> Advice:
    due = timezone.localdate() + timedelta(days=30)
    return services.record_advice(sak, text=ADVICE, due_on=due, by=world.secretary)


def remove_dissent_url(meeting: Meeting, dissent: Dissent) -> str:
    return reverse("minutes_dissent_remove", args=[meeting.pk, dissent.pk])


def remove_advice_url(meeting: Meeting, advice: Advice) -> str:
    return reverse("minutes_advice_remove", args=[meeting.pk, advice.pk])


# --- the services -----------------------------------------------------------------------------


def test_a_removed_dissent_is_gone_and_the_history_keeps_its_words(
    world: Any, council: Any, meeting: Meeting, dissent: Dissent
) -> None:
    services.remove_dissent(dissent, by=world.secretary)
    assert not Dissent.objects.filter(pk=dissent.pk).exists()
    event = AuditEvent.objects.for_object(meeting).get(action=AuditEvent.Action.DELETED)
    assert event.actor == world.secretary
    assert event.changes["text"] == [DISSENT, None]
    assert event.changes["person"] == [str(council.members[0].user), None]


def test_advice_can_be_removed_while_the_minutes_are_out_for_comments(
    world: Any, council: Any, minutes: Minutes, advice: Advice
) -> None:
    services.send_minutes_for_comments(
        minutes, deadline=timezone.localdate() + timedelta(days=7), by=world.secretary
    )
    Notification.objects.all().delete()
    services.remove_advice(advice, by=world.secretary)
    assert not Advice.objects.filter(pk=advice.pk).exists()
    event = AuditEvent.objects.for_object(council.body).get(action=AuditEvent.Action.DELETED)
    assert event.changes["text"] == [ADVICE, None]
    # The case owner had been asked to answer; they are told they need not.
    told = Notification.objects.get(user=world.case_handler)
    assert ADVICE in told.body


def test_nothing_is_removed_from_approved_minutes(
    world: Any, minutes: Minutes, dissent: Dissent, advice: Advice
) -> None:
    services.approve_minutes(minutes, by=world.secretary)
    with pytest.raises(services.MinutesLockedError):
        services.remove_dissent(dissent, by=world.secretary)
    with pytest.raises(services.MinutesLockedError):
        services.remove_advice(advice, by=world.secretary)
    assert Dissent.objects.filter(pk=dissent.pk).exists()
    assert Advice.objects.filter(pk=advice.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DELETED).exists()


def test_answered_advice_cannot_be_removed(world: Any, advice: Advice) -> None:
    services.respond_to_advice(
        advice, status=AdviceStatus.FOLLOWED, reasoning="Innført.", by=world.case_handler
    )
    with pytest.raises(
        services.RefusedError,
        match=re.escape(
            nb(
                "The advice has been answered, so it can no longer be removed: the answer "
                "belongs to the influence ledger."
            )
        ),
    ):
        services.remove_advice(advice, by=world.secretary)
    assert Advice.objects.filter(pk=advice.pk).exists()


# --- the pages --------------------------------------------------------------------------------


def test_the_editor_offers_remove_buttons_on_a_draft_only(
    world: Any, meeting: Meeting, minutes: Minutes, dissent: Dissent, advice: Advice
) -> None:
    secretary = login(world.secretary)
    page = text(secretary.get(reverse("minutes_edit", args=[meeting.pk])))
    assert remove_dissent_url(meeting, dissent) in page
    assert remove_advice_url(meeting, advice) in page

    services.approve_minutes(minutes, by=world.secretary)
    page = text(secretary.get(reverse("minutes_edit", args=[meeting.pk])))
    assert DISSENT in page and ADVICE in page
    assert remove_dissent_url(meeting, dissent) not in page
    assert remove_advice_url(meeting, advice) not in page


def test_the_secretariat_confirms_before_a_dissent_is_removed(
    world: Any, meeting: Meeting, dissent: Dissent
) -> None:
    secretary = login(world.secretary)
    response = secretary.post(remove_dissent_url(meeting, dissent))
    assert response.status_code == 200
    page = text(response)
    assert "Remove the dissent from" in page and DISSENT in page and "Yes, remove it" in page
    assert Dissent.objects.filter(pk=dissent.pk).exists()

    response = secretary.post(remove_dissent_url(meeting, dissent), {"confirm": "yes"})
    assert response.status_code == 302
    assert not Dissent.objects.filter(pk=dissent.pk).exists()
    page = text(secretary.get(response["Location"]))
    assert "is removed" in page and DISSENT not in page


def test_removing_answered_advice_is_refused_with_the_reason(
    world: Any, meeting: Meeting, advice: Advice
) -> None:
    services.respond_to_advice(
        advice, status=AdviceStatus.PARTLY_FOLLOWED, reasoning="Delvis.", by=world.case_handler
    )
    secretary = login(world.secretary)
    page = text(secretary.get(reverse("minutes_edit", args=[meeting.pk])))
    assert remove_advice_url(meeting, advice) not in page
    assert "Answered, so it can no longer be removed." in page

    response = secretary.post(remove_advice_url(meeting, advice), {"confirm": "yes"})
    assert response.status_code == 302
    page = text(secretary.get(response["Location"]))
    assert "The advice has been answered, so it can no longer be removed" in page
    assert Advice.objects.filter(pk=advice.pk).exists()


def test_removing_from_approved_minutes_is_refused_with_the_reason(
    world: Any, meeting: Meeting, minutes: Minutes, advice: Advice
) -> None:
    services.approve_minutes(minutes, by=world.secretary)
    secretary = login(world.secretary)
    response = secretary.post(remove_advice_url(meeting, advice), {"confirm": "yes"})
    page = text(secretary.get(response["Location"]))
    assert "The minutes are approved; the advice can no longer be removed." in page
    assert Advice.objects.filter(pk=advice.pk).exists()


@pytest.mark.parametrize("who", ["member", "case_handler", "coordinator"])
def test_only_the_secretariat_removes(
    world: Any, council: Any, meeting: Meeting, dissent: Dissent, advice: Advice, who: str
) -> None:
    person = council.members[0].user if who == "member" else getattr(world, who)
    client = login(person)
    for url in (remove_dissent_url(meeting, dissent), remove_advice_url(meeting, advice)):
        assert client.post(url, {"confirm": "yes"}).status_code == 403
    assert Dissent.objects.filter(pk=dissent.pk).exists()
    assert Advice.objects.filter(pk=advice.pk).exists()


def test_a_get_removes_nothing(world: Any, meeting: Meeting, dissent: Dissent) -> None:
    response = login(world.secretary).get(remove_dissent_url(meeting, dissent))
    assert response.status_code == 405
    assert Dissent.objects.filter(pk=dissent.pk).exists()
