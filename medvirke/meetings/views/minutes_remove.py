"""Removing a wrongly recorded dissent or piece of advice from minutes not yet approved: the
editor's "Remove" button posts here, a confirmation page says what goes, and a second POST
removes it (no JavaScript needed). The secretariat only."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions, services
from ..models import Advice, AdviceStatus, Case, Dissent, Minutes
from .minutes import minutes_trail

CONFIRMED = "yes"


def _back(minutes: Minutes, case: Case) -> str:
    return reverse("minutes_edit", args=[minutes.meeting_id]) + f"#case-{case.pk}"


def _confirm(
    request: HttpRequest, minutes: Minutes, case: Case, *, title: str, item: dict[str, Any]
) -> HttpResponse:
    return render(
        request,
        "meetings/minutes/remove_confirm.html",
        {
            "minutes": minutes,
            "meeting": minutes.meeting,
            "case": case,
            "title": title,
            "item": item,
            "back": _back(minutes, case),
            "trail": [
                *minutes_trail(minutes.meeting),
                {"label": _("Minutes"), "url": reverse("minutes_edit", args=[minutes.meeting_id])},
            ],
        },
    )


def _done(
    request: HttpRequest, minutes: Minutes, case: Case, remove: Any, success: str
) -> HttpResponse:
    try:
        remove()
    except services.RefusedError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect(_back(minutes, case))


@login_required
@require_POST
def minutes_dissent_remove(request: HttpRequest, pk: int, dissent_pk: int) -> HttpResponse:
    minutes = permissions.get_minutes_for_user(request.user, pk, manage=True)
    dissent = get_object_or_404(
        Dissent.objects.select_related("person", "conclusion__case"),
        pk=dissent_pk,
        conclusion__minutes=minutes,
    )
    case = dissent.conclusion.case
    params = {"person": dissent.person, "ref": case.reference}
    # Nothing to confirm when the removal will be refused: the reason is shown at once.
    if minutes.is_locked or request.POST.get("confirm") == CONFIRMED:
        return _done(
            request,
            minutes,
            case,
            lambda: services.remove_dissent(dissent, by=request.user),
            _(
                "The dissent from %(person)s in case %(ref)s is removed. The history keeps "
                "what it said."
            )
            % params,
        )
    return _confirm(
        request,
        minutes,
        case,
        title=_("Remove the dissent from %(person)s in case %(ref)s?") % params,
        item={"label": _("Dissent"), "text": dissent.text},
    )


@login_required
@require_POST
def minutes_advice_remove(request: HttpRequest, pk: int, advice_pk: int) -> HttpResponse:
    minutes = permissions.get_minutes_for_user(request.user, pk, manage=True)
    advice = get_object_or_404(
        Advice.objects.select_related("case", "recipient_unit", "recipient_person"),
        pk=advice_pk,
        case__meeting_id=minutes.meeting_id,
    )
    case = advice.case
    params = {"ref": case.reference}
    # Nothing to confirm when the removal will be refused: the reason is shown at once.
    answered = advice.status != AdviceStatus.UNANSWERED
    if minutes.is_locked or answered or request.POST.get("confirm") == CONFIRMED:
        return _done(
            request,
            minutes,
            case,
            lambda: services.remove_advice(advice, by=request.user),
            _(
                "The advice in case %(ref)s is removed and the recipient is told. The history "
                "keeps what it said."
            )
            % params,
        )
    return _confirm(
        request,
        minutes,
        case,
        title=_("Remove the council's advice in case %(ref)s?") % params,
        item={
            "label": _("The council's advice"),
            "text": advice.text,
            "recipient": advice.recipient_person or advice.recipient_unit,
        },
    )
