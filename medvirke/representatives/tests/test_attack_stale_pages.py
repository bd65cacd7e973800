"""The representatives list is built for every request (issue 12): a coordinator whose role is
taken away by a change that writes no history (raw SQL, `QuerySet.update()`) is refused at the
next request, not served the list from a cache until it expires."""

import pytest
from django.urls import reverse

from medvirke.organisations.models import StaffRole

from .factories import register, with_health_data

pytestmark = pytest.mark.django_db


def test_attack_coordinator_demoted_without_history_still_opens_the_list(client, world) -> None:
    kari = register(world, "kari@example.no", "Kari Nordmann")
    with_health_data(kari, ["Kreft"], "Historie")
    client.force_login(world.coordinator)
    url = reverse("representative_list")
    assert "Kari Nordmann" in client.get(url).content.decode()
    # Demoted by a bulk update: no signal, no history event.
    StaffRole.objects.filter(user=world.coordinator).update(role=StaffRole.Role.AUDITOR)
    response = client.get(url)
    assert response.status_code == 403
    assert "Kari Nordmann" not in response.content.decode()
