"""Minutes: optimistic locking, comments, approval locks, corrections as new versions."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from medvirke.core.models import AuditEvent, Notification
from medvirke.meetings import services
from medvirke.meetings.models import Meeting, Minutes, MinutesVersion

from .conftest import case, plan


@pytest.fixture(name="minutes")
def minutes_fixture(world, council, meeting) -> Minutes:
    return services.start_minutes(meeting, by=world.secretary)


def test_second_editor_of_a_draft_is_told_and_nothing_is_lost(world, meeting, minutes) -> None:
    opened = minutes.version
    services.update_minutes(
        minutes, by=world.secretary, expected_version=opened, text="Rådet drøftet ventetid."
    )
    other_copy = Minutes.objects.get(pk=minutes.pk)
    with pytest.raises(services.StaleEditError, match="Secretary"):
        services.update_minutes(
            other_copy, by=world.administrator, expected_version=opened, text="Overskriver"
        )
    assert Minutes.objects.get(pk=minutes.pk).text == "Rådet drøftet ventetid."
    saved = services.update_minutes(
        other_copy,
        by=world.administrator,
        expected_version=minutes.version,
        text="Rådet drøftet ventetid grundig.",
    )
    assert saved and Minutes.objects.get(pk=minutes.pk).version == opened + 2


def test_conclusions_and_dissent_are_recorded_per_case(world, council, meeting, minutes) -> None:
    sak = case(world, council.body, meeting)
    services.update_minutes(
        minutes, by=world.secretary, expected_version=None, conclusions={sak.pk: "Rådet støtter"}
    )
    kari = council.members[0].user
    dissent = services.add_dissent(
        minutes, case=sak, person=kari, text="Jeg mener ventetiden er for lang", by=world.secretary
    )
    assert dissent.conclusion.text == "Rådet støtter"
    with pytest.raises(services.RefusedError):
        services.add_dissent(minutes, case=sak, person=world.outsider, text="x", by=world.secretary)
    content = services.snapshot(minutes)
    assert content["conclusions"][0]["dissents"][0]["text"] == "Jeg mener ventetiden er for lang"


def test_members_comment_within_the_deadline(world, council, minutes) -> None:
    deadline = timezone.localdate() + timedelta(days=7)
    services.send_minutes_for_comments(minutes, deadline=deadline, by=world.secretary)
    kari = council.members[0].user
    assert Notification.objects.filter(user=kari, subject__icontains="protokoll").exists()
    services.comment_on_minutes(minutes, text="Navnet mitt er feilstavet", by=kari)
    with pytest.raises(services.RefusedError):
        services.comment_on_minutes(minutes, text="Hei", by=world.outsider)
    Minutes.objects.filter(pk=minutes.pk).update(
        comment_deadline=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(services.RefusedError, match=r"(?i)deadline|frist"):
        services.comment_on_minutes(minutes, text="For sent", by=kari)
    assert minutes.comments.count() == 1


def test_approved_minutes_cannot_be_changed_in_place(world, council, meeting, minutes) -> None:
    sak = case(world, council.body, meeting)
    services.update_minutes(
        minutes,
        by=world.secretary,
        expected_version=None,
        text="Opprinnelig",
        conclusions={sak.pk: "Rådet støtter"},
    )
    version = services.approve_minutes(minutes, by=world.secretary)
    assert version.number == 1
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.MINUTES_APPROVED
    with pytest.raises(services.MinutesLockedError):
        services.update_minutes(minutes, by=world.secretary, expected_version=None, text="Nytt")
    with pytest.raises(services.MinutesLockedError):
        services.add_dissent(
            minutes, case=sak, person=council.members[0].user, text="x", by=world.secretary
        )
    assert Minutes.objects.get(pk=minutes.pk).text == "Opprinnelig"


def test_a_correction_is_a_new_version_and_the_old_one_is_kept(
    world, council, meeting, minutes
) -> None:
    sak = case(world, council.body, meeting)
    services.update_minutes(
        minutes, by=world.secretary, expected_version=None, conclusions={sak.pk: "Rådet støtter"}
    )
    services.approve_minutes(minutes, by=world.secretary)
    services.publish_minutes(minutes, by=world.secretary)
    with pytest.raises(ValidationError, match=r"why|hvorfor"):
        services.correct_minutes(minutes, by=world.secretary, reason="", conclusions={sak.pk: "x"})
    corrected = services.correct_minutes(
        minutes,
        by=world.secretary,
        reason="Feil i vedtaket",
        conclusions={sak.pk: "Rådet støtter ikke"},
    )
    assert corrected.number == 2
    versions = list(MinutesVersion.objects.filter(minutes=minutes).order_by("number"))
    assert versions[0].content["conclusions"][0]["text"] == "Rådet støtter"
    assert versions[1].content["conclusions"][0]["text"] == "Rådet støtter ikke"
    assert versions[1].reason == "Feil i vedtaket"
    assert Minutes.objects.get(pk=minutes.pk).status == Minutes.Status.PUBLISHED
    assert AuditEvent.objects.for_object(meeting).filter(note="", action="created").exists()


def test_approval_at_the_next_meeting_needs_a_later_meeting(
    world, council, meeting, minutes
) -> None:
    with pytest.raises(services.RefusedError):
        services.approve_minutes(
            minutes, by=world.secretary, how=Minutes.ApprovedHow.MEETING, at_meeting=meeting
        )
    next_meeting = plan(world, council.body, days=60)
    services.approve_minutes(
        minutes, by=world.secretary, how=Minutes.ApprovedHow.MEETING, at_meeting=next_meeting
    )
    assert Minutes.objects.get(pk=minutes.pk).approved_at_meeting == next_meeting


def test_only_approved_minutes_are_published(world, council, minutes) -> None:
    with pytest.raises(services.RefusedError):
        services.publish_minutes(minutes, by=world.secretary)
    services.approve_minutes(minutes, by=world.secretary)
    services.publish_minutes(minutes, by=world.secretary)
    assert Notification.objects.filter(
        user=council.members[0].user, subject__contains="publisert"
    ).exists()
