"""The representative's pages: my engagements, confirming and resigning, the letter of
appointment, my data (JSON and PDF) and the request to be deleted — each for the person only."""

import html
import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from medvirke.bodies import services
from medvirke.bodies.letters import appointment_letter, mandate_summary
from medvirke.bodies.models import Body, Call, Nomination, Seat, Term
from medvirke.core.history import log_access
from medvirke.core.models import AuditEvent, Notification
from medvirke.core.testing import count_queries
from medvirke.representatives.models import (
    EmploymentDeclaration,
    ExperienceArea,
    ExternalEngagement,
)

from .participation_support import (
    TODAY,
    appoint,
    candidate,
    council_fixture,  # noqa: F401 (fixture)
    make_council,
    nominate,
    open_call,
    other_coordinator_fixture,  # noqa: F401 (fixture)
    other_org_fixture,  # noqa: F401 (fixture)
)
from .pdftext import pdf_text

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def kari_term(world, council):
    kari = candidate(world, "Kari Nordmann")
    call = open_call(world, council)
    return appoint(world, nominate(world, call, kari))


# --- my engagements -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["outsider", "coordinator", "secretary"])
def test_people_without_a_representative_profile_get_403(client, world, persona) -> None:
    client.force_login(world.persona(persona))
    assert client.get(reverse("participation_engagements")).status_code == 403
    assert client.get(reverse("participation_delete_me")).status_code == 403


def test_my_engagements_shows_current_past_nominations_and_other_engagements(
    client, world, council, kari_term
) -> None:
    kari = kari_term.representative
    old_body = make_council(world, name="Gammelt råd")
    Term.objects.create(
        seat=old_body.seats.get(role="member", rank=1),
        representative=kari,
        starts_on=date(2020, 1, 1),
        ends_on=date(2022, 1, 1),
        ended_on=date(2022, 1, 1),
        end_reason=Term.EndReason.TERM_END,
        appointed_by=world.secretary,
    )
    other_call = open_call(world, make_council(world, name="Ventende råd"))
    nominate(world, other_call, kari)
    ExternalEngagement.objects.create(
        representative=kari,
        title="Referansegruppe for pakkeforløp",
        organisation_name="Helsedirektoratet",
        starts_on=date(2024, 1, 1),
    )
    client.force_login(kari.user)
    page = text(client.get(reverse("participation_engagements")))
    assert council.name in page and "Gammelt råd" in page and "Ventende råd" in page
    assert "Referansegruppe for pakkeforløp" in page
    assert reverse("participation_confirm", args=[kari_term.pk]) in page
    assert reverse("participation_letter", args=[kari_term.pk]) in page
    assert reverse("participation_resign", args=[kari_term.pk]) in page


def test_my_engagements_shows_nothing_of_other_representatives(
    client, world, council, kari_term
) -> None:
    ola = candidate(world, "Ola Nordmann")
    client.force_login(ola.user)
    page = text(client.get(reverse("participation_engagements")))
    assert council.name not in page
    assert reverse("participation_confirm", args=[kari_term.pk]) not in page


def test_my_engagements_query_count_is_flat(client, world, council, kari_term) -> None:
    kari = kari_term.representative

    def count() -> int:
        return count_queries(client, reverse("participation_engagements"))

    def grow(n: int) -> None:
        """`n` of kari's terms (current, ended, unconfirmed), nominations and other
        engagements, each in a council of its own: bulk-created, as services would take
        minutes at 1,000."""
        have = ExternalEngagement.objects.filter(representative=kari).count()
        bodies = Body.objects.bulk_create(
            Body(
                name=f"Råd {i:04}",
                kind=Body.Kind.TRUST_COUNCIL,
                owner=world.clinic if i % 2 else world.hf,
                ladder_step=2,
                mandate="Gi råd.",
            )
            for i in range(have, n)
        )
        seats = Seat.objects.bulk_create(
            Seat(body=b, role=Seat.Role.MEMBER, rank=1) for b in bodies
        )
        Term.objects.bulk_create(
            Term(
                seat=seat,
                representative=kari,
                nominated_by=world.user_org if i % 3 else None,
                starts_on=TODAY - timedelta(days=400),
                ends_on=TODAY + timedelta(days=300),
                ended_on=TODAY - timedelta(days=1) if i % 4 == 0 else None,
                confirmed_at=timezone.now() if i % 2 else None,
                appointed_by=world.secretary,
            )
            for i, seat in enumerate(seats)
        )
        calls = Call.objects.bulk_create(
            Call(body=b, deadline=TODAY + timedelta(days=14), opened_by=world.secretary)
            for b in bodies
        )
        Nomination.objects.bulk_create(
            Nomination(
                call=c,
                representative=kari,
                organisation=world.user_org,
                justification="Erfaren",
                nominated_by=world.coordinator,
            )
            for c in calls
        )
        ExternalEngagement.objects.bulk_create(
            ExternalEngagement(
                representative=kari, title=f"E{i}", organisation_name="X", starts_on=TODAY
            )
            for i in range(have, n)
        )

    client.force_login(kari.user)
    grow(10)
    small = count()
    grow(1000)
    assert count() == small
    assert "Råd 0999" in text(client.get(reverse("participation_engagements")))


