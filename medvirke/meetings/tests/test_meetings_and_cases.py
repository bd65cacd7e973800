"""Planning and calling meetings, case numbers, patient cases, proposals."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from medvirke.core.models import AuditEvent, Notification
from medvirke.meetings import services
from medvirke.meetings.models import Case, CaseProposal, Meeting
from medvirke.meetings.services import meetings as meeting_services

from .conftest import at, case, plan


def test_meeting_ending_before_it_starts_is_refused(world, council) -> None:
    with pytest.raises(ValidationError, match=r"end after it starts|slutte etter"):
        services.plan_meeting(
            council.body, starts_at=at(7, 14), ends_at=at(7, 10), by=world.secretary
        )
    assert not Meeting.objects.exists()


def test_database_refuses_a_meeting_ending_before_it_starts(world, council) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(
            body=council.body, starts_at=at(7, 14), ends_at=at(7, 10), created_by=world.secretary
        )


def test_meeting_plan_for_the_year_and_upcoming(world, council) -> None:
    later = plan(world, council.body, days=30)
    sooner = plan(world, council.body, days=3)
    assert list(Meeting.objects.for_body(council.body).upcoming()) == [sooner, later]
    assert sooner in Meeting.objects.in_year(sooner.starts_at.year)
    assert AuditEvent.objects.for_object(council.body).filter(action="created").exists()


def test_calling_a_meeting_tells_every_member_with_the_agenda(world, council, meeting) -> None:
    case(world, council.body, meeting, title="Budsjett 2027")
    services.call_meeting(meeting, by=world.secretary)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CALLED
    told = Notification.objects.filter(user__representative__in=council.members)
    assert told.count() == 3
    assert all("Budsjett 2027" in n.body for n in told)
    with pytest.raises(services.RefusedError):
        services.call_meeting(meeting, by=world.secretary)


def test_cases_are_numbered_per_body_and_year(world, council, meeting) -> None:
    from medvirke.bodies.tests.participation_support import make_council

    first = case(world, council.body, meeting)
    second = case(world, council.body, meeting)
    other_body = make_council(world, name="Ungdomsrådet")
    other = case(world, other_body)
    next_year = plan(world, council.body, days=370)
    third = case(world, council.body, next_year)
    assert (first.number, second.number, other.number, third.number) == (1, 2, 1, 1)
    assert third.year == first.year + 1
    assert first.reference == f"1/{first.year % 100:02d}"
    assert [c.pk for c in Case.objects.on_agenda(meeting)] == [first.pk, second.pk]


def test_a_case_number_taken_meanwhile_is_retried(world, council, meeting, monkeypatch) -> None:
    first = case(world, council.body, meeting)
    real = meeting_services._next_case_number
    stale = iter([first.number])  # as if another transaction allocated it a moment ago

    def next_number(body_id, year):
        return next(stale, None) or real(body_id, year)

    monkeypatch.setattr(meeting_services, "_next_case_number", next_number)
    second = case(world, council.body, meeting)
    assert second.number == first.number + 1


def test_database_refuses_a_duplicate_case_number(world, council, meeting) -> None:
    first = case(world, council.body, meeting)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            body=council.body,
            year=first.year,
            number=first.number,
            title="Duplikat",
            kind=Case.Kind.ORIENTATION,
            ladder_step=2,
            created_by=world.secretary,
        )


def test_a_case_naming_a_patient_by_national_id_is_refused(world, council, meeting) -> None:
    with pytest.raises(ValidationError) as error:
        case(world, council.body, meeting, title="Klage fra pasient 15089310056")
    assert "title" in error.value.message_dict
    assert "individual patients" in str(error.value) or "enkeltpasient" in str(error.value)
    with pytest.raises(ValidationError) as error:
        case(world, council.body, meeting, description="Gjelder 150893 10056, se journal")
    assert "description" in error.value.message_dict
    assert not Case.objects.exists()


def test_eleven_digits_without_valid_check_digits_are_not_a_patient(world, council) -> None:
    assert not services.contains_national_id("Saksnr. 15089310057 i arkivet")
    assert case(world, council.body, description="Arkivref 15089310057").number == 1


def test_a_case_without_the_no_patient_declaration_is_refused(world, council, meeting) -> None:
    with pytest.raises(ValidationError) as error:
        case(world, council.body, meeting, no_individual_patient=False)
    assert "no_individual_patient" in error.value.message_dict


def test_an_exempt_case_needs_its_legal_basis(world, council, meeting) -> None:
    with pytest.raises(ValidationError) as error:
        case(world, council.body, meeting, is_public=False)
    assert "exemption_basis" in error.value.message_dict
    exempt = case(world, council.body, meeting, is_public=False, exemption_basis="offl. § 14")
    assert exempt not in Case.objects.public()


def test_member_proposes_a_case_and_the_secretariat_accepts_it(world, council, meeting) -> None:
    kari = council.members[0].user
    proposal = services.propose_case(
        council.body, title="Parkering ved sykehuset", description="Dyrt og lite plass", by=kari
    )
    assert Notification.objects.filter(user=world.secretary, subject__contains="Parkering").exists()
    accepted = services.accept_proposal(
        proposal, meeting=meeting, kind=Case.Kind.DISCUSSION, by=world.secretary
    )
    proposal.refresh_from_db()
    assert proposal.status == CaseProposal.Status.ACCEPTED and proposal.case == accepted
    assert accepted.meeting == meeting
    assert Notification.objects.filter(user=kari, subject__contains=accepted.reference).exists()


def test_secretariat_answers_a_proposal_with_a_reason(world, council) -> None:
    kari = council.members[0].user
    proposal = services.propose_case(council.body, title="Kantina", description="", by=kari)
    with pytest.raises(ValidationError):
        services.answer_proposal(proposal, reason=" ", by=world.secretary)
    services.answer_proposal(proposal, reason="Hører ikke under rådet", by=world.secretary)
    assert CaseProposal.objects.get().status == CaseProposal.Status.DECLINED
    assert Notification.objects.filter(user=kari, body__contains="Hører ikke under").exists()


def test_outsider_cannot_propose_a_case(world, council) -> None:
    with pytest.raises(services.RefusedError):
        services.propose_case(council.body, title="X", description="", by=world.outsider)


def test_upcoming_excludes_past_meetings(world, council) -> None:
    past = Meeting.objects.create(
        body=council.body,
        starts_at=at(-3, 10),
        ends_at=at(-3, 12),
        created_by=world.secretary,
    )
    assert past not in Meeting.objects.upcoming()
    assert past in Meeting.objects.past()
    assert past.starts_at + timedelta(hours=2) == past.ends_at
