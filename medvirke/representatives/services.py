"""Verbs on representatives: consent, profile changes, deletion. Each writes the history in the
same transaction; health data is recorded as changed, never copied. Joining and leaving an
organisation are in services_joining.py."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext, gettext_lazy

from medvirke.core.errors import RefusedError
from medvirke.core.history import record, save_with_history
from medvirke.core.models import REDACTED, AuditEvent, Notification, TrackedModel
from medvirke.organisations.models import Invitation, StaffRole

from .models import (
    EmploymentDeclaration,
    ExperienceArea,
    ExternalEngagement,
    JoinRequest,
    Representative,
)


def give_health_consent(representative: Representative, *, by: Any) -> None:
    """Explicit, recorded consent to store experience areas and description (GDPR art. 9)."""
    if representative.health_consent_at is None:
        representative.health_consent_at = timezone.now()
        save_with_history(representative, actor=by, note="health data consent given")


def withdraw_health_consent(representative: Representative, *, by: Any) -> None:
    """Withdrawing consent erases the health data at once; the history keeps only that it
    happened."""
    with transaction.atomic():
        had_areas = representative.experience_areas.exists()
        representative.experience_areas.clear()
        representative.experience_description = ""
        representative.health_consent_at = None
        save_with_history(
            representative,
            actor=by,
            note="health data consent withdrawn; experience areas and description erased",
        )
        if had_areas:
            record(
                actor=by,
                action=AuditEvent.Action.UPDATED,
                obj=representative,
                changes={"experience_areas": [REDACTED, None]},
            )


class ConsentRequired(RefusedError):
    """Health data given without consent."""

    default_message = gettext_lazy(
        "Nothing was saved: you have not given consent to store health data. Give consent "
        "first; what you wrote is kept below."
    )


def save_profile(
    representative: Representative, *, areas: list[ExperienceArea] | None, by: Any
) -> None:
    """Save profile changes; experience areas (health data) only with consent."""
    with transaction.atomic():
        if not representative.has_health_consent and (
            areas or representative.experience_description
        ):
            raise ConsentRequired
        save_with_history(representative, actor=by)
        if areas is not None:
            before = set(representative.experience_areas.values_list("pk", flat=True))
            after = {a.pk for a in areas}
            if before != after:
                representative.experience_areas.set(areas)
                record(
                    actor=by,
                    action=AuditEvent.Action.UPDATED,
                    obj=representative,
                    changes={
                        "experience_areas": [
                            REDACTED if before else None,
                            REDACTED if after else None,
                        ]
                    },
                )


def update_profile(
    representative: Representative, *, wished_areas: list[ExperienceArea] | None, by: Any
) -> None:
    """Save the person's own profile (not health data) and the areas they wish to work with."""
    with transaction.atomic():
        save_profile(representative, areas=None, by=by)
        if wished_areas is not None:
            before = {a.pk: str(a) for a in representative.wished_areas.all()}
            after = {a.pk: str(a) for a in wished_areas}
            if set(before) != set(after):
                representative.wished_areas.set(wished_areas)
                record(
                    actor=by,
                    action=AuditEvent.Action.UPDATED,
                    obj=representative,
                    changes={
                        "wished_areas": [
                            ", ".join(sorted(before.values())) or None,
                            ", ".join(sorted(after.values())) or None,
                        ]
                    },
                )


def save_employment(declaration: EmploymentDeclaration, *, by: Any) -> None:
    """Add or change an employment declaration (the basis of the conflict-of-interest check)."""
    save_with_history(declaration, actor=by, parent=declaration.representative)


def end_employment(declaration: EmploymentDeclaration, *, ends_on: date, by: Any) -> None:
    """Mark an employment as ended on `ends_on`."""
    with transaction.atomic():
        declaration.ends_on = ends_on
        save_with_history(
            declaration,
            actor=by,
            action=AuditEvent.Action.ENDED,
            parent=declaration.representative,
        )


def delete_employment(declaration: EmploymentDeclaration, *, by: Any) -> None:
    """Delete a declaration registered by mistake; the history keeps what it said."""
    _delete_with_history(declaration, by=by)


def save_engagement(engagement: ExternalEngagement, *, by: Any) -> None:
    """Add or change an engagement the representative has outside Medvirke."""
    save_with_history(engagement, actor=by, parent=engagement.representative)


def delete_engagement(engagement: ExternalEngagement, *, by: Any) -> None:
    _delete_with_history(engagement, by=by)


def _delete_with_history(obj: EmploymentDeclaration | ExternalEngagement, *, by: Any) -> None:
    with transaction.atomic():
        changes: dict[str, list[Any]] = {}
        for field in obj._meta.concrete_fields:
            value = getattr(obj, field.attname)
            if field.primary_key or field.name in obj.history_exclude or value in (None, ""):
                continue
            changes[field.name] = [value if isinstance(value, int | str) else str(value), None]
        record(
            actor=by,
            action=AuditEvent.Action.DELETED,
            obj=obj,
            changes=changes,
            parent=obj.representative,
        )
        obj.delete()


