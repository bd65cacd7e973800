"""Issue 11, points 1 and 2, tried as the attacker would: a coordinator who types someone's
e-mail address into "register a user representative" to reach their health data, and the list,
search and filters that showed experience areas for people the organisation had rejected.

The attacker is the world's coordinator (of Testforeningen, "A"). The victim, Kari, is a
representative of another organisation (B) who has consented and registered health data.
Everything goes through HTTP as the attacker; the person's own acts (accepting, declining,
leaving, withdrawing consent) go through HTTP as the person."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from medvirke.core.models import AccessLogEntry, AuditEvent
from medvirke.core.testing import UserFactory
from medvirke.representatives.models import (
    Affiliation,
    ExperienceArea,
    JoinRequest,
    Representative,
)

from .factories import other_coordinator, page, register, table, with_health_data, with_password

pytestmark = pytest.mark.django_db
HEALTH_TEXT = "Lang erfaring som pårørende i rusfeltet"
AREA = "Rus / TSB"
STORED_NAME = "Kari Nordmann"
TYPED_NAME = "K. Ukjent"
REGISTER = reverse("representative_register")
LIST = reverse("representative_list")


@pytest.fixture
def kari(world):
    """Kari: approved by organisation B, consented, with health data; nothing to do with A."""
    _coordinator_b, org_b = other_coordinator()
    rep = register(world, "kari@example.no", STORED_NAME, organisation=org_b)
    with_health_data(rep, [AREA], HEALTH_TEXT)
    return rep


def post_register(client, world, email: str, name: str = TYPED_NAME):
    return client.post(
        REGISTER, {"organisation": world.user_org.pk, "email": email, "full_name": name}
    )


def profile(rep: Representative) -> str:
    return reverse("representative_detail", args=[rep.pk])


def reads_of(rep: Representative) -> int:
    return AccessLogEntry.objects.for_object(rep).count()


def answer(client, join_request: JoinRequest, what: str):
    return client.post(reverse("join_request_answer", args=[join_request.pk]), {"answer": what})


# --- Point 1: self-granted access by typing an e-mail address -------------------------------


def test_attack_registering_an_existing_persons_email_gives_no_profile_and_no_health_data(
    client, world, kari
) -> None:
    client.force_login(world.coordinator)
    assert client.get(profile(kari)).status_code == 403  # before
    response = post_register(client, world, "KARI@example.no")
    assert response.status_code == 302

    assert client.get(profile(kari)).status_code == 403  # after: still refused
    assert not Affiliation.objects.filter(organisation=world.user_org).exists()
    for url in (LIST, f"{LIST}?q=kari", f"{LIST}?q=Nordmann", f"{LIST}?area={_area().pk}"):
        text = page(client.get(url))
        assert AREA not in table(client.get(url)) and HEALTH_TEXT not in text
        # Only what the coordinator typed: never the name stored with the account.
        assert STORED_NAME not in text
    assert TYPED_NAME in page(client.get(LIST))
    assert reads_of(kari) == 0


def test_attack_registering_an_existing_account_without_profile_makes_no_representative(
    client, world
) -> None:
    person = UserFactory.create(email="per@example.no", full_name="Per Lagret")
    client.force_login(world.coordinator)
    assert post_register(client, world, person.email).status_code == 302
    assert not Representative.objects.filter(user=person).exists()
    assert JoinRequest.objects.open().filter(user=person, organisation=world.user_org).exists()
    assert "Per Lagret" not in page(client.get(LIST))


def test_attack_registering_the_operators_email_attaches_no_profile_to_the_operator(
    client, world
) -> None:
    client.force_login(world.coordinator)
    assert post_register(client, world, world.superuser.email).status_code == 302
    assert not Representative.objects.filter(user=world.superuser).exists()
    assert "Plattform Drift" not in page(client.get(LIST))


def _answer_of(client, world, email: str) -> dict[str, object]:
    """What the coordinator learns from registering `email`, with the address itself taken out:
    the status, where it leads, the message, and the request's row in the list."""
    response = post_register(client, world, email)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    rows = re.findall(
        r"<tr>\s*<td>[^<]*<br><span[^>]*>[^<]*</span></td>.*?</tr>", page(client.get(LIST)), re.S
    )
    row = next(r for r in rows if email.lower() in r)
    return {
        "status": response.status_code,
        "location": response.get("Location"),
        "messages": [m.replace(email.lower(), "<e-mail>") for m in messages],
        "row": row.replace(email.lower(), "<e-mail>"),
    }


