"""Notices read as whole sentences in each recipient's language: counts take the singular or
plural form ("1 seat", "3 seats"), and the role someone is appointed to is part of a sentence
written for that role, never a label pasted into the middle of one."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import ngettext_lazy, trans_real

from medvirke.bodies import services
from medvirke.bodies.models import Seat, Term
from medvirke.core.models import Notification
from medvirke.core.notify import notify, send_digests

from .participation_support import (
    TODAY,
    appoint,
    candidate,
    council_fixture,  # noqa: F401 (fixture)
    make_council,
    nominate,
    open_call,
)

pytestmark = pytest.mark.django_db

SEATS_SINGULAR = (
    "%(owner)s asks for candidates to %(body)s (%(seats)s seat). Nominate approved "
    "representatives by %(deadline)s."
)


def in_english(*users) -> None:
    for user in users:
        user.language = "en"
        user.save()


def latest_for(user) -> Notification:
    return Notification.objects.filter(user=user).latest("pk")


@pytest.mark.parametrize(("seats", "expected"), [(1, "(1 seat)"), (3, "(3 seats)")])
def test_a_call_counts_its_seats_in_the_singular_or_plural(world, seats, expected) -> None:
    in_english(world.coordinator)
    body = make_council(world, member_seats=3)
    open_call(world, body, seats=list(body.seats.filter(role="member"))[:seats])
    assert expected in latest_for(world.coordinator).body


def test_a_reminder_counts_its_days_in_the_singular_or_plural(world, council) -> None:
    in_english(world.coordinator)
    for name, days in (("Kari Nordmann", 1), ("Ola Nordmann", 30)):
        term = appoint(world, nominate(world, open_call(world, council), candidate(world, name)))
        Term.objects.filter(pk=term.pk).update(
            starts_on=TODAY - timedelta(days=700), ends_on=TODAY + timedelta(days=days)
        )
    call_command("remind_expiring_terms")
    subjects = set(
        Notification.objects.filter(
            user=world.coordinator, key__startswith="term-expiry"
        ).values_list("subject", flat=True)
    )
    assert f"Term ends in 1 day: Kari Nordmann, {council.name}" in subjects
    assert f"Term ends in 30 days: Ola Nordmann, {council.name}" in subjects


@pytest.mark.parametrize(
    ("role", "yours", "theirs"),
    [
        (Seat.Role.MEMBER, "has appointed you a member of", ", a member of"),
        (Seat.Role.DEPUTY, "has appointed you a deputy member of", ", a deputy member of"),
    ],
)
def test_an_appointment_names_the_role_in_a_sentence_written_for_it(
    world, council, role, yours, theirs
) -> None:
    kari = candidate(world, "Kari Nordmann")
    in_english(kari.user, world.coordinator)
    seat = council.seats.get(role=role, rank=1)
    appoint(world, nominate(world, open_call(world, council, seats=[seat]), kari), seat=seat)
    to_kari = latest_for(kari.user).body
    with translation.override("en"):
        label = seat.get_role_display()
    assert yours in to_kari and f"Seat: {label} 1." in to_kari
    assert theirs in latest_for(world.coordinator).body


def test_every_role_has_its_own_sentence() -> None:
    with translation.override("en"):
        for texts in services.ROLE_TEXTS.values():
            assert set(texts) == set(Seat.Role.values)
            assert len({str(text) for text in texts.values()}) == len(Seat.Role.values)
        appointed = services.ROLE_TEXTS["appointed_you"]
        assert "appointed you leader of" in str(appointed[Seat.Role.LEADER])
        assert "appointed you an observer in" in str(appointed[Seat.Role.OBSERVER])


def test_a_deputy_stepping_in_is_told_in_a_sentence_for_the_seat(world) -> None:
    body = make_council(world, member_seats=1, deputy_seats=1)
    kari, ola = candidate(world, "Kari Nordmann"), candidate(world, "Ola Nordmann")
    in_english(ola.user)
    member = body.seats.get(role="member")
    deputy = body.seats.get(role="deputy")
    kari_call = open_call(world, body, seats=[member])
    term = appoint(world, nominate(world, kari_call, kari), seat=member)
    appoint(world, nominate(world, open_call(world, body, seats=[deputy]), ola), seat=deputy)
    services.end_term(term, reason=Term.EndReason.RESIGNED, by=kari.user)
    assert latest_for(ola.user).subject == f"You have stepped in as a member of {body.name}"


def test_a_daily_digest_counts_its_notifications(world) -> None:
    in_english(world.coordinator)
    world.coordinator.notification_mode = Notification.Mode.DAILY
    world.coordinator.save()
    notify([world.coordinator], "First")
    send_digests()
    notify([world.coordinator], "Second")
    notify([world.coordinator], "Third")
    notify([world.coordinator], "Fourth")
    send_digests()
    assert [m.subject for m in mail.outbox] == [
        "[Medvirke] 1 new notification",
        "[Medvirke] 3 new notifications",
    ]


def test_notify_keeps_counts_as_numbers_for_the_plural_choice(world) -> None:
    in_english(world.coordinator)
    text = ngettext_lazy("%(n)s nomination", "%(n)s nominations", "n")
    one, three = (notify([world.coordinator], text, params={"n": n})[0] for n in (1, 3))
    assert (one.subject, three.subject) == ("1 nomination", "3 nominations")


SEATS_PLURAL = SEATS_SINGULAR.replace("seat)", "seats)")


@pytest.mark.parametrize("seats", [1, 3])
def test_in_bokmal_one_and_three_seats_read_differently(world, seats) -> None:
    catalog = trans_real.translation("nb")._catalog  # type: ignore[attr-defined]
    assert (SEATS_SINGULAR, 0) in catalog, "the call notice is not translated to Bokmål"
    body = make_council(world, member_seats=3)
    open_call(world, body, seats=list(body.seats.filter(role="member"))[:seats])
    with translation.override("nb"):
        assert translation.ngettext(SEATS_SINGULAR, SEATS_PLURAL, 1) != translation.ngettext(
            SEATS_SINGULAR, SEATS_PLURAL, 3
        )
        expected = translation.ngettext(SEATS_SINGULAR, SEATS_PLURAL, seats) % {
            "owner": body.owner,
            "body": body,
            "seats": seats,
            "deadline": f"{TODAY + timedelta(days=14):%d.%m.%Y}",
        }
    # The coordinator reads Bokmål, the default language.
    assert latest_for(world.coordinator).body == expected
