"""Workflows over bodies, calls, nominations and terms (001 p.13): open a call → nominate →
appoint or decline → confirm → resign → open a new call from the vacant seat. Each verb runs in
one transaction with its history; races are settled by row locks and constraints."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirke.core.history import record, save_with_history
from medvirke.core.models import AuditEvent
from medvirke.organisations.models import Organisation
from medvirke.representatives.models import Affiliation, Representative

from .models import Body, Call, Nomination, Seat, Term, total_years


class RefusedError(Exception):
    """The action is not allowed; the message says why, in the user's language."""


@dataclass(frozen=True)
class Warning:
    code: str
    message: str


class NeedsOverrideError(Exception):
    """Warnings that must be overridden with a recorded reason."""

    def __init__(self, warnings: list[Warning]) -> None:
        super().__init__("; ".join(w.message for w in warnings))
        self.warnings = warnings


def create_body(body: Body, *, by: Any) -> Body:
    """Save a new body and create its seats from the seat counts."""
    with transaction.atomic():
        save_with_history(body, actor=by, parent=body.owner)
        sync_seats(body)
    return body


def sync_seats(body: Body) -> None:
    """Make the seats match the counts: add missing seats; retire surplus empty ones."""
    existing: dict[tuple[str, int], Seat] = {
        (s.role, s.rank): s for s in body.seats.filter(retired_on__isnull=True)
    }
    for role, count in body.seat_counts().items():
        for rank in range(1, count + 1):
            if (role, rank) not in existing:
                Seat.objects.update_or_create(
                    body=body, role=role, rank=rank, defaults={"retired_on": None}
                )
        for (seat_role, rank), seat in existing.items():
            if seat_role == role and rank > count and not seat.terms.current().exists():
                seat.retired_on = timezone.localdate()
                seat.save(update_fields=["retired_on"])


def vacant_seats(body: Body) -> list[Seat]:
    held = Term.objects.filter(ended_on__isnull=True).values("seat_id")
    return list(
        body.seats.filter(retired_on__isnull=True).exclude(pk__in=held).order_by("role", "rank")
    )


def open_call(
    *,
    body: Body,
    seats: list[Seat],
    deadline: date,
    recipients: list[Organisation],
    by: Any,
    profile_wanted: str = "",
    areas: Any = (),
) -> Call:
    if deadline < timezone.localdate():
        raise RefusedError(_("The deadline cannot be in the past."))
    if not seats:
        raise RefusedError(_("Choose at least one seat."))
    if not recipients:
        raise RefusedError(_("Choose at least one organisation or forum to ask."))
    with transaction.atomic():
        call = Call(body=body, deadline=deadline, profile_wanted=profile_wanted, opened_by=by)
        save_with_history(call, actor=by, parent=body)
        call.seats.set(seats)
        call.recipients.set(recipients)
        call.areas_wanted.set(areas)
    return call


def open_call_for_vacancy(seat: Seat, *, by: Any, deadline: date | None = None) -> Call:
    """One step from a vacant seat to a new call, sent to the organisations that nominated
    the seat's last holder (or the body owner's forum of organisations, if none)."""
    last = seat.terms.order_by("-starts_on").first()
    recipients = [last.nominated_by] if last and last.nominated_by else []
    if not recipients:
        recipients = list(Organisation.objects.filter(kind=Organisation.Kind.FORUM)[:1])
    return open_call(
        body=seat.body,
        seats=[seat],
        recipients=recipients,
        by=by,
        deadline=deadline or timezone.localdate() + timedelta(days=21),
    )


def conflict_warnings(
    representative: Representative, body: Body, years: float = 0
) -> list[Warning]:
    """Employment in the owner organisation or its units (000 merknad; 001 p.18), and a term
    that would take total time in the body past its maximum."""
    warnings = []
    owner_ids = {body.owner_id}
    level = [body.owner_id]
    for _depth in range(5):
        level = list(Organisation.objects.filter(parent_id__in=level).values_list("id", flat=True))
        if not level:
            break
        owner_ids.update(level)
    today = timezone.localdate()
    for employment in representative.employments.filter(employer_id__in=owner_ids):
        if employment.is_current(today):
            warnings.append(
                Warning(
                    "employment",
                    _(
                        "%(person)s is employed by %(employer)s, which belongs to the body's "
                        "owner. "
                        "Staff should not represent users at their own workplace."
                    )
                    % {"person": representative, "employer": employment.employer_name},
                )
            )
    served = total_years(representative, body, years)
    if served > body.max_years:
        warnings.append(
            Warning(
                "max_years",
                _(
                    "With this term %(person)s would have served %(years).1f years in "
                    "%(body)s; the "
                    "maximum is %(max)s."
                )
                % {"person": representative, "years": served, "body": body, "max": body.max_years},
            )
        )
    return warnings


def nominate(
    *,
    call: Call,
    representative: Representative,
    organisation: Organisation,
    justification: str,
    by: Any,
    override_reason: str = "",
) -> Nomination:
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if not call.is_open:
            raise RefusedError(_("The call is closed; nominations are no longer accepted."))
        if not representative.affiliations.filter(
            organisation=organisation, status=Affiliation.Status.APPROVED
        ).exists():
            raise RefusedError(
                _("%(person)s is not an approved representative of %(org)s.")
                % {"person": representative, "org": organisation}
            )
        if (
            Nomination.objects.filter(call=call, representative=representative)
            .exclude(status=Nomination.Status.WITHDRAWN)
            .exists()
        ):
            raise RefusedError(_("This person has already been nominated to this call."))
        warnings = conflict_warnings(representative, call.body, call.body.term_years)
        if warnings and not override_reason.strip():
            raise NeedsOverrideError(warnings)
        nomination = Nomination(
            call=call,
            representative=representative,
            organisation=organisation,
            justification=justification,
            nominated_by=by,
            override_reason=override_reason.strip(),
        )
        try:
            with transaction.atomic():
                save_with_history(
                    nomination,
                    actor=by,
                    parent=call.body,
                    note="; ".join(w.message for w in warnings),
                )
        except IntegrityError as exc:
            raise RefusedError(_("This person has already been nominated to this call.")) from exc
    return nomination


