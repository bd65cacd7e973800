"""The daily reminders (meetings/reminders.py): advice past its date goes to those who must
answer it and to the body's secretariat, once per step; papers due go to the secretariat and the
case owners before the deadline, once per meeting. The days are fixed (March 2027, Oslo) and
passed in, so the calendar is the test's."""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medvirke.bodies.models import Body
from medvirke.bodies.tests.participation_support import make_council
from medvirke.core import scheduler
from medvirke.core.models import Notification
from medvirke.core.testing import UserFactory, nb
from medvirke.meetings.models import Advice, AdviceStatus, Case, Meeting, Paper, Reminder
from medvirke.meetings.reminders import remind_advice_and_papers, working_days_before
from medvirke.organisations.models import StaffRole

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
WEDNESDAY = date(2027, 3, 10)


def moment(day: date, hour: int = 5, minute: int = 30) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=OSLO)


def run(day: date, now: datetime | None = None) -> Any:
    """The job for `day`, as the scheduler runs it that morning."""
    return remind_advice_and_papers(day, now=now or moment(day))


@pytest.fixture
def body(world: Any) -> Body:
    council = make_council(world)
    Notification.objects.all().delete()  # the council's own notices; tests count their own
    return council


def meeting(
    world: Any, body: Body, starts: datetime, *, deadline_days: int = 7, **kw: Any
) -> Meeting:
    return Meeting.objects.create(
        body=body,
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        paper_deadline_days=deadline_days,
        created_by=world.secretary,
        **kw,
    )


def cases(world: Any, body: Body, on: Meeting | None, n: int = 1, **kw: Any) -> list[Case]:
    last = Case.objects.filter(body=body, year=2027).count()
    fields: dict[str, Any] = {
        "kind": Case.Kind.ADVICE,
        "ladder_step": 2,
        "no_individual_patient": True,
        "owner_person": world.case_handler,
        **kw,
    }
    return Case.objects.bulk_create(
        Case(
            body=body,
            year=2027,
            number=last + 1 + i,
            meeting=on,
            agenda_order=i,
            title=f"Ventetid {last + 1 + i}",
            created_by=world.secretary,
            **fields,
        )
        for i in range(n)
    )


def advice(world: Any, for_cases: list[Case], due_on: date, **kw: Any) -> list[Advice]:
    if "recipient_unit" not in kw:
        kw.setdefault("recipient_person", world.case_handler)
    return Advice.objects.bulk_create(
        Advice(
            case=case,
            text="Rådet anbefaler kortere ventetid.",
            due_on=due_on,
            created_by=world.secretary,
            **kw,
        )
        for case in for_cases
    )


def paper(world: Any, on: Meeting, case: Case | None) -> Paper:
    return Paper.objects.create(
        meeting=on,
        case=case,
        title="Saksframlegg",
        file="papers/x.pdf",
        content_type="application/pdf",
        size=1000,
        published_by=world.secretary,
    )


def told(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("pk"))


# --- advice past its date -----------------------------------------------------------------------


def test_overdue_advice_reminds_the_answerer_and_the_secretariat_once(world, body) -> None:
    (item,) = advice(world, cases(world, body, None), due_on=WEDNESDAY - timedelta(days=1))

    sent = run(WEDNESDAY)

    assert (sent.advice, sent.notifications) == (1, 2)
    (to_answer,) = told(world.case_handler)
    assert to_answer.url == reverse("advice_detail", args=[item.pk])
    case = item.case
    assert to_answer.subject == nb(
        "Advice not answered by its date: %(case)s, %(body)s", case=case.reference, body=body
    )
    assert nb("Answer whether the advice is followed, and why.") in to_answer.body
    assert "09.03.2027" in to_answer.body
    (to_secretariat,) = told(world.secretary)
    assert to_secretariat.url == to_answer.url
    assert to_secretariat.subject == nb(
        "Advice past its date without an answer: %(case)s, %(body)s",
        case=case.reference,
        body=body,
    )
    assert Reminder.objects.get().recipients == 2
    assert run(WEDNESDAY).notifications == 0  # the same day again
    assert run(WEDNESDAY + timedelta(days=1)).notifications == 0  # and the next
    assert Notification.objects.count() == 2


