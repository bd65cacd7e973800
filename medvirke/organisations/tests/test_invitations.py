"""Inviting a colleague: the e-mail, the link, setting a password, and every way it can fail."""

import html
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from medvirke.core.models import AuditEvent
from medvirke.core.testing import PASSWORD, UserFactory, nb
from medvirke.organisations import services
from medvirke.organisations.models import Invitation, StaffRole

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture(autouse=True)
def _run_on_commit(django_capture_on_commit_callbacks, monkeypatch):
    """Tests run inside a transaction that never commits; run the after-commit e-mail task as
    soon as each invitation is saved, as production does after its commit."""
    original = services.invite

    def invite_and_commit(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(**kwargs)

    monkeypatch.setattr(services, "invite", invite_and_commit)


def invite_via_page(client, world, **data):
    client.force_login(world.administrator)
    payload = {
        "email": "Kari.Ny@Example.no",
        "full_name": "Kari Ny",
        "role": StaffRole.Role.SECRETARIAT,
        "message": "Velkommen!",
        **data,
    }
    return client.post(reverse("organisation_invite", args=[world.hf.pk]), payload)


def link_from_mail() -> str:
    match = re.search(r"https?://\S+/invitasjon/(\S+)/", str(mail.outbox[-1].body))
    assert match
    return reverse("invitation_accept", args=[match.group(1)])


def test_administrator_invites_and_the_person_gets_a_norwegian_e_mail_with_a_link(
    client, world
) -> None:
    response = invite_via_page(client, world)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kari.ny@example.no"]
    assert "Testby HF" in message.subject
    assert nb("Open this link to accept and choose your password:") in message.body
    invitation = Invitation.objects.get()
    assert invitation.invited_by == world.administrator
    assert AuditEvent.objects.for_object(world.hf).filter(action="invited").exists()


def test_invited_person_sets_a_password_and_gets_the_role(client, world) -> None:
    invite_via_page(client, world)
    client.logout()
    url = link_from_mail()
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "full_name": "Kari Ny",
            "password1": "sommer-fjell-2026",
            "password2": "sommer-fjell-2026",
        },
    )
    assert response.status_code == 302
    kari = StaffRole.objects.get(organisation=world.hf, user__email="kari.ny@example.no").user
    assert kari.full_name == "Kari Ny"
    assert kari.check_password("sommer-fjell-2026")
    assert EmailAddress.objects.get(user=kari).verified
    dashboard = client.get(reverse("dashboard"))
    assert "Testby HF" in page(dashboard)
    actions = set(AuditEvent.objects.for_object(world.hf).values_list("action", flat=True))
    assert {"invited", "accepted", "granted"} <= actions


def test_mismatching_passwords_are_refused_and_the_name_is_kept(client, world) -> None:
    invite_via_page(client, world)
    client.logout()
    response = client.post(
        link_from_mail(),
        {
            "full_name": "Kari Nyland",
            "password1": "sommer-fjell-2026",
            "password2": "vinter-fjell-2026",
        },
    )
    text = page(response)
    assert nb("The two passwords are not the same.") in text
    assert 'value="Kari Nyland"' in text
    assert not StaffRole.objects.filter(user__email="kari.ny@example.no").exists()


def test_expired_invitation_says_so_clearly(client, world) -> None:
    invite_via_page(client, world)
    url = link_from_mail()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    client.logout()
    response = client.get(url)
    assert response.status_code == 410
    expired = str(nb("This invitation expired on %(date)s. Ask %(name)s for a new one."))
    assert expired.split(" ")[0] in page(response)
    assert world.administrator.display_name in page(response)


def test_an_invitation_can_be_used_only_once(client, world) -> None:
    invite_via_page(client, world)
    client.logout()
    url = link_from_mail()
    data = {
        "full_name": "Kari Ny",
        "password1": "sommer-fjell-2026",
        "password2": "sommer-fjell-2026",
    }
    client.post(url, data)
    client.logout()
    again = client.get(url)
    assert again.status_code == 410
    assert nb("This invitation has already been used. Log in instead.") in page(again)
    assert StaffRole.objects.filter(user__email="kari.ny@example.no").count() == 1


def test_inviting_someone_already_invited_is_refused_with_the_input_kept(client, world) -> None:
    invite_via_page(client, world)
    response = invite_via_page(client, world, message="Andre gang")
    assert response.status_code == 200
    text = page(response)
    assert (
        nb(
            "This person has already been invited to this role. The invitation is waiting "
            "to be accepted."
        )
        in text
    )
    assert "Andre gang" in text
    assert Invitation.objects.count() == 1 and len(mail.outbox) == 1


