"""Shared set-up for the participation tests: a council with a secretariat, a call to the
world's user organisation, candidates, and a second organisation with its own coordinator."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from medvirke.bodies import services
from medvirke.bodies.models import Body, Call, Nomination, Seat, Term
from medvirke.core.testing import OrganisationFactory, UserFactory
from medvirke.organisations.models import Organisation, StaffRole
from medvirke.representatives import testing as rep_testing
from medvirke.representatives.models import Representative

TODAY = timezone.localdate()


def make_council(world: Any, name: str = "Brukerutvalget i Testby HF", **kw: Any) -> Body:
    body = Body(
        name=name,
        kind=Body.Kind.TRUST_COUNCIL,
        owner=world.hf,
        ladder_step=2,
        ladder_justification="Rådgivende organ for direktøren",
        mandate=kw.pop(
            "mandate", "Gi råd til direktøren om tjenestene.\n\nMøtes seks ganger i året."
        ),
        member_seats=kw.pop("member_seats", 3),
        deputy_seats=kw.pop("deputy_seats", 1),
        leader_seats=0,
        deputy_leader_seats=0,
        **kw,
    )
    services.create_body(body, by=world.administrator)
    body.secretariat.add(world.secretary)
    return body


def candidate(
    world: Any, name: str, organisation: Organisation | None = None, **kw: Any
) -> Representative:
    rep = rep_testing.register_candidate(
        email=f"{name.lower().replace(' ', '.')}@example.no",
        full_name=name,
        organisation=organisation or world.user_org,
        by=world.coordinator,
    )
    if kw:
        for key, value in kw.items():
            setattr(rep.user, key, value)
        rep.user.save()
    return rep


def open_call(
    world: Any,
    body: Body,
    recipients: list[Organisation] | None = None,
    seats: list[Seat] | None = None,
) -> Call:
    return services.open_call(
        body=body,
        seats=seats or services.vacant_seats(body)[:1],
        deadline=TODAY + timedelta(days=14),
        recipients=recipients or [world.user_org],
        by=world.secretary,
    )


def nominate(world: Any, call: Call, rep: Representative, **kw: Any) -> Nomination:
    return services.nominate(
        call=call,
        representative=rep,
        organisation=kw.pop("organisation", world.user_org),
        justification="Lang erfaring",
        by=kw.pop("by", world.coordinator),
        **kw,
    )


def appoint(world: Any, nomination: Nomination, seat: Seat | None = None, **kw: Any) -> Term:
    body = nomination.call.body
    return services.appoint(
        nomination,
        seat=seat or services.vacant_seats(body)[0],
        starts_on=kw.pop("starts_on", TODAY),
        ends_on=kw.pop("ends_on", TODAY + timedelta(days=730)),
        by=world.secretary,
        **kw,
    )


@pytest.fixture(name="council")
def council_fixture(world: Any) -> Body:
    return make_council(world)


@pytest.fixture(name="other_org")
def other_org_fixture(world: Any) -> Organisation:
    return OrganisationFactory.create(name="Annen forening", kind=Organisation.Kind.USER_ORG)


@pytest.fixture(name="other_coordinator")
def other_coordinator_fixture(other_org: Organisation) -> Any:
    user = UserFactory.create(email="koordinator2@example.no", full_name="Kari Koordinator")
    StaffRole.objects.create(user=user, organisation=other_org, role=StaffRole.Role.COORDINATOR)
    return user
