"""The append-only history (audit trail) and the access log.

Both tables only ever grow: the model refuses updates and deletes, and a database trigger
(see migration 0002) refuses UPDATE statements too, so not even a bulk query can rewrite history.
"""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a history or access-log row."""


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_object(self, obj: models.Model) -> "AuditEventQuerySet":
        """Events about `obj` itself and about records that belong to it (roles, invitations)."""
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        pk = str(obj.pk)
        return self.filter(
            models.Q(content_type=ct, object_id=pk) | models.Q(parent_type=ct, parent_id=pk)
        )

    def newest_first(self) -> "AuditEventQuerySet":
        return self.select_related("actor", "content_type").order_by("-at", "-id")


class AuditEvent(AppendOnlyModel):
    """One change to a record: who, when, what, and each changed field's old and new value."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Changed")
        DELETED = "deleted", _("Deleted")
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        GRANTED = "granted", _("Granted")
        ENDED = "ended", _("Ended")
        REACTIVATED = "reactivated", _("Reactivated")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    # PROTECT: a person who has acted is anonymised, never deleted, so the trail stays whole.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor name"), max_length=300, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    # The record this one belongs to (a role's organisation), so its history page shows both.
    parent_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    parent_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("history event")
        verbose_name_plural = _("history")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["parent_type", "parent_id"], name="audit_parent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def change_rows(self) -> list[tuple[str, Any, Any]]:
        """(field label, old, new) for display; labels come from the model as it is today."""
        model = self.content_type.model_class()
        rows = []
        for name, (old, new) in sorted(self.changes.items()):
            label: Any = name
            if model is not None:
                try:
                    label = getattr(model._meta.get_field(name), "verbose_name", name)
                except Exception:  # a field removed since: show its stored name
                    label = name
            rows.append((str(label), old, new))
        return rows


class AccessLogQuerySet(models.QuerySet["AccessLogEntry"]):
    def for_object(self, obj: models.Model) -> "AccessLogQuerySet":
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        return self.filter(content_type=ct, object_id=str(obj.pk))


class AccessLogEntry(AppendOnlyModel):
    """One read of sensitive data (health data, GDPR art. 9): who looked at what, when, why."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    purpose = models.CharField(_("purpose"), max_length=200)
    path = models.CharField(_("address"), max_length=500, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["content_type", "object_id"], name="access_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.purpose} {self.object_repr}"


# Stands in the history for a value that must not be copied there (health data).
REDACTED = "•••"


class TrackedModel(models.Model):
    """Remembers the field values it was loaded with, so a save can tell history what changed."""

    class Meta:
        abstract = True

    _loaded_values: dict[str, Any]
    # Fields never copied into the history (secrets, bookkeeping).
    history_exclude: frozenset[str] = frozenset({"password", "last_login"})
    # Fields whose change is recorded but whose values are not (health data, GDPR art. 9).
    history_redact: frozenset[str] = frozenset()

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any, **kwargs: Any) -> Any:
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance

    def tracked_changes(self) -> dict[str, list[Any]]:
        """{field name: [old, new]} for concrete fields changed since load (all fields if new)."""
        loaded = getattr(self, "_loaded_values", None)
        changes: dict[str, list[Any]] = {}
        for field in self._meta.concrete_fields:
            if field.primary_key or field.name in self.history_exclude:
                continue
            new = getattr(self, field.attname)
            old = loaded.get(field.attname) if loaded is not None else None
            if loaded is None and new in (None, "", False):
                continue
            if loaded is not None and old == new:
                continue
            if field.name in self.history_redact:
                changes[field.name] = [REDACTED if old else None, REDACTED if new else None]
            else:
                changes[field.name] = [_jsonable(old), _jsonable(new)]
        return changes

    def mark_saved(self) -> None:
        """After a save, the current values become the baseline for the next diff."""
        self._loaded_values = {
            f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields
        }


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
