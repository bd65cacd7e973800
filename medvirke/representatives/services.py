"""Verbs on representatives: registration, consent, affiliations, profile changes. Each writes
the history in the same transaction; health data is recorded as changed, never copied."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from medvirke.core.history import record, save_with_history
from medvirke.core.models import REDACTED, AuditEvent
from medvirke.organisations.models import Organisation

from .models import Affiliation, ExperienceArea, Representative

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