def test_advice_is_not_reminded_on_its_own_due_date(world, body) -> None:
    advice(world, cases(world, body, None), due_on=WEDNESDAY)
    assert run(WEDNESDAY).notifications == 0
    assert run(WEDNESDAY + timedelta(days=1)).advice == 1


@pytest.mark.parametrize(
    "status",
    [
        AdviceStatus.FOLLOWED,
        AdviceStatus.PARTLY_FOLLOWED,
        AdviceStatus.NOT_FOLLOWED,
        AdviceStatus.UNDER_CONSIDERATION,
    ],
)
def test_answered_advice_is_never_reminded(world, body, status) -> None:
    advice(world, cases(world, body, None), due_on=WEDNESDAY - timedelta(days=20), status=status)
    for days in (0, 1, 14, 15, 30):
        assert run(WEDNESDAY + timedelta(days=days)).notifications == 0
    assert Notification.objects.count() == 0
    assert not Reminder.objects.exists()


def test_advice_still_unanswered_a_fortnight_later_is_reminded_once_more(world, body) -> None:
    due = WEDNESDAY
    (item,) = advice(world, cases(world, body, None), due_on=due)
    assert run(due + timedelta(days=1)).advice == 1
    for days in range(2, 15):
        assert run(due + timedelta(days=days)).advice == 0
    assert run(due + timedelta(days=15)).advice == 1
    assert run(due + timedelta(days=16)).advice == 0
    (_first, second) = told(world.case_handler)
    assert second.subject == nb(
        "Reminder: advice still not answered: %(case)s, %(body)s",
        case=item.case.reference,
        body=body,
    )
    assert "15" in second.body  # days past its date
    assert sorted(Reminder.objects.values_list("step", flat=True)) == [1, 2]


def test_a_missed_day_is_caught_up(world, body) -> None:
    # The worker was down for days: advice 5 days past its date gets its first reminder now,
    # and advice 20 days past gets one reminder (the second step), not two at once.
    late, later = cases(world, body, None, n=2)
    advice(world, [late], due_on=WEDNESDAY - timedelta(days=5))
    advice(world, [later], due_on=WEDNESDAY - timedelta(days=20))

    assert run(WEDNESDAY).advice == 2

    assert len(told(world.case_handler)) == 2
    assert sorted(Reminder.objects.values_list("step", flat=True)) == [1, 2]
    assert run(WEDNESDAY + timedelta(days=1)).advice == 0


def test_advice_long_past_its_date_is_not_chased(world, body) -> None:
    # The first run after an upgrade must not remind of every old piece of advice still open.
    advice(world, cases(world, body, None), due_on=WEDNESDAY - timedelta(days=61))
    assert run(WEDNESDAY).advice == 0


def test_advice_to_a_unit_reminds_the_units_case_handlers(world, body) -> None:
    other_handler = UserFactory.create(email="handler2@example.no")
    StaffRole.objects.create(
        user=other_handler, organisation=world.clinic, role=StaffRole.Role.CASE_HANDLER
    )
    advice(
        world,
        cases(world, body, None, owner_person=None, owner_unit=world.hf),
        due_on=WEDNESDAY - timedelta(days=1),
        recipient_unit=world.hf,
    )

    run(WEDNESDAY)

    assert len(told(world.case_handler)) == 1  # the HF's case handler
    assert told(other_handler) == []  # a case handler elsewhere is not asked
    assert told(world.administrator) == []


