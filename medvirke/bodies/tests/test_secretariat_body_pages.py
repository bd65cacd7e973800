"""The secretariat's body pages: who may open them, the overview and its filters, creating and
editing a body (bad input, stale edits), the working page (seats, flags, vacancies, composition),
ending a term, and the history. The builders here are shared by the other secretariat tests."""

import html
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from medvirke.bodies import body_admin, services
from medvirke.bodies.models import Body, Call, Seat, Term
from medvirke.core.models import AuditEvent
from medvirke.core.testing import UserFactory, nb
from medvirke.organisations.models import Organisation, StaffRole
from medvirke.representatives import testing as rep_testing
from medvirke.representatives.models import ExperienceArea, Representative

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEARS_2 = TODAY + timedelta(days=730)


# --- builders (imported by the other test_secretariat_* files) --------------------------------


def make_body(world: Any, name: str = "Brukerutvalget i Testby HF", **kw: Any) -> Body:
    fields: dict[str, Any] = {
        "kind": Body.Kind.TRUST_COUNCIL,
        "owner": world.hf,
        "ladder_step": 2,
        "ladder_justification": "Utvalget gir råd når direktøren ber om det.",
        "mandate": "Gi råd til direktøren om tjenestene.",
        "leader_seats": 0,
        "deputy_leader_seats": 0,
        "member_seats": 3,
        "deputy_seats": 1,
        **kw,
    }
    body = Body(name=name, **fields)
    services.create_body(body, by=world.administrator)
    body.secretariat.add(world.secretary)
    return body


def person(world: Any, name: str, **profile: Any) -> Representative:
    rep = rep_testing.register_candidate(
        email=f"{name.lower().replace(' ', '.')}@example.no",
        full_name=name,
        organisation=profile.pop("organisation", world.user_org),
        by=world.coordinator,
    )
    if profile:
        Representative.objects.filter(pk=rep.pk).update(**profile)
        rep.refresh_from_db()
    return rep


def hold(
    world: Any,
    body: Body,
    rep: Representative,
    role: str = Seat.Role.MEMBER,
    rank: int = 1,
    starts_on: date | None = None,
    ends_on: date | None = None,
    **kw: Any,
) -> Term:
    return Term.objects.create(
        seat=body.seats.get(role=role, rank=rank),
        representative=rep,
        nominated_by=kw.pop("nominated_by", world.user_org),
        starts_on=starts_on or TODAY - timedelta(days=30),
        ends_on=ends_on or YEARS_2,
        appointed_by=world.secretary,
        **kw,
    )


def page(response: Any) -> str:
    return html.unescape(response.content.decode())


def staff_in(org: Organisation, role: str, email: str) -> Any:
    user = UserFactory.create(email=email)
    StaffRole.objects.create(user=user, organisation=org, role=role)
    return user


BODY_DATA = {
    "name": "Brukerrådet ved klinikken",
    "kind": Body.Kind.USER_COUNCIL,
    "level": Body.Level.SERVICE,
    "mandate": "Rådet gir råd om pasientforløp.",
    "ladder_step": "3",
    "ladder_justification": "Mandatet: rådet deltar fra idé til evaluering.",
    "leader_seats": "1",
    "deputy_leader_seats": "0",
    "member_seats": "4",
    "deputy_seats": "2",
    "observer_seats": "0",
    "term_years": "2",
    "max_years": "6",
    "deputies_step_in": "on",
    "is_public": "on",
}


# --- access ------------------------------------------------------------------------------------


