"""An ended organisation gives nobody access. Ending one once left its staff roles in force: its
coordinator kept reading the representatives list and its administrator kept editing it. Now
ending it revokes every role held in it (with history) and withdraws its open invitations;
marking it active again brings none of them back. Roles in the organisations below it stay,
because those are still running."""

import pytest
from django.urls import reverse

from medvirke.core.models import AuditEvent
from medvirke.core.testing import UserFactory
from medvirke.organisations import services
from medvirke.organisations.models import Invitation, StaffRole

pytestmark = pytest.mark.django_db


def end(client, actor, organisation) -> None:
    client.force_login(actor)
    response = client.post(reverse("organisation_end", args=[organisation.pk]))
    assert response.status_code == 302


def test_attack_coordinator_of_an_ended_organisation_lists_representatives(client, world) -> None:
    client.force_login(world.coordinator)
    assert client.get(reverse("representative_list")).status_code == 200
    end(client, world.superuser, world.user_org)
    client.force_login(world.coordinator)
    assert client.get(reverse("representative_list")).status_code == 403
    assert not StaffRole.objects.filter(user=world.coordinator).exists()


def test_attack_administrator_of_an_ended_trust_edits_and_invites(client, world) -> None:
    rhf_admin = UserFactory.create(email="rhf-admin@example.no")
    StaffRole.objects.create(
        user=rhf_admin, organisation=world.rhf, role=StaffRole.Role.ADMINISTRATOR
    )
    client.force_login(world.administrator)
    edit = reverse("organisation_edit", args=[world.hf.pk])
    assert client.get(edit).status_code == 200
    end(client, rhf_admin, world.hf)

    client.force_login(world.administrator)
    assert client.get(edit).status_code == 403
    response = client.post(edit, {"name": "Kapret HF", "kind": "hf", "version": world.hf.version})
    assert response.status_code == 403
    invite = reverse("organisation_invite", args=[world.hf.pk])
    assert client.get(invite).status_code == 403
    reactivate = client.post(reverse("organisation_end", args=[world.hf.pk]), {"reactivate": "1"})
    assert reactivate.status_code == 403
    world.hf.refresh_from_db()
    assert world.hf.ended_on is not None and world.hf.name == "Testby HF"
    # Nor does the role reach the units below the ended trust any more.
    assert client.get(reverse("organisation_edit", args=[world.clinic.pk])).status_code == 403


def test_attack_open_invitation_to_an_ended_organisation_is_accepted(client, world) -> None:
    invitation = services.invite(
        email="ny@example.no",
        organisation=world.hf,
        role=StaffRole.Role.SECRETARIAT,
        by=world.administrator,
    )
    token = invitation.new_token()
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=invitation.token_hash)
    assert client.get(reverse("invitation_accept", args=[token])).status_code == 200
    services.end_organisation(world.hf, by=world.superuser)
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    page = client.get(reverse("invitation_accept", args=[token])).content.decode()
    assert "trukket tilbake" in page  # "This invitation has been withdrawn", in Bokmål


def test_ending_revokes_each_role_with_history_and_reactivating_brings_none_back(
    world,
) -> None:
    held = set(StaffRole.objects.filter(organisation=world.hf).values_list("pk", flat=True))
    assert held
    services.end_organisation(world.hf, by=world.superuser)
    assert not StaffRole.objects.filter(organisation=world.hf).exists()
    revoked = AuditEvent.objects.filter(action=AuditEvent.Action.REVOKED, parent_id=world.hf.pk)
    assert {int(e.object_id) for e in revoked} == held
    assert all(e.note == "the organisation ended" and e.actor == world.superuser for e in revoked)
    assert AuditEvent.objects.for_object(world.hf).filter(action="ended").count() == 1

    services.reactivate_organisation(world.hf, by=world.superuser)
    world.hf.refresh_from_db()
    assert world.hf.ended_on is None
    assert not StaffRole.objects.filter(organisation=world.hf).exists()


def test_roles_in_a_running_unit_below_an_ended_trust_stay(world) -> None:
    head = UserFactory.create(email="klinikksjef@example.no")
    StaffRole.objects.create(user=head, organisation=world.clinic, role=StaffRole.Role.CASE_HANDLER)
    services.end_organisation(world.hf, by=world.superuser)
    assert StaffRole.objects.filter(user=head, organisation=world.clinic).exists()


def test_ending_twice_revokes_nothing_more(world) -> None:
    services.end_organisation(world.hf, by=world.superuser)
    before = AuditEvent.objects.count()
    services.end_organisation(world.hf, by=world.superuser)
    assert AuditEvent.objects.count() == before


def test_the_end_button_says_what_ending_does(client, world) -> None:
    client.force_login(world.administrator)
    page = client.get(reverse("organisation_detail", args=[world.clinic.pk])).content.decode()
    assert "avsluttes alle roller her" in page


def test_attack_administrator_above_brings_people_into_an_ended_clinic(client, world) -> None:
    """The HF's administrator (whose role reaches the clinic) and the operator cannot invite
    anyone into an ended clinic or add units below it until it is active again."""
    end(client, world.administrator, world.clinic)
    for actor in (world.administrator, world.superuser):
        client.force_login(actor)
        invite = reverse("organisation_invite", args=[world.clinic.pk])
        assert client.get(invite).status_code == 403
        response = client.post(
            invite, {"email": "inn@example.no", "full_name": "Inn", "role": "secretariat"}
        )
        assert response.status_code == 403
        assert (
            client.get(reverse("organisation_add_unit", args=[world.clinic.pk])).status_code == 403
        )
    assert not Invitation.objects.filter(email="inn@example.no").exists()
    # Active again, the administrator may invite as before.
    client.force_login(world.administrator)
    response = client.post(reverse("organisation_end", args=[world.clinic.pk]), {"reactivate": "1"})
    assert response.status_code == 302
    assert client.get(reverse("organisation_invite", args=[world.clinic.pk])).status_code == 200
