"""What the page layout shows about the logged-in person (menu entries, the organisation
switcher, the unread count), cached per person.

Every page shows it, so computing it costs four queries on every request. Instead it is cached
under the person's `layout_version` (a column on the user row, which every request loads anyway)
and anything that changes what the layout shows bumps that version in the same transaction. The
key is read from the database, so the cache may be per worker process: each worker sees the new
version at its next request. A missed bump heals when the entry expires.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F

from .caching import page_cache as cache

LAYOUT_CACHE_SECONDS = 600


def bump_layout(user_ids: Iterable[int | None]) -> None:
    """The layout of these people is out of date (call inside the changing transaction)."""
    ids = {pk for pk in user_ids if pk is not None}
    if ids:
        get_user_model()._default_manager.filter(pk__in=ids).update(
            layout_version=F("layout_version") + 1
        )


def cached_layout(user: Any, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    key = f"layout:{user.pk}:{getattr(user, 'layout_version', 0)}"
    summary = cache.get(key)
    if summary is None:
        summary = compute()
        cache.set(key, summary, LAYOUT_CACHE_SECONDS)
    return summary
