"""Issue 11, point 2, the secretariats' part of the one health-data rule: the bodies app
contributes "the secretariat handling the person's nomination or term" as a filter
(EXTRA_HEALTH_ACCESS), and the rule still needs the person's consent. (The coordinators' part
and the attacks on registration are in representatives/tests/test_attack_health_access.py.)"""

import pytest
from django.urls import reverse

from medvirke.core.models import AccessLogEntry
from medvirke.representatives.models import Representative
from medvirke.representatives.tests.factories import (
    other_coordinator,
    page,
    register,
    with_health_data,
)

from .participation_support import (
    council_fixture,  # noqa: F401 (fixture)
    nominate,
    open_call,
)

pytestmark = pytest.mark.django_db
HEALTH_TEXT = "Lang erfaring som pårørende i rusfeltet"


@pytest.fixture
def kari(world):
    _coordinator_b, org_b = other_coordinator()
    rep = register(world, "kari@example.no", "Kari Nordmann", organisation=org_b)
    with_health_data(rep, ["Rus / TSB"], HEALTH_TEXT)
    return rep


def profile(rep: Representative) -> str:
    return reverse("representative_detail", args=[rep.pk])


def reads_of(rep: Representative) -> int:
    return AccessLogEntry.objects.for_object(rep).count()


def test_attack_a_secretariat_member_of_another_body_gets_no_health_data(
    client, world, kari, council
) -> None:
    """The secretariat role alone, or a seat in some other body's secretariat, opens nothing."""
    client.force_login(world.secretary)  # in the council's secretariat, Kari not nominated
    assert client.get(profile(kari)).status_code == 403
    assert reads_of(kari) == 0


def test_the_handling_secretariat_sees_health_data_only_with_consent(
    client, world, kari, council
) -> None:
    org_b = kari.affiliations.get().organisation
    coordinator_b = org_b.staff_roles.get().user
    call = open_call(world, council, recipients=[org_b])
    nominate(world, call, kari, by=coordinator_b, organisation=org_b)
    client.force_login(world.secretary)
    response = client.get(profile(kari))
    assert response.status_code == 200 and HEALTH_TEXT in page(response)
    assert reads_of(kari) == 1
    client.force_login(kari.user)
    client.post(reverse("my_health_consent"), {"action": "withdraw"})
    client.force_login(world.secretary)
    response = client.get(profile(kari))
    assert response.status_code == 200 and 'id="access-log-notice"' not in page(response)
    assert reads_of(kari) == 1  # nothing shown, nothing logged


def test_bodies_register_a_filter_not_a_per_person_check(world) -> None:
    from medvirke.bodies.models import Body
    from medvirke.bodies.permissions import handling_secretariat_scope
    from medvirke.representatives.permissions import EXTRA_HEALTH_ACCESS

    assert handling_secretariat_scope in EXTRA_HEALTH_ACCESS
    assert handling_secretariat_scope(world.outsider) is None
    assert Body.objects.count() == 0
