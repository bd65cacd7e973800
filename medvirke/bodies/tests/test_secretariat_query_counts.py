"""The secretariat's pages run the same number of SQL queries at a few rows and at many:
seats and members on the body page, bodies in the overview, nominees on the call page,
organisations on the call form, events in the history."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from medvirke.accounts.models import User
from medvirke.bodies import services
from medvirke.bodies.models import Body, Call, Nomination, Term
from medvirke.core.history import record
from medvirke.core.models import AuditEvent
from medvirke.core.testing import UserFactory, count_queries
from medvirke.organisations.models import Organisation
from medvirke.representatives.models import (
    Affiliation,
    EmploymentDeclaration,
    ExperienceArea,
    Representative,
)

from .test_secretariat_body_pages import TODAY, make_body

pytestmark = pytest.mark.django_db
MAX_QUERIES = 25


def queries(client, url: str) -> int:
    return count_queries(client, url)


def people(world: Any, tag: str, n: int) -> list[Representative]:
    """`n` approved representatives of the user organisation with a varied profile."""
    User.objects.bulk_create(
        UserFactory.build(email=f"{tag}{i}@example.no", full_name=f"{tag} {i}") for i in range(n)
    )
    users = list(User.objects.filter(email__startswith=tag).order_by("pk"))
    municipality = Organisation.objects.get_or_create(name="Testby kommune", kind="municipality")[0]
    Representative.objects.bulk_create(
        Representative(
            user=u,
            gender=["woman", "man", "unspecified"][i % 3],
            birth_year=1940 + i % 70,
            languages=["se"] if i % 7 == 0 else [],
            minority_background=i % 5 == 0,
            municipality=municipality if i % 2 else None,
            health_consent_at=timezone.now() if i % 4 else None,
        )
        for i, u in enumerate(users)
    )
    reps = list(Representative.objects.filter(user__in=users).order_by("pk"))
    Affiliation.objects.bulk_create(
        Affiliation(representative=r, organisation=world.user_org, status="approved") for r in reps
    )
    areas = list(ExperienceArea.objects.all())
    through = Representative.experience_areas.through
    through.objects.bulk_create(
        through(representative_id=r.pk, experiencearea_id=areas[i % len(areas)].pk)
        for i, r in enumerate(reps)
    )
    return reps


def fill(world: Any, body: Body, reps: list[Representative]) -> None:
    """Give every seat but the last a current term (some carried over, some expiring)."""
    seats = list(body.seats.filter(retired_on__isnull=True).order_by("role", "rank"))[:-1]
    Term.objects.bulk_create(
        Term(
            seat=seat,
            representative=rep,
            nominated_by=world.user_org,
            starts_on=date(2022, 1, 1),
            ends_on=TODAY + timedelta(days=[-5, 30, 400][i % 3]),
            confirmed_at=timezone.now() if i % 2 else None,
            appointed_by=world.secretary,
        )
        for i, (seat, rep) in enumerate(zip(seats, reps, strict=False))
    )


def council_with(world: Any, n: int) -> Body:
    body = make_body(world, f"Utvalg {n}", member_seats=n, deputy_seats=3)
    fill(world, body, people(world, f"medlem{n}-", n + 3))
    for i in range(n // 10 + 1):
        services.open_call(
            body=body,
            seats=services.vacant_seats(body)[:1],
            deadline=TODAY + timedelta(days=i),
            recipients=[world.user_org],
            by=world.secretary,
        )
    return body


def test_body_page_query_count_is_flat(client, world) -> None:
    small, large = council_with(world, 5), council_with(world, 100)
    client.force_login(world.secretary)
    few = queries(client, reverse("body_detail", args=[small.pk]))
    many = queries(client, reverse("body_detail", args=[large.pk]))
    assert few == many, f"{few} queries at 5 seats, {many} at 100"
    assert many <= MAX_QUERIES
    # The composition really counted the hundred.
    response = client.get(reverse("body_detail", args=[large.pk]))
    assert response.context["composition"].members == 99  # the last seat is left vacant


def test_overview_query_count_is_flat(client, world) -> None:
    def grow(n: int) -> None:
        have = Body.objects.count()
        for i in range(have, n):
            body = make_body(world, f"Gruppe {i:03}", owner=world.clinic if i % 2 else world.hf)
            if i % 3 == 0:
                services.open_call(
                    body=body,
                    seats=services.vacant_seats(body)[:1],
                    deadline=TODAY + timedelta(days=5),
                    recipients=[world.user_org],
                    by=world.secretary,
                )

    client.force_login(world.administrator)
    grow(5)
    url = reverse("body_list") + "?ledig=on&q=Gruppe"
    few = queries(client, url), queries(client, reverse("body_list"))
    grow(60)
    many = queries(client, url), queries(client, reverse("body_list"))
    assert few == many, f"{few} queries at 5 bodies, {many} at 60"
    assert max(many) <= MAX_QUERIES


def test_call_page_query_count_is_flat(client, world) -> None:
    body = make_body(world, member_seats=40)
    call = services.open_call(
        body=body,
        seats=services.vacant_seats(body)[:5],
        deadline=TODAY + timedelta(days=14),
        recipients=[world.user_org],
        by=world.secretary,
    )

    def grow(reps: list[Representative]) -> None:
        for i, rep in enumerate(reps):
            if i % 3 == 0:
                EmploymentDeclaration.objects.create(
                    representative=rep,
                    employer=world.clinic,
                    employer_name="Klinikk",
                    starts_on=date(2020, 1, 1),
                )
            services.nominate(
                call=call,
                representative=rep,
                organisation=world.user_org,
                justification="Erfaren",
                by=world.coordinator,
                override_reason="Vurdert",
            )
        handled = Nomination.objects.filter(call=call, status="nominated").first()
        assert handled is not None
        services.decline(handled, reason="Nei", by=world.secretary)

    client.force_login(world.secretary)
    grow(people(world, "few-", 3))
    few = queries(client, reverse("call_detail", args=[call.pk]))
    grow(people(world, "many-", 30))
    many = queries(client, reverse("call_detail", args=[call.pk]))
    assert few == many, f"{few} queries at 3 nominees, {many} at 33"
    assert many <= MAX_QUERIES


def test_call_form_and_history_query_counts_are_flat(client, world) -> None:
    body = make_body(world, member_seats=10)

    def grow(n: int) -> None:
        orgs = Organisation.objects.bulk_create(
            Organisation(name=f"Forening {n}-{i}", kind="user_org") for i in range(n)
        )
        Organisation.objects.bulk_create(
            Organisation(name=f"Lokallag {n}-{i}", kind="user_org_branch", parent=o)
            for i, o in enumerate(orgs)
        )
        for i in range(n):
            record(
                actor=world.secretary,
                action=AuditEvent.Action.UPDATED,
                obj=body,
                changes={"name": [str(i), str(i + 1)]},
            )
        Call.objects.filter(body=body).delete()

    client.force_login(world.secretary)
    urls = [reverse("call_create", args=[body.pk]), reverse("body_history", args=[body.pk])]
    grow(5)
    few = [queries(client, u) for u in urls]
    grow(100)
    many = [queries(client, u) for u in urls]
    assert few == many, f"{few} queries at 5 rows, {many} at 100"
    assert max(many) <= MAX_QUERIES


def test_the_council_page_shows_a_resignation_at_once(client, world) -> None:
    body = make_body(world, "Utvalg med avgang", member_seats=3, deputy_seats=0)
    fill(world, body, people(world, "avgang-", 3))
    term = Term.objects.filter(seat__body=body, ended_on__isnull=True).select_related(
        "representative__user"
    )[0]
    name = term.representative.user.full_name
    client.force_login(world.secretary)
    url = reverse("body_detail", args=[body.pk])
    assert name in client.get(url).content.decode()

    services.end_term(
        term,
        reason=Term.EndReason.RESIGNED,
        by=world.secretary,
        on=timezone.localdate() - timedelta(days=1),
    )
    assert name not in client.get(url).content.decode()
