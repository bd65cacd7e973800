"""The public council pages: the list (active public bodies only, filters, pages) and a
council's page (mandate, ladder step, and only what consenting members agreed to show)."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from medvirke.bodies.models import Body, Seat, Term
from medvirke.bodies.tests.participation_support import open_call
from medvirke.representatives.models import Representative
from medvirke.representatives.tests.factories import with_health_data

from .support import TODAY, council_with_members, make_council, member, text, unnamed_note

pytestmark = pytest.mark.django_db


def detail(client: Any, body: Body) -> str:
    return text(client.get(reverse("portal_body_detail", args=[body.pk])))


# --- a council's page --------------------------------------------------------------------------


def test_anonymous_sees_consenting_members_name_role_organisation_and_term(client, world) -> None:
    body = council_with_members(world)
    page = detail(client, body)
    assert body.mandate.split("\n")[0] in page
    assert body.ladder_justification in page
    assert str(Body.LadderStep(2).label) in page
    assert world.hf.name in page
    row = page.split("Kari Nordmann", 1)[1].split("</tr>", 1)[0]
    assert str(Seat.Role.MEMBER.label) in row
    assert world.user_org.name in row
    assert f"{TODAY:%d.%m.%Y}–{TODAY + timedelta(days=730):%d.%m.%Y}" in row
    deputy_row = page.split("Per Hansen", 1)[1].split("</tr>", 1)[0]
    assert f"{Seat.Role.DEPUTY.label} 1" in deputy_row


def test_non_consenting_member_is_counted_but_never_named(client, world) -> None:
    body = council_with_members(world)
    page = detail(client, body)
    assert "Nils Skjult" not in page
    assert "nils.skjult" not in page
    assert unnamed_note(1) in page


def test_only_unnamed_members_get_their_own_sentence(client, world) -> None:
    body = make_council(world)
    member(world, body, "Nils Skjult", consent=False)
    member(world, body, "Nora Skjult", consent=False, rank=2)
    page = detail(client, body)
    assert "Skjult" not in page
    assert unnamed_note(2, with_named=False) in page


def test_no_health_contact_or_profile_data_on_the_council_page(client, world) -> None:
    body = council_with_members(world)
    kari = Representative.objects.get(user__full_name="Kari Nordmann")
    with_health_data(kari, ["Psykisk helse"], "Har hatt angst i mange år")
    Representative.objects.filter(pk=kari.pk).update(
        birth_year=1961, availability="Kun kveldstid", languages=["se"]
    )
    page = detail(client, body)
    assert "Kari Nordmann" in page
    for private in [
        "Har hatt angst",
        "Psykisk helse",
        kari.user.email,
        "@example.no",
        "1961",
        "Kun kveldstid",
        "Lang erfaring",
    ]:
        assert private not in page, private


def test_consenting_member_without_a_name_is_not_shown_by_email(client, world) -> None:
    body = make_council(world)
    term = member(world, body, "Uten Navn", consent=True)
    type(term.representative.user).objects.filter(pk=term.representative.user_id).update(
        full_name=""
    )
    page = detail(client, body)
    assert "uten.navn@example.no" not in page
    assert unnamed_note(1, with_named=False) in page


def test_anonymised_member_is_not_named_even_with_consent(client, world) -> None:
    body = make_council(world)
    term = member(world, body, "Slettet Person", consent=True)
    Representative.objects.filter(pk=term.representative_id).update(deleted_at=timezone.now())
    assert "Slettet Person" not in detail(client, body)


def test_past_and_future_terms_are_not_current_members(client, world) -> None:
    body = make_council(world)
    member(
        world,
        body,
        "Gammel Medlem",
        consent=True,
        starts_on=TODAY - timedelta(days=800),
        ends_on=TODAY - timedelta(days=70),
        ended_on=TODAY - timedelta(days=70),
        end_reason=Term.EndReason.TERM_END,
    )
    member(world, body, "Ny Medlem", consent=True, rank=2, starts_on=TODAY + timedelta(days=10))
    page = detail(client, body)
    assert "Gammel Medlem" not in page
    assert "Ny Medlem" not in page


def test_non_public_body_is_404_for_everybody(client, world) -> None:
    body = council_with_members(world, is_public=False)
    url = reverse("portal_body_detail", args=[body.pk])
    assert client.get(url).status_code == 404
    for person in [world.secretary, world.administrator, world.superuser]:
        client.force_login(person)
        assert client.get(url).status_code == 404, person
    assert "Kari Nordmann" not in client.get(url).content.decode()


def test_ended_body_is_404_and_unknown_body_is_404(client, world) -> None:
    body = make_council(world)
    Body.objects.filter(pk=body.pk).update(ended_on=TODAY)
    assert client.get(reverse("portal_body_detail", args=[body.pk])).status_code == 404
    assert client.get(reverse("portal_body_detail", args=[body.pk + 99])).status_code == 404


def test_council_page_shows_its_open_calls_without_nominees(client, world) -> None:
    body = make_council(world)
    open_call(world, body, seats=[body.seats.get(role="member", rank=1)])
    page = detail(client, body)
    assert f"{TODAY + timedelta(days=14):%d.%m.%Y}" in page
    assert reverse("portal_call_list") in page


def test_portal_is_read_only(client, world) -> None:
    body = council_with_members(world)
    for url in [reverse("portal_home"), reverse("portal_body_detail", args=[body.pk])]:
        assert client.post(url).status_code == 405
        assert client.head(url).status_code == 200


# --- the list ------------------------------------------------------------------------------


def test_list_shows_active_public_bodies_with_kind_owner_and_ladder_step(client, world) -> None:
    make_council(world, "Brukerutvalget i Testby HF")
    make_council(world, "Hemmelig gruppe", is_public=False)
    ended = make_council(world, "Nedlagt utvalg")
    Body.objects.filter(pk=ended.pk).update(ended_on=TODAY)
    page = text(client.get(reverse("portal_body_list")))
    assert "Brukerutvalget i Testby HF" in page
    assert str(Body.Kind.TRUST_COUNCIL.label) in page
    assert world.hf.name in page
    assert str(Body.LadderStep(2).label) in page
    assert "Hemmelig gruppe" not in page
    assert "Nedlagt utvalg" not in page


def test_list_filters_by_kind_owner_and_name(client, world) -> None:
    make_council(world, "Brukerutvalget i Testby HF")
    make_council(world, "Ungdomsrådet", kind=Body.Kind.YOUTH_COUNCIL)
    make_council(world, "Brukerutvalget i Annenby HF", owner=world.other_hf)
    url = reverse("portal_body_list")

    def names(query: str) -> set[str]:
        response = client.get(url + query)
        assert response.status_code == 200
        return {body.name for body in response.context["page"].object_list}

    assert names("") == {
        "Brukerutvalget i Testby HF",
        "Ungdomsrådet",
        "Brukerutvalget i Annenby HF",
    }
    assert names("?type=youth_council") == {"Ungdomsrådet"}
    assert names(f"?eier={world.other_hf.pk}") == {"Brukerutvalget i Annenby HF"}
    assert names("?q=testby") == {"Brukerutvalget i Testby HF"}
    # The owner filter offers only owners of public bodies.
    choices = dict(client.get(url).context["form"].fields["eier"].choices)
    assert set(choices) == {"", world.hf.pk, world.other_hf.pk}


def test_bad_filter_value_is_reported_and_ignored(client, world) -> None:
    make_council(world)
    response = client.get(reverse("portal_body_list") + "?type=nonsense")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1
    assert 'aria-invalid="true"' in text(response)


def test_list_is_paginated_keeping_the_filters(client, world) -> None:
    for i in range(30):
        make_council(world, f"Gruppe {i:02}", kind=Body.Kind.USER_GROUP)
    response = client.get(reverse("portal_body_list") + "?type=user_group")
    assert len(response.context["page"].object_list) == 25
    assert "?type=user_group&amp;side=2" in response.content.decode()
    second = client.get(reverse("portal_body_list") + "?type=user_group&side=2")
    assert len(second.context["page"].object_list) == 5


# --- the landing page and what outsiders can reach ---------------------------------------------


def test_landing_page_links_the_public_pages(client, world) -> None:
    page = text(client.get(reverse("portal_home")))
    for name in ["portal_body_list", "portal_call_list", "portal_organisation_list"]:
        assert f'href="{reverse(name)}"' in page


def test_anonymous_reaches_every_public_page_but_not_the_staff_pages(client, world) -> None:
    body = council_with_members(world)
    for url in [
        reverse("portal_home"),
        reverse("portal_body_list"),
        reverse("portal_body_detail", args=[body.pk]),
        reverse("portal_call_list"),
        reverse("portal_organisation_list"),
    ]:
        assert client.get(url).status_code == 200, url
    for url in [reverse("body_list"), reverse("body_detail", args=[body.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and "/konto/login/" in response["Location"], url


def test_logged_in_people_see_the_same_council_page(client, world) -> None:
    body = council_with_members(world)
    client.force_login(world.secretary)
    page = detail(client, body)
    assert "Kari Nordmann" in page
    assert "Nils Skjult" not in page
