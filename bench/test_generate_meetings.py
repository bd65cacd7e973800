"""`bench.generate` for meetings: at small scale the promised numbers of meetings, cases and
advice, the models' rules kept (attendance included), and the same seed gives the same rows."""

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef
from django.utils import timezone

import bench.generate
from bench.generate.bodies import generated_bodies
from bench.generate.meetings import SCALES, counts, generated_meetings
from bench.generate.organisations import USER_EMAIL_SUFFIX
from medvirke.core.models import AuditEvent
from medvirke.meetings import services
from medvirke.meetings.models import (
    AbsenceNotice,
    Advice,
    AdviceResponse,
    AdviceStatus,
    Attendance,
    Case,
    Meeting,
    Minutes,
    Paper,
)

pytestmark = pytest.mark.django_db
SMALL = SCALES["small"]


def generate(seed: int = 1) -> None:
    bench.generate.generate("small", seed)


def generated_with(seed: int) -> list[tuple[Any, ...]]:
    """The snapshot a seed gives, generated in a savepoint that is rolled back afterwards."""
    with transaction.atomic():
        generate(seed)
        result = snapshot()
        transaction.set_rollback(True)
    return result


def snapshot() -> list[tuple[Any, ...]]:
    """What a seed decides, without primary keys."""
    meetings = list(
        Meeting.objects.order_by("body__name", "body__owner__name", "starts_at").values_list(
            "body__name", "starts_at", "ends_at", "status", "place", "created_by__email"
        )
    )
    cases = list(
        Case.objects.order_by("body__name", "body__owner__name", "year", "number").values_list(
            "body__name", "year", "number", "title", "kind", "is_public", "meeting__starts_at"
        )
    )
    advice = list(
        Advice.objects.order_by("case__body__name", "case__year", "case__number").values_list(
            "case__body__name", "case__number", "status", "due_on", "text"
        )
    )
    answers = list(
        AdviceResponse.objects.order_by(
            "advice__case__body__name", "advice__case__year", "advice__case__number", "pk"
        ).values_list("advice__case__number", "status", "responded_at", "responded_by__email")
    )
    attendance = list(
        Attendance.objects.order_by(
            "meeting__body__name", "meeting__starts_at", "person__email"
        ).values_list("meeting__starts_at", "person__email", "present", "arrived_at", "left_at")
    )
    notices = list(
        AbsenceNotice.objects.order_by("meeting__starts_at", "sent_by__email").values_list(
            "meeting__starts_at", "sent_by__email", "sent_at", "deputy__representative__user__email"
        )
    )
    papers = list(
        Paper.objects.order_by("meeting__starts_at", "case__number", "title").values_list(
            "meeting__starts_at", "case__number", "title", "size", "late", "published_at"
        )
    )
    return meetings + cases + advice + answers + attendance + notices + papers


def test_small_scale_has_the_promised_counts() -> None:
    generate(seed=3)

    assert Meeting.objects.count() == SMALL.meetings
    assert Case.objects.count() == SMALL.cases
    assert Advice.objects.count() == SMALL.advice
    assert counts() == {
        "meetings": SMALL.meetings,
        "cases": SMALL.cases,
        "advice": SMALL.advice,
        "attendance": Attendance.objects.count(),
    }
    assert bench.generate.generated_counts()["meetings"] == SMALL.meetings
    statuses = Counter(Advice.objects.values_list("status", flat=True))
    assert set(statuses) == set(AdviceStatus.values)
    answered = Advice.objects.answered().count() + statuses[AdviceStatus.UNDER_CONSIDERATION]
    assert AdviceResponse.objects.count() > answered  # some answers were changed
    assert Advice.objects.overdue().exists()
    late = AdviceResponse.objects.filter(responded_at__date__gt=F("advice__due_on"))
    assert late.exists()
    assert Meeting.objects.upcoming().exists() and Meeting.objects.past().exists()
    assert Minutes.objects.filter(status=Minutes.Status.PUBLISHED).exists()
    assert Case.objects.filter(is_public=False).exists()
    # Bulk data, not anybody's changes: no history.
    assert not AuditEvent.objects.exists()


def test_generated_meetings_keep_the_rules() -> None:
    generate(seed=4)
    now = timezone.now()

    assert not Meeting.objects.filter(ends_at__lte=F("starts_at")).exists()
    # Past meetings are held or have approved minutes; upcoming ones are planned or called.
    assert not Meeting.objects.past(now).filter(status__in=["planned", "called"]).exists()
    assert not Meeting.objects.upcoming(now).filter(status__in=["held", "minutes_approved"])
    approved = Meeting.objects.filter(status=Meeting.Status.MINUTES_APPROVED)
    assert not approved.exclude(minutes__status=Minutes.Status.PUBLISHED).exists()
    # Cases are numbered 1, 2, 3 … per body and year in meeting order; each in its meeting's year.
    assert not Case.objects.exclude(year=F("meeting__starts_at__year")).exists()
    assert not Case.objects.exclude(body=F("meeting__body")).exists()
    per_year = Case.objects.values("body", "year").annotate(n=Count("pk"))
    for row in per_year:
        numbers = list(
            Case.objects.filter(body=row["body"], year=row["year"])
            .order_by("meeting__starts_at", "agenda_order")
            .values_list("number", flat=True)
        )
        assert numbers == list(range(1, row["n"] + 1))
    assert not Case.objects.filter(is_public=False, exemption_basis="").exists()
    # Advice only in advice and consultation cases of held meetings, with a recipient; an
    # answered one's status is its newest answer.
    assert not Advice.objects.exclude(case__kind__in=["advice", "consultation"]).exists()
    assert not Advice.objects.filter(case__meeting__starts_at__gt=now).exists()
    assert not Advice.objects.filter(recipient_unit__isnull=True).exists()
    for advice in Advice.objects.prefetch_related("responses"):
        answers = list(advice.responses.all())  # newest first
        if advice.status == AdviceStatus.UNANSWERED:
            assert not answers
        else:
            assert answers and answers[0].status == advice.status
        assert all(a.responded_at <= now for a in answers)
    # Meetings of ended bodies stop before the body ended.
    for meeting in Meeting.objects.filter(body__ended_on__isnull=False).select_related("body"):
        ended = meeting.body.ended_on
        assert ended is not None and meeting.starts_at.date() < ended


