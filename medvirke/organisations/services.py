"""Verbs that change organisations, roles and invitations. Each runs in one transaction with its
history; e-mail is sent by a task after commit, so a rolled-back change sends nothing."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from medvirke.core.errors import RefusedError
from medvirke.core.errors import StaleEditError as StaleEditError  # the edit view catches it here
from medvirke.core.history import record, save_with_history
from medvirke.core.locking import save_if_version
from medvirke.core.models import AuditEvent
from medvirke.core.tasks import retry_later

from .models import Invitation, Organisation, StaffRole

User = get_user_model()


class InvitationError(RefusedError):
    """The invitation cannot be used; the message says why, in the user's language."""


def save_organisation(organisation: Organisation, *, by: Any) -> None:
    """Create an organisation; the history gets every field that was filled in."""
    save_with_history(organisation, actor=by, parent=organisation.parent)


def update_organisation(
    organisation: Organisation, *, by: Any, expected_version: int | None
) -> None:
    """Save an edit unless someone else saved since the form was opened (no lost updates):
    StaleEditError (core/locking.py) if the row is past `expected_version`."""
    save_if_version(organisation, expected=expected_version, actor=by, parent=organisation.parent)


def move_organisation(organisation: Organisation, parent: Organisation | None, *, by: Any) -> None:
    """Put `organisation`, with everything below it, under `parent` (None: at the top). Its save
    rewrites the paths of the whole subtree in one UPDATE, and the history records the new
    parent. Refused (`MovedUnderItselfError`, a RefusedError) under itself or its own units:
    nothing changes then. Two crossing moves at once (each under the other's subtree) may
    deadlock; PostgreSQL then fails one of them, with nothing half done."""
    with transaction.atomic():
        org = organisation.locked()
        org.parent = parent
        save_with_history(org, actor=by, parent=parent)
    organisation.parent, organisation.path = org.parent, org.path


def end_organisation(organisation: Organisation, *, by: Any) -> None:
    """Mark the organisation ended; an ended organisation gives nobody access through it.

    Every staff role held in it is revoked, each with its own history event (so the history
    keeps who held which role until when), and its open invitations to a role are withdrawn.
    Roles held in the organisations below it are left: those are not ended (a clinic may be
    moved under another HF), and ending one of them ends its own roles the same way. What ends
    is the reach of this organisation's roles down into them. Invitations without a role (a
    representative activating their own login) are left too: they give the organisation no
    access, only the person their own profile.
    """
    with transaction.atomic():
        org = organisation.locked()
        if org.ended_on is None:
            org.ended_on = timezone.localdate()
            save_with_history(org, actor=by, action=AuditEvent.Action.ENDED)
            note = "the organisation ended"
            for staff_role in StaffRole.objects.select_related("user", "organisation").filter(
                organisation=org
            ):
                revoke_role(staff_role, by=by, note=note)
            for invitation in (
                Invitation.objects.select_for_update()
                .pending()
                .filter(organisation=org)
                .exclude(role="")
            ):
                invitation.revoked_at = timezone.now()
                save_with_history(
                    invitation, actor=by, action=AuditEvent.Action.REVOKED, parent=org, note=note
                )
        organisation.ended_on = org.ended_on


def reactivate_organisation(organisation: Organisation, *, by: Any) -> None:
    """Mark an ended organisation active again. The roles and invitations that ended with it
    stay ended: who should work here now is decided anew, by invitation."""
    with transaction.atomic():
        org = organisation.locked()
        if org.ended_on is not None:
            org.ended_on = None
            save_with_history(org, actor=by, action=AuditEvent.Action.REACTIVATED)
        organisation.ended_on = None


def grant_role(user: Any, organisation: Organisation, role: str, *, by: Any) -> StaffRole:
    """Give `user` a role; granting one they already hold changes nothing."""
    with transaction.atomic():
        staff_role, created = StaffRole.objects.get_or_create(
            user=user, organisation=organisation, role=role
        )
        if created:
            record(
                actor=by,
                action=AuditEvent.Action.GRANTED,
                obj=staff_role,
                parent=organisation,
                changes={"user": [None, str(user)], "role": [None, staff_role.get_role_display()]},
            )
    return staff_role


def revoke_role(staff_role: StaffRole, *, by: Any, note: str = "") -> None:
    with transaction.atomic():
        record(
            actor=by,
            action=AuditEvent.Action.REVOKED,
            obj=staff_role,
            parent=staff_role.organisation,
            changes={
                "user": [str(staff_role.user), None],
                "role": [staff_role.get_role_display(), None],
            },
            note=note,
        )
        staff_role.delete()


