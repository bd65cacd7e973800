"""Issue 11 point 10: two identical POSTs of one form, at once (two workers) or one after the
other (a double click), create one case proposal and one case, and both answers are ordinary
redirects to where the first one went."""

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medvirke.core.once import FIELD
from medvirke.core.testing import nb
from medvirke.core.testing_race import concurrent_database, post_at_once, slowed
from medvirke.meetings import services
from medvirke.meetings.models import Case, CaseProposal, Meeting

from .conftest import Council

SAVED_ONCE = "The form had already been sent. It was saved once."


def token_of(response: Any) -> str:
    match = re.search(rf'name="{FIELD}" value="([^"]+)"', response.content.decode())
    assert match, "the form carries no one-time token"
    return match.group(1)


def proposal_form(client: Client, council: Council) -> dict[str, Any]:
    client.force_login(council.members[0].user)
    page = client.get(reverse("case_propose"))
    return {
        "body": council.body.pk,
        "title": "Parkering ved sykehuset",
        "description": "Det er for få plasser for pasienter.",
        "why": "Mange klager.",
        FIELD: token_of(page),
    }


def case_form(client: Client, world: Any, meeting: Meeting) -> dict[str, Any]:
    client.force_login(world.secretary)
    page = client.get(reverse("case_create", args=[meeting.pk]))
    return {
        "title": "Ventetider i psykisk helsevern",
        "description": "",
        "kind": Case.Kind.ADVICE,
        "owner_unit": world.clinic.pk,
        "owner_person": world.case_handler.pk,
        "phase": Case.Phase.PLANNING,
        "ladder_step": "2",
        "no_individual_patient": "on",
        FIELD: token_of(page),
    }


def messages_after(client: Client, response: Any) -> str:
    return html.unescape(client.get(response["Location"]).content.decode())


# --- at once: two workers ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_attack_two_identical_proposals_at_once_create_one(
    client, world, council, monkeypatch
) -> None:
    data = proposal_form(client, council)
    # The first request is still inside the view when the second arrives.
    monkeypatch.setattr(services, "propose_case", slowed(services.propose_case))
    with concurrent_database():
        responses = post_at_once(client, reverse("case_propose"), data)
        assert [r.status_code for r in responses] == [302, 302]
        assert {r["Location"] for r in responses} == {reverse("my_proposals")}
        assert CaseProposal.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_attack_two_identical_cases_at_once_create_one(
    client, world, council, meeting, monkeypatch
) -> None:
    data = case_form(client, world, meeting)
    monkeypatch.setattr(services, "add_case", slowed(services.add_case))
    with concurrent_database():
        responses = post_at_once(client, reverse("case_create", args=[meeting.pk]), data)
        assert [r.status_code for r in responses] == [302, 302]
        assert len({r["Location"] for r in responses}) == 1
        assert Case.objects.filter(meeting=meeting).count() == 1


@pytest.mark.django_db(transaction=True)
def test_attack_two_identical_cases_racing_unslowed_create_one(
    client, world, council, meeting
) -> None:
    data = case_form(client, world, meeting)
    with concurrent_database():
        responses = post_at_once(client, reverse("case_create", args=[meeting.pk]), data, times=3)
        assert [r.status_code for r in responses] == [302, 302, 302]
        assert Case.objects.filter(meeting=meeting).count() == 1


# --- one after the other: the double click ------------------------------------------------------


@pytest.mark.django_db
def test_attack_double_click_on_a_proposal_creates_one(client, world, council) -> None:
    data = proposal_form(client, council)
    first = client.post(reverse("case_propose"), data)
    second = client.post(reverse("case_propose"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert CaseProposal.objects.count() == 1
    assert nb(SAVED_ONCE) in messages_after(client, second)


@pytest.mark.django_db
def test_attack_double_click_on_a_case_creates_one(client, world, council, meeting) -> None:
    data = case_form(client, world, meeting)
    url = reverse("case_create", args=[meeting.pk])
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Case.objects.filter(meeting=meeting).count() == 1
    assert nb(SAVED_ONCE) in messages_after(client, second)


@pytest.mark.django_db
def test_a_new_rendering_of_the_form_creates_a_second_case(client, world, council, meeting) -> None:
    """Two cases with the same title on purpose: each from its own rendering of the form."""
    url = reverse("case_create", args=[meeting.pk])
    client.post(url, case_form(client, world, meeting))
    client.post(url, case_form(client, world, meeting))
    assert Case.objects.filter(meeting=meeting).count() == 2


@pytest.mark.django_db
def test_a_rejected_form_sent_again_keeps_what_was_typed(client, world, council) -> None:
    data = proposal_form(client, council) | {"title": ""}
    first = client.post(reverse("case_propose"), data)
    assert first.status_code == 200 and not CaseProposal.objects.exists()
    second = client.post(reverse("case_propose"), data)
    assert second.status_code == 200
    assert "Det er for få plasser for pasienter." in html.unescape(second.content.decode())
    third = client.post(reverse("case_propose"), data | {"title": "Parkering"})
    assert third.status_code == 302 and CaseProposal.objects.count() == 1


@pytest.mark.django_db
def test_a_form_from_an_old_tab_without_a_token_still_saves(client, world, council) -> None:
    data = proposal_form(client, council)
    del data[FIELD]
    assert client.post(reverse("case_propose"), data).status_code == 302
    assert CaseProposal.objects.count() == 1
