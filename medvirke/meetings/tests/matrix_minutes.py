"""The minutes, influence-ledger and calendar rows of the meetings table in
docs/permissions.md: the request each row makes and what must have happened if it was allowed
(walked by test_permission_matrix_meetings.py, which holds the meeting and member rows)."""

from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.urls import reverse

from medvirke.bodies.tests.participation_support import TODAY
from medvirke.meetings import services
from medvirke.meetings.models import (
    Advice,
    AdviceResponse,
    CalendarFeed,
    Dissent,
    Minutes,
    MinutesComment,
)

from .matrix_support import ADVICE_TEXT, CONCLUSION, Scene, is_file, outcome, sees, shows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _minutes(s: Scene) -> Minutes:
    return Minutes.objects.get(pk=s.minutes.pk)


# --- minutes ---------------------------------------------------------------------------------


def _approve(s: Scene) -> None:
    services.approve_minutes(_minutes(s), by=s.world.secretary)


def _publish(s: Scene) -> None:
    _approve(s)
    services.publish_minutes(_minutes(s), by=s.world.secretary)


def _conclusion(s: Scene) -> str:
    return f"conclusion_{s.advice_case.pk}"


def _start_minutes(c: Client, s: Scene) -> bool:
    r = c.post(reverse("minutes_start", args=[s.upcoming.pk]))
    return outcome(r, lambda: Minutes.objects.filter(meeting=s.upcoming).exists())


def _edit_minutes(c: Client, s: Scene) -> bool:
    data = {"version": _minutes(s).version, "text": "Endret notat", _conclusion(s): CONCLUSION}
    r = c.post(reverse("minutes_edit", args=[s.held.pk]), data)
    return outcome(r, lambda: _minutes(s).text == "Endret notat")


def _record_dissent(c: Client, s: Scene) -> bool:
    p = f"d{s.advice_case.pk}"
    r = c.post(
        reverse("minutes_dissent", args=[s.held.pk, s.advice_case.pk]),
        {f"{p}-person": s.kari.user.pk, f"{p}-text": "Jeg ville gått lenger"},
    )
    return outcome(r, lambda: Dissent.objects.filter(person=s.kari.user).exists())


def _record_advice(c: Client, s: Scene) -> bool:
    p = f"a{s.advice_case.pk}"
    r = c.post(
        reverse("minutes_advice", args=[s.held.pk, s.advice_case.pk]),
        {f"{p}-text": "Evaluer etter et år", f"{p}-due_on": str(TODAY + timedelta(days=30))},
    )
    return outcome(r, lambda: Advice.objects.filter(text="Evaluer etter et år").exists())


def _remove_dissent(c: Client, s: Scene) -> bool:
    dissent = services.add_dissent(
        _minutes(s), case=s.advice_case, person=s.kari.user, text="Uenig", by=s.world.secretary
    )
    r = c.post(reverse("minutes_dissent_remove", args=[s.held.pk, dissent.pk]), {"confirm": "yes"})
    return outcome(r, lambda: not Dissent.objects.filter(pk=dissent.pk).exists())


def _remove_advice(c: Client, s: Scene) -> bool:
    r = c.post(reverse("minutes_advice_remove", args=[s.held.pk, s.advice.pk]), {"confirm": "yes"})
    return outcome(r, lambda: not Advice.objects.filter(pk=s.advice.pk).exists())


def _send_minutes(c: Client, s: Scene) -> bool:
    deadline = str(TODAY + timedelta(days=7))
    r = c.post(reverse("minutes_send", args=[s.held.pk]), {"comment_deadline": deadline})
    return outcome(r, lambda: _minutes(s).status == Minutes.Status.FOR_COMMENT)


def _approve_minutes(c: Client, s: Scene) -> bool:
    r = c.post(reverse("minutes_approve", args=[s.held.pk]), {"how": Minutes.ApprovedHow.CHAIR})
    return outcome(r, lambda: _minutes(s).status == Minutes.Status.APPROVED)


def _publish_minutes(c: Client, s: Scene) -> bool:
    _approve(s)
    r = c.post(reverse("minutes_publish", args=[s.held.pk]))
    return outcome(r, lambda: _minutes(s).status == Minutes.Status.PUBLISHED)


def _correct_minutes(c: Client, s: Scene) -> bool:
    _approve(s)
    data = {"reason": "Feil i notatet", "text": "Rettet notat", _conclusion(s): CONCLUSION}
    r = c.post(reverse("minutes_correct", args=[s.held.pk]), data)
    return outcome(r, lambda: _minutes(s).versions.count() == 2)


