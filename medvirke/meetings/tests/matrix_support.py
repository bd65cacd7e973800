"""The world of the meetings table in docs/permissions.md (the `matrix-meetings` block), the
person behind each column, and how a request's outcome is read (allowed, or refused)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from medvirke.bodies import services as body_services
from medvirke.bodies.models import Body
from medvirke.bodies.tests.participation_support import (
    TODAY,
    candidate,
    make_council,
    nominate,
    open_call,
)
from medvirke.core.testing import UserFactory, World
from medvirke.meetings import services
from medvirke.meetings.models import (
    Advice,
    CalendarFeed,
    Case,
    CaseProposal,
    Meeting,
    Minutes,
    Paper,
)
from medvirke.organisations.models import StaffRole
from medvirke.representatives.models import Representative

from .conftest import case, plan

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CONCLUSION = "Rådet støtter en ny ventetidsordning"
ADVICE_TEXT = "Rådet anbefaler SMS-varsel om ventetid"
EXEMPT_TITLE = "Personalsak i klinikken"
PROPOSAL_TITLE = "Parkering ved sykehuset"


@dataclass
class Scene:
    world: World
    council: Body  # public, owned by the HF; the world's secretary in its secretariat
    group: Body  # non-public working group of the HF
    kari: Representative  # a member of the council (the "representant" column)
    owner: Any  # the case owner: case handler in the clinic (the "saksansvarlig" column)
    upcoming: Meeting  # in two weeks, planned
    open_case: Case
    exempt_case: Case
    open_paper: Paper
    exempt_paper: Paper
    group_meeting: Meeting
    proposal: CaseProposal  # Kari's, waiting
    held: Meeting  # a week ago, held, Kari present
    advice_case: Case
    minutes: Minutes  # draft, with a conclusion in the advice case
    advice: Advice  # to the clinic, unanswered
    feed: CalendarFeed  # the council's calendar address
    person: Any = None  # who acts (None: not logged in)


def _seat(world: World, body: Body, names: list[tuple[str, str]]) -> list[Representative]:
    """Members and deputies with terms from a year ago, so they sat at last week's meeting."""
    call = open_call(world, body, seats=list(body.seats.all()))
    people = []
    ranks: dict[str, int] = {}
    for name, role in names:
        ranks[role] = ranks.get(role, 0) + 1
        rep = candidate(world, name)
        body_services.appoint(
            nominate(world, call, rep),
            seat=body.seats.get(role=role, rank=ranks[role]),
            starts_on=TODAY - timedelta(days=365),
            ends_on=TODAY + timedelta(days=365),
            by=world.secretary,
        )
        people.append(rep)
    return people


def paper(world: World, meeting: Meeting, title: str, item: Case) -> Paper:
    return services.publish_paper(
        meeting,
        upload=SimpleUploadedFile(f"{title}.pdf", PDF),
        title=title,
        case=item,
        by=world.secretary,
    )


