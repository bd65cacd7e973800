"""`medvirke gen_data --scale small|national --seed N [--flush]`: generated benchmark data.

Builds a Norway-sized world of invented organisations and staff, and, through the `generator`
module of each app above (found by name in INSTALLED_APPS order, so this app imports none of
them), representatives and councils with seats, terms, open calls and nominations. See
medvirke/organisations/generator.py for the protocol and medvirke/*/generator.py for what each
scale contains. The same seed always gives the same names and structure. National scale (about
1,400 organisations, 12,000 people of whom 10,000 representatives, 2,000 bodies, 25,000 terms)
takes well under a minute on SQLite and PostgreSQL: rows are inserted with bulk_create, every
person shares one precomputed password hash, and no history rows are written for generated
rows. Every generated person can log in with the password `medvirke-gen-2026`.

Generated rows are marked: users by e-mail addresses ending in `@gen.medvirke.test`,
organisations by `postmottak@<slug>.gen.medvirke.test`; representatives by their user, bodies by
their generated owner and having no history of their own. The command refuses to run when such
rows exist already; `--flush` deletes them (and nothing else: not the demo data, not real rows),
highest app first, before generating again. Deleting fails, and nothing changes, if someone has
since hung real rows under generated ones or a generated person has acted in the history or the
access log (which are append-only: after a benchmark run has opened the representatives list as
a generated coordinator, recreate the database instead, as `bench/run` does).

Examples:
    medvirke gen_data --scale small --seed 1
    medvirke gen_data --scale national --seed 1 --flush
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import ProtectedError

from medvirke.organisations.generator import (
    GEN_PASSWORD,
    SCALES,
    flush_generated,
    generate,
    generated_counts,
)


class Command(BaseCommand):
    help = (
        "Generate invented organisations, staff, representatives and councils for benchmarks "
        "(small or national scale). "
        "Refuses to run over earlier generated data unless --flush is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Delete earlier generated rows (and only those) before generating.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        with transaction.atomic():
            existing = generated_counts()
            if any(existing.values()):
                if not options["flush"]:
                    found = ", ".join(f"{n} {kind}" for kind, n in existing.items() if n)
                    raise CommandError(
                        f"Generated data already exists ({found}). Run again with --flush to "
                        "replace it."
                    )
                try:
                    deleted = flush_generated()
                except ProtectedError as error:
                    raise CommandError(
                        f"Cannot delete the generated data: other rows refer to it ({error})."
                    ) from error
                self.stdout.write(
                    "Deleted: "
                    + ", ".join(f"{n} {label}" for label, n in sorted(deleted.items()) if n)
                )
            summary = generate(SCALES[options["scale"]], options["seed"])
        width = max(len(key) for key in summary)
        for key, n in summary.items():
            self.stdout.write(f"  {key.ljust(width)}  {n:>6}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {options['scale']} scale (seed {options['seed']}) in "
                f"{time.monotonic() - started:.1f} s. Password for every person: {GEN_PASSWORD}"
            )
        )
