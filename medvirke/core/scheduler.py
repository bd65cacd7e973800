"""The periodic jobs and the scheduler that runs them: no outside cron.

`medvirke worker` (core/management/commands/worker.py) runs `Scheduler` in a thread beside the
task worker. Every `TICK` seconds it calls `run_due_jobs()`, which runs each job of `JOBS` whose
time of day (local time, `TIME_ZONE`) has come and which has not yet run for that day.

Once a day, whatever the number of workers: a run is claimed by inserting its `PeriodicRun`
row, unique on (job, day); the worker whose insert succeeds runs the job, the others skip it.
A missed day is caught up: until a job's time has come today, the day it is due for is
yesterday, so a worker started at 05:00 after a night's outage first runs yesterday's 03:00 job,
and then today's at 03:00 the next night. Days further back are not run one by one: every job
here catches up on its own (the digest sends whatever is not yet e-mailed, the reminders look at
every term inside their window, the cleanups take everything older than their age).

A job that raises is recorded as failed with its traceback (shown in /drift/) and tried again
`RETRY_AFTER` later, up to `MAX_ATTEMPTS` times that day. A run left "running" by a worker
that was killed is taken over after `STALE_AFTER`.

The jobs of higher apps (the term reminders of `bodies`, the advice and papers reminders of
`meetings`) are run through their management commands, by name: core sits at the bottom of the
layering and imports no app above it.
"""

import io
import logging
import os
import signal
import threading
import time as time_module
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.management import call_command
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import PeriodicRun

logger = logging.getLogger(__name__)

TICK = 60  # seconds between two looks at the clock
RETRY_AFTER = timedelta(minutes=15)
MAX_ATTEMPTS = 3
STALE_AFTER = timedelta(hours=2)  # far longer than any job takes
OUTPUT_LIMIT = 20_000  # characters of output and traceback kept per run


@dataclass(frozen=True)
class PeriodicJob:
    """A job run once a day, at `at` local time or later. `run(day)` does the work for `day`
    (the day it is due for, which is yesterday when it is caught up) and returns a line for the
    operators."""

    name: str
    at: time
    run: Callable[[date], str]


def _command(name: str, **options: object) -> str:
    out = io.StringIO()
    call_command(name, stdout=out, stderr=out, **options)
    return out.getvalue().strip()


def _send_digests(day: date) -> str:
    from .notify import send_digests

    return f"{send_digests()} digest(s) sent"


def _remind_expiring_terms(day: date) -> str:
    return _command("remind_expiring_terms", on=day)


def _remind_advice_and_papers(day: date) -> str:
    return _command("remind_advice_and_papers", on=day)


def _cleanup_orphan_files(day: date) -> str:
    return _command("cleanup_orphan_files")


def _delete_old_form_claims(day: date) -> str:
    from .once import delete_old_claims

    return f"{delete_old_claims()} old form claim(s) deleted"


def _prune_task_results(day: date) -> str:
    from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return "tasks run immediately: no task results stored"
    # Failed mail stays for the operators a season; sent mail only a month.
    output = _command("prune_db_task_results", min_age_days=30, failed_min_age_days=90)
    return output or "finished task results past 30 days (failed: 90 days) deleted"


# Early morning, before people start their day: the digest is in the inbox by then. Spread over
# the night so one job does not wait for another's database work.
JOBS: Sequence[PeriodicJob] = (
    PeriodicJob("send_digests", time(6, 0), _send_digests),
    PeriodicJob("remind_expiring_terms", time(5, 0), _remind_expiring_terms),
    # Before the digests: whoever reads a daily digest finds the day's reminders in it.
    PeriodicJob("remind_advice_and_papers", time(5, 30), _remind_advice_and_papers),
    PeriodicJob("cleanup_orphan_files", time(3, 0), _cleanup_orphan_files),
    PeriodicJob("delete_old_form_claims", time(3, 30), _delete_old_form_claims),
    PeriodicJob("prune_task_results", time(4, 0), _prune_task_results),
)


def due_day(job: PeriodicJob, now: datetime) -> date:
    """The day `job` is due for at `now`: today once its time has come, else yesterday."""
    local = timezone.localtime(now)
    today = local.date()
    return today if local.time() >= job.at else today - timedelta(days=1)


