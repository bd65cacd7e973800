"""A calendar address is a secret key that a password change never touched: someone who copied
it while they knew the person's password kept reading the meetings (with their video links)
after the password was changed or reset, and a closed account's address worked again once the
account was reopened. Now the person is offered, on the page they land on, to reset every
address their login shows, and closing an account resets its address."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from medvirke.core.testing import PASSWORD
from medvirke.meetings.models import CalendarFeed

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "ny-lang-passordfrase-for-kari-2026"


def feed_url(feed: CalendarFeed) -> str:
    return reverse("calendar_feed", args=[feed.token])


def make_my_feed(client: Client, user) -> CalendarFeed:
    client.force_login(user)
    client.post(reverse("my_calendar"))
    return CalendarFeed.objects.get(user=user)


def test_attack_calendar_feed_survives_a_password_change(client, world, council, meeting) -> None:
    kari = council.members[0].user
    kari.set_password(PASSWORD)  # representatives are invited without one
    kari.save(update_fields=["password"])
    stolen = feed_url(make_my_feed(client, kari))
    attacker = Client()
    assert attacker.get(stolen).status_code == 200

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    page = response.content.decode()
    assert "kalenderadressene dine virker fortsatt" in page  # the notice, in Bokmål
    assert reverse("my_calendar") + "#tilbakestill" in page

    calendar_page = client.get(reverse("my_calendar")).content.decode()
    assert 'id="tilbakestill"' in calendar_page
    assert "Tilbakestill kalenderlenkene mine" in calendar_page
    response = client.post(reverse("my_calendars_reset"), follow=True)
    assert "De gamle adressene virker ikke lenger" in response.content.decode()

    assert attacker.get(stolen).status_code == 404
    assert client.get(feed_url(CalendarFeed.objects.get(user=kari))).status_code == 200


def test_attack_calendar_feeds_survive_a_password_reset(client, world, council, meeting) -> None:
    """The secretary's own address and the address of the body they run both change."""
    secretary = world.secretary
    own = feed_url(make_my_feed(client, secretary))
    client.post(reverse("body_calendar", args=[council.body.pk]))
    body = feed_url(CalendarFeed.objects.get(body=council.body))
    client.logout()

    client.post(reverse("account_reset_password"), {"email": secretary.email})
    link = re.search(r"https?://[^/\s]+(/konto/password/reset/key/\S+/)", str(mail.outbox[-1].body))
    assert link is not None
    form = client.get(link.group(1), follow=True)
    response = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link.group(1),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert "kalenderadressene dine virker fortsatt" in response.content.decode()

    assert client.login(email=secretary.email, password=NEW_PASSWORD)
    page = client.get(reverse("my_calendar")).content.decode()
    assert "kalenderne til utvalgene du er sekretariat for" in page  # it says bodies change too
    client.post(reverse("my_calendars_reset"))
    attacker = Client()
    assert attacker.get(own).status_code == 404
    assert attacker.get(body).status_code == 404


def test_attack_calendar_feed_works_again_when_a_closed_account_is_reopened(
    client, world, council, meeting
) -> None:
    kari = council.members[0].user
    stolen = feed_url(make_my_feed(client, kari))
    client.logout()
    kari.is_active = False
    kari.save(update_fields=["is_active"])
    assert client.get(stolen).status_code == 404
    kari.is_active = True
    kari.save(update_fields=["is_active"])
    assert client.get(stolen).status_code == 404
    assert client.get(feed_url(CalendarFeed.objects.get(user=kari))).status_code == 200


def test_attack_calendar_reset_cannot_touch_someone_elses_address(
    client, world, council, meeting
) -> None:
    kari, ola = council.members[0].user, council.members[1].user
    karis = feed_url(make_my_feed(client, kari))
    client.force_login(ola)
    assert client.get(reverse("my_calendars_reset")).status_code == 405  # a POST only
    client.post(reverse("my_calendars_reset"))
    assert Client().get(karis).status_code == 200
    client.logout()
    response = client.post(reverse("my_calendars_reset"))
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_no_notice_for_a_person_without_calendar_addresses(client, world) -> None:
    client.force_login(world.outsider)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert "kalenderadressene dine" not in response.content.decode()
