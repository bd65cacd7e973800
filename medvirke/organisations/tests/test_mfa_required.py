"""With the setting on, staff must set up two-factor authentication before anything else."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from medvirke.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_staff_without_totp_is_sent_to_set_it_up(client, world, settings) -> None:
    settings.MEDVIRKE_REQUIRE_MFA_FOR_STAFF = True
    client.post(reverse("account_login"), {"login": world.secretary.email, "password": PASSWORD})
    response = client.get(reverse("organisation_tree"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    # allauth asks for the password once more before an MFA change (its secure default).
    confirm = client.get(response["Location"])
    assert confirm["Location"].startswith(reverse("account_reauthenticate"))
    confirmed = client.post(confirm["Location"], {"password": PASSWORD})
    setup = client.get(confirmed["Location"])
    assert setup.status_code == 200
    assert b"authenticator_secret" in setup.content


def test_staff_with_totp_gets_through(client, world, settings) -> None:
    settings.MEDVIRKE_REQUIRE_MFA_FOR_STAFF = True
    Authenticator.objects.create(
        user=world.secretary, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    client.force_login(world.secretary)
    assert client.get(reverse("organisation_tree")).status_code == 200


def test_person_without_a_staff_role_is_not_forced(client, world, settings) -> None:
    settings.MEDVIRKE_REQUIRE_MFA_FOR_STAFF = True
    client.force_login(world.outsider)
    assert client.get(reverse("dashboard")).status_code == 200


def test_setting_off_lets_staff_through_without_totp(client, world) -> None:
    client.force_login(world.secretary)
    assert client.get(reverse("dashboard")).status_code == 200
