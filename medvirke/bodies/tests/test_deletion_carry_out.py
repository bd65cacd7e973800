"""Carrying out a representative's request to be deleted, end to end: the person asks, the
coordinator sees the request and carries it out; the login closes, the data is gone, the terms
stay under the anonymised name, and the history says what happened without the erased values.
The bodies app's part: an open term blocks, nominations lose their justification."""

import html
import json
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from medvirke.bodies import personal_data, services
from medvirke.bodies.models import Nomination, Term
from medvirke.core.history import log_access
from medvirke.core.models import AuditEvent, Notification
from medvirke.core.testing import PASSWORD, OrganisationFactory, UserFactory, count_queries
from medvirke.organisations.models import Invitation, Organisation
from medvirke.representatives import services as rep_services
from medvirke.representatives import testing as rep_testing
from medvirke.representatives.models import (
    Affiliation,
    EmploymentDeclaration,
    ExperienceArea,
    ExternalEngagement,
    Representative,
)

from .participation_support import (
    appoint,
    candidate,
    council_fixture,  # noqa: F401 (fixture)
    nominate,
    open_call,
    other_coordinator_fixture,  # noqa: F401 (fixture)
    other_org_fixture,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db

SECRET_TEXT = "Pårørende til barn med sjelden diagnose"


def text(response) -> str:
    return html.unescape(response.content.decode())


def deleted_name(rep: Representative) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext("Deleted representative %(number)s") % {"number": rep.pk}


@pytest.fixture
def kari(world, council):
    """Kari with everything a representative can have, one ended term in the council, and a
    deletion request."""
    kari = candidate(world, "Kari Nordmann")
    kari.user.set_password(PASSWORD)
    kari.user.phone = "+47 912 34 567"
    kari.user.save()
    municipality = OrganisationFactory.create(
        name="Testby kommune", kind=Organisation.Kind.MUNICIPALITY
    )
    area = ExperienceArea.objects.create(name_nb="Sjeldne diagnoser", name_en="Rare diagnoses")
    rep_services.give_health_consent(kari, by=kari.user)
    kari.experience_description = SECRET_TEXT
    rep_services.save_profile(kari, areas=[area], by=kari.user)
    kari.birth_year = 1961
    kari.gender = Representative.Gender.WOMAN
    kari.languages = ["nb", "se"]
    kari.minority_background = True
    kari.municipality = municipality
    kari.availability = "Kvelder"
    kari.public_consent = True
    rep_services.update_profile(kari, wished_areas=[area], by=kari.user)
    rep_services.save_employment(
        EmploymentDeclaration(
            representative=kari, employer_name="Kommunen AS", starts_on=date(2019, 5, 1)
        ),
        by=kari.user,
    )
    rep_services.save_engagement(
        ExternalEngagement(
            representative=kari,
            title="Brukerpanel for e-helse",
            organisation_name="Norsk helsenett",
            starts_on=date(2024, 2, 1),
        ),
        by=kari.user,
    )
    term = appoint(world, nominate(world, open_call(world, council), kari))
    services.end_term(term, reason=Term.EndReason.RESIGNED, by=kari.user)
    log_access(actor=world.secretary, obj=kari, purpose="appointment", path="/x/")
    services.request_deletion(kari, by=kari.user)
    kari.refresh_from_db()
    return kari


def carry_out_as(client, user, rep):
    client.force_login(user)
    return client.post(reverse("deletion_carry_out", args=[rep.pk]), {"confirm": "on"})


def test_coordinator_sees_the_request_and_carries_it_out(client, world, kari) -> None:
    client.force_login(world.coordinator)
    listing = text(client.get(reverse("deletion_requests")))
    assert "Kari Nordmann" in listing and world.user_org.name in listing
    assert reverse("deletion_carry_out", args=[kari.pk]) in listing

    page = text(client.get(reverse("deletion_carry_out", args=[kari.pk])))
    assert "Kari Nordmann" in page and 'name="confirm"' in page
    assert deleted_name(kari) in page  # tells under which name the terms are kept

    started = timezone.now()
    response = client.post(reverse("deletion_carry_out", args=[kari.pk]), {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("deletion_requests")
    after = text(client.get(reverse("deletion_requests")))
    assert "Opplysningene om Kari Nordmann er slettet" in after  # the message, once
    assert reverse("deletion_carry_out", args=[kari.pk]) not in after

    kari.refresh_from_db()
    user = kari.user
    # The login is closed and the address is free again.
    assert kari.deleted_at is not None
    assert not user.is_active and not user.has_usable_password()
    assert user.full_name == deleted_name(kari) and user.phone == ""
    assert user.email.endswith(".invalid")
    assert not client.login(email="kari.nordmann@example.no", password=PASSWORD)
    assert not user.emailaddress_set.exists()
    assert not Notification.objects.filter(user=user).exists()
    # Health data and the rest of the profile are gone.
    assert kari.experience_description == "" and kari.health_consent_at is None
    assert not kari.experience_areas.exists() and not kari.wished_areas.exists()
    assert kari.birth_year is None and kari.municipality is None and kari.languages == []
    assert kari.minority_background is None and kari.availability == ""
    assert kari.gender == Representative.Gender.UNSPECIFIED and not kari.public_consent
    assert not Affiliation.objects.filter(representative=kari).exists()
    assert not EmploymentDeclaration.objects.filter(representative=kari).exists()
    assert not ExternalEngagement.objects.filter(representative=kari).exists()
    # The term is kept, under the anonymised name.
    term = Term.objects.select_related("representative__user").get(representative=kari)
    assert str(term.representative) == deleted_name(kari)
    assert term.end_reason == Term.EndReason.RESIGNED
    nomination = Nomination.objects.get(representative=kari)
    assert nomination.justification == "" and nomination.status == Nomination.Status.APPOINTED

    # The history says it happened, by whom, and which fields, never the erased values.
    event = AuditEvent.objects.for_object(kari).get(action=AuditEvent.Action.DELETED)
    assert event.actor == world.coordinator and event.object_repr == deleted_name(kari)
    assert {"experience_description", "experience_areas", "birth_year", "affiliations"} <= set(
        event.changes
    )
    written = json.dumps(
        list(AuditEvent.objects.filter(at__gte=started).values("changes", "note", "object_repr")),
        ensure_ascii=False,
    )
    for erased in (
        SECRET_TEXT,
        "Kari Nordmann",
        "kari.nordmann@example.no",
        "912 34 567",
        "1961",
        "Kommunen AS",
        "Brukerpanel",
        "Lang erfaring",  # the nomination's justification
        "Testby kommune",
    ):
        assert erased not in written, [e for e in written.split("}, {") if erased in e]


def test_the_persons_data_export_holds_nothing_of_them_afterwards(client, world, kari) -> None:
    carry_out_as(client, world.coordinator, kari)
    kari.refresh_from_db()
    data = personal_data.as_json(personal_data.collect(kari.user))
    assert data["account"]["full_name"] == deleted_name(kari)
    assert data["account"]["email"].endswith(".invalid") and data["account"]["phone"] == ""
    profile = data["representative"]
    assert profile["experience_description"] == "" and profile["experience_areas"] == []
    assert profile["birth_year"] is None and profile["languages"] == []
    assert data["affiliations"] == [] and data["employments"] == []
    assert data["external_engagements"] == [] and data["notifications"] == []
    assert data["email_addresses"] == []
    assert [n["justification"] for n in data["nominations"]] == [""]
    assert len(data["terms"]) == 1  # the appointment record stays
    # Only the history written before the deletion can still hold old values (append-only).
    current = json.dumps(
        {k: v for k, v in data.items() if k not in ("history", "health_data_reads")},
        ensure_ascii=False,
    )
    for erased in (SECRET_TEXT, "Kari Nordmann", "kari.nordmann@example.no", "Kommunen AS"):
        assert erased not in current, erased


def test_the_address_can_be_used_again_for_a_new_person(client, world, kari) -> None:
    carry_out_as(client, world.coordinator, kari)
    again = candidate(world, "Kari Nordmann")
    assert again.pk != kari.pk and again.user.email == "kari.nordmann@example.no"
    assert again.user.is_active


def test_the_secretariat_handling_the_term_may_carry_it_out_too(client, world, kari) -> None:
    client.force_login(world.secretary)
    assert "Kari Nordmann" in text(client.get(reverse("deletion_requests")))
    assert carry_out_as(client, world.secretary, kari).status_code == 302
    kari.refresh_from_db()
    assert kari.deleted_at is not None


@pytest.mark.parametrize("persona", ["outsider", "administrator", "superuser", "auditor"])
def test_people_without_the_job_are_refused(client, world, kari, persona) -> None:
    user = getattr(world, persona)
    client.force_login(user)
    assert client.get(reverse("deletion_requests")).status_code == 403
    assert client.get(reverse("deletion_carry_out", args=[kari.pk])).status_code == 403
    assert carry_out_as(client, user, kari).status_code == 403
    kari.refresh_from_db()
    assert kari.deleted_at is None and kari.experience_description == SECRET_TEXT


def test_a_coordinator_of_another_organisation_is_refused(
    client, world, kari, other_coordinator
) -> None:
    client.force_login(other_coordinator)
    assert "Kari Nordmann" not in text(client.get(reverse("deletion_requests")))
    assert carry_out_as(client, other_coordinator, kari).status_code == 403
    kari.refresh_from_db()
    assert kari.deleted_at is None


def test_anonymous_visitors_are_sent_to_the_login(client, kari) -> None:
    for url in (reverse("deletion_requests"), reverse("deletion_carry_out", args=[kari.pk])):
        assert client.get(url).status_code == 302


def test_an_open_term_blocks_the_deletion_until_the_secretariat_ends_it(
    client, world, council
) -> None:
    ola = candidate(world, "Ola Nordmann")
    term = appoint(world, nominate(world, open_call(world, council), ola))
    services.request_deletion(ola, by=ola.user)
    client.force_login(world.coordinator)
    page = text(client.get(reverse("deletion_carry_out", args=[ola.pk])))
    assert council.name in page and "Sekretariatet for utvalget må avslutte perioden" in page
    assert 'name="confirm"' not in page  # nothing to tick while it cannot be done

    response = carry_out_as(client, world.coordinator, ola)
    assert response.status_code == 200 and council.name in text(response)
    ola.refresh_from_db()
    assert ola.deleted_at is None and ola.user.is_active and ola.user.full_name == "Ola Nordmann"
    with pytest.raises(rep_services.DeletionRefused):
        rep_services.carry_out_deletion(ola, by=world.coordinator)

    services.end_term(term, reason=Term.EndReason.RESIGNED, by=world.secretary)
    assert carry_out_as(client, world.coordinator, ola).status_code == 302
    ola.refresh_from_db()
    assert ola.deleted_at is not None


def test_a_term_that_has_not_started_yet_blocks_too(world, council) -> None:
    ola = candidate(world, "Ola Nordmann")
    appoint(
        world,
        nominate(world, open_call(world, council), ola),
        starts_on=timezone.localdate() + timedelta(days=30),
        ends_on=timezone.localdate() + timedelta(days=760),
    )
    services.request_deletion(ola, by=ola.user)
    with pytest.raises(rep_services.DeletionRefused) as refused:
        rep_services.carry_out_deletion(ola, by=world.coordinator)
    assert council.name in str(refused.value)


def test_a_pending_nomination_is_withdrawn_and_loses_its_justification(world, council) -> None:
    ola = candidate(world, "Ola Nordmann")
    nomination = nominate(world, open_call(world, council), ola)
    services.request_deletion(ola, by=ola.user)
    rep_services.carry_out_deletion(ola, by=world.secretary)
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.WITHDRAWN and nomination.justification == ""
    event = AuditEvent.objects.for_object(nomination).latest("pk")
    assert "justification" in event.changes  # recorded as changed, the text never stored
    assert event.changes["justification"][0] == "•••"
    assert event.changes["status"] == ["nominated", "withdrawn"]


def test_an_open_invitation_is_withdrawn_and_blanked(world) -> None:
    ola = rep_testing.register_candidate(
        email="ola.nordmann@example.no",
        full_name="Ola Nordmann",
        organisation=world.user_org,
        by=world.coordinator,
    )
    assert Invitation.objects.pending().filter(email="ola.nordmann@example.no").exists()
    services.request_deletion(ola, by=ola.user)
    rep_services.carry_out_deletion(ola, by=world.coordinator)
    invitation = Invitation.objects.get(organisation=world.user_org, role="")
    assert invitation.status == "revoked" and invitation.full_name == ""
    assert invitation.email.endswith(".invalid")


def test_the_list_query_count_is_flat(client, world, council) -> None:
    call = open_call(world, council)

    def grow(n: int) -> None:
        """Open deletion requests up to `n`: people of the coordinator's organisation, every
        other one also nominated (bulk-created; through the services 1,000 take minutes)."""
        tag = f"slett{Representative.objects.count()}-"
        User = type(world.coordinator)
        have = Representative.objects.filter(deletion_requested_at__isnull=False).count()
        User.objects.bulk_create(
            UserFactory.build(email=f"{tag}{i}@example.no", full_name=f"Person {tag}{i}")
            for i in range(n - have)
        )
        reps = Representative.objects.bulk_create(
            Representative(user=u, deletion_requested_at=timezone.now())
            for u in User.objects.filter(email__startswith=tag)
        )
        Affiliation.objects.bulk_create(
            Affiliation(representative=r, organisation=world.user_org, status="approved")
            for r in reps
        )
        Nomination.objects.bulk_create(
            Nomination(
                call=call,
                representative=r,
                organisation=world.user_org,
                justification="Erfaren",
                nominated_by=world.coordinator,
            )
            for r in reps[::2]
        )

    client.force_login(world.coordinator)
    grow(10)
    few = count_queries(client, reverse("deletion_requests"))
    grow(1000)
    assert count_queries(client, reverse("deletion_requests")) == few
    assert text(client.get(reverse("deletion_requests"))).count('/slett/"') == 1000
