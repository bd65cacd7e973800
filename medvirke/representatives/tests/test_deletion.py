"""carry_out_deletion on its own (the bodies app's part is tested there): only a recorded
request, only once, never one's own, and people with a staff role keep their login."""

import pytest
from django.urls import reverse

from medvirke.core.models import AuditEvent
from medvirke.organisations.models import StaffRole
from medvirke.representatives import services
from medvirke.representatives.models import Representative

from .factories import register, with_password

pytestmark = pytest.mark.django_db


def asked(rep: Representative) -> Representative:
    services.record_deletion_request(rep, by=rep.user)
    rep.refresh_from_db()
    return rep


def test_nothing_is_deleted_without_a_recorded_request(client, world) -> None:
    rep = register(world, "kari@example.no", "Kari Nordmann")
    with pytest.raises(services.DeletionRefused, match="ikke bedt om å bli slettet"):
        services.carry_out_deletion(rep, by=world.coordinator)
    client.force_login(world.coordinator)
    assert client.get(reverse("deletion_carry_out", args=[rep.pk])).status_code == 404
    rep.refresh_from_db()
    assert rep.deleted_at is None and rep.user.is_active


def test_a_deletion_is_carried_out_once(client, world) -> None:
    rep = asked(register(world, "kari@example.no", "Kari Nordmann"))
    services.carry_out_deletion(rep, by=world.coordinator)
    with pytest.raises(services.DeletionRefused, match="allerede slettet"):
        services.carry_out_deletion(rep, by=world.coordinator)
    assert AuditEvent.objects.for_object(rep).filter(action=AuditEvent.Action.DELETED).count() == 1
    client.force_login(world.coordinator)
    assert client.get(reverse("deletion_carry_out", args=[rep.pk])).status_code == 404


def test_the_box_must_be_ticked(client, world) -> None:
    rep = asked(register(world, "kari@example.no", "Kari Nordmann"))
    client.force_login(world.coordinator)
    response = client.post(reverse("deletion_carry_out", args=[rep.pk]), {})
    assert response.status_code == 200 and 'id="id_confirm_error"' in response.content.decode()
    rep.refresh_from_db()
    assert rep.deleted_at is None


def test_a_person_with_a_staff_role_keeps_login_and_name(world) -> None:
    rep = asked(with_password(register(world, "kari@example.no", "Kari Nordmann")))
    StaffRole.objects.create(user=rep.user, organisation=world.hf, role=StaffRole.Role.AUDITOR)
    rep.birth_year = 1970
    rep.save()
    services.carry_out_deletion(rep, by=world.coordinator)
    rep.refresh_from_db()
    assert rep.deleted_at is not None and rep.birth_year is None
    assert not rep.affiliations.exists()
    assert rep.user.is_active and rep.user.has_usable_password()
    assert rep.user.full_name == "Kari Nordmann" and rep.user.email == "kari@example.no"
    event = AuditEvent.objects.for_object(rep).get(action=AuditEvent.Action.DELETED)
    assert "login kept" in event.note and event.changes["birth_year"] == ["•••", None]


def test_nobody_carries_out_their_own_request(client, world) -> None:
    # The coordinator is also a representative of the organisation they coordinate.
    rep = asked(register(world, world.coordinator.email, "Coordinator"))
    client.force_login(world.coordinator)
    assert client.get(reverse("deletion_requests")).status_code == 200
    assert client.get(reverse("deletion_carry_out", args=[rep.pk])).status_code == 403


def test_a_coordinator_without_requests_sees_an_empty_list(client, world) -> None:
    client.force_login(world.coordinator)
    response = client.get(reverse("deletion_requests"))
    assert response.status_code == 200 and '/slett/"' not in response.content.decode()
