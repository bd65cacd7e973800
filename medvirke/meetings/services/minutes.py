"""Workflows for the minutes (protokoll).

Draft (edited with an optimistic lock: the second of two editors is told) → sent to members for
comments by a deadline → approved by the chair or at the next meeting (locked; a frozen version
1) → published. A correction of approved minutes is a new frozen version with its reason; the
earlier versions are kept. A wrongly recorded dissent or piece of advice may be removed until
the minutes are approved; the history keeps what was removed.

The influence ledger's workflows (advice, answers, follow-up) are in ledger.py.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medvirke.bodies.services import secretariat_of
from medvirke.core.errors import RefusedError
from medvirke.core.history import record, save_with_history
from medvirke.core.locking import require_version, save_version
from medvirke.core.models import AuditEvent
from medvirke.core.notify import notify

from ..models import (
    Advice,
    Case,
    CaseConclusion,
    Dissent,
    Meeting,
    Minutes,
    MinutesComment,
    MinutesVersion,
)
from ..permissions import is_member
from .common import MinutesLockedError, notify_members, url_for, when


def start_minutes(meeting: Meeting, *, by: Any) -> Minutes:
    """The meeting's minutes, created as a draft the first time."""
    with transaction.atomic():
        meeting.locked()  # one draft, however many start it at once
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
    if not save_version(
        current,
        current,
        actor=by,
        parent=current.meeting,
        also_changed=changed,
        stamp={"updated_by": by},
    ):
        return False
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
        current = minutes.locked("meeting", "updated_by")
        if current.is_locked:
            raise MinutesLockedError
        require_version(
            current,
            expected_version,
            _(
                "%(person)s saved the minutes at %(time)s, after you opened them. Your "
                "text is kept; compare it with theirs and save again."
            )
            % {"person": current.updated_by or "–", "time": when(current.updated_at)},
        )
        return _apply(minutes, current, by=by, text=text, conclusions=conclusions)


def add_dissent(minutes: Minutes, *, case: Case, person: Any, text: str, by: Any) -> Dissent:
    """Record (or change) a member's dissent from the conclusion in a case."""
    if not text.strip():
        raise ValidationError({"text": _("Write the dissent in the member's words.")})
    with transaction.atomic():
        current = minutes.locked()
        if current.is_locked:
            raise MinutesLockedError
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
        current = minutes.locked("meeting__body")
        if current.is_locked:
            raise MinutesLockedError
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
            # Straight to the draft and the comment form: the meeting page is the secretariat's.
            url=url_for("minutes_comment", current.meeting_id),
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
            url_for("minutes_edit", current.meeting_id),
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
        current = minutes.locked("meeting__body")
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
        meeting = current.meeting.locked()
        meeting.status = Meeting.Status.MINUTES_APPROVED
        save_with_history(meeting, actor=by, parent=meeting.body)
        version = _freeze(current, by=by)
    minutes.status = current.status
    return version


def publish_minutes(minutes: Minutes, *, by: Any) -> None:
    """Publish approved minutes; the members are told."""
    with transaction.atomic():
        current = minutes.locked("meeting__body")
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
        current = minutes.locked("meeting__body")
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


# --- removing what was recorded by mistake -----------------------------------------------------


def _removed(obj: Any, *, by: Any, parent: Any, what: dict[str, Any], note: str) -> None:
    """Write the removal to the history with what was removed, then delete the row."""
    record(
        actor=by,
        action=AuditEvent.Action.DELETED,
        obj=obj,
        changes={name: [value, None] for name, value in what.items()},
        parent=parent,
        note=note,
    )
    obj.delete()


def remove_dissent(dissent: Dissent, *, by: Any) -> None:
    """Remove a wrongly recorded dissent while the minutes are a draft or out for comments.
    The history keeps whose dissent it was and its words."""
    with transaction.atomic():
        minutes = (
            Minutes.objects.select_for_update(of=("self",))
            .select_related("meeting")
            .get(conclusions__dissents=dissent.pk)
        )
        if minutes.is_locked:
            raise MinutesLockedError(
                _("The minutes are approved; the dissent can no longer be removed.")
            )
        current = Dissent.objects.select_related("person", "conclusion__case").get(pk=dissent.pk)
        _removed(
            current,
            by=by,
            parent=minutes.meeting,
            what={
                "case": current.conclusion.case.reference,
                "person": str(current.person),
                "text": current.text,
            },
            note="dissent removed from the draft minutes",
        )


def remove_advice(advice: Advice, *, by: Any) -> None:
    """Remove wrongly recorded advice before the minutes are approved, as long as nobody has
    answered it (an answer belongs to the ledger). The history keeps the advice's text, and
    those who were asked to answer are told it is withdrawn."""
    with transaction.atomic():
        current = advice.locked("case__body", "recipient_unit", "recipient_person")
        case = current.case
        minutes = (
            Minutes.objects.select_for_update(of=("self",))
            .filter(meeting_id=case.meeting_id)
            .first()
            if case.meeting_id
            else None
        )
        if minutes is not None and minutes.is_locked:
            raise MinutesLockedError(
                _("The minutes are approved; the advice can no longer be removed.")
            )
        if current.responses.exists():
            raise RefusedError(
                _(
                    "The advice has been answered, so it can no longer be removed: the answer "
                    "belongs to the influence ledger."
                )
            )
        told = current.answerers()
        _removed(
            current,
            by=by,
            parent=case.body,
            what={
                "case": case.reference,
                "text": current.text,
                "recipient": str(current.recipient_person or current.recipient_unit),
                "due_on": current.due_on.isoformat(),
            },
            note="advice removed before the minutes were approved",
        )
        notify(
            told,
            gettext_lazy("Advice withdrawn: %(case)s"),
            gettext_lazy(
                "The advice of %(body)s in case %(case)s %(title)s was recorded by mistake and "
                "has been removed. You need not answer it: %(text)s"
            ),
            url_for("advice_follow_up"),
            params={
                "body": case.body,
                "case": case.reference,
                "title": case.title,
                "text": current.text,
            },
            exclude=by,
        )
