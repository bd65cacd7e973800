"""Who may do what with organisations, staff roles and invitations.

The table in docs/permissions.md is the specification; tests/test_permission_matrix.py walks it.
A role held in an organisation reaches every organisation below it (an HF administrator
administers the HF's clinics and units too). Platform operators (superusers) may do everything.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Invitation, Organisation, StaffRole

Role = StaffRole.Role

# Which roles allow which action on an organisation (and everything below it).
ACTION_ROLES: dict[str, set[str]] = {
    "view_staff": {r.value for r in Role},
    "edit": {Role.ADMINISTRATOR},
    "add_unit": {Role.ADMINISTRATOR},
    "end": {Role.ADMINISTRATOR},
    "invite": {Role.ADMINISTRATOR},
    "revoke_role": {Role.ADMINISTRATOR},
    "view_history": {Role.ADMINISTRATOR, Role.AUDITOR},
}


# Ending an organisation ends its roles (services.end_organisation); these actions would bring
# people or units back into it while it is ended, so they wait until it is active again.
CLOSED_WHEN_ENDED = frozenset({"add_unit", "invite"})


def roles_in(user: Any, organisation: Organisation) -> set[str]:
    """The roles `user` holds in `organisation` or above it (one query, cached per request)."""
    if not user.is_authenticated:
        return set()
    cache: dict[int, set[str]] = user.__dict__.setdefault("_medvirke_roles", {})
    if organisation.pk not in cache:
        cache[organisation.pk] = set(
            StaffRole.objects.for_user(user).reaching(organisation).values_list("role", flat=True)
        )
    return cache[organisation.pk]


def can(user: Any, action: str, organisation: Organisation) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if action in CLOSED_WHEN_ENDED and organisation.ended_on is not None:
        return False  # nobody, not even an operator, brings new people into an ended one
    if user.is_superuser:
        return True
    return bool(roles_in(user, organisation) & ACTION_ROLES[action])


def can_create_top_level(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


def can_view_organisations(user: Any) -> bool:
    """Browsing the tree and organisation pages: any logged-in person (public pages come later)."""
    return bool(user.is_authenticated and user.is_active)


def get_organisation_for_user(user: Any, pk: int, action: str | None = None) -> Organisation:
    """The organisation; 403 unless `user` may do `action` on it."""
    if not can_view_organisations(user):
        raise PermissionDenied
    organisation = get_object_or_404(Organisation, pk=pk)
    if action is not None and not can(user, action, organisation):
        raise PermissionDenied
    return organisation


def get_role_for_user(user: Any, pk: int, organisation: Organisation) -> StaffRole:
    role = get_object_or_404(
        StaffRole.objects.select_related("user", "organisation"), pk=pk, organisation=organisation
    )
    if not can(user, "revoke_role", organisation):
        raise PermissionDenied
    return role


def get_invitation_for_user(user: Any, pk: int, organisation: Organisation) -> Invitation:
    invitation = get_object_or_404(Invitation, pk=pk, organisation=organisation)
    if not can(user, "invite", organisation):
        raise PermissionDenied
    return invitation
