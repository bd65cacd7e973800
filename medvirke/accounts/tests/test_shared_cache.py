"""The default cache is shared by all workers (issue 11, point 7) and keeps working in tests."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import connection

from medvirke.core.caching import clear_process_caches

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[3]


def test_the_one_cache_is_the_shared_database_one(settings) -> None:
    # No per-process page cache (issue 12): a worker never serves what another has changed.
    assert set(settings.CACHES) == {"default"}
    assert isinstance(caches["default"], DatabaseCache)


def test_migrate_creates_the_cache_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE medvirke_cache")
    assert "medvirke_cache" not in connection.introspection.table_names()
    call_command("migrate", verbosity=0, interactive=False)
    assert "medvirke_cache" in connection.introspection.table_names()
    cache.set("after-migrate", 1)
    assert cache.get("after-migrate") == 1


def test_clearing_the_default_cache_empties_its_table() -> None:
    cache.set("rate-limit-counter", 3)
    cache.clear()
    assert cache.get("rate-limit-counter") is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM medvirke_cache")
        assert cursor.fetchone()[0] == 0


def test_another_workers_fresh_memory_still_sees_the_shared_cache() -> None:
    cache.set("shared", "kept")
    clear_process_caches()
    assert cache.get("shared") == "kept"


def setting_with(environ: dict[str, str], expression: str) -> str:
    """`expression` over the settings module as a fresh process with `environ` computes it."""
    code = f"import medvirke.settings as s; print({expression})"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"MEDVIRKE_REDIS_URL", "MEDVIRKE_BEHIND_PROXY"}
    } | environ
    result = subprocess.run(  # noqa: S603 (fixed command, no shell)
        [sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_redis_is_the_default_cache_when_its_url_is_set() -> None:
    backend = "s.CACHES['default']['BACKEND']"
    assert (
        setting_with({"MEDVIRKE_REDIS_URL": "redis://127.0.0.1:6379/1"}, backend)
        == "django.core.cache.backends.redis.RedisCache"
    )
    assert setting_with({}, backend) == "django.core.cache.backends.db.DatabaseCache"


def test_behind_the_proxy_the_rate_limits_count_the_forwarded_address() -> None:
    assert setting_with({"MEDVIRKE_BEHIND_PROXY": "1"}, "s.ALLAUTH_TRUSTED_PROXY_COUNT") == "1"
    assert setting_with({}, "s.ALLAUTH_TRUSTED_PROXY_COUNT") == "0"