def invite(
    *,
    email: str,
    organisation: Organisation,
    role: str,
    by: Any,
    full_name: str = "",
    message: str = "",
) -> Invitation:
    """Invite a person by e-mail to a role. An earlier expired invitation is closed first.

    Raises IntegrityError if an open invitation for the same person and role exists (the form
    checks first; the database constraint settles a race between two administrators).
    """
    email = email.strip().lower()
    with transaction.atomic():
        for stale in Invitation.objects.select_for_update().filter(
            organisation=organisation,
            role=role,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__lte=timezone.now(),
        ):
            stale.revoked_at = timezone.now()
            save_with_history(
                stale,
                actor=by,
                action=AuditEvent.Action.REVOKED,
                parent=organisation,
                note="expired",
            )
        invitation = Invitation(
            email=email,
            full_name=full_name,
            organisation=organisation,
            role=role,
            message=message,
            invited_by=by,
        )
        token = invitation.new_token()
        save_with_history(
            invitation, actor=by, action=AuditEvent.Action.INVITED, parent=organisation
        )
        language = translation.get_language() or settings.LANGUAGE_CODE
        transaction.on_commit(lambda: send_invitation_email.enqueue(invitation.pk, token, language))
    return invitation


def withdraw_invitation(invitation: Invitation, *, by: Any) -> None:
    with transaction.atomic():
        inv = invitation.locked()
        if inv.status == "pending":
            inv.revoked_at = timezone.now()
            save_with_history(
                inv, actor=by, action=AuditEvent.Action.REVOKED, parent=inv.organisation
            )


def check_invitation(token: str) -> Invitation:
    """The invitation behind a link, or InvitationError saying why it cannot be used."""
    invitation = (
        Invitation.objects.by_token(token).select_related("organisation", "invited_by").first()
    )
    if invitation is None:
        raise InvitationError(
            _("This invitation link is not valid. Check that you copied all of it.")
        )
    if invitation.status == "accepted":
        raise InvitationError(_("This invitation has already been used. Log in instead."))
    if invitation.status == "revoked":
        raise InvitationError(
            _("This invitation has been withdrawn. Ask the person who invited you.")
        )
    if invitation.status == "expired":
        raise InvitationError(
            _("This invitation expired on %(date)s. Ask %(name)s for a new one.")
            % {
                "date": timezone.localtime(invitation.expires_at).strftime("%d.%m.%Y"),
                "name": invitation.invited_by,
            }
        )
    return invitation


def accept_invitation(
    token: str, *, user: Any = None, full_name: str = "", password: str = ""
) -> Any:
    """Use an invitation: an existing (logged-in) user gets the role; a new person gets an
    account with a verified e-mail address and the role. Two clicks at once grant it once."""
    with transaction.atomic():
        invitation = check_invitation(token)
        invitation = invitation.locked()
        if invitation.status != "pending":
            raise InvitationError(_("This invitation has already been used. Log in instead."))
        if user is None:
            user = _account_for_invitation(invitation, full_name=full_name, password=password)
        elif user.email.lower() != invitation.email.lower():
            raise InvitationError(
                _("This invitation was sent to %(email)s. Log in with that address to accept.")
                % {"email": invitation.email}
            )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        save_with_history(
            invitation,
            actor=user,
            action=AuditEvent.Action.ACCEPTED,
            parent=invitation.organisation,
        )
        if invitation.role:
            grant_role(user, invitation.organisation, invitation.role, by=invitation.invited_by)
    return user


def _account_for_invitation(invitation: Invitation, *, full_name: str, password: str) -> Any:
    """A new account, or the password-less account a coordinator registered for this person;
    the e-mail address counts as verified since the link reached it."""
    from allauth.account.models import EmailAddress

    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None and existing.has_usable_password():
        raise InvitationError(
            _("An account with this e-mail address already exists. Log in to accept.")
        )
    if existing is not None:
        existing.set_password(password)
        existing.full_name = full_name or existing.full_name
        existing.save(update_fields=["password", "full_name"])
        record(
            actor=existing,
            action=AuditEvent.Action.ACCEPTED,
            obj=existing,
            note="password set from invitation",
        )
        user = existing
    else:
        try:
            with transaction.atomic():
                user = User.objects.create_user(invitation.email, password, full_name=full_name)
        except IntegrityError as exc:
            raise InvitationError(
                _("An account with this e-mail address already exists. Log in to accept.")
            ) from exc
        record(
            actor=user,
            action=AuditEvent.Action.CREATED,
            obj=user,
            changes={"email": [None, user.email], "full_name": [None, full_name]},
        )
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


@task
def send_invitation_email(invitation_id: int, token: str, language: str, attempt: int = 1) -> None:
    """Send the invitation link (runs after commit through django.tasks). A failed send is
    tried again later (core/tasks.py) and this attempt recorded as failed."""
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(
        pk=invitation_id
    )
    with translation.override(language):
        context = {
            "invitation": invitation,
            "role": invitation.get_role_label(),
            "link": settings.SITE_URL + reverse("invitation_accept", args=[token]),
            "expires": timezone.localtime(invitation.expires_at),
        }
        subject = _("Invitation to Medvirke: %(role)s in %(organisation)s") % {
            "role": context["role"],
            "organisation": invitation.organisation.name,
        }
        body = render_to_string("organisations/email/invitation.txt", context)
    try:
        send_mail(subject, body, None, [invitation.email])
    except Exception:
        retry_later(send_invitation_email, invitation_id, token, language, attempt=attempt)
        raise
