"""The benchmark's national data generator: `python -m bench.generate --scale small|national
--seed N` (see __main__.py), or `generate()` from Python with Django set up.

It fills an empty (freshly migrated) database with an invented Norway-sized world, one module
per app, lowest layer first: organisations.py (organisations and staff), representatives.py,
bodies.py (councils and groups, seats, terms, calls, nominations) and meetings.py (meetings,
cases, advice and answers, minutes, attendance, papers). The same seed always gives the same
names and structure. It lives here, not in the apps, because nothing but the benchmark (and its
tests) uses it; it imports the apps' models, never the other way round.

There is no flush: `bench/run` drops and creates its database before generating, and
`generate()` refuses to run where generated rows exist already.

Generated rows have no history (AuditEvent) rows, by design: they are bulk data for measuring,
inserted with bulk_create or plain INSERTs, not changes anybody made. The changes the
benchmark makes while measuring go through the services and write history (bench/writer.py).
"""

import random
from types import ModuleType
from typing import Any

SCALE_NAMES = ("small", "national")
# Every generated person can log in with this password (kept here so the runner can say so
# without importing Django models).
GEN_PASSWORD = "medvirke-gen-2026"  # noqa: S105 (invented people on test data)


class GeneratedDataExists(Exception):
    """The database already holds generated rows; generate into a fresh database instead."""


def modules() -> list[ModuleType]:
    """The generator modules in the order their steps run (each builds on the ones before)."""
    from . import bodies, meetings, organisations, representatives

    return [organisations, representatives, bodies, meetings]


def generated_counts() -> dict[str, int]:
    """Generated rows already in the database, per kind (all zero in a fresh database)."""
    result: dict[str, int] = {}
    for module in modules():
        result.update(module.counts())
    return result


def generate(scale: str, seed: int) -> dict[str, int]:
    """Run every module's steps with one `random.Random(seed)` in one transaction; returns row
    counts per kind. Raises GeneratedDataExists when generated rows are there already."""
    from django.db import transaction

    from .organisations import SCALES, Context, summarise

    with transaction.atomic():
        existing = generated_counts()
        if any(existing.values()):
            found = ", ".join(f"{n} {kind}" for kind, n in existing.items() if n)
            raise GeneratedDataExists(
                f"Generated data already exists ({found}); generate into a fresh database."
            )
        ctx = Context(rng=random.Random(seed), scale=SCALES[scale])
        for module in modules():
            for step in module.STEPS:
                step(ctx)
        summary: dict[str, Any] = {**summarise(ctx), **ctx.summary}
    return summary
