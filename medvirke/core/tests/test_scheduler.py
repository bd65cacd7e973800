"""The daily jobs run without cron: the scheduler in `medvirke worker` runs each job once a day
at its time, catches up a missed day, retries a failed one, and with several workers still runs
each once. The clock is passed in, so the days go by in the test."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from medvirke.core import scheduler
from medvirke.core.models import Notification, PeriodicRun
from medvirke.core.notify import notify
from medvirke.core.scheduler import PeriodicJob, run_due_jobs

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in March 2027, Oslo time (the TIME_ZONE the jobs' hours are in)."""
    return datetime(2027, 3, day, hour, minute, tzinfo=OSLO)


class Recorder:
    """A job that remembers the days it ran for, and can be told to fail."""

    def __init__(self) -> None:
        self.days: list[date] = []
        self.failures = 0

    def __call__(self, day: date) -> str:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("the mail server is down")
        self.days.append(day)
        return f"ran for {day}"


@pytest.fixture
def job() -> tuple[PeriodicJob, Recorder]:
    recorder = Recorder()
    return PeriodicJob("test_job", time(6, 0), recorder), recorder


def test_a_due_job_runs_once_and_not_again_the_same_day(job) -> None:
    periodic, ran = job
    assert run_due_jobs(at(10, 6, 0), [periodic]) == ["test_job"]
    assert run_due_jobs(at(10, 6, 1), [periodic]) == []
    assert run_due_jobs(at(10, 23, 59), [periodic]) == []
    assert run_due_jobs(at(11, 5, 59), [periodic]) == []  # still the 10th's turn: done
    assert run_due_jobs(at(11, 6, 30), [periodic]) == ["test_job"]
    assert run_due_jobs(at(11, 6, 31), [periodic]) == []
    assert ran.days == [date(2027, 3, 10), date(2027, 3, 11)]
    run = PeriodicRun.objects.get(job="test_job", day=date(2027, 3, 11))
    assert run.status == PeriodicRun.Status.SUCCEEDED
    assert run.output == "ran for 2027-03-11"


def test_a_first_start_before_the_hour_runs_yesterdays_job(job) -> None:
    periodic, ran = job
    assert run_due_jobs(at(10, 5, 59), [periodic]) == ["test_job"]
    assert ran.days == [date(2027, 3, 9)]


def test_a_missed_day_is_caught_up_on_the_next_start(job) -> None:
    periodic, ran = job
    run_due_jobs(at(10, 7), [periodic])
    # The worker is down from the 10th in the evening until the 12th at 04:00: the 11th's run
    # was missed, and is made up for at once; the 12th's follows at its time.
    assert run_due_jobs(at(12, 4), [periodic]) == ["test_job"]
    assert run_due_jobs(at(12, 5), [periodic]) == []
    assert run_due_jobs(at(12, 6), [periodic]) == ["test_job"]
    assert ran.days == [date(2027, 3, 10), date(2027, 3, 11), date(2027, 3, 12)]


def test_a_long_outage_runs_the_job_once_not_once_per_day_missed(job) -> None:
    periodic, ran = job
    run_due_jobs(at(1, 7), [periodic])
    assert run_due_jobs(at(9, 7), [periodic]) == ["test_job"]
    assert ran.days == [date(2027, 3, 1), date(2027, 3, 9)]


def test_a_failed_job_is_recorded_and_tried_again_later_up_to_the_limit(job) -> None:
    periodic, ran = job
    ran.failures = scheduler.MAX_ATTEMPTS
    run_due_jobs(at(10, 6), [periodic])
    failed = PeriodicRun.objects.get()
    assert failed.status == PeriodicRun.Status.FAILED
    assert "RuntimeError: the mail server is down" in failed.output
    assert run_due_jobs(at(10, 6, 5), [periodic]) == []  # waits RETRY_AFTER
    later = at(10, 6) + scheduler.RETRY_AFTER + timedelta(minutes=1)
    assert run_due_jobs(later, [periodic]) == ["test_job"]
    last = later + scheduler.RETRY_AFTER + timedelta(minutes=1)
    assert run_due_jobs(last, [periodic]) == ["test_job"]
    assert run_due_jobs(last + timedelta(hours=1), [periodic]) == []  # given up for the day
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (PeriodicRun.Status.FAILED, scheduler.MAX_ATTEMPTS)
    assert ran.days == []
    assert run_due_jobs(at(11, 6), [periodic]) == ["test_job"]  # the next day is a new day
    assert ran.days == [date(2027, 3, 11)]


