"""Whole pages cached per viewer (core/pagecache.py), seen on the organisation page: a repeat
visit costs three queries, a recorded change shows at once, nobody is served someone else's
page, a message after a save is shown, and the forms on a cached page work in every session."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medvirke.core.testing import nb

pytestmark = pytest.mark.django_db


def url_of(world) -> str:  # type: ignore[no-untyped-def]
    return reverse("organisation_detail", args=[world.hf.pk])


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_a_repeat_visit_is_the_same_page_from_the_session_the_person_and_one_stamp(
    client, world
) -> None:
    client.force_login(world.administrator)
    first = client.get(url_of(world)).content.decode()
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(url_of(world)).content.decode()
    assert without_tokens(again) == without_tokens(first)
    assert "Testby HF" in again
    tables = [q["sql"] for q in ctx.captured_queries]
    assert len(tables) == 3, tables  # session, person, history stamp


def test_a_rename_shows_at_once_on_the_cached_page(client, world) -> None:
    client.force_login(world.administrator)
    assert "Testby HF" in client.get(url_of(world)).content.decode()
    other = Client()
    other.force_login(world.superuser)
    other.post(
        reverse("organisation_edit", args=[world.hf.pk]),
        {"name": "Nyby HF", "kind": "hf", "version": world.hf.version},
    )
    page = client.get(url_of(world)).content.decode()
    assert "Nyby HF" in page and "Testby HF" not in page


def test_two_people_never_get_each_others_cached_page(client, world) -> None:
    edit = reverse("organisation_edit", args=[world.hf.pk])
    client.force_login(world.administrator)
    mine = client.get(url_of(world)).content.decode()
    assert edit in mine and f"<summary>{world.administrator.display_name}" in mine
    auditor = Client()
    auditor.force_login(world.auditor)
    theirs = auditor.get(url_of(world)).content.decode()
    assert edit not in theirs
    assert f"<summary>{world.auditor.display_name}" in theirs  # their own user menu


def test_the_message_after_a_save_is_shown_once_though_the_page_was_cached(client, world) -> None:
    client.force_login(world.administrator)
    client.get(url_of(world))
    response = client.post(
        reverse("organisation_edit", args=[world.hf.pk]),
        {"name": "Testby HF", "short_name": "THF", "kind": "hf", "version": world.hf.version},
        follow=True,
    )
    saved = nb("The changes have been saved.")
    assert saved in response.content.decode()
    assert saved not in client.get(url_of(world)).content.decode()


def test_the_forms_on_a_cached_page_work_in_another_session_of_the_same_person(world) -> None:
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(world.administrator)
    second.force_login(world.administrator)
    first.get(url_of(world))
    page = second.get(url_of(world)).content.decode()  # the page cached for the first session
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = second.post(
        reverse("set_language"),
        {"language": "en", "next": url_of(world), "csrfmiddlewaretoken": token.group(1)},
    )
    assert response.status_code == 302
    assert "Health trust (HF)" in second.get(url_of(world)).content.decode()


def test_the_page_follows_the_organisation_chosen_in_the_switcher(client, world) -> None:
    client.force_login(world.administrator)
    client.get(url_of(world))
    client.post(reverse("switch_organisation"), {"organisation": world.hf.pk})
    page = client.get(url_of(world)).content.decode()
    assert f'<option value="{world.hf.pk}" selected>' in page
