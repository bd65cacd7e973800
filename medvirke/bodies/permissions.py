"""Who may do what with bodies, calls, nominations and terms.

- Anyone logged in sees public bodies; staff with a role in the owner organisation (or above)
  see all of the owner's bodies.
- The body's secretariat staff, and administrators or secretariat-role holders in the owner
  organisation (or above), manage it: edit, open calls, appoint, decline, record resignations.
- Coordinators of an organisation a call was sent to (or of an organisation above it) nominate
  and withdraw their own organisation's nominations.
- A representative confirms and resigns their own terms.
The table in docs/permissions.md is extended with these rows as the pages arrive.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from medvirke.organisations.models import Organisation, StaffRole
from medvirke.organisations.permissions import roles_in
from medvirke.representatives.models import Representative
from medvirke.representatives.permissions import coordinator_organisation_ids

from .models import Body, Call, Nomination, Term

Role = StaffRole.Role
MANAGER_ROLES = {Role.ADMINISTRATOR, Role.SECRETARIAT}


def handling_secretariat_scope(user: Any) -> Q | None:
    """The representatives whose appointments `user`'s secretariat handles — nominated to,
    holding or having held a seat in a body where `user` is secretariat staff — as a filter on
    Representative (None if `user` is in no secretariat). Registered with the representatives'
    health-data rule (representatives.permissions.EXTRA_HEALTH_ACCESS), which adds the person's
    consent; `pk__in` subqueries, so a list needs no DISTINCT."""
    if not getattr(user, "is_authenticated", False):
        return None
    bodies = Body.objects.filter(secretariat=user).values("pk")
    if not bodies.exists():
        return None
    return Q(pk__in=Term.objects.filter(seat__body__in=bodies).values("representative_id")) | Q(
        pk__in=Nomination.objects.filter(call__body__in=bodies).values("representative_id")
    )


def is_handling_secretariat(user: Any, representative: Representative) -> bool:
    """Secretariat staff of a body where the person is nominated or holds or held a term (the
    single-person form of `handling_secretariat_scope`)."""
    scope = handling_secretariat_scope(user)
    return scope is not None and (
        Representative.objects.filter(scope, pk=representative.pk).exists()
    )


def can_manage(user: Any, body: Body) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if body.secretariat.filter(pk=user.pk).exists():
        return True
    return bool(roles_in(user, body.owner) & MANAGER_ROLES)


def can_view(user: Any, body: Body) -> bool:
    if not user.is_authenticated:
        return False
    return (
        body.is_public
        or user.is_superuser
        or bool(roles_in(user, body.owner))
        or (body.secretariat.filter(pk=user.pk).exists())
        # Members of a non-public working group see the group they sit in.
        or Term.objects.current().filter(seat__body=body, representative__user=user).exists()
    )


def can_view_history(user: Any, body: Body) -> bool:
    """Those who run the body, and auditors (revisor) of the owner organisation or above, as
    for an organisation's history."""
    return can_manage(user, body) or Role.AUDITOR in roles_in(user, body.owner)


def get_body_for_user(user: Any, pk: int, manage: bool = False) -> Body:
    """The body with its owner and secretariat loaded; 403 unless allowed."""
    body = get_object_or_404(
        Body.objects.select_related("owner").prefetch_related("secretariat"), pk=pk
    )
    allowed = can_manage(user, body) if manage else can_view(user, body)
    if not allowed:
        raise PermissionDenied
    return body


def may_nominate_to(user: Any, call: Call) -> list[Organisation]:
    """The organisations `user` may nominate for in this call (as their coordinator)."""
    mine = set(coordinator_organisation_ids(user))
    return [org for org in call.recipients.all() if org.pk in mine] or [
        org
        for org in Organisation.objects.filter(pk__in=mine)
        if org.parent_id in {r.pk for r in call.recipients.all()}
    ]


def get_call_for_user(user: Any, pk: int, *, manage: bool = False) -> Call:
    call = get_object_or_404(Call.objects.select_related("body__owner"), pk=pk)
    if manage:
        if not can_manage(user, call.body):
            raise PermissionDenied
    elif not (can_manage(user, call.body) or may_nominate_to(user, call)):
        raise PermissionDenied
    return call


def get_nomination_for_user(user: Any, pk: int, *, manage: bool = False) -> Nomination:
    """Managers (appoint/decline) or the nominating organisation's coordinator (withdraw)."""
    nomination = get_object_or_404(
        Nomination.objects.select_related(
            "call__body__owner", "representative__user", "organisation"
        ),
        pk=pk,
    )
    if manage:
        if not can_manage(user, nomination.call.body):
            raise PermissionDenied
    elif nomination.organisation_id not in coordinator_organisation_ids(user):
        raise PermissionDenied
    return nomination


def get_term_for_user(user: Any, pk: int) -> Term:
    """The representative's own term, or any term of a body the user manages."""
    term = get_object_or_404(
        Term.objects.select_related("seat__body__owner", "representative__user", "nominated_by"),
        pk=pk,
    )
    if term.representative.user_id != getattr(user, "pk", None) and not can_manage(
        user, term.seat.body
    ):
        raise PermissionDenied
    return term