def manage_urls(world: Any, body: Body) -> list[tuple[str, str]]:
    """(method, url) of every page that needs a manager of `body`."""
    rep = person(world, "Kari Nordmann")
    term = hold(world, body, rep)
    call = services.open_call(
        body=body,
        seats=services.vacant_seats(body)[:1],
        deadline=TODAY + timedelta(days=14),
        recipients=[world.user_org],
        by=world.secretary,
    )
    nomination = services.nominate(
        call=call,
        representative=person(world, "Ola Nordmann"),
        organisation=world.user_org,
        justification="Erfaren",
        by=world.coordinator,
    )
    vacant = services.vacant_seats(body)[0]
    return [
        ("get", reverse("body_edit", args=[body.pk])),
        ("get", reverse("body_history", args=[body.pk])),
        ("get", reverse("call_create", args=[body.pk])),
        ("get", reverse("call_detail", args=[call.pk])),
        ("get", reverse("term_end", args=[term.pk])),
        ("get", f"{reverse('body_create')}?eier={world.hf.pk}"),
        ("post", reverse("call_for_vacancy", args=[body.pk, vacant.pk])),
        ("post", reverse("call_close", args=[call.pk])),
        ("post", reverse("nomination_appoint", args=[nomination.pk])),
        ("post", reverse("nomination_decline", args=[nomination.pk])),
    ]


@pytest.mark.parametrize("who", ["case_handler", "quality_advisor", "coordinator", "outsider"])
def test_people_who_do_not_manage_the_body_are_refused_the_manage_pages(client, world, who) -> None:
    body = make_body(world)
    urls = manage_urls(world, body)
    client.force_login(getattr(world, who))
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 403, (who, url)
    assert not Call.objects.filter(closed_at__isnull=False).exists()
    assert Term.objects.filter(seat__body=body).count() == 1