def test_attack_the_form_answers_the_same_whether_or_not_the_address_has_an_account(
    client, world, kari
) -> None:
    client.force_login(world.coordinator)
    existing = _answer_of(client, world, "kari@example.no")
    new = _answer_of(client, world, "nobody.yet@example.no")
    assert existing == new
    assert existing["status"] == 302 and existing["location"] == LIST
    assert existing["messages"] == [
        "Vi har sendt en e-post til <e-mail>. Personen vises som godkjent når de har takket ja."
    ]
    assert "Venter på svar" in str(existing["row"])
    for forbidden in ("kan allerede logge inn", STORED_NAME):
        assert forbidden not in page(client.get(LIST))


def test_attack_the_coordinator_cannot_accept_on_the_persons_behalf(client, world, kari) -> None:
    client.force_login(world.coordinator)
    post_register(client, world, "kari@example.no")
    join_request = JoinRequest.objects.get(organisation=world.user_org)
    assert answer(client, join_request, "accept").status_code == 404
    other = UserFactory.create(email="other@example.no")
    client.force_login(other)
    assert answer(client, join_request, "accept").status_code == 404
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.OPEN
    client.force_login(world.coordinator)
    assert client.get(profile(kari)).status_code == 403


def test_the_person_accepts_and_only_then_the_organisation_sees_their_health_data(
    client, world, kari
) -> None:
    client.force_login(world.coordinator)
    post_register(client, world, "kari@example.no")
    join_request = JoinRequest.objects.get(organisation=world.user_org)

    client.force_login(kari.user)
    page_text = page(client.get(reverse("join_requests")))
    assert world.user_org.name in page_text and 'value="accept"' in page_text
    response = answer(client, join_request, "accept")
    assert response.status_code == 302 and response["Location"] == reverse("my_representative")
    assert answer(client, join_request, "accept").status_code == 302  # a second click
    affiliation = Affiliation.objects.get(representative=kari, organisation=world.user_org)
    assert affiliation.status == Affiliation.Status.APPROVED
    accepted = AuditEvent.objects.for_object(join_request).filter(
        action=AuditEvent.Action.ACCEPTED, actor=kari.user
    )
    assert accepted.count() == 1  # idempotent: accepted once
    assert AuditEvent.objects.for_object(affiliation).filter(actor=kari.user).count() == 1

    client.force_login(world.coordinator)
    response = client.get(profile(kari))
    assert response.status_code == 200 and HEALTH_TEXT in page(response)
    assert AREA in table(client.get(LIST))
    assert reads_of(kari) == 2


def test_the_person_declines_and_the_organisation_sees_nothing(client, world, kari) -> None:
    client.force_login(world.coordinator)
    post_register(client, world, "kari@example.no")
    join_request = JoinRequest.objects.get(organisation=world.user_org)
    client.force_login(kari.user)
    assert answer(client, join_request, "decline").status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.DECLINED
    event = AuditEvent.objects.for_object(join_request).latest("pk")
    assert event.actor == kari.user and event.changes["status"] == ["open", "declined"]
    assert answer(client, join_request, "accept").status_code == 302  # too late
    assert not Affiliation.objects.filter(organisation=world.user_org).exists()

    client.force_login(world.coordinator)
    assert client.get(profile(kari)).status_code == 403
    text = page(client.get(LIST))
    assert "Takket nei" in text and STORED_NAME not in text and AREA not in table(client.get(LIST))
    assert reads_of(kari) == 0


def test_a_person_without_a_profile_reaches_the_requests_page_and_becomes_a_representative(
    client, world
) -> None:
    person = UserFactory.create(email="per@example.no", full_name="Per Lagret")
    client.force_login(world.coordinator)
    post_register(client, world, person.email)
    client.force_login(person)
    # The profile page sends someone who has been asked, and has no profile yet, to answer.
    assert client.get(reverse("my_representative"))["Location"] == reverse("join_requests")
    join_request = JoinRequest.objects.get(user=person)
    answer(client, join_request, "accept")
    rep = Representative.objects.get(user=person)
    assert rep.registered_by == world.coordinator
    assert client.get(reverse("my_representative")).status_code == 200


