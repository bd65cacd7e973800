"""The demo world is one package (medvirke/demo/) built through the apps' services: its
organisations and roles have their history, every representative joined by accepting a request
to join, and the logins the README describes work as described."""

import importlib.util
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from medvirke.bodies.models import Body, Term
from medvirke.core.models import AuditEvent, Notification
from medvirke.demo.people import DEMO_PASSWORD
from medvirke.organisations.models import Organisation, StaffRole
from medvirke.representatives.models import (
    Affiliation,
    EmploymentDeclaration,
    JoinRequest,
    Representative,
)

pytestmark = pytest.mark.django_db


def events(model: str, action: str = AuditEvent.Action.CREATED) -> int:
    return AuditEvent.objects.filter(content_type__model=model, action=action).count()


def test_the_apps_hold_no_demo_modules_of_their_own() -> None:
    for app in ("organisations", "representatives", "bodies", "meetings"):
        assert importlib.util.find_spec(f"medvirke.{app}.demo") is None
    assert importlib.util.find_spec("medvirke.core.demodata") is None


def test_load_demo_prints_the_logins_the_readme_names() -> None:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    for email in (
        "admin@demo.medvirke.no",
        "sekretariat@demo.medvirke.no",
        "koordinator@demo.medvirke.no",
        "representant@demo.medvirke.no",
        "drift@demo.medvirke.no",
    ):
        assert email in text


def test_demo_organisations_and_roles_are_made_with_their_history() -> None:
    call_command("load_demo", stdout=io.StringIO())
    assert events("organisation") == Organisation.objects.count() > 40
    assert events("staffrole", AuditEvent.Action.GRANTED) == StaffRole.objects.count()
    # The README's personas hold the roles it says they hold.
    rhf = Organisation.objects.get(name="Helse Midt-Norge RHF")
    assert StaffRole.objects.filter(
        user__email="admin@demo.medvirke.no", organisation=rhf, role=StaffRole.Role.ADMINISTRATOR
    ).exists()
    assert StaffRole.objects.filter(
        user__email="koordinator@demo.medvirke.no",
        organisation__name="Kreftforeningen Midt-Norge",
        role=StaffRole.Role.COORDINATOR,
    ).exists()
    secretary_bodies = set(
        Body.objects.filter(secretariat__email="sekretariat@demo.medvirke.no").values_list(
            "name", flat=True
        )
    )
    assert {
        "Regionalt brukerutvalg i Helse Midt-Norge",
        "Brukerutvalget ved St. Olavs hospital",
    } <= secretary_bodies
    # The secretariat is in the body's history, not only in the table.
    assert (
        AuditEvent.objects.filter(
            content_type__model="body", changes__has_key="secretariat"
        ).count()
        == Body.objects.count()
    )


def test_every_demo_representative_joined_by_accepting_a_request() -> None:
    call_command("load_demo", stdout=io.StringIO())
    representatives = Representative.objects.select_related("user")
    assert representatives.count() == 60
    accepted = JoinRequest.objects.filter(status=JoinRequest.Status.ACCEPTED)
    assert accepted.count() == 60
    assert not JoinRequest.objects.open().exists()
    assert set(accepted.values_list("user_id", flat=True)) == {r.user_id for r in representatives}
    for representative in representatives:
        # The person's own act made the profile and the approved affiliation.
        affiliation = Affiliation.objects.get(representative=representative)
        assert affiliation.status == Affiliation.Status.APPROVED
        assert AuditEvent.objects.filter(
            content_type__model="affiliation",
            object_id=str(affiliation.pk),
            actor=representative.user,
        ).exists()
        assert AuditEvent.objects.filter(
            content_type__model="representative",
            object_id=str(representative.pk),
            action=AuditEvent.Action.CREATED,
            actor=representative.user,
        ).exists()
        # They answered the request, so the notification asking them is read.
        assert (
            not Notification.objects.unread()
            .filter(user=representative.user, url=reverse("join_requests"))
            .exists()
        )
    # Health data only with consent, and most have consented.
    without = representatives.filter(health_consent_at__isnull=True)
    assert 0 < without.count() < 20
    assert not without.exclude(experience_description="").exists()
    assert not without.filter(experience_areas__isnull=False).exists()
    declaration = EmploymentDeclaration.objects.get()
    assert declaration.employer is not None
    assert events("employmentdeclaration") == 1


def test_the_demo_representative_logs_in_and_sees_the_appointment_to_confirm(client) -> None:
    call_command("load_demo", stdout=io.StringIO())
    term = Term.objects.current().get(
        representative__user__email="representant@demo.medvirke.no", confirmed_at__isnull=True
    )
    assert client.login(email="representant@demo.medvirke.no", password=DEMO_PASSWORD)
    page = client.get(reverse("participation_engagements"))
    assert page.status_code == 200
    assert term.seat.body.name in page.content.decode()


def test_loading_the_demo_twice_adds_no_history_requests_or_notifications() -> None:
    call_command("load_demo", stdout=io.StringIO())
    counts = [
        m.objects.count() for m in (AuditEvent, JoinRequest, Notification, StaffRole, Organisation)
    ]
    call_command("load_demo", stdout=io.StringIO())
    assert [
        m.objects.count() for m in (AuditEvent, JoinRequest, Notification, StaffRole, Organisation)
    ] == counts
