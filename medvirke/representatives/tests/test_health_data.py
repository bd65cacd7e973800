"""Experience areas and description are health data (GDPR art. 9): stored only with consent,
erased when consent is withdrawn, never copied into the history, visible only to the person,
their organisations' coordinators and the secretariats handling their appointments, and every
read by someone else is in the access log."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from medvirke.core.models import REDACTED, AccessLogEntry, AuditEvent
from medvirke.core.testing import OrganisationFactory, UserFactory
from medvirke.organisations.models import Organisation, StaffRole
from medvirke.representatives import services, testing
from medvirke.representatives.models import ExperienceArea, Representative
from medvirke.representatives.permissions import get_representative_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def kari(world) -> Representative:
    return testing.register_candidate(
        email="kari@example.no",
        full_name="Kari Nordmann",
        organisation=world.user_org,
        by=world.coordinator,
    )


def read_as(user, rep):
    request = RequestFactory().get(f"/representanter/{rep.pk}/")
    request.user = user
    return get_representative_for_user(request, rep.pk, purpose="profile")


def test_health_data_cannot_be_stored_without_consent(world, kari) -> None:
    kari.experience_description = "Behandlet for depresjon"
    with pytest.raises(services.ConsentRequired):
        services.save_profile(kari, areas=None, by=kari.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Representative.objects.filter(pk=kari.pk).update(experience_description="x")


def test_with_consent_health_data_is_kept_but_not_copied_into_history(world, kari) -> None:
    services.give_health_consent(kari, by=kari.user)
    kari.experience_description = "Behandlet for depresjon"
    services.save_profile(
        kari, areas=list(ExperienceArea.objects.filter(name_nb="Psykisk helse")), by=kari.user
    )
    kari.refresh_from_db()
    assert kari.experience_areas.get().name_nb == "Psykisk helse"
    history = AuditEvent.objects.for_object(kari)
    text = str(list(history.values_list("changes", flat=True)))
    assert "depresjon" not in text and "Psykisk" not in text
    assert history.filter(changes__experience_description=[None, REDACTED]).exists()


def test_withdrawing_consent_erases_the_health_data(world, kari) -> None:
    services.give_health_consent(kari, by=kari.user)
    kari.experience_description = "Pårørende til en med rusproblemer"
    services.save_profile(kari, areas=list(ExperienceArea.objects.all()[:2]), by=kari.user)
    services.withdraw_health_consent(kari, by=kari.user)
    kari.refresh_from_db()
    assert kari.experience_description == "" and not kari.experience_areas.exists()
    assert kari.health_consent_at is None


def test_the_coordinator_sees_health_data_and_the_read_is_logged(world, kari) -> None:
    services.give_health_consent(kari, by=kari.user)
    _rep, health = read_as(world.coordinator, kari)
    assert health
    entry = AccessLogEntry.objects.for_object(kari).get()
    assert entry.actor == world.coordinator


def test_the_person_reads_own_data_without_an_access_log_entry(world, kari) -> None:
    _rep, health = read_as(kari.user, kari)
    assert health
    assert not AccessLogEntry.objects.exists()


def test_a_coordinator_of_another_organisation_is_refused(world, kari) -> None:
    other = OrganisationFactory.create(name="Annen forening", kind=Organisation.Kind.USER_ORG)
    stranger = UserFactory.create()
    StaffRole.objects.create(user=stranger, organisation=other, role=StaffRole.Role.COORDINATOR)
    with pytest.raises(PermissionDenied):
        read_as(stranger, kari)
    assert not AccessLogEntry.objects.exists()


def test_a_coordinator_of_the_parent_organisation_reaches_branch_members(world) -> None:
    branch = OrganisationFactory.create(
        name="Testforeningen Midt", parent=world.user_org, kind=Organisation.Kind.USER_ORG_BRANCH
    )
    ola = testing.register_candidate(
        email="ola@example.no", full_name="Ola", organisation=branch, by=world.coordinator
    )
    services.give_health_consent(ola, by=ola.user)
    _rep, health = read_as(world.coordinator, ola)
    assert health


def test_outsiders_and_platform_operators_are_refused(world, kari) -> None:
    for user in (world.outsider, world.superuser, world.secretary):
        with pytest.raises(PermissionDenied):
            read_as(user, kari)
