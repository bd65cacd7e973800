"""Every view wrapped in `once_per_form` (found through the URL configuration: the create
forms, and the edit forms that share their templates, where a double click would otherwise
meet the stale-edit check) has its form
rendered here, as the person who uses it, and the form carries the one-time token; every
form on those pages that carries a token posts to a protected view. A new protected view
fails until it has a page below. (Which templates' forms must carry it: the classification
in core/tests/test_every_post_form_is_classified.py.)"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from medvirke.bodies import services as body_services
from medvirke.bodies.models import Term
from medvirke.bodies.tests.participation_support import (
    TODAY,
    candidate,
    make_council,
    nominate,
    open_call,
)
from medvirke.core.once import FIELD
from medvirke.meetings import services
from medvirke.meetings.links import absence_token
from medvirke.organisations.models import Invitation, StaffRole
from medvirke.representatives import services as rep_services
from medvirke.representatives.models import (
    EmploymentDeclaration,
    ExperienceArea,
    ExternalEngagement,
)

from .conftest import case, plan
from .matrix_support import Scene, build_scene

pytestmark = pytest.mark.django_db

_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.DOTALL | re.IGNORECASE)
_ACTION = re.compile(r'action="([^"]*)"')


def protected_views() -> set[str]:
    """URL names of every view with `once_per_form` (the attribute is copied outward by the
    decorators above it)."""
    names: set[str] = set()

    def walk(patterns: list[Any]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and getattr(
                pattern.callback, "once_per_form", False
            ):
                names.add(str(pattern.name))

    walk(get_resolver().url_patterns)
    return names


@dataclass
class Page:
    person: Any  # None: not logged in
    url: str  # the page with the form
    action: str  # where the form posts


@dataclass
class Extra:
    """What the scene of the meetings matrix lacks: minutes in every state, a body with vacant
    seats and a call with a pending nomination, an invitation, an engagement, an area."""

    sent: Any  # a held meeting whose minutes are out for comments
    approved: Any  # a held meeting with approved minutes
    bare: Any  # a held meeting without minutes
    group: Any  # a body with vacant seats and an open call
    call: Any
    nomination: Any
    term: Term  # Kari's term in the council
    invitation_token: str
    engagement: ExternalEngagement
    employment: EmploymentDeclaration
    area: ExperienceArea


def _held(s: Scene, days: int) -> Any:
    meeting = plan(s.world, s.council, days=days)
    services.mark_held(meeting, by=s.world.secretary)
    case(s.world, s.council, meeting, title=f"Sak {days}", owner_person=s.owner)
    services.record_attendance(meeting, person=s.kari.user, by=s.world.secretary)
    return meeting


def build_extra(s: Scene) -> Extra:
    world = s.world
    sent = _held(s, -20)
    services.send_minutes_for_comments(
        services.start_minutes(sent, by=world.secretary),
        deadline=TODAY + timedelta(days=7),
        by=world.secretary,
    )
    approved = _held(s, -30)
    services.approve_minutes(
        services.start_minutes(approved, by=world.secretary), by=world.secretary
    )
    group = make_council(world, name="Arbeidsgruppe for ventetid")
    call = open_call(world, group, seats=list(group.seats.all())[:1])
    nomination = nominate(world, call, candidate(world, "Nina Kandidat"))
    invitation = Invitation(
        email="ny.sekretaer@example.no",
        organisation=world.hf,
        role=StaffRole.Role.SECRETARIAT,
        invited_by=world.administrator,
    )
    token = invitation.new_token()
    invitation.save()
    engagement = ExternalEngagement(
        representative=s.kari, title="Styremedlem", organisation_name="Foreningen", starts_on=TODAY
    )
    rep_services.save_engagement(engagement, by=s.kari.user)
    employment = EmploymentDeclaration(
        representative=s.kari, employer_name="Testby HF", position="Sykepleier", starts_on=TODAY
    )
    rep_services.save_employment(employment, by=s.kari.user)
    return Extra(
        sent=sent,
        approved=approved,
        bare=_held(s, -40),
        group=group,
        call=call,
        nomination=nomination,
        term=Term.objects.get(representative=s.kari, seat__body=s.council),
        invitation_token=token,
        engagement=engagement,
        employment=employment,
        area=ExperienceArea.objects.create(name_nb="Rus", name_en="Substance use"),
    )


def pages(s: Scene, x: Extra) -> dict[str, Page]:
    w, kari = s.world, s.kari.user
    held, up = s.held, s.upcoming
    advice_case = s.advice_case
    same: Callable[[Any, str], Page] = lambda person, url: Page(person, url, url)  # noqa: E731
    token_url = reverse("absence_link", args=[absence_token(up, kari)])
    return {
        # meetings
        "meeting_create": same(w.secretary, reverse("meeting_create", args=[s.council.pk])),
        "case_create": same(w.secretary, reverse("case_create", args=[up.pk])),
        "paper_upload": same(w.secretary, reverse("paper_upload", args=[up.pk])),
        "meeting_edit": same(w.secretary, reverse("meeting_edit", args=[up.pk])),
        "case_edit": same(w.secretary, reverse("case_edit", args=[s.open_case.pk])),
        "proposal_accept": Page(
            w.secretary,
            reverse("proposal_inbox", args=[s.council.pk]),
            reverse("proposal_accept", args=[s.proposal.pk]),
        ),
        "case_propose": same(kari, reverse("case_propose")),
        "my_meeting_absence": Page(
            kari, reverse("my_meetings"), reverse("my_meeting_absence", args=[up.pk])
        ),
        "absence_link": same(None, token_url),
        "minutes_start": Page(
            w.secretary,
            reverse("minutes_edit", args=[x.bare.pk]),
            reverse("minutes_start", args=[x.bare.pk]),
        ),
        "minutes_advice": Page(
            w.secretary,
            reverse("minutes_edit", args=[held.pk]),
            reverse("minutes_advice", args=[held.pk, advice_case.pk]),
        ),
        "minutes_dissent": Page(
            w.secretary,
            reverse("minutes_edit", args=[held.pk]),
            reverse("minutes_dissent", args=[held.pk, advice_case.pk]),
        ),
        "minutes_comment": same(kari, reverse("minutes_comment", args=[x.sent.pk])),
        "minutes_correct": same(w.secretary, reverse("minutes_correct", args=[x.approved.pk])),
        "advice_detail": same(s.owner, reverse("advice_detail", args=[s.advice.pk])),
        # bodies
        "body_create": Page(
            w.administrator, f"{reverse('body_create')}?eier={w.hf.pk}", reverse("body_create")
        ),
        "body_edit": same(w.secretary, reverse("body_edit", args=[x.group.pk])),
        "call_create": same(w.secretary, reverse("call_create", args=[x.group.pk])),
        "call_for_vacancy": Page(
            w.secretary,
            reverse("body_detail", args=[x.group.pk]),
            reverse(
                "call_for_vacancy",
                args=[x.group.pk, body_services.vacant_seats(x.group)[-1].pk],
            ),
        ),
        "nomination_appoint": Page(
            w.secretary,
            reverse("call_detail", args=[x.call.pk]),
            reverse("nomination_appoint", args=[x.nomination.pk]),
        ),
        "term_end": same(w.secretary, reverse("term_end", args=[x.term.pk])),
        "participation_call": same(w.coordinator, reverse("participation_call", args=[x.call.pk])),
        "participation_resign": same(kari, reverse("participation_resign", args=[x.term.pk])),
        "participation_delete_me": same(kari, reverse("participation_delete_me")),
        # organisations
        "organisation_create": same(w.superuser, reverse("organisation_create")),
        "organisation_add_unit": same(
            w.administrator, reverse("organisation_add_unit", args=[w.hf.pk])
        ),
        "organisation_edit": same(w.administrator, reverse("organisation_edit", args=[w.hf.pk])),
        "organisation_invite": same(
            w.administrator, reverse("organisation_invite", args=[w.hf.pk])
        ),
        "invitation_accept": same(None, reverse("invitation_accept", args=[x.invitation_token])),
        # representatives
        "representative_register": same(w.coordinator, reverse("representative_register")),
        "my_profile_edit": same(kari, reverse("my_profile_edit")),
        "my_employment_add": same(kari, reverse("my_employment_add")),
        "my_employment_edit": same(kari, reverse("my_employment_edit", args=[x.employment.pk])),
        "my_employment_end": same(kari, reverse("my_employment_end", args=[x.employment.pk])),
        "my_engagement_add": same(kari, reverse("my_engagement_add")),
        "my_engagement_edit": same(kari, reverse("my_engagement_edit", args=[x.engagement.pk])),
        "experience_area_create": same(w.administrator, reverse("experience_area_create")),
        "experience_area_edit": same(
            w.administrator, reverse("experience_area_edit", args=[x.area.pk])
        ),
    }


def forms_on(content: str, page_url: str) -> list[tuple[str, bool]]:
    """(where it posts, carries the token) for every POST form of the page."""
    found = []
    for attrs, body in _FORM.findall(content):
        if 'method="post"' not in attrs.lower():
            continue
        action = _ACTION.search(attrs)
        target = html.unescape(action.group(1)) if action and action.group(1) else page_url
        found.append((target.split("?")[0], f'name="{FIELD}"' in body))
    return found


def test_every_protected_view_has_a_page_here(world) -> None:
    s = build_scene(world)
    assert protected_views() == set(pages(s, build_extra(s)))


def test_every_create_form_renders_with_the_one_time_token(world) -> None:
    s = build_scene(world)
    x = build_extra(s)
    problems = []
    for name, page in pages(s, x).items():
        client = Client()
        if page.person is not None:
            client.force_login(page.person)
        response = client.get(page.url)
        if response.status_code != 200:
            problems.append(f"{name}: GET {page.url} gave {response.status_code}")
            continue
        forms = forms_on(response.content.decode(), page.url.split("?")[0])
        if (page.action, True) not in forms:
            problems.append(f"{name}: no form posting to {page.action} with the token {forms}")
        for target, has_token in forms:
            if has_token and not getattr(resolve(target).func, "once_per_form", False):
                problems.append(f"{name}: {target} gets a token but is not @once_per_form")
    assert not problems, "\n".join(problems)
