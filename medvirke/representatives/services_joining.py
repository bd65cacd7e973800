"""Joining and leaving an organisation as a user representative (issue 11, points 1–2).

An organisation never gets a person by typing their e-mail address. `request_to_join` makes a
request the person answers on their own page, whether or not the address has an account, and
the coordinator's answer is the same either way; only `accept_join_request`, the person's own
act, creates their representative profile and an approved affiliation, and with it the
organisation's access to their health data (if they have consented). A person who applied
themselves (a pending affiliation) is approved or not by the coordinator; an affiliation is
ended by the person or by the coordinator. Each verb writes the history in its transaction;
e-mails go out after commit.
"""

from typing import Any

from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from medvirke.core.errors import RefusedError
from medvirke.core.history import record, save_with_history
from medvirke.core.models import AuditEvent
from medvirke.core.notify import notify
from medvirke.organisations import services as organisation_services
from medvirke.organisations.models import Invitation, Organisation

from .models import Affiliation, JoinRequest, Representative

User = get_user_model()
Status = Affiliation.Status
# Affiliations that make registering the same person again pointless: they belong already, or
# they asked and the coordinator decides (the coordinator sees both in the list anyway).
CURRENT = (Status.APPROVED, Status.PENDING)


class AlreadyAffiliated(RefusedError):
    """The person is already registered with (or has asked to join) this organisation."""

    default_message = gettext_lazy("The person is already registered with this organisation.")


def request_to_join(
    *,
    email: str,
    full_name: str,
    organisation: Organisation,
    by: Any,
    phone: str = "",
    municipality: Organisation | None = None,
) -> tuple[JoinRequest, bool]:
    """A coordinator asks the person with this e-mail address to join `organisation` as a user
    representative. Returns the request and whether it is new (False: one was already open).

    An address without an account gets one without a password and the invitation to choose one
    (organisations.services.invite, no staff role), which tells them to answer the request
    afterwards; an account that can log in gets a notification (in the app and by e-mail, in the
    person's own language) linking to the page where they answer. Nothing here tells the
    coordinator which of the two happened, and nothing of an existing account (its name, its
    profile) is read into the request: it holds what the coordinator typed. `phone` fills in a
    new account only; `municipality` a new profile, when the person accepts.

    Raises AlreadyAffiliated if the person already belongs to (or asked to join) the
    organisation."""
    email = email.strip().lower()
    full_name = full_name.strip()
    phone = phone.strip()
    with transaction.atomic():
        if Affiliation.objects.filter(
            organisation=organisation,
            representative__user__email__iexact=email,
            status__in=CURRENT,
        ).exists():
            raise AlreadyAffiliated
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email, None, full_name=full_name, phone=phone)
            changes: dict[str, list[Any]] = {"email": [None, email], "full_name": [None, full_name]}
            if phone:
                changes["phone"] = [None, phone]
            record(actor=by, action=AuditEvent.Action.CREATED, obj=user, changes=changes)
        existing = JoinRequest.objects.open().filter(organisation=organisation, user=user).first()
        if existing is not None:
            return existing, False
        join_request = JoinRequest(
            organisation=organisation,
            user=user,
            email=email,
            full_name=full_name,
            municipality=municipality,
            requested_by=by,
        )
        try:
            with transaction.atomic():
                save_with_history(
                    join_request, actor=by, action=AuditEvent.Action.INVITED, parent=organisation
                )
        except IntegrityError:
            # Another coordinator asked the same person a moment ago: theirs is the request.
            return JoinRequest.objects.open().get(organisation=organisation, user=user), False
        _tell_the_person(join_request, by=by)
    return join_request, True


def _can_log_in(user: Any) -> bool:
    return bool(
        user.has_usable_password() or SocialAccount.objects.filter(user_id=user.pk).exists()
    )


def _tell_the_person(join_request: JoinRequest, *, by: Any) -> None:
    user = join_request.user
    organisation = join_request.organisation
    page = settings.SITE_URL + reverse("join_requests")
    if _can_log_in(user):
        notify(
            [user],
            gettext_lazy("%(org)s asks you to join as a user representative"),
            [
                gettext_lazy(
                    "%(person)s in %(org)s would like to register you as one of the "
                    "organisation's user representatives."
                ),
                gettext_lazy(
                    "The organisation sees nothing of your profile until you accept. Answer "
                    "yes or no on the page Requests to join."
                ),
            ],
            reverse("join_requests"),
            params={"org": organisation.name, "person": by.display_name},
        )
        return
    # Without a way to log in the person first chooses a password; the invitation is the one
    # e-mail they get, and its message says where to answer.
    if (
        Invitation.objects.pending()
        .filter(organisation=organisation, role="", email__iexact=user.email)
        .exists()
    ):
        return
    organisation_services.invite(
        email=user.email,
        organisation=organisation,
        role="",
        by=by,
        full_name=join_request.full_name,
        message=gettext(
            "When you have chosen your password, answer the request to join on this page: "
            "%(page)s. The organisation sees nothing of your profile until you accept."
        )
        % {"page": page},
    )


