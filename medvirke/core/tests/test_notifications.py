"""Notifications: created with the change, e-mailed after commit or in a daily digest, listed
under "Varsler" for the person only, and marked as read."""

import html

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy

from medvirke.core.models import Notification
from medvirke.core.notify import notify
from medvirke.core.testing import count_queries

pytestmark = pytest.mark.django_db

SUBJECT = gettext_lazy("Call for candidates: %(body)s")


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_notify_writes_one_row_per_person_and_e_mails_after_commit(
    world, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = notify(
            [world.secretary, world.secretary, world.coordinator],
            SUBJECT,
            "Frist 1. mars",
            "/utvalg/",
            params={"body": "Brukerutvalget"},
        )
        assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 1
    assert len(created) == 2
    assert {m.to[0] for m in mail.outbox} == {world.secretary.email, world.coordinator.email}
    message = mail.outbox[0]
    assert "Brukerutvalget" in message.subject
    assert "Frist 1. mars" in message.body and "/utvalg/" in message.body
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_notify_skips_inactive_people_and_the_person_who_acted(world) -> None:
    world.auditor.is_active = False
    world.auditor.save()
    created = notify(
        [world.auditor, world.secretary, world.coordinator],
        SUBJECT,
        params={"body": "X"},
        exclude=world.secretary,
    )
    assert [n.user for n in created] == [world.coordinator]


def test_a_rolled_back_transaction_leaves_no_notification_and_sends_nothing(
    world, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify([world.secretary], SUBJECT, params={"body": "X"})
                raise RuntimeError
        except RuntimeError:
            pass
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_a_keyed_notification_is_sent_once_per_person(world) -> None:
    notify([world.secretary], SUBJECT, params={"body": "X"}, key="once")
    notify([world.secretary, world.coordinator], SUBJECT, params={"body": "X"}, key="once")
    assert Notification.objects.filter(user=world.secretary).count() == 1
    assert Notification.objects.filter(user=world.coordinator).count() == 1


def test_texts_follow_each_recipients_language(world) -> None:
    world.coordinator.language = "en"
    world.coordinator.save()
    notify([world.coordinator], SUBJECT, params={"body": "Rådet"})
    assert Notification.objects.get().subject == "Call for candidates: Rådet"


# --- the daily digest -----------------------------------------------------------------------------


def test_daily_people_get_one_digest_with_everything_and_it_is_not_sent_twice(
    world, django_capture_on_commit_callbacks
) -> None:
    world.coordinator.notification_mode = Notification.Mode.DAILY
    world.coordinator.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.coordinator, world.secretary], SUBJECT, "a", params={"body": "Første"})
        notify([world.coordinator], SUBJECT, "b", "/x/", params={"body": "Andre"})
    assert [m.to for m in mail.outbox] == [[world.secretary.email]]  # immediate only
    mail.outbox.clear()
    call_command("send_digests")
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [world.coordinator.email]
    assert "Første" in digest.body and "Andre" in digest.body and "/x/" in digest.body
    assert not Notification.objects.filter(user=world.coordinator, emailed_at__isnull=True)
    mail.outbox.clear()
    call_command("send_digests")
    assert mail.outbox == []


def test_the_digest_leaves_immediate_people_and_read_state_alone(world) -> None:
    notify([world.secretary], SUBJECT, params={"body": "X"})  # no commit: e-mail not sent
    call_command("send_digests")
    assert mail.outbox == []
    assert Notification.objects.get().read_at is None


# --- the list page --------------------------------------------------------------------------------


def test_the_list_shows_my_notifications_only(client, world) -> None:
    notify([world.secretary], SUBJECT, "for sekretæren", params={"body": "Mitt råd"})
    notify([world.coordinator], SUBJECT, "for koordinatoren", params={"body": "Ditt råd"})
    client.force_login(world.secretary)
    page = text(client.get(reverse("notifications")))
    assert "Mitt råd" in page and "Ditt råd" not in page


def test_mark_one_and_all_as_read(client, world) -> None:
    first, second = (
        notify([world.secretary], SUBJECT, params={"body": name})[0] for name in ("A", "B")
    )
    client.force_login(world.secretary)
    response = client.post(reverse("notification_read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    client.post(reverse("notifications_read_all"))
    assert not Notification.objects.unread().exists()


def test_nobody_can_mark_someone_elses_notification(client, world) -> None:
    theirs = notify([world.coordinator], SUBJECT, params={"body": "X"})[0]
    client.force_login(world.secretary)
    assert client.post(reverse("notification_read", args=[theirs.pk])).status_code == 404
    client.post(reverse("notifications_read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_is_post_only_and_the_page_needs_login(client, world) -> None:
    mine = notify([world.secretary], SUBJECT, params={"body": "X"})[0]
    assert client.get(reverse("notifications")).status_code == 302
    client.force_login(world.secretary)
    assert client.get(reverse("notification_read", args=[mine.pk])).status_code == 405


def test_an_outside_next_address_is_not_followed(client, world) -> None:
    mine = notify([world.secretary], SUBJECT, params={"body": "X"})[0]
    client.force_login(world.secretary)
    response = client.post(
        reverse("notification_read", args=[mine.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("notifications")


def test_the_list_query_count_is_flat(client, world) -> None:
    def count() -> int:
        return count_queries(client, reverse("notifications"))

    def grow(n: int) -> None:
        have = Notification.objects.filter(user=world.secretary).count()
        Notification.objects.bulk_create(
            Notification(user=world.secretary, subject=f"Sak {i}", body="Se utvalget.")
            for i in range(have, n)
        )

    client.force_login(world.secretary)
    grow(10)
    small = count()
    grow(1000)
    assert count() == small


# --- the choice on the profile --------------------------------------------------------------------


def test_a_person_chooses_the_daily_digest_on_the_profile(client, world) -> None:
    client.force_login(world.secretary)
    page = text(client.get(reverse("profile")))
    assert 'name="notification_mode"' in page
    response = client.post(
        reverse("profile"),
        {"full_name": "Siri Sekretær", "language": "nb", "notification_mode": "daily"},
    )
    assert response.status_code == 302
    world.secretary.refresh_from_db()
    assert world.secretary.notification_mode == "daily"
    # A post without the field keeps the choice.
    client.post(reverse("profile"), {"full_name": "Siri Sekretær", "language": "nb"})
    world.secretary.refresh_from_db()
    assert world.secretary.notification_mode == "daily"


def test_an_unknown_mode_is_refused_at_the_field(client, world) -> None:
    client.force_login(world.secretary)
    response = client.post(
        reverse("profile"),
        {"full_name": "Siri Sekretær", "language": "nb", "notification_mode": "hourly"},
    )
    assert response.status_code == 200
    assert 'id="id_notification_mode_error"' in text(response)


def test_a_failing_mail_server_does_not_break_the_change_and_the_notice_stays_in_the_app(
    world, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("medvirke.core.notify.send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.secretary, world.coordinator], SUBJECT, params={"body": "X"})
    assert Notification.objects.count() == 2
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2
