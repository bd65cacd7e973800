"""`medvirke worker`: run the queued background tasks (e-mail) and the daily jobs.

One process does both: django-tasks-db's worker takes the tasks queued in the database, one at
a time, and the scheduler (core/scheduler.py) runs the periodic jobs — digests, term reminders,
cleanups — in a thread beside it, each once a day however many workers run. Start as many
workers as the mail volume needs; `medvirke serve` and `medvirke demo` start one.

SIGTERM or Ctrl+C lets the task in hand finish, then stops. A lost database connection does
not end the worker: it waits and starts its loop again.

Examples:
    medvirke worker
    medvirke worker --batch            # run what is queued and the jobs due now, then exit
    medvirke worker --no-scheduler     # tasks only (the jobs run in another worker)
"""

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django.utils.crypto import get_random_string
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from medvirke.core.scheduler import TICK, Scheduler, run_due_jobs

logger = logging.getLogger("medvirke.worker")

RESTART_DELAYS = (1, 5, 15, 60)  # seconds to wait after the loop stopped on an error


class Command(BaseCommand):
    help = (
        "Run the background tasks queued in the database (e-mail) and the daily jobs (digests, "
        "term reminders, cleanups). --batch runs what is queued and due now, then exits."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="Run the queued tasks and due jobs, then exit."
        )
        parser.add_argument(
            "--no-scheduler", action="store_true", help="Run tasks only, not the daily jobs."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds between two looks at an empty queue (default 1).",
        )
        parser.add_argument(
            "--tick",
            type=float,
            default=TICK,
            help=f"Seconds between two looks at the daily jobs (default {TICK}).",
        )
        parser.add_argument(
            "--parent-pid",
            type=int,
            default=None,
            help="Stop when this process is gone (used by `medvirke serve`).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        if not isinstance(backend, DatabaseBackend):
            raise CommandError(
                "TASKS['default'] is not the database backend (MEDVIRKE_TASKS_IMMEDIATE is set, "
                "or this is a test run): tasks run at once and there is nothing to work on."
            )
        scheduler = not options["no_scheduler"]
        worker = Worker(
            queue_names=["default"],
            interval=options["interval"],
            batch=options["batch"],
            backend_name=backend.alias,
            startup_delay=not options["batch"],
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        if options["batch"]:
            if scheduler:
                ran = run_due_jobs()
                self.stdout.write(f"periodic jobs run: {', '.join(ran) or 'none due'}")
            worker.run()
            return
        self.stdout.write(
            f"Medvirke worker {worker.worker_id} started"
            + (" with the scheduler of the daily jobs" if scheduler else "")
        )
        if scheduler or options["parent_pid"]:
            # Without the daily jobs the thread only watches for the parent's end.
            jobs = None if scheduler else ()
            Scheduler(tick=options["tick"], parent_pid=options["parent_pid"], jobs=jobs).start()
        worker.configure_signals()
        failures = 0
        while worker.running:
            try:
                worker.run()
            except Exception:  # the database went away; SystemExit (a signal) passes through
                delay = RESTART_DELAYS[min(failures, len(RESTART_DELAYS) - 1)]
                failures += 1
                logger.exception("worker loop stopped; starting again in %s s", delay)
                connections.close_all()
                time.sleep(delay)
            else:
                failures = 0
