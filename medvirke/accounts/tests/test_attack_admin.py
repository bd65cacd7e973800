"""The admin (`/drift/`) only reads. A platform operator once ticked is_superuser on another
person in the user form and saved, and no history was written. Every model in the admin is now
read-only (the one exception, removing a lost authenticator, writes history)."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from medvirke.accounts.models import User
from medvirke.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def user_form(user: User, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone,
        "language": user.language,
        "notification_mode": user.notification_mode,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "12:00:00",
        "_save": "Lagre",
    }
    data.update(overrides)
    return data


def test_attack_admin_operator_ticks_is_superuser_on_another_user(client, world) -> None:
    client.force_login(world.superuser)
    events = AuditEvent.objects.count()
    url = reverse("admin:accounts_user_change", args=[world.outsider.pk])
    response = client.post(url, user_form(world.outsider, is_superuser="on", is_staff="on"))
    assert response.status_code == 403
    world.outsider.refresh_from_db()
    assert not world.outsider.is_superuser and not world.outsider.is_staff
    assert AuditEvent.objects.count() == events


def test_attack_admin_operator_adds_a_user(client, world) -> None:
    client.force_login(world.superuser)
    data = user_form(world.outsider, email="ny-drift@example.no", is_superuser="on")
    response = client.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 403
    assert not User.objects.filter(email="ny-drift@example.no").exists()


def test_attack_admin_operator_deletes_a_user(client, world) -> None:
    client.force_login(world.superuser)
    url = reverse("admin:accounts_user_delete", args=[world.outsider.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [world.outsider.pk], "post": "yes"},
    )
    assert response.status_code in {200, 302}  # Django answers an unknown action with the list
    assert User.objects.filter(pk=world.outsider.pk).exists()


def test_attack_admin_operator_moves_an_e_mail_address_to_their_own(client, world) -> None:
    """Changing a person's verified address in allauth's admin hands over their account."""
    client.force_login(world.superuser)
    address = EmailAddress.objects.get(user=world.outsider)
    url = reverse("admin:account_emailaddress_change", args=[address.pk])
    response = client.post(
        url, {"user": world.outsider.pk, "email": "angriper@example.no", "verified": "on"}
    )
    assert response.status_code == 403
    address.refresh_from_db()
    assert address.email == "outsider@example.no"


def test_no_admin_model_can_be_added_changed_or_deleted(world) -> None:
    request = RequestFactory().get("/drift/")
    request.user = world.superuser
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        assert not model_admin.has_add_permission(request), label
        assert not model_admin.has_change_permission(request), label
        if model is not Authenticator:
            assert not model_admin.has_delete_permission(request), label
        assert model_admin.has_view_permission(request), label


def test_staff_without_superuser_sees_nothing_in_the_admin(client, world) -> None:
    """is_staff alone (or a model permission) is no way into the records."""
    world.secretary.is_staff = True
    world.secretary.save(update_fields=["is_staff"])
    client.force_login(world.secretary)
    url = reverse("admin:accounts_user_change", args=[world.outsider.pk])
    assert client.get(url).status_code == 403


def test_operator_reads_a_user_without_the_password_hash(client, world) -> None:
    client.force_login(world.superuser)
    response = client.get(reverse("admin:accounts_user_change", args=[world.outsider.pk]))
    assert response.status_code == 200
    assert world.outsider.email in response.content.decode()
    assert world.outsider.password not in response.content.decode()


def test_removing_a_lost_authenticator_in_the_admin_writes_history(client, world) -> None:
    authenticator = Authenticator.objects.create(
        user=world.secretary, type=Authenticator.Type.TOTP, data={"secret": "hemmelig-frø"}
    )
    client.force_login(world.superuser)
    change = client.get(reverse("admin:mfa_authenticator_change", args=[authenticator.pk]))
    assert "hemmelig-frø" not in change.content.decode()
    url = reverse("admin:mfa_authenticator_delete", args=[authenticator.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Authenticator.objects.filter(pk=authenticator.pk).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.DELETED, object_id=authenticator.pk)
    assert event.actor == world.superuser
    assert event.parent_id == str(world.secretary.pk)
