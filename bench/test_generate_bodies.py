"""`gen_data` beyond organisations: representatives, bodies, seats, terms, calls and nominations
at small scale have the promised counts, keep the models' rules, come out the same for the
same seed, and `--flush` removes exactly them."""

import itertools
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Model
from django.utils import timezone

from medvirke.bodies import services
from medvirke.bodies.generator import SCALES as BODY_SCALES
from medvirke.bodies.generator import generated_bodies
from medvirke.bodies.models import Body, Call, Nomination, Seat, Term
from medvirke.core.models import AuditEvent
from medvirke.organisations.generator import SCALES as ORGANISATION_SCALES
from medvirke.organisations.generator import (
    USER_EMAIL_SUFFIX,
    flush_generated,
    generated_counts,
)
from medvirke.organisations.models import Organisation
from medvirke.representatives.generator import SCALES as REPRESENTATIVE_SCALES
from medvirke.representatives.models import Affiliation, EmploymentDeclaration, Representative

pytestmark = pytest.mark.django_db
SMALL = BODY_SCALES["small"]
MODELS: list[type[Model]] = [
    Representative,
    Affiliation,
    EmploymentDeclaration,
    Body,
    Seat,
    Term,
    Call,
    Nomination,
    AuditEvent,
]


def generate(seed: int = 1, **options: Any) -> None:
    call_command("gen_data", scale="small", seed=seed, stdout=StringIO(), **options)


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
        assert body.n == sum(body.seat_counts().values()), body  # type: ignore[attr-defined]
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
    assert {k: v for k, v in generated_counts().items() if k in expected} == expected
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
    generate(seed=5)
    first = snapshot()

    generate(seed=5, flush=True)
    assert snapshot() == first

    generate(seed=6, flush=True)
    assert snapshot() != first


def test_flush_removes_exactly_the_generated_rows_and_leaves_the_demo() -> None:
    call_command("load_demo", stdout=StringIO())
    before = {model: set(model._default_manager.values_list("pk", flat=True)) for model in MODELS}
    demo_terms = list(Term.objects.order_by("pk").values())

    generate(seed=1)
    assert Body.objects.count() == len(before[Body]) + SMALL.bodies
    generate(seed=2, flush=True)  # removes the first run's rows, then generates again
    assert Body.objects.count() == len(before[Body]) + SMALL.bodies

    flush_generated()

    after = {model: set(model._default_manager.values_list("pk", flat=True)) for model in MODELS}
    assert after == before
    assert list(Term.objects.order_by("pk").values()) == demo_terms
    assert not any(generated_counts().values())


def test_flush_refuses_when_real_rows_hang_on_generated_ones(world) -> None:  # type: ignore[no-untyped-def]
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
    counts = generated_counts()

    # A body made through the application has history, so it is not taken for generated data.
    assert not generated_bodies().filter(pk=real.pk).exists()
    with pytest.raises(CommandError, match="Cannot delete"):
        generate(seed=1, flush=True)
    assert generated_counts() == counts
    assert Body.objects.filter(pk=real.pk).exists()