@pytest.mark.parametrize(
    "language, subject",
    [
        ("en", "Testforeningen asks you to join as a user representative"),
        ("nb", "Testforeningen ber deg bli med som brukerrepresentant"),
    ],
)
def test_the_person_is_told_by_e_mail_in_their_own_language(
    client, world, kari, mailoutbox, django_capture_on_commit_callbacks, language, subject
) -> None:
    with_password(kari)  # she can log in, so she is told, not invited to choose a password
    kari.user.language = language
    kari.user.save(update_fields=["language"])
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        post_register(client, world, "kari@example.no")
    [mail] = [m for m in mailoutbox if m.to == ["kari@example.no"]]
    assert subject in mail.subject
    assert reverse("join_requests") in mail.body
    assert HEALTH_TEXT not in mail.body


# --- Point 2: one rule for every page that shows a representative ---------------------------


def _area() -> ExperienceArea:
    return ExperienceArea.objects.get(name_nb=AREA)


def _arrange(client, world, kari, state: str) -> None:
    """Put Kari's relation with A (the attacker's organisation) into `state`, each step made
    by the person who makes it in real use."""
    if state == "invited":
        client.force_login(world.coordinator)
        post_register(client, world, kari.user.email)
        return
    if state == "pending":  # Kari asked to join A herself; A has not decided
        Affiliation.objects.create(
            representative=kari, organisation=world.user_org, status=Affiliation.Status.PENDING
        )
        return
    register(world, kari.user.email, TYPED_NAME)  # asked by A, and accepted by Kari
    affiliation = Affiliation.objects.get(representative=kari, organisation=world.user_org)
    if state == "rejected":
        client.force_login(world.coordinator)
        client.post(reverse("affiliation_decide", args=[affiliation.pk]), {"decision": "reject"})
    elif state == "ended":
        client.force_login(kari.user)
        client.post(reverse("my_affiliation_end", args=[affiliation.pk]))
    elif state == "consent_withdrawn":
        client.force_login(kari.user)
        client.post(reverse("my_health_consent"), {"action": "withdraw"})
    affiliation.refresh_from_db()
    expected = {
        "approved": "approved",
        "rejected": "rejected",
        "ended": "ended",
        "consent_withdrawn": "approved",
    }[state]
    assert affiliation.status == expected


# state → (may open the profile, may see health data)
STATES = {
    "approved": (True, True),
    "pending": (True, False),
    "invited": (False, False),
    "rejected": (False, False),
    "ended": (False, False),
    "consent_withdrawn": (True, False),
}


@pytest.mark.parametrize("state", list(STATES))
def test_attack_every_view_rendering_a_representative_follows_the_one_rule(
    client, world, kari, state
) -> None:
    _arrange(client, world, kari, state)
    opens, health = STATES[state]
    client.force_login(world.coordinator)
    before = reads_of(kari)
    shown_with_health = 0

    # The list, a search by name, and the experience-area filter.
    for url in (LIST, f"{LIST}?q=Nordmann", f"{LIST}?area={_area().pk}"):
        response = client.get(url)
        assert response.status_code == 200
        rows = table(response)
        assert (AREA in rows) is health, url
        if health:
            shown_with_health += 1
        if url.endswith(f"area={_area().pk}"):
            # The filter finds only people whose health data the viewer may see.
            assert (STORED_NAME in rows) is health, url
        elif state != "invited":
            assert STORED_NAME in rows, url  # the person is in the list, without health data
        else:
            assert STORED_NAME not in page(response), url  # only what A typed

    # The profile page.
    response = client.get(profile(kari))
    assert response.status_code == (200 if opens else 403)
    text = page(response)
    assert (HEALTH_TEXT in text) is health
    assert (AREA in text.split('id="experience-heading"')[-1].split("</section>")[0]) is health
    if health:
        shown_with_health += 1

    # The organisation's counts per experience area ("where we are represented").
    text = page(client.get(reverse("participation_representation")))
    areas = text.split('id="areas"')[1]
    assert (f"<td>{AREA}</td><td>1</td>" in areas) is health

    # The access log holds exactly the showings with health data.
    assert reads_of(kari) - before == shown_with_health


