"""The header's menu, organisation switcher and unread count: one query per page, and true at
the very next request after anything they show has changed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medvirke.core.models import Notification
from medvirke.core.notify import notify
from medvirke.organisations.models import Organisation, StaffRole
from medvirke.representatives import testing as rep_testing

pytestmark = pytest.mark.django_db


def header(client) -> str:
    html = client.get(reverse("profile")).content.decode()
    return html.split("<main", 1)[0]


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def header_queries(client) -> int:
    """Queries of one page that read the notifications: only the header does."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("profile")).status_code == 200
    return sum("core_notification" in q["sql"] for q in ctx.captured_queries)


def test_the_header_costs_one_query_whatever_the_roles_and_notifications(client, world) -> None:
    client.force_login(world.coordinator)

    def grow(n: int) -> None:
        have = StaffRole.objects.filter(user=world.coordinator).count()
        orgs = Organisation.objects.bulk_create(
            Organisation(name=f"Forening {have + i:04}", kind="user_org") for i in range(n - have)
        )
        StaffRole.objects.bulk_create(
            StaffRole(user=world.coordinator, organisation=o, role=StaffRole.Role.COORDINATOR)
            for o in orgs
        )
        unread = Notification.objects.filter(user=world.coordinator, read_at__isnull=True)
        Notification.objects.bulk_create(
            Notification(user=world.coordinator, subject=f"Sak {i}")
            for i in range(n - unread.count())
        )

    grow(10)
    few = queries_for(client, reverse("profile"))
    assert header_queries(client) == 1  # the unread count rides on the one header query
    grow(1000)
    assert queries_for(client, reverse("profile")) == few
    page = header(client)
    assert "Forening 0999" in page
    assert 'data-color="danger">1000<' in page


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
