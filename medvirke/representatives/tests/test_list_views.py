"""Våre brukerrepresentanter: the coordinator's list, its search, filters and access log."""

import pytest
from django.urls import reverse

from medvirke.core.models import AccessLogEntry
from medvirke.core.testing import OrganisationFactory
from medvirke.organisations.models import Organisation
from medvirke.representatives import services
from medvirke.representatives.models import Affiliation, ExperienceArea

from .factories import other_coordinator, register, table, with_health_data

pytestmark = pytest.mark.django_db
URL = reverse("representative_list")


@pytest.fixture
def people(world):
    kari = register(world, "kari@example.no", "Kari Nordmann")
    ola = register(world, "ola@example.no", "Ola Hansen")
    with_health_data(kari, ["Psykisk helse"])
    with_health_data(ola, ["Kreft"])
    return kari, ola


def test_anonymous_visitor_is_sent_to_login(client, world) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("persona", ["outsider", "secretary", "administrator", "superuser"])
def test_people_who_coordinate_no_organisation_are_refused(client, world, persona) -> None:
    client.force_login(getattr(world, persona))
    assert client.get(URL).status_code == 403


def test_coordinator_sees_own_organisations_representatives_with_areas(
    client, world, people
) -> None:
    client.force_login(world.coordinator)
    response = client.get(URL)
    text = table(response)
    assert response.status_code == 200
    assert "Kari Nordmann" in text and "Ola Hansen" in text
    assert "Psykisk helse" in text and "Kreft" in text
    assert "Testforeningen" in text


def test_the_list_shows_experience_areas_so_each_row_shown_is_in_the_access_log(
    client, world, people
) -> None:
    client.force_login(world.coordinator)
    client.get(URL)
    entry = AccessLogEntry.objects.get(actor=world.coordinator)  # one entry for the showing
    assert sorted(int(pk) for pk in entry.shown_ids) == sorted(p.pk for p in people)
    assert entry.purpose == "representatives list" and entry.path == URL
    for person in people:  # what "who has read my data" finds for each of them
        assert AccessLogEntry.objects.for_object(person).get() == entry


def test_every_showing_of_the_list_is_logged_also_when_it_comes_from_the_cache(
    client, world, people
) -> None:
    client.force_login(world.coordinator)
    client.get(URL)
    client.get(URL)  # the same list again, served from the content cache
    entries = AccessLogEntry.objects.filter(actor=world.coordinator)
    assert entries.count() == 2
    assert all(len(entry.shown_ids) == len(people) for entry in entries)


def test_withdrawn_consent_hides_the_areas_at_once_though_the_list_was_cached(
    client, world, people
) -> None:
    kari, ola = people
    client.force_login(world.coordinator)
    assert "Psykisk helse" in table(client.get(URL))
    services.withdraw_health_consent(kari, by=kari.user)
    text = table(client.get(URL))
    assert "Psykisk helse" not in text and "Kreft" in text
    newest = AccessLogEntry.objects.filter(actor=world.coordinator).order_by("-pk")[0]
    assert newest.shown_ids == [str(ola.pk)]  # only the row still showing health data is logged


def test_coordinator_of_another_organisation_does_not_see_them(client, world, people) -> None:
    stranger, other = other_coordinator()
    register(world, "per@example.no", "Per Annen", organisation=other)
    client.force_login(stranger)
    text = table(client.get(URL))
    assert "Per Annen" in text
    assert "Kari Nordmann" not in text and "Psykisk helse" not in text
    assert not AccessLogEntry.objects.for_object(people[0]).exists()


def test_coordinator_reaches_the_branches_of_their_organisation(client, world) -> None:
    branch = OrganisationFactory.create(
        name="Testforeningen Midt", parent=world.user_org, kind=Organisation.Kind.USER_ORG_BRANCH
    )
    register(world, "lise@example.no", "Lise Lokal", organisation=branch)
    client.force_login(world.coordinator)
    text = table(client.get(URL))
    assert "Lise Lokal" in text and "Testforeningen Midt" in text


def test_search_by_name_or_e_mail(client, world, people) -> None:
    client.force_login(world.coordinator)
    text = table(client.get(URL, {"q": "nordmann"}))
    assert "Kari Nordmann" in text and "Ola Hansen" not in text
    text = table(client.get(URL, {"q": "ola@exa"}))
    assert "Ola Hansen" in text and "Kari Nordmann" not in text


def test_filter_by_experience_area(client, world, people) -> None:
    client.force_login(world.coordinator)
    area = ExperienceArea.objects.get(name_nb="Kreft")
    text = table(client.get(URL, {"area": area.pk}))
    assert "Ola Hansen" in text and "Kari Nordmann" not in text


def test_filter_by_municipality(client, world, people) -> None:
    kommune = OrganisationFactory.create(name="Testvik kommune", kind="municipality")
    kari = people[0]
    kari.municipality = kommune
    services.save_profile(kari, areas=None, by=kari.user)
    client.force_login(world.coordinator)
    text = table(client.get(URL, {"municipality": kommune.pk}))
    assert "Kari Nordmann" in text and "Ola Hansen" not in text


def test_filter_by_approval_status_and_decide_from_the_list(client, world, people) -> None:
    ola = people[1]
    affiliation = Affiliation.objects.get(representative=ola)
    Affiliation.objects.filter(pk=affiliation.pk).update(status=Affiliation.Status.PENDING)
    client.force_login(world.coordinator)
    text = table(client.get(URL, {"status": "pending"}))
    assert "Ola Hansen" in text and "Kari Nordmann" not in text
    assert reverse("affiliation_decide", args=[affiliation.pk]) in text
    text = table(client.get(URL, {"status": "approved"}))
    assert "Kari Nordmann" in text and "Ola Hansen" not in text


def test_invalid_filter_values_are_ignored(client, world, people) -> None:
    client.force_login(world.coordinator)
    response = client.get(URL, {"area": "999999", "status": "nonsense", "q": "kari"})
    assert response.status_code == 200
    assert "Kari Nordmann" in table(response)


def test_the_list_is_paginated_by_fifty(client, world) -> None:
    for i in range(55):
        register(world, f"p{i:02}@example.no", f"Person {i:02}")
    client.force_login(world.coordinator)
    first = table(client.get(URL))
    assert "Person 49" in first and "Person 50" not in first
    second = table(client.get(URL, {"side": 2}))
    assert "Person 50" in second and "Person 54" in second
