"""Calendar feeds: valid iCalendar (escaping, folding, UTC, UID), per person and per body,
at secret addresses that can be reset; no case titles in any feed."""

import re
import secrets
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.conf import settings
from django.urls import reverse

from medvirke.core.testing import count_queries
from medvirke.meetings import ical, services
from medvirke.meetings.models import CalendarFeed, Meeting

from . import bulk
from .conftest import at, case, plan

pytestmark = pytest.mark.django_db


def unfold(content: str) -> list[str]:
    """The content lines of an iCalendar text (RFC 5545 3.1)."""
    assert content.endswith("\r\n")
    assert "\n" not in content.replace("\r\n", "")  # every line ends with CRLF
    return content[:-2].replace("\r\n ", "").split("\r\n")


def events(content: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in unfold(content):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT" and current is not None:
            found.append(current)
            current = None
        elif current is not None:
            name, _sep, value = line.partition(":")
            current[name] = value
    return found


def feed_of(client, user) -> str:
    client.force_login(user)
    client.post(reverse("my_calendar"))
    return reverse("calendar_feed", args=[CalendarFeed.objects.get(user=user).token])


# --- the writer (the icalendar package, with our control-character rule) --------------------

WHEN = datetime(2031, 3, 4, 10, 0, tzinfo=UTC)


def one_event(summary: str = "Møte", location: str = "", url: str = "") -> dict[str, str]:
    event = ical.Event(
        uid="meeting-1@medvirke",
        starts_at=WHEN,
        ends_at=WHEN + timedelta(hours=2),
        summary=summary,
        location=location,
        url=url,
    )
    [found] = events(ical.calendar("Rådet", [event], now=WHEN))
    return found


def test_text_is_escaped() -> None:
    found = one_event(summary="a,b;c\\d\ne\r\nf bell\x07", location="Rom 1, 2. etg.")
    assert found["SUMMARY"] == "a\\,b\\;c\\\\d\\ne\\nf bell"
    assert found["LOCATION"] == "Rom 1\\, 2. etg."
    assert "URL" not in found and "DESCRIPTION" not in found  # empty fields are left out


def test_a_url_loses_line_breaks_instead_of_breaking_the_feed() -> None:
    assert one_event(url="https://medvirke.example/m\r\n/1")["URL"] == (
        "https://medvirke.example/m/1"
    )


def test_long_lines_are_folded_at_75_octets_without_splitting_characters() -> None:
    summary = "Brukerutvalget på Ålesund sjukehus, møte om æøå " * 6
    event = ical.Event(uid="u@m", starts_at=WHEN, ends_at=WHEN, summary=summary)
    content = ical.calendar("Rådet", [event], now=WHEN)
    physical = content[:-2].split("\r\n")
    assert all(len(p.encode()) <= 75 for p in physical)
    assert any(p.startswith(" ") for p in physical)  # something was folded
    assert events(content)[0]["SUMMARY"] == summary.replace(",", "\\,")


def test_times_are_utc_and_the_calendar_reads_back() -> None:
    oslo = WHEN.astimezone(ZoneInfo("Europe/Oslo"))
    event = ical.Event(uid="u@m", starts_at=oslo, ends_at=oslo, summary="Møte", tentative=True)
    content = ical.calendar("Rådet, Helse Nord", [event], now=WHEN)
    found = events(content)[0]
    assert found["DTSTART"] == "20310304T100000Z" and found["STATUS"] == "TENTATIVE"
    assert "X-WR-CALNAME:Rådet\\, Helse Nord" in unfold(content)
    parsed = icalendar.Calendar.from_ical(content)
    [vevent] = parsed.events
    assert vevent.start == WHEN and str(vevent["UID"]) == "u@m"


# --- the person's feed ------------------------------------------------------------------------


def test_my_feed_is_valid_icalendar_with_my_meetings_only(client, world, council, meeting):
    from medvirke.bodies.tests.participation_support import make_council

    Meeting.objects.filter(pk=meeting.pk).update(
        title="Budsjett, plan; og\nmer " + "langt " * 20, video_link="https://video.example/m1"
    )
    services.call_meeting(meeting, by=world.secretary)
    later = plan(world, council.body, days=40)
    plan(world, make_council(world, name="Et annet råd"), days=20)
    response = client.get(feed_of(client, council.members[0].user))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    content = response.content.decode()
    lines = unfold(content)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert all(len(p.encode()) <= 75 for p in content.split("\r\n"))
    found = events(content)
    assert len(found) == 2 and "Et annet råd" not in content
    uids = {e["UID"] for e in found}
    assert len(uids) == 2 and all(u.startswith("meeting-") for u in uids)
    first = next(e for e in found if e["UID"].startswith(f"meeting-{meeting.pk}@"))
    assert re.fullmatch(r"\d{8}T\d{6}Z", first["DTSTART"])
    assert re.fullmatch(r"\d{8}T\d{6}Z", first["DTEND"]) and "DTSTAMP" in first
    assert first["DTSTART"] == meeting.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert first["SUMMARY"].startswith(f"{council.body.name}: Budsjett\\, plan\\; og\\nmer")
    assert first["LOCATION"] == "Rom 1" and first["STATUS"] == "CONFIRMED"
    assert first["URL"].startswith(settings.SITE_URL + "/")
    assert "https://video.example/m1" in first["DESCRIPTION"]
    tentative = next(e for e in found if e["UID"].startswith(f"meeting-{later.pk}@"))
    assert tentative["STATUS"] == "TENTATIVE"  # planned, not yet called


def test_no_case_title_reaches_a_feed(client, world, council, meeting) -> None:
    case(
        world,
        council.body,
        meeting,
        title="Unntatt sak om varsling",
        is_public=False,
        exemption_basis="offl. § 13",
    )
    case(world, council.body, meeting, title="Åpen sak om parkering")
    content = client.get(feed_of(client, council.members[0].user)).content.decode()
    assert "varsling" not in content and "parkering" not in content
    client.force_login(world.secretary)
    client.post(reverse("body_calendar", args=[council.body.pk]))
    body_feed = CalendarFeed.objects.get(body=council.body)
    content = client.get(reverse("calendar_feed", args=[body_feed.token])).content.decode()
    assert "varsling" not in content and "parkering" not in content
    assert len(events(content)) == 1


def test_reset_makes_the_old_address_404(client, world, council, meeting) -> None:
    kari = council.members[0].user
    old = feed_of(client, kari)
    assert client.get(old).status_code == 200
    client.post(reverse("my_calendar"), {"action": "reset"})
    new = reverse("calendar_feed", args=[CalendarFeed.objects.get(user=kari).token])
    assert new != old
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200
    page = client.get(reverse("my_calendar")).content.decode()
    assert settings.SITE_URL + new in page and old not in page


def test_a_guessed_token_is_a_404(client, world, council, meeting) -> None:
    feed_of(client, council.members[0].user)
    client.logout()
    for guess in (secrets.token_urlsafe(32), "1", str(council.members[0].user.pk)):
        assert client.get(reverse("calendar_feed", args=[guess])).status_code == 404


def test_an_inactive_persons_feed_is_gone(client, world, council, meeting) -> None:
    kari = council.members[0].user
    url = feed_of(client, kari)
    type(kari).objects.filter(pk=kari.pk).update(is_active=False)
    client.logout()
    assert client.get(url).status_code == 404


def test_the_secretariat_sees_its_bodies_in_its_own_feed(client, world, council, meeting) -> None:
    content = client.get(feed_of(client, world.secretary)).content.decode()
    assert len(events(content)) == 1


def test_feed_query_count_is_flat(client, world, council) -> None:
    url = feed_of(client, council.members[0].user)
    client.logout()
    bulk.meetings(world, council.body, range(5, 15))
    small = count_queries(client, url)
    bulk.meetings(world, council.body, range(15, 1005))
    assert count_queries(client, url) == small


# --- the body's feed --------------------------------------------------------------------------


def test_only_the_secretariat_manages_the_body_feed(client, world, council, meeting) -> None:
    url = reverse("body_calendar", args=[council.body.pk])
    client.force_login(council.members[0].user)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert not CalendarFeed.objects.exists()
    client.force_login(world.secretary)
    assert client.get(url).status_code == 200
    client.post(url)
    feed = CalendarFeed.objects.get(body=council.body)
    old = reverse("calendar_feed", args=[feed.token])
    assert old in client.get(url).content.decode()
    assert client.get(old).status_code == 200
    client.post(url, {"action": "reset"})
    assert client.get(old).status_code == 404
    feed.refresh_from_db()
    assert client.get(reverse("calendar_feed", args=[feed.token])).status_code == 200
    # The secretary's own calendar page links to the body's.
    assert url in client.get(reverse("my_calendar")).content.decode()


def test_a_meeting_a_year_ago_drops_out_of_the_feed(client, world, council) -> None:
    old = plan(world, council.body, days=3)
    Meeting.objects.filter(pk=old.pk).update(starts_at=at(-400, 10), ends_at=at(-400, 12))
    content = client.get(feed_of(client, council.members[0].user)).content.decode()
    assert events(content) == []
