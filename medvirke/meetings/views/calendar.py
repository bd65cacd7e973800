"""Calendar feeds (iCal) for Outlook, Google and Apple calendars: one per person (the meetings
of the bodies they sit in or run) and one per body, at secret addresses that can be reset.
The feed carries meeting-level information only (time, place, body, the meeting's title and
a link back): never a case title, so exempt cases cannot leak through a shared calendar."""

from datetime import UTC, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from medvirke.bodies.models import Body
from medvirke.bodies.permissions import get_body_for_user
from medvirke.core.forms import EARLIEST, LATEST

from .. import ical, permissions
from ..models import CalendarFeed, Meeting

# How far back a feed reaches; everything ahead is included (within the days a form accepts).
FEED_DAYS_BACK = 365
_EARLIEST_IN_FEEDS = datetime.combine(EARLIEST, time.min, tzinfo=UTC)
_LATEST_IN_FEEDS = datetime.combine(LATEST, time.max, tzinfo=UTC)
FEED_MAX_EVENTS = 1000


def feed_url(feed: CalendarFeed) -> str:
    return settings.SITE_URL + reverse("calendar_feed", args=[feed.token])


def meeting_page(meeting: Meeting) -> str:
    """The meeting's page, absolute: a calendar opens it outside Medvirke."""
    return settings.SITE_URL + reverse("meeting_detail", args=[meeting.pk])


def _events(meetings: Any, *, with_video: bool) -> list[ical.Event]:
    host = urlsplit(settings.SITE_URL).hostname or "medvirke"
    events = []
    for m in meetings:
        page = meeting_page(m)
        description = [_("Papers and absence notice in Medvirke: %(url)s") % {"url": page}]
        if with_video and m.video_link:
            description.append(_("Video link: %(url)s") % {"url": m.video_link})
        events.append(
            ical.Event(
                uid=f"meeting-{m.pk}@{host}",
                starts_at=m.starts_at,
                ends_at=m.ends_at,
                summary=f"{m.body.name}: {m.title}" if m.title else m.body.name,
                location=m.place,
                url=page,
                description="\n".join(description),
                tentative=m.status == Meeting.Status.PLANNED,
            )
        )
    return events


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The calendar at a secret address; an unknown or reset token is a 404."""
    found = CalendarFeed.objects.select_related("user", "body").filter(token=token).first()
    if found is None:
        raise Http404
    since = timezone.now() - timedelta(days=FEED_DAYS_BACK)
    meetings = Meeting.objects.filter(
        ends_at__gte=since,
        # A meeting stored in year 1 or 9999 before the forms bounded dates is a typo: it stays
        # on the meeting pages for the secretariat to correct, but no calendar gets it.
        starts_at__gte=_EARLIEST_IN_FEEDS,
        starts_at__lte=_LATEST_IN_FEEDS,
    ).select_related("body")
    if found.user is not None:
        person: Any = found.user
        if not person.is_active:
            raise Http404
        language = person.language or settings.LANGUAGE_CODE
        mine = permissions.my_current_terms(person).values("seat__body_id")
        runs = Body.secretariat.through.objects.filter(user=person).values("body_id")
        meetings = meetings.filter(Q(body_id__in=mine) | Q(body_id__in=runs))
        with translation.override(language):
            name = _("Medvirke: my meetings")
    else:
        assert found.body is not None
        language = settings.LANGUAGE_CODE
        meetings = meetings.filter(body=found.body)
        name = f"Medvirke: {found.body.name}"
    with translation.override(language):
        events = _events(
            meetings.order_by("starts_at", "pk")[:FEED_MAX_EVENTS],
            with_video=found.user is not None,
        )
    response = HttpResponse(
        ical.calendar(name, events, now=timezone.now()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="medvirke.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


def _reset_or_create(request: HttpRequest, feed: CalendarFeed | None, **owner: Any) -> None:
    if feed is None:
        CalendarFeed.objects.get_or_create(**owner)
        messages.success(request, _("The calendar address has been made."))
    else:
        feed.reset()
        messages.success(
            request,
            _("The calendar has a new address. The old address no longer works."),
        )


@login_required
def my_calendar(request: HttpRequest) -> HttpResponse:
    """The person's own calendar address: see it, copy it, make a new one."""
    user: Any = request.user
    feed_row = CalendarFeed.objects.filter(user=user).first()
    if request.method == "POST":
        _reset_or_create(request, feed_row, user=user)
        return redirect("my_calendar")
    return render(
        request,
        "meetings/member/calendar.html",
        {
            "feed": feed_row,
            "url": feed_url(feed_row) if feed_row else "",
            "bodies": user.secretariat_for.order_by("name"),
            "trail": [
                {"url": reverse("dashboard"), "label": _("Overview")},
                {"url": reverse("my_meetings"), "label": _("My meetings")},
            ],
        },
    )


@login_required
def body_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The body's calendar address, for its secretariat to share and reset."""
    body = get_body_for_user(request.user, pk, manage=True)
    feed_row = CalendarFeed.objects.filter(body=body).first()
    if request.method == "POST":
        _reset_or_create(request, feed_row, body=body)
        return redirect("body_calendar", pk=body.pk)
    return render(
        request,
        "meetings/member/body_calendar.html",
        {
            "body": body,
            "feed": feed_row,
            "url": feed_url(feed_row) if feed_row else "",
            "trail": [
                {"url": reverse("dashboard"), "label": _("Overview")},
                {"url": reverse("body_detail", args=[body.pk]), "label": body.name},
            ],
        },
    )