def test_an_administrator_of_a_sibling_trust_is_refused(client, world) -> None:
    body = make_body(world)
    other_admin = staff_in(world.other_hf, StaffRole.Role.ADMINISTRATOR, "annen@example.no")
    client.force_login(other_admin)
    for method, url in manage_urls(world, body):
        assert getattr(client, method)(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_the_login_page(client, world) -> None:
    body = make_body(world)
    urls = [("get", reverse("body_list")), ("get", reverse("body_detail", args=[body.pk]))]
    for method, url in [*urls, *manage_urls(world, body)]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


@pytest.mark.parametrize("who", ["secretary", "administrator", "superuser"])
def test_managers_open_every_manage_page(client, world, who) -> None:
    body = make_body(world)
    client.force_login(getattr(world, who))
    for method, url in manage_urls(world, body):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_secretariat_staff_of_the_body_manage_it_without_a_role_in_the_owner(client, world) -> None:
    body = make_body(world)
    helper = UserFactory.create(email="hjelper@example.no")
    body.secretariat.add(helper)
    client.force_login(helper)
    assert client.get(reverse("body_edit", args=[body.pk])).status_code == 200


def test_a_case_handler_sees_the_members_but_not_the_composition_or_actions(client, world) -> None:
    body = make_body(world)
    hold(world, body, person(world, "Kari Nordmann"))
    client.force_login(world.case_handler)
    text = page(client.get(reverse("body_detail", args=[body.pk])))
    assert "Kari Nordmann" in text
    assert 'id="composition"' not in text
    assert reverse("body_edit", args=[body.pk]) not in text
    assert reverse("body_history", args=[body.pk]) not in text


def test_an_outsider_sees_a_public_body_without_its_members_and_not_a_closed_one(
    client, world
) -> None:
    body = make_body(world)
    hold(world, body, person(world, "Kari Nordmann"))
    client.force_login(world.outsider)
    response = client.get(reverse("body_detail", args=[body.pk]))
    assert response.status_code == 200
    assert "Kari Nordmann" not in page(response)
    # Closed as the edit page does it: the outsider's next request is refused.
    body.is_public = False
    body_admin.update_body(body, secretariat=[world.secretary], by=world.secretary)
    assert client.get(reverse("body_detail", args=[body.pk])).status_code == 403


# --- overview ----------------------------------------------------------------------------------


def test_the_overview_shows_the_bodies_of_my_organisations_and_the_units_below(
    client, world
) -> None:
    make_body(world, "Brukerutvalget i Testby HF")
    make_body(world, "Brukergruppe i klinikken", owner=world.clinic, kind=Body.Kind.USER_GROUP)
    make_body(world, "Brukerutvalget i Annenby HF", owner=world.other_hf)
    client.force_login(world.administrator)
    text = page(client.get(reverse("body_list")))
    assert "Brukerutvalget i Testby HF" in text and "Brukergruppe i klinikken" in text
    assert "Brukerutvalget i Annenby HF" not in text
    assert reverse("body_create") in text
    # All bodies I can see: public ones elsewhere too.
    text = page(client.get(reverse("body_list"), {"visning": "alle"}))
    assert "Brukerutvalget i Annenby HF" in text


def test_the_overview_filters(client, world) -> None:
    council = make_body(world, "Brukerutvalget i Testby HF")
    group = make_body(world, "Brukergruppe i klinikken", owner=world.clinic, kind="user_group")
    for rank in (1, 2, 3):
        hold(world, group, person(world, f"Medlem {rank}"), rank=rank)
    hold(world, group, person(world, "Vara"), role=Seat.Role.DEPUTY)
    hold(world, council, person(world, "Snart Ferdig"), ends_on=TODAY + timedelta(days=40))
    client.force_login(world.administrator)

    def names(**params: Any) -> set[str]:
        text = page(client.get(reverse("body_list"), params))
        return {n for n in ("Brukerutvalget i Testby HF", "Brukergruppe i klinikken") if n in text}

    assert names(type="user_group") == {"Brukergruppe i klinikken"}
    assert names(eier=world.clinic.pk) == {"Brukergruppe i klinikken"}
    assert names(eier=world.hf.pk) == {"Brukerutvalget i Testby HF", "Brukergruppe i klinikken"}
    assert names(ledig="on") == {"Brukerutvalget i Testby HF"}
    before = (TODAY + timedelta(days=90)).isoformat()
    assert names(slutt_for=before) == {"Brukerutvalget i Testby HF"}
    assert names(q="gruppe") == {"Brukergruppe i klinikken"}


def test_a_bad_filter_value_is_reported_not_a_crash(client, world) -> None:
    make_body(world)
    client.force_login(world.administrator)
    response = client.get(reverse("body_list"), {"slutt_for": "i morgen", "q": "Testby"})
    assert response.status_code == 200
    text = page(response)
    assert 'id="id_slutt_for_error"' in text
    assert "Brukerutvalget i Testby HF" in text  # the valid filters still apply


def test_people_without_a_manager_role_get_no_new_body_link(client, world) -> None:
    client.force_login(world.case_handler)
    assert reverse("body_create") not in page(client.get(reverse("body_list")))


# --- create and edit ---------------------------------------------------------------------------


def create_url(world: Any, org: Organisation | None = None) -> str:
    return f"{reverse('body_create')}?eier={(org or world.hf).pk}"


def test_creating_a_body_makes_its_seats_and_records_who_and_the_secretariat(client, world) -> None:
    client.force_login(world.administrator)
    response = client.post(
        create_url(world, world.clinic), {**BODY_DATA, "secretariat": [world.secretary.pk]}
    )
    body = Body.objects.get(name="Brukerrådet ved klinikken")
    assert response.status_code == 302 and response["Location"] == reverse(
        "body_detail", args=[body.pk]
    )
    assert body.owner == world.clinic and body.ladder_step == 3
    assert list(body.secretariat.all()) == [world.secretary]
    assert body.seats.count() == 1 + 4 + 2
    events = AuditEvent.objects.for_object(body)
    assert events.filter(action="created", actor=world.administrator).exists()
    assert any("secretariat" in e.changes for e in events)


def test_the_owner_is_chosen_first_when_not_given(client, world) -> None:
    client.force_login(world.administrator)
    text = page(client.get(reverse("body_create")))
    assert 'name="eier"' in text
    assert "Testby HF" in text and "Klinikk for psykisk helse" in text  # and the units below
    assert "Annenby HF" not in text
    # With a single organisation there is nothing to choose.
    client.force_login(staff_in(world.clinic, "secretariat", "klinikk@example.no"))
    response = client.get(reverse("body_create"))
    assert response["Location"] == create_url(world, world.clinic)


def test_a_body_cannot_be_created_where_i_have_no_manager_role(client, world) -> None:
    client.force_login(world.secretary)
    assert client.get(create_url(world, world.other_hf)).status_code == 403
    client.force_login(world.case_handler)
    assert client.get(create_url(world)).status_code == 403
    assert client.get(reverse("body_create")).status_code == 403


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"ladder_justification": ""}, "ladder_justification"),
        ({"ladder_justification": "   "}, "ladder_justification"),
        ({"ladder_justification": "x" * 2001}, "ladder_justification"),
        ({"mandate": ""}, "mandate"),
        ({"ladder_step": "5"}, "ladder_step"),
        ({"term_years": "0"}, "term_years"),
        ({"max_years": "1", "term_years": "2"}, "max_years"),
        ({"member_seats": "-1"}, "member_seats"),
        ({"member_seats": "1000"}, "member_seats"),
        (
            {
                "leader_seats": "0",
                "deputy_leader_seats": "0",
                "member_seats": "0",
                "deputy_seats": "0",
                "observer_seats": "0",
            },
            "member_seats",
        ),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_what_was_typed_is_kept(
    client, world, changes, field
) -> None:
    client.force_login(world.secretary)
    data = {**BODY_DATA, "name": "Brukerrådet for rus", **changes}
    response = client.post(create_url(world), data)
    assert response.status_code == 200
    text = page(response)
    assert f'id="id_{field}_error"' in text
    assert f'href="#id_{field}"' in text  # the error summary links to the field
    assert "Rådet gir råd om pasientforløp." in text or field == "mandate"
    if field != "name":
        assert 'value="Brukerrådet for rus"' in text
    assert not Body.objects.exists()