def test_a_body_without_secretariat_staff_reminds_the_owners_secretariat(world, body) -> None:
    body.secretariat.clear()
    other = UserFactory.create(email="sekretariat2@example.no")
    StaffRole.objects.create(user=other, organisation=world.rhf, role=StaffRole.Role.SECRETARIAT)
    advice(world, cases(world, body, None), due_on=WEDNESDAY - timedelta(days=1))

    run(WEDNESDAY)

    assert len(told(world.secretary)) == 1  # secretariat role in the owner HF
    assert len(told(other)) == 1  # and above it
    assert told(world.administrator) == []


def test_reminders_are_mailed_in_each_recipients_language(
    world, body, django_capture_on_commit_callbacks
) -> None:
    world.case_handler.language = "en"
    world.case_handler.save(update_fields=["language"])
    world.secretary.language = "nb"
    world.secretary.save(update_fields=["language"])
    (item,) = advice(world, cases(world, body, None), due_on=WEDNESDAY - timedelta(days=1))
    reference = item.case.reference

    with django_capture_on_commit_callbacks(execute=True):
        run(WEDNESDAY)

    by_address = {message.to[0]: message for message in mail.outbox}
    english = by_address[world.case_handler.email]
    assert english.subject == f"[Medvirke] Advice not answered by its date: {reference}, {body}"
    assert "Answer whether the advice is followed, and why." in english.body
    norwegian = by_address[world.secretary.email]
    assert norwegian.subject == "[Medvirke] " + nb(
        "Advice past its date without an answer: %(case)s, %(body)s", case=reference, body=body
    )
    assert (
        norwegian.subject
        != f"[Medvirke] Advice past its date without an answer: {reference}, {body}"
    )


