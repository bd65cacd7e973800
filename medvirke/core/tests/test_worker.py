"""Mail leaves the request: with the database task backend a notification only queues its
e-mail, and `medvirke worker` sends it; a failed send is tried again later, the failure is
recorded for the operators, and after the last attempt it is given up. The rest of the suite
runs tasks immediately (settings.TASKS_IMMEDIATE). The invitation's request-to-worker path is
in organisations/tests/test_invitation_mail_queued.py."""

import os
import smtplib
import sys

import pytest
from django.conf import settings
from django.core import mail
from django.tasks.backends.immediate import ImmediateBackend
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from medvirke.core import notify as notify_module
from medvirke.core import tasks as core_tasks
from medvirke.core.models import Notification
from medvirke.core.notify import notify
from medvirke.core.testing_tasks import run_worker, use_task_queue

pytestmark = pytest.mark.django_db

READY, FAILED, SUCCESSFUL = "READY", "FAILED", "SUCCESSFUL"


@pytest.fixture
def queued(settings, monkeypatch):
    use_task_queue(settings, monkeypatch)


def smtp_down(*args, **kwargs):
    raise ConnectionRefusedError("smtp down")


def due_now() -> None:
    """The retry's delay has passed."""
    DBTaskResult.objects.filter(status=READY).update(run_after=timezone.now())


def test_tests_run_tasks_immediately_by_default() -> None:
    from django.tasks import task_backends

    assert settings.TASKS_IMMEDIATE
    assert isinstance(task_backends["default"], ImmediateBackend)


def test_a_notification_is_queued_and_sent_by_the_worker(
    world, queued, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.secretary], "Nytt møte", "Se møtet.")
    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is None
    assert DBTaskResult.objects.get().status == READY

    run_worker()

    assert [m.to for m in mail.outbox] == [[world.secretary.email]]
    assert Notification.objects.get().emailed_at is not None
    assert DBTaskResult.objects.get().status == SUCCESSFUL


def test_only_the_notifications_that_failed_are_tried_again_later(
    world, queued, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    real_send_mail = notify_module.send_mail

    def refuse_the_coordinator(subject, text, sender, to, **kwargs):
        if to == [world.coordinator.email]:
            raise smtplib.SMTPRecipientsRefused({to[0]: (450, b"mailbox busy")})
        return real_send_mail(subject, text, sender, to, **kwargs)

    monkeypatch.setattr(notify_module, "send_mail", refuse_the_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.secretary, world.coordinator], "Nytt møte")
    before = timezone.now()
    run_worker()

    assert [m.to for m in mail.outbox] == [[world.secretary.email]]
    failed = DBTaskResult.objects.get(status=FAILED)
    assert failed.exception_class_path == "medvirke.core.tasks.MailNotSent"
    assert "SMTPRecipientsRefused" in failed.traceback  # logged and chained for the operators
    retry = DBTaskResult.objects.get(status=READY)
    coordinator_notice = Notification.objects.get(user=world.coordinator)
    assert retry.args_kwargs == {"args": [[coordinator_notice.pk]], "kwargs": {"attempt": 2}}
    assert retry.run_after >= before + core_tasks.RETRY_DELAYS[0]
    run_worker()
    assert len(mail.outbox) == 1  # not before its minute

    monkeypatch.setattr(notify_module, "send_mail", real_send_mail)
    due_now()
    run_worker()
    assert [m.to for m in mail.outbox] == [[world.secretary.email], [world.coordinator.email]]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    retry.refresh_from_db()
    assert retry.status == SUCCESSFUL


def test_a_mail_is_given_up_after_the_last_attempt(
    world, queued, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    monkeypatch.setattr(notify_module, "send_mail", smtp_down)
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.secretary], "Nytt møte")
    for _attempt in range(core_tasks.MAX_ATTEMPTS + 1):
        due_now()
        run_worker()
    assert DBTaskResult.objects.filter(status=FAILED).count() == core_tasks.MAX_ATTEMPTS
    assert not DBTaskResult.objects.filter(status=READY).exists()
    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is None  # still in the app


def test_the_immediate_backend_of_the_tests_does_not_retry(
    world, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    monkeypatch.setattr(notify_module, "send_mail", smtp_down)
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.secretary], "Nytt møte")  # fails inside the test, as before
    assert Notification.objects.get().emailed_at is None
    assert not core_tasks.retry_later(notify_module.send_notification_emails, [1], attempt=1)


def test_operator_sees_the_failed_mail_and_its_traceback_in_the_admin(
    client, world, queued, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    monkeypatch.setattr(notify_module, "send_mail", smtp_down)
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.secretary], "Nytt møte")
    run_worker()
    failed = DBTaskResult.objects.get(status=FAILED)

    client.force_login(world.superuser)
    listing = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_changelist"), {"status__exact": FAILED}
    )
    assert listing.status_code == 200
    assert "send_notification_emails" in listing.content.decode()
    page = client.get(reverse("admin:django_tasks_database_dbtaskresult_change", args=[failed.pk]))
    assert page.status_code == 200
    assert "ConnectionRefusedError" in page.content.decode()


def test_serve_starts_a_worker_that_stops_with_gunicorn(settings, monkeypatch) -> None:
    from medvirke.core.management.commands import serve

    settings.TASKS_IMMEDIATE = False
    started: list[list[str]] = []
    monkeypatch.setattr(serve, "call_command", lambda *args, **kwargs: None)
    monkeypatch.setattr(serve.subprocess, "Popen", lambda argv: started.append(argv))
    monkeypatch.setattr(serve.os, "execv", lambda *args: None)
    monkeypatch.delenv("MEDVIRKE_WORKER", raising=False)
    serve.Command().run_from_argv(["medvirke", "serve"])
    # The worker is told whose child it is: gunicorn's master keeps this process id.
    assert started == [
        [sys.executable, "-m", "medvirke", "worker", "--parent-pid", str(os.getpid())]
    ]

    started.clear()
    monkeypatch.setenv("MEDVIRKE_WORKER", "0")
    serve.Command().run_from_argv(["medvirke", "serve"])
    serve.Command().run_from_argv(["medvirke", "serve", "--no-worker"])
    assert started == []


def test_demo_starts_a_worker_beside_the_server_and_stops_it_on_exit(settings, monkeypatch) -> None:
    from medvirke.core.management.commands import demo

    class FakeWorker:
        def __init__(self, argv: list[str]) -> None:
            self.argv = argv
            self.terminated = False
            started.append(self)

        def terminate(self) -> None:
            self.terminated = True

        def wait(self, timeout: float) -> int:
            return 0

    def runserver(name: str, *args: object, **kwargs: object) -> None:
        if name == "runserver":
            assert started and not started[0].terminated  # running while the server runs
            raise KeyboardInterrupt  # Ctrl+C

    settings.TASKS_IMMEDIATE = False
    started: list[FakeWorker] = []
    monkeypatch.setattr(demo, "call_command", runserver)
    monkeypatch.setattr(demo.subprocess, "Popen", FakeWorker)
    with pytest.raises(KeyboardInterrupt):
        demo.Command().run_from_argv(["medvirke", "demo"])
    assert [w.argv[2:4] for w in started] == [["medvirke", "worker"]]
    assert started[0].terminated
