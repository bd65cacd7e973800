"""What the meetings app's verbs share: the links and times a notice shows, telling a body's
members, and the refusal for approved minutes. A leaf: it imports models and core, never another
service module, so meetings.py, minutes.py and ledger.py do not import each other."""

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from medvirke.core.errors import RefusedError
from medvirke.core.notify import notify

from ..models import Meeting


class MinutesLockedError(RefusedError):
    """Approved minutes cannot be changed in place; a correction makes a new version."""

    default_message = gettext_lazy(
        "Approved minutes cannot be changed. Make a correction instead; the approved "
        "version is kept."
    )


def url_for(name: str, *args: Any) -> str:
    """The page a notification links to."""
    return reverse(name, args=args)


def meeting_url(meeting: Meeting) -> str:
    return url_for("meeting_detail", meeting.pk)


def when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%d.%m.%Y %H:%M}"


def notify_members(
    meeting: Meeting,
    subject: Any,
    body: Any,
    *,
    params: dict[str, Any],
    by: Any,
    url: str = "",
) -> None:
    """Tell the body's members; the notice links to `url`, or to the meeting's page."""
    notify(
        meeting.members(),
        subject,
        body,
        url or meeting_url(meeting),
        params=params,
        exclude=by,
    )
