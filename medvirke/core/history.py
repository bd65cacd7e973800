"""Writing the history. Every change to a tracked record goes through `save_with_history` or
`record`, inside the caller's transaction, so the change and its history commit together."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .models import AccessLogEntry, AuditEvent, TrackedModel


def _label(user: Any) -> str:
    if user is None:
        return "system"
    return getattr(user, "display_name", None) or str(user)


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    changes: dict[str, list[Any]] | None = None,
    parent: models.Model | None = None,
    note: str = "",
) -> AuditEvent:
    """Append one history event about `obj` (optionally belonging to `parent`)."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_label(actor),
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        parent_type=(
            ContentType.objects.get_for_model(parent, for_concrete_model=False) if parent else None
        ),
        parent_id=str(parent.pk) if parent else "",
        changes=changes or {},
        note=note,
    )


def save_with_history(
    obj: TrackedModel,
    *,
    actor: Any,
    action: str | None = None,
    parent: models.Model | None = None,
    note: str = "",
) -> AuditEvent | None:
    """Save `obj` and append what changed; a save that changes nothing writes no event."""
    with transaction.atomic():
        adding = obj._state.adding
        changes = obj.tracked_changes()
        if not adding and not changes:
            return None
        if adding:
            obj.save()
        else:
            # auto_now fields (updated_at) are refreshed only when named in update_fields.
            auto_now = [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
            obj.save(update_fields=[*changes, *auto_now])
        obj.mark_saved()
        return record(
            actor=actor,
            action=action or (AuditEvent.Action.CREATED if adding else AuditEvent.Action.UPDATED),
            obj=obj,
            changes=changes,
            parent=parent,
            note=note,
        )


def log_access(*, actor: Any, obj: models.Model, purpose: str, path: str = "") -> AccessLogEntry:
    """Record that `actor` read sensitive data in `obj` (GDPR art. 9; Normen logging)."""
    return AccessLogEntry.objects.create(
        actor=actor,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        purpose=purpose[:200],
        path=path[:500],
    )
