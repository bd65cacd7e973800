"""Verbs on representatives: registration, consent, affiliations, profile changes. Each writes
the history in the same transaction; health data is recorded as changed, never copied."""

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from medvirke.core.history import record, save_with_history
from medvirke.core.models import REDACTED, AuditEvent
from medvirke.organisations import services as organisation_services
from medvirke.organisations.models import Invitation, Organisation

from .models import (
    Affiliation,
    EmploymentDeclaration,
    ExperienceArea,
    ExternalEngagement,
    Representative,
)

User = get_user_model()


def register_candidate(
    *, email: str, full_name: str, organisation: Organisation, by: Any
) -> Representative:
    """A coordinator registers a candidate for their organisation (approved at once, since the
    coordinator vouches for them). The person gets an account without a password; the
    organisation then invites them to set one (self-service, 001 p.13)."""
    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email, None, full_name=full_name)
            record(
                actor=by,
                action=AuditEvent.Action.CREATED,
                obj=user,
                changes={"email": [None, email], "full_name": [None, full_name]},
            )
        representative, created = Representative.objects.get_or_create(
            user=user, defaults={"registered_by": by}
        )
        if created:
            record(actor=by, action=AuditEvent.Action.CREATED, obj=representative)
        affiliation, _created = Affiliation.objects.get_or_create(
            representative=representative, organisation=organisation
        )
        decide_affiliation(affiliation, approve=True, by=by)
    return representative


def decide_affiliation(affiliation: Affiliation, *, approve: bool, by: Any) -> None:
    """The organisation's coordinator approves (or not) that the person speaks for it."""
    status = Affiliation.Status.APPROVED if approve else Affiliation.Status.REJECTED
    if affiliation.status == status:
        return
    affiliation.status = status
    affiliation.decided_by = by
    affiliation.decided_at = timezone.now()
    save_with_history(affiliation, actor=by, parent=affiliation.representative)


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


class ConsentRequired(Exception):
    """Health data given without consent."""


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


# --- Added for the representatives' pages (issue 3) ---------------------------------------


class AlreadyAffiliated(Exception):
    """The person is already registered with this organisation."""


def register_and_invite(
    *, email: str, full_name: str, organisation: Organisation, by: Any
) -> tuple[Representative, bool]:
    """Register a candidate and, if their account has no password yet, invite them to choose
    one (an invitation without a staff role activates the account). Both happen in one
    transaction, so a failure leaves neither behind. Returns the representative and whether an
    invitation was sent."""
    email = email.strip().lower()
    with transaction.atomic():
        if Affiliation.objects.filter(
            organisation=organisation, representative__user__email__iexact=email
        ).exists():
            raise AlreadyAffiliated
        representative = register_candidate(
            email=email, full_name=full_name, organisation=organisation, by=by
        )
        user = representative.user
        invited = False
        if not user.has_usable_password() and not (
            Invitation.objects.pending()
            .filter(organisation=organisation, role="", email__iexact=email)
            .exists()
        ):
            organisation_services.invite(
                email=email, organisation=organisation, role="", by=by, full_name=full_name
            )
            invited = True
    return representative, invited


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
    Returns False if it was already recorded. Anonymisation is a later, separate step."""
    with transaction.atomic():
        rep = Representative.objects.select_for_update().get(pk=representative.pk)
        if rep.deletion_requested_at is not None:
            representative.deletion_requested_at = rep.deletion_requested_at
            return False
        rep.deletion_requested_at = timezone.now()
        save_with_history(rep, actor=by, note="the person asked to be deleted")
        representative.deletion_requested_at = rep.deletion_requested_at
    return True