def test_a_job_another_worker_is_running_is_left_to_it(job) -> None:
    periodic, ran = job
    PeriodicRun.objects.create(
        job="test_job",
        day=date(2027, 3, 10),
        status=PeriodicRun.Status.RUNNING,
        started_at=at(10, 6),
    )
    assert run_due_jobs(at(10, 6, 1), [periodic]) == []
    assert ran.days == []


def test_a_run_left_by_a_killed_worker_is_taken_over(job) -> None:
    periodic, ran = job
    PeriodicRun.objects.create(
        job="test_job",
        day=date(2027, 3, 10),
        status=PeriodicRun.Status.RUNNING,
        started_at=at(10, 6),
    )
    assert run_due_jobs(at(10, 6) + scheduler.STALE_AFTER, [periodic]) == ["test_job"]
    assert ran.days == [date(2027, 3, 10)]
    assert PeriodicRun.objects.get().attempts == 2


def test_jobs_run_at_local_time_across_the_change_to_summer_time(job) -> None:
    periodic, _ran = job
    run_due_jobs(at(27, 7), [periodic])
    # 28 March 2027: clocks go from 02:00 to 03:00. 05:30 local is 03:30 UTC that day.
    assert run_due_jobs(datetime(2027, 3, 28, 3, 30, tzinfo=ZoneInfo("UTC")), [periodic]) == []
    assert run_due_jobs(datetime(2027, 3, 28, 4, 0, tzinfo=ZoneInfo("UTC")), [periodic]) == [
        "test_job"
    ]


def test_the_daily_digest_goes_out_from_the_scheduler_without_cron(
    world, django_capture_on_commit_callbacks
) -> None:
    world.secretary.notification_mode = Notification.Mode.DAILY
    world.secretary.save(update_fields=["notification_mode"])
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.secretary], "Nytt møte")
    assert mail.outbox == []

    ran = run_due_jobs(at(10, 6, 30))

    assert set(ran) == {job.name for job in scheduler.JOBS}
    assert [m.to for m in mail.outbox] == [[world.secretary.email]]
    assert Notification.objects.get().emailed_at is not None
    runs = PeriodicRun.objects.filter(day=date(2027, 3, 10))
    assert {run.job: run.status for run in runs} == {
        job.name: PeriodicRun.Status.SUCCEEDED for job in scheduler.JOBS
    }
    assert runs.get(job="send_digests").output == "1 digest(s) sent"
    assert run_due_jobs(at(10, 7)) == []  # and once only
    assert len(mail.outbox) == 1


def test_term_reminders_are_run_for_the_day_they_are_due(world, monkeypatch) -> None:
    days = []

    def remember(on):
        days.append(on)
        return 0

    monkeypatch.setattr("medvirke.bodies.services.remind_expiring_terms", remember)
    monkeypatch.setattr(
        "medvirke.bodies.management.commands.remind_expiring_terms.remind_expiring_terms", remember
    )
    run_due_jobs(at(10, 4, 0))  # before 05:00: the 9th's reminders, caught up
    run_due_jobs(at(10, 5, 0))
    assert days == [date(2027, 3, 9), date(2027, 3, 10)]


def test_the_worker_command_in_batch_mode_runs_the_due_jobs(
    world, settings, capsys, monkeypatch
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # Inside the test's transaction the worker's connection check would drop the connection.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    call_command("worker", "--batch", verbosity=0)
    assert set(PeriodicRun.objects.values_list("job", flat=True)) == {
        job.name for job in scheduler.JOBS
    }
    assert "periodic jobs run:" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_the_same_moment_run_a_job_once() -> None:
    import threading
    from time import sleep

    from django.db import connection

    if connection.vendor == "sqlite":
        # The in-memory test database's shared cache refuses a second writer at once ("table
        # is locked") instead of waiting; a real SQLite file waits out its busy timeout.
        pytest.skip("concurrent writers need PostgreSQL or an SQLite file")

    ran: list[str] = []
    both_looking = threading.Barrier(2)

    def slow_job(day: date) -> str:
        ran.append(threading.current_thread().name)
        sleep(0.5)  # the other worker finds the run still going
        return "done"

    periodic = PeriodicJob("shared_job", time(6, 0), slow_job)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            both_looking.wait(timeout=10)
            run_due_jobs(at(10, 6, 30), [periodic])
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, name=f"worker-{i}") for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(ran) == 1
    assert PeriodicRun.objects.get(job="shared_job").status == PeriodicRun.Status.SUCCEEDED
