"""Who may see a representative and their health data, and who may do what on the
representatives' pages. Views fetch through these helpers and hold no permission logic.

Health data (experience areas and description) is visible only to the person, the secretariats
of bodies handling their appointments (a nomination or a term), and coordinators of
organisations they belong to (a coordinator role reaches branches below). Every view of it is
written to the access log by `get_representative_for_user` (a profile) or `log_list_access_rows`
(one entry per showing of a list, holding every row it showed).

- Coordinators list, register and approve the representatives of their organisations.
- The person keeps their own profile, employments and other engagements.
- Administrators (in any organisation) and platform operators edit the experience-area list.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from medvirke.core.history import log_access
from medvirke.core.models import AccessLogEntry
from medvirke.organisations.models import Organisation, StaffRole

from .models import (
    Affiliation,
    EmploymentDeclaration,
    ExperienceArea,
    ExternalEngagement,
    Representative,
)

Role = StaffRole.Role


def coordinator_organisation_ids(user: Any) -> list[int]:
    """Organisations (and everything below them) where `user` is a coordinator."""
    if not user.is_authenticated:
        return []
    roots = list(
        StaffRole.objects.for_user(user)
        .filter(role=Role.COORDINATOR)
        .values_list("organisation_id", flat=True)
    )
    if not roots:
        return []
    # User organisations are shallow (organisation → branch → local team): two levels down.
    children = list(Organisation.objects.filter(parent_id__in=roots).values_list("id", flat=True))
    grandchildren = list(
        Organisation.objects.filter(parent_id__in=children).values_list("id", flat=True)
    )
    return [*roots, *children, *grandchildren]


# Checks contributed by apps above this one (bodies adds "secretariat handling an appointment"),
# registered from their AppConfig.ready(), so imports keep pointing down.
EXTRA_HEALTH_ACCESS: list[Callable[[Any, Representative], bool]] = []


def can_see_health_data(user: Any, representative: Representative) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if representative.user_id == user.pk:
        return True
    # A coordinator whose organisation rejected the person no longer sees their health data.
    if (
        representative.affiliations.filter(organisation_id__in=coordinator_organisation_ids(user))
        .exclude(status=Affiliation.Status.REJECTED)
        .exists()
    ):
        return True
    return any(check(user, representative) for check in EXTRA_HEALTH_ACCESS)


def get_representative_for_user(
    request: HttpRequest, pk: int, purpose: str
) -> tuple[Representative, bool]:
    """The representative and whether health data may be shown; a shown read is logged."""
    user = request.user
    representative = get_object_or_404(
        Representative.objects.select_related("user", "municipality"),
        pk=pk,
        deleted_at__isnull=True,
    )
    health = can_see_health_data(user, representative)
    if not health:  # platform operators too: access follows the job, not the technical role
        raise PermissionDenied
    if health and representative.user_id != user.pk:
        log_access(actor=user, obj=representative, purpose=purpose, path=request.path)
    return representative, health


def health_data_rows(representatives: Iterable[Representative]) -> list[tuple[int, str]]:
    """(pk, name) of the rows of a list that show health data (their experience areas), to be
    logged on every showing, also when the list itself comes from the content cache."""
    return [(r.pk, str(r)[:300]) for r in representatives if r.experience_areas.all()]


def log_list_access_rows(request: HttpRequest, rows: list[tuple[int, str]]) -> None:
    AccessLogEntry.objects.record_list_read(
        request.user, Representative, rows, purpose="representatives list", path=request.path
    )


# --- Coordinators ------------------------------------------------------------------------------


def get_coordinator_scope_for_user(user: Any) -> list[int]:
    """The organisations `user` coordinates (with their branches); 403 if none."""
    ids = coordinator_organisation_ids(user)
    if not ids:
        raise PermissionDenied
    return ids


def affiliations_for_user(user: Any, representative: Representative) -> list[Affiliation]:
    """The person's affiliations, each with `may_decide`: whether `user` may approve or reject
    it (a coordinator of that organisation; never on one's own profile)."""
    own = representative.user_id == user.pk
    coordinated = set() if own else set(coordinator_organisation_ids(user))
    affiliations = list(
        representative.affiliations.select_related("organisation", "decided_by").order_by(
            "organisation__name"
        )
    )
    for affiliation in affiliations:
        affiliation.may_decide = affiliation.organisation_id in coordinated  # type: ignore[attr-defined]
    return affiliations


def get_affiliation_for_user(user: Any, pk: int) -> Affiliation:
    """An affiliation to approve or reject: only coordinators of that organisation."""
    affiliation = get_object_or_404(
        Affiliation.objects.select_related("representative__user", "organisation"),
        pk=pk,
        representative__deleted_at__isnull=True,
    )
    if affiliation.organisation_id not in coordinator_organisation_ids(user):
        raise PermissionDenied
    if affiliation.representative.user_id == user.pk:
        raise PermissionDenied  # nobody approves their own affiliation
    return affiliation


# --- The person's own records ----------------------------------------------------------------


def get_own_representative(user: Any) -> Representative | None:
    """The logged-in person's own representative profile, or None if they have none."""
    if not user.is_authenticated:
        return None
    return (
        Representative.objects.active()
        .select_related("user", "municipality")
        .filter(user=user)
        .first()
    )


def get_employment_for_user(user: Any, pk: int) -> EmploymentDeclaration:
    """One of the person's own employment declarations, to edit, end or delete: only the
    person, as only the person declares them (404 for anyone else's)."""
    return get_object_or_404(
        EmploymentDeclaration.objects.select_related("representative__user"),
        pk=pk,
        representative__user_id=getattr(user, "pk", None),
        representative__deleted_at__isnull=True,
    )


def get_engagement_for_user(user: Any, pk: int) -> ExternalEngagement:
    """One of the person's own other engagements (404 for anyone else's)."""
    return get_object_or_404(
        ExternalEngagement.objects.select_related("representative__user"),
        pk=pk,
        representative__user_id=getattr(user, "pk", None),
        representative__deleted_at__isnull=True,
    )


# --- Experience areas --------------------------------------------------------------------------


def can_edit_experience_areas(user: Any) -> bool:
    """The managed list of experience areas: administrators anywhere and platform operators."""
    if user.is_superuser and user.is_active:
        return True
    return StaffRole.objects.for_user(user).filter(role=Role.ADMINISTRATOR).exists()


def get_experience_area_for_user(user: Any, pk: int | None = None) -> ExperienceArea:
    """The area to edit, or a new one; 403 unless `user` may edit the list."""
    if not can_edit_experience_areas(user):
        raise PermissionDenied
    return get_object_or_404(ExperienceArea, pk=pk) if pk is not None else ExperienceArea()
