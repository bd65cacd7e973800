"""A coordinator of one organisation never sees another organisation's candidates' health data,
and a coordinator's allowed read is written to the access log exactly once (issue 3)."""

import pytest
from django.urls import reverse

from medvirke.core.models import AccessLogEntry
from medvirke.representatives.models import Representative

from .factories import other_coordinator, page, register, with_health_data

pytestmark = pytest.mark.django_db
HEALTH_TEXT = "Lang erfaring som pårørende i rusfeltet"


@pytest.fixture
def setting(world):
    """Kari belongs to the other organisation (B) only; the world's coordinator is A's."""
    coordinator_b, org_b = other_coordinator()
    kari = register(world, "kari@example.no", "Kari Nordmann", organisation=org_b)
    with_health_data(kari, ["Rus / TSB"], HEALTH_TEXT)
    return kari, coordinator_b


def test_a_coordinator_of_another_organisation_gets_no_health_data_and_no_log_entry(
    client, world, setting
) -> None:
    kari, _coordinator_b = setting
    client.force_login(world.coordinator)
    response = client.get(reverse("representative_detail", args=[kari.pk]))
    assert response.status_code == 403
    assert HEALTH_TEXT not in page(response)
    assert not AccessLogEntry.objects.exists()


def test_the_persons_own_coordinator_reads_it_and_exactly_one_entry_is_written(
    client, setting
) -> None:
    kari, coordinator_b = setting
    client.force_login(coordinator_b)
    url = reverse("representative_detail", args=[kari.pk])
    response = client.get(url)
    assert response.status_code == 200 and HEALTH_TEXT in page(response)
    entry = AccessLogEntry.objects.get()
    assert entry.actor == coordinator_b
    assert entry.object_id == str(kari.pk) and entry.content_type.model == "representative"
    assert entry.path == url


def test_each_read_is_logged_and_only_the_reader_is_named(client, world, setting) -> None:
    kari, coordinator_b = setting
    client.force_login(coordinator_b)
    url = reverse("representative_detail", args=[kari.pk])
    client.get(url)
    client.get(url)
    assert list(AccessLogEntry.objects.values_list("actor", flat=True)) == [coordinator_b.pk] * 2


def test_the_other_organisations_list_does_not_show_or_log_the_person(
    client, world, setting
) -> None:
    _kari, _coordinator_b = setting
    ola = register(world, "ola@example.no", "Ola Nordmann")  # A's own representative
    with_health_data(ola, ["Psykisk helse"])
    client.force_login(world.coordinator)
    response = client.get(reverse("representative_list"))
    text = page(response)
    assert response.status_code == 200
    assert "Ola Nordmann" in text and "Kari Nordmann" not in text
    # The list shows experience areas: Ola's row is logged, Kari is neither shown nor logged.
    assert list(AccessLogEntry.objects.values_list("shown_ids", flat=True)) == [[str(ola.pk)]]


def test_a_person_in_both_organisations_is_seen_by_both_coordinators_each_read_logged(
    client, world, setting
) -> None:
    kari, coordinator_b = setting
    register(world, "kari@example.no", "Kari Nordmann")  # now also in A (the world's org)
    assert Representative.objects.count() == 1
    url = reverse("representative_detail", args=[kari.pk])
    for coordinator in (world.coordinator, coordinator_b):
        client.force_login(coordinator)
        assert HEALTH_TEXT in page(client.get(url))
    assert sorted(AccessLogEntry.objects.values_list("actor", flat=True)) == sorted(
        [world.coordinator.pk, coordinator_b.pk]
    )


def test_a_rejected_affiliation_no_longer_opens_the_health_data(client, setting) -> None:
    kari, coordinator_b = setting
    affiliation = kari.affiliations.get()
    client.force_login(coordinator_b)
    client.post(reverse("affiliation_decide", args=[affiliation.pk]), {"decision": "reject"})
    before = AccessLogEntry.objects.count()
    response = client.get(reverse("representative_detail", args=[kari.pk]))
    assert HEALTH_TEXT not in page(response)
    assert AccessLogEntry.objects.count() == before  # nothing read, nothing logged


def test_a_coordinator_cannot_approve_their_own_affiliation(client, world) -> None:
    me = register(world, world.coordinator.email, "Kari Koordinator", organisation=world.user_org)
    me.affiliations.update(status="pending", decided_by=None)
    affiliation = me.affiliations.get()
    client.force_login(world.coordinator)
    response = client.post(
        reverse("affiliation_decide", args=[affiliation.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    affiliation.refresh_from_db()
    assert affiliation.status == "pending"
