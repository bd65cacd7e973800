"""The shared cache: Django's DatabaseCache on the project database (or Redis, settings.CACHES),
so that allauth's login rate limits and its record of used TOTP codes are shared by every
worker. Pages are not cached across requests (docs/architecture.md, Caching).

The cache table is not a model, so `migrate` alone would not create it: `create_cache_table`
runs `createcachetable` after every migrate, so the setup, `medvirke demo`, `medvirke serve`
and the test database all have it without a step anyone can forget (the command skips an
existing table).
"""

from typing import Any

from django.core.cache import caches
from django.core.management import call_command


def create_cache_table(using: str = "default", **kwargs: Any) -> None:
    """post_migrate receiver: create the DatabaseCache tables on the migrated database."""
    call_command("createcachetable", database=using, verbosity=0)


def clear_process_caches() -> None:
    """Empty every cache held in this process's memory: the attack tests use it to stand for a
    request that lands on another worker, whose memory holds nothing of this one's.

    A DatabaseCache is left alone: clearing it needs the database, which a test may not be
    allowed to touch, and inside a test it is a table the test's rollback empties anyway.
    """
    from django.core.cache.backends.db import DatabaseCache

    for each in caches.all():
        if not isinstance(each, DatabaseCache):
            each.clear()
