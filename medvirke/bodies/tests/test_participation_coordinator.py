"""The coordinator's pages: calls sent to us, nominating and withdrawing, and where we are
represented — with access for our own organisation only and the refusals shown at the field."""

import html
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from medvirke.bodies.models import Call, Nomination, Term
from medvirke.core.models import AuditEvent
from medvirke.core.testing import UserFactory, count_queries
from medvirke.representatives.models import (
    Affiliation,
    EmploymentDeclaration,
    ExperienceArea,
    Representative,
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

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def post_nomination(client, call, rep, **extra):
    data = {"representative": rep.pk, "justification": "Erfaring fra psykisk helsevern", **extra}
    if "organisation" not in data:
        data["organisation"] = call.recipients.first().pk
    return client.post(reverse("participation_call", args=[call.pk]), data)


# --- access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["participation_calls", "participation_representation"], ids=["calls", "repr"]
)
@pytest.mark.parametrize("persona", ["outsider", "secretary", "administrator"])
def test_only_coordinators_open_the_coordinator_pages(client, world, url_name, persona) -> None:
    client.force_login(world.persona(persona))
    assert client.get(reverse(url_name)).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, world, council) -> None:
    call = open_call(world, council)
    for url in (
        reverse("participation_calls"),
        reverse("participation_representation"),
        reverse("participation_call", args=[call.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_coordinator_sees_calls_sent_to_their_organisation_only(
    client, world, council, other_org, other_coordinator
) -> None:
    ours = open_call(world, council)
    other_body = make_council(world, name="Ungdomsrådet")
    theirs = open_call(world, other_body, recipients=[other_org])
    client.force_login(world.coordinator)
    page = text(client.get(reverse("participation_calls")))
    assert reverse("participation_call", args=[ours.pk]) in page
    assert reverse("participation_call", args=[theirs.pk]) not in page
    client.force_login(other_coordinator)
    page = text(client.get(reverse("participation_calls")))
    assert reverse("participation_call", args=[theirs.pk]) in page
    assert reverse("participation_call", args=[ours.pk]) not in page


def test_closed_and_expired_calls_are_not_listed(client, world, council) -> None:
    closed = open_call(world, council)
    Call.objects.filter(pk=closed.pk).update(closed_at=timezone.now())
    expired = open_call(world, council)
    Call.objects.filter(pk=expired.pk).update(deadline=TODAY - timedelta(days=1))
    client.force_login(world.coordinator)
    page = text(client.get(reverse("participation_calls")))
    assert reverse("participation_call", args=[closed.pk]) not in page
    assert reverse("participation_call", args=[expired.pk]) not in page


def test_coordinator_of_another_organisation_cannot_open_or_nominate_to_our_call(
    client, world, council, other_coordinator
) -> None:
    call, kari = open_call(world, council), candidate(world, "Kari Nordmann")
    client.force_login(other_coordinator)
    assert client.get(reverse("participation_call", args=[call.pk])).status_code == 403
    assert post_nomination(client, call, kari).status_code == 403
    assert not Nomination.objects.exists()


def test_the_secretariat_may_not_nominate(client, world, council) -> None:
    call = open_call(world, council)
    client.force_login(world.secretary)
    assert client.get(reverse("participation_call", args=[call.pk])).status_code == 403


# --- nominating -----------------------------------------------------------------------------------


def test_coordinator_nominates_an_approved_representative(client, world, council) -> None:
    call, kari = open_call(world, council), candidate(world, "Kari Nordmann")
    client.force_login(world.coordinator)
    page = text(client.get(reverse("participation_call", args=[call.pk])))
    assert "Kari Nordmann" in page and council.name in page
    response = post_nomination(client, call, kari)
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert nomination.representative == kari
    assert nomination.organisation == world.user_org
    assert nomination.nominated_by == world.coordinator
    assert nomination.justification == "Erfaring fra psykisk helsevern"
    assert AuditEvent.objects.for_object(council).filter(action="created").exists()
    page = text(client.get(reverse("participation_call", args=[call.pk])))
    assert reverse("participation_withdraw", args=[nomination.pk]) in page


def test_only_the_organisations_approved_representatives_are_offered(
    client, world, council, other_org
) -> None:
    call = open_call(world, council)
    candidate(world, "Kari Nordmann")
    pending = candidate(world, "Per Venter")
    pending.affiliations.update(status="pending")
    candidate(world, "Olga Annen", organisation=other_org)
    client.force_login(world.coordinator)
    page = text(client.get(reverse("participation_call", args=[call.pk])))
    assert "Kari Nordmann" in page
    assert "Per Venter" not in page
    assert "Olga Annen" not in page


def test_a_missing_justification_is_shown_at_the_field_and_the_choice_kept(
    client, world, council
) -> None:
    call, kari = open_call(world, council), candidate(world, "Kari Nordmann")
    client.force_login(world.coordinator)
    response = post_nomination(client, call, kari, justification="")
    assert response.status_code == 200
    page = text(response)
    assert 'id="id_justification_error"' in page
    assert 'aria-invalid="true"' in page
    assert f'<option value="{kari.pk}" selected>' in page
    assert not Nomination.objects.exists()


def test_nominating_to_a_closed_call_is_refused_next_to_the_field(client, world, council) -> None:
    call, kari = open_call(world, council), candidate(world, "Kari Nordmann")
    Call.objects.filter(pk=call.pk).update(closed_at=timezone.now())
    client.force_login(world.coordinator)
    response = post_nomination(client, call, kari, justification="Min begrunnelse")
    assert response.status_code == 200
    page = text(response)
    assert 'id="id_representative_error"' in page
    assert "Min begrunnelse" in page  # what was typed is kept
    assert not Nomination.objects.exists()


def test_nominating_the_same_person_twice_is_refused_next_to_the_field(
    client, world, council
) -> None:
    call, kari = open_call(world, council), candidate(world, "Kari Nordmann")
    client.force_login(world.coordinator)
    assert post_nomination(client, call, kari).status_code == 302
    response = post_nomination(client, call, kari, justification="Andre gang")
    assert response.status_code == 200
    page = text(response)
    assert 'id="id_representative_error"' in page and "Andre gang" in page
    assert Nomination.objects.count() == 1


def test_a_conflict_warning_asks_for_a_reason_which_is_then_recorded(
    client, world, council
) -> None:
    call, kari = open_call(world, council), candidate(world, "Kari Nordmann")
    EmploymentDeclaration.objects.create(
        representative=kari,
        employer=world.clinic,
        employer_name=world.clinic.name,
        starts_on=date(2020, 1, 1),
    )
    client.force_login(world.coordinator)
    response = post_nomination(client, call, kari, justification="Sterk kandidat")
    assert response.status_code == 200
    page = text(response)
    assert world.clinic.name in page  # the warning names the employer
    assert 'name="override_reason"' in page
    assert 'id="id_override_reason_error"' in page
    assert "Sterk kandidat" in page
    assert not Nomination.objects.exists()
    # An empty reason on the second round is refused the same way.
    response = post_nomination(
        client, call, kari, justification="Sterk kandidat", override_reason=""
    )
    assert response.status_code == 200 and 'id="id_override_reason_error"' in text(response)
    response = post_nomination(
        client, call, kari, justification="Sterk kandidat", override_reason="Jobber i annen klinikk"
    )
    assert response.status_code == 302
    assert Nomination.objects.get().override_reason == "Jobber i annen klinikk"


def test_coordinator_withdraws_own_nomination(client, world, council) -> None:
    call, kari = open_call(world, council), candidate(world, "Kari Nordmann")
    nomination = nominate(world, call, kari)
    client.force_login(world.coordinator)
    response = client.post(reverse("participation_withdraw", args=[nomination.pk]))
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.WITHDRAWN
    # A withdrawn person may be nominated again.
    assert post_nomination(client, call, kari).status_code == 302


def test_withdrawing_twice_says_so_and_changes_nothing(client, world, council) -> None:
    call, kari = open_call(world, council), candidate(world, "Kari Nordmann")
    nomination = nominate(world, call, kari)
    client.force_login(world.coordinator)
    client.post(reverse("participation_withdraw", args=[nomination.pk]))
    response = client.post(reverse("participation_withdraw", args=[nomination.pk]), follow=True)
    assert response.status_code == 200
    assert 'data-color="danger"' in text(response)  # the refusal is shown as an error message
    assert AuditEvent.objects.for_object(nomination).count() == 2  # created, withdrawn


def test_another_organisations_coordinator_cannot_withdraw_our_nomination(
    client, world, council, other_coordinator
) -> None:
    call, kari = open_call(world, council), candidate(world, "Kari Nordmann")
    nomination = nominate(world, call, kari)
    client.force_login(other_coordinator)
    assert client.post(reverse("participation_withdraw", args=[nomination.pk])).status_code == 403
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.NOMINATED


def test_withdraw_is_post_only(client, world, council) -> None:
    call, kari = open_call(world, council), candidate(world, "Kari Nordmann")
    nomination = nominate(world, call, kari)
    client.force_login(world.coordinator)
    assert client.get(reverse("participation_withdraw", args=[nomination.pk])).status_code == 405


# --- where are we represented ---------------------------------------------------------------------


def test_representation_shows_our_seats_with_flags_and_calls(
    client, world, council, other_org
) -> None:
    kari, ola = candidate(world, "Kari Nordmann"), candidate(world, "Ola Nordmann")
    olga = candidate(world, "Olga Annen", organisation=other_org)
    call = open_call(world, council, seats=list(council.seats.all()))
    appoint(world, nominate(world, call, kari), ends_on=TODAY + timedelta(days=40))
    Term.objects.create(
        seat=council.seats.get(role="member", rank=2),
        representative=ola,
        nominated_by=world.user_org,
        starts_on=date(2022, 1, 1),
        ends_on=TODAY - timedelta(days=3),
        appointed_by=world.secretary,
    )
    Term.objects.create(
        seat=council.seats.get(role="member", rank=3),
        representative=olga,
        nominated_by=other_org,
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=700),
        appointed_by=world.secretary,
    )
    client.force_login(world.coordinator)
    response = client.get(reverse("participation_representation"))
    assert response.status_code == 200
    page = text(response)
    assert "Kari Nordmann" in page and "Ola Nordmann" in page
    assert "Olga Annen" not in page
    assert 'data-color="danger"' in page  # carried over
    assert 'data-color="warning"' in page  # ends within 90 days
    assert reverse("participation_call", args=[call.pk]) in page


def test_representation_counts_representatives_by_area_without_names(
    client, world, council
) -> None:
    area = ExperienceArea.objects.create(name_nb="Testområde", name_en="Test area")
    for name in ("Kari Nordmann", "Ola Nordmann"):
        rep = candidate(world, name)
        rep.health_consent_at = timezone.now()
        rep.save()
        rep.experience_areas.add(area)
    client.force_login(world.coordinator)
    page = text(client.get(reverse("participation_representation")))
    assert "<td>Testområde</td><td>2</td>" in page
    assert "Kari Nordmann" not in page  # no seats, so no names: counts only


# --- query counts ---------------------------------------------------------------------------------


def grow(world, n: int) -> Call:
    """`n` rows of everything the coordinator's pages list: `n` open calls to the organisation,
    `n` consenting representatives with an area holding `n` current seats, and `n` nominations
    on one call. Bulk-created: through the services 1,000 of each would take minutes."""
    tag = f"p{Representative.objects.count()}-"
    area = ExperienceArea.objects.first() or ExperienceArea.objects.create(
        name_nb="Område", name_en="Area"
    )
    User = type(world.coordinator)
    User.objects.bulk_create(
        UserFactory.build(email=f"{tag}{i}@example.no", full_name=f"Person {tag}{i}")
        for i in range(n)
    )
    users = User.objects.filter(email__startswith=tag).order_by("pk")
    reps = Representative.objects.bulk_create(
        Representative(user=u, health_consent_at=timezone.now()) for u in users
    )
    Affiliation.objects.bulk_create(
        Affiliation(
            representative=r, organisation=world.user_org, status=Affiliation.Status.APPROVED
        )
        for r in reps
    )
    through = Representative.experience_areas.through
    through.objects.bulk_create(
        through(representative_id=r.pk, experiencearea_id=area.pk) for r in reps
    )
    body = make_council(world, name=f"Råd {tag}", member_seats=n, deputy_seats=0)
    seats = list(body.seats.order_by("rank"))
    calls = Call.objects.bulk_create(
        Call(body=body, deadline=TODAY + timedelta(days=14), opened_by=world.secretary)
        for _ in range(n)
    )
    Call.recipients.through.objects.bulk_create(
        Call.recipients.through(call_id=c.pk, organisation_id=world.user_org.pk) for c in calls
    )
    Call.seats.through.objects.bulk_create(
        Call.seats.through(call_id=c.pk, seat_id=seat.pk)
        for c, seat in zip(calls, seats, strict=True)
    )
    Term.objects.bulk_create(
        Term(
            seat=seat,
            representative=rep,
            nominated_by=world.user_org,
            starts_on=TODAY,
            ends_on=TODAY + timedelta(days=[20, 730][i % 2]),
            appointed_by=world.secretary,
        )
        for i, (seat, rep) in enumerate(zip(seats, reps, strict=True))
    )
    Nomination.objects.bulk_create(
        Nomination(
            call=calls[0],
            representative=rep,
            organisation=world.user_org,
            justification="Lang erfaring",
            nominated_by=world.coordinator,
        )
        for rep in reps
    )
    return calls[0]


def queries(client, url: str) -> int:
    return count_queries(client, url)


@pytest.mark.parametrize("page", ["calls", "representation", "call"])
def test_coordinator_pages_run_the_same_queries_at_10_and_1000_rows(client, world, page) -> None:
    call = grow(world, 10)
    urls = {
        "calls": reverse("participation_calls"),
        "representation": reverse("participation_representation"),
        "call": reverse("participation_call", args=[call.pk]),
    }
    client.force_login(world.coordinator)
    small = queries(client, urls[page])
    more = grow(world, 1000)
    urls["call"] = reverse("participation_call", args=[more.pk])
    assert queries(client, urls[page]) == small


def test_representation_pages_and_filters_the_seats_and_counts_them_all(
    client, world, council
) -> None:
    group = make_council(world, name="Arbeidsgruppe for pasientinformasjon", member_seats=2)
    kari, ola = candidate(world, "Kari Nordmann"), candidate(world, "Ola Nordmann")
    appoint(
        world, nominate(world, open_call(world, council), kari), ends_on=TODAY + timedelta(days=30)
    )
    appoint(
        world, nominate(world, open_call(world, group), ola), ends_on=TODAY + timedelta(days=600)
    )
    client.force_login(world.coordinator)
    url = reverse("participation_representation")
    response = client.get(url)
    assert response.context["totals"] == {"seats": 2, "carried_over": 0, "expiring": 1, "bodies": 2}
    page = text(response)
    assert "Kari Nordmann" in page and "Ola Nordmann" in page
    only_group = text(client.get(url, {"q": "pasientinformasjon"}))
    assert "Ola Nordmann" in only_group and "Kari Nordmann" not in only_group
    ending = text(client.get(url, {"ends_before": (TODAY + timedelta(days=60)).isoformat()}))
    assert "Kari Nordmann" in ending and "Ola Nordmann" not in ending
    nonsense = client.get(url, {"ends_before": "not a date", "kind": "nope"})
    assert nonsense.status_code == 200  # bad filters are ignored, not an error page
