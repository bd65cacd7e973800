"""Bad input on the organisation forms: a clear Norwegian message next to the field, what was
typed is kept, and nothing is half-saved."""

import html

import pytest
from django.urls import reverse

from medvirke.core.models import AuditEvent
from medvirke.core.testing import nb
from medvirke.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return html.unescape(response.content.decode())


def post_new_unit(client, world, **data):
    client.force_login(world.administrator)
    payload = {"name": "Enhet for rehabilitering", "kind": Organisation.Kind.UNIT, **data}
    return client.post(reverse("organisation_add_unit", args=[world.hf.pk]), payload)


def test_invalid_organisation_number_is_refused_next_to_the_field_and_input_kept(
    client, world
) -> None:
    response = post_new_unit(client, world, org_number="123456789", email="post@enhet.no")
    assert response.status_code == 200
    text = page(response)
    assert (
        nb(
            "%(value)s is not a valid organisation number: "
            "it has 9 digits, the last a check digit.",
            value="123456789",
        )
        in text
    )
    assert 'id="id_org_number_error"' in text  # the message sits next to the field
    assert 'aria-invalid="true"' in text
    assert 'value="Enhet for rehabilitering"' in text and 'value="post@enhet.no"' in text
    assert not Organisation.objects.filter(name="Enhet for rehabilitering").exists()


def test_organisation_number_with_spaces_is_accepted_as_digits(client, world) -> None:
    response = post_new_unit(client, world, org_number="983 974 724")
    assert response.status_code == 302
    assert Organisation.objects.get(name="Enhet for rehabilitering").org_number == "983974724"


def test_duplicate_organisation_number_is_refused(client, world) -> None:
    response = post_new_unit(client, world, org_number=world.rhf.org_number)
    assert nb("Another organisation already has this number.") in page(response)
    assert not Organisation.objects.filter(name="Enhet for rehabilitering").exists()


def test_empty_name_is_refused_with_an_error_summary(client, world) -> None:
    response = post_new_unit(client, world, name="")
    text = page(response)
    assert "ds-error-summary" in text
    assert 'href="#id_name"' in text
    assert nb("This field is required.") in text


def test_too_long_name_is_refused(client, world) -> None:
    response = post_new_unit(client, world, name="x" * 201)
    assert response.status_code == 200
    assert 'id="id_name_error"' in page(response)
    assert not Organisation.objects.filter(parent=world.hf, kind="unit").exists()


def test_a_unit_cannot_be_given_a_kind_that_does_not_belong_under_its_parent(client, world) -> None:
    response = post_new_unit(client, world, kind=Organisation.Kind.RHF)
    assert response.status_code == 200
    assert 'id="id_kind_error"' in page(response)


def test_creating_a_unit_writes_history_with_the_actor(client, world) -> None:
    post_new_unit(client, world)
    unit = Organisation.objects.get(name="Enhet for rehabilitering")
    event = AuditEvent.objects.for_object(unit).get()
    assert event.actor == world.administrator
    assert event.changes["name"] == [None, "Enhet for rehabilitering"]
    assert AuditEvent.objects.for_object(world.hf).filter(object_id=str(unit.pk)).exists()


def test_two_administrators_editing_at_once_do_not_overwrite_each_other(client, world) -> None:
    client.force_login(world.administrator)
    url = reverse("organisation_edit", args=[world.hf.pk])
    opened_version = world.hf.version
    # Someone else saves first.
    first = client.post(
        url, {"name": "Testby HF", "kind": "hf", "phone": "22 00 00 00", "version": opened_version}
    )
    assert first.status_code == 302
    second = client.post(
        url, {"name": "Testby helseforetak", "kind": "hf", "version": opened_version}
    )
    assert second.status_code == 200
    text = page(second)
    assert (
        nb(
            "Someone else saved changes to this organisation while you were editing. Your "
            "changes are kept below: compare with the organisation page and save again."
        )
        in text
    )
    assert 'value="Testby helseforetak"' in text
    org = Organisation.objects.get(pk=world.hf.pk)
    assert org.name == "Testby HF" and org.phone == "22 00 00 00"


def test_editing_records_each_changed_field(client, world) -> None:
    client.force_login(world.administrator)
    client.post(
        reverse("organisation_edit", args=[world.hf.pk]),
        {"name": "Testby HF", "kind": "hf", "email": "post@testby.no", "version": world.hf.version},
    )
    event = AuditEvent.objects.for_object(world.hf).get(action=AuditEvent.Action.UPDATED)
    assert event.changes == {"email": ["", "post@testby.no"]}


def test_ending_and_reactivating_is_recorded(client, world) -> None:
    client.force_login(world.administrator)
    url = reverse("organisation_end", args=[world.clinic.pk])
    client.post(url)
    assert Organisation.objects.get(pk=world.clinic.pk).ended_on is not None
    client.post(url, {"reactivate": "1"})
    assert Organisation.objects.get(pk=world.clinic.pk).ended_on is None
    actions = list(AuditEvent.objects.for_object(world.clinic).values_list("action", flat=True))
    assert sorted(actions) == ["ended", "reactivated"]


def test_administrator_of_one_trust_cannot_edit_a_sibling_trust(client, world) -> None:
    client.force_login(world.administrator)
    response = client.post(
        reverse("organisation_edit", args=[world.other_hf.pk]),
        {"name": "Kapret", "kind": "hf", "version": 1},
    )
    assert response.status_code == 403
    assert Organisation.objects.get(pk=world.other_hf.pk).name == "Annenby HF"


def test_administrator_role_reaches_units_below(client, world) -> None:
    client.force_login(world.administrator)
    response = client.post(
        reverse("organisation_edit", args=[world.clinic.pk]),
        {
            "name": "Klinikk for psykisk helse og rus",
            "kind": "clinic",
            "version": world.clinic.version,
        },
    )
    assert response.status_code == 302
    assert Organisation.objects.get(pk=world.clinic.pk).name == "Klinikk for psykisk helse og rus"


def test_search_finds_organisations_by_name_and_short_name(client, world) -> None:
    client.force_login(world.outsider)
    text = page(client.get(reverse("organisation_tree"), {"q": "htm"}))
    assert "Helse Testmidt RHF" in text
    assert "Testby HF" not in text
