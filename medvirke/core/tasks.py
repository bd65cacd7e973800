"""Background tasks: retrying a failed e-mail, and what a finished task keeps.

E-mails are `django.tasks` tasks queued in the database (django-tasks-db) and run by
`medvirke worker`. The backend runs each queued task once; a mail server that is down for a
while must not lose the mail, so a mail task that fails calls `retry_later()`, which queues the
same task again after a growing delay, and then raises, so the failed attempt is recorded with
its traceback for the operators (/drift/, "Task results"). After the last attempt it gives up
and logs an error; the failed rows stay visible.

A finished task's arguments, but for its attempt number, are blanked (`forget_arguments`): an
invitation task carries the invitation's secret link token, which must not outlive the sending
in a table every database reader and backup has.
"""

import logging
from datetime import timedelta
from typing import Any

from django.tasks import Task
from django.tasks.signals import task_finished
from django.utils import timezone

logger = logging.getLogger(__name__)

# Delays before the 2nd, 3rd, ... attempt: a short outage is bridged within minutes, a longer
# one within the working day. Six attempts in all, the last about 3½ hours after the first.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=2),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


class MailNotSent(Exception):
    """Some of a task's e-mails were not sent (each was logged); marks the attempt failed."""


def retry_later(task: Task, *args: Any, attempt: int, **kwargs: Any) -> bool:
    """Queue `task(*args, attempt=attempt + 1, **kwargs)` after the delay for that attempt.

    Returns False, queueing nothing, after the last attempt or when the backend cannot run a
    task later (the immediate backend of the tests: a retry there would run at once, in a loop).
    """
    backend = task.get_backend()
    if not backend.supports_defer:
        return False
    if attempt >= MAX_ATTEMPTS:
        logger.error("%s gave up after %s attempts", task.module_path, attempt)
        return False
    delay = RETRY_DELAYS[attempt - 1]
    task.using(run_after=timezone.now() + delay).enqueue(*args, attempt=attempt + 1, **kwargs)
    logger.warning("%s attempt %s failed; again in %s", task.module_path, attempt, delay)
    return True


def forget_arguments(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """Blank the stored arguments of a finished database task (connected in CoreConfig.ready)."""
    db_result = getattr(task_result, "db_result", None)
    if db_result is None:  # another backend: nothing stored
        return
    try:
        # Only the attempt number stays: the operators see which try of the e-mail this was.
        attempt = (db_result.args_kwargs or {}).get("kwargs", {}).get("attempt", 1)
        type(db_result).objects.filter(pk=db_result.pk).update(
            args_kwargs={"args": [], "kwargs": {"attempt": attempt}}
        )
    except Exception:  # never turn a sent mail into a failed task over this
        logger.exception("could not blank the arguments of task %s", db_result.pk)


def connect() -> None:
    task_finished.connect(forget_arguments, dispatch_uid="medvirke_forget_task_arguments")
