"""Walks the councils, representatives and health-data table in docs/permissions.md (the
`matrix-councils` block): every column, every action, both ways, each a real request.

The world (see the text above the table): a public council and a non-public group owned by the
HF, an open call sent to the user organisation, representatives of that organisation — Ola
nominated to the call, Per approved but not nominated, Kari holding a term with health data,
Lise waiting for approval.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from medvirke.bodies.models import Body, Call, Nomination, Term
from medvirke.core.models import AccessLogEntry
from medvirke.core.testing import UserFactory, World, build_world
from medvirke.organisations.models import StaffRole
from medvirke.organisations.tests.test_permission_matrix import read_matrix, refused
from medvirke.representatives.models import (
    Affiliation,
    EmploymentDeclaration,
    ExperienceArea,
    JoinRequest,
    Representative,
)
from medvirke.representatives.tests.factories import with_health_data

from .participation_support import TODAY, appoint, candidate, make_council, nominate, open_call

COLUMNS, MATRIX = read_matrix("matrix-councils")
HF_ROLES = {
    "administrator": StaffRole.Role.ADMINISTRATOR,
    "sekretariat": StaffRole.Role.SECRETARIAT,
    "saksbehandler": StaffRole.Role.CASE_HANDLER,
    "kvalitetsrådgiver": StaffRole.Role.QUALITY_ADVISOR,
    "revisor": StaffRole.Role.AUDITOR,
}
HEALTH_TEXT = "Mange år med angst og depresjon"


@dataclass
class Scene:
    world: World
    council: Body
    group: Body
    call: Call
    kari: Representative
    term: Term
    ola: Nomination
    per: Representative
    lise: Affiliation
    employment: EmploymentDeclaration
    person: Any = None  # who acts (None: not logged in)


def build_scene(world: World) -> Scene:
    council = make_council(world)
    group = make_council(world, name="Lukket arbeidsgruppe", is_public=False)
    kari = candidate(world, "Kari Nordmann")
    with_health_data(kari, ["Psykisk helse"], HEALTH_TEXT)
    first = open_call(world, council)
    term = appoint(world, nominate(world, first, kari))
    call = open_call(world, council)
    ola = nominate(world, call, candidate(world, "Ola Kandidat"))
    per = candidate(world, "Per Ventende")
    lise_user = UserFactory.create(email="lise@example.no", full_name="Lise Søker")
    lise = Affiliation.objects.create(
        representative=Representative.objects.create(user=lise_user),
        organisation=world.user_org,
    )
    employment = EmploymentDeclaration.objects.create(
        representative=kari, employer_name="Testvik kommune", starts_on=TODAY.replace(year=2020)
    )
    return Scene(world, council, group, call, kari, term, ola, per, lise, employment)


def log_in(client: Client, scene: Scene, column: str) -> None:
    world = scene.world
    if column in HF_ROLES:
        person = UserFactory.create()
        StaffRole.objects.create(user=person, organisation=world.hf, role=HF_ROLES[column])
        if column == "sekretariat":
            scene.council.secretariat.add(person)
    elif column == "koordinator":
        person = UserFactory.create()
        StaffRole.objects.create(
            user=person, organisation=world.user_org, role=StaffRole.Role.COORDINATOR
        )
    elif column == "uten rolle":
        person = world.outsider
    elif column == "plattform":
        person = world.superuser
    elif column == "representant":
        person = scene.kari.user
    else:
        assert column == "anonym"
        return
    client.force_login(person)
    scene.person = person


def outcome(response: Any, success: Callable[[], bool]) -> bool:
    """False if refused (403, or the login page for anonymous visitors); otherwise the action
    must have gone through: a page that lets someone in and then does nothing is a bug here."""
    if refused(response):
        return False
    assert response.status_code in (200, 302), response.status_code
    assert success(), "not refused, yet the action did not happen"
    return True


def shows(client: Client, url: str, text: str) -> bool:
    r = client.get(url)
    return outcome(r, lambda: text in r.content.decode())


# --- bodies ----------------------------------------------------------------------------------


def _view_public_body(client: Client, s: Scene) -> bool:
    return shows(client, reverse("body_detail", args=[s.council.pk]), s.council.name)


def _view_private_body(client: Client, s: Scene) -> bool:
    return shows(client, reverse("body_detail", args=[s.group.pk]), s.group.name)


def _edit_body(client: Client, s: Scene) -> bool:
    from medvirke.bodies.forms.secretariat import BodyForm

    body = s.council
    data: dict[str, Any] = {
        name: getattr(body, name) for name in BodyForm.Meta.fields if name != "secretariat"
    }
    data.update(
        name="Nytt navn på utvalget",
        secretariat=[u.pk for u in body.secretariat.all()],
        version=body.version,
    )
    if not data["is_public"]:
        del data["is_public"]
    r = client.post(reverse("body_edit", args=[body.pk]), data)
    return outcome(r, lambda: Body.objects.get(pk=body.pk).name == "Nytt navn på utvalget")


def _view_body_history(client: Client, s: Scene) -> bool:
    r = client.get(reverse("body_history", args=[s.council.pk]))
    return outcome(r, lambda: s.world.administrator.display_name in r.content.decode())


def _open_call(client: Client, s: Scene) -> bool:
    from medvirke.bodies import services

    seat = services.vacant_seats(s.council)[-1]
    before = s.council.calls.count()
    r = client.post(
        reverse("call_create", args=[s.council.pk]),
        {
            "seats": [seat.pk],
            "deadline": (TODAY + timedelta(days=21)).isoformat(),
            "recipients": [s.world.user_org.pk],
        },
    )
    return outcome(r, lambda: s.council.calls.count() == before + 1)


def _view_call(client: Client, s: Scene) -> bool:
    return shows(client, reverse("call_detail", args=[s.call.pk]), "Ola Kandidat")


def _status(nomination: Nomination) -> str:
    return Nomination.objects.get(pk=nomination.pk).status


def _appoint(client: Client, s: Scene) -> bool:
    from medvirke.bodies import services

    prefix = f"n{s.ola.pk}"
    r = client.post(
        reverse("nomination_appoint", args=[s.ola.pk]),
        {
            f"{prefix}-seat": services.vacant_seats(s.council)[0].pk,
            f"{prefix}-starts_on": TODAY.isoformat(),
            f"{prefix}-ends_on": (TODAY + timedelta(days=730)).isoformat(),
        },
    )
    return outcome(r, lambda: _status(s.ola) == Nomination.Status.APPOINTED)


def _decline(client: Client, s: Scene) -> bool:
    r = client.post(
        reverse("nomination_decline", args=[s.ola.pk]),
        {f"d{s.ola.pk}-reason": "Vi trenger erfaring fra rusfeltet"},
    )
    return outcome(r, lambda: _status(s.ola) == Nomination.Status.DECLINED)


def _close_call(client: Client, s: Scene) -> bool:
    r = client.post(reverse("call_close", args=[s.call.pk]))
    return outcome(r, lambda: Call.objects.get(pk=s.call.pk).closed_at is not None)


def _end_term(client: Client, s: Scene) -> bool:
    r = client.post(
        reverse("term_end", args=[s.term.pk]),
        {"reason": Term.EndReason.RESIGNED, "ended_on": TODAY.isoformat()},
    )
    return outcome(r, lambda: Term.objects.get(pk=s.term.pk).ended_on == TODAY)


def _letter(client: Client, s: Scene) -> bool:
    r = client.get(reverse("participation_letter", args=[s.term.pk]))
    return outcome(r, lambda: r["Content-Type"] == "application/pdf")


def _confirm_term(client: Client, s: Scene) -> bool:
    r = client.post(reverse("participation_confirm", args=[s.term.pk]))
    return outcome(r, lambda: Term.objects.get(pk=s.term.pk).confirmed_at is not None)


# --- the organisation's coordinator ----------------------------------------------------------


def _view_calls_for_us(client: Client, s: Scene) -> bool:
    r = client.get(reverse("participation_calls"))
    return outcome(r, lambda: reverse("participation_call", args=[s.call.pk]) in r.content.decode())


def _nominate(client: Client, s: Scene) -> bool:
    r = client.post(
        reverse("participation_call", args=[s.call.pk]),
        {
            "organisation": s.world.user_org.pk,
            "representative": s.per.pk,
            "justification": "Har sittet i brukerråd før",
        },
    )
    return outcome(r, lambda: s.call.nominations.filter(representative=s.per).exists())


def _withdraw_nomination(client: Client, s: Scene) -> bool:
    r = client.post(reverse("participation_withdraw", args=[s.ola.pk]))
    return outcome(r, lambda: _status(s.ola) == Nomination.Status.WITHDRAWN)


def _list_representatives(client: Client, s: Scene) -> bool:
    return shows(client, reverse("representative_list"), "Per Ventende")


def _register_candidate(client: Client, s: Scene) -> bool:
    r = client.post(
        reverse("representative_register"),
        {
            "organisation": s.world.user_org.pk,
            "email": "ny.kandidat@example.no",
            "full_name": "Ny Kandidat",
        },
    )
    # A request to join the person answers (issue 11), not a representative at once.
    return outcome(
        r, lambda: JoinRequest.objects.filter(user__email="ny.kandidat@example.no").exists()
    )


def _approve_affiliation(client: Client, s: Scene) -> bool:
    r = client.post(reverse("affiliation_decide", args=[s.lise.pk]), {"decision": "approve"})
    return outcome(
        r, lambda: Affiliation.objects.get(pk=s.lise.pk).status == Affiliation.Status.APPROVED
    )


# --- health data and own data ----------------------------------------------------------------


def _view_health_data(client: Client, s: Scene) -> bool:
    r = client.get(reverse("representative_detail", args=[s.kari.pk]))
    allowed = outcome(r, lambda: HEALTH_TEXT in r.content.decode())
    logged = AccessLogEntry.objects.for_object(s.kari)
    if allowed and s.person != s.kari.user:
        assert logged.count() == 1 and logged.get().actor == s.person, "read not logged once"
    else:
        assert not logged.exists(), "the person's own or a refused read was logged"
    return allowed


def _edit_experience_areas(client: Client, s: Scene) -> bool:
    r = client.post(
        reverse("experience_area_create"),
        {"name_nb": "Syns- og hørselshemming", "name_en": "Sight and hearing", "sort_order": 50},
    )
    return outcome(r, lambda: ExperienceArea.objects.filter(name_en="Sight and hearing").exists())


def _own_data(client: Client, s: Scene) -> bool:
    r = client.get(reverse("participation_my_data_json"))
    text = r.content.decode()
    allowed = outcome(r, lambda: s.person.email in text)
    assert (HEALTH_TEXT in text) is (s.person == s.kari.user), "someone else's health data"
    return allowed


def _edit_employment(client: Client, s: Scene) -> bool:
    r = client.post(
        reverse("my_employment_edit", args=[s.employment.pk]),
        {"employer_name": "Testvik kommune", "position": "Kokk", "starts_on": "2020-01-01"},
    )
    if r.status_code == 302 and r["Location"] == reverse("dashboard"):
        return False  # not a representative: sent to the start page with a friendly word
    return outcome(
        r, lambda: EmploymentDeclaration.objects.get(pk=s.employment.pk).position == "Kokk"
    )


def _ask_deletion(client: Client, s: Scene) -> bool:
    r = client.post(reverse("participation_delete_me"), {"confirm": "on"})
    return outcome(
        r, lambda: Representative.objects.get(pk=s.kari.pk).deletion_requested_at is not None
    )


ACTIONS: dict[str, Callable[[Client, Scene], bool]] = {
    "view_public_body": _view_public_body,
    "view_private_body": _view_private_body,
    "edit_body": _edit_body,
    "view_body_history": _view_body_history,
    "open_call": _open_call,
    "view_call": _view_call,
    "appoint": _appoint,
    "decline": _decline,
    "close_call": _close_call,
    "end_term": _end_term,
    "letter": _letter,
    "confirm_term": _confirm_term,
    "view_calls_for_us": _view_calls_for_us,
    "nominate": _nominate,
    "withdraw_nomination": _withdraw_nomination,
    "list_representatives": _list_representatives,
    "register_candidate": _register_candidate,
    "approve_affiliation": _approve_affiliation,
    "view_health_data": _view_health_data,
    "edit_experience_areas": _edit_experience_areas,
    "own_data": _own_data,
    "edit_employment": _edit_employment,
    "ask_deletion": _ask_deletion,
}


def test_every_action_in_the_table_is_checked_and_every_check_is_in_the_table() -> None:
    assert set(MATRIX) == set(ACTIONS)
    assert set(COLUMNS) == {
        *HF_ROLES,
        "koordinator",
        "uten rolle",
        "anonym",
        "plattform",
        "representant",
    }


@pytest.fixture(scope="module", name="shared_scene")
def shared_scene_fixture(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Scene]:
    """The world is built once for the module, in a transaction rolled back at the end; each
    cell runs in a savepoint inside it (pytest-django's `db`), so every cell starts from the
    same state and nothing one cell does is seen by the next."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        yield build_scene(build_world())
        transaction.set_rollback(True)


@pytest.mark.parametrize("column", COLUMNS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_role_may_do_exactly_what_the_table_says(
    shared_scene: Scene, db: Any, column: str, action: str
) -> None:
    scene = replace(shared_scene)
    client = Client()
    log_in(client, scene, column)
    allowed = ACTIONS[action](client, scene)
    assert allowed is MATRIX[action][column], (
        f"{column} {'could' if allowed else 'could not'} {action}; the table says "
        f"{'ja' if MATRIX[action][column] else 'nei'}"
    )


@pytest.mark.parametrize("role", [StaffRole.Role.ADMINISTRATOR, StaffRole.Role.SECRETARIAT])
def test_managers_outside_the_bodys_secretariat_see_no_health_data(
    shared_scene: Scene, db: Any, role: str
) -> None:
    """They may run the council (the table's administrator column), but health data follows
    the job: only the secretariat staff handling the person's nomination or term read it."""
    person = UserFactory.create()
    StaffRole.objects.create(user=person, organisation=shared_scene.world.hf, role=role)
    client = Client()
    client.force_login(person)
    assert client.get(reverse("body_edit", args=[shared_scene.council.pk])).status_code == 200
    response = client.get(reverse("representative_detail", args=[shared_scene.kari.pk]))
    assert response.status_code == 403
    assert not AccessLogEntry.objects.exists()
