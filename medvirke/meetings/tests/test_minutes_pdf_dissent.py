"""Dissent in the minutes PDF: the full version names every dissenting member; the public
version names only those who consented to being named in public (the consent the public pages
use) and says "a member" for the others, with their words kept."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from medvirke.bodies.tests.pdftext import pdf_text
from medvirke.meetings import services
from medvirke.meetings.models import Case, Meeting
from medvirke.representatives.models import Representative

from .conftest import case

pytestmark = pytest.mark.django_db

KARI_SAYS = "Ventetiden er for lang."
OLA_SAYS = "Tilbudet bør gjelde hele fylket."


def words(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf).split())


def english(message: str, **params: Any) -> str:
    with translation.override("en"):
        return translation.gettext(message) % params if params else translation.gettext(message)


@pytest.fixture(name="dissenting")
def dissenting_fixture(world: Any, council: Any, meeting: Meeting) -> Case:
    """Kari (who consented to being named in public) and Ola (who did not) dissent; the
    minutes are approved and published."""
    sak = case(world, council.body, meeting, title="Ny ventetidsordning")
    kari, ola = council.members[0], council.members[1]
    Representative.objects.filter(pk=kari.pk).update(public_consent=True)
    Representative.objects.filter(pk=ola.pk).update(public_consent=False)
    minutes = services.start_minutes(meeting, by=world.secretary)
    services.update_minutes(
        minutes, by=world.secretary, expected_version=None, conclusions={sak.pk: "Støttet."}
    )
    for rep, said in ((kari, KARI_SAYS), (ola, OLA_SAYS)):
        services.add_dissent(minutes, case=sak, person=rep.user, text=said, by=world.secretary)
    services.approve_minutes(minutes, by=world.secretary)
    services.publish_minutes(minutes, by=world.secretary)
    return sak


def reader(user: Any) -> Client:
    type(user).objects.filter(pk=user.pk).update(language="en")
    client = Client()
    client.force_login(user)
    return client


def test_the_full_minutes_name_every_dissenting_member(
    world: Any, council: Any, meeting: Meeting, dissenting: Case
) -> None:
    pdf = reader(world.secretary).get(reverse("minutes_full_pdf", args=[meeting.pk])).content
    assert pdf.startswith(b"%PDF")
    text = words(pdf)
    for rep, said in ((council.members[0], KARI_SAYS), (council.members[1], OLA_SAYS)):
        assert english("Dissent from %(person)s", person=rep.user.display_name) in text
        assert said in text
    assert english("Dissent from a member") not in text


def test_the_public_minutes_name_only_members_who_consented(
    world: Any, council: Any, meeting: Meeting, dissenting: Case
) -> None:
    pdf = reader(world.outsider).get(reverse("minutes_public_pdf", args=[meeting.pk])).content
    assert pdf.startswith(b"%PDF")
    text = words(pdf)
    kari, ola = council.members[0].user, council.members[1].user
    assert english("Dissent from %(person)s", person=kari.display_name) in text
    assert ola.display_name not in text
    assert english("Dissent from a member") in text
    assert KARI_SAYS in text and OLA_SAYS in text  # the dissent itself is never left out


def test_an_anonymised_member_is_not_named_even_with_consent(
    world: Any, council: Any, meeting: Meeting, dissenting: Case
) -> None:
    Representative.objects.filter(pk=council.members[0].pk).update(deleted_at=timezone.now())
    pdf = reader(world.outsider).get(reverse("minutes_public_pdf", args=[meeting.pk])).content
    text = words(pdf)
    assert council.members[0].user.display_name not in text
    assert text.count(english("Dissent from a member")) == 2
