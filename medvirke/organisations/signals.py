"""Keep cached pages true: the page layout (core/layout.py) when roles or organisation names
change, and an organisation's cached staff table when its roles or their people change."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from medvirke.core.layout import bump_layout

from . import tree_index
from .models import Organisation, StaffRole


def touch(organisation_ids: Any) -> None:
    """Mark organisations changed without a new edit version (concurrent edits of the
    organisation itself are not affected): their cached staff tables and the tree are rebuilt."""
    Organisation.objects.filter(pk__in=organisation_ids).update(updated_at=timezone.now())


@receiver([post_save, post_delete], sender=StaffRole)
def role_changed(sender: Any, instance: StaffRole, **kwargs: Any) -> None:
    # The menu and the organisation switcher depend on the person's roles.
    bump_layout([instance.user_id])
    touch([instance.organisation_id])


@receiver(post_delete, sender=Organisation)
def organisation_deleted(sender: Any, instance: Organisation, **kwargs: Any) -> None:
    tree_index.forget()


@receiver(post_save, sender=Organisation)
def organisation_saved(sender: Any, instance: Organisation, created: bool, **kwargs: Any) -> None:
    tree_index.forget()  # this request sees the new name or place in the tree at once
    # The switcher shows the names of the person's organisations.
    if not created:
        bump_layout(instance.staff_roles.values_list("user_id", flat=True))


@receiver(post_save, sender=get_user_model())
def person_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    # Staff tables show names and e-mail addresses.
    update_fields = kwargs.get("update_fields")
    if not created and (update_fields is None or {"full_name", "email"} & set(update_fields)):
        touch(StaffRole.objects.filter(user_id=instance.pk).values("organisation_id"))
