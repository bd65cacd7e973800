"""Workflows for the minutes (protokoll) and the influence ledger.

Minutes: draft (edited with an optimistic lock: the second of two editors is told) → sent to
members for comments by a deadline → approved by the chair or at the next meeting (locked; a
frozen version 1) → published. A correction of approved minutes is a new frozen version with
its reason; the earlier versions are kept.

Ledger: every piece of advice has a recipient and a due date; the case owner or the recipient
answers (followed / partly / not followed / under consideration), each answer a new row, and
the members and the proposing representative are told. Open advice comes back on the body's
agenda (follow_up_items) until it has a final answer.
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medvirke.bodies.models import Body
from medvirke.bodies.services import secretariat_of
from medvirke.core.history import record, save_with_history
from medvirke.core.models import AuditEvent
from medvirke.core.notify import notify
from medvirke.organisations.models import Organisation

from ..models import (
    Advice,
    AdviceQuerySet,
    AdviceResponse,
    Case,
    CaseConclusion,
    Dissent,
    Meeting,
    Minutes,
    MinutesComment,
    MinutesVersion,
)
from ..permissions import ANSWERING_ROLES, can_respond, is_member
from .meetings import RefusedError, meeting_url, members_of, notify_members, url_for, when


class StaleEditError(RefusedError):
    """Someone else saved the minutes after this edit was opened."""


class MinutesLockedError(RefusedError):
    """Approved minutes cannot be changed in place; a correction makes a new version."""


def _locked() -> MinutesLockedError:
    return MinutesLockedError(
        _(
            "Approved minutes cannot be changed. Make a correction instead; the approved "
            "version is kept."
        )
    )


def start_minutes(meeting: Meeting, *, by: Any) -> Minutes:
    """The meeting's minutes, created as a draft the first time."""
    with transaction.atomic():
        Meeting.objects.select_for_update(of=("self",)).only("pk").get(pk=meeting.pk)
        minutes = Minutes.objects.filter(meeting=meeting).first()
        if minutes is None:
            minutes = Minutes(meeting=meeting, updated_by=by)
            save_with_history(minutes, actor=by, parent=meeting)
    return minutes


def _set_conclusions(minutes: Minutes, conclusions: dict[int, str], by: Any) -> bool:
    """Create or change the conclusion per case (case pk → text); True if anything changed."""
    cases = {c.pk: c for c in Case.objects.filter(meeting_id=minutes.meeting_id)}
    existing = {c.case_id: c for c in minutes.conclusions.all()}
    changed = False
    for case_id, text in conclusions.items():
        if case_id not in cases:
            raise RefusedError(_("The case is not on this meeting's agenda."))
        row = existing.get(case_id) or CaseConclusion(minutes=minutes, case=cases[case_id])
        row.text = text.strip()
        changed |= save_with_history(row, actor=by, parent=minutes.meeting) is not None
    return changed


def _apply(
    minutes: Minutes,
    current: Minutes,
    *,
    by: Any,
    text: str | None,
    conclusions: dict[int, str] | None,
) -> bool:
    """Write the edit under the lock already held on `current`; bumps the version."""
    changed = _set_conclusions(current, conclusions or {}, by)
    if text is not None:
        current.text = text
    changes = current.tracked_changes()
    if not changes and not changed:
        return False
    current.version += 1
    current.updated_by = by
    changes = current.tracked_changes()
    current.save(update_fields=[*changes, "version", "updated_at"])
    current.mark_saved()
    record(
        actor=by,
        action=AuditEvent.Action.UPDATED,
        obj=current,
        changes=changes,
        parent=current.meeting,
    )
    minutes.text, minutes.version = current.text, current.version
    minutes.updated_by, minutes.updated_at = current.updated_by, current.updated_at
    return True


def update_minutes(
    minutes: Minutes,
    *,
    by: Any,
    expected_version: int | None,
    text: str | None = None,
    conclusions: dict[int, str] | None = None,
) -> bool:
    """Save an edit of draft minutes unless someone else saved since it was opened (the form
    carries `expected_version`); returns whether anything changed."""
    with transaction.atomic():
        current = (
            Minutes.objects.select_for_update(of=("self",))
            .select_related("meeting", "updated_by")
            .get(pk=minutes.pk)
        )
        if current.is_locked:
            raise _locked()
        if expected_version is not None and current.version != expected_version:
            raise StaleEditError(
                _(
                    "%(person)s saved the minutes at %(time)s, after you opened them. Your "
                    "text is kept; compare it with theirs and save again."
                )
                % {"person": current.updated_by or "–", "time": when(current.updated_at)}
            )
        return _apply(minutes, current, by=by, text=text, conclusions=conclusions)