def withdraw_nomination(nomination: Nomination, *, by: Any) -> None:
    with transaction.atomic():
        nom = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if nom.status != Nomination.Status.NOMINATED:
            raise RefusedError(_("Only a pending nomination can be withdrawn."))
        nom.status = Nomination.Status.WITHDRAWN
        save_with_history(nom, actor=by, parent=nom.call.body)


def decline(nomination: Nomination, *, reason: str, by: Any) -> None:
    if not reason.strip():
        raise RefusedError(_("Give a reason for declining; the organisation will see it."))
    with transaction.atomic():
        nom = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if nom.status != Nomination.Status.NOMINATED:
            raise RefusedError(_("Only a pending nomination can be declined."))
        nom.status = Nomination.Status.DECLINED
        nom.decline_reason = reason.strip()
        save_with_history(nom, actor=by, parent=nom.call.body)


def appoint(
    nomination: Nomination,
    *,
    seat: Seat,
    starts_on: date,
    ends_on: date,
    by: Any,
    override_reason: str = "",
) -> Term:
    """Appoint a nominee to a seat. Two secretaries racing for the last seat: the seat row is
    locked and one open term per seat is a database constraint, so one wins, the other is told."""
    if ends_on <= starts_on:
        raise RefusedError(_("A term must end after it starts."))
    with transaction.atomic():
        seat = Seat.objects.select_for_update().select_related("body").get(pk=seat.pk)
        nom = (
            Nomination.objects.select_for_update()
            .select_related("call", "representative")
            .get(pk=nomination.pk)
        )
        if nom.status != Nomination.Status.NOMINATED:
            raise RefusedError(_("This nomination has already been handled."))
        if seat.body_id != nom.call.body_id or seat.retired_on:
            raise RefusedError(_("The seat does not belong to this body."))
        if seat.terms.filter(ended_on__isnull=True).exclude(ends_on__lt=starts_on).exists():
            raise RefusedError(_("Someone already holds this seat. Choose a vacant seat."))
        years = (ends_on - starts_on).days / 365.25
        warnings = conflict_warnings(nom.representative, seat.body, years)
        if warnings and not override_reason.strip():
            raise NeedsOverrideError(warnings)
        # A carried-over predecessor (expired, not yet replaced) leaves when the successor starts.
        for old in seat.terms.filter(ended_on__isnull=True):
            old.ended_on = starts_on
            old.end_reason = Term.EndReason.REPLACED
            save_with_history(old, actor=by, parent=seat.body)
        term = Term(
            seat=seat,
            representative=nom.representative,
            nominated_by=nom.organisation,
            nomination=nom,
            starts_on=starts_on,
            ends_on=ends_on,
            appointed_by=by,
            override_reason=override_reason.strip(),
        )
        try:
            with transaction.atomic():
                save_with_history(
                    term, actor=by, parent=seat.body, note="; ".join(w.message for w in warnings)
                )
        except IntegrityError as exc:
            raise RefusedError(_("Someone already holds this seat. Choose a vacant seat.")) from exc
        nom.status = Nomination.Status.APPOINTED
        save_with_history(nom, actor=by, parent=seat.body)
    return term


def confirm(term: Term, *, by: Any) -> None:
    with transaction.atomic():
        t = Term.objects.select_for_update().get(pk=term.pk)
        if t.confirmed_at is None:
            t.confirmed_at = timezone.now()
            save_with_history(t, actor=by, parent=t.seat.body, action=AuditEvent.Action.ACCEPTED)
        term.confirmed_at = t.confirmed_at


def end_term(term: Term, *, reason: str, by: Any, on: date | None = None) -> Seat:
    """End a term (resignation, death, removal). If the body's rules say so, the first-ranked
    deputy steps into a vacated member seat. Returns the seat that is now vacant."""
    on = on or timezone.localdate()
    with transaction.atomic():
        t = Term.objects.select_for_update().select_related("seat__body").get(pk=term.pk)
        if t.ended_on is not None:
            raise RefusedError(_("This term has already ended."))
        t.ended_on = on
        t.end_reason = reason
        save_with_history(t, actor=by, parent=t.seat.body, action=AuditEvent.Action.ENDED)
        seat, body = t.seat, t.seat.body
        if body.deputies_step_in and seat.role in (
            Seat.Role.MEMBER,
            Seat.Role.LEADER,
            Seat.Role.DEPUTY_LEADER,
        ):
            deputy = (
                Term.objects.current(on)
                .filter(seat__body=body, seat__role=Seat.Role.DEPUTY)
                .order_by("seat__rank")
                .select_related("seat")
                .first()
            )
            if deputy is not None:
                deputy.ended_on = on
                deputy.end_reason = Term.EndReason.REPLACED
                save_with_history(deputy, actor=by, parent=body, note="stepped in as member")
                stepped = Term(
                    seat=seat,
                    representative=deputy.representative,
                    nominated_by=deputy.nominated_by,
                    starts_on=on,
                    ends_on=max(deputy.ends_on, on + timedelta(days=1)),
                    appointed_by=by,
                )
                save_with_history(stepped, actor=by, parent=body, note="deputy stepped in by rank")
                record(
                    actor=by,
                    action=AuditEvent.Action.UPDATED,
                    obj=body,
                    note=f"{deputy.representative} stepped in for {t.representative}",
                )
                return deputy.seat
        return seat