# --- confirm --------------------------------------------------------------------------------------


def test_representative_confirms_own_appointment(client, world, kari_term) -> None:
    client.force_login(kari_term.representative.user)
    response = client.post(reverse("participation_confirm", args=[kari_term.pk]))
    assert response.status_code == 302
    kari_term.refresh_from_db()
    assert kari_term.confirmed_at is not None
    event = AuditEvent.objects.for_object(kari_term).get(action="accepted")
    assert event.actor == kari_term.representative.user


def test_confirming_someone_elses_term_is_refused(client, world, kari_term) -> None:
    ola = candidate(world, "Ola Nordmann")
    for person in (ola.user, world.secretary, world.coordinator, world.outsider):
        client.force_login(person)
        assert client.post(reverse("participation_confirm", args=[kari_term.pk])).status_code == 403
    kari_term.refresh_from_db()
    assert kari_term.confirmed_at is None


def test_confirming_twice_changes_nothing(client, world, kari_term) -> None:
    client.force_login(kari_term.representative.user)
    client.post(reverse("participation_confirm", args=[kari_term.pk]))
    first = Term.objects.get(pk=kari_term.pk).confirmed_at
    client.post(reverse("participation_confirm", args=[kari_term.pk]))
    assert Term.objects.get(pk=kari_term.pk).confirmed_at == first
    assert AuditEvent.objects.for_object(kari_term).filter(action="accepted").count() == 1


def test_confirm_is_post_only(client, world, kari_term) -> None:
    client.force_login(kari_term.representative.user)
    assert client.get(reverse("participation_confirm", args=[kari_term.pk])).status_code == 405


# --- resign ---------------------------------------------------------------------------------------


def test_representative_resigns_with_a_message(client, world, kari_term) -> None:
    client.force_login(kari_term.representative.user)
    url = reverse("participation_resign", args=[kari_term.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"confirm": "on", "message": "Flytter til Tromsø i mars."})
    assert response.status_code == 302
    kari_term.refresh_from_db()
    assert kari_term.ended_on == TODAY
    assert kari_term.end_reason == Term.EndReason.RESIGNED
    event = AuditEvent.objects.for_object(kari_term).get(action="ended")
    assert event.actor == kari_term.representative.user
    assert "Tromsø" not in json.dumps(event.changes) + event.note  # not in the history
    notice = Notification.objects.filter(user=world.secretary).latest("pk")
    assert "Flytter til Tromsø i mars." in notice.body


def test_resigning_without_ticking_the_box_keeps_the_message(client, world, kari_term) -> None:
    client.force_login(kari_term.representative.user)
    response = client.post(
        reverse("participation_resign", args=[kari_term.pk]), {"message": "Min melding"}
    )
    assert response.status_code == 200
    page = text(response)
    assert 'id="id_confirm_error"' in page and "Min melding" in page
    kari_term.refresh_from_db()
    assert kari_term.ended_on is None


def test_resigning_twice_is_refused(client, world, kari_term) -> None:
    client.force_login(kari_term.representative.user)
    url = reverse("participation_resign", args=[kari_term.pk])
    client.post(url, {"confirm": "on"})
    response = client.post(url, {"confirm": "on", "message": "igjen"})
    assert response.status_code == 200
    page = text(response)
    assert "ds-error-summary" in page and "igjen" in page
    assert AuditEvent.objects.for_object(kari_term).filter(action="ended").count() == 1


def test_nobody_else_can_resign_on_someones_behalf_here(client, world, kari_term) -> None:
    ola = candidate(world, "Ola Nordmann")
    for person in (ola.user, world.secretary, world.coordinator, world.outsider):
        client.force_login(person)
        response = client.post(
            reverse("participation_resign", args=[kari_term.pk]), {"confirm": "on"}
        )
        assert response.status_code == 403
    kari_term.refresh_from_db()
    assert kari_term.ended_on is None


# --- letter of appointment ------------------------------------------------------------------------