def add_dissent(minutes: Minutes, *, case: Case, person: Any, text: str, by: Any) -> Dissent:
    """Record (or change) a member's dissent from the conclusion in a case."""
    if not text.strip():
        raise ValidationError({"text": _("Write the dissent in the member's words.")})
    with transaction.atomic():
        current = Minutes.objects.select_for_update(of=("self",)).get(pk=minutes.pk)
        if current.is_locked:
            raise _locked()
        if not is_member(person, current.meeting.body_id):
            raise RefusedError(_("Only members of the body can dissent."))
        conclusion = CaseConclusion.objects.filter(minutes=current, case=case).first()
        if conclusion is None:
            raise RefusedError(_("Write the conclusion in the case first."))
        dissent = Dissent.objects.filter(conclusion=conclusion, person=person).first()
        dissent = dissent or Dissent(conclusion=conclusion, person=person)
        dissent.text = text.strip()
        save_with_history(dissent, actor=by, parent=current.meeting)
    return dissent


def send_minutes_for_comments(minutes: Minutes, *, deadline: date, by: Any) -> None:
    """Send the draft to the members, who may comment until `deadline`."""
    if deadline < timezone.localdate():
        raise ValidationError({"comment_deadline": _("The deadline cannot be in the past.")})
    with transaction.atomic():
        current = (
            Minutes.objects.select_for_update(of=("self",))
            .select_related("meeting__body")
            .get(pk=minutes.pk)
        )
        if current.is_locked:
            raise _locked()
        current.status = Minutes.Status.FOR_COMMENT
        current.comment_deadline = deadline
        save_with_history(current, actor=by, parent=current.meeting)
        notify_members(
            current.meeting,
            gettext_lazy("Draft minutes for comments: %(body)s, %(when)s"),
            gettext_lazy(
                "The draft minutes of the meeting are ready. Send any comments by %(deadline)s."
            ),
            params={
                "body": current.meeting.body,
                "when": when(current.meeting.starts_at),
                "deadline": f"{deadline:%d.%m.%Y}",
            },
            by=by,
        )
    minutes.status, minutes.comment_deadline = current.status, deadline


def comment_on_minutes(minutes: Minutes, *, text: str, by: Any) -> MinutesComment:
    """A member comments on draft minutes sent for comments, before the deadline."""
    if not text.strip():
        raise ValidationError({"text": _("Write a comment.")})
    current = Minutes.objects.select_related("meeting__body").get(pk=minutes.pk)
    if current.status != Minutes.Status.FOR_COMMENT:
        raise RefusedError(_("The minutes are not open for comments."))
    if current.comment_deadline and timezone.localdate() > current.comment_deadline:
        raise RefusedError(_("The deadline for comments has passed."))
    if not is_member(by, current.meeting.body_id):
        raise RefusedError(_("Only members of the body can comment on the minutes."))
    with transaction.atomic():
        comment = MinutesComment.objects.create(minutes=current, author=by, text=text.strip())
        record(actor=by, action=AuditEvent.Action.CREATED, obj=comment, parent=current.meeting)
        notify(
            secretariat_of(current.meeting.body),
            gettext_lazy("Comment on the minutes: %(body)s, %(when)s"),
            gettext_lazy("%(person)s has commented on the draft minutes."),
            url_for("minutes_edit", current.meeting_id) or meeting_url(current.meeting),
            params={
                "body": current.meeting.body,
                "when": when(current.meeting.starts_at),
                "person": by,
            },
            exclude=by,
        )
    return comment


def snapshot(minutes: Minutes) -> dict[str, Any]:
    """The minutes as they read now: text, per case the conclusion with dissents, and advice."""
    conclusions = (
        CaseConclusion.objects.filter(minutes=minutes)
        .select_related("case")
        .prefetch_related("dissents__person")
        .order_by("case__agenda_order", "case__number")
    )
    advice = (
        Advice.objects.filter(case__meeting_id=minutes.meeting_id)
        .select_related("case", "recipient_unit", "recipient_person")
        .order_by("case__agenda_order", "pk")
    )
    return {
        "text": minutes.text,
        "conclusions": [
            {
                "case": c.case.reference,
                "title": c.case.title,
                "text": c.text,
                "dissents": [{"person": str(d.person), "text": d.text} for d in c.dissents.all()],
            }
            for c in conclusions
        ],
        "advice": [
            {
                "case": a.case.reference,
                "text": a.text,
                "recipient": str(a.recipient_person or a.recipient_unit),
                "due_on": a.due_on.isoformat(),
            }
            for a in advice
        ],
    }


