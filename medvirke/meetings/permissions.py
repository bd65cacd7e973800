"""Who may do what with meetings, cases, minutes and advice.

- The body's secretariat (bodies.permissions.can_manage) plans and calls meetings, adds cases,
  publishes papers, records attendance and writes, sends, approves and publishes the minutes.
- Members (representatives with a current term in the body, deputies included) see the
  meetings and papers, send absence notices, propose cases and comment on minutes.
- The case owner (the person, or the case handlers of the owning unit) and the advice's
  recipient (likewise) answer the advice.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from medvirke.bodies.models import Body, Term
from medvirke.bodies.permissions import can_manage
from medvirke.bodies.permissions import can_view as can_view_body
from medvirke.organisations.models import Organisation, StaffRole
from medvirke.organisations.permissions import roles_in

# Who is a member (member_terms) and who answers advice (ANSWERING_ROLES) are defined with the
# models, which need them too; the rules below build on them.
from .models import ANSWERING_ROLES, Advice, AdviceQuerySet, Case, Meeting, Minutes, member_terms


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


# --- minutes and the influence ledger pages -----------------------------------------------------


def can_read_full_minutes(user: Any, meeting: Meeting) -> bool:
    """The whole minutes, exempt cases included: the secretariat and the members."""
    return can_manage_meeting(user, meeting) or is_member(user, meeting.body_id)


def get_minutes_for_user(user: Any, meeting_pk: int, *, manage: bool = False) -> Minutes:
    """The meeting's minutes with the meeting and body loaded: the secretariat (manage), or
    anyone who may read the whole minutes; 403 unless allowed, 404 if none are started."""
    minutes = get_object_or_404(
        Minutes.objects.select_related("meeting__body__owner", "updated_by", "approved_by"),
        meeting_id=meeting_pk,
    )
    meeting = minutes.meeting
    allowed = can_manage_meeting(user, meeting) if manage else can_read_full_minutes(user, meeting)
    if not allowed:
        raise PermissionDenied
    return minutes


def advice_to_answer(user: Any) -> AdviceQuerySet:
    """Advice the person may answer: sent to them or to a unit where they answer (or below),
    or in a case they own (the same rule as can_respond, as one query)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Advice.objects.none()
    roots = list(
        StaffRole.objects.for_user(user)
        .filter(role__in=ANSWERING_ROLES)
        .values_list("organisation__path", flat=True)
    )
    mine = Q(recipient_person=user) | Q(case__owner_person=user)
    if roots:
        # Roles reach down: the units where they answer and every unit below them.
        units = Organisation.objects.below(*roots).values("pk")
        mine |= Q(recipient_unit__in=units) | Q(case__owner_unit__in=units)
    return Advice.objects.filter(mine)


def can_view_ledger(user: Any, body: Body) -> bool:
    """A body's figures: whoever sees the body, and its members."""
    return can_view_body(user, body) or is_member(user, body.pk)


def get_ledger_body_for_user(user: Any, pk: int) -> Body:
    """A body for its figures page; 403 unless `can_view_ledger`."""
    body = get_object_or_404(Body.objects.select_related("owner"), pk=pk)
    if not can_view_ledger(user, body):
        raise PermissionDenied
    return body


def get_ledger_owner_for_user(user: Any, pk: int) -> Organisation:
    """An owner organisation's figures: people with a role there or above, and operators."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied
    if not (user.is_superuser or roles_in(user, organisation)):
        raise PermissionDenied
    return organisation


# --- the secretariat's meeting pages ------------------------------------------------------------


def can_see_exempt(user: Any, body: Body) -> bool:
    """Exempt cases (their titles and papers): the secretariat and the members only."""
    return can_manage(user, body) or is_member(user, body.pk)


def get_paper_for_user(user: Any, pk: int) -> Any:
    """A paper for download: whoever may view its meeting; an exempt case's paper only for
    the secretariat and the members (403: the agenda shows the exempt case's number anyway)."""
    from .models import Paper

    paper = get_object_or_404(Paper.objects.select_related("meeting__body__owner", "case"), pk=pk)
    if not can_view_meeting(user, paper.meeting):
        raise PermissionDenied
    exempt = paper.case is not None and not paper.case.is_public
    if exempt and not can_see_exempt(user, paper.meeting.body):
        raise PermissionDenied
    return paper


def get_proposal_for_user(user: Any, pk: int, *, manage: bool = False) -> Any:
    """A case proposal: the body's secretariat (manage), or also the proposer."""
    from .models import CaseProposal

    proposal = get_object_or_404(
        CaseProposal.objects.select_related("body__owner", "proposed_by"), pk=pk
    )
    allowed = can_manage(user, proposal.body) or (
        not manage and proposal.proposed_by_id == getattr(user, "pk", None)
    )
    if not allowed:
        raise PermissionDenied
    return proposal


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