def accept_join_request(join_request: JoinRequest, *, by: Any) -> Affiliation:
    """The person accepts: their representative profile is made if they have none (or opened
    again after a deletion that kept their login) and the affiliation is approved. Accepting
    twice (two clicks, two tabs) changes nothing the second time."""
    with transaction.atomic():
        request = join_request.locked("organisation", "requested_by", lock_related=True)
        if request.user_id != by.pk:
            raise RefusedError(gettext("Only the person asked can answer this request."))
        if request.status == JoinRequest.Status.ACCEPTED:
            earlier = Affiliation.objects.filter(
                representative__user_id=by.pk, organisation=request.organisation
            ).first()
            join_request.status = request.status
            if earlier is None:  # accepted, then the person's data was deleted
                raise RefusedError(gettext("This request has already been answered."))
            return earlier
        if request.status != JoinRequest.Status.OPEN:
            raise RefusedError(gettext("This request has already been answered."))
        representative = _profile_for(request, by=by)
        affiliation = (
            Affiliation.objects.select_for_update()
            .filter(representative=representative, organisation=request.organisation)
            .first()
        )
        if affiliation is None:
            affiliation = Affiliation(
                representative=representative, organisation=request.organisation
            )
        if affiliation.status != Status.APPROVED or affiliation.pk is None:
            affiliation.status = Status.APPROVED
            # The organisation's decision (it asked), taken into force by the person's yes.
            affiliation.decided_by = request.requested_by
            affiliation.decided_at = timezone.now()
            save_with_history(
                affiliation,
                actor=by,
                parent=representative,
                note="request to join accepted by the person",
            )
        request.status = JoinRequest.Status.ACCEPTED
        request.answered_at = timezone.now()
        save_with_history(
            request, actor=by, action=AuditEvent.Action.ACCEPTED, parent=request.organisation
        )
        join_request.status = request.status
        join_request.answered_at = request.answered_at
    return affiliation


def _profile_for(request: JoinRequest, *, by: Any) -> Representative:
    representative = (
        Representative.objects.select_for_update().filter(user_id=request.user_id).first()
    )
    if representative is None:
        representative = Representative(
            user_id=request.user_id,
            registered_by=request.requested_by,
            municipality=request.municipality,
        )
        save_with_history(representative, actor=by, note="request to join accepted")
    elif representative.deleted_at is not None:
        # Only someone who kept their login (a staff role) is found again after a deletion;
        # joining anew starts an empty profile on the same row.
        representative.deleted_at = None
        representative.deletion_requested_at = None
        representative.registered_by = request.requested_by
        save_with_history(representative, actor=by, note="joined again after deletion")
    return representative


def decline_join_request(join_request: JoinRequest, *, by: Any) -> None:
    """The person says no. The organisation sees that the request was declined, nothing more;
    declining twice changes nothing."""
    with transaction.atomic():
        request = join_request.locked()
        if request.user_id != by.pk:
            raise RefusedError(gettext("Only the person asked can answer this request."))
        if request.status == JoinRequest.Status.DECLINED:
            return
        if request.status != JoinRequest.Status.OPEN:
            raise RefusedError(gettext("This request has already been answered."))
        request.status = JoinRequest.Status.DECLINED
        request.answered_at = timezone.now()
        save_with_history(request, actor=by, parent=request.organisation, note="declined")
        join_request.status = request.status


def decide_affiliation(affiliation: Affiliation, *, approve: bool, by: Any) -> None:
    """The coordinator approves (or not) a person who asked to join. Only a pending affiliation
    can be approved: approving a rejected or ended one would give the organisation the person's
    health data again without them being asked (it sends a new request to join instead). An
    approved one can still be rejected. Deciding the same way again changes nothing."""
    status = Status.APPROVED if approve else Status.REJECTED
    with transaction.atomic():
        current = affiliation.locked("representative", lock_related=True)
        if current.status == status:
            return
        allowed = (Status.PENDING,) if approve else (Status.PENDING, Status.APPROVED)
        if current.status not in allowed:
            raise RefusedError(
                gettext(
                    "Only a person waiting for approval can be approved. To have them back, "
                    "register them again: they are asked and decide themselves."
                )
            )
        current.status = status
        current.decided_by = by
        current.decided_at = timezone.now()
        save_with_history(current, actor=by, parent=current.representative)
        _copy_decision(current, affiliation)


def end_affiliation(affiliation: Affiliation, *, by: Any) -> None:
    """End an affiliation (the person leaves, or the coordinator ends it): the organisation no
    longer sees the person's health data; the row stays for the record. Ending twice changes
    nothing."""
    with transaction.atomic():
        current = affiliation.locked("representative", lock_related=True)
        if current.status == Status.ENDED:
            _copy_decision(current, affiliation)
            return
        if current.status not in CURRENT:
            raise RefusedError(gettext("Only a current affiliation can be ended."))
        current.status = Status.ENDED
        current.decided_by = by
        current.decided_at = timezone.now()
        own = current.representative.user_id == getattr(by, "pk", None)
        save_with_history(
            current,
            actor=by,
            action=AuditEvent.Action.ENDED,
            parent=current.representative,
            note="ended by the person" if own else "ended by the organisation",
        )
        _copy_decision(current, affiliation)


def _copy_decision(source: Affiliation, target: Affiliation) -> None:
    """Let the caller's object show what was stored (it was read before the row was locked)."""
    if source is not target:
        target.status = source.status
        target.decided_by_id = source.decided_by_id
        target.decided_at = source.decided_at
        target.mark_saved()
