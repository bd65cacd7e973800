"""The meeting feeds as iCalendar (RFC 5545), written by the `icalendar` package: it escapes
text, folds lines at 75 octets without splitting a character, ends them with CRLF and writes
four-digit years. Times go out in UTC (`…Z`), so a feed needs no VTIMEZONE and every calendar
shows them in its reader's own zone (Europe/Oslo here)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import icalendar

# Control characters are not allowed in TEXT values (RFC 5545 3.3.11), tab excepted; icalendar
# passes them through, and a calendar may refuse the whole feed for one in a meeting title.
# Line breaks stay: icalendar writes them as the escaped `\n`.
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A URI has no escaping at all; icalendar refuses a line break in it rather than dropping it.
_CONTROL_IN_URI = re.compile(r"[\x00-\x1f\x7f]")
PRODID = "-//Medvirke//Medvirke//NB"


def _text(value: str) -> str:
    return _CONTROL_IN_TEXT.sub("", value)


@dataclass(frozen=True)
class Event:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str = ""
    url: str = ""
    description: str = ""
    tentative: bool = False


def _vevent(event: Event, stamp: datetime) -> icalendar.Event:
    return icalendar.Event.new(
        uid=_text(event.uid),
        stamp=stamp,
        start=event.starts_at.astimezone(UTC),
        end=event.ends_at.astimezone(UTC),
        summary=_text(event.summary),
        location=_text(event.location) or None,
        url=_CONTROL_IN_URI.sub("", event.url) or None,
        description=_text(event.description) or None,
        status=icalendar.STATUS.TENTATIVE if event.tentative else icalendar.STATUS.CONFIRMED,
    )


def calendar(name: str, events: Iterable[Event], *, now: datetime) -> str:
    """The whole VCALENDAR as text with CRLF line ends."""
    # Built by hand rather than with Calendar.new, which gives the calendar a new random UID on
    # every fetch; a feed is the same calendar each time a client polls it.
    cal = icalendar.Calendar()
    cal.add("VERSION", "2.0")
    cal.add("PRODID", PRODID)
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("METHOD", "PUBLISH")
    # As vText: icalendar would write these two unescaped (it has no type for them), and a body
    # name with a comma or line break would then break the line.
    cal.add("NAME", icalendar.vText(_text(name)))
    cal.add("X-WR-CALNAME", icalendar.vText(_text(name)))
    stamp = now.astimezone(UTC)
    for event in events:
        cal.add_component(_vevent(event, stamp))
    return cal.to_ical().decode()