def test_inviting_someone_who_already_has_the_role_is_refused(client, world) -> None:
    response = invite_via_page(client, world, email=world.secretary.email)
    assert nb("This person already has this role in %(org)s.", org="Testby HF") in page(response)
    assert not mail.outbox


def test_invalid_e_mail_address_is_refused(client, world) -> None:
    response = invite_via_page(client, world, email="kari.example.no")
    assert nb("Enter a valid email address.") in page(response)
    assert not Invitation.objects.exists()


def test_an_expired_invitation_can_be_replaced_by_a_new_one(world) -> None:
    first = services.invite(
        email="a@example.no",
        organisation=world.hf,
        role=StaffRole.Role.AUDITOR,
        by=world.administrator,
    )
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(days=1))
    services.invite(
        email="a@example.no",
        organisation=world.hf,
        role=StaffRole.Role.AUDITOR,
        by=world.administrator,
    )
    assert Invitation.objects.get(pk=first.pk).revoked_at is not None
    assert Invitation.objects.pending().count() == 1


def test_existing_account_accepts_by_logging_in(client, world) -> None:
    services.invite(
        email=world.outsider.email,
        organisation=world.hf,
        role=StaffRole.Role.CASE_HANDLER,
        by=world.administrator,
    )
    url = link_from_mail()
    anonymous = page(client.get(url))
    assert nb("Log in") in anonymous
    client.login(email=world.outsider.email, password=PASSWORD)
    response = client.post(url)
    assert response.status_code == 302
    assert StaffRole.objects.filter(user=world.outsider, organisation=world.hf).exists()


def test_logged_in_as_someone_else_cannot_take_the_invitation(client, world) -> None:
    services.invite(
        email="kari@example.no",
        organisation=world.hf,
        role=StaffRole.Role.ADMINISTRATOR,
        by=world.administrator,
    )
    url = link_from_mail()
    client.force_login(world.outsider)
    response = client.post(url)
    assert response.status_code == 200
    assert not StaffRole.objects.filter(user=world.outsider, organisation=world.hf).exists()


def test_withdrawn_invitation_link_no_longer_works(client, world) -> None:
    invite_via_page(client, world)
    url = link_from_mail()
    invitation = Invitation.objects.get()
    client.post(reverse("invitation_withdraw", args=[world.hf.pk, invitation.pk]))
    client.logout()
    response = client.get(url)
    assert response.status_code == 410
    assert nb("This invitation has been withdrawn. Ask the person who invited you.") in page(
        response
    )


def test_revoking_a_role_is_recorded_in_the_history(client, world) -> None:
    role = StaffRole.objects.get(user=world.secretary)
    client.force_login(world.administrator)
    client.post(reverse("role_revoke", args=[world.hf.pk, role.pk]))
    assert not StaffRole.objects.filter(pk=role.pk).exists()
    event = AuditEvent.objects.for_object(world.hf).get(action="revoked")
    assert event.actor == world.administrator
    assert event.changes["user"][0] == str(world.secretary)


def test_a_new_user_cannot_sign_up_without_an_invitation(client) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": "x@example.no",
            "password1": "sommer-fjell-2026",
            "password2": "sommer-fjell-2026",
        },
    )
    assert not UserFactory._meta.model.objects.filter(email="x@example.no").exists()
    assert response.status_code == 200


def test_an_account_registered_without_password_is_activated_by_its_invitation(
    client, world
) -> None:
    """A coordinator registers a representative (no password) and invites them without a
    staff role; the link lets them choose a password and log in."""
    model = type(world.outsider)
    rep_user = model.objects.create_user("rep@example.no", None, full_name="Rita Rep")
    services.invite(
        email="rep@example.no", organisation=world.user_org, role="", by=world.coordinator
    )
    url = link_from_mail()
    response = client.post(
        url,
        {
            "full_name": "Rita Representant",
            "password1": "sommer-fjell-2026",
            "password2": "sommer-fjell-2026",
        },
    )
    assert response.status_code == 302, page(response)[-2500:]
    rep_user.refresh_from_db()
    assert rep_user.check_password("sommer-fjell-2026")
    assert rep_user.full_name == "Rita Representant"
    assert not StaffRole.objects.filter(user=rep_user).exists()
    assert EmailAddress.objects.get(user=rep_user).verified
