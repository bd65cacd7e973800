"""The secretariat of a body handling a person's nomination may read their health data if the
person has consented; the read is logged."""

import pytest
from django.test import RequestFactory
from django.utils import timezone

from medvirke.bodies import services as body_services
from medvirke.bodies.models import Body
from medvirke.core.models import AccessLogEntry
from medvirke.representatives import services, testing
from medvirke.representatives.permissions import get_representative_for_user

pytestmark = pytest.mark.django_db


def read_as(user, rep):
    request = RequestFactory().get(f"/representanter/{rep.pk}/")
    request.user = user
    return get_representative_for_user(request, rep.pk, purpose="profile")


def test_the_secretariat_handling_an_appointment_may_read(world) -> None:
    kari = testing.register_candidate(
        email="kari@example.no",
        full_name="Kari Nordmann",
        organisation=world.user_org,
        by=world.coordinator,
    )
    body = Body.objects.create(
        name="Brukerutvalget",
        kind=Body.Kind.TRUST_COUNCIL,
        owner=world.hf,
        ladder_step=2,
        ladder_justification="x",
        mandate="y",
    )
    body.secretariat.add(world.secretary)
    body_services.sync_seats(body)
    call = body_services.open_call(
        body=body,
        seats=list(body.seats.all()[:1]),
        deadline=timezone.localdate(),
        recipients=[world.user_org],
        by=world.secretary,
    )
    body_services.nominate(
        call=call,
        representative=kari,
        organisation=world.user_org,
        justification="God kandidat",
        by=world.coordinator,
    )
    # Without the person's consent the secretariat opens the profile, not the health data.
    _rep, health = read_as(world.secretary, kari)
    assert not health and not AccessLogEntry.objects.exists()
    services.give_health_consent(kari, by=kari.user)
    _rep, health = read_as(world.secretary, kari)
    assert health
    assert AccessLogEntry.objects.filter(actor=world.secretary).count() == 1
