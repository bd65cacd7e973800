"""Keep the in-memory organisation tree (tree_index) true within the request that changes it."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import tree_index
from .models import Organisation


@receiver(post_delete, sender=Organisation)
def organisation_deleted(sender: Any, instance: Organisation, **kwargs: Any) -> None:
    tree_index.forget()


@receiver(post_save, sender=Organisation)
def organisation_saved(sender: Any, instance: Organisation, created: bool, **kwargs: Any) -> None:
    tree_index.forget()  # this request sees the new name or place in the tree at once
