"""Shared pytest fixtures: the persona world and safe defaults for every test."""

import pytest

from medvirke.core.testing import World, allow_flush_of_append_only_tables, build_world

# Transactional tests (live_server) empty every table between tests, the append-only ones too.
allow_flush_of_append_only_tables()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads and demo papers never land in the tree
    settings.MEDVIRKE_REQUIRE_MFA_FOR_STAFF = False
    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "nb"


@pytest.fixture(autouse=True)
def _empty_shared_cache_after_flush(request):  # type: ignore[no-untyped-def]
    """Transactional tests end with a flush, which leaves the cache table alone (no model owns
    it), so used TOTP codes and login counters of one browser test would reach the next."""
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db")
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    if isinstance(caches["default"], DatabaseCache):
        caches["default"].clear()


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    """A small organisation tree with one persona per role (see core/testing.py)."""
    return build_world()
