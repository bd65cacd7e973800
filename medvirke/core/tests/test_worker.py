"""Mail leaves the request: with the database task backend a request that sends mail only queues
it, and `medvirke worker` sends it; a failed send is tried again later and recorded for the
operators. The rest of the suite runs tasks immediately (settings.TASKS_IMMEDIATE)."""

import re
import smtplib

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.tasks.backends.immediate import ImmediateBackend
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from medvirke.core import tasks as core_tasks
from medvirke.core.models import Notification
from medvirke.core.notify import notify
from medvirke.organisations.models import StaffRole

pytestmark = pytest.mark.django_db

READY, FAILED, SUCCESSFUL = "READY", "FAILED", "SUCCESSFUL"


@pytest.fixture
def queued(settings, monkeypatch):  # type: ignore[no-untyped-def]
    """The production set-up: tasks are queued in the database for the worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASKS_IMMEDIATE = False
    # The worker checks its connection between tasks, as a request does; inside the test's
    # transaction that would drop the connection (Django's test client skips it the same way).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def run_worker() -> None:
    """One batch of the real worker, in this process: every task that is due, then stop."""
    call_command("worker", "--batch", "--no-scheduler", verbosity=0)


def invite(client, world, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    client.force_login(world.administrator)
    data = {
        "email": "kari.ny@example.no",
        "full_name": "Kari Ny",
        "role": StaffRole.Role.SECRETARIAT,
        "message": "",
    }
    # The response is complete once the transaction commits and its callbacks have run.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organisation_invite", args=[world.hf.pk]), data)
    assert response.status_code == 302
    return response


def test_tests_run_tasks_immediately_by_default() -> None:
    from django.tasks import task_backends

    assert settings.TASKS_IMMEDIATE
    assert isinstance(task_backends["default"], ImmediateBackend)


def test_an_invitation_request_returns_before_the_mail_and_the_worker_sends_it(
    client, world, queued, django_capture_on_commit_callbacks
) -> None:
    invite(client, world, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    queued_task = DBTaskResult.objects.get()
    assert queued_task.status == READY
    assert queued_task.task_path == "medvirke.organisations.services.send_invitation_email"

    run_worker()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["kari.ny@example.no"]
    match = re.search(r"/invitasjon/(\S+)/", str(mail.outbox[0].body))
    assert match
    queued_task.refresh_from_db()
    assert queued_task.status == SUCCESSFUL
    # The secret link token does not stay in the queue table once the mail is sent.
    assert match.group(1) not in str(queued_task.args_kwargs)
    client.logout()
    link = reverse("invitation_accept", args=[match.group(1)])
    assert client.get(link).status_code == 200


def test_a_notification_is_queued_and_sent_by_the_worker(
    world, queued, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.secretary], "Nytt møte", "Se møtet.")
    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is None

    run_worker()

    assert [m.to for m in mail.outbox] == [[world.secretary.email]]
    assert Notification.objects.get().emailed_at is not None


def test_a_failed_invitation_mail_is_retried_later_and_the_failure_recorded(
    client, world, queued, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    from medvirke.organisations import services

    real_send_mail = services.send_mail
    calls = []

    def send_mail_once_down(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("mail server went away")
        return real_send_mail(*args, **kwargs)

    monkeypatch.setattr(services, "send_mail", send_mail_once_down)
    invite(client, world, django_capture_on_commit_callbacks)

    before = timezone.now()
    run_worker()

    first = DBTaskResult.objects.get(status=FAILED)
    assert first.exception_class_path == "smtplib.SMTPServerDisconnected"
    assert "mail server went away" in first.traceback
    retry = DBTaskResult.objects.get(status=READY)
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert retry.run_after >= before + core_tasks.RETRY_DELAYS[0]
    assert mail.outbox == []  # not yet: the retry waits its minute

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # a minute later
    run_worker()

    retry.refresh_from_db()
    assert retry.status == SUCCESSFUL
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["kari.ny@example.no"]
    assert DBTaskResult.objects.count() == 2


def test_mail_is_given_up_after_the_last_attempt(world, queued, monkeypatch) -> None:
    from medvirke.organisations import services

    def down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(services, "send_mail", down)
    invitation = services.invite(
        organisation=world.hf,
        email="kari.ny@example.no",
        full_name="Kari Ny",
        role=StaffRole.Role.SECRETARIAT,
        by=world.administrator,
    )
    services.send_invitation_email.enqueue(invitation.pk, "token", "nb")
    for _attempt in range(core_tasks.MAX_ATTEMPTS):
        DBTaskResult.objects.filter(status=READY).update(run_after=timezone.now())
        run_worker()
    assert DBTaskResult.objects.filter(status=FAILED).count() == core_tasks.MAX_ATTEMPTS
    assert not DBTaskResult.objects.filter(status=READY).exists()
    assert mail.outbox == []


def test_only_the_notifications_that_failed_are_tried_again(
    world, queued, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    from medvirke.core import notify as notify_module

    real_send_mail = notify_module.send_mail

    def refuse_the_coordinator(subject, text, sender, to, **kwargs):  # type: ignore[no-untyped-def]
        if to == [world.coordinator.email]:
            raise smtplib.SMTPRecipientsRefused({to[0]: (450, b"mailbox busy")})
        return real_send_mail(subject, text, sender, to, **kwargs)

    monkeypatch.setattr(notify_module, "send_mail", refuse_the_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.secretary, world.coordinator], "Nytt møte")
    run_worker()

    assert [m.to for m in mail.outbox] == [[world.secretary.email]]
    assert DBTaskResult.objects.get(status=FAILED).exception_class_path.endswith("MailNotSent")
    retry = DBTaskResult.objects.get(status=READY)
    coordinator_notice = Notification.objects.get(user=world.coordinator)
    assert retry.args_kwargs == {"args": [[coordinator_notice.pk]], "kwargs": {"attempt": 2}}

    monkeypatch.setattr(notify_module, "send_mail", real_send_mail)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()
    assert [m.to for m in mail.outbox] == [[world.secretary.email], [world.coordinator.email]]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_the_immediate_backend_of_the_tests_does_not_retry(world, monkeypatch) -> None:
    from medvirke.core import notify as notify_module

    def down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(notify_module, "send_mail", down)
    result = notify_module.send_notification_emails.enqueue([1])
    assert result.status == SUCCESSFUL  # nothing to send for an unknown id
    assert not core_tasks.retry_later(notify_module.send_notification_emails, [1], attempt=1)


def test_operator_sees_the_failed_mail_in_the_admin_without_its_arguments(
    client, world, queued, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    from medvirke.organisations import services

    def down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(services, "send_mail", down)
    invite(client, world, django_capture_on_commit_callbacks)
    waiting = DBTaskResult.objects.get()
    token = waiting.args_kwargs["args"][1]
    run_worker()
    failed = DBTaskResult.objects.get(status=FAILED)

    client.force_login(world.superuser)
    listing = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_changelist"), {"status__exact": FAILED}
    )
    assert listing.status_code == 200
    assert "send_invitation_email" in listing.content.decode()
    page = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[failed.pk])
    ).content.decode()
    assert "ConnectionRefusedError" in page and "smtp down" in page
    retry = DBTaskResult.objects.get(status=READY)
    pending = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[retry.pk])
    ).content.decode()
    assert token not in page and token not in pending
