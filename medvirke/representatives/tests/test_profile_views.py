"""The profile page: who may open it, that reading health data is logged, and approval."""

import pytest
from django.urls import reverse

from medvirke.core.models import AccessLogEntry, AuditEvent
from medvirke.core.testing import OrganisationFactory
from medvirke.organisations.models import Organisation
from medvirke.representatives import services_joining
from medvirke.representatives.models import Affiliation, EmploymentDeclaration

from .factories import other_coordinator, page, register, with_health_data, with_password

pytestmark = pytest.mark.django_db


@pytest.fixture
def kari(world):
    rep = with_password(register(world, "kari@example.no", "Kari Nordmann"))
    with_health_data(rep, ["Psykisk helse"], "Pårørende til en med psykoselidelse")
    EmploymentDeclaration.objects.create(
        representative=rep, employer_name="Testby HF", position="Renholder", starts_on="2020-01-01"
    )
    return rep


def url(rep) -> str:
    return reverse("representative_detail", args=[rep.pk])


def test_anonymous_visitor_is_sent_to_login(client, kari) -> None:
    response = client.get(url(kari))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_coordinator_sees_all_profile_data_and_the_read_is_logged(client, world, kari) -> None:
    client.force_login(world.coordinator)
    response = client.get(url(kari))
    text = page(response)
    assert response.status_code == 200
    for expected in ("Kari Nordmann", "Psykisk helse", "psykoselidelse", "Renholder"):
        assert expected in text
    assert 'id="access-log-notice"' in text  # the notice that the view is logged
    entry = AccessLogEntry.objects.for_object(kari).get()
    assert entry.actor == world.coordinator and entry.path == url(kari)


@pytest.mark.parametrize("persona", ["outsider", "secretary", "administrator", "superuser"])
def test_people_without_a_reason_are_refused_and_nothing_is_logged(
    client, world, kari, persona
) -> None:
    client.force_login(getattr(world, persona))
    assert client.get(url(kari)).status_code == 403
    assert not AccessLogEntry.objects.exists()


def test_coordinator_of_another_organisation_is_refused(client, world, kari) -> None:
    stranger, _other = other_coordinator()
    client.force_login(stranger)
    assert client.get(url(kari)).status_code == 403
    assert not AccessLogEntry.objects.exists()


def test_the_person_sees_own_profile_without_an_access_log_entry(client, kari) -> None:
    client.force_login(kari.user)
    response = client.get(url(kari))
    text = page(response)
    assert response.status_code == 200 and "psykoselidelse" in text
    assert 'id="access-log-notice"' not in text
    assert not AccessLogEntry.objects.exists()


def test_an_unknown_representative_is_not_found(client, world) -> None:
    client.force_login(world.coordinator)
    assert client.get(reverse("representative_detail", args=[999999])).status_code == 404


# --- Approve or reject an affiliation ---------------------------------------------------------


@pytest.fixture
def pending(world, kari):
    affiliation = Affiliation.objects.get(representative=kari)
    Affiliation.objects.filter(pk=affiliation.pk).update(status=Affiliation.Status.PENDING)
    affiliation.refresh_from_db()
    return affiliation


def decide(client, affiliation, decision: str, **extra):
    return client.post(
        reverse("affiliation_decide", args=[affiliation.pk]), {"decision": decision, **extra}
    )


def test_coordinator_approves_from_the_profile_and_the_history_says_so(
    client, world, kari, pending
) -> None:
    client.force_login(world.coordinator)
    text = page(client.get(url(kari)))
    assert reverse("affiliation_decide", args=[pending.pk]) in text
    response = decide(client, pending, "approve", next=url(kari))
    assert response.status_code == 302 and response["Location"] == url(kari)
    pending.refresh_from_db()
    assert pending.status == Affiliation.Status.APPROVED
    assert pending.decided_by == world.coordinator
    event = AuditEvent.objects.for_object(kari).filter(changes__has_key="status").latest("id")
    assert event.changes["status"] == ["pending", "approved"]


def test_coordinator_rejects(client, world, pending) -> None:
    client.force_login(world.coordinator)
    decide(client, pending, "reject")
    pending.refresh_from_db()
    assert pending.status == Affiliation.Status.REJECTED


def test_coordinator_of_the_parent_organisation_decides_for_a_branch(client, world) -> None:
    branch = OrganisationFactory.create(
        name="Testforeningen Midt", parent=world.user_org, kind=Organisation.Kind.USER_ORG_BRANCH
    )
    ola = register(world, "ola@example.no", "Ola", organisation=branch)
    affiliation = Affiliation.objects.get(representative=ola)
    client.force_login(world.coordinator)
    decide(client, affiliation, "reject")
    affiliation.refresh_from_db()
    assert affiliation.status == Affiliation.Status.REJECTED


@pytest.mark.parametrize("persona", ["outsider", "secretary", "administrator", "superuser"])
def test_others_may_not_decide(client, world, pending, persona) -> None:
    client.force_login(getattr(world, persona))
    assert decide(client, pending, "approve").status_code == 403
    pending.refresh_from_db()
    assert pending.status == Affiliation.Status.PENDING


def test_coordinator_of_another_organisation_may_not_decide(client, world, pending) -> None:
    stranger, _other = other_coordinator()
    client.force_login(stranger)
    assert decide(client, pending, "approve").status_code == 403


def test_the_representative_may_not_approve_themselves(client, kari, pending) -> None:
    client.force_login(kari.user)
    assert decide(client, pending, "approve").status_code == 403
    assert reverse("affiliation_decide", args=[pending.pk]) not in page(client.get(url(kari)))


def test_deciding_needs_post_and_ignores_unknown_decisions_and_foreign_next(
    client, world, kari, pending
) -> None:
    client.force_login(world.coordinator)
    assert client.get(reverse("affiliation_decide", args=[pending.pk])).status_code == 405
    response = decide(client, pending, "maybe", next="https://evil.example/")
    assert response["Location"] == url(kari)
    pending.refresh_from_db()
    assert pending.status == Affiliation.Status.PENDING


def test_anonymous_visitor_cannot_decide(client, pending) -> None:
    response = decide(client, pending, "approve")
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_rejecting_is_recorded_and_approving_again_needs_the_persons_yes(
    client, world, pending
) -> None:
    """Once rejected, the coordinator cannot approve the person back by a click: that would
    reopen their health data without asking them. A new request to join is the way back."""
    events = AuditEvent.objects.filter(changes__has_key="status", object_id=str(pending.pk))
    before = events.count()
    client.force_login(world.coordinator)
    decide(client, pending, "reject")
    response = decide(client, pending, "approve")
    assert response.status_code == 302
    assert events.count() == before + 1
    pending.refresh_from_db()
    assert pending.status == Affiliation.Status.REJECTED
    services_joining.decide_affiliation(pending, approve=False, by=world.coordinator)  # same
    assert events.count() == before + 1


def test_coordinator_ends_an_approved_affiliation_with_history(client, world, kari) -> None:
    affiliation = Affiliation.objects.get(representative=kari)
    client.force_login(world.coordinator)
    assert 'value="end"' in page(client.get(url(kari)))
    decide(client, affiliation, "end")
    affiliation.refresh_from_db()
    assert affiliation.status == Affiliation.Status.ENDED
    event = AuditEvent.objects.for_object(affiliation).latest("pk")
    assert event.action == AuditEvent.Action.ENDED and event.actor == world.coordinator
    assert event.changes["status"] == ["approved", "ended"]
    assert client.get(url(kari)).status_code == 403  # ended: the profile is closed to them
