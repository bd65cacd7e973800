"""Call → nomination → appointment → confirmation → resignation → new call, with the refusals
and warnings the secretariat and the coordinator must see (001 p.13, 18, 26)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from medvirke.bodies import services
from medvirke.bodies.models import Body, Nomination, Seat, Term
from medvirke.core.models import AuditEvent
from medvirke.representatives import testing as rep_testing
from medvirke.representatives.models import EmploymentDeclaration, Representative

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def council(world):
    body = Body(
        name="Brukerutvalget i Testby HF",
        kind=Body.Kind.TRUST_COUNCIL,
        owner=world.hf,
        ladder_step=2,
        ladder_justification="Rådgivende organ for direktøren",
        mandate="Gi råd til direktøren.",
        member_seats=2,
        deputy_seats=1,
        leader_seats=0,
        deputy_leader_seats=0,
    )
    services.create_body(body, by=world.administrator)
    body.secretariat.add(world.secretary)
    return body


def candidate(world, name: str) -> Representative:
    return rep_testing.register_candidate(
        email=f"{name.lower()}@example.no",
        full_name=name,
        organisation=world.user_org,
        by=world.coordinator,
    )


def open_call(world, council, seats=None):
    return services.open_call(
        body=council,
        seats=seats or services.vacant_seats(council)[:1],
        deadline=TODAY + timedelta(days=14),
        recipients=[world.user_org],
        by=world.secretary,
    )


def nominate(world, call, rep, **kw):
    return services.nominate(
        call=call,
        representative=rep,
        organisation=world.user_org,
        justification="Lang erfaring",
        by=world.coordinator,
        **kw,
    )


def member_seat(council, rank: int = 1) -> Seat:
    return council.seats.get(role=Seat.Role.MEMBER, rank=rank)


def test_creating_a_body_creates_its_seats(council) -> None:
    roles = sorted(council.seats.values_list("role", "rank"))
    assert roles == [("deputy", 1), ("member", 1), ("member", 2)]


def test_whole_workflow_leaves_a_complete_history(world, council) -> None:
    kari, ola = candidate(world, "Kari"), candidate(world, "Ola")
    call = open_call(world, council)
    n1, n2 = nominate(world, call, kari), nominate(world, call, ola)
    term = services.appoint(
        n1,
        seat=member_seat(council),
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=730),
        by=world.secretary,
    )
    services.decline(n2, reason="Dekker ikke området vi trenger", by=world.secretary)
    services.confirm(term, by=kari.user)
    vacant = services.end_term(term, reason=Term.EndReason.RESIGNED, by=kari.user)
    assert vacant == member_seat(council)  # no deputy holds a term, so nobody steps in
    new_call = services.open_call_for_vacancy(vacant, by=world.secretary)
    assert list(new_call.recipients.all()) == [world.user_org]
    events = AuditEvent.objects.for_object(council)
    actors = {(e.actor_label, e.action) for e in events}
    assert (world.secretary.display_name, "created") in actors  # call, term
    assert (world.coordinator.display_name, "created") in actors  # nominations
    assert (kari.user.display_name, "accepted") in actors  # confirmation
    assert (kari.user.display_name, "ended") in actors  # resignation
    assert Nomination.objects.get(pk=n2.pk).decline_reason == "Dekker ikke området vi trenger"


def test_first_deputy_steps_in_when_a_member_resigns(world, council) -> None:
    kari, ola = candidate(world, "Kari"), candidate(world, "Ola")
    call = open_call(world, council, seats=list(council.seats.all()))
    member = services.appoint(
        nominate(world, call, kari),
        seat=member_seat(council),
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=730),
        by=world.secretary,
    )
    services.appoint(
        nominate(world, call, ola),
        seat=council.seats.get(role=Seat.Role.DEPUTY),
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=730),
        by=world.secretary,
    )
    vacant = services.end_term(member, reason=Term.EndReason.RESIGNED, by=world.secretary)
    assert vacant.role == Seat.Role.DEPUTY
    assert Term.objects.current().get(seat=member_seat(council)).representative == ola


def test_nominating_to_a_closed_call_is_refused(world, council) -> None:
    call = open_call(world, council)
    type(call).objects.filter(pk=call.pk).update(closed_at=timezone.now())
    with pytest.raises(services.RefusedError, match=r"closed|stengt|lukket"):
        nominate(world, call, candidate(world, "Kari"))


def test_the_same_person_cannot_be_nominated_twice_to_one_call(world, council) -> None:
    call, kari = open_call(world, council), candidate(world, "Kari")
    nominate(world, call, kari)
    with pytest.raises(services.RefusedError):
        nominate(world, call, kari)
    assert Nomination.objects.filter(call=call).count() == 1


def test_appointing_to_an_occupied_seat_is_refused(world, council) -> None:
    call = open_call(world, council)
    kari, ola = candidate(world, "Kari"), candidate(world, "Ola")
    n1, n2 = nominate(world, call, kari), nominate(world, call, ola)
    seat = member_seat(council)
    services.appoint(
        n1, seat=seat, starts_on=TODAY, ends_on=TODAY + timedelta(days=730), by=world.secretary
    )
    with pytest.raises(services.RefusedError):
        services.appoint(
            n2,
            seat=seat,
            starts_on=TODAY,
            ends_on=TODAY + timedelta(days=730),
            by=world.administrator,
        )
    assert Term.objects.current().filter(seat__body=council).count() == 1


def test_the_database_refuses_two_open_terms_in_one_seat(world, council) -> None:
    """The last line of defence when two secretaries appoint at the same moment."""
    from django.db import IntegrityError, transaction

    kari, ola = candidate(world, "Kari"), candidate(world, "Ola")
    seat = member_seat(council)
    Term.objects.create(
        seat=seat,
        representative=kari,
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=10),
        appointed_by=world.secretary,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Term.objects.create(
            seat=seat,
            representative=ola,
            starts_on=TODAY,
            ends_on=TODAY + timedelta(days=10),
            appointed_by=world.secretary,
        )
    assert connection.vendor in {"sqlite", "postgresql"}


def test_a_term_ending_before_it_starts_is_refused(world, council) -> None:
    call = open_call(world, council)
    nomination = nominate(world, call, candidate(world, "Kari"))
    with pytest.raises(services.RefusedError):
        services.appoint(
            nomination,
            seat=member_seat(council),
            starts_on=TODAY,
            ends_on=TODAY - timedelta(days=1),
            by=world.secretary,
        )


def test_employment_in_the_owner_warns_and_needs_a_recorded_reason(world, council) -> None:
    kari = candidate(world, "Kari")
    EmploymentDeclaration.objects.create(
        representative=kari,
        employer=world.clinic,
        employer_name=world.clinic.name,
        starts_on=date(2020, 1, 1),
    )
    call = open_call(world, council)
    with pytest.raises(services.NeedsOverrideError) as refused:
        nominate(world, call, kari)
    assert refused.value.warnings[0].code == "employment"
    nomination = nominate(world, call, kari, override_reason="Ansatt i en annen klinikk")
    assert nomination.override_reason == "Ansatt i en annen klinikk"
    with pytest.raises(services.NeedsOverrideError):
        services.appoint(
            nomination,
            seat=member_seat(council),
            starts_on=TODAY,
            ends_on=TODAY + timedelta(days=730),
            by=world.secretary,
        )
    term = services.appoint(
        nomination,
        seat=member_seat(council),
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=730),
        by=world.secretary,
        override_reason="Styret har vurdert habiliteten",
    )
    event = AuditEvent.objects.for_object(term).get()
    assert event.changes["override_reason"] == [None, "Styret har vurdert habiliteten"]


def test_a_term_past_the_maximum_total_time_warns(world, council) -> None:
    kari = candidate(world, "Kari")
    old_seat = member_seat(council, 2)
    Term.objects.create(
        seat=old_seat,
        representative=kari,
        starts_on=date(2019, 1, 1),
        ends_on=date(2025, 1, 1),
        ended_on=date(2025, 1, 1),
        end_reason=Term.EndReason.TERM_END,
        appointed_by=world.secretary,
    )
    call = open_call(world, council)
    with pytest.raises(services.NeedsOverrideError) as refused:
        nominate(world, call, kari)
    assert refused.value.warnings[0].code == "max_years"


def test_a_candidate_not_approved_by_the_organisation_cannot_be_nominated(world, council) -> None:
    kari = candidate(world, "Kari")
    kari.affiliations.update(status="pending")
    with pytest.raises(services.RefusedError):
        nominate(world, open_call(world, council), kari)


def test_an_expired_term_carries_over_until_a_successor_starts(world, council) -> None:
    kari, ola = candidate(world, "Kari"), candidate(world, "Ola")
    seat = member_seat(council)
    old = Term.objects.create(
        seat=seat,
        representative=kari,
        starts_on=date(2023, 1, 1),
        ends_on=TODAY - timedelta(days=5),
        appointed_by=world.secretary,
    )
    assert old.is_carried_over
    assert list(Term.objects.carried_over()) == [old]
    nomination = nominate(world, open_call(world, council), ola)
    services.appoint(
        nomination,
        seat=seat,
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=730),
        by=world.secretary,
    )
    old.refresh_from_db()
    assert old.ended_on == TODAY and old.end_reason == Term.EndReason.REPLACED