def test_a_missing_justification_gets_the_required_message(client, world) -> None:
    client.force_login(world.secretary)
    response = client.post(create_url(world), {**BODY_DATA, "ladder_justification": ""})
    assert nb("This field is required.") in page(response)


def test_only_people_with_a_role_in_the_owner_or_above_can_be_secretariat(client, world) -> None:
    client.force_login(world.administrator)
    text = page(client.get(create_url(world, world.clinic)))
    assert world.secretary.email in text
    assert world.outsider.email not in text
    response = client.post(create_url(world), {**BODY_DATA, "secretariat": [world.outsider.pk]})
    assert 'id="id_secretariat_error"' in page(response)
    assert not Body.objects.exists()


def edit(client: Any, body: Body, **changes: Any) -> Any:
    form = client.get(reverse("body_edit", args=[body.pk])).context["form"]
    data = {
        name: form[name].value()
        for name in form.fields
        if form[name].value() is not None and form[name].value() is not False
    }
    data["secretariat"] = [u.pk for u in body.secretariat.all()]
    data.update(changes)
    return client.post(reverse("body_edit", args=[body.pk]), data)


def test_editing_saves_with_history_and_adds_seats(client, world) -> None:
    body = make_body(world)
    client.force_login(world.secretary)
    response = edit(client, body, name="Brukerutvalget", member_seats="5")
    assert response.status_code == 302
    body.refresh_from_db()
    assert body.name == "Brukerutvalget"
    assert body.seats.filter(role="member", retired_on__isnull=True).count() == 5
    event = AuditEvent.objects.for_object(body).filter(actor=world.secretary).get()
    assert event.changes["name"] == ["Brukerutvalget i Testby HF", "Brukerutvalget"]
    assert event.changes["member_seats"] == [3, 5]


def test_fewer_seats_keeps_occupied_seats_and_says_so(client, world) -> None:
    body = make_body(world)
    hold(world, body, person(world, "Kari Nordmann"), rank=3)
    client.force_login(world.secretary)
    response = edit(client, body, member_seats="1")
    assert response.status_code == 302
    active = body.seats.filter(role="member", retired_on__isnull=True)
    assert sorted(active.values_list("rank", flat=True)) == [1, 3]
    text = page(client.get(response["Location"]))
    assert "Member 3" in text or "Medlem 3" in text


