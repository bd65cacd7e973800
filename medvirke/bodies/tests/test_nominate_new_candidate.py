"""Naming a new candidate on the nomination form: the person is asked to join the coordinator's
organisation (a request they answer themselves, issue 11) and is nominated from the list once
they have accepted; nobody is registered or nominated without having said yes."""

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from medvirke.bodies.models import Nomination
from medvirke.core.models import AuditEvent, Notification
from medvirke.core.testing import OrganisationFactory
from medvirke.organisations.models import Invitation, Organisation
from medvirke.representatives import services_joining
from medvirke.representatives.models import Affiliation, JoinRequest, Representative

from .participation_support import (
    candidate,
    council_fixture,  # noqa: F401 (fixture)
    open_call,
    other_coordinator_fixture,  # noqa: F401 (fixture)
    other_org_fixture,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db
User = get_user_model()


def text(response) -> str:
    return html.unescape(response.content.decode())


def post_new(client, call, **extra):
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


def test_a_new_candidate_is_asked_to_join_and_not_nominated_until_they_accept(
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

    user = User.objects.get(email="nora.ny@example.no")
    assert user.full_name == "Nora Ny" and user.phone == "+47 900 00 000"
    assert not user.has_usable_password()
    assert not Representative.objects.filter(user=user).exists()
    assert not Affiliation.objects.filter(representative__user=user).exists()
    assert not Nomination.objects.exists()
    join_request = JoinRequest.objects.get(user=user)
    assert join_request.organisation == world.user_org and join_request.municipality == municipality
    invitation = Invitation.objects.get(email="nora.ny@example.no")
    assert invitation.role == "" and invitation.status == "pending"
    assert [m.to for m in mail.outbox if "nora.ny@example.no" in m.to]
    assert not Notification.objects.filter(user=world.secretary).exists()

    # Nora accepts: she is approved, gets the municipality typed, and can be nominated.
    services_joining.accept_join_request(join_request, by=user)
    nora = Representative.objects.get(user=user)
    assert nora.municipality == municipality and nora.registered_by == world.coordinator
    response = post_new(client, call, candidate_kind="existing", representative=nora.pk)
    assert response.status_code == 302
    nomination = Nomination.objects.get(call=call)
    assert nomination.representative == nora
    assert AuditEvent.objects.for_object(nomination).filter(actor=world.coordinator).exists()


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
    assert not Nomination.objects.exists()
    assert JoinRequest.objects.count() == 1  # Kari's, from the set-up


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


def test_without_approved_representatives_asking_a_new_one_is_the_way(
    client, world, council
) -> None:
    call = open_call(world, council)
    client.force_login(world.coordinator)
    page = text(client.get(reverse("participation_call", args=[call.pk])))
    assert 'name="representative"' not in page and 'name="new_email"' in page
    data = {
        "organisation": world.user_org.pk,
        "new_full_name": "Nora Ny",
        "new_email": "nora.ny@example.no",
        "justification": "",  # written when she is nominated
    }
    response = client.post(reverse("participation_call", args=[call.pk]), data)
    assert response.status_code == 302
    assert JoinRequest.objects.open().get().user.email == "nora.ny@example.no"
    assert not Nomination.objects.exists()


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
