"""The demo's meetings: a year of meetings for the demo councils with every kind of answer to
advice, a dissent, a late paper and a case proposed by a representative; loading twice changes
nothing."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from medvirke.core.models import AuditEvent
from medvirke.meetings.models import (
    AbsenceNotice,
    Advice,
    AdviceResponse,
    AdviceStatus,
    Attendance,
    Case,
    CaseProposal,
    Dissent,
    Meeting,
    Minutes,
    Paper,
)

pytestmark = pytest.mark.django_db
MODELS = [Meeting, Case, Paper, Attendance, AbsenceNotice, Minutes, Advice, AdviceResponse]


def counts() -> dict[str, int]:
    return {
        m.__name__: m._default_manager.count() for m in [*MODELS, Dissent, CaseProposal, AuditEvent]
    }


def test_demo_has_a_year_of_meetings_with_the_whole_ledger() -> None:
    call_command("load_demo", stdout=io.StringIO())
    now = timezone.now()

    past, upcoming = Meeting.objects.past(now), Meeting.objects.upcoming(now)
    assert past.count() >= 6 and upcoming.count() >= 3
    assert not past.filter(status__in=[Meeting.Status.PLANNED, Meeting.Status.CALLED]).exists()
    assert upcoming.filter(status=Meeting.Status.CALLED).count() == 1
    assert upcoming.filter(status=Meeting.Status.PLANNED).exists()
    assert Minutes.objects.filter(status=Minutes.Status.PUBLISHED).count() >= 5
    assert Minutes.objects.filter(status=Minutes.Status.FOR_COMMENT).exists()
    # Attendance at every held meeting; one member absent with a deputy standing in.
    for meeting in past:
        assert meeting.attendance.filter(present=True).exists(), meeting
    notice = AbsenceNotice.objects.get(meeting__ends_at__lte=now)
    assert notice.deputy is not None
    assert Attendance.objects.filter(stands_in_for=notice, present=True).exists()
    # Every answer to advice, one changed answer, one overdue without an answer.
    assert set(Advice.objects.values_list("status", flat=True)) == set(AdviceStatus.values)
    assert set(AdviceResponse.objects.values_list("status", flat=True)) == set(
        AdviceResponse.Status.values
    )
    answered = Advice.objects.filter(responses__isnull=False).distinct().count()
    assert answered < AdviceResponse.objects.count()
    assert Advice.objects.overdue().filter(status=AdviceStatus.UNANSWERED).exists()
    assert Dissent.objects.count() == 1
    assert Paper.objects.filter(late=True).count() == 1
    assert all(p.file.read(5) == b"%PDF-" for p in Paper.objects.all())
    proposal = CaseProposal.objects.get()
    assert proposal.proposed_by.email == "representant@demo.medvirke.no"
    assert proposal.case is not None and proposal.case.meeting is not None
    assert Case.objects.filter(is_public=False).exclude(exemption_basis="").exists()
    # Built through the services: the history is there.
    assert AuditEvent.objects.filter(content_type__model="case").count() == Case.objects.count()
    assert AuditEvent.objects.filter(content_type__model="adviceresponse").count() == (
        AdviceResponse.objects.count()
    )


def test_loading_the_demo_twice_adds_nothing() -> None:
    call_command("load_demo", stdout=io.StringIO())
    before = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == before