def save_experience_area(area: ExperienceArea, *, by: Any) -> None:
    """Add or change an entry in the managed list of experience areas."""
    save_with_history(area, actor=by)


def record_deletion_request(representative: Representative, *, by: Any) -> bool:
    """Record (once) that the person asked to have their data deleted, with history.
    Returns False if it was already recorded. Those told carry it out (carry_out_deletion)."""
    with transaction.atomic():
        rep = representative.locked()
        if rep.deletion_requested_at is not None:
            representative.deletion_requested_at = rep.deletion_requested_at
            return False
        rep.deletion_requested_at = timezone.now()
        save_with_history(rep, actor=by, note="the person asked to be deleted")
        representative.deletion_requested_at = rep.deletion_requested_at
    return True


# --- Carrying out a deletion request (GDPR art. 17) ------------------------------------------


class DeletionRefused(RefusedError):
    """The deletion cannot be carried out (yet); `messages` say why, in the user's language."""


@dataclass(frozen=True)
class DeletionStep:
    """What an app above this one holds about a representative. `blockers` returns the reasons
    the deletion must wait (an open term); `erase` removes or blanks that app's personal data
    inside the deletion's transaction, writing its own history without the erased values."""

    blockers: Callable[[Representative], list[str]]
    erase: Callable[[Representative, Any], None]


# Filled by apps above this one from their `personal_data` module (bodies: open terms block,
# nominations lose their justification), so imports keep pointing down.
DELETION_STEPS: dict[str, DeletionStep] = {}


@cache
def discover_personal_data_modules() -> None:
    """Import every app's `personal_data` module once, as the admin finds `admin.py`, so their
    deletion steps are registered even when no page of theirs has been loaded yet."""
    autodiscover_modules("personal_data")


def deletion_steps() -> list[DeletionStep]:
    discover_personal_data_modules()
    return list(DELETION_STEPS.values())