def test_same_seed_gives_the_same_meetings_and_another_does_not() -> None:
    first = generated_with(5)

    assert generated_with(5) == first
    assert generated_with(6) != first


def test_a_meeting_planned_through_the_application_is_not_taken_for_generated() -> None:
    generate(seed=1)
    meeting = Meeting.objects.filter(status=Meeting.Status.PLANNED).first()
    assert meeting is not None

    planned = services.plan_meeting(
        meeting.body,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        by=meeting.created_by,
    )

    assert planned.created_by.email.endswith(USER_EMAIL_SUFFIX)
    assert generated_bodies().filter(pk=meeting.body_id).exists()
    assert not generated_meetings().filter(pk=planned.pk).exists()
    assert generated_meetings().count() == SMALL.meetings


def test_held_meetings_have_attendance_with_notices_and_deputies() -> None:
    generate(seed=7)
    held = Meeting.objects.filter(status__in=[Meeting.Status.HELD, Meeting.Status.MINUTES_APPROVED])

    # Only held meetings have attendance, and nearly all of them some.
    assert not Attendance.objects.exclude(meeting__in=held).exists()
    assert not AbsenceNotice.objects.exclude(meeting__in=held).exists()
    with_rows = held.filter(attendance__isnull=False).distinct().count()
    assert with_rows >= 0.9 * held.count()
    # Each row is a person holding a term in that body on the day, recorded by its secretariat.
    rows = Attendance.objects.select_related(
        "meeting__body", "term__seat", "term__representative", "stands_in_for"
    )
    for row in rows:
        meeting, term = row.meeting, row.term
        day = timezone.localtime(meeting.starts_at).date()
        assert term is not None and term.seat.body_id == meeting.body_id
        assert term.representative.user_id == row.person_id
        assert term.starts_on <= day and (term.ended_on is None or term.ended_on > day)
        assert meeting.body.secretariat.filter(pk=row.recorded_by_id).exists()
        if row.present:
            assert row.arrived_at is not None and row.left_at is not None
            assert meeting.starts_at <= row.arrived_at < row.left_at <= meeting.ends_at
        else:
            assert row.arrived_at is None and row.left_at is None
        if row.stands_in_for is not None:  # a deputy called in, standing in for the notice
            assert row.present and term.seat.role == "deputy"
            assert row.stands_in_for.deputy_id == term.pk
            assert row.stands_in_for.meeting_id == meeting.pk
        else:
            assert term.seat.role != "deputy"
    present = Attendance.objects.filter(present=True)
    assert present.filter(arrived_at__gt=F("meeting__starts_at")).exists()  # some came late
    assert present.filter(left_at__lt=F("meeting__ends_at")).exists()  # some left early
    # Absence notices: sent before the meeting by the member, who is then recorded absent;
    # some led to a deputy being called in, and each called deputy came.
    notices = AbsenceNotice.objects.select_related("meeting", "term__representative")
    assert notices.exists()
    for notice in notices:
        assert notice.sent_at < notice.meeting.starts_at
        assert notice.sent_by_id == notice.term.representative.user_id
        assert Attendance.objects.get(meeting=notice.meeting, term=notice.term).present is False
        if notice.deputy_id:
            assert Attendance.objects.get(meeting=notice.meeting, stands_in_for=notice).present
    assert notices.filter(deputy__isnull=False).exists()
    noticed = AbsenceNotice.objects.filter(meeting=OuterRef("meeting"), term=OuterRef("term"))
    no_show = Attendance.objects.filter(present=False).exclude(Exists(noticed))
    assert no_show.exists()  # a few just did not come
    assert not AuditEvent.objects.exists()


def test_recent_meetings_have_papers_some_late() -> None:
    generate(seed=8)
    now = timezone.now()

    papers = Paper.objects.select_related("meeting", "case")
    assert papers.exists()
    for paper in papers:
        meeting = paper.meeting
        assert meeting.status != Meeting.Status.PLANNED
        assert meeting.starts_at > now - timedelta(days=366)
        assert paper.case is None or paper.case.meeting_id == meeting.pk
        assert paper.late == (paper.published_at > meeting.papers_due_at)
        assert paper.published_at <= now
    # The notice for the meeting as a whole, and papers belonging to cases.
    assert papers.filter(case__isnull=True).exists() and papers.filter(case__isnull=False).exists()
    assert papers.filter(late=True).exists()
    # A recent held meeting's agenda lists them.
    held = Meeting.objects.filter(status=Meeting.Status.HELD, papers__isnull=False).first()
    assert held is not None and held.papers.count() >= 2