def test_a_daily_digest_reader_gets_the_reminder_in_the_digest_not_at_once(
    world, body, django_capture_on_commit_callbacks
) -> None:
    world.case_handler.notification_mode = Notification.Mode.DAILY
    world.case_handler.save(update_fields=["notification_mode"])
    advice(world, cases(world, body, None), due_on=WEDNESDAY - timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        run(WEDNESDAY)

    assert [m.to for m in mail.outbox] == [[world.secretary.email]]
    assert told(world.case_handler)[0].emailed_at is None  # waits for send_digests


# --- papers due ---------------------------------------------------------------------------------


def friday_meeting(world: Any, body: Body, **kw: Any) -> Meeting:
    """A meeting on Friday 19 March at 10:00; papers due a week before, Friday the 12th at 10,
    so the reminder is due from Wednesday the 10th (two working days before)."""
    return meeting(world, body, datetime(2027, 3, 19, 10, tzinfo=OSLO), **kw)


def test_working_days_before_skip_the_weekend() -> None:
    assert working_days_before(date(2027, 3, 12), 2) == date(2027, 3, 10)  # Fri → Wed
    assert working_days_before(date(2027, 3, 15), 2) == date(2027, 3, 11)  # Mon → Thu
    assert working_days_before(date(2027, 3, 14), 2) == date(2027, 3, 11)  # Sun → Thu


def test_papers_due_remind_the_secretariat_and_the_case_owner_once(world, body) -> None:
    friday = friday_meeting(world, body)
    with_paper, without, also_without = cases(world, body, friday, n=3)
    paper(world, friday, with_paper)
    paper(world, friday, None)  # a paper for the whole meeting is no case's paper

    assert run(WEDNESDAY - timedelta(days=1)).papers == 0  # three working days before: not yet
    sent = run(WEDNESDAY)

    assert sent.papers == 1
    (to_secretariat,) = told(world.secretary)
    assert to_secretariat.url == reverse("meeting_detail", args=[friday.pk])
    assert to_secretariat.subject == nb(
        "Papers due %(due)s: %(body)s, meeting %(when)s",
        due="12.03.2027 10:00",
        body=body,
        when="19.03.2027 10:00",
    )
    assert without.reference in to_secretariat.body
    assert also_without.reference in to_secretariat.body
    assert with_paper.reference not in to_secretariat.body
    (to_owner,) = told(world.case_handler)
    assert without.title in to_owner.body
    assert run(WEDNESDAY).papers == 0
    assert run(WEDNESDAY + timedelta(days=1)).papers == 0  # once per meeting
    assert Notification.objects.count() == 2


def test_each_case_owner_hears_of_their_own_cases_only(world, body) -> None:
    friday = friday_meeting(world, body)
    other_owner = UserFactory.create(email="eier@example.no")
    (mine,) = cases(world, body, friday)
    (theirs,) = cases(world, body, friday, owner_person=other_owner)

    run(WEDNESDAY)

    (to_other,) = told(other_owner)
    assert theirs.title in to_other.body
    assert mine.title not in to_other.body
    (to_handler,) = told(world.case_handler)
    assert theirs.title not in to_handler.body


def test_a_weekend_before_the_deadline_moves_the_reminder_to_thursday(world, body) -> None:
    # Meeting Monday the 22nd, papers due Monday the 15th: two working days before is Thursday.
    monday = meeting(world, body, datetime(2027, 3, 22, 10, tzinfo=OSLO))
    cases(world, body, monday)
    assert run(WEDNESDAY).papers == 0
    assert run(date(2027, 3, 11)).papers == 1


def test_a_missed_day_of_papers_due_is_caught_up_until_the_deadline(world, body) -> None:
    friday = friday_meeting(world, body)
    cases(world, body, friday)
    # The worker was down on Wednesday and Thursday; Friday at 05:30 the deadline (10:00) is
    # still ahead: the reminder goes out then.
    assert run(date(2027, 3, 12)).papers == 1


def test_no_papers_reminder_once_the_deadline_has_passed(world, body) -> None:
    friday = friday_meeting(world, body)
    cases(world, body, friday)
    assert run(date(2027, 3, 12), now=moment(date(2027, 3, 12), 10, 1)).papers == 0
    assert run(date(2027, 3, 13)).papers == 0


def test_no_papers_reminder_when_every_case_has_papers(world, body) -> None:
    friday = friday_meeting(world, body)
    for case in cases(world, body, friday, n=2):
        paper(world, friday, case)
    assert run(WEDNESDAY).papers == 0


def test_no_papers_reminder_for_a_meeting_without_cases(world, body) -> None:
    friday_meeting(world, body)
    assert run(WEDNESDAY).papers == 0


@pytest.mark.parametrize("status", [Meeting.Status.HELD, Meeting.Status.MINUTES_APPROVED])
def test_no_papers_reminder_for_a_meeting_no_longer_ahead(world, body, status) -> None:
    # The model has no "cancelled" status: a meeting that will not take place is marked held
    # or moved; only planned and called meetings are reminded of.
    cases(world, body, friday_meeting(world, body, status=status))
    assert run(WEDNESDAY).papers == 0


def test_no_papers_reminder_for_a_body_that_has_ended(world, body) -> None:
    cases(world, body, friday_meeting(world, body))
    Body.objects.filter(pk=body.pk).update(ended_on=date(2027, 3, 1))
    assert run(WEDNESDAY).papers == 0


def test_the_papers_reminder_follows_the_meetings_own_deadline(world, body) -> None:
    # Papers due 14 days before the Friday 26 March meeting: Friday the 12th again.
    long_notice = meeting(world, body, datetime(2027, 3, 26, 10, tzinfo=OSLO), deadline_days=14)
    cases(world, body, long_notice)
    assert run(WEDNESDAY - timedelta(days=1)).papers == 0
    assert run(WEDNESDAY).papers == 1


# --- the job --------------------------------------------------------------------------------------


def test_the_scheduler_runs_the_reminders_without_cron(world, body) -> None:
    (job,) = [job for job in scheduler.JOBS if job.name == "remind_advice_and_papers"]
    advice(world, cases(world, body, None), due_on=WEDNESDAY - timedelta(days=1))

    # Before 05:30: the job for the day before (nothing due then); at 05:30 the day's.
    assert scheduler.run_due_jobs(moment(WEDNESDAY, 5, 0), [job]) == [job.name]
    assert Notification.objects.count() == 0
    assert scheduler.run_due_jobs(moment(WEDNESDAY, 5, 30), [job]) == [job.name]
    assert Notification.objects.count() == 2
    assert scheduler.run_due_jobs(moment(WEDNESDAY, 6, 0), [job]) == []


def test_the_command_takes_the_day(world, body, capsys) -> None:
    advice(world, cases(world, body, None), due_on=date(2027, 3, 9))
    call_command("remind_advice_and_papers", "--on", "2027-03-10")
    assert "1 advice reminder(s)" in capsys.readouterr().out
    call_command("remind_advice_and_papers", "--on", "2027-03-10")
    assert "0 advice reminder(s)" in capsys.readouterr().out


def _queries(day: date) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as ctx:
        sent = run(day)
    return len(ctx.captured_queries), sent


def test_the_jobs_queries_do_not_grow_with_the_advice_due(world, body) -> None:
    # Both bodies have secretariat staff: the fallback to the owner's secretariat costs one
    # look-up per owner organisation, which the organisation tree's (cached) index answers.
    other = make_council(world, name="Ungdomsrådet")

    def some(n: int, due_on: date) -> None:
        for council in (body, other):
            half = cases(world, council, None, n=n // 2, owner_person=None, owner_unit=world.hf)
            advice(world, half[: n // 4], due_on=due_on)
            advice(world, half[n // 4 :], due_on=due_on, recipient_unit=world.hf)

    some(10, WEDNESDAY - timedelta(days=1))
    few, sent_few = _queries(WEDNESDAY)
    some(200, WEDNESDAY)
    many, sent_many = _queries(WEDNESDAY + timedelta(days=1))

    assert (sent_few.advice, sent_many.advice) == (10, 200)
    assert many == few


def test_the_jobs_queries_do_not_grow_with_the_meetings_due(world, body) -> None:
    def some(n: int, starts: datetime) -> None:
        for i in range(n):
            on = meeting(world, body, starts + timedelta(minutes=i))
            cases(world, body, on, n=2)
            cases(world, body, on, owner_person=None, owner_unit=world.hf)

    some(2, datetime(2027, 3, 19, 10, tzinfo=OSLO))
    few, sent_few = _queries(WEDNESDAY)
    some(20, datetime(2027, 3, 22, 10, tzinfo=OSLO))
    many, sent_many = _queries(date(2027, 3, 11))

    assert (sent_few.papers, sent_many.papers) == (2, 20)
    assert many == few


def test_advice_answered_after_the_first_reminder_gets_no_second(world, body) -> None:
    (item,) = advice(world, cases(world, body, None), due_on=WEDNESDAY)
    assert run(WEDNESDAY + timedelta(days=1)).advice == 1
    Advice.objects.filter(pk=item.pk).update(status=AdviceStatus.FOLLOWED)
    assert run(WEDNESDAY + timedelta(days=15)).advice == 0


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_each_reminder_once(world) -> None:
    import threading

    if connection.vendor == "sqlite":
        # The in-memory test database's shared cache refuses a second writer at once ("table
        # is locked") instead of waiting; a real SQLite file waits out its busy timeout.
        pytest.skip("concurrent writers need PostgreSQL or an SQLite file")
    council = make_council(world)
    Notification.objects.all().delete()
    advice(world, cases(world, council, None, n=3), due_on=WEDNESDAY - timedelta(days=1))
    both = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            both.wait(timeout=10)
            run(WEDNESDAY)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Reminder.objects.count() == 3
    assert Notification.objects.filter(user=world.case_handler).count() == 3
    assert Notification.objects.filter(user=world.secretary).count() == 3
