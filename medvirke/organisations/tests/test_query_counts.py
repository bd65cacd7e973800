"""Every list and detail page runs the same number of SQL queries at 10 rows and at 1,000."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medvirke.core.history import record
from medvirke.core.models import AuditEvent
from medvirke.core.testing import UserFactory
from medvirke.organisations.models import Invitation, Organisation, StaffRole

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    """Queries of a visit (nothing is cached across requests, so every visit is a first one)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def grow(world, n: int) -> None:
    """Bring every list on the pages under test to `n` rows."""
    have = Organisation.objects.filter(parent=world.hf).count()
    units = Organisation.objects.bulk_create(
        Organisation(name=f"Enhet {i:04}", kind="unit", parent=world.hf) for i in range(have, n)
    )
    Organisation.objects.bulk_create(
        Organisation(name=f"Seksjon {u.name}", kind="unit", parent=u) for u in units
    )
    Organisation.objects.bulk_create(
        [Organisation(name=f"Helse {i:04} RHF", kind="rhf") for i in range(n)]
        + [Organisation(name=f"Kommune {i:04}", kind="municipality") for i in range(n)]
    )
    users = [UserFactory.build(email=f"ansatt{have}-{i}@example.no") for i in range(n - have)]
    model = type(world.administrator)
    model.objects.bulk_create(users)
    StaffRole.objects.bulk_create(
        StaffRole(user=u, organisation=world.hf, role="secretariat")
        for u in model.objects.filter(email__startswith=f"ansatt{have}-")
    )
    for i in range(n - have):
        record(
            actor=world.administrator,
            action=AuditEvent.Action.UPDATED,
            obj=world.hf,
            changes={"name": [str(i), str(i + 1)]},
        )
    Invitation.objects.bulk_create(
        Invitation(
            email=f"inv{have}-{i}@example.no",
            organisation=world.hf,
            role="auditor",
            token_hash=f"{have}-{i}",
            invited_by=world.administrator,
            expires_at="2999-01-01T00:00:00Z",
        )
        for i in range(n - have)
    )


PAGES = [
    ("tree", lambda w: reverse("organisation_tree")),
    ("tree_municipalities", lambda w: reverse("organisation_tree") + "?gruppe=kommuner"),
    ("search", lambda w: reverse("organisation_tree") + "?q=enhet"),
    ("detail", lambda w: reverse("organisation_detail", args=[w.hf.pk])),
    ("unit_detail", lambda w: reverse("organisation_detail", args=[w.clinic.pk])),
    ("history", lambda w: reverse("organisation_history", args=[w.hf.pk])),
    ("dashboard", lambda w: reverse("dashboard")),
    ("profile", lambda w: reverse("profile")),
]


@pytest.mark.parametrize(("name", "url"), PAGES, ids=[p[0] for p in PAGES])
def test_page_query_count_does_not_grow_with_rows(client, world, name, url) -> None:
    client.force_login(world.administrator)
    grow(world, 10)
    small = queries(client, url(world))
    grow(world, 1000)
    large = queries(client, url(world))
    assert small == large, f"{name}: {small} queries at 10 rows, {large} at 1,000"
    assert large <= 13, f"{name}: {large} queries"
