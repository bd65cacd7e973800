"""The influence ledger's workflows: every piece of advice has a recipient and a due date; the
case owner or the recipient answers (followed / partly / not followed / under consideration),
each answer a new row, and the members and the proposing representative are told. Open advice
comes back on the body's agenda (Advice.objects.follow_up) until it has a final answer."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medvirke.core.errors import RefusedError
from medvirke.core.history import save_with_history
from medvirke.core.notify import notify
from medvirke.organisations.models import Organisation

from ..models import Advice, AdviceResponse, Case, Minutes, members_of
from ..permissions import can_respond
from .common import MinutesLockedError, url_for


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
            raise MinutesLockedError
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
            advice.answerers(),
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
        current = advice.locked("case__body", "case__meeting")
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
