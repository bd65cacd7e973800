"""Editing an employment declaration (the basis of the conflict-of-interest warnings): only the
person, through a form that keeps what was typed and says what is wrong next to the field, and
every change is in the history."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from medvirke.core.models import AuditEvent
from medvirke.core.testing import OrganisationFactory, nb
from medvirke.organisations.models import Organisation
from medvirke.representatives.models import EmploymentDeclaration

from .factories import page, register, with_password

pytestmark = pytest.mark.django_db
ME = reverse("my_representative")


@pytest.fixture
def kari(world, client):
    rep = with_password(register(world, "kari@example.no", "Kari Nordmann"))
    client.force_login(rep.user)
    return rep


@pytest.fixture
def declaration(kari):
    return EmploymentDeclaration.objects.create(
        representative=kari,
        employer_name="Testvik kommune",
        position="Kokk",
        starts_on=date(2020, 1, 1),
    )


def edits() -> bool:
    return AuditEvent.objects.filter(
        action="updated", content_type__model="employmentdeclaration"
    ).exists()


def bokmal(message: str) -> str:
    """What a Bokmål reader sees (the new message may not be in the catalogue yet)."""
    with translation.override("nb"):
        return translation.gettext(message)


def url(declaration: EmploymentDeclaration) -> str:
    return reverse("my_employment_edit", args=[declaration.pk])


def data(**changes):
    return {
        "employer": "",
        "employer_name": "Testvik kommune",
        "position": "Kokk",
        "starts_on": "2020-01-01",
        "ends_on": "",
        **changes,
    }


def test_the_overview_links_to_editing_each_employment(client, declaration) -> None:
    assert url(declaration) in page(client.get(ME))


def test_the_form_shows_the_stored_values(client, declaration) -> None:
    response = client.get(url(declaration))
    text = page(response)
    assert response.status_code == 200
    assert 'value="Testvik kommune"' in text and 'value="Kokk"' in text
    assert 'value="2020-01-01"' in text


def test_the_person_edits_an_employment_and_the_history_keeps_the_old_values(
    client, kari, declaration
) -> None:
    response = client.post(url(declaration), data(position="Kjøkkensjef", ends_on="2024-06-30"))
    assert response.status_code == 302 and response["Location"] == ME
    declaration.refresh_from_db()
    assert declaration.position == "Kjøkkensjef" and declaration.ends_on == date(2024, 6, 30)
    event = AuditEvent.objects.for_object(kari).get(
        action="updated", content_type__model="employmentdeclaration"
    )
    assert event.actor == kari.user and event.object_id == str(declaration.pk)
    assert event.changes == {
        "position": ["Kokk", "Kjøkkensjef"],
        "ends_on": [None, "2024-06-30"],
    }
    assert bokmal("The employment has been saved.") in page(client.get(ME))


def test_saving_without_changes_writes_no_history(client, declaration) -> None:
    assert client.post(url(declaration), data()).status_code == 302
    assert not edits()


def test_choosing_an_employer_in_the_list_replaces_the_old_name(client, world, declaration) -> None:
    response = client.post(url(declaration), data(employer=world.hf.pk))
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.employer == world.hf and declaration.employer_name == "Testby HF"


def test_an_employer_that_has_since_ended_can_be_kept(client, kari) -> None:
    ended = OrganisationFactory.create(
        name="Gamle Testvik kommune",
        kind=Organisation.Kind.MUNICIPALITY,
        ended_on=date(2023, 12, 31),
    )
    declaration = EmploymentDeclaration.objects.create(
        representative=kari, employer=ended, employer_name=ended.name, starts_on=date(2020, 1, 1)
    )
    response = client.post(
        url(declaration), data(employer=ended.pk, employer_name=ended.name, ends_on="2023-12-31")
    )
    assert response.status_code == 302, page(response)
    declaration.refresh_from_db()
    assert declaration.employer == ended and declaration.ends_on == date(2023, 12, 31)


def test_an_end_before_the_start_is_refused_next_to_the_field_and_the_input_is_kept(
    client, declaration
) -> None:
    response = client.post(
        url(declaration), data(position="Kjøkkensjef", starts_on="2021-05-01", ends_on="2021-04-30")
    )
    text = page(response)
    assert response.status_code == 200
    assert 'id="id_ends_on_error"' in text
    assert nb("The end date cannot be before the start date.") in text
    assert 'value="2021-04-30"' in text and 'value="2021-05-01"' in text
    assert 'value="Kjøkkensjef"' in text
    # The title names the stored employer, and nothing was saved or recorded.
    assert "Testvik kommune" in text
    declaration.refresh_from_db()
    assert declaration.position == "Kokk" and declaration.ends_on is None
    assert not edits()


def test_a_bad_date_gets_a_norwegian_message_and_keeps_what_was_typed(client, declaration) -> None:
    response = client.post(url(declaration), data(starts_on="31.31.2020"))
    text = page(response)
    assert 'id="id_starts_on_error"' in text and nb("Enter a valid date.") in text
    assert 'value="31.31.2020"' in text
    declaration.refresh_from_db()
    assert declaration.starts_on == date(2020, 1, 1)


def test_an_employment_needs_an_employer_on_edit_too(client, declaration) -> None:
    response = client.post(url(declaration), data(employer_name=""))
    text = page(response)
    assert 'id="id_employer_name_error"' in text
    assert nb("Write the employer's name, or choose the employer in the list.") in text
    declaration.refresh_from_db()
    assert declaration.employer_name == "Testvik kommune"


def test_another_representative_cannot_edit_it(client, world, declaration) -> None:
    ola = with_password(register(world, "ola@example.no", "Ola Hansen"))
    client.force_login(ola.user)
    assert client.get(url(declaration)).status_code == 404
    assert client.post(url(declaration), data(position="Hacket")).status_code == 404
    declaration.refresh_from_db()
    assert declaration.position == "Kokk"


def test_the_persons_coordinator_cannot_edit_it(client, world, declaration) -> None:
    # Only the person declares employments, so only the person corrects them.
    client.force_login(world.coordinator)
    response = client.post(url(declaration), data(position="Endret av koordinator"))
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    declaration.refresh_from_db()
    assert declaration.position == "Kokk"
    assert not edits()


def test_an_anonymous_visitor_is_sent_to_login(client, declaration) -> None:
    client.logout()
    response = client.get(url(declaration))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