def _freeze(minutes: Minutes, *, by: Any, reason: str = "") -> MinutesVersion:
    number = (minutes.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = MinutesVersion.objects.create(
        minutes=minutes, number=number, content=snapshot(minutes), reason=reason, made_by=by
    )
    record(actor=by, action=AuditEvent.Action.CREATED, obj=version, parent=minutes.meeting)
    return version


def approve_minutes(
    minutes: Minutes,
    *,
    by: Any,
    how: str = Minutes.ApprovedHow.CHAIR,
    at_meeting: Meeting | None = None,
) -> MinutesVersion:
    """Approve the minutes (by the chair, or at a later meeting of the body): they are locked
    and frozen as version 1; the meeting's status becomes "minutes approved"."""
    with transaction.atomic():
        current = (
            Minutes.objects.select_for_update(of=("self",))
            .select_related("meeting__body")
            .get(pk=minutes.pk)
        )
        if current.is_locked:
            raise RefusedError(_("The minutes are already approved."))
        if how == Minutes.ApprovedHow.MEETING and (
            at_meeting is None
            or at_meeting.body_id != current.meeting.body_id
            or at_meeting.starts_at <= current.meeting.starts_at
        ):
            raise RefusedError(_("Choose a later meeting of the same body."))
        current.status = Minutes.Status.APPROVED
        current.approved_how = how
        current.approved_at_meeting = at_meeting
        current.approved_by, current.approved_at = by, timezone.now()
        save_with_history(current, actor=by, parent=current.meeting)
        meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=current.meeting_id)
        meeting.status = Meeting.Status.MINUTES_APPROVED
        save_with_history(meeting, actor=by, parent=meeting.body)
        version = _freeze(current, by=by)
    minutes.status = current.status
    return version


def publish_minutes(minutes: Minutes, *, by: Any) -> None:
    """Publish approved minutes; the members are told."""
    with transaction.atomic():
        current = (
            Minutes.objects.select_for_update(of=("self",))
            .select_related("meeting__body")
            .get(pk=minutes.pk)
        )
        if current.status != Minutes.Status.APPROVED:
            raise RefusedError(_("Only approved minutes can be published."))
        current.status, current.published_at = Minutes.Status.PUBLISHED, timezone.now()
        save_with_history(current, actor=by, parent=current.meeting)
        notify_members(
            current.meeting,
            gettext_lazy("Minutes published: %(body)s, %(when)s"),
            gettext_lazy("The approved minutes of the meeting are published."),
            params={"body": current.meeting.body, "when": when(current.meeting.starts_at)},
            by=by,
        )
    minutes.status, minutes.published_at = current.status, current.published_at


def correct_minutes(
    minutes: Minutes,
    *,
    by: Any,
    reason: str,
    text: str | None = None,
    conclusions: dict[int, str] | None = None,
) -> MinutesVersion:
    """Correct approved minutes: the change is saved as a new frozen version with its reason;
    every earlier version is kept."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the minutes are corrected.")})
    with transaction.atomic():
        current = (
            Minutes.objects.select_for_update(of=("self",))
            .select_related("meeting__body")
            .get(pk=minutes.pk)
        )
        if not current.is_locked:
            raise RefusedError(_("Draft minutes are edited, not corrected."))
        if not _apply(minutes, current, by=by, text=text, conclusions=conclusions):
            raise RefusedError(_("The correction changes nothing."))
        version = _freeze(current, by=by, reason=reason.strip())
        notify_members(
            current.meeting,
            gettext_lazy("Minutes corrected: %(body)s, %(when)s"),
            gettext_lazy(
                "The approved minutes have been corrected (version %(number)s): %(reason)s"
            ),
            params={
                "body": current.meeting.body,
                "when": when(current.meeting.starts_at),
                "number": version.number,
                "reason": reason.strip(),
            },
            by=by,
        )
    return version


# --- the influence ledger -----------------------------------------------------------------------


def _answerers(advice: Advice) -> list[Any]:
    """The people who may answer: the named person, or the unit's case handlers."""
    from django.contrib.auth import get_user_model

    people = [p for p in (advice.recipient_person, advice.case.owner_person) if p is not None]
    units = [u for u in (advice.recipient_unit, advice.case.owner_unit) if u is not None]
    if not people and units:
        people = list(
            get_user_model()
            .objects.filter(
                is_active=True,
                staff_roles__role__in=ANSWERING_ROLES,
                staff_roles__organisation__in=units,
            )
            .distinct()
        )
    return people


