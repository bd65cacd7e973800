"""The header's menu, organisation switcher and unread count: cached per person, and true again
at the very next request after anything they show has changed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medvirke.core.notify import notify
from medvirke.organisations.models import StaffRole
from medvirke.representatives import testing as rep_testing

pytestmark = pytest.mark.django_db


def header(client) -> str:  # type: ignore[no-untyped-def]
    html = client.get(reverse("profile")).content.decode()
    return html.split("<main", 1)[0]


def queries_for(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_second_page_view_builds_the_header_without_queries(client, world) -> None:
    client.force_login(world.secretary)
    first = queries_for(client, reverse("profile"))
    second = queries_for(client, reverse("profile"))
    assert first - second == 3  # roles with their organisations, representative profile, unread


def test_a_new_notification_shows_in_the_unread_badge_at_once(client, world) -> None:
    client.force_login(world.secretary)
    assert 'data-color="danger">' not in header(client)
    notify([world.secretary], "Ny forespørsel", body="Se utvalget.")
    assert 'data-color="danger">1<' in header(client)


def test_reading_notifications_clears_the_badge(client, world) -> None:
    notify([world.secretary], "Ny forespørsel", body="Se utvalget.")
    client.force_login(world.secretary)
    assert 'data-color="danger">1<' in header(client)
    client.post(reverse("notifications_read_all"))
    assert 'data-color="danger">' not in header(client)


def test_a_new_role_adds_its_menu_entries_and_organisation_at_once(client, world) -> None:
    client.force_login(world.secretary)
    representatives_url = reverse("representative_list")
    assert representatives_url not in header(client)
    StaffRole.objects.create(
        user=world.secretary, organisation=world.user_org, role=StaffRole.Role.COORDINATOR
    )
    page = header(client)
    assert representatives_url in page
    assert world.user_org.name in page


def test_a_renamed_organisation_shows_its_new_name_in_the_switcher(client, world) -> None:
    client.force_login(world.secretary)
    assert "Testby HF" in header(client)
    world.hf.name = "Nyby HF"
    world.hf.save()
    page = header(client)
    assert "Nyby HF" in page and "Testby HF" not in page


def test_a_new_representative_profile_adds_my_engagements(client, world) -> None:
    rep = rep_testing.register_candidate(
        email="kari.kandidat@example.no",
        full_name="Kari Kandidat",
        organisation=world.user_org,
        by=world.coordinator,
    )
    client.force_login(rep.user)
    assert reverse("participation_engagements") in header(client)


def test_a_stale_loaded_user_saved_later_does_not_undo_a_bump(world) -> None:
    user = type(world.secretary).objects.get(pk=world.secretary.pk)
    before = user.layout_version
    notify([world.secretary], "Ny forespørsel", body="Se utvalget.")
    user.full_name = "Sara Sekretær"
    user.save()
    user.refresh_from_db()
    assert user.layout_version == before + 1
    assert user.full_name == "Sara Sekretær"
