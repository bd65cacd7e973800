"""The public directory of user organisations (000 tiltak 2.2.1.2): active user organisations
with their branches and contact details, searchable by name."""

import pytest
from django.urls import reverse

from medvirke.core.testing import OrganisationFactory
from medvirke.organisations.models import Organisation

from .support import TODAY, text

pytestmark = pytest.mark.django_db
K = Organisation.Kind


@pytest.fixture(name="mental_helse")
def mental_helse_fixture(world) -> Organisation:
    org = OrganisationFactory.create(
        name="Mental Helse",
        short_name="MH",
        kind=K.USER_ORG,
        email="post@mentalhelse.example",
        phone="23 10 90 90",
        website="https://mentalhelse.example",
        address="Storgata 1, 0155 Oslo",
    )
    OrganisationFactory.create(
        name="Mental Helse Trøndelag",
        kind=K.USER_ORG_BRANCH,
        parent=org,
        email="trondelag@mentalhelse.example",
    )
    OrganisationFactory.create(
        name="Mental Helse Nedlagt lag", kind=K.USER_ORG_BRANCH, parent=org, ended_on=TODAY
    )
    return org


def directory(client, query: str = "") -> str:
    return text(client.get(reverse("portal_organisation_list") + query))


def test_directory_lists_user_organisations_with_branches_and_contact(
    client, world, mental_helse
) -> None:
    page = directory(client)
    assert "Mental Helse" in page
    assert world.user_org.name in page
    assert 'href="mailto:post@mentalhelse.example"' in page
    assert 'href="tel:23109090"' in page
    assert 'href="https://mentalhelse.example"' in page
    assert "Storgata 1, 0155 Oslo" in page
    assert "Mental Helse Trøndelag" in page
    assert "trondelag@mentalhelse.example" in page


def test_directory_leaves_out_health_trusts_and_ended_organisations(
    client, world, mental_helse
) -> None:
    OrganisationFactory.create(name="Nedlagt forening", kind=K.USER_ORG, ended_on=TODAY)
    page = directory(client)
    for name in [world.hf.name, world.rhf.name, world.clinic.name, world.other_hf.name]:
        assert name not in page, name
    assert "Nedlagt forening" not in page
    assert "Mental Helse Nedlagt lag" not in page


def test_directory_search_matches_name_short_name_and_branches(client, world, mental_helse) -> None:
    def names(query: str) -> set[str]:
        response = client.get(reverse("portal_organisation_list") + query)
        assert response.status_code == 200
        return {org.name for org in response.context["page"].object_list}

    assert names("?q=mental") == {"Mental Helse"}
    assert names("?q=MH") == {"Mental Helse"}
    assert names("?q=trøndelag") == {"Mental Helse"}
    assert names("?q=testforen") == {world.user_org.name}
    assert names("?q=nedlagt") == set()  # an ended branch does not make its organisation match
    assert names("?q=finnes+ikke") == set()
    assert names("") == {"Mental Helse", world.user_org.name}
    page = directory(client, "?q=mental")
    assert 'value="mental"' in page
    assert f'href="{reverse("portal_organisation_list")}"' in page  # clear the search


def test_directory_is_paginated_keeping_the_search(client, world) -> None:
    Organisation.objects.bulk_create(
        Organisation(name=f"Forening {i:02}", kind=K.USER_ORG) for i in range(30)
    )
    response = client.get(reverse("portal_organisation_list") + "?q=forening")
    assert len(response.context["page"].object_list) == 25
    assert "?q=forening&amp;side=2" in response.content.decode()
