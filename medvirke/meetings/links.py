"""Signed links for the e-mail: "report absence" identifies the person and the meeting, so it
works without logging in. The link only opens a confirmation page; it stops working once the
meeting has started (checked when used, so a moved meeting moves the expiry too)."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse

from .models import Meeting

ABSENCE_SALT = "medvirke.meetings.absence-link"
# An upper bound on any link's age, whatever happens to the meeting.
MAX_AGE_SECONDS = 400 * 24 * 3600


@dataclass(frozen=True)
class AbsenceLink:
    meeting: Meeting
    person: Any


def absence_token(meeting: Meeting | int, person: Any) -> str:
    meeting_id = meeting if isinstance(meeting, int) else meeting.pk
    return signing.dumps({"m": meeting_id, "u": person.pk}, salt=ABSENCE_SALT)


def absence_url(meeting: Meeting | int, person: Any) -> str:
    """The absolute address for an e-mail."""
    return settings.SITE_URL + reverse("absence_link", args=[absence_token(meeting, person)])


def read_absence_token(token: str) -> AbsenceLink | None:
    """The meeting and the (active) person a token names; None if it is forged, too old or
    names something that no longer exists."""
    try:
        data = signing.loads(token, salt=ABSENCE_SALT, max_age=MAX_AGE_SECONDS)
        meeting_id, person_id = int(data["m"]), int(data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    person = get_user_model().objects.filter(pk=person_id, is_active=True).first()
    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if person is None or meeting is None:
        return None
    return AbsenceLink(meeting=meeting, person=person)
