"""Walks the meetings, minutes and influence-ledger table in docs/permissions.md (the
`matrix-meetings` block): every column, every action, both ways, each a real request. An
allowed change must have happened; a refused one must have left everything as it was.

The world (see the text above the table and matrix_support.build_scene): a public council
with two members and a deputy, a meeting in two weeks with a public and an exempt case, a held
meeting with draft minutes and advice to the clinic, a member's proposal, a non-public group.
"""

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from medvirke.core.testing import build_world
from medvirke.meetings import permissions
from medvirke.meetings.links import absence_token
from medvirke.meetings.models import (
    AbsenceNotice,
    Attendance,
    Case,
    CaseProposal,
    Meeting,
    Paper,
)
from medvirke.organisations.tests.test_permission_matrix import read_matrix

from .conftest import at
from .matrix_minutes import MINUTES_ACTIONS
from .matrix_support import (
    EXEMPT_TITLE,
    PDF,
    PROPOSAL_TITLE,
    Scene,
    build_scene,
    is_file,
    local,
    outcome,
    person_for,
    sees,
    shows,
)

COLUMNS, MATRIX = read_matrix("matrix-meetings")
Action = Callable[[Client, Scene], bool]


def _status(model: Any, obj: Any) -> str:
    return str(model.objects.get(pk=obj.pk).status)


# --- the meeting plan and the meeting page ---------------------------------------------------


def _view_plan(c: Client, s: Scene) -> bool:
    year = s.upcoming.starts_at.year
    r = c.get(reverse("meeting_plan", args=[s.council.pk]), {"aar": year})
    return shows(r, reverse("meeting_detail", args=[s.upcoming.pk]))


def _view_meeting(c: Client, s: Scene) -> bool:
    return shows(c.get(reverse("meeting_detail", args=[s.upcoming.pk])), s.open_case.title)


def _view_private_meeting(c: Client, s: Scene) -> bool:
    return shows(c.get(reverse("meeting_detail", args=[s.group_meeting.pk])), s.group.name)


def _see_exempt_case(c: Client, s: Scene) -> bool:
    return sees(c.get(reverse("meeting_detail", args=[s.upcoming.pk])), EXEMPT_TITLE)


# --- the secretariat's steps -----------------------------------------------------------------


def _plan_meeting(c: Client, s: Scene) -> bool:
    r = c.post(
        reverse("meeting_create", args=[s.council.pk]),
        {
            "title": "Budsjettmøte",
            "starts_at": local(at(30, 10)),
            "ends_at": local(at(30, 14)),
            "place": "Rom 2",
            "paper_deadline_days": 7,
        },
    )
    return outcome(r, lambda: Meeting.objects.filter(title="Budsjettmøte").exists())


def _edit_meeting(c: Client, s: Scene) -> bool:
    m = s.upcoming
    r = c.post(
        reverse("meeting_edit", args=[m.pk]),
        {
            "starts_at": local(m.starts_at),
            "ends_at": local(m.ends_at),
            "place": "Auditoriet",
            "paper_deadline_days": m.paper_deadline_days,
        },
    )
    return outcome(r, lambda: Meeting.objects.get(pk=m.pk).place == "Auditoriet")


def _call_meeting(c: Client, s: Scene) -> bool:
    r = c.post(reverse("meeting_call", args=[s.upcoming.pk]))
    return outcome(r, lambda: _status(Meeting, s.upcoming) == Meeting.Status.CALLED)


def _mark_held(c: Client, s: Scene) -> bool:
    r = c.post(reverse("meeting_held", args=[s.upcoming.pk]))
    return outcome(r, lambda: _status(Meeting, s.upcoming) == Meeting.Status.HELD)


CASE_FORM = {
    "description": "",
    "kind": Case.Kind.DISCUSSION,
    "phase": Case.Phase.IDEA,
    "ladder_step": "2",
    "no_individual_patient": "on",
}


