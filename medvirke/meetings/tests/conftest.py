"""A council with three members and two ranked deputies, and a meeting in two weeks."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
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
from medvirke.core.models import Notification
from medvirke.meetings import services
from medvirke.meetings.models import Case, Meeting
from medvirke.representatives.models import Representative


@dataclass
class Council:
    body: Body
    members: list[Representative]
    deputies: list[Representative]  # in rank order


def seat_council(world: Any, members: int = 3, deputies: int = 2) -> Council:
    body = make_council(world, member_seats=members, deputy_seats=deputies)
    call = open_call(world, body, seats=list(body.seats.all()))
    people: dict[str, list[Representative]] = {"member": [], "deputy": []}
    names = {
        "member": ["Kari Medlem", "Ola Medlem", "Per Medlem"],
        "deputy": ["Dag Vara", "Siv Vara"],
    }
    for role, count in (("member", members), ("deputy", deputies)):
        for rank in range(1, count + 1):
            rep = candidate(world, names[role][rank - 1])
            body_services.appoint(
                nominate(world, call, rep),
                seat=body.seats.get(role=role, rank=rank),
                starts_on=TODAY,
                ends_on=TODAY + timedelta(days=730),
                by=world.secretary,
            )
            people[role].append(rep)
    Notification.objects.all().delete()  # the appointments' notices; tests count their own
    return Council(body=body, members=people["member"], deputies=people["deputy"])


def at(days: int, hour: int = 10) -> datetime:
    """A local time `days` from today."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def plan(world: Any, body: Body, days: int = 7, **kw: Any) -> Meeting:
    return services.plan_meeting(
        body, starts_at=at(days, 10), ends_at=at(days, 14), by=world.secretary, place="Rom 1", **kw
    )


def case(world: Any, body: Body, meeting: Meeting | None = None, **kw: Any) -> Case:
    kw.setdefault("title", "Ny ventetidsordning")
    kw.setdefault("kind", Case.Kind.ADVICE)
    kw.setdefault("no_individual_patient", True)
    kw.setdefault("owner_person", world.case_handler)
    return services.add_case(body, meeting=meeting, by=world.secretary, **kw)


@pytest.fixture(name="council")
def council_fixture(world: Any) -> Council:
    return seat_council(world)


@pytest.fixture(name="meeting")
def meeting_fixture(world: Any, council: Council) -> Meeting:
    return plan(world, council.body, days=14)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
