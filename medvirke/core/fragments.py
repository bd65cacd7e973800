"""Rendered page content cached under the state of the history.

Every change to a participation record writes a history event in the same transaction
(`core.history`). So the newest history events tell whether anything a page shows may have
changed since it was rendered: the content of a heavy read page (a council's seats and
composition, a coordinator's overview) is cached under a key made of what the page is about,
the viewer's permission flags, the language and that *history stamp*, read from the database
on every request. Any recorded change anywhere makes a new stamp, so no cached copy is ever
served after the change commits; the cache then only saves work between changes. Readers never
see a stamp before the change it stands for has committed (the history row commits with it).

The stamp is the newest event id plus the number of events among the newest 1,000 ids: ids come
from a sequence, so a transaction that took id 100 may commit after one that took id 101. The
count still changes when it does, so that late commit gives a new stamp too.

CSRF tokens are the one per-request part of such content: the stored copy has a hole where each
token was, and every serving fills it with this request's token. Changes made without history
(a migration, the shell) show after at most `TIMEOUT`.
"""

import hashlib
import re
from collections.abc import Callable, Hashable

from django.db import connection
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .caching import page_cache as cache
from .models import AuditEvent

TIMEOUT = 15 * 60
WINDOW = 1000
_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_HOLE = "\x00csrf-token\x00"


def history_stamp(request: HttpRequest | None = None) -> str:
    """Newest history id and how many events the newest WINDOW ids hold; memoised per request."""
    memo = getattr(request, "_history_stamp", None)
    if memo is not None:
        return memo
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX(id), COUNT(*) FROM {table} "  # noqa: S608 - table name from the model
            f"WHERE id > (SELECT COALESCE(MAX(id), 0) - %s FROM {table})",
            [WINDOW],
        )
        newest, count = cursor.fetchone()
    stamp = f"{newest or 0}.{count}"
    if request is not None:
        request._history_stamp = stamp  # type: ignore[attr-defined]
    return stamp


def cached_content(
    request: HttpRequest, parts: tuple[Hashable, ...], render: Callable[[], str]
) -> SafeString:
    """The HTML `render()` returns, cached under `parts` (what the page is about and everything
    about the viewer that changes it), the language and the history stamp."""
    html, _ = cached_content_with(request, parts, lambda: (render(), None))
    return html


def cached_content_with[T](
    request: HttpRequest, parts: tuple[Hashable, ...], render: Callable[[], tuple[str, T]]
) -> tuple[SafeString, T]:
    """As `cached_content`, for a `render()` that also returns data the view needs on every
    request (the rows to write to the access log, say); the data is cached with the HTML."""
    raw = repr((parts, get_language(), history_stamp(request)))
    key = "content:" + hashlib.sha256(raw.encode()).hexdigest()
    stored = cache.get(key)
    if stored is None:
        html, data = render()
        cache.set(key, (punch_token_holes(html), data), TIMEOUT)
        return mark_safe(html), data  # noqa: S308 - rendered by the template engine, escaped there
    html, data = stored
    return mark_safe(fill_token_holes(html, request)), data  # noqa: S308 - as above


def punch_token_holes(html: str) -> str:
    """`html` with a hole where each CSRF token was: the form to store."""
    return _TOKEN.sub(lambda m: m.group(1) + _HOLE + m.group(2), html)


def fill_token_holes(html: str, request: HttpRequest) -> str:
    """Stored `html` with this request's CSRF token in every hole."""
    return html.replace(_HOLE, get_token(request)) if _HOLE in html else html
