"""Absence notices, deputies called in rank order, attendance and quorum."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from medvirke.core.models import Notification
from medvirke.meetings import services
from medvirke.meetings.models import AbsenceNotice, Attendance, Meeting

from .conftest import at


def test_absence_notice_calls_the_first_deputy_and_tells_them(world, council, meeting) -> None:
    kari = council.members[0]
    notice = services.send_absence_notice(meeting, representative=kari, by=kari.user)
    first, second = council.deputies
    assert notice.deputy is not None and notice.deputy.representative == first
    assert Notification.objects.filter(user=first.user, subject__contains="kalt inn").exists()
    assert not Notification.objects.filter(user=second.user).exists()
    assert Notification.objects.filter(user=world.secretary, subject__icontains="forfall").exists()


def test_second_absence_calls_the_next_deputy(world, council, meeting) -> None:
    for member in council.members[:2]:
        services.send_absence_notice(meeting, representative=member, by=member.user)
    called = [n.deputy.representative for n in AbsenceNotice.objects.order_by("pk") if n.deputy]
    assert called == council.deputies
    third = services.send_absence_notice(
        meeting, representative=council.members[2], by=world.secretary
    )
    assert third.deputy is None  # no deputy left: the secretariat sees the gap


def test_a_called_deputy_who_cannot_come_passes_to_the_next(world, council, meeting) -> None:
    kari = council.members[0]
    first, second = council.deputies
    services.send_absence_notice(meeting, representative=kari, by=kari.user)
    services.send_absence_notice(meeting, representative=first, by=first.user)
    notice = AbsenceNotice.objects.get(term__representative=kari)
    assert notice.deputy is not None and notice.deputy.representative == second


def test_absence_notice_is_refused_after_the_meeting_started(world, council, meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=at(0, 0), ends_at=at(1, 0))
    meeting.refresh_from_db()
    kari = council.members[0]
    with pytest.raises(services.RefusedError, match=r"started|startet"):
        services.send_absence_notice(meeting, representative=kari, by=kari.user)
    assert not AbsenceNotice.objects.exists()


def test_absence_is_reported_once_and_only_for_oneself(world, council, meeting) -> None:
    kari, ola = council.members[:2]
    with pytest.raises(services.RefusedError):
        services.send_absence_notice(meeting, representative=kari, by=ola.user)
    services.send_absence_notice(meeting, representative=kari, by=kari.user)
    with pytest.raises(services.RefusedError):
        services.send_absence_notice(meeting, representative=kari, by=kari.user)


def test_quorum_counts_members_and_deputies_standing_in(world, council, meeting) -> None:
    kari, ola, per = council.members
    services.send_absence_notice(meeting, representative=kari, by=kari.user)
    assert meeting.quorum().needed == 2  # more than half of three
    services.record_attendance(meeting, person=ola.user, by=world.secretary)
    assert not meeting.quorum().reached
    deputy = council.deputies[0]
    row = services.record_attendance(meeting, person=deputy.user, by=world.secretary)
    assert row.stands_in_for is not None
    assert meeting.quorum().present == 2 and meeting.quorum().reached
    # The second deputy was not called in: present, but not counted.
    services.record_attendance(meeting, person=council.deputies[1].user, by=world.secretary)
    services.record_attendance(meeting, person=per.user, by=world.secretary, present=False)
    assert meeting.quorum().present == 2


def test_quorum_at_a_moment_counts_only_those_there(world, council, meeting) -> None:
    kari, ola, _per = council.members
    start = meeting.starts_at
    services.record_attendance(
        meeting,
        person=kari.user,
        by=world.secretary,
        arrived_at=start,
        left_at=start + timedelta(hours=1),
    )
    services.record_attendance(meeting, person=ola.user, by=world.secretary, arrived_at=start)
    assert meeting.quorum(at=start + timedelta(minutes=30)).reached
    assert not meeting.quorum(at=start + timedelta(hours=2)).reached


def test_attendance_is_one_row_per_person_and_departure_after_arrival(
    world, council, meeting
) -> None:
    kari = council.members[0].user
    start = meeting.starts_at
    with pytest.raises(ValidationError):
        services.record_attendance(
            meeting, person=kari, by=world.secretary, arrived_at=start, left_at=start
        )
    services.record_attendance(meeting, person=kari, by=world.secretary, arrived_at=start)
    services.record_attendance(
        meeting,
        person=kari,
        by=world.secretary,
        arrived_at=start,
        left_at=start + timedelta(hours=1),
    )
    assert Attendance.objects.filter(meeting=meeting, person=kari).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(meeting=meeting, person=kari, recorded_by=world.secretary)
