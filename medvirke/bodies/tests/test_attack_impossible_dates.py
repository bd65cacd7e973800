"""Issue 11, point 9: a call for candidates with its deadline in year 9999 (or a term that runs
until then) was accepted; every date a person types is now bounded (core/forms.py)."""

import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medvirke.bodies import services
from medvirke.bodies.models import Call

from .participation_support import make_council

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("typed", ["9999-12-31", "2206-05-01"])
def test_attack_call_deadline_in_year_9999_is_refused_next_to_the_field(
    world: Any, typed: str
) -> None:
    body = make_council(world)
    seat = services.vacant_seats(body)[0]
    response = _client(world.secretary).post(
        reverse("call_create", args=[body.pk]),
        {
            "seats": [seat.pk],
            "deadline": typed,
            "recipients": [world.user_org.pk],
            "profile_wanted": "Erfaring fra psykisk helsevern",
        },
    )
    page = html.unescape(response.content.decode())
    error = page.split('id="id_deadline_error">', 1)[1].split("</div>", 1)[0]
    assert "Datoen må være mellom" in error
    assert f'value="{typed}"' in page and "Erfaring fra psykisk helsevern" in page
    assert not Call.objects.filter(body=body).exists()
