"""The secretariat's verbs on bodies and calls that `services.py` does not have: create a body
with its secretariat, edit a body under an optimistic lock, close a call, and conflict warnings
for a whole list of nominees in a fixed number of queries (the call page).

Each verb runs in one transaction and writes the history in it, like the services."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from medvirke.core.errors import StaleEditError as StaleEditError  # the edit view catches it here
from medvirke.core.history import record, save_with_history
from medvirke.core.locking import require_version, save_version
from medvirke.core.models import AuditEvent
from medvirke.organisations.models import Organisation
from medvirke.representatives.models import EmploymentDeclaration

from . import services
from .models import Body, Call, Nomination, Seat, Term


def _names(users: Any) -> str:
    return ", ".join(sorted(u.display_name for u in users))


def create_body(body: Body, *, secretariat: Any, by: Any) -> Body:
    """`services.create_body` plus the secretariat staff, recorded in the same history."""
    with transaction.atomic():
        services.create_body(body, by=by)
        people = list(secretariat)
        if people:
            body.secretariat.set(people)
            record(
                actor=by,
                action=AuditEvent.Action.UPDATED,
                obj=body,
                parent=body.owner,
                changes={"secretariat": [None, _names(people)]},
            )
    return body


def update_body(
    body: Body, *, secretariat: Any, by: Any, expected_version: int | None = None
) -> list[Seat]:
    """Save an edited body (fields and secretariat) with its history and make its seats match
    the new counts. Refuses with StaleEditError if the body was saved since the form was opened
    at `expected_version` (core/locking.py; a change of the secretariat moves the version too).
    Returns occupied seats above the new counts: they are kept until their terms end."""
    with transaction.atomic():
        current = body.locked()
        require_version(current, expected_version)
        old_people = list(current.secretariat.all())
        new_people = list(secretariat)
        people = None
        if {u.pk for u in old_people} != {u.pk for u in new_people}:
            people = {"secretariat": [_names(old_people) or None, _names(new_people) or None]}
        save_version(body, current, actor=by, parent=body.owner, extra_changes=people)
        if people:
            body.secretariat.set(new_people)
        services.sync_seats(body)
        counts = body.seat_counts()
        return [
            seat
            for seat in body.seats.filter(retired_on__isnull=True).order_by("role", "rank")
            if seat.rank > counts.get(seat.role, 0)
        ]


def close_call(call: Call, *, by: Any) -> Call:
    """Stop accepting nominations. Pending nominations can still be appointed or declined."""
    with transaction.atomic():
        locked = call.locked("body", lock_related=True)
        if locked.closed_at is not None:
            raise services.RefusedError(_("The call has already been closed."))
        locked.closed_at = timezone.now()
        save_with_history(locked, actor=by, parent=locked.body, action=AuditEvent.Action.ENDED)
    call.closed_at = locked.closed_at
    return locked


def owner_unit_ids(body: Body) -> set[int]:
    """The owner and the units below it, as `services.conflict_warnings` finds them."""
    return set(Organisation.objects.below(body.owner).values_list("pk", flat=True))


def nominee_warnings(
    body: Body, nominations: list[Nomination], years: float | None = None
) -> dict[int, list[services.Warning]]:
    """`services.conflict_warnings` for many nominees at once, keyed by nomination id.

    The same rules and messages (a test holds them equal), but a fixed number of queries
    however many people were nominated, so the call page stays fast."""
    if not nominations:
        return {}
    years = body.term_years if years is None else years
    owner_ids = owner_unit_ids(body)
    rep_ids = {n.representative_id for n in nominations}
    today = timezone.localdate()
    employments: dict[int, list[EmploymentDeclaration]] = {}
    for employment in EmploymentDeclaration.objects.filter(
        representative_id__in=rep_ids, employer_id__in=owner_ids
    ).order_by("-starts_on"):
        employments.setdefault(employment.representative_id, []).append(employment)
    served: dict[int, float] = {}
    for term in Term.objects.filter(representative_id__in=rep_ids, seat__body=body):
        served[term.representative_id] = served.get(term.representative_id, 0) + term.years()
    result: dict[int, list[services.Warning]] = {}
    for nomination in nominations:
        person = nomination.representative
        warnings = []
        for employment in employments.get(person.pk, []):
            if employment.is_current(today):
                warnings.append(
                    services.Warning(
                        "employment",
                        _(
                            "%(person)s is employed by %(employer)s, which belongs to the body's "
                            "owner. "
                            "Staff should not represent users at their own workplace."
                        )
                        % {"person": person, "employer": employment.employer_name},
                    )
                )
        total = served.get(person.pk, 0) + years
        if total > body.max_years:
            warnings.append(
                services.Warning(
                    "max_years",
                    _(
                        "With this term %(person)s would have served %(years)s years in "
                        "%(body)s; the "
                        "maximum is %(max)s."
                    )
                    % {
                        "person": person,
                        "years": number_format(total, 1),
                        "body": body,
                        "max": body.max_years,
                    },
                )
            )
        result[nomination.pk] = warnings
    return result


def add_years(day: date, years: int) -> date:
    """The same day `years` later (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
