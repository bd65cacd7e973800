"""Test support for the task queue: the production set-up (tasks queued in the database for
`medvirke worker`) in one test, and one batch of the real worker run in the test's process.
The rest of the suite runs tasks immediately (settings.TASKS_IMMEDIATE)."""

from typing import Any

from django.core.management import call_command

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def use_task_queue(settings: Any, monkeypatch: Any) -> None:
    """Queue tasks in the database for this test (pytest-django's `settings`, `monkeypatch`)."""
    settings.TASKS = DATABASE_TASKS
    settings.TASKS_IMMEDIATE = False
    # The worker checks its connection between tasks, as a request does; inside the test's
    # transaction that would drop the connection (Django's test client skips it the same way).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def run_worker(*, scheduler: bool = False) -> None:
    """One batch of the real worker: every task that is due now (and the due daily jobs with
    `scheduler`), then stop."""
    call_command("worker", "--batch", *([] if scheduler else ["--no-scheduler"]), verbosity=0)
