"""Notifications: tell people what happened, in the app and by e-mail.

`notify()` writes one in-app notification per person inside the caller's transaction (so a
rolled-back change notifies nobody) and, after commit, enqueues the e-mail to those who want
one per notification. People who chose a daily digest get one e-mail a day from the
`send_digests` command.

Texts are written once, in English, as lazy translations with `%(name)s` parameters, and are
rendered in each recipient's own language (a secretary reading Bokmål and a representative
reading English get the same notification in their languages). Each text is a whole sentence:
a translated label (a role) is never pasted into the middle of one, and anything counted goes
through `ngettext_lazy` with a named count, so "1 seat" and "3 seats" read right in both.
"""

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import ngettext

from .models import Notification
from .tasks import MailNotSent, retry_later

Text = str | Promise
logger = logging.getLogger(__name__)


def _render(text: Text | Sequence[Text], params: Mapping[str, Any] | None) -> str:
    """`text` with `params` in the active language (parameters may be lazy translations too);
    a sequence of texts becomes paragraphs.

    Counts stay numbers: a text from `ngettext_lazy(singular, plural, "count")` picks its
    singular or plural form (by the recipient's language's rules) from `params["count"]` when
    the parameters are applied to it, before it becomes a string."""
    if not isinstance(text, str | Promise):
        return "\n\n".join(_render(part, params) for part in text if part)
    if not params:
        return str(text)
    values = {
        key: value if isinstance(value, int) and not isinstance(value, bool) else str(value)
        for key, value in params.items()
    }
    return str(text % values)


@dataclass(frozen=True)
class Message:
    """One notification for some people, as `notify()` takes it: `notify_many()` writes many
    of these (a daily job's reminders, each with its own text and link) at once."""

    users: Iterable[Any]
    subject: Text
    body: Text | Sequence[Text] = ""
    url: str = ""
    params: Mapping[str, Any] | None = None
    key: str = ""


def notify(
    users: Iterable[Any],
    subject: Text,
    body: Text | Sequence[Text] = "",
    url: str = "",
    *,
    params: Mapping[str, Any] | None = None,
    key: str = "",
    exclude: Any = None,
) -> list[Notification]:
    """Notify each of `users` (duplicates, inactive accounts and `exclude` — usually the person
    who acted — skipped).

    `subject` and `body` are (lazy) translatable texts formatted with `params` in each
    recipient's language; a list of texts as `body` becomes paragraphs. A non-empty `key`
    makes the notification once-only per person: someone who already has a notification with
    that key gets no second one.
    """
    return notify_many([Message(users, subject, body, url, params, key)], exclude=exclude)


def notify_many(messages: Iterable[Message], *, exclude: Any = None) -> list[Notification]:
    """`notify()` for many messages in a fixed number of queries, however many messages and
    people: one look-up of the once-only keys, one INSERT, one mail task after commit. A daily
    job reminding of hundreds of records must not cost a query or two per record."""
    skip = getattr(exclude, "pk", None)
    wanted: list[tuple[Message, dict[int, Any]]] = []
    for message in messages:
        people: dict[int, Any] = {}
        for user in message.users:
            active = getattr(user, "is_active", True)
            if user is not None and user.pk and user.pk != skip and active:
                people.setdefault(user.pk, user)
        if people:
            wanted.append((message, people))
    if not wanted:
        return []
    taken: set[tuple[int, str]] = set()
    keys = {message.key for message, _people in wanted if message.key}
    if keys:
        user_ids = {pk for message, people in wanted if message.key for pk in people}
        taken = set(
            Notification.objects.filter(key__in=keys, user_id__in=user_ids).values_list(
                "user_id", "key"
            )
        )
    rows = []
    for message, people in wanted:
        for user in people.values():
            if message.key:
                if (user.pk, message.key) in taken:
                    continue
                taken.add((user.pk, message.key))  # the same key twice in this call: once
            language = getattr(user, "language", None) or settings.LANGUAGE_CODE
            with translation.override(language):
                rows.append(
                    Notification(
                        user=user,
                        subject=_render(message.subject, message.params)[:300],
                        body=_render(message.body, message.params),
                        url=message.url[:500],
                        key=message.key,
                    )
                )
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    immediate = [
        n.pk
        for n in created
        if getattr(n.user, "notification_mode", Notification.Mode.IMMEDIATE)
        == Notification.Mode.IMMEDIATE
    ]
    if immediate:
        # robust: a mail server that is down must not turn a saved change into an error page.
        transaction.on_commit(lambda: send_notification_emails.enqueue(immediate), robust=True)
    return created


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" if line.strip() else "" for line in text.splitlines())


def _link(url: str) -> str:
    return settings.SITE_URL + url if url.startswith("/") else url


@task
def send_notification_emails(notification_ids: list[int], attempt: int = 1) -> None:
    """E-mail each notification to its person (runs after commit through django.tasks).
    Each is marked as e-mailed once sent, so a retry sends only what is left: those that
    failed are tried again later (core/tasks.py), and this attempt is recorded as failed."""
    failed: list[int] = []
    error: Exception | None = None
    notifications = (
        Notification.objects.filter(pk__in=notification_ids)
        .not_emailed()
        .filter(user__is_active=True, user__notification_mode=Notification.Mode.IMMEDIATE)
        .select_related("user")
    )
    for notification in notifications:
        user: Any = notification.user
        with translation.override(user.language or settings.LANGUAGE_CODE):
            text = render_to_string(
                "core/email/notification.txt",
                {"notification": notification, "link": _link(notification.url), "user": user},
            )
            subject = "[Medvirke] " + notification.subject
        try:
            send_mail(subject, text, None, [user.email])
        except Exception as exc:  # the rest still go out; this one stays in the app for now
            logger.exception("notification %s to user %s not e-mailed", notification.pk, user.pk)
            failed.append(notification.pk)
            error = exc
            continue
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    if failed:
        retry_later(send_notification_emails, failed, attempt=attempt)
        # Chained, so the recorded traceback shows the mail server's answer.
        message = f"{len(failed)} of {len(notification_ids)} notification(s) not e-mailed"
        raise MailNotSent(message) from error


def send_digests() -> int:
    """One e-mail per person who chose the daily digest, listing every notification not yet
    e-mailed; those are then marked as e-mailed. Returns the number of e-mails sent."""
    pending = (
        Notification.objects.not_emailed()
        .filter(user__is_active=True, user__notification_mode=Notification.Mode.DAILY)
        .select_related("user")
        .order_by("user_id", "created_at", "id")
    )
    by_user: dict[int, list[Notification]] = {}
    for notification in pending:
        by_user.setdefault(notification.user_id, []).append(notification)
    sent = 0
    for items in by_user.values():
        user: Any = items[0].user
        with translation.override(user.language or settings.LANGUAGE_CODE):
            text = render_to_string(
                "core/email/digest.txt",
                {
                    "user": user,
                    "items": [(n, _indent(n.body), _link(n.url)) for n in items],
                    "link": _link(reverse("notifications")),
                },
            )
            subject = "[Medvirke] " + ngettext(
                "%(count)s new notification", "%(count)s new notifications", len(items)
            ) % {"count": len(items)}
        try:
            send_mail(subject, text, None, [user.email])
        except Exception:  # one bad address must not stop everyone else's digest
            logger.exception("digest to user %s failed; kept for the next run", user.pk)
            continue
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=timezone.now())
        sent += 1
    return sent
