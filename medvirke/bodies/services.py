"""Workflows over bodies, calls, nominations and terms (001 p.13): open a call → nominate →
appoint or decline → confirm → resign → open a new call from the vacant seat. Each verb runs in
one transaction with its history; races are settled by row locks and constraints."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from medvirke.core.errors import RefusedError
from medvirke.core.history import record, save_with_history
from medvirke.core.models import AuditEvent, Notification
from medvirke.core.notify import notify
from medvirke.organisations.models import Organisation, StaffRole
from medvirke.representatives import services as rep_services
from medvirke.representatives import services_joining as rep_joining
from medvirke.representatives.models import Affiliation, Representative

from .models import Body, Call, Nomination, Seat, Term, total_years


@dataclass(frozen=True)
class Warning:
    code: str
    message: str


class NeedsOverrideError(RefusedError):
    """Refused unless the warnings are overridden with a recorded reason: the page shows them
    and asks for one (a view that does not offer that shows them as the refusal)."""

    def __init__(self, warnings: list[Warning]) -> None:
        super().__init__(*(w.message for w in warnings))
        self.warnings = warnings


# --- who is told (notifications) ----------------------------------------------------------------


def coordinators_of(organisations: Iterable[Organisation | int | None]) -> list[Any]:
    """People with a coordinator role in these organisations or above them (a role reaches
    down the tree, so the national coordinator hears about a call to a regional branch)."""
    ids = {o if isinstance(o, int) else o.pk for o in organisations if o is not None}
    if not ids:
        return []
    lineage: set[int] = set()
    for org in Organisation.objects.filter(pk__in=ids):
        lineage.update(org.lineage_ids())
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_roles__role=StaffRole.Role.COORDINATOR,
            staff_roles__organisation_id__in=lineage,
        )
        .distinct()
    )


def secretariat_of(body: Body) -> list[Any]:
    """The body's secretariat staff; without any, the secretariat (or else the administrators)
    of the owner organisation, so a notice never goes nowhere."""
    people = list(body.secretariat.filter(is_active=True))
    if people:
        return people
    lineage = Organisation.objects.get(pk=body.owner_id).lineage_ids()
    for role in (StaffRole.Role.SECRETARIAT, StaffRole.Role.ADMINISTRATOR):
        people = list(
            get_user_model()
            .objects.filter(
                is_active=True, staff_roles__role=role, staff_roles__organisation_id__in=lineage
            )
            .distinct()
        )
        if people:
            return people
    return []


# The secretariat's pages (urls_secretariat.py) that its notices link to.
SECRETARIAT_CALL_URL = "call_detail"
SECRETARIAT_BODY_URL = "body_detail"


def _url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def _call_url_for_secretariat(call: Call) -> str:
    return _url(SECRETARIAT_CALL_URL, call.pk) or _url(SECRETARIAT_BODY_URL, call.body_id)


def _date(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def _seat_label(seat: Seat) -> Any:
    """The seat as a lazy label ("Member 2", "Deputy 1"), so each recipient reads it in their
    own language. Used only where a label stands on its own (after a colon, in parentheses),
    never as a word inside a sentence: there the role is part of the sentence (ROLE_TEXTS)."""
    return format_lazy("{} {}", Seat.Role(seat.role).label, seat.rank)


# Notices that name the role a person is appointed to say it in a whole sentence per role:
# Norwegian and English differ in articles and prepositions ("a member of", "medlem av";
# "an observer in", "observatør i"), so a role label cannot be pasted into one sentence.
ROLE_TEXTS: dict[str, dict[str, Any]] = {
    "appointed_you": {
        Seat.Role.LEADER: gettext_lazy(
            "%(owner)s has appointed you leader of %(body)s from %(from)s to %(to)s, "
            "nominated by %(org)s."
        ),
        Seat.Role.DEPUTY_LEADER: gettext_lazy(
            "%(owner)s has appointed you deputy leader of %(body)s from %(from)s to %(to)s, "
            "nominated by %(org)s."
        ),
        Seat.Role.MEMBER: gettext_lazy(
            "%(owner)s has appointed you a member of %(body)s from %(from)s to %(to)s, "
            "nominated by %(org)s."
        ),
        Seat.Role.DEPUTY: gettext_lazy(
            "%(owner)s has appointed you a deputy member of %(body)s from %(from)s to %(to)s, "
            "nominated by %(org)s."
        ),
        Seat.Role.OBSERVER: gettext_lazy(
            "%(owner)s has appointed you an observer in %(body)s from %(from)s to %(to)s, "
            "nominated by %(org)s."
        ),
    },
    "appointed_person": {
        Seat.Role.LEADER: gettext_lazy(
            "%(owner)s has appointed %(person)s, nominated by %(org)s, leader of %(body)s "
            "from %(from)s to %(to)s."
        ),
        Seat.Role.DEPUTY_LEADER: gettext_lazy(
            "%(owner)s has appointed %(person)s, nominated by %(org)s, deputy leader of "
            "%(body)s from %(from)s to %(to)s."
        ),
        Seat.Role.MEMBER: gettext_lazy(
            "%(owner)s has appointed %(person)s, nominated by %(org)s, a member of %(body)s "
            "from %(from)s to %(to)s."
        ),
        Seat.Role.DEPUTY: gettext_lazy(
            "%(owner)s has appointed %(person)s, nominated by %(org)s, a deputy member of "
            "%(body)s from %(from)s to %(to)s."
        ),
        Seat.Role.OBSERVER: gettext_lazy(
            "%(owner)s has appointed %(person)s, nominated by %(org)s, an observer in "
            "%(body)s from %(from)s to %(to)s."
        ),
    },
    "stepped_in_subject": {
        Seat.Role.LEADER: gettext_lazy("You have stepped in as leader of %(body)s"),
        Seat.Role.DEPUTY_LEADER: gettext_lazy("You have stepped in as deputy leader of %(body)s"),
        Seat.Role.MEMBER: gettext_lazy("You have stepped in as a member of %(body)s"),
        Seat.Role.DEPUTY: gettext_lazy("You have stepped in as a deputy member of %(body)s"),
        Seat.Role.OBSERVER: gettext_lazy("You have stepped in as an observer in %(body)s"),
    },
}


def _role_text(kind: str, seat: Seat) -> Any:
    return ROLE_TEXTS[kind][seat.role]


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
        notify(
            coordinators_of(recipients),
            gettext_lazy("Call for candidates: %(body)s"),
            ngettext_lazy(
                "%(owner)s asks for candidates to %(body)s (%(seats)s seat). Nominate "
                "approved representatives by %(deadline)s.",
                "%(owner)s asks for candidates to %(body)s (%(seats)s seats). Nominate "
                "approved representatives by %(deadline)s.",
                "seats",
            ),
            _url("participation_call", call.pk),
            params={
                "owner": body.owner,
                "body": body,
                "seats": len(seats),
                "deadline": _date(deadline),
            },
            exclude=by,
        )
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
    below_owner = Organisation.objects.below(body.owner).values("pk")
    today = timezone.localdate()
    for employment in representative.employments.filter(employer__in=below_owner):
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
                    "With this term %(person)s would have served %(years)s years in "
                    "%(body)s; the "
                    "maximum is %(max)s."
                )
                % {
                    "person": representative,
                    "years": number_format(served, 1),
                    "body": body,
                    "max": body.max_years,
                },
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
        call = call.locked()
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
        notify(
            secretariat_of(call.body),
            gettext_lazy("New nomination to %(body)s: %(person)s"),
            gettext_lazy("%(org)s has nominated %(person)s to %(body)s (deadline %(deadline)s)."),
            _call_url_for_secretariat(call),
            params={
                "org": organisation,
                "person": representative,
                "body": call.body,
                "deadline": _date(call.deadline),
            },
            exclude=by,
        )
    return nomination


def invite_new_candidate(
    *,
    organisation: Organisation,
    email: str,
    full_name: str,
    by: Any,
    phone: str = "",
    municipality: Organisation | None = None,
) -> tuple[Any, bool]:
    """A coordinator names a new candidate on the nomination form. Nobody is nominated (and so
    shown to a secretariat) or registered with the organisation without having said yes: the
    person is asked to join (representatives.services_joining.request_to_join, the same answer
    whether or not the address has an account) and is nominated from the list once they have
    accepted. Returns the request to join and whether it is new. Raises
    representatives.services_joining.AlreadyAffiliated if the person already belongs to the
    organisation."""
    return rep_joining.request_to_join(
        email=email,
        full_name=full_name,
        organisation=organisation,
        by=by,
        phone=phone,
        municipality=municipality,
    )


def withdraw_nomination(nomination: Nomination, *, by: Any) -> None:
    with transaction.atomic():
        nom = nomination.locked()
        if nom.status != Nomination.Status.NOMINATED:
            raise RefusedError(_("Only a pending nomination can be withdrawn."))
        nom.status = Nomination.Status.WITHDRAWN
        save_with_history(nom, actor=by, parent=nom.call.body)
        notify(
            secretariat_of(nom.call.body),
            gettext_lazy("Nomination withdrawn: %(person)s, %(body)s"),
            gettext_lazy("%(org)s has withdrawn its nomination of %(person)s to %(body)s."),
            _call_url_for_secretariat(nom.call),
            params={"org": nom.organisation, "person": nom.representative, "body": nom.call.body},
            exclude=by,
        )


def decline(nomination: Nomination, *, reason: str, by: Any) -> None:
    if not reason.strip():
        raise RefusedError(_("Give a reason for declining; the organisation will see it."))
    with transaction.atomic():
        nom = nomination.locked()
        if nom.status != Nomination.Status.NOMINATED:
            raise RefusedError(_("Only a pending nomination can be declined."))
        nom.status = Nomination.Status.DECLINED
        nom.decline_reason = reason.strip()
        save_with_history(nom, actor=by, parent=nom.call.body)
        notify(
            coordinators_of([nom.organisation_id]),
            gettext_lazy("Not appointed: %(person)s, %(body)s"),
            gettext_lazy(
                "%(owner)s did not appoint %(person)s, nominated by %(org)s, to %(body)s. "
                "Reason: %(reason)s"
            ),
            _url("participation_representation"),
            params={
                "owner": nom.call.body.owner,
                "person": nom.representative,
                "org": nom.organisation,
                "body": nom.call.body,
                "reason": nom.decline_reason,
            },
            exclude=by,
        )


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
        # The body too (an edit retiring seats waits), and the representative (a deletion
        # checking for open terms waits): as the bare select_for_update() here always did.
        seat = seat.locked("body", lock_related=True)
        nom = nomination.locked("call", "representative", lock_related=True)
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
        params = {
            "owner": seat.body.owner,
            "person": nom.representative,
            "body": seat.body,
            "seat": _seat_label(seat),
            "from": _date(starts_on),
            "to": _date(ends_on),
            "org": nom.organisation,
        }
        notify(
            [nom.representative.user],
            gettext_lazy("You have been appointed to %(body)s"),
            [
                _role_text("appointed_you", seat),
                gettext_lazy(
                    "Seat: %(seat)s. Confirm the appointment under My engagements; the letter "
                    "of appointment is there too."
                ),
            ],
            _url("participation_engagements"),
            params=params,
            exclude=by,
        )
        notify(
            coordinators_of([nom.organisation_id]),
            gettext_lazy("Appointed: %(person)s, %(body)s"),
            [_role_text("appointed_person", seat), gettext_lazy("Seat: %(seat)s.")],
            _url("participation_representation"),
            params=params,
            exclude=by,
        )
    return term


def confirm(term: Term, *, by: Any) -> None:
    with transaction.atomic():
        t = term.locked()
        if t.confirmed_at is None:
            t.confirmed_at = timezone.now()
            save_with_history(t, actor=by, parent=t.seat.body, action=AuditEvent.Action.ACCEPTED)
            notify(
                secretariat_of(t.seat.body),
                gettext_lazy("Appointment confirmed: %(person)s, %(body)s"),
                gettext_lazy("%(person)s has confirmed the appointment to %(body)s (%(seat)s)."),
                _url(SECRETARIAT_BODY_URL, t.seat.body_id),
                params={
                    "person": t.representative,
                    "seat": _seat_label(t.seat),
                    "body": t.seat.body,
                },
                exclude=by,
            )
        term.confirmed_at = t.confirmed_at


def end_term(
    term: Term, *, reason: str, by: Any, on: date | None = None, message: str = ""
) -> Seat:
    """End a term (resignation, death, removal). If the body's rules say so, the first-ranked
    deputy steps into a vacated member seat. Returns the seat that is now vacant.

    The secretariat and the nominating organisation are told (001: "Du må melde fra både til
    utvalget du sitter i, og til ... den organisasjonen som du representerer"); `message` (the
    representative's own words) goes with the notice but not into the history."""
    on = on or timezone.localdate()
    with transaction.atomic():
        t = term.locked("seat__body", lock_related=True)
        if t.ended_on is not None:
            raise RefusedError(_("This term has already ended."))
        t.ended_on = on
        t.end_reason = reason
        save_with_history(t, actor=by, parent=t.seat.body, action=AuditEvent.Action.ENDED)
        seat, body = t.seat, t.seat.body
        vacant, deputy = seat, None
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
                vacant = deputy.seat
        _notify_term_ended(t, vacant=vacant, deputy=deputy, by=by, message=message.strip())
    return vacant


def _notify_term_ended(
    term: Term, *, vacant: Seat, deputy: Term | None, by: Any, message: str
) -> None:
    body = term.seat.body
    params = {
        "person": term.representative,
        "body": body,
        "held": _seat_label(term.seat),
        "reason": Term.EndReason(term.end_reason).label,
        "on": _date(term.ended_on or timezone.localdate()),
        "seat": vacant,
        "deputy": deputy.representative if deputy else "",
        "message": message,
    }
    if term.end_reason == Term.EndReason.RESIGNED:
        subject = gettext_lazy("%(person)s has resigned from %(body)s")
    else:
        subject = gettext_lazy("Term ended: %(person)s, %(body)s")
    paragraphs = [
        gettext_lazy(
            "The term of %(person)s in %(body)s (%(held)s) ended on %(on)s. How it ended: "
            "%(reason)s. %(seat)s is now vacant: a new call for candidates may be needed."
        ),
        gettext_lazy("%(deputy)s, the first deputy, has stepped in.") if deputy else "",
        gettext_lazy("Message from %(person)s: %(message)s") if message else "",
    ]
    notify(
        secretariat_of(body),
        subject,
        paragraphs,
        _url(SECRETARIAT_BODY_URL, body.pk),
        params=params,
        exclude=by,
    )
    notify(
        coordinators_of([term.nominated_by_id]),
        subject,
        paragraphs,
        _url("participation_representation"),
        params=params,
        exclude=by,
    )
    if term.end_reason != Term.EndReason.DIED:
        notify(
            [term.representative.user],
            gettext_lazy("Your term in %(body)s has ended"),
            paragraphs[:2],
            _url("participation_engagements"),
            params=params,
            exclude=by,
        )
    if deputy is not None:
        notify(
            [deputy.representative.user],
            _role_text("stepped_in_subject", term.seat),
            gettext_lazy(
                "%(person)s has left %(body)s and you, as the first deputy, now hold the seat "
                "%(seat)s."
            ),
            _url("participation_engagements"),
            params={**params, "seat": term.seat},
            exclude=by,
        )


def request_deletion(representative: Representative, *, by: Any) -> bool:
    """Record the person's request to be deleted and tell those who must act on it: the
    coordinators of their organisations and the secretariats of bodies where they are
    nominated or hold or held a term. They carry it out on the deletion-requests page
    (representatives.services.carry_out_deletion).
    Returns False if the request was already recorded (nothing is sent twice)."""
    with transaction.atomic():
        # The representatives app owns the record; this workflow adds who must be told.
        if not rep_services.record_deletion_request(representative, by=by):
            return False
        rep = representative
        bodies = Body.objects.filter(
            Q(seats__terms__representative=rep) | Q(calls__nominations__representative=rep)
        ).distinct()
        secretariats: list[Any] = []
        for body in bodies.select_related("owner"):
            secretariats.extend(secretariat_of(body))
        organisations = rep.affiliations.values_list("organisation_id", flat=True)
        params = {
            "person": rep,
            "on": _date(timezone.localdate()),
            "page": settings.SITE_URL + _url("deletion_requests"),
        }
        subject = gettext_lazy("%(person)s has asked to be deleted")
        text = gettext_lazy(
            "On %(on)s %(person)s asked to have their personal data deleted. If they hold a "
            "seat, the body's secretariat must end the term first. Then the coordinator of "
            "their organisation or the secretariat carries out the deletion on the page "
            "Deletion requests (%(page)s)."
        )
        notify(
            [*coordinators_of(organisations), *secretariats],
            subject,
            text,
            _url("representative_detail", rep.pk),
            params=params,
        )
    return True


# Reminders before a term ends: in time for a new call (three months) and a last warning.
REMINDER_DAYS = (90, 30)


def remind_expiring_terms(on: date | None = None) -> int:
    """Tell the secretariat and the nominating organisation about every current term that
    ends within 90 days, and again within 30 (run daily). Each window catches up on days the
    job did not run; once only per term and threshold, since the notification key records that
    the reminder went out. Returns the number of terms reminded."""
    day = on or timezone.localdate()
    reminded = 0
    for index, days in enumerate(REMINDER_DAYS):
        nearer = REMINDER_DAYS[index + 1] + 1 if index + 1 < len(REMINDER_DAYS) else 0
        terms = (
            Term.objects.current(day)
            .filter(
                ends_on__gte=day + timedelta(days=nearer), ends_on__lte=day + timedelta(days=days)
            )
            .select_related("seat__body__owner", "representative__user")
        )
        for term in terms:
            key = f"term-expiry:{term.pk}:{days}"
            with transaction.atomic():
                if Notification.objects.filter(key=key).exists():
                    continue
                body = term.seat.body
                sent = notify(
                    [*secretariat_of(body), *coordinators_of([term.nominated_by_id])],
                    ngettext_lazy(
                        "Term ends in %(days)s day: %(person)s, %(body)s",
                        "Term ends in %(days)s days: %(person)s, %(body)s",
                        "days",
                    ),
                    gettext_lazy(
                        "The term of %(person)s in %(body)s (%(seat)s) ends on %(to)s. "
                        "Reappoint or open a call for candidates in good time."
                    ),
                    _url(SECRETARIAT_BODY_URL, body.pk) or _url("participation_representation"),
                    params={
                        "days": (term.ends_on - day).days,
                        "person": term.representative,
                        "seat": _seat_label(term.seat),
                        "body": body,
                        "to": _date(term.ends_on),
                    },
                    key=key,
                )
                reminded += bool(sent)
    return reminded
