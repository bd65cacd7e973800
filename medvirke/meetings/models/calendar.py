"""Calendar feeds (iCal) at secret addresses: one per person (the meetings of the bodies they
sit in) and one per body. The token is the only key, so resetting it (a new token) makes the
old address stop working at once. A password change does not touch the tokens, so whoever
copied an address while they had the password keeps it: after a password change or reset the
person is offered to reset every address their login shows (`known_to(...).reset_all()`), and
a deactivated account's own address is reset at once (meetings/signals.py)."""

import secrets
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medvirke.bodies.models import Body


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeedQuerySet(models.QuerySet["CalendarFeed"]):
    def known_to(self, user: Any) -> "CalendarFeedQuerySet":
        """The addresses the person's login shows: their own calendar and the calendars of the
        bodies whose secretariat they are in."""
        runs = Body.secretariat.through.objects.filter(user=user).values("body_id")
        return self.filter(Q(user=user) | Q(body_id__in=runs))

    def reset_all(self) -> int:
        """A new secret address for every feed here; returns how many were reset."""
        with transaction.atomic():
            feeds = list(self.select_for_update())
            for feed in feeds:
                feed.reset()
        return len(feeds)


class CalendarFeed(models.Model):
    """A secret calendar address for a person or for a body (exactly one of them)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feed",
        verbose_name=_("person"),
    )
    body = models.OneToOneField(
        Body,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feed",
        verbose_name=_("body"),
    )
    token = models.CharField(_("secret key"), max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, body__isnull=True)
                | Q(user__isnull=True, body__isnull=False),
                name="calendar_feed_person_or_body",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user or self.body)

    def reset(self) -> None:
        """A new secret address; the old one stops working."""
        self.token = new_token()
        self.save(update_fields=["token"])
