"""Issue 11, point 9: impossible dates for meetings, and pages that must survive stored ones.

The secretariat could plan a meeting in year 0001 or 9999 (and give advice an answer date there);
a meeting in year 1 then broke its page with OverflowError (the paper deadline, a few days before
the start, is before year 1), and the calendar feed wrote `DTSTART:10101T…` for it."""

import html
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medvirke.bodies.tests.participation_support import make_council
from medvirke.core.testing import nb
from medvirke.meetings.models import Advice, CalendarFeed, Meeting

from .conftest import at, case, plan

pytestmark = pytest.mark.django_db

IMPOSSIBLE = ["0001-01-01T10:00", "9999-12-31T10:00"]


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _range_error() -> str:
    today = timezone.localdate()
    return nb(
        "The date must be between %(earliest)s and %(latest)s.",
        earliest=f"{today.replace(year=today.year - 10):%d.%m.%Y}",
        latest=f"{today.replace(year=today.year + 10):%d.%m.%Y}",
    )


def _meeting_data(starts: str, ends: str) -> dict[str, str]:
    return {
        "title": "Årsmøte",
        "starts_at": starts,
        "ends_at": ends,
        "place": "Rom 1",
        "video_link": "",
        "paper_deadline_days": "7",
    }


def _field_error(page: str, name: str) -> str:
    """The text of the error shown next to the field (core/components/field.html)."""
    marker = f'id="id_{name}_error">'
    assert marker in page, f"no error next to {name}"
    return page.split(marker, 1)[1].split("</div>", 1)[0]


@pytest.mark.parametrize("typed", IMPOSSIBLE)
def test_attack_meeting_planned_in_year_1_or_9999_is_refused_next_to_the_field(
    world: Any, typed: str
) -> None:
    body = make_council(world)
    end = typed.replace("T10:00", "T12:00")
    response = _client(world.secretary).post(
        reverse("meeting_create", args=[body.pk]), _meeting_data(typed, end)
    )
    assert response.status_code == 200  # the form again, not a redirect to a new meeting
    page = _text(response)
    assert _range_error() in _field_error(page, "starts_at")
    assert _range_error() in _field_error(page, "ends_at")
    assert f'value="{typed}"' in page and 'value="Årsmøte"' in page  # what was typed is kept
    assert not Meeting.objects.filter(body=body).exists()


def test_attack_moving_a_meeting_to_year_9999_is_refused_and_changes_nothing(
    world: Any,
) -> None:
    body = make_council(world)
    meeting = plan(world, body, days=14)
    before = meeting.starts_at
    response = _client(world.secretary).post(
        reverse("meeting_edit", args=[meeting.pk]),
        _meeting_data("9999-12-31T10:00", "9999-12-31T12:00"),
    )
    assert response.status_code in (200, 400)
    assert _range_error() in _field_error(_text(response), "starts_at")
    meeting.refresh_from_db()
    assert meeting.starts_at == before


def test_a_meeting_ten_years_ago_keeps_its_time_when_only_the_place_changes(world: Any) -> None:
    """The planning range moves with today: a stored time the person did not touch is not
    refused for having fallen out of it."""
    body = make_council(world)
    meeting = plan(world, body, days=14)
    old = at(-11 * 366)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=old, ends_at=old + timedelta(hours=2))
    local = timezone.localtime(old)
    data = _meeting_data(f"{local:%Y-%m-%dT%H:%M}", f"{local + timedelta(hours=2):%Y-%m-%dT%H:%M}")
    data["place"] = "Rom 2"
    response = _client(world.secretary).post(reverse("meeting_edit", args=[meeting.pk]), data)
    assert response.status_code == 302, _text(response)
    meeting.refresh_from_db()
    assert meeting.place == "Rom 2" and meeting.starts_at == old


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31"])
def test_attack_advice_due_in_year_1_or_9999_is_refused(
    world: Any, typed: str, council: Any, meeting: Meeting
) -> None:
    from medvirke.meetings import services

    sak = case(world, council.body, meeting)
    services.start_minutes(meeting, by=world.secretary)
    response = _client(world.secretary).post(
        reverse("minutes_advice", args=[meeting.pk, sak.pk]),
        {f"a{sak.pk}-text": "Rådet ber om bedre skilting.", f"a{sak.pk}-due_on": typed},
    )
    page = _text(response)
    assert _range_error() in _field_error(page, f"a{sak.pk}-due_on")
    assert f'value="{typed}"' in page
    assert not Advice.objects.filter(case=sak).exists()


# --- stored odd dates: the pages and the feed still answer ---------------------------------------

# What the old forms could store: a typed local time converted to UTC (a time in the last hour
# of year 9999 in Norway is still in 9999 in UTC; the first minutes of year 1 are too).
STORED = {
    "year 1": (datetime(1, 1, 1, 0, 0, tzinfo=UTC), datetime(1, 1, 1, 1, 0, tzinfo=UTC)),
    "year 9999": (
        datetime(9999, 12, 31, 20, 0, tzinfo=UTC),
        datetime(9999, 12, 31, 22, 59, tzinfo=UTC),
    ),
}


@pytest.mark.parametrize("when", list(STORED))
def test_attack_meeting_stored_in_year_1_or_9999_leaves_every_page_working(
    world: Any, when: str, council: Any
) -> None:
    body = council.body
    meeting = plan(world, body, days=14)
    starts, ends = STORED[when]
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts, ends_at=ends)
    secretary = _client(world.secretary)
    for url in [
        reverse("meeting_detail", args=[meeting.pk]),
        reverse("meeting_plan", args=[body.pk]) + f"?aar={starts.year}",
        reverse("meeting_plan", args=[body.pk]),
        reverse("meeting_edit", args=[meeting.pk]),
        reverse("meeting_attendance", args=[meeting.pk]),
    ]:
        assert secretary.get(url).status_code == 200, url
    member = _client(council.members[0].user)
    assert member.get(reverse("my_meetings")).status_code == 200


def _feed(client: Client, user: Any) -> str:
    client.post(reverse("my_calendar"))
    token = CalendarFeed.objects.get(user=user).token
    response = client.get(reverse("calendar_feed", args=[token]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("when", ["year 1 to 9999", "year 9999"])
def test_attack_meeting_stored_in_year_1_or_9999_is_left_out_of_the_calendar_feed(
    world: Any, when: str, council: Any
) -> None:
    odd = plan(world, council.body, days=14)
    normal = plan(world, council.body, days=21)
    if when == "year 9999":
        starts, ends = STORED["year 9999"]
    else:  # a year-1 start with a far end reaches into the feed's window
        starts, ends = STORED["year 1"][0], STORED["year 9999"][1]
    Meeting.objects.filter(pk=odd.pk).update(starts_at=starts, ends_at=ends)
    member = council.members[0].user
    feed = _feed(_client(member), member)
    assert f"meeting-{normal.pk}@" in feed and f"meeting-{odd.pk}@" not in feed
    for line in feed.split("\r\n"):
        if line.startswith(("DTSTART:", "DTEND:", "DTSTAMP:")):
            value = line.split(":", 1)[1]
            datetime.strptime(value, "%Y%m%dT%H%M%SZ")  # valid: four-digit year, UTC
            assert len(value) == 16, line
