import importlib
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from .models import AccessLogEntry, AuditEvent, PeriodicRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """The admin (`/drift/`) only reads. Changes go through the pages and services, which write
    the history in the same transaction; an admin form would save without it (an operator could
    tick is_superuser on anyone and leave no trace). Django refuses a POST to the add, change and
    delete views with 403 when these permissions are False, and shows no bulk delete action.
    Only platform operators (superusers) may look, whatever model permissions a person holds."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Every field the form would show becomes read-only, so even a form built with change
        # rights could not save one. Excluded fields stay out: listing them here would display
        # them (the representatives' health data is excluded on purpose).
        excluded = set(self.get_exclude(request, obj) or ())
        declared = list(self.readonly_fields)
        opts = self.model._meta
        return declared + [
            field.name
            for field in [*opts.fields, *opts.many_to_many]
            if field.editable and field.name not in excluded and field.name not in declared
        ]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor_label"]


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "purpose", "object_repr"]
    search_fields = ["object_repr", "purpose"]


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdmin):
    """What the scheduler ran (core/scheduler.py): a failed job shows its traceback here."""

    list_display = ["day", "job", "status", "attempts", "started_at", "finished_at"]
    list_filter = ["status", "job"]


# The task queue of `medvirke worker`: failed e-mails (with their tracebacks) are found here.
# django-tasks-db registers its own admin, which any staff member with a model permission could
# open and which shows each task's arguments (an invitation's secret token until it is sent):
# import it now, before the autodiscovery reaches it, and replace it with a read-only one for
# the platform operators that leaves the arguments out.
importlib.import_module("django_tasks_db.admin")
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(ReadOnlyAdmin):
    list_display = ["enqueued_at", "task_name", "attempt", "status", "run_after", "finished_at"]
    list_filter = ["status", "task_path"]
    ordering = ["-enqueued_at"]
    exclude = ["args_kwargs", "return_value"]
    readonly_fields = ["attempt"]

    @admin.display(description=_("attempt"))
    def attempt(self, obj: DBTaskResult) -> int:
        """Which try of the e-mail this row is (core/tasks.py retries a failed one)."""
        return int((obj.args_kwargs or {}).get("kwargs", {}).get("attempt", 1))
