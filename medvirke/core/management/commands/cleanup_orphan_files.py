"""`medvirke cleanup_orphan_files [--dry-run] [--older-than MINUTES]`: remove uploaded files
that no row refers to (issue 11, point 11).

A failed save deletes its own file (core/files.py), but two cases leave one behind in
MEDIA_ROOT with no row: a process killed between writing the file and committing, and an outer
transaction rolled back after the file was written. This command walks MEDIA_ROOT and removes
every regular file that no `FileField` of any installed model names, once it is older than
`--older-than` minutes (default 60): an upload still in flight, written but not yet committed,
is never taken. Rows are looked up in batches, so memory stays flat however many files there
are. `--dry-run` lists what would go and removes nothing. Symbolic links are never followed or
removed; empty directories are left in place.

It runs daily: `medvirke worker`'s scheduler (core/scheduler.py, the honest-speed issue's)
starts it at 03:00; by hand it runs like any command.

Examples:
    medvirke cleanup_orphan_files --dry-run
    medvirke cleanup_orphan_files --older-than 120 -v 2
"""

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models

BATCH = 500


def _file_fields(root: Path) -> list[tuple[type[models.Model], str]]:
    """(model, field name) for every concrete FileField whose files live under `root`."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            storage = field.storage
            if isinstance(storage, FileSystemStorage) and Path(storage.location) == root:
                found.append((model, field.name))
    return found


def _files(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    """(name relative to root with forward slashes, stat) of every regular file below root."""
    for directory, _dirs, names in os.walk(root):  # followlinks=False: links are not walked
        for name in names:
            path = os.path.join(directory, name)
            try:
                info = os.lstat(path)
            except FileNotFoundError:  # removed while walking
                continue
            if stat.S_ISREG(info.st_mode):  # not a link, socket or device
                yield Path(os.path.relpath(path, root)).as_posix(), info


class Command(BaseCommand):
    verbosity = 1
    help = (
        "Remove files under MEDIA_ROOT that no row refers to and that are older than "
        "--older-than minutes (default 60). --dry-run only lists them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List the orphan files; remove nothing."
        )
        parser.add_argument(
            "--older-than",
            type=int,
            default=60,
            metavar="MINUTES",
            help="Only files last written at least this long ago (default 60).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(settings.MEDIA_ROOT).resolve()
        minutes: int = options["older_than"]
        dry_run: bool = options["dry_run"]
        self.verbosity = int(options["verbosity"])
        if minutes < 1:
            raise CommandError("--older-than must be at least 1 minute: uploads in flight.")
        if not root.is_dir():
            self.stdout.write(f"{root} does not exist: no files to check.")
            return
        fields = _file_fields(root)
        if not fields:
            raise CommandError(
                f"No model stores files in {root}; refusing to treat every file there as an orphan."
            )
        cutoff = time.time() - minutes * 60
        counts = {"orphan": 0, "bytes": 0, "referenced": 0, "fresh": 0}
        batch: list[tuple[str, os.stat_result]] = []
        for name, info in _files(root):
            if info.st_mtime > cutoff:
                counts["fresh"] += 1
                continue
            batch.append((name, info))
            if len(batch) >= BATCH:
                self._settle(root, fields, batch, counts, dry_run)
                batch = []
        if batch:
            self._settle(root, fields, batch, counts, dry_run)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(
            f"{verb} {counts['orphan']} orphan file(s) ({counts['bytes']} bytes); kept "
            f"{counts['referenced']} referenced and {counts['fresh']} newer than {minutes} "
            "minutes."
        )

    def _settle(
        self,
        root: Path,
        fields: list[tuple[type[models.Model], str]],
        batch: list[tuple[str, os.stat_result]],
        counts: dict[str, int],
        dry_run: bool,
    ) -> None:
        names = [name for name, _info in batch]
        referenced: set[str] = set()
        for model, field in fields:
            referenced.update(
                model._base_manager.filter(**{f"{field}__in": names}).values_list(field, flat=True)
            )
        for name, info in batch:
            if name in referenced:
                counts["referenced"] += 1
                continue
            counts["orphan"] += 1
            counts["bytes"] += info.st_size
            if self.verbosity >= 2:
                self.stdout.write(f"{'would remove' if dry_run else 'removing'} {name}")
            if not dry_run:
                # missing_ok: removed meanwhile (a second run, an operator)
                (root / name).unlink(missing_ok=True)
