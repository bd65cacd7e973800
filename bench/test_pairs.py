"""The benchmark's choice of pairs, its write posts and its background writer, on generated
data (small scale): every page kind has pairs whose people may see them (the sampled ones
answer 200 on a cold visit), each write post as wrk sends it (session, CSRF cookie and header,
one-time token) creates its record, and the writer's changes are recorded in the history."""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from bench.generate import generate
from bench.measure import cold_queries, logged_in_client
from bench.pairs import page_kinds
from bench.rotation import get, new_csrf_token
from bench.writer import run as run_writer
from bench.writes import created, highest_pk, write_kinds
from medvirke.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(settings: Any, tmp_path: Path) -> None:
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    settings.MEDIA_ROOT = tmp_path
    generate("small", 1)


def test_every_page_kind_rotates_through_pairs_its_people_may_see(small: None) -> None:
    kinds = page_kinds(1)

    keys = [k.kind.key for k in kinds]
    assert keys[:8] == [
        "tree",
        "organisation",
        "body",
        "meeting",
        "ledger_body",
        "ledger_owner",
        "representation",
        "representative_search",
    ]
    assert {f"start_{r}" for r in ("administrator", "auditor", "representative")} <= set(keys)
    for page_kind in kinds:
        k = page_kind.kind
        assert page_kind.pairs, k.key
        for pair in page_kind.pairs:
            get(pair.path, "").line()  # ASCII, as wrk sends it (a search for "sør" encoded)
        assert k.objects == len({p.obj for p in page_kind.pairs}) > 0
        assert k.people == len({p.user_id for p in page_kind.pairs}) > 0
    by_key = {k.kind.key: k for k in kinds}
    # The pairs spread over people: as many as the small world has for the kind.
    assert by_key["tree"].kind.objects >= 30 and by_key["tree"].kind.people >= 30
    assert by_key["meeting"].kind.objects >= 50
    # Every coordinator's overview, then the same filtered by a kind of body.
    overview = by_key["representation"]
    assert {p.path for p in overview.pairs} >= {"/utvalg/representasjon/"}
    assert any("?kind=" in p.path for p in overview.pairs)

    measured = cold_queries(kinds, per_kind=2)  # raises unless every sampled pair answers 200

    assert set(measured) == set(keys)
    assert all(m["median"] > 0 for m in measured.values())


def post_as_wrk(path: str, user_id: int, fields: dict[str, str]) -> Any:
    """The post as bench/rotate.lua sends it: the session, a CSRF cookie and the same token in
    the X-CSRFToken header; Django's CSRF check on."""
    session = logged_in_client(user_id).cookies[settings.SESSION_COOKIE_NAME].value
    client = Client(enforce_csrf_checks=True)
    token = new_csrf_token()
    client.cookies[settings.SESSION_COOKIE_NAME] = session
    client.cookies["csrftoken"] = token
    return client.post(path, fields, HTTP_X_CSRFTOKEN=token)


def test_each_write_post_creates_its_record(small: None) -> None:
    kinds = write_kinds(1)

    assert [k.write.key for k in kinds] == ["absence", "advice", "nomination"]
    for kind in kinds:
        posts = kind.posts[:3]
        assert len(posts) == 3, kind.write.key
        since = highest_pk(kind.write.key)
        for p in posts:
            response = post_as_wrk(p.path, p.user_id, p.fields)
            assert response.status_code == 302, (kind.write.key, response.content[:500])
            assert "/konto/login" not in response["Location"]
        assert created(kind.write.key, posts, since) == 3, kind.write.key


def test_a_post_the_view_refuses_is_counted_as_no_record(small: None) -> None:
    absence = write_kinds(1)[0]
    first = absence.posts[0]
    since = highest_pk("absence")
    post_as_wrk(first.path, first.user_id, first.fields)

    # The same member and meeting again (a new form token): refused, no second notice.
    again = {**first.fields, "form_once": "x" * 32}
    post_as_wrk(first.path, first.user_id, again)

    assert created("absence", [first, first], since) == 2  # both name the one notice
    assert created("absence", [absence.posts[1]], since) == 0


def test_the_background_writer_makes_recorded_changes(small: None) -> None:
    history = AuditEvent.objects.count()

    stats = run_writer(rate=50, max_seconds=2, seed=1, stats_path=None)

    assert stats["errors"] == 0, stats["first_errors"]
    assert stats["made"] >= 8
    assert set(stats["by_kind"]) == {
        "absence notices",
        "papers",
        "answers to advice",
        "profile edits",
    }
    # Every change writes history (the answers to advice two rows each).
    assert AuditEvent.objects.count() >= history + stats["made"]