def _add_case(c: Client, s: Scene) -> bool:
    data = {**CASE_FORM, "title": "Kantinetilbudet"}
    r = c.post(reverse("case_create", args=[s.upcoming.pk]), data)
    return outcome(r, lambda: Case.objects.filter(title="Kantinetilbudet").exists())


def _edit_case(c: Client, s: Scene) -> bool:
    data = {
        **CASE_FORM,
        "title": "Ny ventetidsordning for BUP",
        "owner_unit": s.world.clinic.pk,
        "owner_person": s.owner.pk,
    }
    r = c.post(reverse("case_edit", args=[s.open_case.pk]), data)
    return outcome(r, lambda: Case.objects.get(pk=s.open_case.pk).title == data["title"])


def _upload_paper(c: Client, s: Scene) -> bool:
    r = c.post(
        reverse("paper_upload", args=[s.upcoming.pk]),
        {"title": "Nytt vedlegg", "case": "", "file": SimpleUploadedFile("vedlegg.pdf", PDF)},
    )
    return outcome(r, lambda: Paper.objects.filter(title="Nytt vedlegg").exists())


def _download_paper(c: Client, s: Scene) -> bool:
    return is_file(c.get(reverse("paper_download", args=[s.open_paper.pk])), "application/pdf")


def _download_exempt_paper(c: Client, s: Scene) -> bool:
    return is_file(c.get(reverse("paper_download", args=[s.exempt_paper.pk])), "application/pdf")


def _record_attendance(c: Client, s: Scene) -> bool:
    terms = permissions.member_terms(s.council).filter(seat__role="member")
    members = [t.representative.user for t in terms.select_related("representative__user")]
    data = {f"p{person.pk}-present": "on" for person in members}
    r = c.post(reverse("meeting_attendance", args=[s.upcoming.pk]), data)
    return outcome(
        r, lambda: Attendance.objects.filter(meeting=s.upcoming).count() == len(members) == 2
    )


# --- case proposals --------------------------------------------------------------------------


def _proposal_inbox(c: Client, s: Scene) -> bool:
    return shows(c.get(reverse("proposal_inbox", args=[s.council.pk])), PROPOSAL_TITLE)


def _accept_proposal(c: Client, s: Scene) -> bool:
    p = s.proposal.pk
    r = c.post(
        reverse("proposal_accept", args=[p]),
        {f"a{p}-meeting": s.upcoming.pk, f"a{p}-kind": Case.Kind.DISCUSSION},
    )
    return outcome(r, lambda: _status(CaseProposal, s.proposal) == CaseProposal.Status.ACCEPTED)


def _answer_proposal(c: Client, s: Scene) -> bool:
    p = s.proposal.pk
    r = c.post(reverse("proposal_answer", args=[p]), {f"s{p}-answer": "Tas opp til høsten"})
    return outcome(r, lambda: _status(CaseProposal, s.proposal) == CaseProposal.Status.DECLINED)


def _propose_case(c: Client, s: Scene) -> bool:
    r = c.post(
        reverse("case_propose"),
        {"body": s.council.pk, "title": "Høy skranke", "description": "Vanskelig fra rullestol"},
    )
    return outcome(r, lambda: CaseProposal.objects.filter(title="Høy skranke").exists())


def _my_proposals(c: Client, s: Scene) -> bool:
    return sees(c.get(reverse("my_proposals")), PROPOSAL_TITLE)


# --- the member's side -----------------------------------------------------------------------


def _absent(s: Scene) -> bool:
    return AbsenceNotice.objects.filter(meeting=s.upcoming).exists()


def _report_absence(c: Client, s: Scene) -> bool:
    r = c.post(reverse("my_meeting_absence", args=[s.upcoming.pk]), {"reason": "Syk"})
    return outcome(r, lambda: _absent(s))