def test_changing_the_secretariat_is_in_the_history(client, world) -> None:
    body = make_body(world)
    client.force_login(world.administrator)
    edit(client, body, secretariat=[world.secretary.pk, world.administrator.pk])
    assert set(body.secretariat.all()) == {world.secretary, world.administrator}
    event = AuditEvent.objects.for_object(body).filter(changes__has_key="secretariat").last()
    assert event is not None and world.administrator.display_name in event.changes["secretariat"][1]


def test_a_stale_edit_is_refused_and_what_was_typed_is_kept(client, world) -> None:
    body = make_body(world)
    client.force_login(world.secretary)
    form = client.get(reverse("body_edit", args=[body.pk])).context["form"]
    opened = form["version"].value()
    # Meanwhile the administrator saves a change.
    other = Body.objects.get(pk=body.pk)
    other.mandate = "Nytt mandat vedtatt av styret."
    body_admin.update_body(other, secretariat=[world.secretary], by=world.administrator)
    data = {**BODY_DATA, "name": "Mitt nye navn", "version": opened}
    response = client.post(reverse("body_edit", args=[body.pk]), data)
    assert response.status_code == 200
    text = page(response)
    assert "ds-error-summary" in text and 'value="Mitt nye navn"' in text
    body.refresh_from_db()
    assert body.name == "Brukerutvalget i Testby HF"
    assert body.mandate == "Nytt mandat vedtatt av styret."
    # The form now carries the stored state: saving again goes through.
    again = response.context["form"].data.copy()
    assert client.post(reverse("body_edit", args=[body.pk]), again).status_code == 302
    body.refresh_from_db()
    assert body.name == "Mitt nye navn"


# --- the working page --------------------------------------------------------------------------


def test_the_body_page_shows_holders_terms_and_flags(client, world) -> None:
    body = make_body(world)
    hold(world, body, person(world, "Kari Nordmann"), rank=1, confirmed_at=timezone.now())
    hold(
        world,
        body,
        person(world, "Per Utløpt"),
        rank=2,
        starts_on=date(2022, 1, 1),
        ends_on=TODAY - timedelta(days=3),
    )
    hold(world, body, person(world, "Siri Snart"), rank=3, ends_on=TODAY + timedelta(days=60))
    client.force_login(world.secretary)
    response = client.get(reverse("body_detail", args=[body.pk]))
    text = page(response)
    rows = {r["label"]: r for r in response.context["rows"]}
    assert rows["Medlem 2"]["carried_over"] and not rows["Medlem 2"]["expiring"]
    assert rows["Medlem 3"]["expiring"] and not rows["Medlem 1"]["expiring"]
    assert rows["Vararepresentant 1"]["term"] is None
    assert "Kari Nordmann" in text and world.user_org.name in text
    assert (TODAY - timedelta(days=3)).strftime("%d.%m.%Y") in text
    assert response.context["renewal_ids"] == [
        rows["Medlem 2"]["seat"].pk,
        rows["Medlem 3"]["seat"].pk,
    ]
    assert body.ladder_justification in text


def test_one_step_from_a_vacant_seat_to_a_call(client, world) -> None:
    body = make_body(world)
    old = hold(world, body, person(world, "Kari Nordmann"))
    services.end_term(old, reason=Term.EndReason.RESIGNED, by=world.secretary)
    seat = old.seat
    client.force_login(world.secretary)
    response = client.post(reverse("call_for_vacancy", args=[body.pk, seat.pk]))
    call = Call.objects.get(body=body)
    assert response["Location"] == reverse("call_detail", args=[call.pk])
    assert list(call.seats.all()) == [seat] and list(call.recipients.all()) == [world.user_org]
    # A second click does not open a second call.
    again = client.post(reverse("call_for_vacancy", args=[body.pk, seat.pk]))
    assert again["Location"] == reverse("call_detail", args=[call.pk])
    assert Call.objects.filter(body=body).count() == 1


