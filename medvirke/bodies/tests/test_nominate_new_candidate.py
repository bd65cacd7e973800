"""Inviting a new candidate from the nomination form: registered with the coordinator's
organisation (approved), invited to choose a password, and nominated, in one transaction."""

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from medvirke.bodies.models import Call, Nomination
from medvirke.core.models import AuditEvent, Notification
from medvirke.core.testing import OrganisationFactory
from medvirke.organisations.models import Invitation, Organisation
from medvirke.representatives.models import Affiliation, Representative

from .participation_support import (
    candidate,
    council_fixture,  # noqa: F401 (fixture)
    open_call,
    other_coordinator_fixture,  # noqa: F401 (fixture)
    other_org_fixture,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db
User = get_user_model()


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def post_new(client, call, **extra):  # type: ignore[no-untyped-def]
    data = {
        "organisation": call.recipients.first().pk,
        "candidate_kind": "new",
        "new_full_name": "Nora Ny",
        "new_email": "Nora.Ny@example.no",
        "new_phone": "+47 900 00 000",
        "justification": "Erfaring som pårørende i rusfeltet",
        **extra,
    }
    return client.post(reverse("participation_call", args=[call.pk]), data)


def test_the_form_offers_to_invite_a_new_candidate(client, world, council) -> None:
    candidate(world, "Kari Nordmann")
    call = open_call(world, council)
    client.force_login(world.coordinator)
    page = text(client.get(reverse("participation_call", args=[call.pk])))
    assert 'name="candidate_kind"' in page and 'value="new"' in page
    assert 'name="representative"' in page
    for name in ("new_full_name", "new_email", "new_phone", "new_municipality"):
        assert f'name="{name}"' in page


def test_coordinator_invites_and_nominates_a_new_candidate(
    client, world, council, django_capture_on_commit_callbacks
) -> None:
    municipality = OrganisationFactory.create(
        name="Testby kommune", kind=Organisation.Kind.MUNICIPALITY
    )
    call = open_call(world, council)
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_new(client, call, new_municipality=municipality.pk)
    assert response.status_code == 302
    assert response["Location"] == reverse("participation_call", args=[call.pk])

    nora = Representative.objects.select_related("user").get(user__email="nora.ny@example.no")
    assert nora.user.full_name == "Nora Ny" and nora.user.phone == "+47 900 00 000"
    assert nora.municipality == municipality and nora.registered_by == world.coordinator
    assert not nora.user.has_usable_password() and nora.health_consent_at is None
    affiliation = Affiliation.objects.get(representative=nora)
    assert affiliation.organisation == world.user_org
    assert affiliation.status == Affiliation.Status.APPROVED
    invitation = Invitation.objects.get(email="nora.ny@example.no")
    assert invitation.role == "" and invitation.status == "pending"
    assert [m.to for m in mail.outbox if "nora.ny@example.no" in m.to]
    nomination = Nomination.objects.get(call=call)
    assert nomination.representative == nora
    assert nomination.justification == "Erfaring som pårørende i rusfeltet"
    assert nomination.nominated_by == world.coordinator
    assert Notification.objects.filter(user=world.secretary, subject__contains="Nora Ny").exists()
    assert AuditEvent.objects.for_object(nomination).filter(actor=world.coordinator).exists()

    page = text(client.get(response["Location"]))
    assert "Nora Ny" in page  # in our nominations, and in the message


def test_a_duplicate_address_is_refused_next_to_the_field_and_input_kept(
    client, world, council
) -> None:
    candidate(world, "Kari Nordmann")
    call = open_call(world, council)
    client.force_login(world.coordinator)
    response = post_new(
        client, call, new_full_name="Kari Igjen", new_email="KARI.NORDMANN@example.no"
    )
    assert response.status_code == 200
    page = text(response)
    assert 'id="id_new_email_error"' in page and world.user_org.name in page
    assert 'value="Kari Igjen"' in page and "Erfaring som pårørende i rusfeltet" in page
    assert re.search(r'value="new" id="[^"]+" checked', page)  # the choice is kept too
    assert not Nomination.objects.exists()
    assert not User.objects.filter(full_name="Kari Igjen").exists()


def test_name_and_address_are_needed_for_a_new_candidate(client, world, council) -> None:
    candidate(world, "Kari Nordmann")
    call = open_call(world, council)
    client.force_login(world.coordinator)
    response = post_new(client, call, new_full_name=" ", new_email="")
    page = text(response)
    assert 'id="id_new_full_name_error"' in page and 'id="id_new_email_error"' in page
    assert 'id="id_representative_error"' not in page
    assert not Nomination.objects.exists() and not Invitation.objects.exists()


def test_choosing_from_the_list_needs_a_candidate(client, world, council) -> None:
    candidate(world, "Kari Nordmann")
    call = open_call(world, council)
    client.force_login(world.coordinator)
    response = post_new(client, call, candidate_kind="existing", representative="")
    page = text(response)
    assert 'id="id_representative_error"' in page and 'id="id_new_email_error"' not in page
    assert not Nomination.objects.exists() and not Representative.objects.filter(
        user__email="nora.ny@example.no"
    )


def test_a_refused_nomination_leaves_no_registration_or_invitation(
    client, world, council, django_capture_on_commit_callbacks
) -> None:
    call = open_call(world, council)
    Call.objects.filter(pk=call.pk).update(closed_at=timezone.now())
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_new(client, call)
    assert response.status_code == 200
    page = text(response)
    assert 'id="id_new_email_error"' in page and 'value="Nora Ny"' in page
    assert not User.objects.filter(email="nora.ny@example.no").exists()
    assert not Invitation.objects.exists() and not Nomination.objects.exists()
    assert not mail.outbox


def test_without_approved_representatives_inviting_is_the_way(client, world, council) -> None:
    call = open_call(world, council)
    client.force_login(world.coordinator)
    page = text(client.get(reverse("participation_call", args=[call.pk])))
    assert 'name="representative"' not in page and 'name="new_email"' in page
    data = {
        "organisation": world.user_org.pk,
        "new_full_name": "Nora Ny",
        "new_email": "nora.ny@example.no",
        "justification": "Ny kandidat",
    }
    response = client.post(reverse("participation_call", args=[call.pk]), data)
    assert response.status_code == 302
    assert Nomination.objects.get(call=call).representative.user.email == "nora.ny@example.no"


def test_a_coordinator_the_call_was_not_sent_to_cannot_invite_through_it(
    client, world, council, other_coordinator
) -> None:
    call = open_call(world, council)
    client.force_login(other_coordinator)
    assert post_new(client, call).status_code == 403
    assert not User.objects.filter(email="nora.ny@example.no").exists()


def test_the_existing_way_still_nominates_from_the_list(client, world, council) -> None:
    kari = candidate(world, "Kari Nordmann")
    call = open_call(world, council)
    client.force_login(world.coordinator)
    response = post_new(client, call, candidate_kind="existing", representative=kari.pk)
    assert response.status_code == 302
    assert Nomination.objects.get(call=call).representative == kari
    assert not User.objects.filter(email="nora.ny@example.no").exists()
