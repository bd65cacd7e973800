"""A small iCalendar (RFC 5545) writer for the meeting feeds: text values escaped, times in
UTC, lines folded at 75 octets and ended with CRLF. Hand-written, as the feeds need only
VEVENTs with a handful of properties."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

# Control characters are not allowed in TEXT values (RFC 5545 3.3.11), tab excepted.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as \\n."""
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\n", "\\n")


def utc(moment: datetime) -> str:
    # Formatted by hand: strftime's %Y drops the leading zeros of a year before 1000 on Linux
    # ("10101T…" for year 1), which no calendar can read (RFC 5545 wants four digits).
    t = moment.astimezone(UTC)
    return f"{t.year:04d}{t.month:02d}{t.day:02d}T{t.hour:02d}{t.minute:02d}{t.second:02d}Z"


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets (continuations start with a
    space), never inside a UTF-8 character."""
    if len(line.encode()) <= LINE_OCTETS:
        return line
    parts: list[str] = []
    current: list[str] = []
    size, limit = 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1  # the leading space counts
        current.append(char)
        size += octets
    parts.append("".join(current))
    return "\r\n ".join(parts)


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


def calendar(name: str, events: Iterable[Event], *, now: datetime) -> str:
    """The whole VCALENDAR as text with CRLF line ends."""
    stamp = utc(now)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Medvirke//Medvirke//NB",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(event.uid)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc(event.starts_at)}",
            f"DTEND:{utc(event.ends_at)}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        if event.url:
            # A URI value, not TEXT: no escaping, but no line breaks either.
            lines.append(f"URL:{_CONTROL.sub('', event.url.replace(chr(10), ''))}")
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        lines.append(f"STATUS:{'TENTATIVE' if event.tentative else 'CONFIRMED'}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
