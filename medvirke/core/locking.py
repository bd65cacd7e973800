"""The one optimistic lock for edit forms: an integer `version` column on the model, a hidden
`version` field in the form, and `save_if_version` in the service.

An edit form carries the version the record had when the form was opened. Saving locks the row
(`LockableModel.locked()`), compares, and refuses with `StaleEditError` if someone else saved in
between; otherwise it writes the changed fields with the version one higher and the history in
the same transaction. The view catches `StaleEditError`, shows the form again with everything
the person typed and the version now stored (`carry_version`), so the next save, after they
compared, goes through. A form posted without a version (an old tab, a script) is not checked.

Transitions that change a record without an edit form (approve, end, publish) only lock the row;
they do not bump the version, so an open edit form is not made stale by a status change it does
not write. An edit that the form writes always bumps it.
"""

from typing import Any, cast

from django import forms
from django.db import transaction
from django.db.models import Model

from .errors import StaleEditError
from .history import record
from .models import AuditEvent, TrackedModel


class VersionField(forms.IntegerField):
    """The hidden field with the version an edit form was opened with."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)


class VersionedModelForm(forms.ModelForm):
    """A ModelForm that edits a record under the optimistic lock (its model has `version`)."""

    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    @property
    def expected_version(self) -> int | None:
        """The version the form was opened with (after `is_valid()`); None if it carried none."""
        return self.cleaned_data.get("version")


def carry_version(form: forms.BaseForm, version: int | None) -> None:
    """After a StaleEditError: the bound form keeps what was typed and now carries the version
    stored, so saving again (a deliberate choice after comparing) goes through."""
    if version is None:
        return
    data = cast(Any, form.data).copy()  # a QueryDict: a copy keeps multiple values per name
    data[form.add_prefix("version")] = str(version)
    form.data = data


def require_version(current: Model, expected: int | None, message: Any = None) -> None:
    """Refuse with StaleEditError unless the locked row `current` is still at `expected`."""
    stored = current.version  # type: ignore[attr-defined]
    if expected is not None and stored != expected:
        raise StaleEditError(*([message] if message else []), version=stored)


def save_version[T: TrackedModel](
    obj: T,
    current: T,
    *,
    actor: Any,
    parent: Model | None = None,
    also_changed: bool = False,
    extra_changes: dict[str, list[Any]] | None = None,
    stamp: dict[str, Any] | None = None,
    note: str = "",
) -> bool:
    """Write `obj`'s edit over `current` (the same row, locked by the caller, maybe the same
    object): the fields that differ from the locked row, the version one higher, and a history
    event. The version also moves, with no field changed, for `also_changed` (rows belonging to
    the record changed and have their own history: the minutes' conclusions) and for
    `extra_changes` (a change the row's fields do not show, recorded in this event: a body's
    secretariat). `stamp` sets fields only when the save goes ahead (who changed it last).
    Returns whether it saved."""
    obj._loaded_values = current._loaded_values  # diff against the row as it is now
    if not _changes(obj) and not also_changed and not extra_changes:
        return False
    for name, value in (stamp or {}).items():
        setattr(obj, name, value)
    changes = _changes(obj)
    version = current.version + 1  # type: ignore[attr-defined]
    obj.version = version  # type: ignore[attr-defined]
    auto_now = [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
    obj.save(update_fields=list(dict.fromkeys([*changes, "version", *auto_now])))
    obj.mark_saved()
    current.version = version  # type: ignore[attr-defined]
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATED,
        obj=obj,
        changes={**changes, **(extra_changes or {})},
        parent=parent,
        note=note,
    )
    return True


def save_if_version[T: TrackedModel](
    obj: T,
    *,
    expected: int | None,
    actor: Any,
    parent: Model | None = None,
    message: Any = None,
) -> bool:
    """Save an edit of `obj` unless its row moved past `expected` since the form was opened:
    lock, compare (StaleEditError), then `save_version`. Returns whether anything changed."""
    with transaction.atomic():
        current = obj.locked()
        require_version(current, expected, message)
        return save_version(obj, current, actor=actor, parent=parent)


def _changes(obj: TrackedModel) -> dict[str, list[Any]]:
    # The version is bookkeeping: never part of what the history says changed.
    return {k: v for k, v in obj.tracked_changes().items() if k != "version"}
