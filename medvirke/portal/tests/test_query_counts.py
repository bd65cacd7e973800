"""Every public page runs the same number of SQL queries at 10 rows and at 1,000, counted on the
first visit: members on a council's page, bodies in the list, open calls, organisations and
branches in the directory."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medvirke.accounts.models import User
from medvirke.bodies.models import Body, Call, Term
from medvirke.core.testing import UserFactory
from medvirke.organisations.models import Organisation
from medvirke.representatives.models import ExperienceArea, Representative

from .support import TODAY, make_council

pytestmark = pytest.mark.django_db


def count_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def assert_flat(client: Any, urls: list[str], grow: Any, django_assert_num_queries: Any) -> None:
    """Each page runs exactly as many queries at 1,000 rows as it did at 10."""
    grow(10)
    few = [count_queries(client, url) for url in urls]
    grow(1000)
    for url, expected in zip(urls, few, strict=True):
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200, url


def council_of(world: Any, n: int) -> Body:
    """A council with `n` members serving (every other one consented to be named) and a few
    open calls."""
    body = make_council(world, f"Utvalg {n}", member_seats=n, deputy_seats=n)
    User.objects.bulk_create(
        UserFactory.build(email=f"m{n}-{i}@example.no", full_name=f"Medlem {n}-{i}")
        for i in range(2 * n)
    )
    users = User.objects.filter(email__startswith=f"m{n}-").order_by("pk")
    Representative.objects.bulk_create(
        Representative(user=u, public_consent=i % 2 == 0) for i, u in enumerate(users)
    )
    reps = list(Representative.objects.filter(user__in=users).order_by("pk"))
    seats = list(body.seats.order_by("role", "rank"))
    Term.objects.bulk_create(
        Term(
            seat=seat,
            representative=rep,
            nominated_by=world.user_org if i % 3 else None,
            starts_on=TODAY - timedelta(days=10),
            ends_on=TODAY + timedelta(days=700),
            appointed_by=world.secretary,
        )
        for i, (seat, rep) in enumerate(zip(seats, reps, strict=True))
    )
    return body


def add_calls(world: Any, body: Body, n: int) -> None:
    areas = list(ExperienceArea.objects.all()[:2])
    have = Call.objects.filter(body=body).count()
    seats = list(body.seats.all())
    for i in range(have, n):
        call = Call.objects.create(
            body=body,
            deadline=TODAY + timedelta(days=i + 1),
            profile_wanted=f"Profil {i}",
            opened_by=world.secretary,
        )
        call.seats.set(seats[i % len(seats) : i % len(seats) + 2])
        call.recipients.set([world.user_org])
        call.areas_wanted.set(areas)


def test_council_page_query_count_is_flat(client, world, django_assert_num_queries) -> None:
    small, large = council_of(world, 10), council_of(world, 1000)
    add_calls(world, small, 1)
    add_calls(world, large, 10)
    few = count_queries(client, reverse("portal_body_detail", args=[small.pk]))
    with django_assert_num_queries(few):
        response = client.get(reverse("portal_body_detail", args=[large.pk]))
    assert len(response.context["members"]) == 1000
    assert response.context["unnamed"] == 1000


def test_council_list_query_count_is_flat(client, world, django_assert_num_queries) -> None:
    def grow(n: int) -> None:
        for i in range(Body.objects.count(), n):
            make_council(world, f"Gruppe {i:04}", owner=world.clinic if i % 2 else world.hf)

    url = reverse("portal_body_list")
    urls = [url, url + "?type=trust_council&q=gruppe", url + f"?eier={world.clinic.pk}"]
    assert_flat(client, urls, grow, django_assert_num_queries)


def test_open_calls_query_count_is_flat(client, world, django_assert_num_queries) -> None:
    body = make_council(world, member_seats=10)

    def grow(n: int) -> None:
        add_calls(world, body, n)

    assert_flat(client, [reverse("portal_call_list")], grow, django_assert_num_queries)


def test_directory_query_count_is_flat(client, world, django_assert_num_queries) -> None:
    def grow(n: int) -> None:
        have = Organisation.objects.filter(kind="user_org").count()
        orgs = Organisation.objects.bulk_create(
            Organisation(name=f"Forening {i:04}", kind="user_org", email=f"f{i}@example.no")
            for i in range(have, n)
        )
        Organisation.objects.bulk_create(
            Organisation(name=f"Lokallag {o.name} {j}", kind="user_org_branch", parent=o)
            for o in orgs
            for j in range(2)
        )

    url = reverse("portal_organisation_list")
    assert_flat(client, [url, url + "?q=forening"], grow, django_assert_num_queries)


def test_landing_page_query_count_is_flat(client, world, django_assert_num_queries) -> None:
    body = make_council(world, member_seats=10)

    def grow(n: int) -> None:
        for i in range(Body.objects.count(), n):
            make_council(world, f"Gruppe {i:04}")
        add_calls(world, body, n)

    assert_flat(client, [reverse("portal_home")], grow, django_assert_num_queries)