def _claim(job: PeriodicJob, day: date, now: datetime) -> PeriodicRun | None:
    """This worker's claim on `job` for `day`, or None when another worker has it or it is done."""
    try:
        with transaction.atomic():
            return PeriodicRun.objects.create(
                job=job.name, day=day, status=PeriodicRun.Status.RUNNING, started_at=now
            )
    except IntegrityError:
        pass
    # The row exists. Take it over only when its last attempt failed a while ago or its worker
    # died; the conditional update is atomic, so of two workers only one gets the row.
    retry = Q(status=PeriodicRun.Status.FAILED, finished_at__lte=now - RETRY_AFTER)
    stale = Q(status=PeriodicRun.Status.RUNNING, started_at__lte=now - STALE_AFTER)
    taken = (
        PeriodicRun.objects.filter(job=job.name, day=day, attempts__lt=MAX_ATTEMPTS)
        .filter(retry | stale)
        .update(
            status=PeriodicRun.Status.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            finished_at=None,
        )
    )
    return PeriodicRun.objects.get(job=job.name, day=day) if taken else None


def run_job(
    job: PeriodicJob, day: date, run: PeriodicRun, clock: Callable[[], datetime] = timezone.now
) -> bool:
    """Run `job` for `day` under the claim `run` and record the outcome; True if it succeeded."""
    logger.info("periodic job %s for %s: started (attempt %s)", job.name, day, run.attempts)
    try:
        output = job.run(day)
    except Exception:
        logger.exception("periodic job %s for %s failed", job.name, day)
        run.status = PeriodicRun.Status.FAILED
        run.output = traceback.format_exc()[-OUTPUT_LIMIT:]
    else:
        logger.info("periodic job %s for %s: %s", job.name, day, output)
        run.status = PeriodicRun.Status.SUCCEEDED
        run.output = (output or "")[-OUTPUT_LIMIT:]
    run.finished_at = clock()
    run.save(update_fields=["status", "output", "finished_at"])
    return run.status == PeriodicRun.Status.SUCCEEDED


def run_due_jobs(
    now: datetime | None = None, jobs: Sequence[PeriodicJob] | None = None
) -> list[str]:
    """Run every job that is due at `now` (default: the clock) and not yet run for its day by
    any worker. Returns the names of the jobs this call ran."""
    # A clock passed in (the tests') stands still, for the end of a run too.
    clock: Callable[[], datetime] = timezone.now if now is None else (lambda: now)
    ran = []
    for job in JOBS if jobs is None else jobs:
        day = due_day(job, clock())
        claim = _claim(job, day, clock())
        if claim is not None:
            run_job(job, day, claim, clock)
            ran.append(job.name)
    return ran


class Scheduler(threading.Thread):
    """Calls `run_due_jobs()` every `tick` seconds until `stop()`.

    With `parent_pid`, the process stops itself (SIGTERM to itself, which the task worker takes
    as a graceful shutdown) once that process is gone: the worker `medvirke serve` starts beside
    gunicorn must not outlive it."""

    def __init__(
        self,
        *,
        tick: float = TICK,
        parent_pid: int | None = None,
        jobs: Sequence[PeriodicJob] | None = None,
    ) -> None:
        super().__init__(name="medvirke-scheduler", daemon=True)
        self.tick = tick
        self.parent_pid = parent_pid
        self.jobs = JOBS if jobs is None else jobs
        self._stopped = threading.Event()

    def stop(self) -> None:
        self._stopped.set()

    def run(self) -> None:
        if self.jobs:
            names = ", ".join(f"{job.name} {job.at:%H:%M}" for job in self.jobs)
            logger.info("scheduler started: %s", names)
        next_look = time_module.monotonic()
        # Wake every second to notice a stop or a parent gone; look at the jobs every tick.
        while True:
            if self.parent_pid is not None and os.getppid() != self.parent_pid:
                logger.warning("the server that started this worker is gone: stopping")
                os.kill(os.getpid(), signal.SIGTERM)
                return
            if self.jobs and time_module.monotonic() >= next_look:
                next_look = time_module.monotonic() + self.tick
                try:
                    close_old_connections()  # a database restart must not stop the schedule
                    run_due_jobs(jobs=self.jobs)
                except Exception:  # the database is away: try again on the next tick
                    logger.exception("scheduler: could not run the periodic jobs")
                finally:
                    close_old_connections()
            if self._stopped.wait(1.0):
                break
        connection.close()
