"""With mail queued in the database, an invitation task carries the invitation's secret link
token until it is sent. Whoever reads that token can accept the invitation and take the role.
The queue's admin must not show it, and a sent task must not keep it."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from medvirke.core.testing_tasks import run_worker, use_task_queue
from medvirke.organisations.models import StaffRole

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(settings, monkeypatch):
    use_task_queue(settings, monkeypatch)


def invite(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.administrator)
    data = {
        "email": "kari.ny@example.no",
        "full_name": "Kari Ny",
        "role": StaffRole.Role.SECRETARIAT,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organisation_invite", args=[world.hf.pk]), data)
    assert response.status_code == 302
    client.logout()


def test_attack_operator_reads_a_waiting_invitation_token_in_the_task_admin(
    client, world, queued, django_capture_on_commit_callbacks
) -> None:
    invite(client, world, django_capture_on_commit_callbacks)
    waiting = DBTaskResult.objects.get()
    token = waiting.args_kwargs["args"][1]
    client.force_login(world.superuser)
    url = reverse("admin:django_tasks_database_dbtaskresult_change", args=[waiting.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert token not in page.content.decode()
    listing = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
    assert token not in listing.content.decode()


def test_attack_database_reader_takes_the_token_of_a_sent_invitation(
    client, world, queued, django_capture_on_commit_callbacks
) -> None:
    invite(client, world, django_capture_on_commit_callbacks)
    run_worker()
    match = re.search(r"/invitasjon/(\S+)/", str(mail.outbox[0].body))
    assert match
    stored = list(DBTaskResult.objects.values_list("args_kwargs", "return_value"))
    assert match.group(1) not in str(stored)


def test_attack_staff_member_with_a_model_permission_opens_the_task_admin(
    client, world, queued, django_capture_on_commit_callbacks
) -> None:
    """The package's own admin let any is_staff user with the view permission in."""
    from django.contrib.auth.models import Permission

    invite(client, world, django_capture_on_commit_callbacks)
    world.secretary.is_staff = True
    world.secretary.save(update_fields=["is_staff"])
    world.secretary.user_permissions.add(Permission.objects.get(codename="view_dbtaskresult"))
    client.force_login(world.secretary)
    task = DBTaskResult.objects.get()
    url = reverse("admin:django_tasks_database_dbtaskresult_change", args=[task.pk])
    assert client.get(url).status_code in {302, 403}
    listing = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
    assert listing.status_code in {302, 403}
