"""The benchmark's background writer: `python -m bench.writer --rate 2 --stats FILE`.

While the pages are measured it makes `--rate` recorded changes a second through the
services, as people would: a member's absence notice for an upcoming meeting, a paper the
secretariat publishes to an upcoming meeting, a case handler's answer to advice, a
representative's edit of their own profile. Each writes its history row in its own
transaction (core/history.py), so every cache keyed by the history, and every cached copy of
what changed, is out of date within a second. A change a service refuses (the member already
sent a notice, the meeting started) is tried on the next object; the refusals are counted.

It takes the odd meeting and advice ids (the write rounds take the even ones, bench/writes.py),
runs until SIGTERM or `--max-seconds` (bounded either way), and writes what it did to the
`--stats` JSON file when it stops. Needs the benchmark's environment (DATABASE_URL and the
settings), which bench/runner.py passes on.
"""

import argparse
import importlib
import itertools
import json
import os
import random
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
STOP = False


def _stop(_signum: int, _frame: Any) -> None:
    global STOP
    STOP = True


def refusals() -> tuple[type[BaseException], ...]:
    """The exceptions with which services refuse a change (wherever they live now)."""
    from django.core.exceptions import PermissionDenied, ValidationError

    found: list[type[BaseException]] = [PermissionDenied, ValidationError]
    for module, name in (
        ("medvirke.core.errors", "RefusedError"),
        ("medvirke.meetings.services", "RefusedError"),
        ("medvirke.representatives.services", "ConsentRequired"),
    ):
        try:
            found.append(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            continue
    return tuple(found)


def lineage(org_id: int) -> list[int]:
    """The organisation and those above it."""
    from medvirke.organisations.models import Organisation

    found: list[int] = []
    current: int | None = org_id
    while current is not None and current not in found:
        found.append(current)
        current = Organisation.objects.filter(pk=current).values_list("parent_id", flat=True)[0]
    return found


def absence_changes(rng: random.Random) -> Iterator[Callable[[], Any]]:
    from django.utils import timezone

    from bench.generate.meetings import generated_meetings
    from medvirke.bodies.models import Term
    from medvirke.meetings import services
    from medvirke.meetings.models import Meeting
    from medvirke.representatives.models import Representative

    meetings = [
        m
        for m in generated_meetings()
        .filter(starts_at__gt=timezone.now() + timedelta(days=1))
        .select_related("body")
        .order_by("starts_at", "pk")
        if m.pk % 2 == 1
    ]
    rng.shuffle(meetings)
    for meeting in meetings:
        day = timezone.localtime(meeting.starts_at).date()
        terms = Term.objects.current(day).filter(
            seat__body_id=meeting.body_id, seat__retired_on__isnull=True
        )
        for rep_id in terms.values_list("representative_id", flat=True):
            rep = Representative.objects.select_related("user").get(pk=rep_id)
            if rep.deleted_at is None and rep.user.is_active:

                def notice(m: Meeting = meeting, rep: Any = rep) -> Any:
                    return services.send_absence_notice(
                        m, representative=rep, by=rep.user, reason="Kan ikke komme."
                    )

                yield notice


def paper_changes(rng: random.Random) -> Iterator[Callable[[], Any]]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from bench.generate.meetings import generated_meetings
    from medvirke.meetings import services

    meetings = list(
        generated_meetings()
        .filter(starts_at__gt=timezone.now())
        .select_related("body")
        .prefetch_related("body__secretariat")
        .order_by("pk")
    )
    rng.shuffle(meetings)
    for n, meeting in enumerate(itertools.cycle(meetings)):
        secretariat = list(meeting.body.secretariat.all())
        if secretariat:
            by = secretariat[n % len(secretariat)]

            def paper(meeting: Any = meeting, by: Any = by, n: int = n) -> Any:
                return services.publish_paper(
                    meeting,
                    upload=SimpleUploadedFile(f"vedlegg-{n}.pdf", PDF, "application/pdf"),
                    title=f"Vedlegg {n}",
                    by=by,
                )

            yield paper


def advice_changes(rng: random.Random) -> Iterator[Callable[[], Any]]:
    from bench.generate.bodies import generated_bodies
    from medvirke.meetings import services
    from medvirke.meetings.models import Advice, AdviceResponse
    from medvirke.meetings.permissions import ANSWERING_ROLES
    from medvirke.organisations.models import StaffRole

    ids = [
        pk
        for pk in Advice.objects.filter(case__body__in=generated_bodies()).values_list(
            "pk", flat=True
        )
        if pk % 2 == 1
    ]
    rng.shuffle(ids)
    statuses = list(AdviceResponse.Status.values)
    for n, pk in enumerate(itertools.cycle(ids)):
        advice = Advice.objects.select_related("case__body").get(pk=pk)
        if advice.recipient_unit_id is None:
            continue
        role = (
            StaffRole.objects.filter(
                role__in=ANSWERING_ROLES, organisation_id__in=lineage(advice.recipient_unit_id)
            )
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if role is not None:

            def answer(advice: Any = advice, user: Any = role.user, n: int = n) -> Any:
                return services.respond_to_advice(
                    advice,
                    status=statuses[n % len(statuses)],
                    reasoning="Vurdert i ledermøtet.",
                    by=user,
                )

            yield answer


def profile_changes(rng: random.Random) -> Iterator[Callable[[], Any]]:
    from bench.generate.representatives import generated_representatives
    from medvirke.representatives import services

    ids = list(
        generated_representatives()
        .filter(deleted_at__isnull=True)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    rng.shuffle(ids)
    times = ["Kvelder", "Dagtid", "Helger", "Etter avtale"]
    for n, pk in enumerate(itertools.cycle(ids)):
        from medvirke.representatives.models import Representative

        rep = Representative.objects.select_related("user").get(pk=pk)

        def edit(rep: Any = rep, n: int = n) -> None:
            rep.availability = f"{times[n % len(times)]} ({n})"
            services.update_profile(rep, wished_areas=None, by=rep.user)

        yield edit


def run(rate: float, max_seconds: float, seed: int, stats_path: Path | None) -> dict[str, Any]:
    from django.db import close_old_connections

    refused_by = refusals()
    rng = random.Random(seed)
    sources = {
        "absence notices": absence_changes(rng),
        "papers": paper_changes(rng),
        "answers to advice": advice_changes(rng),
        "profile edits": profile_changes(rng),
    }
    made: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    errors: list[str] = []
    started = time.monotonic()
    interval = 1.0 / rate
    due = started
    kinds = itertools.cycle(list(sources))
    while not STOP and time.monotonic() - started < max_seconds and sources:
        kind = next(kinds)
        if kind not in sources:
            continue
        # A refused change is tried on the next object at once; a few in a row at most.
        for _attempt in range(20):
            try:
                change = next(sources[kind])
            except StopIteration:
                del sources[kind]
                kinds = itertools.cycle(list(sources))
                break
            try:
                change()
            except refused_by:
                refused[kind] += 1
                continue
            except Exception as error:
                errors.append(f"{kind}: {type(error).__name__}: {error}"[:300])
                close_old_connections()
                break
            made[kind] += 1
            break
        due += interval
        time.sleep(max(0.0, due - time.monotonic()))
    seconds = time.monotonic() - started
    stats = {
        "made": sum(made.values()),
        "by_kind": dict(made),
        "refused": sum(refused.values()),
        "refused_by_kind": dict(refused),
        "errors": len(errors),
        "first_errors": errors[:5],
        "seconds": round(seconds, 1),
        "rate": round(sum(made.values()) / max(seconds, 1e-9), 2),
        "target_rate": rate,
    }
    if stats_path is not None:
        stats_path.write_text(json.dumps(stats, indent=2, ensure_ascii=False) + "\n")
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.writer", description=__doc__)
    parser.add_argument("--rate", type=float, default=2.0, help="changes a second")
    parser.add_argument("--max-seconds", type=float, default=3600.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stats", type=Path)
    args = parser.parse_args(argv)
    if not 0 < args.rate <= 50:
        parser.error("--rate must be above 0 and at most 50")
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medvirke.settings")
    import django

    django.setup()
    stats = run(args.rate, args.max_seconds, args.seed, args.stats)
    print(json.dumps(stats), flush=True)
    return 0 if not stats["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