def build_scene(world: World) -> Scene:
    secretary, clinic = world.secretary, world.clinic
    council = make_council(world, member_seats=2, deputy_seats=1)
    kari, _ola, _dag = _seat(
        world,
        council,
        [("Kari Medlem", "member"), ("Ola Medlem", "member"), ("Dag Vara", "deputy")],
    )
    owner = UserFactory.create(email="saksansvarlig@example.no", full_name="Siri Saksansvarlig")
    StaffRole.objects.create(user=owner, organisation=clinic, role=StaffRole.Role.CASE_HANDLER)
    owned = {"owner_unit": clinic, "owner_person": owner}

    upcoming = plan(world, council, days=14)
    open_case = case(world, council, upcoming, title="Ny ventetidsordning", **owned)
    exempt_case = case(
        world,
        council,
        upcoming,
        title=EXEMPT_TITLE,
        is_public=False,
        exemption_basis="offl. § 14",
        **owned,
    )
    group = make_council(world, name="Lukket arbeidsgruppe", is_public=False)
    proposal = services.propose_case(
        council, title=PROPOSAL_TITLE, description="For få plasser", by=kari.user
    )

    held = plan(world, council, days=-7)
    services.mark_held(held, by=secretary)
    advice_case = case(world, council, held, title="Ventetid i poliklinikken", **owned)
    services.record_attendance(held, person=kari.user, by=secretary)
    minutes = services.start_minutes(held, by=secretary)
    services.update_minutes(
        minutes,
        by=secretary,
        expected_version=None,
        text="Kari Medlem ledet møtet.",
        conclusions={advice_case.pk: CONCLUSION},
    )
    advice = services.record_advice(
        advice_case,
        text=ADVICE_TEXT,
        due_on=TODAY + timedelta(days=42),
        by=secretary,
        recipient_unit=clinic,
    )
    return Scene(
        world=world,
        council=council,
        group=group,
        kari=kari,
        owner=owner,
        upcoming=upcoming,
        open_case=open_case,
        exempt_case=exempt_case,
        open_paper=paper(world, upcoming, "Saksframlegg ventetid", open_case),
        exempt_paper=paper(world, upcoming, "Notat om personalsaken", exempt_case),
        group_meeting=plan(world, group, days=21),
        proposal=proposal,
        held=held,
        advice_case=advice_case,
        minutes=minutes,
        advice=advice,
        feed=CalendarFeed.objects.create(body=council),
    )


def person_for(scene: Scene, column: str) -> Any:
    """The person behind a column of the table (None: not logged in)."""
    world = scene.world
    people = {
        "administrator": world.administrator,
        "sekretariat": world.secretary,  # the role in the HF and the council's secretariat
        "koordinator": world.coordinator,  # of the user organisation the members come from
        "saksbehandler": world.case_handler,
        "kvalitetsrådgiver": world.quality_advisor,
        "revisor": world.auditor,
        "uten rolle": world.outsider,
        "anonym": None,
        "plattform": world.superuser,
        "representant": scene.kari.user,
        "saksansvarlig": scene.owner,
    }
    return people[column]


# --- reading the outcome ---------------------------------------------------------------------


def refused(response: Any, *, not_found: bool = False) -> bool:
    """403, the login page for anonymous visitors, or 404 where the table says so."""
    if response.status_code == 403 or (not_found and response.status_code == 404):
        return True
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def content(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        # Reading to the end closes the response (the test client wraps the iterator); closing
        # it again would send request_finished with close_old_connections connected, which on
        # PostgreSQL closes the connection under the module's shared transaction.
        return b"".join(response.streaming_content)
    return bytes(response.content)


def outcome(response: Any, happened: Callable[[], bool], *, not_found: bool = False) -> bool:
    """False if refused, and then nothing may have happened; otherwise the action must have
    gone through: a page that lets someone in and then does nothing is a bug here."""
    if refused(response, not_found=not_found):
        assert not happened(), "refused, yet it happened"
        return False
    assert response.status_code in (200, 302), response.status_code
    assert happened(), "not refused, yet the action did not happen"
    return True


def sees(response: Any, text: str) -> bool:
    """For a page whose content depends on who asks (a personal list, the exempt case on the
    agenda): whether `text` is on it for this person."""
    if refused(response):
        return False
    assert response.status_code == 200, response.status_code
    return text in response.content.decode()


def shows(response: Any, text: str) -> bool:
    """A page one either may open (and then it shows `text`) or is refused."""
    return outcome(response, lambda: text in content(response).decode())


def is_file(response: Any, content_type: str, *, not_found: bool = False) -> bool:
    """A download: refused, or a file of the given type with something in it."""
    return outcome(
        response,
        lambda: (
            response.status_code == 200
            and response["Content-Type"].startswith(content_type)
            and len(content(response)) > 0
        ),
        not_found=not_found,
    )


def local(moment: Any) -> str:
    """A datetime as the form's datetime-local field sends it."""
    return f"{timezone.localtime(moment):%Y-%m-%dT%H:%M}"
