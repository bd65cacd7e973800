"""Calendar addresses after a password change and when an account is closed.

A calendar feed's token is the only key to it, and a password change leaves it alone: whoever
copied a person's calendar address while they knew the password can keep reading it. After a
password change or reset the person is told so on the page they land on, with a link to the
button that resets all their addresses; a deactivated account's own address is reset at once,
so that reactivating the account does not bring the old address back. Here, not in accounts:
accounts may not import meetings, meetings may listen to accounts."""

from typing import Any

from allauth.account.signals import password_changed, password_reset
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .models import CalendarFeed


@receiver([password_changed, password_reset], dispatch_uid="meetings_offer_calendar_reset")
def offer_calendar_reset(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if request is None or user is None or not CalendarFeed.objects.known_to(user).exists():
        return
    messages.warning(
        request,
        format_html(
            '{} <a class="ds-link" href="{}">{}</a>',
            _(
                "Your password is changed, but your calendar addresses still work for anyone "
                "who has them."
            ),
            reverse("my_calendar") + "#tilbakestill",
            _("Reset my calendar addresses"),
        ),
    )


@receiver(post_save, sender=get_user_model(), dispatch_uid="meetings_reset_feed_on_deactivation")
def reset_feed_of_deactivated_account(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw") or instance.is_active:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "is_active" not in update_fields:
        return  # this save did not deactivate; an earlier one already reset the address
    # Only the person's own address: a body's address is shared by its whole secretariat, and
    # whoever runs the body resets it on the body's calendar page when someone leaves.
    CalendarFeed.objects.filter(user=instance).reset_all()
