"""The demo a new user sees: councils with members, history, a resignation, a carried-over term
and an open call with nominations; loading twice changes nothing."""

import io

import pytest
from django.core.management import call_command

from medvirke.bodies.models import Body, Call, Nomination, Term
from medvirke.core.models import AuditEvent
from medvirke.representatives.models import Representative

pytestmark = pytest.mark.django_db


def test_demo_has_councils_people_and_their_history() -> None:
    call_command("load_demo", stdout=io.StringIO())
    assert Representative.objects.count() == 60
    assert Body.objects.filter(kind=Body.Kind.REGIONAL_COUNCIL).exists()
    assert Term.objects.filter(end_reason=Term.EndReason.RESIGNED).count() == 1
    assert Term.objects.carried_over().count() == 1
    assert Call.objects.open().count() == 1
    assert Nomination.objects.count() >= 2
    unconfirmed = Term.objects.current().filter(
        representative__user__email="representant@demo.medvirke.no", confirmed_at__isnull=True
    )
    assert unconfirmed.exists()
    assert AuditEvent.objects.filter(content_type__model="term").count() >= Term.objects.count()


def test_loading_the_demo_twice_adds_nothing() -> None:
    call_command("load_demo", stdout=io.StringIO())
    counts = (Representative.objects.count(), Body.objects.count(), Term.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Representative.objects.count(), Body.objects.count(), Term.objects.count()) == counts
