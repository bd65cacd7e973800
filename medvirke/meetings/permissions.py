"""Who may do what with meetings, cases, minutes and advice.

- The body's secretariat (bodies.permissions.can_manage) plans and calls meetings, adds cases,
  publishes papers, records attendance and writes, sends, approves and publishes the minutes.
- Members (representatives with a current term in the body, deputies included) see the
  meetings and papers, send absence notices, propose cases and comment on minutes.
- The case owner (the person, or case handlers and administrators of the owning unit) and the
  advice's recipient (likewise) answer the advice.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from medvirke.bodies.models import Body, Term
from medvirke.bodies.permissions import can_manage
from medvirke.bodies.permissions import can_view as can_view_body
from medvirke.organisations.models import Organisation, StaffRole
from medvirke.organisations.permissions import roles_in

from .models import Advice, Case, Meeting

# Staff roles in a unit that may answer advice sent to the unit.
ANSWERING_ROLES = {StaffRole.Role.CASE_HANDLER, StaffRole.Role.ADMINISTRATOR}


def member_terms(body: Body | int, on: Any = None) -> Any:
    """Current terms in the body (every role, deputies included)."""
    return Term.objects.current(on).filter(seat__body=body, seat__retired_on__isnull=True)


def is_member(user: Any, body: Body | int, on: Any = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return member_terms(body, on).filter(representative__user=user).exists()


def can_manage_meeting(user: Any, meeting: Meeting) -> bool:
    return can_manage(user, meeting.body)


def can_view_meeting(user: Any, meeting: Meeting) -> bool:
    return can_view_body(user, meeting.body) or is_member(user, meeting.body_id)


def _answers_for(user: Any, person_id: int | None, unit: Organisation | None) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if person_id is not None and person_id == user.pk:
        return True
    return unit is not None and bool(roles_in(user, unit) & ANSWERING_ROLES)


def is_case_owner(user: Any, case: Case) -> bool:
    return _answers_for(user, case.owner_person_id, case.owner_unit)


def can_respond(user: Any, advice: Advice) -> bool:
    """Only the case owner or the advice's recipient answers it (not the secretariat)."""
    return is_case_owner(user, advice.case) or _answers_for(
        user, advice.recipient_person_id, advice.recipient_unit
    )


def get_meeting_for_user(user: Any, pk: int, *, manage: bool = False) -> Meeting:
    """The meeting with its body and owner loaded; 403 unless allowed."""
    meeting = get_object_or_404(Meeting.objects.select_related("body__owner"), pk=pk)
    allowed = can_manage_meeting(user, meeting) if manage else can_view_meeting(user, meeting)
    if not allowed:
        raise PermissionDenied
    return meeting


def get_case_for_user(user: Any, pk: int, *, manage: bool = False) -> Case:
    case = get_object_or_404(
        Case.objects.select_related("body__owner", "meeting", "owner_unit", "owner_person"),
        pk=pk,
    )
    if manage:
        allowed = can_manage(user, case.body)
    else:
        allowed = (
            can_manage(user, case.body)
            or is_case_owner(user, case)
            or (case.is_public and can_view_body(user, case.body))
            or is_member(user, case.body_id)
        )
    if not allowed:
        raise PermissionDenied
    return case


def get_advice_for_user(user: Any, pk: int, *, respond: bool = False) -> Advice:
    advice = get_object_or_404(
        Advice.objects.select_related(
            "case__body__owner", "case__owner_unit", "recipient_unit", "recipient_person"
        ),
        pk=pk,
    )
    if respond:
        allowed = can_respond(user, advice)
    else:
        allowed = (
            can_respond(user, advice)
            or can_manage(user, advice.case.body)
            or is_member(user, advice.case.body_id)
            or (advice.case.is_public and can_view_body(user, advice.case.body))
        )
    if not allowed:
        raise PermissionDenied
    return advice


def my_current_terms(user: Any) -> Any:
    """The person's own current terms (every role, deputies included) in seats still in use:
    what "my meetings" and the personal calendar are built from."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Term.objects.none()
    return Term.objects.current().filter(
        representative__user=user,
        representative__deleted_at__isnull=True,
        seat__retired_on__isnull=True,
    )
