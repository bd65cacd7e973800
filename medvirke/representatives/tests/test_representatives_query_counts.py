"""The list (with its requests to join, and filtered by area), the profile page and the
requests page run the same number of SQL queries at 10 representatives and at 1,000 (and with as
many employments, engagements, affiliations and requests on the profile), on the first visit."""

import pytest
from django.urls import reverse

from medvirke.core.testing import UserFactory, count_queries
from medvirke.organisations.models import Organisation
from medvirke.representatives.models import (
    Affiliation,
    EmploymentDeclaration,
    ExperienceArea,
    ExternalEngagement,
    JoinRequest,
    Representative,
)

from .factories import register, with_health_data

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    return count_queries(client, url)


def grow(world, kari: Representative, n: int) -> None:
    """Bring the number of representatives (and kari's own rows) to `n`."""
    have = Representative.objects.count()
    model = type(world.coordinator)
    model.objects.bulk_create(
        UserFactory.build(email=f"rep{have}-{i}@example.no", full_name=f"Rep {have}-{i}")
        for i in range(n - have)
    )
    users = model.objects.filter(email__startswith=f"rep{have}-")
    municipality = Organisation.objects.create(name=f"Kommune {n}", kind="municipality")
    reps = Representative.objects.bulk_create(
        Representative(user=u, municipality=municipality, health_consent_at="2026-01-01T00:00Z")
        for u in users
    )
    Affiliation.objects.bulk_create(
        Affiliation(representative=r, organisation=world.user_org) for r in reps
    )
    areas = list(ExperienceArea.objects.all()[:3])
    Representative.experience_areas.through.objects.bulk_create(
        Representative.experience_areas.through(representative_id=r.pk, experiencearea_id=a.pk)
        for r in reps
        for a in areas
    )
    # kari's own lists grow too
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Forening {have}-{i}", kind="user_org") for i in range(n - have)
    )
    Affiliation.objects.bulk_create(Affiliation(representative=kari, organisation=o) for o in orgs)
    EmploymentDeclaration.objects.bulk_create(
        EmploymentDeclaration(
            representative=kari,
            employer=world.hf,
            employer_name="Testby HF",
            starts_on="2020-01-01",
        )
        for _i in range(n - have)
    )
    ExternalEngagement.objects.bulk_create(
        ExternalEngagement(
            representative=kari, title="Gruppe", organisation_name="Kommune", starts_on="2020-01-01"
        )
        for _i in range(n - have)
    )
    # Requests to join: sent by the coordinator's organisation (its list shows them) and to
    # kari from the new organisations (her requests page shows them).
    JoinRequest.objects.bulk_create(
        [
            *(
                JoinRequest(
                    organisation=world.user_org,
                    user=u,
                    email=u.email,
                    full_name=u.full_name,
                    requested_by=world.coordinator,
                )
                for u in users
            ),
            *(
                JoinRequest(
                    organisation=o,
                    user=kari.user,
                    email=kari.user.email,
                    full_name="Kari",
                    requested_by=world.coordinator,
                )
                for o in orgs
            ),
        ]
    )


PAGES = [
    ("list", lambda kari: reverse("representative_list"), "coordinator"),
    (
        "list_filtered",
        lambda kari: reverse("representative_list") + "?q=rep&status=pending",
        "coordinator",
    ),
    (
        "list_by_area",
        lambda kari: (
            reverse("representative_list")
            + f"?area={ExperienceArea.objects.get(name_nb='Kreft').pk}"
        ),
        "coordinator",
    ),
    ("profile", lambda kari: reverse("representative_detail", args=[kari.pk]), "coordinator"),
    ("join_requests", lambda kari: reverse("join_requests"), "kari"),
    ("own_profile", lambda kari: reverse("my_representative"), "kari"),
    ("areas", lambda kari: reverse("experience_area_list"), "administrator"),
]


@pytest.mark.parametrize(("name", "url", "persona"), PAGES, ids=[p[0] for p in PAGES])
def test_page_query_count_does_not_grow_with_rows(client, world, name, url, persona) -> None:
    kari = register(world, "kari@example.no", "Kari Nordmann")
    with_health_data(kari, ["Psykisk helse", "Kreft"], "Historie")
    client.force_login(kari.user if persona == "kari" else getattr(world, persona))
    grow(world, kari, 10)
    small = queries(client, url(kari))
    grow(world, kari, 1000)
    large = queries(client, url(kari))
    assert small == large, f"{name}: {small} queries at 10 rows, {large} at 1,000"
    assert large <= 20, f"{name}: {large} queries"
