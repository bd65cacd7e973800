"""The public list of open calls for candidates: open calls on public bodies, what they seek,
and nothing about who has been nominated."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from medvirke.bodies import services
from medvirke.bodies.models import Body, Call
from medvirke.bodies.tests.participation_support import candidate, nominate

from .support import TODAY, make_council, text

pytestmark = pytest.mark.django_db


def call_for(world, body: Body, *, days: int = 14, profile: str = "") -> Call:
    call = services.open_call(
        body=body,
        seats=[body.seats.get(role="member", rank=1), body.seats.get(role="member", rank=2)],
        deadline=TODAY + timedelta(days=days),
        recipients=[world.user_org],
        by=world.secretary,
        profile_wanted=profile,
    )
    return call


def test_open_call_is_shown_with_body_seats_deadline_and_profile(client, world) -> None:
    body = make_council(world)
    call_for(world, body, profile="Erfaring fra rusbehandling")
    page = text(client.get(reverse("portal_call_list")))
    assert body.name in page
    assert reverse("portal_body_detail", args=[body.pk]) in page
    assert f"{TODAY + timedelta(days=14):%d.%m.%Y}" in page
    assert "Erfaring fra rusbehandling" in page
    assert world.user_org.name in page  # whom to contact


def test_closed_and_expired_calls_are_not_shown(client, world) -> None:
    closed = call_for(world, make_council(world, "Lukket utvalg"))
    Call.objects.filter(pk=closed.pk).update(closed_at=timezone.now())
    expired = call_for(world, make_council(world, "Utløpt utvalg"))
    Call.objects.filter(pk=expired.pk).update(deadline=TODAY - timedelta(days=1))
    page = text(client.get(reverse("portal_call_list")))
    assert "Lukket utvalg" not in page
    assert "Utløpt utvalg" not in page


def test_calls_on_non_public_or_ended_bodies_are_not_shown(client, world) -> None:
    call_for(world, make_council(world, "Hemmelig gruppe", is_public=False))
    ended = make_council(world, "Nedlagt utvalg")
    call_for(world, ended)
    Body.objects.filter(pk=ended.pk).update(ended_on=TODAY)
    page = text(client.get(reverse("portal_call_list")))
    assert "Hemmelig gruppe" not in page
    assert "Nedlagt utvalg" not in page


def test_no_nominee_data_on_the_calls_page(client, world) -> None:
    body = make_council(world)
    call = call_for(world, body)
    nominate(world, call, candidate(world, "Kandidat Karlsen"))
    page = text(client.get(reverse("portal_call_list")))
    assert body.name in page
    for private in ["Kandidat Karlsen", "kandidat.karlsen", "Lang erfaring"]:
        assert private not in page, private
    assert "Kandidat Karlsen" not in text(client.get(reverse("portal_body_detail", args=[body.pk])))


def test_seats_sought_are_summed_by_role(client, world) -> None:
    call_for(world, make_council(world))
    response = client.get(reverse("portal_call_list"))
    [(_call, seats)] = response.context["calls"]
    assert [count for _role, count in seats] == [2]
