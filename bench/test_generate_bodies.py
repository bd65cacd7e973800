"""`bench.generate` beyond organisations: representatives, bodies, seats, terms, calls and
nominations at small scale have the promised counts, keep the models' rules, and come out the
same for the same seed."""

import itertools
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

import bench.generate
from bench.generate.bodies import SCALES as BODY_SCALES
from bench.generate.bodies import generated_bodies
from bench.generate.organisations import SCALES as ORGANISATION_SCALES
from bench.generate.organisations import USER_EMAIL_SUFFIX
from bench.generate.representatives import SCALES as REPRESENTATIVE_SCALES
from medvirke.bodies import services
from medvirke.bodies.models import Body, Call, Nomination, Seat, Term
from medvirke.core.models import AuditEvent
from medvirke.organisations.models import Organisation
from medvirke.representatives.models import Affiliation, Representative

pytestmark = pytest.mark.django_db
SMALL = BODY_SCALES["small"]


def generate(seed: int = 1) -> None:
    bench.generate.generate("small", seed)


def generated_with(seed: int) -> list[tuple[Any, ...]]:
    """The snapshot a seed gives, generated in a savepoint that is rolled back afterwards."""
    with transaction.atomic():
        generate(seed)
        result = snapshot()
        transaction.set_rollback(True)
    return result


def snapshot() -> list[tuple[Any, ...]]:
    """Everything generated that a seed decides, without primary keys."""
    bodies = list(
        Body.objects.order_by("name", "owner__name", "kind").values_list(
            "name", "kind", "owner__name", "member_seats", "deputy_seats", "term_years"
        )
    )
    terms = list(
        Term.objects.order_by(
            "seat__body__name", "seat__body__owner__name", "seat__role", "seat__rank", "starts_on"
        ).values_list(
            "seat__body__name",
            "seat__role",
            "seat__rank",
            "representative__user__email",
            "starts_on",
            "ends_on",
            "ended_on",
            "end_reason",
            "nominated_by__name",
        )
    )
    nominations = list(
        Nomination.objects.order_by("representative__user__email", "call__body__name").values_list(
            "representative__user__email", "call__body__name", "organisation__name", "status"
        )
    )
    return bodies + terms + nominations


def test_small_scale_has_the_promised_counts() -> None:
    generate(seed=3)

    reps = Representative.objects.filter(user__email__endswith=USER_EMAIL_SUFFIX)
    assert reps.count() == REPRESENTATIVE_SCALES["small"].representatives
    assert Body.objects.count() == SMALL.bodies
    assert Term.objects.count() == SMALL.terms
    assert Call.objects.open().count() == SMALL.open_calls
    # Seats follow each body's counts; every body has a secretariat of generated staff.
    for body in Body.objects.annotate(n=Count("seats")):
        assert body.n == sum(body.seat_counts().values()), body
        assert body.secretariat.exists(), body
        assert not body.secretariat.exclude(email__endswith=USER_EMAIL_SUFFIX).exists()
    # Everyone belongs to a user organisation; most are approved; some gave health consent.
    assert not reps.filter(affiliations__isnull=True).exists()
    assert Affiliation.objects.filter(status=Affiliation.Status.APPROVED).count() > reps.count() / 2
    assert reps.with_consent().exists() and reps.filter(health_consent_at__isnull=True).exists()
    # Current and past terms, with carried-over and reasons for ending.
    assert Term.objects.current().exists()
    assert Term.objects.filter(ended_on__isnull=False).exclude(end_reason="").exists()
    assert not Term.objects.filter(ended_on__isnull=False, end_reason="").exists()
    assert Nomination.objects.exists()
    expected = {
        "organisations": Organisation.objects.count(),
        "users": reps.count() + ORGANISATION_SCALES["small"].staff_users,
        "representatives": reps.count(),
        "bodies": SMALL.bodies,
        "terms": SMALL.terms,
    }
    # The apps above (meetings) add their own counts; these are the ones up to bodies.
    assert {k: v for k, v in bench.generate.generated_counts().items() if k in expected} == expected
    # Bulk data, not anybody's changes: no history.
    assert not AuditEvent.objects.exists()


def test_generated_terms_keep_the_rules() -> None:
    generate(seed=4)
    today = timezone.localdate()

    double = Term.objects.filter(ended_on__isnull=True).values("seat").annotate(n=Count("pk"))
    assert not double.filter(n__gt=1).exists()
    for seat in Seat.objects.prefetch_related("terms"):
        terms = sorted(seat.terms.all(), key=lambda t: t.starts_on)
        for earlier, later in itertools.pairwise(terms):
            assert earlier.ended_on is not None and earlier.ended_on <= later.starts_on, seat
        for term in terms:
            assert term.ends_on > term.starts_on
            assert term.ended_on is None or term.ended_on <= today
    # Nobody holds two open seats in one body.
    held = Term.objects.filter(ended_on__isnull=True).values("seat__body", "representative")
    assert not held.annotate(n=Count("pk")).filter(n__gt=1).exists()
    # Ended bodies have no open terms; open calls are for vacant seats of active bodies.
    assert not Term.objects.filter(seat__body__ended_on__isnull=False, ended_on__isnull=True)
    for call in Call.objects.prefetch_related("seats__terms"):
        assert call.body.ended_on is None
        for seat in call.seats.all():
            assert all(t.ended_on is not None for t in seat.terms.all())
    # A nomination is for an organisation the call was sent to (or a branch of one), of
    # someone that organisation approved.
    for nomination in Nomination.objects.select_related("organisation", "call"):
        recipients = set(nomination.call.recipients.values_list("pk", flat=True))
        org = nomination.organisation
        assert org.pk in recipients or org.parent_id in recipients
        assert Affiliation.objects.filter(
            representative=nomination.representative_id,
            organisation=org,
            status=Affiliation.Status.APPROVED,
        ).exists()


def test_same_seed_gives_the_same_councils_and_terms_and_another_does_not() -> None:
    first = generated_with(5)

    assert generated_with(5) == first
    assert generated_with(6) != first


def test_a_body_made_through_the_application_is_not_taken_for_generated(world) -> None:
    generate(seed=1)
    owner = Organisation.objects.filter(kind=Organisation.Kind.HF).exclude(pk=world.hf.pk)
    real = Body(
        name="Et ekte utvalg",
        kind=Body.Kind.WORKING_GROUP,
        owner=owner.filter(email__endswith=".gen.medvirke.test").first(),
        ladder_step=2,
        ladder_justification="Høres.",
        mandate="Gi råd.",
    )
    services.create_body(real, by=world.superuser)

    # It has history from the moment it was made; generated bodies have none.
    assert not generated_bodies().filter(pk=real.pk).exists()
    assert generated_bodies().count() == SMALL.bodies
