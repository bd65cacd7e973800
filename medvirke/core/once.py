"""One-time form tokens: a double click or two identical POSTs at once create one record.

Every rendering of a form that creates something carries a fresh random token
(`{% form_once %}`, a hidden input). The view is wrapped in `once_per_form`, which, before the
view runs, INSERTs a claim of that token (`FormSubmission`) in its own short transaction. The
unique key decides the race on SQLite (IMMEDIATE transactions queue the writers) and on
PostgreSQL (the unique index makes the second INSERT wait for the first and then fail) alike:

- the winner runs the view; when the view answers with a redirect (the post/redirect/get of
  every create form here), the redirect's location is stored as the claim's outcome;
- when the winner did not create anything (the form was re-rendered with errors, a redirect
  carried an error or info message but no success, or the view raised), the claim is
  released, so the same rendering can be sent again;
- a loser creates nothing. It waits up to `WAIT_SECONDS` for the winner: once the winner has an
  outcome, the loser redirects to the same place and says the form was saved once; if the
  winner released the claim, the loser takes it and runs the view itself, so what it typed is
  shown back with the errors (or saved, if it now passes). A double-clicking person's browser
  shows the *second* response, so this is the answer they actually see.

A POST without a token (a tab opened before this was deployed, a script) is not refused: it is
handled as before, and only the services' own rules (locks, status checks) stand between it
and a duplicate. Refusing it would lose what the person typed, and the token guards against
accidents, not attackers: whoever may create one record may create two by sending the form
twice on purpose.

Claims are kept `KEEP` long for a late second click and then deleted by `delete_old_claims()`
(run by the scheduler).
"""

import hashlib
import re
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .models import FormSubmission

FIELD = "form_once"
# token_urlsafe(24) gives 32 characters; anything else is not one of ours.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
WAIT_SECONDS = 5.0
POLL_SECONDS = 0.1
KEEP = timedelta(days=2)

View = Callable[..., HttpResponse]


def new_token() -> str:
    """A fresh token for one rendering of a form."""
    return secrets.token_urlsafe(24)


def _key(token: str, user: Any) -> str:
    pk = getattr(user, "pk", None)
    return hashlib.sha256(f"{pk or ''}:{token}".encode()).hexdigest()


def _claim(key: str, user: Any) -> bool:
    """True if this request is the first with the token (its claim is committed)."""
    try:
        with transaction.atomic():
            FormSubmission.objects.create(
                key=key, user=user if getattr(user, "is_authenticated", False) else None
            )
    except IntegrityError:
        return False
    return True


def _outcome(key: str) -> str | None:
    """The winner's redirect location; "" while it runs; None once it released the claim."""
    return FormSubmission.objects.filter(key=key).values_list("outcome", flat=True).first()


def _release(key: str) -> None:
    FormSubmission.objects.filter(key=key, outcome="").delete()


def _nothing_done(request: HttpRequest) -> bool:
    # A view that creates nothing and redirects says why: an error ("not vacant any more") or,
    # in this code base, an info message ("there is already an open call", "nothing was
    # changed"); a created record is announced with success (or a warning, like a late paper).
    # Such a redirect is no outcome a second click should be sent to as "saved". Messages
    # queued in this request are not public API, but the storage has kept them in
    # `_queued_messages` since Django 1.2.
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    levels = {m.level for m in queued}
    if messages.ERROR in levels:
        return True
    return messages.INFO in levels and not levels & {messages.SUCCESS, messages.WARNING}


def _created_location(request: HttpRequest, response: HttpResponse) -> str:
    if response.status_code not in (301, 302, 303, 307, 308) or _nothing_done(request):
        return ""
    return str(response.get("Location", ""))[:2000]


def _safe(request: HttpRequest, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _already_sent(request: HttpRequest, location: str) -> HttpResponse:
    messages.info(request, _("The form had already been sent. It was saved once."))
    return HttpResponseRedirect(location if _safe(request, location) else "/")


def _still_running(request: HttpRequest) -> HttpResponse:
    messages.warning(
        request,
        _(
            "The form you sent is still being saved. Wait a moment and check that it was "
            "saved before you send it again."
        ),
    )
    # The page the form was on (the views behind buttons answer POST only).
    back = request.META.get("HTTP_REFERER", "")
    return HttpResponseRedirect(back if _safe(request, back) else "/")


def once_per_form(view: View) -> View:
    """Run the view once per form token (see the module docstring). Put it below
    `login_required`, so the claim belongs to the person who sent it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not _TOKEN.fullmatch(token):
            return view(request, *args, **kwargs)
        key = _key(token, request.user)
        deadline = time.monotonic() + WAIT_SECONDS
        while not _claim(key, request.user):
            outcome = _outcome(key)
            if outcome:
                return _already_sent(request, outcome)
            if time.monotonic() >= deadline:
                return _still_running(request)
            if outcome == "":
                time.sleep(POLL_SECONDS)
            # None: the first request created nothing and let the token go; claim it again.
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            _release(key)
            raise
        location = _created_location(request, response)
        if location:
            FormSubmission.objects.filter(key=key).update(outcome=location)
        else:
            _release(key)
        return response

    # Copied up through functools.wraps by the decorators above it: the test that every create
    # form carries the token finds the protected views by it.
    wrapper.once_per_form = True  # type: ignore[attr-defined]
    return wrapper


def delete_old_claims(older_than: timedelta = KEEP) -> int:
    """Delete claims older than `older_than`; returns how many. Run daily by the scheduler."""
    deleted, _rows = FormSubmission.objects.filter(
        created_at__lt=timezone.now() - older_than
    ).delete()
    return deleted
