"""Attack: guess a password across workers, each with its own memory (issue 11, point 7).

allauth allows 5 failed logins per account in 5 minutes. With the counter in each worker's own
memory, three workers allowed 15. The counter lives in the shared default cache (a database
table), so wiping every process-local cache between attempts, as another worker would see it,
still leaves the sixth attempt refused.
"""

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.urls import reverse

from medvirke.core.caching import clear_process_caches
from medvirke.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _allauth_rate_limits(settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {}  # allauth's defaults, as in production (tests turn them off)


def attempt(client, email: str, password: str):
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    clear_process_caches()  # the next attempt lands on a worker with fresh memory
    return response


def test_attack_sixth_password_guess_on_another_worker_is_refused(client, world) -> None:
    email = world.secretary.email
    for guess in range(5):
        response = attempt(client, email, f"feil-passord-{guess}")
        assert response.status_code == 200  # the form again, with an error
        assert "_auth_user_id" not in client.session
    # Even the right password is refused now: the account is locked for a while.
    response = attempt(client, email, PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "For mange innloggingsforsøk" in response.content.decode()


def test_the_failed_login_counter_is_kept_in_the_database_table(client, world) -> None:
    assert isinstance(caches["default"], DatabaseCache)
    attempt(client, world.secretary.email, "feil-passord")
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM medvirke_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert any("login_failed" in key for key in keys), keys


def test_behind_the_proxy_one_attackers_failures_do_not_lock_out_everyone(
    client, world, settings
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # as with MEDVIRKE_BEHIND_PROXY=1
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.9", "REMOTE_ADDR": "10.0.0.2"}
    for guess in range(12):
        client.post(
            reverse("account_login"),
            {"login": f"gjett{guess}@example.no", "password": "feil-passord"},
            **attacker,
        )
    colleague = {"HTTP_X_FORWARDED_FOR": "198.51.100.7", "REMOTE_ADDR": "10.0.0.2"}
    response = client.post(
        reverse("account_login"),
        {"login": world.secretary.email, "password": PASSWORD},
        **colleague,
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.secretary.pk)


def test_attack_flood_of_made_up_logins_does_not_wipe_an_accounts_counter(client, world) -> None:
    # Django's database cache drops live rows past MAX_ENTRIES (300 by default): failed logins
    # under that many made-up e-mails would reset the counter of the account under attack.
    shared = caches["default"]
    assert shared._max_entries >= 100_000
    for guess in range(5):
        attempt(client, world.secretary.email, f"feil-passord-{guess}")
    shared.set_many({f"flood-{i}": 1 for i in range(400)}, timeout=300)
    response = attempt(client, world.secretary.email, PASSWORD)
    assert "_auth_user_id" not in client.session
    assert "For mange innloggingsforsøk" in response.content.decode()