def test_letter_of_appointment_is_a_pdf_with_the_facts_in_its_text(
    client, world, kari_term
) -> None:
    client.force_login(kari_term.representative.user)
    response = client.get(reverse("participation_letter", args=[kari_term.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    words = pdf_text(response.content)
    assert "Kari Nordmann" in words
    assert kari_term.seat.body.name in words
    assert world.hf.name in words  # the owner
    assert world.user_org.name in words  # the nominating organisation
    assert world.secretary.display_name in words  # signed by the secretariat person
    assert f"{kari_term.starts_on.year}" in words


def test_letter_is_in_the_representatives_language(world, kari_term) -> None:
    user = kari_term.representative.user
    user.language = "en"
    user.save()
    term = Term.objects.select_related(
        "seat__body__owner", "representative__user", "nominated_by", "appointed_by"
    ).get(pk=kari_term.pk)
    words = pdf_text(appointment_letter(term))
    assert "Appointment to" in words and "Kind regards" in words


def test_typst_markup_in_names_and_mandate_is_printed_as_written(world) -> None:
    body = make_council(world, name="Råd #1 *fet* $x$", mandate='#import "x": *\n\n= Overskrift')
    rep = candidate(world, "Ærlig [Navn] #let")
    term = appoint(world, nominate(world, open_call(world, body), rep))
    term = Term.objects.select_related(
        "seat__body__owner", "representative__user", "nominated_by", "appointed_by"
    ).get(pk=term.pk)
    words = pdf_text(appointment_letter(term))
    assert "Ærlig [Navn] #let" in words
    assert "Råd #1 *fet* $x$" in words
    assert '#import "x": *' in words and "= Overskrift" in words


def test_the_bodys_secretariat_may_download_the_letter_but_not_others(
    client, world, kari_term, other_coordinator
) -> None:
    url = reverse("participation_letter", args=[kari_term.pk])
    client.force_login(world.secretary)
    assert client.get(url).status_code == 200
    for person in (other_coordinator, world.outsider, candidate(world, "Ola Nordmann").user):
        client.force_login(person)
        assert client.get(url).status_code == 403


def test_a_long_mandate_is_summarised_at_a_word_boundary() -> None:
    mandate = "Første avsnitt.\n\n" + ("ord " * 600)
    summary = mandate_summary(mandate, limit=300)
    assert summary[0] == "Første avsnitt."
    assert summary[-1].endswith(" …") and len(" ".join(summary)) <= 310


# --- my data --------------------------------------------------------------------------------------


@pytest.fixture
def kari_with_data(world, council, kari_term):
    kari = kari_term.representative
    area = ExperienceArea.objects.create(name_nb="Sjeldne diagnoser", name_en="Rare diagnoses")
    kari.health_consent_at = timezone.now()
    kari.experience_description = "Pårørende til barn med sjelden diagnose"
    kari.save()
    kari.experience_areas.add(area)
    EmploymentDeclaration.objects.create(
        representative=kari, employer_name="Kommunen AS", starts_on=date(2019, 5, 1)
    )
    ExternalEngagement.objects.create(
        representative=kari,
        title="Brukerpanel for e-helse",
        organisation_name="Norsk helsenett",
        starts_on=date(2024, 2, 1),
    )
    log_access(actor=world.secretary, obj=kari, purpose="appointment", path="/x/")
    # Someone else's data in the same body: must not appear in Kari's export.
    ola = candidate(world, "Ola Annenmann")
    appoint(world, nominate(world, open_call(world, council), ola))
    ExternalEngagement.objects.create(
        representative=ola,
        title="Olas hemmelige verv",
        organisation_name="Annet sted",
        starts_on=date(2024, 2, 1),
    )
    return kari


def test_my_data_json_holds_everything_about_me(client, world, kari_with_data) -> None:
    kari = kari_with_data
    client.force_login(kari.user)
    response = client.get(reverse("participation_my_data_json"))
    assert response.status_code == 200
    assert (
        "attachment" in response["Content-Disposition"]
        and ".json" in response["Content-Disposition"]
    )
    data = json.loads(response.content)
    assert data["account"]["email"] == "kari.nordmann@example.no"
    assert "password" not in data["account"]
    assert data["representative"]["experience_description"] == (
        "Pårørende til barn med sjelden diagnose"
    )
    assert data["representative"]["experience_areas"]
    assert data["affiliations"][0]["organisation"] == world.user_org.name
    assert data["employments"][0]["employer_name"] == "Kommunen AS"
    assert data["external_engagements"][0]["title"] == "Brukerpanel for e-helse"
    assert data["nominations"][0]["body"] == kari.terms.get().seat.body.name
    assert data["terms"][0]["body"] == kari.terms.get().seat.body.name
    assert any("appointed" in n["subject"] or n["subject"] for n in data["notifications"])
    assert data["notifications"], "the appointment notice is personal data too"
    assert any(e["action"] == "created" for e in data["history"])
    assert data["health_data_reads"][0]["actor"] == world.secretary.display_name
    dumped = json.dumps(data, ensure_ascii=False)
    assert "Ola Annenmann" not in dumped and "Olas hemmelige verv" not in dumped
    assert "pbkdf2" not in dumped and "md5$" not in dumped


def test_my_data_pdf_holds_my_data_and_nothing_of_others(client, world, kari_with_data) -> None:
    client.force_login(kari_with_data.user)
    response = client.get(reverse("participation_my_data_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    words = pdf_text(response.content)
    for expected in (
        "Kari Nordmann",
        "kari.nordmann@example.no",
        "Pårørende til barn med sjelden diagnose",
        "Kommunen AS",
        "Brukerpanel for e-helse",
        world.user_org.name,
    ):
        assert expected in words, expected
    assert "Ola Annenmann" not in words and "Olas hemmelige verv" not in words


def test_a_person_without_a_representative_profile_can_download_their_account_data(
    client, world
) -> None:
    client.force_login(world.outsider)
    data = json.loads(client.get(reverse("participation_my_data_json")).content)
    assert data["account"]["email"] == "outsider@example.no"
    assert data["representative"] is None and data["terms"] == []


def test_my_data_needs_login(client) -> None:
    for name in ("participation_my_data_json", "participation_my_data_pdf"):
        assert client.get(reverse(name)).status_code == 302


# --- deletion request -----------------------------------------------------------------------------


def test_asking_to_be_deleted_records_it_tells_coordinator_and_secretariat(
    client, world, kari_term, django_capture_on_commit_callbacks
) -> None:
    kari = kari_term.representative
    client.force_login(kari.user)
    page = text(client.get(reverse("participation_delete_me")))
    assert 'name="confirm"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("participation_delete_me"), {"confirm": "on"})
    assert response.status_code == 302
    kari.refresh_from_db()
    assert kari.deletion_requested_at is not None
    assert AuditEvent.objects.for_object(kari).filter(changes__has_key="deletion_requested_at")
    told = set(
        Notification.objects.filter(subject__contains="Kari Nordmann").values_list(
            "user__email", flat=True
        )
    )
    assert {world.coordinator.email, world.secretary.email} <= told
    notice = Notification.objects.filter(user=world.coordinator).latest("pk")
    assert notice.url == f"/representanter/{kari.pk}/"  # the person's page, for those allowed
    assert kari.user.email not in told
    # Asked again: nothing more is recorded or sent.
    before = Notification.objects.count()
    client.post(reverse("participation_delete_me"), {"confirm": "on"})
    assert Notification.objects.count() == before


def test_the_deletion_request_needs_the_box_ticked(client, world, kari_term) -> None:
    client.force_login(kari_term.representative.user)
    response = client.post(reverse("participation_delete_me"), {})
    assert response.status_code == 200 and 'id="id_confirm_error"' in text(response)
    kari_term.representative.refresh_from_db()
    assert kari_term.representative.deletion_requested_at is None


def test_service_level_resign_notice_includes_the_stepping_deputy(world, council) -> None:
    kari, ola = candidate(world, "Kari Nordmann"), candidate(world, "Ola Nordmann")
    call = open_call(world, council, seats=list(council.seats.all()))
    member = appoint(
        world, nominate(world, call, kari), seat=council.seats.get(role="member", rank=1)
    )
    appoint(world, nominate(world, call, ola), seat=council.seats.get(role="deputy"))
    services.end_term(member, reason=Term.EndReason.RESIGNED, by=kari.user)
    assert Notification.objects.filter(user=ola.user, subject__contains=council.name).exists()
    assert "Ola Nordmann" in Notification.objects.filter(user=world.secretary).latest("pk").body
    assert TODAY + timedelta(days=1) > member.starts_on


def test_a_member_of_a_non_public_group_sees_the_group_page(client, world) -> None:
    group = make_council(world, name="Arbeidsgruppe for ny sengepost", is_public=False)
    call = open_call(world, group)
    kari = candidate(world, "Kari Gruppe")
    appoint(world, nominate(world, call, kari))
    client.force_login(kari.user)
    assert client.get(reverse("body_detail", args=[group.pk])).status_code == 200
    client.force_login(world.outsider)
    assert client.get(reverse("body_detail", args=[group.pk])).status_code == 403