def test_a_seat_nobody_held_goes_to_the_call_form_to_choose_whom_to_ask(client, world) -> None:
    body = make_body(world)
    seat = services.vacant_seats(body)[0]
    client.force_login(world.secretary)
    response = client.post(reverse("call_for_vacancy", args=[body.pk, seat.pk]))
    assert response["Location"] == f"{reverse('call_create', args=[body.pk])}?sete={seat.pk}"
    assert not Call.objects.exists()
    form = client.get(response["Location"]).context["form"]
    assert form["seats"].value() == [str(seat.pk)]


def test_a_call_cannot_be_opened_in_one_step_for_a_held_seat(client, world) -> None:
    body = make_body(world)
    term = hold(world, body, person(world, "Kari Nordmann"))
    client.force_login(world.secretary)
    response = client.post(reverse("call_for_vacancy", args=[body.pk, term.seat_id]))
    assert response["Location"] == reverse("body_detail", args=[body.pk])
    assert not Call.objects.exists()


def test_ending_a_term_lets_the_first_deputy_step_in_and_says_so(client, world) -> None:
    body = make_body(world)
    member = hold(world, body, person(world, "Kari Nordmann"))
    hold(world, body, person(world, "Vara Varasen"), role=Seat.Role.DEPUTY)
    client.force_login(world.secretary)
    url = reverse("term_end", args=[member.pk])
    response = client.post(url, {"reason": "resigned", "ended_on": TODAY.isoformat()}, follow=True)
    text = page(response)
    assert "Vara Varasen" in text and "Vararepresentant 1" in text
    member.refresh_from_db()
    assert member.ended_on == TODAY and member.end_reason == "resigned"
    assert Term.objects.current().get(seat=member.seat).representative.user.full_name == (
        "Vara Varasen"
    )
    assert AuditEvent.objects.for_object(body).filter(action="ended", actor=world.secretary)


def test_ending_a_term_without_a_deputy_leaves_the_seat_vacant(client, world) -> None:
    body = make_body(world, deputies_step_in=False)
    member = hold(world, body, person(world, "Kari Nordmann"))
    client.force_login(world.secretary)
    client.post(reverse("term_end", args=[member.pk]), {"reason": "died", "ended_on": TODAY})
    assert member.seat in services.vacant_seats(body)


@pytest.mark.parametrize(
    ("day", "reason"),
    [(TODAY + timedelta(days=1), "resigned"), (date(2000, 1, 1), "resigned"), (TODAY, "replaced")],
)
def test_ending_a_term_with_bad_input_is_refused(client, world, day, reason) -> None:
    body = make_body(world)
    member = hold(world, body, person(world, "Kari Nordmann"))
    client.force_login(world.secretary)
    response = client.post(
        reverse("term_end", args=[member.pk]), {"reason": reason, "ended_on": day.isoformat()}
    )
    assert response.status_code == 200
    assert "ds-error-summary" in page(response)
    member.refresh_from_db()
    assert member.ended_on is None


def test_an_ended_term_cannot_be_ended_again(client, world) -> None:
    body = make_body(world)
    member = hold(world, body, person(world, "Kari Nordmann"))
    services.end_term(member, reason="resigned", by=world.secretary)
    client.force_login(world.secretary)
    response = client.get(reverse("term_end", args=[member.pk]))
    assert response.status_code == 302


def test_the_history_shows_calls_nominations_and_terms(client, world) -> None:
    body = make_body(world)
    kari = person(world, "Kari Nordmann")
    call = services.open_call(
        body=body,
        seats=services.vacant_seats(body)[:1],
        deadline=TODAY + timedelta(days=14),
        recipients=[world.user_org],
        by=world.secretary,
    )
    nomination = services.nominate(
        call=call,
        representative=kari,
        organisation=world.user_org,
        justification="Erfaren",
        by=world.coordinator,
    )
    services.appoint(
        nomination,
        seat=body.seats.get(role="member", rank=1),
        starts_on=TODAY,
        ends_on=YEARS_2,
        by=world.secretary,
    )
    client.force_login(world.administrator)
    text = page(client.get(reverse("body_history", args=[body.pk])))
    assert "Kari Nordmann" in text
    assert world.coordinator.display_name in text and world.secretary.display_name in text


