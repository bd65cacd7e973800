"""The daily reminders of the meetings app (run by `medvirke worker`'s scheduler through the
`remind_advice_and_papers` command, for the day it is due; `--on` by hand):

- **Advice past its date.** Advice still without any answer the day after its `due_on` is
  reminded to the people who must answer it (the named recipient or case owner, or else the
  case handlers of the unit, as `Advice.answerers()`) and to the body's secretariat; and once
  more a fortnight later (`ADVICE_STEPS`). Advice answered "under consideration" has had an
  answer in time and is not chased; it stays on every agenda as a follow-up item anyway.
- **Papers due.** `PAPERS_LEAD_WORKING_DAYS` working days (Monday to Friday) before a meeting's
  paper deadline (`Meeting.papers_due_at`), if cases on its agenda still have no paper, the
  body's secretariat hears which, and each case owner hears of their own cases. Once per
  meeting; not for meetings held already, nor once the deadline has passed.

A missed day is caught up: each reminder is due from its day on (within `ADVICE_LOOK_BACK_DAYS`
for advice, until the deadline for papers), not on that day only. Nothing is sent twice: each
reminder sent is a `Reminder` row, unique per kind, record and step, written in the same
transaction as its notifications. The queries are a fixed number however many rows are due:
the notifications go through `notify_many()`, which also respects each person's choice of
immediate e-mail or daily digest and writes in their language.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case as SQLCase
from django.db.models import Exists, IntegerField, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext_lazy

from medvirke.bodies.models import Body
from medvirke.core.notify import Message, notify_many
from medvirke.organisations.models import StaffRole

from .models import ANSWERING_ROLES, Advice, AdviceStatus, Case, Meeting, Paper, Reminder

# Days past its due date that advice is reminded on: the day after, and a fortnight later.
ADVICE_STEPS = (1, 15)
# Advice further past its date than this is not reminded at all: the first run after an
# upgrade must not send a reminder for every old piece of advice still open. (It is on every
# agenda as a follow-up item until answered.)
ADVICE_LOOK_BACK_DAYS = 60
# Working days before the paper deadline that the secretariat and case owners are reminded.
PAPERS_LEAD_WORKING_DAYS = 2
# Meetings whose papers may still be reminded of: not held yet.
MEETING_STATUSES = (Meeting.Status.PLANNED, Meeting.Status.CALLED)


@dataclass(frozen=True)
class Sent:
    """What one run sent: reminders (one per advice or meeting) and notifications in all."""

    advice: int = 0
    papers: int = 0
    notifications: int = 0

    def __str__(self) -> str:
        return (
            f"{self.advice} advice reminder(s), {self.papers} papers-due reminder(s), "
            f"{self.notifications} notification(s)"
        )


def remind_advice_and_papers(on: date | None = None, *, now: datetime | None = None) -> Sent:
    """Send the reminders due on `on` (default today) that have not been sent yet; `now` (the
    clock by default) is the moment a paper deadline must still be ahead of."""
    day = on or timezone.localdate()
    moment = now or timezone.now()
    advice, advice_notes = _retrying(lambda: _remind_overdue_advice(day))
    papers, paper_notes = _retrying(lambda: _remind_papers_due(day, moment))
    return Sent(advice=advice, papers=papers, notifications=advice_notes + paper_notes)


def _retrying(run: Callable[[], tuple[int, int]]) -> tuple[int, int]:
    # Two runs at once (the scheduler and one by hand): the second's INSERT of the same
    # Reminder rows fails on the unique constraint and its transaction, notifications included,
    # rolls back; looked at again, those reminders are sent and left out.
    try:
        return run()
    except IntegrityError:
        return run()


# --- who is told --------------------------------------------------------------------------------


def _answerers(rows: Sequence[Advice]) -> dict[int, list[Any]]:
    """`Advice.answerers()` for many pieces of advice in one query, not one per advice: the
    named recipient and case owner, or, with neither named, the case handlers of the units."""
    named: dict[int, list[Any]] = {}
    units: dict[int, set[int]] = {}
    for advice in rows:
        people = [p for p in (advice.recipient_person, advice.case.owner_person) if p is not None]
        named[advice.pk] = people
        if not people:
            units[advice.pk] = {
                u for u in (advice.recipient_unit_id, advice.case.owner_unit_id) if u is not None
            }
    handlers = _handlers({u for ids in units.values() for u in ids})
    for pk, ids in units.items():
        named[pk] = _unique(person for unit in ids for person in handlers.get(unit, []))
    return named


def _handlers(unit_ids: set[int]) -> dict[int, list[Any]]:
    """The active people with an answering role in each of these units (one query)."""
    found: dict[int, list[Any]] = {}
    if not unit_ids:
        return found
    roles = StaffRole.objects.filter(
        organisation_id__in=unit_ids, role__in=ANSWERING_ROLES, user__is_active=True
    ).select_related("user")
    for role in roles:
        found.setdefault(role.organisation_id, []).append(role.user)
    return found


def _secretariats(bodies: Iterable[Body]) -> dict[int, list[Any]]:
    """`bodies.services.secretariat_of` for many bodies in at most two queries: the body's
    secretariat staff; without any, the secretariat (or else the administrators) of the owner
    organisation and the organisations above it, so a reminder never goes nowhere."""
    by_pk = {body.pk: body for body in bodies}
    found: dict[int, list[Any]] = {pk: [] for pk in by_pk}
    if not by_pk:
        return found
    through = Body.secretariat.through
    for row in through.objects.filter(body_id__in=by_pk, user__is_active=True).select_related(
        "user"
    ):
        found[row.body_id].append(row.user)
    missing = [by_pk[pk] for pk, people in found.items() if not people]
    if not missing:
        return found
    # One look-up per owner organisation, not per body (several bodies share an owner).
    owner_lineage = {body.owner_id: body.owner.lineage_ids() for body in missing}
    lineages = {body.pk: owner_lineage[body.owner_id] for body in missing}
    roles = StaffRole.objects.filter(
        organisation_id__in={org for ids in lineages.values() for org in ids},
        role__in=(StaffRole.Role.SECRETARIAT, StaffRole.Role.ADMINISTRATOR),
        user__is_active=True,
    ).select_related("user")
    staff: dict[tuple[int, str], list[Any]] = {}
    for role in roles:
        staff.setdefault((role.organisation_id, role.role), []).append(role.user)
    for pk, lineage in lineages.items():
        for kind in (StaffRole.Role.SECRETARIAT, StaffRole.Role.ADMINISTRATOR):
            people = _unique(p for org in lineage for p in staff.get((org, kind), []))
            if people:
                found[pk] = people
                break
    return found


def _unique(people: Iterable[Any]) -> list[Any]:
    return list({person.pk: person for person in people}.values())


def _date(day: date) -> str:
    return f"{day:%d.%m.%Y}"


# --- advice past its date -----------------------------------------------------------------------

ANSWERER_SUBJECTS = {
    1: gettext_lazy("Advice not answered by its date: %(case)s, %(body)s"),
    2: gettext_lazy("Reminder: advice still not answered: %(case)s, %(body)s"),
}
SECRETARIAT_SUBJECTS = {
    1: gettext_lazy("Advice past its date without an answer: %(case)s, %(body)s"),
    2: gettext_lazy("Advice still without an answer: %(case)s, %(body)s"),
}
OVERDUE_TEXT = ngettext_lazy(
    "The advice of %(body)s in case %(case)s %(title)s was to be answered by %(due)s, "
    "%(days)s day ago, and has no answer yet.",
    "The advice of %(body)s in case %(case)s %(title)s was to be answered by %(due)s, "
    "%(days)s days ago, and has no answer yet.",
    "days",
)
ANSWERER_TEXT = gettext_lazy("Answer whether the advice is followed, and why.")
SECRETARIAT_TEXT = gettext_lazy(
    "The case owner or the recipient answers it; it stays on the body's agenda as a follow-up "
    "item until it is answered."
)


def _advice_key(pk: int, step: int) -> str:
    return f"advice-overdue:{pk}:{step}"


def _remind_overdue_advice(day: date) -> tuple[int, int]:
    """Advice reminders due on `day` and not yet sent: (pieces of advice, notifications)."""
    # The step each piece of advice has reached on `day` (1, or 2 from a fortnight on). Only
    # the step reached is sent: advice first seen 20 days past its date gets one reminder.
    step = SQLCase(
        *(
            When(due_on__lte=day - timedelta(days=ADVICE_STEPS[index]), then=Value(index + 1))
            for index in range(len(ADVICE_STEPS) - 1, 0, -1)
        ),
        default=Value(1),
        output_field=IntegerField(),
    )
    already = Reminder.objects.filter(
        kind=Reminder.Kind.ADVICE_OVERDUE, object_id=OuterRef("pk"), step__gte=OuterRef("step")
    )
    with transaction.atomic():
        rows = list(
            Advice.objects.filter(
                status=AdviceStatus.UNANSWERED,
                due_on__lte=day - timedelta(days=ADVICE_STEPS[0]),
                due_on__gte=day - timedelta(days=ADVICE_LOOK_BACK_DAYS),
            )
            .annotate(step=step)
            .exclude(Exists(already))
            .select_related(
                "case__body__owner", "case__owner_person", "recipient_person", "recipient_unit"
            )
            .order_by("due_on", "pk")
        )
        if not rows:
            return 0, 0
        steps: dict[int, int] = {advice.pk: advice.step for advice in rows}
        answerers = _answerers(rows)
        secretariats = _secretariats({a.case.body_id: a.case.body for a in rows}.values())
        messages = []
        for advice in rows:
            case = advice.case
            params = {
                "body": case.body,
                "case": case.reference,
                "title": case.title,
                "due": _date(advice.due_on),
                "days": (day - advice.due_on).days,
            }
            url = reverse("advice_detail", args=[advice.pk])
            key = _advice_key(advice.pk, steps[advice.pk])
            who = answerers[advice.pk]
            messages.append(
                Message(
                    who,
                    ANSWERER_SUBJECTS[steps[advice.pk]],
                    [OVERDUE_TEXT, ANSWERER_TEXT],
                    url,
                    params,
                    key,
                )
            )
            # Someone who both answers and is in the secretariat gets the answerer's reminder.
            answering = {person.pk for person in who}
            messages.append(
                Message(
                    [p for p in secretariats[case.body_id] if p.pk not in answering],
                    SECRETARIAT_SUBJECTS[steps[advice.pk]],
                    [OVERDUE_TEXT, SECRETARIAT_TEXT],
                    url,
                    params,
                    key,
                )
            )
        sent = notify_many(messages)
        told: dict[str, int] = {}
        for notification in sent:
            told[notification.key] = told.get(notification.key, 0) + 1
        Reminder.objects.bulk_create(
            Reminder(
                kind=Reminder.Kind.ADVICE_OVERDUE,
                object_id=advice.pk,
                step=steps[advice.pk],
                for_day=day,
                recipients=told.get(_advice_key(advice.pk, steps[advice.pk]), 0),
            )
            for advice in rows
        )
    return len(rows), len(sent)


# --- papers due ---------------------------------------------------------------------------------

PAPERS_SUBJECT = gettext_lazy("Papers due %(due)s: %(body)s, meeting %(when)s")
PAPERS_SECRETARIAT_TEXT = ngettext_lazy(
    "Papers for the meeting of %(body)s on %(when)s are due %(due)s. %(count)s case on the "
    "agenda has no papers yet: %(cases)s.",
    "Papers for the meeting of %(body)s on %(when)s are due %(due)s. %(count)s cases on the "
    "agenda have no papers yet: %(cases)s.",
    "count",
)
PAPERS_OWNER_TEXT = ngettext_lazy(
    "Papers for the meeting of %(body)s on %(when)s are due %(due)s. Your case on the agenda "
    "has no papers yet: %(cases)s. Send them to the secretariat in time.",
    "Papers for the meeting of %(body)s on %(when)s are due %(due)s. Your %(count)s cases on "
    "the agenda have no papers yet: %(cases)s. Send them to the secretariat in time.",
    "count",
)


def working_days_before(day: date, count: int) -> date:
    """The day `count` working days (Monday to Friday) before `day`. Public holidays are not
    counted out: a reminder a day early then is better than a second calendar to keep."""
    while count > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _deadline_day(meeting: Meeting) -> date:
    return timezone.localtime(meeting.papers_due_at).date()


def _remind_papers_due(day: date, now: datetime) -> tuple[int, int]:
    """Papers-due reminders due on `day` and not yet sent: (meetings, notifications)."""
    # The reminder is due when `day` lies from the lead before the deadline to the deadline's
    # own day. The lead spans at most lead + 2 calendar days per week of working days.
    span = PAPERS_LEAD_WORKING_DAYS + 2 * (PAPERS_LEAD_WORKING_DAYS // 5 + 1)
    upcoming = Meeting.objects.filter(
        status__in=MEETING_STATUSES, starts_at__gt=now, body__ended_on__isnull=True
    )
    lacking = Case.objects.filter(meeting=OuterRef("pk")).exclude(
        Exists(Paper.objects.filter(case=OuterRef("pk")))
    )
    already = Reminder.objects.filter(kind=Reminder.Kind.PAPERS_DUE, object_id=OuterRef("pk"))
    with transaction.atomic():
        # The deadline is the start less a number of days kept per meeting: the few distinct
        # numbers bound the starts in SQL, on SQLite and PostgreSQL alike (one query), and the
        # exact day is checked below.
        deadline_days = set(
            upcoming.order_by().values_list("paper_deadline_days", flat=True).distinct()
        )
        if not deadline_days:
            return 0, 0
        first = timezone.make_aware(datetime.combine(day - timedelta(days=1), time.min))
        last = timezone.make_aware(datetime.combine(day + timedelta(days=span + 2), time.min))
        window = Q()
        for days in deadline_days:
            window |= Q(
                paper_deadline_days=days,
                starts_at__gte=first + timedelta(days=days),
                starts_at__lt=last + timedelta(days=days),
            )
        meetings = [
            meeting
            for meeting in upcoming.filter(window)
            .filter(Exists(lacking))
            .exclude(Exists(already))
            .select_related("body__owner")
            .order_by("starts_at", "pk")
            if meeting.papers_due_at > now
            and working_days_before(_deadline_day(meeting), PAPERS_LEAD_WORKING_DAYS)
            <= day
            <= _deadline_day(meeting)
        ]
        if not meetings:
            return 0, 0
        cases = list(
            Case.objects.filter(meeting__in=meetings)
            .exclude(Exists(Paper.objects.filter(case=OuterRef("pk"))))
            .select_related("owner_person")
            .order_by("meeting_id", "agenda_order", "number")
        )
        owners = _case_owners(cases)
        secretariats = _secretariats({m.body_id: m.body for m in meetings}.values())
        by_meeting: dict[int, list[Case]] = {}
        for case in cases:
            by_meeting.setdefault(case.meeting_id, []).append(case)  # type: ignore[arg-type]
        messages = []
        for meeting in meetings:
            on_agenda = by_meeting.get(meeting.pk, [])
            key = f"papers-due:{meeting.pk}"
            url = reverse("meeting_detail", args=[meeting.pk])
            params = {
                "body": meeting.body,
                "when": f"{timezone.localtime(meeting.starts_at):%d.%m.%Y %H:%M}",
                "due": f"{timezone.localtime(meeting.papers_due_at):%d.%m.%Y %H:%M}",
            }
            secretariat = secretariats[meeting.body_id]
            messages.append(
                Message(
                    secretariat,
                    PAPERS_SUBJECT,
                    PAPERS_SECRETARIAT_TEXT,
                    url,
                    {**params, "count": len(on_agenda), "cases": _case_list(on_agenda)},
                    key,
                )
            )
            # Each owner hears of their own cases only (an exempt case's title is not another
            # owner's business); someone in the secretariat already has the whole list.
            in_secretariat = {person.pk for person in secretariat}
            theirs: dict[int, tuple[Any, list[Case]]] = {}
            for case in on_agenda:
                for person in owners[case.pk]:
                    if person.pk not in in_secretariat:
                        theirs.setdefault(person.pk, (person, []))[1].append(case)
            for person, own in theirs.values():
                messages.append(
                    Message(
                        [person],
                        PAPERS_SUBJECT,
                        PAPERS_OWNER_TEXT,
                        url,
                        {**params, "count": len(own), "cases": _case_list(own)},
                        key,
                    )
                )
        sent = notify_many(messages)
        told: dict[str, int] = {}
        for notification in sent:
            told[notification.key] = told.get(notification.key, 0) + 1
        Reminder.objects.bulk_create(
            Reminder(
                kind=Reminder.Kind.PAPERS_DUE,
                object_id=meeting.pk,
                for_day=day,
                recipients=told.get(f"papers-due:{meeting.pk}", 0),
            )
            for meeting in meetings
        )
    return len(meetings), len(sent)


def _case_owners(cases: Sequence[Case]) -> dict[int, list[Any]]:
    """Each case's owner: the named person, or else the case handlers of the owner unit (the
    rule `Advice.answerers()` applies to the case owner), in one query for all."""
    units = {c.owner_unit_id for c in cases if c.owner_person_id is None and c.owner_unit_id}
    handlers = _handlers({unit for unit in units if unit is not None})
    owners: dict[int, list[Any]] = {}
    for case in cases:
        if case.owner_person is not None:
            owners[case.pk] = [case.owner_person]
        else:
            owners[case.pk] = list(handlers.get(case.owner_unit_id or 0, []))
    return owners


def _case_list(cases: Sequence[Case]) -> str:
    return "; ".join(f"{case.reference} {case.title}" for case in cases)
