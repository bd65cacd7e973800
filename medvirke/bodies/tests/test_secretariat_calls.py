"""Opening a call, and the call page: appointing (with warnings that need a recorded reason,
and a seat another secretary has just filled), declining, and closing the call."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse

from medvirke.bodies import body_admin, services
from medvirke.bodies.models import Body, Call, Nomination, Seat, Term
from medvirke.core.models import AuditEvent
from medvirke.organisations.models import Organisation
from medvirke.representatives.models import EmploymentDeclaration, ExperienceArea

from .test_secretariat_body_pages import TODAY, YEARS_2, hold, make_body, page, person

pytestmark = pytest.mark.django_db


def call_for(world: Any, body: Body, seats: list[Seat] | None = None) -> Call:
    return services.open_call(
        body=body,
        seats=seats or services.vacant_seats(body)[:1],
        deadline=TODAY + timedelta(days=14),
        recipients=[world.user_org],
        by=world.secretary,
    )


def nominate(world: Any, call: Call, name: str, **kw: Any) -> Nomination:
    return services.nominate(
        call=call,
        representative=kw.pop("rep", None) or person(world, name),
        organisation=world.user_org,
        justification=f"{name} har lang erfaring fra brukerorganisasjonen.",
        by=world.coordinator,
        **kw,
    )


def employed(world: Any, name: str) -> Any:
    rep = person(world, name)
    EmploymentDeclaration.objects.create(
        representative=rep,
        employer=world.clinic,
        employer_name=world.clinic.name,
        starts_on=date(2020, 1, 1),
    )
    return rep


def appoint_data(nomination: Nomination, chosen: Seat, **extra: Any) -> dict[str, Any]:
    prefix = f"n{nomination.pk}-"
    data = {"seat": chosen.pk, "starts_on": TODAY.isoformat(), "ends_on": YEARS_2.isoformat()}
    data.update(extra)
    return {prefix + key: value for key, value in data.items()}


# --- opening a call ------------------------------------------------------------------------------


@pytest.fixture
def recipients(world):
    forum = Organisation.objects.create(name="Brukerforum Midt", kind="forum")
    branch = Organisation.objects.create(
        name="Testforeningen Trøndelag", kind="user_org_branch", parent=world.user_org
    )
    return forum, branch


def test_the_call_form_offers_vacant_and_expiring_seats_and_grouped_recipients(
    client, world, recipients
) -> None:
    body = make_body(world)
    hold(world, body, person(world, "Kari Nordmann"), rank=1)
    hold(world, body, person(world, "Siri Snart"), rank=2, ends_on=TODAY + timedelta(days=30))
    client.force_login(world.secretary)
    response = client.get(reverse("call_create", args=[body.pk]))
    text = page(response)
    choices = dict(response.context["form"].fields["seats"].choices)
    labels = " | ".join(choices.values())
    assert "Medlem 1" not in labels  # held, not ending soon
    assert "Medlem 2" in labels and "Siri Snart" in labels and "Medlem 3" in labels
    assert "Brukerforum Midt" in text and "Testforeningen Trøndelag" in text
    assert "<details" in text  # branches fold under their organisation


def test_opening_a_call(client, world, recipients) -> None:
    forum, branch = recipients
    body = make_body(world)
    seat = services.vacant_seats(body)[0]
    area = ExperienceArea.objects.get(name_nb="Psykisk helse")
    client.force_login(world.secretary)
    deadline = TODAY + timedelta(days=10)
    response = client.post(
        reverse("call_create", args=[body.pk]),
        {
            "seats": [seat.pk],
            "deadline": deadline.isoformat(),
            "recipients": [forum.pk, branch.pk],
            "profile_wanted": "Erfaring fra psykisk helsevern",
            "areas": [area.pk],
        },
    )
    call = Call.objects.get(body=body)
    assert response["Location"] == reverse("call_detail", args=[call.pk])
    assert call.deadline == deadline and list(call.seats.all()) == [seat]
    assert set(call.recipients.all()) == {forum, branch}
    assert list(call.areas_wanted.all()) == [area]
    assert AuditEvent.objects.for_object(body).filter(actor=world.secretary, action="created")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"seats": []}, "seats"),
        ({"recipients": []}, "recipients"),
        ({"deadline": (TODAY - timedelta(days=1)).isoformat()}, "deadline"),
        ({"deadline": "31.02.2026"}, "deadline"),
        ({"deadline": ""}, "deadline"),
        ({"profile_wanted": "x" * 4001}, "profile_wanted"),
    ],
)
def test_a_bad_call_is_refused_next_to_the_field_and_input_kept(
    client, world, recipients, changes, field
) -> None:
    forum, _branch = recipients
    body = make_body(world)
    seat = services.vacant_seats(body)[0]
    data = {
        "seats": [seat.pk],
        "deadline": (TODAY + timedelta(days=10)).isoformat(),
        "recipients": [forum.pk],
        "profile_wanted": "Ung bruker med erfaring fra rus",
        **changes,
    }
    client.force_login(world.secretary)
    response = client.post(reverse("call_create", args=[body.pk]), data)
    assert response.status_code == 200
    text = page(response)
    assert f'id="id_{field}_error"' in text and f'href="#id_{field}"' in text
    if field != "profile_wanted":
        assert "Ung bruker med erfaring fra rus" in text
    if field != "recipients":
        assert f'value="{forum.pk}" id="id_recipients_' in text and "checked" in text
    assert not Call.objects.exists()


def test_a_refusal_from_the_workflow_is_shown_as_a_form_error(
    client, world, recipients, monkeypatch
) -> None:
    forum, _branch = recipients
    body = make_body(world)

    def refuse(**kwargs: Any) -> None:
        raise services.RefusedError("Nei, ikke nå.")

    monkeypatch.setattr(services, "open_call", refuse)
    client.force_login(world.secretary)
    response = client.post(
        reverse("call_create", args=[body.pk]),
        {
            "seats": [services.vacant_seats(body)[0].pk],
            "deadline": (TODAY + timedelta(days=10)).isoformat(),
            "recipients": [forum.pk],
        },
    )
    assert response.status_code == 200
    assert "Nei, ikke nå." in page(response) and "ds-error-summary" in page(response)


# --- the call page -------------------------------------------------------------------------------


def test_the_call_page_lists_nominees_with_organisation_justification_and_warnings(
    client, world
) -> None:
    body = make_body(world)
    call = call_for(world, body)
    nominate(world, call, "Kari Nordmann")
    conflicted = nominate(
        world, call, "Ansatt Person", rep=employed(world, "Ansatt Person"), override_reason="Ok"
    )
    client.force_login(world.secretary)
    response = client.get(reverse("call_detail", args=[call.pk]))
    text = page(response)
    assert "Kari Nordmann" in text and "Kari Nordmann har lang erfaring" in text
    assert world.user_org.name in text
    assert f'id="warnings-{conflicted.pk}"' in text and world.clinic.name in text
    # The reason field is there only for the nominee with warnings.
    assert f'name="n{conflicted.pk}-override_reason"' in text
    items = {i["nomination"].pk: i for i in response.context["items"]}
    assert next(i for i in items.values() if not i["warnings"])["appoint"].fields.keys() == {
        "seat",
        "starts_on",
        "ends_on",
    }
    # Defaults: the call's vacant seat, today, and one term of the body's length.
    form = items[conflicted.pk]["appoint"]
    assert form["seat"].value() == call.seats.get().pk
    assert form["ends_on"].value() == body_admin.add_years(TODAY, body.term_years)


def test_appointing_a_nominee(client, world) -> None:
    body = make_body(world)
    call = call_for(world, body)
    nomination = nominate(world, call, "Kari Nordmann")
    seat = call.seats.get()
    client.force_login(world.secretary)
    response = client.post(
        reverse("nomination_appoint", args=[nomination.pk]), appoint_data(nomination, seat)
    )
    assert response["Location"] == reverse("call_detail", args=[call.pk])
    term = Term.objects.get(seat=seat)
    assert term.representative == nomination.representative and term.ends_on == YEARS_2
    assert Nomination.objects.get(pk=nomination.pk).status == "appointed"
    text = page(client.get(response["Location"]))
    assert "Kari Nordmann" in text  # now among the handled nominations


def test_the_second_secretary_is_told_the_seat_was_just_taken_and_by_whom(client, world) -> None:
    body = make_body(world)
    call = call_for(world, body)
    kari, ola = nominate(world, call, "Kari Nordmann"), nominate(world, call, "Ola Nordmann")
    seat = call.seats.get()
    # Both pages were opened with the seat vacant; the administrator is quicker.
    client.force_login(world.administrator)
    client.post(reverse("nomination_appoint", args=[kari.pk]), appoint_data(kari, seat))
    client.force_login(world.secretary)
    response = client.post(reverse("nomination_appoint", args=[ola.pk]), appoint_data(ola, seat))
    assert response.status_code == 200
    text = page(response)
    assert f'id="id_n{ola.pk}-seat_error"' in text
    assert "Kari Nordmann" in text and world.administrator.display_name in text
    assert f'value="{YEARS_2.isoformat()}"' in text  # what was typed is kept
    assert Term.objects.filter(seat=seat).count() == 1
    assert Nomination.objects.get(pk=ola.pk).status == "nominated"


def test_a_warning_needs_a_reason_which_is_kept_in_the_history(client, world) -> None:
    body = make_body(world)
    call = call_for(world, body)
    rep = employed(world, "Ansatt Person")
    nomination = nominate(world, call, "Ansatt Person", rep=rep, override_reason="Ok")
    seat = call.seats.get()
    client.force_login(world.secretary)
    url = reverse("nomination_appoint", args=[nomination.pk])
    response = client.post(url, appoint_data(nomination, seat))
    assert response.status_code == 200
    text = page(response)
    assert f'id="id_n{nomination.pk}-override_reason_error"' in text
    assert world.clinic.name in text  # the warning itself is shown
    assert not Term.objects.exists()
    reason = "Arbeider i en annen klinikk enn den utvalget gir råd til."
    response = client.post(url, appoint_data(nomination, seat, override_reason=reason))
    assert response.status_code == 302
    term = Term.objects.get()
    assert term.override_reason == reason
    event = AuditEvent.objects.for_object(term).get()
    assert event.changes["override_reason"] == [None, reason]
    assert world.clinic.name in event.note


def test_a_warning_from_the_chosen_dates_asks_for_a_reason_too(client, world) -> None:
    body = make_body(world, term_years=1, max_years=6)
    rep = person(world, "Lang Tjeneste")
    Term.objects.create(
        seat=body.seats.get(role="member", rank=3),
        representative=rep,
        starts_on=date(2019, 1, 1),
        ends_on=date(2024, 1, 1),
        ended_on=date(2024, 1, 1),
        end_reason="term_end",
        appointed_by=world.secretary,
    )
    call = call_for(world, body)
    nomination = nominate(world, call, "Lang Tjeneste", rep=rep)  # 5 + 1 years: no warning
    seat = call.seats.get()
    client.force_login(world.secretary)
    response = client.get(reverse("call_detail", args=[call.pk]))
    assert f'name="n{nomination.pk}-override_reason"' not in page(response)
    data = appoint_data(nomination, seat, ends_on=(TODAY + timedelta(days=3 * 365)).isoformat())
    response = client.post(reverse("nomination_appoint", args=[nomination.pk]), data)
    assert response.status_code == 200
    text = page(response)
    assert f'id="id_n{nomination.pk}-override_reason_error"' in text
    assert "Lang Tjeneste" in text and "6" in text
    assert not Term.objects.filter(ended_on__isnull=True).exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"ends_on": (TODAY - timedelta(days=1)).isoformat()}, "ends_on"),
        ({"starts_on": ""}, "starts_on"),
        ({"seat": "999999"}, "seat"),
    ],
)
def test_bad_appointment_input_is_refused_next_to_the_field(client, world, extra, field) -> None:
    body = make_body(world)
    call = call_for(world, body)
    nomination = nominate(world, call, "Kari Nordmann")
    client.force_login(world.secretary)
    response = client.post(
        reverse("nomination_appoint", args=[nomination.pk]),
        appoint_data(nomination, call.seats.get(), **extra),
    )
    assert response.status_code == 200
    assert f'id="id_n{nomination.pk}-{field}_error"' in page(response)
    assert not Term.objects.exists()


def test_a_seat_of_another_body_cannot_be_chosen(client, world) -> None:
    body, other = make_body(world), make_body(world, "Annet utvalg")
    call = call_for(world, body)
    nomination = nominate(world, call, "Kari Nordmann")
    client.force_login(world.secretary)
    response = client.post(
        reverse("nomination_appoint", args=[nomination.pk]),
        appoint_data(nomination, services.vacant_seats(other)[0]),
    )
    assert f'id="id_n{nomination.pk}-seat_error"' in page(response)
    assert not Term.objects.exists()


def test_declining_needs_a_reason(client, world) -> None:
    body = make_body(world)
    call = call_for(world, body)
    nomination = nominate(world, call, "Kari Nordmann")
    client.force_login(world.secretary)
    url = reverse("nomination_decline", args=[nomination.pk])
    response = client.post(url, {f"d{nomination.pk}-reason": "  "})
    assert response.status_code == 200
    text = page(response)
    assert (
        f'id="id_d{nomination.pk}-reason_error"' in text
        and '<details class="ds-details" open' in text
    )
    assert Nomination.objects.get(pk=nomination.pk).status == "nominated"
    response = client.post(url, {f"d{nomination.pk}-reason": "Vi trenger erfaring fra rus."})
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == "declined"
    assert nomination.decline_reason == "Vi trenger erfaring fra rus."


def test_a_handled_nomination_cannot_be_handled_again(client, world) -> None:
    body = make_body(world)
    call = call_for(world, body)
    nomination = nominate(world, call, "Kari Nordmann")
    services.decline(nomination, reason="Nei", by=world.administrator)
    client.force_login(world.secretary)
    response = client.post(
        reverse("nomination_appoint", args=[nomination.pk]),
        appoint_data(nomination, call.seats.get()),
    )
    assert response["Location"] == reverse("call_detail", args=[call.pk])
    assert not Term.objects.exists()


def test_closing_a_call_is_recorded_and_said_once(client, world) -> None:
    body = make_body(world)
    call = call_for(world, body)
    client.force_login(world.secretary)
    client.post(reverse("call_close", args=[call.pk]))
    call.refresh_from_db()
    assert call.closed_at is not None
    event = AuditEvent.objects.for_object(body).get(action="ended")
    assert event.actor == world.secretary and "closed_at" in event.changes
    response = client.post(reverse("call_close", args=[call.pk]), follow=True)
    assert AuditEvent.objects.for_object(body).filter(action="ended").count() == 1
    assert response.status_code == 200
    with pytest.raises(services.RefusedError):
        services.nominate(
            call=call,
            representative=person(world, "Sen Kandidat"),
            organisation=world.user_org,
            justification="For sent",
            by=world.coordinator,
        )


def test_the_call_page_warnings_are_the_workflows_warnings(world) -> None:
    """nominee_warnings (bulk, for the page) must say what services.conflict_warnings says."""
    body = make_body(world, term_years=2, max_years=4)
    call = call_for(world, body)
    plain = nominate(world, call, "Kari Nordmann")
    conflicted = nominate(
        world, call, "Ansatt Person", rep=employed(world, "Ansatt Person"), override_reason="Ok"
    )
    veteran = person(world, "Lang Tjeneste")
    Term.objects.create(
        seat=body.seats.get(role="member", rank=3),
        representative=veteran,
        starts_on=date(2021, 1, 1),
        ends_on=date(2024, 1, 1),
        ended_on=date(2024, 1, 1),
        end_reason="term_end",
        appointed_by=world.secretary,
    )
    EmploymentDeclaration.objects.create(
        representative=veteran,
        employer=world.hf,
        employer_name=world.hf.name,
        starts_on=date(2010, 1, 1),
        ends_on=date(2015, 1, 1),  # ended: no warning
    )
    long_served = nominate(world, call, "Lang Tjeneste", rep=veteran, override_reason="Ok")
    nominations = [plain, conflicted, long_served]
    bulk = body_admin.nominee_warnings(body, nominations)
    for n in nominations:
        one = services.conflict_warnings(n.representative, body, body.term_years)
        assert bulk[n.pk] == one, n.representative
    assert [w.code for w in bulk[conflicted.pk]] == ["employment"]
    assert [w.code for w in bulk[long_served.pk]] == ["max_years"]
    assert bulk[plain.pk] == []