def anonymised_name(representative: Representative) -> str:
    """The name an anonymised representative is shown under. It is stored data, so it is
    written in the installation's language ("Slettet representant 17"); the number is the
    profile's id, which tells nothing about the person but keeps two of them apart in a
    body's list of earlier members."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Deleted representative %(number)s") % {"number": representative.pk}


def anonymised_email(representative: Representative) -> str:
    # .invalid is reserved (RFC 2606): nothing can ever be sent there, and the person's own
    # address is free to be used again for a new account.
    return f"slettet-{representative.pk}@anonymisert.invalid"


def deletion_blockers(representative: Representative) -> list[str]:
    """Why the deletion cannot be carried out now (empty if it can)."""
    return [reason for step in deletion_steps() for reason in step.blockers(representative)]


def has_staff_role(user: Any) -> bool:
    """People who also work in Medvirke keep their login and name (see carry_out_deletion)."""
    return bool(
        user.is_staff or user.is_superuser or StaffRole.objects.filter(user_id=user.pk).exists()
    )


def save_erasing(
    obj: TrackedModel,
    *,
    by: Any,
    erased: Iterable[str],
    parent: models.Model | None = None,
    note: str = "",
    action: str = AuditEvent.Action.UPDATED,
    also_save: Iterable[str] = (),
) -> None:
    """Save `obj` and record what changed, with the old values of the `erased` fields replaced
    by ••• so that the history does not keep what was just deleted. `also_save` names fields
    saved but never shown in the history (the password)."""
    hidden = set(erased)
    changes = obj.tracked_changes()
    if not changes:
        return
    auto_now = [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
    obj.save(update_fields=[*changes, *also_save, *auto_now])
    obj.mark_saved()
    for name, (old, new) in changes.items():
        if name in hidden:
            changes[name] = [REDACTED if old not in (None, "", False) else old, new]
    record(actor=by, action=action, obj=obj, changes=changes, parent=parent, note=note)


# The representative's own fields that are erased, with the value they get. Everything else
# on the row (who registered them and when, when they asked) is bookkeeping about the request.
ERASED_PROFILE_FIELDS: dict[str, Any] = {
    "experience_description": "",
    "health_consent_at": None,
    # Stored as "" although not a choice: the form never loads an anonymised profile, and
    # "patient" or "relative" is not kept for someone who asked to be forgotten.
    "experience": "",
    "municipality": None,
    "birth_year": None,
    "gender": Representative.Gender.UNSPECIFIED,
    "languages": [],
    "minority_background": None,
    "availability": "",
    "wished_levels": [],
    "hours_per_month": None,
    "public_consent": False,
}


def carry_out_deletion(representative: Representative, *, by: Any) -> Representative:
    """Carry out the person's request to be deleted, in one transaction.

    Erased: health data and consent, the rest of the profile (municipality, birth year,
    gender, languages, minority background, wishes, availability), affiliations, employment
    declarations, other engagements; apps above erase theirs (nominations lose their
    justification, pending ones are withdrawn). Refused while the person holds an open term:
    ending a term is the secretariat's decision with consequences (a deputy steps in, a new
    call), so it is made on its own page and not hidden inside a deletion.

    Kept: the terms (the appointment record: which seat, when, who appointed, how it ended),
    now shown under "Slettet representant <number>" instead of the name. The law requires the
    appointment to be traceable, not that Medvirke goes on naming someone who asked to be
    forgotten: the names stay where the record is legally fixed, in the minutes of the
    appointing body and in the history as it was written (both append-only).

    The login is closed (inactive, no password, the e-mail address replaced so it can be used
    again, external logins and two-factor keys removed, notifications deleted) unless the
    person also has a staff role or runs the platform: then they keep their account and name,
    under which they work anyway, and only the representative profile is erased.

    The history gets one event saying which fields were erased, never their values."""
    with transaction.atomic():
        rep = representative.locked("user", lock_related=True)
        if rep.deleted_at is not None:
            raise DeletionRefused(gettext("This person's data has already been deleted."))
        if rep.deletion_requested_at is None:
            raise DeletionRefused(gettext("The person has not asked to be deleted."))
        steps = deletion_steps()
        blockers = [reason for step in steps for reason in step.blockers(rep)]
        if blockers:
            raise DeletionRefused(*blockers)
        user = rep.user
        keeps_account = has_staff_role(user)
        if not keeps_account:
            # First, so every history event written below names the anonymised person.
            _close_account(user, rep, by=by)
        for step in steps:
            step.erase(rep, by)

        _close_join_requests(user, by=by, erase=not keeps_account)
        erased: dict[str, list[Any]] = {}
        for relation in ("affiliations", "employments", "external_engagements"):
            count, _deleted = getattr(rep, relation).all().delete()
            if count:
                erased[relation] = [REDACTED, None]
        for relation in ("experience_areas", "wished_areas"):
            manager = getattr(rep, relation)
            if manager.exists():
                manager.clear()
                erased[relation] = [REDACTED, None]
        for name, value in ERASED_PROFILE_FIELDS.items():
            setattr(rep, name, value)
        rep.deleted_at = timezone.now()
        changes = rep.tracked_changes()
        rep.save(update_fields=list(changes))
        rep.mark_saved()
        for name, (old, new) in changes.items():
            changes[name] = [REDACTED if old not in (None, "", False, []) else old, new]
        record(
            actor=by,
            action=AuditEvent.Action.DELETED,
            obj=rep,
            changes={**changes, **erased},
            note=(
                "personal data deleted at the person's request; terms kept under the "
                "anonymised name"
                + ("" if not keeps_account else "; login kept (the person has a staff role)")
            ),
        )
        representative.deleted_at = rep.deleted_at
    return rep


def _close_account(user: Any, representative: Representative, *, by: Any) -> None:
    """Anonymise and close the login of someone who is only a representative."""
    old_email = user.email
    user.full_name = anonymised_name(representative)
    user.email = anonymised_email(representative)
    user.phone = ""
    user.is_active = False
    user.set_unusable_password()
    save_erasing(
        user,
        by=by,
        erased={"full_name", "email", "phone"},
        also_save=["password"],
        note="login closed: the person's data was deleted at their request",
    )
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    # Invitations to be a representative (no staff role) carry the address and name: open ones
    # are withdrawn (an old link must not open a new account), all are blanked. This belongs in
    # organisations.services as a verb of its own once that app needs it elsewhere.
    for invitation in Invitation.objects.select_for_update().filter(
        role="", email__iexact=old_email
    ):
        if invitation.accepted_at is None and invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
        invitation.email = user.email
        invitation.full_name = ""
        invitation.message = ""
        save_erasing(
            invitation,
            by=by,
            erased={"email", "full_name", "message"},
            parent=invitation.organisation,
            note="the invited person's data was deleted at their request",
        )


def _close_join_requests(user: Any, *, by: Any, erase: bool) -> None:
    """Requests to join sent to the person: open ones are withdrawn (nobody can accept for a
    deleted profile), and when the login is closed the name and address the organisations
    typed are blanked too, as for invitations."""
    for join_request in JoinRequest.objects.select_for_update().filter(user=user):
        if join_request.status == JoinRequest.Status.OPEN:
            join_request.status = JoinRequest.Status.WITHDRAWN
            join_request.answered_at = timezone.now()
        if erase:
            join_request.email = user.email
            join_request.full_name = user.full_name
        save_erasing(
            join_request,
            by=by,
            erased={"email", "full_name"},
            parent=join_request.organisation,
            note="the person's data was deleted at their request",
        )
