"""Attacks on the MFA rule for operators and staff (issue 11, point 3).

With MEDVIRKE_REQUIRE_MFA_FOR_STAFF on, a platform operator, an admin user or anyone with a
staff role must not get past the login with a password alone: not into /drift/, not through
the admin's own login form, and not after a role is granted in the middle of a session.
"""

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medvirke.core.testing import PASSWORD, UserFactory
from medvirke.organisations.models import StaffRole

pytestmark = pytest.mark.django_db

TOTP_SECRET = "JBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def _mfa_required(settings) -> None:
    settings.MEDVIRKE_REQUIRE_MFA_FOR_STAFF = True


def password_login(client, user) -> None:
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, "the password step itself must succeed"


def sent_to_totp_setup(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("mfa_activate_totp")
    )


def test_attack_superuser_with_password_only_reaches_drift(client, world) -> None:
    password_login(client, world.superuser)
    response = client.get("/drift/")
    assert sent_to_totp_setup(response)
    assert "next=%2Fdrift%2F" in response["Location"]


def test_attack_superuser_with_password_only_reaches_the_admin_user_list(client, world) -> None:
    password_login(client, world.superuser)
    assert sent_to_totp_setup(client.get("/drift/accounts/user/"))


def test_attack_admin_access_without_a_role_or_superuser_skips_totp(client, world) -> None:
    operator = UserFactory.create(email="drift@example.no", is_staff=True)
    password_login(client, operator)
    assert sent_to_totp_setup(client.get("/drift/"))


def test_attack_role_granted_mid_session_is_never_challenged(client, world) -> None:
    password_login(client, world.outsider)
    # No role yet: MFA is not needed, and the person gets their page.
    assert client.get(reverse("dashboard")).status_code == 200
    StaffRole.objects.create(
        user=world.outsider, organisation=world.hf, role=StaffRole.Role.SECRETARIAT
    )
    assert sent_to_totp_setup(client.get(reverse("dashboard")))


def test_attack_admin_login_form_skips_the_totp_step(client, world) -> None:
    Authenticator.objects.create(
        user=world.superuser, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )
    response = client.post(
        reverse("admin:login"),
        {"username": world.superuser.email, "password": PASSWORD, "next": "/drift/"},
    )
    # The admin's form is never shown or processed: it goes to allauth's login, which asks
    # for the TOTP code after the password.
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert client.get("/drift/").status_code == 302  # still signed out


def test_the_admin_login_page_leads_to_allauths_login_and_back(client, world) -> None:
    response = client.get(reverse("admin:login") + "?next=/drift/accounts/user/")
    assert response["Location"] == reverse("account_login") + "?next=%2Fdrift%2Faccounts%2Fuser%2F"
    anonymous = client.get("/drift/")
    followed = client.get(anonymous["Location"])
    assert followed["Location"] == reverse("account_login") + "?next=%2Fdrift%2F"


def test_superuser_with_totp_reaches_drift(client, world) -> None:
    Authenticator.objects.create(
        user=world.superuser, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )
    client.force_login(world.superuser)
    assert client.get("/drift/").status_code == 200


def test_role_ended_mid_session_no_longer_asks_for_totp(client, world) -> None:
    client.force_login(world.secretary)
    assert sent_to_totp_setup(client.get(reverse("dashboard")))
    StaffRole.objects.filter(user=world.secretary).delete()
    assert client.get(reverse("dashboard")).status_code == 200


def test_the_check_costs_one_query_per_request(client, world) -> None:
    client.force_login(world.secretary)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("dashboard"))
    checks = [q["sql"] for q in ctx.captured_queries if "mfa_authenticator" in q["sql"]]
    assert len(checks) == 1, checks
    assert "organisations_staffrole" in checks[0]
