"""The append-only history (audit trail) and the access log.

Both tables only ever grow: the model refuses updates and deletes, and database triggers
(migrations 0002 and 0006) refuse UPDATE, DELETE and TRUNCATE statements too, so not even a bulk
query or a database console can rewrite history (docs/operations.md: the roles that hold it).
"""

import json
from typing import Any, Self

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Raised here; defined with the other errors (core/errors.py), importable from both.
from .errors import AppendOnlyError


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


class ShownIdsField(models.JSONField):
    """The primary keys (as strings) of the rows one showing of a list displayed. The lookup
    `includes` finds the showings that displayed a given row, on PostgreSQL through a GIN index
    (migration 0004)."""


@ShownIdsField.register_lookup
class Includes(models.Lookup):
    lookup_name = "includes"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, params = self.process_lhs(compiler, connection)  # a column name from the model
        # SQLite (development and the demo): no index, a scan of the list's ids.
        sql = f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE json_each.value = %s)"  # noqa: S608
        return sql, (*params, str(self.rhs))

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} @> %s::jsonb", (*params, json.dumps([str(self.rhs)]))


class AccessLogQuerySet(models.QuerySet["AccessLogEntry"]):
    def for_object(self, obj: models.Model) -> "AccessLogQuerySet":
        """Every read of `obj`: on its own page, or as one of the rows of a list."""
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        pk = str(obj.pk)
        return self.filter(content_type=ct).filter(
            models.Q(object_id=pk) | models.Q(shown_ids__includes=pk)
        )

    def record_list_read(
        self,
        actor: Any,
        model: type[models.Model],
        rows: list[tuple[Any, str]],
        purpose: str,
        path: str,
    ) -> None:
        """One entry for one showing of a list: every (pk, label) in `rows` it displayed. The
        list pages write this on every showing, so it is one row per showing instead of one
        per person, in a plain INSERT: `create()` spent three times the
        CPU of the statement itself building and saving the instance (docs/benchmarks.md)."""
        if not rows:
            return
        names = ", ".join(label for _pk, label in rows)
        values = {
            "at": connection.ops.adapt_datetimefield_value(timezone.now()),
            "actor": actor.pk,
            "content_type": ContentType.objects.get_for_model(model, for_concrete_model=False).pk,
            "object_id": "",
            "shown_ids": json.dumps([str(pk) for pk, _label in rows]),
            "object_repr": names if len(names) <= 300 else names[:299] + "…",
            "purpose": purpose[:200],
            "path": path[:500],
        }
        meta = AccessLogEntry._meta
        column = {f.name: f.column for f in meta.concrete_fields if f.column}
        columns = ", ".join(connection.ops.quote_name(column[name]) for name in values)
        table = connection.ops.quote_name(meta.db_table)
        marks = ", ".join(["%s"] * len(values))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 - model names
                list(values.values()),
            )


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
    # One object read on its own page; blank for a list, whose rows are in `shown_ids`.
    object_id = models.CharField(max_length=64, blank=True)
    shown_ids = ShownIdsField(_("rows shown"), null=True, blank=True)
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


class LockableModel(models.Model):
    """A row that a transition locks before it reads the state it decides on (the
    `Check.ping` pattern): `locked()` instead of a `select_for_update().get(pk=...)` per verb."""

    class Meta:
        abstract = True

    def locked(self, *related: str, lock_related: bool = False) -> Self:
        """This row as it is now in the database, locked (`SELECT … FOR UPDATE`) until the
        surrounding transaction ends, so two people acting at once are served one after the
        other and the second sees what the first did. `related` is `select_related`; those rows
        are read, not locked, unless `lock_related` (then every joined row is locked too, as a
        bare `select_for_update()` with `select_related` does on PostgreSQL).

        Must be called inside `transaction.atomic()`: outside one the lock would end with the
        statement and protect nothing, so that is refused instead of silently allowed. On SQLite
        the IMMEDIATE transaction already holds the database's write lock."""
        model = type(self)
        using = self._state.db or "default"
        if not transaction.get_connection(using).in_atomic_block:
            raise TransactionManagementError(
                f"{model.__name__}.locked() must be called inside transaction.atomic()"
            )
        of = ["self"]
        if lock_related:
            for path in related:
                parts = path.split("__")
                of += ["__".join(parts[: i + 1]) for i in range(len(parts))]
        rows = model._default_manager.db_manager(using).select_for_update(
            of=tuple(dict.fromkeys(of))
        )
        if related:
            rows = rows.select_related(*related)
        return rows.get(pk=self.pk)


class TrackedModel(LockableModel):
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


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: Any) -> "NotificationQuerySet":
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def not_emailed(self) -> "NotificationQuerySet":
        return self.filter(emailed_at__isnull=True)

    def mark_read(self) -> int:
        """Mark these read now."""
        return self.unread().update(read_at=timezone.now())


class Notification(models.Model):
    """Something a person should know (a call for candidates, an appointment, a resignation):
    shown in the app under "Varsler" and e-mailed at once or in a daily digest, as the person
    chose (User.notification_mode)."""

    class Mode(models.TextChoices):
        # The choices of User.notification_mode; kept here so core never imports accounts.
        IMMEDIATE = "immediate", _("Right away, one e-mail per notification")
        DAILY = "daily", _("Once a day, in one summary e-mail")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("person"),
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # Identifies a notification that must be sent once only (a reminder per term and threshold).
    key = models.CharField(max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~models.Q(key=""), name="notification_key_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.subject}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class FormSubmission(models.Model):
    """The claim of one rendering of a form that creates something (`core/once.py`).

    The unique `key` is what decides a double click or two concurrent identical POSTs: the
    first request inserts it and runs the view, any other finds it taken and is answered with
    the first one's outcome instead of creating a second record. Not history: it records no
    participation, only that a form was sent, and old rows are deleted by age."""

    # SHA-256 of the person's id and the form's token, so one person's token never collides
    # with another's and the table holds nothing that could be replayed as a token.
    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Where the first request sent the person (its redirect); empty while it is still running.
    outcome = models.CharField(max_length=2000, blank=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user_id} {self.outcome or '…'}"


class PeriodicRun(models.Model):
    """One day's run of one periodic job (core/scheduler.py). The unique (job, day) pair is the
    claim: with several workers, the one whose insert succeeds runs the job and the others skip
    it, so each job runs once a day. Kept for the operators in the admin (what ran, when, what it
    said, what failed). Not history: it records the machine's work, not a participation."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    job = models.CharField(_("job"), max_length=100)
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    output = models.TextField(_("output"), blank=True)

    class Meta:
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")
        ordering = ["-day", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "day"], name="periodic_run_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.day:%Y-%m-%d} {self.status}"
