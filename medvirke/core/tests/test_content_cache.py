"""The content cache of heavy read pages (core/fragments.py): a cached copy is never served after
a recorded change and each viewer gets their own CSRF token. The pages using it have their own
tests that they show a change at once (the council page in
bodies/tests/test_secretariat_query_counts.py, the list in
representatives/tests/test_list_views.py)."""

import pytest
from django.middleware.csrf import (  # type: ignore[attr-defined]
    _does_token_match,
    _unmask_cipher_token,
    get_token,
)
from django.test import RequestFactory

from medvirke.core.fragments import cached_content, history_stamp
from medvirke.core.history import record
from medvirke.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _request():  # type: ignore[no-untyped-def]
    return RequestFactory().get("/")


def test_cached_content_is_rendered_again_only_after_the_history_records_a_change(world) -> None:
    renders: list[int] = []

    def render() -> str:
        renders.append(1)
        return f"<p>rendering {len(renders)}</p>"

    first = cached_content(_request(), ("page", 1), render)
    again = cached_content(_request(), ("page", 1), render)
    assert first == again == "<p>rendering 1</p>"
    record(actor=world.secretary, action=AuditEvent.Action.UPDATED, obj=world.hf)
    assert cached_content(_request(), ("page", 1), render) == "<p>rendering 2</p>"
    # Another viewer's flags are another page.
    assert cached_content(_request(), ("page", 1, "manage"), render) == "<p>rendering 3</p>"


def test_a_change_committed_late_with_a_lower_history_id_still_changes_the_stamp(world) -> None:
    event = record(actor=world.secretary, action=AuditEvent.Action.UPDATED, obj=world.hf)

    def event_with_id(pk: int) -> AuditEvent:
        return AuditEvent(
            pk=pk,
            actor_label="test",
            action=AuditEvent.Action.UPDATED,
            content_type=event.content_type,
            object_id=event.object_id,
            object_repr="test",
        )

    # Ids come from a sequence: the transaction that took event.pk + 1 may commit after the one
    # that took event.pk + 2.
    AuditEvent.objects.bulk_create([event_with_id(event.pk + 2)])
    before = history_stamp()
    AuditEvent.objects.bulk_create([event_with_id(event.pk + 1)])
    assert history_stamp() != before


def test_each_viewer_gets_a_csrf_token_of_their_own_from_cached_content(world) -> None:
    form = '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{}"></form>'

    def request_with_secret():  # type: ignore[no-untyped-def]
        request = _request()
        request.session = {}  # type: ignore[attr-defined]
        return request

    first = request_with_secret()
    first_token = get_token(first)
    cached_content(first, ("form",), lambda: form.format(first_token))

    second = request_with_secret()
    html = cached_content(second, ("form",), lambda: "never rendered")
    token = html.split('value="')[1].split('"')[0]
    secret = second.META["CSRF_COOKIE"]
    assert token != first_token
    assert _does_token_match(token, secret)
    assert _unmask_cipher_token(token) == secret