def record_advice(
    case: Case,
    *,
    text: str,
    due_on: date,
    by: Any,
    recipient_unit: Organisation | None = None,
    recipient_person: Any = None,
) -> Advice:
    """Record the council's advice in a case as its own entry in the ledger; the recipient
    (by default the case owner) is told to answer by `due_on`."""
    if case.kind not in (Case.Kind.ADVICE, Case.Kind.CONSULTATION):
        raise RefusedError(_("Advice is recorded in advice and consultation cases only."))
    if not text.strip():
        raise ValidationError({"text": _("Write the advice.")})
    recipient_unit = recipient_unit or (None if recipient_person else case.owner_unit)
    recipient_person = recipient_person or (None if recipient_unit else case.owner_person)
    if recipient_unit is None and recipient_person is None:
        raise ValidationError({"recipient_unit": _("Choose who must answer the advice.")})
    with transaction.atomic():
        minutes = (
            Minutes.objects.filter(meeting_id=case.meeting_id).first() if case.meeting_id else None
        )
        if minutes is not None and minutes.is_locked:
            raise _locked()
        advice = Advice(
            case=case,
            text=text.strip(),
            due_on=due_on,
            recipient_unit=recipient_unit,
            recipient_person=recipient_person,
            created_by=by,
        )
        save_with_history(advice, actor=by, parent=case.body)
        notify(
            _answerers(advice),
            gettext_lazy("Advice to answer from %(body)s: %(case)s"),
            gettext_lazy(
                "%(body)s has given advice in case %(case)s %(title)s. Answer by %(due)s "
                "whether it is followed, and why."
            ),
            url_for("advice_detail", advice.pk),
            params={
                "body": case.body,
                "case": case.reference,
                "title": case.title,
                "due": f"{due_on:%d.%m.%Y}",
            },
            exclude=by,
        )
    return advice


def respond_to_advice(advice: Advice, *, status: str, reasoning: str, by: Any) -> AdviceResponse:
    """Answer advice (only the case owner or the recipient may). Each answer is a new row, so
    a changed answer keeps the earlier one; the members and the representative who proposed
    the case are told."""
    if not can_respond(by, advice):
        raise PermissionDenied(_("Only the case owner or the recipient can answer the advice."))
    if status not in AdviceResponse.Status.values:
        raise ValidationError({"status": _("Choose an answer.")})
    if not reasoning.strip():
        raise ValidationError({"reasoning": _("Give the reasoning for the answer.")})
    with transaction.atomic():
        current = (
            Advice.objects.select_for_update(of=("self",))
            .select_related("case__body", "case__meeting")
            .get(pk=advice.pk)
        )
        changed = current.responses.exists()
        response = AdviceResponse(
            advice=current, status=status, reasoning=reasoning.strip(), responded_by=by
        )
        save_with_history(response, actor=by, parent=current.case.body)
        current.status = status
        save_with_history(current, actor=by, parent=current.case.body)
        proposal = getattr(current.case, "proposal", None)
        people = members_of(current.case.body_id)
        if proposal is not None:
            people.append(proposal.proposed_by)
        notify(
            people,
            gettext_lazy("Changed answer to advice: %(case)s")
            if changed
            else gettext_lazy("Answer to advice: %(case)s"),
            [
                gettext_lazy("The advice of %(body)s in case %(case)s %(title)s: %(answer)s."),
                gettext_lazy("Reasoning: %(reasoning)s"),
            ],
            url_for("advice_detail", current.pk),
            params={
                "body": current.case.body,
                "case": current.case.reference,
                "title": current.case.title,
                "answer": AdviceResponse.Status(status).label,
                "reasoning": response.reasoning,
            },
            exclude=by,
        )
    advice.status = current.status
    return response


def follow_up_items(body: Body | int, *, exclude_meeting: Meeting | None = None) -> AdviceQuerySet:
    """Advice of the body still without a final answer: it comes back on every agenda as a
    follow-up item until answered (the meeting that gave it excluded)."""
    items = (
        Advice.objects.for_body(body)
        .open()
        .select_related("case", "recipient_unit", "recipient_person")
        .order_by("due_on", "pk")
    )
    if exclude_meeting is not None:
        items = items.exclude(case__meeting=exclude_meeting)
    return items
