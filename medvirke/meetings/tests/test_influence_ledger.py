"""The influence ledger: advice, answers by the owner only, notices, follow-up items."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from medvirke.core.models import AuditEvent, Notification
from medvirke.meetings import services
from medvirke.meetings.models import Advice, AdviceResponse, AdviceStatus, Case

from .conftest import case, plan

DUE = timezone.localdate() + timedelta(days=30)


@pytest.fixture(name="advice")
def advice_fixture(world, council, meeting) -> Advice:
    kari = council.members[0].user
    proposal = services.propose_case(
        council.body, title="Ventetid i poliklinikken", description="", by=kari
    )
    sak = services.accept_proposal(
        proposal,
        meeting=meeting,
        kind=Case.Kind.ADVICE,
        by=world.secretary,
        owner_person=world.case_handler,
    )
    return services.record_advice(
        sak, text="Rådet anbefaler SMS-varsel om ventetid", due_on=DUE, by=world.secretary
    )


def test_advice_goes_to_the_case_owner_with_a_due_date(world, advice) -> None:
    assert advice.recipient_person == world.case_handler and advice.due_on == DUE
    assert Notification.objects.filter(user=world.case_handler, subject__contains="Råd").exists()
    assert advice in Advice.objects.open()


def test_only_the_case_owner_or_recipient_may_answer(world, council, advice) -> None:
    for person in (world.secretary, world.outsider, council.members[0].user):
        with pytest.raises(PermissionDenied):
            services.respond_to_advice(
                advice, status=AdviceResponse.Status.FOLLOWED, reasoning="Ja", by=person
            )
    assert not AdviceResponse.objects.exists()


def test_a_unit_recipients_case_handler_may_answer(world, council, meeting) -> None:
    sak = case(world, council.body, meeting, owner_person=None, owner_unit=world.clinic)
    advice = services.record_advice(sak, text="Gjør det", due_on=DUE, by=world.secretary)
    assert advice.recipient_unit == world.clinic
    services.respond_to_advice(
        advice,
        status=AdviceResponse.Status.PARTLY_FOLLOWED,
        reasoning="Delvis",
        by=world.case_handler,
    )
    with pytest.raises(PermissionDenied):
        services.respond_to_advice(
            advice, status=AdviceResponse.Status.FOLLOWED, reasoning="x", by=world.quality_advisor
        )


def test_an_answer_tells_members_and_the_proposer(world, council, advice) -> None:
    Notification.objects.all().delete()
    services.respond_to_advice(
        advice,
        status=AdviceResponse.Status.UNDER_CONSIDERATION,
        reasoning="Vi utreder kostnadene",
        by=world.case_handler,
    )
    told = set(Notification.objects.values_list("user_id", flat=True))
    members = {rep.user.pk for rep in council.members}
    assert members <= told
    assert world.case_handler.pk not in told
    services.respond_to_advice(
        advice,
        status=AdviceResponse.Status.FOLLOWED,
        reasoning="Innført fra mars",
        by=world.case_handler,
    )
    kari = council.members[0].user  # the proposer
    assert Notification.objects.filter(user=kari, subject__startswith="Endret svar").exists()


def test_a_changed_answer_keeps_the_earlier_one(world, advice) -> None:
    services.respond_to_advice(
        advice,
        status=AdviceResponse.Status.NOT_FOLLOWED,
        reasoning="For dyrt",
        by=world.case_handler,
    )
    services.respond_to_advice(
        advice,
        status=AdviceResponse.Status.PARTLY_FOLLOWED,
        reasoning="Pilot",
        by=world.case_handler,
    )
    assert list(advice.responses.values_list("status", flat=True)) == ["partly", "not_followed"]
    assert Advice.objects.get(pk=advice.pk).status == AdviceStatus.PARTLY_FOLLOWED
    assert AuditEvent.objects.filter(object_repr__contains=advice.case.reference).count() >= 3


def test_open_advice_comes_back_on_the_next_agenda_until_answered(
    world, council, meeting, advice
) -> None:
    next_meeting = plan(world, council.body, days=45)
    assert list(Advice.objects.follow_up(council.body, exclude_meeting=next_meeting)) == [advice]
    assert not Advice.objects.follow_up(council.body, exclude_meeting=meeting).exists()
    services.call_meeting(next_meeting, by=world.secretary)
    assert Notification.objects.filter(
        user=council.members[1].user, body__contains="venter fortsatt på svar"
    ).exists()
    services.respond_to_advice(
        advice,
        status=AdviceResponse.Status.UNDER_CONSIDERATION,
        reasoning="Utredes",
        by=world.case_handler,
    )
    assert Advice.objects.follow_up(council.body).count() == 1  # not a final answer yet
    services.respond_to_advice(
        advice, status=AdviceResponse.Status.FOLLOWED, reasoning="Innført", by=world.case_handler
    )
    assert not Advice.objects.follow_up(council.body).exists()


def test_overdue_advice(world, advice) -> None:
    assert advice not in Advice.objects.overdue()
    assert advice in Advice.objects.overdue(on=DUE + timedelta(days=1))


def test_advice_only_in_advice_and_consultation_cases(world, council, meeting) -> None:
    info = case(world, council.body, meeting, kind=Case.Kind.ORIENTATION)
    with pytest.raises(services.RefusedError):
        services.record_advice(info, text="Råd", due_on=DUE, by=world.secretary)


def test_advice_cannot_be_added_to_approved_minutes(world, council, meeting, advice) -> None:
    minutes = services.start_minutes(meeting, by=world.secretary)
    services.approve_minutes(minutes, by=world.secretary)
    with pytest.raises(services.MinutesLockedError):
        services.record_advice(advice.case, text="Mer", due_on=DUE, by=world.secretary)
