"""The secretariat's pages run the same number of SQL queries at 10 rows and at 1,000, counted on
the first visit: seats and members on the body page, bodies in the overview, nominees on the call
page, organisations on the call form, events in the history."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from medvirke.accounts.models import User
from medvirke.bodies import services
from medvirke.bodies.models import Body, Call, Nomination, Seat, Term
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


def open_calls(world: Any, body: Body, n: int) -> None:
    """`n` open calls to the user organisation, one vacant seat each (bulk-created)."""
    seat = services.vacant_seats(body)[0]
    calls = Call.objects.bulk_create(
        Call(body=body, deadline=TODAY + timedelta(days=i), opened_by=world.secretary)
        for i in range(n)
    )
    Call.seats.through.objects.bulk_create(
        Call.seats.through(call_id=c.pk, seat_id=seat.pk) for c in calls
    )
    Call.recipients.through.objects.bulk_create(
        Call.recipients.through(call_id=c.pk, organisation_id=world.user_org.pk) for c in calls
    )


def council_with(world: Any, n: int) -> Body:
    body = make_body(world, f"Utvalg {n}", member_seats=n, deputy_seats=3)
    fill(world, body, people(world, f"medlem{n}-", n + 3))
    open_calls(world, body, n // 10 + 1)
    return body


def test_body_page_query_count_is_flat(client, world) -> None:
    small, large = council_with(world, 10), council_with(world, 1000)
    client.force_login(world.secretary)
    few = queries(client, reverse("body_detail", args=[small.pk]))
    many = queries(client, reverse("body_detail", args=[large.pk]))
    assert few == many, f"{few} queries at 10 seats, {many} at 1,000"
    assert many <= MAX_QUERIES
    # The composition really counted the thousand.
    response = client.get(reverse("body_detail", args=[large.pk]))
    assert response.context["composition"].members == 999  # the last seat is left vacant


def test_overview_query_count_is_flat(client, world) -> None:
    def grow(n: int) -> None:
        """Bodies up to `n` (bulk-created, with their seats; every third with an open call)."""
        have = Body.objects.count()
        bodies = Body.objects.bulk_create(
            Body(
                name=f"Gruppe {i:04}",
                kind=Body.Kind.TRUST_COUNCIL,
                owner=world.clinic if i % 2 else world.hf,
                ladder_step=2,
                mandate="Gi råd.",
                leader_seats=0,
                deputy_leader_seats=0,
                member_seats=3,
                deputy_seats=1,
            )
            for i in range(have, n)
        )
        Seat.objects.bulk_create(
            Seat(body=b, role=role, rank=rank)
            for b in bodies
            for role, rank in (("member", 1), ("member", 2), ("member", 3), ("deputy", 1))
        )
        Body.secretariat.through.objects.bulk_create(
            Body.secretariat.through(body_id=b.pk, user_id=world.secretary.pk) for b in bodies
        )
        for i, body in enumerate(bodies):
            if (have + i) % 3 == 0:
                open_calls(world, body, 1)

    client.force_login(world.administrator)
    grow(10)
    url = reverse("body_list") + "?ledig=on&q=Gruppe"
    few = queries(client, url), queries(client, reverse("body_list"))
    grow(1000)
    many = queries(client, url), queries(client, reverse("body_list"))
    assert few == many, f"{few} queries at 10 bodies, {many} at 1,000"
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
        """Nominate `reps` (bulk-created; every third employed in the clinic) and decline one."""
        EmploymentDeclaration.objects.bulk_create(
            EmploymentDeclaration(
                representative=rep,
                employer=world.clinic,
                employer_name="Klinikk",
                starts_on=date(2020, 1, 1),
            )
            for rep in reps[::3]
        )
        Nomination.objects.bulk_create(
            Nomination(
                call=call,
                representative=rep,
                organisation=world.user_org,
                justification="Erfaren",
                override_reason="Vurdert",
                nominated_by=world.coordinator,
            )
            for rep in reps
        )
        handled = Nomination.objects.filter(call=call, status="nominated").first()
        assert handled is not None
        services.decline(handled, reason="Nei", by=world.secretary)

    client.force_login(world.secretary)
    grow(people(world, "few-", 10))
    few = queries(client, reverse("call_detail", args=[call.pk]))
    grow(people(world, "many-", 990))
    many = queries(client, reverse("call_detail", args=[call.pk]))
    assert few == many, f"{few} queries at 10 nominees, {many} at 1,000"
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
    grow(10)
    few = [queries(client, u) for u in urls]
    grow(990)
    many = [queries(client, u) for u in urls]
    assert few == many, f"{few} queries at 10 rows, {many} at 1,000"
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
