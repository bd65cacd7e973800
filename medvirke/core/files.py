"""Uploaded files that never outlive a failed save (issue 11, point 11).

Django writes an uploaded file to storage when the row is saved, before the INSERT, and a
rolled-back transaction does not take the file back: a paper whose history row, notification or
COMMIT then failed stayed in MEDIA_ROOT with no row, unseen and never deleted. Django has no
"on rollback" hook, so the save is wrapped instead:

    with files_removed_on_error(paper, "file"), transaction.atomic():
        save_with_history(paper, ...)

If anything in the block raises (the COMMIT included, which is why this goes outside the
atomic block), every file the block wrote for those fields is deleted before the exception goes
on. Two cases no code in the request can see are left to the `cleanup_orphan_files` command:
a process killed between writing the file and committing, and an outer transaction (one the
caller opened around this block) rolled back later.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import Model


def _written(instance: Model, field: str) -> tuple[Any, str] | None:
    file = getattr(instance, field)
    if not file or not getattr(file, "_committed", False):
        return None  # nothing stored yet (an upload not saved is still the uploaded object)
    return file.storage, file.name


@contextmanager
def files_removed_on_error(instance: Model, *fields: str) -> Iterator[None]:
    """Delete the files the block stores for `fields` of `instance` if the block raises."""
    before = {field: _written(instance, field) for field in fields}
    try:
        yield
    except BaseException:
        for field in fields:
            after = _written(instance, field)
            if after is not None and after != before[field]:
                storage, name = after
                storage.delete(name)
        raise
