"""Who carries out a representative's request to be deleted.

The people told of the request act on it (bodies.services.request_deletion): coordinators of
an organisation the person belongs to (a coordinator role reaches branches below), and the
secretariat staff of bodies where the person is nominated or holds or held a term. Apps above
this one add their part of that scope through EXTRA_DELETION_SCOPE, so imports keep pointing
down. Nobody carries out their own request (a second person looks at it), and platform
operators do not: access follows the job, as for health data.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from .models import Representative
from .permissions import coordinator_organisation_ids
from .services import discover_personal_data_modules

# name → a function giving the representatives `user` may act for, as a filter on
# Representative, or None if the user has no such job at all. Registered by apps above this one
# from their `personal_data` module (bodies: the secretariat of a body handling the person).
EXTRA_DELETION_SCOPE: dict[str, Callable[[Any], Q | None]] = {}


def _coordinator_scope(user: Any) -> Q | None:
    organisation_ids = coordinator_organisation_ids(user)
    return Q(affiliations__organisation_id__in=organisation_ids) if organisation_ids else None


def deletion_scope(user: Any) -> Q | None:
    """Representatives `user` may carry out a deletion for; None if nobody (→ 403)."""
    if not user.is_authenticated or not user.is_active:
        return None
    discover_personal_data_modules()
    scopes = [
        scope
        for scope in (
            _coordinator_scope(user),
            *(extra(user) for extra in EXTRA_DELETION_SCOPE.values()),
        )
        if scope is not None
    ]
    if not scopes:
        return None
    combined = Q(pk__in=[])
    for scope in scopes:
        combined |= scope
    return combined & ~Q(user_id=user.pk)


def open_deletion_requests_for(user: Any) -> Any:
    """Open requests (asked, not yet carried out) `user` may act on; 403 if they have no such
    job at all."""
    scope = deletion_scope(user)
    if scope is None:
        raise PermissionDenied
    return Representative.objects.filter(
        scope, deletion_requested_at__isnull=False, deleted_at__isnull=True
    ).distinct()


def get_deletion_request_for_user(user: Any, pk: int) -> Representative:
    """A representative with an open deletion request that `user` may carry out: 403 for people
    with no such job or a request that is not theirs to handle, 404 once it is carried out."""
    scope = deletion_scope(user)
    if scope is None:
        raise PermissionDenied
    representative = get_object_or_404(
        Representative.objects.select_related("user"),
        pk=pk,
        deletion_requested_at__isnull=False,
        deleted_at__isnull=True,
    )
    if not Representative.objects.filter(scope, pk=representative.pk).exists():
        raise PermissionDenied
    return representative