def _comment_minutes(c: Client, s: Scene) -> bool:
    deadline = TODAY + timedelta(days=7)
    services.send_minutes_for_comments(_minutes(s), deadline=deadline, by=s.world.secretary)
    r = c.post(reverse("minutes_comment", args=[s.held.pk]), {"text": "Navnet mitt er feil"})
    return outcome(r, lambda: MinutesComment.objects.filter(minutes=s.minutes).exists())


def _read_full_minutes(c: Client, s: Scene) -> bool:
    _approve(s)
    return shows(c.get(reverse("minutes_version", args=[s.held.pk, 1])), CONCLUSION)


def _full_pdf(c: Client, s: Scene) -> bool:
    return is_file(c.get(reverse("minutes_full_pdf", args=[s.held.pk])), "application/pdf")


def _public_pdf(c: Client, s: Scene) -> bool:
    _publish(s)
    return is_file(c.get(reverse("minutes_public_pdf", args=[s.held.pk])), "application/pdf")


def _preview_public_pdf(c: Client, s: Scene) -> bool:
    r = c.get(reverse("minutes_public_pdf", args=[s.held.pk]))
    return is_file(r, "application/pdf", not_found=True)


# --- the influence ledger --------------------------------------------------------------------


def _answer_advice(c: Client, s: Scene) -> bool:
    r = c.post(
        reverse("advice_detail", args=[s.advice.pk]),
        {"status": AdviceResponse.Status.FOLLOWED, "reasoning": "SMS-varsel innføres i mai"},
    )
    return outcome(r, lambda: AdviceResponse.objects.filter(advice=s.advice).exists())


def _view_advice(c: Client, s: Scene) -> bool:
    return shows(c.get(reverse("advice_detail", args=[s.advice.pk])), ADVICE_TEXT)


def _follow_up(c: Client, s: Scene) -> bool:
    return sees(c.get(reverse("advice_follow_up")), reverse("advice_detail", args=[s.advice.pk]))


def _ledger_body(c: Client, s: Scene) -> bool:
    return shows(c.get(reverse("ledger_body", args=[s.council.pk])), s.council.name)


def _ledger_body_csv(c: Client, s: Scene) -> bool:
    return is_file(c.get(reverse("ledger_body_export", args=[s.council.pk, "csv"])), "text/csv")


def _ledger_owner(c: Client, s: Scene) -> bool:
    return shows(c.get(reverse("ledger_owner", args=[s.world.hf.pk])), s.council.name)


def _ledger_owner_xlsx(c: Client, s: Scene) -> bool:
    return is_file(c.get(reverse("ledger_owner_export", args=[s.world.hf.pk, "xlsx"])), XLSX)


# --- calendars -------------------------------------------------------------------------------


def _body_calendar(c: Client, s: Scene) -> bool:
    return shows(c.get(reverse("body_calendar", args=[s.council.pk])), s.feed.token)


def _reset_body_feed(c: Client, s: Scene) -> bool:
    old = reverse("calendar_feed", args=[s.feed.token])
    r = c.post(reverse("body_calendar", args=[s.council.pk]))
    return outcome(
        r,
        lambda: (
            CalendarFeed.objects.get(pk=s.feed.pk).token != s.feed.token
            and Client().get(old).status_code == 404
        ),
    )


def _read_body_feed(c: Client, s: Scene) -> bool:
    r = c.get(reverse("calendar_feed", args=[s.feed.token]))
    return outcome(
        r,
        lambda: (
            r["Content-Type"].startswith("text/calendar") and s.council.name in r.content.decode()
        ),
    )


def _my_calendar(c: Client, s: Scene) -> bool:
    r = c.post(reverse("my_calendar"))
    feeds = CalendarFeed.objects.exclude(user=None)  # for a refusal: nobody's
    return outcome(r, lambda: feeds.filter(user=s.person).exists() if s.person else feeds.exists())


MINUTES_ACTIONS: dict[str, Callable[[Client, Scene], bool]] = {
    action.__name__.removeprefix("_"): action
    for action in (
        _start_minutes,
        _edit_minutes,
        _record_dissent,
        _record_advice,
        _remove_dissent,
        _remove_advice,
        _send_minutes,
        _approve_minutes,
        _publish_minutes,
        _correct_minutes,
        _comment_minutes,
        _read_full_minutes,
        _full_pdf,
        _public_pdf,
        _preview_public_pdf,
        _answer_advice,
        _view_advice,
        _follow_up,
        _ledger_body,
        _ledger_body_csv,
        _ledger_owner,
        _ledger_owner_xlsx,
        _body_calendar,
        _reset_body_feed,
        _read_body_feed,
        _my_calendar,
    )
}
