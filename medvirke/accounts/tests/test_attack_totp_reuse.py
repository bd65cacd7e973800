"""Attack: sign in with a TOTP code that was already used (issue 11, point 12).

A code is valid for its whole 30-second window. Whoever sees it typed (over a shoulder, in a
recorded screen, a phishing page relaying it) must not be able to use it again: not the code
just typed to activate the authenticator, and not a code that has signed in once, even when
the second login reaches another worker.
"""

from collections.abc import Iterator

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp
from django.db import connection
from django.urls import reverse

from medvirke.core.caching import clear_process_caches
from medvirke.core.testing import PASSWORD

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXP"
NOW = 58_000_000  # a fixed 30-second window, so a test never straddles two


@pytest.fixture(autouse=True)
def _fixed_window(monkeypatch) -> Iterator[None]:
    window = {"counter": NOW}
    monkeypatch.setattr(totp, "yield_hotp_counters_from_time", lambda: iter([window["counter"]]))
    yield


def code(secret: str, counter: int = NOW) -> str:
    return totp.format_hotp_value(totp.hotp_value(secret, counter))


def password_step(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def activate_totp(client, user) -> str:
    """Set up an authenticator through the pages, as a person does; returns the code used."""
    password_step(client, user)
    page = client.get(reverse("mfa_activate_totp"))
    if page.status_code == 302:  # allauth asks for the password again before an MFA change
        client.post(page["Location"], {"password": PASSWORD})
        page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[totp.SECRET_SESSION_KEY]
    used = code(secret)
    response = client.post(reverse("mfa_activate_totp"), {"code": used})
    assert response.status_code == 302, "activation failed"
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session
    return used


def refused_as_used(response) -> bool:
    return response.status_code == 200 and "Denne koden er allerede brukt" in (
        response.content.decode()
    )


def test_attack_activation_code_signs_in_again(client, world) -> None:
    used = activate_totp(client, world.secretary)
    assert password_step(client, world.secretary)["Location"].startswith(
        reverse("mfa_authenticate")
    )
    response = client.post(reverse("mfa_authenticate"), {"code": used})
    assert refused_as_used(response)
    assert "_auth_user_id" not in client.session


def test_after_the_activation_code_the_next_code_signs_in(client, world, monkeypatch) -> None:
    activate_totp(client, world.secretary)
    totp_row = Authenticator.objects.get(user=world.secretary, type=Authenticator.Type.TOTP)
    secret = totp.decrypt(totp_row.data["secret"])
    monkeypatch.setattr(totp, "yield_hotp_counters_from_time", lambda: iter([NOW + 1]))
    password_step(client, world.secretary)
    response = client.post(reverse("mfa_authenticate"), {"code": code(secret, NOW + 1)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.secretary.pk)


def test_attack_login_code_signs_in_a_second_time_on_another_worker(client, world) -> None:
    Authenticator.objects.create(
        user=world.secretary, type=Authenticator.Type.TOTP, data={"secret": SECRET}
    )
    password_step(client, world.secretary)
    assert client.post(reverse("mfa_authenticate"), {"code": code(SECRET)}).status_code == 302
    client.post(reverse("account_logout"))
    clear_process_caches()  # the second login lands on a worker with fresh memory

    password_step(client, world.secretary)
    response = client.post(reverse("mfa_authenticate"), {"code": code(SECRET)})
    assert refused_as_used(response)
    assert "_auth_user_id" not in client.session


def test_a_wrong_code_is_still_called_wrong(client, world) -> None:
    Authenticator.objects.create(
        user=world.secretary, type=Authenticator.Type.TOTP, data={"secret": SECRET}
    )
    password_step(client, world.secretary)
    wrong = f"{(int(code(SECRET)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "Feil kode" in response.content.decode()
    assert "allerede brukt" not in response.content.decode()


def test_the_used_code_is_kept_in_the_shared_database_table(client, world) -> None:
    activate_totp(client, world.secretary)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM medvirke_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert any(f"totp.used?user={world.secretary.pk}&" in key for key in keys), keys