def test_attack_a_rejected_row_shows_no_experience_areas_in_list_or_search(
    client, world, kari
) -> None:
    """The finding itself: after rejecting Kari, the list and its search still showed her
    experience areas (the profile page already refused)."""
    _arrange(client, world, kari, "rejected")
    client.force_login(world.coordinator)
    for url in (LIST, f"{LIST}?q=Kari", f"{LIST}?status=rejected"):
        rows = table(client.get(url))
        assert STORED_NAME in rows and AREA not in rows
    assert STORED_NAME not in table(client.get(f"{LIST}?area={_area().pk}"))
    assert reads_of(kari) == 0


def test_attack_the_platform_operator_gets_nothing_by_being_superuser(client, world, kari) -> None:
    client.force_login(world.superuser)
    assert client.get(profile(kari)).status_code == 403
    assert client.get(LIST).status_code == 403
    assert not Representative.objects.health_visible_to(world.superuser).exists()
    assert reads_of(kari) == 0


def test_single_and_batch_answers_agree(world, kari) -> None:
    from medvirke.representatives.permissions import can_see_health_data, health_visible_ids

    coordinator_b = kari.affiliations.get().organisation.staff_roles.get().user
    everyone = list(Representative.objects.all())
    for viewer in (world.coordinator, coordinator_b, kari.user, world.superuser, world.secretary):
        batch = health_visible_ids(viewer, [r.pk for r in everyone])
        assert batch == {r.pk for r in everyone if can_see_health_data(viewer, r)}
    assert health_visible_ids(coordinator_b, [kari.pk]) == {kari.pk}
    assert health_visible_ids(world.coordinator, [kari.pk]) == set()


def test_attack_nobody_but_the_person_ends_their_affiliation_from_their_page(
    client, world, kari
) -> None:
    affiliation = kari.affiliations.get()
    url = reverse("my_affiliation_end", args=[affiliation.pk])
    for intruder in (world.coordinator, world.superuser, world.outsider):
        client.force_login(intruder)
        assert client.post(url).status_code == 404
    affiliation.refresh_from_db()
    assert affiliation.status == Affiliation.Status.APPROVED
    client.force_login(kari.user)
    assert client.post(url).status_code == 302
    affiliation.refresh_from_db()
    assert affiliation.status == Affiliation.Status.ENDED
    event = AuditEvent.objects.for_object(affiliation).latest("pk")
    assert event.actor == kari.user and event.note == "ended by the person"


def test_attack_a_coordinator_cannot_reapprove_an_ended_affiliation(client, world, kari) -> None:
    """Approving again by a click would reopen the health data without asking the person."""
    _arrange(client, world, kari, "ended")
    affiliation = Affiliation.objects.get(representative=kari, organisation=world.user_org)
    client.force_login(world.coordinator)
    client.post(reverse("affiliation_decide", args=[affiliation.pk]), {"decision": "approve"})
    affiliation.refresh_from_db()
    assert affiliation.status == Affiliation.Status.ENDED
    assert client.get(profile(kari)).status_code == 403
    # Asking again is the way back, and the person decides.
    post_register(client, world, kari.user.email)
    assert JoinRequest.objects.open().filter(organisation=world.user_org, user=kari.user).exists()


def test_a_deletion_withdraws_open_requests_and_blanks_what_was_typed(client, world, kari) -> None:
    from medvirke.representatives import services

    client.force_login(world.coordinator)
    post_register(client, world, kari.user.email)
    services.record_deletion_request(kari, by=kari.user)
    coordinator_b = kari.affiliations.get().organisation.staff_roles.get().user
    services.carry_out_deletion(kari, by=coordinator_b)
    join_request = JoinRequest.objects.get(organisation=world.user_org)
    assert join_request.status == JoinRequest.Status.WITHDRAWN
    assert join_request.email.endswith(".invalid") and TYPED_NAME not in join_request.full_name
    assert TYPED_NAME not in page(client.get(LIST))