# --- composition -------------------------------------------------------------------------------


def test_composition_warns_about_a_missing_required_area_and_gender_balance(client, world) -> None:
    body = make_body(world, member_seats=4)
    # Seeded: Somatikk, Psykisk helse and Rus / TSB are required in trust councils.
    psych = ExperienceArea.objects.get(name_nb="Psykisk helse")
    for rank in range(1, 5):
        rep = person(
            world,
            f"Kvinne {rank}",
            gender="woman",
            birth_year=TODAY.year - 20 * rank,
            health_consent_at=timezone.now(),
        )
        rep.experience_areas.add(psych)
        hold(world, body, rep, rank=rank)
    client.force_login(world.secretary)
    response = client.get(reverse("body_detail", args=[body.pk]))
    c = response.context["composition"]
    assert c.members == 4
    counts = {a.name_nb: n for a, n, _req in c.areas}
    assert counts["Psykisk helse"] == 4 and counts["Somatikk"] == 0
    codes = " ".join(n.message for n in c.warnings)
    assert "Somatikk" in codes and "Rus / TSB" in codes
    assert "Psykisk helse" not in codes
    # two missing areas, gender balance, one organisation nominated everybody
    assert len(c.warnings) == 4
    assert c.young == 1
    text = page(response)
    assert "Kvinne 1" in text  # the seats table names members ...
    assert 'id="composition"' in text  # ... the composition only counts them


def test_composition_counts_no_areas_without_consent(world) -> None:
    from medvirke.bodies.composition import compose

    body = make_body(world)
    area = ExperienceArea.objects.get(name_nb="Kreft")
    rep = person(world, "Uten Samtykke")
    rep.experience_areas.add(area)
    hold(world, body, rep)
    c = compose(body)
    assert dict((a.pk, n) for a, n, _r in c.areas)[area.pk] == 0
    assert c.areas_not_counted == 1


def test_composition_of_a_balanced_council_has_no_warnings(world) -> None:
    from medvirke.bodies.composition import compose

    body = make_body(world, member_seats=4, kind=Body.Kind.USER_COUNCIL)
    other_org = Organisation.objects.create(name="Annen forening", kind="user_org")
    for rank, (gender, org) in enumerate(
        [
            ("woman", world.user_org),
            ("man", world.user_org),
            ("woman", other_org),
            ("man", other_org),
        ],
        start=1,
    ):
        rep = person(world, f"Person {rank}", gender=gender, languages=["se"] if rank == 1 else [])
        hold(world, body, rep, rank=rank, nominated_by=org)
    c = compose(body)
    assert c.warnings == []
    assert c.sami == 1


def test_the_admin_shows_bodies_calls_and_terms_read_only(client, world) -> None:
    body = make_body(world)
    hold(world, body, person(world, "Kari Nordmann"))
    client.force_login(world.superuser)
    for model in ("body", "seat", "term", "call", "nomination"):
        response = client.get(reverse(f"admin:bodies_{model}_changelist"))
        assert response.status_code == 200, model
    assert client.get(reverse("admin:bodies_body_add")).status_code == 403
    change = client.get(reverse("admin:bodies_body_change", args=[body.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()


def test_an_auditor_of_the_owner_reads_the_body_history_but_cannot_manage(client, world) -> None:
    body = make_body(world, "Revidert utvalg")
    client.force_login(world.auditor)
    assert client.get(reverse("body_history", args=[body.pk])).status_code == 200
    assert client.get(reverse("body_edit", args=[body.pk])).status_code == 403
