"""An invitation's e-mail leaves the request: the page answers once the mail is queued, and
`medvirke worker` sends it; a mail server that is away is tried again later."""

import re
import smtplib

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from medvirke.core import tasks as core_tasks
from medvirke.core.testing_tasks import run_worker, use_task_queue
from medvirke.organisations import services
from medvirke.organisations.models import StaffRole

pytestmark = pytest.mark.django_db

READY, FAILED, SUCCESSFUL = "READY", "FAILED", "SUCCESSFUL"


@pytest.fixture
def queued(settings, monkeypatch):
    use_task_queue(settings, monkeypatch)


def invite(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.administrator)
    data = {
        "email": "kari.ny@example.no",
        "full_name": "Kari Ny",
        "role": StaffRole.Role.SECRETARIAT,
        "message": "",
    }
    # The request is over once its transaction commits and the after-commit callbacks ran.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organisation_invite", args=[world.hf.pk]), data)
    assert response.status_code == 302
    return response


def test_the_invitation_page_answers_before_the_mail_and_the_worker_sends_it(
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
    client.logout()
    assert client.get(reverse("invitation_accept", args=[match.group(1)])).status_code == 200


def test_a_failed_invitation_mail_is_retried_later_and_the_failure_recorded(
    client, world, queued, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    real_send_mail = services.send_mail
    calls = []

    def send_mail_once_down(*args, **kwargs):
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
