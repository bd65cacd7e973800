"""The technical admin shows representatives read-only and never their health data."""

import pytest
from django.urls import reverse

from medvirke.core.models import AccessLogEntry
from medvirke.representatives.models import Affiliation

from .factories import page, register, with_health_data

pytestmark = pytest.mark.django_db


def test_platform_operator_reads_representatives_without_health_data(client, world) -> None:
    kari = register(world, "kari@example.no", "Kari Nordmann")
    with_health_data(kari, ["Psykisk helse"], "Hemmelig historie")
    client.force_login(world.superuser)
    listing = client.get(reverse("admin:representatives_representative_changelist"))
    assert listing.status_code == 200 and "Kari Nordmann" in page(listing)
    response = client.get(reverse("admin:representatives_representative_change", args=[kari.pk]))
    text = page(response)
    assert response.status_code == 200
    assert "Hemmelig historie" not in text and "Psykisk helse" not in text
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(
    "model", ["representative", "affiliation", "employmentdeclaration", "experiencearea"]
)
def test_nothing_can_be_added_or_changed_in_the_admin(client, world, model) -> None:
    register(world, "kari@example.no", "Kari Nordmann")
    client.force_login(world.superuser)
    assert client.get(reverse(f"admin:representatives_{model}_add")).status_code == 403
    affiliation = Affiliation.objects.get()
    response = client.post(
        reverse("admin:representatives_affiliation_change", args=[affiliation.pk]),
        {"status": "rejected"},
    )
    assert response.status_code == 403
    affiliation.refresh_from_db()
    assert affiliation.status == "approved"
