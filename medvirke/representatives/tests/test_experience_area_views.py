"""The managed list of experience areas: administrators add and edit, with history."""

import pytest
from django.urls import reverse

from medvirke.core.models import AuditEvent
from medvirke.representatives.models import ExperienceArea

from .factories import page

pytestmark = pytest.mark.django_db
LIST = reverse("experience_area_list")
NEW = reverse("experience_area_create")


def data(**values):
    return {
        "name_nb": "Sjeldne diagnoser",
        "name_en": "Rare diagnoses",
        "is_active": "on",
        "sort_order": "200",
        **values,
    }


def test_anonymous_visitor_is_sent_to_login(client, world) -> None:
    response = client.get(LIST)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize("persona", ["administrator", "superuser"])
def test_administrators_and_platform_operators_see_the_list(client, world, persona) -> None:
    client.force_login(getattr(world, persona))
    response = client.get(LIST)
    assert response.status_code == 200 and "Psykisk helse" in page(response)


@pytest.mark.parametrize("persona", ["coordinator", "secretary", "auditor", "outsider"])
def test_others_are_refused(client, world, persona) -> None:
    area = ExperienceArea.objects.first()
    assert area is not None
    client.force_login(getattr(world, persona))
    assert client.get(LIST).status_code == 403
    assert client.post(NEW, data()).status_code == 403
    edit = reverse("experience_area_edit", args=[area.pk])
    assert client.post(edit, data(name_nb="Endret")).status_code == 403
    assert not ExperienceArea.objects.filter(name_nb__in=["Sjeldne diagnoser", "Endret"]).exists()


def test_administrator_adds_an_area_and_the_history_records_it(client, world) -> None:
    client.force_login(world.administrator)
    response = client.post(NEW, data(required_for_trust_councils="on"))
    assert response.status_code == 302 and response["Location"] == LIST
    area = ExperienceArea.objects.get(name_nb="Sjeldne diagnoser")
    assert area.required_for_trust_councils and area.sort_order == 200
    event = AuditEvent.objects.for_object(area).get()
    assert event.action == "created" and event.actor == world.administrator


def test_administrator_edits_and_retires_an_area(client, world) -> None:
    area = ExperienceArea.objects.get(name_nb="Kreft")
    client.force_login(world.administrator)
    url = reverse("experience_area_edit", args=[area.pk])
    assert 'value="Kreft"' in page(client.get(url))
    response = client.post(url, data(name_nb="Kreft", name_en="Cancer", is_active=""))
    assert response.status_code == 302
    area.refresh_from_db()
    assert not area.is_active
    event = AuditEvent.objects.for_object(area).get()
    assert event.changes["is_active"] == [True, False]
    assert area not in ExperienceArea.objects.active()


def test_a_duplicate_name_is_refused_next_to_the_field_and_the_input_kept(client, world) -> None:
    client.force_login(world.administrator)
    response = client.post(NEW, data(name_nb="Kreft", name_en="Another cancer"))
    text = page(response)
    assert response.status_code == 200
    assert 'id="id_name_nb_error"' in text and 'value="Another cancer"' in text
    assert ExperienceArea.objects.filter(name_nb="Kreft").count() == 1


def test_a_missing_english_name_gets_the_required_message(client, world) -> None:
    from medvirke.core.testing import nb

    client.force_login(world.administrator)
    text = page(client.post(NEW, data(name_en="")))
    assert 'id="id_name_en_error"' in text and nb("This field is required.") in text
    assert not ExperienceArea.objects.filter(name_nb="Sjeldne diagnoser").exists()
