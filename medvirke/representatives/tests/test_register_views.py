"""A coordinator registers a candidate: a request to join the person answers, the e-mail, and
bad input. (The attacks on it are in test_attack_health_access.py.)"""

import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from medvirke.core.models import AuditEvent
from medvirke.core.testing import UserFactory, nb
from medvirke.organisations.models import Invitation
from medvirke.representatives.models import Affiliation, JoinRequest, Representative

from .factories import other_coordinator, page, register

pytestmark = pytest.mark.django_db
URL = reverse("representative_register")


def post(client, world, **data):
    payload = {
        "organisation": world.user_org.pk,
        "email": "Kari.Ny@Example.no",
        "full_name": "Kari Ny",
        **data,
    }
    return client.post(URL, payload)


def test_anonymous_visitor_is_sent_to_login(client, world) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize("persona", ["outsider", "secretary", "administrator", "superuser"])
def test_only_coordinators_may_register(client, world, persona) -> None:
    client.force_login(getattr(world, persona))
    assert client.get(URL).status_code == 403
    assert post(client, world).status_code == 403
    assert not Representative.objects.exists()


def test_coordinator_asks_a_new_person_who_gets_an_e_mail_to_choose_a_password(
    client, world, django_capture_on_commit_callbacks
) -> None:
    client.force_login(world.coordinator)
    assert client.get(URL).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, world)
    assert response.status_code == 302
    assert response["Location"] == reverse("representative_list")
    user = type(world.outsider).objects.get(email="kari.ny@example.no")
    assert user.full_name == "Kari Ny" and not user.has_usable_password()
    # Asked, not registered: no profile and no affiliation until the person says yes.
    assert not Representative.objects.filter(user=user).exists()
    assert not Affiliation.objects.exists()
    join_request = JoinRequest.objects.get(user=user)
    assert join_request.organisation == world.user_org
    assert join_request.status == JoinRequest.Status.OPEN
    assert join_request.requested_by == world.coordinator
    invitation = Invitation.objects.get(email="kari.ny@example.no")
    assert invitation.role == "" and invitation.invited_by == world.coordinator
    assert mail.outbox[-1].to == ["kari.ny@example.no"]
    assert re.search(r"/invitasjon/\S+/", str(mail.outbox[-1].body))
    assert reverse("join_requests") in str(mail.outbox[-1].body)
    event = AuditEvent.objects.for_object(join_request).get()
    assert event.action == AuditEvent.Action.INVITED and event.actor == world.coordinator
    assert "user" not in event.changes  # the account behind the address is not recorded


def test_a_person_who_can_log_in_is_told_in_the_app_and_by_e_mail_not_invited(
    client, world, django_capture_on_commit_callbacks
) -> None:
    UserFactory.create(email="kari.ny@example.no", full_name="Kari Ny")
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, world)
    assert response.status_code == 302
    assert not Representative.objects.filter(user__email="kari.ny@example.no").exists()
    assert not Invitation.objects.exists()
    assert JoinRequest.objects.open().filter(user__email="kari.ny@example.no").exists()
    assert [m.to for m in mail.outbox] == [["kari.ny@example.no"]]


def test_registering_again_while_a_request_is_open_does_not_ask_twice(
    client, world, django_capture_on_commit_callbacks
) -> None:
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, world)
        response = post(client, world, full_name="Kari Igjen")
    assert response.status_code == 302
    assert JoinRequest.objects.count() == 1
    assert len(mail.outbox) == 1
    message = [str(m) for m in get_messages(response.wsgi_request)][-1]
    assert message == nb(
        "A request to %(email)s is already waiting for an answer.", email="kari.ny@example.no"
    )


def test_registering_a_person_already_in_the_organisation_is_refused_next_to_the_e_mail(
    client, world
) -> None:
    register(world, "kari.ny@example.no", "Kari Ny")  # asked, and accepted
    client.force_login(world.coordinator)
    response = post(client, world, email="KARI.NY@example.no")
    text = page(response)
    assert response.status_code == 200
    assert 'id="id_email_error"' in text and "Testforeningen" in text
    assert 'value="KARI.NY@example.no"' in text
    assert Affiliation.objects.count() == 1


def test_a_bad_e_mail_address_gets_a_field_error_and_the_input_is_kept(client, world) -> None:
    client.force_login(world.coordinator)
    response = post(client, world, email="kari.ny@", full_name="Kari Beholdt")
    text = page(response)
    assert response.status_code == 200
    assert 'id="id_email_error"' in text
    assert nb("Enter a valid email address.") in text
    assert 'value="kari.ny@"' in text and 'value="Kari Beholdt"' in text
    assert not Representative.objects.exists()


def test_the_name_is_required(client, world) -> None:
    client.force_login(world.coordinator)
    text = page(post(client, world, full_name=""))
    assert 'id="id_full_name_error"' in text and nb("This field is required.") in text
    assert not Representative.objects.exists()


def test_a_coordinator_cannot_register_into_an_organisation_they_do_not_coordinate(
    client, world
) -> None:
    _stranger, other = other_coordinator()
    client.force_login(world.coordinator)
    response = post(client, world, organisation=other.pk)
    assert response.status_code == 200
    assert 'id="id_organisation_error"' in page(response)
    assert not Representative.objects.exists()


def test_nothing_is_half_saved_when_the_invitation_fails(client, world, monkeypatch) -> None:
    from medvirke.organisations import services as organisation_services

    def broken(**kwargs):
        raise RuntimeError("mail system down")

    monkeypatch.setattr(organisation_services, "invite", broken)
    client.force_login(world.coordinator)
    client.raise_request_exception = False
    response = post(client, world)
    assert response.status_code == 500
    assert not Representative.objects.exists() and not JoinRequest.objects.exists()
    assert not type(world.outsider).objects.filter(email="kari.ny@example.no").exists()


def test_the_new_person_chooses_a_password_and_lands_on_the_request_to_answer(
    client, world, django_capture_on_commit_callbacks
) -> None:
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, world)
    link = re.search(r"(/invitasjon/\S+/)", str(mail.outbox[-1].body))
    assert link
    client.logout()
    response = client.post(
        link.group(1),
        {
            "full_name": "Kari Ny",
            "password1": "et-langt-passord-2026",
            "password2": "et-langt-passord-2026",
        },
    )
    # The account is open, but joining is still the person's own answer to give.
    assert response.status_code == 302 and response["Location"] == reverse("join_requests")
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("svar ja eller nei" in text for text in texts)
    assert not Affiliation.objects.exists()
