"""Whole pages cached per viewer, under a database stamp.

The heavy read pages (an organisation, a council, a meeting, the ledgers, a coordinator's
overview and lists) are read far more often than anything on them changes. `core.fragments`
already caches their content across viewers; this caches the finished page per viewer, so a
repeated visit costs the session, the person and one stamp query instead of the view's own
queries and a template render.

A stored page is served only when all of this is unchanged: the path with its query string,
the person (id, `layout_version` — bumped by every change to their menu, roles or
notifications —, name, language, superuser and active flags), the active language, the
organisation chosen in the switcher, today's date (for deadline and "late" marks), and the
stamp, by default the history stamp: every change to a participation record writes history
in its own transaction, so a page is never served from before a committed change. CSRF tokens
are holes filled per request (`core.fragments`). Only 200 HTML responses to GET and HEAD are
stored; a request with a message waiting (after a save, say) always runs the view.

Views that must write the access log on every showing hand the rows over in
`response.page_cache_data`; `replay` writes them again whenever the stored page is served.
"""

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from .caching import page_cache as cache
from .fragments import fill_token_holes, history_stamp, punch_token_holes

TIMEOUT = 10 * 60

View = Callable[..., HttpResponse]


def cached_page(
    stamp: Callable[[HttpRequest], str] = history_stamp,
    replay: Callable[[HttpRequest, Any], None] | None = None,
) -> Callable[[View], View]:
    """Serve the view's page from the cache while nothing it may show has changed (see above).
    Put it below `login_required`: the person is checked on every request."""

    def decorator(view: View) -> View:
        name = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _may_use_cache(request):
                return view(request, *args, **kwargs)
            key = _key(request, name, stamp(request))
            stored = cache.get(key)
            if stored is not None:
                html, content_type, data = stored
                if replay is not None:
                    replay(request, data)
                return HttpResponse(fill_token_holes(html, request), content_type=content_type)
            response = view(request, *args, **kwargs)
            if _may_store(response):
                html = response.content.decode(response.charset)
                data = getattr(response, "page_cache_data", None)
                cache.set(key, (punch_token_holes(html), response["Content-Type"], data), TIMEOUT)
            return response

        return wrapper

    return decorator


def _may_use_cache(request: HttpRequest) -> bool:
    # Off for the query-count tests, which measure what the view itself costs.
    if not settings.MEDVIRKE_PAGE_CACHE:
        return False
    if request.method not in ("GET", "HEAD"):
        return False
    if not request.user.is_authenticated:
        return False
    # len() looks at waiting messages without marking them shown.
    return not len(get_messages(request))


def _may_store(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
    )


def _key(request: HttpRequest, name: str, stamp: str) -> str:
    user: Any = request.user
    parts = (
        name,
        request.get_full_path(),
        user.pk,
        user.layout_version,
        user.display_name,
        user.language,
        user.is_superuser,
        user.is_active,
        get_language(),
        request.session.get("current_organisation"),
        timezone.localdate().isoformat(),
        stamp,
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()
