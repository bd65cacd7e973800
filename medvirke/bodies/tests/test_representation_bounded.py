"""The page "where we are represented" at a big organisation's size: a page of seats and a
few calls, whatever the number of rows, with the totals over all of them."""

import pytest
from django.urls import reverse

from .test_participation_coordinator import grow

pytestmark = pytest.mark.django_db


def test_representation_shows_one_page_of_seats_and_ten_calls_at_1000_rows(client, world) -> None:
    grow(world, 1000)
    client.force_login(world.coordinator)
    response = client.get(reverse("participation_representation"))
    assert response.status_code == 200
    page = response.context["page"]
    assert len(page.object_list) == 50
    assert page.paginator.count == 1000 == response.context["totals"]["seats"]
    assert len(response.context["calls"]) == 10 and response.context["more_calls"]
    assert response.content.decode().count("<tr>") < 100


def test_representation_last_page_shows_the_remaining_seats_sorted(client, world) -> None:
    grow(world, 120)
    client.force_login(world.coordinator)
    response = client.get(reverse("participation_representation"), {"side": 3})
    terms = response.context["page"].object_list
    assert len(terms) == 20
    keys = [(t.seat.body.name, t.seat.role, t.seat.rank, t.pk) for t in terms]
    assert keys == sorted(keys)
