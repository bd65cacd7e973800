"""Keep the cached page layout (core/layout.py) true: the menu links to the representative's own
pages once they have a profile."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from medvirke.core.layout import bump_layout

from .models import Representative


@receiver([post_save, post_delete], sender=Representative)
def representative_changed(sender: Any, instance: Representative, **kwargs: Any) -> None:
    # Any save, not only creation: anonymisation or a changed login also changes the menu.
    bump_layout([instance.user_id])