def _absence_link(c: Client, s: Scene) -> bool:
    token = absence_token(s.upcoming, s.kari.user)
    r = c.post(reverse("absence_link", args=[token]), {"reason": ""})
    return outcome(
        r,
        lambda: AbsenceNotice.objects.filter(
            meeting=s.upcoming, term__representative=s.kari
        ).exists(),
    )


def _my_meetings(c: Client, s: Scene) -> bool:
    return sees(c.get(reverse("my_meetings")), reverse("meeting_detail", args=[s.upcoming.pk]))


def _my_advice(c: Client, s: Scene) -> bool:
    return sees(c.get(reverse("my_advice")), s.advice_case.title)


ACTIONS: dict[str, Action] = {
    action.__name__.removeprefix("_"): action
    for action in (
        _view_plan,
        _view_meeting,
        _view_private_meeting,
        _see_exempt_case,
        _plan_meeting,
        _edit_meeting,
        _call_meeting,
        _mark_held,
        _add_case,
        _edit_case,
        _upload_paper,
        _download_paper,
        _download_exempt_paper,
        _record_attendance,
        _proposal_inbox,
        _accept_proposal,
        _answer_proposal,
        _propose_case,
        _my_proposals,
        _report_absence,
        _absence_link,
        _my_meetings,
        _my_advice,
    )
} | MINUTES_ACTIONS


def test_every_action_in_the_table_is_checked_and_every_check_is_in_the_table() -> None:
    assert set(MATRIX) == set(ACTIONS)
    assert COLUMNS == [
        "administrator",
        "sekretariat",
        "koordinator",
        "saksbehandler",
        "kvalitetsrådgiver",
        "revisor",
        "uten rolle",
        "anonym",
        "plattform",
        "representant",
        "saksansvarlig",
    ]


@pytest.fixture(scope="module", name="media_root")
def media_root_fixture(tmp_path_factory: Any) -> Any:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media(_test_settings: None, settings: Any, media_root: Any) -> None:
    """The scene's papers were stored once, in the module's media folder: every test (whose
    settings otherwise get a fresh folder, see conftest.py) reads them from there."""
    settings.MEDIA_ROOT = media_root


@pytest.fixture(scope="module", name="shared_scene")
def shared_scene_fixture(
    django_db_setup: Any, django_db_blocker: Any, media_root: Any
) -> Iterator[Scene]:
    """The world is built once for the module, in a transaction rolled back at the end; each
    cell runs in a savepoint inside it (pytest-django's `db`), so every cell starts from the
    same state and nothing one cell does is seen by the next."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast, MEDIA_ROOT=media_root),
        transaction.atomic(),
    ):
        yield build_scene(build_world())
        transaction.set_rollback(True)


@pytest.mark.parametrize("column", COLUMNS)
@pytest.mark.parametrize("action", list(MATRIX))
def test_role_may_do_exactly_what_the_table_says(
    shared_scene: Scene, db: Any, column: str, action: str
) -> None:
    scene = replace(shared_scene)
    client = Client()
    scene.person = person_for(scene, column)
    if scene.person is not None:
        client.force_login(scene.person)
    allowed = ACTIONS[action](client, scene)
    assert allowed is MATRIX[action][column], (
        f"{column} {'could' if allowed else 'could not'} {action}; the table says "
        f"{'ja' if MATRIX[action][column] else 'nei'}"
    )


def test_an_exempt_case_stays_hidden_after_a_member_has_opened_the_meeting_page(
    shared_scene: Scene, db: Any
) -> None:
    """The meeting page is served from the content cache: what an insider was shown must not
    be what the next person is shown."""
    url = reverse("meeting_detail", args=[shared_scene.upcoming.pk])
    member, outsider = Client(), Client()
    member.force_login(shared_scene.kari.user)
    outsider.force_login(shared_scene.world.outsider)
    assert sees(member.get(url), EXEMPT_TITLE)
    assert not sees(outsider.get(url), EXEMPT_TITLE)
    assert sees(outsider.get(url), shared_scene.open_case.title)
