"""Calendar feeds (iCal) at secret addresses: one per person (the meetings of the bodies they
sit in) and one per body. The token is the only key, so resetting it (a new token) makes the
old address stop working at once."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medvirke.bodies.models import Body


def new_token() -> str:
    return secrets.token_urlsafe(32)


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
