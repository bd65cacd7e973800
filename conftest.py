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
    from medvirke.core.caching import clear_process_caches

    # Cached pages and fragments must not leak from one test into the next. The shared default
    # cache is a table in the test database, emptied by each test's rollback.
    clear_process_caches()
    from medvirke.organisations import tree_index

    tree_index.forget()


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    """A small organisation tree with one persona per role (see core/testing.py)."""
    return build_world()
