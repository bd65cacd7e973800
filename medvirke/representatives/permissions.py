"""Who may see a representative, and their health data.

Health data (experience areas and description) is visible only to the person, the secretariats
of bodies handling their appointments (a nomination or a term), and coordinators of
organisations they belong to (a coordinator role reaches branches below). Every view of it is
written to the access log by `get_representative_for_user`.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from medvirke.core.history import log_access
from medvirke.organisations.models import Organisation, StaffRole

from .models import Representative

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
    if representative.affiliations.filter(
        organisation_id__in=coordinator_organisation_ids(user)
    ).exists():
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
